//! The serialised form of the results, defined once (serde): what `collatz stats`, `range` and
//! `verify` print with `--json`, and what any serde format (Python dicts, JavaScript objects)
//! gets from [`Stats`], [`Summary`], [`Record`], [`StatSummary`] and [`Verification`].
//!
//! Start values, range bounds and maxima are decimal strings: they pass 2^53, past which JSON
//! numbers are not exact in JavaScript and many parsers. Step counts, counts, sums and means
//! are numbers. Keys are snake_case; statistics are named as [`Field::name`](crate::Field::name)
//! spells them. Each shape also reads back (values derived from others, such as `max_bits`
//! and the means, are written but not read).
//!
//! - `Stats`: `{"n": "27", "total_stopping_time": 111, "stopping_time": 96,
//!   "stopping_time_shortcut": 59, "odd_steps": 41, "even_steps": 70, "shortcut_steps": 70,
//!   "max": "9232", "max_bits": 14, "parity_vector": "1101…"}`.
//! - `Record`: `{"n": "27", "value": "9232"}`.
//! - `StatSummary`: `{"sum": 423, "max": 111, "max_n": "27"}`.
//! - `Summary`: flat. `start`, `end` (strings), `count`; for each step statistic S of
//!   `total_stopping_time`, `stopping_time` and `odd_steps`: `sum_S`, `mean_S`, `max_S`, and
//!   `max_S_n` (a string), null when S was not asked for or the range is empty;
//!   `max_excursion` and `max_excursion_n` (strings, or null); `histogram` (a list of counts,
//!   index = total stopping time); `delay_records` and `glide_records` as
//!   `{"n": "27", "value": 111}` (steps as numbers) and `path_records` as `Record`s (maxima as
//!   strings). When read, missing statistics are null and missing lists empty.
//! - `Verification`: `{"start": "1", "end": "100", "verified": 99, "followed": 2,
//!   "max_value": "9232", "max_value_n": "27", "proved": "every n in [1, 100) reaches 1"}`
//!   (bounds and `max_value_n` below 2^128; `proved` is ignored when read).
//!
//! ```
//! use collatz_core::range::{RangeEngine, RunOptions, Summary, Want};
//!
//! let s = RangeEngine::new().summary(1..30, Want::ALL, &RunOptions::default())?;
//! let json = serde_json::to_value(&s).unwrap();
//! assert_eq!(json["start"], "1");
//! assert_eq!(json["max_total_stopping_time"], 111);
//! assert_eq!(json["max_total_stopping_time_n"], "27");
//! assert_eq!(json["max_excursion"], "9232");
//! assert_eq!(json["path_records"][5], serde_json::json!({"n": "27", "value": "9232"}));
//! assert_eq!(json["delay_records"][8], serde_json::json!({"n": "27", "value": 111}));
//! assert_eq!(serde_json::from_value::<Summary>(json).unwrap(), s);
//!
//! let stats = serde_json::to_value(collatz_core::stats(27u64)?).unwrap();
//! assert_eq!(stats["n"], "27");
//! assert_eq!(stats["max"], "9232");
//! assert_eq!(stats["max_bits"], 14);
//! # Ok::<(), collatz_core::Error>(())
//! ```

use std::fmt::{self, Display};
use std::marker::PhantomData;
use std::str::FromStr;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::parity::ParityVector;
use crate::range::{Record, StatSummary, Summary, Verification};
use crate::stats::Stats;
use crate::value::Value;

/// An integer written as a decimal string; read from such a string or from a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decimal<T>(T);

