//! spbe's own reading of a sheet without the checks: chunks, hashing (not with `--no-hash`),
//! parsing into records. `bench/run.sh` times it beside the bare csv pass to show where the rest
//! of the time goes.

use spbe::input::decode::Encoding;
use spbe::input::text_sheet::{Chunks, Record, TextSheet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: reader_pass FILE [--no-hash]")?;
    let file = std::fs::File::open(path)?;
    let mut chunks = Chunks::read(Box::new(file), u64::MAX, |n| format!("{n} bytes"));
    // `spbe compare` reads long sheets without hashing them unless asked (--sha256).
    chunks.hashing(std::env::args().nth(2).as_deref() != Some("--no-hash"));
    let mut sheet = TextSheet::open(&mut chunks, Encoding::Auto, None, |_| false)
        .map_err(|(line, e)| format!("{line}: {e}"))?;
    let mut record = Record::default();
    let mut rows = 0u64;
    loop {
        // `next_row` appends a row's cells: one row at a time here.
        record.clear();
        let Some(row) = sheet.next_row(&mut chunks, &mut record) else {
            break;
        };
        row.map_err(|(line, e)| format!("{line}: {e}"))?;
        rows += 1;
    }
    println!("{rows} rows, sha256 {}", chunks.sha256());
    Ok(())
}
