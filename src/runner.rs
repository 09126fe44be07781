//! The single seam between the world and everything that shows it: one line
//! in, one [`Step`] out (the outcome, the HTTP exchange, the jar and store
//! after it, and what changed). The TUI, `run` and `check` all go through
//! [`Runner::step`], so they cannot disagree.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::rc::Rc;

use crate::script::commands::{Replay, ToolCommand};
use crate::script::eval::run_view;
use crate::script::{self, Command, ParseError};
use crate::sim::browser::CookieId;
use crate::sim::browser::SameSite;
use crate::sim::request::{Exchange, Initiator};
use crate::sim::server::{DECODE_CACHE_BYTES, RecordLengths, decoded_bytes};
use crate::sim::shared::Rows;
use crate::sim::value::str_repr;
use crate::sim::world::{JarEntry, StoredSession};
use crate::sim::world::{Outbound, Prepared};
use crate::sim::{PyErr, Value, World};
use crate::workbench::{self, Pending, Plan, Source, Workbench};

/// How a command ended.
#[must_use]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A statement, a `None` value, or a world command that succeeded.
    Ok,
    /// The `repr()` of the last expression's value.
    Value(String),
    /// `KeyError: 'name'`, a SyntaxError, or the tool's words for a world
    /// command; `col` points into the line when the error is about its text.
    Error { message: String, col: Option<usize> },
    /// What a workbench command prints (`history`, `decode`, `export`).
    Text(String),
}

impl Outcome {
    fn from_error(e: &PyErr) -> Self {
        Outcome::Error {
            message: e.to_string(),
            col: None,
        }
    }
}

impl From<ParseError> for Outcome {
    fn from(e: ParseError) -> Self {
        Outcome::Error {
            message: e.message,
            col: e.col,
        }
    }
}

/// The jar and the store as they stand: what the panes and the transcript
/// show. Copies share the rows, and a step changes only the rows its command
/// touched.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// The simulated time it was taken at.
    pub now: i64,
    pub browser: String,
    /// The current browser's cookies, in devtools' order.
    pub jar: Rows<JarEntry>,
    /// The current engine's sessions, in the order their keys were created.
    pub store: Rows<StoredSession>,
}

impl Snapshot {
    /// The world as it stands now.
    pub fn of(world: &World) -> Self {
        Self {
            now: world.now(),
            browser: world.browser().name.clone(),
            jar: world.jar().into_iter().collect(),
            store: world.store().into_iter().collect(),
        }
    }

    /// The session with `key` (of creation rank `rank`), if the store shows it.
    pub fn session(&self, rank: usize, key: &str) -> Option<&StoredSession> {
        self.store.find(session_at(rank, key))
    }
}

/// Where the session `key` of creation rank `rank` stands in the store's order.
fn session_at(rank: usize, key: &str) -> impl Fn(&StoredSession) -> Ordering + '_ {
    move |s| (s.rank, s.key.as_str()).cmp(&(rank, key))
}

/// What a change did to one row of a pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Changed,
    Removed,
}

impl ChangeKind {
    /// The symbol the panes and the readable transcript show (`+`, `~`, `-`).
    pub fn symbol(self) -> char {
        match self {
            ChangeKind::Added => '+',
            ChangeKind::Changed => '~',
            ChangeKind::Removed => '-',
        }
    }
}

/// One row that changed: a cookie in the jar or a session in the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// The cookie's [`JarEntry::id`] or the session key.
    pub name: String,
}

/// What one command did.
#[derive(Clone, Debug)]
pub struct Step {
    pub input: String,
    pub outcome: Outcome,
    /// The current browser after the command.
    pub browser: String,
    /// The request and response, for view code and `visit`.
    pub exchange: Option<Exchange>,
    pub after: Snapshot,
    pub jar_changes: Vec<Change>,
    pub store_changes: Vec<Change>,
    /// The cookie values the `signed_cookies` engine made, and what each holds.
    pub signed: SignedSessions,
    /// What the view's `print()` calls wrote to the server's console.
    pub printed: Vec<String>,
}

