//! The tantivy index: the only module that imports tantivy.
//!
//! A unit is one tantivy document: its id (for updates and lookups), its serialized form
//! (stored), its retrieval terms (pre-tokenized by `text`, because tokens depend on the
//! language of each variant, which one analyzer per field cannot know), its languages and its
//! document id. One [`IndexReader`] serves the process and each request takes a fresh
//! searcher; one writer thread owns the [`tantivy::IndexWriter`] (see [`writer`]).

mod near;
mod schema;
mod search;
mod session;
mod snapshot;
mod staged;
mod stores;
#[cfg(test)]
mod testing;
mod top;
mod views;
pub mod writer;

use std::path::Path;
use std::sync::Arc;

use tantivy::directory::MmapDirectory;
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::store::Compressor;
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{
    DocAddress, Index, IndexReader, IndexSettings, ReloadPolicy, Searcher, TantivyDocument, Term,
};

pub use near::Near;
use schema::Fields;
pub use snapshot::Snapshot;
use staged::Hidden;
use views::{View, Views, DOC_STORE_CACHE_BLOCKS};
pub use writer::{Commits, Staged, Touches, WriteSession, Writer};

/// What goes into the index for one unit.
#[derive(Debug, Clone)]
pub struct IndexDoc {
    pub id: String,
    /// The unit, serialized by the memory layer; given back as is.
    pub payload: Vec<u8>,
    /// Retrieval terms, already normalised and prefixed with their language key, separated
    /// by spaces (none holds one).
    pub terms: String,
    /// Character gram terms of its short texts, in the same form as `terms` (see
    /// [`Fields::grams`]).
    pub grams: String,
    /// Near-duplicate sketch terms of its texts, in the same form (see [`Fields::sketch`]).
    pub sketch: String,
    /// Matching keys of the unit's languages.
    pub langs: Vec<String>,
    pub document: Option<String>,
    /// Exact texts, one per variant (see [`Fields::texts`]).
    pub texts: Vec<TextKey>,
    /// Summaries of its texts' lengths, packed by the memory layer: given to a retrieval's
    /// gate (see [`Scope::admit`]) before the unit's payload is read.
    pub lengths: Vec<u64>,
}

/// Asked with a ranked unit's length summaries: whether to read it.
pub type Admit<'a> = &'a dyn Fn(&[u64]) -> bool;

/// What a retrieval returns, and what it reads of the units it ranks.
#[derive(Clone, Copy, Default)]
pub struct Scope<'a> {
    /// How many units it ranks at most.
    pub limit: usize,
    /// Only this document's units.
    pub document: Option<&'a str>,
    /// Asked with each ranked unit's length summaries before its payload is read: a unit it
    /// refuses is left out, unread. A unit with no summaries (from an index written before
    /// they existed) is read.
    pub admit: Option<Admit<'a>>,
}

/// The units a retrieval ranked and the gate admitted, best first, and how many it ranked.
pub struct Retrieved {
    pub hits: Vec<Hit>,
    /// Ranked units, admitted or not: as many as the scope's limit when the index held that
    /// many.
    pub ranked: usize,
}

impl Retrieved {
    fn none() -> Retrieved {
        Retrieved {
            hits: Vec::new(),
            ranked: 0,
        }
    }
}

/// A variant's exact text as the index finds units by it: its language key and a 64-bit hash
/// of its text (the memory decides which text: after NFC and whitespace folding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextKey {
    pub lang: String,
    pub hash: u64,
}

/// Failures of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("the data directory {0} is in use by another tetraglot process")]
    Locked(String),
    #[error("the index could not be read or written: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("the index could not be read or written: {0}")]
    Io(#[from] std::io::Error),
    #[error("the index was opened read-only")]
    ReadOnly,
    /// Only a writer creates a memory: a reader pointed at the wrong directory says so
    /// instead of answering from a new, empty index.
    #[error("no memory at {0} (check --data-dir; `serve` or `import` creates one)")]
    NoMemory(String),
    #[error("the index writer has stopped")]
    WriterGone,
    /// A write job panicked: its group was rolled back and the writer went on.
    #[error("a write failed inside the server: {0}")]
    Panicked(String),
}

