//! A hostile teacher's folder and hostile scenario lines, through the real
//! binary: nothing raw reaches the terminal, nothing hangs, nothing is read
//! out of the folder, and nothing costs more than it should.
#![allow(clippy::disallowed_methods, reason = "these tests time the binary")]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn sessionlab(args: &[&str], data: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sessionlab"))
        .args(args)
        .env("SESSIONLAB_DATA_DIR", data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("sessionlab {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn all_output(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// No escape, bell, backspace or bidi override in what the binary printed.
fn assert_inert(text: &str) {
    for c in ['\u{1b}', '\u{7}', '\u{8}', '\u{9b}', '\u{202e}'] {
        assert!(
            !text.contains(c),
            "raw U+{:04X} in output:\n{text}",
            c as u32
        );
    }
}

const EVIL_TITLE: &str =
    "Evil \\u001b]0;pwned\\u0007\\u001b[2J\\u001b]52;c;cHduZWQ=\\u0007 \\u202eoll";

fn lesson(id: &str, title: &str, body: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntitle = \"{title}\"\nsummary = \"s\"\n+++\n\n{body}\n\n## Step: Set a cookie\n\nDo it.\n\n```goal\ncookie theme\n```\n\n```solution\nresponse.set_cookie('theme', 'dark')\n```\n\n### Why\n\nBecause.\n"
    )
}

#[test]
fn run_escapes_control_characters_from_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("esc.txt");
    std::fs::write(
        &file,
        "browser set evil=\u{1b}[2J\u{1b}]0;pwned\u{7}\nbrowser open \u{1b}]0;bname\u{7}\nvisit /\u{1b}[2Jabout\nresponse.set_cookie('t', '\\x1b[?1049l\\x1b]52;c;cHduZWQ=\\x07')\n\u{202e}x = 1\n",
    )
    .unwrap();
    let out = sessionlab(&["run", file.to_str().unwrap()], dir.path());
    let text = all_output(&out);
    assert_inert(&text);
    assert!(text.contains("\\x1b"), "{text}");
}

#[test]
fn lessons_and_check_escape_what_the_folder_holds_and_check_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("evil");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        folder.join("evil.md"),
        lesson("evil", EVIL_TITLE, "Body \u{1b}[31mred"),
    )
    .unwrap();
    let out = sessionlab(
        &["lessons", "--lessons", folder.to_str().unwrap()],
        dir.path(),
    );
    assert_inert(&all_output(&out));
    let out = sessionlab(
        &["check", "--lessons", folder.to_str().unwrap()],
        dir.path(),
    );
    let text = all_output(&out);
    assert_inert(&text);
    assert!(!out.status.success());
    assert!(
        text.contains("evil.md:7:6: control character U+001B"),
        "{text}"
    );
    assert!(
        text.contains("evil.md:3:1: control character U+001B in the title"),
        "{text}"
    );
    // A file name that is an escape sequence, given as a path.
    let named = folder.join("x\u{1b}]0;fname\u{7}.md");
    std::fs::write(&named, "+++\n").unwrap();
    let out = sessionlab(&["check", named.to_str().unwrap()], dir.path());
    assert_inert(&all_output(&out));
}

#[test]
fn check_refuses_fifos_devices_and_huge_files_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.md");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let out = sessionlab(&["check", fifo.to_str().unwrap()], dir.path());
    assert!(
        all_output(&out).contains("not a regular file"),
        "{}",
        all_output(&out)
    );
    let out = sessionlab(&["check", "/dev/zero"], dir.path());
    assert!(all_output(&out).contains("not a regular file"));
    let sparse = dir.path().join("sparse.md");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    let out = sessionlab(&["check", sparse.to_str().unwrap()], dir.path());
    assert!(
        all_output(&out).contains("larger than"),
        "{}",
        all_output(&out)
    );
}

#[test]
fn a_link_out_of_the_lesson_folder_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("course");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        dir.path().join("outside.md"),
        lesson("outside", "Outside", ""),
    )
    .unwrap();
    std::fs::write(folder.join("inside.md"), lesson("inside", "Inside", "")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("outside.md"), folder.join("outside.md")).unwrap();
    std::os::unix::fs::symlink(folder.join("inside.md"), folder.join("alias.md")).unwrap();
    let out = sessionlab(
        &["lessons", "--lessons", folder.to_str().unwrap()],
        dir.path(),
    );
    let text = all_output(&out);
    assert!(!text.contains("Outside"), "{text}");
}

#[test]
fn check_on_ten_thousand_steps_and_deep_lists_is_quick_and_refuses_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut steps = String::new();
    for i in 0..10_000 {
        steps.push_str(&format!(
            "## Step: {i}\n```goal\ncookie c{i}\n```\n```solution\nresponse.set_cookie('c{i}', 'v')\n```\n### Why\nB.\n"
        ));
    }
    let huge = format!("+++\nid = \"huge\"\ntitle = \"Huge\"\nsummary = \"s\"\n+++\n\n{steps}");
    let file = dir.path().join("huge.md");
    std::fs::write(&file, huge).unwrap();
    let started = Instant::now();
    let out = sessionlab(&["check", file.to_str().unwrap()], dir.path());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(
        all_output(&out).contains("at most 100 steps"),
        "{}",
        all_output(&out)
    );

    let deep = dir.path().join("deep.md");
    std::fs::write(
        &deep,
        lesson("deep", "Deep", &("- ".repeat(10_000) + "deep list")),
    )
    .unwrap();
    let out = sessionlab(&["check", deep.to_str().unwrap()], dir.path());
    assert!(
        all_output(&out).contains("nest at most 16 deep"),
        "{}",
        all_output(&out)
    );
}

#[test]
fn the_lesson_screen_draws_ten_thousand_nested_items_in_linear_space() {
    let markdown = "- ".repeat(10_000) + "deep list";
    let lines =
        sessionlab::tui::markdown::render(&markdown, &sessionlab::tui::theme::Theme::mono());
    let width: usize = lines.iter().map(|l| l.width()).max().unwrap_or(0);
    assert!(width < 100, "{width}");
}

#[test]
fn a_starting_clock_past_the_year_9999_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let text = lesson("clock", "Clock", "").replacen(
        "summary = \"s\"\n",
        "summary = \"s\"\n\n[start]\nclock = 9223372036854775807\n",
        1,
    );
    let file = dir.path().join("clock.md");
    std::fs::write(&file, text).unwrap();
    let out = sessionlab(&["check", file.to_str().unwrap()], dir.path());
    let text = all_output(&out);
    assert!(
        text.contains(
            "clock.md:7:1: the starting clock must be a time between the years 1 and 9999"
        ),
        "{text}"
    );
}
