//! `django.contrib.auth`'s session handling (`contrib/auth/__init__.py`):
//! `login()`, `logout()`, `get_user()` and the session auth hash.

use super::error::PyErr;
use super::request::Request;
use super::server::{Server, UserRecord};
use super::signing::{hex, salted_hmac};
use super::value::{UserInfo, UserRef, Value, py_eq};

/// `SESSION_KEY`, `BACKEND_SESSION_KEY`, `HASH_SESSION_KEY`.
pub const SESSION_KEY: &str = "_auth_user_id";
pub const BACKEND_SESSION_KEY: &str = "_auth_user_backend";
pub const HASH_SESSION_KEY: &str = "_auth_user_hash";
/// The only entry of the default `AUTHENTICATION_BACKENDS`.
pub const MODEL_BACKEND: &str = "django.contrib.auth.backends.ModelBackend";

const HASH_SALT: &str = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash";

/// `AbstractBaseUser.get_session_auth_hash()` under `secret`.
fn auth_hash(user: &UserRecord, secret: &str) -> String {
    hex(&salted_hmac(
        HASH_SALT,
        user.password.as_bytes(),
        secret.as_bytes(),
    ))
}

/// The hash under the current `SECRET_KEY`, remembered so transcripts can mask it.
pub fn session_auth_hash(server: &mut Server, user: &UserRecord) -> String {
    let hash = auth_hash(user, &server.settings.secret_key.clone());
    if !server.auth_hashes.contains(&hash) {
        server.auth_hashes.push(hash.clone());
    }
    hash
}

fn info(user: &UserRecord) -> UserInfo {
    UserInfo {
        id: user.id,
        username: user.username.clone(),
    }
}

/// `AutoField.to_python()` of the stored user id.
fn user_pk(value: &Value) -> Result<i64, PyErr> {
    match value {
        Value::Int(i) => Ok(*i),
        Value::Str(s) => s.trim().parse().map_err(|_| {
            PyErr::new(
                "ValidationError",
                format!("['“{s}” value must be an integer.']"),
            )
        }),
        other => Err(PyErr::new(
            "ValidationError",
            format!("['“{}” value must be an integer.']", other.to_str()),
        )),
    }
}

/// `get_user(request)`: the user the session names, after checking its hash
/// (a stale hash flushes the session; one matching a fallback key cycles it).
pub fn get_user(server: &mut Server, request: &mut Request) -> Result<Option<UserInfo>, PyErr> {
    let session = &mut request.session;
    let user_id = match session.get_item(server, &Value::str(SESSION_KEY)) {
        Ok(v) => v,
        Err(e) if e.class == "KeyError" => return Ok(None),
        Err(e) => return Err(e),
    };
    let backend = match session.get_item(server, &Value::str(BACKEND_SESSION_KEY)) {
        Ok(v) => v,
        Err(e) if e.class == "KeyError" => return Ok(None),
        Err(e) => return Err(e),
    };
    if backend.as_str() != Some(MODEL_BACKEND) {
        return Ok(None);
    }
    let Some(user) = server.user_by_id(user_pk(&user_id)?)? else {
        return Ok(None);
    };
    let stored = session.get(server, &Value::str(HASH_SESSION_KEY), Value::None)?;
    let current = session_auth_hash(server, &user);
    if stored.truthy() && py_eq(&stored, &Value::str(&current)) {
        return Ok(Some(info(&user)));
    }
    let fallbacks = server.settings.secret_key_fallbacks.clone();
    if stored.truthy()
        && fallbacks
            .iter()
            .any(|k| py_eq(&stored, &Value::str(&auth_hash(&user, k))))
    {
        session.cycle_key(server)?;
        session.set_item(server, Value::str(HASH_SESSION_KEY), Value::str(&current))?;
        return Ok(Some(info(&user)));
    }
    session.flush(server)?;
    Ok(None)
}

/// The user behind `request.user`, evaluating the lazy object if needed.
pub fn resolve_user(server: &mut Server, request: &mut Request) -> Result<Option<UserInfo>, PyErr> {
    match &request.user {
        UserRef::Lazy(user) | UserRef::Plain(user) => Ok(user.clone()),
        UserRef::LazyUnevaluated => {
            let user = get_user(server, request)?;
            request.user = UserRef::Lazy(user.clone());
            Ok(user)
        }
    }
}

