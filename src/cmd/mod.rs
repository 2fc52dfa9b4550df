//! One module per subcommand, each with its arguments and `run`.

pub mod check;
pub mod diff;
pub mod gap;
pub mod models;
pub mod opd;
pub mod result;
pub mod score;
pub mod trend;
