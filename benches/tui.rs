//! The interactive app against a minimal ratatui app that draws one
//! paragraph, side by side in one run (`cargo bench --bench tui`):
//!
//! - a full 120×40 frame (every pane drawn) on `TestBackend`;
//! - time to first frame and key-to-redraw latency, both binaries in a
//!   pseudo-terminal;
//! - resident memory from `/proc`;
//! - the app over a long sandbox: peak memory after 10,000 commands of the
//!   benchmark mix and after 1,000 writes to a 100 KB session, with undo
//!   still reaching back 200 commands; Enter + redraw with 3,000 sessions.
//!
//! The minimal app is this benchmark's own executable, started with
//! `SESSIONLAB_BENCH_MINIMAL=1`.
#![allow(
    clippy::disallowed_methods,
    reason = "a benchmark measures wall-clock time"
)]

use std::hint::black_box;
use std::io::{Read as _, Write as _};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crossterm::event::Event;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::widgets::Paragraph;
use sessionlab::lesson::Course;
use sessionlab::progress::Store;
use sessionlab::tui::theme::Theme;
use sessionlab::tui::{App, view};

#[path = "common/workload.rs"]
mod workload;

const MINIMAL_ENV: &str = "SESSIONLAB_BENCH_MINIMAL";
const MEMORY_ENV: &str = "SESSIONLAB_BENCH_APP_MEMORY";

/// The minimal app: one paragraph, redrawn with the last key; Ctrl-C quits.
fn minimal_app() {
    use crossterm::event::{self, Event, KeyCode, KeyModifiers};
    let mut terminal = ratatui::init();
    let mut last = String::from("none");
    loop {
        let text = format!("hello from a minimal ratatui app; last key: {last}");
        terminal
            .draw(|f| f.render_widget(Paragraph::new(text.as_str()), f.area()))
            .unwrap();
        match event::read().unwrap() {
            Event::Key(k)
                if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) =>
            {
                break;
            }
            Event::Key(k) => {
                if let KeyCode::Char(c) = k.code {
                    last = c.to_string();
                }
            }
            _ => {}
        }
    }
    ratatui::restore();
}

fn course() -> Course {
    Course::embedded().expect("the embedded course")
}

fn sandbox_app() -> App {
    let store = Store::default();
    let mut app = App::new(course(), store, Vec::new(), Theme::color(), 0);
    app.open_sandbox();
    for line in [
        "request.session['name'] = 'Ada'",
        "request.session['cart'] = ['apple', 'pear']",
        "response.set_cookie('theme', 'dark', max_age=3600)",
        "browser open alice",
        "request.session['name'] = 'Bob'",
    ] {
        app.run_line(line);
    }
    app
}

fn key(code: crossterm::event::KeyCode, modifiers: crossterm::event::KeyModifiers) -> Event {
    Event::Key(crossterm::event::KeyEvent::new(code, modifiers))
}

/// Type `line` at the prompt and press Enter, as the learner does.
fn enter(app: &mut App, line: &str) {
    use crossterm::event::{KeyCode, KeyModifiers};
    app.prompt.set(line);
    app.handle(&key(KeyCode::Enter, KeyModifiers::NONE), Instant::now());
}

/// In a child process: a sandbox in the app, every line entered and the
/// frame drawn; then undo as far as it goes. Prints peak KiB and undo depth.
fn memory_child(workload: &str) {
    use crossterm::event::{KeyCode, KeyModifiers};
    let lines = match workload {
        "mix" => workload::mix(10_000)[..10_000].to_vec(),
        _ => workload::big_session(1000),
    };
    let store = Store::default();
    let mut app = App::new(course(), store, Vec::new(), Theme::color(), 0);
    app.open_sandbox();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    for line in &lines {
        enter(&mut app, line);
        terminal.draw(|f| view::draw(&app, f)).unwrap();
    }
    let peak = workload::peak_kib();
    let mut undone = 0;
    loop {
        app.handle(
            &key(KeyCode::Char('z'), KeyModifiers::CONTROL),
            Instant::now(),
        );
        let work = app.work.as_ref().unwrap();
        if !matches!(work.output.last(), Some(sessionlab::tui::panes::Output::Note(n)) if n == "Undone.")
        {
            break;
        }
        undone += 1;
    }
    println!("{peak} {undone}");
}

fn memory(workload: &str, what: &str, goal_mib: f64) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env(MEMORY_ENV, workload)
        .output()
        .expect("the benchmark runs itself");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text
        .split_whitespace()
        .map(|f| f.parse::<f64>().unwrap_or(0.0));
    let mib = fields.next().unwrap_or(0.0) / 1024.0;
    let undone = fields.next().unwrap_or(0.0);
    println!(
        "  {what:<44} peak RSS {mib:>6.1} MiB (goal < {goal_mib} MiB -> {}); undo reaches back {undone} commands (goal ≥ 200 -> {})",
        workload::verdict(mib < goal_mib),
        workload::verdict(undone >= 200.0)
    );
}

