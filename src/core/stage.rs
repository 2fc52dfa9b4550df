//! Assessment stages: the self-assessment (mandiri) and the external assessors' document review,
//! interview, visit and final verdict. Picks which stage's answers score each indicator. Pure.
//!
//! A sheet may carry a `stage` column. With `--stage S` only that stage's answers count; by
//! default each indicator takes the latest stage present among its answers (in the order
//! mandiri → dokumen → interviu → visitasi → akhir). Answers with no stage are used only for an
//! indicator that has no staged answer at all.
//!
//! [`Counted`] applies that rule for every command, so what `spbe opd` or `spbe report` shows as
//! an OPD's answer is what `spbe score` scored.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::core::answers::{Answer, AnswerSet};

/// One stage of the yearly evaluation (spbe-facts.md §5), in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Penilaian Mandiri: the institution's self-assessment.
    Mandiri,
    /// Penilaian Dokumen: the external assessors' document review.
    Dokumen,
    /// Penilaian Interviu: clarification interview.
    Interviu,
    /// Penilaian Visitasi: the optional site visit.
    Visitasi,
    /// The final level.
    Akhir,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Mandiri,
        Stage::Dokumen,
        Stage::Interviu,
        Stage::Visitasi,
        Stage::Akhir,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Mandiri => "mandiri",
            Stage::Dokumen => "dokumen",
            Stage::Interviu => "interviu",
            Stage::Visitasi => "visitasi",
            Stage::Akhir => "akhir",
        }
    }

    /// What a sheet or a flag may say for a stage: the Indonesian names, the English ones, and
    /// the regulation's long forms (`penilaian mandiri`).
    pub const ACCEPTED: &'static str =
        "mandiri (self), dokumen (document), interviu (interview), visitasi (visit), akhir (final)";
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = String;

    fn from_str(text: &str) -> Result<Stage, String> {
        // Read once per row of a staged sheet: the usual spellings first, then short ASCII text
        // is lower-cased on the stack.
        match text {
            "mandiri" => return Ok(Stage::Mandiri),
            "dokumen" => return Ok(Stage::Dokumen),
            "interviu" => return Ok(Stage::Interviu),
            "visitasi" => return Ok(Stage::Visitasi),
            "akhir" => return Ok(Stage::Akhir),
            _ => {}
        }
        let text_trimmed = text.trim();
        let mut small = [0u8; 32];
        let owned;
        let key = match small.get_mut(..text_trimmed.len()) {
            Some(buf) if text_trimmed.is_ascii() => {
                buf.copy_from_slice(text_trimmed.as_bytes());
                buf.make_ascii_lowercase();
                std::str::from_utf8(buf).expect("ASCII is UTF-8")
            }
            _ => {
                owned = text_trimmed.to_lowercase();
                owned.as_str()
            }
        };
        let key = key
            .strip_prefix("penilaian")
            .map(str::trim_start)
            .unwrap_or(key);
        Ok(match key {
            "mandiri" | "self" | "self-assessment" | "self assessment" => Stage::Mandiri,
            "dokumen" | "document" | "documents" => Stage::Dokumen,
            "interviu" | "interview" | "wawancara" => Stage::Interviu,
            "visitasi" | "visit" | "site visit" => Stage::Visitasi,
            "akhir" | "final" => Stage::Akhir,
            _ => {
                return Err(format!(
                    "{:?} is not a stage; write one of {}",
                    text.trim(),
                    Stage::ACCEPTED
                ));
            }
        })
    }
}

/// Which answers count, and the stage each indicator was scored from. Holds no copy of the
/// answers: [`Selection::keeps`] says whether one counts.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Per indicator: the stage used; `None` when its answers carry no stage (or it has none).
    pub stages: Vec<Option<Stage>>,
    choice: Option<Stage>,
    /// Per indicator: how many of its answers count.
    pub kept: Vec<usize>,
    pub warnings: Vec<String>,
}

impl Selection {
    /// True when the answer counts: it has its indicator's stage, or, unstaged, its indicator
    /// has no staged answer and no stage was chosen.
    pub fn keeps(&self, a: &Answer) -> bool {
        match (a.stage, self.stages[a.indicator as usize]) {
            (Some(s), Some(used)) => s == used,
            (None, None) => self.choice.is_none(),
            (Some(_), None) | (None, Some(_)) => false,
        }
    }
}

