//! `request.session`: one `SessionStore` per request, mirroring
//! `contrib/sessions/backends/base.py` and the five engines in
//! `backends/{db,cache,cached_db,file,signed_cookies}.py`, method by method.

use std::cell::RefCell;
use std::rc::Rc;

use super::budget::{self, RECURSION_LIMIT};
use super::dates::{add_seconds, float_seconds, iso_format, parse_iso};
use super::error::PyErr;
use super::keys::VALID_KEY_CHARS;
use super::server::{Server, SessionFile, SessionRow, no_such_table};
use super::settings::Engine;
use super::signing;
use super::value::{Dict, DictRef, Value, from_json, nests_within, py_eq, to_json};

/// `SessionBase.key_salt` for every built-in engine (`__qualname__` is
/// `SessionStore` in each).
pub const KEY_SALT: &str = "django.contrib.sessions.SessionStore";
/// The salt of the `signed_cookies` engine.
pub const SIGNED_COOKIES_SALT: &str = "django.contrib.sessions.backends.signed_cookies";
/// `backends/cache.py` `KEY_PREFIX`.
pub const CACHE_PREFIX: &str = "django.contrib.sessions.cache";
/// `backends/cached_db.py` `KEY_PREFIX`.
pub const CACHED_DB_PREFIX: &str = "django.contrib.sessions.cached_db";
/// `SessionBase.TEST_COOKIE_NAME` / `TEST_COOKIE_VALUE`.
const TEST_COOKIE: (&str, &str) = ("testcookie", "worked");
/// The key `set_expiry()` stores.
pub const EXPIRY_KEY: &str = "_session_expiry";

/// How `save()` fails (`base.py`): the internal `CreateError` (the key is
/// taken: `create()` draws another) and `UpdateError` (the session was
/// deleted before the request completed), or an exception.
#[derive(Debug)]
pub enum SaveError {
    Create,
    Update,
    Py(PyErr),
}

impl From<PyErr> for SaveError {
    fn from(e: PyErr) -> Self {
        SaveError::Py(e)
    }
}

impl From<SaveError> for PyErr {
    fn from(e: SaveError) -> Self {
        match e {
            SaveError::Create => PyErr::new("CreateError", ""),
            SaveError::Update => update_error(),
            SaveError::Py(e) => e,
        }
    }
}

/// `UpdateError` as the middleware sees it.
pub fn update_error() -> PyErr {
    PyErr::new("UpdateError", "")
}

/// One request's session object.
#[derive(Clone, Debug)]
pub struct SessionStore {
    pub engine: Engine,
    key: Option<String>,
    cache: Option<DictRef>,
    pub accessed: bool,
    pub modified: bool,
    /// The file engine's storage path and `file_prefix` (`SESSION_COOKIE_NAME`)
    /// when the store was made: session files are named this plus the key
    /// (empty for the other engines).
    file_prefix: String,
    /// `clear_expired()` of the file engine replaces `create` with a no-op.
    create_disabled: bool,
}

/// `_validate_session_key`: truthy and at least 8 characters.
fn validate(key: Option<String>) -> Option<String> {
    key.filter(|k| k.chars().count() >= 8)
}

impl SessionStore {
    /// `SessionStore(session_key)` as `SessionMiddleware.process_request` makes it.
    pub fn new(engine: Engine, cookie: Option<&str>, server: &Server) -> Self {
        Self {
            engine,
            key: validate(cookie.map(str::to_string)),
            cache: None,
            accessed: false,
            modified: false,
            file_prefix: if engine == Engine::File {
                server.settings.file_prefix()
            } else {
                String::new()
            },
            create_disabled: false,
        }
    }

    /// `session_key`: `None` until the session has been saved.
    pub fn session_key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    fn set_key(&mut self, key: Option<String>) {
        self.key = validate(key);
    }

