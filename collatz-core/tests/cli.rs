//! The `collatz` binary (feature `cli`), run as a user runs it, and `--example collatz`, the
//! same program under its old name. Run with `cargo test -p collatz-core --features cli`.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use collatz_core::range::{RangeEngine, RunOptions, Want};
use common::{load, oracle};
use serde_json::Value as Json;

/// The binary that cargo built for this test.
fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_collatz"))
}

/// Builds `--example collatz` without the `cli` feature, as old scripts do, and returns its
/// path.
fn example() -> &'static PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "--quiet",
                "-p",
                "collatz-core",
                "--example",
                "collatz",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the collatz example failed");
        // the binary lives in target/<profile>/; the example in target/debug/examples
        let target = binary().parent().unwrap().parent().unwrap();
        let bin = target.join("debug/examples/collatz");
        assert!(bin.exists(), "{} missing", bin.display());
        bin
    })
}

fn run(args: &[&str]) -> Output {
    Command::new(binary()).args(args).output().unwrap()
}

fn json(args: &[&str]) -> Json {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "exactly one JSON object: {text}");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn stats_27() {
    let j = json(&["stats", "27", "--json"]);
    assert_eq!(j["n"], "27");
    assert_eq!(j["total_stopping_time"], 111);
    assert_eq!(j["stopping_time"], 96);
    assert_eq!(j["odd_steps"], 41);
    assert_eq!(j["even_steps"], 70);
    assert_eq!(j["max"], "9232");
}

#[test]
fn stats_json_matches_reference_files() {
    let total = load("A006577");
    let even = load("A006666");
    let odd = load("A006667");
    let max = load("A025586");
    let glide = load("A102419");
    // one process per value: a spread sample of the 10,000 rows, plus the first 50
    for i in (0..total.len()).filter(|i| i % 53 == 0 || *i < 50) {
        let n = total[i].0.to_string();
        let j = json(&["stats", &n, "--json"]);
        assert_eq!(j["n"], n.as_str());
        assert_eq!(
            j["total_stopping_time"].to_string(),
            total[i].1.to_string(),
            "n={n}"
        );
        assert_eq!(j["even_steps"].to_string(), even[i].1.to_string(), "n={n}");
        assert_eq!(j["odd_steps"].to_string(), odd[i].1.to_string(), "n={n}");
        assert_eq!(
            j["stopping_time"].to_string(),
            glide[i].1.to_string(),
            "n={n}"
        );
        assert_eq!(j["max"], max[i].1.to_string().as_str(), "n={n}");
    }
}

#[test]
fn stats_json_matches_the_oracle_for_large_values() {
    for (expr, digits) in [
        ("2^500+1", "3273390607896141870013189696827599152216642046043064789483291368096133796404674554883270092325904157150886684127560071009217256545885393053328527589377"),
        ("3^300", "136891479058588375991326027382088315966463695625337436471480190078368997177499076593800206155688941388250484440597994042813512732765695774566001"),
    ] {
        let j = json(&["stats", expr, "--json"]);
        assert_eq!(j["n"], digits);
        let (total, odd, even, glide, max) = oracle(digits);
        assert_eq!(j["total_stopping_time"], total);
        assert_eq!(j["odd_steps"], odd);
        assert_eq!(j["even_steps"], even);
        assert_eq!(j["stopping_time"], glide);
        assert_eq!(j["max"], max.as_str());
    }
}

