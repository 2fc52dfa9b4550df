//! `spbe validate`: every problem with its location, warnings for doubtful answers, a summary,
//! exit 2 on any error and 0 otherwise.

use crate::harness::Dir;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn every_error_in_every_sheet_is_listed_with_its_location() {
    let dir = Dir::new();
    dir.write(
        "a.csv",
        "opd;indicator;level\r\nX;1;6\r\nX;99;3\r\nX;2;3,5\r\n",
    );
    dir.write("b.csv", "opd,nomor,skor\n1,2\n");
    let out = dir
        .spbe()
        .args(["validate", "a.csv", "b.csv", "missing.csv"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    insta::assert_snapshot!(stdout(&out), @r#"
    missing.csv: error: no such file or folder; check the path
    model spbe-2020 (47 indicators): 0 files read, 0 answers from 0 OPDs: 1 error, 0 warnings
    "#);
    let out = dir
        .spbe()
        .args(["validate", "a.csv", "b.csv"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        &lines[..5],
        [
            "a.csv:2:3: error: column \"level\": level 6 is outside the model's range 1 to 5; write a whole number from 1 to 5, a level name (Rintisan, Terkelola, Terdefinisi, Terpadu dan Terukur, Optimum) or the dropdown form \"3 - Terdefinisi\"",
            "a.csv:3:2: error: column \"indicator\": unknown indicator \"99\"; the model spbe-2020 has indicators 1 to 47",
            "a.csv:4:3: error: column \"level\": level \"3,5\" is not a whole number; maturity levels have no fractions, write a whole number from 1 to 5, a level name (Rintisan, Terkelola, Terdefinisi, Terpadu dan Terukur, Optimum) or the dropdown form \"3 - Terdefinisi\"",
            "b.csv:1: error: missing column indicator (or indikator, no indikator); the header row has: opd, nomor, skor; if the indicator's column has another name, pass --column indicator=HEADER",
            "b.csv:1: error: missing column level (or tingkat, nilai); the header row has: opd, nomor, skor; if the level's column has another name, pass --column level=HEADER",
        ]
    );
    assert_eq!(
        lines.last().unwrap(),
        &"model spbe-2020 (47 indicators): 2 files read, 0 answers from 0 OPDs: 5 errors, 47 warnings"
    );
}

#[test]
fn doubtful_answers_are_warnings_and_exit_zero() {
    let dir = Dir::new();
    dir.mkdir("bukti/2024");
    dir.write("bukti/1.a.pdf", "");
    dir.write("bukti/2024/11.B.PNG", "");
    // Every indicator is answered so only the interesting warnings remain.
    let mut sheet = String::from("opd,indicator,level,evidence\n");
    sheet.push_str("Diskominfo,1,3,\"1.a.pdf; 1.b.pdf\nhttps://jdih.example.go.id/perwali\"\n");
    sheet.push_str("Diskominfo,11,1,\n");
    sheet.push_str("Bappeda,11,3,2024/11.b.png\n");
    sheet.push_str("Bappeda,12,2,\n");
    for i in 2..=47 {
        if i != 11 && i != 12 {
            sheet.push_str(&format!("Diskominfo,{i},1,\n"));
        }
    }
    dir.write("sheet.csv", sheet);
    let out = dir
        .spbe()
        .args(["validate", "sheet.csv", "--evidence-dir", "bukti"])
        .assert()
        .success()
        .get_output()
        .clone();
    insta::assert_snapshot!(stdout(&out), @r#"
    sheet.csv:5: warning: OPDs disagree on indicator 11 by 2 levels: "Bappeda" says 3 here, "Diskominfo" says 1 at sheet.csv:4; agree on one level before submitting
    sheet.csv:2: warning: indicator 1: evidence "1.b.pdf" is not in bukti; add the file or correct its name
    sheet.csv:6: warning: indicator 12: level 2 with no evidence; the assessors reject a claim of level 2 or more without data dukung, so list the documents in the evidence column
    model spbe-2020 (47 indicators): 1 file read, 48 answers from 2 OPDs: 0 errors, 3 warnings
    "#);
}

#[test]
fn unanswered_indicators_and_json() {
    let dir = Dir::new();
    dir.write("s.csv", "indicator,level,evidence\n1,1,\n");
    let out = dir
        .spbe()
        .args(["validate", "s.csv", "-f", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], 0);
    assert_eq!(v["warnings"], 46);
    assert_eq!(
        v["findings"][0],
        serde_json::json!({
            "severity": "warning",
            "location": "",
            "file": null,
            "line": null,
            "column": null,
            "message": "indicator 2 (Kebijakan Internal Peta Rencana SPBE) has no answer in any sheet; it will score at the lowest level 1"
        })
    );
}

#[test]
fn a_model_alone() {
    let dir = Dir::new();
    dir.write("m.yaml", "id: x\nname: [\n");
    let out = dir
        .spbe()
        .args(["validate", "--model-only", "m.yaml"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let text = stdout(&out);
    assert!(text.starts_with("m.yaml:2: error: name: "), "{text}");
    assert!(text.ends_with("m.yaml: 1 error, 0 warnings\n"), "{text}");
    let out = dir
        .spbe()
        .args(["validate", "--model", "spbe-2020"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(
        stdout(&out),
        "model spbe-2020 (47 indicators): 0 errors, 0 warnings\n"
    );
    dir.spbe()
        .args(["validate", "s.csv", "--model-only", "m.yaml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot be used with"));
}

#[test]
fn xlsx_problems_name_the_cell() {
    let dir = Dir::new();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Jawaban").unwrap();
    ws.write_string(0, 0, "indikator").unwrap();
    ws.write_string(0, 1, "tingkat").unwrap();
    ws.write_number(6, 0, 1).unwrap();
    ws.write_string(6, 1, "tinggi").unwrap();
    wb.save(dir.path().join("opd.xlsx")).unwrap();
    let out = dir
        .spbe()
        .args(["validate", "opd.xlsx"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(
        stdout(&out).starts_with(
            "opd.xlsx:Jawaban!B7: error: column \"tingkat\": \"tinggi\" is not a level;"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn opd_disagree_only_within_one_stage() {
    // A lowered its self-assessment of 11 from 4 to 2 at akhir, where B agrees: no disagreement.
    // At mandiri A said 4 and B 1: that one is reported, naming the stage. Unstaged sheets keep
    // the message without a stage (doubtful_answers_are_warnings_and_exit_zero).
    let dir = Dir::new();
    let mut sheet = String::from("opd,indicator,level,stage,evidence\n");
    sheet.push_str("A,11,4,mandiri,x\nB,11,1,mandiri,x\nA,11,2,akhir,x\nB,11,2,akhir,x\n");
    sheet.push_str("A,12,4,mandiri,x\nA,12,1,akhir,x\n");
    for i in (1..=47).filter(|&i| i != 11 && i != 12) {
        sheet.push_str(&format!("A,{i},1,akhir,x\n"));
    }
    dir.write("staged.csv", sheet);
    let out = dir
        .spbe()
        .args(["validate", "staged.csv"])
        .assert()
        .success()
        .get_output()
        .clone();
    insta::assert_snapshot!(stdout(&out), @r#"
    staged.csv:2: warning: OPDs disagree on indicator 11 at stage mandiri by 3 levels: "A" says 4 here, "B" says 1 at staged.csv:3; agree on one level before submitting
    model spbe-2020 (47 indicators): 1 file read, 51 answers from 2 OPDs: 0 errors, 1 warning
    "#);
}
