//! Responsibility maps (`--owners`), `--combine owner` and `spbe opd`, end to end on the real
//! binary: the example city with its map, small sheets in a temp folder, and every error with
//! its location and exit code.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

const CITY: &str = "examples/kota-contoh";
const CITY_OWNERS: &str = "examples/owners-kota-contoh.csv";

fn spbe() -> Command {
    let mut c = Command::cargo_bin("spbe").unwrap();
    c.env_remove("NO_COLOR").env("COLUMNS", "200");
    c
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn run_ok(cmd: &mut Command) -> (String, String) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(cmd: &mut Command) -> serde_json::Value {
    serde_json::from_str(&run_ok(cmd).0).unwrap()
}

#[test]
fn example_city_opd_table() {
    let (out, err) = run_ok(spbe().args(["opd", CITY, "--owners", CITY_OWNERS]));
    insta::assert_snapshot!(out);
    assert_eq!(
        err,
        "warning: 1 indicator has no owner in the responsibility map: 27\n\
         warning: OPD in the responsibility map sent no answer sheet: Dinas Perpustakaan dan Kearsipan, Bagian Organisasi, Bagian Hukum\n"
    );
}

#[test]
fn example_city_opd_markdown_and_csv() {
    let (md, _) = run_ok(spbe().args(["opd", CITY, "--owners", CITY_OWNERS, "-f", "markdown"]));
    insta::assert_snapshot!("example_city_opd_markdown", md);
    let (csv, _) = run_ok(spbe().args(["opd", CITY, "--owners", CITY_OWNERS, "-f", "csv"]));
    insta::assert_snapshot!("example_city_opd_csv", csv);
}

#[test]
fn example_city_opd_json() {
    let v = json(spbe().args(["opd", CITY, "--owners", CITY_OWNERS, "-f", "json"]));
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["index"].to_string(), "2.764");
    // Sorted by points to gain, most first.
    let order: Vec<(&str, String)> = v["opds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["opd"].as_str().unwrap(), o["points_to_gain"].to_string()))
        .collect();
    assert_eq!(order[0], ("Diskominfo", "1.551".to_string()));
    assert_eq!(order[1], ("Bappeda", "0.3575".to_string()));
    // Bappeda by hand: (3+3+3+2) × 2.50 + (4+3) × 2.75 over 4 × 2.50 + 2 × 2.75 = 46.75 / 15.50
    // = 187/62 = 3.016129032258… (renormalised; it does not terminate, so cut at 12 digits).
    let bappeda = &v["opds"][1];
    assert_eq!(bappeda["index_renormalised_fraction"], "187/62");
    assert_eq!(bappeda["index_renormalised"].to_string(), "3.016129032258");
    assert_eq!(bappeda["index_renormalised_rounded"].to_string(), "3.02");
    assert_eq!(bappeda["index_renormalised_exact"], false);
    // Numbers travel with their exact digits (serde_json::Value would reparse them as f64).
    let (raw, _) = run_ok(spbe().args(["opd", CITY, "--owners", CITY_OWNERS, "-f", "json"]));
    assert!(raw.contains("\"covered_weight\": 15.50,"));
    assert!(raw.contains("\"index_renormalised\": 3.016129032258,"));
    // Disagreements by weight × spread, ties in model order.
    let stakes: Vec<String> = v["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{}:{}", d["id"].as_str().unwrap(), d["points_at_stake"]))
        .collect();
    assert_eq!(
        stakes,
        [
            "42:0.03",
            "47:0.03",
            "33:0.0275",
            "11:0.025",
            "12:0.025",
            "29:0.015",
            "31:0.015",
            "9:0.013"
        ]
    );
    assert_eq!(
        v["missing"],
        serde_json::json!({
            "indicators_without_owner": ["27"],
            "opds_without_sheet": ["Dinas Perpustakaan dan Kearsipan", "Bagian Organisasi", "Bagian Hukum"],
            "opds_not_in_map": []
        })
    );
    // The report reads back with its own types.
    let text = serde_json::to_string(&v).unwrap();
    let back: spbe::opd::OpdReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back.opds.len(), 11);
}

#[test]
fn opd_without_a_map_has_no_owner_columns() {
    let v = json(spbe().args(["opd", CITY, "-f", "json"]));
    assert!(v["missing"].is_null());
    assert_eq!(v["opds"].as_array().unwrap().len(), 8);
    let (out, _) = run_ok(spbe().args(["opd", CITY]));
    assert!(out.contains("Owners: no responsibility map"));
    assert!(!out.contains("Missing owners"));
}

