//! The real binary in a pseudo-terminal: start the sandbox, type a line,
//! see the browser and server panes change, quit with Ctrl-C, and find the
//! terminal restored.
#![allow(clippy::disallowed_methods, reason = "these tests wait for the binary")]
#![cfg(unix)]

use std::io::{Read as _, Write as _};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const ROWS: u16 = 40;
const COLS: u16 = 120;

/// The screen's rows as text.
fn screen(bytes: &[u8]) -> Vec<String> {
    let mut parser = vt100::Parser::new(
        NonZeroU16::new(ROWS).unwrap(),
        NonZeroU16::new(COLS).unwrap(),
        0,
    );
    parser.process(bytes);
    parser.screen().rows(0, COLS).collect()
}

/// The text of the pane whose title is `title` (from its top border to the
/// next border below it, from its left edge rightwards).
fn pane(rows: &[String], title: &str) -> String {
    let Some((top, line)) = rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.contains(&format!("┌ {title} ")) || r.contains(&format!("▶ {title} ")))
    else {
        return String::new();
    };
    let byte = line.find(title).unwrap_or(0);
    let col = line[..byte].chars().count().saturating_sub(2);
    rows[top + 1..]
        .iter()
        .take_while(|r| !r.chars().nth(col).is_some_and(|c| matches!(c, '└' | '┗')))
        .map(|r| r.chars().skip(col).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn sandbox_in_a_pty_types_a_line_and_restores_the_terminal() {
    let mut session = Session::start(&["sandbox"]);
    session.type_bytes(b"request.session['name'] = 'Ada'\r");
    session.wait_for(
        "sessionid in the browser pane and Ada in the server pane",
        |rows| pane(rows, "Browser").contains("sessionid") && pane(rows, "Server").contains("Ada"),
    );
    session.type_bytes(b"\x03");
    let status = session.exit();
    assert!(status.success(), "{status:?}");
    // Raw mode off, the alternate screen left, the cursor shown, the mouse off.
    session.assert_terminal_restored();
    // The history was kept for the next run.
    assert_eq!(session.history(), "request.session['name'] = 'Ada'\n");
}

/// A line that runs until its step budget is spent (seconds in a debug build).
const LONG_COMMAND: &str = "x = [[0]] * 999999; y = [[0]] * 999998 + [[1]]; x == y; x == y; x == y; x == y; x == y; x == y; x == y; x == y; x == y; x == y; x == y; x == y; x == y; x == y; x == y; x == y; x == y; x == y; x == y; x == y\r";

/// The sandbox running in a pseudo-terminal, with everything it wrote.
struct Session {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    writer: Box<dyn std::io::Write + Send>,
    output: Arc<Mutex<Vec<u8>>>,
    dir: std::path::PathBuf,
    _owned: Option<tempfile::TempDir>,
}

impl Session {
    fn start(args: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut session = Self::start_in(args, dir.path());
        session._owned = Some(dir);
        session
    }

    fn start_in(args: &[&str], dir: &std::path::Path) -> Self {
        let session = Self::spawn(args, dir, (COLS, ROWS), false);
        session.wait_for("the first frame", |rows| {
            rows.iter().any(|r| r.contains(">>>")) && !pane(rows, "Browser").is_empty()
        });
        session
    }

    /// The binary in a pty of `cols`×`rows`, in colour or not, without
    /// waiting for anything.
    fn spawn(args: &[&str], dir: &std::path::Path, (cols, rows): (u16, u16), mono: bool) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_sessionlab"));
        cmd.args(args);
        cmd.env("SESSIONLAB_DATA_DIR", dir);
        cmd.env("TERM", "xterm-256color");
        if mono {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        let child = pair.slave.spawn_command(cmd).expect("the binary starts");
        drop(pair.slave);
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Session {
            child,
            master: pair.master,
            writer,
            output,
            dir: dir.to_path_buf(),
            _owned: None,
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    fn wait_for(&self, what: &str, check: impl Fn(&[String]) -> bool) {
        for _ in 0..1000 {
            if check(&screen(&self.output.lock().unwrap())) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!(
            "timed out waiting for {what}; the screen:\n{}",
            screen(&self.output.lock().unwrap()).join("\n")
        );
    }

    fn type_bytes(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    fn signal(&self, signal: nix::sys::signal::Signal) {
        let pid = self.child.process_id().expect("a pid");
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), signal).unwrap();
    }

    /// The exit status, waiting up to five seconds.
    fn exit(&mut self) -> portable_pty::ExitStatus {
        for _ in 0..500 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        panic!(
            "the app did not exit; the screen:\n{}",
            screen(&self.output.lock().unwrap()).join("\n")
        );
    }

    /// Raw mode off, the alternate screen left after it was entered, the
    /// mouse and bracketed paste off, the cursor shown.
    fn assert_terminal_restored(&self) {
        use nix::sys::termios::LocalFlags;
        let termios = self.master.get_termios().expect("termios of the pty");
        assert!(
            termios
                .local_flags
                .contains(LocalFlags::ICANON | LocalFlags::ECHO | LocalFlags::ISIG)
        );
        std::thread::sleep(Duration::from_millis(50));
        let text = self.text();
        let entered = text
            .rfind("\x1b[?1049h")
            .expect("entered the alternate screen");
        let left = text
            .rfind("\x1b[?1049l")
            .expect("left the alternate screen");
        assert!(left > entered);
        assert!(
            text.rfind("\x1b[?1000l") > text.rfind("\x1b[?1000h"),
            "mouse off"
        );
        assert!(
            text.rfind("\x1b[?2004l") > text.rfind("\x1b[?2004h"),
            "paste off"
        );
        let shown = text.rfind("\x1b[?25h").expect("the cursor shown");
        assert!(
            text.rfind("\x1b[?25l").is_none_or(|h| shown > h),
            "the cursor is shown"
        );
    }

    fn history(&self) -> String {
        std::fs::read_to_string(self.dir.join("history.txt")).unwrap_or_default()
    }
}

#[test]
fn a_hundred_lines_typed_as_fast_keystrokes_all_run_in_order() {
    let mut session = Session::start(&["sandbox"]);
    let mut keys = String::new();
    for i in 0..100 {
        keys.push_str(&format!("request.session['n'] = {i}\r"));
    }
    // One write: the terminal delivers them as fast as it can, without
    // bracketed paste.
    session.type_bytes(keys.as_bytes());
    session.wait_for("the hundredth command", |rows| {
        pane(rows, "Server").contains("'n': 99")
    });
    session.type_bytes(b"\x03");
    assert!(session.exit().success());
    let history = session.history();
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines.len(), 100, "{history}");
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(*line, format!("request.session['n'] = {i}"));
    }
    session.assert_terminal_restored();
}

#[test]
fn each_ending_signal_restores_the_terminal_and_saves_the_history() {
    use nix::sys::signal::Signal;
    for signal in [
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGINT,
        Signal::SIGQUIT,
    ] {
        let mut session = Session::start(&["sandbox"]);
        session.type_bytes(b"request.session['name'] = 'Ada'\r");
        session.wait_for("Ada in the server pane", |rows| {
            pane(rows, "Server").contains("Ada")
        });
        session.signal(signal);
        let status = session.exit();
        assert!(!status.success(), "{signal}: {status:?}");
        session.assert_terminal_restored();
        assert_eq!(
            session.history(),
            "request.session['name'] = 'Ada'\n",
            "{signal}"
        );
    }
}

#[test]
fn a_signal_stops_a_long_command_at_once() {
    let mut session = Session::start(&["sandbox"]);
    session.type_bytes(LONG_COMMAND.as_bytes());
    std::thread::sleep(Duration::from_millis(300));
    let started = std::time::Instant::now();
    session.signal(nix::sys::signal::Signal::SIGTERM);
    session.exit();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    session.assert_terminal_restored();
}

#[test]
fn suspended_and_continued_it_gives_the_terminal_back_then_redraws() {
    use nix::sys::signal::Signal;
    use nix::sys::termios::LocalFlags;
    let mut session = Session::start(&["sandbox"]);
    session.signal(Signal::SIGTSTP);
    // Stopped: the terminal is back in line mode, the alternate screen left.
    let mut restored = false;
    for _ in 0..300 {
        let flags = session.master.get_termios().unwrap().local_flags;
        if flags.contains(LocalFlags::ICANON | LocalFlags::ECHO)
            && session.text().rfind("\x1b[?1049l") > session.text().rfind("\x1b[?1049h")
        {
            restored = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        restored,
        "the terminal was not given back on SIGTSTP: {:?} {:?}",
        session.master.get_termios().unwrap().local_flags,
        session.text().rfind("\x1b[?1049l")
    );
    let before = session.output.lock().unwrap().len();
    session.signal(Signal::SIGCONT);
    // Continued: raw mode again, and the whole screen drawn afresh.
    for _ in 0..300 {
        if !session
            .master
            .get_termios()
            .unwrap()
            .local_flags
            .contains(LocalFlags::ICANON)
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    session.wait_for("a redraw after SIGCONT", |_| true);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let bytes = session.output.lock().unwrap()[before..].to_vec();
        let rows = screen(&bytes);
        if rows.iter().any(|r| r.contains(">>>")) && !pane(&rows, "Browser").is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no full redraw after SIGCONT"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    session.type_bytes(b"request.session['back'] = 1\r");
    session.wait_for("the command after SIGCONT", |rows| {
        pane(rows, "Server").contains("'back'")
    });
    session.type_bytes(b"\x03");
    assert!(session.exit().success());
    session.assert_terminal_restored();
}

#[test]
fn at_the_end_of_terminal_input_it_saves_and_quits_without_spinning() {
    use std::os::fd::AsFd as _;
    use std::sync::atomic::{AtomicBool, Ordering};
    // A terminal that is not the app's controlling terminal: closing it sends
    // no SIGHUP (as with `trap '' HUP`), so only the end of input is left.
    let pty = nix::pty::openpty(
        &nix::pty::Winsize {
            ws_row: ROWS,
            ws_col: COLS,
            ws_xpixel: 0,
            ws_ypixel: 0,
        },
        None,
    )
    .unwrap();
    // The app must not inherit the test's end, or it never closes.
    use std::os::fd::AsRawFd as _;
    nix::fcntl::fcntl(
        pty.master.as_raw_fd(),
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let slave = std::fs::File::from(pty.slave);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sessionlab"))
        .arg("sandbox")
        .env("SESSIONLAB_DATA_DIR", dir.path())
        .env("TERM", "xterm-256color")
        .stdin(slave.try_clone().unwrap())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave)
        .spawn()
        .unwrap();
    let master = Arc::new(std::fs::File::from(pty.master));
    let output = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (master, output, stop) = (Arc::clone(&master), Arc::clone(&output), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while !stop.load(Ordering::Relaxed) {
                let mut fds = [nix::poll::PollFd::new(
                    master.as_fd(),
                    nix::poll::PollFlags::POLLIN,
                )];
                if nix::poll::poll(&mut fds, 20u16).unwrap_or(0) == 0 {
                    continue;
                }
                match (&*master).read(&mut buf) {
                    Ok(n) if n > 0 => output.lock().unwrap().extend_from_slice(&buf[..n]),
                    _ => break,
                }
            }
        })
    };
    let wait_for = |what: &str, check: &dyn Fn(&[String]) -> bool| {
        for _ in 0..1000 {
            if check(&screen(&output.lock().unwrap())) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("timed out waiting for {what}");
    };
    wait_for("the first frame", &|rows| {
        rows.iter().any(|r| r.contains(">>>"))
    });
    (&*master)
        .write_all(b"request.session['name'] = 'Ada'\r")
        .unwrap();
    wait_for("Ada in the server pane", &|rows| {
        pane(rows, "Server").contains("Ada")
    });
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    drop(Arc::try_unwrap(master).expect("the reader is done"));
    let mut status = None;
    for _ in 0..500 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let Some(status) = status else {
        let _ = child.kill();
        panic!("still running after the terminal closed");
    };
    assert!(status.success(), "{status:?}");
    let history = std::fs::read_to_string(dir.path().join("history.txt")).unwrap();
    assert_eq!(history, "request.session['name'] = 'Ada'\n");
}

#[test]
fn ctrl_c_stops_a_long_command_and_quits() {
    let mut session = Session::start(&["sandbox"]);
    session.type_bytes(LONG_COMMAND.as_bytes());
    std::thread::sleep(Duration::from_millis(300));
    let started = std::time::Instant::now();
    session.type_bytes(b"\x03");
    assert!(session.exit().success());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    session.assert_terminal_restored();
}

#[test]
fn two_windows_on_one_data_directory_keep_each_others_progress() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Session::start_in(&["learn", "01-what-is-a-cookie"], dir.path());
    let mut b = Session::start_in(&["learn", "02-what-is-a-session"], dir.path());
    a.type_bytes(b"response.set_cookie('theme', 'dark')\r");
    b.type_bytes(b"request.session['name'] = 'Ada'\r");
    a.wait_for("the goal met in window A", |rows| {
        rows.iter().any(|r| r.contains("Goal met"))
    });
    b.wait_for("the goal met in window B", |rows| {
        rows.iter().any(|r| r.contains("Goal met"))
    });
    a.type_bytes(b"\x03");
    b.type_bytes(b"\x03");
    assert!(a.exit().success() && b.exit().success());
    let progress: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("progress.json")).unwrap())
            .unwrap();
    assert_eq!(
        progress["lessons"]["01-what-is-a-cookie"]["done"], 1,
        "{progress}"
    );
    assert_eq!(
        progress["lessons"]["02-what-is-a-session"]["done"], 1,
        "{progress}"
    );
    let history = std::fs::read_to_string(dir.path().join("history.txt")).unwrap();
    assert!(
        history.contains("response.set_cookie('theme', 'dark')"),
        "{history}"
    );
    assert!(
        history.contains("request.session['name'] = 'Ada'"),
        "{history}"
    );
}

