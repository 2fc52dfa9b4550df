//! Which column of a sheet is which, and where the header row is.
//!
//! A column is recognised by its header name, ignoring case and the spaces, `_`, `-` and `.`
//! between words: the built-in English and Indonesian names ([`BUILT_IN`]), and the user's own
//! (`--column ROLE=HEADER`, `--stage-column STAGE=HEADER`). The header row is the first of a
//! sheet's first [`HEADER_SEARCH_ROWS`] rows that has the required columns (the rows above it are
//! title rows), unless `--header-row` names it. All of this runs once per sheet, never per row.

use std::fmt;
use std::str::FromStr;

use crate::core::stage::Stage;

/// The header row is looked for among this many rows with something in them.
pub const HEADER_SEARCH_ROWS: usize = 30;

/// The columns a sheet is read from. To add one: a variant, its place in [`Field::ALL`], its
/// header names in [`BUILT_IN`] and its display name in [`Field::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    // In the order of `Field::ALL`: a field's discriminant is its slot.
    Indicator,
    Level,
    Opd,
    Evidence,
    Note,
    Stage,
}

impl Field {
    pub(crate) const ALL: [Field; 6] = [
        Field::Indicator,
        Field::Level,
        Field::Opd,
        Field::Evidence,
        Field::Note,
        Field::Stage,
    ];

    /// The field's place in [`Field::ALL`].
    pub(crate) const fn slot(self) -> usize {
        self as usize
    }

    /// The column's name in messages, with the usual other names.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Indicator => "indicator (or indikator, no indikator)",
            Field::Level => "level (or tingkat, nilai)",
            Field::Opd => "opd",
            Field::Evidence => "evidence",
            Field::Note => "note",
            Field::Stage => "stage (or tahap)",
        }
    }

    /// The role's word in `--column ROLE=...`.
    fn role(self) -> &'static str {
        match self {
            Field::Indicator => "indicator",
            Field::Level => "level",
            Field::Opd => "opd",
            Field::Evidence => "evidence",
            Field::Note => "note",
            Field::Stage => "stage",
        }
    }
}

/// The header names `spbe` knows, as keys ([`header_key`]), with their field and a rank: where
/// a sheet has two columns of one field, the higher rank is read and the other is not (`-v` says
/// so); the same rank twice is an error. The main names rank 1; the other real-world names rank
/// 0, so a sheet that has, say, both `catatan` and `keterangan` reads `catatan` as before; the
/// indicator's number (`no indikator`) ranks 2, above `indikator`, which in many forms holds the
/// indicator's name. `nilai` and `value` rank 1 with `level`: in a model of decimal values
/// (Pemdi) `nilai` is the value (1,26) and a `level` beside it its whole part, so a sheet with
/// both must say which to read (`--column level=nilai`).
pub(crate) const BUILT_IN: &[(&str, Field, u8)] = &[
    ("indicator", Field::Indicator, 1),
    ("indikator", Field::Indicator, 1),
    ("no_indikator", Field::Indicator, 2),
    ("nomor_indikator", Field::Indicator, 2),
    ("indikator_no", Field::Indicator, 2),
    ("indicator_no", Field::Indicator, 2),
    ("indicator_id", Field::Indicator, 2),
    ("level", Field::Level, 1),
    ("tingkat", Field::Level, 1),
    ("tingkat_kematangan", Field::Level, 1),
    ("level_kematangan", Field::Level, 0),
    ("nilai", Field::Level, 1),
    ("value", Field::Level, 1),
    ("jawaban", Field::Level, 0),
    ("opd", Field::Opd, 1),
    ("perangkat_daerah", Field::Opd, 1),
    ("unit", Field::Opd, 1),
    ("nama_perangkat_daerah", Field::Opd, 0),
    ("unit_kerja", Field::Opd, 0),
    ("nama_opd", Field::Opd, 0),
    ("opd_terkait", Field::Opd, 0),
    ("opd_terkait_nama", Field::Opd, 0),
    ("evidence", Field::Evidence, 1),
    ("bukti", Field::Evidence, 1),
    ("data_dukung", Field::Evidence, 1),
    ("bukti_dukung", Field::Evidence, 0),
    ("data_pendukung", Field::Evidence, 0),
    ("note", Field::Note, 1),
    ("penjelasan", Field::Note, 1),
    ("catatan", Field::Note, 1),
    ("keterangan", Field::Note, 0),
    ("stage", Field::Stage, 1),
    ("tahap", Field::Stage, 1),
    ("tahapan", Field::Stage, 1),
    ("tahap_penilaian", Field::Stage, 1),
];

