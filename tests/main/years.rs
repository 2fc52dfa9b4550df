//! Across years, stages and models: `spbe diff`, `spbe trend` and stage selection on the example
//! city over three synthetic years (tests/data/years): 2024 is examples/kota-contoh (SPBE 2020),
//! 2025 the same city a year later with a stage column (mandiri and akhir), 2026 under Pemdi.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{Dir, spbe};

const Y2024: &str = "examples/kota-contoh";
const Y2025: &str = "tests/data/years/2025";
const Y2026: &str = "tests/data/years/2026";

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
    let dir = Dir::new();
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
    let dir = Dir::new();
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
    let dir = Dir::new();
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
    let dir = Dir::new();
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
    spbe()
        .args(["diff", "--stages", "mandiri", "akhir", Y2024])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--stages mandiri akhir: the answer sheets have no stage column",
        ));
}

// ---- trend -------------------------------------------------------------------------------------

#[test]
fn trend_over_three_years_with_a_model_change() {
    let dir = Dir::new();
    let r = results(dir.path());
    let args: Vec<&str> = r.iter().map(|p| p.to_str().unwrap()).collect();
    let mut cmd = vec!["trend"];
    cmd.extend(&args);
    cmd.extend([
        "--target-path",
        "2025=2.85,2026=3.2,2027=3.5,2028=3.8",
        "--format",
        "json",
    ]);
    let v = json(&cmd);
    let years = v["years"].as_array().unwrap();
    let col = |k: &str| -> Vec<String> { years.iter().map(|y| y[k].to_string()).collect() };
    assert_eq!(col("year"), ["2024", "2025", "2026"]);
    assert_eq!(col("index"), ["2.764", "2.882", "2.56"]);
    assert_eq!(col("change"), ["null", "0.118", "-0.322"]);
    assert_eq!(col("model_changed"), ["false", "false", "true"]);
    assert_eq!(col("previous_year"), ["null", "2024", "2025"]);
    assert_eq!(col("previous_model"), ["null", "null", "\"spbe-2020\""]);
    assert_eq!(
        col("groups_kind"),
        ["\"domains\"", "\"domains\"", "\"aspects\""]
    );
    assert_eq!(col("on_track"), ["null", "true", "false"]);
    assert_eq!(years[1]["groups"][2]["index_rounded"].to_string(), "2.09");
    let targets = v["targets"].as_array().unwrap();
    let status: Vec<&str> = targets
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(status, ["met", "missed", "upcoming", "upcoming"]);
    // From 2.56 in 2026: 3.5 by 2027 needs 0.94; 3.8 by 2028 needs 1.24, 0.62 a year.
    assert_eq!(targets[2]["gain_needed"].to_string(), "0.94");
    assert_eq!(targets[3]["gain_needed"].to_string(), "1.24");
    assert_eq!(targets[3]["gain_needed_per_year"].to_string(), "0.62");
    assert!(
        v["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("2026: the model changed from spbe-2020 to pemdi-2026")
    );

    let mut md = vec!["trend"];
    md.extend(&args);
    md.extend([
        "--target-path",
        "2025=2.85,2026=3.2,2028=3.8",
        "-f",
        "markdown",
    ]);
    insta::assert_snapshot!("trend_markdown", stdout(&md));
}

#[test]
fn trend_scores_answer_sheet_folders_labelled_by_year() {
    let v = json(&[
        "trend",
        "2026=tests/data/years/2026",
        "2024=examples/kota-contoh",
        "2025=tests/data/years/2025",
        "--year-model",
        "2026=pemdi-2026",
        "-f",
        "json",
    ]);
    let idx: Vec<String> = v["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| format!("{} {} {}", y["year"], y["model"]["id"], y["index"]))
        .collect();
    assert_eq!(
        idx,
        [
            "2024 \"spbe-2020\" 2.764",
            "2025 \"spbe-2020\" 2.882",
            "2026 \"pemdi-2026\" 2.56"
        ]
    );
    let csv = stdout(&[
        "trend",
        "2024=examples/kota-contoh",
        "2025=tests/data/years/2025",
        "-f",
        "csv",
    ]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "year,model,model_status,model_changed,kind,id,name,index,index_rounded,predicate,change,target,on_track"
    );
    assert_eq!(
        lines[1],
        "2024,spbe-2020,official,false,index,,,2.764,2.76,Baik,,,"
    );
    assert_eq!(
        lines[6],
        "2025,spbe-2020,official,false,index,,,2.882,2.88,Baik,0.118,,"
    );
}

#[test]
fn trend_errors_are_clear() {
    let fails = |args: &[&str], msg: &str| {
        spbe()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(msg));
    };
    fails(
        &["trend", "examples/kota-contoh"],
        "examples/kota-contoh: answer sheets carry no year; write it as YEAR=PATH, e.g. 2025=examples/kota-contoh",
    );
    fails(
        &[
            "trend",
            "2024=examples/kota-contoh",
            "2024=tests/data/years/2025",
        ],
        "2024 is given twice (examples/kota-contoh and tests/data/years/2025); give one result per year",
    );
    fails(
        &[
            "trend",
            "2024=examples/kota-contoh",
            "--target-path",
            "2025:3",
        ],
        "--target-path: \"2025:3\" is not YEAR=INDEX",
    );
    fails(
        &[
            "trend",
            "2024=examples/kota-contoh",
            "--target-path",
            "2025=tiga",
        ],
        "--target-path: the target for 2025 \"tiga\" is not a decimal index such as 3.2",
    );
    let dir = Dir::new();
    let p = dir.path().join("r.json");
    spbe()
        .args(["score", Y2024, "-f", "json", "-o"])
        .arg(&p)
        .assert()
        .success();
    fails(
        &["trend", p.to_str().unwrap()],
        "this result has no year; write it as YEAR=PATH",
    );
}

#[test]
fn a_gap_between_years_is_shown() {
    let out = stdout(&[
        "trend",
        "2022=examples/kota-contoh",
        "2025=tests/data/years/2025",
        "-f",
        "markdown",
    ]);
    assert!(
        out.contains("| 2025 | spbe-2020 (official) | 2.88 | Baik | +0.12 (since 2022) |"),
        "{out}"
    );
}
