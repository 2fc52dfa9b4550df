//! What `spbe compare` shows: the document (the summary per category, the highlighted
//! institution, the ranking), its CSV (one row per institution) and its JSON record
//! (`schema_version` 1: one object per institution in rank order, written as it is built, since
//! a national file has thousands).

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::core::answers::InputFile;
use crate::core::compare::{Bands, Filter, Highlight, PartKind, Stats, Summary, Table, Value};
use crate::core::consolidate::Combine;
use crate::core::evaluate::Notice;
use crate::core::exact::{self, Decimal, Exact};
use crate::core::model::Model;
use crate::core::score::PredicateBasis;
use crate::core::scorecard::{ModelInfo, Tool};
use crate::core::stage::Stage;
use crate::output::document::{Block, Document, Format, Grid, Md, Paint, Table as DocTable};
use crate::output::i18n::Labels;
use crate::output::report::svg::escape;
use crate::output::views::notice;

pub const SCHEMA_VERSION: u32 = 1;

/// Everything compared, ready to write.
pub struct Comparison<'a> {
    pub model: &'a Model,
    /// The model's predicate bands on the basis in use.
    pub bands: &'a Bands<'a>,
    pub table: &'a Table,
    pub standings: &'a crate::core::compare::League<'a>,
    pub summary: &'a Summary,
    pub highlight: Option<&'a Highlight>,
    pub combine: Combine,
    /// Under `combine` owner: the policy where no owner answered.
    pub fallback: Option<Combine>,
    pub basis: PredicateBasis,
    pub stage: Option<Stage>,
    pub filter: &'a Filter,
    /// Where each row came from, by its origin's input number: the path.
    pub sources: &'a [String],
    pub warnings: &'a [String],
    pub inputs: &'a [InputFile],
}

impl Comparison<'_> {
    /// Where a row came from: `path:line`, `path[element]` or `path`.
    pub fn source(&self, row: usize) -> String {
        use crate::core::compare::At;
        let o = self.table.origin(row);
        let path = self
            .sources
            .get(o.input as usize)
            .map(String::as_str)
            .unwrap_or("");
        match o.at {
            At::Whole => path.to_string(),
            At::Line(l) => format!("{path}:{l}"),
            At::Element(e) => format!("{path}[{e}]"),
        }
    }

    /// The predicate of a row's index on the basis in use.
    pub fn predicate(&self, row: usize) -> &str {
        self.bands.name(self.table.index(row))
    }
}

fn exact_dec(v: Value<'_>) -> Decimal {
    Decimal(v.exact_text(0).0)
}

fn rounded(v: Value<'_>, decimals: u32) -> Decimal {
    Decimal(v.fixed(decimals))
}

fn dec(x: &Exact) -> Decimal {
    Decimal::exact(x)
}

#[derive(Clone, Serialize)]
struct PartValue<'a> {
    id: &'a str,
    index: Decimal,
    index_rounded: Decimal,
}

#[derive(Serialize)]
struct Row<'a> {
    rank: u32,
    category_rank: u32,
    category_size: u32,
    name: &'a str,
    category: Option<&'a str>,
    region: Option<&'a str>,
    year: Option<u16>,
    index: Decimal,
    index_rounded: Decimal,
    /// False when the index was known only rounded (a result of a non-terminating mean) or
    /// does not terminate (written to 12 decimals).
    index_exact: bool,
    predicate: &'a str,
    /// The domains' indices; for a model with no domain layer, `aspects` instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    domains: Option<Vec<PartValue<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aspects: Option<Vec<PartValue<'a>>>,
    answers: Option<u32>,
    opds: Option<u32>,
    warnings: Vec<String>,
    source: String,
}

#[derive(Serialize)]
struct Band<'a> {
    predicate: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct StatsJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<Option<&'a str>>,
    count: usize,
    mean: Decimal,
    mean_rounded: Decimal,
    median: Decimal,
    median_rounded: Decimal,
    min: Decimal,
    max: Decimal,
    /// Highest band first.
    predicates: Vec<Band<'a>>,
}

