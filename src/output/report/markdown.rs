//! The report as Markdown: the same content as the HTML report, as tables (the charts' numbers
//! are the domain and aspect rows), for a wiki page or a CI job summary.

use std::fmt::Write;

use crate::core::model::Model;
use crate::output::document::localize;
use crate::output::report::Report;
use crate::output::views;

use crate::output::escape;
use crate::output::markdown::cell;

/// A Markdown table whose numeric columns are written in the report's language. Takes the rows:
/// a dense sheet's OPD and disagreement tables are megabytes, localised in place, not copied.
fn table<S: AsRef<str>>(
    lang: crate::output::i18n::Lang,
    header: &[S],
    rows: Vec<Vec<String>>,
    numeric: &[usize],
) -> String {
    table_bold(lang, header, rows, numeric, |_, _| false)
}

/// [`table`], with the cells for which `bold(row, column)` holds in bold.
fn table_bold<S: AsRef<str>>(
    lang: crate::output::i18n::Lang,
    header: &[S],
    mut rows: Vec<Vec<String>>,
    numeric: &[usize],
    bold: impl Fn(usize, usize) -> bool,
) -> String {
    for r in &mut rows {
        for (i, c) in r.iter_mut().enumerate() {
            if numeric.contains(&i) {
                let local = match localize(c, lang) {
                    std::borrow::Cow::Owned(text) => Some(text),
                    std::borrow::Cow::Borrowed(_) => None,
                };
                if let Some(text) = local {
                    *c = text;
                }
            }
        }
    }
    crate::output::markdown::table_bold(header, &rows, numeric, bold)
}

/// The whole report as Markdown.
pub fn render(report: &Report, model: &Model) -> String {
    let l = report.labels();
    let card = &report.card;
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", cell(&report.title));
    let _ = writeln!(o, "- {}", escape::markdown_line(&report.model_line()));
    let _ = writeln!(o, "- {}: {}", l.data_date, cell(&report.date_text()));
    let _ = writeln!(o, "- {}", escape::markdown_line(&report.inputs_line()));
    let _ = writeln!(
        o,
        "\n**{}: {} {}** ({})",
        l.index,
        report.index_text(),
        cell(&card.predicate),
        cell(&report.exact_line())
    );
    if let Some(line) = report.gap_line() {
        let _ = writeln!(o, "\n**{}**", cell(&line));
    }
    for w in &report.notices {
        let _ = writeln!(o, "\n> {}", cell(w));
    }

    let mut rows: Vec<Vec<String>> = card
        .domains
        .iter()
        .map(|d| {
            vec![
                d.id.clone(),
                d.name.clone(),
                d.weight.to_string(),
                d.index_rounded.to_string(),
            ]
        })
        .chain(card.aspects.iter().map(|a| views::aspect_row(a, false)))
        .collect();
    let gap = report.gap.as_ref();
    if let Some(g) = gap {
        // The gap rows are the domains then the aspects (see `gap_rows`), as the rows above.
        debug_assert_eq!(g.rows.len(), rows.len());
        for (r, row) in rows.iter_mut().zip(&g.rows) {
            r.push(
                row.gap
                    .as_ref()
                    .map(|x| report.fixed(x))
                    .unwrap_or_default(),
            );
            r.push(report.points(&row.points_available));
        }
    }
    let mut header = vec![l.id, l.name, l.weight_pct, l.index];
    let mut numeric = vec![2, 3];
    if gap.is_some() {
        header.extend([l.gap, l.points_available]);
        numeric.extend([4, 5]);
    }
    if card.domains.is_empty() {
        let _ = writeln!(o, "\n## {}\n", l.aspects);
    } else {
        let _ = writeln!(o, "\n## {} & {}\n", l.domains, l.aspects);
    }
    let domains = card.domains.len();
    o.push_str(&table_bold(report.lang, &header, rows, &numeric, |r, c| {
        r < domains && c < 2
    }));

    if gap.is_some() {
        let _ = writeln!(o, "\n## {}\n", l.roadmap);
        for note in report.roadmap_notes() {
            let _ = writeln!(o, "{}\n", escape::markdown_line(&note));
        }
        if let Some((header, rows)) = report.plan_by_year() {
            o.push_str(&table(report.lang, &header, rows, &[0, 1, 2, 3]));
        }
        let header = report.roadmap_header();
        let numeric = report.roadmap_numeric();
        for (title, rows) in report.roadmap_sections() {
            if let Some(title) = title {
                let _ = writeln!(o, "\n### {}\n", cell(&title));
            }
            if !rows.is_empty() {
                o.push_str(&table(report.lang, &header, rows, &numeric));
            }
        }
    }

    let _ = writeln!(o, "\n## {}\n", l.indicators);
    o.push_str(&table(
        report.lang,
        &super::indicator_header(l),
        super::indicator_rows(report, card),
        &[2, 4, 5],
    ));

    let _ = writeln!(o, "\n## {}\n", l.opd_title);
    o.push_str(&table(
        report.lang,
        &[l.opd, l.answered, l.indicators, l.disagreements],
        super::opd_rows(report),
        &[1],
    ));

    let _ = writeln!(o, "\n## {}\n", l.disagreement_title);
    if report.disagreements.is_empty() {
        let _ = writeln!(o, "{}", l.none);
    } else {
        o.push_str(&table(
            report.lang,
            &[l.id, l.indicator, l.levels_given, l.used],
            super::disagreement_rows(report, card),
            &[3],
        ));
    }

    o.push('\n');
    for line in &crate::output::views::scorecard_view(model, card, l).receipt {
        let _ = writeln!(o, "{}  ", escape::markdown_line(line.trim_start()));
    }
    o
}
