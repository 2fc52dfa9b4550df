//! `spbe compare`: many institutions side by side. Reads long sheets (an `instansi` column),
//! institution folders, results of `spbe score` and the ministry's feed into one table, ranks it
//! and summarizes it per category, optionally around one highlighted institution.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use crate::cmd::args::{Format, OutputArgs, ReadArgs, SUCCESS, warn};
use crate::cmd::result;
use crate::core::answers::InputFile;
use crate::core::compare::{self, At, Entry, Filter, Origin, PartKind, Table};
use crate::core::consolidate::Combine;
use crate::core::evaluate::evaluate;
use crate::core::exact::Exact;
use crate::core::model::Model;
use crate::core::score::PredicateBasis;
use crate::core::stage::Stage;
use crate::input::feed;
use crate::input::institutions::{self, Grouping, Input, LongSheets, Scoring};
use crate::input::model::DEFAULT_MODEL;
use crate::input::sheets::{self, Source};
use crate::output::compare::Comparison;
use crate::output::destination::Output;
use crate::output::{json, term};

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  spbe compare nasional-2024.csv --format json -o peringkat.json
  spbe compare provinsi/ --category \"Pemerintah Kabupaten\" --highlight \"Kab. Contoh\"
  spbe compare hasil-2024.json --year 2024 --region \"Jawa Timur\"

Inputs: long answer sheets (one row per answer, with an instansi column and optionally kategori,
daerah, tahun); a folder of institution folders (each scored as `spbe score FOLDER` scores it);
results of `spbe score --format json`; the ministry's results feed (a JSON array). Mixed inputs
work. Ranks: the same exact index, the same rank.")]
pub struct CompareArgs {
    /// Long answer sheets, folders of institution folders, JSON results or the ministry's feed;
    /// `-` reads a long sheet from stdin.
    #[arg(value_name = "INPUT", required = true, value_hint = clap::ValueHint::AnyPath)]
    pub inputs: Vec<PathBuf>,

    /// An embedded model's id (see `spbe models`) or a model YAML file.
    #[arg(long, short = 'm', value_name = "NAME|PATH", default_value = DEFAULT_MODEL)]
    pub model: String,

    /// How several OPD answers for one indicator become one level.
    #[arg(long, default_value = "min", value_parser = combine_parser())]
    pub combine: Combine,

    /// Score only this assessment stage; default: each indicator from its latest stage present.
    #[arg(long, value_name = "STAGE", value_parser = parse_stage)]
    pub stage: Option<Stage>,

    /// Read the predicate from the exact index (2024 practice) or the rounded one (2023).
    #[arg(long, value_enum, default_value_t = PredicateBasis::Exact)]
    pub predicate_basis: PredicateBasis,

    /// An institution with no answers, or an indicator nobody answered, is an error (default:
    /// the institution is left out with a warning; the indicator scores the lowest level).
    #[arg(long)]
    pub strict: bool,

    /// Compare only this category (repeatable), e.g. "Pemerintah Kabupaten"; case and spacing
    /// are ignored.
    #[arg(long = "category", value_name = "NAME")]
    pub categories: Vec<String>,

    /// Compare only this region (repeatable), e.g. "Jawa Timur".
    #[arg(long = "region", value_name = "NAME")]
    pub regions: Vec<String>,

    /// Compare only this evaluation year (needed when the inputs hold several).
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(u16).range(2000..=2100))]
    pub year: Option<u16>,

    /// Show this institution among its peers: rank and percentile in its category, distance to
    /// the category median and to the next predicate, the domains where it trails most.
    #[arg(long, value_name = "NAME")]
    pub highlight: Option<String>,

    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

fn parse_stage(text: &str) -> Result<Stage, String> {
    text.parse()
}

/// `--combine` without `owner`: compare takes no responsibility map.
fn combine_parser() -> impl clap::builder::TypedValueParser<Value = Combine> {
    use clap::ValueEnum;
    let values = Combine::value_variants()
        .iter()
        .filter(|c| **c != Combine::Owner)
        .filter_map(Combine::to_possible_value);
    clap::builder::TypedValueParser::map(clap::builder::PossibleValuesParser::new(values), |s| {
        Combine::from_str(&s, false).expect("a listed value")
    })
}

