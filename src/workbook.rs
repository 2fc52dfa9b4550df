//! Spreadsheet answer sheets (`.xlsx`, `.ods`, old `.xls`) read with calamine into the same rows
//! a CSV sheet gives, keeping Excel's row numbers and column letters for messages (`C7`).
//! Hostile files are bounded: at most [`MAX_CELLS`] cells are kept, columns past
//! [`MAX_COLUMN`] are ignored, and a panic inside the parser becomes an error.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::Cursor;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsx};

/// At most this many non-empty cells are read from one sheet.
pub const MAX_CELLS: usize = 10_000_000;
/// Columns after this one (0-based; `ALL`) are ignored: an answer sheet has a handful.
pub const MAX_COLUMN: u32 = 999;

/// The rows of one sheet: the sheet's name and, per non-empty row, its 1-based Excel row number
/// and its cells from column A.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRows {
    pub name: String,
    pub rows: Vec<(u64, Vec<String>)>,
}

/// True when the bytes look like a spreadsheet file rather than text (zip or OLE container).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
}

/// Excel's column letters for a 1-based column number: 1 → A, 27 → AA.
pub fn column_letters(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

/// Reads the sheet `wanted` (or the first sheet) of a workbook.
pub fn read(bytes: &[u8], wanted: Option<&str>) -> Result<SheetRows, String> {
    quiet_panics();
    QUIET.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(|| read_inner(bytes, wanted)));
    QUIET.with(|q| q.set(false));
    result.unwrap_or_else(|_| {
        Err("the spreadsheet is damaged and cannot be read; open it in Excel or LibreOffice and save it again".into())
    })
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Installs (once) a panic hook that stays silent while a workbook is being parsed on this
/// thread: a parser panic is reported as a damaged file, not as a crash.
fn quiet_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
}

fn damaged(kind: &str, e: impl std::fmt::Display) -> String {
    format!(
        "cannot read this {kind} file ({e}); open it in Excel or LibreOffice and save it again as .xlsx"
    )
}

fn read_inner(bytes: &[u8], wanted: Option<&str>) -> Result<SheetRows, String> {
    let cursor = Cursor::new(bytes);
    if bytes.starts_with(b"PK\x03\x04") {
        // ODS stores its `mimetype` entry first and uncompressed.
        let ods = bytes.get(30..38) == Some(b"mimetype");
        if ods {
            let mut wb = Ods::new(cursor).map_err(|e| damaged("ODS", e))?;
            let name = pick_sheet(wb.sheet_names(), wanted)?;
            let range = wb.worksheet_range(&name).map_err(|e| damaged("ODS", e))?;
            return range_rows(name, &range);
        }
        let mut wb = Xlsx::new(cursor).map_err(|e| damaged("XLSX", e))?;
        let name = pick_sheet(wb.sheet_names(), wanted)?;
        let mut cells = Cells::default();
        let mut reader = wb
            .worksheet_cells_reader(&name)
            .map_err(|e| damaged("XLSX", e))?;
        while let Some(cell) = reader.next_cell().map_err(|e| damaged("XLSX", e))? {
            let (r, c) = cell.get_position();
            cells.push(r, c, data_ref_text(cell.get_value()))?;
        }
        Ok(cells.into_rows(name))
    } else {
        let mut wb = Xls::new(cursor).map_err(|e| damaged("XLS", e))?;
        let name = pick_sheet(wb.sheet_names(), wanted)?;
        let range = wb.worksheet_range(&name).map_err(|e| damaged("XLS", e))?;
        range_rows(name, &range)
    }
}

fn pick_sheet(names: Vec<String>, wanted: Option<&str>) -> Result<String, String> {
    let list = || {
        names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        None => names
            .first()
            .cloned()
            .ok_or_else(|| "the workbook has no sheets".to_string()),
        Some(w) => names
            .iter()
            .find(|n| n.as_str() == w)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().to_lowercase() == w.trim().to_lowercase())
            })
            .cloned()
            .ok_or_else(|| format!("no sheet named {w:?}; the workbook has {}", list())),
    }
}

fn range_rows(name: String, range: &calamine::Range<Data>) -> Result<SheetRows, String> {
    let mut cells = Cells::default();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        cells.push(r0 + r as u32, c0 + c as u32, data_text(v))?;
    }
    Ok(cells.into_rows(name))
}

/// Non-empty cells by row, bounded.
#[derive(Default)]
struct Cells {
    rows: BTreeMap<u32, Vec<(u32, String)>>,
    count: usize,
}

impl Cells {
    fn push(&mut self, row: u32, col: u32, text: String) -> Result<(), String> {
        if text.is_empty() || col > MAX_COLUMN {
            return Ok(());
        }
        self.count += 1;
        if self.count > MAX_CELLS {
            return Err(format!(
                "the sheet has more than {MAX_CELLS} filled cells; an answer sheet needs one row per indicator, so remove the extra data"
            ));
        }
        self.rows.entry(row).or_default().push((col, text));
        Ok(())
    }

    fn into_rows(self, name: String) -> SheetRows {
        let rows = self
            .rows
            .into_iter()
            .map(|(r, mut cells)| {
                cells.sort_by_key(|(c, _)| *c);
                let width = cells.last().map_or(0, |(c, _)| *c as usize + 1);
                let mut fields = vec![String::new(); width];
                for (c, t) in cells {
                    fields[c as usize] = t;
                }
                (r as u64 + 1, fields)
            })
            .collect();
        SheetRows { name, rows }
    }
}

fn data_ref_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::String(s) => s.clone(),
        other => data_text(&Data::from(other.clone())),
    }
}

fn data_text(v: &Data) -> String {
    match v {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_excel_shows_them() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(3), "C");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(16384), "XFD");
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let err = read(b"PK\x03\x04garbage", None).unwrap_err();
        assert!(err.starts_with("cannot read this XLSX file ("), "{err}");
        let err = read(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1xx", None).unwrap_err();
        assert!(err.starts_with("cannot read this XLS file ("), "{err}");
    }
}
