//! Answer sheets: reading the OPD's CSV files and workbooks into answers, with every problem
//! located.
//!
//! A sheet has a header row, found among its first rows below any title rows
//! ([`crate::input::columns`]); `indicator` and `level` (or a level per stage, `--stage-column`)
//! are required, `opd`, `evidence`, `note` and `stage` optional. In a workbook the first sheet
//! with such a header is read. A sheet sent again under a revised name replaces the older one
//! ([`crate::input::revision`]). This is an input edge: it reads files and stdin, and reports
//! problems as `file:line:column: message`.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use crate::core::answers::{Answer, AnswerSet, InputFile, Remarks};
use crate::core::model::Model;
use crate::core::stage::Stage;
use crate::core::value::Value;
use crate::input::columns::{
    self, ColumnName, Field, HEADER_SEARCH_ROWS, Header, HeaderProblem, Names, StageColumn,
};
use crate::input::decode::Encoding;
use crate::input::intern::Interner;
use crate::input::revision;
use crate::input::text_sheet::{self, Cells, Chunks, Opened, RowSource, SheetRows, TextSheet};
use crate::input::workbook;

/// At most this many problems are listed; the rest are counted.
pub const MAX_PROBLEMS: usize = 100;

/// A problem in an answer sheet, located to the line and, where it applies, the column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetProblem {
    pub file: String,
    /// The sheet of a workbook: the location is then shown as Excel does (`Sheet1!C7`).
    pub sheet: Option<String>,
    /// 1-based line (a workbook's row number); 0 for the whole file.
    pub line: u64,
    /// 1-based column number and the header name of that column.
    pub column: Option<(usize, String)>,
    pub message: String,
}

impl SheetProblem {
    /// Where the problem is: `file`, `file:line`, `file:line:column`, or for a workbook
    /// `file:Sheet row 7` and `file:Sheet!C7` as Excel names cells.
    pub fn location(&self) -> String {
        match (&self.sheet, &self.column) {
            _ if self.line == 0 => self.file.clone(),
            (None, Some((n, _))) => format!("{}:{}:{}", self.file, self.line, n),
            (None, None) => format!("{}:{}", self.file, self.line),
            (Some(sheet), Some((n, _))) => format!(
                "{}:{}!{}{}",
                self.file,
                sheet,
                workbook::column_letters(*n),
                self.line
            ),
            (Some(sheet), None) => format!("{}:{} row {}", self.file, sheet, self.line),
        }
    }

    /// The message with the column's header name in front when there is one.
    pub fn detail(&self) -> String {
        match &self.column {
            Some((_, name)) if self.line != 0 => format!("column {name:?}: {}", self.message),
            _ => self.message.clone(),
        }
    }
}

impl fmt::Display for SheetProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.detail())
    }
}

/// All the problems found in the answer sheets.
#[derive(Debug, Clone, thiserror::Error)]
pub struct SheetErrors {
    pub problems: Vec<SheetProblem>,
    /// Problems found beyond [`MAX_PROBLEMS`].
    pub more: usize,
}

impl fmt::Display for SheetErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_problems(f, "the answer sheets", &self.problems, self.more)
    }
}

/// `N problems in WHAT:`, then the first [`MAX_PROBLEMS`] of `problems`, one per line, and how
/// many more (those beyond the list, and `beyond` already left out of it).
pub(crate) fn write_problems(
    f: &mut fmt::Formatter<'_>,
    what: &str,
    problems: &[SheetProblem],
    beyond: usize,
) -> fmt::Result {
    let n = problems.len() + beyond;
    write!(f, "{n} problem{} in {what}:", if n == 1 { "" } else { "s" })?;
    for p in problems.iter().take(MAX_PROBLEMS) {
        write!(f, "\n  {p}")?;
    }
    let more = n - problems.len().min(MAX_PROBLEMS);
    if more > 0 {
        write!(f, "\n  … and {more} more")?;
    }
    Ok(())
}

/// A place answers come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    pub fn display(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".into(),
            Source::File(p) => p.display().to_string(),
        }
    }

    /// The OPD name used when the sheet has no `opd` column: the file name's stem without its
    /// revision mark (`Dinas Kesehatan (revisi 2).csv` → `Dinas Kesehatan`).
    pub(crate) fn default_opd(&self) -> String {
        match self {
            Source::Stdin => "stdin".into(),
            Source::File(p) => match p.file_stem() {
                Some(stem) => revision::split(&stem.to_string_lossy()).0.to_string(),
                None => p.display().to_string(),
            },
        }
    }
}

/// Expands inputs: a directory means every answer sheet directly in it (see [`is_sheet_name`]),
/// in name order; `-` is stdin.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<Source>, SheetErrors> {
    expand_inputs_with(inputs, false).map(|(sources, _)| sources)
}

