//! `spbe trend`: the index year by year, with the years where the model changed and progress
//! against the plan's yearly targets.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use crate::cmd::args::{Format, OutputArgs, SUCCESS};
use crate::cmd::result::{self, SheetOptions};
use crate::core::consolidate::Combine;
use crate::core::diff::signed;
use crate::core::exact::{self, Decimal, Exact, fixed};
use crate::core::score::PredicateBasis;
use crate::core::stage::Stage;
use crate::core::trend::{Trend, YearResult, ceil_to, trend};
use crate::input::model::DEFAULT_MODEL;
use crate::output::destination::{Output, neutralize};
use crate::output::render::report::{self, Report, Section};

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

    let mut out = Output::create(args.output.output.as_deref(), &paths)?;
    match args.output.format {
        Format::Json => {
            crate::output::json::write(&mut out, &t)?;
        }
        Format::Table => report::table(&mut out, &view(&t))?,
        Format::Markdown => report::markdown(&mut out, &view(&t))?,
        Format::Csv => {
            let bom = out.is_file();
            csv(&mut out, &t, bom)?;
        }
    }
    out.finish()?;
    Ok(SUCCESS)
}

fn opt(d: &Option<Decimal>) -> String {
    d.as_ref().map(|d| d.to_string()).unwrap_or_default()
}

/// The human-readable trend.
pub fn view(t: &Trend) -> Report {
    let first = t.years.first().map(|y| y.year).unwrap_or_default();
    let last = t.years.last().map(|y| y.year).unwrap_or_default();
    let with_targets = !t.targets.is_empty();
    let d = t.decimals;
    let mut header: Vec<String> = ["Year", "Model", "Index", "Predicate", "Change"]
        .map(String::from)
        .to_vec();
    if with_targets {
        header.extend(["Target", "On track"].map(String::from));
    }
    let rows = t
        .years
        .iter()
        .map(|y| {
            let mut row = vec![
                y.year.to_string(),
                if y.model_changed {
                    format!("{} ({}) * model changed", y.model.id, y.model.status)
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
                            text.push_str(&format!(" (since {p})"));
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
                    Some(true) => "yes".into(),
                    Some(false) => "NO".into(),
                    None => String::new(),
                });
            }
            row
        })
        .collect();
    let mut sections = vec![Section {
        title: "Index per year".into(),
        header,
        rows,
        numeric: vec![2, 4],
    }];

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
    let mut gheader = vec!["ID".to_string(), "Domain / aspect".to_string()];
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
    sections.push(Section {
        title: "Domains per year (aspects for a model with no domain layer)".into(),
        header: gheader,
        rows: grows,
        numeric: (2..2 + t.years.len()).collect(),
    });

    if with_targets {
        sections.push(Section {
            title: "Plan".into(),
            header: [
                "Year",
                "Target",
                "Index",
                "Status",
                "Gain needed",
                "Per year",
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
            "* the model changed this year: the change compares indices of different models".into(),
        );
    }
    if with_targets {
        footer.push("On track: the published index (rounded half up) reaches the year's target. Gains needed are counted from the latest result and rounded up.".into());
    }
    Report {
        title: format!("Trend {first}-{last}"),
        heading: t.notes.clone(),
        headline: Vec::new(),
        sections,
        footer,
    }
}

/// Long form: one row per year and index (kind `index`), domain or aspect.
fn csv(out: &mut dyn Write, t: &Trend, bom: bool) -> anyhow::Result<()> {
    if bom {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
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
    ])?;
    for y in &t.years {
        let text = |s: &str| neutralize(s).into_owned();
        w.write_record([
            y.year.to_string(),
            text(&y.model.id),
            y.model.status.to_string(),
            y.model_changed.to_string(),
            "index".into(),
            String::new(),
            String::new(),
            y.index.to_string(),
            y.index_rounded.to_string(),
            text(&y.predicate),
            opt(&y.change),
            opt(&y.target),
            y.on_track.map(|b| b.to_string()).unwrap_or_default(),
        ])?;
        let kind = y.groups_kind.trim_end_matches('s');
        for g in &y.groups {
            w.write_record([
                y.year.to_string(),
                text(&y.model.id),
                y.model.status.to_string(),
                y.model_changed.to_string(),
                kind.into(),
                text(&g.id),
                text(&g.name),
                g.index.to_string(),
                g.index_rounded.to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}
