//! `spbe gap`: how far the index is from a target, where the points are, and the cheapest
//! roadmap of one-level steps that reaches it (planning itself is in [`crate::core::plan`]).

use anyhow::bail;
use clap::Args;
use serde::Serialize;

use crate::cmd::args::{FAILURE, InputArgs, OutputArgs, PlanArgs, Planned, SUCCESS, WhatIfArgs};
use crate::core::consolidate::Combine;
use crate::core::evaluate::Evaluation;
use crate::core::evaluate::Override;
use crate::core::exact::{self, Decimal, Exact};
use crate::core::model::{CriteriaConfidence, LevelRequirement};
use crate::core::plan::{Goal, Outcome};
use crate::core::score::{PredicateBasis, predicate};
use crate::core::scorecard::{ModelInfo, SCHEMA_VERSION, Tool};
use crate::output::criteria;
use crate::output::document::{Document, Grid, Md, Table};
use crate::output::i18n::{Labels, Lang};
use crate::output::roadmap::{self, RoadmapView, StepView};
use crate::output::{notices, views};

#[derive(Debug, Clone, Args)]
#[command(after_help = "\
Examples:
  spbe gap examples/kota-contoh --target 3
  spbe gap examples/kota-contoh --target-path 2027=3.0,2028=3.3,2029=3.5
  spbe gap examples/kota-contoh --target-predicate \"Sangat Baik\" --max-level 4
  spbe gap examples/kota-contoh --target 3 --effort effort.yaml --exclude 45,46,47
  spbe gap examples/kota-contoh --target 3 --set 11=3 --set 12=3 --format json

Exit status: 0 every target is met or a roadmap reaches it, 1 a target cannot be reached under
the constraints (the year, the best reachable index and what binds are shown), 2 an error.

Roadmap ties: least effort, then fewest steps, then the highest index reached, then lower
levels first, then model order (docs/gap-and-check.md).")]
pub struct GapArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub plan: PlanArgs,

    /// Read the predicates shown from the exact index (2024 practice) or the rounded one (2023).
    #[arg(long, value_enum, default_value_t = PredicateBasis::Exact)]
    pub predicate_basis: PredicateBasis,

    #[command(flatten)]
    pub what_if: WhatIfArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// The JSON contract of `spbe gap --format json` (`schema_version` 1).
#[derive(Debug, Clone, Serialize)]
pub struct GapReport {
    pub schema_version: u32,
    pub tool: Tool,
    pub model: ModelInfo,
    /// The target index (for `--target-predicate`, the band's lower bound; for a path, the last
    /// year's target).
    pub target: Decimal,
    /// The band named by `--target-predicate`; null with `--target`.
    pub target_predicate: Option<String>,
    pub current: Decimal,
    pub current_rounded: Decimal,
    pub current_predicate: String,
    pub predicate_basis: PredicateBasis,
    /// Index points still missing: max(0, target − current).
    pub gap: Decimal,
    /// "met", "reachable" or "unreachable".
    pub status: &'static str,
    /// True when met or reachable under the constraints.
    pub reachable: bool,
    /// The index with every allowed indicator at its highest allowed level.
    pub best_reachable: Decimal,
    pub best_reachable_rounded: Decimal,
    /// The index after the roadmap (the current index when met or unreachable).
    pub index_after: Decimal,
    pub index_after_rounded: Decimal,
    pub predicate_after: String,
    pub total_steps: usize,
    /// The roadmap's total effort in the effort file's unit (the number of steps without one).
    pub total_effort: Decimal,
    /// The effort file, or null for unit effort.
    pub effort_file: Option<String>,
    /// At most this many levels per indicator per year (`--per-year`).
    pub per_year: u8,
    /// The evaluation years the roadmap's steps need at `per_year`.
    pub years_needed: u32,
    pub constraints: Constraints,
    pub overrides: Vec<Override>,
    /// Every step, in the order to take them (year by year for a path).
    pub steps: Vec<StepRow>,
    /// A `--target-path` plan: every evaluation year from the first to the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years: Option<Vec<YearRow>>,
    /// When a target cannot be reached: which, the best by then, and what binds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreachable: Option<Unreachable>,
    pub domains: Vec<NodeGap>,
    pub aspects: Vec<NodeGap>,
    /// Sorted by points available, biggest first; ties in model order.
    pub indicators: Vec<IndicatorGap>,
    pub warnings: Vec<String>,
    /// Digits shown for an index, for index points and for an indicator's value in tables
    /// (JSON has exact values).
    #[serde(skip)]
    pub digits: (u32, u32, u32),
    /// The steps grouped per indicator, for the summary (display only).
    #[serde(skip)]
    pub grouped: String,
    /// The sentence about the pace a single target's steps need.
    #[serde(skip)]
    pub pace: Option<String>,
    /// The sentence about what binds, when unreachable.
    #[serde(skip)]
    pub binds: Option<String>,
}

