//! Blank answer sheets for a model, as CSV or XLSX, that `spbe score` reads back unchanged once
//! the level column is filled in (`spbe template`, `spbe init`).

use std::io::Write;

use anyhow::Context;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatBorder, Formula,
    Workbook,
};

use crate::core::model::Model;
use crate::output::criteria;
use crate::output::destination::neutralize;

/// The template's columns; `code`, `name` and `choices` are for people and ignored when scoring.
pub const HEADER: [&str; 8] = [
    "opd",
    "indicator",
    "code",
    "name",
    "level",
    "evidence",
    "note",
    "choices",
];
const LEVEL_COL: u16 = 4;

/// The dropdown values of one indicator: `3 - Terdefinisi`. For a model of decimal values, what
/// a value may be and the names of the whole levels: `1.00 to 5.00, 2 decimals | 1 Rintisan`.
fn choices(model: &Model, indicator: usize) -> Vec<String> {
    let names = (model.min_level..=model.max_level).map(|l| {
        if model.decimal_values() {
            format!("{l} {}", model.level_name(indicator, l))
        } else {
            format!("{l} - {}", model.level_name(indicator, l))
        }
    });
    if model.decimal_values() {
        std::iter::once(format!(
            "{} to {}, {} decimals",
            model.value(model.level_units(model.min_level)),
            model.value(model.level_units(model.max_level)),
            model.level_decimals
        ))
        .chain(names)
        .collect()
    } else {
        names.collect()
    }
}

/// The template's rows, one per indicator.
pub fn rows(model: &Model, opd: Option<&str>) -> Vec<Vec<String>> {
    model
        .indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| {
            vec![
                opd.unwrap_or("").to_string(),
                ind.id.clone(),
                ind.code.clone().unwrap_or_default(),
                ind.name.clone(),
                String::new(),
                String::new(),
                String::new(),
                choices(model, i).join(" | "),
            ]
        })
        .collect()
}

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The CSV template: the header and one row per indicator with the level left empty, CRLF line
/// ends as Excel writes them, text neutralized against formula injection.
pub fn write_csv(
    out: &mut dyn Write,
    model: &Model,
    opd: Option<&str>,
    delimiter: u8,
) -> anyhow::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(HEADER)?;
    for row in rows(model, opd) {
        w.write_record(row.iter().map(|c| neutralize(c).into_owned()))?;
    }
    w.flush()?;
    Ok(())
}

/// The CSV template as a file's bytes for Excel: a UTF-8 BOM, then [`write_csv`].
pub fn csv_file(model: &Model, opd: Option<&str>) -> Vec<u8> {
    let mut buf = BOM.to_vec();
    write_csv(&mut buf, model, opd, b',').expect("writing to memory cannot fail");
    buf
}

/// The XLSX template: an answer sheet with a level dropdown per row, a frozen header and readable
/// widths, and a second sheet listing every scale's level names.
pub fn xlsx(model: &Model, opd: Option<&str>) -> anyhow::Result<Vec<u8>> {
    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = Workbook::new();
        let bold = Format::new()
            .set_bold()
            .set_background_color("D9E1F2")
            .set_border_bottom(FormatBorder::Thin);
        let wrap = Format::new().set_text_wrap();

        // Where each scale's level names will be on the `levels` sheet (1-based Excel rows).
        let mut scale_rows = Vec::new();
        let mut next = 2u32;
        for scale in &model.scales {
            let n = scale.level_names.len() as u32;
            scale_rows.push((next, next + n - 1));
            next += n;
        }

        let sheet = wb.add_worksheet();
        sheet.set_name("answers")?;
        let header = &HEADER[..HEADER.len() - 1];
        for (c, h) in header.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (i, ind) in model.indicators.iter().enumerate() {
            let r = i as u32 + 1;
            if let Some(o) = opd {
                let o = crate::output::report::xlsx::fits(sheet, r, 0, o)?;
                sheet.write_string(r, 0, o.as_ref())?;
            }
            sheet.write_string(r, 1, &ind.id)?;
            sheet.write_string(r, 2, ind.code.as_deref().unwrap_or(""))?;
            sheet.write_string_with_format(r, 3, &ind.name, &wrap)?;
            let (first, last) = scale_rows[ind.scale];
            if model.decimal_values() {
                let (lo, hi) = (model.min_level as f64, model.max_level as f64);
                let dv = DataValidation::new()
                    .allow_decimal_number(DataValidationRule::Between(lo, hi))
                    .set_input_title("Value")?
                    .set_input_message(format!(
                        "A value from {} to {} with at most {} decimals, e.g. 1.26",
                        model.value(model.level_units(model.min_level)),
                        model.value(model.level_units(model.max_level)),
                        model.level_decimals
                    ))?
                    .set_error_title("Not a value")?
                    .set_error_message("Type a number in the model's range")?
                    .set_error_style(DataValidationErrorStyle::Warning);
                sheet.add_data_validation(r, LEVEL_COL, r, LEVEL_COL, &dv)?;
                continue;
            }
            let (title, message) = match level_hint(model, i) {
                Some(hint) => ("Kriteria level".to_string(), hint),
                None => (
                    "Level".to_string(),
                    "Choose the maturity level from the list".to_string(),
                ),
            };
            let dv = DataValidation::new()
                .allow_list_formula(Formula::new(format!("=levels!$D${first}:$D${last}")))
                .set_input_title(title)?
                .set_input_message(message)?
                .set_error_title("Not a level")?
                .set_error_message(
                    "Choose a level from the list, or type a whole number in the model's range",
                )?
                .set_error_style(DataValidationErrorStyle::Warning);
            sheet.add_data_validation(r, LEVEL_COL, r, LEVEL_COL, &dv)?;
        }
        for (c, w) in [22, 10, 8, 60, 28, 40, 40].iter().enumerate() {
            sheet.set_column_width(c as u16, *w)?;
        }
        sheet.set_freeze_panes(1, 0)?;

        // The level names, one block of rows per scale; the dropdowns point here.
        let levels = wb.add_worksheet();
        levels.set_name("levels")?;
        for (c, h) in ["scale", "level", "name", "choice"].iter().enumerate() {
            levels.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        let mut row = 1u32;
        for scale in &model.scales {
            for (k, name) in scale.level_names.iter().enumerate() {
                let level = model.min_level + k as u8;
                levels.write_string(row, 0, &scale.name)?;
                levels.write_number(row, 1, level)?;
                levels.write_string(row, 2, name)?;
                levels.write_string(row, 3, format!("{level} - {name}"))?;
                row += 1;
            }
        }
        levels.set_column_width(0, 24)?;
        levels.set_column_width(2, 24)?;
        levels.set_column_width(3, 28)?;
        levels.set_freeze_panes(1, 0)?;

        if model.has_requirements() {
            criteria_sheet(&mut wb, model, &bold, &wrap)?;
        }
        wb.save_to_buffer()
    };
    build().context("cannot build the XLSX template")
}

