//! Planning the way to a target index, or to a path of yearly targets. Pure: levers in, the
//! cheapest roadmap out; no I/O.
//!
//! ## Units
//!
//! The index is `Σ valueᵢ × weightᵢ / total` with every weight a whole number of units
//! (hundredths of a percent in SPBE 2020). A value is a whole level (SPBE 2020) or a decimal
//! (Pemdi 2026 gives 1.26); with at most `d` decimals among the values, values are counted in
//! `10⁻ᵈ` of a level (the *scale*: 100 for 1.26, 1 for whole levels), so `Σ valueᵢ × scale ×
//! weightᵢ` is an integer. A target `T` becomes a whole number of units to gain,
//! `need = ⌈T × total × scale⌉ − Σ valueᵢ × scale × weightᵢ`, and planning is integer arithmetic
//! throughout.
//!
//! ## Steps
//!
//! A step raises one indicator one level. From a whole level ℓ to ℓ + 1 it gains `weight ×
//! scale` units. From a value between levels (1.26) the first step goes to the next whole level
//! (2.00) and gains only what is missing (0.74 × weight × scale); the later steps are whole. The
//! steps of one indicator are taken in order (2 → 3 before 3 → 4), so a roadmap is a number of
//! steps `tᵢ ∈ 0..=capᵢ − ℓᵢ` per indicator. Among the roadmaps that reach the target, the
//! chosen one is the least by this key, compared left to right:
//!
//! 1. the total effort (with unit effort: the number of steps);
//! 2. the number of steps;
//! 3. the index reached, higher first (more margin over the target);
//! 4. the sum of the levels the steps go to, lower first (two indicators 2 → 3 before one
//!    indicator 2 → 3 → 4: the low steps are the realistic ones);
//! 5. what is still tied: earlier indicators in model order are raised first (the count vector
//!    `t` that is greatest in model order).
//!
//! Parts 1-4 are sums over steps, so the key is additive, and lexicographic order on such
//! vectors is compatible with addition (`a ≤ b ⇒ a + c ≤ b + c`): that is what makes the dynamic
//! program and the bounds of the search below exact.
//!
//! ## A path of yearly targets
//!
//! A path (`2027=3.0,2028=3.3,2029=3.5`) asks for a target at each of several yearly
//! evaluations, with at most `per_year` levels per indicator between two evaluations (the
//! regulation's levels are cumulative and level 5 needs the follow-up of a level-4 review a year
//! later, so one level a year is the credible pace). A plan says which steps to take before each
//! evaluation. The key is the key of all its steps together (an effort depends on the indicator
//! and the level reached, never on the year), so the cheapest path plan is found in two phases:
//!
//! - **which steps**: the counts `tᵢ` of least key such that a schedule meeting every year
//!   exists ([`cheapest_path`]);
//! - **when**: a schedule of those steps, year by year, each year taking the least work that
//!   meets its target and keeps the later targets reachable; the rest waits ([`schedule`]).
//!
//! [`plan`] is the one entry point: `gap`, `opd` and `report` all plan through it.

use std::collections::HashMap;

use num_traits::ToPrimitive;

use crate::core::effort::Efforts;
use crate::core::exact::{self, Exact};
use crate::core::model::Model;
use crate::core::score::PredicateBasis;

/// One indicator as the planner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lever {
    /// Units a whole-level step gains: the weight × the value scale.
    pub step: u64,
    /// Units the first step gains: `step` from a whole level, less from a value between levels
    /// (1.26 → 2.00 gains 0.74 of a step).
    pub first: u64,
    /// The whole level at or below the current value (1 for 1.26).
    pub level: u8,
    /// The highest level the plan may raise it to (equal to `level` when it may not move).
    pub cap: u8,
}

impl Lever {
    /// A lever at a whole level: every step gains `weight`.
    pub fn whole(weight: u64, level: u8, cap: u8) -> Lever {
        Lever {
            step: weight,
            first: weight,
            level,
            cap,
        }
    }

    /// How many steps this indicator can still take.
    pub fn room(&self) -> u8 {
        self.cap.saturating_sub(self.level)
    }

    /// Units the `k`-th step (from 1) gains.
    pub fn gain(&self, k: u8) -> u64 {
        if k == 1 { self.first } else { self.step }
    }

    /// Units the first `t` steps gain together.
    pub fn gained(&self, t: u8) -> u64 {
        match t {
            0 => 0,
            t => self.first + (t as u64 - 1) * self.step,
        }
    }
}

/// One step of a roadmap: indicator `indicator` from `from` (its whole level, or the value
/// between `from` and `to` it starts from) to the whole level `to = from + 1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub indicator: usize,
    pub from: u8,
    pub to: u8,
    /// Units gained.
    pub gain: u64,
    /// The effort of this step (1 with unit effort).
    pub effort: u64,
    /// The evaluation it is taken before, in a path plan; `None` for a single target.
    pub year: Option<i32>,
}

/// The comparison key of a roadmap (see the module comment): smaller is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub effort: u64,
    pub steps: u32,
    /// Minus the units gained, so that a higher index compares smaller.
    pub neg_gain: i64,
    pub level_sum: u32,
}

impl Key {
    pub const ZERO: Key = Key {
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

    /// The key of one step.
    fn step(to: u8, gain: u64, effort: u64) -> Key {
        Key {
            effort,
            steps: 1,
            neg_gain: -(gain as i64),
            level_sum: to as u32,
        }
    }

    /// The key of a list of steps.
    pub fn of(steps: &[Step]) -> Key {
        steps
            .iter()
            .fold(Key::ZERO, |k, s| k.plus(Key::step(s.to, s.gain, s.effort)))
    }
}

/// The effort of raising indicator `i` to level `to` (one step).
type Effort<'a> = &'a dyn Fn(usize, u8) -> u64;

/// The key of steps `from_count + 1 ..= to_count` of lever `i`.
fn key_between(l: &Lever, i: usize, from_count: u8, to_count: u8, effort: Effort) -> Key {
    (from_count + 1..=to_count).fold(Key::ZERO, |k, n| {
        let to = l.level + n;
        k.plus(Key::step(to, l.gain(n), effort(i, to)))
    })
}

/// The outcome of planning to one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Roadmap {
    /// Nothing to do: the current values already reach the target.
    AlreadyMet,
    /// The cheapest steps, in the order to take them.
    Reach(Vec<Step>),
    /// Even every allowed step falls short; `best_gain` is what raising every lever to its cap
    /// gains.
    Unreachable { best_gain: u64 },
}

/// The units every allowed step together would gain.
pub fn max_gain(levers: &[Lever]) -> u64 {
    levers.iter().map(|l| l.gained(l.room())).sum()
}

/// True when every lever that can move stands on a whole level (every step gains the same).
fn whole(levers: &[Lever]) -> bool {
    levers.iter().all(|l| l.room() == 0 || l.first == l.step)
}

/// The cheapest roadmap with unit effort per step from whole levels: the fewest steps.
///
/// Why the greedy choice is minimal: every step of indicator `i` gains the same `stepᵢ`, so the
/// steps on offer are a multiset of gains, and any `k` steps gain at most the sum of the `k`
/// largest gains on offer. Taking the steps in order of gain (largest first) therefore reaches
/// `need` with the smallest possible `k`: if the first `k` steps of that order fall short, every
/// set of `k` steps does. Taking one indicator's steps in level order is always allowed because
/// its steps have equal gains and the order puts the lower level first. Among the `k`-step sets,
/// the top-`k` gains also maximize the index reached (key part 3); within equal gains the order
/// takes lower target levels first (part 4), then model order (part 5).
///
/// From a value between levels this fails: the first step gains less than the later ones, so
/// the best `k` steps need not be the `k` largest gains on offer (a lever at 1.9 of weight 10
/// offers 1, 10, 10; reaching 12 takes three of its steps, or two of a whole lever of weight 6).
/// [`plan`] then uses the exact search ([`cover`]) instead; this function must not be called.
pub fn fewest_steps(levers: &[Lever], need: i64) -> Roadmap {
    debug_assert!(whole(levers), "fewest_steps needs whole levels");
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
                gain: l.step,
                effort: 1,
                year: None,
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
    Roadmap::Reach(order(levers, steps))
}

