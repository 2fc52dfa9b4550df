//! Values of other agencies' indices per institution (`spbe compare --external-file FILE`): a
//! CSV with the columns institution (`instansi`, `institution` or `nama_instansi`), key
//! (`key`, `kunci`, `indeks` or `index`: what `--external` accepts, e.g. `SDI` or `I5`) and
//! value (`value` or `nilai`, with a point or the Indonesian comma). Every bad row is located.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::core::answers::InputFile;
use crate::core::external::{self, SourceValue};
use crate::core::model::Model;
use crate::input::columns::header_key;
use crate::input::model::sha256_hex;
use crate::input::sheets::SheetProblem;

/// One row of the file: the institution as written, its line and the value.
#[derive(Debug, Clone)]
pub struct ExternalRow {
    pub institution: String,
    /// The institution's key ([`crate::core::compare::key`]): each institution looks its
    /// values up by it.
    key: String,
    pub line: u64,
    /// The institution cell's column (1-based) and header, for messages.
    pub column: (usize, String),
    pub value: SourceValue,
}

/// A whole file of external values.
#[derive(Debug, Clone)]
pub struct ExternalFile {
    pub rows: Vec<ExternalRow>,
    /// The rows of each institution's [`crate::core::compare::key`].
    by_institution: HashMap<String, Vec<usize>>,
    pub file: InputFile,
    /// What the reader had to guess (the encoding).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Institution,
    Key,
    Value,
}

fn column_of(name: &str) -> Option<Column> {
    Some(match header_key(name).as_str() {
        "instansi" | "institution" | "nama_instansi" => Column::Institution,
        "key" | "kunci" | "indeks" | "index" => Column::Key,
        "value" | "nilai" => Column::Value,
        _ => return None,
    })
}

/// Every problem found in a file of external values.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ExternalError {
    pub file: String,
    pub problems: Vec<SheetProblem>,
}

impl fmt::Display for ExternalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = format!("the external values {}", self.file);
        crate::input::sheets::write_problems(f, &what, &self.problems, 0)
    }
}

fn problem(
    file: &str,
    line: u64,
    column: Option<(usize, String)>,
    message: String,
) -> SheetProblem {
    SheetProblem {
        file: file.to_string(),
        sheet: None,
        line,
        column,
        message,
    }
}

