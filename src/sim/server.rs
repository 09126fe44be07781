//! The server side of the world: settings, the stores the engines write to
//! (the `django_session` table, the local-memory cache, session files), the
//! users, and the seeded generator of session keys.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::error::PyErr;
use super::keys::KeyGen;
use super::session::CACHE_PREFIX;
use super::settings::Settings;
use super::shared::{Keyed, SharedMap};
use super::value::{Dict, Value, deep_copy_dict, strings_mut};

/// One row of the `django_session` table (`contrib/sessions/models.py`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub session_key: String,
    /// Shared with the views of the store that show it.
    pub session_data: Rc<str>,
    pub expire_date: i64,
}

impl Keyed for SessionRow {
    fn key(&self) -> &str {
        &self.session_key
    }
}

/// One entry of the local-memory cache (`core/cache/backends/locmem.py`).
#[derive(Clone, Debug)]
pub struct CacheEntry {
    /// The key the engine asked for, without the `:1:` version prefix.
    pub key: String,
    /// What was pickled: a private copy of the session dict.
    pub value: Dict,
    /// `None` never expires.
    pub expires_at: Option<i64>,
}

/// `LocMemCache` with Django's defaults (300 entries, cull a third).
#[derive(Clone, Debug, Default)]
pub struct LocMemCache {
    /// Most recently used first, as the backend's `OrderedDict` keeps them.
    pub entries: Vec<CacheEntry>,
    /// Keys set or deleted since [`LocMemCache::take_touched`].
    touched: Vec<String>,
}

const MAX_ENTRIES: usize = 300;
const CULL_FREQUENCY: usize = 3;

impl LocMemCache {
    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.key == key)
    }

    /// `_has_expired` followed by `_delete` where it had.
    fn live(&mut self, key: &str, now: i64) -> Option<usize> {
        let i = self.position(key)?;
        if self.entries[i].expires_at.is_some_and(|at| at <= now) {
            self.touched.push(self.entries.remove(i).key);
            return None;
        }
        Some(i)
    }

    /// `cache.get(key)`: a fresh copy, and the entry becomes most recent.
    pub fn get(&mut self, key: &str, now: i64) -> Option<Dict> {
        let i = self.live(key, now)?;
        let entry = self.entries.remove(i);
        let value = deep_copy_dict(&entry.value);
        self.entries.insert(0, entry);
        Some(value)
    }

    /// `key in cache`.
    pub fn has_key(&mut self, key: &str, now: i64) -> bool {
        self.live(key, now).is_some()
    }

    /// `cache.set(key, value, timeout)`; a timeout of 0 expires at once.
    pub fn set(&mut self, key: &str, value: &Dict, timeout: Option<i64>, now: i64) {
        if let Some(i) = self.position(key) {
            self.entries.remove(i);
        } else if self.entries.len() >= MAX_ENTRIES {
            let count = self.entries.len() / CULL_FREQUENCY;
            let culled = self.entries.drain(self.entries.len() - count..);
            self.touched.extend(culled.map(|e| e.key));
        }
        self.touched.push(key.to_string());
        let expires_at = timeout.map(|t| {
            if t == 0 {
                now - 1
            } else {
                now.saturating_add(t)
            }
        });
        self.entries.insert(
            0,
            CacheEntry {
                key: key.to_string(),
                value: deep_copy_dict(value),
                expires_at,
            },
        );
    }

    /// `cache.add(key, value, timeout)`: only when absent or expired.
    pub fn add(&mut self, key: &str, value: &Dict, timeout: Option<i64>, now: i64) -> bool {
        if self.live(key, now).is_some() {
            return false;
        }
        self.set(key, value, timeout, now);
        true
    }

    /// `cache.delete(key)`.
    pub fn delete(&mut self, key: &str) {
        if let Some(i) = self.position(key) {
            self.entries.remove(i);
            self.touched.push(key.to_string());
        }
    }

    /// The keys set or deleted since the last call.
    pub fn take_touched(&mut self) -> Vec<String> {
        std::mem::take(&mut self.touched)
    }

    /// An entry as it stands, without touching recency or expiry.
    pub fn peek(&self, key: &str) -> Option<&CacheEntry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// One session file of the file engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionFile {
    /// The full path: `SESSION_FILE_PATH/SESSION_COOKIE_NAME` + key.
    pub name: String,
    /// Shared with the views of the store that show it.
    pub content: Rc<str>,
    pub mtime: i64,
}

