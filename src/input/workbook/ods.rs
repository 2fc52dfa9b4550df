//! OpenDocument spreadsheets (`.ods`), read row by row from `content.xml` as it is inflated.
//!
//! calamine builds every sheet of an ODS as a dense grid (about 150 bytes a cell, twice over), so
//! repeat attributes or a million rows take gigabytes. Here a row is read, handed on and
//! forgotten; a repeated row is handed on once per repeat; empty rows cost nothing however many
//! are repeated; repeated spaces (`<text:s text:c="2000000000"/>`) stop at the cell limit.

use std::cell::Cell;
use std::io::{BufReader, Read};
use std::rc::Rc;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::guard::{self, Guard, Part};
use super::{Budget, RowError, cell_name, number_text};
use crate::input::text_sheet::{Cells, Record};

/// `content.xml` as XML, inflated from the file's bytes through a guard.
type Xml<'b> = Reader<BufReader<Guard<Box<dyn Read + 'b>>>>;

/// A row with a value repeated more often than this (`number-rows-repeated`) is refused: an
/// answer sheet's rows differ (each answers an indicator), so such a repeat is not one.
const MAX_FILLED_REPEAT: u64 = 65_536;

/// The ODS mimetype; `-template` (`.ots`) is a spreadsheet too.
const MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// Checks that the zip is an unencrypted OpenDocument spreadsheet and lists its sheets (tables),
/// in order.
pub fn sheet_names<'b>(zip: &mut guard::Zip<'b>, bytes: &'b [u8]) -> Result<Vec<String>, String> {
    let budget = Rc::new(Cell::new(0));
    let mut mime = Vec::new();
    if let Ok(f) = zip.by_name("mimetype") {
        let _ = f.take(128).read_to_end(&mut mime);
    }
    if !mime.starts_with(MIMETYPE) {
        let kind = String::from_utf8_lossy(&mime)
            .trim()
            .chars()
            .filter(|c| c.is_ascii_graphic())
            .take(80)
            .collect::<String>();
        return Err(format!(
            "this OpenDocument file is not a spreadsheet ({kind}); an answer sheet must be CSV, XLSX or ODS"
        ));
    }
    if let Ok(f) = zip.by_name("META-INF/manifest.xml") {
        let mut manifest = Vec::new();
        let mut g = Guard::new(f.take(4 << 20), Part::Other, budget.clone());
        if let Err(e) = g.read_to_end(&mut manifest) {
            return Err(match g.problem() {
                Some(p) => p.at("the manifest"),
                None => super::damaged("ODS", e),
            });
        }
        if memchr::memmem::find(&manifest, b"encryption-data").is_some() {
            return Err(crate::input::ole::ENCRYPTED.into());
        }
    }
    let mut xml = content(zip, bytes, budget)?;
    let mut names = Vec::new();
    let mut buf = Vec::new();
    // A limit reached while listing, once a sheet is known, is left for reading the rows to
    // report where it is (the sheet, row and cell).
    let stop = |xml: &Xml<'_>, names: &[String], e: quick_xml::Error| {
        if names.is_empty() || xml.get_ref().get_ref().problem().is_none() {
            Err(failure(xml, e))
        } else {
            Ok(())
        }
    };
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name().as_ref() == b"table:table" => {
                names.push(attr(&xml, &e, b"table:name").unwrap_or_default());
                let end = e.to_end().into_owned();
                if let Err(e) = xml.read_to_end_into(end.name(), &mut Vec::new()) {
                    stop(&xml, &names, e)?;
                    break;
                }
            }
            Ok(Event::Empty(e)) if e.name().as_ref() == b"table:table" => {
                names.push(attr(&xml, &e, b"table:name").unwrap_or_default());
            }
            Ok(Event::Eof) => break,
            Err(e) => {
                stop(&xml, &names, e)?;
                break;
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(names)
}

/// `content.xml`, inflated from the file's bytes through a guard (it borrows the bytes only,
/// not the zip, so a sheet's rows can outlive the zip they were found in).
fn content<'b>(
    zip: &mut guard::Zip<'b>,
    bytes: &'b [u8],
    budget: Rc<Cell<u64>>,
) -> Result<Xml<'b>, String> {
    let i = zip
        .index_for_name("content.xml")
        .ok_or_else(|| super::damaged("ODS", "it has no content.xml"))?;
    let f = zip.by_index_raw(i).map_err(|e| super::damaged("ODS", e))?;
    let (method, size) = (f.compression(), f.compressed_size());
    let start = f
        .data_start()
        .ok_or_else(|| super::damaged("ODS", "no data"))?;
    drop(f);
    let data = usize::try_from(start)
        .ok()
        .zip(usize::try_from(start.saturating_add(size)).ok())
        .and_then(|(a, b)| bytes.get(a..b))
        .ok_or_else(|| super::damaged("ODS", "content.xml lies outside the file"))?;
    let inner: Box<dyn Read + 'b> = match method {
        zip::CompressionMethod::Stored => Box::new(data),
        zip::CompressionMethod::Deflated => Box::new(flate2::read::DeflateDecoder::new(data)),
        other => {
            return Err(super::damaged(
                "ODS",
                format!("content.xml is compressed with {other}, which spreadsheets do not use"),
            ));
        }
    };
    let mut xml = Reader::from_reader(BufReader::new(Guard::new(inner, Part::Other, budget)));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.expand_empty_elements = false;
    Ok(xml)
}

