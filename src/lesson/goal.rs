//! Goals: declarative conditions over the world and the last step, one a
//! line in a ```` ```goal ```` block. They never look at the text typed, so
//! any sequence of commands that reaches the state passes.
//!
//! The syntax is documented in `lessons/README.md`; [`Condition::parse`] is
//! its only reader.

use crate::runner::{Outcome, Runner, Step};
use crate::script::{self, ast::Stmt};
use crate::sim::browser::Browser;
use crate::sim::settings::Engine;
use crate::sim::value::{Dict, Value, py_eq, str_repr};
use crate::sim::world::SessionBehind;
use crate::sim::{World, cookie::unquote};

/// A step's goal: every condition must hold.
#[derive(Clone, Debug, Default)]
pub struct Goal {
    pub conditions: Vec<Condition>,
    /// The lesson's starting clock, which `clock` conditions count from.
    pub start_clock: i64,
}

/// Whether one condition holds, for the per-condition ✓/✗ view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionStatus {
    pub holds: bool,
    pub label: String,
    /// What the world shows now, for the "still missing" view.
    pub now: String,
}

impl Goal {
    /// Every condition's status, in order.
    pub fn evaluate(&self, runner: &Runner, last: Option<&Step>) -> Vec<ConditionStatus> {
        self.conditions
            .iter()
            .map(|c| c.evaluate(&runner.world, last, self.start_clock))
            .collect()
    }

    /// Whether every condition holds.
    pub fn met(&self, runner: &Runner, last: Option<&Step>) -> bool {
        super::play::all_hold(&self.evaluate(runner, last))
    }
}

/// One line of a goal.
#[derive(Clone, Debug)]
pub struct Condition {
    pub kind: Kind,
    /// `not` in front: the condition must not hold.
    pub negated: bool,
    /// `in NAME:`: look at this browser instead of the current one.
    pub browser: Option<String>,
    /// The teacher's label (after `#`), or one made from the condition.
    pub label: String,
    /// 1-based line in the lesson file.
    pub line: usize,
}

/// A comparison in `sessions >= 2` or `clock >= +2w`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn parse(text: &str) -> Option<Cmp> {
        Some(match text {
            "=" | "==" => Cmp::Eq,
            "!=" => Cmp::Ne,
            "<" => Cmp::Lt,
            "<=" => Cmp::Le,
            ">" => Cmp::Gt,
            ">=" => Cmp::Ge,
            _ => return None,
        })
    }

    fn holds(self, a: i64, b: i64) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
}

/// How long a cookie lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    /// No expiry: dropped when the browser closes.
    UntilClose,
    /// An expiry date (Max-Age or expires).
    Persistent,
    /// Exactly this many seconds (jar: left from now; response: Max-Age).
    Seconds(i64),
}

/// What a cookie must look like besides its name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CookieSpec {
    pub name: String,
    pub value: Option<String>,
    pub lifetime: Option<Lifetime>,
    pub httponly: Option<bool>,
    pub secure: Option<bool>,
    /// `Some(None)`: no SameSite attribute.
    pub samesite: Option<Option<String>>,
    pub path: Option<String>,
}

/// The kinds of condition.
#[derive(Clone, Debug)]
pub enum Kind {
    /// `cookie NAME [= 'v'] [attributes]`: the browser's jar holds it.
    Cookie(CookieSpec),
    /// `session`: the browser's session cookie leads to a live session.
    Session,
    /// `session has KEY [= value]`.
    SessionHas { key: String, value: Option<Value> },
    /// `session = {...}`: the whole data.
    SessionData(Value),
    /// `stored KEY [= value]`: some session in the store has the key.
    Stored { key: String, value: Option<Value> },
    /// `sessions OP N` / `expired sessions OP N`.
    Sessions { expired: bool, cmp: Cmp, count: i64 },
    /// `engine NAME`.
    Engine(Engine),
    /// `setting NAME = value`.
    Setting { name: String, value: Value },
    /// `migrated`.
    Migrated,
    /// `cookies on` / `cookies off`.
    CookiesEnabled(bool),
    /// `browser NAME`: the current browser.
    CurrentBrowser(String),
    /// `clock OP +DURATION`: time passed since the lesson started.
    Clock { cmp: Cmp, seconds: i64 },
    /// `ok`: the last command ended without a value or an error.
    Ok,
    /// `value [REPR]`.
    Value(Option<String>),
    /// `value ~ TEXT`: the value shown (or printed) contains the text, so
    /// `request.COOKIES` and `request.COOKIES['theme']` both pass.
    ValueHas(String),
    /// `error [Class | Class: message]`.
    Error(Option<String>),
    /// `output ['text']`: the last command printed a workbench report
    /// (containing the text).
    Output(Option<String>),
    /// `sent cookie NAME [= 'v']`: the last request carried it.
    Sent { name: String, value: Option<String> },
    /// `set cookie NAME [= 'v'] [attributes]`: the last response set it.
    SetCookie(CookieSpec),
    /// `deleted cookie NAME`: the last response told the browser to drop it.
    Deleted(String),
    /// `refused cookie NAME [REASON]`: the browser refused the last
    /// response's `Set-Cookie` for it (for this DevTools reason).
    Refused {
        name: String,
        reason: Option<String>,
    },
    /// `left out cookie NAME [REASON]`: the browser left the cookie out of the
    /// last request (for this DevTools reason).
    LeftOut {
        name: String,
        reason: Option<String>,
    },
    /// `site ORIGIN`: where the browsers' requests go.
    Site(String),
    /// `status N`: the last response's status.
    Status(u16),
    /// `key changed`: the last request sent a session cookie and the response
    /// replaced it with another key.
    KeyChanged,
}

