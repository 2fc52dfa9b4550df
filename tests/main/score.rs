//! `spbe score` end to end: the real binary on the example city and on small sheets written to a
//! temp folder; whole outputs are snapshots, errors are asserted with their locations.

use predicates::prelude::*;

use spbe::input::model::{EMBEDDED, sha256_hex};

use crate::harness::{Dir, spbe, spbe_std, stdout_of};

/// A sheet answering all 47 indicators of the 2020 model with the given levels.
fn full_sheet(levels: &[u8; 47]) -> String {
    let mut s = String::from("opd,indicator,level\n");
    for (i, l) in levels.iter().enumerate() {
        s.push_str(&format!("Diskominfo,{},{}\n", i + 1, l));
    }
    s
}

/// Levels whose sums per weight group (indicators 1-10, 11-20, 21-31, 32-41, 42-47) are the
/// given ones: the form of the worked vectors in spbe-facts.md §2.
fn levels_from_sums(sums: [u32; 5]) -> [u8; 47] {
    let mut levels = [0u8; 47];
    let groups = [0..10, 10..20, 20..31, 31..41, 41..47];
    for (range, sum) in groups.into_iter().zip(sums) {
        let n = range.len() as u32;
        for (k, i) in range.enumerate() {
            levels[i] = (sum / n + u32::from((k as u32) < sum % n)) as u8;
        }
    }
    levels
}

#[test]
fn example_city_table() {
    let out = stdout_of(spbe().args(["score", "examples/kota-contoh"]));
    insta::assert_snapshot!(out);
}

