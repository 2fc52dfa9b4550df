//! What `spbe compare` writes: the JSON record (`schema_version` 1), one object per institution
//! in rank order, written as it is built (a national file has thousands), the summary per
//! category and the highlighted institution.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::core::answers::InputFile;
use crate::core::compare::{Filter, Highlight, PartKind, Stats, Summary, Table, Value};
use crate::core::consolidate::Combine;
use crate::core::exact::{Decimal, Exact};
use crate::core::model::Model;
use crate::core::score::{PredicateBasis, predicate};
use crate::core::scorecard::{ModelInfo, Tool};
use crate::core::stage::Stage;

pub const SCHEMA_VERSION: u32 = 1;

/// Everything compared, ready to write.
pub struct Comparison<'a> {
    pub model: &'a Model,
    pub table: &'a Table,
    pub standings: &'a [crate::core::compare::Standing],
    pub summary: &'a Summary,
    pub highlight: Option<&'a Highlight>,
    pub combine: Combine,
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
        &predicate(self.model, &self.table.index(row).exact(), self.basis).name
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
    warnings: Vec<&'a str>,
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

#[derive(Serialize)]
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
    /// Every domain (or aspect), the one where it trails its category's median most first.
    parts: Vec<GapJson<'a>>,
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
                    let r = st.row;
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
                        warnings: table.warnings(r).collect(),
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
            let r = h.standing.row;
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
                parts: h
                    .parts
                    .iter()
                    .map(|g| GapJson {
                        id: &table.parts[g.part].id,
                        name: &table.parts[g.part].name,
                        index: dec(&g.value),
                        category_median: dec(&g.median),
                        gap: dec(&g.gap),
                    })
                    .collect(),
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
