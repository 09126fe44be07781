//! The HTTP workbench end to end through the runner: the flow list, replay,
//! intercept and edit, decode and export, and clear errors that change
//! nothing.

use sessionlab::runner::{Outcome, Runner, Step};
use sessionlab::sim::World;

fn runner() -> Runner {
    Runner::new(World::new(3))
}

fn run(runner: &mut Runner, lines: &[&str]) -> Step {
    let mut last = None;
    for line in lines {
        last = Some(runner.step(line));
    }
    last.expect("at least one line")
}

fn text(step: &Step) -> &str {
    match &step.outcome {
        Outcome::Text(t) => t,
        other => panic!("`{}` printed nothing: {other:?}", step.input),
    }
}

fn error(step: &Step) -> &str {
    match &step.outcome {
        Outcome::Error { message, .. } => message,
        other => panic!("`{}` did not fail: {other:?}", step.input),
    }
}

#[test]
fn every_exchange_is_numbered_in_history() {
    let mut r = runner();
    run(
        &mut r,
        &[
            "login(request, 'alice')",
            "site https://shop.example",
            "visit /transfer from https://evil.example via form",
        ],
    );
    let history = run(&mut r, &["history"]);
    let lines: Vec<&str> = text(&history).lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("#1 [default] GET http://127.0.0.1:8000/ -> 200"));
    assert!(lines[0].contains("sets sessionid"));
    assert!(lines[1].contains("POST https://shop.example/transfer"));
    assert!(lines[1].contains("(a form on https://evil.example)"));
    assert_eq!(r.bench.flows.len(), 2);
}

#[test]
fn a_stolen_signed_cookie_still_works_after_logout() {
    let mut r = runner();
    run(
        &mut r,
        &[
            "settings.SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'",
            "login(request, 'alice')",
            "request.user.username",
            "logout(request)",
        ],
    );
    // Exchange 2 carried alice's cookie: sent again, the server still accepts it.
    let replay = run(&mut r, &["replay 2"]);
    assert_eq!(replay.outcome, Outcome::Value("'alice'".into()));
    assert_eq!(replay.exchange.as_ref().unwrap().sender, None);
    // Nobody's jar took the response.
    assert!(r.world.browser().cookies.is_empty());
}

#[test]
fn the_db_engine_revokes_a_replayed_cookie_at_logout() {
    let mut r = runner();
    run(
        &mut r,
        &[
            "login(request, 'alice')",
            "request.user.username",
            "logout(request)",
        ],
    );
    let replay = run(&mut r, &["replay 2"]);
    assert_eq!(replay.outcome, Outcome::Value("''".into()));
}

#[test]
fn replay_as_another_browser_uses_its_jar_and_fills_it() {
    let mut r = runner();
    run(
        &mut r,
        &[
            "request.session['cart'] = ['apple']",
            "browser open mallory",
            "browser open default",
        ],
    );
    let replay = run(&mut r, &["replay 1 as mallory"]);
    let x = replay.exchange.as_ref().unwrap();
    assert_eq!(x.sender.as_deref(), Some("mallory"));
    assert!(x.sent.is_empty());
    let mallory = r
        .world
        .browsers
        .iter()
        .find(|b| b.name == "mallory")
        .unwrap();
    assert_eq!(
        mallory.cookies.len(),
        1,
        "mallory's jar took the new session"
    );
    assert_eq!(r.world.store().len(), 2);
}

#[test]
fn a_hand_written_cookie_header_meets_djangos_parser() {
    let mut r = runner();
    run(&mut r, &["request.COOKIES"]);
    let replay = run(&mut r, &["replay 1 with Cookie: a=1; a=2; junk; b=\"x y\""]);
    assert_eq!(
        replay.outcome,
        Outcome::Value("{'a': '2', '': 'junk', 'b': 'x y'}".into())
    );
}

#[test]
fn intercept_edit_forward_and_drop() {
    let mut r = runner();
    run(&mut r, &["request.session['n'] = 1", "intercept on"]);
    let held = run(&mut r, &["request.session.get('n', 'none')"]);
    assert!(text(&held).starts_with("intercepted request: GET /"));
    assert!(held.exchange.is_none());
    // Another request waits its turn.
    assert!(error(&run(&mut r, &["visit /"])).contains("forward"));
    run(&mut r, &["edit cookie: sessionid=nothing-here"]);
    let forwarded = run(&mut r, &["forward"]);
    assert_eq!(forwarded.outcome, Outcome::Value("'none'".into()));
    run(&mut r, &["request.session.get('n')"]);
    let dropped = run(&mut r, &["drop"]);
    assert!(text(&dropped).contains("never left the browser"));
    assert_eq!(r.bench.flows.len(), 2);
}

#[test]
fn intercepted_responses_can_lose_their_set_cookie() {
    let mut r = runner();
    run(
        &mut r,
        &["intercept responses", "request.session['n'] = 1", "forward"],
    );
    // The server saved the session; the response waits.
    assert_eq!(r.world.store().len(), 1);
    run(&mut r, &["drop set-cookie sessionid"]);
    let delivered = run(&mut r, &["forward"]);
    assert!(delivered.exchange.unwrap().set_cookies.is_empty());
    assert!(
        r.world.browser().cookies.is_empty(),
        "the browser never got the key"
    );
}

