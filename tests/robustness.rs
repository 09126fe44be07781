//! Garbage in never panics: arbitrary text through the parser, random command
//! sequences through the world, and hostile scenario files.
#![allow(
    clippy::disallowed_methods,
    reason = "a runaway command is caught by time"
)]

use proptest::prelude::*;
use sessionlab::runner::{Outcome, Runner};
use sessionlab::scenario::Scenario;
use sessionlab::script::parse_command;
use sessionlab::sim::World;
use sessionlab::transcript::JsonTranscript;

/// Pieces a learner might type, good and bad, to build random lines from.
const FRAGMENTS: &[&str] = &[
    "request.session['cart'] = ['apple']",
    "request.session['cart'].append('pear')",
    "request.session['n'] = request.session.get('n', 0) + 1",
    "request.session['s'] = {1, 2}",
    "request.session['t'] = (1, 'a')",
    "del request.session['cart']",
    "request.session.pop('n', None)",
    "request.session.setdefault('x', [])",
    "request.session.update({'a': 1})",
    "request.session.clear()",
    "request.session.flush()",
    "request.session.cycle_key()",
    "request.session.set_expiry(60)",
    "request.session.set_expiry(0)",
    "request.session.set_expiry(None)",
    "request.session.get_expiry_age()",
    "request.session.get_expiry_date()",
    "request.session.modified = True",
    "request.session.save()",
    "request.session.set_test_cookie()",
    "request.session.test_cookie_worked()",
    "request.session.items()",
    "list(request.session)",
    "dict(request.session)",
    "request.session.session_key",
    "response.set_cookie('theme', 'dark', max_age=60)",
    "response.set_signed_cookie('theme', 'dark', salt='ui')",
    "request.get_signed_cookie('theme', salt='ui')",
    "response.delete_cookie('theme')",
    "request.COOKIES",
    "login(request, 'alice')",
    "login(request, 'bob')",
    "logout(request)",
    "request.user.is_authenticated",
    "request.user",
    "visit /",
    "visit /shop/cart",
    "path /shop",
    "path /",
    "browser close",
    "browser clear",
    "browser set sessionid=forged123",
    "browser set sessionid=abc",
    "browser set theme=light",
    "browser delete sessionid",
    "browser open eve",
    "browser open default",
    "browser copy sessionid from default",
    "browser copy sessionid from eve",
    "browser cookies off",
    "browser cookies on",
    "browser js",
    "history",
    "replay 1",
    "replay 2 as eve",
    "replay 3 with Cookie: sessionid=forged123; a=1",
    "intercept on",
    "intercept responses",
    "intercept off",
    "edit cookie: sessionid=x",
    "edit path /shop",
    "edit method POST",
    "edit set-cookie sessionid=y",
    "forward",
    "drop",
    "drop set-cookie sessionid",
    "decode cookie sessionid",
    "decode abc:def:ghi",
    "export 1 curl",
    "export jar",
    "x = signing.dumps({'a': 1}, compress=True); signing.loads(x)",
    "site https://shop.example",
    "site http://news.example",
    "visit /transfer from https://evil.example via form",
    "visit /pixel.gif from https://evil.example via image",
    "clock +1h",
    "clock +3w",
    "clock +1s",
    "settings.SESSION_ENGINE = 'django.contrib.sessions.backends.cache'",
    "settings.SESSION_ENGINE = 'django.contrib.sessions.backends.cached_db'",
    "settings.SESSION_ENGINE = 'django.contrib.sessions.backends.file'",
    "settings.SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'",
    "settings.SESSION_ENGINE = 'django.contrib.sessions.backends.db'",
    "settings.SESSION_ENGINE = 'nope'",
    "settings.SESSION_SAVE_EVERY_REQUEST = True",
    "settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True",
    "settings.SESSION_COOKIE_AGE = 30",
    "settings.SESSION_COOKIE_PATH = '/shop'",
    "settings.SESSION_COOKIE_SECURE = True",
    "settings.SESSION_COOKIE_NAME = 'sid'",
    "settings.SECRET_KEY = 'rotated'",
    "settings.SECRET_KEY_FALLBACKS = ['sessionlab-oracle-secret']",
    "manage.py migrate",
    "manage.py clearsessions",
    "server restart",
    "x = [1, 2",
    "request.session[",
    "'unterminated",
    "é = ’x’",
    "((((((((((",
    "\u{0}\u{7f}\u{202e}",
    "for x in y: pass",
];

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
        1 => prop::collection::vec(prop::sample::select(FRAGMENTS), 2..4).prop_map(|parts| parts.join("; ")),
        1 => any::<String>(),
        1 => "[a-z_.()\\[\\]'\"=+ 0-9,;:{}-]{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_parser_never_panics(text in any::<String>()) {
        let _ = parse_command(&text);
    }

    #[test]
    fn python_looking_text_never_panics(text in "[a-z_.()\\[\\]'\"=+*/%<>! 0-9,;:{}#\\\\-]{0,80}") {
        if let Err(e) = parse_command(&text) {
            prop_assert!(!e.message.is_empty());
            if let Some(col) = e.col {
                prop_assert!(col >= 1 && col <= text.chars().count() + 1, "column {} outside {:?}", col, text);
            }
        }
    }

    #[test]
    fn random_command_sequences_never_panic_and_always_transcribe(lines in prop::collection::vec(line(), 1..40), seed in any::<u64>()) {
        let mut runner = Runner::new(World::new(seed));
        let mut transcript = JsonTranscript::new();
        for (i, line) in lines.iter().enumerate() {
            let step = runner.step(line);
            let server = &runner.world.server;
            let json = transcript.line(i + 1, &step, server);
            let parsed: serde_json::Value = serde_json::from_str(&json).expect("every line is JSON");
            prop_assert!(parsed.get("outcome").is_some());
            if let Outcome::Error { message, .. } = &step.outcome {
                prop_assert!(!message.is_empty());
            }
        }
    }

    #[test]
    fn arbitrary_bytes_as_a_scenario_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(scenario) = Scenario::parse(&bytes) {
            scenario.run(0, |_, _, _| {});
        }
    }
}

