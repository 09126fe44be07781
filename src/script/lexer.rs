//! Python tokens for one line, with CPython 3.11's tokenizer errors
//! (unterminated strings, unmatched brackets, invalid characters).

use super::SyntaxError;

/// One token and the column (1-based, in characters) where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: Tok,
    pub col: usize,
    /// The column just past its end.
    pub end: usize,
}

/// Token kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Name(String),
    Int(i64),
    /// An integer literal too large for 64 bits.
    BigInt(String),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    /// An f-string literal: valid Python the subset does not run.
    OtherStr(&'static str),
    Op(&'static str),
    End,
}

const OPERATORS: [&str; 47] = [
    "**=", "//=", ">>=", "<<=", "...", "!=", "%=", "&=", "**", "*=", "+=", "-=", "->", "//", "/=",
    ":=", "<<", "<=", "==", ">=", ">>", "@=", "^=", "|=", "%", "&", "(", ")", "*", "+", ",", "-",
    ".", "/", ":", ";", "<", "=", ">", "@", "[", "]", "^", "{", "|", "}", "~",
];

/// Deepest bracket nesting CPython's tokenizer accepts.
const MAX_NESTING: usize = 200;

/// The result of tokenizing: the tokens and the brackets left open at the end
/// (innermost last), or the first tokenizer error.
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub unclosed: Vec<(char, usize)>,
}

/// Split `line` into tokens.
pub fn tokenize(line: &str) -> Result<Lexed, SyntaxError> {
    let chars: Vec<char> = line.chars().collect();
    let mut tokens = Vec::new();
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c == ' ' || c == '\t' || c == '\x0c' || c == '\r' || c == '\n' {
            i += 1;
            continue;
        }
        if c == '#' {
            break;
        }
        if c == '\\' {
            return Err(SyntaxError::new(
                "unexpected character after line continuation character",
                col,
            ));
        }
        // String literals, with optional prefixes.
        if let Some((prefix_len, kind)) = string_prefix(&chars[i..]) {
            let start = i;
            let quote_at = i + prefix_len;
            let (value, next) = lex_string(&chars, quote_at, kind.raw, col)?;
            i = next;
            let kind = match kind.other {
                Some("bytes literals") => {
                    if !value.is_ascii() {
                        return Err(SyntaxError::new(
                            "bytes can only contain ASCII literal characters",
                            start + 1,
                        ));
                    }
                    Tok::Bytes(value.chars().map(|c| c as u8).collect())
                }
                Some(name) => Tok::OtherStr(name),
                None => Tok::Str(value),
            };
            tokens.push(Token {
                kind,
                col: start + 1,
                end: i + 1,
            });
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let (kind, next) = lex_number(&chars, i)?;
            tokens.push(Token {
                kind,
                col,
                end: next + 1,
            });
            i = next;
            continue;
        }
        if is_identifier_start(c) {
            let start = i;
            while i < chars.len() && is_identifier_continue(chars[i]) {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            tokens.push(Token {
                kind: Tok::Name(name),
                col,
                end: i + 1,
            });
            continue;
        }
        if let Some(op) = OPERATORS.iter().find(|op| starts_with(&chars[i..], op)) {
            match *op {
                "(" | "[" | "{" => {
                    if stack.len() >= MAX_NESTING {
                        return Err(SyntaxError::new("too many nested parentheses", col));
                    }
                    stack.push((c, col));
                }
                ")" | "]" | "}" => match stack.pop() {
                    None => return Err(SyntaxError::new(format!("unmatched '{c}'"), col)),
                    Some((open, _)) if closing(open) != c => {
                        return Err(SyntaxError::new(
                            format!(
                                "closing parenthesis '{c}' does not match opening parenthesis '{open}'"
                            ),
                            col,
                        ));
                    }
                    Some(_) => {}
                },
                _ => {}
            }
            tokens.push(Token {
                kind: Tok::Op(op),
                col,
                end: col + op.len(),
            });
            i += op.len();
            continue;
        }
        if c.is_ascii() {
            // `$`, `?`, `!` and backticks are not tokens: the parser reports
            // them as plain invalid syntax.
            tokens.push(Token {
                kind: Tok::Op("?"),
                col,
                end: col + 1,
            });
            i += 1;
            continue;
        }
        return Err(SyntaxError::new(
            format!("invalid character '{c}' (U+{:04X})", c as u32),
            col,
        ));
    }
    tokens.push(Token {
        kind: Tok::End,
        col: chars.len() + 1,
        end: chars.len() + 1,
    });
    Ok(Lexed {
        tokens,
        unclosed: stack,
    })
}