/// Why a goal line cannot be read: the message and the 1-based column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalError {
    pub col: usize,
    pub message: String,
}

const SYNTAX: &str = "cookie NAME, session, session has KEY, session = {...}, stored KEY, sessions = N, \
                      expired sessions = N, engine NAME, setting NAME = VALUE, migrated, cookies on|off, \
                      browser NAME, clock >= +2w, ok, value [REPR], error [CLASS], output ['text'], sent cookie NAME, \
                      set cookie NAME, deleted cookie NAME, refused cookie NAME [REASON], left out cookie NAME [REASON], site ORIGIN, key changed, status N (each may start with `not` and `in BROWSER:`)";

/// The position of the `#` that starts a label: the first one outside quotes.
fn label_start(line: &str) -> Option<usize> {
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' => return Some(i),
            None => {}
        }
    }
    None
}

/// A cursor over one goal line that knows the column of what it reads.
struct Cursor<'a> {
    line: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn col(&self) -> usize {
        self.line[..self.pos].chars().count() + 1
    }

    /// The column of the next word.
    fn here(&mut self) -> usize {
        self.skip_space();
        self.col()
    }

    fn skip_space(&mut self) {
        let rest = &self.line[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn rest(&self) -> &'a str {
        self.line[self.pos..].trim_end()
    }

    fn at_end(&mut self) -> bool {
        self.skip_space();
        self.rest().is_empty()
    }

    /// The next whitespace-separated word, without moving.
    fn peek(&mut self) -> &'a str {
        self.skip_space();
        let rest = &self.line[self.pos..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        &rest[..end]
    }

    fn word(&mut self) -> &'a str {
        let word = self.peek();
        self.pos += word.len();
        word
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.peek() == word {
            self.word();
            true
        } else {
            false
        }
    }

    fn error(&self, message: impl Into<String>) -> GoalError {
        GoalError {
            col: self.col(),
            message: message.into(),
        }
    }

    /// A name: a cookie name, a session key, a browser.
    fn name(&mut self, what: &str) -> Result<&'a str, GoalError> {
        self.skip_space();
        let rest = &self.line[self.pos..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '!')
            .unwrap_or(rest.len());
        if end == 0 {
            return Err(self.error(format!("expected {what} here")));
        }
        self.pos += end;
        Ok(&rest[..end])
    }

    /// `= LITERAL` if the line goes on with `=`.
    fn optional_value(&mut self) -> Result<Option<Value>, GoalError> {
        self.skip_space();
        if !self.line[self.pos..].starts_with('=') {
            return Ok(None);
        }
        self.pos += if self.line[self.pos..].starts_with("==") {
            2
        } else {
            1
        };
        self.literal().map(Some)
    }

    /// A Python literal up to the next attribute word (or the end).
    fn literal(&mut self) -> Result<Value, GoalError> {
        self.skip_space();
        let col = self.col();
        let rest = self.rest();
        if rest.is_empty() {
            return Err(
                self.error("expected a Python literal after '=' (e.g. 'Ada', 3, ['apple'], {})")
            );
        }
        // The literal is the longest prefix that parses; attributes may follow.
        let mut ends: Vec<usize> = rest
            .char_indices()
            .filter(|(_, c)| c.is_whitespace())
            .map(|(i, _)| i)
            .collect();
        ends.push(rest.len());
        for &end in ends.iter().rev() {
            if let Some(value) = literal_value(&rest[..end]) {
                self.pos += end;
                return Ok(value);
            }
        }
        Err(GoalError {
            col,
            message: format!(
                "'{}' is not a Python literal; write strings in quotes ('dark'), numbers, True/False/None, lists or dicts",
                rest.split_whitespace().next().unwrap_or(rest)
            ),
        })
    }
}

pub(crate) fn literal_value(text: &str) -> Option<Value> {
    let stmts = crate::script::parser::parse_line(text).ok()?;
    match stmts.as_slice() {
        [Stmt::Expr(expr)] => script::eval::literal(expr),
        _ => None,
    }
}

/// `NAME [REASON]`: a cookie name and an optional DevTools reason.
fn name_and_reason(c: &mut Cursor) -> Result<(String, Option<String>), GoalError> {
    let name = c.name("a cookie name")?.to_string();
    let reason = c.word().to_string();
    Ok((name, (!reason.is_empty()).then_some(reason)))
}

fn string_literal(value: Value, col: usize) -> Result<String, GoalError> {
    match value.as_str() {
        Some(s) => Ok(s.to_string()),
        None => Err(GoalError {
            col,
            message: format!(
                "a cookie value is text: write it as a string, e.g. '{}'",
                value.to_str()
            ),
        }),
    }
}

