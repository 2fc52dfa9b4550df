//! Where results go: stdout, or a file written to a temporary name and renamed into place, so an
//! interrupted run never leaves half a report, and never over an input file.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// A destination for one command's output.
pub enum Output {
    Stdout(BufWriter<io::StdoutLock<'static>>),
    File {
        tmp: BufWriter<tempfile::NamedTempFile>,
        dest: PathBuf,
    },
}

impl Output {
    /// `None` or `-` is stdout. A file must not be one of `inputs` (nor inside an input folder
    /// with a name the inputs would read).
    pub fn create(path: Option<&Path>, inputs: &[PathBuf]) -> Result<Output> {
        let Some(dest) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output::Stdout(BufWriter::new(io::stdout().lock())));
        };
        if let Ok(dest_abs) = std::fs::canonicalize(dest) {
            for input in inputs {
                if let Ok(in_abs) = std::fs::canonicalize(input) {
                    if in_abs == dest_abs {
                        bail!(
                            "refusing to write the output to {}: it is one of the inputs; choose another file name with -o",
                            dest.display()
                        );
                    }
                }
            }
        }
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".spbe-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .with_context(|| format!("cannot create a file in {}", dir.display()))?;
        Ok(Output::File {
            tmp: BufWriter::new(tmp),
            dest: dest.to_path_buf(),
        })
    }

    /// True when writing to a file (not a terminal or pipe).
    pub fn is_file(&self) -> bool {
        matches!(self, Output::File { .. })
    }

    /// Flushes and, for a file, renames it into place.
    pub fn finish(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().context("cannot write to stdout"),
            Output::File { tmp, dest } => {
                let tmp = tmp
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .context("cannot write the output")?;
                tmp.as_file()
                    .sync_all()
                    .context("cannot write the output")?;
                set_permissions(tmp.path(), &dest);
                tmp.persist(&dest)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot write {}", dest.display()))?;
                Ok(())
            }
        }
    }
}

/// A temporary file is private (0600); the report gets the replaced file's permissions, or the
/// usual 0644 for a new file.
fn set_permissions(tmp: &Path, dest: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dest)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0o644);
        let _ = std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (tmp, dest);
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File { tmp, .. } => tmp.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File { tmp, .. } => tmp.flush(),
        }
    }
}

/// Makes text from answer sheets safe in a spreadsheet: a cell that starts with `=`, `+`, `-`,
/// `@`, tab or CR would run as a formula in Excel, so it gets a leading apostrophe.
pub fn neutralize(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}
