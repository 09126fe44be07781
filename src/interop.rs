//! Cases for checking sessionlab's encodings against real Django: the stored
//! `session_data` and the `signed_cookies` cookie for some data, at a time and
//! under a secret (`tests/interop/`, verified by `tests/recorder/interop.py`).

use serde_json::{Value as Json, json};

use crate::sim::session::{KEY_SALT, SIGNED_COOKIES_SALT};
use crate::sim::signing;
use crate::sim::value::from_json_value;

/// What sessionlab makes of `data` under `secret` at `timestamp`, in the
/// format of `tests/interop/*.json`.
pub fn case(secret: &str, timestamp: i64, data: &Json) -> Json {
    let value = from_json_value(data);
    let session_data =
        signing::dumps(&value, secret, KEY_SALT, timestamp).expect("JSON data always encodes");
    let signed_cookie = signing::dumps(&value, secret, SIGNED_COOKIES_SALT, timestamp)
        .expect("JSON data always encodes");
    json!({"secret": secret, "timestamp": timestamp, "data": data, "session_data": session_data, "signed_cookie": signed_cookie})
}

/// The cases sessionlab offers Django to verify.
pub fn sessionlab_cases() -> Json {
    let cart: Vec<Json> = (0..60).map(|i| json!(format!("item-{i}"))).collect();
    let cases = [
        ("sessionlab-oracle-secret", 1_767_225_600, json!({})),
        (
            "sessionlab-oracle-secret",
            1_767_225_600,
            json!({"name": "Faisal Zamir"}),
        ),
        (
            "sessionlab-oracle-secret",
            1_767_225_600,
            json!({"cart": ["apple", "pear"], "visits": 3, "ratio": 2.5, "ok": true, "none": null}),
        ),
        (
            "sessionlab-oracle-secret",
            1_767_312_000,
            json!({"unicode": "Ada Lovelace é 😀 日本", "nested": {"a": [1, {"b": []}]}}),
        ),
        (
            "sessionlab-oracle-secret",
            1_767_225_600,
            json!({"cart": cart}),
        ),
        (
            "sessionlab-oracle-secret",
            1_767_225_600,
            json!({"_auth_user_id": "1", "_auth_user_backend": "django.contrib.auth.backends.ModelBackend", "_auth_user_hash": "0".repeat(64)}),
        ),
        (
            "another secret",
            1_800_000_000,
            json!({"_session_expiry": 300, "big": 9_007_199_254_740_993_i64}),
        ),
    ];
    Json::Array(
        cases
            .iter()
            .map(|(secret, ts, data)| case(secret, *ts, data))
            .collect(),
    )
}
