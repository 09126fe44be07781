//! One HTTP round trip: the request as the view sees it, and
//! `SessionMiddleware.process_response` (`contrib/sessions/middleware.py`).

use super::cookie::{Morsel, ResponseCookies, parse_cookie_header};
use super::error::PyErr;
use super::server::Server;
use super::session::SessionStore;
use super::value::{DictRef, UserRef, Value, http_date};

/// The request a view runs in.
#[derive(Debug)]
pub struct Request {
    pub path: String,
    /// The `Cookie:` header the browser sent, as (name, raw value) pairs.
    pub sent: Vec<(String, String)>,
    /// `request.COOKIES` (values unquoted).
    pub cookies: Vec<(String, String)>,
    cookies_dict: Option<DictRef>,
    pub session: SessionStore,
    pub user: UserRef,
    /// `response.cookies` of the response the view returns.
    pub response: ResponseCookies,
}

/// What one request/response round trip looked like on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    pub path: String,
    /// The `Cookie:` header pairs (raw values).
    pub sent: Vec<(String, String)>,
    pub status: u16,
    pub set_cookies: Vec<Morsel>,
    /// Whether the middleware added `Vary: Cookie`.
    pub vary_cookie: bool,
}

impl Request {
    /// A request to `path` carrying `sent`, with the session middleware's
    /// `process_request` and `AuthenticationMiddleware`'s lazy user applied.
    pub fn new(server: &Server, path: &str, sent: Vec<(String, String)>) -> Self {
        let cookies = parse_cookie_header(&sent);
        let cookie = cookies
            .iter()
            .find(|(n, _)| *n == server.settings.cookie_name)
            .map(|(_, v)| v.as_str());
        let session = SessionStore::new(server.settings.engine, cookie, server);
        Self {
            path: path.to_string(),
            sent,
            cookies,
            cookies_dict: None,
            session,
            user: UserRef::LazyUnevaluated,
            response: ResponseCookies::default(),
        }
    }

    /// `request.COOKIES`: the same dict object for the whole request.
    pub fn cookies_dict(&mut self) -> DictRef {
        self.cookies_dict
            .get_or_insert_with(|| {
                let dict = self
                    .cookies
                    .iter()
                    .map(|(k, v)| (Value::str(k), Value::str(v)))
                    .collect();
                std::rc::Rc::new(std::cell::RefCell::new(dict))
            })
            .clone()
    }

    /// The value of cookie `name` as Django parsed it.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The HTTP status Django's handler gives an exception raised by a view.
pub fn status_for(error: &PyErr) -> u16 {
    match &*error.class {
        "SessionInterrupted" | "InvalidSessionKey" | "SuspiciousOperation" | "BadRequest" => 400,
        _ => 500,
    }
}

/// `response.set_cookie(...)` (`http/response.py`), on `cookies`.
#[allow(clippy::too_many_arguments)]
pub fn set_cookie(
    cookies: &mut ResponseCookies,
    now: i64,
    name: &str,
    value: &str,
    max_age: Option<i64>,
    path: Option<&str>,
    domain: Option<&str>,
    secure: bool,
    httponly: bool,
    samesite: Option<&str>,
) -> Result<(), PyErr> {
    if let Some(s) = samesite {
        if !["lax", "none", "strict"].contains(&s.to_ascii_lowercase().as_str()) {
            return Err(PyErr::new(
                "ValueError",
                "samesite must be \"lax\", \"none\", or \"strict\".",
            ));
        }
    }
    // Django: `http_date(time.time() + max_age)` raises OverflowError.
    let expires = max_age
        .map(|age| super::value::add_seconds(now, age))
        .transpose()?;
    let morsel = cookies.entry(name, value);
    morsel.expires = String::new();
    if let Some(age) = max_age {
        morsel.max_age = Some(age);
        morsel.expires = expires.map(http_date).unwrap_or_default();
    }
    if let Some(path) = path {
        morsel.path = path.to_string();
    }
    if let Some(domain) = domain {
        morsel.domain = Some(domain.to_string());
    }
    if secure {
        morsel.secure = true;
    }
    if httponly {
        morsel.httponly = true;
    }
    if let Some(s) = samesite {
        morsel.samesite = Some(s.to_string());
    }
    Ok(())
}

/// `response.delete_cookie(key, path, domain, samesite)`.
pub fn delete_cookie(
    cookies: &mut ResponseCookies,
    name: &str,
    path: &str,
    domain: Option<&str>,
    samesite: Option<&str>,
) -> Result<(), PyErr> {
    let secure = name.starts_with("__Secure-")
        || name.starts_with("__Host-")
        || samesite.is_some_and(|s| s.eq_ignore_ascii_case("none"));
    set_cookie(
        cookies,
        0,
        name,
        "",
        Some(0),
        Some(path),
        domain,
        secure,
        false,
        samesite,
    )?;
    if let Some(m) = cookies.morsels.iter_mut().find(|m| m.name == name) {
        m.expires = http_date(0);
    }
    Ok(())
}

/// `SessionMiddleware.process_response`: delete the cookie of an emptied
/// session, or save a modified one and refresh its cookie (not for a 5xx).
/// Returns whether `Vary: Cookie` is needed; an error replaces the response.
pub fn process_response(
    server: &mut Server,
    request: &mut Request,
    cookies: &mut ResponseCookies,
    status: u16,
) -> Result<bool, PyErr> {
    let settings = server.settings.clone();
    let session = &mut request.session;
    let accessed = session.accessed;
    let modified = session.modified;
    let empty = session.is_empty();
    if request
        .cookies
        .iter()
        .any(|(n, _)| *n == settings.cookie_name)
        && empty
    {
        delete_cookie(
            cookies,
            &settings.cookie_name,
            &settings.cookie_path,
            settings.cookie_domain.as_deref(),
            settings.cookie_samesite.as_deref(),
        )?;
        return Ok(true);
    }
    if !((modified || settings.save_every_request) && !empty) {
        return Ok(accessed);
    }
    let max_age = if session.get_expire_at_browser_close(server)? {
        None
    } else {
        Some(session.get_expiry_age(server)?)
    };
    if status >= 500 {
        return Ok(true);
    }
    match session.save(server, false) {
        Err(e) if e.class == "UpdateError" => {
            return Err(PyErr::new(
                "SessionInterrupted",
                "The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.",
            ));
        }
        other => other?,
    }
    let key = session.session_key().unwrap_or_default().to_string();
    set_cookie(
        cookies,
        server.now,
        &settings.cookie_name,
        &key,
        max_age,
        Some(&settings.cookie_path),
        settings.cookie_domain.as_deref(),
        settings.cookie_secure,
        settings.cookie_httponly,
        settings.cookie_samesite.as_deref(),
    )?;
    Ok(true)
}
