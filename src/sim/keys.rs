//! A seeded generator of random strings, so that every run of a scenario makes
//! the same session keys (splitmix64; never the thread RNG).

/// `django.contrib.sessions.backends.base.VALID_KEY_CHARS`.
pub const VALID_KEY_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A reproducible source of random strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyGen {
    state: u64,
}

impl KeyGen {
    /// Characters of `get_random_string`'s default alphabet.
    pub const PASSWORD_CHARS: &'static [u8] =
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `get_random_string(length, alphabet)`.
    pub fn string(&mut self, length: usize, alphabet: &[u8]) -> String {
        (0..length)
            .map(|_| {
                // Rejection sampling keeps every character equally likely.
                let n = alphabet.len() as u64;
                let zone = u64::MAX - u64::MAX % n;
                loop {
                    let r = self.next_u64();
                    if r < zone {
                        break alphabet[(r % n) as usize] as char;
                    }
                }
            })
            .collect()
    }

    /// A new 32-character session key.
    pub fn session_key(&mut self) -> String {
        self.string(32, VALID_KEY_CHARS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_reproducible_and_well_formed() {
        let mut a = KeyGen::new(7);
        let mut b = KeyGen::new(7);
        let key = a.session_key();
        assert_eq!(key, b.session_key());
        assert_eq!(key.len(), 32);
        assert!(key.bytes().all(|c| VALID_KEY_CHARS.contains(&c)));
        assert_ne!(key, a.session_key());
        assert_ne!(KeyGen::new(8).session_key(), key);
    }
}
