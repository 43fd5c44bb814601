//! Shared helpers for the behaviour tests: reading the reference data and an independent oracle.
#![allow(dead_code)]

use std::path::PathBuf;

use num_bigint::BigUint;

/// `../shared/data/` relative to the repository root (override with `COLLATZ_SHARED_DATA`).
pub fn data_dir() -> PathBuf {
    match std::env::var_os("COLLATZ_SHARED_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"),
    }
}

/// The `n a(n)` rows of a reference file. Panics (fails the test) if the file is missing:
/// a test that cannot find its reference data must not pass.
pub fn load(name: &str) -> Vec<(u64, BigUint)> {
    let path = data_dir().join(format!("{name}.txt"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reference file {} is required: {e}", path.display()));
    let rows: Vec<(u64, BigUint)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (n, a) = l
                .split_once(' ')
                .unwrap_or_else(|| panic!("bad line {l:?} in {name}"));
            (n.parse().unwrap(), a.trim().parse().unwrap())
        })
        .collect();
    assert!(rows.len() > 10, "{name} has only {} rows", rows.len());
    rows
}

/// An oracle independent of num-bigint and of the library: the number as base-10^9 limbs,
/// little-endian, stepped with schoolbook arithmetic one C-step at a time.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Decimal(Vec<u32>);

const BASE: u64 = 1_000_000_000;

impl Decimal {
    pub fn parse(s: &str) -> Decimal {
        let bytes = s.as_bytes();
        let mut limbs = Vec::new();
        let mut end = bytes.len();
        while end > 0 {
            let start = end.saturating_sub(9);
            let chunk = std::str::from_utf8(&bytes[start..end]).unwrap();
            limbs.push(chunk.parse().unwrap());
            end = start;
        }
        Decimal(limbs)
    }

    pub fn is_one(&self) -> bool {
        self.0.len() == 1 && self.0[0] == 1
    }

    pub fn is_odd(&self) -> bool {
        self.0[0] % 2 == 1
    }

    pub fn halve(&mut self) {
        let mut rem = 0u64;
        for limb in self.0.iter_mut().rev() {
            let cur = rem * BASE + *limb as u64;
            *limb = (cur / 2) as u32;
            rem = cur % 2;
        }
        self.trim();
    }

    pub fn triple_plus_one(&mut self) {
        let mut carry = 1u64;
        for limb in self.0.iter_mut() {
            let cur = *limb as u64 * 3 + carry;
            *limb = (cur % BASE) as u32;
            carry = cur / BASE;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn trim(&mut self) {
        while self.0.len() > 1 && *self.0.last().unwrap() == 0 {
            self.0.pop();
        }
    }

    pub fn cmp(&self, other: &Decimal) -> std::cmp::Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.last().unwrap())?;
        for limb in self.0.iter().rev().skip(1) {
            write!(f, "{limb:09}")?;
        }
        Ok(())
    }
}

/// What the oracle reports for a start value: (total, odd, even, stopping time, max as decimal).
pub fn oracle(n: &str) -> (u64, u64, u64, u64, String) {
    let start = Decimal::parse(n);
    let mut x = start.clone();
    let mut max = start.clone();
    let (mut odd, mut even, mut glide) = (0u64, 0u64, None);
    while !x.is_one() {
        if x.is_odd() {
            x.triple_plus_one();
            odd += 1;
            if x.cmp(&max).is_gt() {
                max = x.clone();
            }
        } else {
            x.halve();
            even += 1;
        }
        if glide.is_none() && x.cmp(&start).is_lt() {
            glide = Some(odd + even);
        }
    }
    (odd + even, odd, even, glide.unwrap_or(0), max.to_string())
}
