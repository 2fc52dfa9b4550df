//! Reading a result for `spbe diff` and `spbe trend`: either a JSON result written by
//! `spbe score --format json`, or answer sheets (a CSV file or a folder) scored on the spot.

use std::path::Path;

use anyhow::{Context, bail};

use crate::core::consolidate::Combine;
use crate::core::evaluate::{Policy, evaluate};
use crate::core::model::Model;
use crate::core::score::PredicateBasis;
use crate::core::scorecard::{SCHEMA_VERSION, Scorecard};
use crate::core::stage::Stage;
use crate::input::sheets::{self, ReadOptions};

/// How to read and score a side given as answer sheets.
#[derive(Debug, Clone)]
pub struct SheetOptions {
    pub model: String,
    pub combine: Combine,
    pub basis: PredicateBasis,
    pub stage: Option<Stage>,
    pub read: ReadOptions,
}

/// True when the path names a JSON result rather than answer sheets.
pub fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
}

/// Reads a JSON result, checking that it is one.
pub fn read_json(path: &Path) -> anyhow::Result<Scorecard> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut s)
            .context("cannot read stdin")?;
        s
    } else {
        let bytes = crate::input::model::read_capped(path, 1 << 30)
            .with_context(|| format!("cannot read {}", path.display()))?;
        String::from_utf8(bytes).map_err(|_| {
            anyhow::anyhow!("{}: not UTF-8 text, so not a JSON result", path.display())
        })?
    };
    // Parsed straight from the text, never through serde_json::Value: numbers must not pass
    // through f64 (a Value would turn 2.80 into 2.8 and could change long decimals).
    #[derive(serde::Deserialize)]
    struct Probe {
        schema_version: Option<u64>,
    }
    let probe: Probe = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not a JSON result; give a result written by `spbe score --format json`, or answer sheets",
            path.display()
        )
    })?;
    match probe.schema_version {
        Some(v) if v == SCHEMA_VERSION as u64 => {}
        Some(v) => bail!(
            "{}: schema_version {v} is not supported; this spbe reads results with schema_version {SCHEMA_VERSION}",
            path.display()
        ),
        None => bail!(
            "{}: this JSON has no schema_version; give a result written by `spbe score --format json`",
            path.display()
        ),
    }
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not a result of `spbe score --format json`",
            path.display()
        )
    })
}
/// Loads one side: a JSON result, or answer sheets scored with `opts`.
pub fn load(path: &Path, opts: &SheetOptions) -> anyhow::Result<Scorecard> {
    if is_json(path) {
        return read_json(path);
    }
    let model = Model::load(&opts.model)?;
    let set = sheets::load_with(&model, &[path.to_path_buf()], &opts.read)?;
    let policy = Policy {
        combine: opts.combine,
        basis: opts.basis,
        stage: opts.stage,
        ..Policy::default()
    };
    Ok(Scorecard::of(&evaluate(&model, &set, policy)?))
}
