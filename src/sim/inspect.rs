//! Reading the world as the panes, goals and transcripts show it: the jar as
//! devtools lists it, the store as the engine keeps it, and what a session
//! cookie leads to. Nothing here changes the world.

use std::cell::OnceCell;
use std::rc::Rc;

use super::browser::{CookieId, SameSite, StoredCookie};
use super::keys::VALID_KEY_CHARS;
use super::server::{CacheEntry, SessionFile, SessionRow};
use super::session::{
    CACHE_PREFIX, CACHED_DB_PREFIX, SIGNED_COOKIES_SALT, SessionStore, expiry_age, file_expiry,
};
use super::settings::Engine;
use super::signing;
use super::value::{Dict, Value};
use super::world::World;

/// One session as the store shows it.
#[derive(Clone, Debug)]
pub struct StoredSession {
    /// Where its key stands in the order keys were created (unknown keys last).
    pub rank: usize,
    pub key: String,
    /// The data, decoded as the engine decodes it.
    pub data: Dict,
    /// Seconds until the engine treats it as expired (negative once it has).
    pub expires_in: i64,
    /// Where it lives: the cache key, the file name, or the table.
    pub location: String,
    /// The stored form: the encoded `session_data` / file content, or the
    /// dict's repr for the cache.
    pub raw: Rc<str>,
    /// How many characters the data's repr has, counted when first asked
    /// for (the repr itself is not kept: every state undo keeps holds its
    /// rows).
    repr_chars: OnceCell<usize>,
}

impl StoredSession {
    /// The data's repr (`{'cart': ['apple']}`).
    pub fn data_repr(&self) -> String {
        Value::dict(self.data.clone()).repr()
    }

    /// How many characters [`StoredSession::data_repr`] has.
    pub fn repr_chars(&self) -> usize {
        *self
            .repr_chars
            .get_or_init(|| self.data_repr().chars().count())
    }

    /// The store's order: by when the key was created.
    pub fn order(&self, other: &Self) -> std::cmp::Ordering {
        (self.rank, &self.key).cmp(&(other.rank, &other.key))
    }

    /// Whether it shows the same as `other`: key, expiry and stored form
    /// (the data is what the stored form decodes to).
    pub fn same_as(&self, other: &Self) -> bool {
        (
            self.rank,
            &self.key,
            self.expires_in,
            &self.raw,
            &self.location,
        ) == (
            other.rank,
            &other.key,
            other.expires_in,
            &other.raw,
            &other.location,
        )
    }
}

/// What a session cookie's value leads to on the server.
#[derive(Clone, Debug)]
pub enum SessionBehind {
    /// A live session with this data.
    Live(Dict),
    /// A stored session that has expired.
    Expired,
    /// No stored session has this key.
    Missing,
    /// A `signed_cookies` value the engine would not accept now.
    Rejected,
}

/// One cookie as the jar view shows it (devtools' columns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JarEntry {
    pub name: String,
    /// The value as stored, quotes and escapes kept.
    pub raw: String,
    /// The value as Django reads it back.
    pub value: String,
    /// The host, or `.` + the domain of a domain cookie.
    pub domain: String,
    pub path: String,
    /// Seconds until it expires; `None` for a browser-session cookie.
    pub expires_in: Option<i64>,
    pub secure: bool,
    pub httponly: bool,
    pub samesite: Option<SameSite>,
    /// When it was created and in what order, for devtools' order.
    pub created: (i64, u64),
}

impl JarEntry {
    fn of(c: &StoredCookie, now: i64) -> Self {
        Self {
            name: c.name.to_string(),
            raw: c.raw_value.to_string(),
            value: c.value(),
            domain: c.shown_domain(),
            path: c.path.clone(),
            expires_in: c.expires_at.map(|at| at - now),
            secure: c.secure,
            httponly: c.httponly,
            samesite: c.samesite,
            created: (c.created_at, c.seq),
        }
    }

