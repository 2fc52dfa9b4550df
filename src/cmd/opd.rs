//! `spbe opd`: one row per OPD (what it answered or owns, its renormalised index, the index
//! points its indicators could still add), the disagreements between OPD, and the gaps in the
//! responsibility map.

use clap::Args;

use crate::cmd::args::{InputArgs, OutputArgs, PlanArgs, SUCCESS, WhatIfArgs};
use crate::core::exact;
use crate::core::model::Model;
use crate::core::opd::{OpdInput, OpdReport, id_list};
use crate::core::score::PredicateBasis;
use crate::output::criteria;
use crate::output::document::{Document, Format, Grid, Md, Table};
use crate::output::i18n::{Labels, Lang};
use crate::output::notices;

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  spbe opd examples/kota-contoh --owners examples/owners-kota-contoh.csv\n  spbe opd examples/kota-contoh --owners examples/owners-kota-contoh.csv --combine owner --format json -o opd.json\n  spbe opd examples/kota-contoh --owners examples/owners-kota-contoh.csv --target-path 2027=3.0,2028=3.3\n\nSee docs/opd.md."
)]
pub struct OpdArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// With a target or a path: also show, per OPD, the steps of the roadmap `spbe gap` makes
    /// with the same options that fall to it (to its owned indicators, else to those it
    /// answered).
    #[command(flatten)]
    pub plan: PlanArgs,

    /// Read the institution's predicate from the exact index (2024 practice) or the rounded one.
    #[arg(long, value_enum, default_value_t = PredicateBasis::Exact)]
    pub predicate_basis: PredicateBasis,

    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: &OpdArgs) -> anyhow::Result<u8> {
    // Check the target, limits and effort file before reading any sheet.
    let model = args.input.load_model()?;
    let request = args.plan.request(&model)?;
    let loaded = args
        .input
        .load_with(model, args.predicate_basis, &WhatIfArgs::default())?;
    let model = &loaded.model;
    let ev = loaded.evaluate()?;
    // The roadmap of `spbe gap` with the same options: the one planner.
    let plan = match request {
        Some(r) => Some(r.plan(&ev)?.plan),
        None => None,
    };
    let steps = plan.as_ref().map(|p| p.steps());
    let report = OpdReport::build(&OpdInput {
        ev: &ev,
        roadmap: steps.as_deref(),
    });
    let l = args.output.labels();
    let mut doc = document(model, &report, l, args.output.format);
    // Under the table, one short line per roadmap step: what the level it reaches requires.
    let needs: Vec<String> = steps
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter_map(|s| {
            let q = model.requirement(s.indicator, s.to)?;
            let line = criteria::step_line(&model.indicators[s.indicator].id, s.to, q, l);
            Some(match s.year {
                Some(y) => format!("{y}: {line}"),
                None => line,
            })
        })
        .collect();
    if !needs.is_empty() {
        doc.gap()
            .lines(vec![criteria::step_lines_title(l)], Md::Strong);
        doc.lines(needs, Md::List);
    }
    doc.warnings = notices::notices(&ev.notices, l);
    doc.warnings
        .extend(report.warnings[ev.warnings.len()..].iter().cloned());
    let mut read = args.input.files();
    read.extend(args.plan.files());
    args.output.emit(&doc, &read)?;
    Ok(SUCCESS)
}

/// The CSV: one row per OPD.
fn grid(report: &OpdReport) -> Grid {
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
    let opt = |d: &Option<exact::Decimal>| d.as_ref().map(|x| x.to_string()).unwrap_or_default();
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
    Grid::new(&header, rows).numeric(&[5, 6, 7, 9])
}

