//! `spbe compare`: many institutions side by side. Reads long sheets (an `instansi` column),
//! institution folders, results of `spbe score` and the ministry's feed into one table, ranks it
//! and summarizes it per category, optionally around one highlighted institution.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;

use crate::cmd::args::{OutputArgs, ReadArgs, SUCCESS, check_owner_flags, side_file_outside};
use crate::core::compare::{self, Filter, Table};
use crate::core::consolidate::Combine;
use crate::core::external::{self, SourceValue};
use crate::core::model::Model;
use crate::core::score::PredicateBasis;
use crate::core::stage::Stage;
use crate::input::columns::{self, ColumnName};
use crate::input::external::ExternalFile;
use crate::input::institutions::{self, PerInstitution, Scoring};
use crate::input::model::DEFAULT_MODEL;
use crate::input::owners::InstitutionMaps;
use crate::input::sheets::ReadOptions;
use crate::output::compare::{Comparison, document, institution_notices};
use crate::output::term;

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  spbe compare nasional-2024.csv --format json -o peringkat.json
  spbe compare provinsi/ --category \"Pemerintah Kabupaten\" --highlight \"Kab. Contoh\"
  spbe compare hasil-2024.json --year 2024 --region \"Jawa Timur\" --format markdown
  spbe compare rekap.csv --stage-column mandiri=level_mandiri --stage-column akhir=level_final
  spbe compare nasional-2024.csv --combine owner --owners pemilik.csv
  spbe compare pemdi-2026.csv --model pemdi-2026 --external-file eksternal.csv --external SJIG=2.7

Inputs: long answer sheets (one row per answer, with an instansi column and optionally kategori,
daerah, tahun); a folder of institution folders (each scored as `spbe score FOLDER` scores it);
results of `spbe score --format json`; the ministry's results feed (a JSON array). Mixed inputs
work. Ranks: the same exact index, the same rank. `--column` also names a long sheet's
institution, category, region and year columns (`--column institution=\"Nama Pemda\"`);
`--stage-column` reads a level per stage in columns, as for `spbe score`.

Per institution: `--owners` is a responsibility map with an instansi column (rows with no
instansi apply to every institution); `--external-file` a CSV institution,key,value whose values
win over `--external` for that institution. Each index is what `spbe score` gives for the
institution's sheets with the same flags and its own map and values.")]
pub struct CompareArgs {
    /// Long answer sheets, folders of institution folders, JSON results or the ministry's feed;
    /// `-` reads a long sheet from stdin.
    #[arg(value_name = "INPUT", required = true, value_hint = clap::ValueHint::AnyPath)]
    pub inputs: Vec<PathBuf>,

    /// An embedded model's id (see `spbe models`) or a model YAML file.
    #[arg(long, short = 'm', value_name = "NAME|PATH", default_value = DEFAULT_MODEL)]
    pub model: String,

    /// How several OPD answers for one indicator become one level; `owner` needs `--owners`.
    #[arg(long, value_enum, default_value_t = Combine::Min)]
    pub combine: Combine,

    /// Responsibility maps for `--combine owner`: CSV or YAML rows `instansi,indicator,opd[,role]`
    /// (OPD names differ between pemda); rows with no instansi apply to every institution.
    #[arg(long, value_name = "FILE")]
    pub owners: Option<PathBuf>,

    /// With `--combine owner`: the policy used where the owner did not answer [default: min].
    #[arg(long, value_enum, value_name = "POLICY")]
    pub fallback: Option<Combine>,

    /// The value of another agency's index for every institution (repeatable), e.g.
    /// `--external SDI=55.2` (Pemdi 2026: SDI, SJIG, IPS, SDI-INTEROP; or the indicator's id).
    /// Without a value such an indicator counts at the lowest level, as pending.
    #[arg(long = "external", value_name = "KEY=VALUE")]
    pub external: Vec<String>,

