//! The translation memory: units in, matches and exports out. Knows languages and scoring,
//! not HTTP; stores through [`crate::index`].

pub mod adapt;
pub mod batch;
pub mod concordance;
mod diff;
pub mod export;
mod grams;
pub mod import;
mod inventory;
mod lengths;
pub mod matching;
pub mod score;
mod sketch;
pub mod stored;

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::{Future, IntoFuture};
use std::path::Path;
use std::pin::Pin;

use tokio::sync::oneshot;

use crate::index::{
    IndexDoc, IndexError, Near, SearchWord, TextKey, TmIndex, Touches, WriteSession,
};
use crate::model::lang::Lang;
use crate::model::stream::{FormatError, Item};
use crate::model::unit::{self as unit, Unit};
use crate::text::{tokenize, TokenKind};

/// How a memory is opened (read-only, or with the writer and its heap).
pub use crate::index::Mode;
pub use concordance::{ConcordanceHit, ConcordanceQuery, Span};
pub use diff::{DiffKind, DiffOp};
pub use export::{ExportFilter, Exported, Left};
pub use import::{ImportReport, ImportWatch, Merge};
pub use inventory::{ListFilter, Stats, UnitPage};
pub use matching::{Match, MatchContext, MatchFilter, MatchQuery};

/// Failures of the memory layer.
#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error("a stored unit could not be decoded: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error("no unit has the id '{0}'")]
    NotFound(String),
    #[error("writing the output failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the write was not committed: {0}")]
    NotCommitted(String),
    /// A query the memory cannot run as asked (the edge validates first, with its own codes).
    #[error("{0}")]
    InvalidQuery(String),
    /// The data directory is in a format this release cannot read (or its record is broken).
    #[error("{0}")]
    DataFormat(String),
    /// A record changed between reading it and writing its successor (two edits of one
    /// article at once); the caller reads it again and redoes its work.
    #[error("the record '{0}' changed while this write was prepared")]
    Conflict(String),
    /// Its caller stopped the write (a canceled import); nothing of it was committed.
    #[error("the write was canceled; nothing of it was committed")]
    Canceled,
    /// A bug met while serving the request (a panic, caught); logged with its details.
    #[error("an internal error stopped the request: {0}")]
    Internal(String),
}

/// What a caller hears when its write job's reply went missing: the job panicked on the
/// writer thread (which went on), or the writer stopped before running it.
fn reply_lost() -> MemoryError {
    MemoryError::Internal("the write job ended without an answer".into())
}

/// A write queued on the writer thread; resolves once it is committed.
pub struct Pending<T>(oneshot::Receiver<Result<T, MemoryError>>);

impl<T> Pending<T> {
    /// Blocks until the write is committed (for the CLI and tests).
    pub fn wait(self) -> Result<T, MemoryError> {
        self.0.blocking_recv().unwrap_or_else(|_| Err(reply_lost()))
    }
}

impl<T: Send + 'static> IntoFuture for Pending<T> {
    type Output = Result<T, MemoryError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.0.await.unwrap_or_else(|_| Err(reply_lost())) })
    }
}

/// Whether a unit given to [`Memory::add_units`] was new or merged into a stored one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Added {
    pub id: String,
    pub created: bool,
}

thread_local! {
    static LANGS: RefCell<HashMap<String, Lang>> = RefCell::new(HashMap::new());
}

/// The language of a stored variant key (keys were validated when stored).
pub(crate) fn lang_of_key(key: &str) -> Lang {
    LANGS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(lang) = cache.get(key) {
            return lang.clone();
        }
        let lang = Lang::parse(key).unwrap_or_else(|_| Lang::undetermined());
        cache.insert(key.to_string(), lang.clone());
        lang
    })
}

/// The characters a retrieval prefix term keeps: enough to hold a stem, so that a changed
/// ending (`Алиев`/`Алиева`, `Ալիևը`/`Ալիևի`) still meets its stored form.
pub(crate) const PREFIX_CHARS: usize = 5;