#[test]
fn a_megabyte_line_is_an_error_not_a_crash() {
    let mut runner = Runner::new(World::new(0));
    for line in [
        "(".repeat(1 << 20),
        "[".repeat(1 << 20) + &"]".repeat(1 << 20),
        "-".repeat(1 << 20) + "1",
        "not ".repeat(1 << 18) + "x",
        format!("request.session['k'] = '{}'", "x".repeat(1 << 20)),
        "x".repeat(1 << 20),
        "browser set a=".to_string() + &"v".repeat(1 << 20),
    ] {
        let step = runner.step(&line);
        assert!(!matches!(step.outcome, Outcome::Error { ref message, .. } if message.is_empty()));
    }
    // The world still works afterwards.
    let step = runner.step("request.session['ok'] = True");
    assert_eq!(step.outcome, Outcome::Ok);
}

#[test]
fn errors_change_nothing() {
    let mut runner = Runner::new(World::new(0));
    runner.step("request.session['name'] = 'Ada'");
    let before = runner
        .world
        .store()
        .iter()
        .map(|s| s.raw.clone())
        .collect::<Vec<_>>();
    for bad in [
        "request.session['x'] = ",
        "browser fly",
        "clock 2w",
        "request.session['name'] = {1}",
        "undefined_name",
    ] {
        let step = runner.step(bad);
        assert!(matches!(step.outcome, Outcome::Error { .. }), "{bad}");
        assert!(
            step.store_changes.is_empty() && step.jar_changes.is_empty(),
            "{bad} changed something"
        );
    }
    let after = runner
        .world
        .store()
        .iter()
        .map(|s| s.raw.clone())
        .collect::<Vec<_>>();
    assert_eq!(before, after);
}

