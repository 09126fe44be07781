//! `django.core.signing` and `django.utils.crypto.salted_hmac`: what makes the
//! stored `session_data`, the `signed_cookies` session cookie and
//! `set_signed_cookie()` values byte-for-byte what Django writes.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac_sha256::{HMAC, Hash};
use std::io::Read as _;

use super::error::PyErr;
use super::settings::Settings;
use super::value::{Value, from_json, to_json};

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `signing.b62_encode`.
pub fn b62_encode(mut n: i64) -> String {
    if n == 0 {
        return "0".into();
    }
    let sign = if n < 0 { "-" } else { "" };
    n = n.abs();
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    digits.reverse();
    format!("{sign}{}", String::from_utf8_lossy(&digits))
}

/// `signing.b62_decode`; `None` for a character outside the alphabet (Python
/// raises `ValueError` there, which every caller treats as a bad signature).
pub fn b62_decode(s: &str) -> Option<i64> {
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, s),
    };
    let mut n: i64 = 0;
    for c in digits.bytes() {
        let d = BASE62.iter().position(|&b| b == c)? as i64;
        n = n.checked_mul(62)?.checked_add(d)?;
    }
    Some(sign * n)
}

/// `salted_hmac(key_salt, value, secret, algorithm="sha256")`.
pub fn salted_hmac(key_salt: &str, value: &[u8], secret: &[u8]) -> [u8; 32] {
    let mut mac = keyed_hmac(key_salt, secret);
    mac.update(value);
    mac.finalize()
}

/// How many (salt, secret) pairs keep their keyed HMAC: a world signs with a
/// handful of salts under one or two keys.
const KEYED_HMACS: usize = 16;

/// A key salt, a secret, and the HMAC keyed with `sha256(key_salt + secret)`.
type Keyed = (String, Vec<u8>, HMAC);

thread_local! {
    /// The keyed HMAC per (salt, secret): deriving the key and the padded
    /// states is most of signing a cookie.
    static KEYED: std::cell::RefCell<Vec<Keyed>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `hmac.new(sha256(key_salt + secret).digest(), digestmod=sha256)`, before
/// any message.
fn keyed_hmac(key_salt: &str, secret: &[u8]) -> HMAC {
    KEYED.with(|keyed| {
        let mut keyed = keyed.borrow_mut();
        if let Some((_, _, mac)) = keyed
            .iter()
            .find(|(salt, key, _)| salt == key_salt && key == secret)
        {
            return mac.clone();
        }
        let mut hasher = Hash::new();
        hasher.update(key_salt.as_bytes());
        hasher.update(secret);
        let mac = HMAC::new(hasher.finalize());
        if keyed.len() == KEYED_HMACS {
            keyed.remove(0);
        }
        keyed.push((key_salt.to_string(), secret.to_vec(), mac.clone()));
        mac
    })
}

/// Lowercase hex, as `hexdigest()` writes it.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// `Signer(key=..., salt=..., fallback_keys=...)` with the default `sep=":"`
/// and `algorithm="sha256"`.
pub struct Signer<'a> {
    pub key: &'a [u8],
    pub fallback_keys: &'a [Vec<u8>],
    pub salt: &'a str,
}

