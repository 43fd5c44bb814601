//! Verification: showing that every n in [a, b) reaches 1, given that every n below a does,
//! for any a < b < 2^128.
//!
//! By induction on n it is enough that each n falls below itself, or that its path joins the
//! path of a smaller number. Three tests decide most n without following them:
//! - n = 2 (mod 3) is T(m) for m = (2n - 1)/3 < n, and n = 4 (mod 9), n = 9i + 4, is T^3(m)
//!   for m = 8i + 3 < n: together they remove 4 numbers in 9;
//! - the residue sieve ([`sieve`](super::sieve)): n = q 2^32 + r whose class r falls below
//!   itself within 32 T-steps for every q >= 1, 99.04% of the classes.
//!
//! What is left, the *followed* start values, is exactly the n with n mod 9 not in
//! {2, 4, 5, 8} that stay at or above n for their first 32 T-steps (n >= 2). Each is followed
//! until it falls below n ([`descent`](super::descent)), and the highest value met on their
//! trajectories is reported with its smallest start value.
//!
//! Two paths cover a range:
//! - by class: at and above 2^32, on ranges of 2^28 numbers or more. The sieve is enumerated by
//!   subtrees of its classes, and each surviving class r takes every q of the range in turn,
//!   from T^32(n) = 3^c q + T^32(r): the first 32 steps of each n cost one multiply;
//! - by number: below 2^32 and on short ranges, each n is tested mod 9 and against the classes
//!   modulo 2^16, and the rest are walked from n.
//!
//! Work is cut into items (subtrees of classes times blocks of q, or blocks of numbers) that the
//! threads of the pool take in turn; results merge in any order.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::control::{Control, RunOptions};
use super::descent::{self, Peak};
use super::sieve::{self, Drop, SIEVE_BITS, SMALL_BITS};
use crate::error::{Error, Result};
use crate::value::Value;

/// What [`verify`](super::RangeEngine::verify) established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    into = "crate::shape::VerificationShape",
    from = "crate::shape::VerificationShape"
)]
pub struct Verification {
    /// First start value.
    pub start: u128,
    /// One past the last start value.
    pub end: u128,
    /// Start values shown to reach 1, given that every smaller value does (all of them: a
    /// counterexample would be an error or a hang).
    pub verified: u64,
    /// Start values no sieve decided, each followed until it fell below itself: the n >= 2
    /// with n mod 9 not in {2, 4, 5, 8} that stay at or above n for their first
    /// [`SIEVE_BITS`] T-steps.
    pub followed: u64,
    /// The highest value of the 3x+1 map met on the followed trajectories (each followed until
    /// it falls below its start), 0 when none was followed.
    pub max_value: Value,
    /// The smallest start value whose trajectory met `max_value` (`start` when none).
    pub max_value_n: u128,
}

impl Verification {
    /// What the verification proved, in words.
    ///
    /// ```
    /// use collatz_core::range::{RangeEngine, RunOptions};
    /// let v = RangeEngine::new().verify(1000..2000, &RunOptions::default())?;
    /// assert_eq!(
    ///     v.proved(),
    ///     "every n in [1000, 2000) reaches 1, provided every n below 1000 does"
    /// );
    /// # Ok::<(), collatz_core::Error>(())
    /// ```
    pub fn proved(&self) -> String {
        if self.start <= 1 {
            format!("every n in [1, {}) reaches 1", self.end)
        } else {
            format!(
                "every n in [{}, {}) reaches 1, provided every n below {} does",
                self.start, self.end, self.start
            )
        }
    }
}

/// The residues n mod 9 a verification skips: 2, 5, 8 (2 mod 3) and 4.
const SKIP_MOD9: u32 = 1 << 2 | 1 << 4 | 1 << 5 | 1 << 8;

/// Numbers from which a range above 2^32 goes by class (below, by number: enumerating the
/// classes costs about 0.5 s of one core, the by-number path checks ~2^28 numbers in that time).
const BY_CLASS_FROM: u128 = 1 << 28;

/// Subtrees of the class enumeration: classes are cut by their lowest bits.
const PREFIX_BITS: u32 = 10;

/// Values of q per class item at most: 2^42 numbers, about 20 s of one core.
const Q_BLOCK: u128 = 1 << 10;