/// One way a term may be found: exactly, or as any term the regular expression matches.
#[derive(Debug, Clone)]
pub enum Pattern {
    Term(String),
    Regex(String),
}

/// A word of a retrieval query.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchWord {
    /// Its terms, best first: the first the index holds is asked.
    pub terms: Vec<String>,
    /// If the index holds none of them, the terms near it are asked instead.
    pub near: Option<Near>,
}

/// Which of a word's terms a retrieval asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breadth {
    /// The first term the index holds: the word itself, else its stem prefix.
    FirstKnown,
    /// Every term the index holds: the word and its stem prefix, so that a unit with another
    /// inflection of a word the memory also holds as typed (`документа`/`документе`) is
    /// found. Each word's first term is asked before any second one.
    Every,
}

/// A hit of a retrieval query: its relevance and the stored unit.
pub struct Hit {
    pub relevance: f32,
    pub payload: Vec<u8>,
}

/// An open translation-memory index.
pub struct TmIndex {
    fields: Fields,
    reader: IndexReader,
    /// `None` when read-only, or once closed.
    writer: std::sync::Mutex<Option<Writer>>,
    /// What each commit a searcher holds hides (an open import), and readers of its doc
    /// stores; the reader's warmer.
    views: Arc<Views>,
}

/// How the index is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// With the writer thread; takes the directory's lock.
    ReadWrite { heap_bytes: usize },
    /// Searching and exporting only (the CLI beside a running server).
    ReadOnly,
}

