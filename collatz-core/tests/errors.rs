//! Every kind of error a caller can act on, raised through the public API and told apart with
//! `match`: what went wrong and the values that say so.

use collatz_core::num_bigint::{BigInt, BigUint};
use collatz_core::range::{CancelToken, RangeEngine, RunOptions, Want};
use collatz_core::{
    check_input_bits, parse_value, parse_value_with_limit, stats, stats_with_limits,
    total_stopping_time, tree_levels, Error, Limit, Limits, Map, Value,
};

#[test]
fn bad_start_values_and_maps() {
    assert_eq!(total_stopping_time(0u64), Err(Error::Zero));
    match Value::try_from(BigInt::from(-17)) {
        Err(Error::Negative { value }) => assert_eq!(value, "-17"),
        other => panic!("{other:?}"),
    }
    match Map::new(2, 1) {
        Err(Error::InvalidMap { a: 2, b: 1 }) => {}
        other => panic!("{other:?}"),
    }
    match parse_value("12abc") {
        Err(Error::Parse { input, .. }) => assert_eq!(input, "12abc"),
        other => panic!("{other:?}"),
    }
    let engine = RangeEngine::new();
    let (start, end) = (10, 5);
    match engine.summary(start..end, Want::default(), &RunOptions::default()) {
        Err(Error::InvalidArgument(m)) => assert!(m.contains("below start"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn caller_set_limits_name_the_limit_and_its_value() {
    let steps = Limits {
        max_steps: 50,
        ..Limits::UNLIMITED
    };
    match stats_with_limits(27u64, &steps) {
        Err(Error::LimitExceeded {
            limit: Limit::Steps,
            max: 50,
            steps: 50,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    let bits = Limits {
        max_bits: 13,
        ..Limits::UNLIMITED
    };
    match stats_with_limits(27u64, &bits) {
        Err(Error::LimitExceeded {
            limit: Limit::Bits,
            max: 13,
            bits: 14,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    match tree_levels(40).with_max_level_size(10).last() {
        Some(Err(Error::LimitExceeded {
            limit: Limit::LevelSize,
            max: 10,
            ..
        })) => {}
        other => panic!("{other:?}"),
    }
    match parse_value_with_limit("2^100", 64) {
        Err(Error::LimitExceeded {
            limit: Limit::InputBits,
            max: 64,
            bits: 101,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    // a value from elsewhere (a binding's integer) against the process-wide input limit
    let huge = Value::from(BigUint::from(1u8) << 1_000_000u32);
    match check_input_bits(&huge) {
        Err(
            e @ Error::LimitExceeded {
                limit: Limit::InputBits,
                bits: 1_000_001,
                ..
            },
        ) => assert!(e.to_string().contains("max_input_bits"), "{e}"),
        other => panic!("{other:?}"),
    }
    // the limit's message says what to raise
    let e = stats_with_limits(27u64, &steps).unwrap_err().to_string();
    assert!(
        e.contains("step limit of 50") && e.contains("max_steps"),
        "{e}"
    );
    assert!(stats(27u64).is_ok());
}

#[test]
fn memory_that_cannot_be_had_is_an_error_with_the_bytes_asked_for() {
    let engine = RangeEngine::new();
    match engine.columns(
        1..1 << 40,
        Want::TOTAL_STOPPING_TIME,
        &RunOptions::default(),
    ) {
        Err(e @ Error::OutOfMemory { bytes, .. }) => {
            assert_eq!(bytes, ((1u64 << 40) - 1) * 2);
            assert!(e.to_string().contains("bytes"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_cancelled_call_says_so() {
    let token = CancelToken::new();
    token.cancel();
    let opts = RunOptions {
        cancel: Some(token),
        ..RunOptions::default()
    };
    match RangeEngine::new().summary(1..1 << 30, Want::default(), &opts) {
        Err(Error::Cancelled) => {}
        other => panic!("{other:?}"),
    }
}
