//! What one command may spend: the size of any value it builds, the work it
//! does, and how deep it may recurse. A command that goes over stops with a
//! clear error instead of freezing the app or exhausting the machine, and an
//! interrupt (Ctrl-C in the app) stops it between two units of work.
//!
//! The meter is per thread and only runs while a [`Meter`] is alive, so code
//! outside a command (the panes, the transcript) is never cut short.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

use super::error::PyErr;

/// Characters of a string, bytes of a `bytes`, or items of a list, tuple,
/// dict or set, in any one value a command builds.
pub const MAX_SIZE: usize = 1_000_000;
/// Bytes of text one value may turn into (`repr()`, `str()`, JSON).
pub const MAX_TEXT: usize = 8_000_000;
/// Items (or bytes of strings) all the values one command builds may hold
/// together, so that a line building several big values stays within about
/// 100 MB.
pub const MAX_BUILT: u64 = 3_000_000;
/// Units of work one command may do (one unit is about one evaluation step or
/// one item copied or compared).
pub const MAX_STEPS: u64 = 20_000_000;
/// Python's default recursion limit (`sys.getrecursionlimit()`).
pub const RECURSION_LIMIT: usize = 1000;

/// How often (in units of work) the interrupt flag is read.
const INTERRUPT_EVERY: u64 = 4096;

static INTERRUPT: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Units spent by the running command, or `None` outside a command.
    static SPENT: Cell<Option<u64>> = const { Cell::new(None) };
    /// Items built by the running command.
    static BUILT: Cell<u64> = const { Cell::new(0) };
}

/// The running command's meter: created when the command starts, and the
/// limits stop applying when it is dropped.
#[must_use = "the budget applies only while the meter lives"]
pub struct Meter {
    outer: Option<u64>,
}

impl Meter {
    /// Start metering a command (an earlier interrupt is forgotten).
    pub fn start() -> Self {
        INTERRUPT.store(false, Ordering::Relaxed);
        BUILT.set(0);
        let outer = SPENT.replace(Some(0));
        Self { outer }
    }
}

impl Drop for Meter {
    fn drop(&mut self) {
        SPENT.set(self.outer);
    }
}

/// Ask the running command to stop (safe from any thread).
pub fn interrupt() {
    INTERRUPT.store(true, Ordering::Relaxed);
}

/// Spend `units` of work; an error once the command is over its budget or
/// has been interrupted.
pub fn charge(units: u64) -> Result<(), PyErr> {
    let Some(spent) = SPENT.get() else {
        return Ok(());
    };
    let now = spent.saturating_add(units);
    SPENT.set(Some(now));
    if now > MAX_STEPS {
        return Err(too_long());
    }
    if now / INTERRUPT_EVERY != spent / INTERRUPT_EVERY && INTERRUPT.load(Ordering::Relaxed) {
        return Err(interrupted());
    }
    Ok(())
}

/// Spend `units` from code that cannot return an error: true when the
/// command should stop (the next [`charge`] reports why).
pub fn exhausted(units: u64) -> bool {
    match SPENT.get() {
        None => false,
        Some(spent) => {
            let now = spent.saturating_add(units);
            SPENT.set(Some(now));
            now > MAX_STEPS || INTERRUPT.load(Ordering::Relaxed)
        }
    }
}

/// The error for a value over [`MAX_SIZE`]; `what` is its type name.
pub fn too_big(what: &str) -> PyErr {
    PyErr::unsupported(format!(
        "that {what} would be larger than sessionlab allows (1 MB)"
    ))
}

/// The error for text over [`MAX_TEXT`].
pub fn too_much_text() -> PyErr {
    PyErr::unsupported(
        "that value would print as more than 8 MB of text, more than sessionlab allows",
    )
}

/// Check a size against [`MAX_SIZE`], spending it as work.
pub fn check_size(len: usize, what: &str) -> Result<(), PyErr> {
    check_grow(len, len, what)
}

/// Check a value that grows to `len` by copying `added` items.
pub fn check_grow(len: usize, added: usize, what: &str) -> Result<(), PyErr> {
    if len > MAX_SIZE {
        return Err(too_big(what));
    }
    if SPENT.get().is_some() {
        let built = BUILT.get().saturating_add(added as u64);
        BUILT.set(built);
        if built > MAX_BUILT {
            return Err(PyErr::unsupported(
                "this command builds more than sessionlab allows (3 million items in all)",
            ));
        }
    }
    charge(added as u64)
}

fn too_long() -> PyErr {
    PyErr::unsupported(
        "this command would take too long in sessionlab (it was stopped after 20 million steps)",
    )
}

fn interrupted() -> PyErr {
    PyErr::new("KeyboardInterrupt", "")
}

/// Python's `RecursionError` while doing `what` ("in comparison", …).
pub fn recursion_error(what: &str) -> PyErr {
    PyErr::new(
        "RecursionError",
        format!("maximum recursion depth exceeded{what}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_a_command_nothing_is_limited() {
        assert!(charge(u64::MAX).is_ok());
        assert!(!exhausted(u64::MAX));
    }

    #[test]
    fn a_command_stops_past_its_steps_and_the_next_one_starts_afresh() {
        {
            let _meter = Meter::start();
            assert!(charge(MAX_STEPS).is_ok());
            assert!(charge(1).is_err());
        }
        let _meter = Meter::start();
        assert!(charge(1).is_ok());
    }
}
