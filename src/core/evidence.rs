//! Evidence items and the level they support: a *simulation of the self-assessment, never an
//! official value*. Pure.
//!
//! In the Pemdi application each level of each indicator has numbered evidence items, coded
//! `I{indicator}-L{level}-{NN}` (`I1-L2-03`). The assessors mark each item accepted
//! (*diterima*) or for revision (*revisi*, with a reason such as *tidak tepat*, *belum
//! diunggah*, or *ditolak otomatis*: an L2 item is rejected automatically while the L1 items are
//! not accepted). Pemda teams simulate their level as the highest level whose items, and every
//! lower level's items, are all accepted; a level with no item listed cannot be claimed. How the
//! assessors turn items into a decimal value such as 1.26 is not published, so no such value is
//! computed here: the simulated level is a whole level.

use crate::core::answers::InputFile;
use crate::core::model::Model;

/// What the assessors said about one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    /// *Diterima*.
    Accepted,
    /// *Revisi*, usually with a reason.
    Revision,
    /// No status yet (an item uploaded but not assessed, or a pemda's own checklist).
    NotAssessed,
}

impl ItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Accepted => "accepted",
            ItemStatus::Revision => "revision",
            ItemStatus::NotAssessed => "not assessed",
        }
    }

    /// The word Indonesian users see.
    pub fn as_id(self) -> &'static str {
        match self {
            ItemStatus::Accepted => "diterima",
            ItemStatus::Revision => "revisi",
            ItemStatus::NotAssessed => "belum dinilai",
        }
    }
}

/// One evidence item as read from an item sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The code as written, normalised: `I1-L2-03`.
    pub code: String,
    /// The indicator's position in the model.
    pub indicator: usize,
    pub level: u8,
    pub number: u16,
    pub status: ItemStatus,
    pub reason: Option<String>,
    pub opd: Option<String>,
    pub file: Option<String>,
    pub note: Option<String>,
    /// Where it was read: the input's position in [`ItemSet::files`] and the line.
    pub input: usize,
    pub line: u64,
}

/// Every item read.
#[derive(Debug, Clone, Default)]
pub struct ItemSet {
    pub items: Vec<Item>,
    pub files: Vec<InputFile>,
    pub warnings: Vec<String>,
}

/// The items of one level of one indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelItems {
    pub level: u8,
    pub accepted: usize,
    pub revision: usize,
    pub not_assessed: usize,
}

impl LevelItems {
    pub fn total(&self) -> usize {
        self.accepted + self.revision + self.not_assessed
    }

    /// True when the level has items and every one is accepted.
    pub fn complete(&self) -> bool {
        self.total() > 0 && self.accepted == self.total()
    }
}

/// One indicator's items, by level, and the level they support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorItems {
    pub indicator: usize,
    /// Every level of the model, lowest first.
    pub levels: Vec<LevelItems>,
    /// The highest level whose items, and every lower level's, are all accepted; the model's
    /// lowest level when even the lowest level's items are not all accepted.
    pub simulated: u8,
    /// The items not accepted, in code order (positions in [`ItemSet::items`]).
    pub open: Vec<usize>,
    /// The first level above the simulated one that has no item listed, if that is what stops
    /// it (rather than an item not accepted).
    pub unlisted: Option<u8>,
}

/// The roll-up of every indicator that has items, in model order.
pub fn roll_up(model: &Model, set: &ItemSet) -> Vec<IndicatorItems> {
    let mut out = Vec::new();
    for i in 0..model.indicators.len() {
        let mine: Vec<usize> = (0..set.items.len())
            .filter(|&k| set.items[k].indicator == i)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let levels: Vec<LevelItems> = model
            .levels()
            .map(|level| {
                let mut l = LevelItems {
                    level,
                    accepted: 0,
                    revision: 0,
                    not_assessed: 0,
                };
                for &k in mine.iter().filter(|&&k| set.items[k].level == level) {
                    match set.items[k].status {
                        ItemStatus::Accepted => l.accepted += 1,
                        ItemStatus::Revision => l.revision += 1,
                        ItemStatus::NotAssessed => l.not_assessed += 1,
                    }
                }
                l
            })
            .collect();
        // Cumulative: the first level that is not complete stops the climb.
        let mut simulated = model.min_level;
        let mut unlisted = None;
        for l in &levels {
            if !l.complete() {
                if l.total() == 0 {
                    unlisted = Some(l.level);
                }
                break;
            }
            simulated = l.level;
        }
        let mut open: Vec<usize> = mine
            .iter()
            .copied()
            .filter(|&k| set.items[k].status != ItemStatus::Accepted)
            .collect();
        open.sort_by_key(|&k| (set.items[k].level, set.items[k].number));
        out.push(IndicatorItems {
            indicator: i,
            levels,
            simulated,
            open,
            unlisted,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(indicator: usize, level: u8, number: u16, status: ItemStatus) -> Item {
        Item {
            code: format!("I{}-L{level}-{number:02}", indicator + 1),
            indicator,
            level,
            number,
            status,
            reason: None,
            opd: None,
            file: None,
            note: None,
            input: 0,
            line: 2,
        }
    }

    /// What the roll-up simulates for the items listed, per indicator: (indicator, level, the
    /// lowest level with no item listed). Items are written per indicator, level by level from
    /// level 1, separated by spaces: one letter an item (numbered from 1), `A` accepted, `R`
    /// under revision, `N` not assessed; `-` for a level with no item listed.
    fn simulated(listed: &[(usize, &str)]) -> Vec<(usize, u8, Option<u8>)> {
        let mut items = Vec::new();
        for &(indicator, levels) in listed {
            for (level, statuses) in (1..).zip(levels.split(' ')) {
                for (number, c) in (1..).zip(statuses.chars().filter(|&c| c != '-')) {
                    let status = match c {
                        'A' => ItemStatus::Accepted,
                        'R' => ItemStatus::Revision,
                        'N' => ItemStatus::NotAssessed,
                        other => panic!("unknown status {other:?}"),
                    };
                    items.push(item(indicator, level, number, status));
                }
            }
        }
        let m = Model::load("pemdi-2026").unwrap();
        let set = ItemSet {
            items,
            ..ItemSet::default()
        };
        roll_up(&m, &set)
            .iter()
            .map(|r| (r.indicator, r.simulated, r.unlisted))
            .collect()
    }

    #[test]
    fn the_highest_level_whose_items_and_every_lower_levels_are_accepted() {
        assert_eq!(simulated(&[(0, "AA A RA A")]), [(0, 2, None)]);
    }

    #[test]
    fn an_l2_item_accepted_while_l1_is_under_revision_keeps_level_1() {
        assert_eq!(simulated(&[(2, "RA AA")]), [(2, 1, None)]);
    }

    #[test]
    fn a_level_with_no_item_listed_cannot_be_claimed() {
        assert_eq!(
            simulated(&[(4, "A A - A"), (7, "- A"), (9, "N")]),
            [(4, 2, Some(3)), (7, 1, Some(1)), (9, 1, None)]
        );
    }
}
