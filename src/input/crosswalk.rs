//! Mapping files for `spbe crosswalk`: per target indicator, which source indicators feed it and
//! how they combine. YAML:
//!
//! ```yaml
//! status: example            # say what the mapping is; `example` is shown as such everywhere
//! from: spbe-2020            # optional: checked against --model
//! to: pemdi-2026             # optional: checked against --to
//! note: ...                  # optional
//! indicators:
//!   - {to: "1.1", from: [11, 12], combine: mean, note: "Arsitektur + Peta Rencana"}
//! ```
//!
//! Every problem is reported at once with its place (`indicators[3].from[1]`).

use std::path::Path;

use serde::Deserialize;

use crate::core::crosswalk::{How, Map, Mapping};
use crate::core::model::Model;
use crate::input::model::read_capped;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMap {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    note: Option<String>,
    indicators: Vec<RawRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    to: serde_yaml::Value,
    from: Vec<serde_yaml::Value>,
    combine: How,
    #[serde(default)]
    note: Option<String>,
}

fn scalar(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// Reads and checks a mapping file against the source and target models.
pub fn load(path: &Path, source: &Model, target: &Model) -> anyhow::Result<Map> {
    let shown = path.display().to_string();
    let bytes = read_capped(path, 4 << 20)
        .map_err(|e| anyhow::anyhow!("the mapping {shown}: cannot read: {e}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("the mapping {shown}: not UTF-8 text; save it as UTF-8"))?;
    parse(&text, &shown, source, target)
}

/// Parses and checks a mapping's YAML text; `origin` names it in messages.
pub fn parse(text: &str, origin: &str, source: &Model, target: &Model) -> anyhow::Result<Map> {
    // The model's guard: deep [ ] or { } nesting makes the YAML parser take minutes.
    if let Err((line, message)) = crate::input::model::yaml_guard(text, "a mapping") {
        anyhow::bail!("the mapping {origin}:{line}: {message}");
    }
    let raw: RawMap = serde_yaml::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(":{}", l.line()))
            .unwrap_or_default();
        anyhow::anyhow!("the mapping {origin}{at}: {e}")
    })?;
    let mut problems = Vec::new();
    for (key, want, model) in [("from", &raw.from, source), ("to", &raw.to, target)] {
        if let Some(id) = want {
            if id.trim() != model.id {
                problems.push(format!(
                    "{key}: the mapping is for {id}, but the {} model is {}",
                    if key == "from" { "source" } else { "target" },
                    model.id
                ));
            }
        }
    }
    if raw.indicators.is_empty() {
        problems.push("indicators: the list is empty".into());
    }
    let mut rows: Vec<Mapping> = Vec::new();
    for (k, r) in raw.indicators.iter().enumerate() {
        let to = scalar(&r.to);
        let target_i = target.find_indicator(&to);
        match target_i {
            None => problems.push(format!(
                "indicators[{k}].to: the model {} has no indicator {to:?}",
                target.id
            )),
            Some(t) => {
                if let Some(first) = rows.iter().position(|m| m.target == t) {
                    problems.push(format!(
                        "indicators[{k}].to: indicator {} is mapped already at indicators[{first}]; map each once",
                        target.indicators[t].id
                    ));
                }
            }
        }
        if r.from.is_empty() {
            problems.push(format!(
                "indicators[{k}].from: name at least one {} indicator",
                source.id
            ));
        }
        let mut sources = Vec::new();
        for (j, f) in r.from.iter().enumerate() {
            let id = scalar(f);
            match source.find_indicator(&id) {
                Some(i) => sources.push(i),
                None => problems.push(format!(
                    "indicators[{k}].from[{j}]: the model {} has no indicator {id:?}",
                    source.id
                )),
            }
        }
        if let Some(t) = target_i {
            rows.push(Mapping {
                target: t,
                sources,
                how: r.combine,
                note: r.note.as_ref().map(|n| n.trim().to_string()),
            });
        }
    }
    if !problems.is_empty() {
        anyhow::bail!(
            "the mapping {origin} has {} problem{}:\n  {}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            problems
                .iter()
                .map(|p| format!("{origin}: {p}"))
                .collect::<Vec<_>>()
                .join("\n  ")
        );
    }
    Ok(Map {
        status: raw.status.unwrap_or_default().trim().to_string(),
        note: raw.note.map(|n| n.trim().to_string()),
        rows,
    })
}
