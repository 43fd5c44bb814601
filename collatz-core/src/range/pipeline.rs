//! A call's start values as one stream of chunks, with no barrier between memo waves.
//!
//! Growing the memo in waves [P, 9P/8), each chunk of a wave reading only below P, makes every
//! thread wait for a wave's last chunk before the next wave starts (what that cost is in
//! docs/performance.md, "no barrier between memo waves"). Here the threads
//! take chunks in order of n from one queue, across the whole range: the part the memo already
//! holds, the memo's growth, and the read-only rest past it. A chunk [s, e) reads the memo
//! below the watermark W (every n below W is finished) and, where the memo grows, writes its
//! own entries. It starts once W has reached min(s, [`memo_needed`]\(e)), the bound that a
//! wave guaranteed (n/2 and (3n+1)/4 of its n below it), or the memo's end. Growing chunks are
//! at most s/(8T) long on T threads, so on two threads W is almost always there already: the
//! threads wait only when one of them is held up. Results are those of any other chunking;
//! summaries merge in order of n, one per segment of the range.
//!
//! Each segment's path ([`Work`]) is chosen here once, for the chunks that read the memo and
//! for those that also write its growth; a chunk takes its segment's.
//!
//! When it runs: every range call but the waves of `columns()` from 1. What it costs: two
//! short mutexes per chunk (the queue and the merge front), and, rarely, a spin on the
//! watermark.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::bounds::memo_needed;
use super::control::Control;
use super::memo::{Memo, Writer};
use super::path::{chunk, Reads, Work};
use super::pool::on_every_thread;
use super::split::{run_chunk, Slices};
use super::tally::{merge_opt, Tally};
use super::{Summary, Want};
use crate::error::{Error, Result};

/// How a [`run`] grows the memo.
pub(super) struct Growth<'w> {
    /// The memo's writer, held by the call.
    pub writer: &'w Writer<'w>,
    /// The memo grows from its bound to here.
    pub end: u64,
    /// Whether to give the writer back once the memo reaches `end` (while the rest of the run
    /// goes on), so that another call may grow it further.
    pub release: bool,
}

/// Runs every n of `range` (cut into `segments`, each (end, tally) with increasing ends, the
/// last at `range.end`), writing `out`, on every thread of the current pool. With `grow`,
/// the memo grows from its bound to `grow.end` on the way: then the range starts at or below
/// the memo's bound and the end is within its capacity.
/// Without, the chunks read whatever the memo holds when each starts (another call may be
/// growing it). One summary per segment (`None` without a tally). On failure the memo keeps
/// the entries of the chunks finished below the first unfinished one, and the error is that
/// of the first failed chunk in order of n.
pub(super) fn run(
    memo: &Memo,
    grow: Option<Growth<'_>>,
    range: Range<u64>,
    segments: &[(u64, Tally)],
    want: Want,
    ctl: &Control,
    out: Slices<'_>,
) -> Result<Vec<Option<Summary>>> {
    let p0 = memo.bound();
    let grow_end = grow.as_ref().map_or(p0, |g| g.end.max(p0));
    let release = grow.as_ref().filter(|g| g.release).map(|g| g.writer);
    debug_assert!(range.start <= p0 || grow_end == p0);
    debug_assert!(grow_end == p0 || grow_end <= range.end);
    debug_assert!(grow_end <= memo.capacity());
    debug_assert_eq!(out.len as u64, range.end.saturating_sub(range.start));
    debug_assert!(segments.last().is_none_or(|&(end, _)| end == range.end));
    if range.start >= range.end {
        return Ok(Vec::new());
    }
    let threads = rayon::current_num_threads().max(1);
    // each segment's path, chosen once: for the chunks that read the memo, and for those that
    // also write its growth
    let tables = memo.tables();
    let works = segments
        .iter()
        .map(|&(_, tally)| {
            [
                Work::new(want, tally, &out, tables, None),
                Work::new(want, tally, &out, tables, Some(tables)),
            ]
        })
        .collect();
    let run = Run {
        memo,
        release,
        p0,
        grow_end,
        segments,
        works,
        threads: threads as u64,
        chunk: run_chunk(out.len, ctl.opts.chunk_size, threads).max(1) as u64,
        ctl,
        queue: Mutex::new(Queue {
            next: range.start,
            end: range.end,
            index: 0,
            segment: 0,
            rest: Some(out),
        }),
        front: Mutex::new(Front {
            index: 0,
            segment: 0,
            finished: BTreeMap::new(),
            merged: None,
            parts: Vec::with_capacity(segments.len()),
        }),
        failed: AtomicBool::new(false),
        error: Mutex::new(None),
    };
    // one loop on every thread of the pool, each delivered to that thread's own broadcast
    // queue: no thread finds a sibling loop of this call in its deque when it yields between
    // chunks (running it there, nested, would leave the other threads idle), only other
    // calls' jobs
    on_every_thread(&|| run.unit());
    // every entry below the memo's watermark is finished, whether or not the call succeeded
    let Run { front, error, .. } = run;
    if let Some((_, e)) = error.into_inner().unwrap_or_else(PoisonError::into_inner) {
        return Err(e);
    }
    debug_assert!(memo.bound() >= grow_end);
    Ok(front
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .parts)
}

