//! The responsibility map: which OPD owns or contributes to each indicator (`--owners FILE`).
//!
//! A map is a CSV (`indicator,opd[,role]`) or a YAML list of `{indicator, opd, role}` entries.
//! Several OPD may share an indicator; `role` is `owner` (the default) or `contributor`. Reading
//! is an input edge: every bad row is reported as `file:line:column: message`. Once read, the
//! map is plain data ([`OwnerMap`]) that the pure cores take as input.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::core::answers::InputFile;
use crate::core::model::Model;
use crate::core::owners::{OwnerMap, Responsibility, Role, opd_key};
use crate::input::model::sha256_hex;
use crate::input::sheets::SheetProblem;

/// A column of a CSV responsibility map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MapColumn {
    Indicator,
    Opd,
    Role,
    /// Only in the maps of many institutions (`spbe compare --owners`).
    Institution,
}

/// The column a header name means, in any case, with spaces, `_` or `-` between words.
fn column_of(name: &str) -> Option<MapColumn> {
    match name.trim().to_lowercase().replace([' ', '-'], "_").as_str() {
        "indicator" | "indikator" => Some(MapColumn::Indicator),
        "opd" | "perangkat_daerah" | "unit" => Some(MapColumn::Opd),
        "role" | "peran" => Some(MapColumn::Role),
        "instansi" | "institution" | "nama_instansi" => Some(MapColumn::Institution),
        _ => None,
    }
}

impl OwnerMap {
    /// Reads a map file: YAML when the name ends in `.yaml`/`.yml`, CSV otherwise.
    pub fn load(model: &Model, path: &Path) -> Result<OwnerMap, OwnersError> {
        let (name, bytes, yaml) = read_map(path)?;
        let mut map = if yaml {
            OwnerMap::from_yaml(model, &name, &bytes)?
        } else {
            OwnerMap::from_csv(model, &name, &bytes)?
        };
        map.file = Some(InputFile {
            path: name,
            sha256: sha256_hex(&bytes),
            rows: map.rows.len() as u64,
        });
        Ok(map)
    }

    /// Reads a CSV map. The header names the columns: `indicator` (or `indikator`), `opd` (or
    /// `perangkat_daerah`, `unit`) and optionally `role` (or `peran`). `;` or tab works as the
    /// delimiter.
    pub fn from_csv(model: &Model, file: &str, raw_bytes: &[u8]) -> Result<OwnerMap, OwnersError> {
        let (raw, problems, warning) = csv_rows(file, raw_bytes, false)?;
        let mut map = check(model, file, raw, problems)?;
        map.warnings.extend(warning);
        Ok(map)
    }

    /// Reads a YAML map: a list of entries `{indicator: 36, opd: BKPSDM, role: owner}`.
    pub fn from_yaml(model: &Model, file: &str, bytes: &[u8]) -> Result<OwnerMap, OwnersError> {
        let (raw, problems) = yaml_rows(file, bytes, false)?;
        check(model, file, raw, problems)
    }
}

/// A map file's name, bytes and whether it is YAML (by its name).
fn read_map(path: &Path) -> Result<(String, Vec<u8>, bool), OwnersError> {
    let name = path.display().to_string();
    let bytes = crate::input::model::read_capped(path, 16 << 20).map_err(|e| {
        let message = if e.kind() == std::io::ErrorKind::NotFound {
            "no such file; check the path given to --owners".to_string()
        } else {
            format!("cannot read: {e}")
        };
        OwnersError::single(&name, 0, message)
    })?;
    let yaml = path
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"));
    Ok((name, bytes, yaml))
}