/// The cookie values of a step that the `signed_cookies` engine made.
#[derive(Clone, Debug, Default)]
pub struct SignedSessions {
    /// Each value with the data inside, if the engine would accept it now.
    pub values: Vec<(String, Option<Value>)>,
}

impl SignedSessions {
    /// What `value` holds, if the `signed_cookies` engine made it:
    /// `Some(None)` for one the engine would reject now.
    pub fn data(&self, value: &str) -> Option<Option<&Value>> {
        self.values
            .iter()
            .find(|(v, _)| v == value)
            .map(|(_, data)| data.as_ref())
    }
}

/// A world, the snapshot of it after the last step, and the workbench that
/// keeps its exchanges.
#[derive(Clone, Debug)]
pub struct Runner {
    pub world: World,
    snapshot: Snapshot,
    pub bench: Workbench,
    /// What the view running now has printed (the server's console).
    printed: Vec<String>,
    signed: SignedCache,
}

/// What a command did on the wire, for the step and the flow list.
struct Sent {
    exchange: Exchange,
    plan: Plan,
}

/// A runner as it stood before a command, for undo. It keeps the world's
/// append-only records (every key, auth hash and signed value ever made) as
/// their lengths and shares the caches, so it costs what the world holds
/// now, not everything it ever made.
#[derive(Clone, Debug)]
pub struct Checkpoint {
    runner: Runner,
    records: RecordLengths,
    /// How many exchanges the workbench had numbered.
    flows: usize,
}

impl Runner {
    /// A runner over `world`.
    pub fn new(world: World) -> Self {
        let snapshot = Snapshot::of(&world);
        Self {
            world,
            snapshot,
            bench: Workbench::default(),
            printed: Vec::new(),
            signed: SignedCache::default(),
        }
    }

    /// The jar and store as they stand.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// This runner as it stands, to [`Runner::restore`] after later steps.
    pub fn checkpoint(&self) -> Checkpoint {
        let (server, records) = self.world.server.without_records();
        let world = World {
            server,
            browsers: self.world.browsers.clone(),
            current: self.world.current,
            site: self.world.site.clone(),
            path: self.world.path.clone(),
        };
        let (bench, flows) = self.bench.without_flows();
        Checkpoint {
            runner: Runner {
                world,
                snapshot: self.snapshot.clone(),
                bench,
                printed: Vec::new(),
                signed: self.signed.clone(),
            },
            records,
            flows,
        }
    }

    /// Go back to `checkpoint`, which this runner's own earlier checkpoint
    /// must be (its records are cut back from this runner's).
    pub fn restore(&mut self, checkpoint: Checkpoint) {
        let Checkpoint {
            runner: mut earlier,
            records,
            flows,
        } = checkpoint;
        earlier
            .world
            .server
            .restore_records(&mut self.world.server, records);
        earlier.bench.restore_flows(&mut self.bench, flows);
        *self = earlier;
    }

    /// Run one line (a world command or view code). Errors are outcomes; on an
    /// error nothing changes except what Django itself would already have done.
    pub fn step(&mut self, line: &str) -> Step {
        let input = line.trim().to_string();
        let (outcome, sent) = match script::parse_command(&input) {
            Err(e) => (e.into(), None),
            Ok(command) => self.execute(command),
        };
        let (jar_changes, store_changes) = self.follow();
        let after = self.snapshot.clone();
        let exchange = sent.map(|Sent { exchange, plan }| {
            self.bench
                .record(&input, plan, exchange.clone(), store_changes.clone());
            exchange
        });
        let signed = self.signed_values(exchange.as_ref(), &after);
        Step {
            input,
            outcome,
            browser: after.browser.clone(),
            exchange,
            after,
            jar_changes,
            store_changes,
            signed,
            printed: std::mem::take(&mut self.printed),
        }
    }

