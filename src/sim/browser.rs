//! A browser: a name and a cookie jar that follows RFC 6265 storage and
//! sending rules against the simulated clock.

use super::cookie::{Morsel, default_path, path_matches, unquote};

/// One cookie in a jar, as devtools lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCookie {
    pub name: String,
    /// The value as it arrived on the wire (quoted if the server quoted it).
    pub raw_value: String,
    /// When it expires (seconds since the epoch), or `None` for a session cookie
    /// that lives until the browser closes.
    pub expires_at: Option<i64>,
    pub path: String,
    pub domain: Option<String>,
    pub secure: bool,
    pub httponly: bool,
    pub samesite: Option<String>,
    /// Creation order, kept when the cookie is replaced (RFC 6265 5.3 step 11.3).
    pub created: u64,
}

impl StoredCookie {
    /// The value as Django reads it back (`http.cookies._unquote`).
    pub fn value(&self) -> String {
        unquote(&self.raw_value)
    }

    /// Whether the cookie has expired at `now` (gone once now >= expiry).
    pub fn expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|at| now >= at)
    }
}

/// The host every browser talks to, over plain `http://` (as Django's test
/// client does): Secure cookies are kept but never sent.
pub const HOST: &str = "testserver";

/// A browser with its cookie jar (one cookie per name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Browser {
    pub name: String,
    pub cookies: Vec<StoredCookie>,
    pub cookies_enabled: bool,
    next_created: u64,
}

impl Browser {
    /// A browser with an empty jar and cookies on.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            cookies: Vec::new(),
            cookies_enabled: true,
            next_created: 0,
        }
    }

    /// Drop cookies whose time has come (RFC 6265 5.3: evict expired cookies).
    pub fn purge(&mut self, now: i64) {
        self.cookies.retain(|c| !c.expired(now));
    }

    /// The cookie named `name`, if the jar has it.
    pub fn cookie(&self, name: &str) -> Option<&StoredCookie> {
        self.cookies.iter().find(|c| c.name == name)
    }

    /// The cookies a request to `path` carries, in `Cookie:` header order:
    /// longer paths first, then older cookies first (RFC 6265 5.4 step 2).
    pub fn cookies_for(&self, path: &str, now: i64) -> Vec<&StoredCookie> {
        let mut matching: Vec<&StoredCookie> = self
            .cookies
            .iter()
            .filter(|c| !c.expired(now) && !c.secure && path_matches(&c.path, path))
            .collect();
        matching.sort_by(|a, b| {
            b.path
                .len()
                .cmp(&a.path.len())
                .then(a.created.cmp(&b.created))
        });
        matching
    }

    /// The `Cookie:` header pairs for a request to `path` (nothing when cookies
    /// are blocked).
    pub fn cookie_header(&self, path: &str, now: i64) -> Vec<(String, String)> {
        if !self.cookies_enabled {
            return Vec::new();
        }
        self.cookies_for(path, now)
            .into_iter()
            .map(|c| (c.name.clone(), c.raw_value.clone()))
            .collect()
    }

    /// `document.cookie` on a page at `path`: every matching cookie that is not
    /// HttpOnly (nothing with cookies blocked).
    pub fn document_cookie(&self, path: &str, now: i64) -> String {
        if !self.cookies_enabled {
            return String::new();
        }
        self.cookies_for(path, now)
            .into_iter()
            .filter(|c| !c.httponly)
            .map(|c| format!("{}={}", c.name, c.raw_value))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Store what one `Set-Cookie` header says (RFC 6265 5.2 and 5.3):
    /// Max-Age wins over Expires, a past expiry deletes, a missing or relative
    /// Path takes the request's default path. Ignored with cookies blocked.
    pub fn receive(&mut self, morsel: &Morsel, request_path: &str, now: i64) {
        if !self.cookies_enabled {
            return;
        }
        // RFC 6265 5.3 step 6: a Domain the host does not domain-match is ignored.
        if let Some(domain) = &morsel.domain {
            let domain = domain.trim_start_matches('.').to_ascii_lowercase();
            if !(HOST == domain || HOST.ends_with(&format!(".{domain}"))) {
                return;
            }
        }
        let expires_at = match morsel.max_age {
            Some(age) if age <= 0 => Some(i64::MIN),
            Some(age) => Some(now.saturating_add(age)),
            None if !morsel.expires.is_empty() => {
                Some(parse_http_date(&morsel.expires).unwrap_or(i64::MIN))
            }
            None => None,
        };
        let path = if morsel.path.starts_with('/') {
            morsel.path.clone()
        } else {
            default_path(request_path)
        };
        let existing = self.cookies.iter().position(|c| c.name == morsel.name);
        if expires_at.is_some_and(|at| now >= at) {
            if let Some(i) = existing {
                self.cookies.remove(i);
            }
            return;
        }
        let created = match existing {
            Some(i) => self.cookies[i].created,
            None => self.next_created(),
        };
        let cookie = StoredCookie {
            name: morsel.name.clone(),
            raw_value: morsel.coded_value(),
            expires_at,
            path,
            domain: morsel.domain.clone(),
            secure: morsel.secure,
            httponly: morsel.httponly,
            samesite: morsel.samesite.clone(),
            created,
        };
        match existing {
            Some(i) => self.cookies[i] = cookie,
            None => self.cookies.push(cookie),
        }
    }

    /// The user edits a cookie by hand: the value changes, expiry, path and flags stay;
    /// a new cookie is a browser-session cookie for `/`.
    pub fn set_by_hand(&mut self, name: &str, value: &str) {
        if let Some(c) = self.cookies.iter_mut().find(|c| c.name == name) {
            c.raw_value = value.to_string();
            return;
        }
        let created = self.next_created();
        self.cookies.push(StoredCookie {
            name: name.to_string(),
            raw_value: value.to_string(),
            expires_at: None,
            path: "/".into(),
            domain: None,
            secure: false,
            httponly: false,
            samesite: None,
            created,
        });
    }

    /// Put a copy of another browser's cookie in this jar, as an attacker pasting
    /// a stolen cookie would.
    pub fn paste(&mut self, cookie: &StoredCookie) {
        match self.cookies.iter_mut().find(|c| c.name == cookie.name) {
            Some(existing) => {
                *existing = StoredCookie {
                    created: existing.created,
                    ..cookie.clone()
                }
            }
            None => {
                let created = self.next_created();
                self.cookies.push(StoredCookie {
                    created,
                    ..cookie.clone()
                });
            }
        }
    }

    /// Remove one cookie; false if there was none.
    pub fn delete(&mut self, name: &str) -> bool {
        let before = self.cookies.len();
        self.cookies.retain(|c| c.name != name);
        self.cookies.len() != before
    }

    /// The browser quits: session cookies (no expiry) are dropped.
    pub fn close(&mut self) {
        self.cookies.retain(|c| c.expires_at.is_some());
    }

    fn next_created(&mut self) -> u64 {
        self.next_created += 1;
        self.next_created
    }
}

