//! Long answer sheets of many institutions, for `spbe compare`: one row per answer with an
//! institution column (`instansi`, `institution` or `nama_instansi`) beside the columns of an
//! answer sheet, and optionally `kategori`/`category`, `daerah`/`region` and `tahun`/`year`.
//!
//! Rows are read with the answer sheets' machinery ([`crate::input::text_sheet`]: any encoding
//! Excel writes, a reading thread for large files; workbooks) and checked as `spbe score` checks
//! them, with the same messages. An institution's answers are kept as a tally ([`Open`]: per OPD,
//! indicator and stage one bit; per indicator, stage and level a count), not as a list, and
//! the institution is scored by the one pipeline ([`evaluate`]) as soon as the rows move on to
//! the next one: memory holds one row per institution, whatever the number of answers. Under
//! `--combine owner` the owner decides, so the answers of an open institution are kept whole
//! ([`Open::kept`]), scored with its own responsibility map ([`PerInstitution`]).
//!
//! When an institution's rows are not together (it comes back after another one), reading stops
//! and says so ([`LongSheets::scattered`]); the caller reads the sheets again with
//! [`Grouping::Scattered`], which keeps every institution's tally until the end.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::core::answers::{Answer, AnswerSet, InputFile};
use crate::core::compare::{self, At, Entry, Origin, Table};
use crate::core::consolidate::Combine;
use crate::core::evaluate::{Notice, Policy, evaluate};
use crate::core::exact::{Decimal, Exact};
use crate::core::external::SourceValue;
use crate::core::model::Model;
use crate::core::owners::OwnerMap;
use crate::core::score::PredicateBasis;
use crate::core::scorecard::Scorecard;
use crate::core::stage::Stage;
use crate::input::columns::{
    self, ColumnRole, Field, HEADER_SEARCH_ROWS, HeaderProblem, Names, StageColumn, header_key,
};
use crate::input::external::ExternalFile;
use crate::input::feed;
use crate::input::intern::{Interner, same};
use crate::input::owners::InstitutionMaps;
use crate::input::sheets::{
    IndicatorLookup, MAX_CELL_BYTES, MAX_COLUMNS, MAX_PROBLEMS, ReadOptions, SheetErrors,
    SheetProblem, Source, parse_level, trim,
};
use crate::input::text_sheet::{self, Cells, ListedRows, Opened, RowSource};
use crate::input::workbook;

/// A long sheet holds a whole country's answers: it may be larger than one institution's sheet
/// ([`crate::input::sheets::MAX_SHEET_BYTES`]); it is read in chunks, so the size costs no memory.
pub const MAX_LONG_SHEET_BYTES: u64 = 4 << 30;

/// The columns a long sheet has besides an answer sheet's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extra {
    Institution,
    Category,
    Region,
    Year,
}

impl Extra {
    const ALL: [Extra; 4] = [
        Extra::Institution,
        Extra::Category,
        Extra::Region,
        Extra::Year,
    ];

    fn from_header(name: &str) -> Option<Extra> {
        Some(match header_key(name).as_str() {
            "instansi" | "institution" | "nama_instansi" => Extra::Institution,
            "kategori" | "category" => Extra::Category,
            "daerah" | "region" => Extra::Region,
            "tahun" | "year" => Extra::Year,
            _ => return None,
        })
    }

    /// The Indonesian name, for messages about a row.
    fn short(self) -> &'static str {
        match self {
            Extra::Institution => "instansi",
            Extra::Category => "kategori",
            Extra::Region => "daerah",
            Extra::Year => "tahun",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Extra::Institution => "instansi (or institution, nama_instansi)",
            Extra::Category => "kategori (or category)",
            Extra::Region => "daerah (or region)",
            Extra::Year => "tahun (or year)",
        }
    }
}

/// The names of a long sheet's institution columns: the user's (`--column institution=...`)
/// first, then the built-in ones.
#[derive(Debug, Clone, Default)]
struct ExtraNames {
    user: Vec<(String, Extra)>,
}

impl ExtraNames {
    fn new(options: &ReadOptions) -> ExtraNames {
        let user = options
            .columns
            .iter()
            .filter_map(|c| {
                let x = match c.role {
                    ColumnRole::Institution => Extra::Institution,
                    ColumnRole::Category => Extra::Category,
                    ColumnRole::Region => Extra::Region,
                    ColumnRole::Year => Extra::Year,
                    _ => return None,
                };
                Some((header_key(&c.header), x))
            })
            .collect();
        ExtraNames { user }
    }

    fn of(&self, header: &str) -> Option<Extra> {
        let key = header_key(header);
        match self.user.iter().find(|(k, _)| *k == key) {
            Some(&(_, x)) => Some(x),
            None if self
                .user
                .iter()
                .any(|(_, x)| Some(*x) == Extra::from_header(header)) =>
            {
                // The user named another column for this role.
                None
            }
            None => Extra::from_header(header),
        }
    }

    /// Where each institution column is in a header row, and any column named twice.
    fn find(&self, cells: &[String]) -> ([Option<usize>; 4], Vec<HeaderProblem>) {
        let mut at = [None; 4];
        let mut problems = Vec::new();
        for (i, cell) in cells.iter().enumerate() {
            let Some(x) = self.of(cell) else { continue };
            match at[x as usize] {
                Some(first) => problems.push((
                    Some((i + 1, columns::shown(cell))),
                    format!(
                        "column {} appears twice (also column {}); keep one",
                        x.name(),
                        first + 1
                    ),
                )),
                None => at[x as usize] = Some(i),
            }
        }
        (at, problems)
    }
}

/// Whether a sheet's first rows have an institution column: a long sheet, not one institution's
/// sheet. Reads only the start of a text sheet; a workbook is opened.
pub fn has_institution_column(path: &std::path::Path, options: &ReadOptions) -> bool {
    let extras = ExtraNames::new(options);
    let names_one = |cells: &[String]| {
        cells
            .iter()
            .any(|c| extras.of(c) == Some(Extra::Institution))
    };
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::new();
    if file
        .by_ref()
        .take(text_sheet::CHUNK as u64)
        .read_to_end(&mut head)
        .is_err()
    {
        return false;
    }
    if workbook::is_workbook(&head) {
        let Ok(bytes) = crate::input::model::read_capped(path, MAX_LONG_SHEET_BYTES) else {
            return false;
        };
        return workbook::read(&bytes, options.sheet.as_deref()).is_ok_and(|sheet| {
            sheet
                .rows
                .iter()
                .take(HEADER_SEARCH_ROWS)
                .any(|(_, cells)| names_one(cells))
        });
    }
    let mut chunks = text_sheet::Chunks::slice(&head);
    let recognised = |h: &str| extras.of(h).is_some();
    let Ok(sheet) =
        text_sheet::TextSheet::open(&mut chunks, options.encoding, options.delimiter, recognised)
    else {
        return false;
    };
    let mut rows = text_sheet::SheetRows::new(sheet, &mut chunks);
    let mut seen = 0;
    while let Some(Ok((_, cells))) = rows.next_row() {
        let cells: Vec<String> = cells.iter().map(str::to_string).collect();
        if names_one(&cells) {
            return true;
        }
        seen += 1;
        if seen >= HEADER_SEARCH_ROWS {
            break;
        }
    }
    false
}