/// The retrieval terms of a query, word by word: the word's own term, then its prefix term;
/// and, for a word long enough that a spelling may differ inside it, what its near
/// spellings are looked for by.
pub(crate) fn query_terms(lang: &Lang, text: &str) -> Vec<SearchWord> {
    let mut joined = String::new();
    let mut words: Vec<SearchWord> = Vec::new();
    for token in tokenize(lang, text) {
        if token.kind == TokenKind::Punct {
            continue;
        }
        joined.clear();
        write_token_terms(lang.key(), &token.norm, &mut joined);
        // The prefix term is written first; the word's own term is asked first.
        let mut terms: Vec<String> = joined.split_whitespace().map(str::to_string).collect();
        terms.reverse();
        // A word as long as a stem prefix is one: it meets the longer words it begins
        // (`թափոն`/`թափոնների`).
        if token.kind == TokenKind::Word && token.norm.chars().count() == PREFIX_CHARS {
            terms.push(format!("{}>{}", lang.key(), token.norm));
        }
        let near = match (token.kind, near_distance(&token.norm)) {
            (TokenKind::Word, Some(distance)) => Some(Near {
                prefix: format!("{}|", lang.key()),
                text: token.norm.clone(),
                distance,
            }),
            _ => None,
        };
        let word = SearchWord { terms, near };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// How many edits a near spelling of a word may be: none for a word of up to 3 characters
/// (every short word is near many others), else one. Two found no more right units on the
/// development sets (UI strings, natural variation) and cost a fifth more time per lookup.
fn near_distance(norm: &str) -> Option<u8> {
    (norm.chars().count() >= 4).then_some(1)
}

/// The terms of one token: `key>prefix` for a long word, then `key|word`.
fn write_token_terms(key: &str, norm: &str, out: &mut String) {
    // Numbers may hold spaces (`1 234`); terms are space-separated.
    let norm = if norm.contains(' ') {
        std::borrow::Cow::Owned(norm.replace(' ', "_"))
    } else {
        std::borrow::Cow::Borrowed(norm)
    };
    if let Some((cut, _)) = norm.char_indices().nth(PREFIX_CHARS) {
        out.push_str(key);
        out.push('>');
        out.push_str(&norm[..cut]);
        out.push(' ');
    }
    out.push_str(key);
    out.push('|');
    out.push_str(&norm);
    out.push(' ');
}

/// The retrieval terms of a stored text's `tokens`, space-separated into one string as the
/// index takes them: every word as `key|word`, long words also as `key>prefix`.
fn write_retrieval_terms(key: &str, tokens: &[crate::text::Token], out: &mut String) {
    for token in tokens {
        if token.kind != TokenKind::Punct {
            write_token_terms(key, &token.norm, out);
        }
    }
}

/// The texts of `unit` in the wanted target languages (all but the source when `targets` is
/// empty), by the tag each was stored with.
pub(crate) fn target_texts(
    unit: &Unit,
    source_key: &str,
    targets: &[Lang],
) -> std::collections::BTreeMap<String, String> {
    unit.variants
        .iter()
        .filter(|(key, _)| is_target(key, source_key, targets))
        .map(|(_, v)| (v.lang.clone(), v.text.clone()))
        .collect()
}

/// Whether the variant stored under language `key` is one of the wanted `targets` (any
/// language but the source when `targets` is empty).
pub(crate) fn is_target(key: &str, source_key: &str, targets: &[Lang]) -> bool {
    key != source_key && (targets.is_empty() || targets.iter().any(|t| t.key() == key))
}

/// What the index keeps of a unit.
fn index_doc(unit: &Unit) -> Result<IndexDoc, MemoryError> {
    let mut terms = String::with_capacity(2048);
    let mut grams = String::new();
    let mut sketch = String::new();
    let mut text_lengths = Vec::with_capacity(unit.variants.len());
    for (key, variant) in &unit.variants {
        let lang = lang_of_key(key);
        let tokens = tokenize(&lang, &variant.text);
        write_retrieval_terms(lang.key(), &tokens, &mut terms);
        grams::write_text_grams(lang.key(), &tokens, &mut grams);
        sketch::write_text_sketch(lang.key(), &tokens, &mut sketch);
        text_lengths.push((key.as_str(), score::TextLengths::of(&tokens)));
    }
    Ok(IndexDoc {
        id: unit.id.to_string(),
        payload: stored::encode(unit)?,
        terms,
        grams,
        sketch,
        langs: unit.variants.keys().cloned().collect(),
        document: unit.meta.document.clone(),
        texts: unit
            .variants
            .iter()
            .map(|(key, variant)| text_key(key, &variant.text))
            .collect(),
        lengths: lengths::unit_values(text_lengths),
    })
}

/// The exact text of a variant as the index finds it: its language key and a hash of its
/// text after NFC and whitespace folding.
fn text_key(key: &str, text: &str) -> TextKey {
    TextKey {
        lang: key.to_string(),
        hash: crate::model::text::folded_hash(text),
    }
}

/// Writes `unit`, merged into the stored unit of the same id if there is one. Returns
/// whether it was new.
fn merge_into_session(session: &mut WriteSession<'_>, unit: Unit) -> Result<bool, MemoryError> {
    match session.get(&unit.id)? {
        Some(bytes) => {
            let mut kept = stored::decode(&bytes)?;
            let before = kept.clone();
            kept.merge(unit);
            if kept != before {
                session.put(index_doc(&kept)?)?;
            }
            Ok(false)
        }
        None => {
            session.put(index_doc(&unit)?)?;
            Ok(true)
        }
    }
}

/// A record and the units that go with it, written in one commit (see
/// [`Memory::write_record`]).
#[derive(Debug, Default)]
pub struct RecordWrite {
    /// The record's new payload; `None` deletes it.
    pub record: Option<Vec<u8>>,
    /// Units written whole (replacing stored units of the same id).
    pub put: Vec<Unit>,
    /// Ids of units to remove.
    pub delete: Vec<String>,
}

/// What a record write changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RecordWritten {
    /// Whether the record existed before.
    #[serde(skip)]
    pub existed: bool,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
}

/// The translation memory over one data directory.
/// What a readiness probe reads of a memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    pub writable: bool,
    /// `None` when the file system would not say.
    pub free_bytes: Option<u64>,
}

