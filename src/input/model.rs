//! Reading a model: its YAML format, its validation, and the models embedded in the binary.
//!
//! Loading checks everything and reports every problem at once, each with the file, the YAML
//! path and the line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::Path;

use num_traits::{ToPrimitive, Zero};
use schemars::JsonSchema;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::core::exact::{self, Exact};
use crate::core::model::*;
use crate::core::value::MAX_DECIMALS;

/// Models compiled into the binary: `(id, YAML text)`. The first is the default.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("spbe-2020", include_str!("../../indicators/spbe-2020.yaml")),
    (
        "pemdi-2026",
        include_str!("../../indicators/pemdi-2026.yaml"),
    ),
    ("spbe-2018", include_str!("../../indicators/spbe-2018.yaml")),
];

/// The model used when none is named.
pub const DEFAULT_MODEL: &str = "spbe-2020";

impl Model {
    /// Lists the ids of the embedded models.
    pub fn embedded_ids() -> impl Iterator<Item = &'static str> {
        EMBEDDED.iter().map(|(id, _)| *id)
    }

    /// Loads an embedded model by id, or a YAML file by path. A name that is neither says which
    /// names exist.
    pub fn load(name_or_path: &str) -> Result<Model, ModelError> {
        if let Some((id, text)) = EMBEDDED.iter().find(|(id, _)| *id == name_or_path) {
            return Model::from_yaml(text, &format!("embedded:{id}"));
        }
        let path = Path::new(name_or_path);
        match read_capped(path, MAX_MODEL_BYTES as u64) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|e| {
                    let bytes = e.as_bytes();
                    let at = e.utf8_error().valid_up_to();
                    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
                    ModelError::at(
                        name_or_path,
                        line,
                        "the file is not UTF-8 text from here on; save it as UTF-8",
                    )
                })?;
                Model::from_yaml(&text, name_or_path)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ModelError::single(
                name_or_path,
                &format!(
                    "no such model file, and no embedded model has that name; embedded models: {}",
                    Model::embedded_ids().collect::<Vec<_>>().join(", ")
                ),
            )),
            Err(e) => Err(ModelError::single(
                name_or_path,
                &format!("cannot read the model: {e}"),
            )),
        }
    }

    /// [`Model::load`] for a command that shows no level criteria (`score`, `check`,
    /// `crosswalk`): an embedded model is parsed without its `requirements` section, the last of
    /// its text. That section is most of the text (spbe-2020: 127 of 136 KB) and parsing it was
    /// three quarters of the instructions of `spbe score` on one sheet. The sha256 is still of the whole text,
    /// and the tests load every embedded model whole. A model file is read whole, so that every
    /// problem in it is still reported.
    pub fn load_without_criteria(name_or_path: &str) -> Result<Model, ModelError> {
        let Some((id, text)) = EMBEDDED.iter().find(|(id, _)| *id == name_or_path) else {
            return Model::load(name_or_path);
        };
        let origin = format!("embedded:{id}");
        let Some(at) = text.find("\nrequirements:") else {
            return Model::from_yaml(text, &origin);
        };
        let mut model = Model::from_yaml(&text[..=at], &origin)?;
        model.sha256 = sha256_hex(text.as_bytes());
        Ok(model)
    }

    /// Parses and validates a model. `origin` names the file in messages.
    pub fn from_yaml(text: &str, origin: &str) -> Result<Model, ModelError> {
        if text.len() > MAX_MODEL_BYTES {
            return Err(ModelError::single(
                origin,
                &format!(
                    "the model is larger than {} MiB; a model is a small file",
                    MAX_MODEL_BYTES >> 20
                ),
            ));
        }
        if let Err((line, message)) = yaml_guard(text, "a model") {
            return Err(ModelError::at(origin, line, &message));
        }
        let raw: RawModel = serde_yaml::from_str(text).map_err(|e| {
            let line = e.location().map(|l| l.line());
            ModelError {
                origin: origin.to_string(),
                problems: vec![ModelProblem {
                    path: String::new(),
                    // Every model error names a line; the parser's few without one (a limit
                    // reached) are about the document as a whole.
                    line: line.or(Some(1)),
                    message: yaml_message(&e),
                }],
            }
        })?;
        let mut v = Validator {
            problems: Vec::new(),
            locator: Locator::new(text),
        };
        let model = v.build(raw, origin, text);
        if v.problems.is_empty() {
            Ok(model.expect("a model is built when nothing is wrong"))
        } else {
            Err(ModelError {
                origin: origin.to_string(),
                problems: v.problems,
            })
        }
    }
}

/// Reads a small side file (a model, a map, an effort table, a saved result) whole, refusing one
/// larger than `limit` bytes without reading past it (`--model /dev/zero` must not eat memory).
pub fn read_capped(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let file = std::fs::File::open(path)?;
    crate::input::note_read_with(path, file.metadata().ok().as_ref());
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "the file is larger than {} MiB, far more than this kind of file needs; check the path",
                limit >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// Models are small; anything bigger is refused before parsing.
const MAX_MODEL_BYTES: usize = 4 << 20;

/// Flow collections (`[ ]`, `{ }`) nested deeper than this are refused before parsing: the YAML
/// parser's time grows with the square of the depth (100 000 brackets take half a minute).
const MAX_FLOW_DEPTH: usize = 64;

/// Checks a YAML side file (a model, a responsibility map, an effort file) before the parser
/// sees it: nesting of `[ ]` and `{ }` deeper than [`MAX_FLOW_DEPTH`] is refused at the line
/// where it gets too deep. `what` names the kind of file ("a model").
pub(crate) fn yaml_guard(text: &str, what: &str) -> Result<(), (usize, String)> {
    let (depth, line) = flow_depth(text);
    if depth > MAX_FLOW_DEPTH {
        return Err((
            line,
            format!(
                "the YAML nests [ ] or {{ }} more than {MAX_FLOW_DEPTH} levels deep; {what} needs a few levels, so this is not one (refused before parsing)"
            ),
        ));
    }
    Ok(())
}

/// The deepest nesting of `[ ]` and `{ }` outside quoted scalars and comments, and the line
/// where it first went past [`MAX_FLOW_DEPTH`] (else the line of the deepest point). A quote
/// only opens a scalar where a scalar can start, so an apostrophe inside a word does not hide
/// what follows.
fn flow_depth(text: &str) -> (usize, usize) {
    let (mut depth, mut max) = (0usize, 0usize);
    let (mut line, mut at) = (1usize, 1usize);
    let mut prev = '\n';
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        let at_start = matches!(prev, ' ' | '\t' | '\n' | '\r' | ':' | '[' | '{' | ',' | '-');
        match c {
            '\n' => line += 1,
            '#' if prev.is_whitespace() => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        line += 1;
                        break;
                    }
                }
                prev = '\n';
                continue;
            }
            '"' if at_start => {
                let mut escaped = false;
                for d in chars.by_ref() {
                    match d {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => break,
                        '\n' => {
                            line += 1;
                            escaped = false;
                        }
                        _ => escaped = false,
                    }
                }
            }
            '\'' if at_start => {
                for d in chars.by_ref() {
                    match d {
                        '\'' => break,
                        '\n' => line += 1,
                        _ => {}
                    }
                }
            }
            '[' | '{' => {
                depth += 1;
                if depth > max {
                    max = depth;
                    if max <= MAX_FLOW_DEPTH + 1 {
                        at = line;
                    }
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = c;
    }
    (max, at)
}

