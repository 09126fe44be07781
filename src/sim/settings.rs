//! The settings a session lesson can change, with Django 5.2's defaults
//! (`django/conf/global_settings.py`).

use super::dates::{MAX_TIME, MIN_TIME};
use super::error::PyErr;
use super::value::Value;

/// The five built-in session engines (`django.contrib.sessions.backends.*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    Db,
    Cache,
    CachedDb,
    File,
    SignedCookies,
}

impl Engine {
    /// Every engine, in the order the docs present them.
    pub const ALL: [Engine; 5] = [
        Engine::Db,
        Engine::Cache,
        Engine::CachedDb,
        Engine::File,
        Engine::SignedCookies,
    ];

    /// The dotted module path, the value of `SESSION_ENGINE`.
    pub fn module(self) -> &'static str {
        match self {
            Engine::Db => "django.contrib.sessions.backends.db",
            Engine::Cache => "django.contrib.sessions.backends.cache",
            Engine::CachedDb => "django.contrib.sessions.backends.cached_db",
            Engine::File => "django.contrib.sessions.backends.file",
            Engine::SignedCookies => "django.contrib.sessions.backends.signed_cookies",
        }
    }

    /// The class `type(request.session)` is.
    pub fn session_class(self) -> &'static str {
        match self {
            Engine::Db => "django.contrib.sessions.backends.db.SessionStore",
            Engine::Cache => "django.contrib.sessions.backends.cache.SessionStore",
            Engine::CachedDb => "django.contrib.sessions.backends.cached_db.SessionStore",
            Engine::File => "django.contrib.sessions.backends.file.SessionStore",
            Engine::SignedCookies => "django.contrib.sessions.backends.signed_cookies.SessionStore",
        }
    }

    /// The short name (`db`, `cache`, …).
    pub fn short_name(self) -> &'static str {
        self.module().rsplit('.').next().unwrap_or_default()
    }

    /// The engine named by a `SESSION_ENGINE` value.
    pub fn from_module(name: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.module() == name)
    }

    /// Whether the engine keeps sessions in the `django_session` table.
    pub fn uses_db(self) -> bool {
        matches!(self, Engine::Db | Engine::CachedDb)
    }
}

/// The settings of the simulated project.
#[derive(Clone, Debug)]
pub struct Settings {
    pub secret_key: String,
    pub secret_key_fallbacks: Vec<String>,
    /// The engine in use (the last importable `SESSION_ENGINE`).
    pub engine: Engine,
    /// `SESSION_ENGINE` as set, which may name no engine at all.
    pub engine_path: String,
    pub cookie_name: String,
    pub cookie_age: i64,
    pub cookie_domain: Option<String>,
    pub cookie_path: String,
    pub cookie_secure: bool,
    pub cookie_httponly: bool,
    pub cookie_samesite: Option<String>,
    pub save_every_request: bool,
    pub expire_at_browser_close: bool,
    pub file_path: Option<String>,
    pub signed_cookie_legacy_salt_fallback: bool,
    pub csrf_cookie_secure: bool,
    pub csrf_cookie_httponly: bool,
    /// The Python values assigned, as `settings.NAME` reads them back (a
    /// boolean setting set to `1` reads `1`).
    assigned: Assigned,
}

/// Assigned setting values.
#[derive(Clone, Debug, Default)]
struct Assigned(std::collections::BTreeMap<String, Value>);

/// The `SECRET_KEY` of every scenario world.
pub const SCENARIO_SECRET_KEY: &str = "sessionlab-oracle-secret";

impl Default for Settings {
    fn default() -> Self {
        Self {
            secret_key: SCENARIO_SECRET_KEY.into(),
            secret_key_fallbacks: Vec::new(),
            engine: Engine::Db,
            engine_path: Engine::Db.module().into(),
            cookie_name: "sessionid".into(),
            cookie_age: 1_209_600,
            cookie_domain: None,
            cookie_path: "/".into(),
            cookie_secure: false,
            cookie_httponly: true,
            cookie_samesite: Some("Lax".into()),
            save_every_request: false,
            expire_at_browser_close: false,
            file_path: None,
            signed_cookie_legacy_salt_fallback: true,
            csrf_cookie_secure: false,
            csrf_cookie_httponly: false,
            assigned: Default::default(),
        }
    }
}

/// One setting: its name and a one-line description, for help and completion.
pub struct SettingInfo {
    pub name: &'static str,
    pub doc: &'static str,
}

