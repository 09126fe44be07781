//! Undo in the app: the state before each of the last commands, each kept as
//! a [`Checkpoint`] whose rows are shared with the states around it.

use std::collections::VecDeque;

#[cfg(doc)]
use crate::runner::Runner;
use crate::runner::{Checkpoint, Snapshot, Step};
use std::rc::Rc;

use crate::sim::World;
use crate::sim::request::Exchange;
use crate::sim::value::strings_mut;
use crate::sim::world::StoredSession;

/// How many commands undo reaches back.
pub const DEPTH: usize = 200;

/// The most memory the undo history may hold; the oldest entries go first.
pub const BYTES: usize = 64 << 20;

/// The state of the work before one command.
#[derive(Clone, Debug)]
pub struct Undo {
    pub checkpoint: Checkpoint,
    pub last: Option<Step>,
    pub before: Snapshot,
    pub exchange: Option<(Exchange, bool)>,
    pub output_len: usize,
    /// About how much memory this entry holds.
    pub bytes: usize,
}

/// The states before the last [`DEPTH`] commands, newest last.
#[derive(Clone, Debug, Default)]
pub struct History {
    entries: VecDeque<Undo>,
    bytes: usize,
}

impl History {
    /// Remember the state before a command, forgetting the oldest past
    /// [`DEPTH`] entries or [`BYTES`] (the newest always stays).
    pub fn push(&mut self, undo: Undo) {
        self.bytes += undo.bytes;
        self.entries.push_back(undo);
        while self.entries.len() > DEPTH || (self.bytes > BYTES && self.entries.len() > 1) {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.bytes;
            }
        }
    }

    /// Take the state before the last command; its checkpoint goes to
    /// [`Runner::restore`].
    pub fn pop(&mut self) -> Option<Undo> {
        let undo = self.entries.pop_back()?;
        self.bytes -= undo.bytes;
        Some(undo)
    }

    /// Forget every state (the world was replaced).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    /// How many commands can be undone.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing can be undone.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// About how many bytes the undo entry of `step` keeps alive that no other
/// state shares: the rows the command changed or removed (every other row
/// is shared with the states around it; long strings in decoded data are
/// shared too, so a row costs about its stored form), and the exchange.
pub fn entry_bytes(before: &Snapshot, step: &Step, world: &World) -> usize {
    let rank = |key: &str| world.server.key_rank(key);
    let store: usize = step
        .store_changes
        .iter()
        .filter_map(|c| {
            let rank = rank(&c.name);
            let old = before.session(rank, &c.name)?;
            Some(session_bytes(old, step.after.session(rank, &c.name)))
        })
        .sum();
    let jar = step.jar_changes.len() * 256;
    let exchange = step.exchange.as_ref().map_or(0, |x| {
        x.sent
            .iter()
            .map(|(n, v)| n.len() + v.len() + 48)
            .sum::<usize>()
            + x.set_cookies.len() * 512
    });
    store + jar + exchange + 1024
}

/// About how many bytes `old` holds that `new` (the same session after the
/// command) does not share with it.
fn session_bytes(old: &StoredSession, new: Option<&StoredSession>) -> usize {
    let mut shared = std::collections::HashSet::new();
    if let Some(new) = new {
        strings_mut(&mut new.data.clone(), &mut |s| {
            shared.insert(Rc::as_ptr(s));
        });
    }
    let mut bytes = old.key.len() + old.location.len() + old.raw.len() + 256;
    strings_mut(&mut old.data.clone(), &mut |s| {
        if !shared.contains(&Rc::as_ptr(s)) {
            bytes += s.len();
        }
    });
    bytes + 32 * old.data.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Runner;

    fn entry(runner: &Runner, bytes: usize) -> Undo {
        Undo {
            checkpoint: runner.checkpoint(),
            last: None,
            before: runner.snapshot().clone(),
            exchange: None,
            output_len: 0,
            bytes,
        }
    }

    #[test]
    fn the_oldest_entries_go_past_the_depth_or_the_bytes() {
        let runner = Runner::new(World::new(0));
        let mut history = History::default();
        for _ in 0..DEPTH + 50 {
            history.push(entry(&runner, 1024));
        }
        assert_eq!(history.len(), DEPTH);
        for _ in 0..10 {
            history.push(entry(&runner, 10 << 20));
        }
        assert_eq!(history.len(), BYTES / (10 << 20));
        history.push(entry(&runner, 2 * BYTES));
        assert_eq!(history.len(), 1, "the newest entry always stays");
    }

    #[test]
    fn an_entry_counts_what_its_command_replaced_not_what_it_shares() {
        let mut runner = Runner::new(World::new(0));
        let mut cost = |line: &str| {
            let before = runner.snapshot().clone();
            let step = runner.step(line);
            entry_bytes(&before, &step, &runner.world)
        };
        cost("request.session['big'] = str(list(range(50000)))");
        let kept = cost("request.session['n'] = 1");
        let replaced = cost("request.session['big'] = str(list(range(1, 50000)))");
        // A write keeps the session's stored form (compressed), not the string.
        assert!(
            kept < 200 << 10,
            "{kept} bytes for a write beside a shared string"
        );
        assert!(
            replaced > kept + (300 << 10),
            "{replaced} bytes for a replaced string"
        );
    }
}
