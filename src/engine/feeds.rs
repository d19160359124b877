//! Bilingual TMX feeds for a CAT tool's project (OmegaT's `tm/auto/`): the units that have
//! both languages (optionally one document's, one outlet's, or those changed since a time),
//! with only those two variants, written in the shape OmegaT 3.6 applies (see
//! `plugins/omegat/NOTES.md`): the header's `srclang` is the source tag, every `<tuv>`
//! carries the tag asked for, no OmegaT context props (`file`, `id`, `prev`, `next`, `path`,
//! which would make an entry a context-bound alternative), and each `<seg>` is the sentence
//! without surrounding spaces.
//!
//! A feed is written from one [`Snapshot`], and its [`Feed::etag`] is a hash of that
//! snapshot's commit and of the feed's parameters: the ETag names exactly the bytes written.

use crate::formats::tmx::TmxWriter;
use crate::memory::{ExportFilter, MemoryError, Snapshot};
use crate::model::lang::Lang;
use crate::model::unit::Unit;

/// Prop types that OmegaT reads as the context of an entry: an entry that has one becomes an
/// "alternative translation" bound to that file or segment instead of a plain match.
const OMEGAT_CONTEXT_PROPS: [&str; 5] = ["file", "id", "prev", "next", "path"];

/// Bumped whenever the bytes written for the same units change.
const FEED_FORMAT: &str = "feed-1";

/// What goes into one feed.
pub struct Feed {
    pub source: Lang,
    pub target: Lang,
    /// Which units: its `langs` are the two above.
    pub filter: ExportFilter,
}

impl Feed {
    /// The strong validator of the feed over `snapshot`: same value, same bytes.
    pub fn etag(&self, snapshot: &Snapshot) -> String {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for part in [
            FEED_FORMAT,
            env!("CARGO_PKG_VERSION"),
            self.source.tag(),
            self.target.tag(),
            self.filter.document.as_deref().unwrap_or("\u{0}"),
            self.filter.outlet.as_deref().unwrap_or("\u{0}"),
            self.filter.since.as_ref().map_or("\u{0}", |t| t.as_str()),
        ] {
            hasher.update(part.as_bytes());
            hasher.update(b"\x1f");
        }
        hasher.update(&snapshot.token().to_le_bytes());
        format!("\"{:032x}\"", hasher.digest128())
    }

    /// The unit as the feed writes it, or `None` when it is not part of the feed.
    fn shape(&self, mut unit: Unit) -> Option<Unit> {
        if !self.filter.keeps(&unit) {
            return None;
        }
        let mut variants = std::collections::BTreeMap::new();
        for lang in [&self.source, &self.target] {
            let mut variant = unit.variants.remove(lang.key())?;
            variant.lang = lang.tag().to_string();
            if variant.markup.is_none() {
                let trimmed = variant.text.trim();
                if trimmed.is_empty() {
                    return None;
                }
                if trimmed.len() != variant.text.len() {
                    variant.text = trimmed.to_string();
                }
            }
            variants.insert(lang.key().to_string(), variant);
        }
        unit.variants = variants;
        unit.meta.props.retain(|prop| {
            !OMEGAT_CONTEXT_PROPS
                .iter()
                .any(|kind| prop.kind.eq_ignore_ascii_case(kind))
        });
        // A per-unit srclang could contradict the header's.
        unit.meta.attrs.remove("srclang");
        Some(unit)
    }

    pub fn write(
        &self,
        snapshot: &Snapshot,
        out: &mut impl std::io::Write,
    ) -> Result<(), MemoryError> {
        let mut writer = TmxWriter::start(out, self.source.tag())?;
        let mut failed = None;
        snapshot.for_each_unit(|unit| {
            let Some(unit) = self.shape(unit) else {
                return true;
            };
            match writer.unit(&unit, |_| true) {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        })?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        writer.finish()?;
        Ok(())
    }
}
