//! The range engine against the reference data, the per-number functions, and itself under
//! every thread count and chunk size.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use collatz_core::range::{CancelToken, MaxColumn, RangeEngine, RunOptions, Summary, Want};
use collatz_core::{stats, Error};
use common::load;
use num_bigint::BigUint;
use proptest::prelude::*;

fn opts(threads: usize, chunk: u64) -> RunOptions<'static> {
    RunOptions {
        threads: Some(threads),
        chunk_size: chunk,
        ..RunOptions::default()
    }
}

#[test]
fn columns_match_the_reference_files() {
    let engine = RangeEngine::new();
    let c = engine
        .columns(1..10_001, Want::ALL, &opts(2, 1000))
        .unwrap();
    let tst = c.total_stopping_time.unwrap();
    let glide = c.stopping_time.unwrap();
    let odd = c.odd_steps.unwrap();
    let max = c.max_excursion.unwrap();
    assert!(matches!(max, MaxColumn::U64(_)));
    for (file, col) in [("A006577", &tst), ("A102419", &glide), ("A006667", &odd)] {
        for (n, v) in load(file) {
            assert_eq!(BigUint::from(col[n as usize - 1]), v, "{file}({n})");
        }
    }
    for (n, v) in load("A025586") {
        assert_eq!(
            BigUint::from(max.get(n as usize - 1).unwrap()),
            v,
            "A025586({n})"
        );
    }
}

#[test]
fn summary_of_the_first_million_matches_published_records() {
    let engine = RangeEngine::new();
    let s = engine
        .summary(1..1_000_000, Want::ALL, &opts(2, 1 << 14))
        .unwrap();
    assert_eq!(s.count, 999_999);
    assert_eq!(s.total_stopping_time.unwrap().sum, 131_434_272);
    assert_eq!(s.histogram.iter().sum::<u64>(), 999_999);
    let records = |holders: &str, values: &str| -> Vec<(u64, u128)> {
        load(holders)
            .iter()
            .zip(load(values))
            .map(|((_, n), (_, v))| (n.try_into().unwrap(), v.try_into().unwrap()))
            .filter(|&(n, _): &(u64, u128)| n < 1_000_000)
            .collect()
    };
    let delay: Vec<(u64, u128)> = s.delay_records.iter().map(|r| (r.n, r.value)).collect();
    assert_eq!(delay, records("A006877", "A006878"));
    let path: Vec<(u64, u128)> = s.path_records.iter().map(|r| (r.n, r.value)).collect();
    assert_eq!(path, records("A006884", "A006885"));
    let top = s.max_excursion.unwrap();
    assert_eq!((top.n, top.value), *path.last().unwrap());
    // glide records: checked against a direct scan with the per-number function
    let mut best = None;
    let mut expect = Vec::new();
    for n in 1..1_000_000u64 {
        let g = collatz_core::stopping_time(n).unwrap();
        if best.is_none_or(|b| g > b) {
            best = Some(g);
            expect.push((n, g as u128));
        }
    }
    let glide: Vec<(u64, u128)> = s.glide_records.iter().map(|r| (r.n, r.value)).collect();
    assert_eq!(glide, expect);
}

#[test]
fn the_summary_hot_path_matches_the_general_path_from_one() {
    for end in [1_000_000u64, 100, 9, 2] {
        let mut general = RangeEngine::new()
            .summary(1..end, Want::ALL, &opts(2, 1 << 12))
            .unwrap();
        general.odd_steps = None;
        for (threads, chunk) in [(1, 1 << 16), (2, 1000), (2, 1)] {
            let engine = RangeEngine::new();
            let hot = engine
                .summary(1..end, RECORDS, &opts(threads, chunk))
                .unwrap();
            assert_eq!(hot, general, "end {end}, {threads} threads, chunk {chunk}");
        }
    }
}

