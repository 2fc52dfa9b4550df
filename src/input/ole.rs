//! Excel 97-2003 workbooks (`.xls`) and password-protected workbooks: both are OLE compound
//! files. This module says which one a file is, and checks an `.xls` before calamine reads it.
//!
//! calamine trusts what an `.xls` declares: it follows sector chains until they end (a chain
//! that loops is followed until memory runs out), reserves memory for the FAT and the sheet
//! extents the file states, and builds each sheet as one dense grid from its furthest cell. A
//! file of a few kilobytes could so take all memory or abort the process. Everything calamine
//! will follow or allocate is walked here first, bounded by the file's size, with the limits
//! of every other workbook (`MAX_GRID` cells of grid, `MAX_CELLS` filled cells).

/// The first bytes of every OLE compound file.
pub const MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FREESECT: u32 = 0xFFFF_FFFF;
/// Ids from here on are markers, not sectors (calamine's `RESERVED_SECTORS`).
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

/// What calamine reserves for the DIFAT, in entries, is read from bytes 62..66 of the header
/// (straddling two fields); more than this is refused.
const MAX_DIFAT_RESERVE: u64 = 1 << 24;

/// The message for a workbook protected with a password.
pub const ENCRYPTED: &str = "this workbook is protected with a password (encrypted), so it cannot be read; open it in Excel or LibreOffice with the password, remove the password (Excel: File > Info > Protect Workbook > Encrypt with Password, clear it) and save it again";

fn damaged(what: &str) -> String {
    format!(
        "cannot read this XLS file ({what}); open it in Excel or LibreOffice and save it again as .xlsx"
    )
}

fn u16_at(b: &[u8], at: usize) -> u32 {
    u16::from_le_bytes([b[at], b[at + 1]]) as u32
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// One directory entry, as calamine reads it.
struct Entry {
    name: String,
    start: u32,
    len: u64,
}

/// The compound file's sectors, FAT and directory.
struct Compound<'a> {
    bytes: &'a [u8],
    size: usize,
    fat: Vec<u32>,
    entries: Vec<Entry>,
}

impl<'a> Compound<'a> {
    fn open(bytes: &'a [u8]) -> Result<Compound<'a>, String> {
        if bytes.len() < 512 || !bytes.starts_with(MAGIC) {
            return Err(damaged("it is too short for its header"));
        }
        let size = match u16_at(bytes, 30) {
            9 => 512,
            12 => 4096,
            _ => return Err(damaged("its sector size is not 512 or 4096 bytes")),
        };
        if u16_at(bytes, 32) != 6 {
            return Err(damaged("its mini sector size is not 64 bytes"));
        }
        // calamine: sector ids up to len / size; sector i starts at (i + 1) * size.
        let sectors = (bytes.len() / size) as u64;
        let fat_sectors = u32_at(bytes, 44) as u64;
        let mini_fat_sectors = u32_at(bytes, 64) as u64;
        if fat_sectors > sectors || mini_fat_sectors > sectors {
            return Err(damaged("it declares more sectors than it has"));
        }
        if u32_at(bytes, 62) as u64 > MAX_DIFAT_RESERVE {
            return Err(damaged("it declares an impossible allocation table"));
        }
        let mut c = Compound {
            bytes,
            size,
            fat: Vec::new(),
            entries: Vec::new(),
        };
        // The DIFAT: 109 entries in the header, then a chain of sectors whose last entry is
        // the next one's id (calamine pops it off the list).
        let mut difat: Vec<u32> = (0..109).map(|i| u32_at(bytes, 76 + 4 * i)).collect();
        let mut next = u32_at(bytes, 68);
        let mut steps = 0u64;
        while next < RESERVED {
            steps += 1;
            if steps > sectors {
                return Err(damaged("its sector list loops"));
            }
            difat.extend(c.sector_words(next)?);
            next = difat.pop().unwrap_or(ENDOFCHAIN);
        }
        let fat_ids: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
        if fat_ids.len() as u64 > sectors {
            return Err(damaged("it lists more allocation sectors than it has"));
        }
        let mut fat = Vec::new();
        for id in fat_ids {
            fat.extend(c.sector_words(id)?);
        }
        c.fat = fat;
        let dir = c.chain(u32_at(bytes, 48), u64::MAX)?;
        for chunk in dir.chunks(128) {
            if chunk.len() < 128 {
                break;
            }
            let name: String = char::decode_utf16(
                chunk[..64]
                    .chunks(2)
                    .map(|p| u16::from_le_bytes([p[0], p[1]])),
            )
            .map(|c| c.unwrap_or('\u{fffd}'))
            .take_while(|&c| c != '\0')
            .collect();
            let len = if size == 512 {
                u32_at(chunk, 120) as u64
            } else {
                u64::from_le_bytes(chunk[120..128].try_into().expect("8 bytes"))
            };
            c.entries.push(Entry {
                name,
                start: u32_at(chunk, 116),
                len,
            });
        }
        let Some(root) = c.entries.first() else {
            return Err(damaged("it has no directory"));
        };
        if mini_fat_sectors > 0 {
            // calamine reads the mini stream along the root's chain up to its declared length.
            c.chain(root.start, root.len)?;
        }
        Ok(c)
    }

    /// Sector `id`'s bytes (short at the end of the file, as calamine reads it).
    fn sector(&self, id: u32) -> Result<&'a [u8], String> {
        let start = (id as usize + 1).saturating_mul(self.size);
        if id as u64 > (self.bytes.len() / self.size) as u64 {
            return Err(damaged("a sector lies beyond the end of the file"));
        }
        let end = start.saturating_add(self.size).min(self.bytes.len());
        Ok(self.bytes.get(start..end).unwrap_or(&[]))
    }

