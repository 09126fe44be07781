//! The prompt: a one-line editor with history and Tab completion from the
//! command tables.

use crate::script::table::{self, Entry};
use crate::sim::settings::SETTINGS;

/// The line being edited, its cursor (in characters) and the history.
#[derive(Clone, Debug, Default)]
pub struct Prompt {
    chars: Vec<char>,
    cursor: usize,
    pub history: Vec<String>,
    /// Where ↑/↓ is in the history; `None` while editing a new line.
    browsing: Option<usize>,
    draft: String,
}

/// The most history lines kept.
pub const HISTORY_LIMIT: usize = 500;

impl Prompt {
    /// A prompt with `history` (oldest first).
    pub fn with_history(history: Vec<String>) -> Self {
        Self {
            history,
            ..Self::default()
        }
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// The cursor, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Replace the whole line, cursor at the end.
    pub fn set(&mut self, text: &str) {
        self.chars = text.chars().collect();
        self.cursor = self.chars.len();
    }

    pub fn insert(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            self.chars.insert(self.cursor, c);
            self.cursor += 1;
        }
        self.browsing = None;
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.chars.len());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.chars.len();
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            self.chars.remove(self.cursor);
        }
    }

    pub fn delete(&mut self) {
        if self.cursor < self.chars.len() {
            self.chars.remove(self.cursor);
        }
    }

    /// Ctrl-U: delete from the start of the line to the cursor.
    pub fn kill_line(&mut self) {
        self.chars.drain(..self.cursor);
        self.cursor = 0;
    }

    /// Ctrl-W: delete the word before the cursor (and the spaces after it).
    pub fn kill_word(&mut self) {
        let mut start = self.cursor;
        while start > 0 && self.chars[start - 1].is_whitespace() {
            start -= 1;
        }
        while start > 0 && !self.chars[start - 1].is_whitespace() {
            start -= 1;
        }
        self.chars.drain(start..self.cursor);
        self.cursor = start;
    }

    /// Enter: the line, now in the history, and an empty prompt.
    pub fn take(&mut self) -> String {
        let line = self.text();
        if !line.trim().is_empty() && self.history.last() != Some(&line) {
            self.history.push(line.clone());
            if self.history.len() > HISTORY_LIMIT {
                let extra = self.history.len() - HISTORY_LIMIT;
                self.history.drain(..extra);
            }
        }
        self.chars.clear();
        self.cursor = 0;
        self.browsing = None;
        line
    }

    /// ↑: the previous history line.
    pub fn history_prev(&mut self) {
        let next = match self.browsing {
            None if self.history.is_empty() => return,
            None => {
                self.draft = self.text();
                self.history.len() - 1
            }
            Some(0) => return,
            Some(i) => i - 1,
        };
        self.browsing = Some(next);
        let line = self.history[next].clone();
        self.set(&line);
    }

    /// ↓: the next history line, then the line being written.
    pub fn history_next(&mut self) {
        let Some(i) = self.browsing else { return };
        if i + 1 < self.history.len() {
            self.browsing = Some(i + 1);
            let line = self.history[i + 1].clone();
            self.set(&line);
        } else {
            self.browsing = None;
            let draft = std::mem::take(&mut self.draft);
            self.set(&draft);
        }
    }

    /// Tab: complete the word before the cursor. Returns the candidates when
    /// there is more than one (after inserting their common prefix), and
    /// `None` when there is nothing to complete.
    pub fn complete(&mut self) -> Option<Vec<String>> {
        let before: String = self.chars[..self.cursor].iter().collect();
        let (typed, candidates) = candidates(&before)?;
        let matching: Vec<&Candidate> = candidates
            .iter()
            .filter(|c| c.name.starts_with(typed.as_str()))
            .collect();
        match matching.as_slice() {
            [] => Some(Vec::new()),
            [only] => {
                let mut rest = only.name[typed.len()..].to_string();
                rest.push_str(only.suffix);
                self.insert(&rest);
                Some(Vec::new())
            }
            many => {
                let first = many[0].name;
                let common = many.iter().fold(first.len(), |n, c| {
                    first
                        .chars()
                        .zip(c.name.chars())
                        .take(n)
                        .take_while(|(a, b)| a == b)
                        .count()
                });
                if common > typed.len() {
                    self.insert(&first[typed.len()..common]);
                }
                Some(many.iter().map(|c| c.name.to_string()).collect())
            }
        }
    }
}

