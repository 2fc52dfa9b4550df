//! One module per subcommand, each with its arguments and `run`.

pub mod diff;
pub mod models;
pub mod result;
pub mod score;
pub mod trend;
