//! Many institutions side by side (`spbe compare`): the league table, with a rank overall and
//! within a category, statistics per category, and one institution's standing among its peers.
//! Pure and exact: values are exact fractions, compared and summed exactly; rounding happens only
//! for display.
//!
//! A [`Table`] holds one compact row per institution (a national year is ~620 institutions; the
//! benchmark has 12,500): its name, category, region and year, its exact index and the index of
//! each part (the model's domains, or its aspects when the model has no domain layer), how many
//! answers and OPD it had, its warnings and where it came from. How the rows were scored is not
//! its business: every row's values come out of [`crate::core::evaluate::evaluate`] or a result
//! read as given.
//!
//! Ranks are competition ranks: institutions with the same exact index share a rank and the next
//! one skips (1, 2, 2, 4). The median of an even count is the mean of the two middle values (a
//! statistic, unlike `--combine median`, which must pick one whole level).

use std::cmp::Ordering;

use crate::core::evaluate::Notice;
use crate::core::exact::{self, Exact, Frac};
use crate::core::model::Model;
use crate::core::score::{PredicateBasis, predicate};

/// What each institution has an index for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    Domains,
    /// For a model with no domain layer (Pemdi 2026).
    Aspects,
}

impl PartKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PartKind::Domains => "domains",
            PartKind::Aspects => "aspects",
        }
    }
}

/// A domain (or aspect) every row has an index for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub id: String,
    pub name: String,
}

/// The parts of a model: its domains, or its aspects when it has none.
pub fn parts_of(model: &Model) -> (PartKind, Vec<Part>) {
    if model.domains.is_empty() {
        let parts = model.aspects.iter().map(|a| Part {
            id: a.id.clone(),
            name: a.name.clone(),
        });
        (PartKind::Aspects, parts.collect())
    } else {
        let parts = model.domains.iter().map(|d| Part {
            id: d.id.clone(),
            name: d.name.clone(),
        });
        (PartKind::Domains, parts.collect())
    }
}

/// Where a row came from: an input (numbered by the caller) and a place in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub input: u32,
    pub at: At,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The whole input (a folder, a result file).
    Whole,
    /// The first line of the institution's rows in a sheet.
    Line(u32),
    /// The 0-based element of a JSON array.
    Element(u32),
}

/// One institution to add to a [`Table`].
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub name: &'a str,
    pub category: Option<&'a str>,
    pub region: Option<&'a str>,
    pub year: Option<u16>,
    pub index: &'a Exact,
    /// False when the index is known only to a number of decimals (a result that rounded a
    /// non-terminating mean).
    pub index_exact: bool,
    /// One value per part of the table, in its order.
    pub parts: &'a [Exact],
    /// The answers read and the OPD that gave them; `None` when the input does not say (the
    /// ministry's feed).
    pub answers: Option<u64>,
    pub opds: Option<u64>,
    /// What a reader should know about this institution's result.
    pub warnings: Vec<Notice>,
    pub origin: Origin,
}

/// Text that names the same thing whatever its case and spacing: `Kab.  Banyuwangi` and
/// `KAB. BANYUWANGI` are one institution.
pub fn key(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Sentinel for an absent count or label.
const NONE: u32 = u32::MAX;

/// One institution, in 32 bytes (a national file of 12,500 institutions keeps 12,500 of them).
#[derive(Debug, Clone)]
struct Row {
    /// Where the name ends in [`Table::text`]; it starts where the previous row's ends.
    name_end: u32,
    category: u32,
    region: u32,
    answers: u32,
    opds: u32,
    input: u32,
    /// The line or element of [`At`], by `at_kind`.
    at: u32,
    /// 0 for none (a year is 2000 to 2100).
    year: u16,
    /// 0 [`At::Whole`], 1 [`At::Line`], 2 [`At::Element`].
    at_kind: u8,
    index_exact: bool,
}

/// The numerator that marks a large value, kept in [`Table::large`].
const LARGE: i32 = i32::MIN;

/// A row's value, as stored: small values are ranked and written with machine integers.
#[derive(Debug, Clone, Copy)]
pub enum Value<'t> {
    Small(Frac),
    Large(&'t Exact),
}

impl Value<'_> {
    pub fn exact(self) -> Exact {
        match self {
            Value::Small(f) => f.exact(),
            Value::Large(x) => x.clone(),
        }
    }

    /// Rounded half up to `decimals`, as [`exact::fixed`].
    pub fn fixed(self, decimals: u32) -> String {
        match self {
            Value::Small(f) => f.fixed(decimals),
            Value::Large(x) => exact::fixed(x, decimals),
        }
    }

    /// The exact decimal text and whether it is exact, as [`exact::exact_text`].
    pub fn exact_text(self, min_decimals: u32) -> (String, bool) {
        match self {
            Value::Small(f) => f.exact_text(min_decimals),
            Value::Large(x) => exact::exact_text(x, min_decimals),
        }
    }
}

impl PartialEq for Value<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Value<'_> {}

impl PartialOrd for Value<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Value<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Value::Small(a), Value::Small(b)) => a.cmp(b),
            _ => self.exact().cmp(&other.exact()),
        }
    }
}

