//! Text answer sheets read in chunks, at about the speed of the CSV parser alone.
//!
//! A sheet is read in [`CHUNK`]-sized pieces, so memory does not grow with the file. A sheet
//! larger than one chunk is read, hashed (SHA-256, for the result's receipt) and parsed on a
//! second thread ([`read_on_a_thread`]) while this one checks the rows. The parser is `csv_core`
//! driven directly; each row's cells are appended to a [`Record`] (one row, or a batch of
//! `BATCH_ROWS` rows handed over from the reading thread) and read in place through
//! [`RowSource`], so a row's text is copied once after parsing. Line numbers count blank lines
//! and CRLF correctly, and the limits that keep hostile files cheap (line length, columns, row
//! size, an unclosed quote) are checked as the bytes go by. Encodings are those Excel writes
//! (see [`crate::input::decode`]).

use std::io::Read;
use std::sync::mpsc;

use csv_core::ReadRecordResult;
use sha2::{Digest, Sha256};

use crate::input::decode::{self, Encoding};

/// How much is read at a time.
pub const CHUNK: usize = 256 << 10;
/// A physical line longer than this is refused (a row of a few 64 KiB cells is far shorter).
pub const MAX_LINE_BYTES: usize = 4 << 20;
/// A row with more columns than Excel allows is refused.
pub const MAX_COLUMNS: usize = 16_384;
/// A row (all its cells, which may span lines inside quotes) longer than this is refused.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// Cells one after another: their text, and where each ends. One row (the slice path, a
/// workbook) or a batch of rows (the reading thread appends rows to it). Reused.
#[derive(Debug, Clone, Default)]
pub struct Record {
    text: String,
    ends: Vec<usize>,
}

impl Record {
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    pub fn push_field(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    /// The cells from the `first`-th on: the row appended last when `first` was
    /// [`Record::cell_count`] before it was read.
    pub fn cells_from(&self, first: usize) -> Cells<'_> {
        Cells {
            text: &self.text,
            start: if first == 0 { 0 } else { self.ends[first - 1] },
            ends: &self.ends[first..],
        }
    }

    pub fn cell_count(&self) -> usize {
        self.ends.len()
    }

    /// Drops the cells from the `first`-th on.
    fn truncate(&mut self, first: usize) {
        let len = self.cells_from(first).start;
        self.text.truncate(len);
        self.ends.truncate(first);
    }
}

/// One row's cells, borrowed from where they were read into.
#[derive(Debug, Clone, Copy)]
pub struct Cells<'a> {
    text: &'a str,
    /// Where the first cell starts in `text`.
    start: usize,
    /// Where each cell ends in `text`.
    ends: &'a [usize],
}

impl<'a> Cells<'a> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The length of all the cells' text.
    pub fn text_len(&self) -> usize {
        self.ends.last().map_or(0, |&end| end - self.start)
    }

    pub fn get(&self, i: usize) -> Option<&'a str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { self.start } else { self.ends[i - 1] };
        self.text.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let cells = *self;
        (0..cells.len()).map(move |i| cells.get(i).unwrap_or(""))
    }
}

/// Rows one at a time, whatever they are read from (a text sheet in memory or on another
/// thread, a workbook's sheet).
pub trait RowSource {
    /// The next row: its line and cells, or a located problem; `None` at the end.
    fn next_row(&mut self) -> Option<Result<(u64, Cells<'_>), (u64, String)>>;

    /// The warning about a guessed encoding, once every row has been read.
    fn encoding_warning(&self) -> Option<String> {
        None
    }
}

/// A text sheet's rows, parsed here.
pub struct SheetRows<'s, 'c> {
    sheet: TextSheet,
    chunks: &'s mut Chunks<'c>,
    record: Record,
}

impl<'s, 'c> SheetRows<'s, 'c> {
    pub fn new(sheet: TextSheet, chunks: &'s mut Chunks<'c>) -> Self {
        SheetRows {
            sheet,
            chunks,
            record: Record::default(),
        }
    }
}

impl RowSource for SheetRows<'_, '_> {
    fn next_row(&mut self) -> Option<Result<(u64, Cells<'_>), (u64, String)>> {
        self.record.clear();
        Some(
            self.sheet
                .next_row(self.chunks, &mut self.record)?
                .map(|line| (line, self.record.cells_from(0))),
        )
    }

    fn encoding_warning(&self) -> Option<String> {
        self.sheet.warning()
    }
}

/// A workbook sheet's rows: `(row number, cells)`.
pub struct ListedRows<I> {
    rows: I,
    record: Record,
}

impl<I> ListedRows<I> {
    pub fn new(rows: I) -> Self {
        ListedRows {
            rows,
            record: Record::default(),
        }
    }
}

impl<I: Iterator<Item = (u64, Vec<String>)>> RowSource for ListedRows<I> {
    fn next_row(&mut self) -> Option<Result<(u64, Cells<'_>), (u64, String)>> {
        let (line, cells) = self.rows.next()?;
        self.record.clear();
        cells.iter().for_each(|c| self.record.push_field(c));
        Some(Ok((line, self.record.cells_from(0))))
    }
}

/// The chunks of one input, in order. The first can be looked at before it is consumed.
pub struct Chunks<'a> {
    kind: Kind<'a>,
    /// The chunk last returned (read inputs).
    current: Vec<u8>,
    /// The first chunk has been fetched by [`Chunks::peek`] and not yet returned.
    peeked: bool,
    /// The first bytes of the input, for messages about what a binary file is.
    head: Vec<u8>,
}

