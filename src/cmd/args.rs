//! The command line: the argument groups shared by subcommands, the exit codes (0 success, 1 a
//! gate failed, 2 an error) and dispatch; `main.rs` maps the outcome to the process exit code.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::cmd;
use crate::core::answers::AnswerSet;
use crate::core::consolidate::Combine;
use crate::core::effort::Efforts;
use crate::core::evaluate::{Evaluation, Policy, evaluate};
use crate::core::external::{self, SourceValue};
use crate::core::model::Model;
use crate::core::owners::OwnerMap;
use crate::core::plan;
use crate::core::score::PredicateBasis;
use crate::core::stage::Stage;
use crate::input::columns::{self, ColumnName, StageColumn};
use crate::input::decode::{Delimiter, Encoding};
use crate::input::model::DEFAULT_MODEL;
use crate::input::sheets::{self, ReadOptions};
use crate::output::destination::Output;
pub use crate::output::document::Format;
use crate::output::document::{self, Document, Style};
use crate::output::i18n::{Labels, Lang};
use crate::output::term::{self, ColorChoice, Settings};

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
    after_help = "Exit status: 0 success, 1 a gate failed (check, or an unreachable gap target), 2 an error (bad arguments or input).\n\nExamples:\n  spbe score examples/kota-contoh\n  spbe score answers.csv --format json -o result.json\n  spbe gap examples/kota-contoh --target 3 --max-level 4\n  spbe check answers/ --fail-under 3 --baseline last-year.json\n  spbe opd examples/kota-contoh --owners examples/owners-kota-contoh.csv\n  spbe models"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to colour terminal output; NO_COLOR is honoured under `auto`. JSON, CSV and
    /// Markdown are never coloured.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, global = true, help_heading = "Global options")]
    pub color: ColorChoice,

    /// Draw tables with ASCII characters instead of box-drawing characters (old consoles).
    #[arg(long, global = true, help_heading = "Global options")]
    pub ascii: bool,

    /// Silence warnings (errors are still printed).
    #[arg(
        long,
        short = 'q',
        global = true,
        conflicts_with = "verbose",
        help_heading = "Global options"
    )]
    pub quiet: bool,

    /// Explain what the tool does on stderr: files read, model used, combine policy.
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count, help_heading = "Global options")]
    pub verbose: u8,
}

