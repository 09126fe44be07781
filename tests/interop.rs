//! Encodings against real Django: what Django 5.2.19 made (`django.json`)
//! sessionlab reads and makes byte for byte, and what sessionlab makes
//! (`sessionlab.json`, verified by `tests/recorder/interop.py`) is current.

use serde_json::Value as Json;
use sessionlab::sim::session::{KEY_SALT, SIGNED_COOKIES_SALT};
use sessionlab::sim::signing;
use sessionlab::sim::value::{from_json_value, to_display_json};

fn load(name: &str) -> Vec<Json> {
    let path = format!("{}/tests/interop/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{path} exists"));
    match serde_json::from_str(&text).expect("interop file is JSON") {
        Json::Array(cases) => cases,
        _ => panic!("{path} holds a list of cases"),
    }
}

#[test]
fn sessionlab_reads_what_django_wrote() {
    let cases = load("django.json");
    assert!(cases.len() >= 10);
    for case in &cases {
        let secret = case["secret"].as_str().unwrap();
        let ts = case["timestamp"].as_i64().unwrap();
        let session_data = case["session_data"].as_str().unwrap();
        let decoded = signing::loads(session_data, secret, &[], KEY_SALT, None, ts)
            .expect("Django's session_data decodes");
        assert_eq!(to_display_json(&decoded), case["data"], "{session_data}");
        let cookie = case["signed_cookie"].as_str().unwrap();
        let decoded = signing::loads(
            cookie,
            secret,
            &[],
            SIGNED_COOKIES_SALT,
            Some(1_209_600),
            ts,
        )
        .expect("Django's cookie loads");
        assert_eq!(to_display_json(&decoded), case["data"], "{cookie}");
    }
}

#[test]
fn sessionlab_writes_what_django_writes() {
    for case in load("django.json") {
        let secret = case["secret"].as_str().unwrap();
        let ts = case["timestamp"].as_i64().unwrap();
        let mine = sessionlab::interop::case(secret, ts, &case["data"]);
        assert_eq!(
            mine["session_data"], case["session_data"],
            "session_data of {}",
            case["data"]
        );
        assert_eq!(
            mine["signed_cookie"], case["signed_cookie"],
            "signed cookie of {}",
            case["data"]
        );
    }
}

#[test]
fn the_cases_offered_to_django_are_current() {
    let committed = Json::Array(load("sessionlab.json"));
    let current = sessionlab::interop::sessionlab_cases();
    assert!(
        committed == current,
        "tests/interop/sessionlab.json is stale: regenerate it with `cargo run --example interop > tests/interop/sessionlab.json` and verify it with `python3 tests/recorder/interop.py verify tests/interop/sessionlab.json`"
    );
}

#[test]
fn another_secret_does_not_verify() {
    let case = &load("django.json")[0];
    let session_data = case["session_data"].as_str().unwrap();
    let err = signing::loads(session_data, "not the secret", &[], KEY_SALT, None, 0).unwrap_err();
    assert_eq!(err.class, "BadSignature");
    let fallbacks = [case["secret"].as_str().unwrap().to_string()];
    let decoded = signing::loads(session_data, "new secret", &fallbacks, KEY_SALT, None, 0)
        .expect("a fallback key verifies");
    assert_eq!(to_display_json(&decoded), case["data"]);
    let _ = from_json_value(&case["data"]);
}