/// A header name as it is matched: lower case, words joined by `_` whatever separated them
/// (spaces, `_`, `-`, `.`), a BOM dropped. `No. Indikator` and `no_indikator` are one key.
pub fn header_key(name: &str) -> String {
    name.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || matches!(c, '_' | '-' | '.'))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// What `--column` may name: the columns a sheet is read from, and the columns of a table of
/// several institutions (institution, category, region, year), which only a command comparing
/// institutions reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    Indicator,
    Level,
    Opd,
    Evidence,
    Note,
    Stage,
    Institution,
    Category,
    Region,
    Year,
}

impl ColumnRole {
    pub const ALL: [ColumnRole; 10] = [
        ColumnRole::Indicator,
        ColumnRole::Level,
        ColumnRole::Opd,
        ColumnRole::Evidence,
        ColumnRole::Note,
        ColumnRole::Stage,
        ColumnRole::Institution,
        ColumnRole::Category,
        ColumnRole::Region,
        ColumnRole::Year,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ColumnRole::Indicator => "indicator",
            ColumnRole::Level => "level",
            ColumnRole::Opd => "opd",
            ColumnRole::Evidence => "evidence",
            ColumnRole::Note => "note",
            ColumnRole::Stage => "stage",
            ColumnRole::Institution => "institution",
            ColumnRole::Category => "category",
            ColumnRole::Region => "region",
            ColumnRole::Year => "year",
        }
    }

    /// The column of an answer sheet this role names; `None` for the roles of a table of
    /// institutions.
    pub(crate) fn field(self) -> Option<Field> {
        Some(match self {
            ColumnRole::Indicator => Field::Indicator,
            ColumnRole::Level => Field::Level,
            ColumnRole::Opd => Field::Opd,
            ColumnRole::Evidence => Field::Evidence,
            ColumnRole::Note => Field::Note,
            ColumnRole::Stage => Field::Stage,
            _ => return None,
        })
    }
}

impl fmt::Display for ColumnRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ColumnRole {
    type Err = String;

    /// The role's English or Indonesian word, any case.
    fn from_str(text: &str) -> Result<ColumnRole, String> {
        Ok(match header_key(text).as_str() {
            "indicator" | "indikator" => ColumnRole::Indicator,
            "level" | "tingkat" => ColumnRole::Level,
            "opd" | "perangkat_daerah" => ColumnRole::Opd,
            "evidence" | "bukti" | "data_dukung" => ColumnRole::Evidence,
            "note" | "penjelasan" | "catatan" => ColumnRole::Note,
            "stage" | "tahap" => ColumnRole::Stage,
            "institution" | "instansi" => ColumnRole::Institution,
            "category" | "kategori" => ColumnRole::Category,
            "region" | "daerah" | "wilayah" => ColumnRole::Region,
            "year" | "tahun" => ColumnRole::Year,
            _ => {
                return Err(format!(
                    "{:?} is not a column role; write one of {}",
                    text.trim(),
                    ColumnRole::ALL.map(ColumnRole::as_str).join(", ")
                ));
            }
        })
    }
}

/// `--column ROLE=HEADER`: the sheet's column `HEADER` has the role `ROLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnName {
    pub role: ColumnRole,
    pub header: String,
}

impl FromStr for ColumnName {
    type Err = String;

    fn from_str(text: &str) -> Result<ColumnName, String> {
        let (role, header) = name_and_header(
            text,
            "ROLE=HEADER, e.g. --column indicator=indikator_no",
            str::parse,
        )?;
        Ok(ColumnName { role, header })
    }
}

