//! Property tests: invariants of the statistics, and agreement of the u64, u128 and BigUint
//! paths, with start values concentrated where 3n+1 overflows (near 2^64/3 and 2^128/3).

use collatz_core::testing::{stats_in_width, total_stopping_time_in_width, Width};
use collatz_core::{
    shortcut_trajectory, stats, stopping_time, total_stopping_time, trajectory, Stats, Value,
};
use num_bigint::BigUint;
use proptest::prelude::*;

/// Start values of every size class, many of them next to an overflow boundary.
fn start_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        (1u64..1_000_000).prop_map(Value::from),
        any::<u64>().prop_map(|n| Value::from(n.max(1))),
        // 3n+1 overflows u64 for n > (2^64 - 2)/3
        (0u64..1 << 20).prop_map(|d| Value::from(u64::MAX / 3 - (1 << 19) + d)),
        (0u64..1 << 20).prop_map(|d| Value::from(u64::MAX - d)),
        any::<u128>().prop_map(|n| Value::from(n.max(1))),
        (0u128..1 << 20).prop_map(|d| Value::from(u128::MAX / 3 - (1 << 19) + d)),
        (0u128..1 << 20).prop_map(|d| Value::from(u128::MAX - d)),
        proptest::collection::vec(any::<u32>(), 5..12)
            .prop_map(|limbs| Value::from(BigUint::new(limbs) + 1u32)),
    ]
}

fn same_stats(a: &Stats, b: &Stats) {
    assert_eq!(a, b);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn steps_add_up(n in start_value()) {
        let s = stats(n.clone()).unwrap();
        prop_assert_eq!(s.odd_steps + s.even_steps, s.total_stopping_time);
        prop_assert_eq!(s.parity_vector.len(), s.even_steps);
        prop_assert_eq!(s.parity_vector.count_ones(), s.odd_steps);
        prop_assert!(s.max >= n);
        prop_assert!(s.stopping_time <= s.total_stopping_time);
        prop_assert_eq!(total_stopping_time(n.clone()).unwrap(), s.total_stopping_time);
        prop_assert_eq!(stopping_time(n).unwrap(), s.stopping_time);
    }

    #[test]
    fn doubling_adds_one_step(n in start_value()) {
        let double = Value::from(n.to_biguint() * 2u32);
        prop_assert_eq!(
            total_stopping_time(double).unwrap(),
            total_stopping_time(n).unwrap() + 1
        );
    }

    #[test]
    fn u64_u128_and_big_paths_agree(n in start_value()) {
        let a = stats_in_width(n.clone(), Width::U64).unwrap();
        let b = stats_in_width(n.clone(), Width::U128).unwrap();
        let c = stats_in_width(n.clone(), Width::Big).unwrap();
        same_stats(&a, &b);
        same_stats(&a, &c);
        for w in [Width::U64, Width::U128, Width::Big] {
            prop_assert_eq!(total_stopping_time_in_width(n.clone(), w).unwrap(), a.total_stopping_time);
        }
    }

    #[test]
    fn trajectory_agrees_with_stats(n in start_value()) {
        let s = stats(n.clone()).unwrap();
        let values: Vec<Value> = trajectory(n.clone()).unwrap().collect();
        prop_assert_eq!(values.len() as u64, s.total_stopping_time + 1);
        prop_assert_eq!(values.iter().max().unwrap(), &s.max);
        prop_assert_eq!(values.last().unwrap(), &Value::ONE);
        // the shortcut trajectory has one value per T-step plus the start, and its parities
        // are the parity vector
        let t: Vec<Value> = shortcut_trajectory(n).unwrap().collect();
        prop_assert_eq!(t.len() as u64, s.shortcut_steps() + 1);
        let parities: Vec<bool> = t[..t.len() - 1].iter().map(|v| !v.is_even()).collect();
        prop_assert_eq!(parities, s.parity_vector.iter().collect::<Vec<_>>());
    }
}
