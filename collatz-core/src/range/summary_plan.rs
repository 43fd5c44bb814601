//! Summaries in independent pieces: a deterministic plan of a summary's pieces, the engine's
//! call for one piece, and their assembly in order into the summary of the whole range. What a
//! run over many processes, machines or sittings needs when it must be as fast as one call.
//!
//! When it runs: a result store or a cluster computes the pieces anywhere, in any order, and
//! pushes their results in order into a [`SummaryAssembly`], which holds only the running
//! total and the last segment (a few kilobytes).
//!
//! Why not [`ChunkPlan`](super::ChunkPlan) alone: a summary of [1, b) in one call computes only
//! the odd start values (the even ones follow from the summary of the half range, see
//! `summary::evens_of`), and follows path maxima only up to the first drop below the start value
//! (a record needs nothing more once the smaller start values are known). A chunk [a, b) with
//! a > 1 summarised on its own must compute every start value and follow exact maxima, several
//! times slower. A [`SummaryPlan`] of [1, b) therefore has the engine's own decomposition:
//! segments [X_(i+1), X_i) with X_0 = b and X_(i+1) = ⌈X_i / 2⌉; each segment's odd start
//! values are cut into pieces at the multiples of the chunk length; the two lowest segments
//! (below 2^16) are computed whole. A piece's summary holds its odd start values alone, and its
//! path maxima up to the first drop: partial results that only the assembly turns into the
//! summary of the range, exactly the one call's. A plan of a range not starting at 1 is the
//! range's [`ChunkPlan`](super::ChunkPlan), each piece a complete summary.
//!
//! Cost: the pieces together take the one call's time, plus one engine call per piece.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::bounds::check_range;
use super::control::RunOptions;
use super::split::Slices;
use super::summary::{evens_of, merge_interleaved};
use super::tally::{Segments, Tally};
use super::{ChunkPlan, RangeEngine, Summary};
use super::{Want, EVENS_FROM};
use crate::error::{Error, Result};

/// One piece of a [`SummaryPlan`]: the start values [start, end) to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SummaryPiece {
    /// The first start value.
    pub start: u64,
    /// One past the last start value.
    pub end: u64,
    /// Only the odd start values are computed (the assembly derives the even ones).
    pub odd_only: bool,
    /// The piece continues the pieces before it (a plan from 1): its path maxima are followed
    /// up to the first drop below the start value, and only the assembly makes them exact.
    pub continues: bool,
    /// The end of the plan's range: the engine sizes its memo for the whole plan at the first
    /// piece, rather than growing it (and copying it) piece by piece.
    pub plan_end: u64,
}

impl SummaryPiece {
    /// The piece's start values.
    pub fn range(&self) -> Range<u64> {
        self.start..self.end
    }
}

/// A segment of a plan from 1: its range, whether only its odd start values are computed,
/// and its pieces' indices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Segment {
    range: Range<u64>,
    odd_only: bool,
    pieces: Range<usize>,
}

/// The pieces of a summary of a range, always the same for the same arguments (see the
/// module's notes).
///
/// ```
/// use collatz_core::range::{RangeEngine, RunOptions, SummaryPlan, Want};
///
/// let (engine, opts) = (RangeEngine::new(), RunOptions::default());
/// let plan = SummaryPlan::new(1..1_000_000, 100_000)?;
/// // the segments [1, 31_250), [31_250, 62_500), ..., [500_000, 1_000_000), cut at the
/// // multiples of 100,000 (the top ones computed for their odd start values alone)
/// let top = plan.pieces().last().unwrap();
/// assert_eq!((top.start, top.end, top.odd_only), (900_000, 1_000_000, true));
/// let mut assembly = plan.assembly();
/// for (i, piece) in plan.pieces().iter().enumerate() {
///     // anywhere, at any time: another thread, process or machine
///     let part = engine.summary_piece(piece, Want::default(), &opts)?;
///     assembly.push(i, part)?;
/// }
/// let whole = assembly.finish()?;
/// assert_eq!(whole, engine.summary(1..1_000_000, Want::default(), &opts)?);
/// assert_eq!(whole.total_stopping_time.unwrap().sum, 131_434_272);
/// # Ok::<(), collatz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryPlan {
    /// The whole range.
    pub range: Range<u64>,
    /// The chunk length: pieces are cut at its multiples.
    pub chunk: u64,
    pieces: Vec<SummaryPiece>,
    /// The segments of a plan from 1 (empty otherwise).
    segments: Vec<Segment>,
}