#[test]
fn a_small_memo_changes_speed_not_results() {
    let big = RangeEngine::new();
    let small = RangeEngine::with_memo_bytes(1 << 12);
    for range in [1..200_000u64, 123_456..200_000, 5_000_000..5_050_000] {
        let a = big
            .summary(range.clone(), Want::ALL, &opts(2, 4096))
            .unwrap();
        let b = small
            .summary(range.clone(), Want::ALL, &opts(2, 4096))
            .unwrap();
        assert_eq!(a, b, "{range:?}");
        let ca = big
            .columns(range.clone(), Want::ALL, &opts(2, 4096))
            .unwrap();
        let cb = small
            .columns(range.clone(), Want::ALL, &opts(1, 4096))
            .unwrap();
        assert_eq!(ca, cb, "{range:?}");
    }
    assert!(small.memo_bytes() <= 1 << 13);
}

#[test]
fn summaries_from_one_past_the_memo_s_reach_match_a_full_memo() {
    // with a capped memo, the odd n far above it (n/2 and (3n+1)/4 beyond the memo) still take
    // the summary's hot path, walking on from (3n+1)/4 and from the classes' T^j(n): memos of
    // 512 entries (below the jump tables' reach), 2^15 and 2^19, against the default memo
    let full = RangeEngine::new();
    for end in [1_500_001u64, 3_000_000] {
        for want in [RECORDS, Want::TOTAL_STOPPING_TIME, Want::ALL] {
            let expected = full.summary(1..end, want, &opts(2, 1 << 16)).unwrap();
            for (memo, threads, chunk) in [
                (1 << 10, 2, 1 << 15),
                (1 << 16, 1, 1 << 18),
                (1 << 20, 2, 4097),
            ] {
                let engine = RangeEngine::with_memo_bytes(memo);
                let got = engine.summary(1..end, want, &opts(threads, chunk)).unwrap();
                assert_eq!(
                    got, expected,
                    "end {end}, {want:?}, memo {memo} B, {threads} threads, chunk {chunk}"
                );
                assert!(engine.memo_bytes() <= 2 * memo);
            }
        }
    }
}

#[test]
fn far_ranges_take_the_hot_paths_and_agree_with_each_number() {
    // ranges far above the memo: step counts and glides of every n walk on from n/2, (3n+1)/4
    // and T^j(n) to below the memo; summaries (no maxima: the exact-maxima path is another)
    // and step-count columns (here by the chunk iterator) against the per-number functions
    for (a, len, memo) in [
        ((1u64 << 40) + 5, 150_000u64, 1usize << 16),
        (10_000_000_000, 100_000, 1 << 10),
        (3_000_001, 200_000, 1 << 14),
    ] {
        let range = a..a + len;
        let tst: Vec<u64> = range
            .clone()
            .map(|n| collatz_core::total_stopping_time(n).unwrap())
            .collect();
        let glide: Vec<u64> = range
            .clone()
            .map(|n| collatz_core::stopping_time(n).unwrap())
            .collect();
        let want = Want {
            total_stopping_time: true,
            stopping_time: true,
            ..Want::NONE
        };
        for (threads, chunk) in [(1, 1 << 18), (2, 7919)] {
            let engine = RangeEngine::with_memo_bytes(memo);
            let s = engine
                .summary(range.clone(), want, &opts(threads, chunk))
                .unwrap();
            let t = s.total_stopping_time.unwrap();
            assert_eq!(t.sum, tst.iter().sum::<u64>(), "{range:?}");
            let top = tst.iter().copied().max().unwrap();
            assert_eq!(t.max as u64, top);
            assert_eq!(
                t.max_n,
                a + tst.iter().position(|&v| v == top).unwrap() as u64
            );
            assert_eq!(s.stopping_time.unwrap().sum, glide.iter().sum::<u64>());
            // the delay and glide records: every n whose value beats all before it
            let records = |v: &[u64]| {
                let mut best = None;
                let mut out = Vec::new();
                for (i, &x) in v.iter().enumerate() {
                    if best.is_none_or(|b| x > b) {
                        best = Some(x);
                        out.push((a + i as u64, x as u128));
                    }
                }
                out
            };
            let got = |r: &[collatz_core::range::Record]| -> Vec<(u64, u128)> {
                r.iter().map(|r| (r.n, r.value)).collect()
            };
            assert_eq!(got(&s.delay_records), records(&tst), "{range:?}");
            assert_eq!(got(&s.glide_records), records(&glide), "{range:?}");
            let mut cols = Vec::new();
            for c in engine
                .chunks(
                    range.clone(),
                    Want::TOTAL_STOPPING_TIME,
                    opts(threads, chunk),
                )
                .unwrap()
            {
                cols.extend(
                    c.unwrap()
                        .total_stopping_time
                        .unwrap()
                        .iter()
                        .map(|&v| v as u64),
                );
            }
            assert_eq!(cols, tst, "{range:?}, {threads} threads");
            assert!(engine.memo_bytes() <= 2 * memo);
        }
    }
}

