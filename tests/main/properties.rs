//! Properties of the scoring core over random levels: the index stays within the level range,
//! never falls when one level rises, and the exact index equals the integer sum / 10000 that the
//! regulation's weights in hundredths of a percent give.

use proptest::prelude::*;
use spbe::core::consolidate::{Combine, Tally, one};
use spbe::core::exact::{self, Exact};
use spbe::core::model::Model;
use spbe::core::score::score;

fn model() -> &'static Model {
    static M: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
    M.get_or_init(|| Model::load("spbe-2020").unwrap())
}

fn levels() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(1u8..=5, 47)
}

fn as_exact(levels: &[u8]) -> Vec<Exact> {
    levels.iter().map(|&l| exact::int(l as i64)).collect()
}

proptest! {
    #[test]
    fn the_index_stays_within_the_level_range(levels in levels()) {
        let s = score(model(), &as_exact(&levels));
        prop_assert!(s.index >= exact::int(1) && s.index <= exact::int(5));
        for d in s.domains.iter().chain(&s.aspects) {
            prop_assert!(*d >= exact::int(1) && *d <= exact::int(5));
        }
    }

    #[test]
    fn raising_one_level_never_lowers_the_index(levels in levels(), which in 0usize..47) {
        prop_assume!(levels[which] < 5);
        let before = score(model(), &as_exact(&levels)).index;
        let mut raised = levels.clone();
        raised[which] += 1;
        let after = score(model(), &as_exact(&raised)).index;
        prop_assert!(after > before);
    }

    #[test]
    fn the_index_is_the_integer_weight_sum_over_10000(levels in levels()) {
        let weights: Vec<i64> = (0..47).map(|i| match i {
            0..=9 => 130, 10..=19 => 250, 20..=30 => 150, 31..=40 => 275, _ => 300,
        }).collect();
        let sum: i64 = levels.iter().zip(&weights).map(|(&l, w)| l as i64 * w).sum();
        let s = score(model(), &as_exact(&levels));
        prop_assert_eq!(s.index, exact::ratio(sum, 10000));
    }

    #[test]
    fn combine_policies_are_ordered(answers in proptest::collection::vec(proptest::collection::vec(1u8..=5, 0..6), 47)) {
        let idx = |c| {
            let lv: Vec<Exact> = answers
                .iter()
                .map(|a| {
                    let t = Tally::of(a.iter().map(|&l| l as u16));
                    one(model(), &t, &t, c).level
                })
                .collect();
            score(model(), &lv).index
        };
        let (min, median, mean, max) = (idx(Combine::Min), idx(Combine::Median), idx(Combine::Mean), idx(Combine::Max));
        prop_assert!(min <= median && median <= max);
        prop_assert!(min <= mean && mean <= max);
    }
}
