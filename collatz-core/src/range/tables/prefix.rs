//! The prefix table: the total stopping time of every n below 2^16, computed once per process
//! in order of n (each n followed until it falls below itself).
//!
//! When it runs: every fresh memo of step counts alone starts from it (rather than from dozens
//! of tiny waves), and `columns()` of step counts from 1 copies it. What it costs: 128 KiB, built
//! in well under a millisecond, once per process.

use crate::step::t_step;

/// Entries in [`prefix_table`].
pub(crate) const PREFIX_LEN: usize = 1 << 16;

/// The total stopping times of every n below [`PREFIX_LEN`] (index 0 unused), computed once
/// per process in order of n, each n followed until it falls below itself: what every fresh
/// memo starts from.
pub(crate) fn prefix_table() -> &'static [u16] {
    static TABLE: std::sync::OnceLock<Vec<u16>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = vec![0u16; PREFIX_LEN];
        for n in 2..PREFIX_LEN {
            t[n] = if n % 2 == 0 {
                t[n / 2] + 1
            } else {
                // values from n < 2^16 stay far below 2^64 (their maxima are below 2^36)
                let (mut x, mut steps) = (n as u64, 0u16);
                while x >= n as u64 {
                    // an odd step is two C-steps, an even one one
                    let (y, odd) = t_step(x);
                    x = y;
                    steps += 1 + odd as u16;
                }
                steps + t[x as usize]
            };
        }
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats;

    #[test]
    fn the_prefix_table_is_every_total_stopping_time() {
        let t = prefix_table();
        assert_eq!(t.len(), PREFIX_LEN);
        for n in (1..PREFIX_LEN as u64)
            .step_by(13)
            .chain([27, 1 << 15, PREFIX_LEN as u64 - 1])
        {
            assert_eq!(
                t[n as usize] as u64,
                stats(n).unwrap().total_stopping_time,
                "n={n}"
            );
        }
    }
}