#[test]
fn generalised_maps() {
    // 3x+1 on the negatives: the three known cycles
    for (start, least, len) in [
        ("-1", "-1", 2),
        ("-5", "-5", 5),
        ("-17", "-17", 18),
        ("-40", "-5", 5),
        ("-100", "-17", 18),
    ] {
        let j = json(&["stats", start, "--map", "3x+1", "--json"]);
        assert_eq!(j["outcome"], "cycle", "{start}");
        assert_eq!(j["cycle"]["least_abs"], least, "{start}");
        assert_eq!(j["cycle"]["length"], len, "{start}");
        assert_eq!(j["total_stopping_time"], Json::Null);
    }
    // 5x+1 from 7 grows until the bit limit
    let j = json(&["stats", "7", "--map", "5x+1", "--max-bits", "500", "--json"]);
    assert_eq!(j["outcome"], "bit_limit");
    assert!(j["steps"].as_u64().unwrap() > 100);
    let j = json(&[
        "stats",
        "7",
        "--map",
        "5x+1",
        "--max-steps",
        "1000",
        "--json",
    ]);
    assert_eq!(j["outcome"], "step_limit");
    assert_eq!(j["steps"], 1000);
    // 3x-1: cycles through 5 and 17, and 1
    for (start, least, len) in [("5", "5", 5), ("17", "17", 18), ("34", "17", 18)] {
        let j = json(&["stats", start, "--map", "3x-1", "--json"]);
        assert_eq!(j["outcome"], "cycle", "{start}");
        assert_eq!(j["cycle"]["least_abs"], least);
        assert_eq!(j["cycle"]["length"], len);
    }
    assert_eq!(
        json(&["stats", "4", "--map", "3x-1", "--json"])["outcome"],
        "reached_one"
    );
    // the standard map through --map agrees with plain stats
    let j = json(&["stats", "27", "--map", "3x+1", "--json"]);
    assert_eq!(j["outcome"], "reached_one");
    assert_eq!(j["total_stopping_time"], 111);
    assert_eq!(j["max"], "9232");
}

#[test]
fn sequence_prints_the_trajectory() {
    let out = run(&["sequence", "6"]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "6\n3\n10\n5\n16\n8\n4\n2\n1\n"
    );
    let out = run(&["sequence", "6", "--shortcut"]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "6\n3\n5\n8\n4\n2\n1\n"
    );
}