enum Kind<'a> {
    Slice {
        data: &'a [u8],
        /// The one chunk has been returned; then the end.
        given: bool,
        ended: bool,
    },
    Read {
        reader: Box<dyn Read + Send + 'a>,
        /// `None` when the digest is not wanted.
        hasher: Option<Sha256>,
        total: u64,
        max_bytes: u64,
        too_big: fn(u64) -> String,
    },
}

impl<'a> Chunks<'a> {
    /// The bytes of a sheet already in memory, as one chunk.
    pub fn slice(data: &'a [u8]) -> Self {
        Chunks {
            kind: Kind::Slice {
                data,
                given: false,
                ended: false,
            },
            current: Vec::new(),
            peeked: false,
            head: Vec::new(),
        }
    }

    /// A reader's bytes, [`CHUNK`] at a time, hashed as they are read; more than `max_bytes`
    /// is an error saying `too_big(bytes)`.
    pub fn read(
        reader: Box<dyn Read + Send + 'a>,
        max_bytes: u64,
        too_big: fn(u64) -> String,
    ) -> Self {
        Chunks {
            kind: Kind::Read {
                reader,
                hasher: Some(Sha256::new()),
                total: 0,
                max_bytes,
                too_big,
            },
            current: Vec::with_capacity(CHUNK),
            peeked: false,
            head: Vec::new(),
        }
    }

    /// Whether a read input is hashed (it is unless told here, before the first chunk).
    pub fn hashing(&mut self, on: bool) {
        if let Kind::Read { hasher, .. } = &mut self.kind {
            *hasher = on.then(Sha256::new);
        }
    }

    /// The SHA-256 (hex) of the bytes read, once they all have been; empty when not hashed.
    pub fn sha256(self) -> String {
        match self.kind {
            Kind::Slice { data, .. } => crate::input::model::sha256_hex(data),
            Kind::Read { hasher, .. } => hasher
                .map(|h| crate::input::model::hex(&h.finalize()))
                .unwrap_or_default(),
        }
    }

    /// The first chunk, without consuming it (empty for an empty input).
    pub fn peek(&mut self) -> Result<&[u8], String> {
        if !self.peeked {
            self.fetch()?;
            self.peeked = true;
            let head = self.bytes();
            self.head = head[..head.len().min(decode::HEAD_BYTES)].to_vec();
        }
        Ok(self.bytes())
    }

    /// The next chunk; `None` at the end.
    pub fn next_chunk(&mut self) -> Result<Option<&[u8]>, String> {
        if std::mem::take(&mut self.peeked) {
            return Ok((!self.bytes().is_empty()).then(|| self.bytes()));
        }
        Ok(self.fetch()?.then(|| self.bytes()))
    }

    /// The input's first bytes.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    fn bytes(&self) -> &[u8] {
        match &self.kind {
            Kind::Slice { data, given, ended } => {
                if *given && !*ended {
                    data
                } else {
                    &[]
                }
            }
            Kind::Read { .. } => &self.current,
        }
    }

    /// Moves to the next chunk; false at the end.
    fn fetch(&mut self) -> Result<bool, String> {
        match &mut self.kind {
            Kind::Slice { data, given, ended } => {
                if *given || data.is_empty() {
                    *given = true;
                    *ended = true;
                    return Ok(false);
                }
                *given = true;
                Ok(true)
            }
            Kind::Read {
                reader,
                hasher,
                total,
                max_bytes,
                too_big,
            } => {
                self.current.clear();
                // `take` fills the chunk unless the input ends (a read may return less).
                let n = reader
                    .take(CHUNK as u64)
                    .read_to_end(&mut self.current)
                    .map_err(|e| format!("cannot read: {e}"))?;
                *total += n as u64;
                if *total > *max_bytes {
                    return Err(too_big(*total));
                }
                if let Some(h) = hasher {
                    h.update(&self.current);
                }
                Ok(n > 0)
            }
        }
    }
}

/// Rows read on a second thread, in batches: the reading thread reads, hashes and parses while
/// this one checks rows. What [`read_on_a_thread`] hands over first.
pub enum Opened {
    /// A workbook: read whole, to be opened by [`crate::input::workbook`].
    Workbook(Vec<u8>),
    /// A text sheet's rows.
    Text(Rows),
    /// The sheet cannot be read at all (line 0 for the whole file).
    Failed(u64, String),
}

/// Rows in the order read, from the reading thread.
pub struct Rows {
    batches: mpsc::Receiver<Message>,
    spent: mpsc::Sender<Batch>,
    batch: Batch,
    next: usize,
    /// The first cell of the next row in `batch`.
    cell: usize,
    warning: Option<String>,
    done: bool,
}

#[derive(Default)]
struct Batch {
    /// The rows' cells, one row after another.
    cells: Record,
    /// Per row: its line and number of cells, or a located problem.
    rows: Vec<Result<(u64, usize), (u64, String)>>,
}

enum Message {
    Workbook(Vec<u8>),
    Failed(u64, String),
    /// A text sheet: its rows follow.
    Text,
    Rows(Batch),
    /// The end, with the encoding warning if any.
    End(Option<String>),
}

/// Rows per batch: enough to make a hand-over (a thread wake-up) rare, few enough for a batch
/// (~250 KiB) to stay in cache.
const BATCH_ROWS: usize = 4096;
/// A batch is handed over once its text is this long, however few its rows: rows of long cells
/// (a hostile sheet's, each refused later) would otherwise fill a batch of [`BATCH_ROWS`] with
/// most of the file (a 250 MiB file of 60 KiB windows-1252 cells took 780 MB, not 290 MB).
const BATCH_BYTES: usize = CHUNK;