/// The message for an XML error: the limit that stopped reading, or the damage.
fn failure(xml: &Xml<'_>, e: quick_xml::Error) -> String {
    match xml.get_ref().get_ref().problem() {
        Some(p) => p.at("the sheet"),
        None => super::damaged("ODS", e),
    }
}

fn attr(xml: &Xml<'_>, e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.decode_and_unescape_value(xml.decoder()).ok())
        .map(|v| v.into_owned())
}

/// The rows of one ODS sheet.
pub struct OdsRows<'b> {
    xml: Xml<'b>,
    buf: Vec<u8>,
    record: Record,
    /// The number of the next row in the sheet (1-based).
    next: u64,
    /// A filled row still to be handed on this many more times (`number-rows-repeated`).
    repeat: (Vec<String>, u64),
    budget: Budget,
    done: bool,
}

impl<'b> OdsRows<'b> {
    /// Opens the sheet at `index` among the document's tables.
    pub fn new(bytes: &'b [u8], index: usize) -> Result<Self, String> {
        let mut zip = guard::open(bytes, "ODS")?;
        let mut xml = content(&mut zip, bytes, Rc::new(Cell::new(0)))?;
        let mut buf = Vec::new();
        let mut seen = 0;
        loop {
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) if e.name().as_ref() == b"table:table" => {
                    if seen == index {
                        break;
                    }
                    seen += 1;
                    let end = e.to_end().into_owned();
                    if let Err(e) = xml.read_to_end_into(end.name(), &mut Vec::new()) {
                        return Err(failure(&xml, e));
                    }
                }
                Ok(Event::Empty(e)) if e.name().as_ref() == b"table:table" => {
                    if seen == index {
                        // An empty sheet: no rows at all.
                        return Ok(Self::with(xml, true));
                    }
                    seen += 1;
                }
                Ok(Event::Eof) => return Ok(Self::with(xml, true)),
                Err(e) => return Err(failure(&xml, e)),
                _ => {}
            }
            buf.clear();
        }
        Ok(Self::with(xml, false))
    }

    fn with(xml: Xml<'b>, done: bool) -> Self {
        OdsRows {
            xml,
            buf: Vec::new(),
            record: Record::default(),
            next: 1,
            repeat: (Vec::new(), 0),
            budget: Budget::default(),
            done,
        }
    }

    /// The next row: `Ok(Some(fields))` for a filled row (numbered `self.next - 1` afterwards),
    /// `Ok(None)` at the end of the sheet.
    pub fn next_row(&mut self) -> Option<Result<(u64, Cells<'_>), RowError>> {
        if self.done {
            return None;
        }
        if self.repeat.1 == 0 {
            match self.read_filled_row() {
                Ok(Some(())) => {}
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    if e.1.fatal {
                        self.done = true;
                    }
                    return Some(Err((e.0, e.1.message)));
                }
            }
        }
        let line = self.next;
        self.next += 1;
        self.repeat.1 -= 1;
        if let Err(message) = self.budget.take(&self.repeat.0, line) {
            self.done = true;
            return Some(Err((line, message)));
        }
        self.record.clear();
        for f in &self.repeat.0 {
            self.record.push_field(f);
        }
        Some(Ok((line, self.record.cells_from(0))))
    }

    /// Reads rows until one with a value (left in `self.repeat`), skipping empty ones.
    fn read_filled_row(&mut self) -> Result<Option<()>, (u64, Stop)> {
        loop {
            self.buf.clear();
            let event = match self.xml.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(e) => return Err((self.next, Stop::fatal(failure(&self.xml, e)))),
            };
            let (start, empty) = match event {
                Event::Start(e) if e.name().as_ref() == b"table:table-row" => {
                    (e.into_owned(), false)
                }
                Event::Empty(e) if e.name().as_ref() == b"table:table-row" => {
                    (e.into_owned(), true)
                }
                Event::End(e) if e.name().as_ref() == b"table:table" => return Ok(None),
                Event::Eof => return Ok(None),
                _ => continue,
            };
            let repeat = self.repeat_attr(&start, b"table:number-rows-repeated")?;
            let fields = if empty {
                Vec::new()
            } else {
                match self.read_cells() {
                    Ok(fields) => fields,
                    Err((line, stop)) => {
                        if !stop.fatal {
                            self.next = self.next.saturating_add(repeat);
                        }
                        return Err((line, stop));
                    }
                }
            };
            if fields.iter().all(String::is_empty) {
                self.next = self.next.saturating_add(repeat);
                if self.next > super::MAX_ROW {
                    return Ok(None);
                }
                continue;
            }
            if repeat > MAX_FILLED_REPEAT {
                return Err((
                    self.next,
                    Stop::fatal(format!(
                        "this row is repeated {repeat} times (number-rows-repeated); an answer sheet has one row per answer, so delete the repeated rows and save it again"
                    )),
                ));
            }
            self.repeat = (fields, repeat);
            return Ok(Some(()));
        }
    }

    fn repeat_attr(&self, e: &BytesStart<'_>, name: &[u8]) -> Result<u64, (u64, Stop)> {
        match attr(&self.xml, e, name) {
            None => Ok(1),
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) => Ok(n.max(1)),
                Err(_) => Err((
                    self.next,
                    Stop::fatal(super::damaged(
                        "ODS",
                        format!("{} is not a count", v.trim()),
                    )),
                )),
            },
        }
    }

    /// The cells of the row just opened, up to its end; a cell too long is a problem of the row.
    fn read_cells(&mut self) -> Result<Vec<String>, (u64, Stop)> {
        let mut fields: Vec<String> = Vec::new();
        let mut col: u64 = 0;
        let mut too_long: Option<String> = None;
        loop {
            self.buf.clear();
            let event = match self.xml.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(e) => return Err((self.next, stop_at(&self.xml, self.next, col, e))),
            };
            let (start, empty) = match event {
                Event::Start(e)
                    if matches!(
                        e.name().as_ref(),
                        b"table:table-cell" | b"table:covered-table-cell"
                    ) =>
                {
                    (e.into_owned(), false)
                }
                Event::Empty(e)
                    if matches!(
                        e.name().as_ref(),
                        b"table:table-cell" | b"table:covered-table-cell"
                    ) =>
                {
                    (e.into_owned(), true)
                }
                Event::End(e) if e.name().as_ref() == b"table:table-row" => break,
                Event::Eof => {
                    return Err((
                        self.next,
                        Stop::fatal(super::damaged("ODS", "it ends inside a row")),
                    ));
                }
                _ => continue,
            };
            let repeat = self.repeat_attr(&start, b"table:number-columns-repeated")?;
            let text = match self.cell_value(&start, empty, col)? {
                Ok(text) => text,
                Err(long) => {
                    too_long.get_or_insert(long);
                    String::new()
                }
            };
            if !text.is_empty() && col <= super::MAX_COLUMN as u64 {
                let last = col.saturating_add(repeat - 1).min(super::MAX_COLUMN as u64);
                if fields.len() <= last as usize {
                    fields.resize(last as usize + 1, String::new());
                }
                for f in &mut fields[col as usize..=last as usize] {
                    f.clone_from(&text);
                }
            }
            col = col.saturating_add(repeat);
        }
        match too_long {
            Some(message) => Err((self.next, Stop::row(message))),
            None => Ok(fields),
        }
    }

    /// A cell's value as calamine reads it (a number's value, a string's text, a date's ISO
    /// text, `true`/`false`), or `Err` with the message for a cell longer than the limit.
    #[allow(clippy::type_complexity)]
    fn cell_value(
        &mut self,
        start: &BytesStart<'_>,
        empty: bool,
        col: u64,
    ) -> Result<Result<String, String>, (u64, Stop)> {
        let mut value: Option<String> = None;
        let mut is_string = false;
        for a in start.attributes().flatten() {
            let text = || {
                a.decode_and_unescape_value(self.xml.decoder())
                    .map(|v| v.into_owned())
                    .unwrap_or_default()
            };
            match a.key.as_ref() {
                b"office:value" if value.is_none() => {
                    let t = text();
                    value = Some(match t.trim().parse::<f64>() {
                        Ok(f) => number_text(f),
                        Err(_) => t,
                    });
                }
                b"office:string-value" | b"office:date-value" | b"office:time-value"
                    if value.is_none() =>
                {
                    value = Some(text());
                }
                b"office:boolean-value" if value.is_none() => {
                    let v = &*a.value;
                    value = Some((v == b"true" || v == b"TRUE").to_string());
                }
                b"office:value-type" if value.is_none() => is_string = &*a.value == b"string",
                _ => {}
            }
        }
        if empty {
            return Ok(Ok(value.unwrap_or_default()));
        }
        let limit = crate::input::sheets::MAX_CELL_BYTES;
        let mut text = String::new();
        let mut long = false;
        let read_text = value.is_none() && is_string;
        let mut depth = 0usize;
        let mut paragraphs = 0usize;
        let mut note = 0usize;
        loop {
            self.buf.clear();
            let event = match self.xml.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(e) => return Err((self.next, stop_at(&self.xml, self.next, col, e))),
            };
            match event {
                Event::Start(e) => {
                    depth += 1;
                    let name = e.name();
                    if note > 0 || name.as_ref() == b"office:annotation" {
                        note += 1;
                    } else if read_text {
                        match name.as_ref() {
                            b"text:p" | b"text:h" => {
                                if paragraphs > 0 {
                                    push(&mut text, &mut long, "\n", limit);
                                }
                                paragraphs += 1;
                            }
                            b"text:s" => spaces(&self.xml, &e, &mut text, &mut long, limit),
                            _ => {}
                        }
                    }
                }
                Event::Empty(e) if read_text && note == 0 => match e.name().as_ref() {
                    b"text:s" => spaces(&self.xml, &e, &mut text, &mut long, limit),
                    b"text:tab" => push(&mut text, &mut long, "\t", limit),
                    b"text:line-break" => push(&mut text, &mut long, "\n", limit),
                    b"text:p" | b"text:h" => {
                        if paragraphs > 0 {
                            push(&mut text, &mut long, "\n", limit);
                        }
                        paragraphs += 1;
                    }
                    _ => {}
                },
                Event::End(_) if depth == 0 => break,
                Event::End(_) => {
                    depth -= 1;
                    note = note.saturating_sub(1);
                }
                Event::Text(t) if read_text && note == 0 => {
                    if let Ok(s) = t.xml10_content() {
                        push(&mut text, &mut long, &s, limit);
                    }
                }
                Event::CData(t) if read_text && note == 0 => {
                    if let Ok(s) = t.decode() {
                        push(&mut text, &mut long, &s, limit);
                    }
                }
                Event::GeneralRef(r) if read_text && note == 0 => {
                    let s = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => match r.decode().as_deref() {
                            Ok("lt") => "<".into(),
                            Ok("gt") => ">".into(),
                            Ok("amp") => "&".into(),
                            Ok("apos") => "'".into(),
                            Ok("quot") => "\"".into(),
                            _ => String::new(),
                        },
                    };
                    push(&mut text, &mut long, &s, limit);
                }
                Event::Eof => {
                    return Err((
                        self.next,
                        Stop::fatal(super::damaged("ODS", "it ends inside a cell")),
                    ));
                }
                _ => {}
            }
        }
        if long {
            return Ok(Err(super::too_long_cell(&cell_name(
                self.next,
                col.min(u32::MAX as u64) as u32,
            ))));
        }
        Ok(Ok(value.unwrap_or(text)))
    }
}

