//! Indicator values as answered: a whole level (SPBE 2020: `3`) or a decimal with the model's
//! fixed number of digits (Pemdi 2026: `1.26`). A value is stored exactly as a whole number of
//! units of 10^-decimals of a level (`1.26` is 126 hundredths), so answers stay small and every
//! sum over them is integer arithmetic. Pure.

use std::fmt;

use crate::core::exact::{self, Exact};

/// A value and the digits it is written with: `Value { units: 126, decimals: 2 }` is 1.26,
/// `Value { units: 3, decimals: 0 }` is level 3. Values of one model share its decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Value {
    pub units: u16,
    pub decimals: u8,
}

/// The largest number of decimals a model may give its values (`u16` units must hold the top
/// level: 5.000 is 5 000 units).
pub const MAX_DECIMALS: u32 = 3;

impl Value {
    /// How many units make one level: 10^decimals.
    pub fn unit(decimals: u32) -> u16 {
        10u16.pow(decimals)
    }

    /// The exact value, in levels.
    pub fn exact(self) -> Exact {
        if self.decimals == 0 {
            // A whole level: no fraction to reduce (consolidation asks for one per indicator).
            return exact::int(self.units as i64);
        }
        exact::ratio(self.units as i64, Value::unit(self.decimals as u32) as i64)
    }

    /// The whole part: the level whose name is shown beside the value (1.26 → 1, Rintisan).
    pub fn whole(self) -> u8 {
        (self.units / Value::unit(self.decimals as u32)) as u8
    }

    /// Reads the text a result was written with (`3`, `1.26`, `2.50`): the decimals are the
    /// digits written. `None` for anything else (a sign, an exponent, too many digits).
    pub fn parse(text: &str) -> Option<Value> {
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty()
            || frac.len() > MAX_DECIMALS as usize
            || !whole
                .bytes()
                .chain(frac.bytes())
                .all(|b| b.is_ascii_digit())
            || (text.contains('.') && frac.is_empty())
        {
            return None;
        }
        let units: u32 = format!("{whole}{frac}").parse().ok()?;
        Some(Value {
            units: u16::try_from(units).ok()?,
            decimals: frac.len() as u8,
        })
    }
}

/// Written with its decimals: `3`, `1.26`, `2.50`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.decimals == 0 {
            return write!(f, "{}", self.units);
        }
        let unit = Value::unit(self.decimals as u32);
        write!(
            f,
            "{}.{:0width$}",
            self.units / unit,
            self.units % unit,
            width = self.decimals as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_and_write_with_their_digits() {
        let v = Value::parse("1.26").unwrap();
        assert_eq!(
            v,
            Value {
                units: 126,
                decimals: 2
            }
        );
        assert_eq!(v.to_string(), "1.26");
        assert_eq!(v.whole(), 1);
        assert_eq!(v.exact(), exact::ratio(126, 100));
        assert_eq!(Value::parse("3").unwrap().to_string(), "3");
        assert_eq!(Value::parse("2.50").unwrap().to_string(), "2.50");
        assert_eq!(
            Value {
                units: 205,
                decimals: 2
            }
            .to_string(),
            "2.05"
        );
        for bad in ["", "-1", "1.", ".5", "1e2", "1.2345", "70000", "1,26"] {
            assert_eq!(Value::parse(bad), None, "{bad}");
        }
    }
}
