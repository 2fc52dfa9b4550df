//! Fitting the ecosystem: completions, man page, model schema, `spbe init`, colour, table width,
//! `--ascii`, `--quiet` and `-v`, all through the real binary.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

use spbe::input::model::{EMBEDDED, json_schema};

use crate::harness::{Dir, spbe, stdout_of};

const ESC: char = '\u{1b}';

// ---- completions and man page ----------------------------------------------------------------

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(spbe().args(["completions", shell]));
        assert!(script.contains("spbe"), "{shell}");
        for sub in ["score", "models", "init", "schema"] {
            assert!(script.contains(sub), "{shell} completion lacks {sub}");
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    spbe()
        .args(["completions", "cmd.exe"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values: bash"));
}

#[test]
fn the_man_page_documents_the_exit_status() {
    let page = stdout_of(spbe().arg("man"));
    assert!(page.contains("\n.TH spbe 1 "), "{}", &page[..80]);
    let exit = page
        .split(".SH \"EXIT STATUS\"")
        .nth(1)
        .expect("EXIT STATUS section");
    for code in ["\\fB0\\fR", "\\fB1\\fR", "\\fB2\\fR"] {
        assert!(exit.contains(code), "EXIT STATUS lacks {code}");
    }
    assert!(exit.contains("A gate failed"));
    assert!(page.contains(".SH EXAMPLES"));
    assert!(page.contains("spbe score examples/kota\\-contoh"));
}

#[test]
fn a_subcommand_has_its_own_man_page() {
    let page = stdout_of(spbe().args(["man", "score"]));
    assert!(page.contains("\n.TH spbe-score 1 "), "{}", &page[..80]);
    assert!(page.contains("\\-\\-combine"));
    assert!(page.contains(".SH \"EXIT STATUS\""));
    spbe()
        .args(["man", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no subcommand \"nope\"; the subcommands are: score, models",
        ));
}

// ---- schema ----------------------------------------------------------------------------------

#[test]
fn the_committed_schema_is_the_generated_one() {
    let committed = fs::read_to_string("indicators/model.schema.json").unwrap();
    let generated = json_schema();
    assert!(
        committed == generated,
        "indicators/model.schema.json is stale; regenerate it with\n  cargo run -- schema -o indicators/model.schema.json"
    );
    assert_eq!(stdout_of(spbe().arg("schema")), generated);
}

#[test]
fn the_schema_is_draft_07_and_describes_the_format() {
    let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for key in [
        "id",
        "name",
        "version",
        "source",
        "status",
        "levels",
        "scales",
        "predicates",
    ] {
        assert!(required.contains(&key), "{key} should be required");
    }
    let indicator = &schema["definitions"]["Indicator"];
    assert_eq!(indicator["additionalProperties"], false);
    assert!(
        indicator["properties"]["weight"]["description"]
            .as_str()
            .unwrap()
            .contains("Percent of the whole index")
    );
    let statuses: Vec<&str> = schema["definitions"]["Status"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["const"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["official", "secondary", "reconstructed"]);
}

#[test]
fn every_embedded_model_points_editors_at_the_schema() {
    for (id, text) in EMBEDDED {
        assert_eq!(
            text.lines().next(),
            Some("# yaml-language-server: $schema=model.schema.json"),
            "{id}"
        );
    }
}

// ---- init ------------------------------------------------------------------------------------

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn init_creates_a_starter_folder() {
    let tmp = Dir::new();
    let dir = tmp.path().join("spbe-2025");
    let out = stdout_of(
        spbe()
            .arg("init")
            .arg(&dir)
            .args(["--opd", "Diskominfo,Dinas Kesehatan"]),
    );
    assert!(out.contains("Created 6 files"), "{out}");
    assert!(out.contains("sheets/dinas-kesehatan.csv"), "{out}");

    let model = read(&dir, "model.yaml");
    assert_eq!(model, EMBEDDED[0].1);
    assert_eq!(read(&dir, "model.schema.json"), json_schema());
    assert!(read(&dir, "README.md").contains("spbe score sheets --model model.yaml"));
    assert!(read(&dir, "ci/spbe.yml").contains("spbe score sheets --model model.yaml"));

    let sheet = fs::read(dir.join("sheets/diskominfo.csv")).unwrap();
    assert!(sheet.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
    let text = String::from_utf8(sheet[3..].to_vec()).unwrap();
    assert!(text.contains("\r\n"), "CRLF line ends for Excel");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "opd,indicator,code,name,level,evidence,note,choices"
    );
    assert_eq!(lines.len(), 48, "a header and 47 indicators");
    assert_eq!(
        lines[1],
        "Diskominfo,1,I1,Kebijakan Internal Arsitektur SPBE Instansi Pusat/Pemerintah Daerah,,,,1 - Rintisan | 2 - Terkelola | 3 - Terdefinisi | 4 - Terpadu dan Terukur | 5 - Optimum"
    );
    assert!(lines[47].starts_with("Diskominfo,47,I47,"));
}

#[test]
fn a_filled_in_starter_folder_scores() {
    let tmp = Dir::new();
    let dir = tmp.path();
    stdout_of(spbe().arg("init").arg(dir).args(["--opd", "Diskominfo"]));
    // Level 3 everywhere: the index is exactly 3.
    let sheet = read(dir, "sheets/diskominfo.csv");
    let mut reader = csv::Reader::from_reader(sheet.as_bytes());
    let mut filled = csv::Writer::from_writer(Vec::new());
    filled
        .write_record([
            "opd",
            "indicator",
            "code",
            "name",
            "level",
            "evidence",
            "note",
        ])
        .unwrap();
    for r in reader.records() {
        let r = r.unwrap();
        filled
            .write_record([&r[0], &r[1], &r[2], &r[3], "3", "", ""])
            .unwrap();
    }
    fs::write(
        dir.join("sheets/diskominfo.csv"),
        filled.into_inner().unwrap(),
    )
    .unwrap();
    let json = stdout_of(
        tmp.spbe()
            .args(["score", "sheets", "--model", "model.yaml", "--strict"])
            .args(["--format", "json"]),
    );
    let card: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(card["index"].to_string(), "3");
    assert_eq!(card["predicate"], "Baik");
    assert_eq!(card["receipt"]["model"]["origin"], "model.yaml");
}

#[test]
fn init_without_opd_writes_one_template_named_after_its_file() {
    let tmp = Dir::new();
    stdout_of(spbe().arg("init").arg(tmp.path()));
    let text = read(tmp.path(), "sheets/opd.csv");
    assert!(text.lines().nth(1).unwrap().starts_with(",1,I1,"), "{text}");
    assert!(read(tmp.path(), "README.md").contains("Copy it once per OPD"));
}

#[test]
fn init_never_overwrites_and_writes_nothing_when_it_refuses() {
    let tmp = Dir::new();
    let dir = tmp.path();
    fs::write(dir.join("README.md"), "our own notes").unwrap();
    spbe()
        .arg("init")
        .arg(dir)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "refusing to overwrite 1 existing file",
        ))
        .stderr(predicate::str::contains("README.md"))
        .stderr(predicate::str::contains("nothing was written"));
    assert_eq!(read(dir, "README.md"), "our own notes");
    assert!(!dir.join("model.yaml").exists());
    assert!(!dir.join("sheets").exists());
}

#[test]
fn init_rejects_bad_opd_names_and_a_file_as_folder() {
    let tmp = Dir::new();
    spbe()
        .arg("init")
        .arg(tmp.path())
        .args(["--opd", "Bappeda,BAPPEDA"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "\"BAPPEDA\" and \"Bappeda\" would share the sheet sheets/bappeda.csv",
        ));
    spbe()
        .arg("init")
        .arg(tmp.path())
        .args(["--opd", "Bappeda,/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\"/\" is not an OPD name"));
    let file = tmp.path().join("a-file");
    fs::write(&file, "x").unwrap();
    spbe()
        .arg("init")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists and is not a folder"));
    assert_eq!(fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn init_copies_a_custom_model_and_adds_the_schema_line() {
    let tmp = Dir::new();
    let custom = tmp.path().join("custom.yaml");
    let text = EMBEDDED[0].1.lines().skip(1).collect::<Vec<_>>().join("\n");
    fs::write(&custom, &text).unwrap();
    let dir = tmp.path().join("out");
    stdout_of(spbe().arg("init").arg(&dir).arg("--model").arg(&custom));
    let copy = read(&dir, "model.yaml");
    assert_eq!(
        copy,
        format!("# yaml-language-server: $schema=model.schema.json\n{text}")
    );
}

// ---- colour, width, ascii, quiet, verbose ----------------------------------------------------

const SAMPLE: &str = "examples/kota-contoh";

/// `spbe` without the harness's `NO_COLOR`: colour is what these tests are about.
fn spbe_colour() -> Command {
    let mut c = spbe();
    c.env_remove("NO_COLOR");
    c
}

#[test]
fn color_always_paints_the_predicate_in_the_table_only() {
    let table = stdout_of(spbe_colour().args(["score", SAMPLE, "--color", "always"]));
    assert!(
        table.contains("Index: 2.76  \u{1b}[1m\u{1b}[33mBaik\u{1b}[0m  (exact 2.764"),
        "{table}"
    );
    for format in ["json", "csv", "markdown"] {
        let out =
            stdout_of(spbe_colour().args(["score", SAMPLE, "--color", "always", "-f", format]));
        assert!(!out.contains(ESC), "{format} must never be coloured");
    }
}

#[test]
fn no_colour_when_piped_asked_never_or_no_color() {
    let auto = stdout_of(spbe_colour().args(["score", SAMPLE]));
    assert!(!auto.contains(ESC), "not a terminal: no colour");
    let never = stdout_of(spbe_colour().args(["score", SAMPLE, "--color", "never"]));
    assert!(!never.contains(ESC));
    let no_color = stdout_of(spbe().env("NO_COLOR", "1").args(["score", SAMPLE]));
    assert!(!no_color.contains(ESC));
}

#[test]
fn tables_fit_the_width_and_wrap_long_names() {
    let out = stdout_of(spbe().env("COLUMNS", "72").args(["score", SAMPLE]));
    let table_lines: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with(['│', '┌', '├', '└', '╞']))
        .collect();
    assert!(table_lines.len() > 50);
    for l in &table_lines {
        assert!(l.chars().count() <= 72, "too wide: {l}");
    }
    // "Layanan Administrasi Pemerintahan Berbasis Elektronik" no longer fits on one line.
    assert!(!out.contains("Layanan Administrasi Pemerintahan Berbasis Elektronik"));
    assert!(out.contains("Layanan Administrasi"));
}

#[test]
fn ascii_tables_have_no_box_characters() {
    let out = stdout_of(spbe().args(["--ascii", "score", SAMPLE]));
    assert!(out.contains("+----+"), "{out}");
    assert!(
        !out.chars().any(|c| ('\u{2500}'..='\u{257f}').contains(&c)),
        "box-drawing characters in --ascii output"
    );
    let models = stdout_of(spbe().args(["models", "--ascii"]));
    assert!(models.contains("| spbe-2020 (default)"), "{models}");
}

#[test]
fn quiet_silences_warnings_but_not_errors() {
    let one = format!("{SAMPLE}/dinkes.csv");
    spbe()
        .args(["score", &one])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: 46 indicators had no answer",
        ));
    spbe()
        .args(["score", &one, "--quiet"])
        .assert()
        .success()
        .stderr("");
    spbe()
        .args(["-q", "score", "no-such-folder"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: "));
}

#[test]
fn verbose_explains_files_model_and_combine() {
    spbe()
        .args(["score", SAMPLE, "-v", "--combine", "median"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "spbe: model spbe-2020 (Indeks SPBE version 2020, official) from embedded:spbe-2020, sha256 ",
        ))
        .stderr(predicate::str::contains(
            "spbe: read examples/kota-contoh/diskominfo.csv: 33 answer rows, sha256 ",
        ))
        .stderr(predicate::str::contains(
            "spbe: 57 answers from 8 OPD; combine median: an indicator takes the middle OPD level",
        ));
    spbe()
        .args(["score", SAMPLE])
        .assert()
        .success()
        .stderr(predicate::str::contains("spbe: ").not());
    let tmp = Dir::new();
    let result = tmp.path().join("result.json");
    spbe()
        .args(["score", SAMPLE, "-v", "-f", "json", "-o"])
        .arg(&result)
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "spbe: wrote {}",
            result.display()
        )));
}

#[test]
fn quiet_and_verbose_together_are_a_usage_error() {
    spbe()
        .args(["score", SAMPLE, "-q", "-v"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}
