//! Spreadsheet answer sheets (`.xlsx`, `.ods`, `.xls`) read with calamine into the same rows
//! a CSV sheet gives, keeping Excel's row numbers and column letters for messages (`C7`).
//! Hostile files are bounded: what a workbook declares is checked before calamine trusts it
//! (zip sizes here, an `.xls` in [`crate::input::ole`]), at most [`MAX_CELLS`] cells are kept,
//! columns past [`MAX_COLUMN`] are ignored, and a panic inside the parser becomes an error.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsx};

use crate::input::ole;

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
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(ole::MAGIC)
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

/// An open workbook: its sheets' names, and each sheet's rows on demand. Every call into the
/// parser runs guarded: a panic inside it is reported as a damaged file.
pub struct Book<'a> {
    inner: Inner<'a>,
    kind: &'static str,
}

enum Inner<'a> {
    Xlsx(Box<Xlsx<Cursor<&'a [u8]>>>),
    Ods(Box<Ods<Cursor<&'a [u8]>>>),
    Xls(Box<Xls<Cursor<&'a [u8]>>>),
}

impl<'a> Book<'a> {
    /// Opens a workbook (XLSX, ODS or XLS) after checking what it declares.
    pub fn open(bytes: &'a [u8]) -> Result<Book<'a>, String> {
        guarded(|| {
            if bytes.starts_with(ole::MAGIC) {
                match ole::check(bytes, MAX_ODS_GRID, MAX_CELLS as u64)? {
                    ole::Kind::Encrypted => return Err(ole::ENCRYPTED.into()),
                    ole::Kind::Xls => {}
                }
                let wb = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
                    calamine::XlsError::Password => ole::ENCRYPTED.to_string(),
                    e => damaged("XLS", e),
                })?;
                return Ok(Book {
                    inner: Inner::Xls(Box::new(wb)),
                    kind: "XLS",
                });
            }
            precheck_zip(bytes)?;
            let cursor = Cursor::new(bytes);
            // ODS stores its `mimetype` entry first and uncompressed.
            if bytes.get(30..38) == Some(b"mimetype") {
                let wb = Ods::new(cursor).map_err(|e| match e {
                    calamine::OdsError::Password => ole::ENCRYPTED.to_string(),
                    e => damaged("ODS", e),
                })?;
                return Ok(Book {
                    inner: Inner::Ods(Box::new(wb)),
                    kind: "ODS",
                });
            }
            let wb = Xlsx::new(cursor).map_err(|e| match e {
                calamine::XlsxError::Password => ole::ENCRYPTED.to_string(),
                e => damaged("XLSX", e),
            })?;
            Ok(Book {
                inner: Inner::Xlsx(Box::new(wb)),
                kind: "XLSX",
            })
        })
    }

    /// The sheets' names, in the workbook's order.
    pub fn sheet_names(&self) -> Vec<String> {
        match &self.inner {
            Inner::Xlsx(wb) => wb.sheet_names(),
            Inner::Ods(wb) => wb.sheet_names(),
            Inner::Xls(wb) => wb.sheet_names(),
        }
    }

    /// The sheet named `wanted`: its exact name, else ignoring case and surrounding spaces.
    pub fn find_sheet(&self, wanted: &str) -> Result<String, String> {
        let names = self.sheet_names();
        names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().to_lowercase() == wanted.trim().to_lowercase())
            })
            .cloned()
            .ok_or_else(|| {
                format!(
                    "no sheet named {wanted:?}; the workbook has {}",
                    names
                        .iter()
                        .map(|n| format!("{n:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }

    /// The rows of the sheet `name`.
    pub fn rows(&mut self, name: &str) -> Result<SheetRows, String> {
        let kind = self.kind;
        let inner = &mut self.inner;
        guarded(|| match inner {
            Inner::Xlsx(wb) => {
                let mut cells = Cells::default();
                let mut reader = wb
                    .worksheet_cells_reader(name)
                    .map_err(|e| damaged(kind, e))?;
                while let Some(cell) = reader.next_cell().map_err(|e| damaged(kind, e))? {
                    let (r, c) = cell.get_position();
                    cells.push(r, c, data_ref_text(cell.get_value()))?;
                }
                Ok(cells.into_rows(name.to_string()))
            }
            Inner::Ods(wb) => {
                let range = wb.worksheet_range(name).map_err(|e| damaged(kind, e))?;
                range_rows(name.to_string(), &range)
            }
            Inner::Xls(wb) => {
                let range = wb.worksheet_range(name).map_err(|e| damaged(kind, e))?;
                range_rows(name.to_string(), &range)
            }
        })
    }
}

/// Reads the sheet `wanted` (or the first sheet) of a workbook.
pub fn read(bytes: &[u8], wanted: Option<&str>) -> Result<SheetRows, String> {
    let mut book = Book::open(bytes)?;
    let name = match wanted {
        Some(w) => book.find_sheet(w)?,
        None => book
            .sheet_names()
            .into_iter()
            .next()
            .ok_or_else(|| "the workbook has no sheets".to_string())?,
    };
    book.rows(&name)
}

/// Runs `f` with parser panics reported as a damaged file (and kept off stderr).
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    quiet_panics();
    QUIET.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
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

/// A workbook whose parts unpack to more than this is refused before parsing.
pub const MAX_UNPACKED_BYTES: u64 = 256 << 20;
/// calamine keeps every shared string in memory (about three times the XML's size).
const MAX_SHARED_STRINGS_BYTES: u64 = 64 << 20;
/// More zip entries than this is not a spreadsheet someone typed.
const MAX_PARTS: usize = 10_000;
/// calamine reserves room for the `uniqueCount` an XLSX declares before reading a string: a
/// 9 KB file declaring 10¹¹ strings aborted the process. Larger counts are refused.
const MAX_SHARED_STRINGS: u64 = 10_000_000;
/// An ODS sheet is read as a dense grid; repeat attributes can make a tiny file huge.
const MAX_ODS_GRID: u64 = 10_000_000;

/// Checks what the zip declares before calamine trusts it: the unpacked size, the number of
/// parts, XLSX's shared-string count and the grid an ODS expands to.
fn precheck_zip(bytes: &[u8]) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine reports the damage in its words
    };
    if zip.len() > MAX_PARTS {
        return Err(format!(
            "the workbook has {} parts; a spreadsheet has a few dozen, so this is not one",
            zip.len()
        ));
    }
    let mut total = 0u64;
    let mut shared = Vec::new();
    let mut content = None;
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index_raw(i) else { continue };
        total = total.saturating_add(f.size());
        let name = f.name().replace('\\', "/").to_ascii_lowercase();
        if name.ends_with("sharedstrings.xml") {
            if f.size() > MAX_SHARED_STRINGS_BYTES {
                return Err(format!(
                    "the workbook's text table unpacks to {} MiB (more than {} MiB); an answer sheet is far smaller, so it is refused",
                    f.size() >> 20,
                    MAX_SHARED_STRINGS_BYTES >> 20
                ));
            }
            shared.push(i);
        } else if name == "content.xml" {
            content = Some(i);
        }
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(format!(
            "the workbook unpacks to {} MiB (more than {} MiB); an answer sheet is far smaller, so it is refused",
            total >> 20,
            MAX_UNPACKED_BYTES >> 20
        ));
    }
    for i in shared {
        let mut head = Vec::new();
        if let Ok(f) = zip.by_index(i) {
            let _ = f.take(64 << 10).read_to_end(&mut head);
        }
        for attr in [&b"uniqueCount=\""[..], &b"count=\""[..]] {
            if let Some(n) = attribute_number(&head, attr) {
                if n > MAX_SHARED_STRINGS {
                    return Err(format!(
                        "the workbook declares {n} shared strings (more than {MAX_SHARED_STRINGS}); open it in Excel and save it again"
                    ));
                }
            }
        }
    }
    if let Some(i) = content {
        let mut xml = Vec::new();
        if let Ok(f) = zip.by_index(i) {
            let _ = f.take(MAX_UNPACKED_BYTES).read_to_end(&mut xml);
        }
        let grid = ods_grid(&xml);
        if grid > MAX_ODS_GRID {
            return Err(format!(
                "the spreadsheet expands to {grid} cells (repeated rows or columns); an answer sheet has one row per indicator, so delete the repeated rows and save it again"
            ));
        }
    }
    Ok(())
}

/// The number after the first `attr` (e.g. `count="`) in `xml`.
fn attribute_number(xml: &[u8], attr: &[u8]) -> Option<u64> {
    let at = xml.windows(attr.len()).position(|w| w == attr)? + attr.len();
    let digits: Vec<u8> = xml[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    if digits.is_empty() {
        return None;
    }
    // Too many digits to fit is surely too many.
    Some(
        std::str::from_utf8(&digits)
            .ok()?
            .parse()
            .unwrap_or(u64::MAX),
    )
}

/// The dense grid an ODS `content.xml` becomes: rows up to the last row with a value, times the
/// widest such row, counting `number-rows-repeated` and `number-columns-repeated`.
fn ods_grid(xml: &[u8]) -> u64 {
    let (mut row, mut last_row, mut width) = (0u64, 0u64, 0u64);
    let (mut row_rep, mut col, mut row_end, mut in_row) = (1u64, 0u64, 0u64, false);
    let mut i = 0;
    while let Some(off) = xml[i..].iter().position(|&b| b == b'<') {
        let start = i + off;
        let Some(len) = xml[start..].iter().position(|&b| b == b'>') else {
            break;
        };
        let tag = &xml[start + 1..start + len];
        i = start + len + 1;
        let name_end = tag
            .iter()
            .skip(1)
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .map_or(tag.len(), |p| p + 1);
        let rep = |attr: &[u8]| attribute_number(tag, attr).unwrap_or(1).max(1);
        match &tag[..name_end] {
            b"table:table-row" => {
                row_rep = rep(b"table:number-rows-repeated=\"");
                col = 0;
                row_end = 0;
                in_row = true;
                if tag.ends_with(b"/") {
                    row = row.saturating_add(row_rep);
                    in_row = false;
                }
            }
            b"/table:table-row" if in_row => {
                if row_end > 0 {
                    last_row = row.saturating_add(row_rep);
                    width = width.max(row_end);
                }
                row = row.saturating_add(row_rep);
                in_row = false;
            }
            b"table:table-cell" | b"table:covered-table-cell" if in_row => {
                let n = rep(b"table:number-columns-repeated=\"");
                col = col.saturating_add(n);
                let empty = tag.ends_with(b"/")
                    && attribute_number(tag, b"office:value=\"").is_none()
                    && !tag.windows(17).any(|w| w == b"office:value-type");
                if !empty {
                    row_end = col;
                }
            }
            _ => {}
        }
    }
    last_row.saturating_mul(width)
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
    fn ods_grids_count_repeats_of_filled_cells_only() {
        let row =
            |attrs: &str, cells: &str| format!("<table:table-row{attrs}>{cells}</table:table-row>");
        let filled =
            "<table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell>";
        let empty = "<table:table-cell table:number-columns-repeated=\"16000\"/>";
        let xml = format!(
            "{}{}{}",
            row("", &format!("{filled}{filled}{empty}")),
            row(" table:number-rows-repeated=\"3\"", filled),
            row(" table:number-rows-repeated=\"1048000\"", empty),
        );
        assert_eq!(ods_grid(xml.as_bytes()), 4 * 2);
        let bomb = row(
            " table:number-rows-repeated=\"5000\"",
            "<table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"float\" office:value=\"1\"/>",
        );
        assert_eq!(ods_grid(bomb.as_bytes()), 5000 * 16384);
        assert_eq!(
            attribute_number(
                b"<sst count=\"12\" uniqueCount=\"99999999999999999999999\">",
                b"uniqueCount=\""
            ),
            Some(u64::MAX)
        );
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let err = read(b"PK\x03\x04garbage", None).unwrap_err();
        assert!(err.starts_with("cannot read this XLSX file ("), "{err}");
        let err = read(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1xx", None).unwrap_err();
        assert_eq!(
            err,
            "cannot read this XLS file (it is too short for its header); open it in Excel or LibreOffice and save it again as .xlsx"
        );
    }
}