    /// `_get_session()`: the data, loaded from storage on first use.
    pub fn data(&mut self, server: &mut Server) -> Result<DictRef, PyErr> {
        self.accessed = true;
        if let Some(cache) = &self.cache {
            return Ok(cache.clone());
        }
        let data = if self.key.is_none() {
            Dict::new()
        } else {
            self.load(server)?
        };
        let data = Rc::new(RefCell::new(data));
        self.cache = Some(data.clone());
        Ok(data)
    }

    /// `_get_session(no_load=True)`.
    fn data_no_load(&mut self) -> DictRef {
        self.accessed = true;
        self.cache.get_or_insert_with(Default::default).clone()
    }

    /// `_get_session(no_load=must_create)`.
    fn data_for_save(&mut self, server: &mut Server, must_create: bool) -> Result<DictRef, PyErr> {
        if must_create {
            Ok(self.data_no_load())
        } else {
            self.data(server)
        }
    }

    /// `_get_or_create_session_key()`.
    fn key_or_create(&mut self, server: &mut Server) -> String {
        self.key.get_or_insert_with(|| server.random_key()).clone()
    }

    /// `_get_new_session_key()`: draw again while `exists(key)`.
    fn new_key(&mut self, server: &mut Server) -> Result<String, PyErr> {
        loop {
            let key = server.random_key();
            if !self.exists(server, &key)? {
                return Ok(key);
            }
        }
    }

    /// `encode()`. What `decode()` will read back is the data through JSON:
    /// it is remembered now, so showing the row just written needs no
    /// unsigning or inflating.
    fn encode(&self, server: &Server, data: &Dict) -> Result<String, PyErr> {
        let json = to_json(&Value::dict(data.clone()))?;
        let session_data =
            signing::dumps_json(&json, &server.settings.secret_key, KEY_SALT, server.now);
        if let Some(Value::Dict(read)) = from_json(&json) {
            let mut read = read.borrow().clone();
            server.remember_decoded(&session_data, &mut read);
        }
        Ok(session_data)
    }

    /// `decode()`: a bad signature or anything else reads as `{}`.
    pub fn decode(server: &Server, session_data: &str) -> Dict {
        // Decoding does not depend on the clock (no max_age), so the result for
        // a string under the same keys can be remembered.
        if let Some(dict) = server.decoded(session_data) {
            return dict;
        }
        let settings = &server.settings;
        let mut dict = match signing::loads(
            session_data,
            &settings.secret_key,
            &settings.secret_key_fallbacks,
            KEY_SALT,
            None,
            server.now,
        ) {
            Ok(Value::Dict(d)) => d.borrow().clone(),
            _ => Dict::new(),
        };
        server.remember_decoded(session_data, &mut dict);
        dict
    }

    fn cache_key(&mut self, server: &mut Server, prefix: &str) -> String {
        format!("{prefix}{}", self.key_or_create(server))
    }

    /// `load()`, per engine.
    fn load(&mut self, server: &mut Server) -> Result<Dict, PyErr> {
        match self.engine {
            Engine::Db => Ok(match self.session_from_db(server)? {
                Some(row) => Self::decode(server, &row.session_data),
                None => Dict::new(),
            }),
            Engine::Cache => {
                let key = self.cache_key(server, CACHE_PREFIX);
                match server.cache.get(&key, server.now) {
                    Some(data) => Ok(data),
                    None => {
                        self.key = None;
                        Ok(Dict::new())
                    }
                }
            }
            Engine::CachedDb => {
                let key = self.cache_key(server, CACHED_DB_PREFIX);
                if let Some(data) = server.cache.get(&key, server.now) {
                    return Ok(data);
                }
                match self.session_from_db(server)? {
                    Some(row) => {
                        let data = Self::decode(server, &row.session_data);
                        let timeout = row.expire_date.saturating_sub(server.now);
                        let key = self.cache_key(server, CACHED_DB_PREFIX);
                        server.cache.set(&key, &data, Some(timeout), server.now);
                        Ok(data)
                    }
                    None => Ok(Dict::new()),
                }
            }
            Engine::File => self.load_file(server),
            Engine::SignedCookies => {
                let settings = &server.settings;
                let loaded = signing::loads(
                    self.key.as_deref().unwrap_or_default(),
                    &settings.secret_key,
                    &settings.secret_key_fallbacks,
                    SIGNED_COOKIES_SALT,
                    Some(settings.cookie_age),
                    server.now,
                );
                match loaded {
                    Ok(Value::Dict(d)) => Ok(d.borrow().clone()),
                    _ => {
                        self.create(server)?;
                        Ok(Dict::new())
                    }
                }
            }
        }
    }

