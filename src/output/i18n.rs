//! The words people read: every label of the human-readable outputs (tables, Markdown, HTML and
//! XLSX reports) in English and Indonesian, in one place. JSON and CSV keep their English field
//! names: they are contracts for scripts, not text for people.

use clap::ValueEnum;

/// The language of labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// Bahasa Indonesia.
    Id,
    /// English.
    En,
}

impl Labels {
    /// A number for people: `2,76` in Indonesian, `2.76` in English.
    pub fn num(&self, text: impl AsRef<str>) -> String {
        crate::output::document::localize(text.as_ref(), self.lang).into_owned()
    }

    /// The English or the Indonesian text, by the labels' language.
    pub fn pick<T>(&self, en: T, id: T) -> T {
        match self.lang {
            Lang::En => en,
            Lang::Id => id,
        }
    }

    /// How the predicate was read, as a phrase.
    pub fn predicate_basis(&self, basis: crate::core::score::PredicateBasis) -> &'static str {
        match basis {
            crate::core::score::PredicateBasis::Exact => self.predicate_from_exact,
            crate::core::score::PredicateBasis::Rounded => self.predicate_from_rounded,
        }
    }
}

impl Lang {
    /// The language the environment asks for: the first non-empty of `LC_ALL`, `LC_MESSAGES`
    /// and `LANG` (POSIX precedence); Indonesian when it starts with `id`, otherwise English.
    pub fn from_env() -> Lang {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let locale = get("LC_ALL")
            .or_else(|| get("LC_MESSAGES"))
            .or_else(|| get("LANG"));
        Lang::from_locale(locale.as_deref().unwrap_or(""))
    }

    /// `id`, `id_ID.UTF-8`, `id-ID` are Indonesian; anything else is English.
    pub fn from_locale(locale: &str) -> Lang {
        let l = locale.to_ascii_lowercase();
        if l == "id" || l.starts_with("id_") || l.starts_with("id-") || l.starts_with("id.") {
            Lang::Id
        } else {
            Lang::En
        }
    }

    /// `--lang` if given, else the environment.
    pub fn or_env(choice: Option<Lang>) -> Lang {
        choice.unwrap_or_else(Lang::from_env)
    }

    /// The labels in this language.
    pub fn labels(self) -> &'static Labels {
        match self {
            Lang::Id => &ID,
            Lang::En => &EN,
        }
    }

    /// The code used in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
}

/// Every label, one field per word or phrase.
#[derive(Debug)]
pub struct Labels {
    /// The language these labels are in (for sentences built around numbers).
    pub lang: Lang,
    pub model: &'static str,
    pub source: &'static str,
    pub status: &'static str,
    pub inputs: &'static str,
    pub sheet: &'static str,
    pub sheets: &'static str,
    pub answers_from: &'static str,
    pub combine: &'static str,
    pub data_date: &'static str,
    pub generated_by: &'static str,
    pub index: &'static str,
    pub predicate: &'static str,
    pub predicate_from_exact: &'static str,
    pub predicate_from_rounded: &'static str,
    pub exact: &'static str,
    pub estimate: &'static str,
    pub domain: &'static str,
    pub domains: &'static str,
    pub aspect: &'static str,
    pub aspects: &'static str,
    pub indicator: &'static str,
    pub indicators: &'static str,
    pub id: &'static str,
    pub name: &'static str,
    pub weight_pct: &'static str,
    pub level: &'static str,
    pub level_name: &'static str,
    pub points: &'static str,
    pub opd: &'static str,
    pub opd_levels: &'static str,
    pub evidence: &'static str,
    pub note: &'static str,
    pub no_answer: &'static str,
    pub owner: &'static str,
    pub owners: &'static str,
    pub stage: &'static str,
    pub year: &'static str,
    pub up_to: &'static str,
    pub per_step: &'static str,
    pub rounded: &'static str,
    pub effort: &'static str,
    pub biggest_levers: &'static str,
    pub steps_word: &'static str,
    /// A column of step counts.
    pub steps_title: &'static str,
    /// A column saying whether a year's target is met.
    pub met: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    /// The column naming who must act on a step: the owner, else the OPD that answered.
    pub owner_opd: &'static str,
    pub target: &'static str,
    pub gap: &'static str,
    pub points_available: &'static str,
    pub roadmap: &'static str,
    pub step: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub gain: &'static str,
    pub index_after: &'static str,
    pub predicate_after: &'static str,
    pub target_met: &'static str,
    pub target_unreachable: &'static str,
    pub roadmap_method: &'static str,
    pub roadmap_none: &'static str,
    pub current: &'static str,
    pub after_roadmap: &'static str,
    pub radar_title: &'static str,
    pub bars_title: &'static str,
    pub opd_title: &'static str,
    pub answered: &'static str,
    pub disagreements: &'static str,
    pub disagreement_title: &'static str,
    pub levels_given: &'static str,
    pub used: &'static str,
    pub none: &'static str,
    pub summary: &'static str,
    pub value: &'static str,
    pub receipt: &'static str,
    pub filled_at_lowest: &'static str,
    pub row: &'static str,
    pub rows: &'static str,
    pub warnings: &'static str,
}

