//! Seeding: import every TMX/TSV file of a directory that the memory has not taken yet.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::formats::FileKind;
use crate::memory::{ImportReport, Memory, MemoryError};
use crate::model::stream::FormatError;

/// The file, in the data directory, that lists the fingerprints of seed files imported.
const SEEDED_FILE: &str = "seeded.txt";

fn fingerprint(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes)))
}

/// Imports the files of `seed_dir` (sorted by name) that are new since the last run. A file
/// counts as taken once its import is committed; re-importing is harmless anyway, since units
/// merge by id.
pub fn seed_from_dir(
    memory: &Memory,
    seed_dir: &Path,
    data_dir: &Path,
) -> Result<Vec<(PathBuf, ImportReport)>, MemoryError> {
    let record = data_dir.join(SEEDED_FILE);
    let mut seen: BTreeSet<String> = std::fs::read_to_string(&record)
        .unwrap_or_default()
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(seed_dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| FileKind::from_path(p).is_some())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    files.sort();
    let mut reports = Vec::new();
    for path in files {
        let print = fingerprint(&path)?;
        if seen.contains(&print) {
            continue;
        }
        let kind = FileKind::from_path(&path).expect("filtered above");
        // A large seed file is optimised like any large import; the merge runs on its own.
        let report = super::import_file(memory, &path, kind, None)
            .map_err(|e| match e {
                MemoryError::Format(f) => MemoryError::Format(FormatError::malformed(
                    match &f {
                        FormatError::Malformed { line, .. } => *line,
                        _ => 0,
                    },
                    format!("{}: {f}", path.display()),
                )),
                other => other,
            })?
            .report;
        let mut line = format!("{print} {}\n", path.display());
        use std::io::Write;
        let mut out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&record)?;
        out.write_all(line.as_bytes())?;
        out.sync_all()?;
        line.clear();
        seen.insert(print);
        reports.push((path, report));
    }
    Ok(reports)
}
