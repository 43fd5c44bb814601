//! The per-number kernel of the range engine, and the memo it reads.

use crate::step::{odd_run_u64, residue_steps, t_step, POW3};

/// Asks the CPU to start loading `v[i]` into the cache: a hint, which does nothing where i is
/// out of bounds or on targets without a prefetch instruction. The memo reads of a block of
/// start values are computed first and prefetched, then read: they miss the cache together
/// rather than one after another.
#[inline(always)]
pub(crate) fn prefetch<T>(v: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(entry) = v.get(i) {
        #[allow(unsafe_code)]
        // SAFETY: `_mm_prefetch` needs only SSE, part of every x86_64 target; a prefetch never
        // faults and changes no memory, and the address is that of a live element of the slice
        // anyway.
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>((entry as *const T).cast::<i8>());
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (v, i);
}

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

/// Read access to results for every x in [base, base + len): a prefix of the memo (base 0),
/// or the columns already computed by a call whose range starts at 1 (base 1).
#[derive(Clone, Copy)]
pub(crate) struct MemoView<'a> {
    pub base: usize,
    pub tst: &'a [u16],
    pub odd: Option<&'a [u16]>,
    pub max: Option<&'a [u64]>,
}

impl MemoView<'_> {
    /// Asks the CPU to start loading the step count of x into the cache (a hint; it does
    /// nothing where x is outside the view or on targets without a prefetch instruction).
    #[inline(always)]
    pub fn prefetch_tst(&self, x: u64) {
        prefetch(self.tst, (x as usize).wrapping_sub(self.base));
    }

    #[inline(always)]
    pub fn tst_at(&self, x: u64) -> u32 {
        self.tst[x as usize - self.base] as u32
    }
    #[inline(always)]
    pub fn odd_at(&self, x: u64) -> u32 {
        self.odd.map_or(0, |o| o[x as usize - self.base] as u32)
    }
    #[inline(always)]
    pub fn max_at(&self, x: u64) -> Option<u64> {
        self.max.map(|m| m[x as usize - self.base])
    }
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
/// at `idx` (a finished result uses idx = 1, whose entries are 0 steps and maximum 1).
/// Splitting the memo lookup off lets a block of start values issue their (cache-missing)
/// lookups together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pending {
    pub part: Out,
    pub idx: u64,
}