pub static EN: Labels = Labels {
    lang: Lang::En,
    model: "Model",
    source: "Source",
    status: "Status",
    inputs: "Inputs",
    sheet: "sheet",
    sheets: "sheets",
    answers_from: "answers from",
    combine: "combine",
    data_date: "Data as of",
    generated_by: "Generated by",
    index: "Index",
    predicate: "Predicate",
    predicate_from_exact: "predicate from the exact index",
    predicate_from_rounded: "predicate from the rounded index",
    exact: "exact",
    estimate: "estimate",
    domain: "Domain",
    domains: "Domains",
    aspect: "Aspect",
    aspects: "Aspects",
    indicator: "Indicator",
    indicators: "Indicators",
    id: "ID",
    name: "Name",
    weight_pct: "Weight %",
    level: "Level",
    level_name: "Level name",
    points: "Points",
    opd: "OPD",
    opd_levels: "OPD (level)",
    evidence: "Evidence",
    note: "Note",
    no_answer: "(no answer)",
    owner: "Owner",
    owners: "Owners",
    stage: "Stage",
    year: "Year",
    up_to: "Up to",
    per_step: "Per step",
    rounded: "Rounded",
    effort: "Effort",
    biggest_levers: "biggest levers first",
    steps_word: "steps",
    steps_title: "Steps",
    met: "Met",
    yes: "yes",
    no: "no",
    owner_opd: "OPD to act",
    target: "Target",
    gap: "Gap",
    points_available: "Points available",
    roadmap: "Roadmap",
    step: "Step",
    from: "From",
    to: "To",
    gain: "Gain",
    index_after: "Index after",
    predicate_after: "Predicate after",
    target_met: "The target is already met.",
    target_unreachable: "The target cannot be reached: it is above the index with every indicator at the highest level.",
    roadmap_method: "The cheapest steps, as `spbe gap` plans them with the same options (the fewest, or the least effort with --effort): one row per step, one level of one indicator; each adds its weight × 1 level / 100 to the index.",
    roadmap_none: "No roadmap: levels are not whole numbers (combine=mean).",
    current: "Current",
    after_roadmap: "After the roadmap",
    radar_title: "Aspect indices",
    bars_title: "Domain indices and predicate bands",
    opd_title: "OPD answers",
    answered: "Answered",
    disagreements: "Disagreements",
    disagreement_title: "Where OPD disagree",
    levels_given: "Levels given",
    used: "Used",
    none: "none",
    summary: "Summary",
    value: "Value",
    receipt: "Receipt",
    filled_at_lowest: "filled at the lowest level (no answer)",
    row: "row",
    rows: "rows",
    warnings: "Warnings",
};

