//! Effort files for `spbe gap --effort`: what one level step costs, per indicator and/or per
//! level reached. YAML or CSV in, an exact integer cost per step out.
//!
//! A file is a default plus rules; the most specific rule for a step wins: indicator and level,
//! then indicator, then level, then the default (1 unless given). Efforts are non-negative
//! decimals (person-days, million rupiah, a relative score: any unit, used consistently).
//!
//! YAML:
//! ```yaml
//! default: 1
//! rules:
//!   - {to: 4, effort: 2}          # any step to level 4
//!   - {to: 5, effort: 4}
//!   - {indicator: 11, effort: 3}  # every step of indicator 11
//!   - {indicator: 11, to: 5, effort: 6}
//! ```
//! CSV: a header `indicator,to,effort`; an empty (or `*`) cell means "any"; a row with both
//! empty sets the default.

use std::path::Path;

use anyhow::{Context, bail};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};
use serde::Deserialize;

use crate::core::effort::Efforts;
use crate::core::exact::{self, Exact};
use crate::core::model::Model;
use crate::input::model::Scalar;

/// One rule as read: `None` means "any".
#[derive(Debug, Clone)]
struct Rule {
    indicator: Option<usize>,
    to: Option<u8>,
    effort: Exact,
    /// Where it was written, for messages.
    at: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    default: Option<Scalar>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    indicator: Option<Scalar>,
    to: Option<Scalar>,
    effort: Scalar,
}

/// Text of a YAML scalar exactly as written (an effort `1.30` stays 13/10, never a float).
fn scalar(v: &Scalar) -> Option<String> {
    Some(v.0.clone())
}

impl Efforts {
    /// Reads a `.yaml`/`.yml` or `.csv` effort file.
    pub fn load(model: &Model, path: &Path) -> anyhow::Result<Efforts> {
        let shown = path.display().to_string();
        let bytes = crate::input::model::read_capped(path, 16 << 20)
            .with_context(|| format!("cannot read the effort file {shown}"))?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        Efforts::from_bytes(model, &shown, &ext, &bytes)
    }

    /// Reads an effort file's bytes; `ext` (`yaml`, `yml`, `csv`) says which format.
    pub fn from_bytes(
        model: &Model,
        shown: &str,
        ext: &str,
        bytes: &[u8],
    ) -> anyhow::Result<Efforts> {
        // Encodings as for answer sheets (a BOM decides, else UTF-8, else windows-1252). Only
        // numbers and ids are read from the file, so a guessed encoding needs no warning.
        let decoded = crate::input::decode::decode(bytes, crate::input::decode::Encoding::Auto)
            .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
        let text = decoded.text;
        let shown = shown.to_string();
        let (default, rules) = match ext {
            "yaml" | "yml" => parse_yaml(model, &text, &shown)?,
            "csv" => parse_csv(model, &text, &shown)?,
            _ => bail!(
                "{shown}: an effort file is YAML (.yaml, .yml) or CSV (.csv); see docs/gap-and-check.md"
            ),
        };
        Efforts::from_rules(model, default, &rules)
    }

    fn from_rules(model: &Model, default: Exact, rules: &[Rule]) -> anyhow::Result<Efforts> {
        // The same (indicator, to) pair twice is a mistake, not an override.
        for (k, a) in rules.iter().enumerate() {
            if let Some(b) = rules[..k]
                .iter()
                .find(|b| b.indicator == a.indicator && b.to == a.to)
            {
                bail!(
                    "{}: the same step is priced twice (also at {}); keep one",
                    a.at,
                    b.at
                );
            }
        }
        // Whole numbers: scale by 10^d, d the most decimals written.
        let digits = std::iter::once(&default)
            .chain(rules.iter().map(|r| &r.effort))
            .map(|e| exact::terminating_digits(e).unwrap_or(0))
            .max()
            .unwrap_or(0);
        let scale = 10u64.pow(digits);
        let whole = |e: &Exact| -> u64 {
            (e * exact::int(scale as i64))
                .to_integer()
                .to_u64()
                .unwrap_or(u64::MAX)
        };
        let specificity = |r: &Rule| match (r.indicator, r.to) {
            (Some(_), Some(_)) => 3,
            (Some(_), None) => 2,
            (None, Some(_)) => 1,
            (None, None) => 0,
        };
        let mut cost =
            vec![vec![whole(&default); model.max_level as usize + 1]; model.indicators.len()];
        for (i, row) in cost.iter_mut().enumerate() {
            for (to, c) in row.iter_mut().enumerate() {
                let best = rules
                    .iter()
                    .filter(|r| {
                        r.indicator.is_none_or(|x| x == i) && r.to.is_none_or(|t| t as usize == to)
                    })
                    .max_by_key(|r| specificity(r));
                if let Some(r) = best {
                    *c = whole(&r.effort);
                }
            }
        }
        Ok(Efforts { cost, scale })
    }
}

