//! The residue sieve of verification: the classes r modulo 2^k whose members n = q 2^k + r
//! (q >= 1) never fall below themselves in their first k T-steps, each with those k steps
//! computed once.
//!
//! The first k T-steps of n depend on r alone: after j of them, with c_j odd steps among them,
//! T^j(n) = 3^(c_j) (n >> j) + T^j(r mod 2^j). A class whose members all fall below themselves
//! within k steps needs no work at all; at k = 32 that is 99.04% of the classes, and no
//! surviving class has a member that falls (every survivor is "clean" for every q >= 1), so a
//! member of a surviving class is followed from T^k(n) = 3^c q + T^k(r) with one multiply.
//!
//! The classes are enumerated depth first, one bit of r at a time from the lowest: the two
//! children of a class r mod 2^j are r and r + 2^j, and T^j(r + 2^j) = T^j(r) + 3^(c_j), so
//! each level costs one step per live class. A class is dropped at the first level where all
//! of its members fall below themselves, so the tree stays near the survivors' size: the 41.3
//! million survivors of k = 32 take about 0.5 s on one core, which is why the sieve is
//! enumerated on every call that needs it (in parallel, by subtrees) and never stored: a
//! bitmap of 2^32 classes would take 512 MiB, a table of survivors with their steps 1 GiB,
//! against 0.5 s of computation spread over the threads of a run that checks 2^32 numbers or
//! more (see docs/performance.md, "Verification").
//!
//! For ranges too short to pay for that, [`small_table`] keeps a bitmap of the classes modulo
//! 2^16 (8 KiB) built once.

use std::sync::OnceLock;

use crate::step::{residue_jump, t_step, POW3};

/// The bits of the sieve of long verifications: a member n of a surviving class is one that
/// stays at or above n for its first `SIEVE_BITS` T-steps.
pub const SIEVE_BITS: u32 = 32;

/// The bits of the small table, for short ranges.
pub(super) const SMALL_BITS: u32 = 16;

/// The bits of the join table: classes r mod 2^JOIN_BITS whose paths meet a smaller class's.
pub const JOIN_BITS: u32 = 20;

/// A class r mod 2^k that survives the sieve, with its first k T-steps: for n = q 2^k + r,
/// T^k(n) = 3^c q + d, and every T^j(n) for 1 <= j <= k is at most `slope` q + `top`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Class {
    /// The residue.
    pub r: u64,
    /// The odd steps among the first k.
    pub c: u32,
    /// T^k(r).
    pub d: u64,
    /// The largest 3^(c_j) 2^(k - j) over 1 <= j <= k.
    pub slope: u64,
    /// The largest T^j(r) + 3^(c_j) (2^(k - j) - 1) over 1 <= j <= k (so that
    /// `slope` q + `top` bounds T^j(n) whatever the bits of r above j).
    pub top: u64,
    /// Whether every member n with q >= 1 stays at or above n for all k steps. Always true
    /// for k <= 32 (checked by a test); a class that is not clean is checked number by number.
    pub clean: bool,
}

/// The state of one class r mod 2^j during the enumeration.
#[derive(Clone, Copy)]
struct Node {
    r: u64,
    j: u32,
    x: u64,
    c: u32,
    slope: u64,
    top: u64,
    clean: bool,
}

/// Which classes [`for_each_class`] leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Drop {
    /// Those whose members all fall below themselves within k steps.
    Falling,
    /// Those, and (for k > [`JOIN_BITS`]) those of the [`join_table`].
    FallingOrJoining,
}

/// Calls `f` for each surviving class r mod 2^k whose lowest `prefix_bits` bits are `prefix`,
/// in no particular order. `k` is at most 36 (so that every bound fits in 64 bits).
pub(super) fn for_each_class(
    k: u32,
    prefix: u64,
    prefix_bits: u32,
    drop: Drop,
    f: &mut impl FnMut(&Class),
) {
    assert!(k <= 36 && prefix_bits <= k, "sieve of {k} bits");
    let root = Node {
        r: 0,
        j: 0,
        x: 0,
        c: 0,
        slope: 0,
        top: 0,
        clean: true,
    };
    let walk = Walk {
        k,
        prefix,
        prefix_bits,
        join: (drop == Drop::FallingOrJoining && k > JOIN_BITS).then(join_table),
    };
    walk.descend(root, f);
}

/// The fixed arguments of one enumeration.
struct Walk {
    k: u32,
    prefix: u64,
    prefix_bits: u32,
    join: Option<&'static [u64]>,
}

impl Walk {
    fn descend(&self, node: Node, f: &mut impl FnMut(&Class)) {
        let Walk {
            k,
            prefix,
            prefix_bits,
            join,
        } = *self;
        if let Some(table) = join {
            if node.j == JOIN_BITS && joins(table, node.r as u128) {
                return;
            }
        }
        if node.j == k {
            f(&Class {
                r: node.r,
                c: node.c,
                d: node.x,
                slope: node.slope,
                top: node.top,
                clean: node.clean,
            });
            return;
        }
        let j = node.j;
        let bits: &[u64] = if j < prefix_bits {
            if (prefix >> j) & 1 == 0 {
                &[0]
            } else {
                &[1]
            }
        } else {
            &[0, 1]
        };
        for &bit in bits {
            let r = node.r | bit << j;
            let x = node.x + bit * POW3[node.c as usize] as u64;
            if let Some(child) = step(k, r, x, node) {
                self.descend(child, f);
            }
        }
    }
}