fn stats_json<'a>(model: &'a Model, category: Option<Option<&'a str>>, s: &Stats) -> StatsJson<'a> {
    let d = model.decimals;
    StatsJson {
        category,
        count: s.count,
        mean: dec(&s.mean),
        mean_rounded: Decimal::rounded(&s.mean, d),
        median: dec(&s.median),
        median_rounded: Decimal::rounded(&s.median, d),
        min: dec(&s.min),
        max: dec(&s.max),
        predicates: model
            .predicates
            .iter()
            .zip(&s.predicates)
            .rev()
            .map(|(p, &count)| Band {
                predicate: &p.name,
                count,
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct NextJson<'a> {
    predicate: &'a str,
    threshold: Decimal,
    distance: Decimal,
}

#[derive(Clone, Serialize)]
struct GapJson<'a> {
    id: &'a str,
    name: &'a str,
    index: Decimal,
    category_median: Decimal,
    gap: Decimal,
}

#[derive(Serialize)]
struct HighlightJson<'a> {
    name: &'a str,
    category: Option<&'a str>,
    rank: u32,
    category_rank: u32,
    category_size: u32,
    /// Share (0-100) of the other institutions of its category with a lower index.
    percentile: Option<Decimal>,
    index: Decimal,
    category_median: Decimal,
    to_median: Decimal,
    next_predicate: Option<NextJson<'a>>,
    /// Every domain, the one where it trails its category's median most first; for a model with
    /// no domain layer, `aspects` instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    domains: Option<Vec<GapJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aspects: Option<Vec<GapJson<'a>>>,
}

#[derive(Serialize)]
struct FilterJson<'a> {
    category: &'a [String],
    region: &'a [String],
    year: Vec<Option<u16>>,
}

impl Serialize for Comparison<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (model, table) = (self.model, self.table);
        let parts_key = table.kind.as_str();
        let mut m = serializer.serialize_map(None)?;
        m.serialize_entry("schema_version", &SCHEMA_VERSION)?;
        m.serialize_entry("tool", &Tool::this())?;
        m.serialize_entry("model", &ModelInfo::of(model))?;
        m.serialize_entry("combine", &self.combine)?;
        m.serialize_entry("fallback", &self.fallback)?;
        m.serialize_entry("predicate_basis", &self.basis)?;
        m.serialize_entry("stage", &self.stage.map(|s| s.as_str()))?;
        m.serialize_entry(
            "filter",
            &FilterJson {
                category: &self.filter.categories,
                region: &self.filter.regions,
                year: self.filter.years.clone(),
            },
        )?;
        m.serialize_entry("parts", parts_key)?;
        m.serialize_entry("count", &self.standings.len())?;
        // One row at a time: the rows are never all in memory as text.
        struct Rows<'c, 'a>(&'c Comparison<'a>);
        impl Serialize for Rows<'_, '_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let c = self.0;
                let (model, table) = (c.model, c.table);
                let d = model.decimals;
                s.collect_seq(c.standings.iter().map(|st| {
                    let r = st.row();
                    let index = table.index(r);
                    let (index_text, terminates) = index.exact_text(0);
                    let parts: Vec<PartValue<'_>> = table
                        .parts
                        .iter()
                        .enumerate()
                        .map(|(k, p)| PartValue {
                            id: &p.id,
                            index: exact_dec(table.part(r, k)),
                            index_rounded: rounded(table.part(r, k), d),
                        })
                        .collect();
                    let domains = table.kind == PartKind::Domains;
                    Row {
                        rank: st.rank,
                        category_rank: st.category_rank,
                        category_size: st.category_size,
                        name: table.name(r),
                        category: table.category(r),
                        region: table.region(r),
                        year: table.year(r),
                        index: Decimal(index_text),
                        index_rounded: rounded(index, d),
                        index_exact: terminates && table.index_exact(r),
                        predicate: c.predicate(r),
                        aspects: (!domains).then(|| parts.clone()),
                        domains: domains.then_some(parts),
                        answers: table.answers(r),
                        opds: table.opds(r),
                        warnings: table.warnings(r).map(Notice::english).collect(),
                        source: c.source(r),
                    }
                }))
            }
        }
        m.serialize_entry("institutions", &Rows(self))?;
        #[derive(Serialize)]
        struct SummaryJson<'a> {
            overall: StatsJson<'a>,
            categories: Vec<StatsJson<'a>>,
        }
        m.serialize_entry(
            "summary",
            &SummaryJson {
                overall: stats_json(model, None, &self.summary.overall),
                categories: self
                    .summary
                    .categories
                    .iter()
                    .map(|c| stats_json(model, Some(c.category.as_deref()), &c.stats))
                    .collect(),
            },
        )?;
        let highlight = self.highlight.map(|h| {
            let r = h.standing.row();
            let gaps: Vec<GapJson<'_>> = h
                .parts
                .iter()
                .map(|g| GapJson {
                    id: &table.parts[g.part].id,
                    name: &table.parts[g.part].name,
                    index: dec(&g.value),
                    category_median: dec(&g.median),
                    gap: dec(&g.gap),
                })
                .collect();
            HighlightJson {
                name: table.name(r),
                category: table.category(r),
                rank: h.standing.rank,
                category_rank: h.standing.category_rank,
                category_size: h.standing.category_size,
                percentile: h.percentile.as_ref().map(dec),
                index: exact_dec(table.index(r)),
                category_median: dec(&h.category_median),
                to_median: dec(&h.to_median),
                next_predicate: h.next_band.as_ref().map(|n| NextJson {
                    predicate: &n.predicate,
                    threshold: dec(&n.threshold),
                    distance: dec(&n.distance),
                }),
                domains: (table.kind == PartKind::Domains).then(|| gaps.clone()),
                aspects: (table.kind == PartKind::Aspects).then_some(gaps),
            }
        });
        m.serialize_entry("highlight", &highlight)?;
        m.serialize_entry("warnings", self.warnings)?;
        #[derive(Serialize)]
        struct Receipt<'a> {
            tool: Tool,
            model: ModelInfo,
            inputs: &'a [InputFile],
            combine: Combine,
            predicate_basis: PredicateBasis,
        }
        m.serialize_entry(
            "receipt",
            &Receipt {
                tool: Tool::this(),
                model: ModelInfo::of(model),
                inputs: self.inputs,
                combine: self.combine,
                predicate_basis: self.basis,
            },
        )?;
        m.end()
    }
}

