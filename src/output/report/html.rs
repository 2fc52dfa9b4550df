//! The report as one self-contained HTML file: inline CSS and SVG, no script, no network; the
//! print stylesheet lays it out on A4.

use std::fmt::Write;

use num_traits::ToPrimitive;

use crate::core::exact::{self, Exact};
use crate::core::model::Model;
use crate::output::document::localize;
use crate::output::i18n::Lang;
use crate::output::report::svg::{self, Axis, Band, Bar, Series, escape};
use crate::output::report::{GapKind, Report};
use crate::output::views;

/// The page style of every HTML output (A4 print layout, tables, charts).
pub(crate) const CSS: &str = r#"
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; color: #1d2430; margin: 0 auto; max-width: 190mm; padding: 8mm 0; line-height: 1.35; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 2px solid #1f5f99; padding-bottom: 1mm; break-after: avoid; }
.meta { color: #4a5568; margin: 0; font-size: 9pt; }
.headline { display: flex; align-items: baseline; gap: 6mm; margin: 5mm 0 2mm; padding: 3mm 5mm; background: #eef4fa; border-left: 6px solid #1f5f99; }
.headline .index { font-size: 40pt; font-weight: bold; color: #1f5f99; }
.headline .predicate { font-size: 22pt; font-weight: bold; }
.headline .detail { color: #4a5568; font-size: 9pt; }
.gapline { font-weight: bold; margin: 1mm 0; }
.charts { display: grid; grid-template-columns: auto 1fr; gap: 2mm 5mm; align-items: center; }
.charts .wide { grid-column: 1 / -1; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-weight: bold; font-size: 9.5pt; margin-bottom: 1mm; }
svg.chart { max-width: 100%; height: auto; font-family: inherit; }
svg.radar { width: 86mm; }
svg.bars { width: 150mm; }
.chart .ring { fill: none; stroke: #cbd5e0; stroke-width: 0.8; }
.chart .spoke, .chart .grid { stroke: #cbd5e0; stroke-width: 0.8; }
.chart .tick { font-size: 9px; fill: #718096; }
.chart .series { stroke-width: 2; }
.chart .series.current { fill: rgba(31,95,153,0.25); stroke: #1f5f99; }
.chart .series.after { fill: none; stroke: #2f855a; stroke-dasharray: 2 3; }
.chart .series.target { fill: none; stroke: #c05621; stroke-dasharray: 6 4; }
.chart .axis { font-size: 11px; }
.chart .axis-id { font-weight: bold; }
.chart .band0 { fill: #fbd5d5; } .chart .band1 { fill: #feebc8; } .chart .band2 { fill: #fefcbf; }
.chart .band3 { fill: #c6f6d5; } .chart .band4 { fill: #9ae6b4; } .chart .band5 { fill: #bee3f8; }
.chart .band-name { font-size: 10px; fill: #4a5568; }
.chart .bar { fill: #1f5f99; }
.chart .bar-value { font-size: 11px; font-weight: bold; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.chart .bar-label { font-size: 10px; }
.chart .bar-id { font-weight: bold; }
.chart .target { stroke: #c05621; stroke-width: 2; stroke-dasharray: 6 4; }
.chart .target-label { font-size: 10px; fill: #c05621; font-weight: bold; }
.legend { font-size: 8.5pt; margin: 0; padding: 0; list-style: none; }
.legend li { padding-left: 9mm; text-indent: -9mm; }
.legend b { display: inline-block; min-width: 9mm; text-indent: 0; }
.key { font-size: 8.5pt; margin: 1mm 0; }
.key span { display: inline-block; width: 10mm; height: 0; margin: 0 1.5mm 0.8mm 3mm; border-top: 3px solid; vertical-align: middle; }
.key .current { border-color: #1f5f99; } .key .after { border-top-style: dotted; border-color: #2f855a; } .key .target { border-top-style: dashed; border-color: #c05621; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 1mm 0 2mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid #cbd5e0; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #e2e8f0; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.small { font-size: 7.5pt; color: #4a5568; word-break: break-word; }
tr.domain td { font-weight: bold; background: #f7fafc; }
.note { font-size: 9pt; color: #4a5568; }
.warnings { color: #9c4221; }
footer { margin-top: 6mm; font-size: 7.5pt; color: #718096; word-break: break-all; }
@media print { body { padding: 0; max-width: none; } h2 { margin-top: 5mm; } }
"#;

/// A table from header cells and rows; `numeric` columns are right-aligned, `small` ones small.
fn table(
    lang: Lang,
    out: &mut String,
    header: &[&str],
    rows: &[Vec<String>],
    numeric: &[usize],
    small: &[usize],
) {
    out.push_str("<table><thead><tr>");
    for (i, h) in header.iter().enumerate() {
        let class = if numeric.contains(&i) {
            r#" class="num""#
        } else {
            ""
        };
        let _ = write!(out, "<th{class}>{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if numeric.contains(&i) {
                r#" class="num""#
            } else if small.contains(&i) {
                r#" class="small""#
            } else {
                ""
            };
            let c = if numeric.contains(&i) {
                localize(c, lang)
            } else {
                c.into()
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(&c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

fn f(x: &Exact) -> f64 {
    x.to_f64().unwrap_or(0.0)
}

/// The whole report as HTML.
pub fn render(report: &Report, model: &Model) -> String {
    let l = report.labels();
    let card = &report.card;
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"{} {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        report.lang.code(),
        card.tool.name,
        card.tool.version,
        escape(&report.title)
    );
    let _ = writeln!(o, "<header>\n<h1>{}</h1>", escape(&report.title));
    let _ = writeln!(
        o,
        "<p class=\"meta\">{}</p>\n<p class=\"meta\">{}: {} · {}</p>\n</header>",
        escape(&report.model_line()),
        escape(l.data_date),
        escape(&report.date_text()),
        escape(&report.inputs_line())
    );
    let _ = writeln!(
        o,
        "<section class=\"headline\"><span class=\"label\">{}</span><span class=\"index\">{}</span><span class=\"predicate\">{}</span><span class=\"detail\">{}</span></section>",
        escape(l.index),
        escape(&report.index_text()),
        escape(&card.predicate),
        escape(&report.exact_line())
    );
    if let Some(line) = report.gap_line() {
        let _ = writeln!(o, "<p class=\"gapline\">{}</p>", escape(&line));
    }
    if !report.notices.is_empty() {
        o.push_str("<ul class=\"warnings\">");
        for w in &report.notices {
            let _ = write!(o, "<li>{}</li>", escape(w));
        }
        o.push_str("</ul>\n");
    }

    // Charts.
    o.push_str("<section class=\"charts\">\n");
    if card.aspects.len() >= 3 {
        let axes: Vec<Axis> = card
            .aspects
            .iter()
            .map(|a| Axis {
                label: a.id.clone(),
                value: l.num(a.index_rounded.as_str()),
            })
            .collect();
        let mut series = vec![Series {
            name: l.current,
            values: report.aspect_index.iter().map(f).collect(),
            class: "current",
        }];
        let after = report.aspects_after(model);
        if let Some(after) = &after {
            series.push(Series {
                name: l.after_roadmap,
                values: after.iter().map(f).collect(),
                class: "after",
            });
        }
        if let Some(g) = &report.gap {
            series.push(Series {
                name: l.target,
                values: vec![f(&g.target); card.aspects.len()],
                class: "target",
            });
        }
        let _ = writeln!(
            o,
            "<figure><figcaption>{}</figcaption>{}",
            escape(l.radar_title),
            svg::radar(l.radar_title, &axes, &series, report.max_level)
        );
        let _ = write!(
            o,
            "<p class=\"key\"><span class=\"current\"></span>{}",
            escape(l.current)
        );
        if after.is_some() {
            let _ = write!(
                o,
                "<span class=\"after\"></span>{}",
                escape(l.after_roadmap)
            );
        }
        if report.gap.is_some() {
            let _ = write!(o, "<span class=\"target\"></span>{}", escape(l.target));
        }
        o.push_str("</p></figure>\n<ul class=\"legend\">");
        for a in &card.aspects {
            let _ = write!(o, "<li><b>{}</b>{}</li>", escape(&a.id), escape(&a.name));
        }
        o.push_str("</ul>\n");
    }
    let (bars, bars_title): (Vec<Bar>, &str) = if card.domains.is_empty() {
        (
            card.aspects
                .iter()
                .zip(&report.aspect_index)
                .map(|(a, v)| Bar {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    value: f(v),
                    value_text: l.num(a.index_rounded.as_str()),
                })
                .collect(),
            l.radar_title,
        )
    } else {
        (
            card.domains
                .iter()
                .zip(&report.domain_index)
                .map(|(d, v)| Bar {
                    id: d.id.clone(),
                    name: d.name.clone(),
                    value: f(v),
                    value_text: l.num(d.index_rounded.as_str()),
                })
                .collect(),
            l.bars_title,
        )
    };
    let bands: Vec<Band> = report
        .bands
        .iter()
        .map(|(name, lo, hi)| Band {
            name: name.clone(),
            min: f(lo),
            max: f(hi),
        })
        .collect();
    let target = report.gap.as_ref().map(|g| {
        (
            f(&g.target),
            format!(
                "{} {}",
                l.target,
                exact::exact_text(&g.target, report.decimals).0
            ),
        )
    });
    let _ = writeln!(
        o,
        "<figure class=\"wide\"><figcaption>{}</figcaption>{}</figure>\n</section>",
        escape(bars_title),
        svg::bars(bars_title, &bars, &bands, report.max_level, target)
    );

    // Domains and aspects, with the gap when there is a target.
    if let Some(g) = &report.gap {
        let _ = writeln!(o, "<h2>{}</h2>", escape(l.gap));
        o.push_str("<table><thead><tr>");
        for (h, num) in [
            (l.id, false),
            (l.name, false),
            (l.index, true),
            (l.target, true),
            (l.gap, true),
            (l.points_available, true),
        ] {
            let class = if num { r#" class="num""# } else { "" };
            let _ = write!(o, "<th{class}>{}</th>", escape(h));
        }
        o.push_str("</tr></thead><tbody>\n");
        for r in &g.rows {
            let class = if r.kind == GapKind::Domain {
                r#" class="domain""#
            } else {
                ""
            };
            let _ = writeln!(
                o,
                "<tr{class}><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&r.id),
                escape(&r.name),
                report.fixed(&r.index),
                report.fixed(&g.target),
                r.gap.as_ref().map(|x| report.fixed(x)).unwrap_or_default(),
                report.points(&r.points_available)
            );
        }
        o.push_str("</tbody></table>\n");
        let _ = writeln!(o, "<h2>{}</h2>", escape(l.roadmap));
        for note in report.roadmap_notes() {
            let _ = writeln!(o, "<p class=\"note\">{}</p>", escape(&note));
        }
        if let Some((header, rows)) = report.plan_by_year() {
            table(report.lang, &mut o, &header, &rows, &[0, 1, 2, 3], &[]);
        }
        let header = report.roadmap_header();
        let numeric = report.roadmap_numeric();
        for (title, rows) in report.roadmap_sections() {
            if let Some(title) = title {
                let _ = writeln!(o, "<h3>{}</h3>", escape(&title));
            }
            if !rows.is_empty() {
                table(report.lang, &mut o, &header, &rows, &numeric, &[]);
            }
        }
    } else {
        let _ = writeln!(
            o,
            "<h2>{} &amp; {}</h2>",
            escape(l.domains),
            escape(l.aspects)
        );
        let rows: Vec<Vec<String>> = card
            .domains
            .iter()
            .map(views::domain_row)
            .chain(card.aspects.iter().map(|a| views::aspect_row(a, false)))
            .collect();
        table(
            report.lang,
            &mut o,
            &[l.id, l.name, l.weight_pct, l.index],
            &rows,
            &[2, 3],
            &[],
        );
    }

    // Indicators.
    let _ = writeln!(o, "<h2>{}</h2>", escape(l.indicators));
    // Each table's rows are dropped once written: a dense sheet's are megabytes.
    table(
        report.lang,
        &mut o,
        &super::indicator_header(l),
        &super::indicator_rows(report, card),
        &[2, 4, 5],
        &[7],
    );

    // OPD.
    let _ = writeln!(o, "<h2>{}</h2>", escape(l.opd_title));
    table(
        report.lang,
        &mut o,
        &[l.opd, l.answered, l.indicators, l.disagreements],
        &super::opd_rows(report),
        &[1],
        &[],
    );
    let _ = writeln!(o, "<h2>{}</h2>", escape(l.disagreement_title));
    if report.disagreements.is_empty() {
        let _ = writeln!(o, "<p class=\"note\">{}</p>", escape(l.none));
    } else {
        table(
            report.lang,
            &mut o,
            &[l.id, l.indicator, l.levels_given, l.used],
            &super::disagreement_rows(report, card),
            &[3],
            &[],
        );
    }

    // Receipt.
    let view = crate::output::views::scorecard_view(model, card, l);
    o.push_str("<footer>");
    for line in &view.receipt {
        let _ = write!(o, "{}<br>", escape(line.trim_start()));
    }
    o.push_str("</footer>\n</body>\n</html>\n");
    o
}
