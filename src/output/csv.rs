//! CSV: the document's grid, for spreadsheets and scripts. Field names stay English (a contract).
//! Text that came from answer sheets is neutralized against formula injection; a file (not stdout)
//! starts with a UTF-8 BOM so that Excel reads it as UTF-8. `--delimiter ';'` and
//! `--decimal-comma` make a file Indonesian Excel opens in columns, with numbers as numbers.

use std::io::Write;

use crate::output::destination::neutralize;
use crate::output::document::{Document, Exporter, Grid, Style};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes a document's grid as CSV.
pub struct CsvExporter;

impl Exporter for CsvExporter {
    fn export(&self, doc: &Document<'_>, style: &Style, out: &mut dyn Write) -> anyhow::Result<()> {
        let Some(grid) = &doc.grid else {
            anyhow::bail!("this command has no CSV output; use --format table, markdown or json");
        };
        write(out, grid, style)
    }
}

/// Writes a grid.
pub fn write(out: &mut dyn Write, grid: &Grid, style: &Style) -> anyhow::Result<()> {
    if style.bom {
        out.write_all(BOM)?;
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(style.delimiter)
        .from_writer(out);
    w.write_record(&grid.header)?;
    for r in &grid.rows {
        w.write_record(r.iter().enumerate().map(|(c, cell)| {
            // A number is written as a number (a minus sign is not a formula); anything else,
            // text from the answer sheets above all, is neutralized.
            if grid.numeric.contains(&c) && is_number(cell) {
                if style.decimal_comma {
                    decimal_comma(cell)
                } else {
                    cell.clone()
                }
            } else {
                neutralize(cell).into_owned()
            }
        }))?;
    }
    w.flush()?;
    Ok(())
}

/// A number with a decimal comma (`2.764` → `2,764`); other text unchanged.
fn decimal_comma(cell: &str) -> String {
    crate::output::document::localize(cell, crate::output::i18n::Lang::Id).into_owned()
}

/// `12`, `-0.05`, `+1.5`: an optional sign, digits, an optional fraction.
fn is_number(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, frac) = t.split_once('.').unwrap_or((t, "0"));
    !whole.is_empty()
        && !frac.is_empty()
        && whole.bytes().all(|c| c.is_ascii_digit())
        && frac.bytes().all(|c| c.is_ascii_digit())
}
