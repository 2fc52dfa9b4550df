//! A workbook's zip, opened without trusting what it declares: the number of parts is checked in
//! the end-of-central-directory records before the zip crate reserves room for them, and every
//! XML part is read through a [`Guard`] that counts the bytes actually inflated (a part that
//! declares 1 KB may inflate to gigabytes) and the length of each XML token (a tag or a run of
//! text, which an XML parser holds whole in memory).

use std::cell::Cell;
use std::io::{self, Cursor, Read};
use std::rc::Rc;

use zip::ZipArchive;

use super::{MAX_PARTS, MAX_UNPACKED_BYTES, MAX_XML_TOKEN};

/// A zip in memory.
pub type Zip<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Opens the zip after checking its end records: more than [`MAX_PARTS`] parts is refused
/// before the zip crate reserves memory for that many.
pub fn open<'a>(bytes: &'a [u8], kind: &str) -> Result<Zip<'a>, String> {
    if let Some(n) = declared_parts(bytes) {
        if n > MAX_PARTS {
            return Err(format!(
                "the workbook declares {n} parts; a spreadsheet has a few dozen, so this is not one"
            ));
        }
    }
    ZipArchive::new(Cursor::new(bytes)).map_err(|e| super::damaged(kind, e))
}

/// The largest part count any end-of-central-directory record in the file declares (the zip
/// crate picks one of them; all are checked).
fn declared_parts(bytes: &[u8]) -> Option<u64> {
    let le16 = |at: usize| -> Option<u64> {
        Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?) as u64)
    };
    let le64 = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
    };
    let mut most = None::<u64>;
    let mut note = |n: Option<u64>| {
        if let Some(n) = n {
            most = Some(most.map_or(n, |m| m.max(n)));
        }
    };
    // The classic record sits in the last 64 KiB + 22 bytes (its comment is at most 64 KiB).
    let tail = bytes.len().saturating_sub((64 << 10) + 22);
    for at in memchr::memmem::find_iter(&bytes[tail..], b"PK\x05\x06") {
        let at = tail + at;
        note(le16(at + 8));
        note(le16(at + 10));
    }
    // Zip64 records may be anywhere a locator points; look for all of them.
    for at in memchr::memmem::find_iter(bytes, b"PK\x06\x06") {
        note(le64(at + 24));
        note(le64(at + 32));
    }
    most
}

/// What kind of XML a part is, for the checks made on it while it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `xl/sharedStrings.xml`: its strings are counted (calamine keeps them all).
    SharedStrings,
    /// A worksheet: cell references are followed, so that a message names the cell.
    Sheet,
    Other,
}

/// Reads one zip part, counting against the shared `budget` of inflated bytes and checking each
/// XML token as it goes by. A read past a limit fails; [`Guard::problem`] says which.
pub struct Guard<R> {
    inner: R,
    budget: Rc<Cell<u64>>,
    scan: Scanner,
    problem: Option<Problem>,
}

/// Why a guard stopped reading.
#[derive(Debug, Clone)]
pub struct Problem {
    /// True when one token was too long: the text then says what, after a place
    /// (`Sheet1!B7 holds text longer than 1 MiB; ...`).
    pub token: bool,
    pub text: String,
}

impl Problem {
    /// The message, with `place` in front of a token's problem.
    pub fn at(&self, place: &str) -> String {
        if self.token {
            format!("{place} {}", self.text)
        } else {
            self.text.clone()
        }
    }
}

impl<R: Read> Guard<R> {
    pub fn new(inner: R, part: Part, budget: Rc<Cell<u64>>) -> Self {
        Guard {
            inner,
            budget,
            scan: Scanner::new(part),
            problem: None,
        }
    }

    /// Why reading stopped, when a limit stopped it.
    pub fn problem(&self) -> Option<&Problem> {
        self.problem.as_ref()
    }