/// How institutions' rows are expected to come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// Together (an export is): an institution is scored when the next one starts, and one
    /// coming back stops the reading ([`LongSheets::scattered`]).
    Grouped,
    /// Anywhere: every institution's tally is kept until the end.
    Scattered,
}

/// How to score each institution: the flags `spbe score` takes.
#[derive(Debug, Clone, Copy)]
pub struct Scoring {
    pub combine: Combine,
    pub basis: PredicateBasis,
    pub stage: Option<Stage>,
    /// An unanswered indicator, or an institution with no answers, is an error.
    pub strict: bool,
}

impl Scoring {
    pub fn policy(&self) -> Policy<'static> {
        Policy {
            combine: self.combine,
            basis: self.basis,
            stage: self.stage,
            ..Policy::default()
        }
    }
}

/// What each institution is scored with besides the flags [`Scoring`] holds: under `--combine
/// owner` its responsibility map, and the values of other agencies' indices (Pemdi 2026).
#[derive(Debug, Default)]
pub struct PerInstitution {
    /// `--owners`, read for `--combine owner`: a map per institution.
    pub owners: Option<InstitutionMaps>,
    /// `--fallback`: the policy where no owner answered.
    pub fallback: Combine,
    /// `--external KEY=VALUE`: every institution's.
    pub external: Vec<SourceValue>,
    /// `--external-file`: per institution, winning over [`Self::external`] for that institution.
    pub external_file: Option<ExternalFile>,
}

impl PerInstitution {
    /// The responsibility map of institution `name` under `--combine owner` (none otherwise);
    /// an error naming it when no row of the map applies to it.
    pub fn owners_of(&self, name: &str) -> Result<Option<OwnerMap>, String> {
        let Some(maps) = &self.owners else {
            return Ok(None);
        };
        maps.of(name).map(Some).ok_or_else(|| {
            format!(
                "--combine owner needs a responsibility map for each institution, and {} has no rows for {name:?}: add rows with instansi {name:?} (rows with no instansi apply to every institution)",
                maps.file.path
            )
        })
    }

    /// The values of other agencies' indices for institution `name`: its own from
    /// `--external-file`, then the `--external` ones for the other indicators.
    pub fn external_of(&self, name: &str) -> Vec<SourceValue> {
        let mut values: Vec<SourceValue> = self
            .external_file
            .iter()
            .flat_map(|f| f.of(name))
            .cloned()
            .collect();
        for v in &self.external {
            if !values.iter().any(|w| w.indicator == v.indicator) {
                values.push(v.clone());
            }
        }
        values
    }

    /// The policy of institution `name`: `scoring`'s flags with its map and external values.
    fn policy<'a>(
        &self,
        scoring: &Scoring,
        owners: Option<&'a OwnerMap>,
        external: &'a [SourceValue],
    ) -> Policy<'a> {
        Policy {
            owners,
            fallback: self.fallback,
            external,
            ..scoring.policy()
        }
    }
}

/// Stage slots of a tally: one per stage, then the answers with no stage.
const SLOTS: usize = Stage::ALL.len() + 1;

fn slot(stage: Option<Stage>) -> usize {
    stage.map_or(Stage::ALL.len(), |s| s as usize)
}

/// One institution being read: what identifies it, and its answers as a tally.
#[derive(Debug)]
struct Open {
    name: String,
    category: Option<String>,
    region: Option<String>,
    year: Option<u16>,
    origin: Origin,
    /// Its sheet, in [`LongSheets::paths`].
    file: u32,
    /// Per OPD of the institution: its first spelling (an id of [`LongSheets::spellings`]) and
    /// the key of its name.
    opds: Vec<(u32, u32)>,
    /// Per OPD, one bit per (indicator, stage slot) answered.
    answered: Vec<u64>,
    /// Per stage slot, per indicator and value (in the model's units), how many answers.
    counts: [Option<Box<[u32]>>; SLOTS],
    answers: u64,
    /// Under `--combine owner`: every answer, with its OPD (the tally forgets which OPD gave
    /// which level); empty otherwise.
    kept: Vec<Answer>,
    warnings: Vec<String>,
}

impl Open {
    /// The line of its first row.
    fn line(&self) -> u64 {
        match self.origin.at {
            At::Line(l) => l as u64,
            _ => 0,
        }
    }
}

/// Reads long sheets into a [`Table`], one row per institution.
pub struct LongSheets<'m> {
    model: &'m Model,
    scoring: Scoring,
    per: &'m PerInstitution,
    grouping: Grouping,
    lookup: IndicatorLookup,
    /// The indicator a number written without leading zeros means (+1; 0: none), as
    /// [`Self::lookup`] finds it: most sheets write `11`, and a table is faster than a hash.
    by_number: Vec<u16>,
    table: Table,
    /// The institutions being read: the current one when grouped, all of them when scattered.
    open: Vec<Open>,
    /// Scattered: institutions by name key and year → position in `open`.
    open_index: HashMap<(String, Option<u16>), usize>,
    /// The institution of the last row, and its cells as written there (institution, year,
    /// category, region): a row that repeats them belongs to it with no lookup.
    current: Option<usize>,
    last_cells: [String; 4],
    /// The last row's OPD cell and the OPD it is (reset with `current`).
    last_opd: Option<(String, u32)>,
    /// Every OPD spelling read → its id; per id its text and the id of its key.
    spelling_ids: Interner,
    spellings: Vec<Box<str>>,
    spelling_key: Vec<u32>,
    keys: HashMap<String, u32>,
    /// Bits per OPD in [`Open::answered`].
    words: usize,
    /// How many values an answer may take (the tally's width per indicator).
    levels: usize,
    /// Grouped: where an institution came back after another.
    scattered: Option<SheetProblem>,
    problems: Vec<SheetProblem>,
    more: usize,
    /// The sheets read so far, for messages.
    paths: Vec<String>,
    /// Reading warnings (a guessed encoding) and institutions with no answers.
    pub warnings: Vec<String>,
    pub files: Vec<InputFile>,
    /// Whether sheets are hashed for the receipt.
    pub hash: bool,
    /// Reused for each institution's evaluation.
    scratch: AnswerSet,
    lower: String,
    /// Whether answers are kept whole ([`Open::kept`]), for `--combine owner`.
    keep_answers: bool,
    /// The `--stage-column` flags, and per stage whether a sheet had its column.
    stage_flags: Vec<StageColumn>,
    stages_seen: [bool; Stage::ALL.len()],
}

/// Where a row is, and what [`LongSheets::careful_row`] reads besides the known cells.
struct RowPlace<'a> {
    file: &'a str,
    sheet: &'a Option<String>,
    /// The header row's cells.
    names: &'a [String],
    /// The stage columns: each row's level at that stage.
    staged: &'a [(Stage, usize)],
    default_opd: &'a str,
    /// The indicator, level and stage columns.
    indicator: usize,
    level: Option<usize>,
    stage: Option<usize>,
}

impl RowPlace<'_> {
    fn at(&self, line: u64, column: Option<usize>, message: String) -> SheetProblem {
        let column = column.map(|i| (i + 1, self.names[i].clone()));
        located(self.file, self.sheet, line, column, message)
    }
}

/// The institution columns of one sheet: position (1-based) and header, for messages.
struct ExtraColumns([Option<(usize, String)>; 4]);

impl ExtraColumns {
    fn get(&self, x: Extra) -> Option<(usize, String)> {
        self.0[x as usize].clone()
    }
}

