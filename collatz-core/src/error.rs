//! The crate's one error type.

use thiserror::Error;

/// Everything that can go wrong in `collatz-core`.
///
/// Every public function that takes user data returns `Result<_, Error>`; none of them panics.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The start value was zero. Zero is a fixed point of n -> n/2 and never reaches 1.
    #[error("the start value must be a positive integer, got 0")]
    Zero,

    /// A negative start value was given to a function defined on positive integers only
    /// (the standard 3x+1 statistics). Generalised maps accept negative start values.
    #[error("the start value must be positive, got {value}")]
    Negative {
        /// The offending value, in decimal.
        value: String,
    },

    /// A generalised map n -> a*n + b (odd n) with an even `a`, a non-positive `a` or an even `b`.
    #[error("invalid map {a}x{b:+}: need an odd multiplier a >= 1 and an odd increment b")]
    InvalidMap {
        /// The multiplier.
        a: i64,
        /// The increment.
        b: i64,
    },

    /// A caller-set limit (steps, bit length, level size) was reached before the computation
    /// finished.
    #[error("{what} limit of {limit} exceeded after {steps} steps (value had {bits} bits)")]
    LimitExceeded {
        /// Which limit: "step", "bit length", "level size", "input size".
        what: &'static str,
        /// The limit that was set.
        limit: u64,
        /// How many steps had been taken when the limit was hit.
        steps: u64,
        /// Bit length of the value reached when the limit was hit.
        bits: u64,
    },

    /// A long computation was stopped through its [`crate::range::CancelToken`].
    #[error("cancelled")]
    Cancelled,

    /// An argument outside its allowed values (an empty range, zero threads, ...).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// A string that does not denote an integer (see [`crate::parse_value`] for the syntax).
    #[error("cannot parse {input:?} as an integer: {reason}")]
    Parse {
        /// The input (truncated to 80 characters).
        input: String,
        /// What was wrong with it.
        reason: String,
    },
}

impl Error {
    pub(crate) fn parse(input: &str, reason: impl Into<String>) -> Self {
        let mut shown: String = input.chars().take(80).collect();
        if shown.len() < input.len() {
            shown.push('…');
        }
        Error::Parse {
            input: shown,
            reason: reason.into(),
        }
    }
}

/// Shorthand for `Result<T, collatz_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
