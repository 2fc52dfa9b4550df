//! The index over the years: per year the index, predicate, domain indices and change, the
//! years where the model changed, and progress against a plan's yearly targets. Pure: results
//! in, one trend out.

use num_traits::{Signed, Zero};
use serde::Serialize;

use crate::core::exact::{self, Decimal, Exact};
use crate::core::scorecard::{ModelInfo, Scorecard};

pub const SCHEMA_VERSION: u32 = 1;

/// One year's result, as given.
pub struct YearResult {
    pub year: u16,
    /// Where it came from (a path).
    pub source: String,
    pub card: Scorecard,
}

/// A domain's (or, for models with no domain layer, an aspect's) index in one year.
#[derive(Debug, Clone, Serialize)]
pub struct GroupIndex {
    pub id: String,
    pub name: String,
    pub index: Decimal,
    pub index_rounded: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearRow {
    pub year: u16,
    pub source: String,
    pub model: ModelInfo,
    /// True when this year's model differs from the previous year's.
    pub model_changed: bool,
    /// The previous year's model id, when it changed.
    pub previous_model: Option<String>,
    pub index: Decimal,
    pub index_rounded: Decimal,
    pub predicate: String,
    /// The previous year given (the change is over `year - previous_year` years).
    pub previous_year: Option<u16>,
    /// Index change since the previous year given, exact (null for the first year).
    pub change: Option<Decimal>,
    pub change_rounded: Option<Decimal>,
    /// `domains`, or `aspects` for a model with no domain layer.
    pub groups_kind: String,
    pub groups: Vec<GroupIndex>,
    /// The plan's target for this year, if any, and whether the published (rounded) index met it.
    pub target: Option<Decimal>,
    pub on_track: Option<bool>,
}

/// One year of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    pub year: u16,
    pub target: Decimal,
    /// `met`, `missed`, `upcoming` (a year after the latest result) or `no result` (a past year
    /// with no result given).
    pub status: String,
    pub index_rounded: Option<Decimal>,
    /// For years ahead: the gain still needed from the latest result, in total and per year
    /// (exact; zero when the latest result already reaches the target).
    pub gain_needed: Option<Decimal>,
    pub gain_needed_per_year: Option<Decimal>,
}

/// The JSON contract of `spbe trend --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub schema_version: u32,
    pub years: Vec<YearRow>,
    pub targets: Vec<TargetRow>,
    pub notes: Vec<String>,
    /// Digits shown (the latest model's rounding).
    #[serde(skip)]
    pub decimals: u32,
}

fn same_model(a: &ModelInfo, b: &ModelInfo) -> bool {
    a.id == b.id && a.sha256 == b.sha256
}

/// `x` rounded up (toward +∞) to `decimals`: a gain a plan needs is never shown smaller than it is.
pub fn ceil_to(x: &Exact, decimals: u32) -> Exact {
    let scale = exact::int(10i64.pow(decimals));
    (x * &scale).ceil() / scale
}

/// Builds the trend. `results` must be sorted by year with no year twice; `targets` likewise.
pub fn trend(results: Vec<YearResult>, targets: &[(u16, Exact)]) -> Trend {
    let decimals = results
        .last()
        .map(|r| crate::core::diff::decimals_of(&r.card))
        .unwrap_or(2);
    let mut years: Vec<YearRow> = Vec::new();
    let mut notes = Vec::new();
    let mut cautions: Vec<String> = Vec::new();
    for r in &results {
        let c = &r.card;
        if let Some(caution) = c.model.status.caution(&c.model.id) {
            if !cautions.contains(&caution) {
                cautions.push(caution);
            }
        }
        let prev = years.last();
        let model_changed = prev.is_some_and(|p| !same_model(&p.model, &c.model));
        if model_changed {
            let p = prev.expect("checked");
            notes.push(if p.model.id == c.model.id {
                format!(
                    "{}: the model {} is a different file from {}'s (sha256 {} then {}); check that the weights did not change",
                    r.year,
                    c.model.id,
                    p.year,
                    crate::core::model::short_hash(&p.model.sha256),
                    crate::core::model::short_hash(&c.model.sha256)
                )
            } else {
                format!(
                    "{}: the model changed from {} to {}; the change from {} compares indices of different models",
                    r.year, p.model.id, c.model.id, p.year
                )
            });
        }
        let change = prev.map(|p| c.index.value() - p.index.value());
        let (groups_kind, groups) = if c.domains.is_empty() {
            (
                "aspects",
                c.aspects
                    .iter()
                    .map(|a| GroupIndex {
                        id: a.id.clone(),
                        name: a.name.clone(),
                        index: a.index.clone(),
                        index_rounded: a.index_rounded.clone(),
                    })
                    .collect(),
            )
        } else {
            (
                "domains",
                c.domains
                    .iter()
                    .map(|d| GroupIndex {
                        id: d.id.clone(),
                        name: d.name.clone(),
                        index: d.index.clone(),
                        index_rounded: d.index_rounded.clone(),
                    })
                    .collect(),
            )
        };
        let target = targets
            .iter()
            .find(|(y, _)| *y == r.year)
            .map(|(_, t)| t.clone());
        years.push(YearRow {
            year: r.year,
            source: r.source.clone(),
            model: c.model.clone(),
            model_changed,
            previous_model: if model_changed {
                prev.map(|p| p.model.id.clone())
            } else {
                None
            },
            previous_year: prev.map(|p| p.year),
            index: c.index.clone(),
            index_rounded: c.index_rounded.clone(),
            predicate: c.predicate.clone(),
            change: change.as_ref().map(Decimal::exact),
            // The change in the published figures, so it matches the indices shown.
            change_rounded: prev.map(|p| {
                Decimal::rounded(
                    &(c.index_rounded.value() - p.index_rounded.value()),
                    decimals,
                )
            }),
            groups_kind: groups_kind.into(),
            groups,
            on_track: target.as_ref().map(|t| c.index_rounded.value() >= *t),
            target: target.as_ref().map(Decimal::exact),
        });
    }
    notes.extend(cautions);

    let latest = years.last().map(|y| (y.year, y.index.value()));
    let targets = targets
        .iter()
        .map(|(year, t)| {
            let row = years.iter().find(|y| y.year == *year);
            let mut out = TargetRow {
                year: *year,
                target: Decimal::exact(t),
                status: String::new(),
                index_rounded: row.map(|r| r.index_rounded.clone()),
                gain_needed: None,
                gain_needed_per_year: None,
            };
            match (row, &latest) {
                (Some(r), _) => {
                    out.status = if r.on_track == Some(true) {
                        "met"
                    } else {
                        "missed"
                    }
                    .into();
                }
                (None, Some((ly, li))) if year > ly => {
                    out.status = "upcoming".into();
                    let mut needed = t - li;
                    if needed.is_negative() {
                        needed = Exact::zero();
                    }
                    let per_year = &needed / exact::int((*year - *ly) as i64);
                    out.gain_needed = Some(Decimal::exact(&needed));
                    out.gain_needed_per_year = Some(Decimal::exact(&per_year));
                }
                _ => out.status = "no result".into(),
            }
            out
        })
        .collect();
    Trend {
        schema_version: SCHEMA_VERSION,
        years,
        targets,
        notes,
        decimals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gains_are_rounded_up() {
        assert_eq!(
            ceil_to(&exact::ratio(1141, 10000), 2),
            exact::ratio(12, 100)
        );
        assert_eq!(ceil_to(&exact::ratio(12, 100), 2), exact::ratio(12, 100));
        assert_eq!(ceil_to(&Exact::zero(), 2), Exact::zero());
    }
}