/// The roadmap of least key to one target (any effort, any starting values): the exact search
/// [`cover`] with one constraint, whose bound is then the exact dynamic program.
pub fn least_effort(levers: &[Lever], need: i64, effort: Effort) -> Result<Roadmap, PlanError> {
    if need <= 0 {
        return Ok(Roadmap::AlreadyMet);
    }
    if (max_gain(levers) as i64) < need {
        return Ok(Roadmap::Unreachable {
            best_gain: max_gain(levers),
        });
    }
    let choices: Vec<Vec<Choice>> = levers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (0..=l.room())
                .rev()
                .map(|t| Choice {
                    count: t,
                    adds: vec![l.gained(t)],
                    key: key_between(l, i, 0, t, effort),
                })
                .collect()
        })
        .collect();
    let picks = cover(&choices, &[need])?.expect("reachable: every step together reaches need");
    let counts: Vec<u8> = picks
        .iter()
        .zip(&choices)
        .map(|(&p, c)| c[p].count)
        .collect();
    Ok(Roadmap::Reach(order(
        levers,
        steps_between(levers, &vec![0; levers.len()], &counts, effort),
    )))
}

/// The steps that raise lever `i` from `from[i]` to `to[i]` steps above its level.
fn steps_between(levers: &[Lever], from: &[u8], to: &[u8], effort: Effort) -> Vec<Step> {
    levers
        .iter()
        .enumerate()
        .flat_map(|(i, l)| {
            (from[i] + 1..=to[i]).map(move |n| Step {
                indicator: i,
                from: l.level + n - 1,
                to: l.level + n,
                gain: l.gain(n),
                effort: effort(i, l.level + n),
                year: None,
            })
        })
        .collect()
}

/// The order to present steps in: heaviest indicator first (its whole-level gain), then the
/// lower level, then model order. One indicator's steps keep their level order (they share the
/// first part and go up one level at a time), so a set of steps closed under "the steps below it
/// on the same indicator" stays valid in this order.
fn order(levers: &[Lever], mut steps: Vec<Step>) -> Vec<Step> {
    steps.sort_by(|a, b| {
        levers[b.indicator]
            .step
            .cmp(&levers[a.indicator].step)
            .then(a.to.cmp(&b.to))
            .then(a.indicator.cmp(&b.indicator))
    });
    steps
}

// ---- The exact search --------------------------------------------------------------------------

/// One way to move one indicator: `count` steps, what they add to each constraint, their key.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Choice {
    count: u8,
    adds: Vec<u64>,
    key: Key,
}

/// The most nodes [`cover`] visits before giving up (about three seconds). The example city's
/// paths take milliseconds; random 47-indicator paths of up to five years with random efforts
/// took at most about 3.2 million nodes.
const MAX_NODES: u64 = 6_000_000;

/// The most entries the bound tables of [`cover`] may hold (24 bytes each).
const MAX_TABLE: u64 = 4 << 20;