impl Condition {
    /// Read one goal line (`line_no` is its line in the file, for findings).
    pub fn parse(text: &str, line_no: usize) -> Result<Condition, GoalError> {
        let (body, label) = match label_start(text) {
            Some(at) => (&text[..at], Some(text[at + 1..].trim().to_string())),
            None => (text, None),
        };
        if label.as_deref() == Some("") {
            let col = text[..label_start(text).unwrap_or(0)].chars().count() + 1;
            return Err(GoalError {
                col,
                message: "empty label after '#'; write the label or drop the '#'".into(),
            });
        }
        let mut c = Cursor { line: body, pos: 0 };
        let mut negated = false;
        let mut browser = None;
        loop {
            if c.eat("not") {
                if negated {
                    return Err(c.error("'not' twice"));
                }
                negated = true;
            } else if c.peek() == "in" {
                c.word();
                let name = c.name("a browser name")?;
                let name = match name.strip_suffix(':') {
                    Some(n) if !n.is_empty() => n,
                    _ => {
                        c.skip_space();
                        if !c.line[c.pos..].starts_with(':') {
                            return Err(c.error("expected ':' after `in BROWSER` (e.g. `in mallory: cookie sessionid`)"));
                        }
                        c.pos += 1;
                        name
                    }
                };
                browser = Some(name.to_string());
            } else {
                break;
            }
        }
        let kind_col = c.col();
        let kind = Self::kind(&mut c)?;
        if !c.at_end() {
            return Err(c.error(format!(
                "unexpected '{}' at the end of this condition",
                c.rest()
            )));
        }
        if browser.is_some()
            && !matches!(
                kind,
                Kind::Cookie(_)
                    | Kind::Session
                    | Kind::SessionHas { .. }
                    | Kind::SessionData(_)
                    | Kind::CookiesEnabled(_)
            )
        {
            return Err(GoalError {
                col: kind_col,
                message: "`in BROWSER:` only goes with cookie, session and cookies conditions"
                    .into(),
            });
        }
        let mut condition = Condition {
            kind,
            negated,
            browser,
            label: String::new(),
            line: line_no,
        };
        condition.label = label.unwrap_or_else(|| condition.describe());
        Ok(condition)
    }

    fn kind(c: &mut Cursor) -> Result<Kind, GoalError> {
        let col = c.col();
        let word = c.word();
        Ok(match word {
            "cookie" => Kind::Cookie(Self::cookie_spec(c, true)?),
            "session" => {
                if c.eat("has") {
                    let key = c.name("a session key")?.to_string();
                    Kind::SessionHas {
                        key,
                        value: c.optional_value()?,
                    }
                } else if c.at_end() {
                    Kind::Session
                } else {
                    match c.optional_value()? {
                        Some(value @ Value::Dict(_)) => Kind::SessionData(value),
                        Some(_) => {
                            return Err(GoalError {
                                col,
                                message: "`session = ...` takes a dict, e.g. `session = {}`".into(),
                            });
                        }
                        None => {
                            return Err(c.error("expected `has KEY` or `= {...}` after `session`"));
                        }
                    }
                }
            }
            "stored" => {
                let key = c.name("a session key")?.to_string();
                Kind::Stored {
                    key,
                    value: c.optional_value()?,
                }
            }
            "sessions" => Self::sessions(c, false)?,
            "expired" => {
                if !c.eat("sessions") {
                    return Err(c.error("expected `sessions` after `expired`"));
                }
                Self::sessions(c, true)?
            }
            "engine" => {
                let at = c.here();
                let name = c.word();
                let engine = Engine::ALL
                    .into_iter()
                    .find(|e| e.short_name() == name || e.module() == name)
                    .ok_or_else(|| GoalError {
                        col: at,
                        message: format!("unknown engine '{name}'; use db, cache, cached_db, file or signed_cookies"),
                    })?;
                Kind::Engine(engine)
            }
            "setting" => {
                let at = c.here();
                let name = c.name("a setting name")?.to_string();
                if crate::sim::settings::Settings::default()
                    .get(&name)
                    .is_none()
                {
                    return Err(GoalError {
                        col: at,
                        message: format!("sessionlab does not model the setting {name}"),
                    });
                }
                let value = c
                    .optional_value()?
                    .ok_or_else(|| c.error("expected `= VALUE` after the setting name"))?;
                Kind::Setting { name, value }
            }
            "migrated" => Kind::Migrated,
            "cookies" => match c.word() {
                "on" => Kind::CookiesEnabled(true),
                "off" => Kind::CookiesEnabled(false),
                _ => return Err(c.error("expected `cookies on` or `cookies off`")),
            },
            "browser" => Kind::CurrentBrowser(c.name("a browser name")?.to_string()),
            "clock" => {
                let at = c.here();
                let cmp = Cmp::parse(c.word()).ok_or_else(|| GoalError {
                    col: at,
                    message: "expected a comparison after `clock`, e.g. `clock >= +2w`".into(),
                })?;
                let at = c.here();
                let seconds = script::parse_duration(c.word()).ok_or_else(|| GoalError {
                    col: at,
                    message: "expected a duration like +90s, +15m, +2h, +3d or +2w".into(),
                })?;
                Kind::Clock { cmp, seconds }
            }
            "ok" => Kind::Ok,
            "value" => {
                let rest = c.rest().trim().to_string();
                c.pos = c.line.len();
                match rest.strip_prefix('~') {
                    Some(text) if !text.trim().is_empty() => Kind::ValueHas(text.trim().into()),
                    Some(_) => return Err(c.error("expected the text after `value ~`")),
                    None => Kind::Value((!rest.is_empty()).then_some(rest)),
                }
            }
            "error" => {
                let rest = c.rest().trim().to_string();
                c.pos = c.line.len();
                Kind::Error((!rest.is_empty()).then_some(rest))
            }
            "output" => {
                c.skip_space();
                let text = if c.rest().trim().is_empty() {
                    None
                } else {
                    let at = c.here();
                    Some(string_literal(c.literal()?, at)?)
                };
                Kind::Output(text)
            }
            "sent" => {
                if !c.eat("cookie") {
                    return Err(c.error("expected `sent cookie NAME`"));
                }
                let name = c.name("a cookie name")?.to_string();
                let at = c.here();
                let value = c
                    .optional_value()?
                    .map(|v| string_literal(v, at))
                    .transpose()?;
                Kind::Sent { name, value }
            }
            "set" => {
                if !c.eat("cookie") {
                    return Err(c.error("expected `set cookie NAME`"));
                }
                Kind::SetCookie(Self::cookie_spec(c, false)?)
            }
            "deleted" => {
                if !c.eat("cookie") {
                    return Err(c.error("expected `deleted cookie NAME`"));
                }
                Kind::Deleted(c.name("a cookie name")?.to_string())
            }
            "refused" => {
                if !c.eat("cookie") {
                    return Err(c.error("expected `refused cookie NAME [REASON]`"));
                }
                let (name, reason) = name_and_reason(c)?;
                Kind::Refused { name, reason }
            }
            "left" => {
                if !(c.eat("out") && c.eat("cookie")) {
                    return Err(c.error("expected `left out cookie NAME [REASON]`"));
                }
                let (name, reason) = name_and_reason(c)?;
                Kind::LeftOut { name, reason }
            }
            "site" => {
                let at = c.here();
                let origin =
                    crate::sim::origin::Origin::parse(c.word()).map_err(|e| GoalError {
                        col: at,
                        message: e.message,
                    })?;
                Kind::Site(origin.to_string())
            }
            "key" => {
                if !c.eat("changed") {
                    return Err(c.error("expected `key changed`"));
                }
                Kind::KeyChanged
            }
            "status" => {
                let at = c.here();
                let code = c.word().parse().map_err(|_| GoalError {
                    col: at,
                    message: "expected a status code, e.g. `status 500`".into(),
                })?;
                Kind::Status(code)
            }
            "" => {
                return Err(GoalError {
                    col,
                    message: format!("empty condition; use one of: {SYNTAX}"),
                });
            }
            other => {
                return Err(GoalError {
                    col,
                    message: format!("unknown condition '{other}'; use one of: {SYNTAX}"),
                });
            }
        })
    }