/// The length of a chunk that grows the memo from s: short enough that the chunks the other
/// threads hold do not keep the watermark below what it needs (see the module's
/// documentation).
fn growing_len(s: u64, threads: u64, max_chunk: u64) -> u64 {
    (s / (8 * threads)).clamp(1, max_chunk)
}

struct Run<'m, 'o, 'c> {
    /// Read below its watermark; written in [p0, grow_end) by growing chunks.
    memo: &'m Memo,
    /// The writer to give back once the memo reaches `grow_end`.
    release: Option<&'m Writer<'m>>,
    /// The memo's bound at the start.
    p0: u64,
    /// The memo grows to here (`p0` if it does not grow).
    grow_end: u64,
    segments: &'c [(u64, Tally)],
    /// Each segment's work, for the chunks that read the memo and for those that grow it.
    works: Vec<[Work; 2]>,
    threads: u64,
    /// The longest chunk.
    chunk: u64,
    ctl: &'c Control<'c>,
    /// The chunks not yet taken.
    queue: Mutex<Queue<'o>>,
    /// The chunks finished, and the summaries of those in order.
    front: Mutex<Front>,
    /// Set when a chunk fails: the others stop taking chunks.
    failed: AtomicBool,
    /// The first failed chunk's index and error.
    error: Mutex<Option<(usize, Error)>>,
}

struct Queue<'o> {
    next: u64,
    end: u64,
    index: usize,
    /// The segment of `next`.
    segment: usize,
    /// The output slices from `next` on.
    rest: Option<Slices<'o>>,
}

/// A chunk taken from the queue.
struct Piece<'o> {
    index: usize,
    range: Range<u64>,
    /// Whether it writes memo entries (it lies in the memo's growth).
    grows: bool,
    /// What it computes, and its path.
    work: Work,
    out: Slices<'o>,
}

struct Front {
    /// Every chunk below this index is merged.
    index: usize,
    /// The segment that the next chunk in order belongs to.
    segment: usize,
    /// Chunks finished above `index`: index -> (end, summary).
    finished: BTreeMap<usize, (u64, Option<Summary>)>,
    /// The summary of the current segment so far.
    merged: Option<Summary>,
    /// One summary per segment done.
    parts: Vec<Option<Summary>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<'o> Run<'_, 'o, '_> {
    /// One unit of a thread's loop (see [`on_every_thread`]): take the next chunk, run it,
    /// publish it; `false` once none is left or a chunk failed.
    fn unit(&self) -> bool {
        // a panic in a chunk (a bug) must not leave the other threads waiting for a
        // watermark that will never come: the scope then ends and passes the panic on
        let _stop_others = FailOnUnwind(&self.failed);
        if self.failed.load(Ordering::Relaxed) {
            return false;
        }
        let Some(piece) = self.take() else {
            return false;
        };
        let (index, end) = (piece.index, piece.range.end);
        match self.run_piece(piece) {
            Ok(Some(summary)) => {
                self.finish(index, end, summary);
                true
            }
            Ok(None) => false, // another chunk failed
            Err(err) => {
                self.fail(index, err);
                false
            }
        }
    }

    /// The next chunk: up to the next segment end, the memo's bound or the end of its growth,
    /// whichever comes first.
    fn take(&self) -> Option<Piece<'o>> {
        let mut q = lock(&self.queue);
        if q.next >= q.end {
            return None;
        }
        let s = q.next;
        let (seg_end, _) = self.segments[q.segment];
        let grows = s >= self.p0 && s < self.grow_end;
        let work = self.works[q.segment][grows as usize];
        let len = if grows {
            growing_len(s, self.threads, self.chunk)
        } else {
            self.chunk
        };
        let mut e = s.saturating_add(len).min(seg_end);
        for bound in [self.p0, self.grow_end] {
            if s < bound {
                e = e.min(bound);
            }
        }
        let (out, tail) = q.rest.take()?.split_at((e - s) as usize);
        q.rest = Some(tail);
        q.next = e;
        if e == seg_end {
            q.segment += 1;
        }
        q.index += 1;
        Some(Piece {
            index: q.index - 1,
            range: s..e,
            grows,
            work,
            out,
        })
    }

