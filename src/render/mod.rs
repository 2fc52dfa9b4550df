//! Renderers: a scorecard (or any grid) as a terminal table, Markdown or CSV. JSON is the
//! scorecard's own serde form. Table and Markdown share the same sections, built once here.

pub mod csv;
pub mod markdown;
pub mod report;
pub mod table;

use crate::model::Model;
use crate::scorecard::Scorecard;

/// A titled grid of text cells.
pub struct Section {
    pub title: String,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// Columns that hold numbers (right-aligned).
    pub numeric: Vec<usize>,
}

/// What a human-readable scorecard shows, in order.
pub struct ScorecardView {
    /// Lines about the model and inputs.
    pub heading: Vec<String>,
    /// The headline: index and predicate.
    pub headline: String,
    pub sections: Vec<Section>,
    /// The receipt, briefly.
    pub receipt: Vec<String>,
}

/// The owner column: the owners, `*` where `combine` owner fell back, `(none)` with no owner.
pub fn owner_cell(i: &crate::scorecard::IndicatorResult) -> String {
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

fn short_hash(h: &str) -> &str {
    &h[..h.len().min(12)]
}

/// The line that says which levels `--set` overrode.
pub fn what_if_line(overrides: &[crate::scorecard::Override]) -> String {
    format!(
        "What-if (--set, not as answered): {}",
        overrides
            .iter()
            .map(|o| format!("{} {} -> {}", o.indicator, o.from, o.to))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Builds the human-readable view of a scorecard.
pub fn scorecard_view(model: &Model, card: &Scorecard) -> ScorecardView {
    let mut heading = vec![
        format!(
            "Model: {} ({}, version {}, {})",
            card.model.name, card.model.id, card.model.version, card.model.status
        ),
        format!("Source: {}", card.model.source),
        format!(
            "Inputs: {} sheet{}, {} answers from {} OPD; combine: {}",
            card.receipt.inputs.len(),
            if card.receipt.inputs.len() == 1 {
                ""
            } else {
                "s"
            },
            card.answer_count(),
            card.opd_count(),
            match card.fallback {
                Some(f) => format!("owner, falling back to {}", f.as_str()),
                None => card.combine.as_str().to_string(),
            }
        ),
    ];
    if let Some(caution) = card.model.status.caution(&card.model.id) {
        heading.insert(1, caution);
    }
    if let Some(stage) = &card.stage {
        heading.push(if stage == "latest" {
            "Stage: each indicator from its latest stage present (column Stage)".to_string()
        } else {
            format!("Stage: {stage} only")
        });
    }
    if let Some(year) = card.year {
        heading.push(format!("Year: {year}"));
    }
    if !card.overrides.is_empty() {
        heading.push(what_if_line(&card.overrides));
    }
    let exact_note = if card.index_exact {
        "exact"
    } else {
        "estimate"
    };
    let headline = format!(
        "Index: {}  {}  ({} {}; predicate from the {} index)",
        card.index_rounded,
        card.predicate,
        exact_note,
        crate::exact::exact_text(&card.index.value(), model.decimals).0,
        card.predicate_basis.as_str()
    );

    let mut sections = Vec::new();
    if !card.domains.is_empty() {
        sections.push(Section {
            title: "Domains".into(),
            header: vec!["ID", "Domain", "Weight %", "Index"],
            rows: card
                .domains
                .iter()
                .map(|d| {
                    vec![
                        d.id.clone(),
                        d.name.clone(),
                        d.weight.to_string(),
                        d.index_rounded.to_string(),
                    ]
                })
                .collect(),
            numeric: vec![2, 3],
        });
    }
    let with_domain = !card.domains.is_empty();
    sections.push(Section {
        title: "Aspects".into(),
        header: if with_domain {
            vec!["ID", "Aspect", "Domain", "Weight %", "Index"]
        } else {
            vec!["ID", "Aspect", "Weight %", "Index"]
        },
        rows: card
            .aspects
            .iter()
            .map(|a| {
                let mut row = vec![a.id.clone(), a.name.clone()];
                if with_domain {
                    row.push(a.domain.clone().unwrap_or_default());
                }
                row.push(a.weight.to_string());
                row.push(a.index_rounded.to_string());
                row
            })
            .collect(),
        numeric: if with_domain { vec![3, 4] } else { vec![2, 3] },
    });
    let points_decimals = model.weight_decimals() + 2;
    let staged = card.indicators.iter().any(|i| i.stage.is_some());
    let with_owners = card.indicators.iter().any(|i| i.owners.is_some());
    let mut header = vec![
        "ID",
        "Indicator",
        "Level",
        "Level name",
        "Weight %",
        "Points",
        "OPD (level)",
    ];
    if with_owners {
        header.push("Owner");
    }
    let mut indicators = Section {
        title: "Indicators".into(),
        header,
        rows: card
            .indicators
            .iter()
            .map(|i| {
                let opds = if i.filled {
                    "(no answer)".to_string()
                } else {
                    i.answers
                        .iter()
                        .map(|a| format!("{} {}", a.opd, a.level))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let mut row = vec![
                    i.id.clone(),
                    i.name.clone(),
                    i.level.to_string(),
                    i.level_name.clone().unwrap_or_else(|| "-".into()),
                    i.weight.to_string(),
                    crate::exact::fixed(&i.contribution.value(), points_decimals),
                    opds,
                ];
                if with_owners {
                    row.push(owner_cell(i));
                }
                row
            })
            .collect(),
        numeric: vec![2, 4, 5],
    };
    if staged {
        indicators.header.push("Stage");
        for (row, i) in indicators.rows.iter_mut().zip(&card.indicators) {
            row.push(i.stage.map(|s| s.to_string()).unwrap_or_else(|| "-".into()));
        }
    }
    sections.push(indicators);

    let r = &card.receipt;
    if let Some(owners) = &r.owners {
        heading.push(format!(
            "Owners: {} ({} row{})",
            owners.path,
            owners.rows,
            if owners.rows == 1 { "" } else { "s" }
        ));
    }
    let mut receipt = vec![format!(
        "Receipt: {} {}; model {} {} ({}) sha256 {}; combine {}; predicate basis {}",
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
            "  {}  sha256 {}  {} row{}",
            f.path,
            short_hash(&f.sha256),
            f.rows,
            if f.rows == 1 { "" } else { "s" }
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
            "  filled at the lowest level (no answer): {}",
            r.filled_at_lowest.join(", ")
        ));
    }
    ScorecardView {
        heading,
        headline,
        sections,
        receipt,
    }
}
