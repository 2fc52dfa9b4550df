//! The command line: argument groups shared by subcommands, dispatch, and the exit-code contract
//! (0 success, 1 a gate failed, 2 an error; a closed pipe is success).

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::answers::{self, AnswerSet, ReadOptions};
use crate::cmd;
use crate::consolidate::Combine;
use crate::decode::{Delimiter, Encoding};
use crate::model::{DEFAULT_MODEL, Model};
use crate::score::PredicateBasis;
use crate::scorecard::{Options, Scorecard};

/// Everything went as asked.
pub const SUCCESS: u8 = 0;
/// A gate failed (the index is below a threshold, a target cannot be reached).
pub const FAILURE: u8 = 1;
/// Bad arguments, unreadable or invalid input.
pub const ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "spbe",
    version,
    about = "Compute the SPBE e-government maturity index exactly, as Kementerian PANRB does",
    long_about = None,
    after_help = "Exit status: 0 success, 1 a gate failed, 2 an error (bad arguments or input).\n\nExamples:\n  spbe score examples/kota-contoh\n  spbe score answers.csv --format json -o result.json\n  spbe models"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score answer sheets: the index, its predicate, every domain, aspect and indicator.
    Score(cmd::score::ScoreArgs),
    /// List the models embedded in this binary.
    Models(cmd::models::ModelsArgs),
    /// Write a blank answer sheet (CSV or XLSX with a level dropdown) for a model.
    Template(cmd::template::TemplateArgs),
    /// Check a model and answer sheets without scoring: every error and doubtful answer, located.
    Validate(cmd::validate::ValidateArgs),
}

/// The answer sheets and how to read and consolidate them; shared by every command that scores.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Answer sheets (CSV, TSV, XLSX, ODS) or folders of them; `-` reads stdin.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,

    /// An embedded model's id (see `spbe models`) or a model YAML file.
    #[arg(long, short = 'm', value_name = "NAME|PATH", default_value = DEFAULT_MODEL)]
    pub model: String,

    /// How several OPD answers for one indicator become one level.
    #[arg(long, value_enum, default_value_t = Combine::Min)]
    pub combine: Combine,

    /// Treat an indicator nobody answered as an error instead of scoring it at the lowest level.
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub read: ReadArgs,
}

/// How to read answer-sheet files: encoding, delimiter and workbook sheet. Everything is detected
/// unless forced; shared by every command that reads answer sheets.
#[derive(Debug, Clone, Default, Args)]
pub struct ReadArgs {
    /// Force the text encoding of CSV sheets (default: a BOM decides, else UTF-8, falling back to
    /// windows-1252 with a warning).
    #[arg(long, value_enum, default_value_t = Encoding::Auto, value_name = "ENCODING")]
    pub encoding: Encoding,

    /// Force the CSV delimiter: `,` `;` `tab` or one character (default: Excel's `sep=` line,
    /// else detected from the header row).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<Delimiter>,

    /// The sheet to read in XLSX/ODS workbooks (default: the first sheet).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

impl ReadArgs {
    pub fn options(&self) -> ReadOptions {
        ReadOptions {
            encoding: self.encoding,
            delimiter: self.delimiter.map(|d| d.0),
            sheet: self.sheet.clone(),
        }
    }
}

/// Output choice shared by every command that prints results.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Write to this file instead of stdout (`-` is stdout). An input is never overwritten.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Markdown,
}

impl InputArgs {
    /// Loads the model and the answers, and scores them.
    pub fn load(&self) -> anyhow::Result<(Model, AnswerSet)> {
        let model = Model::load(&self.model)?;
        let answers = answers::load_with(&model, &self.inputs, &self.read.options())?;
        Ok((model, answers))
    }

    /// Loads, scores and applies `--strict`.
    pub fn scorecard(&self, basis: PredicateBasis) -> anyhow::Result<(Model, Scorecard)> {
        let (model, answers) = self.load()?;
        let card = Scorecard::build(
            &model,
            &answers,
            Options {
                combine: self.combine,
                basis,
            },
        );
        if self.strict && !card.receipt.filled_at_lowest.is_empty() {
            anyhow::bail!(
                "--strict: {} indicator(s) have no answer in any sheet: {}; answer them or drop --strict",
                card.receipt.filled_at_lowest.len(),
                card.receipt.filled_at_lowest.join(", ")
            );
        }
        Ok((model, card))
    }
}

/// Parses the command line, runs it, and maps the outcome to the exit-code contract.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { ERROR } else { SUCCESS };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match &cli.command {
        Command::Score(args) => cmd::score::run(args),
        Command::Models(args) => cmd::models::run(args),
        Command::Template(args) => cmd::template::run(args),
        Command::Validate(args) => cmd::validate::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::from(SUCCESS),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(ERROR)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Prints warnings to stderr, one per line.
pub fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}
