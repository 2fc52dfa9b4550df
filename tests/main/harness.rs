//! The one way the tests run `spbe`: the real binary with a pinned environment, started from the
//! repository root, and scratch folders to write sheets into and run it in (in the manner of
//! ripgrep's test harness).
//!
//! Every test that runs the binary starts from [`spbe`] (or [`Dir::spbe`]; [`spbe_std`] when it
//! needs the raw pipes; [`pin`] for a shell that runs it). A test about another setting says so
//! on top of the pinned one:
//! `.env("LANG", "id_ID.UTF-8").env_remove("LC_ALL")`, `.env_remove("NO_COLOR")`,
//! `.env("COLUMNS", "72")`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root: `examples/`, `tests/data/` and `README.md` are found from here.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The width tables are fitted to. The snapshots of tables were recorded at this width.
pub const COLUMNS: &str = "200";

/// Pins what `spbe` reads from its environment, so that a test gives the same output on every
/// machine: English whatever the user's locale (`LC_ALL` and `LANG` set, `LC_MESSAGES`, which
/// comes between them, removed), no colour (`NO_COLOR`), tables fitted to [`COLUMNS`] and no
/// backtraces; the working folder is the repository root.
pub fn pin(cmd: &mut std::process::Command) -> &mut std::process::Command {
    cmd.current_dir(ROOT)
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .env_remove("LC_MESSAGES")
        .env("NO_COLOR", "1")
        .env("COLUMNS", COLUMNS)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
}

/// The `spbe` binary with the pinned environment ([`pin`]).
pub fn spbe() -> Command {
    Command::from_std(spbe_std())
}

/// The `spbe` binary with the pinned environment as a plain [`std::process::Command`], for the
/// tests that need its pipes themselves (a closed stdout, `/dev/full`).
pub fn spbe_std() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_spbe"));
    pin(&mut cmd);
    cmd
}

/// Runs and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().expect("spbe was killed by a signal"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs, asserts that it succeeded (showing stderr if not) and returns stdout.
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A scratch folder, removed with everything in it when dropped.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.path().join(rel)
    }

    /// Writes `contents` to `rel` inside the folder (creating the folders on the way) and returns
    /// the file's full path as text, ready to be an argument of `spbe`.
    pub fn write(&self, rel: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> String {
        let path = self.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path.display().to_string()
    }

    /// Creates the folder `rel` (and the folders on the way) and returns its full path.
    pub fn mkdir(&self, rel: impl AsRef<Path>) -> PathBuf {
        let path = self.join(rel);
        std::fs::create_dir_all(&path).unwrap();
        path
    }

    /// The text of the file `rel` inside the folder.
    pub fn read(&self, rel: impl AsRef<Path>) -> String {
        let path = self.join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// `spbe` ([`spbe`]) run inside this folder.
    pub fn spbe(&self) -> Command {
        let mut cmd = spbe();
        cmd.current_dir(self.path());
        cmd
    }
}

impl AsRef<Path> for Dir {
    fn as_ref(&self) -> &Path {
        self.path()
    }
}
