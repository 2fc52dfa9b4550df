//! Hostile workbooks, made in memory: zip bombs whose parts declare a small size, shared-string
//! bombs, ODS repeat attributes, huge cells. Used by `tests/main/hostile.rs` (small sizes) and by
//! `examples/hostile_gen.rs` (the sizes of issue 20, for `bench/hostile.sh`).

#![allow(dead_code)]

use std::io::Write;

/// Bits written least significant first, as deflate packs them.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn new() -> Self {
        Bits {
            out: Vec::new(),
            acc: 0,
            n: 0,
        }
    }

    fn put(&mut self, value: u64, bits: u32) {
        self.acc |= value << self.n;
        self.n += bits;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code: most significant bit first.
    fn code(&mut self, code: u64, bits: u32) {
        let mut reversed = 0;
        for i in 0..bits {
            reversed |= ((code >> i) & 1) << (bits - 1 - i);
        }
        self.put(reversed, bits);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }

    /// A literal byte in the fixed Huffman code.
    fn literal(&mut self, b: u8) {
        if b < 144 {
            self.code(0x30 + b as u64, 8);
        } else {
            self.code(0x190 + (b as u64 - 144), 9);
        }
    }
}

/// A raw deflate stream (fixed Huffman codes) that inflates to `head`, then `pattern` repeated
/// until about `total` bytes, then `tail`: each 258-byte copy costs under 30 bits, so 300 MiB
/// take about 4 MB.
pub fn deflate_bomb(head: &[u8], pattern: &[u8], total: u64, tail: &[u8]) -> Vec<u8> {
    assert!(!pattern.is_empty() && pattern.len() <= 16_384);
    let mut b = Bits::new();
    b.put(1, 1); // final block
    b.put(1, 2); // fixed Huffman
    for &c in head.iter().chain(pattern) {
        b.literal(c);
    }
    // Copies of 258 bytes (length code 285) at distance pattern.len(): the output stays
    // periodic. Distance codes: (code, base, extra bits).
    let d = pattern.len() as u64;
    let (code, base, extra) = (0u64..30)
        .map(|c| {
            let extra = if c < 4 { 0 } else { c / 2 - 1 };
            let base = if c < 4 {
                c + 1
            } else {
                (1u64 << (c / 2)) + (c % 2) * (1u64 << (c / 2 - 1)) + 1
            };
            (c, base, extra)
        })
        .rfind(|&(_, base, _)| base <= d)
        .unwrap();
    let body = total.saturating_sub((head.len() + pattern.len() + tail.len()) as u64);
    for _ in 0..body / 258 {
        b.code(0xC5, 8);
        b.code(code, 5);
        b.put(d - base, extra as u32);
    }
    // The rest of the pattern's period, so that the tail starts on a pattern boundary.
    let done = (body / 258 * 258) % d;
    if done != 0 {
        for &c in &pattern[done as usize..] {
            b.literal(c);
        }
    }
    for &c in tail {
        b.literal(c);
    }
    b.code(0, 7); // end of block
    b.finish()
}

/// A part of a hand-made zip.
pub enum Part {
    Stored(Vec<u8>),
    Deflated(Vec<u8>),
    /// A raw deflate stream, with the size the zip declares for it once inflated.
    Raw {
        deflate: Vec<u8>,
        declared: u32,
    },
}

