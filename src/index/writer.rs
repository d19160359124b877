//! The one writer: a thread that owns the tantivy `IndexWriter` and runs write jobs in order.
//!
//! Jobs queued while a commit runs are grouped into the next commit, so many small writes
//! share one fsync. A job's caller hears back only after its commit is durable (or failed):
//! that is what lets the HTTP layer answer 2xx only for writes that survive `kill -9`.

use std::collections::HashMap;
use std::sync::mpsc;
use std::thread::JoinHandle;

use tantivy::indexer::UserOperation;
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexReader, IndexWriter, Searcher, TantivyDocument, Term};

use super::schema::Fields;
use super::{lookup, IndexDoc, IndexError};

/// Hears how the commit that carried a job's writes ended.
pub type Finish = Box<dyn FnOnce(Result<(), &IndexError>) + Send>;

type Job = Box<dyn FnOnce(&mut WriteSession<'_>) -> Finish + Send>;

/// A job and whether it must run in a commit of its own (imports: so a bad file rolls back
/// only itself).
type Queued = (bool, Job);

/// The most jobs folded into one commit.
const MAX_GROUP: usize = 256;

/// The most recently written units a session remembers, so a unit written twice before the
/// commit is merged with its uncommitted self.
const PENDING_LIMIT: usize = 50_000;

/// What a job sees: the last commit plus its own and its group's uncommitted writes.
pub struct WriteSession<'a> {
    writer: &'a mut IndexWriter,
    fields: &'a Fields,
    searcher: Searcher,
    pending: HashMap<String, Option<Vec<u8>>>,
    /// Operations not yet handed to tantivy: they go in batches, one channel message (and one
    /// wake-up of an indexing thread) for many units.
    ops: Vec<UserOperation<TantivyDocument>>,
    failed: Option<IndexError>,
}

/// How many operations go to tantivy in one batch.
const OPS_BATCH: usize = 256;

