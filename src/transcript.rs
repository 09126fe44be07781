//! Turning [`Step`]s into transcripts: the JSON lines of `spec/transcript.md`
//! (keys numbered `<keyN>`, auth hashes masked, signed session cookies shown
//! decoded), and a readable form a teacher can print.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde_json::{Map, Value as Json, json};

use crate::runner::{Change, Outcome, Step};
use crate::sim::cookie::{Morsel, parse_cookie_header};
use crate::sim::value::{Value, to_display_json};

/// Writes the JSON lines of one transcript, numbering session keys across it.
#[derive(Debug, Default)]
pub struct JsonTranscript {
    numbers: HashMap<String, usize>,
    /// Every generated key and auth hash seen so far (the server only appends).
    keys: HashSet<String>,
    hashes: HashSet<String>,
}

impl JsonTranscript {
    /// A transcript with no keys seen yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The JSON line for `step` at scenario line `line`. `keys` are the session
    /// keys the server generated, `hashes` the auth hashes it computed.
    pub fn line(&mut self, line: usize, step: &Step, keys: &[String], hashes: &[String]) -> String {
        let mut body = Map::new();
        body.insert("outcome".into(), outcome_json(&step.outcome));
        body.insert("browser".into(), Json::String(step.browser.clone()));
        let shown = |name: &str, value: &str| cookie_json(step, name, value);
        if let Some(exchange) = &step.exchange {
            let cookies: Map<String, Json> = parse_cookie_header(&exchange.sent)
                .into_iter()
                .map(|(n, v)| {
                    let value = shown(&n, &v);
                    (n, value)
                })
                .collect();
            body.insert(
                "request".into(),
                json!({"path": exchange.path, "cookies": cookies}),
            );
            body.insert(
                "set_cookies".into(),
                Json::Array(
                    exchange
                        .set_cookies
                        .iter()
                        .map(|m| morsel_json(m, &shown))
                        .collect(),
                ),
            );
        }
        let jar: Map<String, Json> = step
            .after
            .jar
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    json!({"value": shown(&c.name, &c.value), "expires_in": c.expires_in}),
                )
            })
            .collect();
        body.insert("jar".into(), Json::Object(jar));
        let store: Map<String, Json> = step
            .after
            .store
            .iter()
            .map(|s| {
                (s.key.clone(), json!({"data": to_display_json(&Value::dict(s.data.clone())), "expires_in": s.expires_in}))
            })
            .collect();
        body.insert("store".into(), Json::Object(store));
        let text = python_json(&Json::Object(body));
        let text = self.normalize(&text, keys, hashes);
        format!(
            "{{\"line\": {line}, \"input\": {}, {}",
            python_json(&Json::String(step.input.clone())),
            &text[1..]
        )
    }

    /// Replace generated keys by `<keyN>` (numbered by first appearance) and
    /// auth hashes by `<auth_hash>`.
    fn normalize(&mut self, text: &str, keys: &[String], hashes: &[String]) -> String {
        for key in keys.iter().skip(self.keys.len()) {
            self.keys.insert(key.clone());
        }
        for hash in hashes.iter().skip(self.hashes.len()) {
            self.hashes.insert(hash.clone());
        }
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        let is_run = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        while i < bytes.len() {
            if !is_run(bytes[i]) {
                let start = i;
                while i < bytes.len() && !is_run(bytes[i]) {
                    i += 1;
                }
                out.push_str(&text[start..i]);
                continue;
            }
            let start = i;
            while i < bytes.len() && is_run(bytes[i]) {
                i += 1;
            }
            let run = &text[start..i];
            if run.len() < 32 {
                out.push_str(run);
                continue;
            }
            let mut j = 0;
            while j < run.len() {
                if j + 64 <= run.len() && self.hashes.contains(&run[j..j + 64]) {
                    out.push_str("<auth_hash>");
                    j += 64;
                } else if j + 32 <= run.len() && self.keys.contains(&run[j..j + 32]) {
                    let next = self.numbers.len() + 1;
                    let n = *self
                        .numbers
                        .entry(run[j..j + 32].to_string())
                        .or_insert(next);
                    let _ = write!(out, "<key{n}>");
                    j += 32;
                } else {
                    out.push_str(&run[j..=j]);
                    j += 1;
                }
            }
        }
        out
    }
}

fn outcome_json(outcome: &Outcome) -> Json {
    match outcome {
        Outcome::Ok => json!({"ok": true}),
        Outcome::Value(v) => json!({"value": v}),
        Outcome::Error { message, .. } => json!({"error": message}),
    }
}

