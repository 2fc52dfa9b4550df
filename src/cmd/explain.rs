//! `spbe explain`: what one indicator is worth and what each of its levels requires, with the
//! evidence (data dukung) the assessors expect; `--level N` shows one step and what it adds.

use anyhow::bail;
use clap::Args;
use serde::Serialize;

use crate::cmd::args::{OutputArgs, SUCCESS};
use crate::core::exact::{self, Decimal};
use crate::core::model::{CriteriaConfidence, Model};
use crate::core::scorecard::{ModelInfo, SCHEMA_VERSION, Tool};
use crate::input::model::DEFAULT_MODEL;
use crate::output::criteria;
use crate::output::document::{Document, Grid, Md};
use crate::output::i18n::{Labels, Lang};

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  spbe explain 16
  spbe explain 16 --level 3
  spbe explain I11 --lang en
  spbe explain 5 --model pemdi-2026 --format json

INDICATOR is an id or a code (16, I16). Levels are cumulative: level N includes every criterion
of the levels below it.")]
pub struct ExplainArgs {
    /// The indicator: its id or code.
    #[arg(value_name = "INDICATOR")]
    pub indicator: String,

    /// Show this level only, with what changes from the level below.
    #[arg(long, value_name = "N")]
    pub level: Option<u8>,