fn yaml_message(e: &serde_yaml::Error) -> String {
    let msg = e.to_string();
    // serde_yaml appends " at line L column C"; the location is printed separately.
    let msg = match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    // Rust type names mean nothing to a model's author.
    msg.replace("expected u8", "expected a whole number from 0 to 100")
        .replace("expected u32", "expected a whole number")
        .replace(" as u128", "")
        .replace(" as i128", "")
}

/// Every problem found in one model file.
#[derive(Debug, thiserror::Error)]
pub struct ModelError {
    pub origin: String,
    pub problems: Vec<ModelProblem>,
}

#[derive(Debug, Clone)]
pub struct ModelProblem {
    /// YAML path such as `domains[1].aspects[0].weight`; empty for the whole file.
    pub path: String,
    /// 1-based line, when it could be found.
    pub line: Option<usize>,
    pub message: String,
}

impl ModelError {
    /// One problem of the whole file at `line`.
    fn at(origin: &str, line: usize, message: &str) -> Self {
        ModelError {
            origin: origin.to_string(),
            problems: vec![ModelProblem {
                path: String::new(),
                line: Some(line),
                message: message.to_string(),
            }],
        }
    }

    fn single(origin: &str, message: &str) -> Self {
        ModelError {
            origin: origin.to_string(),
            problems: vec![ModelProblem {
                path: String::new(),
                line: None,
                message: message.to_string(),
            }],
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "the model {} has {} problem{}:",
            self.origin,
            n,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {}", self.origin)?;
            if let Some(line) = p.line {
                write!(f, ":{line}")?;
            }
            if !p.path.is_empty() {
                write!(f, ": {}", p.path)?;
            }
            write!(f, ": {}", p.message)?;
        }
        Ok(())
    }
}

// ---- The YAML format --------------------------------------------------------------------------
//
// These structs are the YAML format. Their doc comments become the descriptions of the JSON
// Schema that `spbe schema` prints (`indicators/model.schema.json`); keep them user-facing.

/// An SPBE evaluation model: domains (optional) → aspects → indicators with weights in percent
/// of the whole index, the level scales, the predicate bands and the display rounding.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Model", title = "spbe evaluation model")]
struct RawModel {
    /// A short identifier, e.g. `spbe-2020`; shown in every result and receipt.
    id: Text,
    /// The index's name, e.g. `Indeks SPBE`.
    name: Text,
    /// The model's version, e.g. `"2020"`.
    version: Text,
    /// The regulation or document the model comes from.
    source: Text,
    status: Status,
    /// Anything a reader of results should know about this model.
    #[serde(default)]
    notes: Option<String>,
    levels: RawLevels,
    /// Named level scales, keyed by the id indicators use in `scale`.
    scales: BTreeMap<String, RawScale>,
    /// The predicate bands (e.g. `Baik` from 2.6 to 3.5); they must cover `levels.min` to
    /// `levels.max` without gaps or overlaps.
    predicates: Vec<RawPredicate>,
    #[serde(default)]
    rounding: Option<RawRounding>,
    /// The domains, each with its aspects. Give either `domains` or `aspects`, not both.
    #[serde(default)]
    domains: Option<Vec<RawDomain>>,
    /// The aspects, for a model with no domain layer. Give either `domains` or `aspects`.
    #[serde(default)]
    aspects: Option<Vec<RawAspect>>,
    /// What each level of an indicator requires and the evidence the assessors expect, keyed
    /// by the indicator's id. Optional: without it, outputs show the level names only.
    #[serde(default)]
    requirements: Option<BTreeMap<String, RawRequirement>>,
}

/// The range of maturity levels, e.g. 1 to 5, and whether indicator values are decimals.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Levels")]
struct RawLevels {
    /// The lowest level (an unanswered indicator scores this).
    min: u8,
    /// The highest level.
    max: u8,
    /// Digits after the decimal point of an indicator's value, 0 to 3: 0 (the default) when
    /// indicators are answered with whole levels (SPBE 2020), 2 when they take values such as
    /// `1.26` (Pemdi 2026). The name shown beside a value is its whole part's.
    #[serde(default)]
    #[schemars(range(max = 3))]
    decimals: u32,
}

/// A level scale: a name for every level from `levels.min` to `levels.max`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Scale")]
struct RawScale {
    /// The scale's name, e.g. `Proses (indikator 1-31)`.
    #[serde(default)]
    name: Option<String>,
    /// Level number → level name, e.g. `{1: Rintisan, 2: Terkelola, ...}`.
    levels: BTreeMap<i64, Text>,
    /// Level number → how far its name is confirmed (high, medium, low, unverified), for names
    /// taken from secondary sources.
    #[serde(default)]
    confidence: BTreeMap<i64, Confidence>,
}

/// A predicate band: an index from `min` (inclusive) to `max` (exclusive, except for the top
/// band, which includes it) earns this name.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Predicate")]
struct RawPredicate {
    /// The predicate, e.g. `Baik`.
    name: Text,
    /// The lower bound, inclusive.
    min: Number,
    /// The upper bound: exclusive, except for the top band.
    max: Number,
}

/// How results are rounded for display (from the exact value, half up).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Rounding")]
struct RawRounding {
    /// Digits after the decimal point, 0 to 6, e.g. 2 for `2.76` (2 when `rounding` is absent).
    #[schemars(range(max = 6))]
    decimals: u32,
    /// The rounding mode; only `half-up` is supported.
    #[serde(default = "half_up")]
    #[schemars(extend("enum" = ["half-up"]))]
    mode: String,
}

/// Doc comments wrap at 100 columns; editors show descriptions as flowing text.
fn unwrap_descriptions(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                match child {
                    serde_json::Value::String(s) if k == "description" => {
                        *s = s.replace('\n', " ");
                    }
                    _ => unwrap_descriptions(child),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(unwrap_descriptions),
        _ => {}
    }
}

fn half_up() -> String {
    "half-up".into()
}

/// A domain: a group of aspects. Its weight is the exact sum of its aspects' weights.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Domain")]
struct RawDomain {
    /// A short identifier, e.g. `D1`.
    id: Text,
    /// The domain's name.
    name: Text,
    /// Percent of the whole index, e.g. `13`.
    weight: Number,
    aspects: Vec<RawAspect>,
}

