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

    // A filled row repeated ten million times (found by the fuzzer) is refused at once.
    let row = format!(
        "<table:table-row table:number-rows-repeated=\"10000000\">{}{}</table:table-row>",
        make::ods_num(1),
        make::ods_num(3)
    );
    dir.write("ten-million.ods", make::ods_rows(&row));
    capped(dir.path(), 256, &["score", "ten-million.ods"]).refused(
        "ten-million.ods:Lembar1 row 2: this row is repeated 10000000 times (number-rows-repeated)",
    );

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
    // The same sheet under a name that is not XML's, which the workbook still points to.
    dir.write("renamed.xlsx", make::xlsx_huge_cell_renamed((1 << 20) + 1));
    capped(dir.path(), 256, &["score", "renamed.xlsx"])
        .refused("renamed.xlsx: Jawaban!B2 holds text longer than 1 MiB in one piece");
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
// An encrypted workbook named as encrypted: tests/main/sheets.rs (a real OLE file); a result with
// a BOM: `results_are_capped_decoded_and_checked`; `/dev/zero`: `binary_data_is_named_at_once`.

// ---- 2. -o never destroys ------------------------------------------------------------------

/// A one-OPD sheet `indicator,level` answering 1 and 2.
const SHEET: &str = "indicator,level\n1,3\n2,2\n";

