//! Memo growth as one stream of chunks, without a barrier between waves.
//!
//! Growing the memo in waves [P, 9P/8), each chunk of a wave reading only below P, makes every
//! thread wait for a wave's last chunk before the next wave starts: on two threads the waves
//! of [1, 10^8) kept the threads busy 93-96% of the time, over 57 barriers. Here the threads
//! take chunks in order of n from one queue. A chunk [s, e) reads the memo below the
//! watermark W (every n below W is finished) and writes its own entries. It starts once W has
//! reached min(s, [`memo_needed`](super::memo_needed)(e)), the bound that a wave guaranteed
//! (n/2 and (3n+1)/4 of its n below it). Chunks are at most s/(8T) long on T threads, so on
//! two threads W is almost always there already: the threads wait only when one of them is
//! held up. Results are those of any other chunking; summaries merge in order of n.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::kernel::{Memo, MemoView};
use super::leaf::chunk;
use super::split::{MemoSlices, Slices};
use super::{memo_needed, merge_opt, Control, Summary, Tally, Want};
use crate::error::{Error, Result};

/// Extends the memo over `region` (which starts at its bound), writing `out` and tallying as
/// `summarize` says, on every thread of the current pool. On any failure the memo stays at
/// its old bound (its length moves only when the whole region succeeds), so it never counts
/// unfinished entries; the error is that of the first failed chunk in order of n.
pub(super) fn grow(
    memo: &mut Memo,
    region: Range<u64>,
    want: Want,
    ctl: &Control,
    out: Slices<'_>,
    summarize: Tally,
) -> Result<Option<Summary>> {
    debug_assert_eq!(region.start, memo.bound());
    debug_assert_eq!(out.len as u64, region.end.saturating_sub(region.start));
    if region.start >= region.end {
        return Ok(None);
    }
    // (the tables are normally reserved at their final length already)
    memo.ensure_len(region.end as usize);
    let threads = rayon::current_num_threads().max(1);
    let run = Run {
        tables: Tables::new(memo),
        end: region.end,
        threads: threads as u64,
        max_chunk: ctl.opts.chunk_size.max(1),
        want,
        summarize,
        ctl,
        queue: Mutex::new(Queue {
            next: region.start,
            index: 0,
            rest: Some(out),
        }),
        front: Mutex::new(Front {
            index: 0,
            finished: BTreeMap::new(),
            merged: None,
        }),
        watermark: AtomicU64::new(region.start),
        failed: AtomicBool::new(false),
        error: Mutex::new(None),
    };
    rayon::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|_| run.work());
        }
    });
    // no slice of the tables outlives the scope, and `Tables` has no drop glue: the memo's
    // borrow ends here
    let Run { front, error, .. } = run;
    if let Some((_, e)) = error.into_inner().unwrap_or_else(PoisonError::into_inner) {
        return Err(e);
    }
    memo.len = region.end as usize;
    Ok(front
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .merged)
}

/// The length of the chunk that starts at s: short enough that the chunks the other threads
/// hold do not keep the watermark below what it needs (see the module's documentation).
fn chunk_len(s: u64, threads: u64, max_chunk: u64) -> u64 {
    (s / (8 * threads)).clamp(1, max_chunk)
}

struct Run<'m, 'o, 'c> {
    tables: Tables<'m>,
    end: u64,
    threads: u64,
    max_chunk: u64,
    want: Want,
    summarize: Tally,
    ctl: &'c Control<'c>,
    /// The chunks not yet taken.
    queue: Mutex<Queue<'o>>,
    /// The chunks finished, and the summary of those below the watermark.
    front: Mutex<Front>,
    /// Every n below it has its memo entries (stored with Release after they are written).
    watermark: AtomicU64,
    /// Set when a chunk fails: the others stop taking chunks.
    failed: AtomicBool,
    /// The first failed chunk's index and error.
    error: Mutex<Option<(usize, Error)>>,
}

