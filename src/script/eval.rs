//! Running a line of view code: Python semantics for the subset, and the
//! Django objects (`request`, `request.session`, `response`, `settings`,
//! `login`, `logout`) backed by the simulated server.

use std::collections::HashMap;
use std::rc::Rc;

mod forge;
mod methods;
mod ops;

use methods::{dict_view, value_method};
use ops::{
    as_slice, binary, identical, iterate_plain, py_cmp, round_half_even, sequence_index, slice,
    sort_values, to_float, to_int, unary,
};

use super::ast::{BinOp, CmpOp, Expr, Stmt};
use super::table::{self, Entry};
use crate::sim::auth;
use crate::sim::budget;
use crate::sim::cookie::ResponseCookies;
use crate::sim::cookie::{CookieOptions, MaxAge};
use crate::sim::error::PyErr;
use crate::sim::request::Request;
use crate::sim::server::Server;
use crate::sim::signing;
use crate::sim::value::{Dict, Number, Object, UserInfo, UserRef, Value, number, try_eq};

/// The view being run: the server, the request and the line's local names.
pub struct View<'a> {
    pub server: &'a mut Server,
    pub request: &'a mut Request,
    locals: HashMap<String, Value>,
    /// What `print()` wrote, a line a call.
    printed: Vec<String>,
}

/// Run a line's statements as one view. Returns the value of a trailing
/// expression (None when it is `None` or there is none).
pub fn run_view(
    server: &mut Server,
    request: &mut Request,
    stmts: &[Stmt],
    printed: &mut Vec<String>,
) -> Result<Option<Value>, PyErr> {
    let _meter = budget::Meter::start();
    let mut view = View {
        server,
        request,
        locals: HashMap::new(),
        printed: Vec::new(),
    };
    let result = view.run(stmts);
    printed.append(&mut view.printed);
    result
}

impl View<'_> {
    /// The statements in order; the value of a trailing expression.
    fn run(&mut self, stmts: &[Stmt]) -> Result<Option<Value>, PyErr> {
        let view = self;
        let mut last = None;
        for (i, stmt) in stmts.iter().enumerate() {
            match stmt {
                Stmt::Expr(expr) => {
                    let value = view.eval(expr)?;
                    if i + 1 == stmts.len() && !matches!(value, Value::None) {
                        let value = view.unwrapped(value)?;
                        // The shell prints it: fail here, within the budget, if it cannot.
                        value.try_repr()?;
                        last = Some(value);
                    }
                }
                Stmt::Assign(targets, value) => {
                    let value = view.eval(value)?;
                    for target in targets {
                        view.assign(target, value.clone())?;
                    }
                }
                Stmt::AugAssign(target, op, value) => {
                    let current = view.eval(target)?;
                    let operand = view.eval(value)?;
                    let result = match (&current, op) {
                        (Value::List(list), BinOp::Add) => {
                            let items = iterate_plain(&operand)?;
                            budget::check_grow(
                                list.borrow().len() + items.len(),
                                items.len(),
                                "list",
                            )?;
                            list.borrow_mut().extend(items);
                            current.clone()
                        }
                        _ => binary(*op, &current, &operand)?,
                    };
                    view.assign(target, result)?;
                }
                Stmt::Del(targets) => {
                    for target in targets {
                        view.delete(target)?;
                    }
                }
                Stmt::Pass => {}
            }
        }
        Ok(last)
    }
}

/// `ast.literal_eval`: the value of a literal expression, if it is one.
pub fn literal(expr: &Expr) -> Option<Value> {
    Some(match expr {
        Expr::None(_) => Value::None,
        Expr::Bool(b, _) => Value::Bool(*b),
        Expr::Int(i, _) => Value::Int(*i),
        Expr::BigInt(digits, _) => Value::BigInt(Rc::from(digits.as_str())),
        Expr::Float(f, _) => Value::Float(*f),
        Expr::Str(s, _) => Value::str(s),
        Expr::Bytes(b, _) => Value::Bytes(Rc::from(b.as_slice())),
        Expr::Paren(inner) => literal(inner)?,
        Expr::Unary(op @ ('-' | '+'), inner, _) => match (op, literal(inner)?) {
            ('-', Value::Int(i)) => Value::Int(i.checked_neg()?),
            ('-', Value::Float(f)) => Value::Float(-f),
            ('+', v @ (Value::Int(_) | Value::Float(_))) => v,
            _ => return None,
        },
        Expr::List(items, _) => Value::list(items.iter().map(literal).collect::<Option<_>>()?),
        Expr::Tuple(items, _) => {
            Value::Tuple(Rc::new(items.iter().map(literal).collect::<Option<_>>()?))
        }
        Expr::Set(items, _) => Value::set(items.iter().map(literal).collect::<Option<_>>()?),
        Expr::Dict(pairs, _) => {
            let mut dict = Dict::new();
            for (k, v) in pairs {
                let key = literal(k)?;
                if !key.hashable() {
                    return None;
                }
                dict.insert(key, literal(v)?);
            }
            Value::dict(dict)
        }
        _ => return None,
    })
}

pub(super) fn type_error(message: impl Into<String>) -> PyErr {
    PyErr::new("TypeError", message)
}

pub(super) fn attribute_error(value: &Value, name: &str) -> PyErr {
    let type_name = match value {
        Value::Object(o) if matches!(&**o, Object::Settings) => "Settings",
        Value::Object(o) if matches!(&**o, Object::Type(_)) => {
            return PyErr::new(
                "AttributeError",
                format!(
                    "type object '{}' has no attribute '{name}'",
                    type_of_object(o)
                ),
            );
        }
        other => other.type_name(),
    };
    PyErr::new(
        "AttributeError",
        format!("'{type_name}' object has no attribute '{name}'"),
    )
}

fn type_of_object(o: &Object) -> &'static str {
    match o {
        Object::Type(name) => name,
        _ => "object",
    }
}

fn unsupported_attribute(owner: &str, name: &str, table: &[Entry]) -> PyErr {
    PyErr::unsupported(format!(
        "sessionlab does not model {owner}.{name}; supported are: {}",
        table::list(table)
    ))
}

/// Positional and keyword arguments of a call.
pub(super) struct Args {
    positional: Vec<Value>,
    keywords: Vec<(String, Value)>,
}

impl Args {
    /// Bind to parameters `params` (the first `required` are required), as
    /// Python would, naming the function `func` in errors.
    fn bind(
        self,
        func: &str,
        params: &[&str],
        required: usize,
    ) -> Result<Vec<Option<Value>>, PyErr> {
        if self.positional.len() > params.len() {
            let takes = if required == params.len() {
                format!(
                    "{} positional argument{}",
                    params.len(),
                    if params.len() == 1 { "" } else { "s" }
                )
            } else {
                format!("from {required} to {} positional arguments", params.len())
            };
            return Err(type_error(format!(
                "{func}() takes {takes} but {} {} given",
                self.positional.len(),
                if self.positional.len() == 1 {
                    "was"
                } else {
                    "were"
                }
            )));
        }
        let mut bound: Vec<Option<Value>> = vec![None; params.len()];
        for (slot, value) in bound.iter_mut().zip(self.positional) {
            *slot = Some(value);
        }
        for (name, value) in self.keywords {
            match params.iter().position(|p| *p == name) {
                Some(i) if bound[i].is_some() => {
                    return Err(type_error(format!(
                        "{func}() got multiple values for argument '{name}'"
                    )));
                }
                Some(i) => bound[i] = Some(value),
                None => {
                    return Err(type_error(format!(
                        "{func}() got an unexpected keyword argument '{name}'"
                    )));
                }
            }
        }
        let missing: Vec<String> = params[..required]
            .iter()
            .zip(&bound)
            .filter(|(_, v)| v.is_none())
            .map(|(p, _)| format!("'{p}'"))
            .collect();
        if !missing.is_empty() {
            let list = match missing.len() {
                1 => missing[0].clone(),
                n => format!("{} and {}", missing[..n - 1].join(", "), missing[n - 1]),
            };
            return Err(type_error(format!(
                "{func}() missing {} required positional argument{}: {list}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" }
            )));
        }
        Ok(bound)
    }
}

