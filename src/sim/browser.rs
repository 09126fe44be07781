//! A browser: a name and a cookie jar that follows Chromium 156's rules for
//! storing, refusing and sending cookies (`spec/commands.md`, "The browser"),
//! against the simulated clock.

use std::fmt;
use std::rc::Rc;

use super::cookie::{Morsel, Pair, default_path, path_matches, unquote};
use super::dates::{self as cookie_date, Expires};
use super::origin::{Origin, is_ip, is_public_suffix};

/// Chromium's cap on a cookie's lifetime: 400 days after it arrived.
pub const MAX_LIFETIME: i64 = 400 * 86_400;

/// The most bytes a cookie's name and raw value may take together.
pub const MAX_NAME_VALUE: usize = 4096;

/// The most bytes an attribute's value may take; a longer one is ignored.
pub const MAX_ATTRIBUTE: usize = 1024;

/// How long a cookie without SameSite still goes with a cross-site top-level
/// POST ("Lax-allowing-unsafe"), in seconds.
pub const LAX_ALLOWING_UNSAFE: i64 = 120;

/// A cookie's SameSite attribute, as devtools writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SameSite {
    Strict,
    Lax,
    None,
}

impl SameSite {
    /// Chromium's reading of the attribute (any case); anything else is unset.
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "strict" => Some(Self::Strict),
            "lax" => Some(Self::Lax),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    /// `Strict`, `Lax` or `None`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Strict => "Strict",
            Self::Lax => "Lax",
            Self::None => "None",
        }
    }
}

impl fmt::Display for SameSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a page of another origin makes the browser ask for a URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Via {
    /// A top-level GET navigation: the user follows a link.
    Link,
    /// A top-level POST: a form posts here.
    Form,
    /// A GET subresource (`<img src>`).
    Image,
}

impl Via {
    /// `link`, `form` or `image`.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Link => "link",
            Via::Form => "form",
            Via::Image => "image",
        }
    }

    /// Parse `link`, `form` or `image`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "link" => Some(Via::Link),
            "form" => Some(Via::Form),
            "image" => Some(Via::Image),
            _ => None,
        }
    }
}

/// Why Chromium refused a `Set-Cookie` or left a cookie out of a request: the
/// DevTools protocol's `SetCookieBlockedReason` / `CookieBlockedReason` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    NameValuePairExceedsMaxSize,
    InvalidDomain,
    InvalidPrefix,
    UserPreferences,
    SecureOnly,
    NotOnPath,
    SchemefulSameSiteStrict,
    SchemefulSameSiteLax,
    SchemefulSameSiteUnspecifiedTreatedAsLax,
    SameSiteNoneInsecure,
    OverwriteSecure,
}