/// Everything read: the table, where its rows came from, what was read and the warnings.
struct Loaded {
    table: Table,
    sources: Vec<String>,
    files: Vec<InputFile>,
    warnings: Vec<String>,
}

pub fn run(args: &CompareArgs) -> anyhow::Result<u8> {
    let model = Model::load(&args.model)?;
    term::verbose(format!(
        "model {} ({} version {}, {}) from {}",
        model.id, model.name, model.version, model.status, model.origin
    ));
    let scoring = Scoring {
        combine: args.combine,
        basis: args.predicate_basis,
        stage: args.stage,
        strict: args.strict,
    };
    let loaded = load(args, &model, scoring)?;
    let table = &loaded.table;
    let filter = Filter {
        categories: args.categories.clone(),
        regions: args.regions.clone(),
        years: args.year.map(|y| vec![Some(y)]).unwrap_or_default(),
    };
    let rows = table.select(&filter);
    if rows.is_empty() {
        bail!("{}", nothing_matches(table, &filter));
    }
    let mut years: Vec<Option<u16>> = rows.iter().map(|&r| table.year(r)).collect();
    years.sort_unstable();
    years.dedup();
    let given: Vec<String> = years.iter().flatten().map(u16::to_string).collect();
    if given.len() > 1 {
        bail!(
            "the inputs hold several years ({}): ranks compare one year; choose it with --year (`spbe trend` follows one institution over the years)",
            given.join(", ")
        );
    }
    let standings = compare::league(table, &rows);
    let summary = compare::summary(table, &model, args.predicate_basis, &standings)
        .expect("rows were selected");
    let highlight = match &args.highlight {
        None => None,
        Some(name) => {
            let row = find(table, &rows, name)?;
            compare::highlight(table, &model, args.predicate_basis, &standings, row)
        }
    };
    let comparison = Comparison {
        model: &model,
        table,
        standings: &standings,
        summary: &summary,
        highlight: highlight.as_ref(),
        combine: args.combine,
        basis: args.predicate_basis,
        stage: args.stage,
        filter: &filter,
        sources: &loaded.sources,
        warnings: &loaded.warnings,
        inputs: &loaded.files,
    };
    let mut out = Output::create(args.output.output.as_deref(), &args.inputs)?;
    match args.output.format {
        Format::Json => json::write(&mut out, &comparison)?,
        _ => json::write(&mut out, &comparison)?,
    }
    out.finish()?;
    warn(&loaded.warnings);
    let institution_warnings: Vec<String> = standings
        .iter()
        .flat_map(|s| {
            table
                .warnings(s.row)
                .map(move |w| format!("{}: {w}", table.name(s.row)))
        })
        .collect();
    if term::settings().verbose > 0 {
        warn(&institution_warnings);
    }
    Ok(SUCCESS)
}

