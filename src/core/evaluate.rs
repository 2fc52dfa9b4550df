//! The one evaluation pipeline: a model, the answers and a policy in; every exact value a command
//! reports out. Every command that scores answer sheets calls [`evaluate`] once and reads the
//! [`Evaluation`]; the JSON record ([`crate::core::scorecard::Scorecard`]) is built from it, and
//! nothing downstream parses rounded text back into numbers.
//!
//! The steps, in order:
//! 1. which answers count ([`Counted`]: with staged sheets, each indicator's latest stage, or the
//!    stage asked for);
//! 2. consolidation: the OPD answers of each indicator become one level
//!    ([`crate::core::consolidate`]; under `combine owner`, the owner's answer, else the fallback);
//! 3. indicators valued from other agencies' indices ([`crate::core::external`]): a source
//!    value given (`--external SDI=55.2`) is converted by the model's bands; with none and no
//!    answer the indicator is pending and counts at the lowest level;
//! 4. what-if overrides (`--set ID=LEVEL`) replace consolidated levels;
//! 5. the score ([`crate::core::score::score`]): exact indices for every node;
//! 6. the warnings a reader needs (unanswered indicators, pending external values, estimates,
//!    overrides, a non-official model, answers a stage choice left out).

use crate::core::answers::AnswerSet;
use crate::core::consolidate::{Combine, Consolidated, Tally, by_owner, one};
use crate::core::exact::{Decimal, Exact};
use crate::core::external::{self, ExternalStatus, SourceValue};
use crate::core::model::{Model, Predicate, Status};
use crate::core::owners::OwnerMap;
use crate::core::score::{PredicateBasis, Scores, predicate, score};
use crate::core::stage::{Counted, Stage};
use crate::core::value::Value;

/// How to evaluate: everything besides the model and the answers that shapes the result. The
/// default is the ministry's practice: `min`, predicate from the exact index, latest stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy<'a> {
    pub combine: Combine,
    /// Under `combine owner`: the policy where no owner answered.
    pub fallback: Combine,
    pub basis: PredicateBasis,
    /// Score only this stage (`--stage`); `None`: each indicator from its latest stage.
    pub stage: Option<Stage>,
    /// The responsibility map (`--owners`): names owners, and decides under `combine owner`.
    pub owners: Option<&'a OwnerMap>,
    /// What-if values `(indicator position, value in the model's units)` that replace
    /// consolidated ones.
    pub overrides: &'a [(usize, u16)],
    /// Values of other agencies' indices (`--external SDI=55.2`) for the indicators valued
    /// from them.
    pub external: &'a [SourceValue],
}

/// A what-if: one indicator's consolidated level replaced by a planned one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Override {
    pub indicator: String,
    /// The level the answer sheets gave.
    pub from: Decimal,
    /// The level (or value) used instead.
    pub to: Value,
}

/// The answers that score, grouped per indicator in reading order as `(OPD position in
/// `set.opds`, value in the model's units)`: all of a set's answers, or the ones a stage selection keeps, with no copy
/// of the set.
#[derive(Debug, Clone)]
pub struct Grouped<'a> {
    pub set: &'a AnswerSet,
    pub by_indicator: Vec<Vec<(u32, u16)>>,
}

impl<'a> Grouped<'a> {
    /// The answers that count, grouped per indicator.
    pub fn of(counted: &Counted<'a>, indicators: usize) -> Grouped<'a> {
        let set = counted.set;
        let mut counts = vec![0usize; indicators];
        match &counted.selection {
            Some(sel) => counts.copy_from_slice(&sel.kept),
            None => {
                for a in &set.answers {
                    counts[a.indicator as usize] += 1;
                }
            }
        }
        let mut by_indicator: Vec<Vec<(u32, u16)>> =
            counts.iter().map(|&n| Vec::with_capacity(n)).collect();
        for a in counted.answers() {
            by_indicator[a.indicator as usize].push((a.opd, a.value));
        }
        Grouped { set, by_indicator }
    }

    fn levels(&self, i: usize) -> impl Iterator<Item = u16> + '_ {
        self.by_indicator[i].iter().map(|&(_, l)| l)
    }
}

