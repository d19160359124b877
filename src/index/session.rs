//! What a write job sees and does: the last commit, its group's uncommitted writes, and
//! (in an import's slice) the import's staged units.

use std::collections::{HashMap, HashSet};

use tantivy::indexer::UserOperation;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexReader, IndexWriter, Searcher, TantivyDocument, Term};

use super::schema::Fields;
use super::staged::{self, Hidden};
use super::{lookup, IndexDoc, IndexError, TextKey};

/// The most recently written units a session remembers, so a unit written twice before the
/// commit is merged with its uncommitted self.
const PENDING_LIMIT: usize = 50_000;

/// The writer's side of an open import.
pub(super) struct Stage {
    pub(super) mark: Term,
    /// Hashes of the ids it has staged: a job touching one of them waits.
    pub(super) staged: HashSet<u64>,
    /// The ids it has staged: its last commit deletes their older versions.
    pub(super) ids: Vec<String>,
    /// Its own writes, as a session's (kept from one slice to the next).
    pub(super) pending: HashMap<String, Option<Vec<u8>>>,
    /// Operations since its last commit.
    pub(super) uncommitted: usize,
    /// The commit it began on. The import reads the stored units there: they hold none of
    /// its staged units and few segments, however many commits come while it runs (a lookup
    /// costs a term search per segment; reading the latest commit made a 200k import three
    /// times slower under small writes).
    pub(super) snapshot: Searcher,
    /// Hashes of the ids written beside it since it began: those it reads from the latest
    /// commit instead.
    pub(super) written: HashSet<u64>,
    pub(super) batch: u64,
}

pub(super) fn id_hash(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

/// What a job sees: the last commit plus its own and its group's uncommitted writes.
pub struct WriteSession<'a> {
    pub(super) writer: &'a mut IndexWriter,
    fields: &'a Fields,
    reader: &'a IndexReader,
    searcher: Searcher,
    /// The units of the open import: left out of what the session reads, or (for the import
    /// itself) preferred to the versions they replace.
    hidden: Hidden,
    pending: HashMap<String, Option<Vec<u8>>>,
    /// Set when the session is an import's slice.
    stage: Option<&'a mut Stage>,
    /// Operations not yet handed to tantivy: they go in batches, one channel message (and one
    /// wake-up of an indexing thread) for many units.
    ops: Vec<UserOperation<TantivyDocument>>,
    pub(super) failed: Option<IndexError>,
}

/// How many operations go to tantivy in one batch.
const OPS_BATCH: usize = 256;

