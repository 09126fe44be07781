//! Commands per second through the runner, with the JSON transcript written,
//! on a long scenario that mixes every engine (`cargo bench --bench runner`).
#![allow(
    clippy::disallowed_methods,
    reason = "a benchmark measures wall-clock time"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use sessionlab::scenario::Scenario;
use sessionlab::transcript::JsonTranscript;

const ENGINES: [&str; 5] = ["db", "cache", "cached_db", "file", "signed_cookies"];

/// A scenario of at least `commands` lines: every engine in turn, several
/// browsers, reads, writes, the nested-list trap, login/logout, expiry.
fn long_scenario(commands: usize) -> String {
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
    lines.join("\n")
}

fn main() {
    let text = long_scenario(10_000);
    let scenario = Scenario::parse(text.as_bytes()).expect("the benchmark scenario parses");
    let commands = scenario.lines.len();
    let mut best = Duration::MAX;
    let mut bytes = 0;
    for _ in 0..5 {
        let mut out = Vec::with_capacity(8 << 20);
        let mut transcript = JsonTranscript::new();
        let start = Instant::now();
        scenario.run(0, |line, step, runner| {
            let server = &runner.world.server;
            out.extend_from_slice(transcript.line(line, step, server).as_bytes());
            out.push(b'\n');
        });
        best = best.min(start.elapsed());
        bytes = black_box(out).len();
    }
    let per_second = commands as f64 / best.as_secs_f64();
    println!(
        "runner: {commands} commands (5 engines) in {:.1} ms, {:.0} commands/s, {:.1} MB of transcript (best of 5)",
        best.as_secs_f64() * 1e3,
        per_second,
        bytes as f64 / 1e6
    );
    println!(
        "target: 100000 commands/s -> {}",
        if per_second >= 100_000.0 {
            "met"
        } else {
            "NOT met"
        }
    );
}