/// Everything evaluated, exactly.
#[derive(Debug, Clone)]
pub struct Evaluation<'a> {
    pub model: &'a Model,
    pub policy: Policy<'a>,
    /// Which answers count.
    pub counted: Counted<'a>,
    /// The answers that count, per indicator.
    pub grouped: Grouped<'a>,
    /// Per indicator, the consolidated answers (before any what-if override).
    pub consolidated: Vec<Consolidated>,
    /// Per indicator: under `combine owner`, true where no owner answered and the fallback
    /// decided.
    pub fell_back: Vec<bool>,
    /// Per indicator, the value that scores, exact (a decimal such as 1.26 for a model of
    /// decimal values): consolidated, converted from another agency's index, or overridden.
    pub levels: Vec<Exact>,
    /// Per indicator valued from another agency's index: pending, converted or answered;
    /// `None` for the others.
    pub external: Vec<Option<ExternalStatus>>,
    /// The what-if overrides applied.
    pub overrides: Vec<Override>,
    pub scores: Scores,
    /// What a reader should know, in the order found.
    pub notices: Vec<Notice>,
    /// The notices in English, as JSON records and stderr carry them.
    pub warnings: Vec<String>,
}

/// Evaluates answers under a policy. Errors: a stage asked for on sheets with no stage column,
/// or with no answer at that stage.
pub fn evaluate<'a>(
    model: &'a Model,
    set: &'a AnswerSet,
    policy: Policy<'a>,
) -> anyhow::Result<Evaluation<'a>> {
    let n = model.indicators.len();
    let counted = Counted::new(set, n, policy.stage)?;
    let grouped = Grouped::of(&counted, n);
    let (consolidated, fell_back) = consolidate(model, &grouped, &policy);

    let mut levels: Vec<Exact> = consolidated.iter().map(|c| c.level.clone()).collect();
    let external = external::apply(model, &consolidated, policy.external, &mut levels)?;
    let mut overrides = Vec::new();
    for &(i, units) in policy.overrides {
        overrides.push(Override {
            indicator: model.indicators[i].id.clone(),
            from: Decimal::exact(&levels[i]),
            to: model.value(units),
        });
        levels[i] = model.value_exact(units);
    }
    let scores = score(model, &levels);
    let mut ev = Evaluation {
        model,
        policy,
        counted,
        grouped,
        consolidated,
        fell_back,
        levels,
        external,
        overrides,
        scores,
        notices: Vec::new(),
        warnings: Vec::new(),
    };
    ev.notices = ev.collect_notices();
    ev.warnings = ev.notices.iter().map(Notice::english).collect();
    Ok(ev)
}

/// Step 2: one level per indicator from the answers that count.
fn consolidate(
    model: &Model,
    grouped: &Grouped<'_>,
    policy: &Policy<'_>,
) -> (Vec<Consolidated>, Vec<bool>) {
    let n = model.indicators.len();
    if policy.combine != Combine::Owner {
        let levels = (0..n)
            .map(|i| {
                let t = Tally::of(grouped.levels(i));
                one(model, &t, &t, policy.combine)
            })
            .collect();
        return (levels, vec![false; n]);
    }
    // With no map nobody owns anything, so the fallback decides everywhere.
    let opds = &grouped.set.opds;
    (0..n)
        .map(|i| {
            let all = Tally::of(grouped.levels(i));
            let own = Tally::of(
                grouped.by_indicator[i]
                    .iter()
                    .filter(|&&(o, _)| {
                        policy
                            .owners
                            .is_some_and(|m| m.is_owner(i, &opds[o as usize]))
                    })
                    .map(|&(_, l)| l),
            );
            by_owner(model, &own, &all, policy.fallback)
        })
        .unzip()
}

impl<'a> Evaluation<'a> {
    /// The exact index.
    pub fn index(&self) -> &Exact {
        &self.scores.index
    }

