//! Origins and sites: where a browser sends its requests, and the rules
//! Chromium applies to them (potentially trustworthy hosts, registrable
//! domains under the public suffix list's default rule, schemeful same-site).

use std::fmt;

use super::error::PyErr;
use super::value::str_repr;

/// `http` or `https`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    fn name(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// A web origin: scheme, lowercase host, and a port when it is not the
/// scheme's default.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    pub scheme: Scheme,
    pub host: String,
    pub port: Option<u16>,
}

impl Origin {
    /// `http://127.0.0.1:8000`, what `manage.py runserver` serves.
    pub fn runserver() -> Self {
        Self {
            scheme: Scheme::Http,
            host: "127.0.0.1".into(),
            port: Some(8000),
        }
    }

    /// Parse `http://` or `https://` (any case), a host name or IPv4 address,
    /// and an optional port, nothing more. Scheme and host are lowercased and a
    /// default port is dropped. Anything else is the error
    /// `not an http or https origin: 'TEXT'`.
    pub fn parse(text: &str) -> Result<Self, PyErr> {
        let bad = || PyErr::tool(format!("not an http or https origin: {}", str_repr(text)));
        let lower = text.to_ascii_lowercase();
        let (scheme, rest) = if let Some(rest) = lower.strip_prefix("http://") {
            (Scheme::Http, rest)
        } else if let Some(rest) = lower.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else {
            return Err(bad());
        };
        let (host, port) = match rest.split_once(':') {
            Some((host, port)) => {
                if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                let port: u32 = port.parse().map_err(|_| bad())?;
                if !(1..=65535).contains(&port) {
                    return Err(bad());
                }
                (host, Some(port as u16))
            }
            None => (rest, None),
        };
        if !valid_host(host) {
            return Err(bad());
        }
        let port = port.filter(|p| *p != scheme.default_port());
        Ok(Self {
            scheme,
            host: host.to_string(),
            port,
        })
    }

    /// Whether Chromium treats a page here as a secure context for cookies:
    /// https, or a loopback host (`127.0.0.0/8`, `localhost`, `*.localhost`).
    pub fn is_trustworthy(&self) -> bool {
        self.scheme == Scheme::Https || is_loopback(&self.host)
    }

    /// Whether the scheme is https.
    pub fn is_https(&self) -> bool {
        self.scheme == Scheme::Https
    }

    /// Schemeful same-site: the same scheme and the same registrable domain
    /// (or the same host, for a host that has none).
    pub fn same_site(&self, other: &Origin) -> bool {
        self.scheme == other.scheme && site_of(&self.host) == site_of(&other.host)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme.name(), self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

/// A host name of ASCII letters, digits, `-` and `.` whose labels are not
/// empty and start and end with a letter or digit; or an IPv4 address.
fn valid_host(host: &str) -> bool {
    if host.is_empty() {
        return false;
    }
    if looks_numeric(host) {
        return parse_ipv4(host).is_some();
    }
    host.split('.').all(|label| {
        let bytes = label.as_bytes();
        !bytes.is_empty()
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            && bytes[0].is_ascii_alphanumeric()
            && bytes[bytes.len() - 1].is_ascii_alphanumeric()
    })
}

/// Whether the host's last label is all digits, so that only an IPv4 address
/// can make sense of it.
fn looks_numeric(host: &str) -> bool {
    host.rsplit('.')
        .next()
        .is_some_and(|last| !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
}

/// A dotted-quad IPv4 address.
pub fn parse_ipv4(host: &str) -> Option<[u8; 4]> {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut out = [0u8; 4];
    for (slot, part) in out.iter_mut().zip(parts) {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    Some(out)
}

/// Whether `host` is an IP address (cookies there have no domain rules).
pub fn is_ip(host: &str) -> bool {
    parse_ipv4(host).is_some()
}

/// Loopback: `127.0.0.0/8`, `localhost` and its subdomains.
pub fn is_loopback(host: &str) -> bool {
    match parse_ipv4(host) {
        Some(ip) => ip[0] == 127,
        None => host == "localhost" || host.ends_with(".localhost"),
    }
}

/// Whether `domain` is a public suffix under the list's default rule (the
/// last label: `example`, `localhost`).
pub fn is_public_suffix(domain: &str) -> bool {
    !domain.is_empty() && !domain.contains('.') && !is_ip(domain)
}

/// The registrable domain of a host (the public suffix and one more label),
/// or `None` for an IP address or a host that is itself a public suffix.
pub fn registrable_domain(host: &str) -> Option<&str> {
    if is_ip(host) || is_public_suffix(host) {
        return None;
    }
    let mut dots = host.rmatch_indices('.');
    dots.next();
    Some(match dots.next() {
        Some((i, _)) => &host[i + 1..],
        None => host,
    })
}

/// What same-site compares: the registrable domain, or the host itself.
fn site_of(host: &str) -> &str {
    registrable_domain(host).unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalized() {
        let o = Origin::parse("HTTPS://Shop.Example:443").unwrap();
        assert_eq!(o.to_string(), "https://shop.example");
        assert_eq!(
            Origin::parse("http://127.0.0.1:8000").unwrap().to_string(),
            "http://127.0.0.1:8000"
        );
        assert_eq!(
            Origin::parse("http://a.example:80").unwrap().to_string(),
            "http://a.example"
        );
    }

    #[test]
    fn bad_origins_are_refused() {
        for text in [
            "ftp://x",
            "shop.example",
            "https://shop.example/",
            "https://",
            "https://-a.example",
            "https://a..example",
            "https://a.example:0",
            "https://a.example:65536",
            "https://a.example:",
            "https://a_b.example",
            "https://300.1.1.1",
            "https://1.2.3",
            "https://user@a.example",
            "https://a.example.",
        ] {
            let e = Origin::parse(text).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("not an http or https origin: {}", str_repr(text)),
                "{text}"
            );
        }
    }

    #[test]
    fn sites_are_schemeful() {
        let shop = Origin::parse("https://shop.example").unwrap();
        let api = Origin::parse("https://api.shop.example").unwrap();
        let plain = Origin::parse("http://shop.example").unwrap();
        let evil = Origin::parse("https://evil.example").unwrap();
        assert!(shop.same_site(&api));
        assert!(!shop.same_site(&plain));
        assert!(!shop.same_site(&evil));
        let lo = Origin::parse("http://localhost").unwrap();
        let ip = Origin::parse("http://127.0.0.1:9000").unwrap();
        assert!(!lo.same_site(&ip));
        assert!(ip.same_site(&Origin::runserver()));
    }

    #[test]
    fn loopback_and_registrable_domains() {
        assert!(is_loopback("127.4.5.6"));
        assert!(is_loopback("localhost"));
        assert!(!is_loopback("shop.example"));
        assert_eq!(registrable_domain("api.shop.example"), Some("shop.example"));
        assert_eq!(registrable_domain("shop.example"), Some("shop.example"));
        assert_eq!(registrable_domain("example"), None);
        assert_eq!(registrable_domain("10.0.0.1"), None);
    }
}
