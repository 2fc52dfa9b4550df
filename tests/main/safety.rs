//! Never lose a user's file, never run a formula from an answer sheet, never hang or panic on
//! hostile input.

use proptest::prelude::*;

use spbe::core::evaluate::{Policy, evaluate};
use spbe::core::model::Model;
use spbe::core::scorecard::Scorecard;
use spbe::input::sheets::{SheetReader, Source};

use crate::harness::{Dir, spbe};

#[test]
fn an_input_is_never_overwritten() {
    let dir = Dir::new();
    let sheet = "indicator,level\n1,3\n";
    dir.write("a.csv", sheet);
    dir.spbe()
        .args(["score", "a.csv", "-f", "csv", "-o", "./a.csv"])
        .assert()
        .code(2)
        .stderr("error: refusing to write the output to ./a.csv: it is one of the inputs; choose another file name with -o\n");
    assert_eq!(dir.read("a.csv"), sheet);

    // Nor written into an input folder where it would be read as a sheet next time.
    dir.mkdir("sheets");
    dir.write("sheets/b.csv", sheet);
    dir.spbe()
        .args(["score", "sheets", "-f", "csv", "-o", "sheets/result.csv"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "it is inside the input folder sheets and would be read as an answer sheet next time",
        ));
    assert!(!dir.path().join("sheets/result.csv").exists());
    // A JSON report there is fine: it is not a sheet.
    dir.spbe()
        .args(["score", "sheets", "-f", "json", "-o", "sheets/result.json"])
        .assert()
        .success();
    let names: Vec<String> = std::fs::read_dir(dir.path().join("sheets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
}

#[test]
fn text_from_sheets_is_neutralized_in_csv_reports() {
    let dir = Dir::new();
    dir.write(
        "a.csv",
        "opd,indicator,level\n\"=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\",1,3\n@SUM,2,3\n",
    );
    let out = dir
        .spbe()
        .args(["score", "a.csv", "-f", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")=3\"\n"),
        "{text}"
    );
    assert!(text.contains(",'@SUM=3\n"), "{text}");
}

#[test]
fn oversized_files_are_refused_without_reading_them() {
    let dir = Dir::new();
    let f = std::fs::File::create(dir.path().join("huge.csv")).unwrap();
    // Sparse: takes no disk and no time, but says 1 GiB.
    f.set_len(1 << 30).unwrap();
    dir.spbe()
        .args(["score", "huge.csv"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "huge.csv: the file is 1024 MiB; answer sheets larger than 256 MiB are refused (is this really an answer sheet?)",
        ));
}

#[test]
fn binary_garbage_is_a_clear_error() {
    let dir = Dir::new();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    dir.write("x.csv", &garbage);
    dir.spbe()
        .args(["score", "x.csv"])
        .assert()
        .code(2)
        .stderr("error: 1 problem in the answer sheets:\n  x.csv: this file is binary data, not text; an answer sheet must be CSV (comma, semicolon or tab separated), XLSX or ODS\n");
}

#[test]
fn a_far_away_xlsx_cell_does_not_allocate_the_grid() {
    // A cell at XFD1048576 makes a dense reader allocate 17 billion cells; rows are streamed.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "indicator").unwrap();
    ws.write_string(0, 1, "level").unwrap();
    ws.write_number(1, 0, 1).unwrap();
    ws.write_number(1, 1, 3).unwrap();
    ws.write_string(1_048_575, 16_383, "far").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let model = Model::load("spbe-2020").unwrap();
    let mut r = SheetReader::new(&model);
    r.read(&Source::File("far.xlsx".into()), &bytes);
    let set = r.finish().unwrap();
    assert_eq!(set.answers.len(), 1);
}

/// Reads any bytes as a sheet: either it scores, or every problem is located and explained.
fn scores_or_errors_cleanly(bytes: &[u8]) {
    let model = Model::load("spbe-2020").unwrap();
    let mut r = SheetReader::new(&model);
    r.read(&Source::File("any.csv".into()), bytes);
    match r.finish() {
        Ok(set) => {
            let card = Scorecard::of(&evaluate(&model, &set, Policy::default()).unwrap());
            assert!(!card.index.to_string().is_empty());
        }
        Err(e) => {
            assert!(!e.problems.is_empty());
            for p in &e.problems {
                assert_eq!(p.file, "any.csv");
                assert!(!p.message.is_empty());
            }
        }
    }
}

proptest! {
    #[test]
    fn any_bytes_score_or_error_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        scores_or_errors_cleanly(&bytes);
    }

    #[test]
    fn any_rows_under_a_real_header_score_or_error_cleanly(
        sep in prop::sample::select(vec![",", ";", "\t"]),
        body in "[0-9a-zA-Z ,;\t\"\r\n=\\-–é]{0,300}",
    ) {
        let text = format!("opd{sep}indicator{sep}level{sep}note\n{body}");
        scores_or_errors_cleanly(text.as_bytes());
    }

    #[test]
    fn any_bytes_after_a_zip_signature_error_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut data = b"PK\x03\x04".to_vec();
        data.extend(bytes);
        scores_or_errors_cleanly(&data);
    }
}

