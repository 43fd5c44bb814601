//! What the chunks of a call add up ([`Tally`]), and the segments a call's range is cut into,
//! each with its own tally and its own summary ([`Segments`]).
//!
//! When it runs: chosen once per call (a summary from 1 cuts its range into halving segments,
//! see `RangeEngine::summary_from_one`); the pipeline hands each chunk its segment's tally and
//! merges the chunks' summaries per segment. It costs nothing at run time.

use std::ops::Range;

use super::Summary;

/// Two optional summaries of adjacent ranges, merged in order.
pub(super) fn merge_opt(a: Option<Summary>, b: Option<Summary>) -> Option<Summary> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.merge(b)),
        (a, b) => a.or(b),
    }
}

/// The start values of one run of the pipeline, cut into segments (each (end, tally) with
/// increasing ends, the last at `range.end`), and the whole call they belong to.
pub(super) struct Segments<'a> {
    pub(super) range: Range<u64>,
    pub(super) segments: &'a [(u64, Tally)],
    pub(super) call: &'a Range<u64>,
}

/// What the chunks of a call add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tally {
    /// Nothing: columns or memo only.
    Off,
    /// Every start value.
    All,
    /// The odd start values only (the summary from 1 derives the even ones, see
    /// [`summary::evens_of`](super::summary::evens_of)).
    Odd,
    /// Nothing, and the step-count columns' hot path may leave the even n's entries as they
    /// are (a density derives them from the odd n: see `density`).
    OddColumns,
}

impl Tally {
    /// Whether the chunks add anything up.
    pub(super) fn on(self) -> bool {
        matches!(self, Tally::All | Tally::Odd)
    }
}
