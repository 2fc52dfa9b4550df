//! Spreadsheet answer sheets (`.xlsx`, `.ods`, `.xls`) read row by row into the same rows a
//! CSV sheet gives, keeping Excel's row numbers and column letters for messages (`C7`).
//!
//! A workbook is a zip of XML parts, and every size it declares may lie, so the limits are
//! enforced on what is actually inflated and expanded, never on what the file says: at most
//! [`MAX_WORKBOOK_BYTES`] of file, [`MAX_PARTS`] parts, [`MAX_UNPACKED_BYTES`] inflated (counted
//! as it inflates), no XML token (a tag or a run of text) over [`MAX_XML_TOKEN`], at most
//! [`MAX_SHARED_STRINGS`] shared strings in at most [`MAX_SHARED_STRINGS_BYTES`], no cell over
//! [`crate::input::sheets::MAX_CELL_BYTES`] (located, the rest is read), and at most
//! [`MAX_CELLS`] filled cells and [`MAX_TEXT_BYTES`] of cell text handed on (a shared string is
//! stored once but copied into every cell that uses it). Rows are handed on as they are read
//! ([`Book::rows`]), so a million-row sheet is never held whole. XLSX parts are checked through
//! a [`guard`] before calamine parses them; ODS is read here ([`ods`]), since calamine expands
//! it to a dense grid; an `.xls` is checked in [`crate::input::ole`] and read by calamine as a
//! grid of at most [`MAX_XLS_GRID`] cells. A panic inside calamine becomes a "damaged file"
//! error.

mod guard;
mod ods;

use std::cell::Cell;
use std::collections::HashMap;
use std::io::{self, Cursor};
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::Once;

use calamine::{Data, DataRef, Reader, Xls, Xlsx, XlsxError};
use quick_xml::events::Event;

use crate::input::ole;
use crate::input::text_sheet::{Cells, Record, RowSource};

/// A workbook file larger than this is refused (its bytes are held while it is read).
pub const MAX_WORKBOOK_BYTES: u64 = 64 << 20;
/// All the XML parts together may inflate to at most this, counted while inflating.
pub const MAX_UNPACKED_BYTES: u64 = 256 << 20;
/// One XML token (a tag, a run of text) longer than this is refused: a parser holds it whole.
pub const MAX_XML_TOKEN: usize = 1 << 20;
/// More zip parts than this is not a spreadsheet someone typed.
pub const MAX_PARTS: u64 = 10_000;
/// calamine keeps every shared string, and reserves room for the count a file declares.
pub const MAX_SHARED_STRINGS: u64 = 2_000_000;
/// The shared-string part may inflate to at most this.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 64 << 20;
/// At most this many filled cells are handed on from one sheet.
pub const MAX_CELLS: u64 = 10_000_000;
/// At most this much cell text is handed on from one sheet.
pub const MAX_TEXT_BYTES: u64 = 128 << 20;
/// Columns after this one (0-based; `ALL`) are ignored: an answer sheet has a handful.
pub const MAX_COLUMN: u32 = 999;
/// Rows after this one are not read (16 times Excel's 1,048,576).
pub const MAX_ROW: u64 = 1 << 24;
/// An .xls sheet is a dense grid in calamine (32 bytes a cell): at most this many cells.
pub const MAX_XLS_GRID: u64 = 4_000_000;

/// A problem of one row: its number and the message.
pub type RowError = (u64, String);

/// The rows of one sheet, collected: the sheet's name and, per non-empty row, its 1-based Excel
/// row number and its cells from column A. (Answer sheets are read row by row with
/// [`read_rows`]; [`read`] collects a small sheet, such as an item sheet.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRows {
    pub name: String,
    pub rows: Vec<(u64, Vec<String>)>,
}

/// [`read`] collects at most this many cells (empty ones up to the last filled one counted),
/// so that a small sheet held whole stays small (2 M cells are about 100 MB).
pub const MAX_COLLECTED_CELLS: usize = 2_000_000;

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

/// A cell's name from its 1-based row and 0-based column: `C7`.
pub fn cell_name(row: u64, col: u32) -> String {
    format!("{}{row}", column_letters(col as usize + 1))
}

