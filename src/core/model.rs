//! The evaluation model as data: domains (optional) → aspects → indicators, each with a weight in
//! percent, named level scales, predicate bands and display rounding. A model is data, never
//! code; [`crate::input::model`] reads and validates the YAML.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use num_traits::ToPrimitive;

use crate::core::exact::{self, Exact};
use crate::core::value::Value;

/// How far a model is to be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Read in the regulation itself.
    Official,
    /// Agreed by several secondary sources; the regulation's text was not seen.
    Secondary,
    /// Rebuilt from thin or single sources; for historical reruns only.
    Reconstructed,
}

impl Status {
    /// A one-line caution for outputs of a model that is not official; `None` when it is.
    pub fn caution(self, id: &str) -> Option<String> {
        match self {
            Status::Official => None,
            Status::Secondary => Some(format!(
                "CAUTION: model {id} is SECONDARY: built from secondary sources, the regulation's text was not seen"
            )),
            Status::Reconstructed => Some(format!(
                "CAUTION: model {id} is RECONSTRUCTED: unconfirmed, with placeholder parts; for historical reruns only"
            )),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Official => "official",
            Status::Secondary => "secondary",
            Status::Reconstructed => "reconstructed",
        })
    }
}

/// A validated model. Nodes are stored flat; children point at their parent by position.
#[derive(Debug, Clone)]
pub struct Model {
    pub id: String,
    pub name: String,
    pub version: String,
    pub source: String,
    pub status: Status,
    pub notes: Option<String>,
    /// Where it came from: `embedded:spbe-2020` or the file path.
    pub origin: String,
    /// SHA-256 of the YAML text, hex.
    pub sha256: String,
    pub min_level: u8,
    pub max_level: u8,
    /// Digits after the decimal point of an indicator's value: 0 when values are whole levels
    /// (SPBE 2020), 2 for Pemdi 2026 (`1.26`). Values are stored as whole numbers of
    /// 10^-`level_decimals` of a level (see [`crate::core::value`]).
    pub level_decimals: u32,
    pub scales: Vec<Scale>,
    /// Ascending by lower bound.
    pub predicates: Vec<Predicate>,
    pub decimals: u32,
    /// Empty for models with no domain layer (Pemdi 2026).
    pub domains: Vec<Domain>,
    pub aspects: Vec<Aspect>,
    pub indicators: Vec<Indicator>,
    /// Weight units per percent: every weight is a whole number of units (130 for 1.30 %).
    pub units_per_percent: u64,
}

#[derive(Debug, Clone)]
pub struct Scale {
    pub id: String,
    pub name: String,
    /// Names for `min_level..=max_level`, in order.
    pub level_names: Vec<String>,
    /// How sure each name is, where the model says (`min_level..=max_level`, in order).
    pub confidence: Vec<Option<Confidence>>,
}

/// How far a part of a model (a level name, a conversion band) is confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Read in the regulation, or reproduced by a real result.
    High,
    /// Agreed by secondary sources.
    Medium,
    /// One weak source, or a draft.
    Low,
    /// Plausible but not checked against anything.
    Unverified,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
            Confidence::Unverified => "unverified",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Predicate {
    pub name: String,
    pub min: Exact,
    pub max: Exact,
}

#[derive(Debug, Clone)]
pub struct Domain {
    pub id: String,
    pub name: String,
    pub weight: u64,
}

#[derive(Debug, Clone)]
pub struct Aspect {
    pub id: String,
    pub name: String,
    pub weight: u64,
    pub domain: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub id: String,
    pub code: Option<String>,
    /// Other names answer sheets may use (`I1` for Pemdi's `1.1`).
    pub aliases: Vec<String>,
    pub name: String,
    pub weight: u64,
    pub aspect: usize,
    pub scale: usize,
    /// What each level requires; `None` when the model says nothing about it.
    pub requirements: Option<Requirements>,
    /// Set when the indicator is valued from another agency's index.
    pub external: Option<External>,
}

/// An indicator valued from another agency's index (Pemdi 2026: I5 from Indeks SDI, Bappenas).
/// Until the value is known the assessors count the indicator at the lowest level.
#[derive(Debug, Clone)]
pub struct External {
    /// What `--external KEY=VALUE` names, e.g. `SDI`.
    pub key: String,
    /// The source index, e.g. `Indeks SDI (Satu Data Indonesia)`.
    pub index: String,
    /// The agency that publishes it, e.g. `Bappenas`.
    pub agency: String,
    /// The source index's scale.
    pub min: Exact,
    pub max: Exact,
    /// Source value → level, ascending: lower bound inclusive, the top band includes `max`.
    /// Empty when the conversion is not known.
    pub bands: Vec<ExternalBand>,
    /// How far the bands are confirmed.
    pub confidence: Confidence,
}

