//! `spbe check`: CI gates on the index. One verdict line per gate and a summary; the exit code
//! is derived from the same verdicts, so the two can never disagree.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use serde::Serialize;

use crate::cmd::args::{FAILURE, InputArgs, OutputArgs, SUCCESS, WhatIfArgs};
use crate::core::exact::{self, Decimal, Exact};
use crate::core::model::Model;
use crate::core::score::PredicateBasis;
use crate::core::scorecard::{ModelInfo, SCHEMA_VERSION, Scorecard, Tool};
use crate::output::document::{Block, Document, Grid};
use crate::output::i18n::{Labels, Lang};
use crate::output::notices;

#[derive(Debug, Clone, Args)]
#[command(after_help = "\
Examples:
  spbe check examples/kota-contoh --fail-under 2.6 --warn-under 3
  spbe check sheets/ --min-predicate Baik --baseline last-year.json --tolerance 0.05

Gates compare the exact index. Exit status: 0 every gate passed (warnings allowed), 1 a gate
failed, 2 an error (bad arguments or input).")]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Fail when the exact index is below X.
    #[arg(long, value_name = "X")]
    pub fail_under: Option<String>,

    /// Fail when the predicate is below this band, e.g. "Baik".
    #[arg(long, value_name = "NAME")]
    pub min_predicate: Option<String>,

    /// A result saved earlier by `spbe score --format json` (e.g. last year's): fail when the
    /// index or any domain fell by more than --tolerance.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// How far the index or a domain may fall below the baseline, in index points.
    #[arg(long, value_name = "T", default_value = "0", requires = "baseline")]
    pub tolerance: String,

    /// Warn (without failing) when the exact index is below X.
    #[arg(long, value_name = "X")]
    pub warn_under: Option<String>,

    /// Read the predicate from the exact index (2024 practice) or the rounded one (2023).
    #[arg(long, value_enum, default_value_t = PredicateBasis::Exact)]
    pub predicate_basis: PredicateBasis,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GateResult {
    /// The option that set the gate: "fail-under", "min-predicate", "baseline", "warn-under".
    pub gate: &'static str,
    pub verdict: Verdict,
    pub message: String,
    /// The message in Indonesian, for people (`--lang id`); JSON keeps the English one.
    #[serde(skip)]
    pub pesan: String,
    /// For a failed baseline gate: what fell by more than the tolerance. Absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fell: Vec<Fall>,
}

/// The index or one domain that fell below the baseline by more than the tolerance.
#[derive(Debug, Clone, Serialize)]
pub struct Fall {
    /// "index", or the domain's id.
    pub id: String,
    pub before: Decimal,
    pub after: Decimal,
    /// after − before (negative).
    pub change: Decimal,
}

/// The JSON contract of `spbe check --format json` (`schema_version` 1).
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub schema_version: u32,
    pub tool: Tool,
    pub model: ModelInfo,
    pub index: Decimal,
    pub index_rounded: Decimal,
    pub predicate: String,
    pub predicate_basis: PredicateBasis,
    /// True when no gate failed; the exit code is 0 exactly when this is true.
    pub passed: bool,
    pub failed: usize,
    pub warned: usize,
    pub gates: Vec<GateResult>,
    pub summary: String,
    /// The summary in Indonesian, for people (`--lang id`).
    #[serde(skip)]
    pub ringkasan: String,
    pub warnings: Vec<String>,
}

pub fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    if args.fail_under.is_none()
        && args.min_predicate.is_none()
        && args.baseline.is_none()
        && args.warn_under.is_none()
    {
        bail!(
            "spbe check needs at least one gate: --fail-under X, --min-predicate NAME, --baseline FILE or --warn-under X"
        );
    }
    let loaded = args
        .input
        .load(args.predicate_basis, &WhatIfArgs::default())?;
    let model = &loaded.model;
    let ev = loaded.evaluate()?;
    let card = Scorecard::of(&ev);
    let baseline = match &args.baseline {
        Some(path) => Some(read_baseline(path)?),
        None => None,
    };
    let report = evaluate(model, &card, args, baseline.as_ref())?;

    let mut read = args.input.files();
    read.extend(args.baseline.clone());
    let l = args.output.labels();
    let mut doc = document(&report, l);
    // The evaluation's notices in the chosen language, then what the gates found.
    doc.warnings = notices::notices(&ev.notices, l);
    doc.warnings
        .extend(report.warnings[ev.warnings.len()..].iter().cloned());
    args.output.emit(&doc, &read)?;
    Ok(exit_code(&report))
}

