//! The report as an Excel workbook (rust_xlsxwriter): Summary (Ringkasan), Indicators
//! (Indikator), Gap, Roadmap and OPD sheets. Numbers are number cells with 2-decimal formats
//! (the rounded index people quote, plus the exact value beside it); list sheets have a frozen
//! header row and an autofilter; every text cell is neutralized against formula injection.

use std::collections::{HashMap, HashSet};

use rust_xlsxwriter::{
    Chart, ChartAxisCrossing, ChartType, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use crate::core::exact::Exact;
use crate::core::scorecard::OpdLevel;
use crate::output::destination::neutralize;
use crate::output::i18n::Lang;
use crate::output::report::{GapKind, Report};

/// Sheet names in the report's language.
pub fn sheet_names(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::Id => ["Ringkasan", "Indikator", "Gap", "Roadmap", "OPD"],
        Lang::En => ["Summary", "Indicators", "Gap", "Roadmap", "OPD"],
    }
}

/// A number cell's value: the exact decimal text parsed to the nearest double. The cell's
/// format shows it rounded; the rounded value itself is written where people quote it.
fn num(text: &str) -> f64 {
    text.parse().unwrap_or(0.0)
}

fn exact_num(x: &Exact) -> f64 {
    num(&crate::core::exact::exact_text(x, 0).0)
}

/// An index as people quote it: rounded half up from the exact value, so the cell shows the
/// published digits in any spreadsheet (never a double's own rounding of 4.765).
fn rounded(report: &Report, x: &Exact) -> f64 {
    num(&report.fixed(x))
}

struct Formats {
    bold: Format,
    title: Format,
    header: Format,
    two: Format,
    four: Format,
    int: Format,
    wrap: Format,
}

fn formats() -> Formats {
    Formats {
        bold: Format::new().set_bold(),
        title: Format::new().set_bold().set_font_size(16),
        header: Format::new()
            .set_bold()
            .set_background_color("#E2E8F0")
            .set_text_wrap()
            .set_align(FormatAlign::Top),
        two: Format::new().set_num_format("0.00"),
        four: Format::new().set_num_format("0.0000"),
        int: Format::new().set_num_format("0"),
        wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
    }
}

fn text(ws: &mut Worksheet, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
    let s = cut_to_fit(ws, row, col, s);
    ws.write_string(row, col, s.as_ref())?;
    Ok(())
}

fn text_fmt(ws: &mut Worksheet, row: u32, col: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
    let s = cut_to_fit(ws, row, col, s);
    ws.write_string_with_format(row, col, s.as_ref(), f)?;
    Ok(())
}

/// Excel's limit on the characters of one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

thread_local! {
    /// The cells [`cut_to_fit`] cut while the workbook was built, as warnings.
    static CUT: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The warnings about cells cut to Excel's limit while the last workbook was built.
pub fn cut_cells() -> Vec<String> {
    CUT.with(|c| std::mem::take(&mut *c.borrow_mut()))
}

/// `s` neutralized, cut to Excel's limit if longer, with a mark saying so and a warning that
/// names the sheet and cell (the list of OPD behind one indicator of a large evaluation, or
/// notes that add up, can pass the limit; the HTML and Markdown reports keep it whole).
fn cut_to_fit<'s>(ws: &Worksheet, row: u32, col: u16, s: &'s str) -> std::borrow::Cow<'s, str> {
    let s = neutralize(s);
    let n = s.chars().count();
    if n <= MAX_CELL_CHARS {
        return s;
    }
    let cell = rust_xlsxwriter::utility::row_col_to_cell(row, col);
    CUT.with(|c| {
        c.borrow_mut().push(format!(
            "the XLSX report's sheet {:?}, cell {cell} would hold {n} characters and an Excel cell holds at most {MAX_CELL_CHARS}: it is cut there, marked with …; the HTML and Markdown reports have it whole",
            ws.name()
        ))
    });
    let mark = format!(" … [{n} characters, cut to Excel's limit]");
    let keep = MAX_CELL_CHARS - mark.chars().count();
    let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
    std::borrow::Cow::Owned(format!("{}{mark}", &s[..end]))
}