#[test]
fn edited_set_cookie_values_reach_the_browser() {
    let mut r = runner();
    run(
        &mut r,
        &[
            "intercept responses",
            "response.set_cookie('role', 'user')",
            "forward",
            "edit set-cookie role=admin",
            "forward",
            "intercept off",
        ],
    );
    let cookies = run(&mut r, &["request.COOKIES"]);
    assert_eq!(cookies.outcome, Outcome::Value("{'role': 'admin'}".into()));
}

#[test]
fn workbench_errors_are_clear_and_change_nothing() {
    let mut r = runner();
    run(&mut r, &["request.session['n'] = 1"]);
    let before = r.bench.flows.len();
    for (line, want) in [
        ("replay 7", "there is no exchange 7: `history` lists 1 to 1"),
        ("replay 1 as eve", "no browser named 'eve'"),
        (
            "replay zero",
            "replay needs an exchange number from `history`, e.g. replay 1",
        ),
        (
            "forward",
            "nothing is intercepted: `intercept on`, then make a request",
        ),
        (
            "drop",
            "nothing is intercepted: `intercept on`, then make a request",
        ),
        (
            "edit path /x",
            "nothing is intercepted: `intercept on`, then make a request",
        ),
        (
            "export 9 curl",
            "there is no exchange 9: `history` lists 1 to 1",
        ),
    ] {
        let step = r.step(line);
        assert_eq!(error(&step), want, "{line}");
        assert!(step.exchange.is_none());
    }
    assert!(error(&r.step("intercept sideways")).starts_with("unknown intercept command"));
    assert!(error(&r.step("export 1 wget")).starts_with("unknown export command"));
    assert_eq!(r.bench.flows.len(), before);
    assert_eq!(r.world.store().len(), 1);
}

#[test]
fn decode_reads_values_as_django_would() {
    let mut r = runner();
    run(
        &mut r,
        &[
            "settings.SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'",
            "request.session['name'] = 'Ada'",
        ],
    );
    let cookie = r.world.browser().cookies[0].raw_value.clone();
    let report = run(&mut r, &[&format!("decode {cookie}")]);
    assert!(text(&report).contains("JSON: {'name': 'Ada'}"));
    assert!(text(&report).contains("valid: signed with SECRET_KEY"));
    // Rotated: the old key is a fallback, and decode says which key signed it.
    run(
        &mut r,
        &[
            "settings.SECRET_KEY_FALLBACKS = ['sessionlab-oracle-secret']",
            "settings.SECRET_KEY = 'new-secret'",
        ],
    );
    let report = run(&mut r, &[&format!("decode {cookie}")]);
    assert!(
        text(&report).contains("SECRET_KEY_FALLBACKS[0]"),
        "{}",
        text(&report)
    );
    // Two weeks later it is still signed right, but too old.
    run(&mut r, &["clock +3w"]);
    let report = run(&mut r, &[&format!("decode {cookie}")]);
    assert!(
        text(&report).contains("SignatureExpired"),
        "{}",
        text(&report)
    );
}

#[test]
fn export_writes_commands_and_cookies_txt() {
    let mut r = runner();
    run(
        &mut r,
        &["request.session['n'] = 1", "request.session['n']"],
    );
    let curl = run(&mut r, &["export 2 curl"]);
    let key = r.world.browser().cookies[0].raw_value.clone();
    assert_eq!(
        text(&curl),
        format!("curl -i -X GET 'http://127.0.0.1:8000/' -H 'Cookie: sessionid={key}'")
    );
    let httpie = run(&mut r, &["export 2 httpie"]);
    assert!(text(&httpie).starts_with("http --print=HBhb GET 'http://127.0.0.1:8000/'"));
    let jar = run(&mut r, &["export jar"]);
    let jar = text(&jar);
    assert!(jar.starts_with("# Netscape HTTP Cookie File"));
    assert!(jar.contains(&format!(
        "#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t1768435200\tsessionid\t{key}"
    )));
}

#[test]
fn a_replay_goes_where_the_original_went() {
    let mut r = runner();
    run(
        &mut r,
        &[
            "site https://shop.example",
            "request.session['n'] = 1",
            "site http://news.example",
        ],
    );
    let replay = run(&mut r, &["replay 1 as default"]);
    let x = replay.exchange.expect("a request");
    assert_eq!(x.url(), "https://shop.example/");
    assert_eq!(x.sent.len(), 1, "the shop's cookie went with it");
    assert_eq!(r.world.site.to_string(), "http://news.example");
}

#[test]
fn decode_cookie_takes_a_salt_and_refuses_anything_else() {
    let mut r = runner();
    run(
        &mut r,
        &["response.set_signed_cookie('theme', 'dark', salt='ui')"],
    );
    let salted = run(&mut r, &["decode cookie theme salt=ui"]);
    assert!(text(&salted).contains("salt='ui')"), "{}", text(&salted));
    let junk = run(&mut r, &["decode cookie theme junk"]);
    assert!(error(&junk).contains("decode cookie NAME salt=SALT"));
}
