//! A string → number table for names read once per row (OPD names): keys live in one arena and
//! the table holds 8-byte slots, so a lookup touches two cache lines and allocates nothing.
//!
//! The hash is a folded multiply over 8-byte words with a per-process random seed: fast on
//! short names, and a sheet cannot be crafted in advance to make every name collide. Nothing
//! iterates the table, so the seed never changes a result.

use std::hash::BuildHasher;

/// Names and their numbers; see the module documentation.
#[derive(Debug, Clone)]
pub struct Interner {
    seeds: [u64; 2],
    /// `hash >> 32 << 32 | (offset + 1)` where the entry starts in `arena`; 0 is an empty slot.
    /// A power of two long, at most half full.
    slots: Vec<u64>,
    /// Entries one after another: value (4 bytes), key length (4 bytes), key.
    arena: Vec<u8>,
    len: usize,
}

impl Default for Interner {
    fn default() -> Self {
        let random = std::collections::hash_map::RandomState::new();
        Interner {
            seeds: [random.hash_one(1u64) | 1, random.hash_one(2u64) | 1],
            slots: vec![0; 64],
            arena: Vec::new(),
            len: 0,
        }
    }
}

fn fold(a: u64, b: u64) -> u64 {
    let p = (a as u128).wrapping_mul(b as u128);
    (p as u64) ^ ((p >> 64) as u64)
}

/// Up to 8 bytes as a number (zero-padded), without a call to `memcpy`.
fn word(bytes: &[u8]) -> u64 {
    match bytes.first_chunk::<8>() {
        Some(w) => u64::from_le_bytes(*w),
        None => bytes.iter().rev().fold(0u64, |w, &b| (w << 8) | b as u64),
    }
}

/// Equal keys, compared word by word (names are short: no call to `memcmp`, which costs far
/// more than the comparison on this path).
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && a.chunks(8)
            .zip(b.chunks(8))
            .all(|(x, y)| word(x) == word(y))
}

impl Interner {
    fn hash(&self, key: &[u8]) -> u64 {
        let [s0, s1] = self.seeds;
        let h = key
            .chunks(8)
            .fold(s0 ^ key.len() as u64, |h, w| fold(h ^ word(w), s1));
        fold(h, s0)
    }

    fn read_u32(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.arena[at..at + 4].try_into().expect("4 bytes"))
    }

    /// The key and value of the entry at `offset`.
    fn entry(&self, offset: usize) -> (&[u8], u32) {
        let len = self.read_u32(offset + 4) as usize;
        (
            &self.arena[offset + 8..offset + 8 + len],
            self.read_u32(offset),
        )
    }

    /// The slot holding `key`, or the empty slot where it would go.
    fn find(&self, key: &[u8], hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        let tag = hash >> 32 << 32;
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return i;
            }
            if slot >> 32 << 32 == tag && same(self.entry((slot as u32 - 1) as usize).0, key) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// The value of `key`, if it was inserted.
    pub fn get(&self, key: &str) -> Option<u32> {
        let slot = self.slots[self.find(key.as_bytes(), self.hash(key.as_bytes()))];
        (slot != 0).then(|| self.entry((slot as u32 - 1) as usize).1)
    }

    /// Sets the value of `key` (replacing an earlier one).
    pub fn insert(&mut self, key: &str, value: u32) {
        let hash = self.hash(key.as_bytes());
        let i = self.find(key.as_bytes(), hash);
        if self.slots[i] != 0 {
            let at = (self.slots[i] as u32 - 1) as usize;
            self.arena[at..at + 4].copy_from_slice(&value.to_le_bytes());
            return;
        }
        let offset = u32::try_from(self.arena.len())
            .ok()
            .filter(|&o| o < u32::MAX)
            .expect("names fit in 4 GiB");
        self.arena.extend_from_slice(&value.to_le_bytes());
        self.arena.extend_from_slice(
            &u32::try_from(key.len())
                .expect("a short name")
                .to_le_bytes(),
        );
        self.arena.extend_from_slice(key.as_bytes());
        self.slots[i] = hash >> 32 << 32 | (offset as u64 + 1);
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            self.grow();
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn grow(&mut self) {
        let doubled = vec![0; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|&s| s != 0) {
            let hash = self.hash(self.entry((slot as u32 - 1) as usize).0);
            let mut i = hash as usize & mask;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn behaves_like_a_hash_map(ops in proptest::collection::vec(("[a-cA-C ]{0,12}", 0u32..100), 0..300)) {
            let mut table = Interner::default();
            let mut map = std::collections::HashMap::new();
            for (key, value) in &ops {
                prop_assert_eq!(table.get(key), map.get(key.as_str()).copied());
                table.insert(key, *value);
                map.insert(key.clone(), *value);
            }
            prop_assert_eq!(table.len(), map.len());
            for (key, value) in &map {
                prop_assert_eq!(table.get(key), Some(*value));
            }
            prop_assert_eq!(table.get("not a key, longer than any"), None);
        }
    }
}
