//! `spbe`: Indonesia's SPBE e-government maturity index, computed exactly.
//!
//! Four rooms, arrows pointing inward only (`cmd` → `input`/`output` → `core`):
//! [`core`] is pure (model and answers in, exact numbers out; no I/O, no clap, no JSON);
//! [`input`] reads files (model YAML, answer sheets, side files); [`output`] writes them (one
//! exporter per format, the `-o` destination, terminal and language); [`cmd`] holds one short
//! module per subcommand. See docs/architecture.md.

pub mod cmd;
pub mod core;
pub mod input;
pub mod output;