impl GapReport {
    /// An index for a table: exact, with at least the model's decimals.
    fn ix(&self, x: &Decimal) -> String {
        exact::exact_text(&x.value(), self.digits.0).0
    }

    /// Index points for a table: exact, aligned on the weight's and the value's digits + 2.
    fn pts(&self, x: &Decimal) -> String {
        exact::exact_text(&x.value(), self.digits.1).0
    }

    /// An indicator's value for a table, with the model's value digits (`1.50`, or `2`).
    fn val(&self, x: &Decimal) -> String {
        exact::exact_text(&x.value(), self.digits.2).0
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Constraints {
    pub max_level: u8,
    pub exclude: Vec<String>,
    /// Empty means every indicator may move.
    pub only: Vec<String>,
}

/// One step: one level of one indicator.
#[derive(Debug, Clone, Serialize)]
pub struct StepRow {
    /// The evaluation year it is taken before (a `--target-path` plan); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    pub indicator: String,
    pub name: String,
    /// The level it starts from (a decimal value for an indicator's first step from between
    /// levels).
    pub from: Decimal,
    pub to: u8,
    /// Index points this step adds: weight × (to − from) / 100.
    pub gain: Decimal,
    pub effort: Decimal,
    pub index_after: Decimal,
    pub index_after_rounded: Decimal,
    pub predicate_after: String,
    /// What the level `to` requires, in the model's language (Indonesian for the embedded
    /// models); absent when the model gives no criteria for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criteria: Option<String>,
    /// The criteria's English gloss, when the model has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criteria_en: Option<String>,
    /// How far the criteria are trusted; absent without criteria.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criteria_confidence: Option<CriteriaConfidence>,
    /// The evidence (data dukung) to prepare for the level; absent without criteria.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    #[serde(skip)]
    pub requirement: Option<LevelRequirement>,
}

/// One evaluation year of a `--target-path` plan.
#[derive(Debug, Clone, Serialize)]
pub struct YearRow {
    pub year: i32,
    /// Null: a year between two listed ones, with no target of its own.
    pub target: Option<Decimal>,
    /// Whether the index after this year's steps meets the target; null without a target.
    pub met: Option<bool>,
    pub total_steps: usize,
    pub total_effort: Decimal,
    pub index_after: Decimal,
    pub index_after_rounded: Decimal,
    pub predicate_after: String,
    /// The best index reachable by this evaluation under the constraints.
    pub best_reachable: Decimal,
    pub best_reachable_rounded: Decimal,
    /// The steps to take before this evaluation.
    pub steps: Vec<StepRow>,
}

/// The first target that cannot be reached.
#[derive(Debug, Clone, Serialize)]
pub struct Unreachable {
    /// Its year (null for a single `--target`).
    pub year: Option<i32>,
    pub target: Decimal,
    /// The best index reachable by then under the constraints.
    pub best_reachable: Decimal,
    pub best_reachable_rounded: Decimal,
    /// The constraints whose lifting alone would raise that best index; `model-top` when none
    /// would (every allowed indicator is at the model's highest level by then).
    pub binding: Vec<BindingRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BindingRow {
    /// "per-year", "max-level", "exclude", "only" or "model-top".
    pub limit: &'static str,
    /// The flag as given, e.g. "--per-year 1".
    pub setting: String,
    /// The best index reachable by then without this constraint; null for "model-top".
    pub best_without: Option<Decimal>,
}

/// A domain's or an aspect's gap.
#[derive(Debug, Clone, Serialize)]
pub struct NodeGap {
    pub id: String,
    pub name: String,
    pub index: Decimal,
    pub target: Decimal,
    /// max(0, target − index), on the node's own 1-5 scale.
    pub gap: Decimal,
    /// Index points (of the whole index) its indicators can still add under the constraints:
    /// Σ weight × (highest allowed level − level) / 100.
    pub available: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorGap {
    pub id: String,
    pub name: String,
    pub aspect: String,
    /// The current value (a whole level, or a decimal value).
    pub level: Decimal,
    /// The highest level the plan may raise it to.
    pub max_level: u8,
    pub weight: Decimal,
    /// Index points per level step: weight / 100.
    pub per_step: Decimal,
    pub available: Decimal,
}

pub fn run(args: &GapArgs) -> anyhow::Result<u8> {
    if args.input.combine == Combine::Mean {
        bail!(
            "spbe gap plans whole level steps, and --combine mean gives fractional levels; use --combine min, max or median"
        );
    }
    if !args.plan.wanted() {
        bail!(
            "spbe gap needs a target: --target 3, --target-predicate \"Sangat Baik\" or --target-path 2027=3.0,2028=3.3"
        );
    }
    // Check the targets, limits and effort file before reading any sheet: a typo fails fast.
    let model = args.input.load_model()?;
    let request = args.plan.request(&model)?.expect("a target was given");
    let loaded = args
        .input
        .load_with(model, args.predicate_basis, &args.what_if)?;
    let ev = loaded.evaluate()?;
    let planned = request.plan(&ev)?;
    let l = args.output.labels();
    let report = build(&ev, &planned, l);

    let mut read = args.input.files();
    read.extend(args.plan.files());
    let mut doc = document(&report, l);
    doc.warnings = notices::notices(&ev.notices, l);
    args.output.emit(&doc, &read)?;
    Ok(if report.reachable { SUCCESS } else { FAILURE })
}

/// The gap as a document: the tables (domains, aspects, indicators, then the roadmap, or for a
/// path the plan by year and one roadmap per year), the verdict; its JSON is the report, its CSV
/// the steps.
fn document<'a>(r: &'a GapReport, l: &Labels) -> Document<'a> {
    let mut doc = Document::titled(format!(
        "{} {}",
        l.pick("Gap to", "Kesenjangan ke"),
        l.num(r.target.as_str())
    ));
    for s in sections(r, l) {
        doc.table(s).gap();
    }
    let needs = step_needs(r, l);
    if !needs.is_empty() {
        doc.lines(vec![criteria::step_lines_title(l)], Md::Strong);
        doc.lines(needs, Md::List).gap();
    }
    doc.lines(summary(r, l), Md::Lines);
    let steps = steps_table(r, &r.steps, "", &crate::output::i18n::EN);
    doc.record(r).grid(Grid {
        header: steps.header,
        rows: steps.rows,
        numeric: steps.numeric.into_iter().filter(|&c| c > 2).collect(),
    });
    doc.warnings = r.warnings.clone();
    doc
}

/// Computes the gap tables and the roadmap from the one planner's plan.
pub fn build(ev: &Evaluation<'_>, planned: &Planned, l: &Labels) -> GapReport {
    let model = ev.model;
    let plan = &planned.plan;
    let request = &planned.request;
    let basis = ev.policy.basis;
    let view = RoadmapView::of(model, plan, request.efforts.as_ref(), basis);
    let target = match &request.goal {
        Goal::Target(t) => t.clone(),
        Goal::Path { milestones, .. } => milestones.last().expect("a year").target.clone(),
    };
    let levers = &plan.levers;
    let units = |u: i64| exact::ratio(u, plan.total);
    let current = view.current.clone();
    let pred = |x: &Exact| predicate(model, x, basis).name.clone();
    let d = model.decimals;
    let best = units(plan.best_units());
    let step_row = |s: &StepView| StepRow {
        year: s.year,
        indicator: model.indicators[s.indicator].id.clone(),
        name: model.indicators[s.indicator].name.clone(),
        from: Decimal::exact(&s.from),
        to: s.to,
        gain: Decimal::exact(&s.gain),
        effort: Decimal::exact(&s.effort),
        index_after: Decimal::exact(&s.index_after),
        index_after_rounded: Decimal::rounded(&s.index_after, d),
        predicate_after: s.predicate_after.clone(),
        criteria: s.requirement.as_ref().map(|q| q.criteria.clone()),
        criteria_en: s.requirement.as_ref().and_then(|q| q.criteria_en.clone()),
        criteria_confidence: s.requirement.as_ref().map(|q| q.confidence),
        evidence: s
            .requirement
            .as_ref()
            .map(|q| q.evidence.clone())
            .unwrap_or_default(),
        requirement: s.requirement.clone(),
    };
    let steps: Vec<StepRow> = view.steps.iter().map(step_row).collect();
    let years = view.is_path().then(|| {
        view.years
            .iter()
            .enumerate()
            .map(|(y, v)| YearRow {
                year: v.year.expect("a path year"),
                target: v.target.as_ref().map(Decimal::exact),
                met: v.met,
                total_steps: v.steps.len(),
                total_effort: Decimal::exact(&v.effort),
                index_after: Decimal::exact(&v.index_after),
                index_after_rounded: Decimal::rounded(&v.index_after, d),
                predicate_after: v.predicate_after.clone(),
                best_reachable: Decimal::exact(&v.best),
                best_reachable_rounded: Decimal::rounded(&v.best, d),
                steps: view.steps_of(y).iter().map(step_row).collect(),
            })
            .collect()
    });
    let (status, reachable) = match plan.outcome {
        Outcome::Met => ("met", true),
        Outcome::Reach => ("reachable", true),
        Outcome::Unreachable { .. } => ("unreachable", false),
    };
    let (unreachable, binds) = match &plan.outcome {
        Outcome::Unreachable { year, binding } => {
            let v = &view.years[*year];
            let row = Unreachable {
                year: v.year,
                target: Decimal::exact(v.target.as_ref().expect("a target")),
                best_reachable: Decimal::exact(&v.best),
                best_reachable_rounded: Decimal::rounded(&v.best, d),
                binding: binding
                    .iter()
                    .map(|b| {
                        let (setting, best) = roadmap::binding_parts(
                            model,
                            plan,
                            b,
                            &request.limits,
                            request.per_year,
                        );
                        BindingRow {
                            limit: roadmap::limit_name(b.limit),
                            setting,
                            best_without: best.as_ref().map(Decimal::exact),
                        }
                    })
                    .collect(),
            };
            let line =
                roadmap::binding_line(model, plan, binding, &request.limits, request.per_year, l);
            (Some(row), Some(line))
        }
        _ => (None, None),
    };

    // Points available per indicator, then summed per aspect and domain.
    let avail: Vec<i64> = levers.iter().map(|l| l.gained(l.room()) as i64).collect();
    let zero = exact::int(0);
    let node_gap = |id: &str, name: &str, index: Exact, available: i64| NodeGap {
        id: id.to_string(),
        name: name.to_string(),
        gap: Decimal::exact(&(&target - &index).max(zero.clone())),
        index: Decimal::exact(&index),
        target: Decimal::exact(&target),
        available: Decimal::exact(&units(available)),
    };
    let aspects = model
        .aspects
        .iter()
        .enumerate()
        .map(|(a, asp)| {
            let av = (0..levers.len())
                .filter(|&i| model.indicators[i].aspect == a)
                .map(|i| avail[i])
                .sum();
            node_gap(&asp.id, &asp.name, ev.scores.aspects[a].clone(), av)
        })
        .collect();
    let domains = model
        .domains
        .iter()
        .enumerate()
        .map(|(di, dom)| {
            let av = (0..levers.len())
                .filter(|&i| model.aspects[model.indicators[i].aspect].domain == Some(di))
                .map(|i| avail[i])
                .sum();
            node_gap(&dom.id, &dom.name, ev.scores.domains[di].clone(), av)
        })
        .collect();
    let mut order: Vec<usize> = (0..levers.len()).collect();
    order.sort_by(|&a, &b| avail[b].cmp(&avail[a]).then(a.cmp(&b)));
    let indicators = order
        .into_iter()
        .map(|i| IndicatorGap {
            id: model.indicators[i].id.clone(),
            name: model.indicators[i].name.clone(),
            aspect: model.aspects[model.indicators[i].aspect].id.clone(),
            level: Decimal::exact(&plan.values[i]),
            max_level: levers[i].cap,
            weight: Decimal::rounded(
                &model.percent(model.indicators[i].weight),
                model.weight_decimals(),
            ),
            per_step: Decimal::exact(&units(levers[i].step as i64)),
            available: Decimal::exact(&units(avail[i])),
        })
        .collect();
    let limits = &request.limits;
    let ids = |v: &[usize]| -> Vec<String> {
        v.iter().map(|&i| model.indicators[i].id.clone()).collect()
    };

    GapReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool::this(),
        model: ModelInfo::of(model),
        target: Decimal::exact(&target),
        target_predicate: request.target_predicate.clone(),
        current_rounded: Decimal::rounded(&current, d),
        current_predicate: pred(&current),
        predicate_basis: basis,
        gap: Decimal::exact(&(&target - &current).max(zero.clone())),
        current: Decimal::exact(&current),
        status,
        reachable,
        best_reachable: Decimal::exact(&best),
        best_reachable_rounded: Decimal::rounded(&best, d),
        index_after: Decimal::exact(&view.index_after),
        index_after_rounded: Decimal::rounded(&view.index_after, d),
        predicate_after: pred(&view.index_after),
        total_steps: steps.len(),
        total_effort: Decimal::exact(&view.effort),
        effort_file: request
            .effort_file
            .as_ref()
            .map(|p| p.display().to_string()),
        per_year: request.per_year,
        years_needed: plan.years_needed(request.per_year),
        constraints: Constraints {
            max_level: plan.max_level,
            exclude: ids(&limits.exclude),
            only: ids(&limits.only),
        },
        overrides: ev.overrides.clone(),
        grouped: roadmap::grouped(model, &view.steps),
        pace: match request.goal {
            Goal::Target(_) => roadmap::pace_line(model, plan, request.per_year, l),
            Goal::Path { .. } => None,
        },
        binds,
        steps,
        years,
        unreachable,
        domains,
        aspects,
        indicators,
        warnings: ev.warnings.clone(),
        digits: (
            d,
            model.weight_decimals() + model.level_decimals + 2,
            model.level_decimals,
        ),
    }
}

/// One short line per roadmap step shown: what the level it reaches requires (the steps the
/// tables show: none for an unreachable path).
fn step_needs(r: &GapReport, l: &Labels) -> Vec<String> {
    let steps: Vec<&StepRow> = match &r.years {
        None => r.steps.iter().collect(),
        Some(years) if r.status == "reachable" => years.iter().flat_map(|y| &y.steps).collect(),
        Some(_) => Vec::new(),
    };
    steps
        .iter()
        .filter_map(|s| {
            let q = s.requirement.as_ref()?;
            let line = criteria::step_line(&s.indicator, s.to, q, l);
            Some(match s.year {
                Some(y) => format!("{y}: {line}"),
                None => line,
            })
        })
        .collect()
}

/// A table of steps: `#`, (the year in a path's CSV), the indicator, from, to, gain, (effort),
/// the index after, rounded, the predicate after.
fn steps_table(r: &GapReport, steps: &[StepRow], title: &str, l: &Labels) -> Table {
    let with_effort = r.effort_file.is_some();
    let with_year = r.years.is_some() && title.is_empty();
    let mut header = vec!["#"];
    if with_year {
        header.push(l.year);
    }
    header.extend([l.id, l.indicator, l.from, l.to, l.gain]);
    if with_effort {
        header.push(l.effort);
    }
    header.extend([l.index_after, l.rounded, l.predicate_after]);
    let rows = steps
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let mut row = vec![(k + 1).to_string()];
            if with_year {
                row.push(s.year.map(|y| y.to_string()).unwrap_or_default());
            }
            row.extend([
                s.indicator.clone(),
                s.name.clone(),
                r.val(&s.from),
                exact::exact_text(&exact::int(s.to as i64), r.digits.2).0,
                r.pts(&s.gain),
            ]);
            if with_effort {
                row.push(s.effort.to_string());
            }
            row.extend([
                r.ix(&s.index_after),
                s.index_after_rounded.to_string(),
                s.predicate_after.clone(),
            ]);
            row
        })
        .collect();
    let shift = usize::from(with_year);
    let mut numeric = vec![0];
    numeric.extend((3..=if with_effort { 8 } else { 7 }).map(|c| c + shift));
    let title = if title.is_empty() {
        format!("{}: {} {}", l.roadmap, steps.len(), l.steps_word)
    } else {
        title.to_string()
    };
    Table::new(title, &header, rows).numeric(&numeric)
}