/// An aspect: a group of indicators. Its weight is the exact sum of its indicators' weights.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Aspect")]
struct RawAspect {
    /// A short identifier, e.g. `A1`.
    id: Text,
    /// The aspect's name.
    name: Text,
    /// Percent of the whole index, e.g. `13`.
    weight: Number,
    indicators: Vec<RawIndicator>,
}

/// An indicator: one question, answered with a level.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Indicator")]
struct RawIndicator {
    /// The identifier answer sheets use, e.g. `"1"`.
    id: Text,
    /// Another name answer sheets may use, e.g. `I1` (Pemdi 2026: the official code `1.1`).
    #[serde(default)]
    code: Option<Text>,
    /// More names answer sheets may use, e.g. `[I1]`.
    #[serde(default)]
    aliases: Vec<Text>,
    /// The indicator's name.
    name: Text,
    /// Percent of the whole index, e.g. `1.30`; kept exact.
    weight: Number,
    /// The id of a scale in `scales`.
    scale: String,
    /// What the indicator asks, for readers.
    #[serde(default)]
    description: Option<String>,
    /// Set when the indicator is valued from another agency's index (e.g. Indeks SDI).
    #[serde(default)]
    external: Option<RawExternal>,
}

/// An indicator valued from another agency's index. Until that value is known the indicator
/// counts at the lowest level; a value given with `--external KEY=VALUE` is converted by the
/// bands.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "External")]
struct RawExternal {
    /// What `--external KEY=VALUE` names, e.g. `SDI`; unique in the model.
    key: Text,
    /// The source index, e.g. `Indeks SDI`.
    index: Text,
    /// The agency that publishes it, e.g. `Bappenas`.
    agency: Text,
    /// The source index's scale, e.g. `{min: 0, max: 100}`.
    range: RawRange,
    /// Level → the source values that convert to it, e.g. `{1: {min: 0, max: 12.5}, ...}`:
    /// ascending, each band starting where the one below ends, covering the range; lower bound
    /// inclusive, the top band includes the range's max. Omit when the conversion is unknown.
    #[serde(default)]
    bands: BTreeMap<i64, RawRange>,
    /// How far the bands are confirmed: high, medium, low or unverified.
    confidence: Confidence,
    /// Anything a reader should know about the source.
    #[serde(default)]
    note: Option<String>,
}

/// A range of numbers.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Range")]
struct RawRange {
    min: Number,
    max: Number,
}

/// The level criteria of one indicator.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Requirement")]
struct RawRequirement {
    /// Where the criteria come from, e.g. `PermenPANRB 59/2020 (kuesioner, indikator 1)`.
    #[serde(default)]
    source: Option<String>,
    /// A caveat for readers: a defect in the source, or why some levels have no criteria.
    #[serde(default)]
    note: Option<String>,
    /// Level number → what that level requires. A level left out has no criteria (yet).
    #[serde(default)]
    levels: BTreeMap<i64, RawLevelRequirement>,
}

/// What one level of an indicator requires. Levels are cumulative: say what this level adds.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "LevelRequirement")]
struct RawLevelRequirement {
    /// What the level requires, one to three sentences in the model's language.
    criteria: String,
    /// A short English gloss of `criteria`, shown with `--lang en`.
    #[serde(default)]
    criteria_en: Option<String>,
    /// The documents the assessors expect (data dukung), one short item each.
    #[serde(default)]
    evidence: Vec<String>,
    /// How far this level can be trusted (default: the model's `status`, with `reconstructed`
    /// read as `unverified`).
    #[serde(default)]
    confidence: Option<CriteriaConfidence>,
    /// This level's own source, when it is not the indicator's.
    #[serde(default)]
    source: Option<String>,
}

/// The JSON Schema (draft-07) of the model YAML format, as pretty JSON with a final newline.
pub fn json_schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<RawModel>();
    let mut value = schema.to_value();
    unwrap_descriptions(&mut value);
    let mut text = serde_json::to_string_pretty(&value).expect("a schema is JSON");
    text.push('\n');
    text
}

/// A scalar read as text, whether YAML typed it as a string or a number (`version: 2020`).
#[derive(Debug, Clone)]
struct Text(String);

impl JsonSchema for Text {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Text".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": ["string", "number"]})
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Text(scalar_text(d)?))
    }
}

/// A number kept as its decimal text so that it can be read exactly (`1.30` stays 13/10).
#[derive(Debug, Clone)]
struct Number(String);

impl JsonSchema for Number {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Number".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$"}
            ]
        })
    }
}

impl<'de> Deserialize<'de> for Number {
    /// The number's text as written in the YAML (`1.300000000000000000000000000001`), never
    /// through a float, which would read it as 1.3.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Number(Scalar::deserialize(d)?.0))
    }
}

/// A YAML scalar's text exactly as written, whatever YAML would type it as (`2020`, `1.30`,
/// `"x"`): read as a string, so a number never passes through a float.
#[derive(Debug, Clone)]
pub(crate) struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E>(self, v: &str) -> Result<String, E> {
                Ok(v.to_string())
            }
        }
        d.deserialize_str(V).map(Scalar)
    }
}

fn scalar_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_str<E>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        // A YAML float: Rust writes the shortest text that reads back as the same f64, which
        // for any weight a person types (≤ 15 digits) is exactly the digits typed (1.30 → "1.3").
        fn visit_f64<E>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_bool<E>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(V)
}

// ---- Validation -------------------------------------------------------------------------------

/// A model's tree while it is checked: each node with its YAML path and its exact weight in
/// percent, before the common unit is known.
#[derive(Default)]
struct Tree {
    domains: Vec<(Domain, Node)>,
    aspects: Vec<(Aspect, Node)>,
    indicators: Vec<(Indicator, Node)>,
}

struct Node {
    path: Vec<Seg>,
    weight: Option<Exact>,
}

impl Tree {
    /// Every node: the domains, then the aspects, then the indicators.
    fn nodes(&self) -> impl Iterator<Item = &Node> {
        let domains = self.domains.iter().map(|x| &x.1);
        let aspects = self.aspects.iter().map(|x| &x.1);
        domains
            .chain(aspects)
            .chain(self.indicators.iter().map(|x| &x.1))
    }
}

struct Validator<'a> {
    problems: Vec<ModelProblem>,
    locator: Locator<'a>,
}

