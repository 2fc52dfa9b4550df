//! One module per subcommand, each with its arguments and `run`.

pub mod models;
pub mod opd;
pub mod score;
