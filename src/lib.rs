//! `spbe`: Indonesia's SPBE e-government maturity index, computed exactly.
//!
//! The scoring core ([`score`], [`consolidate`]) is pure; [`model`] and [`answers`] read input,
//! [`render`] and [`output`] write it, [`cmd`] holds one module per subcommand.

pub mod answers;
pub mod cli;
pub mod cmd;
pub mod consolidate;
pub mod decode;
pub mod diff;
pub mod effort;
pub mod exact;
pub mod i18n;
pub mod intern;
pub mod json;
pub mod model;
pub mod opd;
pub mod output;
pub mod owners;
pub mod plan;
pub mod render;
pub mod report;
pub mod score;
pub mod scorecard;
pub mod stage;
pub mod term;
pub mod text_sheet;
pub mod trend;
pub mod workbook;