    /// The predicate on the policy's basis.
    pub fn predicate(&self) -> &'a Predicate {
        predicate(self.model, &self.scores.index, self.policy.basis)
    }

    /// True when indicator `i` scores at the lowest level because nobody answered it (and no
    /// what-if set it, and it is not an indicator waiting for another agency's index: that one
    /// is [`Evaluation::pending`]).
    pub fn filled(&self, i: usize) -> bool {
        self.consolidated[i].filled
            && self.external[i].is_none()
            && !self.policy.overrides.iter().any(|&(j, _)| j == i)
    }

    /// True when indicator `i` is valued from another agency's index that is not known yet, and
    /// counts at the lowest level as the assessors count it (and no what-if set it).
    pub fn pending(&self, i: usize) -> bool {
        self.external[i] == Some(ExternalStatus::Pending)
            && !self.policy.overrides.iter().any(|&(j, _)| j == i)
    }

    /// The ids of the pending indicators (see [`Evaluation::pending`]).
    pub fn pending_ids(&self) -> Vec<String> {
        (0..self.model.indicators.len())
            .filter(|&i| self.pending(i))
            .map(|i| self.model.indicators[i].id.clone())
            .collect()
    }

    /// The ids of the indicators nobody answered, scored at the lowest level.
    pub fn filled_ids(&self) -> Vec<String> {
        (0..self.model.indicators.len())
            .filter(|&i| self.filled(i))
            .map(|i| self.model.indicators[i].id.clone())
            .collect()
    }

    fn collect_notices(&self) -> Vec<Notice> {
        let model = self.model;
        let mut notices = Vec::new();
        if self.policy.combine == Combine::Owner {
            let silent: Vec<(String, Vec<String>)> = (0..model.indicators.len())
                .filter(|&i| self.fell_back[i])
                .map(|i| {
                    let owners = self.policy.owners.map(|m| m.owners(i)).unwrap_or_default();
                    (
                        model.indicators[i].id.clone(),
                        owners.into_iter().map(String::from).collect(),
                    )
                })
                .collect();
            if !silent.is_empty() {
                notices.push(Notice::OwnerSilent {
                    indicators: silent,
                    fallback: self.policy.fallback,
                });
            }
        }
        let reading = |w: &String| Notice::Reading(w.clone());
        notices.extend(self.counted.set.warnings.iter().map(reading));
        let filled = self.filled_ids();
        if !filled.is_empty() {
            notices.push(Notice::Unanswered {
                indicators: filled,
                lowest: model.value(model.level_units(model.min_level)),
            });
        }
        notices.extend(external::notices(self));
        if self.policy.combine == Combine::Mean {
            notices.push(Notice::MeanEstimate {
                decimal_values: model.decimal_values(),
            });
        }
        if model.status != Status::Official {
            notices.push(Notice::NotOfficial {
                model: model.id.clone(),
                status: model.status,
            });
        }
        if !self.overrides.is_empty() {
            notices.push(Notice::WhatIf(self.overrides.clone()));
        }
        if let Some(sel) = &self.counted.selection {
            notices.extend(sel.warnings.iter().cloned().map(Notice::Stage));
        }
        if let Some(map) = self.policy.owners {
            notices.extend(map.warnings.iter().map(reading));
        }
        notices
    }
}

