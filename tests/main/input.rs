//! Answer sheets as Excel and LibreOffice write them: every variant of one clean sheet must give
//! the same answers and the same index; every error names its file, line (or cell) and column.

use std::io::Write;
use std::path::{Path, PathBuf};

use spbe::core::answers::AnswerSet;
use spbe::core::evaluate::{Policy, evaluate};
use spbe::core::model::Model;
use spbe::core::scorecard::Scorecard;
use spbe::input::decode::Encoding;
use spbe::input::model::sha256_hex;
use spbe::input::sheets::{ReadOptions, SheetErrors, SheetReader, Source, parse_level};

use crate::harness::{Dir, spbe};

/// The clean sheet: UTF-8, comma, LF. It has a quoted note with a comma and one with a line
/// break, a level name, the dropdown form, two OPDs and windows-1252-encodable accents.
const CLEAN: &str = "opd,indicator,level,evidence,note
Diskominfo,1,3,1.a.perwali_arsitektur.pdf,Perwali 12/2022
Diskominfo,11,3 - Terdefinisi,11.b.reviu.pdf,\"catatan, dengan koma\"
Bappeda,11,2,,
Bappeda,32,4 - Kolaborasi,32.a.png;32.b.png,\"baris satu
baris dua\"
Dinas Pariwisata – Budaya,45,Interaksi,45.a.pdf,café
";

/// 1 + (2 × 1.30 + 1 × 2.50 + 3 × 2.75 + 1 × 3.00) / 100: indicator 11 is the lower of the two
/// OPDs' levels under the default combine=min.
const INDEX: &str = "1.1635";

fn model() -> Model {
    Model::load("spbe-2020").unwrap()
}

fn read(name: &str, bytes: &[u8], options: &ReadOptions) -> Result<AnswerSet, SheetErrors> {
    let model = model();
    let mut r = SheetReader::new(&model);
    r.read_with(&Source::File(name.into()), bytes, options);
    r.finish()
}

/// OPD, indicator, level, evidence, note.
type Essence = (String, u8, u16, Option<String>, Option<String>);

/// What must not change between variants: who answered what, with which evidence and note.
fn essence(set: &AnswerSet) -> Vec<Essence> {
    set.answers
        .iter()
        .map(|a| {
            (
                set.opds[a.opd as usize].clone(),
                a.indicator,
                a.value,
                set.evidence(a).map(String::from),
                set.note(a).map(|n| n.replace("\r\n", "\n")),
            )
        })
        .collect()
}

fn index(set: &AnswerSet) -> String {
    Scorecard::of(&evaluate(&model(), set, Policy::default()).unwrap())
        .index
        .to_string()
}

/// Reads a variant and checks it against the clean sheet.
fn same_as_clean(name: &str, bytes: &[u8], options: &ReadOptions) -> AnswerSet {
    let clean = read("clean.csv", CLEAN.as_bytes(), &ReadOptions::default()).unwrap();
    let set = read(name, bytes, options).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(essence(&set), essence(&clean), "{name}");
    assert_eq!(index(&set), INDEX, "{name}");
    set
}

fn rows() -> Vec<Vec<String>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(CLEAN.as_bytes());
    rdr.records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// The clean rows written with `delim` and `eol`, quoting what needs it.
