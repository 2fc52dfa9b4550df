//! Planning the way to a target index. Pure: levers in, the cheapest roadmap out; no I/O.
//!
//! The index is `Σ levelᵢ × weightᵢ / total` with every weight a whole number of units
//! (hundredths of a percent in SPBE 2020), so raising indicator `i` one level adds exactly
//! `weightᵢ` units to the integer sum `Σ levelᵢ × weightᵢ`. A target index `T` becomes a whole
//! number of units to gain, `need = ⌈T × total⌉ − Σ levelᵢ × weightᵢ`, and planning is integer
//! arithmetic throughout.
//!
//! A roadmap is a number of one-level steps `tᵢ ∈ 0..=capᵢ − levelᵢ` per indicator; the steps of
//! one indicator are taken in order (2 → 3 before 3 → 4). Among the roadmaps that gain at least
//! `need` units, the chosen one is the least by this key, compared left to right:
//!
//! 1. the total effort (with unit effort: the number of steps);
//! 2. the number of steps;
//! 3. the index reached, higher first (more margin over the target);
//! 4. the sum of the levels the steps go to, lower first (two indicators 2 → 3 before one
//!    indicator 2 → 3 → 4: the low steps are the realistic ones);
//! 5. what is still tied: earlier indicators in model order are raised first (for the effort
//!    planner: the roadmap that raises the last indicators in model order the least).
//!
//! Every part of the key 1-4 is a sum over steps, so it is additive, and lexicographic order on
//! such vectors is compatible with addition; that is what makes the dynamic program exact.
//!
//! [`plan`] is the one entry point: `gap`, `opd` and `report` all plan through it.

use num_traits::ToPrimitive;

use crate::core::effort::Efforts;
use crate::core::exact::{self, Exact};
use crate::core::model::Model;
use crate::core::score::PredicateBasis;

/// One indicator as the planner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lever {
    /// Weight units gained per level step.
    pub weight: u64,
    /// The current (whole) level.
    pub level: u8,
    /// The highest level the plan may raise it to (equal to `level` when it may not move).
    pub cap: u8,
}

impl Lever {
    /// How many steps this indicator can still take.
    pub fn room(&self) -> u8 {
        self.cap.saturating_sub(self.level)
    }
}

/// One step of a roadmap: indicator `indicator` from `to − 1` to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub indicator: usize,
    pub from: u8,
    pub to: u8,
    /// Weight units gained (the indicator's weight).
    pub gain: u64,
    /// The effort of this step (1 with unit effort).
    pub effort: u64,
}

/// The comparison key of a roadmap (see the module comment): smaller is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub effort: u64,
    pub steps: u64,
    /// Minus the units gained, so that a higher index compares smaller.
    pub neg_gain: i64,
    pub level_sum: u64,
}

impl Key {
    const ZERO: Key = Key {
        effort: 0,
        steps: 0,
        neg_gain: 0,
        level_sum: 0,
    };

    fn plus(self, other: Key) -> Key {
        Key {
            effort: self.effort.saturating_add(other.effort),
            steps: self.steps + other.steps,
            neg_gain: self.neg_gain + other.neg_gain,
            level_sum: self.level_sum + other.level_sum,
        }
    }

    /// The key of a list of steps.
    pub fn of(steps: &[Step]) -> Key {
        steps.iter().fold(Key::ZERO, |k, s| {
            k.plus(Key {
                effort: s.effort,
                steps: 1,
                neg_gain: -(s.gain as i64),
                level_sum: s.to as u64,
            })
        })
    }
}

/// The outcome of planning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Roadmap {
    /// Nothing to do: the current levels already reach the target.
    AlreadyMet,
    /// The cheapest steps, in the order to take them.
    Reach(Vec<Step>),
    /// Even every allowed step falls short; `best_gain` is what raising every lever to its cap
    /// gains.
    Unreachable { best_gain: u64 },
}

/// The units every allowed step together would gain.
pub fn max_gain(levers: &[Lever]) -> u64 {
    levers.iter().map(|l| l.weight * l.room() as u64).sum()
}

