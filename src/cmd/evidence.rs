//! `spbe evidence`: the evidence items of the Pemdi application by indicator, level and status,
//! what is still missing or under revision, and the level they support: a simulation of the
//! self-assessment, never an official value. `--format csv` writes that as an answer sheet
//! (stage `mandiri`) that `score`, `gap` and `report` read.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use crate::cmd::args::{OutputArgs, SUCCESS};
use crate::core::answers::InputFile;
use crate::core::evidence::{IndicatorItems, ItemSet, ItemStatus, roll_up};
use crate::core::model::Model;
use crate::core::scorecard::{ModelInfo, SCHEMA_VERSION, Tool};
use crate::core::value::Value;
use crate::input::items;
use crate::output::document::{Document, Grid, Md, Table};
use crate::output::i18n::Labels;

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  spbe evidence butir/                      # items by indicator and level, the simulated level
  spbe evidence butir.xlsx --lang id
  spbe evidence butir/ --format csv -o simulasi.csv && spbe score simulasi.csv --model pemdi-2026

An item sheet has a row per evidence item: item (or butir) with codes I{n}-L{l}-{NN} such as
I1-L2-03, and status: diterima (accepted), revisi (revision) with an optional reason (tidak
tepat, belum diunggah, ditolak otomatis), or empty (not assessed). Optional: reason, opd, file,
note. The simulated level of an indicator is the highest level whose items, and every lower
level's items, are all accepted; it is a simulation of the self-assessment, not an official
value.")]
pub struct EvidenceArgs {
    /// Item sheets (CSV, XLSX, ODS) or folders of them; `-` reads stdin.
    #[arg(value_name = "ITEMS", required = true, value_hint = clap::ValueHint::AnyPath)]
    pub inputs: Vec<PathBuf>,

    /// An embedded model's id or a model YAML file: evidence items are the Pemdi application's.
    #[arg(
        long,
        short = 'm',
        value_name = "NAME|PATH",
        default_value = "pemdi-2026"
    )]
    pub model: String,

    /// The OPD named in the answer sheet `--format csv` writes.
    #[arg(long, value_name = "NAME", default_value = "simulasi")]
    pub opd: String,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// The warning every output of a simulated level carries.
pub fn notice(l: &Labels) -> &'static str {
    l.pick(
        "simulation of the self-assessment, not an official value",
        "simulasi penilaian mandiri, bukan nilai resmi",
    )
}

/// The JSON contract of `spbe evidence --format json`.
#[derive(Debug, Serialize)]
struct EvidenceRecord {
    schema_version: u32,
    /// Always true: the levels here are simulated from evidence items.
    simulation: bool,
    notice: &'static str,
    tool: Tool,
    model: ModelInfo,
    inputs: Vec<InputFile>,
    indicators: Vec<IndicatorRecord>,
    warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
struct IndicatorRecord {
    id: String,
    code: Option<String>,
    name: String,
    /// The simulated level, with the model's digits (`2.00` for Pemdi).
    simulated_level: Value,
    simulated_level_name: String,
    levels: Vec<LevelRecord>,
    /// What stops the next level: `not accepted` or `no items listed`; absent at the top.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_level_blocked_by: Option<&'static str>,
    /// Items not accepted (under revision or not assessed), lowest level first.
    open: Vec<OpenItem>,
}

#[derive(Debug, Serialize)]
struct LevelRecord {
    level: u8,
    items: usize,
    accepted: usize,
    revision: usize,
    not_assessed: usize,
}

#[derive(Debug, Serialize)]
struct OpenItem {
    item: String,
    level: u8,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    opd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

pub fn run(args: &EvidenceArgs) -> anyhow::Result<u8> {
    let model = Model::load(&args.model)?;
    let set = items::load(&model, &args.inputs)?;
    let rollup = roll_up(&model, &set);
    let l = args.output.labels();
    let record = record(&model, &set, &rollup, l);
    let mut doc = document(&model, &set, &rollup, &args.opd, l);
    doc.record(&record);
    let mut files = args.inputs.clone();
    files.push(PathBuf::from(&args.model));
    args.output.emit(&doc, &files)?;
    Ok(SUCCESS)
}

fn status_word(s: ItemStatus, l: &Labels) -> &'static str {
    l.pick(s.as_str(), s.as_id())
}

/// The level `r` supports, with the model's digits.
fn simulated(model: &Model, r: &IndicatorItems) -> Value {
    model.value(model.level_units(r.simulated))
}

/// What stops an indicator at its simulated level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Blocked {
    /// The next level has items not accepted (or a lower level does).
    NotAccepted,
    /// The next level has no item listed.
    Unlisted,
}