/// Two OPD disagree on 36 (owned by A) and on 40 (owned by C, who sent nothing).
fn owner_case(dir: &Path) -> (String, String) {
    let sheets = dir.join("sheets");
    std::fs::create_dir(&sheets).unwrap();
    write(&sheets, "a.csv", "opd,indicator,level\nA,36,4\nA,40,2\n");
    write(&sheets, "b.csv", "opd,indicator,level\nB,36,2\nB,40,4\n");
    let map = write(
        dir,
        "owners.csv",
        "indicator,opd,role\n36,A,owner\n36,B,contributor\n40,C,owner\n",
    );
    (sheets.display().to_string(), map)
}

#[test]
fn combine_owner_with_and_without_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let (sheets, map) = owner_case(dir.path());
    // Every other indicator is unanswered, so level 1: 94.50 % × 1 = 0.945 index points.
    // min everywhere: 36 → 2, 40 → 2: 0.945 + 0.055 + 0.055 = 1.055.
    let v = json(spbe().args(["score", &sheets, "-f", "json"]));
    assert_eq!(v["index"].to_string(), "1.055");
    // owner, fallback min: 36 → A's 4; 40 → min(2, 4) = 2: 0.945 + 0.11 + 0.055 = 1.11.
    let out = spbe()
        .args([
            "score",
            &sheets,
            "--owners",
            &map,
            "--combine",
            "owner",
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["index"].to_string(), "1.11");
    assert_eq!(v["combine"], "owner");
    assert_eq!(v["fallback"], "min");
    assert_eq!(v["receipt"]["fallback"], "min");
    let i36 = &v["indicators"][35];
    assert_eq!(i36["owners"], serde_json::json!(["A"]));
    assert_eq!(i36["contributors"], serde_json::json!(["B"]));
    assert_eq!(i36["owner_fallback"], false);
    assert_eq!(
        (i36["min"].clone(), i36["max"].clone()),
        (2.into(), 4.into())
    );
    assert_eq!(v["indicators"][39]["owner_fallback"], true);
    assert_eq!(v["indicators"][0]["owners"], serde_json::json!([]));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(
            "warning: combine=owner: 1 indicator had no answer from its owner, so combine=min decided: 40 (owner C did not answer)\n"
        ),
        "{stderr}"
    );
    // owner, fallback max: 40 → max(2, 4) = 4: 0.945 + 0.11 + 0.11 = 1.165.
    let v = json(spbe().args([
        "score",
        &sheets,
        "--owners",
        &map,
        "--combine",
        "owner",
        "--fallback",
        "max",
        "-f",
        "json",
    ]));
    assert_eq!(v["index"].to_string(), "1.165");
    assert_eq!(v["fallback"], "max");
    // The table names the owner and marks where the fallback decided.
    let (table, _) =
        run_ok(spbe().args(["score", &sheets, "--owners", &map, "--combine", "owner"]));
    assert!(table.contains("combine: owner, falling back to min"));
    assert!(table.contains("┆ C *"), "{table}");
    assert!(table.contains("* no answer from the owner: combine=min over every answer decided"));
    // Without --combine owner the map only names owners: the result is min's.
    let v = json(spbe().args(["score", &sheets, "--owners", &map, "-f", "json"]));
    assert_eq!(v["index"].to_string(), "1.055");
    assert!(v.get("fallback").is_none());
    assert!(v["indicators"][35].get("owner_fallback").is_none());
    assert_eq!(v["receipt"]["owners"]["rows"], 3);
}

#[test]
fn owners_in_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let (sheets, _) = owner_case(dir.path());
    let map = write(
        dir.path(),
        "owners.yaml",
        "- {indicator: 36, opd: A}\n- indicator: I40\n  opd: c\n  role: owner\n",
    );
    let v = json(spbe().args([
        "score",
        &sheets,
        "--owners",
        &map,
        "--combine",
        "owner",
        "-f",
        "json",
    ]));
    assert_eq!(v["index"].to_string(), "1.11");
    assert_eq!(v["indicators"][39]["owners"], serde_json::json!(["c"]));
}