/// The cheapest roadmap with unit effort per step: the fewest steps.
///
/// Why the greedy choice is minimal: every step of indicator `i` gains the same `weightᵢ`, so the
/// steps on offer are a multiset of gains, and any `k` steps gain at most the sum of the `k`
/// largest gains on offer. Taking the steps in order of gain (largest first) therefore reaches
/// `need` with the smallest possible `k`: if the first `k` steps of that order fall short, every
/// set of `k` steps does. Taking one indicator's steps in level order is always allowed because
/// its steps have equal gains and the order puts the lower level first. Among the `k`-step sets,
/// the top-`k` gains also maximize the index reached (key part 3); within equal gains the order
/// takes lower target levels first (part 4), then model order (part 5).
pub fn fewest_steps(levers: &[Lever], need: i64) -> Roadmap {
    if need <= 0 {
        return Roadmap::AlreadyMet;
    }
    if (max_gain(levers) as i64) < need {
        return Roadmap::Unreachable {
            best_gain: max_gain(levers),
        };
    }
    let mut offer: Vec<Step> = levers
        .iter()
        .enumerate()
        .flat_map(|(i, l)| {
            (l.level + 1..=l.cap).map(move |to| Step {
                indicator: i,
                from: to - 1,
                to,
                gain: l.weight,
                effort: 1,
            })
        })
        .collect();
    offer.sort_by(|a, b| {
        b.gain
            .cmp(&a.gain)
            .then(a.to.cmp(&b.to))
            .then(a.indicator.cmp(&b.indicator))
    });
    let mut steps = Vec::new();
    let mut gained = 0i64;
    for s in offer {
        if gained >= need {
            break;
        }
        gained += s.gain as i64;
        steps.push(s);
    }
    Roadmap::Reach(order(steps))
}

/// The roadmap of least total effort, where `effort(i, to)` is the effort of raising indicator
/// `i` to level `to` (one step).
///
/// Exact dynamic program (a group knapsack): indicators are taken in model order; `best[g]` is
/// the least key over the choices made so far that gain exactly `g` units, except that every
/// gain of `need` or more lands in `best[need]` (any surplus is as good for feasibility; the
/// surplus still counts in the key's gain part, which is carried in the key itself). For indicator `i` every count of
/// steps `t ∈ 0..=roomᵢ` is tried: `best'[min(need, g + t·weightᵢ)] = min(best[g] + key(i, t))`.
/// Because the key is additive and compared lexicographically, the least key for a state is
/// built from least keys of the earlier states (optimal substructure), so `best[need]` after the
/// last indicator is the least key of every feasible roadmap. States count in units of the
/// weights' gcd; for SPBE 2020 (gcd 5) at most 8 001 states × 47 indicators × 5 levels, and the
/// way back is kept as one (steps, previous state) pair per state and indicator.
pub fn least_effort(levers: &[Lever], need: i64, effort: impl Fn(usize, u8) -> u64) -> Roadmap {
    if need <= 0 {
        return Roadmap::AlreadyMet;
    }
    if (max_gain(levers) as i64) < need {
        return Roadmap::Unreachable {
            best_gain: max_gain(levers),
        };
    }
    // Every gain is a multiple of the movable weights' gcd (5 units in SPBE 2020), so states
    // count in gcd units: reaching `need` is the same as reaching ⌈need / gcd⌉ of them.
    let unit = gain_unit(levers);
    let need = (need as u64).div_ceil(unit) as usize;
    let mut best: Vec<Option<Key>> = vec![None; need + 1];
    best[0] = Some(Key::ZERO);
    // back[i][g] = (steps taken on indicator i, state before it) on the best way to state g.
    let mut back: Vec<Vec<(u8, u32)>> = Vec::with_capacity(levers.len());
    for (i, l) in levers.iter().enumerate() {
        // The key of taking t steps on this indicator, t = 0..=room.
        let mut keys = vec![Key::ZERO];
        for to in l.level + 1..=l.cap {
            let prev = *keys.last().expect("non-empty");
            keys.push(prev.plus(Key {
                effort: effort(i, to),
                steps: 1,
                neg_gain: -(l.weight as i64),
                level_sum: to as u64,
            }));
        }
        let mut next: Vec<Option<Key>> = vec![None; need + 1];
        let mut came = vec![(0u8, 0u32); need + 1];
        for (g, k) in best.iter().enumerate() {
            let Some(k) = *k else { continue };
            for (t, kt) in keys.iter().enumerate() {
                let to = (g + t * (l.weight / unit) as usize).min(need);
                let cand = k.plus(*kt);
                // Strictly better only: the first way found (fewer steps here) keeps a tie.
                if next[to].is_none_or(|cur| cand < cur) {
                    next[to] = Some(cand);
                    came[to] = (t as u8, g as u32);
                }
            }
        }
        best = next;
        back.push(came);
    }
    let mut counts = vec![0u8; levers.len()];
    let mut state = need;
    for i in (0..levers.len()).rev() {
        let (t, before) = back[i][state];
        counts[i] = t;
        state = before as usize;
    }
    debug_assert_eq!(state, 0);
    Roadmap::Reach(order(steps_of(levers, &counts, &effort)))
}

