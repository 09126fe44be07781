//! Undo in the app: the state before each of the last commands, each kept as
//! a [`Checkpoint`] whose rows are shared with the states around it.

use std::collections::VecDeque;

#[cfg(doc)]
use crate::runner::Runner;
use crate::runner::{Checkpoint, Snapshot, Step};
use crate::sim::request::Exchange;

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

/// About how many bytes a world holds, judged by what its snapshot shows
/// (an undo entry keeps the world, the snapshot before and the last step).
pub fn approx_bytes(snapshot: &Snapshot) -> usize {
    let jar: usize = snapshot
        .jar
        .iter()
        .map(|c| c.name.len() + c.value.len() + 64)
        .sum();
    let store: usize = snapshot
        .store
        .iter()
        .map(|s| {
            let data = s
                .data
                .iter()
                .map(|(k, v)| value_bytes(k) + value_bytes(v))
                .sum::<usize>();
            s.key.len() + s.location.len() + s.raw.len() + data + 128
        })
        .sum();
    2 * (jar + store) + 1024
}

/// About how many bytes a value holds (shared parts counted each time they
/// are met, up to a million items).
fn value_bytes(value: &crate::sim::Value) -> usize {
    use crate::sim::Value;
    let mut pending = vec![value.clone()];
    let (mut bytes, mut seen) = (0usize, 0usize);
    while let Some(v) = pending.pop() {
        seen += 1;
        if seen + pending.len() > 2_000_000 {
            break;
        }
        bytes += 32;
        match &v {
            Value::Str(s) => bytes += s.len(),
            Value::BigInt(s) => bytes += s.len(),
            Value::Bytes(b) => bytes += b.len(),
            Value::List(l) | Value::Set(l) => pending.extend(l.borrow().iter().cloned()),
            Value::Tuple(t) => pending.extend(t.iter().cloned()),
            Value::Dict(d) => {
                for (k, v) in d.borrow().iter() {
                    pending.push(k.clone());
                    pending.push(v.clone());
                }
            }
            _ => {}
        }
    }
    bytes
}