    fn sessions(c: &mut Cursor, expired: bool) -> Result<Kind, GoalError> {
        let at = c.here();
        let cmp = Cmp::parse(c.word()).ok_or_else(|| GoalError {
            col: at,
            message: "expected a comparison, e.g. `sessions = 1` or `sessions >= 2`".into(),
        })?;
        let at = c.here();
        let count = c.word().parse().map_err(|_| GoalError {
            col: at,
            message: "expected a number of sessions".into(),
        })?;
        Ok(Kind::Sessions {
            expired,
            cmp,
            count,
        })
    }

    fn cookie_spec(c: &mut Cursor, jar: bool) -> Result<CookieSpec, GoalError> {
        let mut spec = CookieSpec {
            name: c.name("a cookie name")?.to_string(),
            ..CookieSpec::default()
        };
        let at = c.here();
        spec.value = c
            .optional_value()?
            .map(|v| string_literal(v, at))
            .transpose()?;
        while !c.at_end() {
            let at = c.here();
            let word = c.word();
            let (attr, arg) = match word.split_once('=') {
                Some((a, v)) => (a, Some(v)),
                None => (word, None),
            };
            let bad = |message: String| GoalError { col: at, message };
            let flag = |arg: Option<&str>| match arg {
                None | Some("true") => Ok(true),
                Some("false") => Ok(false),
                Some(other) => Err(bad(format!("{attr}= takes true or false, not '{other}'"))),
            };
            match attr {
                "until-close" => spec.lifetime = Some(Lifetime::UntilClose),
                "persistent" => spec.lifetime = Some(Lifetime::Persistent),
                "expires-in" | "max-age" => {
                    let seconds = arg
                        .and_then(|a| {
                            a.parse()
                                .ok()
                                .or_else(|| script::parse_duration(&format!("+{a}")))
                        })
                        .ok_or_else(|| {
                            bad(format!(
                                "{attr}= takes seconds or a duration, e.g. {attr}=3600 or {attr}=2w"
                            ))
                        })?;
                    spec.lifetime = Some(Lifetime::Seconds(seconds));
                }
                "httponly" => spec.httponly = Some(flag(arg)?),
                "secure" => spec.secure = Some(flag(arg)?),
                "samesite" => {
                    spec.samesite = Some(match arg {
                        Some("-") => None,
                        Some(v) if !v.is_empty() => Some(v.to_string()),
                        _ => {
                            return Err(bad(
                                "samesite= takes Lax, Strict, None, or - for no attribute".into(),
                            ));
                        }
                    })
                }
                "path" => {
                    spec.path = Some(
                        arg.filter(|p| p.starts_with('/'))
                            .ok_or_else(|| bad("path= takes a path, e.g. path=/shop".into()))?
                            .to_string(),
                    );
                }
                _ => {
                    let which = if jar { "cookie" } else { "set cookie" };
                    return Err(bad(format!(
                        "unknown {which} attribute '{word}'; use until-close, persistent, expires-in=N, httponly[=false], \
                         secure[=false], samesite=Lax|Strict|None|-, path=/P"
                    )));
                }
            }
        }
        Ok(spec)
    }

