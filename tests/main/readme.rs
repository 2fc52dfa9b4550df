//! The README's quickstart shows the real output of its first command; this keeps it true.

use std::path::Path;

use crate::harness::{Dir, ROOT, pin, spbe};

/// The lines of the README's console block that follow `$ {command}`, up to the next prompt or
/// the end of the block.
fn shown_output(readme: &str, command: &str) -> String {
    let mut lines = readme.lines().skip_while(|l| *l != format!("$ {command}"));
    assert!(lines.next().is_some(), "the README shows `$ {command}`");
    let mut out = String::new();
    for line in lines {
        if line.starts_with("```") || line.starts_with("$ ") {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn quickstart_output_is_the_real_output() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let shown = shown_output(&readme, "cargo run --release -- score examples/kota-contoh");
    let out = spbe()
        .args(["score", "examples/kota-contoh"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        shown,
        String::from_utf8(out.stdout).unwrap(),
        "update the README's quickstart output"
    );
}

/// Every `$ spbe …` line in the README, run in order in a scratch folder holding a copy of
/// `examples/` (so commands that write files write them there): each must succeed (0) or report
/// a failed gate (1), never an error.
#[test]
fn every_readme_command_runs_as_shown() {
    let root = Path::new(ROOT);
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let dir = Dir::new();
    copy_dir(&root.join("examples"), &dir.join("examples"));
    let bin = Path::new(env!("CARGO_BIN_EXE_spbe"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let commands: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("$ "))
        .filter(|c| c.starts_with("spbe "))
        .collect();
    assert!(commands.len() >= 15, "found {} commands", commands.len());
    for command in commands {
        // The shell runs `spbe` with the harness's environment, in the scratch folder.
        let out = pin(std::process::Command::new("sh").arg("-c").arg(command))
            .current_dir(dir.path())
            .env("PATH", &path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 1)) && !stderr.contains("error:"),
            "README command `{command}` exited {:?}: {stderr}",
            out.status.code()
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