    fn sector_words(&self, id: u32) -> Result<Vec<u32>, String> {
        Ok(self
            .sector(id)?
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect())
    }

    /// The bytes of the chain from `start`, at most `len`; a chain that loops or leaves the
    /// file is refused.
    fn chain(&self, mut id: u32, len: u64) -> Result<Vec<u8>, String> {
        if len != u64::MAX && len > self.bytes.len() as u64 {
            return Err(damaged("a part is declared larger than the file"));
        }
        let mut out = Vec::new();
        let mut seen = vec![false; self.fat.len()];
        while id != ENDOFCHAIN && (out.len() as u64) < len {
            if id == FREESECT || id >= RESERVED {
                return Err(damaged("a chain of sectors is broken"));
            }
            let Some(slot) = seen.get_mut(id as usize) else {
                return Err(damaged("a chain of sectors leaves the allocation table"));
            };
            if std::mem::replace(slot, true) {
                return Err(damaged("a chain of sectors loops"));
            }
            let sector = self.sector(id)?;
            let room = (len - out.len() as u64).min(sector.len() as u64) as usize;
            out.extend_from_slice(&sector[..room]);
            id = self.fat[id as usize];
        }
        Ok(out)
    }

    fn has(&self, name: &str) -> bool {
        self.entries.iter().any(|e| e.name == name)
    }
}

/// What an OLE compound file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An Excel 97-2003 workbook that passed the checks: calamine may read it.
    Xls,
    /// A password-protected workbook (an encrypted `.xlsx`, or an `.xls` with a password).
    Encrypted,
}

/// Checks an OLE compound file before calamine reads it as an `.xls`: `Ok(Kind)` says what it
/// is; `Err` says why it cannot be read.
pub fn check(bytes: &[u8], max_grid: u64, max_cells: u64) -> Result<Kind, String> {
    let c = Compound::open(bytes)?;
    // An encrypted .xlsx (or .docx, .pptx) is its encrypted package inside a compound file.
    if c.has("EncryptedPackage") || c.has("EncryptionInfo") {
        return Ok(Kind::Encrypted);
    }
    let Some(book) = ["Workbook", "Book", "WORKBOOK", "BOOK"]
        .iter()
        .find_map(|n| c.entries.iter().find(|e| e.name == *n))
    else {
        return Err(
            "this is a Microsoft Office file but not an Excel workbook (a Word or PowerPoint file?); send the answers as .xlsx or .csv".into(),
        );
    };
    let stream = if book.len < 4096 {
        small_stream(bytes, &c, book)?
    } else {
        c.chain(book.start, book.len)?
    };
    check_records(&stream, max_grid, max_cells)
}

