//! The names of the range statistics, defined once: [`Field`], their spellings ([`FieldCase`])
//! and how a list of names becomes a [`Want`] ([`Want::from_names`]). The command line, the
//! Python package (`total_stopping_time`) and the Node.js package (`totalStoppingTime`) all
//! read names through these, so they accept the same fields and fail with the same message.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::range::Want;

/// One statistic the range engine computes per start value: a column of
/// [`RangeEngine::columns`](crate::range::RangeEngine::columns), a part of a
/// [`Summary`](crate::range::Summary), a flag of [`Want`].
///
/// ```
/// use collatz_core::{Field, FieldCase};
///
/// assert_eq!(Field::MaxExcursion.name(), "max_excursion");
/// assert_eq!(Field::MaxExcursion.name_in(FieldCase::Camel), "maxExcursion");
/// assert_eq!("odd_steps".parse::<Field>()?, Field::OddSteps);
/// assert!("oddSteps".parse::<Field>().is_err()); // snake_case unless asked otherwise
/// assert_eq!(Field::from_name_in("oddSteps", FieldCase::Camel)?, Field::OddSteps);
/// # Ok::<(), collatz_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Total stopping time (A006577): `total_stopping_time`.
    TotalStoppingTime,
    /// Stopping time, the glide (A102419): `stopping_time`.
    StoppingTime,
    /// Odd (3n+1) steps (A006667): `odd_steps`.
    OddSteps,
    /// Maximum excursion (A025586): `max_excursion`.
    MaxExcursion,
}

/// How a field name is spelled: `total_stopping_time` (Rust, Python, JSON keys) or
/// `totalStoppingTime` (JavaScript).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FieldCase {
    /// `total_stopping_time`.
    #[default]
    Snake,
    /// `totalStoppingTime`.
    Camel,
}

impl Field {
    /// Every field, in the order of [`Want`]'s flags and of [`Want::names`].
    pub const ALL: [Field; 4] = [
        Field::TotalStoppingTime,
        Field::StoppingTime,
        Field::OddSteps,
        Field::MaxExcursion,
    ];

    /// The snake_case name: `"total_stopping_time"`, `"stopping_time"`, `"odd_steps"`,
    /// `"max_excursion"`.
    pub const fn name(self) -> &'static str {
        self.name_in(FieldCase::Snake)
    }

    /// The name spelled in `case`.
    pub const fn name_in(self, case: FieldCase) -> &'static str {
        match (self, case) {
            (Field::TotalStoppingTime, FieldCase::Snake) => "total_stopping_time",
            (Field::StoppingTime, FieldCase::Snake) => "stopping_time",
            (Field::OddSteps, FieldCase::Snake) => "odd_steps",
            (Field::MaxExcursion, FieldCase::Snake) => "max_excursion",
            (Field::TotalStoppingTime, FieldCase::Camel) => "totalStoppingTime",
            (Field::StoppingTime, FieldCase::Camel) => "stoppingTime",
            (Field::OddSteps, FieldCase::Camel) => "oddSteps",
            (Field::MaxExcursion, FieldCase::Camel) => "maxExcursion",
        }
    }

    /// The field named `name` in snake_case ([`Field::from_name_in`] for another spelling).
    pub fn from_name(name: &str) -> Result<Field> {
        Field::from_name_in(name, FieldCase::Snake)
    }

    /// The field named `name` spelled in `case`; an unknown name is
    /// [`Error::InvalidArgument`], naming it and listing the fields in that spelling.
    pub fn from_name_in(name: &str, case: FieldCase) -> Result<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.name_in(case) == name)
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "unknown field {name:?}; the fields are {}",
                    listed(case)
                ))
            })
    }
}

