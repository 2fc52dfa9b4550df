//! Files in: the model YAML and its validation, answer sheets (CSV/TSV in any encoding Excel
//! writes, XLSX/ODS/XLS workbooks), responsibility maps, effort tables and saved results. Every
//! problem is located (file, line, column or sheet and cell). Every file read is noted
//! ([`files_read`]), so that an output never replaces one of them.

pub mod columns;
pub mod crosswalk;
pub mod decode;
pub mod effort;
pub mod external;
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

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A file this run has read: its path, and its identity (device and inode) where the platform
/// has one, which a hard link or another spelling of the path shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRead {
    pub path: PathBuf,
    pub id: Option<(u64, u64)>,
}

static READ: Mutex<Vec<FileRead>> = Mutex::new(Vec::new());

/// The identity of a file from its metadata.
pub fn file_id(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// Notes that `path` was read (`meta`: its metadata when the file is open).
pub fn note_read_with(path: &Path, meta: Option<&std::fs::Metadata>) {
    let id = match meta {
        Some(m) => file_id(m),
        None => std::fs::metadata(path).ok().as_ref().and_then(file_id),
    };
    let mut read = READ.lock().unwrap_or_else(|e| e.into_inner());
    read.push(FileRead {
        path: path.to_path_buf(),
        id,
    });
}

/// Notes that `path` was read.
pub fn note_read(path: &Path) {
    note_read_with(path, None);
}

/// Notes that stdin was read: when it is a file (`spbe score - < in.csv`), that file.
pub fn note_stdin() {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let stdin = std::io::stdin();
        if let Ok(fd) = stdin.as_fd().try_clone_to_owned() {
            let file = std::fs::File::from(fd);
            if let Ok(meta) = file.metadata() {
                if meta.is_file() {
                    note_read_with(Path::new("<stdin>"), Some(&meta));
                }
            }
        }
    }
}

/// Every file read so far.
pub fn files_read() -> Vec<FileRead> {
    READ.lock().unwrap_or_else(|e| e.into_inner()).clone()
}