/// `s` neutralized, or the error that names the sheet and cell it would not fit in (Excel holds
/// at most [`MAX_CELL_CHARS`] characters in a cell).
pub fn fits<'s>(
    ws: &Worksheet,
    row: u32,
    col: u16,
    s: &'s str,
) -> Result<std::borrow::Cow<'s, str>, XlsxError> {
    let s = neutralize(s);
    let n = s.chars().count();
    if n > MAX_CELL_CHARS {
        let cell = rust_xlsxwriter::utility::row_col_to_cell(row, col);
        return Err(XlsxError::CustomError(format!(
            "sheet {:?}, cell {cell}: the text is {n} characters and an Excel cell holds at most {MAX_CELL_CHARS}; shorten it",
            ws.name()
        )));
    }
    Ok(s)
}

/// Texts `OPD: text` grouped by their OPD (one of `opds`), joined with `; ` in order.
fn by_opd<'t>(texts: &'t [String], opds: &HashSet<&'t str>) -> HashMap<&'t str, String> {
    let mut out: HashMap<&str, String> = HashMap::new();
    for t in texts {
        // The OPD is the longest prefix before a `: ` that names one (a name may hold `: `).
        let found = t
            .rmatch_indices(": ")
            .map(|(at, _)| (&t[..at], &t[at + 2..]))
            .find(|(opd, _)| opds.contains(opd));
        if let Some((opd, text)) = found {
            let joined = out.entry(opd).or_default();
            if !joined.is_empty() {
                joined.push_str("; ");
            }
            joined.push_str(text);
        }
    }
    out
}

/// Header row, frozen, with an autofilter over `rows` data rows.
fn list_header(
    ws: &mut Worksheet,
    header: &[&str],
    rows: u32,
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, h) in header.iter().enumerate() {
        text_fmt(ws, 0, c as u16, h, &f.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows.max(1), header.len() as u16 - 1)?;
    Ok(())
}

/// Columns fitted to their contents (long text capped), printed landscape on A4, one page wide.
fn fit(ws: &mut Worksheet) {
    ws.set_autofit_max_width(420);
    ws.autofit();
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
}