impl<T: Display> Serialize for Decimal<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de, T> Deserialize<'de> for Decimal<T>
where
    T: FromStr + TryFrom<u64> + TryFrom<u128>,
    <T as FromStr>::Err: Display,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<T>(PhantomData<T>);
        impl<T> de::Visitor<'_> for Visitor<T>
        where
            T: FromStr + TryFrom<u64> + TryFrom<u128>,
            <T as FromStr>::Err: Display,
        {
            type Value = Decimal<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a non-negative integer or its decimal string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal<T>, E> {
                v.parse()
                    .map(Decimal)
                    .map_err(|e| E::custom(format!("{v:?}: {e}")))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal<T>, E> {
                T::try_from(v)
                    .map(Decimal)
                    .map_err(|_| E::custom(format!("{v} is out of range")))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Decimal<T>, E> {
                T::try_from(v)
                    .map(Decimal)
                    .map_err(|_| E::custom(format!("{v} is out of range")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal<T>, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::custom(format!("{v} is negative"))),
                }
            }
        }
        d.deserialize_any(Visitor(PhantomData))
    }
}

/// The shape of [`Stats`].
#[derive(Serialize, Deserialize)]
pub(crate) struct StatsShape {
    n: Value,
    total_stopping_time: u64,
    stopping_time: u64,
    stopping_time_shortcut: u64,
    odd_steps: u64,
    even_steps: u64,
    /// The parity vector's length (written, not read).
    #[serde(skip_deserializing)]
    shortcut_steps: u64,
    max: Value,
    /// `max`'s bit length (written, not read).
    #[serde(skip_deserializing)]
    max_bits: u64,
    parity_vector: ParityVector,
}

impl From<Stats> for StatsShape {
    fn from(s: Stats) -> Self {
        StatsShape {
            shortcut_steps: s.shortcut_steps(),
            max_bits: s.max.bits(),
            n: s.n,
            total_stopping_time: s.total_stopping_time,
            stopping_time: s.stopping_time,
            stopping_time_shortcut: s.stopping_time_shortcut,
            odd_steps: s.odd_steps,
            even_steps: s.even_steps,
            max: s.max,
            parity_vector: s.parity_vector,
        }
    }
}

impl From<StatsShape> for Stats {
    fn from(s: StatsShape) -> Self {
        Stats {
            n: s.n,
            total_stopping_time: s.total_stopping_time,
            stopping_time: s.stopping_time,
            stopping_time_shortcut: s.stopping_time_shortcut,
            odd_steps: s.odd_steps,
            even_steps: s.even_steps,
            max: s.max,
            parity_vector: s.parity_vector,
        }
    }
}

/// The shape of a [`Record`] on its own and in `path_records`: both numbers as strings.
#[derive(Serialize, Deserialize)]
pub(crate) struct RecordShape {
    n: Decimal<u64>,
    value: Decimal<u128>,
}

impl From<Record> for RecordShape {
    fn from(r: Record) -> Self {
        RecordShape {
            n: Decimal(r.n),
            value: Decimal(r.value),
        }
    }
}

impl From<RecordShape> for Record {
    fn from(r: RecordShape) -> Self {
        Record {
            n: r.n.0,
            value: r.value.0,
        }
    }
}

/// A record of a step count (`delay_records`, `glide_records`): the value as a number.
#[derive(Serialize, Deserialize)]
struct StepRecordShape {
    n: Decimal<u64>,
    value: u128,
}

/// The shape of a [`StatSummary`] on its own.
#[derive(Serialize, Deserialize)]
pub(crate) struct StatSummaryShape {
    sum: u64,
    max: u32,
    max_n: Decimal<u64>,
}

impl From<StatSummary> for StatSummaryShape {
    fn from(s: StatSummary) -> Self {
        StatSummaryShape {
            sum: s.sum,
            max: s.max,
            max_n: Decimal(s.max_n),
        }
    }
}

impl From<StatSummaryShape> for StatSummary {
    fn from(s: StatSummaryShape) -> Self {
        StatSummary {
            sum: s.sum,
            max: s.max,
            max_n: s.max_n.0,
        }
    }
}