impl<'a> WriteSession<'a> {
    pub(super) fn new(
        writer: &'a mut IndexWriter,
        fields: &'a Fields,
        reader: &'a IndexReader,
        open: Option<u64>,
        stage: Option<&'a mut Stage>,
    ) -> WriteSession<'a> {
        let searcher = match stage.as_deref() {
            Some(stage) => stage.snapshot.clone(),
            None => reader.searcher(),
        };
        let hidden = match open {
            // An import's own reads are of the commit it began on, which has none.
            _ if stage.is_some() => Hidden::default(),
            // Should the marks not be readable, the session sees the staged units: an import
            // goes on with what it wrote, and a small write is refused by its lookup instead.
            Some(batch) => Hidden::marked(&searcher, fields, batch).unwrap_or_default(),
            None => Hidden::default(),
        };
        WriteSession {
            writer,
            fields,
            reader,
            searcher,
            hidden,
            pending: HashMap::new(),
            stage,
            ops: Vec::with_capacity(OPS_BATCH),
            failed: None,
        }
    }

    fn push(&mut self, op: UserOperation<TantivyDocument>) -> Result<(), IndexError> {
        self.ops.push(op);
        if let Some(stage) = self.stage.as_deref_mut() {
            stage.uncommitted += 1;
        }
        if self.ops.len() >= OPS_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Hands the buffered operations to tantivy, in order.
    pub(super) fn flush(&mut self) -> Result<(), IndexError> {
        if !self.ops.is_empty() {
            self.writer.run(std::mem::take(&mut self.ops))?;
        }
        Ok(())
    }

    fn pending(&mut self) -> &mut HashMap<String, Option<Vec<u8>>> {
        match self.stage.as_deref_mut() {
            Some(stage) => &mut stage.pending,
            None => &mut self.pending,
        }
    }

    /// The current payload of `id`: uncommitted writes first, then the last commit (for an
    /// import: the commit it began on, or the latest for a unit written beside it since).
    pub fn get(&mut self, id: &str) -> Result<Option<Vec<u8>>, IndexError> {
        if let Some(pending) = self.pending().get(id) {
            return Ok(pending.clone());
        }
        if let Some(stage) = self.stage.as_deref() {
            if stage.written.contains(&id_hash(id)) {
                let latest = self.reader.searcher();
                let hidden = Hidden::marked(&latest, self.fields, stage.batch)?;
                return lookup(&latest, self.fields, id, &hidden);
            }
        }
        if self.searcher.num_docs() == 0 {
            return Ok(None);
        }
        lookup(&self.searcher, self.fields, id, &self.hidden)
    }

    fn remember(&mut self, id: &str, payload: Option<Vec<u8>>) {
        let pending = self.pending();
        if pending.len() >= PENDING_LIMIT {
            pending.clear();
        }
        pending.insert(id.to_string(), payload);
    }

    /// Adds or replaces a unit. In an import, the version it replaces stays readable until
    /// the import's last commit; an earlier version staged by the same import goes now.
    pub fn put(&mut self, doc: IndexDoc) -> Result<(), IndexError> {
        let id_term = Term::from_field_text(self.fields.id, &doc.id);
        match self.stage.as_deref() {
            None => self.push(UserOperation::Delete(id_term))?,
            Some(stage) if stage.staged.contains(&id_hash(&doc.id)) => {
                let mark = stage.mark.clone();
                self.flush()?;
                let both: Vec<(Occur, Box<dyn Query>)> = vec![
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(id_term, IndexRecordOption::Basic)),
                    ),
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(mark, IndexRecordOption::Basic)),
                    ),
                ];
                self.writer
                    .delete_query(Box::new(BooleanQuery::new(both)))?;
            }
            Some(_) => {}
        }
        self.insert(doc)
    }

    /// Adds a unit the caller knows is not stored (and was not written before in this
    /// session). Skips the delete that [`put`](Self::put) queues, which tantivy holds until
    /// the commit: a million-unit import would otherwise keep a million of them in memory.
    pub fn insert(&mut self, doc: IndexDoc) -> Result<(), IndexError> {
        let fields = self.fields;
        let mut document = TantivyDocument::new();
        document.add_text(fields.id, &doc.id);
        document.add_bytes(fields.payload, &doc.payload);
        document.add_text(fields.terms, doc.terms);
        for lang in &doc.langs {
            document.add_text(fields.langs, lang);
        }
        if let Some(stage) = self.stage.as_deref_mut() {
            document.add_text(fields.langs, staged::batch_mark(stage.batch));
            if stage.staged.insert(id_hash(&doc.id)) {
                stage.ids.push(doc.id.clone());
            }
        }
        if let Some(name) = &doc.document {
            document.add_text(fields.document, name);
        }
        if let Some(grams) = fields.grams {
            if !doc.grams.is_empty() {
                document.add_text(grams, doc.grams);
            }
        }
        if let Some(sketch) = fields.sketch {
            if !doc.sketch.is_empty() {
                document.add_text(sketch, doc.sketch);
            }
        }
        if let Some(texts) = fields.texts {
            for key in &doc.texts {
                document.add_text(texts.field, texts.term(key));
            }
        }
        if let Some(lengths) = fields.lengths {
            for &value in &doc.lengths {
                document.add_u64(lengths, value);
            }
        }
        self.push(UserOperation::Add(document))?;
        self.remember(&doc.id, Some(doc.payload));
        Ok(())
    }
    /// The payloads of (at most `limit`) committed units that may hold the exact text `key`
    /// (its hash may also be another text's: compare the texts); `None` when the index
    /// predates exact-text terms. Writes of this session are not searched: read each unit
    /// again with [`get`](Self::get) for its current form.
    pub fn with_text(
        &mut self,
        key: &TextKey,
        limit: usize,
    ) -> Result<Option<Vec<Vec<u8>>>, IndexError> {
        match self.fields.texts {
            Some(texts) => self
                .payloads_with(texts.field, &texts.term(key), limit)
                .map(Some),
            None => Ok(None),
        }
    }

    /// The payloads of the committed units of `document` (see [`with_text`](Self::with_text)
    /// on this session's own writes).
    pub fn with_document(&mut self, document: &str) -> Result<Vec<Vec<u8>>, IndexError> {
        self.payloads_with(self.fields.document, document, usize::MAX)
    }

    fn payloads_with(
        &mut self,
        field: tantivy::schema::Field,
        term: &str,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>, IndexError> {
        use tantivy::DocSet;
        let term = Term::from_field_text(field, term);
        let mut found = Vec::new();
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(field)?;
            let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != tantivy::TERMINATED && found.len() < limit {
                if !segment.is_deleted(doc) && !self.hidden.contains(ord, doc) {
                    let stored: TantivyDocument = self
                        .searcher
                        .doc(tantivy::DocAddress::new(ord as u32, doc))?;
                    found.push(super::payload_of(&stored, self.fields.payload));
                }
                doc = postings.advance();
            }
        }
        Ok(found)
    }

    /// Removes a unit; true when it existed. (An import only adds and replaces units.)
    pub fn delete(&mut self, id: &str) -> Result<bool, IndexError> {
        if self.stage.is_some() {
            return Err(IndexError::Tantivy(tantivy::TantivyError::InvalidArgument(
                "an import does not delete units".into(),
            )));
        }
        let existed = self.get(id)?.is_some();
        self.push(UserOperation::Delete(Term::from_field_text(
            self.fields.id,
            id,
        )))?;
        self.remember(id, None);
        Ok(existed)
    }

    /// The current payload of record `key` (see [`super::TmIndex::record`]).
    pub fn record(&mut self, key: &str) -> Result<Option<Vec<u8>>, IndexError> {
        Ok(self
            .get(&super::record_id(key))?
            .map(super::strip_record_mark))
    }

    /// Writes record `key` (replacing it), in this session's commit.
    pub fn put_record(&mut self, key: &str, payload: &[u8]) -> Result<(), IndexError> {
        let id = super::record_id(key);
        self.push(UserOperation::Delete(Term::from_field_text(
            self.fields.id,
            &id,
        )))?;
        let stored = super::record_payload(key, payload);
        let mut document = TantivyDocument::new();
        document.add_text(self.fields.id, &id);
        document.add_bytes(self.fields.payload, &stored);
        document.add_text(self.fields.langs, super::RECORD_MARK);
        self.push(UserOperation::Add(document))?;
        self.remember(&id, Some(stored));
        Ok(())
    }

    /// Removes record `key`; true when it existed.
    pub fn delete_record(&mut self, key: &str) -> Result<bool, IndexError> {
        self.delete(&super::record_id(key))
    }

    /// Merges every committed segment into one: lookups then run one search instead of one
    /// per segment. Takes as long as rewriting the index.
    pub fn merge_all(&mut self) -> Result<usize, IndexError> {
        self.flush()?;
        let mut attempt = 0;
        loop {
            let ids = self.writer.index().searchable_segment_ids()?;
            if ids.len() <= 1 {
                return Ok(ids.len());
            }
            match self.writer.merge(&ids).wait() {
                Ok(_) => return Ok(ids.len()),
                // tantivy's own merge policy took some of these segments meanwhile: wait for
                // it a little and ask again with the segments as they are now.
                Err(tantivy::TantivyError::InvalidArgument(_)) if attempt < 50 => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Marks the group as failed: nothing of it is committed.
    pub fn fail(&mut self, error: IndexError) {
        self.failed.get_or_insert(error);
    }
}
