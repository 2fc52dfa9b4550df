//! The model format: the embedded SPBE 2020 model is complete, and every validation rule reports
//! its problem with the file, the YAML path and the line, all at once.

use spbe::core::model::{Model, Status};

#[test]
fn the_embedded_2020_model_is_complete() {
    let m = Model::load("spbe-2020").unwrap();
    assert_eq!(m.status, Status::Official);
    assert_eq!(
        (m.domains.len(), m.aspects.len(), m.indicators.len()),
        (4, 8, 47)
    );
    assert_eq!((m.min_level, m.max_level, m.decimals), (1, 5, 2));
    let weights: Vec<String> = m.domains.iter().map(|d| m.weight_text(d.weight)).collect();
    assert_eq!(weights, ["13.00", "25.00", "16.50", "45.50"]);
    let aspects: Vec<String> = m.aspects.iter().map(|a| m.weight_text(a.weight)).collect();
    assert_eq!(
        aspects,
        [
            "13.00", "10.00", "10.00", "5.00", "12.00", "4.50", "27.50", "18.00"
        ]
    );
    let by_id = |id: &str| &m.indicators[m.find_indicator(id).unwrap()];
    for (id, w, scale) in [
        ("1", "1.30", "process"),
        ("11", "2.50", "process"),
        ("20", "2.50", "process"),
        ("21", "1.50", "process"),
        ("31", "1.50", "process"),
        ("32", "2.75", "service"),
        ("42", "3.00", "service"),
        ("47", "3.00", "service"),
    ] {
        assert_eq!(m.weight_text(by_id(id).weight), w, "indicator {id}");
        assert_eq!(m.scales[by_id(id).scale].id, scale, "indicator {id}");
    }
    assert_eq!(
        by_id("I44").name,
        "Jaringan Dokumentasi dan Informasi Hukum (JDIH)"
    );
    assert_eq!(m.level_name(0, 4), "Terpadu dan Terukur");
    assert_eq!(m.level_name(46, 3), "Transaksi");
    let bands: Vec<&str> = m.predicates.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        bands,
        ["Kurang", "Cukup", "Baik", "Sangat Baik", "Memuaskan"]
    );
}

const GOOD: &str = "\
id: mini
name: Mini
version: 1
source: test
status: reconstructed
levels: {min: 1, max: 5}
scales:
  s:
    levels: {1: a, 2: b, 3: c, 4: d, 5: e}
predicates:
  - {name: Low, min: 1, max: 3}
  - {name: High, min: 3, max: 5}