/// Run `lines` in a fresh world and return the last line's outcome as text.
fn last_outcome(lines: &[&str]) -> String {
    let mut runner = Runner::new(World::new(0));
    let mut outcome = Outcome::Ok;
    for line in lines {
        outcome = runner.step(line).outcome;
    }
    match outcome {
        Outcome::Ok => "ok".into(),
        Outcome::Value(v) | Outcome::Text(v) => v,
        Outcome::Error { message, .. } => message,
    }
}

/// The reproducers of the reliability report, each a clear error or a
/// result, never a crash: (lines, what the last one says).
const REPRODUCERS: &[(&[&str], &str)] = &[
    // R1: i64::MIN negated, and floats beyond any date.
    (
        &["request.session.set_expiry(-1e19)"],
        "OverflowError: timestamp out of range",
    ),
    (
        &["request.session.set_expiry(-9223372036854775808)"],
        "Error: ",
    ),
    (
        &["request.session.set_expiry(float('-inf'))"],
        "OverflowError",
    ),
    (&["request.session.set_expiry(-1e400)"], "OverflowError"),
    (&["request.session.set_expiry(1e400)"], "OverflowError"),
    (
        &["request.session['_session_expiry'] = 1e300; request.session.get_expiry_date()"],
        "OverflowError",
    ),
    // R2: cyclic equality is Python's RecursionError.
    (
        &["x = []; x.append(x); y = []; y.append(y); x == y"],
        "RecursionError: maximum recursion depth exceeded in comparison",
    ),
    (
        &["x = {}; x['a'] = x; y = {}; y['a'] = y; x == y"],
        "RecursionError",
    ),
    (&["x = []; x.append(x); x == x"], "True"),
    (&["x = []; x.append(x); x in [x]"], "True"),
    (
        &["x = []; x.append(x); y = []; y.append(y); x < y"],
        "RecursionError",
    ),
    (&["x = []; x.append(x); x"], "[[...]]"),
    (&["x = {}; x['a'] = x; x"], "{'a': {...}}"),
    (
        &["x = []; x.append(x); request.session['a'] = x"],
        "ValueError: Circular reference detected",
    ),
    // R3: a cyclic value under the cache engine is copied, as pickle would.
    (
        &[
            "settings.SESSION_ENGINE = 'django.contrib.sessions.backends.cache'",
            "x = []; x.append(x); request.session['a'] = x",
            "request.session['a']",
        ],
        "[[...]]",
    ),
    // R4: a value that would print as gigabytes.
    (&["l = [0] * 999999; m = [l] * 999999; m"], "8 MB of text"),
    (
        &["l = [0] * 999999; m = [l] * 999999; len(str(m))"],
        "sessionlab allows",
    ),
    (
        &["l = [0] * 999999; m = [l] * 999999; request.session['k'] = m"],
        "8 MB of text",
    ),
    // An empty sequence repeated any number of times is empty, at once.
    (&["() * 9223372036854775807"], "()"),
    (&["[] * 9223372036854775807"], "[]"),
    (&["'' * 9223372036854775807"], "''"),
    (&["[1, 2] * 3"], "[1, 2, 1, 2, 1, 2]"),
    // R5: the cap holds for concatenation too.
    (
        &["s = 'x' * 999999; s = s + s"],
        "larger than sessionlab allows",
    ),
    (
        &["l = [0] * 999999; l = l + l"],
        "larger than sessionlab allows",
    ),
    (
        &["l = [0] * 999999; l += l"],
        "larger than sessionlab allows",
    ),
    (
        &["l = [0] * 999999; l.extend(l)"],
        "larger than sessionlab allows",
    ),
    (
        &["s = 'x' * 999999; ','.join([s, s])"],
        "larger than sessionlab allows",
    ),
    (
        &["s = 'x' * 999999; s.replace('x', 'xx')"],
        "larger than sessionlab allows",
    ),
    // R6: sum of lists is linear, and capped.
    (&["x = sum([[0] * 1000] * 1000, []); len(x)"], "1000000"),
    (
        &["x = sum([[0] * 1000] * 3000, [])"],
        "larger than sessionlab allows",
    ),
    // R7: times outside years 1-9999 are Django's OverflowError.
    (
        &["response.set_cookie('t','v',max_age=9223372036854775807)"],
        "OverflowError",
    ),
    (
        &["settings.SESSION_COOKIE_AGE = 9223372036854775807"],
        "OverflowError",
    ),
    (&["clock +9223372036854775807s"], ""),
    (
        &["clock +1000000w", "clock +1000000w"],
        "past the year 9999",
    ),
];

