//! Seeding: import every seed memory (built into the binary, or the TMX/TSV files of a
//! directory) that the memory has not taken yet.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::formats::FileKind;
use crate::memory::{ImportReport, Memory, MemoryError};
use crate::model::stream::FormatError;

/// The file, in the data directory, that lists the fingerprints of seed files imported.
const SEEDED_FILE: &str = "seeded.txt";

/// The repository's `memories/`, built into the binary, so that an installed `tetraglot`
/// serves the seed memories from any folder.
pub static BUILTIN_SEEDS: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/memories");

/// One seed memory file.
pub enum SeedFile {
    Builtin(&'static include_dir::File<'static>),
    Disk(PathBuf),
}

impl SeedFile {
    /// The name it is logged and recorded under.
    pub fn name(&self) -> String {
        match self {
            SeedFile::Builtin(file) => format!("(built in) memories/{}", file.path().display()),
            SeedFile::Disk(path) => path.display().to_string(),
        }
    }

    fn kind(&self) -> Option<FileKind> {
        match self {
            SeedFile::Builtin(file) => FileKind::from_path(file.path()),
            SeedFile::Disk(path) => FileKind::from_path(path),
        }
    }

    /// A hash of the bytes: the same file under another name or origin is not taken twice
    /// (the built-in memories are the repository's files, so a memory seeded from the
    /// repository's `memories/` before they were built in is not seeded again).
    fn fingerprint(&self) -> std::io::Result<String> {
        let hash = match self {
            SeedFile::Builtin(file) => xxhash_rust::xxh3::xxh3_128(file.contents()),
            SeedFile::Disk(path) => {
                let mut hasher = xxhash_rust::xxh3::Xxh3::new();
                let mut file = std::fs::File::open(path)?;
                let mut buf = vec![0u8; 1 << 16];
                loop {
                    let n = file.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buf[..n]);
                }
                hasher.digest128()
            }
        };
        Ok(format!("{hash:032x}"))
    }

    fn import(&self, memory: &Memory, kind: FileKind) -> Result<ImportReport, MemoryError> {
        // A large seed file is optimised like any large import; the merge runs on its own.
        let imported = match self {
            SeedFile::Builtin(file) => super::import_reader(
                memory,
                std::io::Cursor::new(file.contents()),
                kind,
                crate::memory::Merge::default(),
            ),
            SeedFile::Disk(path) => super::import_file(memory, path, kind, None),
        };
        Ok(imported?.report)
    }
}

/// The built-in seed memories, sorted by name.
pub fn builtin_files() -> Vec<SeedFile> {
    let mut files: Vec<&'static include_dir::File<'static>> = BUILTIN_SEEDS
        .files()
        .filter(|f| FileKind::from_path(f.path()).is_some())
        .collect();
    files.sort_by_key(|f| f.path());
    files.into_iter().map(SeedFile::Builtin).collect()
}

/// The TMX/TSV files of `dir`, sorted by name; a directory that cannot be read (or does not
/// exist) is an error: a mistyped `--seed-dir` must not start an empty memory silently.
pub fn dir_files(dir: &Path) -> std::io::Result<Vec<SeedFile>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| FileKind::from_path(p).is_some())
        .collect();
    files.sort();
    Ok(files.into_iter().map(SeedFile::Disk).collect())
}

/// Imports the `files` that are new since the last run, in order. A file counts as taken
/// once its import is committed; re-importing is harmless anyway, since units merge by id.
pub fn seed(
    memory: &Memory,
    files: &[SeedFile],
    data_dir: &Path,
) -> Result<Vec<(String, ImportReport)>, MemoryError> {
    let record = data_dir.join(SEEDED_FILE);
    let mut seen: BTreeSet<String> = std::fs::read_to_string(&record)
        .unwrap_or_default()
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    let mut reports = Vec::new();
    for file in files {
        let Some(kind) = file.kind() else { continue };
        let print = file.fingerprint()?;
        if seen.contains(&print) {
            continue;
        }
        let name = file.name();
        let report = file.import(memory, kind).map_err(|e| match e {
            MemoryError::Format(f) => MemoryError::Format(FormatError::malformed(
                match &f {
                    FormatError::Malformed { line, .. } => *line,
                    _ => 0,
                },
                format!("{name}: {f}"),
            )),
            other => other,
        })?;
        use std::io::Write;
        let mut out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&record)?;
        out.write_all(format!("{print} {name}\n").as_bytes())?;
        out.sync_all()?;
        seen.insert(print);
        reports.push((name, report));
    }
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_memories_are_built_in() {
        let built_in = builtin_files();
        let on_disk =
            dir_files(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/memories"))).unwrap();
        assert_eq!(built_in.len(), on_disk.len());
        assert!(built_in.len() >= 7);
        for (a, b) in built_in.iter().zip(&on_disk) {
            assert_eq!(a.fingerprint().unwrap(), b.fingerprint().unwrap());
        }
    }

    #[test]
    fn a_missing_seed_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(dir_files(&dir.path().join("nope")).is_err());
    }
}
