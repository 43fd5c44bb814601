//! JavaScript values in and out: start values (number, bigint, string), range bounds, safe
//! integers, bigints. Bigints are read and written as 64-bit words (napi's BigInt API), never
//! through decimal text; every start value passes the core's input bit limit.

use collatz_core::num_bigint::{BigUint, Sign};
use collatz_core::{Error as CoreError, Value};
use napi::bindgen_prelude::{BigInt, Either4, Unknown};
use napi::{Env, Result, ValueType};

use crate::errors::{js_error, Failure};

/// What JavaScript may pass as a start value.
pub type StartArg<'a> = Either4<f64, BigInt, String, Unknown<'a>>;

/// The largest safe integer of JavaScript, 2^53 - 1.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

fn type_name(v: &Unknown<'_>) -> &'static str {
    match v.get_type() {
        Ok(ValueType::Undefined) => "undefined",
        Ok(ValueType::Null) => "null",
        Ok(ValueType::Boolean) => "a boolean",
        Ok(ValueType::Object) => "an object",
        Ok(ValueType::Function) => "a function",
        Ok(ValueType::Symbol) => "a symbol",
        _ => "an unsupported value",
    }
}

/// The magnitude of a bigint, from its words.
pub fn magnitude(b: &BigInt) -> BigUint {
    let digits = b
        .words
        .iter()
        .flat_map(|&w| [w as u32, (w >> 32) as u32])
        .collect();
    BigUint::new(digits)
}

/// A negative value as error messages show it (its digits only while they are few).
fn negative(mag: &BigUint) -> CoreError {
    let value = if mag.bits() <= 128 {
        format!("-{mag}")
    } else {
        format!("a negative bigint of {} bits", mag.bits())
    };
    CoreError::Negative { value }
}

/// A `number` that must be a safe integer.
fn safe_integer(x: f64, what: &str) -> std::result::Result<f64, CoreError> {
    if x.is_finite() && x.fract() == 0.0 && x.abs() <= MAX_SAFE {
        Ok(x)
    } else {
        Err(CoreError::InvalidArgument(format!(
            "{what} must be a safe integer (use a bigint or a string beyond 2^53), got {x}"
        )))
    }
}

fn start_value_of(arg: StartArg<'_>) -> std::result::Result<Value, Failure> {
    let what = "the start value";
    let v = match arg {
        Either4::A(x) => {
            let x = safe_integer(x, what)?;
            if x < 0.0 {
                return Err(CoreError::Negative {
                    value: x.to_string(),
                }
                .into());
            }
            Value::from(x as u64)
        }
        Either4::B(b) => {
            let mag = magnitude(&b);
            if b.sign_bit && mag != BigUint::ZERO {
                return Err(negative(&mag).into());
            }
            Value::from(mag)
        }
        // the parser applies the input bit limit itself
        Either4::C(s) => collatz_core::parse_value(&s)?,
        Either4::D(u) => {
            return Err(Failure::Type(format!(
                "{what} must be a number, a bigint or a decimal string, got {}",
                type_name(&u)
            )))
        }
    };
    if v.is_zero() {
        return Err(CoreError::Zero.into());
    }
    collatz_core::check_input_bits(&v)?;
    Ok(v)
}

/// A start value: a safe positive integer `number`, a positive `bigint` of any size up to the
/// input bit limit, or a decimal string (the CLI's syntax: "27", "2^100 - 1", "1e9").
pub fn start_value(env: &Env, arg: StartArg<'_>) -> Result<Value> {
    start_value_of(arg).map_err(|f| js_error(env, f, None))
}

/// A bound of a range: as a start value, below 2^64.
pub fn bound(env: &Env, arg: StartArg<'_>, what: &str) -> Result<u64> {
    let v = start_value(env, arg)?;
    v.as_u64().ok_or_else(|| {
        let e = CoreError::InvalidArgument(format!("{what} must be below 2^64 for range calls"));
        js_error(env, e, None)
    })
}

/// A bound of a verification: as a start value, below 2^128.
pub fn wide_bound(env: &Env, arg: StartArg<'_>, what: &str) -> Result<u128> {
    let v = start_value(env, arg)?;
    v.as_u128().ok_or_else(|| {
        let e = CoreError::InvalidArgument(format!("{what} must be below 2^128 for verify"));
        js_error(env, e, None)
    })
}

/// A signed start value (generalised maps): a safe integer `number` or a `bigint`, within the
/// input bit limit.
pub fn signed_value(
    env: &Env,
    n: napi::bindgen_prelude::Either<f64, BigInt>,
) -> Result<collatz_core::num_bigint::BigInt> {
    use napi::bindgen_prelude::Either;
    let x = match n {
        Either::A(x) => match safe_integer(x, "n") {
            Ok(x) => collatz_core::num_bigint::BigInt::from(x as i64),
            Err(e) => return Err(js_error(env, e, None)),
        },
        Either::B(b) => {
            let sign = if b.sign_bit { Sign::Minus } else { Sign::Plus };
            collatz_core::num_bigint::BigInt::from_biguint(sign, magnitude(&b))
        }
    };
    collatz_core::check_input_bits(&Value::from(x.magnitude().clone()))
        .map_err(|e| js_error(env, e, None))?;
    Ok(x)
}

/// A positive safe integer option (`chunkSize`, `maxSteps`, `setMaxInputBits`).
pub fn positive_integer(env: &Env, x: f64, what: &str) -> Result<u64> {
    if x >= 1.0 && x.fract() == 0.0 && x <= MAX_SAFE {
        Ok(x as u64)
    } else {
        let e =
            CoreError::InvalidArgument(format!("{what} must be a positive safe integer, got {x}"));
        Err(js_error(env, e, None))
    }
}

/// A non-negative safe integer option (the cache's sizes).
pub fn non_negative_integer(env: &Env, x: f64, what: &str) -> Result<u64> {
    if x >= 0.0 && x.fract() == 0.0 && x <= MAX_SAFE {
        Ok(x as u64)
    } else {
        let e = CoreError::InvalidArgument(format!(
            "{what} must be a non-negative safe integer, got {x}"
        ));
        Err(js_error(env, e, None))
    }
}

/// A core value as a `bigint`.
pub fn to_bigint(v: &Value) -> BigInt {
    match v.as_u128() {
        Some(x) => BigInt::from(x),
        None => BigInt {
            sign_bit: false,
            words: v.to_biguint().to_u64_digits(),
        },
    }
}

/// A signed big integer as a `bigint`.
pub fn signed_to_bigint(v: &collatz_core::num_bigint::BigInt) -> BigInt {
    BigInt {
        sign_bit: v.sign() == Sign::Minus,
        words: v.magnitude().to_u64_digits(),
    }
}