fn write_delimited(delim: u8, eol: &str) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delim)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for r in rows() {
        w.write_record(&r).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    if eol == "\n" {
        text
    } else {
        text.replace('\n', eol)
    }
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

#[test]
fn the_clean_sheet_scores() {
    let set = read("clean.csv", CLEAN.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(set.answers.len(), 5);
    assert_eq!(index(&set), INDEX);
    assert!(set.warnings.is_empty());
}

#[test]
fn utf8_with_bom() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(CLEAN.as_bytes());
    same_as_clean("bom.csv", &bytes, &ReadOptions::default());
}

#[test]
fn utf16le_unicode_text_with_tabs() {
    let bytes = utf16le(&write_delimited(b'\t', "\r\n"));
    let set = same_as_clean("unicode.txt", &bytes, &ReadOptions::default());
    assert!(set.warnings.is_empty());
}

#[test]
fn windows_1252_falls_back_with_a_warning() {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(CLEAN);
    assert!(!unmappable);
    let set = same_as_clean("ansi.csv", &bytes, &ReadOptions::default());
    assert_eq!(
        set.warnings,
        vec![
            "ansi.csv: line 7 is not UTF-8, so the file was read as windows-1252 (Excel's \"CSV (Comma delimited)\"); if letters look wrong, save it in Excel as \"CSV UTF-8 (Comma delimited)\" or pass --encoding"
        ]
    );
    // Forced, there is no warning.
    let forced = ReadOptions {
        encoding: Encoding::Windows1252,
        ..Default::default()
    };
    assert!(
        same_as_clean("ansi.csv", &bytes, &forced)
            .warnings
            .is_empty()
    );
}

#[test]
fn forcing_utf8_on_windows_1252_is_an_error_with_its_line() {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(CLEAN);
    let forced = ReadOptions {
        encoding: Encoding::Utf8,
        ..Default::default()
    };
    let e = read("ansi.csv", &bytes, &forced).unwrap_err();
    assert_eq!(
        e.problems[0].to_string(),
        "ansi.csv: line 7 is not valid UTF-8; save the sheet in Excel as \"CSV UTF-8 (Comma delimited)\", or pass --encoding windows-1252 if it was saved as \"CSV (Comma delimited)\""
    );
}

#[test]
fn semicolons_from_indonesian_excel() {
    same_as_clean(
        "semi.csv",
        write_delimited(b';', "\r\n").as_bytes(),
        &ReadOptions::default(),
    );
}

#[test]
fn excel_sep_hint_line() {
    let text = format!("sep=;\r\n{}", write_delimited(b';', "\r\n"));
    same_as_clean("sep.csv", text.as_bytes(), &ReadOptions::default());
    // The hint wins over sniffing: here it names a delimiter that the header also contains.
    let text = format!("\"sep=,\"\n{}", write_delimited(b',', "\n"));
    same_as_clean("sep-comma.csv", text.as_bytes(), &ReadOptions::default());
}

#[test]
fn tabs() {
    same_as_clean(
        "tab.tsv",
        write_delimited(b'\t', "\n").as_bytes(),
        &ReadOptions::default(),
    );
}

#[test]
fn forced_delimiter() {
    // A header with one recognised name per delimiter would be ambiguous; forcing decides.
    let text = write_delimited(b'|', "\n");
    let forced = ReadOptions {
        delimiter: Some(b'|'),
        ..Default::default()
    };
    same_as_clean("pipe.csv", text.as_bytes(), &forced);
}

#[test]
fn crlf_blank_lines_trailing_columns_spaces_and_header_case() {
    let text = "\r\n\r\n OPD ;INDIKATOR; Tingkat ;Data Dukung;CATATAN;;;\r\n\
        Diskominfo ; 1 ; 3 ;1.a.perwali_arsitektur.pdf; Perwali 12/2022 ;;;\r\n\
        ;;;;;;;\r\n\
        Diskominfo;11;3 - Terdefinisi;11.b.reviu.pdf;\"catatan, dengan koma\";;;\r\n\
        \r\n\
        Bappeda;11;2;;;;;\r\n\
        Bappeda;32;4 - Kolaborasi;32.a.png;32.b.png;\"baris satu\r\nbaris dua\";;\r\n\
        Dinas Pariwisata – Budaya;45;  interaksi ;45.a.pdf;café;;;\r\n\r\n";
    // 32.a.png;32.b.png would split on `;`, so that row quotes its evidence in a real file.
    let text = text.replace("32.a.png;32.b.png", "\"32.a.png;32.b.png\"");
    same_as_clean("messy.csv", text.as_bytes(), &ReadOptions::default());
}

/// Writes the clean rows to an XLSX sheet named `name`, levels that are numbers as numbers.
fn xlsx(sheets: &[&str], answers_sheet: usize) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (s, name) in sheets.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        if s != answers_sheet {
            ws.write_string(0, 0, "not the answers").unwrap();
            continue;
        }
        for (r, row) in rows().iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                match cell.parse::<f64>() {
                    Ok(n) if r > 0 => ws.write_number(r as u32, c as u16, n).unwrap(),
                    _ => ws.write_string(r as u32, c as u16, cell).unwrap(),
                };
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn xlsx_first_sheet() {
    same_as_clean(
        "answers.xlsx",
        &xlsx(&["Sheet1"], 0),
        &ReadOptions::default(),
    );
}

#[test]
fn xlsx_named_sheet() {
    let bytes = xlsx(&["Petunjuk", "Jawaban"], 1);
    let options = ReadOptions {
        sheet: Some("jawaban".into()),
        ..Default::default()
    };
    same_as_clean("answers.xlsx", &bytes, &options);
    let options = ReadOptions {
        sheet: Some("Nilai".into()),
        ..Default::default()
    };
    let e = read("answers.xlsx", &bytes, &options).unwrap_err();
    assert_eq!(
        e.problems[0].to_string(),
        "answers.xlsx: no sheet named \"Nilai\"; the workbook has \"Petunjuk\", \"Jawaban\""
    );
}

/// A minimal ODS (what LibreOffice writes, reduced): a zip with `mimetype` and `content.xml`.
fn ods(rows: &[Vec<String>]) -> Vec<u8> {
    let mut table = String::new();
    for row in rows {
        table.push_str("<table:table-row>");
        for cell in row {
            if cell.is_empty() {
                table.push_str("<table:table-cell/>");
            } else if let Ok(n) = cell.parse::<f64>() {
                table.push_str(&format!(
                    "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{n}</text:p></table:table-cell>"
                ));
            } else {
                let lines: String = cell
                    .split('\n')
                    .map(|l| format!("<text:p>{}</text:p>", xml_escape(l)))
                    .collect();
                table.push_str(&format!(
                    "<table:table-cell office:value-type=\"string\">{lines}</table:table-cell>"
                ));
            }
        }
        table.push_str("</table:table-row>");
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
<office:body><office:spreadsheet><table:table table:name=\"Lembar1\">{table}</table:table>\
</office:spreadsheet></office:body></office:document-content>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file(
        "META-INF/manifest.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">\
<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
</manifest:manifest>",
    )
    .unwrap();
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn ods_first_sheet() {
    same_as_clean("answers.ods", &ods(&rows()), &ReadOptions::default());
}

#[test]
fn ods_errors_name_the_cell() {
    let mut r = rows();
    r[3][2] = "2,5".into();
    let e = read("answers.ods", &ods(&r), &ReadOptions::default()).unwrap_err();
    assert!(
        e.problems[0].to_string().starts_with(
            "answers.ods:Lembar1!C4: column \"level\": level \"2,5\" is not a whole number"
        ),
        "{}",
        e.problems[0]
    );
}

#[test]
fn xlsx_errors_name_sheet_and_cell() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Jawaban").unwrap();
    // The table starts at B2, as when someone leaves a margin.
    for (c, h) in ["opd", "indicator", "level"].iter().enumerate() {
        ws.write_string(1, 1 + c as u16, *h).unwrap();
    }
    ws.write_string(2, 1, "Diskominfo").unwrap();
    ws.write_number(2, 2, 1).unwrap();
    ws.write_number(2, 3, 3).unwrap();
    ws.write_string(6, 1, "Diskominfo").unwrap();
    ws.write_number(6, 2, 99).unwrap();
    ws.write_number(6, 3, 3.5).unwrap();
    ws.write_string(7, 1, "Diskominfo").unwrap();
    ws.write_number(7, 2, 2).unwrap();
    ws.write_number(7, 3, 3.5).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let e = read("opd.xlsx", &bytes, &ReadOptions::default()).unwrap_err();
    let shown: Vec<String> = e.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        shown,
        vec![
            "opd.xlsx:Jawaban!C7: column \"indicator\": unknown indicator \"99\"; the model spbe-2020 has indicators 1 to 47".to_string(),
            "opd.xlsx:Jawaban!D8: column \"level\": level \"3.5\" is not a whole number; maturity levels have no fractions, write a whole number from 1 to 5, a level name (Rintisan, Terkelola, Terdefinisi, Terpadu dan Terukur, Optimum) or the dropdown form \"3 - Terdefinisi\"".to_string(),
        ]
    );
}

