//! `spbe gap` and what-if `--set`, run as the real binary: tables, JSON, exit codes, and the
//! roadmap against a brute-force search on small random models.

use std::path::Path;

use predicates::prelude::*;
use proptest::prelude::*;
use serde_json::Value;

use crate::harness::{Dir, spbe};

const CITY: &str = "examples/kota-contoh";

/// Runs and returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    crate::harness::run(spbe().args(args))
}

/// Raw JSON text with the parts that change between releases blanked (numbers stay as written).
fn json_text(args: &[&str]) -> String {
    let (_, stdout, _) = run(args);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    stdout
        .replace(v["tool"]["version"].as_str().unwrap(), "[version]")
        .replace(v["model"]["sha256"].as_str().unwrap(), "[sha256]")
}

/// JSON output with the parts that change between releases blanked.
fn json(args: &[&str]) -> (i32, Value) {
    let (code, stdout, stderr) = run(args);
    let mut v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    v["tool"]["version"] = "[version]".into();
    v["model"]["sha256"] = "[sha256]".into();
    (code, v)
}

#[test]
fn city_to_three_table() {
    let (code, stdout, stderr) = run(&["gap", CITY, "--target", "3"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn city_to_three_json() {
    let (code, v) = json(&["gap", CITY, "--target", "3", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(v["status"], "reachable");
    assert_eq!(v["reachable"], true);
    assert_eq!(v["total_steps"], 8);
    assert_eq!(v["steps"].as_array().unwrap().len(), 8);
    assert_eq!(v["steps"][7]["index_after"].to_string(), "3.004");
    insta::assert_snapshot!(json_text(&[
        "gap", CITY, "--target", "3", "--format", "json"
    ]));
}

#[test]
fn already_met_exits_zero_with_an_empty_roadmap() {
    let (code, v) = json(&["gap", CITY, "--target", "2.764", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(v["status"], "met");
    assert_eq!(v["gap"].to_string(), "0");
    assert_eq!(v["steps"], Value::Array(vec![]));
    assert_eq!(v["total_steps"], 0);
    let (code, stdout, _) = run(&["gap", CITY, "--target", "2.5"]);
    assert_eq!(code, 0);
    assert!(
        stdout.ends_with(
            "Already met: the index 2.764 is at least the target 2.50; nothing to plan.\n"
        )
    );
    assert!(!stdout.contains("Roadmap"));
}

#[test]
fn unreachable_exits_one_with_the_best_reachable_index() {
    let (code, stdout, _) = run(&[
        "gap",
        CITY,
        "--target-predicate",
        "memuaskan",
        "--max-level",
        "4",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.ends_with(
        "Current: 2.764 (2.76 Baik)  Target: 4.20 (Memuaskan)  Gap: 1.436\n\
         Unreachable: under these constraints the best reachable index is 4.00 (4.00), short of the target 4.20 by 0.20.\n\
         What binds: --max-level 4 (without it: 5.00).\n"
    ), "{stdout}");
    let (code, v) = json(&[
        "gap", CITY, "--target", "3", "--only", "11,12,13", "--format", "json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["status"], "unreachable");
    assert_eq!(v["reachable"], false);
    // 11 and 12 at 2, 13 at 3: 2.764 + (3 + 3 + 2 levels) × 0.025 = 2.964.
    assert_eq!(v["best_reachable"].to_string(), "2.964");
    assert_eq!(v["steps"], Value::Array(vec![]));
}

#[test]
fn max_level_exclude_and_only_bound_every_step() {
    let (code, v) = json(&[
        "gap",
        CITY,
        "--target-predicate",
        "Sangat Baik",
        "--max-level",
        "4",
        "--exclude",
        "42,43",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["target"].to_string(), "3.5");
    assert_eq!(v["constraints"]["max_level"], 4);
    let steps = v["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    for s in steps {
        assert!(s["to"].as_u64().unwrap() <= 4, "{s}");
        assert!(s["indicator"] != "42" && s["indicator"] != "43", "{s}");
    }
    assert!(v["index_after"].as_f64().unwrap() >= 3.5);
    let (code, v) = json(&[
        "gap", CITY, "--target", "2.8", "--only", "11,12", "--format", "json",
    ]);
    assert_eq!(code, 0);
    for s in v["steps"].as_array().unwrap() {
        assert!(s["indicator"] == "11" || s["indicator"] == "12", "{s}");
    }
    // 0.036 needed, 0.025 per step: two steps, both 2 → 3 (lower levels first).
    let got: Vec<(String, u64)> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["indicator"].as_str().unwrap().to_string(),
                s["to"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [("11".to_string(), 3), ("12".to_string(), 3)]);
}

#[test]
fn effort_file_prices_steps_and_changes_the_plan() {
    let dir = Dir::new();
    let yaml = dir.path().join("effort.yaml");
    std::fs::write(
        &yaml,
        "default: 1\nrules:\n  - {to: 5, effort: 10}\n  - {to: 4, effort: 2.5}\n",
    )
    .unwrap();
    let (code, v) = json(&[
        "gap",
        CITY,
        "--target",
        "3",
        "--effort",
        yaml.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let steps = v["steps"].as_array().unwrap();
    // Level-5 steps cost 10: the plan avoids them.
    assert!(steps.iter().all(|s| s["to"].as_u64().unwrap() < 5));
    let sum: f64 = steps.iter().map(|s| s["effort"].as_f64().unwrap()).sum();
    assert_eq!(v["total_effort"].as_f64().unwrap(), sum);
    assert!(v["index_after"].as_f64().unwrap() >= 3.0);
    // The same rules as CSV give the same plan.
    let csv = dir.path().join("effort.csv");
    std::fs::write(&csv, "indicator,to,effort\n,5,10\n*,4,2.5\n").unwrap();
    let (_, w) = json(&[
        "gap",
        CITY,
        "--target",
        "3",
        "--effort",
        csv.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(v["steps"], w["steps"]);
    assert_eq!(v["total_effort"], w["total_effort"]);
}

#[test]
fn a_quote_never_closed_in_an_effort_csv_is_refused_at_its_line() {
    let dir = Dir::new();
    // A note column is ignored, so without the check the rules after line 3 silently vanished
    // into its cell and the plan was the unit-effort one.
    let bad = dir.path().join("effort.csv");
    std::fs::write(
        &bad,
        "indicator,to,effort,note\n,,1,\n11,4,2,\"see the plan\n47,,30,\n46,,30,\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(&[
        "gap",
        CITY,
        "--target",
        "3",
        "--effort",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(
        (code, stdout.as_str(), stderr),
        (
            2,
            "",
            format!(
                "error: {}:3: a quote (\") opens a cell here and is never closed, so every row after it would be read into that one cell; add the closing quote or remove this one\n",
                bad.display()
            )
        )
    );
    // The same file with `;` (Indonesian Excel) and CRLF.
    let semi = dir.path().join("semi.csv");
    std::fs::write(
        &semi,
        "indicator;to;effort\r\n;;1\r\n\"11;4;2\r\n47;;30\r\n",
    )
    .unwrap();
    let (code, _, stderr) = run(&[
        "gap",
        CITY,
        "--target",
        "3",
        "--effort",
        semi.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(&format!("error: {}:3: a quote (\") opens", semi.display())),
        "{stderr}"
    );
}

#[test]
fn a_quoted_effort_cell_may_hold_line_breaks() {
    let dir = Dir::new();
    let effort = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        json(&[
            "gap",
            CITY,
            "--target",
            "3",
            "--effort",
            path.to_str().unwrap(),
            "--format",
            "json",
        ])
    };
    let (code, v) = effort(
        "quoted.csv",
        "indicator,to,effort,note\n,,1,\n11,4,2,\"see the plan,\npage \"\"2\"\"\"\n47,,30,\n46,,30,\n",
    );
    assert_eq!(code, 0);
    let (_, plain) = effort(
        "plain.csv",
        "indicator,to,effort\n,,1\n11,4,2\n47,,30\n46,,30\n",
    );
    assert_eq!(v["steps"], plain["steps"]);
    assert_eq!(v["total_effort"], plain["total_effort"]);
    // The rules after the quoted cell count: 46 and 47 cost 30 a step, so the plan avoids them.
    let steps = v["steps"].as_array().unwrap();
    assert!(
        steps
            .iter()
            .all(|s| s["indicator"] != "46" && s["indicator"] != "47"),
        "{steps:?}"
    );
}

#[test]
fn bad_arguments_exit_two_with_a_clear_message() {
    let dir = Dir::new();
    let bad = dir.path().join("effort.csv");
    std::fs::write(&bad, "indicator,to,effort\n99,4,1\n").unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["gap", CITY, "--target", "6"],
            "error: --target 6 is outside the index range 1..5 of the model spbe-2020; choose a target between 1 and 5\n",
        ),
        (
            &["gap", CITY, "--target", "tiga"],
            "error: --target \"tiga\" is neither a number nor a predicate; write an index such as 3.5 or one of: Kurang, Cukup, Baik, Sangat Baik, Memuaskan\n",
        ),
        (
            &["gap", CITY, "--target-predicate", "Bagus"],
            "error: --target-predicate \"Bagus\": the model spbe-2020 has the predicates \"Kurang\", \"Cukup\", \"Baik\", \"Sangat Baik\", \"Memuaskan\"\n",
        ),
        (
            &["gap", CITY, "--target", "3", "--max-level", "7"],
            "error: --max-level 7: the model spbe-2020 has levels 1 to 5\n",
        ),
        (
            &["gap", CITY, "--target", "3", "--exclude", "11,99"],
            "error: --exclude: the model spbe-2020 has no indicator \"99\"; list indicator IDs such as 11,12\n",
        ),
        (
            &["gap", CITY, "--target", "3", "--combine", "mean"],
            "error: spbe gap plans whole level steps, and --combine mean gives fractional levels; use --combine min, max or median\n",
        ),
        (
            &["gap", CITY, "--target", "3", "--set", "11"],
            "error: --set \"11\": write ID=LEVEL, e.g. --set 11=3\n",
        ),
        (
            &[
                "gap", CITY, "--target", "3", "--set", "11=3", "--set", "I11=4",
            ],
            "error: --set \"I11=4\": indicator 11 is set twice; keep one --set per indicator\n",
        ),
    ];
    for (args, want) in cases {
        let (code, stdout, stderr) = run(args);
        assert_eq!((code, stderr.as_str()), (2, *want), "{args:?}");
        assert_eq!(stdout, "");
    }
    let (code, _, stderr) = run(&[
        "gap",
        CITY,
        "--target",
        "3",
        "--effort",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.ends_with("effort.csv:2: column \"indicator\": the model spbe-2020 has no indicator \"99\"; use an indicator ID such as 1\n"),
        "{stderr}"
    );
    // No target at all is a usage error.
    let (code, _, stderr) = run(&["gap", CITY]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--target"), "{stderr}");
}

#[test]
fn what_if_is_reported_by_score_and_gap() {
    let (code, v) = json(&[
        "score", CITY, "--set", "11=3", "--set", "12=3", "--format", "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["index"].to_string(), "2.814");
    assert_eq!(
        v["overrides"],
        serde_json::json!([
            {"indicator": "11", "from": 2, "to": 3},
            {"indicator": "12", "from": 2, "to": 3}
        ])
    );
    let (_, stdout, stderr) = run(&["score", CITY, "--set", "11=3", "--set", "12=3"]);
    assert!(stdout.contains("What-if (--set, not as answered): 11 2 -> 3, 12 2 -> 3\n"));
    assert!(stderr.contains(
        "warning: what-if: 2 levels overridden with --set, not as answered: 11 2 -> 3, 12 2 -> 3\n"
    ));
    // Without --set the JSON has no overrides field at all (the score contract is unchanged).
    let (_, plain) = json(&["score", CITY, "--format", "json"]);
    assert!(plain.get("overrides").is_none());

    let (code, g) = json(&[
        "gap", CITY, "--target", "3", "--set", "11=3", "--set", "12=3", "--format", "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(g["current"].to_string(), "2.814");
    assert_eq!(g["overrides"], v["overrides"]);
    // 0.186 left at 0.03 per step: 7 steps.
    assert_eq!(g["total_steps"], 7);
    spbe()
        .args(["gap", CITY, "--target", "3", "--set", "11=3"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "What-if (--set, not as answered): 11 2 -> 3\n",
        ));
}

#[test]
fn csv_and_markdown_show_the_roadmap() {
    let (code, stdout, _) = run(&[
        "gap", CITY, "--target", "2.8", "--only", "11,12", "--format", "csv",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "#,ID,Indicator,From,To,Gain,Index after,Rounded,Predicate after\n\
         1,11,Arsitektur SPBE,2,3,0.0250,2.789,2.79,Baik\n\
         2,12,Peta Rencana SPBE,2,3,0.0250,2.814,2.81,Baik\n"
    );
    let (code, stdout, _) = run(&[
        "gap", CITY, "--target", "2.8", "--only", "11,12", "--format", "markdown",
    ]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("# Gap to 2.8\n"));
    assert!(
        stdout.contains("| 2 | 12 | Peta Rencana SPBE | 2 | 3 | 0.0250 | 2.814 | 2.81 | Baik |\n")
    );
}

// ---- the roadmap against brute force, end to end on small random models ----

/// A model with no domain layer: two aspects, indicators with whole-percent weights.
fn model_yaml(weights: &[u64]) -> String {
    let split = weights.len() / 2;
    let aspect = |id: &str, range: std::ops::Range<usize>| {
        let w: u64 = weights[range.clone()].iter().sum();
        let mut s =
            format!("  - id: {id}\n    name: Aspect {id}\n    weight: {w}\n    indicators:\n");
        for i in range {
            s.push_str(&format!(
                "      - {{id: \"{}\", name: Indicator {}, weight: {}, scale: s}}\n",
                i + 1,
                i + 1,
                weights[i]
            ));
        }
        s
    };
    format!(
        "id: tiny\nname: Tiny\nversion: \"1\"\nsource: test\nstatus: reconstructed\n\
         levels: {{min: 1, max: 5}}\n\
         scales:\n  s:\n    levels: {{1: L1, 2: L2, 3: L3, 4: L4, 5: L5}}\n\
         predicates:\n  - {{name: Top, min: 4, max: 5}}\n  - {{name: Mid, min: 2.5, max: 4}}\n  - {{name: Low, min: 1, max: 2.5}}\n\
         rounding: {{decimals: 2}}\n\
         aspects:\n{}{}",
        aspect("A", 0..split),
        aspect("B", split..weights.len())
    )
}

/// Splits 100 % into `n` positive whole parts from random cut points.
fn weights_strategy() -> impl Strategy<Value = Vec<u64>> {
    (2usize..=4).prop_flat_map(|n| {
        prop::collection::btree_set(1u64..100, n - 1).prop_map(|cuts| {
            let mut prev = 0;
            let mut w: Vec<u64> = cuts
                .into_iter()
                .map(|c| {
                    let d = c - prev;
                    prev = c;
                    d
                })
                .collect();
            w.push(100 - prev);
            w
        })
    })
}

/// The least (effort, steps) over every level vector between the current levels and `cap`
/// that reaches `target_hundredths` / 100; `None` when none does.
fn brute(
    weights: &[u64],
    levels: &[u64],
    cap: u64,
    target_hundredths: u64,
    effort: &dyn Fn(usize, u64) -> u64,
) -> Option<(u64, u64)> {
    let n = weights.len();
    let mut best: Option<(u64, u64)> = None;
    let mut at: Vec<u64> = levels.to_vec();
    loop {
        // Σ level × weight% ≥ target × 100  ⇔  index ≥ target.
        let sum: u64 = at.iter().zip(weights).map(|(l, w)| l * w).sum();
        if sum >= target_hundredths {
            let steps: u64 = at.iter().zip(levels).map(|(a, l)| a - l).sum();
            let cost: u64 = (0..n)
                .flat_map(|i| (levels[i] + 1..=at[i]).map(move |to| (i, to)))
                .map(|(i, to)| effort(i, to))
                .sum();
            if best.is_none_or(|b| (cost, steps) < b) {
                best = Some((cost, steps));
            }
        }
        let mut i = 0;
        loop {
            if i == n {
                return best;
            }
            if at[i] < cap.max(levels[i]) {
                at[i] += 1;
                break;
            }
            at[i] = levels[i];
            i += 1;
        }
    }
}

fn write_case(dir: &Path, weights: &[u64], levels: &[u64]) -> (String, String) {
    let model = dir.join("tiny.yaml");
    std::fs::write(&model, model_yaml(weights)).unwrap();
    let sheet = dir.join("sheet.csv");
    let mut csv = String::from("opd,indicator,level\n");
    for (i, l) in levels.iter().enumerate() {
        csv.push_str(&format!("OPD,{},{l}\n", i + 1));
    }
    std::fs::write(&sheet, csv).unwrap();
    (
        model.to_str().unwrap().to_string(),
        sheet.to_str().unwrap().to_string(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn roadmap_is_minimal_on_random_models(
        weights in weights_strategy(),
        seed in prop::collection::vec(1u64..=5, 4),
        cap in 2u64..=5,
        target in 100u64..=500,
    ) {
        let levels = &seed[..weights.len()];
        let dir = Dir::new();
        let (model, sheet) = write_case(dir.path(), &weights, levels);
        let t = format!("{}.{:02}", target / 100, target % 100);
        let cap_s = cap.to_string();
        let (code, v) = json(&["gap", &sheet, "--model", &model, "--target", &t, "--max-level", &cap_s, "--format", "json"]);
        let want = brute(&weights, levels, cap, target, &|_, _| 1);
        match want {
            None => {
                prop_assert_eq!(code, 1);
                prop_assert_eq!(&v["status"], "unreachable");
            }
            Some((_, steps)) => {
                prop_assert_eq!(code, 0);
                prop_assert_eq!(v["total_steps"].as_u64().unwrap(), steps);
                prop_assert_eq!(&v["status"], if steps == 0 { "met" } else { "reachable" });
            }
        }
    }

    #[test]
    fn effort_roadmap_is_cheapest_on_random_models(
        weights in weights_strategy(),
        seed in prop::collection::vec(1u64..=5, 4),
        target in 100u64..=500,
        costs in prop::collection::vec(0u64..=7, 4 * 4),
    ) {
        let levels = &seed[..weights.len()];
        let dir = Dir::new();
        let (model, sheet) = write_case(dir.path(), &weights, levels);
        let effort_of = |i: usize, to: u64| costs[i * 4 + (to as usize - 2)];
        let mut csv = String::from("indicator,to,effort\n");
        for i in 0..weights.len() {
            for to in 2..=5u64 {
                csv.push_str(&format!("{},{to},{}\n", i + 1, effort_of(i, to)));
            }
        }
        let effort = dir.path().join("effort.csv");
        std::fs::write(&effort, csv).unwrap();
        let t = format!("{}.{:02}", target / 100, target % 100);
        let (code, v) = json(&["gap", &sheet, "--model", &model, "--target", &t, "--effort", effort.to_str().unwrap(), "--format", "json"]);
        match brute(&weights, levels, 5, target, &effort_of) {
            None => prop_assert_eq!(code, 1),
            Some((cost, steps)) => {
                prop_assert_eq!(code, 0);
                prop_assert_eq!(v["total_effort"].as_u64().unwrap(), cost);
                prop_assert_eq!(v["total_steps"].as_u64().unwrap(), steps);
            }
        }
    }
}

#[test]
fn gap_tables_follow_lang() {
    let out = spbe()
        .args([
            "gap",
            "examples/kota-contoh",
            "--target",
            "3",
            "--lang",
            "id",
        ])
        .env("COLUMNS", "250")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Kesenjangan"), "{text}");
    assert!(text.contains("Peta jalan: 8 langkah"), "{text}");
    assert!(
        text.contains("Indikator, pengungkit terbesar dahulu"),
        "{text}"
    );
}

#[test]
fn the_rounded_basis_meets_a_target_once_the_index_rounds_to_it() {
    // Two indicators weighing 50.1 and 49.9 at levels 3 and 4: exact 3.499, shown 3.50.
    let dir = Dir::new();
    let model = dir.path().join("m.yaml");
    std::fs::write(
        &model,
        "id: two\nname: Two\nversion: 1\nsource: test\nstatus: reconstructed\nlevels: {min: 1, max: 5}\n\
         scales:\n  s:\n    levels: {1: a, 2: b, 3: c, 4: d, 5: e}\n\
         predicates:\n  - {name: Low, min: 1, max: 3.5}\n  - {name: Top, min: 3.5, max: 5}\n\
         aspects:\n  - id: A\n    name: A\n    weight: 100\n    indicators:\n\
         \x20     - {id: \"1\", name: One, weight: 50.1, scale: s}\n\
         \x20     - {id: \"2\", name: Two, weight: 49.9, scale: s}\n",
    )
    .unwrap();
    let sheet = dir.path().join("s.csv");
    std::fs::write(&sheet, "indicator,level\n1,3\n2,4\n").unwrap();
    let gap = |basis: &str| {
        let out = spbe()
            .arg("gap")
            .arg(&sheet)
            .arg("--model")
            .arg(&model)
            .args([
                "--target-predicate",
                "Top",
                "--predicate-basis",
                basis,
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["total_steps"].as_u64().unwrap()
    };
    assert_eq!(
        gap("rounded"),
        0,
        "3.499 shows as 3.50: Top is met on the rounded basis"
    );
    assert_eq!(gap("exact"), 1, "3.499 is below 3.5 on the exact basis");
}

#[test]
fn a_semicolon_effort_csv_reads_like_a_comma_one() {
    let dir = Dir::new();
    let comma = dir.path().join("comma.csv");
    let semi = dir.path().join("semi.csv");
    std::fs::write(&comma, "indicator,to,effort\n,4,2\n,5,4\n11,,3\n").unwrap();
    std::fs::write(
        &semi,
        "\u{feff}indicator;to;effort\r\n;4;2\r\n;5;4\r\n11;;3\r\n",
    )
    .unwrap();
    let plan = |f: &std::path::Path| {
        let out = spbe()
            .args([
                "gap",
                "examples/kota-contoh",
                "--target",
                "3",
                "--format",
                "json",
                "--effort",
            ])
            .arg(f)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (v["total_effort"].clone(), v["steps"].clone())
    };
    let (effort, steps) = plan(&comma);
    assert_eq!(effort.to_string(), "13");
    assert_eq!(plan(&semi), (effort, steps));
}

#[test]
fn an_effort_csv_saved_as_unicode_text_or_legacy_csv_prices_as_the_utf8_one() {
    let dir = Dir::new();
    let csv = "indicator,to,effort,note\n,,1,\n47,,30,catatan é\n46,,30,\n";
    let plan = |name: &str, bytes: Vec<u8>| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let p = p.display().to_string();
        let (code, v) = json(&[
            "gap", CITY, "--target", "3", "--effort", &p, "--format", "json",
        ]);
        assert_eq!(code, 0, "{name}");
        (v["total_effort"].clone(), v["steps"].clone())
    };
    let utf8 = plan("utf8.csv", csv.into());
    assert_eq!(utf8.0, serde_json::json!(9));
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(csv.encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(plan("unicode.csv", utf16), utf8);
    let legacy: Vec<u8> = csv
        .chars()
        .map(|c| if c == 'é' { 0xE9 } else { c as u8 })
        .collect();
    assert_eq!(plan("legacy.csv", legacy), utf8);
}
