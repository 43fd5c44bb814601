//! Many callers on one engine at once: long and short summaries, columns, verification and
//! cancelled calls from several threads, each result equal to the same call made alone, and
//! no call waiting on another. Every test runs its work on other threads under a deadline and
//! fails, never hangs, when the deadline passes.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use collatz_core::range::{
    CancelToken, Columns, RangeEngine, RunOptions, Summary, Verification, Want,
};
use collatz_core::Error;

/// Runs `f` on its own thread and returns its result, or fails the test once `deadline` has
/// passed (the thread is left behind; the test process ends without it).
fn within<T: Send + 'static>(
    deadline: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(deadline) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: still running after {deadline:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: the thread panicked"),
    }
}

fn opts(threads: Option<usize>) -> RunOptions<'static> {
    RunOptions {
        threads,
        ..RunOptions::default()
    }
}

const TST_MAX: Want = Want {
    total_stopping_time: true,
    stopping_time: false,
    odd_steps: false,
    max_excursion: true,
};

/// One call of the mix, and its result.
#[derive(Debug, Clone)]
enum Call {
    Summary(u64, u64, Want),
    Columns(u64, u64, Want),
    Verify(u64, u64),
}

#[derive(Debug, Clone, PartialEq)]
enum Output {
    Summary(Summary),
    Columns(Columns),
    Verify(Verification),
}

impl Call {
    fn run(&self, engine: &RangeEngine, opts: &RunOptions) -> Result<Output, Error> {
        Ok(match *self {
            Call::Summary(a, b, want) => Output::Summary(engine.summary(a..b, want, opts)?),
            Call::Columns(a, b, want) => Output::Columns(engine.columns(a..b, want, opts)?),
            Call::Verify(a, b) => Output::Verify(engine.verify(a as u128..b as u128, opts)?),
        })
    }
}

/// The mix: long and short, from 1 and far out, with and without odd steps and exact maxima
/// (which use the engine's second memo), and the three kinds of call.
fn mix() -> Vec<Call> {
    let short = |a: u64| Call::Summary(a, a + 100_000, Want::default());
    vec![
        Call::Summary(1, 30_000_000, TST_MAX),
        Call::Summary(1, 5_000_000, Want::ALL),
        short(1_000_000),
        short(7_654_321),
        short(123_456_789),
        Call::Summary(2_000_000, 2_300_000, Want::ALL),
        Call::Summary(50_000_000, 50_200_000, TST_MAX),
        Call::Columns(1, 2_000_000, Want::TOTAL_STOPPING_TIME),
        Call::Columns(3_000_000, 3_100_000, Want::ALL),
        Call::Verify(1 << 40, (1 << 40) + (1 << 25)),
        Call::Verify(1, 1_000_000),
    ]
}

