//! Saved results: a JSON result written by `spbe score --format json`, read back by `spbe diff`,
//! `spbe trend` and `spbe check --baseline` (or, for `diff` and `trend`, answer sheets scored on
//! the spot, [`load`]). A JSON result is read up to what a real result can be
//! ([`MAX_RESULT_BYTES`]), in UTF-8 or the UTF-16 that PowerShell's `>` writes (a byte-order mark
//! says which), and checked: a result no model could produce (an index of -5, a level of 300) is
//! refused at the field that is wrong, not compared or passed through a gate.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, bail};
use num_traits::Zero;

use crate::core::consolidate::Combine;
use crate::core::evaluate::{Policy, evaluate};
use crate::core::exact::{self, Decimal, Exact};
use crate::core::model::Model;
use crate::core::score::PredicateBasis;
use crate::core::scorecard::{SCHEMA_VERSION, Scorecard};
use crate::core::stage::Stage;
use crate::core::value::Value;
use crate::input::sheets::{self, ReadOptions};

/// How to read and score a side given as answer sheets.
#[derive(Debug, Clone)]
pub struct SheetOptions {
    pub model: String,
    pub combine: Combine,
    pub basis: PredicateBasis,
    pub stage: Option<Stage>,
    pub read: ReadOptions,
}

/// True when the path names a JSON result rather than answer sheets.
pub fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
}

/// Reads a JSON result, checking that it is one ([`read`]).
pub fn read_json(path: &Path) -> anyhow::Result<Scorecard> {
    read(path)
}

/// Loads one side: a JSON result, or answer sheets scored with `opts`.
pub fn load(path: &Path, opts: &SheetOptions) -> anyhow::Result<Scorecard> {
    if is_json(path) {
        return read_json(path);
    }
    let model = Model::load(&opts.model)?;
    let set = sheets::load_with(&model, &[path.to_path_buf()], &opts.read)?;
    let policy = Policy {
        combine: opts.combine,
        basis: opts.basis,
        stage: opts.stage,
        ..Policy::default()
    };
    Ok(Scorecard::of(&evaluate(&model, &set, policy)?))
}

/// A result larger than this is refused before it is read whole. The largest real results (a
/// province of a few hundred OPD, every answer listed) are a few MiB.
pub const MAX_RESULT_BYTES: u64 = 64 << 20;

/// The highest level any model may have (model validation refuses more).
const MAX_LEVEL: u8 = 100;

/// Reads a JSON result from `path` (`-` is stdin), checking that it is one.
pub fn read(path: &Path) -> anyhow::Result<Scorecard> {
    let shown = if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    let mut bytes = Vec::new();
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        crate::input::note_stdin();
        Box::new(std::io::stdin().lock())
    } else {
        crate::input::note_read(path);
        Box::new(std::fs::File::open(path).with_context(|| format!("cannot read {shown}"))?)
    };
    reader
        .take(MAX_RESULT_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {shown}"))?;
    if bytes.len() as u64 > MAX_RESULT_BYTES {
        bail!(
            "{shown}: the file is larger than {} MiB, far larger than a result of `spbe score --format json` is; check the path",
            MAX_RESULT_BYTES >> 20
        );
    }
    parse(&bytes, &shown)
}

/// Reads a result from its bytes; `shown` names it in messages.
pub fn parse(bytes: &[u8], shown: &str) -> anyhow::Result<Scorecard> {
    let text = decode(bytes, shown)?;
    // Parsed straight from the text, never through serde_json::Value: numbers must not pass
    // through f64 (a Value would turn 2.80 into 2.8 and could change long decimals).
    #[derive(serde::Deserialize)]
    struct Probe {
        schema_version: Option<u64>,
    }
    let probe: Probe = serde_json::from_str(&text).with_context(|| {
        format!(
            "{shown}: not a JSON result; give a result written by `spbe score --format json`, or answer sheets"
        )
    })?;
    match probe.schema_version {
        Some(v) if v == SCHEMA_VERSION as u64 => {}
        Some(v) => bail!(
            "{shown}: schema_version {v} is not supported; this spbe reads results with schema_version {SCHEMA_VERSION}"
        ),
        None => bail!(
            "{shown}: this JSON has no schema_version; give a result written by `spbe score --format json`"
        ),
    }
    let card: Scorecard = serde_json::from_str(&text)
        .with_context(|| format!("{shown}: not a result of `spbe score --format json`"))?;
    if let Err((field, message)) = check(&card) {
        bail!(
            "{shown}: {field}: {message}; this is not a result spbe wrote (edited by hand?), so it is not compared"
        );
    }
    Ok(card)
}

/// The text of a result: UTF-8 (a BOM is dropped) or UTF-16 with its BOM.
fn decode(bytes: &[u8], shown: &str) -> anyhow::Result<String> {
    let (encoding, body) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) => (encoding, &bytes[bom..]),
        None => (encoding_rs::UTF_8, bytes),
    };
    if encoding == encoding_rs::UTF_8 {
        return String::from_utf8(body.to_vec())
            .map_err(|_| anyhow::anyhow!("{shown}: not UTF-8 text, so not a JSON result"));
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        bail!(
            "{shown}: not {} text, so not a JSON result",
            encoding.name()
        );
    }
    Ok(text.into_owned())
}