impl RowSource for Rows {
    /// The next row, read in place in the batch it came in.
    fn next_row(&mut self) -> Option<Result<(u64, Cells<'_>), (u64, String)>> {
        loop {
            if let Some(row) = self.batch.rows.get(self.next) {
                self.next += 1;
                return Some(match row {
                    Ok((line, cells)) => {
                        let first = self.cell;
                        self.cell += cells;
                        let all = self.batch.cells.cells_from(first);
                        Ok((
                            *line,
                            Cells {
                                ends: &all.ends[..*cells],
                                ..all
                            },
                        ))
                    }
                    Err(e) => Err(e.clone()),
                });
            }
            if self.done {
                return None;
            }
            match self.batches.recv() {
                Ok(Message::Rows(batch)) => {
                    let spent = std::mem::replace(&mut self.batch, batch);
                    let _ = self.spent.send(spent);
                    self.next = 0;
                    self.cell = 0;
                }
                Ok(Message::End(warning)) => {
                    self.warning = warning;
                    self.done = true;
                }
                Ok(Message::Failed(line, e)) => {
                    self.done = true;
                    return Some(Err((line, e)));
                }
                Ok(_) | Err(_) => self.done = true,
            }
        }
    }

    fn encoding_warning(&self) -> Option<String> {
        self.warning.clone()
    }
}

/// Reads `reader` on a second thread (reading, hashing, parsing) and gives [`Opened`] to
/// `consume` on this one. Returns what `consume` returns and the SHA-256 of the input (an
/// error when it could not be read to its end). When `consume` stops early, so does reading.
pub fn read_on_a_thread<T>(
    reader: Box<dyn Read + Send + '_>,
    max_bytes: u64,
    too_big: fn(u64) -> String,
    encoding: Encoding,
    delimiter: Option<u8>,
    recognised: &(dyn Fn(&str) -> bool + Sync),
    consume: impl FnOnce(Opened) -> T,
) -> (T, Result<String, String>) {
    let reading = Reading {
        max_bytes,
        too_big,
        encoding,
        delimiter,
        recognised,
        hash: true,
    };
    read_on_a_thread_with(reader, &reading, consume)
}

/// How [`read_on_a_thread_with`] reads.
#[derive(Clone, Copy)]
pub struct Reading<'a> {
    /// More bytes than this is an error saying `too_big(bytes)`.
    pub max_bytes: u64,
    pub too_big: fn(u64) -> String,
    pub encoding: Encoding,
    pub delimiter: Option<u8>,
    /// Whether a header cell names a known column (for sniffing the delimiter).
    pub recognised: &'a (dyn Fn(&str) -> bool + Sync),
    /// Compute the SHA-256 of the input (about half the time of a bare CSV pass); without it
    /// the digest returned is empty.
    pub hash: bool,
}

/// [`read_on_a_thread`], hashing or not.
pub fn read_on_a_thread_with<T>(
    reader: Box<dyn Read + Send + '_>,
    reading: &Reading<'_>,
    consume: impl FnOnce(Opened) -> T,
) -> (T, Result<String, String>) {
    let &Reading {
        max_bytes,
        too_big,
        encoding,
        delimiter,
        recognised,
        hash,
    } = reading;
    std::thread::scope(|scope| {
        // One batch waiting, one being filled, one being checked: enough to keep both threads
        // busy (a deeper queue was no faster), and the memory of a long read stays the same
        // whether the checking thread falls behind for a moment or not.
        let (send, batches) = mpsc::sync_channel(1);
        let (spent, recycled) = mpsc::channel::<Batch>();
        let reading = scope.spawn(move || {
            let mut chunks = Chunks::read(reader, max_bytes, too_big);
            chunks.hashing(hash);
            let opened = match chunks.peek() {
                Err(e) => Err((0, e)),
                Ok(first) if crate::input::workbook::is_workbook(first) => {
                    let mut bytes = Vec::new();
                    loop {
                        match chunks.next_chunk() {
                            Ok(Some(chunk)) => {
                                bytes.extend_from_slice(chunk);
                                // A workbook is held whole while it is read: refuse a large
                                // one before holding it.
                                let len = bytes.len() as u64;
                                if len > crate::input::workbook::MAX_WORKBOOK_BYTES {
                                    let e = crate::input::workbook::too_big();
                                    let _ = send.send(Message::Failed(0, e.clone()));
                                    return Err(e);
                                }
                            }
                            Ok(None) => break,
                            Err(e) => {
                                let _ = send.send(Message::Failed(0, e.clone()));
                                return Err(e);
                            }
                        }
                    }
                    let _ = send.send(Message::Workbook(bytes));
                    return Ok(chunks.sha256());
                }
                Ok(_) => TextSheet::open(&mut chunks, encoding, delimiter, recognised),
            };
            let mut sheet = match opened {
                Ok(sheet) => sheet,
                Err((line, e)) => {
                    let _ = send.send(Message::Failed(line, e.clone()));
                    return Err(e);
                }
            };
            if send.send(Message::Text).is_err() {
                return Err("reading stopped early".into());
            }
            let mut batch = Batch::default();
            loop {
                let first = batch.cells.cell_count();
                match sheet.next_row(&mut chunks, &mut batch.cells) {
                    None => break,
                    Some(Ok(line)) => batch
                        .rows
                        .push(Ok((line, batch.cells.cell_count() - first))),
                    Some(Err(e)) => batch.rows.push(Err(e)),
                }
                if batch.rows.len() == BATCH_ROWS || batch.cells.text.len() >= BATCH_BYTES {
                    let mut next = recycled.try_recv().unwrap_or_default();
                    next.cells.clear();
                    next.rows.clear();
                    if send
                        .send(Message::Rows(std::mem::replace(&mut batch, next)))
                        .is_err()
                    {
                        return Err("reading stopped early".into());
                    }
                }
            }
            let _ = send.send(Message::Rows(batch));
            let _ = send.send(Message::End(sheet.warning()));
            Ok(chunks.sha256())
        });
        let out = match batches.recv() {
            Ok(Message::Text) => consume(Opened::Text(Rows {
                batches,
                spent,
                batch: Batch::default(),
                next: 0,
                cell: 0,
                warning: None,
                done: false,
            })),
            Ok(Message::Workbook(bytes)) => consume(Opened::Workbook(bytes)),
            Ok(Message::Failed(line, e)) => consume(Opened::Failed(line, e)),
            _ => consume(Opened::Failed(0, "reading the file failed".into())),
        };
        let digest = reading
            .join()
            .unwrap_or_else(|_| Err("reading the file failed".into()));
        (out, digest)
    })
}

