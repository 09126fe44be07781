//! The whole simulated world: browsers, the server, and the clock; the world
//! commands of the command language; and the requests between them. What
//! the panes and transcripts read of it is in [`super::inspect`].

use std::collections::BTreeMap;

use serde::Deserialize;

use super::browser::{Browser, Fetch, StoredCookie};
use super::cookie::split_cookie_header;
use super::error::PyErr;
use super::origin::Origin;
use super::request::{
    Exchange, Initiator, Pairs, Request, SetCookie, path_only, process_response, status_for,
};
use super::server::Server;
use super::session::SessionStore;
use super::settings::Engine;
use super::value::{Value, str_repr};

pub use super::inspect::{JarEntry, SessionBehind, StoredSession};

/// 2026-01-01T00:00:00Z, where every world's clock starts by default.
pub const START_TIME: i64 = 1_767_225_600;

/// The browser every world starts with.
pub const DEFAULT_BROWSER: &str = "default";

/// A world command: what happens outside the view.
#[derive(Clone, Debug)]
pub enum WorldCommand {
    /// `site https://shop.example`: where every browser's requests go.
    Site(Origin),
    /// `path /cart`: later view code runs at this path.
    Path(String),
    BrowserClose,
    BrowserClear,
    BrowserSet {
        name: String,
        value: String,
    },
    BrowserDelete(String),
    BrowserOpen(String),
    BrowserCopy {
        name: String,
        from: String,
    },
    BrowserCookies(bool),
    BrowserJs,
    /// `clock +2w`, in seconds.
    Clock(i64),
    /// `settings.NAME = value`.
    Setting {
        name: String,
        value: Value,
    },
    Migrate,
    ClearSessions,
    ServerRestart,
}

/// How a world starts (a lesson may ask for another one than the default).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StartWorld {
    /// Whether `manage.py migrate` has already run.
    #[serde(default = "yes")]
    pub migrated: bool,
    /// Seconds since the epoch.
    #[serde(default = "start_time")]
    pub clock: i64,
    /// Browsers to create; the first is current (default: one named `default`).
    #[serde(default)]
    pub browsers: Vec<String>,
    /// Settings applied at the start (`SESSION_ENGINE = "cache"`).
    #[serde(default)]
    pub settings: BTreeMap<String, Literal>,
    /// Whether `CsrfViewMiddleware` is in `MIDDLEWARE` (default: not).
    #[serde(default)]
    pub csrf: bool,
}

/// A setting's value as a lesson file writes it (TOML has no `None`:
/// `false` stands for it where a setting takes None).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<String>),
}

impl Literal {
    /// The Python value.
    pub fn to_value(&self) -> Value {
        match self {
            Literal::Bool(b) => Value::Bool(*b),
            Literal::Int(i) => Value::Int(*i),
            Literal::Str(s) => Value::str(s),
            Literal::List(items) => Value::list(items.iter().map(|s| Value::str(s)).collect()),
        }
    }
}

fn yes() -> bool {
    true
}

fn start_time() -> i64 {
    START_TIME
}

impl Default for StartWorld {
    fn default() -> Self {
        Self {
            migrated: true,
            clock: START_TIME,
            browsers: Vec::new(),
            settings: BTreeMap::new(),
            csrf: false,
        }
    }
}

/// A request about to be made: who sends it, where, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outbound {
    /// The browser whose jar gives the cookies and who reads the response;
    /// `None` for the workbench itself (nobody stores the response).
    pub browser: Option<usize>,
    /// The path as typed, query included.
    pub path: String,
    /// The page of another origin that makes the request.
    pub from: Option<Initiator>,
    /// A method written by hand (`GET` or `POST`).
    pub method: Option<&'static str>,
    /// A Cookie header written by hand, sent exactly as written.
    pub cookie_header: Option<String>,
    /// Another origin than the current site (a replay goes where the
    /// original went).
    pub site: Option<Origin>,
}

impl Outbound {
    /// `POST` for a form, else `GET`, unless edited.
    pub fn method(&self) -> &'static str {
        self.method.unwrap_or(
            if self
                .from
                .as_ref()
                .is_some_and(|i| i.via == super::browser::Via::Form)
            {
                "POST"
            } else {
                "GET"
            },
        )
    }
}

/// A request with its Cookie header, before it reaches the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    /// Where it goes.
    pub origin: Origin,
    pub method: &'static str,
    pub path: String,
    pub sent: Pairs,
    pub not_sent: Vec<super::browser::NotSent>,
}

/// The world.
#[derive(Clone, Debug)]
pub struct World {
    pub server: Server,
    pub browsers: Vec<Browser>,
    pub current: usize,
    /// Where every browser's requests go.
    pub site: Origin,
    /// The path view code runs at.
    pub path: String,
}

