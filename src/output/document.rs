//! The one output seam. A command says *what* it shows as a [`Document`]: text lines, a
//! headline, titled tables, the JSON record of its contract and the grid its CSV holds. An
//! [`Exporter`] per format says *how*: [`crate::output::table`] (terminal), [`crate::output::markdown`],
//! [`crate::output::csv`], [`crate::output::json`], [`crate::output::html`]. [`emit`] picks the exporter, writes to the
//! destination once, and prints the warnings. Adding a format is one file and one arm in
//! [`exporter`]; a command never matches on the format.

use std::io::{self, Write};

use crate::output::destination::Output;
use crate::output::i18n::Lang;

/// What a command shows.
#[derive(Default)]
pub struct Document<'a> {
    /// Markdown's top heading (`# title`); the terminal shows the blocks only.
    pub title: Option<String>,
    pub blocks: Vec<Block>,
    /// What `--format json` writes: the command's JSON contract.
    pub record: Option<&'a dyn Record>,
    /// What `--format csv` writes.
    pub grid: Option<Grid>,
    /// Printed on stderr after the output, one per line (not with `--quiet`).
    pub warnings: Vec<String>,
    /// The one format this document will be written in, when known: a builder may then skip
    /// the parts other formats read (a million answers' cells that JSON never shows).
    pub only: Option<Format>,
}

/// A piece of a human-readable document, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Lines of text, shown as they are in the terminal; `md` says how Markdown shows them.
    Text { lines: Vec<String>, md: Md },
    /// The one line a reader looks for first (the index and its predicate). `paint` names the
    /// word the terminal colours when colour is on.
    Headline { text: String, paint: Option<Paint> },
    /// Verdicts such as `PASS  message`: Markdown makes them a list with the verdict in bold.
    Verdicts(Vec<(String, String)>),
    /// An empty line.
    Gap,
    /// A titled table.
    Table(Table),
    /// A chart drawn as SVG: the HTML exporter shows it; the terminal, Markdown and CSV leave it
    /// out (a table beside it carries the same numbers).
    Figure { caption: String, svg: String },
}

/// How Markdown shows a [`Block::Text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Md {
    /// One line each (a hard line break after each).
    Lines,
    /// A bulleted list.
    List,
    /// Bold lines.
    Strong,
    /// Not shown: Markdown carries the same text as the document's title.
    Omit,
}

/// The word of a headline the terminal paints in a predicate's colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paint {
    pub word: String,
    /// The predicate band's position from the lowest (0) of `bands`.
    pub rank: usize,
    pub bands: usize,
}

/// A titled grid of text cells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns that hold numbers: right-aligned, and written with a decimal comma under
    /// `--lang id`.
    pub numeric: Vec<usize>,
    /// Shown instead of the table when it has no rows; `None` shows the empty table.
    pub empty: Option<String>,
}

impl Table {
    pub fn new(title: impl Into<String>, header: &[&str], rows: Vec<Vec<String>>) -> Table {
        Table {
            title: title.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
            ..Table::default()
        }
    }

    pub fn numeric(mut self, columns: &[usize]) -> Table {
        self.numeric = columns.to_vec();
        self
    }

    pub fn or_else(mut self, empty: impl Into<String>) -> Table {
        self.empty = Some(empty.into());
        self
    }
}

/// The rows `--format csv` writes: field names (English, a contract for scripts) and cells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns that hold numbers: written with a decimal comma under `--decimal-comma`.
    pub numeric: Vec<usize>,
}

impl Grid {
    pub fn new(header: &[&str], rows: Vec<Vec<String>>) -> Grid {
        Grid {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
            numeric: Vec::new(),
        }
    }

    pub fn numeric(mut self, columns: &[usize]) -> Grid {
        self.numeric = columns.to_vec();
        self
    }
}

/// A JSON record: anything serde can write. Object-safe, so a document can hold any contract.
pub trait Record {
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()>;
}

impl<T: serde::Serialize> Record for T {
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        crate::output::json::write(out, self)
    }
}

