//! Responsibility maps (`--owners`), `--combine owner` and `spbe opd`, end to end on the real
//! binary: the example city with its map, small sheets in a temp folder, and every error with
//! its location and exit code.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

use spbe::core::opd::OpdReport;

use crate::harness::{Dir, ROOT, spbe};

const CITY: &str = "examples/kota-contoh";
const CITY_OWNERS: &str = "examples/owners-kota-contoh.csv";

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
    let back: OpdReport = serde_json::from_str(&text).unwrap();
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
fn owner_case(dir: &Dir) -> (String, String) {
    dir.write("sheets/a.csv", "opd,indicator,level\nA,36,4\nA,40,2\n");
    dir.write("sheets/b.csv", "opd,indicator,level\nB,36,2\nB,40,4\n");
    let map = dir.write(
        "owners.csv",
        "indicator,opd,role\n36,A,owner\n36,B,contributor\n40,C,owner\n",
    );
    (dir.join("sheets").display().to_string(), map)
}

#[test]
fn combine_owner_with_and_without_fallback() {
    let dir = Dir::new();
    let (sheets, map) = owner_case(&dir);
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
    let dir = Dir::new();
    let (sheets, _) = owner_case(&dir);
    let map = dir.write(
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
    let dir = Dir::new();
    let (sheets, map) = owner_case(&dir);
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
    let inside = dir.write("sheets/owners.csv", "indicator,opd\n36,A\n");
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
    let dir = Dir::new();
    let (sheets, _) = owner_case(&dir);
    let map = dir.write(
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
    let map = dir.write("cols.csv", "indikator,level\n36,3\n");
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
fn a_quote_never_closed_in_the_map_is_refused_at_its_line() {
    let dir = Dir::new();
    let (sheets, _) = owner_case(&dir);
    // Without the check, line 3's cell swallowed lines 4 and 5: C's name was the rest of the file.
    let map = dir.write(
        "quote.csv",
        "indicator,opd,role\n36,A,owner\n40,\"C,owner\n36,B,contributor\n1,D\n",
    );
    for command in ["score", "opd"] {
        spbe()
            .args([command, &sheets, "--owners", &map, "--combine", "owner"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!(
                "error: 1 problem in the responsibility map {map}:\n  \
                 {map}:3: a quote (\") opens a cell here and is never closed, so every row after it would be read into that one cell; add the closing quote or remove this one\n"
            ));
    }
    // With `;`, and a BOM as Excel writes it: the line is still the quote's.
    let map = dir.write(
        "semi.csv",
        "\u{feff}indicator;opd\n36;A\n\n40;C\n1;\"D\n2;E\n",
    );
    spbe()
        .args(["opd", &sheets, "--owners", &map])
        .assert()
        .code(2)
        .stderr(predicate::str::ends_with(format!(
            "{map}:5: a quote (\") opens a cell here and is never closed, so every row after it would be read into that one cell; add the closing quote or remove this one\n"
        )));
}

#[test]
fn a_quoted_map_cell_may_hold_commas_quotes_and_line_breaks() {
    let dir = Dir::new();
    let sheets = dir.join("sheets");
    let opd = "Dinas \"Kominfo\", Statistik\ndan Persandian";
    dir.write(
        "sheets/a.csv",
        format!(
            "opd,indicator,level\n\"{}\",36,4\nB,36,2\n",
            opd.replace('"', "\"\"")
        ),
    );
    let map = dir.write(
        "owners.csv",
        format!(
            "indicator,opd,role\n36,\"{}\",owner\n36,B,contributor\n",
            opd.replace('"', "\"\"")
        ),
    );
    let v = json(spbe().args([
        "score",
        &sheets.display().to_string(),
        "--owners",
        &map,
        "--combine",
        "owner",
        "-f",
        "json",
    ]));
    // 36 → its owner's 4, not min's 2; every other indicator is unanswered (level 1):
    // 97.25 % × 1 + 2.75 % × 4 = 1.0825.
    assert_eq!(v["index"].to_string(), "1.0825");
    assert_eq!(v["indicators"][35]["owners"], serde_json::json!([opd]));
    assert_eq!(
        v["indicators"][35]["contributors"],
        serde_json::json!(["B"])
    );
    assert_eq!(v["receipt"]["owners"]["rows"], 2);
}

#[test]
fn the_docs_show_the_real_opd_rows() {
    let docs = std::fs::read_to_string(Path::new(ROOT).join("docs/opd.md")).unwrap();
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
        table.contains("Roadmap steps: the steps of `spbe gap` with the same options"),
        "{table}"
    );
}

// ---- staged sheets: `spbe opd` counts the answers `spbe score` counts --------------------------

/// 11: Diskominfo self-assessed 4, the assessors settled on 2 (akhir); Bappeda only
/// self-assessed 3. 12: Diskominfo's akhir 3 supersedes Bappeda's mandiri 1. 13: a mandiri answer
/// beside an unstaged one (left out). 14: only the document review (dokumen).
const STAGED: &str = "opd,indicator,level,stage\n\
    Diskominfo,11,4,mandiri\nDiskominfo,11,2,akhir\nBappeda,11,3,mandiri\n\
    Bappeda,12,1,mandiri\nDiskominfo,12,3,akhir\n\
    Diskominfo,13,3,mandiri\nBappeda,13,2,\nBappeda,14,2,dokumen\n";

/// Per indicator 11 to 14: `spbe score`'s level and its OPD answers.
fn scored(sheet: &str, extra: &[&str]) -> Vec<(String, String, String)> {
    let v = json(spbe().args(["score", sheet, "-f", "json"]).args(extra));
    v["indicators"].as_array().unwrap()[10..14]
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["level"].to_string(),
                i["answers"].to_string(),
            )
        })
        .collect()
}

