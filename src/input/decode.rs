//! Text as Excel writes it: the encoding (UTF-8 with or without a BOM, UTF-16 "Unicode Text",
//! legacy windows-1252 "CSV (Comma delimited)"), Excel's `sep=;` hint line and the delimiter
//! (`,`, `;` from Indonesian locales, or tab). Decodes once to UTF-8 (borrowing when the bytes
//! already are UTF-8) so that the CSV reader makes a single pass over the text.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use clap::ValueEnum;

/// How the bytes of a text answer sheet are decoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    /// A BOM decides; without one UTF-8, falling back to windows-1252 with a warning.
    #[default]
    Auto,
    /// UTF-8, with or without a BOM (Excel's "CSV UTF-8").
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// UTF-16 little-endian (Excel's "Unicode Text").
    #[value(name = "utf-16le", alias = "utf16le", alias = "utf-16")]
    Utf16le,
    /// UTF-16 big-endian.
    #[value(name = "utf-16be", alias = "utf16be")]
    Utf16be,
    #[value(
        name = "windows-1252",
        alias = "cp1252",
        alias = "latin1",
        alias = "ansi"
    )]
    Windows1252,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Auto => "auto",
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16le => "utf-16le",
            Encoding::Utf16be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        })
    }
}

/// A decoded sheet: the text, which encoding was used, and a warning when it was guessed.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
    pub warning: Option<String>,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a text sheet. The error says what the bytes look like and how to fix it.
pub fn decode(bytes: &[u8], forced: Encoding) -> Result<Decoded<'_>, String> {
    let (encoding, body) = match forced {
        Encoding::Auto => {
            if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
                (Encoding::Utf8, rest)
            } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
                (Encoding::Utf16le, rest)
            } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
                (Encoding::Utf16be, rest)
            } else {
                if bytes.contains(&0) {
                    return Err(binary_message(bytes));
                }
                match std::str::from_utf8(bytes) {
                    Ok(text) => {
                        return Ok(Decoded {
                            text: Cow::Borrowed(text),
                            encoding: Encoding::Utf8,
                            warning: None,
                        });
                    }
                    Err(e) => {
                        let line = line_of(bytes, e.valid_up_to());
                        let (text, _) =
                            encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                        return Ok(Decoded {
                            text,
                            encoding: Encoding::Windows1252,
                            warning: Some(format!(
                                "line {line} is not UTF-8, so the file was read as windows-1252 (Excel's \"CSV (Comma delimited)\"); if letters look wrong, save it in Excel as \"CSV UTF-8 (Comma delimited)\" or pass --encoding"
                            )),
                        });
                    }
                }
            }
        }
        Encoding::Utf8 => (
            Encoding::Utf8,
            bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes),
        ),
        Encoding::Utf16le => (
            Encoding::Utf16le,
            bytes.strip_prefix(b"\xFF\xFE").unwrap_or(bytes),
        ),
        Encoding::Utf16be => (
            Encoding::Utf16be,
            bytes.strip_prefix(b"\xFE\xFF").unwrap_or(bytes),
        ),
        Encoding::Windows1252 => (Encoding::Windows1252, bytes),
    };
    let text: Cow<'_, str> = match encoding {
        Encoding::Utf8 => match std::str::from_utf8(body) {
            Ok(t) => Cow::Borrowed(t),
            Err(e) => {
                let line = line_of(body, e.valid_up_to());
                return Err(format!(
                    "line {line} is not valid UTF-8; save the sheet in Excel as \"CSV UTF-8 (Comma delimited)\", or pass --encoding windows-1252 if it was saved as \"CSV (Comma delimited)\""
                ));
            }
        },
        Encoding::Utf16le | Encoding::Utf16be => {
            let enc = if encoding == Encoding::Utf16le {
                encoding_rs::UTF_16LE
            } else {
                encoding_rs::UTF_16BE
            };
            if body.len() % 2 == 1 {
                return Err(format!(
                    "the file has an odd number of bytes, so it is not {encoding} text; save it again from Excel, or pass another --encoding"
                ));
            }
            match enc.decode_without_bom_handling_and_without_replacement(body) {
                Some(t) => t,
                None => {
                    return Err(format!(
                        "the file is not valid {encoding} text; save it again from Excel as \"Unicode Text\" or \"CSV UTF-8\", or pass another --encoding"
                    ));
                }
            }
        }
        Encoding::Windows1252 | Encoding::Auto => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(body)
                .0
        }
    };
    if text.contains('\0') {
        return Err(binary_message(bytes));
    }
    Ok(Decoded {
        text,
        encoding,
        warning: None,
    })
}

