//! Latency of short calls while a long call runs on the same engine, and what sharing costs
//! the long call; then whether a call with odd steps or exact maxima slows later default
//! summaries. A script, not a criterion bench: it prints percentiles and ratios.
//!
//! ```text
//! cargo bench -p collatz-benches --bench latency -- [LONG_END] [SHORT_LEN] [PAUSE_MS]
//! ```
//! (defaults 3e9, 1e5 and 20: the long call is `summary(1, LONG_END)`, the short calls start
//! PAUSE_MS apart, as a dashboard's requests would.) The
//! fields of the long and the short calls are `Want::default()` unless the environment sets
//! `LONG_FIELDS` or `SHORT_FIELDS` (comma-separated names, as `Want::from_str` reads them).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use collatz_benches::arg;
use collatz_core::range::{RangeEngine, RunOptions, Want};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let long_end = arg(1, 3_000_000_000);
    let short_len = arg(2, 100_000);
    let pause = Duration::from_millis(arg(3, 20));
    let opts = RunOptions::default();
    let fields = |var: &str| match std::env::var(var) {
        Ok(names) => names.parse::<Want>().expect("field names"),
        Err(_) => Want::default(),
    };
    let (want, short_want) = (fields("LONG_FIELDS"), fields("SHORT_FIELDS"));
    println!(
        "long call: {:?}; short calls: {:?}",
        want.names(),
        short_want.names()
    );

    // the long call alone, on a fresh engine
    let t = Instant::now();
    let alone = match std::env::var_os("SKIP_ALONE") {
        None => Some(
            RangeEngine::new()
                .summary(1..long_end, want, &opts)
                .unwrap(),
        ),
        Some(_) => None,
    };
    let long_alone = t.elapsed();

    // the long call again, with short calls beside it from another thread (and, first, the
    // same short calls alone on that engine)
    let engine = Arc::new(RangeEngine::new());
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next_start = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        1_000_000 + state % 999_000_000
    };
    let mut lat_alone: Vec<Duration> = (0..200)
        .map(|_| {
            let a = next_start();
            let t = Instant::now();
            engine.summary(a..a + short_len, short_want, &opts).unwrap();
            t.elapsed()
        })
        .collect();
    lat_alone.sort();
    let done = Arc::new(AtomicBool::new(false));
    let long = {
        let (engine, done) = (engine.clone(), done.clone());
        thread::spawn(move || {
            let t = Instant::now();
            let s = engine
                .summary(1..long_end, want, &RunOptions::default())
                .unwrap();
            done.store(true, Ordering::Release);
            (s, t.elapsed())
        })
    };
    let mut lat = Vec::new();
    while !done.load(Ordering::Acquire) {
        let a = next_start();
        let t = Instant::now();
        let s = engine.summary(a..a + short_len, short_want, &opts).unwrap();
        lat.push(t.elapsed());
        assert_eq!(s.count, short_len);
        // a dashboard's requests come and go: a pause between them
        thread::sleep(pause);
    }
    let (shared, long_shared) = long.join().unwrap();
    if let Some(alone) = alone {
        assert_eq!(shared, alone);
    }
    lat.sort();
    println!(
        "long call summary(1, {long_end}): {:.2} s alone, {:.2} s with short calls beside it ({:.3}x)",
        long_alone.as_secs_f64(),
        long_shared.as_secs_f64(),
        long_shared.as_secs_f64() / long_alone.as_secs_f64()
    );
    println!(
        "{} short calls of {short_len} numbers alone: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        lat_alone.len(),
        percentile(&lat_alone, 0.5).as_secs_f64() * 1e3,
        percentile(&lat_alone, 0.9).as_secs_f64() * 1e3,
        percentile(&lat_alone, 0.99).as_secs_f64() * 1e3,
        lat_alone.last().unwrap().as_secs_f64() * 1e3,
    );
    let busy: Duration = lat.iter().sum();
    println!(
        "the short calls were running {:.1}% of the long call's time",
        100.0 * busy.as_secs_f64() / long_shared.as_secs_f64()
    );
    if lat.is_empty() {
        println!("no short call ran");
    } else {
        println!(
            "{} short calls of {short_len} numbers beside it: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            lat.len(),
            percentile(&lat, 0.5).as_secs_f64() * 1e3,
            percentile(&lat, 0.9).as_secs_f64() * 1e3,
            percentile(&lat, 0.99).as_secs_f64() * 1e3,
            lat.last().unwrap().as_secs_f64() * 1e3,
        );
    }

    // a default summary on an engine that has served calls with odd steps and exact maxima,
    // side by side with one on an engine that has not (the same warm memo of step counts)
    let plain = RangeEngine::new();
    let served = RangeEngine::new();
    let odd = Want {
        odd_steps: true,
        ..Want::TOTAL_STOPPING_TIME
    };
    let max = Want {
        max_excursion: true,
        ..Want::TOTAL_STOPPING_TIME
    };
    for engine in [&plain, &served] {
        engine
            .summary(1..10_000_000, Want::default(), &opts)
            .unwrap();
    }
    served.summary(1..10_000_000, odd, &opts).unwrap();
    served.summary(2..10_000_000, max, &opts).unwrap();
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        for (engine, times) in [(&plain, &mut before), (&served, &mut after)] {
            let t = Instant::now();
            engine
                .summary(1..10_000_000, Want::default(), &opts)
                .unwrap();
            times.push(t.elapsed());
        }
    }
    before.sort();
    after.sort();
    println!(
        "default summary(1, 1e7), 20 alternating runs: {:.1} ms (median {:.1}) on an engine without \
         calls for odd steps or exact maxima, {:.1} ms (median {:.1}) on one with ({:.3}x best, \
         {:.3}x median)",
        before[0].as_secs_f64() * 1e3,
        before[10].as_secs_f64() * 1e3,
        after[0].as_secs_f64() * 1e3,
        after[10].as_secs_f64() * 1e3,
        after[0].as_secs_f64() / before[0].as_secs_f64(),
        after[10].as_secs_f64() / before[10].as_secs_f64(),
    );
}