/// One OPD's row as `(id, answer, institution level, level used, points)` per indicator.
fn indicators_of(v: &serde_json::Value, opd: &str) -> Vec<String> {
    row_of(v, opd)["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{} answer {} institution {} used {} points {}",
                i["id"].as_str().unwrap(),
                i["answer"],
                i["institution_level"],
                i["level_used"],
                i["points_to_gain"]
            )
        })
        .collect()
}

fn row_of<'a>(v: &'a serde_json::Value, opd: &str) -> &'a serde_json::Value {
    v["opds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["opd"] == opd)
        .unwrap_or_else(|| panic!("no row for {opd}"))
}

#[test]
fn opd_on_staged_sheets_shows_the_latest_stage_as_score_does() {
    let dir = Dir::new();
    let sheet = dir.write("staged.csv", STAGED);
    // What `spbe score` counts: 11 → Diskominfo's akhir 2; 12 → Diskominfo's akhir 3; 13 →
    // Diskominfo's mandiri 3 (Bappeda's unstaged 2 left out); 14 → Bappeda's dokumen 2.
    assert_eq!(
        scored(&sheet, &[]),
        [
            (
                "11".into(),
                "2".into(),
                r#"[{"level":2,"opd":"Diskominfo"}]"#.into()
            ),
            (
                "12".into(),
                "3".into(),
                r#"[{"level":3,"opd":"Diskominfo"}]"#.into()
            ),
            (
                "13".into(),
                "3".into(),
                r#"[{"level":3,"opd":"Diskominfo"}]"#.into()
            ),
            (
                "14".into(),
                "2".into(),
                r#"[{"level":2,"opd":"Bappeda"}]"#.into()
            ),
        ]
    );
    let (out, err) = run_ok(spbe().args(["opd", &sheet]));
    // Diskominfo: (2 + 3 + 3) / 3 = 8/3 → 2.67 over 7.50 %; points 2.50 × (3 + 2 + 2) / 100.
    // Bappeda: only 14 counts, 2.50 × 3 / 100. Nobody disagrees within what counts.
    insta::assert_snapshot!(out, @r"
    OPD view: Indeks SPBE (spbe-2020, version 2020, official)
    Inputs: 1 sheet, 2 OPD; combine: min
    Owners: no responsibility map (add --owners FILE to see owners and missing owners)
    Institution index: 1.15  Kurang  (exact 1.15)

    OPD, most index points to gain first
    ┌────────────┬───────┬──────────┬──────────┬──────────────────────┬────────────────┐
    │ OPD        ┆ Sheet ┆ Answered ┆ Covers % ┆ Index (renormalised) ┆ Points to gain │
    ╞════════════╪═══════╪══════════╪══════════╪══════════════════════╪════════════════╡
    │ Diskominfo ┆ yes   ┆ 11-13    ┆     7.50 ┆                 2.67 ┆         0.1750 │
    │ Bappeda    ┆ yes   ┆ 14       ┆     2.50 ┆                 2.00 ┆         0.0750 │
    └────────────┴───────┴──────────┴──────────┴──────────────────────┴────────────────┘

    Disagreements, most index points at stake first
    None: every indicator answered by several OPD got the same level from each.

    Index (renormalised): the OPD's own levels (its answer, or the institution's level where it owns an indicator it did not answer), weighted over the indicators it answered or owns and divided by their weight (Covers %); it is not comparable with the institution's index.
    Points to gain: Σ weight × (5 − institution level) / 100 over those indicators; an indicator several OPD cover counts in each of their rows.
    ");
    assert!(
        err.ends_with(
            "warning: 1 answer with no stage was left out because the same indicator has staged answers; add a stage to them\n"
        ),
        "{err}"
    );

    let v = json(spbe().args(["opd", &sheet, "-f", "json"]));
    assert_eq!(
        indicators_of(&v, "Diskominfo"),
        [
            "11 answer 2 institution 2 used 2 points 0.075",
            "12 answer 3 institution 3 used 3 points 0.05",
            "13 answer 3 institution 3 used 3 points 0.05",
        ]
    );
    assert_eq!(
        row_of(&v, "Diskominfo")["index_renormalised_fraction"],
        "8/3"
    );
    assert_eq!(
        row_of(&v, "Diskominfo")["points_to_gain"].to_string(),
        "0.175"
    );
    assert_eq!(
        indicators_of(&v, "Bappeda"),
        ["14 answer 2 institution 2 used 2 points 0.075"]
    );
    assert_eq!(row_of(&v, "Bappeda")["answered"], serde_json::json!(["14"]));
    assert_eq!(v["disagreements"], serde_json::json!([]));
}

