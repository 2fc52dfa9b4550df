//! Indicators valued from other agencies' indices (Pemdi 2026: I5 from Indeks SDI, Bappenas;
//! I6 from SJIG, BIG; I7 from the Indeks Pembangunan Statistik, BPS; I18 from the SDI's
//! interoperability aspect). The model marks them (`external:` on the indicator) with the
//! source index, the agency and, where known, the bands that convert the source value to a
//! level. Pure.
//!
//! The rule, per such indicator, in order:
//! 1. a source value given (`--external SDI=55.2`) is converted by the bands, and the warning
//!    says so and how far the bands are confirmed;
//! 2. otherwise an answer in the sheets counts like any answer (a value copied from a result);
//! 3. otherwise the indicator is *pending*: it counts at the lowest level (1.00), as the
//!    assessors count it until the national value is published ("asumsi nilai dari indikator
//!    yang menggunakan indeks lain = 1"), with its own warning, never as "nobody answered".

use crate::core::consolidate::Consolidated;
use crate::core::evaluate::{Evaluation, Notice};
use crate::core::exact::{self, Exact};
use crate::core::model::{Confidence, External, Model};

/// A source index value given for one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceValue {
    /// The indicator's position in the model.
    pub indicator: usize,
    /// The source index's value, exact.
    pub value: Exact,
    /// The value as given (`55.2`, `55,2`), for messages.
    pub text: String,
    /// Where it was given when not as `--external KEY=VALUE` (`values.csv:3`), for messages.
    pub from: Option<String>,
}

/// What an indicator valued from another agency's index scored from.
#[derive(Debug, Clone, PartialEq)]
pub enum ExternalStatus {
    /// No value given and nobody answered: counted at the lowest level.
    Pending,
    /// Answered in the sheets: counted like any answer.
    Answered,
    /// Converted from a source value given.
    Converted {
        /// The source value.
        value: Exact,
        text: String,
        /// Where it was given, when not on the command line.
        from: Option<String>,
        /// The level it converts to.
        level: u8,
        /// The sheets' consolidated value it replaced, if the sheets answered too.
        replaced: Option<Exact>,
    },
}

impl ExternalStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ExternalStatus::Pending => "pending",
            ExternalStatus::Answered => "answered",
            ExternalStatus::Converted { .. } => "converted",
        }
    }
}

