//! The world commands, one table row each: the words a learner types, their
//! arguments, what they do, and the function that reads them. Parsing, the
//! usage errors, help and Tab completion all come from this one table, as
//! helix's typable commands do: a new command is one row and one function.

use super::{Command, ParseError, parse_duration};
use crate::sim::WorldCommand;
use crate::sim::browser::Via;
use crate::sim::origin::Origin;
use crate::sim::request::Initiator;

/// What follows a command's words on its line.
#[derive(Clone, Copy, Debug)]
pub struct Args<'a> {
    /// The command's own words (`browser set`).
    pub command: &'a str,
    /// The words after them.
    pub words: &'a [&'a str],
    /// The text after them, as typed (spaces kept), trimmed.
    pub rest: &'a str,
}

impl Args<'_> {
    /// Nothing may follow the command's words.
    fn none(&self, command: Command) -> Result<Command, ParseError> {
        if self.words.is_empty() {
            Ok(command)
        } else {
            Err(usage(self.command))
        }
    }

    /// Exactly one word follows.
    fn one(&self) -> Result<&str, ParseError> {
        match self.words {
            [word] => Ok(word),
            _ => Err(usage(self.command)),
        }
    }
}

type Parse = fn(&Args) -> Result<Command, ParseError>;

/// One world command.
#[derive(Clone, Copy, Debug)]
pub struct WorldEntry {
    /// What the learner types (`browser set`).
    pub name: &'static str,
    /// Its arguments, as shown in help (` NAME=VALUE`).
    pub args: &'static str,
    pub doc: &'static str,
    /// Reads the rest of the line; `None` for a row that only documents
    /// (`settings.NAME = VALUE` is Python).
    pub parse: Option<Parse>,
}

const fn w(name: &'static str, args: &'static str, doc: &'static str, parse: Parse) -> WorldEntry {
    WorldEntry {
        name,
        args,
        doc,
        parse: Some(parse),
    }
}

fn world(command: WorldCommand) -> Command {
    Command::World(command)
}

fn tool(command: ToolCommand) -> Command {
    Command::Tool(command)
}