impl View<'_> {
    fn eval(&mut self, expr: &Expr) -> Result<Value, PyErr> {
        budget::charge(1)?;
        Ok(match expr {
            Expr::None(_) => Value::None,
            Expr::Bool(b, _) => Value::Bool(*b),
            Expr::Int(i, _) => Value::Int(*i),
            Expr::BigInt(digits, _) => Value::BigInt(Rc::from(digits.as_str())),
            Expr::Float(f, _) => Value::Float(*f),
            Expr::Str(s, _) => Value::str(s),
            Expr::Bytes(b, _) => Value::Bytes(Rc::from(b.as_slice())),
            Expr::Name(name, _) => self.name(name)?,
            Expr::Paren(inner) => self.eval(inner)?,
            Expr::Attr(object, name, _) => {
                let object = self.eval(object)?;
                self.getattr(&object, name)?
            }
            Expr::Subscript(object, index, _) => {
                let object = self.eval(object)?;
                let index = self.eval_index(index)?;
                self.subscript(&object, &index)?
            }
            Expr::Slice(..) => return Err(PyErr::new("SyntaxError", "invalid syntax")),
            Expr::Call(func, args, keywords, _) => {
                let func = self.eval(func)?;
                let args = Args {
                    positional: args
                        .iter()
                        .map(|a| self.eval(a))
                        .collect::<Result<_, _>>()?,
                    keywords: keywords
                        .iter()
                        .map(|(k, v)| Ok((k.clone(), self.eval(v)?)))
                        .collect::<Result<_, PyErr>>()?,
                };
                self.call(&func, args)?
            }
            Expr::List(items, _) => Value::list(self.eval_all(items)?),
            Expr::Tuple(items, _) => Value::Tuple(Rc::new(self.eval_all(items)?)),
            Expr::Set(items, _) => {
                let items = self.eval_all(items)?;
                for item in &items {
                    crate::sim::session::check_hashable(item)?;
                }
                Value::set(items)
            }
            Expr::Dict(pairs, _) => {
                let mut dict = Dict::new();
                for (k, v) in pairs {
                    let key = self.eval(k)?;
                    crate::sim::session::check_hashable(&key)?;
                    let value = self.eval(v)?;
                    dict.insert(key, value);
                }
                Value::dict(dict)
            }
            Expr::Binary(op, left, right) => {
                let left = self.eval(left)?;
                let right = self.eval(right)?;
                binary(*op, &left, &right)?
            }
            Expr::Unary(op, operand, _) => {
                let value = self.eval(operand)?;
                unary(*op, &value)?
            }
            Expr::Not(operand, _) => Value::Bool(!self.eval(operand)?.truthy()),
            Expr::And(left, right) => {
                let left = self.eval(left)?;
                if left.truthy() {
                    self.eval(right)?
                } else {
                    left
                }
            }
            Expr::Or(left, right) => {
                let left = self.eval(left)?;
                if left.truthy() {
                    left
                } else {
                    self.eval(right)?
                }
            }
            Expr::Compare(first, rest) => {
                let mut left = self.eval(first)?;
                for (op, right) in rest {
                    let right = self.eval(right)?;
                    if !self.compare(*op, &left, &right)? {
                        return Ok(Value::Bool(false));
                    }
                    left = right;
                }
                Value::Bool(true)
            }
            Expr::IfElse(condition, body, orelse) => {
                if self.eval(condition)?.truthy() {
                    self.eval(body)?
                } else {
                    self.eval(orelse)?
                }
            }
        })
    }

    fn eval_all(&mut self, items: &[Expr]) -> Result<Vec<Value>, PyErr> {
        items.iter().map(|i| self.eval(i)).collect()
    }

    fn eval_index(&mut self, index: &Expr) -> Result<Value, PyErr> {
        match index {
            Expr::Slice(start, stop, step, _) => {
                let mut part = |e: &Option<Box<Expr>>| -> Result<Value, PyErr> {
                    e.as_ref().map_or(Ok(Value::None), |e| self.eval(e))
                };
                let (start, stop, step) = (part(start)?, part(stop)?, part(step)?);
                Ok(Value::object(Object::Slice(start, stop, step)))
            }
            other => self.eval(other),
        }
    }

    fn name(&mut self, name: &str) -> Result<Value, PyErr> {
        if let Some(v) = self.locals.get(name) {
            return Ok(v.clone());
        }
        Ok(match name {
            "request" => Value::object(Object::Request),
            "response" => Value::object(Object::Response),
            "settings" => Value::object(Object::Settings),
            "signing" => Value::object(Object::Module("django.core.signing")),
            "timezone" => Value::object(Object::Module("django.utils.timezone")),
            "timedelta" => Value::object(Object::Builtin("timedelta")),
            "str" | "int" | "float" | "bool" | "list" | "tuple" | "dict" | "set" | "type" => {
                Value::object(Object::Type(type_name_static(name)))
            }
            _ if table::BUILTINS.iter().any(|b| b.name == name) => {
                Value::object(Object::Builtin(builtin_static(name)))
            }
            _ => {
                return Err(PyErr::new(
                    "NameError",
                    format!("name '{name}' is not defined"),
                ));
            }
        })
    }

    fn session_module(&self) -> &'static str {
        self.request.session.engine.module()
    }

    fn getattr(&mut self, object: &Value, name: &str) -> Result<Value, PyErr> {
        if name == "__class__" {
            // A lazy object answers with the class of what it wraps.
            let object = self.evaluated(object.clone())?;
            let object = match &object {
                Value::Object(o) => match &**o {
                    Object::User(UserRef::Lazy(user)) => {
                        Value::object(Object::User(UserRef::Plain(user.clone())))
                    }
                    _ => object.clone(),
                },
                _ => object,
            };
            return Ok(Value::object(Object::Type(self.qualified_type(&object))));
        }
        let method = |known: &[&str]| -> Option<Value> {
            known
                .contains(&name)
                .then(|| Value::object(Object::Method(object.clone(), Rc::from(name))))
        };
        let Value::Object(o) = object else {
            let methods: &[&str] = match object {
                Value::Str(_) => table::STR_METHODS,
                Value::List(_) => table::LIST_METHODS,
                Value::Dict(_) => table::DICT_METHODS,
                Value::Set(_) => table::SET_METHODS,
                Value::DateTime(t) => {
                    let c = crate::sim::dates::civil(*t);
                    return match name {
                        "year" => Ok(Value::Int(c.year)),
                        "month" => Ok(Value::Int(i64::from(c.month))),
                        "day" => Ok(Value::Int(i64::from(c.day))),
                        "hour" => Ok(Value::Int(i64::from(c.hour))),
                        "minute" => Ok(Value::Int(i64::from(c.minute))),
                        "second" => Ok(Value::Int(i64::from(c.second))),
                        "isoformat" | "timestamp" | "weekday" | "isoweekday" | "date"
                        | "strftime" => Ok(Value::object(Object::Method(
                            object.clone(),
                            Rc::from(name),
                        ))),
                        _ => Err(attribute_error(object, name)),
                    };
                }
                _ => &[],
            };
            return method(methods).ok_or_else(|| attribute_error(object, name));
        };
        match &**o {
            Object::Module("django.utils.timezone") if name == "now" => Ok(Value::object(
                Object::Method(object.clone(), Rc::from(name)),
            )),
            Object::Module("django.utils.timezone") => Err(PyErr::new(
                "AttributeError",
                format!("module 'django.utils.timezone' has no attribute '{name}'"),
            )),
            Object::Module(_) => forge::attribute(object, name),
            Object::TimeDelta(seconds) => match name {
                "days" => Ok(Value::Int(seconds.div_euclid(86_400))),
                "seconds" => Ok(Value::Int(seconds.rem_euclid(86_400))),
                "total_seconds" => Ok(Value::object(Object::Method(
                    object.clone(),
                    Rc::from(name),
                ))),
                _ => Err(attribute_error(object, name)),
            },
            Object::Signer(_) => Ok(Value::object(Object::Method(
                object.clone(),
                Rc::from(name),
            ))),
            Object::Date(t) => {
                let c = crate::sim::dates::civil(*t);
                match name {
                    "year" => Ok(Value::Int(c.year)),
                    "month" => Ok(Value::Int(i64::from(c.month))),
                    "day" => Ok(Value::Int(i64::from(c.day))),
                    "isoformat" | "weekday" | "isoweekday" | "strftime" => Ok(Value::object(
                        Object::Method(object.clone(), Rc::from(name)),
                    )),
                    _ => Err(attribute_error(object, name)),
                }
            }
            Object::Request => match name {
                "session" => Ok(Value::object(Object::Session(self.session_module()))),
                "COOKIES" => Ok(Value::Dict(self.request.cookies_dict())),
                "user" => Ok(Value::object(Object::User(self.request.user.clone()))),
                "path" => Ok(Value::str(&self.request.path)),
                "method" => Ok(Value::str("GET")),
                "get_signed_cookie" | "is_secure" | "get_host" | "get_full_path"
                | "build_absolute_uri" => Ok(method(&[name]).expect("listed")),
                _ => Err(self.missing(object, name, "request", table::REQUEST)),
            },
            Object::Session(_) => match name {
                "session_key" => Ok(self
                    .request
                    .session
                    .session_key()
                    .map_or(Value::None, Value::str)),
                "modified" => Ok(Value::Bool(self.request.session.modified)),
                "accessed" => Ok(Value::Bool(self.request.session.accessed)),
                _ if table::SESSION.iter().any(|e| e.name == name) => {
                    Ok(method(&[name]).expect("listed"))
                }
                _ => Err(self.missing(object, name, "request.session", table::SESSION)),
            },
            Object::Response => match name {
                "status_code" => Ok(Value::Int(200)),
                "set_cookie" | "set_signed_cookie" | "delete_cookie" => {
                    Ok(method(&[name]).expect("listed"))
                }
                _ => Err(self.missing(object, name, "response", table::RESPONSE)),
            },
            Object::Settings => match self.server.settings.get(name) {
                Some(v) => Ok(v),
                None if is_setting_name(name) => Err(PyErr::unsupported(format!(
                    "sessionlab does not model settings.{name}; it models: {}",
                    crate::sim::settings::SETTINGS
                        .iter()
                        .map(|s| s.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
                None => Err(attribute_error(object, name)),
            },
            Object::User(_) => {
                let user = auth::resolve_user(self.server, self.request)?;
                user_attribute(object, user.as_ref(), name)
                    .ok_or_else(|| self.missing(object, name, "request.user", table::USER))
            }
            Object::Type(qualified) if name == "__name__" || name == "__qualname__" => Ok(
                Value::str(qualified.rsplit('.').next().unwrap_or(qualified)),
            ),
            Object::Type(qualified) if name == "__module__" => Ok(Value::str(
                qualified
                    .rsplit_once('.')
                    .map_or("builtins", |(module, _)| module),
            )),
            _ => Err(attribute_error(object, name)),
        }
    }

    /// An attribute Django's object has but sessionlab does not model, or one it
    /// does not have at all.
    fn missing(&self, object: &Value, name: &str, owner: &str, table: &[Entry]) -> PyErr {
        if table::UNMODELLED.contains(&name)
            || (name.starts_with('a') && table.iter().any(|e| e.name == &name[1..]))
        {
            unsupported_attribute(owner, name, table)
        } else {
            attribute_error(object, name)
        }
    }

    fn subscript(&mut self, object: &Value, index: &Value) -> Result<Value, PyErr> {
        if let Some((start, stop, step)) = as_slice(index) {
            return slice(object, &start, &stop, &step);
        }
        match object {
            Value::Dict(d) => {
                crate::sim::session::check_hashable(index)?;
                d.borrow()
                    .get(index)
                    .cloned()
                    .ok_or_else(|| PyErr::key_error(index))
            }
            Value::List(l) => {
                let items = l.borrow();
                let i = sequence_index(index, items.len(), "list")?;
                Ok(items[i].clone())
            }
            Value::Tuple(t) => {
                let i = sequence_index(index, t.len(), "tuple")?;
                Ok(t[i].clone())
            }
            Value::Str(s) => {
                let chars: Vec<char> = s.chars().collect();
                let i = sequence_index(index, chars.len(), "string")?;
                Ok(Value::str(&chars[i].to_string()))
            }
            Value::Object(o) if matches!(&**o, Object::Session(_)) => {
                self.request.session.get_item(self.server, index)
            }
            Value::Object(o) if matches!(&**o, Object::Type(_)) => Err(PyErr::unsupported(
                "generic types like list[int] are not part of sessionlab's Python",
            )),
            other => Err(type_error(format!(
                "'{}' object is not subscriptable",
                other.type_name()
            ))),
        }
    }

    fn assign(&mut self, target: &Expr, value: Value) -> Result<(), PyErr> {
        match target {
            Expr::Name(name, _) => {
                self.locals.insert(name.clone(), value);
                Ok(())
            }
            Expr::Paren(inner) => self.assign(inner, value),
            Expr::Tuple(targets, _) | Expr::List(targets, _) => {
                let items = self.iterate(&value).map_err(|e| {
                    if e.message.ends_with("object is not iterable") {
                        type_error(format!(
                            "cannot unpack non-iterable {} object",
                            value.type_name()
                        ))
                    } else {
                        e
                    }
                })?;
                if items.len() > targets.len() {
                    return Err(PyErr::new(
                        "ValueError",
                        format!("too many values to unpack (expected {})", targets.len()),
                    ));
                }
                if items.len() < targets.len() {
                    return Err(PyErr::new(
                        "ValueError",
                        format!(
                            "not enough values to unpack (expected {}, got {})",
                            targets.len(),
                            items.len()
                        ),
                    ));
                }
                for (t, v) in targets.iter().zip(items) {
                    self.assign(t, v)?;
                }
                Ok(())
            }
            Expr::Subscript(object, index, _) => {
                let object = self.eval(object)?;
                let index = self.eval_index(index)?;
                self.set_item(&object, index, value)
            }
            Expr::Attr(object, name, _) => {
                let object = self.eval(object)?;
                self.set_attribute(&object, name, value)
            }
            _ => Err(PyErr::new("SyntaxError", "cannot assign to expression")),
        }
    }

    fn set_item(&mut self, object: &Value, index: Value, value: Value) -> Result<(), PyErr> {
        if as_slice(&index).is_some() {
            return Err(PyErr::unsupported(
                "slice assignment is not part of sessionlab's Python",
            ));
        }
        match object {
            Value::Dict(d) => {
                crate::sim::session::check_hashable(&index)?;
                d.borrow_mut().insert(index, value);
                Ok(())
            }
            Value::List(l) => {
                let len = l.borrow().len();
                let i = sequence_index(&index, len, "list assignment")?;
                l.borrow_mut()[i] = value;
                Ok(())
            }
            Value::Object(o) if matches!(&**o, Object::Session(_)) => {
                self.request.session.set_item(self.server, index, value)
            }
            other => Err(type_error(format!(
                "'{}' object does not support item assignment",
                other.type_name()
            ))),
        }
    }

    fn set_attribute(&mut self, object: &Value, name: &str, value: Value) -> Result<(), PyErr> {
        match object {
            Value::Object(o) => match (&**o, name) {
                (Object::Session(_), "modified") => {
                    self.request.session.modified = value.truthy();
                    Ok(())
                }
                (Object::Session(_), "accessed") => {
                    self.request.session.accessed = value.truthy();
                    Ok(())
                }
                (Object::Settings, _) => self.server.set_setting(name, &value),
                (Object::Session(_), "session_key") => Err(PyErr::new(
                    "AttributeError",
                    "property 'session_key' of 'SessionStore' object has no setter",
                )),
                (Object::Session(_), _) => Err(PyErr::unsupported(format!(
                    "an attribute of request.session is not a session key, and Django would store nothing: write request.session['{name}'] = … (of its attributes a view sets only .modified and .accessed)"
                ))),
                (Object::Request, "user") => Err(PyErr::unsupported(
                    "request.user is set by AuthenticationMiddleware from the session: a view logs a user in with login(request, 'alice')",
                )),
                (Object::Response, _) => Err(PyErr::unsupported(format!(
                    "response.{name} is not something a view sets here: cookies go on with response.set_cookie(name, value)"
                ))),
                _ => Err(PyErr::unsupported(format!(
                    "setting .{name} on {} is not part of sessionlab's Python",
                    object.type_name()
                ))),
            },
            other => Err(attribute_error(other, name)),
        }
    }

    fn delete(&mut self, target: &Expr) -> Result<(), PyErr> {
        match target {
            Expr::Name(name, _) => match self.locals.remove(name) {
                Some(_) => Ok(()),
                None => Err(PyErr::new(
                    "NameError",
                    format!("name '{name}' is not defined"),
                )),
            },
            Expr::Paren(inner) => self.delete(inner),
            Expr::Subscript(object, index, _) => {
                let object = self.eval(object)?;
                let index = self.eval_index(index)?;
                if as_slice(&index).is_some() {
                    return Err(PyErr::unsupported(
                        "deleting slices is not part of sessionlab's Python",
                    ));
                }
                match &object {
                    Value::Dict(d) => {
                        crate::sim::session::check_hashable(&index)?;
                        d.borrow_mut()
                            .remove(&index)
                            .map(drop)
                            .ok_or_else(|| PyErr::key_error(&index))
                    }
                    Value::List(l) => {
                        let len = l.borrow().len();
                        let i = sequence_index(&index, len, "list assignment")?;
                        l.borrow_mut().remove(i);
                        Ok(())
                    }
                    Value::Object(o) if matches!(&**o, Object::Session(_)) => {
                        self.request.session.del_item(self.server, &index)
                    }
                    other => Err(type_error(format!(
                        "'{}' object doesn't support item deletion",
                        other.type_name()
                    ))),
                }
            }
            Expr::Attr(object, name, _) => {
                let object = self.eval(object)?;
                let is_session =
                    matches!(&object, Value::Object(o) if matches!(&**o, Object::Session(_)));
                Err(PyErr::unsupported(if is_session {
                    format!(
                        "del request.session.{name} would delete an attribute, not a key: write del request.session['{name}']"
                    )
                } else {
                    format!(
                        "deleting attributes ({}.{name}) is not part of sessionlab's Python",
                        object.type_name()
                    )
                }))
            }
            _ => Err(PyErr::new("SyntaxError", "cannot delete expression")),
        }
    }

    fn compare(&mut self, op: CmpOp, left: &Value, right: &Value) -> Result<bool, PyErr> {
        Ok(match op {
            CmpOp::Eq => try_eq(left, right)?,
            CmpOp::Ne => !try_eq(left, right)?,
            CmpOp::Lt => py_cmp(left, right, "<")?.is_lt(),
            CmpOp::Le => py_cmp(left, right, "<=")?.is_le(),
            CmpOp::Gt => py_cmp(left, right, ">")?.is_gt(),
            CmpOp::Ge => py_cmp(left, right, ">=")?.is_ge(),
            CmpOp::In => self.contains(right, left)?,
            CmpOp::NotIn => !self.contains(right, left)?,
            CmpOp::Is => identical(left, right),
            CmpOp::IsNot => !identical(left, right),
        })
    }

    fn contains(&mut self, container: &Value, item: &Value) -> Result<bool, PyErr> {
        match container {
            Value::Str(s) => match item {
                Value::Str(sub) => Ok(s.contains(&**sub)),
                other => Err(type_error(format!(
                    "'in <string>' requires string as left operand, not {}",
                    other.type_name()
                ))),
            },
            Value::Dict(d) => {
                crate::sim::session::check_hashable(item)?;
                Ok(d.borrow().contains(item))
            }
            Value::Set(s) => {
                crate::sim::session::check_hashable(item)?;
                any_eq(&s.borrow(), item)
            }
            Value::List(l) => any_eq(&l.borrow(), item),
            Value::Tuple(t) => any_eq(t, item),
            Value::Object(o) => match &**o {
                Object::Session(_) => self.request.session.contains(self.server, item),
                Object::DictView(_, items) => any_eq(items, item),
                Object::Range(start, stop, step) => Ok(match item {
                    Value::Int(i) => {
                        let (i, start, stop, step) = (
                            i128::from(*i),
                            i128::from(*start),
                            i128::from(*stop),
                            i128::from(*step),
                        );
                        let inside = if step > 0 {
                            start <= i && i < stop
                        } else {
                            stop < i && i <= start
                        };
                        inside && (i - start) % step == 0
                    }
                    _ => false,
                }),
                _ => Err(type_error(format!(
                    "argument of type '{}' is not iterable",
                    container.type_name()
                ))),
            },
            other => Err(type_error(format!(
                "argument of type '{}' is not iterable",
                other.type_name()
            ))),
        }
    }

    /// The items a `for` loop over `value` would see.
    fn iterate(&mut self, value: &Value) -> Result<Vec<Value>, PyErr> {
        if let Value::Object(o) = value
            && let Object::Session(_) = &**o
        {
            // SessionStore has __getitem__ but no __iter__: Python falls back
            // to session[0], session[1]… and the KeyError escapes.
            let mut items = Vec::new();
            for i in 0.. {
                match self.request.session.get_item(self.server, &Value::Int(i)) {
                    Ok(v) => items.push(v),
                    Err(e) => {
                        if items.len() > 10_000 {
                            return Ok(items);
                        }
                        return Err(e);
                    }
                }
            }
        }
        iterate_plain(value)
    }

    fn call(&mut self, func: &Value, args: Args) -> Result<Value, PyErr> {
        let Value::Object(o) = func else {
            return Err(type_error(format!(
                "'{}' object is not callable",
                func.type_name()
            )));
        };
        let result = match &**o {
            Object::Builtin(name) => self.call_builtin(name, args),
            Object::Type(name) => self.call_builtin(name, args),
            Object::Method(receiver, name) => {
                let result = self.call_method(receiver, name, args)?;
                // append, extend, insert, update… grow the receiver.
                check_built(receiver)?;
                Ok(result)
            }
            Object::Session(_) => Err(type_error("'SessionStore' object is not callable")),
            _ => Err(type_error(format!(
                "'{}' object is not callable",
                func.type_name()
            ))),
        }?;
        // Work that could not stop itself (a set of a million items) stops here.
        budget::charge(1)?;
        check_built(&result)?;
        Ok(result)
    }

    fn call_builtin(&mut self, name: &str, args: Args) -> Result<Value, PyErr> {
        match name {
            "login" => {
                let [request, user] = args.bind("login", &["request", "user", "backend"], 2)?[..2]
                    .to_vec()
                    .try_into()
                    .expect("two");
                self.expect_request(request.as_ref(), "login")?;
                // None falls back to request.user (deprecated in Django 5.1).
                let user = match user.expect("required") {
                    Value::None => Value::object(Object::User(self.request.user.clone())),
                    other => other,
                };
                let username = match user {
                    Value::Str(s) => Some(s.to_string()),
                    Value::Object(o) => match &*o {
                        Object::User(UserRef::Plain(u) | UserRef::Lazy(u)) => {
                            u.as_ref().map(|u| u.username.clone())
                        }
                        Object::User(UserRef::LazyUnevaluated) => {
                            auth::resolve_user(self.server, self.request)?.map(|u| u.username)
                        }
                        _ => return Err(login_needs_user()),
                    },
                    _ => return Err(login_needs_user()),
                };
                auth::login(self.server, self.request, username.as_deref())?;
                Ok(Value::None)
            }
            "authenticate" => {
                let b = args.bind("authenticate", &["request", "username", "password"], 0)?;
                if let Some(request) = &b[0] {
                    self.expect_request(Some(request), "authenticate")?;
                }
                let (Some(Value::Str(username)), Some(Value::Str(password))) = (&b[1], &b[2])
                else {
                    return Err(PyErr::unsupported(
                        "authenticate() takes username='...' and password='...' in sessionlab",
                    ));
                };
                Ok(match auth::authenticate(self.server, username, password)? {
                    Some(user) => Value::object(Object::User(UserRef::Plain(Some(user)))),
                    None => Value::None,
                })
            }
            "update_session_auth_hash" => {
                let b = args.bind("update_session_auth_hash", &["request", "user"], 2)?;
                self.expect_request(b[0].as_ref(), "update_session_auth_hash")?;
                let user =
                    self.user_arg(b[1].clone().expect("required"), "update_session_auth_hash")?;
                auth::update_session_auth_hash(self.server, self.request, user.as_ref())?;
                Ok(Value::None)
            }
            "get_token" => {
                let b = args.bind("get_token", &["request"], 1)?;
                self.expect_request(b[0].as_ref(), "get_token")?;
                Ok(Value::str(&crate::sim::csrf::get_token(
                    self.server,
                    self.request,
                )))
            }
            "logout" => {
                let bound = args.bind("logout", &["request"], 1)?;
                self.expect_request(bound[0].as_ref(), "logout")?;
                auth::logout(self.server, self.request)?;
                Ok(Value::None)
            }
            "timedelta" => {
                let b = args.bind(
                    "timedelta",
                    &[
                        "days",
                        "seconds",
                        "microseconds",
                        "milliseconds",
                        "minutes",
                        "hours",
                        "weeks",
                    ],
                    0,
                )?;
                let units = [86_400, 1, 0, 0, 60, 3600, 604_800];
                let mut total: i64 = 0;
                for (value, unit) in b.iter().zip(units) {
                    let n = match value {
                        None => continue,
                        Some(Value::Int(n)) => *n,
                        Some(Value::Bool(b)) => i64::from(*b),
                        Some(other) => {
                            return Err(PyErr::unsupported(format!(
                                "sessionlab's timedelta() takes whole numbers, not {}",
                                other.type_name()
                            )));
                        }
                    };
                    if unit == 0 {
                        if n != 0 {
                            return Err(PyErr::unsupported(
                                "sessionlab's timedelta() counts whole seconds",
                            ));
                        }
                        continue;
                    }
                    total = n
                        .checked_mul(unit)
                        .and_then(|s| total.checked_add(s))
                        .filter(|s| s.abs() < 999_999_999 * 86_400)
                        .ok_or_else(|| {
                            PyErr::new(
                                "OverflowError",
                                "days=1000000000; must have magnitude <= 999999999",
                            )
                        })?;
                }
                Ok(Value::object(Object::TimeDelta(total)))
            }
            "print" => {
                // print(*args, sep=' '): str() of each, to the server's console.
                let sep = match args.keywords.iter().find(|(k, _)| k == "sep") {
                    Some((_, Value::Str(sep))) => sep.to_string(),
                    _ => " ".to_string(),
                };
                let text: Vec<String> = args.positional.iter().map(Value::to_str).collect();
                self.printed.push(text.join(&sep));
                Ok(Value::None)
            }
            "type" => {
                let x = one(args, "type")?;
                Ok(Value::object(Object::Type(self.qualified_type(&x))))
            }
            "repr" => Ok(Value::str(&one(args, "repr")?.repr())),
            "len" => {
                let x = one(args, "len")?;
                let n = match &x {
                    Value::Str(s) => s.chars().count(),
                    Value::List(l) | Value::Set(l) => l.borrow().len(),
                    Value::Tuple(t) => t.len(),
                    Value::Dict(d) => d.borrow().len(),
                    Value::Object(o) if matches!(&**o, Object::DictView(..)) => match &**o {
                        Object::DictView(_, items) => items.len(),
                        _ => 0,
                    },
                    Value::Object(o) if matches!(&**o, Object::Range(..)) => {
                        iterate_plain(&x)?.len()
                    }
                    other => {
                        return Err(type_error(format!(
                            "object of type '{}' has no len()",
                            other.type_name()
                        )));
                    }
                };
                Ok(Value::Int(n as i64))
            }
            "str" => Ok(match optional_one(args, "str")? {
                None => Value::str(""),
                Some(x) => Value::str(&self.evaluated(x)?.to_str()),
            }),
            "int" if args.positional.len() + args.keywords.len() >= 2 => {
                let b = args.bind("int", &["x", "base"], 1)?;
                let x = b[0].clone().expect("required");
                let base = match &b[1] {
                    Some(Value::Int(n)) => *n,
                    Some(Value::Bool(v)) => i64::from(*v),
                    Some(other) => {
                        return Err(type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            other.type_name()
                        )));
                    }
                    None => 10,
                };
                int_with_base(&x, base)
            }
            "int" => match optional_one(args, "int")? {
                None => Ok(Value::Int(0)),
                Some(x) => to_int(&x),
            },
            "float" => match optional_one(args, "float")? {
                None => Ok(Value::Float(0.0)),
                Some(x) => to_float(&x),
            },
            "bool" => Ok(Value::Bool(
                optional_one(args, "bool")?.is_some_and(|x| x.truthy()),
            )),
            "list" => Ok(Value::list(match optional_one(args, "list")? {
                None => Vec::new(),
                Some(x) => self.iterate(&x)?,
            })),
            "tuple" => Ok(Value::Tuple(Rc::new(match optional_one(args, "tuple")? {
                None => Vec::new(),
                Some(x) => self.iterate(&x)?,
            }))),
            "set" => {
                let items = match optional_one(args, "set")? {
                    None => Vec::new(),
                    Some(x) => self.iterate(&x)?,
                };
                for item in &items {
                    crate::sim::session::check_hashable(item)?;
                }
                Ok(Value::set(items))
            }
            "dict" => {
                let Args {
                    positional,
                    keywords,
                } = args;
                let mut dict = Dict::new();
                match positional.as_slice() {
                    [] => {}
                    [source] => {
                        for (k, v) in self.pairs(source)? {
                            dict.insert(k, v);
                        }
                    }
                    _ => {
                        return Err(type_error(format!(
                            "dict expected at most 1 argument, got {}",
                            positional.len()
                        )));
                    }
                }
                for (k, v) in keywords {
                    dict.insert(Value::str(&k), v);
                }
                Ok(Value::dict(dict))
            }
            "range" => {
                let numbers: Vec<i64> = args
                    .positional
                    .iter()
                    .map(|v| match v {
                        Value::Int(i) => Ok(*i),
                        Value::Bool(b) => Ok(i64::from(*b)),
                        other => Err(type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            other.type_name()
                        ))),
                    })
                    .collect::<Result<_, _>>()?;
                if !args.keywords.is_empty() {
                    return Err(type_error("range() takes no keyword arguments"));
                }
                let (start, stop, step) = match numbers[..] {
                    [stop] => (0, stop, 1),
                    [start, stop] => (start, stop, 1),
                    [start, stop, step] => (start, stop, step),
                    [] => return Err(type_error("range expected at least 1 argument, got 0")),
                    _ => {
                        return Err(type_error(format!(
                            "range expected at most 3 arguments, got {}",
                            numbers.len()
                        )));
                    }
                };
                if step == 0 {
                    return Err(PyErr::new("ValueError", "range() arg 3 must not be zero"));
                }
                Ok(Value::object(Object::Range(start, stop, step)))
            }
            "sorted" => {
                let bound = args.bind("sorted", &["iterable", "reverse"], 1)?;
                let mut items = self.iterate(bound[0].as_ref().expect("required"))?;
                sort_values(&mut items)?;
                if bound[1].as_ref().is_some_and(Value::truthy) {
                    items.reverse();
                }
                Ok(Value::list(items))
            }
            "min" | "max" => {
                let items = if args.positional.len() == 1 {
                    self.iterate(&args.positional[0])?
                } else {
                    args.positional
                };
                if items.is_empty() {
                    return Err(PyErr::new(
                        "ValueError",
                        format!("{name}() arg is an empty sequence"),
                    ));
                }
                let mut best = items[0].clone();
                for item in &items[1..] {
                    let ord = py_cmp(item, &best, if name == "min" { "<" } else { ">" })?;
                    if (name == "min" && ord.is_lt()) || (name == "max" && ord.is_gt()) {
                        best = item.clone();
                    }
                }
                Ok(best)
            }
            "sum" => {
                let bound = args.bind("sum", &["iterable", "start"], 1)?;
                let items = self.iterate(bound[0].as_ref().expect("required"))?;
                let mut total = bound[1].clone().unwrap_or(Value::Int(0));
                if let Value::List(start) = &total {
                    // Lists are added into one list: linear, where adding
                    // them pairwise would copy the total again for each item.
                    let mut sum = start.borrow().clone();
                    for item in &items {
                        let Value::List(more) = item else {
                            return binary(BinOp::Add, &total, item);
                        };
                        let added = more.borrow().len();
                        budget::check_grow(sum.len() + added, added, "list")?;
                        sum.extend(more.borrow().iter().cloned());
                    }
                    return Ok(Value::list(sum));
                }
                for item in &items {
                    total = binary(BinOp::Add, &total, item)?;
                }
                Ok(total)
            }
            "abs" => {
                let x = one(args, "abs")?;
                match x {
                    Value::Int(i) => i.checked_abs().map(Value::Int).ok_or_else(overflow),
                    Value::Bool(b) => Ok(Value::Int(i64::from(b))),
                    Value::Float(f) => Ok(Value::Float(f.abs())),
                    other => Err(type_error(format!(
                        "bad operand type for abs(): '{}'",
                        other.type_name()
                    ))),
                }
            }
            "round" => {
                let bound = args.bind("round", &["number", "ndigits"], 1)?;
                let x = bound[0].clone().expect("required");
                match (&x, &bound[1]) {
                    (Value::Int(_) | Value::Bool(_), _) => Ok(Value::Int(match number(&x) {
                        Number::Int(i) => i,
                        Number::Float(f) => f as i64,
                    })),
                    (Value::Float(f), None | Some(Value::None)) => {
                        to_int(&Value::Float(round_half_even(*f)))
                    }
                    (Value::Float(f), Some(Value::Int(n))) if *n >= 0 => {
                        // Python rounds the exact binary value, as formatting does.
                        let digits = usize::try_from(*n).unwrap_or(0).min(300);
                        Ok(Value::Float(format!("{f:.digits$}").parse().unwrap_or(*f)))
                    }
                    (Value::Float(f), Some(Value::Int(n))) => {
                        let scale = 10f64.powi(*n as i32);
                        Ok(Value::Float(round_half_even(f * scale) / scale))
                    }
                    _ => Err(type_error(format!(
                        "type {} doesn't define __round__ method",
                        x.type_name()
                    ))),
                }
            }
            "isinstance" => {
                let bound = args.bind("isinstance", &["obj", "class_or_tuple"], 2)?;
                let x = bound[0].as_ref().expect("required");
                let classes = match bound[1].as_ref().expect("required") {
                    Value::Tuple(t) => t.to_vec(),
                    other => vec![other.clone()],
                };
                let mut result = false;
                for class in classes {
                    let Value::Object(o) = &class else {
                        return Err(not_a_type());
                    };
                    let Object::Type(qualified) = &**o else {
                        return Err(not_a_type());
                    };
                    let t = qualified.rsplit('.').next().unwrap_or(qualified);
                    result |= x.type_name() == t || (t == "int" && matches!(x, Value::Bool(_)));
                }
                Ok(Value::Bool(result))
            }
            _ => Err(PyErr::unsupported(format!(
                "{name}() is not part of sessionlab's Python"
            ))),
        }
    }

    /// The class of a value, with its module for Django's classes.
    fn qualified_type(&self, value: &Value) -> &'static str {
        match value.type_name() {
            "SessionStore" => self.request.session.engine.session_class(),
            "WSGIRequest" => "django.core.handlers.wsgi.WSGIRequest",
            "HttpResponse" => "django.http.response.HttpResponse",
            "User" => "django.contrib.auth.models.User",
            "AnonymousUser" => "django.contrib.auth.models.AnonymousUser",
            "SimpleLazyObject" => "django.utils.functional.SimpleLazyObject",
            "LazySettings" => "django.conf.LazySettings",
            "datetime" => "datetime.datetime",
            other => other,
        }
    }

    /// A value with a lazy `request.user` evaluated (what `str()` does to it).
    /// The shell echoes what `request.user` stands for, not the lazy object:
    /// the whole value of a line is unwrapped (which loads the session).
    fn unwrapped(&mut self, value: Value) -> Result<Value, PyErr> {
        if let Value::Object(o) = &self.evaluated(value.clone())?
            && let Object::User(UserRef::Lazy(user) | UserRef::Plain(user)) = &**o
        {
            return Ok(Value::object(Object::User(UserRef::Plain(user.clone()))));
        }
        Ok(value)
    }

    fn evaluated(&mut self, value: Value) -> Result<Value, PyErr> {
        if let Value::Object(o) = &value
            && let Object::User(UserRef::LazyUnevaluated) = &**o
        {
            let user = auth::resolve_user(self.server, self.request)?;
            return Ok(Value::object(Object::User(UserRef::Lazy(user))));
        }
        Ok(value)
    }

    fn expect_request(&self, value: Option<&Value>, func: &str) -> Result<(), PyErr> {
        match value {
            Some(Value::Object(o)) if matches!(&**o, Object::Request) => Ok(()),
            _ => Err(PyErr::unsupported(format!(
                "{func}() takes the request first: {func}(request, …)"
            ))),
        }
    }

    /// Key/value pairs from a dict, a session, or an iterable of pairs.
    fn pairs(&mut self, source: &Value) -> Result<Vec<(Value, Value)>, PyErr> {
        if let Value::Dict(d) = source {
            return Ok(d.borrow().iter().cloned().collect());
        }
        if let Value::Object(o) = source
            && let Object::Session(_) = &**o
        {
            // dict() and update() use keys() and [] when an object has keys().
            let data = self.request.session.data(self.server)?;
            return Ok(data.borrow().iter().cloned().collect());
        }
        let mut pairs = Vec::new();
        for (i, item) in self.iterate(source)?.into_iter().enumerate() {
            let pair = iterate_plain(&item).map_err(|_| {
                type_error(format!(
                    "cannot convert dictionary update sequence element #{i} to a sequence"
                ))
            })?;
            if pair.len() != 2 {
                return Err(PyErr::new(
                    "ValueError",
                    format!(
                        "dictionary update sequence element #{i} has length {}; 2 is required",
                        pair.len()
                    ),
                ));
            }
            crate::sim::session::check_hashable(&pair[0])?;
            pairs.push((pair[0].clone(), pair[1].clone()));
        }
        Ok(pairs)
    }

    fn call_method(&mut self, receiver: &Value, name: &str, args: Args) -> Result<Value, PyErr> {
        if let Value::Object(o) = receiver
            && let Object::Date(t) = &**o
        {
            if name == "isoformat" {
                args.bind("date.isoformat", &[], 0)?;
                return Ok(Value::str(
                    &crate::sim::value::Value::object(Object::Date(*t)).to_str(),
                ));
            }
            return self.call_method(&Value::DateTime(*t), name, args);
        }
        match receiver {
            Value::Object(o) => match &**o {
                Object::Module("django.utils.timezone") => {
                    args.bind("now", &[], 0)?;
                    Ok(Value::DateTime(self.server.now))
                }
                Object::TimeDelta(seconds) => {
                    args.bind("total_seconds", &[], 0)?;
                    Ok(Value::Float(*seconds as f64))
                }
                Object::Module(_) | Object::Signer(_) => forge::call(self, receiver, name, args),
                Object::Session(_) => self.session_method(name, args),
                Object::Request => self.request_method(name, args),
                Object::Response => self.response_method(name, args),
                Object::User(_) if name == "get_username" => {
                    args.bind("get_username", &[], 0)?;
                    let user = auth::resolve_user(self.server, self.request)?;
                    Ok(Value::str(
                        user.as_ref().map_or("", |u| u.username.as_str()),
                    ))
                }
                Object::User(user) => self.user_method(user, name, args),
                _ => Err(attribute_error(receiver, name)),
            },
            Value::DateTime(t) => {
                let qualified = format!("datetime.{name}");
                let c = crate::sim::dates::civil(*t);
                match name {
                    "strftime" => {
                        let format = one(args, &qualified)?;
                        let Value::Str(format) = format else {
                            return Err(type_error(format!(
                                "strftime() argument 1 must be str, not {}",
                                format.type_name()
                            )));
                        };
                        Ok(Value::str(&crate::sim::dates::strftime(&format, *t)))
                    }
                    _ => {
                        args.bind(&qualified, &[], 0)?;
                        Ok(match name {
                            "isoformat" => Value::str(&crate::sim::dates::iso_format(*t)),
                            "weekday" => Value::Int(i64::from(c.weekday)),
                            "isoweekday" => Value::Int(i64::from(c.weekday) + 1),
                            "date" => Value::object(Object::Date(t.div_euclid(86_400) * 86_400)),
                            _ => Value::Float(*t as f64),
                        })
                    }
                }
            }
            _ => value_method(receiver, name, args, self),
        }
    }

    /// The user a user object stands for (a lazy `request.user` is evaluated).
    fn user_info(&mut self, user: &UserRef) -> Result<Option<UserInfo>, PyErr> {
        match user {
            UserRef::Lazy(u) | UserRef::Plain(u) => Ok(u.clone()),
            UserRef::LazyUnevaluated => auth::resolve_user(self.server, self.request),
        }
    }

    /// `set_password()`, `save()` and `check_password()` of a user object.
    fn user_method(&mut self, user: &UserRef, name: &str, args: Args) -> Result<Value, PyErr> {
        let user = self.user_info(user)?;
        match name {
            "set_password" | "check_password" => {
                let b = args.bind(name, &["raw_password"], 1)?;
                let raw = match b[0].clone().expect("required") {
                    Value::Str(s) => s.to_string(),
                    other => {
                        return Err(PyErr::unsupported(format!(
                            "{name}() takes the password as a string in sessionlab, not {}",
                            other.type_name()
                        )));
                    }
                };
                if name == "set_password" {
                    auth::set_password(self.server, self.request, user.as_ref(), &raw)?;
                    Ok(Value::None)
                } else {
                    auth::check_password(self.server, self.request, user.as_ref(), &raw)
                        .map(Value::Bool)
                }
            }
            "save" => {
                args.bind("save", &[], 0)?;
                auth::save_user(self.server, self.request, user.as_ref())?;
                Ok(Value::None)
            }
            _ => Err(PyErr::new(
                "AttributeError",
                format!("'User' object has no attribute '{name}'"),
            )),
        }
    }

    /// A user argument: a user object, or a name (the `login()` shorthand's
    /// convention does not apply here).
    fn user_arg(&mut self, value: Value, func: &str) -> Result<Option<UserInfo>, PyErr> {
        match value {
            Value::Object(o) => match &*o {
                Object::User(user) => self.user_info(user),
                _ => Err(PyErr::unsupported(format!(
                    "{func}() takes a user object, e.g. request.user"
                ))),
            },
            Value::None => Ok(None),
            _ => Err(PyErr::unsupported(format!(
                "{func}() takes a user object, e.g. request.user"
            ))),
        }
    }

    fn session_method(&mut self, name: &str, args: Args) -> Result<Value, PyErr> {
        let server = &mut *self.server;
        let qualified = |m: &str| format!("SessionBase.{m}");
        let session = &mut self.request.session;
        match name {
            "get" => {
                let b = args.bind(&qualified("get"), &["key", "default"], 1)?;
                session.get(
                    server,
                    b[0].as_ref().expect("required"),
                    b[1].clone().unwrap_or(Value::None),
                )
            }
            "pop" => {
                let b = args.bind(&qualified("pop"), &["key", "default"], 1)?;
                session.pop(server, b[0].as_ref().expect("required"), b[1].clone())
            }
            "setdefault" => {
                let b = args.bind(&qualified("setdefault"), &["key", "value"], 2)?;
                session.setdefault(
                    server,
                    b[0].clone().expect("required"),
                    b[1].clone().expect("required"),
                )
            }
            "update" => {
                let b = args.bind(&qualified("update"), &["dict_"], 1)?;
                let pairs = self.pairs(b[0].as_ref().expect("required"))?;
                self.request.session.update(self.server, pairs)?;
                Ok(Value::None)
            }
            "has_key" => {
                let b = args.bind(&qualified("has_key"), &["key"], 1)?;
                Ok(Value::Bool(
                    session.contains(server, b[0].as_ref().expect("required"))?,
                ))
            }
            "keys" | "values" | "items" => {
                args.bind(&qualified(name), &[], 0)?;
                let data = session.data(server)?;
                let view = dict_view(name, &data.borrow());
                Ok(view)
            }
            "clear" => {
                args.bind(&qualified("clear"), &[], 0)?;
                session.clear();
                Ok(Value::None)
            }
            "flush" => {
                args.bind(&qualified("flush"), &[], 0)?;
                session.flush(server)?;
                Ok(Value::None)
            }
            "cycle_key" => {
                args.bind(&qualified("cycle_key"), &[], 0)?;
                session.cycle_key(server)?;
                Ok(Value::None)
            }
            "set_expiry" => {
                let b = args.bind(&qualified("set_expiry"), &["value"], 1)?;
                session.set_expiry(server, b[0].clone().expect("required"))?;
                Ok(Value::None)
            }
            "get_expiry_age" => {
                if !args.positional.is_empty() || !args.keywords.is_empty() {
                    return Err(PyErr::unsupported(
                        "get_expiry_age(modification=..., expiry=...) is not modelled; call it without arguments",
                    ));
                }
                session.get_expiry_age_value(server)
            }
            "get_expiry_date" => {
                if !args.positional.is_empty() || !args.keywords.is_empty() {
                    return Err(PyErr::unsupported(
                        "get_expiry_date(modification=..., expiry=...) is not modelled; call it without arguments",
                    ));
                }
                Ok(Value::DateTime(session.get_expiry_date(server)?))
            }
            "get_expire_at_browser_close" => {
                args.bind(&qualified(name), &[], 0)?;
                Ok(Value::Bool(session.get_expire_at_browser_close(server)?))
            }
            "get_session_cookie_age" => {
                args.bind(&qualified(name), &[], 0)?;
                Ok(server
                    .settings
                    .get("SESSION_COOKIE_AGE")
                    .unwrap_or(Value::Int(server.settings.cookie_age)))
            }
            "set_test_cookie" => {
                args.bind(&qualified(name), &[], 0)?;
                session.set_test_cookie(server)?;
                Ok(Value::None)
            }
            "test_cookie_worked" => {
                args.bind(&qualified(name), &[], 0)?;
                Ok(Value::Bool(session.test_cookie_worked(server)?))
            }
            "delete_test_cookie" => {
                args.bind(&qualified(name), &[], 0)?;
                session.delete_test_cookie(server)?;
                Ok(Value::None)
            }
            "is_empty" => {
                args.bind(&qualified(name), &[], 0)?;
                Ok(Value::Bool(session.is_empty()))
            }
            "save" => {
                let b = args.bind("SessionStore.save", &["must_create"], 0)?;
                let must_create = b[0].as_ref().is_some_and(Value::truthy);
                session.save(server, must_create)?;
                Ok(Value::None)
            }
            "exists" => {
                let b = args.bind("SessionStore.exists", &["session_key"], 1)?;
                let key = b[0].clone().expect("required");
                Ok(Value::Bool(session.exists(server, &key.to_str())?))
            }
            "create" => {
                args.bind("SessionStore.create", &[], 0)?;
                session.create(server)?;
                Ok(Value::None)
            }
            "delete" => {
                let b = args.bind("SessionStore.delete", &["session_key"], 0)?;
                let key = b[0]
                    .clone()
                    .filter(|v| !matches!(v, Value::None))
                    .map(|v| v.to_str());
                session.delete(server, key)?;
                Ok(Value::None)
            }
            "encode" => {
                let b = args.bind(&qualified("encode"), &["session_dict"], 1)?;
                let data = b[0].clone().expect("required");
                Ok(Value::str(&signing::dumps(
                    &data,
                    &server.settings.secret_key,
                    crate::sim::session::KEY_SALT,
                    server.now,
                )?))
            }
            "decode" => {
                let b = args.bind(&qualified("decode"), &["session_data"], 1)?;
                let text = b[0].clone().expect("required").to_str();
                Ok(Value::dict(crate::sim::session::SessionStore::decode(
                    server, &text,
                )))
            }
            _ => Err(unsupported_attribute(
                "request.session",
                name,
                table::SESSION,
            )),
        }
    }

    fn request_method(&mut self, name: &str, args: Args) -> Result<Value, PyErr> {
        match name {
            "get_signed_cookie" => {
                let b = args.bind(
                    "HttpRequest.get_signed_cookie",
                    &["key", "default", "salt", "max_age"],
                    1,
                )?;
                let key = b[0].clone().expect("required").to_str();
                let default = b[1].clone();
                let salt = b[2].clone().map_or(String::new(), |s| s.to_str());
                let max_age = match &b[3] {
                    None | Some(Value::None) => None,
                    Some(Value::Int(i)) => Some(*i),
                    Some(other) => {
                        return Err(PyErr::unsupported(format!(
                            "max_age must be a whole number of seconds in sessionlab, not {}",
                            other.type_name()
                        )));
                    }
                };
                let Some(cookie) = self.request.cookie(&key) else {
                    return default.ok_or_else(|| PyErr::key_error(&Value::str(&key)));
                };
                match signing::unsign_cookie(
                    &self.server.settings,
                    &cookie,
                    &key,
                    &salt,
                    max_age,
                    self.server.now,
                ) {
                    Ok(value) => Ok(Value::str(&value)),
                    Err(e) => default.ok_or(e),
                }
            }
            "is_secure" => {
                args.bind("HttpRequest.is_secure", &[], 0)?;
                Ok(Value::Bool(self.request.origin.is_https()))
            }
            "get_host" => {
                args.bind("HttpRequest.get_host", &[], 0)?;
                Ok(Value::str(&self.request.host()))
            }
            "get_full_path" => {
                args.bind("HttpRequest.get_full_path", &["force_append_slash"], 0)?;
                Ok(Value::str(&self.request.path))
            }
            _ => {
                args.bind("HttpRequest.build_absolute_uri", &["location"], 0)?;
                Ok(Value::str(&format!(
                    "{}{}",
                    self.request.origin, self.request.path
                )))
            }
        }
    }

    fn response_method(&mut self, name: &str, args: Args) -> Result<Value, PyErr> {
        let now = self.server.now;
        let cookies: &mut ResponseCookies = &mut self.request.response;
        match name {
            "set_cookie" | "set_signed_cookie" => {
                let signed = name == "set_signed_cookie";
                let mut params = vec!["key", "value"];
                if signed {
                    params.push("salt");
                }
                params.extend([
                    "max_age", "expires", "path", "domain", "secure", "httponly", "samesite",
                ]);
                let func = if signed {
                    "HttpResponseBase.set_signed_cookie"
                } else {
                    "HttpResponseBase.set_cookie"
                };
                let b = args.bind(func, &params, if signed { 2 } else { 1 })?;
                let mut b = b.into_iter();
                let key = b.next().flatten().expect("required").to_str();
                let mut value = b.next().flatten().map_or(String::new(), |v| v.to_str());
                if signed {
                    let salt = b.next().flatten().map_or(String::new(), |s| s.to_str());
                    value = signing::sign_cookie(&self.server.settings, &key, &value, &salt, now);
                }
                let max_age = b.next().flatten();
                let expires = b.next().flatten();
                let path = b.next().flatten();
                let domain = b.next().flatten();
                let secure = b.next().flatten().is_some_and(|v| v.truthy());
                let httponly = b.next().flatten().is_some_and(|v| v.truthy());
                let samesite = b.next().flatten();
                // `self.cookies[key] = value` checks the name first.
                crate::sim::cookie::check_name(&key)?;
                let mut max_age = match max_age {
                    None | Some(Value::None) => None,
                    Some(other) => Some(max_age_of(&other)?),
                };
                let mut expires_text = None;
                match expires {
                    None | Some(Value::None) => {}
                    Some(Value::DateTime(t)) => {
                        if max_age.is_some() {
                            return Err(PyErr::new(
                                "ValueError",
                                "'expires' and 'max_age' can't be used together.",
                            ));
                        }
                        let age = t.checked_sub(now).and_then(|d| d.checked_add(1));
                        max_age = Some(MaxAge::seconds(age.map_or(i64::MAX, |d| d.max(0))));
                    }
                    Some(Value::Str(s)) => expires_text = Some(s.to_string()),
                    Some(other) => {
                        return Err(PyErr::unsupported(format!(
                            "expires= takes a datetime or an HTTP date string in sessionlab, not {}",
                            other.type_name()
                        )));
                    }
                }
                let text =
                    |v: Option<Value>| v.filter(|v| !matches!(v, Value::None)).map(|v| v.to_str());
                let path = match path {
                    None => Some("/".to_string()),
                    other => text(other),
                };
                let samesite = match samesite {
                    None | Some(Value::None) => None,
                    Some(Value::Str(s)) => Some(s.to_string()),
                    Some(v) if !v.truthy() => None,
                    Some(v) => {
                        return Err(PyErr::new(
                            "AttributeError",
                            format!("'{}' object has no attribute 'lower'", v.type_name()),
                        ));
                    }
                };
                let options = CookieOptions {
                    max_age,
                    expires: expires_text,
                    path,
                    domain: text(domain),
                    secure,
                    httponly,
                    samesite,
                };
                cookies.set_cookie(&key, &value, &options, now)?;
                Ok(Value::None)
            }
            _ => {
                let b = args.bind(
                    "HttpResponseBase.delete_cookie",
                    &["key", "path", "domain", "samesite"],
                    1,
                )?;
                let text = |v: &Option<Value>| {
                    v.clone()
                        .filter(|v| !matches!(v, Value::None))
                        .map(|v| v.to_str())
                };
                let key = b[0].clone().expect("required").to_str();
                let path = text(&b[1]).unwrap_or_else(|| "/".into());
                cookies.delete_cookie(
                    &key,
                    &path,
                    text(&b[2]).as_deref(),
                    text(&b[3]).as_deref(),
                )?;
                Ok(Value::None)
            }
        }
    }
}