/// The document of a comparison: what it compared, the summary per category, the highlighted
/// institution, the ranking; its CSV is the ranking, its JSON the record above. With `format`
/// known, only what that format reads is built (the JSON record is written row by row).
pub fn document<'c>(c: &'c Comparison<'c>, l: &Labels, format: Option<Format>) -> Document<'c> {
    let mut doc = Document {
        only: format,
        ..Document::default()
    };
    if doc.wants_text() {
        doc.title = Some(l.pick(
            format!("{}: comparison", c.model.name),
            format!("{}: perbandingan", c.model.name),
        ));
        doc.lines(heading(c, l), Md::List).gap();
        if let Some(h) = c.highlight {
            highlight_blocks(&mut doc, c, h, l);
            doc.gap();
        }
        if doc.wants_figures() {
            doc.blocks.push(Block::Figure {
                caption: l
                    .pick(
                        "The index per category: each dot an institution, the thick line the median, the thin line from the lowest to the highest",
                        "Indeks per kategori: tiap titik satu instansi, garis tebal median, garis tipis dari terendah ke tertinggi",
                    )
                    .to_string(),
                svg: distribution_svg(c, l),
            });
        }
        doc.table(summary_table(c, l)).gap();
        doc.table(ranking_table(c, l));
    }
    if doc.wants_grid() {
        doc.grid(grid(c));
    }
    doc.record(c);
    doc
}

/// What was compared, in a few lines.
fn heading(c: &Comparison<'_>, l: &Labels) -> Vec<String> {
    let m = c.model;
    let mut lines = vec![
        format!(
            "{}: {} ({}, version {}, {})",
            l.model, m.name, m.id, m.version, m.status
        ),
        format!(
            "{}: {} {}; combine {}{}; {}",
            l.pick("Compared", "Dibandingkan"),
            c.standings.len(),
            l.pick("institutions", "instansi"),
            c.combine.as_str(),
            c.fallback
                .map(|f| format!(" (fallback {})", f.as_str()))
                .unwrap_or_default(),
            l.predicate_basis(c.basis)
        ),
    ];
    let f = c.filter;
    let mut filters = Vec::new();
    if !f.categories.is_empty() {
        filters.push(format!(
            "{} {}",
            l.pick("category", "kategori"),
            f.categories.join(", ")
        ));
    }
    if !f.regions.is_empty() {
        filters.push(format!(
            "{} {}",
            l.pick("region", "daerah"),
            f.regions.join(", ")
        ));
    }
    if let Some(Some(y)) = f.years.first() {
        filters.push(format!("{} {y}", l.pick("year", "tahun")));
    }
    if let Some(s) = c.stage {
        filters.push(format!("{} {s}", l.pick("stage", "tahap")));
    }
    if !filters.is_empty() {
        lines.push(format!(
            "{}: {}",
            l.pick("Only", "Hanya"),
            filters.join("; ")
        ));
    }
    lines
}

