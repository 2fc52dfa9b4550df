//! Evidence-item sheets: one row per item of the Pemdi application (`I1-L2-03`), with the
//! assessors' status, read into [`ItemSet`] with every problem located as in answer sheets.
//!
//! Columns, matched ignoring case, spaces and `_`: `item` (or `butir`, `kode butir`) and
//! `status` (or `hasil`) are required; `reason` (`alasan`), `opd` (`perangkat daerah`, `unit`),
//! `file` (`berkas`, `dokumen`) and `note` (`catatan`, `penjelasan`) are optional. Title rows
//! above the header are skipped: the header is the first row with an item column. CSV in any
//! encoding Excel writes, `,` `;` or tab, and `.xlsx`/`.ods` workbooks (first sheet).

use std::path::PathBuf;

use crate::core::answers::InputFile;
use crate::core::evidence::{Item, ItemSet, ItemStatus};
use crate::core::model::Model;
use crate::input::decode;
use crate::input::model::{hex, read_capped};
use crate::input::sheets::{MAX_PROBLEMS, SheetErrors, SheetProblem, Source, expand_inputs};
use crate::input::workbook;

/// An item sheet is a few hundred rows; anything larger than this is refused.
const MAX_ITEM_SHEET_BYTES: u64 = 16 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Item,
    Status,
    Reason,
    Opd,
    File,
    Note,
}

impl Column {
    const ALL: [Column; 6] = [
        Column::Item,
        Column::Status,
        Column::Reason,
        Column::Opd,
        Column::File,
        Column::Note,
    ];

    fn of(header: &str) -> Option<Column> {
        let key: String = header
            .trim()
            .trim_start_matches('\u{feff}')
            .to_lowercase()
            .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        Some(match key.as_str() {
            "item" | "butir" | "kode_butir" | "kode_item" | "butir_bukti" => Column::Item,
            "status" | "hasil" | "hasil_penilaian" | "status_penilaian" => Column::Status,
            "reason" | "alasan" | "alasan_revisi" => Column::Reason,
            "opd" | "perangkat_daerah" | "unit" => Column::Opd,
            "file" | "berkas" | "dokumen" | "nama_file" => Column::File,
            "note" | "catatan" | "penjelasan" => Column::Note,
            _ => return None,
        })
    }
}

/// What a status cell may say.
pub const STATUSES: &str = "diterima (accepted), revisi (revision) with an optional reason (tidak tepat, belum diunggah, ditolak otomatis), or nothing (not assessed yet)";

/// Reads a status cell: `diterima`/`accepted`, `revisi`/`revision` with an optional reason
/// after it (`revisi - tidak tepat`, `revisi (belum diunggah)`), a reason alone, or empty.
pub fn parse_status(text: &str) -> Result<(ItemStatus, Option<String>), String> {
    let t = text.trim();
    let lower = t.to_lowercase();
    let reason = |rest: &str| {
        let r = rest
            .trim()
            .trim_start_matches(['-', ':', '–', '(', ','])
            .trim_end_matches(')')
            .trim();
        (!r.is_empty()).then(|| r.to_string())
    };
    if lower.is_empty() || lower == "belum dinilai" || lower == "not assessed" {
        return Ok((ItemStatus::NotAssessed, None));
    }
    for word in ["diterima", "accepted", "terima"] {
        if lower == word {
            return Ok((ItemStatus::Accepted, None));
        }
    }
    for word in ["revisi", "revision"] {
        if let Some(rest) = lower.strip_prefix(word) {
            if rest.is_empty() || rest.starts_with([' ', '-', ':', '(', ',', '–']) {
                return Ok((ItemStatus::Revision, reason(&t[word.len()..])));
            }
        }
    }
    for known in ["tidak tepat", "belum diunggah", "ditolak otomatis"] {
        if lower == known {
            return Ok((ItemStatus::Revision, Some(t.to_string())));
        }
    }
    Err(format!("{t:?} is not a status; write {STATUSES}"))
}

/// Reads an item code `I{indicator}-L{level}-{NN}` against the model: the indicator's position,
/// the level, the number and the code written plainly (`I1-L2-03`). The error says what is
/// wrong.
pub fn parse_code(model: &Model, text: &str) -> Result<(usize, u8, u16, String), String> {
    let t: String = text.split_whitespace().collect::<String>().to_uppercase();
    let bad = || {
        format!(
            "{:?} is not an item code; write I{{indicator}}-L{{level}}-{{number}}, e.g. I1-L2-03",
            text.trim()
        )
    };
    let mut parts = t.split('-');
    let (Some(i), Some(l), Some(n), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let digits = |s: &str, max: usize| {
        (!s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(ind), Some(level), Some(number)) = (
        i.strip_prefix('I').and_then(|s| digits(s, 4)),
        l.strip_prefix('L').and_then(|s| digits(s, 3)),
        digits(n, 3),
    ) else {
        return Err(bad());
    };
    let position = model
        .find_indicator(&format!("I{ind}"))
        .or_else(|| model.find_indicator(&ind.to_string()))
        .ok_or_else(|| {
            format!(
                "item {t}: the model {} has no indicator I{ind} (I{} to I{})",
                model.id,
                1,
                model.indicators.len()
            )
        })?;
    if level < model.min_level as u32 || level > model.max_level as u32 {
        return Err(format!(
            "item {t}: level {level} is outside the model's levels {} to {}",
            model.min_level, model.max_level
        ));
    }
    Ok((
        position,
        level as u8,
        number as u16,
        format!("I{ind}-L{level}-{number:02}"),
    ))
}

/// Every problem found in the item sheets, located as in answer sheets.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ItemErrors(pub SheetErrors);

impl std::fmt::Display for ItemErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0.to_string();
        f.write_str(&text.replacen("in the answer sheets:", "in the item sheets:", 1))
    }
}

