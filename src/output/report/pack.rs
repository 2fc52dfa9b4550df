//! The pack for one OPD (`spbe report --opd NAME`): the letter the Diskominfo sends it. The
//! indicators it answers or owns (its answer against the institution's level), where it
//! disagrees with other OPD, and the roadmap steps that fall to it, each with what the level
//! requires and the evidence to prepare. Built from `spbe opd`'s analysis; written as Markdown,
//! HTML or an XLSX workbook from one list of sections.

use std::fmt::Write;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::core::model::Model;
use crate::core::opd::{OpdReport, OpdRow, Step};
use crate::output::destination::neutralize;
use crate::output::i18n::Lang;

/// One part of the pack: a title, sentences, a table and, for the roadmap, one entry per step.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: String,
    pub lines: Vec<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub steps: Vec<StepDetail>,
}

/// A roadmap step in full: which level, what it requires, the evidence.
#[derive(Debug, Clone)]
pub struct StepDetail {
    pub title: String,
    pub criteria: Option<String>,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Pack {
    pub title: String,
    pub opd: String,
    pub sections: Vec<Section>,
}

/// The row of `name` (spaces and case ignored), if any OPD is called so.
pub fn find<'a>(report: &'a OpdReport, name: &str) -> Option<&'a OpdRow> {
    let key = |s: &str| crate::core::owners::opd_key(s).to_lowercase();
    report.opds.iter().find(|r| key(&r.opd) == key(name))
}

