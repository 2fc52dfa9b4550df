//! The embedded models load and validate; Pemdi 2026 scores as computed by hand.

use spbe::core::exact::{Exact, fixed, int, ratio};
use spbe::core::model::{Model, Status};
use spbe::core::score::{PredicateBasis, predicate, score};
use spbe::input::model::EMBEDDED;

use crate::harness::{Dir, spbe};

fn levels(v: &[i64]) -> Vec<Exact> {
    v.iter().map(|&l| int(l)).collect()
}

#[test]
fn every_embedded_model_loads_and_validates() {
    for (id, _) in EMBEDDED {
        let m = Model::load(id).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(&m.id, id);
    }
}

#[test]
fn pemdi_2026_has_the_reported_structure() {
    let m = Model::load("pemdi-2026").unwrap();
    assert_eq!(m.status, Status::Secondary);
    assert!(m.domains.is_empty(), "Pemdi has no domain layer");
    assert_eq!(m.aspects.len(), 7);
    assert_eq!(m.indicators.len(), 20);
    assert_eq!((m.min_level, m.max_level), (1, 5));
    let aspect_weights: Vec<String> = m.aspects.iter().map(|a| m.weight_text(a.weight)).collect();
    assert_eq!(aspect_weights, ["10", "10", "15", "15", "10", "15", "25"]);
    let weights: Vec<String> = m
        .indicators
        .iter()
        .map(|i| m.weight_text(i.weight))
        .collect();
    assert_eq!(
        weights,
        [
            "5", "5", "5", "5", "5", "3", "3", "4", "4", "4", "3", "4", "5", "5", "4", "4", "4",
            "3", "10", "15"
        ]
    );
    let names: Vec<&str> = (1..=5).map(|l| m.level_name(0, l)).collect();
    assert_eq!(
        names,
        [
            "Rintisan",
            "Terkelola",
            "Terstandarisasi",
            "Terintegrasi dan Terukur",
            "Optimum"
        ]
    );
}

/// Levels 3,2,4,3,2,1,3,2,1,2,1,2,4,3,2,3,4,2,3,3 by hand, level × weight per aspect:
/// A1 15+10=25 → 2.5; A2 20+15=35 → 3.5; A3 10+3+9+8=30 → 30/15=2; A4 4+8+3+8=23 → 23/15;
/// A5 20+15=35 → 3.5; A6 8+12+16+6=42 → 2.8; A7 30+45=75 → 3. Index 265/100 = 2.65, Baik (Berkembang).
#[test]
fn pemdi_2026_scores_as_computed_by_hand() {
    let m = Model::load("pemdi-2026").unwrap();
    let s = score(
        &m,
        &levels(&[3, 2, 4, 3, 2, 1, 3, 2, 1, 2, 1, 2, 4, 3, 2, 3, 4, 2, 3, 3]),
    );
    assert_eq!(s.index, ratio(265, 100));
    assert_eq!(
        s.aspects,
        vec![
            ratio(5, 2),
            ratio(7, 2),
            int(2),
            ratio(23, 15),
            ratio(7, 2),
            ratio(14, 5),
            int(3)
        ]
    );
    assert!(s.domains.is_empty());
    assert_eq!(fixed(&s.aspects[3], 2), "1.53");
    assert_eq!(
        predicate(&m, &s.index, PredicateBasis::Exact).name,
        "Baik (Berkembang)"
    );
}

/// The band edges as reported: 1.50, 2.50, 3.50 and 4.00 open the next band.
#[test]
fn pemdi_2026_band_edges() {
    let m = Model::load("pemdi-2026").unwrap();
    let cases: [(&[i64], &str, &str); 6] = [
        // all 1 except A7 (weight 25) at 3: 75 + 75 = 150
        (
            &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3],
            "1.50",
            "Cukup (Membangun)",
        ),
        // all 2 except A7 at 4: 150 + 100 = 250
        (
            &[2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4, 4],
            "2.50",
            "Baik (Berkembang)",
        ),
        // all 3 except A7 at 5: 225 + 125 = 350
        (
            &[3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 5, 5],
            "3.50",
            "Sangat Baik (Melembaga)",
        ),
        (&[4; 20], "4.00", "Memuaskan (Unggul)"),
        (&[1; 20], "1.00", "Kurang (Merintis)"),
        (&[5; 20], "5.00", "Memuaskan (Unggul)"),
    ];
    for (lv, shown, pred) in cases {
        let s = score(&m, &levels(lv));
        assert_eq!(fixed(&s.index, 2), shown);
        assert_eq!(predicate(&m, &s.index, PredicateBasis::Exact).name, pred);
    }
    // Under the first edge: 1 × 75 + 2 × 10 (indicator 19) + 3 × 15 (indicator 20) = 140 → 1.40.
    let mut lv = vec![1i64; 20];
    lv[18] = 2;
    lv[19] = 3;
    let s = score(&m, &levels(&lv));
    assert_eq!(s.index, ratio(140, 100));
    assert_eq!(
        predicate(&m, &s.index, PredicateBasis::Exact).name,
        "Kurang (Merintis)"
    );
}

