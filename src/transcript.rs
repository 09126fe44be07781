//! Turning [`Step`]s into transcripts: the JSON lines of `spec/transcript.md`
//! (keys numbered `<keyN>`, auth hashes masked, signed session cookies shown
//! decoded), and a readable form a teacher can print.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use foldhash::fast::FixedState;

use serde_json::Value as Json;

use crate::runner::{Change, Outcome, Step};
use crate::sim::request::{Exchange, SetCookie};
use crate::sim::server::Server;
use crate::sim::value::{Value, push_u_escape, to_display_json, write_json_str as str_json};
use crate::sim::world::JarEntry;

/// Writes the JSON lines of one transcript, numbering session keys across it.
#[derive(Debug, Default)]
pub struct JsonTranscript {
    numbers: HashMap<String, usize, FixedState>,
    /// Every generated key and auth hash seen so far (the server only appends).
    keys: HashSet<String, FixedState>,
    hashes: HashSet<String, FixedState>,
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
        // Written straight out, fields in the spec's order (a JSON value tree
        // would cost most of a step).
        let mut out = String::with_capacity(1024);
        let mut body = Obj::open(&mut out);
        body.key("outcome");
        outcome_json(body.out, &step.outcome);
        body.key("browser");
        str_json(body.out, &step.browser);
        if let Some(exchange) = &step.exchange {
            body.key("request");
            request_json(body.out, exchange, step);
            body.key("set_cookies");
            list(body.out, &exchange.set_cookies, |out, s| {
                set_cookie_json(out, s, step)
            });
        }
        body.key("jar");
        list(body.out, step.after.jar.iter(), |out, c| {
            jar_json(out, c, step)
        });
        body.key("store");
        let mut store = Obj::open(body.out);
        for s in step.after.store.iter() {
            store.key(&s.key);
            let mut session = Obj::open(store.out);
            session.key("data");
            session
                .out
                .push_str(&python_json(&to_display_json(&Value::dict(s.data.clone()))));
            session.key("expires_in");
            let _ = write!(session.out, "{}", s.expires_in);
            session.close();
        }
        store.close();
        body.close();
        // `input` is written as typed; everything after it is normalized.
        let mut text = String::with_capacity(out.len() + step.input.len() + 32);
        let _ = write!(text, "{{\"line\": {line}, \"input\": ");
        str_json(&mut text, &step.input);
        text.push_str(", ");
        self.normalize_into(&mut text, &out[1..], keys, hashes);
        text
    }

    /// Replace generated keys by `<keyN>` (numbered by first appearance) and
    /// auth hashes by `<auth_hash>`.
    fn normalize_into(&mut self, out: &mut String, text: &str, keys: &[String], hashes: &[String]) {
        for key in keys.iter().skip(self.keys.len()) {
            self.keys.insert(key.clone());
        }
        for hash in hashes.iter().skip(self.hashes.len()) {
            self.hashes.insert(hash.clone());
        }
        // Keys and hashes are runs of lowercase letters and digits (a key can
        // follow a prefix, as in a session file's name); everything else is
        // copied as it is, in as few pieces as there are replacements.
        let bytes = text.as_bytes();
        let is_run = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        let mut copied = 0;
        let mut i = 0;
        while i < bytes.len() {
            if !is_run(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && is_run(bytes[i]) {
                i += 1;
            }
            let mut at = start;
            while at + 32 <= i {
                let replacement = if at + 64 <= i && self.hashes.contains(&text[at..at + 64]) {
                    Some((64, None))
                } else if self.keys.contains(&text[at..at + 32]) {
                    let next = self.numbers.len() + 1;
                    let n = *self
                        .numbers
                        .entry(text[at..at + 32].to_string())
                        .or_insert(next);
                    Some((32, Some(n)))
                } else {
                    None
                };
                let Some((len, key)) = replacement else {
                    at += 1;
                    continue;
                };
                out.push_str(&text[copied..at]);
                match key {
                    Some(n) => {
                        let _ = write!(out, "<key{n}>");
                    }
                    None => out.push_str("<auth_hash>"),
                }
                at += len;
                copied = at;
            }
        }
        out.push_str(&text[copied..]);
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

/// A JSON object being written: `{`, then `"key": value` pairs with
/// Python's separators, then `}`.
struct Obj<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Obj<'a> {
    fn open(out: &'a mut String) -> Self {
        out.push('{');
        Self { out, first: true }
    }

    /// Start the pair `key`: its value is written next.
    fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push_str(", ");
        }
        self.first = false;
        str_json(self.out, key);
        self.out.push_str(": ");
    }

    fn close(self) {
        self.out.push('}');
    }
}

/// `[a, b, ...]` of `items`, each written by `item`.
fn list<'a, T: 'a>(
    out: &mut String,
    items: impl IntoIterator<Item = &'a T>,
    mut item: impl FnMut(&mut String, &T),
) {
    out.push('[');
    for (i, x) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        item(out, x);
    }
    out.push(']');
}

fn bool_json(out: &mut String, b: bool) {
    out.push_str(if b { "true" } else { "false" });
}