/// Reads item sheets (files, folders of them, or `-`) against a model; every problem is
/// reported at once, located.
pub fn load(model: &Model, inputs: &[PathBuf]) -> Result<ItemSet, ItemErrors> {
    let sources = expand_inputs(inputs).map_err(ItemErrors)?;
    let mut reader = Reader {
        model,
        set: ItemSet::default(),
        problems: Vec::new(),
        more: 0,
    };
    for source in &sources {
        reader.read(source);
    }
    if reader.problems.is_empty() && reader.set.items.is_empty() {
        reader.problem(SheetProblem {
            file: sources
                .iter()
                .map(Source::display)
                .collect::<Vec<_>>()
                .join(", "),
            sheet: None,
            line: 0,
            column: None,
            message: "no evidence items: an item sheet has a row per item with the columns item and status".into(),
        });
    }
    if reader.problems.is_empty() {
        Ok(reader.set)
    } else {
        Err(ItemErrors(SheetErrors {
            problems: reader.problems,
            more: reader.more,
        }))
    }
}

struct Reader<'m> {
    model: &'m Model,
    set: ItemSet,
    problems: Vec<SheetProblem>,
    more: usize,
}

impl Reader<'_> {
    fn problem(&mut self, p: SheetProblem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        } else {
            self.more += 1;
        }
    }

    fn read(&mut self, source: &Source) {
        let file = source.display();
        let at = |line: u64, sheet: Option<String>, column: Option<(usize, String)>, m: String| {
            SheetProblem {
                file: file.clone(),
                sheet,
                line,
                column,
                message: m,
            }
        };
        let bytes = match source {
            Source::Stdin => {
                use std::io::Read;
                crate::input::note_stdin();
                let mut b = Vec::new();
                std::io::stdin()
                    .take(MAX_ITEM_SHEET_BYTES + 1)
                    .read_to_end(&mut b)
                    .map(|_| b)
            }
            Source::File(p) => read_capped(p, MAX_ITEM_SHEET_BYTES),
        };
        let bytes = match bytes {
            Ok(b) if b.len() as u64 > MAX_ITEM_SHEET_BYTES => {
                return self.problem(at(0, None, None, "the file is larger than 16 MiB, far more than an item sheet needs; check the path".into()));
            }
            Ok(b) => b,
            Err(e) => return self.problem(at(0, None, None, format!("cannot read: {e}"))),
        };
        let input = self.set.files.len();
        self.set.files.push(InputFile {
            path: file.clone(),
            sha256: hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
            rows: 0,
        });
        let (sheet, rows) = if workbook::is_workbook(&bytes) {
            match workbook::read(&bytes, None) {
                Ok(s) => (Some(s.name), s.rows),
                Err(m) => return self.problem(at(0, None, None, m)),
            }
        } else {
            match text_rows(&bytes) {
                Ok((rows, warning)) => {
                    if let Some(w) = warning {
                        self.set.warnings.push(format!("{file}: {w}"));
                    }
                    (None, rows)
                }
                Err((line, m)) => return self.problem(at(line, None, None, m)),
            }
        };
        // The header: the first row with an item column (title rows above it are skipped).
        let Some(h) = rows
            .iter()
            .position(|(_, cells)| cells.iter().any(|c| Column::of(c) == Some(Column::Item)))
        else {
            let first = rows.first().map_or(0, |r| r.0);
            return self.problem(at(
                first,
                sheet,
                None,
                "no header row with an item column; an item sheet has the columns item (or butir) and status, and optionally reason, opd, file, note".into(),
            ));
        };
        let (header_line, header) = &rows[h];
        let mut columns = [None; Column::ALL.len()];
        for (c, name) in header.iter().enumerate() {
            if let Some(col) = Column::of(name) {
                columns[col as usize].get_or_insert(c);
            }
        }
        if columns[Column::Status as usize].is_none() {
            return self.problem(at(
                *header_line,
                sheet,
                None,
                format!(
                    "missing column status; the header row has: {}",
                    header.join(", ")
                ),
            ));
        }
        let named = |col: Column| {
            columns[col as usize].map(|c: usize| (c + 1, header[c].trim().to_string()))
        };
        for (line, cells) in &rows[h + 1..] {
            let cell = |col: Column| {
                columns[col as usize]
                    .and_then(|c: usize| cells.get(c))
                    .map(|s| s.trim())
                    .unwrap_or("")
            };
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            self.set.files[input].rows += 1;
            let code = cell(Column::Item);
            if code.is_empty() {
                self.problem(at(
                    *line,
                    sheet.clone(),
                    named(Column::Item),
                    "the item code is empty; write it as in the application, e.g. I1-L2-03".into(),
                ));
                continue;
            }
            let parsed = parse_code(self.model, code);
            let status = parse_status(cell(Column::Status));
            let (indicator, level, number, code) = match parsed {
                Ok(p) => p,
                Err(m) => {
                    self.problem(at(*line, sheet.clone(), named(Column::Item), m));
                    continue;
                }
            };
            let (status, mut reason) = match status {
                Ok(s) => s,
                Err(m) => {
                    self.problem(at(*line, sheet.clone(), named(Column::Status), m));
                    continue;
                }
            };
            let text = |col: Column| Some(cell(col)).filter(|s| !s.is_empty()).map(String::from);
            if let Some(r) = text(Column::Reason) {
                reason = Some(match reason {
                    Some(first) if !first.eq_ignore_ascii_case(&r) => format!("{first}; {r}"),
                    _ => r,
                });
            }
            if let Some(first) = self.set.items.iter().find(|i| i.code == code) {
                let place = if first.input == input {
                    format!("line {}", first.line)
                } else {
                    format!("{}:{}", self.set.files[first.input].path, first.line)
                };
                self.problem(at(
                    *line,
                    sheet.clone(),
                    named(Column::Item),
                    format!("item {code} is already listed at {place}; keep one row per item"),
                ));
                continue;
            }
            self.set.items.push(Item {
                code,
                indicator,
                level,
                number,
                status,
                reason,
                opd: text(Column::Opd),
                file: text(Column::File),
                note: text(Column::Note),
                input,
                line: *line,
            });
        }
    }
}