/// One row per institution; see the module documentation.
#[derive(Debug, Clone)]
pub struct Table {
    pub kind: PartKind,
    pub parts: Vec<Part>,
    rows: Vec<Row>,
    /// The names, one after another.
    text: String,
    /// Per row, the index and then one value per part (a column each), as numerators over the
    /// column's denominator in `scales`: 4 bytes a value. The indices of the official models are
    /// k / 10000 and their domain indices k / 1650, so a column's denominator settles at once.
    nums: Vec<i32>,
    scales: Vec<u32>,
    /// The values that do not fit a column's denominator, by their position in `nums`.
    large: Vec<(u32, Exact)>,
    /// Categories and regions, the first spelling of each [`key`].
    labels: Vec<String>,
    /// Each label's [`key`] → its position in `labels` (a region per institution is common).
    label_ids: std::collections::HashMap<String, u32>,
    /// `(row, notice)`, in the order added.
    warnings: Vec<(u32, Notice)>,
    /// Rows by name key and year: open addressing over row numbers + 1 (0: empty).
    slots: Vec<u32>,
}

impl Table {
    pub fn new(kind: PartKind, parts: Vec<Part>) -> Table {
        let columns = 1 + parts.len();
        Table {
            kind,
            parts,
            rows: Vec::new(),
            text: String::new(),
            nums: Vec::new(),
            scales: vec![1; columns],
            large: Vec::new(),
            labels: Vec::new(),
            label_ids: std::collections::HashMap::new(),
            warnings: Vec::new(),
            slots: vec![0; 64],
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Adds a row; its position is returned. Panics when `parts` does not have one value per
    /// part (the caller maps its input onto the table's parts).
    pub fn push(&mut self, e: Entry<'_>) -> usize {
        assert_eq!(e.parts.len(), self.parts.len(), "one value per part");
        let row = self.rows.len() as u32;
        self.text.push_str(e.name);
        let (category, region) = (self.label(e.category), self.label(e.region));
        let count = |n: Option<u64>| n.and_then(|n| u32::try_from(n).ok()).unwrap_or(NONE);
        let (at_kind, at) = match e.origin.at {
            At::Whole => (0, 0),
            At::Line(l) => (1, l),
            At::Element(i) => (2, i),
        };
        self.rows.push(Row {
            name_end: self.text.len() as u32,
            category,
            region,
            answers: count(e.answers),
            opds: count(e.opds),
            input: e.origin.input,
            at,
            year: e.year.unwrap_or(0),
            at_kind,
            index_exact: e.index_exact,
        });
        for x in std::iter::once(e.index).chain(e.parts) {
            self.store(x);
        }
        self.warnings
            .extend(e.warnings.into_iter().map(|w| (row, w)));
        self.index_row(row);
        row as usize
    }

    fn store(&mut self, x: &Exact) {
        let at = self.nums.len();
        let num = Frac::of(x).and_then(|f| self.over_scale(at % self.scales.len(), f));
        self.nums.push(num.unwrap_or_else(|| {
            self.large.push((at as u32, x.clone()));
            LARGE
        }));
    }

    /// `f`'s numerator over the denominator of column `col`, which grows to a multiple of `f`'s
    /// (its numerators rescaled) when it is not one; `None` when that does not fit.
    fn over_scale(&mut self, col: usize, f: Frac) -> Option<i32> {
        let (num, den) = f.parts();
        let scale = self.scales[col];
        if scale % den != 0 {
            let wider = u32::try_from(num_integer::lcm(scale as u64, den as u64)).ok()?;
            let factor = (wider / scale) as i64;
            let cols = self.scales.len();
            let fits =
                |n: i32| n == LARGE || i32::try_from(n as i64 * factor).is_ok_and(|m| m != LARGE);
            if !self.nums[col..].iter().step_by(cols).all(|&n| fits(n)) {
                return None;
            }
            for n in self.nums[col..].iter_mut().step_by(cols) {
                if *n != LARGE {
                    *n = (*n as i64 * factor) as i32;
                }
            }
            self.scales[col] = wider;
        }
        i32::try_from(num as i64 * (self.scales[col] / den) as i64)
            .ok()
            .filter(|&n| n != LARGE)
    }

    fn label(&mut self, text: Option<&str>) -> u32 {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return NONE;
        };
        let next = self.labels.len() as u32;
        let id = *self.label_ids.entry(key(text)).or_insert(next);
        if id == next {
            self.labels.push(text.to_string());
        }
        id
    }

    fn slot_of(&self, name: &str, year: Option<u16>) -> (usize, Option<usize>) {
        let mask = self.slots.len() - 1;
        let mut i = name_hash(name, year) as usize & mask;
        loop {
            match self.slots[i] {
                0 => return (i, None),
                r => {
                    let row = r as usize - 1;
                    if self.year(row) == year && same_key(self.name(row), name) {
                        return (i, Some(row));
                    }
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn index_row(&mut self, row: u32) {
        if self.rows.len() * 2 > self.slots.len() {
            self.slots = vec![0; (self.rows.len() * 2).next_power_of_two().max(64)];
            for r in 0..row {
                self.place(r);
            }
        }
        self.place(row);
    }

    fn place(&mut self, row: u32) {
        let (i, found) = self.slot_of(self.name(row as usize), self.year(row as usize));
        if found.is_none() {
            self.slots[i] = row + 1;
        }
    }

    /// The row of the institution with this name (ignoring case and spacing) and year.
    pub fn find(&self, name: &str, year: Option<u16>) -> Option<usize> {
        match self.slots.is_empty() {
            true => (0..self.len()).find(|&r| self.year(r) == year && same_key(self.name(r), name)),
            false => self.slot_of(name, year).1,
        }
    }

    /// Drops the index by name that [`Table::find`] and adding rows use (about 10 bytes per
    /// row): for a table that is complete. `find` then reads the rows one by one; adding a
    /// row builds the index again.
    pub fn seal(&mut self) {
        self.slots = Vec::new();
    }

    /// The rows whose name matches `name` ignoring case and spacing, in any year.
    pub fn named(&self, name: &str) -> Vec<usize> {
        (0..self.len())
            .filter(|&r| same_key(self.name(r), name))
            .collect()
    }

    pub fn name(&self, row: usize) -> &str {
        let start = match row {
            0 => 0,
            _ => self.rows[row - 1].name_end as usize,
        };
        &self.text[start..self.rows[row].name_end as usize]
    }

    fn label_of(&self, id: u32) -> Option<&str> {
        (id != NONE).then(|| self.labels[id as usize].as_str())
    }

    pub fn category(&self, row: usize) -> Option<&str> {
        self.label_of(self.rows[row].category)
    }

    pub fn region(&self, row: usize) -> Option<&str> {
        self.label_of(self.rows[row].region)
    }

    pub fn year(&self, row: usize) -> Option<u16> {
        Some(self.rows[row].year).filter(|&y| y != 0)
    }

    pub fn index_exact(&self, row: usize) -> bool {
        self.rows[row].index_exact
    }

    pub fn answers(&self, row: usize) -> Option<u32> {
        Some(self.rows[row].answers).filter(|&n| n != NONE)
    }

    pub fn opds(&self, row: usize) -> Option<u32> {
        Some(self.rows[row].opds).filter(|&n| n != NONE)
    }

    pub fn origin(&self, row: usize) -> Origin {
        let r = &self.rows[row];
        let at = match r.at_kind {
            0 => At::Whole,
            1 => At::Line(r.at),
            _ => At::Element(r.at),
        };
        Origin { input: r.input, at }
    }

    fn value(&self, at: usize) -> Value<'_> {
        match self.nums[at] {
            LARGE => {
                let i = self
                    .large
                    .binary_search_by_key(&(at as u32), |(p, _)| *p)
                    .expect("a large value is listed");
                Value::Large(&self.large[i].1)
            }
            num => {
                let scale = self.scales[at % self.scales.len()];
                let g = num_integer::gcd(num.unsigned_abs(), scale);
                Value::Small(Frac::from_parts(num / g as i32, scale / g))
            }
        }
    }

    /// How the indices of two rows compare: on their numerators when both are over the
    /// column's denominator (no reduction), exactly otherwise.
    pub fn index_cmp(&self, a: usize, b: usize) -> Ordering {
        let cols = self.scales.len();
        match (self.nums[a * cols], self.nums[b * cols]) {
            (LARGE, _) | (_, LARGE) => self.index(a).cmp(&self.index(b)),
            (x, y) => x.cmp(&y),
        }
    }

    /// The row's exact index.
    pub fn index(&self, row: usize) -> Value<'_> {
        self.value(row * (1 + self.parts.len()))
    }

    /// The row's index of part `part`.
    pub fn part(&self, row: usize, part: usize) -> Value<'_> {
        self.value(row * (1 + self.parts.len()) + 1 + part)
    }

    /// The row's notices, in the order found.
    pub fn warnings(&self, row: usize) -> impl Iterator<Item = &Notice> {
        let row = row as u32;
        let first = self.warnings.partition_point(|(r, _)| *r < row);
        self.warnings[first..]
            .iter()
            .take_while(move |(r, _)| *r == row)
            .map(|(_, w)| w)
    }

    /// Every distinct category (first spelling), sorted; `None` stands for rows with none.
    pub fn categories(&self) -> Vec<Option<&str>> {
        self.distinct(|r| self.category(r))
    }

    pub fn regions(&self) -> Vec<Option<&str>> {
        self.distinct(|r| self.region(r))
    }

    pub fn years(&self) -> Vec<Option<u16>> {
        let mut ys: Vec<Option<u16>> = (0..self.len()).map(|r| self.year(r)).collect();
        ys.sort_unstable();
        ys.dedup();
        ys
    }

    fn distinct<'t>(&'t self, of: impl Fn(usize) -> Option<&'t str>) -> Vec<Option<&'t str>> {
        let mut v: Vec<Option<&str>> = (0..self.len()).map(of).collect();
        v.sort_unstable_by(|a, b| label_order(*a, *b));
        v.dedup();
        v
    }

    /// The category group of a row: its label's position, or one past the labels for none.
    fn group(&self, row: usize) -> usize {
        match self.rows[row].category {
            NONE => self.labels.len(),
            id => id as usize,
        }
    }

    /// The rows that pass `filter`, in table order.
    pub fn select(&self, filter: &Filter) -> Vec<u32> {
        let any = |wanted: &[String], value: Option<&str>| {
            wanted.is_empty() || value.is_some_and(|v| wanted.iter().any(|w| same_key(w, v)))
        };
        (0..self.len())
            .filter(|&r| any(&filter.categories, self.category(r)))
            .filter(|&r| any(&filter.regions, self.region(r)))
            .filter(|&r| filter.years.is_empty() || filter.years.contains(&self.year(r)))
            .map(|r| r as u32)
            .collect()
    }
}

/// Labels in name order, rows with none last.
fn label_order(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => key(a).cmp(&key(b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The normalized characters of a name: lower case, runs of spaces as one, no spaces at the
/// ends (as [`key`], without building it).
fn key_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    text.split_whitespace()
        .enumerate()
        .flat_map(|(i, word)| (i > 0).then_some(' ').into_iter().chain(word.chars()))
        .flat_map(char::to_lowercase)
}

/// Whether two names are one ignoring case and spacing.
pub fn same_key(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // The usual name: ASCII words, compared without building their keys.
        let (mut x, mut y) = (a.split_whitespace(), b.split_whitespace());
        loop {
            match (x.next(), y.next()) {
                (None, None) => return true,
                (Some(p), Some(q)) if p.eq_ignore_ascii_case(q) => {}
                _ => return false,
            }
        }
    }
    key_chars(a).eq(key_chars(b))
}

fn name_hash(name: &str, year: Option<u16>) -> u64 {
    // FNV-1a over the normalized characters: the table holds one small slot per row.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ year.map_or(0, |y| y as u64 + 1);
    for c in key_chars(name) {
        h ^= c as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^ (h >> 29)
}

/// The row `name` means among `rows` (ignoring case and spacing), or why there is none: no
/// such name (with the names that contain it), or several (in different years).
pub fn find(table: &Table, rows: &[u32], name: &str) -> Result<usize, String> {
    let found: Vec<usize> = table
        .named(name)
        .into_iter()
        .filter(|&r| rows.contains(&(r as u32)))
        .collect();
    match found[..] {
        [row] => Ok(row),
        [] => {
            let k = key(name);
            let close: Vec<String> = rows
                .iter()
                .map(|&r| table.name(r as usize))
                .filter(|n| key(n).contains(&k))
                .take(5)
                .map(|n| format!("{n:?}"))
                .collect();
            Err(match close.is_empty() {
                true => format!("no institution named {name:?} is compared"),
                false => format!(
                    "no institution named {name:?} is compared; did you mean {}?",
                    close.join(", ")
                ),
            })
        }
        _ => Err(format!(
            "several institutions are named {name:?} (in different years); add --year"
        )),
    }
}

/// Why `filter` keeps no row, with the categories, regions or years the table has.
pub fn nothing_matches(table: &Table, filter: &Filter) -> String {
    if table.is_empty() {
        return "no institution was read from the inputs".into();
    }
    let list = |v: Vec<Option<&str>>| {
        v.into_iter()
            .map(|c| c.map_or("(none)".to_string(), |c| format!("{c:?}")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut why = vec!["no institution matches the filters".to_string()];
    if !filter.categories.is_empty() {
        why.push(format!("the categories are: {}", list(table.categories())));
    }
    if !filter.regions.is_empty() {
        why.push(format!("the regions are: {}", list(table.regions())));
    }
    if !filter.years.is_empty() {
        let years: Vec<String> = table
            .years()
            .into_iter()
            .map(|y| y.map_or("(none)".to_string(), |y| y.to_string()))
            .collect();
        why.push(format!("the years are: {}", years.join(", ")));
    }
    why.join("; ")
}

/// The years of `rows` when there are several (ranks compare one year).
pub fn several_years(table: &Table, rows: &[u32]) -> Option<Vec<u16>> {
    let mut years: Vec<u16> = rows
        .iter()
        .filter_map(|&r| table.year(r as usize))
        .collect();
    years.sort_unstable();
    years.dedup();
    (years.len() > 1).then_some(years)
}

/// Which rows to compare: values matched ignoring case and spacing; an empty list keeps all.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub categories: Vec<String>,
    pub regions: Vec<String>,
    pub years: Vec<Option<u16>>,
}

/// One institution's place in the league.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    row: u32,
    /// 1 for the highest index; the same exact index, the same rank.
    pub rank: u32,
    pub category_rank: u32,
    /// How many of the compared institutions share its category.
    pub category_size: u32,
}

impl Standing {
    /// The institution's row in the [`Table`].
    pub fn row(&self) -> usize {
        self.row as usize
    }
}

/// The compared rows ranked: the highest exact index first, ties in name order (as written).
/// Within a category the same ranking is applied to the category's rows (rows with no category
/// form one group). It keeps 4 bytes per institution: the standings are worked out as
/// [`League::iter`] walks the rows.
#[derive(Debug, Clone)]
pub struct League<'t> {
    table: &'t Table,
    order: Vec<u32>,
    /// Per category group ([`Table::group`]): how many of the rows are in it.
    sizes: Vec<u32>,
}

/// Ranks `rows` (as [`Table::select`] gives them).
pub fn league(table: &Table, mut rows: Vec<u32>) -> League<'_> {
    rows.sort_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        table
            .index_cmp(b, a)
            .then_with(|| table.name(a).cmp(table.name(b)))
            .then(a.cmp(&b))
    });
    let mut sizes = vec![0u32; table.labels.len() + 1];
    for &r in &rows {
        sizes[table.group(r as usize)] += 1;
    }
    League {
        table,
        order: rows,
        sizes,
    }
}

impl<'t> League<'t> {
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Every standing, the highest first.
    pub fn iter(&self) -> Standings<'_, 't> {
        Standings {
            league: self,
            next: 0,
            rank: 0,
            groups: vec![(0, 0, u32::MAX); self.sizes.len()],
        }
    }
}

/// The standings of a [`League`], in order.
#[derive(Debug, Clone)]
pub struct Standings<'l, 't> {
    league: &'l League<'t>,
    next: usize,
    /// The rank of the row before `next`.
    rank: u32,
    /// Per category group: (members so far, rank of the last member, its row).
    groups: Vec<(u32, u32, u32)>,
}

impl Iterator for Standings<'_, '_> {
    type Item = Standing;

