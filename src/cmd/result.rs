//! Reading a result for `spbe diff` and `spbe trend`: either a JSON result written by
//! `spbe score --format json`, or answer sheets (a CSV file or a folder) scored on the spot.

use std::path::Path;

use crate::core::consolidate::Combine;
use crate::core::evaluate::{Policy, evaluate};
use crate::core::model::Model;
use crate::core::score::PredicateBasis;
use crate::core::scorecard::Scorecard;
use crate::core::stage::Stage;
use crate::input::sheets;

/// How to score a side given as answer sheets.
#[derive(Debug, Clone)]
pub struct SheetOptions {
    pub model: String,
    pub combine: Combine,
    pub basis: PredicateBasis,
    pub stage: Option<Stage>,
}

/// True when the path names a JSON result rather than answer sheets.
pub fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
}

/// Reads a JSON result, checking that it is one (see [`crate::input::result`]).
pub fn read_json(path: &Path) -> anyhow::Result<Scorecard> {
    crate::input::result::read(path)
}

/// Loads one side: a JSON result, or answer sheets scored with `opts`.
pub fn load(path: &Path, opts: &SheetOptions) -> anyhow::Result<Scorecard> {
    if is_json(path) {
        return read_json(path);
    }
    let model = Model::load(&opts.model)?;
    let set = sheets::load(&model, &[path.to_path_buf()])?;
    let policy = Policy {
        combine: opts.combine,
        basis: opts.basis,
        stage: opts.stage,
        ..Policy::default()
    };
    Ok(Scorecard::of(&evaluate(&model, &set, policy)?))
}
