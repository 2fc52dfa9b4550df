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
//! 3. what-if overrides (`--set ID=LEVEL`) replace consolidated levels;
//! 4. the score ([`crate::core::score::score`]): exact indices for every node;
//! 5. the warnings a reader needs (unanswered indicators, estimates, overrides, a non-official
//!    model, answers a stage choice left out).

use crate::core::answers::AnswerSet;
use crate::core::consolidate::{Combine, Consolidated, Tally, by_owner, one};
use crate::core::exact::{self, Decimal, Exact};
use crate::core::model::{Model, Predicate, Status};
use crate::core::owners::OwnerMap;
use crate::core::score::{PredicateBasis, Scores, predicate, score};
use crate::core::stage::{Counted, Stage};

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
    /// What-if levels `(indicator position, level)` that replace consolidated ones.
    pub overrides: &'a [(usize, u8)],
}

/// A what-if: one indicator's consolidated level replaced by a planned one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Override {
    pub indicator: String,
    /// The level the answer sheets gave.
    pub from: Decimal,
    /// The level used instead.
    pub to: u8,
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
        let mut by_indicator: Vec<Vec<(u32, u8)>> =
            counts.iter().map(|&n| Vec::with_capacity(n)).collect();
        for a in counted.answers() {
            by_indicator[a.indicator as usize].push((a.opd, a.level));
        }
        Grouped { set, by_indicator }
    }

    fn levels(&self, i: usize) -> impl Iterator<Item = u8> + '_ {
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
    /// Per indicator, the level that scores: consolidated, or overridden.
    pub levels: Vec<Exact>,
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
    let mut overrides = Vec::new();
    for &(i, level) in policy.overrides {
        overrides.push(Override {
            indicator: model.indicators[i].id.clone(),
            from: Decimal::exact(&levels[i]),
            to: level,
        });
        levels[i] = exact::int(level as i64);
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
    /// what-if set it).
    pub fn filled(&self, i: usize) -> bool {
        self.consolidated[i].filled && !self.policy.overrides.iter().any(|&(j, _)| j == i)
    }

    /// The ids of the indicators nobody answered, scored at the lowest level.
    pub fn filled_ids(&self) -> Vec<String> {
        (0..self.model.indicators.len())
            .filter(|&i| self.filled(i))
            .map(|i| self.model.indicators[i].id.clone())
            .collect()
    }

    /// The levels as whole numbers, for planning whole level steps; `None` when one is a
    /// fraction (`combine mean`).
    pub fn whole_levels(&self) -> Option<Vec<u8>> {
        self.levels
            .iter()
            .map(|l| exact::as_whole(l).and_then(|x| u8::try_from(x).ok()))
            .collect()
    }

    /// [`Evaluation::whole_levels`], or the error a planner gives when a level is a fraction.
    pub fn plannable_levels(&self) -> anyhow::Result<Vec<u8>> {
        self.whole_levels().ok_or_else(|| {
            anyhow::anyhow!(
                "a consolidated level is not whole; plan with --combine min, max or median"
            )
        })
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
                lowest: model.min_level,
            });
        }
        if self.policy.combine == Combine::Mean {
            notices.push(Notice::MeanEstimate);
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

/// Something a reader of a result should know. Data, so that each language can say it
/// ([`Notice::english`] is what JSON records and English output carry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Under `combine owner`: indicators no owner answered (id, its owners), and the policy
    /// that decided instead.
    OwnerSilent {
        indicators: Vec<(String, Vec<String>)>,
        fallback: Combine,
    },
    /// Indicators nobody answered, scored at the lowest level.
    Unanswered { indicators: Vec<String>, lowest: u8 },
    /// `combine mean` gives fractional levels: an estimate.
    MeanEstimate,
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
            Notice::MeanEstimate => {
                "combine=mean gives an estimate: the ministry scores one whole level per indicator"
                    .into()
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
