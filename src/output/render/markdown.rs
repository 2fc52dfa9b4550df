//! Markdown: the same sections as the table, for a wiki page or a CI job summary.

use std::io::{self, Write};

use crate::core::model::Model;
use crate::core::scorecard::Scorecard;
use crate::output::i18n::Labels;
use crate::output::render::scorecard_view;

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A Markdown table; `numeric` columns are right-aligned.
pub fn table(header: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "| {} |\n",
        header
            .iter()
            .map(|h| cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    let rule: Vec<&str> = (0..header.len())
        .map(|i| if numeric.contains(&i) { "---:" } else { "---" })
        .collect();
    s.push_str(&format!("| {} |\n", rule.join(" | ")));
    for r in rows {
        s.push_str(&format!(
            "| {} |\n",
            r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
        ));
    }
    s
}

/// A plain grid as Markdown.
pub fn grid(header: &[&str], rows: &[Vec<String>]) -> String {
    table(header, rows, &[])
}

/// The scorecard as Markdown.
pub fn scorecard(
    out: &mut dyn Write,
    model: &Model,
    card: &Scorecard,
    labels: &Labels,
) -> io::Result<()> {
    let view = scorecard_view(model, card, labels);
    writeln!(
        out,
        "# {} {}: {}\n",
        card.model.name, card.index_rounded, card.predicate
    )?;
    for line in &view.heading {
        writeln!(out, "- {}", cell(line))?;
    }
    writeln!(out, "\n**{}**", cell(&view.headline))?;
    for s in &view.sections {
        writeln!(out, "\n## {}\n", s.title)?;
        write!(out, "{}", table(&s.header, &s.rows, &s.numeric))?;
    }
    writeln!(out)?;
    for line in &view.receipt {
        writeln!(out, "{}  ", cell(line.trim_start()))?;
    }
    Ok(())
}
