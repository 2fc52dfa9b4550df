//! Hostile inputs (issue 20), one test per class with the smallest input that shows it: nothing
//! makes `spbe` abort, hang, print a backtrace, replace a file it was not asked to replace, or
//! drop an input silently. Memory limits are checked under `prlimit --as` where it exists.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::harness::{Dir, pin};
use crate::hostile_gen as make;

/// What a run of `spbe` gave: its exit code (`None` when a signal ended it), stdout, stderr.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Ran {
    /// Exit 2, a message with `expected`, and none of the signs of a crash.
    fn refused(&self, expected: &str) {
        assert_eq!(self.code, Some(2), "stderr: {}", self.stderr);
        self.clean();
        assert!(
            self.stderr.contains(expected),
            "expected {expected:?} in: {}",
            self.stderr
        );
    }

    /// No abort, panic or backtrace.
    fn clean(&self) {
        for sign in [
            "memory allocation",
            "panicked",
            "backtrace",
            "RUST_BACKTRACE",
        ] {
            assert!(!self.stderr.contains(sign), "{sign}: {}", self.stderr);
        }
    }
}

/// Whether `prlimit` can cap a child's address space here.
fn have_prlimit() -> bool {
    std::process::Command::new("prlimit")
        .args(["--as=1073741824", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `spbe args` in `dir`, its address space capped at `mib` MiB when `prlimit` exists (the
/// cap is skipped, and said so, where it does not).
fn capped(dir: &Path, mib: u64, args: &[&str]) -> Ran {
    let mut cmd = if have_prlimit() {
        let mut c = std::process::Command::new("prlimit");
        c.arg(format!("--as={}", mib << 20))
            .arg(env!("CARGO_BIN_EXE_spbe"));
        c
    } else {
        eprintln!("prlimit not found: running without a memory cap");
        std::process::Command::new(env!("CARGO_BIN_EXE_spbe"))
    };
    pin(&mut cmd).current_dir(dir).args(args);
    let out = cmd.output().unwrap();
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

// ---- 1. Workbooks that inflate -------------------------------------------------------------

#[test]
fn parts_declaring_1_kb_are_stopped_while_they_inflate() {
    // Each declares 1 000 bytes and inflates to 300 MiB (a 4 MB file): only the bytes
    // actually inflated count, and reading stops at 256 MiB.
    let dir = Dir::new();
    dir.write("bomb.xlsx", make::xlsx_inflating(300 << 20));
    dir.write("bomb.ods", make::ods_inflating(300 << 20));
    for (name, place) in [("bomb.xlsx", ""), ("bomb.ods", "Lembar1 row 2")] {
        capped(dir.path(), 256, &["score", name]).refused(&format!(
            "{name}:{place}: the workbook unpacks to more than 256 MiB; an answer sheet is far smaller, so it is refused"
        ).replace(":: ", ": "));
    }
}

#[test]
fn a_shared_string_used_by_hundreds_of_cells_is_never_copied_into_them() {
    // One 20 MiB shared string (40 rich-text runs, so no single token is long) in the note of
    // 300 rows: copied into each cell that would be 6 GB.
    let dir = Dir::new();
    dir.write(
        "bomb.xlsx",
        make::xlsx_shared_string_bomb(40, 512 << 10, 300),
    );
    let ran = capped(dir.path(), 256, &["score", "bomb.xlsx"]);
    ran.refused("300 problems in the answer sheets:\n  bomb.xlsx:Jawaban row 2: cell C2 holds more than 64 KiB of text; cells longer than that are refused, shorten it\n  bomb.xlsx:Jawaban row 3: cell C3 holds");
    assert!(ran.stderr.contains("… and 200 more"), "{}", ran.stderr);

    // One string of 2 MiB in a single run is refused before calamine holds it.
    dir.write("one.xlsx", make::xlsx_shared_string_bomb(1, 2 << 20, 3));
    capped(dir.path(), 256, &["score", "one.xlsx"]).refused(
        "one.xlsx: the workbook's shared string 3 holds text longer than 1 MiB in one piece",
    );
}

#[test]
fn repeated_spaces_in_an_ods_cell_stop_at_the_cell_limit() {
    let dir = Dir::new();
    let row = format!(
        "<table:table-row>{}{}<table:table-cell office:value-type=\"string\"><text:p>a<text:s text:c=\"2000000000\"/>b</text:p></table:table-cell></table:table-row>",
        make::ods_num(1),
        make::ods_num(3)
    );
    dir.write("spaces.ods", make::ods_rows(&row));
    capped(dir.path(), 256, &["score", "spaces.ods"]).refused(
        "spaces.ods:Lembar1 row 2: cell C2 holds more than 64 KiB of text; cells longer than that are refused, shorten it",
    );
}

#[test]
fn repeated_ods_rows_and_columns_are_read_row_by_row() {
    // 3 000 rows × 3 000 columns repeated, under calamine's cell cap: its dense grid took about
    // a gigabyte. Read row by row (columns after ALL ignored), the sheet is just an OPD that
    // answered indicator 1 three thousand times.
    let dir = Dir::new();
    let row = format!(
        "<table:table-row table:number-rows-repeated=\"3000\">{}{}<table:table-cell table:number-columns-repeated=\"3000\" office:value-type=\"string\"><text:p>catatan</text:p></table:table-cell></table:table-row>",
        make::ods_num(1),
        make::ods_num(3)
    );
    dir.write("grid.ods", make::ods_rows(&row));
    let started = Instant::now();
    let ran = capped(dir.path(), 256, &["score", "grid.ods"]);
    ran.refused("2999 problems in the answer sheets:\n  grid.ods:Lembar1!A3: column \"indicator\": OPD \"grid\" already answered indicator 1 at line 2");
    assert!(started.elapsed() < Duration::from_secs(60));

    // Empty rows repeated to the end of the sheet cost nothing and are not rows.
    let rows = format!(
        "<table:table-row>{}{}</table:table-row><table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>",
        make::ods_num(1),
        make::ods_num(3)
    );
    dir.write("tail.ods", make::ods_rows(&rows));
    let ran = capped(dir.path(), 256, &["score", "tail.ods", "-f", "json"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.contains("\"rows\": 1"), "{}", ran.stdout);
}

#[test]
fn a_cell_over_a_mebibyte_names_its_sheet_and_cell() {
    // The 240 MiB cell, at the smallest size that is over the limit: the same refusal.
    let dir = Dir::new();
    dir.write("cell.xlsx", make::xlsx_huge_cell((1 << 20) + 1));
    capped(dir.path(), 256, &["score", "cell.xlsx"]).refused(
        "cell.xlsx: Jawaban!B2 holds text longer than 1 MiB in one piece; a cell holds at most 32,767 characters",
    );
    let row = format!(
        "<table:table-row>{}{}{}</table:table-row>",
        make::ods_num(1),
        make::ods_num(3),
        make::ods_text(&"x".repeat((1 << 20) + 1))
    );
    dir.write("cell.ods", make::ods_rows(&row));
    capped(dir.path(), 256, &["score", "cell.ods"])
        .refused("cell.ods:Lembar1 row 2: cell C2 holds text longer than 1 MiB in one piece");
}

#[test]
fn a_workbook_over_64_mib_is_refused_before_it_is_held() {
    let dir = Dir::new();
    let f = std::fs::File::create(dir.join("big.xlsx")).unwrap();
    use std::io::Write;
    (&f).write_all(b"PK\x03\x04").unwrap();
    f.set_len(65 << 20).unwrap();
    capped(dir.path(), 256, &["score", "big.xlsx"]).refused(
        "big.xlsx: the workbook file is larger than 64 MiB, far more than an answer sheet needs",
    );
}

// ---- 9. Messages -----------------------------------------------------------------------------

#[test]
fn an_encrypted_workbook_is_named_as_encrypted() {
    // Excel saves a password-protected .xlsx as an OLE container with these streams.
    let dir = Dir::new();
    let mut bytes = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    bytes.resize(512, 0);
    for name in ["EncryptionInfo", "EncryptedPackage"] {
        bytes.extend(name.encode_utf16().flat_map(u16::to_le_bytes));
        bytes.resize(bytes.len() + 64, 0);
    }
    dir.write("locked.xlsx", &bytes);
    capped(dir.path(), 256, &["score", "locked.xlsx"]).refused(
        "locked.xlsx: the workbook is encrypted (a password is needed to open it); open it in Excel or LibreOffice, remove the password",
    );
}
