//! Replays every committed corpus file through its target body: the regression check the
//! repository's test command runs (no nightly flags, no libFuzzer driver).

use std::fs;
use std::path::Path;

fn replay(target: &str, body: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {} is required: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 5,
        "corpus {target} has only {} files",
        files.len()
    );
    for file in &files {
        let data = fs::read(file).unwrap();
        let result = std::panic::catch_unwind(|| body(&data));
        assert!(result.is_ok(), "{target} fails on {}", file.display());
    }
    println!("{target}: {} corpus files replayed", files.len());
}

#[test]
fn differential_corpus() {
    replay("differential", collatz_fuzz::differential);
}

#[test]
fn parse_corpus() {
    replay("parse", collatz_fuzz::parse);
}

#[test]
fn map_corpus() {
    replay("map", collatz_fuzz::map);
}

#[test]
fn range_corpus() {
    replay("range", collatz_fuzz::range);
}
