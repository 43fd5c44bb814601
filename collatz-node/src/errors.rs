//! Errors as JavaScript sees them: real `RangeError`, `TypeError` and `Error` objects with a
//! stable `code`, built on the JavaScript thread from the core's [`collatz_core::Error`]. Sync
//! calls throw them; async calls reject with them (the task's `resolve` builds them, so that
//! both paths give the same object).
//!
//! | core error              | class        | `code`                          | more properties |
//! |-------------------------|--------------|---------------------------------|-----------------|
//! | `Zero`                  | `RangeError` | `ERR_COLLATZ_ZERO`              |                 |
//! | `Negative`              | `RangeError` | `ERR_COLLATZ_NEGATIVE`          |                 |
//! | `InvalidMap`            | `RangeError` | `ERR_COLLATZ_INVALID_MAP`       |                 |
//! | `LimitExceeded`         | `RangeError` | `ERR_COLLATZ_LIMIT`             | `limit`, `max`, `steps`, `bits` |
//! | `OutOfMemory`           | `RangeError` | `ERR_COLLATZ_OUT_OF_MEMORY`     | `what`, `bytes` |
//! | `Overflow`              | `RangeError` | `ERR_COLLATZ_OVERFLOW`          | `what`, `type`, `n` |
//! | `InvalidArgument`       | `RangeError` | `ERR_COLLATZ_INVALID_ARGUMENT`  |                 |
//! | `Parse`                 | `TypeError`  | `ERR_COLLATZ_PARSE`             |                 |
//! | a value of a wrong type | `TypeError`  | `ERR_COLLATZ_TYPE`              |                 |
//! | `Cancelled`             | `Error` named `AbortError` | `ABORT_ERR`       | `cause`: the signal's reason |
//! | anything newer          | `Error`      | `ERR_COLLATZ`                   |                 |

use collatz_core::{Error as CoreError, Limit};
use napi::bindgen_prelude::{BigInt, JsObjectValue, JsValue, Object, Unknown};
use napi::{Env, Error, JsError, JsRangeError, JsTypeError, Result};

/// What went wrong in a call: an error of the core, or a JavaScript value of a type the call
/// does not take (the core has no notion of JavaScript types).
#[derive(Debug)]
pub enum Failure {
    /// An error of the core (or of the binding's checks, phrased as one).
    Core(CoreError),
    /// A value of the wrong type.
    Type(String),
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure::Core(e)
    }
}

/// The JavaScript class of an error.
#[derive(Clone, Copy)]
enum Class {
    Range,
    Type,
    Plain,
}

/// The class and `code` of a core error.
fn class_and_code(e: &CoreError) -> (Class, &'static str) {
    match e {
        CoreError::Zero => (Class::Range, "ERR_COLLATZ_ZERO"),
        CoreError::Negative { .. } => (Class::Range, "ERR_COLLATZ_NEGATIVE"),
        CoreError::InvalidMap { .. } => (Class::Range, "ERR_COLLATZ_INVALID_MAP"),
        CoreError::LimitExceeded { .. } => (Class::Range, "ERR_COLLATZ_LIMIT"),
        CoreError::OutOfMemory { .. } => (Class::Range, "ERR_COLLATZ_OUT_OF_MEMORY"),
        CoreError::Overflow { .. } => (Class::Range, "ERR_COLLATZ_OVERFLOW"),
        CoreError::InvalidArgument(_) => (Class::Range, "ERR_COLLATZ_INVALID_ARGUMENT"),
        CoreError::Parse { .. } => (Class::Type, "ERR_COLLATZ_PARSE"),
        CoreError::Cancelled => (Class::Plain, "ABORT_ERR"),
        _ => (Class::Plain, "ERR_COLLATZ"),
    }
}

/// The name of a caller-set limit as the JavaScript API spells the option or function that
/// sets it (`err.limit`).
fn limit_name(limit: Limit) -> &'static str {
    match limit {
        Limit::Steps => "maxSteps",
        Limit::Bits => "maxBits",
        Limit::LevelSize => "maxLevelSize",
        Limit::InputBits => "maxInputBits",
        other => other.name(),
    }
}

/// The failure as a JavaScript error, wrapped so that a binding function returning it throws
/// exactly that object, and an async task rejects with it. `reason` is the `cause` of an
/// `AbortError` (the signal's `reason`, as Node's own APIs give it).
pub fn js_error(env: &Env, failure: impl Into<Failure>, reason: Option<Unknown<'_>>) -> Error {
    build(env, failure.into(), reason).unwrap_or_else(|e| e)
}

fn build(env: &Env, failure: Failure, reason: Option<Unknown<'_>>) -> Result<Error> {
    let (class, code, message) = match &failure {
        Failure::Core(CoreError::Cancelled) => (
            Class::Plain,
            "ABORT_ERR",
            "The operation was aborted".to_string(),
        ),
        Failure::Core(e) => {
            let (class, code) = class_and_code(e);
            (class, code, e.to_string())
        }
        Failure::Type(m) => (Class::Type, "ERR_COLLATZ_TYPE", m.clone()),
    };
    let err = Error::new(code, message);
    let value: Unknown<'_> = match class {
        Class::Range => JsRangeError::from(err).into_unknown(*env),
        Class::Type => JsTypeError::from(err).into_unknown(*env),
        Class::Plain => JsError::from(err).into_unknown(*env),
    };
    let mut obj: Object<'_> = value.coerce_to_object()?;
    if let Failure::Core(e) = failure {
        match e {
            CoreError::LimitExceeded {
                limit,
                max,
                steps,
                bits,
            } => {
                obj.set_named_property("limit", limit_name(limit))?;
                obj.set_named_property("max", max as f64)?;
                obj.set_named_property("steps", steps as f64)?;
                obj.set_named_property("bits", bits as f64)?;
            }
            CoreError::OutOfMemory { what, bytes } => {
                obj.set_named_property("what", what)?;
                obj.set_named_property("bytes", bytes as f64)?;
            }
            CoreError::Overflow { what, ty, n } => {
                obj.set_named_property("what", what)?;
                obj.set_named_property("type", ty)?;
                obj.set_named_property("n", BigInt::from(n))?;
            }
            CoreError::Cancelled => {
                obj.set_named_property("name", "AbortError")?;
                if let Some(reason) = reason {
                    obj.set_named_property("cause", reason)?;
                }
            }
            _ => {}
        }
    }
    Ok(Error::from(value))
}

/// The core's result as the binding's: its error as a JavaScript error object.
pub fn core<T>(env: &Env, r: collatz_core::Result<T>) -> Result<T> {
    r.map_err(|e| js_error(env, e, None))
}