#[test]
fn option_mistakes_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (sheets, map) = owner_case(dir.path());
    spbe()
        .args(["score", &sheets, "--combine", "owner"])
        .assert()
        .code(2)
        .stderr("error: --combine owner needs a responsibility map: add --owners FILE (rows indicator,opd,role)\n");
    spbe()
        .args(["score", &sheets, "--owners", &map, "--fallback", "max"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--fallback only applies with --combine owner",
        ));
    spbe()
        .args([
            "score",
            &sheets,
            "--owners",
            &map,
            "--combine",
            "owner",
            "--fallback",
            "owner",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--fallback owner makes no sense"));
    // A map inside the sheet folder would be read as a sheet.
    let inside = write(
        &dir.path().join("sheets"),
        "owners.csv",
        "indicator,opd\n36,A\n",
    );
    spbe()
        .args(["opd", &sheets, "--owners", &inside])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is inside the sheet folder"));
    // -o never overwrites the map.
    spbe()
        .args([
            "opd",
            &dir.path().join("sheets/a.csv").display().to_string(),
            "--owners",
            &map,
            "-o",
            &map,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("it is one of the inputs"));
    assert!(
        std::fs::read_to_string(&map)
            .unwrap()
            .starts_with("indicator,opd,role")
    );
}

#[test]
fn bad_map_rows_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let (sheets, _) = owner_case(dir.path());
    let map = write(
        dir.path(),
        "bad.csv",
        "indicator,opd,role\n48,A,owner\n36,A,lead\n36,,owner\n",
    );
    spbe()
        .args(["opd", &sheets, "--owners", &map])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "error: 3 problems in the responsibility map {map}:\n  \
             {map}:2:1: column \"indicator\": unknown indicator \"48\"; the model spbe-2020 has indicators 1 to 47\n  \
             {map}:3:3: column \"role\": unknown role \"lead\"; write owner or contributor (empty means owner)\n  \
             {map}:4:2: column \"opd\": the OPD is empty; write the OPD's name as its answer sheets do\n"
        ));
    let map = write(dir.path(), "cols.csv", "indikator,level\n36,3\n");
    spbe()
        .args(["opd", &sheets, "--owners", &map])
        .assert()
        .code(2)
        .stderr(format!(
            "error: 1 problem in the responsibility map {map}:\n  {map}:1: missing column opd; the header row has: indikator, level; a responsibility map has the columns indicator,opd and optionally role\n"
        ));
    spbe()
        .args(["opd", &sheets, "--owners", "no-such-map.csv"])
        .assert()
        .code(2)
        .stderr("error: 1 problem in the responsibility map no-such-map.csv:\n  no-such-map.csv: no such file; check the path given to --owners\n");
}

#[test]
fn the_docs_show_the_real_opd_rows() {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/opd.md")).unwrap();
    let (md, _) = run_ok(spbe().args(["opd", CITY, "--owners", CITY_OWNERS, "-f", "markdown"]));
    let shown: Vec<&str> = docs
        .lines()
        .filter(|l| l.starts_with("| ") && (l.contains(" | yes | ") || l.contains(" | no | ")))
        .collect();
    assert!(shown.len() >= 4);
    for line in shown {
        assert!(
            md.lines().any(|l| l == line),
            "docs/opd.md shows a row the command does not print: {line}"
        );
    }
}

#[test]
fn target_shares_the_gap_roadmap_out_to_owners() {
    // `spbe gap --target 3` on the example city takes 8 steps: 47 2→3, 42 3→4, 43 3→4, 46 3→4,
    // 47 3→4, 42 4→5, 43 4→5, 44 4→5. Each goes to the indicator's owner in the map.
    let (out, _) = run_ok(spbe().args([
        "opd",
        "examples/kota-contoh",
        "--owners",
        "examples/owners-kota-contoh.csv",
        "--target",
        "3",
        "--format",
        "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let steps_of = |opd: &str| -> Vec<String> {
        let row = v["opds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["opd"] == opd)
            .unwrap();
        row["roadmap"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                format!(
                    "{} {}→{}",
                    s["indicator"].as_str().unwrap(),
                    s["from"],
                    s["to"]
                )
            })
            .collect()
    };
    assert_eq!(
        steps_of("Diskominfo"),
        ["42 3→4", "43 3→4", "42 4→5", "43 4→5"]
    );
    assert_eq!(steps_of("DPMPTSP"), ["46 3→4"]);
    assert_eq!(steps_of("Dinas Kesehatan"), ["47 2→3", "47 3→4"]);
    assert_eq!(steps_of("Bagian Hukum"), ["44 4→5"]);
    assert_eq!(steps_of("Bappeda"), Vec::<String>::new());
    assert_eq!(v["unassigned_steps"], serde_json::json!([]));
    let total: usize = v["opds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["roadmap"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        total, 8,
        "every step of the roadmap goes to exactly one place here"
    );

    let (table, _) = run_ok(spbe().args([
        "opd",
        "examples/kota-contoh",
        "--owners",
        "examples/owners-kota-contoh.csv",
        "--target",
        "3",
    ]));
    assert!(
        table.contains("42: 3→4, 43: 3→4, 42: 4→5, 43: 4→5"),
        "{table}"
    );
    assert!(
        table.contains("Roadmap steps: the fewest level steps to the target"),
        "{table}"
    );
}
