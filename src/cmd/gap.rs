//! `spbe gap`: how far the index is from a target, where the points are, and the cheapest
//! roadmap of one-level steps that reaches it (planning itself is in [`crate::core::plan`]).

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use serde::Serialize;

use crate::cmd::args::{FAILURE, InputArgs, OutputArgs, SUCCESS, WhatIfArgs};
use crate::core::consolidate::Combine;
use crate::core::effort::Efforts;
use crate::core::evaluate::Evaluation;
use crate::core::evaluate::Override;
use crate::core::exact::{self, Decimal, Exact};
use crate::core::model::Model;
use crate::core::plan::{self, Limits, Roadmap};
use crate::core::score::{PredicateBasis, predicate};
use crate::core::scorecard::{ModelInfo, SCHEMA_VERSION, Tool};
use crate::output::document::{Document, Grid, Md, Table};
use crate::output::i18n::{Labels, Lang};
use crate::output::views;

#[derive(Debug, Clone, Args)]
#[command(after_help = "\
Examples:
  spbe gap examples/kota-contoh --target 3
  spbe gap examples/kota-contoh --target-predicate \"Sangat Baik\" --max-level 4
  spbe gap examples/kota-contoh --target 3 --effort effort.yaml --exclude 45,46,47
  spbe gap examples/kota-contoh --target 3 --set 11=3 --set 12=3 --format json

Exit status: 0 the target is met or a roadmap reaches it, 1 it cannot be reached under the
constraints (the best reachable index is shown), 2 an error.

Roadmap ties: least effort, then fewest steps, then the highest index reached, then lower
levels first, then model order (docs/gap-and-check.md).")]
pub struct GapArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// The index to reach, e.g. 3 or 3.5.
    #[arg(
        long,
        value_name = "INDEX",
        required_unless_present = "target_predicate"
    )]
    pub target: Option<String>,

    /// Reach this predicate band: its lower bound becomes the target, e.g. "Sangat Baik".
    #[arg(long, value_name = "NAME", conflicts_with = "target")]
    pub target_predicate: Option<String>,

    /// Price the steps from a YAML or CSV file (per indicator and/or level reached) and find the
    /// least total effort; without it every step costs 1 (the fewest steps).
    #[arg(long, value_name = "FILE")]
    pub effort: Option<PathBuf>,

    /// Plan no step above this level (e.g. 4 for a one-year plan).
    #[arg(long, value_name = "N")]
    pub max_level: Option<u8>,

    /// Never raise these indicators (comma-separated IDs).
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub exclude: Vec<String>,

    /// Raise only these indicators (comma-separated IDs).
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub only: Vec<String>,

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
    /// The target index (for `--target-predicate`, the band's lower bound).
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
    pub constraints: Constraints,
    pub overrides: Vec<Override>,
    pub steps: Vec<StepRow>,
    pub domains: Vec<NodeGap>,
    pub aspects: Vec<NodeGap>,
    /// Sorted by points available, biggest first; ties in model order.
    pub indicators: Vec<IndicatorGap>,
    pub warnings: Vec<String>,
    /// Digits shown for an index and for index points in tables (JSON has exact values).
    #[serde(skip)]
    pub digits: (u32, u32),
}

impl GapReport {
    /// An index for a table: exact, with at least the model's decimals.
    fn ix(&self, x: &Decimal) -> String {
        exact::exact_text(&x.value(), self.digits.0).0
    }