    /// A label made from the condition, when the teacher wrote none.
    pub fn describe(&self) -> String {
        let neg = self.negated;
        // The verb, as it reads with and without `not`.
        let v = |yes: &str, no: &str| if neg { no.to_string() } else { yes.to_string() };
        let not = if neg { "not " } else { "" };
        let whose = match &self.browser {
            Some(b) => format!("browser '{b}'"),
            None => "the browser".into(),
        };
        let value = |v: &Option<Value>| {
            v.as_ref()
                .map(|v| format!(" = {}", v.repr()))
                .unwrap_or_default()
        };
        match &self.kind {
            Kind::Cookie(spec) => format!(
                "{whose} {} the cookie {}",
                v("keeps", "does not keep"),
                spec.describe()
            ),
            Kind::Session => format!("{whose} {} a session on the server", v("has", "has no")),
            Kind::SessionHas { key, value: val } => {
                format!(
                    "{whose}'s session {} {key}{}",
                    v("holds", "does not hold"),
                    value(val)
                )
            }
            Kind::SessionData(d) => format!("{whose}'s session data is {not}{}", d.repr()),
            Kind::Stored { key, value: val } => {
                format!(
                    "the store {} a session with {key}{}",
                    v("holds", "does not hold"),
                    value(val)
                )
            }
            Kind::Sessions {
                expired,
                cmp,
                count,
            } => {
                let kind = if *expired {
                    "expired sessions"
                } else {
                    "sessions"
                };
                format!("{not}{kind} in the store {} {count}", cmp.symbol())
            }
            Kind::Engine(e) => format!("the engine is {not}{}", e.short_name()),
            Kind::Setting { name, value } => format!("{name} is {not}{}", value.repr()),
            Kind::Migrated => format!("the database is {not}migrated"),
            Kind::CookiesEnabled(on) => format!(
                "{whose} has cookies {not}{}",
                if *on { "on" } else { "off" }
            ),
            Kind::CurrentBrowser(b) => format!("the current browser is {not}'{b}'"),
            Kind::Clock { cmp, seconds } => {
                format!("{not}time passed {} {}", cmp.symbol(), duration(*seconds))
            }
            Kind::Ok => format!(
                "the last command {} without a value or an error",
                v("ended", "did not end")
            ),
            Kind::Value(None) => {
                format!("the last command {} a value", v("showed", "did not show"))
            }
            Kind::Value(Some(x)) => format!("the last command {} {x}", v("showed", "did not show")),
            Kind::ValueHas(x) => format!(
                "the last command {} a value with {x}",
                v("showed", "did not show")
            ),
            Kind::Error(None) => format!("the last command {}", v("failed", "did not fail")),
            Kind::Output(None) => format!(
                "the last command {} a report",
                v("printed", "did not print")
            ),
            Kind::Output(Some(text)) => format!(
                "the last command {} {}",
                v("printed", "did not print"),
                str_repr(text)
            ),
            Kind::Error(Some(e)) => {
                format!("the last command {} {e}", v("raised", "did not raise"))
            }
            Kind::Sent { name, value: val } => format!(
                "the last request {} the cookie {name}{}",
                v("sent", "did not send"),
                val.as_ref()
                    .map(|x| format!(" = {}", str_repr(x)))
                    .unwrap_or_default()
            ),
            Kind::SetCookie(spec) => format!(
                "the last response {} the cookie {}",
                v("set", "did not set"),
                spec.describe()
            ),
            Kind::Deleted(name) => format!(
                "the last response {} the cookie {name}",
                v("deleted", "did not delete")
            ),
            Kind::Refused { name, reason } => format!(
                "the browser {} the cookie {name}{}",
                v("refused", "did not refuse"),
                reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
            Kind::LeftOut { name, reason } => format!(
                "the last request {} the cookie {name}{}",
                v("left out", "did not leave out"),
                reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
            Kind::Site(origin) => format!("the site is {not}{origin}"),
            Kind::Status(code) => format!("the last response's status was {not}{code}"),
            Kind::KeyChanged => format!(
                "the last response {} the session key",
                v("replaced", "did not replace")
            ),
        }
    }

    /// Whether the condition holds, and what the world shows.
    pub fn evaluate(
        &self,
        world: &World,
        last: Option<&Step>,
        start_clock: i64,
    ) -> ConditionStatus {
        let (holds, now) = self.check(world, last, start_clock);
        ConditionStatus {
            holds: holds != self.negated,
            label: self.label.clone(),
            now,
        }
    }

    fn browser<'w>(&self, world: &'w World) -> Result<&'w Browser, String> {
        match &self.browser {
            None => Ok(world.browser()),
            Some(name) => world
                .browsers
                .iter()
                .find(|b| b.name == *name)
                .ok_or_else(|| format!("there is no browser '{name}' yet")),
        }
    }