    /// devtools' order: by shown domain (code points), then the `Cookie:`
    /// header's order (longer paths first, then older cookies first).
    pub fn order(&self, other: &Self) -> std::cmp::Ordering {
        self.domain
            .cmp(&other.domain)
            .then(other.path.len().cmp(&self.path.len()))
            .then(self.created.cmp(&other.created))
    }

    /// Whether it is the cookie `id` names.
    pub fn is(&self, id: &CookieId) -> bool {
        self.name == id.name && self.domain == id.domain && self.path == id.path
    }

    /// What tells this cookie apart from another of the same name.
    pub fn id(&self) -> String {
        format!("{} {} {}", self.name, self.domain, self.path)
    }

    /// devtools' Size column: name and raw value, in bytes.
    pub fn size(&self) -> usize {
        self.name.len() + self.raw.len()
    }

    /// Whether requests to `host` may carry it (its domain matches).
    pub fn sent_to(&self, host: &str) -> bool {
        match self.domain.strip_prefix('.') {
            Some(domain) => super::browser::domain_matches(domain, false, host),
            None => super::browser::domain_matches(&self.domain, true, host),
        }
    }
}

impl World {
    /// The current browser's live cookies, every domain, in devtools' order.
    pub fn jar(&self) -> Vec<JarEntry> {
        let now = self.now();
        self.browser()
            .jar(now)
            .into_iter()
            .map(|c| JarEntry::of(c, now))
            .collect()
    }

    /// The current browser's cookie `id` as the jar view shows it, if it is
    /// there and live.
    pub fn jar_entry(&self, id: &CookieId) -> Option<JarEntry> {
        let now = self.now();
        self.browser()
            .cookies
            .iter()
            .find(|c| id.names(c) && !c.expired(now))
            .map(|c| JarEntry::of(c, now))
    }

    /// The current engine's sessions, in the order their keys were created.
    pub fn store(&self) -> Vec<StoredSession> {
        let server = &self.server;
        if server.settings.engine_error().is_some() {
            return Vec::new();
        }
        let mut sessions: Vec<StoredSession> = match server.settings.engine {
            Engine::Db | Engine::CachedDb => server
                .db
                .iter()
                .flat_map(|table| table.iter())
                .map(|row| self.db_session(row))
                .collect(),
            Engine::Cache => return self.cached_sessions(CACHE_PREFIX),
            Engine::File => {
                let prefix = server.settings.file_prefix();
                server
                    .files
                    .iter()
                    .filter_map(|f| self.file_session(&prefix, f))
                    .collect()
            }
            Engine::SignedCookies => Vec::new(),
        };
        sessions.sort_by(StoredSession::order);
        sessions
    }

    /// The session with `key` as the current engine's store shows it, if it
    /// shows one.
    pub fn stored_session(&self, key: &str) -> Option<StoredSession> {
        let server = &self.server;
        if server.settings.engine_error().is_some() {
            return None;
        }
        match server.settings.engine {
            Engine::Db | Engine::CachedDb => Some(self.db_session(server.db.as_ref()?.get(key)?)),
            Engine::Cache => {
                let entry = server.cache.peek(&format!("{CACHE_PREFIX}{key}"))?;
                self.cached_session(CACHE_PREFIX, entry)
            }
            Engine::File => {
                let prefix = server.settings.file_prefix();
                let file = server.files.get(&format!("{prefix}{key}"))?;
                self.file_session(&prefix, file)
            }
            Engine::SignedCookies => None,
        }
    }

    fn db_session(&self, row: &SessionRow) -> StoredSession {
        let server = &self.server;
        StoredSession {
            rank: server.key_rank(&row.session_key),
            key: row.session_key.clone(),
            data: SessionStore::decode(server, &row.session_data),
            expires_in: row.expire_date - server.now,
            location: "django_session".into(),
            raw: Rc::clone(&row.session_data),
            repr_chars: OnceCell::new(),
        }
    }

