//! The command line: argument groups shared by subcommands, dispatch, and the exit-code contract
//! (0 success, 1 a gate failed, 2 an error; a closed pipe is success).

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::answers::{self, AnswerSet};
use crate::cmd;
use crate::consolidate::Combine;
use crate::model::{DEFAULT_MODEL, Model};
use crate::owners::OwnerMap;
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
    /// Per OPD: what it answered or owns, its own index, the points it could still add;
    /// disagreements between OPD; missing owners.
    Opd(cmd::opd::OpdArgs),
}

/// The answer sheets and how to read and consolidate them; shared by every command that scores.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Answer sheets (CSV) or folders of them; `-` reads stdin.
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

    /// A responsibility map (CSV or YAML rows `indicator,opd[,role]`, role owner|contributor):
    /// reports name each indicator's owner, and `--combine owner` takes the owner's answer.
    #[arg(long, value_name = "FILE")]
    pub owners: Option<PathBuf>,

    /// With `--combine owner`: the policy used where the owner did not answer [default: min].
    #[arg(long, value_enum, value_name = "POLICY")]
    pub fallback: Option<Combine>,
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
        let answers = answers::load(&model, &self.inputs)?;
        Ok((model, answers))
    }

    /// Every file this command reads (answer sheets and the responsibility map): an output
    /// must not overwrite any of them.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files = self.inputs.clone();
        files.extend(self.owners.clone());
        files
    }

    /// Checks `--combine owner`, `--owners` and `--fallback` together and reads the map.
    /// Returns the map (if any) and the fallback policy.
    pub fn load_owners(&self, model: &Model) -> anyhow::Result<(Option<OwnerMap>, Combine)> {
        match (self.combine, self.fallback) {
            (_, Some(Combine::Owner)) => anyhow::bail!(
                "--fallback owner makes no sense: the fallback decides where the owner did not answer; use min, max, median or mean"
            ),
            (Combine::Owner, _) if self.owners.is_none() => anyhow::bail!(
                "--combine owner needs a responsibility map: add --owners FILE (rows indicator,opd,role)"
            ),
            (c, Some(_)) if c != Combine::Owner => anyhow::bail!(
                "--fallback only applies with --combine owner; drop it or add --combine owner"
            ),
            _ => {}
        }
        let Some(path) = &self.owners else {
            return Ok((None, Combine::Min));
        };
        // A map inside a sheet folder would be read as an answer sheet too.
        if let (Some(dir), Ok(_)) = (path.parent(), std::fs::metadata(path)) {
            let dir = std::fs::canonicalize(if dir.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                dir
            });
            let is_csv = path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("csv"));
            for input in &self.inputs {
                if is_csv
                    && input.is_dir()
                    && std::fs::canonicalize(input).ok() == dir.as_ref().ok().cloned()
                {
                    anyhow::bail!(
                        "the responsibility map {} is inside the sheet folder {}, which reads every *.csv in it as an answer sheet; move the map out of the folder",
                        path.display(),
                        input.display()
                    );
                }
            }
        }
        let map = OwnerMap::load(model, path)?;
        Ok((Some(map), self.fallback.unwrap_or(Combine::Min)))
    }

    /// Loads, scores and applies `--strict`.
    pub fn scorecard(&self, basis: PredicateBasis) -> anyhow::Result<(Model, Scorecard)> {
        let (model, card, _, _) = self.scorecard_with_answers(basis)?;
        Ok((model, card))
    }

    /// [`InputArgs::scorecard`], also returning the answers and the responsibility map.
    #[allow(clippy::type_complexity)]
    pub fn scorecard_with_answers(
        &self,
        basis: PredicateBasis,
    ) -> anyhow::Result<(Model, Scorecard, AnswerSet, Option<OwnerMap>)> {
        let model = Model::load(&self.model)?;
        let (owners, fallback) = self.load_owners(&model)?;
        let answers = answers::load(&model, &self.inputs)?;
        let card = Scorecard::build_with_owners(
            &model,
            &answers,
            Options {
                combine: self.combine,
                basis,
            },
            owners.as_ref(),
            fallback,
        );
        if self.strict && !card.receipt.filled_at_lowest.is_empty() {
            anyhow::bail!(
                "--strict: {} indicator(s) have no answer in any sheet: {}; answer them or drop --strict",
                card.receipt.filled_at_lowest.len(),
                card.receipt.filled_at_lowest.join(", ")
            );
        }
        Ok((model, card, answers, owners))
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
        Command::Opd(args) => cmd::opd::run(args),
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
