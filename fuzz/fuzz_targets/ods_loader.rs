//! Any bytes as the `content.xml` of an ODS (wrapped in a zip with its `mimetype`, so the
//! fuzzer works on the XML, not on the zip): rows or located problems, never a panic, and never
//! more rows than the limits allow. Seed with LibreOffice content (see fuzz/README in
//! docs/input.md).
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use spbe::core::model::Model;
use spbe::input::sheets::{SheetReader, Source};

static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(data).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let _ = spbe::input::workbook::read(&bytes, None);
    let model = MODEL.get_or_init(|| Model::load("spbe-2020").expect("the embedded model loads"));
    let mut reader = SheetReader::new(model);
    reader.read(&Source::File("fuzz.ods".into()), &bytes);
    if let Err(e) = reader.finish() {
        assert!(!e.problems.is_empty());
        let _ = e.to_string();
    }
});