/// Keeps, per indicator, the answers of the chosen stage, or of the latest stage present.
pub fn select(set: &AnswerSet, indicators: usize, choice: Option<Stage>) -> Selection {
    // One pass: how many answers each indicator has at each stage (slots in the order of
    // `Stage::ALL`, which is the declaration order; the last slot: unstaged).
    let mut counts = vec![[0usize; Stage::ALL.len() + 1]; indicators];
    for a in &set.answers {
        let slot = a.stage.map_or(Stage::ALL.len(), |s| s as usize);
        counts[a.indicator as usize][slot] += 1;
    }
    let unstaged = |c: &[usize; 6]| c[Stage::ALL.len()];
    let stages: Vec<Option<Stage>> = counts
        .iter()
        .map(|c| match choice {
            Some(s) => (c[s as usize] > 0).then_some(s),
            None => Stage::ALL.into_iter().rev().find(|&s| c[s as usize] > 0),
        })
        .collect();
    let kept = counts
        .iter()
        .zip(&stages)
        .map(|(c, stage)| match stage {
            Some(s) => c[*s as usize],
            None if choice.is_none() => unstaged(c),
            None => 0,
        })
        .collect();
    let unstaged_count: usize = counts.iter().map(unstaged).sum();
    let dropped_unstaged: usize = counts
        .iter()
        .zip(&stages)
        .filter(|(_, stage)| stage.is_some())
        .map(|(c, _)| unstaged(c))
        .sum();
    let mut warnings = Vec::new();
    if let Some(c) = choice {
        let missing = stages.iter().filter(|s| s.is_none()).count();
        if unstaged_count > 0 {
            warnings.push(format!(
                "--stage {c}: {unstaged_count} answer{} with no stage {} left out",
                if unstaged_count == 1 { "" } else { "s" },
                if unstaged_count == 1 { "was" } else { "were" },
            ));
        }
        if missing > 0 && missing < indicators {
            warnings.push(format!(
                "--stage {c}: {missing} indicator{} no answer at this stage",
                if missing == 1 { " has" } else { "s have" }
            ));
        }
    } else if dropped_unstaged > 0 {
        warnings.push(format!(
            "{dropped_unstaged} answer{} with no stage {} left out because the same indicator has staged answers; add a stage to them",
            if dropped_unstaged == 1 { "" } else { "s" },
            if dropped_unstaged == 1 { "was" } else { "were" },
        ));
    }
    Selection {
        stages,
        choice,
        kept,
        warnings,
    }
}

/// True when any answer carries a stage.
pub fn any_staged(set: &AnswerSet) -> bool {
    set.answers.iter().any(|a| a.stage.is_some())
}

/// The answers that count, by the rule of this module: the one place where every command that
/// reads answer sheets (`score`, `gap`, `check`, `opd`, `report`, ...) learns which answers score,
/// so that none of them shows an answer a later stage superseded.
#[derive(Debug, Clone)]
pub struct Counted<'a> {
    pub set: &'a AnswerSet,
    /// `None` when no answer carries a stage: every answer counts.
    pub selection: Option<Selection>,
}