impl Keyed for SessionFile {
    fn key(&self) -> &str {
        &self.name
    }
}

/// A user of `django.contrib.auth`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    /// The password hash field: unusable (`!` and 40 random characters)
    /// until `set_password()` and `save()`, then a PBKDF2 hash with a random salt.
    pub password: String,
    /// The password `set_password()` was given (what `authenticate()` checks).
    pub raw_password: Option<String>,
}

/// The simulated server.
#[derive(Clone, Debug)]
pub struct Server {
    /// The simulated clock, seconds since the epoch.
    pub now: i64,
    pub settings: Settings,
    /// The `django_session` table; `None` before `manage.py migrate`.
    pub db: Option<SharedMap<SessionRow>>,
    pub cache: LocMemCache,
    /// The session files, by full name.
    pub files: SharedMap<SessionFile>,
    pub users: Vec<UserRecord>,
    pub keygen: KeyGen,
    /// Every session key the server generated, in order (the store lists
    /// sessions in this order, and transcripts number keys by it).
    pub created_keys: Vec<String>,
    key_ranks: HashMap<String, usize>,
    /// Every `_auth_user_hash` the server computed (transcripts mask them).
    pub auth_hashes: Vec<String>,
    /// Every cookie value the `signed_cookies` engine made (transcripts show
    /// them decoded).
    pub signed_made: SignedMade,
    /// Whether `CsrfViewMiddleware` is in `MIDDLEWARE`.
    pub csrf_middleware: bool,
    /// Every CSRF secret the middleware made, in order (transcripts mask them).
    pub csrf_secrets: Vec<String>,
    /// Whether the store may read differently as a whole (`migrate`, a
    /// restart, a setting) since [`Server::take_touched_sessions`] last
    /// looked: not part of the world's value.
    pub(super) renewed: bool,
    /// Decoded `session_data`: a cache, not part of the world's value, so
    /// every copy of the server shares it.
    decoded: Rc<RefCell<DecodeCache>>,
}

/// The cookie values the `signed_cookies` engine made, in the order it made
/// them (so that undo can drop the newest).
#[derive(Clone, Debug, Default)]
pub struct SignedMade {
    order: Vec<String>,
    set: HashSet<String>,
}

impl SignedMade {
    /// Remember a value the engine made.
    pub fn insert(&mut self, value: String) {
        if self.set.insert(value.clone()) {
            self.order.push(value);
        }
    }

    /// Whether the engine made `value`.
    pub fn contains(&self, value: &str) -> bool {
        self.set.contains(value)
    }

    /// Whether the engine made any value yet.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    fn truncate(&mut self, len: usize) {
        for value in self.order.drain(len.min(self.order.len())..) {
            self.set.remove(&value);
        }
    }
}

/// How long each of the server's append-only records was at a point in time:
/// what an undo checkpoint keeps of them instead of a copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordLengths {
    keys: usize,
    hashes: usize,
    signed: usize,
    csrf: usize,
}

/// What `session_data` texts decode to under one set of signing keys,
/// bounded by the bytes of the texts it holds.
#[derive(Debug, Default)]
struct DecodeCache {
    keys: String,
    entries: HashMap<String, Dict>,
    bytes: usize,
    /// Long strings met in decoded data, so that every version of a session
    /// holding the same long text shares one copy of it.
    long: HashSet<Rc<str>>,
    long_bytes: usize,
}

/// Strings at least this long are shared between decoded sessions.
const LONG: usize = 1024;

/// The most bytes (texts and what they decode to) the decode cache holds
/// before it starts afresh.
pub const DECODE_CACHE_BYTES: usize = 4 << 20;

/// Roughly what a decoded value takes in memory (decoded JSON has no cycles).
pub fn decoded_bytes(value: &Value) -> usize {
    16 + match value {
        Value::Str(s) | Value::BigInt(s) => s.len(),
        Value::Bytes(b) => b.len(),
        Value::List(items) | Value::Set(items) => items.borrow().iter().map(decoded_bytes).sum(),
        Value::Tuple(items) => items.iter().map(decoded_bytes).sum(),
        Value::Dict(d) => d
            .borrow()
            .iter()
            .map(|(k, v)| decoded_bytes(k) + decoded_bytes(v))
            .sum(),
        _ => 0,
    }
}

