//! `spbe schema`: the JSON Schema of the model YAML format, for editors and CI checks.

use std::io::Write;

use clap::Args;

use crate::cmd::args::SUCCESS;
use crate::output::destination::Output;

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  spbe schema -o model.schema.json
  spbe schema | jq '.properties | keys'

A model YAML whose first line is
  # yaml-language-server: $schema=model.schema.json
is completed and checked by editors using the YAML language server (VS Code's YAML extension).")]
pub struct SchemaArgs {
    /// Write to this file instead of stdout (`-` is stdout).
    #[arg(long, short = 'o', value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: Option<std::path::PathBuf>,
}

pub fn run(args: &SchemaArgs) -> anyhow::Result<u8> {
    let mut out = Output::create(args.output.as_deref(), &[])?;
    out.write_all(crate::input::model::json_schema().as_bytes())?;
    out.finish()?;
    Ok(SUCCESS)
}