/// A workbook stream under 4096 bytes, which lives in the mini stream: read through the mini
/// FAT, bounded by its length.
fn small_stream(bytes: &[u8], c: &Compound<'_>, book: &Entry) -> Result<Vec<u8>, String> {
    let mini_fat = c.chain(u32_at(bytes, 60), u32_at(bytes, 64) as u64 * c.size as u64)?;
    let mini_fat: Vec<u32> = mini_fat
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        .collect();
    let root = &c.entries[0];
    let mini = c.chain(root.start, root.len)?;
    let mut out = Vec::new();
    let mut id = book.start;
    let mut steps = 0;
    while id != ENDOFCHAIN && (out.len() as u64) < book.len {
        steps += 1;
        if steps > mini_fat.len() + 1 {
            return Err(damaged("a chain of sectors loops"));
        }
        let start = id as usize * 64;
        let Some(sector) = mini.get(start..(start + 64).min(mini.len())) else {
            return Err(damaged("a sector lies beyond the end of the file"));
        };
        let room = ((book.len - out.len() as u64) as usize).min(sector.len());
        out.extend_from_slice(&sector[..room]);
        let Some(&next) = mini_fat.get(id as usize) else {
            return Err(damaged("a chain of sectors leaves the allocation table"));
        };
        id = next;
    }
    Ok(out)
}

/// The BIFF records calamine reads: from the start to the first EOF for the workbook globals,
/// and from each sheet's position to its EOF.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut s = stream;
    std::iter::from_fn(move || {
        if s.len() < 4 {
            return None;
        }
        let typ = u16_at(s, 0) as u16;
        let len = u16_at(s, 2) as usize;
        if s.len() < len + 4 {
            return None;
        }
        let data = &s[4..4 + len];
        s = &s[4 + len..];
        while s.len() > 4 && u16_at(s, 0) == 0x003C {
            let len = u16_at(s, 2) as usize;
            if s.len() < len + 4 {
                s = &[];
                break;
            }
            s = &s[len + 4..];
        }
        Some((typ, data))
    })
}

/// The rows and columns a sheet's cells span, as calamine's dense grid will.
#[derive(Default)]
struct Extent {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Extent {
    fn add(&mut self, row: u32, col: u32) {
        let grow = |r: &mut Option<(u32, u32)>, v: u32| {
            *r = Some(match *r {
                None => (v, v),
                Some((a, b)) => (a.min(v), b.max(v)),
            })
        };
        grow(&mut self.rows, row);
        grow(&mut self.cols, col);
    }

    fn cells(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => (r1 - r0 + 1) as u64 * (c1 - c0 + 1) as u64,
            _ => 0,
        }
    }
}