/// World commands: what happens outside the view, and the HTTP workbench.
pub const WORLD_COMMANDS: &[WorldEntry] = &[
    w(
        "visit",
        " /PATH [from ORIGIN [via link|form|image]]",
        "the browser requests a page, or a page of another origin makes it",
        parse_visit,
    ),
    w(
        "site",
        " https://shop.example",
        "every browser's requests go to this origin from now on",
        |a| {
            Origin::parse(a.rest)
                .map(|o| world(WorldCommand::Site(o)))
                .map_err(|e| ParseError::world(e.message))
        },
    ),
    w(
        "path",
        " /PATH",
        "later view code runs at this path (cookie Path matching applies)",
        |a| match a.words {
            [path] if path.starts_with('/') => Ok(world(WorldCommand::Path(path.to_string()))),
            _ => Err(ParseError::world(
                "path needs a path starting with '/', e.g. path /cart",
            )),
        },
    ),
    w(
        "browser close",
        "",
        "the browser quits: cookies without an expiry are dropped",
        |a| a.none(world(WorldCommand::BrowserClose)),
    ),
    w(
        "browser clear",
        "",
        "the user deletes every cookie of this browser",
        |a| a.none(world(WorldCommand::BrowserClear)),
    ),
    w(
        "browser set",
        " NAME=VALUE",
        "the user edits a cookie by hand (tampering)",
        |a| match a.rest.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => Ok(world(WorldCommand::BrowserSet {
                name: name.trim().to_string(),
                value: value.trim().to_string(),
            })),
            _ => Err(ParseError::world(
                "browser set needs NAME=VALUE, e.g. browser set sessionid=forged123",
            )),
        },
    ),
    w(
        "browser delete",
        " NAME",
        "the user deletes a cookie",
        |a| Ok(world(WorldCommand::BrowserDelete(a.one()?.to_string()))),
    ),
    w(
        "browser open",
        " NAME",
        "switch to another browser (another visitor), created empty",
        |a| Ok(world(WorldCommand::BrowserOpen(a.one()?.to_string()))),
    ),
    w(
        "browser copy",
        " NAME from OTHER",
        "copy a cookie from another browser (session hijacking)",
        |a| match a.words {
            [name, "from", other] => Ok(world(WorldCommand::BrowserCopy {
                name: name.to_string(),
                from: other.to_string(),
            })),
            _ => Err(usage(a.command)),
        },
    ),
    w(
        "browser cookies",
        " on|off",
        "the user allows or blocks cookies",
        |a| match a.words {
            ["on"] => Ok(world(WorldCommand::BrowserCookies(true))),
            ["off"] => Ok(world(WorldCommand::BrowserCookies(false))),
            _ => Err(usage(a.command)),
        },
    ),
    w(
        "browser js",
        "",
        "what a script on the page reads from document.cookie",
        |a| a.none(world(WorldCommand::BrowserJs)),
    ),
    w("clock", " +90s|+15m|+2h|+3d|+2w", "time passes", |a| {
        match a.words {
            [amount] => parse_duration(amount),
            _ => None,
        }
        .map(|s| world(WorldCommand::Clock(s)))
        .ok_or_else(|| ParseError::world("clock needs an amount like +90s, +15m, +2h, +3d or +2w"))
    }),
    WorldEntry {
        name: "settings.",
        args: "NAME = VALUE",
        doc: "change a setting (any SESSION_* setting, SECRET_KEY…)",
        parse: None,
    },
    w(
        "manage.py migrate",
        "",
        "create the django_session table",
        |a| a.none(world(WorldCommand::Migrate)),
    ),
    w(
        "manage.py clearsessions",
        "",
        "delete expired sessions from the store",
        |a| a.none(world(WorldCommand::ClearSessions)),
    ),
    w(
        "server restart",
        "",
        "the server process restarts: the local-memory cache is lost",
        |a| a.none(world(WorldCommand::ServerRestart)),
    ),
    w("history", "", "list every request so far, numbered", |a| {
        a.none(tool(ToolCommand::History))
    }),
    w(
        "replay",
        " N [as BROWSER | with Cookie: a=1; b=2]",
        "send request N again on today's world, as it was or edited",
        parse_replay,
    ),
    w(
        "intercept",
        " on|off|responses",
        "stop each request (or also each response) for editing",
        |a| match a.words {
            ["on"] => Ok(tool(ToolCommand::Intercept(Intercept::Requests))),
            ["responses"] => Ok(tool(ToolCommand::Intercept(Intercept::Responses))),
            ["off"] => Ok(tool(ToolCommand::Intercept(Intercept::Off))),
            _ => Err(usage(a.command)),
        },
    ),
    w(
        "edit",
        " cookie: a=1; b=2 | path /P | method GET|POST | set-cookie NAME=VALUE",
        "change the intercepted request or response",
        parse_edit,
    ),
    w(
        "forward",
        "",
        "let the intercepted request or response go on",
        |a| a.none(tool(ToolCommand::Forward)),
    ),
    w(
        "drop",
        " [set-cookie NAME]",
        "drop the intercepted request or response (or one Set-Cookie of it)",
        |a| match a.words {
            [] => Ok(tool(ToolCommand::Drop(None))),
            [word, name] if word.eq_ignore_ascii_case("set-cookie") => {
                Ok(tool(ToolCommand::Drop(Some(name.to_string()))))
            }
            _ => Err(usage(a.command)),
        },
    ),
    w(
        "decode",
        " VALUE [salt=SALT] | cookie NAME [salt=SALT]",
        "take a cookie or session_data value apart as Django reads it",
        |a| {
            if a.rest.is_empty() {
                Err(usage(a.command))
            } else {
                Ok(tool(ToolCommand::Decode(a.rest.to_string())))
            }
        },
    ),
    w(
        "export",
        " N curl|httpie | jar",
        "request N as a command for a real server, or the jar as cookies.txt",
        |a| match a.words {
            ["jar"] => Ok(tool(ToolCommand::Export(Export::Jar))),
            [n, format] => {
                let format = match *format {
                    "curl" => ExportFormat::Curl,
                    "httpie" => ExportFormat::Httpie,
                    _ => return Err(usage(a.command)),
                };
                Ok(tool(ToolCommand::Export(Export::Flow(
                    number(a.command, n)?,
                    format,
                ))))
            }
            _ => Err(usage(a.command)),
        },
    ),
];

