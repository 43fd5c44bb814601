//! Output slices and their division into chunks: disjoint `&mut` sub-slices of the columns
//! and of the memo, taken in order by the threads of [`super::pipeline`], or split with rayon
//! `join` by [`par_run`] (the waves of `columns()` from 1 past the memo).
//!
//! When it runs: once per chunk, as a chunk is taken. It costs nothing measurable: the slices
//! are split, never copied.

use std::ops::Range;

use super::control::Control;
use super::tally::merge_opt;
use super::{Columns, MaxColumn, Summary};
use crate::error::Result;

/// Output slices for entries `part` of the columns.
pub(super) fn column_slices(cols: &mut Columns, part: Range<usize>) -> Slices<'_> {
    Slices {
        len: part.end - part.start,
        tst: cols
            .total_stopping_time
            .as_deref_mut()
            .map(|v| &mut v[part.clone()]),
        glide: cols
            .stopping_time
            .as_deref_mut()
            .map(|v| &mut v[part.clone()]),
        odd: cols.odd_steps.as_deref_mut().map(|v| &mut v[part.clone()]),
        max: cols.max_excursion.as_mut().map(|m| match m {
            MaxColumn::U64(v) => MaxSlice::U64(&mut v[part.clone()]),
            MaxColumn::U128(v) => MaxSlice::U128(&mut v[part.clone()]),
        }),
    }
}

/// Splits a column into what is done (read-only) and the entries [done, todo) to fill.
pub(super) fn split_col(
    col: &mut Option<Vec<u16>>,
    done: usize,
    todo: usize,
) -> (Option<&[u16]>, Option<&mut [u16]>) {
    match col {
        Some(v) => {
            let (a, b) = v.split_at_mut(done);
            (Some(&*a), Some(&mut b[..todo - done]))
        }
        None => (None, None),
    }
}

/// Output slices for a run of consecutive start values; every field optional.
pub(super) struct Slices<'a> {
    pub(super) len: usize,
    pub(super) tst: Option<&'a mut [u16]>,
    pub(super) glide: Option<&'a mut [u16]>,
    pub(super) odd: Option<&'a mut [u16]>,
    pub(super) max: Option<MaxSlice<'a>>,
}

pub(super) enum MaxSlice<'a> {
    U64(&'a mut [u64]),
    U128(&'a mut [u128]),
}

pub(super) fn split_opt<T>(
    s: Option<&mut [T]>,
    mid: usize,
) -> (Option<&mut [T]>, Option<&mut [T]>) {
    match s {
        Some(s) => {
            let (a, b) = s.split_at_mut(mid);
            (Some(a), Some(b))
        }
        None => (None, None),
    }
}

impl<'a> Slices<'a> {
    /// Whether no column is requested.
    pub(super) fn is_none(&self) -> bool {
        self.tst.is_none() && self.glide.is_none() && self.odd.is_none() && self.max.is_none()
    }

    pub(super) fn none(len: usize) -> Self {
        Slices {
            len,
            tst: None,
            glide: None,
            odd: None,
            max: None,
        }
    }

    pub(super) fn split_at(self, mid: usize) -> (Slices<'a>, Slices<'a>) {
        let (t1, t2) = split_opt(self.tst, mid);
        let (g1, g2) = split_opt(self.glide, mid);
        let (o1, o2) = split_opt(self.odd, mid);
        let (m1, m2) = match self.max {
            Some(MaxSlice::U64(m)) => {
                let (a, b) = m.split_at_mut(mid);
                (Some(MaxSlice::U64(a)), Some(MaxSlice::U64(b)))
            }
            Some(MaxSlice::U128(m)) => {
                let (a, b) = m.split_at_mut(mid);
                (Some(MaxSlice::U128(a)), Some(MaxSlice::U128(b)))
            }
            None => (None, None),
        };
        (
            Slices {
                len: mid,
                tst: t1,
                glide: g1,
                odd: o1,
                max: m1,
            },
            Slices {
                len: self.len - mid,
                tst: t2,
                glide: g2,
                odd: o2,
                max: m2,
            },
        )
    }
}

/// The memo entries a wave writes.
pub(super) struct MemoSlices<'a> {
    pub(super) tst: &'a mut [u16],
    pub(super) odd: Option<&'a mut [u16]>,
    pub(super) max: Option<&'a mut [u64]>,
}

