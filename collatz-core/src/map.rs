//! Generalised maps n -> n/2 (n even), a*n + b (n odd), with cycle detection in O(1) memory.

use std::fmt;
use std::str::FromStr;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::limits::Limits;

/// A map n -> n/2 for even n and a*n + b for odd n, with odd `a >= 1` and odd `b`
/// (3x+1, 5x+1, 3x-1, 3x+5, 7x+1, ...). Defined on all non-zero integers, negative included.
///
/// ```
/// use collatz_core::{Map, Limits, Outcome};
/// let m: Map = "3x+1".parse()?;
/// // on the negatives 3x+1 has three cycles, through -1, -5 and -17
/// let run = m.run(-27, &Limits::default())?; // -27 -80 -40 -20 -10 -5 -14 -7 -20 ...
/// match run.outcome {
///     Outcome::Cycle { min, least_abs, length, entered_after } => {
///         assert_eq!((min, least_abs), ((-20).into(), (-5).into()));
///         assert_eq!((length, entered_after), (5, 3));
///     }
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), collatz_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Map {
    a: i64,
    b: i64,
}

/// How a [`Map::run`] ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The trajectory reached 1 (it stops there, as the 3x+1 convention does).
    ReachedOne,
    /// The trajectory entered a cycle that does not contain 1.
    Cycle {
        /// The smallest element of the cycle (for negative cycles, the most negative).
        #[serde(with = "bigint_string")]
        min: BigInt,
        /// The element of least absolute value: the usual name of a cycle (the 3x+1 cycles on
        /// the negatives are those of -1, -5 and -17).
        #[serde(with = "bigint_string")]
        least_abs: BigInt,
        /// Number of elements (= steps around the cycle).
        length: u64,
        /// Steps from the start value to the first element of the cycle.
        entered_after: u64,
    },
    /// The step limit was reached first.
    StepLimit,
    /// A value outgrew the bit-length limit (the run looks divergent).
    BitLimit,
}

impl Outcome {
    /// A short name: `reached_one`, `cycle`, `step_limit`, `bit_limit`.
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::ReachedOne => "reached_one",
            Outcome::Cycle { .. } => "cycle",
            Outcome::StepLimit => "step_limit",
            Outcome::BitLimit => "bit_limit",
        }
    }
}

/// The result of running a [`Map`] from one start value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapRun {
    /// The start value.
    #[serde(with = "bigint_string")]
    pub n: BigInt,
    /// How the run ended.
    pub outcome: Outcome,
    /// Steps covered by the counts below: to reach 1; to close the cycle for the first time
    /// (`entered_after + length`, every value of the orbit counted once); or until the limit.
    pub steps: u64,
    /// Odd (a*n + b) steps among `steps`.
    pub odd_steps: u64,
    /// Halving steps among `steps`.
    pub even_steps: u64,
    /// The value of largest absolute value met (n included); for negative trajectories this
    /// is the most negative value.
    #[serde(with = "bigint_string")]
    pub max: BigInt,
    /// The first step at which |value| < |n|, if that happened within `steps`.
    pub stopping_time: Option<u64>,
}

impl Map {
    /// The standard 3x+1 map.
    pub const COLLATZ: Map = Map { a: 3, b: 1 };

    /// The map with odd step a*n + b. `a` must be odd and at least 1, `b` odd.
    ///
    /// ```
    /// assert!(collatz_core::Map::new(5, 1).is_ok());
    /// assert!(collatz_core::Map::new(4, 1).is_err());
    /// assert!(collatz_core::Map::new(3, 2).is_err());
    /// ```
    pub fn new(a: i64, b: i64) -> Result<Self> {
        if a < 1 || a % 2 == 0 || b % 2 == 0 {
            return Err(Error::InvalidMap { a, b });
        }
        Ok(Map { a, b })
    }

    /// The multiplier a.
    pub fn a(&self) -> i64 {
        self.a
    }

    /// The increment b.
    pub fn b(&self) -> i64 {
        self.b
    }

