//! Parsing start values from text: plain digits or small expressions like `2^100+1`.
//!
//! Grammar (spaces allowed between tokens, `_` allowed between digits):
//!
//! ```text
//! expr   := ['-' | '+'] term (('+' | '-') term)*
//! term   := factor ('*' factor)*
//! factor := number ['^' number]
//! number := digits ['e' digits]      1e9 = 10^9
//!         | '0x' hexdigits
//! ```
//!
//! Every intermediate result is bounded by a bit-length limit, so no input can make the parser
//! allocate without bound or run for long.

use std::sync::atomic::{AtomicU64, Ordering};

use num_bigint::{BigInt, BigUint};
use num_traits::{One, ToPrimitive, Zero};

use crate::error::{Error, Limit, Result};
use crate::value::Value;

/// Default cap on the bit length of an input value, parsed or converted from a binding's
/// integer (2^19 bits, about 158,000 decimal digits): the trajectory of a random number of that
/// size takes minutes. Raise it with [`set_max_input_bits`].
pub const DEFAULT_MAX_INPUT_BITS: u64 = 1 << 19;

static MAX_INPUT_BITS: AtomicU64 = AtomicU64::new(DEFAULT_MAX_INPUT_BITS);

/// The process-wide cap on the bit length of input values: what [`parse_value`],
/// [`parse_integer`] and [`check_input_bits`] accept. [`DEFAULT_MAX_INPUT_BITS`] unless set.
pub fn max_input_bits() -> u64 {
    MAX_INPUT_BITS.load(Ordering::Relaxed)
}

/// Sets the process-wide cap of [`max_input_bits`] (for every thread; the bindings'
/// `set_max_input_bits` / `setMaxInputBits` call this).
///
/// ```
/// use collatz_core::{check_input_bits, max_input_bits, set_max_input_bits, Error, Limit, Value};
/// let big = Value::from(num_bigint::BigUint::from(1u8) << 600_000u32);
/// let before = max_input_bits();
/// assert!(matches!(check_input_bits(&big), Err(Error::LimitExceeded { limit: Limit::InputBits, .. })));
/// set_max_input_bits(1 << 20);
/// assert!(check_input_bits(&big).is_ok());
/// set_max_input_bits(before);
/// ```
pub fn set_max_input_bits(bits: u64) {
    MAX_INPUT_BITS.store(bits, Ordering::Relaxed);
}

/// Checks an input value (one that did not come through the parser, such as a binding's
/// integer) against [`max_input_bits`].
pub fn check_input_bits(v: &Value) -> Result<()> {
    let max = max_input_bits();
    if v.bits() > max {
        return Err(Error::LimitExceeded {
            limit: Limit::InputBits,
            max,
            steps: 0,
            bits: v.bits(),
        });
    }
    Ok(())
}

/// Parses a non-negative integer: decimal digits, or an expression such as `2^200+1`, `3^300`,
/// `1e9`, `27*2^64-5` or `0xff`. Results above [`max_input_bits`] bits are rejected.
///
/// ```
/// use collatz_core::parse_value;
/// assert_eq!(parse_value("1_000_000")?, 1_000_000u64);
/// assert_eq!(parse_value("2^64 + 1")?.to_string(), "18446744073709551617");
/// assert_eq!(parse_value("1e9")?, 1_000_000_000u64);
/// assert!(parse_value("-5").is_err());
/// assert!(parse_value("12abc").is_err());
/// # Ok::<(), collatz_core::Error>(())
/// ```
pub fn parse_value(s: &str) -> Result<Value> {
    parse_value_with_limit(s, max_input_bits())
}

/// [`parse_value`] with a caller-set cap on the bit length of the result and of every
/// intermediate value.
pub fn parse_value_with_limit(s: &str, max_bits: u64) -> Result<Value> {
    Value::try_from(parse_integer_with_limit(s, max_bits)?)
}