/// The category of a row as people read it.
fn category_cell(c: Option<&str>, l: &Labels) -> String {
    c.map_or_else(
        || l.pick("(none)", "(tanpa kategori)").to_string(),
        String::from,
    )
}

fn summary_table(c: &Comparison<'_>, l: &Labels) -> DocTable {
    let model = c.model;
    let d = model.decimals;
    let bands: Vec<&str> = model
        .predicates
        .iter()
        .rev()
        .map(|p| p.name.as_str())
        .collect();
    let mut header = vec![
        l.pick("Category", "Kategori"),
        l.pick("Count", "Jumlah"),
        l.pick("Mean", "Rata-rata"),
        "Median",
        l.pick("Min", "Terendah"),
        l.pick("Max", "Tertinggi"),
    ];
    header.extend(&bands);
    let row = |name: String, s: &Stats| {
        let mut cells = vec![
            name,
            s.count.to_string(),
            exact::fixed(&s.mean, d),
            exact::fixed(&s.median, d),
            exact::fixed(&s.min, d),
            exact::fixed(&s.max, d),
        ];
        cells.extend(s.predicates.iter().rev().map(|n| n.to_string()));
        cells
    };
    let mut rows: Vec<Vec<String>> = c
        .summary
        .categories
        .iter()
        .map(|cat| row(category_cell(cat.category.as_deref(), l), &cat.stats))
        .collect();
    if c.summary.categories.len() > 1 {
        rows.push(row(l.pick("All", "Semua").to_string(), &c.summary.overall));
    }
    let numeric: Vec<usize> = (1..header.len()).collect();
    DocTable::new(
        l.pick(
            "Summary per category (median of an even count: the mean of the two middle values)",
            "Ringkasan per kategori (median dari jumlah genap: rata-rata dua nilai tengah)",
        ),
        &header,
        rows,
    )
    .numeric(&numeric)
}

fn ranking_table(c: &Comparison<'_>, l: &Labels) -> DocTable {
    let (model, table) = (c.model, c.table);
    let d = model.decimals;
    let rows_of = || c.standings.iter().map(|s| s.row());
    let with_category = rows_of().any(|r| table.category(r).is_some());
    let with_region = rows_of().any(|r| table.region(r).is_some());
    let with_year = rows_of().any(|r| table.year(r).is_some());
    let with_counts = rows_of().any(|r| table.answers(r).is_some());
    let mut header: Vec<&str> = vec![l.pick("Rank", "Peringkat")];
    if with_category {
        header.push(l.pick("In category", "Dalam kategori"));
    }
    header.push(l.pick("Institution", "Instansi"));
    if with_category {
        header.push(l.pick("Category", "Kategori"));
    }
    if with_region {
        header.push(l.pick("Region", "Daerah"));
    }
    if with_year {
        header.push(l.pick("Year", "Tahun"));
    }
    let first_number = header.len();
    header.push(l.pick("Index", "Indeks"));
    header.push(l.pick("Exact", "Tepat"));
    header.push(l.pick("Predicate", "Predikat"));
    let parts_at = header.len();
    header.extend(table.parts.iter().map(|p| p.id.as_str()));
    if with_counts {
        header.push(l.pick("Answers", "Jawaban"));
        header.push("OPD");
    }
    let rows = c
        .standings
        .iter()
        .map(|s| {
            let r = s.row();
            let mut cells = vec![s.rank.to_string()];
            if with_category {
                cells.push(format!("{}/{}", s.category_rank, s.category_size));
            }
            cells.push(table.name(r).to_string());
            if with_category {
                cells.push(category_cell(table.category(r), l));
            }
            if with_region {
                cells.push(table.region(r).unwrap_or("").to_string());
            }
            if with_year {
                cells.push(table.year(r).map(|y| y.to_string()).unwrap_or_default());
            }
            cells.push(table.index(r).fixed(d));
            cells.push(table.index(r).exact_text(d).0);
            cells.push(c.predicate(r).to_string());
            cells.extend((0..table.parts.len()).map(|k| table.part(r, k).fixed(d)));
            if with_counts {
                let count = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
                cells.push(count(table.answers(r)));
                cells.push(count(table.opds(r)));
            }
            cells
        })
        .collect();
    let mut numeric = vec![0, first_number, first_number + 1];
    numeric.extend(parts_at..header.len());
    DocTable::new(
        l.pick(
            "Ranking (the same exact index, the same rank)",
            "Peringkat (indeks tepat sama, peringkat sama)",
        ),
        &header,
        rows,
    )
    .numeric(&numeric)
}