    fn check(&self, world: &World, last: Option<&Step>, start_clock: i64) -> (bool, String) {
        let now = world.now();
        let last_exchange = || match last {
            None => Err("nothing has run yet".to_string()),
            Some(step) => step
                .exchange
                .as_ref()
                .ok_or_else(|| format!("`{}` made no request", step.input)),
        };
        match &self.kind {
            Kind::Cookie(spec) => {
                let browser = match self.browser(world) {
                    Ok(b) => b,
                    Err(e) => return (false, e),
                };
                let named: Vec<_> = browser
                    .jar(now)
                    .into_iter()
                    .filter(|c| c.name == spec.name)
                    .collect();
                let matching = |c: &&crate::sim::browser::StoredCookie| {
                    spec.matches(
                        &c.value(),
                        c.expires_at.map(|at| at - now),
                        c.httponly,
                        c.secure,
                        c.samesite.map(|s| s.as_str()),
                        &c.path,
                    )
                };
                match named.iter().find(|c| matching(c)).or(named.first()) {
                    None => (
                        false,
                        format!(
                            "browser '{}' has no cookie {}{}",
                            browser.name,
                            spec.name,
                            jar_list(browser, now)
                        ),
                    ),
                    Some(cookie) => (matching(cookie), cookie_text(cookie, now)),
                }
            }
            Kind::Session | Kind::SessionHas { .. } | Kind::SessionData(_) => {
                let browser = match self.browser(world) {
                    Ok(b) => b,
                    Err(e) => return (false, e),
                };
                let data = match session_of(world, browser) {
                    Err(why) => return (false, why),
                    Ok(data) => data,
                };
                let shown = format!(
                    "browser '{}'s session holds {}",
                    browser.name,
                    Value::dict(data.clone()).repr()
                );
                let holds = match &self.kind {
                    Kind::SessionHas { key, value } => data
                        .get_str(key)
                        .is_some_and(|v| value.as_ref().is_none_or(|want| py_eq(v, want))),
                    Kind::SessionData(want) => py_eq(&Value::dict(data), want),
                    _ => true,
                };
                (holds, shown)
            }
            Kind::Stored { key, value } => {
                let store = world.store();
                let holds = store.iter().any(|s| {
                    s.data
                        .get_str(key)
                        .is_some_and(|v| value.as_ref().is_none_or(|want| py_eq(v, want)))
                });
                (holds, store_text(world))
            }
            Kind::Sessions {
                expired,
                cmp,
                count,
            } => {
                let store = world.store();
                let n = store
                    .iter()
                    .filter(|s| !expired || s.expires_in <= 0)
                    .count() as i64;
                let what = if *expired {
                    "expired session"
                } else {
                    "session"
                };
                (
                    cmp.holds(n, *count),
                    format!(
                        "the store holds {n} {what}{}",
                        if n == 1 { "" } else { "s" }
                    ),
                )
            }
            Kind::Engine(e) => {
                let settings = &world.server.settings;
                let ok = settings.engine_error().is_none() && settings.engine == *e;
                (
                    ok,
                    format!("SESSION_ENGINE is {}", str_repr(&settings.engine_path)),
                )
            }
            Kind::Setting { name, value } => match world.server.settings.get(name) {
                Some(v) => (py_eq(&v, value), format!("{name} is {}", v.repr())),
                None => (false, format!("{name} is not a setting sessionlab models")),
            },
            Kind::Migrated => {
                let yes = world.server.db.is_some();
                (
                    yes,
                    format!(
                        "the django_session table {}",
                        if yes { "exists" } else { "does not exist" }
                    ),
                )
            }
            Kind::CookiesEnabled(on) => match self.browser(world) {
                Err(e) => (false, e),
                Ok(b) => (
                    b.cookies_enabled == *on,
                    format!(
                        "browser '{}' has cookies {}",
                        b.name,
                        if b.cookies_enabled { "on" } else { "off" }
                    ),
                ),
            },
            Kind::CurrentBrowser(name) => {
                let current = &world.browser().name;
                (
                    current == name,
                    format!("the current browser is '{current}'"),
                )
            }
            Kind::Clock { cmp, seconds } => {
                let passed = now.saturating_sub(start_clock);
                (
                    cmp.holds(passed, *seconds),
                    format!("{} passed since the lesson started", duration(passed)),
                )
            }
            Kind::Ok | Kind::Value(_) | Kind::ValueHas(_) | Kind::Error(_) | Kind::Output(_) => {
                let Some(step) = last else {
                    return (false, "nothing has run yet".into());
                };
                let shown = match &step.outcome {
                    Outcome::Ok if !step.printed.is_empty() => {
                        format!("`{}` printed {}", step.input, step.printed.join(" "))
                    }
                    Outcome::Ok => format!("`{}` ended without a value", step.input),
                    Outcome::Value(v) => format!("`{}` showed {v}", step.input),
                    Outcome::Error { message, .. } => format!("`{}` failed: {message}", step.input),
                    Outcome::Text(_) => format!("`{}` printed its report", step.input),
                };
                let holds = match (&self.kind, &step.outcome) {
                    (Kind::Ok, Outcome::Ok) => true,
                    (Kind::Output(want), Outcome::Text(got)) => {
                        want.as_ref().is_none_or(|w| got.contains(w.as_str()))
                    }
                    (Kind::Value(want), Outcome::Value(got)) => {
                        want.as_ref().is_none_or(|w| w == got)
                    }
                    // print() shows the value too (its str(), so a string
                    // without quotes).
                    (Kind::ValueHas(want), Outcome::Value(got)) => got.contains(want.as_str()),
                    (Kind::ValueHas(want), Outcome::Ok) => {
                        step.printed.iter().any(|p| p.contains(want.as_str()))
                    }
                    (Kind::Value(want), Outcome::Ok) if !step.printed.is_empty() => {
                        want.as_ref().is_none_or(|w| {
                            step.printed
                                .iter()
                                .any(|p| p == w || format!("'{p}'") == *w)
                        })
                    }
                    (Kind::Error(want), Outcome::Error { message, .. }) => {
                        want.as_ref().is_none_or(|w| {
                            message == w
                                || message
                                    .strip_prefix(w.as_str())
                                    .is_some_and(|rest| rest.starts_with(':'))
                        })
                    }
                    _ => false,
                };
                (holds, shown)
            }
            Kind::Sent { name, value } => match last_exchange() {
                Err(e) => (false, e),
                Ok(exchange) => {
                    let sent = crate::sim::cookie::parse_cookie_header(&exchange.sent);
                    let holds = sent.iter().any(|(n, v)| {
                        n == name && value.as_ref().is_none_or(|want| unquote(v) == *want)
                    });
                    let header = exchange
                        .sent
                        .iter()
                        .map(|(n, v)| format!("{n}={v}"))
                        .collect::<Vec<_>>()
                        .join("; ");
                    (
                        holds,
                        format!(
                            "the last request sent Cookie: {}",
                            if header.is_empty() {
                                "(none)".into()
                            } else {
                                header
                            }
                        ),
                    )
                }
            },
            Kind::SetCookie(spec) => match last_exchange() {
                Err(e) => (false, e),
                Ok(exchange) => {
                    let holds = exchange.set_cookies.iter().map(|s| &s.morsel).any(|m| {
                        m.name == spec.name && !m.is_deletion() && {
                            let lifetime =
                                m.max_age
                                    .or_else(|| match crate::sim::dates::parse(&m.expires)? {
                                        crate::sim::dates::Expires::At(at) => Some(at - now),
                                        crate::sim::dates::Expires::FarFuture => Some(i64::MAX),
                                    });
                            spec.matches(
                                &m.value,
                                lifetime,
                                m.httponly,
                                m.secure,
                                m.samesite.as_deref(),
                                &m.path,
                            )
                        }
                    });
                    (holds, set_cookie_text(exchange))
                }
            },
            Kind::Deleted(name) => match last_exchange() {
                Err(e) => (false, e),
                Ok(exchange) => {
                    let holds = exchange
                        .stored()
                        .any(|m| m.name == *name && m.is_deletion());
                    (holds, set_cookie_text(exchange))
                }
            },
            Kind::Refused { name, reason } => match last_exchange() {
                Err(e) => (false, e),
                Ok(exchange) => {
                    let holds = exchange.set_cookies.iter().any(|s| {
                        s.morsel.name == *name
                            && s.blocked
                                .is_some_and(|b| reason.as_ref().is_none_or(|r| r == b.cdp_name()))
                    });
                    (holds, set_cookie_text(exchange))
                }
            },
            Kind::LeftOut { name, reason } => match last_exchange() {
                Err(e) => (false, e),
                Ok(exchange) => {
                    let holds = exchange.not_sent.iter().any(|n| {
                        n.name == *name && reason.as_ref().is_none_or(|r| r == n.reason.cdp_name())
                    });
                    let left: Vec<String> = exchange
                        .not_sent
                        .iter()
                        .map(|n| format!("{} ({})", n.name, n.reason))
                        .collect();
                    let shown = if left.is_empty() {
                        "the last request left no cookie out".to_string()
                    } else {
                        format!("the last request left out {}", left.join(", "))
                    };
                    (holds, shown)
                }
            },
            Kind::Site(origin) => (
                world.site.to_string() == *origin,
                format!("the site is {}", world.site),
            ),
            Kind::Status(code) => match last_exchange() {
                Err(e) => (false, e),
                Ok(exchange) => (
                    exchange.status == *code,
                    format!("the last response was {}", exchange.status),
                ),
            },
            Kind::KeyChanged => match last_exchange() {
                Err(e) => (false, e),
                Ok(exchange) => {
                    let name = &world.server.settings.cookie_name;
                    let sent = crate::sim::cookie::parse_cookie_header(&exchange.sent)
                        .into_iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v);
                    let set = exchange
                        .stored()
                        .find(|m| m.name == *name && !m.is_deletion());
                    match (sent, set) {
                        (None, _) => (false, format!("the last request sent no {name} cookie")),
                        (Some(_), None) => (
                            false,
                            format!("the last response did not set {name}: the key stayed"),
                        ),
                        (Some(old), Some(new)) if old == new.value => (
                            false,
                            format!("the last response sent {name} again with the same key"),
                        ),
                        (Some(_), Some(_)) => (
                            true,
                            format!("the last response gave the browser a new {name}"),
                        ),
                    }
                }
            },
        }
    }
}

