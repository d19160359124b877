//! Files that survive `kill -9`: written whole to a temporary file, made durable, renamed
//! over the old one, and the rename made durable with its directory.

use std::io::Write;
use std::path::Path;

/// Replaces `path` with `bytes`, atomically: a reader (or the next start after a crash)
/// sees the old file or the new one whole, never a mix; once this returns, the new one is
/// on disk.
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Makes the entries of `dir` (a rename, a new or removed file) durable.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}