pub struct Memory {
    index: TmIndex,
    /// The data directory (its size is reported in [`Stats`]).
    dir: std::path::PathBuf,
    /// The most chars a stored text may have: imports skip longer ones.
    max_text_chars: usize,
}

impl Memory {
    /// Opens (or creates) the memory in `dir`.
    /// Refuses a directory written in a newer format than this release reads.
    pub fn open(dir: &Path, mode: Mode) -> Result<Memory, MemoryError> {
        stored::check_format(dir, matches!(mode, Mode::ReadWrite { .. }))?;
        Ok(Memory {
            index: TmIndex::open(dir, mode)?,
            dir: dir.to_path_buf(),
            max_text_chars: crate::model::unit::MAX_TEXT_CHARS,
        })
    }

    /// The memory, storing texts of up to `max` chars instead of
    /// [`MAX_TEXT_CHARS`](crate::model::unit::MAX_TEXT_CHARS).
    pub fn with_max_text_chars(mut self, max: usize) -> Memory {
        self.max_text_chars = max.max(1);
        self
    }

    /// The most chars a stored text may have.
    pub fn max_text_chars(&self) -> usize {
        self.max_text_chars
    }

    /// Whether the memory can take writes now (its writer thread runs), and the bytes free
    /// on the disk of its data directory.
    pub fn readiness(&self) -> Readiness {
        Readiness {
            writable: self.index.writer_alive(),
            free_bytes: fs4::available_space(&self.dir).ok(),
        }
    }

    /// What the memory's commits have taken since it was opened.
    pub fn commits(&self) -> crate::index::Commits {
        self.index.commits()
    }

    /// Units in the memory (as of the last commit).
    pub fn unit_count(&self) -> u64 {
        self.index.num_units()
    }

    /// The language keys stored, with their unit counts.
    pub fn languages(&self) -> Result<Vec<(String, u64)>, MemoryError> {
        Ok(self.index.languages()?)
    }

    /// One unit by id.
    pub fn get(&self, id: &str) -> Result<Option<Unit>, MemoryError> {
        match self.index.get(id)? {
            Some(bytes) => Ok(Some(stored::decode(&bytes)?)),
            None => Ok(None),
        }
    }

    /// Queues a job that reads and writes the units `touches` names, and hands back its
    /// outcome once committed.
    fn write<T: Send + 'static>(
        &self,
        touches: Touches,
        exclusive: bool,
        job: impl FnOnce(&mut WriteSession<'_>) -> Result<T, MemoryError> + Send + 'static,
    ) -> Pending<T> {
        let (tx, rx) = oneshot::channel();
        let submitted = self
            .index
            .submit(touches, exclusive, move |session| {
                let result = crate::fault::catch("write job", || job(session))
                    .unwrap_or_else(|message| Err(MemoryError::Internal(message)));
                // A job that failed may have written part of its work: nothing of its group
                // is committed. Refusals made before writing do not count.
                if let Err(error) = &result {
                    if !matches!(error, MemoryError::NotFound(_) | MemoryError::Conflict(_)) {
                        session.fail(IndexError::Io(std::io::Error::other(error.to_string())));
                    }
                }
                Box::new(move |commit: Result<(), &IndexError>| {
                    let outcome = match (result, commit) {
                        (Err(error), _) => Err(error),
                        (Ok(_), Err(error)) => Err(MemoryError::NotCommitted(error.to_string())),
                        (Ok(value), Ok(())) => Ok(value),
                    };
                    let _ = tx.send(outcome);
                })
            })
            .map_err(MemoryError::from);
        if let Err(error) = submitted {
            let (tx, rx) = oneshot::channel();
            let _ = tx.send(Err(error));
            return Pending(rx);
        }
        Pending(rx)
    }

