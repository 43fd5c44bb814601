//! The commands on one start value: `stats` (with or without `--map`), `sequence` and `tree`.

use std::io::Write;

use collatz_core::{
    parse_integer, parse_value, shortcut_trajectory, stats_with_limits, trajectory, tree_levels,
    Limits, Map, MapRun, Outcome, Stats,
};
use serde_json::{json, Value as Json};

use super::Failure;

/// `stats N`: the statistics of one start value under the standard map.
pub(crate) fn stats(
    out: &mut impl Write,
    n: &str,
    json: bool,
    parity: bool,
    max_steps: Option<u64>,
    max_bits: Option<u64>,
) -> Result<(), Failure> {
    let limits = Limits {
        max_steps: max_steps.unwrap_or(u64::MAX),
        max_bits: max_bits.unwrap_or(u64::MAX),
    };
    let n = parse_value(n).map_err(|e| match e {
        collatz_core::Error::Negative { value } => Failure::Message(format!(
            "the start value must be positive, got {value} (negative values need --map, e.g. --map 3x+1)"
        )),
        other => other.into(),
    })?;
    let s = stats_with_limits(n, &limits)?;
    if json {
        return print_stats_json(out, &s, parity);
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

/// The shape of [`Stats`] (collatz_core::shape), without the parity vector unless asked for.
fn print_stats_json(out: &mut impl Write, s: &Stats, parity: bool) -> Result<(), Failure> {
    writeln!(out, "{}", collatz_core::shape::stats_json(s, parity))?;
    Ok(())
}

/// `stats N --map a*x+b`: a run of a generalised map, with cycle detection.
pub(crate) fn map_run(
    out: &mut impl Write,
    n: &str,
    map: &str,
    json: bool,
    max_steps: Option<u64>,
    max_bits: Option<u64>,
) -> Result<(), Failure> {
    let map: Map = map.parse()?;
    let defaults = Limits::default();
    let limits = Limits {
        max_steps: max_steps.unwrap_or(defaults.max_steps),
        max_bits: max_bits.unwrap_or(defaults.max_bits),
    };
    let n = parse_integer(n)?;
    let run = map.run(n, &limits)?;
    print_map_run(out, &map, &run, json)
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

/// `sequence N`: the trajectory, one value a line, written as it is computed.
pub(crate) fn sequence(out: &mut impl Write, n: &str, shortcut: bool) -> Result<(), Failure> {
    let n = parse_value(n)?;
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

/// `tree D`: the levels of the predecessor tree, each written as soon as it is built.
pub(crate) fn tree(
    out: &mut impl Write,
    depth: u32,
    counts: bool,
    max_level_size: usize,
) -> Result<(), Failure> {
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
