//! HTML: any document as one self-contained page (inline CSS and SVG, no script, no network)
//! that prints on A4 with the report's stylesheet. Tables keep their headers on every printed
//! page; numbers take a decimal comma under `--lang id`.

use std::fmt::Write as _;
use std::io::Write;

use crate::output::document::{Block, Document, Exporter, Md, Style, Table, localize};
use crate::output::report::html::CSS;
use crate::output::report::svg::escape;

/// What a general document adds to the report's style: plain lines, a headline as one line.
const MORE_CSS: &str = r#"
p.lines { margin: 1mm 0; }
ul.lines { margin: 1mm 0 2mm; padding-left: 5mm; }
p.headline-line { font-size: 13pt; margin: 4mm 0 2mm; padding: 2mm 4mm; background: #eef4fa; border-left: 6px solid #1f5f99; }
figure { margin: 3mm 0; }
svg.distribution { width: 100%; }
.chart .dot { fill: #1f5f99; fill-opacity: 0.45; }
.chart .dot.mark { fill: #c53030; fill-opacity: 1; stroke: #fff; stroke-width: 1.5; }
.chart .mark-label { font-size: 10px; font-weight: bold; fill: #c53030; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.chart .median { stroke: #1d2430; stroke-width: 2.5; }
.chart .range { stroke: #4a5568; stroke-width: 1; }
.chart .row-label { font-size: 10px; }
"#;

/// Writes a document as an HTML page.
pub struct HtmlExporter;

impl Exporter for HtmlExporter {
    fn export(&self, doc: &Document<'_>, style: &Style, out: &mut dyn Write) -> anyhow::Result<()> {
        let lang = style.lang;
        let title = doc.title.as_deref().unwrap_or("spbe");
        let mut page = String::new();
        let _ = write!(
            page,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}{MORE_CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
            lang.code(),
            escape(title),
            escape(title)
        );
        for block in &doc.blocks {
            match block {
                Block::Text { lines, md } => match md {
                    Md::Omit => {}
                    Md::List => {
                        page.push_str("<ul class=\"lines meta\">");
                        for line in lines {
                            let _ = write!(page, "<li>{}</li>", escape(line));
                        }
                        page.push_str("</ul>\n");
                    }
                    Md::Lines | Md::Strong => {
                        let (open, close) = match md {
                            Md::Strong => ("<strong>", "</strong>"),
                            _ => ("", ""),
                        };
                        let text: Vec<String> = lines.iter().map(|l| escape(l)).collect();
                        let _ = writeln!(
                            page,
                            "<p class=\"lines\">{open}{}{close}</p>",
                            text.join("<br>")
                        );
                    }
                },
                Block::Headline { text, .. } => {
                    let _ = writeln!(
                        page,
                        "<p class=\"headline-line\"><strong>{}</strong></p>",
                        escape(text)
                    );
                }
                Block::Verdicts(verdicts) => {
                    page.push_str("<ul class=\"lines\">");
                    for (verdict, message) in verdicts {
                        let _ = write!(
                            page,
                            "<li><strong>{}</strong> {}</li>",
                            escape(verdict),
                            escape(message)
                        );
                    }
                    page.push_str("</ul>\n");
                }
                Block::Gap => {}
                Block::Table(t) => table(&mut page, t, style),
                Block::Figure { caption, svg } => {
                    let _ = writeln!(
                        page,
                        "<figure><figcaption>{}</figcaption>\n{svg}\n</figure>",
                        escape(caption)
                    );
                }
            }
        }
        if !doc.warnings.is_empty() {
            let heading = match lang {
                crate::output::i18n::Lang::En => "Warnings",
                crate::output::i18n::Lang::Id => "Peringatan",
            };
            let _ = write!(page, "<h2>{heading}</h2>\n<ul class=\"lines warnings\">");
            for w in &doc.warnings {
                let _ = write!(page, "<li>{}</li>", escape(w));
            }
            page.push_str("</ul>\n");
        }
        page.push_str("</body>\n</html>\n");
        out.write_all(page.as_bytes())?;
        Ok(())
    }
}

/// A titled table: numbers right-aligned (with a decimal comma in Indonesian), the header row
/// repeated on every printed page.
fn table(page: &mut String, t: &Table, style: &Style) {
    if !t.title.is_empty() {
        let _ = writeln!(page, "<h2>{}</h2>", escape(&t.title));
    }
    if let Some(text) = t.empty.as_ref().filter(|_| t.rows.is_empty()) {
        let _ = writeln!(page, "<p class=\"note\">{}</p>", escape(text));
        return;
    }
    let class = |i: usize| {
        if t.numeric.contains(&i) {
            " class=\"num\""
        } else {
            ""
        }
    };
    page.push_str("<table><thead><tr>");
    for (i, h) in t.header.iter().enumerate() {
        let _ = write!(page, "<th{}>{}</th>", class(i), escape(h));
    }
    page.push_str("</tr></thead><tbody>\n");
    for row in &t.rows {
        page.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let text = if t.numeric.contains(&i) {
                localize(c, style.lang)
            } else {
                c.into()
            };
            let _ = write!(page, "<td{}>{}</td>", class(i), escape(&text));
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody></table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::i18n::Lang;

    #[test]
    fn every_block_is_escaped_and_numbers_localized() {
        let mut doc = Document::titled("Kota <Contoh>");
        doc.line("a & b", Md::List);
        doc.table(
            Table::new(
                "T",
                &["Name", "Index"],
                vec![vec!["x\"y".into(), "2.76".into()]],
            )
            .numeric(&[1]),
        );
        doc.blocks.push(Block::Figure {
            caption: "C".into(),
            svg: "<svg></svg>".into(),
        });
        let style = Style {
            lang: Lang::Id,
            color: false,
            delimiter: b',',
            decimal_comma: false,
            bom: false,
        };
        let mut out = Vec::new();
        HtmlExporter.export(&doc, &style, &mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(page.contains("<html lang=\"id\">"));
        assert!(page.contains("<h1>Kota &lt;Contoh&gt;</h1>"));
        assert!(page.contains("<li>a &amp; b</li>"));
        assert!(page.contains("<td>x&quot;y</td><td class=\"num\">2,76</td>"));
        assert!(page.contains("<figcaption>C</figcaption>\n<svg></svg>"));
        assert!(page.contains("@page { size: A4;"));
    }
}