/// `sessionlab learn 01-what-is-a-cookie` in a `cols`×`rows` terminal: the
/// step's instruction and goal on the first screen; after the solution, the
/// Set-Cookie header and the goal met, without scrolling.
fn first_lesson_fits(cols: u16, rows: u16) {
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::spawn(
        &["learn", "01-what-is-a-cookie"],
        dir.path(),
        (cols, rows),
        true,
    );
    let output = Arc::clone(&session.output);
    let text = || {
        let mut parser = vt100::Parser::new(
            NonZeroU16::new(rows).unwrap(),
            NonZeroU16::new(cols).unwrap(),
            0,
        );
        parser.process(&output.lock().unwrap());
        parser.screen().contents()
    };
    let wait_for = |wants: &[&str]| {
        for _ in 0..1000 {
            let screen = text();
            if wants.iter().all(|w| screen.contains(w)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!(
            "{cols}x{rows}: timed out waiting for {wants:?}; the screen:\n{}",
            text()
        );
    };
    wait_for(&[
        "Step 1 of 7",
        "response.set_cookie('theme', 'dark')",
        "Goal",
        "✗ the browser keeps theme=dark",
    ]);
    session.type_bytes(b"response.set_cookie('theme', 'dark')\r");
    wait_for(&["Set-Cookie: theme=dark", "✓ Goal met!", "[HTTP]"]);
    session.type_bytes(b"\x03");
    session.exit();
}

#[test]
fn the_first_lesson_fits_eighty_by_twenty_four() {
    first_lesson_fits(80, 24);
}

#[test]
fn the_first_lesson_fits_sixty_by_sixteen_with_one_world_pane() {
    first_lesson_fits(60, 16);
}
