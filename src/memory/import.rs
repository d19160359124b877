//! Bulk import: a stream of parsed units written all or nothing, merged by id, with a report.

use std::collections::HashSet;

use serde::Serialize;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};

use super::{index_doc, merge_into_session, MemoryError};
use crate::index::{IndexDoc, IndexError, Staged, WriteSession};
use crate::model::stream::FormatError;
use crate::model::stream::{Item, Skip};
use crate::model::unit::{link_neighbours, Unit, UnitId};
use tokio::sync::oneshot;

/// At most this many skipped entries are listed; the rest are counted.
const SKIP_LIST_LIMIT: usize = 10_000;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Units read from the file (taken or not).
    pub read: u64,
    /// Units new to the memory.
    pub added: u64,
    /// Units whose id was already stored (or repeated in the file): merged, not duplicated.
    pub merged: u64,
    /// Units of new ids that joined a stored unit with the same text in one of their
    /// languages instead (see [`Merge::Source`]).
    pub joined: u64,
    /// Units or variants left out, each with its line and reason.
    pub skipped: Vec<Skip>,
    /// How many were left out in all (the list stops at 10,000).
    pub skipped_total: u64,
}

/// How an imported unit meets the stored ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Merge {
    /// A unit replaces the stored unit of its id.
    None,
    /// A unit is merged into the stored unit of its id (its variants and metadata added).
    Id,
    /// As `Id`; and a unit whose id is new joins a stored unit when one of its variants has
    /// the same text (after NFC and whitespace folding) as that unit's variant of the same
    /// language, the stored unit holds none of its other languages or the same text in
    /// them, and their documents agree when both have one. Its new languages are added to
    /// the stored unit, which keeps its id and metadata: an en→hy file and an en→ru file of
    /// the same sentences make en+hy+ru units.
    #[default]
    Source,
}

impl Merge {
    /// The name `FromStr` reads back.
    pub fn as_str(self) -> &'static str {
        match self {
            Merge::None => "none",
            Merge::Id => "id",
            Merge::Source => "source",
        }
    }
}

impl std::str::FromStr for Merge {
    type Err = String;

    fn from_str(s: &str) -> Result<Merge, String> {
        [Merge::None, Merge::Id, Merge::Source]
            .into_iter()
            .find(|merge| merge.as_str() == s)
            .ok_or_else(|| format!("merge '{s}' is not one of none, id, source"))
    }
}

/// How far a running import has come, for whoever follows it (a task), and its stop switch.
/// The importer publishes its counts after each batch it writes; the reader of the file
/// counts bytes. All relaxed: a reader wants a recent figure, not a consistent one.
#[derive(Debug, Default)]
pub struct ImportWatch {
    pub bytes_read: AtomicU64,
    pub read: AtomicU64,
    pub added: AtomicU64,
    pub merged: AtomicU64,
    pub joined: AtomicU64,
    pub skipped: AtomicU64,
    cancel: AtomicBool,
}

impl ImportWatch {
    /// Asks the import to stop: it fails at its next batch, and nothing of it is committed.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_canceled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    fn publish(&self, report: &ImportReport) {
        self.read.store(report.read, Ordering::Relaxed);
        self.added.store(report.added, Ordering::Relaxed);
        self.merged.store(report.merged, Ordering::Relaxed);
        self.joined.store(report.joined, Ordering::Relaxed);
        self.skipped.store(report.skipped_total, Ordering::Relaxed);
    }
}

/// The most stored units with one text that a joining unit considers.
const JOIN_CANDIDATES: usize = 16;

/// Joins `unit` into a stored unit by [`Merge::Source`]'s rule; the id of the unit it
/// joined. `texts` are its variants' exact texts, in the order of its variants (as
/// `index_doc` made them).
fn join(
    session: &mut WriteSession<'_>,
    unit: &Unit,
    texts: &[crate::index::TextKey],
) -> Result<Option<UnitId>, MemoryError> {
    use crate::model::text::fold_whitespace;
    for ((key, variant), text) in unit.variants.iter().zip(texts) {
        let Some(found) = session.with_text(text, JOIN_CANDIDATES)? else {
            return Ok(None);
        };
        if found.is_empty() {
            continue;
        }
        let folded = fold_whitespace(&variant.text);
        for payload in found {
            let id = super::stored::decode(&payload)?.id;
            // Its current form: an earlier unit of this import may have joined it already.
            let Some(current) = session.get(&id)? else {
                continue;
            };
            let mut stored = super::stored::decode(&current)?;
            let same_text = |k: &str, text: &str| {
                stored
                    .variants
                    .get(k)
                    .is_some_and(|v| fold_whitespace(&v.text) == fold_whitespace(text))
            };
            if !same_text(key, &folded) {
                continue;
            }
            let documents_agree = match (&stored.meta.document, &unit.meta.document) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            let fits = unit
                .variants
                .iter()
                .all(|(k, v)| !stored.variants.contains_key(k) || same_text(k, &v.text));
            if !documents_agree || !fits {
                continue;
            }
            for (k, v) in &unit.variants {
                stored
                    .variants
                    .entry(k.clone())
                    .or_insert_with(|| v.clone());
            }
            session.put(index_doc(&stored)?)?;
            return Ok(Some(stored.id));
        }
    }
    Ok(None)
}

