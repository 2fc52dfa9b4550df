//! Indeks Pemdi 2026 as users meet it: decimal values (`1,26`) read and scored exactly, every
//! combine policy on decimals, the indicators valued from other agencies' indices (pending or
//! converted), evidence items and the bridge from SPBE 2020.

use serde_json::Value;
use spbe::core::exact::{Exact, parse_decimal, parse_scientific};

use crate::harness::{Dir, run, spbe, stdout_of};

/// A JSON number's exact value (serde_json reads numbers as f64 and writes `2.50` back as `2.5`,
/// so values are compared as numbers; the raw text is checked where the digits matter).
fn num(v: &Value) -> Exact {
    parse_scientific(&v.to_string()).unwrap_or_else(|| panic!("not a number: {v}"))
}

fn d(text: &str) -> Exact {
    parse_decimal(text).unwrap()
}

/// A full Pemdi sheet as a pemda copies it from its result: codes `1.1`, `I2` and `3`, decimal
/// commas and points, whole numbers. Σ value × weight = 150.60, so the index is 1.506.
pub const FULL: &str = "indikator,nilai\n1.1,\"1,26\"\nI2,1.17\n3,\"1,50\"\n2.2,1.25\nI5,1\n\
3.2,1.00\n3.3,1\nI8,1.30\n4.1,2\n4.2,1\n4.3,1.00\n4.4,\"1,25\"\n5.1,2.50\n5.2,2.00\n6.1,1\n\
6.2,1\n6.3,2.5\n6.4,1\n7.1,1.5\n7.2,2\n";

fn json(args: &[&str]) -> Value {
    let out = stdout_of(spbe().args(args));
    serde_json::from_str(&out).unwrap()
}

fn indicator<'a>(card: &'a Value, id: &str) -> &'a Value {
    card["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no indicator {id}"))
}