/// [`expand_inputs`], and what is not read: an entry of a folder with a sheet's name that cannot
/// be read (a broken or looping link, a device) is a problem, or with `allow_missing` a warning
/// (returned), never skipped in silence.
pub fn expand_inputs_with(
    inputs: &[PathBuf],
    allow_missing: bool,
) -> Result<(Vec<Source>, Vec<String>), SheetErrors> {
    let mut warnings = Vec::new();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let located = |path: &Path, message: String| SheetProblem {
        file: path.display().to_string(),
        sheet: None,
        line: 0,
        column: None,
        message,
    };
    let mut stdin_taken = false;
    for input in inputs {
        if input.as_os_str() == "-" {
            if std::mem::replace(&mut stdin_taken, true) {
                problems.push(located(
                    input,
                    "stdin (-) is given twice; it can be read only once".into(),
                ));
            } else {
                out.push(Source::Stdin);
            }
            continue;
        }
        if input
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("json"))
        {
            problems.push(located(
                input,
                "a JSON file is a saved result, not an answer sheet; compare results with `spbe diff`, `spbe trend` or `spbe check --baseline`".into(),
            ));
            continue;
        }
        match std::fs::metadata(input) {
            Ok(meta) if meta.is_dir() => {
                let entries: Vec<PathBuf> = match std::fs::read_dir(input) {
                    Ok(rd) => rd
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| is_sheet_name(p))
                        .collect(),
                    Err(e) => {
                        problems.push(located(input, format!("cannot list the folder: {e}")));
                        continue;
                    }
                };
                let mut files = Vec::with_capacity(entries.len());
                for p in entries {
                    match unreadable_entry(&p) {
                        None => files.push(p),
                        Some(why) if why.is_empty() => {} // a folder inside: not read
                        Some(why) if allow_missing => warnings.push(format!(
                            "{}: {why}; not read (--allow-missing)",
                            p.display()
                        )),
                        Some(why) => problems.push(located(
                            &p,
                            format!("{why}; fix or remove it, or pass --allow-missing to read the folder without it"),
                        )),
                    }
                }
                files.sort();
                if files.is_empty() {
                    problems.push(located(
                        input,
                        "the folder has no answer sheets (*.csv, *.tsv, *.xlsx, *.xls, *.ods)"
                            .into(),
                    ));
                }
                out.extend(files.into_iter().map(Source::File));
            }
            Ok(_) => out.push(Source::File(input.clone())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => problems.push(located(
                input,
                "no such file or folder; check the path".into(),
            )),
            Err(e) => problems.push(located(input, format!("cannot read: {e}"))),
        }
    }
    // The same sheet given twice (directly, or also through its folder) would be read twice and
    // every row reported as its own duplicate.
    // One folder cannot list a file twice, so this costs nothing in the common one-input case.
    let mut seen = std::collections::HashSet::new();
    for source in out.iter().filter(|_| inputs.len() > 1) {
        if let Source::File(p) = source {
            let key = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
            if !seen.insert(key) {
                problems.push(located(
                    p,
                    "this sheet is given twice (directly or through its folder); give each sheet once".into(),
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok((out, warnings))
    } else {
        Err(SheetErrors { problems, more: 0 })
    }
}

/// Why a folder entry with a sheet's name cannot be read as one: `None` for a file; an empty
/// reason for a folder (never read, said nowhere); else what is wrong with it.
fn unreadable_entry(p: &Path) -> Option<String> {
    match std::fs::metadata(p) {
        Ok(m) if m.is_file() => None,
        Ok(m) if m.is_dir() => Some(String::new()),
        Ok(_) => Some("not a regular file (a device, pipe or socket)".into()),
        Err(e) => {
            let link = std::fs::read_link(p).ok();
            Some(match link {
                // ELOOP: the link leads back to itself.
                Some(_) if e.raw_os_error() == Some(40) => {
                    "a link that loops back to itself, so there is no file to read".into()
                }
                Some(target) => format!("a link to {}, which does not exist", target.display()),
                None => format!("cannot read: {e}"),
            })
        }
    }
}

/// The file names a folder is scanned for: CSV/TSV text and workbooks, but not Excel's lock
/// files (`~$name.xlsx`, present while the file is open) nor hidden files.
pub fn is_sheet_name(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.starts_with("~$") || name.starts_with('.') {
        return false;
    }
    p.extension().is_some_and(|x| {
        ["csv", "tsv", "xlsx", "xlsm", "xls", "ods"]
            .iter()
            .any(|e| x.eq_ignore_ascii_case(e))
    })
}

/// Files larger than this are refused before reading: an answer sheet with a million rows is
/// well under it.
pub const MAX_SHEET_BYTES: u64 = 256 << 20;
/// A cell longer than this is refused (a note is a few sentences).
pub const MAX_CELL_BYTES: usize = 64 << 10;
pub use crate::input::text_sheet::{MAX_COLUMNS, MAX_LINE_BYTES};

/// How to read the input files: forced encoding, delimiter, sheet and header row, the sheets'
/// own column names, and how strict to be with sheets still coming in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    pub encoding: Encoding,
    /// `None` detects it from `sep=` or the header line.
    pub delimiter: Option<u8>,
    /// `None` reads a workbook's first sheet that has a header row.
    pub sheet: Option<String>,
    /// An unreadable entry of an input folder (a broken link) is a warning, not an error.
    pub allow_missing: bool,
    /// The header row's line (text) or row number (workbook); `None` finds it among the first
    /// [`HEADER_SEARCH_ROWS`] rows.
    pub header_row: Option<u64>,
    /// The sheets' own names for columns (`--column ROLE=HEADER`).
    pub columns: Vec<ColumnName>,
    /// Columns holding a level per stage (`--stage-column STAGE=HEADER`).
    pub stage_columns: Vec<StageColumn>,
    /// A sheet with no answers yet and a sheet sent twice (an older revision) are errors, not
    /// warnings.
    pub strict: bool,
}

/// Reads answer sheets against a model. Reports every problem found (up to [`MAX_PROBLEMS`]).
pub fn load(model: &Model, inputs: &[PathBuf]) -> Result<AnswerSet, SheetErrors> {
    load_with(model, inputs, &ReadOptions::default())
}

/// [`load`] with explicit reading options.
pub fn load_with(
    model: &Model,
    inputs: &[PathBuf],
    options: &ReadOptions,
) -> Result<AnswerSet, SheetErrors> {
    let (sources, skipped) = expand_inputs_with(inputs, options.allow_missing)?;
    let mut reader = SheetReader::new(model);
    reader.set.warnings.extend(skipped);
    reader.read_sources(&sources, options);
    reader.finish()
}

fn too_big(n: u64) -> String {
    format!(
        "the file is {} MiB; answer sheets larger than {} MiB are refused (is this really an answer sheet?)",
        n >> 20,
        MAX_SHEET_BYTES >> 20
    )
}

/// Opens an input: a file no larger than one chunk is read at once (no reading thread for the
/// common one-OPD sheet); a larger file or stdin is read in chunks.
fn open_source(source: &Source) -> Result<OpenInput, String> {
    match source {
        Source::Stdin => {
            crate::input::note_stdin();
            Ok(OpenInput::Reader(Box::new(std::io::stdin())))
        }
        Source::File(p) => {
            let mut f = std::fs::File::open(p).map_err(|e| format!("cannot read: {e}"))?;
            let meta = f.metadata().map_err(|e| format!("cannot read: {e}"))?;
            crate::input::note_read_with(p, Some(&meta));
            let len = meta.len();
            if len > MAX_SHEET_BYTES {
                return Err(too_big(len));
            }
            // A device or a pipe says 0 bytes: read it in chunks, so that binary data is seen in
            // the first one (`spbe score /dev/zero`).
            if meta.is_file() && len as usize <= text_sheet::CHUNK {
                let mut bytes = Vec::with_capacity(len as usize + 1);
                f.by_ref()
                    .take(MAX_SHEET_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| format!("cannot read: {e}"))?;
                if bytes.len() as u64 > MAX_SHEET_BYTES {
                    return Err(too_big(bytes.len() as u64));
                }
                Ok(OpenInput::Bytes(bytes))
            } else {
                Ok(OpenInput::Reader(Box::new(f)))
            }
        }
    }
}

enum OpenInput {
    Bytes(Vec<u8>),
    Reader(Box<dyn Read + Send>),
}

/// Accumulates answers across sheets, checking each row as it comes.
pub struct SheetReader<'m> {
    model: &'m Model,
    /// Lower-cased ids and codes → indicator position.
    lookup: IndicatorLookup,
    set: AnswerSet,
    /// Every spelling of an OPD name read so far → OPD.
    opd_index: Interner,
    /// Whether any input was a workbook (so `--sheet` meant something).
    read_a_workbook: bool,
    /// OPD names ignoring case and spacing → OPD: `BAPPEDA` and `Bappeda ` are one OPD.
    opd_by_key: HashMap<String, u32>,
    /// Which (indicator, stage) each OPD has answered: one bit per pair, [`Self::words`] words
    /// per OPD, to refuse a second answer without a map entry per row.
    answered: Vec<u64>,
    words: usize,
    problems: Vec<SheetProblem>,
    more: usize,
    /// The column names of the sheets being read: built in, and the options' own.
    names: Names,
    /// Which of the options' `--column`/`--stage-column` some sheet's header had.
    flags_used: Vec<bool>,
}

/// Indicator ids and codes, ignoring case → indicator. Ids and codes of up to 8 ASCII bytes (all
/// of the official models') are numbers in a small table: one multiply and a compare per row.
pub(crate) struct IndicatorLookup {
    /// `(key, indicator)`; key 0 is an empty slot (a key is never 0: its text is not empty).
    short: Vec<(u64, u16)>,
    long: Interner,
}

impl IndicatorLookup {
    /// Room for the ids and codes of `indicators` indicators, the table at most a quarter full.
    /// The ids, codes and aliases of the model's indicators.
    pub(crate) fn of(model: &Model) -> Self {
        let mut lookup = IndicatorLookup::with_room(model.indicators.len());
        for (i, ind) in model.indicators.iter().enumerate() {
            // Model validation caps the count at MAX_INDICATORS.
            let i = i as u16;
            for key in ind.keys() {
                lookup.insert(key, i);
            }
        }
        lookup
    }

    fn with_room(indicators: usize) -> Self {
        IndicatorLookup {
            short: vec![(0, 0); (8 * indicators).next_power_of_two().max(16)],
            long: Interner::default(),
        }
    }

    /// Up to 8 ASCII bytes, lower-cased, as a number.
    fn short_key(text: &str) -> Option<u64> {
        if text.is_empty() || text.len() > 8 || !text.is_ascii() {
            return None;
        }
        Some(
            text.bytes()
                .rev()
                .fold(0u64, |k, b| (k << 8) | b.to_ascii_lowercase() as u64),
        )
    }

    fn slot(&self, key: u64) -> usize {
        let bits = self.short.len().trailing_zeros();
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    fn insert(&mut self, text: &str, indicator: u16) {
        let Some(key) = Self::short_key(text) else {
            self.long.insert(&text.to_lowercase(), indicator as u32);
            return;
        };
        let mask = self.short.len() - 1;
        let mut i = self.slot(key);
        while self.short[i].0 != 0 && self.short[i].0 != key {
            i = (i + 1) & mask;
        }
        self.short[i] = (key, indicator);
    }

    pub(crate) fn get(&self, text: &str, lower: &mut String) -> Option<u16> {
        let Some(key) = Self::short_key(text) else {
            return self.long.get(lowercase(text, lower)).map(|i| i as u16);
        };
        let mask = self.short.len() - 1;
        let mut i = self.slot(key);
        loop {
            match self.short[i] {
                (0, _) => return None,
                (k, indicator) if k == key => return Some(indicator),
                _ => i = (i + 1) & mask,
            }
        }
    }
}

/// Bit position of an (indicator, stage) pair in an OPD's [`SheetReader::answered`] words.
fn answered_bit(indicator: u16, stage: Option<Stage>) -> usize {
    indicator as usize * (Stage::ALL.len() + 1) + stage.map_or(0, |s| s as usize + 1)
}

/// `str::trim`, deciding from the first and last byte when there is nothing to trim (most
/// cells): it runs for every cell of every row.
pub(crate) fn trim(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => cell,
        (None, _) => cell,
        _ => cell.trim(),
    }
}

/// `text` lower-cased, borrowing it when there is nothing to change and allocating only for
/// non-ASCII text (same result as `str::to_lowercase`).
fn lowercase<'a>(text: &'a str, buf: &'a mut String) -> &'a str {
    if text.is_ascii() {
        if !text.bytes().any(|b| b.is_ascii_uppercase()) {
            return text;
        }
        buf.clear();
        buf.push_str(text);
        buf.make_ascii_lowercase();
    } else {
        *buf = text.to_lowercase();
    }
    buf
}

/// A row's evidence and note, stored once for all the answers of the row (one per stage
/// column): `index` is where, once stored.
struct RowRemarks<'r> {
    evidence: &'r str,
    note: &'r str,
    index: Option<Option<NonZeroU32>>,
}