/// The verdicts as a document: one line per gate and the summary; its CSV one row per gate.
fn document<'a>(report: &'a CheckReport, l: &Labels) -> Document<'a> {
    let mut doc = Document::new();
    let say = |g: &GateResult| l.pick(&g.message, &g.pesan).clone();
    doc.blocks.push(Block::Verdicts(
        report
            .gates
            .iter()
            .map(|g| (g.verdict.label().to_string(), say(g)))
            .collect(),
    ));
    doc.blocks.push(Block::Headline {
        text: l.pick(&report.summary, &report.ringkasan).clone(),
        paint: None,
    });
    let rows = report
        .gates
        .iter()
        .map(|g| {
            vec![
                g.gate.to_string(),
                g.verdict.label().to_string(),
                g.message.clone(),
            ]
        })
        .collect();
    doc.record(report)
        .grid(Grid::new(&["gate", "verdict", "message"], rows));
    doc.warnings = report.warnings.clone();
    doc
}

/// The exit code of a report: 1 exactly when a gate failed.
pub fn exit_code(report: &CheckReport) -> u8 {
    if report.passed { SUCCESS } else { FAILURE }
}

/// Reads a scorecard written by `spbe score --format json` (the same reader as `spbe diff`).
pub fn read_baseline(path: &std::path::Path) -> anyhow::Result<Scorecard> {
    crate::input::result::read_json(path)
}

/// A line the index is compared with: a number within the model's level range, so that a typo
/// (`--fail-under 30`) is an argument error (exit 2), not a failed gate (exit 1).
fn index_line(model: &Model, text: &str, flag: &str) -> anyhow::Result<Exact> {
    let x = threshold(text, flag)?;
    let (lo, hi) = (model.min_level, model.max_level);
    if x > exact::int(hi as i64) {
        bail!(
            "{flag} {text}: the model {} has indices from {lo} to {hi}; write a line in that range",
            model.id
        );
    }
    Ok(x)
}

/// The `fail-under` or `warn-under` gate: the verdict `below` when the exact index is under the
/// line `text`, a pass otherwise.
fn index_gate(
    model: &Model,
    card: &Scorecard,
    gate: &'static str,
    text: &str,
    below: Verdict,
) -> anyhow::Result<GateResult> {
    let x = index_line(model, text, &format!("--{gate}"))?;
    let xt = exact::exact_text(&x, model.decimals).0;
    let verdict = if card.index.value() < x {
        below
    } else {
        Verdict::Pass
    };
    let (message, pesan) = both(|l| {
        let relation = match verdict {
            Verdict::Pass => l.pick("is at least", "tidak kurang dari"),
            _ => l.pick("is below", "di bawah"),
        };
        let aside = match verdict {
            Verdict::Warn => l.pick(
                " (a warning, not a failure)",
                " (peringatan, bukan kegagalan)",
            ),
            _ => "",
        };
        format!(
            "{gate} {x}: {} {} ({}) {relation} {x}{aside}",
            l.pick("the index", "indeks"),
            l.num(card.index.as_str()),
            l.num(card.index_rounded.as_str()),
            x = l.num(&xt),
        )
    });
    Ok(GateResult {
        gate,
        verdict,
        fell: Vec::new(),
        message,
        pesan,
    })
}

fn threshold(text: &str, flag: &str) -> anyhow::Result<Exact> {
    let x = exact::parse_decimal(text)
        .with_context(|| format!("{flag} {text:?}: write an index such as 2.6 or 3"))?;
    if x < exact::int(0) {
        bail!("{flag} {text}: the value is negative; write 0 or more");
    }
    Ok(x)
}

