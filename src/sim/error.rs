//! Python exceptions as the simulation raises them.

use std::borrow::Cow;
use std::fmt;

/// A Python exception: its class name and message, printed as the last line of
/// a traceback (`KeyError: 'name'`), or the tool's own words for a world command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PyErr {
    pub class: Cow<'static, str>,
    pub message: String,
}

impl PyErr {
    /// An exception of `class` with `message`.
    pub fn new(class: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self {
            class: class.into(),
            message: message.into(),
        }
    }

    /// `KeyError: <repr of key>`.
    pub fn key_error(key: &super::value::Value) -> Self {
        Self::new("KeyError", key.repr())
    }

    /// Something real Python or Django would do that the simulation does not model.
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new("NotSupported", message)
    }

    /// A world command that cannot be done, in the tool's own words.
    pub fn tool(message: impl Into<String>) -> Self {
        Self::new("", message)
    }

    /// Whether this is sessionlab speaking (a world command or something not
    /// modelled) rather than a Python exception.
    pub fn is_tool(&self) -> bool {
        self.class.is_empty() || self.class == "NotSupported"
    }
}

impl fmt::Display for PyErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_tool() {
            f.write_str(&self.message)
        } else if self.message.is_empty() {
            f.write_str(&self.class)
        } else {
            write!(f, "{}: {}", self.class, self.message)
        }
    }
}

impl std::error::Error for PyErr {}
