//! The OPD view (`spbe opd`): who answered or owns what, each OPD's own index renormalised over
//! the indicators it covers, the index points its indicators could still add, where OPD disagree,
//! and what the responsibility map leaves uncovered. Pure: the model, the answers, the map, the
//! institution's consolidated levels and (optionally) a roadmap in; the report out.
//!
//! Only the answers that count ([`crate::core::stage::Counted`]: on staged sheets, the stage `spbe score` scored each
//! indicator from) are an OPD's answers here; an answer a later stage superseded is neither shown
//! nor weighed. An OPD whose answers were all left out still has its row: it sent a sheet.
//!
//! Arithmetic, all exact (weights `wᵢ` in the model's integer units, `T` = total units = 100 %):
//! - OPD index = Σ levelᵢ × wᵢ / Σ wᵢ over the indicators the OPD answered or owns (renormalised
//!   over the weight it covers), with levelᵢ its own answer, or the institution's level where it
//!   owns an indicator it did not answer;
//! - points to gain = Σ wᵢ × (max level − institution levelᵢ) / T over the same indicators;
//! - points at stake in a disagreement = wᵢ × (max answer − min answer) / T.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

use num_traits::ToPrimitive;
use serde::{Deserialize, Serialize};

use crate::core::answers::InputFile;
use crate::core::consolidate::Combine;
use crate::core::evaluate::Evaluation;
use crate::core::exact::{self, Decimal, Exact};
use crate::core::model::Model;
use crate::core::owners::opd_key;
use crate::core::plan;
use crate::core::scorecard::{ModelInfo, OpdLevel, SCHEMA_VERSION, Tool};
use crate::core::value::Value;

/// What the OPD view is computed from.
pub struct OpdInput<'a> {
    /// The institution's evaluation: the answers that count, the map, the levels as scored.
    pub ev: &'a Evaluation<'a>,
    /// Roadmap steps to share out among the OPD; `None` leaves the roadmap out.
    pub roadmap: Option<&'a [plan::Step]>,
}

/// The JSON contract of `spbe opd --format json` (`schema_version` 1).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpdReport {
    pub schema_version: u32,
    pub tool: Tool,
    pub model: ModelInfo,
    pub combine: Combine,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Combine>,
    /// The institution's exact index and its rounded form, as `spbe score` gives them.
    pub index: Decimal,
    pub index_rounded: Decimal,
    pub predicate: String,
    /// One row per OPD (answered or named in the map), most index points to gain first.
    pub opds: Vec<OpdRow>,
    /// Indicators several OPD answered differently, most index points at stake first.
    pub disagreements: Vec<Disagreement>,
    /// What the responsibility map leaves uncovered; null without a map.
    pub missing: Option<MissingOwners>,
    /// Roadmap steps no OPD could be named for (no owner, no answer); absent without a roadmap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unassigned_steps: Option<Vec<Step>>,
    pub warnings: Vec<String>,
    pub inputs: Vec<InputFile>,
    pub owners_file: Option<InputFile>,
}

/// A row per OPD. A dense sheet has a million covered indicators, so what every row repeats is
/// shared, not copied (`Rc`: a report stays on one thread): an indicator's facts are one
/// allocation for the whole report, ids are positions in the model's shared list ([`IdList`]),
/// and a roadmap step is shared by the OPD it falls to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpdRow {
    pub opd: String,
    /// True when the OPD sent at least one answer.
    pub sent_sheet: bool,
    /// Ids of the indicators it answered, in model order.
    pub answered: IdList,
    /// Ids of the indicators the map makes it owner of (empty without a map).
    pub owns: IdList,
    /// Ids of the indicators the map makes it contributor to.
    pub contributes: IdList,
    /// Σ weight (percent) of the indicators it answered or owns: what its index is renormalised over.
    pub covered_weight: Decimal,
    /// The OPD's own index, renormalised over `covered_weight`; null when it covers nothing.
    pub index_renormalised: Option<Decimal>,
    pub index_renormalised_rounded: Option<Decimal>,
    /// The same as an exact fraction, e.g. `187/62` (its decimal may not terminate).
    pub index_renormalised_fraction: Option<String>,
    /// False when `index_renormalised` had to be cut at 12 decimals.
    pub index_renormalised_exact: bool,
    /// Σ weight × (max level − institution level) / 100 over its indicators.
    pub points_to_gain: Decimal,
    pub indicators: Vec<OpdIndicator>,
    /// The roadmap steps that fall to it; absent without a roadmap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roadmap: Option<Vec<Rc<Step>>>,
}