/// A cookie value as the transcript shows it: decoded, or `{"signed": data}`
/// for a `signed_cookies` session cookie.
fn cookie_json(step: &Step, name: &str, value: &str) -> Json {
    match step.signed.as_ref().and_then(|s| s.data(name, value)) {
        Some(Some(data)) => json!({"signed": to_display_json(data)}),
        Some(None) => json!({"signed": "invalid"}),
        None => Json::String(value.to_string()),
    }
}

fn morsel_json(m: &Morsel, shown: &dyn Fn(&str, &str) -> Json) -> Json {
    let mut out = Map::new();
    out.insert("name".into(), Json::String(m.name.clone()));
    let value = if m.value.is_empty() {
        Json::String(String::new())
    } else {
        shown(&m.name, &m.value)
    };
    out.insert("value".into(), value);
    if let Some(age) = m.max_age {
        out.insert("max_age".into(), json!(age));
    }
    if !m.path.is_empty() {
        out.insert("path".into(), json!(m.path));
    }
    if let Some(domain) = &m.domain {
        out.insert("domain".into(), json!(domain));
    }
    out.insert("secure".into(), json!(m.secure));
    out.insert("httponly".into(), json!(m.httponly));
    if let Some(samesite) = &m.samesite {
        out.insert("samesite".into(), json!(samesite));
    }
    Json::Object(out)
}

/// JSON as Python's `json.dumps` writes it by default (`", "` and `": "`).
pub fn python_json(value: &Json) -> String {
    let mut out = Vec::with_capacity(512);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    serde::Serialize::serialize(value, &mut serializer).expect("a JSON value always serializes");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// `json.dumps`'s default separators.
struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.begin_array_value(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }
}

/// The readable transcript of one step: the input, its result, the exchange,
/// and what changed.
pub fn readable(step: &Step) -> String {
    let mut out = format!(">>> {}\n", step.input);
    match &step.outcome {
        Outcome::Ok => {}
        Outcome::Value(v) => {
            let _ = writeln!(out, "{v}");
        }
        Outcome::Error { message, col } => {
            if let Some(col) = col {
                let _ = writeln!(out, "    {}^", " ".repeat(col.saturating_sub(1)));
            }
            let _ = writeln!(out, "{message}");
        }
    }
    if let Some(exchange) = &step.exchange {
        let _ = writeln!(out, "    [{}] GET {}", step.browser, exchange.path);
        if exchange.sent.is_empty() {
            let _ = writeln!(out, "      Cookie: (none)");
        } else {
            let header: Vec<String> = exchange
                .sent
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            let _ = writeln!(out, "      Cookie: {}", header.join("; "));
        }
        let _ = writeln!(out, "    {} {}", exchange.status, reason(exchange.status));
        for morsel in &exchange.set_cookies {
            let _ = writeln!(out, "      Set-Cookie: {}", morsel.header_value());
        }
    }
    let describe_jar = |c: &Change| {
        let entry = step.after.jar.iter().find(|j| j.name == c.name);
        match entry {
            Some(j) => format!("{} = {} ({})", j.name, j.value, expiry_text(j.expires_in)),
            None => c.name.clone(),
        }
    };
    for change in &step.jar_changes {
        let _ = writeln!(
            out,
            "    cookie {} {}",
            change.kind.symbol(),
            describe_jar(change)
        );
    }
    for change in &step.store_changes {
        let detail = step
            .after
            .store
            .iter()
            .find(|s| s.key == change.name)
            .map(|s| {
                format!(
                    " {} (expires in {})",
                    Value::dict(s.data.clone()).repr(),
                    duration_text(s.expires_in)
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    session {} {}{detail}",
            change.kind.symbol(),
            change.name
        );
    }
    out
}

/// `session cookie` or `expires in 14d`.
pub fn expiry_text(expires_in: Option<i64>) -> String {
    match expires_in {
        None => "until the browser closes".into(),
        Some(s) => format!("expires in {}", duration_text(s)),
    }
}

/// Seconds as the largest fitting units: `14d`, `1h 30m`, `-2s`.
pub fn duration_text(seconds: i64) -> String {
    if seconds < 0 {
        let magnitude = i64::try_from(seconds.unsigned_abs()).unwrap_or(i64::MAX);
        return format!("-{} (expired)", duration_text(magnitude));
    }
    if seconds == 0 {
        return "0s".into();
    }
    let mut parts = Vec::new();
    let mut rest = seconds;
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if rest >= size {
            parts.push(format!("{}{unit}", rest / size));
            rest %= size;
        }
        if parts.len() == 2 {
            break;
        }
    }
    parts.join(" ")
}

/// The reason phrase of the statuses the simulation produces.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Internal Server Error",
    }
}