/// The least-key pick of one choice per indicator such that every constraint `j` is met,
/// `Σᵢ adds[j] ≥ needs[j]`; among equal keys, the one whose counts are greatest in model order.
/// Returns the index of the picked choice per indicator, or `None` when no pick meets every
/// constraint. `choices[i]` must be ordered by count, highest first.
///
/// Why it is exact. It is a depth-first branch and bound over the indicators in model order,
/// trying each indicator's choices highest count first, so complete picks are visited in
/// decreasing lexicographic order of their counts. The *incumbent* is the best pick found so
/// far; a pick replaces it only when its key is strictly smaller, so among equal keys the first
/// visited, the lexicographically greatest, stays (key part 5). A node (the choices of the first
/// `i` indicators, key `k`, gains `g`) is cut when no completion can beat the incumbent:
///
/// - **bound**: for each constraint `j` alone, `hⱼ(i, gⱼ)` is the least key of choices for
///   indicators `i..` that lift `gⱼ` to `needs[j]` (a dynamic program over the indicators,
///   computed once per constraint; states count in units of the gcd of that constraint's adds,
///   and every gain at or over the need lands in the last state, which is as good for
///   feasibility). A completion meeting every constraint meets constraint `j`, so its key is at
///   least `hⱼ`, and by compatibility with addition the whole pick's key is at least
///   `k + maxⱼ hⱼ(i, gⱼ)`. No `hⱼ` at all means no completion meets `j`. The same holds for a
///   sum of constraints (a pick meeting each meets their sum): the tables of every two
///   consecutive constraints and of all of them are bounds too, and they see how the years pull
///   together. When the bound is above the incumbent's key, or equal to it while every
///   completion comes later in the visiting order (loses the tie), the node is cut. Nothing
///   better is lost.
/// - **seen states**: two nodes at the same depth with the same gains (capped at the needs) have
///   the same completions. When a node's state was visited before with a key no larger, the
///   earlier node's completions are at least as good and come first in the visiting order; they
///   were either found or cut because they could not beat an incumbent at least as bad as
///   today's. So the later node is cut too.
///
/// Before the search, the optimum of each table alone (following its dynamic program) becomes the
/// incumbent if it meets every constraint, which makes the common case (one constraint binds)
/// a straight dive; otherwise a first dive, least bound first, supplies one. Where the
/// incumbent comes from does not matter for exactness, only for speed. With one constraint the
/// bound is exact.
///
/// Constraints another one implies (a need no larger with adds no smaller for every choice) are
/// dropped first; with one level a year and four levels to go, a path has at most four distinct
/// constraints. The search gives up with [`PlanError::TooHard`] after [`MAX_NODES`] nodes, and
/// refuses bound tables over [`MAX_TABLE`] entries with [`PlanError::TooFine`].
fn cover(choices: &[Vec<Choice>], needs: &[i64]) -> Result<Option<Vec<usize>>, PlanError> {
    let n = choices.len();
    // The constraints that still bind, with the gcd of their adds.
    let mut cons: Vec<usize> = (0..needs.len()).filter(|&j| needs[j] > 0).collect();
    let implies = |a: usize, b: usize| {
        // Meeting `a` guarantees meeting `b`.
        needs[a] >= needs[b]
            && choices
                .iter()
                .all(|cs| cs.iter().all(|c| c.adds[a] <= c.adds[b]))
    };
    let mut kept: Vec<usize> = Vec::new();
    for (x, &a) in cons.iter().enumerate() {
        let dropped = cons
            .iter()
            .enumerate()
            .any(|(y, &b)| y != x && implies(b, a) && (!implies(a, b) || y < x));
        if !dropped {
            kept.push(a);
        }
    }
    cons = kept;
    if cons.is_empty() {
        // Nothing to meet: each indicator takes its least choice (ties: the highest count).
        return Ok(Some(
            choices
                .iter()
                .map(|cs| (0..cs.len()).min_by_key(|&c| cs[c].key).expect("a choice"))
                .collect(),
        ));
    }
    // One table per constraint, then the surrogates: the sum of every two consecutive
    // constraints and of all of them (a pick that meets each constraint meets their sum, so a
    // sum's table is a bound too, and it sees how the constraints pull together).
    let mut rows: Vec<Vec<u64>> = cons
        .iter()
        .map(|&j| (0..needs.len()).map(|k| u64::from(k == j)).collect())
        .collect();
    if cons.len() > 1 {
        for w in cons.windows(2) {
            rows.push(
                (0..needs.len())
                    .map(|k| u64::from(w.contains(&k)))
                    .collect(),
            );
        }
        if cons.len() > 2 {
            rows.push(
                (0..needs.len())
                    .map(|k| u64::from(cons.contains(&k)))
                    .collect(),
            );
        }
    }
    let mut tables = Vec::with_capacity(rows.len());
    let mut size = 0u64;
    for row in &rows {
        let table = match Bound::new(choices, needs, row, MAX_TABLE - size) {
            Some(t) => t,
            // A surrogate too big is only a weaker bound; a constraint too big is a refusal.
            None if tables.len() >= cons.len() => continue,
            None => return Err(PlanError::TooFine),
        };
        size += table.table.len() as u64;
        tables.push(table);
    }
    if tables.iter().any(|t| t.at(0, 0).is_none()) {
        return Ok(None);
    }
    let mut search = Search {
        choices,
        tables: &tables,
        primary: cons.len(),
        best: None,
        seen: HashMap::new(),
        counts: Vec::with_capacity(n),
        picks: Vec::with_capacity(n),
        nodes: 0,
    };
    // Start from the relaxations' own optima, when one of them meets every constraint; else
    // from a first dive.
    for t in &tables {
        let picks = t.follow(choices);
        let mut states: Vec<usize> = vec![0; tables.len()];
        let mut key = Key::ZERO;
        for (i, &p) in picks.iter().enumerate() {
            key = key.plus(choices[i][p].key);
            for (s, u) in states.iter_mut().zip(&tables) {
                *s = u.advance(*s, i, p);
            }
        }
        if states.iter().zip(&tables).all(|(&s, u)| s == u.states) {
            let counts: Vec<u8> = picks
                .iter()
                .zip(choices)
                .map(|(&p, c)| c[p].count)
                .collect();
            search.offer(key, counts, picks);
        }
    }
    let start = vec![0usize; tables.len()];
    if search.best.is_none() {
        search.dive(0, &start, Key::ZERO, &mut DIVE_NODES.clone());
    }
    search.visit(0, &start, Key::ZERO)?;
    Ok(search.best.map(|(_, _, picks)| picks))
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The dynamic program of one constraint alone, or of a sum of constraints (`row` weighs each
/// constraint): `at(i, s)` is the least key of choices for indicators `i..` that lift state `s`
/// (the gain counted in units of the gcd of the adds, capped at the need) to the need.
struct Bound {
    /// Per indicator and choice, the states the choice moves.
    moves: Vec<Vec<usize>>,
    /// The state that meets the need: ⌈need / unit⌉.
    states: usize,
    /// `(n + 1) × (states + 1)` keys, row `i` for indicators `i..`; [`Bound::NONE`] where the
    /// need cannot be met.
    table: Vec<Key>,
}

impl Bound {
    const NONE: Key = Key {
        effort: u64::MAX,
        steps: u32::MAX,
        neg_gain: i64::MAX,
        level_sum: u32::MAX,
    };

    /// The table of `Σⱼ row[j] × adds[j] ≥ Σⱼ row[j] × needs[j]`; `None` when it would hold
    /// more than `room` entries.
    fn new(choices: &[Vec<Choice>], needs: &[i64], row: &[u64], room: u64) -> Option<Bound> {
        let n = choices.len();
        let add = |c: &Choice| -> u64 { c.adds.iter().zip(row).map(|(a, w)| a * w).sum() };
        let need: i64 = needs
            .iter()
            .zip(row)
            .map(|(&x, &w)| x.max(0) * w as i64)
            .sum();
        let unit = choices
            .iter()
            .flatten()
            .fold(0, |g, c| gcd(g, add(c)))
            .max(1);
        let states = (need as u64).div_ceil(unit);
        if (states + 1).saturating_mul(n as u64 + 1) > room {
            return None;
        }
        let states = states as usize;
        let moves: Vec<Vec<usize>> = choices
            .iter()
            .map(|cs| cs.iter().map(|c| (add(c) / unit) as usize).collect())
            .collect();
        let w = states + 1;
        let mut table = vec![Bound::NONE; (n + 1) * w];
        table[n * w + states] = Key::ZERO;
        for i in (0..n).rev() {
            for s in 0..w {
                let mut best = Bound::NONE;
                for (c, &m) in choices[i].iter().zip(&moves[i]) {
                    let next = table[(i + 1) * w + (s + m).min(states)];
                    if next != Bound::NONE {
                        best = best.min(c.key.plus(next));
                    }
                }
                table[i * w + s] = best;
            }
        }
        Some(Bound {
            moves,
            states,
            table,
        })
    }

    /// The state after choice `p` of indicator `i` from state `s`.
    fn advance(&self, s: usize, i: usize, p: usize) -> usize {
        (s + self.moves[i][p]).min(self.states)
    }

    fn at(&self, i: usize, s: usize) -> Option<Key> {
        let k = self.table[i * (self.states + 1) + s];
        (k != Bound::NONE).then_some(k)
    }

    /// The relaxation's own optimum: at each indicator the first choice (highest count) that
    /// keeps the least key.
    fn follow(&self, choices: &[Vec<Choice>]) -> Vec<usize> {
        let mut s = 0;
        let mut picks = Vec::with_capacity(choices.len());
        for (i, cs) in choices.iter().enumerate() {
            let want = self.at(i, s).expect("feasible");
            let p = (0..cs.len())
                .find(|&p| {
                    self.at(i + 1, self.advance(s, i, p))
                        .is_some_and(|k| cs[p].key.plus(k) == want)
                })
                .expect("the table's own choice");
            s = self.advance(s, i, p);
            picks.push(p);
        }
        picks
    }
}

/// The state of the branch and bound of [`cover`].
struct Search<'a> {
    choices: &'a [Vec<Choice>],
    tables: &'a [Bound],
    /// The first `primary` tables are the constraints themselves (the rest are surrogates):
    /// their states decide which completions meet every constraint.
    primary: usize,
    /// The incumbent: key, counts, picks.
    best: Option<(Key, Vec<u8>, Vec<usize>)>,
    /// The least key each (depth, states) was visited with.
    seen: HashMap<(usize, Vec<usize>), Key>,
    counts: Vec<u8>,
    picks: Vec<usize>,
    nodes: u64,
}

/// The most nodes the first dive of [`cover`] visits.
const DIVE_NODES: u64 = 100_000;

impl Search<'_> {
    /// The bound of a node: its key plus the most any single constraint still needs; `None`
    /// when some constraint can no longer be met.
    fn bound(&self, i: usize, states: &[usize], key: Key) -> Option<Key> {
        let mut bound = key;
        for (t, &s) in self.tables.iter().zip(states) {
            bound = bound.max(key.plus(t.at(i, s)?));
        }
        Some(bound)
    }

    /// A first incumbent: depth first, the child of least bound first, until the first
    /// complete pick (or `budget` nodes). Any pick found is a valid start; exactness comes
    /// from [`Search::visit`].
    fn dive(&mut self, i: usize, states: &[usize], key: Key, budget: &mut u64) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        if i == self.choices.len() {
            self.offer(key, self.counts.clone(), self.picks.clone());
            return true;
        }
        let mut kids: Vec<(Key, usize, Vec<usize>)> = Vec::new();
        for (p, c) in self.choices[i].iter().enumerate() {
            let next: Vec<usize> = states
                .iter()
                .zip(self.tables)
                .map(|(&s, t)| t.advance(s, i, p))
                .collect();
            let k = key.plus(c.key);
            if let Some(b) = self.bound(i + 1, &next, k) {
                kids.push((b, p, next));
            }
        }
        kids.sort_by_key(|(b, p, _)| (*b, *p));
        for (_, p, next) in kids {
            let c = &self.choices[i][p];
            self.counts.push(c.count);
            self.picks.push(p);
            let found = self.dive(i + 1, &next, key.plus(c.key), budget);
            self.counts.pop();
            self.picks.pop();
            if found {
                return true;
            }
        }
        false
    }

    /// True when a node whose completions have keys of at least `bound` and counts beginning
    /// with `prefix` may hold a pick better than the incumbent.
    fn may_beat(&self, bound: Key, prefix: &[u8]) -> bool {
        let Some((key, counts, _)) = &self.best else {
            return true;
        };
        match bound.cmp(key) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Greater => false,
            // Equal keys: only a pick greater in model order wins the tie.
            std::cmp::Ordering::Equal => match prefix.cmp(&counts[..prefix.len()]) {
                std::cmp::Ordering::Greater => true,
                std::cmp::Ordering::Less => false,
                std::cmp::Ordering::Equal => prefix.len() < counts.len(),
            },
        }
    }

    fn offer(&mut self, key: Key, counts: Vec<u8>, picks: Vec<usize>) {
        if self.may_beat(key, &counts) {
            self.best = Some((key, counts, picks));
        }
    }

    fn visit(&mut self, i: usize, states: &[usize], key: Key) -> Result<(), PlanError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(PlanError::TooHard);
        }
        let mut bound = key;
        for (t, &s) in self.tables.iter().zip(states) {
            match t.at(i, s) {
                Some(h) => bound = bound.max(key.plus(h)),
                None => return Ok(()),
            }
        }
        if !self.may_beat(bound, &self.counts) {
            return Ok(());
        }
        if i == self.choices.len() {
            // Every constraint is met (the bound exists) and the key is better.
            self.best = Some((key, self.counts.clone(), self.picks.clone()));
            return Ok(());
        }
        let state = (i, states[..self.primary].to_vec());
        match self.seen.get_mut(&state) {
            Some(k) if *k <= key => return Ok(()),
            Some(k) => *k = key,
            None => {
                self.seen.insert(state, key);
            }
        }
        let mut next = vec![0; states.len()];
        for (p, c) in self.choices[i].iter().enumerate() {
            for ((n, &s), t) in next.iter_mut().zip(states).zip(self.tables) {
                *n = t.advance(s, i, p);
            }
            self.counts.push(c.count);
            self.picks.push(p);
            self.visit(i + 1, &next, key.plus(c.key))?;
            self.counts.pop();
            self.picks.pop();
        }
        Ok(())
    }
}