#[test]
fn csv_errors_are_located_after_hints_blank_lines_and_multiline_notes() {
    let text = "sep=;\r\n\r\nindicator;level;note\r\n1;3;\"dua\r\nbaris\"\r\n2;6;\r\n;3;\r\n";
    let e = read("x.csv", text.as_bytes(), &ReadOptions::default()).unwrap_err();
    let shown: Vec<String> = e.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        shown,
        vec![
            "x.csv:6:2: column \"level\": level 6 is outside the model's range 1 to 5; write a whole number from 1 to 5, a level name (Rintisan, Terkelola, Terdefinisi, Terpadu dan Terukur, Optimum) or the dropdown form \"3 - Terdefinisi\"",
            "x.csv:7:1: column \"indicator\": the indicator is empty; write the indicator's number (e.g. 11) or code (e.g. I11)",
        ]
    );
}

#[test]
fn header_problems_are_located() {
    let e = read(
        "h.csv",
        b"\n\nopd;indikator;tingkat;Level\n1;2;3;4\n",
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.problems[0].to_string(),
        "h.csv:3:4: column \"Level\": column level (or tingkat, nilai) appears twice (also column 3); keep one"
    );
    let e = read("h.csv", b"opd,nomor,skor\n1,2\n", &ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "2 problems in the answer sheets:\n  h.csv:1: missing column indicator (or indikator, no indikator); the header row has: opd, nomor, skor; if the indicator's column has another name, pass --column indicator=HEADER\n  h.csv:1: missing column level (or tingkat, nilai); the header row has: opd, nomor, skor; if the level's column has another name, pass --column level=HEADER"
    );
}