#[test]
fn example_city_json() {
    let out = stdout_of(spbe().args(["score", "examples/kota-contoh", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["index"].to_string(), "2.764");
    assert_eq!(v["index_rounded"].to_string(), "2.76");
    assert_eq!(v["predicate"], "Baik");
    insta::assert_snapshot!(out);
}

#[test]
fn example_city_csv_and_markdown() {
    let csv = stdout_of(spbe().args(["score", "examples/kota-contoh", "--format", "csv"]));
    insta::assert_snapshot!("example_city_csv", csv);
    let md = stdout_of(spbe().args(["score", "examples/kota-contoh", "--format", "markdown"]));
    insta::assert_snapshot!("example_city_markdown", md);
}

#[test]
fn banyuwangi_to_the_digit_through_the_binary() {
    let levels = levels_from_sums([50, 46, 46, 50, 30]);
    let dir = Dir::new();
    let f = dir.write("banyuwangi.csv", full_sheet(&levels));
    let out = stdout_of(spbe().args(["score", &f, "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["index"].to_string(), "4.765");
    assert_eq!(v["index_rounded"].to_string(), "4.77");
    assert_eq!(v["predicate"], "Memuaskan");
}

#[test]
fn pacitan_predicate_basis() {
    // Sums (47,30,23,39,24) → exact 3.4985, shown 3.50: Baik on the exact basis (2024),
    // Sangat Baik on the rounded basis (2023 practice).
    let levels = levels_from_sums([47, 30, 23, 39, 24]);
    let dir = Dir::new();
    let f = dir.write("pacitan.csv", full_sheet(&levels));
    spbe()
        .args(["score", &f])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Index: 3.50  Baik  (exact 3.4985; predicate from the exact index)",
        ));
    spbe()
        .args(["score", &f, "--predicate-basis", "rounded"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Index: 3.50  Sangat Baik  (exact 3.4985; predicate from the rounded index)",
        ));
}

#[test]
fn every_combine_policy_on_the_example() {
    let index = |combine: &str| {
        let out = stdout_of(spbe().args([
            "score",
            "examples/kota-contoh",
            "--format",
            "json",
            "--combine",
            combine,
        ]));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        (v["index"].to_string(), v["index_exact"].as_bool().unwrap())
    };
    // Disagreements in the example: 9 (3/2), 11 (2/3), 12 (2/3), 29 (2/1), 31 (2/1), 33 (3/4),
    // 42 (3/4), 47 (2/3). max lifts each to the higher level; median (lower middle of two) = min.
    assert_eq!(index("min"), ("2.764".into(), true));
    assert_eq!(index("median"), ("2.764".into(), true));
    // max: +1 level on 9 (1.30), 11, 12 (2.50 each), 29, 31 (1.50 each), 33 (2.75), 42, 47 (3.00 each)
    // = 18.05 points of weight → +0.1805.
    assert_eq!(index("max"), ("2.9445".into(), true));
    // mean: half of that.
    assert_eq!(index("mean"), ("2.85425".into(), true));
}

#[test]
fn mean_with_a_repeating_fraction_is_flagged_as_an_estimate() {
    let dir = Dir::new();
    let mut text = full_sheet(&[1; 47]);
    text.push_str("Bappeda,1,1\nBPKAD,1,2\n"); // indicator 1: 1, 1, 2 → 4/3
    let f = dir.write("a.csv", &text);
    let out = spbe()
        .args(["score", &f, "--combine", "mean", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // 1 + (4/3 - 1) × 1.30 / 100 = 1.004333…
    assert_eq!(v["index"].to_string(), "1.004333333333");
    assert_eq!(v["index_exact"], false);
    assert_eq!(v["indicators"][0]["level"].to_string(), "1.333333333333");
    assert_eq!(v["indicators"][0]["level_name"], serde_json::Value::Null);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning: combine=mean gives an estimate"),
        "{stderr}"
    );
}

#[test]
fn unanswered_indicators_are_filled_with_a_warning_or_refused_with_strict() {
    let dir = Dir::new();
    let f = dir.write("bappeda.csv", "indicator,level\n11,3\n12,3\n");
    let out = spbe()
        .args(["score", &f, "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("warning: 45 indicators had no answer and are scored at the lowest level 1: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13,"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["receipt"]["filled_at_lowest"].as_array().unwrap().len(),
        45
    );
    // Without an opd column the OPD is the file name's stem.
    assert_eq!(v["indicators"][10]["opds"], serde_json::json!(["bappeda"]));
    // 1 + 2 × 2 × 2.50 / 100 = 1.10
    assert_eq!(v["index"].to_string(), "1.1");

    spbe()
        .args(["score", &f, "--strict"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "error: --strict: 45 indicator(s) have no answer in any sheet: 1, 2, 3,",
        ));
}

#[test]
fn receipt_names_every_input_with_its_hash_and_rows() {
    let dir = Dir::new();
    let text = "indikator,tingkat\n1,2\n2,3\n";
    let f = dir.write("x.csv", text);
    let out = stdout_of(spbe().args(["score", &f, "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = &v["receipt"];
    assert_eq!(r["tool"]["name"], "spbe");
    assert_eq!(r["model"]["id"], "spbe-2020");
    assert_eq!(r["model"]["status"], "official");
    assert_eq!(r["model"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(r["inputs"][0]["path"], f.as_str());
    assert_eq!(r["inputs"][0]["rows"], 2);
    // sha256 of the bytes, checked against an independent implementation's known value.
    assert_eq!(
        r["inputs"][0]["sha256"],
        sha256_hex(text.as_bytes()).as_str()
    );
    assert_eq!(r["combine"], "min");
    assert_eq!(r["predicate_basis"], "exact");
}

#[test]
fn stdin_is_read_with_a_dash() {
    let out = spbe()
        .args(["score", "-", "--format", "csv"])
        .write_stdin("opd,indicator,level\nDiskominfo,I1,3 - Terdefinisi\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("id,code,name,"), "{text}");
    assert!(text.contains("\n1,I1,Kebijakan Internal Arsitektur SPBE Instansi Pusat/Pemerintah Daerah,A1,D1,1.30,3,Terdefinisi,0.039,false,3,3,Diskominfo=3\n"), "{text}");
}

#[test]
fn sheet_errors_are_all_reported_with_file_line_and_column() {
    let dir = Dir::new();
    let f = dir.write(
        "dinas.csv",
        "opd,indicator,level,evidence\nDinas,11,3\nDinas,99,3\nDinas,12,4,5\nDinas,13,\"4,5\"\nDinas,14,3.5\nDinas,15,6\nDinas,16,,16.a.sk.pdf\nDinas,11,2\nDinas,17,\n",
    );
    let out = spbe().args(["score", &f]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let allowed = "write a whole number from 1 to 5, a level name (Rintisan, Terkelola, Terdefinisi, Terpadu dan Terukur, Optimum) or the dropdown form \"3 - Terdefinisi\"";
    let expected = format!(
        "error: 6 problems in the answer sheets:\n  \
         {f}:3:2: column \"indicator\": unknown indicator \"99\"; the model spbe-2020 has indicators 1 to 47\n  \
         {f}:5:3: column \"level\": level \"4,5\" is not a whole number; maturity levels have no fractions, {allowed}\n  \
         {f}:6:3: column \"level\": level \"3.5\" is not a whole number; maturity levels have no fractions, {allowed}\n  \
         {f}:7:3: column \"level\": level 6 is outside the model's range 1 to 5; {allowed}\n  \
         {f}:8:3: column \"level\": the level is empty; {allowed}\n  \
         {f}:9:2: column \"indicator\": OPD \"Dinas\" already answered indicator 11 at line 2; keep one answer per OPD and indicator\n"
    );
    assert_eq!(stderr, expected);
}

#[test]
fn a_missing_column_names_what_the_header_has() {
    let dir = Dir::new();
    let f = dir.write("a.csv", "opd,indikator,skor\nX,1,3\n");
    spbe().args(["score", &f]).assert().code(2).stdout("").stderr(format!(
        "error: 1 problem in the answer sheets:\n  {f}:1: missing column level (or tingkat, nilai); the header row has: opd, indikator, skor; if the level's column has another name, pass --column level=HEADER\n"
    ));
}

#[test]
fn duplicates_across_files_name_the_first_file() {
    let dir = Dir::new();
    let a = dir.write("a.csv", "opd,indicator,level\nX,1,3\n");
    let b = dir.write("b.csv", "opd,indicator,level\nX,I1,2\n");
    spbe().args(["score", &a, &b]).assert().code(2).stderr(format!(
        "error: 1 problem in the answer sheets:\n  {b}:2:2: column \"indicator\": OPD \"X\" already answered indicator 1 at {a}:2; keep one answer per OPD and indicator\n"
    ));
}

#[test]
fn missing_inputs_and_empty_folders_are_errors() {
    let dir = Dir::new();
    let missing = dir.path().join("nope.csv").display().to_string();
    spbe().args(["score", &missing]).assert().code(2).stderr(format!(
        "error: 1 problem in the answer sheets:\n  {missing}: no such file or folder; check the path\n"
    ));
    let empty = Dir::new();
    let e = empty.path().display().to_string();
    spbe()
        .args(["score", &e])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the folder has no answer sheets (*.csv, *.tsv, *.xlsx",
        ));
}

#[test]
fn an_unknown_model_lists_the_embedded_ones() {
    spbe()
        .args(["score", "examples/kota-contoh", "--model", "spbe-2099"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no such model file, and no embedded model has that name; embedded models: spbe-2020",
        ));
}

#[test]
fn bad_arguments_exit_2_and_help_exits_0() {
    spbe()
        .args(["score", "examples/kota-contoh", "--combine", "avg"])
        .assert()
        .code(2);
    spbe().args(["frobnicate"]).assert().code(2);
    spbe()
        .args(["score", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    spbe()
        .args(["--version"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("spbe "));
}

#[test]
fn output_file_is_written_and_never_replaces_an_input() {
    let dir = Dir::new();
    let input = dir.write("a.csv", "opd,indicator,level\nX,1,3\n");
    let before = std::fs::read(&input).unwrap();
    spbe()
        .args(["score", &input, "-o", &input])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("it is one of the inputs"));
    assert_eq!(std::fs::read(&input).unwrap(), before);

    let out = dir.path().join("result.csv");
    spbe()
        .args(["score", &input, "--format", "csv", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let written = std::fs::read(&out).unwrap();
    assert!(
        written.starts_with(b"\xEF\xBB\xBFid,code,name"),
        "a CSV file for Excel starts with a BOM"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn formula_like_opd_names_are_neutralized_in_csv() {
    let out = stdout_of(
        spbe()
            .args(["score", "-", "--format", "csv"])
            .write_stdin("opd,indicator,level\n=HYPERLINK(\"x\"),1,3\n"),
    );
    assert!(out.contains(",\"'=HYPERLINK(\"\"x\"\")=3\"\n"), "{out}");
}

#[cfg(unix)]
#[test]
fn broken_pipe_exits_0() {
    use std::process::Stdio;
    for format in ["table", "json", "csv", "markdown"] {
        let mut child = spbe_std()
            .args(["score", "examples/kota-contoh", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // close the read end before anything is written
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "--format {format}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            stderr, "",
            "--format {format}: a closed pipe is not an error"
        );
    }
}

#[test]
fn models_lists_the_embedded_models() {
    let out = stdout_of(spbe().args(["models", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["id"], "spbe-2020");
    assert_eq!(v[0]["indicators"], 47);
    assert_eq!(v[0]["status"], "official");
    assert_eq!(v[0]["default"], true);
}

#[test]
fn output_never_replaces_any_file_the_command_reads() {
    let dir = Dir::new();
    let effort = dir.write("effort.yaml", "default: 1\n");
    let model_copy = dir.write("model.yaml", EMBEDDED[0].1);
    let baseline = dir.join("base.json").display().to_string();
    stdout_of(spbe().args([
        "score",
        "examples/kota-contoh",
        "--format",
        "json",
        "-o",
        &baseline,
    ]));
    for (args, file) in [
        (
            vec![
                "gap",
                "examples/kota-contoh",
                "--target",
                "3",
                "--effort",
                &effort,
                "-o",
                &effort,
            ],
            &effort,
        ),
        (
            vec![
                "score",
                "examples/kota-contoh",
                "--model",
                &model_copy,
                "-o",
                &model_copy,
            ],
            &model_copy,
        ),
        (
            vec![
                "check",
                "examples/kota-contoh",
                "--baseline",
                &baseline,
                "-o",
                &baseline,
            ],
            &baseline,
        ),
    ] {
        let before = std::fs::read(file).unwrap();
        spbe()
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("it is one of the inputs"));
        assert_eq!(std::fs::read(file).unwrap(), before, "{args:?}");
    }
}

#[cfg(unix)]
#[test]
fn output_to_a_device_writes_in_place_and_folders_are_refused() {
    use std::os::unix::fs::FileTypeExt;
    spbe()
        .args(["score", "examples/kota-contoh", "-o", "/dev/null"])
        .assert()
        .success()
        .stdout("");
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );

    let dir = Dir::new();
    let d = dir.path().display().to_string();
    spbe()
        .args(["score", "examples/kota-contoh", "-o", &d])
        .assert()
        .code(2)
        .stderr(format!(
            "error: -o {d}: that is a folder; give a file name, e.g. -o {d}/result.json\n"
        ));
    let missing = dir.path().join("no/such/x.json").display().to_string();
    spbe()
        .args(["score", "examples/kota-contoh", "-o", &missing])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("the folder").and(predicate::str::contains("does not exist")),
        );
}

#[test]
fn an_unclosed_quote_is_an_error_not_a_silent_loss() {
    let dir = Dir::new();
    let f = dir.write("q.csv", "indicator,level,note\n1,3,\"unterminated\n2,4,x\n");
    spbe().args(["score", &f]).assert().code(2).stdout("").stderr(format!(
        "error: 1 problem in the answer sheets:\n  {f}:2: a quote (\") opens a cell here and is never closed, so every row after it would be read into that one cell; add the closing quote or remove this one\n"
    ));
    // A closed multi-line note with escaped quotes is fine.
    let ok = dir.write(
        "ok.csv",
        "indicator,level,note\n1,3,\"two\nlines \"\"quoted\"\"\"\n2,4,x\n",
    );
    let out = stdout_of(spbe().args(["score", &ok, "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // 1 + 2 × 1.30 / 100 + 3 × 1.30 / 100
    assert_eq!(v["index"].to_string(), "1.065");
}

#[test]
fn opd_names_differing_only_in_case_or_spacing_are_one_opd() {
    let dir = Dir::new();
    let f = dir.write(
        "o.csv",
        "opd,indicator,level\nBappeda Kota,11,3\nBAPPEDA  kota,12,2\n",
    );
    let out = spbe()
        .args(["score", &f, "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["indicators"][11]["opds"],
        serde_json::json!(["Bappeda Kota"])
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning: OPD \"BAPPEDA  kota\" is taken as \"Bappeda Kota\" (the names differ only in case or spacing)"),
        "{stderr}"
    );
    // And so a second answer under another spelling is a duplicate.
    let d = dir.write("d.csv", "opd,indicator,level\nBappeda,11,3\nBAPPEDA,11,2\n");
    spbe()
        .args(["score", &d])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "already answered indicator 11 at line 2",
        ));
}

#[test]
fn inputs_given_twice_or_of_the_wrong_kind_are_named() {
    spbe()
        .args(["score", "-", "-"])
        .write_stdin("indicator,level\n1,3\n")
        .assert()
        .code(2)
        .stderr("error: 1 problem in the answer sheets:\n  -: stdin (-) is given twice; it can be read only once\n");
    spbe()
        .args(["score", "examples/kota-contoh", "examples/kota-contoh/bpkad.csv"])
        .assert()
        .code(2)
        .stderr("error: 1 problem in the answer sheets:\n  examples/kota-contoh/bpkad.csv: this sheet is given twice (directly or through its folder); give each sheet once\n");
    let dir = Dir::new();
    let json = dir.write("r.json", "{}");
    spbe().args(["score", &json]).assert().code(2).stderr(format!(
        "error: 1 problem in the answer sheets:\n  {json}: a JSON file is a saved result, not an answer sheet; compare results with `spbe diff`, `spbe trend` or `spbe check --baseline`\n"
    ));
}

#[test]
fn sheet_option_on_csv_inputs_is_reported_as_ignored() {
    let out = spbe()
        .args([
            "score",
            "examples/kota-contoh",
            "--sheet",
            "Jawaban",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning: --sheet \"Jawaban\" was ignored: it picks a sheet of an .xlsx/.xls/.ods workbook, and no input is one"),
        "{stderr}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_names_stdout() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = spbe_std()
        .args(["score", "examples/kota-contoh"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: cannot write to stdout: No space left on device (os error 28)\n"
    );
}
