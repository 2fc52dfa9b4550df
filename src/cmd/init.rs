//! `spbe init`: a starter folder for an evaluation year: a copy of the model to customise (with
//! its JSON Schema beside it for editors), one answer-sheet template per OPD, a README and a CI
//! snippet for the yearly rerun. It never overwrites a file: if any would exist, nothing is
//! written; and it is all or nothing: an error half-way removes what it had created.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;

use crate::cmd::args::SUCCESS;
use crate::core::model::Model;
use crate::input::model::EMBEDDED;
use crate::output::destination::Output;
use crate::output::term;

/// The line that makes editors check a model YAML against the schema beside it.
pub const SCHEMA_LINE: &str = "# yaml-language-server: $schema=model.schema.json";

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  spbe init spbe-2025 --opd Diskominfo,Bappeda,BKPSDM
  spbe init . --model my-model.yaml")]
pub struct InitArgs {
    /// The folder to create or fill (created if missing). Existing files are never overwritten.
    #[arg(value_name = "DIR", default_value = ".", value_hint = clap::ValueHint::DirPath)]
    pub dir: PathBuf,

    /// The model to copy: an embedded model's id (see `spbe models`) or a model YAML file.
    #[arg(long, short = 'm', value_name = "NAME|PATH", default_value = crate::input::model::DEFAULT_MODEL)]
    pub model: String,

    /// The OPD that answer, comma-separated; one answer-sheet template each. Without it, one
    /// template `sheets/opd.csv` to copy per OPD.
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    pub opd: Vec<String>,
}

/// One file of the starter folder: its path relative to the folder, and its content.
struct Planned {
    rel: PathBuf,
    content: Vec<u8>,
}

pub fn run(args: &InitArgs) -> anyhow::Result<u8> {
    let model = Model::load(&args.model)?;
    let model_text = model_text(&args.model)?;
    term::verbose(format!(
        "model {} ({} version {}) from {}",
        model.id, model.name, model.version, model.origin
    ));
    let opds = opd_sheets(&args.opd)?;
    let files = plan(&model, &model_text, &opds);

    if args.dir.exists() && !args.dir.is_dir() {
        bail!(
            "{} exists and is not a folder; choose a folder name for the starter files",
            args.dir.display()
        );
    }
    let existing: Vec<String> = files
        .iter()
        .map(|f| args.dir.join(&f.rel))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        bail!(
            "refusing to overwrite {} existing file{}: {}; choose another folder or move them away (nothing was written)",
            existing.len(),
            if existing.len() == 1 { "" } else { "s" },
            existing.join(", ")
        );
    }
    // All or nothing: if one file cannot be written, what was created is removed again.
    let mut created = Created::default();
    for f in &files {
        let path = args.dir.join(&f.rel);
        if let Some(parent) = path.parent() {
            created.dirs_to(parent)?;
        }
        // create_new: a file that appeared since the check above is still not overwritten.
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("cannot create {} (nothing was written)", path.display()))?;
        created.files.push(path.clone());
        file.write_all(&f.content)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {} (nothing was written)", path.display()))?;
        term::verbose(format!("wrote {}", path.display()));
    }
    created.keep();

    let mut out = Output::create(None, &[])?;
    writeln!(
        out,
        "Created {} file{} in {}:",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        args.dir.display()
    )?;
    for f in &files {
        writeln!(out, "  {}", f.rel.display())?;
    }
    writeln!(
        out,
        "Next: fill in the level column of each sheet, then run\n  spbe score {} --model {}",
        args.dir.join("sheets").display(),
        args.dir.join("model.yaml").display()
    )?;
    out.finish()?;
    Ok(SUCCESS)
}

/// The files and folders `spbe init` has created so far: removed again when dropped before
/// [`Created::keep`], so that an error half-way leaves nothing behind.
#[derive(Default)]
struct Created {
    files: Vec<PathBuf>,
    /// In the order they were created (each one's parent before it).
    dirs: Vec<PathBuf>,
    kept: bool,
}

