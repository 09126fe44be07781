//! The command tables: every world command and every name a view can use,
//! each with its arguments and a one-line description. The evaluator, the
//! help screen, Tab completion and the "not supported; supported are …" errors
//! all read these, so they cannot disagree.

/// One entry of a table.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// What the learner types (a world command's words, or a method's name).
    pub name: &'static str,
    /// Its arguments, as shown in help (`(key, default=None)`).
    pub args: &'static str,
    pub doc: &'static str,
}

const fn e(name: &'static str, args: &'static str, doc: &'static str) -> Entry {
    Entry { name, args, doc }
}

pub use super::commands::WORLD_COMMANDS;

/// `request.session` methods and attributes.
pub const SESSION: &[Entry] = &[
    e(
        "get",
        "(key, default=None)",
        "read a key, or the default when it is missing",
    ),
    e(
        "pop",
        "(key[, default])",
        "remove a key and return its value",
    ),
    e(
        "setdefault",
        "(key, default=None)",
        "read a key, storing the default first if it is missing",
    ),
    e("update", "(dict)", "store several keys at once"),
    e("keys", "()", "the keys, as a dict_keys view"),
    e("values", "()", "the values, as a dict_values view"),
    e(
        "items",
        "()",
        "the (key, value) pairs, as a dict_items view",
    ),
    e(
        "has_key",
        "(key)",
        "whether the key is in the session (same as `key in request.session`)",
    ),
    e(
        "clear",
        "()",
        "empty the data; the key and the stored session stay",
    ),
    e(
        "flush",
        "()",
        "delete the data and the stored session, new key, cookie deleted",
    ),
    e(
        "cycle_key",
        "()",
        "keep the data under a new key (what login() does)",
    ),
    e(
        "set_expiry",
        "(value)",
        "seconds, 0 (browser close), a datetime, or None (the global policy)",
    ),
    e(
        "get_expiry_age",
        "()",
        "seconds the session lasts from now when saved",
    ),
    e(
        "get_expiry_date",
        "()",
        "the date the session expires when saved now",
    ),
    e(
        "get_expire_at_browser_close",
        "()",
        "whether the cookie lives until the browser closes",
    ),
    e("get_session_cookie_age", "()", "SESSION_COOKIE_AGE"),
    e(
        "set_test_cookie",
        "()",
        "store a test value to check that cookies work",
    ),
    e(
        "test_cookie_worked",
        "()",
        "whether the test value came back",
    ),
    e("delete_test_cookie", "()", "remove the test value"),
    e("is_empty", "()", "no key and no data"),
    e(
        "save",
        "()",
        "save now (the middleware does this when modified)",
    ),
    e(
        "exists",
        "(key)",
        "whether the store has a session under this key",
    ),
    e(
        "create",
        "()",
        "make and save a new empty session under a new key",
    ),
    e("delete", "(key=None)", "delete a stored session"),
    e(
        "encode",
        "(dict)",
        "the signed string the database and file engines store",
    ),
    e(
        "decode",
        "(string)",
        "the data inside such a string ({} if the signature is bad)",
    ),
    e("session_key", "", "the key, or None before the first save"),
    e(
        "modified",
        "",
        "whether the middleware will save (settable)",
    ),
    e(
        "accessed",
        "",
        "whether the data was read or written in this request",
    ),
];

/// `request` attributes and methods.
pub const REQUEST: &[Entry] = &[
    e("session", "", "the session of this request"),
    e("COOKIES", "", "the cookies the browser sent, as a dict"),
    e("user", "", "the logged-in user (AuthenticationMiddleware)"),
    e(
        "get_signed_cookie",
        "(key, default=..., salt='', max_age=None)",
        "read a signed cookie; BadSignature if tampered",
    ),
    e("path", "", "the path of this request"),
    e("method", "", "the HTTP method ('GET')"),
    e("is_secure", "()", "whether the request came over HTTPS"),
    e("get_host", "()", "the host the browser asked for"),
    e("get_full_path", "()", "the path with the query string"),
    e("build_absolute_uri", "()", "the full URL of this request"),
];