fn aspect_index(card: &Value, id: &str) -> String {
    card["aspects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap()["index"]
        .to_string()
}

#[test]
fn a_full_sheet_of_decimal_values_scores_as_computed_by_hand() {
    let dir = Dir::new();
    let f = dir.write("hasil.csv", FULL);
    let raw = stdout_of(spbe().args(["score", &f, "--model", "pemdi-2026", "-f", "json"]));
    let card: Value = serde_json::from_str(&raw).unwrap();
    // Values are written as published, with the model's two decimals.
    assert!(raw.contains("\"level\": 2.50,\n"), "{raw}");
    assert!(
        raw.contains("{\"opd\": \"hasil\", \"level\": 2.50}"),
        "{raw}"
    );
    // Σ value × weight: A1 6.30 + 5.85, A2 7.50 + 6.25, A3 5 + 3 + 3 + 5.20, A4 8 + 4 + 3 + 5,
    // A5 12.50 + 10, A6 4 + 4 + 10 + 3, A7 15 + 30 = 150.60; / 100 = 1.506.
    assert_eq!(card["index"].to_string(), "1.506");
    assert_eq!(card["index_rounded"].to_string(), "1.51");
    assert_eq!(card["predicate"], "Cukup (Membangun)");
    // Weights 4/4/4/3 with 1.00/1.00/2.50/1.00: (4 + 4 + 10 + 3) / 15 = 1.40.
    assert_eq!(aspect_index(&card, "A6"), "1.4");
    assert_eq!(aspect_index(&card, "A1"), "1.215");
    assert_eq!(aspect_index(&card, "A3"), "1.08");
    // 20 / 15 does not terminate: 12 decimals, as for SPBE's 16.5 % domain.
    assert_eq!(aspect_index(&card, "A4"), "1.333333333333");
    let i1 = indicator(&card, "1");
    assert_eq!(i1["code"], "1.1");
    assert_eq!(i1["level"].to_string(), "1.26");
    assert_eq!(i1["level_name"], "Rintisan", "the name of the whole part");
    assert_eq!(i1["contribution"].to_string(), "0.063");
    assert_eq!(i1["answers"][0]["level"].to_string(), "1.26");
    assert_eq!(indicator(&card, "13")["level_name"], "Terkelola");
    assert_eq!(card["receipt"]["filled_at_lowest"], serde_json::json!([]));
    assert!(card["receipt"].get("pending_external").is_none());
}

#[test]
fn a_decimal_comma_and_a_decimal_point_read_alike() {
    let dir = Dir::new();
    let comma = dir.write("a/koma.csv", "indikator;nilai\nI3;1,26\nI19;2,50\n");
    let point = dir.write("b/koma.csv", "indikator,nilai\nI3,1.26\nI19,2.5\n");
    let strip = |mut v: Value| {
        v["receipt"]["inputs"] = Value::Null;
        v
    };
    let a = strip(json(&[
        "score",
        &comma,
        "--model",
        "pemdi-2026",
        "-f",
        "json",
    ]));
    let b = strip(json(&[
        "score",
        &point,
        "--model",
        "pemdi-2026",
        "-f",
        "json",
    ]));
    assert_eq!(a, b);
    assert_eq!(num(&indicator(&a, "3")["level"]), d("1.26"));
    assert_eq!(num(&indicator(&a, "19")["level"]), d("2.50"));
}

#[test]
fn too_many_decimals_or_a_value_out_of_range_is_refused_at_its_cell() {
    let dir = Dir::new();
    let f = dir.write(
        "a.csv",
        "indikator,nilai\nI1,\"1,256\"\nI2,5.01\nI3,0.99\nI4,\"1,260\"\nI5,2.5.0\nI6,4 - Rintisan\n",
    );
    let allowed = "write a value from 1.00 to 5.00 with at most 2 decimals (e.g. 1.26 or 1,26), or a level name (Rintisan, Terkelola, Terstandarisasi, Terintegrasi dan Terukur, Optimum) for its whole level";
    spbe()
        .args(["score", &f, "--model", "pemdi-2026"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "error: 5 problems in the answer sheets:\n  \
             {f}:2:2: column \"nilai\": value \"1,256\" has 3 decimals, more than the 2 of the model pemdi-2026; {allowed}\n  \
             {f}:3:2: column \"nilai\": value 5.01 is outside the model's range 1.00 to 5.00; {allowed}\n  \
             {f}:4:2: column \"nilai\": value 0.99 is outside the model's range 1.00 to 5.00; {allowed}\n  \
             {f}:6:2: column \"nilai\": \"2.5.0\" is not a value; {allowed}\n  \
             {f}:7:2: column \"nilai\": value \"4 - Rintisan\" does not match: 4.00 is level 4 of this indicator, \"Terintegrasi dan Terukur\"; {allowed}\n"
        ));
}

#[test]
fn validate_locates_a_value_with_too_many_decimals() {
    let dir = Dir::new();
    dir.write("a.csv", "indikator,nilai\nI1,\"1,256\"\nI2,\"2,5\"\n");
    let (code, out, _) = run(dir
        .spbe()
        .args(["validate", "a.csv", "--model", "pemdi-2026"]));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.starts_with("a.csv:2:2: error: column \"nilai\": value \"1,256\" has 3 decimals, more than the 2 of the model pemdi-2026;"),
        "{out}"
    );
}

#[test]
fn level_names_and_the_dropdown_form_mean_whole_levels() {
    let dir = Dir::new();
    let f = dir.write(
        "a.csv",
        "indicator,level\n1,Terkelola\n2,\"1,26 - Rintisan\"\n3,1.5 (Rintisan)\n4,5\n",
    );
    let card = json(&["score", &f, "--model", "pemdi-2026", "-f", "json"]);
    let levels: Vec<Exact> = ["1", "2", "3", "4"]
        .iter()
        .map(|i| num(&indicator(&card, i)["level"]))
        .collect();
    assert_eq!(levels, [d("2"), d("1.26"), d("1.5"), d("5")]);
}

