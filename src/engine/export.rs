//! A memory (or a filtered part of it) written out as TMX or TSV, streamed.

use std::io::Write;

use crate::formats::tmx::TmxWriter;
use crate::formats::tsv::TsvWriter;
use crate::memory::{ExportFilter, Exported, Memory, MemoryError};

/// The formats a memory is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// TMX 1.4b: lossless (inline codes, props, notes, dates).
    Tmx,
    /// `id`, `document`, then one column per language; plain text only.
    Tsv,
}

/// Writes the units `filter` keeps to `out` and hands `out` back with what was written.
///
/// The export's languages are those asked for or, by default, every language the memory
/// holds; a unit lacking one of them is left out unless `filter.partial` (see
/// [`ExportFilter`]). TMX: `srclang` in the header is the first language asked for, or the
/// language the most units hold; a TMX that left units out ends with a comment saying how
/// many. TSV: one column per language; tabs and line breaks inside a text become spaces and
/// inline markup is not kept (TMX is the lossless format).
pub fn export<W: Write>(
    memory: &Memory,
    out: W,
    format: ExportFormat,
    filter: &ExportFilter,
) -> Result<(W, Exported), MemoryError> {
    let languages = memory.export_languages(filter)?;
    match format {
        ExportFormat::Tmx => {
            let srclang = match filter.langs.first() {
                Some(lang) => lang.tag(),
                None => languages.first().map_or("*all*", String::as_str),
            };
            let mut writer = TmxWriter::start(out, srclang)?;
            let exported = memory.export_each(filter, &languages, |unit| {
                writer.unit(unit, |key| filter.keeps_variant(key))
            })?;
            if exported.incomplete > 0 {
                writer.comment(&format!(
                    "{} units left out: each lacks one of {}; partial=true writes them too (not for CAT tools)",
                    exported.incomplete,
                    languages.join(", ")
                ))?;
            }
            Ok((writer.finish()?, exported))
        }
        ExportFormat::Tsv => {
            // Columns in the order asked for, or by tag.
            let mut columns = languages.clone();
            if filter.langs.is_empty() {
                columns.sort();
            }
            let mut writer = TsvWriter::start(out, columns)?;
            let exported = memory.export_each(filter, &languages, |unit| writer.unit(unit))?;
            Ok((writer.finish()?, exported))
        }
    }
}