impl fmt::Display for ColumnName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "--column {}={}", self.role, self.header)
    }
}

/// `NAME=HEADER` split at its `=`: the name read by `parse`, then the header, trimmed and not
/// empty; `form` is what to write.
fn name_and_header<T>(
    text: &str,
    form: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<(T, String), String> {
    let Some((name, header)) = text.split_once('=') else {
        return Err(format!("{text:?}: write {form}"));
    };
    let name = parse(name)?;
    if header_key(header).is_empty() {
        return Err(format!(
            "{text:?}: the header after = is empty; write the column's name as the sheet's header row has it"
        ));
    }
    Ok((name, header.trim().to_string()))
}

/// `--stage-column STAGE=HEADER`: the column `HEADER` holds each row's level at stage `STAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageColumn {
    pub stage: Stage,
    pub header: String,
}

impl FromStr for StageColumn {
    type Err = String;

    fn from_str(text: &str) -> Result<StageColumn, String> {
        let (stage, header) = name_and_header(
            text,
            "STAGE=HEADER, e.g. --stage-column akhir=level_final",
            str::parse,
        )?;
        Ok(StageColumn { stage, header })
    }
}

impl fmt::Display for StageColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "--stage-column {}={}", self.stage, self.header)
    }
}

/// Checks `--column` and `--stage-column` together for a command that reads answer sheets:
/// each role and stage named once, each header given one meaning, no role of a table of
/// institutions, and no `level` or `stage` column beside stage columns.
pub fn check_columns(columns: &[ColumnName], stages: &[StageColumn]) -> Result<(), String> {
    if let Some(c) = columns.iter().find(|c| c.role.field().is_none()) {
        return Err(format!(
            "{c}: this command reads one institution's answer sheets, which have no {} column (institution, category, region and year are columns of a table comparing institutions); drop it, or name one of indicator, level, opd, evidence, note, stage",
            c.role
        ));
    }
    for (i, c) in columns.iter().enumerate() {
        if let Some(d) = columns[..i].iter().find(|d| d.role == c.role) {
            return Err(format!(
                "{c}: the {} column is already named by {d}; name each role once",
                c.role
            ));
        }
    }
    for (i, s) in stages.iter().enumerate() {
        if let Some(t) = stages[..i].iter().find(|t| t.stage == s.stage) {
            return Err(format!(
                "{s}: stage {} is already read from {t}; name each stage once",
                s.stage
            ));
        }
    }
    let headers = columns
        .iter()
        .map(|c| (c.header.as_str(), c.to_string()))
        .chain(stages.iter().map(|s| (s.header.as_str(), s.to_string())));
    let mut seen: Vec<(String, String)> = Vec::new();
    for (header, flag) in headers {
        let key = header_key(header);
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            return Err(format!(
                "{flag}: the column {header:?} is already given a meaning by {first}; a column has one meaning"
            ));
        }
        seen.push((key, flag));
    }
    if !stages.is_empty() {
        if let Some(c) = columns
            .iter()
            .find(|c| matches!(c.role, ColumnRole::Level | ColumnRole::Stage))
        {
            return Err(format!(
                "{c} and --stage-column cannot be combined: with --stage-column each stage's level has its own column, so there is no level or stage column to name"
            ));
        }
    }
    Ok(())
}

/// What a header cell names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Field(Field),
    StageLevel(Stage),
}

/// The column names in force for a run: the user's (`--column`, `--stage-column`) and the
/// built-in ones. A user's name for a role comes first: where a sheet has both, it is read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    /// The user's header keys and what they mean.
    user: Vec<(String, Meaning)>,
    /// The user's headers as given, for messages: `--column ...` and `--stage-column ...`.
    flags: Vec<String>,
    stage_headers: Vec<String>,
}

/// The rank of a user's name: above every built-in one.
const USER_RANK: u8 = u8::MAX;