impl Cli {
    /// The global settings these flags ask for.
    pub fn settings(&self) -> Settings {
        Settings {
            color: self.color,
            ascii: self.ascii,
            quiet: self.quiet,
            verbose: self.verbose,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score answer sheets: the index, its predicate, every domain, aspect and indicator.
    Score(cmd::score::ScoreArgs),
    /// List the models embedded in this binary.
    Models(cmd::models::ModelsArgs),
    /// The gap to a target index and the cheapest roadmap of level steps that reaches it.
    Gap(cmd::gap::GapArgs),
    /// CI gates: fail (exit 1) when the index is below a line or fell since a baseline.
    Check(cmd::check::CheckArgs),
    /// Compare two results (e.g. last year and this year), or two stages with --stages.
    Diff(cmd::diff::DiffArgs),
    /// Many institutions side by side: ranks overall and per category, statistics per
    /// category, one institution among its peers.
    Compare(cmd::compare::CompareArgs),
    /// The index year by year, model changes marked, against the plan's yearly targets.
    Trend(cmd::trend::TrendArgs),
    /// Per OPD: what it answered or owns, its own index, the points it could still add;
    /// disagreements between OPD; missing owners.
    Opd(cmd::opd::OpdArgs),
    /// Create a starter folder for an evaluation: model copy, answer-sheet templates, README, CI.
    Init(cmd::init::InitArgs),
    /// Print the JSON Schema of the model YAML format (for editors and CI checks).
    Schema(cmd::schema::SchemaArgs),
    /// Print a shell completion script.
    Completions(cmd::completions::CompletionsArgs),
    /// Print the man page (roff) of spbe or of one subcommand.
    Man(cmd::man::ManArgs),
    /// A report people read: HTML with charts, an Excel workbook, or Markdown.
    Report(cmd::report::ReportArgs),
    /// Write a blank answer sheet (CSV or XLSX with a level dropdown) for a model.
    Template(cmd::template::TemplateArgs),
    /// Check a model and answer sheets without scoring: every error and doubtful answer, located.
    Validate(cmd::validate::ValidateArgs),
    /// Evidence items by indicator, level and status, and the level they support: a simulation
    /// of the self-assessment, not an official value.
    Evidence(cmd::evidence::EvidenceArgs),
    /// A baseline answer sheet for one model (Pemdi 2026) from another's answers (SPBE 2020) by
    /// a mapping file; each row says where its value came from.
    Crosswalk(cmd::crosswalk::CrosswalkArgs),
    /// An indicator's weight and each level's criteria and evidence (data dukung).
    Explain(cmd::explain::ExplainArgs),
}

/// The answer sheets and how to read and consolidate them; shared by every command that scores.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Answer sheets (CSV, TSV, XLSX, XLS, ODS) or folders of them; `-` reads stdin.
    #[arg(value_name = "INPUT", required = true, value_hint = clap::ValueHint::AnyPath)]
    pub inputs: Vec<PathBuf>,

    /// An embedded model's id (see `spbe models`) or a model YAML file.
    #[arg(long, short = 'm', value_name = "NAME|PATH", default_value = DEFAULT_MODEL)]
    pub model: String,

    /// How several OPD answers for one indicator become one level.
    #[arg(long, value_enum, default_value_t = Combine::Min)]
    pub combine: Combine,

    /// Treat as errors what is otherwise a warning: an indicator nobody answered (scored at the
    /// lowest level), a sheet with no answers yet, a sheet sent again under a revised name.
    #[arg(long)]
    pub strict: bool,

    /// Score only this assessment stage (mandiri, dokumen, interviu, visitasi, akhir; or self,
    /// document, interview, visit, final). Default: each indicator from its latest stage present.
    #[arg(long, value_name = "STAGE", value_parser = parse_stage)]
    pub stage: Option<Stage>,

    /// A responsibility map (CSV or YAML rows `indicator,opd[,role]`, role owner|contributor):
    /// reports name each indicator's owner, and `--combine owner` takes the owner's answer.
    #[arg(long, value_name = "FILE")]
    pub owners: Option<PathBuf>,

    /// With `--combine owner`: the policy used where the owner did not answer [default: min].
    #[arg(long, value_enum, value_name = "POLICY")]
    pub fallback: Option<Combine>,

    /// The value of another agency's index for an indicator valued from it (repeatable), e.g.
    /// `--external SDI=55.2` (Pemdi 2026: SDI, SJIG, IPS, SDI-INTEROP; or the indicator's id):
    /// converted to a level by the model's bands, with a warning. Without it such an indicator
    /// counts at the lowest level, as pending.
    #[arg(long = "external", value_name = "KEY=VALUE")]
    pub external: Vec<String>,

    #[command(flatten)]
    pub read: ReadArgs,
}

fn parse_stage(text: &str) -> Result<Stage, String> {
    text.parse()
}

/// What-if levels (`spbe score`, `spbe gap`).
#[derive(Debug, Clone, Default, Args)]
pub struct WhatIfArgs {
    /// What if indicator ID had LEVEL: replaces its consolidated level (repeatable), e.g.
    /// `--set 11=3 --set 12=3`. The output lists every level overridden.
    #[arg(long = "set", value_name = "ID=LEVEL")]
    pub set: Vec<String>,
}

impl WhatIfArgs {
    /// The `--set` values as `(indicator position, value in the model's units)`, checked
    /// against the model.
    pub fn overrides(&self, model: &Model) -> anyhow::Result<Vec<(usize, u16)>> {
        let mut out: Vec<(usize, u16)> = Vec::new();
        for text in &self.set {
            let Some((id, level)) = text.split_once('=') else {
                anyhow::bail!("--set {text:?}: write ID=LEVEL, e.g. --set 11=3");
            };
            let Some(i) = model.find_indicator(id) else {
                anyhow::bail!(
                    "--set {text:?}: the model {} has no indicator {:?}; see the IDs in `spbe score` output",
                    model.id,
                    id.trim()
                );
            };
            let level = sheets::parse_level(model, i, level)
                .map_err(|e| anyhow::anyhow!("--set {text:?}: {e}"))?;
            if out.iter().any(|&(j, _)| j == i) {
                anyhow::bail!(
                    "--set {text:?}: indicator {} is set twice; keep one --set per indicator",
                    model.indicators[i].id
                );
            }
            out.push((i, level));
        }
        Ok(out)
    }
}

/// How to read answer-sheet files: encoding, delimiter, workbook sheet, header row and column
/// names. Everything is detected unless forced; shared by every command that reads answer sheets.
#[derive(Debug, Clone, Default, Args)]
pub struct ReadArgs {
    /// Force the text encoding of CSV sheets (default: a BOM decides, else UTF-8, falling back to
    /// windows-1252 with a warning).
    #[arg(long, value_enum, default_value_t = Encoding::Auto, value_name = "ENCODING")]
    pub encoding: Encoding,

