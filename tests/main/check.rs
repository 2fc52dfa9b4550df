//! `spbe check` run as the real binary: every gate's verdict line together with the exit code.

use serde_json::Value;

use crate::harness::{Dir, spbe};

const CITY: &str = "examples/kota-contoh";

/// Runs and returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    crate::harness::run(spbe().args(args))
}

/// Runs `spbe check CITY <gates>` and asserts the exit code and the whole stdout together.
fn check(gates: &[&str], code: i32, stdout: &str) {
    let mut args = vec!["check", CITY];
    args.extend_from_slice(gates);
    let (got_code, got_out, stderr) = run(&args);
    assert_eq!(
        (got_code, got_out.as_str()),
        (code, stdout),
        "{gates:?}: {stderr}"
    );
}

/// Writes a baseline as `spbe score --format json` would, with some levels changed.
fn baseline(dir: &std::path::Path, set: &[&str]) -> String {
    let path = dir.join("baseline.json");
    let mut args = vec![
        "score",
        CITY,
        "--format",
        "json",
        "-o",
        path.to_str().unwrap(),
    ];
    for s in set {
        args.extend(["--set", s]);
    }
    let (code, _, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    path.to_str().unwrap().to_string()
}

#[test]
fn fail_under() {
    check(
        &["--fail-under", "2.6"],
        0,
        "PASS  fail-under 2.60: the index 2.764 (2.76) is at least 2.60\n\
         check passed: 1 gate, none failed\n",
    );
    check(
        &["--fail-under", "2.764"],
        0,
        "PASS  fail-under 2.764: the index 2.764 (2.76) is at least 2.764\n\
         check passed: 1 gate, none failed\n",
    );
    // The exact index is compared: 2.764 is below 2.7641 although both show 2.76.
    check(
        &["--fail-under", "2.7641"],
        1,
        "FAIL  fail-under 2.7641: the index 2.764 (2.76) is below 2.7641\n\
         check failed: 1 of 1 gate failed (fail-under)\n",
    );
}

#[test]
fn min_predicate() {
    check(
        &["--min-predicate", "baik"],
        0,
        "PASS  min-predicate Baik: the predicate is Baik (index 2.764, exact basis)\n\
         check passed: 1 gate, none failed\n",
    );
    check(
        &["--min-predicate", "Sangat Baik"],
        1,
        "FAIL  min-predicate Sangat Baik: the predicate is Baik (index 2.764, exact basis), below Sangat Baik\n\
         check failed: 1 of 1 gate failed (min-predicate)\n",
    );
}

#[test]
fn warn_under_never_fails() {
    check(
        &["--warn-under", "3"],
        0,
        "WARN  warn-under 3.00: the index 2.764 (2.76) is below 3.00 (a warning, not a failure)\n\
         check passed: 1 gate, none failed, 1 warning\n",
    );
    check(
        &["--warn-under", "2.7", "--fail-under", "2"],
        0,
        "PASS  fail-under 2.00: the index 2.764 (2.76) is at least 2.00\n\
         PASS  warn-under 2.70: the index 2.764 (2.76) is at least 2.70\n\
         check passed: 2 gates, none failed\n",
    );
}

#[test]
fn baseline_names_what_fell() {
    let dir = Dir::new();
    // Last year 11 was at 4 and 15 at 5: this year the index and D2 fell.
    let base = baseline(dir.path(), &["11=4", "15=5"]);
    check(
        &["--baseline", &base],
        1,
        &format!(
            "FAIL  baseline {base} (tolerance 0): fell by more than 0: index 2.864 -> 2.764 (-0.1); domain D2 Tata Kelola SPBE 2.90 -> 2.50 (-0.4)\n\
             check failed: 1 of 1 gate failed (baseline)\n"
        ),
    );
    // A tolerance of 0.1 lets the index through but not the domain.
    check(
        &["--baseline", &base, "--tolerance", "0.1"],
        1,
        &format!(
            "FAIL  baseline {base} (tolerance 0.1): fell by more than 0.1: domain D2 Tata Kelola SPBE 2.90 -> 2.50 (-0.4)\n\
             check failed: 1 of 1 gate failed (baseline)\n"
        ),
    );
    check(
        &["--baseline", &base, "--tolerance", "0.4"],
        0,
        &format!(
            "PASS  baseline {base} (tolerance 0.4): index 2.864 -> 2.764 (-0.1); nothing fell by more than 0.4 (the index and 4 domains compared)\n\
             check passed: 1 gate, none failed\n"
        ),
    );
    // Against itself nothing fell.
    let same = baseline(dir.path(), &[]);
    check(
        &["--baseline", &same],
        0,
        &format!(
            "PASS  baseline {same} (tolerance 0): index 2.764 -> 2.764 (0); nothing fell by more than 0 (the index and 4 domains compared)\n\
             check passed: 1 gate, none failed\n"
        ),
    );
}

#[test]
fn every_gate_at_once_and_as_json() {
    let dir = Dir::new();
    let base = baseline(dir.path(), &["11=4"]);
    let gates = [
        "--fail-under",
        "2.6",
        "--min-predicate",
        "Sangat Baik",
        "--baseline",
        base.as_str(),
        "--tolerance",
        "0.01",
        "--warn-under",
        "3",
    ];
    check(
        &gates,
        1,
        &format!(
            "PASS  fail-under 2.60: the index 2.764 (2.76) is at least 2.60\n\
             FAIL  min-predicate Sangat Baik: the predicate is Baik (index 2.764, exact basis), below Sangat Baik\n\
             FAIL  baseline {base} (tolerance 0.01): fell by more than 0.01: index 2.814 -> 2.764 (-0.05); domain D2 Tata Kelola SPBE 2.70 -> 2.50 (-0.2)\n\
             WARN  warn-under 3.00: the index 2.764 (2.76) is below 3.00 (a warning, not a failure)\n\
             check failed: 2 of 4 gates failed (min-predicate, baseline), 1 warning\n"
        ),
    );
    let mut args = vec!["check", CITY, "--format", "json"];
    args.extend_from_slice(&gates);
    let (code, stdout, _) = run(&args);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["passed"], false);
    assert_eq!(v["failed"], 2);
    let text = stdout
        .replace(v["tool"]["version"].as_str().unwrap(), "[version]")
        .replace(v["model"]["sha256"].as_str().unwrap(), "[sha256]")
        .replace(&base, "[baseline]");
    insta::assert_snapshot!(text);
}

