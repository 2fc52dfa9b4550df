//! What a scorecard shows people, built once: the heading, the headline, the domain, aspect and
//! indicator tables and the receipt, as a [`Document`] for every format (and the pieces the
//! report reuses), plus the rows of its CSV.

use crate::core::model::{Model, short_hash};
use crate::core::scorecard::Scorecard;
use crate::core::value::Value;
use crate::output::document::{Block, Document, Format, Grid, Md, Paint, Table};
use crate::output::i18n::Labels;
// output/compare.rs reads `views::notice`.
pub use crate::output::notices::{notice, notices};

/// What a human-readable scorecard shows, in order.
pub struct ScorecardView {
    /// Lines about the model and inputs.
    pub heading: Vec<String>,
    /// The headline: index and predicate.
    pub headline: String,
    pub sections: Vec<Table>,
    /// The receipt, briefly.
    pub receipt: Vec<String>,
}

/// The owner column: the owners, `*` where `combine` owner fell back, `(none)` with no owner.
pub fn owner_cell(i: &crate::core::scorecard::IndicatorResult) -> String {
    let owners = i.owners.clone().unwrap_or_default();
    let mut text = if owners.is_empty() {
        "(none)".to_string()
    } else {
        owners.join(", ")
    };
    if i.owner_fallback == Some(true) {
        text.push_str(" *");
    }
    text
}