    /// Adds units, merging each into a stored unit with the same id.
    /// Consecutive units of one document are linked as neighbours.
    pub fn add_units(&self, mut units: Vec<Unit>) -> Pending<Vec<Added>> {
        unit::link_neighbours(&mut units);
        let ids = units.iter().map(|u| u.id.to_string()).collect();
        self.write(Touches::Units(ids), false, move |session| {
            units
                .into_iter()
                .map(|unit| {
                    let id = unit.id.to_string();
                    merge_into_session(session, unit).map(|created| Added { id, created })
                })
                .collect()
        })
    }

    /// Replaces a unit whole (creating it if absent); true when it existed. A unit without
    /// `created` keeps the stored unit's (a replacement is a change, not a new unit), or
    /// gets the time now when it is new.
    pub fn replace_unit(&self, mut unit: Unit) -> Pending<(bool, Unit)> {
        self.write(
            Touches::Units(vec![unit.id.to_string()]),
            false,
            move |session| {
                let stored = session.get(&unit.id)?;
                if unit.meta.created.is_none() {
                    let kept = match &stored {
                        Some(bytes) => stored::decode(bytes)?.meta.created,
                        None => None,
                    };
                    unit.meta.created =
                        Some(kept.unwrap_or_else(crate::model::time::Timestamp::now));
                }
                session.put(index_doc(&unit)?)?;
                Ok((stored.is_some(), unit))
            },
        )
    }

    /// Changes the stored unit `id` by `change`, in one write: nothing can come between the
    /// read and the write. `NotFound` when there is no such unit; `change`'s own error is
    /// handed back as the inner one, and nothing is written then.
    pub fn update_unit<E: Send + 'static>(
        &self,
        id: String,
        change: impl FnOnce(Unit) -> Result<Unit, E> + Send + 'static,
    ) -> Pending<Result<Unit, E>> {
        self.write(Touches::Units(vec![id.clone()]), false, move |session| {
            let Some(bytes) = session.get(&id)? else {
                return Err(MemoryError::NotFound(id));
            };
            match change(stored::decode(&bytes)?) {
                Ok(unit) => {
                    session.put(index_doc(&unit)?)?;
                    Ok(Ok(unit))
                }
                Err(e) => Ok(Err(e)),
            }
        })
    }

    /// Deletes a unit; `NotFound` when there is none.
    pub fn delete_unit(&self, id: String) -> Pending<()> {
        self.write(Touches::Units(vec![id.clone()]), false, move |session| {
            if session.get(&id)?.is_none() {
                return Err(MemoryError::NotFound(id));
            }
            session.delete(&id)?;
            Ok(())
        })
    }

    /// The record `key` as of the last commit (see [`RecordWrite`]).
    pub fn record(&self, key: &str) -> Result<Option<Vec<u8>>, MemoryError> {
        Ok(self.index.record(key)?)
    }

    /// Every record whose key starts with `prefix`, as of the last commit.
    pub fn records(&self, prefix: &str) -> Result<Vec<Vec<u8>>, MemoryError> {
        Ok(self.index.records(prefix)?)
    }

    /// Writes a record with its units in one commit, so that both survive a crash or neither
    /// does. `read` is the record the write was computed from: when the stored one differs
    /// (another write came between), nothing is written and the answer is
    /// [`MemoryError::Conflict`].
    pub fn write_record(
        &self,
        key: String,
        read: Option<Vec<u8>>,
        write: RecordWrite,
    ) -> Pending<RecordWritten> {
        let ids = write
            .put
            .iter()
            .map(|u| u.id.to_string())
            .chain(write.delete.iter().cloned())
            .collect();
        self.write(Touches::Units(ids), false, move |session| {
            let current = session.record(&key)?;
            if current != read {
                return Err(MemoryError::Conflict(key));
            }
            let mut written = RecordWritten {
                existed: current.is_some(),
                ..RecordWritten::default()
            };
            for unit in write.put {
                let doc = index_doc(&unit)?;
                match session.get(&unit.id)? {
                    None => written.added += 1,
                    Some(old) if old != doc.payload => written.updated += 1,
                    // Unchanged: rewriting it would only churn the index.
                    Some(_) => continue,
                }
                session.put(doc)?;
            }
            for id in write.delete {
                if session.delete(&id)? {
                    written.removed += 1;
                }
            }
            match write.record {
                Some(payload) => session.put_record(&key, &payload)?,
                None => {
                    session.delete_record(&key)?;
                }
            }
            Ok(written)
        })
    }

    /// Imports a stream of items, all or nothing (see [`import`]). The import runs beside
    /// other writes: they are committed while it runs, and its units become readable
    /// together when it ends.
    pub fn import<I>(&self, items: I) -> Pending<ImportReport>
    where
        I: Iterator<Item = Result<Item, FormatError>> + Send + 'static,
    {
        self.import_with(items, Merge::default())
    }

    /// [`Memory::import`], meeting the stored units as `merge` says.
    pub fn import_with<I>(&self, items: I, merge: Merge) -> Pending<ImportReport>
    where
        I: Iterator<Item = Result<Item, FormatError>> + Send + 'static,
    {
        self.import_watched(items, merge, None)
    }

    /// [`Memory::import_with`], publishing its progress to `watch`, which can also stop it
    /// (then it answers [`MemoryError::Canceled`] and nothing of it is committed).
    pub fn import_watched<I>(
        &self,
        items: I,
        merge: Merge,
        watch: Option<std::sync::Arc<ImportWatch>>,
    ) -> Pending<ImportReport>
    where
        I: Iterator<Item = Result<Item, FormatError>> + Send + 'static,
    {
        let prepared = import::prepare_in_background(items);
        let (tx, rx) = oneshot::channel();
        let job = import::Importer::new(prepared, merge, watch, tx);
        if let Err(error) = self.index.submit_staged(Box::new(job)) {
            let (tx, rx) = oneshot::channel();
            let _ = tx.send(Err(error.into()));
            return Pending(rx);
        }
        Pending(rx)
    }

    /// Merges the index into one segment (after a large import); returns how many segments
    /// there were. A million units merge in seconds; lookups then search one segment.
    pub fn optimize(&self) -> Pending<usize> {
        self.write(Touches::Any, true, |session| Ok(session.merge_all()?))
    }

    /// Visits every unit of the last commit (for export); stop early by returning `false`.
    pub fn for_each_unit(&self, visit: impl FnMut(Unit) -> bool) -> Result<(), MemoryError> {
        self.snapshot().for_each_unit(visit)
    }

    /// Lets queued writes finish and stops the writer.
    pub fn close(&self) {
        self.index.close();
    }

    pub(crate) fn index(&self) -> &TmIndex {
        &self.index
    }

    /// The last commit, fixed: read it whole (a feed) while writes go on, and name it by
    /// [`Snapshot::token`].
    pub fn snapshot(&self) -> Snapshot {
        Snapshot(self.index.snapshot())
    }
}