/// Roadmap steps as `11: 2→3, 12: 2→3`, with the year in a path plan (`11: 2→3 (2027)`).
fn steps_text<S: std::borrow::Borrow<crate::core::opd::Step>>(steps: &[S]) -> String {
    steps
        .iter()
        .map(|s| s.borrow())
        .map(|s| match s.year {
            Some(y) => format!("{}: {}→{} ({y})", s.indicator, s.from, s.to),
            None => format!("{}: {}→{}", s.indicator, s.from, s.to),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The OPD view as a document: heading, the OPD table, disagreements, missing owners, notes.
fn document<'a>(model: &Model, r: &'a OpdReport, l: &Labels, format: Format) -> Document<'a> {
    let mut heading = vec![
        format!(
            "{}: {} ({}, version {}, {})",
            l.pick("OPD view", "Tampilan OPD"),
            r.model.name,
            r.model.id,
            r.model.version,
            r.model.status
        ),
        format!(
            "{}: {} {}, {} OPD; {}: {}",
            l.inputs,
            r.inputs.len(),
            if r.inputs.len() == 1 {
                l.sheet
            } else {
                l.sheets
            },
            r.opds.iter().filter(|o| o.sent_sheet).count(),
            l.combine,
            match r.fallback {
                Some(f) => format!("owner, falling back to {}", f.as_str()),
                None => r.combine.as_str().to_string(),
            }
        ),
    ];
    heading.push(match &r.owners_file {
        Some(f) => format!("{}: {} ({} {})", l.owners, f.path, f.rows, l.rows),
        None => format!(
            "{}: {}",
            l.owners,
            l.pick(
                "no responsibility map (add --owners FILE to see owners and missing owners)",
                "tanpa peta tanggung jawab (tambahkan --owners FILE untuk melihat pemilik dan pemilik yang belum ada)"
            )
        ),
    });
    // As `spbe score` shows it: at least the model's decimals, "estimate" when it repeats.
    let (index, exact) = exact::exact_text(&r.index.value(), model.decimals);
    heading.push(format!(
        "{}: {}  {}  ({} {})",
        l.pick("Institution index", "Indeks instansi"),
        l.num(r.index_rounded.as_str()),
        r.predicate,
        if exact { l.exact } else { l.estimate },
        l.num(index)
    ));

    let mut doc = Document::titled(heading[0].clone());
    doc.line(heading[0].clone(), Md::Omit)
        .lines(heading[1..].to_vec(), Md::List);

    // Only what the format reads: a dense sheet's tables and grid are tens of megabytes.
    doc.only = Some(format);
    if doc.wants_text() {
        tables(&mut doc, model, r, l);
    }
    doc.record(r);
    if doc.wants_grid() {
        doc.grid(grid(r));
    }
    doc.warnings = r.warnings.clone();
    doc
}

/// The OPD table, the disagreements, the missing owners and the notes.
fn tables(doc: &mut Document<'_>, model: &Model, r: &OpdReport, l: &Labels) {
    let points = |d: &exact::Decimal| {
        exact::fixed(
            &d.value(),
            model.weight_decimals() + model.level_decimals + 2,
        )
    };
    let with_map = r.owners_file.is_some();
    let mut header = vec![l.opd, l.pick("Sheet", "Lembar"), l.answered];
    if with_map {
        header.push(l.pick("Owns", "Memiliki"));
    }
    header.extend([
        l.pick("Covers %", "Cakupan %"),
        l.pick("Index (renormalised)", "Indeks (dinormalkan)"),
        l.pick("Points to gain", "Poin yang dapat ditambah"),
    ]);
    let n = header.len();
    let with_roadmap = r.unassigned_steps.is_some();
    if with_roadmap {
        header.push(l.pick("Roadmap steps", "Langkah peta jalan"));
    }
    let (yes, no) = (l.pick("yes", "ya"), l.pick("no", "tidak"));
    let rows = r
        .opds
        .iter()
        .map(|o| {
            let mut row = vec![
                o.opd.clone(),
                if o.sent_sheet { yes } else { no }.into(),
                none_if_empty(id_list(model, o.answered.iter())),
            ];
            if with_map {
                row.push(none_if_empty(id_list(model, o.owns.iter())));
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
        .collect();
    doc.gap().table(
        Table::new(
            l.pick(
                "OPD, most index points to gain first",
                "OPD, poin indeks terbanyak yang dapat ditambah dahulu",
            ),
            &header,
            rows,
        )
        .numeric(&[n - 3, n - 2, n - 1]),
    );

    let mut header = vec![
        l.id,
        l.indicator,
        l.weight_pct,
        "Min",
        "Max",
        l.pick("Points at stake", "Poin dipertaruhkan"),
        l.opd_levels,
    ];
    if with_map {
        header.push(l.owner);
    }
    let rows = r
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
        .collect();
    doc.gap().table(
        Table::new(
            l.pick(
                "Disagreements, most index points at stake first",
                "Perbedaan jawaban, poin indeks terbanyak yang dipertaruhkan dahulu",
            ),
            &header,
            rows,
        )
        .numeric(&[2, 3, 4, 5])
        .or_else(l.pick(
            "None: every indicator answered by several OPD got the same level from each.",
            "Tidak ada: setiap indikator yang dijawab beberapa OPD mendapat tingkat yang sama dari masing-masing.",
        )),
    );

    if let Some(m) = &r.missing {
        let list = |v: &[String]| none_if_empty(v.join(", "));
        doc.gap().table(Table::new(
            l.pick("Missing owners", "Pemilik yang belum ada"),
            &[l.pick("What", "Apa"), l.pick("Which", "Yang mana")],
            vec![
                vec![
                    l.pick(
                        "Indicators with no owner in the map",
                        "Indikator tanpa pemilik di peta",
                    )
                    .into(),
                    none_if_empty(id_list(model, &m.indicators_without_owner)),
                ],
                vec![
                    l.pick(
                        "OPD in the map that sent no sheet",
                        "OPD di peta yang tidak mengirim lembar",
                    )
                    .into(),
                    list(&m.opds_without_sheet),
                ],
                vec![
                    l.pick(
                        "OPD that answered but are not in the map",
                        "OPD yang menjawab tetapi tidak ada di peta",
                    )
                    .into(),
                    list(&m.opds_not_in_map),
                ],
            ],
        ));
    }

    let mut notes = vec![
        l.pick(
            "Index (renormalised): the OPD's own levels (its answer, or the institution's level where it owns an indicator it did not answer), weighted over the indicators it answered or owns and divided by their weight (Covers %); it is not comparable with the institution's index.",
            "Indeks (dinormalkan): tingkat milik OPD sendiri (jawabannya, atau tingkat instansi untuk indikator yang dimilikinya tetapi tidak dijawab), dibobot atas indikator yang dijawab atau dimilikinya dan dibagi bobotnya (Cakupan %); tidak sebanding dengan indeks instansi.",
        )
        .to_string(),
        match l.lang {
            Lang::En => format!(
                "Points to gain: Σ weight × ({} − institution level) / 100 over those indicators; an indicator several OPD cover counts in each of their rows.",
                model.max_level
            ),
            Lang::Id => format!(
                "Poin yang dapat ditambah: Σ bobot × ({} − tingkat instansi) / 100 atas indikator tersebut; indikator yang dicakup beberapa OPD dihitung di baris masing-masing.",
                model.max_level
            ),
        },
    ];
    if let Some(unassigned) = &r.unassigned_steps {
        let rest = if unassigned.is_empty() {
            String::new()
        } else {
            format!(
                " {}: {}.",
                l.pick("No OPD to name for", "Tidak ada OPD untuk"),
                steps_text(unassigned)
            )
        };
        notes.push(format!(
            "{}{rest}",
            l.pick(
                "Roadmap steps: the steps of `spbe gap` with the same options (one level of one indicator each), each given to the indicator's owners, else to the OPD that answered it.",
                "Langkah peta jalan: langkah `spbe gap` dengan opsi yang sama (satu tingkat satu indikator), masing-masing diberikan kepada pemilik indikator, atau kepada OPD yang menjawabnya.",
            )
        ));
    }
    doc.gap().lines(notes, Md::Lines);
}

fn none_if_empty(s: String) -> String {
    if s.is_empty() { "-".into() } else { s }
}