type Rows = Vec<(u64, Vec<String>)>;

/// The rows of a CSV item sheet with their line numbers, and a warning if the encoding was
/// guessed.
fn text_rows(bytes: &[u8]) -> Result<(Rows, Option<String>), (u64, String)> {
    let decoded = decode::decode(bytes, decode::Encoding::Auto).map_err(|m| (0, m))?;
    let text = &decoded.text;
    let delimiter = decode::sep_hint(text)
        .unwrap_or_else(|| decode::sniff_delimiter(text, |name| Column::of(name).is_some()));
    // Excel's `sep=;` first line says the delimiter and is no row.
    let (body, skipped) = if text.trim_start().to_lowercase().starts_with("sep=") {
        (text.split_once('\n').map_or("", |(_, rest)| rest), 1)
    } else {
        (text.as_ref(), 0)
    };
    if let Some(line) = crate::input::text_sheet::unclosed_quote_line(body.as_bytes(), delimiter) {
        return Err((
            line + skipped,
            crate::input::text_sheet::UNCLOSED_QUOTE.into(),
        ));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(body.as_bytes());
    let mut rows = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(|e| {
            (
                e.position().map_or(0, |p| p.line()) + skipped,
                e.to_string(),
            )
        })?;
        let line = record.position().map_or(0, |p| p.line()) + skipped;
        rows.push((line, record.iter().map(String::from).collect()));
    }
    Ok((rows, decoded.warning))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_in_both_languages_with_reasons() {
        use ItemStatus::*;
        assert_eq!(parse_status("Diterima"), Ok((Accepted, None)));
        assert_eq!(parse_status("accepted"), Ok((Accepted, None)));
        assert_eq!(parse_status("revisi"), Ok((Revision, None)));
        assert_eq!(
            parse_status("Revisi - tidak tepat"),
            Ok((Revision, Some("tidak tepat".into())))
        );
        assert_eq!(
            parse_status("revision (belum diunggah)"),
            Ok((Revision, Some("belum diunggah".into())))
        );
        assert_eq!(
            parse_status("ditolak otomatis"),
            Ok((Revision, Some("ditolak otomatis".into())))
        );
        assert_eq!(parse_status(""), Ok((NotAssessed, None)));
        assert!(parse_status("revisian").is_err());
        assert!(parse_status("ok").is_err());
    }

    #[test]
    fn item_codes_against_the_model() {
        let m = Model::load("pemdi-2026").unwrap();
        assert_eq!(parse_code(&m, "I1-L2-03"), Ok((0, 2, 3, "I1-L2-03".into())));
        assert_eq!(
            parse_code(&m, " i20 - l5 - 1 "),
            Ok((19, 5, 1, "I20-L5-01".into()))
        );
        assert_eq!(
            parse_code(&m, "I21-L1-01"),
            Err("item I21-L1-01: the model pemdi-2026 has no indicator I21 (I1 to I20)".into())
        );
        assert_eq!(
            parse_code(&m, "I1-L6-01"),
            Err("item I1-L6-01: level 6 is outside the model's levels 1 to 5".into())
        );
        for bad in [
            "I1L2-03",
            "1-L2-03",
            "I1-L2",
            "I1-L2-03-4",
            "I1-2-03",
            "I1-L2-x",
        ] {
            assert!(parse_code(&m, bad).is_err(), "{bad}");
        }
    }
}