/// One sheet whose answer rows are being read: where they come from and what its header says.
struct Sheet<'s> {
    place: &'s Place,
    header: &'s Header,
    /// The sheet's input, as counted in the answer set's files.
    file_no: u32,
    /// The OPD of rows that name none: the file's name.
    default_opd: String,
}

impl Sheet<'_> {
    /// Column `i` (0-based) for a message: its number and header name.
    fn column(&self, i: usize) -> Option<(usize, String)> {
        Some((i + 1, self.header.names[i].clone()))
    }

    /// An answer of this sheet, at `line`.
    #[inline]
    fn answer(
        &self,
        opd: u32,
        indicator: u16,
        value: u16,
        stage: Option<Stage>,
        line: u64,
    ) -> Answer {
        Answer {
            opd,
            // Model validation caps the count at MAX_INDICATORS (256).
            indicator: indicator as u8,
            value,
            stage,
            file: self.file_no,
            // A sheet is at most MAX_SHEET_BYTES long, so its lines fit.
            line: line as u32,
            remarks: None,
        }
    }
}

/// One row below a header: its line, its cells, and each known column's cell, trimmed once.
struct SheetRow<'r> {
    line: u64,
    record: Cells<'r>,
    fields: [&'r str; Field::ALL.len()],
}

impl<'r> SheetRow<'r> {
    #[inline]
    fn new(header: &Header, line: u64, record: Cells<'r>) -> Self {
        let fields = Field::ALL.map(|f| {
            header
                .get(f)
                .and_then(|i| record.get(i))
                .map(trim)
                .unwrap_or("")
        });
        SheetRow {
            line,
            record,
            fields,
        }
    }

    /// The cell of a known column, trimmed; empty when the sheet has no such column.
    #[inline]
    fn get(&self, f: Field) -> &'r str {
        self.fields[f.slot()]
    }

    /// The cell in column `i` (0-based), trimmed.
    fn cell(&self, i: usize) -> &'r str {
        self.record.get(i).map(trim).unwrap_or("")
    }

    /// The row's evidence and note, to be stored with its first answer.
    fn remarks(&self) -> RowRemarks<'r> {
        RowRemarks {
            evidence: self.get(Field::Evidence),
            note: self.get(Field::Note),
            index: None,
        }
    }
}

/// What one row below the header gave.
enum RowRead<'r> {
    /// How many answers it added (none when it had a problem, reported).
    Answers(u64),
    /// A template row left blank (no level, no evidence, no note), and the OPD it names.
    Blank(&'r str),
}

/// What the search for a sheet's header row found.
enum Found {
    /// The header row, and what is wrong with it (a column named twice).
    Header(Header, Vec<HeaderProblem>),
    /// No row has every required column; the row closest to it, and what it lacks.
    Partial {
        line: u64,
        recognised: usize,
        problems: Vec<HeaderProblem>,
    },
    /// No row names any column; the first row.
    Nothing { line: u64, first: String },
    /// The sheet has no rows.
    Empty,
    /// `--header-row N` names a row that is not there.
    NoSuchRow(u64),
    /// The rows cannot be read (a located problem).
    Failed(u64, String),
}

/// Finds a sheet's header row: the first of its first [`HEADER_SEARCH_ROWS`] rows with
/// something in them that has the required columns, or the row `forced` (`--header-row`).
/// The rows above it are kept as title rows. Marks in `used` the `--column`/`--stage-column`
/// flags any row looked at had. Runs once per sheet; rows are copied only here.
fn find_header(
    names: &Names,
    forced: Option<u64>,
    rows: &mut impl RowSource,
    used: &mut [bool],
) -> Found {
    let mut titles: Vec<(u64, String)> = Vec::new();
    let mut seen = 0usize;
    let mut first: Option<(u64, String)> = None;
    let mut closest: Option<columns::Analysis> = None;
    while let Some(row) = rows.next_row() {
        let (line, cells) = match row {
            Ok(row) => row,
            Err((line, msg)) => return Found::Failed(line, msg),
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if cells.len() > MAX_COLUMNS {
            return Found::Failed(
                line,
                format!(
                    "the header row has {} columns; an answer sheet has a handful (Excel allows at most {MAX_COLUMNS})",
                    cells.len()
                ),
            );
        }
        let cells: Vec<String> = cells.iter().map(str::to_string).collect();
        seen += 1;
        match forced {
            Some(n) if line < n => {
                if first.is_none() {
                    first = Some((line, columns::row_text(&cells)));
                }
                if titles.len() < HEADER_SEARCH_ROWS {
                    titles.push((line, columns::row_text(&cells)));
                }
                continue;
            }
            Some(n) if line > n => return Found::NoSuchRow(n),
            _ => {}
        }
        let mut analysis = columns::analyse(names, line, &cells);
        for &flag in &analysis.used_flags {
            used[flag] = true;
        }
        if analysis.complete {
            analysis.header.titles = titles;
            return Found::Header(analysis.header, analysis.problems);
        }
        if first.is_none() {
            first = Some((line, columns::row_text(&cells)));
        }
        if forced.is_some() {
            let mut problems = analysis.problems.clone();
            problems.extend(analysis.missing(names));
            return Found::Partial {
                line,
                recognised: analysis.recognised,
                problems,
            };
        }
        if analysis.recognised > 0
            && closest
                .as_ref()
                .is_none_or(|c| analysis.recognised > c.recognised)
        {
            closest = Some(analysis);
        }
        titles.push((line, columns::row_text(&cells)));
        if seen >= HEADER_SEARCH_ROWS {
            break;
        }
    }
    match (first, closest, forced) {
        (None, _, _) => Found::Empty,
        (Some(_), _, Some(n)) => Found::NoSuchRow(n),
        (Some(_), Some(c), None) => {
            let mut problems = c.problems.clone();
            problems.extend(c.missing(names));
            Found::Partial {
                line: c.header.line,
                recognised: c.recognised,
                problems,
            }
        }
        (Some((line, first)), None, None) => Found::Nothing { line, first },
    }
}

/// The record of one input about to be read, and where its rows are, for messages.
fn started(source: &Source) -> (InputFile, Place) {
    let file = source.display();
    (
        InputFile {
            path: file.clone(),
            sha256: String::new(),
            rows: 0,
        },
        Place { file, sheet: None },
    )
}

/// Where one sheet's rows come from, for messages.
struct Place {
    file: String,
    /// The workbook sheet's name; `None` for a text file.
    sheet: Option<String>,
}

impl Place {
    /// The file, and the sheet of a workbook: `t.xlsx:Jawaban`.
    fn whole(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{}:{sheet}", self.file),
            None => self.file.clone(),
        }
    }

    fn at(&self, line: u64, column: Option<(usize, String)>, message: String) -> SheetProblem {
        SheetProblem {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            line,
            column,
            message,
        }
    }
}

