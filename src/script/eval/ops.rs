//! Python's operators, comparisons, conversions and indexing on plain values.

use std::rc::Rc;

use super::{overflow, type_error};
use crate::script::ast::BinOp;
use crate::sim::budget;
use crate::sim::error::PyErr;
use crate::sim::value::{Number, Object, Value, number, py_eq, set_order, try_eq};

pub(super) fn as_slice(index: &Value) -> Option<(Value, Value, Value)> {
    match index {
        Value::Object(o) => match &**o {
            Object::Slice(start, stop, step) => Some((start.clone(), stop.clone(), step.clone())),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn slice(
    object: &Value,
    start: &Value,
    stop: &Value,
    step: &Value,
) -> Result<Value, PyErr> {
    let as_int = |v: &Value| -> Result<Option<i64>, PyErr> {
        match v {
            Value::None => Ok(None),
            Value::Int(i) => Ok(Some(*i)),
            Value::Bool(b) => Ok(Some(i64::from(*b))),
            _ => Err(type_error(
                "slice indices must be integers or None or have an __index__ method",
            )),
        }
    };
    let step = as_int(step)?.unwrap_or(1);
    if step == 0 {
        return Err(PyErr::new("ValueError", "slice step cannot be zero"));
    }
    let pick = |len: usize| -> Result<Vec<usize>, PyErr> {
        let len = len as i64;
        let clamp = |v: Option<i64>, default: i64, low: i64, high: i64| {
            v.map_or(default, |v| {
                if v < 0 {
                    (v + len).max(low)
                } else {
                    v.min(high)
                }
            })
        };
        let mut out = Vec::new();
        if step > 0 {
            let (mut i, end) = (
                clamp(as_int(start)?, 0, 0, len),
                clamp(as_int(stop)?, len, 0, len),
            );
            while i < end {
                out.push(i as usize);
                i += step;
            }
        } else {
            let (mut i, end) = (
                clamp(as_int(start)?, len - 1, -1, len - 1),
                clamp(as_int(stop)?, -1, -1, len - 1),
            );
            while i > end {
                out.push(i as usize);
                i += step;
            }
        }
        Ok(out)
    };
    match object {
        Value::List(l) => {
            let items = l.borrow();
            Ok(Value::list(
                pick(items.len())?
                    .into_iter()
                    .map(|i| items[i].clone())
                    .collect(),
            ))
        }
        Value::Tuple(t) => Ok(Value::Tuple(Rc::new(
            pick(t.len())?.into_iter().map(|i| t[i].clone()).collect(),
        ))),
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            Ok(Value::str(
                &pick(chars.len())?
                    .into_iter()
                    .map(|i| chars[i])
                    .collect::<String>(),
            ))
        }
        other => Err(type_error(format!(
            "'{}' object is not subscriptable",
            other.type_name()
        ))),
    }
}

pub(super) fn sequence_index(index: &Value, len: usize, what: &str) -> Result<usize, PyErr> {
    let i = match index {
        Value::Int(i) => *i,
        Value::Bool(b) => i64::from(*b),
        other => {
            let kind = what.split(' ').next().unwrap_or(what);
            let kind = if kind == "string" { "string" } else { kind };
            return Err(type_error(format!(
                "{kind} indices must be integers or slices, not {}",
                other.type_name()
            )));
        }
    };
    let len = len as i64;
    let real = if i < 0 { i + len } else { i };
    if real < 0 || real >= len {
        return Err(PyErr::new(
            "IndexError",
            format!("{what} index out of range"),
        ));
    }
    Ok(real as usize)
}

/// The most items `range()` gives here.
const MAX_RANGE: i128 = 1_000_000;

/// The numbers of `range(start, stop, step)`.
pub(super) fn range_items(start: i64, stop: i64, step: i64) -> Result<Vec<Value>, PyErr> {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let count = if step > 0 {
        (stop - start + step - 1).div_euclid(step).max(0)
    } else {
        (start - stop - step - 1).div_euclid(-step).max(0)
    };
    if count > MAX_RANGE {
        return Err(PyErr::unsupported(format!(
            "sessionlab's ranges go up to {MAX_RANGE} items"
        )));
    }
    Ok((0..count)
        .map(|i| Value::Int((start + i * step) as i64))
        .collect())
}

/// Items of a plain (non-session) iterable.
pub(super) fn iterate_plain(value: &Value) -> Result<Vec<Value>, PyErr> {
    Ok(match value {
        Value::Str(s) => s.chars().map(|c| Value::str(&c.to_string())).collect(),
        Value::List(l) => l.borrow().clone(),
        Value::Set(s) => set_order(&s.borrow()),
        Value::Tuple(t) => t.to_vec(),
        Value::Dict(d) => d.borrow().iter().map(|(k, _)| k.clone()).collect(),
        Value::Object(o) => match &**o {
            Object::DictView(_, items) => items.clone(),
            Object::Range(start, stop, step) => range_items(*start, *stop, *step)?,
            _ => {
                return Err(type_error(format!(
                    "'{}' object is not iterable",
                    value.type_name()
                )));
            }
        },
        other => {
            return Err(type_error(format!(
                "'{}' object is not iterable",
                other.type_name()
            )));
        }
    })
}

pub(super) fn identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y && (-5..=256).contains(x),
        (Value::Str(x), Value::Str(y)) => Rc::ptr_eq(x, y) || (x == y && x.len() <= 1),
        (Value::List(x), Value::List(y)) | (Value::Set(x), Value::Set(y)) => Rc::ptr_eq(x, y),
        (Value::Dict(x), Value::Dict(y)) => Rc::ptr_eq(x, y),
        (Value::Tuple(x), Value::Tuple(y)) => Rc::ptr_eq(x, y),
        (Value::Object(x), Value::Object(y)) => match (&**x, &**y) {
            (Object::Request, Object::Request)
            | (Object::Response, Object::Response)
            | (Object::Settings, Object::Settings)
            | (Object::Session(_), Object::Session(_)) => true,
            (Object::Type(a), Object::Type(b)) | (Object::Builtin(a), Object::Builtin(b)) => a == b,
            _ => Rc::ptr_eq(x, y),
        },
        _ => false,
    }
}