impl SummaryPlan {
    /// The plan of `range` in pieces of at most `chunk` start values; `Error::InvalidArgument`
    /// for a chunk of 0, the range's own errors (see [`check_range`]) otherwise.
    pub fn new(range: Range<u64>, chunk: u64) -> Result<SummaryPlan> {
        let plain = ChunkPlan::new(range.clone(), chunk)?;
        if range.start != 1 || range.end < EVENS_FROM {
            let pieces = plain
                .iter()
                .map(|r| SummaryPiece {
                    start: r.start,
                    end: r.end,
                    odd_only: false,
                    continues: false,
                    plan_end: range.end,
                })
                .collect();
            return Ok(SummaryPlan {
                range,
                chunk,
                pieces,
                segments: Vec::new(),
            });
        }
        // X_0 = end > X_1 > ... > X_(L+1), with X_(L+1) < EVENS_FROM <= X_L (as the one call
        // cuts them)
        let mut xs = vec![range.end];
        while let Some(&x) = xs.last().filter(|&&x| x >= EVENS_FROM) {
            xs.push(x.div_ceil(2));
        }
        xs.push(1);
        xs.reverse();
        let mut pieces = Vec::new();
        let mut segments = Vec::new();
        for (i, w) in xs.windows(2).enumerate() {
            let odd_only = i >= 2;
            let first = pieces.len();
            for r in ChunkPlan::new(w[0]..w[1], chunk)?.iter() {
                pieces.push(SummaryPiece {
                    start: r.start,
                    end: r.end,
                    odd_only,
                    continues: true,
                    plan_end: range.end,
                });
            }
            segments.push(Segment {
                range: w[0]..w[1],
                odd_only,
                pieces: first..pieces.len(),
            });
        }
        Ok(SummaryPlan {
            range,
            chunk,
            pieces,
            segments,
        })
    }

    /// The pieces, in the order the assembly takes them (increasing start values within a
    /// segment, segments from 1 up).
    pub fn pieces(&self) -> &[SummaryPiece] {
        &self.pieces
    }

    /// How many pieces.
    pub fn len(&self) -> usize {
        self.pieces.len()
    }

    /// Whether the plan has no piece (an empty range).
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// An empty assembly of this plan's pieces.
    pub fn assembly(&self) -> SummaryAssembly {
        SummaryAssembly {
            plan: self.clone(),
            next: 0,
            segment: None,
            total: None,
            whole: None,
        }
    }
}

/// The summary of a [`SummaryPlan`]'s range, from its pieces' results pushed in order.
#[derive(Debug, Clone)]
pub struct SummaryAssembly {
    plan: SummaryPlan,
    /// The index of the next piece.
    next: usize,
    /// The current segment's pieces so far (a plan from 1), or every piece so far.
    segment: Option<Summary>,
    /// The summary of the segments below the last complete one (a plan from 1).
    total: Option<Summary>,
    /// The summary of the last complete segment, every start value (a plan from 1).
    whole: Option<Summary>,
}

impl SummaryAssembly {
    /// How many pieces were pushed (the index of the next one).
    pub fn done(&self) -> usize {
        self.next
    }

