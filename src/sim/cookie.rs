//! Cookies on the wire: the `Morsel`s a Django `HttpResponse` collects in
//! `response.cookies` (Python's `http.cookies.SimpleCookie`), their
//! `Set-Cookie` text, and the quoting rules both ends apply to values.

use super::dates::{http_date, http_date_checked};
use super::error::PyErr;
use super::value::str_repr;

/// One `Set-Cookie` header, as Python's `http.cookies.Morsel` holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Morsel {
    pub name: String,
    /// The value Django was given (`str(value)`).
    pub value: String,
    /// `expires` as written (an HTTP date), or empty.
    pub expires: String,
    pub max_age: Option<i64>,
    /// Empty when Django was told `path=None`.
    pub path: String,
    pub domain: Option<String>,
    pub secure: bool,
    pub httponly: bool,
    pub samesite: Option<String>,
}

impl Morsel {
    /// A morsel with no attributes, as `SimpleCookie.__setitem__` makes one.
    pub fn new(name: &str, value: &str) -> Self {
        Self {
            name: name.to_string(),
            value: value.to_string(),
            expires: String::new(),
            max_age: None,
            path: String::new(),
            domain: None,
            secure: false,
            httponly: false,
            samesite: None,
        }
    }

    /// The value as it goes on the wire (`SimpleCookie.value_encode`).
    pub fn coded_value(&self) -> String {
        quote(&self.value)
    }

    /// Whether this header tells the browser to drop the cookie at once.
    pub fn is_deletion(&self) -> bool {
        self.max_age == Some(0) || self.expires == http_date(0)
    }

    /// `Morsel.OutputString()`: attributes in sorted order, as Python writes them.
    pub fn header_value(&self) -> String {
        let mut out = format!("{}={}", self.name, self.coded_value());
        if let Some(domain) = self.domain.as_ref().filter(|d| !d.is_empty()) {
            out.push_str(&format!("; Domain={domain}"));
        }
        if !self.expires.is_empty() {
            out.push_str(&format!("; expires={}", self.expires));
        }
        if self.httponly {
            out.push_str("; HttpOnly");
        }
        if let Some(max_age) = self.max_age {
            out.push_str(&format!("; Max-Age={max_age}"));
        }
        if !self.path.is_empty() {
            out.push_str(&format!("; Path={}", self.path));
        }
        if let Some(samesite) = self.samesite.as_ref().filter(|s| !s.is_empty()) {
            out.push_str(&format!("; SameSite={samesite}"));
        }
        if self.secure {
            out.push_str("; Secure");
        }
        out
    }
}

/// The cookies of one response, in the order they were first set
/// (`SimpleCookie` is a dict: setting a name again keeps its place and its
/// morsel, overwriting only the attributes given).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseCookies {
    pub morsels: Vec<Morsel>,
}

impl ResponseCookies {
    /// The morsel for `name`, created empty if needed.
    pub fn entry(&mut self, name: &str, value: &str) -> &mut Morsel {
        match self.morsels.iter().position(|m| m.name == name) {
            Some(i) => {
                self.morsels[i].value = value.to_string();
                &mut self.morsels[i]
            }
            None => {
                self.morsels.push(Morsel::new(name, value));
                self.morsels.last_mut().expect("just pushed")
            }
        }
    }
}

/// What `response.set_cookie()` is told besides the name and value, once
/// the view's Python values are read (`http/response.py`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieOptions {
    /// `int(max_age)`, and `time.time() + max_age` for `expires`.
    pub max_age: Option<MaxAge>,
    /// An `expires` given as text, written as is.
    pub expires: Option<String>,
    /// `None` when Django was told `path=None`.
    pub path: Option<String>,
    pub domain: Option<String>,
    pub secure: bool,
    pub httponly: bool,
    pub samesite: Option<String>,
}

impl Default for CookieOptions {
    fn default() -> Self {
        Self {
            max_age: None,
            expires: None,
            path: Some("/".into()),
            domain: None,
            secure: false,
            httponly: false,
            samesite: None,
        }
    }
}