#[test]
fn every_combine_policy_is_exact_on_decimals() {
    let dir = Dir::new();
    // Indicator 1: 1.26, 2.50, 1.17, 3.00 (sorted 1.17 1.26 2.50 3.00); indicator 2: 1.26,
    // 1.17, 2.50 (an odd count, a mean that does not terminate).
    let f = dir.write(
        "a.csv",
        "opd,indikator,nilai\nA,I1,\"1,26\"\nB,I1,2.50\nC,I1,1.17\nD,I1,3\n\
         A,I2,1.26\nB,I2,1.17\nC,I2,2.5\n",
    );
    let levels = |combine: &str| {
        let card = json(&[
            "score",
            &f,
            "--model",
            "pemdi-2026",
            "--combine",
            combine,
            "-f",
            "json",
        ]);
        (
            num(&indicator(&card, "1")["level"]),
            num(&indicator(&card, "2")["level"]),
            num(&card["index"]),
        )
    };
    assert_eq!(levels("min").0, d("1.17"));
    assert_eq!(levels("max").0, d("3.00"));
    assert_eq!(
        levels("median").0,
        d("1.26"),
        "the lower of the two middle values"
    );
    assert_eq!(levels("median").1, d("1.26"));
    // (1.26 + 2.50 + 1.17 + 3.00) / 4 = 7.93 / 4 = 1.9825, exactly.
    assert_eq!(levels("mean").0, d("1.9825"));
    // 4.93 / 3 = 1.64333...: 12 decimals, and the index says it is not exact.
    assert_eq!(levels("mean").1, d("1.643333333333"));
    // min: Σ = 1.17 × 5 + 1.17 × 5 + 90 × 1.00 (the other weights) = 101.70.
    assert_eq!(levels("min").2, d("1.017"));
}

#[test]
fn external_indicators_are_pending_at_one_with_their_own_warning() {
    let dir = Dir::new();
    let f = dir.write("a.csv", "indikator,nilai\nI1,2\n");
    let (code, out, err) = run(spbe().args(["score", &f, "--model", "pemdi-2026", "-f", "json"]));
    assert_eq!(code, 0, "{err}");
    let card: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        card["receipt"]["pending_external"],
        serde_json::json!(["5", "6", "7", "18"])
    );
    let filled = card["receipt"]["filled_at_lowest"].as_array().unwrap();
    assert!(
        !filled.iter().any(|i| i == "5"),
        "pending is not unanswered"
    );
    let i5 = indicator(&card, "5");
    assert_eq!(num(&i5["level"]), d("1.00"));
    assert_eq!(i5["filled"], false);
    assert_eq!(
        i5["external"],
        serde_json::json!({"key": "SDI", "index": "Indeks SDI", "agency": "Bappenas",
            "status": "pending", "bands_confidence": "unverified"})
    );
    assert!(
        err.contains("warning: pending: value from Indeks SDI, Bappenas: indicator 5 Tata Kelola Data counts 1.00 until that value is published, as the assessors count it; give it with --external SDI=VALUE\n"),
        "{err}"
    );
    assert!(err.contains("warning: pending: value from Indeks SJIG, BIG: indicator 6"));
    assert!(err.contains("warning: 15 indicators had no answer and are scored at the lowest level 1.00: 2, 3, 4, 8,"), "{err}");
    let pending_warnings = card["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w.as_str().unwrap().starts_with("pending: "))
        .count();
    assert_eq!(pending_warnings, 4);
}

