//! The per-number kernel of the range engine, and the memo it reads.

use crate::walk::POW3;

/// Dense tables of results for every 1 <= n < `bound()`, grown in waves by the engine.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    /// Total stopping times; index 0 is unused.
    pub tst: Vec<u16>,
    /// Odd steps, when the memo was built with them.
    pub odd: Option<Vec<u16>>,
    /// Maximum excursions, when the memo was built with them.
    pub max: Option<Vec<u64>>,
}

impl Memo {
    pub fn new(odd: bool, max: bool) -> Self {
        Memo {
            tst: vec![0, 0],
            odd: odd.then(|| vec![0, 0]),
            max: max.then(|| vec![0, 1]),
        }
    }

    /// Every n below this has its entries.
    pub fn bound(&self) -> u64 {
        self.tst.len() as u64
    }

    pub fn bytes(&self) -> usize {
        self.tst.capacity() * 2
            + self.odd.as_ref().map_or(0, |v| v.capacity() * 2)
            + self.max.as_ref().map_or(0, |v| v.capacity() * 8)
    }

    pub fn view(&self) -> MemoView<'_> {
        MemoView {
            tst: &self.tst,
            odd: self.odd.as_deref(),
            max: self.max.as_deref(),
        }
    }
}

/// Read access to a prefix of the memo.
#[derive(Clone, Copy)]
pub(crate) struct MemoView<'a> {
    pub tst: &'a [u16],
    pub odd: Option<&'a [u16]>,
    pub max: Option<&'a [u64]>,
}

/// Everything the kernel learns about one start value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Out {
    pub tst: u32,
    pub glide: u32,
    pub odd: u32,
    /// The exact maximum excursion when the memo has maxima; otherwise the largest value met
    /// before the trajectory fell below the memo bound (exact for records, see `summary.rs`).
    pub max: u128,
}

/// A result still waiting for its memo entry: the final result is this plus the memo's entries
/// at `idx` (index 0 holds zeros, so a finished result uses idx = 0). Splitting the memo
/// lookup off lets a block of start values issue their (cache-missing) lookups together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pending {
    pub part: Out,
    pub idx: u64,
}

impl Pending {
    /// Adds the memo's entries at `idx`.
    #[inline(always)]
    pub fn finish(&self, memo: &MemoView) -> Out {
        let i = self.idx as usize;
        Out {
            tst: self.part.tst + memo.tst[i] as u32,
            glide: self.part.glide,
            odd: self.part.odd + memo.odd.map_or(0, |o| o[i] as u32),
            max: memo
                .max
                .map_or(self.part.max, |m| self.part.max.max(m[i] as u128)),
        }
    }
}

/// Follows n (>= 2) until its value falls below `p` (<= n, and the memo covers [1, p)), with
/// trailing-zero stripping and Bařina odd runs; the glide is found exactly on the way, the
/// maximum at the end of each odd run. `None` when a value outgrows u64: the caller falls
/// back to the arbitrary-precision path.
#[cfg(test)]
pub(crate) fn follow(n: u64, p: u64, memo: &MemoView) -> Option<Out> {
    follow_pending(n, p).map(|pending| pending.finish(memo))
}

/// [`follow`] without the final memo lookup.
#[inline(always)]
pub(crate) fn follow_pending(n: u64, p: u64) -> Option<Pending> {
    let mut x = n;
    let mut steps: u32 = 0;
    let mut odd: u32 = 0;
    let mut glide: u32 = 0;
    let mut mx: u64 = n;
    loop {
        if x & 1 == 0 {
            let tz = x.trailing_zeros();
            let y = x >> tz;
            if glide == 0 && y < n {
                // the first of these halvings that lands below n
                let mut j = 1;
                while (x >> j) >= n {
                    j += 1;
                }
                glide = steps + j;
            }
            steps += tz;
            x = y;
            if x < p {
                break;
            }
        }
        // x odd and >= p >= 1; x = 1 only if p = 1, which callers never pass
        let a = x.trailing_ones().min(40);
        let v = ((x >> a) + 1).checked_mul(POW3[a as usize] as u64)?;
        // v - 1 = T^a(x); the last 3y+1 of the run, 2(v - 1), is the run's peak
        let peak = (v - 1).checked_mul(2)?;
        x = v - 1;
        steps += 2 * a;
        odd += a;
        if peak > mx {
            mx = peak;
        }
    }
    Some(Pending {
        part: Out {
            tst: steps,
            glide,
            odd,
            max: mx as u128,
        },
        idx: x,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats;

    fn memo_upto(bound: u64) -> Memo {
        let mut m = Memo::new(true, true);
        for n in 2..bound {
            let s = stats(n).unwrap();
            m.tst.push(s.total_stopping_time as u16);
            m.odd.as_mut().unwrap().push(s.odd_steps as u16);
            m.max.as_mut().unwrap().push(s.max.as_u64().unwrap());
        }
        m
    }

    #[test]
    fn follow_matches_stats_for_every_p() {
        let memo = memo_upto(1000);
        let view = memo.view();
        for n in 2..3000u64 {
            let s = stats(n).unwrap();
            for p in [n.min(999), 2, 17.min(n), n.min(500)] {
                let out = follow(n, p, &view).unwrap();
                assert_eq!(out.tst as u64, s.total_stopping_time, "n={n} p={p}");
                assert_eq!(out.glide as u64, s.stopping_time, "n={n} p={p}");
                assert_eq!(out.odd as u64, s.odd_steps, "n={n} p={p}");
                assert_eq!(out.max, s.max.as_u128().unwrap(), "n={n} p={p}");
            }
        }
    }

    #[test]
    fn overflow_is_reported_not_wrapped() {
        let memo = memo_upto(10);
        assert_eq!(follow(u64::MAX, 5, &memo.view()), None);
    }
}
