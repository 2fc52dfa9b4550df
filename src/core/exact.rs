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

/// A small exact fraction in 8 bytes: every index, domain and aspect index of the official
/// models is one (an index is k / 10000, a domain index k / 1650). `spbe compare` keeps one row
/// of them per institution, and ranks and writes them with machine integers; a value that does
/// not fit stays an [`Exact`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Frac {
    num: i32,
    /// Positive; the fraction is in lowest terms.
    den: u32,
}

impl Frac {
    /// `x` when it fits.
    pub fn of(x: &Exact) -> Option<Frac> {
        let num = x.numer().to_i32()?;
        let den = x.denom().to_u32()?;
        Some(Frac { num, den })
    }

    /// The fraction of [`Frac::parts`] given back.
    pub fn from_parts(num: i32, den: u32) -> Frac {
        Frac { num, den }
    }

    /// The numerator and the (positive) denominator, in lowest terms.
    pub fn parts(self) -> (i32, u32) {
        (self.num, self.den)
    }

    pub fn exact(self) -> Exact {
        // Already in lowest terms with a positive denominator, as `Exact::new` would leave it.
        Exact::new_raw(self.num.into(), self.den.into())
    }

    /// How many decimal digits the value needs to be written exactly, or `None` when its
    /// expansion does not terminate: as [`terminating_digits`].
    fn terminating_digits(self) -> Option<u32> {
        let (mut den, mut twos, mut fives) = (self.den, 0u32, 0u32);
        while den % 2 == 0 {
            den /= 2;
            twos += 1;
        }
        while den % 5 == 0 {
            den /= 5;
            fives += 1;
        }
        (den == 1).then_some(twos.max(fives))
    }

    /// As [`fixed`]: rounded half up to `decimals` and written with exactly that many digits.
    pub fn fixed(self, decimals: u32) -> String {
        // |num| < 2^31 and 10^18 < 2^60: the products fit in an i128.
        if decimals > 18 {
            return fixed(&self.exact(), decimals);
        }
        let scale = 10i128.pow(decimals);
        let (num, den) = (self.num as i128 * scale, self.den as i128);
        // Half up, away from zero, as `round_half_up`.
        let scaled = (2 * num.abs() + den) / (2 * den);
        let digits = scaled.to_string();
        let d = decimals as usize;
        let padded = if digits.len() <= d {
            format!("{}{digits}", "0".repeat(d + 1 - digits.len()))
        } else {
            digits
        };
        let (w, f) = padded.split_at(padded.len() - d);
        let sign = if self.num < 0 && scaled != 0 { "-" } else { "" };
        if d == 0 {
            format!("{sign}{w}")
        } else {
            format!("{sign}{w}.{f}")
        }
    }

    /// As [`round_half_up`], when the result is a `Frac` too.
    pub fn round_half_up(self, decimals: u32) -> Option<Frac> {
        if decimals > 18 {
            return Frac::of(&round_half_up(&self.exact(), decimals));
        }
        let scale = 10i128.pow(decimals);
        let (num, den) = (self.num as i128 * scale, self.den as i128);
        let magnitude = (2 * num.abs() + den) / (2 * den);
        let num = if self.num < 0 { -magnitude } else { magnitude };
        let g = num_integer::gcd(num, scale);
        Some(Frac {
            num: i32::try_from(num / g).ok()?,
            den: u32::try_from(scale / g).ok()?,
        })
    }

    /// As [`exact_text`]: the exact decimal text with at least `min_decimals` digits, or rounded
    /// to [`MAX_EXPANSION_DIGITS`] with the flag false.
    pub fn exact_text(self, min_decimals: u32) -> (String, bool) {
        match self.terminating_digits() {
            Some(d) => (self.fixed(d.max(min_decimals)), true),
            None => (self.fixed(MAX_EXPANSION_DIGITS.max(min_decimals)), false),
        }
    }
}

impl Ord for Frac {
    fn cmp(&self, other: &Frac) -> std::cmp::Ordering {
        (self.num as i64 * other.den as i64).cmp(&(other.num as i64 * self.den as i64))
    }
}

impl PartialOrd for Frac {
    fn partial_cmp(&self, other: &Frac) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
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

    proptest::proptest! {
        /// A small fraction is written, rounded and ordered as the rational it is.
        #[test]
        fn frac_agrees_with_exact(
            num in -60_000i64..60_000,
            den in 1i64..70_000,
            other in -60_000i64..60_000,
            decimals in 0u32..6,
        ) {
            let x = ratio(num, den);
            let f = Frac::of(&x).unwrap();
            proptest::prop_assert_eq!(f.exact(), x.clone());
            proptest::prop_assert_eq!(f.fixed(decimals), fixed(&x, decimals));
            proptest::prop_assert_eq!(f.exact_text(decimals), exact_text(&x, decimals));
            proptest::prop_assert_eq!(
                f.round_half_up(decimals).unwrap().exact(),
                round_half_up(&x, decimals)
            );
            let y = ratio(other, 9_973);
            proptest::prop_assert_eq!(f.cmp(&Frac::of(&y).unwrap()), x.cmp(&y));
        }
    }

    #[test]
    fn a_large_value_is_not_a_frac() {
        assert_eq!(Frac::of(&ratio(1, 10_000_000_000)), None);
        assert_eq!(Frac::of(&int(3_000_000_000)), None);
        assert_eq!(Frac::of(&ratio(4765, 1000)).unwrap().fixed(2), "4.77");
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
