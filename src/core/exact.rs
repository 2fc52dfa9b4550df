//! Exact numbers: decimal text in, half-up rounding and decimal text out. No binary floating
//! point ever touches a value a user sees (see spbe-facts.md §2: f64 gets real cases wrong).

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// An exact rational value: levels, weights, indices.
pub type Exact = BigRational;

/// Digits shown for a value whose decimal expansion does not terminate (only `--combine mean`).
pub const MAX_EXPANSION_DIGITS: u32 = 12;

pub fn int(n: i64) -> Exact {
    Exact::from_integer(BigInt::from(n))
}

pub fn ratio(num: i64, den: i64) -> Exact {
    Exact::new(BigInt::from(num), BigInt::from(den))
}

fn pow10(n: u32) -> BigInt {
    num_traits::pow(BigInt::from(10), n as usize)
}

/// Parses plain decimal text such as `4.2`, `-1`, `16.50` or `.5` exactly. No exponents,
/// no thousands separators, no decimal comma (the caller says what is allowed).
pub fn parse_decimal(text: &str) -> Option<Exact> {
    let t = text.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 30 || whole.len() > 30 {
        return None;
    }
    let mut n: BigInt = format!("0{whole}{frac}").parse().ok()?;
    if neg {
        n = -n;
    }
    Some(Exact::new(n, pow10(frac.len() as u32)))
}

/// Rounds half up (away from zero for the non-negative values the index takes) to `decimals`.
pub fn round_half_up(x: &Exact, decimals: u32) -> Exact {
    let scale = Exact::from_integer(pow10(decimals));
    let scaled = x * &scale;
    let half = ratio(1, 2);
    let rounded = if scaled.is_negative() {
        -((-scaled) + half).floor()
    } else {
        (scaled + half).floor()
    };
    rounded / scale
}

/// `x` rounded half up and written with exactly `decimals` digits: `fixed(4.765, 2) == "4.77"`.
pub fn fixed(x: &Exact, decimals: u32) -> String {
    let r = round_half_up(x, decimals);
    let scaled = (r * Exact::from_integer(pow10(decimals))).to_integer();
    let neg = scaled.is_negative();
    let digits = scaled.abs().to_string();
    let d = decimals as usize;
    let padded = if digits.len() <= d {
        format!("{}{}", "0".repeat(d + 1 - digits.len()), digits)
    } else {
        digits
    };
    let (w, f) = padded.split_at(padded.len() - d);
    let sign = if neg { "-" } else { "" };
    if d == 0 {
        format!("{sign}{w}")
    } else {
        format!("{sign}{w}.{f}")
    }
}

/// How many decimal digits `x` needs to be written exactly, or `None` if it does not terminate.
pub fn terminating_digits(x: &Exact) -> Option<u32> {
    let mut den = x.denom().clone();
    let two = BigInt::from(2);
    let five = BigInt::from(5);
    let (mut twos, mut fives) = (0u32, 0u32);
    while den.is_even() {
        den /= &two;
        twos += 1;
    }
    while (&den % &five).is_zero() {
        den /= &five;
        fives += 1;
    }
    den.is_one().then_some(twos.max(fives))
}

/// The exact decimal text of `x`, with at least `min_decimals` digits. A value whose expansion
/// does not terminate is rounded half up to [`MAX_EXPANSION_DIGITS`] and the flag is false.
pub fn exact_text(x: &Exact, min_decimals: u32) -> (String, bool) {
    match terminating_digits(x) {
        Some(d) => (fixed(x, d.max(min_decimals)), true),
        None => (fixed(x, MAX_EXPANSION_DIGITS.max(min_decimals)), false),
    }
}

/// `x` as the nearest whole number if it is one.
pub fn as_whole(x: &Exact) -> Option<i64> {
    if x.is_integer() {
        x.to_integer().to_i64()
    } else {
        None
    }
}

/// A decimal number that travels as a JSON number with exactly the digits given, never through
/// an f64: `4.765` stays `4.765`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal(pub(crate) String);

impl Decimal {
    /// Exact text of `x` (see [`exact_text`]).
    pub fn exact(x: &Exact) -> Self {
        Decimal(exact_text(x, 0).0)
    }

    /// Exact text of `x` with at least `min_decimals` digits: a Pemdi value 2.5 is `2.50`.
    pub fn exact_min(x: &Exact, min_decimals: u32) -> Self {
        Decimal(exact_text(x, min_decimals).0)
    }

    /// `x` rounded half up to `decimals`, written with exactly that many digits.
    pub fn rounded(x: &Exact, decimals: u32) -> Self {
        Decimal(fixed(x, decimals))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn value(&self) -> Exact {
        parse_decimal(&self.0).expect("Decimal always holds decimal text")
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decimal text with an optional exponent (`1.5e-3`), as JSON allows.
pub fn parse_scientific(text: &str) -> Option<Exact> {
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    if exp.unsigned_abs() > 60 {
        return None;
    }
    let m = parse_decimal(mantissa)?;
    let p = Exact::from_integer(pow10(exp.unsigned_abs()));
    Some(if exp >= 0 { m * p } else { m / p })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_decimal_text_exactly() {
        assert_eq!(parse_decimal("1.30"), Some(ratio(13, 10)));
        assert_eq!(parse_decimal("16.5"), Some(ratio(33, 2)));
        assert_eq!(parse_decimal("-2"), Some(int(-2)));
        assert_eq!(parse_decimal(".5"), Some(ratio(1, 2)));
        for bad in ["", ".", "4,5", "1e3", "abc", "1.2.3", "--1"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn rounds_half_up_from_the_exact_value() {
        assert_eq!(fixed(&ratio(4765, 1000), 2), "4.77");
        assert_eq!(fixed(&ratio(4725, 1000), 2), "4.73");
        assert_eq!(fixed(&ratio(3084, 1000), 2), "3.08");
        assert_eq!(fixed(&ratio(34985, 10000), 2), "3.50");
        assert_eq!(fixed(&ratio(17995, 10000), 2), "1.80");
        assert_eq!(fixed(&int(1), 2), "1.00");
        assert_eq!(fixed(&ratio(1, 3), 4), "0.3333");
        assert_eq!(fixed(&ratio(2, 3), 0), "1");
        assert_eq!(fixed(&ratio(5, 1000), 2), "0.01");
    }

    #[test]
    fn writes_exact_text_or_flags_an_expansion() {
        assert_eq!(exact_text(&ratio(4765, 1000), 2), ("4.765".into(), true));
        assert_eq!(exact_text(&int(3), 2), ("3.00".into(), true));
        assert_eq!(
            exact_text(&ratio(7, 3), 0),
            ("2.333333333333".into(), false)
        );
    }
}