/// What to say about a file with NUL bytes, from its first bytes (at least [`HEAD_BYTES`] of
/// them when the file has that many).
pub(crate) fn binary_message(bytes: &[u8]) -> String {
    let what = if bytes.starts_with(b"%PDF") {
        "a PDF"
    } else if bytes.starts_with(b"\x89PNG") || bytes.starts_with(b"\xFF\xD8\xFF") {
        "an image"
    } else if let Some((name, flag, bom)) = utf16_text(bytes) {
        // With a BOM it is read as UTF-16 unless another --encoding was forced.
        let how = if bom {
            ""
        } else {
            " without a byte-order mark (every other byte is zero)"
        };
        return format!(
            "this file looks like {name} text{how}; pass --encoding {flag} to read it, or save it in Excel as \"CSV UTF-8 (Comma delimited)\""
        );
    } else {
        "binary data, not text"
    };
    format!(
        "this file is {what}; an answer sheet must be CSV (comma, semicolon or tab separated), XLSX or ODS"
    )
}

/// How many of a file's first bytes [`binary_message`] looks at.
pub(crate) const HEAD_BYTES: usize = 64;

/// Whether the first bytes look like UTF-16 text: after a BOM if there is one, read as 16-bit
/// units (of the first [`HEAD_BYTES`] bytes, at least two units), no unit has a zero low byte
/// (little-endian) or high byte (big-endian), and at least 7 in 8 are an ASCII letter, digit,
/// punctuation, space, tab, CR or LF, i.e. a zero byte beside a printable one. The rest may be
/// other letters (`é` is `E9 00`). Returns the encoding's name, its `--encoding` value and
/// whether a BOM says so.
fn utf16_text(bytes: &[u8]) -> Option<(&'static str, &'static str, bool)> {
    let bom = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    let bytes = if bom { &bytes[2..] } else { bytes };
    let head = &bytes[..bytes.len().min(HEAD_BYTES) & !1];
    let units = head.len() / 2;
    if units < 2 {
        return None;
    }
    let text = |b: u8| b.is_ascii_graphic() || matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    // `low`: where in a unit its low byte (the ASCII letter) is.
    let looks = |low: usize| {
        let pairs = head.chunks_exact(2);
        let ascii = pairs
            .clone()
            .filter(|u| u[1 - low] == 0 && text(u[low]))
            .count();
        pairs.clone().all(|u| u[low] != 0) && ascii * 8 >= units * 7
    };
    if looks(0) {
        Some(("UTF-16LE", "utf-16le", bom))
    } else if looks(1) {
        Some(("UTF-16BE", "utf-16be", bom))
    } else {
        None
    }
}

/// The 1-based line containing byte `offset`.
pub(crate) fn line_of(bytes: &[u8], offset: usize) -> u64 {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

/// A field delimiter given on the command line: `,` `;` `tab` (or `\t`), `|`, or any one ASCII
/// character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiter(pub u8);

impl FromStr for Delimiter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = match s.to_ascii_lowercase().as_str() {
            "tab" | "\\t" | "\t" => b'\t',
            "comma" => b',',
            "semicolon" => b';',
            "pipe" => b'|',
            _ if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" && s != "\r" => {
                s.as_bytes()[0]
            }
            _ => {
                return Err(format!(
                    "{s:?} is not a delimiter; use , ; tab or another single character"
                ));
            }
        };
        Ok(Delimiter(b))
    }
}

impl fmt::Display for Delimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            b'\t' => f.write_str("tab"),
            b => write!(f, "{}", b as char),
        }
    }
}