    /// The last cell reference seen in a worksheet (`B7`), or the row (`7`).
    pub fn place(&self) -> Option<String> {
        self.scan.place()
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(p) = &self.problem {
            return Err(io::Error::other(p.text.clone()));
        }
        let n = self.inner.read(buf)?;
        let used = self.budget.get() + n as u64;
        self.budget.set(used);
        let verdict = if used > MAX_UNPACKED_BYTES {
            Err(Problem {
                token: false,
                text: format!(
                    "the workbook unpacks to more than {} MiB; an answer sheet is far smaller, so it is refused",
                    MAX_UNPACKED_BYTES >> 20
                ),
            })
        } else {
            self.scan.feed(&buf[..n])
        };
        match verdict {
            Ok(()) => Ok(n),
            Err(p) => {
                let text = p.text.clone();
                self.problem = Some(p);
                Err(io::Error::other(text))
            }
        }
    }
}

/// Where the scanner is in the XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// Just after `<`: what follows decides between a tag, a comment, CDATA and so on.
    Open,
    Tag,
    Comment,
    CData,
    Instruction,
}

/// Follows XML just enough to measure its tokens: the text between tags, a tag, a comment, a
/// CDATA section, a processing instruction. A DOCTYPE (never in a spreadsheet, and the door to
/// entity expansion) is refused.
struct Scanner {
    part: Part,
    state: State,
    /// Length of the current token.
    len: usize,
    /// The bytes after `<` while deciding what opens (`!--`, `![CDATA[`).
    opening: Vec<u8>,
    /// The current tag's first bytes, to read its name and attributes.
    tag: Vec<u8>,
    /// The last bytes of a comment, CDATA or instruction, to see its end.
    last: [u8; 2],
    strings: u64,
    cell: Option<String>,
    row: Option<String>,
}

/// Tags are kept for inspection up to this length; the `<sst>` tag must fit.
const TAG_KEPT: usize = 4 << 10;

impl Scanner {
    fn new(part: Part) -> Self {
        Scanner {
            part,
            state: State::Text,
            len: 0,
            opening: Vec::new(),
            tag: Vec::new(),
            last: [0; 2],
            strings: 0,
            cell: None,
            row: None,
        }
    }

