//! `spbe score`: the index of a set of answer sheets, with every domain, aspect and indicator.

use clap::Args;

use crate::cmd::args::{InputArgs, Loaded, OutputArgs, SUCCESS, WhatIfArgs};
use crate::core::score::PredicateBasis;
use crate::core::scorecard::Scorecard;
use crate::output::{notices, views};

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  spbe score examples/kota-contoh\n  spbe score sheets/*.csv --combine median --format json -o result.json\n  spbe score answers/2024 --year 2024 --stage akhir --format json -o results/2024.json\n  spbe score examples/kota-contoh --set 11=3 --set 12=3   # what if both reach level 3"
)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Read the predicate from the exact index (2024 practice) or the rounded one (2023).
    #[arg(long, value_enum, default_value_t = PredicateBasis::Exact)]
    pub predicate_basis: PredicateBasis,

    /// The evaluation year, recorded in the JSON result (`year`) for `spbe trend`.
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(u16).range(2000..=2100))]
    pub year: Option<u16>,

    #[command(flatten)]
    pub what_if: WhatIfArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: &ScoreArgs) -> anyhow::Result<u8> {
    let loaded = args.input.load(args.predicate_basis, &args.what_if)?;
    let l = args.output.labels();
    let (mut card, warnings) = {
        let ev = loaded.evaluate()?;
        (Scorecard::of(&ev), notices::notices(&ev.notices, l))
    };
    // The record holds all that is shown: the answers go before the output is built (a million
    // of them are 20 MB).
    let Loaded { model, answers, .. } = loaded;
    drop(answers);
    card.year = args.year;
    let mut doc = views::scorecard(&model, &card, l, Some(args.output.format));
    doc.warnings = warnings;
    args.output.emit(&doc, &args.input.files())?;
    // The process ends next: freeing a scorecard of a million answers one name at a time
    // (~2.5 ms) would only delay the exit.
    std::mem::forget(doc);
    std::mem::forget(card);
    Ok(SUCCESS)
}
