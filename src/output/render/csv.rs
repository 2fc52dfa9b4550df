//! CSV: one row per indicator, for spreadsheets and scripts. Text that came from answer sheets is
//! neutralized against formula injection; a file (not stdout) starts with a UTF-8 BOM so that
//! Excel reads it as UTF-8.

use crate::core::value::Value;
use std::io::Write;

use crate::core::scorecard::Scorecard;
use crate::output::destination::neutralize;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A plain grid as CSV.
pub fn grid(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    bom: bool,
) -> anyhow::Result<()> {
    if bom {
        out.write_all(BOM)?;
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header)?;
    for r in rows {
        w.write_record(r.iter().map(|c| neutralize(c).into_owned()))?;
    }
    w.flush()?;
    Ok(())
}

/// The scorecard's indicators as CSV.
pub fn scorecard(out: &mut dyn Write, card: &Scorecard, bom: bool) -> anyhow::Result<()> {
    let mut header = vec![
        "id",
        "code",
        "name",
        "aspect",
        "domain",
        "weight",
        "level",
        "level_name",
        "contribution",
        "filled",
        "min",
        "max",
        "opds",
    ];
    let staged = card.indicators.iter().any(|i| i.stage.is_some());
    if staged {
        header.push("stage");
    }
    let with_owners = card.indicators.iter().any(|i| i.owners.is_some());
    if with_owners {
        header.extend(["owners", "contributors"]);
    }
    let domain_of = |aspect: &str| {
        card.aspects
            .iter()
            .find(|a| a.id == aspect)
            .and_then(|a| a.domain.clone())
            .unwrap_or_default()
    };
    let opt = |v: Option<Value>| v.map(|x| x.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = card
        .indicators
        .iter()
        .map(|i| {
            let mut row = vec![
                i.id.clone(),
                i.code.clone().unwrap_or_default(),
                i.name.clone(),
                i.aspect.clone(),
                domain_of(&i.aspect),
                i.weight.to_string(),
                i.level.to_string(),
                i.level_name.clone().unwrap_or_default(),
                i.contribution.to_string(),
                i.filled.to_string(),
                opt(i.min),
                opt(i.max),
                i.answers
                    .iter()
                    .map(|a| format!("{}={}", a.opd, a.level))
                    .collect::<Vec<_>>()
                    .join("; "),
            ];
            if staged {
                row.push(i.stage.map(|s| s.to_string()).unwrap_or_default());
            }
            if with_owners {
                row.push(i.owners.clone().unwrap_or_default().join("; "));
                row.push(i.contributors.clone().unwrap_or_default().join("; "));
            }
            row
        })
        .collect();
    grid(out, &header, &rows, bom)
}