#[test]
fn opd_honours_stage_as_score_does() {
    let dir = Dir::new();
    let sheet = dir.write("staged.csv", STAGED);
    // --stage mandiri: 11 → Diskominfo 4 and Bappeda 3 (min 3); 12 → Bappeda 1; 13 →
    // Diskominfo 3; 14 has no mandiri answer (lowest level).
    assert_eq!(
        scored(&sheet, &["--stage", "mandiri"]),
        [
            (
                "11".into(),
                "3".into(),
                r#"[{"level":4,"opd":"Diskominfo"},{"level":3,"opd":"Bappeda"}]"#.into()
            ),
            (
                "12".into(),
                "1".into(),
                r#"[{"level":1,"opd":"Bappeda"}]"#.into()
            ),
            (
                "13".into(),
                "3".into(),
                r#"[{"level":3,"opd":"Diskominfo"}]"#.into()
            ),
            ("14".into(), "1".into(), "[]".into()),
        ]
    );
    let v = json(spbe().args(["opd", &sheet, "--stage", "mandiri", "-f", "json"]));
    assert_eq!(v["index"].to_string(), "1.1");
    // Bappeda: (3 + 1) / 2 = 2; points 2.50 × (2 + 4) / 100 = 0.15.
    assert_eq!(
        indicators_of(&v, "Bappeda"),
        [
            "11 answer 3 institution 3 used 3 points 0.05",
            "12 answer 1 institution 1 used 1 points 0.1",
        ]
    );
    assert_eq!(row_of(&v, "Bappeda")["index_renormalised_fraction"], "2/1");
    // Diskominfo: (4 + 3) / 2 = 7/2; points 2.50 × (2 + 2) / 100 = 0.1.
    assert_eq!(
        indicators_of(&v, "Diskominfo"),
        [
            "11 answer 4 institution 3 used 4 points 0.05",
            "13 answer 3 institution 3 used 3 points 0.05",
        ]
    );
    assert_eq!(
        row_of(&v, "Diskominfo")["index_renormalised_fraction"],
        "7/2"
    );
    // The one disagreement within the self-assessment, with each OPD once.
    let d = &v["disagreements"];
    assert_eq!(d.as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d[0]["id"], "11");
    assert_eq!(
        (d[0]["min"].clone(), d[0]["max"].clone()),
        (3.into(), 4.into())
    );
    assert_eq!(d[0]["level"], 3);
    assert_eq!(d[0]["points_at_stake"].to_string(), "0.025");
    assert_eq!(
        d[0]["answers"],
        serde_json::json!([{"opd": "Diskominfo", "level": 4}, {"opd": "Bappeda", "level": 3}])
    );

    // --stage akhir with a map: Bappeda has no akhir answer, but it did send a sheet; it owns 14,
    // which nobody answered at akhir, so its row holds it to the institution's level 1.
    let map = dir.write("owners.csv", "indicator,opd\n14,Bappeda\n");
    let v = json(spbe().args([
        "opd", &sheet, "--stage", "akhir", "--owners", &map, "-f", "json",
    ]));
    let bappeda = row_of(&v, "Bappeda");
    assert_eq!(bappeda["sent_sheet"], true);
    assert_eq!(bappeda["answered"], serde_json::json!([]));
    assert_eq!(bappeda["owns"], serde_json::json!(["14"]));
    assert_eq!(
        indicators_of(&v, "Bappeda"),
        ["14 answer null institution 1 used 1 points 0.1"]
    );
    assert_eq!(
        indicators_of(&v, "Diskominfo"),
        [
            "11 answer 2 institution 2 used 2 points 0.075",
            "12 answer 3 institution 3 used 3 points 0.05",
        ]
    );
    assert_eq!(
        v["missing"]["opds_without_sheet"],
        serde_json::json!([]),
        "Bappeda sent a sheet"
    );
    assert_eq!(
        v["missing"]["opds_not_in_map"],
        serde_json::json!(["Diskominfo"])
    );
    assert_eq!(v["disagreements"], serde_json::json!([]));

    // --stage on sheets without a stage column is the same error as for spbe score.
    let plain = dir.write("plain.csv", "opd,indicator,level\nA,1,2\n");
    spbe()
        .args(["opd", &plain, "--stage", "akhir"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: --stage akhir: the answer sheets have no stage column",
        ));
}