#[test]
fn four_threads_on_one_engine_get_what_each_call_gets_alone() {
    within(Duration::from_secs(240), "the stress test", || {
        let calls = mix();
        // what each call gives alone, on an engine of its own
        let expected: Vec<Output> = calls
            .iter()
            .map(|c| c.run(&RangeEngine::new(), &opts(Some(2))).unwrap())
            .collect();
        let engine = Arc::new(RangeEngine::new());
        let (calls, expected) = (Arc::new(calls), Arc::new(expected));
        let stop_at = Instant::now() + Duration::from_secs(10);
        let done = Arc::new(AtomicU64::new(0));
        let cancelled = Arc::new(AtomicU64::new(0));
        let workers: Vec<_> = (0..4u64)
            .map(|t| {
                let (engine, calls, expected) = (engine.clone(), calls.clone(), expected.clone());
                let (done, cancelled) = (done.clone(), cancelled.clone());
                thread::spawn(move || {
                    // each thread its own order through the mix, and its own thread choice
                    let mut state = 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(t + 1);
                    while Instant::now() < stop_at {
                        state = state
                            .wrapping_mul(6_364_136_223_846_793_005)
                            .wrapping_add(1_442_695_040_888_963_407);
                        let i = (state >> 33) as usize % calls.len();
                        let threads = [None, Some(1), Some(2), None][(state >> 20) as usize % 4];
                        let cancel = (state >> 40) % 5 == 0;
                        let token = CancelToken::new();
                        let o = RunOptions {
                            threads,
                            cancel: Some(token.clone()),
                            ..RunOptions::default()
                        };
                        let canceller = cancel.then(|| {
                            let token = token.clone();
                            let after = Duration::from_millis((state >> 50) % 20);
                            thread::spawn(move || {
                                thread::sleep(after);
                                token.cancel();
                            })
                        });
                        match calls[i].run(&engine, &o) {
                            Ok(out) => assert_eq!(out, expected[i], "{:?}", calls[i]),
                            Err(Error::Cancelled) if cancel => {
                                cancelled.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(e) => panic!("{:?}: {e}", calls[i]),
                        }
                        if let Some(c) = canceller {
                            c.join().unwrap();
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().expect("a worker failed");
        }
        let (done, cancelled) = (
            done.load(Ordering::Relaxed),
            cancelled.load(Ordering::Relaxed),
        );
        assert!(done >= 8, "only {done} calls in 10 s");
        assert!(cancelled >= 1, "no call was cancelled in {done}");
        // and after all that, the engine still answers exactly
        for (c, e) in calls.iter().zip(expected.iter()) {
            assert_eq!(&c.run(&engine, &opts(None)).unwrap(), e, "{c:?} afterwards");
        }
    });
}

#[test]
fn a_short_call_beside_a_long_one_neither_waits_nor_deadlocks() {
    // the case that used to deadlock: one thread runs a long summary from 1 (growing the
    // memo) on the global pool while another runs short summaries on the same engine
    within(Duration::from_secs(180), "long and short calls", || {
        let engine = Arc::new(RangeEngine::new());
        let short = 1_000_000..1_100_000;
        let want_short = RangeEngine::new()
            .summary(short.clone(), Want::default(), &opts(None))
            .unwrap();
        let long_done = Arc::new(AtomicBool::new(false));
        let long = {
            let (engine, long_done) = (engine.clone(), long_done.clone());
            thread::spawn(move || {
                let s = engine
                    .summary(1..100_000_000, TST_MAX, &opts(None))
                    .unwrap();
                long_done.store(true, Ordering::Release);
                s
            })
        };
        let mut shorts = 0;
        let mut slowest = Duration::ZERO;
        loop {
            let t = Instant::now();
            let s = engine
                .summary(short.clone(), Want::default(), &opts(None))
                .unwrap();
            slowest = slowest.max(t.elapsed());
            assert_eq!(s, want_short);
            shorts += 1;
            if long_done.load(Ordering::Acquire) {
                break;
            }
        }
        let s = long.join().unwrap();
        assert_eq!(s.count, 99_999_999);
        assert_eq!(s.delay_records.last().unwrap().n, 63_728_127);
        // the short calls ran while the long one did, not after it (no timing bound here:
        // the latency targets live in benches/latency.rs)
        assert!(shorts >= 2, "{shorts} short calls beside the long one");
        eprintln!("{shorts} short calls, slowest {slowest:?}");
    });
}

#[test]
fn progress_and_cancellation_stay_per_call() {
    within(Duration::from_secs(120), "per-call progress", || {
        let engine = Arc::new(RangeEngine::new());
        let token = CancelToken::new();
        let cancelled = {
            let (engine, token) = (engine.clone(), token.clone());
            thread::spawn(move || {
                let o = RunOptions {
                    cancel: Some(token),
                    chunk_size: 1 << 14,
                    ..RunOptions::default()
                };
                engine.summary(1..2_000_000_000, Want::default(), &o)
            })
        };
        // a second call with its own progress: it sees only its own start values and is not
        // stopped by the first call's token
        let last = AtomicU64::new(0);
        let progress = |done: u64, total: u64| {
            assert_eq!(total, 3_000_000);
            last.fetch_max(done, Ordering::Relaxed);
        };
        let o = RunOptions {
            progress: Some(&progress),
            ..RunOptions::default()
        };
        thread::sleep(Duration::from_millis(50));
        token.cancel();
        let s = engine
            .summary(5_000_000..8_000_000, Want::default(), &o)
            .unwrap();
        assert_eq!(s.count, 3_000_000);
        assert_eq!(last.load(Ordering::Relaxed), 3_000_000);
        assert_eq!(cancelled.join().unwrap(), Err(Error::Cancelled));
        // the engine is whole after the cancelled call
        let alone = RangeEngine::new()
            .summary(1..3_000_000, TST_MAX, &opts(None))
            .unwrap();
        assert_eq!(
            engine.summary(1..3_000_000, TST_MAX, &opts(None)).unwrap(),
            alone
        );
    });
}

#[test]
fn calls_past_the_memo_s_reach_or_inside_it_do_not_wait_for_its_growth() {
    within(
        Duration::from_secs(180),
        "calls beside a growing memo",
        || {
            let engine = Arc::new(RangeEngine::new());
            // the memo covers [1, 2^20) first
            engine
                .summary(1..1 << 20, Want::default(), &opts(None))
                .unwrap();
            let far = (1u64 << 40)..(1 << 40) + 3_000_000;
            let steps = Want {
                max_excursion: false,
                ..Want::FAST
            };
            let want_far = RangeEngine::new()
                .summary(far.clone(), steps, &opts(None))
                .unwrap();
            let want_inside = RangeEngine::new()
                .summary(1000..1 << 20, TST_MAX, &opts(None))
                .unwrap();
            let long_done = Arc::new(AtomicBool::new(false));
            let long = {
                let (engine, long_done) = (engine.clone(), long_done.clone());
                thread::spawn(move || {
                    // grows the memo of step counts to its cap: the writer is held meanwhile
                    let r = engine.summary(1..400_000_000, TST_MAX, &opts(None));
                    long_done.store(true, Ordering::Release);
                    r.map(|s| s.count)
                })
            };
            thread::sleep(Duration::from_millis(20));
            // a long range far out (it would grow the memo a little, but does not wait for it)
            // and a range the memo already covers
            assert_eq!(engine.summary(far, steps, &opts(None)).unwrap(), want_far);
            assert_eq!(
                engine.summary(1000..1 << 20, TST_MAX, &opts(None)).unwrap(),
                want_inside
            );
            assert!(
                !long_done.load(Ordering::Acquire),
                "the long call ended first: the test shows nothing"
            );
            assert_eq!(long.join().unwrap(), Ok(399_999_999));
        },
    );
}
