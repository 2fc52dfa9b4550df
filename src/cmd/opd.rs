//! `spbe opd`: one row per OPD (what it answered or owns, its renormalised index, the index
//! points its indicators could still add), the disagreements between OPD, and the gaps in the
//! responsibility map.

use std::io::Write;

use clap::Args;

use crate::cmd::args::{Format, InputArgs, OutputArgs, SUCCESS, WhatIfArgs, warn};
use crate::cmd::gap;
use crate::core::exact;
use crate::core::model::Model;
use crate::core::opd::{OpdInput, OpdReport, id_list};
use crate::core::plan::{self, Limits};
use crate::core::score::PredicateBasis;
use crate::output::destination::Output;
use crate::output::render::{self, Section};

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  spbe opd examples/kota-contoh --owners examples/owners-kota-contoh.csv\n  spbe opd examples/kota-contoh --owners examples/owners-kota-contoh.csv --combine owner --format json -o opd.json\n\nSee docs/opd.md."
)]
pub struct OpdArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Also show, per OPD, the steps of `spbe gap --target X`'s roadmap (the fewest level steps
    /// to the target) that fall to it: to its owned indicators, else to those it answered.
    #[arg(long, value_name = "X")]
    pub target: Option<String>,

    /// Read the institution's predicate from the exact index (2024 practice) or the rounded one.
    #[arg(long, value_enum, default_value_t = PredicateBasis::Exact)]
    pub predicate_basis: PredicateBasis,

    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: &OpdArgs) -> anyhow::Result<u8> {
    let loaded = args
        .input
        .load(args.predicate_basis, &WhatIfArgs::default())?;
    let model = &loaded.model;
    let ev = loaded.evaluate()?;
    // The fewest-steps roadmap to the target with no constraints (as `spbe gap --target`).
    let plan = match &args.target {
        Some(text) => {
            let target = plan::parse_target(model, "--target", text).map_err(anyhow::Error::msg)?;
            gap::whole_levels(&ev)?;
            let limits = Limits::default();
            Some(plan::plan(
                model,
                &ev.levels,
                &plan::Goal::Target(target),
                ev.policy.basis,
                &limits,
                None,
            )?)
        }
        None => None,
    };
    let steps = plan.as_ref().map(|p| p.steps());
    let report = OpdReport::build(&OpdInput {
        ev: &ev,
        roadmap: steps.as_deref(),
    });
    let mut out = Output::create(args.output.output.as_deref(), &args.input.files())?;
    match args.output.format {
        Format::Json => {
            crate::output::json::write(&mut out, &report)?;
        }
        Format::Table => {
            let view = view(model, &report);
            for line in &view.heading {
                writeln!(out, "{line}")?;
            }
            for (s, empty) in &view.sections {
                writeln!(out, "\n{}", s.title)?;
                match empty {
                    Some(text) => writeln!(out, "{text}")?,
                    None => {
                        writeln!(out, "{}", render::table::section_table(s))?;
                    }
                }
            }
            writeln!(out)?;
            for line in &view.notes {
                writeln!(out, "{line}")?;
            }
        }
        Format::Markdown => {
            let view = view(model, &report);
            let mut lines = view.heading.iter();
            if let Some(first) = lines.next() {
                writeln!(out, "# {first}\n")?;
            }
            for line in lines {
                writeln!(out, "- {line}")?;
            }
            for (s, empty) in &view.sections {
                writeln!(out, "\n## {}\n", s.title)?;
                match empty {
                    Some(text) => writeln!(out, "{text}")?,
                    None => write!(
                        out,
                        "{}",
                        render::markdown::table(&s.header, &s.rows, &s.numeric)
                    )?,
                }
            }
            writeln!(out)?;
            for line in &view.notes {
                writeln!(out, "{line}  ")?;
            }
        }
        Format::Csv => {
            let bom = out.is_file();
            let header = [
                "opd",
                "sent_sheet",
                "answered",
                "owns",
                "contributes",
                "covered_weight",
                "index_renormalised",
                "index_renormalised_rounded",
                "index_renormalised_exact",
                "points_to_gain",
            ];
            let opt =
                |d: &Option<exact::Decimal>| d.as_ref().map(|x| x.to_string()).unwrap_or_default();
            let rows: Vec<Vec<String>> = report
                .opds
                .iter()
                .map(|r| {
                    vec![
                        r.opd.clone(),
                        r.sent_sheet.to_string(),
                        r.answered.join("; "),
                        r.owns.join("; "),
                        r.contributes.join("; "),
                        r.covered_weight.to_string(),
                        opt(&r.index_renormalised),
                        opt(&r.index_renormalised_rounded),
                        r.index_renormalised_exact.to_string(),
                        r.points_to_gain.to_string(),
                    ]
                })
                .collect();
            render::csv::grid(&mut out, &header, &rows, bom)?;
        }
    }
    out.finish()?;
    warn(&report.warnings);
    Ok(SUCCESS)
}

/// What the table and Markdown show: heading lines, sections (with the text shown instead of
/// an empty table), notes.
struct View {
    heading: Vec<String>,
    sections: Vec<(Section, Option<String>)>,
    notes: Vec<String>,
}

/// Roadmap steps as `11: 2→3, 12: 2→3`.
fn steps_text(steps: &[crate::core::opd::Step]) -> String {
    steps
        .iter()
        .map(|s| format!("{}: {}→{}", s.indicator, s.from, s.to))
        .collect::<Vec<_>>()
        .join(", ")
}