    fn next(&mut self) -> Option<Standing> {
        let pos = self.next;
        let table = self.league.table;
        let order = &self.league.order;
        let row = *order.get(pos)? as usize;
        self.next += 1;
        let tied = |other: u32| table.index_cmp(other as usize, row) == Ordering::Equal;
        let rank = match pos {
            0 => 1,
            _ if tied(order[pos - 1]) => self.rank,
            _ => pos as u32 + 1,
        };
        self.rank = rank;
        let g = table.group(row);
        let (seen, last_rank, last_row) = self.groups[g];
        let category_rank = if seen > 0 && tied(last_row) {
            last_rank
        } else {
            seen + 1
        };
        self.groups[g] = (seen + 1, category_rank, row as u32);
        Some(Standing {
            row: row as u32,
            rank,
            category_rank,
            category_size: self.league.sizes[g],
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.league.order.len() - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Standings<'_, '_> {}

/// The model's predicate bands, read with machine integers where the values are small fractions
/// (every official model's are): the same band as [`predicate`] gives, a thousand times a run.
#[derive(Debug, Clone)]
pub struct Bands<'m> {
    model: &'m Model,
    basis: PredicateBasis,
    /// Each band's bounds, when they all are small fractions.
    edges: Option<Vec<(Frac, Frac)>>,
}

impl<'m> Bands<'m> {
    pub fn new(model: &'m Model, basis: PredicateBasis) -> Bands<'m> {
        let edges = model
            .predicates
            .iter()
            .map(|p| Some((Frac::of(&p.min)?, Frac::of(&p.max)?)))
            .collect();
        Bands {
            model,
            basis,
            edges,
        }
    }

    /// The position of the band of `v` among the model's predicates (lowest first).
    pub fn of(&self, v: Value<'_>) -> usize {
        if let (Some(edges), Value::Small(f)) = (&self.edges, v) {
            let f = match self.basis {
                PredicateBasis::Exact => Some(f),
                PredicateBasis::Rounded => f.round_half_up(self.model.decimals),
            };
            if let Some(f) = f {
                // Model::predicate's rule: lower bound inclusive, the top band's upper too.
                let last = edges.len() - 1;
                return edges
                    .iter()
                    .enumerate()
                    .position(|(i, &(lo, hi))| lo <= f && (f < hi || (i == last && f <= hi)))
                    .unwrap_or(if f < edges[0].0 { 0 } else { last });
            }
        }
        let p = predicate(self.model, &v.exact(), self.basis);
        self.model
            .predicates
            .iter()
            .position(|q| std::ptr::eq(q, p))
            .expect("a band of the model")
    }

    /// The predicate of `v`.
    pub fn name(&self, v: Value<'_>) -> &'m str {
        &self.model.predicates[self.of(v)].name
    }
}

/// Count, mean, median, extremes and the predicate distribution of some indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub count: usize,
    pub mean: Exact,
    /// The middle value; with an even count, the mean of the two middle ones.
    pub median: Exact,
    pub min: Exact,
    pub max: Exact,
    /// Per predicate band of the model, in the model's order (lowest first): how many.
    pub predicates: Vec<usize>,
}

/// The statistics of `values`, or `None` when there are none.
pub fn stats(bands: &Bands<'_>, mut values: Vec<Value<'_>>) -> Option<Stats> {
    values.sort_by(|a, b| b.cmp(a));
    stats_of_descending(bands, values.iter().copied())
}

/// The statistics of values given highest first (as a league lists them), read where they are:
/// a national league is summed and counted without a copy of its indices.
fn stats_of_descending<'t>(
    bands: &Bands<'_>,
    values: impl Iterator<Item = Value<'t>> + Clone,
) -> Option<Stats> {
    let max = values.clone().next()?.exact();
    let mut n = 0;
    let mut predicates = vec![0usize; bands.model.predicates.len()];
    for x in values.clone() {
        predicates[bands.of(x)] += 1;
        n += 1;
    }
    let sum = sum_of(values.clone());
    // Highest first: the middle pair of an even count is at n/2 - 1 and n/2 either way.
    let mut middle = values.clone().skip((n - 1) / 2);
    let median = match (n % 2, middle.next(), middle.next()) {
        (1, Some(m), _) => m.exact(),
        (_, Some(a), Some(b)) => (a.exact() + b.exact()) / exact::int(2),
        _ => unreachable!("n values"),
    };
    Some(Stats {
        count: n,
        mean: sum / exact::int(n as i64),
        median,
        min: values.last().expect("n values").exact(),
        max,
        predicates,
    })
}

/// The exact sum of values: in machine integers while they are small fractions (a thousand
/// indices k / 10000 share their denominators), as rationals otherwise.
fn sum_of<'t>(mut v: impl Iterator<Item = Value<'t>>) -> Exact {
    let (mut num, mut den) = (0i128, 1i128);
    let exactly = |x: Value<'_>, rest: &mut dyn Iterator<Item = Value<'t>>, num, den| {
        x.exact() + rest.map(|x| x.exact()).sum::<Exact>() + ratio_of(num, den)
    };
    while let Some(x) = v.next() {
        let Value::Small(f) = x else {
            return exactly(x, &mut v, num, den);
        };
        let (a, b) = f.parts();
        let (a, b) = (a as i128, b as i128);
        let g = num_integer::gcd(den, b);
        let next = num
            .checked_mul(b / g)
            .zip(a.checked_mul(den / g))
            .and_then(|(p, q)| p.checked_add(q))
            .zip(den.checked_mul(b / g));
        match next {
            Some((n2, d2)) => {
                let g = num_integer::gcd(n2, d2).max(1);
                (num, den) = (n2 / g, d2 / g);
            }
            None => return exactly(x, &mut v, num, den),
        }
    }
    ratio_of(num, den)
}

fn ratio_of(num: i128, den: i128) -> Exact {
    Exact::new(num.into(), den.into())
}

/// The median of sorted, non-empty values: the mean of the two middle ones for an even count.
fn median_of_sorted(v: &[Exact]) -> Exact {
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2].clone()
    } else {
        (&v[n / 2 - 1] + &v[n / 2]) / exact::int(2)
    }
}

/// The statistics of one category.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryStats {
    /// `None`: the rows with no category.
    pub category: Option<String>,
    pub stats: Stats,
}

