//! `spbe diff`: what changed between two results (last year and this year), or between two
//! assessment stages of one set of answer sheets (the self-assessment and the final verdict).

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;

use crate::cmd::args::{OutputArgs, ReadArgs, SUCCESS};
use crate::core::consolidate::Combine;
use crate::core::diff::{Diff, NodeChange, Side, diff, signed};
use crate::core::evaluate::{Policy, evaluate};
use crate::core::model::Model;
use crate::core::score::PredicateBasis;
use crate::core::scorecard::Scorecard;
use crate::core::stage::{self, Stage};
use crate::input::model::DEFAULT_MODEL;
use crate::input::result::{self, SheetOptions};
use crate::output::document::{Document, Grid, Md, Table};
use crate::output::i18n::{Labels, Lang};

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  spbe diff results/2024.json results/2025.json
  spbe diff answers/2024/ answers/2025/ --format markdown
  spbe diff results/2025.json answers/2026/ --new-model pemdi-2026
  spbe diff --stages mandiri akhir answers/2025/

Each side is a JSON result written by `spbe score --format json`, an answer sheet, or a folder of
them. Results of different models are compared only by the overall index and predicate.")]
pub struct DiffArgs {
    /// OLD and NEW (each a JSON result, an answer sheet or a folder); with --stages, the answer
    /// sheets or folders of one assessment.
    #[arg(value_name = "OLD NEW", required = true)]
    pub sides: Vec<PathBuf>,

    /// Compare two stages of the same answer sheets, e.g. `--stages mandiri akhir`: the
    /// self-assessment (claim) against the assessors' verdict.
    #[arg(long, num_args = 2, value_names = ["CLAIM", "VERDICT"], value_parser = parse_stage)]
    pub stages: Option<Vec<Stage>>,

    /// The model for sides given as answer sheets: an embedded model's id or a YAML file.
    #[arg(long, short = 'm', value_name = "NAME|PATH", default_value = DEFAULT_MODEL)]
    pub model: String,

    /// The model for OLD when it is answer sheets (default: --model).
    #[arg(long, value_name = "NAME|PATH")]
    pub old_model: Option<String>,

    /// The model for NEW when it is answer sheets (default: --model).
    #[arg(long, value_name = "NAME|PATH")]
    pub new_model: Option<String>,

    /// How several OPD answers for one indicator become one level (answer-sheet sides).
    #[arg(long, value_enum, default_value_t = Combine::Min)]
    pub combine: Combine,

    /// Read the predicate from the exact or the rounded index (answer-sheet sides).
    #[arg(long, value_enum, default_value_t = PredicateBasis::Exact)]
    pub predicate_basis: PredicateBasis,