/// Excel's hint line `sep=;`: the delimiter it names, if the text starts with one.
pub fn sep_hint(text: &str) -> Option<u8> {
    let first = text.lines().next()?;
    let line = first.trim_end_matches(['\r', '\n']).trim_matches('"');
    let rest = line.get(..4)?;
    if !rest.eq_ignore_ascii_case("sep=") {
        return None;
    }
    let tail = &line[4..];
    let mut chars = tail.chars();
    let c = chars.next()?;
    // Excel may pad the hint line with delimiters when the sheet has more columns.
    if c.is_ascii() && c != '"' && chars.all(|d| d == c) {
        Some(c as u8)
    } else {
        None
    }
}

/// Picks the delimiter from the header line: the candidate (`,` `;` tab) whose split yields the
/// most recognised column names, then the most columns; `,` when nothing distinguishes them.
/// `recognised` says whether a header name is a known column. The header line is the first of
/// the first 30 lines with something in them that some candidate splits into a recognised name
/// (title lines above a header, `FORM PENILAIAN MANDIRI SPBE 2025;;;`, name none); when no line
/// does, the first such line.
pub fn sniff_delimiter(text: &str, recognised: impl Fn(&str) -> bool) -> u8 {
    // Lines with something in them other than delimiters.
    let mut candidates = text
        .lines()
        .filter(|l| {
            l.chars()
                .any(|c| !c.is_whitespace() && c != ',' && c != ';')
        })
        .take(30)
        .peekable();
    let Some(&first) = candidates.peek() else {
        // Only separators (`;;;`): the most frequent one, so those rows read as blank.
        let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let count = |d: char| line.chars().filter(|&c| c == d).count();
        return [b',', b';', b'\t']
            .into_iter()
            .max_by_key(|&d| (count(d as char), d == b','))
            .unwrap_or(b',');
    };
    let best_split = |line: &str| {
        // A header is short; a hostile one-line file is not scanned beyond this.
        let mut end = line.len().min(64 * 1024);
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        let line = &line[..end];
        let mut best = (b',', 0usize, 0usize);
        for d in [b',', b';', b'\t'] {
            let fields = split_line(line, d as char);
            let known = fields.iter().filter(|f| recognised(f)).count();
            let count = fields.len();
            if (known, count) > (best.1, best.2) {
                best = (d, known, count);
            }
        }
        best
    };
    candidates
        .map(best_split)
        .find(|&(_, known, _)| known > 0)
        .unwrap_or_else(|| best_split(first))
        .0
}