    /// `db.SessionStore._get_session_from_db()`.
    fn session_from_db(&mut self, server: &mut Server) -> Result<Option<SessionRow>, PyErr> {
        let now = server.now;
        let key = self.key.clone();
        let table = server.table()?;
        let row = key
            .as_deref()
            .and_then(|key| table.get(key))
            .filter(|r| r.expire_date > now)
            .cloned();
        if row.is_none() {
            self.key = None;
        }
        Ok(row)
    }

    /// `file.SessionStore._key_to_file()`: the file name for a key.
    fn key_to_file(&mut self, server: &mut Server, key: Option<&str>) -> Result<String, PyErr> {
        let key = match key {
            Some(k) => k.to_string(),
            None => self.key_or_create(server),
        };
        if !key.bytes().all(|c| VALID_KEY_CHARS.contains(&c)) {
            return Err(PyErr::new(
                "InvalidSessionKey",
                "Invalid characters in session key",
            ));
        }
        Ok(format!("{}{key}", self.file_prefix))
    }

    /// `file.SessionStore.load()`.
    fn load_file(&mut self, server: &mut Server) -> Result<Dict, PyErr> {
        let Ok(name) = self.key_to_file(server, None) else {
            self.key = None;
            return Ok(Dict::new());
        };
        let Some(file) = server.files.get(&name).cloned() else {
            self.key = None;
            return Ok(Dict::new());
        };
        if file.content.is_empty() {
            return Ok(Dict::new());
        }
        let data = Self::decode(server, &file.content);
        let expiry = file_expiry(server, &data, file.mtime);
        if self.expiry_age_of(server, &expiry)? <= 0 {
            self.delete(server, None)?;
            self.create(server)?;
            return Ok(Dict::new());
        }
        Ok(data)
    }

    /// `exists(session_key)`, per engine.
    pub fn exists(&mut self, server: &mut Server, key: &str) -> Result<bool, PyErr> {
        let now = server.now;
        Ok(match self.engine {
            Engine::Db => server.table()?.contains(key),
            Engine::Cache => {
                !key.is_empty() && server.cache.has_key(&format!("{CACHE_PREFIX}{key}"), now)
            }
            Engine::CachedDb => {
                (!key.is_empty()
                    && server
                        .cache
                        .has_key(&format!("{CACHED_DB_PREFIX}{key}"), now))
                    || server.table()?.contains(key)
            }
            Engine::File => {
                let name = self.key_to_file(server, Some(key))?;
                server.files.contains(&name)
            }
            Engine::SignedCookies => false,
        })
    }

    /// `create()`, per engine: a new key, saved at once with the current data.
    pub fn create(&mut self, server: &mut Server) -> Result<(), PyErr> {
        if self.create_disabled {
            return Ok(());
        }
        if self.engine == Engine::SignedCookies {
            self.modified = true;
            return Ok(());
        }
        loop {
            let key = self.new_key(server)?;
            self.key = Some(key);
            match self.try_save(server, true) {
                Err(SaveError::Create) => continue,
                Err(e) => return Err(e.into()),
                Ok(()) => break,
            }
        }
        self.modified = true;
        Ok(())
    }

    /// `save(must_create)`, per engine. `UpdateError` comes back as a `PyErr`
    /// of that class for the middleware to turn into `SessionInterrupted`.
    pub fn save(&mut self, server: &mut Server, must_create: bool) -> Result<(), PyErr> {
        Ok(self.try_save(server, must_create)?)
    }

