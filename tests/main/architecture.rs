//! The layout docs/architecture.md promises, checked: the core is pure (no file or terminal
//! I/O, no clap, no JSON) and arrows point inward only (core imports nothing of input, output or
//! cmd; input and output import nothing of cmd).

use std::path::Path;

use crate::harness::ROOT;

/// Every `.rs` file under `dir`, with its text up to its `#[cfg(test)]` module (tests may use
/// what they like).
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap().to_string();
            out.push((path.display().to_string(), code));
        }
    }
    out
}

fn offenders(room: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (file, code) in sources(&Path::new(ROOT).join("src").join(room)) {
        for (n, line) in code.lines().enumerate() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            for f in forbidden {
                if line.contains(f) {
                    found.push(format!("{file}:{}: {f}: {line}", n + 1));
                }
            }
        }
    }
    found
}

#[test]
fn the_core_is_pure() {
    let found = offenders(
        "core",
        &[
            "std::fs",
            "std::io",
            "serde_json",
            "clap",
            "println!",
            "eprintln!",
            "crate::input",
            "crate::output",
            "crate::cmd",
        ],
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn input_and_output_do_not_reach_into_commands() {
    let mut found = offenders("input", &["crate::cmd", "crate::output"]);
    found.extend(offenders("output", &["crate::cmd"]));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn commands_do_not_import_each_other() {
    let mut found = Vec::new();
    for (file, code) in sources(&Path::new(ROOT).join("src").join("cmd")) {
        if file.ends_with("args.rs") || file.ends_with("mod.rs") {
            continue;
        }
        for (n, line) in code.lines().enumerate() {
            if line.contains("crate::cmd::") && !line.contains("crate::cmd::args") {
                found.push(format!("{file}:{}: {line}", n + 1));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
