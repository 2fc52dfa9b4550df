//! Sheets as pemda keep them (issue 18): title rows above the header, an instructions sheet
//! first, their own column names, a level per stage in one row, old `.xls` workbooks, sheets
//! still coming in and sheets sent again. Every message is checked word for word.

use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;

use crate::harness::{Dir, ROOT, run};

/// `spbe ARGS -f json` in `dir`: the result, and what was said on stderr.
fn score(dir: &Dir, args: &[&str]) -> (Value, String) {
    let (code, out, err) = run(dir.spbe().arg("score").args(args).args(["-f", "json"]));
    assert_eq!(code, 0, "{err}");
    (serde_json::from_str(&out).unwrap(), err)
}

fn index(result: &Value) -> String {
    result["index"].to_string()
}

/// `(indicator, [(opd, level)])` for every answered indicator.
fn answers(result: &Value) -> Vec<(String, Vec<(String, u64)>)> {
    result["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["answers"].as_array().unwrap().is_empty())
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["answers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| {
                        (
                            a["opd"].as_str().unwrap().to_string(),
                            a["level"].as_u64().unwrap(),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

/// The lines of stderr that say what was read (`-v`), without the model's and the
/// combine policy's lines.
fn read_notes(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            l.starts_with("spbe: ")
                && !l.starts_with("spbe: model ")
                && !l.contains(" answers from ")
        })
        .collect()
}

fn pairs(list: &[(&str, &[(&str, u64)])]) -> Vec<(String, Vec<(String, u64)>)> {
    list.iter()
        .map(|(id, a)| {
            (
                id.to_string(),
                a.iter().map(|(o, l)| (o.to_string(), *l)).collect(),
            )
        })
        .collect()
}

/// A pemda form: an instructions sheet first (with a small table whose header names one known
/// column, to be passed over), then the answers below two title rows and a blank row. Levels as
/// a number, a number formatted with decimals, text `3,00`, the dropdown form and a name.
fn pemda_workbook(path: &std::path::Path) {
    let mut wb = Workbook::new();
    let petunjuk = wb.add_worksheet().set_name("Petunjuk").unwrap();
    petunjuk.write_string(0, 0, "Petunjuk pengisian").unwrap();
    petunjuk
        .write_string(1, 0, "Isi kolom Tingkat Kematangan dengan angka 1-5.")
        .unwrap();
    petunjuk.write_string(3, 0, "Kolom").unwrap();
    petunjuk.write_string(3, 1, "Keterangan").unwrap();
    petunjuk.write_string(4, 0, "Tingkat Kematangan").unwrap();
    petunjuk.write_string(4, 1, "angka 1 sampai 5").unwrap();
    let jawaban = wb.add_worksheet().set_name("Jawaban").unwrap();
    jawaban
        .write_string(0, 0, "FORM PENILAIAN MANDIRI SPBE 2025")
        .unwrap();
    jawaban.write_string(1, 0, "Dinas Kesehatan").unwrap();
    let header = [
        "No. Indikator",
        "Indikator",
        "Tingkat Kematangan",
        "Penjelasan",
        "Data Dukung",
    ];
    for (c, h) in header.iter().enumerate() {
        jawaban.write_string(3, c as u16, *h).unwrap();
    }
    let two_decimals = Format::new().set_num_format("0.00");
    let rows: [(f64, &str); 5] = [
        (1.0, "3"),
        (11.0, "3,00"),
        (32.0, "4 - Kolaborasi"),
        (42.0, "Transaksi"),
        (47.0, "2.0"),
    ];
    for (r, (id, level)) in rows.iter().enumerate() {
        let r = r as u32 + 4;
        jawaban.write_number(r, 0, *id).unwrap();
        jawaban.write_string(r, 1, "nama indikator").unwrap();
        match *level {
            "3" => jawaban
                .write_number_with_format(r, 2, 3.0, &two_decimals)
                .map(|_| ())
                .unwrap(),
            text => jawaban.write_string(r, 2, text).map(|_| ()).unwrap(),
        }
    }
    wb.save(path).unwrap();
}

/// 1 + ((3-1)×1.30 + (3-1)×2.50 + (4-1)×2.75 + (3-1)×3.00 + (2-1)×3.00) / 100.
const PEMDA_INDEX: &str = "1.2485";

#[test]
fn an_xlsx_with_title_rows_and_an_instructions_sheet_is_read() {
    let dir = Dir::new();
    pemda_workbook(&dir.join("dinkes.xlsx"));
    let (result, err) = score(&dir, &["-v", "dinkes.xlsx"]);
    assert_eq!(index(&result), PEMDA_INDEX);
    let notes = read_notes(&err);
    assert_eq!(
        notes[..3],
        [
            "spbe: dinkes.xlsx: read sheet \"Jawaban\"; skipped \"Petunjuk\" (no header row)",
            "spbe: dinkes.xlsx:Jawaban: header on row 4; title rows above it skipped: 1 \"FORM PENILAIAN MANDIRI SPBE 2025\", 2 \"Dinas Kesehatan\"",
            "spbe: dinkes.xlsx:Jawaban: column \"Indikator\" is not read: the indicator is read from \"No. Indikator\"",
        ]
    );
    assert!(notes[3].starts_with("spbe: read dinkes.xlsx: 5 answer rows, sha256 "));
    assert_eq!(read_notes(&err).len(), 4);

    // --sheet forces a sheet; the instructions sheet has no header, and the message says what
    // its best row lacks, at that row.
    let (code, _, err) = run(dir
        .spbe()
        .args(["score", "dinkes.xlsx", "--sheet", "petunjuk"]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: 2 problems in the answer sheets:\n  dinkes.xlsx:Petunjuk row 4: missing column indicator (or indikator, no indikator); the header row has: Kolom, Keterangan; if the indicator's column has another name, pass --column indicator=HEADER\n  dinkes.xlsx:Petunjuk row 4: missing column level (or tingkat, nilai); the header row has: Kolom, Keterangan; if the level's column has another name, pass --column level=HEADER\n"
    );
    let (result, _) = score(
        &dir,
        &["dinkes.xlsx", "--sheet", "Jawaban", "--header-row", "4"],
    );
    assert_eq!(index(&result), PEMDA_INDEX);
}

#[test]
fn a_workbook_without_a_header_says_what_was_looked_for_and_what_helps() {
    let dir = Dir::new();
    let mut wb = Workbook::new();
    wb.add_worksheet()
        .set_name("Petunjuk")
        .unwrap()
        .write_string(0, 0, "Baca dulu")
        .unwrap();
    let data = wb.add_worksheet().set_name("Data").unwrap();
    data.write_string(0, 0, "Nomor").unwrap();
    data.write_string(0, 1, "Skor").unwrap();
    data.write_number(1, 0, 1.0).unwrap();
    data.write_number(1, 1, 3.0).unwrap();
    wb.save(dir.join("x.xlsx")).unwrap();
    let (code, _, err) = run(dir.spbe().args(["score", "x.xlsx"]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: 1 problem in the answer sheets:\n  x.xlsx: no sheet has a header row with the columns indicator (or indikator, no indikator) and level (or tingkat, nilai) in its first 30 rows (sheets: \"Petunjuk\", \"Data\"); if the answers are on one of them, pass --sheet NAME (and --header-row N if the header is further down); if the columns have other names, pass --column indicator=HEADER --column level=HEADER\n"
    );
    // Named, the columns are found on the second sheet.
    let (result, _) = score(
        &dir,
        &[
            "x.xlsx",
            "--column",
            "indicator=nomor",
            "--column",
            "level=SKOR",
        ],
    );
    assert_eq!(index(&result), "1.026");
}

#[test]
fn a_csv_with_title_rows_is_read_and_the_header_row_can_be_forced() {
    let dir = Dir::new();
    dir.write(
        "dinkes.csv",
        "FORM PENILAIAN MANDIRI SPBE 2025;;;\r\nDinas Kesehatan;;;\r\n;;;\r\nindikator;tingkat;penjelasan;bukti\r\n1;3,00;ada perwali;1.a.pdf\r\n11;2;;\r\n",
    );
    let (result, err) = score(&dir, &["-v", "dinkes.csv"]);
    assert_eq!(index(&result), "1.051");
    assert_eq!(
        read_notes(&err)[0],
        "spbe: dinkes.csv: header on row 4; title rows above it skipped: 1 \"FORM PENILAIAN MANDIRI SPBE 2025\", 2 \"Dinas Kesehatan\""
    );
    assert_eq!(
        answers(&result),
        pairs(&[("1", &[("dinkes", 3)]), ("11", &[("dinkes", 2)])])
    );

    // A fraction stays an error, located.
    dir.write("pecahan.csv", "indikator,tingkat\n1,3.5\n");
    let (code, _, err) = run(dir.spbe().args(["score", "pecahan.csv"]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: 1 problem in the answer sheets:\n  pecahan.csv:2:2: column \"tingkat\": level \"3.5\" is not a whole number; maturity levels have no fractions, write a whole number from 1 to 5, a level name (Rintisan, Terkelola, Terdefinisi, Terpadu dan Terukur, Optimum) or the dropdown form \"3 - Terdefinisi\"\n"
    );

    // A header below 30 rows of text is not looked for; --header-row names it.
    let mut long = String::new();
    for n in 1..=34 {
        long.push_str(&format!("keterangan baris {n}\n"));
    }
    long.push_str("indicator,level\n1,3\n");
    dir.write("panjang.csv", &long);
    let (code, _, err) = run(dir.spbe().args(["score", "panjang.csv"]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: 1 problem in the answer sheets:\n  panjang.csv:1: no header row: none of the first 30 rows has the columns indicator (or indikator, no indikator) and level (or tingkat, nilai); the first row has: keterangan baris 1; if the header row is further down, pass --header-row N; if the columns have other names, pass --column indicator=HEADER --column level=HEADER\n"
    );
    let (result, _) = score(&dir, &["panjang.csv", "--header-row", "35"]);
    assert_eq!(index(&result), "1.026");
    // A forced row that is not the header, and one that is not there.
    let (code, _, err) = run(dir
        .spbe()
        .args(["score", "panjang.csv", "--header-row", "36"]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: 2 problems in the answer sheets:\n  panjang.csv:36: missing column indicator (or indikator, no indikator); the header row has: 1, 3; if the indicator's column has another name, pass --column indicator=HEADER\n  panjang.csv:36: missing column level (or tingkat, nilai); the header row has: 1, 3; if the level's column has another name, pass --column level=HEADER\n"
    );
    let (code, _, err) = run(dir
        .spbe()
        .args(["score", "panjang.csv", "--header-row", "99"]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: 1 problem in the answer sheets:\n  panjang.csv: --header-row 99: no row starts at line 99 (it is empty, inside a cell that spans lines, or after the end); give the header's line number as a text editor shows it\n"
    );
}

/// A city's monitoring export: its own column names, the self-assessed and the final level side
/// by side, one row per responsible OPD. Indicator 11 has no final level from Bappeda yet.
const EXPORT: &str = "tahun,indikator_no,level_mandiri,level_final,opd_terkait_nama,catatan
2025,1,3,2,Diskominfo,
2025,11,3,,Bappeda,menunggu reviu
2025,11,2,2,Diskominfo,
2025,32,4,4,Bappeda,
";

const STAGE_FLAGS: [&str; 4] = [
    "--stage-column",
    "mandiri=level_mandiri",
    "--stage-column",
    "akhir=Level Final",
];

#[test]
fn an_export_with_a_level_per_stage_is_scored_per_stage_and_diffed() {
    let dir = Dir::new();
    dir.write("monitoring.csv", EXPORT);
    // Without flags the message names the flags that read it.
    let (code, _, err) = run(dir.spbe().args(["score", "monitoring.csv"]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: 1 problem in the answer sheets:\n  monitoring.csv:1: missing column level (or tingkat, nilai); the header row has: tahun, indikator_no, level_mandiri, level_final, opd_terkait_nama, catatan; these columns hold a level per stage: pass --stage-column mandiri=level_mandiri --stage-column akhir=level_final\n"
    );

    let with = |extra: &[&str]| {
        let mut args = vec!["monitoring.csv"];
        args.extend(STAGE_FLAGS);
        args.extend(extra);
        score(&dir, &args)
    };
    // The self-assessment: 1 = 3, 11 = min(3, 2) = 2, 32 = 4.
    let (mandiri, err) = with(&["--stage", "mandiri", "-v"]);
    assert_eq!(index(&mandiri), "1.1335");
    assert_eq!(
        answers(&mandiri),
        pairs(&[
            ("1", &[("Diskominfo", 3)]),
            ("11", &[("Bappeda", 3), ("Diskominfo", 2)]),
            ("32", &[("Bappeda", 4)]),
        ])
    );
    assert_eq!(
        read_notes(&err)[0],
        "spbe: monitoring.csv: a level per stage from the columns \"level_mandiri\" (mandiri, column C), \"level_final\" (akhir, column D)"
    );
    // The final verdict: Bappeda's empty final cell is no answer at that stage.
    let (akhir, _) = with(&["--stage", "akhir"]);
    assert_eq!(index(&akhir), "1.1205");
    assert_eq!(
        answers(&akhir),
        pairs(&[
            ("1", &[("Diskominfo", 2)]),
            ("11", &[("Diskominfo", 2)]),
            ("32", &[("Bappeda", 4)]),
        ])
    );
    // Default: each indicator from its latest stage present.
    let (latest, _) = with(&[]);
    assert_eq!(index(&latest), "1.1205");

    let mut args = vec![
        "diff",
        "--stages",
        "mandiri",
        "akhir",
        "monitoring.csv",
        "-f",
        "json",
    ];
    args.extend(STAGE_FLAGS);
    let (code, out, err) = run(dir.spbe().args(&args));
    assert_eq!(code, 0, "{err}");
    let d: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["old"]["index"].to_string(), "1.1335");
    assert_eq!(d["new"]["index"].to_string(), "1.1205");
    let changed: Vec<(String, String, String)> = d["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["old_level"].to_string(),
                i["new_level"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        [("1".to_string(), "3".to_string(), "2".to_string())]
    );
}

#[test]
fn stage_columns_and_column_names_are_checked() {
    let dir = Dir::new();
    dir.write("monitoring.csv", EXPORT);
    dir.write(
        "kosong.csv",
        "indikator_no,level_mandiri,level_final,catatan\n1,,,belum dinilai\n",
    );
    let mut args = vec!["score", "kosong.csv"];
    args.extend(STAGE_FLAGS);
    let (code, _, err) = run(dir.spbe().args(&args));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: 1 problem in the answer sheets:\n  kosong.csv:2:2: column \"level_mandiri\": every stage's level is empty (\"level_mandiri\", \"level_final\") but the row has evidence or a note; write the level under its stage\n"
    );
    // A misspelt header is not silently unread.
    let (code, _, err) = run(dir.spbe().args([
        "score",
        "monitoring.csv",
        "--stage-column",
        "mandiri=level_mandiri",
        "--stage-column",
        "akhir=level_akhir",
    ]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: 1 problem in the answer sheets:\n  --stage-column akhir=level_akhir: no sheet has this column; check the name against the sheets' header rows (names are matched ignoring case and the spaces, _, - and . between words)\n"
    );
    // The roles of a table of institutions are known, and refused here.
    let (code, _, err) = run(dir.spbe().args([
        "score",
        "monitoring.csv",
        "--column",
        "institution=nama_instansi",
    ]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: --column institution=nama_instansi: this command reads one institution's answer sheets, which have no institution column (institution, category, region and year are columns of a table comparing institutions); drop it, or name one of indicator, level, opd, evidence, note, stage\n"
    );
    let (code, _, err) = run(dir
        .spbe()
        .args(["score", "monitoring.csv", "--column", "nilai=x"]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: invalid value 'nilai=x' for '--column <ROLE=HEADER>': \"nilai\" is not a column role; write one of indicator, level, opd, evidence, note, stage, institution, category, region, year\n\nFor more information, try '--help'.\n"
    );
    let (code, _, err) = run(dir.spbe().args([
        "score",
        "monitoring.csv",
        "--stage-column",
        "akhir=level_final",
        "--column",
        "level=level_mandiri",
    ]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: --column level=level_mandiri and --stage-column cannot be combined: with --stage-column each stage's level has its own column, so there is no level or stage column to name\n"
    );
}

#[test]
fn an_xls_written_by_libreoffice_is_read_like_an_xlsx() {
    let dir = Dir::new();
    let xls = format!("{ROOT}/tests/data/xls/diskominfo-2019.xls");
    let (result, err) = score(&dir, &["-v", &xls]);
    assert_eq!(index(&result), "1.191");
    assert_eq!(
        answers(&result),
        pairs(&[
            ("1", &[("diskominfo-2019", 3)]),
            ("11", &[("diskominfo-2019", 2)]),
            ("16", &[("diskominfo-2019", 3)]),
            ("44", &[("diskominfo-2019", 4)]),
        ])
    );
    assert_eq!(
        read_notes(&err)[..3],
        [
            format!("spbe: {xls}: read sheet \"Jawaban\"; skipped \"Petunjuk\" (no header row)"),
            format!(
                "spbe: {xls}:Jawaban: header on row 4; title rows above it skipped: 1 \"FORM PENILAIAN MANDIRI SPBE 2019\", 2 \"Dinas Komunikasi dan Informatika\""
            ),
            format!(
                "spbe: {xls}:Jawaban: column \"Indikator\" is not read: the indicator is read from \"No. Indikator\""
            ),
        ]
    );
    // Errors in an .xls are located as in Excel.
    let (code, _, err) = run(dir.spbe().args(["score", &xls, "--model", "pemdi-2026"]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "error: 2 problems in the answer sheets:\n  {xls}:Jawaban!C7: column \"Tingkat Kematangan\": \"Terdefinisi\" is not a value; write a value from 1.00 to 5.00 with at most 2 decimals (e.g. 1.26 or 1,26), or a level name (Rintisan, Terkelola, Terstandarisasi, Terintegrasi dan Terukur, Optimum) for its whole level\n  {xls}:Jawaban!A8: column \"No. Indikator\": unknown indicator \"44\"; the model pemdi-2026 has indicators 1 to 20\n"
        )
    );

    let locked = format!("{ROOT}/tests/data/xls/diskominfo-2019-sandi.xlsx");
    let (code, _, err) = run(dir.spbe().args(["score", &locked]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "error: 1 problem in the answer sheets:\n  {locked}: this workbook is protected with a password (encrypted), so it cannot be read; open it in Excel or LibreOffice with the password, remove the password (Excel: File > Info > Protect Workbook > Encrypt with Password, clear it) and save it again\n"
        )
    );
}

/// An inbox while sheets are still coming in: Diskominfo's template untouched, Dinas Kesehatan's
/// sheet and its revision, Bappeda's sheet.
fn inbox(dir: &Dir) {
    dir.mkdir("inbox");
    let (code, _, err) = run(dir.spbe().args([
        "template",
        "--opd",
        "Diskominfo",
        "-o",
        "inbox/diskominfo.xlsx",
    ]));
    assert_eq!(code, 0, "{err}");
    dir.write("inbox/Dinas Kesehatan.csv", "indicator,level\n47,1\n42,2\n");
    dir.write(
        "inbox/Dinas Kesehatan (revisi 2).csv",
        "indicator,level\n47,3\n",
    );
    dir.write("inbox/bappeda.csv", "indicator,level\n11,3\n");
}

#[test]
fn an_inbox_with_an_untouched_template_and_a_revised_sheet() {
    let dir = Dir::new();
    inbox(&dir);
    let (result, err) = score(&dir, &["inbox", "-v"]);
    // Only the revision counts: 47 = 3 (the first sheet's 1 would win under min), and 42,
    // answered only in the first sheet, is unanswered.
    assert_eq!(
        answers(&result),
        pairs(&[("11", &[("bappeda", 3)]), ("47", &[("Dinas Kesehatan", 3)])])
    );
    // 1 + ((3-1)×2.50 + (3-1)×3.00) / 100.
    assert_eq!(index(&result), "1.11");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(
        warnings[..2],
        [
            "warning: inbox/Dinas Kesehatan (revisi 2).csv replaces inbox/Dinas Kesehatan.csv: the names differ only by a revision mark, so the OPD sent its sheet again and only the latest counts; --strict makes this an error",
            "warning: inbox/diskominfo.xlsx:answers: no answers yet from \"Diskominfo\": every level in the sheet is empty, so it adds nothing; --strict makes this an error",
        ]
    );
    assert_eq!(
        read_notes(&err)[0],
        "spbe: resent sheet: inbox/Dinas Kesehatan (revisi 2).csv (revision 2) is read; not read: inbox/Dinas Kesehatan.csv (no mark)"
    );

    let (code, out, err) = run(dir.spbe().args(["score", "inbox", "--strict"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: 2 problems in the answer sheets:\n  inbox/Dinas Kesehatan.csv: an older revision of inbox/Dinas Kesehatan (revisi 2).csv (the names differ only by a revision mark); --strict refuses a sheet sent twice: remove the older file, or drop --strict to read only the latest\n  inbox/diskominfo.xlsx:answers row 1: no answers yet from \"Diskominfo\": every level in the sheet is empty; --strict refuses a sheet still to be filled in: fill in the level column, or drop --strict to score without it\n"
    );

    // Marks that cannot tell which sheet is the latest are an error.
    dir.write("inbox/bpkad final.csv", "indicator,level\n34,3\n");
    dir.write("inbox/BPKAD_final.csv", "indicator,level\n34,4\n");
    let (code, _, err) = run(dir.spbe().args(["score", "inbox"]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: 1 problem in the answer sheets:\n  inbox/BPKAD_final.csv: these files look like one sheet sent more than once (their names differ only by a revision mark), but the marks do not say which is the latest: inbox/BPKAD_final.csv (final), inbox/bpkad final.csv (final); keep only the latest in the folder, or mark it, e.g. \"(revisi 3)\"\n"
    );
}

#[test]
fn validate_reports_sheets_still_coming_in_as_warnings() {
    let dir = Dir::new();
    inbox(&dir);
    let (code, out, _) = run(dir.spbe().args(["validate", "inbox"]));
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "warning: inbox/Dinas Kesehatan (revisi 2).csv replaces inbox/Dinas Kesehatan.csv: the names differ only by a revision mark, so the OPD sent its sheet again and only the latest counts; --strict makes this an error",
            "warning: inbox/diskominfo.xlsx:answers: no answers yet from \"Diskominfo\": every level in the sheet is empty, so it adds nothing; --strict makes this an error",
        ]
    );
}