impl Names {
    pub(crate) fn new(columns: &[ColumnName], stages: &[StageColumn]) -> Names {
        let mut names = Names::default();
        for c in columns {
            if let Some(f) = c.role.field() {
                names.user.push((header_key(&c.header), Meaning::Field(f)));
                names.flags.push(c.to_string());
            }
        }
        for s in stages {
            names
                .user
                .push((header_key(&s.header), Meaning::StageLevel(s.stage)));
            names.flags.push(s.to_string());
            names.stage_headers.push(s.header.clone());
        }
        names
    }

    /// Whether stage columns were named (then a sheet's level may come from them).
    pub(crate) fn has_stage_columns(&self) -> bool {
        !self.stage_headers.is_empty()
    }

    fn meaning(&self, header: &str) -> Option<(Meaning, u8, Option<usize>)> {
        let key = header_key(header);
        if key.is_empty() {
            return None;
        }
        if let Some(i) = self.user.iter().position(|(k, _)| *k == key) {
            return Some((self.user[i].1, USER_RANK, Some(i)));
        }
        BUILT_IN
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|&(_, f, rank)| (Meaning::Field(f), rank, None))
    }

    /// Whether a header cell names a column that is read (for sniffing the delimiter).
    pub(crate) fn recognised(&self, header: &str) -> bool {
        self.meaning(header).is_some()
    }

    /// The `--column`/`--stage-column` flags whose header no sheet had, given which were
    /// matched.
    pub(crate) fn unused<'a>(&'a self, used: &'a [bool]) -> impl Iterator<Item = &'a str> + 'a {
        self.flags
            .iter()
            .zip(used.iter().chain(std::iter::repeat(&false)))
            .filter(|(_, u)| !**u)
            .map(|(f, _)| f.as_str())
    }

    pub(crate) fn flag_count(&self) -> usize {
        self.flags.len()
    }

    /// What the columns "indicator and level" are, for the no-header message.
    fn looked_for(&self) -> String {
        let level = if self.has_stage_columns() {
            format!(
                "{} or the --stage-column headers {}",
                Field::Level.name(),
                self.stage_headers
                    .iter()
                    .map(|h| format!("{h:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            Field::Level.name().to_string()
        };
        format!("{} and {level}", Field::Indicator.name())
    }
}

/// A sheet's header row, as found: where each column is.
#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    /// The header row's line (text) or row number (workbook).
    pub line: u64,
    /// The header cells, trimmed and clipped, for messages.
    pub names: Vec<String>,
    /// Where each field's column is (0-based), in [`Field::ALL`] order.
    pub columns: [Option<usize>; Field::ALL.len()],
    /// The stage columns present: each row's level at that stage.
    pub stage_columns: Vec<(Stage, usize)>,
    /// The rows above the header that had something in them: (line, text).
    pub titles: Vec<(u64, String)>,
    /// Columns of a known name left unread, for `-v`.
    pub notes: Vec<String>,
}

impl Header {
    pub(crate) fn get(&self, f: Field) -> Option<usize> {
        self.columns[f.slot()]
    }
}

/// A problem in a header row: the column (1-based, its name) if it is about one, and the text.
pub(crate) type HeaderProblem = (Option<(usize, String)>, String);

/// What a row would be as a header row.
#[derive(Debug, Clone)]
pub(crate) struct Analysis {
    pub header: Header,
    pub problems: Vec<HeaderProblem>,
    /// How many of its cells name a column.
    pub recognised: usize,
    /// It has the columns every sheet needs.
    pub complete: bool,
    /// Which of [`Names`]' user flags (`--column`, `--stage-column`) the row has.
    pub used_flags: Vec<usize>,
}

/// A header cell for messages: trimmed, at most 80 bytes.
pub(crate) fn shown(h: &str) -> String {
    let h = h.trim();
    if h.len() > 80 {
        let mut end = 80;
        while !h.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &h[..end])
    } else {
        h.to_string()
    }
}