impl Signer<'_> {
    /// `Signer.signature(value, key)`.
    fn signature(&self, value: &str, key: &[u8]) -> String {
        let salt = format!("{}signer", self.salt);
        URL_SAFE_NO_PAD.encode(salted_hmac(&salt, value.as_bytes(), key))
    }

    /// `Signer.sign(value)`.
    pub fn sign(&self, value: &str) -> String {
        format!("{value}:{}", self.signature(value, self.key))
    }

    /// `Signer.unsign(signed_value)`.
    pub fn unsign<'v>(&self, signed: &'v str) -> Result<&'v str, PyErr> {
        let Some((value, sig)) = signed.rsplit_once(':') else {
            return Err(PyErr::new("BadSignature", "No \":\" found in value"));
        };
        let keys = std::iter::once(self.key).chain(self.fallback_keys.iter().map(Vec::as_slice));
        for key in keys {
            if self.signature(value, key) == sig {
                return Ok(value);
            }
        }
        Err(PyErr::new(
            "BadSignature",
            format!("Signature \"{sig}\" does not match"),
        ))
    }

    /// `TimestampSigner.sign(value)` at time `now`.
    pub fn sign_timestamped(&self, value: &str, now: i64) -> String {
        self.sign(&format!("{value}:{}", b62_encode(now)))
    }

    /// `TimestampSigner.unsign(value, max_age)` at time `now`.
    pub fn unsign_timestamped<'v>(
        &self,
        signed: &'v str,
        max_age: Option<i64>,
        now: i64,
    ) -> Result<&'v str, PyErr> {
        let result = self.unsign(signed)?;
        let Some((value, timestamp)) = result.rsplit_once(':') else {
            // Python: `ValueError: not enough values to unpack`.
            return Err(PyErr::new(
                "ValueError",
                "not enough values to unpack (expected 2, got 1)",
            ));
        };
        let Some(timestamp) = b62_decode(timestamp) else {
            return Err(PyErr::new("ValueError", "substring not found"));
        };
        if let Some(max_age) = max_age {
            let age = now.saturating_sub(timestamp);
            if age > max_age {
                return Err(PyErr::new(
                    "SignatureExpired",
                    format!("Signature age {}.0 > {max_age} seconds", age),
                ));
            }
        }
        Ok(value)
    }

    /// `TimestampSigner.sign_object(obj, JSONSerializer, compress)`.
    pub fn sign_object(&self, obj: &Value, compress: bool, now: i64) -> Result<String, PyErr> {
        Ok(self.sign_json(&to_json(obj)?, compress, now))
    }

    /// [`Signer::sign_object`] of an object already written as `json`.
    pub fn sign_json(&self, json: &str, compress: bool, now: i64) -> String {
        // ensure_ascii output is ASCII, so latin-1 encoding is the identity.
        let data = json.as_bytes();
        let mut encoded = None;
        if compress {
            let compressed = zlib_compress(data);
            if compressed.len() < data.len().saturating_sub(1) {
                encoded = Some(format!(".{}", URL_SAFE_NO_PAD.encode(compressed)));
            }
        }
        let base64d = encoded.unwrap_or_else(|| URL_SAFE_NO_PAD.encode(data));
        self.sign_timestamped(&base64d, now)
    }

    /// `TimestampSigner.unsign_object(signed, JSONSerializer, max_age)`.
    pub fn unsign_object(
        &self,
        signed: &str,
        max_age: Option<i64>,
        now: i64,
    ) -> Result<Value, PyErr> {
        let base64d = self.unsign_timestamped(signed, max_age, now)?;
        let (compressed, base64d) = match base64d.strip_prefix('.') {
            Some(rest) => (true, rest),
            None => (false, base64d),
        };
        let corrupt = || PyErr::new("Error", "Incorrect padding");
        let mut data = decode_b64(base64d).ok_or_else(corrupt)?;
        if compressed {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(&data[..])
                .read_to_end(&mut out)
                .map_err(|_| PyErr::new("error", "Error -3 while decompressing data"))?;
            data = out;
        }
        // latin-1 decoding maps each byte to one code point.
        let text: String = data.iter().map(|&b| b as char).collect();
        from_json(&text).ok_or_else(|| PyErr::new("JSONDecodeError", "Expecting value"))
    }
}

/// `b64_decode` (urlsafe, padding restored); `None` where Python would raise.
fn decode_b64(s: &str) -> Option<Vec<u8>> {
    let trimmed = s.trim_end_matches('=');
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(trimmed)
        .ok()
}

thread_local! {
    /// One compressor per thread, reset between uses: zlib's state is large and
    /// every save compresses.
    static COMPRESSOR: std::cell::RefCell<flate2::Compress> =
        std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::new(6), true));
}

/// `zlib.compress(data)` at the default level.
fn zlib_compress(data: &[u8]) -> Vec<u8> {
    COMPRESSOR.with(|compressor| {
        let mut compressor = compressor.borrow_mut();
        compressor.reset();
        let mut out = Vec::with_capacity(data.len() + 64);
        loop {
            let consumed = compressor.total_in() as usize;
            let status = compressor
                .compress_vec(&data[consumed..], &mut out, flate2::FlushCompress::Finish)
                .expect("compressing into a Vec cannot fail");
            if status == flate2::Status::StreamEnd {
                return out;
            }
            out.reserve(out.capacity().max(64));
        }
    })
}

/// `signing.dumps(obj, key=secret, salt=salt, compress=True)` at `now`.
pub fn dumps(obj: &Value, secret: &str, salt: &str, now: i64) -> Result<String, PyErr> {
    Ok(dumps_json(&to_json(obj)?, secret, salt, now))
}

/// [`dumps`] of an object already written as `json`.
pub fn dumps_json(json: &str, secret: &str, salt: &str, now: i64) -> String {
    Signer {
        key: secret.as_bytes(),
        fallback_keys: &[],
        salt,
    }
    .sign_json(json, true, now)
}

/// `signing.loads(s, salt=salt, max_age=max_age)` with `SECRET_KEY` and its
/// fallbacks.
pub fn loads(
    s: &str,
    secret: &str,
    fallbacks: &[String],
    salt: &str,
    max_age: Option<i64>,
    now: i64,
) -> Result<Value, PyErr> {
    let fallback_keys: Vec<Vec<u8>> = fallbacks.iter().map(|k| k.as_bytes().to_vec()).collect();
    Signer {
        key: secret.as_bytes(),
        fallback_keys: &fallback_keys,
        salt,
    }
    .unsign_object(s, max_age, now)
}

/// The salt of `set_signed_cookie()` since Django 5.2.15 (CVE-2026-6873).
pub fn cookie_salt(cookie_name: &str, salt: &str) -> String {
    format!(
        "django.http.cookies.v2:{}:{salt}{cookie_name}",
        salt.chars().count()
    )
}

