//! The HTTP workbench: every exchange kept in a numbered flow list, sent
//! again (`replay`), stopped on its way for editing (`intercept`, `edit`,
//! `forward`, `drop`), and written out for real tools (`export`). It sits
//! between the runner and the world as mitmproxy sits between a browser and a
//! server: the world only ever sees ordinary requests.

use std::fmt::Write as _;
use std::rc::Rc;

use crate::runner::{Change, Outcome};
use crate::script::Stmt;
use crate::script::commands::{Edit, Export, ExportFormat, Intercept, Replay, ToolCommand};
use crate::sim::PyErr;
use crate::sim::cookie::Pair;
use crate::sim::request::Exchange;
use crate::sim::world::{Outbound, Prepared};
use crate::transcript::reason;

/// How many exchanges the flow list keeps (the oldest go first).
pub const MAX_FLOWS: usize = 500;

/// What the server runs for a request.
#[derive(Clone, Debug)]
pub enum Source {
    /// View code: Python statements.
    View(Rc<Vec<Stmt>>),
    /// A page whose view does not touch the session (`visit`).
    Page,
}

/// A request to make: what it is and what runs for it.
#[derive(Clone, Debug)]
pub struct Plan {
    pub out: Outbound,
    pub source: Source,
}

/// One exchange of the flow list.
#[derive(Clone, Debug)]
pub struct Flow {
    pub number: usize,
    /// The command that made it.
    pub input: String,
    pub plan: Plan,
    pub exchange: Exchange,
    /// What it changed in the store.
    pub store_changes: Vec<Change>,
}

/// A request or response the workbench holds back.
#[derive(Clone, Debug)]
pub enum Pending {
    /// A request that has not left yet, with its Cookie header.
    Request { plan: Plan, prepared: Prepared },
    /// A response the browser has not seen yet (the server is done with it).
    Response { plan: Plan, exchange: Exchange },
}

impl Pending {
    /// What the HTTP pane and the shell show of it.
    pub fn describe(&self) -> String {
        match self {
            Pending::Request { prepared, .. } => {
                let mut out = format!(
                    "intercepted request: {} {}\n  Cookie: {}",
                    prepared.method,
                    prepared.path,
                    header_text(&prepared.sent)
                );
                out.push_str(
                    "\n  change it with `edit cookie: a=1; b=2`, `edit path /p`, \
                     `edit method POST`; then `forward` or `drop`",
                );
                out
            }
            Pending::Response { exchange, .. } => {
                let mut out = format!(
                    "intercepted response: {} {}",
                    exchange.status,
                    reason(exchange.status)
                );
                for set in &exchange.set_cookies {
                    let _ = write!(out, "\n  Set-Cookie: {}", set.morsel.header_value());
                }
                if exchange.set_cookies.is_empty() {
                    out.push_str("\n  (no Set-Cookie)");
                }
                out.push_str(
                    "\n  change it with `edit set-cookie NAME=VALUE` or `drop set-cookie NAME`; \
                     then `forward` or `drop`",
                );
                out
            }
        }
    }
}

/// The workbench's state: the flows, what it intercepts, what it holds.
#[derive(Clone, Debug, Default)]
pub struct Workbench {
    pub flows: Vec<Rc<Flow>>,
    numbered: usize,
    pub intercept: Option<Intercept>,
    pub pending: Option<Pending>,
}

impl Workbench {
    /// This workbench without its flows (an undo checkpoint keeps only how
    /// many were numbered), and that number.
    pub fn without_flows(&self) -> (Self, usize) {
        let bench = Self {
            flows: Vec::new(),
            numbered: self.numbered,
            intercept: self.intercept,
            pending: self.pending.clone(),
        };
        (bench, self.numbered)
    }

    /// Take the flows of `later` (a state this one came before), back to the
    /// first `numbered`.
    pub fn restore_flows(&mut self, later: &mut Self, numbered: usize) {
        let mut flows = std::mem::take(&mut later.flows);
        flows.retain(|f| f.number <= numbered);
        self.flows = flows;
    }

    /// Whether requests stop before they leave.
    pub fn stops_requests(&self) -> bool {
        matches!(
            self.intercept,
            Some(Intercept::Requests | Intercept::Responses)
        )
    }