struct Queue<'o> {
    next: u64,
    index: usize,
    /// The output slices from `next` on.
    rest: Option<Slices<'o>>,
}

struct Front {
    /// Every chunk below this index is merged.
    index: usize,
    /// Chunks finished above it: index -> (end, summary).
    finished: BTreeMap<usize, (u64, Option<Summary>)>,
    merged: Option<Summary>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Run<'_, '_, '_> {
    /// One thread's loop: take the next chunk, run it, publish it, until none is left.
    fn work(&self) {
        while !self.failed.load(Ordering::Relaxed) {
            let Some((index, s, e, out)) = self.take() else {
                return;
            };
            match self.run_chunk(s, e, out) {
                Ok(Some(summary)) => self.finish(index, e, summary),
                Ok(None) => return, // another chunk failed
                Err(err) => {
                    self.fail(index, err);
                    return;
                }
            }
        }
    }

    fn take(&self) -> Option<(usize, u64, u64, Slices<'_>)> {
        let mut q = lock(&self.queue);
        if q.next >= self.end {
            return None;
        }
        let s = q.next;
        let e = (s + chunk_len(s, self.threads, self.max_chunk)).min(self.end);
        let (head, tail) = q.rest.take()?.split_at((e - s) as usize);
        q.rest = Some(tail);
        q.next = e;
        q.index += 1;
        Some((q.index - 1, s, e, head))
    }

    /// Runs the chunk [s, e) once the watermark allows: `Ok(None)` if another chunk failed
    /// meanwhile.
    fn run_chunk(&self, s: u64, e: u64, out: Slices<'_>) -> Result<Option<Option<Summary>>> {
        let need = s.min(memo_needed(e));
        let mut spins = 0u32;
        let p = loop {
            let w = self.watermark.load(Ordering::Acquire);
            if w >= need {
                break w;
            }
            if self.failed.load(Ordering::Relaxed) {
                return Ok(None);
            }
            self.ctl.check()?;
            if spins < 64 {
                std::hint::spin_loop();
                spins += 1;
            } else {
                std::thread::yield_now();
            }
        };
        self.ctl.check()?;
        // SAFETY: every chunk below p has finished (p is a watermark, loaded with Acquire
        // after the chunks below it wrote their entries and it was stored with Release), and
        // the chunks still running write only at or above p: the view overlaps no slice
        // being written. [s, e) was taken from the queue by this thread alone, and p <= s.
        #[allow(unsafe_code)]
        let (view, memo_out) = unsafe { (self.tables.view(p), self.tables.write(s..e)) };
        let summary = chunk(
            s,
            out,
            p,
            &view,
            Some(memo_out),
            self.summarize,
            self.want,
            self.ctl,
        )?;
        Ok(Some(summary))
    }

    /// Publishes the finished chunk: merges every chunk now contiguous with the ones below it
    /// and raises the watermark (and the path floor) past them.
    fn finish(&self, index: usize, e: u64, summary: Option<Summary>) {
        let mut front = lock(&self.front);
        front.finished.insert(index, (e, summary));
        let mut reached = None;
        loop {
            let next = front.index;
            let Some((e, s)) = front.finished.remove(&next) else {
                break;
            };
            front.merged = merge_opt(front.merged.take(), s);
            front.index += 1;
            reached = Some(e);
        }
        if let Some(e) = reached {
            // a maximum reached below the watermark bounds the records of every later chunk
            if let Some(r) = front.merged.as_ref().and_then(|m| m.max_excursion) {
                self.ctl.raise_path_floor(r.value);
            }
            self.watermark.store(e, Ordering::Release);
        }
    }

    fn fail(&self, index: usize, err: Error) {
        self.failed.store(true, Ordering::Relaxed);
        let mut first = lock(&self.error);
        if first.as_ref().is_none_or(|(i, _)| index < *i) {
            *first = Some((index, err));
        }
    }
}