    fn try_save(&mut self, server: &mut Server, must_create: bool) -> Result<(), SaveError> {
        match self.engine {
            Engine::SignedCookies => {
                let data = self.data(server)?;
                let value = signing::dumps(
                    &Value::Dict(data),
                    &server.settings.secret_key,
                    SIGNED_COOKIES_SALT,
                    server.now,
                )?;
                server.signed_made.insert(value.clone());
                self.set_key(Some(value));
                self.modified = true;
                Ok(())
            }
            _ if self.key.is_none() => Ok(self.create(server)?),
            Engine::Db => self.save_db(server, must_create),
            Engine::CachedDb => {
                self.save_db(server, must_create)?;
                let data = self.data(server)?;
                let age = self.get_expiry_age(server)?;
                let key = self.cache_key(server, CACHED_DB_PREFIX);
                server
                    .cache
                    .set(&key, &data.borrow(), Some(age), server.now);
                Ok(())
            }
            Engine::Cache => {
                let key = self.cache_key(server, CACHE_PREFIX);
                if !must_create && server.cache.get(&key, server.now).is_none() {
                    return Err(SaveError::Update);
                }
                let data = self.data_for_save(server, must_create)?;
                // pickle.dumps recurses once per level, as far as Python's limit.
                if !nests_within(&Value::Dict(data.clone()), RECURSION_LIMIT) {
                    return Err(SaveError::Py(budget::recursion_error(
                        " while pickling an object",
                    )));
                }
                let age = self.get_expiry_age(server)?;
                let now = server.now;
                if must_create {
                    if !server.cache.add(&key, &data.borrow(), Some(age), now) {
                        return Err(SaveError::Create);
                    }
                } else {
                    server.cache.set(&key, &data.borrow(), Some(age), now);
                }
                Ok(())
            }
            Engine::File => self.save_file(server, must_create),
        }
    }

    /// `db.SessionStore.save()`: INSERT when creating, forced UPDATE otherwise.
    fn save_db(&mut self, server: &mut Server, must_create: bool) -> Result<(), SaveError> {
        if self.key.is_none() {
            return Ok(self.create(server)?);
        }
        let data = self.data_for_save(server, must_create)?;
        let session_key = self.key_or_create(server);
        let session_data = self.encode(server, &data.borrow())?;
        let expire_date = self.get_expiry_date(server)?;
        let row = SessionRow {
            session_key,
            session_data: session_data.into(),
            expire_date,
        };
        let Some(table) = server.db.as_mut() else {
            // OperationalError is a DatabaseError: an update turns it into UpdateError.
            return Err(if must_create {
                SaveError::Py(no_such_table())
            } else {
                SaveError::Update
            });
        };
        match (table.contains(&row.session_key), must_create) {
            (true, true) => Err(SaveError::Create),
            (false, false) => Err(SaveError::Update),
            _ => {
                table.insert(row);
                Ok(())
            }
        }
    }

    /// `file.SessionStore.save()`: an empty placeholder first when creating,
    /// then the encoded data written over it.
    fn save_file(&mut self, server: &mut Server, must_create: bool) -> Result<(), SaveError> {
        let data = self.data_for_save(server, must_create)?;
        let name = self.key_to_file(server, None)?;
        let exists = server.files.contains(&name);
        if must_create {
            if exists {
                return Err(SaveError::Create);
            }
            server.files.insert(SessionFile {
                name: name.clone(),
                content: "".into(),
                mtime: server.now,
            });
        } else if !exists {
            return Err(SaveError::Update);
        }
        let content = self.encode(server, &data.borrow())?;
        server.files.insert(SessionFile {
            name,
            content: content.into(),
            mtime: server.now,
        });
        Ok(())
    }

