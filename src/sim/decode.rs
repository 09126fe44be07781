//! `decode VALUE`: take a cookie or `session_data` value apart as Django
//! would read it, with every step shown: a session key and where it leads, or
//! a signed value's payload, timestamp and signature, checked under
//! `SECRET_KEY` and each fallback with the salt of every place Django signs.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::io::Read as _;

use super::World;
use super::cookie::unquote;
use super::dates::civil;
use super::keys::VALID_KEY_CHARS;
use super::session::{KEY_SALT as SESSION_DATA_SALT, SIGNED_COOKIES_SALT};
use super::signing::{Signer, b62_decode, cookie_salt, cookie_signer_key, legacy_cookie_salt};
use super::value::from_json;
use super::world::SessionBehind;

/// A salt a value may have been signed with, and what signs with it.
struct Place {
    what: String,
    salt: String,
    /// Cookie signing prefixes the key with `django.http.cookies`.
    cookie_key: bool,
    /// The age the reader accepts, if it checks one.
    max_age: Option<i64>,
    /// Whether the payload is a signed object (base64 JSON).
    object: bool,
}

/// The report `decode` prints.
pub fn decode(world: &World, value: &str) -> String {
    // `decode VALUE salt=ui`: the salt a `set_signed_cookie()` was given.
    match value.trim().rsplit_once(char::is_whitespace) {
        Some((v, s)) if s.starts_with("salt=") => decode_with_salt(world, v, &s["salt=".len()..]),
        _ => decode_with_salt(world, value, ""),
    }
}

/// The report on `value`, with the salt a `set_signed_cookie()` was given
/// (empty for none).
pub fn decode_with_salt(world: &World, value: &str, salt: &str) -> String {
    let value = unquote(value.trim());
    let mut out = String::new();
    if !value.contains(':') {
        session_key(world, &value, &mut out);
        return out;
    }
    let parts: Vec<&str> = value.rsplitn(3, ':').collect();
    let (payload, timestamp, signature) = match parts.as_slice() {
        [sig, ts, payload] => (*payload, Some(*ts), *sig),
        [sig, payload] => (*payload, None, *sig),
        _ => unreachable!("a value with ':' splits in two or three"),
    };
    let _ = writeln!(out, "a signed value (django.core.signing):");
    let _ = writeln!(out, "  payload    {}", short(payload));
    if let Some(data) = payload_json(payload) {
        let compressed = payload.starts_with('.');
        let _ = writeln!(
            out,
            "             base64{} JSON: {data}",
            if compressed {
                " of zlib-compressed"
            } else {
                ""
            }
        );
    } else {
        let _ = writeln!(out, "             text: {}", short(&unquote(payload)));
    }
    let now = world.now();
    if let Some(ts) = timestamp {
        match b62_decode(ts) {
            Some(t) => {
                let c = civil(t);
                let _ = writeln!(
                    out,
                    "  timestamp  {ts} = {:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC, {} seconds ago",
                    c.year,
                    c.month,
                    c.day,
                    c.hour,
                    c.minute,
                    c.second,
                    now - t
                );
            }
            None => {
                let _ = writeln!(out, "  timestamp  {ts} is not base62");
            }
        }
    }
    let _ = writeln!(out, "  signature  {signature}");
    let settings = &world.server.settings;
    let mut secrets: Vec<(String, &str)> = vec![("SECRET_KEY".into(), &settings.secret_key)];
    for (i, k) in settings.secret_key_fallbacks.iter().enumerate() {
        secrets.push((format!("SECRET_KEY_FALLBACKS[{i}]"), k));
    }
    let signed_part = &value[..value.len() - signature.len() - 1];
    let mut matched = None;
    'search: for place in places(world, timestamp.is_some(), salt) {
        for (label, secret) in &secrets {
            let key = if place.cookie_key {
                cookie_signer_key(secret)
            } else {
                secret.as_bytes().to_vec()
            };
            let signer = Signer {
                key: &key,
                fallback_keys: &[],
                salt: &place.salt,
            };
            if signer.sign(signed_part) == value {
                matched = Some((place, label.clone()));
                break 'search;
            }
        }
    }
    match matched {
        Some((place, label)) => {
            let _ = writeln!(
                out,
                "  valid: signed with {label}, salt '{}': {}",
                place.salt, place.what
            );
            if let (Some(max_age), Some(t)) = (place.max_age, timestamp.and_then(b62_decode)) {
                let age = now - t;
                if age > max_age {
                    let _ = writeln!(
                        out,
                        "  but too old for it: SignatureExpired: Signature age {age}.0 > {max_age} seconds"
                    );
                } else {
                    let _ = writeln!(out, "  accepted for {} more seconds", max_age - age);
                }
            }
            if place.object && payload_json(payload).is_none() {
                let _ = writeln!(out, "  but its payload is not base64 JSON");
            }
        }
        None => {
            let _ = writeln!(
                out,
                "  invalid under SECRET_KEY and every fallback, for every salt Django uses here:"
            );
            let _ = writeln!(
                out,
                "  BadSignature: Signature \"{signature}\" does not match"
            );
            let _ = writeln!(
                out,
                "  (a tampered payload, another SECRET_KEY, or another salt: `decode VALUE salt=ui`)"
            );
        }
    }
    out.trim_end().to_string()
}

