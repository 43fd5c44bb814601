//! The bounds that calls check and the memo sizes they work to: the arguments' check
//! ([`check_range`]), the memo bound the hot paths need for a range ([`memo_needed`]), the
//! waves of `columns()` from 1 ([`wave_end`]), and the fixed sizes behind them.
//!
//! When it runs: once per call, or once per wave. It costs nothing measurable.

use std::ops::Range;

use crate::error::{Error, Result};

/// Columns from 1 take this prefix through the memo, then read the columns themselves.
pub(super) const COLUMN_PREFIX: u64 = 1 << 16;

/// The memo grows to at least this many entries (within the cap) before a range is run.
pub(super) const MIN_MEMO_TARGET: u64 = 1 << 20;

/// The memo bound that the hot paths need for every n below `end`: n/2 and (3n+1)/4 below it.
pub(super) fn memo_needed(end: u64) -> u64 {
    let last = end.saturating_sub(1);
    (3 * (last >> 2) + 2).max(last / 2 + 1)
}

/// Summaries of [1, b) from this b on derive the even n from the odd ones (see
/// [`RangeEngine::summary_from_one`](super::RangeEngine::summary_from_one)).
pub(super) const EVENS_FROM: u64 = 1 << 16;

/// The end of the wave of `columns()` from 1 past the memo (see
/// [`RangeEngine::columns_from_one`](super::RangeEngine::columns_from_one)) that starts at p: at 5p/4 or 9p/8 (below 4p/3), so that
/// n/2 and (3n+1)/4 of every n in the wave are below p, already in the columns, and the wave's
/// chunks are independent.
pub(super) fn wave_end(p: u64, limit: u64) -> u64 {
    // small memos grow by a quarter (fewer, cheaper waves), large ones by an eighth (more
    // chunks per wave for the threads); both keep n/2 and (3n+1)/4 below p
    let step = if p < 1 << 18 { p / 4 } else { p / 8 };
    (p + step.max(1)).min(limit)
}

/// Checks the bounds of a range call, as every range call does first: a start value of at
/// least 1 and an end at or past the start. (For bindings that must refuse bad arguments before
/// they start a call.)
///
/// ```
/// use collatz_core::{range::check_range, Error};
/// assert!(check_range(&(1..10)).is_ok());
/// assert!(check_range(&(5..5)).is_ok());
/// assert_eq!(check_range(&(0..10)), Err(Error::Zero));
/// assert!(matches!(check_range(&(10..5)), Err(Error::InvalidArgument(_))));
/// ```
pub fn check_range(range: &Range<u64>) -> Result<()> {
    check_order(range)?;
    if range.end - range.start > usize::MAX as u64 / 16 {
        return Err(Error::InvalidArgument(
            "range too long for this platform".into(),
        ));
    }
    Ok(())
}

/// The checks every range takes: a start of at least 1, and an end not below it.
pub(super) fn check_order<T: Copy + PartialOrd + std::fmt::Display + From<u8>>(
    range: &Range<T>,
) -> Result<()> {
    if range.start == T::from(0) {
        return Err(Error::Zero);
    }
    if range.end < range.start {
        return Err(Error::InvalidArgument(format!(
            "empty range: end {} is below start {}",
            range.end, range.start
        )));
    }
    Ok(())
}
