//! How fast a long range call stops: a summary of [1, 10^10) is cancelled after one second;
//! prints the time from the cancel to the call's return (the acceptance bound is 100 ms),
//! and the memo left behind. Run with `cargo bench -p collatz-benches --bench cancel`.

use std::time::{Duration, Instant};

use collatz_core::range::{CancelToken, RangeEngine, RunOptions, Want};
use collatz_core::Error;

fn main() {
    for threads in [1usize, 2] {
        let engine = RangeEngine::new();
        let token = CancelToken::new();
        let cancelled_at = std::sync::Mutex::new(None);
        let (result, returned) = std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(Duration::from_secs(1));
                *cancelled_at.lock().unwrap() = Some(Instant::now());
                token.cancel();
            });
            let opts = RunOptions {
                threads: Some(threads),
                cancel: Some(token.clone()),
                ..RunOptions::default()
            };
            let r = engine.summary(1..10_000_000_000, Want::ALL, &opts);
            (r, Instant::now())
        });
        assert_eq!(result, Err(Error::Cancelled));
        let lag = returned - cancelled_at.lock().unwrap().unwrap();
        println!(
            "cancel threads={threads} returned_after_cancel_ms={:.2} memo_bytes={}",
            lag.as_secs_f64() * 1e3,
            engine.memo_bytes()
        );
    }
}