#[test]
fn values_past_u64_fall_back_exactly() {
    // 12,327,829,503 is the first n whose maximum exceeds u64: the u128 column takes it
    let n = 12_327_829_503u64;
    let engine = RangeEngine::with_memo_bytes(1 << 16);
    let c = engine
        .columns(n - 2..n + 3, Want::ALL, &opts(1, 2))
        .unwrap();
    let max = c.max_excursion.unwrap();
    assert!(matches!(max, MaxColumn::U128(_)));
    for (i, m) in (n - 2..n + 3).enumerate() {
        let s = stats(m).unwrap();
        assert_eq!(max.get(i), s.max.as_u128());
        assert_eq!(
            c.total_stopping_time.as_ref().unwrap()[i] as u64,
            s.total_stopping_time
        );
    }
    assert!(max.get(2).unwrap() > u64::MAX as u128);
    // and near the top of u64, where 3n+1 itself overflows
    let top = u64::MAX - 100..u64::MAX;
    let c = engine.columns(top.clone(), Want::ALL, &opts(2, 7)).unwrap();
    for (i, m) in top.enumerate() {
        let s = stats(m).unwrap();
        assert_eq!(
            c.total_stopping_time.as_ref().unwrap()[i] as u64,
            s.total_stopping_time
        );
        assert_eq!(c.stopping_time.as_ref().unwrap()[i] as u64, s.stopping_time);
        assert_eq!(c.max_excursion.as_ref().unwrap().get(i), s.max.as_u128());
    }
}

#[test]
fn chunks_cover_the_range_in_order() {
    let engine = RangeEngine::new();
    let whole = engine
        .columns(1000..50_000, Want::ALL, &opts(2, 1 << 16))
        .unwrap();
    let mut tst = Vec::new();
    let mut next = 1000;
    for chunk in engine
        .chunks(1000..50_000, Want::ALL, opts(2, 4999))
        .unwrap()
    {
        let chunk = chunk.unwrap();
        assert_eq!(chunk.start, next);
        let t = chunk.total_stopping_time.unwrap();
        assert!(t.len() <= 4999);
        next += t.len() as u64;
        tst.extend(t);
    }
    assert_eq!(next, 50_000);
    assert_eq!(Some(tst), whole.total_stopping_time);
}

#[test]
fn bad_arguments_are_errors() {
    let engine = RangeEngine::new();
    assert_eq!(
        engine.summary(0..10, Want::ALL, &RunOptions::default()),
        Err(Error::Zero)
    );
    #[allow(clippy::reversed_empty_ranges)] // a reversed range is exactly what is tested
    let reversed = 10..5;
    assert!(matches!(
        engine.columns(reversed, Want::ALL, &RunOptions::default()),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        engine.summary(1..10, Want::ALL, &opts(0, 10)),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        engine.summary(1..10, Want::ALL, &opts(1, 0)),
        Err(Error::InvalidArgument(_))
    ));
    assert!(engine.chunks(1..10, Want::ALL, opts(1, 0)).is_err());
    let empty = engine
        .summary(5..5, Want::ALL, &RunOptions::default())
        .unwrap();
    assert_eq!(empty.count, 0);
}

#[test]
fn progress_reaches_the_total() {
    let engine = RangeEngine::new();
    let last = AtomicU64::new(0);
    let calls = AtomicU64::new(0);
    let cb = |done: u64, total: u64| {
        assert_eq!(total, 300_000);
        last.fetch_max(done, Ordering::Relaxed);
        calls.fetch_add(1, Ordering::Relaxed);
    };
    let o = RunOptions {
        threads: Some(2),
        chunk_size: 10_000,
        progress: Some(&cb),
        cancel: None,
    };
    engine.summary(1..300_001, Want::ALL, &o).unwrap();
    assert_eq!(last.load(Ordering::Relaxed), 300_000);
    assert!(calls.load(Ordering::Relaxed) >= 30);
}