    /// Force the delimiter of CSV answer sheets: `,` `;` `tab` or one character (default:
    /// Excel's `sep=` line, else detected from the header row).
    #[arg(long, value_name = "CHAR")]
    pub input_delimiter: Option<Delimiter>,

    /// The sheet to read in XLSX/XLS/ODS workbooks (default: the first sheet with a header row;
    /// instruction and cover sheets are skipped).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// Read an input folder even when an entry with a sheet's name cannot be read (a broken or
    /// looping link): a warning names it instead of an error.
    #[arg(long)]
    pub allow_missing: bool,

    /// The header row: its line in a CSV file or its row number in Excel (default: the first of
    /// the first 30 rows that has the indicator and level columns; title rows above it are
    /// skipped).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub header_row: Option<u64>,

    /// The sheet's own name for a column, e.g. `--column indicator=indikator_no` (repeatable).
    /// Roles: indicator, level, opd, evidence, note, stage. Names are matched ignoring case and
    /// the spaces, `_`, `-` and `.` between words.
    #[arg(long = "column", value_name = "ROLE=HEADER", value_parser = parse_column)]
    pub columns: Vec<ColumnName>,

    /// A column holding each row's level at one stage, e.g. `--stage-column mandiri=level_mandiri
    /// --stage-column akhir=level_final` (repeatable): each row gives one answer per stage; an
    /// empty cell is no answer for that stage.
    #[arg(long = "stage-column", value_name = "STAGE=HEADER", value_parser = parse_stage_column)]
    pub stage_columns: Vec<StageColumn>,
}

fn parse_column(text: &str) -> Result<ColumnName, String> {
    text.parse()
}

fn parse_stage_column(text: &str) -> Result<StageColumn, String> {
    text.parse()
}

impl ReadArgs {
    /// The reading options, with `--column` and `--stage-column` checked together.
    pub fn options(&self) -> anyhow::Result<ReadOptions> {
        columns::check_columns(&self.columns, &self.stage_columns).map_err(anyhow::Error::msg)?;
        Ok(ReadOptions {
            encoding: self.encoding,
            delimiter: self.input_delimiter.map(|d| d.0),
            sheet: self.sheet.clone(),
            allow_missing: self.allow_missing,
            header_row: self.header_row,
            columns: self.columns.clone(),
            stage_columns: self.stage_columns.clone(),
            strict: false,
        })
    }
}

/// Says with `-v` what was read: workbook sheets, title rows, resent files, each file's rows.
pub fn explain_read(answers: &AnswerSet) {
    for note in &answers.notes {
        term::verbose(note.clone());
    }
    for f in &answers.files {
        term::verbose(format!(
            "read {}: {} answer row{}, sha256 {}",
            f.path,
            f.rows,
            if f.rows == 1 { "" } else { "s" },
            f.sha256
        ));
    }
}

/// Output choice shared by every command that prints results.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Write to this file instead of stdout (`-` is stdout). An input is never overwritten.
    #[arg(long, short = 'o', value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,

