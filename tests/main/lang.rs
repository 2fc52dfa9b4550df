//! `--lang id` everywhere people read: every command that prints tables speaks Indonesian and
//! writes its numbers with a decimal comma; JSON and CSV stay as they are. CSV for Indonesian
//! Excel: `--delimiter ';' --decimal-comma`.

use crate::harness::{Dir, spbe, stdout_of};

const CITY: &str = "examples/kota-contoh";
const OWNERS: &str = "examples/owners-kota-contoh.csv";

fn id(args: &[&str]) -> String {
    stdout_of(spbe().args(args).args(["--lang", "id"]))
}

#[test]
fn score_in_indonesian() {
    insta::assert_snapshot!("score_id", id(&["score", CITY]));
}

#[test]
fn score_markdown_in_indonesian() {
    insta::assert_snapshot!("score_markdown_id", id(&["score", CITY, "-f", "markdown"]));
}

#[test]
fn gap_in_indonesian_including_its_verdict() {
    let out = id(&["gap", CITY, "--target", "3"]);
    assert!(
        out.contains(
            "Dapat dicapai: 8 langkah (total upaya 8) menaikkan indeks ke 3,004 (3,00 Baik)."
        ),
        "{out}"
    );
    assert!(!out.contains("Reachable"), "{out}");
    insta::assert_snapshot!("gap_id", out);
}

#[test]
fn check_in_indonesian() {
    let out = id(&["check", CITY, "--fail-under", "2.6", "--warn-under", "3"]);
    assert_eq!(
        out,
        "PASS  fail-under 2,60: indeks 2,764 (2,76) tidak kurang dari 2,60\n\
         WARN  warn-under 3,00: indeks 2,764 (2,76) di bawah 3,00 (peringatan, bukan kegagalan)\n\
         pemeriksaan lulus: 2 gerbang, tidak ada yang gagal, 1 peringatan\n"
    );
    // JSON keeps the English messages: a contract for scripts.
    let json = id(&["check", CITY, "--fail-under", "2.6", "-f", "json"]);
    assert!(
        json.contains("\"message\": \"fail-under 2.60: the index 2.764 (2.76) is at least 2.60\""),
        "{json}"
    );
    assert!(!json.contains("tidak kurang"), "{json}");
}

#[test]
fn opd_in_indonesian() {
    insta::assert_snapshot!(
        "opd_id",
        id(&["opd", CITY, "--owners", OWNERS, "--target", "3"])
    );
}

#[test]
fn diff_and_trend_in_indonesian() {
    let d = Dir::new();
    let a = d.path().join("a.json");
    let b = d.path().join("b.json");
    spbe()
        .args(["score", CITY, "--year", "2024", "-f", "json", "-o"])
        .arg(&a)
        .assert()
        .success();
    spbe()
        .args([
            "score", CITY, "--year", "2025", "--set", "11=3", "--set", "43=4", "-f", "json", "-o",
        ])
        .arg(&b)
        .assert()
        .success();
    let diff = stdout_of(spbe().arg("diff").arg(&a).arg(&b).args(["--lang", "id"]));
    let diff = diff.replace(&*d.path().to_string_lossy(), "TMP");
    insta::assert_snapshot!("diff_id", diff);
    let trend = stdout_of(
        spbe()
            .arg("trend")
            .arg(format!("2024={}", a.display()))
            .arg(format!("2025={}", b.display()))
            .args(["--target-path", "2025=3.0", "--lang", "id"]),
    );
    insta::assert_snapshot!(
        "trend_id",
        trend.replace(&*d.path().to_string_lossy(), "TMP")
    );
}

#[test]
fn csv_for_indonesian_excel() {
    let d = Dir::new();
    let out = d.path().join("hasil.csv");
    spbe()
        .args([
            "score",
            CITY,
            "-f",
            "csv",
            "--delimiter",
            ";",
            "--decimal-comma",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "\u{feff}id;code;name;aspect;domain;weight;level;level_name;contribution;filled;min;max;opds"
    );
    assert_eq!(
        lines.next().unwrap(),
        "1;I1;Kebijakan Internal Arsitektur SPBE Instansi Pusat/Pemerintah Daerah;A1;D1;1,30;3;Terdefinisi;0,039;false;3;3;Diskominfo=3"
    );
    // Without the options: commas and points, as before.
    let plain = stdout_of(spbe().args(["score", CITY, "-f", "csv"]));
    assert!(plain.starts_with("id,code,name,"), "{plain}");
    assert!(plain.contains(",1.30,3,Terdefinisi,0.039,"), "{plain}");
    // Tab and a bad delimiter.
    let tab = stdout_of(spbe().args([
        "gap",
        CITY,
        "--target",
        "3",
        "-f",
        "csv",
        "--delimiter",
        "tab",
        "--decimal-comma",
    ]));
    assert!(
        tab.lines().nth(1).unwrap().contains("\t0,0300\t2,794\t"),
        "{tab}"
    );
    spbe()
        .args(["score", CITY, "-f", "csv", "--delimiter", "ab"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not a delimiter"));
}

#[test]
fn the_environment_picks_indonesian_too() {
    let out = stdout_of(
        spbe()
            .args(["check", CITY, "--fail-under", "2.6"])
            .env("LANG", "id_ID.UTF-8")
            .env_remove("LC_ALL"),
    );
    assert!(
        out.starts_with("PASS  fail-under 2,60: indeks 2,764"),
        "{out}"
    );
}

#[test]
fn warnings_for_readers_follow_the_language() {
    let out = spbe()
        .args([
            "score",
            "examples/kota-contoh/bappeda.csv",
            "--lang",
            "id",
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("41 indikator tidak dijawab dan dinilai pada tingkat terendah 1: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15,"),
        "{stderr}"
    );
    // The JSON record keeps the English text.
    let json = String::from_utf8(out.stdout).unwrap();
    assert!(
        json.contains("41 indicators had no answer and are scored at the lowest level 1"),
        "{json}"
    );
}