    fn place(&self) -> Option<String> {
        self.cell
            .clone()
            .or_else(|| self.row.as_ref().map(|r| format!("row {r}")))
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<(), Problem> {
        let mut i = 0;
        while i < bytes.len() {
            match self.state {
                State::Text => match memchr::memchr(b'<', &bytes[i..]) {
                    Some(at) => {
                        self.grow(at)?;
                        i += at + 1;
                        self.state = State::Open;
                        self.opening.clear();
                        self.len = 1;
                    }
                    None => {
                        self.grow(bytes.len() - i)?;
                        i = bytes.len();
                    }
                },
                State::Open => {
                    let b = bytes[i];
                    i += 1;
                    self.grow(1)?;
                    self.opening.push(b);
                    let o = self.opening.as_slice();
                    match o[0] {
                        b'?' => self.enter(State::Instruction),
                        b'!' => {
                            let rest = &o[1..];
                            if rest == b"--" {
                                self.enter(State::Comment);
                            } else if rest == b"[CDATA[" {
                                self.enter(State::CData);
                            } else if !(b"--".starts_with(rest) || b"[CDATA[".starts_with(rest)) {
                                return Err(whole(
                                    "the workbook's XML has a DOCTYPE or an entity declaration; a spreadsheet has none, so it is refused".into(),
                                ));
                            }
                        }
                        _ => {
                            self.state = State::Tag;
                            self.tag.clear();
                            self.tag.extend_from_slice(o);
                            if b == b'>' {
                                self.end_tag()?;
                            }
                        }
                    }
                }
                State::Tag => match memchr::memchr(b'>', &bytes[i..]) {
                    Some(at) => {
                        self.grow(at + 1)?;
                        self.keep(&bytes[i..i + at]);
                        i += at + 1;
                        self.end_tag()?;
                    }
                    None => {
                        self.grow(bytes.len() - i)?;
                        self.keep(&bytes[i..]);
                        i = bytes.len();
                    }
                },
                State::Comment | State::CData | State::Instruction => {
                    let b = bytes[i];
                    i += 1;
                    self.grow(1)?;
                    let end = match self.state {
                        State::Comment => b == b'>' && self.last == *b"--",
                        State::CData => b == b'>' && self.last == *b"]]",
                        _ => b == b'>' && self.last[1] == b'?',
                    };
                    self.last = [self.last[1], b];
                    if end {
                        self.state = State::Text;
                        self.len = 0;
                    }
                }
            }
        }
        Ok(())
    }

    fn enter(&mut self, state: State) {
        self.state = state;
        self.last = [0; 2];
    }

    fn keep(&mut self, bytes: &[u8]) {
        let room = TAG_KEPT.saturating_sub(self.tag.len());
        self.tag.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    /// Counts `n` more bytes of the current token.
    fn grow(&mut self, n: usize) -> Result<(), Problem> {
        self.len += n;
        if self.len <= MAX_XML_TOKEN {
            return Ok(());
        }
        let what = match self.state {
            State::Text | State::CData => "text",
            State::Comment => "a comment",
            _ => "a tag",
        };
        let mib = MAX_XML_TOKEN >> 20;
        let text = format!(
            "holds {what} longer than {mib} MiB in one piece; a cell holds at most 32,767 characters, so the file was not saved by Excel or LibreOffice as it is"
        );
        Err(match self.part {
            Part::Sheet => Problem { token: true, text },
            Part::SharedStrings => whole(format!(
                "the workbook's shared string {} {text}",
                self.strings
            )),
            Part::Other => Problem { token: true, text },
        })
    }

    /// A tag has ended: look at its name and the attributes that matter.
    fn end_tag(&mut self) -> Result<(), Problem> {
        self.state = State::Text;
        self.len = 0;
        let tag = std::mem::take(&mut self.tag);
        if tag.first() == Some(&b'/') {
            self.tag = tag;
            return Ok(());
        }
        let name_end = tag
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>')
            .unwrap_or(tag.len());
        let name = &tag[..name_end];
        let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
        match (self.part, local) {
            (Part::SharedStrings, b"si") => {
                self.strings += 1;
                if self.strings > super::MAX_SHARED_STRINGS {
                    return Err(whole(too_many_strings(self.strings)));
                }
            }
            (Part::SharedStrings, b"sst") => {
                if tag.len() >= TAG_KEPT {
                    return Err(whole("the workbook's shared-string table starts with a tag over 4 KiB long; open it in Excel and save it again".into()));
                }
                for attr in [&b"uniqueCount"[..], b"count"] {
                    if let Some(n) = attribute(&tag, attr).map(number) {
                        if n > super::MAX_SHARED_STRINGS {
                            return Err(whole(too_many_strings(n)));
                        }
                    }
                }
            }
            (Part::Sheet, b"c") => self.cell = attribute(&tag, b"r").map(printable),
            (Part::Sheet, b"row") => {
                self.row = attribute(&tag, b"r").map(printable);
                self.cell = None;
            }
            _ => {}
        }
        self.tag = tag;
        Ok(())
    }
}

fn whole(text: String) -> Problem {
    Problem { token: false, text }
}

fn too_many_strings(n: u64) -> String {
    format!(
        "the workbook declares {n} shared strings (more than {}); open it in Excel and save it again",
        super::MAX_SHARED_STRINGS
    )
}

/// The value of attribute `name` (any prefix) in a tag's text.
fn attribute<'t>(tag: &'t [u8], name: &[u8]) -> Option<&'t [u8]> {
    let mut i = 0;
    while i < tag.len() {
        let at = i + memchr::memmem::find(&tag[i..], name)?;
        i = at + name.len();
        let before_ok = at > 0 && (tag[at - 1].is_ascii_whitespace() || tag[at - 1] == b':');
        let rest = &tag[i..];
        let rest = rest.trim_ascii_start();
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        if !before_ok {
            continue;
        }
        let rest = rest.trim_ascii_start();
        let quote = *rest.first()?;
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        let end = memchr::memchr(quote, &rest[1..])?;
        return Some(&rest[1..1 + end]);
    }
    None
}