/// A path segment for both messages and the line locator.
#[derive(Clone)]
enum Seg {
    Key(&'static str),
    Index(usize),
}

/// The path of something inside the node at `path`: `path` followed by `tail`.
fn child_path(path: &[Seg], tail: &[Seg]) -> Vec<Seg> {
    let mut child = path.to_vec();
    child.extend_from_slice(tail);
    child
}

fn path_text(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

impl Validator<'_> {
    /// A problem at `path`, at its line: the line of the deepest part of the path found, else
    /// the first line of the model (a problem of the whole model).
    fn problem(&mut self, path: &[Seg], message: String) {
        let line = self
            .locator
            .locate(path)
            .or_else(|| self.locator.first_line());
        self.problems.push(ModelProblem {
            path: path_text(path),
            line,
            message,
        });
    }

    /// Reads a weight in percent; returns its exact value.
    fn weight(&mut self, path: &[Seg], n: &Number) -> Option<Exact> {
        match exact::parse_decimal(&n.0) {
            Some(w) if w > Exact::zero() => Some(w),
            Some(_) => {
                self.problem(path, format!("weight {} must be greater than 0", n.0));
                None
            }
            None if n.0.trim().len() > 30
                && n.0.trim().bytes().all(|b| b.is_ascii_digit() || b == b'.') =>
            {
                self.problem(
                    path,
                    format!(
                        "weight {} has more digits than any weight needs (at most 30 before and after the point); write it as the regulation does, e.g. 1.30",
                        n.0.trim()
                    ),
                );
                None
            }
            None => {
                self.problem(
                    path,
                    format!("weight {:?} is not a decimal number such as 2.50", n.0),
                );
                None
            }
        }
    }

    /// Reads an indicator's `external` block: the source index's scale and the bands that
    /// convert it to levels, which must cover the scale without gaps or overlaps.
    fn external(
        &mut self,
        path: &[Seg],
        e: &RawExternal,
        min_level: u8,
        max_level: u8,
    ) -> Option<External> {
        use Seg::*;
        let mut ok = true;
        let number = |v: &mut Self, p: &[Seg], n: &Number| {
            let x = exact::parse_decimal(&n.0);
            if x.is_none() {
                v.problem(p, format!("{:?} is not a decimal number", n.0));
            }
            x
        };
        let rp = child_path(path, &[Key("range")]);
        let (Some(lo), Some(hi)) = (
            number(self, &rp, &e.range.min),
            number(self, &rp, &e.range.max),
        ) else {
            return None;
        };
        if lo >= hi {
            self.problem(
                &rp,
                format!("min {} must be below max {}", e.range.min.0, e.range.max.0),
            );
            ok = false;
        }
        let bp = child_path(path, &[Key("bands")]);
        let mut bands: Vec<ExternalBand> = Vec::new();
        for (level, r) in &e.bands {
            let (Some(a), Some(b)) = (number(self, &bp, &r.min), number(self, &bp, &r.max)) else {
                ok = false;
                continue;
            };
            if *level < min_level as i64 || *level > max_level as i64 {
                self.problem(
                    &bp,
                    format!("band for level {level}, outside the range {min_level}..{max_level}"),
                );
                ok = false;
                continue;
            }
            if a >= b {
                self.problem(
                    &bp,
                    format!(
                        "level {level}: min {} must be below max {}",
                        r.min.0, r.max.0
                    ),
                );
                ok = false;
            }
            bands.push(ExternalBand {
                level: *level as u8,
                min: a,
                max: b,
            });
        }
        if let (Some(first), Some(last)) = (bands.first(), bands.last()) {
            let show = |x: &Exact| exact::exact_text(x, 0).0;
            if first.min != lo || last.max != hi {
                self.problem(
                    &bp,
                    format!(
                        "the bands run from {} to {}, but the range is {} to {}; they must cover it",
                        show(&first.min),
                        show(&last.max),
                        show(&lo),
                        show(&hi)
                    ),
                );
                ok = false;
            }
            for pair in bands.windows(2) {
                if pair[0].max != pair[1].min {
                    self.problem(
                        &bp,
                        format!(
                            "level {} ends at {} but level {} starts at {}; each band must start where the one below ends",
                            pair[0].level,
                            show(&pair[0].max),
                            pair[1].level,
                            show(&pair[1].min)
                        ),
                    );
                    ok = false;
                }
            }
        }
        let _ = &e.note;
        ok.then(|| External {
            key: e.key.0.trim().to_string(),
            index: e.index.0.trim().to_string(),
            agency: e.agency.0.trim().to_string(),
            min: lo,
            max: hi,
            bands,
            confidence: e.confidence,
        })
    }

    /// Checks a parsed model and builds it, one step at a time; every step records its problems
    /// and goes on, so that one load reports them all. `None` when anything is wrong.
    fn build(&mut self, raw: RawModel, origin: &str, text: &str) -> Option<Model> {
        let (min_level, max_level, level_decimals) = self.levels(&raw.levels);
        let scales = self.scales(&raw.scales, min_level, max_level);
        let predicates = self.predicates(&raw.predicates, min_level, max_level);
        let decimals = self.rounding(raw.rounding.as_ref());
        let mut tree = self.hierarchy(&raw, &scales);
        self.unique_ids(&tree);
        let units_per_percent = self.weight_unit(&mut tree);
        self.weight_sums(&tree, units_per_percent);
        if let Some(reqs) = &raw.requirements {
            let default = CriteriaConfidence::of_status(raw.status);
            self.requirements(reqs, &mut tree.indicators, min_level, max_level, default);
        }

        if !self.problems.is_empty() {
            return None;
        }
        Some(Model {
            id: raw.id.0.trim().to_string(),
            name: raw.name.0.trim().to_string(),
            version: raw.version.0.trim().to_string(),
            source: raw.source.0.trim().to_string(),
            status: raw.status,
            notes: raw.notes.map(|n| n.trim().to_string()),
            origin: origin.to_string(),
            sha256: sha256_hex(text.as_bytes()),
            min_level,
            max_level,
            level_decimals,
            scales,
            predicates,
            decimals,
            domains: tree.domains.into_iter().map(|x| x.0).collect(),
            aspects: tree.aspects.into_iter().map(|x| x.0).collect(),
            indicators: tree.indicators.into_iter().map(|x| x.0).collect(),
            units_per_percent,
        })
    }

    /// The level range and its decimals: `(min, max, decimals)`.
    fn levels(&mut self, levels: &RawLevels) -> (u8, u8, u32) {
        use Seg::*;
        let min_level = levels.min;
        let max_level = levels.max;
        if min_level >= max_level {
            self.problem(
                &[Key("levels")],
                format!("min {min_level} must be below max {max_level}"),
            );
        }
        if max_level > 100 {
            self.problem(
                &[Key("levels"), Key("max")],
                "max must be at most 100".into(),
            );
        }
        let level_decimals = levels.decimals;
        if level_decimals > MAX_DECIMALS {
            self.problem(
                &[Key("levels"), Key("decimals")],
                format!("decimals must be 0..{MAX_DECIMALS}"),
            );
        } else if max_level as u32 * 10u32.pow(level_decimals) > u16::MAX as u32 {
            self.problem(
                &[Key("levels"), Key("decimals")],
                format!(
                    "levels up to {max_level} with {level_decimals} decimals are too fine; values are kept in 16 bits"
                ),
            );
        }
        (min_level, max_level, level_decimals)
    }

    /// Scales: names for every level in range, nothing outside it.
    fn scales(
        &mut self,
        raw: &BTreeMap<String, RawScale>,
        min_level: u8,
        max_level: u8,
    ) -> Vec<Scale> {
        use Seg::*;
        let mut scales = Vec::new();
        for (id, s) in raw {
            let mut names = Vec::new();
            for level in min_level..=max_level {
                match s.levels.get(&(level as i64)) {
                    Some(n) if !n.0.trim().is_empty() => names.push(n.0.trim().to_string()),
                    _ => {
                        self.problem(
                            &[Key("scales"), Key(leak(id)), Key("levels")],
                            format!("scale {id:?} has no name for level {level}; name every level {min_level}..{max_level}"),
                        );
                        names.push(level.to_string());
                    }
                }
            }
            for level in s.levels.keys() {
                if *level < min_level as i64 || *level > max_level as i64 {
                    self.problem(
                        &[Key("scales"), Key(leak(id)), Key("levels")],
                        format!("scale {id:?} names level {level}, outside the range {min_level}..{max_level}"),
                    );
                }
            }
            for level in s.confidence.keys() {
                if *level < min_level as i64 || *level > max_level as i64 {
                    self.problem(
                        &[Key("scales"), Key(leak(id)), Key("confidence")],
                        format!("scale {id:?} gives a confidence for level {level}, outside the range {min_level}..{max_level}"),
                    );
                }
            }
            scales.push(Scale {
                id: id.clone(),
                name: s.name.clone().unwrap_or_else(|| id.clone()),
                level_names: names,
                confidence: (min_level..=max_level)
                    .map(|l| s.confidence.get(&(l as i64)).copied())
                    .collect(),
            });
        }
        if scales.is_empty() {
            self.problem(&[Key("scales")], "define at least one level scale".into());
        }
        scales
    }

    /// Predicate bands: cover min..max with no gap and no overlap. Sorted from the lowest.
    fn predicates(&mut self, raw: &[RawPredicate], min_level: u8, max_level: u8) -> Vec<Predicate> {
        use Seg::*;
        let mut predicates = Vec::new();
        for (i, p) in raw.iter().enumerate() {
            let lo = exact::parse_decimal(&p.min.0);
            let hi = exact::parse_decimal(&p.max.0);
            match (lo, hi) {
                (Some(lo), Some(hi)) if lo < hi => predicates.push((
                    i,
                    Predicate {
                        name: p.name.0.trim().to_string(),
                        min: lo,
                        max: hi,
                    },
                )),
                (Some(_), Some(_)) => self.problem(
                    &[Key("predicates"), Index(i)],
                    format!(
                        "band {:?}: min {} must be below max {}",
                        p.name.0, p.min.0, p.max.0
                    ),
                ),
                _ => self.problem(
                    &[Key("predicates"), Index(i)],
                    format!("band {:?}: min and max must be decimal numbers", p.name.0),
                ),
            }
        }
        predicates.sort_by(|a, b| a.1.min.cmp(&b.1.min));
        if predicates.is_empty() {
            self.problem(
                &[Key("predicates")],
                "define at least one predicate band".into(),
            );
        } else {
            let lowest = &predicates[0];
            if lowest.1.min != exact::int(min_level as i64) {
                self.problem(
                    &[Key("predicates"), Index(lowest.0)],
                    format!(
                        "the lowest band {:?} starts at {}, but the levels start at {min_level}; bands must cover the whole range",
                        lowest.1.name,
                        exact::exact_text(&lowest.1.min, 0).0
                    ),
                );
            }
            let highest = &predicates[predicates.len() - 1];
            if highest.1.max != exact::int(max_level as i64) {
                self.problem(
                    &[Key("predicates"), Index(highest.0)],
                    format!(
                        "the highest band {:?} ends at {}, but the levels end at {max_level}; bands must cover the whole range",
                        highest.1.name,
                        exact::exact_text(&highest.1.max, 0).0
                    ),
                );
            }
            for pair in predicates.windows(2) {
                let (a, b) = (&pair[0].1, &pair[1].1);
                if a.max != b.min {
                    let what = if a.max < b.min { "a gap" } else { "an overlap" };
                    self.problem(
                        &[Key("predicates"), Index(pair[1].0)],
                        format!(
                            "{what} between bands {:?} (up to {}) and {:?} (from {}); each band must start where the one below ends",
                            a.name,
                            exact::exact_text(&a.max, 0).0,
                            b.name,
                            exact::exact_text(&b.min, 0).0
                        ),
                    );
                }
            }
            let mut names = HashSet::new();
            for (i, p) in &predicates {
                if !names.insert(p.name.to_lowercase()) {
                    self.problem(
                        &[Key("predicates"), Index(*i)],
                        format!("band name {:?} is used twice", p.name),
                    );
                }
            }
        }
        predicates.into_iter().map(|(_, p)| p).collect()
    }

    /// The decimals the index is rounded to (half up, the ministry's rule).
    fn rounding(&mut self, rounding: Option<&RawRounding>) -> u32 {
        use Seg::*;
        match rounding {
            None => 2,
            Some(r) => {
                if r.mode != "half-up" {
                    self.problem(
                        &[Key("rounding"), Key("mode")],
                        format!("rounding mode {:?} is not supported; use half-up (the ministry's rule)", r.mode),
                    );
                }
                if r.decimals > 6 {
                    self.problem(
                        &[Key("rounding"), Key("decimals")],
                        "decimals must be 0..6".into(),
                    );
                }
                r.decimals
            }
        }
    }

    /// The hierarchy: domains (or aspects at the top), aspects and indicators, each with its
    /// path and exact weight. The common weight unit is found afterwards ([`Self::weight_unit`]).
    fn hierarchy(&mut self, raw: &RawModel, scales: &[Scale]) -> Tree {
        use Seg::*;
        let mut tree = Tree::default();
        let scale_index: HashMap<&str, usize> = scales
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        match (&raw.domains, &raw.aspects) {
            (Some(_), Some(_)) => self.problem(
                &[Key("aspects")],
                "give either domains (with aspects inside) or aspects at the top, not both".into(),
            ),
            (None, None) => self.problem(&[], "the model has no domains and no aspects".into()),
            _ => {}
        }
        if let Some(ds) = &raw.domains {
            if ds.is_empty() {
                self.problem(&[Key("domains")], "the domain list is empty".into());
            }
            for (i, d) in ds.iter().enumerate() {
                let path = vec![Key("domains"), Index(i)];
                let weight = self.weight(&child_path(&path, &[Key("weight")]), &d.weight);
                let di = tree.domains.len();
                tree.domains.push((
                    Domain {
                        id: d.id.0.trim().to_string(),
                        name: d.name.0.trim().to_string(),
                        weight: 0,
                    },
                    Node {
                        path: path.clone(),
                        weight,
                    },
                ));
                if d.aspects.is_empty() {
                    self.problem(
                        &child_path(&path, &[Key("aspects")]),
                        format!("domain {} has no aspects", d.id.0),
                    );
                }
                for (j, a) in d.aspects.iter().enumerate() {
                    let ap = child_path(&path, &[Key("aspects"), Index(j)]);
                    self.aspect(&mut tree, raw, &scale_index, a, ap, Some(di));
                }
            }
        } else if let Some(as_) = &raw.aspects {
            if as_.is_empty() {
                self.problem(&[Key("aspects")], "the aspect list is empty".into());
            }
            for (j, a) in as_.iter().enumerate() {
                self.aspect(
                    &mut tree,
                    raw,
                    &scale_index,
                    a,
                    vec![Key("aspects"), Index(j)],
                    None,
                );
            }
        }

        if tree.indicators.len() > MAX_INDICATORS {
            self.problem(
                &[Key("domains")],
                format!(
                    "the model has {} indicators; at most {MAX_INDICATORS} are supported",
                    tree.indicators.len()
                ),
            );
        }
        tree
    }

    /// One aspect at `path` and its indicators, into `tree`.
    fn aspect(
        &mut self,
        tree: &mut Tree,
        raw: &RawModel,
        scale_index: &HashMap<&str, usize>,
        a: &RawAspect,
        path: Vec<Seg>,
        domain: Option<usize>,
    ) {
        use Seg::*;
        let (min_level, max_level) = (raw.levels.min, raw.levels.max);
        let weight = self.weight(&child_path(&path, &[Key("weight")]), &a.weight);
        let ai = tree.aspects.len();
        tree.aspects.push((
            Aspect {
                id: a.id.0.trim().to_string(),
                name: a.name.0.trim().to_string(),
                weight: 0,
                domain,
            },
            Node {
                path: path.clone(),
                weight,
            },
        ));
        if a.indicators.is_empty() {
            self.problem(
                &child_path(&path, &[Key("indicators")]),
                format!("aspect {} has no indicators", a.id.0),
            );
        }
        for (k, ind) in a.indicators.iter().enumerate() {
            let ip = child_path(&path, &[Key("indicators"), Index(k)]);
            let weight = self.weight(&child_path(&ip, &[Key("weight")]), &ind.weight);
            let scale = match scale_index.get(ind.scale.as_str()) {
                Some(s) => *s,
                None => {
                    self.problem(
                        &child_path(&ip, &[Key("scale")]),
                        format!(
                            "indicator {} names scale {:?}, which is not defined; defined scales: {}",
                            ind.id.0,
                            ind.scale,
                            raw.scales.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    );
                    0
                }
            };
            let _ = &ind.description;
            let external = ind.external.as_ref().and_then(|e| {
                self.external(
                    &child_path(&ip, &[Key("external")]),
                    e,
                    min_level,
                    max_level,
                )
            });
            tree.indicators.push((
                Indicator {
                    id: ind.id.0.trim().to_string(),
                    code: ind
                        .code
                        .as_ref()
                        .map(|c| c.0.trim().to_string())
                        .filter(|c| !c.is_empty()),
                    aliases: ind.aliases.iter().map(|a| a.0.trim().to_string()).collect(),
                    name: ind.name.0.trim().to_string(),
                    weight: 0,
                    aspect: ai,
                    scale,
                    external,
                    requirements: None,
                },
                Node { path: ip, weight },
            ));
        }
    }

    /// Unique ids across all nodes; codes and aliases unique among indicators and ids; external
    /// keys unique.
    fn unique_ids(&mut self, tree: &Tree) {
        use Seg::*;
        let Tree {
            domains,
            aspects,
            indicators,
        } = tree;
        let mut seen: HashMap<String, String> = HashMap::new();
        let all_ids = domains
            .iter()
            .map(|(d, n)| (d.id.clone(), &n.path, "domain"))
            .chain(
                aspects
                    .iter()
                    .map(|(a, n)| (a.id.clone(), &n.path, "aspect")),
            )
            .chain(
                indicators
                    .iter()
                    .map(|(i, n)| (i.id.clone(), &n.path, "indicator")),
            )
            .collect::<Vec<_>>();
        let mut dupes = Vec::new();
        for (id, path, kind) in &all_ids {
            let idp = child_path(path, &[Key("id")]);
            if id.is_empty() {
                dupes.push((idp, format!("the {kind} id is empty")));
                continue;
            }
            if let Some(first) = seen.insert(id.to_lowercase(), path_text(path)) {
                dupes.push((
                    idp,
                    format!("{kind} id {id:?} is already used at {first}; ids must be unique"),
                ));
            }
        }
        for (i, n) in indicators {
            if let Some(code) = &i.code {
                let key = code.to_lowercase();
                if key != i.id.to_lowercase() {
                    if let Some(first) = seen.insert(key, path_text(&n.path)) {
                        let cp = child_path(&n.path, &[Key("code")]);
                        dupes.push((cp, format!("indicator code {code:?} is already used at {first}; codes must be unique")));
                    }
                }
            }
            for (k, alias) in i.aliases.iter().enumerate() {
                let key = alias.to_lowercase();
                let ap = child_path(&n.path, &[Key("aliases"), Index(k)]);
                if alias.is_empty() {
                    dupes.push((ap, "the alias is empty".into()));
                } else if key != i.id.to_lowercase()
                    && Some(key.clone()) != i.code.as_ref().map(|c| c.to_lowercase())
                {
                    if let Some(first) = seen.insert(key, path_text(&n.path)) {
                        dupes.push((ap, format!("indicator alias {alias:?} is already used at {first}; ids, codes and aliases must be unique")));
                    }
                }
            }
        }
        let mut external_keys: HashMap<String, String> = HashMap::new();
        for (i, n) in indicators {
            if let Some(e) = &i.external {
                if let Some(first) = external_keys.insert(e.key.to_lowercase(), i.id.clone()) {
                    dupes.push((
                        child_path(&n.path, &[Key("external"), Key("key")]),
                        format!("external key {:?} is already used by indicator {first}; keys must be unique", e.key),
                    ));
                }
            }
        }
        for (p, m) in dupes {
            self.problem(&p, m);
        }
    }

    /// The common weight unit: the smallest power of ten that makes every weight whole (units
    /// per percent). Sets every node's weight in that unit.
    fn weight_unit(&mut self, tree: &mut Tree) -> u64 {
        use Seg::*;
        let all_weights: Vec<&Exact> = tree.nodes().filter_map(|n| n.weight.as_ref()).collect();
        let mut units_per_percent: u64 = 1;
        let mut digits = 0;
        while digits < 6
            && all_weights
                .iter()
                .any(|w| !(*w * exact::int(units_per_percent as i64)).is_integer())
        {
            units_per_percent *= 10;
            digits += 1;
        }
        let too_fine: Vec<Vec<Seg>> = tree
            .nodes()
            .filter(|n| {
                n.weight
                    .as_ref()
                    .is_some_and(|w| !(w * exact::int(units_per_percent as i64)).is_integer())
            })
            .map(|n| child_path(&n.path, &[Key("weight")]))
            .collect();
        for path in too_fine {
            self.problem(
                &path,
                "the weight has more than 6 decimal digits; weights are percents such as 1.30 or 2.125, with at most 6 digits after the point".into(),
            );
        }
        let to_units = |w: &Option<Exact>| -> u64 {
            w.as_ref()
                .and_then(|w| {
                    (w * exact::int(units_per_percent as i64))
                        .to_integer()
                        .to_u64()
                })
                .unwrap_or(0)
        };
        for (d, n) in tree.domains.iter_mut() {
            d.weight = to_units(&n.weight);
        }
        for (a, n) in tree.aspects.iter_mut() {
            a.weight = to_units(&n.weight);
        }
        for (i, n) in tree.indicators.iter_mut() {
            i.weight = to_units(&n.weight);
        }
        units_per_percent
    }

    /// Each parent equals the sum of its children, exactly; the total is 100.
    fn weight_sums(&mut self, tree: &Tree, units_per_percent: u64) {
        use Seg::*;
        let Tree {
            domains,
            aspects,
            indicators,
        } = tree;
        let weights_known = self.problems.iter().all(|p| !p.path.ends_with("weight"));
        if weights_known {
            let show =
                |u: u64| exact::exact_text(&exact::ratio(u as i64, units_per_percent as i64), 0).0;
            for (ai, (a, n)) in aspects.iter().enumerate() {
                let sum: u64 = indicators
                    .iter()
                    .filter(|(i, _)| i.aspect == ai)
                    .map(|(i, _)| i.weight)
                    .sum();
                if sum != a.weight && sum > 0 {
                    self.problem(
                        &child_path(&n.path, &[Key("weight")]),
                        format!(
                            "aspect {} weighs {} but its indicators add up to {}; a parent's weight must equal the sum of its children's",
                            a.id,
                            show(a.weight),
                            show(sum)
                        ),
                    );
                }
            }
            for (di, (d, n)) in domains.iter().enumerate() {
                let sum: u64 = aspects
                    .iter()
                    .filter(|(a, _)| a.domain == Some(di))
                    .map(|(a, _)| a.weight)
                    .sum();
                if sum != d.weight && sum > 0 {
                    self.problem(
                        &child_path(&n.path, &[Key("weight")]),
                        format!(
                            "domain {} weighs {} but its aspects add up to {}; a parent's weight must equal the sum of its children's",
                            d.id,
                            show(d.weight),
                            show(sum)
                        ),
                    );
                }
            }
            let (top_key, top): (&'static str, u64) = if domains.is_empty() {
                ("aspects", aspects.iter().map(|(a, _)| a.weight).sum())
            } else {
                ("domains", domains.iter().map(|(d, _)| d.weight).sum())
            };
            if top != 100 * units_per_percent && top > 0 {
                self.problem(
                    &[Key(top_key)],
                    format!(
                        "the {top_key} weigh {} in total; the total must be exactly 100",
                        show(top)
                    ),
                );
            }
        }
    }
}

impl Validator<'_> {
    /// Level criteria: keyed by an indicator's id (or code), each indicator once, levels inside
    /// the model's range, no empty criteria or evidence item.
    fn requirements<N>(
        &mut self,
        reqs: &BTreeMap<String, RawRequirement>,
        indicators: &mut [(Indicator, N)],
        min_level: u8,
        max_level: u8,
        default: CriteriaConfidence,
    ) {
        use Seg::*;
        let text = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let mut given: HashMap<usize, &str> = HashMap::new();
        for (key, r) in reqs {
            let path = vec![Key("requirements"), Key(leak(key))];
            let k = key.trim();
            let Some(ii) = indicators
                .iter()
                .position(|(i, _)| i.keys().any(|x| x.eq_ignore_ascii_case(k)))
            else {
                self.problem(
                    &path,
                    format!("criteria for indicator {key:?}, but the model has no indicator with that id; key each entry by an indicator's id"),
                );
                continue;
            };
            if let Some(first) = given.insert(ii, key) {
                self.problem(
                    &path,
                    format!(
                        "indicator {} has criteria twice, under {first:?} and {key:?}; keep one",
                        indicators[ii].0.id
                    ),
                );
                continue;
            }
            let source = text(&r.source);
            let mut levels = vec![None; (max_level - min_level) as usize + 1];
            for (level, l) in &r.levels {
                let lp = child_path(&path, &[Key("levels"), Key(leak(&level.to_string()))]);
                if *level < min_level as i64 || *level > max_level as i64 {
                    self.problem(
                        &lp,
                        format!(
                            "level {level} is outside the model's range {min_level}..{max_level}"
                        ),
                    );
                    continue;
                }
                if l.criteria.trim().is_empty() {
                    self.problem(
                        &child_path(&lp, &[Key("criteria")]),
                        "the criteria are empty; say what the level requires, or leave the level out".into(),
                    );
                }
                for (n, e) in l.evidence.iter().enumerate() {
                    if e.trim().is_empty() {
                        self.problem(
                            &child_path(&lp, &[Key("evidence"), Index(n)]),
                            "an evidence item is empty; name a document or remove the item".into(),
                        );
                    }
                }
                levels[(*level - min_level as i64) as usize] = Some(LevelRequirement {
                    criteria: l.criteria.trim().to_string(),
                    criteria_en: text(&l.criteria_en),
                    evidence: l.evidence.iter().map(|e| e.trim().to_string()).collect(),
                    source: text(&l.source).or_else(|| source.clone()),
                    confidence: l.confidence.unwrap_or(default),
                });
            }
            indicators[ii].0.requirements = Some(Requirements {
                source,
                note: text(&r.note),
                levels,
            });
        }
    }
}

/// Scale ids come from the file; paths hold `&'static str` keys. A model has a handful of scales
/// and this runs only when one is wrong, so leaking the few bytes is harmless.
fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A digest as lower-case hex, as receipts show it.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

// ---- Finding the line of a YAML path ----------------------------------------------------------

/// Finds the line of a YAML path in block-style YAML by indentation. serde does not keep
/// positions, and models are written in block style with flow maps on one line, which this reads;
/// when it cannot follow the path it gives the deepest line it found.
struct Locator<'a> {
    /// (indent, text without the indent) per line; comments and blank lines are `None`.
    lines: Vec<Option<(usize, &'a str)>>,
}

#[derive(Clone, Copy)]
struct Block {
    /// First line of the block and one past its last.
    start: usize,
    end: usize,
    /// Indent of the block's keys; the first line may be a list item `- key:` whose key sits
    /// two columns right of the dash.
    indent: usize,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str) -> Self {
        let lines = text
            .lines()
            .map(|l| {
                let t = l.trim_start();
                if t.is_empty() || t.starts_with('#') || t == "---" {
                    None
                } else {
                    Some((l.len() - t.len(), t))
                }
            })
            .collect();
        Locator { lines }
    }

