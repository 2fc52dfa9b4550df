//! The evaluation model as data: domains (optional) → aspects → indicators, each with a weight in
//! percent, named level scales, predicate bands and display rounding. A model is data, never
//! code; [`crate::input::model`] reads and validates the YAML.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::core::exact::{self, Exact};

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
    pub name: String,
    pub weight: u64,
    pub aspect: usize,
    pub scale: usize,
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

    /// The name of `level` on the indicator's scale.
    pub fn level_name(&self, indicator: usize, level: u8) -> &str {
        let scale = &self.scales[self.indicators[indicator].scale];
        &scale.level_names[(level - self.min_level) as usize]
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

    /// Finds an indicator by id or code, case-insensitively, ignoring surrounding spaces.
    pub fn find_indicator(&self, key: &str) -> Option<usize> {
        let k = key.trim();
        self.indicators.iter().position(|i| {
            i.id.eq_ignore_ascii_case(k)
                || i.code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(k))
        })
    }
}

/// Answers store their indicator's position in 16 bits (a million answers stay small).
pub const MAX_INDICATORS: usize = u16::MAX as usize;

/// The first 12 characters of a hash, for people (a hash read from a JSON file may be anything,
/// so this cuts on a character boundary).
pub fn short_hash(h: &str) -> &str {
    match h.char_indices().nth(12) {
        Some((end, _)) => &h[..end],
        None => h,
    }
}