    /// Whether responses stop before the browser reads them.
    pub fn stops_responses(&self) -> bool {
        self.intercept == Some(Intercept::Responses)
    }

    /// Keep an exchange as the next flow.
    pub fn record(
        &mut self,
        input: &str,
        plan: Plan,
        exchange: Exchange,
        store_changes: Vec<Change>,
    ) {
        self.numbered += 1;
        self.flows.push(Rc::new(Flow {
            number: self.numbered,
            input: input.to_string(),
            plan,
            exchange,
            store_changes,
        }));
        if self.flows.len() > MAX_FLOWS {
            self.flows.remove(0);
        }
    }

    /// Flow `n`, or why there is none.
    pub fn flow(&self, n: usize) -> Result<&Rc<Flow>, PyErr> {
        self.flows.iter().find(|f| f.number == n).ok_or_else(|| {
            PyErr::tool(match (self.flows.first(), self.flows.last()) {
                (Some(first), Some(last)) => format!(
                    "there is no exchange {n}: `history` lists {} to {}",
                    first.number, last.number
                ),
                _ => format!("there is no exchange {n}: no request was made yet"),
            })
        })
    }

    /// `history`: the flow list, one exchange a line.
    pub fn history(&self) -> String {
        if self.flows.is_empty() {
            return "no request yet: view code and `visit /path` make one".into();
        }
        self.flows
            .iter()
            .map(|f| summary(f))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// `intercept on|off|responses`.
    pub fn set_intercept(&mut self, mode: Intercept) -> Outcome {
        self.intercept = (mode != Intercept::Off).then_some(mode);
        Outcome::Text(
            match mode {
                Intercept::Off => "intercept off: requests go straight through",
                Intercept::Requests => {
                    "intercept on: the next request stops before it leaves the browser"
                }
                Intercept::Responses => {
                    "intercept on for requests and responses: each stops for editing"
                }
            }
            .into(),
        )
    }

    /// `edit ...` on what is held.
    pub fn edit(&mut self, edit: &Edit) -> Result<Outcome, PyErr> {
        match (&mut self.pending, edit) {
            (None, _) => Err(nothing_held()),
            (Some(Pending::Request { prepared, .. }), Edit::Cookie(header)) => {
                prepared.sent = crate::sim::cookie::split_cookie_header(header).into();
                prepared.not_sent.clear();
                Ok(Outcome::Text(self.describe()))
            }
            (Some(Pending::Request { plan, prepared }), Edit::Path(path)) => {
                prepared.path.clone_from(path);
                plan.out.path.clone_from(path);
                Ok(Outcome::Text(self.describe()))
            }
            (Some(Pending::Request { prepared, plan }), Edit::Method(method)) => {
                let method = if method == "POST" { "POST" } else { "GET" };
                prepared.method = method;
                plan.out.method = Some(method);
                Ok(Outcome::Text(self.describe()))
            }
            (Some(Pending::Response { exchange, .. }), Edit::SetCookie { name, value }) => {
                let set = exchange
                    .set_cookies
                    .iter_mut()
                    .find(|s| s.morsel.name == *name)
                    .ok_or_else(|| no_set_cookie(name))?;
                set.morsel.value.clone_from(value);
                Ok(Outcome::Text(self.describe()))
            }
            (Some(Pending::Request { .. }), Edit::SetCookie { .. }) => Err(PyErr::tool(
                "the request has no Set-Cookie yet: `intercept responses` stops the response",
            )),
            (Some(Pending::Response { .. }), _) => Err(PyErr::tool(
                "the request already reached the server: edit the response with \
                 `edit set-cookie NAME=VALUE`",
            )),
        }
    }

    /// `drop set-cookie NAME`: one header of the held response.
    pub fn drop_set_cookie(&mut self, name: &str) -> Result<Outcome, PyErr> {
        match &mut self.pending {
            Some(Pending::Response { exchange, .. }) => {
                let before = exchange.set_cookies.len();
                exchange.set_cookies.retain(|s| s.morsel.name != name);
                if exchange.set_cookies.len() == before {
                    return Err(no_set_cookie(name));
                }
                Ok(Outcome::Text(self.describe()))
            }
            Some(Pending::Request { .. }) => Err(PyErr::tool(
                "the request has no Set-Cookie yet: `intercept responses` stops the response",
            )),
            None => Err(nothing_held()),
        }
    }

    /// `drop`: forget what is held.
    pub fn drop_pending(&mut self) -> Result<Outcome, PyErr> {
        match self.pending.take() {
            Some(Pending::Request { .. }) => Ok(Outcome::Text(
                "dropped: the request never left the browser".into(),
            )),
            Some(Pending::Response { .. }) => Ok(Outcome::Text(
                "dropped: the browser never saw the response (the server already did its work)"
                    .into(),
            )),
            None => Err(nothing_held()),
        }
    }

    fn describe(&self) -> String {
        self.pending
            .as_ref()
            .map_or(String::new(), Pending::describe)
    }

    /// `export N curl|httpie`.
    pub fn export_flow(&self, n: usize, format: ExportFormat) -> Result<String, PyErr> {
        let flow = self.flow(n)?;
        let x = &flow.exchange;
        let url = shell_quote(&x.url());
        let header = header_text(&x.sent);
        Ok(match format {
            ExportFormat::Curl => {
                let mut out = format!("curl -i -X {} {url}", x.method);
                if !x.sent.is_empty() {
                    let _ = write!(out, " -H {}", shell_quote(&format!("Cookie: {header}")));
                }
                out
            }
            ExportFormat::Httpie => {
                let mut out = format!("http --print=HBhb {} {url}", x.method);
                if !x.sent.is_empty() {
                    let _ = write!(out, " {}", shell_quote(&format!("Cookie:{header}")));
                }
                out
            }
        })
    }
}

/// `a=1; b=2`, or `(none)`.
pub fn header_text(pairs: &[Pair]) -> String {
    if pairs.is_empty() {
        return "(none)".into();
    }
    pairs
        .iter()
        .map(|(n, v)| {
            if n.is_empty() {
                v.to_string()
            } else {
                format!("{n}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One line of `history`.
pub fn summary(f: &Flow) -> String {
    let x = &f.exchange;
    let mut line = format!(
        "#{} [{}] {} {} -> {}",
        f.number,
        f.exchange.sender.as_deref().unwrap_or("workbench"),
        x.method,
        x.url(),
        x.status
    );
    if let Some(from) = &x.initiator {
        let _ = write!(line, " (a {} on {})", from.via.as_str(), from.origin);
    }
    let names = |pairs: &[Pair]| {
        pairs
            .iter()
            .map(|(n, _)| &**n)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !x.sent.is_empty() {
        let _ = write!(line, " · sent {}", names(&x.sent));
    }
    if !x.not_sent.is_empty() {
        let left: Vec<String> = x
            .not_sent
            .iter()
            .map(|n| format!("{} ({})", n.name, n.reason))
            .collect();
        let _ = write!(line, " · left out {}", left.join(", "));
    }
    for set in &x.set_cookies {
        let verb = if set.morsel.is_deletion() {
            "deletes"
        } else {
            "sets"
        };
        match set.blocked {
            Some(why) => {
                let _ = write!(line, " · {verb} {} (refused: {why})", set.morsel.name);
            }
            None => {
                let _ = write!(line, " · {verb} {}", set.morsel.name);
            }
        }
    }
    let count = |kind| f.store_changes.iter().filter(|c| c.kind == kind).count();
    let (added, changed, removed) = (
        count(crate::runner::ChangeKind::Added),
        count(crate::runner::ChangeKind::Changed),
        count(crate::runner::ChangeKind::Removed),
    );
    if added + changed + removed > 0 {
        let _ = write!(line, " · store +{added} ~{changed} -{removed}");
    }
    line
}

/// What `replay N` sends: the same request, from `how`.
pub fn replay_plan(flow: &Flow, how: &Replay, browser: Option<usize>) -> Plan {
    let x = &flow.exchange;
    let out = Outbound {
        browser,
        path: x.path.clone(),
        from: x.initiator.clone(),
        method: Some(x.method),
        cookie_header: match how {
            Replay::AsItWas => Some(header_text(&x.sent)).filter(|_| !x.sent.is_empty()),
            Replay::As(_) => None,
            Replay::WithCookie(header) => Some(header.clone()),
        },
        site: Some(x.origin.clone()),
    };
    Plan {
        out,
        source: flow.plan.source.clone(),
    }
}

/// The Netscape `cookies.txt` of a jar, as curl and wget read it (HttpOnly
/// cookies with curl's `#HttpOnly_` prefix).
pub fn cookies_txt(world: &crate::sim::World) -> String {
    let now = world.now();
    let mut out = String::from(
        "# Netscape HTTP Cookie File\n# domain\tsubdomains\tpath\tsecure\texpires\tname\tvalue\n",
    );
    for c in world.browser().jar(now) {
        let prefix = if c.httponly { "#HttpOnly_" } else { "" };
        let flag = |b: bool| if b { "TRUE" } else { "FALSE" };
        let _ = writeln!(
            out,
            "{prefix}{}\t{}\t{}\t{}\t{}\t{}\t{}",
            c.shown_domain(),
            flag(!c.host_only),
            c.path,
            flag(c.secure),
            c.expires_at.unwrap_or(0),
            c.name,
            c.raw_value
        );
    }
    out
}

/// Run a tool command that needs no request.
pub fn simple(
    bench: &mut Workbench,
    world: &crate::sim::World,
    command: &ToolCommand,
) -> Option<Result<Outcome, PyErr>> {
    Some(match command {
        ToolCommand::History => Ok(Outcome::Text(bench.history())),
        ToolCommand::Intercept(mode) => Ok(bench.set_intercept(*mode)),
        ToolCommand::Edit(edit) => bench.edit(edit),
        ToolCommand::Drop(Some(name)) => bench.drop_set_cookie(name),
        ToolCommand::Drop(None) => bench.drop_pending(),
        ToolCommand::Decode(value) => decoded(world, value).map(Outcome::Text),
        ToolCommand::Export(Export::Jar) => Ok(Outcome::Text(cookies_txt(world))),
        ToolCommand::Export(Export::Flow(n, format)) => {
            bench.export_flow(*n, *format).map(Outcome::Text)
        }
        ToolCommand::Replay { .. } | ToolCommand::Forward => return None,
    })
}

/// `decode VALUE`, or `decode cookie NAME` for the value a cookie of the
/// current browser holds for the current site.
fn decoded(world: &crate::sim::World, text: &str) -> Result<String, PyErr> {
    let Some(rest) = text.strip_prefix("cookie ").map(str::trim) else {
        return Ok(crate::sim::decode::decode(world, text));
    };
    let (name, salt) = match rest.split_once(char::is_whitespace) {
        None => (rest, ""),
        Some((name, salt)) => match salt.trim().strip_prefix("salt=") {
            Some(salt) => (name, salt),
            None => {
                return Err(PyErr::tool(
                    "usage: decode cookie NAME, or decode cookie NAME salt=SALT",
                ));
            }
        },
    };
    let browser = world.browser();
    let cookie = browser
        .for_host(&world.site.host, world.now())
        .into_iter()
        .find(|c| &*c.name == name)
        .ok_or_else(|| {
            PyErr::tool(format!(
                "browser {} has no cookie {} for {}",
                crate::sim::value::str_repr(&browser.name),
                crate::sim::value::str_repr(name),
                world.site.host
            ))
        })?;
    Ok(format!(
        "{name} = {}\n{}",
        cookie.raw_value,
        crate::sim::decode::decode_with_salt(world, &cookie.raw_value, salt)
    ))
}

fn nothing_held() -> PyErr {
    PyErr::tool("nothing is intercepted: `intercept on`, then make a request")
}

fn no_set_cookie(name: &str) -> PyErr {
    PyErr::tool(format!(
        "the intercepted response has no Set-Cookie {}",
        crate::sim::value::str_repr(name)
    ))
}

/// A word for a POSIX shell, in single quotes.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted() {
        assert_eq!(shell_quote("a'b"), "'a'\\''b'");
    }

    #[test]
    fn headers_are_written_as_sent() {
        let pairs: Vec<Pair> = vec![("a".into(), "1".into()), ("".into(), "x".into())];
        assert_eq!(header_text(&pairs), "a=1; x");
        assert_eq!(header_text(&[]), "(none)");
    }
}