impl<'a> MemoSlices<'a> {
    pub(super) fn split_at(self, mid: usize) -> (MemoSlices<'a>, MemoSlices<'a>) {
        let (t1, t2) = self.tst.split_at_mut(mid);
        let (o1, o2) = split_opt(self.odd, mid);
        let (m1, m2) = split_opt(self.max, mid);
        (
            MemoSlices {
                tst: t1,
                odd: o1,
                max: m1,
            },
            MemoSlices {
                tst: t2,
                odd: o2,
                max: m2,
            },
        )
    }
}

/// [`MemoSlices::split_at`] of a wave's memo slices, if there are any.
pub(super) fn split_memo(
    memo: Option<MemoSlices<'_>>,
    mid: usize,
) -> (Option<MemoSlices<'_>>, Option<MemoSlices<'_>>) {
    match memo {
        Some(m) => {
            let (a, b) = m.split_at(mid);
            (Some(a), Some(b))
        }
        None => (None, None),
    }
}

/// Where to split `len` start values: on a chunk boundary near the middle.
pub(super) fn split_point(len: usize, chunk: usize) -> Option<usize> {
    let chunks = len.div_ceil(chunk);
    (chunks > 1).then(|| chunks / 2 * chunk)
}

/// The smallest piece a run is split into for parallelism's sake (see [`par_run`]): below
/// this, the class walks of the hot paths cost more than they save.
const MIN_PARALLEL_CHUNK: usize = 1 << 13;

/// Divide and conquer over chunks with rayon::join, splitting the output slices alike;
/// summaries merge in order. A short run (a wave of a few hundred thousand n) is cut finer
/// than `chunk_size`, into equal pieces, one to four per thread (a multiple of the thread
/// count, so that the threads finish together; each piece at least `MIN_PARALLEL_CHUNK` where
/// the run allows; not on one thread).
pub(super) fn par_run<F>(
    start: u64,
    out: Slices<'_>,
    ctl: &Control,
    f: &F,
) -> Result<Option<Summary>>
where
    F: Fn(u64, Slices<'_>) -> Result<Option<Summary>> + Sync,
{
    let chunk = run_chunk(out.len, ctl.opts.chunk_size, rayon::current_num_threads());
    par_chunks(start, out, chunk, ctl, f)
}

/// The chunk length for a run of `len` start values on `threads` threads: `chunk_size`, or
/// less for a short run (see [`par_run`]).
pub(super) fn run_chunk(len: usize, chunk_size: u64, threads: usize) -> usize {
    let chunk = chunk_size.min(usize::MAX as u64) as usize;
    if threads > 1 {
        let per_thread = (len / (MIN_PARALLEL_CHUNK * threads)).clamp(1, 4);
        chunk.min(len.div_ceil(threads * per_thread).max(1))
    } else {
        chunk
    }
}

fn par_chunks<F>(
    start: u64,
    out: Slices<'_>,
    chunk: usize,
    ctl: &Control,
    f: &F,
) -> Result<Option<Summary>>
where
    F: Fn(u64, Slices<'_>) -> Result<Option<Summary>> + Sync,
{
    ctl.check()?;
    match split_point(out.len, chunk) {
        None => f(start, out),
        Some(mid) => {
            let (a, b) = out.split_at(mid);
            let (ra, rb) = rayon::join(
                || par_chunks(start, a, chunk, ctl, f),
                || par_chunks(start + mid as u64, b, chunk, ctl, f),
            );
            Ok(merge_opt(ra?, rb?))
        }
    }
}