fn highlight_blocks(doc: &mut Document<'_>, c: &Comparison<'_>, h: &Highlight, l: &Labels) {
    let (model, table) = (c.model, c.table);
    let d = model.decimals;
    let r = h.standing.row();
    let index = table.index(r);
    let predicate = c.predicate(r);
    let category = category_cell(table.category(r), l);
    let headline = l.pick(
        format!(
            "{}: {} {predicate}, rank {} of {} in {category} ({} of {} overall)",
            table.name(r),
            l.num(index.fixed(d)),
            h.standing.category_rank,
            h.standing.category_size,
            h.standing.rank,
            c.standings.len()
        ),
        format!(
            "{}: {} {predicate}, peringkat {} dari {} dalam {category} ({} dari {} seluruhnya)",
            table.name(r),
            l.num(index.fixed(d)),
            h.standing.category_rank,
            h.standing.category_size,
            h.standing.rank,
            c.standings.len()
        ),
    );
    let paint = model
        .predicates
        .iter()
        .position(|p| p.name == predicate)
        .map(|rank| Paint {
            word: predicate.to_string(),
            rank,
            bands: model.predicates.len(),
        });
    doc.blocks.push(Block::Headline {
        text: headline,
        paint,
    });
    // A difference with its sign: +0.13, -0.17, 0.00.
    let signed = |x: &Exact| {
        let t = exact::fixed(x, d);
        let zero = t.bytes().all(|b| matches!(b, b'0' | b'.' | b'-'));
        l.num(if t.starts_with('-') || zero {
            t
        } else {
            format!("+{t}")
        })
    };
    let mut lines = Vec::new();
    if let Some(p) = &h.percentile {
        lines.push(l.pick(
            format!(
                "Higher than {}% of the other institutions in its category",
                l.num(exact::fixed(p, 1))
            ),
            format!(
                "Lebih tinggi dari {}% instansi lain dalam kategorinya",
                l.num(exact::fixed(p, 1))
            ),
        ));
    }
    lines.push(l.pick(
        format!(
            "Category median {}: {} from it",
            l.num(exact::fixed(&h.category_median, d)),
            signed(&h.to_median)
        ),
        format!(
            "Median kategori {}: selisih {}",
            l.num(exact::fixed(&h.category_median, d)),
            signed(&h.to_median)
        ),
    ));
    lines.push(match &h.next_band {
        Some(n) => l.pick(
            format!(
                "Next predicate {} from {}: {} to go",
                n.predicate,
                l.num(exact::exact_text(&n.threshold, d).0),
                l.num(exact::exact_text(&n.distance, 0).0)
            ),
            format!(
                "Predikat berikutnya {} mulai {}: kurang {}",
                n.predicate,
                l.num(exact::exact_text(&n.threshold, d).0),
                l.num(exact::exact_text(&n.distance, 0).0)
            ),
        ),
        None => l
            .pick(
                "Already in the top predicate",
                "Sudah pada predikat tertinggi",
            )
            .to_string(),
    });
    doc.lines(lines, Md::List);
    let header = [
        match table.kind {
            PartKind::Domains => l.pick("Domain", "Domain"),
            PartKind::Aspects => l.pick("Aspect", "Aspek"),
        },
        l.pick("Name", "Nama"),
        l.pick("Index", "Indeks"),
        l.pick("Category median", "Median kategori"),
        l.pick("Difference", "Selisih"),
    ];
    let rows = h
        .parts
        .iter()
        .map(|g| {
            vec![
                table.parts[g.part].id.clone(),
                table.parts[g.part].name.clone(),
                exact::fixed(&g.value, d),
                exact::fixed(&g.median, d),
                signed(&g.gap),
            ]
        })
        .collect();
    doc.gap().table(
        DocTable::new(
            l.pick(
                "Against its category, where it trails most first",
                "Dibanding kategorinya, yang paling tertinggal lebih dulu",
            ),
            &header,
            rows,
        )
        .numeric(&[2, 3, 4]),
    );
}