/// Indicator ids as positions in one shared list of the model's ids: a byte an id in a row,
/// however many rows. Written as the list of ids.
#[derive(Debug, Clone)]
pub struct IdList {
    ids: Rc<[Rc<str>]>,
    pos: Vec<u8>,
}

impl IdList {
    pub fn len(&self) -> usize {
        self.pos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pos.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.pos.iter().map(|&p| &*self.ids[p as usize])
    }

    pub fn join(&self, separator: &str) -> String {
        self.iter().collect::<Vec<_>>().join(separator)
    }
}

impl PartialEq for IdList {
    fn eq(&self, other: &IdList) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for IdList {}

impl Serialize for IdList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for IdList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let ids = Vec::<String>::deserialize(d)?;
        if ids.len() > 256 {
            return Err(serde::de::Error::custom(
                "more than 256 indicator ids: a model has at most 256 indicators",
            ));
        }
        Ok(IdList {
            pos: (0..ids.len()).map(|p| p as u8).collect(),
            ids: ids.into_iter().map(Rc::from).collect(),
        })
    }
}

/// Each OPD's level on one indicator, in reading order: a position in one shared list of names
/// and the value, 8 bytes an answer however many indicators an OPD disagrees on. Read as
/// [`OpdLevel`]s; written as their list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpdLevels {
    names: Rc<[Rc<str>]>,
    given: Vec<(u32, Value)>,
}

impl OpdLevels {
    pub fn len(&self) -> usize {
        self.given.len()
    }

    pub fn is_empty(&self) -> bool {
        self.given.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = OpdLevel> + '_ {
        self.given.iter().map(|&(o, level)| OpdLevel {
            opd: self.names[o as usize].clone(),
            level,
        })
    }
}

impl Serialize for OpdLevels {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for OpdLevels {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let levels = Vec::<OpdLevel>::deserialize(d)?;
        Ok(OpdLevels {
            given: (0..levels.len() as u32)
                .zip(levels.iter().map(|a| a.level))
                .collect(),
            names: levels.into_iter().map(|a| a.opd).collect(),
        })
    }
}

/// An indicator as an OPD's row shows it. What is the same in every row (id, weight, the
/// institution's level, the points to gain) is one shared [`IndicatorFacts`]; the row adds its
/// answer and whether it owns the indicator. Written as the flat JSON object of the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpdIndicator {
    pub facts: Rc<IndicatorFacts>,
    /// The OPD's own answer; null when it owns the indicator but did not answer.
    pub answer: Option<Value>,
    pub owner: bool,
}

/// What every OPD's row says of one indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorFacts {
    pub id: Rc<str>,
    pub weight: Decimal,
    /// The institution's consolidated level.
    pub institution_level: Decimal,
    /// weight × (max level − institution level) / 100.
    pub points_to_gain: Decimal,
}

impl OpdIndicator {
    pub fn id(&self) -> &str {
        &self.facts.id
    }

    /// The level counted in the OPD's index: its answer, else the institution's level.
    pub fn level_used(&self) -> Decimal {
        match self.answer {
            // A whole level is its digits (the exact text of n/1), without rational arithmetic:
            // a dense sheet writes a million of them.
            Some(v) if v.decimals == 0 => Decimal(v.units.to_string()),
            Some(v) => Decimal::exact(&v.exact()),
            None => self.facts.institution_level.clone(),
        }
    }
}

/// The JSON object of an [`OpdIndicator`] (`schema_version` 1), field by field.
#[derive(Serialize)]
struct IndicatorOut<'a> {
    id: &'a str,
    weight: &'a Decimal,
    answer: Option<Value>,
    owner: bool,
    institution_level: &'a Decimal,
    level_used: Decimal,
    points_to_gain: &'a Decimal,
}

#[derive(Deserialize)]
struct IndicatorIn {
    id: String,
    weight: Decimal,
    answer: Option<Value>,
    owner: bool,
    institution_level: Decimal,
    points_to_gain: Decimal,
}