/// The pack of one OPD.
pub fn build(model: &Model, report: &OpdReport, row: &OpdRow, title: &str, lang: Lang) -> Pack {
    let l = lang.labels();
    let en = lang == Lang::En;
    let pick = |e: &str, i: &str| if en { e.to_string() } else { i.to_string() };
    let name = |id: &str| {
        model
            .find_indicator(id)
            .map(|k| model.indicators[k].name.clone())
            .unwrap_or_default()
    };
    let mut sections = Vec::new();

    let mut summary = Section {
        title: pick("Summary", "Ringkasan"),
        ..Section::default()
    };
    summary
        .lines
        .push(format!("{}: {} ({})", l.model, model.name, model.id));
    summary.lines.push(format!(
        "{}: {} ({})",
        pick("Institution's index", "Indeks instansi"),
        l.num(report.index_rounded.as_str()),
        report.predicate
    ));
    summary.lines.push(format!(
        "{}: {} {}, {} {}",
        pick("Indicators", "Indikator"),
        row.answered.len(),
        pick("answered", "dijawab"),
        row.owns.len(),
        pick("owned", "dimiliki"),
    ));
    if let Some(ix) = &row.index_renormalised_rounded {
        summary.lines.push(format!(
            "{}: {}",
            pick(
                "Its own index (renormalised over its indicators, not comparable with the institution's)",
                "Indeks OPD sendiri (dinormalkan atas indikatornya, tidak sebanding dengan indeks instansi)"
            ),
            l.num(ix.as_str())
        ));
    }
    summary.lines.push(format!(
        "{}: {}",
        pick(
            "Index points to gain on its indicators",
            "Poin indeks yang dapat ditambah pada indikatornya"
        ),
        l.num(row.points_to_gain.as_str())
    ));
    sections.push(summary);

    let yes = pick("yes", "ya");
    sections.push(Section {
        title: pick(
            "Indicators it answers or owns",
            "Indikator yang dijawab atau dimiliki",
        ),
        header: vec![
            l.id.to_string(),
            l.indicator.to_string(),
            pick("Its answer", "Jawabannya"),
            pick("Institution's level", "Tingkat instansi"),
            pick("Owner", "Pemilik"),
            pick("Points to gain", "Poin dapat ditambah"),
        ],
        rows: row
            .indicators
            .iter()
            .map(|i| {
                vec![
                    i.id().to_string(),
                    name(i.id()),
                    i.answer
                        .map(|a| a.to_string())
                        .unwrap_or_else(|| "-".into()),
                    l.num(i.facts.institution_level.as_str()),
                    if i.owner { yes.clone() } else { "-".into() },
                    l.num(i.facts.points_to_gain.as_str()),
                ]
            })
            .collect(),
        ..Section::default()
    });

    let key = crate::core::owners::opd_key(&row.opd);
    let mine: Vec<_> = report
        .disagreements
        .iter()
        .filter(|d| {
            d.answers
                .iter()
                .any(|a| crate::core::owners::opd_key(&a.opd) == key)
        })
        .collect();
    sections.push(Section {
        title: pick(
            "Where it disagrees with other OPD",
            "Perbedaan jawaban dengan OPD lain",
        ),
        lines: if mine.is_empty() {
            vec![pick(
                "No other OPD gave a different level on its indicators.",
                "Tidak ada OPD lain yang memberi tingkat berbeda pada indikatornya.",
            )]
        } else {
            Vec::new()
        },
        header: if mine.is_empty() {
            Vec::new()
        } else {
            vec![
                l.id.to_string(),
                l.indicator.to_string(),
                pick("Its answer", "Jawabannya"),
                pick("Other OPD", "OPD lain"),
                pick("Institution's level", "Tingkat instansi"),
            ]
        },
        rows: mine
            .iter()
            .map(|d| {
                let (its, others): (Vec<_>, Vec<_>) = d
                    .answers
                    .iter()
                    .partition(|a| crate::core::owners::opd_key(&a.opd) == key);
                vec![
                    d.id.clone(),
                    d.name.clone(),
                    its.iter()
                        .map(|a| a.level.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    others
                        .iter()
                        .map(|a| format!("{} {}", a.opd, a.level))
                        .collect::<Vec<_>>()
                        .join(", "),
                    l.num(d.level.as_str()),
                ]
            })
            .collect(),
        ..Section::default()
    });

    let mut roadmap = Section {
        title: pick(
            "Roadmap steps that fall to it",
            "Langkah peta jalan yang menjadi tugasnya",
        ),
        ..Section::default()
    };
    match &row.roadmap {
        None => roadmap.lines.push(pick(
            "No target was given (--target or --target-path): no roadmap.",
            "Tidak ada target (--target atau --target-path): tidak ada peta jalan.",
        )),
        Some(steps) if steps.is_empty() => roadmap.lines.push(pick(
            "No step of the roadmap falls to this OPD.",
            "Tidak ada langkah peta jalan untuk OPD ini.",
        )),
        Some(steps) => {
            roadmap.lines.push(pick(
                "Each step raises one indicator by one level; the level's criteria include those of the levels below.",
                "Setiap langkah menaikkan satu indikator satu tingkat; kriteria suatu level mencakup kriteria level di bawahnya.",
            ));
            roadmap.steps = steps
                .iter()
                .map(|s| detail(s, &name(&s.indicator), lang))
                .collect();
        }
    }
    sections.push(roadmap);

    Pack {
        title: format!("{title}: {}", row.opd),
        opd: row.opd.clone(),
        sections,
    }
}

fn detail(s: &Step, name: &str, lang: Lang) -> StepDetail {
    let year = s.year.map(|y| format!(" ({y})")).unwrap_or_default();
    let criteria = match (&s.criteria_en, lang) {
        (Some(en), Lang::En) => Some(en.clone()),
        _ => s.criteria.clone(),
    };
    StepDetail {
        title: format!("{} {name}: {} → {}{year}", s.indicator, s.from, s.to),
        criteria,
        evidence: s.evidence.clone(),
    }
}

fn labels(lang: Lang) -> (&'static str, &'static str, &'static str) {
    match lang {
        Lang::En => (
            "What the level requires",
            "Evidence to prepare",
            "The model gives no criteria for this level.",
        ),
        Lang::Id => (
            "Yang dituntut level",
            "Data dukung yang disiapkan",
            "Model belum memuat kriteria untuk level ini.",
        ),
    }
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The pack as Markdown.
pub fn markdown(pack: &Pack, lang: Lang) -> String {
    let (req, ev, none) = labels(lang);
    let mut o = format!("# {}\n", md_cell(&pack.title));
    for s in &pack.sections {
        let _ = writeln!(o, "\n## {}\n", md_cell(&s.title));
        for line in &s.lines {
            let _ = writeln!(o, "{}  ", md_cell(line));
        }
        if !s.header.is_empty() && !s.rows.is_empty() {
            if !s.lines.is_empty() {
                o.push('\n');
            }
            let rows: Vec<Vec<String>> = s
                .rows
                .iter()
                .map(|r| r.iter().map(|c| md_cell(c)).collect())
                .collect();
            o.push_str(&crate::output::markdown::table(&s.header, &rows, &[]));
        }
        for d in &s.steps {
            let _ = writeln!(o, "\n### {}\n", md_cell(&d.title));
            match &d.criteria {
                Some(c) => {
                    let _ = writeln!(o, "**{req}:** {}\n", md_cell(c));
                }
                None => {
                    let _ = writeln!(o, "{none}\n");
                }
            }
            if !d.evidence.is_empty() {
                let _ = writeln!(o, "**{ev}:**\n");
                for e in &d.evidence {
                    let _ = writeln!(o, "- {}", md_cell(e));
                }
            }
        }
    }
    o
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The pack as one self-contained HTML file.
pub fn html(pack: &Pack, lang: Lang) -> String {
    let (req, ev, none) = labels(lang);
    let code = if lang == Lang::En { "en" } else { "id" };
    let mut o = format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\"><title>{0}</title>\n<style>body{{font-family:sans-serif;max-width:190mm;margin:auto;padding:8mm;font-size:10pt}}table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #cbd5e0;padding:1mm 1.5mm;text-align:left;vertical-align:top}}th{{background:#e2e8f0}}h3{{margin-bottom:1mm}}</style></head><body>\n<h1>{0}</h1>\n",
        esc(&pack.title)
    );
    for s in &pack.sections {
        let _ = writeln!(o, "<h2>{}</h2>", esc(&s.title));
        for line in &s.lines {
            let _ = writeln!(o, "<p>{}</p>", esc(line));
        }
        if !s.header.is_empty() && !s.rows.is_empty() {
            o.push_str("<table><thead><tr>");
            for h in &s.header {
                let _ = write!(o, "<th>{}</th>", esc(h));
            }
            o.push_str("</tr></thead><tbody>\n");
            for r in &s.rows {
                o.push_str("<tr>");
                for c in r {
                    let _ = write!(o, "<td>{}</td>", esc(c));
                }
                o.push_str("</tr>\n");
            }
            o.push_str("</tbody></table>\n");
        }
        for d in &s.steps {
            let _ = writeln!(o, "<h3>{}</h3>", esc(&d.title));
            match &d.criteria {
                Some(c) => {
                    let _ = writeln!(o, "<p><strong>{}:</strong> {}</p>", esc(req), esc(c));
                }
                None => {
                    let _ = writeln!(o, "<p>{}</p>", esc(none));
                }
            }
            if !d.evidence.is_empty() {
                let _ = writeln!(o, "<p><strong>{}:</strong></p><ul>", esc(ev));
                for e in &d.evidence {
                    let _ = writeln!(o, "<li>{}</li>", esc(e));
                }
                o.push_str("</ul>\n");
            }
        }
    }
    o.push_str("</body></html>\n");
    o
}

/// The pack as an XLSX workbook: one sheet, the sections one under another; the roadmap steps
/// one row each with the criteria and the evidence.
pub fn xlsx(pack: &Pack, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let (req, ev, none) = labels(lang);
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let ws = wb.add_worksheet();
    ws.set_name("OPD")?;
    // A cell that would start a formula is neutralised; the lone `-` of an empty cell is not.
    let put = |s: &str| {
        if s == "-" {
            s.to_string()
        } else {
            neutralize(s).into_owned()
        }
    };
    let mut r = 0u32;
    ws.write_string_with_format(r, 0, put(&pack.title), &bold)?;
    r += 2;
    for s in &pack.sections {
        ws.write_string_with_format(r, 0, put(&s.title), &bold)?;
        r += 1;
        for line in &s.lines {
            ws.write_string(r, 0, put(line))?;
            r += 1;
        }
        if !s.header.is_empty() && !s.rows.is_empty() {
            for (c, h) in s.header.iter().enumerate() {
                ws.write_string_with_format(r, c as u16, put(h), &bold)?;
            }
            r += 1;
            for row in &s.rows {
                for (c, v) in row.iter().enumerate() {
                    ws.write_string(r, c as u16, put(v))?;
                }
                r += 1;
            }
        }
        if !s.steps.is_empty() {
            let step = if lang == Lang::En { "Step" } else { "Langkah" };
            for (c, h) in [step, req, ev].iter().enumerate() {
                ws.write_string_with_format(r, c as u16, *h, &bold)?;
            }
            r += 1;
            for d in &s.steps {
                ws.write_string(r, 0, put(&d.title))?;
                ws.write_string_with_format(
                    r,
                    1,
                    put(d.criteria.as_deref().unwrap_or(none)),
                    &wrap,
                )?;
                ws.write_string_with_format(r, 2, put(&d.evidence.join("\n")), &wrap)?;
                r += 1;
            }
        }
        r += 1;
    }
    ws.set_column_width(0, 40)?;
    ws.set_column_width(1, 60)?;
    ws.set_column_width(2, 60)?;
    wb.save_to_buffer()
}
