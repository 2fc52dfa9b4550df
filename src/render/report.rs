//! A generic report: heading lines, a headline and titled sections, as a terminal table or
//! Markdown. Used by the commands that compare results (`diff`, `trend`).

use std::io::{self, Write};

use comfy_table::CellAlignment;

use crate::render::Section;
use crate::render::markdown;
use crate::render::table::grid;

/// What a report shows, in order.
pub struct Report {
    pub title: String,
    pub heading: Vec<String>,
    pub headline: Vec<String>,
    pub sections: Vec<Section>,
    pub footer: Vec<String>,
}

/// The report as text tables.
pub fn table(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    for line in &r.heading {
        writeln!(out, "{line}")?;
    }
    if !r.headline.is_empty() {
        writeln!(out)?;
        for line in &r.headline {
            writeln!(out, "{line}")?;
        }
    }
    for s in &r.sections {
        writeln!(out)?;
        writeln!(out, "{}", s.title)?;
        if s.rows.is_empty() {
            writeln!(out, "(none)")?;
            continue;
        }
        let mut t = grid(&s.header, &s.rows);
        for &c in &s.numeric {
            if let Some(col) = t.column_mut(c) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
        writeln!(out, "{t}")?;
    }
    if !r.footer.is_empty() {
        writeln!(out)?;
        for line in &r.footer {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The report as Markdown.
pub fn markdown(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    writeln!(out, "# {}\n", cell(&r.title))?;
    for line in &r.heading {
        writeln!(out, "- {}", cell(line))?;
    }
    if !r.headline.is_empty() {
        writeln!(out)?;
        for line in &r.headline {
            writeln!(out, "**{}**  ", cell(line))?;
        }
    }
    for s in &r.sections {
        writeln!(out, "\n## {}\n", cell(&s.title))?;
        if s.rows.is_empty() {
            writeln!(out, "(none)")?;
        } else {
            write!(out, "{}", markdown::table(&s.header, &s.rows, &s.numeric))?;
        }
    }
    if !r.footer.is_empty() {
        writeln!(out)?;
        for line in &r.footer {
            writeln!(out, "{}  ", cell(line))?;
        }
    }
    Ok(())
}