/// Reads one row as a header row: which column is which, and what is wrong with it.
pub(crate) fn analyse(names: &Names, line: u64, cells: &[String]) -> Analysis {
    let mut header = Header {
        line,
        names: cells.iter().map(|c| shown(c)).collect(),
        ..Header::default()
    };
    let mut problems = Vec::new();
    let mut recognised = 0;
    let mut used_flags = Vec::new();
    // Per field: the column read and its rank.
    let mut best: [Option<(usize, u8)>; Field::ALL.len()] = [None; Field::ALL.len()];
    let mut ignored: Vec<(usize, Field)> = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        let Some((meaning, rank, flag)) = names.meaning(cell) else {
            continue;
        };
        recognised += 1;
        if let Some(flag) = flag {
            if !used_flags.contains(&flag) {
                used_flags.push(flag);
            }
        }
        match meaning {
            Meaning::StageLevel(stage) => {
                if let Some(&(_, first)) = header.stage_columns.iter().find(|(s, _)| *s == stage) {
                    problems.push((
                        Some((i + 1, shown(cell))),
                        format!(
                            "the column for stage {stage} appears twice (also column {}); keep one",
                            first + 1
                        ),
                    ));
                } else {
                    header.stage_columns.push((stage, i));
                }
            }
            Meaning::Field(f) => match best[f.slot()] {
                Some((first, r)) if r == rank => problems.push((
                    Some((i + 1, shown(cell))),
                    format!(
                        "column {} appears twice (also column {}); keep one",
                        f.name(),
                        first + 1
                    ),
                )),
                Some((_, r)) if r > rank => ignored.push((i, f)),
                Some((first, _)) => {
                    ignored.push((first, f));
                    best[f.slot()] = Some((i, rank));
                }
                None => best[f.slot()] = Some((i, rank)),
            },
        }
    }
    for (slot, b) in best.iter().enumerate() {
        header.columns[slot] = b.map(|(i, _)| i);
    }
    for (i, f) in ignored {
        let read = header.columns[f.slot()].expect("a better column was kept");
        header.notes.push(format!(
            "column {:?} is not read: the {} is read from {:?}",
            header.names[i],
            f.role(),
            header.names[read]
        ));
    }
    // With stage columns, each stage's level has its own column: a level or stage column
    // beside them is not read.
    if !header.stage_columns.is_empty() {
        for f in [Field::Level, Field::Stage] {
            if let Some(i) = header.columns[f.slot()].take() {
                header.notes.push(format!(
                    "column {:?} is not read: the levels come from the --stage-column columns",
                    header.names[i]
                ));
            }
        }
    }
    let complete = header.get(Field::Indicator).is_some()
        && (header.get(Field::Level).is_some() || !header.stage_columns.is_empty());
    Analysis {
        header,
        problems,
        recognised,
        complete,
        used_flags,
    }
}

impl Analysis {
    /// The problems of a header row that lacks a required column, each with a hint.
    pub(crate) fn missing(&self, names: &Names) -> Vec<HeaderProblem> {
        let has: Vec<&str> = self
            .header
            .names
            .iter()
            .map(String::as_str)
            .filter(|h| !h.is_empty())
            .take(20)
            .collect();
        let has = if has.is_empty() {
            "nothing".to_string()
        } else {
            has.join(", ")
        };
        let mut out = Vec::new();
        if self.header.get(Field::Indicator).is_none() {
            out.push((
                None,
                format!(
                    "missing column {}; the header row has: {has}; if the indicator's column has another name, pass --column indicator=HEADER",
                    Field::Indicator.name()
                ),
            ));
        }
        if self.header.get(Field::Level).is_none() && self.header.stage_columns.is_empty() {
            let staged = self.stage_suffixed();
            let hint = if staged.len() >= 2 {
                format!(
                    "; these columns hold a level per stage: pass {}",
                    staged
                        .iter()
                        .map(|(s, h)| format!("--stage-column {s}={}", quoted_arg(h)))
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            } else if names.has_stage_columns() {
                "; no column named by --stage-column is here either".to_string()
            } else {
                "; if the level's column has another name, pass --column level=HEADER".to_string()
            };
            out.push((
                None,
                format!(
                    "missing column {}; the header row has: {has}{hint}",
                    Field::Level.name()
                ),
            ));
        }
        out
    }

    /// Header cells that read as a level at a stage: `level_mandiri`, `nilai akhir`,
    /// `tingkat_final`.
    fn stage_suffixed(&self) -> Vec<(Stage, String)> {
        let mut out: Vec<(Stage, String)> = Vec::new();
        for h in &self.header.names {
            let key = header_key(h);
            let Some((word, stage)) = key.split_once('_') else {
                continue;
            };
            if !matches!(word, "level" | "tingkat" | "nilai") {
                continue;
            }
            if let Ok(stage) = stage.replace('_', " ").parse::<Stage>() {
                if !out.iter().any(|(s, _)| *s == stage) {
                    out.push((stage, h.clone()));
                }
            }
        }
        out
    }
}

/// `h` as a shell argument: quoted when it has spaces.
fn quoted_arg(h: &str) -> String {
    if h.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        h.to_string()
    } else {
        format!("{h:?}")
    }
}

