//! What the memory holds, seen whole: units listed page by page, the numbers of a memory
//! (`Stats`), and every unit of a document removed at once.

use serde::Serialize;

use super::{stored, Memory, MemoryError, Pending};
use crate::index::Touches;
use crate::model::unit::Unit;

/// Which units a listing shows: those of a document, outlet or time (as a lookup can be
/// kept to them), holding a language.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub only: super::MatchFilter,
    /// Units that hold this language key.
    pub lang: Option<String>,
}

impl ListFilter {
    fn keeps(&self, unit: &Unit) -> bool {
        self.only.keeps(unit)
            && self
                .lang
                .as_ref()
                .is_none_or(|l| unit.variants.contains_key(l))
    }
}

/// One page of a listing, in id order.
#[derive(Debug, Clone)]
pub struct UnitPage {
    pub units: Vec<Unit>,
    /// Pass it back as `after` for the next page; `None` on the last one.
    pub next: Option<String>,
}

/// The numbers of a memory.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Stats {
    pub units: u64,
    /// Units per language key.
    pub languages: std::collections::BTreeMap<String, u64>,
    /// Units per pair of language keys (`en-hy`: units holding both).
    pub pairs: std::collections::BTreeMap<String, u64>,
    /// Distinct documents (`x-document`) among the units.
    pub documents: u64,
    /// Bytes the data directory takes on disk.
    pub index_bytes: u64,
    /// When the last commit was written (RFC 3339, UTC), if there is one.
    pub last_commit: Option<String>,
}

/// The bytes of the files below `dir`.
fn size_of(dir: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => size_of(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

impl Memory {
    /// Up to `limit` units that `filter` keeps, in id order, after the id `after`.
    pub fn list_units(
        &self,
        filter: &ListFilter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<UnitPage, MemoryError> {
        let mut units = Vec::new();
        let mut more = false;
        let mut failed = None;
        self.index.snapshot().by_id_after(after, |bytes| {
            match stored::decode(&bytes) {
                Ok(unit) if filter.keeps(&unit) => {
                    if units.len() == limit {
                        more = true;
                        return Ok(false);
                    }
                    units.push(unit);
                }
                Ok(_) => {}
                Err(e) => {
                    failed = Some(e);
                    return Ok(false);
                }
            }
            Ok(true)
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
        let next = more
            .then(|| units.last().map(|u| u.id.to_string()))
            .flatten();
        Ok(UnitPage { units, next })
    }

    /// The memory's numbers, as of the last commit.
    pub fn stats(&self) -> Result<Stats, MemoryError> {
        let snapshot = self.index.snapshot();
        let languages: std::collections::BTreeMap<String, u64> =
            self.languages()?.into_iter().collect();
        let keys: Vec<&String> = languages.keys().collect();
        let mut pairs = std::collections::BTreeMap::new();
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                let n = snapshot.pair_count(a, b)?;
                if n > 0 {
                    pairs.insert(format!("{a}-{b}"), n);
                }
            }
        }
        let last_commit = std::fs::metadata(self.dir.join("meta.json"))
            .and_then(|m| m.modified())
            .ok()
            .map(|t| {
                let t: time::OffsetDateTime = t.into();
                crate::model::time::canonical(
                    &t.format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default(),
                )
                .unwrap_or_default()
            });
        Ok(Stats {
            units: self.unit_count(),
            languages,
            pairs,
            documents: snapshot.document_count()?,
            index_bytes: size_of(&self.dir),
            last_commit,
        })
    }

    /// Removes every unit of `document` (committed before this call) in one commit; how many.
    pub fn delete_document(&self, document: String) -> Pending<u64> {
        self.write(Touches::Any, false, move |session| {
            let mut removed = 0;
            for payload in session.with_document(&document)? {
                let id = stored::decode(&payload)?.id;
                if session.delete(&id)? {
                    removed += 1;
                }
            }
            Ok(removed)
        })
    }
}