#[test]
fn rows_without_a_level_are_unanswered_not_errors() {
    // A template row left blank (no level, no evidence, no note) is not answered.
    let set = read(
        "t.csv",
        b"indicator,level,note\n1,3,\n3, ,\n",
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(set.answers.len(), 1);
    // A note or evidence without a level is a mistake: the spec says an empty level is an error.
    let e = read(
        "t.csv",
        b"indicator,level,note\n1,3,\n2,,belum\n",
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert!(
        e.problems[0]
            .to_string()
            .starts_with("t.csv:3:2: column \"level\": the level is empty; write a whole number"),
        "{e}"
    );
    // A sheet with no answer at all is a sheet still to be filled in: a warning, an error
    // with --strict.
    let set = read(
        "t.csv",
        b"indicator,level\n1,\n2,\n",
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(
        set.warnings,
        [
            "t.csv: no answers yet from \"t\": every level in the sheet is empty, so it adds nothing; --strict makes this an error"
        ]
    );
    let strict = ReadOptions {
        strict: true,
        ..ReadOptions::default()
    };
    let e = read("t.csv", b"indicator,level\n1,\n2,\n", &strict).unwrap_err();
    assert_eq!(
        e.problems[0].to_string(),
        "t.csv:1: no answers yet from \"t\": every level in the sheet is empty; --strict refuses a sheet still to be filled in: fill in the level column, or drop --strict to score without it"
    );
}

#[test]
fn binary_and_damaged_files_are_clear_errors() {
    let e = read("scan.csv", b"%PDF-1.7\n\0\0\x01", &ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.problems[0].to_string(),
        "scan.csv: this file is a PDF; an answer sheet must be CSV (comma, semicolon or tab separated), XLSX or ODS"
    );
    let mut bytes = xlsx(&["Sheet1"], 0);
    bytes.truncate(bytes.len() / 2);
    let e = read("cut.xlsx", &bytes, &ReadOptions::default()).unwrap_err();
    let shown = e.problems[0].to_string();
    assert!(
        shown.starts_with("cut.xlsx: cannot read this XLSX file (")
            && shown.ends_with("); open it in Excel or LibreOffice and save it again as .xlsx"),
        "{shown}"
    );
}

#[test]
fn a_line_longer_than_any_sheet_is_refused_before_parsing() {
    let mut text = b"indicator,level,note\n1,3,".to_vec();
    text.extend(std::iter::repeat_n(b'x', 5 << 20));
    let e = read("long.csv", &text, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.problems[0].to_string(),
        "long.csv:2: the line is 5 MiB long; an answer sheet's lines are short (at most 4 MiB), so this is not an answer sheet or a cell holds a whole document"
    );
}

#[test]
fn huge_cells_and_absurd_column_counts_are_refused() {
    let mut text = b"indicator,level,note\n1,3,".to_vec();
    text.extend(std::iter::repeat_n(b'x', 100 << 10));
    text.extend_from_slice(b"\n2,3,ok\n");
    let e = read("big.csv", &text, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.problems[0].to_string(),
        "big.csv:2:3: column \"note\": the cell is 100 KiB long; cells longer than 64 KiB are refused, shorten it"
    );
    let mut text = b"indicator,level".to_vec();
    text.extend(std::iter::repeat_n(b',', 100_000));
    text.extend_from_slice(b"\n1,3\n");
    let e = read("wide.csv", &text, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.problems[0].to_string(),
        "wide.csv:1: the row has more than 16384 columns; an answer sheet has a handful (Excel allows at most 16384)"
    );
}

// ---- Through the binary -----------------------------------------------------------------------

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn json_index(out: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(out).unwrap();
    v["index"].to_string()
}

#[test]
fn every_variant_scores_the_same_through_the_cli() {
    let dir = Dir::new();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(CLEAN.as_bytes());
    let (ansi, _, _) = encoding_rs::WINDOWS_1252.encode(CLEAN);
    let files = [
        write(dir.path(), "clean.csv", CLEAN.as_bytes()),
        write(dir.path(), "bom.csv", &bom),
        write(
            dir.path(),
            "unicode.txt",
            &utf16le(&write_delimited(b'\t', "\r\n")),
        ),
        write(dir.path(), "ansi.csv", &ansi),
        write(
            dir.path(),
            "semi.csv",
            write_delimited(b';', "\r\n").as_bytes(),
        ),
        write(dir.path(), "answers.xlsx", &xlsx(&["Sheet1"], 0)),
        write(dir.path(), "answers.ods", &ods(&rows())),
    ];
    for f in &files {
        let out = spbe()
            .args(["score", "-f", "json"])
            .arg(f)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert_eq!(json_index(&out), INDEX, "{}", f.display());
    }
    // The guessed encoding is a warning on stderr.
    spbe()
        .arg("score")
        .arg(&files[3])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "ansi.csv: line 7 is not UTF-8, so the file was read as windows-1252",
        ));
    // Forcing options on the command line.
    let pipe = write(
        dir.path(),
        "pipe.csv",
        write_delimited(b'|', "\n").as_bytes(),
    );
    let out = spbe()
        .args([
            "score",
            "-f",
            "json",
            "--input-delimiter",
            "|",
            "--encoding",
            "utf-8",
        ])
        .arg(&pipe)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_index(&out), INDEX);
    spbe()
        .args(["score", "--encoding", "utf-8"])
        .arg(&files[3])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "ansi.csv: line 7 is not valid UTF-8",
        ));
}

