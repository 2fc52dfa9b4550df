//! The pure core: the model, answers, consolidation, the score, and the domain steps built on
//! them (planning, OPD analysis, differences and trends). No file or terminal I/O, no clap, no
//! serde_json: everything here is a function of its arguments.

pub mod answers;
pub mod compare;
pub mod consolidate;
pub mod crosswalk;
pub mod diff;
pub mod effort;
pub mod evaluate;
pub mod evidence;
pub mod exact;
pub mod external;
pub mod model;
pub mod opd;
pub mod owners;
pub mod plan;
pub mod score;
pub mod scorecard;
pub mod stage;
pub mod trend;
pub mod value;
