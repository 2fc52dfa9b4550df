//! Where results go (`-o`), and the promise that writing them never destroys anything:
//!
//! - a file is written to a temporary name beside it and renamed into place, so an interrupted
//!   run never leaves half a report; the temporary file is removed on an error, a panic, and on
//!   SIGINT, SIGTERM, SIGHUP or SIGQUIT (a signal hook unlinks it before the signal ends the run);
//! - a link is followed: the file it points to is replaced, the link stays;
//! - `/dev/stdout`, `/dev/fd/1` and `/proc/self/fd/1` are stdout itself (2: stderr); a device, a
//!   FIFO, another `/dev/fd/N` or anything a link leads to through `/dev/fd` or `/proc` is
//!   written through (appending), never renamed over (as root, renaming over `/dev/stdout`
//!   replaced it with a regular file);
//! - every file the run has read (answer sheets, stdin's file, models, maps, effort files,
//!   baselines and results) is an input that an output may not replace, however it is named
//!   (another path, a hard link);
//! - on a terminal, control characters are escaped in everything written (colour excepted).

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// A destination for one command's output.
pub enum Output {
    Stdout(BufWriter<TerminalGuard<io::StdoutLock<'static>>>),
    /// `/dev/stderr` and its aliases.
    Stderr(BufWriter<io::Stderr>),
    /// An existing destination that is not a regular file (a device such as /dev/null, a FIFO,
    /// /dev/fd/N): written in place, since renaming over it would replace it.
    Special(BufWriter<std::fs::File>, PathBuf),
    File(TempOutput),
}

/// A file being written under a temporary name, renamed to `dest` when finished.
pub struct TempOutput {
    /// `None` once persisted.
    tmp: Option<BufWriter<tempfile::NamedTempFile>>,
    /// Where it goes (a link resolved to the file it points to).
    dest: PathBuf,
    /// The path as the user gave it, for messages.
    shown: PathBuf,
    armed: signals::Armed,
}

impl Drop for TempOutput {
    fn drop(&mut self) {
        // The temporary file deletes itself when dropped (`NamedTempFile`); the signal hook
        // must not outlive it.
        self.armed.disarm();
    }
}

/// What `-o PATH` names, once links are followed.
enum Target {
    Stdout,
    Stderr,
    /// Written in place: a device, a FIFO, something in /dev or /proc.
    Through(PathBuf),
    /// A regular file (existing or not) to replace atomically at this path.
    File(PathBuf),
}

impl Output {
    /// `None` or `-` is stdout. A file must not be one of `inputs` nor any file the run has read
    /// (nor inside an input folder with a name the inputs would read).
    pub fn create(path: Option<&Path>, inputs: &[PathBuf]) -> Result<Output> {
        let Some(dest) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(stdout());
        };
        refuse_inputs(dest, inputs)?;
        let file = match target(dest)? {
            Target::Stdout => return Ok(stdout()),
            Target::Stderr => return Ok(Output::Stderr(BufWriter::new(io::stderr()))),
            Target::Through(p) => {
                let file = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&p)
                    .with_context(|| format!("cannot write to {}", dest.display()))?;
                return Ok(Output::Special(BufWriter::new(file), dest.to_path_buf()));
            }
            Target::File(file) => file,
        };
        let dir = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            bail!(
                "-o {}: the folder {} does not exist; create it first or write elsewhere",
                dest.display(),
                dir.display()
            );
        }
        // The name is published to the signal hook before the file exists, so that no moment
        // is left in which a signal could end the run with the file there and unknown.
        let mut armed: Option<signals::Armed> = None;
        let tmp = tempfile::Builder::new()
            .prefix(".spbe-")
            .suffix(".tmp")
            .make_in(&dir, |path| {
                armed = Some(signals::arm(path));
                let mut file = std::fs::OpenOptions::new();
                file.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
                file.open(path)
            });
        let tmp = match tmp {
            Ok(tmp) => tmp,
            Err(e) => {
                if let Some(a) = armed.as_mut() {
                    a.disarm();
                }
                return Err(e)
                    .with_context(|| format!("cannot create a file in {}", dir.display()));
            }
        };
        let armed = armed.expect("the file was named before it was made");
        crate::output::term::set_output_is_file();
        Ok(Output::File(TempOutput {
            tmp: Some(BufWriter::new(tmp)),
            dest: file,
            shown: dest.to_path_buf(),
            armed,
        }))
    }

    /// True when writing to a regular file (not a terminal, pipe or device).
    pub fn is_file(&self) -> bool {
        matches!(self, Output::File(_))
    }

    /// Flushes and, for a file, renames it into place.
    pub fn finish(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().context("cannot write to stdout"),
            Output::Stderr(mut w) => w.flush().context("cannot write to stderr"),
            Output::Special(mut w, dest) => w
                .flush()
                .with_context(|| format!("cannot write to {}", dest.display())),
            Output::File(mut out) => {
                let tmp = out.tmp.take().expect("a file output is persisted once");
                let tmp = tmp
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .context("cannot write the output")?;
                tmp.as_file()
                    .sync_all()
                    .context("cannot write the output")?;
                set_permissions(tmp.path(), &out.dest);
                tmp.persist(&out.dest)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot write {}", out.shown.display()))?;
                crate::output::term::verbose(format!("wrote {}", out.shown.display()));
                Ok(())
            }
        }
    }
}

