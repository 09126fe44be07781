//! Fuzz driver, not part of `cargo test`: random and mutated lines through
//! the runner, both transcripts and the app (undo included) and the screen;
//! random and mutated lessons through the loader, `check`, the lesson screen
//! and their solutions. Each case runs under `catch_unwind`, a watchdog saves
//! and aborts a case that runs past 20 s, and cases over 1.5 s are saved as
//! slow.
//!
//! ```sh
//! cargo build --profile fuzz --example fuzz
//! nice target/fuzz/examples/fuzz lines|lessons SEED SECONDS OUTDIR
//! ```
//!
//! The `fuzz` profile is the release profile with overflow checks, so that
//! arithmetic that would wrap in the shipped binary panics here instead.
//! `FUZZ_REPO` (default `.`) is where the scenarios and lessons are read from.
#![allow(clippy::disallowed_methods, reason = "the fuzzer times its cases")]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sessionlab::lesson::{Course, check::check_lesson, load::parse_lesson};
use sessionlab::progress::Store;
use sessionlab::runner::Runner;
use sessionlab::sim::World;
use sessionlab::transcript::{JsonTranscript, readable};
use sessionlab::tui::theme::Theme;
use sessionlab::tui::{App, view};

static PARSED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const SPICE: &[&str] = &[
    "\u{1b}[2J",
    "\u{1b}]0;pwned\u{7}",
    "\u{7}",
    "\u{8}",
    "\0",
    "\u{202e}",
    "\u{200b}",
    "e\u{301}",
    "表",
    "🍪",
    "👩‍👩‍👧",
    "\r",
    "\t",
    "\u{85}",
    "\u{2028}",
    "\u{feff}",
    "9999999999999999999999",
    "-9223372036854775808",
    "9223372036854775807",
    "1e309",
    "10**18",
    "2**63",
    "2**64",
    "-1",
    "0",
    "None",
    "True",
    "''",
    "'\\x1b[31m'",
    "\"\\u202e\"",
    "[]",
    "{}",
    "()",
    "[[[[",
    "]]]]",
    ";",
    ":",
    ".",
    "request.session",
    "request.COOKIES",
    "response",
    "settings",
    "*",
    "**",
    "//",
    "%",
    "<<",
    ">>",
    "@",
    "not ",
    " and ",
    " or ",
    " if ",
    " else ",
    "lambda",
    "=",
    "==",
    "+=",
    "del ",
    "'x' * 999999",
    "[0] * 999999",
    "sessionid",
    "+99999999999w",
    "+0s",
    "\\",
    "'",
    "\"",
    "#",
    "b'\\xff'",
    "f'x'",
    "r'\\n'",
];

const HOSTILE: &[&str] = &[
    "request.session['k'] = 'x' * 999999",
    "request.session['k'] = [[0] * 1000] * 1000",
    "request.session['k'] = sum([[0]*100]*100, [])",
    "request.session.set_expiry(10**18)",
    "request.session.set_expiry(-10**18)",
    "request.session.set_expiry(9223372036854775807)",
    "request.session.set_expiry(-9223372036854775808)",
    "request.session.set_expiry(1e308)",
    "request.session.set_expiry(float('nan'))",
    "response.set_cookie('a', 'b', max_age=9223372036854775807)",
    "response.set_cookie('a', 'b', max_age=-9223372036854775808)",
    "response.set_cookie('a', 'b', max_age=1e308)",
    "response.set_cookie('a', 'b', expires=9223372036854775807)",
    "response.set_cookie('\\x1b]0;t\\x07', '\\x1b[2J')",
    "response.set_cookie('a', 'b', path='\\x1b', domain='\\x00')",
    "clock +9223372036854775807s",
    "clock +999999999999999w",
    "clock +106751991167300d",
    "clock +1w",
    "settings.SESSION_COOKIE_AGE = 9223372036854775807",
    "settings.SESSION_COOKIE_AGE = -9223372036854775808",
    "settings.SESSION_COOKIE_AGE = 0",
    "settings.SESSION_COOKIE_NAME = '\\x1b'",
    "settings.SESSION_COOKIE_NAME = ''",
    "settings.SESSION_COOKIE_PATH = ''",
    "settings.SECRET_KEY = ''",
    "settings.SESSION_SERIALIZER = 'x'",
    "browser set sessionid=\u{1b}[2J",
    "browser set a=",
    "browser set =b",
    "browser open \u{202e}",
    "browser copy sessionid from \u{1b}",
    "visit /\u{1b}",
    "path \u{0}",
    "request.session[1] = 1",
    "request.session[None] = 1",
    "request.session['a'] = request.session",
    "request.session['a'] = request",
    "request.session['a'] = response",
    "request.session['a'] = settings",
    "request.session['a'] = login",
    "request.session['a'] = {'a': {'b': {'c': [1, (2, 3), {4}]}}}",
    "request.session['a'] = 1.5e308 * 10",
    "request.session['a'] = -0.0",
    "request.session['a'] = float('inf')",
    "request.session['a'] = b'\\xff'",
    "x = []; x.append(x); request.session['a'] = x",
    "x = {}; x['x'] = x; request.session['a'] = x",
    "x = []; x.append(x); x",
    "x = []; x.append(x); str(x)",
    "x = [1]; x += x; x",
    "login(request, '\\x1b[2J')",
    "login(request, '')",
    "request.session.cycle_key(); request.session.cycle_key()",
    "request.session.flush(); request.session['a'] = 1",
    "request.session.get_decoded()",
    "request.session.session_key = 'x'",
    "request.session.modified = 1",
    "site https://\u{1b}",
    "site http://a.example:99999",
    "visit / from https://evil.example via \u{202e}",
    "replay 18446744073709551615",
    "replay 1 with Cookie: \u{1b}[2J=\u{0}",
    "intercept on",
    "edit cookie: =; ;;=;",
    "edit set-cookie =",
    "forward",
    "drop",
    "decode .\u{1b}:1:2",
    "decode .eJwzNDQwMjE1BQAFQQHX:1vb66i:x",
    "export 99999999999 curl",
    "signing.loads('.' * 100000)",
    "signing.dumps(10**18, compress=True, key='\x1b')",
];