impl Created {
    /// Creates `dir` and the folders above it that are missing, noting each.
    fn dirs_to(&mut self, dir: &Path) -> anyhow::Result<()> {
        let missing: Vec<&Path> = dir
            .ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
            .collect();
        for d in missing.into_iter().rev() {
            fs::create_dir(d).with_context(|| {
                format!(
                    "cannot create the folder {} (nothing was written)",
                    d.display()
                )
            })?;
            self.dirs.push(d.to_path_buf());
        }
        Ok(())
    }

    fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Created {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        for f in self.files.iter().rev() {
            let _ = fs::remove_file(f);
        }
        for d in self.dirs.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
}

/// The model's YAML text, starting with the schema line.
fn model_text(name_or_path: &str) -> anyhow::Result<String> {
    let text = match EMBEDDED.iter().find(|(id, _)| *id == name_or_path) {
        Some((_, text)) => text.to_string(),
        None => fs::read_to_string(name_or_path)
            .with_context(|| format!("cannot read the model {name_or_path}"))?,
    };
    if text.lines().any(|l| l.trim() == SCHEMA_LINE) {
        Ok(text)
    } else {
        Ok(format!("{SCHEMA_LINE}\n{text}"))
    }
}

/// The OPD names and their sheets' file stems; `opd` (with an empty name) when none are given.
fn opd_sheets(names: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    if names.is_empty() {
        return Ok(vec![(String::new(), "opd".into())]);
    }
    let mut sheets: Vec<(String, String)> = Vec::new();
    for name in names {
        let name = name.trim();
        let stem = slug(name);
        if stem.is_empty() {
            bail!(
                "--opd: {name:?} is not an OPD name; give names separated by commas, e.g. --opd Diskominfo,Bappeda"
            );
        }
        if let Some((other, _)) = sheets.iter().find(|(_, s)| *s == stem) {
            bail!(
                "--opd: {name:?} and {other:?} would share the sheet sheets/{stem}.csv; give each OPD a distinct name"
            );
        }
        sheets.push((name.to_string(), stem));
    }
    Ok(sheets)
}

/// A file-name-safe, lower-case form of an OPD name: `Dinas Kesehatan` → `dinas-kesehatan`.
fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    // Windows refuses these as file names, whatever the extension.
    const RESERVED: [&str; 22] = [
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    if RESERVED.contains(&s.as_str()) {
        format!("opd-{s}")
    } else {
        s
    }
}

fn plan(model: &Model, model_text: &str, opds: &[(String, String)]) -> Vec<Planned> {
    let mut files = vec![
        Planned {
            rel: "model.yaml".into(),
            content: model_text.as_bytes().to_vec(),
        },
        Planned {
            rel: "model.schema.json".into(),
            content: crate::input::model::json_schema().into_bytes(),
        },
    ];
    for (name, stem) in opds {
        files.push(Planned {
            rel: Path::new("sheets").join(format!("{stem}.csv")),
            content: crate::output::template::csv_file(model, Some(name)),
        });
    }
    files.push(Planned {
        rel: "README.md".into(),
        content: readme(model, opds).into_bytes(),
    });
    files.push(Planned {
        rel: Path::new("ci").join("spbe.yml"),
        content: CI_SNIPPET.as_bytes().to_vec(),
    });
    files
}

fn readme(model: &Model, opds: &[(String, String)]) -> String {
    let sheets = if opds.len() == 1 && opds[0].0.is_empty() {
        "- `sheets/opd.csv`: an answer-sheet template. Copy it once per OPD (e.g. \
         `sheets/diskominfo.csv`) and write the OPD's name in the `opd` column, or leave the \
         column empty and the file name is used.\n"
            .to_string()
    } else {
        opds.iter()
            .map(|(name, stem)| format!("- `sheets/{stem}.csv`: the answer sheet of {name}.\n"))
            .collect()
    };
    let levels = format!("{} to {}", model.min_level, model.max_level);
    format!(
        "# SPBE evaluation: {name}

Starter folder made by `spbe init` (spbe {version}) for the model {id} ({name}, version \
{model_version}, {status}).

## What is here

- `model.yaml`: a copy of the model. Rename indicators or adjust it if your evaluation needs it; \
editors with the YAML language server check it against `model.schema.json`.
- `model.schema.json`: the JSON Schema of the model format (`spbe schema` prints it again).
{sheets}- `ci/spbe.yml`: a CI job that scores the sheets on every change.

## Each year

1. Every OPD fills in the `level` column of its sheet: a number from {levels}, a level name, or the
   form `3 - Terdefinisi`. Put the evidence file name in `evidence` and any remark in `note`.
   A row left without a level is not answered: an OPD leaves the indicators it does not assess
   empty (a level left empty beside evidence or a note is an error).
2. Score all sheets together, also while some are still coming in:

       spbe score sheets --model model.yaml
       spbe score sheets --model model.yaml --format json -o result.json

   Several OPD answering one indicator are combined with `--combine min` (the default): the level
   every answering OPD has reached. An indicator nobody answered scores {min}, and a sheet with
   no level filled in yet is left out with a warning (`no answers yet from ...`). An OPD that
   sends its sheet again saves it beside the first with a mark (`bappeda (revisi 2).csv`): only
   the latest revision is read, with a warning. `--strict` makes all three errors instead.
3. Keep `result.json`: it carries a receipt (model and sheet checksums) so the result can be
   checked later.

The `code` and `name` columns are there to help whoever fills the sheet in; `spbe` reads
`opd`, `indicator`, `level`, `evidence` and `note`.
",
        name = model.name,
        version = env!("CARGO_PKG_VERSION"),
        id = model.id,
        model_version = model.version,
        status = model.status,
        min = model.min_level,
    )
}

/// A GitHub Actions workflow (adaptable to any CI) that rescores the sheets on every change.
const CI_SNIPPET: &str =
    "# Scores the answer sheets on every push and puts the result in the job summary.
# GitHub Actions: copy to .github/workflows/spbe.yml at the root of your repository and adjust
# `working-directory` to this folder. Other CI systems: run the same three commands.
name: spbe
on:
  push:
  pull_request:
jobs:
  score:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: .
    env:
      # Set this to the git URL of the spbe source (see its docs/install.md for other ways).
      SPBE_GIT_URL: \"\"
    steps:
      - uses: actions/checkout@v4
      - uses: dtolnay/rust-toolchain@stable
      - run: cargo install --locked --git \"$SPBE_GIT_URL\" spbe
      - run: spbe score sheets --model model.yaml --format markdown >> \"$GITHUB_STEP_SUMMARY\"
      - run: spbe score sheets --model model.yaml --format json -o result.json
      - uses: actions/upload-artifact@v4
        with:
          name: spbe-result
          path: result.json
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_file_safe() {
        assert_eq!(slug("Dinas Kesehatan"), "dinas-kesehatan");
        assert_eq!(slug("  Bagian PBJ/ULP "), "bagian-pbj-ulp");
        assert_eq!(slug("BKPSDM"), "bkpsdm");
        assert_eq!(slug("---"), "");
        assert_eq!(slug("CON"), "opd-con", "a name Windows reserves");
    }

    #[test]
    fn the_template_has_one_row_per_indicator() {
        let m = Model::load("spbe-2020").unwrap();
        let csv = crate::output::template::csv_file(&m, Some("Diskominfo"));
        let text = std::str::from_utf8(&csv[3..]).unwrap();
        let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines[0],
            "opd,indicator,code,name,level,evidence,note,choices"
        );
        assert_eq!(lines.len(), 1 + m.indicators.len());
        assert!(lines[1].starts_with("Diskominfo,1,I1,"));
    }
}