/// Every setting `settings.NAME = value` accepts.
pub const SETTINGS: &[SettingInfo] = &[
    SettingInfo {
        name: "SESSION_ENGINE",
        doc: "where sessions are stored (db, cache, cached_db, file, signed_cookies)",
    },
    SettingInfo {
        name: "SESSION_COOKIE_NAME",
        doc: "the session cookie's name (default 'sessionid')",
    },
    SettingInfo {
        name: "SESSION_COOKIE_AGE",
        doc: "seconds a session lasts (default 1209600, two weeks)",
    },
    SettingInfo {
        name: "SESSION_COOKIE_DOMAIN",
        doc: "the cookie's Domain attribute (default None)",
    },
    SettingInfo {
        name: "SESSION_COOKIE_PATH",
        doc: "the cookie's Path attribute (default '/')",
    },
    SettingInfo {
        name: "SESSION_COOKIE_SECURE",
        doc: "send the cookie over HTTPS only (default False)",
    },
    SettingInfo {
        name: "SESSION_COOKIE_HTTPONLY",
        doc: "hide the cookie from JavaScript (default True)",
    },
    SettingInfo {
        name: "SESSION_COOKIE_SAMESITE",
        doc: "'Lax' (default), 'Strict', 'None' or None",
    },
    SettingInfo {
        name: "SESSION_SAVE_EVERY_REQUEST",
        doc: "save the session on every request (default False)",
    },
    SettingInfo {
        name: "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        doc: "session cookie without an expiry (default False)",
    },
    SettingInfo {
        name: "SESSION_FILE_PATH",
        doc: "folder of the file engine (default None: the temp dir)",
    },
    SettingInfo {
        name: "SESSION_CACHE_ALIAS",
        doc: "the cache the cache engines use (only 'default' here)",
    },
    SettingInfo {
        name: "SESSION_SERIALIZER",
        doc: "how data is serialized (only JSONSerializer in Django 5.2)",
    },
    SettingInfo {
        name: "SECRET_KEY",
        doc: "the key every signature depends on",
    },
    SettingInfo {
        name: "SECRET_KEY_FALLBACKS",
        doc: "old keys still accepted when checking signatures",
    },
    SettingInfo {
        name: "SIGNED_COOKIE_LEGACY_SALT_FALLBACK",
        doc: "accept signed cookies made before Django 5.2.15 (default True)",
    },
    SettingInfo {
        name: "CSRF_COOKIE_SECURE",
        doc: "send the CSRF cookie over HTTPS only (default False)",
    },
    SettingInfo {
        name: "CSRF_COOKIE_HTTPONLY",
        doc: "hide the CSRF cookie from JavaScript (default False)",
    },
];

const SERIALIZER: &str = "django.contrib.sessions.serializers.JSONSerializer";

impl Settings {
    /// `settings.NAME` as a Python value.
    pub fn get(&self, name: &str) -> Option<Value> {
        if let Some(value) = self.assigned.0.get(name) {
            return Some(value.clone());
        }
        let opt = |v: &Option<String>| v.as_deref().map_or(Value::None, Value::str);
        Some(match name {
            "SESSION_ENGINE" => Value::str(&self.engine_path),
            "SESSION_COOKIE_NAME" => Value::str(&self.cookie_name),
            "SESSION_COOKIE_AGE" => Value::Int(self.cookie_age),
            "SESSION_COOKIE_DOMAIN" => opt(&self.cookie_domain),
            "SESSION_COOKIE_PATH" => Value::str(&self.cookie_path),
            "SESSION_COOKIE_SECURE" => Value::Bool(self.cookie_secure),
            "SESSION_COOKIE_HTTPONLY" => Value::Bool(self.cookie_httponly),
            "SESSION_COOKIE_SAMESITE" => opt(&self.cookie_samesite),
            "SESSION_SAVE_EVERY_REQUEST" => Value::Bool(self.save_every_request),
            "SESSION_EXPIRE_AT_BROWSER_CLOSE" => Value::Bool(self.expire_at_browser_close),
            "SESSION_FILE_PATH" => opt(&self.file_path),
            "SESSION_CACHE_ALIAS" => Value::str("default"),
            "SESSION_SERIALIZER" => Value::str(SERIALIZER),
            "SECRET_KEY" => Value::str(&self.secret_key),
            "SECRET_KEY_FALLBACKS" => Value::list(
                self.secret_key_fallbacks
                    .iter()
                    .map(|k| Value::str(k))
                    .collect(),
            ),
            "SIGNED_COOKIE_LEGACY_SALT_FALLBACK" => {
                Value::Bool(self.signed_cookie_legacy_salt_fallback)
            }
            "CSRF_COOKIE_SECURE" => Value::Bool(self.csrf_cookie_secure),
            "CSRF_COOKIE_HTTPONLY" => Value::Bool(self.csrf_cookie_httponly),
            _ => return None,
        })
    }

