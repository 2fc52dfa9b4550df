//! Every `--help` text, kept as a snapshot so that an accidental change to the command line shows
//! up in review. The subcommands are found through clap's own definition, so a new subcommand is
//! covered as soon as its snapshot is accepted (`cargo insta review`, or `INSTA_UPDATE=always`).

use clap::CommandFactory;

use spbe::cmd::args::Cli;

use crate::harness::spbe;

/// Every command path: `[]` for spbe itself, `["score"]`, ... (nested subcommands included).
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(prefix.clone());
        for sub in cmd.get_subcommands() {
            if sub.get_name() == "help" {
                continue;
            }
            let mut path = prefix.clone();
            path.push(sub.get_name().to_string());
            walk(sub, path, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), Vec::new(), &mut out);
    out
}

fn help(path: &[String]) -> String {
    // The help snapshots were recorded at 100 columns (narrower than the tables' width) and
    // without NO_COLOR.
    let out = spbe()
        .args(path)
        .arg("--help")
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(out.status.success(), "spbe {path:?} --help failed");
    assert!(out.stderr.is_empty());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_help_text_is_unchanged() {
    // Every command is compared before failing, so that one run writes every `.snap.new` and a
    // single `cargo insta review` shows all the changes.
    let mut changed = Vec::new();
    for path in command_paths() {
        let name = if path.is_empty() {
            "spbe".to_string()
        } else {
            format!("spbe-{}", path.join("-"))
        };
        let text = help(&path);
        let same = std::panic::catch_unwind(|| {
            insta::assert_snapshot!(format!("help-{name}"), text);
        });
        if same.is_err() {
            changed.push(name);
        }
    }
    assert!(
        changed.is_empty(),
        "--help changed for: {}; review with `cargo insta review`",
        changed.join(", ")
    );
}

#[test]
fn every_subcommand_shows_real_examples() {
    for path in command_paths() {
        let text = help(&path);
        let examples = text
            .split_once("Examples:\n")
            .map(|(_, rest)| rest)
            .unwrap_or_else(|| panic!("spbe {} --help has no Examples: section", path.join(" ")));
        let first = examples.lines().next().unwrap_or_default().trim_start();
        assert!(
            first.starts_with("spbe "),
            "spbe {} --help: the first example should be a command line, got {first:?}",
            path.join(" ")
        );
    }
}

#[test]
fn global_flags_are_accepted_after_any_subcommand() {
    for path in command_paths().into_iter().filter(|p| !p.is_empty()) {
        let text = help(&path);
        for flag in ["--color <WHEN>", "--ascii", "--quiet", "--verbose"] {
            assert!(
                text.contains(flag),
                "spbe {} --help lacks {flag}",
                path.join(" ")
            );
        }
    }
}