#[test]
fn an_external_value_is_converted_by_the_bands_and_says_so() {
    let dir = Dir::new();
    let f = dir.write("a.csv", "indikator,nilai\nI1,2\nI18,\"1,50\"\n");
    let (code, out, err) = run(spbe().args([
        "score",
        &f,
        "--model",
        "pemdi-2026",
        "--external",
        "SDI=55,2",
        "--external",
        "I18=12.5",
        "-f",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    let card: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(num(&indicator(&card, "5")["level"]), d("3.00"));
    assert_eq!(indicator(&card, "5")["external"]["status"], "converted");
    assert_eq!(
        indicator(&card, "5")["external"]["source_value"].to_string(),
        "55.2"
    );
    // A value on a band edge goes to the band above (lower bound inclusive).
    assert_eq!(num(&indicator(&card, "18")["level"]), d("2.00"));
    assert_eq!(
        card["receipt"]["external_values"],
        serde_json::json!([
            {"indicator": "5", "key": "SDI", "value": 55.2, "level": 3},
            {"indicator": "18", "key": "SDI-INTEROP", "value": 12.5, "level": 2}
        ])
    );
    assert_eq!(
        card["receipt"]["pending_external"],
        serde_json::json!(["6", "7"])
    );
    assert!(err.contains(
        "warning: external: indicator 5 Tata Kelola Data scores 3.00 converted from Indeks SDI, Bappenas 55,2 (--external SDI=55,2), band 37.5 to 62.5 = level 3; the conversion bands are unverified (not an official conversion)\n"
    ), "{err}");
    assert!(err.contains("band 12.5 to 37.5 = level 2; the conversion bands are unverified (not an official conversion); the answer sheets' value 1.50 is not used\n"), "{err}");
}

#[test]
fn a_bad_external_value_is_an_error() {
    let dir = Dir::new();
    let f = dir.write("a.csv", "indikator,nilai\nI1,2\n");
    let err = |arg: &str| {
        let (code, out, err) =
            run(spbe().args(["score", &f, "--model", "pemdi-2026", "--external", arg]));
        assert_eq!((code, out.as_str()), (2, ""));
        err
    };
    assert_eq!(
        err("SDI=101"),
        "error: --external \"SDI=101\": Indeks SDI 101 is outside its scale 0 to 100\n"
    );
    assert_eq!(
        err("BPS=3"),
        "error: --external \"BPS=3\": unknown key \"BPS\"; the keys are: SDI (indicator 5), SJIG (indicator 6), IPS (indicator 7), SDI-INTEROP (indicator 18)\n"
    );
    assert_eq!(
        err("I1=3"),
        "error: --external \"I1=3\": indicator 1 is not valued from another agency's index; those of the model pemdi-2026 are: SDI (indicator 5), SJIG (indicator 6), IPS (indicator 7), SDI-INTEROP (indicator 18)\n"
    );
    assert_eq!(
        err("SDI=tinggi"),
        "error: --external \"SDI=tinggi\": \"tinggi\" is not a number; write e.g. 55.2 or 55,2\n"
    );
}

#[test]
fn the_sdi_bands_as_given() {
    let dir = Dir::new();
    let f = dir.write("a.csv", "indikator,nilai\nI1,2\n");
    for (value, level) in [
        ("0", "1.00"),
        ("12.49", "1.00"),
        ("12.5", "2.00"),
        ("37.5", "3.00"),
        ("62.5", "4.00"),
        ("74.99", "4.00"),
        ("75", "5.00"),
        ("100", "5.00"),
    ] {
        let card = json(&[
            "score",
            &f,
            "--model",
            "pemdi-2026",
            "--external",
            &format!("SDI={value}"),
            "-f",
            "json",
        ]);
        assert_eq!(num(&indicator(&card, "5")["level"]), d(level), "{value}");
    }
}

/// An item sheet as a pemda keeps it: a title row, Indonesian column names, reasons in their own
/// column and in the status cell.
const ITEMS: &str = "FORM BUKTI DUKUNG PEMDI 2026,,,,\n\
butir,status,alasan,opd,berkas\n\
I1-L1-01,diterima,,Diskominfo,perbup_pemdi.pdf\n\
I1-L1-02,diterima,,Diskominfo,sk_tim.pdf\n\
I1-L2-01,diterima,,Bappeda,renstra.pdf\n\
I1-L2-02,revisi,tidak tepat,Bappeda,rencana.pdf\n\
I3-L1-01,revisi,belum diunggah,BKPSDM,\n\
I3-L2-01,diterima,,BKPSDM,pelatihan.pdf\n\
I13-L1-01,diterima,,Diskominfo,\n\
I13-L2-01,Diterima,,Diskominfo,\n\
I13-L3-01,Revisi - ditolak otomatis,,Diskominfo,\n";

#[test]
fn evidence_items_roll_up_to_a_simulated_level_that_says_it_is_one() {
    let dir = Dir::new();
    let f = dir.write("butir.csv", ITEMS);
    let (code, out, err) = run(dir.spbe().args(["evidence", "butir.csv"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "warning: simulated levels: simulation of the self-assessment, not an official value\n"
    );
    insta::assert_snapshot!(out);
    let (_, out, err) = run(dir.spbe().args(["evidence", "butir.csv", "--lang", "id"]));
    assert!(
        out.starts_with("SIMULASI PENILAIAN MANDIRI, BUKAN NILAI RESMI\n"),
        "{out}"
    );
    assert!(
        out.contains("│ 13 ┆ Aplikasi Pemdi    ┆ 1/1 ┆ 1/1 ┆ 0/1 ┆ -  ┆ -  ┆           2,00 ┆"),
        "{out}"
    );
    assert_eq!(
        err,
        "warning: level simulasi: simulasi penilaian mandiri, bukan nilai resmi\n"
    );

    let v = json(&["evidence", &f, "-f", "json"]);
    assert_eq!(v["simulation"], true);
    assert_eq!(
        v["notice"],
        "simulation of the self-assessment, not an official value"
    );
    let sim: Vec<(String, String)> = v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().into(),
                i["simulated_level"].to_string(),
            )
        })
        .collect();
    // I3: the L2 item is accepted while the L1 item is under revision: level 1.
    assert_eq!(
        sim,
        [
            ("1".into(), "1.0".into()),
            ("3".into(), "1.0".into()),
            ("13".into(), "2.0".into())
        ]
    );
    let i1 = &v["indicators"][0];
    assert_eq!(i1["next_level_blocked_by"], "not accepted");
    assert_eq!(
        i1["open"],
        serde_json::json!([{"item": "I1-L2-02", "level": 2, "status": "revision",
            "reason": "tidak tepat", "opd": "Bappeda", "file": "rencana.pdf"}])
    );
    assert_eq!(
        i1["levels"][1],
        serde_json::json!({"level": 2, "items": 2, "accepted": 1, "revision": 1, "not_assessed": 0})
    );
}

#[test]
fn evidence_as_csv_is_an_answer_sheet_that_score_reads() {
    let dir = Dir::new();
    dir.write("butir.csv", ITEMS);
    let csv = stdout_of(
        dir.spbe()
            .args(["evidence", "butir.csv", "-f", "csv", "--lang", "id"]),
    );
    assert_eq!(
        csv,
        "indicator,level,stage,opd,note\n\
         1,1.00,mandiri,simulasi,\"simulasi penilaian mandiri, bukan nilai resmi: L1 2/2, L2 1/2 diterima (I1-L2-02 revisi: tidak tepat)\"\n\
         3,1.00,mandiri,simulasi,\"simulasi penilaian mandiri, bukan nilai resmi: L1 0/1, L2 1/1 diterima (I3-L1-01 revisi: belum diunggah)\"\n\
         13,2.00,mandiri,simulasi,\"simulasi penilaian mandiri, bukan nilai resmi: L1 1/1, L2 1/1, L3 0/1 diterima (I13-L3-01 revisi: ditolak otomatis)\"\n"
    );
    stdout_of(
        dir.spbe()
            .args(["evidence", "butir.csv", "-f", "csv", "-o", "simulasi.csv"]),
    );
    let card: Value = serde_json::from_str(&stdout_of(dir.spbe().args([
        "score",
        "simulasi.csv",
        "--model",
        "pemdi-2026",
        "-f",
        "json",
    ])))
    .unwrap();
    assert_eq!(num(&indicator(&card, "13")["level"]), d("2"));
    assert_eq!(indicator(&card, "13")["stage"], "mandiri");
    // 2.00 × 5 + 1.00 × 95 = 105: 1.05.
    assert_eq!(num(&card["index"]), d("1.05"));
    for (cmd, extra) in [
        ("gap", vec!["--target", "1.1"]),
        ("report", vec!["-f", "markdown"]),
    ] {
        let mut args = vec![cmd, "simulasi.csv", "--model", "pemdi-2026"];
        args.extend(extra);
        let (code, _, err) = run(dir.spbe().args(&args));
        assert_eq!(code, 0, "{cmd}: {err}");
    }
}

#[test]
fn bad_item_codes_and_statuses_are_located_errors() {
    let dir = Dir::new();
    let f = dir.write(
        "butir.csv",
        "item,status\nI1-L1-01,accepted\nI21-L1-01,accepted\nI1-L6-01,revisi\nI1L2-03,diterima\nI1-L2-01,ok\n,diterima\ni1-l1-1,revisi\n",
    );
    spbe()
        .args(["evidence", &f])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "error: 6 problems in the item sheets:\n  \
             {f}:3:1: column \"item\": item I21-L1-01: the model pemdi-2026 has no indicator I21 (I1 to I20)\n  \
             {f}:4:1: column \"item\": item I1-L6-01: level 6 is outside the model's levels 1 to 5\n  \
             {f}:5:1: column \"item\": \"I1L2-03\" is not an item code; write I{{indicator}}-L{{level}}-{{number}}, e.g. I1-L2-03\n  \
             {f}:6:2: column \"status\": \"ok\" is not a status; write diterima (accepted), revisi (revision) with an optional reason (tidak tepat, belum diunggah, ditolak otomatis), or nothing (not assessed yet)\n  \
             {f}:7:1: column \"item\": the item code is empty; write it as in the application, e.g. I1-L2-03\n  \
             {f}:8:1: column \"item\": item I1-L1-01 is already listed at line 2; keep one row per item\n"
        ));
}

