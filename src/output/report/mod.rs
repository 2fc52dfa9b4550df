//! The report people read (`spbe report`): what it contains, built once from a model, the
//! answers and the scorecard, then rendered as HTML (inline CSS and SVG), XLSX or Markdown.
//!
//! The gap part, [`ReportGap`], is built from the one planner's plan ([`ReportPlan`], made by
//! the command with the same options as `spbe gap`), so the report shows the same steps as `gap`
//! and `opd`: one row per step, one level of one indicator, year by year for a path.

pub mod html;
pub mod markdown;
pub mod pack;
pub mod svg;
pub mod xlsx;

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::core::effort::Efforts;
use crate::core::evaluate::Evaluation;
use crate::core::exact::{self, Exact};
use crate::core::model::Model;
use crate::core::plan::{self, Outcome};
use crate::core::score::score;
use crate::core::scorecard::Scorecard;
use crate::output::criteria;
use crate::output::i18n::{Labels, Lang};
use crate::output::roadmap::{self, RoadmapView, StepView};

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct Report {
    pub title: String,
    pub lang: Lang,
    /// `YYYY-MM-DD`: the date of the data (the newest input file, or `--date`).
    pub data_date: String,
    pub card: Scorecard,
    /// The warnings a reader of the report needs (an unanswered indicator, an estimate, a model
    /// that is not official); technical ones (an encoding guessed while reading a file) stay on
    /// stderr.
    pub notices: Vec<String>,
    /// Per indicator, in model order: `OPD: evidence` and `OPD: note` texts.
    pub evidence: Vec<Vec<String>>,
    pub notes: Vec<Vec<String>>,
    pub opds: Vec<OpdRow>,
    pub disagreements: Vec<Disagreement>,
    /// The predicate bands, ascending, as (name, min, max).
    pub bands: Vec<(String, Exact, Exact)>,
    pub min_level: u8,
    pub max_level: u8,
    pub decimals: u32,
    /// Digits of weights (2 for 1.30 %).
    pub weight_decimals: u32,
    /// Digits of an indicator's value (2 for Pemdi's 1.26, 0 for whole levels).
    pub level_decimals: u32,
    /// The levels that scored, exactly, model order.
    pub levels: Vec<Exact>,
    /// Exact aspect and domain indices, model order.
    pub aspect_index: Vec<Exact>,
    pub domain_index: Vec<Exact>,
    /// Domains and aspects with the points still available, target or not.
    pub headroom: Vec<GapRow>,
    pub gap: Option<ReportGap>,
}

/// One OPD: what it answered and where it disagrees with another OPD. A dense sheet gives a
/// million answers that count, so the indicators are positions (a byte each), written as ids
/// only when a row is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpdRow {
    pub opd: String,
    /// Positions in the model (and in `card.indicators`) of the indicators answered, model order.
    pub indicators: Vec<u8>,
    /// Positions of the indicators where another OPD gave a different level.
    pub disagreements: Vec<u8>,
}

/// An indicator where the OPD gave different levels; the levels given are the scorecard's
/// (`card.indicators[indicator].answers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// Position in the model (and in `card.indicators`).
    pub indicator: usize,
    pub used: String,
}

/// The gap to a target and the way there: the plain input of the report's gap part.
#[derive(Debug, Clone)]
pub struct ReportGap {
    pub target: Exact,
    /// The predicate the target falls in.
    pub target_predicate: String,
    /// Target − index (≤ 0 when met).
    pub gap: Exact,
    /// Every target is met already (on the predicate basis).
    pub met: bool,
    /// Every target can be reached under the plan's constraints.
    pub reachable: bool,
    /// Domains then aspects.
    pub rows: Vec<GapRow>,
    /// The plan's steps, as `spbe gap` shows them; `None` when no plan was made (the section
    /// then says why).
    pub roadmap: Option<RoadmapView>,
    /// The sentences about the plan: how the steps were chosen, the pace a single target needs,
    /// what keeps a target out of reach.
    pub notes: Vec<String>,
    /// The steps are priced by an effort file.
    pub priced: bool,
}

