//! Methods of plain values: `str`, `list`, `dict` and `set`.

use std::rc::Rc;

use super::ops::{iterate_plain, sequence_index, sort_values};
use super::{Args, View, attribute_error, one, type_error};
use crate::sim::error::PyErr;
use crate::sim::value::{Dict, DictViewKind, Object, Value, py_eq};

/// `d.keys()`, `d.values()` or `d.items()` of a dict.
pub(super) fn dict_view(method: &str, dict: &Dict) -> Value {
    let (kind, items): (DictViewKind, Vec<Value>) = match method {
        "keys" => (
            DictViewKind::Keys,
            dict.iter().map(|(k, _)| k.clone()).collect(),
        ),
        "values" => (
            DictViewKind::Values,
            dict.iter().map(|(_, v)| v.clone()).collect(),
        ),
        _ => (
            DictViewKind::Items,
            dict.iter()
                .map(|(k, v)| Value::Tuple(Rc::new(vec![k.clone(), v.clone()])))
                .collect(),
        ),
    };
    Value::object(Object::DictView(kind, items))
}

/// Methods of plain values (`str`, `list`, `dict`, `set`).
pub(super) fn value_method(
    receiver: &Value,
    name: &str,
    args: Args,
    view: &mut View<'_>,
) -> Result<Value, PyErr> {
    let qualified = format!("{}.{name}", receiver.type_name());
    match receiver {
        Value::Str(s) => str_method(s, name, args, &qualified),
        Value::List(list) => match name {
            "append" => {
                let x = one(args, &qualified)?;
                list.borrow_mut().push(x);
                Ok(Value::None)
            }
            "extend" => {
                let x = one(args, &qualified)?;
                let items = view.iterate(&x)?;
                list.borrow_mut().extend(items);
                Ok(Value::None)
            }
            "insert" => {
                let b = args.bind(&qualified, &["index", "object"], 2)?;
                let len = list.borrow().len() as i64;
                let i = match b[0].as_ref().expect("required") {
                    Value::Int(i) => *i,
                    other => {
                        return Err(type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            other.type_name()
                        )));
                    }
                };
                let i = if i < 0 { (i + len).max(0) } else { i.min(len) } as usize;
                list.borrow_mut().insert(i, b[1].clone().expect("required"));
                Ok(Value::None)
            }
            "pop" => {
                let b = args.bind(&qualified, &["index"], 0)?;
                let len = list.borrow().len();
                if len == 0 {
                    return Err(PyErr::new("IndexError", "pop from empty list"));
                }
                let i = match &b[0] {
                    None => len - 1,
                    Some(index) => sequence_index(index, len, "pop")?,
                };
                Ok(list.borrow_mut().remove(i))
            }
            "remove" => {
                let x = one(args, &qualified)?;
                let position = list.borrow().iter().position(|v| py_eq(v, &x));
                match position {
                    Some(i) => {
                        list.borrow_mut().remove(i);
                        Ok(Value::None)
                    }
                    None => Err(PyErr::new("ValueError", "list.remove(x): x not in list")),
                }
            }
            "index" => {
                let x = one(args, &qualified)?;
                let position = list.borrow().iter().position(|v| py_eq(v, &x));
                position
                    .map(|i| Value::Int(i as i64))
                    .ok_or_else(|| PyErr::new("ValueError", format!("{} is not in list", x.repr())))
            }
            "count" => {
                let x = one(args, &qualified)?;
                Ok(Value::Int(
                    list.borrow().iter().filter(|v| py_eq(v, &x)).count() as i64,
                ))
            }
            "sort" => {
                let b = args.bind(&qualified, &["reverse"], 0)?;
                let mut items = list.borrow().clone();
                sort_values(&mut items)?;
                if b[0].as_ref().is_some_and(Value::truthy) {
                    items.reverse();
                }
                *list.borrow_mut() = items;
                Ok(Value::None)
            }
            "reverse" => {
                args.bind(&qualified, &[], 0)?;
                list.borrow_mut().reverse();
                Ok(Value::None)
            }
            "clear" => {
                args.bind(&qualified, &[], 0)?;
                list.borrow_mut().clear();
                Ok(Value::None)
            }
            _ => {
                args.bind(&qualified, &[], 0)?;
                Ok(Value::list(list.borrow().clone()))
            }
        },
        Value::Dict(dict) => match name {
            "get" => {
                let b = args.bind(&qualified, &["key", "default"], 1)?;
                let key = b[0].as_ref().expect("required");
                crate::sim::session::check_hashable(key)?;
                Ok(dict
                    .borrow()
                    .get(key)
                    .cloned()
                    .unwrap_or(b[1].clone().unwrap_or(Value::None)))
            }
            "keys" | "values" | "items" => {
                args.bind(&qualified, &[], 0)?;
                Ok(dict_view(name, &dict.borrow()))
            }
            "pop" => {
                let b = args.bind(&qualified, &["key", "default"], 1)?;
                let key = b[0].as_ref().expect("required");
                crate::sim::session::check_hashable(key)?;
                let removed = dict.borrow_mut().remove(key);
                removed
                    .or(b[1].clone())
                    .ok_or_else(|| PyErr::key_error(key))
            }
            "setdefault" => {
                let b = args.bind(&qualified, &["key", "default"], 1)?;
                let key = b[0].clone().expect("required");
                crate::sim::session::check_hashable(&key)?;
                if let Some(v) = dict.borrow().get(&key) {
                    return Ok(v.clone());
                }
                let value = b[1].clone().unwrap_or(Value::None);
                dict.borrow_mut().insert(key, value.clone());
                Ok(value)
            }
            "update" => {
                let Args {
                    positional,
                    keywords,
                } = args;
                let mut pairs = Vec::new();
                match positional.as_slice() {
                    [] => {}
                    [source] => pairs = view.pairs(source)?,
                    _ => {
                        return Err(type_error(format!(
                            "update expected at most 1 argument, got {}",
                            positional.len()
                        )));
                    }
                }
                pairs.extend(keywords.into_iter().map(|(k, v)| (Value::str(&k), v)));
                let mut d = dict.borrow_mut();
                for (k, v) in pairs {
                    d.insert(k, v);
                }
                Ok(Value::None)
            }
            "clear" => {
                args.bind(&qualified, &[], 0)?;
                dict.borrow_mut().clear();
                Ok(Value::None)
            }
            _ => {
                args.bind(&qualified, &[], 0)?;
                Ok(Value::dict(dict.borrow().clone()))
            }
        },
        Value::Set(set) => match name {
            "add" => {
                let x = one(args, &qualified)?;
                crate::sim::session::check_hashable(&x)?;
                if !set.borrow().iter().any(|v| py_eq(v, &x)) {
                    set.borrow_mut().push(x);
                }
                Ok(Value::None)
            }
            "remove" | "discard" => {
                let x = one(args, &qualified)?;
                crate::sim::session::check_hashable(&x)?;
                let position = set.borrow().iter().position(|v| py_eq(v, &x));
                match position {
                    Some(i) => {
                        set.borrow_mut().remove(i);
                        Ok(Value::None)
                    }
                    None if name == "discard" => Ok(Value::None),
                    None => Err(PyErr::key_error(&x)),
                }
            }
            "clear" => {
                args.bind(&qualified, &[], 0)?;
                set.borrow_mut().clear();
                Ok(Value::None)
            }
            _ => {
                args.bind(&qualified, &[], 0)?;
                Ok(Value::set(set.borrow().clone()))
            }
        },
        other => Err(attribute_error(other, name)),
    }
}