#[test]
fn roadmap_steps_go_to_the_opd_whose_answer_counts() {
    let dir = Dir::new();
    // Every indicator but 12 at the top level; on 12 Diskominfo's akhir 3 supersedes Bappeda's
    // mandiri 1. Index 97.50 % × 5 + 2.50 % × 3 = 4.95; 4.975 needs one step, 12: 3→4.
    let mut text = String::from("opd,indicator,level,stage\n");
    for i in (1..=47).filter(|&i| i != 12) {
        text.push_str(&format!("Lain,{i},5,\n"));
    }
    text.push_str("Bappeda,12,1,mandiri\nDiskominfo,12,3,akhir\n");
    let sheet = dir.write("staged.csv", &text);
    let v = json(spbe().args(["opd", &sheet, "--target", "4.975", "-f", "json"]));
    assert_eq!(v["index"].to_string(), "4.95");
    // Which step, without the criteria and evidence of the level it reaches.
    let steps = |opd: &str| {
        let mut steps = row_of(&v, opd)["roadmap"].clone();
        for s in steps.as_array_mut().unwrap() {
            let s = s.as_object_mut().unwrap();
            for field in ["criteria", "criteria_en", "evidence"] {
                s.remove(field);
            }
        }
        steps
    };
    assert_eq!(
        steps("Diskominfo"),
        serde_json::json!([{"indicator": "12", "from": 3, "to": 4}])
    );
    assert!(
        row_of(&v, "Diskominfo")["roadmap"][0]["criteria"]
            .as_str()
            .is_some_and(|c| c.starts_with("Memenuhi level 3; Peta Rencana SPBE"))
    );
    assert_eq!(steps("Bappeda"), serde_json::json!([]));
    assert_eq!(steps("Lain"), serde_json::json!([]));
}