    /// Bring the snapshot up to the world after a command, and say what
    /// changed in the jar and in the store. A command changes only the rows
    /// it touched; a new setting, another browser, the clock moving, a
    /// migration or a restart may change any row, so then the snapshot is
    /// taken anew and compared whole.
    fn follow(&mut self) -> (Vec<Change>, Vec<Change>) {
        let sessions = self.world.server.take_touched_sessions();
        let current = self.world.current;
        let mut cookies = Vec::new();
        for (i, browser) in self.world.browsers.iter_mut().enumerate() {
            let touched = browser.take_touched();
            if i == current {
                cookies = touched;
            }
        }
        let whole = sessions.is_none()
            || self.snapshot.now != self.world.now()
            || self.snapshot.browser != self.world.browser().name;
        let changes = if whole {
            let before = std::mem::replace(&mut self.snapshot, Snapshot::of(&self.world));
            compare(&before, &self.snapshot)
        } else {
            (
                self.follow_jar(cookies),
                self.follow_store(sessions.unwrap_or_default()),
            )
        };
        #[cfg(debug_assertions)]
        self.check_snapshot();
        changes
    }

    /// Follow the cookies of the current browser's jar that were touched.
    fn follow_jar(&mut self, mut touched: Vec<CookieId>) -> Vec<Change> {
        touched.sort_unstable();
        touched.dedup();
        let mut changes = Vec::new();
        for id in &touched {
            let old = self.snapshot.jar.iter().find(|j| j.is(id)).cloned();
            let new = self.world.jar_entry(id);
            if old == new {
                continue;
            }
            let now = self.snapshot.now;
            let kind = match (&old, &new) {
                (None, None) => continue,
                (None, Some(_)) => Some(ChangeKind::Added),
                (Some(_), None) => Some(ChangeKind::Removed),
                (Some(o), Some(n)) => {
                    (shown(o, now) != shown(n, now)).then_some(ChangeKind::Changed)
                }
            };
            if let Some(old) = &old {
                self.snapshot.jar.put(|j| j.order(old), None);
            }
            if let Some(new) = &new {
                self.snapshot.jar.put(|j| j.order(new), Some(new.clone()));
            }
            if let Some(kind) = kind {
                let row = new.or(old).expect("a change has a row");
                changes.push((kind, row));
            }
        }
        // Additions and changes in the jar's order, then removals.
        changes.sort_by(|(a, x), (b, y)| {
            (*a == ChangeKind::Removed)
                .cmp(&(*b == ChangeKind::Removed))
                .then(x.order(y))
        });
        changes
            .into_iter()
            .map(|(kind, row)| Change {
                kind,
                name: row.id(),
            })
            .collect()
    }

