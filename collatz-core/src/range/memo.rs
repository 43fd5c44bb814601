//! The engine's memo: dense tables of results for every n below a watermark, shared by every
//! call on the engine at once, and the slot that holds the current tables.
//!
//! A [`Memo`] is allocated once at a fixed capacity (zeroed fresh pages, advised huge) and never
//! moves; its watermark `len` says how much of it holds results: every n below it is finished,
//! and nothing below it is ever written again. Readers load the watermark with Acquire and read
//! below it without a lock. One call at a time grows it (the [`Writer`] of a [`MemoSlot`], an
//! atomic flag that no thread of the pool ever waits for): its chunks write entries at or
//! above the watermark, and the watermark is stored with Release once the chunks below it are
//! done (see `pipeline`). The writer is given back the moment the growth is done, not at the
//! end of the call.
//!
//! A memo that must grow past its capacity, or gain odd steps or maxima, is replaced: the
//! writer builds a new one (copying the finished entries) and swaps it into the slot. Calls
//! that loaded the old one keep reading it through their `Arc` until they end.
//!
//! Also here: the read-only view of a memo's finished entries ([`MemoView`], which the columns
//! of a call from 1 also serve as) and the prefetch hint for the reads a block of start values
//! is about to make ([`prefetch`]).
//!
//! When it runs: every chunk reads it; the chunks of a call that grows it write it. What it
//! costs: 2 bytes per entry (step counts), 2 more with odd steps, 8 more with maxima, up to the
//! engine's cap; a growth past the capacity copies the finished entries once.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

use super::split::MemoSlices;
use super::tables::{prefix_table, PREFIX_LEN};
use super::CancelToken;
use crate::error::{Error, Result};

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

/// Which tables a memo (or a view of one) holds besides step counts: what the choice of a
/// chunk's path depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct MemoTables {
    /// Odd steps.
    pub odd: bool,
    /// Maximum excursions.
    pub max: bool,
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
    /// The tables the view holds.
    pub fn tables(&self) -> MemoTables {
        MemoTables {
            odd: self.odd.is_some(),
            max: self.max.is_some(),
        }
    }

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

/// One table of the memo: `cap` entries at a fixed address, written through raw pointers by
/// chunks that own disjoint parts of it (see [`Memo::write`]).
struct Table<T> {
    ptr: *mut T,
    cap: usize,
}

impl<T: Copy + Default> Table<T> {
    /// `cap` zeroed entries, with `prefix` copied in front; `None` if the memory cannot be had.
    fn new(cap: usize, prefix: &[T]) -> Option<Self> {
        let cap = cap.max(prefix.len());
        // an error, not an abort, when the memory cannot be had ...
        let mut probe: Vec<T> = Vec::new();
        probe.try_reserve_exact(cap).ok()?;
        drop(probe);
        // ... then zeroed memory from the allocator (for large tables, fresh pages that are
        // not written here), advised before its pages are touched
        let mut v = vec![T::default(); cap];
        super::pages::advise_huge(&v);
        v[..prefix.len()].copy_from_slice(prefix);
        let mut v = std::mem::ManuallyDrop::new(v.into_boxed_slice());
        Some(Table {
            ptr: v.as_mut_ptr(),
            cap,
        })
    }

    /// The first `len` entries.
    ///
    /// # Safety
    /// `len <= cap`, and nothing writes these entries while the slice lives.
    #[allow(unsafe_code)]
    unsafe fn prefix(&self, len: usize) -> &[T] {
        debug_assert!(len <= self.cap);
        // SAFETY: the allocation holds `cap` initialised entries; the caller guarantees the
        // bound and that no write overlaps the slice.
        unsafe { std::slice::from_raw_parts(self.ptr, len) }
    }

    /// The entries `r`, to write.
    ///
    /// # Safety
    /// No other slice of this table that overlaps `r` may be alive while this one lives.
    #[allow(unsafe_code, clippy::mut_from_ref)]
    unsafe fn part(&self, r: Range<usize>) -> &mut [T] {
        assert!(r.start <= r.end && r.end <= self.cap);
        // SAFETY: [start, end) lies inside the allocation (asserted above), and the caller
        // guarantees that nothing else overlaps it meanwhile.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(r.start), r.end - r.start) }
    }
}

impl<T> Drop for Table<T> {
    fn drop(&mut self) {
        #[allow(unsafe_code)]
        // SAFETY: `ptr` and `cap` came from a boxed slice of exactly `cap` entries that was
        // leaked in `Table::new` and is freed only here, once.
        unsafe {
            drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                self.ptr, self.cap,
            )));
        }
    }
}

