//! Export: every unit (or a filtered part) written as TMX or TSV, streamed.

use std::io::Write;

use super::unit::Unit;
use super::{Memory, MemoryError};
use crate::formats::tmx::TmxWriter;
use crate::lang::Lang;

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
    fn keeps_variant(&self, key: &str) -> bool {
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
    fn write_each(
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

    /// Writes the memory as TMX 1.4b; `srclang` in the header is the first language asked
    /// for, or `*all*`.
    pub fn export_tmx<W: Write>(&self, out: W, filter: &ExportFilter) -> Result<W, MemoryError> {
        let srclang = filter.langs.first().map_or("*all*", |l| l.tag());
        let mut writer = TmxWriter::start(out, srclang)?;
        self.write_each(filter, |unit| {
            writer.unit(unit, |key| filter.keeps_variant(key))
        })?;
        Ok(writer.finish()?)
    }

    /// Writes the memory as TSV: `id`, `document`, then one column per language. Tabs and
    /// line breaks inside a text become spaces, and inline markup is not kept: TMX is the
    /// lossless format.
    pub fn export_tsv<W: Write>(
        &self,
        mut out: W,
        filter: &ExportFilter,
    ) -> Result<W, MemoryError> {
        let columns: Vec<String> = if filter.langs.is_empty() {
            self.languages()?.into_iter().map(|(key, _)| key).collect()
        } else {
            filter.langs.iter().map(|l| l.key().to_string()).collect()
        };
        write!(out, "id\tdocument")?;
        for column in &columns {
            write!(out, "\t{column}")?;
        }
        writeln!(out)?;
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        self.write_each(filter, |unit| {
            let mut line = format!(
                "{}\t{}",
                clean(&unit.id),
                clean(unit.meta.document.as_deref().unwrap_or(""))
            );
            for column in &columns {
                line.push('\t');
                if let Some(v) = unit.variants.get(column) {
                    line.push_str(&clean(&v.text));
                }
            }
            line.push('\n');
            out.write_all(line.as_bytes())
        })?;
        out.flush()?;
        Ok(out)
    }
}