impl World {
    /// A fresh world: Django 5.2 defaults after `migrate`, one browser, the
    /// clock at 2026-01-01, keys drawn from `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            server: Server::new(START_TIME, seed, true),
            browsers: vec![Browser::new(DEFAULT_BROWSER)],
            current: 0,
            site: Origin::runserver(),
            path: "/".into(),
        }
    }

    /// A world as `start` describes it; a bad setting is an error.
    pub fn build(start: &StartWorld, seed: u64) -> Result<Self, PyErr> {
        let mut world = World::new(seed);
        world.server = Server::new(start.clock, seed, start.migrated);
        world.server.csrf_middleware = start.csrf;
        if !start.browsers.is_empty() {
            world.browsers = start.browsers.iter().map(|b| Browser::new(b)).collect();
        }
        for (name, literal) in &start.settings {
            world.server.set_setting(name, &literal.to_value())?;
        }
        Ok(world)
    }

    /// The simulated now.
    pub fn now(&self) -> i64 {
        self.server.now
    }

    /// The current browser.
    pub fn browser(&self) -> &Browser {
        &self.browsers[self.current]
    }

    fn browser_mut(&mut self) -> &mut Browser {
        &mut self.browsers[self.current]
    }

    fn browser_named(&self, name: &str) -> Result<&Browser, PyErr> {
        self.browsers
            .iter()
            .find(|b| b.name == name)
            .ok_or_else(|| PyErr::tool(format!("no browser named {}", str_repr(name))))
    }

    /// The request's cookies, and how it was made.
    fn fetch<'a>(origin: &'a Origin, path: &'a str, from: Option<&Initiator>) -> Fetch<'a> {
        Fetch {
            origin,
            path: path_only(path),
            cross_site: from.filter(|i| !i.origin.same_site(origin)).map(|i| i.via),
        }
    }

    /// The request `out` describes, to the current site, before it leaves:
    /// the Cookie header a browser's jar gives it (or the one written by
    /// hand), and the cookies of the host left out.
    pub fn prepare(&mut self, out: &Outbound) -> Prepared {
        let now = self.now();
        let origin = out.site.clone().unwrap_or_else(|| self.site.clone());
        let (sent, not_sent) = match (&out.cookie_header, out.browser) {
            (Some(header), _) => (split_cookie_header(header).into(), Vec::new()),
            (None, Some(i)) => {
                self.browsers[i].purge(now);
                let fetch = Self::fetch(&origin, &out.path, out.from.as_ref());
                let outgoing = self.browsers[i].outgoing(fetch, now);
                (outgoing.sent.into(), outgoing.not_sent)
            }
            (None, None) => (Pairs::default(), Vec::new()),
        };
        Prepared {
            origin,
            method: out.method(),
            path: out.path.clone(),
            sent,
            not_sent,
        }
    }

    /// The request reaches the server: the session middleware and
    /// `AuthenticationMiddleware` see it. `None` (with the error) when the
    /// session engine cannot even be imported.
    pub fn arrive(&mut self, prepared: &Prepared) -> Result<Request, PyErr> {
        if let Some(error) = self.server.settings.engine_error() {
            return Err(error);
        }
        let mut request = Request::new(
            &self.server,
            &prepared.origin,
            &prepared.path,
            prepared.sent.clone(),
        );
        request.not_sent = prepared.not_sent.clone();
        super::csrf::process_request(&mut self.server, &mut request);
        Ok(request)
    }

    /// The exchange of a request that got no response yet.
    pub fn exchange_of(&self, prepared: Prepared, out: &Outbound) -> Exchange {
        Exchange {
            sender: out.browser.map(|i| self.browsers[i].name.clone()),
            method: prepared.method,
            origin: prepared.origin,
            path: prepared.path,
            initiator: out.from.clone(),
            sent: prepared.sent,
            not_sent: prepared.not_sent,
            status: 200,
            set_cookies: Vec::new(),
            vary_cookie: false,
        }
    }

    /// The view's response (or the 500 its error became) goes back through
    /// the session middleware. Returns the exchange, its `Set-Cookie` headers
    /// not yet seen by any browser, and any error raised after the view (at
    /// save time).
    pub fn respond(
        &mut self,
        mut request: Request,
        view_error: Option<&PyErr>,
        exchange: Exchange,
    ) -> (Exchange, Option<PyErr>) {
        let (mut status, mut cookies) = match view_error {
            Some(e) => (status_for(e), Default::default()),
            None => (200, std::mem::take(&mut request.response)),
        };
        let mut error = None;
        if super::csrf::rejects(&self.server, exchange.method) {
            status = 403;
        }
        let csrf_set = super::csrf::process_response(&self.server, &mut request, &mut cookies);
        let vary_cookie = match csrf_set.and_then(|csrf| {
            process_response(&mut self.server, &mut request, &mut cookies, status)
                .map(|vary| vary || csrf)
        }) {
            Ok(vary) => vary,
            Err(e) => {
                status = status_for(&e);
                cookies = Default::default();
                error = Some(e);
                false
            }
        };
        let set_cookies = cookies
            .morsels
            .into_iter()
            .map(|morsel| SetCookie {
                morsel,
                blocked: None,
            })
            .collect();
        let exchange = Exchange {
            status,
            set_cookies,
            vary_cookie,
            ..exchange
        };
        (exchange, error)
    }

    /// Browser `browser` reads the response: it stores each `Set-Cookie`, or
    /// refuses it and says why.
    pub fn deliver(&mut self, browser: usize, exchange: &mut Exchange) {
        let now = self.now();
        let site = exchange.origin.clone();
        let path = exchange.path.clone();
        let fetch = Self::fetch(&site, &path, exchange.initiator.as_ref());
        for set in &mut exchange.set_cookies {
            set.blocked = self.browsers[browser].receive(&set.morsel, fetch, now);
        }
    }

    /// Apply a world command. Returns a value for commands that show one (`browser js`).
    pub fn apply(&mut self, command: &WorldCommand) -> Result<Option<Value>, PyErr> {
        let now = self.now();
        match command {
            WorldCommand::Site(origin) => self.site = origin.clone(),
            WorldCommand::Path(path) => self.path = path.clone(),
            WorldCommand::BrowserClose => self.browser_mut().close(),
            WorldCommand::BrowserClear => self.browser_mut().clear(),
            WorldCommand::BrowserSet { name, value } => {
                let host = self.site.host.clone();
                self.browser_mut().purge(now);
                self.browser_mut()
                    .set_by_hand(&host, name, value, now)
                    .map_err(|why| {
                        PyErr::tool(format!("browser refuses cookie {}: {why}", str_repr(name)))
                    })?;
            }
            WorldCommand::BrowserDelete(name) => {
                let host = self.site.host.clone();
                if !self.browser_mut().delete(&host, name, now) {
                    return Err(self.no_cookie(&self.browser().name, name));
                }
            }
            WorldCommand::BrowserOpen(name) => {
                self.current = match self.browsers.iter().position(|b| b.name == *name) {
                    Some(i) => i,
                    None => {
                        self.browsers.push(Browser::new(name));
                        self.browsers.len() - 1
                    }
                };
            }
            WorldCommand::BrowserCopy { name, from } => {
                let copies: Vec<StoredCookie> = self
                    .browser_named(from)?
                    .for_host(&self.site.host, now)
                    .into_iter()
                    .filter(|c| *c.name == **name)
                    .cloned()
                    .collect();
                if copies.is_empty() {
                    return Err(self.no_cookie(from, name));
                }
                self.browser_mut().purge(now);
                self.browser_mut().paste(&copies, now);
            }
            WorldCommand::BrowserCookies(on) => self.browser_mut().cookies_enabled = *on,
            WorldCommand::BrowserJs => {
                let path = path_only(&self.path);
                return Ok(Some(Value::str(
                    &self.browser().document_cookie(&self.site, path, now),
                )));
            }
            WorldCommand::Clock(seconds) => {
                if *seconds < 0 {
                    return Err(PyErr::tool("time only moves forward: use clock +N"));
                }
                self.server.now = super::dates::add_seconds(now, *seconds)
                    .map_err(|_| PyErr::tool("the clock cannot go past the year 9999"))?;
            }
            WorldCommand::Setting { name, value } => self.server.set_setting(name, value)?,
            WorldCommand::Migrate => self.server.migrate(),
            WorldCommand::ClearSessions => self.clear_sessions()?,
            WorldCommand::ServerRestart => self.server.restart(),
        }
        let now = self.now();
        for browser in &mut self.browsers {
            browser.purge(now);
        }
        Ok(None)
    }

    /// `browser 'alice' has no cookie 'sessionid'`.
    fn no_cookie(&self, browser: &str, name: &str) -> PyErr {
        PyErr::tool(format!(
            "browser {} has no cookie {}",
            str_repr(browser),
            str_repr(name)
        ))
    }

    /// `manage.py clearsessions`: the engine's `clear_expired()`.
    fn clear_sessions(&mut self) -> Result<(), PyErr> {
        if let Some(e) = self.server.settings.engine_error() {
            return Err(e);
        }
        let now = self.now();
        match self.server.settings.engine {
            Engine::Db | Engine::CachedDb => self.server.table()?.retain(|r| r.expire_date >= now),
            Engine::File => SessionStore::clear_expired_files(&mut self.server),
            Engine::Cache | Engine::SignedCookies => {}
        }
        Ok(())
    }
}
