//! [`Summary`]: counts, sums, extremes, the histogram and the records of a range, merged
//! associatively so that any split into chunks and any thread count give the same result.
//!
//! When it runs: the chunks of a summary each make one (the general and dense paths through
//! [`Acc`], the summary path directly), and the pipeline merges them in order of n. What it
//! costs: a merge per chunk, in time proportional to the histogram and the records.

use serde::{Deserialize, Serialize};

use super::follow::Out;
use super::Want;

/// A record: a start value whose statistic beats every smaller start value of the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "crate::shape::RecordShape", from = "crate::shape::RecordShape")]
pub struct Record {
    /// The start value.
    pub n: u64,
    /// Its statistic (steps, or the maximum excursion).
    pub value: u128,
}

/// Sum and maximum of one step-count statistic over a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    into = "crate::shape::StatSummaryShape",
    from = "crate::shape::StatSummaryShape"
)]
pub struct StatSummary {
    /// Sum over the range.
    pub sum: u64,
    /// Largest value.
    pub max: u32,
    /// The first n with the largest value.
    pub max_n: u64,
}

impl StatSummary {
    /// Mean over `count` values.
    pub fn mean(&self, count: u64) -> f64 {
        if count == 0 {
            0.0
        } else {
            self.sum as f64 / count as f64
        }
    }

    fn merge(self, later: Self) -> Self {
        StatSummary {
            sum: self.sum + later.sum,
            max: self.max.max(later.max),
            max_n: if later.max > self.max {
                later.max_n
            } else {
                self.max_n
            },
        }
    }
}

/// Everything [`RangeEngine::summary`](super::RangeEngine::summary) reports about [a, b).
///
/// Records follow the OEIS conventions when a = 1: `delay_records` are A006877 (holders) with
/// A006878 (steps), `path_records` A006884 with A006885 (maxima), and `glide_records` A060412
/// with A217934 (glides, in C-steps). For a > 1 they are the records of the range alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    into = "crate::shape::SummaryShape",
    try_from = "crate::shape::SummaryShape"
)]
pub struct Summary {
    /// First start value.
    pub start: u64,
    /// One past the last start value.
    pub end: u64,
    /// Number of start values (end - start).
    pub count: u64,
    /// Total stopping times, if requested.
    pub total_stopping_time: Option<StatSummary>,
    /// Stopping times (glides), if requested.
    pub stopping_time: Option<StatSummary>,
    /// Odd steps, if requested.
    pub odd_steps: Option<StatSummary>,
    /// The largest maximum excursion and the first n that reaches it, if requested.
    pub max_excursion: Option<Record>,
    /// `histogram[t]` = how many n in the range have total stopping time t.
    pub histogram: Vec<u64>,
    /// Delay records (total stopping time), in increasing n.
    pub delay_records: Vec<Record>,
    /// Path records (maximum excursion), in increasing n.
    pub path_records: Vec<Record>,
    /// Glide records (stopping time), in increasing n.
    pub glide_records: Vec<Record>,
}

impl Summary {
    /// Which statistics the summary holds (total stopping time, stopping time, odd steps,
    /// maximum excursion): summaries merge only with the same.
    pub(crate) fn fields(&self) -> [bool; 4] {
        [
            self.total_stopping_time.is_some(),
            self.stopping_time.is_some(),
            self.odd_steps.is_some(),
            self.max_excursion.is_some(),
        ]
    }

    /// Whether `later` may follow this summary: the same statistics, or either one empty.
    pub(crate) fn merges_with(&self, later: &Summary) -> bool {
        self.count == 0 || later.count == 0 || self.fields() == later.fields()
    }

    pub(crate) fn empty(start: u64) -> Self {
        Summary {
            start,
            end: start,
            count: 0,
            total_stopping_time: None,
            stopping_time: None,
            odd_steps: None,
            max_excursion: None,
            histogram: Vec::new(),
            delay_records: Vec::new(),
            path_records: Vec::new(),
            glide_records: Vec::new(),
        }
    }

