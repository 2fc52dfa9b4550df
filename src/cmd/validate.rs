//! `spbe validate`: checks a model and answer sheets without scoring, and lists every problem
//! (errors) and every doubtful answer (warnings) with its location.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::cmd::args::{ERROR, ReadArgs, SUCCESS};
use crate::core::answers::AnswerSet;
use crate::core::model::Model;
use crate::core::stage::Stage;
use crate::input::model::{DEFAULT_MODEL, ModelError};
use crate::input::sheets::{MAX_PROBLEMS, SheetErrors, SheetProblem, SheetReader};
use crate::output::destination::Output;
use crate::output::document::{self, Document, Format, Md, Style};
use crate::output::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  spbe validate sheets/\n  spbe validate sheets/ --evidence-dir data-dukung/\n  spbe validate --model-only my-model.yaml\n\nExit status: 0 no errors (warnings allowed), 2 at least one error."
)]
pub struct ValidateArgs {
    /// Answer sheets (CSV, TSV, XLSX, XLS, ODS) or folders of them; `-` reads stdin.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// The model the sheets are checked against: an embedded id or a YAML file.
    #[arg(long, short = 'm', value_name = "NAME|PATH", default_value = DEFAULT_MODEL)]
    pub model: String,

    /// Check only this model YAML file (no answer sheets).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["inputs", "model", "evidence_dir"])]
    pub model_only: Option<PathBuf>,

    /// Folder holding the evidence files: warn about evidence that names a file not in it.
    #[arg(long, value_name = "DIR")]
    pub evidence_dir: Option<PathBuf>,

