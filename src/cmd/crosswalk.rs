//! `spbe crosswalk`: a baseline answer sheet for one model (Pemdi 2026) from the answer sheets of
//! another (SPBE 2020), by a mapping file; every row says where its value came from.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use crate::cmd::args::{InputArgs, OutputArgs, SUCCESS, WhatIfArgs};
use crate::core::answers::InputFile;
use crate::core::crosswalk::{Baseline, Map, baseline};
use crate::core::exact;
use crate::core::exact::Decimal;
use crate::core::model::Model;
use crate::core::score::PredicateBasis;
use crate::core::scorecard::{ModelInfo, SCHEMA_VERSION, Tool};
use crate::core::value::Value;
use crate::input::crosswalk;
use crate::input::model::{read_capped, sha256_hex};
use crate::output::document::{Document, Grid, Md, Table};
use crate::output::i18n::Labels;

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  spbe crosswalk examples/kota-contoh --to pemdi-2026 --map examples/crosswalk-spbe2020-pemdi2026.yaml
  spbe crosswalk answers/2025/ --map my-map.yaml --format csv -o baseline-pemdi.csv
  spbe score baseline-pemdi.csv --model pemdi-2026

The source sheets are scored with --model (default spbe-2020) and --combine as `spbe score`
does; each mapped target indicator gets the mean, min or max of its source indicators' levels
(a mean rounded half up to the target's decimals). No official crosswalk is published: the
result is a baseline by your mapping, not an assessment.")]
pub struct CrosswalkArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// The target model: an embedded model's id or a model YAML file.
    #[arg(long, value_name = "NAME|PATH", default_value = "pemdi-2026")]
    pub to: String,

    /// The mapping file (YAML): per target indicator, its source indicators, how they combine
    /// (mean, min, max) and a note. See examples/crosswalk-spbe2020-pemdi2026.yaml.
    #[arg(long, value_name = "FILE", required = true)]
    pub map: PathBuf,

    /// The OPD named in the answer sheet `--format csv` writes.
    #[arg(long, value_name = "NAME", default_value = "crosswalk")]
    pub opd: String,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// The JSON contract of `spbe crosswalk --format json`.
#[derive(Debug, Serialize)]
struct CrosswalkRecord {
    schema_version: u32,
    /// Always true: the values are a baseline made by a mapping, not an assessment.
    baseline: bool,
    notice: &'static str,
    tool: Tool,
    from: ModelInfo,
    to: ModelInfo,
    map: MapInfo,
    inputs: Vec<InputFile>,
    combine: crate::core::consolidate::Combine,
    indicators: Vec<Row>,
    /// Target indicators the mapping leaves out (unanswered in the sheet written).
    unmapped: Vec<String>,
    warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
struct MapInfo {
    path: String,
    sha256: String,
    status: String,
    note: Option<String>,
}

#[derive(Debug, Serialize)]
struct Row {
    id: String,
    code: Option<String>,
    name: String,
    value: Value,
    level_name: String,
    combine: &'static str,
    /// The combined source levels before rounding to the target's decimals.
    combined: Decimal,
    rounded: bool,
    clamped: bool,
    sources: Vec<Source>,
    /// Where the value came from, in words.
    provenance: String,
    note: Option<String>,
}

#[derive(Debug, Serialize)]
struct Source {
    indicator: String,
    level: Decimal,
    /// True when nobody answered it and it scored at the source model's lowest level.
    filled: bool,
}

fn notice(l: &Labels) -> &'static str {
    l.pick(
        "baseline from the previous model's answers by a mapping: not an assessment, not an official value",
        "baseline dari jawaban model sebelumnya melalui pemetaan: bukan penilaian, bukan nilai resmi",
    )
}

pub fn run(args: &CrosswalkArgs) -> anyhow::Result<u8> {
    let loaded = args
        .input
        .load(PredicateBasis::Exact, &WhatIfArgs::default())?;
    let ev = loaded.evaluate()?;
    let source = &loaded.model;
    let target = Model::load(&args.to)?;
    let map = crosswalk::load(&args.map, source, &target)?;
    let filled: Vec<bool> = (0..source.indicators.len()).map(|i| ev.filled(i)).collect();
    let rows = baseline(&target, &ev.levels, &filled, &map);
    let l = args.output.labels();
    let map_path = args.map.display().to_string();
    let example = map.status.eq_ignore_ascii_case("example");
    let mut warnings = ev.warnings.clone();
    if example {
        warnings.push(format!(
            "the mapping {map_path} is an EXAMPLE, not an official crosswalk: adapt it to your own reading of both models"
        ));
    }
    warnings.push(notice(crate::output::i18n::Lang::En.labels()).to_string());
    let unmapped: Vec<String> = (0..target.indicators.len())
        .filter(|t| !rows.iter().any(|b| b.target == *t))
        .map(|t| target.indicators[t].id.clone())
        .collect();
    let record = CrosswalkRecord {
        schema_version: SCHEMA_VERSION,
        baseline: true,
        notice: notice(crate::output::i18n::Lang::En.labels()),
        tool: Tool::this(),
        from: ModelInfo::of(source),
        to: ModelInfo::of(&target),
        map: MapInfo {
            path: map_path.clone(),
            sha256: read_capped(&args.map, 4 << 20)
                .map(|b| sha256_hex(&b))
                .unwrap_or_default(),
            status: map.status.clone(),
            note: map.note.clone(),
        },
        inputs: loaded.answers.files.clone(),
        combine: loaded.combine,
        indicators: rows.iter().map(|b| row(source, &target, b)).collect(),
        unmapped: unmapped.clone(),
        warnings: warnings.clone(),
    };
    let mut doc = document(
        source, &target, &map, &map_path, &rows, &unmapped, &args.opd, l,
    );
    doc.warnings = crate::output::notices::notices(&ev.notices, l);
    if example {
        doc.warnings.push(
            l.pick(
                "the mapping MAP is an EXAMPLE, not an official crosswalk: adapt it to your own reading of both models",
                "pemetaan MAP adalah CONTOH, bukan pemetaan resmi: sesuaikan dengan pembacaan Anda atas kedua model",
            )
            .replace("MAP", &map_path),
        );
    }
    doc.warnings.push(notice(l).to_string());
    doc.record(&record);
    let mut files = args.input.files();
    files.push(args.map.clone());
    files.push(PathBuf::from(&args.to));
    args.output.emit(&doc, &files)?;
    Ok(SUCCESS)
}

/// Where a baseline value came from, in words: `from spbe-2020 11 (3), 12 (2): mean 2.5`.
fn provenance(source: &Model, target: &Model, b: &Baseline, l: &Labels) -> String {
    let list: Vec<String> = b
        .sources
        .iter()
        .map(|s| {
            format!(
                "{} ({}{})",
                source.indicators[s.indicator].id,
                l.num(exact::exact_text(&s.level, 0).0),
                if s.filled {
                    l.pick(", unanswered", ", tidak dijawab")
                } else {
                    ""
                }
            )
        })
        .collect();
    let mut text = format!(
        "{} {} {}: {} {}",
        l.pick("from", "dari"),
        source.id,
        list.join(", "),
        b.how.as_str(),
        l.num(exact::exact_text(&b.combined, 0).0)
    );
    if b.rounded {
        text.push_str(&format!(
            ", {} {}",
            l.pick("rounded half up to", "dibulatkan ke"),
            l.num(target.value(b.units).to_string())
        ));
    }
    if b.clamped {
        text.push_str(&format!(
            ", {} {} {} {}: {}",
            l.pick("brought into the range", "dibawa ke rentang"),
            target.min_level,
            l.pick("to", "sampai"),
            target.max_level,
            l.num(target.value(b.units).to_string())
        ));
    }
    text
}

fn row(source: &Model, target: &Model, b: &Baseline) -> Row {
    let ind = &target.indicators[b.target];
    let value = target.value(b.units);
    Row {
        id: ind.id.clone(),
        code: ind.code.clone(),
        name: ind.name.clone(),
        value,
        level_name: target.level_name(b.target, value.whole()).to_string(),
        combine: b.how.as_str(),
        combined: Decimal::exact(&b.combined),
        rounded: b.rounded,
        clamped: b.clamped,
        sources: b
            .sources
            .iter()
            .map(|s| Source {
                indicator: source.indicators[s.indicator].id.clone(),
                level: Decimal::exact(&s.level),
                filled: s.filled,
            })
            .collect(),
        provenance: provenance(source, target, b, crate::output::i18n::Lang::En.labels()),
        note: b.note.clone(),
    }
}

#[allow(clippy::too_many_arguments)]
fn document<'a>(
    source: &Model,
    target: &Model,
    map: &Map,
    map_path: &str,
    rows: &[Baseline],
    unmapped: &[String],
    opd: &str,
    l: &Labels,
) -> Document<'a> {
    let example = map.status.eq_ignore_ascii_case("example");
    let mut doc = Document::titled(format!(
        "{} {} {} {}",
        l.pick("Baseline for", "Baseline untuk"),
        target.id,
        l.pick("from", "dari"),
        source.id
    ));
    let mut lines = vec![
        notice(l).to_uppercase(),
        format!(
            "{}: {} ({}, {}) -> {} ({}, {})",
            l.model, source.name, source.id, source.status, target.name, target.id, target.status
        ),
        format!(
            "{}: {}{}",
            l.pick("Mapping", "Pemetaan"),
            map_path,
            if example {
                l.pick(
                    " (EXAMPLE, not an official crosswalk)",
                    " (CONTOH, bukan pemetaan resmi)",
                )
            } else {
                ""
            }
        ),
    ];
    if let Some(caution) = target.status.caution(&target.id) {
        lines.push(caution);
    }
    if let Some(note) = &map.note {
        lines.push(note.clone());
    }
    doc.lines(lines, Md::List);
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|b| {
            let ind = &target.indicators[b.target];
            let value = target.value(b.units);
            vec![
                ind.id.clone(),
                ind.code.clone().unwrap_or_default(),
                ind.name.clone(),
                l.num(value.to_string()),
                target.level_name(b.target, value.whole()).to_string(),
                provenance(source, target, b, l),
                b.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    doc.gap().table(
        Table::new(
            l.pick("Baseline values", "Nilai baseline"),
            &[
                l.id,
                l.pick("Code", "Kode"),
                l.indicator,
                l.pick("Value", "Nilai"),
                l.level_name,
                l.pick("Where it came from", "Asal nilai"),
                l.pick("Note", "Catatan"),
            ],
            table_rows,
        )
        .numeric(&[3]),
    );
    if !unmapped.is_empty() {
        doc.gap().line(
            format!(
                "{}: {}",
                l.pick(
                    "Not mapped (left out of the sheet)",
                    "Tidak dipetakan (tidak ada di lembar)"
                ),
                unmapped.join(", ")
            ),
            Md::Lines,
        );
    }
    let grid_rows = rows
        .iter()
        .map(|b| {
            let mut note = format!("{}: {}", notice(l), provenance(source, target, b, l));
            if let Some(n) = &b.note {
                note.push_str(&format!("; {n}"));
            }
            note.push_str(&format!(
                "; {} {map_path}{}",
                l.pick("mapping", "pemetaan"),
                if example {
                    l.pick(" (example)", " (contoh)")
                } else {
                    ""
                }
            ));
            vec![
                target.indicators[b.target].id.clone(),
                target.value(b.units).to_string(),
                opd.to_string(),
                note,
            ]
        })
        .collect();
    doc.grid(Grid::new(&["indicator", "level", "opd", "note"], grid_rows).numeric(&[1]));
    doc
}