#[test]
fn a_folder_reads_workbooks_too_but_not_excel_lock_files() {
    let dir = Dir::new();
    write(dir.path(), "a.xlsx", &xlsx(&["Sheet1"], 0));
    write(dir.path(), "~$a.xlsx", b"lock");
    write(dir.path(), "readme.txt", b"not a sheet");
    let out = spbe()
        .args(["score", "-f", "json"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_index(&out), INDEX);
}

#[test]
fn stdin_sheets_are_detected_too() {
    let out = spbe()
        .args(["score", "-f", "json", "-"])
        .write_stdin(utf16le(&write_delimited(b'\t', "\r\n")))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_index(&out), INDEX);
}

#[test]
fn utf16_without_a_bom_is_named_and_reads_when_asked() {
    let dir = Dir::new();
    let clean = write(dir.path(), "clean.csv", CLEAN.as_bytes());
    let scored = |args: &[&str], path: &Path| {
        let out = spbe()
            .args(["score", "-f", "json"])
            .args(args)
            .arg(path)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        (v["index"].to_string(), v["indicators"].clone())
    };
    let want = scored(&[], &clean);
    assert_eq!(want.0, INDEX);
    for (flag, name, le) in [
        ("utf-16le", "UTF-16LE", true),
        ("utf-16be", "UTF-16BE", false),
    ] {
        // Saved without a BOM: `o\0p\0d\0...` (LE) or `\0o\0p\0d...` (BE).
        let bytes: Vec<u8> = CLEAN
            .encode_utf16()
            .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
            .collect();
        let path = write(dir.path(), &format!("{flag}.csv"), &bytes);
        let hint = format!(
            "this file looks like {name} text without a byte-order mark (every other byte is zero); pass --encoding {flag} to read it, or save it in Excel as \"CSV UTF-8 (Comma delimited)\""
        );
        spbe()
            .arg("score")
            .arg(&path)
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!(
                "error: 1 problem in the answer sheets:\n  {}: {hint}\n",
                path.display()
            ));
        spbe()
            .arg("validate")
            .arg(&path)
            .assert()
            .code(2)
            .stdout(predicates::str::starts_with(format!(
                "{}: error: {hint}\n",
                path.display()
            )));
        assert_eq!(scored(&["--encoding", flag], &path), want, "{flag}");
        // From stdin too.
        let out = spbe()
            .args(["score", "-f", "json", "--encoding", flag, "-"])
            .write_stdin(bytes.clone())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert_eq!(json_index(&out), INDEX);
    }
}

// ---- Large sheets: read in chunks, on a second thread --------------------------------------------