/// The units of one commit (see [`Memory::snapshot`]).
pub struct Snapshot(crate::index::Snapshot);

impl Snapshot {
    /// Same token, same units in the same order; any committed change gives a new one.
    pub fn token(&self) -> u64 {
        self.0.token()
    }

    /// Visits every unit of the snapshot; stop early by returning `false`.
    pub fn for_each_unit(&self, mut visit: impl FnMut(Unit) -> bool) -> Result<(), MemoryError> {
        let mut decode_error = None;
        self.0.for_each(|bytes| match stored::decode(&bytes) {
            Ok(unit) => Ok(visit(unit)),
            Err(e) => {
                decode_error = Some(e);
                Ok(false)
            }
        })?;
        match decode_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_key_that_no_longer_parses_is_the_undetermined_language() {
        // Once `Lang::parse("und-Latn").expect(..)`, which panics.
        assert!(Lang::parse("und-Latn").is_err());
        assert_eq!(lang_of_key("not a tag!").key(), "und");
        assert_eq!(lang_of_key("hy-AM").key(), "hy");
    }

    #[test]
    fn a_query_word_asks_itself_first_then_its_stem_prefix() {
        let hy = Lang::parse("hy").unwrap();
        let terms: Vec<Vec<String>> = query_terms(&hy, "Թափոն զամբյուղը դատարկել և")
            .into_iter()
            .map(|word| word.terms)
            .collect();
        assert_eq!(
            terms,
            [
                // Five characters: the word is a stem prefix of longer words too.
                vec!["hy|թափոն", "hy>թափոն"],
                vec!["hy|զամբյուղը", "hy>զամբյ"],
                vec!["hy|դատարկել", "hy>դատար"],
                // Shorter: the word alone (`և` folds to `եւ`).
                vec!["hy|եւ"],
            ]
        );
    }
}