    /// The line's indent and text as seen from `block` (a list item's dash stripped).
    fn view(&self, i: usize, block: &Block) -> Option<(usize, &'a str)> {
        let (ind, txt) = self.lines[i]?;
        if i == block.start && ind < block.indent {
            if let Some(rest) = txt.strip_prefix('-') {
                let trimmed = rest.trim_start();
                return Some((ind + txt.len() - trimmed.len(), trimmed));
            }
        }
        Some((ind, txt))
    }

    /// The first line with content (1-based).
    fn first_line(&self) -> Option<usize> {
        Some(self.lines.iter().position(|l| l.is_some())? + 1)
    }

    fn locate(&self, path: &[Seg]) -> Option<usize> {
        let first = self.lines.iter().position(|l| l.is_some())?;
        let mut block = Block {
            start: first,
            end: self.lines.len(),
            indent: self.lines[first]?.0,
        };
        let mut line = None;
        for seg in path {
            let found = match seg {
                Seg::Key(k) => self.key(&block, k),
                Seg::Index(n) => self.item(&block, *n),
            };
            match found {
                Some((l, b)) => {
                    line = Some(l + 1);
                    match b {
                        Some(b) => block = b,
                        None => break, // an inline value or flow map: this line holds the rest
                    }
                }
                None => break,
            }
        }
        line
    }

