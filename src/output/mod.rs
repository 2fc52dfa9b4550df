//! Files out: renderers per format, reports, the `-o` destination (never replacing an input),
//! the terminal (colour, width, warnings) and the labels in each language.

pub mod compare;
pub mod destination;
pub mod i18n;
pub mod json;
pub mod render;
pub mod report;
pub mod term;