/// Dense tables of results for every 1 <= n < [`Memo::bound`] (index 0 unused): total stopping
/// times always, odd steps and maximum excursions when built with them.
pub(super) struct Memo {
    tst: Table<u16>,
    odd: Option<Table<u16>>,
    max: Option<Table<u64>>,
    /// The watermark: every n below it has its entries (stored with Release after they are
    /// written, loaded with Acquire before they are read). It only rises.
    len: AtomicU64,
}

// SAFETY: the tables are plain data behind raw pointers that the `Memo` owns. Entries below the
// watermark are only read; entries at or above it are written only through `Memo::write` by
// the one call that holds the slot's writer, each chunk its own disjoint part, and published by
// the watermark's Release store. `Memo::view` and `Memo::write` state what their callers keep
// apart.
#[allow(unsafe_code)]
unsafe impl Send for Memo {}
#[allow(unsafe_code)]
unsafe impl Sync for Memo {}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo")
            .field("capacity", &self.capacity())
            .field("odd", &self.odd.is_some())
            .field("max", &self.max.is_some())
            .field("bound", &self.bound())
            .finish()
    }
}

impl Memo {
    /// A memo of `cap` entries (at least 2) with the given tables, `None` if the memory cannot
    /// be had. One of step counts alone starts from the process's table of the first
    /// [`PREFIX_LEN`] of them (within `cap`); the others hold n = 1 only.
    pub fn new(cap: u64, odd: bool, max: bool) -> Option<Self> {
        let cap = usize::try_from(cap).ok()?.max(2);
        let seeded = if odd || max { 2 } else { cap.min(PREFIX_LEN) };
        let tst = Table::new(cap, &prefix_table()[..seeded])?;
        let odd = match odd {
            true => Some(Table::new(cap, &[0, 0])?),
            false => None,
        };
        let max = match max {
            true => Some(Table::new(cap, &[0, 1])?),
            false => None,
        };
        Some(Memo {
            tst,
            odd,
            max,
            len: AtomicU64::new(seeded as u64),
        })
    }

    /// A memo of `cap` entries with the same tables as `self` and its finished entries; `None`
    /// if the memory cannot be had. Only the holder of the slot's writer may call it (nothing
    /// writes `self` meanwhile).
    pub fn grown(&self, cap: u64) -> Option<Self> {
        let len = self.bound() as usize;
        let cap = usize::try_from(cap).ok()?.max(len);
        let plain = !self.has_odd() && !self.has_max();
        if plain && len < cap.min(PREFIX_LEN) {
            // step counts alone, short of the process's prefix table: start from that
            return Memo::new(cap as u64, false, false);
        }
        // SAFETY (each `prefix`): entries below the watermark are never written again
        #[allow(unsafe_code)]
        let copy = |t: &Table<u16>| Table::new(cap, unsafe { t.prefix(len) });
        let odd = match &self.odd {
            Some(o) => Some(copy(o)?),
            None => None,
        };
        #[allow(unsafe_code)]
        let max = match &self.max {
            Some(m) => Some(Table::new(cap, unsafe { m.prefix(len) })?),
            None => None,
        };
        Some(Memo {
            tst: copy(&self.tst)?,
            odd,
            max,
            len: AtomicU64::new(len as u64),
        })
    }

    /// Every n below this has its entries (Acquire: the entries are visible to the caller).
    pub fn bound(&self) -> u64 {
        self.len.load(Ordering::Acquire)
    }

    /// Raises the watermark to `w` (Release: every entry below it must be written).
    pub fn publish(&self, w: u64) {
        debug_assert!(w <= self.capacity());
        self.len.fetch_max(w, Ordering::Release);
    }

    /// Entries the tables have room for.
    pub fn capacity(&self) -> u64 {
        self.tst.cap as u64
    }

    /// Whether the memo holds odd steps.
    pub fn has_odd(&self) -> bool {
        self.odd.is_some()
    }

    /// Whether the memo holds maximum excursions.
    pub fn has_max(&self) -> bool {
        self.max.is_some()
    }

    /// The tables the memo holds.
    pub fn tables(&self) -> MemoTables {
        MemoTables {
            odd: self.has_odd(),
            max: self.has_max(),
        }
    }

    /// Bytes per entry with the given tables.
    pub fn entry_bytes(odd: bool, max: bool) -> usize {
        2 + 2 * odd as usize + 8 * max as usize
    }

    /// Bytes the tables take.
    pub fn bytes(&self) -> usize {
        self.tst.cap * Self::entry_bytes(self.has_odd(), self.has_max())
    }