/// How the text's bytes become UTF-8, per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowText {
    /// UTF-8 or an error (a UTF-8 BOM, `--encoding utf-8`, or transcoded UTF-16).
    Utf8,
    /// UTF-8 where the row is, windows-1252 otherwise (no BOM, nothing forced).
    Guess,
    /// windows-1252 (`--encoding windows-1252`).
    Windows1252,
}

/// Follows quoting over the text as the parser will, a chunk ahead of it, to name the line of a
/// quote that is never closed. Chunks without a quote cost one `memchr`.
#[derive(Debug, Clone, Copy)]
struct QuoteScan {
    state: Quotes,
    /// The line of the last quote that opened a cell.
    opened: u64,
    delimiter: u8,
}

impl QuoteScan {
    /// Follows quoting over `text` (which starts on line `line`), as the parser will.
    fn scan(&mut self, text: &[u8], mut line: u64) {
        let is_break = |b: u8| b == b'\n' || b == b'\r';
        let lines_in = |t: &[u8]| t.iter().filter(|&&b| b == b'\n').count() as u64;
        let mut i = 0;
        while i < text.len() {
            match self.state {
                Quotes::Outside { at_cell_start } => match memchr::memchr(b'"', &text[i..]) {
                    None => {
                        let last = text[text.len() - 1];
                        self.state = Quotes::Outside {
                            at_cell_start: last == self.delimiter || is_break(last),
                        };
                        return;
                    }
                    Some(k) => {
                        let q = i + k;
                        line += lines_in(&text[i..q]);
                        let opens = if q > i {
                            text[q - 1] == self.delimiter || is_break(text[q - 1])
                        } else {
                            at_cell_start
                        };
                        if opens {
                            self.state = Quotes::Inside;
                            self.opened = line;
                        } else {
                            self.state = Quotes::Outside {
                                at_cell_start: false,
                            };
                        }
                        i = q + 1;
                    }
                },
                Quotes::Inside => match memchr::memchr(b'"', &text[i..]) {
                    None => return,
                    Some(k) => {
                        line += lines_in(&text[i..i + k]);
                        self.state = Quotes::QuoteInside;
                        i += k + 1;
                    }
                },
                Quotes::QuoteInside => {
                    if text[i] == b'"' {
                        self.state = Quotes::Inside;
                        i += 1;
                    } else {
                        self.state = Quotes::Outside {
                            at_cell_start: false,
                        };
                    }
                }
            }
        }
    }
}

/// What is wrong with a quote that opens a cell and is never closed, said at the quote's line.
pub(crate) const UNCLOSED_QUOTE: &str = "a quote (\") opens a cell here and is never closed, so every row after it would be read into that one cell; add the closing quote or remove this one";

/// The line of a quote that opens a cell in `text` and is never closed, following quoting as
/// the CSV parser (`csv`, `csv_core`) does with `delimiter`: `None` when every quoted cell is
/// closed. A UTF-8 BOM at the start is skipped, as the parser skips it. For the CSV files read
/// whole (a responsibility map, an effort file), where the parser itself would silently read
/// the rest of the file into one cell.
pub(crate) fn unclosed_quote_line(text: &[u8], delimiter: u8) -> Option<u64> {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let mut quotes = QuoteScan {
        state: Quotes::Outside {
            at_cell_start: true,
        },
        opened: 0,
        delimiter,
    };
    quotes.scan(text, 1);
    (quotes.state == Quotes::Inside).then_some(quotes.opened)
}

/// Whether the bytes seen so far leave a quoted cell open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quotes {
    Outside {
        at_cell_start: bool,
    },
    Inside,
    /// A quote inside a quoted cell: `""` (an escaped quote) or the cell's end.
    QuoteInside,
}

/// A CSV parser for `delimiter`, taken from this thread's parsers given back by sheets already
/// read ([`give_back`]), or built. Building one compiles its state machine, which cost more
/// than reading a one-row sheet (100 000 sheets in a folder spent half their time here).
/// (A parser cannot be cloned instead: csv_core's clone copies only part of its tables.)
fn csv_reader(delimiter: u8) -> csv_core::Reader {
    let reused = PARSERS.with(|p| {
        let mut p = p.borrow_mut();
        let at = p.iter().position(|(d, _)| *d == delimiter)?;
        Some(p.swap_remove(at).1)
    });
    match reused {
        Some(mut r) => {
            r.reset();
            r
        }
        None => csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
    }
}