/// `int(max_age)` for `Max-Age`, and the value itself for `expires`.
fn max_age_of(value: &Value) -> Result<MaxAge, PyErr> {
    let whole = to_int(value)?;
    let seconds = match value {
        Value::Float(f) => *f,
        Value::Int(_) | Value::Bool(_) => return Ok(MaxAge::seconds(value_int(&whole))),
        Value::BigInt(digits) => digits.parse::<f64>().unwrap_or(f64::INFINITY),
        // `time.time() + max_age` after `int(max_age)` accepted it.
        other => {
            return Err(type_error(format!(
                "unsupported operand type(s) for +: 'float' and '{}'",
                other.type_name()
            )));
        }
    };
    if seconds.is_infinite() {
        return Err(PyErr::new(
            "OverflowError",
            "int too large to convert to float",
        ));
    }
    Ok(MaxAge {
        whole: value_int(&whole),
        millis: (seconds * 1000.0) as i128,
    })
}

/// An int as 64 bits, saturating a big one (only its date can fail then).
fn value_int(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        Value::BigInt(d) if d.starts_with('-') => i64::MIN,
        _ => i64::MAX,
    }
}

fn login_needs_user() -> PyErr {
    PyErr::unsupported(
        "login() takes a user: login(request, 'alice') or login(request, request.user)",
    )
}

