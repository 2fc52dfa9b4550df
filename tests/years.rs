//! Across years, stages and models: `spbe diff`, `spbe trend` and stage selection on the example
//! city over three synthetic years (tests/data/years): 2024 is examples/kota-contoh (SPBE 2020),
//! 2025 the same city a year later with a stage column (mandiri and akhir), 2026 under Pemdi.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const Y2024: &str = "examples/kota-contoh";
const Y2025: &str = "tests/data/years/2025";
const Y2026: &str = "tests/data/years/2026";

fn spbe() -> Command {
    let mut c = Command::cargo_bin("spbe").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn stdout(args: &[&str]) -> String {
    let out = spbe()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&stdout(args)).unwrap()
}

/// Writes the three years' JSON results (with `year`) into `dir`.
fn results(dir: &Path) -> Vec<PathBuf> {
    let years = [
        ("2024", Y2024, "spbe-2020"),
        ("2025", Y2025, "spbe-2020"),
        ("2026", Y2026, "pemdi-2026"),
    ];
    years
        .iter()
        .map(|(year, input, model)| {
            let path = dir.join(format!("hasil-{year}.json"));
            spbe()
                .args(["score", input, "--model", model, "--year", year])
                .args(["--format", "json", "-o"])
                .arg(&path)
                .assert()
                .success();
            path
        })
        .collect()
}

// ---- stages ------------------------------------------------------------------------------------

#[test]
fn by_default_each_indicator_takes_its_latest_stage() {
    let v = json(&["score", Y2025, "--format", "json"]);
    assert_eq!(v["stage"], "latest");
    assert_eq!(v["index"].to_string(), "2.882");
    let ind = |id: &str| {
        v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    // 11: claimed 3 (mandiri), verdict 2 (akhir): the verdict counts.
    assert_eq!(ind("11")["stage"], "akhir");
    assert_eq!(ind("11")["level"].to_string(), "2");
    // 25 was only self-assessed: its mandiri answer counts.
    assert_eq!(ind("25")["stage"], "mandiri");
    assert_eq!(ind("25")["level"].to_string(), "3");
    // Inspektorat wrote `final`: the same stage as akhir.
    assert_eq!(ind("31")["stage"], "akhir");
    assert_eq!(ind("31")["level"].to_string(), "1");
}

#[test]
fn one_stage_is_scored_with_stage() {
    let v = json(&["score", Y2025, "--stage", "self", "--format", "json"]);
    assert_eq!(v["stage"], "mandiri");
    assert_eq!(v["index"].to_string(), "2.9645");
    let v = json(&["score", Y2025, "--stage", "akhir", "--format", "json"]);
    assert_eq!(v["stage"], "akhir");
    assert_eq!(v["index"].to_string(), "2.852");
    let warnings = v["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w == "--stage akhir: 1 indicator has no answer at this stage"),
        "{warnings:?}"
    );
}

#[test]
fn sheets_without_stages_are_unchanged_and_stage_needs_the_column() {
    let v = json(&["score", Y2024, "--format", "json"]);
    assert!(v.get("stage").is_none());
    assert!(v["indicators"][0].get("stage").is_none());
    spbe()
        .args(["score", Y2024, "--stage", "akhir"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--stage akhir: the answer sheets have no stage column",
        ));
}

#[test]
fn a_bad_stage_is_located_and_duplicates_are_per_stage() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("s.csv");
    std::fs::write(
        &sheet,
        "opd,indicator,level,tahap\nX,1,3,mandiri\nX,1,2,akhir\nX,2,3,reviu\nX,1,2,final\n",
    )
    .unwrap();
    let out = spbe().arg("score").arg(&sheet).assert().code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let f = sheet.display();
    assert!(
        err.contains(&format!("{f}:4:4: column \"tahap\": \"reviu\" is not a stage; write one of mandiri (self), dokumen (document), interviu (interview), visitasi (visit), akhir (final)")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{f}:5:2: column \"indicator\": OPD \"X\" already answered indicator 1 at stage akhir at line 3; keep one answer per OPD and indicator and stage")),
        "{err}"
    );
    assert_eq!(err.matches(&format!("{f}:")).count(), 2, "{err}");
}