    /// Language of what people read (tables and Markdown); `id` also writes their numbers with a
    /// decimal comma. JSON and CSV keep English field names and plain numbers. Default:
    /// Indonesian when LC_ALL, LC_MESSAGES or LANG starts with `id`, else English.
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,

    /// The field delimiter of CSV output: `,` (default) `;` `tab` or one character. Indonesian
    /// Excel splits a double-clicked file on `;`.
    #[arg(long, value_name = "CHAR", default_value = ",")]
    pub delimiter: Delimiter,

    /// Write the numbers of CSV output with a decimal comma (`2,764`), as Indonesian Excel reads
    /// numbers.
    #[arg(long)]
    pub decimal_comma: bool,
}

impl OutputArgs {
    /// The language chosen (or the environment's).
    pub fn lang(&self) -> Lang {
        Lang::or_env(self.lang)
    }

    /// The labels in the chosen (or the environment's) language.
    pub fn labels(&self) -> &'static Labels {
        self.lang().labels()
    }

    /// Writes the document in the chosen format to the destination (never one of `inputs`),
    /// then prints its warnings: the one place every command's output goes through.
    pub fn emit(&self, doc: &Document<'_>, inputs: &[PathBuf]) -> anyhow::Result<()> {
        let out = Output::create(self.output.as_deref(), inputs)?;
        let style = Style {
            lang: self.lang(),
            color: term::color_for(!out.is_file() && std::io::stdout().is_terminal()),
            delimiter: self.delimiter.0,
            decimal_comma: self.decimal_comma,
            bom: out.is_file(),
        };
        document::emit(doc, self.format, &style, out)
    }
}

impl InputArgs {
    /// Loads the model named by `--model` (and says which with `-v`).
    pub fn load_model(&self) -> anyhow::Result<Model> {
        self.loaded_model(Model::load(&self.model)?)
    }

    /// Says with `-v` which model was loaded.
    fn loaded_model(&self, model: Model) -> anyhow::Result<Model> {
        term::verbose(format!(
            "model {} ({} version {}, {}) from {}, sha256 {}",
            model.id, model.name, model.version, model.status, model.origin, model.sha256
        ));
        Ok(model)
    }

    /// Reads the answer sheets (and says what was read with `-v`).
    pub fn load_answers(&self, model: &Model) -> anyhow::Result<AnswerSet> {
        let options = ReadOptions {
            strict: self.strict,
            ..self.read.options()?
        };
        let answers = sheets::load_with(model, &self.inputs, &options)?;
        explain_read(&answers);
        term::verbose(format!(
            "{} answers from {} OPD; combine {}: {}",
            answers.answers.len(),
            answers.opds.len(),
            self.combine.as_str(),
            combine_explained(self.combine)
        ));
        Ok(answers)
    }

    /// The `--external KEY=VALUE` values, checked against the model.
    pub fn external_values(&self, model: &Model) -> anyhow::Result<Vec<SourceValue>> {
        self.external
            .iter()
            .map(|text| {
                external::parse(model, text)
                    .map_err(|e| anyhow::anyhow!("--external {text:?}: {e}"))
            })
            .collect()
    }

