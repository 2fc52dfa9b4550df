//! `spbe template`: the blank sheet, filled in as an OPD would, scores what was filled in.

use std::io::Read;
use std::path::Path;

use calamine::{Reader, Xlsx};

use crate::harness::{Dir, spbe};

/// The answers the "OPD" fills in: indicator → what it types or picks.
const FILL: [(&str, &str); 4] = [
    ("1", "3"),
    ("11", "3 - Terdefinisi"),
    ("32", "4 - Kolaborasi"),
    ("45", "2 - Interaksi"),
];
/// 1 + (2 × 1.30 + 2 × 2.50 + 3 × 2.75 + 1 × 3.00) / 100.
const INDEX: &str = "1.1885";

fn score_json(path: &Path) -> serde_json::Value {
    let out = spbe()
        .args(["score", "-f", "json"])
        .arg(path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn csv_template_round_trip() {
    let dir = Dir::new();
    let blank = dir.path().join("diskominfo.csv");
    spbe()
        .args(["template", "--opd", "Diskominfo", "-o"])
        .arg(&blank)
        .assert()
        .success();
    let bytes = std::fs::read(&blank).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM");
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "opd",
            "indicator",
            "code",
            "name",
            "level",
            "evidence",
            "note",
            "choices"
        ]
    );
    let mut rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 47);
    assert_eq!(
        rows[31].iter().collect::<Vec<_>>(),
        [
            "Diskominfo",
            "32",
            "I32",
            "Layanan Perencanaan",
            "",
            "",
            "",
            "1 - Informasi | 2 - Interaksi | 3 - Transaksi | 4 - Kolaborasi | 5 - Optimum"
        ]
    );

    // Scoring the blank sheet says it has no answers yet: a warning while sheets are still
    // coming in, an error with --strict.
    spbe()
        .arg("score")
        .arg(&blank)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "diskominfo.csv: no answers yet from \"Diskominfo\": every level in the sheet is empty, so it adds nothing; --strict makes this an error",
        ));
    spbe()
        .args(["score", "--strict"])
        .arg(&blank)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "diskominfo.csv:1: no answers yet from \"Diskominfo\": every level in the sheet is empty; --strict refuses a sheet still to be filled in: fill in the level column, or drop --strict to score without it",
        ));

    for row in rows.iter_mut() {
        if let Some((_, level)) = FILL.iter().find(|(id, _)| *id == &row[1]) {
            let mut cells: Vec<String> = row.iter().map(String::from).collect();
            cells[4] = level.to_string();
            cells[5] = format!("{}.a.pdf", &cells[1]);
            *row = csv::StringRecord::from(cells);
        }
    }
    let filled = dir.path().join("filled.csv");
    let mut w = csv::Writer::from_path(&filled).unwrap();
    w.write_record([
        "opd",
        "indicator",
        "code",
        "name",
        "level",
        "evidence",
        "note",
        "choices",
    ])
    .unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    let card = score_json(&filled);
    assert_eq!(card["index"].to_string(), INDEX);
    assert_eq!(
        card["indicators"][31]["opds"],
        serde_json::json!(["Diskominfo"])
    );
}