// ---- Paths of yearly targets -------------------------------------------------------------------

/// The cheapest counts for a path: `needs[y]` units by the evaluation `y` (0-based, one a year;
/// `None`: no target that year), at most `per_year` steps per indicator per year.
///
/// Which counts can be scheduled: a schedule takes at most `per_year` steps of an indicator a
/// year, so by evaluation `y` at most `min(tᵢ, (y + 1) × per_year)` of its `tᵢ` steps are taken,
/// and taking every step as early as allowed reaches exactly that many for every year at once.
/// Gains grow with the steps taken, so counts `t` can be scheduled to meet every target if and
/// only if that earliest schedule meets them: `Σᵢ gainedᵢ(min(tᵢ, (y + 1) × per_year)) ≥
/// needs[y]` for every year. The key of `t` does not depend on the schedule. So the cheapest path
/// is the least-key `t` under one constraint per target year, which [`cover`] finds exactly; a
/// count above `years × per_year` can never be scheduled and is not offered.
pub fn cheapest_path(
    levers: &[Lever],
    needs: &[Option<i64>],
    per_year: u8,
    effort: Effort,
) -> Result<Option<Vec<u8>>, PlanError> {
    let years = needs.len();
    let targets: Vec<(usize, i64)> = needs
        .iter()
        .enumerate()
        .filter_map(|(y, n)| n.map(|n| (y, n)))
        .collect();
    let by = |y: usize| ((y + 1) * per_year as usize).min(u8::MAX as usize) as u8;
    let choices: Vec<Vec<Choice>> = levers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (0..=l.room().min(by(years - 1)))
                .rev()
                .map(|t| Choice {
                    count: t,
                    adds: targets
                        .iter()
                        .map(|&(y, _)| l.gained(t.min(by(y))))
                        .collect(),
                    key: key_between(l, i, 0, t, effort),
                })
                .collect()
        })
        .collect();
    let need: Vec<i64> = targets.iter().map(|&(_, n)| n).collect();
    Ok(cover(&choices, &need)?.map(|picks| {
        picks
            .iter()
            .zip(&choices)
            .map(|(&p, c)| c[p].count)
            .collect()
    }))
}

/// When to take the steps `counts` of a path plan: for each year, the number of each lever's
/// steps taken by that year's evaluation (cumulative; the last year has all of them).
///
/// Year by year, the year's steps are the least key (least effort, then fewest steps, then the
/// highest index, then the lowest levels, then earlier indicators first) such that the year's
/// target is met and, taking every remaining step as early as allowed, so are the later ones
/// (by the argument of [`cheapest_path`], that is exactly "the later targets stay reachable").
/// Each year is one [`cover`]. The first year always has a way (the earliest schedule, which
/// `cheapest_path` checked), and taking a year's least work keeps a way open for the next: so
/// every year is met, and no year does more than it must given the years before it.
pub fn schedule(
    levers: &[Lever],
    counts: &[u8],
    needs: &[Option<i64>],
    per_year: u8,
    effort: Effort,
) -> Result<Vec<Vec<u8>>, PlanError> {
    let years = needs.len();
    let p = per_year as usize;
    let mut done = vec![0u8; levers.len()];
    let mut out = Vec::with_capacity(years);
    for y in 0..years {
        if y + 1 == years {
            out.push(counts.to_vec());
            break;
        }
        // This year and the later target years: (evaluations after this one, need).
        let targets: Vec<(usize, i64)> = (y..years)
            .filter_map(|z| needs[z].map(|n| (z - y, n)))
            .collect();
        let choices: Vec<Vec<Choice>> = levers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let t = counts[i] as usize;
                let before = done[i] as usize;
                // At least what the remaining years cannot take; at most one year's pace.
                let lo = before.max(t.saturating_sub((years - 1 - y) * p));
                let hi = t.min(before + p);
                (lo..=hi)
                    .rev()
                    .map(|c| Choice {
                        count: c as u8,
                        adds: targets
                            .iter()
                            .map(|&(after, _)| l.gained(t.min(c + after * p) as u8))
                            .collect(),
                        key: key_between(l, i, before as u8, c as u8, effort),
                    })
                    .collect()
            })
            .collect();
        let need: Vec<i64> = targets.iter().map(|&(_, n)| n).collect();
        let picks = cover(&choices, &need)?.expect("the earliest schedule is a way");
        done = picks
            .iter()
            .zip(&choices)
            .map(|(&p, c)| c[p].count)
            .collect();
        out.push(done.clone());
    }
    Ok(out)
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

/// A target at one yearly evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub year: i32,
    pub target: Exact,
}