    /// `settings.NAME = value`; the value must be of the kind Django expects.
    pub fn set(&mut self, name: &str, value: &Value) -> Result<(), PyErr> {
        let want = |kind: &str| PyErr::tool(format!("{name} takes {kind}, not {}", value.repr()));
        let string = || {
            value
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| want("a string"))
        };
        let optional = || match value {
            Value::None => Ok(None),
            Value::Str(s) => Ok(Some(s.to_string())),
            _ => Err(want("a string or None")),
        };
        // Django only ever asks `if settings.NAME:`.
        let boolean = || Ok::<bool, PyErr>(value.truthy());
        match name {
            "SESSION_ENGINE" => {
                // Django imports it when the middleware starts: a bad path fails
                // the next request, not this assignment.
                self.engine_path = string()?;
                if let Some(engine) = Engine::from_module(&self.engine_path) {
                    self.engine = engine;
                }
            }
            // Any text: an illegal name fails when the cookie is set
            // (`CookieError`), as in Django.
            "SESSION_COOKIE_NAME" => self.cookie_name = string()?,
            "SESSION_COOKIE_AGE" => match value {
                // Any age that no date can reach fails as Django would, later.
                Value::Int(age) if age.unsigned_abs() > (MAX_TIME - MIN_TIME) as u64 => {
                    return Err(super::dates::time_out_of_range());
                }
                Value::Int(age) => self.cookie_age = *age,
                Value::Bool(b) => self.cookie_age = i64::from(*b),
                Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                    self.cookie_age = *f as i64;
                }
                _ => return Err(want("a whole number of seconds")),
            },
            "SESSION_COOKIE_DOMAIN" => self.cookie_domain = optional()?,
            "SESSION_COOKIE_PATH" => self.cookie_path = string()?,
            "SESSION_COOKIE_SECURE" => self.cookie_secure = boolean()?,
            "SESSION_COOKIE_HTTPONLY" => self.cookie_httponly = boolean()?,
            "CSRF_COOKIE_SECURE" => self.csrf_cookie_secure = boolean()?,
            "CSRF_COOKIE_HTTPONLY" => self.csrf_cookie_httponly = boolean()?,
            "SESSION_COOKIE_SAMESITE" => {
                let samesite = match value {
                    Value::Bool(false) => None,
                    _ => optional()?,
                };
                if let Some(s) = &samesite
                    && !["lax", "none", "strict"].contains(&s.to_ascii_lowercase().as_str())
                {
                    return Err(PyErr::tool(format!(
                        "SESSION_COOKIE_SAMESITE must be 'Lax', 'Strict', 'None' or None, not {}",
                        value.repr()
                    )));
                }
                self.cookie_samesite = samesite;
            }
            "SESSION_SAVE_EVERY_REQUEST" => self.save_every_request = boolean()?,
            "SESSION_EXPIRE_AT_BROWSER_CLOSE" => self.expire_at_browser_close = boolean()?,
            "SESSION_FILE_PATH" => self.file_path = optional()?,
            "SESSION_CACHE_ALIAS" => {
                if string()? != "default" {
                    return Err(PyErr::tool(
                        "only the 'default' cache exists in this project",
                    ));
                }
            }
            "SESSION_SERIALIZER" => {
                if string()? != SERIALIZER {
                    return Err(PyErr::tool(format!(
                        "Django 5.2 ships one session serializer: '{SERIALIZER}'"
                    )));
                }
            }
            "SECRET_KEY" => self.secret_key = string()?,
            "SECRET_KEY_FALLBACKS" => {
                let items: Vec<Value> = match value {
                    Value::List(l) => l.borrow().clone(),
                    Value::Tuple(t) => t.to_vec(),
                    _ => return Err(want("a list of strings")),
                };
                self.secret_key_fallbacks = items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| want("a list of strings"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "SIGNED_COOKIE_LEGACY_SALT_FALLBACK" => {
                self.signed_cookie_legacy_salt_fallback = boolean()?
            }
            _ => {
                return Err(PyErr::tool(format!(
                    "sessionlab does not model the setting {name}; it models: {}",
                    SETTINGS
                        .iter()
                        .map(|s| s.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        self.assigned.0.insert(name.to_string(), value.clone());
        Ok(())
    }

    /// The error `import_module(SESSION_ENGINE)` raises, if it names no engine.
    pub fn engine_error(&self) -> Option<PyErr> {
        if Engine::from_module(&self.engine_path).is_some() {
            return None;
        }
        if self.engine_path.is_empty() {
            return Some(PyErr::new("ValueError", "Empty module name"));
        }
        const PACKAGES: [&str; 4] = [
            "django",
            "django.contrib",
            "django.contrib.sessions",
            "django.contrib.sessions.backends",
        ];
        let mut prefix = String::new();
        for part in self.engine_path.split('.') {
            prefix = if prefix.is_empty() {
                part.to_string()
            } else {
                format!("{prefix}.{part}")
            };
            if !PACKAGES.contains(&prefix.as_str()) {
                return Some(PyErr::new(
                    "ModuleNotFoundError",
                    format!("No module named '{prefix}'"),
                ));
            }
        }
        Some(PyErr::new(
            "AttributeError",
            format!(
                "module '{}' has no attribute 'SessionStore'",
                self.engine_path
            ),
        ))
    }

    /// Where the file engine's session files start: the storage path and
    /// `SESSION_COOKIE_NAME` (`/tmp/sessionid` + key).
    pub fn file_prefix(&self) -> String {
        format!(
            "{}/{}",
            self.file_dir().trim_end_matches('/'),
            self.cookie_name
        )
    }

    /// `SESSION_FILE_PATH or tempfile.gettempdir()`.
    pub fn file_dir(&self) -> &str {
        self.file_path.as_deref().unwrap_or("/tmp")
    }
}
