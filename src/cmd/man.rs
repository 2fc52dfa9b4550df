//! `spbe man`: the man page (roff), generated from the command line's definition, with the
//! exit-status contract and examples as sections of their own.

use std::io::Write;

use anyhow::bail;
use clap::{Args, CommandFactory};
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use crate::cmd::args::{Cli, SUCCESS};
use crate::output::destination::Output;

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  spbe man | man -l -
  spbe man > /usr/local/share/man/man1/spbe.1
  spbe man score > /usr/local/share/man/man1/spbe-score.1")]
pub struct ManArgs {
    /// A subcommand whose page to print (spbe-score(1), ...); without it, the page of spbe.
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

pub fn run(args: &ManArgs) -> anyhow::Result<u8> {
    let page = page(args.subcommand.as_deref())?;
    let mut out = Output::create(None, &[])?;
    out.write_all(&page)?;
    out.finish()?;
    Ok(SUCCESS)
}

/// The roff text of the page of spbe, or of one of its subcommands.
pub fn page(subcommand: Option<&str>) -> anyhow::Result<Vec<u8>> {
    let mut root = Cli::command();
    root.build();
    let cmd = match subcommand {
        None => root,
        Some(name) => {
            let Some(sub) = root
                .get_subcommands()
                .find(|c| c.get_name() == name && name != "help")
            else {
                let names: Vec<&str> = root
                    .get_subcommands()
                    .map(|c| c.get_name())
                    .filter(|n| *n != "help")
                    .collect();
                bail!(
                    "no subcommand {name:?}; the subcommands are: {}",
                    names.join(", ")
                );
            };
            // Built above, so its display name is `spbe-<name>` (the page title).
            sub.clone()
        }
    };
    let examples = cmd
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    let man = Man::new(cmd.clone())
        .date("")
        .source(format!("spbe {}", env!("CARGO_PKG_VERSION")));
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf)?;
    }
    if cmd.get_subcommands().next().is_some() {
        man.render_subcommands_section(&mut buf)?;
    }
    let mut roff = Roff::default();
    let examples: Vec<&str> = examples
        .lines()
        .skip_while(|l| !l.starts_with("Examples:"))
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        for e in examples {
            roff.control("TP", []).text([bold(e)]);
        }
    }
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        (
            "0",
            "Success: everything went as asked (a closed output pipe also counts as success).",
        ),
        (
            "1",
            "A gate failed: the index is below a required threshold, or a target cannot be reached.",
        ),
        (
            "2",
            "An error: bad arguments, an unreadable or invalid model or answer sheet, or a file that would be overwritten.",
        ),
    ] {
        roff.control("TP", [])
            .text([bold(code)])
            .text([roman(meaning)]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    roff.control("TP", []).text([bold("NO_COLOR")]).text([roman(
        "When set and not empty, output is not coloured under --color auto.",
    )]);
    roff.control("TP", []).text([bold("COLUMNS")]).text([roman(
        "The width tables must fit, when the terminal cannot be measured (CI logs).",
    )]);
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman(
        "spbe(1), spbe-score(1); the documentation in docs/ of the source repository.",
    )]);
    roff.to_writer(&mut buf)?;
    if cmd.get_version().is_some() {
        man.render_version_section(&mut buf)?;
    }
    Ok(buf)
}