/// The refusal of a workbook file over [`MAX_WORKBOOK_BYTES`].
pub fn too_big() -> String {
    format!(
        "the workbook file is larger than {} MiB, far more than an answer sheet needs (pictures or other sheets in it? save the answer sheet alone)",
        MAX_WORKBOOK_BYTES >> 20
    )
}

/// An open workbook: its sheets' names, and each sheet's rows on demand, one at a time.
pub struct Book<'a> {
    inner: Opened<'a>,
}

enum Opened<'a> {
    Xlsx(Box<Xlsx<Cursor<&'a [u8]>>>),
    /// The file, and its tables' names in order (read from `content.xml` when opened).
    Ods(&'a [u8], Vec<String>),
    Xls(Box<Xls<Cursor<&'a [u8]>>>),
}

impl<'a> Book<'a> {
    /// Opens a workbook (XLSX, ODS or XLS) after checking what it declares and what its parts
    /// inflate to.
    pub fn open(bytes: &'a [u8]) -> Result<Book<'a>, String> {
        if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
            return Err(too_big());
        }
        if bytes.starts_with(ole::MAGIC) {
            match ole::check(bytes, MAX_XLS_GRID, MAX_CELLS)? {
                ole::Kind::Encrypted => return Err(ole::ENCRYPTED.into()),
                ole::Kind::Xls => {}
            }
            let wb = guarded(|| Xls::new(Cursor::new(bytes)))?.map_err(|e| match e {
                calamine::XlsError::Password => ole::ENCRYPTED.to_string(),
                e => damaged("XLS", e),
            })?;
            return Ok(Book {
                inner: Opened::Xls(Box::new(wb)),
            });
        }
        let mut zip = guard::open(bytes, "XLSX")?;
        // ODS stores its `mimetype` part first and uncompressed.
        if bytes.get(30..38) == Some(b"mimetype") {
            let names = ods::sheet_names(&mut zip, bytes)?;
            return Ok(Book {
                inner: Opened::Ods(bytes, names),
            });
        }
        prescan(&mut zip)?;
        drop(zip);
        let wb = guarded(|| Xlsx::new(Cursor::new(bytes)))?.map_err(|e| match e {
            calamine::XlsxError::Password => ole::ENCRYPTED.to_string(),
            e => damaged("XLSX", e),
        })?;
        Ok(Book {
            inner: Opened::Xlsx(Box::new(wb)),
        })
    }

    /// The sheets' names, in the workbook's order.
    pub fn sheet_names(&self) -> Vec<String> {
        match &self.inner {
            Opened::Xlsx(wb) => wb.sheet_names(),
            Opened::Ods(_, names) => names.clone(),
            Opened::Xls(wb) => wb.sheet_names(),
        }
    }

    /// The sheet named `wanted`: its exact name, else ignoring case and surrounding spaces.
    pub fn find_sheet(&self, wanted: &str) -> Result<String, String> {
        pick_sheet(self.sheet_names(), Some(wanted))
    }

    /// The rows of the sheet `name`, read one at a time.
    pub fn rows(&mut self, name: &str) -> Result<WorkbookRows<'_>, String> {
        match &mut self.inner {
            Opened::Xlsx(wb) => {
                let mut reader =
                    guarded(|| wb.worksheet_cells_reader(name))?.map_err(|e| damaged("XLSX", e))?;
                Ok(WorkbookRows(Inner::Xlsx(XlsxRows {
                    next: Box::new(move || reader.next_cell()),
                    record: Record::default(),
                    pending: None,
                    budget: Budget::default(),
                    done: false,
                })))
            }
            Opened::Ods(bytes, names) => {
                let index = names.iter().position(|n| n == name).unwrap_or(0);
                let rows = ods::OdsRows::new(bytes, index)?;
                Ok(WorkbookRows(Inner::Ods(Box::new(rows))))
            }
            Opened::Xls(wb) => {
                // calamine reads an .xls sheet as a grid, bounded by ole::check.
                let range = guarded(|| wb.worksheet_range(name))?.map_err(|e| damaged("XLS", e))?;
                let rows = grid_rows(&range)?;
                Ok(WorkbookRows(Inner::Listed(
                    rows.into_iter(),
                    Record::default(),
                )))
            }
        }
    }
}

/// Reads the sheet `wanted` (or the first sheet) of a workbook whole, at most
/// [`MAX_COLLECTED_CELLS`] cells (a sheet read whole is a small one, such as an item sheet:
/// answer sheets are read row by row with [`Book::rows`]).
pub fn read(bytes: &[u8], wanted: Option<&str>) -> Result<SheetRows, String> {
    let mut book = Book::open(bytes)?;
    let name = pick_sheet(book.sheet_names(), wanted)?;
    let mut rows = book.rows(&name)?;
    let mut out = Vec::new();
    let mut cells_held = 0usize;
    while let Some(row) = rows.next_row() {
        match row {
            Ok((line, cells)) => {
                cells_held += cells.len().max(1);
                if cells_held > MAX_COLLECTED_CELLS {
                    return Err(format!(
                        "the sheet has more than {MAX_COLLECTED_CELLS} cells up to row {line}; far more than this kind of sheet holds, so it is refused"
                    ));
                }
                out.push((line, cells.iter().map(str::to_string).collect()));
            }
            Err((line, message)) => return Err(format!("row {line}: {message}")),
        }
    }
    Ok(SheetRows { name, rows: out })
}

/// The filled cells of a grid (an .xls sheet) as rows, bounded like a streamed sheet.
fn grid_rows(range: &calamine::Range<Data>) -> Result<Vec<(u64, Vec<String>)>, String> {
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    let mut budget = Budget::default();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        let (row, col) = (r0 as u64 + r as u64 + 1, c0 + c as u32);
        let text = data_text(v);
        if text.is_empty() || col > MAX_COLUMN {
            continue;
        }
        if text.len() > crate::input::sheets::MAX_CELL_BYTES {
            return Err(format!(
                "row {row}: {}",
                too_long_cell(&cell_name(row, col))
            ));
        }
        if rows.last().is_none_or(|(r, _)| *r != row) {
            if let Some((line, fields)) = rows.last() {
                budget.take(fields, *line)?;
            }
            rows.push((row, Vec::new()));
        }
        let fields = &mut rows.last_mut().expect("pushed above").1;
        if fields.len() <= col as usize {
            fields.resize(col as usize + 1, String::new());
        }
        fields[col as usize] = text;
    }
    Ok(rows)
}