    /// Every file this command reads (answer sheets and the responsibility map): an output
    /// must not overwrite any of them.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files = self.inputs.clone();
        files.extend(self.owners.clone());
        // `--model` names an embedded model or a file; a file must not be overwritten either.
        files.push(PathBuf::from(&self.model));
        files
    }

    /// Checks `--combine owner`, `--owners` and `--fallback` together and reads the map.
    /// Returns the map (if any) and the fallback policy.
    pub fn load_owners(&self, model: &Model) -> anyhow::Result<(Option<OwnerMap>, Combine)> {
        check_owner_flags(self.combine, self.fallback, self.owners.is_some())?;
        let Some(path) = &self.owners else {
            return Ok((None, Combine::Min));
        };
        side_file_outside(path, "the responsibility map", &self.inputs)?;
        let map = OwnerMap::load(model, path)?;
        Ok((Some(map), self.fallback.unwrap_or(Combine::Min)))
    }

    /// Loads the model, the responsibility map and the answers, and checks the what-if levels
    /// against the model: everything [`Loaded::evaluate`] needs. For commands that show no level
    /// criteria (`score`, `check`, `crosswalk`): an embedded model is read without them
    /// ([`Model::load_without_criteria`]); the others load the model with
    /// [`InputArgs::load_model`] and call [`InputArgs::load_with`].
    pub fn load(&self, basis: PredicateBasis, what_if: &WhatIfArgs) -> anyhow::Result<Loaded> {
        let model = self.loaded_model(Model::load_without_criteria(&self.model)?)?;
        self.load_with(model, basis, what_if)
    }

    /// [`InputArgs::load`] with the model already loaded (a command that checks flags against
    /// the model before reading any sheet).
    pub fn load_with(
        &self,
        model: Model,
        basis: PredicateBasis,
        what_if: &WhatIfArgs,
    ) -> anyhow::Result<Loaded> {
        let (owners, fallback) = self.load_owners(&model)?;
        let external = self.external_values(&model)?;
        let answers = self.load_answers(&model)?;
        let overrides = what_if.overrides(&model)?;
        Ok(Loaded {
            model,
            answers,
            owners,
            overrides,
            external,
            combine: self.combine,
            fallback,
            basis,
            stage: self.stage,
            strict: self.strict,
        })
    }
}

/// A side file (a responsibility map) inside a sheet folder given as an input would be read as
/// an answer sheet too: an error saying to move it.
pub fn side_file_outside(
    path: &std::path::Path,
    what: &str,
    inputs: &[PathBuf],
) -> anyhow::Result<()> {
    let (Some(dir), Ok(_)) = (path.parent(), std::fs::metadata(path)) else {
        return Ok(());
    };
    let dir = std::fs::canonicalize(if dir.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        dir
    });
    let is_csv = path
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("csv"));
    for input in inputs {
        if is_csv
            && input.is_dir()
            && std::fs::canonicalize(input).ok() == dir.as_ref().ok().cloned()
        {
            anyhow::bail!(
                "{what} {} is inside the sheet folder {}, which reads every *.csv in it as an answer sheet; move it out of the folder",
                path.display(),
                input.display()
            );
        }
    }
    Ok(())
}

/// Checks `--combine owner`, `--owners` (given or not) and `--fallback` together.
pub fn check_owner_flags(
    combine: Combine,
    fallback: Option<Combine>,
    owners: bool,
) -> anyhow::Result<()> {
    match (combine, fallback) {
        (_, Some(Combine::Owner)) => anyhow::bail!(
            "--fallback owner makes no sense: the fallback decides where the owner did not answer; use min, max, median or mean"
        ),
        (Combine::Owner, _) if !owners => anyhow::bail!(
            "--combine owner needs a responsibility map: add --owners FILE (rows indicator,opd,role)"
        ),
        (c, Some(_)) if c != Combine::Owner => anyhow::bail!(
            "--fallback only applies with --combine owner; drop it or add --combine owner"
        ),
        _ => Ok(()),
    }
}

/// What a command evaluates: the model, the answers, the side files and the policy flags.
#[derive(Debug)]
pub struct Loaded {
    pub model: Model,
    pub answers: AnswerSet,
    pub owners: Option<OwnerMap>,
    pub overrides: Vec<(usize, u16)>,
    pub external: Vec<SourceValue>,
    pub combine: Combine,
    pub fallback: Combine,
    pub basis: PredicateBasis,
    pub stage: Option<Stage>,
    pub strict: bool,
}