/// The CSV: one row per institution in rank order, exact values.
fn grid(c: &Comparison<'_>) -> Grid {
    let (model, table) = (c.model, c.table);
    let d = model.decimals;
    let mut header: Vec<&str> = vec![
        "rank",
        "category_rank",
        "category_size",
        "name",
        "category",
        "region",
        "year",
        "index",
        "index_rounded",
        "predicate",
    ];
    let ids: Vec<String> = table.parts.iter().map(|p| p.id.clone()).collect();
    header.extend(ids.iter().map(String::as_str));
    header.extend(["answers", "opds", "source"]);
    let rows = c
        .standings
        .iter()
        .map(|s| {
            let r = s.row();
            let mut cells = vec![
                s.rank.to_string(),
                s.category_rank.to_string(),
                s.category_size.to_string(),
                table.name(r).to_string(),
                table.category(r).unwrap_or("").to_string(),
                table.region(r).unwrap_or("").to_string(),
                table.year(r).map(|y| y.to_string()).unwrap_or_default(),
                table.index(r).exact_text(0).0,
                table.index(r).fixed(d),
                c.predicate(r).to_string(),
            ];
            cells.extend((0..table.parts.len()).map(|k| table.part(r, k).exact_text(0).0));
            let count = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
            cells.push(count(table.answers(r)));
            cells.push(count(table.opds(r)));
            cells.push(c.source(r));
            cells
        })
        .collect();
    let mut numeric = vec![7, 8];
    numeric.extend(10..10 + ids.len());
    Grid::new(&header, rows).numeric(&numeric)
}

/// Every institution's notices, named, in the language of the labels (for stderr).
pub fn institution_notices(c: &Comparison<'_>, l: &Labels) -> Vec<String> {
    // A national comparison gives thousands: the terminal gets the first ones, the JSON all.
    const SHOWN: usize = 20;
    let texts = |row: usize| {
        let mut t: Vec<String> = c.table.warnings(row).map(|n| notice(n, l)).collect();
        t.dedup();
        t
    };
    // What every institution is told (the model is not official, say) is said once.
    let mut everyone: Vec<String> = match c.standings.iter().next() {
        Some(first) if c.standings.len() > 1 => texts(first.row()),
        _ => Vec::new(),
    };
    for s in c.standings.iter().skip(1) {
        let mine = texts(s.row());
        everyone.retain(|t| mine.contains(t));
    }
    let mut lines: Vec<String> = everyone
        .iter()
        .map(|t| format!("{}: {t}", l.pick("every institution", "setiap instansi")))
        .collect();
    let (mut more, mut institutions) = (0usize, 0usize);
    for s in c.standings.iter() {
        let own: Vec<String> = texts(s.row())
            .into_iter()
            .filter(|t| !everyone.contains(t))
            .collect();
        institutions += usize::from(!own.is_empty() && lines.len() >= SHOWN);
        for t in own {
            if lines.len() < SHOWN {
                lines.push(format!("{}: {t}", c.table.name(s.row())));
            } else {
                more += 1;
            }
        }
    }
    if more > 0 {
        lines.push(l.pick(
            format!("… and {more} more notices of {institutions} institutions: the JSON output lists each institution's warnings"),
            format!("… dan {more} catatan lain dari {institutions} instansi: keluaran JSON memuat peringatan setiap instansi"),
        ));
    }
    lines
}

/// A value as a drawing coordinate (geometry only: every number a reader sees is exact text).
fn coordinate(v: Value<'_>) -> f64 {
    use num_traits::ToPrimitive;
    v.exact().to_f64().unwrap_or(0.0)
}