#[test]
fn cancellation_stops_a_huge_range_promptly() {
    let engine = RangeEngine::new();
    let token = CancelToken::new();
    let canceller = token.clone();
    let cancelled_at = std::sync::Mutex::new(None);
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(300));
            *cancelled_at.lock().unwrap() = Some(Instant::now());
            canceller.cancel();
        });
        let o = RunOptions {
            threads: Some(2),
            cancel: Some(token.clone()),
            ..RunOptions::default()
        };
        let result = engine.summary(1..10_000_000_000, Want::ALL, &o);
        let returned = Instant::now();
        assert_eq!(result, Err(Error::Cancelled));
        let lag = returned - cancelled_at.lock().unwrap().unwrap();
        // generous for a loaded test machine; the benchmark in docs/performance.md measures it
        assert!(
            lag < Duration::from_secs(1),
            "returned {lag:?} after the cancel"
        );
    });
    // the engine is still usable, and its memo still right
    let s = engine
        .summary(1..1_000_000, Want::ALL, &opts(2, 1 << 16))
        .unwrap();
    assert_eq!(s.total_stopping_time.unwrap().sum, 131_434_272);
}

#[test]
fn a_call_cancelled_while_the_memo_grows_keeps_only_finished_entries() {
    let fresh = RangeEngine::new()
        .summary(1..1_500_000, RECORDS, &opts(1, 1 << 16))
        .unwrap();
    for threads in [1, 2, 8] {
        let engine = RangeEngine::new();
        let token = CancelToken::new();
        let cancel_past = |done: u64, _total: u64| {
            if done >= 300_000 {
                token.cancel();
            }
        };
        let o = RunOptions {
            threads: Some(threads),
            chunk_size: 1 << 12,
            progress: Some(&cancel_past),
            cancel: Some(token.clone()),
        };
        // the memo grows with the range, and the cancel lands while it does
        assert_eq!(
            engine.summary(1..3_000_000, RECORDS, &o),
            Err(Error::Cancelled)
        );
        // a later call on the same memo agrees with a fresh engine: the memo's bound did not
        // move past entries that the cancelled chunks never wrote
        let again = engine
            .summary(1..1_500_000, RECORDS, &opts(threads, 1 << 16))
            .unwrap();
        assert_eq!(again, fresh, "threads {threads}");
    }
}

fn summary_with(range: std::ops::Range<u64>, threads: usize, chunk: u64, fresh: bool) -> Summary {
    summary_of(range, Want::ALL, threads, chunk, fresh)
}

fn summary_of(
    range: std::ops::Range<u64>,
    want: Want,
    threads: usize,
    chunk: u64,
    fresh: bool,
) -> Summary {
    let engine = if fresh {
        RangeEngine::with_memo_bytes(1 << 14)
    } else {
        RangeEngine::new()
    };
    engine.summary(range, want, &opts(threads, chunk)).unwrap()
}