/// What to plan for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goal {
    /// One target, in as many steps as it takes.
    Target(Exact),
    /// Yearly targets (ascending years; a year between two listed ones is an evaluation without
    /// a target), at most `per_year` levels per indicator per year.
    Path {
        milestones: Vec<Milestone>,
        per_year: u8,
    },
}

/// One evaluation of a plan: its target and the steps to take before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanYear {
    /// The evaluation year; `None` for a single target.
    pub year: Option<i32>,
    /// `None`: a year of a path without a target of its own.
    pub target: Option<Exact>,
    /// Units still needed at this evaluation from the current index (≤ 0: met already).
    pub need: Option<i64>,
    /// The steps to take before this evaluation, in the order to show them.
    pub steps: Vec<Step>,
    /// Units gained with every allowed step taken by this evaluation.
    pub best_gain: u64,
}

/// A constraint that keeps a year's target out of reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// `per_year` levels per indicator per year.
    PerYear,
    /// The `max_level` limit.
    MaxLevel,
    /// Indicators excluded.
    Exclude,
    /// Only some indicators may move.
    Only,
    /// Nothing to lift: the target is above what the model's highest levels give.
    Top,
}

/// A limit that binds, and the units gained by then were it lifted (alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub limit: Limit,
    pub best_gain: u64,
}

/// How planning ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every target is met already; nothing to plan.
    Met,
    /// The steps reach every target.
    Reach,
    /// Year `year` (a position in [`Plan::years`]) cannot be reached under the limits; `binding`
    /// names the limits whose lifting would add points by then (or [`Limit::Top`]).
    Unreachable { year: usize, binding: Vec<Binding> },
}

/// A plan: the levers as constrained, where the index stands in units, and per evaluation the
/// steps to take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub levers: Vec<Lever>,
    /// The starting values, exact, model order.
    pub values: Vec<Exact>,
    /// Values are counted in 1/scale of a level.
    pub scale: u64,
    /// Units of the whole index: the model's total weight × scale (an index is units / total).
    pub total: i64,
    /// Σ value × weight × scale now.
    pub current_units: i64,
    /// The highest level any step may reach.
    pub max_level: u8,
    /// One entry for a single target; one per year (first to last) for a path.
    pub years: Vec<PlanYear>,
    pub outcome: Outcome,
}

impl Plan {
    /// Units with every lever at its cap.
    pub fn best_units(&self) -> i64 {
        self.current_units + max_gain(&self.levers) as i64
    }

    /// Units still needed for the (last) target (≤ 0: met).
    pub fn need(&self) -> i64 {
        self.years.iter().rev().find_map(|y| y.need).unwrap_or(0)
    }

    /// Every step of the plan, year by year (none when met or unreachable).
    pub fn steps(&self) -> Vec<Step> {
        self.years.iter().flat_map(|y| y.steps.clone()).collect()
    }

    /// The index (in units) after the steps of `years[..=y]`.
    pub fn units_after(&self, y: usize) -> i64 {
        self.current_units
            + self.years[..=y]
                .iter()
                .flat_map(|y| &y.steps)
                .map(|s| s.gain as i64)
                .sum::<i64>()
    }

    /// The value a step starts from: its whole `from` level, or for an indicator's first step
    /// the exact value between levels it stands at.
    pub fn from_value(&self, s: &Step) -> Exact {
        if s.from == self.levers[s.indicator].level {
            self.values[s.indicator].clone()
        } else {
            exact::int(s.from as i64)
        }
    }

    /// How many yearly evaluations the steps need at `per_year` levels per indicator per year.
    pub fn years_needed(&self, per_year: u8) -> u32 {
        let mut counts = vec![0u32; self.levers.len()];
        for s in self.years.iter().flat_map(|y| &y.steps) {
            counts[s.indicator] += 1;
        }
        counts
            .iter()
            .map(|&c| c.div_ceil(per_year.max(1) as u32))
            .max()
            .unwrap_or(0)
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
    #[error(
        "the weights or the values' decimals are too fine for an exact plan this far from the target; plan to a nearer target, or with --only"
    )]
    TooFine,
    #[error(
        "this path is too hard to plan exactly (too many equally good ways to compare); plan fewer years at once, or with --only or --exclude"
    )]
    TooHard,
    #[error(
        "indicator {0} has the value {1}, which is not a decimal with at most 6 digits; a plan starts from whole levels or decimals (use --combine min, max or median)"
    )]
    NotDecimal(String, String),
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

/// The most decimals a starting value may have.
const MAX_DECIMALS: u32 = 6;

/// The levers of `values` under `limits`: (levers, scale, Σ value × weight × scale).
fn levers_of(
    model: &Model,
    values: &[Exact],
    limits: &Limits,
    max_level: u8,
) -> Result<(Vec<Lever>, u64, i64), PlanError> {
    let mut digits = 0;
    for (ind, v) in model.indicators.iter().zip(values) {
        match exact::terminating_digits(v) {
            Some(d) if d <= MAX_DECIMALS => digits = digits.max(d),
            _ => {
                return Err(PlanError::NotDecimal(
                    ind.id.clone(),
                    exact::exact_text(v, 0).0,
                ));
            }
        }
    }
    let scale = 10u64.pow(digits);
    let mut current = 0i64;
    let levers = model
        .indicators
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (ind, v))| {
            let scaled = (v * exact::int(scale as i64))
                .to_integer()
                .to_u64()
                .unwrap_or(0);
            current += (scaled * ind.weight) as i64;
            let level = (scaled / scale).min(u8::MAX as u64) as u8;
            let part = scaled % scale;
            let movable = !limits.exclude.contains(&i)
                && (limits.only.is_empty() || limits.only.contains(&i));
            Lever {
                step: ind.weight * scale,
                first: ind.weight * (scale - part),
                level,
                cap: if movable { max_level.max(level) } else { level },
            }
        })
        .collect();
    Ok((levers, scale, current))
}