fn outcome_json(out: &mut String, outcome: &Outcome) {
    let mut o = Obj::open(out);
    match outcome {
        Outcome::Ok => {
            o.key("ok");
            bool_json(o.out, true);
        }
        Outcome::Value(v) => {
            o.key("value");
            str_json(o.out, v);
        }
        Outcome::Error { message, .. } => {
            o.key("error");
            str_json(o.out, message);
        }
        Outcome::Text(text) => {
            o.key("output");
            str_json(o.out, text);
        }
    }
    o.close();
}

/// A cookie value as the transcript shows it: as is, or `{"signed": data}`
/// for a value the `signed_cookies` engine made.
fn cookie_json(out: &mut String, step: &Step, value: &str) {
    match step.signed.data(value) {
        Some(Some(data)) => {
            out.push_str("{\"signed\": ");
            out.push_str(&python_json(&to_display_json(data)));
            out.push('}');
        }
        Some(None) => out.push_str("{\"signed\": \"invalid\"}"),
        None => str_json(out, value),
    }
}

/// The `request` field: method, URL, the Cookie header's pairs, the cookies
/// left out and why, and the page that made it.
fn request_json(out: &mut String, exchange: &Exchange, step: &Step) {
    let mut o = Obj::open(out);
    o.key("method");
    str_json(o.out, exchange.method);
    o.key("url");
    str_json(o.out, &exchange.url());
    o.key("cookies");
    list(o.out, exchange.sent.iter(), |out, (n, v)| {
        out.push('[');
        str_json(out, n);
        out.push_str(", ");
        cookie_json(out, step, v);
        out.push(']');
    });
    if !exchange.not_sent.is_empty() {
        o.key("not_sent");
        list(o.out, &exchange.not_sent, |out, n| {
            let mut x = Obj::open(out);
            x.key("name");
            str_json(x.out, &n.name);
            x.key("reason");
            str_json(x.out, n.reason.cdp_name());
            x.close();
        });
    }
    if let Some(from) = &exchange.initiator {
        o.key("from");
        str_json(o.out, &from.origin.to_string());
        o.key("via");
        str_json(o.out, from.via.as_str());
    }
    o.close();
}

fn set_cookie_json(out: &mut String, set: &SetCookie, step: &Step) {
    let m = &set.morsel;
    let mut o = Obj::open(out);
    o.key("name");
    str_json(o.out, &m.name);
    o.key("value");
    if m.value.is_empty() {
        str_json(o.out, "");
    } else {
        cookie_json(o.out, step, &m.value);
    }
    if let Some(age) = m.max_age {
        o.key("max_age");
        let _ = write!(o.out, "{age}");
    }
    if !m.path.is_empty() {
        o.key("path");
        str_json(o.out, &m.path);
    }
    if let Some(domain) = m.domain.as_ref().filter(|d| !d.is_empty()) {
        o.key("domain");
        str_json(o.out, domain);
    }
    o.key("secure");
    bool_json(o.out, m.secure);
    o.key("httponly");
    bool_json(o.out, m.httponly);
    if let Some(samesite) = m.samesite.as_ref().filter(|s| !s.is_empty()) {
        o.key("samesite");
        str_json(o.out, samesite);
    }
    if let Some(reason) = set.blocked {
        o.key("blocked");
        str_json(o.out, reason.cdp_name());
    }
    o.close();
}

fn jar_json(out: &mut String, c: &JarEntry, step: &Step) {
    let mut o = Obj::open(out);
    o.key("name");
    str_json(o.out, &c.name);
    o.key("value");
    cookie_json(o.out, step, &c.raw);
    o.key("domain");
    str_json(o.out, &c.domain);
    o.key("path");
    str_json(o.out, &c.path);
    o.key("expires_in");
    match c.expires_in {
        Some(n) => {
            let _ = write!(o.out, "{n}");
        }
        None => o.out.push_str("null"),
    }
    o.key("secure");
    bool_json(o.out, c.secure);
    o.key("httponly");
    bool_json(o.out, c.httponly);
    if let Some(samesite) = c.samesite {
        o.key("samesite");
        str_json(o.out, samesite.as_str());
    }
    o.close();
}

/// JSON as Python's `json.dumps` writes it by default (`", "` and `": "`).
pub fn python_json(value: &Json) -> String {
    let mut out = Vec::with_capacity(512);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    serde::Serialize::serialize(value, &mut serializer).expect("a JSON value always serializes");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// `json.dumps`'s default separators, and its escapes outside ASCII.
struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // serde_json already escaped quotes, backslashes and controls; what
        // is left of json.dumps's escapes is everything past `~`.
        if fragment.bytes().all(|b| b < 0x7f) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut out = String::with_capacity(fragment.len() * 2);
        for c in fragment.chars() {
            if (c as u32) < 0x7f {
                out.push(c);
            } else {
                push_u_escape(&mut out, c);
            }
        }
        writer.write_all(out.as_bytes())
    }

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

/// `until the browser closes` or `expires in 14d`, in the learner's language.
pub fn expiry_text(expires_in: Option<i64>) -> String {
    match expires_in {
        None => crate::i18n::tr("change.until-close").to_string(),
        Some(s) => crate::i18n::trf("change.expires", &[&duration_text(s)]),
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