/// Walks interleaved on a thread (see [`descent::Lanes`]).
const LANES: usize = 4;

/// Numbers per by-number item.
const NUMBER_BLOCK: u128 = 1 << 20;

/// Partial result of some start values.
struct Part {
    followed: u64,
    peak: Peak,
}

impl Part {
    fn new() -> Self {
        Part {
            followed: 0,
            peak: Peak::new(),
        }
    }

    fn merge(self, other: Part) -> Part {
        Part {
            followed: self.followed + other.followed,
            peak: self.peak.merge(other.peak),
        }
    }
}

/// One unit of work.
#[derive(Debug, Clone)]
enum Item {
    /// The start values of `numbers`, one by one.
    Numbers(Range<u128>),
    /// The classes with lowest bits `prefix` (of [`PREFIX_BITS`]), for n = q 2^32 + r in
    /// `range` with q in `qs`; `share` is its part of the numbers (for progress).
    Classes {
        prefix: u64,
        qs: Range<u128>,
        range: Range<u128>,
        share: u64,
    },
}

/// Checks the bounds of a verification: 1 <= start <= end, and at most 2^64 - 1 numbers;
/// returns how many numbers the range holds.
///
/// ```
/// use collatz_core::{range::check_verify_range, Error};
/// assert_eq!(check_verify_range(&(1 << 68..(1 << 68) + 10)), Ok(10));
/// assert_eq!(check_verify_range(&(0..10)), Err(Error::Zero));
/// assert!(matches!(check_verify_range(&(10..5)), Err(Error::InvalidArgument(_))));
/// assert!(matches!(check_verify_range(&(1..u128::MAX)), Err(Error::InvalidArgument(_))));
/// ```
pub fn check_verify_range(range: &Range<u128>) -> Result<u64> {
    super::bounds::check_order(range)?;
    u64::try_from(range.end - range.start).map_err(|_| {
        Error::InvalidArgument("a verification takes at most 2^64 - 1 numbers per call".into())
    })
}

/// The items of a range, made one at a time as the threads take them (a range of 2^64 numbers
/// has 2^32 of them).
struct Items {
    /// The parts walked number by number, in blocks of [`NUMBER_BLOCK`] (at most two).
    numbers: Vec<Range<u128>>,
    /// The part walked by class (empty when none), from q = `q_first` on.
    classes: Range<u128>,
    q_first: u128,
    /// Blocks of [`Q_BLOCK`] values of q in `classes`.
    q_blocks: u128,
}

impl Items {
    fn new(range: &Range<u128>) -> Items {
        let k = SIEVE_BITS;
        let split = range.start.max(1 << k).min(range.end);
        let high = split..range.end;
        let low = range.start..split;
        if high.end - high.start < BY_CLASS_FROM {
            return Items {
                numbers: vec![low, high],
                classes: 0..0,
                q_first: 0,
                q_blocks: 0,
            };
        }
        let (q_first, q_last) = (high.start >> k, (high.end - 1) >> k);
        Items {
            numbers: Vec::from([low]),
            q_first,
            q_blocks: (q_last - q_first) / Q_BLOCK + 1,
            classes: high,
        }
    }

    fn blocks(r: &Range<u128>) -> u128 {
        (r.end - r.start).div_ceil(NUMBER_BLOCK)
    }

    fn len(&self) -> u128 {
        let numbers: u128 = self.numbers.iter().map(Items::blocks).sum();
        numbers + (self.q_blocks << PREFIX_BITS)
    }

    /// Item i, for i < `len()`.
    fn get(&self, mut i: u128) -> Item {
        for r in &self.numbers {
            if i < Items::blocks(r) {
                let lo = r.start + i * NUMBER_BLOCK;
                return Item::Numbers(lo..lo.saturating_add(NUMBER_BLOCK).min(r.end));
            }
            i -= Items::blocks(r);
        }
        let k = SIEVE_BITS;
        let (block, prefix) = (i >> PREFIX_BITS, i & ((1 << PREFIX_BITS) - 1));
        let q = self.q_first + block * Q_BLOCK;
        let q_end = q
            .saturating_add(Q_BLOCK)
            .min(((self.classes.end - 1) >> k) + 1);
        let lo = (q << k).max(self.classes.start);
        let hi = ((q_end - 1) << k | ((1 << k) - 1)).min(self.classes.end - 1) + 1;
        // the block's numbers, shared out among the prefixes (for progress)
        let (numbers, parts) = (hi - lo, 1u128 << PREFIX_BITS);
        let share = numbers * (prefix + 1) / parts - numbers * prefix / parts;
        Item::Classes {
            prefix: prefix as u64,
            qs: q..q_end,
            range: lo..hi,
            share: share as u64,
        }
    }
}

