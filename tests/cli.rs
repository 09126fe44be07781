//! The real binary: `sessionlab run`, its output forms and its exit codes.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

fn sessionlab(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sessionlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn scenario(name: &str) -> String {
    format!("{}/tests/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn run_json_prints_the_recorded_transcript() {
    let out = sessionlab(&["run", &scenario("01-set-and-get.txt"), "--json"], b"");
    assert!(out.status.success());
    let golden = std::fs::read_to_string(scenario("01-set-and-get.jsonl")).unwrap();
    let parse = |text: &str| -> Vec<serde_json::Value> {
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    assert_eq!(
        parse(&String::from_utf8(out.stdout).unwrap()),
        parse(&golden)
    );
}

#[test]
fn run_reads_standard_input_and_prints_a_readable_transcript() {
    let out = sessionlab(
        &["run", "-"],
        b"request.session['name'] = 'Ada'\nrequest.session['name']\nbrowser delete nope\n",
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(">>> request.session['name'] = 'Ada'"),
        "{text}"
    );
    assert!(text.contains("Set-Cookie: sessionid="), "{text}");
    assert!(text.contains("cookie + sessionid"), "{text}");
    assert!(text.contains("'Ada'"), "{text}");
    assert!(
        text.contains("browser 'default' has no cookie 'nope'"),
        "{text}"
    );
}

#[test]
fn a_syntax_error_points_at_its_column() {
    let out = sessionlab(&["run", "-"], b"request.session.get('a'\n");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[1], format!("    {}^", " ".repeat(19)), "{text}");
    assert_eq!(lines[2], "SyntaxError: '(' was never closed");
}

#[test]
fn a_binary_file_is_refused_with_its_position() {
    let out = sessionlab(&["run", "-"], b"visit /\n\xff\xfe garbage");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("-:2:1: this is not UTF-8 text"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_missing_file_says_so() {
    let out = sessionlab(&["run", "/nonexistent/scenario.txt"], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("cannot read scenario /nonexistent/scenario.txt"),
        "{err}"
    );
}

#[test]
fn the_seed_changes_the_keys_but_not_the_normalized_transcript() {
    let a = sessionlab(
        &[
            "run",
            &scenario("15-two-browsers.txt"),
            "--json",
            "--seed",
            "7",
        ],
        b"",
    );
    let b = sessionlab(
        &[
            "run",
            &scenario("15-two-browsers.txt"),
            "--json",
            "--seed",
            "8",
        ],
        b"",
    );
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout);
    let readable_a = sessionlab(
        &["run", &scenario("15-two-browsers.txt"), "--seed", "7"],
        b"",
    );
    let readable_b = sessionlab(
        &["run", &scenario("15-two-browsers.txt"), "--seed", "8"],
        b"",
    );
    assert_ne!(
        readable_a.stdout, readable_b.stdout,
        "readable transcripts show the real keys"
    );
}

#[test]
fn lessons_is_a_global_option_wherever_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("01-flash.md"),
        "+++\nid = \"wrong\"\ntitle = \"x\"\n+++\n\n## Step: a\n\nDo it.\n",
    )
    .unwrap();
    let folder = dir.path().to_str().unwrap();
    for args in [
        ["--lessons", folder, "check"],
        ["check", "--lessons", folder],
    ] {
        let out = sessionlab(&args, b"");
        assert!(!out.status.success(), "{args:?} passed a broken folder");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("01-flash.md:"), "{args:?}: {stdout}");
    }
    let out = sessionlab(&["--lessons", folder, "lessons"], b"");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("sessionlab lessons: 1 problem"), "{stderr}");
    assert!(
        stderr.contains(&format!("sessionlab check --lessons {folder}")),
        "{stderr}"
    );
}