    /// Runs a chunk once the watermark allows: `Ok(None)` if another chunk failed meanwhile.
    fn run_piece(&self, piece: Piece<'_>) -> Result<Option<Option<Summary>>> {
        let Range { start: s, end: e } = piece.range;
        let need = s.min(memo_needed(e)).min(self.grow_end);
        let mut spins = 0u32;
        let p = loop {
            let w = self.memo.bound();
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
        let view = self.memo.view(p);
        // SAFETY: a growing chunk exists only in a run that holds the memo's writer (`grow`);
        // its [s, e) was taken from the queue by this thread alone, and it lies at or above the
        // watermark, which passes s only once this chunk is done.
        #[allow(unsafe_code)]
        let memo_out = piece.grows.then(|| unsafe { self.memo.write(s..e) });
        let reads = Reads {
            p,
            view: &view,
            ctl: self.ctl,
        };
        let summary = chunk(s, piece.out, memo_out, reads, piece.work)?;
        Ok(Some(summary))
    }

    /// Publishes the finished chunk: merges every chunk now contiguous with the ones before it
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
            // a maximum reached by an n before every chunk not yet merged bounds their records
            if let Some(r) = s.as_ref().and_then(|s| s.max_excursion) {
                self.ctl.raise_path_floor(r.value);
            }
            front.merged = merge_opt(front.merged.take(), s);
            front.index += 1;
            if self
                .segments
                .get(front.segment)
                .is_some_and(|&(end, _)| end == e)
            {
                let part = front.merged.take();
                front.parts.push(part);
                front.segment += 1;
            }
            reached = Some(e);
        }
        if let Some(e) = reached {
            if self.grow_end > self.p0 {
                let w = e.clamp(self.p0, self.grow_end);
                self.memo.publish(w);
                if w == self.grow_end {
                    // the growth is done: another call may grow the memo further while this
                    // one reads the rest of its range
                    if let Some(writer) = self.release {
                        writer.release();
                    }
                }
            }
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

/// Sets the flag when dropped during a panic.
struct FailOnUnwind<'a>(&'a AtomicBool);

impl Drop for FailOnUnwind<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growing_chunks_stay_short_enough_for_the_watermark() {
        // on T threads, T - 1 chunks in flight below s still leave W >= memo_needed(e)
        for threads in [1u64, 2, 4, 8] {
            for s in [1u64 << 16, 1 << 20, 123_456_789, 1 << 40] {
                let len = growing_len(s, threads, u64::MAX);
                let w = s - (threads - 1) * len;
                assert!(memo_needed(s + len) <= w, "s={s} threads={threads}");
                assert_eq!(growing_len(s, threads, 1000), len.min(1000));
            }
        }
        assert_eq!(growing_len(3, 2, 1 << 18), 1);
    }

    #[test]
    fn a_panicking_thread_stops_the_others() {
        let failed = AtomicBool::new(false);
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                // what a thread waiting for the watermark does: give up once `failed` is set
                let since = std::time::Instant::now();
                while !failed.load(Ordering::Relaxed) {
                    assert!(since.elapsed().as_secs() < 10, "still waiting");
                    std::thread::yield_now();
                }
            });
            let panicked = s.spawn(|| {
                let _guard = FailOnUnwind(&failed);
                panic!("a bug in a chunk");
            });
            assert!(panicked.join().is_err());
            waiter.join().unwrap();
        });
        assert!(failed.load(Ordering::Relaxed));
        // and a thread that ends normally leaves it alone
        let quiet = AtomicBool::new(false);
        drop(FailOnUnwind(&quiet));
        assert!(!quiet.load(Ordering::Relaxed));
    }
}
