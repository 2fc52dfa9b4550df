//! Level criteria for people: the words around a level's criteria and evidence (what is missing,
//! how far it is trusted, what a step adds), shared by `explain`, the roadmaps, the template and
//! the report. The criteria themselves are model data ([`crate::core::model::Requirements`]).

use crate::core::model::{CriteriaConfidence, LevelRequirement, Model};
use crate::output::i18n::{Labels, Lang};

/// Said where the model gives no criteria for a level.
pub fn missing(model: &Model, l: &Labels) -> String {
    l.pick(
        format!("Model {} gives no criteria for this level.", model.id),
        format!("Model {} belum memuat kriteria untuk level ini.", model.id),
    )
}

/// How far a level's criteria are trusted, as a short label.
pub fn confidence_label(c: CriteriaConfidence, l: &Labels) -> String {
    let word = match (c, l.lang) {
        (CriteriaConfidence::Official, Lang::En) => "official",
        (CriteriaConfidence::Secondary, Lang::En) => "secondary source",
        (CriteriaConfidence::Unverified, Lang::En) => "unverified",
        (CriteriaConfidence::Official, Lang::Id) => "resmi",
        (CriteriaConfidence::Secondary, Lang::Id) => "sumber sekunder",
        (CriteriaConfidence::Unverified, Lang::Id) => "belum terverifikasi",
    };
    format!("({}: {word})", l.pick("confidence", "keyakinan"))
}

/// The criteria in the reader's language: the English gloss under `--lang en` when the model
/// has one, else the model's own text.
pub fn text(req: &LevelRequirement, lang: Lang) -> &str {
    req.criteria_text(lang == Lang::En)
}

/// The criteria with its confidence when that is not official: what a roadmap step shows.
pub fn with_confidence(req: &LevelRequirement, l: &Labels) -> String {
    let t = text(req, l.lang);
    if req.confidence == CriteriaConfidence::Official {
        t.to_string()
    } else {
        format!("{t} {}", confidence_label(req.confidence, l))
    }
}

/// One short line for a roadmap step under a table: `47 → 3: what the level adds`, shortened,
/// in the reader's language, with its confidence when that is not official.
pub fn step_line(id: &str, to: u8, req: &LevelRequirement, l: &Labels) -> String {
    let mut line = format!(
        "{id} → {to}: {}",
        shorten(added_part(text(req, l.lang)), 110)
    );
    if req.confidence != CriteriaConfidence::Official {
        line.push(' ');
        line.push_str(&confidence_label(req.confidence, l));
    }
    line
}

/// The heading of the short lines under a roadmap table.
pub fn step_lines_title(l: &Labels) -> String {
    l.pick(
        "What each step's level requires (spbe explain ID --level N: in full, with the evidence):",
        "Yang dituntut level tiap langkah (spbe explain ID --level N: lengkap, dengan data dukung):",
    )
    .to_string()
}

/// The evidence items of `level` that `below` does not list (all of them when there is no
/// level below or it has no criteria).
pub fn new_evidence(
    level: Option<&LevelRequirement>,
    below: Option<&LevelRequirement>,
) -> Vec<String> {
    let Some(level) = level else {
        return Vec::new();
    };
    level
        .evidence
        .iter()
        .filter(|e| !below.is_some_and(|b| b.evidence.contains(e)))
        .cloned()
        .collect()
}

/// The first `max` characters of `text`, cut at a word and ended with `…` when it is longer.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// The criteria without the cumulative preamble (`Memenuhi level 2; `): what the level adds,
/// for a place too small for the whole sentence.
pub fn added_part(criteria: &str) -> &str {
    let lower = criteria.to_lowercase();
    for prefix in ["memenuhi level ", "level "] {
        if lower.starts_with(prefix) {
            if let Some(i) = criteria.find(';') {
                let rest = criteria[i + 1..].trim_start();
                if !rest.is_empty() {
                    return rest;
                }
            }
        }
    }
    criteria
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_at_a_word_and_marks_the_cut() {
        assert_eq!(shorten("abc", 5), "abc");
        let s = shorten("satu dua tiga empat lima enam", 15);
        assert!(s.chars().count() <= 15, "{s}");
        assert_eq!(s, "satu dua tiga…");
    }

    #[test]
    fn the_cumulative_preamble_is_dropped_where_space_is_short() {
        assert_eq!(
            added_part("Memenuhi level 2; kebijakan mengatur seluruh unit."),
            "kebijakan mengatur seluruh unit."
        );
        assert_eq!(added_part("Layanan tersedia."), "Layanan tersedia.");
    }
}
