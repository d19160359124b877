//! Bulk import: a stream of parsed units written as one commit, merged by id, with a report.

use std::collections::HashSet;

use serde::Serialize;

use std::sync::mpsc;

use super::{index_doc, merge_into_session, MemoryError};
use crate::index::IndexDoc;
use crate::index::WriteSession;
use crate::model::stream::FormatError;
use crate::model::stream::{Item, Skip};
use crate::model::unit::{link_neighbours, Unit};

/// At most this many skipped entries are listed; the rest are counted.
const SKIP_LIST_LIMIT: usize = 10_000;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Units read from the file (taken or not).
    pub read: u64,
    /// Units new to the memory.
    pub added: u64,
    /// Units whose id was already stored (or repeated in the file): merged, not duplicated.
    pub merged: u64,
    /// Units or variants left out, each with its line and reason.
    pub skipped: Vec<Skip>,
    /// How many were left out in all (the list stops at 10,000).
    pub skipped_total: u64,
}

/// Runs inside the writer: a malformed file fails the job, and the writer rolls back the
/// whole import.
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
    std::thread::Builder::new()
        .name("tetraglot-parse".into())
        .spawn(move || {
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
        })
        .expect("a parsing thread starts");
    rx
}

pub(super) fn run(
    session: &mut WriteSession<'_>,
    batches: mpsc::Receiver<Batch>,
) -> Result<ImportReport, MemoryError> {
    let mut report = ImportReport::default();
    let mut seen = HashSet::new();
    for item in batches.into_iter().flatten() {
        match item? {
            Prepared::Skipped(skip) => {
                report.skipped_total += 1;
                if report.skipped.len() < SKIP_LIST_LIMIT {
                    report.skipped.push(skip);
                }
            }
            Prepared::Unit(unit, doc) => {
                report.read += 1;
                let first_in_file = seen.insert(xxhash_rust::xxh3::xxh3_64(unit.id.as_bytes()));
                let created = match session.get(&unit.id)? {
                    None if first_in_file => {
                        session.insert(doc)?;
                        true
                    }
                    // Written earlier in this file, then forgotten by the session: replace.
                    None => {
                        session.put(doc)?;
                        true
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
    }
    Ok(report)
}
