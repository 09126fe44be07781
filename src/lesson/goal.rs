//! Goals: declarative conditions over the world and the last step, one a
//! line in a ```` ```goal ```` block. They never look at the text typed, so
//! any sequence of commands that reaches the state passes.
//!
//! The syntax is documented in `lessons/README.md`; [`Condition::parse`] is
//! its only reader.

use crate::runner::{Runner, Step};
use crate::sim::settings::Engine;
use crate::sim::value::Value;

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
        crate::lesson::play::all_hold(&self.evaluate(runner, last))
    }
}

/// One line of a goal.
#[derive(Clone, Debug)]
pub struct Condition {
    pub kind: ConditionKind,
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
pub enum ConditionKind {
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
    /// `user NAME`: the browser's session logs in the user named NAME.
    User(String),
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

mod check;
mod describe;
mod parse;

pub use describe::duration;
pub(crate) use parse::literal_value;
