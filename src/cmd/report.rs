//! `spbe report`: the report people read, as one HTML file, an Excel workbook or Markdown.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
use clap::{Args, ValueEnum};

use crate::cmd::args::{InputArgs, PlanArgs, SUCCESS, WhatIfArgs};
use crate::core::consolidate::Combine;
use crate::core::plan;
use crate::core::score::PredicateBasis;
use crate::output::destination::Output;
use crate::output::i18n::Lang;
use crate::output::report::{self, Report, ReportOptions, ReportPlan};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML file (inline CSS and SVG charts, no script); prints on A4.
    Html,
    /// An Excel workbook: Summary, Indicators, Gap, Roadmap and OPD sheets.
    Xlsx,
    /// The same content as Markdown tables.
    Markdown,
}

impl ReportFormat {
    fn name(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Markdown => "markdown",
        }
    }

    /// The format a file name asks for: `.xlsx`, `.md`/`.markdown`, `.html`/`.htm`.
    pub fn from_path(path: &Path) -> Option<ReportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" => Some(ReportFormat::Xlsx),
            "md" | "markdown" => Some(ReportFormat::Markdown),
            "html" | "htm" => Some(ReportFormat::Html),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  spbe report examples/kota-contoh --title \"Pemerintah Kota Contoh\" --target 3 -o laporan.html\n  spbe report examples/kota-contoh --target Baik --lang id -o laporan.xlsx\n  spbe report examples/kota-contoh --target-path 2027=3.0,2028=3.3,2029=3.5 --owners examples/owners-kota-contoh.csv -o rencana.html\n  spbe report examples/kota-contoh --format markdown >> \"$GITHUB_STEP_SUMMARY\""
)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Read the predicate from the exact index (2024 practice) or the rounded one (2023).
    #[arg(long, value_enum, default_value_t = PredicateBasis::Exact)]
    pub predicate_basis: PredicateBasis,

    /// With a target or a path: the gap and the roadmap, the same steps `spbe gap` plans with
    /// the same options, each with the OPD to act.
    #[command(flatten)]
    pub plan: PlanArgs,

    /// The report's title, e.g. the institution's name.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// The date of the data (YYYY-MM-DD); default: the date of the newest input file.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,

    /// Language of the labels; default: Indonesian when LC_ALL, LC_MESSAGES or LANG starts with
    /// `id`, else English.
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,

    /// Output format; default: from the -o file's extension, else html.
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<ReportFormat>,

    /// Write to this file instead of stdout (`-` is stdout). An input is never overwritten.
    /// With `--opd all`: the directory to write one file per OPD into.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,

    /// The pack for one OPD instead of the whole report: the indicators it answers or owns, its
    /// answers against the institution's level, where it disagrees with other OPD, and the
    /// roadmap steps that fall to it with the criteria and evidence of each next level. `all`
    /// writes one file per OPD into the -o directory.
    #[arg(long, value_name = "NAME|all")]
    pub opd: Option<String>,
}

/// The date of the newest input file, or today when every input came from stdin.
fn data_date(inputs: &[crate::core::answers::InputFile]) -> String {
    inputs
        .iter()
        .filter_map(|f| std::fs::metadata(&f.path).ok()?.modified().ok())
        .max()
        .map(report::date_of)
        .unwrap_or_else(|| report::date_of(std::time::SystemTime::now()))
}