impl Reason {
    /// The DevTools name.
    pub fn cdp_name(self) -> &'static str {
        match self {
            Reason::NameValuePairExceedsMaxSize => "NameValuePairExceedsMaxSize",
            Reason::InvalidDomain => "InvalidDomain",
            Reason::InvalidPrefix => "InvalidPrefix",
            Reason::UserPreferences => "UserPreferences",
            Reason::SecureOnly => "SecureOnly",
            Reason::NotOnPath => "NotOnPath",
            Reason::SchemefulSameSiteStrict => "SchemefulSameSiteStrict",
            Reason::SchemefulSameSiteLax => "SchemefulSameSiteLax",
            Reason::SchemefulSameSiteUnspecifiedTreatedAsLax => {
                "SchemefulSameSiteUnspecifiedTreatedAsLax"
            }
            Reason::SameSiteNoneInsecure => "SameSiteNoneInsecure",
            Reason::OverwriteSecure => "OverwriteSecure",
        }
    }

    /// The reason a `Set-Cookie` was refused, in words.
    pub fn refusal_words(self) -> &'static str {
        match self {
            Reason::NameValuePairExceedsMaxSize => "name and value over 4096 bytes",
            Reason::InvalidDomain => "its Domain is not this host or a parent of it",
            Reason::InvalidPrefix => "its name prefix (__Secure-, __Host-) needs Secure",
            Reason::UserPreferences => "the user blocks cookies",
            Reason::SecureOnly => "Secure cookie over http",
            Reason::NotOnPath => "not on this path",
            Reason::SchemefulSameSiteStrict => "a cross-site image may not set a Strict cookie",
            Reason::SchemefulSameSiteLax => "a cross-site image may not set a Lax cookie",
            Reason::SchemefulSameSiteUnspecifiedTreatedAsLax => {
                "a cross-site image may not set a cookie without SameSite=None"
            }
            Reason::SameSiteNoneInsecure => "SameSite=None needs Secure",
            Reason::OverwriteSecure => "an http page may not replace a Secure cookie",
        }
    }

    /// The reason a cookie was left out of a request to `request_path`, in
    /// words.
    pub fn not_sent_words(self, cookie_path: &str, request_path: &str) -> String {
        match self {
            Reason::SecureOnly => "Secure cookie, and the site is not https".into(),
            Reason::NotOnPath => format!("path {cookie_path} does not match {request_path}"),
            Reason::SchemefulSameSiteStrict => "SameSite=Strict, cross-site request".into(),
            Reason::SchemefulSameSiteLax => "SameSite=Lax, cross-site request".into(),
            Reason::SchemefulSameSiteUnspecifiedTreatedAsLax => {
                "no SameSite counts as Lax, cross-site request".into()
            }
            Reason::UserPreferences => "the user blocks cookies".into(),
            other => other.refusal_words().into(),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cdp_name())
    }
}

/// One cookie in a jar, as devtools lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCookie {
    /// Shared with the requests that carry it.
    pub name: Rc<str>,
    /// The value as it arrived on the wire, quotes and escapes kept (shared
    /// with the requests that carry it).
    pub raw_value: Rc<str>,
    /// The host of a host-only cookie, or the domain (no leading dot) of a
    /// domain cookie.
    pub domain: String,
    pub host_only: bool,
    pub path: String,
    /// When it expires (seconds since the epoch), or `None` for a session
    /// cookie that lives until the browser closes.
    pub expires_at: Option<i64>,
    pub secure: bool,
    pub httponly: bool,
    pub samesite: Option<SameSite>,
    /// The simulated time it was created (kept when re-set with the same value).
    pub created_at: i64,
    /// Creation order, for cookies created in the same second.
    pub seq: u64,
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

    /// The domain as devtools shows it: the host, or `.` + the domain.
    pub fn shown_domain(&self) -> String {
        if self.host_only {
            self.domain.clone()
        } else {
            format!(".{}", self.domain)
        }
    }

    /// What tells it apart from another cookie.
    pub fn id(&self) -> CookieId {
        CookieId {
            name: self.name.to_string(),
            domain: self.shown_domain(),
            path: self.path.clone(),
        }
    }

    /// Whether a request to `host` may carry this cookie.
    pub fn domain_matches(&self, host: &str) -> bool {
        domain_matches(&self.domain, self.host_only, host)
    }

    /// devtools' Size column: name and raw value, in bytes.
    pub fn size(&self) -> usize {
        self.name.len() + self.raw_value.len()
    }

    /// Whether it is the same cookie as `other`: name, domain and path.
    fn same_key(&self, other: &StoredCookie) -> bool {
        self.name == other.name
            && self.domain == other.domain
            && self.host_only == other.host_only
            && self.path == other.path
    }
}

/// Whether a cookie of `domain` (a host, or a domain with its subdomains)
/// goes with a request to `host`.
pub fn domain_matches(domain: &str, host_only: bool, host: &str) -> bool {
    host == domain || (!host_only && is_subdomain(host, domain))
}

/// `host` is a subdomain of `domain`.
fn is_subdomain(host: &str, domain: &str) -> bool {
    host.len() > domain.len()
        && host.ends_with(domain)
        && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
}

/// Where a request goes and how it was made.
#[derive(Clone, Copy, Debug)]
pub struct Fetch<'a> {
    pub origin: &'a Origin,
    /// The URL's path, without its query.
    pub path: &'a str,
    /// `Some` when a page of another site made the request.
    pub cross_site: Option<Via>,
}