/// Statistics of every compared row and of each category (in name order, no category last).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub overall: Stats,
    pub categories: Vec<CategoryStats>,
}

/// The statistics of a league, overall and per category.
pub fn summary(table: &Table, bands: &Bands<'_>, league: &League<'_>) -> Option<Summary> {
    let index = |&r: &u32| table.index(r as usize);
    let overall = stats_of_descending(bands, league.order.iter().map(index))?;
    // Each category's rows in league order, sorted out in one pass (a filter per category would
    // read the whole league once per category: slow when each institution has its own).
    let mut members: Vec<Vec<u32>> = league
        .sizes
        .iter()
        .map(|&n| Vec::with_capacity(n as usize))
        .collect();
    for &r in &league.order {
        members[table.group(r as usize)].push(r);
    }
    let mut categories: Vec<CategoryStats> = members
        .iter()
        .enumerate()
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(g, rows)| CategoryStats {
            category: table.labels.get(g).map(String::from),
            stats: stats_of_descending(bands, rows.iter().map(index))
                .expect("a category listed has a row"),
        })
        .collect();
    categories.sort_by(|a, b| label_order(a.category.as_deref(), b.category.as_deref()));
    Some(Summary {
        overall,
        categories,
    })
}

/// The next predicate band up and how far it is.
#[derive(Debug, Clone, PartialEq)]
pub struct NextBand {
    pub predicate: String,
    /// The lowest index that gets that predicate on the basis in use: the band's lower bound,
    /// or on the rounded basis the lowest value that rounds to it.
    pub threshold: Exact,
    /// `threshold - index`, positive.
    pub distance: Exact,
}