/// Django's error when the table is missing.
pub fn no_such_table() -> PyErr {
    PyErr::new("OperationalError", "no such table: django_session")
}

impl Server {
    /// A fresh `startproject` server: default settings, migrated or not.
    pub fn new(now: i64, seed: u64, migrated: bool) -> Self {
        Self {
            now,
            settings: Settings::default(),
            db: migrated.then(SharedMap::default),
            cache: LocMemCache::default(),
            files: SharedMap::default(),
            users: Vec::new(),
            keygen: KeyGen::new(seed),
            created_keys: Vec::new(),
            key_ranks: HashMap::new(),
            auth_hashes: Vec::new(),
            signed_made: Default::default(),
            csrf_middleware: false,
            csrf_secrets: Vec::new(),
            renewed: false,
            decoded: Rc::default(),
        }
    }

    /// This server without its append-only records (keys made, auth hashes,
    /// signed values), which [`Server::restore_records`] takes back from a
    /// later state; the decode cache is shared.
    pub fn without_records(&self) -> (Self, RecordLengths) {
        let lengths = RecordLengths {
            keys: self.created_keys.len(),
            hashes: self.auth_hashes.len(),
            signed: self.signed_made.order.len(),
            csrf: self.csrf_secrets.len(),
        };
        let server = Self {
            now: self.now,
            settings: self.settings.clone(),
            db: self.db.clone(),
            cache: self.cache.clone(),
            files: self.files.clone(),
            users: self.users.clone(),
            keygen: self.keygen.clone(),
            created_keys: Vec::new(),
            key_ranks: HashMap::new(),
            auth_hashes: Vec::new(),
            signed_made: SignedMade::default(),
            csrf_middleware: self.csrf_middleware,
            csrf_secrets: Vec::new(),
            renewed: false,
            decoded: Rc::clone(&self.decoded),
        };
        (server, lengths)
    }

    /// Take the records of `later` (a state this one came before), cut back
    /// to the lengths they had here.
    pub fn restore_records(&mut self, later: &mut Server, lengths: RecordLengths) {
        let mut keys = std::mem::take(&mut later.created_keys);
        let mut ranks = std::mem::take(&mut later.key_ranks);
        for (i, key) in keys.iter().enumerate().skip(lengths.keys) {
            if ranks.get(key) == Some(&i) {
                ranks.remove(key);
            }
        }
        keys.truncate(lengths.keys);
        let mut hashes = std::mem::take(&mut later.auth_hashes);
        hashes.truncate(lengths.hashes);
        let mut signed = std::mem::take(&mut later.signed_made);
        signed.truncate(lengths.signed);
        let mut csrf = std::mem::take(&mut later.csrf_secrets);
        csrf.truncate(lengths.csrf);
        self.csrf_secrets = csrf;
        self.created_keys = keys;
        self.key_ranks = ranks;
        self.auth_hashes = hashes;
        self.signed_made = signed;
    }

    /// `get_random_string(32, VALID_KEY_CHARS)`.
    pub fn random_key(&mut self) -> String {
        let key = self.keygen.session_key();
        self.key_ranks
            .entry(key.clone())
            .or_insert(self.created_keys.len());
        self.created_keys.push(key.clone());
        key
    }

    /// The table, or Django's error when it does not exist yet.
    pub fn table(&mut self) -> Result<&mut SharedMap<SessionRow>, PyErr> {
        self.db.as_mut().ok_or_else(no_such_table)
    }

    /// Where a key stands in creation order (unknown keys last).
    pub fn key_rank(&self, key: &str) -> usize {
        self.key_ranks.get(key).copied().unwrap_or(usize::MAX)
    }

    /// The user named `username`, created on first use (`create_user`); the
    /// `auth_user` table only exists once migrated.
    pub fn user(&mut self, username: &str) -> Result<UserRecord, PyErr> {
        self.check_users_table()?;
        if let Some(user) = self.users.iter().find(|u| u.username == username) {
            return Ok(user.clone());
        }
        let user = UserRecord {
            id: self.users.len() as i64 + 1,
            username: username.to_string(),
            password: format!("!{}", self.keygen.string(40, KeyGen::PASSWORD_CHARS)),
            raw_password: None,
        };
        self.users.push(user.clone());
        Ok(user)
    }

    /// The user with primary key `id`.
    pub fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>, PyErr> {
        self.check_users_table()?;
        Ok(self.users.iter().find(|u| u.id == id).cloned())
    }