/// Where the world signs things: session data, signed session cookies,
/// `signing.dumps()`, and `set_signed_cookie()` for each cookie name in the
/// jars (with an empty salt).
fn places(world: &World, timestamped: bool, salt: &str) -> Vec<Place> {
    let age = world.server.settings.cookie_age;
    let mut places = vec![
        Place {
            what: "a signed_cookies session cookie".into(),
            salt: SIGNED_COOKIES_SALT.into(),
            cookie_key: false,
            max_age: Some(age),
            object: true,
        },
        Place {
            what: "session_data (db, cached_db and file engines)".into(),
            salt: SESSION_DATA_SALT.into(),
            cookie_key: false,
            max_age: None,
            object: true,
        },
        Place {
            what: "signing.dumps() with the default salt".into(),
            salt: "django.core.signing".into(),
            cookie_key: false,
            max_age: None,
            object: timestamped,
        },
    ];
    let mut names: Vec<&str> = world
        .browsers
        .iter()
        .flat_map(|b| b.cookies.iter().map(|c| &*c.name))
        .collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        places.push(Place {
            what: format!("set_signed_cookie('{name}', ..., salt='{salt}')"),
            salt: cookie_salt(name, salt),
            cookie_key: true,
            max_age: None,
            object: false,
        });
        places.push(Place {
            what: format!(
                "set_signed_cookie('{name}', ..., salt='{salt}') before Django 5.2.15 \
                 (SIGNED_COOKIE_LEGACY_SALT_FALLBACK still accepts it)"
            ),
            salt: legacy_cookie_salt(name, salt),
            cookie_key: true,
            max_age: None,
            object: false,
        });
    }
    places
}

/// A value without `:`: a session key (or garbage).
fn session_key(world: &World, value: &str, out: &mut String) {
    let valid_chars = value.bytes().all(|b| VALID_KEY_CHARS.contains(&b));
    let _ = writeln!(out, "not signed: no ':' in it");
    if value.len() < 8 {
        let _ = write!(
            out,
            "as a session key: shorter than 8 characters, Django ignores it (session_key is None)"
        );
        return;
    }
    let _ = writeln!(
        out,
        "as a session key: {} characters{}",
        value.chars().count(),
        if valid_chars {
            ", lowercase letters and digits as Django makes them"
        } else {
            " (Django makes keys of lowercase letters and digits only)"
        }
    );
    let _ = write!(
        out,
        "{}",
        match world.session_behind(value) {
            SessionBehind::Live(data) => format!(
                "it leads to a live session in the store: {}",
                super::value::Value::dict(data).repr()
            ),
            SessionBehind::Expired => "it is in the store, but expired".into(),
            SessionBehind::Missing => "no session in the store has this key".into(),
            SessionBehind::Rejected => "the signed_cookies engine would reject it".into(),
        }
    );
}

/// The JSON inside a `signing.dumps()` payload, if it is one.
fn payload_json(payload: &str) -> Option<String> {
    let (compressed, b64) = match payload.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, payload),
    };
    let mut data = URL_SAFE_NO_PAD.decode(b64.trim_end_matches('=')).ok()?;
    if compressed {
        let mut inflated = Vec::new();
        flate2::read::ZlibDecoder::new(&data[..])
            .take(1 << 20)
            .read_to_end(&mut inflated)
            .ok()?;
        data = inflated;
    }
    let text: String = data.iter().map(|&b| b as char).collect();
    from_json(&text).map(|v| v.repr())
}

fn short(text: &str) -> String {
    if text.chars().count() <= 80 {
        text.to_string()
    } else {
        let head: String = text.chars().take(77).collect();
        format!("{head}... ({} characters)", text.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Runner;

    #[test]
    fn a_signed_cookies_session_is_taken_apart() {
        let mut runner = Runner::new(World::new(1));
        runner.step("settings.SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'");
        runner.step("request.session['name'] = 'Ada'");
        let value = runner.world.browser().cookies[0].raw_value.clone();
        let report = decode(&runner.world, &value);
        assert!(report.contains("JSON: {'name': 'Ada'}"), "{report}");
        assert!(report.contains("valid: signed with SECRET_KEY"), "{report}");
        assert!(
            report.contains("a signed_cookies session cookie"),
            "{report}"
        );
        let tampered = value.replacen('e', "f", 1);
        assert!(decode(&runner.world, &tampered).contains("BadSignature"));
    }

    #[test]
    fn a_signed_plain_cookie_is_found_with_its_salt() {
        let mut runner = Runner::new(World::new(1));
        runner.step("response.set_signed_cookie('theme', 'dark', salt='ui')");
        let value = runner.world.browser().cookies[0].raw_value.clone();
        assert!(decode(&runner.world, &value).contains("BadSignature"));
        let report = decode(&runner.world, &format!("{value} salt=ui"));
        assert!(
            report.contains("set_signed_cookie('theme', ..., salt='ui')"),
            "{report}"
        );
    }

    #[test]
    fn a_session_key_says_where_it_leads() {
        let mut runner = Runner::new(World::new(1));
        runner.step("request.session['name'] = 'Ada'");
        let key = runner.world.browser().cookies[0].raw_value.clone();
        assert!(decode(&runner.world, &key).contains("live session"));
        assert!(decode(&runner.world, "abc").contains("shorter than 8"));
    }
}