fn not_a_type() -> PyErr {
    type_error("isinstance() arg 2 must be a type, a tuple of types, or a union")
}

pub(super) fn overflow() -> PyErr {
    PyErr::unsupported("sessionlab's integers are 64-bit; that result is too large")
}

/// An attribute of `request.user` (`object`), given the user it stands for.
fn user_attribute(object: &Value, user: Option<&UserInfo>, name: &str) -> Option<Value> {
    Some(match (name, user) {
        ("is_authenticated", u) => Value::Bool(u.is_some()),
        ("is_anonymous", u) => Value::Bool(u.is_none()),
        ("username", u) => Value::str(u.map_or("", |u| u.username.as_str())),
        ("id" | "pk", Some(u)) => Value::Int(u.id),
        ("id" | "pk", None) => Value::None,
        ("is_active", u) => Value::Bool(u.is_some()),
        ("is_staff" | "is_superuser", _) => Value::Bool(false),
        ("get_username" | "set_password" | "save" | "check_password", _) => {
            Value::object(Object::Method(object.clone(), Rc::from(name)))
        }
        _ => return None,
    })
}

fn is_setting_name(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
}

fn type_name_static(name: &str) -> &'static str {
    match name {
        "str" => "str",
        "int" => "int",
        "float" => "float",
        "bool" => "bool",
        "list" => "list",
        "tuple" => "tuple",
        "dict" => "dict",
        "set" => "set",
        _ => "type",
    }
}

