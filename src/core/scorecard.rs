//! The scorecard: everything `spbe score` reports, in the shape of its JSON contract
//! (`schema_version` 1). Built from a model, the answers and the scoring core; every renderer
//! (table, JSON, CSV, Markdown) and every later command reads this one structure.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::core::answers::{Answer, AnswerSet, InputFile};
use crate::core::consolidate::{Combine, Consolidated, Tally, by_owner, one};
use crate::core::exact::{self, Decimal, Exact};
use crate::core::model::{Model, Status};
use crate::core::owners::OwnerMap;
use crate::core::score::{PredicateBasis, Scores, predicate, score};
use crate::core::stage::Stage;

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

/// A what-if: one indicator's consolidated level replaced by a planned one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub indicator: String,
    /// The level the answer sheets gave.
    pub from: Decimal,
    /// The level used instead.
    pub to: u8,
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
    pub opds: Vec<Rc<str>>,
    /// Each OPD's own level.
    pub answers: Vec<OpdLevel>,
    /// The lowest and highest level any OPD gave; null when nobody answered.
    pub min: Option<u8>,
    pub max: Option<u8>,
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
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OpdLevel {
    /// Shared by every answer of the OPD: a scorecard may hold a million answers. `Rc`, not
    /// `Arc`: a scorecard stays on one thread, and a plain count is cheaper to bump.
    pub opd: Rc<str>,
    pub level: u8,
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
    /// The responsibility map read with `--owners`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owners: Option<InputFile>,
}

/// The consolidated level of every indicator, and where `combine` owner fell back.
#[derive(Debug, Clone)]
pub struct Consolidation {
    pub indicators: Vec<Consolidated>,
    /// Per indicator: true where `combine` owner found no owner's answer and used the fallback.
    pub fell_back: Vec<bool>,
}

/// The answers that score, grouped per indicator in reading order as `(OPD position in
/// `set.opds`, level)`: all of a set's answers, or the ones a stage selection keeps, with no copy
/// of the set.
#[derive(Debug, Clone)]
pub struct Grouped<'a> {
    pub set: &'a AnswerSet,
    pub by_indicator: Vec<Vec<(u32, u8)>>,
}

impl<'a> Grouped<'a> {
    /// Every answer of the set.
    pub fn all(set: &'a AnswerSet, indicators: usize) -> Grouped<'a> {
        let mut counts = vec![0; indicators];
        for a in &set.answers {
            counts[a.indicator as usize] += 1;
        }
        Grouped::of(set, &counts, set.answers.iter())
    }

    /// The given answers of the set (in the order given); `counts[i]`: how many there are for
    /// indicator `i`.
    pub fn of(
        set: &'a AnswerSet,
        counts: &[usize],
        answers: impl Iterator<Item = &'a Answer>,
    ) -> Grouped<'a> {
        let mut by_indicator: Vec<Vec<(u32, u8)>> =
            counts.iter().map(|&n| Vec::with_capacity(n)).collect();
        for a in answers {
            by_indicator[a.indicator as usize].push((a.opd, a.level));
        }
        Grouped { set, by_indicator }
    }

    fn levels(&self, i: usize) -> impl Iterator<Item = u8> + '_ {
        self.by_indicator[i].iter().map(|&(_, l)| l)
    }
}

/// Consolidates grouped answers: with `combine` owner, by the responsibility map (no map: nobody
/// owns anything, so the fallback decides everywhere); otherwise by the policy alone. Give it the
/// answers that count ([`crate::core::stage::Counted::grouped`]): on staged sheets, every answer of
/// every stage would mix superseded levels in.
pub fn consolidate_grouped(
    model: &Model,
    answers: &Grouped<'_>,
    combine: Combine,
    owners: Option<&OwnerMap>,
    fallback: Combine,
) -> Consolidation {
    let n = model.indicators.len();
    if combine != Combine::Owner {
        return Consolidation {
            indicators: (0..n)
                .map(|i| {
                    let t = Tally::of(answers.levels(i));
                    one(model, &t, &t, combine)
                })
                .collect(),
            fell_back: vec![false; n],
        };
    }
    let opds = &answers.set.opds;
    let (indicators, fell_back) = (0..n)
        .map(|i| {
            let all = Tally::of(answers.levels(i));
            let own = Tally::of(
                answers.by_indicator[i]
                    .iter()
                    .filter(|&&(o, _)| owners.is_some_and(|m| m.is_owner(i, &opds[o as usize])))
                    .map(|&(_, l)| l),
            );
            by_owner(model, &own, &all, fallback)
        })
        .unzip();
    Consolidation {
        indicators,
        fell_back,
    }
}

/// What besides the answers shapes the levels; the default changes nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Adjustments<'a> {
    /// A responsibility map (`--owners`).
    pub owners: Option<&'a OwnerMap>,
    /// Under `combine` owner, the policy where no owner answered.
    pub fallback: Combine,
    /// What-if levels: `(indicator position, level)`.
    pub overrides: &'a [(usize, u8)],
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

