//! Export: every unit of the last commit that a filter keeps, visited in turn (the file
//! formats that write them are the engine's).

use super::{Memory, MemoryError};
use crate::model::lang::Lang;
use crate::model::unit::Unit;

/// Which units and variants an export keeps.
///
/// A unit is written only when it holds every language of the export (those asked for, or
/// all the memory holds): a CAT tool handed a multilingual file takes every other `<tuv>` of
/// a unit that lacks its target as translations (OmegaT 3.6 does: Russian text into an
/// Armenian target). `partial` writes the other units too, for backups and interchange,
/// with at least two of the languages asked for (a one-language unit is no translation).
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Languages to write; empty means all.
    pub langs: Vec<Lang>,
    pub document: Option<String>,
    pub outlet: Option<String>,
    /// Only units created or changed at or after this RFC 3339 UTC time.
    pub since: Option<crate::model::time::Timestamp>,
    /// Also write the units that lack one of the export's languages.
    pub partial: bool,
}

/// What an export wrote and what it left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exported {
    pub units: u64,
    /// Units the other conditions kept that lack one of the export's languages (always 0
    /// with `partial`).
    pub incomplete: u64,
}

/// Why a unit is not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Left {
    /// Another document, outlet or time.
    Filtered,
    /// It lacks one of the export's languages.
    Incomplete,
}

impl ExportFilter {
    /// Whether a variant with the matching key `key` is written.
    pub fn keeps_variant(&self, key: &str) -> bool {
        self.langs.is_empty() || self.langs.iter().any(|l| l.key() == key)
    }

    /// Whether `unit` belongs in an export of the languages asked for.
    pub fn keeps(&self, unit: &Unit) -> bool {
        let keys: Vec<&str> = self.langs.iter().map(Lang::key).collect();
        self.check(unit, &keys).is_ok()
    }

    /// Whether `unit` belongs in an export whose languages (by matching key) are `languages`.
    pub fn check(&self, unit: &Unit, languages: &[&str]) -> Result<(), Left> {
        if self.document.is_some() && unit.meta.document != self.document {
            return Err(Left::Filtered);
        }
        if self.outlet.is_some() && unit.meta.outlet != self.outlet {
            return Err(Left::Filtered);
        }
        if let Some(since) = &self.since {
            let last = unit.meta.changed.as_ref().or(unit.meta.created.as_ref());
            if last.is_none_or(|t| t < since) {
                return Err(Left::Filtered);
            }
        }
        let held = languages
            .iter()
            .filter(|k| unit.variants.contains_key(**k))
            .count();
        let needed = if self.partial {
            languages.len().clamp(1, 2)
        } else {
            languages.len().max(1)
        };
        if held < needed {
            return Err(Left::Incomplete);
        }
        Ok(())
    }
}

impl Memory {
    /// The export's languages by matching key: those `filter` asks for, or every language
    /// the memory holds, the most held first (English first among equals: most sources
    /// are English, and readers take the first language for the source).
    pub fn export_languages(&self, filter: &ExportFilter) -> Result<Vec<String>, MemoryError> {
        if !filter.langs.is_empty() {
            return Ok(filter.langs.iter().map(|l| l.key().to_string()).collect());
        }
        let mut held = self.languages()?;
        held.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| (b.0 == "en").cmp(&(a.0 == "en")))
                .then_with(|| a.0.cmp(&b.0))
        });
        Ok(held.into_iter().map(|(key, _)| key).collect())
    }

    /// Hands each unit the filter keeps to `write`, stopping at the first write error;
    /// `languages` are the export's (see [`Memory::export_languages`]).
    pub fn export_each(
        &self,
        filter: &ExportFilter,
        languages: &[String],
        mut write: impl FnMut(&Unit) -> std::io::Result<()>,
    ) -> Result<Exported, MemoryError> {
        let keys: Vec<&str> = languages.iter().map(String::as_str).collect();
        let mut failed = None;
        let mut exported = Exported::default();
        self.for_each_unit(|unit| {
            match filter.check(&unit, &keys) {
                Ok(()) => {}
                Err(Left::Filtered) => return true,
                Err(Left::Incomplete) => {
                    exported.incomplete += 1;
                    return true;
                }
            }
            match write(&unit) {
                Ok(()) => {
                    exported.units += 1;
                    true
                }
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        })?;
        match failed {
            Some(e) => Err(e.into()),
            None => Ok(exported),
        }
    }
}