fn builtin_static(name: &str) -> &'static str {
    table::BUILTINS
        .iter()
        .find(|b| b.name == name)
        .map_or("print", |b| b.name)
}

/// A value a call built or grew must fit the size budget.
fn check_built(value: &Value) -> Result<(), PyErr> {
    let (len, what) = match value {
        Value::Str(s) => (s.len(), "string"),
        Value::Bytes(b) => (b.len(), "bytes"),
        Value::List(l) => (l.borrow().len(), "list"),
        Value::Set(l) => (l.borrow().len(), "set"),
        Value::Tuple(t) => (t.len(), "tuple"),
        Value::Dict(d) => (d.borrow().len(), "dict"),
        _ => return Ok(()),
    };
    if len > budget::MAX_SIZE {
        return Err(budget::too_big(what));
    }
    Ok(())
}

/// `item in items`, with Python's identity shortcut.
fn any_eq(items: &[Value], item: &Value) -> Result<bool, PyErr> {
    budget::charge(items.len() as u64)?;
    for candidate in items {
        if identical(candidate, item) || try_eq(candidate, item)? {
            return Ok(true);
        }
    }
    Ok(false)
}

pub(super) fn one(args: Args, func: &str) -> Result<Value, PyErr> {
    if !args.keywords.is_empty() {
        return Err(type_error(format!("{func}() takes no keyword arguments")));
    }
    match <[Value; 1]>::try_from(args.positional) {
        Ok([x]) => Ok(x),
        Err(v) => Err(type_error(format!(
            "{func}() takes exactly one argument ({} given)",
            v.len()
        ))),
    }
}

