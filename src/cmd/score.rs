//! `spbe score`: the index of a set of answer sheets, with every domain, aspect and indicator.

use std::io::Write;

use clap::Args;

use crate::cli::{Format, InputArgs, OutputArgs, SUCCESS, warn};
use crate::output::Output;
use crate::render;
use crate::score::PredicateBasis;

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  spbe score examples/kota-contoh\n  spbe score sheets/*.csv --combine median --format json -o result.json"
)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Read the predicate from the exact index (2024 practice) or the rounded one (2023).
    #[arg(long, value_enum, default_value_t = PredicateBasis::Exact)]
    pub predicate_basis: PredicateBasis,

    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: &ScoreArgs) -> anyhow::Result<u8> {
    let (model, card) = args.input.scorecard(args.predicate_basis)?;
    let mut out = Output::create(args.output.output.as_deref(), &args.input.inputs)?;
    match args.output.format {
        Format::Table => render::table::scorecard(&mut out, &model, &card, args.output.labels())?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &card)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let bom = out.is_file();
            render::csv::scorecard(&mut out, &card, bom)?
        }
        Format::Markdown => {
            render::markdown::scorecard(&mut out, &model, &card, args.output.labels())?
        }
    }
    out.finish()?;
    warn(&card.warnings);
    Ok(SUCCESS)
}