fn stdout() -> Output {
    let guard = TerminalGuard::new(io::stdout().lock(), io::stdout().is_terminal());
    Output::Stdout(BufWriter::new(guard))
}

/// The streams `/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1` (and 2 for stderr) name.
fn stream(path: &Path) -> Option<u8> {
    let text = path.to_str()?;
    for (fd, names) in [
        (1, ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]),
        (2, ["/dev/stderr", "/dev/fd/2", "/proc/self/fd/2"]),
    ] {
        if names.contains(&text) {
            return Some(fd);
        }
    }
    None
}

/// True when `path` is a process's file descriptor (`/dev/fd/N`, `/proc/self/fd/N`), or a link
/// on the way to it leads to one: the file the shell opened, to write through, not replace.
fn through_fd(path: &Path) -> bool {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        if p.starts_with("/dev/fd") || p.starts_with("/proc") || p.starts_with("/dev/std") {
            return true;
        }
        match std::fs::read_link(&p) {
            Ok(next) => {
                p = match p.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                }
            }
            Err(_) => return false,
        }
    }
    false
}

/// Where `-o dest` writes, links followed.
fn target(dest: &Path) -> Result<Target> {
    match stream(dest) {
        Some(1) => return Ok(Target::Stdout),
        Some(_) => return Ok(Target::Stderr),
        None => {}
    }
    let link = std::fs::symlink_metadata(dest).ok();
    match std::fs::metadata(dest) {
        Ok(meta) if meta.is_dir() => bail!(
            "-o {}: that is a folder; give a file name, e.g. -o {}",
            dest.display(),
            dest.join("result.json").display()
        ),
        Ok(meta) if !meta.is_file() || through_fd(dest) => Ok(Target::Through(dest.into())),
        Ok(_) if link.as_ref().is_some_and(|l| l.file_type().is_symlink()) => {
            // Replace the file the link points to; the link stays a link.
            Ok(Target::File(std::fs::canonicalize(dest).with_context(
                || format!("cannot follow the link {}", dest.display()),
            )?))
        }
        Ok(_) => Ok(Target::File(dest.into())),
        Err(_) if link.is_some() => bail!(
            "-o {}: it is a link to a file that does not exist; give the file itself",
            dest.display()
        ),
        Err(_) => Ok(Target::File(dest.into())),
    }
}

