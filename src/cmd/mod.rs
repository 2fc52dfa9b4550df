//! One module per subcommand, each with its arguments and `run`.

pub mod completions;
pub mod init;
pub mod man;
pub mod models;
pub mod schema;
pub mod score;
