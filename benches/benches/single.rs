//! Per-number benchmarks: total stopping time of one u64, full `Stats`, a 1000-bit start value,
//! and streaming a trajectory. Run with `cargo bench -p collatz-benches --bench single`.
//!
//! `tst_per_number/1..1000000` computes the total stopping time of every n in [1, 10^6) with the
//! single-value function (no memo): its rate is comparable with the rate that
//! `../shared/baselines/naive.c` prints on the same range (`benches/compare-single.sh` runs both).

use std::hint::black_box;

use collatz_core::{shortcut_trajectory, stats, total_stopping_time, trajectory, Value};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn single_u64(c: &mut Criterion) {
    let mut g = c.benchmark_group("total_stopping_time");
    for n in [27u64, 63_728_127, 989_345_275_647] {
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| total_stopping_time(black_box(n)).unwrap())
        });
    }
    g.finish();

    let mut g = c.benchmark_group("tst_per_number");
    g.sample_size(10);
    const N: u64 = 1_000_000;
    g.throughput(Throughput::Elements(N - 1));
    g.bench_function("1..1000000", |b| {
        b.iter(|| {
            let mut sum = 0u64;
            for n in 1..N {
                sum += total_stopping_time(black_box(n)).unwrap();
            }
            // the published sum (shared/data/README.md)
            assert_eq!(sum, 131_434_272);
            sum
        })
    });
    g.finish();
}

fn full_stats(c: &mut Criterion) {
    let mut g = c.benchmark_group("stats");
    for n in [27u64, 63_728_127] {
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| stats(black_box(n)).unwrap())
        });
    }
    g.finish();
}

fn big_start(c: &mut Criterion) {
    let n: Value = "2^1000 - 1".parse().unwrap();
    let mut g = c.benchmark_group("1000_bit");
    g.bench_function("total_stopping_time", |b| {
        b.iter(|| total_stopping_time(black_box(&n)).unwrap())
    });
    g.bench_function("stats", |b| b.iter(|| stats(black_box(&n)).unwrap()));
    g.finish();
}

fn streaming(c: &mut Criterion) {
    let mut g = c.benchmark_group("trajectory");
    let n = 63_728_127u64; // 949 C-steps
    g.throughput(Throughput::Elements(950));
    g.bench_function("standard_63728127", |b| {
        b.iter(|| trajectory(black_box(n)).unwrap().count())
    });
    g.bench_function("shortcut_63728127", |b| {
        b.iter(|| shortcut_trajectory(black_box(n)).unwrap().count())
    });
    let big: Value = "2^1000 - 1".parse().unwrap();
    g.bench_function("standard_2^1000-1", |b| {
        b.iter(|| trajectory(black_box(&big)).unwrap().count())
    });
    g.finish();
}

criterion_group!(benches, single_u64, full_stats, big_start, streaming);
criterion_main!(benches);