pub(super) fn verify(range: Range<u128>, opts: &RunOptions) -> Result<Verification> {
    let len = check_verify_range(&range)?;
    let ctl = Control::new(len, opts);
    let items = Items::new(&range);
    let part = run_items(&items, &|item| run_item(&item, &ctl))?.unwrap_or_else(Part::new);
    let (max_value, max_value_n) = part.peak.value(range.start);
    Ok(Verification {
        start: range.start,
        end: range.end,
        verified: len,
        followed: part.followed,
        max_value,
        max_value_n,
    })
}

fn run_item(item: &Item, ctl: &Control) -> Result<Part> {
    ctl.check()?;
    match item {
        Item::Numbers(numbers) => {
            let part = by_number(numbers.clone(), ctl)?;
            ctl.advance((numbers.end - numbers.start) as u64);
            Ok(part)
        }
        Item::Classes {
            prefix,
            qs,
            range,
            share,
        } => {
            let part = by_class(*prefix, qs.clone(), range, ctl)?;
            ctl.advance(*share);
            Ok(part)
        }
    }
}

/// Every n of `numbers`, one by one.
fn by_number(numbers: Range<u128>, ctl: &Control) -> Result<Part> {
    let mut part = Part::new();
    let table = sieve::small_table();
    let joins = sieve::join_table();
    // n mod 9, counted along (a u128 remainder is a slow division)
    let mut m = (numbers.start % 9) as u32;
    for (i, n) in numbers.enumerate() {
        let skip = (SKIP_MOD9 >> m) & 1 == 1;
        m = if m == 8 { 0 } else { m + 1 };
        if i % 4096 == 0 {
            ctl.check()?;
        }
        if skip || n < 2 {
            continue;
        }
        if n >> SMALL_BITS != 0 && !sieve::survives_small(table, n) {
            continue;
        }
        if sieve::joins(joins, n) {
            continue;
        }
        if descent::follow(n, SIEVE_BITS, &mut part.peak) {
            part.followed += 1;
        }
    }
    Ok(part)
}

/// The classes with lowest bits `prefix`, for n = q 2^32 + r in `range` with q in `qs`.
fn by_class(prefix: u64, qs: Range<u128>, range: &Range<u128>, ctl: &Control) -> Result<Part> {
    let k = SIEVE_BITS;
    let mut part = Part::new();
    // 3^c q + T^k(r) < 2^51 q + 2^51 fits u128 for every q below 2^76
    let fits = qs.end <= 1 << 76;
    // n mod 9 = (q 2^k + r) mod 9; it moves by 2^k mod 9 from one q to the next
    let step9 = ((1u128 << k) % 9) as u32;
    let q9 = (qs.start % 9) as u32;
    // every n of the blocks of qs is in the range
    let whole = range.start <= qs.start << k && ((qs.end - 1) << k | ((1 << k) - 1)) < range.end;
    let mut lanes = descent::Lanes::<LANES>::new();
    let mut seen = 0u32;
    let mut cancelled = Ok(());
    sieve::for_each_class(
        k,
        prefix,
        PREFIX_BITS,
        Drop::FallingOrJoining,
        &mut |class| {
            seen += 1;
            if seen % 1024 == 0 && cancelled.is_ok() {
                cancelled = ctl.check();
            }
            if cancelled.is_err() {
                return;
            }
            let r = class.r as u128;
            let p3 = crate::step::POW3[class.c as usize];
            let mut m = (q9 * step9 + (class.r % 9) as u32) % 9;
            let direct = !fits || !class.clean;
            // the first k steps: every T^j(n) is at most slope q + top, which grows with q
            let low_prefix = !direct
                && class.slope as u128 * (qs.end - 1) + (class.top as u128) < part.peak.floor();
            for q in qs.clone() {
                let skip = (SKIP_MOD9 >> m) & 1 == 1;
                m += step9;
                if m >= 9 {
                    m -= 9;
                }
                let n = q << k | r;
                if skip || (!whole && (n < range.start || n >= range.end)) {
                    continue;
                }
                part.followed += 1;
                if direct
                    || (!low_prefix
                        && class.slope as u128 * q + class.top as u128 >= part.peak.floor())
                {
                    descent::follow(n, k, &mut part.peak);
                    continue;
                }
                lanes.push(p3 * q + class.d as u128, n, &mut part.peak);
            }
        },
    );
    lanes.drain(&mut part.peak);
    cancelled?;
    Ok(part)
}

