//! The real binary in a pseudo-terminal: start the sandbox, type a line,
//! see the browser and server panes change, quit with Ctrl-C, and find the
//! terminal restored.

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
    let dir = std::env::temp_dir().join(format!("sessionlab-pty-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_sessionlab"));
    cmd.arg("sandbox");
    cmd.env("SESSIONLAB_DATA_DIR", &dir);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    let mut child = pair.slave.spawn_command(cmd).expect("the binary starts");
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
    let mut writer = pair.master.take_writer().unwrap();
    let wait_for = |what: &str, check: &dyn Fn(&[String]) -> bool| {
        for _ in 0..1000 {
            let rows = screen(&output.lock().unwrap());
            if check(&rows) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!(
            "timed out waiting for {what}; the screen:\n{}",
            screen(&output.lock().unwrap()).join("\n")
        );
    };

    wait_for("the first frame", &|rows| {
        rows.iter().any(|r| r.contains(">>>")) && !pane(rows, "Browser").is_empty()
    });
    writer
        .write_all(b"request.session['name'] = 'Ada'\r")
        .unwrap();
    writer.flush().unwrap();
    wait_for(
        "sessionid in the browser pane and Ada in the server pane",
        &|rows| pane(rows, "Browser").contains("sessionid") && pane(rows, "Server").contains("Ada"),
    );

    writer.write_all(b"\x03").unwrap();
    writer.flush().unwrap();
    let mut status = None;
    for _ in 0..500 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = status.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("Ctrl-C did not quit");
    });
    assert!(status.success(), "{status:?}");

    // Raw mode is off: the line discipline echoes and works in lines again.
    let termios = pair.master.get_termios().expect("termios of the pty");
    use nix::sys::termios::LocalFlags;
    assert!(
        termios.local_flags.contains(LocalFlags::ICANON),
        "{:?}",
        termios.local_flags
    );
    assert!(
        termios.local_flags.contains(LocalFlags::ECHO),
        "{:?}",
        termios.local_flags
    );

    // It left the alternate screen and showed the cursor, after entering it.
    std::thread::sleep(Duration::from_millis(50));
    let bytes = output.lock().unwrap().clone();
    let text = String::from_utf8_lossy(&bytes);
    let entered = text
        .rfind("\x1b[?1049h")
        .expect("entered the alternate screen");
    let left = text
        .rfind("\x1b[?1049l")
        .expect("left the alternate screen");
    assert!(left > entered);
    let shown = text.rfind("\x1b[?25h").expect("the cursor shown");
    let hidden = text.rfind("\x1b[?25l");
    assert!(
        hidden.is_none_or(|h| shown > h),
        "the cursor is shown at the end"
    );
    assert!(
        text.rfind("\x1b[?1000l").is_some(),
        "mouse capture turned off"
    );
    // The history was kept for the next run.
    let history = std::fs::read_to_string(dir.join("history.txt")).unwrap();
    assert_eq!(history, "request.session['name'] = 'Ada'\n");
    let _ = std::fs::remove_dir_all(dir);
}
