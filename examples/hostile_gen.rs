//! Writes the hostile inputs of issue 20 at their full size, for `bench/hostile.sh` (the tests
//! make the same files at the smallest size that shows each limit; the generators are theirs,
//! `tests/main/hostile_gen.rs`).
//!
//! `cargo run --release --example hostile_gen -- DIR` writes into DIR:
//! - `inflate.xlsx`, `inflate.ods`: a part declaring 1 000 bytes that inflates to 1.5 GB;
//! - `sst-bomb.xlsx`: one 32 MiB shared string (64 runs) in the notes of 300 rows;
//! - `spaces.ods`: `<text:s text:c="2000000000"/>` in a note;
//! - `grid.ods`: 5 000 rows × 16 384 columns of repeated values;
//! - `cell-240mib.xlsx`: one honest 240 MiB cell;
//! - `rows-1m.xlsx`: 1 048 575 answer rows `opd, indicator, stage, level` (the bench's sheet);
//! - `sheets-100k/`: 100 000 one-row sheets.

#[path = "../tests/main/hostile_gen.rs"]
mod make;

use std::path::Path;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: hostile_gen DIR");
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    let write = |name: &str, bytes: Vec<u8>| {
        std::fs::write(dir.join(name), bytes).unwrap();
        eprintln!("wrote {name}");
    };
    write("inflate.xlsx", make::xlsx_inflating(1_500_000_000));
    write("inflate.ods", make::ods_inflating(1_500_000_000));
    write(
        "sst-bomb.xlsx",
        make::xlsx_shared_string_bomb(64, 512 << 10, 300),
    );
    let spaces = format!(
        "<table:table-row>{}{}<table:table-cell office:value-type=\"string\"><text:p>a<text:s text:c=\"2000000000\"/>b</text:p></table:table-cell></table:table-row>",
        make::ods_num(1),
        make::ods_num(3)
    );
    write("spaces.ods", make::ods_rows(&spaces));
    let grid = format!(
        "<table:table-row table:number-rows-repeated=\"5000\">{}{}<table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>",
        make::ods_num(1),
        make::ods_num(3)
    );
    write("grid.ods", make::ods_rows(&grid));
    write("cell-240mib.xlsx", make::xlsx_huge_cell(240 << 20));
    write("rows-1m.xlsx", make::xlsx_rows(1_048_575));
    let many = dir.join("sheets-100k");
    std::fs::create_dir_all(&many).unwrap();
    for i in 0..100_000u32 {
        std::fs::write(
            many.join(format!("opd{i:06}.csv")),
            format!("indicator,level\n{},{}\n", i % 47 + 1, i % 5 + 1),
        )
        .unwrap();
    }
    eprintln!("wrote sheets-100k/");
}