/// A sheet over 1 MiB (so it is read in chunks on a second thread), with what makes chunk
/// boundaries hard: CRLF, blank lines, quoted cells holding line breaks and `""`, accents.
fn big_sheet() -> String {
    let model = model();
    let mut text = String::from("opd,indicator,level,note\r\n");
    let mut k = 0u64;
    for opd in 0..1200 {
        for ind in &model.indicators {
            k += 1;
            let note = match k % 7 {
                0 => "\"baris satu\r\nbaris \"\"dua\"\", café\"".to_string(),
                3 => format!("catatan {k}"),
                _ => String::new(),
            };
            text.push_str(&format!(
                "Dinas {opd:03},{},{},{note}\r\n",
                ind.id,
                1 + k % 5
            ));
            if k % 97 == 0 {
                text.push_str("\r\n\n");
            }
        }
    }
    text
}

/// Reads a sheet from a file, as `spbe score FILE` does.
fn read_file(path: &Path, options: &ReadOptions) -> Result<AnswerSet, SheetErrors> {
    let model = model();
    let mut r = SheetReader::new(&model);
    r.read_source(&Source::File(path.into()), options);
    r.finish()
}

fn lines(set: &AnswerSet) -> Vec<u32> {
    set.answers.iter().map(|a| a.line).collect()
}