#[test]
fn verdict_and_exit_code_never_disagree() {
    // Across thresholds around the index, in every format: exit 1 exactly when a FAIL is shown.
    for x in ["1", "2.763", "2.764", "2.7641", "2.77", "5"] {
        for format in ["table", "json", "csv", "markdown"] {
            let (code, stdout, _) = run(&[
                "check",
                CITY,
                "--fail-under",
                x,
                "--warn-under",
                x,
                "--format",
                format,
            ]);
            let failed = if format == "json" {
                let v: Value = serde_json::from_str(&stdout).unwrap();
                assert_eq!(v["passed"] == false, v["failed"] != 0);
                v["passed"] == false
            } else {
                stdout.contains("FAIL")
            };
            assert_eq!(code, if failed { 1 } else { 0 }, "{x} {format}: {stdout}");
            let below = x != "1" && x != "2.763" && x != "2.764";
            assert_eq!(failed, below, "{x} {format}: {stdout}");
        }
    }
}

#[test]
fn errors_exit_two() {
    let dir = Dir::new();
    let not_json = dir.path().join("old.json");
    std::fs::write(&not_json, "{\"index\": 2.5}").unwrap();
    let nj = not_json.to_str().unwrap();
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec![],
            "error: spbe check needs at least one gate: --fail-under X, --min-predicate NAME, --baseline FILE or --warn-under X\n".into(),
        ),
        (
            vec!["--fail-under", "tiga"],
            "error: --fail-under \"tiga\": write an index such as 2.6 or 3\n".into(),
        ),
        (
            vec!["--fail-under", "30"],
            "error: --fail-under 30: the model spbe-2020 has indices from 1 to 5; write a line in that range\n".into(),
        ),
        (
            vec!["--min-predicate", "Bagus"],
            "error: --min-predicate \"Bagus\": the model spbe-2020 has the predicates \"Kurang\", \"Cukup\", \"Baik\", \"Sangat Baik\", \"Memuaskan\"\n".into(),
        ),
        (
            vec!["--baseline", nj],
            format!("error: {nj}: this JSON has no schema_version; give a result written by `spbe score --format json`\n"),
        ),
    ];
    for (gates, want) in cases {
        let mut args = vec!["check", CITY];
        args.extend(gates.iter());
        let (code, stdout, stderr) = run(&args);
        assert_eq!((code, stderr.as_str()), (2, want.as_str()), "{gates:?}");
        assert_eq!(stdout, "");
    }
    let (code, _, stderr) = run(&["check", CITY, "--baseline", "missing.json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: cannot read missing.json: "),
        "{stderr}"
    );
    // --tolerance without --baseline is a usage error.
    let (code, _, _) = run(&["check", CITY, "--fail-under", "2", "--tolerance", "0.1"]);
    assert_eq!(code, 2);
}

#[test]
fn a_baseline_of_another_model_compares_only_the_index() {
    let dir = Dir::new();
    let base = dir.path().join("base.json");
    let out = spbe()
        .args(["score", CITY, "--format", "json", "-o"])
        .arg(&base)
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = spbe()
        .args([
            "check",
            "tests/data/years/2026",
            "--model",
            "pemdi-2026",
            "--baseline",
        ])
        .arg(&base)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("fell by more than 0: index 2.764 -> 2.56 (-0.204)\n"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("domain"),
        "no domain of another model is compared: {stdout}"
    );
    assert!(
        stderr.contains("only the overall index is compared"),
        "{stderr}"
    );
}