/// A non-negative decimal effort with at most 6 decimals.
fn parse_effort(text: &str, at: &str) -> anyhow::Result<Exact> {
    let e = exact::parse_decimal(text).with_context(|| {
        format!("{at}: effort {text:?} is not a number; write a decimal such as 2 or 1.5")
    })?;
    if e.is_negative() {
        bail!("{at}: effort {text:?} is negative; an effort is 0 or more");
    }
    if exact::terminating_digits(&e).unwrap_or(0) > 6 {
        bail!("{at}: effort {text:?} has more than 6 decimals; round it");
    }
    if e > Exact::from_integer(BigInt::from(1_000_000_000u64)) {
        bail!("{at}: effort {text:?} is too large; use a smaller unit");
    }
    Ok(e)
}

fn parse_indicator(model: &Model, text: &str, at: &str) -> anyhow::Result<Option<usize>> {
    let t = text.trim();
    if t.is_empty() || t == "*" {
        return Ok(None);
    }
    model.find_indicator(t).map(Some).with_context(|| {
        format!(
            "{at}: the model {} has no indicator {t:?}; use an indicator ID such as {}",
            model.id, model.indicators[0].id
        )
    })
}

fn parse_to(model: &Model, text: &str, at: &str) -> anyhow::Result<Option<u8>> {
    let t = text.trim();
    if t.is_empty() || t == "*" {
        return Ok(None);
    }
    match t.parse::<u8>() {
        Ok(l) if l > model.min_level && l <= model.max_level => Ok(Some(l)),
        _ => bail!(
            "{at}: \"to\" is {t:?}; a step goes to a whole level from {} to {}",
            model.min_level + 1,
            model.max_level
        ),
    }
}

fn parse_yaml(model: &Model, text: &str, shown: &str) -> anyhow::Result<(Exact, Vec<Rule>)> {
    // The model's guard: deep [ ] or { } nesting makes the YAML parser take minutes.
    if let Err((line, message)) = crate::input::model::yaml_guard(text, "an effort file") {
        bail!("{shown}:{line}: {message}");
    }
    let raw: RawFile = serde_yaml::from_str(text).map_err(|e| {
        let line = e
            .location()
            .map(|l| format!(":{}", l.line()))
            .unwrap_or_default();
        anyhow::anyhow!(
            "{shown}{line}: {e}; an effort file has `default:` and `rules:` (see docs/gap-and-check.md)"
        )
    })?;
    let default = match &raw.default {
        None => exact::int(1),
        Some(v) => {
            let at = format!("{shown}: default");
            parse_effort(&scalar(v).unwrap_or_default(), &at)?
        }
    };
    let mut rules = Vec::new();
    for (k, r) in raw.rules.iter().enumerate() {
        let at = format!("{shown}: rules[{k}]");
        rules.push(Rule {
            indicator: match &r.indicator {
                None => None,
                Some(v) => parse_indicator(model, &scalar(v).unwrap_or_default(), &at)?,
            },
            to: match &r.to {
                None => None,
                Some(v) => parse_to(model, &scalar(v).unwrap_or_default(), &at)?,
            },
            effort: parse_effort(&scalar(&r.effort).unwrap_or_default(), &at)?,
            at,
        });
    }
    Ok((default, rules))
}