    /// Appends the summary of the start values that follow this one's.
    pub(crate) fn merge(mut self, later: Summary) -> Summary {
        // (a part may hold no start values of its own yet span some: the odd n of a chunk
        // of one even n)
        if later.count == 0 {
            self.end = self.end.max(later.end);
            return self;
        }
        if self.count == 0 {
            return Summary {
                start: self.start.min(later.start),
                ..later
            };
        }
        debug_assert_eq!(self.end, later.start);
        let best_delay = self.total_stopping_time.map(|s| s.max as u128);
        let best_glide = self.stopping_time.map(|s| s.max as u128);
        let best_path = self.max_excursion.map(|r| r.value);
        extend_records(&mut self.delay_records, later.delay_records, best_delay);
        extend_records(&mut self.glide_records, later.glide_records, best_glide);
        extend_records(&mut self.path_records, later.path_records, best_path);
        self.total_stopping_time = merge_opt(self.total_stopping_time, later.total_stopping_time);
        self.stopping_time = merge_opt(self.stopping_time, later.stopping_time);
        self.odd_steps = merge_opt(self.odd_steps, later.odd_steps);
        self.max_excursion = match (self.max_excursion, later.max_excursion) {
            (Some(a), Some(b)) => Some(if b.value > a.value { b } else { a }),
            (a, b) => a.or(b),
        };
        if self.histogram.len() < later.histogram.len() {
            self.histogram.resize(later.histogram.len(), 0);
        }
        for (h, l) in self.histogram.iter_mut().zip(&later.histogram) {
            *h += l;
        }
        self.count += later.count;
        self.end = later.end;
        self
    }
}

/// The hot accumulator of one chunk: plain fields, no `Option`s, turned into a [`Summary`]
/// when the chunk is done.
pub(crate) struct Acc {
    start: u64,
    count: u64,
    tst: Stat,
    glide: Stat,
    odd: Stat,
    max: u128,
    max_n: u64,
    histogram: Vec<u64>,
    delay_records: Vec<Record>,
    path_records: Vec<Record>,
    glide_records: Vec<Record>,
}

#[derive(Clone, Copy)]
struct Stat {
    sum: u64,
    /// -1 before the first value, so that the first value is a record
    max: i64,
    max_n: u64,
}

impl Stat {
    const EMPTY: Stat = Stat {
        sum: 0,
        max: -1,
        max_n: 0,
    };

    /// Adds v for n; true when it is a new maximum (a record).
    #[inline(always)]
    fn add(&mut self, n: u64, v: u32) -> bool {
        self.sum += v as u64;
        if v as i64 > self.max {
            self.max = v as i64;
            self.max_n = n;
            true
        } else {
            false
        }
    }

    fn finish(&self) -> StatSummary {
        StatSummary {
            sum: self.sum,
            max: self.max.max(0) as u32,
            max_n: self.max_n,
        }
    }
}

impl Acc {
    pub(crate) fn new(start: u64) -> Self {
        Acc {
            start,
            count: 0,
            tst: Stat::EMPTY,
            glide: Stat::EMPTY,
            odd: Stat::EMPTY,
            max: 0,
            max_n: 0,
            histogram: vec![0; 512],
            delay_records: Vec::new(),
            path_records: Vec::new(),
            glide_records: Vec::new(),
        }
    }

    /// Adds start value `n` (the one after the last added).
    #[inline(always)]
    pub(crate) fn push(&mut self, n: u64, out: &Out, want: &Want) {
        if want.total_stopping_time {
            if self.tst.add(n, out.tst) {
                self.delay_records.push(Record {
                    n,
                    value: out.tst as u128,
                });
            }
            let t = out.tst as usize;
            if t >= self.histogram.len() {
                self.histogram.resize(t + 1, 0);
            }
            self.histogram[t] += 1;
        }
        if want.stopping_time && self.glide.add(n, out.glide) {
            self.glide_records.push(Record {
                n,
                value: out.glide as u128,
            });
        }
        if want.odd_steps {
            self.odd.add(n, out.odd);
        }
        if want.max_excursion && out.max > self.max {
            self.max = out.max;
            self.max_n = n;
            self.path_records.push(Record { n, value: out.max });
        }
    }

