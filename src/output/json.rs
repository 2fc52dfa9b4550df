//! How spbe writes JSON: indented like `serde_json::to_writer_pretty`, except that an object
//! nested four containers deep or more (an OPD's answer, `{"opd": "Diskominfo", "level": 3}`)
//! takes one line. The value is the same; a scorecard with a million answers is half the size
//! and still reads line by line.

use std::io::{self, BufWriter, Write};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::ser::Formatter;

use crate::core::exact::{self, Decimal};
use crate::core::value::Value;

// A Decimal travels as a JSON number with exactly its digits (never through an f64); the
// core knows nothing of JSON, so its serde impls live here.
impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = serde_json::value::RawValue::from_string(self.0.clone())
            .map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw: Box<serde_json::value::RawValue> = Deserialize::deserialize(deserializer)?;
        let text = raw.get().trim();
        let text = text.trim_matches('"');
        // Plain decimal text keeps its digits (`2.80` stays `2.80`: a rounded value read back
        // from a saved result shows as it was written); an exponent is expanded exactly.
        if exact::parse_decimal(text).is_some() && !text.starts_with(['+', '.']) {
            return Ok(Decimal(text.to_string()));
        }
        let value = exact::parse_scientific(text).ok_or_else(|| {
            serde::de::Error::custom(format!("expected a decimal number, found {text}"))
        })?;
        Ok(Decimal::exact(&value))
    }
}

// A level value travels as a JSON number with its digits: `3`, `1.26`.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.decimals == 0 {
            return serializer.serialize_u16(self.units);
        }
        let raw = serde_json::value::RawValue::from_string(self.to_string())
            .map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw: Box<serde_json::value::RawValue> = Deserialize::deserialize(deserializer)?;
        let text = raw.get().trim().trim_matches('"');
        Value::parse(text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected a level such as 3 or a value such as 1.26, found {text}"
            ))
        })
    }
}

/// Writes a document's JSON record.
pub struct JsonExporter;

impl crate::output::document::Exporter for JsonExporter {
    fn export(
        &self,
        doc: &crate::output::document::Document<'_>,
        _style: &crate::output::document::Style,
        out: &mut dyn Write,
    ) -> anyhow::Result<()> {
        let Some(record) = doc.record else {
            anyhow::bail!("this command has no JSON output; use --format table or markdown");
        };
        record.write_json(out)?;
        Ok(())
    }
}

/// Containers around an object that is written on one line (root object, list, item, list).
const INLINE_DEPTH: usize = 4;

/// Writes `value` and a final newline. Buffered here, so the many small pieces of a large
/// value reach `out` in large writes.
pub fn write<W: Write + ?Sized, T: Serialize + ?Sized>(out: &mut W, value: &T) -> io::Result<()> {
    let mut buf = BufWriter::with_capacity(1 << 16, out);
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, Layout::default());
    value.serialize(&mut ser)?;
    buf.write_all(b"\n")?;
    buf.flush()
}

/// `value` as text, written as [`write`] does (without the final newline).
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    let mut bytes = Vec::new();
    write(&mut bytes, value).expect("writing to memory does not fail");
    bytes.pop();
    String::from_utf8(bytes).expect("JSON is UTF-8")
}

/// The formatter: pretty printing with two spaces, objects deep down on one line.
#[derive(Debug, Default)]
struct Layout {
    /// Containers open around the current position.
    depth: usize,
    /// Whether the container just opened has had a value (so the closing bracket goes on a
    /// line of its own).
    has_value: bool,
    /// The depth at which the one-line object being written began.
    inline_from: Option<usize>,
}

const SPACES: &[u8; 64] = b"                                                                ";

