//! Consolidation: many OPD answers per indicator in, one level per indicator out. Pure.
//!
//! The criteria are cumulative and written over all OPD ("level 3 = in all OPD"), so the default
//! is the level every answering OPD has reached: the minimum.

use num_bigint::BigInt;

use crate::core::exact::{self, Exact};
use crate::core::model::Model;
use crate::core::value::Value;

/// How several OPD answers for one indicator become the institution's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
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
    /// The owner's answer from the responsibility map (`--owners FILE`); where the owner did not
    /// answer, the `--fallback` policy (default min).
    // The pure rule is `by_owner`.
    Owner,
}

impl Combine {
    pub fn as_str(self) -> &'static str {
        match self {
            Combine::Min => "min",
            Combine::Max => "max",
            Combine::Median => "median",
            Combine::Mean => "mean",
            Combine::Owner => "owner",
        }
    }
}

/// One indicator after consolidation.
#[derive(Debug, Clone, PartialEq)]
pub struct Consolidated {
    /// The institution's value in levels, exact: a whole level for a model of whole levels
    /// (except under `mean`), a decimal such as 1.26 for a model of decimal values.
    pub level: Exact,
    /// True when nobody answered and the level is the model's lowest.
    pub filled: bool,
    /// The lowest and highest answer, in the model's value units.
    pub min: Option<u16>,
    pub max: Option<u16>,
}

/// How many answers gave each value (in the model's units: levels, or hundredths of a level):
/// enough for the minimum, the maximum, the median and the exact mean, with no list of values
/// to collect or sort.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tally {
    /// `counts[v]`: the answers with value `v`; as long as the largest value seen.
    counts: Vec<u64>,
    n: u64,
}

impl Tally {
    pub fn of(values: impl IntoIterator<Item = u16>) -> Tally {
        let mut t = Tally::default();
        for v in values {
            t.add(v);
        }
        t
    }

