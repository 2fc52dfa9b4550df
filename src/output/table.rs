//! The terminal: text lines and tables drawn with comfy-table, the default human-readable output.

use std::io::Write;

use comfy_table::{CellAlignment, ContentArrangement, presets};

use crate::output::document::{Block, Document, Exporter, Style, Table, localize};
use crate::output::escape::terminal;
use crate::output::term;

/// Writes a document as text and box-drawn tables.
pub struct TableExporter;

impl Exporter for TableExporter {
    fn export(&self, doc: &Document<'_>, style: &Style, out: &mut dyn Write) -> anyhow::Result<()> {
        for block in &doc.blocks {
            match block {
                Block::Text { lines, .. } => {
                    for line in lines {
                        writeln!(out, "{}", terminal(line))?;
                    }
                }
                Block::Headline { text, paint } => {
                    // Escaped first (it holds the model's texts), then the predicate painted.
                    let text = terminal(text).into_owned();
                    let text = match paint {
                        Some(p) if style.color => {
                            let word = terminal(&p.word);
                            let style = term::predicate_style(p.rank, p.bands);
                            text.replacen(&*word, &term::paint(&word, style, true), 1)
                        }
                        _ => text,
                    };
                    writeln!(out, "{text}")?;
                }
                Block::Verdicts(verdicts) => {
                    for (verdict, message) in verdicts {
                        writeln!(out, "{}  {}", terminal(verdict), terminal(message))?;
                    }
                }
                Block::Gap => writeln!(out)?,
                Block::Figure { .. } => {}
                Block::Table(t) => {
                    if !t.title.is_empty() {
                        writeln!(out, "{}", terminal(&t.title))?;
                    }
                    match &t.empty {
                        Some(text) if t.rows.is_empty() => writeln!(out, "{}", terminal(text))?,
                        _ => writeln!(out, "{}", draw(t, style))?,
                    }
                }
            }
        }
        Ok(())
    }
}

/// A table drawn in the project's style: box-drawing characters (ASCII under `--ascii`), fitted
/// to the terminal's width (or `COLUMNS`), long cells wrapped, numbers right-aligned (with a
/// decimal comma in Indonesian), control characters in cells escaped.
pub fn draw(t: &Table, style: &Style) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table
        .load_style(if term::settings().ascii {
            presets::ASCII_FULL_CONDENSED
        } else {
            presets::UTF8_FULL_CONDENSED
        })
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(t.header.iter().map(|h| terminal(h).into_owned()));
    if let Some(width) = term::columns() {
        table.set_width(width);
    } else if !term::fit_to_terminal() {
        // Written to a file: the terminal's width has nothing to do with it.
        table.force_no_tty();
    }
    for row in &t.rows {
        table.add_row(row.iter().enumerate().map(|(c, cell)| {
            if t.numeric.contains(&c) {
                localize(cell, style.lang).into_owned()
            } else {
                terminal(cell).into_owned()
            }
        }));
    }
    for &c in &t.numeric {
        if let Some(col) = table.column_mut(c) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}