/// A sentence written once with [`Labels::pick`] and [`Labels::num`], said in English (what
/// JSON and CSV carry) and in Indonesian (for `--lang id`).
fn both(say: impl Fn(&Labels) -> String) -> (String, String) {
    (say(Lang::En.labels()), say(Lang::Id.labels()))
}

/// Signed exact text: `+0.12`, `-0.3`, `0`.
fn signed(x: &Exact) -> String {
    let t = exact::exact_text(x, 0).0;
    if *x > exact::int(0) {
        format!("+{t}")
    } else {
        t
    }
}

/// Runs every gate given. Pure apart from reading `args`.
pub fn evaluate(
    model: &Model,
    card: &Scorecard,
    args: &CheckArgs,
    baseline: Option<&Scorecard>,
) -> anyhow::Result<CheckReport> {
    let mut gates = Vec::new();
    let mut warnings = card.warnings.clone();

    if let Some(text) = &args.fail_under {
        gates.push(index_gate(model, card, "fail-under", text, Verdict::Fail)?);
    }

    if let Some(name) = &args.min_predicate {
        let rank = |n: &str| model.predicates.iter().position(|p| p.name == n);
        let want = model.predicate_named(name).with_context(|| {
            format!(
                "--min-predicate {name:?}: the model {} has the predicates {}",
                model.id,
                model.predicate_names()
            )
        })?;
        let have = rank(&card.predicate).unwrap_or(0);
        let need = rank(&want.name).unwrap_or(0);
        let basis = card.predicate_basis.as_str();
        let verdict = if have < need {
            Verdict::Fail
        } else {
            Verdict::Pass
        };
        let (message, pesan) = both(|l| {
            let basis = l.pick(
                format!("{basis} basis"),
                format!(
                    "dasar {}",
                    if basis == "exact" {
                        "tepat"
                    } else {
                        "dibulatkan"
                    }
                ),
            );
            let below = match verdict {
                Verdict::Fail => format!(", {} {}", l.pick("below", "di bawah"), want.name),
                _ => String::new(),
            };
            format!(
                "min-predicate {}: {} {} ({} {}, {basis}){below}",
                want.name,
                l.pick("the predicate is", "predikatnya"),
                card.predicate,
                l.pick("index", "indeks"),
                l.num(card.index.as_str()),
            )
        });
        gates.push(GateResult {
            gate: "min-predicate",
            verdict,
            fell: Vec::new(),
            message,
            pesan,
        });
    }

    if let Some(base) = baseline {
        let tol = threshold(&args.tolerance, "--tolerance")?;
        let tol_text = exact::exact_text(&tol, 0).0;
        let name = args
            .baseline
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        // Domains of different models share ids (D1..) but not meaning: as in `spbe diff`, only
        // the overall index is compared across models.
        let same_model = base.model.id == card.model.id;
        if !same_model {
            warnings.push(format!(
                "the baseline {name} was scored with the model {}, this result with {}; only the overall index is compared",
                base.model.id, card.model.id
            ));
        }
        // (what, before, after) for everything compared.
        let mut compared: Vec<(String, String, Exact, Exact)> = vec![(
            "index".into(),
            "index".into(),
            base.index.value(),
            card.index.value(),
        )];
        let mut missing = Vec::new();
        for bd in base.domains.iter().filter(|_| same_model) {
            match card.domains.iter().find(|d| d.id == bd.id) {
                Some(d) => compared.push((
                    d.id.clone(),
                    format!("domain {} {}", d.id, d.name),
                    bd.index.value(),
                    d.index.value(),
                )),
                None => missing.push(bd.id.clone()),
            }
        }
        let falls: Vec<&(String, String, Exact, Exact)> = compared
            .iter()
            .filter(|(_, _, before, after)| before - after > tol)
            .collect();
        // What fell, one item each: `domain D2 Tata Kelola SPBE 2.80 -> 2.50 (-0.3)`.
        let fell = |l: &Labels| -> Vec<String> {
            falls
                .iter()
                .map(|(id, what, before, after)| {
                    format!(
                        "{} {} -> {} ({})",
                        match id.as_str() {
                            "index" => l.pick("index", "indeks").to_string(),
                            _ => l.pick(what.clone(), format!("domain {id}")),
                        },
                        l.num(exact::exact_text(before, model.decimals).0),
                        l.num(exact::exact_text(after, model.decimals).0),
                        l.num(signed(&(after - before)))
                    )
                })
                .collect()
        };
        if !missing.is_empty() {
            warnings.push(format!(
                "the baseline {name} has domains this result lacks, not compared: {}",
                missing.join(", ")
            ));
        }
        let (b, a) = (&compared[0].2, &compared[0].3);
        let head = |l: &Labels| {
            format!(
                "baseline {name} ({} {})",
                l.pick("tolerance", "toleransi"),
                l.num(&tol_text)
            )
        };
        gates.push(if falls.is_empty() {
            let (message, pesan) = both(|l| {
                let domains = compared.len() - 1;
                format!(
                    "{}: {} {} -> {} ({}); {} {} ({} {})",
                    head(l),
                    l.pick("index", "indeks"),
                    l.num(base.index.as_str()),
                    l.num(card.index.as_str()),
                    l.num(signed(&(a - b))),
                    l.pick(
                        "nothing fell by more than",
                        "tidak ada yang turun lebih dari"
                    ),
                    l.num(&tol_text),
                    match domains {
                        0 => l.pick("the index", "indeks").to_string(),
                        n => l.pick(
                            format!("the index and {n} domains"),
                            format!("indeks dan {n} domain"),
                        ),
                    },
                    l.pick("compared", "dibandingkan"),
                )
            });
            GateResult {
                gate: "baseline",
                verdict: Verdict::Pass,
                fell: Vec::new(),
                message,
                pesan,
            }
        } else {
            let (message, pesan) = both(|l| {
                format!(
                    "{}: {} {}: {}",
                    head(l),
                    l.pick("fell by more than", "turun lebih dari"),
                    l.num(&tol_text),
                    fell(l).join("; ")
                )
            });
            GateResult {
                gate: "baseline",
                verdict: Verdict::Fail,
                fell: falls
                    .iter()
                    .map(|(id, _, before, after)| Fall {
                        id: id.clone(),
                        before: Decimal::exact(before),
                        after: Decimal::exact(after),
                        change: Decimal::exact(&(after - before)),
                    })
                    .collect(),
                message,
                pesan,
            }
        });
    }

    if let Some(text) = &args.warn_under {
        gates.push(index_gate(model, card, "warn-under", text, Verdict::Warn)?);
    }

    let failed = gates.iter().filter(|g| g.verdict == Verdict::Fail).count();
    let warned = gates.iter().filter(|g| g.verdict == Verdict::Warn).count();
    let names: Vec<&str> = gates
        .iter()
        .filter(|g| g.verdict == Verdict::Fail)
        .map(|g| g.gate)
        .collect();
    let (summary, ringkasan) = both(|l| {
        let n = gates.len();
        let count = |n: usize, one: &str, many: &str, kata: &str| {
            l.pick(
                format!("{n} {}", if n == 1 { one } else { many }),
                format!("{n} {kata}"),
            )
        };
        let warned = match warned {
            0 => String::new(),
            w => format!(", {}", count(w, "warning", "warnings", "peringatan")),
        };
        match failed {
            0 => format!(
                "{}: {}, {}{warned}",
                l.pick("check passed", "pemeriksaan lulus"),
                count(n, "gate", "gates", "gerbang"),
                l.pick("none failed", "tidak ada yang gagal"),
            ),
            _ => format!(
                "{}: {failed} {} {} {} ({}){warned}",
                l.pick("check failed", "pemeriksaan gagal"),
                l.pick("of", "dari"),
                count(n, "gate", "gates", "gerbang"),
                l.pick("failed", "gagal"),
                names.join(", "),
            ),
        }
    });
    Ok(CheckReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool::this(),
        model: ModelInfo::of(model),
        index: card.index.clone(),
        index_rounded: card.index_rounded.clone(),
        predicate: card.predicate.clone(),
        predicate_basis: card.predicate_basis,
        passed: failed == 0,
        failed,
        warned,
        gates,
        summary,
        ringkasan,
        warnings,
    })
}