/// Whether `dir` holds an index (tantivy writes `meta.json` when it creates one).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// The payload stored in `doc`'s `payload` field (empty if it has none).
fn payload_of(doc: &TantivyDocument, payload: Field) -> Vec<u8> {
    doc.get_first(payload)
        .and_then(|v| v.as_bytes())
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

impl TmIndex {
    /// Opens the index in `dir`, creating it when the directory holds none.
    pub fn open(dir: &Path, mode: Mode) -> Result<TmIndex, IndexError> {
        if matches!(mode, Mode::ReadOnly) && !exists(dir) {
            return Err(IndexError::NoMemory(dir.display().to_string()));
        }
        std::fs::create_dir_all(dir)?;
        let directory = MmapDirectory::open(dir)
            .map_err(|e| IndexError::Io(std::io::Error::other(e.to_string())))?;
        let (schema, fields) = schema::build();
        // Small blocks: a lookup decompresses one block per candidate it rescores. 2 KiB
        // instead of 8 made lookups at 200k units 8 % faster and the index 9 % larger
        // (BENCHMARKS.md, session 12). An index keeps the size it was created with.
        let settings = IndexSettings {
            docstore_compression: Compressor::Lz4,
            docstore_blocksize: 2048,
            ..IndexSettings::default()
        };
        // An existing index is opened with its own schema: one written before a field was
        // added (`texts`, `grams`) still opens, and does without it.
        let exists = Index::exists(&directory)
            .map_err(|e| IndexError::Io(std::io::Error::other(e.to_string())))?;
        let index = if exists {
            Index::open(directory)?
        } else {
            Index::builder()
                .schema(schema)
                .settings(settings)
                .open_or_create(directory)?
        };
        let fields = fields.check(&index.schema())?;
        index.tokenizers().register(
            schema::TERMS_TOKENIZER,
            TextAnalyzer::from(WhitespaceTokenizer::default()),
        );
        let views = Arc::new(Views::new(fields.clone()));
        let warmer: Arc<dyn tantivy::Warmer> = views.clone();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(DOC_STORE_CACHE_BLOCKS)
            .warmers(vec![Arc::downgrade(&warmer)])
            .try_into()?;
        let writer = match mode {
            Mode::ReadOnly => None,
            Mode::ReadWrite { heap_bytes } => Some(
                Writer::start(&index, fields.clone(), reader.clone(), heap_bytes).map_err(|e| {
                    match e {
                        tantivy::TantivyError::LockFailure(..) => {
                            IndexError::Locked(dir.display().to_string())
                        }
                        other => IndexError::Tantivy(other),
                    }
                })?,
            ),
        };
        Ok(TmIndex {
            fields,
            reader,
            writer: std::sync::Mutex::new(writer),
            views,
        })
    }

    /// A searcher over the last commit.
    fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The last commit, what it hides (the units of an import still open in it, see
    /// [`staged`]) and readers of its doc stores.
    fn view(&self) -> Result<View, IndexError> {
        self.views.of(self.searcher())
    }

    /// The number of units in the last commit (records are not units, nor are the units of
    /// an import still open).
    pub fn num_units(&self) -> u64 {
        let Ok(View {
            searcher, hidden, ..
        }) = self.view()
        else {
            return 0;
        };
        let records = alive_with(&searcher, self.fields.langs, RECORD_MARK).unwrap_or(0);
        searcher
            .num_docs()
            .saturating_sub(records)
            .saturating_sub(hidden.live_count(&searcher))
    }

    /// The payload of record `key` in the last commit, if any.
    pub fn record(&self, key: &str) -> Result<Option<Vec<u8>>, IndexError> {
        Ok(lookup(
            &self.searcher(),
            &self.fields,
            &record_id(key),
            &Hidden::default(),
        )?
        .map(strip_record_mark))
    }

    /// The payloads of every record in the last commit whose key starts with `prefix`.
    pub fn records(&self, prefix: &str) -> Result<Vec<Vec<u8>>, IndexError> {
        use tantivy::DocSet;
        let searcher = self.searcher();
        let term = Term::from_field_text(self.fields.langs, RECORD_MARK);
        let mut out = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(self.fields.langs)?;
            let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != tantivy::TERMINATED {
                if !segment.is_deleted(doc) {
                    let stored: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc))?;
                    let key_matches = stored
                        .get_first(self.fields.payload)
                        .and_then(|v| v.as_bytes())
                        .is_some_and(|bytes| {
                            record_key_of(bytes).is_some_and(|k| k.starts_with(prefix))
                        });
                    if key_matches {
                        out.push(strip_record_mark(payload_of(&stored, self.fields.payload)));
                    }
                }
                doc = postings.advance();
            }
        }
        Ok(out)
    }

    /// The stored payload of unit `id`, if any.
    pub fn get(&self, id: &str) -> Result<Option<Vec<u8>>, IndexError> {
        let View {
            searcher, hidden, ..
        } = self.view()?;
        lookup(&searcher, &self.fields, id, &hidden)
    }

    /// The language keys present in the memory, with how many units hold each.
    pub fn languages(&self) -> Result<Vec<(String, u64)>, IndexError> {
        let View {
            searcher, hidden, ..
        } = self.view()?;
        let mut counts = std::collections::BTreeMap::<String, u64>::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(self.fields.langs)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let key = String::from_utf8_lossy(stream.key()).into_owned();
                // The record mark and import batch marks are not languages.
                if key.starts_with('\u{1}') {
                    continue;
                }
                let term = Term::from_field_text(self.fields.langs, &key);
                let alive = live_postings(segment, ord, &inverted, &term, &hidden)?;
                *counts.entry(key).or_default() += alive;
            }
        }
        Ok(counts.into_iter().filter(|(_, n)| *n > 0).collect())
    }

    /// What the writer's commits have taken so far (zero when read-only or closed).
    pub fn commits(&self) -> writer::Commits {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        writer.as_ref().map(Writer::commits).unwrap_or_default()
    }

    /// Whether writes can be taken: opened for writing, not closed, the writer thread alive.
    pub fn writer_alive(&self) -> bool {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        writer.as_ref().is_some_and(Writer::is_alive)
    }

    /// Queues a write job on the writer thread (see [`Writer::submit`]).
    pub fn submit(
        &self,
        touches: Touches,
        exclusive: bool,
        job: impl FnOnce(&mut WriteSession<'_>) -> writer::Finish + Send + 'static,
    ) -> Result<(), IndexError> {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        writer
            .as_ref()
            .ok_or(IndexError::WriterGone)?
            .submit(touches, exclusive, job)
    }

    /// Queues a staged import on the writer thread (see [`Writer::submit_staged`]).
    pub fn submit_staged(&self, job: Box<dyn Staged>) -> Result<(), IndexError> {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        writer
            .as_ref()
            .ok_or(IndexError::WriterGone)?
            .submit_staged(job)
    }

    /// Lets the queued writes finish, stops the writer thread and frees the directory's
    /// lock. Later writes fail with [`IndexError::WriterGone`].
    pub fn close(&self) {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(writer) = writer {
            writer.stop();
        }
    }
}