#[derive(Debug, Clone)]
pub struct ExternalBand {
    pub level: u8,
    pub min: Exact,
    pub max: Exact,
}

impl External {
    /// The level a source value converts to (lower bound inclusive; the top band includes the
    /// scale's maximum); `None` outside the scale or when no bands are known.
    pub fn level_of(&self, value: &Exact) -> Option<u8> {
        if value < &self.min || value > &self.max {
            return None;
        }
        let last = self.bands.len().checked_sub(1)?;
        self.bands
            .iter()
            .enumerate()
            .find(|(i, b)| &b.min <= value && (value < &b.max || (*i == last && value <= &b.max)))
            .map(|(_, b)| b.level)
    }

    /// `Indeks SDI (Satu Data Indonesia), Bappenas`: where the value comes from.
    pub fn source(&self) -> String {
        format!("{}, {}", self.index, self.agency)
    }
}

impl Indicator {
    /// Every name an answer sheet may use: the id, the code and the aliases.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str())
            .chain(self.code.as_deref())
            .chain(self.aliases.iter().map(String::as_str))
    }
}

/// What the levels of one indicator require and the evidence assessors expect, with the source.
#[derive(Debug, Clone, Default)]
pub struct Requirements {
    /// The document the criteria come from.
    pub source: Option<String>,
    /// A caveat about the criteria (a defect in the source, a level no source gives).
    pub note: Option<String>,
    /// One entry per level `min_level..=max_level`; `None` where the model gives no criteria.
    pub levels: Vec<Option<LevelRequirement>>,
}

/// What one level of one indicator requires.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelRequirement {
    /// What the level requires, in the model's language (Indonesian for the embedded models).
    pub criteria: String,
    /// A short English gloss, when the model has one.
    pub criteria_en: Option<String>,
    /// The documents an assessor expects (data dukung), one short item each.
    pub evidence: Vec<String>,
    /// The level's own source, else the indicator's.
    pub source: Option<String>,
    pub confidence: CriteriaConfidence,
}

impl LevelRequirement {
    /// The criteria in English when asked and a gloss exists, else in the model's language.
    pub fn criteria_text(&self, english: bool) -> &str {
        match (&self.criteria_en, english) {
            (Some(en), true) => en,
            _ => &self.criteria,
        }
    }
}

/// How far one level's criteria can be trusted: the words of the model's `status` (the
/// criteria are read in a document, or not), not the high/medium/low of [`Confidence`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CriteriaConfidence {
    /// Read in the regulation or the assessors' guide.
    Official,
    /// From secondary sources (pemda material, third-party code); the regulation was not seen.
    Secondary,
    /// From one weak source; plausible, not confirmed.
    Unverified,
}

impl CriteriaConfidence {
    /// The confidence a level has when it does not say: the model's status.
    pub fn of_status(status: Status) -> CriteriaConfidence {
        match status {
            Status::Official => CriteriaConfidence::Official,
            Status::Secondary => CriteriaConfidence::Secondary,
            Status::Reconstructed => CriteriaConfidence::Unverified,
        }
    }
}

impl fmt::Display for CriteriaConfidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CriteriaConfidence::Official => "official",
            CriteriaConfidence::Secondary => "secondary",
            CriteriaConfidence::Unverified => "unverified",
        })
    }
}

impl Model {
    /// Total weight units (100 % of the index).
    pub fn total_units(&self) -> u64 {
        100 * self.units_per_percent
    }

    /// A weight in units as exact percent.
    pub fn percent(&self, units: u64) -> Exact {
        exact::ratio(units as i64, self.units_per_percent as i64)
    }

    /// Digits needed to show weights (2 for SPBE 2020's 1.30 %).
    pub fn weight_decimals(&self) -> u32 {
        let mut d = 0;
        let mut u = self.units_per_percent;
        while u > 1 {
            u /= 10;
            d += 1;
        }
        d
    }

    /// Weight units written as percent text, e.g. `1.30`.
    pub fn weight_text(&self, units: u64) -> String {
        exact::fixed(&self.percent(units), self.weight_decimals())
    }