impl<'a> Counted<'a> {
    /// Selects the answers of `choice`, or per indicator of the latest stage present. Errors:
    /// `choice` on sheets with no stage column, and `choice` with no answer at that stage.
    pub fn new(
        set: &'a AnswerSet,
        indicators: usize,
        choice: Option<Stage>,
    ) -> anyhow::Result<Counted<'a>> {
        if !any_staged(set) {
            if let Some(c) = choice {
                anyhow::bail!(
                    "--stage {c}: the answer sheets have no stage column; add a column \"stage\" ({}) or drop --stage",
                    Stage::ACCEPTED
                );
            }
            return Ok(Counted {
                set,
                selection: None,
            });
        }
        let sel = select(set, indicators, choice);
        if let Some(c) = choice {
            if sel.kept.iter().all(|&k| k == 0) {
                let present: Vec<&str> = Stage::ALL
                    .iter()
                    .filter(|s| set.answers.iter().any(|a| a.stage == Some(**s)))
                    .map(|s| s.as_str())
                    .collect();
                anyhow::bail!(
                    "--stage {c}: no answer has this stage; the sheets have: {}",
                    present.join(", ")
                );
            }
        }
        Ok(Counted {
            set,
            selection: Some(sel),
        })
    }

    /// True when the answer counts.
    pub fn keeps(&self, a: &Answer) -> bool {
        self.selection.as_ref().is_none_or(|s| s.keeps(a))
    }

    /// The answers that count, in reading order.
    pub fn answers(&self) -> impl Iterator<Item = &'a Answer> + '_ {
        self.set.answers.iter().filter(|a| self.keeps(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(opd: u32, indicator: u8, level: u16, stage: Option<Stage>) -> Answer {
        Answer {
            opd,
            indicator,
            value: level,
            file: 0,
            line: 2,
            stage,
            remarks: None,
        }
    }

    fn set(answers: Vec<Answer>) -> AnswerSet {
        AnswerSet {
            opds: vec!["A".into(), "B".into()],
            answers,
            ..AnswerSet::default()
        }
    }

    fn kept(set: &AnswerSet, sel: &Selection) -> Vec<(u32, u8, u16)> {
        set.answers
            .iter()
            .filter(|a| sel.keeps(a))
            .map(|a| (a.opd, a.indicator, a.value))
            .collect()
    }

    #[test]
    fn the_latest_stage_per_indicator_wins_across_opds() {
        use Stage::*;
        let s = set(vec![
            answer(0, 0, 4, Some(Mandiri)),
            answer(1, 0, 3, Some(Dokumen)),
            answer(0, 0, 2, Some(Akhir)),
            answer(0, 1, 3, Some(Mandiri)),
            answer(1, 2, 2, None),
        ]);
        let sel = select(&s, 4, None);
        assert_eq!(sel.stages, vec![Some(Akhir), Some(Mandiri), None, None]);
        assert_eq!(kept(&s, &sel), vec![(0, 0, 2), (0, 1, 3), (1, 2, 2)]);
        assert_eq!(sel.kept, vec![1, 1, 1, 0]);
        assert!(sel.warnings.is_empty());

        let sel = select(&s, 4, Some(Dokumen));
        assert_eq!(sel.stages, vec![Some(Dokumen), None, None, None]);
        assert_eq!(kept(&s, &sel), vec![(1, 0, 3)]);
        assert_eq!(sel.kept, vec![1, 0, 0, 0]);
        assert_eq!(
            sel.warnings,
            vec![
                "--stage dokumen: 1 answer with no stage was left out",
                "--stage dokumen: 3 indicators have no answer at this stage"
            ]
        );
    }

    #[test]
    fn unstaged_answers_beside_staged_ones_are_left_out_with_a_warning() {
        let s = set(vec![
            answer(0, 0, 4, Some(Stage::Mandiri)),
            answer(1, 0, 1, None),
        ]);
        let sel = select(&s, 1, None);
        assert_eq!(kept(&s, &sel), vec![(0, 0, 4)]);
        assert_eq!(
            sel.warnings,
            vec![
                "1 answer with no stage was left out because the same indicator has staged answers; add a stage to them"
            ]
        );
    }

    #[test]
    fn counted_answers_are_the_selected_ones_or_all_of_an_unstaged_set() {
        use Stage::*;
        let s = set(vec![
            answer(0, 0, 4, Some(Mandiri)),
            answer(0, 0, 2, Some(Akhir)),
            answer(1, 0, 3, Some(Mandiri)),
            answer(1, 1, 1, Some(Mandiri)),
            answer(1, 2, 2, None),
        ]);
        let c = Counted::new(&s, 3, None).unwrap();
        let levels = |c: &Counted| -> Vec<(u32, u8, u16)> {
            c.answers().map(|a| (a.opd, a.indicator, a.value)).collect()
        };
        assert_eq!(levels(&c), vec![(0, 0, 2), (1, 1, 1), (1, 2, 2)]);
        assert_eq!(
            crate::core::evaluate::Grouped::of(&c, 3).by_indicator,
            vec![vec![(0, 2)], vec![(1, 1)], vec![(1, 2)]]
        );
        let c = Counted::new(&s, 3, Some(Mandiri)).unwrap();
        assert_eq!(
            crate::core::evaluate::Grouped::of(&c, 3).by_indicator,
            vec![vec![(0, 4), (1, 3)], vec![(1, 1)], vec![]]
        );
        assert_eq!(
            Counted::new(&s, 3, Some(Visitasi)).unwrap_err().to_string(),
            "--stage visitasi: no answer has this stage; the sheets have: mandiri, akhir"
        );

        let plain = set(vec![answer(0, 0, 4, None), answer(1, 0, 1, None)]);
        let c = Counted::new(&plain, 3, None).unwrap();
        assert!(c.selection.is_none());
        assert_eq!(levels(&c), vec![(0, 0, 4), (1, 0, 1)]);
        assert!(
            Counted::new(&plain, 3, Some(Akhir))
                .unwrap_err()
                .to_string()
                .starts_with("--stage akhir: the answer sheets have no stage column;")
        );
    }

    #[test]
    fn stages_in_both_languages() {
        assert_eq!("Mandiri".parse::<Stage>(), Ok(Stage::Mandiri));
        assert_eq!("self".parse::<Stage>(), Ok(Stage::Mandiri));
        assert_eq!("Penilaian Dokumen".parse::<Stage>(), Ok(Stage::Dokumen));
        assert_eq!(" interview ".parse::<Stage>(), Ok(Stage::Interviu));
        assert_eq!("visit".parse::<Stage>(), Ok(Stage::Visitasi));
        assert_eq!("FINAL".parse::<Stage>(), Ok(Stage::Akhir));
        assert_eq!(
            "review".parse::<Stage>(),
            Err("\"review\" is not a stage; write one of mandiri (self), dokumen (document), interviu (interview), visitasi (visit), akhir (final)".into())
        );
        assert!(Stage::Mandiri < Stage::Akhir);
    }
}
