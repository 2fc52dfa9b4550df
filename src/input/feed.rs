//! The ministry's results feed (spbe-facts.md §7): a JSON array with one object per institution,
//! `{"kode", "tahun", "nama_instansi", "kategori", "daerah", "nilai": {"D2001".."D2004",
//! "A2001".."A2008", "indeks"}}`, values as decimal strings (10 decimals). `D20nn` is domain nn
//! of the 2020 model, `A20nn` its aspect nn. Values are read exactly as written, never through
//! a float; a problem names the element (`[17]`) and the institution.

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::core::exact::{self, Exact};
use crate::core::model::Model;

/// The model whose domains and aspects the feed's keys name.
pub const FEED_MODEL: &str = "spbe-2020";

/// A feed larger than this is refused (the whole country is well under a megabyte).
const MAX_FEED_BYTES: u64 = 256 << 20;

/// One institution of the feed, its values exact as written.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedRow {
    /// Position in the array (0-based).
    pub element: u32,
    pub code: Option<String>,
    pub year: Option<u16>,
    pub name: String,
    pub category: Option<String>,
    pub region: Option<String>,
    pub index: Exact,
    /// Per domain of the model, in its order (`D2001`, ...).
    pub domains: Vec<Exact>,
    /// Per aspect of the model, in its order (`A2001`, ...).
    pub aspects: Vec<Exact>,
}

/// A problem in a feed: the file, and the element or the place of a syntax error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FeedError {
    pub file: String,
    /// Line and column of a JSON syntax error.
    pub line: Option<(usize, usize)>,
    /// `[17] (kode "3510", "Kab. Banyuwangi")`: the element (0-based, as `jq '.[17]'`).
    pub element: Option<String>,
    pub message: String,
}