/// Appends `s` unless the cell would grow past `limit` (then marks it `long`).
fn push(text: &mut String, long: &mut bool, s: &str, limit: usize) {
    if text.len() + s.len() > limit {
        *long = true;
    } else {
        text.push_str(s);
    }
}

/// `<text:s text:c="N"/>`: N spaces, never more than the cell limit allows.
fn spaces(xml: &Xml<'_>, e: &BytesStart<'_>, text: &mut String, long: &mut bool, limit: usize) {
    let n = attr(xml, e, b"text:c")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1);
    if text.len() as u64 + n > limit as u64 {
        *long = true;
    } else {
        text.extend(std::iter::repeat_n(' ', n as usize));
    }
}

/// Where a read stopped inside a row: the limit that stopped it at this cell, or the damage.
fn stop_at(xml: &Xml<'_>, row: u64, col: u64, e: quick_xml::Error) -> Stop {
    let cell = cell_name(row, col.min(u32::MAX as u64) as u32);
    Stop::fatal(match xml.get_ref().get_ref().problem() {
        Some(p) => p.at(&format!("cell {cell}")),
        None => super::damaged("ODS", e),
    })
}

/// Why reading a row stopped: a problem of that row, or of the whole sheet.
struct Stop {
    message: String,
    fatal: bool,
}

impl Stop {
    fn fatal(message: String) -> Self {
        Stop {
            message,
            fatal: true,
        }
    }

    fn row(message: String) -> Self {
        Stop {
            message,
            fatal: false,
        }
    }
}
