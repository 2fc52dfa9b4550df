//! The year-by-year plan (`--target-path`, `--per-year`) and the one planner behind `gap`, `opd`
//! and `report`: the example city's three-year path, a middle year out of reach, the same steps in
//! every command, and the flags' errors. The planner's exactness is proved against brute force in
//! `src/core/plan.rs`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::harness::{Dir, run, spbe};

const CITY: &str = "examples/kota-contoh";
const OWNERS: &str = "examples/owners-kota-contoh.csv";
const EFFORT: &str = "examples/effort-kota-contoh.yaml";
const PATH: &str = "2027=3.0,2028=3.3,2029=3.5";

fn gap_json(args: &[&str]) -> (i32, Value) {
    let (code, stdout, stderr) = run(spbe().arg("gap").arg(CITY).args(args).args(["-f", "json"]));
    let v = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (code, v)
}

/// The steps of a JSON list as (year, indicator, from, to).
fn steps(list: &Value) -> Vec<(Option<i64>, String, String, u64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["year"].as_i64(),
                s["indicator"].as_str().unwrap().to_string(),
                s["from"].to_string(),
                s["to"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_example_city_three_year_path() {
    let (code, stdout, stderr) = run(spbe().args(["gap", CITY, "--target-path", PATH]));
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stdout);

    let (code, v) = gap_json(&["--target-path", PATH]);
    assert_eq!(code, 0);
    assert_eq!(v["status"], "reachable");
    assert_eq!(v["per_year"], 1);
    let years = v["years"].as_array().unwrap();
    let got: Vec<(i64, String, bool)> = years
        .iter()
        .map(|y| {
            (
                y["year"].as_i64().unwrap(),
                y["target"].to_string(),
                y["met"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (2027, "3".into(), true),
            (2028, "3.3".into(), true),
            (2029, "3.5".into(), true)
        ]
    );
    // Each year's index reaches its target; the flat list is the years' steps in order.
    let mut all = Vec::new();
    for y in years {
        assert!(y["index_after"].as_f64().unwrap() >= y["target"].as_f64().unwrap());
        assert_eq!(y["total_steps"], y["steps"].as_array().unwrap().len());
        all.extend(steps(&y["steps"]));
        // One level per indicator per year: no indicator twice in a year (so never 3 → 5).
        let mut seen = BTreeMap::new();
        for (_, id, _, _) in steps(&y["steps"]) {
            *seen.entry(id).or_insert(0) += 1;
        }
        assert!(seen.values().all(|&n| n == 1), "{seen:?}");
    }
    assert_eq!(all, steps(&v["steps"]));
    assert_eq!(v["total_steps"], 26);
    assert_eq!(v["index_after"].to_string(), "3.5065");
    // 42 and 43 go 3 → 4 in 2027 and 4 → 5 in 2028, not 3 → 5 in one year as a single target
    // plans them.
    let of = |id: &str| -> Vec<(Option<i64>, u64)> {
        all.iter()
            .filter(|s| s.1 == id)
            .map(|s| (s.0, s.3))
            .collect()
    };
    assert_eq!(of("42"), [(Some(2027), 4), (Some(2028), 5)]);
    assert_eq!(of("43"), [(Some(2027), 4), (Some(2028), 5)]);
}

#[test]
fn a_single_target_says_how_many_years_it_needs() {
    let (code, v) = gap_json(&["--target", "3"]);
    assert_eq!(code, 0);
    assert_eq!(
        (v["per_year"].as_u64(), v["years_needed"].as_u64()),
        (Some(1), Some(2))
    );
    assert!(v.get("years").is_none(), "a single target has no years");
    let (_, v) = gap_json(&["--target", "3", "--per-year", "2"]);
    assert_eq!(v["years_needed"], 1);
    let (_, stdout, _) = run(spbe().args(["gap", CITY, "--target", "3"]));
    assert!(stdout.contains(
        "Pace: needs at least 2 evaluation years at 1 level per indicator per year (42, 43, 47 rise 2 levels)"
    ));
    // The same plan as a path of two years takes both years.
    let (code, v) = gap_json(&["--target-path", "2027=2.9,2028=3.0"]);
    assert_eq!(code, 0);
    assert_eq!(v["years_needed"], 2);
}

#[test]
fn an_unreachable_middle_year_exits_one_naming_the_year_the_best_and_what_binds() {
    let path = "2027=3.0,2028=4.6,2029=4.7";
    let (code, stdout, _) = run(spbe().args(["gap", CITY, "--target-path", path]));
    assert_eq!(code, 1);
    assert!(
        stdout.ends_with(
            "Unreachable in 2028: the target 4.60 cannot be met; under these constraints the best index reachable by 2028 is 4.581 (4.58), short by 0.019.\n\
             What binds: --per-year 1 (without it: 5.00).\n"
        ),
        "{stdout}"
    );
    assert!(
        !stdout.contains("2027: "),
        "no roadmap when a year is out of reach"
    );
    let (code, v) = gap_json(&["--target-path", path]);
    assert_eq!(code, 1);
    assert_eq!(v["status"], "unreachable");
    assert_eq!(v["reachable"], false);
    assert_eq!(v["steps"], Value::Array(vec![]));
    let u = &v["unreachable"];
    assert_eq!(u["year"], 2028);
    assert_eq!(u["best_reachable"].to_string(), "4.581");
    assert_eq!(u["binding"][0]["limit"], "per-year");
    assert_eq!(u["binding"][0]["setting"], "--per-year 1");
    // Two levels a year make 2028 reachable.
    let (code, _) = gap_json(&["--target-path", path, "--per-year", "2"]);
    assert_eq!(code, 0);
    // A limit that binds is named with what lifting it would give.
    let (code, stdout, _) = run(spbe().args([
        "gap",
        CITY,
        "--target-path",
        "2027=3.0,2028=3.95",
        "--max-level",
        "4",
    ]));
    assert_eq!(code, 1);
    assert!(
        stdout.ends_with(
            "Unreachable in 2028: the target 3.95 cannot be met; under these constraints the best index reachable by 2028 is 3.94 (3.94), short by 0.01.\n\
             What binds: --per-year 1 (without it: 4.00); --max-level 4 (without it: 4.581).\n"
        ),
        "{stdout}"
    );
}

/// The rows of the report's Markdown roadmap as (year, indicator, from, to).
fn report_steps(args: &[&str]) -> Vec<(Option<i64>, String, String, u64)> {
    let (code, md, stderr) = run(spbe()
        .arg("report")
        .arg(CITY)
        .args(args)
        .args(["-f", "markdown"]));
    assert_eq!(code, 0, "{stderr}");
    let roadmap = md.split("## Roadmap").nth(1).unwrap();
    let roadmap = roadmap.split("\n## ").next().unwrap();
    // Every table whose header starts with `| Step |`, row by row.
    let mut rows = Vec::new();
    let mut path = false;
    let mut lines = roadmap.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("| Step |") {
            path = line.starts_with("| Step | Year |");
            lines.next(); // the separator
            for row in lines.by_ref().take_while(|l| l.starts_with('|')) {
                rows.push(row.to_string());
            }
        }
    }
    rows.iter()
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            let (year, rest) = if path {
                (Some(cells[1].parse().unwrap()), &cells[2..])
            } else {
                (None, &cells[1..])
            };
            (
                year,
                rest[0].to_string(),
                rest[2].to_string(),
                rest[3].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn report_opd_and_gap_list_the_same_steps() {
    for args in [
        &["--target", "3"][..],
        &["--target", "3", "--max-level", "4", "--effort", EFFORT],
        &["--target", "Sangat Baik", "--exclude", "45,46,47"],
        &["--target-path", PATH],
        &[
            "--target-path",
            "2027=3.1,2029=3.6",
            "--per-year",
            "2",
            "--effort",
            EFFORT,
        ],
    ] {
        let (_, v) = gap_json(args);
        let gap = steps(&v["steps"]);
        assert!(!gap.is_empty(), "{args:?}");
        assert_eq!(report_steps(args), gap, "{args:?}");
        // opd gives each step to the indicator's owners (one each in the example city's map).
        let (code, stdout, stderr) = run(spbe()
            .args(["opd", CITY, "--owners", OWNERS, "-f", "json"])
            .args(args));
        assert_eq!(code, 0, "{stderr}");
        let o: Value = serde_json::from_str(&stdout).unwrap();
        let mut shared: Vec<_> = o["opds"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| steps(&r["roadmap"]))
            .chain(steps(&o["unassigned_steps"]))
            .collect();
        let mut want = gap.clone();
        // opd's steps start from whole levels: compare from as a number.
        shared.sort();
        want.sort();
        assert_eq!(shared, want, "{args:?}");
    }
}

#[test]
fn a_path_as_csv_and_markdown() {
    let (code, csv, _) = run(spbe().args(["gap", CITY, "--target-path", PATH, "-f", "csv"]));
    assert_eq!(code, 0);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("#,Year,ID,Indicator,From,To,Gain,Index after,Rounded,Predicate after")
    );
    assert_eq!(
        lines.next(),
        Some("1,2027,47,Layanan Publik Sektor 3,2,3,0.0300,2.794,2.79,Baik")
    );
    assert_eq!(csv.lines().count(), 27, "a header and 26 steps");
    let (code, md, _) = run(spbe().args(["gap", CITY, "--target-path", PATH, "-f", "markdown"]));
    assert_eq!(code, 0);
    assert!(md.contains("## Plan by year\n"), "{md}");
    assert!(
        md.contains("| 2028 | 3.30 | 10 | 3.3115 | 3.31 | Baik | yes |"),
        "{md}"
    );
    assert!(md.contains("## 2029: 7 steps (target 3.50)\n"), "{md}");
}

#[test]
fn a_path_in_indonesian() {
    let (code, stdout, _) = run(spbe()
        .args(["gap", CITY, "--target-path", "2027=3,0,2028=3,3"])
        .env("LANG", "id_ID.UTF-8")
        .env("LC_ALL", "id_ID.UTF-8"));
    assert_eq!(code, 0);
    assert!(stdout.contains("Rencana per tahun"), "{stdout}");
    assert!(
        stdout.contains("paling banyak 1 tingkat per indikator per tahun"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Dapat dicapai: 19 langkah dalam 2 tahun"),
        "{stdout}"
    );
}

#[test]
fn path_flags_are_checked_before_any_sheet_is_read() {
    let dir = Dir::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--target-path", "2028=3.0,2027=3.3"],
            "error: --target-path: 2027 comes after 2028; list each year once, in ascending order\n",
        ),
        (
            &["--target-path", "27=3.0"],
            "error: --target-path: \"27\" is not a year; write e.g. --target-path 2027=3.0,2028=3.3\n",
        ),
        (
            &["--target-path", "2027:3.0"],
            "error: --target-path: \"2027:3.0\" is not YEAR=INDEX; write e.g. --target-path 2027=3.0,2028=3.3,2029=3.5\n",
        ),
        (
            &["--target-path", "2027=6"],
            "error: --target-path 2027 6 is outside the index range 1..5 of the model spbe-2020; choose a target between 1 and 5\n",
        ),
        (
            &["--target-path", "2027=3.0,2040=3.5"],
            "error: --target-path: 2027 to 2040 is more than 10 evaluations; plan at most 10 years at once (an RPJMD is five)\n",
        ),
        (
            &["--target", "3", "--per-year", "0"],
            "error: --per-year 0: write how many levels an indicator may rise in one year, from 1 to 4\n",
        ),
    ];
    let missing = dir.join("missing.csv");
    for (args, want) in cases {
        // The sheet does not exist: the flag's error comes first.
        let (code, stdout, stderr) = run(spbe().arg("gap").arg(&missing).args(*args));
        assert_eq!(
            (code, stderr.as_str(), stdout.as_str()),
            (2, *want, ""),
            "{args:?}"
        );
    }
    // A target and a path together are a usage error.
    let (code, _, stderr) = run(spbe().args(["gap", CITY, "--target", "3", "--target-path", PATH]));
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
    // The decimal comma reads like the point.
    let (_, a) = gap_json(&["--target-path", "2027=3,0;2028=3,3"]);
    let (_, b) = gap_json(&["--target-path", "2027=3.0,2028=3.3"]);
    assert_eq!(a, b);
}

#[test]
fn the_workbook_has_the_year_by_year_plan_with_each_steps_owner() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = Dir::new();
    let path = dir.join("rencana.xlsx");
    let (code, _, stderr) = run(spbe()
        .args([
            "report",
            CITY,
            "--owners",
            OWNERS,
            "--target-path",
            PATH,
            "-o",
        ])
        .arg(&path));
    assert_eq!(code, 0, "{stderr}");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let road = wb.worksheet_range("Roadmap").unwrap();
    let text = |d: &Data| match d {
        Data::String(s) => s.clone(),
        Data::Float(x) => x.to_string(),
        other => format!("{other:?}"),
    };
    let header: Vec<String> = (0..10).map(|c| text(&road[(0, c)])).collect();
    assert_eq!(
        header,
        [
            "Step",
            "Year",
            "ID",
            "Indicator",
            "From",
            "To",
            "Gain",
            "Index after",
            "Predicate after",
            "OPD to act"
        ]
    );
    // 26 steps; the year of each and the owner from the responsibility map (44 is Bagian
    // Hukum's, though Diskominfo answered it).
    let rows: Vec<(String, String, String)> = (1..=26)
        .map(|r| {
            (
                text(&road[(r, 1)]),
                text(&road[(r, 2)]),
                text(&road[(r, 9)]),
            )
        })
        .collect();
    assert_eq!(
        rows[0],
        ("2027".into(), "47".into(), "Dinas Kesehatan".into())
    );
    assert!(rows.contains(&("2027".into(), "44".into(), "Bagian Hukum".into())));
    assert_eq!(rows.iter().filter(|r| r.0 == "2028").count(), 10);
    assert!(
        matches!(road[(27, 0)], Data::Empty),
        "the steps end at row 26"
    );
}

#[test]
fn a_pemdi_plan_starts_from_the_decimal_values() {
    // Pemdi 2026's example result: I19 Fasilitas Dukungan Pengguna (10 %) stands at 1.50, so
    // its first step goes to 2.00 and gains 0.5 × 10 % = 0.05; the next ones 0.10 each.
    let (code, stdout, stderr) = run(spbe().args([
        "gap",
        "examples/pemdi-contoh",
        "--model",
        "pemdi-2026",
        "--target-path",
        "2027=1.55,2028=1.65",
        "--only",
        "19",
        "-f",
        "json",
        "-q",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["current"].to_string(), "1.506");
    let got: Vec<(i64, String, u64, String, String)> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["year"].as_i64().unwrap(),
                s["from"].to_string(),
                s["to"].as_u64().unwrap(),
                s["gain"].to_string(),
                s["index_after"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (2027, "1.5".into(), 2, "0.05".into(), "1.556".into()),
            (2028, "2".into(), 3, "0.1".into(), "1.656".into())
        ]
    );
    let (code, table, _) = run(spbe().args([
        "gap",
        "examples/pemdi-contoh",
        "--model",
        "pemdi-2026",
        "--target",
        "1.55",
        "--only",
        "19",
        "-q",
    ]));
    assert_eq!(code, 0);
    assert!(
        table.contains("│ 1 ┆ 19 ┆ Fasilitas Dukungan Pengguna ┆ 1.50 ┆ 2.00 ┆ 0.0500 ┆"),
        "{table}"
    );
}
