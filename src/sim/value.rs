//! Python values as a Django view sees them: the data a session holds, with
//! Python's equality, truthiness and `repr()`, and the JSON that Django's
//! `JSONSerializer` (`json.dumps(obj, separators=(",", ":"))`) makes of them.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

use super::budget::{self, MAX_TEXT, RECURSION_LIMIT};
use super::error::PyErr;

/// A shared, mutable list: Python lists are references, which is what makes the
/// "nested list mutated in place is not saved" lesson possible.
pub type ListRef = Rc<RefCell<Vec<Value>>>;
/// A shared, mutable dict.
pub type DictRef = Rc<RefCell<Dict>>;

/// One Python value.
#[derive(Clone, Debug)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    /// An int beyond 64 bits, as its decimal digits (read from JSON or typed;
    /// arithmetic on it is not modelled).
    BigInt(Rc<str>),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    List(ListRef),
    Tuple(Rc<Vec<Value>>),
    Dict(DictRef),
    Set(ListRef),
    /// An aware UTC `datetime.datetime`, as whole seconds since the epoch.
    DateTime(i64),
    /// Something that is not plain data: the request, the session, a method…
    Object(Rc<Object>),
}

/// The objects a view can reach that are not plain data.
#[derive(Clone, Debug)]
pub enum Object {
    Request,
    Response,
    /// `request.session`, with its engine's module path.
    Session(&'static str),
    Settings,
    /// `request.user`, however it was reached.
    User(UserRef),
    /// `dict_keys`, `dict_values` or `dict_items` (a snapshot of the dict).
    DictView(DictViewKind, Vec<Value>),
    /// `obj.method` before it is called.
    Method(Value, Rc<str>),
    /// A builtin such as `len` or `login`.
    Builtin(&'static str),
    /// `slice(start, stop, step)`, as `x[1:2]` makes it.
    Slice(Value, Value, Value),
    /// A type such as `str`, as `type(x)` returns it.
    Type(&'static str),
    /// `range(start, stop, step)`.
    Range(i64, i64, i64),
    /// A `datetime.date`, as the midnight it starts (seconds since the epoch).
    Date(i64),
    /// A module a view can use (`django.core.signing`, `django.utils.timezone`).
    Module(&'static str),
    /// A `datetime.timedelta`, in whole seconds.
    TimeDelta(i64),
    /// `signing.Signer(...)` or `signing.TimestampSigner(...)`.
    Signer(Rc<SignerSpec>),
}

/// A signer as `django.core.signing` builds one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignerSpec {
    pub timestamped: bool,
    pub key: String,
    pub salt: String,
    pub fallback_keys: Vec<String>,
}

/// Which of the three dict views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DictViewKind {
    Keys,
    Values,
    Items,
}

/// How `request.user` is held: the lazy object `AuthenticationMiddleware` puts
/// there, or a user assigned by `login()`/`logout()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserRef {
    /// `SimpleLazyObject(lambda: get_user(request))`, not evaluated yet.
    LazyUnevaluated,
    /// The lazy object after evaluation, wrapping a user (None = anonymous).
    Lazy(Option<UserInfo>),
    /// A plain user object (None = `AnonymousUser()`).
    Plain(Option<UserInfo>),
}

/// What the simulation knows of one `auth.User`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInfo {
    pub id: i64,
    pub username: String,
}

/// An insertion-ordered dict with Python key equality.
#[derive(Clone, Debug, Default)]
pub struct Dict {
    entries: Vec<(Value, Value)>,
}

impl Dict {
    /// An empty dict.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value under `key`, if any.
    pub fn get(&self, key: &Value) -> Option<&Value> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// The value under a string key, if any.
    pub fn get_str(&self, key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(k, _)| matches!(k, Value::Str(s) if &**s == key))
            .map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains(&self, key: &Value) -> bool {
        self.position(key).is_some()
    }