/// A part where the institution stands against its category.
#[derive(Debug, Clone, PartialEq)]
pub struct PartGap {
    /// Position in [`Table::parts`].
    pub part: usize,
    pub value: Exact,
    /// The category's median of this part.
    pub median: Exact,
    /// `value - median`: negative where the institution trails.
    pub gap: Exact,
}

/// One institution among its peers (`--highlight`).
#[derive(Debug, Clone, PartialEq)]
pub struct Highlight {
    pub standing: Standing,
    /// The share (0 to 100) of the other institutions of its category with a lower index;
    /// `None` when it is alone in its category.
    pub percentile: Option<Exact>,
    pub category_median: Exact,
    /// `index - category median`.
    pub to_median: Exact,
    /// `None` in the top band.
    pub next_band: Option<NextBand>,
    /// Every part, the one where it trails its category most first.
    pub parts: Vec<PartGap>,
}

/// The standing of `row` (one of the league's) among the rows of its category.
pub fn highlight(
    table: &Table,
    model: &Model,
    basis: PredicateBasis,
    standings: &League<'_>,
    row: usize,
) -> Option<Highlight> {
    let standing = standings.iter().find(|s| s.row() == row)?;
    let category = table.rows[row].category;
    let peers: Vec<usize> = standings
        .iter()
        .map(|s| s.row())
        .filter(|&r| table.rows[r].category == category)
        .collect();
    let index = table.index(row).exact();
    let sorted = |f: &dyn Fn(usize) -> Exact| {
        let mut v: Vec<Exact> = peers.iter().map(|&r| f(r)).collect();
        v.sort();
        v
    };
    let category_median = median_of_sorted(&sorted(&|r| table.index(r).exact()));
    let below = peers
        .iter()
        .filter(|&&r| table.index(r) < table.index(row))
        .count();
    let percentile =
        (peers.len() > 1).then(|| exact::ratio(100 * below as i64, peers.len() as i64 - 1));
    let mut parts: Vec<PartGap> = (0..table.parts.len())
        .map(|k| {
            let median = median_of_sorted(&sorted(&|r| table.part(r, k).exact()));
            let value = table.part(row, k).exact();
            PartGap {
                part: k,
                gap: &value - &median,
                value,
                median,
            }
        })
        .collect();
    parts.sort_by(|a, b| a.gap.cmp(&b.gap).then(a.part.cmp(&b.part)));
    Some(Highlight {
        standing,
        percentile,
        to_median: &index - &category_median,
        category_median,
        next_band: next_band(model, basis, &index),
        parts,
    })
}

