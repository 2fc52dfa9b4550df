//! One module per subcommand, each with its arguments and `run`.

pub mod models;
pub mod score;
pub mod template;
pub mod validate;