#[test]
fn values_nested_as_deep_as_a_line_allows_neither_overflow_nor_leak_the_stack() {
    let deep = "x = []; ".to_string() + &"x = [x]; ".repeat(14_000);
    for tail in [
        "x == [x]",
        "x",
        "len(x)",
        "request.session['a'] = x",
        "str(x)",
    ] {
        let said = last_outcome(&[&format!("{deep}{tail}")]);
        assert!(!said.is_empty(), "{tail}");
    }
    let said = last_outcome(&[&format!("{deep}x == [x]")]);
    assert!(said.starts_with("RecursionError"), "{said}");
}

#[test]
fn a_deeply_nested_session_still_makes_a_readable_json_transcript() {
    let mut runner = Runner::new(World::new(0));
    let line = "x = []; ".to_string() + &"x = [x]; ".repeat(150) + "request.session['a'] = x";
    let step = runner.step(&line);
    assert_eq!(step.outcome, Outcome::Ok);
    let json = JsonTranscript::new().line(1, &step, &runner.world.server);
    serde_json::from_str::<serde_json::Value>(&json).expect("serde_json reads it");
}

#[test]
fn a_line_longer_than_the_cap_is_refused_before_parsing() {
    let said = last_outcome(&[&("x = 1; ".repeat(20_000) + "x")]);
    assert!(said.contains("a line is at most 128 KB"), "{said}");
}

/// Each reproducer through the app (which runs the same runner as `run`),
/// the readable transcript `run` prints, and a drawn screen.
#[test]
fn every_reproducer_is_a_clear_error_or_a_result_in_run_and_in_the_app() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use sessionlab::lesson::Course;
    use sessionlab::progress::Store;
    use sessionlab::tui::theme::Theme;
    use sessionlab::tui::{App, view};
    for (lines, expected) in REPRODUCERS {
        let started = std::time::Instant::now();
        let mut app = App::new(
            Course::default(),
            Store::default(),
            Vec::new(),
            Theme::mono(),
            0,
        );
        app.open_sandbox();
        for line in *lines {
            app.run_line(line);
        }
        let work = app.work.as_ref().expect("the sandbox");
        let step = work.last.as_ref().expect("a step");
        let said = match &step.outcome {
            Outcome::Ok => "ok".to_string(),
            Outcome::Value(v) | Outcome::Text(v) => v.clone(),
            Outcome::Error { message, .. } => message.clone(),
        };
        assert!(
            said.contains(expected),
            "{lines:?} said {said:?}, not {expected:?}"
        );
        let transcript = sessionlab::transcript::readable(step);
        assert!(
            transcript.contains(&said.chars().take(40).collect::<String>()),
            "{transcript}"
        );
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        terminal.draw(|f| view::draw(&app, f)).unwrap();
        // Debug builds are slower; a runaway would take minutes.
        assert!(
            started.elapsed().as_secs() < 20,
            "{lines:?} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn a_value_nested_past_the_recursion_limit_is_not_pickled_into_the_cache() {
    let deep = "x = []; ".to_string() + &"x = [x]; ".repeat(1200) + "request.session['a'] = x";
    let said = last_outcome(&[
        "settings.SESSION_ENGINE = 'django.contrib.sessions.backends.cache'",
        &deep,
    ]);
    assert!(
        said.contains("RecursionError: maximum recursion depth exceeded while pickling"),
        "{said}"
    );
    let shallow = "x = []; ".to_string() + &"x = [x]; ".repeat(900) + "request.session['a'] = x";
    let said = last_outcome(&[
        "settings.SESSION_ENGINE = 'django.contrib.sessions.backends.cache'",
        &shallow,
    ]);
    assert_eq!(said, "ok");
}
