//! Any text as a model YAML: a model or located problems, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = spbe::core::model::Model::from_yaml(text, "fuzz.yaml") {
            let _ = e.to_string();
        }
    }
});
