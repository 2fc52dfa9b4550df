//! `spbe compare` end to end: the example city and two synthetic institutions as one long sheet
//! and as institution folders give exactly what `spbe score` gives for each; ranks with ties;
//! the ministry's feed (a hand-written sample in tests/data/compare/); statistics per category
//! worked out by hand; `--highlight`; located errors.

use std::path::Path;

use serde_json::Value;

use crate::harness::{Dir, ROOT, run, spbe, stdout_of};

const FEED: &str = "tests/data/compare/feed-2024.json";

/// The example city's answers as `(opd, indicator, level)`, read from its sheets (every sheet
/// has the OPD, indicator and level in its first three columns).
fn city_answers() -> Vec<[String; 3]> {
    let mut rows = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(Path::new(ROOT).join("examples/kota-contoh"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let mut r = csv::Reader::from_path(&f).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            rows.push([0, 1, 2].map(|i| rec[i].to_string()));
        }
    }
    rows
}

/// A synthetic institution: two OPD answering every indicator; `seed` varies the levels, and
/// the second OPD leaves `skip` unanswered.
fn synthetic(seed: usize, skip: Option<usize>) -> Vec<[String; 3]> {
    let mut rows = Vec::new();
    for (k, opd) in ["Diskominfo", "Bappeda"].iter().enumerate() {
        for i in 1..=47usize {
            if k == 1 && skip == Some(i) {
                continue;
            }
            let level = 1 + (i * 7 + seed * 3 + k * (i % 3)) % 5;
            rows.push([opd.to_string(), i.to_string(), level.to_string()]);
        }
    }
    rows
}

/// The three institutions: name, category, answers.
fn institutions() -> Vec<(&'static str, &'static str, Vec<[String; 3]>)> {
    vec![
        ("Kota Contoh", "Pemerintah Kota", city_answers()),
        ("Kab. Satu", "Pemerintah Kabupaten", synthetic(1, None)),
        ("Kab. Dua", "Pemerintah Kabupaten", synthetic(2, Some(30))),
    ]
}

/// One long sheet with every institution's rows, in the given order of (institution, row).
fn long_sheet(rows: &[(usize, usize)]) -> String {
    let all = institutions();
    let mut s = String::from("instansi,kategori,opd,indikator,tingkat\n");
    for &(i, r) in rows {
        let (name, category, answers) = &all[i];
        let [opd, ind, level] = &answers[r];
        s.push_str(&format!("{name},{category},{opd},{ind},{level}\n"));
    }
    s
}

fn grouped_rows() -> Vec<(usize, usize)> {
    institutions()
        .iter()
        .enumerate()
        .flat_map(|(i, (_, _, a))| (0..a.len()).map(move |r| (i, r)))
        .collect()
}

/// One folder per institution, each holding its answers as one sheet.
fn folders(dir: &Dir) -> std::path::PathBuf {
    for (name, _, answers) in institutions() {
        let mut s = String::from("opd,indicator,level\n");
        for [opd, ind, level] in &answers {
            s.push_str(&format!("{opd},{ind},{level}\n"));
        }
        dir.write(format!("provinsi/{name}/jawaban.csv"), s);
    }
    dir.join("provinsi")
}

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap()
}

/// `spbe score` on one institution's folder.
fn score_of(dir: &Path, extra: &[&str]) -> Value {
    json(&stdout_of(
        spbe()
            .arg("score")
            .arg(dir)
            .args(["--format", "json"])
            .args(extra),
    ))
}