/// The plan by year: one row per evaluation year.
fn years_table(r: &GapReport, years: &[YearRow], l: &Labels) -> Table {
    let with_effort = r.effort_file.is_some();
    let met = l.pick("Met", "Tercapai");
    let mut header = vec![l.year, l.target, l.pick("Steps", "Langkah")];
    if with_effort {
        header.push(l.effort);
    }
    header.extend([l.index_after, l.rounded, l.predicate_after, met]);
    let rows = years
        .iter()
        .map(|y| {
            let mut row = vec![
                y.year.to_string(),
                y.target
                    .as_ref()
                    .map(|t| r.ix(t))
                    .unwrap_or_else(|| "-".into()),
                y.total_steps.to_string(),
            ];
            if with_effort {
                row.push(y.total_effort.to_string());
            }
            row.extend([
                r.ix(&y.index_after),
                y.index_after_rounded.to_string(),
                y.predicate_after.clone(),
                match y.met {
                    Some(true) => l.pick("yes", "ya").into(),
                    Some(false) => l.pick("no", "tidak").into(),
                    None => "-".into(),
                },
            ]);
            row
        })
        .collect();
    let numeric: Vec<usize> = if with_effort {
        vec![0, 1, 2, 3, 4, 5]
    } else {
        vec![0, 1, 2, 3, 4]
    };
    Table::new(l.pick("Plan by year", "Rencana per tahun"), &header, rows).numeric(&numeric)
}