    /// [`Acc::push`] of total stopping time, glide and maximum, unconditionally (the fast
    /// path; `finish` drops what was not wanted).
    #[inline(always)]
    pub(crate) fn push3(&mut self, n: u64, tst: u32, glide: u32, max: u128) {
        self.push_tst(n, tst);
        if self.glide.add(n, glide) {
            self.glide_records.push(Record {
                n,
                value: glide as u128,
            });
        }
        self.push_max(n, max);
    }

    /// Adds a total stopping time only (the other statistics are added in bulk).
    #[inline(always)]
    pub(crate) fn push_tst(&mut self, n: u64, tst: u32) {
        if self.tst.add(n, tst) {
            self.delay_records.push(Record {
                n,
                value: tst as u128,
            });
        }
        let t = tst as usize;
        if t >= self.histogram.len() {
            self.histogram.resize(t + 1, 0);
        }
        self.histogram[t] += 1;
    }

    /// Adds `count` glides all equal to `glide`, the first at n = `first`.
    pub(crate) fn push_glides(&mut self, first: u64, glide: u32, count: u64) {
        if count > 0 {
            if self.glide.add(first, glide) {
                self.glide_records.push(Record {
                    n: first,
                    value: glide as u128,
                });
            }
            self.glide.sum += glide as u64 * (count - 1);
        }
    }

    /// Adds a maximum excursion (or the maximum before the drop).
    #[inline(always)]
    pub(crate) fn push_max(&mut self, n: u64, max: u128) {
        if max > self.max {
            self.max = max;
            self.max_n = n;
            self.path_records.push(Record { n, value: max });
        }
    }

    /// The summary of the `count` start values added.
    pub(crate) fn finish(mut self, count: u64, want: &Want) -> Summary {
        self.count = count;
        if !want.total_stopping_time {
            self.delay_records.clear();
            self.histogram.clear();
        }
        if !want.stopping_time {
            self.glide_records.clear();
        }
        if !want.max_excursion {
            self.path_records.clear();
        }
        let some = |w: bool, s: &Stat| (w && count > 0).then(|| s.finish());
        if let Some(last) = self.histogram.iter().rposition(|&c| c > 0) {
            self.histogram.truncate(last + 1);
        } else {
            self.histogram.clear();
        }
        Summary {
            start: self.start,
            end: self.start + count,
            count,
            total_stopping_time: some(want.total_stopping_time, &self.tst),
            stopping_time: some(want.stopping_time, &self.glide),
            odd_steps: some(want.odd_steps, &self.odd),
            max_excursion: (want.max_excursion && count > 0).then_some(Record {
                n: self.max_n,
                value: self.max,
            }),
            histogram: self.histogram,
            delay_records: self.delay_records,
            path_records: self.path_records,
            glide_records: self.glide_records,
        }
    }
}