/// The rows of a CSV map, unchecked, with the problems met reading them and the warning about
/// a guessed encoding; the institution column is read when `institutions`.
#[allow(clippy::type_complexity)]
fn csv_rows(
    file: &str,
    raw_bytes: &[u8],
    institutions: bool,
) -> Result<(Vec<RawRow>, Vec<SheetProblem>, Option<String>), OwnersError> {
    {
        // Encodings as for answer sheets: a BOM decides (UTF-8, Excel's UTF-16 "Unicode Text"),
        // else UTF-8, else windows-1252 with a warning.
        let decoded = crate::input::decode::decode(raw_bytes, crate::input::decode::Encoding::Auto)
            .map_err(|e| OwnersError::single(file, 0, e))?;
        let text = &decoded.text;
        let bytes = text.as_bytes();
        // As for answer sheets: the delimiter that splits the header into the most known names.
        let delimiter =
            crate::input::decode::sniff_delimiter(text, |name| column_of(name).is_some());
        if let Some(line) = crate::input::text_sheet::unclosed_quote_line(bytes, delimiter) {
            return Err(OwnersError::single(
                file,
                line,
                crate::input::text_sheet::UNCLOSED_QUOTE.into(),
            ));
        }
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes);
        let mut records = rdr.records();
        let header = match records.next() {
            None => {
                return Err(OwnersError::single(
                    file,
                    1,
                    "the file is empty; a responsibility map needs a header row: indicator,opd,role"
                        .into(),
                ));
            }
            Some(Err(e)) => return Err(OwnersError::single(file, csv_line(&e), e.to_string())),
            Some(Ok(h)) => h,
        };
        let names: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
        let find = |column: MapColumn| names.iter().position(|n| column_of(n) == Some(column));
        let ic = find(MapColumn::Indicator);
        let oc = find(MapColumn::Opd);
        let rc = find(MapColumn::Role);
        let nc = find(MapColumn::Institution).filter(|_| institutions);
        let mut missing = Vec::new();
        if ic.is_none() {
            missing.push("indicator (or indikator)");
        }
        if oc.is_none() {
            missing.push("opd");
        }
        if !missing.is_empty() {
            return Err(OwnersError::single(
                file,
                1,
                format!(
                    "missing column {}; the header row has: {}; a responsibility map has the columns indicator,opd and optionally role",
                    missing.join(" and "),
                    names.join(", ")
                ),
            ));
        }
        let (ic, oc) = (ic.expect("checked"), oc.expect("checked"));
        let mut raw = Vec::new();
        let mut problems = Vec::new();
        for record in records {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    problems.push(located(file, csv_line(&e), None, e.to_string()));
                    continue;
                }
            };
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            let cell = |c: usize| RawCell {
                text: record.get(c).map(str::trim).unwrap_or("").to_string(),
                column: Some((c + 1, names[c].clone())),
            };
            raw.push(RawRow {
                line,
                indicator: cell(ic),
                opd: cell(oc),
                role: rc.map(cell),
                institution: nc.map(cell),
            });
        }
        let warning = decoded.warning.is_some().then(|| {
            let valid = std::str::from_utf8(raw_bytes).map_or_else(|e| e.valid_up_to(), |_| 0);
            let line = crate::input::decode::line_of(raw_bytes, valid);
            format!(
                "responsibility map {file}: line {line} is not UTF-8, so the map was read as windows-1252 (Excel's \"CSV (Comma delimited)\"); if OPD names look wrong, save it in Excel as \"CSV UTF-8 (Comma delimited)\""
            )
        });
        Ok((raw, problems, warning))
    }
}

