//! One module per subcommand, each with its arguments and `run`.

pub mod models;
pub mod report;
pub mod score;
