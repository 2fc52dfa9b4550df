//! Files in: the model YAML and its validation, answer sheets (CSV/TSV in any encoding Excel
//! writes, XLSX/ODS/XLS workbooks), responsibility maps, effort tables and saved results. Every
//! problem is located (file, line, column or sheet and cell).

pub mod columns;
pub mod crosswalk;
pub mod decode;
pub mod effort;
pub mod feed;
pub mod institutions;
pub mod intern;
pub mod items;
pub mod model;
pub mod ole;
pub mod owners;
pub mod result;
pub mod revision;
pub mod sheets;
pub mod text_sheet;
pub mod workbook;
