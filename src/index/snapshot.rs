//! One commit held fixed while later commits go on: what a feed or an export reads whole,
//! a listing pages through, and a statistic counts.

use std::sync::Arc;

use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, TantivyDocument, Term};

use super::schema::Fields;
use super::search::visible;
use super::staged::Hidden;
use super::{live_postings, lookup, payload_of, IndexError, TmIndex, RECORD_BYTE};

/// The units of one commit, held fixed while later commits go on: what a feed reads whole,
/// and what its ETag names.
pub struct Snapshot {
    searcher: Searcher,
    fields: Fields,
    hidden: Arc<Hidden>,
}

impl TmIndex {
    /// The last commit, fixed.
    pub fn snapshot(&self) -> Snapshot {
        let (searcher, hidden) = self.view().map_or_else(
            |_| (self.searcher(), Arc::new(Hidden::default())),
            |view| (view.searcher, view.hidden),
        );
        Snapshot {
            searcher,
            fields: self.fields.clone(),
            hidden,
        }
    }
}

impl Snapshot {
    /// Names the committed content: a hash of the segments (their ids, in index order) and of
    /// the deletes applied to each. Every commit that adds, replaces or deletes a unit changes
    /// it; the same token means the same units in the same order, also after a restart. A
    /// merge changes it without changing the units, which costs a client one refetch.
    pub fn token(&self) -> u64 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for segment in self.searcher.segment_readers() {
            hasher.update(segment.segment_id().uuid_string().as_bytes());
            match segment.delete_opstamp() {
                Some(opstamp) => hasher.update(&opstamp.to_le_bytes()),
                None => hasher.update(b"-"),
            }
            hasher.update(b";");
        }
        hasher.digest()
    }

    /// Unit payloads in id order, from the first id after `after` (all ids when `None`),
    /// until `visit` returns `false`: a listing whose cursor (the last id) stays valid
    /// whatever commits come between two pages.
    pub fn by_id_after(
        &self,
        after: Option<&str>,
        mut visit: impl FnMut(Vec<u8>) -> Result<bool, IndexError>,
    ) -> Result<(), IndexError> {
        // The id terms of every segment, merged lazily in order: a page reads as many as it
        // needs, whatever the memory's size. (A replaced unit's id can be in two segments,
        // live in one: equal keys are taken once.)
        let readers: Vec<_> = self
            .searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.inverted_index(self.fields.id))
            .collect::<Result<_, _>>()?;
        let mut streams = Vec::new();
        for inverted in &readers {
            let mut stream = match after {
                Some(after) => inverted
                    .terms()
                    .range()
                    .gt(after.as_bytes())
                    .into_stream()?,
                None => inverted.terms().stream()?,
            };
            if stream.advance() {
                streams.push(stream);
            }
        }
        while !streams.is_empty() {
            let smallest = streams
                .iter()
                .map(|s| s.key().to_vec())
                .min()
                .expect("not empty");
            streams.retain_mut(|s| s.key() != smallest.as_slice() || s.advance());
            let Ok(id) = String::from_utf8(smallest) else {
                continue;
            };
            if id.starts_with('\u{1}') {
                continue; // a record
            }
            if let Some(payload) = lookup(&self.searcher, &self.fields, &id, &self.hidden)? {
                if !visit(payload)? {
                    break;
                }
            }
        }
        Ok(())
    }

    /// How many distinct `document` values the live units have.
    pub fn document_count(&self) -> Result<u64, IndexError> {
        let mut documents = std::collections::BTreeSet::new();
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(self.fields.document)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let term = Term::from_field_bytes(self.fields.document, stream.key());
                if live_postings(segment, ord, &inverted, &term, &self.hidden)? > 0 {
                    documents.insert(stream.key().to_vec());
                }
            }
        }
        Ok(documents.len() as u64)
    }

    /// How many live units hold both language keys `a` and `b`.
    pub fn pair_count(&self, a: &str, b: &str) -> Result<u64, IndexError> {
        use tantivy::query::{BooleanQuery, Occur, TermQuery};
        let term = |key: &str| -> Box<dyn tantivy::query::Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(self.fields.langs, key),
                IndexRecordOption::Basic,
            ))
        };
        let query = BooleanQuery::new(vec![(Occur::Must, term(a)), (Occur::Must, term(b))]);
        let query = visible(Box::new(query), &self.hidden);
        Ok(self.searcher.search(&query, &tantivy::collector::Count)? as u64)
    }

    /// Every unit of this commit, in index order; stops early when `visit` returns `false`.
    pub fn for_each(
        &self,
        mut visit: impl FnMut(Vec<u8>) -> Result<bool, IndexError>,
    ) -> Result<(), IndexError> {
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let store = segment.get_store_reader(4)?;
            // A segment with staged units is read with them counted as deleted.
            let alive = match self.hidden.touches(ord) {
                false => None,
                true => {
                    let mut set = tantivy::BitSet::with_max_value(segment.max_doc());
                    for doc in 0..segment.max_doc() {
                        if !segment.is_deleted(doc) && !self.hidden.contains(ord, doc) {
                            set.insert(doc);
                        }
                    }
                    let mut bytes = Vec::new();
                    tantivy::fastfield::write_alive_bitset(&set, &mut bytes)?;
                    Some(tantivy::fastfield::AliveBitSet::open(
                        tantivy::directory::OwnedBytes::new(bytes),
                    ))
                }
            };
            let alive = alive.as_ref().or(segment.alive_bitset());
            for doc in store.iter::<TantivyDocument>(alive) {
                let payload = payload_of(&doc?, self.fields.payload);
                if payload.first() == Some(&RECORD_BYTE) {
                    continue;
                }
                if !visit(payload)? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}
