//! [`Value`]: a non-negative integer of any size, stored in the narrowest of `u64`, `u128` or
//! [`BigUint`].

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::ToPrimitive;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// A non-negative integer of any size: a start value, a trajectory value or a maximum.
///
/// It is stored in the narrowest of `u64`, `u128` and [`BigUint`] that holds it, so small values
/// cost nothing and large ones are exact. Values compare, hash and print by their numeric value.
/// With serde a `Value` is written as a decimal string (JSON numbers lose precision past 2^53)
/// and read from a decimal string or a JSON integer.
///
/// ```
/// use collatz_core::Value;
/// let v: Value = "340282366920938463463374607431768211457".parse()?; // 2^128 + 1
/// assert_eq!(v.bits(), 129);
/// assert!(v > Value::from(u128::MAX));
/// assert_eq!(Value::from(27u64).as_u64(), Some(27));
/// # Ok::<(), collatz_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Value(pub(crate) Repr);

/// Canonical representation: `U128` only above `u64::MAX`, `Big` only above `u128::MAX`.
/// Because of that, the derived `Ord` (variant first, then contents) is the numeric order.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Repr {
    U64(u64),
    U128(u128),
    Big(BigUint),
}

impl Value {
    /// Zero.
    pub const ZERO: Value = Value(Repr::U64(0));
    /// One.
    pub const ONE: Value = Value(Repr::U64(1));

    /// The value as a `u64`, if it fits.
    pub fn as_u64(&self) -> Option<u64> {
        match self.0 {
            Repr::U64(x) => Some(x),
            _ => None,
        }
    }

    /// The value as a `u128`, if it fits.
    pub fn as_u128(&self) -> Option<u128> {
        match self.0 {
            Repr::U64(x) => Some(x as u128),
            Repr::U128(x) => Some(x),
            Repr::Big(_) => None,
        }
    }

    /// The value as a [`BigUint`] (allocates).
    pub fn to_biguint(&self) -> BigUint {
        match &self.0 {
            Repr::U64(x) => BigUint::from(*x),
            Repr::U128(x) => BigUint::from(*x),
            Repr::Big(x) => x.clone(),
        }
    }

    /// Number of bits needed to write the value (0 for zero).
    pub fn bits(&self) -> u64 {
        match &self.0 {
            Repr::U64(x) => 64 - x.leading_zeros() as u64,
            Repr::U128(x) => 128 - x.leading_zeros() as u64,
            Repr::Big(x) => x.bits(),
        }
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        matches!(self.0, Repr::U64(0))
    }

    /// Whether the value is even.
    pub fn is_even(&self) -> bool {
        match &self.0 {
            Repr::U64(x) => x % 2 == 0,
            Repr::U128(x) => x % 2 == 0,
            Repr::Big(x) => !x.bit(0),
        }
    }
}

impl From<u64> for Value {
    fn from(x: u64) -> Self {
        Value(Repr::U64(x))
    }
}

impl From<u128> for Value {
    fn from(x: u128) -> Self {
        match u64::try_from(x) {
            Ok(small) => Value(Repr::U64(small)),
            Err(_) => Value(Repr::U128(x)),
        }
    }
}

impl From<BigUint> for Value {
    fn from(x: BigUint) -> Self {
        match x.to_u128() {
            Some(small) => Value::from(small),
            None => Value(Repr::Big(x)),
        }
    }
}

impl From<&BigUint> for Value {
    fn from(x: &BigUint) -> Self {
        match x.to_u128() {
            Some(small) => Value::from(small),
            None => Value(Repr::Big(x.clone())),
        }
    }
}

impl From<&Value> for Value {
    fn from(x: &Value) -> Self {
        x.clone()
    }
}

macro_rules! from_small_unsigned {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(x: $t) -> Self {
                Value(Repr::U64(x as u64))
            }
        }
    )*};
}
from_small_unsigned!(u8, u16, u32, usize);

impl TryFrom<BigInt> for Value {
    type Error = Error;
    fn try_from(x: BigInt) -> Result<Self> {
        match x.sign() {
            Sign::Minus => Err(Error::Negative {
                value: x.to_string(),
            }),
            _ => Ok(Value::from(x.into_parts().1)),
        }
    }
}

impl TryFrom<i64> for Value {
    type Error = Error;
    fn try_from(x: i64) -> Result<Self> {
        u64::try_from(x)
            .map(Value::from)
            .map_err(|_| Error::Negative {
                value: x.to_string(),
            })
    }
}

impl TryFrom<&str> for Value {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        crate::parse::parse_value(s)
    }
}

impl From<Value> for BigUint {
    fn from(v: Value) -> Self {
        match v.0 {
            Repr::Big(x) => x,
            other => Value(other).to_biguint(),
        }
    }
}

impl FromStr for Value {
    type Err = Error;
    /// Parses with [`crate::parse_value`]: decimal digits, or an expression such as `2^100+1`.
    fn from_str(s: &str) -> Result<Self> {
        crate::parse::parse_value(s)
    }
}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Value {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl PartialEq<u64> for Value {
    fn eq(&self, other: &u64) -> bool {
        self.as_u64() == Some(*other)
    }
}

impl PartialOrd<u64> for Value {
    fn partial_cmp(&self, other: &u64) -> Option<Ordering> {
        Some(match self.as_u64() {
            Some(v) => v.cmp(other),
            None => Ordering::Greater,
        })
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::U64(x) => fmt::Display::fmt(x, f),
            Repr::U128(x) => fmt::Display::fmt(x, f),
            Repr::Big(x) => fmt::Display::fmt(x, f),
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a non-negative integer or its decimal string")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Value, E> {
                Ok(Value::from(v))
            }
            fn visit_u128<E: serde::de::Error>(self, v: u128) -> std::result::Result<Value, E> {
                Ok(Value::from(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Value, E> {
                Value::try_from(v).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Value, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms_compare_numerically() {
        let a = Value::from(u64::MAX);
        let b = Value::from(u64::MAX as u128 + 1);
        let c = Value::from(BigUint::from(u128::MAX) + 1u32);
        assert!(a < b && b < c);
        assert_eq!(Value::from(BigUint::from(5u32)), Value::from(5u64));
        assert_eq!(Value::from(7u128).as_u64(), Some(7));
        assert_eq!(c.bits(), 129);
        assert_eq!(c.as_u128(), None);
    }

    #[test]
    fn serde_round_trip_as_string() {
        let v = Value::from(BigUint::from(3u32).pow(100));
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, format!("\"{}\"", BigUint::from(3u32).pow(100)));
        let back: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back, v);
        let from_num: Value = serde_json::from_str("12").unwrap();
        assert_eq!(from_num, 12u64);
        assert!(serde_json::from_str::<Value>("-3").is_err());
    }

    #[test]
    fn negatives_are_rejected() {
        assert!(matches!(
            Value::try_from(-5i64),
            Err(Error::Negative { .. })
        ));
        assert!(Value::try_from(BigInt::from(-1)).is_err());
        assert_eq!(Value::try_from(BigInt::from(9)).unwrap(), 9u64);
    }
}