/// A problem at a place in a sheet.
fn located(
    file: &str,
    sheet: &Option<String>,
    line: u64,
    column: Option<(usize, String)>,
    message: String,
) -> SheetProblem {
    SheetProblem {
        file: file.to_string(),
        sheet: sheet.clone(),
        line,
        column,
        message,
    }
}

impl<'m> LongSheets<'m> {
    pub fn new(
        model: &'m Model,
        scoring: Scoring,
        per: &'m PerInstitution,
        grouping: Grouping,
        table: Table,
    ) -> Self {
        // Values in the model's units (levels, or hundredths of a level for decimal values).
        let levels =
            (model.level_units(model.max_level) - model.level_units(model.min_level)) as usize + 1;
        LongSheets {
            model,
            scoring,
            per,
            grouping,
            lookup: IndicatorLookup::of(model),
            by_number: {
                let lookup = IndicatorLookup::of(model);
                let mut lower = String::new();
                (0..1000)
                    .map(|n: u32| lookup.get(&n.to_string(), &mut lower).map_or(0, |i| i + 1))
                    .collect()
            },
            table,
            open: Vec::new(),
            open_index: HashMap::new(),
            current: None,
            last_cells: Default::default(),
            last_opd: None,
            spelling_ids: Interner::default(),
            spellings: Vec::new(),
            spelling_key: Vec::new(),
            keys: HashMap::new(),
            words: (model.indicators.len() * SLOTS).div_ceil(64),
            levels,
            scattered: None,
            problems: Vec::new(),
            more: 0,
            paths: Vec::new(),
            warnings: Vec::new(),
            files: Vec::new(),
            hash: true,
            scratch: AnswerSet::default(),
            lower: String::new(),
            keep_answers: scoring.combine == Combine::Owner && per.owners.is_some(),
            stage_flags: Vec::new(),
            stages_seen: [false; Stage::ALL.len()],
        }
    }

    /// Grouped: where an institution came back after another, which stopped the reading.
    pub fn scattered(&self) -> Option<&SheetProblem> {
        self.scattered.as_ref()
    }