/// Level j + 1 of the class r mod 2^(j+1) with T^j(r) = x: None if every member n >= 2^k
/// falls below itself at this step.
#[inline]
fn step(k: u32, r: u64, x: u64, parent: Node) -> Option<Node> {
    let (x, odd) = t_step(x);
    let c = parent.c + odd;
    let j = parent.j + 1;
    // T^j(n) = 3^c q' + x with q' = n >> j >= 2^(k - j) for every n >= 2^k; in u64 for
    // k <= 36: (2^j - 3^c) 2^(k - j) < 2^k, 3^c 2^(k - j) <= 3^k < 2^58, x < 2^k (3/2)^k < 2^58
    let (two_j, three_c) = (1u64 << j, POW3[c as usize] as u64);
    let mut clean = parent.clean;
    if three_c < two_j {
        // T^j(n) < n = q' 2^j + r for every q' >= 2^(k - j)?
        if ((two_j - three_c) << (k - j)) + r > x {
            return None;
        }
        clean = false;
    } else if ((three_c - two_j) << (k - j)) + x < r {
        clean = false;
    }
    // T^j(n) = 3^c (n >> j) + x with n >> j = q 2^(k - j) + (r' >> j) for the full residue
    // r' < 2^k of n: at most 3^c 2^(k - j) q + 3^c (2^(k - j) - 1) + x
    let slope = three_c << (k - j);
    let top = x + (slope - three_c);
    Some(Node {
        r,
        j,
        x,
        c,
        slope: parent.slope.max(slope),
        top: parent.top.max(top),
        clean,
    })
}

/// The classes r mod 2^[`JOIN_BITS`] whose members n join the path of a smaller number: some
/// r' < r has the same odd steps c and the same T^j(r') = T^j(r) after j = JOIN_BITS steps,
/// so n' = n - (r - r') < n has T^j(n') = 3^c (n >> j) + T^j(r') = T^j(n). (Paths that meet
/// after fewer steps meet again at j.) One bit per class, built once: 2^20 classes stepped 20
/// times and sorted by (c, T^j(r)), about 0.1 s; 17.6% of the survivors of the 2^32 sieve are
/// removed, and each of those is a whole walk saved.
pub(super) fn join_table() -> &'static [u64] {
    static TABLE: OnceLock<Vec<u64>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let size = 1usize << JOIN_BITS;
        // (c, T^j(r)) in one key: T^j(r) < 2^j (3/2)^j < 2^32 for j = 20
        let mut keys: Vec<(u64, u32)> = (0..size as u64)
            .map(|r| {
                let (x, c) = residue_jump(r, JOIN_BITS);
                ((c as u64) << 40 | x, r as u32)
            })
            .collect();
        keys.sort_unstable();
        let mut bits = vec![0u64; size / 64];
        for pair in keys.windows(2) {
            if pair[0].0 == pair[1].0 {
                let r = pair[1].1 as usize;
                bits[r / 64] |= 1 << (r % 64);
            }
        }
        bits
    })
}

/// Whether n's class mod 2^[`JOIN_BITS`] joins a smaller number's path (any n >= 1).
#[inline]
pub(super) fn joins(table: &[u64], n: u128) -> bool {
    let r = (n as u64) & ((1 << JOIN_BITS) - 1);
    (table[(r >> 6) as usize] >> (r & 63)) & 1 == 1
}

/// Whether class r mod 2^[`SMALL_BITS`] survives, for n >= 2^SMALL_BITS: one bit per class,
/// built once (8 KiB).
pub(super) fn small_table() -> &'static [u64] {
    static TABLE: OnceLock<Vec<u64>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut bits = vec![0u64; 1 << (SMALL_BITS - 6)];
        for_each_class(SMALL_BITS, 0, 0, Drop::Falling, &mut |c| {
            // a class that is not clean is followed number by number
            bits[(c.r >> 6) as usize] |= 1 << (c.r & 63);
        });
        bits
    })
}