/// The statistics the CLI's `range` asks for: the summary hot path (no odd steps).
const RECORDS: Want = Want {
    total_stopping_time: true,
    stopping_time: true,
    odd_steps: false,
    max_excursion: true,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn summaries_do_not_depend_on_threads_or_chunks(
        a in prop_oneof![Just(1u64), 1u64..100_000, 1u64..1u64 << 40],
        len in 1u64..20_000,
        chunk_pow in 0u32..=20,
        small_memo in any::<bool>(),
    ) {
        let range = a..a + len;
        let chunk = 1u64 << chunk_pow;
        let base = summary_with(range.clone(), 1, 1 << 20, false);
        for threads in [1, 2, 8] {
            let s = summary_with(range.clone(), threads, chunk, small_memo);
            prop_assert_eq!(&s, &base);
        }
        // the hot path without odd steps agrees with the general one
        let mut expect = base.clone();
        expect.odd_steps = None;
        for threads in [1, 2, 8] {
            let s = summary_of(range.clone(), RECORDS, threads, chunk, small_memo);
            prop_assert_eq!(&s, &expect);
        }
        // and the columns agree with the per-number functions
        let c = RangeEngine::new().columns(range.clone(), Want::ALL, &opts(2, chunk)).unwrap();
        for (i, n) in range.clone().step_by(97).enumerate().map(|(i, n)| (i * 97, n)) {
            let s = stats(n).unwrap();
            prop_assert_eq!(c.total_stopping_time.as_ref().unwrap()[i] as u64, s.total_stopping_time);
            prop_assert_eq!(c.stopping_time.as_ref().unwrap()[i] as u64, s.stopping_time);
            prop_assert_eq!(c.odd_steps.as_ref().unwrap()[i] as u64, s.odd_steps);
            prop_assert_eq!(c.max_excursion.as_ref().unwrap().get(i), s.max.as_u128());
        }
        // step counts alone take their own path (pass one of the summary path)
        let t = RangeEngine::new()
            .columns(range.clone(), Want::TOTAL_STOPPING_TIME, &opts(2, chunk))
            .unwrap();
        prop_assert_eq!(&t.total_stopping_time, &c.total_stopping_time);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Long enough for the class walks, the sparse classes and the side-by-side walks of the
    /// left-overs (chunks of 2^13 and more), from 1, from the middle of a memo and far out.
    #[test]
    fn long_step_count_columns_match_the_per_number_function(
        a in prop_oneof![Just(1u64), 1u64..2_000_000, (1u64 << 32)..(1u64 << 33)],
        len in 10_000u64..150_000,
        chunk_pow in 10u32..=20,
        threads in 1usize..=2,
        small_memo in any::<bool>(),
    ) {
        let engine = if small_memo {
            RangeEngine::with_memo_bytes(1 << 20)
        } else {
            RangeEngine::new()
        };
        let o = opts(threads, 1 << chunk_pow);
        let c = engine.columns(a..a + len, Want::TOTAL_STOPPING_TIME, &o).unwrap();
        let t = c.total_stopping_time.unwrap();
        for (i, n) in (a..a + len).enumerate() {
            prop_assert_eq!(t[i] as u64, collatz_core::total_stopping_time(n).unwrap(), "n = {}", n);
        }
        // the summary hot path (the CLI's statistics) on the same engine agrees with them
        let s = engine.summary(a..a + len, RECORDS, &o).unwrap();
        let tst = s.total_stopping_time.unwrap();
        prop_assert_eq!(tst.sum, t.iter().map(|&v| v as u64).sum::<u64>());
        prop_assert_eq!(tst.max as u16, t.iter().copied().max().unwrap());
    }
}

#[test]
fn impossible_columns_are_an_error_not_an_abort() {
    let engine = RangeEngine::new();
    let huge = 1..(1u64 << 59);
    let r = engine.columns(huge, Want::TOTAL_STOPPING_TIME, &RunOptions::default());
    assert!(
        matches!(r, Err(Error::OutOfMemory { bytes, .. }) if bytes == ((1u64 << 59) - 1) * 2),
        "{r:?}"
    );
}

#[test]
fn chunk_progress_counts_over_the_whole_range() {
    let engine = RangeEngine::new();
    let seen = std::sync::Mutex::new(Vec::new());
    let cb = |done: u64, total: u64| seen.lock().unwrap().push((done, total));
    let o = RunOptions {
        threads: Some(2),
        chunk_size: 10_000,
        progress: Some(&cb),
        cancel: None,
    };
    let n = engine
        .chunks(1..50_001, Want::TOTAL_STOPPING_TIME, o)
        .unwrap()
        .count();
    assert_eq!(n, 5);
    let seen = seen.into_inner().unwrap();
    assert!(seen.iter().all(|&(d, t)| t == 50_000 && d <= t));
    assert_eq!(seen.iter().map(|&(d, _)| d).max(), Some(50_000));
}

#[test]
fn columns_from_one_past_the_prefix_match_the_per_number_functions() {
    let engine = RangeEngine::new();
    let want = Want {
        total_stopping_time: true,
        stopping_time: true,
        odd_steps: false,
        max_excursion: true,
    };
    let c = engine.columns(1..400_000, want, &opts(2, 5000)).unwrap();
    let (t, g, m) = (
        c.total_stopping_time.unwrap(),
        c.stopping_time.unwrap(),
        c.max_excursion.unwrap(),
    );
    for n in (1..400_000u64).step_by(37).chain(399_990..400_000) {
        let s = stats(n).unwrap();
        let i = n as usize - 1;
        assert_eq!(t[i] as u64, s.total_stopping_time, "n = {n}");
        assert_eq!(g[i] as u64, s.stopping_time, "n = {n}");
        assert_eq!(m.get(i), s.max.as_u128(), "n = {n}");
    }
    assert_eq!(
        t.iter().map(|&v| v as u64).sum::<u64>(),
        (1..400_000u64)
            .map(|n| collatz_core::total_stopping_time(n).unwrap())
            .sum::<u64>()
    );
    // step counts alone, from 1 and from the middle (through the memo's waves)
    for (range, threads, chunk) in [(1..400_000u64, 2, 5000), (1..400_000, 1, 1 << 18)] {
        let alone = RangeEngine::new()
            .columns(range, Want::TOTAL_STOPPING_TIME, &opts(threads, chunk))
            .unwrap();
        assert_eq!(alone.total_stopping_time.as_deref(), Some(&t[..]));
    }
    let mid = RangeEngine::new()
        .columns(123_457..399_999, Want::TOTAL_STOPPING_TIME, &opts(2, 777))
        .unwrap();
    assert_eq!(
        mid.total_stopping_time.as_deref(),
        Some(&t[123_456..399_998])
    );
}

#[test]
fn short_step_count_columns_from_one_are_exact_at_every_end() {
    // ends around the prefix table's length (2^16) and tiny ones; engines with the default
    // memo and with a memo too small for the prefix
    let tst = |n: u64| collatz_core::total_stopping_time(n).unwrap() as u16;
    let all: Vec<u16> = (1..70_001u64).map(tst).collect();
    for end in [2u64, 3, 9, 100, 30_000, 65_535, 65_536, 65_537, 70_001] {
        for engine in [RangeEngine::new(), RangeEngine::with_memo_bytes(1000)] {
            let c = engine
                .columns(1..end, Want::TOTAL_STOPPING_TIME, &opts(1, 4096))
                .unwrap();
            assert_eq!(
                c.total_stopping_time.as_deref(),
                Some(&all[..end as usize - 1]),
                "end = {end}"
            );
        }
    }
    // a summary on a fresh engine with a short range: the memo is seeded as far as it goes
    let s = RangeEngine::new()
        .summary(1..1000, Want::TOTAL_STOPPING_TIME, &opts(1, 64))
        .unwrap();
    let want: u64 = all[..999].iter().map(|&v| v as u64).sum();
    assert_eq!(s.total_stopping_time.unwrap().sum, want);
}

#[test]
fn two_calls_with_one_thread_each_run_at_the_same_time() {
    // each call gets its own pool (kept pools are checked out, not shared): the second call's
    // first chunk completes before the first call's last one
    use std::sync::Mutex;
    let events: Mutex<Vec<(usize, u64, u64)>> = Mutex::new(Vec::new());
    let run = |who: usize| {
        let record = |done: u64, total: u64| events.lock().unwrap().push((who, done, total));
        let o = RunOptions {
            threads: Some(1),
            chunk_size: 1 << 16,
            progress: Some(&record),
            ..RunOptions::default()
        };
        RangeEngine::with_memo_bytes(1 << 20)
            .summary(
                1 << 40..(1 << 40) + (1 << 23),
                Want::TOTAL_STOPPING_TIME,
                &o,
            )
            .unwrap()
    };
    // warm the pool cache so that both calls find a kept one-thread pool
    run(9);
    events.lock().unwrap().clear();
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| run(0));
        let b = s.spawn(|| run(1));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(a, b);
    let ev = events.into_inner().unwrap();
    let last_of = |who| ev.iter().rposition(|e| e.0 == who).unwrap();
    let first_of = |who| ev.iter().position(|e| e.0 == who).unwrap();
    assert!(
        first_of(1) < last_of(0) && first_of(0) < last_of(1),
        "serialised: {ev:?}"
    );
    // progress counts the range's own start values only (not the memo built before them)
    for who in [0, 1] {
        let mine: Vec<_> = ev.iter().filter(|e| e.0 == who).collect();
        assert!(mine.iter().all(|e| e.2 == 1 << 23 && e.1 <= 1 << 23));
        assert!(mine.windows(2).all(|w| w[0].1 < w[1].1), "{mine:?}");
        assert_eq!(mine.last().unwrap().1, 1 << 23);
        assert!(mine.len() <= (1 << 23) / (1 << 16) + 1, "{}", mine.len());
    }
}