/// The plan a report shows, made by the command with the one planner.
#[derive(Debug, Clone, Copy)]
pub struct ReportPlan<'a> {
    pub plan: &'a plan::Plan,
    pub efforts: Option<&'a Efforts>,
    pub limits: &'a plan::Limits,
    pub per_year: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapKind {
    Domain,
    Aspect,
}

/// A domain's or an aspect's distance to the target and the index points left in it.
#[derive(Debug, Clone)]
pub struct GapRow {
    pub kind: GapKind,
    pub id: String,
    pub name: String,
    pub index: Exact,
    /// Target − index of this node; `None` without a target.
    pub gap: Option<Exact>,
    /// Σ weight × (max − level) / 100: index points still available in this node.
    pub points_available: Exact,
}

/// How to build a report.
#[derive(Debug, Clone)]
pub struct ReportOptions<'a> {
    pub title: Option<String>,
    pub lang: Lang,
    pub data_date: String,
    /// The target (for a path, its last year's).
    pub target: Option<Exact>,
    /// The plan to it; `None` with a target when no plan could be made (`--combine mean`).
    pub plan: Option<ReportPlan<'a>>,
}

impl Report {
    pub fn build(ev: &Evaluation<'_>, options: ReportOptions<'_>) -> Report {
        let model = ev.model;
        let card = Scorecard::of(ev);
        let answers = &ev.counted;
        let n = model.indicators.len();
        let mut evidence = vec![Vec::new(); n];
        let mut notes = vec![Vec::new(); n];
        // Only the answers the scorecard counted: evidence of a superseded stage is not this
        // level's evidence.
        let set = answers.set;
        for a in answers.answers() {
            let opd = &set.opds[a.opd as usize];
            if let Some(e) = set.evidence(a).filter(|e| !e.trim().is_empty()) {
                evidence[a.indicator as usize].push(format!("{opd}: {e}"));
            }
            if let Some(t) = set.note(a).filter(|t| !t.trim().is_empty()) {
                notes[a.indicator as usize].push(format!("{opd}: {t}"));
            }
        }
        let disagreements: Vec<Disagreement> = card
            .indicators
            .iter()
            .enumerate()
            .filter(|(_, i)| i.min != i.max)
            .map(|(k, i)| Disagreement {
                indicator: k,
                used: i.level.to_string(),
            })
            .collect();
        let mut by_opd: BTreeMap<&str, (Vec<u8>, Vec<u8>)> = BTreeMap::new();
        for (k, i) in card.indicators.iter().enumerate() {
            // Models have at most 256 indicators (an answer's position is a byte).
            let k = k as u8;
            for a in &i.answers {
                let e = by_opd.entry(&*a.opd).or_default();
                if e.0.last() != Some(&k) {
                    e.0.push(k);
                    if i.min != i.max {
                        e.1.push(k);
                    }
                }
            }
        }
        let mut opds: Vec<OpdRow> = by_opd
            .into_iter()
            .map(|(opd, (mut indicators, mut disagreements))| {
                indicators.shrink_to_fit();
                disagreements.shrink_to_fit();
                OpdRow {
                    opd: opd.to_string(),
                    indicators,
                    disagreements,
                }
            })
            .collect();
        opds.sort_by_cached_key(|r| r.opd.to_lowercase());
        let headroom = gap_rows(model, &ev.levels, None);
        let gap = options
            .target
            .map(|t| ReportGap::compute(ev, t, options.plan, options.lang.labels()));
        let notices = ev
            .notices
            .iter()
            .filter(|n| !n.is_technical())
            .map(|n| crate::output::notices::notice(n, options.lang.labels()))
            .collect();
        let title = options
            .title
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| default_title(ev.model, options.lang.labels()));
        Report {
            title,
            lang: options.lang,
            data_date: options.data_date,
            evidence,
            notes,
            opds,
            disagreements,
            bands: model
                .predicates
                .iter()
                .map(|p| (p.name.clone(), p.min.clone(), p.max.clone()))
                .collect(),
            min_level: model.min_level,
            max_level: model.max_level,
            decimals: model.decimals,
            weight_decimals: model.weight_decimals(),
            level_decimals: model.level_decimals,
            aspect_index: ev.scores.aspects.clone(),
            domain_index: ev.scores.domains.clone(),
            levels: ev.levels.clone(),
            headroom,
            gap,
            notices,
            card,
        }
    }

    pub fn labels(&self) -> &'static Labels {
        self.lang.labels()
    }

    /// `x` rounded half up to the model's decimals.
    pub fn fixed(&self, x: &Exact) -> String {
        exact::fixed(x, self.decimals)
    }

    /// Index points (level × weight / 100), with the digits they need.
    pub fn points(&self, x: &Exact) -> String {
        exact::fixed(x, self.points_decimals())
    }

    /// The digits index points need: the weights' and 2 more (a level × weight / 100).
    pub fn points_decimals(&self) -> u32 {
        self.weight_decimals + self.level_decimals + 2
    }

    /// Aspect indices after the roadmap, when there is one.
    pub fn aspects_after(&self, model: &Model) -> Option<Vec<Exact>> {
        let steps = &self.gap.as_ref()?.roadmap.as_ref()?.steps;
        if steps.is_empty() {
            return None;
        }
        let mut lv = self.levels.clone();
        for s in steps {
            lv[s.indicator] = exact::int(s.to as i64);
        }
        Some(score(model, &lv).aspects)
    }

    /// The inputs line of the heading.
    pub fn inputs_line(&self) -> String {
        crate::output::views::inputs_line(&self.card, self.labels())
    }

    /// `Model: name (id, version v, status)`.
    pub fn model_line(&self) -> String {
        crate::output::views::model_line(&self.card, self.labels())
    }

    /// Headline number: the rounded index, in the report's language.
    pub fn index_text(&self) -> String {
        self.labels().num(self.card.index_rounded.as_str())
    }

    /// The date of the data for people: `2026-03-31`, or `31 Maret 2026` in Indonesian.
    pub fn date_text(&self) -> String {
        match self.lang {
            Lang::En => self.data_date.clone(),
            Lang::Id => indonesian_date(&self.data_date),
        }
    }

    /// The exact index and how the predicate was read.
    pub fn exact_line(&self) -> String {
        let l = self.labels();
        format!(
            "{} {}; {}",
            if self.card.index_exact {
                l.exact
            } else {
                l.estimate
            },
            l.num(exact::exact_text(&self.card.index.value(), self.decimals).0),
            l.predicate_basis(self.card.predicate_basis)
        )
    }

    /// The OPD answers of an indicator as `Bappeda 3, BPKAD 4`, or the no-answer label.
    pub fn opd_levels(&self, k: usize) -> String {
        crate::output::views::opd_levels_cell(&self.card.indicators[k], self.labels())
    }

    /// The gap summary sentence.
    pub fn gap_line(&self) -> Option<String> {
        let g = self.gap.as_ref()?;
        let l = self.labels();
        Some(format!(
            "{}: {} ({}); {}: {}; {}: {}",
            l.target,
            l.num(exact::exact_text(&g.target, self.decimals).0),
            g.target_predicate,
            l.index,
            l.num(exact::exact_text(&self.card.index.value(), self.decimals).0),
            l.gap,
            l.num(exact::exact_text(&g.gap, self.decimals).0),
        ))
    }

    /// The sentences about the roadmap: met, unreachable and why, or how the steps were chosen.
    pub fn roadmap_notes(&self) -> Vec<String> {
        let Some(g) = self.gap.as_ref() else {
            return Vec::new();
        };
        let l = self.labels();
        if g.met {
            vec![l.target_met.to_string()]
        } else if g.roadmap.is_none() && g.notes.is_empty() {
            vec![l.roadmap_none.to_string()]
        } else {
            g.notes.clone()
        }
    }

    /// The roadmap's steps (none without a plan).
    pub fn roadmap_steps(&self) -> &[StepView] {
        self.gap
            .as_ref()
            .and_then(|g| g.roadmap.as_ref())
            .map_or(&[], |r| &r.steps)
    }

    /// True when the roadmap is a path of yearly targets.
    pub fn roadmap_is_path(&self) -> bool {
        self.gap
            .as_ref()
            .and_then(|g| g.roadmap.as_ref())
            .is_some_and(RoadmapView::is_path)
    }

    /// True when the steps carry efforts from an effort file (not one per step).
    fn with_effort(&self) -> bool {
        self.gap.as_ref().is_some_and(|g| g.priced)
    }

    /// The roadmap table's header, one label per cell of [`Report::roadmap_rows`]; shared by
    /// the HTML, Markdown and XLSX reports.
    pub fn roadmap_header(&self) -> Vec<&'static str> {
        let l = self.labels();
        let mut h = vec![l.step];
        if self.roadmap_is_path() {
            h.push(l.year);
        }
        h.extend([l.id, l.indicator, l.from, l.to, l.gain]);
        if self.with_effort() {
            h.push(l.effort);
        }
        h.extend([l.index_after, l.predicate_after, l.owner_opd]);
        if self.roadmap_has_criteria() {
            h.extend([
                l.pick("What the level requires", "Yang dituntut level"),
                l.pick("Evidence to prepare", "Data dukung yang disiapkan"),
            ]);
        }
        h
    }

    /// True when the model gives criteria for at least one roadmap step: the roadmap then has
    /// two more columns, the level's criteria in full and its evidence.
    pub fn roadmap_has_criteria(&self) -> bool {
        self.roadmap_steps().iter().any(|s| s.requirement.is_some())
    }

    /// A step's criteria in full (in the report's language when the model has a gloss, with its
    /// confidence when not official) and its evidence joined by `; `; `-` where the model gives
    /// none.
    pub fn step_criteria(&self, s: &StepView) -> (String, String) {
        match &s.requirement {
            Some(q) => (
                criteria::with_confidence(q, self.labels()),
                if q.evidence.is_empty() {
                    "-".into()
                } else {
                    q.evidence.join("; ")
                },
            ),
            None => ("-".into(), "-".into()),
        }
    }

    /// The numeric columns of [`Report::roadmap_header`].
    pub fn roadmap_numeric(&self) -> Vec<usize> {
        let shift = usize::from(self.roadmap_is_path());
        let mut n = vec![0];
        if shift == 1 {
            n.push(1);
        }
        let last = if self.with_effort() { 7 } else { 6 };
        n.extend((3..=last).map(|c| c + shift));
        n
    }

    /// Roadmap rows as text cells, one per step: step, (year), indicator id, name, from, to,
    /// gain, (effort), index after, predicate after, and who must act: the indicator's owners
    /// in the responsibility map, else the OPD that answered it.
    pub fn roadmap_rows(&self) -> Vec<Vec<String>> {
        let path = self.roadmap_is_path();
        let priced = self.with_effort();
        let with_criteria = self.roadmap_has_criteria();
        self.roadmap_steps()
            .iter()
            .enumerate()
            .map(|(n, s)| {
                let i = &self.card.indicators[s.indicator];
                let mut row = vec![(n + 1).to_string()];
                if path {
                    row.push(s.year.map(|y| y.to_string()).unwrap_or_default());
                }
                row.extend([
                    i.id.clone(),
                    i.name.clone(),
                    exact::exact_text(&s.from, self.level_decimals).0,
                    exact::exact_text(&exact::int(s.to as i64), self.level_decimals).0,
                    self.points(&s.gain),
                ]);
                if priced {
                    row.push(exact::exact_text(&s.effort, 0).0);
                }
                row.extend([
                    exact::exact_text(&s.index_after, self.decimals).0,
                    s.predicate_after.clone(),
                    self.step_owner(s.indicator),
                ]);
                if with_criteria {
                    let (c, e) = self.step_criteria(s);
                    row.extend([c, e]);
                }
                row
            })
            .collect()
    }

    /// Who must act on an indicator: its owners in the responsibility map, else the OPD that
    /// answered it.
    pub fn step_owner(&self, k: usize) -> String {
        let i = &self.card.indicators[k];
        match i.owners.as_deref() {
            Some(owners) if !owners.is_empty() => owners.join(", "),
            _ if i.opds.is_empty() => "-".into(),
            _ => i.opds.join(", "),
        }
    }

    /// The roadmap's rows in sections: one untitled section for a single target; for a path one
    /// per year, titled `2027: 9 steps (target 3.00)`.
    pub fn roadmap_sections(&self) -> Vec<(Option<String>, Vec<Vec<String>>)> {
        let rows = self.roadmap_rows();
        let Some(r) = self.gap.as_ref().and_then(|g| g.roadmap.as_ref()) else {
            return Vec::new();
        };
        if !r.is_path() {
            return if rows.is_empty() {
                Vec::new()
            } else {
                vec![(None, rows)]
            };
        }
        let l = self.labels();
        r.years
            .iter()
            .map(|y| {
                let year = y.year.unwrap_or_default();
                let mut title = format!("{year}: {} {}", y.steps.len(), l.steps_word);
                if let Some(t) = &y.target {
                    title.push_str(&format!(
                        " ({} {})",
                        l.target.to_lowercase(),
                        l.num(exact::exact_text(t, self.decimals).0)
                    ));
                }
                (Some(title), rows[y.steps.clone()].to_vec())
            })
            .collect()
    }

    /// A path's plan by year: year, target, steps, index after, predicate after, met.
    pub fn plan_by_year(&self) -> Option<(Vec<&'static str>, Vec<Vec<String>>)> {
        let r = self.gap.as_ref()?.roadmap.as_ref()?;
        if !r.is_path() {
            return None;
        }
        let l = self.labels();
        let header = vec![
            l.year,
            l.target,
            l.steps_title,
            l.index_after,
            l.predicate_after,
            l.met,
        ];
        let rows = r
            .years
            .iter()
            .map(|y| {
                vec![
                    y.year.map(|y| y.to_string()).unwrap_or_default(),
                    y.target
                        .as_ref()
                        .map(|t| exact::exact_text(t, self.decimals).0)
                        .unwrap_or_else(|| "-".into()),
                    y.steps.len().to_string(),
                    exact::exact_text(&y.index_after, self.decimals).0,
                    y.predicate_after.clone(),
                    match y.met {
                        Some(true) => l.yes.into(),
                        Some(false) => l.no.into(),
                        None => "-".into(),
                    },
                ]
            })
            .collect();
        Some((header, rows))
    }
}

