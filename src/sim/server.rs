//! The server side of the world: settings, the stores the engines write to
//! (the `django_session` table, the local-memory cache, session files), the
//! users, and the seeded generator of session keys.

use std::cell::RefCell;
use std::collections::HashMap;

use super::error::PyErr;
use super::keys::KeyGen;
use super::settings::Settings;
use super::value::{Dict, deep_copy_dict};

/// One row of the `django_session` table (`contrib/sessions/models.py`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub session_key: String,
    pub session_data: String,
    pub expire_date: i64,
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
            self.entries.remove(i);
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
            self.entries.truncate(self.entries.len() - count);
        }
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
        }
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
    pub content: String,
    pub mtime: i64,
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
    pub db: Option<Vec<SessionRow>>,
    pub cache: LocMemCache,
    pub files: Vec<SessionFile>,
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
    pub signed_made: std::collections::HashSet<String>,
    /// Whether `CsrfViewMiddleware` is in `MIDDLEWARE`.
    pub csrf_middleware: bool,
    /// Every CSRF secret the middleware made, in order (transcripts mask them).
    pub csrf_secrets: Vec<String>,
    /// Decoded `session_data`, by the keys it was decoded under and the text.
    decoded: RefCell<HashMap<(String, String), Dict>>,
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
            db: migrated.then(Vec::new),
            cache: LocMemCache::default(),
            files: Vec::new(),
            users: Vec::new(),
            keygen: KeyGen::new(seed),
            created_keys: Vec::new(),
            key_ranks: HashMap::new(),
            auth_hashes: Vec::new(),
            signed_made: Default::default(),
            csrf_middleware: false,
            csrf_secrets: Vec::new(),
            decoded: RefCell::default(),
        }
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
    pub fn table(&mut self) -> Result<&mut Vec<SessionRow>, PyErr> {
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

    /// What `session_data` decoded to under the current keys, if remembered.
    pub fn decoded(&self, session_data: &str) -> Option<Dict> {
        self.decoded
            .borrow()
            .get(&(self.signing_keys(), session_data.to_string()))
            .cloned()
    }

    /// Remember what `session_data` decodes to under the current keys.
    pub fn remember_decoded(&self, session_data: &str, dict: &Dict) {
        let mut decoded = self.decoded.borrow_mut();
        if decoded.len() > 4096 {
            decoded.clear();
        }
        decoded.insert(
            (self.signing_keys(), session_data.to_string()),
            deep_copy_dict(dict),
        );
    }

    /// `manage.py migrate`: create the table if it is missing.
    pub fn migrate(&mut self) {
        if self.db.is_none() {
            self.db = Some(Vec::new());
        }
    }

    /// `server restart`: the process's memory (the local-memory cache) is lost.
    pub fn restart(&mut self) {
        self.cache = LocMemCache::default();
    }
}
