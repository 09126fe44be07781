//! Collections whose copies share their rows, so that keeping the world as
//! it stood before each command (undo) and the views of it (the panes, the
//! transcript) costs what a command changed, not what the world holds.
//!
//! - [`SharedMap`]: rows found by their text key (the `django_session`
//!   table, the session files). A copy costs one pointer; a change copies
//!   the one bucket it falls in. It remembers the keys it was changed at
//!   since they were last taken.
//! - [`Rows`]: rows kept in an order (the jar and the store as the panes
//!   list them). A copy costs one pointer; a change copies one chunk of at
//!   most 128 pointers and the list of chunks.

use std::cmp::Ordering;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::rc::Rc;

/// A row with a text key.
pub trait Keyed {
    fn key(&self) -> &str;
}

/// Rows by key, shared between copies.
#[derive(Debug)]
pub struct SharedMap<T> {
    buckets: Rc<Vec<Rc<Vec<Rc<T>>>>>,
    len: usize,
    /// Keys inserted or removed since [`SharedMap::take_touched`].
    touched: Vec<String>,
}

/// Rows per bucket, on average, before the buckets double.
const LOAD: usize = 16;

impl<T> Clone for SharedMap<T> {
    fn clone(&self) -> Self {
        Self {
            buckets: Rc::clone(&self.buckets),
            len: self.len,
            touched: self.touched.clone(),
        }
    }
}

impl<T> Default for SharedMap<T> {
    fn default() -> Self {
        Self {
            buckets: Rc::new((0..8).map(|_| Rc::default()).collect()),
            len: 0,
            touched: Vec::new(),
        }
    }
}

fn bucket_of(key: &str, buckets: usize) -> usize {
    // The same hash in every run: the table's order never depends on luck.
    let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(key);
    (hash as usize) & (buckets - 1)
}

impl<T: Keyed> SharedMap<T> {
    /// How many rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The row with `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.buckets[bucket_of(key, self.buckets.len())]
            .iter()
            .find(|r| r.key() == key)
            .map(|r| &**r)
    }

    /// Whether a row has `key`.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Every row, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.buckets.iter().flat_map(|b| b.iter().map(|r| &**r))
    }

    /// Put `row` in, in place of the row with its key if there is one.
    pub fn insert(&mut self, row: T) {
        let key = row.key().to_string();
        let n = self.buckets.len();
        let bucket = Rc::make_mut(&mut Rc::make_mut(&mut self.buckets)[bucket_of(&key, n)]);
        match bucket.iter_mut().find(|r| r.key() == key) {
            Some(slot) => *slot = Rc::new(row),
            None => {
                bucket.push(Rc::new(row));
                self.len += 1;
            }
        }
        self.touched.push(key);
        if self.len > LOAD * n {
            self.grow();
        }
    }

    /// Take the row with `key` out; false if there was none.
    pub fn remove(&mut self, key: &str) -> bool {
        let n = self.buckets.len();
        let i = bucket_of(key, n);
        let Some(at) = self.buckets[i].iter().position(|r| r.key() == key) else {
            return false;
        };
        Rc::make_mut(&mut Rc::make_mut(&mut self.buckets)[i]).remove(at);
        self.len -= 1;
        self.touched.push(key.to_string());
        true
    }

    /// Keep only the rows `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        for i in 0..self.buckets.len() {
            if self.buckets[i].iter().all(|r| keep(r)) {
                continue;
            }
            let bucket = Rc::make_mut(&mut Rc::make_mut(&mut self.buckets)[i]);
            let touched = &mut self.touched;
            let before = bucket.len();
            bucket.retain(|r| {
                let kept = keep(r);
                if !kept {
                    touched.push(r.key().to_string());
                }
                kept
            });
            self.len -= before - bucket.len();
        }
    }

    /// The keys changed since the last call.
    pub fn take_touched(&mut self) -> Vec<String> {
        std::mem::take(&mut self.touched)
    }

    fn grow(&mut self) {
        let n = self.buckets.len() * 2;
        let mut buckets: Vec<Vec<Rc<T>>> = vec![Vec::new(); n];
        for row in self.buckets.iter().flat_map(|b| b.iter()) {
            buckets[bucket_of(row.key(), n)].push(Rc::clone(row));
        }
        self.buckets = Rc::new(buckets.into_iter().map(Rc::new).collect());
    }
}

/// Rows in an order, shared between copies.
#[derive(Debug)]
pub struct Rows<T> {
    chunks: Rc<Vec<Rc<Vec<Rc<T>>>>>,
    len: usize,
}

/// Rows a chunk is cut to; a chunk splits past twice this.
const CHUNK: usize = 64;

impl<T> Clone for Rows<T> {
    fn clone(&self) -> Self {
        Self {
            chunks: Rc::clone(&self.chunks),
            len: self.len,
        }
    }
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Self {
            chunks: Rc::default(),
            len: 0,
        }
    }
}

impl<T> FromIterator<T> for Rows<T> {
    /// Rows already in their order.
    fn from_iter<I: IntoIterator<Item = T>>(rows: I) -> Self {
        let mut chunks = Vec::new();
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut len = 0;
        for row in rows {
            chunk.push(Rc::new(row));
            len += 1;
            if chunk.len() == CHUNK {
                chunks.push(Rc::new(std::mem::replace(
                    &mut chunk,
                    Vec::with_capacity(CHUNK),
                )));
            }
        }
        if !chunk.is_empty() {
            chunks.push(Rc::new(chunk));
        }
        Self {
            chunks: Rc::new(chunks),
            len,
        }
    }
}