/// Runs `spbe args` in `dir` with stdout going to the file `out`.
fn to_file(dir: &Dir, out: &str, args: &[&str]) -> Ran {
    let stdout = std::fs::File::create(dir.join(out)).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_spbe"));
    pin(&mut cmd)
        .current_dir(dir.path())
        .args(args)
        .stdout(stdout);
    let o = cmd.output().unwrap();
    Ran {
        code: o.status.code(),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

#[cfg(unix)]
#[test]
fn dev_stdout_and_dev_fd_1_are_written_through_not_replaced() {
    let dir = Dir::new();
    dir.write("a.csv", SHEET);
    for dest in ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"] {
        if !Path::new(dest).exists() {
            continue;
        }
        let ran = to_file(
            &dir,
            "out.csv",
            &["score", "a.csv", "-f", "csv", "-o", dest],
        );
        assert_eq!(ran.code, Some(0), "{dest}: {}", ran.stderr);
        assert!(dir.read("out.csv").contains("\n1,I1,"), "{dest}");
    }
    // As root /dev is writable: the link must still be a link.
    let meta = std::fs::symlink_metadata("/dev/stdout").unwrap();
    assert!(meta.file_type().is_symlink());
    // Nothing was left in /dev either.
    let left: Vec<_> = std::fs::read_dir("/dev")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".spbe-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[cfg(unix)]
#[test]
fn links_are_followed_devices_written_through() {
    let dir = Dir::new();
    dir.write("a.csv", SHEET);
    // A link to a file: the file is replaced, the link stays a link.
    dir.write("real.json", "old");
    std::os::unix::fs::symlink("real.json", dir.join("link.json")).unwrap();
    let ran = capped(
        dir.path(),
        1024,
        &["score", "a.csv", "-f", "json", "-o", "link.json"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        std::fs::symlink_metadata(dir.join("link.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(dir.read("real.json").contains("\"schema_version\": 1"));
    // A link into /dev: written through, never renamed over.
    std::os::unix::fs::symlink("/dev/null", dir.join("null.csv")).unwrap();
    let ran = capped(
        dir.path(),
        1024,
        &["score", "a.csv", "-f", "csv", "-o", "null.csv"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(
        std::fs::read_link(dir.join("null.csv")).unwrap(),
        Path::new("/dev/null")
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.starts_with(".spbe-")), "{names:?}");
}

#[test]
fn every_file_a_command_reads_is_an_input_that_o_may_not_replace() {
    let dir = Dir::new();
    dir.write("a.csv", SHEET);
    let model =
        std::fs::read_to_string(Path::new(crate::harness::ROOT).join("indicators/spbe-2020.yaml"))
            .unwrap();
    dir.write("m.yaml", &model);
    let refused = |args: &[&str], file: &str| {
        let ran = capped(dir.path(), 1024, args);
        ran.refused(&format!("refusing to write the output to {file}:"));
    };
    // The models of diff and trend.
    refused(
        &[
            "diff",
            "a.csv",
            "a.csv",
            "--old-model",
            "m.yaml",
            "-o",
            "m.yaml",
        ],
        "m.yaml",
    );
    refused(
        &[
            "diff",
            "a.csv",
            "a.csv",
            "--new-model",
            "m.yaml",
            "-o",
            "m.yaml",
        ],
        "m.yaml",
    );
    refused(
        &[
            "trend",
            "2024=a.csv",
            "2025=a.csv",
            "--year-model",
            "2025=m.yaml",
            "-o",
            "m.yaml",
        ],
        "m.yaml",
    );
    refused(
        &["score", "a.csv", "--model", "m.yaml", "-o", "./m.yaml"],
        "./m.yaml",
    );
    // Another name for an input: a hard link.
    std::fs::hard_link(dir.join("a.csv"), dir.join("same.csv")).unwrap();
    refused(
        &["score", "a.csv", "-f", "csv", "-o", "same.csv"],
        "same.csv",
    );
    assert_eq!(dir.read("m.yaml"), model);
    assert_eq!(dir.read("a.csv"), SHEET);

    // The file behind stdin.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_spbe"));
    pin(&mut cmd)
        .current_dir(dir.path())
        .args(["score", "-", "-f", "csv", "-o", "a.csv"])
        .stdin(std::fs::File::open(dir.join("a.csv")).unwrap());
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("refusing to write the output to a.csv: it is the file stdin reads"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(dir.read("a.csv"), SHEET);
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_no_temporary_file() {
    // A sheet big enough that writing its JSON takes a while: the temporary file is seen, the
    // run is interrupted, and nothing is left.
    let dir = Dir::new();
    let mut sheet = String::from("opd,indicator,stage,level\n");
    for o in 0..2000 {
        for i in 1..=47 {
            for s in ["mandiri", "dokumen", "interviu", "visitasi", "akhir"] {
                sheet.push_str(&format!("OPD{o},{i},{s},{}\n", (o + i) % 5 + 1));
            }
        }
    }
    dir.write("big.csv", &sheet);
    let temp = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().starts_with(".spbe-"))
    };
    for (name, signal) in [("SIGINT", libc::SIGINT), ("SIGTERM", libc::SIGTERM)] {
        // A run that finishes between the look and the signal proves nothing: try again.
        let mut caught = false;
        for _ in 0..5 {
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_spbe"));
            let mut child = pin(&mut child)
                .current_dir(dir.path())
                .args(["score", "big.csv", "-f", "json", "-o", "out.json"])
                .spawn()
                .unwrap();
            let started = Instant::now();
            while child.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(60)
            {
                if temp() {
                    // SAFETY: a plain kill(2) of the child started above.
                    unsafe { libc::kill(child.id() as libc::pid_t, signal) };
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            let status = child.wait().unwrap();
            assert!(!temp(), "{name}: a temporary file was left");
            use std::os::unix::process::ExitStatusExt;
            if status.signal() == Some(signal) {
                assert!(!dir.join("out.json").exists());
                caught = true;
                break;
            }
            let _ = std::fs::remove_file(dir.join("out.json"));
        }
        if !caught {
            eprintln!("{name}: every run ended before the signal reached it; nothing shown");
        }
    }
}

// ---- 3. Nothing silently skipped -----------------------------------------------------------

#[cfg(unix)]
#[test]
fn broken_and_looping_links_in_a_folder_are_named() {
    let dir = Dir::new();
    dir.write("sheets/a.csv", SHEET);
    std::os::unix::fs::symlink("gone.csv", dir.join("sheets/b.csv")).unwrap();
    std::os::unix::fs::symlink("c.csv", dir.join("sheets/c.csv")).unwrap();
    let ran = capped(dir.path(), 1024, &["score", "sheets"]);
    ran.refused("2 problems in the answer sheets:\n  sheets/b.csv: a link to gone.csv, which does not exist; fix or remove it, or pass --allow-missing to read the folder without it\n  sheets/c.csv: a link that loops back to itself, so there is no file to read;");
    let ran = capped(
        dir.path(),
        1024,
        &["score", "sheets", "--allow-missing", "-f", "json"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stderr.contains("warning: sheets/b.csv: a link to gone.csv, which does not exist; not read (--allow-missing)"), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("warning: sheets/c.csv: a link that loops back to itself")
    );
    assert!(
        ran.stdout.contains("sheets/b.csv: a link to gone.csv"),
        "the warning is in the result too"
    );
}

// ---- 4. Terminal and markup injection ------------------------------------------------------

/// A sheet whose OPD names and notes try to drive a terminal, a wiki and a spreadsheet.
const EVIL: &str = "opd,indicator,level,note\n\
\"Dinas\u{1b}]0;pwned\u{7}\u{1b}[2J\",1,3,\"\u{1b}]52;c;Y3VybA==\u{7}\"\n\
<script>alert(1)</script>,2,3,<img src=x onerror=alert(1)>\n\
\" =1+1\",3,3,＝HYPERLINK(\"\"http://x\"\")\n\
\"Bag\rian\",4,3,x\n";

#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = Dir::new();
    dir.write("evil.csv", EVIL);
    // The OPD of indicator 4 spelled twice, only in case: a warning names it.
    dir.write("more.csv", "opd,indicator,level\n\"bag\rian\",5,2\n");
    for cmd in [
        &["score", "evil.csv", "more.csv"][..],
        &["opd", "evil.csv", "more.csv"],
        &["gap", "evil.csv", "more.csv", "--target", "3"],
        &["validate", "evil.csv", "more.csv"],
    ] {
        let ran = capped(dir.path(), 1024, cmd);
        ran.clean();
        for (what, text) in [("stdout", &ran.stdout), ("stderr", &ran.stderr)] {
            assert!(
                !text.contains(['\u{1b}', '\u{7}', '\r']),
                "{cmd:?} {what}: {text:?}"
            );
        }
        if ["score", "opd"].contains(&cmd[0]) {
            // Shown, escaped: the reader sees what the sheet holds.
            assert!(
                ran.stdout.contains("\\u{1b}]0;pwned\\u{7}"),
                "{cmd:?}: {}",
                ran.stdout
            );
        }
    }
}

#[test]
fn markdown_and_spreadsheets_get_text_not_markup_or_formulas() {
    let dir = Dir::new();
    dir.write("evil.csv", EVIL);
    for cmd in [
        &["score", "evil.csv", "-f", "markdown"][..],
        &["opd", "evil.csv", "-f", "markdown"],
        &["report", "evil.csv", "-f", "markdown"],
    ] {
        let ran = capped(dir.path(), 1024, cmd);
        assert_eq!(ran.code, Some(0), "{cmd:?}: {}", ran.stderr);
        for raw in ["<script>", "<img", "\u{1b}"] {
            assert!(!ran.stdout.contains(raw), "{cmd:?}: {raw}: {}", ran.stdout);
        }
        assert!(
            ran.stdout.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{cmd:?}"
        );
    }
    // CSV: a formula after leading spaces and a full-width one are neutralized.
    // (Sheets trim their cells, so the OPD " =1+1" is "=1+1" here; leading spaces are tested
    // in output::escape.)
    let ran = capped(dir.path(), 1024, &["score", "evil.csv", "-f", "csv"]);
    assert!(ran.stdout.contains(",'=1+1=3\n"), "{}", ran.stdout);
    let ran = capped(dir.path(), 1024, &["opd", "evil.csv", "-f", "csv"]);
    assert!(ran.stdout.contains("\n'=1+1,"), "{}", ran.stdout);
    // XLSX: every cell read back starts with an apostrophe where a formula would.
    let ran = capped(dir.path(), 1024, &["report", "evil.csv", "-o", "r.xlsx"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(dir.join("r.xlsx")).unwrap();
    let mut seen = 0;
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for cell in range.used_cells().filter_map(|(_, _, v)| match v {
            calamine::Data::String(s) => Some(s.clone()),
            _ => None,
        }) {
            let first = cell.trim_start().chars().next();
            assert!(
                !first.is_some_and(|c| "=+-@＝＋－＠".contains(c)) || cell.starts_with('\''),
                "{name}: {cell:?}"
            );
            seen += cell.contains("=1+1") as usize + cell.contains("＝HYPERLINK") as usize;
        }
    }
    assert!(seen >= 2, "the evil cells are in the workbook");
}

// ---- 5. Side files have the model's guards -------------------------------------------------

#[test]
fn nested_yaml_side_files_are_refused_before_parsing() {
    let dir = Dir::new();
    dir.write("a.csv", SHEET);
    let nested = format!("{}\n", "{a: ".repeat(200_000));
    dir.write("owners.yaml", &nested);
    dir.write("effort.yaml", &nested);
    let started = Instant::now();
    capped(dir.path(), 1024, &["score", "a.csv", "--owners", "owners.yaml"]).refused(
        "owners.yaml:1: the YAML nests [ ] or { } more than 64 levels deep; a responsibility map needs a few levels",
    );
    capped(dir.path(), 1024, &["gap", "a.csv", "--target", "3", "--effort", "effort.yaml"]).refused(
        "effort.yaml:1: the YAML nests [ ] or { } more than 64 levels deep; an effort file needs a few levels",
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn results_are_capped_decoded_and_checked() {
    let dir = Dir::new();
    dir.write("a.csv", SHEET);
    let ran = capped(dir.path(), 1024, &["score", "a.csv", "-f", "json"]);
    let result = ran.stdout;
    // A result written by PowerShell's `>`: UTF-16 with a byte-order mark.
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(result.encode_utf16().flat_map(u16::to_le_bytes));
    dir.write("ps.json", &utf16);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(result.as_bytes());
    dir.write("bom.json", &bom);
    let ran = capped(dir.path(), 1024, &["diff", "ps.json", "bom.json"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    // An impossible result is refused where it is wrong, and no gate passes on it.
    let minus = result.replacen(
        &format!("\"index\": {}", index_of(&result)),
        "\"index\": -5",
        1,
    );
    dir.write("minus.json", &minus);
    capped(dir.path(), 1024, &["check", "a.csv", "--baseline", "minus.json"]).refused(
        "minus.json: index: the index -5 is outside the levels of the model spbe-2020, 1 to 5; this is not a result spbe wrote",
    );
    // An endless file is not read past the cap.
    #[cfg(unix)]
    capped(
        dir.path(),
        1024,
        &["check", "a.csv", "--baseline", "/dev/zero"],
    )
    .refused("/dev/zero: the file is larger than 64 MiB, far larger than a result");
}

/// The text of a result's first `"index"` value.
fn index_of(result: &str) -> String {
    let at = result.find("\"index\": ").unwrap() + 9;
    result[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect()
}

// ---- 6. Model numbers exactly, every model error at its line --------------------------------

#[test]
fn model_numbers_are_read_as_written_and_refused_at_their_line() {
    let dir = Dir::new();
    dir.write("a.csv", SHEET);
    let model =
        std::fs::read_to_string(Path::new(crate::harness::ROOT).join("indicators/spbe-2020.yaml"))
            .unwrap();
    let line_of = |needle: &str| model.lines().position(|l| l.contains(needle)).unwrap() + 1;
    dir.write(
        "weight.yaml",
        model.replacen(
            "weight: 1.30",
            "weight: 1.300000000000000000000000000001",
            1,
        ),
    );
    capped(dir.path(), 1024, &["score", "a.csv", "--model", "weight.yaml"]).refused(&format!(
        "weight.yaml:{}: domains[0].aspects[0].indicators[0].weight: the weight has more than 6 decimal digits",
        line_of("weight: 1.30")
    ));
    dir.write(
        "band.yaml",
        model.replacen("min: 2.6,", "min: 2.60000000000000000001,", 1),
    );
    capped(
        dir.path(),
        1024,
        &["score", "a.csv", "--model", "band.yaml"],
    )
    .refused(&format!("band.yaml:{}: predicates[", line_of("min: 2.6,")));
}

#[test]
fn a_note_too_long_for_an_excel_cell_names_the_sheet_and_cell() {
    let dir = Dir::new();
    dir.write(
        "long.csv",
        format!(
            "opd,indicator,level,note\nDinas,1,3,{}\n",
            "x".repeat(40_000)
        ),
    );
    let ran = capped(dir.path(), 1024, &["report", "long.csv", "-o", "r.xlsx"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stderr.contains("warning: the XLSX report's sheet \"Indicators\", cell K2 would hold 40007 characters and an Excel cell holds at most 32767: it is cut there"), "{}", ran.stderr);
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(dir.join("r.xlsx")).unwrap();
    let range = wb.worksheet_range("Indicators").unwrap();
    let cell = range.get_value((1, 10)).unwrap().to_string();
    assert_eq!(cell.chars().count(), 32_767);
    assert!(cell.ends_with("… [40007 characters, cut to Excel's limit]"));
}

// ---- 7. init is all or nothing -------------------------------------------------------------

#[test]
fn init_removes_what_it_created_when_it_fails_half_way() {
    // The second OPD's sheet name is too long for the file system: by then the model, its
    // schema and the first sheet were written.
    let dir = Dir::new();
    let opds = format!("Diskominfo,{}", "a".repeat(300));
    capped(dir.path(), 1024, &["init", "year", "--opd", &opds])
        .refused("(nothing was written): File name too long");
    assert!(!dir.join("year").exists());
    // Into an existing folder: the folder stays, empty, with what was in it.
    dir.write("old/keep.txt", "mine");
    capped(dir.path(), 1024, &["init", "old", "--opd", &opds]).refused("File name too long");
    let names: Vec<String> = std::fs::read_dir(dir.join("old"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["keep.txt"]);
}

#[test]
fn binary_data_is_named_at_once() {
    let started = Instant::now();
    #[cfg(unix)]
    capped(
        Path::new(crate::harness::ROOT),
        256,
        &["score", "/dev/zero"],
    )
    .refused("/dev/zero: this file is binary data, not text");
    assert!(started.elapsed() < Duration::from_secs(10));
}