/// A cookie the browser left out of a request, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotSent {
    pub name: String,
    pub domain: String,
    pub path: String,
    pub reason: Reason,
}

/// The cookies of one request: the `Cookie:` header pairs (raw values) and
/// the cookies of the host left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outgoing {
    pub sent: Vec<Pair>,
    pub not_sent: Vec<NotSent>,
}

/// Why `browser set` could not store a cookie.
pub const TOO_BIG: &str = "name and value over 4096 bytes";

/// A browser with its cookie jar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Browser {
    pub name: String,
    /// In `Cookie:` header order (longer paths first, then older first).
    pub cookies: Vec<StoredCookie>,
    pub cookies_enabled: bool,
    next_seq: u64,
    /// The cookies stored, changed or dropped since [`Browser::take_touched`].
    touched: Vec<CookieId>,
}

/// What tells a cookie apart from another: name, shown domain and path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CookieId {
    pub name: String,
    /// The host, or `.` + the domain of a domain cookie.
    pub domain: String,
    pub path: String,
}

impl CookieId {
    /// Whether `c` is the cookie this names.
    pub fn names(&self, c: &StoredCookie) -> bool {
        *c.name == *self.name
            && c.path == self.path
            && shown_domain_chars(c).eq(self.domain.chars())
    }
}