/// A zip of `(name, bytes)` parts, the first one stored (as ODS wants its `mimetype`).
fn zip_of(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (i, (name, data)) in parts.iter().enumerate() {
        let options = zip::write::SimpleFileOptions::default().compression_method(if i == 0 {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        });
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn read_error(name: &str, bytes: &[u8]) -> String {
    let model = Model::load("spbe-2020").unwrap();
    let mut r = SheetReader::new(&model);
    r.read(&Source::File(name.into()), bytes);
    r.finish().unwrap_err().problems[0].to_string()
}

#[test]
fn an_xlsx_declaring_billions_of_strings_is_refused_not_an_abort() {
    // calamine reserves memory for the declared count before reading: 10¹¹ strings aborted the
    // process (an allocation failure cannot be caught).
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "indicator").unwrap();
    let good = wb.save_to_buffer().unwrap();
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(good)).unwrap();
    let mut parts = Vec::new();
    for i in 0..src.len() {
        use std::io::Read;
        let mut f = src.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if f.name() == "xl/sharedStrings.xml" {
            data = b"<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"100000000000\"><si><t>indicator</t></si></sst>".to_vec();
        }
        parts.push((f.name().to_string(), data));
    }
    let parts: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    assert_eq!(
        read_error("strings.xlsx", &zip_of(&parts)),
        "strings.xlsx: the workbook declares 100000000000 shared strings (more than 2000000); open it in Excel and save it again"
    );
}

#[test]
fn an_ods_of_repeated_rows_is_read_row_by_row_not_expanded() {
    // 5 000 × 16 384 repeats used 5.4 GB as calamine's dense grid; rows are now read one at a
    // time and columns after ALL ignored, so this is just a sheet without a header.
    let content = "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet><table:table table:name=\"L\">\
<table:table-row table:number-rows-repeated=\"5000\"><table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>\
</table:table></office:spreadsheet></office:body></office:document-content>";
    let ods = zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
        ),
        ("content.xml", content.as_bytes().to_vec()),
    ]);
    assert_eq!(
        read_error("rep.ods", &ods),
        "rep.ods: no sheet has a header row with the columns indicator (or indikator, no indikator) and level (or tingkat, nilai) in its first 30 rows (sheets: \"L\"); if the answers are on one of them, pass --sheet NAME (and --header-row N if the header is further down); if the columns have other names, pass --column indicator=HEADER --column level=HEADER"
    );
}

#[test]
fn a_workbook_that_unpacks_too_big_is_refused() {
    // 300 MiB of tags compress to about 300 KB; counted as they inflate.
    let big = b"<x/>".repeat(75 << 20);
    let bytes = zip_of(&[("a.txt", Vec::new()), ("xl/worksheets/sheet1.xml", big)]);
    assert_eq!(
        read_error("big.xlsx", &bytes),
        "big.xlsx: the workbook unpacks to more than 256 MiB; an answer sheet is far smaller, so it is refused"
    );
}

#[test]
fn a_cell_reference_that_overflows_calamine_is_caught() {
    // calamine 0.35 multiplies past u32 on a reference with many letters (it panics where
    // overflow checks are on); the panic must become a "damaged file" error, silently.
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_number(0, 0, 1).unwrap();
    let good = wb.save_to_buffer().unwrap();
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(good)).unwrap();
    let mut parts = Vec::new();
    for i in 0..src.len() {
        use std::io::Read;
        let mut f = src.by_index(i).unwrap();
        let mut data = String::new();
        f.read_to_string(&mut data).unwrap();
        if f.name() == "xl/worksheets/sheet1.xml" {
            assert!(data.contains("r=\"A1\""));
            data = data.replace("r=\"A1\"", "r=\"ZZZZZZZZZZZZ1\"");
        }
        parts.push((f.name().to_string(), data.into_bytes()));
    }
    let parts: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    scores_or_errors_cleanly(&zip_of(&parts));
}

#[cfg(unix)]
#[test]
fn endless_side_files_are_refused_without_reading_them_whole() {
    for args in [
        vec!["score", "examples/kota-contoh", "--model", "/dev/zero"],
        vec![
            "gap",
            "examples/kota-contoh",
            "--target",
            "3",
            "--effort",
            "/dev/zero",
        ],
        vec!["score", "examples/kota-contoh", "--owners", "/dev/zero"],
        vec!["check", "examples/kota-contoh", "--baseline", "/dev/zero"],
    ] {
        spbe()
            .args(&args)
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(2)
            .stderr(predicates::str::contains("larger than"));
    }
}
