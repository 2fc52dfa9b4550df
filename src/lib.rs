//! `spbe`: Indonesia's SPBE e-government maturity index, computed exactly.
//!
//! The scoring core ([`score`], [`consolidate`]) is pure; [`model`] and [`answers`] read input,
//! [`render`] and [`output`] write it, [`cmd`] holds one module per subcommand.

pub mod answers;
pub mod cli;
pub mod cmd;
pub mod consolidate;
pub mod decode;
pub mod exact;
pub mod model;
pub mod output;
pub mod render;
pub mod score;
pub mod scorecard;
pub mod workbook;