    /// The line of `key` in a mapping block and the block of its value (None if inline).
    fn key(&self, block: &Block, key: &str) -> Option<(usize, Option<Block>)> {
        for i in block.start..block.end {
            let Some((ind, txt)) = self.view(i, block) else {
                continue;
            };
            if ind < block.indent {
                break;
            }
            if ind != block.indent {
                continue;
            }
            if txt.starts_with('{') {
                return Some((i, None));
            }
            let Some(rest) = strip_key(txt, key) else {
                continue;
            };
            let Some(value) = rest.strip_prefix(':') else {
                continue;
            };
            let value = value.trim();
            if !value.is_empty()
                && !value.starts_with('#')
                && !value.starts_with('|')
                && !value.starts_with('>')
            {
                return Some((i, None));
            }
            let mut j = i + 1;
            let mut child_indent = None;
            while j < block.end {
                if let Some((cind, ctxt)) = self.lines[j] {
                    let is_item_at_same = cind == ind && ctxt.starts_with('-');
                    if cind <= ind && !is_item_at_same {
                        break;
                    }
                    child_indent.get_or_insert(cind);
                }
                j += 1;
            }
            return Some((
                i,
                child_indent.map(|ci| Block {
                    start: i + 1,
                    end: j,
                    indent: ci,
                }),
            ));
        }
        None
    }

