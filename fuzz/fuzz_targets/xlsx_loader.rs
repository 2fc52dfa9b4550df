//! Any bytes as a workbook (XLSX, ODS, XLS): rows or a clear error, never a panic. Seed the
//! corpus with real workbooks (`spbe template -o seed.xlsx`) so the fuzzer starts inside zip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spbe::input::sheets::{SheetReader, Source};
use spbe::core::model::Model;

static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();

fuzz_target!(|data: &[u8]| {
    if !spbe::input::workbook::is_workbook(data) {
        return;
    }
    let _ = spbe::input::workbook::read(data, None);
    let model = MODEL.get_or_init(|| Model::load("spbe-2020").expect("the embedded model loads"));
    let mut reader = SheetReader::new(model);
    reader.read(&Source::File("fuzz.xlsx".into()), data);
    let _ = reader.finish();
});
