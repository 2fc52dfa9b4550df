//! The scorecard: the record of an evaluation in the shape of `spbe score`'s JSON contract
//! (`schema_version` 1), built by [`Scorecard::of`] from an [`Evaluation`]. It is what results
//! are saved as and read back from (`diff`, `trend`, `check --baseline`); commands that evaluate
//! read their numbers from the evaluation itself, never from this record's decimal text.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::core::answers::InputFile;
use crate::core::consolidate::Combine;
use crate::core::evaluate::{Evaluation, Override};
use crate::core::exact::{self, Decimal};
use crate::core::external::ExternalStatus;
use crate::core::model::{Model, Status};
use crate::core::score::PredicateBasis;
use crate::core::stage::Stage;
use crate::core::value::Value;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scorecard {
    pub schema_version: u32,
    pub tool: Tool,
    pub model: ModelInfo,
    /// The exact index (terminating decimal; under `mean` possibly rounded to 12 digits, see
    /// `index_exact`).
    pub index: Decimal,
    /// Rounded half up to the model's decimals from the exact value.
    pub index_rounded: Decimal,
    /// False only when `mean` produced a fraction with no finite decimal expansion.
    pub index_exact: bool,
    pub predicate: String,
    pub predicate_basis: PredicateBasis,
    pub combine: Combine,
    /// Under `combine` owner: the policy used where no owner answered. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Combine>,
    pub domains: Vec<DomainResult>,
    pub aspects: Vec<AspectResult>,
    pub indicators: Vec<IndicatorResult>,
    pub warnings: Vec<String>,
    pub receipt: Receipt,
    /// The evaluation year, when given (`spbe score --year`); read by `spbe trend`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// Which assessment stage was scored: a stage name (`--stage`), or `latest` (each indicator
    /// from its latest stage present); absent when the sheets have no stage column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// What-if levels (`--set ID=LEVEL`) that replaced the consolidated ones; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<Override>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    pub fn this() -> Tool {
        Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ModelInfo {
    pub id: String,
    pub name: String,
    pub version: String,
    pub status: Status,
    pub source: String,
    pub sha256: String,
    pub origin: String,
}

impl ModelInfo {
    pub fn of(model: &Model) -> ModelInfo {
        ModelInfo {
            id: model.id.clone(),
            name: model.name.clone(),
            version: model.version.clone(),
            status: model.status,
            source: model.source.clone(),
            sha256: model.sha256.clone(),
            origin: model.origin.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DomainResult {
    pub id: String,
    pub name: String,
    pub weight: Decimal,
    pub index: Decimal,
    pub index_rounded: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AspectResult {
    pub id: String,
    pub name: String,
    /// The domain's id; null for models with no domain layer.
    pub domain: Option<String>,
    pub weight: Decimal,
    pub index: Decimal,
    pub index_rounded: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndicatorResult {
    pub id: String,
    pub code: Option<String>,
    pub name: String,
    pub aspect: String,
    pub weight: Decimal,
    /// The consolidated level (a fraction only under `mean`), or the decimal value of a model
    /// of decimal values (`1.26`).
    pub level: Decimal,
    /// The level's name on the indicator's scale (for a decimal value, its whole part's name:
    /// 1.26 → Rintisan); null when a whole level is expected and the level is not whole.
    pub level_name: Option<String>,
    /// Index points: level × weight / 100.
    pub contribution: Decimal,
    /// True when nobody answered and the lowest level was filled in.
    pub filled: bool,
    /// The OPD that answered, in reading order.
    pub opds: Vec<Rc<str>>,
    /// Each OPD's own level.
    pub answers: Vec<OpdLevel>,
    /// The lowest and highest level any OPD gave; null when nobody answered.
    pub min: Option<Value>,
    pub max: Option<Value>,
    /// The assessment stage whose answers scored this indicator; absent when unstaged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// With a responsibility map (`--owners`): the indicator's owner OPD (empty: no owner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<String>>,
    /// With a responsibility map: the OPD that contribute to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contributors: Option<Vec<String>>,
    /// Under `combine` owner: true where no owner answered and the fallback policy decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_fallback: Option<bool>,
    /// For an indicator valued from another agency's index: where its value came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalResult>,
}

/// An indicator valued from another agency's index, in a result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExternalResult {
    /// The key `--external` takes, e.g. `SDI`.
    pub key: String,
    /// The source index and the agency that publishes it.
    pub index: String,
    pub agency: String,
    /// `pending` (no value yet: counted at the lowest level, as the assessors do), `converted`
    /// (from the source value given) or `answered` (the sheets gave the value).
    pub status: String,
    /// The source index's value given, when converted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_value: Option<Decimal>,
    /// How far the conversion bands are confirmed (`unverified`, ...).
    pub bands_confidence: String,
}

/// A source index value used, in the receipt.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExternalValue {
    pub indicator: String,
    pub key: String,
    pub value: Decimal,
    /// The level it converted to.
    pub level: u8,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OpdLevel {
    /// Shared by every answer of the OPD: a scorecard may hold a million answers. `Rc`, not
    /// `Arc`: a scorecard stays on one thread, and a plain count is cheaper to bump.
    pub opd: Rc<str>,
    /// The OPD's level, or value for a model of decimal values.
    pub level: Value,
}

/// What an auditor needs to check the result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Receipt {
    pub tool: Tool,
    pub model: ModelInfo,
    pub inputs: Vec<InputFile>,
    pub combine: Combine,
    /// Under `combine` owner: the fallback policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Combine>,
    pub predicate_basis: PredicateBasis,
    /// Indicators nobody answered, scored at the model's lowest level.
    pub filled_at_lowest: Vec<String>,
    /// Indicators valued from another agency's index with no value yet, counted at the lowest
    /// level as the assessors count them (not in `filled_at_lowest`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending_external: Vec<String>,
    /// Source index values given with `--external` and the levels they converted to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_values: Vec<ExternalValue>,
    /// The responsibility map read with `--owners`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owners: Option<InputFile>,
}

/// Hashes an address (for [`Scorecard::opd_count`]): one multiplication, not SipHash.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

impl Scorecard {
    /// The JSON record of an evaluation: every value exact (or rounded half up from the exact
    /// value), the answers that counted, the warnings and the receipt.
    pub fn of(ev: &Evaluation<'_>) -> Scorecard {
        let model = ev.model;
        let (scores, policy) = (&ev.scores, &ev.policy);
        let d = model.decimals;
        let weight = |units: u64| Decimal::rounded(&model.percent(units), model.weight_decimals());
        let (_, index_exact) = exact::exact_text(&scores.index, 0);
        let owner = policy.combine == Combine::Owner;
        let fallback = owner.then_some(policy.fallback);
        let stages = ev.counted.selection.as_ref().map(|s| &s.stages);

        let domains = model
            .domains
            .iter()
            .zip(&scores.domains)
            .map(|(dom, idx)| DomainResult {
                id: dom.id.clone(),
                name: dom.name.clone(),
                weight: weight(dom.weight),
                index: Decimal::exact(idx),
                index_rounded: Decimal::rounded(idx, d),
            })
            .collect();
        let aspects = model
            .aspects
            .iter()
            .zip(&scores.aspects)
            .map(|(a, idx)| AspectResult {
                id: a.id.clone(),
                name: a.name.clone(),
                domain: a.domain.map(|di| model.domains[di].id.clone()),
                weight: weight(a.weight),
                index: Decimal::exact(idx),
                index_rounded: Decimal::rounded(idx, d),
            })
            .collect();
        let set = ev.grouped.set;
        // One shared copy of each OPD name, however many answers it gave.
        let names: Vec<Rc<str>> = set.opds.iter().map(|o| Rc::from(o.as_str())).collect();
        let indicators: Vec<IndicatorResult> = model
            .indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| {
                let c = &ev.consolidated[i];
                let level = &ev.levels[i];
                let answered = &ev.grouped.by_indicator[i];
                IndicatorResult {
                    id: ind.id.clone(),
                    code: ind.code.clone(),
                    name: ind.name.clone(),
                    aspect: model.aspects[ind.aspect].id.clone(),
                    weight: weight(ind.weight),
                    // A decimal value is written as published, with the model's digits (2.50).
                    level: Decimal::exact_min(level, model.level_decimals),
                    level_name: model.value_name(i, level).map(str::to_string),
                    contribution: Decimal::exact(&scores.contributions[i]),
                    filled: ev.filled(i),
                    opds: answered
                        .iter()
                        .map(|&(o, _)| names[o as usize].clone())
                        .collect(),
                    answers: answered
                        .iter()
                        .map(|&(o, units)| OpdLevel {
                            opd: names[o as usize].clone(),
                            level: model.value(units),
                        })
                        .collect(),
                    min: c.min.map(|u| model.value(u)),
                    max: c.max.map(|u| model.value(u)),
                    stage: stages.and_then(|s| s[i]),
                    owners: policy
                        .owners
                        .map(|m| m.owners(i).into_iter().map(String::from).collect()),
                    contributors: policy
                        .owners
                        .map(|m| m.contributors(i).into_iter().map(String::from).collect()),
                    owner_fallback: owner.then_some(ev.fell_back[i]),
                    external: ind.external.as_ref().map(|e| ExternalResult {
                        key: e.key.clone(),
                        index: e.index.clone(),
                        agency: e.agency.clone(),
                        status: match &ev.external[i] {
                            Some(s) if !ev.pending(i) && *s == ExternalStatus::Pending => {
                                "overridden".to_string()
                            }
                            Some(s) => s.as_str().to_string(),
                            None => "answered".to_string(),
                        },
                        source_value: match &ev.external[i] {
                            Some(ExternalStatus::Converted { value, .. }) => {
                                Some(Decimal::exact(value))
                            }
                            _ => None,
                        },
                        bands_confidence: e.confidence.as_str().to_string(),
                    }),
                }
            })
            .collect();

        Scorecard {
            schema_version: SCHEMA_VERSION,
            tool: Tool::this(),
            model: ModelInfo::of(model),
            index: Decimal::exact(&scores.index),
            index_rounded: Decimal::rounded(&scores.index, d),
            index_exact,
            predicate: ev.predicate().name.clone(),
            predicate_basis: policy.basis,
            combine: policy.combine,
            fallback,
            domains,
            aspects,
            indicators,
            warnings: ev.warnings.clone(),
            receipt: Receipt {
                tool: Tool::this(),
                model: ModelInfo::of(model),
                inputs: set.files.clone(),
                combine: policy.combine,
                fallback,
                predicate_basis: policy.basis,
                filled_at_lowest: ev.filled_ids(),
                pending_external: ev.pending_ids(),
                external_values: ev
                    .external
                    .iter()
                    .enumerate()
                    .filter_map(|(i, s)| match s {
                        Some(ExternalStatus::Converted { value, level, .. }) => {
                            Some(ExternalValue {
                                indicator: model.indicators[i].id.clone(),
                                key: model.indicators[i]
                                    .external
                                    .as_ref()
                                    .map(|e| e.key.clone())
                                    .unwrap_or_default(),
                                value: Decimal::exact(value),
                                level: *level,
                            })
                        }
                        _ => None,
                    })
                    .collect(),
                owners: policy.owners.and_then(|m| m.file.clone()),
            },
            year: None,
            stage: ev.counted.selection.as_ref().map(|_| match policy.stage {
                Some(c) => c.as_str().to_string(),
                None => "latest".to_string(),
            }),
            overrides: ev.overrides.clone(),
        }
    }

    /// The number of distinct OPD that answered.
    pub fn opd_count(&self) -> usize {
        // A scorecard built here shares one name per OPD, so the names are first told apart by
        // where they are stored (a million answers, few names: a small set of addresses). A
        // scorecard read from JSON has a copy per answer; comparing the text after that keeps
        // the count right either way.
        let mut seen: HashSet<usize, BuildHasherDefault<AddressHasher>> = HashSet::default();
        let mut names: Vec<&str> = self
            .indicators
            .iter()
            .flat_map(|i| i.opds.iter())
            .filter(|o| seen.insert(o.as_ptr() as usize))
            .map(|o| &**o)
            .collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    }

    /// The number of answers read.
    pub fn answer_count(&self) -> usize {
        self.indicators.iter().map(|i| i.answers.len()).sum()
    }
}
