//! Any bytes as a side file, the first byte choosing which: a responsibility map (CSV or YAML),
//! an effort file (CSV or YAML) or a saved result (JSON). A value or a located error, never a
//! panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spbe::core::effort::Efforts;
use spbe::core::model::Model;
use spbe::core::owners::OwnerMap;

static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let model = MODEL.get_or_init(|| Model::load("spbe-2020").expect("the embedded model loads"));
    match which % 5 {
        0 => {
            if let Err(e) = OwnerMap::from_csv(model, "fuzz.csv", bytes) {
                let _ = e.to_string();
            }
        }
        1 => {
            if let Err(e) = OwnerMap::from_yaml(model, "fuzz.yaml", bytes) {
                let _ = e.to_string();
            }
        }
        2 => {
            if let Err(e) = Efforts::from_bytes(model, "fuzz.csv", "csv", bytes) {
                let _ = format!("{e:#}");
            }
        }
        3 => {
            if let Err(e) = Efforts::from_bytes(model, "fuzz.yaml", "yaml", bytes) {
                let _ = format!("{e:#}");
            }
        }
        _ => {
            if let Err(e) = spbe::input::result::parse(bytes, "fuzz.json") {
                let _ = format!("{e:#}");
            }
        }
    }
});