impl Serialize for OpdIndicator {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = &*self.facts;
        IndicatorOut {
            id: &f.id,
            weight: &f.weight,
            answer: self.answer,
            owner: self.owner,
            institution_level: &f.institution_level,
            level_used: self.level_used(),
            points_to_gain: &f.points_to_gain,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for OpdIndicator {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let i = IndicatorIn::deserialize(d)?;
        Ok(OpdIndicator {
            facts: Rc::new(IndicatorFacts {
                id: Rc::from(i.id),
                weight: i.weight,
                institution_level: i.institution_level,
                points_to_gain: i.points_to_gain,
            }),
            answer: i.answer,
            owner: i.owner,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Step {
    pub indicator: String,
    pub from: u8,
    pub to: u8,
    /// The evaluation year it is taken before (a `--target-path` plan); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// What the level `to` requires, in the model's language; absent when the model gives no
    /// criteria for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria: Option<String>,
    /// The criteria's English gloss, when the model has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria_en: Option<String>,
    /// The evidence (data dukung) to prepare for the level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

impl Step {
    /// The step of indicator `k` (position in `model`) from `from` to `to`, with the criteria
    /// and evidence the model gives for level `to`.
    pub fn new(model: &Model, k: usize, from: u8, to: u8, year: Option<i32>) -> Step {
        let req = model.requirement(k, to);
        Step {
            indicator: model.indicators[k].id.clone(),
            from,
            to,
            year,
            criteria: req.map(|q| q.criteria.clone()),
            criteria_en: req.and_then(|q| q.criteria_en.clone()),
            evidence: req.map(|q| q.evidence.clone()).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Disagreement {
    pub id: String,
    pub name: String,
    pub weight: Decimal,
    pub min: Value,
    pub max: Value,
    /// Index points between the lowest and the highest answer: weight × (max − min) / 100.
    pub points_at_stake: Decimal,
    /// The institution's consolidated level.
    pub level: Decimal,
    /// Each OPD's level, in reading order.
    pub answers: OpdLevels,
    /// The owners from the map; null without a map.
    pub owners: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MissingOwners {
    /// Model indicators no row of the map makes anyone owner of.
    pub indicators_without_owner: Vec<String>,
    /// OPD the map names that sent no answer.
    pub opds_without_sheet: Vec<String>,
    /// OPD that answered but the map does not name.
    pub opds_not_in_map: Vec<String>,
}

/// The analysis part of the report: rows, disagreements, missing owners, unassigned steps.
pub struct OpdAnalysis {
    pub opds: Vec<OpdRow>,
    pub disagreements: Vec<Disagreement>,
    pub missing: Option<MissingOwners>,
    pub unassigned_steps: Option<Vec<Step>>,
}

struct Acc {
    name: String,
    /// (indicator, the OPD's value in the model's units), in the order counted; sorted by
    /// indicator, the last answer of an indicator kept, before the rows are built.
    answers: Vec<(u8, u16)>,
    owns: Vec<usize>,
    contributes: Vec<usize>,
    sent: bool,
    in_map: bool,
    steps: Vec<Rc<Step>>,
}

/// Computes the OPD view.
pub fn analyse(input: &OpdInput) -> OpdAnalysis {
    let ev = input.ev;
    let model = ev.model;
    let n = model.indicators.len();
    let total = exact::int(model.total_units() as i64);
    let max = exact::int(model.max_level as i64);
    let weight_text = |i: usize| {
        Decimal::rounded(
            &model.percent(model.indicators[i].weight),
            model.weight_decimals(),
        )
    };
    let w = |i: usize| exact::int(model.indicators[i].weight as i64);
    // Per indicator, once: its id, weight, the institution's level and the points to gain on it,
    // shared by every OPD row that covers it.
    let ids: Rc<[Rc<str>]> = model
        .indicators
        .iter()
        .map(|i| Rc::from(i.id.as_str()))
        .collect();
    let points: Vec<Exact> = (0..n)
        .map(|i| w(i) * (&max - &ev.levels[i]) / &total)
        .collect();
    // The sums of a row in whole numbers of the model's units: a value is units / `unit`, so
    // Σ level × w is an integer over `unit`, and Σ w × (max − level) one over `unit` × total.
    // An institution level that is no whole number of units (only under `combine mean`) is
    // added as the exact fraction it is. The results are the same exact fractions.
    let unit = Value::unit(model.level_decimals) as i128;
    let scaled: Vec<Option<i128>> = ev
        .levels
        .iter()
        .map(|l| {
            let x = l * exact::int(unit as i64);
            if x.is_integer() {
                x.to_integer().to_i128()
            } else {
                None
            }
        })
        .collect();
    let facts: Vec<Rc<IndicatorFacts>> = (0..n)
        .map(|i| {
            Rc::new(IndicatorFacts {
                id: ids[i].clone(),
                weight: weight_text(i),
                institution_level: Decimal::exact(&ev.levels[i]),
                points_to_gain: Decimal::exact(&points[i]),
            })
        })
        .collect();

    // Every OPD, from the sheets first (their spelling wins), then the map.
    let mut accs: Vec<Acc> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut slot = |accs: &mut Vec<Acc>, name: &str| -> usize {
        *by_key.entry(opd_key(name)).or_insert_with(|| {
            accs.push(Acc {
                name: name.to_string(),
                answers: Vec::new(),
                owns: Vec::new(),
                contributes: Vec::new(),
                sent: false,
                in_map: false,
                steps: Vec::new(),
            });
            accs.len() - 1
        })
    };
    // An OPD that sent any answer, at any stage, sent a sheet; only the answers that count are
    // its answers.
    let set = ev.counted.set;
    let mut slot_of: Vec<Option<usize>> = vec![None; set.opds.len()];
    for a in &set.answers {
        let o = a.opd as usize;
        if slot_of[o].is_none() {
            let k = slot(&mut accs, &set.opds[o]);
            accs[k].sent = true;
            slot_of[o] = Some(k);
        }
    }
    for a in ev.counted.answers() {
        let k = slot_of[a.opd as usize].expect("every OPD that answered has a slot");
        accs[k].answers.push((a.indicator, a.value));
    }
    for acc in &mut accs {
        // The last answer of an indicator wins, as a map insert would.
        acc.answers.reverse();
        acc.answers.sort_by_key(|&(i, _)| i);
        acc.answers.dedup_by_key(|&mut (i, _)| i);
        acc.answers.shrink_to_fit();
    }
    let mut owned_by: Vec<Vec<usize>> = vec![Vec::new(); n];
    if let Some(map) = ev.policy.owners {
        for r in &map.rows {
            let k = slot(&mut accs, &r.opd);
            accs[k].in_map = true;
            match r.role {
                crate::core::owners::Role::Owner => {
                    accs[k].owns.push(r.indicator);
                    owned_by[r.indicator].push(k);
                }
                crate::core::owners::Role::Contributor => accs[k].contributes.push(r.indicator),
            }
        }
    }

    // The roadmap falls to the owners, else to the OPD that answered.
    let unassigned_steps = input.roadmap.map(|steps| {
        let mut answered_by: Vec<Vec<usize>> = vec![Vec::new(); n];
        for a in ev.counted.answers() {
            let k = slot_of[a.opd as usize].expect("every OPD that answered has a slot");
            answered_by[a.indicator as usize].push(k);
        }
        let mut unassigned = Vec::new();
        for s in steps {
            let step = Rc::new(Step::new(model, s.indicator, s.from, s.to, s.year));
            let to = if !owned_by[s.indicator].is_empty() {
                &owned_by[s.indicator]
            } else {
                &answered_by[s.indicator]
            };
            for &k in to {
                accs[k].steps.push(step.clone());
            }
            if to.is_empty() {
                unassigned.push(Step::clone(&step));
            }
        }
        unassigned
    });

    let id_list = |v: &[usize]| -> IdList {
        let mut pos: Vec<u8> = v.iter().map(|&i| i as u8).collect();
        pos.sort_unstable();
        pos.dedup();
        IdList {
            ids: ids.clone(),
            pos,
        }
    };
    let mut rows: Vec<(Exact, String, OpdRow)> = accs
        .iter_mut()
        .map(|acc| {
            let answered: Vec<usize> = acc.answers.iter().map(|&(i, _)| i as usize).collect();
            let mut covered: Vec<usize> = answered.iter().chain(&acc.owns).copied().collect();
            covered.sort_unstable();
            covered.dedup();
            let mut weight_units: i128 = 0;
            let (mut weighted_units, mut weighted_rest): (i128, Exact) = (0, exact::int(0));
            let (mut gain_units, mut gain_rest): (i128, Exact) = (0, exact::int(0));
            let indicators: Vec<OpdIndicator> = covered
                .iter()
                .map(|&i| {
                    let wi = model.indicators[i].weight as i128;
                    let answer = acc
                        .answers
                        .binary_search_by_key(&i, |&(k, _)| k as usize)
                        .ok()
                        .map(|p| model.value(acc.answers[p].1));
                    weight_units += wi;
                    // The level used: its answer, else the institution's level.
                    match (answer, scaled[i]) {
                        (Some(v), _) => weighted_units += v.units as i128 * wi,
                        (None, Some(s)) => weighted_units += s * wi,
                        (None, None) => weighted_rest += &ev.levels[i] * w(i),
                    }
                    match scaled[i] {
                        Some(s) => gain_units += wi * (model.max_level as i128 * unit - s),
                        None => gain_rest += &points[i],
                    }
                    OpdIndicator {
                        facts: facts[i].clone(),
                        answer,
                        owner: acc.owns.contains(&i),
                    }
                })
                .collect();
            let big = |n: i128| Exact::from_integer(n.into());
            let weight_sum = big(weight_units);
            let weighted = Exact::new(weighted_units.into(), unit.into()) + weighted_rest;
            let gain = Exact::new(
                gain_units.into(),
                (unit * model.total_units() as i128).into(),
            ) + gain_rest;
            let index = (!covered.is_empty()).then(|| &weighted / &weight_sum);
            let row = OpdRow {
                opd: acc.name.clone(),
                sent_sheet: acc.sent,
                answered: id_list(&answered),
                owns: id_list(&acc.owns),
                contributes: id_list(&acc.contributes),
                covered_weight: Decimal::rounded(
                    &(&weight_sum / exact::int(model.units_per_percent as i64)),
                    model.weight_decimals(),
                ),
                index_renormalised: index.as_ref().map(Decimal::exact),
                index_renormalised_rounded: index
                    .as_ref()
                    .map(|x| Decimal::rounded(x, model.decimals)),
                index_renormalised_fraction: index
                    .as_ref()
                    .map(|x| format!("{}/{}", x.numer(), x.denom())),
                index_renormalised_exact: index.as_ref().is_none_or(|x| exact::exact_text(x, 0).1),
                points_to_gain: Decimal::exact(&gain),
                indicators,
                roadmap: input.roadmap.map(|_| std::mem::take(&mut acc.steps)),
            };
            // Its answers are in the row now.
            acc.answers = Vec::new();
            (gain, row.opd.to_lowercase(), row)
        })
        .collect();
    rows.sort_by(|(ga, la, _), (gb, lb, _)| gb.cmp(ga).then_with(|| la.cmp(lb)));

    // Disagreements: answered by several OPD, not unanimous; most points at stake first. Each
    // OPD's name is one allocation however many indicators it disagrees on.
    let names: Rc<[Rc<str>]> = set.opds.iter().map(|o| Rc::from(o.as_str())).collect();
    let mut disagreements: Vec<(Exact, usize, Disagreement)> = ev
        .grouped
        .by_indicator
        .iter()
        .enumerate()
        .filter_map(|(i, given)| {
            let lo = given.iter().map(|(_, l)| *l).min()?;
            let hi = given.iter().map(|(_, l)| *l).max()?;
            if lo == hi {
                return None;
            }
            let stake = w(i) * model.value_exact(hi - lo) / &total;
            Some((
                stake.clone(),
                i,
                Disagreement {
                    id: model.indicators[i].id.clone(),
                    name: model.indicators[i].name.clone(),
                    weight: weight_text(i),
                    min: model.value(lo),
                    max: model.value(hi),
                    points_at_stake: Decimal::exact(&stake),
                    level: Decimal::exact(&ev.levels[i]),
                    answers: OpdLevels {
                        names: names.clone(),
                        given: given.iter().map(|&(o, l)| (o, model.value(l))).collect(),
                    },
                    owners: ev
                        .policy
                        .owners
                        .map(|m| m.owners(i).into_iter().map(String::from).collect()),
                },
            ))
        })
        .collect();
    disagreements.sort_by(|(sa, ia, _), (sb, ib, _)| match sb.cmp(sa) {
        Ordering::Equal => ia.cmp(ib),
        o => o,
    });

    let missing = ev.policy.owners.map(|_| MissingOwners {
        indicators_without_owner: (0..n)
            .filter(|&i| owned_by[i].is_empty())
            .map(|i| model.indicators[i].id.clone())
            .collect(),
        opds_without_sheet: accs
            .iter()
            .filter(|a| a.in_map && !a.sent)
            .map(|a| a.name.clone())
            .collect(),
        opds_not_in_map: accs
            .iter()
            .filter(|a| a.sent && !a.in_map)
            .map(|a| a.name.clone())
            .collect(),
    });

    OpdAnalysis {
        opds: rows.into_iter().map(|(_, _, r)| r).collect(),
        disagreements: disagreements.into_iter().map(|(_, _, d)| d).collect(),
        missing,
        unassigned_steps,
    }
}

impl OpdReport {
    /// The whole report: the analysis, with the institution's result.
    pub fn build(input: &OpdInput) -> OpdReport {
        let ev = input.ev;
        let a = analyse(input);
        let mut warnings = ev.warnings.clone();
        if let Some(m) = &a.missing {
            if !m.indicators_without_owner.is_empty() {
                warnings.push(format!(
                    "{} indicator{} no owner in the responsibility map: {}",
                    m.indicators_without_owner.len(),
                    if m.indicators_without_owner.len() == 1 {
                        " has"
                    } else {
                        "s have"
                    },
                    m.indicators_without_owner.join(", ")
                ));
            }
            if !m.opds_without_sheet.is_empty() {
                warnings.push(format!(
                    "OPD in the responsibility map sent no answer sheet: {}",
                    m.opds_without_sheet.join(", ")
                ));
            }
        }
        OpdReport {
            schema_version: SCHEMA_VERSION,
            tool: Tool::this(),
            model: ModelInfo::of(ev.model),
            combine: ev.policy.combine,
            fallback: (ev.policy.combine == Combine::Owner).then_some(ev.policy.fallback),
            index: Decimal::exact(ev.index()),
            index_rounded: Decimal::rounded(ev.index(), ev.model.decimals),
            predicate: ev.predicate().name.clone(),
            opds: a.opds,
            disagreements: a.disagreements,
            missing: a.missing,
            unassigned_steps: a.unassigned_steps,
            warnings,
            inputs: ev.counted.set.files.clone(),
            owners_file: ev.policy.owners.and_then(|m| m.file.clone()),
        }
    }
}

/// Indicator ids with runs of three or more consecutive model positions written `first-last`.
pub fn id_list<S: AsRef<str>>(model: &Model, ids: impl IntoIterator<Item = S>) -> String {
    let pos: Vec<usize> = ids
        .into_iter()
        .filter_map(|id| model.find_indicator(id.as_ref()))
        .collect();
    let mut parts = Vec::new();
    let mut k = 0;
    while k < pos.len() {
        let mut end = k;
        while end + 1 < pos.len() && pos[end + 1] == pos[end] + 1 {
            end += 1;
        }
        let id = |p: usize| model.indicators[pos[p]].id.as_str();
        match end - k {
            0 => parts.push(id(k).to_string()),
            1 => parts.push(format!("{}, {}", id(k), id(end))),
            _ => parts.push(format!("{}-{}", id(k), id(end))),
        }
        k = end + 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::answers::{Answer, AnswerSet};
    use crate::core::evaluate::{Policy, evaluate};
    use crate::core::exact::{int, ratio};
    use crate::core::owners::{OwnerMap, Responsibility, Role};

    fn model() -> Model {
        Model::load("spbe-2020").unwrap()
    }

    /// Answers from `opd,indicator,level` lines (after a header line).
    fn answers(model: &Model, csv: &str) -> AnswerSet {
        let mut set = AnswerSet::default();
        for (n, line) in csv.lines().enumerate().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            let opd = match set.opds.iter().position(|o| o == cells[0]) {
                Some(o) => o,
                None => {
                    set.opds.push(cells[0].to_string());
                    set.opds.len() - 1
                }
            };
            set.answers.push(Answer {
                opd: opd as u32,
                indicator: model.find_indicator(cells[1]).unwrap() as u8,
                value: cells[2].parse().unwrap(),
                stage: None,
                file: 0,
                line: n as u32 + 1,
                remarks: None,
            });
        }
        set
    }

    /// A responsibility map from `(indicator id, OPD)` owner rows.
    fn owners(model: &Model, rows: &[(&str, &str)]) -> OwnerMap {
        OwnerMap {
            rows: rows
                .iter()
                .map(|(i, o)| Responsibility {
                    indicator: model.find_indicator(i).unwrap(),
                    opd: o.to_string(),
                    role: Role::Owner,
                    line: 0,
                })
                .collect(),
            ..OwnerMap::default()
        }
    }

    fn policy(owners: Option<&OwnerMap>) -> Policy<'_> {
        Policy {
            owners,
            ..Policy::default()
        }
    }

    /// The analysis of every answer in `set` at the institution's levels (combine min), without a
    /// roadmap.
    fn analysis(m: &Model, set: &AnswerSet, owners: Option<&OwnerMap>) -> OpdAnalysis {
        let ev = evaluate(m, set, policy(owners)).unwrap();
        analyse(&OpdInput {
            ev: &ev,
            roadmap: None,
        })
    }

    fn row<'a>(a: &'a OpdAnalysis, opd: &str) -> &'a OpdRow {
        a.opds.iter().find(|r| r.opd == opd).unwrap()
    }

    #[test]
    fn renormalised_index_by_hand() {
        // Bappeda answers 11, 12, 13 at 3, 14 at 2 (weight 2.50 % = 250 units each) and 32 at 4,
        // 33 at 3 (2.75 % = 275 units each), as in the example city; Diskominfo says 2 for 11.
        //   Σ w         = 4 × 250 + 2 × 275                   = 1550 units (15.50 %)
        //   Σ level × w = (3+3+3+2) × 250 + (4+3) × 275 = 2750 + 1925 = 4675
        //   index       = 4675 / 1550 = 187/62 = 3.0161290322580645… → 3.02 (renormalised)
        // Institution levels (min): 11 → 2, 12 → 3, 13 → 3, 14 → 2, 32 → 4, 33 → 3, so
        //   points to gain = (250 × (3+2+2+3) + 275 × (1+2)) / 10000 = (2500 + 825) / 10000 = 0.3325
        let m = model();
        let set = answers(
            &m,
            "opd,indicator,level\nBappeda,11,3\nBappeda,12,3\nBappeda,13,3\nBappeda,14,2\n\
             Bappeda,32,4\nBappeda,33,3\nDiskominfo,11,2\n",
        );
        let a = analysis(&m, &set, None);
        let b = row(&a, "Bappeda");
        assert_eq!(ratio(4675, 1550), ratio(187, 62));
        assert_eq!(b.index_renormalised_fraction.as_deref(), Some("187/62"));
        assert_eq!(
            b.index_renormalised_rounded.as_ref().unwrap().as_str(),
            "3.02"
        );
        assert!(!b.index_renormalised_exact);
        assert_eq!(b.covered_weight.as_str(), "15.50");
        assert_eq!(b.points_to_gain.as_str(), "0.3325");
        // Diskominfo covers only 11 at 2: its index is 2; 11 could add 2.50 × 3 / 100.
        let d = row(&a, "Diskominfo");
        assert_eq!(d.index_renormalised.as_ref().unwrap().value(), int(2));
        assert_eq!(d.points_to_gain.as_str(), "0.075");
        assert_eq!(a.opds[0].opd, "Bappeda"); // 0.3325 > 0.075
        assert!(a.missing.is_none());
    }

    #[test]
    fn an_owner_that_did_not_answer_is_held_to_the_institution_level() {
        let m = model();
        let set = answers(&m, "opd,indicator,level\nDiskominfo,36,3\nBKPSDM,25,2\n");
        let map = owners(
            &m,
            &[("36", "BKPSDM"), ("25", "bkpsdm"), ("1", "Bagian Hukum")],
        );
        let a = analysis(&m, &set, Some(&map));
        let b = row(&a, "BKPSDM");
        assert_eq!(b.owns.iter().collect::<Vec<_>>(), ["25", "36"]);
        assert_eq!(b.answered.iter().collect::<Vec<_>>(), ["25"]);
        // 25: own answer 2 × 150; 36: institution level 3 (Diskominfo's answer) × 275.
        // (2 × 150 + 3 × 275) / (150 + 275) = 1125 / 425 = 45/17
        assert_eq!(ratio(2 * 150 + 3 * 275, 150 + 275), ratio(45, 17));
        assert_eq!(b.index_renormalised_fraction.as_deref(), Some("45/17"));
        let missing = a.missing.unwrap();
        assert_eq!(missing.opds_without_sheet, ["Bagian Hukum"]);
        assert_eq!(missing.opds_not_in_map, ["Diskominfo"]);
        assert_eq!(missing.indicators_without_owner.len(), 47 - 3);
        assert!(!missing.indicators_without_owner.contains(&"36".to_string()));
    }

    #[test]
    fn disagreements_by_points_at_stake() {
        let m = model();
        // 1: spread 3 × 1.30 = 3.90; 11: spread 1 × 2.50; 45: spread 2 × 3.00 = 6.00;
        // 12 and 13: same stake (1 × 2.50): model order breaks the tie; 14 is unanimous.
        let set = answers(
            &m,
            "opd,indicator,level\nA,1,1\nB,1,4\nA,11,2\nB,11,3\nA,45,2\nC,45,4\nB,45,3\n\
             B,13,2\nA,13,3\nA,12,1\nC,12,2\nA,14,3\nB,14,3\n",
        );
        let a = analysis(&m, &set, None);
        let order: Vec<(&str, &str)> = a
            .disagreements
            .iter()
            .map(|d| (d.id.as_str(), d.points_at_stake.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("45", "0.06"),
                ("1", "0.039"),
                ("11", "0.025"),
                ("12", "0.025"),
                ("13", "0.025")
            ]
        );
        let levels: Vec<String> = a.disagreements[0]
            .answers
            .iter()
            .map(|o| format!("{} {}", o.opd, o.level.units))
            .collect();
        assert_eq!(levels, ["A 2", "C 4", "B 3"]);
    }

    #[test]
    fn roadmap_steps_fall_to_owners_else_to_who_answered() {
        let m = model();
        let set = answers(&m, "opd,indicator,level\nDiskominfo,36,3\nDiskominfo,1,2\n");
        let map = owners(&m, &[("36", "BKPSDM")]);
        let raise = |indicator: usize, from: u8| plan::Step {
            indicator,
            from,
            to: from + 1,
            gain: m.indicators[indicator].weight,
            effort: 1,
            year: None,
        };
        let steps = [raise(35, 3), raise(0, 2), raise(46, 1)];
        let ev = evaluate(&m, &set, policy(Some(&map))).unwrap();
        let a = analyse(&OpdInput {
            ev: &ev,
            roadmap: Some(&steps),
        });
        let step = |i: &str, from, to| {
            Step::new(
                &m,
                m.find_indicator(i).expect("an indicator"),
                from,
                to,
                None,
            )
        };
        let shared = |s| Some(vec![Rc::new(s)]);
        assert_eq!(row(&a, "BKPSDM").roadmap, shared(step("36", 3, 4)));
        assert_eq!(row(&a, "Diskominfo").roadmap, shared(step("1", 2, 3)));
        assert_eq!(a.unassigned_steps, Some(vec![step("47", 1, 2)]));
    }

    #[test]
    fn a_whole_level_used_is_its_exact_text() {
        let facts = Rc::new(IndicatorFacts {
            id: Rc::from("1"),
            weight: Decimal::exact(&int(1)),
            institution_level: Decimal::exact(&int(2)),
            points_to_gain: Decimal::exact(&int(0)),
        });
        for units in (0..=1000u16).chain([u16::MAX]) {
            for decimals in [0, 2] {
                let v = Value { units, decimals };
                let i = OpdIndicator {
                    facts: facts.clone(),
                    answer: Some(v),
                    owner: false,
                };
                assert_eq!(
                    i.level_used(),
                    Decimal::exact(&v.exact()),
                    "{units} {decimals}"
                );
            }
        }
    }

    #[test]
    fn id_lists_compress_runs() {
        let m = model();
        let ids: Vec<String> = ["1", "2", "3", "5", "6", "9"].map(String::from).to_vec();
        assert_eq!(id_list(&m, &ids), "1-3, 5, 6, 9");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// One OPD that answered everything covers 100 %: its renormalised index is the
        /// institution's index, and its points to gain are exactly max level − index. With the
        /// map making it owner of everything, `combine owner` scores its answers whatever a second
        /// OPD says.
        #[test]
        fn a_sole_owner_is_the_institution(
            own in proptest::collection::vec(1u8..=5, 47),
            other in proptest::collection::vec(1u8..=5, 47),
        ) {
            let m = model();
            let mut csv = String::from("opd,indicator,level\n");
            for (i, (a, b)) in own.iter().zip(&other).enumerate() {
                csv.push_str(&format!("Sole,{},{a}\nOther,{},{b}\n", i + 1, i + 1));
            }
            let set = answers(&m, &csv);
            let rows: Vec<(String, &str)> = (1..=47).map(|i| (i.to_string(), "Sole")).collect();
            let rows: Vec<(&str, &str)> = rows.iter().map(|(i, o)| (i.as_str(), *o)).collect();
            let map = owners(&m, &rows);
            let ev = evaluate(&m, &set, Policy { combine: Combine::Owner, ..policy(Some(&map)) }).unwrap();
            let own_levels: Vec<Exact> = own.iter().map(|&l| int(l as i64)).collect();
            proptest::prop_assert_eq!(&ev.levels, &own_levels);
            let index = ev.index().clone();
            let a = analyse(&OpdInput { ev: &ev, roadmap: None });
            let sole = row(&a, "Sole");
            proptest::prop_assert_eq!(sole.covered_weight.as_str(), "100.00");
            let fraction = format!("{}/{}", index.numer(), index.denom());
            proptest::prop_assert_eq!(sole.index_renormalised_fraction.as_deref(), Some(fraction.as_str()));
            proptest::prop_assert_eq!(sole.points_to_gain.value(), int(5) - index);
        }
    }
}
