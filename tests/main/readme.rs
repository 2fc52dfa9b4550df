//! The README's quickstart shows the real output of its first command; this keeps it true.

use assert_cmd::Command;

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
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let shown = shown_output(&readme, "cargo run --release -- score examples/kota-contoh");
    let out = Command::cargo_bin("spbe")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
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
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root.join("examples"), &dir.path().join("examples"));
    let bin = assert_cmd::cargo::cargo_bin("spbe");
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
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("LANG", "C")
            .env_remove("LC_ALL")
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

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
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