    fn problem(&mut self, p: SheetProblem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        } else {
            self.more += 1;
        }
    }

    /// Reads one long sheet (a file, or stdin), numbered `input` in the origins of its rows.
    pub fn read(&mut self, source: &Source, input: u32, options: &ReadOptions) {
        if self.scattered.is_some() {
            return;
        }
        let file = source.display();
        self.paths.push(file.clone());
        self.stage_flags.clone_from(&options.stage_columns);
        let reader: Box<dyn Read + Send> = match source {
            Source::Stdin => Box::new(std::io::stdin()),
            Source::File(p) => match std::fs::File::open(p) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    self.problem(located(&file, &None, 0, None, format!("cannot read: {e}")));
                    return;
                }
            },
        };
        let mut read = InputFile {
            path: file.clone(),
            sha256: String::new(),
            rows: 0,
        };
        let default_opd = source.default_opd();
        let names = Names::new(&options.columns, &options.stage_columns);
        let extras = ExtraNames::new(options);
        let recognised = |h: &str| names.recognised(h) || extras.of(h).is_some();
        let reading = text_sheet::Reading {
            max_bytes: MAX_LONG_SHEET_BYTES,
            too_big,
            encoding: options.encoding,
            delimiter: options.delimiter,
            recognised: &recognised,
            hash: self.hash,
        };
        let header = HeaderNames {
            names: &names,
            extras: &extras,
            forced: options.header_row,
        };
        let ((), digest) =
            text_sheet::read_on_a_thread_with(reader, &reading, |opened| match opened {
                Opened::Failed(line, msg) => self.problem(located(&file, &None, line, None, msg)),
                Opened::Text(mut rows) => {
                    self.rows(
                        &file,
                        &None,
                        input,
                        &default_opd,
                        &header,
                        &mut read,
                        &mut rows,
                    );
                    if let Some(w) = rows.encoding_warning() {
                        self.warnings.push(format!("{file}: {w}"));
                    }
                }
                Opened::Workbook(bytes) => match workbook::read(&bytes, options.sheet.as_deref()) {
                    Ok(sheet) => {
                        let place = Some(sheet.name);
                        let mut rows = ListedRows::new(sheet.rows.into_iter());
                        self.rows(
                            &file,
                            &place,
                            input,
                            &default_opd,
                            &header,
                            &mut read,
                            &mut rows,
                        );
                    }
                    Err(msg) => self.problem(located(&file, &None, 0, None, msg)),
                },
            });
        read.sha256 = digest.unwrap_or_default();
        self.files.push(read);
    }

    /// Finds the header row (title rows above it are skipped, as in an answer sheet) and reads
    /// the rows after it.
    #[allow(clippy::too_many_arguments)]
    fn rows(
        &mut self,
        file: &str,
        sheet: &Option<String>,
        input: u32,
        default_opd: &str,
        names: &HeaderNames<'_>,
        read: &mut InputFile,
        rows: &mut impl RowSource,
    ) {
        let at = |line: u64, column: Option<(usize, String)>, message: String| {
            located(file, sheet, line, column, message)
        };
        let (header, fields, extras) = match find_header(names, rows) {
            Ok(found) => found,
            Err(problems) => {
                for (line, column, message) in problems {
                    self.problem(at(line, column, message));
                }
                return;
            }
        };
        let header_names: Vec<String> = header.names.clone();
        let named = |i: usize| Some((i + 1, header_names[i].clone()));
        let field = |f: Field| fields[f as usize];
        let (ic, lc) = (
            field(Field::Indicator).unwrap(),
            // None with stage columns: their rows take `careful_row`, which reads no level here.
            field(Field::Level).unwrap_or_default(),
        );
        let extra_columns = ExtraColumns(Extra::ALL.map(|x| extras[x as usize].and_then(named)));
        // The cells read per row, in this order.
        let columns: [Option<usize>; 10] = [
            extras[Extra::Institution as usize],
            extras[Extra::Year as usize],
            extras[Extra::Category as usize],
            extras[Extra::Region as usize],
            field(Field::Opd),
            field(Field::Indicator),
            field(Field::Level),
            field(Field::Stage),
            field(Field::Evidence),
            field(Field::Note),
        ];
        const OPD: usize = 4;
        const INDICATOR: usize = 5;
        const LEVEL: usize = 6;
        const STAGE: usize = 7;
        const EVIDENCE: usize = 8;
        const NOTE: usize = 9;
        let file_no = self.paths.len() as u32 - 1;
        // A level per stage in columns (`--stage-column`), or answers kept whole (`--combine
        // owner`): such rows take [`Self::careful_row`], past one test per row.
        let staged = header.stage_columns.clone();
        for &(stage, _) in &staged {
            self.stages_seen[stage as usize] = true;
        }
        let careful = !staged.is_empty() || self.keep_answers;
        let place = RowPlace {
            file,
            sheet,
            names: &header_names,
            staged: &staged,
            default_opd,
            indicator: ic,
            level: field(Field::Level),
            stage: field(Field::Stage),
        };

        while let Some(row) = rows.next_row() {
            if self.scattered.is_some() {
                return;
            }
            let (line, record) = match row {
                Ok(row) => row,
                Err((line, msg)) => {
                    self.problem(at(line, None, msg));
                    continue;
                }
            };
            // The cells read, trimmed; a row with nothing in any cell is skipped (the known
            // cells decide at once for nearly every row).
            // (A loop, not `array::map`: that copies the array through the stack on every row.)
            let mut cells = [""; 10];
            let mut any = false;
            for (cell, column) in cells.iter_mut().zip(&columns) {
                if let Some(text) = column.and_then(|i| record.get(i)) {
                    *cell = trim(text);
                    any |= !cell.is_empty();
                }
            }
            if !any && record.iter().all(|c| trim(c).is_empty()) {
                continue;
            }
            read.rows += 1;
            if record.text_len() > MAX_CELL_BYTES {
                if let Some((i, c)) = record
                    .iter()
                    .enumerate()
                    .find(|(_, c)| c.len() > MAX_CELL_BYTES)
                {
                    let name = header_names.get(i).cloned().unwrap_or_default();
                    self.problem(at(
                        line,
                        Some((i + 1, name)),
                        format!(
                            "the cell is {} KiB long; cells longer than {} KiB are refused, shorten it",
                            c.len() >> 10,
                            MAX_CELL_BYTES >> 10
                        ),
                    ));
                    continue;
                }
            }
            // Which institution: the last row's when the cells repeat it.
            let known = self.current.is_some()
                && same(cells[0].as_bytes(), self.last_cells[0].as_bytes())
                && same(cells[1].as_bytes(), self.last_cells[1].as_bytes())
                && same(cells[2].as_bytes(), self.last_cells[2].as_bytes())
                && same(cells[3].as_bytes(), self.last_cells[3].as_bytes());
            if !known {
                if let Err(p) =
                    self.switch(file, sheet, input, file_no, line, &cells, &extra_columns)
                {
                    self.problem(p);
                    continue;
                }
                if self.scattered.is_some() {
                    return;
                }
            }
            let current = self.current.expect("switched");
            // A template row left blank: not an answer.
            if cells[LEVEL].is_empty()
                && cells[EVIDENCE].is_empty()
                && cells[NOTE].is_empty()
                && staged
                    .iter()
                    .all(|&(_, i)| record.get(i).is_none_or(|c| trim(c).is_empty()))
            {
                continue;
            }
            let key = cells[INDICATOR];
            let by_number = number(key).and_then(|n| self.by_number.get(n)).copied();
            let found = match by_number {
                Some(0) | None => self.lookup.get(key, &mut self.lower),
                Some(i) => Some(i - 1),
            };
            let indicator = match found {
                Some(i) => Some(i),
                None => {
                    let shown: String = key.chars().take(40).collect();
                    let msg = if key.is_empty() {
                        "the indicator is empty; write the indicator's number (e.g. 11) or code (e.g. I11)".to_string()
                    } else {
                        format!(
                            "unknown indicator {shown:?}; the model {} has indicators {}",
                            self.model.id,
                            indicator_range(self.model)
                        )
                    };
                    self.problem(at(line, named(ic), msg));
                    None
                }
            };
            if careful {
                let given = [cells[OPD], cells[LEVEL], cells[STAGE]];
                self.careful_row(&place, line, &record, given, current, indicator);
                continue;
            }
            let level =
                indicator.and_then(
                    |i| match parse_level(self.model, i as usize, cells[LEVEL]) {
                        Ok(l) => Some(l),
                        Err(msg) => {
                            self.problem(at(line, named(lc), msg));
                            None
                        }
                    },
                );
            let stage = match cells[STAGE] {
                "" => None,
                text => match text.parse::<Stage>() {
                    Ok(s) => Some(s),
                    Err(msg) => {
                        let sc = field(Field::Stage).expect("a value implies the column");
                        self.problem(at(line, named(sc), msg));
                        continue;
                    }
                },
            };
            let opd_name = match cells[OPD] {
                "" => default_opd,
                name => name,
            };
            let opd = match &self.last_opd {
                Some((last, opd)) if same(last.as_bytes(), opd_name.as_bytes()) => *opd,
                _ => self.opd(current, opd_name),
            };
            let (Some(indicator), Some(level)) = (indicator, level) else {
                continue;
            };
            self.tally(&place, line, current, opd, indicator, stage, level);
        }
    }

    /// A row read with care: its levels from the stage columns (one answer per stage filled
    /// in), or its one level; each answer tallied and, for `--combine owner`, kept whole.
    /// `given` is the row's OPD, level and stage cells; checked as `spbe score` checks them.
    #[inline(never)]
    fn careful_row(
        &mut self,
        place: &RowPlace<'_>,
        line: u64,
        record: &Cells<'_>,
        given: [&str; 3],
        current: usize,
        indicator: Option<u16>,
    ) {
        let [opd_cell, level_cell, stage_cell] = given;
        if place.staged.is_empty() {
            let level =
                indicator.and_then(|i| match parse_level(self.model, i as usize, level_cell) {
                    Ok(l) => Some(l),
                    Err(msg) => {
                        self.problem(place.at(line, place.level, msg));
                        None
                    }
                });
            let stage = match stage_cell {
                "" => None,
                text => match text.parse::<Stage>() {
                    Ok(s) => Some(s),
                    Err(msg) => {
                        self.problem(place.at(line, place.stage, msg));
                        return;
                    }
                },
            };
            let opd = self.opd_of(current, opd_cell, place.default_opd);
            if let (Some(indicator), Some(level)) = (indicator, level) {
                self.tally(place, line, current, opd, indicator, stage, level);
            }
            return;
        }
        let opd = self.opd_of(current, opd_cell, place.default_opd);
        let Some(indicator) = indicator else { return };
        let cell = |i: usize| record.get(i).map_or("", trim);
        if place.staged.iter().all(|&(_, i)| cell(i).is_empty()) {
            let shown: Vec<String> = place
                .staged
                .iter()
                .map(|&(_, i)| format!("{:?}", place.names[i]))
                .collect();
            self.problem(place.at(
                line,
                Some(place.staged[0].1),
                format!(
                    "every stage's level is empty ({}) but the row has evidence or a note; write the level under its stage",
                    shown.join(", ")
                ),
            ));
            return;
        }
        for &(stage, i) in place.staged {
            let text = cell(i);
            if text.is_empty() {
                continue;
            }
            match parse_level(self.model, indicator as usize, text) {
                Ok(level) => self.tally(place, line, current, opd, indicator, Some(stage), level),
                Err(msg) => self.problem(place.at(line, Some(i), msg)),
            }
        }
    }

    /// The OPD a row's cell names (the sheet's default when empty), the last row's at once.
    fn opd_of(&mut self, current: usize, cell: &str, default_opd: &str) -> u32 {
        let name = match cell {
            "" => default_opd,
            name => name,
        };
        match &self.last_opd {
            Some((last, opd)) if same(last.as_bytes(), name.as_bytes()) => *opd,
            _ => self.opd(current, name),
        }
    }

    /// One answer of a careful row into its institution's tally (and kept, for `--combine
    /// owner`), unless its OPD already answered the indicator at that stage.
    #[allow(clippy::too_many_arguments)]
    fn tally(
        &mut self,
        place: &RowPlace<'_>,
        line: u64,
        current: usize,
        opd: u32,
        indicator: u16,
        stage: Option<Stage>,
        level: u16,
    ) {
        let open = &mut self.open[current];
        let bit = indicator as usize * SLOTS + slot(stage);
        let word = &mut open.answered[opd as usize * self.words + bit / 64];
        if *word & (1 << (bit % 64)) != 0 {
            let opd_shown = &self.spellings[open.opds[opd as usize].0 as usize];
            let msg = format!(
                "OPD {opd_shown:?} of {:?} already answered indicator {}{} (the institution's rows start at line {}); keep one answer per OPD and indicator{}",
                open.name,
                self.model.indicators[indicator as usize].id,
                stage.map(|s| format!(" at stage {s}")).unwrap_or_default(),
                open.line(),
                if stage.is_some() { " and stage" } else { "" }
            );
            self.problem(place.at(line, Some(place.indicator), msg));
            return;
        }
        *word |= 1 << (bit % 64);
        open.answers += 1;
        if self.keep_answers {
            open.kept.push(Answer {
                opd,
                indicator: indicator as u8,
                value: level,
                stage,
                file: 0,
                line: line as u32,
                remarks: None,
            });
            return;
        }
        let lowest = self.model.level_units(self.model.min_level);
        let tally_len = self.model.indicators.len() * self.levels;
        let counts = open.counts[slot(stage)].get_or_insert_with(|| vec![0; tally_len].into());
        counts[indicator as usize * self.levels + (level - lowest) as usize] += 1;
    }

    /// The institution of a row whose identifying cells differ from the last row's: the same
    /// one spelled differently, one already open, or a new one (finishing the last, if grouped).
    #[allow(clippy::too_many_arguments)]
    fn switch(
        &mut self,
        file: &str,
        sheet: &Option<String>,
        input: u32,
        file_no: u32,
        line: u64,
        cells: &[&str; 10],
        columns: &ExtraColumns,
    ) -> Result<(), SheetProblem> {
        let at = |column: Option<(usize, String)>, message: String| {
            located(file, sheet, line, column, message)
        };
        let name = cells[0];
        if name.is_empty() {
            return Err(at(
                columns.get(Extra::Institution),
                "the institution is empty; every row names its institution".into(),
            ));
        }
        let year = match cells[1] {
            "" => None,
            text => match text.parse::<u16>() {
                Ok(y) if (2000..=2100).contains(&y) => Some(y),
                _ => {
                    return Err(at(
                        columns.get(Extra::Year),
                        format!("{text:?} is not a year; write the evaluation year, e.g. 2024"),
                    ));
                }
            },
        };
        let label = |text: &str| (!text.is_empty()).then(|| text.to_string());
        let (category, region) = (label(cells[2]), label(cells[3]));
        let found = match self.current {
            Some(c) if self.open[c].year == year && compare::same_key(&self.open[c].name, name) => {
                Some(c)
            }
            _ => match self.grouping {
                Grouping::Scattered => self.open_index.get(&(compare::key(name), year)).copied(),
                Grouping::Grouped => {
                    if self.table.find(name, year).is_some() {
                        self.scattered = Some(at(
                            columns.get(Extra::Institution),
                            format!(
                                "the rows of {name:?} are not together: it comes back after other institutions"
                            ),
                        ));
                        return Ok(());
                    }
                    None
                }
            },
        };
        let index = match found {
            Some(i) => {
                let open = &self.open[i];
                for (mine, theirs, x) in [
                    (&open.category, &category, Extra::Category),
                    (&open.region, &region, Extra::Region),
                ] {
                    let differs = match (mine, theirs) {
                        (Some(a), Some(b)) => !compare::same_key(a, b),
                        (a, b) => a.is_some() != b.is_some(),
                    };
                    if differs {
                        let shown = |v: &Option<String>| {
                            v.as_deref()
                                .map_or("empty".to_string(), |s| format!("{s:?}"))
                        };
                        return Err(at(
                            columns.get(x),
                            format!(
                                "{:?} has {} {} here but {} at line {}; one institution has one {}",
                                open.name,
                                x.short(),
                                shown(theirs),
                                shown(mine),
                                open.line(),
                                x.short()
                            ),
                        ));
                    }
                }
                if name != open.name {
                    let w = format!(
                        "institution {name:?} is taken as {:?} (the names differ only in case or spacing)",
                        open.name
                    );
                    if !open.warnings.contains(&w) {
                        self.open[i].warnings.push(w);
                    }
                }
                i
            }
            None => {
                if self.grouping == Grouping::Grouped {
                    if let Some(last) = self.open.pop() {
                        self.finish(last);
                    }
                }
                let n = self.open.len();
                self.open.push(Open {
                    name: name.to_string(),
                    category,
                    region,
                    year,
                    origin: Origin {
                        input,
                        at: At::Line(line as u32),
                    },
                    file: file_no,
                    opds: Vec::new(),
                    answered: Vec::new(),
                    counts: Default::default(),
                    answers: 0,
                    kept: Vec::new(),
                    warnings: Vec::new(),
                });
                if self.grouping == Grouping::Scattered {
                    self.open_index.insert((compare::key(name), year), n);
                }
                n
            }
        };
        if found != self.current {
            // Another institution (a new one may take the place of the one just finished).
            self.last_opd = None;
        }
        self.current = Some(index);
        for (k, cell) in cells[..4].iter().enumerate() {
            self.last_cells[k].clear();
            self.last_cells[k].push_str(cell);
        }
        Ok(())
    }

    /// The OPD of institution `current` a name means: names that differ only in case or
    /// spacing are one OPD, shown with the first spelling read (with a warning), as `spbe score`
    /// does. (The caller has checked the last row's OPD first.)
    fn opd(&mut self, current: usize, name: &str) -> u32 {
        let spelling = match self.spelling_ids.get(name) {
            Some(id) => id,
            None => {
                let id = self.spellings.len() as u32;
                let k = crate::core::owners::opd_key(name);
                let n = self.keys.len() as u32;
                let key = *self.keys.entry(k).or_insert(n);
                self.spellings.push(name.into());
                self.spelling_key.push(key);
                self.spelling_ids.insert(name, id);
                id
            }
        };
        let key = self.spelling_key[spelling as usize];
        let open = &mut self.open[current];
        let opd = match open.opds.iter().position(|&(_, k)| k == key) {
            Some(i) => {
                let first = open.opds[i].0;
                if first != spelling {
                    let w = format!(
                        "OPD {name:?} is taken as {:?} (the names differ only in case or spacing)",
                        &*self.spellings[first as usize]
                    );
                    if !open.warnings.contains(&w) {
                        open.warnings.push(w);
                    }
                }
                i as u32
            }
            None => {
                open.opds.push((spelling, key));
                open.answered.resize(open.answered.len() + self.words, 0);
                open.opds.len() as u32 - 1
            }
        };
        match &mut self.last_opd {
            Some((last, o)) => {
                last.clear();
                last.push_str(name);
                *o = opd;
            }
            None => self.last_opd = Some((name.to_string(), opd)),
        }
        opd
    }

    /// Scores an institution read to its end and adds its row to the table.
    fn finish(&mut self, open: Open) {
        let file = self.paths[open.file as usize].clone();
        let at = |message: String| located(&file, &None, open.line(), None, message);
        if open.answers == 0 {
            let msg = format!("{:?} has no answers", open.name);
            if self.scoring.strict {
                self.problem(at(format!(
                    "--strict: {msg}; fill in its levels or drop --strict"
                )));
            } else {
                self.warnings.push(format!(
                    "{file}:{}: {msg}, so it is left out of the comparison",
                    open.line()
                ));
            }
            return;
        }
        if !self.problems.is_empty() {
            // The result would be thrown away: the sheets have errors.
            return;
        }
        let owners = match self.per.owners_of(&open.name) {
            Ok(map) => map,
            Err(msg) => {
                self.problem(at(msg));
                return;
            }
        };
        let external = self.per.external_of(&open.name);
        let policy = self.per.policy(&self.scoring, owners.as_ref(), &external);
        let set = &mut self.scratch;
        set.opds.clear();
        set.opds.extend(
            open.opds
                .iter()
                .map(|&(s, _)| self.spellings[s as usize].to_string()),
        );
        set.answers.clear();
        set.warnings.clone_from(&open.warnings);
        let (levels, lowest) = (self.levels, self.model.level_units(self.model.min_level));
        if self.keep_answers {
            // `--combine owner` reads which OPD gave which level (and no tally is kept).
            set.answers.extend_from_slice(&open.kept);
        }
        // Min and max read which values were given, never how often: one answer per value
        // scores the same, with a tenth of the work. Not when a stage is chosen or answers
        // have several stages: the notices of stage selection count the answers left out.
        let once = matches!(self.scoring.combine, Combine::Min | Combine::Max)
            && self.scoring.stage.is_none()
            && open.counts.iter().flatten().count() == 1;
        for (s, counts) in open.counts.iter().enumerate() {
            let Some(counts) = counts else { continue };
            let stage = Stage::ALL.get(s).copied();
            for (i, per_level) in counts.chunks(levels).enumerate() {
                for (l, &n) in per_level.iter().enumerate() {
                    // Consolidation reads each indicator's levels, never which OPD gave them
                    // (compare takes no responsibility map): the tally is all it needs.
                    let answer = Answer {
                        opd: 0,
                        indicator: i as u8,
                        value: lowest + l as u16,
                        stage,
                        file: 0,
                        line: 0,
                        remarks: None,
                    };
                    let n = if once { n.min(1) } else { n };
                    set.answers.extend(std::iter::repeat_n(answer, n as usize));
                }
            }
        }
        let ev = match evaluate(self.model, set, policy) {
            Ok(ev) => ev,
            Err(e) => {
                self.problem(at(format!("{:?}: {e:#}", open.name)));
                return;
            }
        };
        let filled = ev.filled_ids();
        if self.scoring.strict && !filled.is_empty() {
            let msg = format!(
                "--strict: {:?}: {} indicator(s) have no answer: {}; answer them or drop --strict",
                open.name,
                filled.len(),
                filled.join(", ")
            );
            self.problem(at(msg));
            return;
        }
        let parts = match self.table.kind {
            compare::PartKind::Domains => &ev.scores.domains,
            compare::PartKind::Aspects => &ev.scores.aspects,
        };
        self.table.push(Entry {
            name: &open.name,
            category: open.category.as_deref(),
            region: open.region.as_deref(),
            year: open.year,
            index: &ev.scores.index,
            index_exact: true,
            parts,
            answers: Some(open.answers),
            opds: Some(open.opds.len() as u64),
            warnings: ev.notices.clone(),
            origin: open.origin,
        });
    }

    /// Scores the institutions still open and returns the table, or every problem found.
    pub fn finish_all(mut self) -> Result<(Table, Vec<String>, Vec<InputFile>), SheetErrors> {
        for open in std::mem::take(&mut self.open) {
            self.finish(open);
        }
        // As `spbe score`: a `--stage-column` whose header no long sheet had is an error.
        for flag in std::mem::take(&mut self.stage_flags) {
            if !self.stages_seen[flag.stage as usize] {
                self.problem(located(
                    &flag.to_string(),
                    &None,
                    0,
                    None,
                    "no sheet has this column; check the name against the sheets' header rows (names are matched ignoring case and the spaces, _, - and . between words)".into(),
                ));
            }
        }
        if self.problems.is_empty() {
            Ok((self.table, self.warnings, self.files))
        } else {
            Err(SheetErrors {
                problems: self.problems,
                more: self.more,
            })
        }
    }
}