/// The shape of a [`Summary`]: flat, one group of keys per statistic.
#[derive(Serialize, Deserialize)]
pub(crate) struct SummaryShape {
    start: Decimal<u64>,
    end: Decimal<u64>,
    count: u64,
    sum_total_stopping_time: Option<u64>,
    #[serde(skip_deserializing)]
    mean_total_stopping_time: Option<f64>,
    max_total_stopping_time: Option<u32>,
    max_total_stopping_time_n: Option<Decimal<u64>>,
    sum_stopping_time: Option<u64>,
    #[serde(skip_deserializing)]
    mean_stopping_time: Option<f64>,
    max_stopping_time: Option<u32>,
    max_stopping_time_n: Option<Decimal<u64>>,
    sum_odd_steps: Option<u64>,
    #[serde(skip_deserializing)]
    mean_odd_steps: Option<f64>,
    max_odd_steps: Option<u32>,
    max_odd_steps_n: Option<Decimal<u64>>,
    max_excursion: Option<Decimal<u128>>,
    max_excursion_n: Option<Decimal<u64>>,
    #[serde(default)]
    histogram: Vec<u64>,
    #[serde(default)]
    delay_records: Vec<StepRecordShape>,
    #[serde(default)]
    path_records: Vec<Record>,
    #[serde(default)]
    glide_records: Vec<StepRecordShape>,
}

/// `sum_S`, `mean_S`, `max_S`, `max_S_n` of one statistic.
type StatKeys = (Option<u64>, Option<f64>, Option<u32>, Option<Decimal<u64>>);

fn stat_keys(s: Option<StatSummary>, count: u64) -> StatKeys {
    match s {
        Some(s) => (
            Some(s.sum),
            Some(s.mean(count)),
            Some(s.max),
            Some(Decimal(s.max_n)),
        ),
        None => (None, None, None, None),
    }
}

fn stat_from_keys(
    name: &str,
    sum: Option<u64>,
    max: Option<u32>,
    max_n: Option<Decimal<u64>>,
) -> Result<Option<StatSummary>, String> {
    match (sum, max, max_n) {
        (Some(sum), Some(max), Some(max_n)) => Ok(Some(StatSummary {
            sum,
            max,
            max_n: max_n.0,
        })),
        (None, None, None) => Ok(None),
        _ => Err(format!(
            "sum_{name}, max_{name} and max_{name}_n are all given or all null"
        )),
    }
}

fn step_records(rs: Vec<Record>) -> Vec<StepRecordShape> {
    rs.into_iter()
        .map(|r| StepRecordShape {
            n: Decimal(r.n),
            value: r.value,
        })
        .collect()
}

fn from_step_records(rs: Vec<StepRecordShape>) -> Vec<Record> {
    rs.into_iter()
        .map(|r| Record {
            n: r.n.0,
            value: r.value,
        })
        .collect()
}

impl From<Summary> for SummaryShape {
    fn from(s: Summary) -> Self {
        let (
            sum_total_stopping_time,
            mean_total_stopping_time,
            max_total_stopping_time,
            max_total_stopping_time_n,
        ) = stat_keys(s.total_stopping_time, s.count);
        let (sum_stopping_time, mean_stopping_time, max_stopping_time, max_stopping_time_n) =
            stat_keys(s.stopping_time, s.count);
        let (sum_odd_steps, mean_odd_steps, max_odd_steps, max_odd_steps_n) =
            stat_keys(s.odd_steps, s.count);
        SummaryShape {
            start: Decimal(s.start),
            end: Decimal(s.end),
            count: s.count,
            sum_total_stopping_time,
            mean_total_stopping_time,
            max_total_stopping_time,
            max_total_stopping_time_n,
            sum_stopping_time,
            mean_stopping_time,
            max_stopping_time,
            max_stopping_time_n,
            sum_odd_steps,
            mean_odd_steps,
            max_odd_steps,
            max_odd_steps_n,
            max_excursion: s.max_excursion.map(|r| Decimal(r.value)),
            max_excursion_n: s.max_excursion.map(|r| Decimal(r.n)),
            histogram: s.histogram,
            delay_records: step_records(s.delay_records),
            path_records: s.path_records,
            glide_records: step_records(s.glide_records),
        }
    }
}

impl TryFrom<SummaryShape> for Summary {
    type Error = String;