    /// `migrate` creates `auth_user` along with `django_session`.
    pub fn check_users_table(&self) -> Result<(), PyErr> {
        match self.db {
            Some(_) => Ok(()),
            None => Err(PyErr::new("OperationalError", "no such table: auth_user")),
        }
    }

    fn signing_keys(&self) -> String {
        let mut keys = self.settings.secret_key.clone();
        for fallback in &self.settings.secret_key_fallbacks {
            keys.push('\0');
            keys.push_str(fallback);
        }
        keys
    }

    /// Whether the signing keys are the ones the cache was filled under.
    fn same_keys(&self, keys: &str) -> bool {
        let settings = &self.settings;
        let mut parts = keys.split('\0');
        parts.next() == Some(settings.secret_key.as_str())
            && settings
                .secret_key_fallbacks
                .iter()
                .all(|f| parts.next() == Some(f.as_str()))
            && parts.next().is_none()
    }

    /// What `session_data` decoded to under the current keys, if remembered
    /// (a private copy).
    pub fn decoded(&self, session_data: &str) -> Option<Dict> {
        let cache = self.decoded.borrow();
        if !self.same_keys(&cache.keys) {
            return None;
        }
        cache.entries.get(session_data).map(deep_copy_dict)
    }

    /// Remember what `session_data` decodes to under the current keys; its
    /// long strings become the ones already met, where they were.
    pub fn remember_decoded(&self, session_data: &str, dict: &mut Dict) {
        let mut cache = self.decoded.borrow_mut();
        let cache = &mut *cache;
        if cache.long_bytes > DECODE_CACHE_BYTES {
            cache.long.clear();
            cache.long_bytes = 0;
        }
        strings_mut(dict, &mut |s| {
            if s.len() < LONG {
                return;
            }
            match cache.long.get(&**s) {
                Some(kept) => *s = Rc::clone(kept),
                None => {
                    cache.long_bytes += s.len();
                    cache.long.insert(Rc::clone(s));
                }
            }
        });
        let cost = session_data.len()
            + dict
                .iter()
                .map(|(k, v)| decoded_bytes(k) + decoded_bytes(v))
                .sum::<usize>();
        if cost > DECODE_CACHE_BYTES {
            return;
        }
        if !self.same_keys(&cache.keys) || cache.bytes + cost > DECODE_CACHE_BYTES {
            cache.keys = self.signing_keys();
            cache.entries.clear();
            cache.bytes = 0;
        }
        if cache
            .entries
            .insert(session_data.to_string(), deep_copy_dict(dict))
            .is_none()
        {
            cache.bytes += cost;
        }
    }

    /// The session keys whose stored sessions were written or deleted since
    /// the last call (a key may be named that no longer shows), so that a
    /// view of the store can follow the change without reading it all;
    /// `None` when a store was created or emptied whole.
    pub fn take_touched_sessions(&mut self) -> Option<Vec<String>> {
        let renewed = std::mem::take(&mut self.renewed);
        let mut keys = self
            .db
            .as_mut()
            .map(SharedMap::take_touched)
            .unwrap_or_default();
        let files = self.files.take_touched();
        if !files.is_empty() {
            let prefix = self.settings.file_prefix();
            keys.extend(
                files
                    .into_iter()
                    .filter_map(|name| name.strip_prefix(&prefix).map(str::to_string)),
            );
        }
        keys.extend(
            self.cache
                .take_touched()
                .into_iter()
                .filter_map(|key| key.strip_prefix(CACHE_PREFIX).map(str::to_string)),
        );
        keys.sort_unstable();
        keys.dedup();
        (!renewed).then_some(keys)
    }

    /// `manage.py migrate`: create the table if it is missing.
    pub fn migrate(&mut self) {
        if self.db.is_none() {
            self.db = Some(SharedMap::default());
            self.renewed = true;
        }
    }

    /// `settings.NAME = value`. Any stored row may now read differently (a
    /// new key decodes nothing, another engine keeps another store).
    pub fn set_setting(&mut self, name: &str, value: &Value) -> Result<(), PyErr> {
        self.renewed = true;
        self.settings.set(name, value)
    }

    /// `server restart`: the process's memory (the local-memory cache) is lost.
    pub fn restart(&mut self) {
        self.cache = LocMemCache::default();
        self.renewed = true;
    }
}