/// The salt of `set_signed_cookie()` before Django 5.2.15, which
/// `SIGNED_COOKIE_LEGACY_SALT_FALLBACK` still accepts.
pub fn legacy_cookie_salt(cookie_name: &str, salt: &str) -> String {
    format!("{cookie_name}{salt}")
}

/// `_cookie_signer_key`: `b"django.http.cookies" + key`.
pub fn cookie_signer_key(secret: &str) -> Vec<u8> {
    let mut key = b"django.http.cookies".to_vec();
    key.extend_from_slice(secret.as_bytes());
    key
}

/// `response.set_signed_cookie(name, value, salt)`'s value: signed with the
/// v2 salt under `SECRET_KEY`, timestamped `now`.
pub fn sign_cookie(settings: &Settings, name: &str, value: &str, salt: &str, now: i64) -> String {
    let key = cookie_signer_key(&settings.secret_key);
    Signer {
        key: &key,
        fallback_keys: &[],
        salt: &cookie_salt(name, salt),
    }
    .sign_timestamped(value, now)
}

/// `request.get_signed_cookie()`'s check (`signing._unsign_cookie`): the v2
/// salt, then the legacy one while `SIGNED_COOKIE_LEGACY_SALT_FALLBACK` is on,
/// under `SECRET_KEY` and each fallback.
pub fn unsign_cookie(
    settings: &Settings,
    value: &str,
    name: &str,
    salt: &str,
    max_age: Option<i64>,
    now: i64,
) -> Result<String, PyErr> {
    let key = cookie_signer_key(&settings.secret_key);
    let fallbacks: Vec<Vec<u8>> = settings
        .secret_key_fallbacks
        .iter()
        .map(|k| cookie_signer_key(k))
        .collect();
    let unsign = |salt: &str| {
        Signer {
            key: &key,
            fallback_keys: &fallbacks,
            salt,
        }
        .unsign_timestamped(value, max_age, now)
        .map(str::to_string)
    };
    match unsign(&cookie_salt(name, salt)) {
        Err(e) if e.class == "BadSignature" && settings.signed_cookie_legacy_salt_fallback => {
            unsign(&legacy_cookie_salt(name, salt))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::value::Dict;

    const SECRET: &str = "sessionlab-oracle-secret";
    const JAN_1_2026: i64 = 1_767_225_600;

    #[test]
    fn base62_matches_django() {
        assert_eq!(b62_encode(JAN_1_2026), "1vb66i");
        assert_eq!(b62_decode("1vb66i"), Some(JAN_1_2026));
        assert_eq!(b62_encode(0), "0");
    }

    #[test]
    fn session_data_matches_the_recorded_example() {
        let mut d = Dict::new();
        d.insert(Value::str("name"), Value::str("Faisal Zamir"));
        let encoded = dumps(
            &Value::dict(d),
            SECRET,
            "django.contrib.sessions.SessionStore",
            JAN_1_2026,
        )
        .unwrap();
        assert_eq!(
            encoded,
            "eyJuYW1lIjoiRmFpc2FsIFphbWlyIn0:1vb66i:2RRCrP9cXkn0H0bBbgb5hl-jToc-OcqIPJvMCcYvEb0"
        );
        let back = loads(
            &encoded,
            SECRET,
            &[],
            "django.contrib.sessions.SessionStore",
            None,
            JAN_1_2026,
        )
        .unwrap();
        assert_eq!(back.repr(), "{'name': 'Faisal Zamir'}");
    }

    #[test]
    fn signed_cookie_matches_the_recorded_example() {
        let key = cookie_signer_key(SECRET);
        let salt = cookie_salt("theme", "ui");
        let signer = Signer {
            key: &key,
            fallback_keys: &[],
            salt: &salt,
        };
        assert_eq!(
            signer.sign_timestamped("dark", JAN_1_2026),
            "dark:1vb66i:yCx91m5GEW7nBfNyKbatxOiAOHpMZLsnmyZ8t1m-0Ss"
        );
    }

    #[test]
    fn tampering_is_detected() {
        let signer = Signer {
            key: b"k",
            fallback_keys: &[],
            salt: "s",
        };
        let signed = signer.sign("value");
        assert_eq!(signer.unsign(&signed).unwrap(), "value");
        let tampered = signed.replacen("value", "valuf", 1);
        let err = signer.unsign(&tampered).unwrap_err();
        assert!(
            err.to_string().starts_with("BadSignature: Signature \""),
            "{err}"
        );
        assert_eq!(
            signer.unsign("novalue").unwrap_err().to_string(),
            "BadSignature: No \":\" found in value"
        );
    }

    #[test]
    fn large_data_is_compressed_and_reads_back() {
        let list = Value::list((0..100).map(|_| Value::str("apple")).collect());
        let mut d = Dict::new();
        d.insert(Value::str("cart"), list);
        let encoded = dumps(&Value::dict(d), SECRET, "salt", JAN_1_2026).unwrap();
        assert!(encoded.starts_with('.'));
        let back = loads(&encoded, SECRET, &[], "salt", None, JAN_1_2026).unwrap();
        assert!(back.repr().starts_with("{'cart': ['apple', 'apple'"));
    }
}