#[test]
fn stages_diff_shows_claim_against_verdict() {
    let v = json(&[
        "diff", "--stages", "mandiri", "akhir", Y2025, "--format", "json",
    ]);
    assert_eq!(v["old"]["label"], "mandiri (claim)");
    assert_eq!(v["new"]["label"], "akhir (verdict)");
    assert_eq!(v["old"]["index"].to_string(), "2.9645");
    assert_eq!(v["new"]["index"].to_string(), "2.852");
    assert_eq!(v["index_change"].to_string(), "-0.1125");
    let ids: Vec<&str> = v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["25", "37", "11", "22", "31"]);
    assert_eq!(v["indicators"][0]["new_filled"], true);
    let md = stdout(&[
        "diff", "--stages", "mandiri", "akhir", Y2025, "-f", "markdown",
    ]);
    insta::assert_snapshot!("stages_diff_markdown", md);
}

// ---- diff --------------------------------------------------------------------------------------

#[test]
fn diff_of_two_years_of_answer_sheets() {
    let md = stdout(&["diff", Y2024, Y2025, "--format", "markdown"]);
    insta::assert_snapshot!("diff_2024_2025_markdown", md);
    let v = json(&["diff", Y2024, Y2025, "--format", "json"]);
    assert_eq!(v["same_model"], true);
    assert_eq!(v["old"]["index"].to_string(), "2.764");
    assert_eq!(v["new"]["index"].to_string(), "2.882");
    assert_eq!(v["index_change"].to_string(), "0.118");
    assert_eq!(v["index_change_rounded"].to_string(), "0.12");
    assert_eq!(v["unchanged_indicators"], 40);
    // The sum of every indicator's points change is the index change.
    let sum: i64 = v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["points_change"].as_f64().unwrap() * 10000.0).round() as i64)
        .sum();
    assert_eq!(sum, 1180);
}

#[test]
fn diff_reads_json_results_and_answer_sheets_alike() {
    let dir = tempfile::tempdir().unwrap();
    let r = results(dir.path());
    let from_json = json(&[
        "diff",
        r[0].to_str().unwrap(),
        r[1].to_str().unwrap(),
        "--format",
        "json",
    ]);
    let from_sheets = json(&["diff", Y2024, Y2025, "--format", "json"]);
    assert_eq!(from_json["indicators"], from_sheets["indicators"]);
    assert_eq!(from_json["domains"], from_sheets["domains"]);
    assert_eq!(from_json["old"]["year"], 2024);
    // Mixed: a JSON result against answer sheets.
    let mixed = json(&["diff", r[0].to_str().unwrap(), Y2025, "--format", "json"]);
    assert_eq!(mixed["indicators"], from_sheets["indicators"]);
}

#[test]
fn diff_across_models_compares_only_index_and_predicate() {
    let dir = tempfile::tempdir().unwrap();
    let r = results(dir.path());
    let a = spbe()
        .args(["diff"])
        .arg(&r[1])
        .arg(&r[2])
        .assert()
        .success();
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(out.contains("the two results use different models: Indeks SPBE (spbe-2020, official) and Indeks Pemerintah Digital (Pemdi) (pemdi-2026, secondary); only the overall index and predicate are compared"), "{out}");
    assert!(
        out.contains(
            "Index: 2.88 Baik → 2.56 Baik (Berkembang)  (change -0.32; exact 2.882 → 2.56, -0.322)"
        ),
        "{out}"
    );
    assert!(!out.contains("Indicators that changed"), "{out}");
    assert!(
        err.contains("warning: the two results use different models"),
        "{err}"
    );
    let v = json(&[
        "diff",
        r[1].to_str().unwrap(),
        r[2].to_str().unwrap(),
        "-f",
        "json",
    ]);
    assert_eq!(v["same_model"], false);
    assert_eq!(v["indicators"].as_array().unwrap().len(), 0);
    assert_eq!(v["domains"].as_array().unwrap().len(), 0);
    assert_eq!(v["predicate_changed"], true);
    let csv = stdout(&[
        "diff",
        r[1].to_str().unwrap(),
        r[2].to_str().unwrap(),
        "-f",
        "csv",
    ]);
    assert_eq!(
        csv,
        "kind,id,name,old,new,change,points_change,old_model,new_model\n\
         index,,,2.882,2.56,-0.322,-0.322,spbe-2020,pemdi-2026\n\
         predicate,,,Baik,Baik (Berkembang),,,spbe-2020,pemdi-2026\n"
    );
}

#[test]
fn diff_errors_are_clear() {
    spbe()
        .args(["diff", Y2024])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "spbe diff compares two results: give OLD and NEW (got 1)",
        ));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("x.json");
    std::fs::write(&bad, "{\"index\": 3}").unwrap();
    spbe()
        .args(["diff", Y2024])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "this JSON has no schema_version; give a result written by `spbe score --format json`",
        ));
    spbe()
        .args(["diff", "--stages", "mandiri", "mandiri", Y2025])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("name two different stages"));
}