pub(super) fn str_method(s: &str, name: &str, args: Args, qualified: &str) -> Result<Value, PyErr> {
    let text_arg = |v: &Option<Value>, what: &str| -> Result<Option<String>, PyErr> {
        match v {
            None | Some(Value::None) => Ok(None),
            Some(Value::Str(t)) => Ok(Some(t.to_string())),
            Some(other) => Err(type_error(format!(
                "{what} arg must be None or str, not {}",
                other.type_name()
            ))),
        }
    };
    match name {
        "upper" => Ok(Value::str(&s.to_uppercase())),
        "lower" => Ok(Value::str(&s.to_lowercase())),
        "title" => Ok(Value::str(&title_case(s))),
        "capitalize" => {
            let mut chars = s.chars();
            Ok(Value::str(&match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }))
        }
        "isdigit" => Ok(Value::Bool(
            !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()),
        )),
        "strip" | "lstrip" | "rstrip" => {
            let b = args.bind(qualified, &["chars"], 0)?;
            let chars = text_arg(&b[0], name)?;
            let matches = |c: char| {
                chars
                    .as_ref()
                    .map_or(c.is_whitespace(), |set| set.contains(c))
            };
            Ok(Value::str(match name {
                "strip" => s.trim_matches(matches),
                "lstrip" => s.trim_start_matches(matches),
                _ => s.trim_end_matches(matches),
            }))
        }
        "split" => {
            let b = args.bind(qualified, &["sep", "maxsplit"], 0)?;
            let parts: Vec<Value> = match text_arg(&b[0], "must be str or None, not")? {
                Some(sep) if sep.is_empty() => {
                    return Err(PyErr::new("ValueError", "empty separator"));
                }
                Some(sep) => s.split(sep.as_str()).map(Value::str).collect(),
                None => s.split_whitespace().map(Value::str).collect(),
            };
            Ok(Value::list(parts))
        }
        "join" => {
            let x = one(args, qualified)?;
            let items = iterate_plain(&x)?;
            let mut texts = Vec::with_capacity(items.len());
            let mut size = s.len().saturating_mul(items.len());
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Str(t) => {
                        size = size.saturating_add(t.len());
                        texts.push(t.to_string());
                    }
                    other => {
                        return Err(type_error(format!(
                            "sequence item {i}: expected str instance, {} found",
                            other.type_name()
                        )));
                    }
                }
            }
            crate::sim::budget::check_size(size, "string")?;
            Ok(Value::str(&texts.join(s)))
        }
        "replace" => {
            let b = args.bind(qualified, &["old", "new"], 2)?;
            let (old, new) = (
                b[0].clone().expect("required").to_str(),
                b[1].clone().expect("required").to_str(),
            );
            let times = if old.is_empty() {
                s.chars().count() + 1
            } else {
                s.matches(old.as_str()).count()
            };
            let grows = new.len().saturating_sub(old.len());
            crate::sim::budget::check_size(
                s.len().saturating_add(times.saturating_mul(grows)),
                "string",
            )?;
            Ok(Value::str(&s.replace(&old, &new)))
        }
        "startswith" | "endswith" => {
            let x = one(args, qualified)?;
            let Value::Str(affix) = &x else {
                return Err(type_error(format!(
                    "{name} first arg must be str or a tuple of str, not {}",
                    x.type_name()
                )));
            };
            Ok(Value::Bool(if name == "startswith" {
                s.starts_with(&**affix)
            } else {
                s.ends_with(&**affix)
            }))
        }
        "count" => {
            let x = one(args, qualified)?;
            let sub = x.to_str();
            Ok(Value::Int(if sub.is_empty() {
                s.chars().count() as i64 + 1
            } else {
                s.matches(&sub).count() as i64
            }))
        }
        "find" => {
            let x = one(args, qualified)?;
            let sub = x.to_str();
            Ok(Value::Int(
                s.find(&sub)
                    .map_or(-1, |byte| s[..byte].chars().count() as i64),
            ))
        }
        _ => Err(PyErr::unsupported(format!(
            "str.{name}() is not part of sessionlab's Python"
        ))),
    }
}

pub(super) fn title_case(s: &str) -> String {
    let mut out = String::new();
    let mut previous_cased = false;
    for c in s.chars() {
        if previous_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        previous_cased = c.is_alphabetic();
    }
    out
}
