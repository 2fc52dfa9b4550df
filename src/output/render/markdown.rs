//! Markdown: the same sections as the table, for a wiki page or a CI job summary.

use std::io::{self, Write};

use crate::core::model::Model;
use crate::core::scorecard::Scorecard;
use crate::output::escape;
use crate::output::i18n::Labels;
use crate::output::render::scorecard_view;

/// A table cell or inline text: HTML and Markdown syntax escaped (see
/// [`crate::output::escape::markdown`]).
pub fn cell(text: &str) -> String {
    escape::markdown(text).into_owned()
}

/// A Markdown table; `numeric` columns are right-aligned. Every cell is escaped.
pub fn table(header: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> String {
    table_bold(header, rows, numeric, |_, _| false)
}

/// [`table`], with the cells for which `bold(row, column)` holds in bold.
pub fn table_bold(
    header: &[&str],
    rows: &[Vec<String>],
    numeric: &[usize],
    bold: impl Fn(usize, usize) -> bool,
) -> String {
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
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(j, c)| match cell(c) {
                c if bold(i, j) && !c.is_empty() => format!("**{c}**"),
                c => c,
            })
            .collect();
        s.push_str(&format!("| {} |\n", cells.join(" | ")));
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
        cell(&card.model.name),
        card.index_rounded,
        cell(&card.predicate)
    )?;
    for line in &view.heading {
        writeln!(out, "- {}", escape::markdown_line(line))?;
    }
    writeln!(out, "\n**{}**", cell(&view.headline))?;
    for s in &view.sections {
        writeln!(out, "\n## {}\n", cell(&s.title))?;
        write!(out, "{}", table(&s.header, &s.rows, &s.numeric))?;
    }
    writeln!(out)?;
    for line in &view.receipt {
        writeln!(out, "{}  ", escape::markdown_line(line.trim_start()))?;
    }
    Ok(())
}
