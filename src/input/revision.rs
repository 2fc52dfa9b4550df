//! Resent sheets: an OPD that corrects its sheet sends it again under the same name with a
//! revision mark (`Dinas Kesehatan.csv`, then `Dinas Kesehatan (revisi 2).csv`). This module
//! splits a file name into the name it stands for and its revision mark, and decides which file
//! of a group of one sheet's revisions counts. Pure: names in, decisions out.
//!
//! Marks, read from the end of the name and ignoring case, any number of them:
//! `revisi`, `revisi 2`, `rev2`, `rev.2`, `v2`, `versi 2`, `perbaikan`, `perbaikan 2`, a number in
//! brackets (`(2)`, as a browser names a second download), `final`, `fix`, and a date
//! (`2025-11-20`, `20-11-2025`, `20.11.2025`, `20112025`, `20251120`, `20 Nov 2025`,
//! `20 Desember 2025`). Marks may stand in brackets (`(revisi 2)`) and be joined to the name by
//! spaces, `_`, `-` or `.`.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::Path;

use crate::input::columns::header_key;

/// Files of one folder that are one sheet sent more than once: their names differ only by a
/// revision mark. `files` are indexes into the paths given to [`resent`], with their revisions;
/// `latest` is the one that counts, `None` when the marks cannot tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resent {
    pub files: Vec<(usize, Revision)>,
    pub latest: Option<usize>,
}

/// The groups of resent sheets among `paths` (`None` for stdin): files in one folder whose
/// names, without their revision marks, are the same (ignoring case and the spaces, `_`, `-`
/// and `.` between words), at least one of them marked. Files with the same name and no mark
/// (`dinkes.csv`, `dinkes.xlsx`) are not a revision of each other.
pub fn resent(paths: &[Option<&Path>]) -> Vec<Resent> {
    // (folder, name without its mark) → its group, in the order first seen. A folder of
    // thousands of sheets is grouped in one pass.
    let mut index: HashMap<(&Path, String), usize> = HashMap::new();
    let mut groups: Vec<Vec<(usize, Revision)>> = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let Some(path) = path else { continue };
        let Some(stem) = path.file_stem() else {
            continue;
        };
        let stem = stem.to_string_lossy();
        let (base, rev) = split(&stem);
        let key = (path.parent().unwrap_or(Path::new("")), header_key(base));
        let next = groups.len();
        let g = *index.entry(key).or_insert(next);
        if g == next {
            groups.push(Vec::new());
        }
        groups[g].push((i, rev));
    }
    groups
        .into_iter()
        .filter(|files| files.len() > 1 && files.iter().any(|(_, r)| r.is_marked()))
        .map(|files| {
            let latest = files
                .iter()
                .find(|(i, rev)| {
                    files.iter().all(|(j, other)| {
                        j == i || rev.newer_than(other) == Some(Ordering::Greater)
                    })
                })
                .map(|(i, _)| *i);
            Resent { files, latest }
        })
        .collect()
}

/// The revision a file name's marks say, compared by [`Revision::newer_than`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Revision {
    /// Marked `final` or `fix`.
    pub last: bool,
    /// A date as `yyyymmdd`.
    pub date: Option<u32>,
    /// `revisi 2` → 2; `revisi`, `perbaikan` → 1; none → 0.
    pub number: u32,
}

impl Revision {
    /// Whether the name had any mark.
    pub fn is_marked(&self) -> bool {
        *self != Revision::default()
    }

    /// Whether `self` is a later revision than `other`: `Some(Greater)` when it is, `Some(Less)`
    /// when `other` is, `None` when the marks cannot tell (the same marks, or one file dated and
    /// the other numbered).
    ///
    /// `final` beats everything that is not final; then a later date beats an earlier one, and
    /// a date beats no mark; then a higher number beats a lower one.
    pub fn newer_than(&self, other: &Revision) -> Option<Ordering> {
        if self.last != other.last {
            return Some(self.last.cmp(&other.last));
        }
        match (self.date, other.date) {
            (Some(a), Some(b)) if a != b => return Some(a.cmp(&b)),
            (Some(_), None) if other.number > 0 => return None,
            (None, Some(_)) if self.number > 0 => return None,
            (Some(_), None) => return Some(Ordering::Greater),
            (None, Some(_)) => return Some(Ordering::Less),
            _ => {}
        }
        match self.number.cmp(&other.number) {
            Ordering::Equal => None,
            o => Some(o),
        }
    }