/// `"total_stopping_time", "stopping_time", "odd_steps", "max_excursion"` in `case`.
fn listed(case: FieldCase) -> String {
    let quoted: Vec<String> = Field::ALL
        .iter()
        .map(|f| format!("{:?}", f.name_in(case)))
        .collect();
    quoted.join(", ")
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Field {
    type Err = Error;

    fn from_str(s: &str) -> Result<Field> {
        Field::from_name(s)
    }
}

impl Want {
    /// The fields named in `names` (snake_case; duplicates allowed), as the Python package and
    /// the command line take them. Unknown names and an empty list are
    /// [`Error::InvalidArgument`]: a caller asks for at least one statistic.
    ///
    /// ```
    /// use collatz_core::range::Want;
    ///
    /// let want = Want::from_names(["total_stopping_time", "max_excursion"])?;
    /// assert!(want.total_stopping_time && want.max_excursion && !want.odd_steps);
    /// assert_eq!(want.names(), ["total_stopping_time", "max_excursion"]);
    ///
    /// let err = Want::from_names(["steps"]).unwrap_err().to_string();
    /// assert!(err.contains("unknown field \"steps\"") && err.contains("\"odd_steps\""));
    /// assert!(Want::from_names(Vec::<String>::new()).is_err());
    /// # Ok::<(), collatz_core::Error>(())
    /// ```
    pub fn from_names<I>(names: I) -> Result<Want>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        Want::from_names_in(names, FieldCase::Snake)
    }

    /// [`Want::from_names`] with the names spelled in `case` (`FieldCase::Camel` for
    /// JavaScript: `["totalStoppingTime", "oddSteps"]`).
    ///
    /// ```
    /// use collatz_core::{range::Want, FieldCase};
    ///
    /// let want = Want::from_names_in(["stoppingTime"], FieldCase::Camel)?;
    /// assert_eq!(want.names_in(FieldCase::Camel), ["stoppingTime"]);
    /// let err = Want::from_names_in(["stopping_time"], FieldCase::Camel).unwrap_err();
    /// assert!(err.to_string().contains("\"stoppingTime\""));
    /// # Ok::<(), collatz_core::Error>(())
    /// ```
    pub fn from_names_in<I>(names: I, case: FieldCase) -> Result<Want>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut want = Want::NONE;
        let mut any = false;
        for name in names {
            want.insert(Field::from_name_in(name.as_ref(), case)?);
            any = true;
        }
        if !any {
            return Err(Error::InvalidArgument(format!(
                "ask for at least one field of {}",
                listed(case)
            )));
        }
        Ok(want)
    }

    /// The fields asked for, in the order of [`Field::ALL`].
    pub fn fields(&self) -> Vec<Field> {
        Field::ALL
            .into_iter()
            .filter(|&f| self.contains(f))
            .collect()
    }

    /// The snake_case names of the fields asked for, in the order of [`Field::ALL`].
    pub fn names(&self) -> Vec<&'static str> {
        self.names_in(FieldCase::Snake)
    }

    /// The names of the fields asked for, spelled in `case`.
    pub fn names_in(&self, case: FieldCase) -> Vec<&'static str> {
        self.fields().into_iter().map(|f| f.name_in(case)).collect()
    }

    /// Whether `field` is asked for.
    pub fn contains(&self, field: Field) -> bool {
        match field {
            Field::TotalStoppingTime => self.total_stopping_time,
            Field::StoppingTime => self.stopping_time,
            Field::OddSteps => self.odd_steps,
            Field::MaxExcursion => self.max_excursion,
        }
    }

    /// Asks for `field` too.
    pub fn insert(&mut self, field: Field) {
        match field {
            Field::TotalStoppingTime => self.total_stopping_time = true,
            Field::StoppingTime => self.stopping_time = true,
            Field::OddSteps => self.odd_steps = true,
            Field::MaxExcursion => self.max_excursion = true,
        }
    }
}

/// A comma-separated list of snake_case names, as [`Want::from_names`] takes them
/// (`"total_stopping_time,max_excursion"`; spaces around names are ignored).
///
/// ```
/// use collatz_core::range::Want;
///
/// let want: Want = "total_stopping_time, stopping_time".parse()?;
/// assert_eq!(want.names(), ["total_stopping_time", "stopping_time"]);
/// # Ok::<(), collatz_core::Error>(())
/// ```
impl FromStr for Want {
    type Err = Error;

    fn from_str(s: &str) -> Result<Want> {
        Want::from_names(s.split(',').map(str::trim).filter(|n| !n.is_empty()))
    }
}

impl From<Field> for Want {
    fn from(field: Field) -> Want {
        let mut want = Want::NONE;
        want.insert(field);
        want
    }
}

impl FromIterator<Field> for Want {
    fn from_iter<I: IntoIterator<Item = Field>>(fields: I) -> Want {
        let mut want = Want::NONE;
        for f in fields {
            want.insert(f);
        }
        want
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_both_spellings() {
        for case in [FieldCase::Snake, FieldCase::Camel] {
            for f in Field::ALL {
                assert_eq!(Field::from_name_in(f.name_in(case), case).unwrap(), f);
                assert_eq!(
                    Want::from_names_in([f.name_in(case)], case).unwrap(),
                    f.into()
                );
            }
            let all = Want::from_names_in(Field::ALL.map(|f| f.name_in(case)), case).unwrap();
            assert_eq!(all, Want::ALL);
            assert_eq!(all.names_in(case), Field::ALL.map(|f| f.name_in(case)));
        }
        assert_eq!(Field::ALL.into_iter().collect::<Want>(), Want::ALL);
        assert_eq!(Want::NONE.names(), Vec::<&str>::new());
        assert_eq!(Field::OddSteps.to_string(), "odd_steps");
    }

    #[test]
    fn the_flags_follow_the_names() {
        let w = Want::from_names(["stopping_time", "stopping_time"]).unwrap();
        assert_eq!(
            w,
            Want {
                stopping_time: true,
                ..Want::NONE
            }
        );
        assert_eq!(
            "max_excursion".parse::<Want>().unwrap().fields(),
            [Field::MaxExcursion]
        );
    }

    #[test]
    fn bad_names_say_what_is_wrong_and_what_is_allowed() {
        let msg = |r: Result<Want>| match r {
            Err(Error::InvalidArgument(m)) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            msg(Want::from_names(["total_stopping_time", "glide"])),
            "unknown field \"glide\"; the fields are \"total_stopping_time\", \"stopping_time\", \"odd_steps\", \"max_excursion\""
        );
        assert_eq!(
            msg(Want::from_names_in(["glide"], FieldCase::Camel)),
            "unknown field \"glide\"; the fields are \"totalStoppingTime\", \"stoppingTime\", \"oddSteps\", \"maxExcursion\""
        );
        assert!(
            msg("".parse()).starts_with("ask for at least one field of \"total_stopping_time\"")
        );
        assert!(msg(" , ".parse()).starts_with("ask for at least one field"));
    }
}
