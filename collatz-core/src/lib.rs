//! # collatz-core
//!
//! Exact, fast computations on the Collatz (3x+1) problem.
//!
//! - [`Value`]: start values of any size. Every function accepts `u64`, `u128`, [`BigUint`]
//!   or a parsed string ([`parse_value`]: `"27"`, `"2^500+1"`, `"3^300"`). Work runs in `u64`
//!   while values fit and moves to `u128` and then to arbitrary precision the moment 3n+1
//!   would overflow: results are exact for every input, never silently wrapped.
//! - [`trajectory()`] / [`shortcut_trajectory`]: lazy iterators over an orbit.
//! - [`stats()`]: every per-number statistic in one pass ([`Stats`]); [`total_stopping_time`],
//!   [`stopping_time`], [`max_excursion`] for the hot single-purpose cases.
//! - [`Map`]: generalised maps a*n + b with cycle detection in O(1) memory.
//! - [`predecessors`] and [`tree_levels`]: the inverse map and the predecessor tree.
//! - [`Error`]: the one error type; no function panics on any input.
//!
//! ```
//! use collatz_core::{stats, total_stopping_time, Value};
//!
//! assert_eq!(total_stopping_time(27u64)?, 111);
//! let big: Value = "2^500 + 1".parse()?;
//! let s = stats(big)?;
//! assert_eq!(s.total_stopping_time, s.odd_steps + s.even_steps);
//! assert!(s.max.bits() > 500);
//! # Ok::<(), collatz_core::Error>(())
//! ```
//!
//! [`BigUint`]: num_bigint::BigUint

#![deny(unsafe_code)]
#![warn(missing_docs)]
// docs.rs builds with `--cfg docsrs`: feature-gated items say which feature they need
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod cache;
mod error;
mod fields;
mod limits;
mod map;
mod parity;
mod parse;
pub mod range;
pub mod shape;
mod stats;
mod step;
#[cfg(feature = "store")]
#[cfg_attr(docsrs, doc(cfg(feature = "store")))]
pub mod store;
mod trajectory;
mod tree;
mod value;
mod walk;

pub use error::{Error, Limit, Result};

/// The crate's README, whose example runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
pub use fields::{Field, FieldCase};
pub use limits::Limits;
pub use map::{Map, MapRun, Outcome};
pub use parity::ParityVector;
pub use parse::{
    check_input_bits, max_input_bits, parse_integer, parse_integer_with_limit, parse_value,
    parse_value_with_limit, set_max_input_bits, DEFAULT_MAX_INPUT_BITS,
};
pub use stats::{
    max_excursion, stats, stats_with_limits, stopping_time, testing, total_stopping_time,
    total_stopping_time_with_limits, Stats,
};
pub use trajectory::{shortcut_trajectory, trajectory, Step, Trajectory};
pub use tree::{predecessors, tree_levels, Level, TreeLevels};
pub use value::Value;

/// Re-export of the big-integer crate used in the public API.
pub use num_bigint;