    /// `delete(session_key)`, per engine.
    pub fn delete(&mut self, server: &mut Server, key: Option<String>) -> Result<(), PyErr> {
        if self.engine == Engine::SignedCookies {
            self.set_key(Some(String::new()));
            self.cache = Some(Default::default());
            self.modified = true;
            return Ok(());
        }
        let Some(key) = key.or_else(|| self.key.clone()) else {
            return Ok(());
        };
        match self.engine {
            Engine::Db => {
                server.table()?.remove(&key);
            }
            Engine::Cache => server.cache.delete(&format!("{CACHE_PREFIX}{key}")),
            Engine::CachedDb => {
                server.table()?.remove(&key);
                server.cache.delete(&format!("{CACHED_DB_PREFIX}{key}"));
            }
            Engine::File => {
                let name = self.key_to_file(server, Some(&key))?;
                server.files.remove(&name);
            }
            Engine::SignedCookies => unreachable!("handled above"),
        }
        Ok(())
    }

    /// `flush()`: delete the data and the stored session, and drop the key.
    pub fn flush(&mut self, server: &mut Server) -> Result<(), PyErr> {
        self.clear();
        let key = self.key.clone();
        self.delete(server, key)?;
        self.key = None;
        Ok(())
    }

    /// `cycle_key()`: the same data under a new key; the old one is deleted.
    pub fn cycle_key(&mut self, server: &mut Server) -> Result<(), PyErr> {
        if self.engine == Engine::SignedCookies {
            return self.save(server, false);
        }
        let data = self.data(server)?;
        let old = self.key.clone();
        self.create(server)?;
        self.cache = Some(data);
        if let Some(old) = old {
            self.delete(server, Some(old))?;
        }
        Ok(())
    }

    /// `clear()`: empty the data without loading it.
    pub fn clear(&mut self) {
        self.cache = Some(Default::default());
        self.accessed = true;
        self.modified = true;
    }

    /// `is_empty()`: no key and no loaded data.
    pub fn is_empty(&self) -> bool {
        self.key.is_none() && self.cache.as_ref().is_none_or(|c| c.borrow().is_empty())
    }

    /// `session[key]`.
    pub fn get_item(&mut self, server: &mut Server, key: &Value) -> Result<Value, PyErr> {
        check_hashable(key)?;
        self.data(server)?
            .borrow()
            .get(key)
            .cloned()
            .ok_or_else(|| PyErr::key_error(key))
    }

    /// `session[key] = value`.
    pub fn set_item(&mut self, server: &mut Server, key: Value, value: Value) -> Result<(), PyErr> {
        check_hashable(&key)?;
        self.data(server)?.borrow_mut().insert(key, value);
        self.modified = true;
        Ok(())
    }

    /// `del session[key]`.
    pub fn del_item(&mut self, server: &mut Server, key: &Value) -> Result<(), PyErr> {
        check_hashable(key)?;
        self.data(server)?
            .borrow_mut()
            .remove(key)
            .ok_or_else(|| PyErr::key_error(key))?;
        self.modified = true;
        Ok(())
    }

    /// `key in session`.
    pub fn contains(&mut self, server: &mut Server, key: &Value) -> Result<bool, PyErr> {
        check_hashable(key)?;
        Ok(self.data(server)?.borrow().contains(key))
    }

    /// `session.get(key, default)`.
    pub fn get(
        &mut self,
        server: &mut Server,
        key: &Value,
        default: Value,
    ) -> Result<Value, PyErr> {
        check_hashable(key)?;
        Ok(self
            .data(server)?
            .borrow()
            .get(key)
            .cloned()
            .unwrap_or(default))
    }

    /// `session.pop(key[, default])`.
    pub fn pop(
        &mut self,
        server: &mut Server,
        key: &Value,
        default: Option<Value>,
    ) -> Result<Value, PyErr> {
        check_hashable(key)?;
        let data = self.data(server)?;
        let present = data.borrow().contains(key);
        self.modified = self.modified || present;
        let removed = data.borrow_mut().remove(key);
        removed.or(default).ok_or_else(|| PyErr::key_error(key))
    }