fn parse_csv(model: &Model, text: &str, shown: &str) -> anyhow::Result<(Exact, Vec<Rule>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Excel with Indonesian regional settings writes `;`: as for answer sheets, the delimiter
    // that splits the header into the most known column names.
    let delimiter = crate::input::decode::sniff_delimiter(text, |name| {
        ["indicator", "to", "effort"].contains(&name.trim().to_ascii_lowercase().as_str())
    });
    // The parser would read the rest of the file into the cell of a quote never closed.
    if let Some(line) = crate::input::text_sheet::unclosed_quote_line(text.as_bytes(), delimiter) {
        bail!(
            "{shown}:{line}: {}",
            crate::input::text_sheet::UNCLOSED_QUOTE
        );
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .with_context(|| format!("{shown}: cannot read the header"))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(ci), Some(ct), Some(ce)) = (col("indicator"), col("to"), col("effort")) else {
        bail!("{shown}:1: the header must name the columns indicator,to,effort");
    };
    let mut default = exact::int(1);
    let mut default_at: Option<String> = None;
    let mut rules = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            anyhow::anyhow!("{shown}:{line}: cannot read this row as CSV: {e}")
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let at = format!("{shown}:{line}");
        let get = |c: usize| record.get(c).unwrap_or("");
        let indicator = parse_indicator(model, get(ci), &format!("{at}: column \"indicator\""))?;
        let to = parse_to(model, get(ct), &format!("{at}: column \"to\""))?;
        let effort = parse_effort(get(ce), &format!("{at}: column \"effort\""))?;
        if indicator.is_none() && to.is_none() {
            if let Some(prev) = &default_at {
                bail!("{at}: a second default row (also at {prev}); keep one");
            }
            default = effort;
            default_at = Some(at);
        } else {
            rules.push(Rule {
                indicator,
                to,
                effort,
                at,
            });
        }
    }
    Ok((default, rules))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spbe() -> Model {
        Model::load("spbe-2020").unwrap()
    }

    #[test]
    fn yaml_and_csv_agree_and_the_most_specific_rule_wins() {
        let m = spbe();
        let yaml = "default: 1\nrules:\n  - {to: 4, effort: 2}\n  - {to: 5, effort: 4.5}\n  - {indicator: 11, effort: 3}\n  - {indicator: 11, to: 5, effort: 6}\n";
        let (d, r) = parse_yaml(&m, yaml, "e.yaml").unwrap();
        let y = Efforts::from_rules(&m, d, &r).unwrap();
        let csv = "indicator,to,effort\n,,1\n,4,2\n*,5,4.5\n11,,3\n11,5,6\n";
        let (d, r) = parse_csv(&m, csv, "e.csv").unwrap();
        let c = Efforts::from_rules(&m, d, &r).unwrap();
        assert_eq!(y, c);
        let i11 = m.find_indicator("11").unwrap();
        let i1 = m.find_indicator("1").unwrap();
        assert_eq!(y.scale, 10);
        assert_eq!(y.cost(i1, 3), 10);
        assert_eq!(y.cost(i1, 4), 20);
        assert_eq!(y.cost(i1, 5), 45);
        assert_eq!(y.cost(i11, 3), 30);
        assert_eq!(y.cost(i11, 4), 30);
        assert_eq!(y.cost(i11, 5), 60);
        assert_eq!(y.unscale(45), exact::ratio(9, 2));
    }

    #[test]
    fn bad_rules_are_named() {
        let m = spbe();
        let err = |text: &str| parse_csv(&m, text, "e.csv").unwrap_err().to_string();
        assert_eq!(
            err("indicator,to,effort\n99,,1\n"),
            "e.csv:2: column \"indicator\": the model spbe-2020 has no indicator \"99\"; use an indicator ID such as 1"
        );
        assert_eq!(
            err("indicator,to,effort\n1,6,1\n"),
            "e.csv:2: column \"to\": \"to\" is \"6\"; a step goes to a whole level from 2 to 5"
        );
        assert_eq!(
            err("indicator,to,effort\n1,,-1\n"),
            "e.csv:2: column \"effort\": effort \"-1\" is negative; an effort is 0 or more"
        );
        let (d, r) = parse_csv(&m, "indicator,to,effort\n1,,1\n1,,2\n", "e.csv").unwrap();
        assert_eq!(
            Efforts::from_rules(&m, d, &r).unwrap_err().to_string(),
            "e.csv:3: the same step is priced twice (also at e.csv:2); keep one"
        );
        let yaml_err = parse_yaml(&m, "rules:\n  - {to: 4, cost: 2}\n", "e.yaml")
            .unwrap_err()
            .to_string();
        assert!(yaml_err.starts_with("e.yaml:2: "), "{yaml_err}");
    }
}