fn starts_with(chars: &[char], s: &str) -> bool {
    let mut it = chars.iter();
    s.chars().all(|c| it.next() == Some(&c))
}

fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

fn is_identifier_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_identifier_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

struct StringKind {
    raw: bool,
    other: Option<&'static str>,
}

/// A string prefix (`r`, `b`, `f`, `rb`…) followed by a quote.
fn string_prefix(chars: &[char]) -> Option<(usize, StringKind)> {
    let mut n = 0;
    let (mut raw, mut bytes, mut fmt, mut unicode) = (false, false, false, false);
    while n < 2 && n < chars.len() {
        match chars[n].to_ascii_lowercase() {
            'r' if !raw => raw = true,
            'b' if !bytes && !fmt && !unicode => bytes = true,
            'f' if !fmt && !bytes && !unicode => fmt = true,
            'u' if n == 0 => unicode = true,
            _ => break,
        }
        n += 1;
    }
    if unicode && n > 1 {
        return None;
    }
    match chars.get(n) {
        Some('\'' | '"') => {
            let other = if bytes {
                Some("bytes literals")
            } else if fmt {
                Some("f-strings")
            } else {
                None
            };
            Some((n, StringKind { raw, other }))
        }
        _ => None,
    }
}

/// Lex a string starting at the quote at `at`; returns its value and the index
/// just past it.
fn lex_string(
    chars: &[char],
    at: usize,
    raw: bool,
    start_col: usize,
) -> Result<(String, usize), SyntaxError> {
    let quote = chars[at];
    let triple = chars.get(at + 1) == Some(&quote) && chars.get(at + 2) == Some(&quote);
    let mut i = at + if triple { 3 } else { 1 };
    let mut value = String::new();
    loop {
        let Some(&c) = chars.get(i) else {
            let message = if triple {
                "unterminated triple-quoted string literal (detected at line 1)"
            } else {
                "unterminated string literal (detected at line 1)"
            };
            return Err(SyntaxError::new(message, start_col));
        };
        if c == quote {
            if !triple {
                return Ok((value, i + 1));
            }
            if chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote) {
                return Ok((value, i + 3));
            }
        }
        if c == '\\' && i + 1 < chars.len() {
            let next = chars[i + 1];
            if raw {
                value.push('\\');
                value.push(next);
                i += 2;
                continue;
            }
            i += 2;
            match next {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'r' => value.push('\r'),
                '0'..='7' => {
                    let mut code = next.to_digit(8).unwrap_or(0);
                    let mut taken = 0;
                    while taken < 2 && chars.get(i).is_some_and(|c| ('0'..='7').contains(c)) {
                        code = code * 8 + chars[i].to_digit(8).unwrap_or(0);
                        i += 1;
                        taken += 1;
                    }
                    value.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                'x' | 'u' | 'U' => {
                    let width = match next {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let digits: String = chars.iter().skip(i).take(width).collect();
                    let code = (digits.len() == width)
                        .then(|| u32::from_str_radix(&digits, 16).ok())
                        .flatten()
                        .and_then(char::from_u32);
                    match code {
                        Some(ch) => {
                            value.push(ch);
                            i += width;
                        }
                        None => {
                            let kind = if next == 'x' {
                                "\\xXX"
                            } else if next == 'u' {
                                "\\uXXXX"
                            } else {
                                "\\UXXXXXXXX"
                            };
                            return Err(SyntaxError::new(
                                format!(
                                    "(unicode error) 'unicodeescape' codec can't decode bytes in position {}-{}: truncated {kind} escape",
                                    i - at - 3,
                                    i - at - 2 + digits.len()
                                ),
                                start_col,
                            ));
                        }
                    }
                }
                'a' => value.push('\u{7}'),
                'b' => value.push('\u{8}'),
                'f' => value.push('\u{c}'),
                'v' => value.push('\u{b}'),
                '\\' | '\'' | '"' => value.push(next),
                '\n' => {}
                other => {
                    value.push('\\');
                    value.push(other);
                }
            }
            continue;
        }
        value.push(c);
        i += 1;
    }
}

/// Lex a number starting at `at`.
fn lex_number(chars: &[char], at: usize) -> Result<(Tok, usize), SyntaxError> {
    let mut i = at;
    let col = at + 1;
    let take_digits = |i: &mut usize, ok: &dyn Fn(char) -> bool| {
        while *i < chars.len() && (ok(chars[*i]) || chars[*i] == '_') {
            *i += 1;
        }
    };
    if chars[i] == '0' && chars.get(i + 1).is_some_and(|c| "xXoObB".contains(*c)) {
        let (radix, name) = match chars[i + 1].to_ascii_lowercase() {
            'x' => (16, "hexadecimal"),
            'o' => (8, "octal"),
            _ => (2, "binary"),
        };
        i += 2;
        let start = i;
        take_digits(&mut i, &|c| c.is_digit(radix));
        let digits: String = chars[start..i].iter().filter(|c| **c != '_').collect();
        if digits.is_empty() || chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
            return Err(SyntaxError::new(format!("invalid {name} literal"), i));
        }
        return Ok((
            i64::from_str_radix(&digits, radix).map_or(Tok::BigInt(digits), Tok::Int),
            i,
        ));
    }
    take_digits(&mut i, &|c| c.is_ascii_digit());
    let mut is_float = false;
    if chars.get(i) == Some(&'.') {
        is_float = true;
        i += 1;
        take_digits(&mut i, &|c| c.is_ascii_digit());
    }
    if chars.get(i).is_some_and(|c| *c == 'e' || *c == 'E') {
        let save = i;
        i += 1;
        if chars.get(i).is_some_and(|c| *c == '+' || *c == '-') {
            i += 1;
        }
        if chars.get(i).is_some_and(char::is_ascii_digit) {
            is_float = true;
            take_digits(&mut i, &|c| c.is_ascii_digit());
        } else {
            i = save;
        }
    }
    if chars.get(i).is_some_and(|c| *c == 'j' || *c == 'J') {
        return Err(SyntaxError::unsupported("complex numbers", col));
    }
    if chars.get(i).is_some_and(|c| is_identifier_continue(*c)) {
        return Err(SyntaxError::new("invalid decimal literal", i));
    }
    let text: String = chars[at..i].iter().filter(|c| **c != '_').collect();
    if is_float {
        return Ok((Tok::Float(text.parse().unwrap_or(f64::INFINITY)), i));
    }
    if text.len() > 1 && text.starts_with('0') && text.chars().any(|c| c != '0') {
        return Err(SyntaxError::new(
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
            col,
        ));
    }
    Ok((text.parse().map_or(Tok::BigInt(text), Tok::Int), i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<Tok> {
        tokenize(line)
            .unwrap()
            .tokens
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    #[test]
    fn tokens_of_a_session_write() {
        assert_eq!(
            kinds("request.session['n'] = 42"),
            vec![
                Tok::Name("request".into()),
                Tok::Op("."),
                Tok::Name("session".into()),
                Tok::Op("["),
                Tok::Str("n".into()),
                Tok::Op("]"),
                Tok::Op("="),
                Tok::Int(42),
                Tok::End
            ]
        );
    }

    #[test]
    fn tokenizer_errors_match_cpython() {
        let err = |l: &str| tokenize(l).err().map(|e| (e.message, e.col));
        assert_eq!(
            err("x = 'abc"),
            Some(("unterminated string literal (detected at line 1)".into(), 5))
        );
        assert_eq!(err("x)"), Some(("unmatched ')'".into(), 2)));
        assert_eq!(
            err("(]"),
            Some((
                "closing parenthesis ']' does not match opening parenthesis '('".into(),
                2
            ))
        );
        assert_eq!(
            err("a = ’x’"),
            Some(("invalid character '’' (U+2019)".into(), 5))
        );
        assert_eq!(
            err("x = 12abc"),
            Some(("invalid decimal literal".into(), 6))
        );
    }

    #[test]
    fn strings_decode_escapes() {
        assert_eq!(kinds(r"'a\nb\x41\u00e9'")[0], Tok::Str("a\nbAé".into()));
        assert_eq!(kinds(r"r'a\n'")[0], Tok::Str("a\\n".into()));
        assert_eq!(kinds("\"it's\"")[0], Tok::Str("it's".into()));
    }
}
