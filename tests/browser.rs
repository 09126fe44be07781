//! The browser's rules hold whatever a learner does: random sequences of
//! sites, cross-site requests and cookies never leave a state Chromium cannot
//! reach, and a bad origin or cookie name changes nothing.

use proptest::prelude::*;
use sessionlab::runner::{Outcome, Runner};
use sessionlab::sim::World;
use sessionlab::sim::browser::{MAX_LIFETIME, MAX_NAME_VALUE, Reason};
use sessionlab::sim::origin::Origin;

const SITES: &[&str] = &[
    "site http://127.0.0.1:8000",
    "site http://localhost:8000",
    "site http://shop.example",
    "site https://shop.example",
    "site https://api.shop.example",
    "site http://10.0.0.7",
];

const COOKIES: &[&str] = &[
    "response.set_cookie('a', 'root')",
    "response.set_cookie('a', 'shop', path='/shop')",
    "response.set_cookie('a', 'dom', domain='shop.example')",
    "response.set_cookie('a', 'bad', domain='evil.example')",
    "response.set_cookie('s', 'tls', secure=True)",
    "response.set_cookie('n', 'x', samesite='None')",
    "response.set_cookie('n', 'y', samesite='None', secure=True)",
    "response.set_cookie('st', 'z', samesite='Strict', max_age=600)",
    "response.set_cookie('__Host-id', 'h', secure=True)",
    "response.set_cookie('__Secure-id', 'x')",
    "response.set_cookie('big', 'x' * 5000)",
    "response.set_cookie('long', 'x', max_age=43200000)",
    "response.set_cookie('old', 'x', expires='Thu, 01 Jan 1970 00:00:00 GMT')",
    "response.set_cookie('later', 'x', expires='Fri, 01 Jan 2100 00:00:00 GMT')",
    "response.set_cookie('odd', 'x', expires='31 Feb 2027 10:00:00')",
    "response.set_cookie('q', 'hello world')",
    "response.delete_cookie('a')",
    "response.delete_cookie('a', path='/shop')",
    "request.session['n'] = 1",
    "login(request, 'alice')",
    "logout(request)",
    "settings.SESSION_COOKIE_SECURE = True",
    "settings.SESSION_COOKIE_SAMESITE = 'None'",
    "settings.SESSION_COOKIE_DOMAIN = 'shop.example'",
    "settings.SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'",
    "visit /shop/cart",
    "visit /transfer from https://evil.example via form",
    "visit /account from https://evil.example",
    "visit /pixel.gif from https://evil.example via image",
    "visit / from https://api.shop.example via form",
    "path /shop",
    "path /",
    "clock +2m",
    "clock +1d",
    "browser close",
    "browser set a=typed",
    "browser delete a",
    "browser open eve",
    "browser open default",
    "browser copy a from default",
    "browser cookies off",
    "browser cookies on",
    "browser js",
];

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(SITES).prop_map(str::to_string),
        prop::sample::select(COOKIES).prop_map(str::to_string),
        prop::sample::select(COOKIES).prop_map(str::to_string),
    ]
}