    /// Insert or replace; a replaced key keeps its position, as in Python.
    pub fn insert(&mut self, key: Value, value: Value) {
        match self.position(&key) {
            Some(i) => self.entries[i].1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Remove and return the value under `key`.
    pub fn remove(&mut self, key: &Value) -> Option<Value> {
        self.position(key).map(|i| self.entries.remove(i).1)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the dict is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &(Value, Value)> {
        self.entries.iter()
    }

    /// Remove everything.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    fn position(&self, key: &Value) -> Option<usize> {
        if budget::exhausted(self.entries.len() as u64) {
            return None;
        }
        self.entries.iter().position(|(k, _)| py_eq(k, key))
    }
}

impl FromIterator<(Value, Value)> for Dict {
    fn from_iter<I: IntoIterator<Item = (Value, Value)>>(iter: I) -> Self {
        let mut dict = Dict::new();
        for (k, v) in iter {
            dict.insert(k, v);
        }
        dict
    }
}

impl Value {
    /// A `str` value.
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }

    /// A new list.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }

    /// A new dict.
    pub fn dict(dict: Dict) -> Value {
        Value::Dict(Rc::new(RefCell::new(dict)))
    }

    /// A new set, dropping duplicates.
    pub fn set(items: Vec<Value>) -> Value {
        let mut unique: Vec<Value> = Vec::with_capacity(items.len());
        for item in items {
            if budget::exhausted(unique.len() as u64) {
                break;
            }
            if !unique.iter().any(|u| py_eq(u, &item)) {
                unique.push(item);
            }
        }
        Value::Set(Rc::new(RefCell::new(unique)))
    }

    /// An object value.
    pub fn object(object: Object) -> Value {
        Value::Object(Rc::new(object))
    }

    /// Python's `type(x).__name__`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::BigInt(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Set(_) => "set",
            Value::DateTime(_) => "datetime",
            Value::Object(object) => match &**object {
                Object::Request => "WSGIRequest",
                Object::Response => "HttpResponse",
                Object::Session(_) => "SessionStore",
                Object::Settings => "LazySettings",
                Object::User(UserRef::LazyUnevaluated | UserRef::Lazy(_)) => "SimpleLazyObject",
                Object::User(UserRef::Plain(Some(_))) => "User",
                Object::User(UserRef::Plain(None)) => "AnonymousUser",
                Object::DictView(DictViewKind::Keys, _) => "dict_keys",
                Object::DictView(DictViewKind::Values, _) => "dict_values",
                Object::DictView(DictViewKind::Items, _) => "dict_items",
                Object::Method(..) => "method",
                Object::Builtin(_) => "builtin_function_or_method",
                Object::Slice(..) => "slice",
                Object::Type(_) => "type",
                Object::Range(..) => "range",
                Object::Date(_) => "date",
                Object::TimeDelta(_) => "timedelta",
                Object::Module(_) => "module",
                Object::Signer(spec) if spec.timestamped => "TimestampSigner",
                Object::Signer(_) => "Signer",
            },
        }
    }

    /// Python truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::BigInt(_) => true,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) | Value::Set(l) => !l.borrow().is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::Dict(d) => !d.borrow().is_empty(),
            Value::DateTime(_) => true,
            Value::Object(object) => match &**object {
                Object::DictView(_, items) => !items.is_empty(),
                _ => true,
            },
        }
    }

    /// Whether Python could use this value as a dict key or set member.
    pub fn hashable(&self) -> bool {
        // Iterative, so that a tuple nested any depth cannot overflow the stack.
        let mut pending = vec![self];
        while let Some(value) = pending.pop() {
            match value {
                Value::List(_) | Value::Dict(_) | Value::Set(_) => return false,
                Value::Tuple(items) => pending.extend(items.iter()),
                Value::Object(object) if matches!(&**object, Object::DictView(..)) => {
                    return false;
                }
                _ => {}
            }
        }
        true
    }

    /// The string inside a `str`, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A copy that shares nothing mutable with the original: what a pickle round
    /// trip through the local-memory cache gives back. Shared and cyclic parts
    /// stay shared and cyclic in the copy, as pickle's memo keeps them.
    pub fn deep_copy(&self) -> Value {
        Copier::default().copy(self)
    }

    /// Python's `repr()`.
    /// Past the recursion limit it shows `...`, and past [`MAX_TEXT`] it
    /// stops with `…`, so that any value can be shown.
    pub fn repr(&self) -> String {
        let mut writer = Repr::new(false);
        let _ = writer.write(self, 0);
        writer.out
    }

    /// Python's `repr()` as a command computes it: `RecursionError` past the
    /// recursion limit, and an error for text over [`MAX_TEXT`].
    pub fn try_repr(&self) -> Result<String, PyErr> {
        let mut writer = Repr::new(true);
        writer.write(self, 0)?;
        Ok(writer.out)
    }

    /// Python's `str()`.
    pub fn to_str(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            Value::DateTime(t) => {
                let c = civil(*t);
                format!(
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02}+00:00",
                    c.year, c.month, c.day, c.hour, c.minute, c.second
                )
            }
            Value::Object(object) => match &**object {
                Object::Date(t) => {
                    let c = civil(*t);
                    format!("{:04}-{:02}-{:02}", c.year, c.month, c.day)
                }
                Object::TimeDelta(seconds) => {
                    // Python's str(): `1 day, 2:03:04`, `0:05:00`.
                    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
                    let clock = format!("{}:{:02}:{:02}", rest / 3600, rest / 60 % 60, rest % 60);
                    match days {
                        0 => clock,
                        1 | -1 => format!("{days} day, {clock}"),
                        _ => format!("{days} days, {clock}"),
                    }
                }
                Object::User(UserRef::Plain(Some(user)) | UserRef::Lazy(Some(user))) => {
                    user.username.clone()
                }
                Object::User(UserRef::Plain(None) | UserRef::Lazy(None)) => {
                    "AnonymousUser".to_string()
                }
                _ => self.repr(),
            },
            _ => self.repr(),
        }
    }
}

/// Call `f` on every string inside `dict`, however deep (in its lists and
/// dicts, each visited once; tuples are left as they are).
pub fn strings_mut(dict: &mut Dict, f: &mut impl FnMut(&mut Rc<str>)) {
    let mut seen: std::collections::HashSet<*const ()> = Default::default();
    let mut pending: Vec<Value> = Vec::new();
    let mut visit = |value: &mut Value, pending: &mut Vec<Value>| match value {
        Value::Str(s) => f(s),
        Value::List(_) | Value::Set(_) | Value::Dict(_) => pending.push(value.clone()),
        _ => {}
    };
    for (k, v) in &mut dict.entries {
        visit(k, &mut pending);
        visit(v, &mut pending);
    }
    while let Some(container) = pending.pop() {
        match container {
            Value::List(l) | Value::Set(l) if seen.insert(Rc::as_ptr(&l).cast()) => {
                for item in l.borrow_mut().iter_mut() {
                    visit(item, &mut pending);
                }
            }
            Value::Dict(d) if seen.insert(Rc::as_ptr(&d).cast()) => {
                for (k, v) in &mut d.borrow_mut().entries {
                    visit(k, &mut pending);
                    visit(v, &mut pending);
                }
            }
            _ => {}
        }
    }
}