/// The rows of a workbook's sheet, one at a time ([`RowSource`]). A cell too long is a problem
/// of its row; a limit reached or damage found ends the rows with a problem.
pub struct WorkbookRows<'z>(Inner<'z>);

enum Inner<'z> {
    Xlsx(XlsxRows<'z>),
    Ods(Box<ods::OdsRows<'z>>),
    /// Rows already read (an .xls grid).
    Listed(std::vec::IntoIter<(u64, Vec<String>)>, Record),
}

impl RowSource for WorkbookRows<'_> {
    fn next_row(&mut self) -> Option<Result<(u64, Cells<'_>), (u64, String)>> {
        match &mut self.0 {
            Inner::Xlsx(rows) => rows.next_row(),
            Inner::Ods(rows) => rows.next_row(),
            Inner::Listed(rows, record) => {
                let (line, cells) = rows.next()?;
                record.clear();
                cells.iter().for_each(|c| record.push_field(c));
                Some(Ok((line, record.cells_from(0))))
            }
        }
    }
}

/// The filled cells and text handed on so far, against [`MAX_CELLS`] and [`MAX_TEXT_BYTES`].
#[derive(Debug, Default)]
struct Budget {
    cells: u64,
    text: u64,
}

impl Budget {
    fn take(&mut self, fields: &[String], line: u64) -> Result<(), String> {
        self.cells += fields.iter().filter(|f| !f.is_empty()).count() as u64;
        self.text += fields.iter().map(|f| f.len() as u64).sum::<u64>();
        if self.cells > MAX_CELLS {
            return Err(format!(
                "the sheet has more than {MAX_CELLS} filled cells (reached at row {line}); an answer sheet needs one row per indicator, so remove the extra data"
            ));
        }
        if self.text > MAX_TEXT_BYTES {
            return Err(format!(
                "the sheet's cells hold more than {} MiB of text (reached at row {line}); an answer sheet is far smaller, so it is refused",
                MAX_TEXT_BYTES >> 20
            ));
        }
        Ok(())
    }
}

/// The message for a cell longer than [`crate::input::sheets::MAX_CELL_BYTES`].
fn too_long_cell(cell: &str) -> String {
    format!(
        "cell {cell} holds more than {} KiB of text; cells longer than that are refused, shorten it",
        crate::input::sheets::MAX_CELL_BYTES >> 10
    )
}