/// The one-level steps that raise lever `i` by `counts[i]` levels from its level, lever by lever.
fn steps_of(levers: &[Lever], counts: &[u8], effort: &dyn Fn(usize, u8) -> u64) -> Vec<Step> {
    levers
        .iter()
        .enumerate()
        .flat_map(|(i, l)| {
            (l.level + 1..=l.level + counts[i]).map(move |to| Step {
                indicator: i,
                from: to - 1,
                to,
                gain: l.weight,
                effort: effort(i, to),
            })
        })
        .collect()
}

/// The gcd of the weights that can still move (1 when none can).
fn gain_unit(levers: &[Lever]) -> u64 {
    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    levers
        .iter()
        .filter(|l| l.room() > 0)
        .fold(0, |g, l| gcd(g, l.weight))
        .max(1)
}

/// The size of the table [`least_effort`] fills for `need` units: states × indicators. A caller
/// can refuse a model whose weights are so fine that this would not fit in memory.
pub fn effort_table_size(levers: &[Lever], need: i64) -> u64 {
    let states = (need.max(0) as u64).div_ceil(gain_unit(levers)) + 1;
    states.saturating_mul(levers.len() as u64)
}

/// The order to present steps in: biggest gain first, then the lower level, then model order.
/// A set of steps closed under "the steps below it on the same indicator" stays valid in this
/// order, since one indicator's steps share a gain and go up one level at a time.
fn order(mut steps: Vec<Step>) -> Vec<Step> {
    steps.sort_by(|a, b| {
        b.gain
            .cmp(&a.gain)
            .then(a.to.cmp(&b.to))
            .then(a.indicator.cmp(&b.indicator))
    });
    steps
}

// ---- The one planner every command uses (gap, opd, report) ------------------------------------

/// What the plan may touch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    /// No step above this level; `None`: the model's highest level.
    pub max_level: Option<u8>,
    /// Indicators (model positions) never raised.
    pub exclude: Vec<usize>,
    /// When not empty, only these indicators (model positions) are raised.
    pub only: Vec<usize>,
}

/// A plan to a target: the levers as constrained, where the index stands in weight units, what
/// is needed, and the roadmap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub levers: Vec<Lever>,
    /// Σ level × weight now, in weight units.
    pub current_units: i64,
    /// Weight units still needed (≤ 0: met).
    pub need: i64,
    /// The highest level any step may reach.
    pub max_level: u8,
    pub roadmap: Roadmap,
}

impl Plan {
    /// Σ level × weight with every lever at its cap.
    pub fn best_units(&self) -> i64 {
        self.current_units + max_gain(&self.levers) as i64
    }

    /// The steps of the roadmap (none when met or unreachable).
    pub fn steps(&self) -> &[Step] {
        match &self.roadmap {
            Roadmap::Reach(steps) => steps,
            Roadmap::AlreadyMet | Roadmap::Unreachable { .. } => &[],
        }
    }
}

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("--max-level {level}: the model {model} has levels {min} to {max}")]
    MaxLevel {
        level: u8,
        model: String,
        min: u8,
        max: u8,
    },
    #[error(
        "--effort: the weights of the model {0} are too fine for an exact effort plan this far from the target; plan without --effort (fewest steps) or with --only"
    )]
    EffortTooFine(String),
    #[error("the target is out of range")]
    TargetRange,
}

/// The exact index that meets `target` on the predicate basis: on the exact basis the target
/// itself; on the rounded basis (the ministry read the rounded index in 2023) the lowest exact
/// index that rounds half up to the target, target − ½ × 10^−decimals.
pub fn exact_threshold(model: &Model, target: &Exact, basis: PredicateBasis) -> Exact {
    match basis {
        PredicateBasis::Exact => target.clone(),
        PredicateBasis::Rounded => {
            let half = exact::ratio(1, 2 * 10i64.pow(model.decimals));
            (target - half).max(exact::int(0))
        }
    }
}