    /// Follow the sessions of the store that were touched.
    fn follow_store(&mut self, touched: Vec<String>) -> Vec<Change> {
        let mut changes = Vec::new();
        for key in touched {
            let rank = self.world.server.key_rank(&key);
            let old = self.snapshot.session(rank, &key);
            let new = self.world.stored_session(&key);
            let kind = match (old, &new) {
                (None, None) => continue,
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), None) => ChangeKind::Removed,
                (Some(o), Some(n)) if o.raw == n.raw && o.expires_in == n.expires_in => continue,
                (Some(_), Some(_)) => ChangeKind::Changed,
            };
            self.snapshot.store.put(session_at(rank, &key), new);
            changes.push((kind, rank, key));
        }
        changes.sort_by(|(a, x, k), (b, y, l)| {
            (*a == ChangeKind::Removed)
                .cmp(&(*b == ChangeKind::Removed))
                .then((x, k).cmp(&(y, l)))
        });
        changes
            .into_iter()
            .map(|(kind, _, name)| Change { kind, name })
            .collect()
    }

    /// In debug builds (the tests): the followed snapshot is the one taken anew.
    #[cfg(debug_assertions)]
    fn check_snapshot(&self) {
        let fresh = Snapshot::of(&self.world);
        let jar: Vec<&JarEntry> = self.snapshot.jar.iter().collect();
        assert_eq!(jar, fresh.jar.iter().collect::<Vec<_>>(), "the jar view");
        assert_eq!(
            self.snapshot.store.len(),
            fresh.store.len(),
            "the store view"
        );
        for (kept, fresh) in self.snapshot.store.iter().zip(fresh.store.iter()) {
            assert!(kept.same_as(fresh), "the store view: {kept:?} / {fresh:?}");
        }
    }

    fn execute(&mut self, command: Command) -> (Outcome, Option<Sent>) {
        let current = Some(self.world.current);
        let plan = |path: &str, from: Option<&Initiator>, source| Plan {
            out: Outbound {
                browser: current,
                path: path.to_string(),
                from: from.cloned(),
                method: None,
                cookie_header: None,
                site: None,
            },
            source,
        };
        match command {
            Command::View(stmts) => {
                let plan = plan(&self.world.path.clone(), None, Source::View(Rc::new(stmts)));
                self.request(plan)
            }
            Command::Visit { path, from } => self.request(plan(&path, from.as_ref(), Source::Page)),
            Command::World(world_command) => {
                let outcome = match self.world.apply(&world_command) {
                    Ok(Some(value)) => Outcome::Value(value.repr()),
                    Ok(None) => Outcome::Ok,
                    Err(e) => Outcome::from_error(&e),
                };
                (outcome, None)
            }
            Command::Tool(tool) => self.tool(&tool),
        }
    }

    /// A workbench command.
    fn tool(&mut self, tool: &ToolCommand) -> (Outcome, Option<Sent>) {
        if let Some(result) = workbench::simple(&mut self.bench, &self.world, tool) {
            return (result.unwrap_or_else(|e| Outcome::from_error(&e)), None);
        }
        match tool {
            ToolCommand::Replay { number, how } => {
                let flow = match self.bench.flow(*number) {
                    Ok(flow) => flow.clone(),
                    Err(e) => return (Outcome::from_error(&e), None),
                };
                let browser = match how {
                    Replay::As(name) => {
                        match self.world.browsers.iter().position(|b| b.name == *name) {
                            Some(i) => Some(i),
                            None => {
                                let e = PyErr::tool(format!("no browser named {}", str_repr(name)));
                                return (Outcome::from_error(&e), None);
                            }
                        }
                    }
                    _ => None,
                };
                self.request(workbench::replay_plan(&flow, how, browser))
            }
            ToolCommand::Forward => match self.bench.pending.take() {
                None => (
                    Outcome::from_error(&PyErr::tool(
                        "nothing is intercepted: `intercept on`, then make a request",
                    )),
                    None,
                ),
                Some(Pending::Request { plan, prepared }) => self.send(plan, prepared),
                Some(Pending::Response { plan, mut exchange }) => {
                    if let Some(i) = plan.out.browser {
                        self.world.deliver(i, &mut exchange);
                    }
                    (Outcome::Ok, Some(Sent { exchange, plan }))
                }
            },
            _ => unreachable!("simple() runs every other tool command"),
        }
    }

    /// Make a request, or hold it when the workbench intercepts requests.
    fn request(&mut self, plan: Plan) -> (Outcome, Option<Sent>) {
        if self.bench.pending.is_some() {
            let e = PyErr::tool("a request is held in the workbench: `forward` or `drop` it first");
            return (Outcome::from_error(&e), None);
        }
        let prepared = self.world.prepare(&plan.out);
        if self.bench.stops_requests() {
            let pending = Pending::Request { plan, prepared };
            let text = pending.describe();
            self.bench.pending = Some(pending);
            return (Outcome::Text(text), None);
        }
        self.send(plan, prepared)
    }

    /// The request reaches the server, its view runs, and the response goes
    /// back to the browser (or is held, when the workbench intercepts
    /// responses).
    fn send(&mut self, plan: Plan, prepared: Prepared) -> (Outcome, Option<Sent>) {
        let exchange = self.world.exchange_of(prepared.clone(), &plan.out);
        let request = match self.world.arrive(&prepared) {
            Ok(request) => request,
            Err(e) => {
                let exchange = Exchange {
                    status: 500,
                    ..exchange
                };
                return (Outcome::from_error(&e), Some(Sent { exchange, plan }));
            }
        };
        let mut request = request;
        let result = match &plan.source {
            Source::View(stmts) => run_view(
                &mut self.world.server,
                &mut request,
                stmts,
                &mut self.printed,
            ),
            Source::Page => Ok(None),
        };
        let view_error = result.as_ref().err();
        let (mut exchange, middleware_error) = self.world.respond(request, view_error, exchange);
        let outcome = match (result, middleware_error) {
            (Err(e), _) | (Ok(_), Some(e)) => Outcome::from_error(&e),
            (Ok(Some(value)), None) => Outcome::Value(value.repr()),
            (Ok(None), None) => Outcome::Ok,
        };
        if self.bench.stops_responses() && plan.out.browser.is_some() {
            let pending = Pending::Response { plan, exchange };
            let text = pending.describe();
            self.bench.pending = Some(pending);
            let outcome = match outcome {
                Outcome::Ok => Outcome::Text(text),
                other => other,
            };
            return (outcome, None);
        }
        if let Some(i) = plan.out.browser {
            self.world.deliver(i, &mut exchange);
        }
        (outcome, Some(Sent { exchange, plan }))
    }

    /// The values in this step's exchange and jar that the `signed_cookies`
    /// engine made, each with the data it holds if that engine would accept
    /// it now.
    fn signed_values(&self, exchange: Option<&Exchange>, after: &Snapshot) -> SignedSessions {
        let made = &self.world.server.signed_made;
        if made.is_empty() {
            return SignedSessions::default();
        }
        let mut values: Vec<&str> = after.jar.iter().map(|c| c.raw.as_str()).collect();
        if let Some(exchange) = exchange {
            values.extend(exchange.sent.iter().map(|(_, v)| &**v));
            values.extend(exchange.set_cookies.iter().map(|s| s.morsel.value.as_str()));
        }
        values.retain(|v| made.contains(v));
        values.sort_unstable();
        values.dedup();
        SignedSessions {
            values: values
                .into_iter()
                .map(|v| (v.to_string(), self.signed.data(&self.world, v)))
                .collect(),
        }
    }
}