/// A declared count: digits read as a number, too many digits as the largest number.
fn number(text: &[u8]) -> u64 {
    let digits = text.trim_ascii();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return 0;
    }
    std::str::from_utf8(digits)
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(u64::MAX)
}

/// A cell reference for a message: letters and digits only, at most 16 of them.
fn printable(text: &[u8]) -> String {
    text.iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .take(16)
        .map(|&b| b as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(part: Part, chunks: &[&[u8]]) -> Result<Scanner, String> {
        let mut s = Scanner::new(part);
        for c in chunks {
            s.feed(c)
                .map_err(|p| p.at(&s.place().unwrap_or_default()))?;
        }
        Ok(s)
    }

    #[test]
    fn tokens_are_measured_across_chunks() {
        let big = vec![b'x'; MAX_XML_TOKEN / 2 + 1];
        let err = scan(
            Part::Sheet,
            &[
                b"<row r=\"7\"><c r=\"B7\" t=\"inlineStr\"><is><t>",
                &big,
                &big,
            ],
        )
        .err()
        .unwrap();
        assert!(
            err.starts_with("B7 holds text longer than 1 MiB in one piece"),
            "{err}"
        );
        // Short tokens of any number are fine.
        let many = b"<c r=\"A1\"><v>1</v></c>".repeat(100_000);
        assert!(scan(Part::Sheet, &[&many]).is_ok());
    }

    #[test]
    fn comments_cdata_and_doctypes() {
        assert!(
            scan(
                Part::Other,
                &[b"<!-- a > b -- c --><x/><![CDATA[ <y> ]]><?pi x?>"]
            )
            .is_ok()
        );
        let long_comment = [b"<!--".to_vec(), b"<>".repeat(MAX_XML_TOKEN)].concat();
        assert!(
            scan(Part::Other, &[&long_comment])
                .err()
                .unwrap()
                .contains("a comment longer than")
        );
        let err = scan(Part::Other, &[b"<!DOCTYPE x [<!ENTITY a \"b\">]><x/>"])
            .err()
            .unwrap();
        assert!(err.contains("DOCTYPE"), "{err}");
    }

    #[test]
    fn shared_strings_are_counted_not_trusted() {
        let err = scan(
            Part::SharedStrings,
            &[b"<sst xmlns=\"x\" count=\"1\" uniqueCount=\"100000000000\"><si><t>a</t></si></sst>"],
        )
        .err()
        .unwrap();
        assert_eq!(
            err,
            "the workbook declares 100000000000 shared strings (more than 2000000); open it in Excel and save it again"
        );
        let s = scan(
            Part::SharedStrings,
            &[b"<sst><si><t>a</t></si><x:si><t/></x:si><sig/></sst>"],
        )
        .unwrap();
        assert_eq!(s.strings, 2);
    }

    #[test]
    fn attributes_are_found_by_their_own_name() {
        assert_eq!(attribute(b"c r=\"B7\" s=\"1\"", b"r"), Some(&b"B7"[..]));
        assert_eq!(attribute(b"c attr=\"x\" r = 'C9'", b"r"), Some(&b"C9"[..]));
        assert_eq!(
            attribute(b"sst uniqueCount=\"5\" count=\"9\"", b"count"),
            Some(&b"9"[..])
        );
        assert_eq!(attribute(b"c s=\"1\"", b"r"), None);
        assert_eq!(number(b"99999999999999999999999"), u64::MAX);
    }

    #[test]
    fn declared_parts_come_from_every_end_record() {
        let mut zip = b"PK\x03\x04 some data ".to_vec();
        let mut eocd = b"PK\x05\x06\0\0\0\0".to_vec();
        eocd.extend(7u16.to_le_bytes());
        eocd.extend(65535u16.to_le_bytes());
        eocd.extend([0; 10]);
        zip.extend(eocd);
        assert_eq!(declared_parts(&zip), Some(65535));
    }
}
