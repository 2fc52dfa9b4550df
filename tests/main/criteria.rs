//! Level criteria: the data (every SPBE 2020 level has criteria and evidence), the model format
//! (optional, validated, located errors), and where a user reads them: `spbe explain`, the XLSX
//! template, the roadmaps and the pack for one OPD.

use std::io::Read;

use serde_json::Value;
use spbe::core::model::{CriteriaConfidence, Model};

use crate::harness::{Dir, run, spbe, stdout_of};

/// JSON output with the parts that change between releases blanked.
fn json_text(args: &[&str]) -> String {
    let stdout = stdout_of(spbe().args(args));
    let v: Value = serde_json::from_str(&stdout).unwrap();
    stdout
        .replace(v["tool"]["version"].as_str().unwrap(), "[version]")
        .replace(v["model"]["sha256"].as_str().unwrap(), "[sha256]")
}

// ---- the data --------------------------------------------------------------------------------

#[test]
fn every_spbe_2020_level_has_criteria_and_evidence() {
    let m = Model::load("spbe-2020").unwrap();
    assert_eq!(m.indicators.len(), 47);
    for (i, ind) in m.indicators.iter().enumerate() {
        let req = ind
            .requirements
            .as_ref()
            .unwrap_or_else(|| panic!("{}", ind.id));
        assert!(req.source.as_deref().is_some_and(|s| s.contains("59/2020")));
        for level in 1..=5 {
            let r = m
                .requirement(i, level)
                .unwrap_or_else(|| panic!("indicator {} level {level}", ind.id));
            assert!(!r.criteria.trim().is_empty(), "{} {level}", ind.id);
            assert!(
                r.criteria_en
                    .as_deref()
                    .is_some_and(|e| !e.trim().is_empty()),
                "{} {level}",
                ind.id
            );
            assert!(!r.evidence.is_empty(), "{} {level}", ind.id);
            assert!(r.evidence.iter().all(|e| !e.trim().is_empty()));
            assert_eq!(r.confidence, CriteriaConfidence::Official);
            // Levels are cumulative, and the criteria say so from level 2 up.
            if level > 1 {
                assert!(
                    r.criteria
                        .starts_with(&format!("Memenuhi level {}", level - 1)),
                    "{} {level}: {}",
                    ind.id,
                    r.criteria
                );
            }
        }
    }
    // The rules a reader must not miss: all units at level 3, a review under 2 years old at
    // level 4, the follow-up set one year after the review for the internal policies.
    let text = |id: &str, level: u8| {
        m.requirement(m.find_indicator(id).unwrap(), level)
            .unwrap()
            .criteria
            .clone()
    };
    assert!(text("5", 3).contains("seluruh unit kerja/OPD"));
    assert!(text("16", 3).contains("seluruh unit kerja/OPD"));
    assert!(text("11", 4).contains("kurang dari 2 tahun"));
    assert!(text("1", 5).contains("setahun setelah reviu"));
    // Indicator 3 is read as the Pedoman reads it: part of the processes at level 3, all at 4.
    assert!(text("3", 3).contains("sebagian proses"));
    assert!(text("3", 4).contains("seluruh proses"));
}

#[test]
fn pemdi_2026_has_criteria_only_where_a_source_exists_each_marked() {
    let m = Model::load("pemdi-2026").unwrap();
    let levels_given = |id: &str| {
        let i = m.find_indicator(id).unwrap();
        m.levels()
            .filter(|l| m.requirement(i, *l).is_some())
            .collect::<Vec<_>>()
    };
    for id in ["5", "6", "7", "18"] {
        assert_eq!(levels_given(id), [1, 2, 3, 4, 5], "indicator {id}");
    }
    assert_eq!(levels_given("10"), [1]);
    assert_eq!(levels_given("1"), Vec::<u8>::new());
    for (i, _) in m.indicators.iter().enumerate() {
        for l in m.levels() {
            if let Some(r) = m.requirement(i, l) {
                assert_ne!(r.confidence, CriteriaConfidence::Official);
            }
        }
        // Every indicator says where its criteria come from, or why there are none.
        let req = m.indicators[i].requirements.as_ref().unwrap();
        assert!(req.source.is_some() && req.note.is_some());
    }
}

