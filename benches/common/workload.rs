//! The command lines the benchmarks run, and how they report, shared by
//! `benches/runner.rs` and `benches/tui.rs`.
#![allow(dead_code, reason = "each benchmark uses a part")]

const ENGINES: [&str; 5] = ["db", "cache", "cached_db", "file", "signed_cookies"];

/// The benchmark mix: at least `commands` lines, every engine in turn,
/// several browsers, reads, writes, the nested-list trap, login/logout,
/// expiry.
pub fn mix(commands: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut round = 0;
    while lines.len() < commands {
        let engine = ENGINES[round % ENGINES.len()];
        lines.push(format!(
            "settings.SESSION_ENGINE = 'django.contrib.sessions.backends.{engine}'"
        ));
        for browser in ["default", "alice", "bob"] {
            lines.push(format!("browser open {browser}"));
            lines.extend(
                [
                    "request.session['cart'] = ['apple']",
                    "request.session['cart'].append('pear')",
                    "request.session['cart']",
                    "request.session['visits'] = request.session.get('visits', 0) + 1",
                    "'cart' in request.session",
                    "request.session.items()",
                    "response.set_cookie('theme', 'dark', max_age=3600)",
                    "request.COOKIES.get('theme', 'light')",
                    "login(request, 'alice')",
                    "request.user.is_authenticated",
                    "request.session.set_expiry(300)",
                    "request.session.get_expiry_age()",
                    "visit /about",
                    "browser js",
                    "clock +1m",
                    "logout(request)",
                    "request.session.pop('missing', None)",
                    "del request.session['nope']",
                    "request.session.flush()",
                ]
                .map(str::to_string),
            );
        }
        lines.push("clock +3w".into());
        lines.push("manage.py clearsessions".into());
        lines.push("server restart".into());
        round += 1;
    }
    lines
}

/// `sessions` sessions in the `django_session` table, each made by a fresh
/// browser state, the last one the current browser's.
pub fn many_sessions(sessions: usize) -> Vec<String> {
    let mut lines = Vec::with_capacity(2 * sessions);
    for i in 0..sessions {
        if i > 0 {
            lines.push("browser clear".to_string());
        }
        lines.push(format!("request.session['n'] = {i}"));
    }
    lines
}

/// `cookies` cookies in the current browser's jar besides the session's.
pub fn many_cookies(cookies: usize) -> Vec<String> {
    (0..cookies)
        .map(|i| format!("response.set_cookie('c{i}', 'v{i}', max_age=86400)"))
        .collect()
}

/// `writes` writes to a session that holds a value of about 100 KB.
pub fn big_session(writes: usize) -> Vec<String> {
    let mut lines = vec!["request.session['big'] = str(list(range(17000)))".to_string()];
    lines.extend((0..writes).map(|i| format!("request.session['n'] = {i}")));
    lines
}

/// One write to the current session: the command the curves time.
pub const WRITE: &str = "request.session['n'] = request.session.get('n', 0) + 1";

/// Peak resident memory of this process, in KiB (0 where `/proc` is missing).
pub fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// How a figure stands against its goal.
pub fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}