/// `response` methods.
pub const RESPONSE: &[Entry] = &[
    e(
        "set_cookie",
        "(key, value='', max_age=None, expires=None, path='/', domain=None, secure=False, httponly=False, samesite=None)",
        "send a plain cookie",
    ),
    e(
        "set_signed_cookie",
        "(key, value, salt='', **kwargs)",
        "send a cookie signed with SECRET_KEY",
    ),
    e(
        "delete_cookie",
        "(key, path='/', domain=None, samesite=None)",
        "tell the browser to drop a cookie",
    ),
    e("status_code", "", "the response's HTTP status"),
];

/// `request.user` attributes.
pub const USER: &[Entry] = &[
    e("is_authenticated", "", "True for a logged-in user"),
    e("is_anonymous", "", "True for AnonymousUser"),
    e("username", "", "the user's name ('' when anonymous)"),
    e("id", "", "the user's primary key (None when anonymous)"),
    e("pk", "", "the user's primary key (None when anonymous)"),
    e("get_username", "()", "the user's name"),
    e(
        "set_password",
        "(raw_password)",
        "hash a new password (save() stores it)",
    ),
    e(
        "check_password",
        "(raw_password)",
        "whether this is the password",
    ),
    e("save", "()", "write the user to the database"),
    e("is_active", "", "whether the account is active"),
    e("is_staff", "", "whether the user may use the admin"),
    e("is_superuser", "", "whether the user has every permission"),
];

/// Functions a view can call.
pub const BUILTINS: &[Entry] = &[
    e(
        "login",
        "(request, user)",
        "log a user in (by name): cycles the key, stores _auth_user_id",
    ),
    e("logout", "(request)", "log out: flushes the session"),
    e(
        "authenticate",
        "(request, username=..., password=...)",
        "the user with this password, or None",
    ),
    e(
        "update_session_auth_hash",
        "(request, user)",
        "keep this session after a password change",
    ),
    e(
        "get_token",
        "(request)",
        "the CSRF token (the middleware sets the csrftoken cookie)",
    ),
    e("len", "(x)", "number of items"),
    e("str", "(x)", "text"),
    e("int", "(x)", "whole number"),
    e("float", "(x)", "floating-point number"),
    e("bool", "(x)", "truth value"),
    e("list", "(x)", "a new list"),
    e("tuple", "(x)", "a new tuple"),
    e("dict", "(x)", "a new dict"),
    e("set", "(x)", "a new set"),
    e("sorted", "(x, reverse=False)", "a sorted list"),
    e(
        "range",
        "(stop) or (start, stop, step=1)",
        "the whole numbers from start up to stop",
    ),
    e("type", "(x)", "the type; type(x).__name__ is its name"),
    e("repr", "(x)", "the text Python shows for x"),
    e(
        "print",
        "(x)",
        "print to the server's console (the Server pane)",
    ),
    e("min", "(x, ...)", "the smallest"),
    e("max", "(x, ...)", "the largest"),
    e("sum", "(x)", "the total"),
    e("abs", "(x)", "absolute value"),
    e("round", "(x, ndigits=None)", "round a number"),
    e("isinstance", "(x, type)", "whether x is of that type"),
];

/// Top-level names a view can use besides the builtins.
pub const GLOBALS: &[Entry] = &[
    e("request", "", "the request: session, COOKIES, user…"),
    e("response", "", "the response the view returns: set_cookie…"),
    e("settings", "", "django.conf.settings"),
    e(
        "signing",
        "",
        "django.core.signing: dumps, loads, Signer, TimestampSigner",
    ),
    e(
        "timezone",
        "",
        "django.utils.timezone: now() (the simulated clock's time)",
    ),
    e(
        "timedelta",
        "(days=0, seconds=0, minutes=0, hours=0, weeks=0)",
        "datetime.timedelta: a duration, e.g. set_expiry(timedelta(days=1))",
    ),
];

