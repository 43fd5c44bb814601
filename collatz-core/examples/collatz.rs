//! The `collatz` command line: per-number statistics, trajectories and the predecessor tree.
//!
//! ```text
//! cargo run --release -p collatz-core --example collatz -- stats 27 --json
//! cargo run --release -p collatz-core --example collatz -- sequence 2^100+1 --shortcut
//! cargo run --release -p collatz-core --example collatz -- stats -17 --map 3x+1
//! cargo run --release -p collatz-core --example collatz -- tree 20 --counts
//! ```
//!
//! Start values may be written in digits or as expressions: `2^500+1`, `3^300`, `1e9`.
//! Errors print one line on stderr and exit with status 1 (bad computation input) or 2
//! (bad command line).

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use collatz_core::range::{Progress, RangeEngine, Record, RunOptions, Summary, Want};
use collatz_core::{
    parse_integer, parse_value, shortcut_trajectory, stats_with_limits, trajectory, tree_levels,
    Limits, Map, MapRun, Outcome, Stats,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value as Json};

#[derive(Parser)]
#[command(name = "collatz", version, about = "Exact Collatz (3x+1) computations")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Statistics of one start value: total stopping time, stopping time, odd/even steps, maximum.
    Stats {
        /// Start value: digits or an expression such as 2^500+1 (negative only with --map).
        #[arg(allow_hyphen_values = true)]
        n: String,
        /// Print exactly one JSON object.
        #[arg(long)]
        json: bool,
        /// Run a generalised map a*x+b (3x+1, 5x+1, 3x-1, ...) with cycle detection.
        #[arg(long)]
        map: Option<String>,
        /// Include the parity vector of the shortcut trajectory.
        #[arg(long)]
        parity: bool,
        /// Stop after this many steps [default: unlimited for 3x+1, 10000000 with --map].
        #[arg(long)]
        max_steps: Option<u64>,
        /// Stop once a value has more bits than this [default: unlimited for 3x+1, 10000 with --map].
        #[arg(long)]
        max_bits: Option<u64>,
    },
    /// Print a trajectory, one value a line, as it is computed.
    Sequence {
        /// Start value: digits or an expression such as 2^500+1.
        n: String,
        /// Use the shortcut map T(n) = (3n+1)/2 for odd n.
        #[arg(long)]
        shortcut: bool,
    },
    /// Analyse every start value in [A, B): sums, extremes, records, histogram.
    Range {
        #[command(flatten)]
        span: Span,
        /// Include the delay, path and glide records.
        #[arg(long)]
        records: bool,
        /// Include the histogram of total stopping times.
        #[arg(long)]
        histogram: bool,
        /// Start values per chunk of parallel work.
        #[arg(long, default_value_t = 1 << 18)]
        chunk: u64,
    },
    /// Verify that every start value in [A, B) reaches 1, given all smaller values do.
    Verify {
        #[command(flatten)]
        span: Span,
    },
    /// Print the levels of the predecessor tree under 1 down to depth D.
    Tree {
        /// Deepest level to print.
        depth: u32,
        /// Print only each level's size.
        #[arg(long)]
        counts: bool,
        /// Refuse to build a level of more values than this.
        #[arg(long, default_value_t = 10_000_000)]
        max_level_size: usize,
    },
}

/// The arguments `range` and `verify` share.
#[derive(clap::Args)]
struct Span {
    /// First start value (digits, 2^40, 1e9, ...).
    a: String,
    /// One past the last start value.
    b: String,
    /// Worker threads [default: one per core].
    #[arg(long)]
    threads: Option<usize>,
    /// Print exactly one JSON object.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string().replace('\n', " ");
        eprintln!("error: internal error (please report): {msg}");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
                || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // clap's message is several lines (error, usage, hint): keep the error part, on one line
            let text = e.render().to_string();
            let message: Vec<&str> = text
                .lines()
                .take_while(|l| !l.is_empty() && !l.starts_with("Usage:"))
                .map(str::trim)
                .collect();
            eprintln!("{} (try --help)", message.join(" "));
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = run(cli.command, &mut out).and_then(|()| out.flush().map_err(Failure::from));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Message(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
    }
}

