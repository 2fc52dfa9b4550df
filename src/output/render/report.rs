//! A generic report: heading lines, a headline and titled sections, as a terminal table or
//! Markdown. Used by the commands that compare results (`diff`, `trend`).

use std::io::{self, Write};

use crate::output::render::markdown;
use crate::output::render::table::aligned_grid;

/// A titled grid with headers chosen at run time (years, stages).
pub struct Section {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns that hold numbers (right-aligned).
    pub numeric: Vec<usize>,
}

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
        let header: Vec<&str> = s.header.iter().map(String::as_str).collect();
        let t = aligned_grid(&header, &s.rows, &s.numeric);
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

use crate::output::escape;
use crate::output::render::markdown::cell;

/// The report as Markdown.
pub fn markdown(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    writeln!(out, "# {}\n", cell(&r.title))?;
    for line in &r.heading {
        writeln!(out, "- {}", escape::markdown_line(line))?;
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
            let header: Vec<&str> = s.header.iter().map(String::as_str).collect();
            write!(out, "{}", markdown::table(&header, &s.rows, &s.numeric))?;
        }
    }
    if !r.footer.is_empty() {
        writeln!(out)?;
        for line in &r.footer {
            writeln!(out, "{}  ", escape::markdown_line(line))?;
        }
    }
    Ok(())
}