impl Blocked {
    fn as_str(self) -> &'static str {
        match self {
            Blocked::NotAccepted => "not accepted",
            Blocked::Unlisted => "no items listed",
        }
    }

    fn words(self, l: &Labels) -> &'static str {
        match self {
            Blocked::NotAccepted => l.pick("items not accepted", "butir belum diterima"),
            Blocked::Unlisted => l.pick("no items listed", "belum ada butir"),
        }
    }
}

fn blocked_by(model: &Model, r: &IndicatorItems) -> Option<Blocked> {
    if r.simulated >= model.max_level {
        None
    } else if r.unlisted == Some(r.simulated + 1) {
        Some(Blocked::Unlisted)
    } else {
        Some(Blocked::NotAccepted)
    }
}

fn record(model: &Model, set: &ItemSet, rollup: &[IndicatorItems], l: &Labels) -> EvidenceRecord {
    EvidenceRecord {
        schema_version: SCHEMA_VERSION,
        simulation: true,
        notice: notice(l),
        tool: Tool::this(),
        model: ModelInfo::of(model),
        inputs: set.files.clone(),
        indicators: rollup
            .iter()
            .map(|r| {
                let ind = &model.indicators[r.indicator];
                IndicatorRecord {
                    id: ind.id.clone(),
                    code: ind.code.clone(),
                    name: ind.name.clone(),
                    simulated_level: simulated(model, r),
                    simulated_level_name: model.level_name(r.indicator, r.simulated).to_string(),
                    levels: r
                        .levels
                        .iter()
                        .map(|lv| LevelRecord {
                            level: lv.level,
                            items: lv.total(),
                            accepted: lv.accepted,
                            revision: lv.revision,
                            not_assessed: lv.not_assessed,
                        })
                        .collect(),
                    next_level_blocked_by: blocked_by(model, r).map(Blocked::as_str),
                    open: r
                        .open
                        .iter()
                        .map(|&k| {
                            let it = &set.items[k];
                            OpenItem {
                                item: it.code.clone(),
                                level: it.level,
                                status: it.status.as_str(),
                                reason: it.reason.clone(),
                                opd: it.opd.clone(),
                                file: it.file.clone(),
                                note: it.note.clone(),
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
        warnings: warnings(set, l),
    }
}

fn warnings(set: &ItemSet, l: &Labels) -> Vec<String> {
    let mut w = set.warnings.clone();
    w.push(format!(
        "{}: {}",
        l.pick("simulated levels", "level simulasi"),
        notice(l)
    ));
    w
}

/// One indicator's summary for the note of its answer-sheet row: `L1 3/3, L2 1/2 (I1-L2-02
/// revisi: tidak tepat)`.
fn summary(set: &ItemSet, r: &IndicatorItems, l: &Labels) -> String {
    let levels: Vec<String> = r
        .levels
        .iter()
        .filter(|lv| lv.total() > 0)
        .map(|lv| format!("L{} {}/{}", lv.level, lv.accepted, lv.total()))
        .collect();
    let open: Vec<String> = r
        .open
        .iter()
        .map(|&k| {
            let it = &set.items[k];
            match &it.reason {
                Some(reason) => format!("{} {}: {reason}", it.code, status_word(it.status, l)),
                None => format!("{} {}", it.code, status_word(it.status, l)),
            }
        })
        .collect();
    let mut text = format!(
        "{}: {} {}",
        notice(l),
        levels.join(", "),
        l.pick("accepted", "diterima")
    );
    if !open.is_empty() {
        text.push_str(&format!(" ({})", open.join("; ")));
    }
    text
}

fn document<'a>(
    model: &Model,
    set: &ItemSet,
    rollup: &[IndicatorItems],
    opd: &str,
    l: &Labels,
) -> Document<'a> {
    let mut doc = Document::titled(format!(
        "{}: {}",
        l.pick("Evidence items", "Butir bukti dukung"),
        notice(l).to_uppercase()
    ));
    doc.lines(
        vec![
            notice(l).to_uppercase(),
            format!(
                "{}: {} ({}, {})",
                l.model, model.name, model.id, model.status
            ),
            format!(
                "{}: {} {} {} {}",
                l.pick("Items", "Butir"),
                set.items.len(),
                l.pick("from", "dari"),
                set.files.len(),
                if set.files.len() == 1 {
                    l.sheet
                } else {
                    l.sheets
                }
            ),
        ],
        Md::Omit,
    );
    let levels: Vec<String> = model.levels().map(|lv| format!("L{lv}")).collect();
    let mut header: Vec<&str> = vec![l.id, l.indicator];
    header.extend(levels.iter().map(String::as_str));
    let simulated_label = l.pick("Simulated level", "Level simulasi");
    let blocked_label = l.pick("Next level", "Level berikutnya");
    header.extend([simulated_label, l.level_name, blocked_label]);
    let rows: Vec<Vec<String>> = rollup
        .iter()
        .map(|r| {
            let ind = &model.indicators[r.indicator];
            let mut row = vec![ind.id.clone(), ind.name.clone()];
            row.extend(r.levels.iter().map(|lv| {
                if lv.total() == 0 {
                    "-".to_string()
                } else {
                    format!("{}/{}", lv.accepted, lv.total())
                }
            }));
            row.push(l.num(simulated(model, r).to_string()));
            row.push(model.level_name(r.indicator, r.simulated).to_string());
            row.push(blocked_by(model, r).map_or("-", |b| b.words(l)).to_string());
            row
        })
        .collect();
    let n_levels = model.levels().count();
    doc.gap().table(
        Table::new(
            l.pick(
                "Items accepted by level (accepted/listed)",
                "Butir diterima per level (diterima/terdaftar)",
            ),
            &header,
            rows,
        )
        .numeric(&[2 + n_levels]),
    );
    let open_rows: Vec<Vec<String>> = rollup
        .iter()
        .flat_map(|r| r.open.iter())
        .map(|&k| {
            let it = &set.items[k];
            vec![
                it.code.clone(),
                model.indicators[it.indicator].id.clone(),
                format!("L{}", it.level),
                status_word(it.status, l).to_string(),
                it.reason.clone().unwrap_or_default(),
                it.opd.clone().unwrap_or_default(),
                it.file.clone().unwrap_or_default(),
            ]
        })
        .collect();
    doc.gap().table(
        Table::new(
            l.pick(
                "Missing or under revision",
                "Belum lengkap atau perlu revisi",
            ),
            &[
                l.pick("Item", "Butir"),
                l.id,
                l.level,
                "Status",
                l.pick("Reason", "Alasan"),
                "OPD",
                l.pick("File", "Berkas"),
            ],
            open_rows,
        )
        .or_else(l.pick(
            "Every item listed is accepted.",
            "Semua butir yang terdaftar diterima.",
        )),
    );
    doc.gap().lines(
        vec![l
            .pick(
                "Score it: spbe evidence ... --format csv -o simulasi.csv, then spbe score simulasi.csv --model MODEL (stage mandiri).",
                "Hitung indeksnya: spbe evidence ... --format csv -o simulasi.csv, lalu spbe score simulasi.csv --model MODEL (tahap mandiri).",
            )
            .replace("MODEL", &model.id)],
        Md::Lines,
    );
    // The answer sheet: one row per indicator with items, at the simulated level.
    let grid_rows = rollup
        .iter()
        .map(|r| {
            vec![
                model.indicators[r.indicator].id.clone(),
                simulated(model, r).to_string(),
                "mandiri".to_string(),
                opd.to_string(),
                summary(set, r, l),
            ]
        })
        .collect();
    doc.grid(Grid::new(&["indicator", "level", "stage", "opd", "note"], grid_rows).numeric(&[1]));
    doc.warnings = warnings(set, l);
    doc
}