enum Failure {
    BrokenPipe,
    Message(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Message(e.to_string())
        }
    }
}

impl From<collatz_core::Error> for Failure {
    fn from(e: collatz_core::Error) -> Self {
        Failure::Message(e.to_string())
    }
}

fn run(command: Command, out: &mut impl Write) -> Result<(), Failure> {
    match command {
        Command::Stats {
            n,
            json,
            map,
            parity,
            max_steps,
            max_bits,
        } => match map {
            None => {
                let limits = Limits {
                    max_steps: max_steps.unwrap_or(u64::MAX),
                    max_bits: max_bits.unwrap_or(u64::MAX),
                };
                let n = parse_value(&n).map_err(|e| match e {
                    collatz_core::Error::Negative { value } => Failure::Message(format!(
                        "the start value must be positive, got {value} (negative values need --map, e.g. --map 3x+1)"
                    )),
                    other => other.into(),
                })?;
                let s = stats_with_limits(n, &limits)?;
                print_stats(out, &s, json, parity)
            }
            Some(map) => {
                let map: Map = map.parse()?;
                let defaults = Limits::default();
                let limits = Limits {
                    max_steps: max_steps.unwrap_or(defaults.max_steps),
                    max_bits: max_bits.unwrap_or(defaults.max_bits),
                };
                let n = parse_integer(&n)?;
                let run = map.run(n, &limits)?;
                print_map_run(out, &map, &run, json)
            }
        },
        Command::Sequence { n, shortcut } => {
            let n = parse_value(&n)?;
            let values = if shortcut {
                shortcut_trajectory(n)?
            } else {
                trajectory(n)?
            };
            for v in values {
                writeln!(out, "{v}")?;
            }
            Ok(())
        }
        Command::Range {
            span:
                Span {
                    a,
                    b,
                    threads,
                    json,
                },
            records,
            histogram,
            chunk,
        } => {
            let want = Want {
                total_stopping_time: true,
                stopping_time: true,
                odd_steps: false,
                max_excursion: true,
            };
            let summary = with_progress(&a, &b, threads, chunk, |range, opts| {
                RangeEngine::new().summary(range, want, opts)
            })?;
            print_summary(out, &summary, json, records, histogram)
        }
        Command::Verify {
            span:
                Span {
                    a,
                    b,
                    threads,
                    json,
                },
        } => {
            let clock = std::time::Instant::now();
            let v = with_progress(&a, &b, threads, 1 << 26, |range, opts| {
                RangeEngine::new().verify(range, opts)
            })?;
            let secs = clock.elapsed().as_secs_f64();
            let rate = v.verified as f64 / secs.max(1e-9);
            if json {
                let obj = json!({
                    "start": v.start.to_string(),
                    "end": v.end.to_string(),
                    "verified": v.verified,
                    "followed": v.followed,
                    "max_value": v.max_value.to_string(),
                    "max_value_n": v.max_value_n.to_string(),
                    "seconds": secs,
                    "rate_per_second": rate,
                });
                writeln!(out, "{obj}")?;
            } else {
                writeln!(
                    out,
                    "verified               {} start values in [{}, {})",
                    v.verified, v.start, v.end
                )?;
                writeln!(
                    out,
                    "followed               {} (the rest removed by the sieves)",
                    v.followed
                )?;
                writeln!(
                    out,
                    "highest value met      {} (from n = {})",
                    v.max_value, v.max_value_n
                )?;
                writeln!(
                    out,
                    "time                   {secs:.3} s, {rate:.3e} numbers/s"
                )?;
            }
            Ok(())
        }
        Command::Tree {
            depth,
            counts,
            max_level_size,
        } => {
            for level in tree_levels(depth).with_max_level_size(max_level_size) {
                let level = level?;
                if counts {
                    writeln!(out, "{}\t{}", level.depth, level.values.len())?;
                } else {
                    write!(out, "{}\t{}\t", level.depth, level.values.len())?;
                    for (i, v) in level.values.iter().enumerate() {
                        let sep = if i == 0 { "" } else { " " };
                        write!(out, "{sep}{v}")?;
                    }
                    writeln!(out)?;
                }
                out.flush()?;
            }
            Ok(())
        }
    }
}

