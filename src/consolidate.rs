//! Consolidation: many OPD answers per indicator in, one level per indicator out. Pure.
//!
//! The criteria are cumulative and written over all OPD ("level 3 = in all OPD"), so the default
//! is the level every answering OPD has reached: the minimum.

use crate::exact::{self, Exact};
use crate::model::Model;

/// How several OPD answers for one indicator become the institution's level.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Combine {
    /// The level every answering OPD has reached (the default).
    #[default]
    Min,
    /// The highest level any OPD claims.
    Max,
    /// The middle answer; with an even count, the lower of the two middle ones.
    Median,
    /// The exact average: an estimate, since the ministry scores whole levels.
    Mean,
}

impl Combine {
    pub fn as_str(self) -> &'static str {
        match self {
            Combine::Min => "min",
            Combine::Max => "max",
            Combine::Median => "median",
            Combine::Mean => "mean",
        }
    }
}

/// One indicator after consolidation.
#[derive(Debug, Clone, PartialEq)]
pub struct Consolidated {
    /// The institution's level (a whole number except under `mean`).
    pub level: Exact,
    /// True when nobody answered and the level is the model's lowest.
    pub filled: bool,
    pub min: Option<u8>,
    pub max: Option<u8>,
}

/// Consolidates the levels answered for each indicator (`answers[i]` = the OPD levels for
/// indicator `i`, in any order).
pub fn consolidate(model: &Model, answers: &[Vec<u8>], combine: Combine) -> Vec<Consolidated> {
    answers
        .iter()
        .map(|levels| {
            if levels.is_empty() {
                return Consolidated {
                    level: exact::int(model.min_level as i64),
                    filled: true,
                    min: None,
                    max: None,
                };
            }
            let min = *levels.iter().min().expect("non-empty");
            let max = *levels.iter().max().expect("non-empty");
            let level = match combine {
                Combine::Min => exact::int(min as i64),
                Combine::Max => exact::int(max as i64),
                Combine::Median => {
                    let mut sorted = levels.clone();
                    sorted.sort_unstable();
                    exact::int(sorted[(sorted.len() - 1) / 2] as i64)
                }
                Combine::Mean => {
                    let sum: i64 = levels.iter().map(|&l| l as i64).sum();
                    exact::ratio(sum, levels.len() as i64)
                }
            };
            Consolidated {
                level,
                filled: false,
                min: Some(min),
                max: Some(max),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::{int, ratio};

    fn levels_of(combine: Combine, answers: Vec<u8>) -> Exact {
        let m = Model::load("spbe-2020").unwrap();
        let mut all = vec![Vec::new(); m.indicators.len()];
        all[0] = answers;
        consolidate(&m, &all, combine)[0].level.clone()
    }

    #[test]
    fn every_policy() {
        let a = vec![4, 2, 3, 5];
        assert_eq!(levels_of(Combine::Min, a.clone()), int(2));
        assert_eq!(levels_of(Combine::Max, a.clone()), int(5));
        assert_eq!(levels_of(Combine::Median, a.clone()), int(3)); // lower middle of 2,3,4,5
        assert_eq!(levels_of(Combine::Median, vec![1, 4, 2]), int(2));
        assert_eq!(levels_of(Combine::Mean, a), ratio(7, 2));
        assert_eq!(levels_of(Combine::Mean, vec![1, 1, 2]), ratio(4, 3));
    }

    #[test]
    fn unanswered_is_filled_at_the_lowest_level() {
        let m = Model::load("spbe-2020").unwrap();
        let mut all = vec![Vec::new(); m.indicators.len()];
        all[1] = vec![3, 4];
        let c = consolidate(&m, &all, Combine::Max);
        assert!(c[0].filled);
        assert_eq!(c[0].level, int(1));
        assert_eq!((c[0].min, c[0].max), (None, None));
        assert!(!c[1].filled);
        assert_eq!((c[1].min, c[1].max), (Some(3), Some(4)));
    }
}
