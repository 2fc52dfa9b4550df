//! Efforts: what one level step costs, per indicator and level reached, as exact whole numbers
//! (scaled). Read by [`crate::input::effort`]; the planner minimises their sum.

use crate::core::exact::{self, Exact};
use crate::core::model::Model;

/// The effort of every step, scaled to whole numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Efforts {
    /// `cost[i][to]`: the scaled effort of raising indicator `i` to level `to`.
    pub(crate) cost: Vec<Vec<u64>>,
    /// Efforts were multiplied by this to make them whole.
    pub(crate) scale: u64,
}

impl Efforts {
    /// Unit effort: every step costs 1.
    pub fn unit(model: &Model) -> Efforts {
        Efforts {
            cost: vec![vec![1; model.max_level as usize + 1]; model.indicators.len()],
            scale: 1,
        }
    }

    /// The scaled effort of raising indicator `i` to level `to`.
    pub fn cost(&self, i: usize, to: u8) -> u64 {
        self.cost[i][to as usize]
    }

    /// A scaled effort back in the file's unit, exactly.
    pub fn unscale(&self, scaled: u64) -> Exact {
        exact::ratio(scaled as i64, self.scale as i64)
    }
}