impl ReportGap {
    /// The gap rows by arithmetic alone, and the roadmap of the plan when there is one.
    pub fn compute(
        ev: &Evaluation<'_>,
        target: Exact,
        plan: Option<ReportPlan<'_>>,
        l: &Labels,
    ) -> ReportGap {
        let model = ev.model;
        let rows = gap_rows(model, &ev.levels, Some(&target));
        let basis = ev.policy.basis;
        let mut notes = Vec::new();
        let (met, reachable, roadmap) = match plan {
            None => (
                ev.index() >= &plan::exact_threshold(model, &target, basis),
                target <= exact::int(model.max_level as i64),
                None,
            ),
            Some(p) => {
                let view = RoadmapView::of(model, p.plan, p.efforts, basis);
                match &p.plan.outcome {
                    Outcome::Met => (true, true, None),
                    Outcome::Reach => {
                        notes.push(l.roadmap_method.to_string());
                        if !view.is_path() {
                            notes.push(format!(
                                "{}: {}",
                                l.pick(
                                    "Per indicator (the same steps, grouped)",
                                    "Per indikator (langkah yang sama, dikelompokkan)"
                                ),
                                roadmap::grouped(model, &view.steps)
                            ));
                            notes.extend(roadmap::pace_line(model, p.plan, p.per_year, l));
                        }
                        (false, true, Some(view))
                    }
                    Outcome::Unreachable { year, binding } => {
                        let v = &view.years[*year];
                        let best = l.num(exact::exact_text(&v.best, model.decimals).0);
                        let t = l.num(
                            exact::exact_text(v.target.as_ref().unwrap_or(&target), model.decimals)
                                .0,
                        );
                        notes.push(match v.year {
                            Some(y) => l.pick(
                                format!(
                                    "The target {t} for {y} cannot be reached: the best index reachable by {y} under these constraints is {best}."
                                ),
                                format!(
                                    "Target {t} untuk {y} tidak dapat dicapai: indeks terbaik yang dapat dicapai sampai {y} dengan batasan ini {best}."
                                ),
                            ),
                            None => l.pick(
                                format!(
                                    "The target {t} cannot be reached: the best index reachable under these constraints is {best}."
                                ),
                                format!(
                                    "Target {t} tidak dapat dicapai: indeks terbaik yang dapat dicapai dengan batasan ini {best}."
                                ),
                            ),
                        });
                        notes.push(roadmap::binding_line(
                            model, p.plan, binding, p.limits, p.per_year, l,
                        ));
                        (false, false, None)
                    }
                }
            }
        };
        ReportGap {
            target_predicate: model.predicate(&target).name.clone(),
            gap: (&target - ev.index()).max(exact::int(0)),
            target,
            met,
            reachable,
            rows,
            priced: plan.is_some_and(|p| p.efforts.is_some()),
            roadmap,
            notes,
        }
    }
}