#[test]
fn sequence_streams_a_long_trajectory() {
    // about 145,000 values of up to 20,000 bits: hundreds of megabytes if it were collected
    let mut child = Command::new(binary())
        .args(["sequence", "2^20000+1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.ends_with("09377") && first.len() > 6000,
        "{}",
        &first[..20]
    );
    let second = lines.next().unwrap().unwrap();
    assert!(second.len() >= first.len());
    assert!(
        child.try_wait().unwrap().is_none(),
        "still running while we read"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn tree_counts_match_a005186() {
    let expected = load("A005186");
    let out = run(&["tree", "40", "--counts"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<(u64, String)> = text
        .lines()
        .map(|l| {
            let (d, c) = l.split_once('\t').unwrap();
            (d.parse().unwrap(), c.to_string())
        })
        .collect();
    assert_eq!(rows.len(), 41);
    for (d, count) in rows {
        assert_eq!(count, expected[d as usize].1.to_string(), "depth {d}");
    }
    let out = run(&["tree", "7"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().last().unwrap(), "7\t4\t3 20 21 128");
}

#[test]
fn bad_arguments_give_one_line_and_a_non_zero_exit() {
    for args in [
        &["stats"][..],
        &["stats", "abc"],
        &["stats", "0"],
        &["stats", "-5"],
        &["stats", "1.5"],
        &["stats", "2^99999999"],
        &["stats", "7", "--map", "4x+1"],
        &["stats", "7", "--map", "banana"],
        &["stats", "27", "--max-steps", "5"],
        &["sequence", "0"],
        &["tree", "-1"],
        &["tree", "60", "--max-level-size", "1000"],
        &["frobnicate"],
        &["stats", "5", "--bogus"],
    ] {
        let out = run(args);
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn range_reports_sums_and_published_records() {
    let j = json(&["range", "1", "1e6", "--records", "--json", "--threads", "2"]);
    assert_eq!(j["count"], 999_999);
    assert_eq!(j["sum_total_stopping_time"], 131_434_272u64);
    assert_eq!(j["max_total_stopping_time"], 524);
    assert_eq!(j["max_total_stopping_time_n"], "837799");
    let as_pairs = |key: &str| -> Vec<(String, String)> {
        j[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let v = &r["value"];
                let v = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                (r["n"].as_str().unwrap().to_string(), v)
            })
            .collect()
    };
    let reference = |holders: &str, values: &str| -> Vec<(String, String)> {
        load(holders)
            .into_iter()
            .zip(load(values))
            .map(|((_, n), (_, v))| (n.to_string(), v.to_string()))
            .filter(|(n, _)| n.parse::<u64>().unwrap() < 1_000_000)
            .collect()
    };
    assert_eq!(as_pairs("delay_records"), reference("A006877", "A006878"));
    let path = reference("A006884", "A006885");
    assert_eq!(as_pairs("path_records"), path);
    let (top_n, top) = path.last().unwrap();
    assert_eq!(j["max_excursion"], top.as_str());
    assert_eq!(j["max_excursion_n"], top_n.as_str());
    // one thread, other chunks: the same object
    let k = json(&[
        "range",
        "1",
        "1e6",
        "--records",
        "--json",
        "--threads",
        "1",
        "--chunk",
        "777",
    ]);
    assert_eq!(j, k);
    // the histogram counts every n once
    let h = json(&["range", "1000", "2000", "--histogram", "--json"]);
    let total: u64 = h["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(total, 1000);
}

#[test]
fn verify_counts_every_value() {
    let j = json(&["verify", "1", "1e5", "--json"]);
    assert_eq!(j["verified"], 99_999);
    let j = json(&["verify", "2^40", "2^40+2^20", "--json", "--threads", "2"]);
    assert_eq!(j["verified"], 1 << 20);
    assert!(j["followed"].as_u64().unwrap() < (1 << 20) / 50);
    for bad in [
        &["verify", "0", "10"][..],
        &["range", "10", "5"],
        &["range", "1", "2^70"],
        &["verify", "2^68+10", "2^68"],
        &["verify", "1", "2^128"],
        &["verify", "2^128", "2^128+1"],
        &["verify", "1", "2^64+1"],
    ] {
        let out = run(bad);
        assert!(!out.status.success(), "{bad:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{bad:?}: {err}");
        assert!(!err.contains("panicked"), "{bad:?}: {err}");
    }
}

#[test]
fn verify_runs_past_2_to_the_64() {
    let j = json(&["verify", "2^68", "2^68+2^16", "--json"]);
    let start = 1u128 << 68;
    assert_eq!(j["start"], start.to_string());
    assert_eq!(j["end"], (start + (1 << 16)).to_string());
    assert_eq!(j["verified"], 1 << 16);
    assert!(j["followed"].as_u64().unwrap() < (1 << 16) / 50);
    let n: u128 = j["max_value_n"].as_str().unwrap().parse().unwrap();
    assert!((start..start + (1 << 16)).contains(&n));
    assert_eq!(
        j["proved"],
        format!(
            "every n in [{start}, {}) reaches 1, provided every n below {start} does",
            start + (1 << 16)
        )
    );
    // the human form names the range
    let out = run(&["verify", "2^64-2^10", "2^64+2^10"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("2048 start values in [18446744073709550592, 18446744073709552640)"));
}

/// Exactly what the command line printed before the binary and the serde shapes (the
/// example of earlier versions): scripts read these bytes.
#[test]
fn json_output_is_unchanged() {
    let stdout = |args: &[&str]| {
        let out = run(args);
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(
        stdout(&["stats", "27", "--json"]),
        r#"{"even_steps":70,"max":"9232","max_bits":14,"n":"27","odd_steps":41,"shortcut_steps":70,"stopping_time":96,"stopping_time_shortcut":59,"total_stopping_time":111}"#.to_string() + "\n"
    );
    assert_eq!(
        stdout(&["stats", "27", "--json", "--parity"]),
        r#"{"even_steps":70,"max":"9232","max_bits":14,"n":"27","odd_steps":41,"parity_vector":"1101111101011011101111010011101101111110011110001010100010011100001000","shortcut_steps":70,"stopping_time":96,"stopping_time_shortcut":59,"total_stopping_time":111}"#.to_string() + "\n"
    );
    assert_eq!(
        stdout(&["range", "1", "30", "--json"]),
        r#"{"count":29,"end":"30","max_excursion":"9232","max_excursion_n":"27","max_stopping_time":96,"max_stopping_time_n":"27","max_total_stopping_time":111,"max_total_stopping_time_n":"27","mean_total_stopping_time":14.586206896551724,"start":"1","sum_total_stopping_time":423}"#.to_string() + "\n"
    );
    assert_eq!(
        stdout(&["range", "1", "30", "--json", "--records", "--histogram"]),
        r#"{"count":29,"delay_records":[{"n":"1","value":0},{"n":"2","value":1},{"n":"3","value":7},{"n":"6","value":8},{"n":"7","value":16},{"n":"9","value":19},{"n":"18","value":20},{"n":"25","value":23},{"n":"27","value":111}],"end":"30","glide_records":[{"n":"1","value":0},{"n":"2","value":1},{"n":"3","value":6},{"n":"7","value":11},{"n":"27","value":96}],"histogram":[1,1,1,1,1,1,1,3,1,2,2,0,1,0,1,2,1,2,2,1,2,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1],"max_excursion":"9232","max_excursion_n":"27","max_stopping_time":96,"max_stopping_time_n":"27","max_total_stopping_time":111,"max_total_stopping_time_n":"27","mean_total_stopping_time":14.586206896551724,"path_records":[{"n":"1","value":"1"},{"n":"2","value":"2"},{"n":"3","value":"16"},{"n":"7","value":"52"},{"n":"15","value":"160"},{"n":"27","value":"9232"}],"start":"1","sum_total_stopping_time":423}"#.to_string() + "\n"
    );
    assert_eq!(
        stdout(&["range", "5", "5", "--json", "--records"]),
        r#"{"count":0,"delay_records":[],"end":"5","glide_records":[],"max_excursion":null,"max_excursion_n":null,"max_stopping_time":null,"max_stopping_time_n":null,"max_total_stopping_time":null,"max_total_stopping_time_n":null,"mean_total_stopping_time":null,"path_records":[],"start":"5","sum_total_stopping_time":null}"#.to_string() + "\n"
    );
    let mut v = json(&["verify", "1", "100", "--json"]);
    assert!(v["seconds"].as_f64().unwrap() >= 0.0);
    assert!(v["rate_per_second"].as_f64().unwrap() > 0.0);
    let obj = v.as_object_mut().unwrap();
    obj.remove("seconds");
    obj.remove("rate_per_second");
    assert_eq!(
        v.to_string(),
        r#"{"end":"100","followed":2,"max_value":"9232","max_value_n":"27","proved":"every n in [1, 100) reaches 1","start":"1","verified":99}"#
    );
}

/// `range --json` is the library's serde shape of the summary, less the keys it never printed.
#[test]
fn range_json_is_the_summary_shape() {
    let want = Want {
        odd_steps: false,
        ..Want::ALL
    };
    let s = RangeEngine::new()
        .summary(1000..5000, want, &RunOptions::default())
        .unwrap();
    let mut shape = serde_json::to_value(&s).unwrap();
    let printed = json(&[
        "range",
        "1000",
        "5000",
        "--json",
        "--records",
        "--histogram",
    ]);
    let obj = shape.as_object_mut().unwrap();
    for key in printed.as_object().unwrap().keys() {
        assert!(obj.contains_key(key), "{key} is not in the shape");
    }
    obj.retain(|k, _| printed.get(k).is_some());
    assert_eq!(shape, printed);
}

#[test]
fn range_and_verify_end_with_time_and_rate() {
    for args in [
        &["range", "1", "1e5"][..],
        &["range", "1", "1e5", "--records"],
        &["range", "7", "7"],
        &["verify", "1", "1e4"],
    ] {
        let out = run(args);
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        let last = text.lines().last().unwrap();
        let rest = last
            .strip_prefix("time                   ")
            .unwrap_or_else(|| panic!("{args:?}: {last}"));
        let (secs, rate) = rest.split_once(" s, ").unwrap();
        assert!(secs.parse::<f64>().unwrap() >= 0.0, "{last}");
        assert!(
            rate.strip_suffix(" numbers/s")
                .unwrap()
                .parse::<f64>()
                .unwrap()
                >= 0.0,
            "{last}"
        );
    }
}

#[test]
fn the_example_is_the_same_program() {
    for args in [
        &["stats", "27", "--json"][..],
        &["range", "1", "1000", "--json", "--records", "--histogram"],
        &["tree", "7"],
        &["stats", "0"],
        &["frobnicate"],
    ] {
        let old = Command::new(example()).args(args).output().unwrap();
        let new = run(args);
        assert_eq!(old.status.code(), new.status.code(), "{args:?}");
        assert_eq!(old.stdout, new.stdout, "{args:?}");
        assert_eq!(old.stderr, new.stderr, "{args:?}");
    }
}