impl Pending {
    /// Adds the memo's entries at `idx`.
    #[inline(always)]
    pub fn finish(&self, memo: &MemoView) -> Out {
        let i = self.idx;
        Out {
            tst: self.part.tst + memo.tst_at(i),
            glide: self.part.glide,
            odd: self.part.odd + memo.odd_at(i),
            max: memo
                .max_at(i)
                .map_or(self.part.max, |m| self.part.max.max(m as u128)),
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

/// `follow` (the tests' reference walk) without the final memo lookup.
#[inline(always)]
pub(crate) fn follow_pending(n: u64, p: u64) -> Option<Pending> {
    follow_from(n, p, n, 0, 0, n)
}

/// [`follow_pending`] resumed at x after `steps` C-steps (`odd` of them odd) that never fell
/// below n and whose largest value is `mx`.
#[inline(always)]
pub(crate) fn follow_from(
    n: u64,
    p: u64,
    mut x: u64,
    mut steps: u32,
    mut odd: u32,
    mut mx: u64,
) -> Option<Pending> {
    let mut glide: u32 = 0;
    loop {
        if x & 1 == 0 {
            let tz = x.trailing_zeros();
            let y = x >> tz;
            if glide == 0 && y < n {
                glide = steps + halvings_below(x, n);
            }
            steps += tz;
            x = y;
            if x < p {
                break;
            }
        }
        // x odd and >= p >= 1; x = 1 only if p = 1, which callers never pass
        let (y, a) = odd_run_u64(x)?;
        // y = T^a(x); the last 3z+1 of the run, 2y, is the run's peak
        let peak = y.checked_mul(2)?;
        x = y;
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

/// For x >= n whose run of halvings ends below n: how many of them it takes to fall below n.
#[inline(always)]
fn halvings_below(x: u64, n: u64) -> u32 {
    let mut j = 1;
    while (x >> j) >= n {
        j += 1;
    }
    j
}

/// Follows x (reached after `steps` C-steps) until it falls below `p`, counting C-steps only
/// (no glide, no maximum): what step counts alone need. Returns the steps and the value below
/// p; `None` when a value outgrows u64 (the caller takes the exact path).
#[inline(always)]
pub(crate) fn descend(mut x: u64, mut steps: u32, p: u64) -> Option<(u32, u64)> {
    if p > JUMP_FROM {
        // JUMP_BITS T-steps at a time: from x >= p > 2^JUMP_BITS no jump can reach 1 (each
        // T-step at most halves), so the count stays exact; the walk may overshoot p, which
        // does not matter, as the memo answers for any value below p
        let table = jump_table();
        while x >= p {
            let e = table[(x & ((1 << JUMP_BITS) - 1)) as usize];
            x = (x >> JUMP_BITS)
                .checked_mul(e.mul as u64)?
                .checked_add(e.d as u64)?;
            steps += e.steps as u32;
        }
        return Some((steps, x));
    }
    // 1 is below any bound of 2 or more, so the walk ends
    let p = p.max(2);
    loop {
        let tz = x.trailing_zeros();
        x >>= tz;
        steps += tz;
        if x < p {
            return Some((steps, x));
        }
        let (y, a) = odd_run_u64(x)?;
        x = y;
        steps += 2 * a;
    }
}

/// [`descend`] for a block of walks at once, all to below the same bound `p` (> 2^JUMP_BITS):
/// walk i goes from `x[i]` (after `steps[i]` C-steps) to its first jump below p, and both are
/// updated in place. The walks advance in rounds, one jump for each walk still at or above p
/// per round, so that their table loads and multiplies overlap rather than wait on each other
/// (one walk alone waits on every load). A walk that would outgrow u64 stops where it is and
/// gets `ok[i] = false`; the others get true. At most 2^16 walks.
pub(crate) fn descend_block(x: &mut [u64], steps: &mut [u32], ok: &mut [bool], p: u64) {
    debug_assert!(p > JUMP_FROM && x.len() <= 1 << 16);
    let table = jump_table();
    let len = x.len().min(steps.len()).min(ok.len());
    // the walks still at or above p, compacted after every round: (value, steps, index)
    let mut live: Vec<(u64, u32, u32)> = Vec::with_capacity(len);
    for (i, ((&xi, &si), o)) in x.iter().zip(steps.iter()).zip(ok.iter_mut()).enumerate() {
        *o = true;
        if xi >= p {
            live.push((xi, si, i as u32));
        }
    }
    while !live.is_empty() {
        let mut kept = 0;
        for j in 0..live.len() {
            let (xj, sj, i) = live[j];
            let e = table[(xj & ((1 << JUMP_BITS) - 1)) as usize];
            let (y, o1) = (xj >> JUMP_BITS).overflowing_mul(e.mul as u64);
            let (y, o2) = y.overflowing_add(e.d as u64);
            if o1 | o2 {
                ok[i as usize] = false;
                continue;
            }
            let s = sj + e.steps as u32;
            // written every round, final once the walk is below p
            x[i as usize] = y;
            steps[i as usize] = s;
            // (kept <= j: the list is compacted in place)
            live[kept] = (y, s, i);
            kept += (y >= p) as usize;
        }
        live.truncate(kept);
    }
}

/// T-steps per entry of [`jump_table`]. At most 10, so that every field of a [`Jump`] fits
/// u16 (they are all at most 2^10 1.5^10 < 3^10 + 2^10) and the table (12 KiB) stays in L1:
/// side by side, 10 bits ran 6-15% faster than 12 (64 KiB, from L2), whose extra steps per
/// jump do not pay for the slower loads on a walk that waits on each one.
pub(crate) const JUMP_BITS: u32 = 10;
const _: () = assert!(JUMP_BITS <= 10);

/// [`descend`] jumps only from values above this.
pub(crate) const JUMP_FROM: u64 = 1 << JUMP_BITS;

/// One entry of [`jump_table`], for x = 2^JUMP_BITS q + r: T^JUMP_BITS(x) = `mul` q + `d`,
/// after `steps` C-steps; and every T^i(x), 1 <= i <= JUMP_BITS, lies in
/// [q `lo`, q `hi` + `dmax`] (for [`follow_records`]).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Jump {
    pub mul: u16,
    pub d: u16,
    pub steps: u16,
    pub lo: u16,
    pub hi: u16,
    pub dmax: u16,
}

/// The 2^JUMP_BITS-entry table of JUMP_BITS T-steps at once (12 KiB), the k-step table of
/// PERFORMANCE.md.
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
/// [`follow_records`] find where a jump first falls below n without stepping through it.
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
fn first_below(lines: &JumpLines, q: u64, n: u64) -> Option<u32> {
    debug_assert!(q < 1 << 48);
    let mut below = 0u32;
    for i in 0..JUMP_BITS as usize {
        let v = lines.slope[i] as u64 * q + lines.d[i] as u64;
        below |= ((v < n) as u32) << i;
    }
    (below != 0).then(|| lines.steps[below.trailing_zeros() as usize] as u32)
}

/// For the summary's n that the residue table leaves over: follows n from x = T^k(n)
/// (`steps` C-steps, none of them below n, none of them a path record) to its first value below
/// n, exactly, but a jump of JUMP_BITS T-steps at a time wherever [`Jump`]'s bounds show that
/// the jump does not pass `path_best`; where they show that it may fall below n,
/// [`jump_lines`] give the first step that does (the glide); then on to below `p` as
/// [`descend`] does. The result's glide is exact, and so is its maximum wherever that exceeds
/// `path_best` (below it, it may be too low, which no record can tell); `odd` is not counted.
#[inline(always)]
pub(crate) fn follow_records(
    n: u64,
    p: u64,
    mut x: u64,
    mut steps: u32,
    path_best: u128,
) -> Option<Pending> {
    let table = jump_table();
    let lines = jump_lines();
    let mut mx = n;
    let glide;
    loop {
        if x > JUMP_FROM {
            let r = (x & ((1 << JUMP_BITS) - 1)) as usize;
            let q = (x >> JUMP_BITS) as u128;
            let e = table[r];
            if 2 * (q * e.hi as u128 + e.dmax as u128) <= path_best {
                // no step of the jump passes the path record: jump. `drop` is Some(the first
                // step below n, if any, for the glide), or None where the lines cannot tell (a
                // value of 2^58 or more: rare), which steps through exactly below
                let drop = if q * e.lo as u128 >= n as u128 {
                    Some(None)
                } else if x < 1 << 58 {
                    Some(first_below(&lines[r], q as u64, n))
                } else {
                    None
                };
                if let Some(drop) = drop {
                    x = (x >> JUMP_BITS)
                        .checked_mul(e.mul as u64)?
                        .checked_add(e.d as u64)?;
                    if let Some(at) = drop {
                        // past the drop the values are those of a smaller start value, which
                        // no path record can come from: the jump's end is as good as any
                        glide = steps + at;
                        steps += e.steps as u32;
                        break;
                    }
                    steps += e.steps as u32;
                    continue;
                }
            }
        }
        if x & 1 == 0 {
            let tz = x.trailing_zeros();
            let y = x >> tz;
            if y < n {
                glide = steps + halvings_below(x, n);
                steps += tz;
                x = y;
                break;
            }
            steps += tz;
            x = y;
        }
        // x odd and >= n
        let (y, a) = odd_run_u64(x)?;
        // y = T^a(x); the last 3z+1 of the run, 2y, is the run's peak
        let peak = y.checked_mul(2)?;
        x = y;
        steps += 2 * a;
        mx = mx.max(peak);
    }
    let (tst, idx) = if x < p {
        (steps, x)
    } else {
        descend(x, steps, p)?
    };
    Some(Pending {
        part: Out {
            tst,
            glide,
            odd: 0,
            max: mx as u128,
        },
        idx,
    })
}

/// Bits of the residue table for n = 3 (mod 4).
pub(crate) const DROP_BITS: u32 = 16;

/// What the first `DROP_BITS` T-steps do to every n = q 2^K + r of one residue class
/// r = 3 (mod 4), for q >= `q_min`: the first drop below n is at T-step `j`, after `c` odd
/// steps, to T^j(n) = 3^c q 2^(K-j) + d; the largest T-value before it is
/// T^jmax(n) = 3^cmax q 2^(K-jmax) + dpeak. (Each T^i(n) is a line a_i q + d_i in q; for these
/// residues the line with the largest slope also has the largest d_i, so it is the maximum
/// for every q: the table builder checks this and leaves out any class where it fails.)
/// `j` = 0: the class is not answered by the table.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DropEntry {
    j: u8,
    c: u8,
    cmax: u8,
    jmax: u8,
    q_min: u32,
    d: u32,
    dpeak: u32,
}

pub(crate) fn drop_table() -> &'static [DropEntry] {
    static TABLE: std::sync::OnceLock<Vec<DropEntry>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let k = DROP_BITS;
        (0..1u64 << (k - 2))
            .map(|i| {
                let r = i << 2 | 3;
                let (mut cmax, mut jmax, mut dpeak) = (0u32, 0u32, r);
                // the largest d_i of all steps so far, to check that the peak line dominates
                let mut dmax = r;
                // q must exceed each of these for the class to behave as its residue says
                let mut q_min: u128 = 0;
                for (j, x, c) in residue_steps(r, DROP_BITS) {
                    let (two_j, three_c) = (1u128 << j, POW3[c as usize]);
                    let scale = 1u128 << (k - j);
                    if three_c < two_j {
                        // drop at j: q scale (2^j - 3^c) > T^j(r) - r
                        let need =
                            (x as u128).saturating_sub(r as u128) / (scale * (two_j - three_c)) + 1;
                        q_min = q_min.max(need);
                        if dpeak < dmax {
                            // another step's line could pass the peak line for small q
                            return DropEntry::default();
                        }
                        return DropEntry {
                            j: j as u8,
                            c: c as u8,
                            cmax: cmax as u8,
                            jmax: jmax as u8,
                            q_min: u32::try_from(q_min).unwrap_or(u32::MAX),
                            d: x as u32,
                            dpeak: dpeak as u32,
                        };
                    }
                    q_min = q_min.max(stays_above_from(r, j, x, c));
                    if three_c << jmax > POW3[cmax as usize] << j {
                        cmax = c;
                        jmax = j;
                        dpeak = x;
                    }
                    dmax = dmax.max(x);
                }
                DropEntry::default()
            })
            .collect()
    })
}