    /// Index points for a table: exact, aligned on the weight's digits + 2.
    fn pts(&self, x: &Decimal) -> String {
        exact::exact_text(&x.value(), self.digits.1).0
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Constraints {
    pub max_level: u8,
    pub exclude: Vec<String>,
    /// Empty means every indicator may move.
    pub only: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepRow {
    pub indicator: String,
    pub name: String,
    pub from: u8,
    pub to: u8,
    /// Index points this step adds: weight / 100.
    pub gain: Decimal,
    pub effort: Decimal,
    pub index_after: Decimal,
    pub index_after_rounded: Decimal,
    pub predicate_after: String,
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
    pub level: u8,
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
    let loaded = args.input.load(args.predicate_basis, &args.what_if)?;
    let model = &loaded.model;
    let efforts = match &args.effort {
        Some(path) => Some(Efforts::load(model, path)?),
        None => None,
    };
    let ev = loaded.evaluate()?;
    let report = build(&ev, args, efforts.as_ref())?;

    let mut read = args.input.files();
    read.extend(args.effort.clone());
    let l = args.output.labels();
    let mut doc = document(&report, l);
    doc.warnings = views::notices(&ev.notices, l);
    args.output.emit(&doc, &read)?;
    Ok(if report.reachable { SUCCESS } else { FAILURE })
}

/// The gap as a document: the tables (domains, aspects, indicators, roadmap), the verdict; its
/// JSON is the report, its CSV the roadmap.
fn document<'a>(r: &'a GapReport, l: &Labels) -> Document<'a> {
    let mut doc = Document::titled(format!(
        "{} {}",
        l.pick("Gap to", "Kesenjangan ke"),
        l.num(r.target.as_str())
    ));
    for s in sections(r, l) {
        doc.table(s).gap();
    }
    doc.lines(summary(r, l), Md::Lines);
    let roadmap = roadmap_section(r, &crate::output::i18n::EN);
    doc.record(r).grid(Grid {
        header: roadmap.header,
        rows: roadmap.rows,
        numeric: roadmap.numeric.into_iter().filter(|&c| c > 2).collect(),
    });
    doc.warnings = r.warnings.clone();
    doc
}

/// Resolves comma-separated indicator IDs.
fn indicator_set(model: &Model, ids: &[String], flag: &str) -> anyhow::Result<Vec<usize>> {
    ids.iter()
        .filter(|id| !id.trim().is_empty())
        .map(|id| {
            model.find_indicator(id).with_context(|| {
                format!(
                    "{flag}: the model {} has no indicator {:?}; list indicator IDs such as 11,12",
                    model.id,
                    id.trim()
                )
            })
        })
        .collect()
}

fn target_of(model: &Model, args: &GapArgs) -> anyhow::Result<(Exact, Option<String>)> {
    if let Some(name) = &args.target_predicate {
        let p = model.predicate_named(name).with_context(|| {
            format!(
                "--target-predicate {name:?}: the model {} has the predicates {}",
                model.id,
                model.predicate_names()
            )
        })?;
        return Ok((p.min.clone(), Some(p.name.clone())));
    }
    let text = args.target.as_deref().unwrap_or_default();
    let target = plan::parse_target(model, "--target", text).map_err(anyhow::Error::msg)?;
    Ok((target, None))
}

/// Computes the gap tables and the roadmap. Pure apart from reading `args`.
pub fn build(
    ev: &Evaluation<'_>,
    args: &GapArgs,
    efforts: Option<&Efforts>,
) -> anyhow::Result<GapReport> {
    let model = ev.model;
    let (target, target_predicate) = target_of(model, args)?;
    let limits = Limits {
        max_level: args.max_level,
        exclude: indicator_set(model, &args.exclude, "--exclude")?,
        only: indicator_set(model, &args.only, "--only")?,
    };
    let levels = ev.plannable_levels()?;
    let plan = plan::plan(
        model,
        &levels,
        &target,
        args.predicate_basis,
        &limits,
        efforts,
    )?;
    let unit = Efforts::unit(model);
    let efforts = efforts.unwrap_or(&unit);
    let (levers, current_sum) = (&plan.levers, plan.current_units);
    let total = model.total_units() as i64;
    let units = |u: i64| exact::ratio(u, total);
    let current = units(current_sum);
    let pred = |x: &Exact| predicate(model, x, args.predicate_basis).name.clone();
    let d = model.decimals;
    let best_sum = plan.best_units();
    let mut steps = Vec::new();
    let mut sum = current_sum;
    let mut effort_sum = 0u64;
    {
        for s in plan.steps() {
            sum += s.gain as i64;
            effort_sum += s.effort;
            let after = units(sum);
            steps.push(StepRow {
                indicator: model.indicators[s.indicator].id.clone(),
                name: model.indicators[s.indicator].name.clone(),
                from: s.from,
                to: s.to,
                gain: Decimal::exact(&units(s.gain as i64)),
                effort: Decimal::exact(&efforts.unscale(s.effort)),
                index_after: Decimal::exact(&after),
                index_after_rounded: Decimal::rounded(&after, d),
                predicate_after: pred(&after),
            });
        }
    }
    let after = units(sum);
    let (status, reachable) = match plan.roadmap {
        Roadmap::AlreadyMet => ("met", true),
        Roadmap::Reach(_) => ("reachable", true),
        Roadmap::Unreachable { .. } => ("unreachable", false),
    };

    // Points available per indicator, then summed per aspect and domain.
    let avail: Vec<i64> = levers
        .iter()
        .map(|l| l.weight as i64 * l.room() as i64)
        .collect();
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
            level: levers[i].level,
            max_level: levers[i].cap,
            weight: Decimal::rounded(
                &model.percent(model.indicators[i].weight),
                model.weight_decimals(),
            ),
            per_step: Decimal::exact(&units(levers[i].weight as i64)),
            available: Decimal::exact(&units(avail[i])),
        })
        .collect();

    Ok(GapReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool::this(),
        model: ModelInfo::of(model),
        target: Decimal::exact(&target),
        target_predicate,
        current_rounded: Decimal::rounded(&current, d),
        current_predicate: pred(&current),
        predicate_basis: args.predicate_basis,
        gap: Decimal::exact(&(&target - &current).max(zero.clone())),
        current: Decimal::exact(&current),
        status,
        reachable,
        best_reachable: Decimal::exact(&units(best_sum)),
        best_reachable_rounded: Decimal::rounded(&units(best_sum), d),
        index_after: Decimal::exact(&after),
        index_after_rounded: Decimal::rounded(&after, d),
        predicate_after: pred(&after),
        total_steps: steps.len(),
        total_effort: Decimal::exact(&efforts.unscale(effort_sum)),
        effort_file: args.effort.as_ref().map(|p| p.display().to_string()),
        constraints: Constraints {
            max_level: plan.max_level,
            exclude: limits
                .exclude
                .iter()
                .map(|&i| model.indicators[i].id.clone())
                .collect(),
            only: limits
                .only
                .iter()
                .map(|&i| model.indicators[i].id.clone())
                .collect(),
        },
        overrides: ev.overrides.clone(),
        steps,
        domains,
        aspects,
        indicators,
        warnings: ev.warnings.clone(),
        digits: (d, model.weight_decimals() + 2),
    })
}