/// Refuses a destination that is a file the run has read or is given as an input, or that is
/// inside an input folder under a name the folder's sheets have.
fn refuse_inputs(dest: &Path, inputs: &[PathBuf]) -> Result<()> {
    if let Ok(meta) = std::fs::metadata(dest) {
        let dest_id = crate::input::file_id(&meta);
        let dest_abs = std::fs::canonicalize(dest).ok();
        let same = |id: Option<(u64, u64)>, path: &Path| match (dest_id, id) {
            (Some(a), Some(b)) => a == b,
            _ => dest_abs.is_some() && std::fs::canonicalize(path).ok() == dest_abs,
        };
        let named = inputs.iter().map(|p| {
            let id = std::fs::metadata(p)
                .ok()
                .as_ref()
                .and_then(crate::input::file_id);
            (p.clone(), id)
        });
        let read = crate::input::files_read()
            .into_iter()
            .map(|f| (f.path, f.id));
        for (path, id) in named.chain(read) {
            if meta.is_file() && same(id, &path) {
                let what = if path.as_os_str() == "<stdin>" {
                    "it is the file stdin reads"
                } else {
                    "it is one of the inputs"
                };
                bail!(
                    "refusing to write the output to {}: {what}; choose another file name with -o",
                    dest.display()
                );
            }
        }
    }
    // A report written into an input folder under a sheet's name would be read as an answer
    // sheet next time.
    if crate::input::sheets::is_sheet_name(dest) {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
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
    Ok(())
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
            Output::Stderr(_) => "stderr".to_string(),
            Output::Special(_, p) => p.display().to_string(),
            Output::File(out) => out.shown.display().to_string(),
        };
        io::Error::new(e.kind(), format!("cannot write to {place}: {e}"))
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::Stdout(w) => w,
            Output::Stderr(w) => w,
            Output::Special(w, _) => w,
            Output::File(out) => out.tmp.as_mut().expect("written before it is persisted"),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = self.writer().write(buf);
        r.map_err(|e| self.located(e))
    }

    // serde_json writes token by token: straight to the buffer's fast path, not through the
    // default loop over `write`.
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let r = self.writer().write_all(buf);
        r.map_err(|e| self.located(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = self.writer().flush();
        r.map_err(|e| self.located(e))
    }
}

/// Writes to a terminal with its control characters escaped (`\u{1b}`), whatever a command
/// prints: only colour (`ESC [ … m`) passes. Off when not writing to a terminal.
pub struct TerminalGuard<W> {
    inner: W,
    on: bool,
    /// An escape sequence or a two-byte character begun in one write and not yet ended.
    held: Vec<u8>,
}

impl<W: Write> TerminalGuard<W> {
    pub fn new(inner: W, on: bool) -> Self {
        TerminalGuard {
            inner,
            on,
            held: Vec::new(),
        }
    }

    fn escape(out: &mut Vec<u8>, c: u32) {
        let _ = write!(out, "\\u{{{c:x}}}");
    }
}

impl<W: Write> Write for TerminalGuard<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.on {
            return self.inner.write(buf);
        }
        let mut out = Vec::with_capacity(buf.len() + 16);
        let mut bytes = std::mem::take(&mut self.held);
        bytes.extend_from_slice(buf);
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match b {
                0x1b => {
                    // Colour: ESC [ digits and semicolons m.
                    let params = bytes[i + 1..]
                        .iter()
                        .skip(1)
                        .take_while(|c| c.is_ascii_digit() || **c == b';')
                        .count();
                    let end = i + 2 + params;
                    if bytes.get(i + 1).is_none()
                        || (bytes.get(i + 1) == Some(&b'[') && end >= bytes.len() && params < 32)
                    {
                        self.held = bytes[i..].to_vec();
                        break;
                    }
                    if bytes.get(i + 1) == Some(&b'[') && bytes.get(end) == Some(&b'm') {
                        out.extend_from_slice(&bytes[i..=end]);
                        i = end + 1;
                        continue;
                    }
                    Self::escape(&mut out, 0x1b);
                }
                b'\n' | b'\t' => out.push(b),
                0..=0x1f | 0x7f => Self::escape(&mut out, b as u32),
                0xc2 => match bytes.get(i + 1) {
                    None => {
                        self.held = vec![b];
                        break;
                    }
                    Some(&c @ 0x80..=0x9f) => {
                        Self::escape(&mut out, c as u32);
                        i += 2;
                        continue;
                    }
                    Some(_) => out.push(b),
                },
                _ => out.push(b),
            }
            i += 1;
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.held.is_empty() {
            let held = std::mem::take(&mut self.held);
            let mut out = Vec::new();
            for b in held {
                match b {
                    0x1b => Self::escape(&mut out, 0x1b),
                    _ => out.push(b),
                }
            }
            self.inner.write_all(&out)?;
        }
        self.inner.flush()
    }
}

/// Makes text safe in a spreadsheet cell (see [`crate::output::escape::spreadsheet`]).
pub use crate::output::escape::spreadsheet as neutralize;