/// For n = 3 (mod 4): the table's answer, exact, if the residue class drops within K steps
/// for this q, lands below `p`, and its values fit u64.
#[inline(always)]
pub(crate) fn drop_pending(table: &[DropEntry], n: u64, p: u64) -> Option<Pending> {
    let e = table[((n & ((1 << DROP_BITS) - 1)) >> 2) as usize];
    let q = n >> DROP_BITS;
    if e.j == 0 || q < e.q_min as u64 {
        return None;
    }
    let k = DROP_BITS;
    // the class drops at step j, so 3^c q 2^(k-j) + d = T^j(n) < n: u64 arithmetic is exact
    let x = (q << (k - e.j as u32)) * POW3[e.c as usize] as u64 + e.d as u64;
    if x >= p {
        return None;
    }
    // the peak T-value; the C-value before its halving is twice it
    let peak_t = (q << (k - e.jmax as u32))
        .checked_mul(POW3[e.cmax as usize] as u64)?
        .checked_add(e.dpeak as u64)?;
    let steps = e.j as u32 + e.c as u32;
    Some(Pending {
        part: Out {
            tst: steps,
            glide: steps,
            odd: e.c as u32,
            max: 2 * peak_t as u128,
        },
        idx: x,
    })
}

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

/// With 3^c > 2^j: the least q for which T^j(n) >= n, i.e.
/// q 2^(K-j) (3^c - 2^j) + T^j(r) >= r.
fn stays_above_from(r: u64, j: u32, x: u64, c: u32) -> u128 {
    let (two_j, three_c) = (1u128 << j, POW3[c as usize]);
    let scale = 1u128 << (DROP_BITS - j);
    (r as u128)
        .saturating_sub(x as u128)
        .div_ceil(scale * (three_c - two_j))
}