    /// Adds the result of piece `index`, which must be the next one
    /// (`Error::InvalidArgument` otherwise, or for a result of other start values).
    pub fn push(&mut self, index: usize, part: Summary) -> Result<()> {
        let Some(piece) = self.plan.pieces.get(index) else {
            return Err(Error::InvalidArgument(format!(
                "the plan has {} pieces, not a piece {index}",
                self.plan.pieces.len()
            )));
        };
        if index != self.next {
            return Err(Error::InvalidArgument(format!(
                "piece {index} pushed where piece {} is next: push them in order",
                self.next
            )));
        }
        if (part.start, part.end) != (piece.start, piece.end) {
            return Err(Error::InvalidArgument(format!(
                "piece {index} is [{}, {}), not the result of [{}, {})",
                piece.start, piece.end, part.start, part.end
            )));
        }
        // checked before anything is taken: a refused push leaves the assembly as it was
        let mismatch = [&self.segment, &self.whole]
            .into_iter()
            .flatten()
            .any(|s| !s.merges_with(&part));
        if mismatch {
            return Err(Error::InvalidArgument(format!(
                "piece {index} holds other statistics than the pieces before it"
            )));
        }
        self.segment = Some(match self.segment.take() {
            None => part,
            Some(s) => s.merge(part),
        });
        self.next += 1;
        if let Some(seg) = self
            .plan
            .segments
            .iter()
            .position(|s| s.pieces.end == self.next)
        {
            self.close_segment(seg);
        }
        Ok(())
    }

    /// Segment `i` is complete: with its even start values (from the segment below it), it
    /// becomes the last complete segment.
    fn close_segment(&mut self, i: usize) {
        let seg = &self.plan.segments[i];
        let part = self
            .segment
            .take()
            .unwrap_or_else(|| Summary::empty(seg.range.start));
        let full = match (&self.whole, seg.odd_only) {
            (Some(below), true) => {
                merge_interleaved(seg.range.start, seg.range.end, vec![part, evens_of(below)])
            }
            _ => part,
        };
        if let Some(below) = self.whole.replace(full) {
            self.total = Some(match self.total.take() {
                Some(t) => t.merge(below),
                None => below,
            });
        }
    }

    /// The summary of the plan's range; `Error::InvalidArgument` if pieces are missing.
    pub fn finish(self) -> Result<Summary> {
        if self.next != self.plan.pieces.len() {
            return Err(Error::InvalidArgument(format!(
                "{} of {} pieces pushed",
                self.next,
                self.plan.pieces.len()
            )));
        }
        let start = self.plan.range.start;
        Ok(if self.plan.segments.is_empty() {
            self.segment.unwrap_or_else(|| Summary::empty(start))
        } else {
            match (self.total, self.whole) {
                (Some(t), Some(w)) => t.merge(w),
                (t, w) => t.or(w).unwrap_or_else(|| Summary::empty(start)),
            }
        })
    }
}