// ---- the model format ------------------------------------------------------------------------

const SMALL: &str = "\
id: t
name: T
version: \"1\"
source: s
status: official
levels: {min: 1, max: 5}
scales:
  p:
    levels: {1: a, 2: b, 3: c, 4: d, 5: e}
predicates:
  - {name: X, min: 1, max: 5}
aspects:
  - id: A1
    name: A
    weight: 100
    indicators:
      - {id: \"1\", weight: 50, scale: p, name: one}
      - {id: \"2\", code: I2, weight: 50, scale: p, name: two}
";

#[test]
fn a_model_without_criteria_loads_and_explain_says_so() {
    let m = Model::from_yaml(SMALL, "small.yaml").unwrap();
    assert!(!m.has_requirements());
    assert!(m.requirement(0, 3).is_none());
    assert!(!Model::load("spbe-2018").unwrap().has_requirements());

    let dir = Dir::new();
    let path = dir.write("small.yaml", SMALL);
    let out = stdout_of(spbe().args(["explain", "I2", "--model", &path]));
    assert!(out.contains("Indicator 2 (I2): two"), "{out}");
    assert!(out.contains("one level is worth 0.5 index points"), "{out}");
    assert_eq!(
        out.matches("Model t gives no criteria for this level.")
            .count(),
        5
    );
}

#[test]
fn criteria_are_optional_per_level_and_default_to_the_models_status() {
    let yaml = format!(
        "{SMALL}requirements:\n  I2:\n    source: guide\n    levels:\n      3: {{criteria: three, evidence: [doc]}}\n      4: {{criteria: four, criteria_en: FOUR, confidence: unverified, source: other}}\n"
    );
    let m = Model::from_yaml(&yaml, "m.yaml").unwrap();
    let three = m.requirement(1, 3).unwrap();
    assert_eq!(three.criteria, "three");
    assert_eq!(three.evidence, ["doc"]);
    assert_eq!(three.confidence, CriteriaConfidence::Official);
    assert_eq!(three.source.as_deref(), Some("guide"));
    let four = m.requirement(1, 4).unwrap();
    assert_eq!(
        (four.criteria_text(true), four.criteria_text(false)),
        ("FOUR", "four")
    );
    assert_eq!(four.confidence, CriteriaConfidence::Unverified);
    assert_eq!(four.source.as_deref(), Some("other"));
    assert!(m.requirement(1, 2).is_none() && m.requirement(0, 3).is_none());
}

#[test]
fn wrong_criteria_are_located_model_errors() {
    let yaml = format!(
        "{SMALL}requirements:\n  \"1\":\n    levels:\n      7: {{criteria: too high}}\n  9:\n    levels: {{}}\n  I2:\n    levels:\n      2:\n        criteria: \" \"\n        evidence: [a, \"\"]\n"
    );
    let dir = Dir::new();
    let path = dir.write("bad.yaml", &yaml);
    let (code, _, stderr) = run(spbe().args(["explain", "1", "--model", &path]));
    assert_eq!(code, 2);
    assert!(stderr.contains("has 4 problems"), "{stderr}");
    for want in [
        "bad.yaml:22: requirements.1.levels.7: level 7 is outside the model's range 1..5",
        "bad.yaml:23: requirements.9: criteria for indicator \"9\", but the model has no indicator with that id",
        "bad.yaml:28: requirements.I2.levels.2.criteria: the criteria are empty",
        "bad.yaml:29: requirements.I2.levels.2.evidence[1]: an evidence item is empty",
    ] {
        assert!(stderr.contains(want), "missing {want:?} in\n{stderr}");
    }
    let twice =
        format!("{SMALL}requirements:\n  \"2\":\n    levels: {{}}\n  I2:\n    levels: {{}}\n");
    let err = Model::from_yaml(&twice, "t.yaml").unwrap_err().to_string();
    assert!(err.contains("indicator 2 has criteria twice"), "{err}");
}

// ---- spbe explain -----------------------------------------------------------------------------

#[test]
fn explain_an_indicator() {
    insta::assert_snapshot!(stdout_of(spbe().args(["explain", "16"])));
}

#[test]
fn explain_one_level_in_indonesian() {
    insta::assert_snapshot!(stdout_of(
        spbe().args(["explain", "I16", "--level", "3", "--lang", "id"])
    ));
}

#[test]
fn explain_as_json() {
    insta::assert_snapshot!(json_text(&[
        "explain", "16", "--level", "3", "--format", "json"
    ]));
}

#[test]
fn explain_marks_what_is_not_official_and_what_is_missing() {
    let out = stdout_of(spbe().args(["explain", "10", "--model", "pemdi-2026"]));
    assert!(out.contains("(confidence: secondary source)"), "{out}");
    assert_eq!(
        out.matches("Model pemdi-2026 gives no criteria for this level.")
            .count(),
        4
    );
    let v: Value = serde_json::from_str(&stdout_of(spbe().args([
        "explain",
        "5",
        "--model",
        "pemdi-2026",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(v["indicator"]["points_per_level"].to_string(), "0.05");
    assert_eq!(v["indicator"]["domain"], Value::Null);
    assert_eq!(v["levels"][0]["confidence"], "unverified");
}

#[test]
fn explain_refuses_what_the_model_does_not_have() {
    let (code, _, err) = run(spbe().args(["explain", "99"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("model spbe-2020 has no indicator \"99\""),
        "{err}"
    );
    let (code, _, err) = run(spbe().args(["explain", "16", "--level", "6"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--level 6 is outside model spbe-2020's levels 1..5"),
        "{err}"
    );
}

// ---- the template ----------------------------------------------------------------------------

#[test]
fn the_xlsx_template_carries_the_criteria() {
    let dir = Dir::new();
    let blank = dir.join("blank.xlsx");
    spbe()
        .args(["template", "-o"])
        .arg(&blank)
        .assert()
        .success();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&blank).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    // Every level cell's input message: one line per level, within Excel's 255 characters.
    let prompts: Vec<String> = xml
        .split("prompt=\"")
        .skip(1)
        .map(|p| unescape(&p[..p.find('"').unwrap()]))
        .collect();
    assert_eq!(prompts.len(), 47);
    for p in &prompts {
        assert!(p.chars().count() <= 255, "{} chars: {p}", p.chars().count());
        assert!(p.starts_with("1: ") && p.contains("\n5: "), "{p}");
        assert!(p.ends_with("Lengkap: sheet Kriteria."), "{p}");
    }
    assert!(xml.contains("promptTitle=\"Kriteria level\""));

    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook(&blank).unwrap();
    let sheet = wb.worksheet_range("Kriteria").unwrap();
    assert_eq!(sheet.height(), 1 + 47 * 5);
    let row = |r: usize| -> Vec<String> {
        (0..10)
            .map(|c| sheet.get_value((r as u32, c)).unwrap().to_string())
            .collect()
    };
    // Indicator 16 level 3 is row 1 + 15 × 5 + 2.
    let r = row(1 + 15 * 5 + 2);
    assert_eq!(r[0], "16");
    assert_eq!(r[3], "3");
    assert_eq!(r[4], "Terdefinisi");
    assert!(r[5].contains("seluruh unit kerja/OPD"), "{r:?}");
    assert!(
        r[7].starts_with("• Dokumentasi operasional (SOP, SLA)"),
        "{r:?}"
    );
    assert_eq!(r[8], "official");

    // The CSV template stays as it was: no criteria in it.
    let csv = stdout_of(spbe().args(["template", "--format", "csv"]));
    assert!(!csv.contains("Memenuhi level"));
}

fn unescape(s: &str) -> String {
    s.replace("&#10;", "\n")
        .replace("&#xA;", "\n")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

// ---- the roadmaps ----------------------------------------------------------------------------

/// The example city's roadmap to 3.00 raises indicator 47 from 2 to 3 first.
const CITY_TO_3: [&str; 4] = ["gap", "examples/kota-contoh", "--target", "3"];

#[test]
fn gap_json_steps_carry_the_criteria_and_evidence_of_the_level_they_reach() {
    let out = stdout_of(spbe().args(CITY_TO_3).args(["--format", "json"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    let steps = v["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    for s in steps {
        assert!(s["criteria"].as_str().is_some_and(|c| !c.is_empty()), "{s}");
        assert!(s["criteria_en"].is_string(), "{s}");
        assert!(!s["evidence"].as_array().unwrap().is_empty(), "{s}");
    }
    let s = steps
        .iter()
        .find(|s| s["indicator"] == "47" && s["to"] == 3)
        .expect("47 → 3");
    assert_eq!(
        s["criteria"],
        "Memenuhi level 2; layanan melayani transaksi: otomasi alur kerja, transaksi basis data, \
         validasi data, mekanisme persetujuan (misalnya persetujuan dan validasi permohonan \
         layanan), dan analitik data."
    );
    assert_eq!(
        s["criteria_en"],
        "The service handles transactions: workflow, database transactions, validation, \
         approval and analytics."
    );
    assert_eq!(s["criteria_confidence"], "official");
    assert_eq!(
        s["evidence"],
        serde_json::json!([
            "Dokumentasi fungsi transaksi aplikasi: transaksi dan validasi data, status \
             persetujuan, dan/atau analitik data"
        ])
    );
    // The year-by-year plan's steps carry them too.
    let out = stdout_of(spbe().args([
        "gap",
        "examples/kota-contoh",
        "--target-path",
        "2026=2.85,2027=3",
        "--format",
        "json",
    ]));
    let v: Value = serde_json::from_str(&out).unwrap();
    let years = v["years"].as_array().unwrap();
    let year_steps: Vec<&Value> = years
        .iter()
        .flat_map(|y| y["steps"].as_array().unwrap())
        .collect();
    assert!(!year_steps.is_empty());
    assert!(year_steps.iter().all(|s| s["criteria"].is_string()));
}

#[test]
fn the_gap_table_names_what_each_step_needs_in_a_short_line() {
    let out = stdout_of(spbe().args(CITY_TO_3));
    assert!(out.contains("What each step's level requires"), "{out}");
    assert!(
        out.contains(
            "47 → 3: The service handles transactions: workflow, database transactions, \
             validation, approval and analytics."
        ),
        "{out}"
    );
    // In Indonesian: the model's text without the cumulative preamble, shortened.
    let out = stdout_of(spbe().args(CITY_TO_3).args(["--lang", "id"]));
    let line = out
        .lines()
        .find(|l| l.contains("47 → 3: "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains("47 → 3: layanan melayani transaksi"),
        "{line}"
    );
    assert!(line.chars().count() < 140, "{line}");
}

#[test]
fn the_markdown_report_carries_the_full_criteria_and_evidence_of_each_step() {
    let md = stdout_of(spbe().args([
        "report",
        "examples/kota-contoh",
        "--target",
        "3",
        "--format",
        "markdown",
    ]));
    assert!(md.contains("What the level requires"), "{md}");
    assert!(md.contains("Evidence to prepare"), "{md}");
    let row = md
        .lines()
        .find(|l| l.contains("| 47 |") && l.contains("| 3 |"))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(
        row.contains(
            "The service handles transactions: workflow, database transactions, validation, \
             approval and analytics."
        ),
        "{row}"
    );
    assert!(
        row.contains("Dokumentasi fungsi transaksi aplikasi"),
        "{row}"
    );
}

#[test]
fn opd_json_steps_carry_the_criteria() {
    let out = stdout_of(spbe().args([
        "opd",
        "examples/kota-contoh",
        "--target",
        "3",
        "--format",
        "json",
    ]));
    assert!(
        out.contains("\"criteria\": \"Memenuhi level 2; layanan melayani transaksi"),
        "{out}"
    );
    assert!(out.contains("\"evidence\": ["), "{out}");
}

#[test]
fn a_roadmap_from_a_model_without_criteria_has_steps_without_them() {
    let dir = Dir::new();
    let model = dir.write("small.yaml", SMALL);
    let answers = dir.write("answers.csv", "opd,indicator,level\nA,1,1\nA,2,1\n");
    let args = ["gap", &answers, "--model", &model, "--target", "2"];
    let out = stdout_of(spbe().args(args).args(["--format", "json"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    let steps = v["steps"].as_array().unwrap();
    assert!(!steps.is_empty(), "{out}");
    for s in steps {
        for field in ["criteria", "criteria_en", "criteria_confidence", "evidence"] {
            assert!(s.get(field).is_none(), "{field}: {s}");
        }
    }
    let out = stdout_of(spbe().args(args));
    assert!(!out.contains("What each step's level requires"), "{out}");
}

// ---- the pack for one OPD --------------------------------------------------------------------

#[test]
fn the_pack_for_the_example_citys_bappeda() {
    let md = stdout_of(spbe().args([
        "report",
        "examples/kota-contoh",
        "--target",
        "3.5",
        "--opd",
        "Bappeda",
        "--format",
        "markdown",
    ]));
    insta::assert_snapshot!("pack_bappeda_markdown", md);
    // Its disagreements, and each of its steps with the next level's criteria and evidence.
    assert!(
        md.contains("| 33 | Layanan Penganggaran | 3 | BPKAD 4 | 3 |"),
        "{md}"
    );
    assert!(md.contains("### 33 Layanan Penganggaran: 3 → 4"), "{md}");
    assert!(md.contains("**Evidence to prepare:**"), "{md}");
}

#[test]
fn the_pack_finds_an_opd_by_name_and_refuses_an_unknown_one() {
    let args = ["report", "examples/kota-contoh", "-f", "markdown", "--opd"];
    let md = stdout_of(spbe().args(args).arg("bappeda"));
    assert!(md.starts_with("# SPBE report: Bappeda"), "{md}");
    // Without a target there is no roadmap, and the pack says so.
    assert!(md.contains("No target was given"), "{md}");
    let (code, _, err) = run(spbe().args(args).arg("Dinas Entah"));
    assert_eq!(code, 2);
    assert!(err.contains("no OPD \"Dinas Entah\""), "{err}");
    assert!(err.contains("Bappeda"), "{err}");
}

#[test]
fn the_pack_for_every_opd_fills_a_directory() {
    let dir = Dir::new();
    let out = dir.join("packs");
    let out = out.to_str().unwrap();
    for format in ["html", "xlsx", "markdown"] {
        let (code, _, err) = run(spbe().args([
            "report",
            "examples/kota-contoh",
            "--target",
            "3.5",
            "--opd",
            "all",
            "-f",
            format,
            "-o",
            out,
        ]));
        assert_eq!(code, 0, "{err}");
    }
    for name in ["Bappeda", "Dinas-Kesehatan", "Bagian-PBJ"] {
        let html = std::fs::read_to_string(dir.join(format!("packs/{name}.html"))).unwrap();
        assert!(
            html.contains("What the level requires") || html.contains("No step"),
            "{name}"
        );
        assert!(dir.join(format!("packs/{name}.md")).exists());
        let bytes = std::fs::read(dir.join(format!("packs/{name}.xlsx"))).unwrap();
        assert!(bytes.starts_with(b"PK"), "{name}");
    }
    let (code, _, err) = run(spbe().args([
        "report",
        "examples/kota-contoh",
        "--opd",
        "all",
        "-f",
        "markdown",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("-o DIR/"), "{err}");
}
