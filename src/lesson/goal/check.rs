//! Whether a condition holds in the world after the last step, and what the
//! world shows instead when it does not.

use super::duration;
use super::{Condition, ConditionKind, ConditionStatus, CookieSpec, Lifetime};
use crate::runner::{Outcome, Step};
use crate::sim::browser::Browser;
use crate::sim::value::{Dict, Value, py_eq, str_repr};
use crate::sim::world::SessionBehind;
use crate::sim::{World, cookie::unquote};

impl Condition {
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

    pub(super) fn browser<'w>(&self, world: &'w World) -> Result<&'w Browser, String> {
        match &self.browser {
            None => Ok(world.browser()),
            Some(name) => world
                .browsers
                .iter()
                .find(|b| b.name == *name)
                .ok_or_else(|| format!("there is no browser '{name}' yet")),
        }
    }

    pub(super) fn check(
        &self,
        world: &World,
        last: Option<&Step>,
        start_clock: i64,
    ) -> (bool, String) {
        let now = world.now();
        let last_exchange = || match last {
            None => Err("nothing has run yet".to_string()),
            Some(step) => step
                .exchange
                .as_ref()
                .ok_or_else(|| format!("`{}` made no request", step.input)),
        };
        match &self.kind {
            ConditionKind::Cookie(spec) => {
                let browser = match self.browser(world) {
                    Ok(b) => b,
                    Err(e) => return (false, e),
                };
                let named: Vec<_> = browser
                    .jar(now)
                    .into_iter()
                    .filter(|c| *c.name == *spec.name)
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
            ConditionKind::Session
            | ConditionKind::SessionHas { .. }
            | ConditionKind::SessionData(_) => {
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
                    ConditionKind::SessionHas { key, value } => data
                        .get_str(key)
                        .is_some_and(|v| value.as_ref().is_none_or(|want| py_eq(v, want))),
                    ConditionKind::SessionData(want) => py_eq(&Value::dict(data), want),
                    _ => true,
                };
                (holds, shown)
            }
            ConditionKind::Stored { key, value } => {
                let store = world.store();
                let holds = store.iter().any(|s| {
                    s.data
                        .get_str(key)
                        .is_some_and(|v| value.as_ref().is_none_or(|want| py_eq(v, want)))
                });
                (holds, store_text(world))
            }
            ConditionKind::Sessions {
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
            ConditionKind::Engine(e) => {
                let settings = &world.server.settings;
                let ok = settings.engine_error().is_none() && settings.engine == *e;
                (
                    ok,
                    format!("SESSION_ENGINE is {}", str_repr(&settings.engine_path)),
                )
            }
            ConditionKind::Setting { name, value } => match world.server.settings.get(name) {
                Some(v) => (py_eq(&v, value), format!("{name} is {}", v.repr())),
                None => (false, format!("{name} is not a setting sessionlab models")),
            },
            ConditionKind::Migrated => {
                let yes = world.server.db.is_some();
                (
                    yes,
                    format!(
                        "the django_session table {}",
                        if yes { "exists" } else { "does not exist" }
                    ),
                )
            }
            ConditionKind::CookiesEnabled(on) => match self.browser(world) {
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
            ConditionKind::User(name) => match self.browser(world) {
                Err(e) => (false, e),
                Ok(b) => match session_of(world, b) {
                    Err(e) => (false, e),
                    Ok(data) => {
                        let id = data.get(&Value::str("_auth_user_id")).map(|v| v.to_str());
                        let user = id.as_deref().and_then(|id| {
                            world.server.users.iter().find(|u| u.id.to_string() == id)
                        });
                        match user {
                            Some(u) => (
                                u.username == *name,
                                format!("browser '{}' is logged in as {}", b.name, u.username),
                            ),
                            None => (
                                false,
                                format!("browser '{}' is logged in as nobody", b.name),
                            ),
                        }
                    }
                },
            },
            ConditionKind::CurrentBrowser(name) => {
                let current = &world.browser().name;
                (
                    current == name,
                    format!("the current browser is '{current}'"),
                )
            }
            ConditionKind::Clock { cmp, seconds } => {
                let passed = now.saturating_sub(start_clock);
                (
                    cmp.holds(passed, *seconds),
                    format!("{} passed since the lesson started", duration(passed)),
                )
            }
            ConditionKind::Ok
            | ConditionKind::Value(_)
            | ConditionKind::ValueHas(_)
            | ConditionKind::Error(_)
            | ConditionKind::Output(_) => {
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
                    (ConditionKind::Ok, Outcome::Ok) => true,
                    (ConditionKind::Output(want), Outcome::Text(got)) => {
                        want.as_ref().is_none_or(|w| got.contains(w.as_str()))
                    }
                    (ConditionKind::Value(want), Outcome::Value(got)) => {
                        want.as_ref().is_none_or(|w| w == got)
                    }
                    // print() shows the value too (its str(), so a string
                    // without quotes).
                    (ConditionKind::ValueHas(want), Outcome::Value(got)) => {
                        got.contains(want.as_str())
                    }
                    (ConditionKind::ValueHas(want), Outcome::Ok) => {
                        step.printed.iter().any(|p| p.contains(want.as_str()))
                    }
                    (ConditionKind::Value(want), Outcome::Ok) if !step.printed.is_empty() => {
                        want.as_ref().is_none_or(|w| {
                            step.printed
                                .iter()
                                .any(|p| p == w || format!("'{p}'") == *w)
                        })
                    }
                    (ConditionKind::Error(want), Outcome::Error { message, .. }) => {
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
            ConditionKind::Sent { name, value } => match last_exchange() {
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
            ConditionKind::SetCookie(spec) => match last_exchange() {
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
            ConditionKind::Deleted(name) => match last_exchange() {
                Err(e) => (false, e),
                Ok(exchange) => {
                    let holds = exchange
                        .stored()
                        .any(|m| m.name == *name && m.is_deletion());
                    (holds, set_cookie_text(exchange))
                }
            },
            ConditionKind::Refused { name, reason } => match last_exchange() {
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
            ConditionKind::LeftOut { name, reason } => match last_exchange() {
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
            ConditionKind::Site(origin) => (
                world.site.to_string() == *origin,
                format!("the site is {}", world.site),
            ),
            ConditionKind::Status(code) => match last_exchange() {
                Err(e) => (false, e),
                Ok(exchange) => (
                    exchange.status == *code,
                    format!("the last response was {}", exchange.status),
                ),
            },
            ConditionKind::KeyChanged => match last_exchange() {
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
    pub(super) fn matches(
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
pub(super) fn session_of(world: &World, browser: &Browser) -> Result<Dict, String> {
    let now = world.now();
    let name = &world.server.settings.cookie_name;
    let Some(cookie) = browser
        .cookies
        .iter()
        .find(|c| *c.name == **name && !c.expired(now))
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

pub(super) fn jar_list(browser: &Browser, now: i64) -> String {
    let names: Vec<&str> = browser
        .cookies
        .iter()
        .filter(|c| !c.expired(now))
        .map(|c| &*c.name)
        .collect();
    if names.is_empty() {
        " (its jar is empty)".into()
    } else {
        format!(" (it has {})", names.join(", "))
    }
}

pub(super) fn cookie_text(cookie: &crate::sim::browser::StoredCookie, now: i64) -> String {
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

pub(super) fn store_text(world: &World) -> String {
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

pub(super) fn set_cookie_text(exchange: &crate::sim::request::Exchange) -> String {
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