impl Layout {
    fn newline<W: Write + ?Sized>(&self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        let mut n = self.depth * 2;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    fn inline(&self) -> bool {
        self.inline_from.is_some()
    }

    fn open<W: Write + ?Sized>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
        object: bool,
    ) -> io::Result<()> {
        if object && self.inline_from.is_none() && self.depth >= INLINE_DEPTH {
            self.inline_from = Some(self.depth);
        }
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: Write + ?Sized>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.inline() {
            if self.inline_from == Some(self.depth) {
                self.inline_from = None;
            }
        } else if self.has_value {
            self.newline(w, true)?;
        }
        w.write_all(bracket)
    }

    fn item<W: Write + ?Sized>(&self, w: &mut W, first: bool) -> io::Result<()> {
        if self.inline() {
            if first { Ok(()) } else { w.write_all(b", ") }
        } else {
            self.newline(w, first)
        }
    }
}

impl Formatter for Layout {
    fn begin_array<W: Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[", false)
    }

    fn end_array<W: Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: Write + ?Sized>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: Write + ?Sized>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{", true)
    }

    fn end_object<W: Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: Write + ?Sized>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: Write + ?Sized>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::answers::{Answer, AnswerSet};
    use crate::core::evaluate::{Policy, evaluate};
    use crate::core::exact::ratio;
    use crate::core::model::Model;
    use crate::core::scorecard::Scorecard;
    use serde_json::json;

    #[test]
    fn decimals_survive_json_without_floats() {
        let d = Decimal::exact(&ratio(4765, 1000));
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, "4.765");
        let back: Decimal = serde_json::from_str(&json).unwrap();
        assert_eq!(back.value(), ratio(4765, 1000));
        let sci: Decimal = serde_json::from_str("4.765e0").unwrap();
        assert_eq!(sci, d);
        let rounded: Decimal = serde_json::from_str("2.80").unwrap();
        assert_eq!(rounded.as_str(), "2.80");
    }

    #[test]
    fn deep_objects_take_one_line_and_the_rest_is_pretty() {
        let v = json!({
            "a": [],
            "b": {},
            "indicators": [{
                "id": "1",
                "opds": ["A", "B"],
                "answers": [{"opd": "A", "level": 2}, {"opd": "B", "level": 3, "x": [1, {}], "y": {"z": []}}],
                "empty": [{}],
            }],
        });
        let text = to_string(&v);
        assert_eq!(
            text,
            r#"{
  "a": [],
  "b": {},
  "indicators": [
    {
      "answers": [
        {"level": 2, "opd": "A"},
        {"level": 3, "opd": "B", "x": [1, {}], "y": {"z": []}}
      ],
      "empty": [
        {}
      ],
      "id": "1",
      "opds": [
        "A",
        "B"
      ]
    }
  ]
}"#
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn shallow_values_are_written_as_serde_json_pretty_prints_them() {
        let v = json!({"a": [1, [2, [3, []]], {"b": {"c": null}}], "e": "f\n\"g\""});
        assert_eq!(to_string(&v), serde_json::to_string_pretty(&v).unwrap());
    }

    // A scorecard read back from JSON has a copy of each OPD name per answer: counted alike.
    #[test]
    fn opd_count_with_shared_and_with_copied_names() {
        let model = Model::load("spbe-2020").unwrap();
        let answer = |opd: u32, indicator: u8| Answer {
            opd,
            indicator,
            value: 2,
            file: 0,
            line: 2,
            stage: None,
            remarks: None,
        };
        let set = AnswerSet {
            opds: vec!["Bappeda".into(), "Diskominfo".into(), "Unused".into()],
            answers: vec![answer(0, 0), answer(1, 0), answer(0, 1), answer(1, 5)],
            ..AnswerSet::default()
        };
        let card = Scorecard::of(&evaluate(&model, &set, Policy::default()).unwrap());
        assert_eq!(card.opd_count(), 2);
        let read: Scorecard = serde_json::from_str(&to_string(&card)).unwrap();
        assert_eq!(read.opd_count(), 2);
        assert_eq!(read.answer_count(), 4);
    }
}