/// A zip written by hand, so that a part can declare any size.
pub fn zip(parts: &[(&str, Part)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, part) in parts {
        let (method, data, size, crc) = match part {
            Part::Stored(d) => (0u16, d.clone(), d.len() as u32, crc32(d)),
            Part::Deflated(d) => {
                let mut enc =
                    flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
                enc.write_all(d).unwrap();
                (8, enc.finish().unwrap(), d.len() as u32, crc32(d))
            }
            Part::Raw { deflate, declared } => (8, deflate.clone(), *declared, 0),
        };
        let offset = out.len() as u32;
        let head = |sig: &[u8], central: bool| {
            let mut h = sig.to_vec();
            if central {
                h.extend(20u16.to_le_bytes()); // made by
            }
            h.extend(20u16.to_le_bytes()); // needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(method.to_le_bytes());
            h.extend([0, 0, 0x21, 0]); // time, date
            h.extend(crc.to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend(size.to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra
            if central {
                h.extend([0; 6]); // comment, disk, internal attributes
                h.extend(0u32.to_le_bytes());
                h.extend(offset.to_le_bytes());
            }
            h.extend(name.as_bytes());
            h
        };
        out.extend(head(b"PK\x03\x04", false));
        out.extend(&data);
        central.extend(head(b"PK\x01\x02", true));
    }
    let cd_offset = out.len() as u32;
    out.extend(&central);
    out.extend(b"PK\x05\x06\0\0\0\0");
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The parts of a minimal XLSX around `sheet` (the worksheet's `<sheetData>` content) and
/// `strings` (the shared strings' `<si>` elements), as Excel names them.
pub fn xlsx_parts(sheet: Part, strings: Option<Part>) -> Vec<(&'static str, Part)> {
    let text = |s: &str| Part::Deflated(s.as_bytes().to_vec());
    let mut parts = vec![
        (
            "[Content_Types].xml",
            text(
                "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/></Types>",
            ),
        ),
        (
            "_rels/.rels",
            text(
                "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>",
            ),
        ),
        (
            "xl/workbook.xml",
            text(
                "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
<sheets><sheet name=\"Jawaban\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            text(
                "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>",
            ),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(s) = strings {
        parts.push(("xl/sharedStrings.xml", s));
    }
    parts
}

pub const SHEET_HEAD: &str = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
pub const SHEET_TAIL: &str = "</sheetData></worksheet>";
pub const SST_HEAD: &str = "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">";

/// An inline-string cell.
pub fn inline(cell: &str, text: &str) -> String {
    format!("<c r=\"{cell}\" t=\"inlineStr\"><is><t>{text}</t></is></c>")
}

/// A number cell.
pub fn num(cell: &str, n: u64) -> String {
    format!("<c r=\"{cell}\"><v>{n}</v></c>")
}

/// The header row `indicator, level` and a first answer (indicator 1 at level 3) as XML.
pub fn header_rows() -> String {
    format!(
        "<row r=\"1\">{}{}</row><row r=\"2\">{}{}</row>",
        inline("A1", "indicator"),
        inline("B1", "level"),
        num("A2", 1),
        num("B2", 3)
    )
}

/// An empty tag and spaces: 256 bytes of harmless XML, in short tokens.
fn spaced_tag() -> Vec<u8> {
    let mut t = b"<x/>".to_vec();
    t.resize(256, b' ');
    t
}

/// An XLSX whose worksheet part declares 1 KB and inflates to `total` bytes of short tags.
pub fn xlsx_inflating(total: u64) -> Vec<u8> {
    let head = format!("{SHEET_HEAD}{}", header_rows());
    let deflate = deflate_bomb(head.as_bytes(), &spaced_tag(), total, SHEET_TAIL.as_bytes());
    zip(&xlsx_parts(
        Part::Raw {
            deflate,
            declared: 1000,
        },
        None,
    ))
}

/// An XLSX whose one shared string is `runs` rich-text runs of `run` bytes each (calamine joins
/// them), used by the `level` cells of `cells` rows.
pub fn xlsx_shared_string_bomb(runs: usize, run: usize, cells: usize) -> Vec<u8> {
    let mut sst = String::from(SST_HEAD);
    sst.push_str("<si><t>indicator</t></si><si><t>level</t></si><si>");
    let chunk = "x".repeat(run);
    for _ in 0..runs {
        sst.push_str("<r><t>");
        sst.push_str(&chunk);
        sst.push_str("</t></r>");
    }
    sst.push_str("</si></sst>");
    let mut sheet = String::from(SHEET_HEAD);
    sheet.push_str("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"inlineStr\"><is><t>note</t></is></c></row>");
    for i in 0..cells {
        let r = i + 2;
        sheet.push_str(&format!(
            "<row r=\"{r}\"><c r=\"A{r}\"><v>{}</v></c><c r=\"B{r}\"><v>3</v></c><c r=\"C{r}\" t=\"s\"><v>2</v></c></row>",
            i % 47 + 1
        ));
    }
    sheet.push_str(SHEET_TAIL);
    zip(&xlsx_parts(
        Part::Deflated(sheet.into_bytes()),
        Some(Part::Deflated(sst.into_bytes())),
    ))
}

/// [`xlsx_huge_cell`] with the worksheet stored as `xl/worksheets/sheet1.bin`, which the
/// workbook's relationships point to: not an XML name, still parsed as the sheet.
pub fn xlsx_huge_cell_renamed(len: usize) -> Vec<u8> {
    let sheet = format!(
        "{SHEET_HEAD}<row r=\"1\">{}{}</row><row r=\"2\">{}{}</row>{SHEET_TAIL}",
        inline("A1", "indicator"),
        inline("B1", "note"),
        num("A2", 1),
        inline("B2", &"x".repeat(len))
    );
    let parts: Vec<(&str, Part)> = xlsx_parts(Part::Deflated(sheet.into_bytes()), None)
        .into_iter()
        .map(|(name, part)| match (name, part) {
            ("xl/worksheets/sheet1.xml", part) => ("xl/worksheets/sheet1.bin", part),
            ("xl/_rels/workbook.xml.rels", Part::Deflated(d)) => (
                name,
                Part::Deflated(
                    String::from_utf8(d)
                        .unwrap()
                        .replace("sheet1.xml", "sheet1.bin")
                        .into_bytes(),
                ),
            ),
            other => other,
        })
        .collect();
    zip(&parts)
}

/// An XLSX with one inline-string cell (`B2`) of `len` bytes.
pub fn xlsx_huge_cell(len: usize) -> Vec<u8> {
    let sheet = format!(
        "{SHEET_HEAD}<row r=\"1\">{}{}</row><row r=\"2\">{}{}</row>{SHEET_TAIL}",
        inline("A1", "indicator"),
        inline("B1", "note"),
        num("A2", 1),
        inline("B2", &"x".repeat(len))
    );
    zip(&xlsx_parts(Part::Deflated(sheet.into_bytes()), None))
}

/// An XLSX of a header and `rows` answer rows `opd, indicator, stage, level` as a big
/// evaluation's sheet has them (the bench's million-row sheet as a workbook).
pub fn xlsx_rows(rows: u64) -> Vec<u8> {
    let mut sheet = String::with_capacity(rows as usize * 150);
    sheet.push_str(SHEET_HEAD);
    sheet.push_str("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c></row>");
    let stages = ["mandiri", "dokumen", "interviu", "visitasi", "akhir"];
    let opds = 20_000u64;
    for i in 0..rows {
        let r = i + 2;
        // Distinct (opd, indicator, stage) triples: 20 000 × 47 × 5 = 4.7 M of them.
        let (opd, rest) = (i % opds, i / opds);
        let (indicator, stage) = (rest % 47 + 1, rest / 47 % 5);
        sheet.push_str(&format!(
            "<row r=\"{r}\"><c r=\"A{r}\" t=\"s\"><v>{}</v></c><c r=\"B{r}\"><v>{indicator}</v></c><c r=\"C{r}\" t=\"s\"><v>{}</v></c><c r=\"D{r}\"><v>{}</v></c></row>",
            9 + opd,
            4 + stage,
            (i * 7 + rest) % 5 + 1
        ));
    }
    sheet.push_str(SHEET_TAIL);
    let mut sst = String::from(SST_HEAD);
    for s in ["opd", "indicator", "stage", "level"]
        .iter()
        .map(|s| s.to_string())
        .chain(stages.iter().map(|s| s.to_string()))
        .chain(std::iter::once(String::new()))
        .chain((0..opds).map(|o| format!("OPD {o:05}")))
    {
        sst.push_str(&format!("<si><t>{s}</t></si>"));
    }
    sst.push_str("</sst>");
    zip(&xlsx_parts(
        Part::Deflated(sheet.into_bytes()),
        Some(Part::Deflated(sst.into_bytes())),
    ))
}

pub const ODS_HEAD: &str = "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet><table:table table:name=\"Lembar1\">";
pub const ODS_TAIL: &str =
    "</table:table></office:spreadsheet></office:body></office:document-content>";

/// An ODS string cell.
pub fn ods_text(text: &str) -> String {
    format!(
        "<table:table-cell office:value-type=\"string\"><text:p>{text}</text:p></table:table-cell>"
    )
}

/// An ODS number cell.
pub fn ods_num(n: u64) -> String {
    format!("<table:table-cell office:value-type=\"float\" office:value=\"{n}\"/>")
}

/// The header row `indicator, level, note` of an ODS sheet.
pub fn ods_header() -> String {
    format!(
        "<table:table-row>{}{}{}</table:table-row>",
        ods_text("indicator"),
        ods_text("level"),
        ods_text("note")
    )
}

/// An ODS with `content` as its `content.xml`.
pub fn ods(content: Part) -> Vec<u8> {
    zip(&[
        (
            "mimetype",
            Part::Stored(b"application/vnd.oasis.opendocument.spreadsheet".to_vec()),
        ),
        ("content.xml", content),
    ])
}

/// An ODS of the header and `rows`, in `content.xml`.
pub fn ods_rows(rows: &str) -> Vec<u8> {
    ods(Part::Deflated(
        format!("{ODS_HEAD}{}{rows}{ODS_TAIL}", ods_header()).into_bytes(),
    ))
}

/// An ODS whose `content.xml` declares 1 KB and inflates to `total` bytes of short tags.
pub fn ods_inflating(total: u64) -> Vec<u8> {
    let head = format!("{ODS_HEAD}{}", ods_header());
    let deflate = deflate_bomb(head.as_bytes(), &spaced_tag(), total, ODS_TAIL.as_bytes());
    ods(Part::Raw {
        deflate,
        declared: 1000,
    })
}