    /// The `n`-th item of a block sequence and its block.
    fn item(&self, block: &Block, n: usize) -> Option<(usize, Option<Block>)> {
        let mut count = 0;
        let mut i = block.start;
        while i < block.end {
            if let Some((ind, txt)) = self.lines[i] {
                if ind < block.indent {
                    break;
                }
                if ind == block.indent && txt.starts_with('-') {
                    if count == n {
                        let mut j = i + 1;
                        while j < block.end {
                            if let Some((cind, ctxt)) = self.lines[j] {
                                if cind < ind || (cind == ind && ctxt.starts_with('-')) {
                                    break;
                                }
                            }
                            j += 1;
                        }
                        let rest = txt[1..].trim_start();
                        if rest.starts_with('{') || rest.is_empty() && j == i + 1 {
                            return Some((i, None));
                        }
                        let key_indent = ind + txt.len() - rest.len();
                        return Some((
                            i,
                            Some(Block {
                                start: i,
                                end: j,
                                indent: key_indent,
                            }),
                        ));
                    }
                    count += 1;
                }
            }
            i += 1;
        }
        None
    }
}

/// The rest of a line after `key`, written bare or in quotes (`"16":`).
fn strip_key<'t>(txt: &'t str, key: &str) -> Option<&'t str> {
    txt.strip_prefix(key).or_else(|| {
        ['"', '\'']
            .iter()
            .find_map(|q| txt.strip_prefix(*q)?.strip_prefix(key)?.strip_prefix(*q))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_embedded_model_without_criteria_is_the_model_less_its_criteria() {
        for id in Model::embedded_ids() {
            let mut whole = Model::load(id).unwrap();
            for i in &mut whole.indicators {
                i.requirements = None;
            }
            let light = Model::load_without_criteria(id).unwrap();
            assert_eq!(format!("{whole:?}"), format!("{light:?}"), "{id}");
        }
    }

    #[test]
    fn the_locator_follows_block_yaml() {
        let text = "id: x\nlevels: {min: 1, max: 5}\ndomains:\n  - id: D1\n    weight: 13\n    aspects:\n      - id: A1\n        weight: 12\n        indicators:\n          - {id: \"1\", weight: 1}\n          - {id: \"2\", weight: 1}\n  - id: D2\n    weight: 4\n";
        let loc = Locator::new(text);
        use Seg::*;
        assert_eq!(loc.locate(&[Key("levels")]), Some(2));
        assert_eq!(
            loc.locate(&[Key("domains"), Index(0), Key("weight")]),
            Some(5)
        );
        assert_eq!(
            loc.locate(&[Key("domains"), Index(1), Key("weight")]),
            Some(13)
        );
        assert_eq!(loc.locate(&[Key("domains"), Index(1)]), Some(12));
        assert_eq!(
            loc.locate(&[
                Key("domains"),
                Index(0),
                Key("aspects"),
                Index(0),
                Key("weight")
            ]),
            Some(8)
        );
        assert_eq!(
            loc.locate(&[
                Key("domains"),
                Index(0),
                Key("aspects"),
                Index(0),
                Key("indicators"),
                Index(1),
                Key("weight")
            ]),
            Some(11)
        );
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        assert_eq!(flow_depth("a: [1, {b: [2]}]"), (3, 1));
        assert_eq!(
            flow_depth("a: \"[[[[\" # [[[[\nb: '[[' \nc: Kota's [x]"),
            (1, 3)
        );
        let deep = format!("a: 1\nb: {}\n", "{a: ".repeat(100));
        assert_eq!(flow_depth(&deep), (100, 2));
        let deep = format!("id: {}{}", "[".repeat(200_000), "]".repeat(200_000));
        let e = Model::from_yaml(&deep, "deep.yaml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "the model deep.yaml has 1 problem:\n  deep.yaml:1: the YAML nests [ ] or { } more than 64 levels deep; a model needs a few levels, so this is not one (refused before parsing)"
        );
        // An alias bomb is refused too (unknown fields, then types, stop it before expansion).
        let mut bomb =
            String::from("id: x\nscales:\n  - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            bomb.push_str(&format!(
                "  - &a{i} [{}]\n",
                vec![format!("*a{}", i - 1); 9].join(", ")
            ));
        }
        assert!(Model::from_yaml(&bomb, "bomb.yaml").is_err());
    }
}