struct Candidate {
    name: &'static str,
    suffix: &'static str,
}

fn from_table(table: &[Entry]) -> Vec<Candidate> {
    table
        .iter()
        .map(|e| Candidate {
            name: e.name,
            suffix: if e.args == "()" {
                "()"
            } else if e.args.starts_with('(') {
                "("
            } else if e.args.starts_with(' ') {
                " "
            } else {
                ""
            },
        })
        .collect()
}

/// What is being completed (the partial word) and what it could become.
fn candidates(before: &str) -> Option<(String, Vec<Candidate>)> {
    let trimmed = before.trim_start();
    // World commands are whole words at the start of the line.
    if !trimmed.is_empty()
        && !trimmed.contains(['(', '[', '='])
        && table::WORLD_COMMANDS
            .iter()
            .any(|e| e.name.starts_with(trimmed) && e.name != trimmed)
    {
        let rows: Vec<table::Entry> = table::WORLD_COMMANDS
            .iter()
            .map(|e| table::Entry {
                name: e.name,
                args: e.args,
                doc: e.doc,
            })
            .collect();
        let world: Vec<Candidate> = from_table(&rows)
            .into_iter()
            .chain(from_table(table::GLOBALS))
            .chain(from_table(table::BUILTINS))
            .collect();
        return Some((trimmed.to_string(), world));
    }
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[start..];
    if word.is_empty() {
        return None;
    }
    let (object, partial) = match word.rfind('.') {
        Some(i) => (&word[..i], &word[i + 1..]),
        None => ("", word),
    };
    let list = match object {
        "" => from_table(table::GLOBALS)
            .into_iter()
            .chain(from_table(table::BUILTINS))
            .collect(),
        "request" => from_table(table::REQUEST),
        "request.session" => from_table(table::SESSION),
        "request.user" => from_table(table::USER),
        "response" => from_table(table::RESPONSE),
        "settings" => SETTINGS
            .iter()
            .map(|s| Candidate {
                name: s.name,
                suffix: "",
            })
            .collect(),
        _ => return None,
    };
    Some((partial.to_string(), list))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Prompt {
        let mut p = Prompt::default();
        p.insert(text);
        p
    }

    #[test]
    fn completes_session_methods() {
        let mut p = typed("request.session.");
        let many = p.complete().unwrap();
        assert!(many.contains(&"get".to_string()) && many.contains(&"flush".to_string()));
        let mut p = typed("request.session.fl");
        assert_eq!(p.complete(), Some(vec![]));
        assert_eq!(p.text(), "request.session.flush()");
        let mut p = typed("req");
        p.complete();
        assert_eq!(p.text(), "request");
    }

    #[test]
    fn completes_world_commands() {
        let mut p = typed("browser cl");
        let many = p.complete().unwrap();
        assert_eq!(many, vec!["browser close", "browser clear"]);
        assert_eq!(p.text(), "browser cl");
        let mut p = typed("manage.py m");
        p.complete();
        assert_eq!(p.text(), "manage.py migrate");
    }

    #[test]
    fn edits_and_history() {
        let mut p = typed("hello big world");
        p.kill_word();
        assert_eq!(p.text(), "hello big ");
        p.home();
        p.delete();
        p.end();
        p.backspace();
        assert_eq!(p.text(), "ello big");
        assert_eq!(p.take(), "ello big");
        p.insert("draft");
        p.history_prev();
        assert_eq!(p.text(), "ello big");
        p.history_next();
        assert_eq!(p.text(), "draft");
        p.left();
        p.kill_line();
        assert_eq!(p.text(), "t");
    }
}
