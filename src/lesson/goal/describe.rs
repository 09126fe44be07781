//! A condition in words, for the goal checklist (`✓ the browser keeps theme=dark`).

use super::{Condition, ConditionKind, CookieSpec, Lifetime};
use crate::sim::value::{Value, str_repr};

impl Condition {
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
            ConditionKind::Cookie(spec) => format!(
                "{whose} {} the cookie {}",
                v("keeps", "does not keep"),
                spec.describe()
            ),
            ConditionKind::Session => {
                format!("{whose} {} a session on the server", v("has", "has no"))
            }
            ConditionKind::SessionHas { key, value: val } => {
                format!(
                    "{whose}'s session {} {key}{}",
                    v("holds", "does not hold"),
                    value(val)
                )
            }
            ConditionKind::SessionData(d) => format!("{whose}'s session data is {not}{}", d.repr()),
            ConditionKind::Stored { key, value: val } => {
                format!(
                    "the store {} a session with {key}{}",
                    v("holds", "does not hold"),
                    value(val)
                )
            }
            ConditionKind::Sessions {
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
            ConditionKind::Engine(e) => format!("the engine is {not}{}", e.short_name()),
            ConditionKind::Setting { name, value } => format!("{name} is {not}{}", value.repr()),
            ConditionKind::Migrated => format!("the database is {not}migrated"),
            ConditionKind::CookiesEnabled(on) => format!(
                "{whose} has cookies {not}{}",
                if *on { "on" } else { "off" }
            ),
            ConditionKind::CurrentBrowser(b) => format!("the current browser is {not}'{b}'"),
            ConditionKind::User(name) => format!("the browser is {not}logged in as {name}"),
            ConditionKind::Clock { cmp, seconds } => {
                format!("{not}time passed {} {}", cmp.symbol(), duration(*seconds))
            }
            ConditionKind::Ok => format!(
                "the last command {} without a value or an error",
                v("ended", "did not end")
            ),
            ConditionKind::Value(None) => {
                format!("the last command {} a value", v("showed", "did not show"))
            }
            ConditionKind::Value(Some(x)) => {
                format!("the last command {} {x}", v("showed", "did not show"))
            }
            ConditionKind::ValueHas(x) => format!(
                "the last command {} a value with {x}",
                v("showed", "did not show")
            ),
            ConditionKind::Error(None) => {
                format!("the last command {}", v("failed", "did not fail"))
            }
            ConditionKind::Output(None) => format!(
                "the last command {} a report",
                v("printed", "did not print")
            ),
            ConditionKind::Output(Some(text)) => format!(
                "the last command {} {}",
                v("printed", "did not print"),
                str_repr(text)
            ),
            ConditionKind::Error(Some(e)) => {
                format!("the last command {} {e}", v("raised", "did not raise"))
            }
            ConditionKind::Sent { name, value: val } => format!(
                "the last request {} the cookie {name}{}",
                v("sent", "did not send"),
                val.as_ref()
                    .map(|x| format!(" = {}", str_repr(x)))
                    .unwrap_or_default()
            ),
            ConditionKind::SetCookie(spec) => format!(
                "the last response {} the cookie {}",
                v("set", "did not set"),
                spec.describe()
            ),
            ConditionKind::Deleted(name) => format!(
                "the last response {} the cookie {name}",
                v("deleted", "did not delete")
            ),
            ConditionKind::Refused { name, reason } => format!(
                "the browser {} the cookie {name}{}",
                v("refused", "did not refuse"),
                reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
            ConditionKind::LeftOut { name, reason } => format!(
                "the last request {} the cookie {name}{}",
                v("left out", "did not leave out"),
                reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
            ConditionKind::Site(origin) => format!("the site is {not}{origin}"),
            ConditionKind::Status(code) => format!("the last response's status was {not}{code}"),
            ConditionKind::KeyChanged => format!(
                "the last response {} the session key",
                v("replaced", "did not replace")
            ),
        }
    }
}

impl CookieSpec {
    pub(super) fn describe(&self) -> String {
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
