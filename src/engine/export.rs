//! A memory (or a filtered part of it) written out as TMX or TSV, streamed.

use std::io::Write;

use crate::formats::tmx::TmxWriter;
use crate::formats::tsv::TsvWriter;
use crate::memory::{ExportFilter, Memory, MemoryError};

/// The formats a memory is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// TMX 1.4b: lossless (inline codes, props, notes, dates).
    Tmx,
    /// `id`, `document`, then one column per language; plain text only.
    Tsv,
}

/// Writes the units `filter` keeps to `out` and hands `out` back.
///
/// TMX: `srclang` in the header is the first language asked for, or `*all*`. TSV: one column
/// per language asked for, or per language stored; tabs and line breaks inside a text become
/// spaces and inline markup is not kept (TMX is the lossless format).
pub fn export<W: Write>(
    memory: &Memory,
    out: W,
    format: ExportFormat,
    filter: &ExportFilter,
) -> Result<W, MemoryError> {
    match format {
        ExportFormat::Tmx => {
            let srclang = filter.langs.first().map_or("*all*", |l| l.tag());
            let mut writer = TmxWriter::start(out, srclang)?;
            memory.export_each(filter, |unit| {
                writer.unit(unit, |key| filter.keeps_variant(key))
            })?;
            Ok(writer.finish()?)
        }
        ExportFormat::Tsv => {
            let columns: Vec<String> = if filter.langs.is_empty() {
                memory
                    .languages()?
                    .into_iter()
                    .map(|(key, _)| key)
                    .collect()
            } else {
                filter.langs.iter().map(|l| l.key().to_string()).collect()
            };
            let mut writer = TsvWriter::start(out, columns)?;
            memory.export_each(filter, |unit| writer.unit(unit))?;
            Ok(writer.finish()?)
        }
    }
}