/// `int(text, base)`: digits of that base (2-36, or 0 to read a prefix),
/// with an optional sign, `_` between digits and a `0x`/`0o`/`0b` prefix
/// matching the base.
fn int_with_base(x: &Value, base: i64) -> Result<Value, PyErr> {
    let Value::Str(text) = x else {
        return Err(type_error(
            "int() can't convert non-string with explicit base",
        ));
    };
    if base != 0 && !(2..=36).contains(&base) {
        return Err(PyErr::new(
            "ValueError",
            "int() base must be >= 2 and <= 36, or 0",
        ));
    }
    let invalid = || {
        PyErr::new(
            "ValueError",
            format!("invalid literal for int() with base {base}: {}", x.repr()),
        )
    };
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let lower = t.to_ascii_lowercase();
    let prefixed = |p: &str| lower.starts_with(p);
    let (base, digits) = match base {
        16 | 0 if prefixed("0x") => (16, &t[2..]),
        8 | 0 if prefixed("0o") => (8, &t[2..]),
        2 | 0 if prefixed("0b") => (2, &t[2..]),
        0 if t.len() > 1 && t.starts_with('0') && !t.bytes().all(|b| b == b'0' || b == b'_') => {
            return Err(invalid());
        }
        0 => (10, t),
        b => (b, t),
    };
    let digits = digits
        .strip_prefix('_')
        .filter(|_| digits.len() < t.len())
        .unwrap_or(digits);
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return Err(invalid());
    }
    let mut n: i128 = 0;
    for c in digits.chars().filter(|c| *c != '_') {
        let d = c
            .to_digit(36)
            .filter(|d| i64::from(*d) < base)
            .ok_or_else(invalid)?;
        n = n
            .checked_mul(i128::from(base))
            .and_then(|n| n.checked_add(i128::from(d)))
            .ok_or_else(overflow)?;
    }
    let n = if negative { -n } else { n };
    i64::try_from(n).map(Value::Int).map_err(|_| overflow())
}

fn optional_one(args: Args, func: &str) -> Result<Option<Value>, PyErr> {
    if args.positional.is_empty() && args.keywords.is_empty() {
        return Ok(None);
    }
    one(args, func).map(Some)
}