/// Each compared institution's numbers are exactly what `spbe score` gives on its sheets.
fn assert_same_as_score(compared: &Value, provinsi: &Path, extra: &[&str]) {
    let rows = compared["institutions"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for row in rows {
        let name = row["name"].as_str().unwrap();
        let score = score_of(&provinsi.join(name), extra);
        assert_eq!(
            row["index"].to_string(),
            score["index"].to_string(),
            "{name}"
        );
        assert_eq!(
            row["index_rounded"].to_string(),
            score["index_rounded"].to_string()
        );
        assert_eq!(row["predicate"], score["predicate"], "{name}");
        let domains: Vec<String> = row["domains"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["index"].to_string())
            .collect();
        let want: Vec<String> = score["domains"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["index"].to_string())
            .collect();
        assert_eq!(domains, want, "{name}");
        let answers: usize = score["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["answers"].as_array().unwrap().len())
            .sum();
        assert_eq!(row["answers"], answers, "{name}");
        let warnings: Vec<&str> = row["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        let want: Vec<&str> = score["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        assert_eq!(warnings, want, "{name}");
    }
}

#[test]
fn a_long_sheet_and_institution_folders_give_what_spbe_score_gives() {
    let dir = Dir::new();
    let provinsi = folders(&dir);
    let long = dir.write("nasional.csv", long_sheet(&grouped_rows()));
    for extra in [&[][..], &["--combine", "median"], &["--combine", "mean"]] {
        let from_long = json(&stdout_of(
            spbe()
                .args(["compare", &long, "--format", "json"])
                .args(extra),
        ));
        assert_same_as_score(&from_long, &provinsi, extra);
        let from_folders = json(&stdout_of(
            spbe()
                .arg("compare")
                .arg(&provinsi)
                .args(["--format", "json"])
                .args(extra),
        ));
        assert_same_as_score(&from_folders, &provinsi, extra);
    }
    let city = json(&stdout_of(spbe().args(["compare", &long, "-f", "json"])));
    let city = &city["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Kota Contoh")
        .unwrap()
        .clone();
    assert_eq!(city["index"].to_string(), "2.764");
    assert_eq!(city["opds"], 8);
    assert_eq!(city["category"], "Pemerintah Kota");
}

#[test]
fn scattered_rows_give_what_grouped_rows_give() {
    let dir = Dir::new();
    let grouped = dir.write("grouped.csv", long_sheet(&grouped_rows()));
    // Every third row of one institution, then of the next, round and round.
    let mut rows = grouped_rows();
    rows.sort_by_key(|&(i, r)| (r / 3, i, r));
    let scattered = dir.write("scattered.csv", long_sheet(&rows));
    let a = json(&stdout_of(spbe().args(["compare", &grouped, "-f", "json"])));
    let b = json(&stdout_of(
        spbe().args(["compare", &scattered, "-f", "json"]),
    ));
    // From stdin too (read once, so every institution is kept open from the start).
    let c = json(&stdout_of(
        spbe()
            .args(["compare", "-", "-f", "json"])
            .write_stdin(std::fs::read(&scattered).unwrap()),
    ));
    let rows = |v: &Value| v["institutions"].as_array().unwrap().clone();
    assert_eq!(rows(&a).len(), 3);
    for other in [&b, &c] {
        for (x, y) in rows(&a).iter().zip(rows(other)) {
            for field in [
                "name", "rank", "index", "domains", "answers", "opds", "warnings",
            ] {
                assert_eq!(x[field], y[field], "{field}");
            }
        }
    }
}

#[test]
fn ties_share_a_rank_overall_and_within_a_category() {
    let out = json(&stdout_of(spbe().args(["compare", FEED, "-f", "json"])));
    let got: Vec<(String, u64, u64, u64)> = out["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["rank"].as_u64().unwrap(),
                r["category_rank"].as_u64().unwrap(),
                r["category_size"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("Kab. Banyuwangi", 1, 1, 3),
        ("Kab. Pacitan", 2, 2, 3),
        ("Kota Surabaya", 2, 1, 3),
        ("Kota Bandung", 4, 2, 3),
        ("Kota Malang", 4, 2, 3),
        ("Kemenko Polhukam", 6, 1, 1),
        ("Kab. Boven Digoel", 7, 3, 3),
    ];
    let want: Vec<(String, u64, u64, u64)> = want
        .iter()
        .map(|(n, a, b, c)| (n.to_string(), *a, *b, *c))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn the_feed_is_read_exactly() {
    let out = json(&stdout_of(spbe().args(["compare", FEED, "-f", "json"])));
    let rows = out["institutions"].as_array().unwrap();
    let by = |name: &str| rows.iter().find(|r| r["name"] == name).unwrap().clone();
    let b = by("Kab. Banyuwangi");
    // 4.765 exact, published 4.77 (f64 rounding would give 4.76).
    assert_eq!(b["index"].to_string(), "4.765");
    assert_eq!(b["index_rounded"].to_string(), "4.77");
    assert_eq!(b["predicate"], "Memuaskan");
    assert_eq!(b["year"], 2024);
    assert_eq!(b["region"], "Jawa Timur");
    assert_eq!(b["domains"][2]["index"].to_string(), "4.1818181818");
    assert_eq!(b["answers"], Value::Null);
    assert_eq!(b["source"], format!("{FEED}[0]"));
    // Pacitan: 3.4985 shows 3.50; Baik on the exact index, Sangat Baik on the rounded one.
    assert_eq!(by("Kab. Pacitan")["predicate"], "Baik");
    let rounded = json(&stdout_of(spbe().args([
        "compare",
        FEED,
        "-f",
        "json",
        "--predicate-basis",
        "rounded",
    ])));
    let pacitan = rounded["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Kab. Pacitan")
        .unwrap()
        .clone();
    assert_eq!(pacitan["predicate"], "Sangat Baik");
}

/// The summary of one category from the JSON record.
fn category<'a>(out: &'a Value, name: &str) -> &'a Value {
    out["summary"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == name)
        .unwrap()
}

fn bands(stats: &Value) -> Vec<(String, u64)> {
    stats["predicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["predicate"].as_str().unwrap().to_string(),
                b["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn statistics_per_category_by_hand() {
    let out = json(&stdout_of(spbe().args(["compare", FEED, "-f", "json"])));
    // Kabupaten: 4.765, 3.4985, 1.7995. Mean 10.063 / 3 = 3.354333..., median 3.4985.
    let kab = category(&out, "Pemerintah Kabupaten");
    assert_eq!(kab["count"], 3);
    assert_eq!(kab["mean"].to_string(), "3.354333333333");
    assert_eq!(kab["mean_rounded"].to_string(), "3.35");
    assert_eq!(kab["median"].to_string(), "3.4985");
    assert_eq!(kab["min"].to_string(), "1.7995");
    assert_eq!(kab["max"].to_string(), "4.765");
    let s = |v: &[(&str, u64)]| -> Vec<(String, u64)> {
        v.iter().map(|(n, c)| (n.to_string(), *c)).collect()
    };
    assert_eq!(
        bands(kab),
        s(&[
            ("Memuaskan", 1),
            ("Sangat Baik", 0),
            ("Baik", 1),
            ("Cukup", 0),
            ("Kurang", 1)
        ])
    );
    // Kota: 3.4985, 3.4075, 3.4075. Median 3.4075, mean 10.3135 / 3 = 3.437833...
    let kota = category(&out, "Pemerintah Kota");
    assert_eq!(kota["median"].to_string(), "3.4075");
    assert_eq!(kota["mean"].to_string(), "3.437833333333");
    // All seven: an odd count, the middle one is 3.4075; mean 23.4605 / 7 = 3.3515.
    let all = &out["summary"]["overall"];
    assert_eq!(all["count"], 7);
    assert_eq!(all["median"].to_string(), "3.4075");
    assert_eq!(all["mean"].to_string(), "3.3515");
    // An even count: the mean of the two middle values. Without Kemenko Polhukam the six are
    // 1.7995, 3.4075, 3.4075, 3.4985, 3.4985, 4.765: median (3.4075 + 3.4985) / 2 = 3.453.
    let pemda = json(&stdout_of(spbe().args([
        "compare",
        FEED,
        "-f",
        "json",
        "--category",
        "pemerintah kabupaten",
        "--category",
        "PEMERINTAH  KOTA",
    ])));
    assert_eq!(pemda["summary"]["overall"]["count"], 6);
    assert_eq!(pemda["summary"]["overall"]["median"].to_string(), "3.453");
    // On the rounded basis 3.4985 shows 3.50 (Sangat Baik) and 1.7995 shows 1.80 (Cukup).
    let rounded = json(&stdout_of(spbe().args([
        "compare",
        FEED,
        "-f",
        "json",
        "--predicate-basis",
        "rounded",
    ])));
    assert_eq!(
        bands(category(&rounded, "Pemerintah Kabupaten")),
        s(&[
            ("Memuaskan", 1),
            ("Sangat Baik", 1),
            ("Baik", 0),
            ("Cukup", 1),
            ("Kurang", 0)
        ])
    );
}

#[test]
fn highlight_one_institution_among_its_peers() {
    let out = json(&stdout_of(spbe().args([
        "compare",
        FEED,
        "-f",
        "json",
        "--highlight",
        "kab. boven digoel",
    ])));
    let h = &out["highlight"];
    assert_eq!(h["name"], "Kab. Boven Digoel");
    assert_eq!(
        (h["rank"].clone(), h["category_rank"].clone()),
        (7.into(), 3.into())
    );
    assert_eq!(h["category_size"], 3);
    assert_eq!(h["percentile"].to_string(), "0");
    assert_eq!(h["category_median"].to_string(), "3.4985");
    assert_eq!(h["to_median"].to_string(), "-1.699");
    // 1.7995 is Kurang on the exact index; Cukup starts at 1.8.
    assert_eq!(h["next_predicate"]["predicate"], "Cukup");
    assert_eq!(h["next_predicate"]["distance"].to_string(), "0.0005");
    let gaps: Vec<(String, String)> = h["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["id"].as_str().unwrap().into(), g["gap"].to_string()))
        .collect();
    let want = [
        ("D1", "-2.8"),
        ("D4", "-1.8791208792"),
        ("D2", "-1.2"),
        ("D3", "-1.0909090909"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(gaps, want);
    // In the terminal: the standing, then the domains where it trails most first.
    let table = stdout_of(spbe().args(["compare", FEED, "--highlight", "Kab. Boven Digoel"]));
    assert!(
        table.contains(
            "Kab. Boven Digoel: 1.80 Kurang, rank 3 of 3 in Pemerintah Kabupaten (7 of 7 overall)"
        ),
        "{table}"
    );
    assert!(
        table.contains("Next predicate Cukup from 1.80: 0.0005 to go"),
        "{table}"
    );
    let (code, _, err) = run(spbe().args(["compare", FEED, "--highlight", "Pacitan"]));
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "no institution named \"Pacitan\" is compared; did you mean \"Kab. Pacitan\"?"
        ),
        "{err}"
    );
}

#[test]
fn filters_keep_what_they_name_and_say_what_there_is() {
    let out = json(&stdout_of(spbe().args([
        "compare",
        FEED,
        "-f",
        "json",
        "--region",
        "jawa timur",
        "--year",
        "2024",
    ])));
    let names: Vec<&str> = out["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Kab. Banyuwangi",
            "Kab. Pacitan",
            "Kota Surabaya",
            "Kota Malang"
        ]
    );
    let (code, out, err) = run(spbe().args(["compare", FEED, "--category", "Lembaga"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains(
            "the categories are: \"Kementerian\", \"Pemerintah Kabupaten\", \"Pemerintah Kota\""
        ),
        "{err}"
    );
}

#[test]
fn several_years_need_a_year() {
    let dir = Dir::new();
    let text = std::fs::read_to_string(Path::new(ROOT).join(FEED)).unwrap();
    let older = dir.write(
        "feed-2023.json",
        text.replace("\"tahun\": 2024", "\"tahun\": 2023"),
    );
    let (code, _, err) = run(spbe().args(["compare", FEED, &older]));
    assert_eq!(code, 2);
    assert!(err.contains("several years (2023, 2024)"), "{err}");
    let out =
        json(&stdout_of(spbe().args([
            "compare", FEED, &older, "--year", "2023", "-f", "json",
        ])));
    assert_eq!(out["count"], 7);
    assert!(
        out["institutions"][0]["source"]
            .as_str()
            .unwrap()
            .ends_with("feed-2023.json[0]")
    );
}

#[test]
fn bad_input_is_located() {
    let dir = Dir::new();
    let sheet = dir.write(
        "nasional.csv",
        "instansi,opd,indicator,level\nKab. A,Dinas,1,3\nKab. A,Dinas,2,4,5\nKab. A,Dinas,99,3\nKab. B,Dinas,1,9\n,Dinas,2,3\n",
    );
    let (code, out, err) = run(spbe().args(["compare", &sheet]));
    assert_eq!((code, out.as_str()), (2, ""));
    for want in [
        format!("{sheet}:4:3: column \"indicator\": unknown indicator \"99\""),
        format!("{sheet}:5:4: column \"level\": level 9 is outside the model's range 1 to 5"),
        format!("{sheet}:6:1: column \"instansi\": the institution is empty"),
    ] {
        assert!(err.contains(&want), "{want}\n{err}");
    }
    // A sheet of one institution's OPD is not a long sheet.
    let opd = dir.write("bappeda.csv", "opd,indicator,level\nBappeda,1,3\n");
    let (code, _, err) = run(spbe().args(["compare", &opd]));
    assert_eq!(code, 2);
    assert!(err.contains("missing column instansi"), "{err}");
    assert!(err.contains("goes in a folder of its own"), "{err}");
    // The feed: the element and its institution.
    let text = std::fs::read_to_string(Path::new(ROOT).join(FEED)).unwrap();
    let bad = dir.write("feed.json", text.replacen("\"4.7000000000\"", "\"4,7\"", 1));
    let (code, _, err) = run(spbe().args(["compare", &bad]));
    assert_eq!(code, 2);
    assert!(
        err.contains("feed.json: element [1] (kode \"3501\", \"Kab. Pacitan\"): nilai.D2001 \"4,7\" is not a decimal number"),
        "{err}"
    );
    // One institution in two inputs.
    let (code, _, err) = run(spbe().args(["compare", FEED, &dir.write("again.json", text)]));
    assert_eq!(code, 2);
    assert!(
        err.contains("\"Kab. Banyuwangi\" (2024) is also in"),
        "{err}"
    );
}

#[test]
fn an_institution_with_no_answers_is_a_warning_or_with_strict_an_error() {
    let dir = Dir::new();
    let mut text = String::from("instansi,opd,indicator,level,evidence\n");
    for i in 1..=47 {
        text.push_str(&format!("Kab. A,Dinas,{i},3,\n"));
    }
    text.push_str("Kab. Kosong,Dinas,1,,\nKab. Kosong,Dinas,2,,\n");
    let sheet = dir.write("nasional.csv", text);
    let (code, out, err) = run(spbe().args(["compare", &sheet, "-f", "json"]));
    assert_eq!(code, 0);
    assert_eq!(json(&out)["count"], 1);
    assert!(
        err.contains(&format!(
            "{sheet}:49: \"Kab. Kosong\" has no answers, so it is left out"
        )),
        "{err}"
    );
    let (code, out, err) = run(spbe().args(["compare", &sheet, "--strict"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains(&format!(
            "{sheet}:49: --strict: \"Kab. Kosong\" has no answers"
        )),
        "{err}"
    );
}

#[test]
fn tables_markdown_and_csv_in_either_language() {
    let table = stdout_of(spbe().args(["compare", FEED]));
    insta::assert_snapshot!("feed_table", table);
    let md = stdout_of(spbe().args(["compare", FEED, "-f", "markdown", "--lang", "id"]));
    insta::assert_snapshot!("feed_markdown_id", md);
    let csv = stdout_of(spbe().args(["compare", FEED, "-f", "csv"]));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "rank,category_rank,category_size,name,category,region,year,index,index_rounded,predicate,D1,D2,D3,D4,answers,opds,source"
    );
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "1,1,3,Kab. Banyuwangi,Pemerintah Kabupaten,Jawa Timur,2024,4.765,4.77,Memuaskan,5,4.6,4.1818181818,5,,,{FEED}[0]"
        )
    );
    // Indonesian by the environment, as a user's terminal would be.
    let id = stdout_of(
        spbe()
            .args(["compare", FEED])
            .env("LANG", "id_ID.UTF-8")
            .env("LC_ALL", "id_ID.UTF-8"),
    );
    assert!(id.contains("Ringkasan per kategori"), "{id}");
    assert!(id.contains("4,77"), "{id}");
}

#[test]
fn an_opd_ending_one_institution_and_starting_the_next_is_each_ones_own() {
    let dir = Dir::new();
    let mut text = String::from("instansi,opd,indicator,level\n");
    for (inst, opd, level) in [("Kab. A", "Diskominfo", 3), ("Kab. A", "Bappeda", 4)] {
        for i in 1..=47 {
            text.push_str(&format!("{inst},{opd},{i},{level}\n"));
        }
    }
    for i in 1..=47 {
        text.push_str(&format!("Kab. B,Bappeda,{i},2\n"));
    }
    let sheet = dir.write("nasional.csv", text);
    let out = json(&stdout_of(spbe().args(["compare", &sheet, "-f", "json"])));
    let rows: Vec<(String, String, u64)> = out["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().into(),
                r["index"].to_string(),
                r["opds"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Kab. A".into(), "3".into(), 2),
            ("Kab. B".into(), "2".into(), 1)
        ]
    );
}

#[test]
fn html_shows_the_distribution_per_category_and_the_highlighted_institution() {
    let page = stdout_of(spbe().args([
        "compare",
        FEED,
        "-f",
        "html",
        "--highlight",
        "Kab. Pacitan",
        "--lang",
        "id",
    ]));
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"id\">"));
    assert!(page.contains("@page { size: A4;"), "prints on A4");
    let svg = &page[page.find("<svg").unwrap()..page.find("</svg>").unwrap()];
    // Five predicate bands behind, one row per category and one for all: a dot per
    // institution in its category's row and again in the row of all (7 + 7), and the
    // highlighted one marked (twice) and named.
    assert_eq!(svg.matches("<rect class=\"band").count(), 5);
    assert_eq!(svg.matches("class=\"row-label\"").count(), 4);
    assert_eq!(svg.matches("<circle class=\"dot\"").count(), 14);
    assert_eq!(svg.matches("<circle class=\"dot mark\"").count(), 2);
    assert!(svg.contains(">Kab. Pacitan 3,50</text>"), "{svg}");
    assert_eq!(svg.matches("class=\"median\"").count(), 4);
    // The tables follow, numbers with a decimal comma.
    assert!(page.contains("<h2>Ringkasan per kategori"));
    assert!(
        page.contains("<td class=\"num\">4,765</td>"),
        "the exact index"
    );
    assert!(
        page.contains("Kab. Pacitan: 3,50 Baik, peringkat 2 dari 3 dalam Pemerintah Kabupaten")
    );
}

#[test]
fn a_long_sheet_as_pemda_keep_it_title_rows_and_their_own_column_names() {
    let dir = Dir::new();
    let mut text = String::from(
        "REKAP PENILAIAN MANDIRI SPBE 2024\nProvinsi Contoh\n\nNama Pemda;Jenis;No Indikator;Tingkat\n",
    );
    for (name, kind, level) in [
        ("Kab. A", "Pemerintah Kabupaten", 3),
        ("Kota B", "Pemerintah Kota", 4),
    ] {
        for i in 1..=47 {
            text.push_str(&format!("{name};{kind};{i};{level}\n"));
        }
    }
    let sheet = dir.write("rekap.csv", text);
    let out = json(&stdout_of(spbe().args([
        "compare",
        &sheet,
        "-f",
        "json",
        "--column",
        "institution=nama pemda",
        "--column",
        "kategori=Jenis",
    ])));
    let rows: Vec<(String, String, String)> = out["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().into(),
                r["category"].as_str().unwrap().into(),
                r["index"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Kota B".into(), "Pemerintah Kota".into(), "4".into()),
            ("Kab. A".into(), "Pemerintah Kabupaten".into(), "3".into())
        ]
    );
    assert_eq!(out["institutions"][1]["source"], format!("{sheet}:5"));
    // Without naming the institution column, the sheet is not a long sheet.
    let (code, _, err) = run(spbe().args(["compare", &sheet]));
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("{sheet}:4: missing column instansi")),
        "{err}"
    );
}

/// One compared institution's numbers against `spbe score`'s for its sheets: index, predicate,
/// every domain (or aspect) and the warnings; with `answers`, the count of answers too (compare
/// counts the answers read, score lists those that count: they differ when stages are chosen).
fn assert_row_is_score(row: &Value, score: &Value, answers: bool) {
    let name = row["name"].as_str().unwrap();
    for field in ["index", "index_rounded", "predicate"] {
        assert_eq!(row[field], score[field], "{name}: {field}");
    }
    let parts = if score["domains"].as_array().is_some_and(|d| !d.is_empty()) {
        "domains"
    } else {
        "aspects"
    };
    let of = |v: &Value| -> Vec<String> {
        v[parts]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["index"].to_string())
            .collect()
    };
    assert_eq!(of(row), of(score), "{name}: {parts}");
    if answers {
        let n: usize = score["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["answers"].as_array().unwrap().len())
            .sum();
        assert_eq!(row["answers"], n, "{name}");
    }
    assert_eq!(row["warnings"], score["warnings"], "{name}");
}

/// The three institutions with a level per stage in columns: the final level as given, the
/// self-assessed one a level higher (capped at 5); every seventh row has no final level yet.
fn staged_rows(answers: &[[String; 3]]) -> Vec<[String; 4]> {
    answers
        .iter()
        .enumerate()
        .map(|(r, [opd, ind, level])| {
            // (The example city leaves some levels empty: empty at both stages.)
            let mandiri = match level.parse::<u8>() {
                Ok(l) => (l + 1).min(5).to_string(),
                Err(_) => level.clone(),
            };
            let last = if r % 7 == 3 {
                String::new()
            } else {
                level.clone()
            };
            [opd.clone(), ind.clone(), mandiri, last]
        })
        .collect()
}

const STAGE_COLUMNS: [&str; 4] = [
    "--stage-column",
    "mandiri=Level Mandiri",
    "--stage-column",
    "akhir=level_final",
];

#[test]
fn stage_columns_in_a_long_sheet_give_what_spbe_score_gives() {
    let dir = Dir::new();
    let mut long = String::from("instansi,kategori,opd,indikator,Level Mandiri,level_final\n");
    for (name, category, answers) in institutions() {
        let mut one = String::from("opd,indikator,Level Mandiri,level_final\n");
        for [opd, ind, mandiri, last] in staged_rows(&answers) {
            long.push_str(&format!("{name},{category},{opd},{ind},{mandiri},{last}\n"));
            one.push_str(&format!("{opd},{ind},{mandiri},{last}\n"));
        }
        dir.write(format!("provinsi/{name}/jawaban.csv"), one);
    }
    let long = dir.write("nasional.csv", long);
    let provinsi = dir.join("provinsi");
    for stage in [&[][..], &["--stage", "mandiri"], &["--stage", "akhir"]] {
        let extra: Vec<&str> = STAGE_COLUMNS.iter().chain(stage).copied().collect();
        for input in [long.as_str(), provinsi.to_str().unwrap()] {
            let compared = json(&stdout_of(
                spbe()
                    .args(["compare", input, "--format", "json"])
                    .args(&extra),
            ));
            let rows = compared["institutions"].as_array().unwrap();
            assert_eq!(rows.len(), 3);
            for row in rows {
                let name = row["name"].as_str().unwrap();
                let score = score_of(&provinsi.join(name), &extra);
                assert_row_is_score(row, &score, false);
            }
        }
    }
    // `answers` counts the answers read: one per stage filled in.
    let out = json(&stdout_of(
        spbe()
            .args(["compare", &long, "-f", "json"])
            .args(STAGE_COLUMNS),
    ));
    let satu = out["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Kab. Satu")
        .unwrap()
        .clone();
    let rows = staged_rows(&synthetic(1, None));
    let filled = rows
        .iter()
        .map(|r| 1 + !r[3].is_empty() as usize)
        .sum::<usize>();
    assert_eq!(satu["answers"], filled);
    // The stages differ, so the choice shows: every self-assessed level is the final one + 1
    // (capped), and the final stage's missing rows fall back to the lowest level.
    let index = |stage: &str| {
        let out = json(&stdout_of(
            spbe()
                .args(["compare", &long, "-f", "json", "--stage", stage])
                .args(STAGE_COLUMNS),
        ));
        out["institutions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Kab. Satu")
            .unwrap()["index"]
            .to_string()
    };
    assert_ne!(index("mandiri"), index("akhir"));
}

#[test]
fn stage_columns_errors_are_located() {
    let dir = Dir::new();
    let sheet = dir.write(
        "nasional.csv",
        "instansi,opd,indikator,level_mandiri,level_final,catatan\nKab. A,Dinas,1,3,2,\nKab. A,Dinas,2,6,2,\nKab. A,Dinas,3,,,ada bukti\nKab. A,Dinas,1,4,,\n",
    );
    let (code, out, err) = run(spbe().args([
        "compare",
        &sheet,
        "--stage-column",
        "mandiri=level_mandiri",
        "--stage-column",
        "akhir=level_final",
    ]));
    assert_eq!((code, out.as_str()), (2, ""));
    for want in [
        format!(
            "{sheet}:3:4: column \"level_mandiri\": level 6 is outside the model's range 1 to 5"
        ),
        format!(
            "{sheet}:4:4: column \"level_mandiri\": every stage's level is empty (\"level_mandiri\", \"level_final\") but the row has evidence or a note"
        ),
        format!(
            "{sheet}:5:3: column \"indikator\": OPD \"Dinas\" of \"Kab. A\" already answered indicator 1 at stage mandiri"
        ),
    ] {
        assert!(err.contains(&want), "{want}\n{err}");
    }
    // A stage column no sheet has: the flag is named, as `spbe score` names it.
    let ok = dir.write("ok.csv", "instansi,opd,indikator,level\nKab. A,Dinas,1,3\n");
    let (code, _, err) = run(spbe().args(["compare", &ok, "--stage-column", "akhir=nilai_akhir"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--stage-column akhir=nilai_akhir: no sheet has this column"),
        "{err}"
    );
}

/// Responsibility maps: per institution its own rows (each indicator owned by one of its OPD,
/// chosen by `seed`), and one row for every institution (indicator 47, owned by an OPD that
/// answers nothing, so the fallback decides it).
fn owner_rows(seed: usize, answers: &[[String; 3]]) -> Vec<(String, String)> {
    let mut opds: Vec<&str> = answers.iter().map(|[o, _, _]| o.as_str()).collect();
    opds.dedup();
    opds.sort();
    opds.dedup();
    (1..47usize)
        .filter(|i| i % 4 != seed % 4)
        .map(|i| (i.to_string(), opds[(i + seed) % opds.len()].to_string()))
        .collect()
}

#[test]
fn combine_owner_takes_each_institutions_own_map_as_spbe_score_does() {
    let dir = Dir::new();
    let provinsi = folders(&dir);
    let long = dir.write("nasional.csv", long_sheet(&grouped_rows()));
    let mut map = String::from("instansi,indikator,opd,peran\n,47,Inspektorat,owner\n");
    let mut yaml = String::from("- {indicator: 47, opd: Inspektorat}\n");
    for (seed, (name, _, answers)) in institutions().into_iter().enumerate() {
        let mut own = String::from("indicator,opd,role\n47,Inspektorat,owner\n");
        for (ind, opd) in owner_rows(seed, &answers) {
            map.push_str(&format!("{name},{ind},{opd},owner\n"));
            yaml.push_str(&format!(
                "- {{instansi: {name}, indicator: {ind}, opd: {opd}, role: owner}}\n"
            ));
            own.push_str(&format!("{ind},{opd},owner\n"));
        }
        dir.write(format!("peta/{name}.csv"), own);
    }
    let map = dir.write("pemilik.csv", map);
    for fallback in [&[][..], &["--fallback", "max"]] {
        for input in [long.as_str(), provinsi.to_str().unwrap()] {
            let compared = json(&stdout_of(
                spbe()
                    .args(["compare", input, "-f", "json", "--combine", "owner"])
                    .args(["--owners", &map])
                    .args(fallback),
            ));
            let rows = compared["institutions"].as_array().unwrap();
            assert_eq!(rows.len(), 3);
            for row in rows {
                let name = row["name"].as_str().unwrap();
                let own = dir.join(format!("peta/{name}.csv"));
                let mut extra = vec!["--combine", "owner", "--owners", own.to_str().unwrap()];
                extra.extend(fallback);
                assert_row_is_score(row, &score_of(&provinsi.join(name), &extra), true);
            }
        }
    }
    // The record says how: owner, and the fallback.
    let grouped = json(&stdout_of(spbe().args([
        "compare",
        &long,
        "-f",
        "json",
        "--combine",
        "owner",
        "--owners",
        &map,
        "--fallback",
        "max",
    ])));
    assert_eq!(
        (&grouped["combine"], &grouped["fallback"]),
        (&"owner".into(), &"max".into())
    );
    // The same map in YAML (the key instansi): the same result.
    let yaml = dir.write("pemilik.yaml", yaml);
    let from_yaml = json(&stdout_of(spbe().args([
        "compare",
        &long,
        "-f",
        "json",
        "--combine",
        "owner",
        "--owners",
        &yaml,
        "--fallback",
        "max",
    ])));
    assert_eq!(from_yaml["institutions"], grouped["institutions"]);
    // Rows not together (every institution kept open, its answers whole): the same result.
    let mut rows = grouped_rows();
    rows.sort_by_key(|&(i, r)| (r / 3, i, r));
    let scattered = dir.write("scattered.csv", long_sheet(&rows));
    let again = json(&stdout_of(spbe().args([
        "compare",
        &scattered,
        "-f",
        "json",
        "--combine",
        "owner",
        "--owners",
        &map,
        "--fallback",
        "max",
    ])));
    for (x, y) in grouped["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .zip(again["institutions"].as_array().unwrap())
    {
        for field in ["name", "index", "domains", "answers", "opds", "warnings"] {
            assert_eq!(x[field], y[field], "{field}");
        }
    }
    // The owner decides: the maps make a difference against min.
    let index = |extra: &[&str]| {
        json(&stdout_of(
            spbe().args(["compare", &long, "-f", "json"]).args(extra),
        ))["institutions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Kab. Satu")
            .unwrap()["index"]
            .to_string()
    };
    assert_ne!(index(&["--combine", "owner", "--owners", &map]), index(&[]));
}

#[test]
fn combine_owner_needs_a_map_for_each_institution() {
    let dir = Dir::new();
    let provinsi = folders(&dir);
    let long = dir.write("nasional.csv", long_sheet(&grouped_rows()));
    // Rows for two of the three institutions, none for every institution.
    let map = dir.write(
        "pemilik.csv",
        "instansi,indicator,opd\nKota Contoh,1,Diskominfo\nKab. Satu,1,Bappeda\n",
    );
    let (code, out, err) =
        run(spbe().args(["compare", &long, "--combine", "owner", "--owners", &map]));
    assert_eq!((code, out.as_str()), (2, ""));
    let line = 1 + city_answers().len() + synthetic(1, None).len() + 1;
    assert!(
        err.contains(&format!(
            "{long}:{line}: --combine owner needs a responsibility map for each institution, and {map} has no rows for \"Kab. Dua\": add rows with instansi \"Kab. Dua\""
        )),
        "{err}"
    );
    let (code, _, err) = run(spbe()
        .args(["compare", "--combine", "owner", "--owners", &map])
        .arg(&provinsi));
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!(
            "{}: --combine owner needs a responsibility map for each institution, and {map} has no rows for \"Kab. Dua\"",
            provinsi.join("Kab. Dua").display()
        )),
        "{err}"
    );
    // No map at all, a map without owner, a fallback without owner: as `spbe score` says.
    let (code, _, err) = run(spbe().args(["compare", &long, "--combine", "owner"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--combine owner needs a responsibility map: add --owners FILE"),
        "{err}"
    );
    let (code, _, err) = run(spbe().args(["compare", &long, "--owners", &map]));
    assert_eq!(code, 2);
    assert!(
        err.contains("add --combine owner or drop --owners"),
        "{err}"
    );
    let (code, _, err) = run(spbe().args(["compare", &long, "--fallback", "max"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--fallback only applies with --combine owner"),
        "{err}"
    );
    // A map's institution nothing compared is: located, with the close names.
    let typo = dir.write(
        "typo.csv",
        "instansi,indicator,opd\n,1,Diskominfo\nKab. Sat,2,Bappeda\n",
    );
    let (code, _, err) =
        run(spbe().args(["compare", &long, "--combine", "owner", "--owners", &typo]));
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!(
            "{typo}:3: no institution named \"Kab. Sat\" is compared; did you mean \"Kab. Satu\"?"
        )),
        "{err}"
    );
    // A map beside the institution folders would be read as a long sheet.
    let inside = dir.write(
        "provinsi/pemilik.csv",
        "instansi,indicator,opd\n,1,Bappeda\n",
    );
    let (code, _, err) = run(spbe()
        .args(["compare", "--combine", "owner", "--owners", &inside])
        .arg(&provinsi));
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!(
            "the responsibility map {inside} is inside the sheet folder {}",
            provinsi.display()
        )),
        "{err}"
    );
    std::fs::remove_file(&inside).unwrap();
    // A bad row of the map is located as in `spbe score`.
    let bad = dir.write("bad.csv", "instansi,indicator,opd\nKab. Satu,99,Bappeda\n");
    let (code, _, err) =
        run(spbe().args(["compare", &long, "--combine", "owner", "--owners", &bad]));
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!(
            "{bad}:2:2: column \"indicator\": unknown indicator \"99\""
        )),
        "{err}"
    );
}

/// Two Pemdi 2026 institutions in one long sheet (`;`, decimal commas), and each in a folder.
fn pemdi_institutions(dir: &Dir) -> (String, std::path::PathBuf) {
    let mut long = String::from("instansi;opd;indikator;nilai\n");
    for (k, name) in ["Kab. A", "Kab. B"].iter().enumerate() {
        let mut one = String::from("opd;indikator;nilai\n");
        for i in 1..=20usize {
            if [5, 6, 7, 18].contains(&i) && k == 0 {
                continue;
            }
            let value = format!("{},{:02}", 1 + (i + k) % 4, (i * 13 + k * 7) % 100);
            long.push_str(&format!("{name};Diskominfo;I{i};{value}\n"));
            one.push_str(&format!("Diskominfo;I{i};{value}\n"));
        }
        dir.write(format!("pemdi/{name}/nilai.csv"), one);
    }
    (dir.write("pemdi.csv", long), dir.join("pemdi"))
}

#[test]
fn external_values_per_institution_give_what_spbe_score_gives() {
    let dir = Dir::new();
    let (long, folders) = pemdi_institutions(&dir);
    let file = dir.write(
        "eksternal.csv",
        "instansi;kunci;nilai\nKab. A;SDI;55,2\nkab.  a;I18;70\nKab. B;IPS;3.1\n",
    );
    let global = ["--external", "SDI=20", "--external", "SJIG=2,7"];
    // Per institution, what `spbe score` is given: the file's values win over the global ones.
    let own = |name: &str| -> Vec<&str> {
        match name {
            "Kab. A" => vec![
                "--external",
                "SDI=55,2",
                "--external",
                "I18=70",
                "--external",
                "SJIG=2,7",
            ],
            _ => vec![
                "--external",
                "IPS=3.1",
                "--external",
                "SDI=20",
                "--external",
                "SJIG=2,7",
            ],
        }
    };
    for input in [long.as_str(), folders.to_str().unwrap()] {
        for (flags, with_file) in [(&global[..], true), (&[][..], false), (&global[..], false)] {
            let mut cmd = spbe();
            cmd.args(["compare", input, "-f", "json", "--model", "pemdi-2026"])
                .args(flags);
            if with_file {
                cmd.args(["--external-file", &file]);
            }
            let compared = json(&stdout_of(&mut cmd));
            let rows = compared["institutions"].as_array().unwrap();
            assert_eq!(rows.len(), 2);
            for row in rows {
                let name = row["name"].as_str().unwrap();
                let mut extra = vec!["--model", "pemdi-2026"];
                match with_file {
                    true => extra.extend(own(name)),
                    false => extra.extend(flags),
                }
                let mut score = score_of(&folders.join(name), &extra);
                if with_file {
                    // The notice says where each value came from: the file's line here, the
                    // flag there; the rest is the same.
                    let said = |v: &Value| -> Vec<String> {
                        v["warnings"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|w| w.as_str().unwrap().to_string())
                            .collect()
                    };
                    let file_said = said(row).iter().any(|w| {
                        w.contains(&format!("({file}:2)")) || w.contains(&format!("({file}:4)"))
                    });
                    assert!(file_said, "{name}: {:?}", said(row));
                    let blank = |w: &str| match (w.find(" ("), w.find("), band ")) {
                        (Some(a), Some(b)) if w.starts_with("external: ") => {
                            let a = w[..b].rfind(" (").unwrap_or(a);
                            format!("{}(…){}", &w[..a + 1], &w[b + 1..])
                        }
                        _ => w.to_string(),
                    };
                    let blanked = |v: &Value| -> Value {
                        said(v).iter().map(|w| Value::from(blank(w))).collect()
                    };
                    let mut row = row.clone();
                    row["warnings"] = blanked(&row);
                    score["warnings"] = blanked(&score);
                    assert_row_is_score(&row, &score, true);
                } else {
                    assert_row_is_score(row, &score, true);
                }
            }
            // Without a value, each institution has its pending notices, as in `spbe score`.
            let pending = |row: &Value| {
                row["warnings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|w| w.as_str().unwrap().starts_with("pending: "))
                    .count()
            };
            if flags.is_empty() {
                let by = |n: &str| rows.iter().find(|r| r["name"] == n).unwrap();
                assert_eq!((pending(by("Kab. A")), pending(by("Kab. B"))), (4, 0));
            }
        }
    }
}

#[test]
fn bad_external_values_are_located() {
    let dir = Dir::new();
    let (long, _) = pemdi_institutions(&dir);
    let run_with = |text: &str| {
        let file = dir.write("eksternal.csv", text);
        let (code, out, err) = run(spbe().args([
            "compare",
            &long,
            "--model",
            "pemdi-2026",
            "--external-file",
            &file,
        ]));
        assert_eq!((code, out.as_str()), (2, ""), "{err}");
        (file, err)
    };
    let (file, err) = run_with(
        "institution,key,value\nKab. A,BPS,3\nKab. A,SDI,tinggi\nKab. B,I1,3\n,SDI,3\nKab. A,SDI,101\n",
    );
    for want in [
        format!("{file}:2:2: column \"key\": unknown key \"BPS\"; the keys are: SDI (indicator 5)"),
        format!(
            "{file}:3:3: column \"value\": \"tinggi\" is not a number; write e.g. 55.2 or 55,2"
        ),
        format!(
            "{file}:4:2: column \"key\": indicator 1 is not valued from another agency's index"
        ),
        format!("{file}:5:1: column \"institution\": the institution is empty"),
        format!("{file}:6:3: column \"value\": Indeks SDI 101 is outside its scale 0 to 100"),
    ] {
        assert!(err.contains(&want), "{want}\n{err}");
    }
    let (file, err) = run_with("institution,key,value\nKab. A,SDI,50\nKAB. A,I5,60\n");
    assert!(
        err.contains(&format!(
            "{file}:3:2: column \"key\": \"KAB. A\" already has a value for indicator 5 at line 2"
        )),
        "{err}"
    );
    let (file, err) = run_with("instansi;kunci;nilai\nKab. C;SDI;50\n");
    assert!(
        err.contains(&format!(
            "{file}:2:1: column \"instansi\": no institution named \"Kab. C\" is compared; write the name as the inputs write it"
        )),
        "{err}"
    );
    let (file, err) = run_with("instansi;nilai\nKab. A;50\n");
    assert!(
        err.contains(&format!(
            "{file}:1: missing column key (or kunci); the header row has: instansi, nilai"
        )),
        "{err}"
    );
    // The global values are checked as `spbe score` checks them.
    let (code, _, err) = run(spbe().args([
        "compare",
        &long,
        "--model",
        "pemdi-2026",
        "--external",
        "SDI=101",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("error: --external \"SDI=101\": Indeks SDI 101 is outside its scale 0 to 100"),
        "{err}"
    );
    let (code, _, err) = run(spbe().args([
        "compare",
        &long,
        "--model",
        "pemdi-2026",
        "--external",
        "SDI=1",
        "--external",
        "I5=2",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("both value indicator 5; give one value"),
        "{err}"
    );
}

#[test]
fn a_map_read_as_windows_1252_is_said_once() {
    let dir = Dir::new();
    let long = dir.write("nasional.csv", long_sheet(&grouped_rows()));
    let mut map = b"instansi,indicator,opd\n,1,Diskominfo\n,2,Dinas Pend\xeddikan\n".to_vec();
    map.extend_from_slice(b",3,Bappeda\n");
    let map = dir.write("pemilik.csv", map);
    let (code, _, err) = run(spbe().args([
        "compare",
        &long,
        "-f",
        "json",
        "--combine",
        "owner",
        "--owners",
        &map,
    ]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err.matches("line 3 is not UTF-8, so the map was read as windows-1252")
            .count(),
        1,
        "{err}"
    );
}

/// A national comparison's notices: what every institution is told is said once, the rest up to
/// twenty lines and then counted; the JSON keeps every institution's own.
#[test]
fn notices_of_many_institutions_are_said_once_and_counted() {
    let dir = Dir::new();
    // 25 institutions, each leaving a different indicator unanswered.
    let mut sheet = String::from("instansi,opd,indicator,level\n");
    for k in 1..=25usize {
        for i in (1..=47usize).filter(|&i| i != k) {
            sheet.push_str(&format!("Kab. {k:02},Diskominfo,{i},{}\n", 1 + i % 5));
        }
    }
    let long = dir.write("nasional.csv", sheet);
    let (code, out, err) = run(spbe().args(["compare", &long, "--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 21, "{err}");
    assert!(lines[0].starts_with("warning: Kab. "), "{err}");
    assert!(lines[0].contains("indicator"), "{err}");
    assert_eq!(
        lines[20],
        "warning: … and 5 more notices of 5 institutions: the JSON output lists each institution's warnings"
    );
    let out = json(&out);
    let listed = out["institutions"].as_array().unwrap();
    assert_eq!(listed.len(), 25);
    assert!(
        listed
            .iter()
            .all(|i| i["warnings"].as_array().is_some_and(|w| w.len() == 1)),
        "every institution keeps its own notice in the JSON"
    );
    // Pemdi 2026 is not official: every institution is told so, in one line.
    let mut pemdi = String::from("instansi,opd,indicator,level\n");
    for k in 1..=3usize {
        for i in 1..=20usize {
            pemdi.push_str(&format!("Kab. {k},Diskominfo,{i},2\n"));
        }
    }
    let long = dir.write("pemdi.csv", pemdi);
    let (code, _, err) = run(spbe().args(["compare", &long, "--model", "pemdi-2026"]));
    assert_eq!(code, 0, "{err}");
    let every: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("warning: every institution: "))
        .collect();
    assert!(
        every.iter().any(|l| l.contains("secondary, not official")),
        "{err}"
    );
    assert!(!err.contains("Kab. 2: the model"), "{err}");
}