/// The column names a long sheet's header row is recognised by.
struct HeaderNames<'a> {
    names: &'a Names,
    extras: &'a ExtraNames,
    /// `--header-row N`.
    forced: Option<u64>,
}

/// A problem found while looking for the header row: line, column, message.
type Located = (u64, Option<(usize, String)>, String);

/// The header row of a long sheet: the first of the first [`HEADER_SEARCH_ROWS`] rows with
/// something in them that has the indicator, level and institution columns (or the row
/// `--header-row` names); with where each answer-sheet column and each institution column is.
#[allow(clippy::type_complexity)]
fn find_header(
    names: &HeaderNames<'_>,
    rows: &mut impl RowSource,
) -> Result<(columns::Header, [Option<usize>; 6], [Option<usize>; 4]), Vec<Located>> {
    let mut seen = 0;
    // The first row with something in it, and the first with indicator and level but no
    // institution (then the message says so).
    let mut first: Option<(u64, String)> = None;
    let mut without_institution: Option<(u64, String)> = None;
    while let Some(row) = rows.next_row() {
        let (line, cells) = row.map_err(|(line, msg)| vec![(line, None, msg)])?;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if cells.len() > MAX_COLUMNS {
            let msg = format!(
                "the header row has {} columns; an answer sheet has a handful (Excel allows at most {MAX_COLUMNS})",
                cells.len()
            );
            return Err(vec![(line, None, msg)]);
        }
        seen += 1;
        let cells: Vec<String> = cells.iter().map(str::to_string).collect();
        first.get_or_insert_with(|| (line, columns::row_text(&cells)));
        match names.forced {
            Some(n) if line < n => continue,
            Some(n) if line > n => {
                return Err(vec![(
                    0,
                    None,
                    format!("--header-row {n}: the sheet has no row {n}"),
                )]);
            }
            _ => {}
        }
        let analysis = columns::analyse(names.names, line, &cells);
        let (extras, extra_problems) = names.extras.find(&cells);
        let institution = extras[Extra::Institution as usize].is_some();
        if analysis.complete && institution || names.forced.is_some() {
            let missing = match analysis.complete {
                true => Vec::new(),
                false => analysis.missing(names.names),
            };
            let mut problems: Vec<Located> = analysis
                .problems
                .into_iter()
                .chain(missing)
                .chain(extra_problems)
                .map(|(c, m)| (line, c, m))
                .collect();
            if !institution {
                problems.push((line, None, missing_institution(&columns::row_text(&cells))));
            }
            if !problems.is_empty() {
                return Err(problems);
            }
            let fields = Field::ALL.map(|f| analysis.header.get(f));
            return Ok((analysis.header, fields, extras));
        }
        if analysis.complete && without_institution.is_none() {
            without_institution = Some((line, columns::row_text(&cells)));
        }
        if seen >= HEADER_SEARCH_ROWS {
            break;
        }
    }
    Err(vec![match (without_institution, first) {
        (Some((line, text)), _) => (line, None, missing_institution(&text)),
        (None, Some((line, text))) => (
            line,
            None,
            format!(
                "no header row with the columns {}, indicator and level among the first {HEADER_SEARCH_ROWS} rows; the first row has: {text}",
                Extra::Institution.name()
            ),
        ),
        (None, None) => (
            0,
            None,
            "the file is empty; a long answer sheet needs a header row with the columns instansi, indicator and level".into(),
        ),
    }])
}

