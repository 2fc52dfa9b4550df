//! One module per subcommand, each with its arguments and `run`.

pub mod args;
pub mod check;
pub mod compare;
pub mod completions;
pub mod crosswalk;
pub mod diff;
pub mod evidence;
pub mod explain;
pub mod gap;
pub mod init;
pub mod man;
pub mod models;
pub mod opd;
pub mod report;
pub mod schema;
pub mod score;
pub mod template;
pub mod trend;
pub mod validate;
