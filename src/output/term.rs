//! Terminal manners: colour, table width and style, and how talkative the tool is. Set once from
//! the global flags (`--color`, `--ascii`, `--quiet`, `-v`); read by the renderers and by
//! [`warn`] / [`verbose`]. Machine formats (JSON, CSV, Markdown) never ask for colour.

use std::io::IsTerminal;
use std::sync::OnceLock;

use anstyle::{AnsiColor, Style};

use crate::output::escape;
use clap::ValueEnum;

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    /// Always colour (even into a pipe or file).
    Always,
    /// Never colour.
    Never,
}

/// The global settings of one run.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub color: ColorChoice,
    /// Draw tables with ASCII characters only.
    pub ascii: bool,
    /// Silence warnings.
    pub quiet: bool,
    /// How much to explain on stderr (0: nothing).
    pub verbose: u8,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Sets the run's settings; the first call wins (tests may run several commands in a process).
pub fn init(settings: Settings) {
    let _ = SETTINGS.set(settings);
}

/// The run's settings (defaults when [`init`] was never called, e.g. in unit tests).
pub fn settings() -> &'static Settings {
    SETTINGS.get_or_init(Settings::default)
}

/// Whether NO_COLOR asks for no colour (set and not empty, per no-color.org).
fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether to colour a human-readable stream. `to_terminal` says whether that stream is a
/// terminal (false for `-o FILE` or a pipe). `auto` also stays plain on `TERM=dumb` and on a
/// Windows console that cannot be switched to ANSI escape codes.
pub fn color_for(to_terminal: bool) -> bool {
    match settings().color {
        ColorChoice::Always => {
            // Best effort: old Windows consoles show escape codes only once this is enabled.
            let _ = anstyle_query::windows::enable_ansi_colors();
            true
        }
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            auto_color(
                to_terminal,
                no_color_env(),
                std::env::var_os("TERM").is_some_and(|t| t == "dumb"),
            ) && anstyle_query::windows::enable_ansi_colors().unwrap_or(true)
        }
    }
}

/// The `auto` rule: a terminal that is not dumb, and NO_COLOR not set.
fn auto_color(to_terminal: bool, no_color: bool, dumb_terminal: bool) -> bool {
    to_terminal && !no_color && !dumb_terminal
}

/// Whether to colour what goes to stdout.
pub fn color_stdout() -> bool {
    color_for(std::io::stdout().is_terminal())
}

/// Whether to colour what goes to stderr.
pub fn color_stderr() -> bool {
    color_for(std::io::stderr().is_terminal())
}

/// `text` in `style` when `on`, plain otherwise.
pub fn paint(text: &str, style: Style, on: bool) -> String {
    if on {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

/// The style of a predicate band: the best band green, the worst red, the rest yellow.
/// `rank` counts from the lowest band (0) to the highest (`bands - 1`).
pub fn predicate_style(rank: usize, bands: usize) -> Style {
    let color = if bands > 1 && rank + 1 == bands {
        AnsiColor::Green
    } else if rank == 0 && bands > 1 {
        AnsiColor::Red
    } else {
        AnsiColor::Yellow
    };
    Style::new().bold().fg_color(Some(color.into()))
}

/// Set when the command's output goes to a file (`-o`): tables then keep their natural width
/// instead of the terminal's.
static OUTPUT_IS_FILE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Records that the output goes to a file (called by [`crate::output::destination::Output::create`]).
pub fn set_output_is_file() {
    OUTPUT_IS_FILE.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether tables may be fitted to the terminal (the output is not a file).
pub fn fit_to_terminal() -> bool {
    !OUTPUT_IS_FILE.load(std::sync::atomic::Ordering::Relaxed)
}

/// The width tables must fit: `COLUMNS` when set to a number (CI logs, tests); otherwise `None`,
/// and the table measures the terminal itself (no limit when not a terminal).
pub fn columns() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|&c| c >= 20)
}

/// Prints warnings to stderr, one per line (control characters escaped), unless `--quiet`.
pub fn warn(warnings: &[String]) {
    if settings().quiet {
        return;
    }
    let label = paint(
        "warning:",
        Style::new().bold().fg_color(Some(AnsiColor::Yellow.into())),
        color_stderr(),
    );
    for w in warnings {
        eprintln!("{label} {}", escape::terminal_line(w));
    }
}

/// Explains a step on stderr when `-v` was given (`spbe: model spbe-2020 ...`).
pub fn verbose(message: impl AsRef<str>) {
    if settings().verbose > 0 {
        eprintln!("spbe: {}", escape::terminal_line(message.as_ref()));
    }
}

/// Prints the final error of a run (the `{:#}` chain) to stderr, control characters escaped
/// (its line breaks kept).
pub fn error(message: &str) {
    let label = paint(
        "error:",
        Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
        color_stderr(),
    );
    eprintln!("{label} {}", escape::terminal(message));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_is_plain_when_off() {
        let s = predicate_style(2, 5);
        assert_eq!(paint("Baik", s, false), "Baik");
        assert_eq!(paint("Baik", s, true), "\u{1b}[1m\u{1b}[33mBaik\u{1b}[0m");
    }

    #[test]
    fn auto_colours_only_a_real_terminal_without_no_color() {
        assert!(auto_color(true, false, false));
        assert!(!auto_color(false, false, false), "a pipe or file");
        assert!(!auto_color(true, true, false), "NO_COLOR");
        assert!(!auto_color(true, false, true), "TERM=dumb");
    }

    #[test]
    fn bands_get_traffic_light_colours() {
        let fg = |r| predicate_style(r, 5).get_fg_color();
        assert_eq!(fg(4), Some(AnsiColor::Green.into()));
        assert_eq!(fg(0), Some(AnsiColor::Red.into()));
        assert_eq!(fg(2), Some(AnsiColor::Yellow.into()));
    }
}