/// Reads every input into one table.
fn load(args: &CompareArgs, model: &Model, scoring: Scoring) -> anyhow::Result<Loaded> {
    let options = args.read.options();
    let inputs = institutions::classify(&args.inputs, &options)?;
    let sources: Vec<String> = inputs.iter().map(Input::path).collect();
    let (kind, parts) = compare::parts_of(model);
    let long: Vec<(u32, &Source)> = inputs
        .iter()
        .enumerate()
        .filter_map(|(i, input)| match input {
            Input::Long(s) => Some((i as u32, s)),
            _ => None,
        })
        .collect();
    // Stdin cannot be read twice, so with stdin institutions are kept open from the start.
    let mut grouping = if long.iter().any(|(_, s)| **s == Source::Stdin) {
        Grouping::Scattered
    } else {
        Grouping::Grouped
    };
    let (mut table, mut warnings, mut files) = loop {
        let mut reader = LongSheets::new(model, scoring, grouping, Table::new(kind, parts.clone()));
        for &(i, source) in &long {
            reader.read(source, i, &options);
            term::verbose(format!("read {}", source.display()));
        }
        if let Some(at) = reader.scattered() {
            term::verbose(format!(
                "{}: reading the long sheets again, keeping every institution open",
                at
            ));
            grouping = Grouping::Scattered;
            continue;
        }
        break reader.finish_all()?;
    };
    for (i, input) in inputs.iter().enumerate() {
        let origin = |at| Origin {
            input: i as u32,
            at,
        };
        match input {
            Input::Long(_) => {}
            Input::Institution(dir) => {
                let (entry_data, read) = score_folder(model, dir, scoring, &options)?;
                files.extend(read);
                let name = dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| dir.display().to_string());
                add(
                    &mut table,
                    &sources,
                    entry_data.entry(&name, None, origin(At::Whole)),
                )?;
            }
            Input::Json(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                files.push(InputFile {
                    path: path.display().to_string(),
                    sha256: crate::input::model::sha256_hex(text.as_bytes()),
                    rows: 0,
                });
                if feed::is_feed(&text) {
                    let rows = feed::parse(&path.display().to_string(), &text, model)?;
                    files.last_mut().expect("pushed").rows = rows.len() as u64;
                    for row in rows {
                        let mut row_warnings = Vec::new();
                        if let Some(off) = feed::inconsistency(&row, model) {
                            row_warnings.push(format!(
                                "the feed's domain values do not add up to its index (off by {})",
                                crate::core::exact::exact_text(&off, 0).0
                            ));
                        }
                        let parts = match kind {
                            PartKind::Domains => &row.domains,
                            PartKind::Aspects => &row.aspects,
                        };
                        add(
                            &mut table,
                            &sources,
                            Entry {
                                name: &row.name,
                                category: row.category.as_deref(),
                                region: row.region.as_deref(),
                                year: row.year,
                                index: &row.index,
                                index_exact: true,
                                parts,
                                answers: None,
                                opds: None,
                                warnings: row_warnings,
                                origin: origin(At::Element(row.element)),
                            },
                        )?;
                    }
                } else {
                    let card = result::read_json(path)?;
                    files.last_mut().expect("pushed").rows = 1;
                    let data = from_result(model, path, &card, scoring)?;
                    let name = path
                        .file_stem()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    add(
                        &mut table,
                        &sources,
                        data.entry(&name, card.year, origin(At::Whole)),
                    )?;
                }
            }
        }
    }
    if table.is_empty() {
        warnings.push("no institution was read".into());
    }
    Ok(Loaded {
        table,
        sources,
        files,
        warnings: std::mem::take(&mut warnings),
    })
}

/// An institution's values, before it has a name and origin.
struct Scored {
    index: Exact,
    index_exact: bool,
    parts: Vec<Exact>,
    answers: u64,
    opds: u64,
    warnings: Vec<String>,
}

impl Scored {
    fn entry<'a>(&'a self, name: &'a str, year: Option<u16>, origin: Origin) -> Entry<'a> {
        Entry {
            name,
            category: None,
            region: None,
            year,
            index: &self.index,
            index_exact: self.index_exact,
            parts: &self.parts,
            answers: Some(self.answers),
            opds: Some(self.opds),
            warnings: self.warnings.clone(),
            origin,
        }
    }
}

/// One institution's folder, scored as `spbe score FOLDER` scores it.
fn score_folder(
    model: &Model,
    dir: &std::path::Path,
    scoring: Scoring,
    options: &sheets::ReadOptions,
) -> anyhow::Result<(Scored, Vec<InputFile>)> {
    let set = sheets::load_with(model, &[dir.to_path_buf()], options)?;
    let ev =
        evaluate(model, &set, scoring.policy()).with_context(|| format!("{}", dir.display()))?;
    let filled = ev.filled_ids();
    if scoring.strict && !filled.is_empty() {
        bail!(
            "{}: --strict: {} indicator(s) have no answer in any sheet: {}; answer them or drop --strict",
            dir.display(),
            filled.len(),
            filled.join(", ")
        );
    }
    let parts = if model.domains.is_empty() {
        ev.scores.aspects.clone()
    } else {
        ev.scores.domains.clone()
    };
    let scored = Scored {
        index: ev.scores.index.clone(),
        index_exact: true,
        parts,
        answers: set.answers.len() as u64,
        opds: set.opds.len() as u64,
        warnings: ev.warnings.clone(),
    };
    Ok((scored, set.files.clone()))
}

