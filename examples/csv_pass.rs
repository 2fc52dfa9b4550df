//! The benchmark's yardstick: a bare pass of the csv crate over a file, every record read into
//! one reused `ByteRecord` and nothing else. `bench/run.sh` compares `spbe score` with it.

use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args().nth(1).ok_or("usage: csv_pass FILE")?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)?;
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while reader.read_byte_record(&mut record)? {
        rows += 1;
    }
    println!("{rows}");
    Ok(())
}
