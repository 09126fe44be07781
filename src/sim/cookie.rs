//! Cookies on the wire: the `Morsel`s a Django `HttpResponse` collects in
//! `response.cookies` (Python's `http.cookies.SimpleCookie`), their
//! `Set-Cookie` text, and the quoting rules both ends apply to values.

use super::value::http_date;

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
        if let Some(domain) = &self.domain {
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
        if let Some(samesite) = &self.samesite {
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

/// Characters `http.cookies` leaves unquoted in a value.
fn is_legal(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~:".contains(c)
}

/// `http.cookies._quote`.
pub fn quote(value: &str) -> String {
    if value.chars().all(is_legal) {
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
    let bytes: Vec<char> = value.chars().collect();
    if bytes.len() < 2 || bytes[0] != '"' || bytes[bytes.len() - 1] != '"' {
        return value.to_string();
    }
    let inner = &bytes[1..bytes.len() - 1];
    let mut out = String::new();
    let mut i = 0;
    while i < inner.len() {
        if inner[i] == '\\' && i + 1 < inner.len() {
            let octal: String = inner[i + 1..inner.len().min(i + 4)].iter().collect();
            if octal.len() == 3 && octal.chars().all(|c| ('0'..='7').contains(&c)) {
                if let Ok(code) = u32::from_str_radix(&octal, 8) {
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    i += 4;
                    continue;
                }
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

/// Django's `parse_cookie`: the `Cookie:` header into `request.COOKIES`.
pub fn parse_cookie_header(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, value) in pairs {
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() && value.is_empty() {
            continue;
        }
        let value = unquote(value);
        match out.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => out.push((name.to_string(), value)),
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
