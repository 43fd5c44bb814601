//! Range-engine benchmarks: summaries per statistic, columns, verification, and the shared
//! cache under 1 and 16 threads. Run with `cargo bench -p collatz-benches --bench range`.
//! The side-by-side comparison with the C baselines is `benches/compare.sh`.

use std::hint::black_box;

use collatz_core::cache::StepCache;
use collatz_core::range::{RangeEngine, RunOptions, Want};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const N: u64 = 10_000_000;

fn one_thread() -> RunOptions<'static> {
    RunOptions {
        threads: Some(1),
        ..RunOptions::default()
    }
}

fn summaries(c: &mut Criterion) {
    let mut g = c.benchmark_group("range_summary_1e7_one_thread");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N - 1));
    let wants = [
        ("total_stopping_time", Want::TOTAL_STOPPING_TIME),
        (
            "stopping_time",
            Want {
                stopping_time: true,
                ..Want::NONE
            },
        ),
        (
            "odd_steps",
            Want {
                odd_steps: true,
                ..Want::NONE
            },
        ),
        (
            "max_excursion",
            Want {
                max_excursion: true,
                ..Want::NONE
            },
        ),
        (
            "records_tst_glide_max",
            Want {
                odd_steps: false,
                ..Want::ALL
            },
        ),
    ];
    for (name, want) in wants {
        g.bench_function(name, |b| {
            b.iter(|| {
                // a fresh engine each time: the memo is part of the work
                let s = RangeEngine::new()
                    .summary(1..N, want, &one_thread())
                    .unwrap();
                black_box(s.count)
            })
        });
    }
    g.finish();
}

fn columns(c: &mut Criterion) {
    let want = Want {
        total_stopping_time: true,
        max_excursion: true,
        ..Want::NONE
    };
    let sizes = [
        ("range_columns_1e7_one_thread", N),
        ("range_columns_1e8_one_thread", 100_000_000),
    ];
    for (name, n) in sizes {
        let mut g = c.benchmark_group(name);
        g.sample_size(10);
        g.throughput(Throughput::Elements(n - 1));
        g.bench_function("total_stopping_time+max_excursion", |b| {
            b.iter(|| {
                let c = RangeEngine::new()
                    .columns(1..n, want, &one_thread())
                    .unwrap();
                black_box(c.total_stopping_time.map(|v| v.len()))
            })
        });
        g.finish();
    }
}

fn verify(c: &mut Criterion) {
    let mut g = c.benchmark_group("verify_one_thread");
    g.sample_size(10);
    let len = 1u64 << 28;
    g.throughput(Throughput::Elements(len));
    let engine = RangeEngine::new();
    // build the join and small tables outside the measurement (the 2^32 sieve is enumerated
    // by every call of 2^28 numbers or more)
    engine
        .verify(1 << 40..(1 << 40) + 1, &one_thread())
        .unwrap();
    g.bench_function("2^40..+2^28", |b| {
        b.iter(|| {
            black_box(
                engine
                    .verify(1 << 40..(1 << 40) + len as u128, &one_thread())
                    .unwrap()
                    .followed,
            )
        })
    });
    g.finish();
}

fn cache_threads(c: &mut Criterion) {
    let mut g = c.benchmark_group("cache_queries");
    let cache = StepCache::new(1 << 20, 1 << 16).unwrap();
    const QUERIES: u64 = 1 << 19;
    for threads in [1u64, 2, 16] {
        g.throughput(Throughput::Elements(QUERIES));
        g.bench_function(format!("{threads}_threads"), |b| {
            b.iter(|| {
                std::thread::scope(|s| {
                    for t in 0..threads {
                        let cache = &cache;
                        s.spawn(move || {
                            // a mix of dense hits, LRU hits and misses
                            let per = QUERIES / threads;
                            for i in 0..per {
                                let n = (1 << 24) + (i * 7919 + t * 104_729) % (1 << 15);
                                black_box(cache.total_stopping_time(n).unwrap());
                            }
                        });
                    }
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, summaries, columns, verify, cache_threads);
criterion_main!(benches);