impl Drop for TmIndex {
    fn drop(&mut self) {
        self.close();
    }
}

/// Records are documents of their own kind beside the units, written in the same commits (an
/// article and its units are durable together). A record's id term is its key after a
/// control character, which no unit id may hold; its one `langs` term is this mark, which no
/// language key can be; its stored payload starts with [`RECORD_BYTE`] and its key, which no
/// unit payload (JSON) does. Records have no retrieval terms, so no search meets them.
const RECORD_MARK: &str = "\u{1}record";
const RECORD_BYTE: u8 = 1;

fn record_id(key: &str) -> String {
    format!("\u{1}{key}")
}

/// The stored form of a record: the mark, the key's length and the key, then the payload.
fn record_payload(key: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + key.len() + 5);
    out.push(RECORD_BYTE);
    out.extend_from_slice(&(key.len() as u32).to_le_bytes());
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(payload);
    out
}

fn record_key_of(stored: &[u8]) -> Option<&str> {
    let len = u32::from_le_bytes(stored.get(1..5)?.try_into().ok()?) as usize;
    std::str::from_utf8(stored.get(5..5 + len)?).ok()
}

fn strip_record_mark(stored: Vec<u8>) -> Vec<u8> {
    match record_key_of(&stored) {
        Some(key) => stored[5 + key.len()..].to_vec(),
        None => Vec::new(),
    }
}

/// How many live documents hold `text` in `field` (staged ones included).
fn alive_with(
    searcher: &Searcher,
    field: tantivy::schema::Field,
    text: &str,
) -> Result<u64, IndexError> {
    let term = Term::from_field_text(field, text);
    let mut n = 0;
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let inverted = segment.inverted_index(field)?;
        n += live_postings(segment, ord, &inverted, &term, &Hidden::default())?;
    }
    Ok(n)
}

/// How many live documents of `segment` (ordinal `ord`) hold `term`, `hidden` ones left out.
fn live_postings(
    segment: &tantivy::SegmentReader,
    ord: usize,
    inverted: &tantivy::InvertedIndexReader,
    term: &Term,
    hidden: &Hidden,
) -> Result<u64, IndexError> {
    use tantivy::DocSet;
    let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic)? else {
        return Ok(0);
    };
    let mut n = 0;
    let mut doc = postings.doc();
    while doc != tantivy::TERMINATED {
        if !segment.is_deleted(doc) && !hidden.contains(ord, doc) {
            n += 1;
        }
        doc = postings.advance();
    }
    Ok(n)
}

/// Finds the live document for `id` by its postings, without a collector; the units `hidden`
/// names are left out.
fn lookup(
    searcher: &Searcher,
    fields: &Fields,
    id: &str,
    hidden: &Hidden,
) -> Result<Option<Vec<u8>>, IndexError> {
    use tantivy::DocSet;
    let term = Term::from_field_text(fields.id, id);
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let inverted = segment.inverted_index(fields.id)?;
        let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)? else {
            continue;
        };
        let mut doc = postings.doc();
        while doc != tantivy::TERMINATED {
            if !segment.is_deleted(doc) && !hidden.contains(ord, doc) {
                let stored: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc))?;
                return Ok(Some(payload_of(&stored, fields.payload)));
            }
            doc = postings.advance();
        }
    }
    Ok(None)
}
