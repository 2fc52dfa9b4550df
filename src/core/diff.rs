//! Comparing two results: the index, predicate, domains, aspects and every indicator that
//! changed, sorted by impact. Pure: two scorecards in, one comparison out. Results of different
//! models are compared only by the overall index and predicate.

use std::cmp::Ordering;

use num_traits::{Signed, Zero};
use serde::Serialize;

use crate::core::exact::{Decimal, Exact};
use crate::core::scorecard::{ModelInfo, Scorecard};

pub const SCHEMA_VERSION: u32 = 1;

/// One side of a comparison, summarized.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// What the user named: a path, or a stage.
    pub label: String,
    pub model: ModelInfo,
    pub year: Option<u16>,
    pub stage: Option<String>,
    pub index: Decimal,
    pub index_rounded: Decimal,
    pub predicate: String,
}

/// A domain or aspect on both sides.
#[derive(Debug, Clone, Serialize)]
pub struct NodeChange {
    pub id: String,
    pub name: String,
    pub old: Decimal,
    pub old_rounded: Decimal,
    pub new: Decimal,
    pub new_rounded: Decimal,
    /// new − old, exact.
    pub change: Decimal,
    /// The change in the published (rounded) figures: new_rounded − old_rounded, so it always
    /// matches the two numbers shown beside it.
    pub change_rounded: Decimal,
}

/// An indicator whose level changed.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorChange {
    pub id: String,
    pub name: String,
    pub aspect: String,
    pub domain: Option<String>,
    pub weight: Decimal,
    pub old_level: Decimal,
    pub new_level: Decimal,
    pub old_level_name: Option<String>,
    pub new_level_name: Option<String>,
    /// True when nobody answered on that side and the lowest level was filled in.
    pub old_filled: bool,
    pub new_filled: bool,
    pub old_stage: Option<crate::core::stage::Stage>,
    pub new_stage: Option<crate::core::stage::Stage>,
    pub level_change: Decimal,
    /// Index points gained (positive) or lost: level change × weight / 100.
    pub points_change: Decimal,
}

/// The JSON contract of `spbe diff --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub schema_version: u32,
    pub old: Side,
    pub new: Side,
    /// False when the sides use different models: then only the index and predicate are
    /// compared and `domains`, `aspects`, `indicators` are empty.
    pub same_model: bool,
    /// Plain-words remarks (different models, different model files, non-official models).
    pub notes: Vec<String>,
    pub index_change: Decimal,
    pub index_change_rounded: Decimal,
    pub predicate_changed: bool,
    pub domains: Vec<NodeChange>,
    pub aspects: Vec<NodeChange>,
    /// Only the indicators whose level changed, largest |points_change| first.
    pub indicators: Vec<IndicatorChange>,
    pub unchanged_indicators: usize,
    /// Digits shown for indices (the new model's rounding).
    #[serde(skip)]
    pub decimals: u32,
}

impl Side {
    fn of(label: &str, card: &Scorecard) -> Side {
        Side {
            label: label.to_string(),
            model: card.model.clone(),
            year: card.year,
            stage: card.stage.clone(),
            index: card.index.clone(),
            index_rounded: card.index_rounded.clone(),
            predicate: card.predicate.clone(),
        }
    }
}

/// Digits the model rounds to, read back from a result (`index_rounded` is written with them).
pub fn decimals_of(card: &Scorecard) -> u32 {
    card.index_rounded
        .as_str()
        .split_once('.')
        .map(|(_, f)| f.len() as u32)
        .unwrap_or(0)
}

/// Two results are comparable indicator by indicator when they use the same model: the same id
/// and the same domains, aspects and indicators.
fn same_structure(a: &Scorecard, b: &Scorecard) -> bool {
    let ids = |c: &Scorecard| {
        (
            c.domains.iter().map(|d| d.id.clone()).collect::<Vec<_>>(),
            c.aspects.iter().map(|x| x.id.clone()).collect::<Vec<_>>(),
            c.indicators
                .iter()
                .map(|i| (i.id.clone(), i.weight.value()))
                .collect::<Vec<_>>(),
        )
    };
    a.model.id == b.model.id && ids(a) == ids(b)
}

fn model_words(m: &ModelInfo) -> String {
    format!("{} ({}, {})", m.name, m.id, m.status)
}