impl Browser {
    /// A browser with an empty jar and cookies on.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            cookies: Vec::new(),
            cookies_enabled: true,
            next_seq: 0,
            touched: Vec::new(),
        }
    }

    /// Drop cookies whose time has come.
    pub fn purge(&mut self, now: i64) {
        self.retain(|c| !c.expired(now));
    }

    /// Keep only the cookies `keep` says yes to.
    fn retain(&mut self, mut keep: impl FnMut(&StoredCookie) -> bool) {
        let touched = &mut self.touched;
        self.cookies.retain(|c| {
            let kept = keep(c);
            if !kept {
                touched.push(c.id());
            }
            kept
        });
    }

    /// The user clears every cookie.
    pub fn clear(&mut self) {
        self.retain(|_| false);
    }

    /// The cookies stored, changed or dropped since the last call.
    pub fn take_touched(&mut self) -> Vec<CookieId> {
        std::mem::take(&mut self.touched)
    }

    /// The live cookies in devtools' order: by shown domain (code points),
    /// then the `Cookie:` header's order.
    pub fn jar(&self, now: i64) -> Vec<&StoredCookie> {
        let mut live: Vec<&StoredCookie> =
            self.cookies.iter().filter(|c| !c.expired(now)).collect();
        live.sort_by(|a, b| {
            shown_domain_chars(a)
                .cmp(shown_domain_chars(b))
                .then_with(|| header_order(a, b))
        });
        live
    }

    /// The live cookies a request to `host` may carry (domain match), in
    /// `Cookie:` header order.
    pub fn for_host(&self, host: &str, now: i64) -> Vec<&StoredCookie> {
        // The jar is kept in that order.
        self.cookies
            .iter()
            .filter(|c| !c.expired(now) && c.domain_matches(host))
            .collect()
    }

    /// Each cookie of the request's host, in `Cookie:` header order, with the
    /// reason it stays behind (the first that applies, in Chromium's order).
    fn considered(&self, fetch: Fetch, now: i64) -> Vec<(&StoredCookie, Option<Reason>)> {
        self.for_host(&fetch.origin.host, now)
            .into_iter()
            .map(|c| {
                let own = if c.secure && !fetch.origin.is_trustworthy() {
                    Some(Reason::SecureOnly)
                } else if !path_matches(&c.path, fetch.path) {
                    Some(Reason::NotOnPath)
                } else {
                    fetch
                        .cross_site
                        .and_then(|via| samesite_exclusion(c, via, now))
                };
                (
                    c,
                    own.or((!self.cookies_enabled).then_some(Reason::UserPreferences)),
                )
            })
            .collect()
    }

    /// Which cookies a request carries, and why the others of its host stay
    /// behind.
    pub fn outgoing(&self, fetch: Fetch, now: i64) -> Outgoing {
        let mut out = Outgoing::default();
        for (c, reason) in self.considered(fetch, now) {
            match reason {
                None => out.sent.push((Rc::clone(&c.name), Rc::clone(&c.raw_value))),
                Some(reason) => out.not_sent.push(NotSent {
                    name: c.name.to_string(),
                    domain: c.shown_domain(),
                    path: c.path.clone(),
                    reason,
                }),
            }
        }
        out
    }

    /// `document.cookie` on a page at `origin` and `path`: what a request
    /// there would carry, minus HttpOnly cookies (nothing with cookies
    /// blocked).
    pub fn document_cookie(&self, origin: &Origin, path: &str, now: i64) -> String {
        let fetch = Fetch {
            origin,
            path,
            cross_site: None,
        };
        self.considered(fetch, now)
            .into_iter()
            .filter(|(c, reason)| reason.is_none() && !c.httponly)
            .map(|(c, _)| format!("{}={}", c.name, c.raw_value))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Store what one `Set-Cookie` header says, or say why not. A refused
    /// header changes nothing; an already-expired cookie deletes the cookie
    /// with its name, domain and path.
    pub fn receive(&mut self, morsel: &Morsel, fetch: Fetch, now: i64) -> Option<Reason> {
        let origin = fetch.origin;
        let raw_value = morsel.coded_value();
        if morsel.name.len() + raw_value.len() > MAX_NAME_VALUE {
            return Some(Reason::NameValuePairExceedsMaxSize);
        }
        let attribute = |v: &str| (!v.is_empty() && v.len() <= MAX_ATTRIBUTE).then_some(());
        let domain_attr = morsel.domain.as_deref().filter(|d| attribute(d).is_some());
        let Some((domain, host_only)) = cookie_domain(domain_attr, &origin.host) else {
            return Some(Reason::InvalidDomain);
        };
        let path_attr = attribute(&morsel.path).map(|()| morsel.path.as_str());
        if !prefix_allowed(morsel, origin, path_attr, domain_attr) {
            return Some(Reason::InvalidPrefix);
        }
        if !self.cookies_enabled {
            return Some(Reason::UserPreferences);
        }
        if morsel.secure && !origin.is_trustworthy() {
            return Some(Reason::SecureOnly);
        }
        let samesite = morsel.samesite.as_deref().and_then(SameSite::parse);
        if fetch.cross_site == Some(Via::Image) {
            match samesite {
                Some(SameSite::None) => {}
                Some(SameSite::Strict) => return Some(Reason::SchemefulSameSiteStrict),
                Some(SameSite::Lax) => return Some(Reason::SchemefulSameSiteLax),
                None => return Some(Reason::SchemefulSameSiteUnspecifiedTreatedAsLax),
            }
        }
        if samesite == Some(SameSite::None) && !morsel.secure {
            return Some(Reason::SameSiteNoneInsecure);
        }
        let path = match path_attr {
            Some(p) if p.starts_with('/') => p.to_string(),
            _ => default_path(fetch.path),
        };
        let mut cookie = StoredCookie {
            name: morsel.name.as_str().into(),
            raw_value: raw_value.into(),
            domain,
            host_only,
            path,
            expires_at: expiry(morsel, now),
            secure: morsel.secure,
            httponly: morsel.httponly,
            samesite,
            created_at: now,
            seq: 0,
        };
        if !origin.is_trustworthy()
            && self.cookies.iter().any(|old| {
                old.secure
                    && old.name == cookie.name
                    && (old.domain == cookie.domain
                        || is_subdomain(&old.domain, &cookie.domain)
                        || is_subdomain(&cookie.domain, &old.domain))
                    && path_matches(&old.path, &cookie.path)
            })
        {
            return Some(Reason::OverwriteSecure);
        }
        let existing = self.cookies.iter().position(|c| c.same_key(&cookie));
        if cookie.expired(now) {
            if let Some(i) = existing {
                self.touched.push(self.cookies.remove(i).id());
            }
            return None;
        }
        self.store(&mut cookie, existing);
        None
    }

    /// Put `cookie` in the jar in place of `existing`, keeping its creation
    /// time when the value is the same, else as a new cookie.
    fn store(&mut self, cookie: &mut StoredCookie, existing: Option<usize>) {
        self.touched.push(cookie.id());
        match existing {
            Some(i) if self.cookies[i].raw_value == cookie.raw_value => {
                cookie.created_at = self.cookies[i].created_at;
                cookie.seq = self.cookies[i].seq;
                self.cookies[i] = cookie.clone();
            }
            _ => {
                if let Some(i) = existing {
                    self.cookies.remove(i);
                }
                self.next_seq += 1;
                cookie.seq = self.next_seq;
                let at = self
                    .cookies
                    .partition_point(|c| header_order(c, cookie).is_lt());
                self.cookies.insert(at, cookie.clone());
            }
        }
    }

    /// The user edits cookies by hand (devtools): every cookie named `name`
    /// for `host` gets the raw `value` and keeps the rest; with none, a new
    /// host-only browser-session cookie for `/`. Refused over 4096 bytes.
    pub fn set_by_hand(
        &mut self,
        host: &str,
        name: &str,
        value: &str,
        now: i64,
    ) -> Result<(), &'static str> {
        if name.len() + value.len() > MAX_NAME_VALUE {
            return Err(TOO_BIG);
        }
        let mut edited: Vec<StoredCookie> = self
            .for_host(host, now)
            .into_iter()
            .filter(|c| &*c.name == name)
            .cloned()
            .collect();
        if edited.is_empty() {
            edited.push(StoredCookie {
                name: name.into(),
                raw_value: "".into(),
                domain: host.to_string(),
                host_only: true,
                path: "/".into(),
                expires_at: None,
                secure: false,
                httponly: false,
                samesite: None,
                created_at: now,
                seq: 0,
            });
        }
        for mut cookie in edited {
            let existing = self.cookies.iter().position(|c| c.same_key(&cookie));
            cookie.raw_value = value.into();
            cookie.created_at = now;
            self.store(&mut cookie, existing);
        }
        Ok(())
    }

    /// Put copies of cookies from another browser in this jar (as an attacker
    /// pasting a stolen cookie would); each is created anew.
    pub fn paste(&mut self, cookies: &[StoredCookie], now: i64) {
        for cookie in cookies {
            let mut cookie = StoredCookie {
                created_at: now,
                ..cookie.clone()
            };
            let existing = self.cookies.iter().position(|c| c.same_key(&cookie));
            self.store(&mut cookie, existing);
        }
    }

    /// The user deletes every cookie named `name` for `host`; false if there
    /// was none.
    pub fn delete(&mut self, host: &str, name: &str, now: i64) -> bool {
        let before = self.cookies.len();
        self.retain(|c| c.expired(now) || &*c.name != name || !c.domain_matches(host));
        self.cookies.len() != before
    }

    /// The browser quits: session cookies (no expiry) are dropped, every domain.
    pub fn close(&mut self) {
        self.retain(|c| c.expires_at.is_some());
    }
}