    /// Score only this stage on both sides (answer-sheet sides); default: latest per indicator.
    #[arg(long, value_name = "STAGE", value_parser = parse_stage, conflicts_with = "stages")]
    pub stage: Option<Stage>,

    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

fn parse_stage(text: &str) -> Result<Stage, String> {
    text.parse()
}

pub fn run(args: &DiffArgs) -> anyhow::Result<u8> {
    let d = match &args.stages {
        Some(stages) => {
            let (claim, verdict) = (stages[0], stages[1]);
            if claim == verdict {
                bail!("--stages {claim} {verdict}: name two different stages");
            }
            if let Some(p) = args.sides.iter().find(|p| result::is_json(p)) {
                bail!(
                    "--stages reads answer sheets with a stage column, not a JSON result: {}",
                    p.display()
                );
            }
            let model = Model::load(&args.model)?;
            let set = crate::input::sheets::load_with(&model, &args.sides, &args.read.options()?)?;
            crate::cmd::args::explain_read(&set);
            if !stage::any_staged(&set) {
                bail!(
                    "--stages {claim} {verdict}: the answer sheets have no stage column; add a column \"stage\" ({}) with a row per stage",
                    Stage::ACCEPTED
                );
            }
            let at = |stage: Stage| -> anyhow::Result<Scorecard> {
                let policy = Policy {
                    combine: args.combine,
                    basis: args.predicate_basis,
                    stage: Some(stage),
                    ..Policy::default()
                };
                Ok(Scorecard::of(&evaluate(&model, &set, policy)?))
            };
            let (old, new) = (at(claim)?, at(verdict)?);
            let mut d = diff(
                &format!("{claim} (claim)"),
                &old,
                &format!("{verdict} (verdict)"),
                &new,
            );
            let mut w = old.warnings.clone();
            w.extend(new.warnings.iter().cloned());
            w.retain(|x| x.starts_with("--stage"));
            d.notes.extend(w);
            d
        }
        None => {
            if args.sides.len() != 2 {
                bail!(
                    "spbe diff compares two results: give OLD and NEW (got {}); to compare stages of one assessment use --stages mandiri akhir",
                    args.sides.len()
                );
            }
            let read = args.read.options()?;
            let opts = |m: &Option<String>| SheetOptions {
                model: m.clone().unwrap_or_else(|| args.model.clone()),
                combine: args.combine,
                basis: args.predicate_basis,
                stage: args.stage,
                read: read.clone(),
            };
            let old = result::load(&args.sides[0], &opts(&args.old_model))?;
            let new = result::load(&args.sides[1], &opts(&args.new_model))?;
            diff(
                &args.sides[0].display().to_string(),
                &old,
                &args.sides[1].display().to_string(),
                &new,
            )
        }
    };
    let mut doc = document(&d, args.output.labels());
    if !d.same_model {
        doc.warnings = d.notes[..1].to_vec();
    }
    args.output.emit(&doc, &args.sides)?;
    Ok(SUCCESS)
}

fn side_line(which: &str, s: &Side, l: &Labels) -> String {
    let mut line = format!(
        "{which}: {}  (model {} {}, {}",
        s.label, s.model.id, s.model.version, s.model.status
    );
    if let Some(y) = s.year {
        line.push_str(&format!(", {} {y}", l.year.to_lowercase()));
    }
    if let Some(st) = &s.stage {
        line.push_str(&format!(", {} {st}", l.stage.to_lowercase()));
    }
    line.push(')');
    line
}

fn node_rows(nodes: &[NodeChange]) -> Vec<Vec<String>> {
    nodes
        .iter()
        .map(|n| {
            vec![
                n.id.clone(),
                n.name.clone(),
                n.old_rounded.to_string(),
                n.new_rounded.to_string(),
                signed(&n.change_rounded),
            ]
        })
        .collect()
}

/// The domains' or the aspects' changes as a table: `kind` names the name column.
fn node_section(title: &str, kind: &str, nodes: &[NodeChange], l: &Labels) -> Table {
    Table::new(
        title,
        &[
            l.id,
            kind,
            l.pick("Old", "Lama"),
            l.pick("New", "Baru"),
            l.pick("Change", "Perubahan"),
        ],
        node_rows(nodes),
    )
    .numeric(&[2, 3, 4])
    .or_else(l.pick("(none)", "(tidak ada)"))
}

/// The human-readable comparison.
/// The comparison as a document: both sides, the index change, the domain, aspect and
/// indicator changes; its JSON is the diff, its CSV one row per compared item.
pub fn document<'a>(d: &'a Diff, l: &Labels) -> Document<'a> {
    let n = |x: &crate::core::exact::Decimal| l.num(x.as_str());
    let mut doc = Document::titled(format!(
        "{} → {}: {} → {}",
        d.old.label,
        d.new.label,
        n(&d.old.index_rounded),
        n(&d.new.index_rounded)
    ));
    let mut heading = vec![
        side_line(l.pick("Old", "Lama"), &d.old, l),
        side_line(l.pick("New", "Baru"), &d.new, l),
    ];
    heading.extend(d.notes.iter().cloned());
    doc.lines(heading, Md::List).gap();
    doc.lines(
        vec![
            format!(
                "{}: {} {} → {} {}  ({} {}; {} {} → {}, {})",
                l.index,
                n(&d.old.index_rounded),
                d.old.predicate,
                n(&d.new.index_rounded),
                d.new.predicate,
                l.pick("change", "perubahan"),
                l.num(signed(&d.index_change_rounded)),
                l.exact,
                n(&d.old.index),
                n(&d.new.index),
                l.num(signed(&d.index_change))
            ),
            if d.predicate_changed {
                format!(
                    "{}: {} → {}",
                    l.pick("Predicate changed", "Predikat berubah"),
                    d.old.predicate,
                    d.new.predicate
                )
            } else {
                format!(
                    "{}: {}",
                    l.pick("Predicate unchanged", "Predikat tetap"),
                    d.new.predicate
                )
            },
        ],
        Md::Strong,
    );
    if d.same_model {
        if !d.domains.is_empty() {
            doc.gap()
                .table(node_section(l.domains, l.domain, &d.domains, l));
        }
        doc.gap()
            .table(node_section(l.aspects, l.aspect, &d.aspects, l));
        let no_answer = l.no_answer;
        let level = |x: &crate::core::exact::Decimal, filled: bool| {
            if filled {
                format!("{x} {no_answer}")
            } else {
                x.to_string()
            }
        };
        let title = match l.lang {
            Lang::En => format!(
                "Indicators that changed: {} (unchanged: {}), largest impact first",
                d.indicators.len(),
                d.unchanged_indicators
            ),
            Lang::Id => format!(
                "Indikator yang berubah: {} (tetap: {}), dampak terbesar dahulu",
                d.indicators.len(),
                d.unchanged_indicators
            ),
        };
        let rows = d
            .indicators
            .iter()
            .map(|i| {
                vec![
                    i.id.clone(),
                    i.name.clone(),
                    level(&i.old_level, i.old_filled),
                    level(&i.new_level, i.new_filled),
                    signed(&i.level_change),
                    signed(&i.points_change),
                ]
            })
            .collect();
        doc.gap().table(
            Table::new(
                title,
                &[
                    l.id,
                    l.indicator,
                    l.pick("Old level", "Tingkat lama"),
                    l.pick("New level", "Tingkat baru"),
                    l.pick("Level Δ", "Δ tingkat"),
                    l.pick("Points Δ", "Δ poin"),
                ],
                rows,
            )
            .numeric(&[2, 3, 4, 5])
            .or_else(l.pick("(none)", "(tidak ada)")),
        );
    }
    doc.record(d).grid(grid(d));
    doc
}