fn missing_institution(row: &str) -> String {
    format!(
        "missing column {}; the header row has: {row}; a sheet of one institution's OPD goes in a folder of its own (spbe compare FOLDER...)",
        Extra::Institution.name()
    )
}

/// A number of one to three digits with no leading zero (`7`, `47`, `123`), as written.
fn number(text: &str) -> Option<usize> {
    match text.as_bytes() {
        [a @ b'1'..=b'9'] => Some((a - b'0') as usize),
        [a @ b'1'..=b'9', b @ b'0'..=b'9'] => Some(((a - b'0') * 10 + (b - b'0')) as usize),
        [a @ b'1'..=b'9', b @ b'0'..=b'9', c @ b'0'..=b'9'] => {
            Some((a - b'0') as usize * 100 + (b - b'0') as usize * 10 + (c - b'0') as usize)
        }
        _ => None,
    }
}

fn too_big(n: u64) -> String {
    format!(
        "the file is {} MiB; long answer sheets larger than {} MiB are refused (is this really an answer sheet?)",
        n >> 20,
        MAX_LONG_SHEET_BYTES >> 20
    )
}

fn indicator_range(model: &Model) -> String {
    let ids: Vec<&str> = model.indicators.iter().map(|i| i.id.as_str()).collect();
    match (ids.first(), ids.last()) {
        (Some(a), Some(b)) if ids.len() > 2 => format!("{a} to {b}"),
        _ => ids.join(", "),
    }
}