impl Loaded {
    /// The policy the flags ask for.
    pub fn policy(&self) -> Policy<'_> {
        Policy {
            combine: self.combine,
            fallback: self.fallback,
            basis: self.basis,
            stage: self.stage,
            owners: self.owners.as_ref(),
            overrides: &self.overrides,
            external: &self.external,
        }
    }

    /// Runs the one evaluation pipeline and applies `--strict`.
    pub fn evaluate(&self) -> anyhow::Result<Evaluation<'_>> {
        let ev = evaluate(&self.model, &self.answers, self.policy())?;
        if self.strict {
            let filled = ev.filled_ids();
            if !filled.is_empty() {
                anyhow::bail!(
                    "--strict: {} indicator(s) have no answer in any sheet: {}; answer them or drop --strict",
                    filled.len(),
                    filled.join(", ")
                );
            }
        }
        Ok(ev)
    }
}

/// What a combine policy does, for `-v`.
fn combine_explained(c: Combine) -> &'static str {
    match c {
        Combine::Min => "an indicator takes the lowest level any OPD gave",
        Combine::Max => "an indicator takes the highest level any OPD gave",
        Combine::Median => {
            "an indicator takes the middle OPD level (the lower middle one for an even count)"
        }
        Combine::Mean => {
            "an indicator takes the exact mean of the OPD levels (an estimate: the ministry scores whole levels)"
        }
        Combine::Owner => {
            "an indicator takes its owner's level (--owners), the fallback policy where the owner did not answer"
        }
    }
}

/// Runs the command the line asked for.
pub fn dispatch(command: &Command) -> anyhow::Result<u8> {
    match command {
        Command::Score(args) => cmd::score::run(args),
        Command::Models(args) => cmd::models::run(args),
        Command::Gap(args) => cmd::gap::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Diff(args) => cmd::diff::run(args),
        Command::Compare(args) => cmd::compare::run(args),
        Command::Trend(args) => cmd::trend::run(args),
        Command::Opd(args) => cmd::opd::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Schema(args) => cmd::schema::run(args),
        Command::Completions(args) => cmd::completions::run(args),
        Command::Man(args) => cmd::man::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Template(args) => cmd::template::run(args),
        Command::Validate(args) => cmd::validate::run(args),
        Command::Evidence(args) => cmd::evidence::run(args),
        Command::Crosswalk(args) => cmd::crosswalk::run(args),
        Command::Explain(args) => cmd::explain::run(args),
    }
}

/// What to plan and under which limits: one group for `gap`, `opd` and `report`, so the same
/// flags give the same steps in every command (the one planner is [`plan::plan`]).
#[derive(Debug, Clone, Default, Args)]
pub struct PlanArgs {
    /// The index to reach: a number (3, 3.5, 3,5) or a predicate name (Baik).
    #[arg(
        long,
        short = 't',
        value_name = "INDEX|PREDICATE",
        help_heading = "Planning"
    )]
    pub target: Option<String>,

    /// Reach this predicate band: its lower bound becomes the target, e.g. "Sangat Baik".
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "target",
        help_heading = "Planning"
    )]
    pub target_predicate: Option<String>,

    /// Yearly targets, e.g. 2027=3.0,2028=3.3,2029=3.5 (a target may be a predicate name): the
    /// steps to take before each year's evaluation, at most --per-year levels per indicator a
    /// year. The first year is the next evaluation; a year left out has no target of its own.
    #[arg(
        long,
        value_name = "YEAR=INDEX,...",
        conflicts_with_all = ["target", "target_predicate"],
        help_heading = "Planning"
    )]
    pub target_path: Vec<String>,

    /// At most N levels per indicator per yearly evaluation (level 4 needs a review, level 5 its
    /// follow-up a year later). Binds a --target-path; with --target, says how many evaluation
    /// years the plan needs at this pace.
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "Planning")]
    pub per_year: u8,

    /// Price the steps from a YAML or CSV file (per indicator and/or level reached) and find the
    /// least total effort; without it every step costs 1 (the fewest steps).
    #[arg(long, value_name = "FILE", help_heading = "Planning")]
    pub effort: Option<PathBuf>,

    /// Plan no step above this level (e.g. 4: level 5 needs a year after the level-4 review).
    #[arg(long, value_name = "N", help_heading = "Planning")]
    pub max_level: Option<u8>,

    /// Never raise these indicators (comma-separated IDs).
    #[arg(
        long,
        value_name = "ID,...",
        value_delimiter = ',',
        help_heading = "Planning"
    )]
    pub exclude: Vec<String>,

    /// Raise only these indicators (comma-separated IDs).
    #[arg(
        long,
        value_name = "ID,...",
        value_delimiter = ',',
        help_heading = "Planning"
    )]
    pub only: Vec<String>,
}

