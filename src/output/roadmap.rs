//! A plan for people: its steps (one level of one indicator each) with the index after each, its
//! years, and the sentences about it (the pace it needs, what keeps a target out of reach).
//! `gap`, `opd` and the report all show a plan through this, so they show the same steps.

use crate::core::effort::Efforts;
use crate::core::exact::{self, Exact};
use crate::core::model::{LevelRequirement, Model};
use crate::core::plan::{Binding, Limit, Limits, Plan};
use crate::core::score::{PredicateBasis, predicate};
use crate::output::i18n::Labels;

/// One step as shown: one level of one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct StepView {
    /// The evaluation year it is taken before (a path), else `None`.
    pub year: Option<i32>,
    /// Position in the model.
    pub indicator: usize,
    /// The value it starts from: a whole level, or the value between levels of a first step.
    pub from: Exact,
    pub to: u8,
    /// Index points it adds.
    pub gain: Exact,
    /// Its effort in the effort file's unit (1 without one).
    pub effort: Exact,
    /// The index after it (and every step before it).
    pub index_after: Exact,
    pub predicate_after: String,
    /// What the level it reaches requires and the evidence to prepare; `None` when the model
    /// gives no criteria for it.
    pub requirement: Option<LevelRequirement>,
}

/// One evaluation of a plan as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct YearView {
    /// `None` for a single target.
    pub year: Option<i32>,
    /// `None`: a year of a path without a target of its own.
    pub target: Option<Exact>,
    /// Positions of its steps in [`RoadmapView::steps`].
    pub steps: std::ops::Range<usize>,
    pub effort: Exact,
    pub index_after: Exact,
    pub predicate_after: String,
    /// Whether the index after meets the target (on the predicate basis); `None` without one.
    pub met: Option<bool>,
    /// The best index reachable by this evaluation under the limits.
    pub best: Exact,
}

/// A plan as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadmapView {
    pub current: Exact,
    pub steps: Vec<StepView>,
    pub years: Vec<YearView>,
    pub effort: Exact,
    /// The index after every step.
    pub index_after: Exact,
}

impl RoadmapView {
    /// The view of `plan`: steps year by year, each with the index after it.
    pub fn of(
        model: &Model,
        plan: &Plan,
        efforts: Option<&Efforts>,
        basis: PredicateBasis,
    ) -> Self {
        let unit = Efforts::unit(model);
        let efforts = efforts.unwrap_or(&unit);
        let index = |u: i64| exact::ratio(u, plan.total);
        let pred = |x: &Exact| predicate(model, x, basis).name.clone();
        let mut units = plan.current_units;
        let mut effort_all = 0u64;
        let mut steps = Vec::new();
        let mut years = Vec::new();
        for y in &plan.years {
            let start = steps.len();
            let mut effort = 0u64;
            for s in &y.steps {
                units += s.gain as i64;
                effort += s.effort;
                let after = index(units);
                steps.push(StepView {
                    year: s.year,
                    indicator: s.indicator,
                    from: plan.from_value(s),
                    to: s.to,
                    gain: index(s.gain as i64),
                    effort: efforts.unscale(s.effort),
                    predicate_after: pred(&after),
                    index_after: after,
                    requirement: model.requirement(s.indicator, s.to).cloned(),
                });
            }
            effort_all += effort;
            let after = index(units);
            years.push(YearView {
                year: y.year,
                met: y.need.map(|n| units - plan.current_units >= n),
                target: y.target.clone(),
                steps: start..steps.len(),
                effort: efforts.unscale(effort),
                predicate_after: pred(&after),
                index_after: after,
                best: index(plan.current_units + y.best_gain as i64),
            });
        }
        RoadmapView {
            current: index(plan.current_units),
            index_after: index(units),
            effort: efforts.unscale(effort_all),
            steps,
            years,
        }
    }

    /// The steps of year `y`.
    pub fn steps_of(&self, y: usize) -> &[StepView] {
        &self.steps[self.years[y].steps.clone()]
    }

    /// True for a path (years), false for a single target.
    pub fn is_path(&self) -> bool {
        self.years.first().is_some_and(|y| y.year.is_some())
    }
}