/// Reads `KEY=VALUE`: the key is the source index's key (`SDI`) or the indicator's id, code or
/// alias; the value a decimal number, with a point or the Indonesian comma.
pub fn parse(model: &Model, text: &str) -> Result<SourceValue, String> {
    let keys = || {
        model
            .external_indicators()
            .map(|(i, e)| format!("{} (indicator {})", e.key, model.indicators[i].id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((key, value)) = text.split_once('=') else {
        return Err(format!("write KEY=VALUE, e.g. SDI=55.2; keys: {}", keys()));
    };
    let key = key.trim();
    let found = model
        .external_indicators()
        .find(|(_, e)| e.key.eq_ignore_ascii_case(key))
        .map(|(i, _)| i)
        .or_else(|| model.find_indicator(key));
    let i = match found {
        Some(i) if model.indicators[i].external.is_some() => i,
        Some(i) => {
            return Err(format!(
                "indicator {} is not valued from another agency's index; those of the model {} are: {}",
                model.indicators[i].id,
                model.id,
                keys()
            ));
        }
        None if keys().is_empty() => {
            return Err(format!(
                "the model {} has no indicator valued from another agency's index",
                model.id
            ));
        }
        None => return Err(format!("unknown key {key:?}; the keys are: {}", keys())),
    };
    let shown = value.trim();
    let Some(v) = exact::parse_decimal(&shown.replacen(',', ".", 1)) else {
        return Err(format!(
            "{shown:?} is not a number; write e.g. 55.2 or 55,2"
        ));
    };
    let e = model.indicators[i].external.as_ref().expect("checked");
    convert(e, &v, shown)?;
    Ok(SourceValue {
        indicator: i,
        value: v,
        text: shown.to_string(),
        from: None,
    })
}

/// The level a source value converts to; the error says what is allowed.
pub fn convert(e: &External, value: &Exact, text: &str) -> Result<u8, String> {
    if e.bands.is_empty() {
        return Err(format!(
            "the model has no conversion bands for {}; enter the indicator's value in an answer sheet instead",
            e.index
        ));
    }
    e.level_of(value).ok_or_else(|| {
        format!(
            "{} {text} is outside its scale {} to {}",
            e.index,
            exact::exact_text(&e.min, 0).0,
            exact::exact_text(&e.max, 0).0
        )
    })
}

/// Step 3 of the pipeline: converts the values given, marks the pending indicators, and sets
/// `levels` accordingly. Errors: two values for one indicator.
pub fn apply(
    model: &Model,
    consolidated: &[Consolidated],
    given: &[SourceValue],
    levels: &mut [Exact],
) -> anyhow::Result<Vec<Option<ExternalStatus>>> {
    let mut status: Vec<Option<ExternalStatus>> = model
        .indicators
        .iter()
        .zip(consolidated)
        .map(|(ind, c)| {
            ind.external.as_ref().map(|_| match c.filled {
                true => ExternalStatus::Pending,
                false => ExternalStatus::Answered,
            })
        })
        .collect();
    for (k, g) in given.iter().enumerate() {
        let i = g.indicator;
        let Some(e) = &model.indicators[i].external else {
            anyhow::bail!(
                "--external: indicator {} is not valued from another agency's index",
                model.indicators[i].id
            );
        };
        if given[..k].iter().any(|o| o.indicator == i) {
            anyhow::bail!(
                "--external: {} (indicator {}) is given twice; give one value",
                e.key,
                model.indicators[i].id
            );
        }
        let level = convert(e, &g.value, &g.text).map_err(anyhow::Error::msg)?;
        let replaced = (!consolidated[i].filled).then(|| levels[i].clone());
        levels[i] = exact::int(level as i64);
        status[i] = Some(ExternalStatus::Converted {
            value: g.value.clone(),
            text: g.text.clone(),
            from: g.from.clone(),
            level,
            replaced,
        });
    }
    Ok(status)
}

/// The band a converted value fell in, for people: `37.5 to 62.5`.
fn band_text(e: &External, level: u8) -> String {
    e.bands
        .iter()
        .find(|b| b.level == level)
        .map(|b| {
            format!(
                "{} to {}",
                exact::exact_text(&b.min, 0).0,
                exact::exact_text(&b.max, 0).0
            )
        })
        .unwrap_or_default()
}

/// One notice per pending or converted indicator.
pub fn notices(ev: &Evaluation<'_>) -> Vec<Notice> {
    let model = ev.model;
    let lowest = model.value(model.level_units(model.min_level));
    let mut out = Vec::new();
    for (i, e) in model.external_indicators() {
        let ind = &model.indicators[i];
        let (indicator, name) = (ind.id.clone(), ind.name.clone());
        match &ev.external[i] {
            Some(ExternalStatus::Pending) if ev.pending(i) => out.push(Notice::ExternalPending {
                indicator,
                name,
                source: e.source(),
                key: e.key.clone(),
                lowest,
            }),
            Some(ExternalStatus::Converted {
                text,
                from,
                level,
                replaced,
                ..
            }) => out.push(Notice::ExternalConverted {
                indicator,
                name,
                source: e.source(),
                key: e.key.clone(),
                given: text.clone(),
                from: from.clone(),
                band: band_text(e, *level),
                level: *level,
                value: model.value(model.level_units(*level)),
                confidence: (e.confidence != Confidence::High)
                    .then(|| e.confidence.as_str().to_string()),
                replaced: replaced
                    .as_ref()
                    .map(|r| exact::fixed(r, model.level_decimals)),
            }),
            _ => {}
        }
    }
    out
}