/// A `max_age` as Django uses it: `int()` of it for `Max-Age`, the value
/// itself (a float keeps its fraction) for `expires`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxAge {
    pub whole: i64,
    /// The value in milliseconds, for `time.time() + max_age`.
    pub millis: i128,
}

impl MaxAge {
    /// A whole number of seconds.
    pub fn seconds(s: i64) -> Self {
        Self {
            whole: s,
            millis: i128::from(s) * 1000,
        }
    }
}

impl ResponseCookies {
    /// `HttpResponseBase.set_cookie(name, value, **options)` at `now`.
    pub fn set_cookie(
        &mut self,
        name: &str,
        value: &str,
        options: &CookieOptions,
        now: i64,
    ) -> Result<(), PyErr> {
        check_name(name)?;
        let expires = match (&options.expires, options.max_age) {
            (Some(text), _) => text.clone(),
            (None, Some(age)) => http_date_checked(now as f64 + age.millis as f64 / 1000.0)?,
            (None, None) => String::new(),
        };
        if let Some(s) = options.samesite.as_deref().filter(|s| !s.is_empty())
            && !["lax", "none", "strict"].contains(&s.to_ascii_lowercase().as_str())
        {
            return Err(PyErr::new(
                "ValueError",
                "samesite must be \"lax\", \"none\", or \"strict\".",
            ));
        }
        let morsel = self.entry(name, value);
        morsel.expires = expires;
        if let Some(age) = options.max_age {
            morsel.max_age = Some(age.whole);
        }
        if let Some(path) = &options.path {
            morsel.path.clone_from(path);
        }
        if let Some(domain) = &options.domain {
            morsel.domain = Some(domain.clone());
        }
        morsel.secure |= options.secure;
        morsel.httponly |= options.httponly;
        if let Some(s) = options.samesite.as_ref().filter(|s| !s.is_empty()) {
            morsel.samesite = Some(s.clone());
        }
        Ok(())
    }

    /// `HttpResponseBase.delete_cookie(name, path, domain, samesite)`: an
    /// empty value that expired in 1970, Secure only for the prefixed names
    /// and `SameSite=None`.
    pub fn delete_cookie(
        &mut self,
        name: &str,
        path: &str,
        domain: Option<&str>,
        samesite: Option<&str>,
    ) -> Result<(), PyErr> {
        let secure = name.starts_with("__Secure-")
            || name.starts_with("__Host-")
            || samesite.is_some_and(|s| s.eq_ignore_ascii_case("none"));
        let options = CookieOptions {
            max_age: Some(MaxAge::seconds(0)),
            expires: Some(http_date(0)),
            path: Some(path.to_string()),
            domain: domain.map(str::to_string),
            secure,
            httponly: false,
            samesite: samesite.map(str::to_string),
        };
        self.set_cookie(name, "", &options, 0)
    }
}

/// The attribute names `http.cookies.Morsel` reserves (Python 3.11).
const RESERVED: [&str; 9] = [
    "expires", "path", "comment", "domain", "max-age", "secure", "httponly", "version", "samesite",
];

/// `Morsel.set()`'s checks on a cookie name: not a reserved attribute name
/// (any case), and only the legal characters.
pub fn check_name(name: &str) -> Result<(), PyErr> {
    if RESERVED.contains(&name.to_ascii_lowercase().as_str()) {
        return Err(PyErr::new(
            "CookieError",
            format!("Attempt to set a reserved key {}", str_repr(name)),
        ));
    }
    if name.is_empty() || !name.chars().all(is_legal) {
        return Err(PyErr::new(
            "CookieError",
            format!("Illegal key {}", str_repr(name)),
        ));
    }
    Ok(())
}

/// Characters `http.cookies` leaves unquoted in a value.
fn is_legal(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~:".contains(c)
}