/// The index of n's entry in [`drop_table`] and [`drop_hot`] (n = 3 mod 4), and its q.
#[inline(always)]
pub(crate) fn drop_slot(n: u64) -> (usize, u64) {
    (((n & ((1 << DROP_BITS) - 1)) >> 2) as usize, n >> DROP_BITS)
}

/// For an n the hot table answers: the largest value before its drop (a C-value, twice the
/// peak T-value), exact.
#[inline(always)]
pub(crate) fn drop_peak(table: &[DropEntry], n: u64) -> u128 {
    let (slot, q) = drop_slot(n);
    let e = table[slot];
    let peak_t =
        ((q as u128) << (DROP_BITS - e.jmax as u32)) * POW3[e.cmax as usize] + e.dpeak as u128;
    2 * peak_t
}

/// Every C-value within the first `DROP_BITS` T-steps of n is below this: each T-step at most
/// multiplies by 3/2 (plus 1/2), and (3/2)^16 < 657.
pub(crate) fn drop_peak_bound(n: u64) -> u128 {
    2 * 657 * (n as u128 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats;

    /// Every entry below `bound`, computed one by one: the tables a memo would hold.
    struct TestMemo {
        tst: Vec<u16>,
        odd: Vec<u16>,
        max: Vec<u64>,
    }

    impl TestMemo {
        fn view(&self) -> MemoView<'_> {
            MemoView {
                base: 0,
                tst: &self.tst,
                odd: Some(&self.odd),
                max: Some(&self.max),
            }
        }
    }

    fn memo_upto(bound: u64) -> TestMemo {
        let mut m = TestMemo {
            tst: vec![0, 0],
            odd: vec![0, 0],
            max: vec![0, 1],
        };
        for n in 2..bound {
            let s = stats(n).unwrap();
            m.tst.push(s.total_stopping_time as u16);
            m.odd.push(s.odd_steps as u16);
            m.max.push(s.max.as_u64().unwrap());
        }
        m
    }

    #[test]
    fn descend_with_and_without_jumps_lands_on_the_trajectory() {
        let tst = |n: u64| stats(n).unwrap().total_stopping_time as u32;
        for n in (5000u64..40_000)
            .step_by(7)
            .chain([63_728_127, 1 << 40, (1 << 40) + 27])
        {
            for p in [2, 3, 4096, 4097, 5000, 1 << 13, n / 3 + 5000] {
                let (steps, x) = descend(n, 0, p).unwrap();
                assert!(x < p.max(2), "n={n} p={p} x={x}");
                assert_eq!(steps + tst(x), tst(n), "n={n} p={p}");
            }
        }
        // every table entry is JUMP_BITS T-steps, and its bounds hold every value on the way
        for (r, e) in jump_table().iter().enumerate() {
            for q in [0u64, 1, 5, 977, 1 << 30] {
                let mut y = (q << JUMP_BITS) + r as u64;
                let mut c = 0;
                for _ in 0..JUMP_BITS {
                    y = if y & 1 == 1 {
                        c += 1;
                        (3 * y + 1) >> 1
                    } else {
                        y >> 1
                    };
                    assert!(y >= q * e.lo as u64 && y <= q * e.hi as u64 + e.dmax as u64);
                }
                assert_eq!(y, q * e.mul as u64 + e.d as u64, "r={r} q={q}");
                assert_eq!(e.steps as u32, JUMP_BITS + c);
            }
        }
        // a value that outgrows u64 gives None, never a wrong answer
        assert_eq!(descend(u64::MAX, 0, 1 << 20), None);
    }

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

    #[test]
    fn descend_block_matches_one_walk_at_a_time() {
        // values below, at and far above p, one that outgrows u64, and a run long enough that
        // walks leave the block in different rounds
        for p in [JUMP_FROM + 1, 5000, 1 << 20, 1 << 33] {
            let mut x: Vec<u64> = (0..300u64)
                .map(|i| p / 2 + i * i * 7919 + (i << (i % 40)))
                .chain([p - 1, p, p + 1, u64::MAX - 2, 63_728_127 << 20])
                .collect();
            let mut steps: Vec<u32> = (0..x.len() as u32).map(|i| i % 5).collect();
            let want: Vec<Option<(u32, u64)>> = x
                .iter()
                .zip(&steps)
                .map(|(&x, &s)| descend(x, s, p))
                .collect();
            let mut ok = vec![false; x.len()];
            descend_block(&mut x, &mut steps, &mut ok, p);
            for i in 0..x.len() {
                match want[i] {
                    Some(w) => {
                        assert!(ok[i], "p={p} i={i}");
                        assert_eq!((steps[i], x[i]), w, "p={p} i={i}");
                        assert!(x[i] < p);
                    }
                    None => assert!(!ok[i], "p={p} i={i}"),
                }
            }
        }
    }

    #[test]
    fn follow_records_is_exact_where_it_must_be() {
        let tst = |n: u64| stats(n).unwrap().total_stopping_time as u32;
        // n = 3 (mod 4) that stay at or above n for the first 16 T-steps, from near 10^7 and
        // 2^40
        let starts = (10_000_003u64..10_400_000)
            .step_by(4)
            .chain(((1u64 << 40) + 3..(1 << 40) + 200_000).step_by(4));
        let mut checked = 0;
        for n in starts {
            // the reference: C-steps to the first value below n, and the largest C-value before
            let (mut x, mut steps, mut peak) = (n as u128, 0u32, n as u128);
            while x >= n as u128 {
                x = if x & 1 == 1 { 3 * x + 1 } else { x / 2 };
                peak = peak.max(x);
                steps += 1;
            }
            let glide = steps;
            if glide < 40 {
                continue; // not one of the long ones this path serves
            }
            // start from T^16(n) by the shortcut map; the peak of those steps (the caller's
            // promise: no record among them) bounds the path_best values to try
            let (mut y, mut k, mut peak16) = (n, 0u32, n as u128);
            for _ in 0..16 {
                if y & 1 == 1 {
                    peak16 = peak16.max(3 * y as u128 + 1);
                    y = (3 * y + 1) >> 1;
                    k += 2;
                } else {
                    y >>= 1;
                    k += 1;
                }
                assert!(y >= n);
            }
            let p = n - n / 9;
            for path_best in [peak16, peak - 1, peak, u128::MAX / 4] {
                if path_best < peak16 {
                    continue;
                }
                let got = follow_records(n, p, y, k, path_best).unwrap();
                assert_eq!(got.part.glide, glide, "n={n}");
                assert!(got.idx < p, "n={n}");
                assert_eq!(got.part.tst + tst(got.idx), tst(n), "n={n}");
                if peak > path_best {
                    assert_eq!(got.part.max, peak, "n={n} path_best={path_best}");
                } else {
                    assert!(got.part.max <= peak, "n={n}");
                }
            }
            checked += 1;
        }
        assert!(checked > 1000, "{checked}");
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
    fn the_drop_table_agrees_with_following() {
        let memo = memo_upto(1 << 17);
        let view = memo.view();
        let mut used = 0;
        for n in (3u64..1 << 18).step_by(4) {
            let p = n.min(1 << 17);
            let Some(d) = drop_pending(drop_table(), n, p) else {
                continue;
            };
            used += 1;
            let exact = follow_pending(n, p.min(n)).unwrap();
            let s = stats(n).unwrap();
            assert_eq!(d.finish(&view).tst as u64, s.total_stopping_time, "n={n}");
            assert_eq!(d.part.glide as u64, s.stopping_time, "n={n}");
            assert_eq!(d.finish(&view).odd as u64, s.odd_steps, "n={n}");
            // the maximum before the drop is exact
            let pre = follow_pending(n, n).unwrap().part.max;
            assert_eq!(d.part.max, pre, "n={n}");
            assert!(exact.part.max >= pre);
        }
        assert!(used > 20_000, "{used}");
    }

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

    #[test]
    fn descend_counts_steps_exactly() {
        for n in (1u64..20_000).chain((1 << 40..(1 << 40) + 2000).step_by(3)) {
            for p in [2, 100, n.max(2), 1 << 12] {
                let (steps, x) = descend(n, 0, p).unwrap();
                assert!(x < p.max(2) || x == 1, "n={n} p={p}");
                assert_eq!(
                    steps as u64 + stats(x).unwrap().total_stopping_time,
                    stats(n).unwrap().total_stopping_time,
                    "n={n} p={p}"
                );
            }
        }
        assert_eq!(descend(u64::MAX, 0, 5), None);
    }

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

    #[test]
    fn prefetch_is_only_a_hint() {
        let memo = memo_upto(100);
        let before = memo.tst.clone();
        let view = memo.view();
        // inside, at the edges and outside the view (which it must ignore), and with a base
        for x in [0, 1, 50, 99, 100, 101, u64::MAX] {
            view.prefetch_tst(x);
        }
        let shifted = MemoView {
            base: 10,
            tst: &memo.tst[10..],
            odd: None,
            max: None,
        };
        for x in [0, 9, 10, 99, 100, u64::MAX] {
            shifted.prefetch_tst(x);
        }
        assert_eq!(memo.tst, before);
        assert_eq!(view.tst_at(27), 111);
        // the generic form, on other element types and out of bounds
        let wide = vec![7u64; 10];
        for i in [0, 9, 10, usize::MAX] {
            prefetch(&wide, i);
            prefetch(&memo.tst, i);
        }
        prefetch::<u64>(&[], 0);
        assert_eq!(wide, vec![7u64; 10]);
    }

    #[test]
    fn overflow_is_reported_not_wrapped() {
        let memo = memo_upto(10);
        assert_eq!(follow(u64::MAX, 5, &memo.view()), None);
    }
}
