//! Export: every unit of the last commit that a filter keeps, visited in turn (the file
//! formats that write them are the engine's).

use super::{Memory, MemoryError};
use crate::model::lang::Lang;
use crate::model::unit::Unit;

/// Which units and variants an export keeps.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Languages to write; empty means all. With two or more, a unit needs at least two of
    /// them to be written (a one-language unit is no translation).
    pub langs: Vec<Lang>,
    pub document: Option<String>,
    pub outlet: Option<String>,
    /// Only units created or changed at or after this RFC 3339 UTC time.
    pub since: Option<String>,
}

impl ExportFilter {
    /// Whether a variant with the matching key `key` is written.
    pub fn keeps_variant(&self, key: &str) -> bool {
        self.langs.is_empty() || self.langs.iter().any(|l| l.key() == key)
    }

    /// Whether `unit` belongs in the export.
    pub fn keeps(&self, unit: &Unit) -> bool {
        if self.document.is_some() && unit.meta.document != self.document {
            return false;
        }
        if self.outlet.is_some() && unit.meta.outlet != self.outlet {
            return false;
        }
        if let Some(since) = &self.since {
            let last = unit.meta.changed.as_ref().or(unit.meta.created.as_ref());
            if last.is_none_or(|t| t < since) {
                return false;
            }
        }
        let wanted = unit
            .variants
            .keys()
            .filter(|k| self.keeps_variant(k))
            .count();
        wanted >= self.langs.len().clamp(1, 2)
    }
}

impl Memory {
    /// Hands each unit the filter keeps to `write`, stopping at the first write error.
    pub fn export_each(
        &self,
        filter: &ExportFilter,
        mut write: impl FnMut(&Unit) -> std::io::Result<()>,
    ) -> Result<(), MemoryError> {
        let mut failed = None;
        self.for_each_unit(|unit| {
            if !filter.keeps(&unit) {
                return true;
            }
            match write(&unit) {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        })?;
        match failed {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}
