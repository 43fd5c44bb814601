//! [`Density`]: the 2-D histogram of (n, statistic) over a range on a width × height grid,
//! what a heatmap of 10^9 start values draws and what a notebook's `imshow` shows.
//!
//! When it runs: [`RangeEngine::density`](super::RangeEngine::density). The range is computed in
//! pieces of [`PIECE`] start values (each piece in parallel by the engine's column paths, into
//! one reused buffer, never the whole range's columns), and each piece is binned in parallel
//! as it finishes. Memory: the buffer (2 bytes per entry of a piece, 16 for maxima) plus a
//! histogram of exact values per column, whatever the range's length.
//!
//! For total stopping times and odd steps, only odd start values are computed: every n of
//! [a, b) is m·2^j with m odd, and its statistic follows from m's (total stopping time plus
//! j; odd steps the same). The odd m needed are those of the intervals [⌈a/2^j⌉, ⌈b/2^j⌉),
//! merged: for [1, b) the odd m below b, as `summary` computes them; for a narrow range about
//! as many as its length. Each odd m is then binned once for each of its multiples m·2^j in
//! the range.
//!
//! Cost: the computed start values at the column paths' rate, plus about a nanosecond per
//! start value to bin.

use std::ops::Range;

use rayon::prelude::*;

use super::bounds::check_range;
use super::control::{Control, RunOptions};
use super::split::column_slices;
use super::tables;
use super::tally::{Segments, Tally};
use super::{Columns, MaxColumn, RangeEngine, Want, U64_MAX_EXCURSION_BOUND};
use crate::error::{Error, Result};
use crate::fields::Field;

/// The largest width and height of a [`Density`] grid.
pub const MAX_DENSITY_SIDE: usize = 4096;

/// Start values computed per piece: a buffer of 8 MiB of step counts.
const PIECE: u64 = 1 << 22;

/// Log-scale keys of maxima per unit of log2: a row of a maximum's grid is at least 1/16 bit.
const MAX_KEYS_PER_BIT: f64 = 16.0;

/// A 2-D histogram of (n, statistic) over [start, end): `counts[row * width + col]` start
/// values of column `col` whose statistic falls in row `row`; row 0 holds the lowest values.
///
/// Columns cut the range evenly: column c holds the n of
/// [start + ⌈c·len/width⌉, start + ⌈(c+1)·len/width⌉), with len = end − start. Rows are
/// equally tall: row r holds the values of [y_min + r·y_step, y_min + (r+1)·y_step), where
/// y_step is the fewest whole value steps that fit the values from `y_min` to `y_max` into
/// the height asked for (so that no row holds more values than another, and a heatmap shows
/// no stripes). For step counts a value step is 1; for [`Field::MaxExcursion`] the value is
/// log2 of the maximum, in steps of 1/16 (its floor at that resolution).
///
/// `width` is at most the range's length and `height` at most the height asked for: the
/// rows from `y_min` up to the one holding `y_max`.
///
/// ```
/// use collatz_core::range::{RangeEngine, RunOptions};
/// use collatz_core::Field;
///
/// let d = RangeEngine::new().density(1..1_000_000, Field::TotalStoppingTime, 100, 50,
///                                     &RunOptions::default())?;
/// // 837,799 takes 524 steps: 525 values in rows of 11 (the fewest that fit 50 rows)
/// assert_eq!((d.y_min, d.y_max, d.y_step), (0.0, 524.0, 11.0));
/// assert_eq!((d.width, d.height), (100, 48));
/// assert_eq!(d.counts.iter().map(|&c| c as u64).sum::<u64>(), 999_999);
/// // column 0 holds 1..=10,000; its lowest row, the 29 of them that take at most 10 steps
/// // (1, 2, 3, 4, 5, 6, 8, 10, 12, 13, 16, ..., 512, 1024)
/// assert_eq!(d.column_range(0), 1..10_001);
/// assert_eq!(d.get(0, 0), 29);
/// # Ok::<(), collatz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Density {
    /// The range's first start value.
    pub start: u64,
    /// The range's end (excluded).
    pub end: u64,
    /// The statistic on the y axis.
    pub field: Field,
    /// Columns (x bins).
    pub width: usize,
    /// Rows (y bins).
    pub height: usize,
    /// The lowest value met (log2 of the maximum for [`Field::MaxExcursion`]).
    pub y_min: f64,
    /// The highest value met, in the same units.
    pub y_max: f64,
    /// The values each row holds, in the same units.
    pub y_step: f64,
    /// `height` rows of `width` counts, the lowest values first.
    pub counts: Vec<u32>,
}