/// Combines summaries of interleaved subsets (residue classes) of the same chunk
/// [start, end), each holding its own class's prefix maxima as records.
pub(crate) fn merge_interleaved(start: u64, end: u64, parts: Vec<Summary>) -> Summary {
    let mut out = Summary::empty(start);
    out.end = end;
    let pick = |stats: &mut dyn Iterator<Item = StatSummary>| -> Option<StatSummary> {
        let mut acc: Option<StatSummary> = None;
        for s in stats {
            acc = Some(match acc {
                None => s,
                Some(a) => StatSummary {
                    sum: a.sum + s.sum,
                    max: a.max.max(s.max),
                    max_n: match s.max.cmp(&a.max) {
                        std::cmp::Ordering::Greater => s.max_n,
                        std::cmp::Ordering::Equal => a.max_n.min(s.max_n),
                        std::cmp::Ordering::Less => a.max_n,
                    },
                },
            });
        }
        acc
    };
    out.total_stopping_time = pick(&mut parts.iter().filter_map(|p| p.total_stopping_time));
    out.stopping_time = pick(&mut parts.iter().filter_map(|p| p.stopping_time));
    out.odd_steps = pick(&mut parts.iter().filter_map(|p| p.odd_steps));
    for p in &parts {
        out.count += p.count;
        if out.histogram.len() < p.histogram.len() {
            out.histogram.resize(p.histogram.len(), 0);
        }
        for (h, c) in out.histogram.iter_mut().zip(&p.histogram) {
            *h += c;
        }
        if let Some(m) = p.max_excursion {
            out.max_excursion = Some(match out.max_excursion {
                Some(o) if o.value > m.value || (o.value == m.value && o.n < m.n) => o,
                _ => m,
            });
        }
    }
    let interleave = |lists: Vec<&Vec<Record>>| {
        interleave_records(lists.into_iter().flatten().copied().collect())
    };
    out.delay_records = interleave(parts.iter().map(|p| &p.delay_records).collect());
    out.path_records = interleave(parts.iter().map(|p| &p.path_records).collect());
    out.glide_records = interleave(parts.iter().map(|p| &p.glide_records).collect());
    out
}

/// The summary of the even start values 2m for m in [a, b), from `half`, the summary of
/// [a, b) (from a = 1's conventions): 2m takes one step to m, so its total stopping time is
/// one more than m's, its glide is 1 and its odd steps are m's. Its maximum before the drop
/// is 2m itself, which the odd 2m - 1 beats: only the first even can be a path record, as
/// only the first can be a glide record. The delay records are m's, doubled.
pub(crate) fn evens_of(half: &Summary) -> Summary {
    let first = 2 * half.start;
    let twice = |s: StatSummary| StatSummary {
        max_n: 2 * s.max_n,
        ..s
    };
    let histogram = if half.histogram.is_empty() {
        Vec::new()
    } else {
        std::iter::once(0)
            .chain(half.histogram.iter().copied())
            .collect()
    };
    Summary {
        start: first,
        end: 2 * half.end - 1,
        count: half.count,
        total_stopping_time: half.total_stopping_time.map(|s| StatSummary {
            sum: s.sum + half.count,
            max: s.max + 1,
            max_n: 2 * s.max_n,
        }),
        stopping_time: half.stopping_time.map(|_| StatSummary {
            sum: half.count,
            max: 1,
            max_n: first,
        }),
        odd_steps: half.odd_steps.map(twice),
        max_excursion: half.max_excursion.map(|_| Record {
            n: first,
            value: first as u128,
        }),
        histogram,
        delay_records: half
            .delay_records
            .iter()
            .map(|r| Record {
                n: 2 * r.n,
                value: r.value + 1,
            })
            .collect(),
        path_records: half
            .max_excursion
            .map(|_| Record {
                n: first,
                value: first as u128,
            })
            .into_iter()
            .collect(),
        glide_records: half
            .stopping_time
            .map(|_| Record { n: first, value: 1 })
            .into_iter()
            .collect(),
    }
}

/// Records of a chunk from its classes' prefix maxima: sorted by n, each kept only if it
/// beats every earlier one.
pub(crate) fn interleave_records(mut all: Vec<Record>) -> Vec<Record> {
    all.sort_unstable_by_key(|r| r.n);
    let mut best: Option<u128> = None;
    all.retain(|r| {
        let keep = best.is_none_or(|b| r.value > b);
        if keep {
            best = Some(r.value);
        }
        keep
    });
    all
}

fn merge_opt(a: Option<StatSummary>, b: Option<StatSummary>) -> Option<StatSummary> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.merge(b)),
        (a, b) => a.or(b),
    }
}

/// A later chunk's records count only where they beat everything before the chunk.
fn extend_records(into: &mut Vec<Record>, later: Vec<Record>, best_before: Option<u128>) {
    into.extend(
        later
            .into_iter()
            .filter(|r| best_before.is_none_or(|b| r.value > b)),
    );
}