/// Why a sheet has no header row, for the message: what was looked for, where, and the options
/// that help. `first_row` is the sheet's first row; `workbook_sheets` the sheets of a workbook
/// none of which has a header.
pub(crate) fn no_header(
    names: &Names,
    first_row: Option<&str>,
    workbook_sheets: Option<&[String]>,
    header_row: Option<u64>,
) -> String {
    let first = match first_row {
        Some(row) => format!("; the first row has: {row}"),
        None => String::new(),
    };
    let columns_hint =
        "if the columns have other names, pass --column indicator=HEADER --column level=HEADER";
    match (workbook_sheets, header_row) {
        (Some(sheets), forced) => format!(
            "no sheet has a header row with the columns {} {} (sheets: {}); if the answers are on one of them, pass --sheet NAME{}; {columns_hint}",
            names.looked_for(),
            match forced {
                Some(n) => format!("at row {n}"),
                None => format!("in its first {HEADER_SEARCH_ROWS} rows"),
            },
            sheets
                .iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            if forced.is_some() {
                " and the header's row with --header-row N"
            } else {
                " (and --header-row N if the header is further down)"
            }
        ),
        (None, _) => format!(
            "no header row: none of the first {HEADER_SEARCH_ROWS} rows has the columns {}{first}; if the header row is further down, pass --header-row N; {columns_hint}",
            names.looked_for()
        ),
    }
}