#[test]
fn spbe_2018_is_reconstructed_with_levels_0_to_5() {
    let m = Model::load("spbe-2018").unwrap();
    assert_eq!(m.status, Status::Reconstructed);
    assert_eq!((m.min_level, m.max_level), (0, 5));
    assert_eq!(m.domains.len(), 3);
    assert_eq!(m.aspects.len(), 7);
    assert_eq!(m.indicators.len(), 35);
    let dw: Vec<String> = m.domains.iter().map(|d| m.weight_text(d.weight)).collect();
    assert_eq!(dw, ["17", "28", "55"]);
    for (i, ind) in m.indicators.iter().enumerate() {
        let want = match i + 1 {
            1..=17 => "1",
            18..=24 => "4",
            _ => "5",
        };
        assert_eq!(m.weight_text(ind.weight), want, "indicator {}", ind.id);
        assert!(
            ind.name.contains("belum dikonfirmasi"),
            "placeholder marked"
        );
    }
    assert!(m.notes.as_deref().unwrap().contains("PLACEHOLDERS"));
    // All 0 → 0.00, all 5 → 5.00; level 3 everywhere → 3.00.
    assert_eq!(score(&m, &vec![int(0); 35]).index, int(0));
    assert_eq!(score(&m, &vec![int(5); 35]).index, int(5));
    // Only the 17 policy indicators at 5: 17 × 5 / 100 = 0.85; domain D1 index 5.
    let mut lv = vec![int(0); 35];
    for l in lv.iter_mut().take(17) {
        *l = int(5);
    }
    let s = score(&m, &lv);
    assert_eq!(s.index, ratio(85, 100));
    assert_eq!(s.domains, vec![int(5), int(0), int(0)]);
}

#[test]
fn models_lists_every_model_with_status_and_source() {
    let out = spbe()
        .args(["models", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    insta::assert_snapshot!(text);
}

#[test]
fn a_non_official_model_is_named_prominently() {
    let dir = Dir::new();
    let sheet = dir.path().join("pemdi.csv");
    std::fs::write(
        &sheet,
        "indicator,level\n1,3\n2,2\n3,4\n4,3\n5,2\n6,1\n7,3\n8,2\n9,1\n10,2\n11,1\n12,2\n13,4\n14,3\n15,2\n16,3\n17,4\n18,2\n19,3\n20,3\n",
    )
    .unwrap();
    let assert = spbe()
        .args(["score", "--model", "pemdi-2026"])
        .arg(&sheet)
        .assert()
        .success();
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        out.contains("CAUTION: model pemdi-2026 is SECONDARY"),
        "{out}"
    );
    assert!(out.contains("Index: 2.65  Baik (Berkembang)"), "{out}");
    assert!(
        err.contains("the model pemdi-2026 is secondary, not official"),
        "{err}"
    );

    let json = spbe()
        .args(["score", "--model", "pemdi-2026", "--format", "json"])
        .arg(&sheet)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["model"]["id"], "pemdi-2026");
    assert_eq!(v["model"]["status"], "secondary");
    assert_eq!(v["index"].to_string(), "2.65");
    assert_eq!(v["domains"].as_array().unwrap().len(), 0);
}

#[test]
fn an_spbe_2018_sheet_scores_with_level_0() {
    let dir = Dir::new();
    let sheet = dir.path().join("2019.csv");
    // 1-17 at 5 (17 × 1 × 5 = 85), 18 at 0, 25 at 4 (5 × 4 = 20), the rest unanswered (level 0).
    let mut text = String::from("indicator,level\n");
    for i in 1..=17 {
        text.push_str(&format!("{i},5\n"));
    }
    text.push_str("18,0\n25,Tingkat 4\n");
    std::fs::write(&sheet, text).unwrap();
    let json = spbe()
        .args(["score", "--model", "spbe-2018", "--format", "json"])
        .arg(&sheet)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["model"]["status"], "reconstructed");
    assert_eq!(v["index"].to_string(), "1.05");
    assert_eq!(v["predicate"], "Kurang");
    assert_eq!(v["domains"][0]["index"].to_string(), "5");
}