    /// An embedded model's id (see `spbe models`) or a model YAML file.
    #[arg(long, short = 'm', value_name = "NAME|PATH", default_value = DEFAULT_MODEL)]
    pub model: String,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// The JSON contract of `spbe explain --format json` (`schema_version` 1).
#[derive(Debug, Serialize)]
pub struct Explanation {
    pub schema_version: u32,
    pub tool: Tool,
    pub model: ModelInfo,
    pub indicator: IndicatorInfo,
    /// The level asked with `--level`; null when every level is shown.
    pub level: Option<u8>,
    /// Where the criteria come from; null when the model gives none.
    pub source: Option<String>,
    pub note: Option<String>,
    /// The levels shown: all of them, or with `--level N` the level below and N.
    pub levels: Vec<LevelInfo>,
    /// With `--level N`: the evidence items of level N that level N − 1 does not list.
    pub new_evidence: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct IndicatorInfo {
    pub id: String,
    pub code: Option<String>,
    pub name: String,
    pub aspect: Node,
    /// Null in a model with no domain layer.
    pub domain: Option<Node>,
    /// Percent of the whole index, exact.
    pub weight: Decimal,
    /// Index points one level of this indicator is worth (weight / 100), exact.
    pub points_per_level: Decimal,
}

#[derive(Debug, Serialize)]
pub struct Node {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct LevelInfo {
    pub level: u8,
    pub name: String,
    /// What the level requires (the model's language); null when the model gives no criteria.
    pub criteria: Option<String>,
    pub criteria_en: Option<String>,
    pub evidence: Vec<String>,
    pub confidence: Option<CriteriaConfidence>,
    pub source: Option<String>,
}

pub fn run(args: &ExplainArgs) -> anyhow::Result<u8> {
    let model = Model::load(&args.model)?;
    let Some(i) = model.find_indicator(&args.indicator) else {
        bail!(
            "model {} has no indicator {:?}; give an id or a code such as {}",
            model.id,
            args.indicator,
            example_ids(&model)
        );
    };
    if let Some(n) = args.level {
        if !model.levels().contains(&n) {
            bail!(
                "--level {n} is outside model {}'s levels {}..{}",
                model.id,
                model.min_level,
                model.max_level
            );
        }
    }
    let explanation = explain(&model, i, args.level);
    let labels = args.output.labels();
    let mut doc = document(&model, i, &explanation, labels);
    doc.record(&explanation).grid(grid(&explanation));
    args.output.emit(&doc, &[])?;
    Ok(SUCCESS)
}

/// Three ids of the model, for a message.
fn example_ids(model: &Model) -> String {
    let ids: Vec<&str> = model
        .indicators
        .iter()
        .take(3)
        .map(|i| i.id.as_str())
        .collect();
    ids.join(", ")
}

/// What the model says about indicator `i`: every level, or `level` and the one below.
pub fn explain(model: &Model, i: usize, level: Option<u8>) -> Explanation {
    let ind = &model.indicators[i];
    let aspect = &model.aspects[ind.aspect];
    let domain = aspect.domain.map(|d| &model.domains[d]);
    let shown: Vec<u8> = match level {
        Some(n) if n > model.min_level => vec![n - 1, n],
        Some(n) => vec![n],
        None => model.levels().collect(),
    };
    let levels: Vec<LevelInfo> = shown
        .iter()
        .map(|&l| {
            let req = model.requirement(i, l);
            LevelInfo {
                level: l,
                name: model.level_name(i, l).to_string(),
                criteria: req.map(|r| r.criteria.clone()),
                criteria_en: req.and_then(|r| r.criteria_en.clone()),
                evidence: req.map(|r| r.evidence.clone()).unwrap_or_default(),
                confidence: req.map(|r| r.confidence),
                source: req.and_then(|r| r.source.clone()),
            }
        })
        .collect();
    let new_evidence = level.map(|n| {
        let below = (n > model.min_level)
            .then(|| model.requirement(i, n - 1))
            .flatten();
        criteria::new_evidence(model.requirement(i, n), below)
    });
    let reqs = ind.requirements.as_ref();
    Explanation {
        schema_version: SCHEMA_VERSION,
        tool: Tool::this(),
        model: ModelInfo::of(model),
        indicator: IndicatorInfo {
            id: ind.id.clone(),
            code: ind.code.clone(),
            name: ind.name.clone(),
            aspect: Node {
                id: aspect.id.clone(),
                name: aspect.name.clone(),
            },
            domain: domain.map(|d| Node {
                id: d.id.clone(),
                name: d.name.clone(),
            }),
            weight: Decimal::exact(&model.percent(ind.weight)),
            points_per_level: Decimal::exact(&exact::ratio(
                ind.weight as i64,
                model.total_units() as i64,
            )),
        },
        level,
        source: reqs.and_then(|r| r.source.clone()),
        note: reqs.and_then(|r| r.note.clone()),
        levels,
        new_evidence,
    }
}

/// The explanation for people: the indicator, what a level is worth, then each level's criteria
/// and evidence.
fn document<'a>(model: &Model, i: usize, e: &Explanation, l: &Labels) -> Document<'a> {
    let ind = &e.indicator;
    let code = match &ind.code {
        Some(c) if c != &ind.id => format!(" ({c})"),
        _ => String::new(),
    };
    let mut doc = Document::titled(format!(
        "{} {}{code}: {}",
        l.pick("Indicator", "Indikator"),
        ind.id,
        ind.name
    ));
    let mut head = vec![doc.title.clone().unwrap_or_default()];
    let place = match &ind.domain {
        Some(d) => format!(
            "{} {} {} · {} {} {}",
            l.pick("Aspect", "Aspek"),
            ind.aspect.id,
            ind.aspect.name,
            l.pick("domain", "domain"),
            d.id,
            d.name
        ),
        None => format!(
            "{} {} {}",
            l.pick("Aspect", "Aspek"),
            ind.aspect.id,
            ind.aspect.name
        ),
    };
    head.push(place);
    let weight = l.num(model.weight_text(model.indicators[i].weight));
    let points = l.num(ind.points_per_level.as_str());
    head.push(l.pick(
        format!("Weight {weight} % of the index: one level is worth {points} index points"),
        format!("Bobot {weight} % dari indeks: satu level bernilai {points} poin indeks"),
    ));
    doc.lines(head, Md::Omit);
    let mut about = Vec::new();
    if let Some(s) = &e.source {
        about.push(format!("{}: {s}", l.pick("Source", "Sumber")));
    }
    if let Some(n) = &e.note {
        about.push(format!("{}: {n}", l.pick("Note", "Catatan")));
    }
    about.push(
        l.pick(
            "Levels are cumulative: a level includes every criterion of the levels below it.",
            "Level bersifat kumulatif: sebuah level mencakup semua kriteria level di bawahnya.",
        )
        .to_string(),
    );
    if let Some(caution) = model.status.caution(&model.id) {
        about.push(caution);
    }
    doc.lines(about, Md::Lines);
    for info in &e.levels {
        doc.gap();
        let asked = e.level == Some(info.level);
        let heading = if e.level.is_some() && !asked {
            format!(
                "{} {} · {} ({})",
                l.pick("Level", "Level"),
                info.level,
                info.name,
                l.pick("the level below", "level di bawahnya")
            )
        } else {
            format!(
                "{} {} · {}",
                l.pick("Level", "Level"),
                info.level,
                info.name
            )
        };
        doc.line(heading, Md::Strong);
        doc.lines(level_lines(model, info, l), Md::Lines);
    }
    if let (Some(n), Some(new)) = (e.level, &e.new_evidence) {
        doc.gap();
        let points = l.num(ind.points_per_level.as_str());
        let mut lines = vec![l.pick(
            format!("Reaching level {n} adds {points} index points. New evidence at level {n}:"),
            format!(
                "Naik ke level {n} menambah {points} poin indeks. Data dukung baru di level {n}:"
            ),
        )];
        if new.is_empty() {
            lines.push(format!(
                "  {}",
                l.pick(
                    "(none beyond the level below)",
                    "(tidak ada selain yang diminta level di bawahnya)"
                )
            ));
        }
        lines.extend(new.iter().map(|x| format!("  - {x}")));
        doc.lines(lines, Md::Lines);
    }
    doc
}

/// One level's criteria, its confidence when not official, and its evidence, indented.
fn level_lines(model: &Model, info: &LevelInfo, l: &Labels) -> Vec<String> {
    let Some(criteria) = &info.criteria else {
        return vec![format!("  {}", criteria::missing(model, l))];
    };
    let text = match (&info.criteria_en, l.lang) {
        (Some(en), Lang::En) => en,
        _ => criteria,
    };
    let mut lines = vec![format!("  {text}")];
    if let Some(c) = info
        .confidence
        .filter(|c| *c != CriteriaConfidence::Official)
    {
        lines.push(format!("  {}", criteria::confidence_label(c, l)));
    }
    if !info.evidence.is_empty() {
        lines.push(format!(
            "  {}:",
            l.pick("Evidence to prepare", "Data dukung yang disiapkan")
        ));
        lines.extend(info.evidence.iter().map(|x| format!("  - {x}")));
    }
    lines
}

/// `--format csv`: one row per level shown.
fn grid(e: &Explanation) -> Grid {
    let rows = e
        .levels
        .iter()
        .map(|info| {
            vec![
                e.indicator.id.clone(),
                info.level.to_string(),
                info.name.clone(),
                info.criteria.clone().unwrap_or_default(),
                info.criteria_en.clone().unwrap_or_default(),
                info.evidence.join("; "),
                info.confidence.map(|c| c.to_string()).unwrap_or_default(),
                e.indicator.points_per_level.as_str().to_string(),
            ]
        })
        .collect();
    Grid::new(
        &[
            "indicator",
            "level",
            "name",
            "criteria",
            "criteria_en",
            "evidence",
            "confidence",
            "points_per_level",
        ],
        rows,
    )
    .numeric(&[7])
}
