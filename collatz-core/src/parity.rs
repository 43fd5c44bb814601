//! [`ParityVector`]: the parity bits of a shortcut trajectory.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The parity vector of a shortcut (T-map) trajectory: bit i is 1 when the i-th value of the
/// T-trajectory is odd, that is, when T-step i is (3x+1)/2 rather than x/2. Its length is the
/// number of T-steps to reach 1.
///
/// Stored packed, 64 bits a word. Written (`Display`, serde) as a string of `0`s and `1`s in
/// step order.
///
/// ```
/// let s = collatz_core::stats(7u64)?;
/// // 7 -> 11 -> 17 -> 26 -> 13 -> 20 -> 10 -> 5 -> 8 -> 4 -> 2 -> 1 under T
/// assert_eq!(s.parity_vector.to_string(), "11101001000");
/// assert_eq!(s.parity_vector.count_ones(), s.odd_steps);
/// # Ok::<(), collatz_core::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct ParityVector {
    words: Vec<u64>,
    len: u64,
}

impl ParityVector {
    /// An empty vector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of bits (T-steps).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether there are no bits (the trajectory of 1).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bit `i`, or `None` past the end.
    pub fn get(&self, i: u64) -> Option<bool> {
        (i < self.len).then(|| self.words[(i / 64) as usize] >> (i % 64) & 1 == 1)
    }

    /// Number of 1 bits (odd steps).
    pub fn count_ones(&self) -> u64 {
        self.words.iter().map(|w| w.count_ones() as u64).sum()
    }

    /// The bits in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = bool> + '_ {
        (0..self.len as usize).map(move |i| self.words[i / 64] >> (i % 64) & 1 == 1)
    }

    /// The packed words: bit i is bit `i % 64` of word `i / 64`; bits past `len` are 0.
    pub fn as_words(&self) -> &[u64] {
        &self.words
    }

    /// Appends one bit.
    pub fn push(&mut self, bit: bool) {
        if self.len % 64 == 0 {
            self.words.push(0);
        }
        if bit {
            let last = self.words.len() - 1;
            self.words[last] |= 1 << (self.len % 64);
        }
        self.len += 1;
    }

    /// Appends `k` zero bits.
    pub fn push_zeros(&mut self, k: u64) {
        self.len += k;
        let needed = self.len.div_ceil(64) as usize;
        self.words.resize(needed, 0);
    }
}

impl FromIterator<bool> for ParityVector {
    fn from_iter<I: IntoIterator<Item = bool>>(iter: I) -> Self {
        let mut v = ParityVector::new();
        for b in iter {
            v.push(b);
        }
        v
    }
}

impl fmt::Display for ParityVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s: String = self.iter().map(|b| if b { '1' } else { '0' }).collect();
        f.write_str(&s)
    }
}

impl fmt::Debug for ParityVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ParityVector(\"{self}\")")
    }
}

impl Serialize for ParityVector {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ParityVector {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.chars()
            .map(|c| match c {
                '0' => Ok(false),
                '1' => Ok(true),
                other => Err(serde::de::Error::custom(format!(
                    "parity vector: expected '0' or '1', found {other:?}"
                ))),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_and_read_back_across_word_boundaries() {
        let bits: Vec<bool> = (0..200).map(|i| i % 3 == 0 || i % 7 == 0).collect();
        let mut v = ParityVector::new();
        for (i, &b) in bits.iter().enumerate() {
            if !b && i % 5 == 0 {
                v.push_zeros(1);
            } else {
                v.push(b);
            }
        }
        assert_eq!(v.len(), 200);
        assert_eq!(v.iter().collect::<Vec<_>>(), bits);
        assert_eq!(v.count_ones(), bits.iter().filter(|&&b| b).count() as u64);
        assert_eq!(v.get(200), None);
        assert_eq!(v.get(63), Some(bits[63]));
        v.push_zeros(100);
        v.push(true);
        assert_eq!(v.len(), 301);
        assert_eq!(v.get(300), Some(true));
        assert_eq!(v.get(250), Some(false));
    }

    #[test]
    fn serde_as_bit_string() {
        let v: ParityVector = [true, false, true, true].into_iter().collect();
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, "\"1011\"");
        assert_eq!(serde_json::from_str::<ParityVector>(&json).unwrap(), v);
        assert!(serde_json::from_str::<ParityVector>("\"102\"").is_err());
    }
}
