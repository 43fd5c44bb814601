//! The jump table: JUMP_BITS (10) T-steps at once for every residue modulo 2^10, and the
//! lines of each of its steps.
//!
//! For x = 2^10 q + r, T^10(x) = `mul` q + `d` after `steps` C-steps ([`jump_table`], 12 KiB, in
//! L1); every T^i(x) on the way lies in [q `lo`, q `hi` + `dmax`], which lets the summary's
//! left-overs jump wherever no step can pass their path record. [`jump_lines`] (50 KiB) hold
//! each step's line, T^i(x) = `slope[i-1]` q + `d[i-1]`, and [`first_below`] finds from them the
//! first step that falls below n (the glide) without stepping through the jump.
//!
//! When it runs: [`descend`](super::super::follow::descend) and
//! [`descend_block`](super::super::follow::descend_block) walk with the table from values above
//! [`JUMP_FROM`]; `follow_records` reads the lines. Built once per process, in microseconds.
//! Why 10 bits: see [`JUMP_BITS`].

use crate::step::{residue_steps, POW3};

/// T-steps per entry of [`jump_table`]. At most 10, so that every field of a [`Jump`] fits
/// u16 (they are all at most 2^10 1.5^10 < 3^10 + 2^10) and the table (12 KiB) stays in L1:
/// 10 bits ran faster than 12 (64 KiB, from L2), whose extra steps per jump do not pay for the
/// slower loads on a walk that waits on each one (figures: docs/performance.md).
pub(crate) const JUMP_BITS: u32 = 10;

const _: () = assert!(JUMP_BITS <= 10);

/// [`descend`](super::super::follow::descend) jumps only from values above this.
pub(crate) const JUMP_FROM: u64 = 1 << JUMP_BITS;

/// One entry of [`jump_table`], for x = 2^JUMP_BITS q + r: T^JUMP_BITS(x) = `mul` q + `d`,
/// after `steps` C-steps; and every T^i(x), 1 <= i <= JUMP_BITS, lies in
/// [q `lo`, q `hi` + `dmax`] (for [`follow_records`](super::super::follow::follow_records)).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Jump {
    pub mul: u16,
    pub d: u16,
    pub steps: u16,
    pub lo: u16,
    pub hi: u16,
    pub dmax: u16,
}

/// The 2^JUMP_BITS-entry table of JUMP_BITS T-steps at once (12 KiB): a k-step table, k T-steps
/// by one multiply and one add.
pub(crate) fn jump_table() -> &'static [Jump] {
    static TABLE: std::sync::OnceLock<Vec<Jump>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        // the last line is the jump; the bounds hold every line: T^i(x) = slope_i q + d_i
        jump_lines()
            .iter()
            .map(|l| {
                let last = JUMP_BITS as usize - 1;
                Jump {
                    mul: l.slope[last],
                    d: l.d[last],
                    steps: l.steps[last] as u16,
                    lo: l.slope.iter().copied().min().unwrap_or(0),
                    hi: l.slope.iter().copied().max().unwrap_or(0),
                    dmax: l.d.iter().copied().max().unwrap_or(0),
                }
            })
            .collect()
    })
}

/// The lines of one [`jump_table`] entry, step by step, for x = 2^JUMP_BITS q + r: T^i(x) =
/// `slope[i - 1]` q + `d[i - 1]` after `steps[i - 1]` C-steps, 1 <= i <= JUMP_BITS. Lets
/// [`follow_records`](super::super::follow::follow_records) find where a jump first falls below n without stepping through it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct JumpLines {
    pub slope: [u16; JUMP_BITS as usize],
    pub d: [u16; JUMP_BITS as usize],
    pub steps: [u8; JUMP_BITS as usize],
}

/// The [`JumpLines`] of every residue modulo 2^JUMP_BITS (50 KiB, read only by the summary's
/// left-overs whose jump may fall below their n).
pub(crate) fn jump_lines() -> &'static [JumpLines] {
    static TABLE: std::sync::OnceLock<Vec<JumpLines>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0..1u64 << JUMP_BITS)
            .map(|r| {
                let mut lines = JumpLines::default();
                for (i, x, c) in residue_steps(r, JUMP_BITS) {
                    let k = (i - 1) as usize;
                    // (below 3^10 + 2^10 < 2^16 and 20: JUMP_BITS <= 10)
                    lines.slope[k] = ((POW3[c as usize] as u64) << (JUMP_BITS - i)) as u16;
                    lines.d[k] = x as u16;
                    lines.steps[k] = (i + c) as u8;
                }
                lines
            })
            .collect()
    })
}

/// The C-steps from x = 2^JUMP_BITS q + r to its first value below n within the JUMP_BITS
/// T-steps of `lines` (those of r); `None` if every one stays at or above n. Needs
/// q < 2^48 (every line then fits u64). Branch-free over the steps: a walk near its glide
/// would otherwise mispredict at every step.
#[inline(always)]
pub(crate) fn first_below(lines: &JumpLines, q: u64, n: u64) -> Option<u32> {
    debug_assert!(q < 1 << 48);
    let mut below = 0u32;
    for i in 0..JUMP_BITS as usize {
        let v = lines.slope[i] as u64 * q + lines.d[i] as u64;
        below |= ((v < n) as u32) << i;
    }
    (below != 0).then(|| lines.steps[below.trailing_zeros() as usize] as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jump_lines_find_the_first_step_below_n() {
        // every residue, several q, and bounds n around the values the jump passes through
        let lines = jump_lines();
        let mut found = [0u32; 2];
        for (r, l) in lines.iter().enumerate() {
            for q in [1u64, 3, 977, 1 << 20, (1 << 48) - 1] {
                let x = (q << JUMP_BITS) + r as u64;
                // the C-values of the jump, by the C map: (value, C-steps so far)
                let mut path = Vec::new();
                let (mut y, mut cs) = (x as u128, 0u32);
                for _ in 0..JUMP_BITS {
                    if y & 1 == 1 {
                        y = 3 * y + 1;
                        cs += 1;
                        path.push((y, cs));
                    }
                    y /= 2;
                    cs += 1;
                    path.push((y, cs));
                }
                let lowest = path.iter().map(|&(v, _)| v).min().unwrap();
                for n in [
                    lowest,
                    lowest + 1,
                    (lowest + x as u128) / 2,
                    x as u128,
                    x as u128 + 1,
                ] {
                    let Ok(n) = u64::try_from(n) else { continue };
                    let want = path.iter().find(|&&(v, _)| v < n as u128).map(|&(_, c)| c);
                    assert_eq!(first_below(l, q, n), want, "r={r} q={q} n={n}");
                    found[want.is_some() as usize] += 1;
                }
            }
        }
        // both outcomes were tried many times
        assert!(found[0] > 1000 && found[1] > 1000, "{found:?}");
    }
}