    fn try_from(s: SummaryShape) -> Result<Self, String> {
        let max_excursion = match (s.max_excursion, s.max_excursion_n) {
            (Some(value), Some(n)) => Some(Record {
                n: n.0,
                value: value.0,
            }),
            (None, None) => None,
            _ => {
                return Err("max_excursion and max_excursion_n are both given or both null".into())
            }
        };
        Ok(Summary {
            start: s.start.0,
            end: s.end.0,
            count: s.count,
            total_stopping_time: stat_from_keys(
                "total_stopping_time",
                s.sum_total_stopping_time,
                s.max_total_stopping_time,
                s.max_total_stopping_time_n,
            )?,
            stopping_time: stat_from_keys(
                "stopping_time",
                s.sum_stopping_time,
                s.max_stopping_time,
                s.max_stopping_time_n,
            )?,
            odd_steps: stat_from_keys(
                "odd_steps",
                s.sum_odd_steps,
                s.max_odd_steps,
                s.max_odd_steps_n,
            )?,
            max_excursion,
            histogram: s.histogram,
            delay_records: from_step_records(s.delay_records),
            path_records: s.path_records,
            glide_records: from_step_records(s.glide_records),
        })
    }
}

/// The shape of a [`Verification`].
#[derive(Serialize, Deserialize)]
pub(crate) struct VerificationShape {
    start: Decimal<u128>,
    end: Decimal<u128>,
    verified: u64,
    followed: u64,
    max_value: Value,
    max_value_n: Decimal<u128>,
    /// [`Verification::proved`]: written, and ignored when read.
    #[serde(default)]
    proved: String,
}

impl From<Verification> for VerificationShape {
    fn from(v: Verification) -> Self {
        VerificationShape {
            proved: v.proved(),
            start: Decimal(v.start),
            end: Decimal(v.end),
            verified: v.verified,
            followed: v.followed,
            max_value: v.max_value,
            max_value_n: Decimal(v.max_value_n),
        }
    }
}

impl From<VerificationShape> for Verification {
    fn from(v: VerificationShape) -> Self {
        Verification {
            start: v.start.0,
            end: v.end.0,
            verified: v.verified,
            followed: v.followed,
            max_value: v.max_value,
            max_value_n: v.max_value_n.0,
        }
    }
}

/// The keys of the summary's shape that `collatz range --json` leaves out: the sums and
/// means of the glides, and the odd steps, which it does not ask for.
const REPORT_UNPRINTED: [&str; 6] = [
    "sum_stopping_time",
    "mean_stopping_time",
    "sum_odd_steps",
    "mean_odd_steps",
    "max_odd_steps",
    "max_odd_steps_n",
];

/// The statistics `collatz range` computes for its report: [`Want::FAST`](crate::range::Want::FAST).
pub const REPORT_WANT: crate::range::Want = crate::range::Want::FAST;

/// The JSON text that `collatz stats N --json` prints (without its newline): the shape of
/// [`Stats`], keys in alphabetical order, without the parity vector unless `parity`. Services
/// that answer with the command line's JSON use this.
///
/// ```
/// let s = collatz_core::stats(27u64)?;
/// assert_eq!(
///     collatz_core::shape::stats_json(&s, false),
///     r#"{"even_steps":70,"max":"9232","max_bits":14,"n":"27","odd_steps":41,"shortcut_steps":70,"stopping_time":96,"stopping_time_shortcut":59,"total_stopping_time":111}"#
/// );
/// # Ok::<(), collatz_core::Error>(())
/// ```
pub fn stats_json(s: &Stats, parity: bool) -> String {
    let mut obj = to_json(s);
    if !parity {
        if let Some(map) = obj.as_object_mut() {
            map.remove("parity_vector");
        }
    }
    obj.to_string()
}