const MAP: &str = "examples/crosswalk-spbe2020-pemdi2026.yaml";

#[test]
fn the_crosswalk_of_the_example_city_says_where_each_value_came_from() {
    let dir = Dir::new();
    let csv = stdout_of(spbe().args([
        "crosswalk",
        "examples/kota-contoh",
        "--map",
        MAP,
        "-f",
        "csv",
    ]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "indicator,level,opd,note");
    assert_eq!(lines.len(), 14, "13 mapped indicators: {csv}");
    assert_eq!(
        lines[1],
        "1,2.00,crosswalk,\"baseline from the previous model's answers by a mapping: not an assessment, not an official value: from spbe-2020 11 (2), 12 (2): mean 2; Tata Kelola Pemdi from Arsitektur SPBE and Peta Rencana SPBE (seen in pemda practice); mapping examples/crosswalk-spbe2020-pemdi2026.yaml (example)\""
    );
    // Indicators 29-31 of the city are 1, 2, 1: the mean 4/3 is rounded half up to 1.33.
    assert!(lines[7].starts_with("9,1.33,crosswalk,\"baseline from the previous model's answers by a mapping: not an assessment, not an official value: from spbe-2020 29 (1), 30 (2), 31 (1): mean 1.333333333333, rounded half up to 1.33;"), "{}", lines[7]);
    assert!(lines[13].starts_with("17,3.17,"), "{}", lines[13]);

    let v = json(&[
        "crosswalk",
        "examples/kota-contoh",
        "--map",
        MAP,
        "-f",
        "json",
    ]);
    assert_eq!(v["baseline"], true);
    assert_eq!(v["map"]["status"], "example");
    assert_eq!(
        v["unmapped"],
        serde_json::json!(["6", "7", "11", "12", "18", "19", "20"])
    );
    let i4 = &v["indicators"][3];
    assert_eq!(i4["code"], "2.2");
    assert_eq!(num(&i4["value"]), d("2.5"));
    assert_eq!(
        i4["sources"],
        serde_json::json!([{"indicator": "19", "level": 3, "filled": false},
            {"indicator": "20", "level": 2, "filled": false}])
    );

    // The sheet it writes scores under Pemdi: Σ value × weight = 173.50, so 1.735.
    stdout_of(spbe().args([
        "crosswalk",
        "examples/kota-contoh",
        "--map",
        MAP,
        "-f",
        "csv",
        "-o",
        dir.join("baseline.csv").to_str().unwrap(),
    ]));
    let card: Value = serde_json::from_str(&stdout_of(dir.spbe().args([
        "score",
        "baseline.csv",
        "--model",
        "pemdi-2026",
        "-f",
        "json",
    ])))
    .unwrap();
    assert_eq!(num(&card["index"]), d("1.735"));
    assert_eq!(
        card["receipt"]["pending_external"],
        serde_json::json!(["6", "7", "18"])
    );

    let (code, out, err) = run(spbe().args([
        "crosswalk",
        "examples/kota-contoh",
        "--map",
        MAP,
        "--lang",
        "id",
    ]));
    assert_eq!(code, 0);
    assert!(out.starts_with("BASELINE DARI JAWABAN MODEL SEBELUMNYA MELALUI PEMETAAN: BUKAN PENILAIAN, BUKAN NILAI RESMI\n"), "{out}");
    assert!(out.contains("(CONTOH, bukan pemetaan resmi)"), "{out}");
    assert!(
        out.contains("┆  1,33 ┆ Rintisan        ┆ dari spbe-2020 29 (1), 30 (2), 31 (1): mean "),
        "{out}"
    );
    assert!(
        out.contains("┆ 1,333333333333, dibulatkan ke 1,33 "),
        "{out}"
    );
    assert!(err.contains("adalah CONTOH, bukan pemetaan resmi"), "{err}");
}

#[test]
fn a_mapping_that_does_not_fit_the_models_is_an_error() {
    let dir = Dir::new();
    let map = dir.write(
        "map.yaml",
        "status: ours\nto: pemdi-2026\nindicators:\n  - {to: I1, from: [11, 99], combine: mean}\n  - {to: \"1.1\", from: [12], combine: max}\n  - {to: I99, from: [], combine: min}\n",
    );
    spbe()
        .args(["crosswalk", "examples/kota-contoh", "--map", &map])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "error: the mapping {map} has 4 problems:\n  \
             {map}: indicators[0].from[1]: the model spbe-2020 has no indicator \"99\"\n  \
             {map}: indicators[1].to: indicator 1 is mapped already at indicators[0]; map each once\n  \
             {map}: indicators[2].to: the model pemdi-2026 has no indicator \"I99\"\n  \
             {map}: indicators[2].from: name at least one spbe-2020 indicator\n"
        ));
}