/// A deep copy of a dict (see [`Value::deep_copy`]).
pub fn deep_copy_dict(dict: &Dict) -> Dict {
    let mut copier = Copier::default();
    let copy = dict
        .iter()
        .map(|(k, v)| (copier.copy_shallow(k), copier.copy_shallow(v)))
        .collect();
    copier.fill();
    copy
}

/// Copies without recursion: each container is made empty, remembered by
/// the address of its original, and filled from a work list.
#[derive(Default)]
struct Copier {
    memo: std::collections::HashMap<*const (), Value>,
    /// (original, copy) pairs whose items are still to be copied.
    pending: Vec<(Value, Value)>,
}

impl Copier {
    fn copy(&mut self, value: &Value) -> Value {
        let copy = self.copy_shallow(value);
        self.fill();
        copy
    }

    /// The copy of `value`, possibly still empty.
    fn copy_shallow(&mut self, value: &Value) -> Value {
        let address = match value {
            Value::List(l) | Value::Set(l) => Rc::as_ptr(l).cast::<()>(),
            Value::Dict(d) => Rc::as_ptr(d).cast::<()>(),
            // A tuple is immutable: it needs copying only for the lists or
            // dicts inside it, and is rebuilt after them.
            Value::Tuple(t) if !t.iter().all(Value::hashable) => {
                let items = t.iter().map(|item| self.copy(item)).collect();
                return Value::Tuple(Rc::new(items));
            }
            other => return other.clone(),
        };
        if let Some(copy) = self.memo.get(&address) {
            return copy.clone();
        }
        let copy = match value {
            Value::List(_) => Value::list(Vec::new()),
            Value::Set(_) => Value::Set(Rc::new(RefCell::new(Vec::new()))),
            _ => Value::dict(Dict::new()),
        };
        self.memo.insert(address, copy.clone());
        self.pending.push((value.clone(), copy.clone()));
        copy
    }

    fn fill(&mut self) {
        while let Some((original, copy)) = self.pending.pop() {
            if budget::exhausted(1) {
                return;
            }
            match (&original, &copy) {
                (Value::List(from) | Value::Set(from), Value::List(to) | Value::Set(to)) => {
                    let items: Vec<Value> = from.borrow().clone();
                    let _ = budget::exhausted(items.len() as u64);
                    let copied = items.iter().map(|v| self.copy_shallow(v)).collect();
                    *to.borrow_mut() = copied;
                }
                (Value::Dict(from), Value::Dict(to)) => {
                    let entries: Vec<(Value, Value)> = from.borrow().iter().cloned().collect();
                    let _ = budget::exhausted(entries.len() as u64);
                    let copied = entries
                        .iter()
                        .map(|(k, v)| (self.copy_shallow(k), self.copy_shallow(v)))
                        .collect();
                    *to.borrow_mut() = copied;
                }
                _ => {}
            }
        }
    }
}

/// Whether `value` nests no deeper than `limit` containers, walked without
/// recursion; a container met again (shared, or in a cycle) is not walked
/// twice.
pub fn nests_within(value: &Value, limit: usize) -> bool {
    let mut seen = std::collections::HashSet::new();
    let mut pending = vec![(value.clone(), 0usize)];
    while let Some((v, depth)) = pending.pop() {
        let children: Vec<Value> = match &v {
            Value::List(l) | Value::Set(l) => {
                if !seen.insert(Rc::as_ptr(l).cast::<()>()) {
                    continue;
                }
                l.borrow().clone()
            }
            Value::Tuple(t) => t.to_vec(),
            Value::Dict(d) => {
                if !seen.insert(Rc::as_ptr(d).cast::<()>()) {
                    continue;
                }
                d.borrow()
                    .iter()
                    .flat_map(|(k, v)| [k.clone(), v.clone()])
                    .collect()
            }
            _ => continue,
        };
        if depth >= limit {
            return false;
        }
        pending.extend(children.into_iter().map(|c| (c, depth + 1)));
    }
    true
}

/// Python `==` for the values the simulation holds (false where Python
/// would raise, as for a comparison past the recursion limit).
pub fn py_eq(a: &Value, b: &Value) -> bool {
    try_eq(a, b).unwrap_or(false)
}

/// Python `==`, with Python's `RecursionError` for values nested past the
/// recursion limit or compared through a cycle.
pub fn try_eq(a: &Value, b: &Value) -> Result<bool, PyErr> {
    eq_at(a, b, 0)
}