/// What [`PlanArgs`] asks for, read and checked against the model before any sheet is read.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub goal: plan::Goal,
    /// The band named by `--target-predicate`.
    pub target_predicate: Option<String>,
    pub limits: plan::Limits,
    pub efforts: Option<Efforts>,
    pub effort_file: Option<PathBuf>,
    pub per_year: u8,
}

/// The plan made, with what was asked.
#[derive(Debug, Clone)]
pub struct Planned {
    pub request: PlanRequest,
    pub plan: plan::Plan,
}

impl PlanArgs {
    /// True when a target or a path was given.
    pub fn wanted(&self) -> bool {
        self.target.is_some() || self.target_predicate.is_some() || !self.target_path.is_empty()
    }

    /// The files this group reads (an output must not overwrite them).
    pub fn files(&self) -> Vec<PathBuf> {
        self.effort.iter().cloned().collect()
    }

    /// Reads the target (or the path), the limits and the effort file; `None` without a target.
    pub fn request(&self, model: &Model) -> anyhow::Result<Option<PlanRequest>> {
        if !self.wanted() {
            return Ok(None);
        }
        let per_year = self.per_year;
        let span = model.max_level.saturating_sub(model.min_level).max(1);
        if per_year == 0 || per_year > span {
            anyhow::bail!(
                "--per-year {per_year}: write how many levels an indicator may rise in one year, from 1 to {span}"
            );
        }
        let (goal, target_predicate) = if let Some(name) = &self.target_predicate {
            let p = model.predicate_named(name).ok_or_else(|| {
                anyhow::anyhow!(
                    "--target-predicate {name:?}: the model {} has the predicates {}",
                    model.id,
                    model.predicate_names()
                )
            })?;
            (plan::Goal::Target(p.min.clone()), Some(p.name.clone()))
        } else if let Some(text) = &self.target {
            let t = plan::parse_target(model, "--target", text).map_err(anyhow::Error::msg)?;
            (plan::Goal::Target(t), None)
        } else {
            let milestones = target_path(model, &self.target_path)?;
            (
                plan::Goal::Path {
                    milestones,
                    per_year,
                },
                None,
            )
        };
        let limits = plan::Limits {
            max_level: self.max_level,
            exclude: indicator_set(model, &self.exclude, "--exclude")?,
            only: indicator_set(model, &self.only, "--only")?,
        };
        if let Some(n) = self.max_level
            && !model.levels().contains(&n)
        {
            anyhow::bail!(
                "--max-level {n}: the model {} has levels {} to {}",
                model.id,
                model.min_level,
                model.max_level
            );
        }
        let efforts = match &self.effort {
            Some(path) => Some(Efforts::load(model, path)?),
            None => None,
        };
        Ok(Some(PlanRequest {
            goal,
            target_predicate,
            limits,
            efforts,
            effort_file: self.effort.clone(),
            per_year,
        }))
    }
}

impl PlanRequest {
    /// The one planner on an evaluation: the same steps for the same input in every command.
    pub fn plan(self, ev: &Evaluation<'_>) -> anyhow::Result<Planned> {
        if ev.policy.combine == Combine::Mean {
            anyhow::bail!(
                "a plan takes level steps, and --combine mean gives an estimate between levels; plan with --combine min, max or median"
            );
        }
        let plan = plan::plan(
            ev.model,
            &ev.levels,
            &self.goal,
            ev.policy.basis,
            &self.limits,
            self.efforts.as_ref(),
        )?;
        Ok(Planned {
            request: self,
            plan,
        })
    }
}