/// The best index reachable each year, for a path that cannot be met.
fn reach_table(r: &GapReport, years: &[YearRow], l: &Labels) -> Table {
    let header = [
        l.year,
        l.target,
        l.pick("Best reachable", "Terbaik yang dapat dicapai"),
        l.rounded,
        l.pick("Reachable", "Dapat dicapai"),
    ];
    let rows = years
        .iter()
        .map(|y| {
            vec![
                y.year.to_string(),
                y.target
                    .as_ref()
                    .map(|t| r.ix(t))
                    .unwrap_or_else(|| "-".into()),
                r.ix(&y.best_reachable),
                y.best_reachable_rounded.to_string(),
                match &y.target {
                    Some(t) if t.value() > y.best_reachable.value() => l.pick("no", "tidak").into(),
                    Some(_) => l.pick("yes", "ya").into(),
                    None => "-".into(),
                },
            ]
        })
        .collect();
    Table::new(l.pick("Plan by year", "Rencana per tahun"), &header, rows).numeric(&[0, 1, 2, 3])
}

/// The tables, in the order shown: domains, aspects, indicators, then the roadmap (for a path:
/// the plan by year, then one table of steps per year).
fn sections(r: &GapReport, l: &Labels) -> Vec<Table> {
    let node_rows = |nodes: &[NodeGap]| -> Vec<Vec<String>> {
        nodes
            .iter()
            .map(|n| {
                vec![
                    n.id.clone(),
                    n.name.clone(),
                    exact::fixed(&n.index.value(), r.digits.0),
                    r.ix(&n.target),
                    exact::fixed(&n.gap.value(), r.digits.0),
                    r.pts(&n.available),
                ]
            })
            .collect()
    };
    let mut out = Vec::new();
    if !r.domains.is_empty() {
        out.push(
            Table::new(
                l.domains,
                &[l.id, l.domain, l.index, l.target, l.gap, l.points_available],
                node_rows(&r.domains),
            )
            .numeric(&[2, 3, 4, 5]),
        );
    }
    out.push(
        Table::new(
            l.aspects,
            &[l.id, l.aspect, l.index, l.target, l.gap, l.points_available],
            node_rows(&r.aspects),
        )
        .numeric(&[2, 3, 4, 5]),
    );
    out.push(Table {
        title: format!("{}, {}", l.indicators, l.biggest_levers),
        header: [
            l.id,
            l.indicator,
            l.level,
            l.up_to,
            l.weight_pct,
            l.per_step,
            l.points_available,
        ]
        .map(String::from)
        .to_vec(),
        empty: None,
        rows: r
            .indicators
            .iter()
            .map(|i| {
                vec![
                    i.id.clone(),
                    i.name.clone(),
                    r.val(&i.level),
                    i.max_level.to_string(),
                    i.weight.to_string(),
                    r.pts(&i.per_step),
                    r.pts(&i.available),
                ]
            })
            .collect(),
        numeric: vec![2, 3, 4, 5, 6],
    });
    match &r.years {
        None => {
            if !r.steps.is_empty() {
                out.push(steps_table(r, &r.steps, "", l));
            }
        }
        Some(years) if r.reachable => {
            out.push(years_table(r, years, l));
            if r.status == "reachable" {
                for y in years {
                    let title = match &y.target {
                        Some(t) => format!(
                            "{}: {} {} ({} {})",
                            y.year,
                            y.total_steps,
                            l.steps_word,
                            l.target.to_lowercase(),
                            r.ix(t)
                        ),
                        None => format!("{}: {} {}", y.year, y.total_steps, l.steps_word),
                    };
                    let table = steps_table(r, &y.steps, &title, l);
                    out.push(
                        table.or_else(l.pick("No step this year.", "Tidak ada langkah tahun ini.")),
                    );
                }
            }
        }
        Some(years) => out.push(reach_table(r, years, l)),
    }
    out
}