/// Splits one line on `d` outside double quotes (enough to read a header line).
fn split_line(line: &str, d: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c == d && !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_borrows_and_boms_are_stripped() {
        let d = decode(b"a,b", Encoding::Auto).unwrap();
        assert!(matches!(d.text, Cow::Borrowed("a,b")));
        assert_eq!(
            decode(b"\xEF\xBB\xBFa,b", Encoding::Auto).unwrap().text,
            "a,b"
        );
        let d = decode(b"\xFF\xFEa\0\t\0b\0", Encoding::Auto).unwrap();
        assert_eq!((d.text.as_ref(), d.encoding), ("a\tb", Encoding::Utf16le));
        let d = decode(b"\xFE\xFF\0a\0;\0b", Encoding::Auto).unwrap();
        assert_eq!((d.text.as_ref(), d.encoding), ("a;b", Encoding::Utf16be));
    }

    #[test]
    fn windows_1252_is_a_fallback_with_a_warning() {
        let d = decode(b"opd\nDinas Pariwisata \x96 Budaya\n", Encoding::Auto).unwrap();
        assert_eq!(d.text, "opd\nDinas Pariwisata – Budaya\n");
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert!(d.warning.unwrap().starts_with("line 2 is not UTF-8"));
        let err = decode(b"ok\n\xff", Encoding::Utf8).unwrap_err();
        assert!(err.starts_with("line 2 is not valid UTF-8"), "{err}");
        assert_eq!(
            decode("é".as_bytes(), Encoding::Windows1252).unwrap().text,
            "Ã©"
        );
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(
            decode(b"%PDF-1.4\0\0", Encoding::Auto).unwrap_err(),
            "this file is a PDF; an answer sheet must be CSV (comma, semicolon or tab separated), XLSX or ODS"
        );
        assert!(decode(b"\x01\x02\0x", Encoding::Auto).is_err());
        assert!(decode(b"\xFF\xFEa", Encoding::Auto).is_err());
    }

    fn utf16(text: &str, le: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
            .collect()
    }

    #[test]
    fn utf16_without_a_bom_is_named() {
        let text = "opd,indicator,level,note\r\nDinas Pariwisata – Budaya,45,3,café\r\n";
        assert_eq!(
            decode(&utf16(text, true), Encoding::Auto).unwrap_err(),
            "this file looks like UTF-16LE text without a byte-order mark (every other byte is zero); pass --encoding utf-16le to read it, or save it in Excel as \"CSV UTF-8 (Comma delimited)\""
        );
        assert_eq!(
            decode(&utf16(text, false), Encoding::Auto).unwrap_err(),
            "this file looks like UTF-16BE text without a byte-order mark (every other byte is zero); pass --encoding utf-16be to read it, or save it in Excel as \"CSV UTF-8 (Comma delimited)\""
        );
        // Asked for, it reads.
        let le = utf16(text, true);
        assert_eq!(decode(&le, Encoding::Utf16le).unwrap().text, text);
        // A letter beyond ASCII among the first units (`é` is E9 00) does not hide it.
        let err = decode(&utf16("catatan,café,level\n", true), Encoding::Auto).unwrap_err();
        assert!(err.contains("--encoding utf-16le"), "{err}");
        // With a BOM but another encoding forced: UTF-16, with no word about a missing BOM.
        let mut bom = b"\xFF\xFE".to_vec();
        bom.extend(utf16(text, true));
        assert_eq!(
            decode(&bom, Encoding::Windows1252).unwrap_err(),
            "this file looks like UTF-16LE text; pass --encoding utf-16le to read it, or save it in Excel as \"CSV UTF-8 (Comma delimited)\""
        );
        // Zero bytes in other places stay binary data: control bytes beside the zeros, zeros
        // on both sides, too short to tell, mostly not ASCII.
        for bytes in [
            &b"\x01\0\x02\0\x03\0\x04\0"[..],
            b"a\0b\0\0\0c\0d\0",
            b"a\0",
            b"\xE9\0\xE8\0\xE0\0a\0",
            b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0",
        ] {
            assert_eq!(
                decode(bytes, Encoding::Auto).unwrap_err(),
                "this file is binary data, not text; an answer sheet must be CSV (comma, semicolon or tab separated), XLSX or ODS",
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn sep_hint_and_sniffing() {
        assert_eq!(sep_hint("sep=;\r\nindicator;level"), Some(b';'));
        assert_eq!(sep_hint("\"sep=,\"\n"), Some(b','));
        assert_eq!(sep_hint("SEP=\t\n"), Some(b'\t'));
        assert_eq!(sep_hint("sep=;;;\n"), Some(b';'));
        assert_eq!(sep_hint("indicator,level"), None);
        let known = |h: &str| ["indicator", "level", "note"].contains(&h.trim());
        assert_eq!(
            sniff_delimiter("indicator;level;note\n1;2,5;x", known),
            b';'
        );
        assert_eq!(sniff_delimiter("indicator\tlevel\n", known), b'\t');
        assert_eq!(sniff_delimiter("indicator,level\n", known), b',');
        assert_eq!(
            sniff_delimiter("\n;;;\n\"a;b\",level,indicator", known),
            b','
        );
        assert_eq!(sniff_delimiter("", known), b',');
        assert_eq!(sniff_delimiter(";;;\n\n", known), b';');
        // Title lines above the header: the header decides, not the first line.
        assert_eq!(
            sniff_delimiter(
                "FORM PENILAIAN, MANDIRI, 2025;;;\nDinas Kesehatan;;;\n\nno;indicator;level;note\n",
                known
            ),
            b';'
        );
        assert_eq!("tab".parse::<Delimiter>(), Ok(Delimiter(b'\t')));
        assert_eq!(";".parse::<Delimiter>(), Ok(Delimiter(b';')));
        assert!("ab".parse::<Delimiter>().is_err());
    }
}