#[test]
fn xlsx_template_has_dropdowns_frozen_header_widths_and_round_trips() {
    let dir = Dir::new();
    let blank = dir.path().join("diskominfo.xlsx");
    spbe()
        .args(["template", "--opd", "Diskominfo", "-o"])
        .arg(&blank)
        .assert()
        .success();

    // The parts Excel shows: a dropdown on every level cell pointing at the levels sheet, a
    // frozen first row, column widths.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&blank).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert_eq!(xml.matches("<dataValidation ").count(), 47, "{xml}");
    assert!(xml.contains("sqref=\"E2\""));
    assert!(xml.contains("<formula1>levels!$D$2:$D$6</formula1>"));
    // Indicator 32 uses the services scale, the second block on the levels sheet.
    assert!(xml.contains("sqref=\"E33\""));
    assert!(xml.contains("<formula1>levels!$D$7:$D$11</formula1>"));
    assert!(xml.contains("state=\"frozen\""));
    assert!(xml.contains("<col "));

    let mut wb: Xlsx<_> = calamine::open_workbook(&blank).unwrap();
    assert_eq!(wb.sheet_names(), ["answers", "levels", "Kriteria"]);
    let levels = wb.worksheet_range("levels").unwrap();
    assert_eq!(
        levels.get_value((6, 3)).unwrap().to_string(),
        "1 - Informasi"
    );
    let answers = wb.worksheet_range("answers").unwrap();
    assert_eq!(answers.height(), 48);
    let header: Vec<String> = answers
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header,
        [
            "opd",
            "indicator",
            "code",
            "name",
            "level",
            "evidence",
            "note"
        ]
    );

    // Fill it in as Excel would save it: the picked dropdown texts and a typed number.
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    ws.set_name("answers").unwrap();
    for (r, row) in answers.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let text = cell.to_string();
            if !text.is_empty() {
                ws.write_string(r as u32, c as u16, &text).unwrap();
            }
        }
        let id = row[1].to_string();
        if let Some((_, level)) = FILL.iter().find(|(i, _)| *i == id) {
            match level.parse::<f64>() {
                Ok(n) => ws.write_number(r as u32, 4, n).unwrap(),
                Err(_) => ws.write_string(r as u32, 4, *level).unwrap(),
            };
        }
    }
    let filled = dir.path().join("filled.xlsx");
    out.save(&filled).unwrap();
    let card = score_json(&filled);
    assert_eq!(card["index"].to_string(), INDEX);
}

#[test]
fn template_never_replaces_a_file_without_force() {
    let dir = Dir::new();
    let sheet = dir.path().join("bappeda.csv");
    std::fs::write(&sheet, "indicator,level\n11,3\n").unwrap();
    spbe()
        .args(["template", "-o"])
        .arg(&sheet)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "already exists (it may be a filled-in answer sheet); choose another name or pass --force to replace it",
        ));
    assert_eq!(
        std::fs::read_to_string(&sheet).unwrap(),
        "indicator,level\n11,3\n"
    );
    spbe()
        .args(["template", "--force", "-o"])
        .arg(&sheet)
        .assert()
        .success();
    assert!(std::fs::read_to_string(&sheet).unwrap().contains("choices"));
}

#[test]
fn template_to_stdout_and_neutralized_opd() {
    let out = spbe()
        .args([
            "template",
            "--opd",
            "=HYPERLINK(\"http://x\")",
            "-m",
            "spbe-2020",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.starts_with('\u{feff}'), "no BOM on stdout");
    let second = text.lines().nth(1).unwrap();
    assert!(
        second.starts_with("\"'=HYPERLINK(\"\"http://x\"\")\",1,I1,"),
        "{second}"
    );
}

#[test]
fn semicolon_csv_template_for_indonesian_excel_round_trips() {
    let dir = Dir::new();
    let blank = dir.path().join("t.csv");
    spbe()
        .args(["template", "--delimiter", ";", "-o"])
        .arg(&blank)
        .assert()
        .success();
    let text = std::fs::read_to_string(&blank).unwrap();
    assert!(text.starts_with("\u{feff}opd;indicator;code;name;level;evidence;note;choices\r\n"));
    let filled = text.replacen(";11;I11;Arsitektur SPBE;;", ";11;I11;Arsitektur SPBE;4;", 1);
    assert_ne!(filled, text);
    std::fs::write(&blank, filled).unwrap();
    // 1 + 3 × 2.50 / 100
    assert_eq!(score_json(&blank)["index"].to_string(), "1.075");
}

#[test]
fn a_file_name_that_disagrees_with_the_format_is_refused() {
    let dir = Dir::new();
    let t = dir.path().join("t.xlsx");
    spbe()
        .args(["template", "--format", "csv", "-o"])
        .arg(&t)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "the file name and --format disagree",
        ));
    assert!(!t.exists());
}
