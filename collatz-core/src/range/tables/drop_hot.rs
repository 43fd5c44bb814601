//! The hot form of the drop table, for the summary path: 16 bytes per class, one multiply per
//! n. For n = q 2^16 + r with q >= `q_min`, the first drop below n is T^j(n) = q `mul` + `d`,
//! after `steps` C-steps (also the glide). Classes that never drop within the 16 steps get a
//! [`CONTINUE`] entry instead, which gives T^16(n) to follow n on from.
//!
//! When it runs: the summary and step-count paths read it for every n = 3 (mod 4) that the
//! class-by-class walk of `classes` does not take. Built once per process from the drop table.

use super::drop::{drop_table, stays_above_from, DROP_BITS};
use crate::step::{residue_steps, POW3};

/// The hot half of the drop table, for the summary path: for n = q 2^K + r with `steps` != 0
/// and q >= `q_min`, the first drop below n is T^j(n) = q `mul` + `d`, after `steps` C-steps
/// (which are also the glide). 16 bytes, walked in order of n.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DropHot {
    pub mul: u64,
    pub d: u32,
    pub q_min: u16,
    pub steps: u16,
}

/// Marks a [`DropHot`] entry whose class does not drop within `DROP_BITS` T-steps: `mul` and
/// `d` then give T^K(n) = q `mul` + `d` (no scaling), after `steps & !CONTINUE` C-steps, from
/// which the caller follows n further.
pub(crate) const CONTINUE: u16 = 0x8000;

/// [`drop_table`] in the [`DropHot`] layout; classes whose `q_min` needs more than 16 bits
/// are left to the caller's slow path. Classes that never drop within the K steps get a
/// [`CONTINUE`] entry instead.
pub(crate) fn drop_hot() -> &'static [DropHot] {
    static TABLE: std::sync::OnceLock<Vec<DropHot>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        drop_table()
            .iter()
            .enumerate()
            .map(|(i, e)| match u16::try_from(e.q_min) {
                Ok(q_min) if e.j != 0 => DropHot {
                    mul: (POW3[e.c as usize] as u64) << (DROP_BITS - e.j as u32),
                    d: e.d,
                    q_min,
                    steps: e.j as u16 + e.c as u16,
                },
                _ => continue_entry((i as u64) << 2 | 3).unwrap_or_default(),
            })
            .collect()
    })
}

/// The [`CONTINUE`] entry of residue r (= 3 mod 4), if its class stays at or above n for
/// all K steps once q is large enough.
fn continue_entry(r: u64) -> Option<DropHot> {
    let mut q_min: u128 = 0;
    let mut end = (r, 0);
    for (j, x, c) in residue_steps(r, DROP_BITS) {
        if POW3[c as usize] < 1u128 << j {
            return None; // the class drops for every large q
        }
        q_min = q_min.max(stays_above_from(r, j, x, c));
        end = (x, c);
    }
    let (x, c) = end;
    Some(DropHot {
        mul: POW3[c as usize] as u64,
        d: u32::try_from(x).ok()?,
        q_min: u16::try_from(q_min).ok()?,
        steps: CONTINUE | (DROP_BITS + c) as u16,
    })
}

#[cfg(test)]
mod tests {
    use super::super::drop::{drop_peak, drop_peak_bound, drop_slot};
    use super::*;
    use crate::range::follow::{follow_from, follow_pending};
    use crate::stats;

    #[test]
    fn the_hot_table_agrees_with_following() {
        let (hot, table) = (drop_hot(), drop_table());
        let mut used = 0;
        for n in (3u64..1 << 20)
            .step_by(4)
            .chain((1u64 << 40..(1 << 40) + (1 << 18)).skip(3).step_by(4))
        {
            let (slot, q) = drop_slot(n);
            let e = hot[slot];
            if e.steps == 0 || e.steps & CONTINUE != 0 || q < e.q_min as u64 {
                continue;
            }
            used += 1;
            let x = q * e.mul + e.d as u64;
            assert!(x < n, "n={n}");
            let (s, sx) = (stats(n).unwrap(), stats(x).unwrap());
            assert_eq!(e.steps as u64, s.stopping_time, "n={n}");
            assert_eq!(
                e.steps as u64 + sx.total_stopping_time,
                s.total_stopping_time,
                "n={n}"
            );
            let before_drop = follow_pending(n, n).unwrap().part.max;
            assert_eq!(drop_peak(table, n), before_drop, "n={n}");
            assert!(drop_peak(table, n) < drop_peak_bound(n), "n={n}");
        }
        assert!(used > 200_000, "{used}");
    }

    #[test]
    fn continue_entries_resume_exactly() {
        let hot = drop_hot();
        let mut used = 0;
        let starts = (3u64..1 << 21).step_by(4);
        for n in starts.chain(((1u64 << 40) + 3..(1 << 40) + (1 << 20)).step_by(4)) {
            let (slot, q) = drop_slot(n);
            let e = hot[slot];
            if e.steps & CONTINUE == 0 || q < e.q_min as u64 {
                continue;
            }
            used += 1;
            let steps = (e.steps & !CONTINUE) as u32;
            let x = q * e.mul + e.d as u64;
            let resumed = follow_from(n, n, x, steps, steps - DROP_BITS, n).unwrap();
            let whole = follow_pending(n, n).unwrap();
            assert_eq!(resumed.idx, whole.idx, "n={n}");
            assert_eq!(resumed.part.tst, whole.part.tst, "n={n}");
            assert_eq!(resumed.part.glide, whole.part.glide, "n={n}");
            assert_eq!(resumed.part.odd, whole.part.odd, "n={n}");
            assert!(resumed.part.max <= whole.part.max, "n={n}");
        }
        assert!(used > 20_000, "{used}");
    }
}