impl<'a> Document<'a> {
    pub fn new() -> Document<'a> {
        Document::default()
    }

    /// A document that will be written in `format` only (see [`Document::wants_text`]).
    pub fn for_format(format: Format) -> Document<'a> {
        Document {
            only: Some(format),
            ..Document::default()
        }
    }

    /// True when the text blocks (and title) will be read: table, Markdown or HTML, or unknown.
    pub fn wants_text(&self) -> bool {
        matches!(
            self.only,
            None | Some(Format::Table | Format::Markdown | Format::Html)
        )
    }

    /// True when figures will be drawn (HTML, or unknown).
    pub fn wants_figures(&self) -> bool {
        matches!(self.only, None | Some(Format::Html))
    }

    /// True when the CSV grid will be read.
    pub fn wants_grid(&self) -> bool {
        matches!(self.only, None | Some(Format::Csv))
    }

    pub fn titled(title: impl Into<String>) -> Document<'a> {
        Document {
            title: Some(title.into()),
            ..Document::default()
        }
    }

    pub fn lines(&mut self, lines: Vec<String>, md: Md) -> &mut Self {
        if !lines.is_empty() {
            self.blocks.push(Block::Text { lines, md });
        }
        self
    }

    pub fn line(&mut self, line: impl Into<String>, md: Md) -> &mut Self {
        self.lines(vec![line.into()], md)
    }

    pub fn gap(&mut self) -> &mut Self {
        self.blocks.push(Block::Gap);
        self
    }

    pub fn table(&mut self, table: Table) -> &mut Self {
        self.blocks.push(Block::Table(table));
        self
    }

    pub fn record(&mut self, record: &'a dyn Record) -> &mut Self {
        self.record = Some(record);
        self
    }

    pub fn grid(&mut self, grid: Grid) -> &mut Self {
        self.grid = Some(grid);
        self
    }
}

/// The output formats of every command that prints results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Markdown,
    // One self-contained page (inline CSS and SVG) that prints on A4. (A doc comment here would
    // turn the help's one line of values into a list.)
    Html,
}

/// How the document is written: language, colour and the CSV dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub lang: Lang,
    /// Paint the headline (a terminal that wants colour).
    pub color: bool,
    /// The CSV field delimiter.
    pub delimiter: u8,
    /// Numbers in CSV with a decimal comma (Indonesian Excel).
    pub decimal_comma: bool,
    /// Start CSV with a UTF-8 byte-order mark (a file Excel opens).
    pub bom: bool,
}

/// Writes a document in one format.
pub trait Exporter {
    fn export(&self, doc: &Document<'_>, style: &Style, out: &mut dyn Write) -> anyhow::Result<()>;
}

/// The exporter of a format.
pub fn exporter(format: Format) -> &'static dyn Exporter {
    match format {
        Format::Table => &crate::output::table::TableExporter,
        Format::Markdown => &crate::output::markdown::MarkdownExporter,
        Format::Csv => &crate::output::csv::CsvExporter,
        Format::Json => &crate::output::json::JsonExporter,
        Format::Html => &crate::output::html::HtmlExporter,
    }
}

/// Writes `doc` in `format` to `out`, finishes the destination, then prints the warnings.
pub fn emit(
    doc: &Document<'_>,
    format: Format,
    style: &Style,
    mut out: Output,
) -> anyhow::Result<()> {
    exporter(format).export(doc, style, &mut out)?;
    out.finish()?;
    crate::output::term::warn(&doc.warnings);
    Ok(())
}

/// A number written for people in `lang`: `2.76` stays as it is in English and reads `2,76` in
/// Indonesian. Text that is not a plain decimal number is left alone.
pub fn localize(text: &str, lang: Lang) -> std::borrow::Cow<'_, str> {
    if lang == Lang::Id && is_decimal(text) {
        text.replacen('.', ",", 1).into()
    } else {
        text.into()
    }
}

/// `-12.5`, `+0.10`, `3.00`, `0.0825`: an optional sign, digits, one point, digits.
fn is_decimal(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    match t.split_once('.') {
        Some((a, b)) => {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_decimals_take_a_comma() {
        assert_eq!(localize("2.76", Lang::Id), "2,76");
        assert_eq!(localize("-0.236", Lang::Id), "-0,236");
        assert_eq!(localize("+0.10", Lang::Id), "+0,10");
        assert_eq!(localize("2.76", Lang::En), "2.76");
        for keep in ["3", "1.1.2", "v1.2", "2.76 Baik", ".5", "5.", ""] {
            assert_eq!(localize(keep, Lang::Id), keep);
        }
    }
}
