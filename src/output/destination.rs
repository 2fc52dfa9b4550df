//! Where results go: stdout, or a file written to a temporary name and renamed into place, so an
//! interrupted run never leaves half a report, and never over an input file.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// A destination for one command's output.
pub enum Output {
    Stdout(BufWriter<io::StdoutLock<'static>>),
    /// An existing destination that is not a regular file (a device such as /dev/null, a FIFO,
    /// /dev/fd/N): written in place, since renaming over it would replace it.
    Special(BufWriter<std::fs::File>, PathBuf),
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
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
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
        // A report written into an input folder under a sheet's name would be read as an
        // answer sheet next time.
        if crate::input::sheets::is_sheet_name(dest) {
            if let Ok(dir_abs) = std::fs::canonicalize(dir) {
                for input in inputs {
                    if std::fs::canonicalize(input).is_ok_and(|i| i == dir_abs && i.is_dir()) {
                        bail!(
                            "refusing to write the output to {}: it is inside the input folder {} and would be read as an answer sheet next time; write it elsewhere",
                            dest.display(),
                            input.display()
                        );
                    }
                }
            }
        }
        if let Ok(meta) = std::fs::metadata(dest) {
            if meta.is_dir() {
                bail!(
                    "-o {}: that is a folder; give a file name, e.g. -o {}",
                    dest.display(),
                    dest.join("result.json").display()
                );
            }
            if !meta.is_file() {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(dest)
                    .with_context(|| format!("cannot write to {}", dest.display()))?;
                return Ok(Output::Special(BufWriter::new(file), dest.to_path_buf()));
            }
        }
        if !dir.is_dir() {
            bail!(
                "-o {}: the folder {} does not exist; create it first or write elsewhere",
                dest.display(),
                dir.display()
            );
        }
        let tmp = tempfile::Builder::new()
            .prefix(".spbe-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .with_context(|| format!("cannot create a file in {}", dir.display()))?;
        crate::output::term::set_output_is_file();
        Ok(Output::File {
            tmp: BufWriter::new(tmp),
            dest: dest.to_path_buf(),
        })
    }

    /// True when writing to a regular file (not a terminal, pipe or device).
    pub fn is_file(&self) -> bool {
        matches!(self, Output::File { .. })
    }

    /// Flushes and, for a file, renames it into place.
    pub fn finish(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().context("cannot write to stdout"),
            Output::Special(mut w, dest) => w
                .flush()
                .with_context(|| format!("cannot write to {}", dest.display())),
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
                crate::output::term::verbose(format!("wrote {}", dest.display()));
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

impl Output {
    /// Says where a write failed ("cannot write to stdout: No space left on device"), keeping
    /// the error's kind so that a closed pipe is still recognised as one.
    fn located(&self, e: io::Error) -> io::Error {
        let place = match self {
            Output::Stdout(_) => "stdout".to_string(),
            Output::Special(_, p) | Output::File { dest: p, .. } => p.display().to_string(),
        };
        io::Error::new(e.kind(), format!("cannot write to {place}: {e}"))
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = match self {
            Output::Stdout(w) => w.write(buf),
            Output::Special(w, _) => w.write(buf),
            Output::File { tmp, .. } => tmp.write(buf),
        };
        r.map_err(|e| self.located(e))
    }

    // serde_json writes token by token: straight to the buffer's fast path, not through the
    // default loop over `write`.
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let r = match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::Special(w, _) => w.write_all(buf),
            Output::File { tmp, .. } => tmp.write_all(buf),
        };
        r.map_err(|e| self.located(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = match self {
            Output::Stdout(w) => w.flush(),
            Output::Special(w, _) => w.flush(),
            Output::File { tmp, .. } => tmp.flush(),
        };
        r.map_err(|e| self.located(e))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unfinished_output_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("report.csv");
        let mut out = Output::create(Some(&dest), &[]).unwrap();
        out.write_all(b"half a report").unwrap();
        drop(out);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

        let mut out = Output::create(Some(&dest), &[]).unwrap();
        out.write_all(b"whole").unwrap();
        out.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644);
        }
    }

    #[test]
    fn formula_starts_are_neutralized() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralize(bad), format!("'{bad}"));
        }
        for ok in ["Diskominfo", "1.30", "a=b", ""] {
            assert_eq!(neutralize(ok), ok);
        }
    }
}