/// Something a reader of a result should know. Data, so that each language can say it:
/// [`Notice::english`] is what JSON records and English output carry (the records are built in
/// the core); the Indonesian is in `output/notices.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Under `combine owner`: indicators no owner answered (id, its owners), and the policy
    /// that decided instead.
    OwnerSilent {
        indicators: Vec<(String, Vec<String>)>,
        fallback: Combine,
    },
    /// Indicators nobody answered, scored at the lowest level.
    Unanswered {
        indicators: Vec<String>,
        lowest: Value,
    },
    /// `combine mean` gives fractional levels (or averages of decimal values): an estimate.
    MeanEstimate { decimal_values: bool },
    /// An indicator valued from another agency's index that is not known yet: counted at the
    /// lowest level, as the assessors count it.
    ExternalPending {
        /// The indicator's id and name.
        indicator: String,
        name: String,
        /// `Indeks SDI, Bappenas`.
        source: String,
        /// The `--external` key.
        key: String,
        lowest: Value,
    },
    /// An indicator scored from a source value given with `--external`.
    ExternalConverted {
        indicator: String,
        name: String,
        source: String,
        key: String,
        /// The source value as given.
        given: String,
        /// Where it was given (`values.csv:3`); `None`: with `--external`.
        from: Option<String>,
        /// The band it fell in, `37.5 to 62.5`.
        band: String,
        level: u8,
        value: Value,
        /// How far the bands are confirmed, when not high (`unverified`).
        confidence: Option<String>,
        /// The sheets' value it replaced, written with the model's digits.
        replaced: Option<String>,
    },
    /// The model is not official.
    NotOfficial { model: String, status: Status },
    /// What-if levels replaced the answers.
    WhatIf(Vec<Override>),
    /// What a stage choice left out.
    Stage(String),
    /// Something about reading a file (an encoding guessed): for the operator, not a report's
    /// reader.
    Reading(String),
}

impl Notice {
    /// True for what concerns reading files rather than the result.
    pub fn is_technical(&self) -> bool {
        matches!(self, Notice::Reading(_))
    }

    /// The notice in English.
    pub fn english(&self) -> String {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        match self {
            Notice::OwnerSilent {
                indicators,
                fallback,
            } => format!(
                "combine=owner: {} indicator{} had no answer from {} owner, so combine={} decided: {}",
                indicators.len(),
                s(indicators.len()),
                if indicators.len() == 1 {
                    "its"
                } else {
                    "their"
                },
                fallback.as_str(),
                indicators
                    .iter()
                    .map(|(id, owners)| match owners.is_empty() {
                        true => format!("{id} (no owner in the map)"),
                        false => format!("{id} (owner {} did not answer)", owners.join(", ")),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Notice::Unanswered { indicators, lowest } => format!(
                "{} indicator{} had no answer and {} scored at the lowest level {lowest}: {}",
                indicators.len(),
                s(indicators.len()),
                if indicators.len() == 1 { "is" } else { "are" },
                indicators.join(", ")
            ),
            Notice::MeanEstimate {
                decimal_values: false,
            } => {
                "combine=mean gives an estimate: the ministry scores one whole level per indicator"
                    .into()
            }
            Notice::MeanEstimate {
                decimal_values: true,
            } => "combine=mean gives an estimate: the assessors give one value per indicator, not an average of OPD answers".into(),
            Notice::ExternalPending {
                indicator,
                name,
                source,
                key,
                lowest,
            } => format!(
                "pending: value from {source}: indicator {indicator} {name} counts {lowest} until that value is published, as the assessors count it; give it with --external {key}=VALUE"
            ),
            Notice::ExternalConverted {
                indicator,
                name,
                source,
                key,
                given,
                from,
                band,
                level,
                value,
                confidence,
                replaced,
            } => {
                let from = from.clone().unwrap_or(format!("--external {key}={given}"));
                let mut text = format!(
                    "external: indicator {indicator} {name} scores {value} converted from {source} {given} ({from}), band {band} = level {level}"
                );
                if let Some(c) = confidence {
                    text.push_str(&format!(
                        "; the conversion bands are {c} (not an official conversion)"
                    ));
                }
                if let Some(r) = replaced {
                    text.push_str(&format!("; the answer sheets' value {r} is not used"));
                }
                text
            }
            Notice::NotOfficial { model, status } => format!(
                "the model {model} is {status}, not official: read the result with that in mind"
            ),
            Notice::WhatIf(overrides) => format!(
                "what-if: {} level{} overridden with --set, not as answered: {}",
                overrides.len(),
                s(overrides.len()),
                overrides
                    .iter()
                    .map(|o| format!("{} {} -> {}", o.indicator, o.from, o.to))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Notice::Stage(text) | Notice::Reading(text) => text.clone(),
        }
    }
}