fn check_records(stream: &[u8], max_grid: u64, max_cells: u64) -> Result<Kind, String> {
    let mut sheets = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            0x002F => return Ok(Kind::Encrypted),
            0x0085 if data.len() >= 4 => sheets.push(u32_at(data, 0) as usize),
            0x000A => break,
            _ => {}
        }
    }
    let too_big = |cells: u64| {
        format!(
            "a sheet of the workbook spans {cells} cells; an answer sheet has one row per indicator, so delete the cells far from the answers and save it again"
        )
    };
    let mut filled = 0u64;
    for pos in sheets {
        let Some(sheet) = stream.get(pos..) else {
            continue; // calamine reports it as damaged
        };
        let mut extent = Extent::default();
        for (typ, data) in records(sheet) {
            let cell = |extent: &mut Extent| {
                if data.len() >= 4 {
                    extent.add(u16_at(data, 0), u16_at(data, 2));
                }
            };
            match typ {
                0x000A => break,
                // Dimensions: calamine reserves rows × columns cells, computed as it does.
                0x0200 => {
                    let (rf, rl, mut cf, cl) = match data.len() {
                        10 => (
                            u16_at(data, 0),
                            u16_at(data, 2),
                            u16_at(data, 4),
                            u16_at(data, 6),
                        ),
                        14 => (
                            u32_at(data, 0),
                            u32_at(data, 4),
                            u16_at(data, 8),
                            u16_at(data, 10),
                        ),
                        _ => continue,
                    };
                    if 0xFF < cf || cl < cf {
                        cf = 0;
                    }
                    let (end_r, end_c) = if rl >= 1 && cl >= 1 {
                        (rl - 1, cl - 1)
                    } else {
                        (rf, cf)
                    };
                    let rows = end_r.wrapping_sub(rf).wrapping_add(1) as u64;
                    let cols = end_c.wrapping_sub(cf).wrapping_add(1) as u64;
                    if rows.saturating_mul(cols) > max_grid {
                        return Err(too_big(rows.saturating_mul(cols)));
                    }
                }
                // Number, Label, BoolErr, RK, LabelSst, Formula: one cell each.
                0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    cell(&mut extent);
                    filled += 1;
                }
                // MulRk: a row of cells.
                0x00BD if data.len() >= 6 => {
                    let row = u16_at(data, 0);
                    let first = u16_at(data, 2);
                    let n = (data.len() as u32 - 6) / 6;
                    extent.add(row, first);
                    extent.add(row, first + n.saturating_sub(1));
                    filled += n as u64;
                }
                _ => {}
            }
            if filled > max_cells {
                return Err(format!(
                    "the workbook has more than {max_cells} filled cells; an answer sheet needs one row per indicator, so remove the extra data"
                ));
            }
        }
        if extent.cells() > max_grid {
            return Err(too_big(extent.cells()));
        }
    }
    Ok(Kind::Xls)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A compound file (version 3, 512-byte sectors) with the given streams, each stored in
    /// regular sectors (a stream under 4096 bytes is padded to 4096: this writer has no mini
    /// stream). For tests of hostile variants.
    pub(crate) fn compound(streams: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let padded: Vec<(&str, Vec<u8>)> = streams
            .iter()
            .map(|(n, d)| {
                let mut d = d.clone();
                if d.len() < 4096 {
                    d.resize(4096, 0);
                }
                (*n, d)
            })
            .collect();
        let sectors_of = |len: usize| len.div_ceil(512);
        let data_sectors: usize = padded.iter().map(|(_, d)| sectors_of(d.len())).sum();
        let dir_sectors = (padded.len() + 1).div_ceil(4);
        let fat_sectors = (data_sectors + dir_sectors + 1).div_ceil(127);
        let total = fat_sectors + dir_sectors + data_sectors;
        let mut fat = vec![FREESECT; fat_sectors * 128];
        for f in fat.iter_mut().take(fat_sectors) {
            *f = 0xFFFF_FFFD; // FATSECT
        }
        let mut next = fat_sectors;
        let chain = |fat: &mut Vec<u32>, start: usize, n: usize| {
            for i in 0..n {
                fat[start + i] = if i + 1 == n {
                    ENDOFCHAIN
                } else {
                    (start + i + 1) as u32
                };
            }
        };
        let dir_start = next;
        chain(&mut fat, dir_start, dir_sectors);
        next += dir_sectors;
        let mut starts = Vec::new();
        for (_, d) in &padded {
            starts.push(next);
            chain(&mut fat, next, sectors_of(d.len()));
            next += sectors_of(d.len());
        }
        let mut out = vec![0u8; 512];
        out[..8].copy_from_slice(MAGIC);
        out[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
        out[26..28].copy_from_slice(&3u16.to_le_bytes());
        out[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
        out[30..32].copy_from_slice(&9u16.to_le_bytes());
        out[32..34].copy_from_slice(&6u16.to_le_bytes());
        out[44..48].copy_from_slice(&(fat_sectors as u32).to_le_bytes());
        out[48..52].copy_from_slice(&(dir_start as u32).to_le_bytes());
        out[56..60].copy_from_slice(&4096u32.to_le_bytes());
        out[60..64].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        out[68..72].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        for i in 0..109 {
            let v = if i < fat_sectors { i as u32 } else { FREESECT };
            out[76 + 4 * i..80 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        for v in &fat {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let entry = |name: &str, typ: u8, start: u32, len: u32| {
            let mut e = vec![0u8; 128];
            let units: Vec<u16> = name.encode_utf16().collect();
            for (i, u) in units.iter().enumerate() {
                e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
            }
            e[64..66].copy_from_slice(&(((units.len() + 1) * 2) as u16).to_le_bytes());
            e[66] = typ;
            e[68..72].copy_from_slice(&FREESECT.to_le_bytes());
            e[72..76].copy_from_slice(&FREESECT.to_le_bytes());
            e[76..80].copy_from_slice(&FREESECT.to_le_bytes());
            e[116..120].copy_from_slice(&start.to_le_bytes());
            e[120..124].copy_from_slice(&len.to_le_bytes());
            e
        };
        let mut dir = entry("Root Entry", 5, ENDOFCHAIN, 0);
        // A flat tree: each stream the right sibling of the one before.
        if !padded.is_empty() {
            dir[76..80].copy_from_slice(&1u32.to_le_bytes());
        }
        for (i, ((name, d), start)) in padded.iter().zip(&starts).enumerate() {
            let mut e = entry(name, 2, *start as u32, d.len() as u32);
            if i + 1 < padded.len() {
                e[72..76].copy_from_slice(&((i + 2) as u32).to_le_bytes());
            }
            dir.extend(e);
        }
        dir.resize(dir_sectors * 512, 0);
        out.extend(dir);
        for (_, d) in &padded {
            let mut d = d.clone();
            d.resize(sectors_of(d.len()) * 512, 0);
            out.extend(d);
        }
        assert_eq!(out.len(), (total + 1) * 512);
        out
    }

    /// A BIFF record.
    pub(crate) fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    /// A workbook stream: globals naming one sheet, then the sheet's records.
    pub(crate) fn workbook_stream(sheet_records: &[Vec<u8>]) -> Vec<u8> {
        let bof = record(0x0809, &[0, 6, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let mut name = vec![0u8; 6];
        name.extend([5, 0]); // cch, flags (compressed)
        name.extend(b"Sheet");
        let bound_len = 4 + name.len();
        let globals_len = bof.len() + bound_len + 4;
        let mut bound = (globals_len as u32).to_le_bytes().to_vec();
        bound.extend(&name[4..]);
        let mut s = bof.clone();
        s.extend(record(0x0085, &bound));
        s.extend(record(0x000A, &[]));
        assert_eq!(s.len(), globals_len);
        s.extend(bof);
        for r in sheet_records {
            s.extend(r);
        }
        s.extend(record(0x000A, &[]));
        s
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0, 0]);
        d.extend(3.0f64.to_le_bytes());
        record(0x0203, &d)
    }

    #[test]
    fn a_plain_workbook_passes_and_calamine_reads_it() {
        let stream = workbook_stream(&[number(0, 0), number(2, 1)]);
        let file = compound(&[("Workbook", stream)]);
        assert_eq!(check(&file, 10_000_000, 10_000_000), Ok(Kind::Xls));
        use calamine::Reader;
        let mut wb = calamine::Xls::new(std::io::Cursor::new(&file)).unwrap();
        let range = wb.worksheet_range("Sheet").unwrap();
        assert_eq!(range.used_cells().count(), 2);
    }

    #[test]
    fn hostile_workbooks_are_refused_before_calamine_reads_them() {
        let check = |file: &[u8]| check(file, 10_000_000, 10_000_000);
        // A cell at the far corner: a dense grid of 65536 × 65536 cells.
        let far = compound(&[(
            "Workbook",
            workbook_stream(&[number(0, 0), number(65535, 65535)]),
        )]);
        assert_eq!(
            check(&far).unwrap_err(),
            "a sheet of the workbook spans 4294967296 cells; an answer sheet has one row per indicator, so delete the cells far from the answers and save it again"
        );
        // Dimensions whose last row is before the first: calamine's subtraction wraps.
        let mut dims = 10u32.to_le_bytes().to_vec();
        dims.extend(5u32.to_le_bytes());
        dims.extend([0, 0, 3, 0, 0, 0]);
        let wrapped = compound(&[(
            "Workbook",
            workbook_stream(&[record(0x0200, &dims), number(0, 0)]),
        )]);
        assert!(
            check(&wrapped)
                .unwrap_err()
                .contains("cells; an answer sheet")
        );
        // The directory chain loops back on itself.
        let mut looped = compound(&[("Workbook", workbook_stream(&[number(0, 0)]))]);
        let dir_start = u32_at(&looped, 48) as usize;
        let at = 512 + 4 * dir_start;
        looped[at..at + 4].copy_from_slice(&(dir_start as u32).to_le_bytes());
        assert_eq!(
            check(&looped).unwrap_err(),
            "cannot read this XLS file (a chain of sectors loops); open it in Excel or LibreOffice and save it again as .xlsx"
        );
        // A FAT sector count beyond the file.
        let mut fat = compound(&[("Workbook", workbook_stream(&[number(0, 0)]))]);
        fat[44..48].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            check(&fat).unwrap_err(),
            "cannot read this XLS file (it declares more sectors than it has); open it in Excel or LibreOffice and save it again as .xlsx"
        );
    }

    #[test]
    fn encrypted_workbooks_and_other_office_files_are_named() {
        let xlsx = compound(&[
            ("EncryptionInfo", vec![4, 0, 4, 0]),
            ("EncryptedPackage", vec![1; 5000]),
        ]);
        assert_eq!(check(&xlsx, 10, 10), Ok(Kind::Encrypted));
        let mut protected = record(0x0809, &[0; 16]);
        protected.extend(record(0x002F, &[1, 0]));
        protected.extend(record(0x000A, &[]));
        let xls = compound(&[("Workbook", protected)]);
        assert_eq!(check(&xls, 10, 10), Ok(Kind::Encrypted));
        let doc = compound(&[("WordDocument", vec![0; 5000])]);
        assert_eq!(
            check(&doc, 10, 10).unwrap_err(),
            "this is a Microsoft Office file but not an Excel workbook (a Word or PowerPoint file?); send the answers as .xlsx or .csv"
        );
    }
}
