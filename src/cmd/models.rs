//! `spbe models`: the models embedded in the binary.

use std::io::Write;

use clap::Args;

use crate::cmd::args::{Format, SUCCESS};
use crate::core::model::Model;
use crate::input::model::EMBEDDED;
use crate::output::destination::Output;
use crate::output::render;

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  spbe models
  spbe models --format json")]
pub struct ModelsArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, serde::Serialize)]
struct Row {
    id: String,
    name: String,
    version: String,
    indicators: usize,
    status: String,
    source: String,
    default: bool,
}

pub fn run(args: &ModelsArgs) -> anyhow::Result<u8> {
    let mut rows = Vec::new();
    for (i, (id, _)) in EMBEDDED.iter().enumerate() {
        let m = Model::load(id)?;
        rows.push(Row {
            id: m.id,
            name: m.name,
            version: m.version,
            indicators: m.indicators.len(),
            status: m.status.to_string(),
            source: m.source,
            default: i == 0,
        });
    }
    let cautions: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            Model::load(&r.id)
                .ok()
                .and_then(|m| m.status.caution(&m.id))
        })
        .collect();
    let mut out = Output::create(None, &[])?;
    let header = ["id", "name", "version", "indicators", "status", "source"];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                if r.default {
                    format!("{} (default)", r.id)
                } else {
                    r.id.clone()
                },
                r.name.clone(),
                r.version.clone(),
                r.indicators.to_string(),
                r.status.clone(),
                r.source.clone(),
            ]
        })
        .collect();
    match args.format {
        Format::Json => {
            crate::output::json::write(&mut out, &rows)?;
        }
        Format::Table => {
            writeln!(out, "{}", render::table::grid(&header, &cells))?;
            for c in &cautions {
                writeln!(out, "{c}")?;
            }
        }
        Format::Markdown => {
            write!(out, "{}", render::markdown::grid(&header, &cells))?;
            for c in &cautions {
                writeln!(out, "\n{c}")?;
            }
        }
        Format::Csv => render::csv::grid(&mut out, &header, &cells, false)?,
    }
    out.finish()?;
    Ok(SUCCESS)
}
