//! Turning [`Step`]s into transcripts: the JSON lines of `spec/transcript.md`
//! (keys numbered `<keyN>`, auth hashes masked, signed session cookies shown
//! decoded), and a readable form a teacher can print.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde_json::{Map, Value as Json, json};

use crate::runner::{Change, Outcome, Step};
use crate::sim::request::{Exchange, SetCookie};
use crate::sim::server::Server;
use crate::sim::value::{Value, to_display_json};
use crate::sim::world::JarEntry;

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

    /// The JSON line for `step` at scenario line `line`, normalized with
    /// what `server` generated: session keys, auth hashes, CSRF secrets.
    pub fn line(&mut self, line: usize, step: &Step, server: &Server) -> String {
        let text = self.line_with(line, step, &server.created_keys, &server.auth_hashes);
        mask_csrf(text, &server.csrf_secrets)
    }

    /// The JSON line with `keys` (the session keys the server generated) and
    /// `hashes` (the auth hashes it computed) normalized.
    fn line_with(
        &mut self,
        line: usize,
        step: &Step,
        keys: &[String],
        hashes: &[String],
    ) -> String {
        let mut body = Map::new();
        body.insert("outcome".into(), outcome_json(&step.outcome));
        body.insert("browser".into(), Json::String(step.browser.clone()));
        let shown = |value: &str| cookie_json(step, value);
        if let Some(exchange) = &step.exchange {
            body.insert("request".into(), request_json(exchange, &shown));
            body.insert(
                "set_cookies".into(),
                Json::Array(
                    exchange
                        .set_cookies
                        .iter()
                        .map(|s| set_cookie_json(s, &shown))
                        .collect(),
                ),
            );
        }
        let jar = step.after.jar.iter().map(|c| jar_json(c, &shown)).collect();
        body.insert("jar".into(), Json::Array(jar));
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

/// CSRF secrets are written `<csrfN>`, numbered in the order they were made.
fn mask_csrf(mut text: String, secrets: &[String]) -> String {
    for (n, secret) in secrets.iter().enumerate() {
        if text.contains(secret.as_str()) {
            text = text.replace(secret.as_str(), &format!("<csrf{}>", n + 1));
        }
    }
    text
}

fn outcome_json(outcome: &Outcome) -> Json {
    match outcome {
        Outcome::Ok => json!({"ok": true}),
        Outcome::Value(v) => json!({"value": v}),
        Outcome::Error { message, .. } => json!({"error": message}),
        Outcome::Text(text) => json!({"output": text}),
    }
}

/// A cookie value as the transcript shows it: as is, or `{"signed": data}`
/// for a value the `signed_cookies` engine made.
fn cookie_json(step: &Step, value: &str) -> Json {
    match step.signed.data(value) {
        Some(Some(data)) => json!({"signed": to_display_json(data)}),
        Some(None) => json!({"signed": "invalid"}),
        None => Json::String(value.to_string()),
    }
}

/// The `request` field: method, URL, the Cookie header's pairs, the cookies
/// left out and why, and the page that made it.
fn request_json(exchange: &Exchange, shown: &dyn Fn(&str) -> Json) -> Json {
    let mut out = Map::new();
    out.insert("method".into(), json!(exchange.method));
    out.insert("url".into(), json!(exchange.url()));
    let cookies = exchange
        .sent
        .iter()
        .map(|(n, v)| json!([n, shown(v)]))
        .collect();
    out.insert("cookies".into(), Json::Array(cookies));
    if !exchange.not_sent.is_empty() {
        let not_sent = exchange
            .not_sent
            .iter()
            .map(|n| json!({"name": n.name, "reason": n.reason.cdp_name()}))
            .collect();
        out.insert("not_sent".into(), Json::Array(not_sent));
    }
    if let Some(from) = &exchange.initiator {
        out.insert("from".into(), json!(from.origin.to_string()));
        out.insert("via".into(), json!(from.via.as_str()));
    }
    Json::Object(out)
}

fn set_cookie_json(set: &SetCookie, shown: &dyn Fn(&str) -> Json) -> Json {
    let m = &set.morsel;
    let mut out = Map::new();
    out.insert("name".into(), Json::String(m.name.clone()));
    let value = if m.value.is_empty() {
        Json::String(String::new())
    } else {
        shown(&m.value)
    };
    out.insert("value".into(), value);
    if let Some(age) = m.max_age {
        out.insert("max_age".into(), json!(age));
    }
    if !m.path.is_empty() {
        out.insert("path".into(), json!(m.path));
    }
    if let Some(domain) = m.domain.as_ref().filter(|d| !d.is_empty()) {
        out.insert("domain".into(), json!(domain));
    }
    out.insert("secure".into(), json!(m.secure));
    out.insert("httponly".into(), json!(m.httponly));
    if let Some(samesite) = m.samesite.as_ref().filter(|s| !s.is_empty()) {
        out.insert("samesite".into(), json!(samesite));
    }
    if let Some(reason) = set.blocked {
        out.insert("blocked".into(), json!(reason.cdp_name()));
    }
    Json::Object(out)
}

fn jar_json(c: &JarEntry, shown: &dyn Fn(&str) -> Json) -> Json {
    let mut out = Map::new();
    out.insert("name".into(), json!(c.name));
    out.insert("value".into(), shown(&c.raw));
    out.insert("domain".into(), json!(c.domain));
    out.insert("path".into(), json!(c.path));
    out.insert("expires_in".into(), json!(c.expires_in));
    out.insert("secure".into(), json!(c.secure));
    out.insert("httponly".into(), json!(c.httponly));
    if let Some(samesite) = c.samesite {
        out.insert("samesite".into(), json!(samesite.as_str()));
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
        Outcome::Text(text) => {
            let _ = writeln!(out, "{text}");
        }
    }
    if let Some(exchange) = &step.exchange {
        let _ = write!(
            out,
            "    [{}] {} {}",
            exchange.sender.as_deref().unwrap_or("workbench"),
            exchange.method,
            exchange.url()
        );
        if let Some(from) = &exchange.initiator {
            let _ = write!(out, " (a {} on {})", from.via.as_str(), from.origin);
        }
        out.push('\n');
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
        let request_path = crate::sim::request::path_only(&exchange.path);
        for n in &exchange.not_sent {
            let _ = writeln!(
                out,
                "      not sent: {} ({})",
                n.name,
                n.reason.not_sent_words(&n.path, request_path)
            );
        }
        let _ = writeln!(out, "    {} {}", exchange.status, reason(exchange.status));
        for set in &exchange.set_cookies {
            let _ = writeln!(out, "      Set-Cookie: {}", set.morsel.header_value());
            if let Some(why) = set.blocked {
                let _ = writeln!(out, "        refused: {}", why.refusal_words());
            }
        }
    }
    let describe_jar = |c: &Change| {
        let entry = step.after.jar.iter().find(|j| j.id() == c.name);
        match entry {
            Some(j) => format!(
                "{} = {} ({}, {}{})",
                j.name,
                j.raw,
                expiry_text(j.expires_in),
                j.domain,
                j.path
            ),
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
        403 => "Forbidden",
        _ => "Internal Server Error",
    }
}
