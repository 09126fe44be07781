//! One HTTP round trip: the request as the view sees it, and
//! `SessionMiddleware.process_response` (`contrib/sessions/middleware.py`).

use super::browser::{NotSent, Reason, Via};
use super::cookie::{CookieOptions, MaxAge, Morsel, Pair, ResponseCookies, parse_cookie_header};
use super::error::PyErr;
use super::origin::Origin;
use super::server::Server;
use super::session::SessionStore;
use super::value::{DictRef, UserRef, Value};

/// The request a view runs in.
#[derive(Debug)]
pub struct Request {
    /// Where it went.
    pub origin: Origin,
    /// The path as typed, query included.
    pub path: String,
    /// The `Cookie:` header the browser sent, as (name, raw value) pairs.
    pub sent: Pairs,
    /// The cookies of the host the browser left out.
    pub not_sent: Vec<NotSent>,
    /// `request.COOKIES`, made when the view first reads it.
    cookies_dict: Option<DictRef>,
    pub session: SessionStore,
    pub user: UserRef,
    /// A password set on a user object this request but maybe not saved:
    /// (user id, raw password, hash field).
    pub new_password: Option<(i64, String, String)>,
    /// What `CsrfViewMiddleware` keeps in `request.META`.
    pub csrf: super::csrf::CsrfMeta,
    /// `response.cookies` of the response the view returns.
    pub response: ResponseCookies,
}

/// The `Cookie:` header of a request as (name, raw value) pairs, shared by
/// the request, its exchange and the workbench's copy of it.
pub type Pairs = std::rc::Rc<[Pair]>;

/// A page of another origin that made the browser send a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Initiator {
    pub origin: Origin,
    pub via: Via,
}

/// One `Set-Cookie` header of a response, and whether the browser refused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetCookie {
    pub morsel: Morsel,
    pub blocked: Option<Reason>,
}

/// What one request/response round trip looked like on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// The browser that sent it, or `None` for the workbench (a replay with
    /// a Cookie header of its own: no browser reads the response).
    pub sender: Option<String>,
    /// `GET`, or `POST` for a form.
    pub method: &'static str,
    pub origin: Origin,
    /// The path as typed, query included.
    pub path: String,
    /// The page that made the request (`visit ... from`).
    pub initiator: Option<Initiator>,
    /// The `Cookie:` header pairs (raw values).
    pub sent: Pairs,
    /// The cookies of the host left out, with the reason.
    pub not_sent: Vec<NotSent>,
    pub status: u16,
    pub set_cookies: Vec<SetCookie>,
    /// Whether the middleware added `Vary: Cookie`.
    pub vary_cookie: bool,
}

impl Exchange {
    /// The URL: the origin and the path as typed.
    pub fn url(&self) -> String {
        format!("{}{}", self.origin, self.path)
    }

    /// The `Set-Cookie` headers the browser took.
    pub fn stored(&self) -> impl Iterator<Item = &Morsel> {
        self.set_cookies
            .iter()
            .filter(|s| s.blocked.is_none())
            .map(|s| &s.morsel)
    }
}

/// The URL's path without its query: what cookie paths match against.
pub fn path_only(path: &str) -> &str {
    path.split(['?', '#']).next().unwrap_or(path)
}

impl Request {
    /// A request to `path` carrying `sent`, with the session middleware's
    /// `process_request` and `AuthenticationMiddleware`'s lazy user applied.
    pub fn new(server: &Server, origin: &Origin, path: &str, sent: Pairs) -> Self {
        let cookie = cookie_value(&sent, &server.settings.cookie_name);
        let session = SessionStore::new(server.settings.engine, cookie.as_deref(), server);
        Self {
            origin: origin.clone(),
            path: path.to_string(),
            sent,
            not_sent: Vec::new(),
            cookies_dict: None,
            session,
            user: UserRef::LazyUnevaluated,
            new_password: None,
            csrf: Default::default(),
            response: ResponseCookies::default(),
        }
    }

    /// `request.get_host()`: the host, and the port when it is not the default.
    pub fn host(&self) -> String {
        let origin = self.origin.to_string();
        origin
            .split_once("://")
            .map_or(origin.clone(), |(_, host)| host.to_string())
    }

    /// `request.COOKIES`: the same dict object for the whole request.
    pub fn cookies_dict(&mut self) -> DictRef {
        self.cookies_dict
            .get_or_insert_with(|| {
                let dict = parse_cookie_header(&self.sent)
                    .iter()
                    .map(|(k, v)| (Value::str(k), Value::str(v)))
                    .collect();
                std::rc::Rc::new(std::cell::RefCell::new(dict))
            })
            .clone()
    }

    /// The value of cookie `name` as Django parses it into `request.COOKIES`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        cookie_value(&self.sent, name)
    }
}

/// The HTTP status Django's handler gives an exception raised by a view.
pub fn status_for(error: &PyErr) -> u16 {
    match &*error.class {
        "SessionInterrupted" | "InvalidSessionKey" | "SuspiciousOperation" | "BadRequest" => 400,
        _ => 500,
    }
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
    if cookie_value(&request.sent, &settings.cookie_name).is_some() && empty {
        cookies.delete_cookie(
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
    // `expires = http_date(time.time() + max_age)` comes before the save: a
    // date past year 9999 fails there and nothing is saved.
    let (max_age, expires) = if session.get_expire_at_browser_close(server)? {
        (None, None)
    } else {
        let age = session.get_expiry_age(server)?;
        let expires = super::dates::http_date_checked(server.now as f64 + age as f64)?;
        (Some(age), Some(expires))
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
    let options = CookieOptions {
        max_age: max_age.map(MaxAge::seconds),
        expires,
        path: Some(settings.cookie_path.clone()),
        domain: settings.cookie_domain.clone(),
        secure: settings.cookie_secure,
        httponly: settings.cookie_httponly,
        samesite: settings.cookie_samesite.clone(),
    };
    cookies.set_cookie(&settings.cookie_name, &key, &options, server.now)?;
    Ok(true)
}

/// The value `request.COOKIES` has for `name`: Django's `parse_cookie`
/// keeps the last pair of a name, unquoted.
fn cookie_value(sent: &[Pair], name: &str) -> Option<String> {
    sent.iter()
        .rev()
        .find(|(n, v)| n.trim() == name && !(name.is_empty() && v.trim().is_empty()))
        .map(|(_, v)| super::cookie::unquote(v.trim()))
}
