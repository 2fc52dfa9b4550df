//! Files out: a command builds one [`document::Document`]; one exporter per format writes it
//! ([`table`], [`markdown`], [`csv`], [`json`]); the report for people has its own HTML, XLSX and
//! Markdown renderers ([`report`]). Also: the `-o` destination (never replacing an input), the
//! terminal (colour, width, warnings) and the labels in each language.

pub mod compare;
pub mod criteria;
pub mod csv;
pub mod destination;
pub mod document;
pub mod escape;
pub mod html;
pub mod i18n;
pub mod json;
pub mod markdown;
pub mod notices;
pub mod report;
pub mod roadmap;
pub mod table;
pub mod template;
pub mod term;
pub mod views;