/// The OPD column: each OPD's answer as `Bappeda 3, BPKAD 4`, or the no-answer label where the
/// level was filled in at the lowest.
pub fn opd_levels_cell(i: &crate::core::scorecard::IndicatorResult, l: &Labels) -> String {
    if let Some(e) = &i.external {
        match e.status.as_str() {
            "pending" => {
                return format!(
                    "({} {}, {})",
                    l.pick("pending: value from", "menunggu: nilai dari"),
                    e.index,
                    e.agency
                );
            }
            "converted" => {
                return format!(
                    "({} {}, {})",
                    e.index,
                    e.source_value
                        .as_ref()
                        .map(|v| l.num(v.as_str()))
                        .unwrap_or_default(),
                    l.pick("converted", "dikonversi")
                );
            }
            _ => {}
        }
    }
    if i.filled {
        l.no_answer.to_string()
    } else {
        i.answers
            .iter()
            .map(|a| format!("{} {}", a.opd, a.level))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A domain's row: id, name, weight, rounded index.
pub fn domain_row(d: &crate::core::scorecard::DomainResult) -> Vec<String> {
    vec![
        d.id.clone(),
        d.name.clone(),
        d.weight.to_string(),
        d.index_rounded.to_string(),
    ]
}

/// An aspect's row: id, name, its domain's id when `with_domain`, weight, rounded index.
pub fn aspect_row(a: &crate::core::scorecard::AspectResult, with_domain: bool) -> Vec<String> {
    let mut row = vec![a.id.clone(), a.name.clone()];
    if with_domain {
        row.push(a.domain.clone().unwrap_or_default());
    }
    row.push(a.weight.to_string());
    row.push(a.index_rounded.to_string());
    row
}

/// The indicator table's leading columns, as `spbe score` and `spbe report` both show them: id,
/// name, level, level name, weight, index points, the OPD levels.
pub fn indicator_header(l: &Labels) -> Vec<&'static str> {
    vec![
        l.id,
        l.indicator,
        l.level,
        l.level_name,
        l.weight_pct,
        l.points,
        l.opd_levels,
    ]
}

/// An indicator's cells under [`indicator_header`], its index points with `points_decimals`
/// digits.
pub fn indicator_cells(
    i: &crate::core::scorecard::IndicatorResult,
    points_decimals: u32,
    l: &Labels,
) -> Vec<String> {
    vec![
        i.id.clone(),
        i.name.clone(),
        i.level.to_string(),
        i.level_name.clone().unwrap_or_else(|| "-".into()),
        i.weight.to_string(),
        crate::core::exact::fixed(&i.contribution.value(), points_decimals),
        opd_levels_cell(i, l),
    ]
}

/// The line that says which levels `--set` overrode.
pub fn what_if_line(overrides: &[crate::core::evaluate::Override], l: &Labels) -> String {
    format!(
        "{}: {}",
        l.pick(
            "What-if (--set, not as answered)",
            "Andaian (--set, bukan sesuai jawaban)"
        ),
        overrides
            .iter()
            .map(|o| format!("{} {} -> {}", o.indicator, o.from, o.to))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// `Model: name (id, version v, status)` in the chosen language.
pub fn model_line(card: &Scorecard, l: &Labels) -> String {
    let m = &card.model;
    format!(
        "{}: {} ({}, version {}, {})",
        l.model, m.name, m.id, m.version, m.status
    )
}

/// `Inputs: 8 sheets, 52 answers from 8 OPD; combine: min` in the chosen language.
pub fn inputs_line(card: &Scorecard, l: &Labels) -> String {
    format!(
        "{}: {} {}, {} {} {} OPD; {}: {}",
        l.inputs,
        card.receipt.inputs.len(),
        if card.receipt.inputs.len() == 1 {
            l.sheet
        } else {
            l.sheets
        },
        card.answer_count(),
        l.answers_from,
        card.opd_count(),
        l.combine,
        match card.fallback {
            Some(f) => format!("owner, falling back to {}", f.as_str()),
            None => card.combine.as_str().to_string(),
        }
    )
}

/// Builds the human-readable view of a scorecard, labelled in the chosen language.
pub fn scorecard_view(model: &Model, card: &Scorecard, l: &Labels) -> ScorecardView {
    let mut heading = vec![
        model_line(card, l),
        format!("{}: {}", l.source, card.model.source),
        inputs_line(card, l),
    ];
    if let Some(caution) = card.model.status.caution(&card.model.id) {
        heading.insert(1, caution);
    }
    if let Some(stage) = &card.stage {
        heading.push(if stage == "latest" {
            format!(
                "{}: each indicator from its latest stage present (column {})",
                l.stage, l.stage
            )
        } else {
            format!("{}: {stage} only", l.stage)
        });
    }
    if let Some(year) = card.year {
        heading.push(format!("{}: {year}", l.year));
    }
    if !card.overrides.is_empty() {
        heading.push(what_if_line(&card.overrides, l));
    }
    let exact_note = if card.index_exact {
        l.exact
    } else {
        l.estimate
    };
    let headline = format!(
        "{}: {}  {}  ({} {}; {})",
        l.index,
        l.num(card.index_rounded.as_str()),
        card.predicate,
        exact_note,
        l.num(crate::core::exact::exact_text(&card.index.value(), model.decimals).0),
        l.predicate_basis(card.predicate_basis)
    );

    let mut sections = Vec::new();
    if !card.domains.is_empty() {
        sections.push(
            Table::new(
                l.domains,
                &[l.id, l.domain, l.weight_pct, l.index],
                card.domains.iter().map(domain_row).collect(),
            )
            .numeric(&[2, 3]),
        );
    }
    let with_domain = !card.domains.is_empty();
    sections.push(
        Table::new(
            l.aspects,
            &if with_domain {
                vec![l.id, l.aspect, l.domain, l.weight_pct, l.index]
            } else {
                vec![l.id, l.aspect, l.weight_pct, l.index]
            },
            card.aspects
                .iter()
                .map(|a| aspect_row(a, with_domain))
                .collect(),
        )
        .numeric(if with_domain { &[3, 4] } else { &[2, 3] }),
    );
    let points_decimals = model.weight_decimals() + model.level_decimals + 2;
    let staged = card.indicators.iter().any(|i| i.stage.is_some());
    let with_owners = card.indicators.iter().any(|i| i.owners.is_some());
    let mut header = indicator_header(l);
    if with_owners {
        header.push(l.owner);
    }
    if staged {
        header.push(l.stage);
    }
    sections.push(Table {
        title: l.indicators.into(),
        header: header.iter().map(|h| h.to_string()).collect(),
        empty: None,
        rows: card
            .indicators
            .iter()
            .map(|i| {
                let mut row = indicator_cells(i, points_decimals, l);
                if with_owners {
                    row.push(owner_cell(i));
                }
                if staged {
                    row.push(i.stage.map(|s| s.to_string()).unwrap_or_else(|| "-".into()));
                }
                row
            })
            .collect(),
        numeric: vec![2, 4, 5],
    });

    let r = &card.receipt;
    if let Some(owners) = &r.owners {
        heading.push(format!(
            "{}: {} ({} {})",
            l.owners,
            owners.path,
            owners.rows,
            if owners.rows == 1 { l.row } else { l.rows }
        ));
    }
    let mut receipt = vec![format!(
        "{}: {} {}; model {} {} ({}) sha256 {}; combine {}; predicate basis {}",
        l.receipt,
        r.tool.name,
        r.tool.version,
        r.model.id,
        r.model.version,
        r.model.status,
        short_hash(&r.model.sha256),
        match r.fallback {
            Some(f) => format!("owner (fallback {})", f.as_str()),
            None => r.combine.as_str().to_string(),
        },
        r.predicate_basis.as_str()
    )];
    for f in &r.inputs {
        receipt.push(format!(
            "  {}  sha256 {}  {} {}",
            f.path,
            short_hash(&f.sha256),
            f.rows,
            if f.rows == 1 { l.row } else { l.rows }
        ));
    }
    if let Some(f) = r.fallback {
        if card
            .indicators
            .iter()
            .any(|i| i.owner_fallback == Some(true))
        {
            receipt.push(format!(
                "  * no answer from the owner: combine={} over every answer decided",
                f.as_str()
            ));
        }
    }
    if !r.filled_at_lowest.is_empty() {
        receipt.push(format!(
            "  {}: {}",
            l.filled_at_lowest,
            r.filled_at_lowest.join(", ")
        ));
    }
    if !r.pending_external.is_empty() {
        receipt.push(format!(
            "  {}: {}",
            l.pick(
                "pending, counted 1.00 until another agency's index is known",
                "menunggu, dihitung 1,00 sampai indeks instansi lain diketahui"
            ),
            r.pending_external.join(", ")
        ));
    }
    if !r.external_values.is_empty() {
        receipt.push(format!(
            "  {}: {}",
            l.pick(
                "converted from other agencies' indices",
                "dikonversi dari indeks instansi lain"
            ),
            r.external_values
                .iter()
                .map(|v| format!(
                    "{} {}={} -> {}",
                    v.indicator,
                    v.key,
                    l.num(v.value.as_str()),
                    v.level
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    ScorecardView {
        heading,
        headline,
        sections,
        receipt,
    }
}

/// The scorecard as a document: heading, headline, tables, receipt; its JSON is the scorecard
/// itself and its CSV one row per indicator.
pub fn scorecard<'a>(
    model: &Model,
    card: &'a Scorecard,
    l: &Labels,
    format: Option<Format>,
) -> Document<'a> {
    let mut doc = Document {
        only: format,
        ..Document::default()
    };
    if doc.wants_text() {
        let view = scorecard_view(model, card, l);
        doc.title = Some(format!(
            "{} {}: {}",
            card.model.name,
            l.num(card.index_rounded.as_str()),
            card.predicate
        ));
        doc.lines(view.heading, Md::List).gap();
        let paint = model
            .predicates
            .iter()
            .position(|p| p.name == card.predicate)
            .map(|rank| Paint {
                word: card.predicate.clone(),
                rank,
                bands: model.predicates.len(),
            });
        doc.blocks.push(Block::Headline {
            text: view.headline,
            paint,
        });
        for s in view.sections {
            doc.gap().table(s);
        }
        doc.gap().lines(view.receipt, Md::Lines);
    }
    if doc.wants_grid() {
        doc.grid(scorecard_grid(card));
    }
    doc.record(card);
    doc.warnings = card.warnings.clone();
    doc
}

/// The scorecard's CSV: one row per indicator.
pub fn scorecard_grid(card: &Scorecard) -> Grid {
    let mut header = vec![
        "id",
        "code",
        "name",
        "aspect",
        "domain",
        "weight",
        "level",
        "level_name",
        "contribution",
        "filled",
        "min",
        "max",
        "opds",
    ];
    let staged = card.indicators.iter().any(|i| i.stage.is_some());
    if staged {
        header.push("stage");
    }
    let with_owners = card.indicators.iter().any(|i| i.owners.is_some());
    if with_owners {
        header.extend(["owners", "contributors"]);
    }
    let with_external = card.indicators.iter().any(|i| i.external.is_some());
    if with_external {
        header.extend(["external", "external_value"]);
    }
    let domain_of = |aspect: &str| {
        card.aspects
            .iter()
            .find(|a| a.id == aspect)
            .and_then(|a| a.domain.clone())
            .unwrap_or_default()
    };
    let opt = |v: Option<Value>| v.map(|x| x.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = card
        .indicators
        .iter()
        .map(|i| {
            let mut row = vec![
                i.id.clone(),
                i.code.clone().unwrap_or_default(),
                i.name.clone(),
                i.aspect.clone(),
                domain_of(&i.aspect),
                i.weight.to_string(),
                i.level.to_string(),
                i.level_name.clone().unwrap_or_default(),
                i.contribution.to_string(),
                i.filled.to_string(),
                opt(i.min),
                opt(i.max),
                i.answers
                    .iter()
                    .map(|a| format!("{}={}", a.opd, a.level))
                    .collect::<Vec<_>>()
                    .join("; "),
            ];
            if staged {
                row.push(i.stage.map(|s| s.to_string()).unwrap_or_default());
            }
            if with_owners {
                row.push(i.owners.clone().unwrap_or_default().join("; "));
                row.push(i.contributors.clone().unwrap_or_default().join("; "));
            }
            if with_external {
                let e = i.external.as_ref();
                row.push(e.map(|e| e.status.clone()).unwrap_or_default());
                row.push(
                    e.and_then(|e| e.source_value.as_ref())
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                );
            }
            row
        })
        .collect();
    Grid::new(&header, rows).numeric(&[5, 6, 8, 10, 11])
}