/// Points the `next` of unit `id` from `old` to `new` (a neighbour that joined another unit).
fn repoint(
    session: &mut WriteSession<'_>,
    id: &str,
    old: &str,
    new: &UnitId,
) -> Result<(), MemoryError> {
    let Some(bytes) = session.get(id)? else {
        return Ok(());
    };
    let mut unit = super::stored::decode(&bytes)?;
    if unit.meta.next.as_deref() == Some(old) {
        unit.meta.next = Some(new.clone());
        session.put(index_doc(&unit)?)?;
    }
    Ok(())
}

/// What the parsing thread hands the writer: an item, with the index form of a unit already
/// computed (it is right whenever the unit is new, the common case).
pub(super) enum Prepared {
    Unit(Box<Unit>, IndexDoc),
    Skipped(Skip),
}

/// Items travel to the writer in batches of this many: one wake-up for many units.
const BATCH: usize = 128;

type Batch = Vec<Result<Prepared, MemoryError>>;

/// The parsing thread's end of the channel, filling a batch before sending it.
struct Outbox {
    tx: mpsc::SyncSender<Batch>,
    batch: Batch,
}

impl Outbox {
    /// False when the writer stopped listening (its job failed).
    fn push(&mut self, item: Result<Prepared, MemoryError>) -> bool {
        self.batch.push(item);
        self.batch.len() < BATCH || self.flush()
    }

    fn flush(&mut self) -> bool {
        self.batch.is_empty() || self.tx.send(std::mem::take(&mut self.batch)).is_ok()
    }

    /// Prepares a unit for the index and queues it; false to stop.
    fn unit(&mut self, unit: Box<Unit>) -> bool {
        let prepared = index_doc(&unit).map(|doc| Prepared::Unit(unit, doc));
        let failed = prepared.is_err();
        self.push(prepared) && !failed
    }
}

/// Parses and prepares units on a thread of its own, so the writer thread only writes.
pub(super) fn prepare_in_background(
    items: impl Iterator<Item = Result<Item, FormatError>> + Send + 'static,
) -> mpsc::Receiver<Batch> {
    let (tx, rx) = mpsc::sync_channel(8);
    let on_panic = tx.clone();
    std::thread::Builder::new()
        .name("tetraglot-parse".into())
        .spawn(move || {
            let parsed = crate::fault::catch("import parser", move || parse(items, tx));
            if let Err(message) = parsed {
                // A reader that panics fails the import: the end of its channel must not
                // read as the end of the file, or the units before the panic would be
                // committed as the whole import.
                let _ = on_panic.send(vec![Err(MemoryError::Internal(message))]);
            }
        })
        .expect("a parsing thread starts");
    rx
}

/// The parsing thread's work: reads `items` and hands them to the writer in batches.
fn parse(items: impl Iterator<Item = Result<Item, FormatError>>, tx: mpsc::SyncSender<Batch>) {
    let mut out = Outbox {
        tx,
        batch: Vec::with_capacity(BATCH),
    };
    // The last unit read waits for the next one, so two consecutive sentences of one
    // document can be linked as neighbours before either is indexed.
    let mut waiting: Option<Box<Unit>> = None;
    for item in items {
        let ok = match item {
            Ok(Item::Unit(unit)) => match waiting.take() {
                Some(previous) => {
                    let mut pair = [*previous, *unit];
                    link_neighbours(&mut pair);
                    let [previous, unit] = pair;
                    waiting = Some(Box::new(unit));
                    out.unit(Box::new(previous))
                }
                None => {
                    waiting = Some(unit);
                    true
                }
            },
            Ok(Item::Skipped(skip)) => out.push(Ok(Prepared::Skipped(skip))),
            Err(e) => {
                out.push(Err(e.into()));
                out.flush();
                return;
            }
        };
        if !ok {
            return;
        }
    }
    if let Some(last) = waiting {
        out.unit(last);
    }
    out.flush();
}