/// A number as a cell shows it: whole numbers without a decimal point.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// A cell's value as text.
fn data_text(v: &Data) -> String {
    match v {
        Data::Float(f) => number_text(*f),
        other => other.to_string(),
    }
}

/// The rows of an XLSX sheet, streamed from calamine's cell reader.
struct XlsxRows<'z> {
    /// calamine's cell reader's `next_cell` (its type is not public).
    #[allow(clippy::type_complexity)]
    next: Box<dyn FnMut() -> Result<Option<calamine::Cell<DataRef<'z>>>, XlsxError> + 'z>,
    record: Record,
    /// The first cell of the next row, read while finishing the last one.
    pending: Option<(u32, u32, Result<String, String>)>,
    budget: Budget,
    done: bool,
}

impl XlsxRows<'_> {
    /// The next cell: `(row, column, text or the too-long message)`.
    #[allow(clippy::type_complexity)]
    fn next_cell(&mut self) -> Result<Option<(u32, u32, Result<String, String>)>, String> {
        let cell = guarded(|| (self.next)())?.map_err(|e| damaged("XLSX", e))?;
        Ok(cell.map(|cell| {
            let (r, c) = cell.get_position();
            let limit = crate::input::sheets::MAX_CELL_BYTES;
            let text = match cell.get_value() {
                DataRef::SharedString(s) if s.len() > limit => Err(()),
                DataRef::String(s) if s.len() > limit => Err(()),
                DataRef::SharedString(s) => Ok((*s).to_string()),
                DataRef::String(s) => Ok(s.clone()),
                other => Ok(data_text(&Data::from(other.clone()))),
            };
            (
                r,
                c,
                text.map_err(|()| too_long_cell(&cell_name(r as u64 + 1, c))),
            )
        }))
    }

    fn next_row(&mut self) -> Option<Result<(u64, Cells<'_>), RowError>> {
        if self.done {
            return None;
        }
        let mut fields: Vec<String> = Vec::new();
        let mut problem = None;
        let mut row = None;
        loop {
            let cell = match self.pending.take() {
                Some(cell) => cell,
                None => match self.next_cell() {
                    Ok(Some(cell)) => cell,
                    Ok(None) => {
                        self.done = true;
                        break;
                    }
                    Err(message) => {
                        self.done = true;
                        return Some(Err((row.map_or(0, |r: u32| r as u64 + 1), message)));
                    }
                },
            };
            let (r, c, text) = cell;
            match row {
                Some(current) if current != r => {
                    self.pending = Some((r, c, text));
                    break;
                }
                _ => row = Some(r),
            }
            match text {
                Err(message) => {
                    problem.get_or_insert(message);
                }
                Ok(text) if !text.is_empty() && c <= MAX_COLUMN => {
                    let c = c as usize;
                    if fields.len() <= c {
                        fields.resize(c + 1, String::new());
                    }
                    fields[c] = text;
                }
                Ok(_) => {}
            }
        }
        let line = row? as u64 + 1;
        if let Some(message) = problem {
            return Some(Err((line, message)));
        }
        if let Err(message) = self.budget.take(&fields, line) {
            self.done = true;
            return Some(Err((line, message)));
        }
        self.record.clear();
        for f in &fields {
            self.record.push_field(f);
        }
        Some(Ok((line, self.record.cells_from(0))))
    }
}