    /// The finished entries below `p`, read-only (`p` at most the watermark, which the caller
    /// loaded with [`Memo::bound`]).
    pub fn view(&self, p: u64) -> MemoView<'_> {
        assert!(p <= self.len.load(Ordering::Relaxed));
        let p = p as usize;
        // SAFETY: [0, p) lies below the watermark: those entries are finished, never written
        // again, and their writes happened before the caller's Acquire load of the watermark.
        #[allow(unsafe_code)]
        unsafe {
            MemoView {
                base: 0,
                tst: self.tst.prefix(p),
                odd: self.odd.as_ref().map(|o| o.prefix(p)),
                max: self.max.as_ref().map(|m| m.prefix(p)),
            }
        }
    }

    /// The entries [s, e), to write.
    ///
    /// # Safety
    /// The caller holds the slot's writer for this memo (or owns it alone), `s` is at or above
    /// the watermark, and no other slice from `write` overlapping [s, e) is alive meanwhile.
    #[allow(unsafe_code)]
    pub unsafe fn write(&self, r: Range<u64>) -> MemoSlices<'_> {
        debug_assert!(r.start >= self.len.load(Ordering::Relaxed));
        let r = r.start as usize..r.end as usize;
        // SAFETY: passed on from the caller; readers only read below the watermark, which is
        // at or below s until this chunk's entries are published
        unsafe {
            MemoSlices {
                tst: self.tst.part(r.clone()),
                odd: self.odd.as_ref().map(|o| o.part(r.clone())),
                max: self.max.as_ref().map(|m| m.part(r.clone())),
            }
        }
    }
}

/// Where an engine keeps one memo: the current tables, swapped whole when they are replaced,
/// and the writer's flag. Loading the tables never waits, and neither does
/// [`MemoSlot::try_writer`] (a call that finds the writer taken runs on the tables as they
/// are).
pub(super) struct MemoSlot {
    current: ArcSwap<Memo>,
    /// Whether a call holds the writer.
    busy: AtomicBool,
}

impl std::fmt::Debug for MemoSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("MemoSlot").field(&*self.load()).finish()
    }
}

/// The right to grow or replace a slot's memo, held by one call at a time and given back by
/// [`Writer::release`] (from any thread, once) or when dropped.
pub(super) struct Writer<'a> {
    slot: &'a MemoSlot,
    held: AtomicBool,
}

impl MemoSlot {
    /// A slot holding a tiny memo with the given tables.
    pub fn new(odd: bool, max: bool) -> Self {
        let small = Memo::new(2, odd, max).expect("a memo of two entries");
        MemoSlot {
            current: ArcSwap::from_pointee(small),
            busy: AtomicBool::new(false),
        }
    }

    /// The current memo (lock-free).
    pub fn load(&self) -> Arc<Memo> {
        self.current.load_full()
    }

    /// The writer, if no other call holds it. Never waits.
    pub fn try_writer(&self) -> Option<Writer<'_>> {
        self.busy
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()?;
        Some(Writer {
            slot: self,
            held: AtomicBool::new(true),
        })
    }

    /// The writer, once the call that holds it is done growing the memo (a bounded time: at
    /// most the growth to the memo's cap), or [`Error::Cancelled`]. Only for callers outside
    /// the pool's threads: a pool thread may be running, nested, the very call it would wait
    /// for.
    pub fn wait_writer(&self, cancel: Option<&CancelToken>) -> Result<Writer<'_>> {
        debug_assert!(rayon::current_thread_index().is_none());
        loop {
            if let Some(w) = self.try_writer() {
                return Ok(w);
            }
            if cancel.is_some_and(CancelToken::is_cancelled) {
                return Err(Error::Cancelled);
            }
            std::thread::sleep(Duration::from_micros(500));
        }
    }
}

impl Writer<'_> {
    /// Puts `memo` in the slot, for every later call.
    pub fn replace(&self, memo: Memo) -> Arc<Memo> {
        debug_assert!(self.held.load(Ordering::Relaxed));
        let memo = Arc::new(memo);
        self.slot.current.store(memo.clone());
        memo
    }

    /// Gives the writer back (the first call; later ones do nothing).
    pub fn release(&self) {
        if self.held.swap(false, Ordering::AcqRel) {
            self.slot.busy.store(false, Ordering::Release);
        }
    }
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        self.release();
    }
}

/// A memo for the tests of the walks and tables.
#[cfg(test)]
pub(super) mod testing {
    use super::MemoView;
    use crate::stats;

    /// Every entry below `bound`, computed one by one: the tables a memo would hold.
    pub(in crate::range) struct TestMemo {
        pub tst: Vec<u16>,
        pub odd: Vec<u16>,
        pub max: Vec<u64>,
    }

