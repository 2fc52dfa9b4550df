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