    /// One step of the map. Zero maps to zero.
    pub fn apply(&self, n: &BigInt) -> BigInt {
        if n.is_even() {
            n >> 1u32
        } else {
            n * self.a + self.b
        }
    }

    /// Runs the map from `n` until it reaches 1, closes a cycle, or passes a limit.
    /// Cycles are found with Brent's algorithm in O(1) memory.
    ///
    /// ```
    /// use collatz_core::{Map, Limits, Outcome};
    /// let five: Map = "5x+1".parse()?;
    /// let run = five.run(7, &Limits { max_steps: 10_000, max_bits: 256 })?;
    /// assert_eq!(run.outcome, Outcome::BitLimit); // 5x+1 from 7 appears to diverge
    /// let run = five.run(13, &Limits::default())?;
    /// assert!(matches!(run.outcome, Outcome::Cycle { length: 10, .. }));
    /// # Ok::<(), collatz_core::Error>(())
    /// ```
    pub fn run(&self, n: impl Into<BigInt>, limits: &Limits) -> Result<MapRun> {
        let n: BigInt = n.into();
        if n.is_zero() {
            return Err(Error::Zero);
        }
        let start = SInt::from(&n);
        let mut acc = Acc::new(&start);
        if start.is_one() {
            return Ok(acc.finish(n, Outcome::ReachedOne));
        }
        // Brent: the hare walks the orbit x1, x2, ... in order; the tortoise waits at x_{2^i - 1}.
        let mut tortoise = start.clone();
        let mut hare = start.clone();
        let mut power: u64 = 1;
        let mut lam: u64 = 0;
        loop {
            if acc.steps >= limits.max_steps {
                return Ok(acc.finish(n, Outcome::StepLimit));
            }
            hare.step(self);
            acc.see(&hare, &start);
            lam += 1;
            if hare.is_one() {
                return Ok(acc.finish(n, Outcome::ReachedOne));
            }
            if hare.bits() > limits.max_bits {
                return Ok(acc.finish(n, Outcome::BitLimit));
            }
            if hare == tortoise {
                break;
            }
            if lam == power {
                tortoise = hare.clone();
                power = power.saturating_mul(2);
                lam = 0;
            }
        }
        // lam is the cycle length; find mu, the index of the first element of the cycle.
        let mut tortoise = start.clone();
        let mut hare = start.clone();
        for _ in 0..lam {
            hare.step(self);
        }
        let mut mu = 0;
        while tortoise != hare {
            tortoise.step(self);
            hare.step(self);
            mu += 1;
        }
        // Count every value of the orbit once: x0 .. x_{mu+lam-1}, and find the cycle's minimum.
        let mut acc = Acc::new(&start);
        let mut x = start.clone();
        let mut cycle: Option<(BigInt, BigInt)> = None; // (min, least_abs)
        for i in 0..mu + lam {
            if i > 0 {
                x.step(self);
                acc.see(&x, &start);
            }
            if i >= mu {
                let v = x.to_bigint();
                cycle = Some(match cycle {
                    None => (v.clone(), v),
                    Some((min, least)) => {
                        let least = if v.abs() < least.abs() {
                            v.clone()
                        } else {
                            least
                        };
                        (min.min(v), least)
                    }
                });
            }
        }
        x.step(self);
        acc.see(&x, &start); // the step that closes the cycle
        let (min, least_abs) = cycle.unwrap_or_else(|| (x.to_bigint(), x.to_bigint()));
        Ok(acc.finish(
            n,
            Outcome::Cycle {
                min,
                least_abs,
                length: lam,
                entered_after: mu,
            },
        ))
    }
}

impl fmt::Display for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = if self.a == 1 {
            String::new()
        } else {
            self.a.to_string()
        };
        write!(f, "{a}x{:+}", self.b)
    }
}