/// Reads `--target-path` values: `YEAR=TARGET` items separated by commas (or `;`), each target
/// an index (`3.0`, or with a decimal comma `3,0`) or a predicate name; years ascending.
pub fn target_path(model: &Model, values: &[String]) -> anyhow::Result<Vec<plan::Milestone>> {
    let mut out: Vec<plan::Milestone> = Vec::new();
    for value in values {
        for item in path_items(value) {
            let Some((y, t)) = item.split_once('=') else {
                anyhow::bail!(
                    "--target-path: {item:?} is not YEAR=INDEX; write e.g. --target-path 2027=3.0,2028=3.3,2029=3.5"
                );
            };
            let year: i32 = match y.trim().parse() {
                Ok(y) if (2000..=2100).contains(&y) => y,
                _ => anyhow::bail!(
                    "--target-path: {:?} is not a year; write e.g. --target-path 2027=3.0,2028=3.3",
                    y.trim()
                ),
            };
            let target = plan::parse_target(model, &format!("--target-path {year}"), t)
                .map_err(anyhow::Error::msg)?;
            if let Some(last) = out.last()
                && last.year >= year
            {
                anyhow::bail!(
                    "--target-path: {year} comes after {}; list each year once, in ascending order",
                    last.year
                );
            }
            out.push(plan::Milestone { year, target });
        }
    }
    let (Some(first), Some(last)) = (out.first(), out.last()) else {
        anyhow::bail!("--target-path: no year given; write e.g. --target-path 2027=3.0,2028=3.3");
    };
    if last.year - first.year >= MAX_PATH_YEARS {
        anyhow::bail!(
            "--target-path: {} to {} is more than {MAX_PATH_YEARS} evaluations; plan at most {MAX_PATH_YEARS} years at once (an RPJMD is five)",
            first.year,
            last.year
        );
    }
    Ok(out)
}

/// The most evaluation years one path may span.
const MAX_PATH_YEARS: i32 = 10;

/// The items of one `--target-path` value: split at `,` or `;` where a new `YEAR=` begins, so a
/// decimal comma stays inside its target (`2027=3,0,2028=3,3`).
fn path_items(value: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut start = 0;
    let bytes = value.as_bytes();
    for (k, &b) in bytes.iter().enumerate() {
        if b == b',' || b == b';' {
            let rest = value[k + 1..].trim_start();
            let next_is_year = rest.len() > 4
                && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                && rest[4..].trim_start().starts_with('=');
            if b == b';' || next_is_year {
                items.push(value[start..k].trim());
                start = k + 1;
            }
        }
    }
    items.push(value[start..].trim());
    items.into_iter().filter(|i| !i.is_empty()).collect()
}

/// Resolves comma-separated indicator IDs.
fn indicator_set(model: &Model, ids: &[String], flag: &str) -> anyhow::Result<Vec<usize>> {
    ids.iter()
        .filter(|id| !id.trim().is_empty())
        .map(|id| {
            model.find_indicator(id).ok_or_else(|| {
                anyhow::anyhow!(
                    "{flag}: the model {} has no indicator {:?}; list indicator IDs such as 11,12",
                    model.id,
                    id.trim()
                )
            })
        })
        .collect()
}

// The core's choices are plain enums; their command-line names and help live here, so the core
// never depends on clap.
impl ValueEnum for Combine {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            Combine::Min,
            Combine::Max,
            Combine::Median,
            Combine::Mean,
            Combine::Owner,
        ]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let help = match self {
            Combine::Min => "The level every answering OPD has reached (the default)",
            Combine::Max => "The highest level any OPD claims",
            Combine::Median => {
                "The middle answer; with an even count, the lower of the two middle ones"
            }
            Combine::Mean => {
                "The exact average: an estimate, since the ministry scores whole levels"
            }
            Combine::Owner => {
                "The owner's answer from the responsibility map (`--owners FILE`); where the owner did not answer, the `--fallback` policy (default min)"
            }
        };
        Some(clap::builder::PossibleValue::new(self.as_str()).help(help))
    }
}

impl ValueEnum for PredicateBasis {
    fn value_variants<'a>() -> &'a [Self] {
        &[PredicateBasis::Exact, PredicateBasis::Rounded]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}