const TAME_OUT: &[&str] = &[
    "922337203685477",
    "999999",
    "* 1000]",
    "sum(",
    "10**18",
    "append(x)",
    "x['x'] = x",
    "1e308",
    "+99999",
    "106751991167300",
    "15250284452",
];

fn spice(rng: &mut Rng) -> &'static str {
    loop {
        let s = *rng.pick(SPICE);
        if std::env::var("FUZZ_TAME").is_err()
            || !TAME_OUT.iter().any(|t| s.contains(t)) && !s.contains("9999") && !s.contains("2**6")
        {
            return s;
        }
    }
}

fn corpus(repo: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    for dir in ["tests/scenarios", "lessons"] {
        let Ok(entries) = std::fs::read_dir(repo.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
            if ext != "txt" && ext != "md" {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            let mut in_solution = ext == "txt";
            for l in text.lines() {
                if ext == "md" {
                    if l.starts_with("```solution") {
                        in_solution = true;
                        continue;
                    }
                    if l.starts_with("```") {
                        in_solution = false;
                        continue;
                    }
                }
                if in_solution && !l.trim().is_empty() && !l.trim().starts_with('#') {
                    lines.push(l.trim().to_string());
                }
            }
        }
    }
    lines.extend(HOSTILE.iter().map(|s| s.to_string()));
    if std::env::var("FUZZ_TAME").is_ok() {
        lines.retain(|l| !TAME_OUT.iter().any(|t| l.contains(t)));
    }
    lines.sort();
    lines.dedup();
    lines
}

fn char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(rng: &mut Rng, line: &str, corpus: &[String]) -> String {
    let mut s = line.to_string();
    let n = 1 + rng.below(4);
    for _ in 0..n {
        let at = char_boundary(&s, rng.below(s.len() + 1));
        match rng.below(9) {
            0 => s.insert_str(at, spice(rng)),
            1 => {
                let end = char_boundary(&s, at + rng.below(8));
                s.replace_range(at..end, "");
            }
            2 => {
                let other = rng.pick(corpus);
                let cut = char_boundary(other, rng.below(other.len() + 1));
                s = format!("{}{}", &s[..at], &other[cut..]);
            }
            3 => s = format!("{s}; {}", rng.pick(corpus)),
            4 => {
                // replace a digit run with an extreme number
                if let Some(p) = s.find(|c: char| c.is_ascii_digit()) {
                    let end = s[p..]
                        .find(|c: char| !c.is_ascii_digit())
                        .map_or(s.len(), |e| p + e);
                    let num = if std::env::var("FUZZ_TAME").is_ok() {
                        *rng.pick(&[
                            "0", "-1", "7", "86400", "1209600", "1e400", "2**62", "10**30", "3.5",
                        ])
                    } else {
                        *rng.pick(&[
                            "0",
                            "-1",
                            "9223372036854775807",
                            "9223372036854775808",
                            "99999999999999999999999999",
                            "1e400",
                            "2**62",
                            "10**30",
                        ])
                    };
                    s.replace_range(p..end, num);
                }
            }
            5 => {
                let c = char::from_u32(rng.below(0x3000) as u32).unwrap_or('?');
                s.insert(at, c);
            }
            6 => {
                // swap quote kinds / brackets
                let from = *rng.pick(&["'", "(", "[", "{", ",", "=", " "]);
                let to = *rng.pick(&["\"", ")", "]", "}", ";", "==", ""]);
                s = s.replacen(from, to, 1);
            }
            7 => {
                let end = char_boundary(&s, at + rng.below(12));
                let piece = s[at..end].to_string();
                s.insert_str(at, &piece.repeat(1 + rng.below(5)));
            }
            _ => s = spice(rng).to_string() + &s,
        }
    }
    s
}

fn random_line(rng: &mut Rng, corpus: &[String]) -> String {
    match rng.below(10) {
        0..=3 => rng.pick(corpus).clone(),
        4..=7 => {
            let base = rng.pick(corpus).clone();
            mutate(rng, &base, corpus)
        }
        8 => {
            let n = rng.below(60);
            (0..n).map(|_| spice(rng).to_string()).collect()
        }
        _ => {
            let n = rng.below(80);
            (0..n)
                .map(|_| {
                    let c = rng.below(128) as u8 as char;
                    if rng.chance(10) {
                        char::from_u32(rng.below(0x11000) as u32).unwrap_or('x')
                    } else {
                        c
                    }
                })
                .collect()
        }
    }
}

struct Watch {
    started: AtomicU64, // ms since epoch of start of the current case, 0 when idle
    case: Mutex<String>,
}

fn ms_since(t0: Instant) -> u64 {
    t0.elapsed().as_millis() as u64 + 1
}

fn save(out: &Path, kind: &str, seed: u64, n: u64, text: &str) -> PathBuf {
    let p = out.join(format!("{kind}-{seed}-{n}.txt"));
    let _ = std::fs::write(&p, text);
    p
}

fn main() {
    // Commands may recurse to Python's limit of 1000 levels.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(fuzz)
        .expect("a thread")
        .join()
        .expect("the fuzzer");
}

fn fuzz() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).cloned().unwrap_or_else(|| "lines".into());
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let secs: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(60);
    let out = PathBuf::from(args.get(4).cloned().unwrap_or_else(|| "fuzz-out".into()));
    let repo = PathBuf::from(std::env::var("FUZZ_REPO").unwrap_or_else(|_| ".".into()));
    let slow_ms: u64 = std::env::var("FUZZ_SLOW_MS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1500);
    std::fs::create_dir_all(&out).unwrap();
    let corpus = corpus(&repo);
    let lessons: Vec<String> = std::fs::read_dir(repo.join("lessons"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("README.md"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    eprintln!("corpus: {} lines, {} lessons", corpus.len(), lessons.len());

    let last_panic = Arc::new(Mutex::new(String::new()));
    {
        let last_panic = last_panic.clone();
        std::panic::set_hook(Box::new(move |info| {
            let loc = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            *last_panic.lock().unwrap() = format!("{loc}: {msg}");
        }));
    }

    let t0 = Instant::now();
    let watch = Arc::new(Watch {
        started: AtomicU64::new(0),
        case: Mutex::new(String::new()),
    });
    {
        let watch = watch.clone();
        let out = out.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(500));
                let s = watch.started.load(Ordering::SeqCst);
                if s != 0 && ms_since(t0).saturating_sub(s) > 20_000 {
                    let case = watch.case.lock().map(|c| c.clone()).unwrap_or_default();
                    let p = save(&out, "hang", seed, s, &case);
                    eprintln!("HANG > 20 s: saved {}", p.display());
                    std::process::abort();
                }
            }
        });
    }

    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut cases = 0u64;
    let mut steps = 0u64;
    let mut panics = 0u64;
    let mut slow = 0u64;
    let deadline = Duration::from_secs(secs);
    let current = out.join(format!("current-{seed}.txt"));
    let mut reported = 0;
    while t0.elapsed() < deadline {
        if t0.elapsed().as_secs() >= reported + 60 {
            reported = t0.elapsed().as_secs();
            eprintln!(
                "{mode} seed {seed}: {cases} cases, {steps} lines, {panics} panics, {slow} slow after {reported}s"
            );
        }
        cases += 1;
        let case: Vec<String>;
        let kind;
        if mode == "lines" {
            let n = 1 + rng.below(25);
            case = (0..n).map(|_| random_line(&mut rng, &corpus)).collect();
            kind = "lines";
        } else {
            // a lesson: mutate an embedded one by lines and characters
            let base = rng.pick(&lessons).clone();
            let mut ls: Vec<String> = base.split('\n').map(str::to_string).collect();
            for _ in 0..1 + rng.below(6) {
                let i = rng.below(ls.len());
                match rng.below(8) {
                    0 => {
                        ls.remove(i);
                    }
                    1 => {
                        let l = ls[i].clone();
                        ls.insert(i, l);
                    }
                    2 => {
                        let j = rng.below(ls.len());
                        ls.swap(i, j);
                    }
                    3 => ls[i] = mutate(&mut rng, &ls[i].clone(), &corpus),
                    4 => ls.insert(
                        i,
                        rng.pick(&[
                            "```",
                            "```goal",
                            "```solution",
                            "```hint",
                            "+++",
                            "## Step:",
                            "### Why",
                            "## Step: x",
                            "~~~",
                            "````",
                            "[start]",
                            "settings = {}",
                            "browsers = [\"\"]",
                            "clock = 9223372036854775807",
                            "> > > > > > >",
                            "- - - - - - -",
                            "| a | b |",
                            "|---|---|",
                            "id = \"x\"",
                        ])
                        .to_string(),
                    ),
                    5 => {
                        let l = random_line(&mut rng, &corpus);
                        ls.insert(i, l);
                    }
                    6 => ls[i] = ls[i].replace(' ', ""),
                    _ => {
                        let l = ls[i].clone();
                        ls[i] = format!("{}{}", spice(&mut rng), l);
                    }
                }
            }
            case = vec![ls.join("\n")];
            kind = "lessons";
        }
        let text = case.join("\n---8<---\n");
        let _ = std::fs::write(&current, &text);
        *watch.case.lock().unwrap() = text.clone();
        let start_ms = ms_since(t0);
        watch.started.store(start_ms, Ordering::SeqCst);
        let case_seed = rng.next();
        let w = 1 + rng.below(200) as u16;
        let h = 1 + rng.below(70) as u16;
        let result = catch_unwind(AssertUnwindSafe(|| {
            if kind == "lines" {
                let mut runner = Runner::new(World::new(case_seed));
                let mut transcript = JsonTranscript::new();
                let mut app = App::new(
                    Course::default(),
                    Store::default(),
                    Vec::new(),
                    Theme::mono(),
                    case_seed,
                );
                app.open_sandbox();
                for (i, line) in case.iter().enumerate() {
                    let step = runner.step(line);
                    let json = transcript.line(i + 1, &step, &runner.world.server);
                    serde_json::from_str::<serde_json::Value>(&json)
                        .expect("transcript line is JSON");
                    let _ = readable(&step);
                    app.run_line(line);
                }
                let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
                app.size = ratatui::layout::Rect::new(0, 0, w, h);
                terminal.draw(|f| view::draw(&app, f)).unwrap();
            } else {
                let id = case[0]
                    .lines()
                    .find_map(|l| l.strip_prefix("id = \"").and_then(|r| r.split('"').next()))
                    .unwrap_or("x")
                    .to_string();
                let name = format!("lessons/{id}.md");
                match parse_lesson(&name, &case[0]) {
                    Ok(lesson) => {
                        PARSED.fetch_add(1, Ordering::Relaxed);
                        let _ = check_lesson(&lesson);
                        let course = Course {
                            lessons: vec![lesson.clone()],
                            ..Course::default()
                        };
                        let mut app = App::new(
                            course,
                            Store::default(),
                            Vec::new(),
                            Theme::mono(),
                            case_seed,
                        );
                        app.open_lesson(0);
                        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
                        app.size = ratatui::layout::Rect::new(0, 0, w, h);
                        terminal.draw(|f| view::draw(&app, f)).unwrap();
                        for step in lesson.steps.iter().take(3) {
                            for line in &step.solution {
                                app.run_line(line);
                            }
                        }
                        terminal.draw(|f| view::draw(&app, f)).unwrap();
                    }
                    Err(findings) => {
                        for f in findings {
                            let _ = f.to_string();
                        }
                    }
                }
            }
        }));
        watch.started.store(0, Ordering::SeqCst);
        steps += case.len() as u64;
        let took = ms_since(t0) - start_ms;
        if result.is_err() {
            panics += 1;
            let msg = last_panic.lock().unwrap().clone();
            let p = save(
                &out,
                "panic",
                seed,
                cases,
                &format!("{msg}\nsize {w}x{h} seed {case_seed}\n{text}"),
            );
            eprintln!("PANIC {msg} -> {}", p.display());
        } else if took > slow_ms {
            slow += 1;
            let p = save(&out, "slow", seed, cases, &format!("{took} ms\n{text}"));
            eprintln!("SLOW {took} ms -> {}", p.display());
        }
    }
    let _ = std::fs::remove_file(&current);
    eprintln!(
        "{mode} seed {seed}: parsed OK {}, {cases} cases, {steps} lines, {panics} panics, {slow} slow, {:.0}s",
        PARSED.load(Ordering::Relaxed),
        t0.elapsed().as_secs_f64()
    );
}
