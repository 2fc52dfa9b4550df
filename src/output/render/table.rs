//! Terminal tables (comfy-table): the default, human-readable output.

use std::io::{self, Write};

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

use crate::core::model::Model;
use crate::core::scorecard::Scorecard;
use crate::output::i18n::Labels;
use crate::output::render::{Section, scorecard_view};
use crate::output::term;

/// A table with the project's style: box-drawing characters (ASCII under `--ascii`), fitted to
/// the terminal's width (or `COLUMNS`), long cells wrapped.
pub fn new_table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(if term::settings().ascii {
        presets::ASCII_FULL_CONDENSED
    } else {
        presets::UTF8_FULL_CONDENSED
    })
    .set_content_arrangement(ContentArrangement::Dynamic)
    .set_header(header.to_vec());
    if let Some(width) = term::columns() {
        t.set_width(width);
    } else if !term::fit_to_terminal() {
        // Written to a file: the terminal's width has nothing to do with it.
        t.force_no_tty();
    }
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

/// A grid whose `numeric` columns are right-aligned.
pub fn aligned_grid(header: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> Table {
    let mut t = grid(header, rows);
    for &c in numeric {
        if let Some(col) = t.column_mut(c) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

/// A section as a table, numbers right-aligned.
pub fn section_table(s: &Section) -> Table {
    aligned_grid(&s.header, &s.rows, &s.numeric)
}

/// The scorecard as text tables, coloured when stdout is a terminal (see [`scorecard_styled`]).
pub fn scorecard(
    out: &mut dyn Write,
    model: &Model,
    card: &Scorecard,
    labels: &Labels,
) -> io::Result<()> {
    scorecard_styled(out, model, card, term::color_stdout(), labels)
}

/// The scorecard as text tables; `color` paints the predicate in the headline.
pub fn scorecard_styled(
    out: &mut dyn Write,
    model: &Model,
    card: &Scorecard,
    color: bool,
    labels: &Labels,
) -> io::Result<()> {
    let view = scorecard_view(model, card, labels);
    for line in &view.heading {
        writeln!(out, "{line}")?;
    }
    writeln!(out)?;
    let headline = match model
        .predicates
        .iter()
        .position(|p| p.name == card.predicate)
    {
        Some(rank) if color => {
            let style = term::predicate_style(rank, model.predicates.len());
            view.headline.replacen(
                &card.predicate,
                &term::paint(&card.predicate, style, true),
                1,
            )
        }
        _ => view.headline.clone(),
    };
    writeln!(out, "{headline}")?;
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
