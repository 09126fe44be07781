//! The command language of `spec/commands.md`: a line is either a world
//! command (`browser close`, `clock +2w`…) or Python run as a view body.
//! Lexer → parser → eval, each with errors that carry a column.

pub mod ast;
pub mod commands;
pub mod eval;
pub mod lexer;
pub mod parser;
pub mod table;

use crate::sim::WorldCommand;

pub use ast::Stmt;

/// A line that is not valid Python, or valid Python outside the subset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// `SyntaxError`, or `IndentationError` for a block header with no block.
    pub class: &'static str,
    pub message: String,
    /// 1-based column, in characters.
    pub col: usize,
    /// Valid Python that sessionlab does not run.
    pub unsupported: bool,
    /// One of CPython's specific messages (as opposed to "invalid syntax").
    pub specific: bool,
}

impl SyntaxError {
    /// A plain syntax error.
    pub fn new(message: impl Into<String>, col: usize) -> Self {
        Self {
            class: "SyntaxError",
            message: message.into(),
            col,
            unsupported: false,
            specific: false,
        }
    }

    /// One of CPython's more specific messages.
    pub fn specific(message: impl Into<String>, col: usize) -> Self {
        Self {
            specific: true,
            ..Self::new(message, col)
        }
    }

    /// Valid Python outside the subset.
    pub fn unsupported(what: &str, col: usize) -> Self {
        Self {
            unsupported: true,
            ..Self::new(
                format!(
                    "{what} are not part of sessionlab's Python: a line is one or more statements \
                     separated by ';' (assignments, del, expressions, method calls)"
                ),
                col,
            )
        }
    }
}

/// A parsed line.
#[derive(Clone, Debug)]
pub enum Command {
    /// Python statements, run as one view.
    View(Vec<Stmt>),
    /// `visit /path [from ORIGIN [via link|form|image]]`: a request whose
    /// view does not touch the session, made by the user or by a page of
    /// another origin.
    Visit {
        path: String,
        from: Option<crate::sim::request::Initiator>,
    },
    World(WorldCommand),
    /// The HTTP workbench: history, replay, intercept, decode, export.
    Tool(commands::ToolCommand),
}

/// Why a line could not be parsed: the outcome text, and the column to point
/// at when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub col: Option<usize>,
}

impl ParseError {
    pub(crate) fn world(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            col: None,
        }
    }
}

impl From<SyntaxError> for ParseError {
    fn from(e: SyntaxError) -> Self {
        let message = if e.unsupported {
            e.message
        } else {
            format!("{}: {}", e.class, e.message)
        };
        Self {
            message,
            col: Some(e.col),
        }
    }
}

/// Whether a (trimmed) line is a world command rather than Python: its first
/// word is a world word followed by whitespace or the end, and the rest does not
/// start with `=` (so `path = 1` is Python).
pub fn is_world_command(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or_default();
    if !commands::is_world_word(first) {
        return false;
    }
    let rest = &line[first.len()..];
    rest.is_empty()
        || (rest.starts_with(char::is_whitespace) && !rest.trim_start().starts_with('='))
}

/// The longest line parsed (its syntax tree can cost a thousand times its
/// length in memory).
pub const MAX_LINE: usize = 128 * 1024;

/// Parse one line (already trimmed; not blank, not a comment).
pub fn parse_command(line: &str) -> Result<Command, ParseError> {
    if line.len() > MAX_LINE {
        return Err(ParseError::world(format!(
            "a line is at most {} KB in sessionlab; build big values with * instead",
            MAX_LINE / 1024
        )));
    }
    if is_world_command(line) {
        return commands::parse_world(line);
    }
    let stmts = parser::parse_line(line)?;
    if let [Stmt::Assign(targets, value)] = stmts.as_slice()
        && let [ast::Expr::Attr(object, name, _)] = targets.as_slice()
        && matches!(&**object, ast::Expr::Name(n, _) if n == "settings")
    {
        let value = eval::literal(value).ok_or_else(|| {
            ParseError::world(format!(
                "settings.{name} needs a Python literal value (e.g. 300, 'text', True, None, ['a'])"
            ))
        })?;
        return Ok(Command::World(WorldCommand::Setting {
            name: name.clone(),
            value,
        }));
    }
    Ok(Command::View(stmts))
}

/// `+90s`, `+15m`, `+2h`, `+3d`, `+2w`, or `+90` (seconds).
pub fn parse_duration(text: &str) -> Option<i64> {
    let rest = text.strip_prefix('+')?;
    let (digits, unit) = match rest.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => rest.split_at(i),
        None => (rest, ""),
    };
    let amount: i64 = digits.parse().ok()?;
    let unit = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    amount.checked_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::value::Value;

    fn world(line: &str) -> WorldCommand {
        match parse_command(line) {
            Ok(Command::World(c)) => c,
            other => panic!("{line}: {other:?}"),
        }
    }

    fn error(line: &str) -> String {
        parse_command(line).unwrap_err().message
    }

    #[test]
    fn world_commands_parse() {
        assert!(matches!(world("clock +2w"), WorldCommand::Clock(1_209_600)));
        assert!(matches!(world("clock +90"), WorldCommand::Clock(90)));
        assert!(
            matches!(world("browser set theme=light blue"), WorldCommand::BrowserSet { value, .. } if value == "light blue")
        );
        assert!(matches!(
            world("browser copy sessionid from alice"),
            WorldCommand::BrowserCopy { .. }
        ));
        assert!(matches!(
            world("settings.SESSION_COOKIE_AGE = 60"),
            WorldCommand::Setting {
                value: Value::Int(60),
                ..
            }
        ));
        assert!(matches!(parse_command("path = 1"), Ok(Command::View(_))));
    }

    #[test]
    fn world_command_errors_use_the_tools_words() {
        assert_eq!(
            error("clock 90s"),
            "clock needs an amount like +90s, +15m, +2h, +3d or +2w"
        );
        assert!(
            error("browser fly").starts_with("unknown browser command; use: browser close | clear")
        );
        assert_eq!(
            error("browser set novalue"),
            "browser set needs NAME=VALUE, e.g. browser set sessionid=forged123"
        );
        assert_eq!(
            error("visit about"),
            "visit needs a path starting with '/', e.g. visit /about"
        );
        assert_eq!(
            error("settings.SESSION_COOKIE_AGE = 60 * 5"),
            "settings.SESSION_COOKIE_AGE needs a Python literal value (e.g. 300, 'text', True, None, ['a'])"
        );
        assert_eq!(
            error("request.session.get('a'"),
            "SyntaxError: '(' was never closed"
        );
    }
}