/// The JSON text that `collatz range A B --json` prints (without its newline) for a summary
/// computed with [`REPORT_WANT`]: the shape of [`Summary`] without the glides' sums and means
/// and the odd steps, with the records if `records` (`--records`) and the histogram if
/// `histogram` (`--histogram`).
///
/// ```
/// use collatz_core::range::{RangeEngine, RunOptions};
/// use collatz_core::shape::{summary_json, REPORT_WANT};
/// let s = RangeEngine::new().summary(1..1_000_000, REPORT_WANT, &RunOptions::default())?;
/// let text = summary_json(&s, true, false);
/// assert!(text.starts_with(r#"{"count":999999,"delay_records":[{"n":"1","value":0},"#));
/// assert!(text.contains(r#""sum_total_stopping_time":131434272"#));
/// assert!(!text.contains("histogram") && !text.contains("odd_steps"));
/// # Ok::<(), collatz_core::Error>(())
/// ```
pub fn summary_json(s: &Summary, records: bool, histogram: bool) -> String {
    let mut obj = to_json(s);
    if let Some(map) = obj.as_object_mut() {
        for key in REPORT_UNPRINTED {
            map.remove(key);
        }
        if !records {
            for key in ["delay_records", "path_records", "glide_records"] {
                map.remove(key);
            }
        }
        if !histogram {
            map.remove("histogram");
        }
    }
    obj.to_string()
}

/// The JSON text of a [`Verification`]'s shape (`collatz verify A B --json` adds the time
/// taken and the rate to it).
pub fn verification_json(v: &Verification) -> String {
    to_json(v).to_string()
}