impl Density {
    /// The count of column `col` and row `row` (0 outside the grid).
    pub fn get(&self, col: usize, row: usize) -> u32 {
        if col >= self.width || row >= self.height {
            return 0;
        }
        self.counts[row * self.width + col]
    }

    /// The start values of column `col`.
    pub fn column_range(&self, col: usize) -> Range<u64> {
        let len = self.end - self.start;
        let w = self.width.max(1) as u64;
        self.start + edge(col as u64, len, w)..self.start + edge(col as u64 + 1, len, w)
    }
}

/// ⌈i·len/parts⌉: where part i of `len` things cut into `parts` begins.
fn edge(i: u64, len: u64, parts: u64) -> u64 {
    ((i as u128 * len as u128).div_ceil(parts as u128)) as u64
}

/// ⌊i·parts/len⌋: the part of `len` things cut into `parts` that thing i falls in.
fn part_of(i: u64, len: u64, parts: u64) -> usize {
    ((i as u128 * parts as u128) / len as u128) as usize
}

/// Per-column histograms of exact keys (step counts, or log-scale keys of maxima), for the
/// columns of one task, grown as keys appear.
struct Hist {
    cols: Vec<Vec<u32>>,
}

impl Hist {
    fn new(width: usize) -> Self {
        Hist {
            cols: vec![Vec::new(); width],
        }
    }

    /// Adds the `count` start values n_k = first + k·stride, whose keys `key(k)` gives (each
    /// below `keys`), each to its column.
    fn add(
        &mut self,
        axes: &Axes,
        (first, count, stride): (u64, u64, u64),
        keys: usize,
        key: impl Fn(u64) -> usize,
    ) {
        let mut k = 0;
        while k < count {
            let n = first + k * stride;
            let c = part_of(n - axes.start, axes.len, axes.width as u64);
            // the first n of the next column, and the first k there
            let next = axes.start + edge(c as u64 + 1, axes.len, axes.width as u64);
            let k_end = (next - first).div_ceil(stride).min(count);
            let h = &mut self.cols[c];
            if h.len() < keys {
                h.resize(keys, 0);
            }
            if k_end - k >= 16 * keys as u64 {
                // a long run: four counters per key, so that equal neighbours do not wait on
                // one another's increments
                let mut four = vec![[0u32; 4]; keys];
                let mut j = k;
                while j + 4 <= k_end {
                    for (lane, jj) in (j..j + 4).enumerate() {
                        four[key(jj)][lane] += 1;
                    }
                    j += 4;
                }
                for jj in j..k_end {
                    four[key(jj)][0] += 1;
                }
                for (slot, f) in h.iter_mut().zip(&four) {
                    *slot += f.iter().sum::<u32>();
                }
            } else {
                for j in k..k_end {
                    h[key(j)] += 1;
                }
            }
            k = k_end;
        }
    }

    /// Adds the `count` start values n_k = first + k·stride whose step counts are
    /// `vals[k·GAP]`, each plus `plus`, to their columns; every count is at most `top`.
    fn add_steps<const GAP: usize>(
        &mut self,
        axes: &Axes,
        (first, count, stride): (u64, u64, u64),
        (vals, top, plus): (&[u16], usize, usize),
        scratch: &mut Lanes,
    ) {
        let mut k = 0;
        while k < count {
            let n = first + k * stride;
            let c = part_of(n - axes.start, axes.len, axes.width as u64);
            let next = axes.start + edge(c as u64 + 1, axes.len, axes.width as u64);
            let k_end = (next - first).div_ceil(stride).min(count);
            let seg = &vals[k as usize * GAP..(k_end as usize - 1) * GAP + 1];
            let h = &mut self.cols[c];
            if h.len() < top + plus + 1 {
                h.resize(top + plus + 1, 0);
            }
            tally::<GAP>(&mut h[plus..], seg, top, scratch);
            k = k_end;
        }
    }