#[test]
fn opd_and_score_agree_on_the_staged_example_year() {
    // tests/data/years/2025: every OPD answered at mandiri and akhir. `spbe opd` lists each OPD
    // once per disagreement, exactly the akhir answers `spbe score` shows, and the same levels.
    let score = json(spbe().args(["score", "tests/data/years/2025", "-f", "json"]));
    let opd = json(spbe().args(["opd", "tests/data/years/2025", "-f", "json"]));
    let from_score: Vec<(String, serde_json::Value, serde_json::Value)> = score["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["min"] != i["max"])
        .map(|i| {
            (
                i["id"].as_str().unwrap().into(),
                i["level"].clone(),
                i["answers"].clone(),
            )
        })
        .collect();
    let mut from_opd: Vec<(String, serde_json::Value, serde_json::Value)> = opd["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().into(),
                d["level"].clone(),
                d["answers"].clone(),
            )
        })
        .collect();
    from_opd.sort_by_key(|(id, _, _)| id.parse::<u32>().unwrap());
    assert_eq!(from_opd, from_score);
    let ids: Vec<&str> = from_opd.iter().map(|(id, _, _)| id.as_str()).collect();
    assert_eq!(ids, ["9", "11", "12", "31", "33", "42", "47"]);
    // Every OPD's institution levels are the scored levels.
    for row in opd["opds"].as_array().unwrap() {
        for i in row["indicators"].as_array().unwrap() {
            let k: usize = i["id"].as_str().unwrap().parse().unwrap();
            assert_eq!(
                i["institution_level"],
                score["indicators"][k - 1]["level"],
                "{i}"
            );
        }
    }
}

#[test]
fn the_exact_index_is_shown_as_spbe_score_shows_it() {
    // Indicator 11 (2.5 %) at level 5, the rest at 1: the index is exactly 1.1.
    let dir = Dir::new();
    let sheet = dir.write("a.csv", "opd,indicator,level\nA,11,5\n");
    let (opd, _) = run_ok(spbe().args(["opd", &sheet]));
    let (score, _) = run_ok(spbe().args(["score", &sheet]));
    assert!(
        opd.contains("Institution index: 1.10  Kurang  (exact 1.10)\n"),
        "{opd}"
    );
    assert!(score.contains("(exact 1.10; "), "{score}");
}

/// The owners of `sheets` read with `map` as `spbe score --combine owner` reports them, and the
/// warnings about the map.
fn owners_seen(sheets: &str, map: &Path) -> (Vec<String>, Vec<String>) {
    let v = json(spbe().args([
        "score",
        sheets,
        "--owners",
        &map.display().to_string(),
        "--combine",
        "owner",
        "--format",
        "json",
    ]));
    let owners = v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| format!("{}: {}", i["id"], i["owners"]))
        .collect();
    let warnings = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .filter(|w| w.starts_with("responsibility map"))
        .collect();
    (owners, warnings)
}

#[test]
fn a_map_saved_as_unicode_text_legacy_csv_or_with_tabs_reads_as_the_utf8_one() {
    let dir = Dir::new();
    let sheets = dir.join("sheets");
    dir.write(
        "sheets/a.csv",
        "opd,indicator,level\nDinas Pariwisata dan Kebudayaan é,36,4\nBappeda,40,2\n",
    );
    let sheets = sheets.display().to_string();
    let map = "indicator,opd,role\n36,Dinas Pariwisata dan Kebudayaan é,owner\n40,Bappeda,owner\n";
    let at = |name: &str, bytes: Vec<u8>| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let utf8 = owners_seen(&sheets, &at("utf8.csv", map.into()));
    assert!(
        utf8.0
            .contains(&r#""36": ["Dinas Pariwisata dan Kebudayaan é"]"#.to_string())
    );
    assert_eq!(utf8.1, Vec::<String>::new());

    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(map.encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(owners_seen(&sheets, &at("unicode.csv", utf16)), utf8);
    let tabs = map.replace(',', "\t");
    assert_eq!(owners_seen(&sheets, &at("tabs.csv", tabs.into())), utf8);
    let semicolons = map.replace(',', ";");
    assert_eq!(
        owners_seen(&sheets, &at("semi.csv", semicolons.into())),
        utf8
    );

    let legacy: Vec<u8> = map
        .chars()
        .map(|c| if c == 'é' { 0xE9 } else { c as u8 })
        .collect();
    let path = at("legacy.csv", legacy);
    let (owners, warnings) = owners_seen(&sheets, &path);
    assert_eq!(owners, utf8.0);
    assert_eq!(
        warnings,
        vec![format!(
            "responsibility map {}: line 2 is not UTF-8, so the map was read as windows-1252 (Excel's \"CSV (Comma delimited)\"); if OPD names look wrong, save it in Excel as \"CSV UTF-8 (Comma delimited)\"",
            path.display()
        )]
    );
}