/// Every jar of the world obeys Chromium's storage rules.
fn check_jars(runner: &Runner) {
    let world = &runner.world;
    let now = world.now();
    for browser in &world.browsers {
        let live = browser.jar(now);
        for (i, c) in live.iter().enumerate() {
            assert!(c.size() <= MAX_NAME_VALUE, "{} is over 4096 bytes", c.name);
            if let Some(at) = c.expires_at {
                assert!(at - now <= MAX_LIFETIME, "{} lives past 400 days", c.name);
            }
            for d in &live[i + 1..] {
                assert!(
                    !(c.name == d.name && c.shown_domain() == d.shown_domain() && c.path == d.path),
                    "two cookies {} for {}{}",
                    c.name,
                    c.shown_domain(),
                    c.path
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_lines_keep_every_browser_rule(lines in prop::collection::vec(line(), 1..40)) {
        let mut runner = Runner::new(World::new(7));
        for line in &lines {
            let jar_before = runner.world.browser().jar(runner.world.now()).len();
            let step = runner.step(line);
            check_jars(&runner);
            let Some(exchange) = &step.exchange else { continue };
            let secure_context = exchange.origin.is_trustworthy();
            // A Secure cookie never travels to a plain-http host other than loopback.
            for (name, _) in exchange.sent.iter() {
                let jar = runner.world.browser().for_host(&exchange.origin.host, runner.world.now());
                let secure_only = jar.iter().filter(|c| c.name == *name).all(|c| c.secure);
                prop_assert!(secure_context || !secure_only || jar.iter().all(|c| c.name != *name),
                    "{line}: a Secure {name} went over http");
            }
            for not_sent in &exchange.not_sent {
                prop_assert!(!(not_sent.reason == Reason::SecureOnly && secure_context));
            }
            // Every refused header left the jar alone when nothing else was set.
            if exchange.set_cookies.iter().all(|s| s.blocked.is_some()) {
                prop_assert_eq!(runner.world.browser().jar(runner.world.now()).len(), jar_before,
                    "{}: a refused Set-Cookie changed the jar", line);
            }
        }
    }

    #[test]
    fn a_bad_origin_changes_nothing(text in "[ -~]{0,40}") {
        // `site = ...` is Python, not the world command.
        prop_assume!(!text.trim_start().starts_with('='));
        let mut runner = Runner::new(World::new(1));
        runner.step("response.set_cookie('a', 'b')");
        let before = runner.world.site.clone();
        let step = runner.step(&format!("site {text}"));
        match Origin::parse(text.trim()) {
            Ok(origin) => prop_assert_eq!(runner.world.site.clone(), origin),
            Err(e) => {
                prop_assert_eq!(&runner.world.site, &before);
                prop_assert_eq!(step.outcome, Outcome::Error { message: e.to_string(), col: None });
            }
        }
        let visit = runner.step(&format!("visit / from {text}"));
        if Origin::parse(text.trim()).is_err() {
            prop_assert!(visit.exchange.is_none());
        }
    }

    #[test]
    fn an_illegal_cookie_name_is_a_cookie_error(name in "[ -~]{0,12}") {
        let mut runner = Runner::new(World::new(1));
        let quoted = name.replace('\\', "\\\\").replace('\'', "\\'");
        let step = runner.step(&format!(
            "request.session['lost'] = 1; response.set_cookie('{quoted}', 'v')"
        ));
        let legal = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~:".contains(c))
            && !["expires", "path", "comment", "domain", "max-age", "secure", "httponly", "version", "samesite"]
                .contains(&name.to_ascii_lowercase().as_str());
        if legal {
            prop_assert_eq!(step.outcome, Outcome::Ok);
        } else {
            let Outcome::Error { message, .. } = &step.outcome else {
                panic!("{name:?} was accepted");
            };
            prop_assert!(message.starts_with("CookieError: "), "{}", message);
            // The 500 loses the session write.
            prop_assert!(runner.world.store().is_empty());
        }
    }
}

#[test]
fn expiries_past_year_9999_fail_as_python_does() {
    let mut runner = Runner::new(World::new(1));
    for (line, error) in [
        (
            "response.set_cookie('a', 'b', max_age=10**12)",
            "ValueError: year 33714 is out of range",
        ),
        (
            "response.set_cookie('a', 'b', max_age=float('inf'))",
            "OverflowError: cannot convert float infinity to integer",
        ),
        (
            "response.set_cookie('a', 'b', max_age=float('nan'))",
            "ValueError: cannot convert float NaN to integer",
        ),
        (
            "response.set_cookie('a', 'b', max_age=1e300)",
            "OverflowError: timestamp out of range for platform time_t",
        ),
    ] {
        let step = runner.step(line);
        assert_eq!(
            step.outcome,
            Outcome::Error {
                message: error.into(),
                col: None
            },
            "{line}"
        );
        assert!(runner.world.browser().cookies.is_empty());
    }
}