    pub fn levels(&self) -> std::ops::RangeInclusive<u8> {
        self.min_level..=self.max_level
    }

    /// True when indicator values are decimals (Pemdi 2026), not whole levels.
    pub fn decimal_values(&self) -> bool {
        self.level_decimals > 0
    }

    /// A value of this model from its units (1.26 is 126 units at 2 decimals).
    pub fn value(&self, units: u16) -> Value {
        Value {
            units,
            decimals: self.level_decimals as u8,
        }
    }

    /// The units of a whole level (level 2 is 200 units at 2 decimals).
    pub fn level_units(&self, level: u8) -> u16 {
        level as u16 * Value::unit(self.level_decimals)
    }

    /// The exact value of `units`, in levels.
    pub fn value_exact(&self, units: u16) -> Exact {
        self.value(units).exact()
    }

    /// The name shown beside a value: the name of its whole part (1.26 → Rintisan). For a model
    /// of whole levels only a whole level has a name (a `--combine mean` fraction has none).
    pub fn value_name(&self, indicator: usize, value: &Exact) -> Option<&str> {
        let whole = if self.decimal_values() {
            value.floor().to_integer().to_u8()
        } else {
            exact::as_whole(value).and_then(|l| u8::try_from(l).ok())
        }?;
        self.levels()
            .contains(&whole)
            .then(|| self.level_name(indicator, whole))
    }

    /// The name of `level` on the indicator's scale.
    pub fn level_name(&self, indicator: usize, level: u8) -> &str {
        let scale = &self.scales[self.indicators[indicator].scale];
        &scale.level_names[(level - self.min_level) as usize]
    }

    /// What `level` of the indicator requires, when the model says.
    pub fn requirement(&self, indicator: usize, level: u8) -> Option<&LevelRequirement> {
        let req = self.indicators[indicator].requirements.as_ref()?;
        let k = level.checked_sub(self.min_level)? as usize;
        req.levels.get(k)?.as_ref()
    }

    /// True when the model gives criteria for at least one level of one indicator.
    pub fn has_requirements(&self) -> bool {
        self.indicators
            .iter()
            .filter_map(|i| i.requirements.as_ref())
            .any(|r| r.levels.iter().any(Option::is_some))
    }

    /// The predicate band a value falls in: lower bound inclusive, the top band also
    /// includes the model's maximum.
    pub fn predicate(&self, value: &Exact) -> &Predicate {
        let last = self.predicates.len() - 1;
        self.predicates
            .iter()
            .enumerate()
            .find(|(i, p)| &p.min <= value && (value < &p.max || (*i == last && value <= &p.max)))
            .map(|(_, p)| p)
            .unwrap_or(if value < &self.predicates[0].min {
                &self.predicates[0]
            } else {
                &self.predicates[last]
            })
    }

    /// The predicate names, quoted, for messages: `"Kurang", "Cukup", ...`.
    pub fn predicate_names(&self) -> String {
        self.predicates
            .iter()
            .map(|p| format!("{:?}", p.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Finds a predicate band by name, case-insensitively.
    pub fn predicate_named(&self, name: &str) -> Option<&Predicate> {
        let want = name.trim().to_lowercase();
        self.predicates
            .iter()
            .find(|p| p.name.to_lowercase() == want)
    }

    /// Finds an indicator by id, code or alias, case-insensitively, ignoring surrounding spaces.
    pub fn find_indicator(&self, key: &str) -> Option<usize> {
        let k = key.trim();
        self.indicators
            .iter()
            .position(|i| i.keys().any(|n| n.eq_ignore_ascii_case(k)))
    }

    /// The indicators valued from another agency's index, by position.
    pub fn external_indicators(&self) -> impl Iterator<Item = (usize, &External)> {
        self.indicators
            .iter()
            .enumerate()
            .filter_map(|(i, ind)| ind.external.as_ref().map(|e| (i, e)))
    }
}

/// Answers store their indicator's position in 8 bits (a million answers stay small: an
/// answer is 20 bytes with a 16-bit value).
pub const MAX_INDICATORS: usize = u8::MAX as usize + 1;

/// The first 12 characters of a hash, for people (a hash read from a JSON file may be anything,
/// so this cuts on a character boundary).
pub fn short_hash(h: &str) -> &str {
    match h.char_indices().nth(12) {
        Some((end, _)) => &h[..end],
        None => h,
    }
}