impl<'m> SheetReader<'m> {
    pub fn new(model: &'m Model) -> Self {
        SheetReader {
            model,
            lookup: IndicatorLookup::of(model),
            set: AnswerSet::default(),
            opd_index: Interner::default(),
            read_a_workbook: false,
            opd_by_key: HashMap::new(),
            answered: Vec::new(),
            words: answered_bit(model.indicators.len() as u16, None).div_ceil(64),
            problems: Vec::new(),
            more: 0,
            names: Names::default(),
            flags_used: Vec::new(),
        }
    }

    fn problem(&mut self, p: SheetProblem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        } else {
            self.more += 1;
        }
    }

    /// The problems found so far (at most [`MAX_PROBLEMS`]).
    pub fn problems(&self) -> &[SheetProblem] {
        &self.problems
    }

    /// The OPD a name means. Names that differ only in case or spacing are one OPD (as in the
    /// responsibility map), shown with the first spelling read, and a warning says so. The exact
    /// spelling is looked up first, so the usual row costs one hash lookup and no allocation.
    fn intern_opd(&mut self, name: &str) -> u32 {
        if let Some(i) = self.opd_index.get(name) {
            return i;
        }
        let key = crate::core::owners::opd_key(name);
        if let Some(&i) = self.opd_by_key.get(&key) {
            self.set.warnings.push(format!(
                "OPD {name:?} is taken as {:?} (the names differ only in case or spacing)",
                self.set.opds[i as usize]
            ));
            self.opd_index.insert(name, i);
            return i;
        }
        let i = self.set.opds.len() as u32;
        self.set.opds.push(name.to_string());
        self.opd_index.insert(name, i);
        self.opd_by_key.insert(key, i);
        self.answered.resize(self.answered.len() + self.words, 0);
        i
    }

    /// Marks the pair answered by `opd`; false when it already was.
    fn first_answer(&mut self, opd: u32, indicator: u16, stage: Option<Stage>) -> bool {
        let bit = answered_bit(indicator, stage);
        let word = &mut self.answered[opd as usize * self.words + bit / 64];
        let mask = 1u64 << (bit % 64);
        let first = *word & mask == 0;
        *word |= mask;
        first
    }

    /// Reads every input with `options`. Files of one folder whose names differ only by a
    /// revision mark are one sheet sent again: only the latest revision is read (see
    /// [`SheetReader::resent`]).
    pub fn read_sources(&mut self, sources: &[Source], options: &ReadOptions) {
        let skip = self.resent(sources, options.strict);
        for (source, skip) in sources.iter().zip(skip) {
            if !skip {
                self.read_source(source, options);
            }
        }
        if let Some(name) = &options.sheet {
            if !self.read_a_workbook {
                self.set.warnings.push(format!(
                    "--sheet {name:?} was ignored: it picks a sheet of an .xlsx/.xls/.ods workbook, and no input is one"
                ));
            }
        }
    }

    /// Finds the sheets sent more than once: files in one folder whose names differ only by a
    /// revision mark (`Dinas Kesehatan.csv`, `Dinas Kesehatan (revisi 2).csv`). The latest
    /// revision is read; the older ones are not, with a warning naming both (an error with
    /// `strict`). When the marks cannot tell which is the latest, that is an error. Says, per
    /// input, whether to skip it.
    fn resent(&mut self, sources: &[Source], strict: bool) -> Vec<bool> {
        let mut skip = vec![false; sources.len()];
        let paths: Vec<Option<&Path>> = sources
            .iter()
            .map(|s| match s {
                Source::File(p) => Some(p.as_path()),
                Source::Stdin => None,
            })
            .collect();
        let shown = |(i, rev): &(usize, revision::Revision)| {
            format!("{} ({})", sources[*i].display(), rev.describe())
        };
        for revision::Resent { files, latest } in revision::resent(&paths) {
            let Some(keep) = latest else {
                files.iter().for_each(|(i, _)| skip[*i] = true);
                self.problem(SheetProblem {
                    file: sources[files[0].0].display(),
                    sheet: None,
                    line: 0,
                    column: None,
                    message: format!(
                        "these files look like one sheet sent more than once (their names differ only by a revision mark), but the marks do not say which is the latest: {}; keep only the latest in the folder, or mark it, e.g. \"(revisi 3)\"",
                        files.iter().map(shown).collect::<Vec<_>>().join(", ")
                    ),
                });
                continue;
            };
            let older: Vec<&(usize, revision::Revision)> =
                files.iter().filter(|(i, _)| *i != keep).collect();
            older.iter().for_each(|(i, _)| skip[*i] = true);
            let kept = sources[keep].display();
            let listed = older
                .iter()
                .map(|(i, _)| sources[*i].display())
                .collect::<Vec<_>>()
                .join(", ");
            if strict {
                for (i, _) in &older {
                    self.problem(SheetProblem {
                        file: sources[*i].display(),
                        sheet: None,
                        line: 0,
                        column: None,
                        message: format!(
                            "an older revision of {kept} (the names differ only by a revision mark); --strict refuses a sheet sent twice: remove the older file, or drop --strict to read only the latest"
                        ),
                    });
                }
            } else {
                self.set.warnings.push(format!(
                    "{kept} replaces {listed}: the names differ only by a revision mark, so the OPD sent its sheet again and only the latest counts; --strict makes this an error"
                ));
            }
            self.set.notes.push(format!(
                "resent sheet: {} is read; not read: {}",
                shown(files.iter().find(|(i, _)| *i == keep).expect("kept")),
                older
                    .iter()
                    .map(|f| shown(f))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        skip
    }

    /// Reads one input (file or stdin) with `options`.
    pub fn read_source(&mut self, source: &Source, options: &ReadOptions) {
        match open_source(source) {
            Ok(OpenInput::Bytes(bytes)) => self.read_with(source, &bytes, options),
            Ok(OpenInput::Reader(reader)) => self.read_large(source, reader, options),
            Err(e) => self.problem(SheetProblem {
                file: source.display(),
                sheet: None,
                line: 0,
                column: None,
                message: e,
            }),
        }
    }

    /// Reads one sheet's bytes with the default options (detect everything).
    pub fn read(&mut self, source: &Source, bytes: &[u8]) {
        self.read_with(source, bytes, &ReadOptions::default());
    }

    /// Takes the column names of `options` (once per input: they are the same for all).
    fn use_options(&mut self, options: &ReadOptions) {
        self.names = Names::new(&options.columns, &options.stage_columns);
        self.flags_used.resize(self.names.flag_count(), false);
    }

    /// Reads one sheet's bytes: a workbook (XLSX, ODS, XLS) or text in any encoding Excel writes.
    pub fn read_with(&mut self, source: &Source, bytes: &[u8], options: &ReadOptions) {
        self.use_options(options);
        let (mut read, place) = started(source);
        let mut chunks = Chunks::slice(bytes);
        if bytes.len() as u64 > MAX_SHEET_BYTES {
            self.problem(place.at(0, None, too_big(bytes.len() as u64)));
        } else if workbook::is_workbook(bytes) {
            self.read_workbook(source, bytes, options, &mut read);
        } else {
            let names = &self.names;
            let opened = TextSheet::open(&mut chunks, options.encoding, options.delimiter, |h| {
                names.recognised(h)
            });
            match opened {
                Ok(sheet) => self.text_table(
                    source,
                    &place,
                    &mut read,
                    &mut SheetRows::new(sheet, &mut chunks),
                    options,
                ),
                Err((line, msg)) => self.problem(place.at(line, None, msg)),
            }
        }
        read.sha256 = chunks.sha256();
        self.set.files.push(read);
    }

    /// Reads a sheet too large to read at once: a second thread reads, hashes and parses it
    /// while this one checks the rows.
    fn read_large(&mut self, source: &Source, reader: Box<dyn Read + Send>, options: &ReadOptions) {
        self.use_options(options);
        let (mut read, place) = started(source);
        let names = self.names.clone();
        let recognised = |h: &str| names.recognised(h);
        let ((), digest) = text_sheet::read_on_a_thread(
            reader,
            MAX_SHEET_BYTES,
            too_big,
            options.encoding,
            options.delimiter,
            &recognised,
            |opened| match opened {
                Opened::Workbook(bytes) => self.read_workbook(source, &bytes, options, &mut read),
                Opened::Failed(line, msg) => self.problem(place.at(line, None, msg)),
                Opened::Text(mut rows) => {
                    self.text_table(source, &place, &mut read, &mut rows, options)
                }
            },
        );
        read.sha256 = digest.unwrap_or_default();
        self.set.files.push(read);
    }

    /// A text sheet: its header row, its rows, then the warning about its encoding if one was
    /// guessed.
    fn text_table(
        &mut self,
        source: &Source,
        place: &Place,
        input: &mut InputFile,
        rows: &mut impl RowSource,
        options: &ReadOptions,
    ) {
        match find_header(&self.names, options.header_row, rows, &mut self.flags_used) {
            Found::Header(header, problems) => {
                self.table(source, place, input, rows, header, problems, options.strict)
            }
            other => self.no_header(place, other),
        }
        if let Some(w) = rows.encoding_warning() {
            self.set.warnings.push(format!("{}: {w}", place.file));
        }
    }

    /// A workbook's chosen sheet (`--sheet`), or its first sheet with a header row.
    fn read_workbook(
        &mut self,
        source: &Source,
        bytes: &[u8],
        options: &ReadOptions,
        read: &mut InputFile,
    ) {
        self.read_a_workbook = true;
        let file = source.display();
        let whole = Place {
            file: file.clone(),
            sheet: None,
        };
        let mut book = match workbook::Book::open(bytes) {
            Ok(book) => book,
            Err(msg) => return self.problem(whole.at(0, None, msg)),
        };
        let sheets = match &options.sheet {
            Some(wanted) => match book.find_sheet(wanted) {
                Ok(name) => vec![name],
                Err(msg) => return self.problem(whole.at(0, None, msg)),
            },
            None => book.sheet_names(),
        };
        if sheets.is_empty() {
            return self.problem(whole.at(0, None, "the workbook has no sheets".into()));
        }
        let mut skipped = Vec::new();
        // The sheet whose best row came closest to a header: (its place, the row, problems).
        let mut closest: Option<(Place, usize, u64, Vec<HeaderProblem>)> = None;
        for name in &sheets {
            // Rows are read one at a time, never the whole sheet (a million-row workbook).
            let mut rows = match book.rows(name) {
                Ok(rows) => rows,
                Err(msg) => return self.problem(whole.at(0, None, msg)),
            };
            let place = Place {
                file: file.clone(),
                sheet: Some(name.clone()),
            };
            let found = find_header(
                &self.names,
                options.header_row,
                &mut rows,
                &mut self.flags_used,
            );
            match found {
                Found::Header(header, problems) => {
                    self.set.notes.push(if skipped.is_empty() {
                        format!("{file}: read sheet {name:?}")
                    } else {
                        format!(
                            "{file}: read sheet {name:?}; skipped {} (no header row)",
                            skipped.join(", ")
                        )
                    });
                    return self.table(
                        source,
                        &place,
                        read,
                        &mut rows,
                        header,
                        problems,
                        options.strict,
                    );
                }
                other if options.sheet.is_some() => return self.no_header(&place, other),
                Found::Failed(line, msg) => return self.problem(place.at(line, None, msg)),
                Found::Partial {
                    line,
                    recognised,
                    problems,
                } => {
                    if closest.as_ref().is_none_or(|c| recognised > c.1) {
                        closest = Some((place, recognised, line, problems));
                    }
                    skipped.push(format!("{name:?}"));
                }
                _ => skipped.push(format!("{name:?}")),
            }
        }
        match closest {
            Some((place, _, line, problems)) => {
                for (column, msg) in problems {
                    self.problem(place.at(line, column, msg));
                }
            }
            None => {
                let msg = columns::no_header(&self.names, None, Some(&sheets), options.header_row);
                self.problem(whole.at(0, None, msg));
            }
        }
    }

    /// Reports why a sheet has no header row.
    fn no_header(&mut self, place: &Place, found: Found) {
        match found {
            Found::Header(..) => {}
            Found::Empty => self.problem(place.at(0, None, "the file is empty; an answer sheet needs a header row with the columns indicator and level".into())),
            Found::Failed(line, msg) => self.problem(place.at(line, None, msg)),
            Found::Partial { line, problems, .. } => {
                for (column, msg) in problems {
                    self.problem(place.at(line, column, msg));
                }
            }
            Found::Nothing { line, first } => {
                let msg = columns::no_header(&self.names, Some(&first), None, None);
                self.problem(place.at(line, None, msg));
            }
            Found::NoSuchRow(n) => self.problem(place.at(
                0,
                None,
                format!(
                    "--header-row {n}: no row starts at {} {n} (it is empty, inside a cell that spans lines, or after the end); give the header's {}",
                    if place.sheet.is_some() { "row" } else { "line" },
                    if place.sheet.is_some() {
                        "row number as Excel shows it"
                    } else {
                        "line number as a text editor shows it"
                    }
                ),
            )),
        }
    }

    /// Says with `-v` what was read around the header: the title rows above it, columns not
    /// read, and the stage columns.
    fn note_header(&mut self, place: &Place, header: &Header) {
        let at = match &place.sheet {
            Some(sheet) => format!("{}:{sheet}", place.file),
            None => place.file.clone(),
        };
        if !header.titles.is_empty() {
            self.set.notes.push(format!(
                "{at}: header on row {}; title rows above it skipped: {}",
                header.line,
                header
                    .titles
                    .iter()
                    .map(|(line, text)| format!("{line} {text:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for note in &header.notes {
            self.set.notes.push(format!("{at}: {note}"));
        }
        if !header.stage_columns.is_empty() {
            self.set.notes.push(format!(
                "{at}: a level per stage from the columns {}",
                header
                    .stage_columns
                    .iter()
                    .map(|&(stage, i)| format!(
                        "{:?} ({stage}, column {})",
                        header.names[i],
                        workbook::column_letters(i + 1)
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }

    /// Checks the answer rows below a sheet's header row: each row's answers, then whether the
    /// sheet had any.
    #[allow(clippy::too_many_arguments)]
    fn table(
        &mut self,
        source: &Source,
        place: &Place,
        input: &mut InputFile,
        rows: &mut impl RowSource,
        header: Header,
        header_problems: Vec<HeaderProblem>,
        strict: bool,
    ) {
        let problems_before = self.problems.len() + self.more;
        if !header_problems.is_empty() {
            for (column, msg) in header_problems {
                self.problem(place.at(header.line, column, msg));
            }
            return;
        }
        self.note_header(place, &header);
        let sheet = Sheet {
            place,
            header: &header,
            file_no: self.set.files.len() as u32,
            default_opd: source.default_opd(),
        };
        let mut answered = 0u64;
        let mut lower = String::new();
        // The OPD an unanswered row names, for the warning about a sheet with no answers yet.
        let mut waiting_opd: Option<String> = None;

        while let Some(row) = rows.next_row() {
            let (line, record) = match row {
                Ok(row) => row,
                Err((line, msg)) => {
                    self.problem(place.at(line, None, msg));
                    continue;
                }
            };
            if record.iter().all(|f| trim(f).is_empty()) {
                continue;
            }
            input.rows += 1;
            if self.cell_too_long(&sheet, line, record) {
                continue;
            }
            match self.row(&sheet, &SheetRow::new(&header, line, record), &mut lower) {
                RowRead::Answers(n) => answered += n,
                RowRead::Blank(opd) => {
                    if answered == 0 && waiting_opd.is_none() && !opd.is_empty() {
                        waiting_opd = Some(opd.to_string());
                    }
                }
            }
        }
        if answered == 0 && self.problems.len() + self.more == problems_before {
            self.no_answers_yet(&sheet, waiting_opd, strict);
        }
    }

    /// Refuses a row with a cell longer than [`MAX_CELL_BYTES`] (a hostile file), located.
    #[inline]
    fn cell_too_long(&mut self, sheet: &Sheet<'_>, line: u64, record: Cells<'_>) -> bool {
        // No cell can be too long when the whole row is short (every row but a hostile one).
        if record.text_len() <= MAX_CELL_BYTES {
            return false;
        }
        let Some((i, f)) = record
            .iter()
            .enumerate()
            .find(|(_, f)| f.len() > MAX_CELL_BYTES)
        else {
            return false;
        };
        let name = sheet.header.names.get(i).cloned().unwrap_or_default();
        self.problem(sheet.place.at(
            line,
            Some((i + 1, name)),
            format!(
                "the cell is {} KiB long; cells longer than {} KiB are refused, shorten it",
                f.len() >> 10,
                MAX_CELL_BYTES >> 10
            ),
        ));
        true
    }

    /// One row below the header: its answers kept, or a template row left blank.
    #[inline]
    fn row<'r>(
        &mut self,
        sheet: &Sheet<'_>,
        row: &SheetRow<'r>,
        lower: &mut String,
    ) -> RowRead<'r> {
        let stage_columns = sheet.header.stage_columns.as_slice();
        // A row with no level, no evidence and no note is a template row left blank: not
        // answered. A level left empty beside evidence or a note is a mistake, reported below.
        let no_level = if stage_columns.is_empty() {
            row.get(Field::Level).is_empty()
        } else {
            stage_columns.iter().all(|&(_, i)| row.cell(i).is_empty())
        };
        if no_level && row.get(Field::Evidence).is_empty() && row.get(Field::Note).is_empty() {
            return RowRead::Blank(row.get(Field::Opd));
        }
        let indicator = self.indicator(sheet, row, lower);
        let opd_name = match row.get(Field::Opd) {
            "" => sheet.default_opd.as_str(),
            name => name,
        };
        RowRead::Answers(if stage_columns.is_empty() {
            self.level_answer(sheet, row, indicator, opd_name)
        } else {
            self.stage_answers(sheet, row, indicator, opd_name, no_level)
        })
    }

    /// The indicator a row names (its number, code or alias), or a problem at its cell.
    #[inline]
    fn indicator(
        &mut self,
        sheet: &Sheet<'_>,
        row: &SheetRow<'_>,
        lower: &mut String,
    ) -> Option<u16> {
        let ic = sheet
            .header
            .get(Field::Indicator)
            .expect("a header has an indicator column");
        let key = row.get(Field::Indicator);
        let found = self.lookup.get(key, lower);
        if found.is_none() {
            let shown: String = key.chars().take(40).collect();
            let msg = if key.is_empty() {
                "the indicator is empty; write the indicator's number (e.g. 11) or code (e.g. I11)"
                    .to_string()
            } else {
                format!(
                    "unknown indicator {shown:?}; the model {} has indicators {}",
                    self.model.id,
                    indicator_range(self.model)
                )
            };
            self.problem(sheet.place.at(row.line, sheet.column(ic), msg));
        }
        found
    }

    /// A row of a sheet with stage columns: one answer per stage column filled in.
    fn stage_answers(
        &mut self,
        sheet: &Sheet<'_>,
        row: &SheetRow<'_>,
        indicator: Option<u16>,
        opd_name: &str,
        no_level: bool,
    ) -> u64 {
        let stage_columns = sheet.header.stage_columns.as_slice();
        let line = row.line;
        let opd = self.intern_opd(opd_name);
        let Some(indicator) = indicator else { return 0 };
        if no_level {
            let (_, first) = stage_columns[0];
            self.problem(sheet.place.at(
                line,
                sheet.column(first),
                format!(
                    "every stage's level is empty ({}) but the row has evidence or a note; write the level under its stage",
                    stage_columns
                        .iter()
                        .map(|&(_, i)| format!("{:?}", sheet.header.names[i]))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            return 0;
        }
        let mut remarks = row.remarks();
        let mut answered = 0;
        for &(stage, i) in stage_columns {
            let text = row.cell(i);
            if text.is_empty() {
                continue;
            }
            match parse_level(self.model, indicator as usize, text) {
                Ok(level) => {
                    let answer = sheet.answer(opd, indicator, level, Some(stage), line);
                    answered += self.keep(answer, sheet.place, sheet.header, &mut remarks) as u64;
                }
                Err(msg) => self.problem(sheet.place.at(line, sheet.column(i), msg)),
            }
        }
        answered
    }

    /// A row of a sheet with one level column (and perhaps a stage column): one answer.
    #[inline]
    fn level_answer(
        &mut self,
        sheet: &Sheet<'_>,
        row: &SheetRow<'_>,
        indicator: Option<u16>,
        opd_name: &str,
    ) -> u64 {
        let header = sheet.header;
        let line = row.line;
        let lc = header
            .get(Field::Level)
            .expect("a header without stage columns has a level column");
        let level = indicator.and_then(|i| {
            match parse_level(self.model, i as usize, row.get(Field::Level)) {
                Ok(l) => Some(l),
                Err(msg) => {
                    self.problem(sheet.place.at(line, sheet.column(lc), msg));
                    None
                }
            }
        });
        let stage = match row.get(Field::Stage) {
            "" => None,
            text => match text.parse::<Stage>() {
                Ok(s) => Some(s),
                Err(msg) => {
                    let sc = header
                        .get(Field::Stage)
                        .expect("a value implies the column");
                    self.problem(sheet.place.at(line, sheet.column(sc), msg));
                    return 0;
                }
            },
        };
        let opd = self.intern_opd(opd_name);
        let (Some(indicator), Some(level)) = (indicator, level) else {
            return 0;
        };
        let answer = sheet.answer(opd, indicator, level, stage, line);
        self.keep(answer, sheet.place, header, &mut row.remarks()) as u64
    }

    /// Says that a sheet had no answer at all: a warning, or an error under `--strict`.
    fn no_answers_yet(&mut self, sheet: &Sheet<'_>, waiting_opd: Option<String>, strict: bool) {
        let who = waiting_opd.unwrap_or_else(|| sheet.default_opd.clone());
        if strict {
            self.problem(sheet.place.at(
                sheet.header.line,
                None,
                format!(
                    "no answers yet from {who:?}: every level in the sheet is empty; --strict refuses a sheet still to be filled in: fill in the level column, or drop --strict to score without it"
                ),
            ));
        } else {
            self.set.warnings.push(format!(
                "{}: no answers yet from {who:?}: every level in the sheet is empty, so it adds nothing; --strict makes this an error",
                sheet.place.whole()
            ));
        }
    }

    /// Keeps one answer of a row, unless its OPD already answered that indicator at that stage
    /// (an error, located). The row's evidence and note are stored once, for all its answers.
    #[inline(always)]
    fn keep(
        &mut self,
        mut answer: Answer,
        place: &Place,
        header: &Header,
        remarks: &mut RowRemarks<'_>,
    ) -> bool {
        if !self.first_answer(answer.opd, answer.indicator as u16, answer.stage) {
            self.second_answer(&answer, place, header);
            return false;
        }
        answer.remarks = match remarks.index {
            Some(index) => index,
            None => {
                let text = |t: &str| Some(t).filter(|s| !s.is_empty()).map(Box::from);
                let stored = Remarks {
                    evidence: text(remarks.evidence),
                    note: text(remarks.note),
                };
                let index = (stored != Remarks::default()).then(|| {
                    self.set.remarks.push(stored);
                    NonZeroU32::new(self.set.remarks.len() as u32).expect("counted from 1")
                });
                remarks.index = Some(index);
                index
            }
        };
        self.set.answers.push(answer);
        true
    }

    /// Reports a second answer by one OPD for one indicator and stage, naming the first.
    #[cold]
    fn second_answer(&mut self, answer: &Answer, place: &Place, header: &Header) {
        if self.problems.len() >= MAX_PROBLEMS {
            self.more += 1;
            return;
        }
        let (opd, indicator, stage) = (answer.opd, answer.indicator, answer.stage);
        // Found by a scan: this is the error path, and it runs at most MAX_PROBLEMS times.
        let first = self
            .set
            .answers
            .iter()
            .find(|a| a.opd == opd && a.indicator == indicator && a.stage == stage)
            .expect("a marked pair has its answer");
        let (f, l) = (first.file, first.line);
        let first = if f == answer.file {
            format!("line {l}")
        } else {
            format!("{}:{l}", self.set.files[f as usize].path)
        };
        let ic = header
            .get(Field::Indicator)
            .expect("a header has an indicator column");
        self.problem(place.at(
            answer.line as u64,
            Some((ic + 1, header.names[ic].clone())),
            format!(
                "OPD {:?} already answered indicator {}{} at {first}; keep one answer per OPD and indicator{}",
                self.set.opds[opd as usize],
                self.model.indicators[indicator as usize].id,
                stage.map(|s| format!(" at stage {s}")).unwrap_or_default(),
                if stage.is_some() { " and stage" } else { "" }
            ),
        ));
    }

    /// A `--column` or `--stage-column` whose header no sheet had is an error: the name is
    /// probably mistyped, and the column it meant was not read.
    fn check_flags_used(&mut self) {
        let unused: Vec<String> = self
            .names
            .unused(&self.flags_used)
            .map(String::from)
            .collect();
        for flag in unused {
            self.problem(SheetProblem {
                file: flag,
                sheet: None,
                line: 0,
                column: None,
                message: "no sheet has this column; check the name against the sheets' header rows (names are matched ignoring case and the spaces, _, - and . between words)".into(),
            });
        }
    }

    pub fn finish(mut self) -> Result<AnswerSet, SheetErrors> {
        self.check_flags_used();
        if self.problems.is_empty() {
            Ok(self.set)
        } else {
            Err(SheetErrors {
                problems: self.problems,
                more: self.more,
            })
        }
    }

    /// Everything read, whatever the problems: for `spbe validate`, which reports both.
    pub fn finish_partial(mut self) -> (AnswerSet, SheetErrors) {
        self.check_flags_used();
        (
            self.set,
            SheetErrors {
                problems: self.problems,
                more: self.more,
            },
        )
    }
}

fn indicator_range(model: &Model) -> String {
    let ids: Vec<&str> = model.indicators.iter().map(|i| i.id.as_str()).collect();
    match (ids.first(), ids.last()) {
        (Some(a), Some(b)) if ids.len() > 2 => format!("{a} to {b}"),
        _ => ids.join(", "),
    }
}

/// Two level names are the same ignoring case and the white space between words.
fn same_words(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// Reads a level or value in the model's units (see [`crate::core::value`]): for a model of
/// whole levels a whole number in range, a level name of the indicator's scale, or Excel's
/// dropdown form `3 - Terdefinisi`; for a model of decimal values see [`parse_value`]. The
/// error says what is allowed.
pub fn parse_level(model: &Model, indicator: usize, text: &str) -> Result<u16, String> {
    if model.decimal_values() {
        return parse_value(model, indicator, text);
    }
    parse_whole_level(model, indicator, text).map(u16::from)
}

/// A whole level: a whole number in range (also written with zero decimals, `3.0` or `3,00`, as
/// Excel writes a number-formatted cell), a level name or the dropdown form.
fn parse_whole_level(model: &Model, indicator: usize, text: &str) -> Result<u8, String> {
    // The usual cell, read once per row: one digit in range.
    if let &[d @ b'0'..=b'9'] = text.as_bytes() {
        let level = d - b'0';
        if (model.min_level..=model.max_level).contains(&level) {
            return Ok(level);
        }
    }
    let scale = &model.scales[model.indicators[indicator].scale];
    let allowed = || {
        format!(
            "write a whole number from {} to {}, a level name ({}) or the dropdown form \"3 - {}\"",
            model.min_level,
            model.max_level,
            scale.level_names.join(", "),
            model.level_name(indicator, 3.clamp(model.min_level, model.max_level))
        )
    };
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("the level is empty; {}", allowed()));
    }
    let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    if digits_end > 0 {
        let (num, rest) = t.split_at(digits_end);
        let rest = rest.trim_start();
        let in_range = |n: &str| -> Result<u8, String> {
            match n.parse::<u32>() {
                Ok(v) if v >= model.min_level as u32 && v <= model.max_level as u32 => Ok(v as u8),
                _ => Err(format!(
                    "level {n} is outside the model's range {} to {}; {}",
                    model.min_level,
                    model.max_level,
                    allowed()
                )),
            }
        };
        if rest.is_empty() {
            return in_range(num);
        }
        if rest.starts_with([',', '.']) && rest[1..].chars().all(|c| c.is_ascii_digit()) {
            // `3.0`, `3,00`: Excel writes a whole number so when the cell is formatted as a
            // number with decimals. Only zeros after the separator: that level.
            if rest.len() > 1 && rest[1..].bytes().all(|b| b == b'0') {
                return in_range(num);
            }
            return Err(format!(
                "level {t:?} is not a whole number; maturity levels have no fractions, {}",
                allowed()
            ));
        }
        if let Some(name) = rest.strip_prefix(['-', '–', '—', ':', '.']) {
            let level = in_range(num)?;
            let expected = model.level_name(indicator, level);
            if same_words(name, expected) {
                return Ok(level);
            }
            return Err(format!(
                "level {t:?} does not match: level {level} of this indicator is {expected:?}; {}",
                allowed()
            ));
        }
    }
    if let Some(pos) = scale.level_names.iter().position(|n| same_words(n, t)) {
        return Ok(model.min_level + pos as u8);
    }
    Err(format!("{t:?} is not a level; {}", allowed()))
}

/// Reads a decimal value of a model with `levels.decimals` (Pemdi 2026): `1.26` or the
/// Indonesian `1,26`, in range, with at most the model's decimals (zeros after them are
/// harmless: `1.260`); a whole number (`2`); a level name, meaning its whole level
/// (`Terkelola` is 2.00); or a value followed by its whole part's name (`1,26 - Rintisan`,
/// `1,26 (Rintisan)`). The error says what is allowed.
pub fn parse_value(model: &Model, indicator: usize, text: &str) -> Result<u16, String> {
    let d = model.level_decimals;
    let unit = Value::unit(d) as u32;
    let lowest = model.value(model.level_units(model.min_level));
    let highest = model.value(model.level_units(model.max_level));
    let scale = &model.scales[model.indicators[indicator].scale];
    let example = model.value(model.level_units(model.min_level) + (unit * 26 / 100) as u16);
    let allowed = || {
        format!(
            "write a value from {lowest} to {highest} with at most {d} decimal{} (e.g. {example} or {}), or a level name ({}) for its whole level",
            if d == 1 { "" } else { "s" },
            example.to_string().replace('.', ","),
            scale.level_names.join(", ")
        )
    };
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("the value is empty; {}", allowed()));
    }
    if let Some(pos) = scale.level_names.iter().position(|n| same_words(n, t)) {
        return Ok(model.level_units(model.min_level + pos as u8));
    }
    // The number: digits, then optionally a point or comma and digits.
    let whole_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    if whole_end == 0 {
        return Err(format!("{t:?} is not a value; {}", allowed()));
    }
    let (whole, rest) = t.split_at(whole_end);
    let (frac, rest) = match rest.strip_prefix(['.', ',']) {
        Some(r) => {
            let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            if end == 0 {
                return Err(format!("{t:?} is not a value; {}", allowed()));
            }
            r.split_at(end)
        }
        None => ("", rest),
    };
    let number = &t[..t.len() - rest.len()];
    let significant = frac.trim_end_matches('0');
    if significant.len() > d as usize {
        return Err(format!(
            "value {number:?} has {} decimals, more than the {d} of the model {}; {}",
            significant.len(),
            model.id,
            allowed()
        ));
    }
    let units = whole
        .parse::<u32>()
        .ok()
        .filter(|w| *w <= model.max_level as u32)
        .map(|w| {
            let f: u32 = format!("{significant:0<width$}", width = d as usize)
                .parse()
                .unwrap_or(0);
            w * unit + f
        });
    let range =
        model.level_units(model.min_level) as u32..=model.level_units(model.max_level) as u32;
    let Some(units) = units.filter(|u| range.contains(u)) else {
        return Err(format!(
            "value {number} is outside the model's range {lowest} to {highest}; {}",
            allowed()
        ));
    };
    let units = units as u16;
    let rest = rest.trim();
    if rest.is_empty() {
        return Ok(units);
    }
    // A name after the number must be its whole part's.
    let name = rest
        .strip_prefix(['-', '–', '—', ':'])
        .map(str::trim)
        .or_else(|| rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')))
        .ok_or_else(|| format!("{t:?} is not a value; {}", allowed()))?;
    let value = model.value(units);
    let expected = model.level_name(indicator, value.whole());
    if same_words(name, expected) {
        Ok(units)
    } else {
        Err(format!(
            "value {t:?} does not match: {value} is level {} of this indicator, {expected:?}; {}",
            value.whole(),
            allowed()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        Model::load("spbe-2020").unwrap()
    }

    #[test]
    fn one_answer_per_opd_indicator_and_stage_and_the_excess_is_counted() {
        let m = model();
        let mut text =
            String::from("opd,indicator,stage,level\nA,1,mandiri,3\nA,1,akhir,3\nB,1,akhir,2\n");
        for _ in 0..150 {
            text.push_str("A,I1,Final,4\n");
        }
        let mut r = SheetReader::new(&m);
        r.read(&Source::Stdin, text.as_bytes());
        let err = r.finish().unwrap_err();
        assert_eq!((err.problems.len(), err.more), (MAX_PROBLEMS, 50));
        assert_eq!(
            err.problems[99].to_string(),
            "<stdin>:104:2: column \"indicator\": OPD \"A\" already answered indicator 1 at stage akhir at line 3; keep one answer per OPD and indicator and stage"
        );
    }

    #[test]
    fn an_answer_is_20_bytes() {
        // Memory for a million-row sheet is mostly answers (bench/README.md).
        assert_eq!(std::mem::size_of::<Answer>(), 20);
    }

    #[test]
    fn field_slots_follow_all() {
        for (i, f) in Field::ALL.iter().enumerate() {
            assert_eq!(f.slot(), i, "{f:?}");
        }
    }

    #[test]
    fn levels_in_every_accepted_form() {
        let m = model();
        let i11 = m.find_indicator("11").unwrap();
        let i32 = m.find_indicator("I32").unwrap();
        assert_eq!(parse_level(&m, i11, " 3 "), Ok(3));
        assert_eq!(parse_level(&m, i11, "Terdefinisi"), Ok(3));
        assert_eq!(parse_level(&m, i11, "terpadu  dan terukur"), Ok(4));
        assert_eq!(parse_level(&m, i11, "3 - Terdefinisi"), Ok(3));
        assert_eq!(parse_level(&m, i11, "3 – terdefinisi"), Ok(3));
        assert_eq!(parse_level(&m, i32, "3 - Transaksi"), Ok(3));
        assert_eq!(parse_level(&m, i32, "Kolaborasi"), Ok(4));
        // A whole number with zero decimals, as Excel writes a number-formatted cell.
        assert_eq!(parse_level(&m, i11, "3.0"), Ok(3));
        assert_eq!(parse_level(&m, i11, "3,00"), Ok(3));
        assert_eq!(parse_level(&m, i11, " 4.000 "), Ok(4));
    }

    #[test]
    fn bad_levels_say_what_is_allowed() {
        let m = model();
        let i11 = m.find_indicator("11").unwrap();
        let allowed = "write a whole number from 1 to 5, a level name (Rintisan, Terkelola, Terdefinisi, Terpadu dan Terukur, Optimum) or the dropdown form \"3 - Terdefinisi\"";
        let fraction = |text: &str| {
            format!(
                "level {text:?} is not a whole number; maturity levels have no fractions, {allowed}"
            )
        };
        let outside =
            |level: u8| format!("level {level} is outside the model's range 1 to 5; {allowed}");
        for (text, message) in [
            ("4,5", fraction("4,5")),
            ("3.5", fraction("3.5")),
            ("6.0", outside(6)),
            ("3.01", fraction("3.01")),
            ("6", outside(6)),
            ("0", outside(0)),
            ("", format!("the level is empty; {allowed}")),
            (
                "3 - Transaksi",
                format!(
                    "level \"3 - Transaksi\" does not match: level 3 of this indicator is \"Terdefinisi\"; {allowed}"
                ),
            ),
            ("tinggi", format!("\"tinggi\" is not a level; {allowed}")),
        ] {
            assert_eq!(parse_level(&m, i11, text), Err(message), "{text:?}");
        }
    }
}