/// One row per compared item: `kind` is index, domain, aspect or indicator; for indicators `old`
/// and `new` are levels and `points_change` the index points.
fn grid(d: &Diff) -> Grid {
    let header = [
        "kind",
        "id",
        "name",
        "old",
        "new",
        "change",
        "points_change",
        "old_model",
        "new_model",
    ];
    let mut rows = vec![vec![
        "index".to_string(),
        String::new(),
        String::new(),
        d.old.index.to_string(),
        d.new.index.to_string(),
        d.index_change.to_string(),
        d.index_change.to_string(),
        d.old.model.id.clone(),
        d.new.model.id.clone(),
    ]];
    rows.push(vec![
        "predicate".into(),
        String::new(),
        String::new(),
        d.old.predicate.clone(),
        d.new.predicate.clone(),
        String::new(),
        String::new(),
        d.old.model.id.clone(),
        d.new.model.id.clone(),
    ]);
    for (kind, nodes) in [("domain", &d.domains), ("aspect", &d.aspects)] {
        for n in nodes {
            rows.push(vec![
                kind.into(),
                n.id.clone(),
                n.name.clone(),
                n.old.to_string(),
                n.new.to_string(),
                n.change.to_string(),
                String::new(),
                d.old.model.id.clone(),
                d.new.model.id.clone(),
            ]);
        }
    }
    for i in &d.indicators {
        rows.push(vec![
            "indicator".into(),
            i.id.clone(),
            i.name.clone(),
            i.old_level.to_string(),
            i.new_level.to_string(),
            i.level_change.to_string(),
            i.points_change.to_string(),
            d.old.model.id.clone(),
            d.new.model.id.clone(),
        ]);
    }
    // Numbers are written as they are; text (ids, names, predicates) is neutralized.
    Grid::new(&header, rows).numeric(&[3, 4, 5, 6])
}
