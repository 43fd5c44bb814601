//! JavaScript values in and out: start values, range bounds, typed errors.

use collatz_core::num_bigint::{BigUint, Sign};
use collatz_core::{Error as CoreError, Value};
use napi::bindgen_prelude::{BigInt, Either4, Unknown};
use napi::{Env, Error, Result, Status, ValueType};

/// What JavaScript may pass as a start value.
pub type StartArg<'a> = Either4<f64, BigInt, String, Unknown<'a>>;

/// Throws a `TypeError` (the returned error only tells napi that one is pending).
pub fn type_error<T>(env: &Env, msg: &str) -> Result<T> {
    env.throw_type_error(msg, None)?;
    Err(Error::new(Status::PendingException, msg.to_string()))
}

/// Throws a `RangeError`.
pub fn range_error<T>(env: &Env, msg: &str) -> Result<T> {
    env.throw_range_error(msg, None)?;
    Err(Error::new(Status::PendingException, msg.to_string()))
}

/// The core's errors as JavaScript errors: out-of-domain values are `RangeError`s, a
/// cancelled call an `AbortError`-coded `Error`.
pub fn core_error<T>(env: &Env, e: CoreError) -> Result<T> {
    match e {
        CoreError::Cancelled => Err(abort_error()),
        CoreError::Parse { .. } => type_error(env, &e.to_string()),
        other => range_error(env, &other.to_string()),
    }
}

/// The rejection of an aborted async call.
pub fn abort_error() -> Error {
    Error::new(
        Status::Cancelled,
        "AbortError: the operation was aborted".to_string(),
    )
}

fn type_name(v: &Unknown<'_>) -> String {
    match v.get_type() {
        Ok(ValueType::Undefined) => "undefined",
        Ok(ValueType::Null) => "null",
        Ok(ValueType::Boolean) => "a boolean",
        Ok(ValueType::Object) => "an object",
        Ok(ValueType::Function) => "a function",
        Ok(ValueType::Symbol) => "a symbol",
        _ => "an unsupported value",
    }
    .to_string()
}

fn from_bigint(env: &Env, b: &BigInt, what: &str) -> Result<BigUint> {
    let mut bytes = Vec::with_capacity(b.words.len() * 8);
    for w in &b.words {
        bytes.extend_from_slice(&w.to_le_bytes());
    }
    let v = BigUint::from_bytes_le(&bytes);
    if b.sign_bit && v != BigUint::ZERO {
        return range_error(env, &format!("{what} must be positive, got -{v}n"));
    }
    Ok(v)
}

/// A start value: a safe positive integer `number`, a positive `bigint` of any size, or a
/// decimal string (the CLI's syntax: "27", "2^100 - 1", "1e9").
pub fn start_value(env: &Env, arg: StartArg<'_>) -> Result<Value> {
    let what = "the start value";
    let v = match arg {
        Either4::A(x) => {
            if !x.is_finite() || x.fract() != 0.0 || x.abs() > 9_007_199_254_740_991.0 {
                return range_error(
                    env,
                    &format!(
                        "{what} must be a safe integer (use a bigint or a string beyond 2^53), got {x}"
                    ),
                );
            }
            if x < 0.0 {
                return range_error(env, &format!("{what} must be positive, got {x}"));
            }
            Value::from(x as u64)
        }
        Either4::B(b) => Value::from(from_bigint(env, &b, what)?),
        Either4::C(s) => match collatz_core::parse_value(&s) {
            Ok(v) => v,
            Err(e) => return type_error(env, &format!("{what}: {e}")),
        },
        Either4::D(u) => {
            return type_error(
                env,
                &format!(
                    "{what} must be a number, a bigint or a decimal string, got {}",
                    type_name(&u)
                ),
            )
        }
    };
    if v.is_zero() {
        return range_error(env, &format!("{what} must be positive, got 0"));
    }
    Ok(v)
}

/// A bound of a range: as a start value, below 2^64.
pub fn bound(env: &Env, arg: StartArg<'_>, what: &str) -> Result<u64> {
    let v = start_value(env, arg)?;
    match v.as_u64() {
        Some(x) => Ok(x),
        None => range_error(env, &format!("{what} must be below 2^64 for range calls")),
    }
}

/// A core value as a `bigint`.
pub fn to_bigint(v: &Value) -> BigInt {
    match v.as_u128() {
        Some(x) => BigInt::from(x),
        None => {
            let big = v.to_biguint();
            BigInt {
                sign_bit: false,
                words: big.to_u64_digits(),
            }
        }
    }
}

/// A signed big integer as a `bigint`.
pub fn signed_to_bigint(v: &collatz_core::num_bigint::BigInt) -> BigInt {
    BigInt {
        sign_bit: v.sign() == Sign::Minus,
        words: v.magnitude().to_u64_digits(),
    }
}