/// Runs every item on the threads of the current pool, each thread taking the next item until
/// none is left, and lets the pool run another call's waiting job between items (as
/// `pool::on_every_thread` does, with a result per thread).
fn run_items<F>(items: &Items, f: &F) -> Result<Option<Part>>
where
    F: Fn(Item) -> Result<Part> + Sync,
{
    let len = items.len();
    let next = AtomicU64::new(0);
    let failed = AtomicBool::new(false);
    let work = || {
        let mut acc: Option<Part> = None;
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed) as u128;
            if i >= len {
                break;
            }
            let part = f(items.get(i)).inspect_err(|_| {
                failed.store(true, Ordering::Relaxed);
            })?;
            acc = Some(match acc {
                Some(a) => a.merge(part),
                None => part,
            });
            rayon::yield_now();
        }
        Ok(acc)
    };
    // one loop on every thread of the pool, through each thread's broadcast queue (see
    // `pool`)
    let parts: Vec<Result<Option<Part>>> = rayon::broadcast(|_| work());
    let mut all: Option<Part> = None;
    for p in parts {
        if let Some(p) = p? {
            all = Some(match all {
                Some(a) => a.merge(p),
                None => p,
            });
        }
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;

    /// Whether n's path meets a smaller number's after 20 steps (same odd steps, same value),
    /// from a map of every class mod 2^20 to the smallest class with its 20 steps.
    fn joins(n: u128) -> bool {
        use std::collections::HashMap;
        use std::sync::OnceLock;
        static FIRST: OnceLock<HashMap<(u64, u32), u64>> = OnceLock::new();
        let key = |r: u64| {
            let (mut x, mut c) = (r, 0);
            for _ in 0..20 {
                if x % 2 == 1 {
                    x = (3 * x).div_ceil(2);
                    c += 1;
                } else {
                    x /= 2;
                }
            }
            (x, c)
        };
        let first = FIRST.get_or_init(|| {
            let mut m = HashMap::new();
            for r in 0..1u64 << 20 {
                m.entry(key(r)).or_insert(r);
            }
            m
        });
        let r = (n % (1 << 20)) as u64;
        first[&key(r)] < r
    }

    /// The verification of `range` by an independent walk in big integers, step by step (the
    /// oracle of `descent`'s tests), after the mod-9 test and an independent join test: the
    /// followed count, the highest value and its smallest start value.
    fn oracle(range: Range<u128>) -> (u64, Value, u128) {
        let (mut followed, mut best, mut best_n) = (0, BigUint::from(0u32), range.start);
        for n in range {
            if n < 2 || [2, 4, 5, 8].contains(&(n % 9)) || joins(n) {
                continue;
            }
            let (stays, top) = super::descent::tests::oracle(n, SIEVE_BITS);
            if stays {
                followed += 1;
                if top > best {
                    (best, best_n) = (top, n);
                }
            }
        }
        (followed, Value::from(best), best_n)
    }

    fn check(range: Range<u128>) -> Verification {
        let v = verify(range.clone(), &RunOptions::default()).unwrap();
        let (followed, max, max_n) = oracle(range.clone());
        assert_eq!(
            (v.followed, &v.max_value, v.max_value_n),
            (followed, &max, max_n),
            "{range:?}"
        );
        assert_eq!(v.verified as u128, range.end - range.start);
        v
    }

    #[test]
    fn small_ranges_match_a_big_integer_walk() {
        let v = check(1..100_000);
        // the highest value met before falling below the start: 77671's path record, 1570824736
        assert_eq!(
            (v.max_value.clone(), v.max_value_n),
            (Value::from(1_570_824_736u64), 77_671)
        );
        check(1 << 40..(1 << 40) + 50_000);
    }

    #[test]
    fn past_2_to_the_64_matches_a_big_integer_walk() {
        for k in [0u128, 1, 5] {
            let start = (1 << 68) + (k << 40);
            let v = check(start..start + (1 << 16));
            assert!(v.followed > 100);
        }
        // far out: values past 2^128 on the way
        let start = u128::MAX - (1 << 14);
        check(start..u128::MAX);
    }

    #[test]
    fn a_range_crossing_2_to_the_64_matches_a_big_integer_walk() {
        let mid = 1u128 << 64;
        check(mid - (1 << 15)..mid + (1 << 15));
    }

    #[test]
    fn the_class_path_agrees_with_the_number_path() {
        // a short range, by class (forced) and by number
        for start in [(1u128 << 40) + (3 << 32) - 5000, (1 << 68) + 12345, 1 << 32] {
            let range = start..start + 300_000;
            let ctl_opts = RunOptions::default();
            let ctl = Control::new(0, &ctl_opts);
            let k = SIEVE_BITS;
            let qs = (range.start >> k)..((range.end - 1) >> k) + 1;
            let mut by_classes = Part::new();
            for prefix in 0..1 << PREFIX_BITS {
                by_classes = by_classes.merge(by_class(prefix, qs.clone(), &range, &ctl).unwrap());
            }
            let by_numbers = by_number(range.clone(), &ctl).unwrap();
            assert_eq!(by_classes.followed, by_numbers.followed, "{range:?}");
            assert_eq!(by_classes.peak, by_numbers.peak, "{range:?}");
        }
    }

    #[test]
    fn long_ranges_go_by_class_and_cover_every_number_once() {
        let range = (1u128 << 40) + 777..(1 << 40) + 777 + (3 << 32) + 99;
        let items = Items::new(&range);
        let items: Vec<Item> = (0..items.len()).map(|i| items.get(i)).collect();
        let mut numbers = 0u128;
        let mut class_items = 0;
        for item in &items {
            match item {
                Item::Numbers(r) => numbers += r.end - r.start,
                Item::Classes { share, .. } => {
                    class_items += 1;
                    numbers += *share as u128
                }
            }
        }
        assert_eq!(numbers, range.end - range.start);
        assert_eq!(class_items, 1 << PREFIX_BITS);
        // several blocks of q: every number once, the last item ending at the range's end
        let range = (1u128 << 60) + 5..(1 << 60) + 5 + (3 << 42) + (1 << 40);
        let items = Items::new(&range);
        assert_eq!(items.len(), 4 << PREFIX_BITS);
        let mut numbers = 0u128;
        for i in 0..items.len() {
            let Item::Classes {
                share, range: r, ..
            } = items.get(i)
            else {
                panic!("item {i} is not by class")
            };
            numbers += share as u128;
            assert!(range.start <= r.start && r.end <= range.end);
        }
        assert_eq!(numbers, range.end - range.start);
        // the longest range a call takes: its items are made as they are taken
        let range = 1u128 << 100..(1 << 100) + u64::MAX as u128;
        let items = Items::new(&range);
        assert_eq!(items.len(), (1 << 22) << PREFIX_BITS);
        let Item::Classes { range: last, .. } = items.get(items.len() - 1) else {
            panic!("not by class")
        };
        assert_eq!(last.end, range.end);
        // below 2^32 and short: by number
        assert!(items_are_numbers(&(1..1 << 30)));
        assert!(items_are_numbers(&((1 << 50)..(1 << 50) + (1 << 20))));
    }

    fn items_are_numbers(range: &Range<u128>) -> bool {
        let items = Items::new(range);
        (0..items.len()).all(|i| matches!(items.get(i), Item::Numbers(_)))
    }

    #[test]
    fn bad_bounds_are_typed_errors() {
        let opts = RunOptions::default();
        assert_eq!(verify(0..10, &opts), Err(Error::Zero));
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 10..5;
        assert!(matches!(
            verify(reversed, &opts),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            verify(1..u128::MAX, &opts),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn the_statement_says_what_was_proved() {
        let v = verify(1..10, &RunOptions::default()).unwrap();
        assert_eq!(v.proved(), "every n in [1, 10) reaches 1");
    }
}