/// The cheapest plan from the exact `values` to `goal` (targets read on `basis`) under
/// `limits`: the fewest steps, or with `efforts` the least total effort.
///
/// A single target is planned by [`fewest_steps`] (whole levels, unit effort) or
/// [`least_effort`]; a path by [`cheapest_path`] and [`schedule`].
pub fn plan(
    model: &Model,
    values: &[Exact],
    goal: &Goal,
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
    let (levers, scale, current_units) = levers_of(model, values, limits, max_level)?;
    let total = (model.total_units() * scale) as i64;
    let need_of = |target: &Exact| -> Result<i64, PlanError> {
        let threshold = exact_threshold(model, target, basis);
        Ok((threshold * exact::int(total))
            .ceil()
            .to_integer()
            .to_i64()
            .ok_or(PlanError::TargetRange)?
            - current_units)
    };
    let unit_cost = |_: usize, _: u8| 1u64;
    let cost = |i: usize, to: u8| efforts.map_or(1, |e| e.cost(i, to));
    let effort: Effort = if efforts.is_some() { &cost } else { &unit_cost };
    let base = |levers, years, outcome| Plan {
        levers,
        values: values.to_vec(),
        scale,
        total,
        current_units,
        max_level,
        years,
        outcome,
    };

    let (milestones, per_year) = match goal {
        Goal::Target(target) => {
            let need = need_of(target)?;
            let roadmap = if efforts.is_none() && whole(&levers) {
                fewest_steps(&levers, need)
            } else {
                least_effort(&levers, need, effort).map_err(|e| match e {
                    PlanError::TooFine if efforts.is_some() => {
                        PlanError::EffortTooFine(model.id.clone())
                    }
                    e => e,
                })?
            };
            let best_gain = max_gain(&levers);
            let (steps, outcome) = match roadmap {
                Roadmap::AlreadyMet => (Vec::new(), Outcome::Met),
                Roadmap::Reach(steps) => (steps, Outcome::Reach),
                Roadmap::Unreachable { .. } => (
                    Vec::new(),
                    Outcome::Unreachable {
                        year: 0,
                        binding: binding(model, values, limits, max_level, None, best_gain)?,
                    },
                ),
            };
            let year = PlanYear {
                year: None,
                target: Some(target.clone()),
                need: Some(need),
                steps,
                best_gain,
            };
            return Ok(base(levers, vec![year], outcome));
        }
        Goal::Path {
            milestones,
            per_year,
        } => (milestones, (*per_year).max(1)),
    };

    // A path: one entry per calendar year from the first target's to the last one's.
    let first = milestones.first().map_or(0, |m| m.year);
    let last = milestones.last().map_or(first, |m| m.year);
    let mut years: Vec<PlanYear> = Vec::new();
    for (k, year) in (first..=last).enumerate() {
        let target = milestones
            .iter()
            .find(|m| m.year == year)
            .map(|m| m.target.clone());
        let need = target.as_ref().map(&need_of).transpose()?;
        let pace = ((k + 1) * per_year as usize).min(u8::MAX as usize) as u8;
        let best_gain = levers.iter().map(|l| l.gained(l.room().min(pace))).sum();
        years.push(PlanYear {
            year: Some(year),
            target,
            need,
            steps: Vec::new(),
            best_gain,
        });
    }
    let needs: Vec<Option<i64>> = years.iter().map(|y| y.need).collect();
    if needs.iter().flatten().all(|&n| n <= 0) {
        return Ok(base(levers, years, Outcome::Met));
    }
    if let Some(y) = years
        .iter()
        .position(|y| y.need.is_some_and(|n| n > y.best_gain as i64))
    {
        let b = binding(
            model,
            values,
            limits,
            max_level,
            Some((y, per_year)),
            years[y].best_gain,
        )?;
        return Ok(base(
            levers,
            years,
            Outcome::Unreachable {
                year: y,
                binding: b,
            },
        ));
    }
    let counts = cheapest_path(&levers, &needs, per_year, effort)?
        .expect("every year is reachable, so the earliest schedule of every step is a way");
    let by_year = schedule(&levers, &counts, &needs, per_year, effort)?;
    let mut before = vec![0u8; levers.len()];
    for (y, done) in by_year.iter().enumerate() {
        let mut steps = order(&levers, steps_between(&levers, &before, done, effort));
        for s in &mut steps {
            s.year = years[y].year;
        }
        years[y].steps = steps;
        before.clone_from(done);
    }
    Ok(base(levers, years, Outcome::Reach))
}