/// What the `signed_cookies` engine would read from the values it made,
/// remembered: checking a signature and inflating its payload on every step
/// cost a tenth of a transcript. Not part of the world: every copy of the
/// runner shares it.
#[derive(Clone, Debug, Default)]
struct SignedCache(Rc<std::cell::RefCell<SignedEntries>>);

#[derive(Debug, Default)]
struct SignedEntries {
    /// `SECRET_KEY` and its fallbacks the entries were checked under.
    keys: Vec<String>,
    /// Each value: its timestamp and data when its signature is good.
    values: HashMap<String, Option<(i64, Value)>>,
    /// About how many bytes the values and their data take.
    bytes: usize,
}

impl SignedCache {
    /// Most bytes remembered before starting afresh (a small compressed
    /// cookie can hold a large value).
    const MOST: usize = DECODE_CACHE_BYTES;

    /// [`World::signed_cookie_data`], remembered per value.
    fn data(&self, world: &World, value: &str) -> Option<Value> {
        let settings = &world.server.settings;
        let mut entries = self.0.borrow_mut();
        let keys = std::iter::once(&settings.secret_key).chain(&settings.secret_key_fallbacks);
        if !keys.clone().eq(entries.keys.iter()) || entries.bytes >= Self::MOST {
            entries.keys = keys.cloned().collect();
            entries.values.clear();
            entries.bytes = 0;
        }
        let signed = match entries.values.get(value) {
            Some(signed) => signed.clone(),
            None => {
                let signed = value
                    .rsplit(':')
                    .nth(1)
                    .and_then(crate::sim::signing::b62_decode)
                    .and_then(|timestamp| {
                        Some((timestamp, world.signed_cookie_data_at(value, None)?))
                    });
                entries.bytes += value.len() + signed.as_ref().map_or(0, |(_, d)| decoded_bytes(d));
                entries.values.insert(value.to_string(), signed.clone());
                signed
            }
        };
        // `loads()` takes a signature exactly `max_age` old.
        signed
            .filter(|(t, _)| world.now() - t <= settings.cookie_age)
            .map(|(_, data)| data)
    }
}