#[test]
fn a_large_sheet_read_in_chunks_gives_what_the_whole_sheet_gives() {
    let dir = Dir::new();
    let text = big_sheet();
    assert!(text.len() > 1 << 20, "{}", text.len());
    let whole = read("big.csv", text.as_bytes(), &ReadOptions::default()).unwrap();
    let path = write(dir.path(), "big.csv", text.as_bytes());
    let chunked = read_file(&path, &ReadOptions::default()).unwrap();
    assert_eq!(essence(&chunked), essence(&whole));
    assert_eq!(lines(&chunked), lines(&whole));
    assert_eq!(chunked.answers.len(), 1200 * 47);
    // Lines count the line breaks inside notes (13 before row 97) and blank lines (two after
    // row 97).
    assert_eq!(chunked.answers[96].line, 1 + 97 + 13);
    assert_eq!(chunked.answers[97].line, 1 + 97 + 13 + 3);
    assert_eq!(chunked.files[0].sha256, sha256_hex(text.as_bytes()));
    assert_eq!(chunked.files[0].rows, 1200 * 47);
    assert_eq!(
        whole.note(&whole.answers[6]),
        Some("baris satu\r\nbaris \"dua\", café")
    );

    // The same sheet in windows-1252 and in UTF-16 (Excel's "Unicode Text").
    let (ansi, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    let path = write(dir.path(), "ansi.csv", &ansi);
    let set = read_file(&path, &ReadOptions::default()).unwrap();
    assert_eq!(essence(&set), essence(&whole));
    assert_eq!(
        set.warnings,
        vec![format!(
            "{}: line 9 is not UTF-8, so the file was read as windows-1252 (Excel's \"CSV (Comma delimited)\"); if letters look wrong, save it in Excel as \"CSV UTF-8 (Comma delimited)\" or pass --encoding",
            path.display()
        )]
    );
    let path = write(dir.path(), "unicode.csv", &utf16le(&text));
    let set = read_file(&path, &ReadOptions::default()).unwrap();
    assert_eq!(essence(&set), essence(&whole));
    assert_eq!(lines(&set), lines(&whole));

    // And in UTF-16LE without a BOM: named as such, and read when asked for.
    let path = write(dir.path(), "nobom.csv", &utf16le(&text)[2..]);
    let e = read_file(&path, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.problems[0].to_string(),
        format!(
            "{}: this file looks like UTF-16LE text without a byte-order mark (every other byte is zero); pass --encoding utf-16le to read it, or save it in Excel as \"CSV UTF-8 (Comma delimited)\"",
            path.display()
        )
    );
    let forced = ReadOptions {
        encoding: Encoding::Utf16le,
        ..ReadOptions::default()
    };
    let set = read_file(&path, &forced).unwrap();
    assert_eq!(essence(&set), essence(&whole));
    assert_eq!(lines(&set), lines(&whole));
}

#[test]
fn a_large_sheet_with_a_line_too_long_or_a_quote_never_closed_names_the_line() {
    let dir = Dir::new();
    let mut text = big_sheet().into_bytes();
    let rows_line = text.iter().filter(|&&b| b == b'\n').count() + 1;
    text.extend_from_slice(b"Dinas X,1,3,");
    text.extend(std::iter::repeat_n(b'x', 5 << 20));
    text.extend_from_slice(b"\r\nDinas Y,1,3,\r\n");
    let path = write(dir.path(), "long.csv", &text);
    let e = read_file(&path, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.problems[0].to_string(),
        format!(
            "{}:{rows_line}: the line is 5 MiB long; an answer sheet's lines are short (at most 4 MiB), so this is not an answer sheet or a cell holds a whole document",
            path.display()
        )
    );

    let mut text = big_sheet().into_bytes();
    let quote_line = text.iter().filter(|&&b| b == b'\n').count() + 1;
    text.extend_from_slice(b"Dinas X,1,3,\"never closed\r\n");
    text.extend_from_slice(&b"Dinas Y,2,3,\r\n".repeat(100_000));
    let path = write(dir.path(), "quote.csv", &text);
    let e = read_file(&path, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec![format!(
            "{}:{quote_line}: a quote (\") opens a cell here and is never closed, so every row after it would be read into that one cell; add the closing quote or remove this one",
            path.display()
        )]
    );
}

/// A sheet read whole (as a file of one chunk is) and in chunks on a second thread (as a larger
/// file is): what each gives, problems and warnings with the same file name.
fn whole_and_chunked(dir: &Path, bytes: &[u8], options: &ReadOptions) -> [String; 2] {
    let path = write(dir, "sheet.csv", bytes);
    let show = |r: SheetReader| {
        let (set, errors) = r.finish_partial();
        let rows: Vec<u64> = set.files.iter().map(|f| f.rows).collect();
        format!(
            "{:?}\n{:?}\n{rows:?}\n{:?}\n{}",
            essence(&set),
            lines(&set),
            set.warnings,
            errors
        )
    };
    let model = model();
    let mut whole = SheetReader::new(&model);
    whole.read_with(&Source::File(path.clone()), bytes, options);
    let mut chunked = SheetReader::new(&model);
    chunked.read_source(&Source::File(path), options);
    [show(whole), show(chunked)]
}

/// `n` answer rows, each its own OPD, `pad` bytes of note each.
fn numbered_rows(n: usize, pad: usize) -> String {
    (0..n)
        .map(|k| format!("O{k},{},{},{}\n", k % 47 + 1, k % 5 + 1, "n".repeat(pad)))
        .collect()
}

#[test]
fn rows_on_either_side_of_a_batch_boundary_are_read_whole() {
    // The reading thread hands rows over in batches of 4096 rows.
    let dir = Dir::new();
    for n in [4095, 4096, 4097, 8192, 8193] {
        let text = format!("opd,indicator,level,note\n{}", numbered_rows(n, 60));
        assert!(text.len() > 256 << 10);
        let [whole, chunked] =
            whole_and_chunked(dir.path(), text.as_bytes(), &ReadOptions::default());
        assert_eq!(chunked, whole, "{n} rows");
        assert!(whole.contains(&format!("\n[{n}]\n")), "{n} rows: {whole}");
    }
}

#[test]
fn a_large_sheet_with_a_sep_line_and_blank_lines_after_it() {
    let dir = Dir::new();
    let rows = numbered_rows(12_000, 20).replace(',', ";");
    for head in ["sep=;\n", "sep=;\r\n\r\n\r\n", "\u{feff}\"sep=;\"\n\n"] {
        let text = format!("{head}opd;indicator;level;note\n{rows}");
        let [whole, chunked] =
            whole_and_chunked(dir.path(), text.as_bytes(), &ReadOptions::default());
        assert_eq!(chunked, whole, "{head:?}");
        let set = read_file(&dir.path().join("sheet.csv"), &ReadOptions::default()).unwrap();
        assert_eq!(set.answers.len(), 12_000);
        let header = 1 + head.matches('\n').count() as u32;
        assert_eq!(set.answers[0].line, header + 1, "{head:?}");
        assert_eq!(set.answers[11_999].line, header + 12_000, "{head:?}");
        // From stdin too (read in chunks like a large file).
        let out = spbe()
            .args(["score", "-f", "json", "-"])
            .write_stdin(text.clone())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let file = spbe()
            .args(["score", "-f", "json"])
            .arg(dir.path().join("sheet.csv"))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert_eq!(json_index(&out), json_index(&file), "{head:?}");
    }
}

#[test]
fn windows_1252_and_utf8_rows_mixed_in_one_batch_keep_their_cells() {
    let dir = Dir::new();
    let mut text = b"opd,indicator,level,note\n".to_vec();
    for k in 0..15_000 {
        text.extend_from_slice(format!("O{k},{},{},", k % 47 + 1, k % 5 + 1).as_bytes());
        match k % 3 {
            0 => text.extend_from_slice(b"caf\xE9 \x80"),
            1 => text.extend_from_slice("café € ✓".as_bytes()),
            _ => text.extend_from_slice(b"\"a,\nb\""),
        }
        text.push(b'\n');
    }
    assert!(text.len() > 256 << 10);
    let [whole, chunked] = whole_and_chunked(dir.path(), &text, &ReadOptions::default());
    assert_eq!(chunked, whole);
    let set = read_file(&dir.path().join("sheet.csv"), &ReadOptions::default()).unwrap();
    let notes: Vec<&str> = set.answers[..3]
        .iter()
        .map(|a| set.note(a).unwrap())
        .collect();
    assert_eq!(notes, ["café €", "café € ✓", "a,\nb"]);
    // The last row, 14 999, has 4 999 rows of two lines before it.
    let last = &set.answers[14_999];
    assert_eq!(
        (set.note(last), last.line),
        (Some("a,\nb"), 2 + 14_999 + 4_999)
    );
    assert!(
        set.warnings[0].contains("the file mixes encodings"),
        "{:?}",
        set.warnings
    );
}

#[test]
fn long_cells_are_measured_in_large_sheets_too() {
    // A row longer than 64 KiB in all is fine; one cell longer is refused, wherever the row is.
    let dir = Dir::new();
    let cell = |n: usize| "c".repeat(n);
    let mut text = String::from("opd,indicator,level,evidence,note\n");
    text.push_str(&numbered_rows(5_000, 40).replace(",n", ",,n"));
    text.push_str(&format!("A,1,3,{},{}\n", cell(40 << 10), cell(40 << 10)));
    text.push_str(&format!("B,1,3,,{}\n", cell(64 << 10)));
    text.push_str(&format!("C,1,3,,{}\n", cell((64 << 10) + 1)));
    text.push_str(&format!("D,1,3,,\"{}\"\n", "é".repeat(32 << 10)));
    text.push_str(&format!("E,1,3,,\"{}\"\n", "é".repeat((32 << 10) + 1)));
    text.push_str(",,,,\n;;\n\n");
    text.push_str(
        &numbered_rows(5_000, 40)
            .replace(",n", ",,n")
            .replace('O', "P"),
    );
    let [whole, chunked] = whole_and_chunked(dir.path(), text.as_bytes(), &ReadOptions::default());
    assert_eq!(chunked, whole);
    let model = model();
    let mut r = SheetReader::new(&model);
    r.read_source(
        &Source::File(dir.path().join("sheet.csv")),
        &ReadOptions::default(),
    );
    let (set, errors) = r.finish_partial();
    let problems: Vec<String> = errors
        .problems
        .iter()
        .map(|p| format!("{}:{}", p.line, p.detail()))
        .collect();
    assert_eq!(
        problems,
        [
            "5004:column \"note\": the cell is 64 KiB long; cells longer than 64 KiB are refused, shorten it",
            "5006:column \"note\": the cell is 64 KiB long; cells longer than 64 KiB are refused, shorten it",
        ]
    );
    assert_eq!(set.answers.len(), 10_000 + 3);
    let last = set.answers.last().unwrap();
    assert_eq!(
        (set.opds[last.opd as usize].as_str(), last.line),
        ("P4999", 5_009 + 5_000)
    );
}

#[test]
fn a_one_digit_level_reads_as_the_general_parser_reads_it() {
    // One digit takes a short path; with spaces around it, the general one. Both must agree,
    // in range or not, on a model whose levels start at 1 and one whose levels start at 0.
    for id in ["spbe-2020", "spbe-2018"] {
        let model = Model::load(id).unwrap();
        for d in 0..=9 {
            let short = parse_level(&model, 0, &d.to_string());
            let general = parse_level(&model, 0, &format!(" {d} "));
            assert_eq!(short, general, "{id} level {d}");
            let in_range = (model.min_level..=model.max_level).contains(&d);
            assert_eq!(short.is_ok(), in_range, "{id} level {d}");
        }
        assert_eq!(parse_level(&model, 0, "03"), Ok(3));
        assert!(parse_level(&model, 0, "３").is_err());
    }
}
