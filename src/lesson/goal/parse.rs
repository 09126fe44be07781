//! Reading a goal line: the one reader of the syntax `lessons/README.md` documents.

use super::{Cmp, Condition, ConditionKind, CookieSpec, GoalError, Lifetime};
use crate::script::{self, ast::Stmt};
use crate::sim::settings::Engine;
use crate::sim::value::Value;

pub(super) const SYNTAX: &str = "cookie NAME, session, session has KEY, session = {...}, stored KEY, sessions = N, \
                      expired sessions = N, engine NAME, setting NAME = VALUE, migrated, cookies on|off, \
                      browser NAME, user NAME, clock >= +2w, ok, value [REPR] or value ~ TEXT, error [CLASS], output ['text'], sent cookie NAME, \
                      set cookie NAME, deleted cookie NAME, refused cookie NAME [REASON], left out cookie NAME [REASON], site ORIGIN, key changed, status N (each may start with `not` and `in BROWSER:`)";

/// The position of the `#` that starts a label: the first one outside quotes.
pub(super) fn label_start(line: &str) -> Option<usize> {
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
pub(super) struct Cursor<'a> {
    line: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn col(&self) -> usize {
        self.line[..self.pos].chars().count() + 1
    }

    /// The column of the next word.
    pub(super) fn here(&mut self) -> usize {
        self.skip_space();
        self.col()
    }

    pub(super) fn skip_space(&mut self) {
        let rest = &self.line[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    pub(super) fn rest(&self) -> &'a str {
        self.line[self.pos..].trim_end()
    }

    pub(super) fn at_end(&mut self) -> bool {
        self.skip_space();
        self.rest().is_empty()
    }

    /// The next whitespace-separated word, without moving.
    pub(super) fn peek(&mut self) -> &'a str {
        self.skip_space();
        let rest = &self.line[self.pos..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        &rest[..end]
    }

    pub(super) fn word(&mut self) -> &'a str {
        let word = self.peek();
        self.pos += word.len();
        word
    }

    pub(super) fn eat(&mut self, word: &str) -> bool {
        if self.peek() == word {
            self.word();
            true
        } else {
            false
        }
    }

    pub(super) fn error(&self, message: impl Into<String>) -> GoalError {
        GoalError {
            col: self.col(),
            message: message.into(),
        }
    }

    /// A name: a cookie name, a session key, a browser.
    pub(super) fn name(&mut self, what: &str) -> Result<&'a str, GoalError> {
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
    pub(super) fn optional_value(&mut self) -> Result<Option<Value>, GoalError> {
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
    pub(super) fn literal(&mut self) -> Result<Value, GoalError> {
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
pub(super) fn name_and_reason(c: &mut Cursor) -> Result<(String, Option<String>), GoalError> {
    let name = c.name("a cookie name")?.to_string();
    let reason = c.word().to_string();
    Ok((name, (!reason.is_empty()).then_some(reason)))
}

pub(super) fn string_literal(value: Value, col: usize) -> Result<String, GoalError> {
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
                ConditionKind::Cookie(_)
                    | ConditionKind::Session
                    | ConditionKind::SessionHas { .. }
                    | ConditionKind::SessionData(_)
                    | ConditionKind::CookiesEnabled(_)
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

    pub(super) fn kind(c: &mut Cursor) -> Result<ConditionKind, GoalError> {
        let col = c.col();
        let word = c.word();
        Ok(match word {
            "cookie" => ConditionKind::Cookie(Self::cookie_spec(c, true)?),
            "session" => {
                if c.eat("has") {
                    let key = c.name("a session key")?.to_string();
                    ConditionKind::SessionHas {
                        key,
                        value: c.optional_value()?,
                    }
                } else if c.at_end() {
                    ConditionKind::Session
                } else {
                    match c.optional_value()? {
                        Some(value @ Value::Dict(_)) => ConditionKind::SessionData(value),
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
                ConditionKind::Stored {
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
                ConditionKind::Engine(engine)
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
                ConditionKind::Setting { name, value }
            }
            "migrated" => ConditionKind::Migrated,
            "cookies" => match c.word() {
                "on" => ConditionKind::CookiesEnabled(true),
                "off" => ConditionKind::CookiesEnabled(false),
                _ => return Err(c.error("expected `cookies on` or `cookies off`")),
            },
            "browser" => ConditionKind::CurrentBrowser(c.name("a browser name")?.to_string()),
            "user" => ConditionKind::User(c.name("a user name")?.to_string()),
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
                ConditionKind::Clock { cmp, seconds }
            }
            "ok" => ConditionKind::Ok,
            "value" => {
                let rest = c.rest().trim().to_string();
                c.pos = c.line.len();
                match rest.strip_prefix('~') {
                    Some(text) if !text.trim().is_empty() => {
                        ConditionKind::ValueHas(text.trim().into())
                    }
                    Some(_) => return Err(c.error("expected the text after `value ~`")),
                    None => ConditionKind::Value((!rest.is_empty()).then_some(rest)),
                }
            }
            "error" => {
                let rest = c.rest().trim().to_string();
                c.pos = c.line.len();
                ConditionKind::Error((!rest.is_empty()).then_some(rest))
            }
            "output" => {
                c.skip_space();
                let text = if c.rest().trim().is_empty() {
                    None
                } else {
                    let at = c.here();
                    Some(string_literal(c.literal()?, at)?)
                };
                ConditionKind::Output(text)
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
                ConditionKind::Sent { name, value }
            }
            "set" => {
                if !c.eat("cookie") {
                    return Err(c.error("expected `set cookie NAME`"));
                }
                ConditionKind::SetCookie(Self::cookie_spec(c, false)?)
            }
            "deleted" => {
                if !c.eat("cookie") {
                    return Err(c.error("expected `deleted cookie NAME`"));
                }
                ConditionKind::Deleted(c.name("a cookie name")?.to_string())
            }
            "refused" => {
                if !c.eat("cookie") {
                    return Err(c.error("expected `refused cookie NAME [REASON]`"));
                }
                let (name, reason) = name_and_reason(c)?;
                ConditionKind::Refused { name, reason }
            }
            "left" => {
                if !(c.eat("out") && c.eat("cookie")) {
                    return Err(c.error("expected `left out cookie NAME [REASON]`"));
                }
                let (name, reason) = name_and_reason(c)?;
                ConditionKind::LeftOut { name, reason }
            }
            "site" => {
                let at = c.here();
                let origin =
                    crate::sim::origin::Origin::parse(c.word()).map_err(|e| GoalError {
                        col: at,
                        message: e.message,
                    })?;
                ConditionKind::Site(origin.to_string())
            }
            "key" => {
                if !c.eat("changed") {
                    return Err(c.error("expected `key changed`"));
                }
                ConditionKind::KeyChanged
            }
            "status" => {
                let at = c.here();
                let code = c.word().parse().map_err(|_| GoalError {
                    col: at,
                    message: "expected a status code, e.g. `status 500`".into(),
                })?;
                ConditionKind::Status(code)
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

    pub(super) fn sessions(c: &mut Cursor, expired: bool) -> Result<ConditionKind, GoalError> {
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
        Ok(ConditionKind::Sessions {
            expired,
            cmp,
            count,
        })
    }

    pub(super) fn cookie_spec(c: &mut Cursor, jar: bool) -> Result<CookieSpec, GoalError> {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::goal::duration;

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
        let ConditionKind::Cookie(spec) = c.kind else {
            panic!()
        };
        assert_eq!(spec.value.as_deref(), Some("abc"));
        assert_eq!(spec.httponly, Some(true));
        assert_eq!(spec.secure, Some(false));
        assert_eq!(spec.lifetime, Some(Lifetime::UntilClose));
        assert!(matches!(
            parse("session has cart = ['apple', 'pear']").kind,
            ConditionKind::SessionHas { .. }
        ));
        assert!(matches!(
            parse("session = {}").kind,
            ConditionKind::SessionData(_)
        ));
        assert!(matches!(
            parse("sessions >= 2").kind,
            ConditionKind::Sessions {
                cmp: Cmp::Ge,
                count: 2,
                expired: false
            }
        ));
        assert!(matches!(
            parse("clock >= +2w").kind,
            ConditionKind::Clock {
                seconds: 1_209_600,
                ..
            }
        ));
        assert_eq!(parse("value 'a # b'  # the name").label, "the name");
        assert!(
            matches!(parse("value 'a # b'").kind, ConditionKind::Value(Some(ref v)) if v == "'a # b'")
        );
        assert!(
            matches!(parse("error KeyError").kind, ConditionKind::Error(Some(ref v)) if v == "KeyError")
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