#[test]
fn step_counts_and_maxima_from_one_match_every_number() {
    // the columns hot path for these two statistics (residue classes with peak lines, the
    // columns serving as the memo): every n, on one and two threads and several chunk sizes
    let want = Want {
        total_stopping_time: true,
        max_excursion: true,
        ..Want::NONE
    };
    let end = 300_000u64;
    let expect: Vec<(u16, u128)> = (1..end)
        .map(|n| {
            let s = stats(n).unwrap();
            (s.total_stopping_time as u16, s.max.as_u128().unwrap())
        })
        .collect();
    for (threads, chunk) in [(1, 1 << 18), (2, 4099), (2, 1 << 16)] {
        let c = RangeEngine::new()
            .columns(1..end, want, &opts(threads, chunk))
            .unwrap();
        let (t, m) = (c.total_stopping_time.unwrap(), c.max_excursion.unwrap());
        assert!(matches!(m, MaxColumn::U64(_)));
        for (i, &(tst, max)) in expect.iter().enumerate() {
            assert_eq!(t[i], tst, "n = {}", i + 1);
            assert_eq!(m.get(i), Some(max), "n = {}", i + 1);
        }
    }
}

#[test]
fn summaries_by_residue_class_match_the_per_number_paths() {
    // chunks of 2^16 walk the n = 3 (mod 4) class by class (past n = 65,439, where every
    // class's glide is exact); chunks of 2^12 take them one by one; Want::ALL takes the
    // general leaf. All three must agree to the last record.
    let range = 1..600_000u64;
    let by_class = summary_of(range.clone(), RECORDS, 2, 1 << 16, false);
    let one_by_one = summary_of(range.clone(), RECORDS, 1, 1 << 12, false);
    let mut general = summary_with(range.clone(), 2, 1 << 16, false);
    general.odd_steps = None;
    assert_eq!(by_class, one_by_one);
    assert_eq!(by_class, general);
    // and a range that starts past the memo's first waves, on an engine that has them
    let engine = RangeEngine::new();
    engine
        .summary(1..300_000, RECORDS, &opts(2, 1 << 16))
        .unwrap();
    let later = engine
        .summary(300_000..900_000, RECORDS, &opts(2, 1 << 16))
        .unwrap();
    let mut expect = summary_with(300_000..900_000, 1, 1 << 12, false);
    expect.odd_steps = None;
    assert_eq!(later, expect);
}

