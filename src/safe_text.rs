//! Text from a lesson folder, a scenario or the learner, made safe to print
//! on a terminal outside the app: control characters and bidi overrides are
//! shown as escapes (`\x1b`, `\u202e`) instead of acting on the terminal
//! (retitling it, clearing it, writing the clipboard, reordering a line).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal raw: C0 controls other than tab and
/// newline, DEL, C1 controls, and the bidi embedding, override and isolate
/// controls.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// The characters that reorder the text around them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// `text` with every unsafe character written as an escape.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// `text` without the characters that reorder it (for the app's screen,
/// where control characters are already dropped by the renderer).
pub fn without_bidi_controls(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_bidi_control) {
        Cow::Owned(text.chars().filter(|c| !is_bidi_control(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_would_act_on_a_terminal_and_keeps_the_rest() {
        assert_eq!(escape("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(
            escape("a\u{1b}]0;pwned\u{7}b\u{202e}c\u{9b}"),
            "a\\x1b]0;pwned\\x07b\\u202ec\\x9b"
        );
        assert_eq!(escape("表🍪é"), "表🍪é");
        assert_eq!(without_bidi_controls("\u{202e}oll\u{202c}"), "oll");
    }
}
