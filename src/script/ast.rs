//! The syntax tree of one line of view code.

/// An expression; the `usize` is the column where it starts.
#[derive(Clone, Debug)]
pub enum Expr {
    None(usize),
    Bool(bool, usize),
    Int(i64, usize),
    BigInt(String, usize),
    Float(f64, usize),
    Str(String, usize),
    Bytes(Vec<u8>, usize),
    Name(String, usize),
    Attr(Box<Expr>, String, usize),
    Subscript(Box<Expr>, Box<Expr>, usize),
    Slice(
        Option<Box<Expr>>,
        Option<Box<Expr>>,
        Option<Box<Expr>>,
        usize,
    ),
    Call(Box<Expr>, Vec<Expr>, Vec<(String, Expr)>, usize),
    List(Vec<Expr>, usize),
    Tuple(Vec<Expr>, usize),
    Dict(Vec<(Expr, Expr)>, usize),
    Set(Vec<Expr>, usize),
    Paren(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Unary(char, Box<Expr>, usize),
    Not(Box<Expr>, usize),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    IfElse(Box<Expr>, Box<Expr>, Box<Expr>),
}

impl Expr {
    /// The column where the expression starts.
    pub fn col(&self) -> usize {
        match self {
            Expr::None(c)
            | Expr::Bool(_, c)
            | Expr::Int(_, c)
            | Expr::BigInt(_, c)
            | Expr::Float(_, c)
            | Expr::Str(_, c)
            | Expr::Bytes(_, c)
            | Expr::Name(_, c)
            | Expr::Slice(.., c)
            | Expr::List(_, c)
            | Expr::Tuple(_, c)
            | Expr::Dict(_, c)
            | Expr::Set(_, c)
            | Expr::Unary(_, _, c)
            | Expr::Not(_, c) => *c,
            Expr::Attr(e, ..)
            | Expr::Subscript(e, ..)
            | Expr::Call(e, ..)
            | Expr::Paren(e)
            | Expr::Binary(_, e, _)
            | Expr::And(e, _)
            | Expr::Or(e, _)
            | Expr::Compare(e, _) => e.col(),
            Expr::IfElse(_, body, _) => body.col(),
        }
    }
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    MatMul,
    BitOr,
    BitAnd,
    BitXor,
    LShift,
    RShift,
}

impl BinOp {
    /// The operator as Python writes it.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "** or pow()",
            BinOp::MatMul => "@",
            BinOp::BitOr => "|",
            BinOp::BitAnd => "&",
            BinOp::BitXor => "^",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
        }
    }
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Is,
    IsNot,
}

/// A statement.
#[derive(Clone, Debug)]
pub enum Stmt {
    Expr(Expr),
    /// `a = b = value`: the targets, then the value.
    Assign(Vec<Expr>, Expr),
    AugAssign(Expr, BinOp, Expr),
    Del(Vec<Expr>),
    Pass,
}
