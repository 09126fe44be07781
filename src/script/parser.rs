//! A recursive-descent parser for the Python subset a view line may hold, with
//! CPython 3.11's messages for the mistakes learners make most.

use super::SyntaxError;
use super::ast::{BinOp, CmpOp, Expr, Stmt};
use super::lexer::{Lexed, Tok, Token, tokenize};

/// How deep expressions may nest before the parser gives up (CPython's own
/// limit is of the same order).
const MAX_DEPTH: usize = 150;

/// Python keywords the subset does not run, with what to call them.
const UNSUPPORTED_STATEMENTS: &[(&str, &str)] = &[
    ("if", "if statements"),
    ("for", "for loops"),
    ("while", "while loops"),
    ("def", "function definitions"),
    ("class", "class definitions"),
    ("import", "imports"),
    ("from", "imports"),
    ("return", "return statements"),
    ("with", "with statements"),
    ("try", "try statements"),
    ("global", "global statements"),
    ("nonlocal", "nonlocal statements"),
    ("assert", "assert statements"),
    ("raise", "raise statements"),
    ("async", "async code"),
    ("match", "match statements"),
    ("elif", "if statements"),
    ("else", "if statements"),
    ("except", "try statements"),
    ("finally", "try statements"),
    ("break", "loops"),
    ("continue", "loops"),
];

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Parse one line of view code into statements.
pub fn parse_line(line: &str) -> Result<Vec<Stmt>, SyntaxError> {
    let lexed = tokenize(line)?;
    let mut parser = Parser {
        tokens: &lexed.tokens,
        pos: 0,
        depth: 0,
        brackets: 0,
    };
    match parser.statements() {
        Ok(stmts) => Ok(stmts),
        Err(err) => Err(refine(err, &lexed, &parser)),
    }
}

/// Apply CPython's precedence of errors: an unclosed bracket the failure sits
/// inside is reported as never closed.
fn refine(err: SyntaxError, lexed: &Lexed, parser: &Parser) -> SyntaxError {
    if err.unsupported || err.specific {
        if let Some(&(open, col)) = lexed.unclosed.last()
            && err.specific
            && !err.unsupported
        {
            return SyntaxError::new(format!("'{open}' was never closed"), col);
        }
        return err;
    }
    if let Some(&(open, col)) = lexed.unclosed.last()
        && reads_to_end(parser)
    {
        return SyntaxError::new(format!("'{open}' was never closed"), col);
    }
    err
}

/// Whether CPython's parser would have read on to the end of the line from
/// the failing token looking for a way to go on (then an unclosed bracket is
/// what it reports): the failure is at the end, or what follows the failing
/// token (after a stray `=`) still parses to the end.
fn reads_to_end(parser: &Parser) -> bool {
    let end = parser.tokens.len() - 1;
    if parser.pos >= end {
        return true;
    }
    let kind = |i: usize| &parser.tokens[i].kind;
    let previous = parser.pos.checked_sub(1).map(kind);
    if matches!(previous, Some(Tok::Op("." | "(" | "[" | "{" | "," | "="))) {
        return false;
    }
    let from = if kind(parser.pos) == &Tok::Op("=") {
        parser.pos + 1
    } else {
        parser.pos
    };
    let mut probe = Parser {
        tokens: parser.tokens,
        pos: from,
        depth: 0,
        brackets: 1,
    };
    let _ = probe.expr_list();
    probe.pos >= end
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    depth: usize,
    /// How many brackets the parser is inside (for "Perhaps you forgot a comma?").
    brackets: usize,
}

type PResult<T> = Result<T, SyntaxError>;