/// `signing.` functions and classes.
pub const SIGNING: &[Entry] = &[
    e(
        "dumps",
        "(obj, key=None, salt='django.core.signing', compress=False)",
        "sign an object as Django does (signed_cookies sessions use it)",
    ),
    e(
        "loads",
        "(s, key=None, salt='django.core.signing', max_age=None)",
        "check a signed object and read it back",
    ),
    e(
        "Signer",
        "(key=None, salt=None)",
        "a signer: .sign(value), .unsign(signed)",
    ),
    e(
        "TimestampSigner",
        "(key=None, salt=None)",
        "a signer with a timestamp: .sign, .unsign(signed, max_age=None)",
    ),
];

/// Methods of plain values, by type.
pub const STR_METHODS: &[&str] = &[
    "upper",
    "lower",
    "strip",
    "lstrip",
    "rstrip",
    "split",
    "join",
    "replace",
    "startswith",
    "endswith",
    "title",
    "capitalize",
    "count",
    "find",
    "isdigit",
    "format",
];
pub const LIST_METHODS: &[&str] = &[
    "append", "extend", "insert", "pop", "remove", "index", "count", "sort", "reverse", "clear",
    "copy",
];
pub const DICT_METHODS: &[&str] = &[
    "get",
    "keys",
    "values",
    "items",
    "pop",
    "setdefault",
    "update",
    "clear",
    "copy",
];
pub const SET_METHODS: &[&str] = &["add", "remove", "discard", "clear", "copy"];

/// Real attributes of Django's objects that sessionlab does not model: using
/// one says so, instead of pretending it does not exist.
pub const UNMODELLED: &[&str] = &[
    "load",
    "serializer",
    "clear_expired",
    "cache_key",
    "cache_key_prefix",
    "key_salt",
    "get_model_class",
    "create_model_instance",
    "model",
    "aget",
    "aset",
    "apop",
    "asetdefault",
    "aupdate",
    "akeys",
    "avalues",
    "aitems",
    "aflush",
    "acycle_key",
    "aset_expiry",
    "aget_expiry_age",
    "aget_expiry_date",
    "ahas_key",
    "aclear",
    "asave",
    "aexists",
    "acreate",
    "adelete",
    "aload",
    "aset_test_cookie",
    "atest_cookie_worked",
    "adelete_test_cookie",
    "aget_expire_at_browser_close",
    "aget_session_cookie_age",
    "storage_path",
    "file_prefix",
    "GET",
    "POST",
    "META",
    "FILES",
    "headers",
    "body",
    "content_type",
    "content_params",
    "path_info",
    "scheme",
    "encoding",
    "resolver_match",
    "auser",
    "get_port",
    "get_full_path_info",
    "accepts",
    "read",
    "readline",
    "readlines",
    "urlconf",
    "upload_handlers",
    "content",
    "cookies",
    "charset",
    "reason_phrase",
    "streaming",
    "write",
    "flush_response",
    "has_header",
    "setdefault_header",
    "get_session_auth_hash",
    "get_session_auth_fallback_hash",
    "set_password",
    "check_password",
    "set_unusable_password",
    "has_usable_password",
    "email",
    "first_name",
    "last_name",
    "groups",
    "user_permissions",
    "last_login",
    "date_joined",
    "password",
    "save",
    "get_all_permissions",
    "has_perm",
    "has_perms",
    "is_bound",
];

/// The names of a table's entries, as completion candidates.
pub fn names(table: &[Entry]) -> impl Iterator<Item = &'static str> + '_ {
    table.iter().map(|e| e.name)
}

/// "a, b, c" of a table's names, for error messages.
pub fn list(table: &[Entry]) -> String {
    names(table).collect::<Vec<_>>().join(", ")
}
