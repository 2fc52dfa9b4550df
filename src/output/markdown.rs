//! Markdown: the same blocks as the terminal, for a wiki page or a CI job summary.

use std::io::Write;

use crate::output::document::{Block, Document, Exporter, Md, Style, localize};
use crate::output::escape;

/// Writes a document as Markdown.
pub struct MarkdownExporter;

impl Exporter for MarkdownExporter {
    fn export(&self, doc: &Document<'_>, style: &Style, out: &mut dyn Write) -> anyhow::Result<()> {
        if let Some(title) = &doc.title {
            writeln!(out, "# {}\n", cell(title))?;
        }
        for (k, block) in doc.blocks.iter().enumerate() {
            // A line right after a table would be read as one more row.
            let after_table = k > 0 && matches!(doc.blocks[k - 1], Block::Table(_));
            if after_table && !matches!(block, Block::Gap) {
                writeln!(out)?;
            }
            match block {
                Block::Text { lines, md } => {
                    for line in lines {
                        match md {
                            Md::Lines => {
                                writeln!(out, "{}  ", escape::markdown_line(line.trim_start()))?
                            }
                            Md::List => writeln!(out, "- {}", escape::markdown_line(line))?,
                            Md::Strong => writeln!(out, "**{}**  ", cell(line))?,
                            Md::Omit => {}
                        }
                    }
                }
                Block::Headline { text, .. } => writeln!(out, "**{}**", cell(text))?,
                Block::Verdicts(verdicts) => {
                    for (verdict, message) in verdicts {
                        writeln!(out, "- **{}** {}", cell(verdict), cell(message))?;
                    }
                    // A line right after a list would continue its last item.
                    writeln!(out)?;
                }
                Block::Gap => writeln!(out)?,
                Block::Figure { .. } => {}
                Block::Table(t) => {
                    if !t.title.is_empty() {
                        writeln!(out, "## {}\n", cell(&t.title))?;
                    }
                    match &t.empty {
                        Some(text) if t.rows.is_empty() => writeln!(out, "{}", cell(text))?,
                        _ => write_table(out, &t.header, &t.rows, &t.numeric, style.lang)?,
                    }
                }
            }
        }
        Ok(())
    }
}

/// A cell's text, or inline text: HTML and Markdown syntax escaped, a pipe (which would end the
/// cell) and line breaks (which would end the row) too (see [`escape::markdown`]).
pub fn cell(text: &str) -> String {
    escape::markdown(text).into_owned()
}

/// Writes a Markdown table; `numeric` columns are right-aligned and written in `lang`.
fn write_table(
    out: &mut dyn Write,
    header: &[String],
    rows: &[Vec<String>],
    numeric: &[usize],
    lang: crate::output::i18n::Lang,
) -> std::io::Result<()> {
    write_header(out, header, numeric)?;
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, x)| {
                if numeric.contains(&c) {
                    cell(&localize(x, lang))
                } else {
                    cell(x)
                }
            })
            .collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

fn write_header<S: AsRef<str>>(
    out: &mut dyn Write,
    header: &[S],
    numeric: &[usize],
) -> std::io::Result<()> {
    let names: Vec<String> = header.iter().map(|h| cell(h.as_ref())).collect();
    writeln!(out, "| {} |", names.join(" | "))?;
    let rule: Vec<&str> = (0..header.len())
        .map(|i| if numeric.contains(&i) { "---:" } else { "---" })
        .collect();
    writeln!(out, "| {} |", rule.join(" | "))
}

/// A Markdown table; `numeric` columns are right-aligned. Every cell is escaped.
pub fn table<S: AsRef<str>>(header: &[S], rows: &[Vec<String>], numeric: &[usize]) -> String {
    table_bold(header, rows, numeric, |_, _| false)
}

/// [`table`], with the cells for which `bold(row, column)` holds in bold.
pub fn table_bold<S: AsRef<str>>(
    header: &[S],
    rows: &[Vec<String>],
    numeric: &[usize],
    bold: impl Fn(usize, usize) -> bool,
) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "| {} |\n",
        header
            .iter()
            .map(|h| cell(h.as_ref()))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    let rule: Vec<&str> = (0..header.len())
        .map(|i| if numeric.contains(&i) { "---:" } else { "---" })
        .collect();
    s.push_str(&format!("| {} |\n", rule.join(" | ")));
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(j, c)| match cell(c) {
                c if bold(i, j) && !c.is_empty() => format!("**{c}**"),
                c => c,
            })
            .collect();
        s.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    s
}
