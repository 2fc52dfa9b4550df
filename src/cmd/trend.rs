//! `spbe trend`: the index year by year, with the years where the model changed and progress
//! against the plan's yearly targets.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use crate::cmd::args::{OutputArgs, SUCCESS};
use crate::core::consolidate::Combine;
use crate::core::diff::signed;
use crate::core::exact::{self, Decimal, Exact, fixed};
use crate::core::score::PredicateBasis;
use crate::core::stage::Stage;
use crate::core::trend::{Trend, YearResult, ceil_to, trend};
use crate::input::model::DEFAULT_MODEL;
use crate::input::result::{self, SheetOptions};
use crate::output::document::{Document, Grid, Md, Table};
use crate::output::i18n::Labels;

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  spbe trend results/2023.json results/2024.json results/2025.json
  spbe trend 2024=answers/2024/ 2025=answers/2025/ 2026=answers/2026/ --year-model 2026=pemdi-2026
  spbe trend results/*.json --target-path 2025=3.0,2026=3.2,2027=3.5 --format json

Each result is YEAR=PATH, or a JSON result that carries its year (`spbe score --year 2024`).
PATH is a JSON result of `spbe score --format json`, an answer sheet, or a folder of them.")]
pub struct TrendArgs {
    /// The results, one per year: YEAR=PATH or a JSON result with a `year`.
    #[arg(value_name = "[YEAR=]PATH", required = true)]
    pub results: Vec<String>,

    /// The plan's yearly targets, e.g. `2025=3.0,2026=3.2`: adds whether each year was on track
    /// (its published, rounded index reached the target) and the gain per year still needed.
    #[arg(long, value_name = "YEAR=INDEX,...", value_delimiter = ',')]
    pub target_path: Vec<String>,

    /// The model for years given as answer sheets: an embedded model's id or a YAML file.
    #[arg(long, short = 'm', value_name = "NAME|PATH", default_value = DEFAULT_MODEL)]
    pub model: String,

    /// A different model for some years given as answer sheets, e.g. `2026=pemdi-2026`.
    #[arg(long, value_name = "YEAR=MODEL,...", value_delimiter = ',')]
    pub year_model: Vec<String>,

    /// How several OPD answers for one indicator become one level (answer-sheet years).
    #[arg(long, value_enum, default_value_t = Combine::Min)]
    pub combine: Combine,

    /// Read the predicate from the exact or the rounded index (answer-sheet years).
    #[arg(long, value_enum, default_value_t = PredicateBasis::Exact)]
    pub predicate_basis: PredicateBasis,

    /// Score only this stage (answer-sheet years); default: latest per indicator.
    #[arg(long, value_name = "STAGE", value_parser = parse_stage)]
    pub stage: Option<Stage>,

    #[command(flatten)]
    pub output: OutputArgs,
}

fn parse_stage(text: &str) -> Result<Stage, String> {
    text.parse()
}

fn parse_year(text: &str, what: &str) -> anyhow::Result<u16> {
    match text.trim().parse::<u16>() {
        Ok(y) if (2000..=2100).contains(&y) => Ok(y),
        _ => bail!(
            "{what}: {:?} is not a year; write a year such as 2025",
            text.trim()
        ),
    }
}

/// `YEAR=VALUE` → (year, value); the year must look like one.
fn split_year(text: &str) -> Option<(&str, &str)> {
    let (y, rest) = text.split_once('=')?;
    (y.trim().len() == 4 && y.trim().bytes().all(|b| b.is_ascii_digit())).then_some((y, rest))
}

pub fn run(args: &TrendArgs) -> anyhow::Result<u8> {
    let mut targets: BTreeMap<u16, Exact> = BTreeMap::new();
    for t in &args.target_path {
        let Some((y, v)) = t.split_once('=') else {
            bail!(
                "--target-path: {t:?} is not YEAR=INDEX; write e.g. --target-path 2025=3.0,2026=3.2"
            );
        };
        let year = parse_year(y, "--target-path")?;
        let value = exact::parse_decimal(v)
            .filter(|x| *x >= Exact::from_integer(0.into()))
            .with_context(|| {
                format!(
                    "--target-path: the target for {year} {:?} is not a decimal index such as 3.2",
                    v.trim()
                )
            })?;
        if targets.insert(year, value).is_some() {
            bail!("--target-path: {year} is given twice; give one target per year");
        }
    }
    let mut year_models: BTreeMap<u16, String> = BTreeMap::new();
    for ym in &args.year_model {
        let Some((y, m)) = ym.split_once('=') else {
            bail!(
                "--year-model: {ym:?} is not YEAR=MODEL; write e.g. --year-model 2026=pemdi-2026"
            );
        };
        year_models.insert(parse_year(y, "--year-model")?, m.trim().to_string());
    }

    let mut by_year: BTreeMap<u16, YearResult> = BTreeMap::new();
    let mut paths = Vec::new();
    for spec in &args.results {
        let (year, path) = match split_year(spec) {
            Some((y, p)) => (Some(parse_year(y, spec)?), PathBuf::from(p)),
            None => (None, PathBuf::from(spec)),
        };
        paths.push(path.clone());
        let card = match (result::is_json(&path), year) {
            (true, _) => result::read_json(&path)?,
            (false, None) => bail!(
                "{spec}: answer sheets carry no year; write it as YEAR=PATH, e.g. 2025={spec}"
            ),
            (false, Some(y)) => result::load(
                &path,
                &SheetOptions {
                    model: year_models
                        .get(&y)
                        .cloned()
                        .unwrap_or_else(|| args.model.clone()),
                    combine: args.combine,
                    basis: args.predicate_basis,
                    stage: args.stage,
                    read: Default::default(),
                },
            )?,
        };
        let year = match (year, card.year) {
            (Some(y), _) => y,
            (None, Some(y)) => y,
            (None, None) => bail!(
                "{}: this result has no year; write it as YEAR=PATH (e.g. 2025={}) or score it with `spbe score --year`",
                path.display(),
                path.display()
            ),
        };
        if let Some(other) = by_year.get(&year) {
            bail!(
                "{year} is given twice ({} and {}); give one result per year",
                other.source,
                path.display()
            );
        }
        by_year.insert(
            year,
            YearResult {
                year,
                source: path.display().to_string(),
                card,
            },
        );
    }
    let targets: Vec<(u16, Exact)> = targets.into_iter().collect();
    let t = trend(by_year.into_values().collect(), &targets);

    args.output
        .emit(&document(&t, args.output.labels()), &paths)?;
    Ok(SUCCESS)
}

fn opt(d: &Option<Decimal>) -> String {
    d.as_ref().map(|d| d.to_string()).unwrap_or_default()
}

/// The human-readable trend.
pub fn document<'a>(t: &'a Trend, l: &Labels) -> Document<'a> {
    let first = t.years.first().map(|y| y.year).unwrap_or_default();
    let last = t.years.last().map(|y| y.year).unwrap_or_default();
    let with_targets = !t.targets.is_empty();
    let d = t.decimals;
    let mut header = vec![
        l.year,
        l.model,
        l.index,
        l.predicate,
        l.pick("Change", "Perubahan"),
    ];
    if with_targets {
        header.extend([l.target, l.pick("On track", "Sesuai rencana")]);
    }
    let rows = t
        .years
        .iter()
        .map(|y| {
            let mut row = vec![
                y.year.to_string(),
                if y.model_changed {
                    format!(
                        "{} ({}) * {}",
                        y.model.id,
                        y.model.status,
                        l.pick("model changed", "model berganti")
                    )
                } else {
                    format!("{} ({})", y.model.id, y.model.status)
                },
                y.index_rounded.to_string(),
                y.predicate.clone(),
                y.change_rounded
                    .as_ref()
                    .map(|c| {
                        let mut text = signed(c);
                        if let Some(p) = y.previous_year.filter(|p| y.year - p > 1) {
                            text.push_str(&format!(" ({} {p})", l.pick("since", "sejak")));
                        }
                        if y.model_changed {
                            text.push_str(" *");
                        }
                        text
                    })
                    .unwrap_or_else(|| "-".into()),
            ];
            if with_targets {
                row.push(
                    y.target
                        .as_ref()
                        .map(|t| fixed(&t.value(), d))
                        .unwrap_or_default(),
                );
                row.push(match y.on_track {
                    Some(true) => l.pick("yes", "ya").into(),
                    Some(false) => l.pick("NO", "TIDAK").into(),
                    None => String::new(),
                });
            }
            row
        })
        .collect();
    let mut sections = vec![
        Table::new(l.pick("Index per year", "Indeks per tahun"), &header, rows)
            .numeric(if with_targets { &[2, 4, 5] } else { &[2, 4] }),
    ];

    // Domains (aspects for models without domains): one row per group, one column per year.
    let mut groups: Vec<(String, String)> = Vec::new();
    for y in &t.years {
        for g in &y.groups {
            let key = (g.id.clone(), g.name.clone());
            if !groups.contains(&key) {
                groups.push(key);
            }
        }
    }
    let mut gheader = vec![
        l.id.to_string(),
        l.pick("Domain / aspect", "Domain / aspek").to_string(),
    ];
    gheader.extend(t.years.iter().map(|y| y.year.to_string()));
    let grows = groups
        .iter()
        .map(|(id, name)| {
            let mut row = vec![id.clone(), name.clone()];
            for y in &t.years {
                row.push(
                    y.groups
                        .iter()
                        .find(|g| &g.id == id && &g.name == name)
                        .map(|g| g.index_rounded.to_string())
                        .unwrap_or_else(|| "-".into()),
                );
            }
            row
        })
        .collect();
    sections.push(Table {
        title: l
            .pick(
                "Domains per year (aspects for a model with no domain layer)",
                "Domain per tahun (aspek untuk model tanpa lapisan domain)",
            )
            .into(),
        header: gheader,
        rows: grows,
        numeric: (2..2 + t.years.len()).collect(),
        empty: None,
    });

    if with_targets {
        sections.push(Table {
            title: l.pick("Plan", "Rencana").into(),
            empty: None,
            header: [
                l.year,
                l.target,
                l.index,
                l.status,
                l.pick("Gain needed", "Kenaikan yang diperlukan"),
                l.pick("Per year", "Per tahun"),
            ]
            .map(String::from)
            .to_vec(),
            rows: t
                .targets
                .iter()
                .map(|r| {
                    let up = |x: &Option<Decimal>| {
                        x.as_ref()
                            .map(|v| format!("+{}", fixed(&ceil_to(&v.value(), d), d)))
                            .unwrap_or_default()
                    };
                    vec![
                        r.year.to_string(),
                        fixed(&r.target.value(), d),
                        opt(&r.index_rounded),
                        r.status.clone(),
                        up(&r.gain_needed),
                        up(&r.gain_needed_per_year),
                    ]
                })
                .collect(),
            numeric: vec![1, 2, 4, 5],
        });
    }
    let mut footer = Vec::new();
    if t.years.iter().any(|y| y.model_changed) {
        footer.push(
            l.pick(
                "* the model changed this year: the change compares indices of different models",
                "* model berganti tahun ini: perubahannya membandingkan indeks dari model yang berbeda",
            )
            .into(),
        );
    }
    if with_targets {
        footer.push(l.pick(
            "On track: the published index (rounded half up) reaches the year's target. Gains needed are counted from the latest result and rounded up.",
            "Sesuai rencana: indeks yang diumumkan (dibulatkan setengah ke atas) mencapai target tahun itu. Kenaikan yang diperlukan dihitung dari hasil terakhir dan dibulatkan ke atas.",
        ).into());
    }
    let mut doc = Document::titled(format!("{} {first}-{last}", l.pick("Trend", "Tren")));
    doc.lines(t.notes.clone(), Md::List);
    for s in sections {
        doc.gap().table(s.or_else(l.pick("(none)", "(tidak ada)")));
    }
    if !footer.is_empty() {
        doc.gap().lines(footer, Md::Lines);
    }
    doc.record(t).grid(grid(t));
    doc
}

/// Long form: one row per year and index (kind `index`), domain or aspect.
fn grid(t: &Trend) -> Grid {
    let mut rows = Vec::new();
    for y in &t.years {
        rows.push(vec![
            y.year.to_string(),
            y.model.id.clone(),
            y.model.status.to_string(),
            y.model_changed.to_string(),
            "index".into(),
            String::new(),
            String::new(),
            y.index.to_string(),
            y.index_rounded.to_string(),
            y.predicate.clone(),
            opt(&y.change),
            opt(&y.target),
            y.on_track.map(|b| b.to_string()).unwrap_or_default(),
        ]);
        let kind = y.groups_kind.trim_end_matches('s');
        for g in &y.groups {
            rows.push(vec![
                y.year.to_string(),
                y.model.id.clone(),
                y.model.status.to_string(),
                y.model_changed.to_string(),
                kind.into(),
                g.id.clone(),
                g.name.clone(),
                g.index.to_string(),
                g.index_rounded.to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
    }
    let header = [
        "year",
        "model",
        "model_status",
        "model_changed",
        "kind",
        "id",
        "name",
        "index",
        "index_rounded",
        "predicate",
        "change",
        "target",
        "on_track",
    ];
    // Numbers are written as they are; text (ids, names, predicates) is neutralized.
    Grid::new(&header, rows).numeric(&[0, 7, 8, 10, 11])
}