/// Keeps a parser for the next sheet read on this thread.
fn give_back(delimiter: u8, reader: csv_core::Reader) {
    PARSERS.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() < 8 {
            p.push((delimiter, reader));
        }
    });
}

thread_local! {
    /// Parsers given back by sheets read on this thread, with their delimiters.
    static PARSERS: std::cell::RefCell<Vec<(u8, csv_core::Reader)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The rows of one text sheet.
pub struct TextSheet {
    core: csv_core::Reader,
    /// The delimiter `core` was built for, once it is (it goes back to the pool then).
    pooled: Option<u8>,
    delimiter: u8,
    rows: RowText,
    utf16: Option<(encoding_rs::Decoder, Encoding)>,
    /// Transcoded UTF-16, when the input is UTF-16.
    decoded: Vec<u8>,
    /// Where parsing is in the current text chunk.
    pos: usize,
    at_end: bool,
    done: bool,
    raw_bytes: u64,
    /// Between rows: line breaks are skipped here, counted in `newlines`, so a row's line is
    /// known when its first byte is reached.
    at_row_start: bool,
    newlines: u64,
    row_line: u64,
    out: Vec<u8>,
    ends: Vec<usize>,
    nout: usize,
    nend: usize,
    /// Bytes since the last line break (for [`MAX_LINE_BYTES`]).
    line_len: usize,
    quotes: QuoteScan,
    /// Excel's `sep=` line is the first row and is not data.
    skip_hint: bool,
    /// A line longer than [`MAX_LINE_BYTES`] started on this line: its length is being
    /// measured (for the message) and nothing is parsed.
    overlong: Option<u64>,
    /// A UTF-8 row with letters beyond ASCII was seen (line), and a row was read as
    /// windows-1252 (line).
    utf8_seen: Option<u64>,
    guessed: Option<u64>,
}

impl Drop for TextSheet {
    fn drop(&mut self) {
        if let Some(delimiter) = self.pooled.take() {
            give_back(delimiter, std::mem::take(&mut self.core));
        }
    }
}

impl TextSheet {
    /// Starts reading: the encoding (BOM, forced or guessed), Excel's `sep=` line and the
    /// delimiter (forced, from `sep=`, or sniffed from the header with `recognised`).
    pub fn open(
        chunks: &mut Chunks<'_>,
        forced: Encoding,
        delimiter: Option<u8>,
        recognised: impl Fn(&str) -> bool,
    ) -> Result<TextSheet, (u64, String)> {
        let first = chunks.peek().map_err(|e| (0, e))?;
        let bom_of = |bom: &[u8]| if first.starts_with(bom) { bom.len() } else { 0 };
        let (rows, utf16, skip) = match forced {
            Encoding::Auto if first.starts_with(b"\xEF\xBB\xBF") => (RowText::Utf8, None, 3),
            Encoding::Auto if first.starts_with(b"\xFF\xFE") => {
                (RowText::Utf8, Some(Encoding::Utf16le), 2)
            }
            Encoding::Auto if first.starts_with(b"\xFE\xFF") => {
                (RowText::Utf8, Some(Encoding::Utf16be), 2)
            }
            Encoding::Auto => (RowText::Guess, None, 0),
            Encoding::Utf8 => (RowText::Utf8, None, bom_of(b"\xEF\xBB\xBF")),
            Encoding::Utf16le => (RowText::Utf8, Some(forced), bom_of(b"\xFF\xFE")),
            Encoding::Utf16be => (RowText::Utf8, Some(forced), bom_of(b"\xFE\xFF")),
            Encoding::Windows1252 => (RowText::Windows1252, None, 0),
        };
        let utf16 = utf16.map(|e| {
            let enc = if e == Encoding::Utf16le {
                encoding_rs::UTF_16LE
            } else {
                encoding_rs::UTF_16BE
            };
            (enc.new_decoder_without_bom_handling(), e)
        });
        let mut sheet = TextSheet {
            // Built once the delimiter is known.
            core: csv_core::Reader::default(),
            pooled: None,
            delimiter: b',',
            rows,
            utf16,
            decoded: Vec::new(),
            pos: 0,
            at_end: false,
            done: false,
            raw_bytes: 0,
            at_row_start: true,
            newlines: 0,
            row_line: 1,
            out: vec![0; 1024],
            ends: vec![0; 64],
            nout: 0,
            nend: 0,
            line_len: 0,
            quotes: QuoteScan {
                state: Quotes::Outside {
                    at_cell_start: true,
                },
                opened: 0,
                delimiter: b',',
            },
            skip_hint: false,
            overlong: None,
            utf8_seen: None,
            guessed: None,
        };
        // The first chunk decides the delimiter; its checks run once it is known.
        let mut raw_skip = skip;
        if !sheet.fetch_text(chunks, &mut raw_skip, false)? {
            sheet.at_end = true;
        }
        let all = if sheet.utf16.is_some() {
            &sheet.decoded[..]
        } else {
            chunks.bytes()
        };
        let mut text = &all[sheet.pos.min(all.len())..];
        if let Some(rest) = text.strip_prefix("\u{feff}".as_bytes()) {
            text = rest;
            sheet.pos += 3;
        }
        let start = String::from_utf8_lossy(&text[..text.len().min(CHUNK)]);
        let hint = decode::sep_hint(&start);
        sheet.delimiter = delimiter
            .or(hint)
            .unwrap_or_else(|| decode::sniff_delimiter(&start, recognised));
        sheet.skip_hint = hint.is_some();
        sheet.quotes.delimiter = sheet.delimiter;
        sheet.core = csv_reader(sheet.delimiter);
        sheet.pooled = Some(sheet.delimiter);
        if !sheet.at_end {
            sheet.check_text(chunks)?;
        }
        Ok(sheet)
    }

    /// A warning about the encoding, when windows-1252 was guessed for some rows.
    pub fn warning(&self) -> Option<String> {
        let line = self.guessed?;
        Some(match self.utf8_seen {
            None => format!(
                "line {line} is not UTF-8, so the file was read as windows-1252 (Excel's \"CSV (Comma delimited)\"); if letters look wrong, save it in Excel as \"CSV UTF-8 (Comma delimited)\" or pass --encoding"
            ),
            Some(utf8) => format!(
                "line {line} is not UTF-8 although line {utf8} is, so the rows that are not were read as windows-1252 (Excel's \"CSV (Comma delimited)\"); the file mixes encodings: save it in Excel as \"CSV UTF-8 (Comma delimited)\""
            ),
        })
    }

    /// Fetches the next chunk as text (skipping `raw_skip` bytes of BOM); false at the end.
    /// With `check`, runs the per-chunk checks.
    fn fetch_text(
        &mut self,
        chunks: &mut Chunks<'_>,
        raw_skip: &mut usize,
        check: bool,
    ) -> Result<bool, (u64, String)> {
        let raw = chunks.next_chunk().map_err(|e| (0, e))?;
        self.pos = 0;
        match raw {
            None => {
                if let Some((decoder, enc)) = &mut self.utf16 {
                    if self.raw_bytes % 2 == 1 {
                        return Err((
                            0,
                            format!(
                                "the file has an odd number of bytes, so it is not {enc} text; save it again from Excel, or pass another --encoding"
                            ),
                        ));
                    }
                    self.decoded.clear();
                    let (result, _, _) =
                        decoder.decode_to_utf8_without_replacement(&[], &mut [0u8; 16], true);
                    if result != encoding_rs::DecoderResult::InputEmpty {
                        return Err((0, not_utf16(*enc)));
                    }
                }
                Ok(false)
            }
            Some(raw) => {
                self.raw_bytes += raw.len() as u64;
                let skip = std::mem::take(raw_skip).min(raw.len());
                match &mut self.utf16 {
                    None => self.pos = skip,
                    Some((decoder, enc)) => {
                        let src = &raw[skip..];
                        self.decoded.clear();
                        self.decoded.reserve(
                            decoder
                                .max_utf8_buffer_length_without_replacement(src.len())
                                .unwrap_or(src.len() * 3 + 16),
                        );
                        let mut read = 0;
                        loop {
                            let len = self.decoded.len();
                            let cap = self.decoded.capacity();
                            self.decoded.resize(cap, 0);
                            let (result, r, w) = decoder.decode_to_utf8_without_replacement(
                                &src[read..],
                                &mut self.decoded[len..],
                                false,
                            );
                            read += r;
                            self.decoded.truncate(len + w);
                            match result {
                                encoding_rs::DecoderResult::InputEmpty => break,
                                encoding_rs::DecoderResult::OutputFull => {
                                    self.decoded.reserve(src.len() - read + 16)
                                }
                                encoding_rs::DecoderResult::Malformed(..) => {
                                    return Err((0, not_utf16(*enc)));
                                }
                            }
                        }
                    }
                }
                if check {
                    self.check_text(chunks)?;
                }
                Ok(true)
            }
        }
    }

    /// The checks on a new text chunk: binary data, line length, quotes.
    fn check_text(&mut self, chunks: &Chunks<'_>) -> Result<(), (u64, String)> {
        let all = if self.utf16.is_some() {
            &self.decoded[..]
        } else {
            chunks.bytes()
        };
        let text = &all[self.pos.min(all.len())..];
        if memchr::memchr(0, text).is_some() {
            return Err((0, decode::binary_message(chunks.head())));
        }
        // Every byte before this chunk has been parsed: the parser counted its line breaks.
        let line = self.core.line() + self.newlines;
        if let Some(start) = self.overlong {
            match memchr::memchr(b'\n', text) {
                Some(end) => return Err((start, long_line(self.line_len + end))),
                None => {
                    self.line_len += text.len();
                    return Ok(());
                }
            }
        }
        // Only a line that crosses chunks can be too long, unless a chunk is longer than a line
        // may be (a sheet given in memory).
        let mut start = 0;
        for (nth, end) in memchr::memchr_iter(b'\n', text).enumerate() {
            if self.line_len + end - start > MAX_LINE_BYTES {
                return Err((line + nth as u64, long_line(self.line_len + end - start)));
            }
            self.line_len = 0;
            start = end + 1;
            if text.len() <= MAX_LINE_BYTES {
                break;
            }
        }
        match memchr::memrchr(b'\n', text) {
            Some(last) => self.line_len = text.len() - last - 1,
            None => self.line_len += text.len(),
        }
        if self.line_len > MAX_LINE_BYTES {
            self.overlong = Some(line + memchr::memchr_iter(b'\n', text).count() as u64);
        }
        self.quotes.scan(text, line);
        Ok(())
    }

    fn unclosed_quote(&self) -> (u64, String) {
        (self.quotes.opened, UNCLOSED_QUOTE.into())
    }

    /// Reads the next row's cells onto the end of `record`: its line, or a located problem (and
    /// nothing added). After a problem that ends the sheet (binary data, a line too long, an
    /// unclosed quote) it returns `None`.
    pub fn next_row(
        &mut self,
        chunks: &mut Chunks<'_>,
        record: &mut Record,
    ) -> Option<Result<u64, (u64, String)>> {
        loop {
            let first = record.cell_count();
            let row = self.next_record(chunks, record);
            let skip = std::mem::take(&mut self.skip_hint) && matches!(row, Some(Ok(_)));
            if skip || matches!(row, Some(Err(_))) {
                record.truncate(first);
            }
            if skip {
                continue;
            }
            return row;
        }
    }

    fn next_record(
        &mut self,
        chunks: &mut Chunks<'_>,
        record: &mut Record,
    ) -> Option<Result<u64, (u64, String)>> {
        if self.done {
            return None;
        }
        match self.parse(chunks, record) {
            Ok(Some(line)) => Some(Ok(line)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err((line, msg, fatal)) => {
                self.done |= fatal;
                Some(Err((line, msg)))
            }
        }
    }

    /// The parsing loop: `Ok(None)` at the end; errors say whether the sheet ends there.
    #[allow(clippy::type_complexity)]
    fn parse(
        &mut self,
        chunks: &mut Chunks<'_>,
        record: &mut Record,
    ) -> Result<Option<u64>, (u64, String, bool)> {
        let fatal = |(line, msg): (u64, String)| (line, msg, true);
        loop {
            let text_len = if self.at_end {
                0
            } else if self.utf16.is_some() {
                self.decoded.len()
            } else {
                chunks.bytes().len()
            };
            if !self.at_end && self.pos >= text_len {
                if !self.fetch_text(chunks, &mut 0, true).map_err(fatal)? {
                    self.at_end = true;
                    if let Some(start) = self.overlong {
                        return Err(fatal((start, long_line(self.line_len))));
                    }
                }
                continue;
            }
            if self.overlong.is_some() {
                self.pos = text_len;
                continue;
            }
            let all: &[u8] = if self.at_end {
                &[]
            } else if self.utf16.is_some() {
                &self.decoded
            } else {
                chunks.bytes()
            };
            let mut input = &all[self.pos..];
            if self.at_row_start && !input.is_empty() {
                let skip = input
                    .iter()
                    .position(|&b| b != b'\n' && b != b'\r')
                    .unwrap_or(input.len());
                self.newlines += input[..skip].iter().filter(|&&b| b == b'\n').count() as u64;
                self.pos += skip;
                input = &input[skip..];
                if input.is_empty() {
                    continue;
                }
                self.row_line = self.core.line() + self.newlines;
                self.at_row_start = false;
            }
            let (result, nin, nout, nend) = self.core.read_record(
                input,
                &mut self.out[self.nout..],
                &mut self.ends[self.nend..],
            );
            self.pos += nin;
            self.nout += nout;
            self.nend += nend;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    if self.out.len() >= MAX_RECORD_BYTES {
                        if matches!(self.quotes.state, Quotes::Inside | Quotes::QuoteInside) {
                            return Err(fatal(self.unclosed_quote()));
                        }
                        return Err(fatal((
                            self.row_line,
                            format!(
                                "the row is longer than {} MiB; an answer sheet's rows are short",
                                MAX_RECORD_BYTES >> 20
                            ),
                        )));
                    }
                    let len = self.out.len() * 2;
                    self.out.resize(len, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() > MAX_COLUMNS {
                        return Err(fatal((
                            self.row_line,
                            format!(
                                "the row has more than {MAX_COLUMNS} columns; an answer sheet has a handful (Excel allows at most {MAX_COLUMNS})"
                            ),
                        )));
                    }
                    let len = (self.ends.len() * 2).min(MAX_COLUMNS + 1);
                    self.ends.resize(len, 0);
                }
                ReadRecordResult::Record => {
                    let (nout, nend) = (
                        std::mem::take(&mut self.nout),
                        std::mem::take(&mut self.nend),
                    );
                    self.at_row_start = true;
                    if self.at_end && self.quotes.state == Quotes::Inside {
                        return Err(fatal(self.unclosed_quote()));
                    }
                    self.row(record, nout, nend).map_err(fatal)?;
                    return Ok(Some(self.row_line));
                }
                ReadRecordResult::End => {
                    if self.quotes.state == Quotes::Inside {
                        return Err(fatal(self.unclosed_quote()));
                    }
                    return Ok(None);
                }
            }
        }
    }

    /// Turns the parser's bytes into the row's text, appended to `record`.
    fn row(&mut self, record: &mut Record, nout: usize, nend: usize) -> Result<(), (u64, String)> {
        let base = record.text.len();
        let bytes = &self.out[..nout];
        let ends = &self.ends[..nend];
        let utf8 = match self.rows {
            RowText::Windows1252 if !bytes.is_ascii() => None,
            _ => std::str::from_utf8(bytes).ok(),
        };
        if let Some(text) = utf8 {
            if self.rows == RowText::Guess && self.utf8_seen.is_none() && !text.is_ascii() {
                self.utf8_seen = Some(self.row_line);
            }
            record.text.push_str(text);
            record.ends.extend(ends.iter().map(|e| e + base));
            return Ok(());
        }
        let bad_line = || {
            let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |_| 0);
            self.row_line + bytes[..valid].iter().filter(|&&b| b == b'\n').count() as u64
        };
        match self.rows {
            RowText::Utf8 => Err((
                0,
                format!(
                    "line {} is not valid UTF-8; save the sheet in Excel as \"CSV UTF-8 (Comma delimited)\", or pass --encoding windows-1252 if it was saved as \"CSV (Comma delimited)\"",
                    bad_line()
                ),
            )),
            RowText::Guess | RowText::Windows1252 => {
                if self.rows == RowText::Guess && self.guessed.is_none() {
                    self.guessed = Some(bad_line());
                }
                let mut start = 0;
                for &end in ends {
                    let (cell, _) =
                        encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes[start..end]);
                    record.push_field(&cell);
                    start = end;
                }
                Ok(())
            }
        }
    }
}