/// Compares `old` with `new`.
pub fn diff(old_label: &str, old: &Scorecard, new_label: &str, new: &Scorecard) -> Diff {
    let decimals = decimals_of(new);
    let rounded = |x: &Exact| Decimal::rounded(x, decimals);
    let change = new.index.value() - old.index.value();
    let same_model = same_structure(old, new);
    let mut notes = Vec::new();
    if !same_model {
        notes.push(format!(
            "the two results use different models: {} and {}; only the overall index and predicate are compared, not domains, aspects or indicators",
            model_words(&old.model),
            model_words(&new.model)
        ));
    } else if old.model.sha256 != new.model.sha256 {
        notes.push(format!(
            "both results use model {} but from different model files (sha256 {} and {}); compared by indicator id",
            new.model.id,
            crate::core::model::short_hash(&old.model.sha256),
            crate::core::model::short_hash(&new.model.sha256)
        ));
    }
    let mut seen_caution = Vec::new();
    for m in [&old.model, &new.model] {
        if let Some(c) = m.status.caution(&m.id) {
            if !seen_caution.contains(&c) {
                seen_caution.push(c.clone());
                notes.push(c);
            }
        }
    }

    let node = |id: &str, name: &str, o: &Decimal, n: &Decimal| {
        let c = n.value() - o.value();
        NodeChange {
            id: id.to_string(),
            name: name.to_string(),
            old: o.clone(),
            old_rounded: rounded(&o.value()),
            new: n.clone(),
            new_rounded: rounded(&n.value()),
            change: Decimal::exact(&c),
            change_rounded: rounded(&(rounded(&n.value()).value() - rounded(&o.value()).value())),
        }
    };
    let (mut domains, mut aspects, mut indicators) = (Vec::new(), Vec::new(), Vec::new());
    let mut unchanged = 0;
    if same_model {
        domains = old
            .domains
            .iter()
            .zip(&new.domains)
            .map(|(o, n)| node(&n.id, &n.name, &o.index, &n.index))
            .collect();
        aspects = old
            .aspects
            .iter()
            .zip(&new.aspects)
            .map(|(o, n)| node(&n.id, &n.name, &o.index, &n.index))
            .collect();
        let mut changed: Vec<(usize, Exact, IndicatorChange)> = Vec::new();
        for (k, (o, n)) in old.indicators.iter().zip(&new.indicators).enumerate() {
            let dl = n.level.value() - o.level.value();
            if dl.is_zero() {
                unchanged += 1;
                continue;
            }
            let dp = n.contribution.value() - o.contribution.value();
            changed.push((
                k,
                dp.clone(),
                IndicatorChange {
                    id: n.id.clone(),
                    name: n.name.clone(),
                    aspect: n.aspect.clone(),
                    domain: new
                        .aspects
                        .iter()
                        .find(|a| a.id == n.aspect)
                        .and_then(|a| a.domain.clone()),
                    weight: n.weight.clone(),
                    old_level: o.level.clone(),
                    new_level: n.level.clone(),
                    old_level_name: o.level_name.clone(),
                    new_level_name: n.level_name.clone(),
                    old_filled: o.filled,
                    new_filled: n.filled,
                    old_stage: o.stage,
                    new_stage: n.stage,
                    level_change: Decimal::exact(&dl),
                    points_change: Decimal::exact(&dp),
                },
            ));
        }
        changed.sort_by(|a, b| match b.1.abs().cmp(&a.1.abs()) {
            Ordering::Equal => a.0.cmp(&b.0),
            o => o,
        });
        indicators = changed.into_iter().map(|c| c.2).collect();
    }

    Diff {
        schema_version: SCHEMA_VERSION,
        old: Side::of(old_label, old),
        new: Side::of(new_label, new),
        same_model,
        notes,
        index_change: Decimal::exact(&change),
        // The published figures' change, so it matches the two indices shown.
        index_change_rounded: rounded(&(new.index_rounded.value() - old.index_rounded.value())),
        predicate_changed: old.predicate != new.predicate,
        domains,
        aspects,
        indicators,
        unchanged_indicators: unchanged,
        decimals,
    }
}

/// A signed change for people: `+0.08`, `-0.0275`, `0`.
pub fn signed(d: &Decimal) -> String {
    let v = d.value();
    if v.is_positive() {
        format!("+{d}")
    } else {
        d.to_string()
    }
}