/// `login(request, user)`: cycle the key (or flush when another user was
/// logged in), then store the user's id, backend and hash.
/// `None` is the anonymous user, which Django gets as far as cycling the key
/// with before failing.
pub fn login(
    server: &mut Server,
    request: &mut Request,
    username: Option<&str>,
) -> Result<(), PyErr> {
    let user = username.map(|name| server.user(name)).transpose()?;
    let hash = match &user {
        Some(user) => session_auth_hash(server, user),
        None => String::new(),
    };
    let session = &mut request.session;
    if session.contains(server, &Value::str(SESSION_KEY))? {
        let stored_id = user_pk(&session.get_item(server, &Value::str(SESSION_KEY))?)?;
        let stored_hash = session.get(server, &Value::str(HASH_SESSION_KEY), Value::str(""))?;
        let same_user = user.as_ref().is_some_and(|u| u.id == stored_id);
        if !same_user || (!hash.is_empty() && !py_eq(&stored_hash, &Value::str(&hash))) {
            session.flush(server)?;
        }
    } else {
        session.cycle_key(server)?;
    }
    let Some(user) = user else {
        return Err(PyErr::new(
            "AttributeError",
            "'AnonymousUser' object has no attribute '_meta'",
        ));
    };
    session.set_item(
        server,
        Value::str(SESSION_KEY),
        Value::str(&user.id.to_string()),
    )?;
    session.set_item(
        server,
        Value::str(BACKEND_SESSION_KEY),
        Value::str(MODEL_BACKEND),
    )?;
    session.set_item(server, Value::str(HASH_SESSION_KEY), Value::str(&hash))?;
    request.user = UserRef::Plain(Some(info(&user)));
    super::csrf::rotate_token(server, request);
    Ok(())
}

/// `NotImplementedError` of `AnonymousUser`'s model methods.
fn anonymous_has_no_row() -> PyErr {
    PyErr::new(
        "NotImplementedError",
        "Django doesn't provide a DB representation for AnonymousUser.",
    )
}

/// The user object a method was called on, as the database has it, with a
/// password set earlier in this request (`set_password()`, maybe unsaved).
/// The simulation keeps one object per user and request.
fn in_memory(
    server: &Server,
    request: &Request,
    user: Option<&UserInfo>,
) -> Result<UserRecord, PyErr> {
    let user = user.ok_or_else(anonymous_has_no_row)?;
    let mut record = server
        .user_by_id(user.id)?
        .ok_or_else(|| PyErr::new("DoesNotExist", "User matching query does not exist."))?;
    if let Some((id, raw, field)) = &request.new_password
        && *id == user.id
    {
        record.password.clone_from(field);
        record.raw_password = Some(raw.clone());
    }
    Ok(record)
}

/// `user.set_password(raw)`: a new PBKDF2 hash (random salt) on the object,
/// not yet in the database.
pub fn set_password(
    server: &mut Server,
    request: &mut Request,
    user: Option<&UserInfo>,
    raw: &str,
) -> Result<(), PyErr> {
    let user = in_memory(server, request, user)?;
    let salt = server
        .keygen
        .string(22, super::keys::KeyGen::PASSWORD_CHARS);
    let field = format!(
        "pbkdf2_sha256$1000000${salt}${}",
        hex(&salted_hmac(&salt, raw.as_bytes(), b"pbkdf2"))
    );
    request.new_password = Some((user.id, raw.to_string(), field));
    Ok(())
}

/// `user.save()`: the object's password goes to the database.
pub fn save_user(
    server: &mut Server,
    request: &mut Request,
    user: Option<&UserInfo>,
) -> Result<(), PyErr> {
    let record = in_memory(server, request, user)?;
    if let Some(row) = server.users.iter_mut().find(|u| u.id == record.id) {
        *row = record;
    }
    Ok(())
}

/// `user.check_password(raw)`.
pub fn check_password(
    server: &Server,
    request: &Request,
    user: Option<&UserInfo>,
    raw: &str,
) -> Result<bool, PyErr> {
    let record = in_memory(server, request, user)?;
    Ok(record.raw_password.as_deref() == Some(raw))
}

/// `authenticate(request, username=..., password=...)` with the default
/// `ModelBackend`: the user, or `None` when the name is unknown or the
/// password wrong (a user created by the `login(request, 'alice')`
/// shorthand has no usable password until `set_password()` and `save()`).
pub fn authenticate(
    server: &Server,
    username: &str,
    password: &str,
) -> Result<Option<UserInfo>, PyErr> {
    server.check_users_table()?;
    Ok(server
        .users
        .iter()
        .find(|u| u.username == username && u.raw_password.as_deref() == Some(password))
        .map(info))
}

/// `update_session_auth_hash(request, user)`: a new session key, and the
/// user's current hash in the session when `user` is `request.user`.
pub fn update_session_auth_hash(
    server: &mut Server,
    request: &mut Request,
    user: Option<&UserInfo>,
) -> Result<(), PyErr> {
    request.session.cycle_key(server)?;
    let current = resolve_user(server, request)?;
    let (Some(user), Some(current)) = (user, current) else {
        return Ok(());
    };
    if user.id != current.id {
        return Ok(());
    }
    let record = in_memory(server, request, Some(user))?;
    let hash = session_auth_hash(server, &record);
    request
        .session
        .set_item(server, Value::str(HASH_SESSION_KEY), Value::str(&hash))
}

/// `logout(request)`: flush the session; `request.user` becomes anonymous.
pub fn logout(server: &mut Server, request: &mut Request) -> Result<(), PyErr> {
    // `getattr(user, "is_authenticated", True)` evaluates the lazy user first.
    resolve_user(server, request)?;
    request.session.flush(server)?;
    request.user = UserRef::Plain(None);
    Ok(())
}
