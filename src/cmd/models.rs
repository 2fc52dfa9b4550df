//! `spbe models`: the models embedded in the binary.

use clap::Args;

use crate::cmd::args::{OutputArgs, SUCCESS};
use crate::core::model::Model;
use crate::input::model::EMBEDDED;
use crate::output::document::{Document, Grid, Md, Table};

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  spbe models
  spbe models --format json")]
pub struct ModelsArgs {
    #[command(flatten)]
    pub output: OutputArgs,
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
    let mut doc = Document::new();
    doc.table(Table::new("", &header, cells.clone()))
        .lines(cautions, Md::Lines);
    doc.record(&rows).grid(Grid::new(&header, cells));
    args.output.emit(&doc, &[])?;
    Ok(SUCCESS)
}