/// The entries of a YAML map, unchecked, with the problems met reading them; the key
/// `instansi` (or `institution`) is read when `institutions`.
fn yaml_rows(
    file: &str,
    bytes: &[u8],
    institutions: bool,
) -> Result<(Vec<RawRow>, Vec<SheetProblem>), OwnersError> {
    {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| OwnersError::single(file, 0, "the file is not UTF-8 text".into()))?;
        let shape = "a responsibility map in YAML is a list of entries such as `- {indicator: 36, opd: BKPSDM, role: owner}`";
        // The model's guard: deep [ ] or { } nesting makes the YAML parser take minutes.
        if let Err((line, message)) = crate::input::model::yaml_guard(text, "a responsibility map")
        {
            return Err(OwnersError::single(file, line as u64, message));
        }
        let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
            let line = e.location().map(|l| l.line() as u64).unwrap_or(0);
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            OwnersError::single(file, line, msg)
        })?;
        let serde_yaml::Value::Sequence(entries) = value else {
            return Err(OwnersError::single(file, 1, shape.to_string()));
        };
        // Block-style entries start with `- ` in the first column; when the count matches, the
        // n-th such line is entry n's line.
        let starts: Vec<u64> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| *l == "-" || l.starts_with("- "))
            .map(|(n, _)| n as u64 + 1)
            .collect();
        let line_of = |n: usize| {
            if starts.len() == entries.len() {
                starts[n]
            } else {
                0
            }
        };
        let mut raw = Vec::new();
        let mut problems = Vec::new();
        for (n, entry) in entries.iter().enumerate() {
            let line = line_of(n);
            let serde_yaml::Value::Mapping(m) = entry else {
                problems.push(located(
                    file,
                    line,
                    None,
                    format!("entry {} is not a mapping; {shape}", n + 1),
                ));
                continue;
            };
            let field = |key: &str| -> Option<RawCell> {
                let v = m.get(key)?;
                let text = match v {
                    serde_yaml::Value::String(s) => s.trim().to_string(),
                    serde_yaml::Value::Number(x) => x.to_string(),
                    serde_yaml::Value::Null => String::new(),
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    // A list or a mapping where one value belongs: say what it is, not its Debug.
                    serde_yaml::Value::Sequence(_) => "(a list)".to_string(),
                    serde_yaml::Value::Mapping(_) => "(a mapping)".to_string(),
                    serde_yaml::Value::Tagged(t) => format!("(tagged {})", t.tag),
                };
                Some(RawCell {
                    text,
                    column: Some((0, key.to_string())),
                })
            };
            let institution_key = ["instansi", "institution"]
                .into_iter()
                .find(|k| institutions && m.contains_key(*k));
            for key in m.keys() {
                let k = key.as_str().unwrap_or("");
                if !["indicator", "opd", "role"].contains(&k) && Some(k) != institution_key {
                    let shown = match key {
                        serde_yaml::Value::String(s) => s.clone(),
                        serde_yaml::Value::Number(n) => n.to_string(),
                        _ => "(not text)".to_string(),
                    };
                    problems.push(located(
                        file,
                        line,
                        None,
                        format!(
                            "unknown key {shown:?}; an entry has the keys {}indicator, opd and optionally role",
                            if institutions { "instansi (or institution), " } else { "" }
                        ),
                    ));
                }
            }
            let empty = |key: &str| RawCell {
                text: String::new(),
                column: Some((0, key.to_string())),
            };
            raw.push(RawRow {
                line,
                indicator: field("indicator").unwrap_or_else(|| empty("indicator")),
                opd: field("opd").unwrap_or_else(|| empty("opd")),
                role: field("role"),
                institution: institution_key.and_then(field),
            });
        }
        Ok((raw, problems))
    }
}

struct RawCell {
    text: String,
    /// 1-based column (0 in YAML, where the key names it) and its name.
    column: Option<(usize, String)>,
}

struct RawRow {
    line: u64,
    indicator: RawCell,
    opd: RawCell,
    role: Option<RawCell>,
    /// Maps of many institutions: the institution the row is for (empty: every one).
    institution: Option<RawCell>,
}

