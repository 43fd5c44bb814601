//! Fuzz target bodies for collatz-core. Each takes arbitrary bytes and panics only when it finds
//! a bug: a disagreement between the u64, u128 and BigUint paths, a broken invariant, or a panic
//! inside collatz-core itself.

use collatz_core::testing::{stats_in_width, total_stopping_time_in_width, Width};
use collatz_core::{
    parse_integer_with_limit, parse_value_with_limit, stats, trajectory, Error, Limits, Map,
    Outcome, Value,
};
use num_bigint::{BigInt, BigUint};

/// Turns fuzz bytes into a start value, steering many inputs to the places where 3n+1
/// overflows u64 or u128.
pub fn start_value(data: &[u8]) -> Option<Value> {
    let (&mode, rest) = data.split_first()?;
    let mut word = [0u8; 16];
    let take = rest.len().min(16);
    word[..take].copy_from_slice(&rest[..take]);
    let low = u128::from_le_bytes(word);
    Some(match mode % 5 {
        // next to (2^64 - 2)/3, the last u64 whose 3n+1 fits
        0 => Value::from(
            (u64::MAX / 3)
                .wrapping_add((low as u64) % (1 << 24))
                .wrapping_sub(1 << 23),
        ),
        1 => Value::from(
            (u128::MAX / 3)
                .wrapping_add(low % (1 << 40))
                .wrapping_sub(1 << 39),
        ),
        2 => Value::from(low as u64),
        3 => Value::from(low),
        // any value up to 512 bits
        _ => Value::from(BigUint::from_bytes_le(&rest[..rest.len().min(64)])),
    })
}

/// The three integer paths agree on every statistic, and the invariants hold.
pub fn differential(data: &[u8]) {
    let Some(n) = start_value(data) else { return };
    let a = stats_in_width(n.clone(), Width::U64);
    let b = stats_in_width(n.clone(), Width::U128);
    let c = stats_in_width(n.clone(), Width::Big);
    assert_eq!(a, b, "u64 and u128 paths differ for {n}");
    assert_eq!(a, c, "u64 and BigUint paths differ for {n}");
    let Ok(s) = a else {
        assert!(n.is_zero(), "stats({n}) failed: {a:?}");
        assert_eq!(a, Err(Error::Zero));
        return;
    };
    for w in [Width::U64, Width::U128, Width::Big] {
        assert_eq!(
            total_stopping_time_in_width(n.clone(), w),
            Ok(s.total_stopping_time)
        );
    }
    assert_eq!(s.odd_steps + s.even_steps, s.total_stopping_time);
    assert_eq!(s.parity_vector.count_ones(), s.odd_steps);
    assert!(s.max >= n);
    assert!(s.stopping_time <= s.total_stopping_time);
    if s.total_stopping_time < 2_000 {
        let walked: Vec<Value> = trajectory(n.clone()).unwrap().collect();
        assert_eq!(walked.len() as u64, s.total_stopping_time + 1);
        assert_eq!(walked.iter().max(), Some(&s.max));
    }
}

/// The parsers never panic, and what they accept prints back to the same number.
pub fn parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_value_with_limit(text, 4096) {
        Ok(v) => {
            assert!(v.bits() <= 4096);
            assert_eq!(v.to_string().parse::<Value>(), Ok(v.clone()));
            if !v.is_zero() {
                let _ = stats(v);
            }
        }
        Err(Error::Parse { .. } | Error::Negative { .. } | Error::LimitExceeded { .. }) => {}
        Err(other) => panic!("unexpected error kind for {text:?}: {other}"),
    }
    if let Ok(i) = parse_integer_with_limit(text, 4096) {
        assert_eq!(i.to_string().parse::<BigInt>(), Ok(i));
    }
    if let Ok(m) = text.parse::<Map>() {
        assert_eq!(m.to_string().parse::<Map>(), Ok(m));
    }
}

/// Generalised maps: any map and start value, with limits, ends in one of the four outcomes
/// with consistent counts.
pub fn map(data: &[u8]) {
    if data.len() < 3 {
        return;
    }
    let a = (data[0] as i64 % 16) * 2 + 1;
    let b = (data[1] as i8) as i64;
    let n = BigInt::from_signed_bytes_le(&data[2..data.len().min(34)]);
    let map = match Map::new(a, b) {
        Ok(m) => m,
        Err(e) => {
            assert!(b % 2 == 0, "{a}x{b:+} rejected: {e}");
            return;
        }
    };
    let limits = Limits {
        max_steps: 20_000,
        max_bits: 600,
    };
    let run = match map.run(n.clone(), &limits) {
        Ok(run) => run,
        Err(e) => {
            assert_eq!(e, Error::Zero);
            assert_eq!(n, BigInt::from(0));
            return;
        }
    };
    assert_eq!(run.odd_steps + run.even_steps, run.steps);
    assert!(run.steps <= limits.max_steps);
    if let Outcome::Cycle {
        min,
        least_abs,
        length,
        entered_after,
    } = &run.outcome
    {
        assert!(*length >= 1);
        assert_eq!(run.steps, entered_after + length);
        assert!(min <= least_abs);
        // the cycle closes: `length` steps from its least element return to it
        let mut x = least_abs.clone();
        for _ in 0..*length {
            x = map.apply(&x);
        }
        assert_eq!(&x, least_abs);
    }
}

/// The range engine agrees with the per-number functions on any short range, chunk size and
/// memo size, and its summary with its columns.
pub fn range(data: &[u8]) {
    use collatz_core::range::{RangeEngine, RunOptions, Want};
    if data.len() < 12 {
        return;
    }
    let a = u64::from_le_bytes(data[0..8].try_into().unwrap_or_default());
    // start values anywhere in u64, concentrated near small values and the top
    let a = match data[8] % 4 {
        0 => a % 100_000,
        1 => a % (1 << 40),
        2 => u64::MAX - a % 1000,
        _ => a,
    }
    .max(1);
    let len = (u16::from_le_bytes([data[9], data[10]]) % 600) as u64;
    let b = a.saturating_add(len);
    let chunk = 1 + (data[11] as u64 % 64);
    let memo = if data.len() > 12 && data[12] & 1 == 1 {
        1 << 10
    } else {
        1 << 16
    };
    let engine = RangeEngine::with_memo_bytes(memo);
    let opts = RunOptions {
        threads: Some(1),
        chunk_size: chunk,
        ..RunOptions::default()
    };
    let cols = engine
        .columns(a..b, Want::ALL, &opts)
        .expect("columns of a short range");
    let summary = engine
        .summary(a..b, Want::ALL, &opts)
        .expect("summary of a short range");
    assert_eq!(summary.count, b - a);
    let tst = cols.total_stopping_time.as_ref().unwrap();
    let mut sum = 0u64;
    for (i, n) in (a..b).enumerate() {
        let s = stats(n).unwrap();
        assert_eq!(tst[i] as u64, s.total_stopping_time, "n = {n}");
        assert_eq!(
            cols.stopping_time.as_ref().unwrap()[i] as u64,
            s.stopping_time
        );
        assert_eq!(cols.odd_steps.as_ref().unwrap()[i] as u64, s.odd_steps);
        assert_eq!(cols.max_excursion.as_ref().unwrap().get(i), s.max.as_u128());
        sum += s.total_stopping_time;
    }
    if b > a {
        assert_eq!(summary.total_stopping_time.unwrap().sum, sum);
    }
}