/// The band above the one `index` is in, and the distance to it on `basis`.
pub fn next_band(model: &Model, basis: PredicateBasis, index: &Exact) -> Option<NextBand> {
    let current = predicate(model, index, basis);
    let at = model
        .predicates
        .iter()
        .position(|p| std::ptr::eq(p, current))?;
    let next = model.predicates.get(at + 1)?;
    let threshold = match basis {
        PredicateBasis::Exact => next.min.clone(),
        // round_half_up(x) >= m exactly when x >= (ceil(m * 10^d) - 1/2) / 10^d.
        PredicateBasis::Rounded => {
            let scale = exact::int(10).pow(model.decimals as i32);
            ((&next.min * &scale).ceil() - exact::ratio(1, 2)) / scale
        }
    };
    Some(NextBand {
        predicate: next.name.clone(),
        distance: &threshold - index,
        threshold,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exact::ratio;

    fn model() -> Model {
        Model::load("spbe-2020").unwrap()
    }

    fn table(rows: &[(&str, Option<&str>, Exact)]) -> Table {
        let m = model();
        let (kind, parts) = parts_of(&m);
        let mut t = Table::new(kind, parts);
        for (i, (name, category, index)) in rows.iter().enumerate() {
            let parts = vec![index.clone(); t.parts.len()];
            t.push(Entry {
                name,
                category: *category,
                region: None,
                year: Some(2024),
                index,
                index_exact: true,
                parts: &parts,
                answers: Some(47),
                opds: Some(1),
                warnings: vec![Notice::Reading(format!("w{i}"))],
                origin: Origin {
                    input: 0,
                    at: At::Line(i as u32 + 2),
                },
            });
        }
        t
    }

    #[test]
    fn a_column_widens_its_denominator_and_keeps_what_does_not_fit() {
        // 1/3, then 2/7 (the column goes to /21), 5/21, a value over a prime near 2^31 (no
        // common denominator fits 32 bits: kept large), and 1/2 (the column goes to /42).
        let big = ratio(1, 2_147_483_629);
        let values = [
            ratio(1, 3),
            ratio(2, 7),
            ratio(5, 21),
            big.clone(),
            ratio(1, 2),
        ];
        let rows: Vec<(String, Exact)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("I{i}"), v.clone()))
            .collect();
        let named: Vec<(&str, Option<&str>, Exact)> = rows
            .iter()
            .map(|(n, v)| (n.as_str(), None, v.clone()))
            .collect();
        let t = table(&named);
        for (r, v) in values.iter().enumerate() {
            assert_eq!(t.index(r).exact(), *v, "row {r}");
            assert_eq!(t.part(r, 1).exact(), *v, "row {r}, a part");
        }
        assert!(matches!(t.index(3), Value::Large(_)));
        assert!(matches!(t.index(4), Value::Small(_)));
        let all: Vec<u32> = (0..t.len() as u32).collect();
        let order: Vec<usize> = league(&t, all).iter().map(|s| s.row()).collect();
        assert_eq!(order, [4, 0, 1, 2, 3]);
    }

    #[test]
    fn a_sealed_table_still_finds_and_takes_rows() {
        let mut t = table(&[
            ("Kab. A", None, ratio(3, 1)),
            ("Kota  B", None, ratio(2, 1)),
        ]);
        t.seal();
        assert_eq!(t.find("kota b", Some(2024)), Some(1));
        assert_eq!(t.find("Kota B", None), None);
        let more = table(&[("Kab. C", None, ratio(1, 1))]);
        let parts = vec![ratio(1, 1); t.parts.len()];
        for name in ["Kab. C", "Kab. D"] {
            t.push(Entry {
                name,
                parts: &parts,
                index: &parts[0],
                origin: more.origin(0),
                ..entry_like(&more)
            });
        }
        assert_eq!(t.find("KAB. D", Some(2024)), Some(3));
        assert_eq!(t.find("Kab. A", Some(2024)), Some(0));
        assert_eq!(t.name(3), "Kab. D");
        assert_eq!(
            t.origin(3),
            Origin {
                input: 0,
                at: At::Line(2)
            }
        );
    }

    fn entry_like(t: &Table) -> Entry<'static> {
        Entry {
            name: "",
            category: None,
            region: None,
            year: t.year(0),
            index: Box::leak(Box::new(ratio(1, 1))),
            index_exact: true,
            parts: &[],
            answers: Some(47),
            opds: Some(1),
            warnings: Vec::new(),
            origin: t.origin(0),
        }
    }

    #[test]
    fn ties_share_a_rank_and_the_next_rank_skips() {
        let kab = Some("Pemerintah Kabupaten");
        let kota = Some("Pemerintah Kota");
        let t = table(&[
            ("Kab. A", kab, ratio(3084, 1000)),
            ("Kota B", kota, ratio(3084, 1000)),
            ("Kab. C", kab, ratio(4765, 1000)),
            ("Kab. D", kab, ratio(3084, 1000)),
            ("Kota E", kota, ratio(2, 1)),
        ]);
        let all: Vec<u32> = (0..t.len() as u32).collect();
        let got: Vec<(&str, u32, u32, u32)> = league(&t, all.clone())
            .iter()
            .map(|s| (t.name(s.row()), s.rank, s.category_rank, s.category_size))
            .collect();
        assert_eq!(
            got,
            [
                ("Kab. C", 1, 1, 3),
                ("Kab. A", 2, 2, 3),
                ("Kab. D", 2, 2, 3),
                ("Kota B", 2, 1, 2),
                ("Kota E", 5, 2, 2),
            ]
        );
    }

    #[test]
    fn statistics_by_hand() {
        let m = model();
        // 1.7995, 2.5, 3.0, 3.4985: mean 10.798 / 4 = 2.6995, median (2.5 + 3.0) / 2 = 2.75.
        let values = [
            ratio(17995, 10000),
            ratio(5, 2),
            int(3),
            ratio(34985, 10000),
        ];
        let of = |basis| {
            let bands = Bands::new(&m, basis);
            stats(&bands, values.iter().map(Value::Large).collect()).unwrap()
        };
        let s = of(PredicateBasis::Exact);
        assert_eq!(s.count, 4);
        assert_eq!(s.mean, ratio(26995, 10000));
        assert_eq!(s.median, ratio(275, 100));
        assert_eq!(
            (s.min.clone(), s.max.clone()),
            (values[0].clone(), values[3].clone())
        );
        // Kurang, Cukup, Baik, Sangat Baik, Memuaskan.
        assert_eq!(s.predicates, [1, 1, 2, 0, 0]);
        let r = of(PredicateBasis::Rounded);
        assert_eq!(r.predicates, [0, 2, 1, 1, 0]);
        let three = [int(1), int(5), int(2)];
        let bands = Bands::new(&m, PredicateBasis::Exact);
        let odd = stats(&bands, three.iter().map(Value::Large).collect()).unwrap();
        // Small fractions take the integer path, with the same result.
        let small: Vec<Value<'_>> = three
            .iter()
            .map(|x| Value::Small(Frac::of(x).unwrap()))
            .collect();
        assert_eq!(stats(&bands, small).unwrap(), odd);
        assert_eq!(odd.median, int(2));
    }

    fn int(n: i64) -> Exact {
        exact::int(n)
    }

    #[test]
    fn highlight_among_peers() {
        let m = model();
        let kab = Some("Pemerintah Kabupaten");
        let t = table(&[
            ("Kab. A", kab, ratio(2764, 1000)),
            ("Kab. B", kab, ratio(3084, 1000)),
            ("Kab. C", kab, ratio(4765, 1000)),
            ("Kab. D", kab, ratio(2, 1)),
            ("Kota E", Some("Pemerintah Kota"), ratio(5, 1)),
        ]);
        let all: Vec<u32> = (0..t.len() as u32).collect();
        let standings = league(&t, all.clone());
        let h = highlight(&t, &m, PredicateBasis::Exact, &standings, 0).unwrap();
        assert_eq!((h.standing.rank, h.standing.category_rank), (4, 3));
        assert_eq!(h.standing.category_size, 4);
        // One of the three other kabupaten is lower: 33⅓ %.
        assert_eq!(h.percentile, Some(ratio(100, 3)));
        // Median of 2, 2.764, 3.084, 4.765 is (2.764 + 3.084) / 2 = 2.924.
        assert_eq!(h.category_median, ratio(2924, 1000));
        assert_eq!(h.to_median, ratio(-160, 1000));
        let next = h.next_band.unwrap();
        assert_eq!(next.predicate, "Sangat Baik");
        assert_eq!(next.distance, ratio(736, 1000));
        assert_eq!(h.parts.len(), 4);
        assert_eq!(h.parts[0].gap, ratio(-160, 1000));
    }

    #[test]
    fn sums_of_small_fractions_are_exact() {
        let xs = [ratio(4765, 1000), ratio(1, 3), ratio(-7, 11), int(3)];
        let small: Vec<Value<'_>> = xs
            .iter()
            .map(|x| Value::Small(Frac::of(x).unwrap()))
            .collect();
        let want: Exact = xs.iter().sum();
        assert_eq!(sum_of(small.iter().copied()), want);
        let big = ratio(16_363_636_364, 10_000_000_000);
        let mut mixed = small.clone();
        mixed.insert(2, Value::Large(&big));
        assert_eq!(sum_of(mixed.iter().copied()), want + &big);
    }

    #[test]
    fn next_band_on_either_basis() {
        let m = model();
        let pacitan = ratio(34985, 10000);
        let exact_next = next_band(&m, PredicateBasis::Exact, &pacitan).unwrap();
        assert_eq!(exact_next.threshold, ratio(35, 10));
        assert_eq!(exact_next.distance, ratio(15, 10000));
        // On the rounded basis 3.4985 already shows 3.50, Sangat Baik: next is Memuaskan,
        // reached from 4.195 (which rounds to 4.20).
        let rounded_next = next_band(&m, PredicateBasis::Rounded, &pacitan).unwrap();
        assert_eq!(rounded_next.predicate, "Memuaskan");
        assert_eq!(rounded_next.threshold, ratio(4195, 1000));
        assert_eq!(next_band(&m, PredicateBasis::Exact, &int(5)), None);
    }

    #[test]
    fn names_match_ignoring_case_and_spacing() {
        let t = table(&[("Kab.  Banyuwangi", None, int(3))]);
        assert_eq!(t.find("KAB. BANYUWANGI", Some(2024)), Some(0));
        assert_eq!(t.find("kab. banyuwangi ", Some(2023)), None);
        assert_eq!(t.named(" kab. banyuwangi"), [0]);
        let w: Vec<String> = t.warnings(0).map(Notice::english).collect();
        assert_eq!(w, ["w0"]);
    }

    #[test]
    fn large_values_are_kept_exactly() {
        let t = table(&[("A", None, ratio(16_363_636_364, 10_000_000_000))]);
        assert_eq!(t.index(0).exact_text(0), ("1.6363636364".to_string(), true));
        assert_eq!(t.part(0, 3).fixed(2), "1.64");
    }
}