/// The distribution of the index per category as SVG: one row per category (and all of them),
/// the predicate bands shaded behind, a dot per institution, the median and the range; the
/// highlighted institution is marked and named.
fn distribution_svg(c: &Comparison<'_>, l: &Labels) -> String {
    use std::fmt::Write as _;

    let (model, table) = (c.model, c.table);
    let (lo, hi) = (model.min_level as f64, model.max_level as f64);
    let (width, left, right, top, row_h, axis_h) = (720.0, 175.0, 20.0, 20.0, 34.0, 24.0);
    let plot = width - left - right;
    let x = |v: f64| left + (v.clamp(lo, hi) - lo) / (hi - lo) * plot;
    let mut rows: Vec<(String, Vec<usize>, Exact)> = c
        .summary
        .categories
        .iter()
        .map(|cat| {
            let members = c
                .standings
                .iter()
                .map(|s| s.row())
                .filter(|&r| table.category(r) == cat.category.as_deref())
                .collect();
            (
                category_cell(cat.category.as_deref(), l),
                members,
                cat.stats.median.clone(),
            )
        })
        .collect();
    if rows.len() > 1 {
        rows.push((
            l.pick("All", "Semua").to_string(),
            c.standings.iter().map(|s| s.row()).collect(),
            c.summary.overall.median.clone(),
        ));
    }
    let height = top + rows.len() as f64 * row_h + axis_h;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart distribution\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">",
        escape(l.pick("Index per category", "Indeks per kategori"))
    );
    let bottom = top + rows.len() as f64 * row_h;
    for (i, p) in model.predicates.iter().enumerate() {
        let (a, b) = (
            x(coordinate(Value::Large(&p.min))),
            x(coordinate(Value::Large(&p.max))),
        );
        let _ = write!(
            svg,
            "<rect class=\"band{i}\" x=\"{a:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
            (b - a).max(0.0),
            bottom - top
        );
        if b - a > 40.0 {
            let _ = write!(
                svg,
                "<text class=\"band-name\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                (a + b) / 2.0,
                top - 6.0,
                escape(&p.name)
            );
        }
    }
    let marked = c.highlight.map(|h| h.standing.row());
    for (k, (label, members, median)) in rows.iter().enumerate() {
        let y = top + (k as f64 + 0.5) * row_h;
        for (n, line) in svg_wrap(label, 26, 2).iter().enumerate() {
            let _ = write!(
                svg,
                "<text class=\"row-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                left - 8.0,
                y + 3.5 + (n as f64 - 0.5 * (svg_wrap(label, 26, 2).len() as f64 - 1.0)) * 11.0,
                escape(line)
            );
        }
        let values: Vec<f64> = members
            .iter()
            .map(|&r| coordinate(table.index(r)))
            .collect();
        let (min, max) = values
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        let _ = write!(
            svg,
            "<line class=\"range\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>",
            x(min),
            x(max)
        );
        for (n, v) in values.iter().enumerate() {
            // Dots of equal indices are spread a little up and down, in rank order.
            let dy = ((n % 5) as f64 - 2.0) * 3.0;
            let _ = write!(
                svg,
                "<circle class=\"dot\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.6\"/>",
                x(*v),
                y + dy
            );
        }
        let m = x(coordinate(Value::Large(median)));
        let _ = write!(
            svg,
            "<line class=\"median\" x1=\"{m:.1}\" x2=\"{m:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            y - 11.0,
            y + 11.0
        );
        if let Some(r) = marked.filter(|r| members.contains(r)) {
            let v = x(coordinate(table.index(r)));
            let _ = write!(
                svg,
                "<circle class=\"dot mark\" cx=\"{v:.1}\" cy=\"{y:.1}\" r=\"5\"/><text class=\"mark-label\" x=\"{v:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{} {}</text>",
                y - 8.0,
                escape(table.name(r)),
                escape(&l.num(table.index(r).fixed(model.decimals)))
            );
        }
    }
    for level in model.min_level..=model.max_level {
        let v = x(level as f64);
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{v:.1}\" x2=\"{v:.1}\" y1=\"{top:.1}\" y2=\"{:.1}\"/><text class=\"tick\" x=\"{v:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{level}</text>",
            bottom + 3.0,
            bottom + 15.0
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A label cut into lines for the chart.
fn svg_wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    crate::output::report::svg::wrap(text, width, lines)
}