aspects:
  - id: A1
    name: First
    weight: 60
    indicators:
      - {id: \"1\", name: One, weight: 35.5, scale: s}
      - {id: \"2\", name: Two, weight: 24.5, scale: s}
  - id: A2
    name: Second
    weight: 40
    indicators:
      - {id: \"3\", code: X3, name: Three, weight: 40, scale: s}
";

#[test]
fn a_model_without_domains_loads() {
    let m = Model::from_yaml(GOOD, "mini.yaml").unwrap();
    assert!(m.domains.is_empty());
    assert_eq!(m.units_per_percent, 10);
    assert_eq!(m.version, "1");
    assert_eq!(m.find_indicator("x3"), Some(2));
}

fn problems(text: &str) -> String {
    Model::from_yaml(text, "bad.yaml").unwrap_err().to_string()
}

#[test]
fn weights_must_add_up_exactly_and_total_100() {
    let text = GOOD
        .replace("weight: 24.5", "weight: 24.4")
        .replace("weight: 40\n    indicators", "weight: 41\n    indicators");
    assert_eq!(
        problems(&text),
        "the model bad.yaml has 3 problems:\n  \
         bad.yaml:16: aspects[0].weight: aspect A1 weighs 60 but its indicators add up to 59.9; a parent's weight must equal the sum of its children's\n  \
         bad.yaml:22: aspects[1].weight: aspect A2 weighs 41 but its indicators add up to 40; a parent's weight must equal the sum of its children's\n  \
         bad.yaml:13: aspects: the aspects weigh 101 in total; the total must be exactly 100"
    );
}

#[test]
fn ids_unique_weights_positive_scales_defined() {
    let text = GOOD
        .replace(
            "{id: \"2\", name: Two, weight: 24.5",
            "{id: \"1\", name: Two, weight: 0",
        )
        .replace(
            "code: X3, name: Three, weight: 40, scale: s",
            "code: X3, name: Three, weight: 40, scale: t",
        );
    assert_eq!(
        problems(&text),
        "the model bad.yaml has 3 problems:\n  \
         bad.yaml:19: aspects[0].indicators[1].weight: weight 0 must be greater than 0\n  \
         bad.yaml:24: aspects[1].indicators[0].scale: indicator 3 names scale \"t\", which is not defined; defined scales: s\n  \
         bad.yaml:19: aspects[0].indicators[1].id: indicator id \"1\" is already used at aspects[0].indicators[0]; ids must be unique"
    );
}

#[test]
fn level_names_must_cover_the_range() {
    let text = GOOD.replace(
        "{1: a, 2: b, 3: c, 4: d, 5: e}",
        "{1: a, 2: b, 4: d, 5: e, 6: f}",
    );
    assert_eq!(
        problems(&text),
        "the model bad.yaml has 2 problems:\n  \
         bad.yaml:9: scales.s.levels: scale \"s\" has no name for level 3; name every level 1..5\n  \
         bad.yaml:9: scales.s.levels: scale \"s\" names level 6, outside the range 1..5"
    );
}

#[test]
fn bands_must_cover_the_range_without_gap_or_overlap() {
    let gap = GOOD.replace(
        "{name: High, min: 3, max: 5}",
        "{name: High, min: 3.5, max: 5}",
    );
    assert_eq!(
        problems(&gap),
        "the model bad.yaml has 1 problem:\n  \
         bad.yaml:12: predicates[1]: a gap between bands \"Low\" (up to 3) and \"High\" (from 3.5); each band must start where the one below ends"
    );
    let overlap = GOOD.replace(
        "{name: High, min: 3, max: 5}",
        "{name: High, min: 2.5, max: 4.5}",
    );
    assert_eq!(
        problems(&overlap),
        "the model bad.yaml has 2 problems:\n  \
         bad.yaml:12: predicates[1]: the highest band \"High\" ends at 4.5, but the levels end at 5; bands must cover the whole range\n  \
         bad.yaml:12: predicates[1]: an overlap between bands \"Low\" (up to 3) and \"High\" (from 2.5); each band must start where the one below ends"
    );
    let low = GOOD.replace("{name: Low, min: 1, max: 3}", "{name: Low, min: 0, max: 3}");
    assert_eq!(
        problems(&low),
        "the model bad.yaml has 1 problem:\n  \
         bad.yaml:11: predicates[0]: the lowest band \"Low\" starts at 0, but the levels start at 1; bands must cover the whole range"
    );
}

#[test]
fn yaml_and_type_errors_carry_the_line() {
    assert_eq!(
        problems(&GOOD.replace("status: reconstructed", "status: draft")),
        "the model bad.yaml has 1 problem:\n  bad.yaml:5: status: unknown variant `draft`, expected one of `official`, `secondary`, `reconstructed`"
    );
    assert_eq!(
        problems(&GOOD.replace("name: First", "name: First\n    colour: red")),
        "the model bad.yaml has 1 problem:\n  bad.yaml:16: aspects[0]: unknown field `colour`, expected one of `id`, `name`, `weight`, `indicators`"
    );
    assert_eq!(
        problems("id: x\nname: \"unclosed\n"),
        "the model bad.yaml has 1 problem:\n  bad.yaml:3: found unexpected end of stream"
    );
}

#[test]
fn alias_bombs_and_huge_files_are_refused() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb.push_str(&format!(
            "{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
            c = (b'a' + i) as char,
            p = (b'a' + i - 1) as char
        ));
    }
    let err = problems(&bomb);
    assert!(
        err.starts_with("the model bad.yaml has 1 problem:"),
        "{err}"
    );
    let huge = "#".repeat(5 << 20);
    assert!(problems(&huge).contains("the model is larger than 4 MiB"));
}

#[test]
fn type_errors_speak_of_numbers_not_rust_types() {
    assert_eq!(
        problems(&GOOD.replace("levels: {min: 1, max: 5}", "levels: {min: -1, max: 5}")),
        "the model bad.yaml has 1 problem:\n  bad.yaml:6: levels.min: invalid type: integer `-1`, expected a whole number from 0 to 100"
    );
}