    /// The marks in words, for messages: `revision 2`, `final`, `dated 2025-11-20`, or `no mark`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.last {
            parts.push("final".to_string());
        }
        if let Some(d) = self.date {
            parts.push(format!(
                "dated {:04}-{:02}-{:02}",
                d / 10000,
                d / 100 % 100,
                d % 100
            ));
        }
        if self.number > 0 {
            parts.push(format!("revision {}", self.number));
        }
        if parts.is_empty() {
            "no mark".into()
        } else {
            parts.join(", ")
        }
    }
}

/// Splits a file's stem into the name it stands for and its revision: `Dinas Kesehatan (revisi
/// 2)` → (`Dinas Kesehatan`, revision 2). A name that is only a mark (`final`) stays whole.
pub fn split(stem: &str) -> (&str, Revision) {
    let mut rev = Revision::default();
    let mut rest = stem.trim();
    loop {
        let trimmed = rest.trim_end_matches(is_joiner);
        let Some((before, mark)) = last_mark(trimmed) else {
            break;
        };
        let before_trimmed = before.trim_end_matches(is_joiner);
        if before_trimmed.is_empty() {
            break;
        }
        mark.apply(&mut rev);
        rest = before_trimmed;
    }
    if rev.is_marked() {
        (rest, rev)
    } else {
        (stem.trim(), rev)
    }
}

fn is_joiner(c: char) -> bool {
    c.is_whitespace() || matches!(c, '_' | '-' | '.')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Last,
    Date(u32),
    Number(u32),
}

impl Mark {
    fn apply(self, rev: &mut Revision) {
        match self {
            Mark::Last => rev.last = true,
            Mark::Date(d) => {
                rev.date.get_or_insert(d);
            }
            Mark::Number(n) => rev.number = rev.number.max(n),
        }
    }
}

/// The last mark of `text` (which ends in neither a space nor a joiner) and the text before it.
fn last_mark(text: &str) -> Option<(&str, Mark)> {
    // A mark in brackets: `(revisi 2)`, `(2)`, `(final)`, `(20-11-2025)`.
    if let Some(inner_end) = text.strip_suffix(')') {
        let open = inner_end.rfind('(')?;
        let inner = inner_end[open + 1..].trim();
        let mark = match inner.parse::<u32>() {
            Ok(n) if inner.len() <= 3 => Mark::Number(n),
            _ => whole_mark(inner)?,
        };
        return Some((&text[..open], mark));
    }
    if let Some((before, date)) = trailing_date(text) {
        return Some((before, Mark::Date(date)));
    }
    // The last one or two words: `final`, `rev2`, `revisi 2`, `v 2`.
    let words: Vec<(usize, &str)> = word_starts(text);
    let &(last_start, last) = words.last()?;
    if let Some(mark) = word_mark(last) {
        return Some((&text[..last_start], mark));
    }
    if let (Some(&(start, word)), Ok(n)) = (
        words.len().checked_sub(2).map(|i| &words[i]),
        last.parse::<u32>(),
    ) {
        if last.len() <= 3 && numbered_word(word).is_some() {
            return Some((&text[..start], Mark::Number(n)));
        }
    }
    None
}