/// An import as the writer runs it: in slices (see [`crate::index::Staged`]), the report
/// and what it must remember carried from one slice to the next.
pub(super) struct Importer {
    batches: mpsc::Receiver<Batch>,
    merge: Merge,
    report: ImportReport,
    /// Hashes of the ids read so far.
    seen: HashSet<u64>,
    /// Ids of units that joined stored units, and the ids they joined.
    renamed: std::collections::HashMap<UnitId, UnitId>,
    /// Why it stopped, when it failed.
    error: Option<MemoryError>,
    /// Who follows it, and may stop it.
    watch: Option<Arc<ImportWatch>>,
    reply: oneshot::Sender<Result<ImportReport, MemoryError>>,
}

impl Importer {
    pub(super) fn new(
        batches: mpsc::Receiver<Batch>,
        merge: Merge,
        watch: Option<Arc<ImportWatch>>,
        reply: oneshot::Sender<Result<ImportReport, MemoryError>>,
    ) -> Importer {
        Importer {
            batches,
            merge,
            report: ImportReport::default(),
            seen: HashSet::new(),
            renamed: std::collections::HashMap::new(),
            error: None,
            watch,
            reply,
        }
    }
}

impl Staged for Importer {
    fn step(
        &mut self,
        session: &mut WriteSession<'_>,
        until: std::time::Instant,
    ) -> Result<bool, IndexError> {
        loop {
            let wait = until.saturating_duration_since(std::time::Instant::now());
            if wait.is_zero() {
                return Ok(false);
            }
            let batch = match self.batches.recv_timeout(wait) {
                Ok(batch) => batch,
                Err(mpsc::RecvTimeoutError::Timeout) => return Ok(false),
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(true),
            };
            let canceled = self.watch.as_ref().is_some_and(|w| w.is_canceled());
            let written = if canceled {
                Err(MemoryError::Canceled)
            } else {
                batch
                    .into_iter()
                    .try_for_each(|item| self.write(session, item))
            };
            if let Err(error) = written {
                let failure = IndexError::Io(std::io::Error::other(error.to_string()));
                self.error = Some(error);
                return Err(failure);
            }
            if let Some(watch) = &self.watch {
                watch.publish(&self.report);
            }
        }
    }

    fn finish(self: Box<Self>, outcome: Result<(), &IndexError>) {
        let answer = match (self.error, outcome) {
            (Some(error), _) => Err(error),
            (None, Err(error)) => Err(MemoryError::NotCommitted(error.to_string())),
            (None, Ok(())) => Ok(self.report),
        };
        let _ = self.reply.send(answer);
    }
}

impl Importer {
    /// Writes one item of the file.
    fn write(
        &mut self,
        session: &mut WriteSession<'_>,
        item: Result<Prepared, MemoryError>,
    ) -> Result<(), MemoryError> {
        let (report, merge) = (&mut self.report, self.merge);
        match item? {
            Prepared::Skipped(skip) => {
                report.skipped_total += 1;
                if report.skipped.len() < SKIP_LIST_LIMIT {
                    report.skipped.push(skip);
                }
            }
            Prepared::Unit(mut unit, mut doc) => {
                report.read += 1;
                // Neighbours that joined other units are linked as those units.
                let mut relinked = false;
                for link in [&mut unit.meta.prev, &mut unit.meta.next] {
                    if let Some(to) = link.as_ref().and_then(|id| self.renamed.get(id)) {
                        *link = Some(to.clone());
                        relinked = true;
                    }
                }
                if relinked {
                    doc = index_doc(&unit)?;
                }
                let first_in_file = self
                    .seen
                    .insert(xxhash_rust::xxh3::xxh3_64(unit.id.as_bytes()));
                let stored = session.get(&unit.id)?;
                if stored.is_none() && merge == Merge::Source {
                    if let Some(joined) = join(session, &unit, &doc.texts)? {
                        // The unit before it (written already) pointed at its id.
                        if let Some(prev) = &unit.meta.prev {
                            repoint(session, prev, &unit.id, &joined)?;
                        }
                        self.renamed.insert(unit.id.clone(), joined);
                        report.joined += 1;
                        return Ok(());
                    }
                }
                let created = match stored {
                    None if first_in_file => {
                        session.insert(doc)?;
                        true
                    }
                    // Written earlier in this file, then forgotten by the session: replace.
                    None => {
                        session.put(doc)?;
                        true
                    }
                    Some(_) if merge == Merge::None => {
                        session.put(doc)?;
                        false
                    }
                    Some(_) => merge_into_session(session, *unit)?,
                };
                if created && first_in_file {
                    report.added += 1;
                } else {
                    report.merged += 1;
                }
            }
        }
        Ok(())
    }
}
