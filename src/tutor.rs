//! The tutor line: one sentence under Python's own error (which stays exactly
//! Python's) for the mistakes beginners make most, and a note when a line
//! did something other than what it looks like (`print()`, a bare setting).

use crate::runner::{Outcome, Step};
use crate::script::{commands, table};
use crate::sim::settings::SETTINGS;

/// What a tutor would add after `line` ran as `step`: none, one or two short
/// sentences.
pub fn notes(line: &str, step: &Step) -> Vec<String> {
    let line = line.trim();
    let mut out = Vec::new();
    if !step.printed.is_empty() {
        out.push(
            "print() writes to the server's console (the Server pane), not to the page; \
to see a value here, type the expression alone, e.g. `request.COOKIES`."
                .to_string(),
        );
    }
    match &step.outcome {
        Outcome::Error { message, .. } => out.extend(for_error(line, message)),
        Outcome::Value(value) if value.starts_with("<bound method") => {
            out.push("that is the method itself: add () to call it.".into());
        }
        Outcome::Ok => out.extend(for_silent(line)),
        _ => {}
    }
    out
}

/// A line that ran without a word but did not do what it looks like.
fn for_silent(line: &str) -> Option<String> {
    if line.starts_with("browser set ") && line.contains(';') {
        return Some(
            "a world command takes the whole line: the `;` and what follows became part of the value (one command a line)."
                .into(),
        );
    }
    let (name, value) = line.split_once('=')?;
    let name = name.trim();
    if name == "settings.SESSION_ENGINE" && !value.contains('.') {
        return Some(
            "SESSION_ENGINE is a dotted path, e.g. 'django.contrib.sessions.backends.cache'."
                .into(),
        );
    }
    if name.starts_with("SESSION_") || name.starts_with("CSRF_") || name == "SECRET_KEY" {
        return Some(format!(
            "that made a name in this line only: a setting is changed with `settings.{name} = …`."
        ));
    }
    None
}

fn for_error(line: &str, message: &str) -> Option<String> {
    if message.starts_with("SyntaxError")
        && let Some((first, _)) = line.split_once(' ')
        && let Some(word) = did_you_mean(first, world_words())
    {
        return Some(format!("did you mean the command `{word}`?"));
    }
    if let Some(name) = quoted_after(message, "NameError: name '") {
        return Some(for_name(line, name));
    }
    if let Some(rest) = message.strip_prefix("AttributeError: ") {
        let missing = quoted_after(rest, "has no attribute '")?;
        return did_you_mean(missing, attribute_names()).map(|m| format!("did you mean .{m}?"));
    }
    if message.contains("invalid character '‘'")
        || message.contains("invalid character '’'")
        || message.contains("invalid character '“'")
        || message.contains("invalid character '”'")
    {
        return Some(
            "curly quotes (from copied text): type straight quotes ' or \" instead.".into(),
        );
    }
    if message.contains("unterminated string literal") || message.contains("EOL while scanning") {
        return Some("a string needs a quote at each end: 'dark'.".into());
    }
    if message.contains("'method' object is not subscriptable")
        || message.contains("'builtin_function_or_method' object is not subscriptable")
    {
        return Some(
            "a method is called with round brackets: .get('name'), not .get['name'].".into(),
        );
    }
    if message.contains("cannot assign to function call") && line.contains("session(") {
        return Some(
            "the session is indexed with square brackets: request.session['name'] = 'Ada'.".into(),
        );
    }
    if message.contains("needs a Python literal value") {
        for (wrong, right) in [("true", "True"), ("false", "False"), ("none", "None")] {
            if line
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == wrong)
            {
                return Some(format!("Python writes {right} with a capital letter."));
            }
        }
    }
    if let Some(setting) = line
        .split("settings.")
        .nth(1)
        .map(|r| {
            r.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("")
        })
        .filter(|s| !s.is_empty() && !SETTINGS.iter().any(|i| i.name == *s))
    {
        return did_you_mean(setting, SETTINGS.iter().map(|s| s.name))
            .map(|m| format!("did you mean settings.{m}?"));
    }
    None
}

/// The words after `prefix` up to the next quote.
fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let start = message.find(prefix)? + prefix.len();
    let rest = &message[start..];
    Some(&rest[..rest.find('\'')?])
}