/// The words of `text` split on joiners, with their byte offsets (the last few are enough).
fn word_starts(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_joiner(c), start) {
            (true, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

/// A mark that is the whole of `text` (inside brackets): one word or `revisi 2`.
fn whole_mark(text: &str) -> Option<Mark> {
    if let Some(m) = word_mark(text) {
        return Some(m);
    }
    if let Some((_, date)) = trailing_date(text).filter(|(b, _)| b.trim().is_empty()) {
        return Some(Mark::Date(date));
    }
    let words = word_starts(text);
    match words.as_slice() {
        [(_, word), (_, n)] if n.len() <= 3 => {
            numbered_word(word)?;
            Some(Mark::Number(n.parse().ok()?))
        }
        _ => None,
    }
}

/// `revisi`, `rev`, `v`, `ver`, `versi`, `perbaikan`: the words a revision number follows.
fn numbered_word(word: &str) -> Option<()> {
    let w = word.to_ascii_lowercase();
    [
        "revisi",
        "revision",
        "rev",
        "v",
        "ver",
        "versi",
        "version",
        "perbaikan",
    ]
    .contains(&w.as_str())
    .then_some(())
}

/// One word that is a mark: `final`, `fix`, `revisi`, `perbaikan`, `rev2`, `v2`, `revisi2`.
fn word_mark(word: &str) -> Option<Mark> {
    let w = word.to_ascii_lowercase();
    match w.as_str() {
        "final" | "fix" => return Some(Mark::Last),
        "revisi" | "revision" | "rev" | "perbaikan" => return Some(Mark::Number(1)),
        _ => {}
    }
    let digits = w.find(|c: char| c.is_ascii_digit())?;
    let (word, number) = w.split_at(digits);
    let number = number.strip_prefix('.').unwrap_or(number);
    if number.is_empty() || number.len() > 3 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    numbered_word(word)?;
    Some(Mark::Number(number.parse().ok()?))
}

/// A date at the end of `text`, and the text before it.
fn trailing_date(text: &str) -> Option<(&str, u32)> {
    // The end of `text` as (number or month name, separator) groups, at most three.
    let mut groups: Vec<&str> = Vec::new();
    let mut end = text.len();
    let mut start_of_first = text.len();
    while groups.len() < 3 {
        let part = &text[..end];
        let token_start = part
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_alphanumeric())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let token = &part[token_start..];
        if token.is_empty() {
            break;
        }
        groups.push(token);
        start_of_first = token_start;
        // A date's parts are joined by one of `- . _` or a space.
        match part[..token_start].chars().next_back() {
            Some(c) if matches!(c, '-' | '.' | '_' | ' ') && groups.len() < 3 => {
                end = token_start - c.len_utf8();
            }
            _ => break,
        }
    }
    let date = match groups.as_slice() {
        [one, ..] if one.len() == 8 && one.bytes().all(|b| b.is_ascii_digit()) => {
            start_of_first = text.len() - 8;
            compact_date(one)?
        }
        [y, m, d] => {
            // Read backwards: `d` is the first group of the date.
            let (first, second, third) = (*d, *m, *y);
            date_of(first, second, third)?
        }
        _ => return None,
    };
    Some((&text[..start_of_first], date))
}

/// `yyyymmdd` or `ddmmyyyy`.
fn compact_date(s: &str) -> Option<u32> {
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    let ymd = (n(0..4)?, n(4..6)?, n(6..8)?);
    if (1990..=2100).contains(&ymd.0) {
        if let Some(d) = valid(ymd.0, ymd.1, ymd.2) {
            return Some(d);
        }
    }
    valid(n(4..8)?, n(2..4)?, n(0..2)?)
}

/// A date written `yyyy mm dd` or `dd mm yyyy` (the month may be a name).
fn date_of(first: &str, second: &str, third: &str) -> Option<u32> {
    let month = month_number(second)?;
    let num = |s: &str| {
        (s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() && s.len() <= 4)
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    if first.len() == 4 {
        valid(num(first)?, month, num(third)?)
    } else if third.len() == 4 {
        valid(num(third)?, month, num(first)?)
    } else {
        None
    }
}

fn month_number(s: &str) -> Option<u32> {
    if !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let w = s.to_lowercase();
    const MONTHS: [&[&str]; 12] = [
        &["jan", "januari", "january"],
        &["feb", "februari", "february", "pebruari"],
        &["mar", "maret", "march"],
        &["apr", "april"],
        &["mei", "may"],
        &["jun", "juni", "june"],
        &["jul", "juli", "july"],
        &["agu", "agt", "ags", "agus", "agustus", "aug", "august"],
        &["sep", "sept", "september"],
        &["okt", "oct", "oktober", "october"],
        &["nov", "nopember", "november"],
        &["des", "dec", "desember", "december"],
    ];
    MONTHS
        .iter()
        .position(|names| names.contains(&w.as_str()))
        .map(|i| i as u32 + 1)
}

fn valid(y: u32, m: u32, d: u32) -> Option<u32> {
    ((1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then_some(y * 10000 + m * 100 + d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(last: bool, date: Option<u32>, number: u32) -> Revision {
        Revision { last, date, number }
    }

    #[test]
    fn names_and_their_marks() {
        let cases: &[(&str, &str, Revision)] = &[
            ("Dinas Kesehatan", "Dinas Kesehatan", rev(false, None, 0)),
            (
                "Dinas Kesehatan (revisi 2)",
                "Dinas Kesehatan",
                rev(false, None, 2),
            ),
            (
                "Dinas Kesehatan (Revisi)",
                "Dinas Kesehatan",
                rev(false, None, 1),
            ),
            ("dinkes_rev2", "dinkes", rev(false, None, 2)),
            ("dinkes-rev.3", "dinkes", rev(false, None, 3)),
            ("dinkes rev 3", "dinkes", rev(false, None, 3)),
            ("dinkes v2", "dinkes", rev(false, None, 2)),
            ("dinkes_V2", "dinkes", rev(false, None, 2)),
            ("dinkes versi 4", "dinkes", rev(false, None, 4)),
            ("dinkes FINAL", "dinkes", rev(true, None, 0)),
            ("dinkes final fix", "dinkes", rev(true, None, 0)),
            ("dinkes revisi 2 final", "dinkes", rev(true, None, 2)),
            ("dinkes perbaikan", "dinkes", rev(false, None, 1)),
            ("dinkes (perbaikan 2)", "dinkes", rev(false, None, 2)),
            ("Bappeda (1)", "Bappeda", rev(false, None, 1)),
            (
                "bappeda 2025-11-20",
                "bappeda",
                rev(false, Some(20251120), 0),
            ),
            (
                "bappeda_20-11-2025",
                "bappeda",
                rev(false, Some(20251120), 0),
            ),
            (
                "bappeda 20.11.2025",
                "bappeda",
                rev(false, Some(20251120), 0),
            ),
            ("bappeda 20112025", "bappeda", rev(false, Some(20251120), 0)),
            ("bappeda_20251120", "bappeda", rev(false, Some(20251120), 0)),
            (
                "bappeda 20 Nov 2025",
                "bappeda",
                rev(false, Some(20251120), 0),
            ),
            (
                "bappeda (3 Desember 2025)",
                "bappeda",
                rev(false, Some(20251203), 0),
            ),
            (
                "bappeda 2025-11-20 rev2",
                "bappeda",
                rev(false, Some(20251120), 2),
            ),
            // Not marks: a name's own words and numbers.
            ("Bagian Umum 2", "Bagian Umum 2", rev(false, None, 0)),
            (
                "Dinas PUPR (Bidang 2)",
                "Dinas PUPR (Bidang 2)",
                rev(false, None, 0),
            ),
            ("Form SPBE 2025", "Form SPBE 2025", rev(false, None, 0)),
            ("final", "final", rev(false, None, 0)),
            ("v2", "v2", rev(false, None, 0)),
            (
                "Dinas Perhubungan",
                "Dinas Perhubungan",
                rev(false, None, 0),
            ),
            ("dinas-kesehatan", "dinas-kesehatan", rev(false, None, 0)),
        ];
        for (stem, base, want) in cases {
            assert_eq!(split(stem), (*base, *want), "{stem}");
        }
    }

    #[test]
    fn which_revision_is_newer() {
        let none = rev(false, None, 0);
        let two = rev(false, None, 2);
        let three = rev(false, None, 3);
        let last = rev(true, None, 0);
        let dated = rev(false, Some(20251120), 0);
        let later = rev(false, Some(20251201), 0);
        assert_eq!(two.newer_than(&none), Some(Ordering::Greater));
        assert_eq!(two.newer_than(&three), Some(Ordering::Less));
        assert_eq!(last.newer_than(&three), Some(Ordering::Greater));
        assert_eq!(dated.newer_than(&none), Some(Ordering::Greater));
        assert_eq!(later.newer_than(&dated), Some(Ordering::Greater));
        // A date against a revision number, or the same marks: the names cannot tell.
        assert_eq!(dated.newer_than(&two), None);
        assert_eq!(two.newer_than(&dated), None);
        assert_eq!(two.newer_than(&two), None);
        assert_eq!(last.newer_than(&last), None);
    }

    #[test]
    fn resent_sheets_are_grouped_by_folder_and_name() {
        let paths = [
            "inbox/Dinas Kesehatan.csv",
            "inbox/bappeda.csv",
            "inbox/dinas_kesehatan (revisi 2).xlsx",
            "other/Dinas Kesehatan v3.csv",
            "inbox/dinkes.csv",
            "inbox/dinkes.xlsx",
            "inbox/bpkad final.csv",
            "inbox/bpkad_final.xlsx",
        ];
        let paths: Vec<Option<&Path>> = paths.iter().map(|p| Some(Path::new(*p))).collect();
        let mut with_stdin = paths.clone();
        with_stdin.push(None);
        assert_eq!(
            resent(&with_stdin),
            [
                Resent {
                    files: vec![(0, rev(false, None, 0)), (2, rev(false, None, 2))],
                    latest: Some(2),
                },
                Resent {
                    files: vec![(6, rev(true, None, 0)), (7, rev(true, None, 0))],
                    latest: None,
                },
            ]
        );
    }

    #[test]
    fn marks_in_words() {
        assert_eq!(rev(false, None, 0).describe(), "no mark");
        assert_eq!(rev(false, None, 2).describe(), "revision 2");
        assert_eq!(
            rev(true, Some(20251120), 2).describe(),
            "final, dated 2025-11-20, revision 2"
        );
    }
}