/// A report's title when `--title` gives none, from the model: `SPBE report` for Indeks SPBE,
/// `Pemdi report` for Indeks Pemerintah Digital (Pemdi).
pub fn default_title(model: &Model, l: &Labels) -> String {
    let index = index_name(&model.name);
    l.pick(format!("{index} report"), format!("Laporan {index}"))
}

/// The short name of a model's index: its name without a leading `Indeks`, and by the
/// abbreviation in brackets at its end where there is one (`Indeks Pemerintah Digital (Pemdi)`
/// is `Pemdi`), else without the bracket (`Indeks SPBE (PermenPANRB 5/2018, reconstructed)` is
/// `SPBE`).
fn index_name(name: &str) -> &str {
    let name = name.trim();
    let name = match name.get(..7) {
        Some(word) if word.eq_ignore_ascii_case("indeks ") => name[7..].trim_start(),
        _ => name,
    };
    if let Some(open) = name.strip_suffix(')').and_then(|n| n.rfind('(')) {
        let inside = &name[open + 1..name.len() - 1];
        let before = name[..open].trim_end();
        if !inside.is_empty() && !inside.contains(char::is_whitespace) {
            return inside;
        }
        if !before.is_empty() {
            return before;
        }
    }
    name
}

/// Every domain then every aspect: its index, its distance to `target` and the index points
/// still available in it (Σ weight × (max − level) / 100). Needs no planner.
pub fn gap_rows(model: &Model, levels: &[Exact], target: Option<&Exact>) -> Vec<GapRow> {
    let scores = score(model, levels);
    let max = exact::int(model.max_level as i64);
    let total = exact::int(model.total_units() as i64);
    // Σ weight units × (max − level), per aspect, then per domain.
    let mut aspect_room = vec![exact::int(0); model.aspects.len()];
    for (ind, l) in model.indicators.iter().zip(levels) {
        aspect_room[ind.aspect] += (&max - l) * exact::int(ind.weight as i64);
    }
    let mut domain_room = vec![exact::int(0); model.domains.len()];
    for (a, room) in model.aspects.iter().zip(&aspect_room) {
        if let Some(d) = a.domain {
            domain_room[d] += room;
        }
    }
    let domains = model
        .domains
        .iter()
        .zip(&scores.domains)
        .zip(&domain_room)
        .map(|((d, idx), room)| (GapKind::Domain, &d.id, &d.name, idx, room));
    let aspects = model
        .aspects
        .iter()
        .zip(&scores.aspects)
        .zip(&aspect_room)
        .map(|((a, idx), room)| (GapKind::Aspect, &a.id, &a.name, idx, room));
    domains
        .chain(aspects)
        .map(|(kind, id, name, idx, room)| GapRow {
            kind,
            id: id.clone(),
            name: name.clone(),
            index: idx.clone(),
            // As in `spbe gap`: a node above the target has no gap (0), not a negative one.
            gap: target.map(|t| (t - idx).max(exact::int(0))),
            points_available: room / &total,
        })
        .collect()
}