fn for_name(line: &str, name: &str) -> String {
    match name {
        "session" | "COOKIES" | "user" => {
            format!("did you mean request.{name}? It hangs on the request.")
        }
        "true" | "false" | "none" => {
            let mut right = name.to_string();
            right[..1].make_ascii_uppercase();
            format!("Python writes {right} with a capital letter.")
        }
        "document" | "window" | "alert" => {
            "that is JavaScript, which runs in the page: `browser js` shows what a page's script can read."
                .into()
        }
        "datetime" | "date" => {
            "for an expiry, a view here has timedelta and timezone: set_expiry(timedelta(days=1)) or timezone.now() + timedelta(days=1)."
                .into()
        }
        "help" | "exit" | "quit" => {
            "F1 lists every key and command; F10 goes back to the menu, Ctrl-C quits.".into()
        }
        _ if name.starts_with("SESSION_") || name.starts_with("CSRF_") => {
            format!("settings are read and changed as settings.{name}.")
        }
        _ => {
            let first = line.split_whitespace().next().unwrap_or("");
            let command = (first == name)
                .then(|| did_you_mean(name, world_words()))
                .flatten();
            match command {
                Some(word) => format!("did you mean the command `{word}`?"),
                None => format!(
                    "if you meant the text {name}, quote it: '{name}'. A name from an earlier line is gone: each line is a new request (join statements with ;)."
                ),
            }
        }
    }
}

/// The first words of every world command.
fn world_words() -> impl Iterator<Item = &'static str> {
    commands::WORLD_COMMANDS
        .iter()
        .filter_map(|e| e.name.split(' ').next())
}

/// Every method and attribute the view's objects have.
fn attribute_names() -> impl Iterator<Item = &'static str> {
    [table::SESSION, table::REQUEST, table::RESPONSE, table::USER]
        .into_iter()
        .flat_map(|t| t.iter().map(|e| e.name))
        .chain(table::DICT_METHODS.iter().copied())
        .chain(table::STR_METHODS.iter().copied())
        .chain(table::LIST_METHODS.iter().copied())
}

/// The candidate closest to `word` (at most two edits, or one for short
/// words), as Python 3.12's "Did you mean" picks.
fn did_you_mean(
    word: &str,
    candidates: impl Iterator<Item = &'static str>,
) -> Option<&'static str> {
    let limit = if word.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .filter(|c| *c != word)
        .map(|c| (distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(previous + usize::from(ca != *cb));
            previous = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Runner;
    use crate::sim::World;

    fn tutor(lines: &[&str]) -> Vec<String> {
        let mut runner = Runner::new(World::new(0));
        let mut out = Vec::new();
        for line in lines {
            let step = runner.step(line);
            out = notes(line, &step);
        }
        out
    }

    #[test]
    fn beginners_mistakes_get_one_line() {
        let cases: &[(&str, &str)] = &[
            ("response.set_cokie('theme', 'dark')", "set_cookie"),
            ("response.set_cookie(‘theme’, ‘dark’)", "straight quotes"),
            ("response.set_cookie(theme, 'dark')", "quote it: 'theme'"),
            ("session['name'] = 'Ada'", "request.session"),
            ("request.session.get['name']", "round brackets"),
            ("request.session.clear", "add ()"),
            ("settings.SESSION_SAVE_EVERY_REQUEST = true", "True"),
            (
                "settings.SESSION_SAVE_EVERYREQUEST = True",
                "SESSION_SAVE_EVERY_REQUEST",
            ),
            ("document.cookie", "browser js"),
            (
                "SESSION_SAVE_EVERY_REQUEST = True",
                "settings.SESSION_SAVE_EVERY_REQUEST",
            ),
            ("print(request.COOKIES)", "console"),
            ("brwser close", "`browser`"),
            ("settings.SESSION_ENGINE = 'cache'", "dotted path"),
            ("browser set name=Eve; browser set x=1", "whole line"),
        ];
        for (line, want) in cases {
            let notes = tutor(&[line]);
            assert!(
                notes.iter().any(|n| n.contains(want)),
                "{line}: {notes:?} should say {want}"
            );
        }
    }

    #[test]
    fn right_code_gets_no_note() {
        assert!(tutor(&["response.set_cookie('theme', 'dark')"]).is_empty());
        assert!(tutor(&["request.COOKIES"]).is_empty());
    }
}
