//! The library against an independent arbitrary-precision oracle (base-10^9 schoolbook
//! arithmetic in `common`, sharing no code with the library or num-bigint) on random start
//! values of 100 to 1000 bits, and on named large values.

mod common;

use collatz_core::{stats, total_stopping_time, Value};
use common::oracle;
use num_bigint::BigUint;
use proptest::prelude::*;

fn check(n: &Value) {
    let (total, odd, even, glide, max) = oracle(&n.to_string());
    let s = stats(n.clone()).unwrap();
    assert_eq!(s.total_stopping_time, total, "total for {n}");
    assert_eq!(s.odd_steps, odd, "odd for {n}");
    assert_eq!(s.even_steps, even, "even for {n}");
    assert_eq!(s.stopping_time, glide, "glide for {n}");
    assert_eq!(s.max.to_string(), max, "max for {n}");
    assert_eq!(total_stopping_time(n.clone()).unwrap(), total);
}

#[test]
fn named_large_values() {
    for expr in [
        "2^500+1", "3^300", "2^1000-1", "2^128+1", "2^64-1", "2^64/3",
    ] {
        let Ok(n) = expr.parse::<Value>() else {
            // "/" is not in the grammar: the parser must refuse, not guess
            assert_eq!(expr, "2^64/3");
            continue;
        };
        check(&n);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_100_to_1000_bit_values(bits in 100u64..=1000, seed in proptest::collection::vec(any::<u32>(), 32)) {
        // a value of exactly `bits` bits, from random limbs
        let mut n = BigUint::new(seed.iter().cycle().take(bits.div_ceil(32) as usize).copied().collect());
        n.set_bit(bits - 1, true);
        n %= BigUint::from(1u32) << bits;
        n.set_bit(bits - 1, true);
        check(&Value::from(n));
    }
}