fn located(
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

/// Checks the rows of either format against the model.
fn check(
    model: &Model,
    file: &str,
    raw: Vec<RawRow>,
    mut problems: Vec<SheetProblem>,
) -> Result<OwnerMap, OwnersError> {
    let mut rows = Vec::new();
    let mut seen: HashMap<(usize, String), u64> = HashMap::new();
    let at = |cell: &RawCell, line: u64, message: String| SheetProblem {
        file: file.to_string(),
        sheet: None,
        line,
        column: cell.column.clone().filter(|(n, _)| *n > 0),
        message: match &cell.column {
            Some((0, key)) => format!("key {key:?}: {message}"),
            _ => message,
        },
    };
    if raw.is_empty() && problems.is_empty() {
        problems.push(located(
            file,
            1,
            None,
            "the map names no indicator; add rows indicator,opd,role".into(),
        ));
    }
    for r in raw {
        let indicator = if r.indicator.text.is_empty() {
            problems.push(at(
                &r.indicator,
                r.line,
                "the indicator is empty; write the indicator's number (e.g. 36) or code (e.g. I36)"
                    .into(),
            ));
            None
        } else {
            let found = model.find_indicator(&r.indicator.text);
            if found.is_none() {
                problems.push(at(
                    &r.indicator,
                    r.line,
                    format!(
                        "unknown indicator {:?}; the model {} has indicators {} to {}",
                        r.indicator.text,
                        model.id,
                        model
                            .indicators
                            .first()
                            .map(|i| i.id.as_str())
                            .unwrap_or(""),
                        model.indicators.last().map(|i| i.id.as_str()).unwrap_or("")
                    ),
                ));
            }
            found
        };
        if r.opd.text.is_empty() {
            problems.push(at(
                &r.opd,
                r.line,
                "the OPD is empty; write the OPD's name as its answer sheets do".into(),
            ));
        }
        let role = match &r.role {
            None => Some(Role::Owner),
            Some(c) => {
                match c.text.to_lowercase().as_str() {
                    "" | "owner" => Some(Role::Owner),
                    "contributor" => Some(Role::Contributor),
                    other => {
                        problems.push(at(
                        c,
                        r.line,
                        format!("unknown role {other:?}; write owner or contributor (empty means owner)"),
                    ));
                        None
                    }
                }
            }
        };
        let (Some(indicator), Some(role)) = (indicator, role) else {
            continue;
        };
        if r.opd.text.is_empty() {
            continue;
        }
        let key = (indicator, opd_key(&r.opd.text));
        if let Some(first) = seen.get(&key) {
            problems.push(at(
                &r.opd,
                r.line,
                format!(
                    "OPD {:?} is already listed for indicator {} at line {first}; keep one row per indicator and OPD",
                    r.opd.text, model.indicators[indicator].id
                ),
            ));
            continue;
        }
        seen.insert(key, r.line);
        rows.push(Responsibility {
            indicator,
            opd: r.opd.text,
            role,
            line: r.line,
        });
    }
    if problems.is_empty() {
        Ok(OwnerMap {
            rows,
            file: None,
            warnings: Vec::new(),
        })
    } else {
        Err(OwnersError {
            file: file.to_string(),
            problems,
        })
    }
}

/// The responsibility maps of many institutions, in one file (`spbe compare --owners`): the
/// columns of a map and an institution column (`instansi`, `institution` or `nama_instansi`;
/// in YAML the key `instansi` or `institution`). A row with no institution (no such column, or
/// the cell empty) is every institution's: OPD names differ between pemda, so a map is usually
/// per institution.
#[derive(Debug, Clone)]
pub struct InstitutionMaps {
    /// The rows of every institution.
    common: Vec<Responsibility>,
    /// Per institution: the key of its name ([`crate::core::compare::key`]), its name as
    /// first written, and its own rows.
    own: Vec<(String, String, Vec<Responsibility>)>,
    /// The position in `own` of each key (a national map has one group per institution).
    own_index: HashMap<String, usize>,
    /// The file, for messages and the receipt.
    pub file: InputFile,
    /// What the reader had to guess (the encoding).
    pub warnings: Vec<String>,
}

impl InstitutionMaps {
    pub fn load(model: &Model, path: &Path) -> Result<InstitutionMaps, OwnersError> {
        let (name, bytes, yaml) = read_map(path)?;
        let (raw, mut problems, warning) = if yaml {
            let (raw, problems) = yaml_rows(&name, &bytes, true)?;
            (raw, problems, None)
        } else {
            csv_rows(&name, &bytes, true)?
        };
        // Grouped by institution, each group checked as one map.
        let mut groups: Vec<(String, String, Vec<RawRow>)> = vec![Default::default()];
        let mut group_of: HashMap<String, usize> = HashMap::from([(String::new(), 0)]);
        for row in raw {
            let text = row.institution.as_ref().map_or("", |c| c.text.as_str());
            let key = crate::core::compare::key(text);
            match group_of.get(&key) {
                Some(&g) => groups[g].2.push(row),
                None => {
                    group_of.insert(key.clone(), groups.len());
                    groups.push((key, text.to_string(), vec![row]));
                }
            }
        }
        if groups.iter().all(|(_, _, rows)| rows.is_empty()) {
            // The map's own message for a map with no rows.
            check(model, &name, Vec::new(), std::mem::take(&mut problems))?;
        }
        let mut common: Vec<Responsibility> = Vec::new();
        let mut own: Vec<(String, String, Vec<Responsibility>)> = Vec::new();
        for (g, (key, text, rows)) in groups.into_iter().enumerate() {
            if rows.is_empty() {
                continue;
            }
            match check(model, &name, rows, Vec::new()) {
                Ok(map) if g == 0 => common = map.rows,
                Ok(map) => {
                    for r in &map.rows {
                        let twice = common.iter().find(|c| {
                            c.indicator == r.indicator && opd_key(&c.opd) == opd_key(&r.opd)
                        });
                        if let Some(c) = twice {
                            problems.push(located(
                                &name,
                                r.line,
                                None,
                                format!(
                                    "OPD {:?} is already listed for indicator {} at line {} (a row for every institution); keep one row per indicator and OPD",
                                    r.opd, model.indicators[r.indicator].id, c.line
                                ),
                            ));
                        }
                    }
                    own.push((key, text, map.rows));
                }
                Err(e) => problems.extend(e.problems),
            }
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.line);
            return Err(OwnersError {
                file: name,
                problems,
            });
        }
        let rows = common.len() + own.iter().map(|(_, _, r)| r.len()).sum::<usize>();
        let own_index = own
            .iter()
            .enumerate()
            .map(|(i, (k, _, _))| (k.clone(), i))
            .collect();
        Ok(InstitutionMaps {
            common,
            own,
            own_index,
            file: InputFile {
                path: name,
                sha256: sha256_hex(&bytes),
                rows: rows as u64,
            },
            warnings: warning.into_iter().collect(),
        })
    }

    /// The map of one institution (its rows and the rows of every institution), or `None`
    /// when no row applies to it.
    pub fn of(&self, institution: &str) -> Option<OwnerMap> {
        let key = crate::core::compare::key(institution);
        let own = self.own_index.get(&key).map(|&i| &self.own[i]);
        if own.is_none() && self.common.is_empty() {
            return None;
        }
        let mut rows = self.common.clone();
        rows.extend(own.into_iter().flat_map(|(_, _, r)| r.iter().cloned()));
        Some(OwnerMap {
            rows,
            file: Some(self.file.clone()),
            // The file's warnings are said once for the comparison, not once per institution.
            warnings: Vec::new(),
        })
    }

    /// The institutions the map names, as first written, with the line of their first row.
    pub fn institutions(&self) -> impl Iterator<Item = (&str, u64)> {
        self.own
            .iter()
            .map(|(_, name, rows)| (name.as_str(), rows.first().map_or(0, |r| r.line)))
    }
}