/// Whether n's class survives the small table (n >= 2^SMALL_BITS).
#[inline]
pub(super) fn survives_small(table: &[u64], n: u128) -> bool {
    let r = (n as u64) & ((1 << SMALL_BITS) - 1);
    (table[(r >> 6) as usize] >> (r & 63)) & 1 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first k T-steps of n, directly: (T^k(n), odd steps, whether some T^j(n) < n for
    /// 1 <= j <= k, the largest T^j(n) for 1 <= j <= k).
    fn direct(n: u128, k: u32) -> (u128, u32, bool, u128) {
        let (mut x, mut c, mut fell, mut top) = (n, 0, false, 0);
        for _ in 0..k {
            if x % 2 == 1 {
                x = x + (x >> 1) + 1;
                c += 1;
            } else {
                x /= 2;
            }
            fell |= x < n;
            top = top.max(x);
        }
        (x, c, fell, top)
    }

    #[test]
    fn the_sieve_matches_a_direct_computation_for_small_k() {
        for k in [1u32, 2, 5, 8, 12] {
            let mut classes = vec![None; 1 << k];
            for_each_class(k, 0, 0, Drop::Falling, &mut |c| {
                classes[c.r as usize] = Some(*c)
            });
            for r in 0..1u64 << k {
                for q in [1u128, 2, 3, 1000, 1 << 40, (1 << 90) + 12345] {
                    let n = q << k | r as u128;
                    let (x, c, fell, top) = direct(n, k);
                    match classes[r as usize] {
                        None => assert!(fell, "k = {k}: n = {n} is in a dropped class"),
                        Some(cl) => {
                            assert!(cl.clean, "k = {k}, r = {r}");
                            assert!(!fell, "k = {k}: n = {n} falls in a surviving class");
                            assert_eq!(x, POW3[cl.c as usize] * q + cl.d as u128);
                            assert_eq!(c, cl.c);
                            assert!(top <= cl.slope as u128 * q + cl.top as u128);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn prefixes_split_the_enumeration_exactly() {
        let k = 14;
        let mut all = Vec::new();
        for_each_class(k, 0, 0, Drop::FallingOrJoining, &mut |c| all.push(*c));
        let mut parts = Vec::new();
        for p in 0..1 << 5 {
            for_each_class(k, p, 5, Drop::FallingOrJoining, &mut |c| {
                assert_eq!(c.r & 31, p);
                parts.push(*c)
            });
        }
        all.sort_by_key(|c| c.r);
        parts.sort_by_key(|c| c.r);
        assert_eq!(all, parts);
    }

    #[test]
    fn survivor_counts_are_the_published_ones() {
        // the classes mod 2^k that do not fall below themselves within k steps: OEIS A076227
        // gives 1, 1, 1, 2, 3, 4, 8, 13, 19, 38, 64 for k = 0..10, 27328 for k = 20 and
        // 286581 for k = 24
        let counts: Vec<u64> = (1..=10)
            .map(|k| {
                let mut n = 0;
                for_each_class(k, 0, 0, Drop::Falling, &mut |_| n += 1);
                n
            })
            .collect();
        assert_eq!(counts, [1, 1, 2, 3, 4, 8, 13, 19, 38, 64]);
        for (k, expected) in [(20, 27328), (24, 286581)] {
            let mut n = 0u64;
            for_each_class(k, 0, 0, Drop::Falling, &mut |_| n += 1);
            assert_eq!(n, expected, "k = {k}");
        }
    }

    #[test]
    fn the_join_table_holds_classes_whose_paths_meet_a_smaller_ones() {
        let table = join_table();
        let joined: Vec<u64> = (0..1u64 << JOIN_BITS)
            .filter(|&r| joins(table, r as u128))
            .collect();
        assert!(!joins(table, 0) && joined.len() > 1000);
        let step20 = |n: u128| {
            let (mut x, mut c) = (n, 0);
            for _ in 0..JOIN_BITS {
                if x % 2 == 1 {
                    x = x + (x >> 1) + 1;
                    c += 1;
                } else {
                    x /= 2;
                }
            }
            (x - 3u128.pow(c) * (n >> JOIN_BITS), c)
        };
        // each joined class, checked on members n: a smaller n' of the same 2^20-block meets
        // it after 20 steps, with the same odd steps
        for &r in joined.iter().step_by(20011) {
            for q in [0u128, 1 << 60] {
                let n = q << JOIN_BITS | r as u128;
                let meets = (q << JOIN_BITS..n).any(|m| step20(m) == step20(n));
                assert!(meets, "n = {n}");
            }
        }
        // and a class left in is one no smaller class meets
        for r in (0..1u128 << 12).filter(|&r| !joins(table, r)).step_by(7) {
            assert!((0..r).all(|m| step20(m) != step20(r)), "r = {r}");
        }
        // with a 2^24 sieve: Bařina's, which also removes the classes that join, keeps 234156
        // classes; joins after 20 steps alone leave 234885
        let mut n = 0u64;
        for_each_class(24, 0, 0, Drop::FallingOrJoining, &mut |_| n += 1);
        assert_eq!(n, 234885);
    }

    #[test]
    fn the_small_table_holds_the_survivors_of_2_to_the_16() {
        let table = small_table();
        let mut n = 0;
        for_each_class(SMALL_BITS, 0, 0, Drop::Falling, &mut |c| {
            n += 1;
            assert!(survives_small(table, (5u128 << SMALL_BITS) + c.r as u128));
        });
        let set: u32 = table.iter().map(|w| w.count_ones()).sum();
        assert_eq!(set, n);
    }
}