    pub fn add(&mut self, value: u16) {
        let v = value as usize;
        if v >= self.counts.len() {
            self.counts.resize(v + 1, 0);
        }
        self.counts[v] += 1;
        self.n += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    pub fn min(&self) -> Option<u16> {
        self.counts.iter().position(|&c| c > 0).map(|v| v as u16)
    }

    pub fn max(&self) -> Option<u16> {
        self.counts.iter().rposition(|&c| c > 0).map(|v| v as u16)
    }

    /// The middle value; with an even count, the lower of the two middle ones.
    pub fn median(&self) -> Option<u16> {
        let k = self.n.checked_sub(1)? / 2;
        let mut seen = 0u64;
        self.counts
            .iter()
            .position(|&c| {
                seen += c;
                seen > k
            })
            .map(|v| v as u16)
    }

    /// The exact mean, in units; `None` when empty.
    pub fn mean(&self) -> Option<Exact> {
        if self.n == 0 {
            return None;
        }
        let sum: u64 = self
            .counts
            .iter()
            .enumerate()
            .map(|(v, &c)| v as u64 * c)
            .sum();
        Some(Exact::new(BigInt::from(sum), BigInt::from(self.n)))
    }
}

/// `--combine owner` for one indicator, from the tallies of its owners' answers and of every
/// answer: the owners' answer (several owners' answers combined with `fallback`); where no owner
/// answered, every answer combined with `fallback`. The flag is true where that fallback decided
/// (someone answered, but no owner). `min`/`max` always span every answer, so a disagreement
/// stays visible.
pub fn by_owner(
    model: &Model,
    owners: &Tally,
    all: &Tally,
    fallback: Combine,
) -> (Consolidated, bool) {
    if owners.is_empty() {
        (one(model, all, all, fallback), !all.is_empty())
    } else {
        (one(model, owners, all, fallback), false)
    }
}

/// Combines the `values` with `combine`; `all` gives the spread. Exact on decimal values too:
/// the median is one of the values, the mean a fraction of units.
pub fn one(model: &Model, values: &Tally, all: &Tally, combine: Combine) -> Consolidated {
    let (Some(lo), Some(hi)) = (values.min(), values.max()) else {
        return Consolidated {
            level: exact::int(model.min_level as i64),
            filled: true,
            min: None,
            max: None,
        };
    };
    let level = match combine {
        Combine::Min | Combine::Owner => model.value_exact(lo),
        Combine::Max => model.value_exact(hi),
        Combine::Median => model.value_exact(values.median().expect("non-empty")),
        Combine::Mean => {
            values.mean().expect("non-empty") / exact::int(Value::unit(model.level_decimals) as i64)
        }
    };
    Consolidated {
        level,
        filled: false,
        min: all.min(),
        max: all.max(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exact::{int, ratio};

    fn consolidate(m: &Model, levels: &[u8], combine: Combine) -> Consolidated {
        let t = Tally::of(levels.iter().map(|&l| l as u16));
        one(m, &t, &t, combine)
    }

    fn levels_of(combine: Combine, answers: Vec<u8>) -> Exact {
        let m = Model::load("spbe-2020").unwrap();
        consolidate(&m, &answers, combine).level
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
        let c = [
            consolidate(&m, &[], Combine::Max),
            consolidate(&m, &[3, 4], Combine::Max),
        ];
        assert!(c[0].filled);
        assert_eq!(c[0].level, int(1));
        assert_eq!((c[0].min, c[0].max), (None, None));
        assert!(!c[1].filled);
        assert_eq!((c[1].min, c[1].max), (Some(3), Some(4)));
    }

    #[test]
    fn owner_answer_wins_and_fallback_decides_where_the_owner_is_silent() {
        let m = Model::load("spbe-2020").unwrap();
        let owned = |owners: Vec<u8>, all: Vec<u8>| (owners, all);
        let consolidate_by_owner = |m: &Model, answers: &[(Vec<u8>, Vec<u8>)], fallback| {
            answers
                .iter()
                .map(|(owners, all)| {
                    let tally = |v: &Vec<u8>| Tally::of(v.iter().map(|&l| l as u16));
                    let (o, a) = (tally(owners), tally(all));
                    by_owner(m, &o, &a, fallback)
                })
                .collect::<Vec<_>>()
        };
        let answers = vec![
            owned(vec![4], vec![2, 4, 3]), // the owner said 4: taken, though others said less
            owned(vec![], vec![2, 5]),     // no owner answered: the fallback decides
            owned(vec![3, 5], vec![3, 5, 1]), // two owners: combined with the fallback
            owned(vec![], vec![]),         // nobody answered: filled, not a fallback
        ];
        let with_min = consolidate_by_owner(&m, &answers, Combine::Min);
        let levels: Vec<Exact> = with_min.iter().map(|(c, _)| c.level.clone()).collect();
        assert_eq!(levels, [int(4), int(2), int(3), int(1)]);
        let fell_back: Vec<bool> = with_min.iter().map(|(_, f)| *f).collect();
        assert_eq!(fell_back, [false, true, false, false]);
        assert_eq!((with_min[0].0.min, with_min[0].0.max), (Some(2), Some(4)));
        assert!(with_min[3].0.filled);

        let with_max = consolidate_by_owner(&m, &answers, Combine::Max);
        let levels: Vec<Exact> = with_max.iter().map(|(c, _)| c.level.clone()).collect();
        assert_eq!(levels, [int(4), int(5), int(5), int(1)]);
        let with_mean = consolidate_by_owner(&m, &answers, Combine::Mean);
        assert_eq!(with_mean[1].0.level, ratio(7, 2));
    }

    proptest::proptest! {
        /// The tally gives what sorting the levels gave: lower middle, exact mean, extremes.
        #[test]
        fn the_tally_agrees_with_sorting(levels in proptest::collection::vec(0u16..=700, 0..60)) {
            let t = Tally::of(levels.iter().copied());
            let mut sorted = levels.clone();
            sorted.sort_unstable();
            proptest::prop_assert_eq!(t.min(), sorted.first().copied());
            proptest::prop_assert_eq!(t.max(), sorted.last().copied());
            let median = (!sorted.is_empty()).then(|| sorted[(sorted.len() - 1) / 2]);
            proptest::prop_assert_eq!(t.median(), median);
            let sum: i64 = levels.iter().map(|&l| l as i64).sum();
            let mean = (!levels.is_empty()).then(|| ratio(sum, levels.len() as i64));
            proptest::prop_assert_eq!(t.mean(), mean);
        }
    }

    #[test]
    fn every_policy_is_exact_on_decimal_values() {
        // Pemdi values in hundredths: 1.26, 2.50, 1.17, 3.00.
        let m = Model::load("pemdi-2026").unwrap();
        let t = Tally::of([126, 250, 117, 300]);
        let level = |c| one(&m, &t, &t, c).level;
        assert_eq!(level(Combine::Min), ratio(117, 100));
        assert_eq!(level(Combine::Max), int(3));
        assert_eq!(level(Combine::Median), ratio(126, 100)); // the lower middle value
        assert_eq!(level(Combine::Mean), ratio(793, 400)); // 7.93 / 4 = 1.9825
        let c = one(&m, &t, &t, Combine::Min);
        assert_eq!((c.min, c.max), (Some(117), Some(300)));
    }

    #[test]
    fn owner_without_owners_is_min() {
        assert_eq!(levels_of(Combine::Owner, vec![4, 2, 3]), int(2));
    }
}