    /// `session.setdefault(key, value)`.
    pub fn setdefault(
        &mut self,
        server: &mut Server,
        key: Value,
        value: Value,
    ) -> Result<Value, PyErr> {
        check_hashable(&key)?;
        if let Some(existing) = self.data(server)?.borrow().get(&key) {
            return Ok(existing.clone());
        }
        self.set_item(server, key, value.clone())?;
        Ok(value)
    }

    /// `session.update(other)`.
    pub fn update(&mut self, server: &mut Server, pairs: Vec<(Value, Value)>) -> Result<(), PyErr> {
        let data = self.data(server)?;
        for (k, v) in pairs {
            check_hashable(&k)?;
            data.borrow_mut().insert(k, v);
        }
        self.modified = true;
        Ok(())
    }

    /// `set_test_cookie()`.
    pub fn set_test_cookie(&mut self, server: &mut Server) -> Result<(), PyErr> {
        self.set_item(server, Value::str(TEST_COOKIE.0), Value::str(TEST_COOKIE.1))
    }

    /// `test_cookie_worked()`.
    pub fn test_cookie_worked(&mut self, server: &mut Server) -> Result<bool, PyErr> {
        let got = self.get(server, &Value::str(TEST_COOKIE.0), Value::None)?;
        Ok(py_eq(&got, &Value::str(TEST_COOKIE.1)))
    }

    /// `delete_test_cookie()`.
    pub fn delete_test_cookie(&mut self, server: &mut Server) -> Result<(), PyErr> {
        self.del_item(server, &Value::str(TEST_COOKIE.0))
    }

    /// `get_expiry_age()`: the custom expiry as stored, else `SESSION_COOKIE_AGE`
    /// (never "time left").
    pub fn get_expiry_age(&mut self, server: &mut Server) -> Result<i64, PyErr> {
        let expiry = self.get(server, &Value::str(EXPIRY_KEY), Value::None)?;
        self.expiry_age_of(server, &expiry)
    }

    /// `get_expiry_age()` as the view sees it: a stored number comes back as
    /// it was stored (a float stays a float).
    pub fn get_expiry_age_value(&mut self, server: &mut Server) -> Result<Value, PyErr> {
        let expiry = self.get(server, &Value::str(EXPIRY_KEY), Value::None)?;
        match expiry {
            v @ (Value::Int(_) | Value::Float(_) | Value::Bool(_)) if v.truthy() => Ok(v),
            v => Ok(Value::Int(self.expiry_age_of(server, &v)?)),
        }
    }

    /// `get_expiry_age(expiry=...)`.
    pub fn expiry_age_of(&self, server: &Server, expiry: &Value) -> Result<i64, PyErr> {
        expiry_age(server, expiry)
    }

    /// `get_expiry_date()`: it moves with the clock unless a date was stored.
    pub fn get_expiry_date(&mut self, server: &mut Server) -> Result<i64, PyErr> {
        let expiry = self.get(server, &Value::str(EXPIRY_KEY), Value::None)?;
        match &expiry {
            Value::DateTime(t) => Ok(*t),
            Value::Str(s) => parse_iso_or_error(s),
            v if !v.truthy() => add_seconds(server.now, server.settings.cookie_age),
            v => add_seconds(server.now, expiry_age(server, v)?),
        }
    }

    /// `get_expire_at_browser_close()`.
    pub fn get_expire_at_browser_close(&mut self, server: &mut Server) -> Result<bool, PyErr> {
        let expiry = self.get(server, &Value::str(EXPIRY_KEY), Value::None)?;
        Ok(match expiry {
            Value::None => server.settings.expire_at_browser_close,
            v => py_eq(&v, &Value::Int(0)),
        })
    }

