//! Terminal tables (comfy-table): the default, human-readable output.

use std::io::{self, Write};

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

use crate::i18n::Labels;
use crate::model::Model;
use crate::render::{Section, scorecard_view};
use crate::scorecard::Scorecard;

/// A table with the project's style.
pub fn new_table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    t
}

/// A plain grid of cells.
pub fn grid(header: &[&str], rows: &[Vec<String>]) -> Table {
    let mut t = new_table(header);
    for r in rows {
        t.add_row(r.clone());
    }
    t
}

fn section_table(s: &Section) -> Table {
    let mut t = grid(&s.header, &s.rows);
    for &c in &s.numeric {
        if let Some(col) = t.column_mut(c) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

/// The scorecard as text tables.
pub fn scorecard(
    out: &mut dyn Write,
    model: &Model,
    card: &Scorecard,
    labels: &Labels,
) -> io::Result<()> {
    let view = scorecard_view(model, card, labels);
    for line in &view.heading {
        writeln!(out, "{line}")?;
    }
    writeln!(out)?;
    writeln!(out, "{}", view.headline)?;
    for s in &view.sections {
        writeln!(out)?;
        writeln!(out, "{}", s.title)?;
        writeln!(out, "{}", section_table(s))?;
    }
    writeln!(out)?;
    for line in &view.receipt {
        writeln!(out, "{line}")?;
    }
    Ok(())
}
