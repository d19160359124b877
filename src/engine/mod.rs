//! The engine as a library: a memory together with the file formats, usable without HTTP.
//! What picks a parser for a file (imports, seeding) and what writes a memory out as a file
//! (exports, feeds) lives here, above both `memory` and `formats`, which do not know each
//! other. The HTTP layer and the command line call these functions and add nothing to them.

pub mod aligned;
pub mod export;
pub mod feeds;
pub mod seed;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::formats::FileKind;
use crate::memory::{ImportReport, ImportWatch, Memory, MemoryError, Merge, Pending};
use crate::model::stream::FormatError;

pub use export::{export, ExportFormat};

/// Imports of at least this many new units are followed by [`Memory::optimize`]: lookups then
/// search one segment instead of the dozens a large import leaves.
pub const OPTIMIZE_AFTER_UNITS: u64 = 100_000;

/// A committed import, and the merge queued behind it when it was large.
pub struct Imported {
    pub report: ImportReport,
    /// `Some` when the import added [`OPTIMIZE_AFTER_UNITS`] or more: wait for it, or drop it
    /// to let it run on its own.
    pub optimize: Option<Pending<usize>>,
}

/// Imports a TMX or TSV file from disk as one all-or-nothing commit and waits for it;
/// `progress` hears the bytes read. Blocks: call it off the async workers.
pub fn import_file(
    memory: &Memory,
    path: &Path,
    kind: FileKind,
    progress: Option<Box<dyn Fn(u64) + Send>>,
) -> Result<Imported, MemoryError> {
    import_file_with(memory, path, kind, progress, Merge::default())
}

/// [`import_file`], meeting the stored units as `merge` says.
pub fn import_file_with(
    memory: &Memory,
    path: &Path,
    kind: FileKind,
    progress: Option<Box<dyn Fn(u64) + Send>>,
    merge: Merge,
) -> Result<Imported, MemoryError> {
    let file = std::fs::File::open(path).map_err(FormatError::Io)?;
    import_reader(
        memory,
        ProgressReader {
            inner: file,
            progress,
        },
        kind,
        merge,
    )
}

/// [`import_file_with`], followed through `watch` (bytes read, units read and added) and
/// stopped by it (a task's import): a canceled import answers [`MemoryError::Canceled`]
/// and commits nothing.
pub fn import_file_watched(
    memory: &Memory,
    path: &Path,
    kind: FileKind,
    merge: Merge,
    watch: Arc<ImportWatch>,
) -> Result<Imported, MemoryError> {
    let file = std::fs::File::open(path).map_err(FormatError::Io)?;
    let counter = watch.clone();
    let input = ProgressReader::new(file, move |n| {
        counter.bytes_read.fetch_add(n, Ordering::Relaxed);
    });
    import_items(memory, input, kind, merge, Some(watch))
}

/// [`import_file_with`], for a file's bytes from any reader.
pub fn import_reader(
    memory: &Memory,
    input: impl std::io::Read + Send + 'static,
    kind: FileKind,
    merge: Merge,
) -> Result<Imported, MemoryError> {
    import_items(memory, input, kind, merge, None)
}

fn import_items(
    memory: &Memory,
    input: impl std::io::Read + Send + 'static,
    kind: FileKind,
    merge: Merge,
    watch: Option<Arc<ImportWatch>>,
) -> Result<Imported, MemoryError> {
    let items = kind.read(input, memory.max_text_chars())?;
    let report = memory.import_watched(items, merge, watch).wait()?;
    let optimize = (report.added >= OPTIMIZE_AFTER_UNITS).then(|| memory.optimize());
    Ok(Imported { report, optimize })
}

/// Reports how far a reader has come: `progress` hears the bytes of each read.
pub struct ProgressReader<R> {
    inner: R,
    progress: Option<Box<dyn Fn(u64) + Send>>,
}

impl<R> ProgressReader<R> {
    pub fn new(inner: R, progress: impl Fn(u64) + Send + 'static) -> ProgressReader<R> {
        ProgressReader {
            inner,
            progress: Some(Box::new(progress)),
        }
    }
}

impl<R: std::io::Read> std::io::Read for ProgressReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(progress) = &self.progress {
            progress(n as u64);
        }
        Ok(n)
    }
}