pub static ID: Labels = Labels {
    lang: Lang::Id,
    model: "Model",
    source: "Sumber",
    status: "Status",
    inputs: "Masukan",
    sheet: "lembar",
    sheets: "lembar",
    answers_from: "jawaban dari",
    combine: "penggabungan",
    data_date: "Data per",
    generated_by: "Dibuat dengan",
    index: "Indeks",
    predicate: "Predikat",
    predicate_from_exact: "predikat dari indeks tepat",
    predicate_from_rounded: "predikat dari indeks yang dibulatkan",
    exact: "tepat",
    estimate: "perkiraan",
    domain: "Domain",
    domains: "Domain",
    aspect: "Aspek",
    aspects: "Aspek",
    indicator: "Indikator",
    indicators: "Indikator",
    id: "ID",
    name: "Nama",
    weight_pct: "Bobot %",
    level: "Tingkat",
    level_name: "Nama tingkat",
    points: "Poin",
    opd: "OPD",
    opd_levels: "OPD (tingkat)",
    evidence: "Data dukung",
    note: "Catatan",
    no_answer: "(tidak dijawab)",
    owner: "Pemilik",
    owners: "Pemilik",
    stage: "Tahap",
    year: "Tahun",
    up_to: "Sampai",
    per_step: "Per langkah",
    rounded: "Dibulatkan",
    effort: "Upaya",
    biggest_levers: "pengungkit terbesar dahulu",
    steps_word: "langkah",
    steps_title: "Langkah",
    met: "Tercapai",
    yes: "ya",
    no: "tidak",
    owner_opd: "OPD pelaksana",
    target: "Target",
    gap: "Kesenjangan",
    points_available: "Poin tersedia",
    roadmap: "Peta jalan",
    step: "Langkah",
    from: "Dari",
    to: "Ke",
    gain: "Tambahan",
    index_after: "Indeks sesudah",
    predicate_after: "Predikat sesudah",
    target_met: "Target sudah tercapai.",
    target_unreachable: "Target tidak dapat dicapai: lebih tinggi dari indeks bila semua indikator di tingkat tertinggi.",
    roadmap_method: "Langkah termurah, seperti yang direncanakan `spbe gap` dengan opsi yang sama (paling sedikit, atau upaya terkecil dengan --effort): satu baris per langkah, satu tingkat satu indikator; tiap langkah menambah bobot × 1 tingkat / 100 pada indeks.",
    roadmap_none: "Tanpa peta jalan: tingkat bukan bilangan bulat (combine=mean).",
    current: "Saat ini",
    after_roadmap: "Sesudah peta jalan",
    radar_title: "Indeks aspek",
    bars_title: "Indeks domain dan rentang predikat",
    opd_title: "Jawaban OPD",
    answered: "Dijawab",
    disagreements: "Perbedaan",
    disagreement_title: "Perbedaan jawaban antar-OPD",
    levels_given: "Tingkat yang diberikan",
    used: "Dipakai",
    none: "tidak ada",
    summary: "Ringkasan",
    value: "Nilai",
    receipt: "Tanda terima",
    filled_at_lowest: "diisi tingkat terendah (tidak dijawab)",
    row: "baris",
    rows: "baris",
    warnings: "Peringatan",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_locales_pick_indonesian() {
        for l in ["id", "id_ID.UTF-8", "id-ID", "ID_id", "id.UTF-8"] {
            assert_eq!(Lang::from_locale(l), Lang::Id, "{l}");
        }
        for l in ["", "C", "C.UTF-8", "en_US.UTF-8", "POSIX", "ida", "de_DE"] {
            assert_eq!(Lang::from_locale(l), Lang::En, "{l}");
        }
    }

    #[test]
    fn the_indonesian_words_the_issue_asks_for() {
        let l = Lang::Id.labels();
        assert_eq!(
            [l.index, l.predicate, l.domain, l.aspect, l.indicator],
            ["Indeks", "Predikat", "Domain", "Aspek", "Indikator"]
        );
        assert_eq!(
            [l.level, l.target, l.gap, l.step],
            ["Tingkat", "Target", "Kesenjangan", "Langkah"]
        );
    }
}