/// Enter + redraw with 3,000 sessions stored: the median of 51.
fn enter_latency() {
    let store = Store::default();
    let mut app = App::new(course(), store, Vec::new(), Theme::color(), 0);
    app.open_sandbox();
    for line in workload::many_sessions(3000) {
        app.run_line(&line);
    }
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| view::draw(&app, f)).unwrap();
    let mut samples: Vec<Duration> = (0..51)
        .map(|_| {
            let start = Instant::now();
            enter(&mut app, workload::WRITE);
            terminal.draw(|f| view::draw(&app, f)).unwrap();
            start.elapsed()
        })
        .collect();
    samples.sort();
    let median = samples[samples.len() / 2];
    println!(
        "  Enter + redraw, 3000 sessions stored, 120×40: median {:.2} ms (goal < 5 ms -> {})",
        millis(median),
        workload::verdict(median < Duration::from_millis(5))
    );
}

fn lesson_app() -> App {
    let store = Store::default();
    let mut app = App::new(course(), store, Vec::new(), Theme::color(), 0);
    app.open_lesson_at(4, 2);
    app
}

fn time_frames(name: &str, iterations: u32, mut draw: impl FnMut()) -> Duration {
    for _ in 0..iterations / 10 {
        draw();
    }
    let mut samples = Vec::with_capacity(iterations as usize);
    for _ in 0..iterations {
        let start = Instant::now();
        draw();
        samples.push(start.elapsed());
    }
    samples.sort();
    let median = samples[samples.len() / 2];
    let p99 = samples[samples.len() * 99 / 100];
    println!(
        "  {name:<44} median {:>8.1} µs   p99 {:>8.1} µs",
        micros(median),
        micros(p99)
    );
    median
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// A binary running in a pseudo-terminal, its output arriving on a channel.
struct Pty {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn std::io::Write + Send>,
    output: mpsc::Receiver<(Instant, Vec<u8>)>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Pty {
    fn spawn(program: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> (Self, Instant) {
        use portable_pty::{CommandBuilder, PtySize, native_pty_system};
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut reader = pair.master.try_clone_reader().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        });
        let start = Instant::now();
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let writer = pair.master.take_writer().unwrap();
        (
            Self {
                child,
                writer,
                output: rx,
                _master: pair.master,
            },
            start,
        )
    }

    /// Wait until the output seen so far contains `needle`; when it arrived.
    fn wait_for(&self, seen: &mut Vec<u8>, needle: &[u8]) -> Instant {
        loop {
            let Ok((at, chunk)) = self.output.recv_timeout(Duration::from_secs(10)) else {
                panic!(
                    "no {:?} in the output in time; it was {:?}",
                    String::from_utf8_lossy(needle),
                    String::from_utf8_lossy(seen)
                );
            };
            seen.extend_from_slice(&chunk);
            if seen.windows(needle.len()).any(|w| w == needle) {
                return at;
            }
        }
    }

    fn rss_kib(&self) -> (u64, u64) {
        let pid = self.child.process_id().unwrap();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    fn quit(mut self) {
        let _ = self.writer.write_all(b"\x03");
        let _ = self.writer.flush();
        for _ in 0..200 {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
    }
}

struct Interactive {
    first_frame: Duration,
    keys: Vec<Duration>,
    rss_kib: u64,
    peak_kib: u64,
}

/// Start `program`, wait for `marker`, then type keys and time each redraw.
fn interactive(
    program: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
    marker: &[u8],
    keys: usize,
) -> Interactive {
    let (mut pty, start) = Pty::spawn(program, args, env);
    let mut seen = Vec::new();
    let first = pty.wait_for(&mut seen, marker);
    let first_frame = first - start;
    // Let the first frame settle.
    std::thread::sleep(Duration::from_millis(100));
    while pty.output.try_recv().is_ok() {}
    let mut latencies = Vec::with_capacity(keys);
    for i in 0..keys {
        // Alternate two letters so every key changes what is drawn.
        let key = if i % 2 == 0 { b'x' } else { b'y' };
        let sent = Instant::now();
        pty.writer.write_all(&[key]).unwrap();
        pty.writer.flush().unwrap();
        let mut seen = Vec::new();
        let at = pty.wait_for(&mut seen, &[key]);
        latencies.push(at.saturating_duration_since(sent));
        std::thread::sleep(Duration::from_millis(5));
        while pty.output.try_recv().is_ok() {}
    }
    let (rss_kib, peak_kib) = pty.rss_kib();
    pty.quit();
    Interactive {
        first_frame,
        keys: latencies,
        rss_kib,
        peak_kib,
    }
}

fn main() {
    if std::env::var_os(MINIMAL_ENV).is_some() {
        minimal_app();
        return;
    }
    if let Some(workload) = std::env::var_os(MEMORY_ENV) {
        memory_child(&workload.to_string_lossy());
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("Frame time on TestBackend 120×40:");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let minimal = time_frames("minimal app: one paragraph", 5000, || {
        // A cleared terminal makes each draw a full redraw.
        terminal
            .draw(|f| {
                f.render_widget(
                    Paragraph::new("hello from a minimal ratatui app; last key: x"),
                    f.area(),
                )
            })
            .unwrap();
        terminal.clear().unwrap();
    });
    let mut app = sandbox_app();
    let full = time_frames("sessionlab sandbox, every pane drawn afresh", 5000, || {
        // No pane reused from the cache: every pane laid out and drawn.
        app.touch();
        terminal.draw(|f| view::draw(black_box(&app), f)).unwrap();
        terminal.clear().unwrap();
    });
    let mut lesson = lesson_app();
    time_frames("sessionlab lesson screen, drawn afresh", 5000, || {
        lesson.touch();
        terminal
            .draw(|f| view::draw(black_box(&lesson), f))
            .unwrap();
        terminal.clear().unwrap();
    });
    let mut keys = 0u32;
    time_frames(
        "sessionlab: one key typed + redraw (cached panes)",
        5000,
        || {
            keys += 1;
            let c = if keys.is_multiple_of(2) { 'x' } else { 'y' };
            app.handle(
                &crossterm::event::Event::Key(crossterm::event::KeyEvent::new(
                    crossterm::event::KeyCode::Char(c),
                    crossterm::event::KeyModifiers::NONE,
                )),
                Instant::now(),
            );
            if keys.is_multiple_of(50) {
                app.prompt.set("");
            }
            terminal.draw(|f| view::draw(&app, f)).unwrap();
        },
    );
    println!(
        "  full frame / minimal frame: {:.1}×",
        full.as_secs_f64() / minimal.as_secs_f64()
    );

    println!(
        "\nA long sandbox in the app (lines entered at the prompt, each frame drawn on TestBackend):"
    );
    enter_latency();
    if !cfg!(target_os = "linux") {
        return;
    }
    memory("mix", "10000 commands of the benchmark mix", 16.0);
    memory("big", "1000 writes to a 100 KB session", 32.0);
    let data = std::env::temp_dir().join(format!("sessionlab-bench-{}", std::process::id()));
    let data_str = data.display().to_string();
    let me = std::env::current_exe().unwrap();
    let bin = std::path::PathBuf::from(env!("CARGO_BIN_EXE_sessionlab"));
    println!(
        "\nIn a pseudo-terminal, 120×40 (7 runs each, alternating; first frame: median of runs; keys: median of all 100×7):"
    );
    let mut rows: Vec<(&str, Vec<Interactive>)> = vec![
        ("minimal ratatui app", Vec::new()),
        ("sessionlab sandbox", Vec::new()),
    ];
    for _ in 0..7 {
        rows[0].1.push(interactive(
            &me,
            &[],
            &[(MINIMAL_ENV, "1")],
            b"minimal",
            100,
        ));
        rows[1].1.push(interactive(
            &bin,
            &["sandbox"],
            // The theme is named: the benchmark's pseudo-terminal answers no
            // colour query, where a real terminal answers in one round trip.
            &[
                ("SESSIONLAB_DATA_DIR", &data_str),
                ("SESSIONLAB_THEME", "dark"),
            ],
            b"Browser",
            100,
        ));
    }
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let mut summary = Vec::new();
    for (name, runs) in &rows {
        let first = median(runs.iter().map(|r| r.first_frame).collect());
        let mut keys: Vec<Duration> = runs.iter().flat_map(|r| r.keys.iter().copied()).collect();
        keys.sort();
        let key = keys[keys.len() / 2];
        let p90 = keys[keys.len() * 9 / 10];
        let rss = runs.iter().map(|r| r.rss_kib).max().unwrap_or(0);
        let peak = runs.iter().map(|r| r.peak_kib).max().unwrap_or(0);
        println!(
            "  {name:<22} first frame {:>7.2} ms   key→redraw median {:>6.3} ms (p90 {:>6.3})   RSS {:>6.2} MiB (peak {:.2})",
            millis(first),
            millis(key),
            millis(p90),
            rss as f64 / 1024.0,
            peak as f64 / 1024.0
        );
        summary.push((first, key));
    }
    println!(
        "  sessionlab / minimal: first frame {:.2}×, key→redraw {:.2}×",
        summary[1].0.as_secs_f64() / summary[0].0.as_secs_f64(),
        summary[1].1.as_secs_f64() / summary[0].1.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(data);
}