impl CookieSpec {
    fn describe(&self) -> String {
        let mut text = self.name.clone();
        if let Some(v) = &self.value {
            text.push_str(&format!(" = {}", str_repr(v)));
        }
        let mut attrs = Vec::new();
        match self.lifetime {
            Some(Lifetime::UntilClose) => attrs.push("until the browser closes".to_string()),
            Some(Lifetime::Persistent) => attrs.push("with an expiry date".to_string()),
            Some(Lifetime::Seconds(s)) => attrs.push(format!("for {}", duration(s))),
            None => {}
        }
        if let Some(h) = self.httponly {
            attrs.push(if h { "HttpOnly" } else { "not HttpOnly" }.into());
        }
        if let Some(s) = self.secure {
            attrs.push(if s { "Secure" } else { "not Secure" }.into());
        }
        match &self.samesite {
            Some(Some(s)) => attrs.push(format!("SameSite={s}")),
            Some(None) => attrs.push("without SameSite".into()),
            None => {}
        }
        if let Some(p) = &self.path {
            attrs.push(format!("Path={p}"));
        }
        if !attrs.is_empty() {
            text.push_str(&format!(" ({})", attrs.join(", ")));
        }
        text
    }

    fn matches(
        &self,
        value: &str,
        lifetime: Option<i64>,
        httponly: bool,
        secure: bool,
        samesite: Option<&str>,
        path: &str,
    ) -> bool {
        self.value.as_ref().is_none_or(|v| v == value)
            && match self.lifetime {
                None => true,
                Some(Lifetime::UntilClose) => lifetime.is_none(),
                Some(Lifetime::Persistent) => lifetime.is_some(),
                Some(Lifetime::Seconds(s)) => lifetime == Some(s),
            }
            && self.httponly.is_none_or(|h| h == httponly)
            && self.secure.is_none_or(|s| s == secure)
            && self
                .samesite
                .as_ref()
                .is_none_or(|want| match (want, samesite) {
                    (None, None) => true,
                    (Some(w), Some(g)) => w.eq_ignore_ascii_case(g),
                    _ => false,
                })
            && self.path.as_ref().is_none_or(|p| p == path)
    }
}