fn print_stats(out: &mut impl Write, s: &Stats, json: bool, parity: bool) -> Result<(), Failure> {
    if json {
        let mut obj = json!({
            "n": s.n.to_string(),
            "total_stopping_time": s.total_stopping_time,
            "stopping_time": s.stopping_time,
            "stopping_time_shortcut": s.stopping_time_shortcut,
            "odd_steps": s.odd_steps,
            "even_steps": s.even_steps,
            "shortcut_steps": s.shortcut_steps(),
            "max": s.max.to_string(),
            "max_bits": s.max.bits(),
        });
        if parity {
            obj["parity_vector"] = Json::String(s.parity_vector.to_string());
        }
        writeln!(out, "{obj}")?;
        return Ok(());
    }
    writeln!(out, "n                      {}", short(&s.n))?;
    writeln!(out, "total stopping time    {}", s.total_stopping_time)?;
    writeln!(out, "stopping time (glide)  {}", s.stopping_time)?;
    writeln!(out, "odd (3n+1) steps       {}", s.odd_steps)?;
    writeln!(out, "even (n/2) steps       {}", s.even_steps)?;
    writeln!(
        out,
        "maximum excursion      {}, {} bits",
        short(&s.max),
        s.max.bits()
    )?;
    if parity {
        writeln!(out, "parity vector          {}", s.parity_vector)?;
    }
    Ok(())
}

fn print_map_run(out: &mut impl Write, map: &Map, r: &MapRun, json: bool) -> Result<(), Failure> {
    let reached = r.outcome == Outcome::ReachedOne;
    if json {
        let mut obj = json!({
            "n": r.n.to_string(),
            "map": map.to_string(),
            "outcome": r.outcome.name(),
            "total_stopping_time": if reached { Json::from(r.steps) } else { Json::Null },
            "stopping_time": r.stopping_time,
            "odd_steps": r.odd_steps,
            "even_steps": r.even_steps,
            "steps": r.steps,
            "max": r.max.to_string(),
        });
        if let Outcome::Cycle {
            min,
            least_abs,
            length,
            entered_after,
        } = &r.outcome
        {
            obj["cycle"] = json!({
                "min": min.to_string(),
                "least_abs": least_abs.to_string(),
                "length": length,
                "entered_after": entered_after,
            });
        }
        writeln!(out, "{obj}")?;
        return Ok(());
    }
    writeln!(out, "n                      {}", short(&r.n))?;
    writeln!(out, "map                    {map}")?;
    match &r.outcome {
        Outcome::ReachedOne => writeln!(out, "outcome                reached 1 after {} steps", r.steps)?,
        Outcome::Cycle {
            min,
            least_abs,
            length,
            entered_after,
        } => writeln!(
            out,
            "outcome                cycle of {least_abs} (length {length}, min {min}), entered after {entered_after} steps"
        )?,
        Outcome::StepLimit => writeln!(out, "outcome                step limit reached after {} steps", r.steps)?,
        Outcome::BitLimit => writeln!(
            out,
            "outcome                bit-length limit reached after {} steps (diverging?)",
            r.steps
        )?,
    }
    match r.stopping_time {
        Some(t) => writeln!(out, "stopping time          {t}")?,
        None => writeln!(out, "stopping time          never fell below |n|")?,
    }
    writeln!(out, "odd steps              {}", r.odd_steps)?;
    writeln!(out, "even steps             {}", r.even_steps)?;
    writeln!(
        out,
        "maximum |value|        {}, {} bits",
        short(&r.max),
        r.max.bits()
    )?;
    Ok(())
}

/// A number for human eyes: in full up to 60 digits, abbreviated beyond (`--json` is exact).
fn short(v: &impl std::fmt::Display) -> String {
    let s = v.to_string();
    let digits = s.trim_start_matches('-').len();
    if digits <= 60 {
        return s;
    }
    format!(
        "{}...{} ({digits} digits)",
        &s[..s.len() - digits + 20],
        &s[s.len() - 20..]
    )
}

fn parse_u64(s: &str) -> Result<u64, Failure> {
    let v = parse_value(s)?;
    v.as_u64()
        .ok_or_else(|| Failure::Message(format!("{s} is past 2^64: ranges take u64 start values")))
}