#[test]
fn trend_and_diff_from_spbe_2024_to_pemdi_2026_mark_the_model_change() {
    let dir = Dir::new();
    dir.write("pemdi/hasil.csv", FULL);
    stdout_of(spbe().args([
        "score",
        "examples/kota-contoh",
        "--year",
        "2024",
        "-f",
        "json",
        "-o",
        dir.join("2024.json").to_str().unwrap(),
    ]));
    stdout_of(dir.spbe().args([
        "score",
        "pemdi",
        "--model",
        "pemdi-2026",
        "--year",
        "2026",
        "-f",
        "json",
        "-o",
        "2026.json",
    ]));
    let v: Value = serde_json::from_str(&stdout_of(dir.spbe().args([
        "trend",
        "2024.json",
        "2026.json",
        "-f",
        "json",
    ])))
    .unwrap();
    let years = v["years"].as_array().unwrap();
    assert_eq!(years[1]["model_changed"], true);
    assert_eq!(years[1]["previous_model"], "spbe-2020");
    assert_eq!(num(&years[1]["index"]), d("1.506"));
    assert_eq!(years[1]["groups_kind"], "aspects");
    let (code, out, _) = run(dir.spbe().args(["trend", "2024.json", "2026.json"]));
    assert_eq!(code, 0);
    assert!(
        out.starts_with("2026: the model changed from spbe-2020 to pemdi-2026; the change from 2024 compares indices of different models\n"),
        "{out}"
    );
    assert!(out.contains("│ 2026 ┆ pemdi-2026 (secondary) * model changed ┆  1.51 ┆ Cukup (Membangun) ┆ -1.25 (since 2024) * │"), "{out}");
    // Answer sheets on both sides, each with its own model, as well.
    let (code, out, _) = run(dir.spbe().args([
        "trend",
        &format!("2024={}/examples/kota-contoh", crate::harness::ROOT),
        "2026=pemdi",
        "--year-model",
        "2026=pemdi-2026",
    ]));
    assert_eq!(code, 0);
    assert!(out.contains("* model changed"), "{out}");

    let diff: Value = serde_json::from_str(&stdout_of(dir.spbe().args([
        "diff",
        "2024.json",
        "2026.json",
        "-f",
        "json",
    ])))
    .unwrap();
    assert_eq!(diff["same_model"], false);
    assert_eq!(num(&diff["index_change"]), d("-1.258"));
    assert_eq!(diff["indicators"], serde_json::json!([]));
    assert!(
        diff["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("the two results use different models")
    );
}

#[test]
fn a_pemdi_template_filled_with_decimal_values_scores() {
    let dir = Dir::new();
    let csv = stdout_of(spbe().args(["template", "--model", "pemdi-2026", "-f", "csv"]));
    assert!(csv.contains(",1,1.1,Tata Kelola Pemdi,,,,\"1.00 to 5.00, 2 decimals | 1 Rintisan | 2 Terkelola | 3 Terstandarisasi | 4 Terintegrasi dan Terukur | 5 Optimum\"\r\n"), "{csv}");
    let filled = csv.replacen(
        ",1,1.1,Tata Kelola Pemdi,,",
        ",1,1.1,Tata Kelola Pemdi,\"1,26\",",
        1,
    );
    dir.write("diskominfo.csv", filled);
    let card = json(&[
        "score",
        dir.join("diskominfo.csv").to_str().unwrap(),
        "--model",
        "pemdi-2026",
        "-f",
        "json",
    ]);
    assert_eq!(num(&indicator(&card, "1")["level"]), d("1.26"));
    assert_eq!(indicator(&card, "1")["answers"][0]["opd"], "diskominfo");
}

#[test]
fn a_workbook_with_numbers_as_numbers_reads_alike() {
    let dir = Dir::new();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "indikator").unwrap();
    ws.write_string(0, 1, "nilai").unwrap();
    ws.write_number(1, 0, 1.1).unwrap();
    ws.write_number(1, 1, 1.26).unwrap();
    ws.write_string(2, 0, "I2").unwrap();
    ws.write_number(2, 1, 2.5).unwrap();
    ws.write_number(3, 0, 3).unwrap();
    ws.write_string(3, 1, "1,50").unwrap();
    ws.write_string(4, 0, "I4").unwrap();
    ws.write_number(4, 1, 1.255).unwrap();
    dir.write("hasil.xlsx", wb.save_to_buffer().unwrap());
    let (code, _, err) = run(dir
        .spbe()
        .args(["score", "hasil.xlsx", "--model", "pemdi-2026"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("hasil.xlsx:Sheet1!B5: column \"nilai\": value \"1.255\" has 3 decimals, more than the 2 of the model pemdi-2026;"),
        "{err}"
    );
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, (i, v)) in [("1.1", 1.26), ("I2", 2.5), ("3", 1.5)].iter().enumerate() {
        ws.write_string(r as u32 + 1, 0, *i).unwrap();
        ws.write_number(r as u32 + 1, 1, *v).unwrap();
    }
    ws.write_string(0, 0, "indikator").unwrap();
    ws.write_string(0, 1, "nilai").unwrap();
    dir.write("ok.xlsx", wb.save_to_buffer().unwrap());
    let card = json(&[
        "score",
        dir.join("ok.xlsx").to_str().unwrap(),
        "--model",
        "pemdi-2026",
        "-f",
        "json",
    ]);
    let levels: Vec<Exact> = ["1", "2", "3"]
        .iter()
        .map(|i| num(&indicator(&card, i)["level"]))
        .collect();
    assert_eq!(levels, [d("1.26"), d("2.5"), d("1.5")]);
}
