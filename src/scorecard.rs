//! The scorecard: everything `spbe score` reports, in the shape of its JSON contract
//! (`schema_version` 1). Built from a model, the answers and the scoring core; every renderer
//! (table, JSON, CSV, Markdown) and every later command reads this one structure.

use serde::{Deserialize, Serialize};

use crate::answers::{AnswerSet, InputFile};
use crate::consolidate::{Combine, Consolidated, consolidate};
use crate::exact::{self, Decimal, Exact};
use crate::model::{Model, Status};
use crate::score::{PredicateBasis, Scores, predicate, score};

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
    pub domains: Vec<DomainResult>,
    pub aspects: Vec<AspectResult>,
    pub indicators: Vec<IndicatorResult>,
    pub warnings: Vec<String>,
    pub receipt: Receipt,
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
    /// The consolidated level (a fraction only under `mean`).
    pub level: Decimal,
    /// The level's name on the indicator's scale; null when the level is not whole.
    pub level_name: Option<String>,
    /// Index points: level × weight / 100.
    pub contribution: Decimal,
    /// True when nobody answered and the lowest level was filled in.
    pub filled: bool,
    /// The OPD that answered, in reading order.
    pub opds: Vec<String>,
    /// Each OPD's own level.
    pub answers: Vec<OpdLevel>,
    /// The lowest and highest level any OPD gave; null when nobody answered.
    pub min: Option<u8>,
    pub max: Option<u8>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OpdLevel {
    pub opd: String,
    pub level: u8,
}

/// What an auditor needs to check the result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Receipt {
    pub tool: Tool,
    pub model: ModelInfo,
    pub inputs: Vec<InputFile>,
    pub combine: Combine,
    pub predicate_basis: PredicateBasis,
    /// Indicators nobody answered, scored at the model's lowest level.
    pub filled_at_lowest: Vec<String>,
}

/// How to score.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub combine: Combine,
    pub basis: PredicateBasis,
}

impl Scorecard {
    /// Consolidates the answers, scores them and assembles the scorecard.
    pub fn build(model: &Model, answers: &AnswerSet, options: Options) -> Scorecard {
        let consolidated = consolidate(
            model,
            &answers.levels_by_indicator(model.indicators.len()),
            options.combine,
        );
        let levels: Vec<Exact> = consolidated.iter().map(|c| c.level.clone()).collect();
        let scores = score(model, &levels);
        Scorecard::assemble(model, answers, &consolidated, &scores, options)
    }

    fn assemble(
        model: &Model,
        answers: &AnswerSet,
        consolidated: &[Consolidated],
        scores: &Scores,
        options: Options,
    ) -> Scorecard {
        let d = model.decimals;
        let weight = |units: u64| Decimal::rounded(&model.percent(units), model.weight_decimals());
        let (_, index_exact) = exact::exact_text(&scores.index, 0);
        let pred = predicate(model, &scores.index, options.basis);

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
        let by_indicator = answers.opd_levels_by_indicator(model.indicators.len());
        let indicators: Vec<IndicatorResult> = model
            .indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| {
                let c = &consolidated[i];
                IndicatorResult {
                    id: ind.id.clone(),
                    code: ind.code.clone(),
                    name: ind.name.clone(),
                    aspect: model.aspects[ind.aspect].id.clone(),
                    weight: weight(ind.weight),
                    level: Decimal::exact(&c.level),
                    level_name: exact::as_whole(&c.level)
                        .map(|l| model.level_name(i, l as u8).to_string()),
                    contribution: Decimal::exact(&scores.contributions[i]),
                    filled: c.filled,
                    opds: by_indicator[i].iter().map(|(o, _)| o.to_string()).collect(),
                    answers: by_indicator[i]
                        .iter()
                        .map(|(o, l)| OpdLevel {
                            opd: o.to_string(),
                            level: *l,
                        })
                        .collect(),
                    min: c.min,
                    max: c.max,
                }
            })
            .collect();

        let filled: Vec<String> = indicators
            .iter()
            .filter(|i| i.filled)
            .map(|i| i.id.clone())
            .collect();
        let mut warnings = answers.warnings.clone();
        if !filled.is_empty() {
            warnings.push(format!(
                "{} indicator{} had no answer and {} scored at the lowest level {}: {}",
                filled.len(),
                if filled.len() == 1 { "" } else { "s" },
                if filled.len() == 1 { "is" } else { "are" },
                model.min_level,
                filled.join(", ")
            ));
        }
        if options.combine == Combine::Mean {
            warnings.push(
                "combine=mean gives an estimate: the ministry scores one whole level per indicator"
                    .into(),
            );
        }
        if model.status != Status::Official {
            warnings.push(format!(
                "the model {} is {}, not official: read the result with that in mind",
                model.id, model.status
            ));
        }

        Scorecard {
            schema_version: SCHEMA_VERSION,
            tool: Tool::this(),
            model: ModelInfo::of(model),
            index: Decimal::exact(&scores.index),
            index_rounded: Decimal::rounded(&scores.index, d),
            index_exact,
            predicate: pred.name.clone(),
            predicate_basis: options.basis,
            combine: options.combine,
            domains,
            aspects,
            indicators,
            warnings,
            receipt: Receipt {
                tool: Tool::this(),
                model: ModelInfo::of(model),
                inputs: answers.files.clone(),
                combine: options.combine,
                predicate_basis: options.basis,
                filled_at_lowest: filled,
            },
        }
    }

    /// The number of distinct OPD that answered.
    pub fn opd_count(&self) -> usize {
        let mut names: Vec<&str> = self
            .indicators
            .iter()
            .flat_map(|i| i.opds.iter().map(String::as_str))
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