    /// Values of other agencies' indices per institution: a CSV with the columns
    /// institution,key,value (key as --external takes it); they win over --external for that
    /// institution.
    #[arg(long, value_name = "FILE")]
    pub external_file: Option<PathBuf>,

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

    /// Put the SHA-256 of each long sheet in the JSON receipt (other inputs always are). Off by
    /// default: on a national file hashing costs about half as long as reading it.
    #[arg(long)]
    pub sha256: bool,

    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

fn parse_stage(text: &str) -> Result<Stage, String> {
    text.parse()
}

/// `--owners`, `--fallback`, `--external` and `--external-file`, checked and read: what each
/// institution is scored with besides the flags.
fn per_institution(args: &CompareArgs, model: &Model) -> anyhow::Result<PerInstitution> {
    check_owner_flags(args.combine, args.fallback, args.owners.is_some())?;
    let owners = match (&args.owners, args.combine) {
        (None, _) => None,
        (Some(path), Combine::Owner) => {
            side_file_outside(path, "the responsibility map", &args.inputs)?;
            Some(InstitutionMaps::load(model, path)?)
        }
        (Some(_), _) => bail!(
            "compare reads --owners only for --combine owner (each institution's owners decide its indicators); add --combine owner or drop --owners"
        ),
    };
    let external: Vec<SourceValue> = args
        .external
        .iter()
        .map(|text| {
            external::parse(model, text).map_err(|e| anyhow::anyhow!("--external {text:?}: {e}"))
        })
        .collect::<anyhow::Result<_>>()?;
    for (k, v) in external.iter().enumerate() {
        if let Some(j) = external[..k]
            .iter()
            .position(|w| w.indicator == v.indicator)
        {
            bail!(
                "--external {:?} and --external {:?} both value indicator {}; give one value",
                args.external[j],
                args.external[k],
                model.indicators[v.indicator].id
            );
        }
    }
    let external_file = match &args.external_file {
        None => None,
        Some(path) => {
            side_file_outside(path, "the file of external values", &args.inputs)?;
            Some(ExternalFile::load(model, path)?)
        }
    };
    Ok(PerInstitution {
        owners,
        fallback: args.fallback.unwrap_or(Combine::Min),
        external,
        external_file,
    })
}

/// The institutions `--owners` and `--external-file` name that nothing compared is: a typo
/// would otherwise leave an institution without its values.
fn named_but_not_compared(per: &PerInstitution, table: &Table) -> anyhow::Result<()> {
    let all: Vec<u32> = (0..table.len() as u32).collect();
    let compared: std::collections::HashSet<String> = (0..table.len())
        .map(|r| compare::key(table.name(r)))
        .collect();
    let unknown = |name: &str| !compared.contains(&compare::key(name));
    if let Some(file) = &per.external_file {
        for row in &file.rows {
            if unknown(&row.institution) {
                let e = compare::find(table, &all, &row.institution)
                    .err()
                    .unwrap_or_default();
                let (c, header) = &row.column;
                bail!(
                    "{}:{}:{c}: column {header:?}: {e}; write the name as the inputs write it",
                    file.file.path,
                    row.line
                );
            }
        }
    }
    if let Some(maps) = &per.owners {
        for (name, line) in maps.institutions() {
            if unknown(name) {
                let e = compare::find(table, &all, name).err().unwrap_or_default();
                bail!(
                    "{}:{line}: {e}; write the name as the inputs write it",
                    maps.file.path
                );
            }
        }
    }
    Ok(())
}

/// The reading options: `--column` may also name the institution, category, region and year
/// columns of a long sheet; `--stage-column` names a level per stage in columns, as for
/// `spbe score`.
fn read_options(read: &ReadArgs) -> anyhow::Result<ReadOptions> {
    let answer_columns: Vec<ColumnName> = read
        .columns
        .iter()
        .filter(|c| c.role.field().is_some())
        .cloned()
        .collect();
    columns::check_columns(&answer_columns, &read.stage_columns).map_err(anyhow::Error::msg)?;
    for (i, c) in read.columns.iter().enumerate() {
        if let Some(d) = read.columns[..i].iter().find(|d| d.role == c.role) {
            bail!(
                "{c}: the {} column is already named by {d}; name each role once",
                c.role
            );
        }
    }
    Ok(ReadOptions {
        encoding: read.encoding,
        delimiter: read.input_delimiter.map(|d| d.0),
        sheet: read.sheet.clone(),
        header_row: read.header_row,
        columns: read.columns.clone(),
        stage_columns: read.stage_columns.clone(),
        strict: false,
        allow_missing: read.allow_missing,
    })
}

pub fn run(args: &CompareArgs) -> anyhow::Result<u8> {
    let model = Model::load_without_criteria(&args.model)?;
    let per = per_institution(args, &model)?;
    let scoring = Scoring {
        combine: args.combine,
        basis: args.predicate_basis,
        stage: args.stage,
        strict: args.strict,
    };
    let mut loaded = institutions::load(
        &model,
        &args.inputs,
        scoring,
        &per,
        &read_options(&args.read)?,
        args.sha256,
    )?;
    named_but_not_compared(&per, &loaded.table)?;
    if let Some(maps) = &per.owners {
        loaded.files.push(maps.file.clone());
        loaded.warnings.extend(maps.warnings.iter().cloned());
    }
    if let Some(file) = &per.external_file {
        loaded.files.push(file.file.clone());
        loaded.warnings.extend(file.warnings.iter().cloned());
    }
    if loaded.reread {
        term::verbose(
            "the rows of an institution are not together: the long sheets were read again, keeping every institution open",
        );
    }
    let table = &loaded.table;
    let filter = Filter {
        categories: args.categories.clone(),
        regions: args.regions.clone(),
        years: args.year.map(|y| vec![Some(y)]).unwrap_or_default(),
    };
    let rows = table.select(&filter);
    if rows.is_empty() {
        bail!("{}", compare::nothing_matches(table, &filter));
    }
    if let Some(years) = compare::several_years(table, &rows) {
        let years: Vec<String> = years.iter().map(u16::to_string).collect();
        bail!(
            "the inputs hold several years ({}): a ranking compares one year; choose it with --year (`spbe trend` follows one institution over the years)",
            years.join(", ")
        );
    }
    let highlighted = match &args.highlight {
        None => None,
        Some(name) => Some(
            compare::find(table, &rows, name).map_err(|e| anyhow::anyhow!("--highlight: {e}"))?,
        ),
    };
    let standings = compare::league(table, rows);
    let bands = compare::Bands::new(&model, args.predicate_basis);
    let summary = compare::summary(table, &bands, &standings).expect("rows were selected");
    let highlight = highlighted
        .and_then(|row| compare::highlight(table, &model, args.predicate_basis, &standings, row));
    let comparison = Comparison {
        model: &model,
        bands: &bands,
        table,
        standings: &standings,
        summary: &summary,
        highlight: highlight.as_ref(),
        combine: args.combine,
        fallback: (args.combine == Combine::Owner).then_some(per.fallback),
        basis: args.predicate_basis,
        stage: args.stage,
        filter: &filter,
        sources: &loaded.sources,
        warnings: &loaded.warnings,
        inputs: &loaded.files,
    };
    let l = args.output.labels();
    let mut doc = document(&comparison, l, Some(args.output.format));
    doc.warnings = loaded.warnings.clone();
    doc.warnings.extend(institution_notices(&comparison, l));
    // An output must not replace a file read.
    let mut read: Vec<PathBuf> = args.inputs.clone();
    read.extend(args.owners.iter().chain(&args.external_file).cloned());
    args.output.emit(&doc, &read)?;
    Ok(SUCCESS)
}