impl ExternalFile {
    pub fn load(model: &Model, path: &Path) -> Result<ExternalFile, ExternalError> {
        let name = path.display().to_string();
        let fail = |line: u64, message: String| ExternalError {
            file: name.clone(),
            problems: vec![problem(&name, line, None, message)],
        };
        let bytes = crate::input::model::read_capped(path, 16 << 20).map_err(|e| {
            fail(
                0,
                if e.kind() == std::io::ErrorKind::NotFound {
                    "no such file; check the path given to --external-file".to_string()
                } else {
                    format!("cannot read: {e}")
                },
            )
        })?;
        let decoded = crate::input::decode::decode(&bytes, crate::input::decode::Encoding::Auto)
            .map_err(|e| fail(0, e))?;
        let text = &decoded.text;
        let delimiter =
            crate::input::decode::sniff_delimiter(text, |name| column_of(name).is_some());
        if let Some(line) =
            crate::input::text_sheet::unclosed_quote_line(text.as_bytes(), delimiter)
        {
            return Err(fail(line, crate::input::text_sheet::UNCLOSED_QUOTE.into()));
        }
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut records = rdr.records();
        let header = match records.next() {
            None => {
                return Err(fail(
                    1,
                    "the file is empty; it needs a header row: institution,key,value".into(),
                ));
            }
            Some(Err(e)) => return Err(fail(csv_line(&e), e.to_string())),
            Some(Ok(h)) => h,
        };
        let names: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
        let find = |c: Column| names.iter().position(|n| column_of(n) == Some(c));
        let (nc, kc, vc) = match (
            find(Column::Institution),
            find(Column::Key),
            find(Column::Value),
        ) {
            (Some(n), Some(k), Some(v)) => (n, k, v),
            (n, k, v) => {
                let missing: Vec<&str> = [
                    (n, "institution (or instansi)"),
                    (k, "key (or kunci)"),
                    (v, "value (or nilai)"),
                ]
                .iter()
                .filter(|(c, _)| c.is_none())
                .map(|(_, name)| *name)
                .collect();
                return Err(fail(
                    1,
                    format!(
                        "missing column {}; the header row has: {}; the file has the columns institution,key,value (e.g. Kab. Contoh,SDI,55.2)",
                        missing.join(" and "),
                        names.join(", ")
                    ),
                ));
            }
        };
        let mut rows = Vec::new();
        let mut problems = Vec::new();
        let mut seen: HashMap<(String, usize), u64> = HashMap::new();
        for record in records {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    problems.push(problem(&name, csv_line(&e), None, e.to_string()));
                    continue;
                }
            };
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            let cell = |c: usize| record.get(c).map(str::trim).unwrap_or("");
            let at = |c: usize| Some((c + 1, names[c].clone()));
            let institution = cell(nc);
            if institution.is_empty() {
                problems.push(problem(
                    &name,
                    line,
                    at(nc),
                    "the institution is empty; write the institution's name as the inputs write it (a value for every institution goes in --external KEY=VALUE)".into(),
                ));
                continue;
            }
            let (key, value) = (cell(kc), cell(vc));
            // The checks of `--external KEY=VALUE`, with the column the problem is in.
            let value = match external::parse(model, &format!("{key}={value}")) {
                Ok(v) => SourceValue {
                    from: Some(format!("{name}:{line}")),
                    ..v
                },
                Err(msg) => {
                    let key_ok = model
                        .external_indicators()
                        .any(|(_, e)| e.key.eq_ignore_ascii_case(key))
                        || model
                            .find_indicator(key)
                            .is_some_and(|i| model.indicators[i].external.is_some());
                    let column = if key_ok { vc } else { kc };
                    problems.push(problem(&name, line, at(column), msg));
                    continue;
                }
            };
            let k = crate::core::compare::key(institution);
            if let Some(first) = seen.get(&(k.clone(), value.indicator)) {
                problems.push(problem(
                    &name,
                    line,
                    at(kc),
                    format!(
                        "{institution:?} already has a value for indicator {} at line {first}; keep one row per institution and key",
                        model.indicators[value.indicator].id
                    ),
                ));
                continue;
            }
            seen.insert((k.clone(), value.indicator), line);
            rows.push(ExternalRow {
                institution: institution.to_string(),
                key: k,
                line,
                column: (nc + 1, names[nc].clone()),
                value,
            });
        }
        if !problems.is_empty() {
            return Err(ExternalError {
                file: name,
                problems,
            });
        }
        let warnings = decoded
            .warning
            .iter()
            .map(|w| format!("external values {name}: {w}"))
            .collect();
        Ok(ExternalFile {
            file: InputFile {
                path: name,
                sha256: sha256_hex(&bytes),
                rows: rows.len() as u64,
            },
            by_institution: rows.iter().enumerate().fold(
                HashMap::new(),
                |mut by: HashMap<String, Vec<usize>>, (i, r)| {
                    by.entry(r.key.clone()).or_default().push(i);
                    by
                },
            ),
            rows,
            warnings,
        })
    }

    /// The values of one institution (by [`crate::core::compare::key`]).
    pub fn of<'a>(&'a self, institution: &str) -> impl Iterator<Item = &'a SourceValue> + 'a {
        let key = crate::core::compare::key(institution);
        self.by_institution
            .get(&key)
            .into_iter()
            .flatten()
            .map(|&i| &self.rows[i].value)
    }
}

fn csv_line(e: &csv::Error) -> u64 {
    e.position().map(|p| p.line()).unwrap_or(0)
}
