//! Any bytes as a text answer sheet: scores or reports located problems, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spbe::input::sheets::{ReadOptions, SheetReader, Source};
use spbe::core::model::Model;

static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
use spbe::core::evaluate::{Policy, evaluate};
use spbe::core::scorecard::Scorecard;

fuzz_target!(|data: &[u8]| {
    let model = MODEL.get_or_init(|| Model::load("spbe-2020").expect("the embedded model loads"));
    // The first byte picks forced options, so the forced paths are fuzzed too.
    let (options, bytes) = match data.split_first() {
        Some((&b, rest)) if b < 8 => {
            let encodings = [
                spbe::input::decode::Encoding::Utf8,
                spbe::input::decode::Encoding::Utf16le,
                spbe::input::decode::Encoding::Utf16be,
                spbe::input::decode::Encoding::Windows1252,
            ];
            let options = ReadOptions {
                encoding: encodings[(b % 4) as usize],
                delimiter: Some([b',', b';', b'\t', b'|'][(b / 2 % 4) as usize]),
                ..ReadOptions::default()
            };
            (options, rest)
        }
        _ => (ReadOptions::default(), data),
    };
    let mut reader = SheetReader::new(model);
    reader.read_with(&Source::File("fuzz.csv".into()), bytes, &options);
    match reader.finish() {
        Ok(set) => {
            let _ = Scorecard::of(&evaluate(model, &set, Policy::default()).unwrap());
        }
        Err(e) => {
            assert!(!e.problems.is_empty());
            let _ = e.to_string();
        }
    }
});