impl fmt::Display for FeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, column)) = self.line {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(e) = &self.element {
            write!(f, ": element {e}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Whether JSON text is an array (a feed) rather than an object (a result of `spbe score`).
pub fn is_feed(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('[')
}

/// Reads a feed file.
pub fn read(path: &Path, model: &Model) -> Result<Vec<FeedRow>, FeedError> {
    let file = path.display().to_string();
    let fail = |message: String| FeedError {
        file: file.clone(),
        line: None,
        element: None,
        message,
    };
    let bytes = crate::input::model::read_capped(path, MAX_FEED_BYTES)
        .map_err(|e| fail(format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_FEED_BYTES {
        return Err(fail(format!(
            "the file is larger than {} MiB; the ministry's feed is far smaller",
            MAX_FEED_BYTES >> 20
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| fail("not UTF-8 text, so not JSON".into()))?;
    parse(&file, &text, model)
}

/// Reads a feed's text; `file` names it in messages.
pub fn parse(file: &str, text: &str, model: &Model) -> Result<Vec<FeedRow>, FeedError> {
    let fail = |element: Option<String>, message: String| FeedError {
        file: file.to_string(),
        line: None,
        element,
        message,
    };
    if model.id != FEED_MODEL {
        return Err(fail(
            None,
            format!(
                "the ministry's feed carries values of the 2020 model (D2001..D2004, A2001..A2008); compare it with --model {FEED_MODEL}, not {}",
                model.id
            ),
        ));
    }
    let text = text.trim_start_matches('\u{feff}');
    let elements: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| FeedError {
        line: Some((e.line(), e.column())).filter(|_| e.line() > 0),
        ..fail(None, format!("not a JSON array of institutions: {e}"))
    })?;
    let mut rows = Vec::with_capacity(elements.len());
    for (i, raw) in elements.iter().enumerate() {
        rows.push(
            row(i as u32, raw, model).map_err(|(place, message)| fail(Some(place), message))?,
        );
    }
    Ok(rows)
}

/// A string or a number, as its text (codes and years come either way; a number is never read
/// through a float).
fn text_of(raw: &RawValue) -> String {
    let t = raw.get().trim();
    match serde_json::from_str::<String>(t) {
        Ok(s) => s.trim().to_string(),
        Err(_) => t.to_string(),
    }
}

#[derive(Deserialize)]
struct Element<'a> {
    #[serde(borrow)]
    kode: Option<&'a RawValue>,
    #[serde(borrow)]
    tahun: Option<&'a RawValue>,
    nama_instansi: Option<String>,
    kategori: Option<String>,
    daerah: Option<String>,
    #[serde(borrow)]
    nilai: Option<std::collections::BTreeMap<String, &'a RawValue>>,
}

fn row(element: u32, raw: &RawValue, model: &Model) -> Result<FeedRow, (String, String)> {
    let at = |extra: &str| format!("[{element}]{extra}");
    let e: Element<'_> = serde_json::from_str(raw.get()).map_err(|err| {
        (
            at(""),
            format!(
                "not an institution object ({{\"kode\", \"tahun\", \"nama_instansi\", \"kategori\", \"daerah\", \"nilai\"}}): {err}"
            ),
        )
    })?;
    let code = e.kode.map(text_of).filter(|c| !c.is_empty());
    let name = e.nama_instansi.as_deref().map(str::trim).unwrap_or("");
    let who = match (&code, name.is_empty()) {
        (Some(c), false) => format!(" (kode {c:?}, {name:?})"),
        (Some(c), true) => format!(" (kode {c:?})"),
        (None, false) => format!(" ({name:?})"),
        (None, true) => String::new(),
    };
    let at = at(&who);
    if name.is_empty() {
        return Err((at, "\"nama_instansi\" is missing or empty".into()));
    }
    let year = match e.tahun.map(text_of) {
        None => None,
        Some(t) if t.is_empty() => None,
        Some(t) => match t.parse::<u16>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => return Err((at, format!("\"tahun\" {t} is not a year"))),
        },
    };
    let Some(values) = e.nilai else {
        return Err((
            at,
            "\"nilai\" is missing: it holds the index and the domain and aspect values".into(),
        ));
    };
    let value = |key: &str| -> Result<Exact, (String, String)> {
        let Some(v) = values.get(key) else {
            return Err((at.clone(), format!("\"nilai\" has no {key:?}")));
        };
        let text = text_of(v);
        let text = text.as_str();
        exact::parse_decimal(text)
            .filter(|_| !text.is_empty())
            .ok_or_else(|| {
                (
                    at.clone(),
                    format!(
                        "nilai.{key} {text:?} is not a decimal number (write e.g. \"3.0840000000\")"
                    ),
                )
            })
    };
    let index = value("indeks")?;
    let domains = (1..=model.domains.len())
        .map(|k| value(&format!("D20{k:02}")))
        .collect::<Result<Vec<_>, _>>()?;
    let aspects = (1..=model.aspects.len())
        .map(|k| value(&format!("A20{k:02}")))
        .collect::<Result<Vec<_>, _>>()?;
    let label = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(FeedRow {
        element,
        code,
        year,
        name: name.to_string(),
        category: label(e.kategori),
        region: label(e.daerah),
        index,
        domains,
        aspects,
    })
}

/// How far the domain values, weighted, are from the index: the feed's values are rounded to
/// 10 decimals, so anything beyond 10⁻¹⁰ means the row does not add up.
pub fn inconsistency(row: &FeedRow, model: &Model) -> Option<Exact> {
    let total: Exact = row
        .domains
        .iter()
        .zip(&model.domains)
        .map(|(v, d)| v * exact::int(d.weight as i64))
        .sum::<Exact>()
        / exact::int(model.total_units() as i64);
    let off = if total > row.index {
        &total - &row.index
    } else {
        &row.index - &total
    };
    (off > exact::ratio(1, 10_000_000_000)).then_some(off)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        Model::load("spbe-2020").unwrap()
    }

    const ONE: &str = r#"[{"kode": "3510", "tahun": 2024, "nama_instansi": "Kab. Banyuwangi",
        "kategori": "Pemerintah Kabupaten", "daerah": "Jawa Timur",
        "nilai": {"D2001": "5.0000000000", "D2002": "4.6000000000", "D2003": "4.1818181818",
                  "D2004": "5.0000000000", "A2001": "5.0000000000", "A2002": "4.5000000000",
                  "A2003": "4.7500000000", "A2004": "4.5000000000", "A2005": "4.6250000000",
                  "A2006": "3.0000000000", "A2007": "5.0000000000", "A2008": "5.0000000000",
                  "indeks": "4.7650000000"}}]"#;

    #[test]
    fn reads_values_exactly() {
        let rows = parse("f.json", ONE, &model()).unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.name, "Kab. Banyuwangi");
        assert_eq!(r.year, Some(2024));
        assert_eq!(r.code.as_deref(), Some("3510"));
        assert_eq!(r.index, exact::ratio(4765, 1000));
        assert_eq!(exact::fixed(&r.index, 2), "4.77");
        assert_eq!(r.domains.len(), 4);
        assert_eq!(r.aspects.len(), 8);
        assert_eq!(inconsistency(r, &model()), None);
        let mut off = r.clone();
        off.index = exact::ratio(4766, 1000);
        let by = inconsistency(&off, &model()).unwrap();
        assert_eq!(exact::fixed(&by, 6), "0.001000");
    }

    #[test]
    fn problems_name_the_element() {
        let bad = ONE.replace("\"4.6000000000\", \"D2003\"", "\"4,6\", \"D2003\"");
        let e = parse("f.json", &bad, &model()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.json: element [0] (kode \"3510\", \"Kab. Banyuwangi\"): nilai.D2002 \"4,6\" is not a decimal number (write e.g. \"3.0840000000\")"
        );
        let e = parse("f.json", "[{\"kode\": 1}]", &model()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.json: element [0] (kode \"1\"): \"nama_instansi\" is missing or empty"
        );
        let e = parse("f.json", "[1, 2", &model()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("f.json:1:5: not a JSON array of institutions"),
            "{e}"
        );
    }
}