fn not_utf16(enc: Encoding) -> String {
    format!(
        "the file is not valid {enc} text; save it again from Excel as \"Unicode Text\" or \"CSV UTF-8\", or pass another --encoding"
    )
}

fn long_line(len: usize) -> String {
    format!(
        "the line is {} MiB long; an answer sheet's lines are short (at most {} MiB), so this is not an answer sheet or a cell holds a whole document",
        len >> 20,
        MAX_LINE_BYTES >> 20
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_quote_is_found_at_its_line() {
        let open = |text: &str, d: u8| unclosed_quote_line(text.as_bytes(), d);
        assert_eq!(open("a,b\n1,2\n", b','), None);
        assert_eq!(open("a,b\n1,\"x\ny\"\n2,\"z\"\"\"\n", b','), None);
        assert_eq!(open("a,b\n1,2\n3,\"never\n4,5\n", b','), Some(3));
        assert_eq!(open("\u{feff}\"a,b\n1,2\n", b','), Some(1));
        assert_eq!(open("a,b\r\n1,\"ok\"\r\n\"open\r\n", b','), Some(3));
        // A quote inside a cell, or after its first byte, is text, as the parser reads it.
        assert_eq!(open("a,b\n1,x\"y\n2, \"z\n", b','), None);
        assert_eq!(open("a,b\n1,\"x\"y\"\n", b','), None);
        // Which quote opens a cell depends on the delimiter.
        assert_eq!(open("a;b\n1;\"x\n", b';'), Some(2));
        assert_eq!(open("a;b\n1;\"x\n", b','), None);
        // `""` inside a quoted cell is a quote, not the end.
        assert_eq!(open("a\n\"x\"\"\n", b','), Some(2));
    }

    /// Reads `bytes` on a second thread; per row its line and cells, and the most text a batch
    /// held.
    fn read_threaded(bytes: Vec<u8>) -> (Vec<(u64, Vec<String>)>, usize) {
        let ((rows, most), digest) = read_on_a_thread(
            Box::new(std::io::Cursor::new(bytes)),
            u64::MAX,
            |n| format!("{n} bytes"),
            Encoding::Auto,
            None,
            &|_: &str| false,
            |opened| {
                let Opened::Text(mut rows) = opened else {
                    panic!("not text")
                };
                let (mut out, mut most) = (Vec::new(), 0);
                while let Some(row) = rows.next_row() {
                    let (line, cells) = row.expect("a row");
                    out.push((line, cells.iter().map(String::from).collect()));
                    most = most.max(rows.batch.cells.text.len());
                }
                (out, most)
            },
        );
        digest.expect("read to the end");
        (rows, most)
    }

    #[test]
    fn a_batch_of_long_rows_is_handed_over_by_its_size() {
        // 200 rows of a 60 KiB windows-1252 cell (120 KiB as UTF-8): 24 MB in one batch of
        // BATCH_ROWS rows, though each row is refused later for its long cell.
        let mut text = b"indicator,level,note\n".to_vec();
        for n in 0..200 {
            text.extend_from_slice(format!("{n},1,\"").as_bytes());
            text.extend(std::iter::repeat_n(0xE9, 60 << 10));
            text.extend_from_slice(b"\"\n");
        }
        let (rows, most) = read_threaded(text);
        assert_eq!(rows.len(), 201);
        assert!(rows.iter().skip(1).enumerate().all(|(n, (line, cells))| {
            *line == n as u64 + 2
                && cells[0] == n.to_string()
                && cells[2].len() == 120 << 10
                && cells[2].chars().all(|c| c == 'é')
        }));
        assert!(
            most < BATCH_BYTES + (120 << 10) + 64,
            "a batch held {most} bytes"
        );
    }

    #[test]
    fn rows_keep_their_lines_and_cells_across_batches() {
        // Short rows (batches by count), windows-1252 and UTF-8 rows mixed in one batch, a
        // quoted line break, blank lines and a `sep=` line.
        let mut text = b"sep=;\n\nindicator;level;note\n".to_vec();
        let mut want = vec![(3, vec!["indicator".into(), "level".into(), "note".into()])];
        let mut line = 4;
        let pad = "x".repeat(64);
        for n in 0..3 * BATCH_ROWS + 7 {
            let (raw, note): (&[u8], &str) = match n % 4 {
                0 => (b"caf\xE9", "café"),
                1 => ("café ✓".as_bytes(), "café ✓"),
                2 => (b"\"a\nb\"", "a\nb"),
                _ => (pad.as_bytes(), pad.as_str()),
            };
            text.extend_from_slice(format!("{n};{};", n % 5 + 1).as_bytes());
            text.extend_from_slice(raw);
            text.push(b'\n');
            want.push((
                line,
                vec![n.to_string(), (n % 5 + 1).to_string(), note.into()],
            ));
            line += 1 + (n % 4 == 2) as u64;
            if n % 1000 == 0 {
                text.push(b'\n');
                line += 1;
            }
        }
        let (rows, _) = read_threaded(text);
        assert_eq!(rows.len(), want.len());
        for (got, want) in rows.iter().zip(&want) {
            assert_eq!(got, want);
        }
    }
}