/// How to score.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub combine: Combine,
    pub basis: PredicateBasis,
}

impl Scorecard {
    /// Consolidates the answers, scores them and assembles the scorecard.
    pub fn build(model: &Model, answers: &AnswerSet, options: Options) -> Scorecard {
        Scorecard::build_adjusted(model, answers, options, &Adjustments::default())
    }

    /// Like [`Scorecard::build`], with what else shapes the levels: a responsibility map (every
    /// indicator names its owners; `combine` owner takes the owner's answer, using the fallback
    /// where the owner did not answer) and what-if overrides (`--set ID=LEVEL`: consolidated
    /// levels replaced before scoring, recorded in `overrides` and in a warning).
    pub fn build_adjusted(
        model: &Model,
        answers: &AnswerSet,
        options: Options,
        adjust: &Adjustments<'_>,
    ) -> Scorecard {
        let grouped = Grouped::all(answers, model.indicators.len());
        Scorecard::build_grouped(model, &grouped, options, adjust)
    }

    /// [`Scorecard::build_adjusted`] from grouped answers (such as a stage's selection).
    pub fn build_grouped(
        model: &Model,
        answers: &Grouped<'_>,
        options: Options,
        adjust: &Adjustments<'_>,
    ) -> Scorecard {
        let (owners, fallback) = (adjust.owners, adjust.fallback);
        let mut c = consolidate_grouped(model, answers, options.combine, owners, fallback);
        let mut applied = Vec::new();
        for &(i, level) in adjust.overrides {
            let ind = &mut c.indicators[i];
            applied.push(Override {
                indicator: model.indicators[i].id.clone(),
                from: Decimal::exact(&ind.level),
                to: level,
            });
            ind.level = exact::int(level as i64);
            ind.filled = false;
        }
        let levels: Vec<Exact> = c.indicators.iter().map(|c| c.level.clone()).collect();
        let scores = score(model, &levels);
        let mut card = Scorecard::assemble(model, answers, &c.indicators, &scores, options);
        if !applied.is_empty() {
            card.warnings.push(format!(
                "what-if: {} level{} overridden with --set, not as answered: {}",
                applied.len(),
                if applied.len() == 1 { "" } else { "s" },
                applied
                    .iter()
                    .map(|o| format!("{} {} -> {}", o.indicator, o.from, o.to))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        card.overrides = applied;
        if let Some(map) = owners {
            for (i, ind) in card.indicators.iter_mut().enumerate() {
                ind.owners = Some(map.owners(i).into_iter().map(String::from).collect());
                ind.contributors =
                    Some(map.contributors(i).into_iter().map(String::from).collect());
            }
            card.receipt.owners = map.file.clone();
        }
        if options.combine == Combine::Owner {
            card.fallback = Some(fallback);
            card.receipt.fallback = Some(fallback);
            let mut silent = Vec::new();
            for (i, ind) in card.indicators.iter_mut().enumerate() {
                ind.owner_fallback = Some(c.fell_back[i]);
                if c.fell_back[i] {
                    let who = match owners.map(|m| m.owners(i)).unwrap_or_default() {
                        o if o.is_empty() => "no owner in the map".to_string(),
                        o => format!("owner {} did not answer", o.join(", ")),
                    };
                    silent.push(format!("{} ({who})", ind.id));
                }
            }
            if !silent.is_empty() {
                card.warnings.insert(
                    0,
                    format!(
                        "combine=owner: {} indicator{} had no answer from {} owner, so combine={} decided: {}",
                        silent.len(),
                        if silent.len() == 1 { "" } else { "s" },
                        if silent.len() == 1 { "its" } else { "their" },
                        fallback.as_str(),
                        silent.join("; ")
                    ),
                );
            }
        }
        card
    }

    fn assemble(
        model: &Model,
        grouped: &Grouped<'_>,
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
        let answers = grouped.set;
        // One shared copy of each OPD name, however many answers it gave.
        let names: Vec<Rc<str>> = answers.opds.iter().map(|o| Rc::from(o.as_str())).collect();
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
                    opds: grouped.by_indicator[i]
                        .iter()
                        .map(|&(o, _)| names[o as usize].clone())
                        .collect(),
                    answers: grouped.by_indicator[i]
                        .iter()
                        .map(|&(o, level)| OpdLevel {
                            opd: names[o as usize].clone(),
                            level,
                        })
                        .collect(),
                    min: c.min,
                    max: c.max,
                    stage: None,
                    owners: None,
                    contributors: None,
                    owner_fallback: None,
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
            fallback: None,
            domains,
            aspects,
            indicators,
            warnings,
            receipt: Receipt {
                tool: Tool::this(),
                model: ModelInfo::of(model),
                inputs: answers.files.clone(),
                combine: options.combine,
                fallback: None,
                predicate_basis: options.basis,
                filled_at_lowest: filled,
                owners: None,
            },
            year: None,
            stage: None,
            overrides: Vec::new(),
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