/// A folder given to `spbe compare`: sheets of one institution, institution folders, or long
/// sheets and results side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A long sheet (a file with an institution column), or stdin.
    Long(Source),
    /// One institution's answer sheets, scored as `spbe score FOLDER` scores them; named after
    /// the folder.
    Institution(PathBuf),
    /// A JSON file: a result of `spbe score`, or the ministry's results feed.
    Json(PathBuf),
}

impl Input {
    pub fn path(&self) -> String {
        match self {
            Input::Long(s) => s.display(),
            Input::Institution(p) | Input::Json(p) => p.display().to_string(),
        }
    }
}

/// What the inputs of `spbe compare` are. A JSON file is a result or the feed; `-` and any other
/// file a long sheet. A folder with sub-folders means one institution per sub-folder (each
/// scored as `spbe score SUBFOLDER` would), with any long sheets and JSON files beside them; a
/// folder of sheets only is long sheets when its first sheet has an institution column, else
/// one institution's sheets.
pub fn classify(inputs: &[PathBuf], options: &ReadOptions) -> Result<Vec<Input>, SheetErrors> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let problem = |path: &std::path::Path, message: String| SheetProblem {
        file: path.display().to_string(),
        sheet: None,
        line: 0,
        column: None,
        message,
    };
    let is_json = |p: &std::path::Path| {
        p.extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("json"))
    };
    let hidden = |p: &std::path::Path| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(['.', '~']))
    };
    for input in inputs {
        if input.as_os_str() == "-" {
            out.push(Input::Long(Source::Stdin));
            continue;
        }
        let meta = match std::fs::metadata(input) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(problem(
                    input,
                    "no such file or folder; check the path".into(),
                ));
                continue;
            }
            Err(e) => {
                problems.push(problem(input, format!("cannot read: {e}")));
                continue;
            }
        };
        if !meta.is_dir() {
            out.push(if is_json(input) {
                Input::Json(input.clone())
            } else {
                Input::Long(Source::File(input.clone()))
            });
            continue;
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(input) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| !hidden(p))
                .collect(),
            Err(e) => {
                problems.push(problem(input, format!("cannot list the folder: {e}")));
                continue;
            }
        };
        entries.sort();
        let folders: Vec<&PathBuf> = entries.iter().filter(|p| p.is_dir()).collect();
        let sheets: Vec<&PathBuf> = entries
            .iter()
            .filter(|p| p.is_file() && crate::input::sheets::is_sheet_name(p))
            .collect();
        let jsons = entries.iter().filter(|p| p.is_file() && is_json(p));
        let long = !folders.is_empty()
            || sheets
                .first()
                .is_some_and(|s| has_institution_column(s, options));
        if !long {
            if sheets.is_empty() {
                problems.push(problem(
                    input,
                    "the folder has no answer sheets, institution folders or results (*.csv, *.tsv, *.xlsx, *.ods, *.json, sub-folders)".into(),
                ));
            } else {
                out.push(Input::Institution(input.clone()));
            }
            continue;
        }
        out.extend(
            folders
                .into_iter()
                .filter(|f| {
                    std::fs::read_dir(f).is_ok_and(|mut rd| {
                        rd.any(|e| e.is_ok_and(|e| crate::input::sheets::is_sheet_name(&e.path())))
                    })
                })
                .map(|f| Input::Institution(f.clone())),
        );
        out.extend(
            sheets
                .into_iter()
                .map(|s| Input::Long(Source::File(s.clone()))),
        );
        out.extend(jsons.map(|j| Input::Json(j.clone())));
    }
    // The same file given twice (directly and through its folder) would count its institutions
    // twice.
    let mut seen = std::collections::HashSet::new();
    for i in &out {
        let path = match i {
            Input::Long(Source::File(p)) | Input::Institution(p) | Input::Json(p) => p,
            Input::Long(Source::Stdin) => continue,
        };
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if !seen.insert(key) {
            problems.push(problem(
                path,
                "this input is given twice (directly or through its folder); give each once".into(),
            ));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(SheetErrors { problems, more: 0 })
    }
}

/// Every institution of the inputs in one table.
pub struct Compared {
    pub table: Table,
    /// Per input (the number in a row's [`Origin`]), its path.
    pub sources: Vec<String>,
    /// What was read, for the receipt.
    pub files: Vec<InputFile>,
    /// About reading (an encoding guessed, an institution with no answers).
    pub warnings: Vec<String>,
    /// True when long sheets were read a second time because an institution's rows were not
    /// together.
    pub reread: bool,
}