/// The memo's tables, shared by the threads of one [`grow`]: each chunk writes its own
/// entries and reads the finished ones below the watermark, through raw pointers (a `&mut`
/// of the whole memo cannot be split by a bound that moves while the chunks run).
struct Tables<'m> {
    tst: *mut u16,
    odd: Option<*mut u16>,
    max: Option<*mut u64>,
    len: usize,
    _memo: PhantomData<&'m mut Memo>,
}

// SAFETY: the pointers come from a `&mut Memo` that `Tables` holds for its whole life, so
// nothing else touches the tables; u16 and u64 are plain data, and `view` and `write` state
// what callers on different threads must keep disjoint.
#[allow(unsafe_code)]
unsafe impl Send for Tables<'_> {}
#[allow(unsafe_code)]
unsafe impl Sync for Tables<'_> {}

impl<'m> Tables<'m> {
    fn new(memo: &'m mut Memo) -> Self {
        let len = memo.tst.len();
        debug_assert!(memo.odd.as_ref().is_none_or(|o| o.len() >= len));
        debug_assert!(memo.max.as_ref().is_none_or(|m| m.len() >= len));
        Tables {
            tst: memo.tst.as_mut_ptr(),
            odd: memo.odd.as_mut().map(|o| o.as_mut_ptr()),
            max: memo.max.as_mut().map(|m| m.as_mut_ptr()),
            len,
            _memo: PhantomData,
        }
    }

    /// The entries below p, read-only.
    ///
    /// # Safety
    /// No slice from [`Tables::write`] that overlaps [0, p) may be alive at the same time,
    /// and every write to [0, p) must happen before this call (a Release/Acquire pair).
    #[allow(unsafe_code)]
    unsafe fn view(&self, p: u64) -> MemoView<'_> {
        let p = (p as usize).min(self.len);
        // SAFETY: [0, p) lies inside each table (p <= len, and odd and max are at least as
        // long as tst), and the caller guarantees that nothing writes it meanwhile.
        unsafe {
            MemoView {
                base: 0,
                tst: std::slice::from_raw_parts(self.tst, p),
                odd: self
                    .odd
                    .map(|o| std::slice::from_raw_parts(o as *const u16, p)),
                max: self
                    .max
                    .map(|m| std::slice::from_raw_parts(m as *const u64, p)),
            }
        }
    }

    /// The entries [s, e), to write.
    ///
    /// # Safety
    /// No other slice from [`Tables::view`] or [`Tables::write`] that overlaps [s, e) may be
    /// alive at the same time.
    #[allow(unsafe_code, clippy::mut_from_ref)]
    unsafe fn write(&self, r: Range<u64>) -> MemoSlices<'_> {
        assert!(r.start <= r.end && r.end as usize <= self.len);
        let (s, n) = (r.start as usize, (r.end - r.start) as usize);
        // SAFETY: [s, s + n) lies inside each table (asserted above), and the caller
        // guarantees that no other slice overlaps it meanwhile.
        unsafe {
            MemoSlices {
                tst: std::slice::from_raw_parts_mut(self.tst.add(s), n),
                odd: self
                    .odd
                    .map(|o| std::slice::from_raw_parts_mut(o.add(s), n)),
                max: self
                    .max
                    .map(|m| std::slice::from_raw_parts_mut(m.add(s), n)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_stay_short_enough_for_the_watermark() {
        // on T threads, T - 1 chunks in flight below s still leave W >= memo_needed(e)
        for threads in [1u64, 2, 4, 8] {
            for s in [1u64 << 16, 1 << 20, 123_456_789, 1 << 40] {
                let len = chunk_len(s, threads, u64::MAX);
                let w = s - (threads - 1) * len;
                assert!(memo_needed(s + len) <= w, "s={s} threads={threads}");
                assert_eq!(chunk_len(s, threads, 1000), len.min(1000));
            }
        }
        assert_eq!(chunk_len(3, 2, 1 << 18), 1);
    }
}