/// What changed between two snapshots: the jar's rows (when the browser is
/// the same) and the store's.
/// What a jar row shows that a change is made of: its value, when it expires
/// (as a time, so the clock moving changes nothing) and its flags.
fn shown(c: &JarEntry, now: i64) -> (&str, Option<i64>, bool, bool, Option<SameSite>) {
    (
        &c.raw,
        c.expires_in.map(|e| e + now),
        c.secure,
        c.httponly,
        c.samesite,
    )
}

fn compare(before: &Snapshot, after: &Snapshot) -> (Vec<Change>, Vec<Change>) {
    let jar_changes = if before.browser == after.browser {
        diff(
            before.jar.iter().map(|c| (c.id(), shown(c, before.now))),
            after.jar.iter().map(|c| (c.id(), shown(c, after.now))),
        )
    } else {
        Vec::new()
    };
    let store_changes = diff(
        before
            .store
            .iter()
            .map(|s| (&s.key, (&s.raw, s.expires_in.saturating_add(before.now)))),
        after
            .store
            .iter()
            .map(|s| (&s.key, (&s.raw, s.expires_in.saturating_add(after.now)))),
    );
    (jar_changes, store_changes)
}

/// Rows added, changed or removed between two keyed lists: additions and
/// changes in the order of `after`, then removals in the order of `before`
/// (a key listed twice is matched with its first row).
fn diff<K: Eq + Hash + ToString, V: PartialEq>(
    before: impl Iterator<Item = (K, V)>,
    after: impl Iterator<Item = (K, V)>,
) -> Vec<Change> {
    let before: Vec<(K, V)> = before.collect();
    let after: Vec<(K, V)> = after.collect();
    let mut first: HashMap<&K, &V> = HashMap::with_capacity(before.len());
    for (key, value) in &before {
        first.entry(key).or_insert(value);
    }
    let mut changes = Vec::new();
    for (key, value) in &after {
        let kind = match first.get(key) {
            None => ChangeKind::Added,
            Some(old) if *old != value => ChangeKind::Changed,
            Some(_) => continue,
        };
        changes.push(Change {
            kind,
            name: key.to_string(),
        });
    }
    let kept: HashSet<&K> = after.iter().map(|(k, _)| k).collect();
    changes.extend(
        before
            .iter()
            .filter(|(k, _)| !kept.contains(k))
            .map(|(k, _)| Change {
                kind: ChangeKind::Removed,
                name: k.to_string(),
            }),
    );
    changes
}

/// Whether a line is something to run (not blank, not a comment).
pub fn is_command(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty() && !line.starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a runner shows of itself: the step it would take next, as JSON.
    fn next_step(mut runner: Runner, line: &str) -> (String, Vec<String>, Vec<String>) {
        let step = runner.step(line);
        let server = &runner.world.server;
        let json = crate::transcript::JsonTranscript::new().line(1, &step, server);
        (
            json,
            server.created_keys.clone(),
            server.auth_hashes.clone(),
        )
    }

    #[test]
    fn a_restored_checkpoint_is_the_runner_it_was_taken_from() {
        let mut runner = Runner::new(World::new(7));
        let _ = runner.step("request.session['cart'] = ['apple']");
        let copy = runner.clone();
        let checkpoint = runner.checkpoint();
        for line in [
            "login(request, 'alice')",
            "settings.SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'",
            "request.session['n'] = 1",
            "request.session.flush()",
        ] {
            let _ = runner.step(line);
        }
        runner.restore(checkpoint);
        assert_eq!(
            runner.world.server.created_keys,
            copy.world.server.created_keys
        );
        for line in ["request.session['cart']", "login(request, 'bob')"] {
            assert_eq!(
                next_step(runner.clone(), line),
                next_step(copy.clone(), line)
            );
        }
    }
}