impl<T> Rows<T> {
    /// How many rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The rows in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone + '_ {
        self.chunks.iter().flat_map(|c| c.iter().map(|r| &**r))
    }

    /// Where the row `order` finds (`order` tells how a row stands to the
    /// one sought, as [`slice::binary_search_by`] asks): its chunk and place,
    /// or where it would go.
    fn locate(&self, order: &impl Fn(&T) -> Ordering) -> (usize, Result<usize, usize>) {
        // The first chunk whose last row is not before the one sought.
        let c = self.chunks.partition_point(|chunk| {
            chunk
                .last()
                .is_some_and(|last| order(last) == Ordering::Less)
        });
        if c == self.chunks.len() {
            let last = self.chunks.len().saturating_sub(1);
            let at = self.chunks.get(last).map_or(0, |chunk| chunk.len());
            return (last, Err(at));
        }
        (c, self.chunks[c].binary_search_by(|r| order(r)))
    }

    /// The row `order` finds.
    pub fn find(&self, order: impl Fn(&T) -> Ordering) -> Option<&T> {
        match self.locate(&order) {
            (c, Ok(i)) => Some(&self.chunks[c][i]),
            _ => None,
        }
    }

    /// Put `row` where `order` finds its place, in place of the row there;
    /// `None` takes that row out.
    pub fn put(&mut self, order: impl Fn(&T) -> Ordering, row: Option<T>) {
        let (c, at) = self.locate(&order);
        let chunks = Rc::make_mut(&mut self.chunks);
        if chunks.is_empty() {
            chunks.push(Rc::default());
        }
        let chunk = Rc::make_mut(&mut chunks[c]);
        match (at, row) {
            (Ok(i), Some(row)) => chunk[i] = Rc::new(row),
            (Ok(i), None) => {
                chunk.remove(i);
                self.len -= 1;
                if chunk.is_empty() {
                    chunks.remove(c);
                }
            }
            (Err(i), Some(row)) => {
                chunk.insert(i, Rc::new(row));
                self.len += 1;
                if chunk.len() > 2 * CHUNK {
                    let tail = chunk.split_off(CHUNK);
                    chunks.insert(c + 1, Rc::new(tail));
                }
            }
            (Err(_), None) => {
                if chunk.is_empty() {
                    chunks.remove(c);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Keyed for (String, u32) {
        fn key(&self) -> &str {
            &self.0
        }
    }

    #[test]
    fn a_map_copy_keeps_its_rows_when_the_original_changes() {
        let mut map = SharedMap::default();
        for i in 0..1000u32 {
            map.insert((format!("k{i}"), i));
        }
        let copy = map.clone();
        map.insert(("k7".into(), 70));
        assert!(map.remove("k8"));
        assert!(!map.remove("k8"));
        map.retain(|(_, v)| v % 2 == 0 || *v > 500);
        assert_eq!(copy.len(), 1000);
        assert_eq!(copy.get("k7"), Some(&("k7".into(), 7)));
        assert_eq!(map.get("k7"), Some(&("k7".into(), 70)));
        assert!(copy.contains("k8") && !map.contains("k8"));
        assert!(!map.contains("k9") && map.contains("k501"));
        assert_eq!(map.len(), map.iter().count());
        // Odd values up to 500 went, and k8 before them; k7 now holds 70.
        let model = (0..1000u32).filter(|&i| i != 8 && (i % 2 == 0 || i > 500 || i == 7));
        assert_eq!(map.len(), model.count());
        let touched = map.take_touched();
        assert!(touched.contains(&"k7".to_string()) && touched.contains(&"k9".to_string()));
        assert!(map.take_touched().is_empty());
    }

    #[test]
    fn rows_stay_in_order_through_inserts_replacements_and_removals() {
        let mut rows: Rows<u32> = (0..300).map(|i| i * 2).collect();
        let copy = rows.clone();
        let at = |n: u32| move |r: &u32| r.cmp(&n);
        for n in (1..600).step_by(4) {
            rows.put(at(n), Some(n));
        }
        for n in (0..600).step_by(3) {
            rows.put(at(n), None);
        }
        rows.put(at(10_000), Some(10_000));
        rows.put(at(10_001), None);
        let mut model: Vec<u32> = (0..300).map(|i| i * 2).chain((1..600).step_by(4)).collect();
        model.retain(|n| n % 3 != 0);
        model.push(10_000);
        model.sort_unstable();
        assert_eq!(rows.iter().copied().collect::<Vec<_>>(), model);
        assert_eq!(rows.len(), model.len());
        assert_eq!(rows.find(at(5)), Some(&5));
        assert_eq!(rows.find(at(6)), None);
        assert_eq!(copy.iter().count(), 300);
        assert_eq!(copy.find(at(6)), Some(&6));
        let mut empty: Rows<u32> = Rows::default();
        empty.put(at(1), None);
        empty.put(at(1), Some(1));
        assert_eq!(empty.iter().collect::<Vec<_>>(), [&1]);
    }
}
