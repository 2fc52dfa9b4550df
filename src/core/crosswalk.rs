//! The bridge from one model to another (SPBE 2020 → Pemdi 2026): a baseline value per target
//! indicator from the source model's consolidated levels, by a mapping the user supplies. No
//! official crosswalk is published (spbe-facts.md §3): pemda use mappings of their own, and
//! every value made here says where it came from. Pure.

use crate::core::exact::{self, Exact};
use crate::core::model::Model;

/// How the source levels of one target indicator become its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum How {
    /// The exact mean, rounded half up to the target model's decimals.
    Mean,
    /// The lowest source level.
    Min,
    /// The highest source level.
    Max,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Mean => "mean",
            How::Min => "min",
            How::Max => "max",
        }
    }
}

/// One row of a mapping: which source indicators feed one target indicator, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// The target indicator's position in the target model.
    pub target: usize,
    /// Source indicator positions, in the order written.
    pub sources: Vec<usize>,
    pub how: How,
    pub note: Option<String>,
}

/// A whole mapping file.
#[derive(Debug, Clone, Default)]
pub struct Map {
    /// `example` for a mapping shipped to learn from; whatever the file says otherwise.
    pub status: String,
    pub note: Option<String>,
    pub rows: Vec<Mapping>,
}

/// One source level as used.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceLevel {
    pub indicator: usize,
    pub level: Exact,
    /// True when nobody answered it and it scored at the source model's lowest level.
    pub filled: bool,
}

/// A target indicator's baseline value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub target: usize,
    /// The value in the target model's units (what the answer sheet says).
    pub units: u16,
    /// The combined value before rounding to the target's decimals or clamping to its range.
    pub combined: Exact,
    /// True when `combined` had more digits than the target keeps (a mean), so it was rounded
    /// half up.
    pub rounded: bool,
    /// True when `combined` was outside the target's range and was clamped into it.
    pub clamped: bool,
    pub sources: Vec<SourceLevel>,
    pub how: How,
    pub note: Option<String>,
}

/// The baseline of every mapped target indicator, in the map's order. `levels[i]` and
/// `filled[i]` are the source model's consolidated level of indicator `i` and whether it was
/// filled in at the lowest level.
pub fn baseline(target: &Model, levels: &[Exact], filled: &[bool], map: &Map) -> Vec<Baseline> {
    let unit = exact::int(crate::core::value::Value::unit(target.level_decimals) as i64);
    let lo = exact::int(target.min_level as i64);
    let hi = exact::int(target.max_level as i64);
    map.rows
        .iter()
        .map(|m| {
            let sources: Vec<SourceLevel> = m
                .sources
                .iter()
                .map(|&i| SourceLevel {
                    indicator: i,
                    level: levels[i].clone(),
                    filled: filled[i],
                })
                .collect();
            let values = sources.iter().map(|s| &s.level);
            let combined = match m.how {
                How::Min => values.min().cloned(),
                How::Max => values.max().cloned(),
                How::Mean => {
                    let n = exact::int(sources.len() as i64);
                    Some(sources.iter().map(|s| &s.level).sum::<Exact>() / n)
                }
            }
            .expect("a mapping row has a source");
            let scaled = &combined * &unit;
            let rounded = !scaled.is_integer();
            let in_range = exact::round_half_up(&combined, target.level_decimals);
            let clamped = in_range < lo || in_range > hi;
            let value = in_range.clamp(lo.clone(), hi.clone());
            let units = (value * &unit)
                .to_integer()
                .try_into()
                .expect("a level in range fits the units");
            Baseline {
                target: m.target,
                units,
                combined,
                rounded,
                clamped,
                sources,
                how: m.how,
                note: m.note.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exact::{int, ratio};

    #[test]
    fn every_way_of_combining_and_the_rounding_of_a_mean() {
        let spbe = Model::load("spbe-2020").unwrap();
        let pemdi = Model::load("pemdi-2026").unwrap();
        let mut levels = vec![int(1); spbe.indicators.len()];
        levels[10] = int(3);
        levels[11] = int(2);
        levels[12] = int(2);
        let filled: Vec<bool> = (0..levels.len()).map(|i| i == 13).collect();
        let row = |sources: Vec<usize>, how| Mapping {
            target: 0,
            sources,
            how,
            note: None,
        };
        let map = Map {
            rows: vec![
                row(vec![10, 11], How::Mean),
                row(vec![10, 11, 12], How::Mean),
                row(vec![10, 11, 12], How::Min),
                row(vec![10, 13], How::Max),
            ],
            ..Map::default()
        };
        let b = baseline(&pemdi, &levels, &filled, &map);
        let units: Vec<u16> = b.iter().map(|b| b.units).collect();
        assert_eq!(units, [250, 233, 200, 300]);
        assert_eq!(b[1].combined, ratio(7, 3));
        assert!(b[1].rounded && !b[0].rounded);
        assert!(b[3].sources[1].filled);
        assert_eq!(spbe.indicators[b[3].sources[1].indicator].id, "14");
    }
}