/// The levels a result's model allows: the embedded model's when the result names one by its
/// id and hash, else 0 to the highest any model may have.
fn level_range(card: &Scorecard) -> (u8, u8, String) {
    if let Ok(model) = Model::load(&card.model.id) {
        if model.sha256 == card.model.sha256 && model.origin.starts_with("embedded:") {
            return (
                model.min_level,
                model.max_level,
                format!("the model {}", model.id),
            );
        }
    }
    (0, MAX_LEVEL, "any model".to_string())
}

/// Checks that every value is one a model could produce: indices and levels within the model's
/// levels, weights between 0 and 100, contributions not negative. `Err((field, message))`.
fn check(card: &Scorecard) -> Result<(), (String, String)> {
    let (lo, hi, which) = level_range(card);
    let (lo_x, hi_x) = (exact::int(lo as i64), exact::int(hi as i64));
    let within = |field: String, what: &str, d: &Decimal| -> Result<(), (String, String)> {
        let v = d.value();
        if v < lo_x || v > hi_x {
            return Err((
                field,
                format!("{what} {d} is outside the levels of {which}, {lo} to {hi}"),
            ));
        }
        Ok(())
    };
    let level = |field: String, l: Value| -> Result<(), (String, String)> {
        if l.exact() < lo_x || l.exact() > hi_x {
            return Err((
                field,
                format!("level {l} is outside the levels of {which}, {lo} to {hi}"),
            ));
        }
        Ok(())
    };
    let weight = |field: String, d: &Decimal| -> Result<(), (String, String)> {
        let v = d.value();
        if v <= Exact::zero() || v > exact::int(100) {
            return Err((
                field,
                format!("weight {d} is not between 0 and 100 percent"),
            ));
        }
        Ok(())
    };
    within("index".into(), "the index", &card.index)?;
    within("index_rounded".into(), "the index", &card.index_rounded)?;
    for (i, d) in card.domains.iter().enumerate() {
        weight(format!("domains[{i}].weight"), &d.weight)?;
        within(format!("domains[{i}].index"), "the index", &d.index)?;
        within(
            format!("domains[{i}].index_rounded"),
            "the index",
            &d.index_rounded,
        )?;
    }
    for (i, a) in card.aspects.iter().enumerate() {
        weight(format!("aspects[{i}].weight"), &a.weight)?;
        within(format!("aspects[{i}].index"), "the index", &a.index)?;
        within(
            format!("aspects[{i}].index_rounded"),
            "the index",
            &a.index_rounded,
        )?;
    }
    for (i, ind) in card.indicators.iter().enumerate() {
        weight(format!("indicators[{i}].weight"), &ind.weight)?;
        within(format!("indicators[{i}].level"), "level", &ind.level)?;
        if ind.contribution.value() < Exact::zero()
            || ind.contribution.value() > hi_x.clone() * ind.weight.value() / exact::int(100)
        {
            return Err((
                format!("indicators[{i}].contribution"),
                format!(
                    "the contribution {} is more than the level {hi} times the weight {} can give",
                    ind.contribution, ind.weight
                ),
            ));
        }
        for (name, l) in [("min", ind.min), ("max", ind.max)] {
            if let Some(l) = l {
                level(format!("indicators[{i}].{name}"), l)?;
            }
        }
        for (j, a) in ind.answers.iter().enumerate() {
            level(format!("indicators[{i}].answers[{j}].level"), a.level)?;
        }
    }
    if card.indicators.is_empty() {
        return Err(("indicators".into(), "the result has no indicators".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> String {
        let model = Model::load("spbe-2020").unwrap();
        let set = crate::input::sheets::load(
            &model,
            &[std::path::PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/examples/kota-contoh"
            ))],
        )
        .unwrap();
        let ev = crate::core::evaluate::evaluate(&model, &set, Default::default()).unwrap();
        crate::output::json::to_string(&Scorecard::of(&ev))
    }

    #[test]
    fn a_bom_in_utf_8_or_utf_16_is_read() {
        let text = sample();
        assert!(parse(text.as_bytes(), "r.json").is_ok());
        let mut utf8 = b"\xEF\xBB\xBF".to_vec();
        utf8.extend(text.as_bytes());
        assert!(parse(&utf8, "r.json").is_ok());
        let mut le = b"\xFF\xFE".to_vec();
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert!(parse(&le, "r.json").is_ok());
        let mut be = b"\xFE\xFF".to_vec();
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert!(parse(&be, "r.json").is_ok());
    }

    #[test]
    fn impossible_values_are_refused_at_their_field() {
        let text = sample();
        let err = |from: &str, to: &str| {
            assert!(text.contains(from), "{from}");
            parse(text.replacen(from, to, 1).as_bytes(), "r.json")
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("\"index\": 2.764", "\"index\": -5"),
            "r.json: index: the index -5 is outside the levels of the model spbe-2020, 1 to 5; this is not a result spbe wrote (edited by hand?), so it is not compared"
        );
        let e = err(
            "\"level\": 3,\n      \"level_name\"",
            "\"level\": 300,\n      \"level_name\"",
        );
        assert!(
            e.starts_with("r.json: indicators[0].level: level 300 is outside the levels"),
            "{e}"
        );
        let e = err("\"weight\": 13.00", "\"weight\": 130");
        assert!(
            e.starts_with("r.json: domains[0].weight: weight 130 is not between 0 and 100"),
            "{e}"
        );
    }
}
