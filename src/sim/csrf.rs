//! `django.middleware.csrf`: the CSRF cookie beside the session cookie, as
//! `CsrfViewMiddleware` handles it in Django 5.2 (`middleware/csrf.py`).
//! The middleware is in a world only when it starts with it (`[start] csrf =
//! true`, `# world: csrf`), between `SessionMiddleware` and
//! `AuthenticationMiddleware` as in `startproject`'s `MIDDLEWARE`.
//!
//! Modelled: `process_request` reading the cookie (a malformed one is replaced),
//! `get_token()`, `rotate_token()` (which `login()` calls), `process_view`
//! rejecting every POST with 403 (the simulated browser never submits a
//! token), and `process_response` setting the cookie when the token was used
//! or rotated. `CSRF_USE_SESSIONS` is not modelled.

use super::cookie::{CookieOptions, MaxAge, ResponseCookies};
use super::error::PyErr;
use super::keys::KeyGen;
use super::request::Request;
use super::server::Server;

/// `CSRF_SECRET_LENGTH`, `CSRF_TOKEN_LENGTH`.
const SECRET_LENGTH: usize = 32;
const TOKEN_LENGTH: usize = 64;
/// `CSRF_ALLOWED_CHARS`: `string.ascii_letters + string.digits`.
const CHARS: &[u8] = KeyGen::PASSWORD_CHARS;
/// `CSRF_COOKIE_NAME`, `CSRF_COOKIE_AGE` (one year), `CSRF_COOKIE_PATH`,
/// `CSRF_COOKIE_SAMESITE` defaults.
pub const COOKIE_NAME: &str = "csrftoken";
const COOKIE_AGE: i64 = 60 * 60 * 24 * 7 * 52;

/// What `request.META` holds for the middleware.
#[derive(Clone, Debug, Default)]
pub struct CsrfMeta {
    /// `META["CSRF_COOKIE"]`: the secret in use.
    pub cookie: Option<String>,
    /// `META["CSRF_COOKIE_NEEDS_UPDATE"]`.
    pub needs_update: bool,
}

fn new_secret(server: &mut Server) -> String {
    let secret = server.keygen.string(SECRET_LENGTH, CHARS);
    server.csrf_secrets.push(secret.clone());
    secret
}

/// `_add_new_csrf_cookie(request)`.
fn add_new_cookie(server: &mut Server, request: &mut Request) -> String {
    let secret = new_secret(server);
    request.csrf.cookie = Some(secret.clone());
    request.csrf.needs_update = true;
    secret
}

fn index(c: u8) -> usize {
    CHARS.iter().position(|x| *x == c).unwrap_or(0)
}

/// `_unmask_cipher_token(token)`.
fn unmask(token: &str) -> String {
    let (mask, cipher) = token.as_bytes().split_at(SECRET_LENGTH);
    cipher
        .iter()
        .zip(mask)
        .map(|(t, m)| CHARS[(index(*t) + CHARS.len() - index(*m)) % CHARS.len()] as char)
        .collect()
}

/// `_mask_cipher_secret(secret)`: a fresh mask, then the secret shifted by it.
fn mask(server: &mut Server, secret: &str) -> String {
    let mask = server.keygen.string(SECRET_LENGTH, CHARS);
    let cipher: String = secret
        .bytes()
        .zip(mask.bytes())
        .map(|(s, m)| CHARS[(index(s) + index(m)) % CHARS.len()] as char)
        .collect();
    mask + &cipher
}

/// `CsrfViewMiddleware.process_request`.
pub fn process_request(server: &mut Server, request: &mut Request) {
    if !server.csrf_middleware {
        return;
    }
    let Some(value) = request.cookie(COOKIE_NAME) else {
        return;
    };
    let well_formed = [SECRET_LENGTH, TOKEN_LENGTH].contains(&value.len())
        && value.bytes().all(|c| c.is_ascii_alphanumeric());
    if !well_formed {
        add_new_cookie(server, request);
    } else if value.len() == TOKEN_LENGTH {
        request.csrf.cookie = Some(unmask(&value));
    } else {
        request.csrf.cookie = Some(value);
    }
}

/// `get_token(request)`: the secret in use (a new one if none), masked; the
/// response will carry the cookie.
pub fn get_token(server: &mut Server, request: &mut Request) -> String {
    let secret = match request.csrf.cookie.clone() {
        Some(secret) => {
            request.csrf.needs_update = true;
            secret
        }
        None => add_new_cookie(server, request),
    };
    mask(server, &secret)
}

/// `rotate_token(request)`, which `login()` calls. Without the middleware
/// nothing reads `META`, so nothing is drawn either.
pub fn rotate_token(server: &mut Server, request: &mut Request) {
    if server.csrf_middleware {
        add_new_cookie(server, request);
    }
}

/// `process_view`: a POST (a form posted from a page) is rejected with 403,
/// since the simulated browser never sends `csrfmiddlewaretoken`.
pub fn rejects(server: &Server, method: &str) -> bool {
    server.csrf_middleware && !matches!(method, "GET" | "HEAD" | "OPTIONS" | "TRACE")
}

/// `process_response`: set the cookie when the token was used or rotated.
/// Returns whether it did (the response then varies on Cookie).
pub fn process_response(
    server: &Server,
    request: &mut Request,
    cookies: &mut ResponseCookies,
) -> Result<bool, PyErr> {
    if !server.csrf_middleware || !request.csrf.needs_update {
        return Ok(false);
    }
    let Some(secret) = request.csrf.cookie.clone() else {
        return Ok(false);
    };
    let settings = &server.settings;
    let options = CookieOptions {
        max_age: Some(MaxAge::seconds(COOKIE_AGE)),
        expires: None,
        path: Some("/".into()),
        domain: None,
        secure: settings.csrf_cookie_secure,
        httponly: settings.csrf_cookie_httponly,
        samesite: Some("Lax".into()),
    };
    cookies.set_cookie(COOKIE_NAME, &secret, &options, server.now)?;
    request.csrf.needs_update = false;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_token_unmasks_to_its_secret() {
        let mut server = Server::new(0, 7, true);
        let secret = new_secret(&mut server);
        let token = mask(&mut server, &secret);
        assert_eq!(token.len(), TOKEN_LENGTH);
        assert_eq!(unmask(&token), secret);
    }
}