pub fn run(args: &ReportArgs) -> anyhow::Result<u8> {
    let named = args
        .output
        .as_deref()
        .filter(|p| p.as_os_str() != "-" && p.extension().is_some());
    let from_name = named.and_then(ReportFormat::from_path);
    if let Some(path) = named {
        // A file name that says one format while another is written misleads whoever opens it.
        match (args.format, from_name) {
            (_, None) => anyhow::bail!(
                "-o {}: a report is .html, .xlsx or .md; name the file with one of those (a PDF: open the HTML in a browser and print it)",
                path.display()
            ),
            (Some(f), Some(g)) if f != g => anyhow::bail!(
                "-o {}: the name says {} but --format asks for {}; make them agree",
                path.display(),
                g.name(),
                f.name()
            ),
            _ => {}
        }
    }
    let format = args.format.or(from_name).unwrap_or(ReportFormat::Html);
    let to_stdout = args.output.as_deref().is_none_or(|p| p.as_os_str() == "-");
    if format == ReportFormat::Xlsx && to_stdout && std::io::stdout().is_terminal() {
        anyhow::bail!(
            "an XLSX workbook is binary and would garble the terminal; write it to a file with -o report.xlsx"
        );
    }
    let date = args.date.as_deref().map(report::parse_date).transpose()?;
    // Check the target, limits and effort file before reading any sheet, so a typo fails fast.
    let model = args.input.load_model()?;
    let request = args.plan.request(&model)?;
    let loaded = args
        .input
        .load_with(model, args.predicate_basis, &WhatIfArgs::default())?;
    let ev = loaded.evaluate()?;
    // The last (or only) target; the plan of `spbe gap` with the same options, except under
    // --combine mean (an estimate between levels: the report says there is no roadmap).
    let target = request.as_ref().map(|r| match &r.goal {
        plan::Goal::Target(t) => t.clone(),
        plan::Goal::Path { milestones, .. } => milestones.last().expect("a year").target.clone(),
    });
    let planned = match request {
        Some(r) if ev.policy.combine != Combine::Mean => Some(r.plan(&ev)?),
        _ => None,
    };
    let options = ReportOptions {
        title: args.title.clone(),
        lang: Lang::or_env(args.lang),
        data_date: date.unwrap_or_else(|| data_date(&loaded.answers.files)),
        target,
        plan: planned.as_ref().map(|p| ReportPlan {
            plan: &p.plan,
            efforts: p.request.efforts.as_ref(),
            limits: &p.request.limits,
            per_year: p.request.per_year,
        }),
    };
    if let Some(name) = &args.opd {
        let steps = planned.as_ref().map(|p| p.plan.steps());
        let opd = crate::core::opd::OpdReport::build(&crate::core::opd::OpdInput {
            ev: &ev,
            roadmap: steps.as_deref(),
        });
        return packs(args, &loaded.model, &opd, name, format, options.lang);
    }
    let model = &loaded.model;
    let report = Report::build(&ev, options);
    let mut warnings = crate::output::notices::notices(&ev.notices, report.labels());
    let mut read = args.input.files();
    read.extend(args.plan.files());
    let mut out = Output::create(args.output.as_deref(), &read)?;
    match format {
        ReportFormat::Html => out.write_all(report::html::render(&report, model).as_bytes())?,
        ReportFormat::Markdown => {
            out.write_all(report::markdown::render(&report, model).as_bytes())?
        }
        ReportFormat::Xlsx => {
            let bytes = report::xlsx::render(&report).context("cannot build the XLSX workbook")?;
            warnings.extend(report::xlsx::cut_cells());
            out.write_all(&bytes)?
        }
    }
    out.finish()?;
    crate::output::term::warn(&warnings);
    Ok(SUCCESS)
}

/// `--opd NAME|all`: one OPD's pack to -o (or stdout), or every OPD's into the -o directory.
fn packs(
    args: &ReportArgs,
    model: &crate::core::model::Model,
    opd: &crate::core::opd::OpdReport,
    name: &str,
    format: ReportFormat,
    lang: Lang,
) -> anyhow::Result<u8> {
    use crate::output::report::pack;
    let title = args
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| crate::output::report::default_title(model, lang.labels()));
    let render = |p: &pack::Pack| -> anyhow::Result<Vec<u8>> {
        Ok(match format {
            ReportFormat::Html => pack::html(p, lang).into_bytes(),
            ReportFormat::Markdown => pack::markdown(p, lang).into_bytes(),
            ReportFormat::Xlsx => pack::xlsx(p, lang).context("cannot build the XLSX workbook")?,
        })
    };
    let mut read = args.input.files();
    read.extend(args.plan.files());
    if name.eq_ignore_ascii_case("all") {
        let Some(dir) = args.output.as_deref().filter(|d| d.as_os_str() != "-") else {
            anyhow::bail!("--opd all writes one file per OPD: name the directory with -o DIR/");
        };
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the directory {}", dir.display()))?;
        let ext = match format {
            ReportFormat::Html => "html",
            ReportFormat::Markdown => "md",
            ReportFormat::Xlsx => "xlsx",
        };
        for row in &opd.opds {
            let p = pack::build(model, opd, row, &title, lang);
            let path = dir.join(format!("{}.{ext}", file_name(&row.opd)));
            let mut out = Output::create(Some(&path), &read)?;
            out.write_all(&render(&p)?)?;
            out.finish()?;
        }
        return Ok(SUCCESS);
    }
    if args.output.as_deref().is_some_and(|p| p.is_dir()) {
        anyhow::bail!(
            "-o names a directory; give a file name, or use --opd all to fill a directory"
        );
    }
    let Some(row) = pack::find(opd, name) else {
        let names: Vec<&str> = opd.opds.iter().map(|r| r.opd.as_str()).collect();
        anyhow::bail!(
            "no OPD {name:?} in the answers; the OPD are: {}",
            names.join(", ")
        );
    };
    let p = pack::build(model, opd, row, &title, lang);
    let mut out = Output::create(args.output.as_deref(), &read)?;
    out.write_all(&render(&p)?)?;
    out.finish()?;
    Ok(SUCCESS)
}

/// An OPD's name as a file name: letters and digits kept, anything else a `-`.
fn file_name(opd: &str) -> String {
    let s: String = opd
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let s = s
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if s.is_empty() { "opd".into() } else { s }
}