impl FromStr for Map {
    type Err = Error;
    /// Parses `3x+1`, `5x+1`, `3x-1`, `x+3`, `3n+1` (spaces allowed).
    fn from_str(s: &str) -> Result<Self> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let bad = || Error::parse(s, "expected a map like 3x+1, 5x+1 or 3x-1");
        let pos = compact.find(['x', 'n', 'X', 'N']).ok_or_else(bad)?;
        let (a, rest) = compact.split_at(pos);
        let b = &rest[1..];
        let a: i64 = if a.is_empty() {
            1
        } else {
            a.parse().map_err(|_| bad())?
        };
        if !b.starts_with(['+', '-']) {
            return Err(bad());
        }
        let b: i64 = b.parse().map_err(|_| bad())?;
        Map::new(a, b)
    }
}

/// Running statistics of a map run.
struct Acc {
    steps: u64,
    odd: u64,
    even: u64,
    max: SInt,
    start_abs_bits: u64,
    stopping: Option<u64>,
}

impl Acc {
    fn new(start: &SInt) -> Self {
        Acc {
            steps: 0,
            odd: 0,
            even: 0,
            max: start.clone(),
            start_abs_bits: start.bits(),
            stopping: None,
        }
    }

    /// Records the step that produced `x`.
    fn see(&mut self, x: &SInt, start: &SInt) {
        self.steps += 1;
        // x came from an odd value iff it is not half of its predecessor; count by the
        // predecessor's parity, which `step` recorded.
        if x.came_from_odd {
            self.odd += 1;
        } else {
            self.even += 1;
        }
        if x.abs_gt(&self.max) {
            self.max = x.clone();
        }
        if self.stopping.is_none() && x.bits() <= self.start_abs_bits && start.abs_gt(x) {
            self.stopping = Some(self.steps);
        }
    }

    fn finish(self, n: BigInt, outcome: Outcome) -> MapRun {
        MapRun {
            n,
            outcome,
            steps: self.steps,
            odd_steps: self.odd,
            even_steps: self.even,
            max: self.max.to_bigint(),
            stopping_time: self.stopping,
        }
    }
}

/// A signed value: i128 while it fits, BigInt beyond.
#[derive(Clone, Debug)]
struct SInt {
    v: SRepr,
    came_from_odd: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum SRepr {
    Small(i128),
    Big(BigInt),
}

impl PartialEq for SInt {
    fn eq(&self, other: &Self) -> bool {
        self.v == other.v
    }
}

impl From<&BigInt> for SInt {
    fn from(n: &BigInt) -> Self {
        let v = match i128::try_from(n) {
            Ok(s) => SRepr::Small(s),
            Err(_) => SRepr::Big(n.clone()),
        };
        SInt {
            v,
            came_from_odd: false,
        }
    }
}

impl SInt {
    fn is_one(&self) -> bool {
        match &self.v {
            SRepr::Small(x) => *x == 1,
            SRepr::Big(x) => x.is_one(),
        }
    }

    fn bits(&self) -> u64 {
        match &self.v {
            SRepr::Small(x) => 128 - x.unsigned_abs().leading_zeros() as u64,
            SRepr::Big(x) => x.bits(),
        }
    }

    fn abs_gt(&self, other: &SInt) -> bool {
        match (&self.v, &other.v) {
            (SRepr::Small(a), SRepr::Small(b)) => a.unsigned_abs() > b.unsigned_abs(),
            _ => self.to_bigint().abs() > other.to_bigint().abs(),
        }
    }

    fn to_bigint(&self) -> BigInt {
        match &self.v {
            SRepr::Small(x) => BigInt::from(*x),
            SRepr::Big(x) => x.clone(),
        }
    }