    /// A file the engine lists: named `SESSION_COOKIE_NAME` + a valid key.
    fn file_session(&self, prefix: &str, f: &SessionFile) -> Option<StoredSession> {
        let server = &self.server;
        let key = f.name.strip_prefix(prefix)?;
        if key.is_empty() || !key.bytes().all(|c| VALID_KEY_CHARS.contains(&c)) {
            return None;
        }
        let data = if f.content.is_empty() {
            Dict::new()
        } else {
            SessionStore::decode(server, &f.content)
        };
        let expiry = file_expiry(server, &data, f.mtime);
        Some(StoredSession {
            rank: server.key_rank(key),
            key: key.to_string(),
            expires_in: expiry_age(server, &expiry).unwrap_or(0),
            data,
            location: f.name.clone(),
            raw: Rc::clone(&f.content),
            repr_chars: OnceCell::new(),
        })
    }

    /// The session a request carrying `value` as its session cookie would
    /// find (as the store shows it, without loading anything).
    pub fn session_behind(&self, value: &str) -> SessionBehind {
        if self.server.settings.engine == Engine::SignedCookies {
            return match self.signed_session_data(value) {
                Some(Value::Dict(d)) => SessionBehind::Live(d.borrow().clone()),
                _ => SessionBehind::Rejected,
            };
        }
        match self.stored_session(value) {
            Some(s) if s.expires_in > 0 => SessionBehind::Live(s.data),
            Some(_) => SessionBehind::Expired,
            None => SessionBehind::Missing,
        }
    }

    /// The live local-memory cache entries an engine keeps under `prefix`
    /// (`CACHE_PREFIX` or `CACHED_DB_PREFIX`), in the order their keys were
    /// created; `expires_in` is `i64::MAX` for an entry with no timeout.
    pub fn cached_sessions(&self, prefix: &str) -> Vec<StoredSession> {
        let mut sessions: Vec<StoredSession> = self
            .server
            .cache
            .entries
            .iter()
            .filter_map(|e| self.cached_session(prefix, e))
            .collect();
        sessions.sort_by(StoredSession::order);
        sessions
    }

    /// One cache entry as the store shows it, if it is live and under `prefix`.
    fn cached_session(&self, prefix: &str, e: &CacheEntry) -> Option<StoredSession> {
        let now = self.now();
        if e.expires_at.is_some_and(|at| at <= now)
            // `cached_db` keys start with the cache engine's prefix too.
            || (prefix != CACHED_DB_PREFIX && e.key.starts_with(CACHED_DB_PREFIX))
        {
            return None;
        }
        let key = e.key.strip_prefix(prefix)?;
        Some(StoredSession {
            rank: self.server.key_rank(key),
            key: key.to_string(),
            data: e.value.clone(),
            expires_in: e.expires_at.map_or(i64::MAX, |at| at - now),
            location: format!(":1:{}", e.key),
            raw: Value::dict(e.value.clone()).repr().into(),
            repr_chars: OnceCell::new(),
        })
    }

    /// For the `signed_cookies` engine: the data a session cookie value holds if
    /// the engine's own `load()` would accept it now.
    pub fn signed_session_data(&self, value: &str) -> Option<Value> {
        let settings = &self.server.settings;
        if settings.engine != Engine::SignedCookies || settings.engine_error().is_some() {
            return None;
        }
        self.signed_cookie_data(value)
    }

    /// The data a value holds if the `signed_cookies` engine's `load()` would
    /// accept it now, whatever engine is active.
    pub fn signed_cookie_data(&self, value: &str) -> Option<Value> {
        self.signed_cookie_data_at(value, Some(self.server.settings.cookie_age))
    }

    /// The same with `max_age` given (`None`: the signature alone).
    pub fn signed_cookie_data_at(&self, value: &str, max_age: Option<i64>) -> Option<Value> {
        let settings = &self.server.settings;
        signing::loads(
            value,
            &settings.secret_key,
            &settings.secret_key_fallbacks,
            SIGNED_COOKIES_SALT,
            max_age,
            self.now(),
        )
        .ok()
        .filter(|v| matches!(v, Value::Dict(_)))
    }
}