/// The signal hook that removes a temporary output when the run is interrupted: its path is
/// published where the handler finds it, the handler unlinks it, restores the signal's default
/// action and raises the signal again (so the run still ends as the signal asked).
#[cfg(unix)]
mod signals {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::ptr::null_mut;
    use std::sync::Once;
    use std::sync::atomic::{AtomicPtr, Ordering};

    /// The temporary file to remove, as a C string; null when none.
    static PENDING: AtomicPtr<libc::c_char> = AtomicPtr::new(null_mut());

    const SIGNALS: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

    extern "C" fn on_signal(sig: libc::c_int) {
        let path = PENDING.swap(null_mut(), Ordering::SeqCst);
        // SAFETY: unlink, signal and raise are async-signal-safe; `path` is a C string that
        // was leaked for the handler (never freed once taken here).
        unsafe {
            if !path.is_null() {
                libc::unlink(path);
            }
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }

    fn install() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| {
            for sig in SIGNALS {
                // SAFETY: plain sigaction calls with zeroed, then filled, structures.
                unsafe {
                    let mut old: libc::sigaction = std::mem::zeroed();
                    if libc::sigaction(sig, std::ptr::null(), &mut old) != 0 {
                        continue;
                    }
                    // A signal the run was started to ignore (nohup) stays ignored.
                    if old.sa_sigaction == libc::SIG_IGN {
                        continue;
                    }
                    let mut new: libc::sigaction = std::mem::zeroed();
                    new.sa_sigaction = on_signal as *const () as libc::sighandler_t;
                    new.sa_flags = libc::SA_RESTART;
                    libc::sigemptyset(&mut new.sa_mask);
                    libc::sigaction(sig, &new, std::ptr::null_mut());
                }
            }
        });
    }

    /// The path handed to the handler, to take back when the file is gone.
    pub struct Armed(*mut libc::c_char);

    /// Publishes `path` for the handler (installed on first use).
    pub fn arm(path: &Path) -> Armed {
        let Ok(c) = CString::new(path.as_os_str().as_bytes()) else {
            return Armed(null_mut());
        };
        install();
        let raw = c.into_raw();
        let old = PENDING.swap(raw, Ordering::SeqCst);
        if !old.is_null() {
            // SAFETY: `old` came from `CString::into_raw` and the handler no longer has it.
            drop(unsafe { CString::from_raw(old) });
        }
        Armed(raw)
    }

    impl Armed {
        /// Takes the path back if it is still the one published (the file is persisted or
        /// deleted).
        pub fn disarm(&mut self) {
            let raw = std::mem::replace(&mut self.0, null_mut());
            if raw.is_null() {
                return;
            }
            if PENDING
                .compare_exchange(raw, null_mut(), Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                // SAFETY: taken back from PENDING, so the handler cannot have it.
                drop(unsafe { CString::from_raw(raw) });
            }
        }
    }
}

#[cfg(not(unix))]
mod signals {
    use std::path::Path;

    pub struct Armed;

    /// No signal hook here: a console's Ctrl+C may leave the temporary file.
    pub fn arm(_: &Path) -> Armed {
        Armed
    }

    impl Armed {
        pub fn disarm(&mut self) {}
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
    fn a_terminal_sees_colour_but_no_other_escape() {
        let run = |pieces: &[&[u8]]| {
            let mut g = TerminalGuard::new(Vec::new(), true);
            for p in pieces {
                g.write_all(p).unwrap();
            }
            g.flush().unwrap();
            String::from_utf8(g.inner).unwrap()
        };
        assert_eq!(
            run(&[b"\x1b[1m\x1b[33mBaik\x1b[0m\n"]),
            "\x1b[1m\x1b[33mBaik\x1b[0m\n"
        );
        assert_eq!(
            run(&[b"a\x1b]0;title\x07b\r\x1b[2J\x7f"]),
            "a\\u{1b}]0;title\\u{7}b\\u{d}\\u{1b}[2J\\u{7f}"
        );
        // Sequences split between writes, a C1 control in UTF-8.
        assert_eq!(run(&[b"x\x1b", b"[3", b"1mred"]), "x\x1b[31mred");
        assert_eq!(run(&[b"\xc2", b"\x9b2J \xc3\xa9"]), "\\u{9b}2J é");
        assert_eq!(run(&[b"end\x1b"]), "end\\u{1b}");
    }
}
