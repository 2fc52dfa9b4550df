//! `spbe`: the exit-code contract. 0 success, 1 a gate failed (check, an unreachable target),
//! 2 an error (bad arguments or input), printed once with its context chain and never a
//! backtrace; a closed pipe (`spbe score … | head`) is success.

use std::io;
use std::process::ExitCode;

use clap::Parser;
use spbe::cmd::args::{Cli, ERROR, SUCCESS, dispatch};
use spbe::output::term;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { ERROR } else { SUCCESS };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    term::init(cli.settings());
    match dispatch(&cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::from(SUCCESS),
        Err(e) => {
            term::error(&format!("{e:#}"));
            ExitCode::from(ERROR)
        }
    }
}

/// True when the error is a closed pipe, however deep: an io error, or one wrapped by
/// serde_json or csv, which keep it inside their own error types.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    let pipe = Some(io::ErrorKind::BrokenPipe);
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>().map(io::Error::kind) == pipe
            || c.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == pipe
            || c.downcast_ref::<csv::Error>().and_then(|e| match e.kind() {
                csv::ErrorKind::Io(io) => Some(io.kind()),
                _ => None,
            }) == pipe
    })
}