/// Parse `Thu, 01 Jan 1970 00:00:00 GMT` (the only form Django writes).
pub fn parse_http_date(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = s.split_whitespace().skip(1);
    let day: u32 = parts.next()?.parse().ok()?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? + 1;
    let year: i64 = parts.next()?.parse().ok()?;
    let time = parts.next()?;
    super::value::parse_iso(&format!("{year:04}-{month:02}-{day:02}T{time}+00:00"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn morsel(name: &str, value: &str, max_age: Option<i64>, path: &str) -> Morsel {
        Morsel {
            max_age,
            path: path.into(),
            ..Morsel::new(name, value)
        }
    }

    #[test]
    fn max_age_zero_deletes_and_expiry_is_exclusive() {
        let mut b = Browser::new("default");
        b.receive(&morsel("theme", "dark", Some(60), "/"), "/", 0);
        assert_eq!(b.cookie_header("/", 59).len(), 1);
        assert!(b.cookie_header("/", 60).is_empty());
        b.receive(&morsel("theme", "", Some(0), "/"), "/", 10);
        assert!(b.cookies.is_empty());
    }

    #[test]
    fn header_order_is_longest_path_then_oldest() {
        let mut b = Browser::new("default");
        b.receive(&morsel("a", "1", None, "/"), "/", 0);
        b.receive(&morsel("b", "2", None, "/shop"), "/", 0);
        b.receive(&morsel("c", "3", None, "/"), "/", 0);
        let names: Vec<_> = b
            .cookie_header("/shop/cart", 0)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["b", "a", "c"]);
    }

    #[test]
    fn close_keeps_persistent_cookies_only() {
        let mut b = Browser::new("default");
        b.receive(&morsel("session", "1", None, "/"), "/", 0);
        b.receive(&morsel("persistent", "2", Some(100), "/"), "/", 0);
        b.close();
        assert_eq!(b.cookies.len(), 1);
        assert_eq!(b.cookies[0].name, "persistent");
    }

    #[test]
    fn http_dates_parse() {
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Thu, 15 Jan 2026 00:00:00 GMT"),
            Some(1_767_225_600 + 14 * 86_400)
        );
    }
}
