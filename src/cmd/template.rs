//! `spbe template`: a blank answer sheet for a model, as CSV or XLSX, that `spbe score` reads back
//! unchanged once the level column is filled in.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, ValueEnum};

use crate::cmd::args::SUCCESS;
use crate::core::model::Model;
use crate::input::decode::Delimiter;
use crate::input::model::DEFAULT_MODEL;
use crate::output::destination::Output;
use crate::output::template::{BOM, write_csv, xlsx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateFormat {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  spbe template --opd Diskominfo -o diskominfo.xlsx\n  spbe template --format csv --opd Bappeda -o bappeda.csv\n  spbe template --format csv --delimiter ';' -o untuk-excel-indonesia.csv\n\nFill in the level column (the XLSX has a dropdown), list the evidence (data dukung) and\nscore the filled sheets with `spbe score`. Rows left without a level count as unanswered."
)]
pub struct TemplateArgs {
    /// An embedded model's id (see `spbe models`) or a model YAML file.
    #[arg(long, short = 'm', value_name = "NAME|PATH", default_value = DEFAULT_MODEL)]
    pub model: String,

    /// Pre-fill the opd column with this OPD's name.
    #[arg(long, value_name = "NAME")]
    pub opd: Option<String>,

    /// csv or xlsx (default: from the -o file's extension, else csv).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<TemplateFormat>,

    /// Write to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace the -o file if it exists (it may be an OPD's filled-in sheet).
    #[arg(long)]
    pub force: bool,

    /// CSV separator: `;` makes Excel with Indonesian regional settings open the file in
    /// columns (default `,`).
    #[arg(long, value_name = "CHAR", default_value = ",")]
    pub delimiter: Delimiter,
}

pub fn run(args: &TemplateArgs) -> anyhow::Result<u8> {
    let model = Model::load(&args.model)?;
    let dest = args.output.as_deref().filter(|p| p.as_os_str() != "-");
    let format = args.format.unwrap_or_else(|| match dest {
        Some(p)
            if p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("xlsx")) =>
        {
            TemplateFormat::Xlsx
        }
        _ => TemplateFormat::Csv,
    });
    if let Some(p) = dest {
        let xlsx_name = p
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("xlsx"));
        if xlsx_name != (format == TemplateFormat::Xlsx) {
            bail!(
                "-o {}: the file name and --format disagree; name a CSV template .csv and an XLSX one .xlsx",
                p.display()
            );
        }
        if p.exists() && !args.force {
            bail!(
                "{} already exists (it may be a filled-in answer sheet); choose another name or pass --force to replace it",
                p.display()
            );
        }
    } else if format == TemplateFormat::Xlsx && std::io::stdout().is_terminal() {
        bail!("an XLSX file cannot be shown on the terminal; write it with -o FILE.xlsx");
    }
    let mut out = Output::create(dest, &[])?;
    match format {
        TemplateFormat::Csv => {
            if out.is_file() {
                out.write_all(BOM)?;
            }
            write_csv(&mut out, &model, args.opd.as_deref(), args.delimiter.0)?;
        }
        TemplateFormat::Xlsx => {
            let bytes = xlsx(&model, args.opd.as_deref())?;
            out.write_all(&bytes)?;
        }
    }
    out.finish()?;
    Ok(SUCCESS)
}
