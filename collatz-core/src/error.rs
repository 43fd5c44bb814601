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

    /// A caller-set limit was reached before the computation finished: raise `limit`
    /// (see [`Limit`] for where each is set) or give a smaller input.
    #[error("{limit} limit of {max} exceeded after {steps} steps (value had {bits} bits); {hint}", hint = limit.hint())]
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// The value it was set to.
        max: u64,
        /// How many steps had been taken when the limit was hit (0 for input sizes).
        steps: u64,
        /// Bit length of the value reached when the limit was hit (of the input, for input
        /// sizes).
        bits: u64,
    },

    /// An allocation larger than this machine can give (columns, the memo): ask for less, or
    /// use a streaming form ([`crate::range::RangeEngine::chunks`], a summary).
    #[error("{what} needs {bytes} bytes, more memory than this machine can give")]
    OutOfMemory {
        /// What the memory was for.
        what: &'static str,
        /// The bytes asked for.
        bytes: u64,
    },

    /// A result that does not fit its output type (a step count past a `u16` column, a
    /// maximum past `u64` or `u128`): ask for another statistic or use the per-number
    /// functions, which are exact at any size.
    #[error("{what} of a start value from {n} on does not fit in {ty}")]
    Overflow {
        /// The statistic.
        what: &'static str,
        /// The output type it did not fit.
        ty: &'static str,
        /// The start value (or the first start value of the chunk) it belongs to.
        n: u64,
    },

    /// A long computation was stopped through its [`crate::range::CancelToken`].
    #[error("cancelled")]
    Cancelled,

    /// An argument outside its allowed values (an empty range, zero threads, ...).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// A result store that cannot be used: a file that is not a store of this library (foreign
    /// or corrupted; it is left as it is), or a database error. Use another file.
    #[error("result store {path}: {reason}")]
    Store {
        /// The store's path.
        path: String,
        /// What is wrong.
        reason: String,
    },

    /// A result store that holds a run of other arguments (nothing was written to it): run
    /// with the stored arguments to resume that run, or use another file.
    #[error(
        "result store {path} holds the run `{stored}`, not `{given}`: run the same command to \
         resume it, or use another file"
    )]
    StoreMismatch {
        /// The store's path.
        path: String,
        /// The run the store holds.
        stored: String,
        /// The run asked for.
        given: String,
    },

    /// A string that does not denote an integer (see [`crate::parse_value`] for the syntax).
    #[error("cannot parse {input:?} as an integer: {reason}")]
    Parse {
        /// The input (truncated to 80 characters).
        input: String,
        /// What was wrong with it.
        reason: String,
    },
}

/// The caller-set limits that [`Error::LimitExceeded`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// [`crate::Limits::max_steps`]: map steps of one run.
    Steps,
    /// [`crate::Limits::max_bits`]: bit length of the values one run meets.
    Bits,
    /// [`crate::TreeLevels::with_max_level_size`]: values in one level of the tree.
    LevelSize,
    /// Bit length of an input value ([`crate::parse_value_with_limit`],
    /// [`crate::DEFAULT_MAX_INPUT_BITS`]).
    InputBits,
}

impl Limit {
    /// The limit's name, as error messages and the bindings give it.
    pub fn name(self) -> &'static str {
        match self {
            Limit::Steps => "step",
            Limit::Bits => "bit length",
            Limit::LevelSize => "level size",
            Limit::InputBits => "input size",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Limit::Steps => "raise Limits::max_steps",
            Limit::Bits => "raise Limits::max_bits",
            Limit::LevelSize => "raise the tree's max_level_size",
            Limit::InputBits => "raise the input bit limit (max_input_bits)",
        }
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
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