    impl TestMemo {
        pub fn view(&self) -> MemoView<'_> {
            MemoView {
                base: 0,
                tst: &self.tst,
                odd: Some(&self.odd),
                max: Some(&self.max),
            }
        }
    }

    pub(in crate::range) fn memo_upto(bound: u64) -> TestMemo {
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
}

#[cfg(test)]
mod tests {
    use super::testing::memo_upto;
    use super::*;

    #[test]
    fn fresh_memos_start_from_the_prefix_only_with_step_counts_alone() {
        let m = Memo::new(PREFIX_LEN as u64 + 10, false, false).unwrap();
        assert_eq!(m.bound(), PREFIX_LEN as u64);
        assert_eq!(m.view(m.bound()).tst, prefix_table());
        let small = Memo::new(100, false, false).unwrap();
        assert_eq!(small.bound(), 100);
        assert_eq!(small.view(100).tst, &prefix_table()[..100]);
        let with_max = Memo::new(PREFIX_LEN as u64, false, true).unwrap();
        assert_eq!(with_max.bound(), 2);
        assert_eq!(with_max.view(2).max, Some(&[0u64, 1][..]));
        assert!(Memo::new(u64::MAX / 4, true, true).is_none());
    }

    #[test]
    fn a_grown_memo_keeps_the_finished_entries_and_nothing_past_them() {
        let m = Memo::new(10, true, false).unwrap();
        // SAFETY: this test owns the memo alone
        #[allow(unsafe_code)]
        let w = unsafe { m.write(2..6) };
        w.tst.copy_from_slice(&[1, 7, 2, 5]);
        w.odd.unwrap().copy_from_slice(&[0, 2, 0, 1]);
        m.publish(5);
        let g = m.grown(1000).unwrap();
        assert_eq!((g.capacity(), g.bound()), (1000, 5));
        assert_eq!(g.view(5).tst, [0, 0, 1, 7, 2]);
        assert_eq!(g.view(5).odd.unwrap(), [0, 0, 0, 2, 0]);
        assert!(!g.has_max());
        // the watermark only rises
        g.publish(3);
        assert_eq!(g.bound(), 5);
        // a memo of step counts alone grows from the process's prefix table
        let tiny = Memo::new(2, false, false).unwrap();
        assert_eq!(tiny.bound(), 2);
        let g = tiny.grown(PREFIX_LEN as u64 * 2).unwrap();
        assert_eq!(g.bound(), PREFIX_LEN as u64);
        assert_eq!(g.view(g.bound()).tst, prefix_table());
    }

    #[test]
    fn the_writer_is_one_call_at_a_time() {
        let slot = MemoSlot::new(false, false);
        let w = slot.try_writer().expect("free");
        assert!(slot.try_writer().is_none());
        let before = slot.load();
        let bigger = w.replace(before.grown(50).unwrap());
        assert_eq!(slot.load().capacity(), 50);
        // a reader of the old tables keeps them
        assert_eq!(before.capacity(), 2);
        // given back from another thread, once
        std::thread::scope(|s| {
            s.spawn(|| w.release());
        });
        let again = slot.try_writer().expect("given back");
        w.release();
        assert!(
            slot.try_writer().is_none(),
            "a second release frees nothing"
        );
        drop(w);
        assert!(slot.try_writer().is_none());
        drop(again);
        assert!(slot.try_writer().is_some());
        assert!(Arc::ptr_eq(&bigger, &slot.load()));
        // a panic while holding the writer leaves the slot usable
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _w = slot.try_writer().unwrap();
            panic!("a bug");
        }));
        assert!(r.is_err());
        assert!(slot.try_writer().is_some());
    }

    #[test]
    fn a_waiting_caller_gets_the_writer_when_it_is_given_back_or_stops_when_cancelled() {
        let slot = MemoSlot::new(false, false);
        let w = slot.try_writer().unwrap();
        let (token, watchdog) = (CancelToken::new(), CancelToken::new());
        std::thread::scope(|s| {
            let waiter = s.spawn(|| slot.wait_writer(Some(&token)).map(|_| ()));
            std::thread::sleep(Duration::from_millis(20));
            token.cancel();
            assert_eq!(waiter.join().unwrap(), Err(Error::Cancelled));
            // (a watchdog cancels the wait after 10 s: the test fails rather than hangs)
            let waiter = s.spawn(|| slot.wait_writer(Some(&watchdog)).map(|_| ()));
            std::thread::sleep(Duration::from_millis(20));
            w.release();
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while !waiter.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            watchdog.cancel();
            assert_eq!(
                waiter.join().unwrap(),
                Ok(()),
                "still waiting after the release"
            );
        });
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
}
