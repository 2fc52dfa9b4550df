//! Terminal tables (comfy-table): the default, human-readable output.

use std::io::{self, Write};

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

use crate::core::model::Model;
use crate::core::scorecard::Scorecard;
use crate::output::escape;
use crate::output::i18n::Labels;
use crate::output::render::{Section, scorecard_view};
use crate::output::term;

/// A table with the project's style: box-drawing characters (ASCII under `--ascii`), fitted to
/// the terminal's width (or `COLUMNS`), long cells wrapped, control characters in cells escaped.
pub fn new_table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(if term::settings().ascii {
        presets::ASCII_FULL_CONDENSED
    } else {
        presets::UTF8_FULL_CONDENSED
    })
    .set_content_arrangement(ContentArrangement::Dynamic)
    .set_header(header.iter().map(|h| escape::terminal(h).into_owned()));
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
        t.add_row(r.iter().map(|c| escape::terminal(c).into_owned()));
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
        writeln!(out, "{}", escape::terminal(line))?;
    }
    writeln!(out)?;
    // The headline holds the model's texts: escaped first, then the predicate painted.
    let plain = escape::terminal(&view.headline).into_owned();
    let headline = match model
        .predicates
        .iter()
        .position(|p| p.name == card.predicate)
    {
        Some(rank) if color => {
            let style = term::predicate_style(rank, model.predicates.len());
            let predicate = escape::terminal(&card.predicate);
            plain.replacen(&*predicate, &term::paint(&predicate, style, true), 1)
        }
        _ => plain,
    };
    writeln!(out, "{headline}")?;
    for s in &view.sections {
        writeln!(out)?;
        writeln!(out, "{}", escape::terminal(&s.title))?;
        writeln!(out, "{}", section_table(s))?;
    }
    writeln!(out)?;
    for line in &view.receipt {
        writeln!(out, "{}", escape::terminal(line))?;
    }
    Ok(())
}