/// A row's cells as one line for messages: the non-empty cells joined by ` | `, clipped.
pub(crate) fn row_text(cells: &[String]) -> String {
    let text = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" | ");
    shown(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn keys_ignore_case_and_separators() {
        assert_eq!(header_key(" No. Indikator "), "no_indikator");
        assert_eq!(header_key("opd-terkait_NAMA"), "opd_terkait_nama");
        assert_eq!(header_key("\u{feff}Level"), "level");
    }

    #[test]
    fn real_world_names_are_read_on_their_own() {
        let names = Names::default();
        let a = analyse(
            &names,
            1,
            &row(&[
                "tahun",
                "indikator_no",
                "nilai",
                "opd_terkait_nama",
                "keterangan",
            ]),
        );
        assert!(a.complete && a.problems.is_empty());
        assert_eq!(
            a.header.columns,
            [Some(1), Some(2), Some(3), None, Some(4), None]
        );
    }

    #[test]
    fn the_indicator_number_beats_the_indicator_name() {
        let a = analyse(
            &Names::default(),
            4,
            &row(&["No Indikator", "Indikator", "Tingkat"]),
        );
        assert!(a.complete && a.problems.is_empty());
        assert_eq!(a.header.get(Field::Indicator), Some(0));
        assert_eq!(
            a.header.notes,
            ["column \"Indikator\" is not read: the indicator is read from \"No Indikator\""]
        );
    }

    #[test]
    fn a_main_name_beats_another_and_two_of_one_rank_are_an_error() {
        let a = analyse(
            &Names::default(),
            1,
            &row(&["indikator", "tingkat", "jawaban", "keterangan", "catatan"]),
        );
        assert!(a.complete && a.problems.is_empty());
        assert_eq!(a.header.get(Field::Level), Some(1));
        assert_eq!(
            a.header.notes,
            [
                "column \"jawaban\" is not read: the level is read from \"tingkat\"",
                "column \"keterangan\" is not read: the note is read from \"catatan\""
            ]
        );
        let a = analyse(&Names::default(), 1, &row(&["indikator", "level", "nilai"]));
        assert_eq!(
            a.problems,
            [(
                Some((3, "nilai".to_string())),
                "column level (or tingkat, nilai) appears twice (also column 2); keep one"
                    .to_string()
            )]
        );
    }

    #[test]
    fn a_users_name_comes_first() {
        let columns = [ColumnName::from_str("level=Nilai Akhir").unwrap()];
        let names = Names::new(&columns, &[]);
        let a = analyse(&names, 1, &row(&["indikator", "level", "nilai akhir"]));
        assert_eq!(a.header.get(Field::Level), Some(2));
        assert_eq!(a.used_flags, [0]);
    }

    #[test]
    fn stage_columns_replace_the_level_column() {
        let stages = [
            StageColumn::from_str("mandiri=level_mandiri").unwrap(),
            StageColumn::from_str("final=Level Final").unwrap(),
        ];
        let names = Names::new(&[], &stages);
        let a = analyse(
            &names,
            1,
            &row(&["indikator_no", "level_mandiri", "level_final", "level"]),
        );
        assert!(a.complete);
        assert_eq!(
            a.header.stage_columns,
            [(Stage::Mandiri, 1), (Stage::Akhir, 2)]
        );
        assert_eq!(a.header.get(Field::Level), None);
    }

    #[test]
    fn a_missing_level_suggests_stage_columns_when_the_names_say_so() {
        let a = analyse(
            &Names::default(),
            1,
            &row(&[
                "indikator_no",
                "level_mandiri",
                "level_final",
                "opd_terkait_nama",
            ]),
        );
        assert!(!a.complete);
        assert_eq!(
            a.missing(&Names::default()),
            [(
                None,
                "missing column level (or tingkat, nilai); the header row has: indikator_no, level_mandiri, level_final, opd_terkait_nama; these columns hold a level per stage: pass --stage-column mandiri=level_mandiri --stage-column akhir=level_final".to_string()
            )]
        );
    }

    #[test]
    fn flags_are_checked_together() {
        let col = |s: &str| ColumnName::from_str(s).unwrap();
        let stage = |s: &str| StageColumn::from_str(s).unwrap();
        assert_eq!(
            check_columns(&[col("institution=nama_instansi")], &[]).unwrap_err(),
            "--column institution=nama_instansi: this command reads one institution's answer sheets, which have no institution column (institution, category, region and year are columns of a table comparing institutions); drop it, or name one of indicator, level, opd, evidence, note, stage"
        );
        assert_eq!(
            check_columns(&[col("level=a"), col("tingkat=b")], &[]).unwrap_err(),
            "--column level=b: the level column is already named by --column level=a; name each role once"
        );
        assert_eq!(
            check_columns(&[col("note=x")], &[stage("mandiri=X")]).unwrap_err(),
            "--stage-column mandiri=X: the column \"X\" is already given a meaning by --column note=x; a column has one meaning"
        );
        assert_eq!(
            check_columns(&[col("level=x")], &[stage("mandiri=y")]).unwrap_err(),
            "--column level=x and --stage-column cannot be combined: with --stage-column each stage's level has its own column, so there is no level or stage column to name"
        );
        assert_eq!(
            check_columns(&[], &[stage("akhir=a"), stage("final=b")]).unwrap_err(),
            "--stage-column akhir=b: stage akhir is already read from --stage-column akhir=a; name each stage once"
        );
        assert_eq!(
            ColumnName::from_str("nilai=x").unwrap_err(),
            "\"nilai\" is not a column role; write one of indicator, level, opd, evidence, note, stage, institution, category, region, year"
        );
        assert_eq!(
            ColumnName::from_str("level").unwrap_err(),
            "\"level\": write ROLE=HEADER, e.g. --column indicator=indikator_no"
        );
    }
}