impl WriteSession<'_> {
    fn push(&mut self, op: UserOperation<TantivyDocument>) -> Result<(), IndexError> {
        self.ops.push(op);
        if self.ops.len() >= OPS_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Hands the buffered operations to tantivy, in order.
    fn flush(&mut self) -> Result<(), IndexError> {
        if !self.ops.is_empty() {
            self.writer.run(std::mem::take(&mut self.ops))?;
        }
        Ok(())
    }

    /// The current payload of `id`: uncommitted writes first, then the last commit.
    pub fn get(&mut self, id: &str) -> Result<Option<Vec<u8>>, IndexError> {
        if let Some(pending) = self.pending.get(id) {
            return Ok(pending.clone());
        }
        if self.searcher.num_docs() == 0 {
            return Ok(None);
        }
        lookup(&self.searcher, self.fields, id)
    }

    fn remember(&mut self, id: &str, payload: Option<Vec<u8>>) {
        if self.pending.len() >= PENDING_LIMIT {
            self.pending.clear();
        }
        self.pending.insert(id.to_string(), payload);
    }

    /// Adds or replaces a unit.
    pub fn put(&mut self, doc: IndexDoc) -> Result<(), IndexError> {
        self.push(UserOperation::Delete(Term::from_field_text(
            self.fields.id,
            &doc.id,
        )))?;
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
        if let Some(name) = &doc.document {
            document.add_text(fields.document, name);
        }
        if let Some(texts) = fields.texts {
            for text in &doc.texts {
                document.add_text(texts, text);
            }
        }
        self.push(UserOperation::Add(document))?;
        self.remember(&doc.id, Some(doc.payload));
        Ok(())
    }

    /// The payloads of (at most `limit`) committed units with the exact-text term `term`;
    /// `None` when the index predates exact-text terms. Writes of this session are not
    /// searched: read each unit again with [`get`](Self::get) for its current form.
    pub fn with_text(
        &mut self,
        term: &str,
        limit: usize,
    ) -> Result<Option<Vec<Vec<u8>>>, IndexError> {
        match self.fields.texts {
            Some(field) => self.payloads_with(field, term, limit).map(Some),
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
                if !segment.is_deleted(doc) {
                    let stored: TantivyDocument = self
                        .searcher
                        .doc(tantivy::DocAddress::new(ord as u32, doc))?;
                    found.push(super::payload_of(&stored, self.fields));
                }
                doc = postings.advance();
            }
        }
        Ok(found)
    }

    /// Removes a unit; true when it existed.
    pub fn delete(&mut self, id: &str) -> Result<bool, IndexError> {
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

/// The handle through which requests queue write jobs.
pub struct Writer {
    jobs: Option<mpsc::Sender<Queued>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub(super) fn start(
        index: &Index,
        fields: Fields,
        reader: IndexReader,
        heap_bytes: usize,
    ) -> tantivy::Result<Writer> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        let heap = heap_bytes.max(threads * 16_000_000);
        let writer: IndexWriter = index.writer_with_num_threads(threads, heap)?;
        let (jobs, queue) = mpsc::channel::<Queued>();
        let thread = std::thread::Builder::new()
            .name("tetraglot-writer".into())
            .spawn(move || run(writer, fields, reader, queue))
            .map_err(|e| tantivy::TantivyError::SystemError(e.to_string()))?;
        Ok(Writer {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Queues a job. It runs on the writer thread; its [`Finish`] hears the commit's outcome.
    pub fn submit(
        &self,
        exclusive: bool,
        job: impl FnOnce(&mut WriteSession<'_>) -> Finish + Send + 'static,
    ) -> Result<(), IndexError> {
        self.jobs
            .as_ref()
            .ok_or(IndexError::WriterGone)?
            .send((exclusive, Box::new(job)))
            .map_err(|_| IndexError::WriterGone)
    }

    /// Lets the queued jobs finish, then stops the thread.
    pub(super) fn stop(mut self) {
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs one job; a job that panics fails its group (nothing of the group is committed) and
/// the writer goes on with the next one. The panicking job's caller hears of it when its
/// reply channel is dropped.
fn run_job(session: &mut WriteSession<'_>, job: Job, finishes: &mut Vec<Finish>) {
    match crate::fault::catch("write job", || job(session)) {
        Ok(finish) => finishes.push(finish),
        Err(message) => session.fail(IndexError::Panicked(message)),
    }
}

fn run(
    mut writer: IndexWriter,
    fields: Fields,
    reader: IndexReader,
    queue: mpsc::Receiver<Queued>,
) {
    let mut next: Option<Queued> = None;
    loop {
        let (exclusive, first) = match next.take() {
            Some(queued) => queued,
            None => match queue.recv() {
                Ok(queued) => queued,
                Err(_) => break,
            },
        };
        let mut session = WriteSession {
            writer: &mut writer,
            fields: &fields,
            searcher: reader.searcher(),
            pending: HashMap::new(),
            ops: Vec::with_capacity(OPS_BATCH),
            failed: None,
        };
        let mut finishes = Vec::new();
        run_job(&mut session, first, &mut finishes);
        // Once a job failed (or panicked) the group is closed: jobs queued behind it go to
        // the next commit instead of sharing the rollback.
        while session.failed.is_none() && !exclusive && finishes.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok((false, job)) => run_job(&mut session, job, &mut finishes),
                Ok(queued) => {
                    next = Some(queued);
                    break;
                }
                Err(_) => break,
            }
        }
        if session.failed.is_none() {
            if let Err(error) = session.flush() {
                session.fail(error);
            }
        }
        let outcome = match session.failed.take() {
            Some(error) => {
                let _ = writer.rollback();
                Err(error)
            }
            None => crate::fault::catch("commit", || {
                writer
                    .commit()
                    .map_err(IndexError::from)
                    .and_then(|_| reader.reload().map_err(IndexError::from))
            })
            .unwrap_or_else(|message| Err(IndexError::Panicked(message))),
        };
        if outcome.is_err() {
            let _ = writer.rollback();
        }
        for finish in finishes {
            finish(outcome.as_ref().map(|_| ()));
        }
    }
    if let Err(error) = writer.wait_merging_threads() {
        tracing::warn!(%error, "merging threads did not finish cleanly");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::super::{IndexDoc, IndexError, Mode, TmIndex};

    fn doc(id: &str) -> IndexDoc {
        IndexDoc {
            id: id.into(),
            payload: id.as_bytes().to_vec(),
            terms: "en:word".into(),
            langs: vec!["en".into()],
            document: None,
            texts: Vec::new(),
        }
    }

    /// Queues `job` and waits for its commit's outcome (`None`: its reply was dropped).
    fn run(
        index: &TmIndex,
        job: impl FnOnce(&mut super::WriteSession<'_>) + Send + 'static,
    ) -> Option<Result<(), String>> {
        let (tx, rx) = mpsc::channel();
        index
            .submit(false, move |session| {
                job(session);
                Box::new(move |outcome: Result<(), &IndexError>| {
                    let _ = tx.send(outcome.map_err(|e| e.to_string()));
                })
            })
            .unwrap();
        rx.recv().ok()
    }

    #[test]
    fn a_panicking_job_fails_alone_and_the_writer_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let index = TmIndex::open(
            dir.path(),
            Mode::ReadWrite {
                heap_bytes: 50_000_000,
            },
        )
        .unwrap();
        let panicked = run(&index, |session| {
            session.put(doc("half-written")).unwrap();
            panic!("a bug in a write job");
        });
        assert_eq!(
            panicked, None,
            "the panicking job's reply is dropped, not sent"
        );
        assert_eq!(run(&index, |s| s.put(doc("after")).unwrap()), Some(Ok(())));
        assert!(
            index.get("after").unwrap().is_some(),
            "the writer still commits"
        );
        assert!(
            index.get("half-written").unwrap().is_none(),
            "nothing of the panicking job's group was committed"
        );
        index.close();
    }
}