/// The characters of [`StoredCookie::shown_domain`], without building it.
fn shown_domain_chars(c: &StoredCookie) -> impl Iterator<Item = char> + '_ {
    (!c.host_only)
        .then_some('.')
        .into_iter()
        .chain(c.domain.chars())
}

/// `Cookie:` header order: longer paths first, then older cookies first.
fn header_order(a: &StoredCookie, b: &StoredCookie) -> std::cmp::Ordering {
    b.path
        .len()
        .cmp(&a.path.len())
        .then(a.created_at.cmp(&b.created_at))
        .then(a.seq.cmp(&b.seq))
}

/// Why a cross-site request made `via` leaves `c` behind, if it does.
fn samesite_exclusion(c: &StoredCookie, via: Via, now: i64) -> Option<Reason> {
    match (c.samesite, via) {
        (Some(SameSite::None), _) => None,
        (Some(SameSite::Strict), _) => Some(Reason::SchemefulSameSiteStrict),
        (Some(SameSite::Lax), Via::Link) | (None, Via::Link) => None,
        (Some(SameSite::Lax), _) => Some(Reason::SchemefulSameSiteLax),
        (None, Via::Form) if now - c.created_at <= LAX_ALLOWING_UNSAFE => None,
        (None, _) => Some(Reason::SchemefulSameSiteUnspecifiedTreatedAsLax),
    }
}

