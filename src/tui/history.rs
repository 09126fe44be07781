//! Undo in the app: the state before each of the last commands, each kept as
//! a [`Checkpoint`] whose rows are shared with the states around it.

use std::collections::VecDeque;

#[cfg(doc)]
use crate::runner::Runner;
use crate::runner::{Checkpoint, Snapshot, Step};
use crate::sim::request::Exchange;

/// How many commands undo reaches back.
pub const DEPTH: usize = 200;

/// The state of the work before one command.
#[derive(Clone, Debug)]
pub struct Undo {
    pub checkpoint: Checkpoint,
    pub last: Option<Step>,
    pub before: Snapshot,
    pub exchange: Option<(Exchange, bool)>,
    pub output_len: usize,
}

/// The states before the last [`DEPTH`] commands, newest last.
#[derive(Clone, Debug, Default)]
pub struct History {
    entries: VecDeque<Undo>,
}

impl History {
    /// Remember the state before a command, forgetting the oldest past [`DEPTH`].
    pub fn push(&mut self, undo: Undo) {
        if self.entries.len() == DEPTH {
            self.entries.pop_front();
        }
        self.entries.push_back(undo);
    }

    /// Take the state before the last command; its checkpoint goes to
    /// [`Runner::restore`].
    pub fn pop(&mut self) -> Option<Undo> {
        self.entries.pop_back()
    }

    /// Forget every state (the world was replaced).
    pub fn clear(&mut self) {
        self.entries.clear();
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