    fn step(&mut self, map: &Map) {
        match &mut self.v {
            SRepr::Small(x) => {
                if *x & 1 == 0 {
                    *x >>= 1;
                    self.came_from_odd = false;
                    return;
                }
                self.came_from_odd = true;
                if let Some(y) = x
                    .checked_mul(map.a as i128)
                    .and_then(|y| y.checked_add(map.b as i128))
                {
                    *x = y;
                    return;
                }
                let y = BigInt::from(*x) * map.a + map.b;
                self.v = SRepr::Big(y);
            }
            SRepr::Big(x) => {
                if x.is_even() {
                    *x >>= 1u32;
                    self.came_from_odd = false;
                } else {
                    *x *= map.a;
                    *x += map.b;
                    self.came_from_odd = true;
                }
                if let Ok(s) = i128::try_from(&*x) {
                    self.v = SRepr::Small(s);
                }
            }
        }
    }
}

mod bigint_string {
    use num_bigint::BigInt;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &BigInt, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BigInt, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (least |element|, min element, length)
    fn cycle_of(map: &str, n: i64) -> (i64, i64, u64) {
        let m: Map = map.parse().unwrap();
        match m.run(n, &Limits::default()).unwrap().outcome {
            Outcome::Cycle {
                min,
                least_abs,
                length,
                ..
            } => (
                i64::try_from(least_abs).unwrap(),
                i64::try_from(min).unwrap(),
                length,
            ),
            other => panic!("{map} from {n}: {other:?}"),
        }
    }

    #[test]
    fn parses_and_prints_maps() {
        for s in ["3x+1", "5x+1", "3x-1", "x+3", "7x+1", "3x+5"] {
            assert_eq!(s.parse::<Map>().unwrap().to_string(), s);
        }
        assert_eq!("3n + 1".parse::<Map>().unwrap(), Map::COLLATZ);
        for bad in [
            "3x+2", "4x+1", "-3x+1", "0x+1", "3x", "x", "3+1", "3x*1", "",
        ] {
            assert!(bad.parse::<Map>().is_err(), "{bad}");
        }
        assert!(matches!(
            "2x+1".parse::<Map>(),
            Err(Error::InvalidMap { a: 2, b: 1 })
        ));
    }

    #[test]
    fn negative_3x_plus_1_cycles() {
        assert_eq!(cycle_of("3x+1", -1), (-1, -2, 2)); // -1 -2
        assert_eq!(cycle_of("3x+1", -5), (-5, -20, 5)); // -5 -14 -7 -20 -10
        assert_eq!(cycle_of("3x+1", -17), (-17, -272, 18));
        assert_eq!(cycle_of("3x+1", -3), (-1, -2, 2)); // -3 -8 -4 -2 -1
        assert_eq!(cycle_of("3x+1", -2), (-1, -2, 2));
    }

    #[test]
    fn three_x_minus_one_cycles() {
        // 3x-1 is 3x+1 on the negatives, mirrored
        assert_eq!(cycle_of("3x-1", 5), (5, 5, 5));
        assert_eq!(cycle_of("3x-1", 7), (5, 5, 5)); // 7 20 10 5
        assert_eq!(cycle_of("3x-1", 17), (17, 17, 18));
        let m: Map = "3x-1".parse().unwrap();
        assert_eq!(
            m.run(2, &Limits::default()).unwrap().outcome,
            Outcome::ReachedOne
        );
    }

    #[test]
    fn zero_is_an_error() {
        assert_eq!(Map::COLLATZ.run(0, &Limits::default()), Err(Error::Zero));
    }

    #[test]
    fn standard_map_agrees_with_stats() {
        let run = Map::COLLATZ.run(27, &Limits::default()).unwrap();
        assert_eq!(run.outcome, Outcome::ReachedOne);
        assert_eq!((run.steps, run.odd_steps, run.even_steps), (111, 41, 70));
        assert_eq!(run.max, BigInt::from(9232));
        assert_eq!(run.stopping_time, Some(96));
    }

    #[test]
    fn step_limit_counts_exactly() {
        let run = Map::COLLATZ
            .run(
                27,
                &Limits {
                    max_steps: 10,
                    max_bits: 64,
                },
            )
            .unwrap();
        assert_eq!(run.outcome, Outcome::StepLimit);
        assert_eq!(run.steps, 10);
        assert_eq!(run.odd_steps + run.even_steps, 10);
    }
}