/// `2026-03-31` as `31 Maret 2026`; anything else unchanged.
pub fn indonesian_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ];
    let parts: Vec<&str> = iso.split('-').collect();
    match parts[..] {
        [y, m, d] if y.len() == 4 => match (m.parse::<usize>(), d.parse::<u32>()) {
            (Ok(m @ 1..=12), Ok(d)) => format!("{d} {} {y}", MONTHS[m - 1]),
            _ => iso.to_string(),
        },
        _ => iso.to_string(),
    }
}

/// Reads `--target`: a number (`3`, `3.5`, `3,5`) or a predicate name (`Baik` → its lower
/// bound), within the model's level range.
pub fn parse_target(model: &Model, text: &str) -> anyhow::Result<Exact> {
    plan::parse_target(model, "--target", text).map_err(anyhow::Error::msg)
}

/// The indicator table's header: the scorecard's columns ([`crate::output::views::indicator_header`]),
/// then the evidence; shared by the HTML and Markdown reports.
pub fn indicator_header(l: &Labels) -> Vec<&'static str> {
    let mut header = crate::output::views::indicator_header(l);
    header.push(l.evidence);
    header
}

/// The indicator table's rows, under [`indicator_header`]; shared by the HTML and Markdown
/// reports.
pub fn indicator_rows(report: &Report, card: &Scorecard) -> Vec<Vec<String>> {
    card.indicators
        .iter()
        .enumerate()
        .map(|(k, i)| {
            let mut row =
                crate::output::views::indicator_cells(i, report.points_decimals(), report.labels());
            row.push(report.evidence[k].join("; "));
            row
        })
        .collect()
}