/// The limits that keep a target out of reach by a year: each one lifted alone, the units
/// gained by then; the ones that would add points bind. `path` is the year's position and the
/// pace (`None` for a single target); `best_gain` what the limits allow.
fn binding(
    model: &Model,
    values: &[Exact],
    limits: &Limits,
    max_level: u8,
    path: Option<(usize, u8)>,
    best_gain: u64,
) -> Result<Vec<Binding>, PlanError> {
    let gain = |levers: &[Lever], paced: bool| -> u64 {
        levers
            .iter()
            .map(|l| match path {
                Some((y, per_year)) if paced => {
                    let pace = ((y + 1) * per_year as usize).min(u8::MAX as usize) as u8;
                    l.gained(l.room().min(pace))
                }
                _ => l.gained(l.room()),
            })
            .sum()
    };
    let mut out = Vec::new();
    let mut lifted = |limit: Limit, limits: &Limits, max_level: u8, paced: bool| {
        let (levers, _, _) = levers_of(model, values, limits, max_level)?;
        let g = gain(&levers, paced);
        if g > best_gain {
            out.push(Binding {
                limit,
                best_gain: g,
            });
        }
        Ok::<(), PlanError>(())
    };
    if path.is_some() {
        lifted(Limit::PerYear, limits, max_level, false)?;
    }
    if max_level < model.max_level {
        lifted(Limit::MaxLevel, limits, model.max_level, true)?;
    }
    if !limits.exclude.is_empty() {
        let l = Limits {
            exclude: Vec::new(),
            ..limits.clone()
        };
        lifted(Limit::Exclude, &l, max_level, true)?;
    }
    if !limits.only.is_empty() {
        let l = Limits {
            only: Vec::new(),
            ..limits.clone()
        };
        lifted(Limit::Only, &l, max_level, true)?;
    }
    if out.is_empty() {
        out.push(Binding {
            limit: Limit::Top,
            best_gain,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lever(weight: u64, level: u8, cap: u8) -> Lever {
        Lever::whole(weight, level, cap)
    }

    /// A lever standing between levels: `hundredths` of a level above `level` (scale 100).
    fn between(weight: u64, level: u8, hundredths: u64, cap: u8) -> Lever {
        Lever {
            step: weight * 100,
            first: weight * (100 - hundredths),
            level,
            cap,
        }
    }

    /// The key of raising every lever `counts[i]` steps.
    fn key_of(levers: &[Lever], counts: &[u8], effort: Effort) -> Key {
        levers.iter().enumerate().fold(Key::ZERO, |k, (i, l)| {
            k.plus(key_between(l, i, 0, counts[i], effort))
        })
    }

    /// Every count vector with `counts[i] ≤ most[i]` that `ok` accepts: the least key, and among
    /// equal keys the counts greatest in model order.
    fn brute(
        levers: &[Lever],
        most: &[u8],
        ok: &dyn Fn(&[u8]) -> bool,
        effort: Effort,
    ) -> Option<(Key, Vec<u8>)> {
        let mut best: Option<(Key, Vec<u8>)> = None;
        let mut counts = vec![0u8; levers.len()];
        loop {
            if ok(&counts) {
                let k = key_of(levers, &counts, effort);
                if best
                    .as_ref()
                    .is_none_or(|(bk, bc)| k < *bk || (k == *bk && counts > *bc))
                {
                    best = Some((k, counts.clone()));
                }
            }
            // Next count vector (odometer).
            let mut i = 0;
            loop {
                if i == levers.len() {
                    return best;
                }
                if counts[i] < most[i] {
                    counts[i] += 1;
                    break;
                }
                counts[i] = 0;
                i += 1;
            }
        }
    }

    /// The steps are a valid roadmap: each indicator's steps start at its level, go up one at a
    /// time, stay under the cap, and carry the right gain and effort. Returns the counts.
    fn assert_valid(levers: &[Lever], steps: &[Step], effort: Effort) -> Vec<u8> {
        let mut n: Vec<u8> = vec![0; levers.len()];
        for s in steps {
            let l = &levers[s.indicator];
            n[s.indicator] += 1;
            assert_eq!(s.from, l.level + n[s.indicator] - 1, "{steps:?}");
            assert_eq!(s.to, s.from + 1);
            assert!(s.to <= l.cap);
            assert_eq!(s.gain, l.gain(n[s.indicator]));
            assert_eq!(s.effort, effort(s.indicator, s.to));
        }
        n
    }

    /// Checks a one-target roadmap against brute force; `ties` also checks part 5 of the key.
    fn check(levers: &[Lever], need: i64, effort: Effort, got: &Roadmap, ties: bool) {
        let most: Vec<u8> = levers.iter().map(Lever::room).collect();
        let ok =
            |c: &[u8]| levers.iter().zip(c).map(|(l, &t)| l.gained(t)).sum::<u64>() as i64 >= need;
        let want = brute(levers, &most, &ok, effort);
        match got {
            Roadmap::AlreadyMet => assert!(need <= 0),
            Roadmap::Unreachable { best_gain } => {
                assert_eq!(want, None, "brute force found a way");
                assert_eq!(*best_gain, max_gain(levers));
            }
            Roadmap::Reach(steps) => {
                let counts = assert_valid(levers, steps, effort);
                assert!(ok(&counts));
                let (key, best) = want.expect("brute force finds a way too");
                assert_eq!(Key::of(steps), key, "{steps:?}");
                if ties {
                    assert_eq!(counts, best, "{steps:?}");
                }
            }
        }
    }

    const WEIGHTS: [u64; 9] = [1, 2, 3, 5, 130, 150, 250, 275, 300];

    fn whole_levers() -> impl Strategy<Value = Vec<Lever>> {
        prop::collection::vec(
            (prop::sample::select(WEIGHTS.to_vec()), 1u8..=5, 0u8..=4)
                .prop_map(|(w, level, up)| lever(w, level, (level + up).min(5))),
            1..=5,
        )
    }

    /// Levers of which some start between two levels (0.01 to 0.99 above a whole level).
    fn decimal_levers() -> impl Strategy<Value = Vec<Lever>> {
        prop::collection::vec(
            (
                prop::sample::select(WEIGHTS.to_vec()),
                1u8..=4,
                prop::sample::select(vec![0u64, 0, 1, 17, 26, 50, 74, 99]),
                0u8..=4,
            )
                .prop_map(|(w, level, part, up)| between(w, level, part, (level + up).min(5))),
            1..=4,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn fewest_steps_matches_brute_force(levers in whole_levers(), frac in 0u64..=110) {
            let need = (max_gain(&levers) * frac / 100) as i64;
            let unit = |_: usize, _: u8| 1u64;
            check(&levers, need, &unit, &fewest_steps(&levers, need), true);
            // The exact search with unit effort agrees, to the tie.
            check(&levers, need, &unit, &least_effort(&levers, need, &unit).unwrap(), true);
        }

        #[test]
        fn least_effort_matches_brute_force(
            levers in whole_levers(),
            frac in 0u64..=110,
            costs in prop::collection::vec(0u64..=9, 5 * 6),
        ) {
            let need = (max_gain(&levers) * frac / 100) as i64;
            let effort = |i: usize, to: u8| costs[i * 6 + to as usize];
            check(&levers, need, &effort, &least_effort(&levers, need, &effort).unwrap(), true);
        }

        /// From decimal values (1.26 → 2.00 gains 0.74 of a step) the fewest steps and the least
        /// effort are still exact.
        #[test]
        fn decimal_starts_match_brute_force(
            levers in decimal_levers(),
            frac in 0u64..=110,
            costs in prop::collection::vec(0u64..=9, 4 * 6),
            priced in any::<bool>(),
        ) {
            let need = (max_gain(&levers) * frac / 100) as i64;
            let unit = |_: usize, _: u8| 1u64;
            let priced_effort = |i: usize, to: u8| costs[i * 6 + to as usize];
            let effort: Effort = if priced { &priced_effort } else { &unit };
            check(&levers, need, effort, &least_effort(&levers, need, effort).unwrap(), true);
        }

        /// A path: the counts are the least key that can be scheduled (brute force over every
        /// count vector, feasibility by the earliest schedule), to the tie; the schedule is
        /// valid, meets every target, and its first year is the least work that keeps the
        /// later targets reachable (brute force over every first year).
        #[test]
        fn path_matches_brute_force(
            levers in prop_oneof![whole_levers(), decimal_levers()],
            fracs in prop::collection::vec(prop::option::weighted(0.8, 0u64..=110), 1..=3),
            per_year in 1u8..=2,
            costs in prop::collection::vec(0u64..=9, 5 * 6),
            priced in any::<bool>(),
        ) {
            let unit = |_: usize, _: u8| 1u64;
            let priced_effort = |i: usize, to: u8| costs[i * 6 + to as usize];
            let effort: Effort = if priced { &priced_effort } else { &unit };
            let p = per_year as usize;
            let by = |t: u8, y: usize| t.min(((y + 1) * p) as u8);
            let reach = |y: usize| -> u64 {
                levers.iter().map(|l| l.gained(by(l.room(), y))).sum()
            };
            // Targets as a share of what is reachable by then (over 100 %: out of reach).
            let needs: Vec<Option<i64>> = fracs
                .iter()
                .enumerate()
                .map(|(y, f)| f.map(|f| (reach(y) * f / 100) as i64))
                .collect();
            let years = needs.len();
            let gains_by = |c: &[u8], y: usize| -> i64 {
                levers.iter().zip(c).map(|(l, &t)| l.gained(by(t, y))).sum::<u64>() as i64
            };
            let ok = |c: &[u8]| {
                needs.iter().enumerate().all(|(y, n)| n.is_none_or(|n| gains_by(c, y) >= n))
            };
            let most: Vec<u8> = levers.iter().map(|l| by(l.room(), years - 1)).collect();
            let want = brute(&levers, &most, &ok, effort);
            let got = cheapest_path(&levers, &needs, per_year, effort).unwrap();
            prop_assert_eq!(&got, &want.as_ref().map(|(_, c)| c.clone()));
            let Some(counts) = got else { return Ok(()) };

            let plan = schedule(&levers, &counts, &needs, per_year, effort).unwrap();
            prop_assert_eq!(plan.len(), years);
            prop_assert_eq!(plan.last().unwrap(), &counts);
            let mut before = vec![0u8; levers.len()];
            for (y, done) in plan.iter().enumerate() {
                for i in 0..levers.len() {
                    prop_assert!(done[i] >= before[i] && done[i] - before[i] <= per_year);
                }
                let units: u64 = levers.iter().zip(done).map(|(l, &t)| l.gained(t)).sum();
                if let Some(n) = needs[y] {
                    prop_assert!(units as i64 >= n, "year {} misses its target", y);
                }
                before.clone_from(done);
            }
            // The first year: the least work after which the earliest schedule of the rest
            // still meets every target.
            if years > 1 {
                let first_most: Vec<u8> = counts.iter().map(|&t| t.min(per_year)).collect();
                let first_ok = |c: &[u8]| {
                    // Each lever must still be able to finish in the years left.
                    c.iter().zip(&counts).all(|(&c, &t)| (t - c.min(t)) as usize <= (years - 1) * p && c <= t)
                        && needs.iter().enumerate().all(|(y, n)| {
                            n.is_none_or(|n| {
                                let units: u64 = levers
                                    .iter()
                                    .zip(c)
                                    .zip(&counts)
                                    .map(|((l, &c), &t)| l.gained(t.min(c + (y * p) as u8)))
                                    .sum();
                                units as i64 >= n
                            })
                        })
                };
                let (_, first) = brute(&levers, &first_most, &first_ok, effort)
                    .expect("the earliest schedule is a way");
                prop_assert_eq!(&plan[0], &first);
            }
        }
    }

    #[test]
    fn already_met_and_unreachable() {
        let l = [lever(250, 2, 5), lever(130, 3, 3)];
        let unit = |_: usize, _: u8| 1u64;
        assert_eq!(fewest_steps(&l, 0), Roadmap::AlreadyMet);
        assert_eq!(least_effort(&l, -5, &unit), Ok(Roadmap::AlreadyMet));
        assert_eq!(
            fewest_steps(&l, 751),
            Roadmap::Unreachable { best_gain: 750 }
        );
        assert_eq!(
            least_effort(&l, 751, &unit),
            Ok(Roadmap::Unreachable { best_gain: 750 })
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
        let Ok(Roadmap::Reach(steps)) = least_effort(&l, 300, &effort) else {
            panic!("reachable")
        };
        let got: Vec<(usize, u8)> = steps.iter().map(|s| (s.indicator, s.to)).collect();
        assert_eq!(got, [(1, 3), (1, 4)]);
        assert_eq!(Key::of(&steps).effort, 2);
    }

    #[test]
    fn a_first_step_from_a_decimal_gains_what_is_missing() {
        // 1.26 of weight 5 (scale 100): 1.26 → 2.00 gains 0.74 × 5 = 3.70 units of 100, then
        // 5.00 a level.
        let l = between(5, 1, 26, 5);
        assert_eq!((l.gain(1), l.gain(2), l.gained(3)), (370, 500, 1370));
        // The greedy's trap: a lever at 1.90 of weight 10 offers 1, 10, 10; a whole lever of
        // weight 6 offers 6, 6. Reaching 12 takes two steps of the second, not three of the
        // first.
        let l = [between(10, 1, 90, 5), lever(600, 1, 5)];
        let unit = |_: usize, _: u8| 1u64;
        let Ok(Roadmap::Reach(steps)) = least_effort(&l, 1200, &unit) else {
            panic!("reachable")
        };
        let got: Vec<(usize, u8)> = steps.iter().map(|s| (s.indicator, s.to)).collect();
        assert_eq!(got, [(1, 2), (1, 3)]);
    }

    #[test]
    fn one_level_a_year_spreads_a_jump_over_two_years() {
        // One heavy lever at 3 and light ones at 1: reaching +2 levels of the heavy one by the
        // second year takes 3 → 4 in the first year and 4 → 5 in the second.
        let l = [lever(300, 3, 5), lever(130, 1, 2), lever(130, 1, 2)];
        let unit = |_: usize, _: u8| 1u64;
        let needs = [Some(300), Some(600)];
        let counts = cheapest_path(&l, &needs, 1, &unit).unwrap().unwrap();
        assert_eq!(counts, [2, 0, 0]);
        let by_year = schedule(&l, &counts, &needs, 1, &unit).unwrap();
        assert_eq!(by_year, [vec![1, 0, 0], vec![2, 0, 0]]);
        // Asking for both levels in the first year cannot be met at one level a year: the first
        // year's best is one level of each.
        assert_eq!(cheapest_path(&l, &[Some(600)], 1, &unit).unwrap(), None);
    }

    #[test]
    fn a_later_target_can_need_an_earlier_start() {
        // A (weight 10, one step left) and B (weight 9, two steps left), one level a year.
        // Year 1 needs 10, year 2 needs 28: year 1 must already take B's first step, or B
        // cannot reach 18 by year 2 (the year-by-year greedy would take A alone and fail).
        let l = [lever(10, 4, 5), lever(9, 3, 5)];
        let unit = |_: usize, _: u8| 1u64;
        let needs = [Some(10), Some(28)];
        let counts = cheapest_path(&l, &needs, 1, &unit).unwrap().unwrap();
        assert_eq!(counts, [1, 2]);
        let by_year = schedule(&l, &counts, &needs, 1, &unit).unwrap();
        assert_eq!(by_year, [vec![1, 1], vec![1, 2]]);
    }

    #[test]
    fn a_year_without_a_target_takes_only_what_later_years_need() {
        // 2027 and 2029 have targets, 2028 not: the steps wait until they must be taken.
        let l = [lever(300, 2, 5), lever(250, 2, 5)];
        let unit = |_: usize, _: u8| 1u64;
        let needs = [Some(300), None, Some(1100)];
        let counts = cheapest_path(&l, &needs, 1, &unit).unwrap().unwrap();
        assert_eq!(counts, [3, 1]);
        let by_year = schedule(&l, &counts, &needs, 1, &unit).unwrap();
        // The heavy lever needs all three years; the light one waits for the last.
        assert_eq!(by_year, [vec![1, 0], vec![2, 0], vec![3, 1]]);
    }

    #[test]
    fn the_planner_starts_from_decimal_values() {
        // Pemdi 2026 (weights in whole percent): I3 SDM Pemdi (5 %) at 1.26, I20 Kepuasan
        // Pengguna (15 %) at 2.50, every other indicator at 1.00: index 1.238.
        let m = Model::load("pemdi-2026").unwrap();
        let mut values = vec![exact::int(1); m.indicators.len()];
        values[2] = exact::ratio(126, 100);
        values[19] = exact::ratio(250, 100);
        let goal = Goal::Target(exact::ratio(13, 10));
        let basis = PredicateBasis::Exact;
        let p = plan(&m, &values, &goal, basis, &Limits::default(), None).unwrap();
        assert_eq!((p.scale, p.total), (100, 10_000));
        assert_eq!(p.current_units, 12_380);
        // 0.062 to go in one step: I19 (10 %) 1 → 2 gains 0.10, more than I20's 2.50 → 3.00
        // (0.075), so it wins on the index reached.
        let steps = p.steps();
        assert_eq!(steps.len(), 1);
        assert_eq!(
            (steps[0].indicator, steps[0].to, steps[0].gain),
            (18, 2, 1000)
        );
        // Without I19, I20 from its decimal value: the first step gains only what is missing.
        let no_19 = Limits {
            exclude: vec![18],
            ..Limits::default()
        };
        let p = plan(&m, &values, &goal, basis, &no_19, None).unwrap();
        let steps = p.steps();
        assert_eq!(
            (steps[0].indicator, steps[0].to, steps[0].gain),
            (19, 3, 750)
        );
        assert_eq!(p.from_value(&steps[0]), exact::ratio(5, 2));
        // Only I3 may move: 1.26 → 2.00 gains 0.74 × 5 % = 0.037, then 0.05 a level.
        let only = Limits {
            only: vec![2],
            ..Limits::default()
        };
        let p = plan(&m, &values, &goal, basis, &only, None).unwrap();
        let got: Vec<(u8, u8, u64)> = p.steps().iter().map(|s| (s.from, s.to, s.gain)).collect();
        assert_eq!(got, [(1, 2, 370), (2, 3, 500)]);
        assert_eq!(p.from_value(&p.steps()[0]), exact::ratio(126, 100));
        assert_eq!(p.from_value(&p.steps()[1]), exact::int(2));
        // A path from decimals, one level a year: 1.26 → 2.00 in the first year.
        let path = Goal::Path {
            milestones: vec![
                Milestone {
                    year: 2027,
                    target: exact::ratio(1275, 1000),
                },
                Milestone {
                    year: 2028,
                    target: exact::ratio(13, 10),
                },
            ],
            per_year: 1,
        };
        let p = plan(&m, &values, &path, basis, &only, None).unwrap();
        assert_eq!(p.outcome, Outcome::Reach);
        let by_year: Vec<Vec<(Option<i32>, u8)>> = p
            .years
            .iter()
            .map(|y| y.steps.iter().map(|s| (s.year, s.to)).collect())
            .collect();
        assert_eq!(by_year, [vec![(Some(2027), 2)], vec![(Some(2028), 3)]]);
        // A value that does not terminate (a mean of three answers) cannot be planned from.
        values[0] = exact::ratio(4, 3);
        let e = plan(&m, &values, &goal, basis, &Limits::default(), None).unwrap_err();
        assert!(matches!(e, PlanError::NotDecimal(..)), "{e}");
    }
}