/// Python's ordering for the types that have one.
pub(super) fn py_cmp(a: &Value, b: &Value, op: &str) -> Result<std::cmp::Ordering, PyErr> {
    use std::cmp::Ordering;
    let unorderable = || {
        type_error(format!(
            "'{op}' not supported between instances of '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ))
    };
    match (a, b) {
        (
            Value::Bool(_) | Value::Int(_) | Value::Float(_),
            Value::Bool(_) | Value::Int(_) | Value::Float(_),
        ) => match (number(a), number(b)) {
            (Number::Int(x), Number::Int(y)) => Ok(x.cmp(&y)),
            (x, y) => x.as_f64().partial_cmp(&y.as_f64()).ok_or_else(unorderable),
        },
        (Value::Str(x), Value::Str(y)) => Ok(x.cmp(y)),
        (Value::DateTime(x), Value::DateTime(y)) => Ok(x.cmp(y)),
        (Value::List(_), Value::List(_)) | (Value::Tuple(_), Value::Tuple(_)) => {
            let (x, y) = (iterate_plain(a)?, iterate_plain(b)?);
            for (p, q) in x.iter().zip(&y) {
                if !try_eq(p, q)? {
                    return py_cmp(p, q, op);
                }
            }
            Ok(x.len().cmp(&y.len()))
        }
        (Value::Set(_), Value::Set(_)) => {
            let (x, y) = (iterate_plain(a)?, iterate_plain(b)?);
            budget::charge((x.len() as u64).saturating_mul(y.len() as u64))?;
            let subset = x.iter().all(|v| y.iter().any(|w| py_eq(v, w)));
            let superset = y.iter().all(|v| x.iter().any(|w| py_eq(v, w)));
            Ok(match (subset, superset) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                _ => {
                    return Ok(Ordering::Equal)
                        .and(Err(unorderable()))
                        .or(Ok(Ordering::Equal));
                }
            })
        }
        _ => Err(unorderable()),
    }
}

pub(super) fn sort_values(items: &mut [Value]) -> Result<(), PyErr> {
    let mut error = None;
    items.sort_by(|a, b| match py_cmp(a, b, "<") {
        Ok(o) => o,
        Err(e) => {
            error.get_or_insert(e);
            std::cmp::Ordering::Equal
        }
    });
    error.map_or(Ok(()), Err)
}

pub(super) fn round_half_even(f: f64) -> f64 {
    let r = f.round();
    if (f - f.trunc()).abs() == 0.5 {
        2.0 * (f / 2.0).round()
    } else {
        r
    }
}

pub(super) fn to_int(x: &Value) -> Result<Value, PyErr> {
    match x {
        Value::Int(i) => Ok(Value::Int(*i)),
        Value::Bool(b) => Ok(Value::Int(i64::from(*b))),
        Value::Float(f) if f.is_finite() => {
            let whole = f.trunc();
            if whole.abs() < 9.2e18 {
                Ok(Value::Int(whole as i64))
            } else {
                // Python's int is exact for every float: the binary value's digits.
                Ok(Value::BigInt(format!("{whole:.0}").into()))
            }
        }
        Value::Float(f) => Err(if f.is_nan() {
            PyErr::new("ValueError", "cannot convert float NaN to integer")
        } else {
            PyErr::new("OverflowError", "cannot convert float infinity to integer")
        }),
        Value::Str(s) => {
            let t = s.trim();
            let cleaned: String = t.chars().filter(|c| *c != '_').collect();
            let valid = !t.starts_with('_') && !t.ends_with('_') && !t.contains("__");
            match cleaned.parse::<i64>() {
                Ok(i) if valid => Ok(Value::Int(i)),
                _ => Err(PyErr::new(
                    "ValueError",
                    format!("invalid literal for int() with base 10: {}", x.repr()),
                )),
            }
        }
        other => Err(type_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            other.type_name()
        ))),
    }
}