/// The OPD table's rows (OPD, how many indicators it answered, which, where it disagrees with
/// another OPD or `-`), shared by the HTML and Markdown reports.
pub fn opd_rows(report: &Report) -> Vec<Vec<String>> {
    let ids = |ks: &[u8]| {
        let mut s = String::new();
        for (n, &k) in ks.iter().enumerate() {
            if n > 0 {
                s.push_str(", ");
            }
            s.push_str(&report.card.indicators[k as usize].id);
        }
        s
    };
    report
        .opds
        .iter()
        .map(|r| {
            vec![
                r.opd.clone(),
                r.indicators.len().to_string(),
                ids(&r.indicators),
                if r.disagreements.is_empty() {
                    "-".into()
                } else {
                    ids(&r.disagreements)
                },
            ]
        })
        .collect()
}

/// The disagreement table's rows (id, name, each OPD's level, the level used), shared by the
/// HTML and Markdown reports.
pub fn disagreement_rows(report: &Report, card: &Scorecard) -> Vec<Vec<String>> {
    report
        .disagreements
        .iter()
        .map(|d| {
            let i = &card.indicators[d.indicator];
            let mut given = String::new();
            for (n, a) in i.answers.iter().enumerate() {
                if n > 0 {
                    given.push_str(", ");
                }
                let _ = write!(given, "{} {}", a.opd, a.level);
            }
            vec![i.id.clone(), i.name.clone(), given, d.used.clone()]
        })
        .collect()
}