/// The workbook as bytes.
/// Cells longer than Excel allows are cut ([`cut_cells`] says which).
pub fn render(report: &Report) -> Result<Vec<u8>, XlsxError> {
    cut_cells();
    let l = report.labels();
    let card = &report.card;
    let f = formats();
    let names = sheet_names(report.lang);
    let mut wb = Workbook::new();

    // Summary.
    {
        let ws = wb.add_worksheet();
        ws.set_name(names[0])?;
        text_fmt(ws, 0, 0, &report.title, &f.title)?;
        let mut r = 2u32;
        let mut kv = |ws: &mut Worksheet, k: &str, v: &str| -> Result<(), XlsxError> {
            text_fmt(ws, r, 0, k, &f.bold)?;
            text(ws, r, 1, v)?;
            r += 1;
            Ok(())
        };
        kv(ws, l.model, &card.model.name)?;
        kv(
            ws,
            l.status,
            &format!(
                "{} ({}, version {})",
                card.model.status, card.model.id, card.model.version
            ),
        )?;
        kv(ws, l.data_date, &report.data_date)?;
        kv(ws, l.inputs, &report.inputs_line())?;
        text_fmt(ws, r, 0, l.index, &f.bold)?;
        ws.write_number_with_format(r, 1, num(card.index_rounded.as_str()), &f.two)?;
        r += 1;
        text_fmt(
            ws,
            r,
            0,
            &format!(
                "{} ({})",
                l.index,
                if card.index_exact {
                    l.exact
                } else {
                    l.estimate
                }
            ),
            &f.bold,
        )?;
        ws.write_number(r, 1, num(card.index.as_str()))?;
        r += 1;
        text_fmt(ws, r, 0, l.predicate, &f.bold)?;
        text(ws, r, 1, &card.predicate)?;
        r += 1;
        if let Some(g) = &report.gap {
            text_fmt(ws, r, 0, l.target, &f.bold)?;
            ws.write_number_with_format(r, 1, exact_num(&g.target), &f.two)?;
            text(ws, r, 2, &g.target_predicate)?;
            r += 1;
            text_fmt(ws, r, 0, l.gap, &f.bold)?;
            ws.write_number_with_format(r, 1, exact_num(&g.gap), &f.four)?;
            r += 1;
        }
        r += 1;
        // Domains (or aspects when the model has none) with a chart of their indices.
        let (title, ids): (&str, Vec<(&str, &str, &str, &str)>) = if card.domains.is_empty() {
            (
                l.aspects,
                card.aspects
                    .iter()
                    .map(|a| {
                        (
                            a.id.as_str(),
                            a.name.as_str(),
                            a.weight.as_str(),
                            a.index_rounded.as_str(),
                        )
                    })
                    .collect(),
            )
        } else {
            (
                l.domains,
                card.domains
                    .iter()
                    .map(|d| {
                        (
                            d.id.as_str(),
                            d.name.as_str(),
                            d.weight.as_str(),
                            d.index_rounded.as_str(),
                        )
                    })
                    .collect(),
            )
        };
        let head = r;
        for (c, h) in [l.id, title, l.weight_pct, l.index].iter().enumerate() {
            text_fmt(ws, head, c as u16, h, &f.header)?;
        }
        for (k, (id, name, w, idx)) in ids.iter().enumerate() {
            let row = head + 1 + k as u32;
            text(ws, row, 0, id)?;
            text(ws, row, 1, name)?;
            ws.write_number_with_format(row, 2, num(w), &f.two)?;
            ws.write_number_with_format(row, 3, num(idx), &f.two)?;
        }
        let last = head + ids.len() as u32;
        if !ids.is_empty() {
            let mut chart = Chart::new(ChartType::Bar);
            chart
                .add_series()
                .set_name(l.index)
                .set_categories((names[0], head + 1, 1, last, 1))
                .set_values((names[0], head + 1, 3, last, 3));
            chart.title().set_name(title);
            chart.x_axis().set_min(0).set_max(report.max_level as f64);
            chart.x_axis().set_num_format("0.00");
            chart.legend().set_hidden();
            // Bar charts list categories bottom-up; reverse them to read in model order, with
            // the value axis kept at the bottom.
            chart
                .y_axis()
                .set_reverse()
                .set_crossing(ChartAxisCrossing::Max);
            ws.insert_chart(2, 5, &chart)?;
        }
        // Aspects below the domains.
        if !card.domains.is_empty() {
            let head = last + 2;
            for (c, h) in [l.id, l.aspects, l.domain, l.weight_pct, l.index]
                .iter()
                .enumerate()
            {
                text_fmt(ws, head, c as u16, h, &f.header)?;
            }
            for (k, a) in card.aspects.iter().enumerate() {
                let row = head + 1 + k as u32;
                text(ws, row, 0, &a.id)?;
                text(ws, row, 1, &a.name)?;
                text(ws, row, 2, a.domain.as_deref().unwrap_or(""))?;
                ws.write_number_with_format(row, 3, num(a.weight.as_str()), &f.two)?;
                ws.write_number_with_format(row, 4, num(a.index_rounded.as_str()), &f.two)?;
            }
        }
        fit(ws);
        ws.set_column_width(0, 22)?;
    }

    // Indicators.
    {
        let ws = wb.add_worksheet();
        ws.set_name(names[1])?;
        let header = [
            l.id,
            l.indicator,
            l.aspect,
            l.domain,
            l.weight_pct,
            l.level,
            l.level_name,
            l.points,
            l.opd_levels,
            l.evidence,
            l.note,
        ];
        list_header(ws, &header, card.indicators.len() as u32, &f)?;
        for (k, i) in card.indicators.iter().enumerate() {
            let r = 1 + k as u32;
            let domain = card
                .aspects
                .iter()
                .find(|a| a.id == i.aspect)
                .and_then(|a| a.domain.clone())
                .unwrap_or_default();
            text(ws, r, 0, &i.id)?;
            text(ws, r, 1, &i.name)?;
            text(ws, r, 2, &i.aspect)?;
            text(ws, r, 3, &domain)?;
            ws.write_number_with_format(r, 4, num(i.weight.as_str()), &f.two)?;
            ws.write_number(r, 5, num(i.level.as_str()))?;
            text(ws, r, 6, i.level_name.as_deref().unwrap_or("-"))?;
            ws.write_number_with_format(r, 7, num(i.contribution.as_str()), &f.four)?;
            text(ws, r, 8, &report.opd_levels(k))?;
            text(ws, r, 9, &report.evidence[k].join("; "))?;
            text(ws, r, 10, &report.notes[k].join("; "))?;
        }
        fit(ws);
    }

    // Gap: every domain and aspect, with the target columns when there is one.
    {
        let ws = wb.add_worksheet();
        ws.set_name(names[2])?;
        let header = [
            l.domain,
            l.id,
            l.name,
            l.index,
            l.target,
            l.gap,
            l.points_available,
        ];
        // Points available need no target.
        let rows = report.gap.as_ref().map_or(&report.headroom, |g| &g.rows);
        list_header(ws, &header, rows.len() as u32, &f)?;
        for (k, g) in rows.iter().enumerate() {
            let r = 1 + k as u32;
            text(
                ws,
                r,
                0,
                if g.kind == GapKind::Domain {
                    l.domain
                } else {
                    l.aspect
                },
            )?;
            text(ws, r, 1, &g.id)?;
            text(ws, r, 2, &g.name)?;
            ws.write_number_with_format(r, 3, rounded(report, &g.index), &f.two)?;
            if let (Some(gap), Some(d)) = (&report.gap, &g.gap) {
                ws.write_number_with_format(r, 4, exact_num(&gap.target), &f.two)?;
                ws.write_number_with_format(r, 5, rounded(report, d), &f.two)?;
            }
            ws.write_number_with_format(r, 6, exact_num(&g.points_available), &f.four)?;
        }
        fit(ws);
    }

    // Roadmap: one row per step (one level of one indicator), with its year in a path and the
    // OPD to act; the notes below.
    {
        let ws = wb.add_worksheet();
        ws.set_name(names[3])?;
        let header = report.roadmap_header();
        let steps = report.roadmap_steps();
        let path = report.roadmap_is_path();
        let priced = report.gap.as_ref().is_some_and(|g| g.priced);
        let with_criteria = report.roadmap_has_criteria();
        list_header(ws, &header, steps.len() as u32, &f)?;
        for (k, s) in steps.iter().enumerate() {
            let r = 1 + k as u32;
            let i = &card.indicators[s.indicator];
            let mut c = 0u16;
            let mut next = || {
                c += 1;
                c - 1
            };
            ws.write_number_with_format(r, next(), (k + 1) as f64, &f.int)?;
            if path {
                ws.write_number_with_format(r, next(), s.year.unwrap_or_default() as f64, &f.int)?;
            }
            text(ws, r, next(), &i.id)?;
            text(ws, r, next(), &i.name)?;
            ws.write_number(r, next(), exact_num(&s.from))?;
            ws.write_number_with_format(r, next(), s.to as f64, &f.int)?;
            ws.write_number_with_format(r, next(), exact_num(&s.gain), &f.four)?;
            if priced {
                ws.write_number(r, next(), exact_num(&s.effort))?;
            }
            ws.write_number_with_format(r, next(), exact_num(&s.index_after), &f.four)?;
            text(ws, r, next(), &s.predicate_after)?;
            text(ws, r, next(), &report.step_owner(s.indicator))?;
            if with_criteria {
                let (c, e) = report.step_criteria(s);
                text(ws, r, next(), &c)?;
                text(ws, r, next(), &e)?;
            }
        }
        let mut note_row = steps.len() as u32 + 2;
        let mut notes = report.roadmap_notes();
        if notes.is_empty() {
            notes.push(format!("{}: -", l.target));
        }
        for note in &notes {
            text_fmt(ws, note_row, 0, note, &f.bold)?;
            note_row += 1;
        }
        if let Some((header, rows)) = report.plan_by_year() {
            note_row += 1;
            for (c, h) in header.iter().enumerate() {
                text_fmt(ws, note_row, c as u16, h, &f.header)?;
            }
            for row in rows {
                note_row += 1;
                for (c, cell) in row.iter().enumerate() {
                    match cell.parse::<f64>() {
                        Ok(x) if c < 4 => {
                            ws.write_number(note_row, c as u16, x)?;
                        }
                        _ => text(ws, note_row, c as u16, cell)?,
                    }
                }
            }
        }
        fit(ws);
        ws.set_column_width(0, 8)?;
    }

    // OPD: one row per answer, so a team can filter on its own name. A large evaluation has a
    // million of them: the sheet is written row by row to a temporary file (rust_xlsxwriter's
    // constant memory mode), not held, and its columns get fixed widths (autofit needs the
    // cells in memory).
    {
        let ws = wb.add_worksheet_with_constant_memory();
        ws.set_name(names[4])?;
        let header = [
            l.opd,
            l.id,
            l.indicator,
            l.level,
            l.used,
            l.disagreements,
            l.evidence,
            l.note,
        ];
        // By OPD name (case ignored), then model order: each name is lower-cased once, not once
        // per answer, and each row carries its name's rank.
        let mut lower: Vec<(String, &str)> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for a in card.indicators.iter().flat_map(|i| &i.answers) {
            if seen.insert(&a.opd) {
                lower.push((a.opd.to_lowercase(), &a.opd));
            }
        }
        drop(seen);
        lower.sort_unstable();
        let mut rank: HashMap<&str, u32> = HashMap::with_capacity(lower.len());
        let mut r = 0;
        for (n, (key, name)) in lower.iter().enumerate() {
            if n > 0 && *key != lower[n - 1].0 {
                r += 1;
            }
            rank.insert(name, r);
        }
        drop(lower);
        let mut rows: Vec<(u32, u32, &OpdLevel)> = Vec::new();
        for (k, i) in card.indicators.iter().enumerate() {
            for a in &i.answers {
                rows.push((rank[&*a.opd], k as u32, a));
            }
        }
        drop(rank);
        rows.sort_by_key(|&(r, k, _)| (r, k));
        list_header(ws, &header, rows.len() as u32, &f)?;
        // Each OPD's own evidence and notes per indicator, found once (the texts are
        // `OPD: text`; looking them up per row was quadratic in the OPD of an indicator).
        let own: Vec<[HashMap<&str, String>; 2]> = card
            .indicators
            .iter()
            .enumerate()
            .map(|(k, i)| {
                let opds: HashSet<&str> = i.answers.iter().map(|a| &*a.opd).collect();
                [&report.evidence[k], &report.notes[k]].map(|texts| by_opd(texts, &opds))
            })
            .collect();
        for (n, &(_, k, a)) in rows.iter().enumerate() {
            let r = 1 + n as u32;
            let i = &card.indicators[k as usize];
            let [evidence, notes] = &own[k as usize];
            let mine = |m: &HashMap<&str, String>| m.get(&*a.opd).cloned().unwrap_or_default();
            text(ws, r, 0, &a.opd)?;
            text(ws, r, 1, &i.id)?;
            text(ws, r, 2, &i.name)?;
            ws.write_number_with_format(r, 3, num(&a.level.to_string()), &f.int)?;
            ws.write_number(r, 4, num(i.level.as_str()))?;
            text(ws, r, 5, if i.min != i.max { "✗" } else { "" })?;
            text_fmt(ws, r, 6, &mine(evidence), &f.wrap)?;
            text_fmt(ws, r, 7, &mine(notes), &f.wrap)?;
        }
        for (c, width) in [24, 6, 40, 7, 7, 7, 40, 40].into_iter().enumerate() {
            ws.set_column_width(c as u16, width)?;
        }
        ws.set_paper_size(9);
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
    }

    wb.save_to_buffer()
}