/// A shape as a JSON value. The shapes serialise to objects with string keys, integers,
/// floats and strings, which cannot fail.
fn to_json(v: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(v).expect("the result shapes serialise to JSON")
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value as Json};

    use super::*;
    use crate::range::{RangeEngine, RunOptions, Want};
    use crate::Field;

    fn summary(range: std::ops::Range<u64>, want: Want) -> Summary {
        RangeEngine::new()
            .summary(range, want, &RunOptions::default())
            .unwrap()
    }

    fn round_trip<T>(x: &T) -> Json
    where
        T: Serialize + for<'de> Deserialize<'de> + PartialEq + fmt::Debug,
    {
        let json = serde_json::to_value(x).unwrap();
        let back: T = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(&back, x);
        let text = serde_json::to_string(x).unwrap();
        assert_eq!(&serde_json::from_str::<T>(&text).unwrap(), x);
        json
    }

    /// What `collatz range 1 30 --json --records --histogram` printed before the shape moved
    /// here (the keys the command line leaves out are removed before comparing).
    const RANGE_1_30: &str = r#"{"count":29,"delay_records":[{"n":"1","value":0},{"n":"2","value":1},{"n":"3","value":7},{"n":"6","value":8},{"n":"7","value":16},{"n":"9","value":19},{"n":"18","value":20},{"n":"25","value":23},{"n":"27","value":111}],"end":"30","glide_records":[{"n":"1","value":0},{"n":"2","value":1},{"n":"3","value":6},{"n":"7","value":11},{"n":"27","value":96}],"histogram":[1,1,1,1,1,1,1,3,1,2,2,0,1,0,1,2,1,2,2,1,2,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1],"max_excursion":"9232","max_excursion_n":"27","max_stopping_time":96,"max_stopping_time_n":"27","max_total_stopping_time":111,"max_total_stopping_time_n":"27","mean_total_stopping_time":14.586206896551724,"path_records":[{"n":"1","value":"1"},{"n":"2","value":"2"},{"n":"3","value":"16"},{"n":"7","value":"52"},{"n":"15","value":"160"},{"n":"27","value":"9232"}],"start":"1","sum_total_stopping_time":423}"#;

    #[test]
    fn summary_has_the_command_line_shape_and_reads_back() {
        let want = Want {
            odd_steps: false,
            ..Want::ALL
        };
        let s = summary(1..30, want);
        let mut json = round_trip(&s);
        assert_eq!(json["sum_stopping_time"], s.stopping_time.unwrap().sum);
        assert!(json["mean_stopping_time"].is_number());
        let obj = json.as_object_mut().unwrap();
        for key in [
            "sum_stopping_time",
            "mean_stopping_time",
            "sum_odd_steps",
            "mean_odd_steps",
            "max_odd_steps",
            "max_odd_steps_n",
        ] {
            obj.remove(key);
        }
        assert_eq!(json.to_string(), RANGE_1_30);
    }

    #[test]
    fn every_statistic_and_every_empty_summary_reads_back() {
        for want in [Want::ALL, Want::TOTAL_STOPPING_TIME, Want::FAST, Want::NONE] {
            for range in [1..1000, 1000..1000, (1 << 40)..(1 << 40) + 100] {
                let json = round_trip(&summary(range.clone(), want));
                for f in [
                    Field::TotalStoppingTime,
                    Field::StoppingTime,
                    Field::OddSteps,
                ] {
                    let asked = want.contains(f) && !range.is_empty();
                    for key in ["sum_{}", "mean_{}", "max_{}", "max_{}_n"] {
                        let key = key.replace("{}", f.name());
                        assert_eq!(!json[&key].is_null(), asked, "{key} {want:?} {range:?}");
                    }
                }
                let asked = want.max_excursion && !range.is_empty();
                assert_eq!(!json["max_excursion"].is_null(), asked);
            }
        }
    }

    #[test]
    fn maxima_past_64_bits_are_exact_strings() {
        let s = Summary {
            max_excursion: Some(Record {
                n: 7,
                value: u128::MAX,
            }),
            path_records: vec![Record {
                n: 7,
                value: u128::MAX,
            }],
            ..summary(7..8, Want::ALL)
        };
        let json = round_trip(&s);
        assert_eq!(json["max_excursion"], u128::MAX.to_string());
        assert_eq!(json["path_records"][0]["value"], u128::MAX.to_string());
    }

    #[test]
    fn the_command_line_output_reads_back_without_records() {
        let text = r#"{"count":29,"end":"30","max_excursion":"9232","max_excursion_n":"27","max_total_stopping_time":111,"max_total_stopping_time_n":"27","mean_total_stopping_time":14.586206896551724,"start":"1","sum_total_stopping_time":423}"#;
        let s: Summary = serde_json::from_str(text).unwrap();
        assert_eq!(s.total_stopping_time.unwrap().max_n, 27);
        assert_eq!(s.max_excursion.unwrap().value, 9232);
        assert!(s.stopping_time.is_none() && s.path_records.is_empty());
        let half = r#"{"count":1,"start":"1","end":"2","max_stopping_time":0}"#;
        let err = serde_json::from_str::<Summary>(half)
            .unwrap_err()
            .to_string();
        assert!(err.contains("max_stopping_time_n"), "{err}");
    }

    #[test]
    fn records_stats_and_verifications_read_back() {
        let r = Record { n: 27, value: 9232 };
        assert_eq!(round_trip(&r), json!({"n": "27", "value": "9232"}));
        let from_numbers: Record = serde_json::from_str(r#"{"n": 27, "value": 9232}"#).unwrap();
        assert_eq!(from_numbers, r);
        assert!(serde_json::from_str::<Record>(r#"{"n": "-1", "value": 1}"#).is_err());
        let s = summary(1..30, Want::ALL).total_stopping_time.unwrap();
        assert_eq!(
            round_trip(&s),
            json!({"sum": 423, "max": 111, "max_n": "27"})
        );

        let st = crate::stats(27u64).unwrap();
        let json = round_trip(&st);
        assert_eq!(
            json,
            json!({"n": "27", "total_stopping_time": 111, "stopping_time": 96,
                   "stopping_time_shortcut": 59, "odd_steps": 41, "even_steps": 70,
                   "shortcut_steps": 70, "max": "9232", "max_bits": 14,
                   "parity_vector": "1101111101011011101111010011101101111110011110001010100010011100001000"})
        );
        round_trip(&crate::stats("2^500+1".parse::<Value>().unwrap()).unwrap());

        let v = RangeEngine::new()
            .verify(1..100, &RunOptions::default())
            .unwrap();
        assert_eq!(
            round_trip(&v),
            json!({"start": "1", "end": "100", "verified": 99, "followed": 2,
                   "max_value": "9232", "max_value_n": "27",
                   "proved": "every n in [1, 100) reaches 1"})
        );
    }
}