fn csv_line(e: &csv::Error) -> u64 {
    e.position().map(|p| p.line()).unwrap_or(0)
}

/// Every problem found in a responsibility map.
#[derive(Debug, Clone, thiserror::Error)]
pub struct OwnersError {
    pub file: String,
    pub problems: Vec<SheetProblem>,
}

impl OwnersError {
    fn single(file: &str, line: u64, message: String) -> OwnersError {
        OwnersError {
            file: file.to_string(),
            problems: vec![located(file, line, None, message)],
        }
    }
}

impl fmt::Display for OwnersError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = format!("the responsibility map {}", self.file);
        crate::input::sheets::write_problems(f, &what, &self.problems, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        Model::load("spbe-2020").unwrap()
    }

    #[test]
    fn csv_rows_with_and_without_role() {
        let m = model();
        let map = OwnerMap::from_csv(
            &m,
            "o.csv",
            b"indicator,opd,role\n36,BKPSDM,owner\nI36,Diskominfo,contributor\n34,BPKAD,\n",
        )
        .unwrap();
        let i36 = m.find_indicator("36").unwrap();
        assert_eq!(map.owners(i36), ["BKPSDM"]);
        assert_eq!(map.contributors(i36), ["Diskominfo"]);
        assert_eq!(map.owners(m.find_indicator("34").unwrap()), ["BPKAD"]);
        assert!(map.is_owner(i36, " bkpsdm "));
        assert_eq!(map.opds(), ["BKPSDM", "Diskominfo", "BPKAD"]);
        let no_role =
            OwnerMap::from_csv(&m, "o.csv", b"indikator;perangkat daerah\n1;X\n").unwrap();
        assert_eq!(no_role.rows[0].role, Role::Owner);
    }

    #[test]
    fn bad_csv_rows_are_located() {
        let m = model();
        let e = OwnerMap::from_csv(
            &m,
            "o.csv",
            b"indicator,opd,role\n99,BKPSDM,owner\n36,,owner\n36,BKPSDM,boss\n1,X,\n1,x,contributor\n",
        )
        .unwrap_err();
        let text = e.to_string();
        assert_eq!(
            text,
            "4 problems in the responsibility map o.csv:\n  \
             o.csv:2:1: column \"indicator\": unknown indicator \"99\"; the model spbe-2020 has indicators 1 to 47\n  \
             o.csv:3:2: column \"opd\": the OPD is empty; write the OPD's name as its answer sheets do\n  \
             o.csv:4:3: column \"role\": unknown role \"boss\"; write owner or contributor (empty means owner)\n  \
             o.csv:6:2: column \"opd\": OPD \"x\" is already listed for indicator 1 at line 5; keep one row per indicator and OPD"
        );
        let e = OwnerMap::from_csv(&m, "o.csv", b"indicator,level\n1,3\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "1 problem in the responsibility map o.csv:\n  o.csv:1: missing column opd; the header row has: indicator, level; a responsibility map has the columns indicator,opd and optionally role"
        );
    }

    fn maps(text: &str) -> Result<InstitutionMaps, OwnersError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pemilik.csv");
        std::fs::write(&path, text).unwrap();
        InstitutionMaps::load(&model(), &path).map_err(|mut e| {
            // The temporary path is not part of what is checked.
            for p in &mut e.problems {
                p.file = "pemilik.csv".into();
            }
            e
        })
    }

    #[test]
    fn maps_of_many_institutions_share_the_rows_with_no_institution() {
        let m = maps(
            "instansi,indicator,opd\n,47,Inspektorat\nKab. A,36,BKPSDM\nkab.  a,34,BPKAD\nKota B,36,BKD\n",
        )
        .unwrap();
        let a = m.of("KAB. A").unwrap();
        let opds: Vec<&str> = a.rows.iter().map(|r| r.opd.as_str()).collect();
        assert_eq!(opds, ["Inspektorat", "BKPSDM", "BPKAD"]);
        assert_eq!(m.of("Kota B").unwrap().rows.len(), 2);
        assert_eq!(m.of("Kab. C").unwrap().rows.len(), 1, "the shared row");
        let names: Vec<(&str, u64)> = m.institutions().collect();
        assert_eq!(names, [("Kab. A", 3), ("Kota B", 5)]);
        // Without shared rows, an institution the map does not name has no map.
        let m = maps("instansi,indicator,opd\nKab. A,36,BKPSDM\n").unwrap();
        assert!(m.of("Kab. C").is_none());
        // A map without the institution column is every institution's.
        let m = maps("indicator,opd\n36,BKPSDM\n").unwrap();
        assert_eq!(m.of("Kab. C").unwrap().rows.len(), 1);
        // One OPD twice for an indicator, within an institution or with a shared row.
        let e = maps(
            "instansi,indicator,opd\n,47,Inspektorat\nKab. A,36,BKPSDM\nKab. A,36,bkpsdm\nKota B,47,Inspektorat\nKota B,36,BKPSDM\n",
        )
        .unwrap_err();
        assert_eq!(
            e.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
            [
                "pemilik.csv:4:3: column \"opd\": OPD \"bkpsdm\" is already listed for indicator 36 at line 3; keep one row per indicator and OPD",
                "pemilik.csv:5: OPD \"Inspektorat\" is already listed for indicator 47 at line 2 (a row for every institution); keep one row per indicator and OPD",
            ]
        );
    }

    #[test]
    fn yaml_entries_and_their_lines() {
        let m = model();
        let map = OwnerMap::from_yaml(
            &m,
            "o.yaml",
            b"- {indicator: 36, opd: BKPSDM}\n- indicator: I34\n  opd: BPKAD\n  role: contributor\n",
        )
        .unwrap();
        assert_eq!(map.rows.len(), 2);
        assert_eq!(map.rows[1].role, Role::Contributor);
        assert_eq!(map.rows[1].line, 2);
        let e = OwnerMap::from_yaml(
            &m,
            "o.yaml",
            b"- {indicator: 36, opd: BKPSDM}\n- indicator: 48\n  opd: BPKAD\n- {opd: X, role: lead}\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "3 problems in the responsibility map o.yaml:\n  \
             o.yaml:2: key \"indicator\": unknown indicator \"48\"; the model spbe-2020 has indicators 1 to 47\n  \
             o.yaml:4: key \"indicator\": the indicator is empty; write the indicator's number (e.g. 36) or code (e.g. I36)\n  \
             o.yaml:4: key \"role\": unknown role \"lead\"; write owner or contributor (empty means owner)"
        );
        let e = OwnerMap::from_yaml(&m, "o.yaml", b"owners: 1\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("o.yaml:1: a responsibility map in YAML is a list")
        );
    }
}