/// Excel shows at most this many characters in a cell's input message.
const INPUT_MESSAGE_MAX: usize = 255;

/// The input message of an indicator's level cell: one short line per level that has criteria
/// (what the level adds, cut with `…` to fit Excel's 255 characters), then where the full text
/// is. `None` when the model gives no criteria for the indicator.
pub fn level_hint(model: &Model, indicator: usize) -> Option<String> {
    let lines: Vec<(String, String)> = model
        .levels()
        .filter_map(|l| {
            let req = model.requirement(indicator, l)?;
            Some((
                format!("{l}: "),
                criteria::added_part(&req.criteria).to_string(),
            ))
        })
        .collect();
    if lines.is_empty() {
        return None;
    }
    let tail = "Lengkap: sheet Kriteria.";
    // Room for the texts: the whole message less the prefixes, the tail and the line breaks.
    let fixed: usize = lines.iter().map(|(p, _)| p.chars().count()).sum::<usize>()
        + tail.chars().count()
        + lines.len();
    let mut room = INPUT_MESSAGE_MAX.saturating_sub(fixed);
    // Short texts keep their length; the rest share what is left equally.
    let mut budget = vec![0usize; lines.len()];
    let mut open: Vec<usize> = (0..lines.len()).collect();
    open.sort_by_key(|&k| lines[k].1.chars().count());
    let mut left = open.len();
    for k in open {
        let share = room / left.max(1);
        let want = lines[k].1.chars().count();
        budget[k] = want.min(share);
        room -= budget[k];
        left -= 1;
    }
    let mut text: Vec<String> = lines
        .iter()
        .zip(&budget)
        .map(|((p, t), b)| format!("{p}{}", criteria::shorten(t, *b)))
        .collect();
    text.push(tail.to_string());
    let message = text.join("\n");
    debug_assert!(message.chars().count() <= INPUT_MESSAGE_MAX);
    Some(message)
}

/// The `Kriteria` sheet: every level's full criteria and evidence, one row per indicator and
/// level the model describes.
fn criteria_sheet(
    wb: &mut Workbook,
    model: &Model,
    bold: &Format,
    wrap: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let sheet = wb.add_worksheet();
    sheet.set_name("Kriteria")?;
    let header = [
        "No. indikator",
        "Kode",
        "Nama indikator",
        "Level (tingkat)",
        "Nama level",
        "Kriteria",
        "Kriteria (EN)",
        "Data dukung",
        "Keyakinan",
        "Sumber",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, bold)?;
    }
    let mut row = 1u32;
    for (i, ind) in model.indicators.iter().enumerate() {
        for l in model.levels() {
            let Some(req) = model.requirement(i, l) else {
                continue;
            };
            let evidence: Vec<String> = req.evidence.iter().map(|e| format!("• {e}")).collect();
            sheet.write_string(row, 0, neutralize(&ind.id).as_ref())?;
            sheet.write_string(
                row,
                1,
                neutralize(ind.code.as_deref().unwrap_or("")).as_ref(),
            )?;
            sheet.write_string_with_format(row, 2, neutralize(&ind.name).as_ref(), wrap)?;
            sheet.write_number(row, 3, l)?;
            sheet.write_string(row, 4, neutralize(model.level_name(i, l)).as_ref())?;
            sheet.write_string_with_format(row, 5, neutralize(&req.criteria).as_ref(), wrap)?;
            sheet.write_string_with_format(
                row,
                6,
                neutralize(req.criteria_en.as_deref().unwrap_or("")).as_ref(),
                wrap,
            )?;
            sheet.write_string_with_format(
                row,
                7,
                neutralize(&evidence.join("\n")).as_ref(),
                wrap,
            )?;
            sheet.write_string(row, 8, req.confidence.to_string())?;
            sheet.write_string_with_format(
                row,
                9,
                neutralize(req.source.as_deref().unwrap_or("")).as_ref(),
                wrap,
            )?;
            row += 1;
        }
    }
    for (c, w) in [12, 8, 30, 10, 18, 60, 45, 60, 12, 30].iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    sheet.set_freeze_panes(1, 3)?;
    sheet.autofilter(0, 0, row.saturating_sub(1).max(1), header.len() as u16 - 1)?;
    Ok(())
}