/// The closing lines: where the index is, the target, and the verdict.
fn summary(r: &GapReport, l: &Labels) -> Vec<String> {
    let ix = |x: &Decimal| l.num(r.ix(x));
    let n = |x: &Decimal| l.num(x.as_str());
    let basis = l.predicate_basis(r.predicate_basis);
    let mut lines = vec![format!(
        "{}: {} ({}); {basis}",
        l.model, r.model.name, r.model.id
    )];
    if !r.overrides.is_empty() {
        lines.push(views::what_if_line(&r.overrides, l));
    }
    let mut limits = vec![format!(
        "{} {}",
        l.pick("steps up to level", "langkah sampai tingkat"),
        r.constraints.max_level
    )];
    if r.years.is_some() {
        limits.push(format!(
            "{} {} {}",
            l.pick("at most", "paling banyak"),
            r.per_year,
            l.pick(
                if r.per_year == 1 {
                    "level per indicator per year"
                } else {
                    "levels per indicator per year"
                },
                "tingkat per indikator per tahun"
            )
        ));
    }
    if !r.constraints.only.is_empty() {
        limits.push(format!(
            "{} {}",
            l.pick("only", "hanya"),
            r.constraints.only.join(",")
        ));
    }
    if !r.constraints.exclude.is_empty() {
        limits.push(format!(
            "{} {}",
            l.pick("excluding", "kecuali"),
            r.constraints.exclude.join(",")
        ));
    }
    limits.push(match &r.effort_file {
        Some(f) => format!("{} {f}", l.pick("effort from", "upaya dari")),
        None => l
            .pick("one effort per step", "satu upaya per langkah")
            .into(),
    });
    lines.push(format!(
        "{}: {}",
        l.pick("Constraints", "Batasan"),
        limits.join("; ")
    ));
    let target = match (&r.years, &r.target_predicate) {
        (Some(years), _) => years
            .iter()
            .filter_map(|y| y.target.as_ref().map(|t| format!("{} {}", y.year, ix(t))))
            .collect::<Vec<_>>()
            .join(", "),
        (None, Some(p)) => format!("{} ({p})", ix(&r.target)),
        (None, None) => ix(&r.target),
    };
    let target_label = if r.years.is_some() {
        l.pick("Target path", "Jalur target")
    } else {
        l.target
    };
    lines.push(format!(
        "{}: {} ({} {})  {target_label}: {target}  {}: {}",
        l.current,
        ix(&r.current),
        n(&r.current_rounded),
        r.current_predicate,
        l.gap,
        ix(&r.gap)
    ));
    let plural = if r.total_steps == 1 { "" } else { "s" };
    let verdict = match (&r.years, r.status, l.lang) {
        (_, "met", Lang::En) if r.years.is_some() => format!(
            "Already met: the index {} is at least every target of the path; nothing to plan.",
            ix(&r.current)
        ),
        (_, "met", Lang::Id) if r.years.is_some() => format!(
            "Sudah tercapai: indeks {} tidak kurang dari setiap target jalur; tidak ada yang perlu direncanakan.",
            ix(&r.current)
        ),
        (_, "met", Lang::En) => format!(
            "Already met: the index {} is at least the target {}; nothing to plan.",
            ix(&r.current),
            ix(&r.target)
        ),
        (_, "met", Lang::Id) => format!(
            "Sudah tercapai: indeks {} tidak kurang dari target {}; tidak ada yang perlu direncanakan.",
            ix(&r.current),
            ix(&r.target)
        ),
        (Some(years), "reachable", Lang::En) => format!(
            "Reachable: {} step{plural} over {} year{} (total effort {}) meet every target; the index reaches {} ({} {}) by {}.",
            r.total_steps,
            years.len(),
            if years.len() == 1 { "" } else { "s" },
            n(&r.total_effort),
            ix(&r.index_after),
            n(&r.index_after_rounded),
            r.predicate_after,
            years.last().map_or(0, |y| y.year)
        ),
        (Some(years), "reachable", Lang::Id) => format!(
            "Dapat dicapai: {} langkah dalam {} tahun (total upaya {}) memenuhi setiap target; indeks mencapai {} ({} {}) pada {}.",
            r.total_steps,
            years.len(),
            n(&r.total_effort),
            ix(&r.index_after),
            n(&r.index_after_rounded),
            r.predicate_after,
            years.last().map_or(0, |y| y.year)
        ),
        (None, "reachable", Lang::En) => format!(
            "Reachable: {} step{plural} (total effort {}) lift the index to {} ({} {}).",
            r.total_steps,
            n(&r.total_effort),
            ix(&r.index_after),
            n(&r.index_after_rounded),
            r.predicate_after
        ),
        (None, "reachable", Lang::Id) => format!(
            "Dapat dicapai: {} langkah (total upaya {}) menaikkan indeks ke {} ({} {}).",
            r.total_steps,
            n(&r.total_effort),
            ix(&r.index_after),
            n(&r.index_after_rounded),
            r.predicate_after
        ),
        _ => {
            let u = r.unreachable.as_ref().expect("unreachable");
            let short = l.num(
                exact::exact_text(&(u.target.value() - u.best_reachable.value()), r.digits.0).0,
            );
            match (u.year, l.lang) {
                (Some(year), Lang::En) => format!(
                    "Unreachable in {year}: the target {} cannot be met; under these constraints the best index reachable by {year} is {} ({}), short by {short}.",
                    ix(&u.target),
                    ix(&u.best_reachable),
                    n(&u.best_reachable_rounded),
                ),
                (Some(year), Lang::Id) => format!(
                    "Tidak dapat dicapai pada {year}: target {} tidak terpenuhi; dengan batasan ini indeks terbaik yang dapat dicapai sampai {year} {} ({}), kurang {short}.",
                    ix(&u.target),
                    ix(&u.best_reachable),
                    n(&u.best_reachable_rounded),
                ),
                (None, Lang::En) => format!(
                    "Unreachable: under these constraints the best reachable index is {} ({}), short of the target {} by {short}.",
                    ix(&u.best_reachable),
                    n(&u.best_reachable_rounded),
                    ix(&u.target),
                ),
                (None, Lang::Id) => format!(
                    "Tidak dapat dicapai: dengan batasan ini indeks terbaik yang dapat dicapai {} ({}), kurang {short} dari target {}.",
                    ix(&u.best_reachable),
                    n(&u.best_reachable_rounded),
                    ix(&u.target),
                ),
            }
        }
    };
    lines.push(verdict);
    if r.status == "reachable" && r.years.is_none() && !r.grouped.is_empty() {
        lines.push(format!(
            "{}: {}",
            l.pick(
                "Per indicator (the same steps, grouped)",
                "Per indikator (langkah yang sama, dikelompokkan)"
            ),
            r.grouped
        ));
    }
    lines.extend(r.pace.clone());
    lines.extend(r.binds.clone());
    lines
}
