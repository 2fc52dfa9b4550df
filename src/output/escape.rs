//! Escaping text that came from files (sheets, maps, models, file names) for where it is shown:
//! a terminal, which acts on control characters (an ESC sequence sets the window title, clears
//! the screen or writes the clipboard; CR overwrites a line), Markdown, which renders HTML and
//! its own syntax, and spreadsheets, which run a cell that looks like a formula.

use std::borrow::Cow;
use std::fmt::Write;

/// A character a terminal acts on rather than shows: C0 controls (tab and, where `newline` is
/// allowed, line feed excepted), DEL, C1 controls, line and paragraph separators, and the
/// bidirectional controls that reorder what is shown.
fn acts(c: char, newline: bool) -> bool {
    match c {
        '\n' => !newline,
        '\t' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// `text` with every character for which `hazard` holds written as `\u{1b}` (as `{:?}` shows it).
fn escaped(text: &str, hazard: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&hazard) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hazard(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a terminal: control characters are shown escaped (`\u{1b}`), so nothing in a sheet
/// can drive the terminal. Line breaks are kept (a CR LF as one), for cells that wrap and
/// messages of several lines.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if text.contains("\r\n") {
        return Cow::Owned(escaped(&text.replace("\r\n", "\n"), |c| acts(c, true)).into_owned());
    }
    escaped(text, |c| acts(c, true))
}

/// One line for a terminal: like [`terminal`], a line break escaped too (a warning is one line).
pub fn terminal_line(text: &str) -> Cow<'_, str> {
    escaped(text, |c| acts(c, false))
}

/// Text for Markdown inline (a table cell, or text after a list marker): HTML is escaped (`<`,
/// `>`, `&`), the characters that start inline markup get a backslash (`\` `` ` `` `*` `_` `[`
/// `]` `|` `~`; an underscore inside a word starts nothing and is left), line breaks become
/// spaces and control characters are escaped.
pub fn markdown(text: &str) -> Cow<'_, str> {
    let special = |c: char| {
        matches!(
            c,
            '<' | '>' | '&' | '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '\n' | '\r'
        ) || acts(c, false)
    };
    if !text.chars().any(special) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // Inside a word (`perwali_arsitektur.pdf`) an underscore starts nothing.
            '_' if i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()) =>
            {
                out.push(c)
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if acts(c, false) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A line of Markdown text: [`markdown`], and a start that would make the line a heading, a
/// list item, a thematic break or a heading underline (`# `, `- `, `1. `, `===`) escaped.
pub fn markdown_line(text: &str) -> Cow<'_, str> {
    let inline = markdown(text);
    let first = inline.chars().next();
    let rest = |n: usize| inline[n..].chars().next();
    let blank_or_end = |c: Option<char>| c.is_none_or(|c| c == ' ' || c == '\t');
    let marker = match first {
        Some('#') => {
            let hashes = inline.bytes().take_while(|&b| b == b'#').count();
            hashes <= 6 && blank_or_end(rest(hashes))
        }
        Some('-' | '+' | '=') => {
            blank_or_end(rest(1)) || inline.chars().all(|c| c == first.unwrap() || c == ' ')
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = inline.bytes().take_while(u8::is_ascii_digit).count();
            matches!(rest(digits), Some('.' | ')')) && blank_or_end(rest(digits + 1))
        }
        _ => false,
    };
    if !marker {
        return inline;
    }
    let at = inline
        .find(|c: char| !c.is_ascii_digit())
        .filter(|_| first.is_some_and(|c| c.is_ascii_digit()))
        .unwrap_or(0);
    Cow::Owned(format!("{}\\{}", &inline[..at], &inline[at..]))
}

/// The characters that make a spreadsheet read a cell as a formula, and their full-width forms
/// (`＝＋－＠`), which Excel also accepts.
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// A cell for CSV or XLSX: text that a spreadsheet would run as a formula gets a leading
/// apostrophe: a cell that starts with `=`, `+`, `-` or `@` (or a full-width one), also after
/// leading spaces or line breaks, or that starts with a tab or CR. Other control characters are
/// escaped (`\u{1b}`), so a CSV shown on a terminal cannot drive it.
pub fn spreadsheet(text: &str) -> Cow<'_, str> {
    let first = text.trim_start().chars().next();
    let formula =
        first.is_some_and(|c| FORMULA_STARTS.contains(&c)) || text.starts_with(['\t', '\r', '\n']);
    let clean = escaped(text, |c| !matches!(c, '\t' | '\r' | '\n') && acts(c, true));
    if formula {
        Cow::Owned(format!("'{clean}"))
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminals_see_no_control_characters() {
        let title = "\u{1b}]0;pwned\u{7}Dinas";
        assert_eq!(terminal(title), "\\u{1b}]0;pwned\\u{7}Dinas");
        assert_eq!(terminal("a\r\nb\rc\u{9b}2J"), "a\nb\\u{d}c\\u{9b}2J");
        assert_eq!(terminal("x\u{202e}txt.exe"), "x\\u{202e}txt.exe");
        assert_eq!(terminal_line("a\nb\tc"), "a\\u{a}b\tc");
        assert!(matches!(
            terminal("Dinas Kesehatan – café"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn markdown_shows_text_and_runs_nothing() {
        assert_eq!(
            markdown("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(
            markdown("<script>x</script>"),
            "&lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(markdown("[klik](http://x)"), "\\[klik\\](http://x)");
        assert_eq!(markdown("a|b\nc"), "a\\|b c");
        assert_eq!(
            markdown("**tebal** _miring_"),
            "\\*\\*tebal\\*\\* \\_miring\\_"
        );
        assert_eq!(markdown_line("# judul"), "\\# judul");
        assert_eq!(markdown_line("1. satu"), "1\\. satu");
        assert_eq!(markdown_line("- x"), "\\- x");
        assert_eq!(markdown_line("==="), "\\===");
        for plain in [
            "2.76",
            "-0.12",
            "#1",
            "Dinas Pariwisata – Budaya",
            "examples/kota-contoh/a.csv",
            "1.a.perwali_arsitektur_spbe.pdf",
            "Baik",
        ] {
            assert_eq!(markdown(plain), plain);
            assert_eq!(markdown_line(plain), plain);
        }
    }

    #[test]
    fn formulas_are_neutralized_after_spaces_and_in_full_width() {
        for bad in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            " =1+1",
            "\n=1",
            "\u{a0}@x",
            "＝1+1",
            "＠SUM(A1)",
            "　＋1",
            "－1",
        ] {
            assert_eq!(spreadsheet(bad), format!("'{bad}"), "{bad:?}");
        }
        for ok in ["Diskominfo", "1.30", "a=b", "", " x"] {
            assert_eq!(spreadsheet(ok), ok);
        }
        assert_eq!(spreadsheet("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
    }
}