    /// `set_expiry(value)`: seconds, 0 for browser close, a datetime, or None.
    pub fn set_expiry(&mut self, server: &mut Server, value: Value) -> Result<(), PyErr> {
        match value {
            Value::None => {
                if self.contains(server, &Value::str(EXPIRY_KEY))? {
                    self.del_item(server, &Value::str(EXPIRY_KEY))?;
                }
                Ok(())
            }
            Value::DateTime(t) => {
                self.set_item(server, Value::str(EXPIRY_KEY), Value::str(&iso_format(t)))
            }
            // Django: `if isinstance(value, timedelta): value = timezone.now() + value`.
            Value::Object(o) if matches!(&*o, crate::sim::value::Object::TimeDelta(_)) => {
                let crate::sim::value::Object::TimeDelta(d) = &*o else {
                    unreachable!("matched above")
                };
                let at = server
                    .now
                    .checked_add(*d)
                    .ok_or_else(|| PyErr::new("OverflowError", "date value out of range"))?;
                self.set_item(server, Value::str(EXPIRY_KEY), Value::str(&iso_format(at)))
            }
            // An age no date can reach fails later, where Django's does:
            // when the middleware works out the cookie's expiry.
            Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Str(_) => {
                self.set_item(server, Value::str(EXPIRY_KEY), value)
            }
            other => Err(PyErr::unsupported(format!(
                "set_expiry() takes seconds (an int), 0, None or a datetime in sessionlab, not {}",
                other.type_name()
            ))),
        }
    }

    /// `clear_expired()` of the file engine: load every session file with
    /// `create` disabled, which deletes the expired ones.
    pub fn clear_expired_files(server: &mut Server) {
        let prefix = server.settings.file_prefix();
        let keys: Vec<String> = server
            .files
            .iter()
            .filter_map(|f| f.name.strip_prefix(&prefix).map(str::to_string))
            .collect();
        for key in keys {
            let mut store = SessionStore::new(Engine::File, Some(&key), server);
            store.create_disabled = true;
            let _ = store.load(server);
        }
    }
}

/// The expiry the file engine checks: `_session_expiry`, or the file's
/// modification time plus the current `SESSION_COOKIE_AGE`.
pub fn file_expiry(server: &Server, data: &Dict, mtime: i64) -> Value {
    match data.get_str(EXPIRY_KEY) {
        Some(v) if v.truthy() => v.clone(),
        _ => Value::DateTime(mtime.saturating_add(server.settings.cookie_age)),
    }
}

/// `get_expiry_age(expiry=value)` (`base.py`).
pub fn expiry_age(server: &Server, expiry: &Value) -> Result<i64, PyErr> {
    match expiry {
        v if !v.truthy() => Ok(server.settings.cookie_age),
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i64::from(*b)),
        // Django keeps the float; Max-Age and dates use its whole seconds.
        Value::Float(f) => float_seconds(*f),
        Value::DateTime(t) => Ok(t.saturating_sub(server.now)),
        Value::Str(s) => {
            let at = parse_iso_or_error(s)?;
            // `fromisoformat()` of a date without an offset is naive, and
            // Django subtracts it from an aware now.
            if s.get(10..)
                .is_none_or(|time| !time.contains(['+', '-', 'Z']))
            {
                return Err(PyErr::new(
                    "TypeError",
                    "can't subtract offset-naive and offset-aware datetimes",
                ));
            }
            Ok(at.saturating_sub(server.now))
        }
        other => Err(PyErr::unsupported(format!(
            "a session expiry of type {} is not modelled",
            other.type_name()
        ))),
    }
}

fn parse_iso_or_error(s: &str) -> Result<i64, PyErr> {
    parse_iso(s).ok_or_else(|| {
        PyErr::new(
            "ValueError",
            format!("Invalid isoformat string: {}", Value::str(s).repr()),
        )
    })
}

/// Python raises `TypeError` for a dict key it cannot hash.
pub fn check_hashable(key: &Value) -> Result<(), PyErr> {
    if key.hashable() {
        Ok(())
    } else {
        Err(PyErr::new(
            "TypeError",
            format!("unhashable type: '{}'", key.type_name()),
        ))
    }
}