/// The cookie's domain for a `Domain` attribute on a response from `host`:
/// `(domain, host_only)`, or `None` when the browser refuses it.
fn cookie_domain(attr: Option<&str>, host: &str) -> Option<(String, bool)> {
    let host_only = || Some((host.to_string(), true));
    let Some(attr) = attr else {
        return host_only();
    };
    let attr = attr.to_ascii_lowercase();
    let domain = attr.strip_prefix('.').unwrap_or(&attr);
    if domain.is_empty() {
        return host_only();
    }
    if is_ip(host) || host == "localhost" {
        return (domain == host).then(host_only).flatten();
    }
    if host != domain && !is_subdomain(host, domain) {
        return None;
    }
    if is_public_suffix(domain) {
        return (domain == host).then(host_only).flatten();
    }
    Some((domain.to_string(), false))
}

/// The name prefix rules (any case): `__Secure-` needs Secure on a secure
/// page; `__Host-` also `Path=/` and no Domain (but the page's IP address);
/// `__Http-` Secure and HttpOnly.
fn prefix_allowed(
    morsel: &Morsel,
    origin: &Origin,
    path_attr: Option<&str>,
    domain_attr: Option<&str>,
) -> bool {
    let name = morsel.name.to_ascii_lowercase();
    let secure = morsel.secure && origin.is_trustworthy();
    if name.starts_with("__secure-") {
        return secure;
    }
    if name.starts_with("__host-") {
        let domain_ok = domain_attr
            .is_none_or(|d| is_ip(&origin.host) && d.strip_prefix('.').unwrap_or(d) == origin.host);
        return secure && path_attr == Some("/") && domain_ok;
    }
    if name.starts_with("__http-") {
        return secure && morsel.httponly;
    }
    true
}