fn eq_at(a: &Value, b: &Value, depth: usize) -> Result<bool, PyErr> {
    use Value::*;
    if depth > RECURSION_LIMIT {
        return Err(budget::recursion_error(" in comparison"));
    }
    budget::charge(1)?;
    Ok(match (a, b) {
        (None, None) => true,
        (Str(x), Str(y)) => x == y,
        (BigInt(x), BigInt(y)) => x == y,
        (Bytes(x), Bytes(y)) => x == y,
        (Bool(_) | Int(_) | Float(_), Bool(_) | Int(_) | Float(_)) => {
            match (number(a), number(b)) {
                (Number::Int(x), Number::Int(y)) => x == y,
                (x, y) => x.as_f64() == y.as_f64(),
            }
        }
        (List(x), List(y)) => Rc::ptr_eq(x, y) || seq_eq(&x.borrow(), &y.borrow(), depth)?,
        (Tuple(x), Tuple(y)) => Rc::ptr_eq(x, y) || seq_eq(x, y, depth)?,
        (Set(x), Set(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            if x.len() != y.len() {
                return Ok(false);
            }
            for v in x.iter() {
                if !contains_at(&y, v, depth)? {
                    return Ok(false);
                }
            }
            true
        }
        (Dict(x), Dict(y)) => {
            if Rc::ptr_eq(x, y) {
                return Ok(true);
            }
            let (x, y) = (x.borrow(), y.borrow());
            if x.len() != y.len() {
                return Ok(false);
            }
            for (k, v) in x.iter() {
                match y.get(k) {
                    Some(w) if same_or_eq(v, w, depth)? => {}
                    _ => return Ok(false),
                }
            }
            true
        }
        (DateTime(x), DateTime(y)) => x == y,
        (Object(x), Object(y)) => match (&**x, &**y) {
            (self::Object::User(a), self::Object::User(b)) => {
                user_of(a) == user_of(b) && user_of(a).is_some()
            }
            (self::Object::Type(a), self::Object::Type(b)) => a == b,
            (self::Object::Builtin(a), self::Object::Builtin(b)) => a == b,
            (self::Object::DictView(ka, a), self::Object::DictView(kb, b)) => {
                ka == kb && *ka != DictViewKind::Values && seq_eq(a, b, depth)?
            }
            _ => Rc::ptr_eq(x, y),
        },
        _ => false,
    })
}

/// `PyObject_RichCompareBool`: the same object is equal to itself without
/// comparing (which is why `x == x` holds for a list that contains itself).
fn same_or_eq(a: &Value, b: &Value, depth: usize) -> Result<bool, PyErr> {
    let same = match (a, b) {
        (Value::List(x), Value::List(y)) | (Value::Set(x), Value::Set(y)) => Rc::ptr_eq(x, y),
        (Value::Dict(x), Value::Dict(y)) => Rc::ptr_eq(x, y),
        (Value::Tuple(x), Value::Tuple(y)) => Rc::ptr_eq(x, y),
        _ => false,
    };
    Ok(same || eq_at(a, b, depth + 1)?)
}

fn contains_at(items: &[Value], item: &Value, depth: usize) -> Result<bool, PyErr> {
    for candidate in items {
        if same_or_eq(candidate, item, depth)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn user_of(user: &UserRef) -> Option<&UserInfo> {
    match user {
        UserRef::Lazy(u) | UserRef::Plain(u) => u.as_ref(),
        UserRef::LazyUnevaluated => None,
    }
}

fn seq_eq(a: &[Value], b: &[Value], depth: usize) -> Result<bool, PyErr> {
    if a.len() != b.len() {
        return Ok(false);
    }
    for (x, y) in a.iter().zip(b) {
        if !same_or_eq(x, y, depth)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A number as Python's numeric tower sees it.
#[derive(Clone, Copy, Debug)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    /// The number as a float.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

/// The number inside a bool, int or float (bool counts as int, as in Python).
pub fn number(v: &Value) -> Number {
    match v {
        Value::Bool(b) => Number::Int(i64::from(*b)),
        Value::Int(i) => Number::Int(*i),
        Value::Float(f) => Number::Float(*f),
        _ => Number::Int(0),
    }
}

/// How deep `from_json` reads (Django's decoder would recurse further; a
/// session deeper than this is not something a lesson needs).
const MAX_DEPTH: usize = 200;

/// Writes a `repr()`: `[...]` for a container met again inside itself (as
/// `Py_ReprEnter` does), the recursion limit, and a cap on the text.
struct Repr {
    out: String,
    /// The containers being written, outermost first.
    path: Vec<*const ()>,
    strict: bool,
}

/// The address a container is known by while it is being written.
fn address(v: &Value) -> Option<*const ()> {
    match v {
        Value::List(l) | Value::Set(l) => Some(Rc::as_ptr(l).cast()),
        Value::Dict(d) => Some(Rc::as_ptr(d).cast()),
        _ => None,
    }
}

impl Repr {
    fn new(strict: bool) -> Self {
        Self {
            out: String::new(),
            path: Vec::new(),
            strict,
        }
    }

    fn write(&mut self, v: &Value, depth: usize) -> Result<(), PyErr> {
        if self.out.len() > MAX_TEXT {
            if !self.strict {
                self.out.push('…');
            }
            return Err(budget::too_much_text());
        }
        if depth > RECURSION_LIMIT {
            if self.strict {
                return Err(budget::recursion_error(
                    " while getting the repr of an object",
                ));
            }
            self.out.push_str("...");
            return Ok(());
        }
        budget::charge(1)?;
        let address = address(v);
        if let Some(a) = address {
            if self.path.contains(&a) {
                self.out.push_str(match v {
                    Value::Dict(_) => "{...}",
                    Value::Set(_) => "set(...)",
                    _ => "[...]",
                });
                return Ok(());
            }
            self.path.push(a);
        }
        let result = self.write_value(v, depth);
        if address.is_some() {
            self.path.pop();
        }
        result
    }

    fn write_value(&mut self, v: &Value, depth: usize) -> Result<(), PyErr> {
        match v {
            Value::None => self.out.push_str("None"),
            Value::Bool(true) => self.out.push_str("True"),
            Value::Bool(false) => self.out.push_str("False"),
            Value::Int(i) => {
                let _ = write!(self.out, "{i}");
            }
            Value::BigInt(digits) => self.out.push_str(digits),
            Value::Float(f) => self.out.push_str(&float_repr(*f)),
            Value::Str(s) => self.out.push_str(&str_repr(s)),
            Value::Bytes(b) => self.out.push_str(&bytes_repr(b)),
            Value::List(l) => {
                self.out.push('[');
                self.write_items(&l.borrow(), depth)?;
                self.out.push(']');
            }
            Value::Tuple(t) => {
                self.out.push('(');
                self.write_items(t, depth)?;
                if t.len() == 1 {
                    self.out.push(',');
                }
                self.out.push(')');
            }
            Value::Set(l) => {
                let items = l.borrow();
                if items.is_empty() {
                    self.out.push_str("set()");
                } else {
                    self.out.push('{');
                    self.write_items(&set_order(&items), depth)?;
                    self.out.push('}');
                }
            }
            Value::Dict(d) => {
                self.out.push('{');
                for (i, (k, v)) in d.borrow().iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.write(k, depth + 1)?;
                    self.out.push_str(": ");
                    self.write(v, depth + 1)?;
                }
                self.out.push('}');
            }
            Value::DateTime(t) => {
                let c = civil(*t);
                let _ = write!(
                    self.out,
                    "datetime.datetime({}, {}, {}, {}, {}",
                    c.year, c.month, c.day, c.hour, c.minute
                );
                if c.second != 0 {
                    let _ = write!(self.out, ", {}", c.second);
                }
                self.out.push_str(", tzinfo=datetime.timezone.utc)");
            }
            Value::Object(object) => self.write_object(object, depth)?,
        }
        Ok(())
    }

    fn write_items(&mut self, items: &[Value], depth: usize) -> Result<(), PyErr> {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.write(item, depth + 1)?;
        }
        Ok(())
    }

    fn write_object(&mut self, object: &Object, depth: usize) -> Result<(), PyErr> {
        let out = &mut self.out;
        match object {
            Object::Request => out.push_str("<WSGIRequest: GET '/'>"),
            Object::Response => {
                out.push_str("<HttpResponse status_code=200, \"text/html; charset=utf-8\">");
            }
            Object::Session(module) => {
                let _ = write!(out, "<{module}.SessionStore object at 0x...>");
            }
            Object::Settings => out.push_str("<LazySettings \"sessionlab.settings\">"),
            Object::User(user) => match user {
                UserRef::LazyUnevaluated => out.push_str(
                    "<SimpleLazyObject: <function AuthenticationMiddleware.process_request.<locals>.<lambda> at 0x...>>",
                ),
                UserRef::Lazy(u) => {
                    out.push_str("<SimpleLazyObject: ");
                    write_user(out, u.as_ref());
                    out.push('>');
                }
                UserRef::Plain(u) => write_user(out, u.as_ref()),
            },
            Object::DictView(kind, items) => {
                out.push_str(match kind {
                    DictViewKind::Keys => "dict_keys([",
                    DictViewKind::Values => "dict_values([",
                    DictViewKind::Items => "dict_items([",
                });
                self.write_items(items, depth)?;
                self.out.push_str("])");
            }
            Object::Method(receiver, name) => {
                let owner = match receiver {
                    Value::Object(o) if matches!(&**o, Object::Session(_)) => "SessionBase",
                    other => other.type_name(),
                };
                let _ = write!(out, "<bound method {owner}.{name} of ");
                self.write(receiver, depth + 1)?;
                self.out.push('>');
            }
            Object::Builtin(name) => match *name {
                "login" | "logout" => {
                    let _ = write!(out, "<function {name} at 0x...>");
                }
                _ => {
                    let _ = write!(out, "<built-in function {name}>");
                }
            },
            Object::Slice(start, stop, step) => {
                out.push_str("slice(");
                self.write_items(&[start.clone(), stop.clone(), step.clone()], depth)?;
                self.out.push(')');
            }
            Object::Type(name) => {
                let _ = write!(out, "<class '{name}'>");
            }
            Object::Date(t) => {
                let c = civil(*t);
                let _ = write!(out, "datetime.date({}, {}, {})", c.year, c.month, c.day);
            }
            Object::TimeDelta(seconds) => {
                // Python's repr: days and seconds, seconds never negative.
                let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
                let _ = match (days, rest) {
                    (0, 0) => write!(out, "datetime.timedelta(0)"),
                    (0, s) => write!(out, "datetime.timedelta(seconds={s})"),
                    (d, 0) => write!(out, "datetime.timedelta(days={d})"),
                    (d, s) => write!(out, "datetime.timedelta(days={d}, seconds={s})"),
                };
            }
            Object::Module(name) => {
                let path = name.replace('.', "/");
                let _ = write!(out, "<module '{name}' from '.../{path}.py'>");
            }
            Object::Signer(spec) => {
                let class = if spec.timestamped {
                    "TimestampSigner"
                } else {
                    "Signer"
                };
                let _ = write!(out, "<django.core.signing.{class} object at 0x...>");
            }
            Object::Range(start, stop, 1) => {
                let _ = write!(out, "range({start}, {stop})");
            }
            Object::Range(start, stop, step) => {
                let _ = write!(out, "range({start}, {stop}, {step})");
            }
        }
        Ok(())
    }
}

fn write_user(out: &mut String, user: Option<&UserInfo>) {
    match user {
        Some(user) => {
            let _ = write!(out, "<User: {}>", user.username);
        }
        None => out.push_str("<django.contrib.auth.models.AnonymousUser object at 0x...>"),
    }
}

/// The order CPython iterates a small set in: ints by value (their hash is
/// themselves), everything else in insertion order.
pub fn set_order(items: &[Value]) -> Vec<Value> {
    let mut sorted = items.to_vec();
    if sorted
        .iter()
        .all(|v| matches!(v, Value::Int(i) if *i >= 0) || matches!(v, Value::Bool(_)))
    {
        sorted.sort_by_key(|v| match number(v) {
            Number::Int(i) => i,
            Number::Float(_) => 0,
        });
    }
    sorted
}

/// Python's `repr()` of a str: single quotes unless the text holds a single
/// quote and no double quote.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !is_printable(c) => {
                let code = c as u32;
                let _ = if code < 0x100 {
                    write!(out, "\\x{code:02x}")
                } else if code < 0x10000 {
                    write!(out, "\\u{code:04x}")
                } else {
                    write!(out, "\\U{code:08x}")
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr()` of bytes.
pub fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = format!("b{quote}");
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c as char == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(c as char),
            c => {
                let _ = write!(out, "\\x{c:02x}");
            }
        }
    }
    out.push(quote);
    out
}

/// An approximation of `str.isprintable()` for one character.
fn is_printable(c: char) -> bool {
    let code = c as u32;
    !(c.is_control()
        || (0xD800..=0xDFFF).contains(&code)
        || code == 0xAD
        || (0x2028..=0x202F).contains(&code) && code != 0x202F
        || (0x200B..=0x200F).contains(&code)
        || (0x2060..=0x2064).contains(&code)
        || code == 0xFEFF
        || (0xE000..=0xF8FF).contains(&code)
        || c == '\u{a0}'
        || c == '\u{3000}'
        || (0x2000..=0x200A).contains(&code)
        || code == 0x1680
        || code == 0x205F
        || code == 0x202F
        || (0xFFF0..=0xFFFF).contains(&code) && code != 0xFFFC && code != 0xFFFD)
}

/// Python's `repr()` of a float (the shortest string that reads back the same,
/// in exponent form outside 1e-4..1e16).
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits, like Python's repr.
    let sci = format!("{f:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exponent) {
        let point = exponent + 1;
        if point <= 0 {
            format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
        } else if point as usize >= digits.len() {
            format!(
                "{sign}{digits}{}.0",
                "0".repeat(point as usize - digits.len())
            )
        } else {
            let (int, frac) = digits.split_at(point as usize);
            format!("{sign}{int}.{frac}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let mantissa = if rest.is_empty() {
            first.to_string()
        } else {
            format!("{first}.{rest}")
        };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{exp_sign}{:02}", exponent.abs())
    }
}

use super::dates::civil;

/// `json.dumps(value, separators=(",", ":"))` with `ensure_ascii=True`, as
/// Django's `JSONSerializer` writes session data.
pub fn to_json(v: &Value) -> Result<String, PyErr> {
    let mut out = String::new();
    write_json(&mut out, v, &mut Vec::new())?;
    Ok(out)
}

/// `path` holds the containers being written, as the encoder's `markers` do.
fn write_json(out: &mut String, v: &Value, path: &mut Vec<*const ()>) -> Result<(), PyErr> {
    if out.len() > MAX_TEXT {
        return Err(budget::too_much_text());
    }
    if path.len() >= RECURSION_LIMIT {
        return Err(budget::recursion_error(" while encoding a JSON object"));
    }
    budget::charge(1)?;
    let address = address(v).or_else(|| match v {
        Value::Tuple(t) => Some(Rc::as_ptr(t).cast()),
        _ => None,
    });
    if let Some(a) = address {
        if path.contains(&a) {
            return Err(PyErr::new("ValueError", "Circular reference detected"));
        }
        path.push(a);
    }
    let result = write_json_value(out, v, path);
    if address.is_some() {
        path.pop();
    }
    result
}

fn write_json_value(out: &mut String, v: &Value, path: &mut Vec<*const ()>) -> Result<(), PyErr> {
    match v {
        Value::None => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::BigInt(digits) => out.push_str(digits),
        Value::Float(f) => out.push_str(&json_float(*f)),
        Value::Str(s) => write_json_str(out, s),
        Value::List(l) => write_json_seq(out, &l.borrow(), path)?,
        Value::Tuple(t) => write_json_seq(out, t, path)?,
        Value::Dict(d) => {
            out.push('{');
            for (i, (k, v)) in d.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let key = match k {
                    Value::Str(s) => s.to_string(),
                    Value::Int(i) => i.to_string(),
                    Value::Float(f) => json_float(*f),
                    Value::Bool(b) => b.to_string(),
                    Value::None => "null".to_string(),
                    other => {
                        return Err(PyErr::new(
                            "TypeError",
                            format!(
                                "keys must be str, int, float, bool or None, not {}",
                                other.type_name()
                            ),
                        ));
                    }
                };
                write_json_str(out, &key);
                out.push(':');
                write_json(out, v, path)?;
            }
            out.push('}');
        }
        other => {
            return Err(PyErr::new(
                "TypeError",
                format!(
                    "Object of type {} is not JSON serializable",
                    other.type_name()
                ),
            ));
        }
    }
    Ok(())
}

fn json_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        float_repr(f)
    }
}

fn write_json_seq(
    out: &mut String,
    items: &[Value],
    path: &mut Vec<*const ()>,
) -> Result<(), PyErr> {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json(out, item, path)?;
    }
    out.push(']');
    Ok(())
}

/// A JSON string as Python's `json.dumps` writes it with `ensure_ascii`
/// (the default): `\uXXXX` for every character outside space to `~`.
pub fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    // Runs that need no escape are copied whole.
    let plain = |b: &u8| (b' '..=b'~').contains(b) && *b != b'"' && *b != b'\\';
    let mut rest = s;
    while !rest.is_empty() {
        let run = rest.bytes().take_while(plain).count();
        out.push_str(&rest[..run]);
        rest = &rest[run..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        rest = &rest[c.len_utf8()..];
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c => push_u_escape(out, c),
        }
    }
    out.push('"');
}

/// `c` as JSON's `\uXXXX` escapes (two for a character past the BMP).
pub fn push_u_escape(out: &mut String, c: char) {
    let mut buf = [0u16; 2];
    for unit in c.encode_utf16(&mut buf) {
        let _ = write!(out, "\\u{unit:04x}");
    }
}

/// `json.loads()` into Python values: objects become dicts in document order,
/// integers of any size stay integers, `NaN` and `Infinity` are accepted.
pub fn from_json(text: &str) -> Option<Value> {
    let mut parser = JsonParser {
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    let value = parser.value()?;
    parser.skip_whitespace();
    (parser.pos == parser.bytes.len()).then_some(value)
}

struct JsonParser<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl JsonParser<'_> {
    fn skip_whitespace(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }

    fn eat(&mut self, literal: &str) -> bool {
        if self.bytes[self.pos..].starts_with(literal.as_bytes()) {
            self.pos += literal.len();
            true
        } else {
            false
        }
    }

    /// [`JsonParser::eat`] of one byte (most of a document's punctuation).
    fn eat_byte(&mut self, byte: u8) -> bool {
        let found = self.bytes.get(self.pos) == Some(&byte);
        self.pos += usize::from(found);
        found
    }

    fn value(&mut self) -> Option<Value> {
        self.skip_whitespace();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let value = match *self.bytes.get(self.pos)? {
            b'{' => {
                self.pos += 1;
                let mut dict = Dict::new();
                self.skip_whitespace();
                if !self.eat_byte(b'}') {
                    loop {
                        self.skip_whitespace();
                        let key = self.string()?;
                        self.skip_whitespace();
                        if !self.eat_byte(b':') {
                            return None;
                        }
                        let value = self.value()?;
                        dict.insert(Value::str(&key), value);
                        self.skip_whitespace();
                        if self.eat_byte(b'}') {
                            break;
                        }
                        if !self.eat_byte(b',') {
                            return None;
                        }
                    }
                }
                Value::dict(dict)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_whitespace();
                if !self.eat_byte(b']') {
                    loop {
                        items.push(self.value()?);
                        self.skip_whitespace();
                        if self.eat_byte(b']') {
                            break;
                        }
                        if !self.eat_byte(b',') {
                            return None;
                        }
                    }
                }
                Value::list(items)
            }
            b'"' => Value::str(&self.string()?),
            // A literal is looked for only where its first byte is.
            b'n' if self.eat("null") => Value::None,
            b't' if self.eat("true") => Value::Bool(true),
            b'f' if self.eat("false") => Value::Bool(false),
            b'N' if self.eat("NaN") => Value::Float(f64::NAN),
            b'I' if self.eat("Infinity") => Value::Float(f64::INFINITY),
            b'-' if self.eat("-Infinity") => Value::Float(f64::NEG_INFINITY),
            _ => self.number()?,
        };
        self.depth -= 1;
        Some(value)
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.pos;
        let mut float = false;
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'0'..=b'9' | b'-' | b'+' => {}
                b'.' | b'e' | b'E' => float = true,
                _ => break,
            }
            self.pos += 1;
        }
        let text = std::str::from_utf8(&self.bytes[start..self.pos]).ok()?;
        if text.is_empty() {
            return None;
        }
        if float {
            return text.parse().ok().map(Value::Float);
        }
        Some(match text.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_)
                if text
                    .trim_start_matches('-')
                    .bytes()
                    .all(|b| b.is_ascii_digit()) =>
            {
                Value::BigInt(Rc::from(text))
            }
            Err(_) => return None,
        })
    }

    fn string(&mut self) -> Option<String> {
        if !self.eat_byte(b'"') {
            return None;
        }
        let mut out = String::new();
        loop {
            let start = self.pos;
            while self
                .bytes
                .get(self.pos)
                .is_some_and(|b| *b != b'"' && *b != b'\\')
            {
                self.pos += 1;
            }
            out.push_str(std::str::from_utf8(&self.bytes[start..self.pos]).ok()?);
            match *self.bytes.get(self.pos)? {
                b'"' => {
                    self.pos += 1;
                    return Some(out);
                }
                _ => {
                    self.pos += 1;
                    let escape = *self.bytes.get(self.pos)?;
                    self.pos += 1;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&unit) && self.eat("\\u") {
                                let low = self.hex4()?;
                                0x10000
                                    + ((unit - 0xD800) << 10)
                                    + (low.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                unit
                            };
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        _ => return None,
                    }
                }
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = std::str::from_utf8(self.bytes.get(self.pos..self.pos + 4)?).ok()?;
        self.pos += 4;
        u32::from_str_radix(digits, 16).ok()
    }
}

/// A parsed JSON document as Python values.
pub fn from_json_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::None,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(u)) => Value::BigInt(Rc::from(u.to_string())),
            _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Array(items) => Value::list(items.iter().map(from_json_value).collect()),
        serde_json::Value::Object(map) => Value::dict(
            map.iter()
                .map(|(k, v)| (Value::str(k), from_json_value(v)))
                .collect(),
        ),
    }
}

/// The session data as the transcript shows it: JSON where JSON can hold it,
/// `{"repr": ...}` for what it cannot (only the cache engine keeps such values).
pub fn to_display_json(v: &Value) -> serde_json::Value {
    let mut left = DISPLAY_ITEMS;
    to_display_json_depth(v, 0, &mut left)
}

/// The most items of one value the transcript writes out (past them, `...`).
const DISPLAY_ITEMS: usize = 250_000;

/// `left` counts down the items still allowed, so that a value sharing one
/// list a million times over does not turn into a trillion JSON items.
fn to_display_json_depth(v: &Value, depth: usize, left: &mut usize) -> serde_json::Value {
    use serde_json::Value as J;
    // Shallower than JSON readers' usual limit (serde_json's is 128), with
    // room for the transcript line around the value.
    const DISPLAY_DEPTH: usize = 100;
    if depth > DISPLAY_DEPTH || *left == 0 {
        return serde_json::json!({"repr": "..."});
    }
    *left -= 1;
    match v {
        Value::None => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        // JSON readers without big integers (serde_json's default) read these as
        // floats, so write them the way they will be compared.
        Value::BigInt(digits) => digits.parse::<u64>().map(J::from).unwrap_or_else(|_| {
            serde_json::Number::from_f64(digits.parse().unwrap_or(f64::NAN))
                .map_or_else(|| J::String(digits.to_string()), J::Number)
        }),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(J::Number)
            .unwrap_or_else(|| serde_json::json!({"repr": float_repr(*f)})),
        Value::Str(s) => J::String(s.to_string()),
        Value::List(l) => J::Array(
            l.borrow()
                .iter()
                .map(|x| to_display_json_depth(x, depth + 1, left))
                .collect(),
        ),
        Value::Tuple(t) => J::Array(
            t.iter()
                .map(|x| to_display_json_depth(x, depth + 1, left))
                .collect(),
        ),
        Value::Dict(d) => {
            let d = d.borrow();
            if d.iter().all(|(k, _)| matches!(k, Value::Str(_))) {
                J::Object(
                    d.iter()
                        .map(|(k, v)| (k.to_str(), to_display_json_depth(v, depth + 1, left)))
                        .collect(),
                )
            } else {
                serde_json::json!({"repr": v.repr()})
            }
        }
        other => serde_json::json!({"repr": other.repr()}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        assert_eq!(float_repr(2.5), "2.5");
        assert_eq!(float_repr(1e16), "1e+16");
        assert_eq!(float_repr(1e-5), "1e-05");
        assert_eq!(float_repr(123456789012345678.0), "1.2345678901234568e+17");
        assert_eq!(float_repr(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(float_repr(100.0), "100.0");
        assert_eq!(float_repr(0.0001), "0.0001");
        assert_eq!(float_repr(-0.0), "-0.0");
    }

    #[test]
    fn str_repr_picks_quotes_like_python() {
        assert_eq!(str_repr("Ada"), "'Ada'");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("both ' and \""), "'both \\' and \"'");
        assert_eq!(str_repr("tab\there"), "'tab\\there'");
        assert_eq!(str_repr("é😀"), "'é😀'");
        assert_eq!(str_repr("\u{0}"), "'\\x00'");
    }

    #[test]
    fn json_matches_django_serializer() {
        let mut d = Dict::new();
        d.insert(Value::str("a"), Value::str("é😀"));
        d.insert(Value::Int(1), Value::Int(2));
        d.insert(Value::Bool(true), Value::Int(4));
        d.insert(Value::None, Value::Int(3));
        assert_eq!(
            to_json(&Value::dict(d)).unwrap(),
            r#"{"a":"\u00e9\ud83d\ude00","1":4,"null":3}"#
        );
        let err = to_json(&Value::set(vec![Value::Int(1)])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "TypeError: Object of type set is not JSON serializable"
        );
    }

    #[test]
    fn json_reads_back_what_it_wrote() {
        let text = r#"{"a":[1,2.5,-3,1e-07,100000000000000000000],"b":{"c":null,"d":true},"e":"\u00e9\ud83d\ude00 \"q\""}"#;
        let value = from_json(text).unwrap();
        assert_eq!(
            value.repr(),
            "{'a': [1, 2.5, -3, 1e-07, 100000000000000000000], 'b': {'c': None, 'd': True}, 'e': 'é😀 \"q\"'}"
        );
        assert_eq!(to_json(&value).unwrap(), text);
        assert!(from_json("{\"a\": 1").is_none());
        assert!(from_json(&"[".repeat(10_000)).is_none());
    }

    #[test]
    fn dates_format_like_django() {
        use crate::sim::dates::{http_date, iso_format, parse_iso};
        assert_eq!(
            http_date(1_767_225_600 + 14 * 86_400),
            "Thu, 15 Jan 2026 00:00:00 GMT"
        );
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        let t = 1_767_225_600 + 86_400 * 14;
        assert_eq!(
            Value::DateTime(t).repr(),
            "datetime.datetime(2026, 1, 15, 0, 0, tzinfo=datetime.timezone.utc)"
        );
        assert_eq!(parse_iso(&iso_format(t + 61)), Some(t + 61));
    }

    #[test]
    fn equality_follows_python() {
        assert!(py_eq(&Value::Int(1), &Value::Bool(true)));
        assert!(py_eq(&Value::Int(2), &Value::Float(2.0)));
        assert!(!py_eq(&Value::str("1"), &Value::Int(1)));
        assert_eq!(
            Value::set(vec![Value::Int(3), Value::Int(1), Value::Int(3)]).repr(),
            "{1, 3}"
        );
    }
}