/// A result of `spbe score`, as saved: it must be of the same model.
fn from_result(
    model: &Model,
    path: &std::path::Path,
    card: &crate::core::scorecard::Scorecard,
    scoring: Scoring,
) -> anyhow::Result<Scored> {
    if card.model.id != model.id {
        bail!(
            "{}: the result is of the model {}, the comparison of {}; compare one model (pass --model {} or rescore the sheets)",
            path.display(),
            card.model.id,
            model.id,
            card.model.id
        );
    }
    let (ids, values): (Vec<&str>, Vec<&crate::core::exact::Decimal>) = if model.domains.is_empty()
    {
        card.aspects
            .iter()
            .map(|a| (a.id.as_str(), &a.index))
            .unzip()
    } else {
        card.domains
            .iter()
            .map(|d| (d.id.as_str(), &d.index))
            .unzip()
    };
    let (_, parts) = compare::parts_of(model);
    let parts = parts
        .iter()
        .map(|p| {
            ids.iter()
                .position(|id| *id == p.id)
                .map(|k| values[k].value())
                .with_context(|| format!("{}: the result has no {}", path.display(), p.id))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut warnings = card.warnings.clone();
    if card.combine != scoring.combine {
        warnings.push(format!(
            "scored with --combine {}, not {}",
            card.combine.as_str(),
            scoring.combine.as_str()
        ));
    }
    Ok(Scored {
        index: card.index.value(),
        index_exact: card.index_exact,
        parts,
        answers: card.answer_count() as u64,
        opds: card.opd_count() as u64,
        warnings,
    })
}

/// Adds a row, refusing an institution already read from another input.
fn add(table: &mut Table, sources: &[String], entry: Entry<'_>) -> anyhow::Result<()> {
    if let Some(other) = table.find(entry.name, entry.year) {
        let place = |o: Origin| {
            let path = &sources[o.input as usize];
            match o.at {
                At::Whole => path.clone(),
                At::Line(l) => format!("{path}:{l}"),
                At::Element(e) => format!("{path}: element [{e}]"),
            }
        };
        bail!(
            "{}: {:?}{} is also in {}; give each institution once",
            place(entry.origin),
            entry.name,
            entry.year.map(|y| format!(" ({y})")).unwrap_or_default(),
            place(table.origin(other))
        );
    }
    table.push(entry);
    Ok(())
}

/// The row `--highlight` names, among the compared rows.
fn find(table: &Table, rows: &[usize], name: &str) -> anyhow::Result<usize> {
    let found: Vec<usize> = table
        .named(name)
        .into_iter()
        .filter(|r| rows.contains(r))
        .collect();
    match found[..] {
        [row] => Ok(row),
        [] => {
            let k = compare::key(name);
            let close: Vec<&str> = rows
                .iter()
                .map(|&r| table.name(r))
                .filter(|n| compare::key(n).contains(&k))
                .take(5)
                .collect();
            if close.is_empty() {
                bail!("--highlight {name:?}: no institution of this name is compared");
            }
            bail!(
                "--highlight {name:?}: no institution of this name is compared; did you mean {}?",
                close
                    .iter()
                    .map(|c| format!("{c:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        _ => bail!("--highlight {name:?}: several institutions have this name; add --year"),
    }
}

/// Why a filter kept nothing, with what the inputs hold.
fn nothing_matches(table: &Table, filter: &Filter) -> String {
    if table.is_empty() {
        return "no institution was read from the inputs".into();
    }
    let list = |v: Vec<Option<&str>>| {
        v.into_iter()
            .map(|c| c.map_or("(none)".to_string(), |c| format!("{c:?}")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut why = vec!["no institution matches the filters".to_string()];
    if !filter.categories.is_empty() {
        why.push(format!("the categories are: {}", list(table.categories())));
    }
    if !filter.regions.is_empty() {
        why.push(format!("the regions are: {}", list(table.regions())));
    }
    if !filter.years.is_empty() {
        let years: Vec<String> = table
            .years()
            .into_iter()
            .map(|y| y.map_or("(none)".to_string(), |y| y.to_string()))
            .collect();
        why.push(format!("the years are: {}", years.join(", ")));
    }
    why.join("; ")
}