/// Parses a signed integer with the syntax of [`parse_value`] (a leading `-` is allowed), for
/// generalised maps, which accept negative start values.
///
/// ```
/// use collatz_core::parse_integer;
/// assert_eq!(parse_integer("-17")?, num_bigint::BigInt::from(-17));
/// # Ok::<(), collatz_core::Error>(())
/// ```
pub fn parse_integer(s: &str) -> Result<BigInt> {
    parse_integer_with_limit(s, max_input_bits())
}

/// [`parse_integer`] with a caller-set cap on the bit length.
pub fn parse_integer_with_limit(s: &str, max_bits: u64) -> Result<BigInt> {
    let mut p = Parser {
        src: s,
        bytes: s.as_bytes(),
        pos: 0,
        max_bits,
    };
    p.skip_space();
    if p.pos == p.bytes.len() {
        return Err(Error::parse(s, "empty input"));
    }
    let value = p.expr()?;
    p.skip_space();
    if p.pos != p.bytes.len() {
        return Err(p.error(format!("unexpected character {:?}", p.rest_char())));
    }
    Ok(value)
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    max_bits: u64,
}

impl Parser<'_> {
    fn error(&self, reason: impl Into<String>) -> Error {
        Error::parse(self.src, reason)
    }

    fn rest_char(&self) -> char {
        self.src[self.pos..].chars().next().unwrap_or(' ')
    }

    fn skip_space(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_space();
        if self.bytes.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn check_bits(&self, bits: u64) -> Result<()> {
        if bits > self.max_bits {
            Err(Error::LimitExceeded {
                limit: Limit::InputBits,
                max: self.max_bits,
                steps: 0,
                bits,
            })
        } else {
            Ok(())
        }
    }

    fn expr(&mut self) -> Result<BigInt> {
        let negative = if self.eat(b'-') {
            true
        } else {
            self.eat(b'+');
            false
        };
        let mut acc = self.term()?;
        if negative {
            acc = -acc;
        }
        loop {
            if self.eat(b'+') {
                acc += self.term()?;
            } else if self.eat(b'-') {
                acc -= self.term()?;
            } else {
                break;
            }
            self.check_bits(acc.bits())?;
        }
        Ok(acc)
    }

    fn term(&mut self) -> Result<BigInt> {
        let mut acc = self.factor()?;
        while self.eat(b'*') {
            let rhs = self.factor()?;
            self.check_bits(acc.bits() + rhs.bits())?;
            acc *= rhs;
        }
        Ok(acc)
    }

    fn factor(&mut self) -> Result<BigInt> {
        let base = self.number()?;
        if !self.eat(b'^') {
            return Ok(BigInt::from(base));
        }
        let exp = self.number()?;
        if self.eat(b'^') {
            return Err(self.error("chained exponents (a^b^c) are not supported"));
        }
        let exp = exp
            .to_u64()
            .ok_or_else(|| self.error("exponent too large"))?;
        self.pow(base, exp).map(BigInt::from)
    }

    fn pow(&self, base: BigUint, exp: u64) -> Result<BigUint> {
        if base.is_zero() {
            return Ok(if exp == 0 { BigUint::one() } else { base });
        }
        if base.is_one() || exp == 0 {
            return Ok(BigUint::one());
        }
        // (bits - 1) * exp + 1 <= bits(base^exp) <= bits * exp
        let lower = (base.bits() - 1).saturating_mul(exp).saturating_add(1);
        self.check_bits(lower)?;
        let exp = u32::try_from(exp).map_err(|_| self.error("exponent too large"))?;
        let result = base.pow(exp);
        self.check_bits(result.bits())?;
        Ok(result)
    }

    fn digits(&mut self, radix: u32) -> Result<String> {
        let start = self.pos;
        let mut out = String::new();
        while let Some(&b) = self.bytes.get(self.pos) {
            if (b as char).is_digit(radix) {
                out.push(b as char);
            } else if b == b'_' && self.pos > start {
                // separator between digits only
                if !self
                    .bytes
                    .get(self.pos + 1)
                    .is_some_and(|&n| (n as char).is_digit(radix))
                {
                    return Err(self.error("'_' must stand between digits"));
                }
            } else {
                break;
            }
            self.pos += 1;
        }
        if out.is_empty() {
            return Err(if self.pos == self.bytes.len() {
                self.error("expected a number at the end of the input")
            } else {
                self.error(format!("expected a number, found {:?}", self.rest_char()))
            });
        }
        Ok(out)
    }

    fn number(&mut self) -> Result<BigUint> {
        self.skip_space();
        let hex =
            self.bytes[self.pos..].starts_with(b"0x") || self.bytes[self.pos..].starts_with(b"0X");
        if hex {
            self.pos += 2;
            let digits = self.digits(16)?;
            self.check_bits(digits.len() as u64 * 4)?;
            return BigUint::parse_bytes(digits.as_bytes(), 16)
                .ok_or_else(|| self.error("bad hexadecimal number"));
        }
        let digits = self.digits(10)?;
        // 10^k needs more than 3.32 k bits; reject before parsing a huge string.
        self.check_bits((digits.len() as u64).saturating_mul(332) / 100)?;
        let mantissa = BigUint::parse_bytes(digits.as_bytes(), 10)
            .ok_or_else(|| self.error("bad decimal number"))?;
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            let exp_digits = self.digits(10)?;
            let exp: u64 = exp_digits
                .parse()
                .map_err(|_| self.error("exponent too large"))?;
            let scale = self.pow(BigUint::from(10u32), exp)?;
            self.check_bits(mantissa.bits() + scale.bits())?;
            return Ok(mantissa * scale);
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            return Err(self.error("not an integer (decimal point)"));
        }
        Ok(mantissa)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse_integer(s)
            .map(|v| v.to_string())
            .unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(p("27"), "27");
        assert_eq!(p("  27 "), "27");
        assert_eq!(p("1_000"), "1000");
        assert_eq!(p("2^10"), "1024");
        assert_eq!(p("2^10+1"), "1025");
        assert_eq!(p("2 ^ 10 - 1"), "1023");
        assert_eq!(p("3*2^4"), "48");
        assert_eq!(p("1e3"), "1000");
        assert_eq!(p("5E2"), "500");
        assert_eq!(p("0x1F"), "31");
        assert_eq!(p("-17"), "-17");
        assert_eq!(p("+4"), "4");
        assert_eq!(p("0^0"), "1");
        assert_eq!(p("1^99999999999"), "1");
        assert_eq!(p("2^128"), (BigUint::one() << 128u32).to_string());
    }

    #[test]
    fn rejects_garbage_with_a_reason() {
        for bad in [
            "", "  ", "abc", "12a", "1.5", "2^", "^2", "2^3^2", "--1", "1__0", "_1", "1_", "0x",
            "1e", "2**3", "1 2",
        ] {
            assert!(
                matches!(parse_integer(bad), Err(Error::Parse { .. })),
                "{bad:?} gave {:?}",
                parse_integer(bad)
            );
        }
    }

    #[test]
    fn huge_values_hit_the_limit_quickly() {
        for big in [
            "2^99999999999",
            "10^10000000",
            "1e10000000",
            "9^4000000",
            "2^600000*2^600000",
        ] {
            assert!(
                matches!(parse_integer(big), Err(Error::LimitExceeded { .. })),
                "{big}"
            );
        }
        assert!(parse_integer_with_limit("2^100", 64).is_err());
        assert!(parse_integer_with_limit("2^63", 64).is_ok());
        let many_digits = "9".repeat(400_000);
        assert!(parse_integer(&many_digits).is_err());
    }

    #[test]
    fn value_rejects_negative_results() {
        assert!(matches!(parse_value("3-5"), Err(Error::Negative { .. })));
        assert_eq!(parse_value("5-3").unwrap(), 2u64);
    }
}