fn roadmap_section(r: &GapReport, l: &Labels) -> Table {
    let with_effort = r.effort_file.is_some();
    let mut header = vec!["#", l.id, l.indicator, l.from, l.to, l.gain];
    if with_effort {
        header.push(l.effort);
    }
    header.extend([l.index_after, l.rounded, l.predicate_after]);
    let rows = r
        .steps
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let mut row = vec![
                (k + 1).to_string(),
                s.indicator.clone(),
                s.name.clone(),
                s.from.to_string(),
                s.to.to_string(),
                r.pts(&s.gain),
            ];
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
    let numeric = if with_effort {
        vec![0, 3, 4, 5, 6, 7, 8]
    } else {
        vec![0, 3, 4, 5, 6, 7]
    };
    Table::new(
        format!("{}: {} {}", l.roadmap, r.steps.len(), l.steps_word),
        &header,
        rows,
    )
    .numeric(&numeric)
}

/// The tables, in the order shown: domains, aspects, indicators, then the roadmap.
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
                    i.level.to_string(),
                    i.max_level.to_string(),
                    i.weight.to_string(),
                    r.pts(&i.per_step),
                    r.pts(&i.available),
                ]
            })
            .collect(),
        numeric: vec![2, 3, 4, 5, 6],
    });
    if !r.steps.is_empty() {
        out.push(roadmap_section(r, l));
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
    let target = match &r.target_predicate {
        Some(p) => format!("{} ({p})", ix(&r.target)),
        None => ix(&r.target),
    };
    lines.push(format!(
        "{}: {} ({} {})  {}: {}  {}: {}",
        l.current,
        ix(&r.current),
        n(&r.current_rounded),
        r.current_predicate,
        l.target,
        target,
        l.gap,
        ix(&r.gap)
    ));
    let short =
        l.num(exact::exact_text(&(r.target.value() - r.best_reachable.value()), r.digits.0).0);
    let plural = if r.total_steps == 1 { "" } else { "s" };
    lines.push(match (r.status, l.lang) {
        ("met", Lang::En) => format!(
            "Already met: the index {} is at least the target {}; nothing to plan.",
            ix(&r.current),
            ix(&r.target)
        ),
        ("met", Lang::Id) => format!(
            "Sudah tercapai: indeks {} tidak kurang dari target {}; tidak ada yang perlu direncanakan.",
            ix(&r.current),
            ix(&r.target)
        ),
        ("reachable", Lang::En) => format!(
            "Reachable: {} step{plural} (total effort {}) lift the index to {} ({} {}).",
            r.total_steps,
            n(&r.total_effort),
            ix(&r.index_after),
            n(&r.index_after_rounded),
            r.predicate_after
        ),
        ("reachable", Lang::Id) => format!(
            "Dapat dicapai: {} langkah (total upaya {}) menaikkan indeks ke {} ({} {}).",
            r.total_steps,
            n(&r.total_effort),
            ix(&r.index_after),
            n(&r.index_after_rounded),
            r.predicate_after
        ),
        (_, Lang::En) => format!(
            "Unreachable: under these constraints the best reachable index is {} ({}), short of the target {} by {short}.",
            ix(&r.best_reachable),
            n(&r.best_reachable_rounded),
            ix(&r.target),
        ),
        (_, Lang::Id) => format!(
            "Tidak dapat dicapai: dengan batasan ini indeks terbaik yang dapat dicapai {} ({}), kurang {short} dari target {}.",
            ix(&r.best_reachable),
            n(&r.best_reachable_rounded),
            ix(&r.target),
        ),
    });
    lines
}
