//! Staged imports: an import's units are committed as it goes, hidden until its last commit.
//!
//! A large import used to be one commit on the writer thread, and every other write waited
//! for it (80 s for a million units). Now the writer commits an import's units in slices,
//! between the small writes that arrive meanwhile. Each staged unit carries its import's
//! *batch mark* (a `langs` term no language key can be), and while the import's *open
//! record* is in a commit, readers of that commit do not see the marked units. The import's
//! last commit deletes the open record and the older versions of the units it replaced,
//! together: readers see the whole import at once, or nothing of it. An import that fails,
//! or a process killed half-way, leaves an open record behind; the writer then deletes the
//! marked units (at once, or when the index next opens).

use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Searcher, Term};

use super::schema::Fields;
use super::IndexError;

/// The key of the record that names the open import's batch.
pub(super) const OPEN_RECORD: &str = "import-open";

/// The `langs` term that marks the units of batch `batch`.
pub(super) fn batch_mark(batch: u64) -> String {
    format!("\u{1}batch:{batch:016x}")
}

/// The payload of the open record: the batch number.
pub(super) fn open_payload(batch: u64) -> Vec<u8> {
    batch.to_le_bytes().to_vec()
}

pub(super) fn batch_of(payload: &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(payload.get(..8)?.try_into().ok()?))
}

/// The open import of one commit, and which of its documents are staged.
#[derive(Debug, Default)]
pub struct Hidden {
    /// The open batch's mark, `None` when no import is open in this commit.
    term: Option<Term>,
    /// Per segment (by ordinal), the staged documents.
    segments: Vec<Option<tantivy::BitSet>>,
}

impl Hidden {
    /// What `searcher`'s commit hides.
    pub(super) fn of(searcher: &Searcher, fields: &Fields) -> Result<Hidden, IndexError> {
        let open = super::lookup(
            searcher,
            fields,
            &super::record_id(OPEN_RECORD),
            &Hidden::default(),
        )?;
        let Some(batch) = open
            .map(super::strip_record_mark)
            .and_then(|p| batch_of(&p))
        else {
            return Ok(Hidden::default());
        };
        Hidden::marked(searcher, fields, batch)
    }

    /// The documents of `searcher` that carry `batch`'s mark.
    pub(super) fn marked(
        searcher: &Searcher,
        fields: &Fields,
        batch: u64,
    ) -> Result<Hidden, IndexError> {
        use tantivy::DocSet;
        let term = Term::from_field_text(fields.langs, &batch_mark(batch));
        let mut segments = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(fields.langs)?;
            let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)?
            else {
                segments.push(None);
                continue;
            };
            let mut set = tantivy::BitSet::with_max_value(segment.max_doc());
            let mut doc = postings.doc();
            while doc != tantivy::TERMINATED {
                set.insert(doc);
                doc = postings.advance();
            }
            segments.push(Some(set));
        }
        Ok(Hidden {
            term: Some(term),
            segments,
        })
    }

    /// Whether document `doc` of segment `segment` is staged.
    pub(super) fn contains(&self, segment: usize, doc: DocId) -> bool {
        self.segments
            .get(segment)
            .and_then(Option::as_ref)
            .is_some_and(|set| doc < set.max_value() && set.contains(doc))
    }

    /// The open batch's mark, to leave its documents out of a query.
    pub(super) fn term(&self) -> Option<&Term> {
        self.term.as_ref()
    }

    /// Whether segment `segment` holds staged documents.
    pub(super) fn touches(&self, segment: usize) -> bool {
        self.segments.get(segment).is_some_and(Option::is_some)
    }

    /// How many live documents are staged.
    pub(super) fn live_count(&self, searcher: &Searcher) -> u64 {
        let mut n = 0;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            if let Some(Some(set)) = self.segments.get(ord) {
                n += (0..segment.max_doc())
                    .filter(|&doc| set.contains(doc) && !segment.is_deleted(doc))
                    .count() as u64;
            }
        }
        n
    }
}
