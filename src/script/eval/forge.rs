//! `django.core.signing` as a view reaches it (`signing.dumps`,
//! `signing.loads`, `Signer`, `TimestampSigner`), byte for byte Django's, so a
//! learner who knows `SECRET_KEY` can forge what Django signs.

use std::rc::Rc;

use super::{Args, View, type_error};
use crate::sim::PyErr;
use crate::sim::signing::Signer;
use crate::sim::value::{Object, SignerSpec, Value};

/// The default salt of `dumps()` and `loads()`.
const DEFAULT_SALT: &str = "django.core.signing";

/// What the module offers.
pub const NAMES: &[&str] = &["dumps", "loads", "Signer", "TimestampSigner"];

/// `signing.NAME`.
pub(super) fn attribute(module: &Value, name: &str) -> Result<Value, PyErr> {
    if NAMES.contains(&name) {
        return Ok(Value::object(Object::Method(
            module.clone(),
            Rc::from(name),
        )));
    }
    Err(PyErr::new(
        "AttributeError",
        format!("module 'django.core.signing' has no attribute '{name}'"),
    ))
}

/// The secret a key argument stands for: the key given, or `SECRET_KEY`.
fn key_of(view: &View<'_>, key: Option<&Value>) -> Result<String, PyErr> {
    match key {
        None | Some(Value::None) => Ok(view.server.settings.secret_key.clone()),
        Some(Value::Str(s)) if !s.is_empty() => Ok(s.to_string()),
        Some(Value::Str(_)) => Ok(view.server.settings.secret_key.clone()),
        Some(other) => Err(unsupported_type("key", other)),
    }
}

fn fallbacks_of(view: &View<'_>, given: Option<&Value>) -> Result<Vec<String>, PyErr> {
    match given {
        None | Some(Value::None) => Ok(view.server.settings.secret_key_fallbacks.clone()),
        Some(v @ (Value::List(_) | Value::Tuple(_))) => super::ops::iterate_plain(v)?
            .into_iter()
            .map(|k| match k {
                Value::Str(s) => Ok(s.to_string()),
                other => Err(unsupported_type("fallback_keys", &other)),
            })
            .collect(),
        Some(other) => Err(unsupported_type("fallback_keys", other)),
    }
}

fn unsupported_type(what: &str, value: &Value) -> PyErr {
    PyErr::unsupported(format!(
        "sessionlab's signing takes {what} as text, not {}",
        value.type_name()
    ))
}

fn text_of(value: Option<&Value>, default: &str) -> String {
    match value {
        None | Some(Value::None) => default.to_string(),
        Some(v) => v.to_str(),
    }
}

/// `max_age` as whole seconds.
fn max_age_of(value: Option<&Value>) -> Result<Option<i64>, PyErr> {
    match value {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(i)) => Ok(Some(*i)),
        Some(Value::Bool(b)) => Ok(Some(i64::from(*b))),
        Some(other) => Err(PyErr::unsupported(format!(
            "sessionlab's signing takes max_age in whole seconds, not {}",
            other.type_name()
        ))),
    }
}