    fn merge(mut self, other: Hist) -> Hist {
        for (mine, theirs) in self.cols.iter_mut().zip(other.cols) {
            if theirs.len() > mine.len() {
                mine.resize(theirs.len(), 0);
            }
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
        self
    }
}

/// Keys below this are counted in four lanes of fixed width (no bounds checks, and equal
/// neighbours do not wait on one another's increments).
const LANE_KEYS: usize = 2048;

/// Runs shorter than this are counted straight into their column.
const LANE_RUN: usize = 1 << 13;

/// Four lanes of counters, zero between uses.
type Lanes = [[u32; LANE_KEYS]; 4];

/// Counts every GAP-th entry of `seg` (from its first; each at most `top`) into `h`.
fn tally<const GAP: usize>(h: &mut [u32], seg: &[u16], top: usize, lanes: &mut Lanes) {
    if seg.len().div_ceil(GAP) < LANE_RUN || top >= LANE_KEYS {
        for &x in seg.iter().step_by(GAP) {
            h[x as usize] += 1;
        }
        return;
    }
    let mut quads = seg.chunks_exact(4 * GAP);
    for q in quads.by_ref() {
        lanes[0][q[0] as usize % LANE_KEYS] += 1;
        lanes[1][q[GAP] as usize % LANE_KEYS] += 1;
        lanes[2][q[2 * GAP] as usize % LANE_KEYS] += 1;
        lanes[3][q[3 * GAP] as usize % LANE_KEYS] += 1;
    }
    for &x in quads.remainder().iter().step_by(GAP) {
        lanes[0][x as usize % LANE_KEYS] += 1;
    }
    for (key, slot) in h.iter_mut().enumerate().take(top + 1) {
        *slot += lanes.iter().map(|l| l[key]).sum::<u32>();
    }
    for lane in lanes.iter_mut() {
        lane[..=top].fill(0);
    }
}

/// The range and its columns.
struct Axes {
    start: u64,
    len: u64,
    width: usize,
}

/// A computed piece: its first start value and its entries for the field.
enum Values<'a> {
    Steps(&'a [u16]),
    Max64(&'a [u64]),
    Max128(&'a [u128]),
}

/// The key of a maximum: ⌊16·log2(max)⌋.
fn max_key(m: u128) -> usize {
    ((m as f64).log2() * MAX_KEYS_PER_BIT) as usize
}

impl RangeEngine {
    /// The 2-D histogram of (n, `field`) over `range` on a grid of at most `width` × `height`
    /// cells (see [`Density`]), in one pass through the engine's column paths without holding
    /// the range's columns. Cancellation and progress as every range call
    /// (progress counts the start values computed: for total stopping times and odd steps
    /// from a < b/2, those of [⌈b/2⌉, b)).
    ///
    /// Errors: [`Error::InvalidArgument`] for a width or height of 0 or past
    /// [`MAX_DENSITY_SIDE`], or a column of more than 2^32 − 1 start values; the range's own
    /// errors ([`check_range`]).
    pub fn density(
        &self,
        range: Range<u64>,
        field: Field,
        width: usize,
        height: usize,
        opts: &RunOptions,
    ) -> Result<Density> {
        check_range(&range)?;
        opts.check()?;
        for (name, side) in [("width", width), ("height", height)] {
            if side == 0 || side > MAX_DENSITY_SIDE {
                return Err(Error::InvalidArgument(format!(
                    "density {name} must be 1 to {MAX_DENSITY_SIDE}, not {side}"
                )));
            }
        }
        let len = range.end - range.start;
        let width = width.min(len.max(1) as usize);
        if len.div_ceil(width as u64) > u32::MAX as u64 {
            return Err(Error::InvalidArgument(format!(
                "a density of {len} start values needs more than {width} columns \
                 (at most 2^32 - 1 start values per column)"
            )));
        }
        let axes = Axes {
            start: range.start,
            len,
            width,
        };
        if len == 0 {
            return Ok(Density {
                start: range.start,
                end: range.end,
                field,
                width: 0,
                height: 0,
                y_min: 0.0,
                y_max: 0.0,
                y_step: 1.0,
                counts: Vec::new(),
            });
        }
        // the statistic's change per halving: n and 2n differ by one step, and by no odd step
        let per_halving = match field {
            Field::TotalStoppingTime => Some(1),
            Field::OddSteps => Some(0),
            Field::StoppingTime | Field::MaxExcursion => None,
        };
        // the start values computed: the range itself, or the odd m of the intervals that
        // its multiples m·2^j come from, merged
        let computed: Vec<Range<u64>> = match per_halving {
            Some(_) => odd_sources(&range),
            None => vec![range.clone()],
        };
        let want: Want = [field].into_iter().collect();
        let total: u64 = computed.iter().map(|r| r.end - r.start).sum();
        let ctl = Control::new(total, opts);
        let exact_max = want.max_excursion;
        let tally = match per_halving {
            Some(_) => Tally::OddColumns,
            None => Tally::Off,
        };
        let (lo, hi) = (computed[0].start, computed[computed.len() - 1].end);
        let writer = self.writer_for(&(lo..hi), want.odd_steps, exact_max, opts)?;
        let hist = super::pool::in_pool(opts, total, || {
            if total >= tables::WARM_FROM {
                tables::warm();
            }
            let mut writer = writer;
            let piece_len = PIECE.min(total) as usize;
            let mut buf = Columns {
                start: lo,
                total_stopping_time: (field == Field::TotalStoppingTime)
                    .then(|| vec![0u16; piece_len]),
                stopping_time: (field == Field::StoppingTime).then(|| vec![0u16; piece_len]),
                odd_steps: (field == Field::OddSteps).then(|| vec![0u16; piece_len]),
                max_excursion: (field == Field::MaxExcursion).then(|| {
                    if hi <= U64_MAX_EXCURSION_BOUND {
                        MaxColumn::U64(vec![0; piece_len])
                    } else {
                        MaxColumn::U128(vec![0; piece_len])
                    }
                }),
            };
            let mut sum = Hist::new(width);
            for part in &computed {
                let mut p = part.start;
                while p < part.end {
                    ctl.check()?;
                    let q = (p + PIECE).min(part.end);
                    let n = (q - p) as usize;
                    let slices = column_slices(&mut buf, 0..n);
                    let writer = match writer.take() {
                        Some(w) => Some(w),
                        None => self.writer_for(&(lo..hi), want.odd_steps, exact_max, opts)?,
                    };
                    let segs = Segments {
                        range: p..q,
                        segments: &[(q, tally)],
                        call: &(lo..hi),
                    };
                    self.run_part(segs, want, exact_max, slices, &ctl, writer)?;
                    let values = match &buf.max_excursion {
                        Some(MaxColumn::U64(m)) => Values::Max64(&m[..n]),
                        Some(MaxColumn::U128(m)) => Values::Max128(&m[..n]),
                        None => Values::Steps(
                            &[&buf.total_stopping_time, &buf.stopping_time, &buf.odd_steps]
                                .into_iter()
                                .find_map(|c| c.as_deref())
                                .unwrap_or(&[])[..n],
                        ),
                    };
                    let piece = bin_piece(&axes, &range, p..q, &values, per_halving, &ctl)?;
                    sum = sum.merge(piece);
                    p = q;
                }
            }
            Ok(sum)
        })?;
        Ok(finish(range, field, hist, width, height))
    }
}

/// The merged intervals [⌈a/2^j⌉, ⌈b/2^j⌉), j = 0, 1, ...: every n of [a, b) is m·2^j with m
/// odd in the j-th of them. In increasing order, disjoint.
fn odd_sources(range: &Range<u64>) -> Vec<Range<u64>> {
    let (a, b) = (range.start, range.end);
    let mut out: Vec<Range<u64>> = Vec::new();
    for j in 0..64 {
        let (lo, hi) = (a.div_ceil(1 << j), b.div_ceil(1 << j));
        if lo >= hi {
            break;
        }
        match out.last_mut() {
            // the intervals move down as j grows: this one ends at or past the last's start
            Some(last) if hi >= last.start => last.start = last.start.min(lo),
            _ => out.push(lo..hi),
        }
    }
    out.reverse();
    out
}

/// Bins a computed piece [p, q) in parallel: with `per_halving`, each odd m of the piece for
/// each multiple m·2^j in `range`; otherwise each n of the piece.
fn bin_piece(
    axes: &Axes,
    range: &Range<u64>,
    piece: Range<u64>,
    values: &Values<'_>,
    per_halving: Option<usize>,
    ctl: &Control,
) -> Result<Hist> {
    let (p, q) = (piece.start, piece.end);
    let tasks = (rayon::current_num_threads() * 4).max(1) as u64;
    let step = (q - p).div_ceil(tasks).max(1 << 12);
    let starts: Vec<u64> = (p..q).step_by(step as usize).collect();
    starts
        .into_par_iter()
        .map(|s| {
            ctl.check()?;
            let e = (s + step).min(q);
            let mut hist = Hist::new(axes.width);
            // every key of the task is at most its largest value (plus the doublings below);
            // the even entries of a piece of odd m hold older values, which only raise it
            let task = (s - p) as usize..(e - p) as usize;
            let top = match values {
                Values::Steps(v) => v[task].iter().copied().max().unwrap_or(0) as usize,
                Values::Max64(v) => max_key(v[task].iter().copied().max().unwrap_or(1) as u128),
                Values::Max128(v) => max_key(v[task].iter().copied().max().unwrap_or(1)),
            };
            let mut lanes: Box<Lanes> = Box::new([[0u32; LANE_KEYS]; 4]);
            match (values, per_halving) {
                (Values::Steps(v), Some(shift)) => {
                    for j in 0..64u32 {
                        if range.end >> j == 0 {
                            break;
                        }
                        // the odd m of [s, e) with a <= m·2^j < b
                        let lo = s.max(range.start.div_ceil(1 << j)) | 1;
                        let hi = e.min(range.end.div_ceil(1 << j));
                        if lo >= hi {
                            continue;
                        }
                        let run = (lo << j, (hi - lo).div_ceil(2), 2 << j);
                        let vals = &v[(lo - p) as usize..(hi - p) as usize];
                        let plus = shift * j as usize;
                        hist.add_steps::<2>(axes, run, (vals, top, plus), &mut lanes);
                    }
                }
                (Values::Steps(v), None) => {
                    let vals = &v[(s - p) as usize..(e - p) as usize];
                    hist.add_steps::<1>(axes, (s, e - s, 1), (vals, top, 0), &mut lanes)
                }
                (Values::Max64(v), _) => hist.add(axes, (s, e - s, 1), top + 1, |k| {
                    max_key(v[(s + k - p) as usize] as u128)
                }),
                (Values::Max128(v), _) => hist.add(axes, (s, e - s, 1), top + 1, |k| {
                    max_key(v[(s + k - p) as usize])
                }),
            }
            Ok(hist)
        })
        .try_reduce(|| Hist::new(axes.width), |x, y| Ok(x.merge(y)))
}

/// The grid from the per-column histograms of exact keys.
fn finish(range: Range<u64>, field: Field, hist: Hist, width: usize, height: usize) -> Density {
    let lo = hist
        .cols
        .iter()
        .filter_map(|h| h.iter().position(|&c| c > 0))
        .min()
        .unwrap_or(0);
    let hi = hist
        .cols
        .iter()
        .filter_map(|h| h.iter().rposition(|&c| c > 0))
        .max()
        .unwrap_or(0);
    let span = hi - lo + 1;
    let step = span.div_ceil(height);
    let height = span.div_ceil(step);
    let mut counts = vec![0u32; width * height];
    for (c, h) in hist.cols.iter().enumerate() {
        for (k, &count) in h.iter().enumerate().skip(lo) {
            if count > 0 {
                counts[(k - lo) / step * width + c] += count;
            }
        }
    }
    let scale = if field == Field::MaxExcursion {
        MAX_KEYS_PER_BIT
    } else {
        1.0
    };
    Density {
        start: range.start,
        end: range.end,
        field,
        width,
        height,
        y_min: lo as f64 / scale,
        y_max: hi as f64 / scale,
        y_step: step as f64 / scale,
        counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::stats;

    /// The grid computed one start value at a time from `stats`.
    fn naive(range: Range<u64>, field: Field, width: usize, height: usize) -> Density {
        let len = range.end - range.start;
        let width = width.min(len as usize);
        let keys: Vec<usize> = range
            .clone()
            .map(|n| {
                let s = stats(n).unwrap();
                match field {
                    Field::TotalStoppingTime => s.total_stopping_time as usize,
                    Field::StoppingTime => s.stopping_time as usize,
                    Field::OddSteps => s.odd_steps as usize,
                    Field::MaxExcursion => max_key(s.max.to_string().parse::<u128>().unwrap()),
                }
            })
            .collect();
        let lo = *keys.iter().min().unwrap();
        let hi = *keys.iter().max().unwrap();
        // rows of the fewest whole value steps that fit the height
        let span = hi - lo + 1;
        let step = (1..).find(|k| span.div_ceil(*k) <= height).unwrap();
        let height = span.div_ceil(step);
        let mut counts = vec![0u32; width * height];
        for (i, &k) in keys.iter().enumerate() {
            let c = part_of(i as u64, len, width as u64);
            counts[(k - lo) / step * width + c] += 1;
        }
        let scale = if field == Field::MaxExcursion {
            16.0
        } else {
            1.0
        };
        Density {
            start: range.start,
            end: range.end,
            field,
            width,
            height,
            y_min: lo as f64 / scale,
            y_max: hi as f64 / scale,
            y_step: step as f64 / scale,
            counts,
        }
    }

    #[test]
    fn every_field_matches_the_one_by_one_grid() {
        let engine = RangeEngine::new();
        let opts = RunOptions::default();
        let far = 1_000_000_000_000..1_000_000_003_000;
        for range in [1..2_000, 3..10_007, 1_000..9_000, 123_456..140_000, far] {
            for field in Field::ALL {
                for (w, h) in [(1, 1), (7, 5), (64, 32), (4096, 4096)] {
                    let got = engine.density(range.clone(), field, w, h, &opts).unwrap();
                    let want = naive(range.clone(), field, w, h);
                    assert_eq!(got, want, "{range:?} {field:?} {w}x{h}");
                }
            }
        }
    }

    #[test]
    fn pieces_and_halvings_across_piece_edges() {
        // a range longer than a piece, from 1 and from elsewhere: the counts equal the
        // histograms of the engine's own columns
        let engine = RangeEngine::new();
        let opts = RunOptions::default();
        for range in [1..(PIECE * 5 / 2), 3 * PIECE + 5..7 * PIECE + 3] {
            let d = engine
                .density(range.clone(), Field::TotalStoppingTime, 9, 1000, &opts)
                .unwrap();
            let cols = engine
                .columns(range.clone(), Want::TOTAL_STOPPING_TIME, &opts)
                .unwrap();
            let t = cols.total_stopping_time.unwrap();
            let lo = *t.iter().min().unwrap() as usize;
            let hi = *t.iter().max().unwrap() as usize;
            assert_eq!((d.y_min, d.y_max), (lo as f64, hi as f64));
            assert_eq!(d.height, hi - lo + 1);
            let mut want = vec![0u32; d.width * d.height];
            for (i, &v) in t.iter().enumerate() {
                let c = part_of(i as u64, range.end - range.start, 9);
                want[(v as usize - lo) * 9 + c] += 1;
            }
            assert_eq!(d.counts, want, "{range:?}");
        }
    }

    #[test]
    fn bad_grids_and_empty_ranges() {
        let engine = RangeEngine::new();
        let opts = RunOptions::default();
        let f = Field::TotalStoppingTime;
        for (w, h) in [(0, 10), (10, 0), (MAX_DENSITY_SIDE + 1, 10), (10, 5000)] {
            assert!(matches!(
                engine.density(1..100, f, w, h, &opts),
                Err(Error::InvalidArgument(_))
            ));
        }
        assert_eq!(engine.density(0..100, f, 10, 10, &opts), Err(Error::Zero));
        assert!(matches!(
            engine.density(1..(1 << 44), f, 1, 10, &opts),
            Err(Error::InvalidArgument(_))
        ));
        let d = engine.density(5..5, f, 10, 10, &opts).unwrap();
        assert_eq!((d.width, d.height, d.counts.len()), (0, 0, 0));
        // a range shorter than the width: one column per start value
        let d = engine.density(27..30, f, 100, 200, &opts).unwrap();
        assert_eq!(d.width, 3);
        assert_eq!((d.y_min, d.y_max), (18.0, 111.0)); // 28 takes 18 steps, 29 takes 18
    }

    #[test]
    fn cancelled_before_or_during() {
        let engine = RangeEngine::new();
        let cancel = super::super::CancelToken::new();
        cancel.cancel();
        let opts = RunOptions {
            cancel: Some(cancel),
            ..RunOptions::default()
        };
        assert_eq!(
            engine.density(1..(1 << 26), Field::TotalStoppingTime, 10, 10, &opts),
            Err(Error::Cancelled)
        );
    }
}