    #[command(flatten)]
    pub read: ReadArgs,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding, in the JSON contract of `spbe validate --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// `file`, `file:line`, `file:line:column` or `file:Sheet!C7`; empty for the whole model.
    pub location: String,
    pub file: Option<String>,
    pub line: Option<u64>,
    /// 1-based column number.
    pub column: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub model: String,
    pub files: usize,
    pub answers: usize,
    pub opds: usize,
    pub errors: usize,
    pub warnings: usize,
    pub findings: Vec<Finding>,
    /// Whether answer sheets were given (the summary then counts them).
    #[serde(skip)]
    pub sheets_given: bool,
}

impl Finding {
    fn sheet(severity: Severity, p: &SheetProblem) -> Finding {
        Finding {
            severity,
            location: p.location(),
            file: Some(p.file.clone()),
            line: (p.line > 0).then_some(p.line),
            column: p.column.as_ref().map(|c| c.0),
            message: p.detail(),
        }
    }

    fn whole(severity: Severity, message: String) -> Finding {
        Finding {
            severity,
            location: String::new(),
            file: None,
            line: None,
            column: None,
            message,
        }
    }

    fn at(severity: Severity, file: &str, line: u64, message: String) -> Finding {
        Finding {
            severity,
            location: format!("{file}:{line}"),
            file: Some(file.to_string()),
            line: Some(line),
            column: None,
            message,
        }
    }
}

fn model_findings(e: &ModelError) -> Vec<Finding> {
    e.problems
        .iter()
        .map(|p| Finding {
            severity: Severity::Error,
            location: match p.line {
                Some(l) => format!("{}:{l}", e.origin),
                None => e.origin.clone(),
            },
            file: Some(e.origin.clone()),
            line: p.line.map(|l| l as u64),
            column: None,
            message: if p.path.is_empty() {
                p.message.clone()
            } else {
                format!("{}: {}", p.path, p.message)
            },
        })
        .collect()
}

pub fn run(args: &ValidateArgs) -> anyhow::Result<u8> {
    let report = check(args)?;
    let mut doc = Document::new();
    doc.lines(text(&report), Md::Lines).record(&report);
    let format = match args.format {
        ValidateFormat::Json => Format::Json,
        ValidateFormat::Text => Format::Table,
    };
    let style = Style {
        lang: Lang::or_env(None),
        color: false,
        delimiter: b',',
        decimal_comma: false,
        bom: false,
    };
    document::emit(&doc, format, &style, Output::create(None, &[])?)?;
    Ok(if report.errors > 0 { ERROR } else { SUCCESS })
}

/// The findings, one per line, and the closing count.
fn text(r: &Report) -> Vec<String> {
    let mut lines: Vec<String> = r
        .findings
        .iter()
        .map(|f| {
            let sev = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            if f.location.is_empty() {
                format!("{sev}: {}", f.message)
            } else {
                format!("{}: {sev}: {}", f.location, f.message)
            }
        })
        .collect();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    lines.push(if !r.sheets_given {
        format!(
            "{}: {}, {}",
            r.model,
            plural(r.errors, "error"),
            plural(r.warnings, "warning")
        )
    } else {
        format!(
            "{}: {} read, {} from {}: {}, {}",
            r.model,
            plural(r.files, "file"),
            plural(r.answers, "answer"),
            plural(r.opds, "OPD"),
            plural(r.errors, "error"),
            plural(r.warnings, "warning"),
        )
    });
    lines
}

/// Runs every check and collects the findings.
pub fn check(args: &ValidateArgs) -> anyhow::Result<Report> {
    let model_name = args
        .model_only
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| args.model.clone());
    let mut report = Report {
        schema_version: 1,
        model: model_name.clone(),
        files: 0,
        answers: 0,
        opds: 0,
        errors: 0,
        warnings: 0,
        findings: Vec::new(),
        sheets_given: args.model_only.is_none() && !args.inputs.is_empty(),
    };
    let model = match Model::load(&model_name) {
        Ok(m) => m,
        Err(e) => {
            report.findings = model_findings(&e);
            return Ok(tally(report));
        }
    };
    report.model = format!("model {} ({} indicators)", model.id, model.indicators.len());
    if args.model_only.is_some() || args.inputs.is_empty() {
        return Ok(tally(report));
    }
    if let Some(dir) = &args.evidence_dir {
        if !dir.is_dir() {
            anyhow::bail!(
                "--evidence-dir {}: no such folder; give the folder that holds the evidence files",
                dir.display()
            );
        }
    }

    let options = args.read.options()?;
    let sources =
        match crate::input::sheets::expand_inputs_with(&args.inputs, options.allow_missing) {
            Ok((s, skipped)) => {
                for w in skipped {
                    report.findings.push(Finding::whole(Severity::Warning, w));
                }
                s
            }
            Err(e) => {
                push_sheet_errors(&mut report, &e);
                return Ok(tally(report));
            }
        };
    let mut reader = SheetReader::new(&model);
    reader.read_sources(&sources, &options);
    let (set, errors) = reader.finish_partial();
    crate::cmd::args::explain_read(&set);
    report.files = set.files.len();
    report.answers = set.answers.len();
    report.opds = set
        .answers
        .iter()
        .map(|a| a.opd)
        .collect::<HashSet<_>>()
        .len();
    push_sheet_errors(&mut report, &errors);
    for w in &set.warnings {
        report
            .findings
            .push(Finding::whole(Severity::Warning, w.clone()));
    }
    report
        .findings
        .extend(answer_warnings(&model, &set, args.evidence_dir.as_deref()));
    Ok(tally(report))
}

fn push_sheet_errors(report: &mut Report, e: &SheetErrors) {
    for p in &e.problems {
        report.findings.push(Finding::sheet(Severity::Error, p));
    }
    if e.more > 0 {
        report.findings.push(Finding::whole(
            Severity::Error,
            format!(
                "… and {} more problems (only the first {MAX_PROBLEMS} are listed)",
                e.more
            ),
        ));
    }
}

fn tally(mut r: Report) -> Report {
    r.errors = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    r.warnings = r.findings.len() - r.errors;
    r
}

/// The doubtful answers: indicators nobody answered, OPDs 2 or more levels apart, levels of 2
/// or more with no evidence, and evidence files missing from the evidence folder.
pub fn answer_warnings(
    model: &Model,
    set: &AnswerSet,
    evidence_dir: Option<&Path>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let w = Severity::Warning;
    let path = |a: &crate::core::answers::Answer| set.files[a.file as usize].path.clone();
    let mut by_indicator = vec![Vec::new(); model.indicators.len()];
    for a in &set.answers {
        by_indicator[a.indicator as usize].push(a);
    }
    for (i, answers) in by_indicator.iter().enumerate() {
        let ind = &model.indicators[i];
        if answers.is_empty() {
            out.push(Finding::whole(
                w,
                format!(
                    "indicator {} ({}) has no answer in any sheet; it will score at the lowest level {}",
                    ind.id, ind.name, model.min_level
                ),
            ));
            continue;
        }
        // Answers are compared within one stage (unstaged ones among themselves): a
        // self-assessment that the assessors' verdict lowered is no disagreement between OPD.
        let mut stages: Vec<Option<Stage>> = answers.iter().map(|a| a.stage).collect();
        stages.sort_unstable();
        stages.dedup();
        for stage in stages {
            let same = || answers.iter().filter(|a| a.stage == stage);
            let lo = same().min_by_key(|a| a.value).expect("not empty");
            let hi = same().max_by_key(|a| a.value).expect("not empty");
            let apart = hi.value - lo.value;
            if apart < model.level_units(2) {
                continue;
            }
            out.push(Finding::at(
                w,
                &path(hi),
                hi.line.into(),
                format!(
                    "OPDs disagree on indicator {}{} by {} levels: {:?} says {} here, {:?} says {} at {}:{}; agree on one level before submitting",
                    ind.id,
                    stage.map(|s| format!(" at stage {s}")).unwrap_or_default(),
                    model.value(apart),
                    set.opds[hi.opd as usize],
                    model.value(hi.value),
                    set.opds[lo.opd as usize],
                    model.value(lo.value),
                    path(lo),
                    lo.line
                ),
            ));
        }
    }
    let files = evidence_dir.map(EvidenceFiles::scan);
    for a in &set.answers {
        let id = &model.indicators[a.indicator as usize].id;
        let items = set.evidence(a).map(evidence_items).unwrap_or_default();
        if a.value >= model.level_units(2) && items.is_empty() {
            out.push(Finding::at(
                w,
                &path(a),
                a.line.into(),
                format!(
                    "indicator {id}: level {} with no evidence; the assessors reject a claim of level 2 or more without data dukung, so list the documents in the evidence column",
                    model.value(a.value)
                ),
            ));
        }
        if let (Some(files), Some(dir)) = (&files, evidence_dir) {
            for item in items.iter().filter(|i| names_a_file(i)) {
                if !files.contains(item) {
                    out.push(Finding::at(
                        w,
                        &path(a),
                        a.line.into(),
                        format!(
                            "indicator {id}: evidence {item:?} is not in {}; add the file or correct its name",
                            dir.display()
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// The items of an evidence cell: separated by `;` or line breaks.
pub fn evidence_items(text: &str) -> Vec<&str> {
    text.split([';', '\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// True when an evidence item looks like a file name (`x.pdf`, `folder/x.png`), not a link or
/// a description.
fn names_a_file(item: &str) -> bool {
    if item.contains("://") || item.starts_with("www.") {
        return false;
    }
    match item.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
                && ext.chars().any(|c| c.is_ascii_alphabetic())
        }
        None => false,
    }
}

/// The files under the evidence folder, by relative path and by bare name (both lower-cased:
/// Windows users do not mind case).
struct EvidenceFiles {
    names: HashSet<String>,
}

impl EvidenceFiles {
    /// Bounded: at most 200 000 entries, 16 levels deep.
    fn scan(dir: &Path) -> EvidenceFiles {
        let mut names = HashSet::new();
        let mut stack = vec![(dir.to_path_buf(), 0usize)];
        let mut seen = 0usize;
        while let Some((d, depth)) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in rd.flatten() {
                seen += 1;
                if seen > 200_000 {
                    return EvidenceFiles { names };
                }
                let p = e.path();
                if p.is_dir() {
                    if depth < 16 {
                        stack.push((p, depth + 1));
                    }
                } else {
                    if let Ok(rel) = p.strip_prefix(dir) {
                        names.insert(rel.to_string_lossy().replace('\\', "/").to_lowercase());
                    }
                    names.insert(e.file_name().to_string_lossy().to_lowercase());
                }
            }
        }
        EvidenceFiles { names }
    }

    fn contains(&self, item: &str) -> bool {
        let key = item.replace('\\', "/").to_lowercase();
        let key = key.trim_start_matches("./");
        self.names.contains(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_split_on_semicolons_and_lines() {
        assert_eq!(
            evidence_items("a.pdf; b.png\r\nc.docx;;\n"),
            vec!["a.pdf", "b.png", "c.docx"]
        );
        assert!(names_a_file("11.b.reviu_arsitektur.pdf"));
        assert!(names_a_file("folder/x.png"));
        assert!(!names_a_file("https://example.go.id/x.pdf"));
        assert!(!names_a_file("SK Walikota No. 12"));
        assert!(!names_a_file("versi 2.0"));
    }
}