pub(super) fn to_float(x: &Value) -> Result<Value, PyErr> {
    match x {
        Value::Int(_) | Value::Bool(_) | Value::Float(_) => Ok(Value::Float(number(x).as_f64())),
        Value::Str(s) => {
            let t = s.trim().to_ascii_lowercase();
            let parsed = match t.as_str() {
                "inf" | "+inf" | "infinity" | "+infinity" => Some(f64::INFINITY),
                "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
                "nan" | "+nan" | "-nan" => Some(f64::NAN),
                _ if t.chars().all(|c| c.is_ascii_digit() || "+-.e_".contains(c)) => {
                    t.replace('_', "").parse().ok()
                }
                _ => None,
            };
            parsed.map(Value::Float).ok_or_else(|| {
                PyErr::new(
                    "ValueError",
                    format!("could not convert string to float: {}", x.repr()),
                )
            })
        }
        other => Err(type_error(format!(
            "float() argument must be a string or a real number, not '{}'",
            other.type_name()
        ))),
    }
}

pub(super) fn unary(op: char, value: &Value) -> Result<Value, PyErr> {
    match (op, value) {
        ('-', Value::BigInt(digits)) => match digits.parse::<i128>() {
            Ok(n) => wide(-n),
            Err(_) => Err(PyErr::unsupported(
                "arithmetic on integers beyond 128 bits is not modelled in sessionlab",
            )),
        },
        ('+', Value::BigInt(_)) => Ok(value.clone()),
        ('-', Value::Int(i)) => i.checked_neg().map(Value::Int).ok_or_else(overflow),
        ('-', Value::Bool(b)) => Ok(Value::Int(-i64::from(*b))),
        ('-', Value::Float(f)) => Ok(Value::Float(-f)),
        ('+', Value::Int(_) | Value::Float(_)) => Ok(value.clone()),
        ('+', Value::Bool(b)) => Ok(Value::Int(i64::from(*b))),
        ('~', Value::Int(i)) => Ok(Value::Int(!i)),
        ('~', Value::Bool(b)) => Ok(Value::Int(!i64::from(*b))),
        _ => Err(type_error(format!(
            "bad operand type for unary {op}: '{}'",
            value.type_name()
        ))),
    }
}