/// A workbench command: what a proxy such as Burp or mitmproxy does with
/// the requests the world makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToolCommand {
    History,
    Replay {
        number: usize,
        how: Replay,
    },
    Intercept(Intercept),
    Edit(Edit),
    Forward,
    /// The intercepted request or response, or one `Set-Cookie` of it.
    Drop(Option<String>),
    Decode(String),
    Export(Export),
}

/// Who sends a replayed request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Replay {
    /// The same request, with the same Cookie header.
    AsItWas,
    /// From this browser's jar, as it is now.
    As(String),
    /// With this Cookie header, exactly as written.
    WithCookie(String),
}

/// What the workbench stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intercept {
    Off,
    Requests,
    Responses,
}

/// A change to the intercepted request or response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    Cookie(String),
    Path(String),
    Method(String),
    SetCookie { name: String, value: String },
}

/// What `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Flow(usize, ExportFormat),
    Jar,
}

/// A command line tool a learner can run against a real server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Curl,
    Httpie,
}

/// An exchange number (1, 2, …).
fn number(command: &str, text: &str) -> Result<usize, ParseError> {
    text.parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            ParseError::world(format!(
                "{command} needs an exchange number from `history`, e.g. {command} 1"
            ))
        })
}

/// `visit PATH [from ORIGIN [via link|form|image]]`.
fn parse_visit(a: &Args) -> Result<Command, ParseError> {
    const USAGE: &str = "visit PATH from ORIGIN needs an origin and optionally via link, form or \
                         image, e.g. visit /cart from https://evil.example via form";
    let (path, rest) = match a.words.split_first() {
        Some((path, rest)) if path.starts_with('/') => (path.to_string(), rest),
        _ if a.words.len() <= 1 => {
            return Err(ParseError::world(
                "visit needs a path starting with '/', e.g. visit /about",
            ));
        }
        _ => return Err(ParseError::world(USAGE)),
    };
    let from = match rest {
        [] => None,
        ["from", origin, more @ ..] => {
            let via = match more {
                [] => Via::Link,
                ["via", via] => Via::parse(via).ok_or_else(|| ParseError::world(USAGE))?,
                _ => return Err(ParseError::world(USAGE)),
            };
            let origin = Origin::parse(origin).map_err(|e| ParseError::world(e.message))?;
            Some(Initiator { origin, via })
        }
        _ => return Err(ParseError::world(USAGE)),
    };
    Ok(Command::Visit { path, from })
}

/// `replay N`, `replay N as BROWSER`, `replay N with Cookie: HEADER`.
fn parse_replay(a: &Args) -> Result<Command, ParseError> {
    let Some((n, more)) = a.words.split_first() else {
        return Err(usage(a.command));
    };
    let number = number(a.command, n)?;
    let how = match more {
        [] => Replay::AsItWas,
        ["as", browser] => Replay::As(browser.to_string()),
        ["with", header, ..] if header.eq_ignore_ascii_case("cookie:") => {
            let text = a.rest[n.len()..].trim_start()["with".len()..].trim_start();
            Replay::WithCookie(text["cookie:".len()..].trim().to_string())
        }
        _ => return Err(usage(a.command)),
    };
    Ok(tool(ToolCommand::Replay { number, how }))
}

/// `edit cookie: HEADER`, `edit path /P`, `edit method M`,
/// `edit set-cookie NAME=VALUE`.
fn parse_edit(a: &Args) -> Result<Command, ParseError> {
    let Some(first) = a.words.first() else {
        return Err(usage(a.command));
    };
    let after = a.rest[first.len()..].trim();
    let edit = match first.to_ascii_lowercase().as_str() {
        "cookie:" => Edit::Cookie(after.to_string()),
        "path" if after.starts_with('/') && !after.contains(char::is_whitespace) => {
            Edit::Path(after.to_string())
        }
        "method" if ["GET", "POST"].contains(&after.to_ascii_uppercase().as_str()) => {
            Edit::Method(after.to_ascii_uppercase())
        }
        "set-cookie" => match after.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => Edit::SetCookie {
                name: name.trim().to_string(),
                value: value.trim().to_string(),
            },
            _ => return Err(usage(a.command)),
        },
        _ => return Err(usage(a.command)),
    };
    Ok(tool(ToolCommand::Edit(edit)))
}

