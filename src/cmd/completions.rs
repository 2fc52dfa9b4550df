//! `spbe completions`: a shell completion script, generated from the command line's definition.

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cmd::args::{Cli, SUCCESS};
use crate::output::destination::Output;

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  spbe completions bash > ~/.local/share/bash-completion/completions/spbe
  spbe completions powershell >> $PROFILE")]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> anyhow::Result<u8> {
    // Generated into memory first: clap_complete panics when its writer fails (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "spbe", &mut script);
    let mut out = Output::create(None, &[])?;
    out.write_all(&script)?;
    out.finish()?;
    Ok(SUCCESS)
}