/// A date from days since 1970-01-01 (proleptic Gregorian), as `YYYY-MM-DD`.
pub fn civil_date(days: i64) -> String {
    // Howard Hinnant's days_from_civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The UTC date of a file time.
pub fn date_of(t: std::time::SystemTime) -> String {
    let secs = match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    civil_date(secs.div_euclid(86_400))
}

/// Checks `--date`: `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> anyhow::Result<String> {
    let t = text.trim();
    let b = t.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && {
            let year: u32 = t[..4].parse().unwrap_or(0);
            let month: u32 = t[5..7].parse().unwrap_or(0);
            let day: u32 = t[8..10].parse().unwrap_or(0);
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            let days = match month {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                2 if leap => 29,
                2 => 28,
                _ => 0,
            };
            year >= 1 && (1..=days).contains(&day)
        };
    if !ok {
        anyhow::bail!("--date {text:?} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31");
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        Model::load("spbe-2020").unwrap()
    }

    #[test]
    fn the_default_title_names_the_models_index() {
        use crate::output::i18n::{EN, ID};
        for (id, en, indonesian) in [
            ("spbe-2020", "SPBE report", "Laporan SPBE"),
            ("pemdi-2026", "Pemdi report", "Laporan Pemdi"),
            ("spbe-2018", "SPBE report", "Laporan SPBE"),
        ] {
            let m = Model::load(id).unwrap();
            assert_eq!(default_title(&m, &EN), en);
            assert_eq!(default_title(&m, &ID), indonesian);
        }
        assert_eq!(index_name("Indeks Kota (Cerdas 2027)"), "Kota");
        assert_eq!(index_name("My own index"), "My own index");
        assert_eq!(index_name("(x)"), "x");
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(parse_date("2024-02-29").unwrap(), "2024-02-29");
        assert_eq!(parse_date(" 2026-03-31 ").unwrap(), "2026-03-31");
        for bad in [
            "2025-02-29",
            "2025-02-30",
            "2026-04-31",
            "0000-01-01",
            "2026-13-01",
            "2026-1-01",
            "31-03-2026",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(19_723), "2024-01-01");
        assert_eq!(civil_date(20_513), "2026-03-01");
        assert_eq!(civil_date(-1), "1969-12-31");
    }

    #[test]
    fn dates_in_indonesian() {
        assert_eq!(indonesian_date("2026-11-25"), "25 November 2026");
        assert_eq!(indonesian_date("2026-03-01"), "1 Maret 2026");
        assert_eq!(indonesian_date("soon"), "soon");
    }

    #[test]
    fn targets_are_numbers_or_predicates_in_range() {
        let m = model();
        assert_eq!(parse_target(&m, "3").unwrap(), exact::int(3));
        assert_eq!(parse_target(&m, "3,5").unwrap(), exact::ratio(7, 2));
        assert_eq!(parse_target(&m, "baik").unwrap(), exact::ratio(13, 5));
        let e = parse_target(&m, "6").unwrap_err().to_string();
        assert!(e.contains("outside the index range 1..5"), "{e}");
        let e = parse_target(&m, "tiga").unwrap_err().to_string();
        assert!(
            e.contains("Memuaskan, Sangat Baik") || e.contains("Kurang"),
            "{e}"
        );
    }

    /// The report's steps for the one planner's fewest-steps plan from whole `levels`.
    fn steps(m: &Model, levels: &[u8], target: &Exact) -> Vec<StepView> {
        let values: Vec<Exact> = levels.iter().map(|&l| exact::int(l as i64)).collect();
        let goal = plan::Goal::Target(target.clone());
        let limits = plan::Limits::default();
        let basis = crate::core::score::PredicateBasis::Exact;
        let p = plan::plan(m, &values, &goal, basis, &limits, None).unwrap();
        let view = RoadmapView::of(m, &p, None, basis);
        assert_eq!(view.steps.len(), p.steps().len(), "one row per step");
        view.steps
    }

    #[test]
    fn the_roadmap_is_one_row_per_step_heaviest_first() {
        let m = model();
        // All level 1: index 1.00. Indicators 42-47 weigh 3.00 (heaviest): one step each adds
        // 0.03. Target 1.05 needs 2 steps of 0.03 (0.06 ≥ 0.05), and no single step suffices.
        let s = steps(&m, &[1; 47], &exact::ratio(105, 100));
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].indicator, s[0].to), (41, 2));
        assert_eq!((s[1].indicator, s[1].to), (42, 2));
        assert_eq!(s[1].from, exact::int(1));
        assert_eq!(s[1].index_after, exact::ratio(106, 100));
        // 5.00 from all 1: every indicator takes its four steps, one row each.
        let all = steps(&m, &[1; 47], &exact::int(5));
        assert_eq!(all.len(), 47 * 4);
        assert_eq!(all.last().unwrap().index_after, exact::int(5));
        assert_eq!(all.last().unwrap().predicate_after, "Memuaskan");
        // Met already: nothing to do.
        assert!(steps(&m, &[3; 47], &exact::int(3)).is_empty());
    }
}