/// Python's binary operators on plain values.
pub(super) fn binary(op: BinOp, a: &Value, b: &Value) -> Result<Value, PyErr> {
    let unsupported = || {
        type_error(format!(
            "unsupported operand type(s) for {}: '{}' and '{}'",
            op.symbol(),
            a.type_name(),
            b.type_name()
        ))
    };
    if matches!(a, Value::BigInt(_)) || matches!(b, Value::BigInt(_)) {
        return Err(PyErr::unsupported(
            "arithmetic on integers beyond 64 bits is not modelled in sessionlab",
        ));
    }
    let numeric = |v: &Value| matches!(v, Value::Int(_) | Value::Bool(_) | Value::Float(_));
    if numeric(a) && numeric(b) {
        return numeric_op(op, number(a), number(b));
    }
    if let Some(value) = time_op(op, a, b) {
        return value;
    }
    match (op, a, b) {
        (BinOp::Add, Value::Str(x), Value::Str(y)) => {
            budget::check_size(x.len() + y.len(), "string")?;
            Ok(Value::str(&format!("{x}{y}")))
        }
        (BinOp::Add, Value::List(x), Value::List(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            budget::check_size(x.len() + y.len(), "list")?;
            Ok(Value::list(x.iter().chain(y.iter()).cloned().collect()))
        }
        (BinOp::Add, Value::Tuple(x), Value::Tuple(y)) => {
            budget::check_size(x.len() + y.len(), "tuple")?;
            Ok(Value::Tuple(Rc::new(
                x.iter().chain(y.iter()).cloned().collect(),
            )))
        }
        (BinOp::Add, Value::Str(_), _) => Err(type_error(format!(
            "can only concatenate str (not \"{}\") to str",
            b.type_name()
        ))),
        (BinOp::Add, Value::List(_), _) => Err(type_error(format!(
            "can only concatenate list (not \"{}\") to list",
            b.type_name()
        ))),
        (BinOp::Add, Value::Tuple(_), _) => Err(type_error(format!(
            "can only concatenate tuple (not \"{}\") to tuple",
            b.type_name()
        ))),
        (
            BinOp::Mul,
            Value::Str(_) | Value::List(_) | Value::Tuple(_),
            Value::Int(_) | Value::Bool(_),
        ) => repeat(a, b),
        (
            BinOp::Mul,
            Value::Int(_) | Value::Bool(_),
            Value::Str(_) | Value::List(_) | Value::Tuple(_),
        ) => repeat(b, a),
        (BinOp::Mul, Value::Str(_) | Value::List(_) | Value::Tuple(_), _)
        | (BinOp::Mul, _, Value::Str(_) | Value::List(_) | Value::Tuple(_)) => {
            Err(type_error(format!(
                "can't multiply sequence by non-int of type '{}'",
                if matches!(a, Value::Str(_) | Value::List(_) | Value::Tuple(_)) {
                    b.type_name()
                } else {
                    a.type_name()
                }
            )))
        }
        (BinOp::Mod, Value::Str(_), _) => Err(PyErr::unsupported(
            "%-formatting of strings is not part of sessionlab's Python",
        )),
        (BinOp::Sub | BinOp::BitOr | BinOp::BitAnd, Value::Set(x), Value::Set(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            budget::check_size(x.len() + y.len(), "set")?;
            budget::charge((x.len() as u64).saturating_mul(y.len() as u64))?;
            let items: Vec<Value> = match op {
                BinOp::Sub => x
                    .iter()
                    .filter(|v| !y.iter().any(|w| py_eq(v, w)))
                    .cloned()
                    .collect(),
                BinOp::BitAnd => x
                    .iter()
                    .filter(|v| y.iter().any(|w| py_eq(v, w)))
                    .cloned()
                    .collect(),
                _ => x.iter().chain(y.iter()).cloned().collect(),
            };
            Ok(Value::set(items))
        }
        (BinOp::BitOr, Value::Dict(x), Value::Dict(y)) => {
            let mut merged = x.borrow().clone();
            for (k, v) in y.borrow().iter() {
                merged.insert(k.clone(), v.clone());
            }
            Ok(Value::dict(merged))
        }
        _ => Err(unsupported()),
    }
}

pub(super) fn repeat(sequence: &Value, count: &Value) -> Result<Value, PyErr> {
    let n = match number(count) {
        Number::Int(n) => n.max(0) as usize,
        Number::Float(_) => 0,
    };
    let size = |len: usize, what: &str| budget::check_size(len.saturating_mul(n), what);
    Ok(match sequence {
        Value::Str(s) => {
            size(s.len(), "string")?;
            Value::str(&s.repeat(n))
        }
        // The items are cycled, so an empty sequence costs nothing however
        // many times it is repeated (`() * 2**63 - 1` is `()` at once).
        Value::List(l) => {
            let items = l.borrow();
            size(items.len(), "list")?;
            Value::list(
                items
                    .iter()
                    .cloned()
                    .cycle()
                    .take(items.len() * n)
                    .collect(),
            )
        }
        Value::Tuple(t) => {
            size(t.len(), "tuple")?;
            Value::Tuple(Rc::new(
                t.iter().cloned().cycle().take(t.len() * n).collect(),
            ))
        }
        _ => unreachable!("only sequences repeat"),
    })
}

/// An int result: a plain `Int` when it fits 64 bits, else its digits.
pub(super) fn wide(n: i128) -> Result<Value, PyErr> {
    Ok(i64::try_from(n).map_or_else(|_| Value::BigInt(Rc::from(n.to_string())), Value::Int))
}

pub(super) fn numeric_op(op: BinOp, a: Number, b: Number) -> Result<Value, PyErr> {
    let zero_division = |what: &str| PyErr::new("ZeroDivisionError", what.to_string());
    match (a, b) {
        (Number::Int(x), Number::Int(y)) => Ok(Value::Int(match op {
            // Python ints do not overflow: results beyond 64 bits become BigInt.
            BinOp::Add => return wide(i128::from(x) + i128::from(y)),
            BinOp::Sub => return wide(i128::from(x) - i128::from(y)),
            BinOp::Mul => return wide(i128::from(x) * i128::from(y)),
            BinOp::Div => {
                if y == 0 {
                    return Err(zero_division("division by zero"));
                }
                return Ok(Value::Float(x as f64 / y as f64));
            }
            BinOp::FloorDiv => {
                if y == 0 {
                    return Err(zero_division("integer division or modulo by zero"));
                }
                let q = x.checked_div(y).ok_or_else(overflow)?;
                if (x % y != 0) && ((x < 0) != (y < 0)) {
                    q - 1
                } else {
                    q
                }
            }
            BinOp::Mod => {
                if y == 0 {
                    return Err(zero_division("integer modulo by zero"));
                }
                let r = x % y;
                if r != 0 && ((r < 0) != (y < 0)) {
                    r + y
                } else {
                    r
                }
            }
            BinOp::Pow => {
                if y < 0 {
                    return Ok(Value::Float((x as f64).powf(y as f64)));
                }
                let exp = u32::try_from(y).map_err(|_| overflow())?;
                return i128::from(x)
                    .checked_pow(exp)
                    .ok_or_else(overflow)
                    .and_then(wide);
            }
            BinOp::BitOr => x | y,
            BinOp::BitAnd => x & y,
            BinOp::BitXor => x ^ y,
            BinOp::LShift => {
                if y < 0 {
                    return Err(PyErr::new("ValueError", "negative shift count"));
                }
                x.checked_shl(u32::try_from(y).map_err(|_| overflow())?)
                    .filter(|r| r >> y == x)
                    .ok_or_else(overflow)?
            }
            BinOp::RShift => {
                if y < 0 {
                    return Err(PyErr::new("ValueError", "negative shift count"));
                }
                x >> y.min(63)
            }
            BinOp::MatMul => {
                return Err(type_error(
                    "unsupported operand type(s) for @: 'int' and 'int'",
                ));
            }
        })),
        (x, y) => {
            let (x, y) = (x.as_f64(), y.as_f64());
            Ok(Value::Float(match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div => {
                    if y == 0.0 {
                        return Err(zero_division("float division by zero"));
                    }
                    x / y
                }
                BinOp::FloorDiv => {
                    if y == 0.0 {
                        return Err(zero_division("float floor division by zero"));
                    }
                    (x / y).floor()
                }
                BinOp::Mod => {
                    if y == 0.0 {
                        return Err(zero_division("float modulo"));
                    }
                    let r = x % y;
                    if r != 0.0 && ((r < 0.0) != (y < 0.0)) {
                        r + y
                    } else {
                        r
                    }
                }
                BinOp::Pow => x.powf(y),
                _ => {
                    return Err(type_error(format!(
                        "unsupported operand type(s) for {}: 'float' and 'float'",
                        op.symbol()
                    )));
                }
            }))
        }
    }
}

/// Datetimes and timedeltas: `timezone.now() + timedelta(days=1)`.
fn time_op(op: BinOp, a: &Value, b: &Value) -> Option<Result<Value, PyErr>> {
    let delta = |v: &Value| match v {
        Value::Object(o) => match &**o {
            Object::TimeDelta(s) => Some(*s),
            _ => None,
        },
        _ => None,
    };
    let overflow = || PyErr::new("OverflowError", "date value out of range");
    let seconds = |s: Option<i64>| s.map(|s| Value::object(Object::TimeDelta(s)));
    Some(match (op, a, b, delta(a), delta(b)) {
        (BinOp::Add, Value::DateTime(t), _, _, Some(d))
        | (BinOp::Add, _, Value::DateTime(t), Some(d), _) => {
            t.checked_add(d).map(Value::DateTime).ok_or_else(overflow)
        }
        (BinOp::Sub, Value::DateTime(t), _, _, Some(d)) => {
            t.checked_sub(d).map(Value::DateTime).ok_or_else(overflow)
        }
        (BinOp::Sub, Value::DateTime(x), Value::DateTime(y), _, _) => {
            seconds(x.checked_sub(*y)).ok_or_else(overflow)
        }
        (BinOp::Add, _, _, Some(x), Some(y)) => seconds(x.checked_add(y)).ok_or_else(overflow),
        (BinOp::Sub, _, _, Some(x), Some(y)) => seconds(x.checked_sub(y)).ok_or_else(overflow),
        (BinOp::Mul, Value::Int(n), _, _, Some(d)) | (BinOp::Mul, _, Value::Int(n), Some(d), _) => {
            seconds(d.checked_mul(*n)).ok_or_else(overflow)
        }
        _ => return None,
    })
}