/// Reads a target: an index (`3`, `3.5`, or with a decimal comma `3,5`) or a predicate name
/// (`Baik` → its lower bound), within the model's level range. The message names the flag.
pub fn parse_target(model: &Model, flag: &str, text: &str) -> Result<Exact, String> {
    if let Some(p) = model.predicate_named(text) {
        return Ok(p.min.clone());
    }
    let t = text.trim();
    let value = exact::parse_decimal(t)
        .or_else(|| {
            if t.matches(',').count() == 1 {
                exact::parse_decimal(&t.replace(',', "."))
            } else {
                None
            }
        })
        .ok_or_else(|| {
            format!(
                "{flag} {text:?} is neither a number nor a predicate; write an index such as 3.5 or one of: {}",
                model
                    .predicates
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
    let (lo, hi) = (model.min_level, model.max_level);
    if value < exact::int(lo as i64) || value > exact::int(hi as i64) {
        return Err(format!(
            "{flag} {text} is outside the index range {lo}..{hi} of the model {}; choose a target between {lo} and {hi}",
            model.id
        ));
    }
    Ok(value)
}

/// The cheapest roadmap from whole `levels` to `target` (read on `basis`) under `limits`: the
/// fewest steps, or with `efforts` the least total effort ([`fewest_steps`], [`least_effort`]).
pub fn plan(
    model: &Model,
    levels: &[u8],
    target: &Exact,
    basis: PredicateBasis,
    limits: &Limits,
    efforts: Option<&Efforts>,
) -> Result<Plan, PlanError> {
    let max_level = match limits.max_level {
        Some(n) if !model.levels().contains(&n) => {
            return Err(PlanError::MaxLevel {
                level: n,
                model: model.id.clone(),
                min: model.min_level,
                max: model.max_level,
            });
        }
        Some(n) => n,
        None => model.max_level,
    };
    let levers: Vec<Lever> = model
        .indicators
        .iter()
        .zip(levels)
        .enumerate()
        .map(|(i, (ind, &level))| {
            let movable = !limits.exclude.contains(&i)
                && (limits.only.is_empty() || limits.only.contains(&i));
            Lever {
                weight: ind.weight,
                level,
                cap: if movable { max_level.max(level) } else { level },
            }
        })
        .collect();
    let current_units: i64 = levers
        .iter()
        .map(|l| l.weight as i64 * l.level as i64)
        .sum();
    let threshold = exact_threshold(model, target, basis);
    let need = (threshold * exact::int(model.total_units() as i64))
        .ceil()
        .to_integer()
        .to_i64()
        .ok_or(PlanError::TargetRange)?
        - current_units;
    let roadmap = match efforts {
        None => fewest_steps(&levers, need),
        Some(e) => {
            // The effort planner keeps 8 bytes per state and indicator.
            const MAX_TABLE: u64 = 32 << 20;
            if effort_table_size(&levers, need) > MAX_TABLE {
                return Err(PlanError::EffortTooFine(model.id.clone()));
            }
            least_effort(&levers, need, |i, to| e.cost(i, to))
        }
    };
    Ok(Plan {
        levers,
        current_units,
        need,
        max_level,
        roadmap,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lever(weight: u64, level: u8, cap: u8) -> Lever {
        Lever { weight, level, cap }
    }

    /// Every count vector, the least key among those that reach `need`.
    fn brute(levers: &[Lever], need: i64, effort: &dyn Fn(usize, u8) -> u64) -> Option<Key> {
        let mut best: Option<Key> = None;
        let mut counts = vec![0u8; levers.len()];
        loop {
            let steps = steps_of(levers, &counts, effort);
            let gain: u64 = steps.iter().map(|s| s.gain).sum();
            if gain as i64 >= need {
                let k = Key::of(&steps);
                if best.is_none_or(|b| k < b) {
                    best = Some(k);
                }
            }
            // Next count vector (odometer).
            let mut i = 0;
            loop {
                if i == levers.len() {
                    return best;
                }
                if counts[i] < levers[i].room() {
                    counts[i] += 1;
                    break;
                }
                counts[i] = 0;
                i += 1;
            }
        }
    }

    /// The steps are a valid roadmap: each indicator's steps start at its level, go up one at a
    /// time, stay under the cap, and carry the indicator's weight and effort.
    fn assert_valid(levers: &[Lever], steps: &[Step], effort: &dyn Fn(usize, u8) -> u64) {
        let mut at: Vec<u8> = levers.iter().map(|l| l.level).collect();
        for s in steps {
            assert_eq!(s.from, at[s.indicator], "{steps:?}");
            assert_eq!(s.to, s.from + 1);
            assert!(s.to <= levers[s.indicator].cap);
            assert_eq!(s.gain, levers[s.indicator].weight);
            assert_eq!(s.effort, effort(s.indicator, s.to));
            at[s.indicator] = s.to;
        }
    }

    fn check(
        levers: &[Lever],
        need: i64,
        effort: &dyn Fn(usize, u8) -> u64,
        got: &Roadmap,
    ) -> Option<Key> {
        let want = brute(levers, need, effort);
        match got {
            Roadmap::AlreadyMet => {
                assert!(need <= 0);
                None
            }
            Roadmap::Unreachable { best_gain } => {
                assert_eq!(want, None, "brute force found a way");
                assert_eq!(*best_gain, max_gain(levers));
                None
            }
            Roadmap::Reach(steps) => {
                assert_valid(levers, steps, effort);
                let gain: u64 = steps.iter().map(|s| s.gain).sum();
                assert!(gain as i64 >= need);
                assert_eq!(Some(Key::of(steps)), want, "{steps:?}");
                want
            }
        }
    }

    fn levers_strategy() -> impl Strategy<Value = Vec<Lever>> {
        prop::collection::vec(
            (
                prop::sample::select(vec![1u64, 2, 3, 5, 130, 150, 250, 275, 300]),
                1u8..=5,
                0u8..=4,
            )
                .prop_map(|(w, level, up)| lever(w, level, (level + up).min(5))),
            1..=5,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn fewest_steps_matches_brute_force(levers in levers_strategy(), frac in 0u64..=110) {
            let need = (max_gain(&levers) * frac / 100) as i64;
            let unit = |_: usize, _: u8| 1u64;
            let got = fewest_steps(&levers, need);
            let key = check(&levers, need, &unit, &got);
            // The dynamic program with unit effort agrees on the key.
            let dp = least_effort(&levers, need, unit);
            prop_assert_eq!(check(&levers, need, &unit, &dp), key);
        }

        #[test]
        fn least_effort_matches_brute_force(
            levers in levers_strategy(),
            frac in 0u64..=110,
            costs in prop::collection::vec(0u64..=9, 5 * 6),
        ) {
            let need = (max_gain(&levers) * frac / 100) as i64;
            let effort = |i: usize, to: u8| costs[i * 6 + to as usize];
            let got = least_effort(&levers, need, effort);
            check(&levers, need, &effort, &got);
        }
    }

    #[test]
    fn already_met_and_unreachable() {
        let l = [lever(250, 2, 5), lever(130, 3, 3)];
        assert_eq!(fewest_steps(&l, 0), Roadmap::AlreadyMet);
        assert_eq!(least_effort(&l, -5, |_, _| 1), Roadmap::AlreadyMet);
        assert_eq!(
            fewest_steps(&l, 751),
            Roadmap::Unreachable { best_gain: 750 }
        );
        assert_eq!(
            least_effort(&l, 751, |_, _| 1),
            Roadmap::Unreachable { best_gain: 750 }
        );
    }

    #[test]
    fn greedy_takes_the_biggest_lever_and_low_levels_first() {
        // Two equal levers at level 2 and a small one; two steps are needed. 2 → 3 on both
        // (levels 3 + 3) beats 2 → 3 → 4 on one (3 + 4); the small lever is not needed.
        let l = [lever(250, 2, 5), lever(250, 2, 5), lever(130, 1, 5)];
        let Roadmap::Reach(steps) = fewest_steps(&l, 500) else {
            panic!("reachable")
        };
        let got: Vec<(usize, u8)> = steps.iter().map(|s| (s.indicator, s.to)).collect();
        assert_eq!(got, [(0, 3), (1, 3)]);
        // With the second lever already at 3, ties on gain and level go to model order.
        let l = [lever(250, 2, 5), lever(250, 3, 5)];
        let Roadmap::Reach(steps) = fewest_steps(&l, 500) else {
            panic!("reachable")
        };
        let got: Vec<(usize, u8)> = steps.iter().map(|s| (s.indicator, s.to)).collect();
        assert_eq!(got, [(0, 3), (0, 4)]);
    }

    #[test]
    fn effort_steers_away_from_expensive_levels() {
        // Steps to level 5 cost 10, others 1: two cheap small steps beat one dear big one.
        let l = [lever(300, 4, 5), lever(150, 2, 5)];
        let effort = |_: usize, to: u8| if to == 5 { 10 } else { 1 };
        let Roadmap::Reach(steps) = least_effort(&l, 300, effort) else {
            panic!("reachable")
        };
        let got: Vec<(usize, u8)> = steps.iter().map(|s| (s.indicator, s.to)).collect();
        assert_eq!(got, [(1, 3), (1, 4)]);
        assert_eq!(Key::of(&steps).effort, 2);
    }
}
