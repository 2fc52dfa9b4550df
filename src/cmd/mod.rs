//! One module per subcommand, each with its arguments and `run`.

pub mod check;
pub mod gap;
pub mod models;
pub mod score;