impl RangeEngine {
    /// The result of one piece of a [`SummaryPlan`]: for a piece that continues a plan from 1,
    /// the partial summary its assembly takes (see [`SummaryPiece`]); otherwise the summary of
    /// the piece's range. Cancellation and progress as every range call.
    pub fn summary_piece(
        &self,
        piece: &SummaryPiece,
        want: Want,
        opts: &RunOptions,
    ) -> Result<Summary> {
        let range = piece.range();
        check_range(&range)?;
        if !piece.continues {
            return self.summary(range, want, opts);
        }
        let tally = if piece.odd_only {
            Tally::Odd
        } else {
            Tally::All
        };
        let len = (range.end - range.start) as usize;
        let start = range.start;
        let segs = Segments {
            range: range.clone(),
            segments: &[(range.end, tally)],
            call: &(1..piece.plan_end.max(range.end)),
        };
        let parts = self.run_for(segs, want, false, Slices::none(len), opts)?;
        Ok(parts
            .into_iter()
            .next()
            .flatten()
            .unwrap_or_else(|| Summary::empty(start)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::Field;

    /// The plan's pieces computed in reverse order, pushed in order.
    fn assembled(engine: &RangeEngine, plan: &SummaryPlan, want: Want) -> Summary {
        let opts = RunOptions::default();
        let mut parts: Vec<Summary> = plan
            .pieces()
            .iter()
            .rev()
            .map(|p| engine.summary_piece(p, want, &opts).unwrap())
            .collect();
        parts.reverse();
        let mut assembly = plan.assembly();
        for (i, part) in parts.into_iter().enumerate() {
            assembly.push(i, part).unwrap();
        }
        assembly.finish().unwrap()
    }

    #[test]
    fn any_plan_assembles_to_the_one_call() {
        let engine = RangeEngine::new();
        let opts = RunOptions::default();
        let wants = [
            Want::default(),
            Want::ALL,
            [Field::TotalStoppingTime].into_iter().collect(),
        ];
        for end in [2, 1000, EVENS_FROM, EVENS_FROM + 1, 300_001, 1 << 20] {
            for chunk in [1 << 30, 65_536, 10_007] {
                for want in wants {
                    let plan = SummaryPlan::new(1..end, chunk).unwrap();
                    let one = RangeEngine::new().summary(1..end, want, &opts).unwrap();
                    assert_eq!(
                        assembled(&engine, &plan, want),
                        one,
                        "[1, {end}) by {chunk}"
                    );
                }
            }
        }
        // not from 1: complete summaries merged
        let plan = SummaryPlan::new(777..200_000, 30_000).unwrap();
        assert!(plan.pieces().iter().all(|p| !p.continues && !p.odd_only));
        let one = engine.summary(777..200_000, Want::ALL, &opts).unwrap();
        assert_eq!(assembled(&engine, &plan, Want::ALL), one);
    }

    #[test]
    fn the_same_arguments_give_the_same_plan() {
        let a = SummaryPlan::new(1..10_000_000_000, 1 << 30).unwrap();
        let b = SummaryPlan::new(1..10_000_000_000, 1 << 30).unwrap();
        assert_eq!(a, b);
        // pieces tile [1, b) (odd-only segments included), in increasing order
        let mut at = 1;
        for p in a.pieces() {
            assert_eq!(p.start, at);
            assert!(p.end - p.start <= 1 << 30);
            at = p.end;
        }
        assert_eq!(at, 10_000_000_000);
        // the top segment [5·10^9, 10^10), odd only, cut at 5·2^30, ..., 9·2^30: six pieces
        let top: Vec<_> = a
            .pieces()
            .iter()
            .filter(|p| p.start >= 5_000_000_000)
            .collect();
        assert_eq!(top.len(), 6);
        assert!(top.iter().all(|p| p.odd_only && p.continues));
        assert_eq!((top[0].start, top[0].end), (5_000_000_000, 5 << 30));
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<SummaryPlan>(&json).unwrap(), a);
    }

    #[test]
    fn pushes_out_of_order_or_of_other_ranges_are_errors() {
        let engine = RangeEngine::new();
        let opts = RunOptions::default();
        let plan = SummaryPlan::new(1..200_000, 50_000).unwrap();
        let p = plan.pieces();
        let mut assembly = plan.assembly();
        let second = engine.summary_piece(&p[1], Want::default(), &opts).unwrap();
        assert!(matches!(
            assembly.push(1, second.clone()),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            assembly.push(0, second),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            assembly.push(99, Summary::empty(1)),
            Err(Error::InvalidArgument(_))
        ));
        assert_eq!(assembly.done(), 0);
        // a piece of other statistics is refused, and the assembly goes on as it was
        let first = engine.summary_piece(&p[0], Want::default(), &opts).unwrap();
        assembly.push(0, first).unwrap();
        let other = engine.summary_piece(&p[1], Want::ALL, &opts).unwrap();
        assert!(matches!(
            assembly.push(1, other),
            Err(Error::InvalidArgument(_))
        ));
        assert_eq!(assembly.done(), 1);
        for (i, piece) in p.iter().enumerate().skip(1) {
            let part = engine.summary_piece(piece, Want::default(), &opts).unwrap();
            assembly.push(i, part).unwrap();
        }
        assert_eq!(
            assembly.finish().unwrap(),
            engine.summary(1..200_000, Want::default(), &opts).unwrap()
        );
        let assembly = plan.assembly();
        assert!(matches!(assembly.finish(), Err(Error::InvalidArgument(_))));
        assert!(matches!(
            SummaryPlan::new(1..10, 0),
            Err(Error::InvalidArgument(_))
        ));
        let empty = SummaryPlan::new(5..5, 10).unwrap();
        assert!(empty.is_empty());
        assert_eq!(empty.assembly().finish().unwrap(), Summary::empty(5));
    }
}
