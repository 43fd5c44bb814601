//! Every statistic checked against the OEIS reference files in `../shared/data/`.

mod common;

use collatz_core::{
    max_excursion, shortcut_trajectory, stats, stopping_time, total_stopping_time, trajectory,
    tree_levels, Value,
};
use common::load;
use num_bigint::BigUint;

fn value(b: &BigUint) -> Value {
    Value::from(b)
}

#[test]
fn stats_match_a006577_a006666_a006667_a025586_a102419_a126241() {
    let total = load("A006577");
    let even = load("A006666");
    let odd = load("A006667");
    let max = load("A025586");
    let glide = load("A102419");
    let glide_t = load("A126241");
    assert_eq!(total.len(), 10_000);
    for i in 0..total.len() {
        let n = total[i].0;
        for file in [&even, &odd, &max, &glide, &glide_t] {
            assert_eq!(file[i].0, n, "reference files out of step at row {i}");
        }
        let s = stats(n).unwrap();
        assert_eq!(
            BigUint::from(s.total_stopping_time),
            total[i].1,
            "A006577({n})"
        );
        assert_eq!(BigUint::from(s.even_steps), even[i].1, "A006666({n})");
        assert_eq!(BigUint::from(s.odd_steps), odd[i].1, "A006667({n})");
        assert_eq!(s.max, value(&max[i].1), "A025586({n})");
        assert_eq!(BigUint::from(s.stopping_time), glide[i].1, "A102419({n})");
        assert_eq!(
            BigUint::from(s.stopping_time_shortcut),
            glide_t[i].1,
            "A126241({n})"
        );
        // the single-purpose functions agree
        assert_eq!(BigUint::from(total_stopping_time(n).unwrap()), total[i].1);
        assert_eq!(BigUint::from(stopping_time(n).unwrap()), glide[i].1);
        assert_eq!(max_excursion(n).unwrap(), value(&max[i].1));
    }
}

#[test]
fn one_step_matches_a006370_and_a014682() {
    for (n, expect) in load("A006370").into_iter().filter(|(n, _)| *n >= 2) {
        let second = trajectory(n).unwrap().nth(1).unwrap();
        assert_eq!(second, value(&expect), "C({n})");
    }
    for (n, expect) in load("A014682").into_iter().filter(|(n, _)| *n >= 2) {
        let second = shortcut_trajectory(n).unwrap().nth(1).unwrap();
        assert_eq!(second, value(&expect), "T({n})");
    }
}

#[test]
fn trajectories_match_a070165() {
    let flat: Vec<Value> = load("A070165").iter().map(|(_, v)| value(v)).collect();
    let mut ours = Vec::new();
    let mut n = 1u64;
    while ours.len() < flat.len() {
        ours.extend(trajectory(n).unwrap());
        n += 1;
    }
    ours.truncate(flat.len());
    assert_eq!(ours, flat);
}

#[test]
fn tree_level_sizes_match_a005186() {
    let expected = load("A005186");
    let depth = 44;
    let sizes: Vec<u64> = tree_levels(depth)
        .map(|l| l.unwrap().values.len() as u64)
        .collect();
    assert_eq!(sizes.len(), depth as usize + 1);
    for (d, size) in sizes.iter().enumerate() {
        assert_eq!(expected[d].0, d as u64);
        assert_eq!(BigUint::from(*size), expected[d].1, "A005186({d})");
    }
}

/// Record holders below 10^6 from a scan with the single-value functions.
#[test]
fn delay_and_path_records_below_a_million() {
    let delay_n = load("A006877");
    let delay_v = load("A006878");
    let path_n = load("A006884");
    let path_v = load("A006885");
    let (mut best_delay, mut best_path) = (None::<u64>, Value::ZERO);
    let (mut delays, mut paths) = (Vec::new(), Vec::new());
    let mut sum = 0u64;
    for n in 1..1_000_000u64 {
        let t = total_stopping_time(n).unwrap();
        sum += t;
        if best_delay.is_none_or(|b| t > b) {
            best_delay = Some(t);
            delays.push((n, t));
        }
        let m = max_excursion(n).unwrap();
        if m > best_path {
            best_path = m.clone();
            paths.push((n, m));
        }
    }
    assert_eq!(sum, 131_434_272, "sum of total stopping times below 10^6");
    let expect_delays: Vec<(u64, u64)> = delay_n
        .iter()
        .zip(&delay_v)
        .map(|((_, holder), (_, t))| (holder.try_into().unwrap(), t.try_into().unwrap()))
        .filter(|&(holder, _): &(u64, u64)| holder < 1_000_000)
        .collect();
    assert_eq!(delays, expect_delays);
    let expect_paths: Vec<(u64, Value)> = path_n
        .iter()
        .zip(&path_v)
        .map(|((_, holder), (_, m))| (holder.try_into().unwrap(), value(m)))
        .filter(|(holder, _): &(u64, Value)| *holder < 1_000_000)
        .collect();
    assert_eq!(paths, expect_paths);
}