/// The steps grouped per indicator, in the order first raised, as `47: 2→4, 42: 3→5`: display
/// only, each arrow of two levels is two steps.
pub fn grouped(model: &Model, steps: &[StepView]) -> String {
    let mut order: Vec<usize> = Vec::new();
    let mut span: Vec<Option<(Exact, u8)>> = vec![None; model.indicators.len()];
    for s in steps {
        match &mut span[s.indicator] {
            Some((_, to)) => *to = s.to,
            slot @ None => {
                *slot = Some((s.from.clone(), s.to));
                order.push(s.indicator);
            }
        }
    }
    order
        .iter()
        .map(|&i| {
            let (from, to) = span[i].clone().expect("raised");
            format!(
                "{}: {}→{to}",
                model.indicators[i].id,
                exact::exact_text(&from, model.level_decimals).0
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "Needs at least 2 evaluation years at 1 level per indicator per year (42, 43 rise 2 levels)."
/// for a single-target plan; `None` when it has no steps.
pub fn pace_line(model: &Model, plan: &Plan, per_year: u8, l: &Labels) -> Option<String> {
    let steps = plan.steps();
    if steps.is_empty() {
        return None;
    }
    let years = plan.years_needed(per_year);
    let mut counts = vec![0u32; model.indicators.len()];
    for s in &steps {
        counts[s.indicator] += 1;
    }
    let most = counts.iter().copied().max().unwrap_or(0);
    let which: Vec<&str> = counts
        .iter()
        .enumerate()
        .filter(|&(_, &c)| c == most)
        .map(|(i, _)| model.indicators[i].id.as_str())
        .collect();
    let levels = l.pick(if per_year == 1 { "level" } else { "levels" }, "tingkat");
    let year_word = l.pick(if years == 1 { "year" } else { "years" }, "tahun");
    let rise = if most > 1 {
        l.pick(
            format!(
                " ({} rise{} {most} levels)",
                which.join(", "),
                if which.len() == 1 { "s" } else { "" }
            ),
            format!(" ({} naik {most} tingkat)", which.join(", ")),
        )
    } else {
        String::new()
    };
    Some(l.pick(
        format!(
            "Pace: needs at least {years} evaluation {year_word} at {per_year} {levels} per indicator per year{rise}; --target-path plans year by year."
        ),
        format!(
            "Laju: perlu sedikitnya {years} {year_word} evaluasi dengan {per_year} {levels} per indikator per tahun{rise}; --target-path merencanakan per tahun."
        ),
    ))
}

/// What a binding limit is called: the flag as given.
fn limit_text(model: &Model, b: &Binding, limits: &Limits, max_level: u8, per_year: u8) -> String {
    let ids = |v: &[usize]| {
        v.iter()
            .map(|&i| model.indicators[i].id.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    match b.limit {
        Limit::PerYear => format!("--per-year {per_year}"),
        Limit::MaxLevel => format!("--max-level {max_level}"),
        Limit::Exclude => format!("--exclude {}", ids(&limits.exclude)),
        Limit::Only => format!("--only {}", ids(&limits.only)),
        Limit::Top => "the model's highest level".into(),
    }
}

/// The machine name of a limit (JSON).
pub fn limit_name(limit: Limit) -> &'static str {
    match limit {
        Limit::PerYear => "per-year",
        Limit::MaxLevel => "max-level",
        Limit::Exclude => "exclude",
        Limit::Only => "only",
        Limit::Top => "model-top",
    }
}

/// A binding limit as the flag that sets it and the index reachable without it (`None` for the
/// model's top).
pub fn binding_parts(
    model: &Model,
    plan: &Plan,
    b: &Binding,
    limits: &Limits,
    per_year: u8,
) -> (String, Option<Exact>) {
    let text = limit_text(model, b, limits, plan.max_level, per_year);
    let best = (b.limit != Limit::Top)
        .then(|| exact::ratio(plan.current_units + b.best_gain as i64, plan.total));
    (text, best)
}

/// "What binds: --per-year 1 (without it: 3.604); --max-level 4 (without it: 3.55)." or "What
/// binds: the model's highest level (every allowed indicator at 5 by then)."
pub fn binding_line(
    model: &Model,
    plan: &Plan,
    binding: &[Binding],
    limits: &Limits,
    per_year: u8,
    l: &Labels,
) -> String {
    let parts: Vec<String> = binding
        .iter()
        .map(|b| {
            let (text, best) = binding_parts(model, plan, b, limits, per_year);
            match best {
                Some(x) => format!(
                    "{text} ({} {})",
                    l.pick("without it:", "tanpanya:"),
                    l.num(exact::exact_text(&x, model.decimals).0)
                ),
                None => l
                    .pick(
                        "the model's highest level (nothing left to lift)",
                        "tingkat tertinggi model (tidak ada batasan lagi)",
                    )
                    .into(),
            }
        })
        .collect();
    format!(
        "{}: {}.",
        l.pick("What binds", "Yang membatasi"),
        parts.join("; ")
    )
}