fn view(model: &Model, r: &OpdReport) -> View {
    let points = |d: &exact::Decimal| exact::fixed(&d.value(), model.weight_decimals() + 2);
    let with_map = r.owners_file.is_some();
    let mut heading = vec![
        format!(
            "OPD view: {} ({}, version {}, {})",
            r.model.name, r.model.id, r.model.version, r.model.status
        ),
        format!(
            "Inputs: {} sheet{}, {} OPD; combine: {}",
            r.inputs.len(),
            if r.inputs.len() == 1 { "" } else { "s" },
            r.opds.iter().filter(|o| o.sent_sheet).count(),
            match r.fallback {
                Some(f) => format!("owner, falling back to {}", f.as_str()),
                None => r.combine.as_str().to_string(),
            }
        ),
    ];
    heading.push(match &r.owners_file {
        Some(f) => format!("Owners: {} ({} rows)", f.path, f.rows),
        None => {
            "Owners: no responsibility map (add --owners FILE to see owners and missing owners)"
                .into()
        }
    });
    // As `spbe score` shows it: at least the model's decimals, "estimate" when it repeats.
    let (index, exact) = exact::exact_text(&r.index.value(), model.decimals);
    heading.push(format!(
        "Institution index: {}  {}  ({} {index})",
        r.index_rounded,
        r.predicate,
        if exact { "exact" } else { "estimate" }
    ));

    let mut sections = Vec::new();
    let mut header = vec!["OPD", "Sheet", "Answered"];
    if with_map {
        header.push("Owns");
    }
    header.extend(["Covers %", "Index (renormalised)", "Points to gain"]);
    let n = header.len();
    let with_roadmap = r.unassigned_steps.is_some();
    if with_roadmap {
        header.push("Roadmap steps");
    }
    sections.push((
        Section {
            title: "OPD, most index points to gain first".into(),
            header,
            rows: r
                .opds
                .iter()
                .map(|o| {
                    let mut row = vec![
                        o.opd.clone(),
                        if o.sent_sheet { "yes" } else { "no" }.into(),
                        none_if_empty(id_list(model, &o.answered)),
                    ];
                    if with_map {
                        row.push(none_if_empty(id_list(model, &o.owns)));
                    }
                    row.push(o.covered_weight.to_string());
                    row.push(
                        o.index_renormalised_rounded
                            .as_ref()
                            .map(|x| x.to_string())
                            .unwrap_or_else(|| "-".into()),
                    );
                    row.push(points(&o.points_to_gain));
                    if with_roadmap {
                        row.push(none_if_empty(steps_text(
                            o.roadmap.as_deref().unwrap_or(&[]),
                        )));
                    }
                    row
                })
                .collect(),
            numeric: vec![n - 3, n - 2, n - 1],
        },
        None,
    ));

    let mut header = vec![
        "ID",
        "Indicator",
        "Weight %",
        "Min",
        "Max",
        "Points at stake",
        "OPD (level)",
    ];
    if with_map {
        header.push("Owner");
    }
    sections.push((
        Section {
            title: "Disagreements, most index points at stake first".into(),
            header,
            rows: r
                .disagreements
                .iter()
                .map(|d| {
                    let mut row = vec![
                        d.id.clone(),
                        d.name.clone(),
                        d.weight.to_string(),
                        d.min.to_string(),
                        d.max.to_string(),
                        points(&d.points_at_stake),
                        d.answers
                            .iter()
                            .map(|a| format!("{} {}", a.opd, a.level))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ];
                    if let Some(o) = &d.owners {
                        row.push(none_if_empty(o.join(", ")));
                    }
                    row
                })
                .collect(),
            numeric: vec![2, 3, 4, 5],
        },
        r.disagreements.is_empty().then(|| {
            "None: every indicator answered by several OPD got the same level from each.".into()
        }),
    ));

    if let Some(m) = &r.missing {
        let list = |v: &[String]| none_if_empty(v.join(", "));
        sections.push((
            Section {
                title: "Missing owners".into(),
                header: vec!["What", "Which"],
                rows: vec![
                    vec![
                        "Indicators with no owner in the map".into(),
                        none_if_empty(id_list(model, &m.indicators_without_owner)),
                    ],
                    vec![
                        "OPD in the map that sent no sheet".into(),
                        list(&m.opds_without_sheet),
                    ],
                    vec![
                        "OPD that answered but are not in the map".into(),
                        list(&m.opds_not_in_map),
                    ],
                ],
                numeric: vec![],
            },
            None,
        ));
    }

    let mut notes = vec![
        "Index (renormalised): the OPD's own levels (its answer, or the institution's level where it owns an indicator it did not answer), weighted over the indicators it answered or owns and divided by their weight (Covers %); it is not comparable with the institution's index.".to_string(),
        format!(
            "Points to gain: Σ weight × ({} − institution level) / 100 over those indicators; an indicator several OPD cover counts in each of their rows.",
            model.max_level
        ),
    ];
    if let Some(unassigned) = &r.unassigned_steps {
        notes.push(format!(
            "Roadmap steps: the fewest level steps to the target (as `spbe gap --target`), each given to the indicator's owners, else to the OPD that answered it.{}",
            if unassigned.is_empty() {
                String::new()
            } else {
                format!(" No OPD to name for: {}.", steps_text(unassigned))
            }
        ));
    }
    View {
        heading,
        sections,
        notes,
    }
}

fn none_if_empty(s: String) -> String {
    if s.is_empty() { "-".into() } else { s }
}