/// The data of the session a browser's session cookie leads to, or why none.
fn session_of(world: &World, browser: &Browser) -> Result<Dict, String> {
    let now = world.now();
    let name = &world.server.settings.cookie_name;
    let Some(cookie) = browser
        .cookies
        .iter()
        .find(|c| c.name == *name && !c.expired(now))
    else {
        return Err(format!("browser '{}' has no {name} cookie", browser.name));
    };
    let problem = match world.session_behind(&cookie.value()) {
        SessionBehind::Live(data) => return Ok(data),
        SessionBehind::Rejected => "is not one the server accepts",
        SessionBehind::Expired => "points at an expired session",
        SessionBehind::Missing => "points at no stored session",
    };
    Err(format!(
        "browser '{}'s {name} cookie {problem}",
        browser.name
    ))
}

fn jar_list(browser: &Browser, now: i64) -> String {
    let names: Vec<&str> = browser
        .cookies
        .iter()
        .filter(|c| !c.expired(now))
        .map(|c| c.name.as_str())
        .collect();
    if names.is_empty() {
        " (its jar is empty)".into()
    } else {
        format!(" (it has {})", names.join(", "))
    }
}

fn cookie_text(cookie: &crate::sim::browser::StoredCookie, now: i64) -> String {
    let mut text = format!("{} = {}", cookie.name, str_repr(&cookie.value()));
    text.push_str(&match cookie.expires_at {
        None => " (until the browser closes".into(),
        Some(at) => format!(" (expires in {}", duration(at - now)),
    });
    if cookie.httponly {
        text.push_str(", HttpOnly");
    }
    if cookie.secure {
        text.push_str(", Secure");
    }
    if let Some(s) = &cookie.samesite {
        text.push_str(&format!(", SameSite={s}"));
    }
    if cookie.path != "/" {
        text.push_str(&format!(", Path={}", cookie.path));
    }
    text.push(')');
    text
}

fn store_text(world: &World) -> String {
    let store = world.store();
    if store.is_empty() {
        return "the store is empty".into();
    }
    let items: Vec<String> = store
        .iter()
        .map(|s| Value::dict(s.data.clone()).repr())
        .collect();
    format!("the store holds {}", items.join(", "))
}

fn set_cookie_text(exchange: &crate::sim::request::Exchange) -> String {
    if exchange.set_cookies.is_empty() {
        return "the last response set no cookie".into();
    }
    let items: Vec<String> = exchange
        .set_cookies
        .iter()
        .map(|s| match s.blocked {
            None => s.morsel.header_value(),
            Some(reason) => format!(
                "{} (refused: {})",
                s.morsel.header_value(),
                reason.refusal_words()
            ),
        })
        .collect();
    format!("the last response sent Set-Cookie: {}", items.join(" | "))
}

/// `90s`, `15m`, `2h`, `3d`, `2w`, or a mix for odd amounts.
pub fn duration(seconds: i64) -> String {
    if seconds < 0 {
        return format!(
            "-{}",
            duration(i64::try_from(seconds.unsigned_abs()).unwrap_or(i64::MAX))
        );
    }
    for (unit, size) in [("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60)] {
        if seconds >= size && seconds % size == 0 {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Condition {
        Condition::parse(text, 1).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    fn error(text: &str) -> GoalError {
        Condition::parse(text, 1).unwrap_err()
    }

    #[test]
    fn conditions_parse() {
        let c = parse(
            "not in mallory: cookie sessionid = 'abc' httponly secure=false samesite=Lax until-close",
        );
        assert!(c.negated);
        assert_eq!(c.browser.as_deref(), Some("mallory"));
        let Kind::Cookie(spec) = c.kind else { panic!() };
        assert_eq!(spec.value.as_deref(), Some("abc"));
        assert_eq!(spec.httponly, Some(true));
        assert_eq!(spec.secure, Some(false));
        assert_eq!(spec.lifetime, Some(Lifetime::UntilClose));
        assert!(matches!(
            parse("session has cart = ['apple', 'pear']").kind,
            Kind::SessionHas { .. }
        ));
        assert!(matches!(parse("session = {}").kind, Kind::SessionData(_)));
        assert!(matches!(
            parse("sessions >= 2").kind,
            Kind::Sessions {
                cmp: Cmp::Ge,
                count: 2,
                expired: false
            }
        ));
        assert!(matches!(
            parse("clock >= +2w").kind,
            Kind::Clock {
                seconds: 1_209_600,
                ..
            }
        ));
        assert_eq!(parse("value 'a # b'  # the name").label, "the name");
        assert!(matches!(parse("value 'a # b'").kind, Kind::Value(Some(ref v)) if v == "'a # b'"));
        assert!(
            matches!(parse("error KeyError").kind, Kind::Error(Some(ref v)) if v == "KeyError")
        );
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(error("cookie theme = dark").col, 16);
        assert_eq!(error("cookie theme whatever").col, 14);
        assert_eq!(error("frobnicate").col, 1);
        assert_eq!(error("engine mongo").col, 8);
        assert_eq!(error("in alice: engine db").col, 11);
    }

    #[test]
    fn durations_read_back() {
        assert_eq!(duration(1_209_600), "2w");
        assert_eq!(duration(90), "90s");
        assert_eq!(duration(3600), "1h");
    }
}