#[test]
fn summaries_from_one_agree_with_summaries_from_two() {
    // [1, N) derives its even n from the odd ones; [2, N) computes every n, with exact maxima
    // from a memo of them: two separate paths, which must agree but for n = 1
    for end in [(1 << 16) + 1, 300_001, 2_000_000] {
        for (threads, chunk) in [(1, 1 << 18), (2, 777)] {
            let one = RangeEngine::new()
                .summary(1..end, RECORDS, &opts(threads, chunk))
                .unwrap();
            let two = RangeEngine::new()
                .summary(2..end, RECORDS, &opts(threads, chunk))
                .unwrap();
            let ctx = format!("end {end}, {threads} threads, chunk {chunk}");
            assert_eq!(one.count, two.count + 1, "{ctx}");
            assert_eq!(one.total_stopping_time, two.total_stopping_time, "{ctx}");
            assert_eq!(one.stopping_time, two.stopping_time, "{ctx}");
            assert_eq!(one.max_excursion, two.max_excursion, "{ctx}");
            assert_eq!(one.histogram[0], 1, "{ctx}");
            assert_eq!(one.histogram[1..], two.histogram[1..], "{ctx}");
            for (a, b) in [
                (&one.delay_records, &two.delay_records),
                (&one.glide_records, &two.glide_records),
                (&one.path_records, &two.path_records),
            ] {
                assert_eq!(a[0].n, 1, "{ctx}");
                assert_eq!(a[1..], b[..], "{ctx}");
            }
        }
    }
}