/// The rows of one command family (`browser`): those whose first word it is.
fn family(first: &str) -> impl Iterator<Item = &'static WorldEntry> + '_ {
    WORLD_COMMANDS.iter().filter(move |e| {
        e.parse.is_some() && e.name.split_once(' ').map_or(e.name, |(word, _)| word) == first
    })
}

/// `unknown browser command; use: browser close | clear | …`, from the table.
fn usage(command: &str) -> ParseError {
    let first = command.split(' ').next().unwrap_or(command);
    let rows: Vec<&WorldEntry> = family(first).collect();
    let message = match rows.as_slice() {
        [one] => format!("unknown {first} command; use: {}{}", one.name, one.args),
        [a, b] => format!(
            "unknown {first} command; use: {}{} or {}{}",
            a.name, a.args, b.name, b.args
        ),
        rows => {
            let forms: Vec<String> = rows
                .iter()
                .map(|e| format!("{}{}", e.name[first.len()..].trim_start(), e.args))
                .collect();
            format!(
                "unknown {first} command; use: {first} {}",
                forms.join(" | ")
            )
        }
    };
    ParseError::world(message)
}

/// The world and workbench commands, a line each, for `--help`.
pub fn help_text() -> String {
    let mut out = String::from(
        "A line is Python view code (request.session['name'] = 'Ada') or one of these commands:\n",
    );
    for e in WORLD_COMMANDS {
        out.push_str(&format!("  {}{}\n      {}\n", e.name, e.args, e.doc));
    }
    out
}

/// Whether `word` starts a world command.
pub fn is_world_word(word: &str) -> bool {
    family(word).next().is_some()
}

/// Read a world command line (its first word is a world word).
pub fn parse_world(line: &str) -> Result<Command, ParseError> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let entry = WORLD_COMMANDS
        .iter()
        .filter(|e| e.parse.is_some())
        .filter(|e| {
            e.name
                .split(' ')
                .enumerate()
                .all(|(i, name)| words.get(i) == Some(&name))
        })
        .max_by_key(|e| e.name.len());
    let Some(entry) = entry else {
        return Err(usage(words[0]));
    };
    let taken = entry.name.split(' ').count();
    let mut rest = line.trim_start();
    for _ in 0..taken {
        rest = rest
            .trim_start()
            .split_once(char::is_whitespace)
            .map_or("", |(_, r)| r);
    }
    let args = Args {
        command: entry.name,
        words: &words[taken..],
        rest: rest.trim(),
    };
    (entry.parse.expect("filtered above"))(&args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_come_from_the_table() {
        assert_eq!(
            usage("browser").message,
            "unknown browser command; use: browser close | clear | set NAME=VALUE | delete NAME \
             | open NAME | copy NAME from OTHER | cookies on|off | js"
        );
        assert_eq!(
            usage("manage.py").message,
            "unknown manage.py command; use: manage.py migrate or manage.py clearsessions"
        );
        assert_eq!(
            usage("server").message,
            "unknown server command; use: server restart"
        );
    }

    #[test]
    fn every_row_with_a_parser_is_reachable() {
        for e in WORLD_COMMANDS.iter().filter(|e| e.parse.is_some()) {
            let first = e.name.split(' ').next().unwrap();
            assert!(is_world_word(first), "{}", e.name);
        }
    }

    #[test]
    fn workbench_commands_parse() {
        let tool = |line: &str| match parse_world(line) {
            Ok(Command::Tool(t)) => t,
            other => panic!("{line}: {other:?}"),
        };
        assert_eq!(
            tool("replay 3 with Cookie: a=1; b=2"),
            ToolCommand::Replay {
                number: 3,
                how: Replay::WithCookie("a=1; b=2".into())
            }
        );
        assert_eq!(
            tool("replay 2 as mallory"),
            ToolCommand::Replay {
                number: 2,
                how: Replay::As("mallory".into())
            }
        );
        assert_eq!(
            tool("edit cookie: sessionid=abc"),
            ToolCommand::Edit(Edit::Cookie("sessionid=abc".into()))
        );
        assert_eq!(
            tool("export 1 curl"),
            ToolCommand::Export(Export::Flow(1, ExportFormat::Curl))
        );
        assert!(parse_world("replay x").is_err());
        assert!(parse_world("replay 0").is_err());
    }
}