/// Reads every XML part of an XLSX through a [`guard::Guard`], before calamine parses any:
/// inflated sizes, token lengths, shared-string counts.
fn prescan(zip: &mut guard::Zip<'_>) -> Result<(), String> {
    let budget = Rc::new(Cell::new(0u64));
    let names = sheet_parts(zip, &budget).unwrap_or_default();
    for i in 0..zip.len() {
        let Some(part) = zip.name_for_index(i).map(normalize) else {
            continue;
        };
        // XML parts, and whatever the workbook names as a sheet whatever its name: calamine
        // parses those. Pictures and the like are never parsed, so never inflated here.
        let xml = part.ends_with(".xml") || part.ends_with(".rels") || part.ends_with(".vml");
        if !xml && !names.contains_key(&part) {
            continue;
        }
        let kind = if part.ends_with("sharedstrings.xml") {
            guard::Part::SharedStrings
        } else if part.contains("worksheets/") || names.contains_key(&part) {
            guard::Part::Sheet
        } else {
            guard::Part::Other
        };
        let file = zip.by_index(i).map_err(|e| damaged("XLSX", e))?;
        let before = budget.get();
        let mut g = guard::Guard::new(file, kind, budget.clone());
        if let Err(e) = io::copy(&mut g, &mut io::sink()) {
            return Err(match g.problem() {
                Some(p) => {
                    let sheet = names.get(&part).cloned().unwrap_or_else(|| part.clone());
                    let place = match g.place() {
                        Some(cell) if cell.starts_with("row ") => format!("{sheet} {cell}"),
                        Some(cell) => format!("{sheet}!{cell}"),
                        None => format!("the part {sheet}"),
                    };
                    p.at(&place)
                }
                None => damaged("XLSX", e),
            });
        }
        let size = budget.get() - before;
        if kind == guard::Part::SharedStrings && size > MAX_SHARED_STRINGS_BYTES {
            return Err(format!(
                "the workbook's shared-string table unpacks to {} MiB (more than {} MiB); an answer sheet's is far smaller, so it is refused",
                size >> 20,
                MAX_SHARED_STRINGS_BYTES >> 20
            ));
        }
    }
    Ok(())
}

/// A zip part's name as calamine matches it: `/` separators, lower case.
fn normalize(name: &str) -> String {
    name.replace('\\', "/")
        .trim_start_matches('/')
        .to_ascii_lowercase()
}

/// A tag's local name and its attributes (local names) with their values.
type Tag = (Vec<u8>, Vec<(Vec<u8>, String)>);

/// The worksheet parts and their sheet names (`xl/worksheets/sheet1.xml` → `Sheet1`), read from
/// the workbook and its relationships, for messages.
fn sheet_parts(
    zip: &mut guard::Zip<'_>,
    budget: &Rc<Cell<u64>>,
) -> Option<HashMap<String, String>> {
    let mut part = |name: &str| -> Option<Vec<Tag>> {
        let file = zip.by_name(name).ok()?;
        let g = guard::Guard::new(file, guard::Part::Other, budget.clone());
        let mut xml = quick_xml::Reader::from_reader(io::BufReader::new(g));
        let mut tags = Vec::new();
        let mut buf = Vec::new();
        loop {
            match xml.read_event_into(&mut buf).ok()? {
                Event::Start(e) | Event::Empty(e) => {
                    let local = e.local_name().as_ref().to_vec();
                    if local == b"sheet" || local == b"Relationship" {
                        let attrs = e
                            .attributes()
                            .flatten()
                            .map(|a| {
                                let value = a
                                    .decode_and_unescape_value(xml.decoder())
                                    .map(|v| v.into_owned())
                                    .unwrap_or_default();
                                (a.key.local_name().as_ref().to_vec(), value)
                            })
                            .collect();
                        tags.push((local, attrs));
                    }
                }
                Event::Eof => return Some(tags),
                _ => {}
            }
            buf.clear();
        }
    };
    let get = |attrs: &[(Vec<u8>, String)], key: &[u8]| {
        attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let rels: HashMap<String, String> = part("xl/_rels/workbook.xml.rels")?
        .iter()
        .map(|(_, a)| {
            // As calamine resolves it.
            let target = get(a, b"Target");
            let path = if target.starts_with("/xl/") {
                target[1..].to_string()
            } else if target.starts_with("xl/") {
                target
            } else {
                format!("xl/{target}")
            };
            (get(a, b"Id"), normalize(&path))
        })
        .collect();
    Some(
        part("xl/workbook.xml")?
            .iter()
            .filter_map(|(_, a)| Some((rels.get(&get(a, b"id"))?.clone(), get(a, b"name"))))
            .collect(),
    )
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` (a calamine call), turning a panic inside it into a "damaged file" error. The panic
/// hook stays silent meanwhile on this thread: no message, no backtrace.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|_| {
        "the spreadsheet is damaged and cannot be read; open it in Excel or LibreOffice and save it again".into()
    })
}

fn damaged(kind: &str, e: impl std::fmt::Display) -> String {
    format!(
        "cannot read this {kind} file ({e}); open it in Excel or LibreOffice and save it again as .xlsx"
    )
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
        assert_eq!(cell_name(7, 2), "C7");
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
