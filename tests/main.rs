//! The integration tests: one test binary (`cargo test --test main`), one module per area in
//! `tests/main/`, and their snapshots in `tests/main/snapshots/`.
//!
//! Only `tests/*.rs` and `tests/*/main.rs` are test binaries of their own, so the modules live in
//! `tests/main/` and are named here with `#[path]`. A new area is a new file there and a `mod`
//! line here.
//!
//! Every test that runs `spbe` starts it through [`harness`], which pins the environment the
//! binary reads (locale, colour, width), so the suite passes the same under `LANG=id_ID.UTF-8`.

#[path = "main/harness.rs"]
mod harness;

#[path = "main/architecture.rs"]
mod architecture;
#[path = "main/check.rs"]
mod check;
#[path = "main/compare.rs"]
mod compare;
#[path = "main/criteria.rs"]
mod criteria;
#[path = "main/ecosystem.rs"]
mod ecosystem;
#[path = "main/gap.rs"]
mod gap;
#[path = "main/help.rs"]
mod help;
#[path = "main/hostile.rs"]
mod hostile;
#[path = "main/hostile_gen.rs"]
mod hostile_gen;
#[path = "main/input.rs"]
mod input;
#[path = "main/lang.rs"]
mod lang;
#[path = "main/model.rs"]
mod model;
#[path = "main/models.rs"]
mod models;
#[path = "main/opd.rs"]
mod opd;
#[path = "main/pemdi.rs"]
mod pemdi;
#[path = "main/plan.rs"]
mod plan;
#[path = "main/properties.rs"]
mod properties;
#[path = "main/readme.rs"]
mod readme;
#[path = "main/report.rs"]
mod report;
#[path = "main/safety.rs"]
mod safety;
#[path = "main/score.rs"]
mod score;
#[path = "main/sheets.rs"]
mod sheets;
#[path = "main/template.rs"]
mod template;
#[path = "main/validate.rs"]
mod validate;
#[path = "main/years.rs"]
mod years;