/// When a cookie set now expires: a valid Max-Age wins over Expires, an
/// unreadable Expires is ignored, and every expiry is capped at 400 days.
fn expiry(morsel: &Morsel, now: i64) -> Option<i64> {
    let cap = now.saturating_add(MAX_LIFETIME);
    let at = match morsel.max_age {
        Some(age) if age <= 0 => i64::MIN,
        Some(age) => now.saturating_add(age),
        None if morsel.expires.is_empty() || morsel.expires.len() > MAX_ATTRIBUTE => return None,
        None => match cookie_date::parse(&morsel.expires)? {
            Expires::At(t) => t,
            Expires::FarFuture => i64::MAX,
        },
    };
    Some(at.min(cap))
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

    fn fetch<'a>(origin: &'a Origin, path: &'a str) -> Fetch<'a> {
        Fetch {
            origin,
            path,
            cross_site: None,
        }
    }

    fn names(out: &Outgoing) -> Vec<&str> {
        out.sent.iter().map(|(n, _)| &**n).collect()
    }

    #[test]
    fn max_age_zero_deletes_and_expiry_is_exclusive() {
        let site = Origin::runserver();
        let mut b = Browser::new("default");
        b.receive(
            &morsel("theme", "dark", Some(60), "/"),
            fetch(&site, "/"),
            0,
        );
        assert_eq!(b.outgoing(fetch(&site, "/"), 59).sent.len(), 1);
        assert!(b.outgoing(fetch(&site, "/"), 60).sent.is_empty());
        b.receive(&morsel("theme", "", Some(0), "/"), fetch(&site, "/"), 10);
        assert!(b.cookies.is_empty());
    }

    #[test]
    fn header_order_is_longest_path_then_oldest() {
        let site = Origin::runserver();
        let mut b = Browser::new("default");
        for (n, p) in [("a", "/"), ("b", "/shop"), ("c", "/")] {
            b.receive(&morsel(n, "1", None, p), fetch(&site, "/"), 0);
        }
        assert_eq!(
            names(&b.outgoing(fetch(&site, "/shop/cart"), 0)),
            ["b", "a", "c"]
        );
        // A new value is a new cookie: it moves last.
        b.receive(&morsel("a", "2", None, "/"), fetch(&site, "/"), 0);
        assert_eq!(
            names(&b.outgoing(fetch(&site, "/shop/cart"), 0)),
            ["b", "c", "a"]
        );
    }

    #[test]
    fn one_name_on_two_paths_is_two_cookies() {
        let site = Origin::runserver();
        let mut b = Browser::new("default");
        b.receive(&morsel("a", "root", None, "/"), fetch(&site, "/"), 0);
        b.receive(&morsel("a", "shop", None, "/shop"), fetch(&site, "/"), 0);
        let out = b.outgoing(fetch(&site, "/shop"), 0);
        assert_eq!(
            out.sent,
            [("a".into(), "shop".into()), ("a".into(), "root".into())]
        );
        let out = b.outgoing(fetch(&site, "/"), 0);
        assert_eq!(out.not_sent[0].reason, Reason::NotOnPath);
    }

    #[test]
    fn secure_needs_a_trustworthy_page() {
        let plain = Origin::parse("http://shop.example").unwrap();
        let mut b = Browser::new("default");
        let m = Morsel {
            secure: true,
            ..morsel("t", "1", None, "/")
        };
        assert_eq!(
            b.receive(&m, fetch(&plain, "/"), 0),
            Some(Reason::SecureOnly)
        );
        assert_eq!(b.receive(&m, fetch(&Origin::runserver(), "/"), 0), None);
        let tls = Origin::parse("https://shop.example").unwrap();
        assert_eq!(b.receive(&m, fetch(&tls, "/"), 0), None);
        assert_eq!(
            b.receive(&morsel("t", "2", None, "/"), fetch(&plain, "/"), 0),
            Some(Reason::OverwriteSecure)
        );
        let out = b.outgoing(fetch(&plain, "/"), 0);
        assert_eq!(out.not_sent[0].reason, Reason::SecureOnly);
    }

    #[test]
    fn domains_follow_the_public_suffix_default_rule() {
        assert_eq!(
            cookie_domain(Some(".Shop.Example"), "api.shop.example"),
            Some(("shop.example".into(), false))
        );
        assert_eq!(cookie_domain(Some("evil.example"), "shop.example"), None);
        assert_eq!(cookie_domain(Some("example"), "shop.example"), None);
        assert_eq!(
            cookie_domain(Some("127.0.0.1"), "127.0.0.1"),
            Some(("127.0.0.1".into(), true))
        );
        assert_eq!(cookie_domain(Some("0.0.1"), "127.0.0.1"), None);
    }

    #[test]
    fn lifetimes_are_capped_at_400_days() {
        let m = morsel("a", "1", Some(43_200_000), "/");
        assert_eq!(expiry(&m, 0), Some(MAX_LIFETIME));
        let m = Morsel {
            expires: "Fri, 01 Jan 2100 00:00:00 GMT".into(),
            ..morsel("a", "1", None, "/")
        };
        assert_eq!(expiry(&m, 0), Some(MAX_LIFETIME));
        let m = Morsel {
            expires: "not a date".into(),
            ..morsel("a", "1", None, "/")
        };
        assert_eq!(expiry(&m, 0), None);
    }

    #[test]
    fn close_keeps_persistent_cookies_only() {
        let site = Origin::runserver();
        let mut b = Browser::new("default");
        b.receive(&morsel("session", "1", None, "/"), fetch(&site, "/"), 0);
        b.receive(
            &morsel("persistent", "2", Some(100), "/"),
            fetch(&site, "/"),
            0,
        );
        b.close();
        assert_eq!(b.cookies.len(), 1);
        assert_eq!(&*b.cookies[0].name, "persistent");
    }
}