/// Reads the inputs of `spbe compare` (see [`classify`]) into one table, each institution
/// scored with `scoring` as `spbe score` scores it. An institution found in two inputs is an
/// error (a long sheet's rows of one institution may be spread over several sheets).
pub fn load(
    model: &Model,
    inputs: &[PathBuf],
    scoring: Scoring,
    per: &PerInstitution,
    options: &ReadOptions,
    hash: bool,
) -> anyhow::Result<Compared> {
    let inputs = classify(inputs, options)?;
    let sources: Vec<String> = inputs.iter().map(Input::path).collect();
    let (kind, parts) = compare::parts_of(model);
    let long: Vec<(u32, &Source)> = inputs
        .iter()
        .enumerate()
        .filter_map(|(i, input)| match input {
            Input::Long(s) => Some((i as u32, s)),
            _ => None,
        })
        .collect();
    // Stdin cannot be read twice: with stdin, institutions are kept open from the start.
    let mut grouping = match long.iter().any(|(_, s)| **s == Source::Stdin) {
        true => Grouping::Scattered,
        false => Grouping::Grouped,
    };
    let mut reread = false;
    let (mut table, warnings, mut files) = loop {
        let mut reader = LongSheets::new(
            model,
            scoring,
            per,
            grouping,
            Table::new(kind, parts.clone()),
        );
        reader.hash = hash;
        for &(i, source) in &long {
            reader.read(source, i, options);
        }
        if reader.scattered().is_some() {
            grouping = Grouping::Scattered;
            reread = true;
            continue;
        }
        break reader.finish_all()?;
    };
    for (i, input) in inputs.iter().enumerate() {
        let origin = |at| Origin {
            input: i as u32,
            at,
        };
        match input {
            Input::Long(_) => {}
            Input::Institution(dir) => {
                let name = dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| dir.display().to_string());
                let (scored, read) = score_folder(model, dir, &name, scoring, per, options)?;
                files.extend(read);
                add(
                    &mut table,
                    &sources,
                    scored.entry(&name, None, origin(At::Whole)),
                )?;
            }
            Input::Json(path) => {
                let bytes = crate::input::model::read_capped(path, 1 << 30)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    anyhow::anyhow!("{}: not UTF-8 text, so not JSON", path.display())
                })?;
                let mut read = InputFile {
                    path: path.display().to_string(),
                    sha256: crate::input::model::sha256_hex(text.as_bytes()),
                    rows: 1,
                };
                if feed::is_feed(&text) {
                    let rows = feed::parse(&read.path, &text, model)?;
                    read.rows = rows.len() as u64;
                    for row in &rows {
                        add(&mut table, &sources, feed_entry(model, kind, row, origin))?;
                    }
                } else {
                    let card = crate::input::result::read_json(path)?;
                    let scored = from_result(model, path, &card, scoring)?;
                    let name = path
                        .file_stem()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    add(
                        &mut table,
                        &sources,
                        scored.entry(&name, card.year, origin(At::Whole)),
                    )?;
                }
                files.push(read);
            }
        }
    }
    // Every institution is in: the name index is not needed any more.
    table.seal();
    Ok(Compared {
        table,
        sources,
        files,
        warnings,
        reread,
    })
}

/// A row of the ministry's feed as a table entry.
fn feed_entry<'a>(
    model: &Model,
    kind: compare::PartKind,
    row: &'a feed::FeedRow,
    origin: impl Fn(At) -> Origin,
) -> Entry<'a> {
    let mut warnings = Vec::new();
    if let Some(off) = feed::inconsistency(row, model) {
        warnings.push(Notice::Reading(format!(
            "the feed's domain values do not add up to its index (off by {})",
            crate::core::exact::exact_text(&off, 0).0
        )));
    }
    Entry {
        name: &row.name,
        category: row.category.as_deref(),
        region: row.region.as_deref(),
        year: row.year,
        index: &row.index,
        index_exact: true,
        parts: match kind {
            compare::PartKind::Domains => &row.domains,
            compare::PartKind::Aspects => &row.aspects,
        },
        answers: None,
        opds: None,
        warnings,
        origin: origin(At::Element(row.element)),
    }
}

/// An institution's values, before it has a name and origin.
struct Scored {
    index: Exact,
    index_exact: bool,
    parts: Vec<Exact>,
    answers: u64,
    opds: u64,
    notices: Vec<Notice>,
}

impl Scored {
    fn entry<'a>(&'a self, name: &'a str, year: Option<u16>, origin: Origin) -> Entry<'a> {
        Entry {
            name,
            category: None,
            region: None,
            year,
            index: &self.index,
            index_exact: self.index_exact,
            parts: &self.parts,
            answers: Some(self.answers),
            opds: Some(self.opds),
            warnings: self.notices.clone(),
            origin,
        }
    }
}

/// One institution's folder, scored as `spbe score FOLDER` scores it.
fn score_folder(
    model: &Model,
    dir: &std::path::Path,
    name: &str,
    scoring: Scoring,
    per: &PerInstitution,
    options: &ReadOptions,
) -> anyhow::Result<(Scored, Vec<InputFile>)> {
    let owners = per
        .owners_of(name)
        .map_err(|msg| anyhow::anyhow!("{}: {msg}", dir.display()))?;
    let external = per.external_of(name);
    let set = crate::input::sheets::load_with(model, &[dir.to_path_buf()], options)?;
    let policy = per.policy(&scoring, owners.as_ref(), &external);
    let ev = evaluate(model, &set, policy).with_context(|| dir.display().to_string())?;
    let filled = ev.filled_ids();
    if scoring.strict && !filled.is_empty() {
        bail!(
            "{}: --strict: {} indicator(s) have no answer in any sheet: {}; answer them or drop --strict",
            dir.display(),
            filled.len(),
            filled.join(", ")
        );
    }
    let parts = match model.domains.is_empty() {
        true => &ev.scores.aspects,
        false => &ev.scores.domains,
    };
    let scored = Scored {
        index: ev.scores.index.clone(),
        index_exact: true,
        parts: parts.clone(),
        answers: set.answers.len() as u64,
        opds: set.opds.len() as u64,
        notices: ev.notices.clone(),
    };
    Ok((scored, set.files.clone()))
}

/// A result of `spbe score`, as saved; it must be of the comparison's model.
fn from_result(
    model: &Model,
    path: &std::path::Path,
    card: &Scorecard,
    scoring: Scoring,
) -> anyhow::Result<Scored> {
    if card.model.id != model.id {
        bail!(
            "{}: the result is of the model {}, the comparison of {}; compare one model (pass --model {} or score the sheets again)",
            path.display(),
            card.model.id,
            model.id,
            card.model.id
        );
    }
    let given: Vec<(&str, &Decimal)> = match model.domains.is_empty() {
        true => card
            .aspects
            .iter()
            .map(|a| (a.id.as_str(), &a.index))
            .collect(),
        false => card
            .domains
            .iter()
            .map(|d| (d.id.as_str(), &d.index))
            .collect(),
    };
    let (_, parts) = compare::parts_of(model);
    let parts = parts
        .iter()
        .map(|p| {
            given
                .iter()
                .find(|(id, _)| *id == p.id)
                .map(|(_, v)| v.value())
                .with_context(|| format!("{}: the result has no {}", path.display(), p.id))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    // A saved result's warnings are English text.
    let mut notices: Vec<Notice> = card.warnings.iter().cloned().map(Notice::Reading).collect();
    if card.combine != scoring.combine {
        notices.push(Notice::Reading(format!(
            "scored with --combine {}, not {}",
            card.combine.as_str(),
            scoring.combine.as_str()
        )));
    }
    Ok(Scored {
        index: card.index.value(),
        index_exact: card.index_exact,
        parts,
        answers: card.answer_count() as u64,
        opds: card.opd_count() as u64,
        notices,
    })
}

/// Adds a row, refusing an institution already read from another input.
fn add(table: &mut Table, sources: &[String], entry: Entry<'_>) -> anyhow::Result<()> {
    if let Some(other) = table.find(entry.name, entry.year) {
        let place = |o: Origin| {
            let path = &sources[o.input as usize];
            match o.at {
                At::Whole => path.clone(),
                At::Line(l) => format!("{path}:{l}"),
                At::Element(e) => format!("{path}: element [{e}]"),
            }
        };
        bail!(
            "{}: {:?}{} is also in {}; give each institution once",
            place(entry.origin),
            entry.name,
            entry.year.map(|y| format!(" ({y})")).unwrap_or_default(),
            place(table.origin(other))
        );
    }
    table.push(entry);
    Ok(())
}