/// `http.cookies._quote`: an empty value is `""`.
pub fn quote(value: &str) -> String {
    if !value.is_empty() && value.chars().all(is_legal) {
        return value.to_string();
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        let code = c as u32;
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if code < 256 && !(is_legal(c) || " ()/<=>?@[]{}".contains(c)) => {
                out.push_str(&format!("\\{code:03o}"));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `http.cookies._unquote`, which Django's `parse_cookie` applies.
pub fn unquote(value: &str) -> String {
    if value.len() < 2 || !value.starts_with('"') || !value.ends_with('"') {
        return value.to_string();
    }
    let bytes: Vec<char> = value.chars().collect();
    let inner = &bytes[1..bytes.len() - 1];
    let mut out = String::new();
    let mut i = 0;
    while i < inner.len() {
        if inner[i] == '\\' && i + 1 < inner.len() {
            let octal: String = inner[i + 1..inner.len().min(i + 4)].iter().collect();
            if octal.len() == 3
                && octal.chars().all(|c| ('0'..='7').contains(&c))
                && let Ok(code) = u32::from_str_radix(&octal, 8)
            {
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                i += 4;
                continue;
            }
            out.push(inner[i + 1]);
            i += 2;
        } else {
            out.push(inner[i]);
            i += 1;
        }
    }
    out
}

/// One `name=value` of a `Cookie:` header, the value raw (shared with the
/// jar's cookie it came from).
pub type Pair = (std::rc::Rc<str>, std::rc::Rc<str>);

/// A `Cookie:` header written by hand, as pairs the way Django's
/// `parse_cookie` splits it: at `;`, then at the first `=` (a chunk with
/// none is a value with an empty name).
pub fn split_cookie_header(header: &str) -> Vec<Pair> {
    header
        .split(';')
        .map(|chunk| match chunk.split_once('=') {
            Some((name, value)) => (name.trim().into(), value.trim().into()),
            None => ("".into(), chunk.trim().into()),
        })
        .filter(|(n, v): &Pair| !(n.trim().is_empty() && v.trim().is_empty()))
        .collect()
}

/// Django's `parse_cookie`: the `Cookie:` header into `request.COOKIES`.
pub fn parse_cookie_header(pairs: &[Pair]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(pairs.len());
    let mut at: std::collections::HashMap<&str, usize> = Default::default();
    for (name, value) in pairs {
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() && value.is_empty() {
            continue;
        }
        let value = unquote(value);
        match at.get(name) {
            Some(&i) => out[i].1 = value,
            None => {
                at.insert(name, out.len());
                out.push((name.to_string(), value));
            }
        }
    }
    out
}

/// RFC 6265 section 5.1.4: whether a cookie with `cookie_path` is sent to
/// `request_path`.
pub fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    if cookie_path == request_path {
        return true;
    }
    request_path.starts_with(cookie_path)
        && (cookie_path.ends_with('/') || request_path[cookie_path.len()..].starts_with('/'))
}

/// RFC 6265 section 5.1.4: the default path of a cookie set without a valid
/// `Path` attribute.
pub fn default_path(request_path: &str) -> String {
    if !request_path.starts_with('/') {
        return "/".into();
    }
    match request_path.rfind('/') {
        Some(0) | None => "/".into(),
        Some(i) => request_path[..i].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_has_python_attribute_order() {
        let mut m = Morsel::new("sessionid", "abc");
        m.expires = "Thu, 15 Jan 2026 00:00:00 GMT".into();
        m.max_age = Some(1_209_600);
        m.path = "/".into();
        m.httponly = true;
        m.samesite = Some("Lax".into());
        assert_eq!(
            m.header_value(),
            "sessionid=abc; expires=Thu, 15 Jan 2026 00:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"
        );
    }

    #[test]
    fn quoting_round_trips() {
        for value in ["dark", "hello world", "a;b", "é", "quote\"d", "back\\slash"] {
            assert_eq!(unquote(&quote(value)), value);
        }
        assert_eq!(quote("hello world"), "\"hello world\"");
        assert_eq!(quote("é"), "\"\\351\"");
    }

    #[test]
    fn paths_match_per_rfc_6265() {
        assert!(path_matches("/", "/cart"));
        assert!(path_matches("/shop", "/shop/cart"));
        assert!(path_matches("/shop", "/shop"));
        assert!(!path_matches("/shop", "/shopping"));
        assert!(!path_matches("/shop", "/"));
        assert_eq!(default_path("/shop/cart"), "/shop");
        assert_eq!(default_path("/cart"), "/");
    }
}