/// A call of a module function or a signer's method.
pub(super) fn call(
    view: &mut View<'_>,
    receiver: &Value,
    name: &str,
    args: Args,
) -> Result<Value, PyErr> {
    let now = view.server.now;
    let Value::Object(object) = receiver else {
        unreachable!("signing calls go to the module or a signer");
    };
    match (&**object, name) {
        (Object::Module(_), "dumps") => {
            let b = args.bind(
                "signing.dumps",
                &["obj", "key", "salt", "serializer", "compress"],
                1,
            )?;
            check_serializer(b[3].as_ref())?;
            let key = key_of(view, b[1].as_ref())?;
            let salt = text_of(b[2].as_ref(), DEFAULT_SALT);
            let compress = b[4].as_ref().is_some_and(Value::truthy);
            let signer = Signer {
                key: key.as_bytes(),
                fallback_keys: &[],
                salt: &salt,
            };
            let obj = b[0].as_ref().expect("required");
            Ok(Value::str(&signer.sign_object(obj, compress, now)?))
        }
        (Object::Module(_), "loads") => {
            let b = args.bind(
                "signing.loads",
                &["s", "key", "salt", "serializer", "max_age", "fallback_keys"],
                1,
            )?;
            check_serializer(b[3].as_ref())?;
            let key = key_of(view, b[1].as_ref())?;
            let fallbacks = fallbacks_of(view, b[5].as_ref())?;
            let salt = text_of(b[2].as_ref(), DEFAULT_SALT);
            let fallback_keys: Vec<Vec<u8>> =
                fallbacks.iter().map(|k| k.as_bytes().to_vec()).collect();
            let signer = Signer {
                key: key.as_bytes(),
                fallback_keys: &fallback_keys,
                salt: &salt,
            };
            let s = b[0].as_ref().expect("required").to_str();
            signer.unsign_object(&s, max_age_of(b[4].as_ref())?, now)
        }
        (Object::Module(_), "Signer" | "TimestampSigner") => {
            if !args.positional.is_empty() {
                return Err(type_error(format!(
                    "{name}.__init__() takes 1 positional argument but {} were given",
                    args.positional.len() + 1
                )));
            }
            let b = args.bind(
                name,
                &["key", "sep", "salt", "algorithm", "fallback_keys"],
                0,
            )?;
            if let Some(sep) = &b[1]
                && sep.to_str() != ":"
            {
                return Err(PyErr::unsupported(
                    "sessionlab's signers use the default sep=':'",
                ));
            }
            if let Some(algorithm) = &b[3]
                && !matches!(algorithm, Value::None)
                && algorithm.to_str() != "sha256"
            {
                return Err(PyErr::unsupported(
                    "sessionlab's signers use the default algorithm='sha256'",
                ));
            }
            let salt = match &b[2] {
                Some(v) if v.truthy() => v.to_str(),
                _ => format!("django.core.signing.{name}"),
            };
            Ok(Value::object(Object::Signer(Rc::new(SignerSpec {
                timestamped: name == "TimestampSigner",
                key: key_of(view, b[0].as_ref())?,
                salt,
                fallback_keys: fallbacks_of(view, b[4].as_ref())?,
            }))))
        }
        (Object::Signer(spec), _) => signer_method(spec, name, args, now),
        _ => Err(PyErr::new(
            "AttributeError",
            format!(
                "'{}' object has no attribute '{name}'",
                receiver.type_name()
            ),
        )),
    }
}

/// Only Django's default `JSONSerializer` is modelled.
fn check_serializer(serializer: Option<&Value>) -> Result<(), PyErr> {
    match serializer {
        None | Some(Value::None) => Ok(()),
        Some(_) => Err(PyErr::unsupported(
            "sessionlab's signing uses Django's default JSONSerializer",
        )),
    }
}

fn signer_method(spec: &SignerSpec, name: &str, args: Args, now: i64) -> Result<Value, PyErr> {
    let class = if spec.timestamped {
        "TimestampSigner"
    } else {
        "Signer"
    };
    let fallback_keys: Vec<Vec<u8>> = spec
        .fallback_keys
        .iter()
        .map(|k| k.as_bytes().to_vec())
        .collect();
    let signer = Signer {
        key: spec.key.as_bytes(),
        fallback_keys: &fallback_keys,
        salt: &spec.salt,
    };
    let qualified = format!("{class}.{name}");
    match name {
        "sign" => {
            let b = args.bind(&qualified, &["value"], 1)?;
            let value = b[0].as_ref().expect("required").to_str();
            Ok(Value::str(&if spec.timestamped {
                signer.sign_timestamped(&value, now)
            } else {
                signer.sign(&value)
            }))
        }
        "unsign" => {
            let params: &[&str] = if spec.timestamped {
                &["value", "max_age"]
            } else {
                &["signed_value"]
            };
            let b = args.bind(&qualified, params, 1)?;
            let value = b[0].as_ref().expect("required").to_str();
            let unsigned = if spec.timestamped {
                signer.unsign_timestamped(
                    &value,
                    max_age_of(b.get(1).and_then(Option::as_ref))?,
                    now,
                )?
            } else {
                signer.unsign(&value)?
            };
            Ok(Value::str(unsigned))
        }
        "sign_object" => {
            let b = args.bind(&qualified, &["obj", "serializer", "compress"], 1)?;
            check_serializer(b[1].as_ref())?;
            let compress = b[2].as_ref().is_some_and(Value::truthy);
            let obj = b[0].as_ref().expect("required");
            if spec.timestamped {
                Ok(Value::str(&signer.sign_object(obj, compress, now)?))
            } else {
                Err(PyErr::unsupported(
                    "sessionlab signs objects with TimestampSigner (what signing.dumps uses)",
                ))
            }
        }
        "unsign_object" => {
            let b = args.bind(&qualified, &["signed_obj", "serializer", "max_age"], 1)?;
            check_serializer(b[1].as_ref())?;
            if !spec.timestamped {
                return Err(PyErr::unsupported(
                    "sessionlab reads signed objects with TimestampSigner (what signing.loads uses)",
                ));
            }
            let s = b[0].as_ref().expect("required").to_str();
            signer.unsign_object(&s, max_age_of(b[2].as_ref())?, now)
        }
        _ => Err(PyErr::new(
            "AttributeError",
            format!("'{class}' object has no attribute '{name}'"),
        )),
    }
}