/// Positional and keyword arguments of a call.
type CallArguments = (Vec<Expr>, Vec<(String, Expr)>);

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].kind
    }

    fn peek_at(&self, offset: usize) -> &Tok {
        self.tokens
            .get(self.pos + offset)
            .map_or(&Tok::End, |t| &t.kind)
    }

    fn col(&self) -> usize {
        self.tokens[self.pos].col
    }

    fn advance(&mut self) -> &Token {
        let token = &self.tokens[self.pos];
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        token
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }

    fn is_name(&self, name: &str) -> bool {
        matches!(self.peek(), Tok::Name(n) if n == name)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.is_op(op) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn expect_op(&mut self, op: &str) -> PResult<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.invalid())
        }
    }

    fn invalid(&self) -> SyntaxError {
        SyntaxError::new("invalid syntax", self.col())
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError::new("too many nested parentheses", self.col()));
        }
        Ok(())
    }

    fn statements(&mut self) -> PResult<Vec<Stmt>> {
        let mut stmts = Vec::new();
        loop {
            if self.peek() == &Tok::End {
                if stmts.is_empty() {
                    return Err(SyntaxError::new("nothing to run", self.col()));
                }
                return Ok(stmts);
            }
            stmts.push(self.statement()?);
            match self.peek() {
                Tok::End => return Ok(stmts),
                Tok::Op(";") => {
                    self.advance();
                }
                _ => return Err(self.invalid()),
            }
        }
    }

    fn statement(&mut self) -> PResult<Stmt> {
        let col = self.col();
        if let Tok::Name(name) = self.peek() {
            let outside = match name.as_str() {
                "return" => Some("'return' outside function"),
                "yield" => Some("'yield' outside function"),
                "await" => Some("'await' outside function"),
                "break" => Some("'break' outside loop"),
                "continue" => Some("'continue' not properly in loop"),
                _ => None,
            };
            if let Some(message) = outside {
                // CPython's compiler rejects these after parsing the line.
                let mut probe = Parser {
                    tokens: self.tokens,
                    pos: self.pos + 1,
                    depth: 0,
                    brackets: 0,
                };
                if matches!(probe.peek(), Tok::End | Tok::Op(";")) || probe.expr_list().is_ok() {
                    return Err(SyntaxError::specific(message, col));
                }
            }
            if let Some((keyword, what)) = UNSUPPORTED_STATEMENTS.iter().find(|(k, _)| k == name) {
                return Err(self
                    .compound_statement(keyword)
                    .unwrap_or_else(|| SyntaxError::unsupported(what, col)));
            }
            match name.as_str() {
                "pass" => {
                    self.advance();
                    return Ok(Stmt::Pass);
                }
                "del" => {
                    self.advance();
                    return self.del_statement();
                }
                "print" if matches!(self.peek_at(1), Tok::Str(_) | Tok::Name(_) | Tok::Int(_)) => {
                    return Err(SyntaxError::specific(
                        "Missing parentheses in call to 'print'. Did you mean print(...)?",
                        col,
                    ));
                }
                _ => {}
            }
        }
        let first = self.expr_list()?;
        if self.is_op("=") {
            let mut targets = vec![first];
            while self.eat_op("=") {
                if matches!(self.peek(), Tok::End | Tok::Op(";")) {
                    return Err(self.invalid());
                }
                targets.push(self.expr_list()?);
            }
            let value = targets.pop().expect("at least two");
            let single = targets.len() == 1;
            for target in &targets {
                check_target(target, single)?;
            }
            return Ok(Stmt::Assign(targets, value));
        }
        if let Tok::Op(op) = self.peek()
            && let Some(bin) = augmented(op)
        {
            self.advance();
            if let Some(what) = illegal_target(&first) {
                return Err(SyntaxError::specific(
                    format!("'{what}' is an illegal expression for augmented assignment"),
                    first.col(),
                ));
            }
            if matches!(first, Expr::Tuple(..) | Expr::List(..)) {
                return Err(SyntaxError::specific(
                    "'tuple' is an illegal expression for augmented assignment",
                    first.col(),
                ));
            }
            if matches!(self.peek(), Tok::End | Tok::Op(";")) {
                return Err(self.invalid());
            }
            let value = self.expr_list()?;
            return Ok(Stmt::AugAssign(first, bin, value));
        }
        Ok(Stmt::Expr(first))
    }

    /// CPython's errors for a block statement on one line: a header ending in
    /// `:` has no block (IndentationError), one without `:` is a SyntaxError.
    fn compound_statement(&self, keyword: &str) -> Option<SyntaxError> {
        let header = match keyword {
            "if" | "elif" | "for" | "while" | "with" | "try" | "except" | "finally" => {
                format!("'{keyword}' statement")
            }
            "def" => "function definition".into(),
            "class" => "class definition".into(),
            _ => return None,
        };
        let rest = &self.tokens[self.pos..];
        let last = rest.iter().rev().find(|t| t.kind != Tok::End)?;
        if last.kind == Tok::Op(":") {
            return Some(SyntaxError {
                class: "IndentationError",
                ..SyntaxError::specific(
                    format!("expected an indented block after {header} on line 1"),
                    last.end,
                )
            });
        }
        let mut depth = 0i32;
        let has_colon = rest.iter().any(|t| match t.kind {
            Tok::Op("(" | "[" | "{") => {
                depth += 1;
                false
            }
            Tok::Op(")" | "]" | "}") => {
                depth -= 1;
                false
            }
            Tok::Op(":") => depth == 0,
            _ => false,
        });
        if !has_colon && !["try", "finally"].contains(&keyword) {
            let end = rest.last().map_or(1, |t| t.col);
            return Some(SyntaxError::specific("expected ':'", end));
        }
        None
    }

    fn del_statement(&mut self) -> PResult<Stmt> {
        if matches!(self.peek(), Tok::End | Tok::Op(";")) {
            return Err(self.invalid());
        }
        let target = self.expr_list()?;
        let targets = match target {
            Expr::Tuple(items, _) => items,
            other => vec![other],
        };
        for t in &targets {
            if let Some(what) = illegal_target(t) {
                return Err(SyntaxError::specific(
                    format!("cannot delete {what}"),
                    t.col(),
                ));
            }
        }
        Ok(Stmt::Del(targets))
    }

    /// `a, b` at statement level: a tuple without brackets.
    fn expr_list(&mut self) -> PResult<Expr> {
        let col = self.col();
        let first = self.expr()?;
        if !self.is_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.starts_expression() {
                items.push(self.expr()?);
            } else {
                break;
            }
        }
        Ok(Expr::Tuple(items, col))
    }

    fn starts_expression(&self) -> bool {
        match self.peek() {
            Tok::Name(n) => {
                !KEYWORDS.contains(&n.as_str())
                    || ["None", "True", "False", "not", "lambda", "await"].contains(&n.as_str())
            }
            Tok::Int(_)
            | Tok::BigInt(_)
            | Tok::Float(_)
            | Tok::Str(_)
            | Tok::Bytes(_)
            | Tok::OtherStr(_) => true,
            Tok::Op(op) => ["(", "[", "{", "-", "+", "~", "..."].contains(op),
            Tok::End => false,
        }
    }

    fn expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let result = self.ternary();
        self.depth -= 1;
        result
    }

    fn ternary(&mut self) -> PResult<Expr> {
        if self.is_name("lambda") {
            return Err(SyntaxError::unsupported("lambda expressions", self.col()));
        }
        if self.is_name("await") || self.is_name("yield") {
            return Err(SyntaxError::unsupported(
                "async code and generators",
                self.col(),
            ));
        }
        let col = self.col();
        let body = self.or()?;
        if self.is_name("if") {
            self.advance();
            let condition = self.or()?;
            if !self.is_name("else") {
                return Err(SyntaxError::specific(
                    "expected 'else' after 'if' expression",
                    col,
                ));
            }
            self.advance();
            let orelse = self.expr()?;
            return Ok(Expr::IfElse(
                Box::new(condition),
                Box::new(body),
                Box::new(orelse),
            ));
        }
        Ok(body)
    }

    fn or(&mut self) -> PResult<Expr> {
        let mut left = self.and()?;
        while self.is_name("or") {
            self.advance();
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> PResult<Expr> {
        let mut left = self.not()?;
        while self.is_name("and") {
            self.advance();
            let right = self.not()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> PResult<Expr> {
        if self.is_name("not") {
            self.enter()?;
            let col = self.col();
            self.advance();
            let operand = self.not();
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(operand?), col));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let first = self.bitor()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Tok::Op("==") => CmpOp::Eq,
                Tok::Op("!=") => CmpOp::Ne,
                Tok::Op("<") => CmpOp::Lt,
                Tok::Op("<=") => CmpOp::Le,
                Tok::Op(">") => CmpOp::Gt,
                Tok::Op(">=") => CmpOp::Ge,
                Tok::Name(n) if n == "in" => CmpOp::In,
                Tok::Name(n)
                    if n == "not" && matches!(self.peek_at(1), Tok::Name(m) if m == "in") =>
                {
                    self.advance();
                    CmpOp::NotIn
                }
                Tok::Name(n) if n == "is" => {
                    if matches!(self.peek_at(1), Tok::Name(m) if m == "not") {
                        self.advance();
                        CmpOp::IsNot
                    } else {
                        CmpOp::Is
                    }
                }
                _ => break,
            };
            self.advance();
            rest.push((op, self.bitor()?));
        }
        if rest.is_empty() {
            Ok(first)
        } else {
            Ok(Expr::Compare(Box::new(first), rest))
        }
    }

    fn bitor(&mut self) -> PResult<Expr> {
        let mut left = self.arith()?;
        while let Tok::Op(op @ ("|" | "&" | "^" | "<<" | ">>")) = self.peek() {
            let op = match *op {
                "|" => BinOp::BitOr,
                "&" => BinOp::BitAnd,
                "^" => BinOp::BitXor,
                "<<" => BinOp::LShift,
                _ => BinOp::RShift,
            };
            self.advance();
            let right = self.arith()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn arith(&mut self) -> PResult<Expr> {
        let mut left = self.term()?;
        loop {
            let op = match self.peek() {
                Tok::Op("+") => BinOp::Add,
                Tok::Op("-") => BinOp::Sub,
                _ => break,
            };
            self.advance();
            let right = self.term()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn term(&mut self) -> PResult<Expr> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op("*") => BinOp::Mul,
                Tok::Op("/") => BinOp::Div,
                Tok::Op("//") => BinOp::FloorDiv,
                Tok::Op("%") => BinOp::Mod,
                Tok::Op("@") => BinOp::MatMul,
                _ => break,
            };
            self.advance();
            let right = self.unary()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> PResult<Expr> {
        let col = self.col();
        let op = match self.peek() {
            Tok::Op("-") => '-',
            Tok::Op("+") => '+',
            Tok::Op("~") => '~',
            _ => return self.power(),
        };
        self.enter()?;
        self.advance();
        let operand = self.unary();
        self.depth -= 1;
        Ok(Expr::Unary(op, Box::new(operand?), col))
    }

    fn power(&mut self) -> PResult<Expr> {
        let base = self.primary()?;
        if self.eat_op("**") {
            self.enter()?;
            let exponent = self.unary();
            self.depth -= 1;
            return Ok(Expr::Binary(
                BinOp::Pow,
                Box::new(base),
                Box::new(exponent?),
            ));
        }
        Ok(base)
    }

    fn primary(&mut self) -> PResult<Expr> {
        let mut expr = self.atom()?;
        loop {
            if self.is_op(".") {
                self.advance();
                let col = self.col();
                match self.peek().clone() {
                    Tok::Name(name) if !KEYWORDS.contains(&name.as_str()) => {
                        self.advance();
                        expr = Expr::Attr(Box::new(expr), name, col);
                    }
                    _ => return Err(self.invalid()),
                }
            } else if self.is_op("(") {
                let col = self.col();
                self.advance();
                self.brackets += 1;
                let (args, kwargs) = self.call_arguments()?;
                self.brackets -= 1;
                expr = Expr::Call(Box::new(expr), args, kwargs, col);
            } else if self.is_op("[") {
                let col = self.col();
                self.advance();
                self.brackets += 1;
                let index = self.subscript()?;
                self.brackets -= 1;
                self.expect_op("]")?;
                expr = Expr::Subscript(Box::new(expr), Box::new(index), col);
            } else {
                return Ok(expr);
            }
        }
    }

    fn call_arguments(&mut self) -> PResult<CallArguments> {
        let mut args = Vec::new();
        let mut kwargs: Vec<(String, Expr)> = Vec::new();
        loop {
            if self.eat_op(")") {
                return Ok((args, kwargs));
            }
            if self.is_op("*") || self.is_op("**") {
                return Err(SyntaxError::unsupported(
                    "argument unpacking (* and **)",
                    self.col(),
                ));
            }
            let col = self.col();
            if let (Tok::Name(name), Tok::Op("=")) = (self.peek().clone(), self.peek_at(1).clone())
            {
                self.advance();
                self.advance();
                let value = self.expr()?;
                if kwargs.iter().any(|(k, _)| *k == name) {
                    return Err(SyntaxError::specific(
                        format!("keyword argument repeated: {name}"),
                        col,
                    ));
                }
                kwargs.push((name, value));
            } else {
                let value = self.expr()?;
                if self.is_name("for") {
                    return Err(SyntaxError::unsupported(
                        "generator expressions",
                        self.col(),
                    ));
                }
                if self.is_op("=") {
                    return Err(SyntaxError::specific(
                        "expression cannot contain assignment, perhaps you meant \"==\"?",
                        col,
                    ));
                }
                if !kwargs.is_empty() {
                    return Err(SyntaxError::specific(
                        "positional argument follows keyword argument",
                        col,
                    ));
                }
                args.push(value);
            }
            if !self.eat_op(",") {
                self.check_missing_comma(col)?;
                self.expect_op(")")?;
                return Ok((args, kwargs));
            }
        }
    }

    /// CPython's "Perhaps you forgot a comma?" for two expressions side by side
    /// inside brackets.
    fn check_missing_comma(&self, start_col: usize) -> PResult<()> {
        if self.brackets > 0
            && self.starts_expression()
            && !matches!(self.peek(), Tok::Op("-" | "+" | "~"))
        {
            return Err(SyntaxError::specific(
                "invalid syntax. Perhaps you forgot a comma?",
                start_col,
            ));
        }
        Ok(())
    }

    fn subscript(&mut self) -> PResult<Expr> {
        let col = self.col();
        let start = if self.is_op(":") {
            None
        } else {
            Some(self.expr()?)
        };
        if !self.is_op(":") {
            let index = start.ok_or_else(|| self.invalid())?;
            if self.is_op(",") {
                return Err(SyntaxError::unsupported(
                    "subscripts with several indices",
                    self.col(),
                ));
            }
            self.check_missing_comma(col)?;
            return Ok(index);
        }
        self.advance();
        let stop = if self.is_op(":") || self.is_op("]") {
            None
        } else {
            Some(self.expr()?)
        };
        let step = if self.eat_op(":") {
            if self.is_op("]") {
                None
            } else {
                Some(self.expr()?)
            }
        } else {
            None
        };
        Ok(Expr::Slice(
            start.map(Box::new),
            stop.map(Box::new),
            step.map(Box::new),
            col,
        ))
    }

    fn atom(&mut self) -> PResult<Expr> {
        let col = self.col();
        match self.peek().clone() {
            Tok::Int(i) => {
                self.advance();
                Ok(Expr::Int(i, col))
            }
            Tok::BigInt(digits) => {
                self.advance();
                Ok(Expr::BigInt(digits, col))
            }
            Tok::Float(f) => {
                self.advance();
                Ok(Expr::Float(f, col))
            }
            Tok::Str(s) => {
                self.advance();
                let mut value = s;
                // Adjacent literals concatenate: 'a' 'b' == 'ab'.
                while let Tok::Str(more) = self.peek().clone() {
                    self.advance();
                    value.push_str(&more);
                }
                if let Tok::OtherStr(what) = self.peek() {
                    return Err(SyntaxError::unsupported(what, self.col()));
                }
                Ok(Expr::Str(value, col))
            }
            Tok::Bytes(b) => {
                self.advance();
                let mut value = b;
                while let Tok::Bytes(more) = self.peek().clone() {
                    self.advance();
                    value.extend(more);
                }
                Ok(Expr::Bytes(value, col))
            }
            Tok::OtherStr(what) => Err(SyntaxError::unsupported(what, col)),
            Tok::Name(name) => {
                match name.as_str() {
                    "None" => {
                        self.advance();
                        return Ok(Expr::None(col));
                    }
                    "True" | "False" => {
                        self.advance();
                        return Ok(Expr::Bool(name == "True", col));
                    }
                    "lambda" => return Err(SyntaxError::unsupported("lambda expressions", col)),
                    "await" | "yield" => {
                        return Err(SyntaxError::unsupported("async code and generators", col));
                    }
                    n if KEYWORDS.contains(&n) => return Err(self.invalid()),
                    _ => {}
                }
                self.advance();
                Ok(Expr::Name(name, col))
            }
            Tok::Op("(") => {
                self.advance();
                self.brackets += 1;
                let result = self.parenthesized(col);
                self.brackets -= 1;
                result
            }
            Tok::Op("[") => {
                self.advance();
                self.brackets += 1;
                let items = self.sequence("]");
                self.brackets -= 1;
                Ok(Expr::List(items?, col))
            }
            Tok::Op("{") => {
                self.advance();
                self.brackets += 1;
                let result = self.braces(col);
                self.brackets -= 1;
                result
            }
            Tok::Op("...") => Err(SyntaxError::unsupported("Ellipsis", col)),
            _ => Err(self.invalid()),
        }
    }

    fn parenthesized(&mut self, col: usize) -> PResult<Expr> {
        if self.eat_op(")") {
            return Ok(Expr::Tuple(Vec::new(), col));
        }
        let item_col = self.col();
        let first = self.expr()?;
        if self.is_name("for") {
            return Err(SyntaxError::unsupported(
                "generator expressions",
                self.col(),
            ));
        }
        if self.eat_op(")") {
            return Ok(Expr::Paren(Box::new(first)));
        }
        if !self.is_op(",") {
            self.check_missing_comma(item_col)?;
            return Err(self.invalid());
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.eat_op(")") {
                return Ok(Expr::Tuple(items, col));
            }
            let item_col = self.col();
            items.push(self.expr()?);
            if !self.is_op(",") {
                self.check_missing_comma(item_col)?;
            }
        }
        self.expect_op(")")?;
        Ok(Expr::Tuple(items, col))
    }

    fn sequence(&mut self, close: &str) -> PResult<Vec<Expr>> {
        let mut items = Vec::new();
        loop {
            if self.eat_op(close) {
                return Ok(items);
            }
            let item_col = self.col();
            items.push(self.expr()?);
            if self.is_name("for") {
                return Err(SyntaxError::unsupported("comprehensions", self.col()));
            }
            if !self.eat_op(",") {
                self.check_missing_comma(item_col)?;
                self.expect_op(close)?;
                return Ok(items);
            }
        }
    }

    fn braces(&mut self, col: usize) -> PResult<Expr> {
        if self.eat_op("}") {
            return Ok(Expr::Dict(Vec::new(), col));
        }
        if self.is_op("**") {
            return Err(SyntaxError::unsupported("dict unpacking (**)", self.col()));
        }
        let first_col = self.col();
        let first = self.expr()?;
        if self.is_name("for") {
            return Err(SyntaxError::unsupported("comprehensions", self.col()));
        }
        if !self.is_op(":") {
            // A set display.
            let mut items = vec![first];
            if !self.eat_op(",") {
                self.check_missing_comma(first_col)?;
                self.expect_op("}")?;
                return Ok(Expr::Set(items, col));
            }
            let rest = self.sequence("}")?;
            items.extend(rest);
            return Ok(Expr::Set(items, col));
        }
        let mut pairs = Vec::new();
        let mut key = first;
        let mut key_col = first_col;
        loop {
            if !self.eat_op(":") {
                self.check_missing_comma(key_col)?;
                return Err(self.invalid());
            }
            let value = self.expr()?;
            pairs.push((key, value));
            if !self.eat_op(",") {
                self.check_missing_comma(key_col)?;
                self.expect_op("}")?;
                return Ok(Expr::Dict(pairs, col));
            }
            if self.eat_op("}") {
                return Ok(Expr::Dict(pairs, col));
            }
            key_col = self.col();
            key = self.expr()?;
        }
    }
}

fn augmented(op: &str) -> Option<BinOp> {
    Some(match op {
        "+=" => BinOp::Add,
        "-=" => BinOp::Sub,
        "*=" => BinOp::Mul,
        "/=" => BinOp::Div,
        "//=" => BinOp::FloorDiv,
        "%=" => BinOp::Mod,
        "**=" => BinOp::Pow,
        "|=" => BinOp::BitOr,
        "&=" => BinOp::BitAnd,
        "^=" => BinOp::BitXor,
        "<<=" => BinOp::LShift,
        ">>=" => BinOp::RShift,
        "@=" => BinOp::MatMul,
        _ => return None,
    })
}

/// What CPython calls an expression that cannot be assigned to or deleted.
fn illegal_target(e: &Expr) -> Option<&'static str> {
    match e {
        Expr::Name(..) | Expr::Attr(..) | Expr::Subscript(..) => None,
        Expr::Paren(inner) => illegal_target(inner),
        Expr::Tuple(items, _) | Expr::List(items, _) => items.iter().find_map(illegal_target),
        Expr::Call(..) => Some("function call"),
        Expr::Int(..)
        | Expr::BigInt(..)
        | Expr::Float(..)
        | Expr::Str(..)
        | Expr::Bytes(..)
        | Expr::Bool(..)
        | Expr::None(..) => Some("literal"),
        Expr::Compare(..) => Some("comparison"),
        Expr::Dict(..) => Some("dict literal"),
        Expr::Set(..) => Some("set display"),
        Expr::IfElse(..) => Some("conditional expression"),
        _ => Some("expression"),
    }
}

fn check_target(target: &Expr, first: bool) -> PResult<()> {
    let keyword = match target {
        Expr::None(col) => Some(("None", *col)),
        Expr::Bool(true, col) => Some(("True", *col)),
        Expr::Bool(false, col) => Some(("False", *col)),
        _ => None,
    };
    if let Some((name, col)) = keyword {
        return Err(SyntaxError::specific(
            format!("cannot assign to {name}"),
            col,
        ));
    }
    if let Some(what) = illegal_target(target) {
        let bitwise_level = !matches!(
            target,
            Expr::Tuple(..)
                | Expr::List(..)
                | Expr::Compare(..)
                | Expr::Not(..)
                | Expr::And(..)
                | Expr::Or(..)
                | Expr::IfElse(..)
        );
        let message = if first && bitwise_level {
            format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?")
        } else {
            format!("cannot assign to {what}")
        };
        return Err(SyntaxError::specific(message, target.col()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(line: &str) -> (String, usize) {
        let e = parse_line(line).unwrap_err();
        (e.message, e.col)
    }

    #[test]
    fn parses_the_lessons_lines() {
        for line in [
            "request.session['name'] = 'Ada'",
            "request.session.get('cart', [])",
            "del request.session['name']",
            "response.set_cookie('theme', 'dark', max_age=3600, httponly=True)",
            "cart = request.session['cart']; cart.append('pear'); request.session['cart'] = cart",
            "'name' in request.session",
            "type(request.session['f']).__name__",
            "request.session['visits'] = request.session.get('visits', 0) + 1",
            "request.session['n'] += 1",
            "x = [1, 2][::-1]",
            "{'a': 1, 'b': (1,)}",
            "not 'a' in request.session and 1 < 2 <= 3",
        ] {
            assert!(parse_line(line).is_ok(), "{line}: {:?}", parse_line(line));
        }
    }

    #[test]
    fn syntax_errors_match_cpython() {
        assert_eq!(
            error("request.session.get('a'"),
            ("'(' was never closed".into(), 20)
        );
        assert_eq!(
            error("request.session['name' = 'x'"),
            ("'[' was never closed".into(), 16)
        );
        assert_eq!(
            error("request.session['a'] = "),
            ("invalid syntax".into(), 24)
        );
        assert_eq!(error("x = = 1"), ("invalid syntax".into(), 5));
        assert_eq!(
            error("[1 2]"),
            ("invalid syntax. Perhaps you forgot a comma?".into(), 2)
        );
        assert_eq!(
            error("f(a b)"),
            ("invalid syntax. Perhaps you forgot a comma?".into(), 3)
        );
        assert_eq!(error("x = [1 2"), ("'[' was never closed".into(), 5));
        assert_eq!(error("request session"), ("invalid syntax".into(), 9));
        assert_eq!(
            error("request.session.get('a') = 1"),
            (
                "cannot assign to function call here. Maybe you meant '==' instead of '='?".into(),
                1
            )
        );
        assert_eq!(
            error("del request.session.get('a')"),
            ("cannot delete function call".into(), 5)
        );
        assert_eq!(error("None = 1"), ("cannot assign to None".into(), 1));
        assert_eq!(
            error("x = 1 if y"),
            ("expected 'else' after 'if' expression".into(), 5)
        );
        assert_eq!(error("request.session{'a'}"), ("invalid syntax".into(), 16));
        assert_eq!(error("x = 1;;"), ("invalid syntax".into(), 7));
        assert_eq!(error("request.session[ = 1"), ("invalid syntax".into(), 18));
        assert_eq!(
            error("print 'x'").0,
            "Missing parentheses in call to 'print'. Did you mean print(...)?"
        );
    }

    #[test]
    fn unsupported_python_says_so() {
        let e = parse_line("for x in y: pass").unwrap_err();
        assert!(e.unsupported);
        let e = parse_line("[x for x in y]").unwrap_err();
        assert!(e.unsupported);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let line = "-".repeat(100_000) + "1";
        assert!(parse_line(&line).is_err());
        let line = "[".repeat(100_000);
        assert!(parse_line(&line).is_err());
        let line = "not ".repeat(50_000) + "x";
        assert!(parse_line(&line).is_err());
    }
}