/// Parses [A, B), runs `f` with a progress bar on stderr for long runs (when stderr is a
/// terminal), and clears the bar.
fn with_progress<T>(
    a: &str,
    b: &str,
    threads: Option<usize>,
    chunk_size: u64,
    f: impl FnOnce(std::ops::Range<u64>, &RunOptions) -> collatz_core::Result<T>,
) -> Result<T, Failure> {
    let (a, b) = (parse_u64(a)?, parse_u64(b)?);
    let bar = progress_bar(b.saturating_sub(a));
    let update = |done: u64, _total: u64| {
        if let Some(bar) = &bar {
            bar.set_position(done);
        }
    };
    let opts = RunOptions {
        threads,
        chunk_size,
        progress: bar.is_some().then_some(&update as Progress),
        cancel: None,
    };
    let result = f(a..b, &opts);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    Ok(result?)
}

/// A progress bar on stderr for long runs, only when stderr is a terminal.
fn progress_bar(total: u64) -> Option<ProgressBar> {
    use std::io::IsTerminal;
    if total < 50_000_000 || !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {percent:>3}% {human_pos}/{human_len} [{elapsed} < {eta}]",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

fn records_json(records: &[Record], value_as_string: bool) -> Json {
    Json::Array(
        records
            .iter()
            .map(|r| {
                let value = if value_as_string {
                    Json::String(r.value.to_string())
                } else {
                    json!(r.value as u64)
                };
                json!({"n": r.n.to_string(), "value": value})
            })
            .collect(),
    )
}

fn print_summary(
    out: &mut impl Write,
    s: &Summary,
    json: bool,
    records: bool,
    histogram: bool,
) -> Result<(), Failure> {
    let tst = s.total_stopping_time;
    let glide = s.stopping_time;
    let top = s.max_excursion;
    if json {
        let mut obj = json!({
            "start": s.start.to_string(),
            "end": s.end.to_string(),
            "count": s.count,
            "sum_total_stopping_time": tst.map(|t| t.sum),
            "mean_total_stopping_time": tst.map(|t| t.mean(s.count)),
            "max_total_stopping_time": tst.map(|t| t.max),
            "max_total_stopping_time_n": tst.map(|t| t.max_n.to_string()),
            "max_stopping_time": glide.map(|g| g.max),
            "max_stopping_time_n": glide.map(|g| g.max_n.to_string()),
            "max_excursion": top.map(|r| r.value.to_string()),
            "max_excursion_n": top.map(|r| r.n.to_string()),
        });
        if records {
            obj["delay_records"] = records_json(&s.delay_records, false);
            obj["path_records"] = records_json(&s.path_records, true);
            obj["glide_records"] = records_json(&s.glide_records, false);
        }
        if histogram {
            obj["histogram"] = json!(s.histogram);
        }
        writeln!(out, "{obj}")?;
        return Ok(());
    }
    writeln!(out, "range                  [{}, {})", s.start, s.end)?;
    writeln!(out, "count                  {}", s.count)?;
    if let Some(t) = tst {
        writeln!(out, "sum of stopping times  {}", t.sum)?;
        writeln!(out, "mean                   {:.4}", t.mean(s.count))?;
        writeln!(
            out,
            "longest                {} steps at n = {}",
            t.max, t.max_n
        )?;
    }
    if let Some(g) = glide {
        writeln!(
            out,
            "longest glide          {} steps at n = {}",
            g.max, g.max_n
        )?;
    }
    if let Some(r) = top {
        writeln!(out, "highest excursion      {} at n = {}", r.value, r.n)?;
    }
    if records {
        for (name, list) in [
            ("delay records (n: steps)", &s.delay_records),
            ("path records (n: maximum)", &s.path_records),
            ("glide records (n: glide)", &s.glide_records),
        ] {
            writeln!(out, "{name}, {} found:", list.len())?;
            for r in list {
                writeln!(out, "  {:>20}  {}", r.n, r.value)?;
            }
        }
    }
    if histogram {
        writeln!(out, "histogram (steps: count):")?;
        for (t, c) in s.histogram.iter().enumerate().filter(|(_, c)| **c > 0) {
            writeln!(out, "  {t:>5}  {c}")?;
        }
    }
    Ok(())
}
