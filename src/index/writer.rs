//! The one writer: a thread that owns the tantivy `IndexWriter` and runs write jobs in order.
//!
//! Jobs queued while a commit runs are grouped into the next commit, so many small writes
//! share one fsync. A job's caller hears back only after its commit is durable (or failed):
//! that is what lets the HTTP layer answer 2xx only for writes that survive `kill -9`.
//!
//! An import is a [`Staged`] job: the writer runs it in slices and commits the small writes
//! that arrive meanwhile between them, its units hidden until its last commit (see
//! [`super::staged`]). A small write that touches a unit the import has staged waits for it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery, TermSetQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexReader, IndexWriter, Term};

use super::schema::Fields;
pub use super::session::WriteSession;
use super::session::{id_hash, Stage};
use super::staged::{self, Hidden};
use super::{lookup, IndexError};

/// Hears how the commit that carried a job's writes ended.
pub type Finish = Box<dyn FnOnce(Result<(), &IndexError>) + Send>;

type Job = Box<dyn FnOnce(&mut WriteSession<'_>) -> Finish + Send>;

/// The units a write job reads and writes, named when it is queued: while an import is open,
/// a job that touches none of the units the import has staged runs at once; the others wait
/// for the import to end.
#[derive(Debug, Clone)]
pub enum Touches {
    Units(Vec<String>),
    /// Units it cannot name beforehand (a whole document, the whole index).
    Any,
}

/// An import that the writer runs in slices, between other writes (see [`super::staged`]).
pub trait Staged: Send {
    /// Writes the next items until `until` or the last item; true once every item is
    /// written. An error fails the import: nothing of it is committed.
    fn step(&mut self, session: &mut WriteSession<'_>, until: Instant) -> Result<bool, IndexError>;
    /// Hears how the import ended: committed whole, or not at all.
    fn finish(self: Box<Self>, outcome: Result<(), &IndexError>);
}

enum Queued {
    Job {
        touches: Touches,
        /// In a commit of its own (optimize).
        exclusive: bool,
        job: Job,
    },
    Staged(Box<dyn Staged>),
}

/// The most jobs folded into one commit.
const MAX_GROUP: usize = 256;

/// How long an import writes before the writer looks for other jobs.
const SLICE: Duration = Duration::from_millis(50);

/// An import's units are committed (hidden) at least every this many operations, so that the
/// commit a small write waits for never has much of the import to write. Each commit leaves
/// small segments, each with its own dictionary of nearly the same terms, and the merge after
/// the import maps them all: at 1M units, 10,000 made 192 segments and a peak RSS of
/// 1,566–1,593 MiB; 40,000 took it to 1,438–1,451 MiB and the import from 8.8–10.8k to
/// 12.3–12.6k units/s, while a lone small write during a 200k import waited at most 0.63 s
/// instead of 0.55 s (BENCHMARKS.md, session 19).
const STAGE_COMMIT_OPS: usize = 40_000;

/// While an import runs, the writes beside it are committed together at most this often:
/// each commit costs the import about as much as writing a few hundred of its units, and
/// under a steady stream of small writes a commit for each made a 50k-unit import take
/// minutes. A small write waits at most this, a slice and one commit.
const COMMIT_WINDOW: Duration = Duration::from_millis(200);

/// The handle through which requests queue write jobs.
pub struct Writer {
    jobs: Option<mpsc::Sender<Queued>>,
    thread: Option<JoinHandle<()>>,
    commits: Arc<CommitStats>,
}

/// What the writer's commits have taken so far, for monitoring.
#[derive(Debug, Default)]
pub struct CommitStats {
    count: std::sync::atomic::AtomicU64,
    failed: std::sync::atomic::AtomicU64,
    micros: std::sync::atomic::AtomicU64,
}

/// A reading of [`CommitStats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Commits {
    /// Commits written (and made readable).
    pub count: u64,
    /// Commits that failed and were rolled back.
    pub failed: u64,
    /// Time spent in commits, successful or not, in microseconds.
    pub micros: u64,
}

impl CommitStats {
    fn record(&self, started: std::time::Instant, ok: bool) {
        use std::sync::atomic::Ordering::Relaxed;
        let counter = if ok { &self.count } else { &self.failed };
        counter.fetch_add(1, Relaxed);
        self.micros
            .fetch_add(started.elapsed().as_micros() as u64, Relaxed);
    }

    pub fn read(&self) -> Commits {
        use std::sync::atomic::Ordering::Relaxed;
        Commits {
            count: self.count.load(Relaxed),
            failed: self.failed.load(Relaxed),
            micros: self.micros.load(Relaxed),
        }
    }
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
        let commits = Arc::new(CommitStats::default());
        let mut state = WriterThread {
            writer,
            fields,
            reader,
            queue,
            commits: commits.clone(),
            parked: VecDeque::new(),
        };
        // Before anything is served: what an import cut short left behind goes.
        state.recover();
        let thread = std::thread::Builder::new()
            .name("tetraglot-writer".into())
            .spawn(move || state.run())
            .map_err(|e| tantivy::TantivyError::SystemError(e.to_string()))?;
        Ok(Writer {
            jobs: Some(jobs),
            thread: Some(thread),
            commits,
        })
    }

    /// What its commits have taken so far.
    pub fn commits(&self) -> Commits {
        self.commits.read()
    }

    /// Whether the writer thread still runs (it ends only when stopped, or by a panic no
    /// job's catch held).
    pub fn is_alive(&self) -> bool {
        self.jobs.is_some() && self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    fn send(&self, queued: Queued) -> Result<(), IndexError> {
        self.jobs
            .as_ref()
            .ok_or(IndexError::WriterGone)?
            .send(queued)
            .map_err(|_| IndexError::WriterGone)
    }

    /// Queues a job. It runs on the writer thread; its [`Finish`] hears the commit's outcome.
    /// `exclusive` gives it a commit of its own.
    pub fn submit(
        &self,
        touches: Touches,
        exclusive: bool,
        job: impl FnOnce(&mut WriteSession<'_>) -> Finish + Send + 'static,
    ) -> Result<(), IndexError> {
        self.send(Queued::Job {
            touches,
            exclusive,
            job: Box::new(job),
        })
    }

    /// Queues an import, which runs in slices with other writes committed between them; its
    /// units become readable together, at its last commit. Imports run one at a time.
    pub fn submit_staged(&self, job: Box<dyn Staged>) -> Result<(), IndexError> {
        self.send(Queued::Staged(job))
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

/// An import in progress, with the writer's side of it.
struct Active {
    job: Box<dyn Staged>,
    stage: Stage,
}

/// The writer thread's state: the tantivy writer, the queue, and the jobs waiting for the
/// open import to end.
struct WriterThread {
    writer: IndexWriter,
    fields: Fields,
    reader: IndexReader,
    queue: mpsc::Receiver<Queued>,
    /// Jobs that touch units the open import has staged, or that must run alone: they run
    /// once it ends, in the order they came.
    parked: VecDeque<Queued>,
    commits: Arc<CommitStats>,
}

impl WriterThread {
    fn run(mut self) {
        let mut next: Option<Queued> = None;
        loop {
            let queued = match next.take().or_else(|| self.parked.pop_front()) {
                Some(queued) => queued,
                None => match self.queue.recv() {
                    Ok(queued) => queued,
                    Err(_) => break,
                },
            };
            next = match queued {
                Queued::Staged(job) => {
                    self.import(job);
                    None
                }
                Queued::Job { exclusive, job, .. } => self.group(exclusive, job),
            };
        }
        if let Err(error) = self.writer.wait_merging_threads() {
            tracing::warn!(%error, "merging threads did not finish cleanly");
        }
    }

    /// Commits the writes queued so far and makes them readable.
    fn commit(&mut self) -> Result<(), IndexError> {
        let started = std::time::Instant::now();
        let writer = &mut self.writer;
        let reader = &self.reader;
        let outcome = crate::fault::catch("commit", || {
            writer
                .commit()
                .map_err(IndexError::from)
                .and_then(|_| reader.reload().map_err(IndexError::from))
        })
        .unwrap_or_else(|message| Err(IndexError::Panicked(message)));
        if outcome.is_err() {
            let _ = self.writer.rollback();
        }
        self.commits.record(started, outcome.is_ok());
        outcome
    }

    /// Ends a session: commits it, or rolls it back when it failed.
    fn settle(&mut self, failed: Option<IndexError>) -> Result<(), IndexError> {
        match failed {
            Some(error) => {
                let _ = self.writer.rollback();
                Err(error)
            }
            None => self.commit(),
        }
    }

    /// Runs `first` and the plain jobs queued behind it in one commit; hands back the job
    /// that could not join.
    fn group(&mut self, exclusive: bool, first: Job) -> Option<Queued> {
        let mut next = None;
        let mut session =
            WriteSession::new(&mut self.writer, &self.fields, &self.reader, None, None);
        let mut finishes = Vec::new();
        run_job(&mut session, first, &mut finishes);
        // Once a job failed (or panicked) the group is closed: jobs queued behind it go to
        // the next commit instead of sharing the rollback.
        while session.failed.is_none() && !exclusive && finishes.len() < MAX_GROUP {
            let queued = match self.parked.pop_front() {
                Some(queued) => queued,
                None => match self.queue.try_recv() {
                    Ok(queued) => queued,
                    Err(_) => break,
                },
            };
            match queued {
                Queued::Job {
                    exclusive: false,
                    job,
                    ..
                } => run_job(&mut session, job, &mut finishes),
                other => {
                    next = Some(other);
                    break;
                }
            }
        }
        let mut failed = session.failed.take();
        if failed.is_none() {
            failed = session.flush().err();
        }
        let outcome = self.settle(failed);
        for finish in finishes {
            finish(outcome.as_ref().map(|_| ()));
        }
        next
    }

    /// Runs an import with segment merges held off: a merge during an import re-reads and
    /// re-writes what the import's last slices wrote, and a large import ends by merging
    /// everything anyway (at 200k units, imports ran 1.19x as fast, and the merge after them
    /// took 0.5 s longer; BENCHMARKS.md, session 14). The next commit after it merges again.
    fn import(&mut self, job: Box<dyn Staged>) {
        self.writer.set_merge_policy(Box::new(NoMergePolicy));
        self.import_unmerged(job);
        self.writer
            .set_merge_policy(Box::new(LogMergePolicy::default()));
    }

    /// Runs an import to its end, committing the plain jobs that arrive meanwhile between its
    /// slices.
    fn import_unmerged(&mut self, job: Box<dyn Staged>) {
        let batch = loop {
            // Unique among the imports of this index (a mark of an ended import is inert,
            // but must not be the open one's).
            let candidate = rand_batch();
            if candidate != 0 {
                break candidate;
            }
        };
        let mut active = Active {
            job,
            stage: Stage {
                mark: Term::from_field_text(self.fields.langs, &staged::batch_mark(batch)),
                staged: HashSet::new(),
                ids: Vec::new(),
                pending: HashMap::new(),
                uncommitted: 0,
                batch,
                snapshot: self.reader.searcher(),
                written: HashSet::new(),
            },
        };
        // The open record is committed first: whatever of the import a later commit
        // carries, readers of it know to leave out.
        let begun = {
            let mut session =
                WriteSession::new(&mut self.writer, &self.fields, &self.reader, None, None);
            let written = session
                .put_record(staged::OPEN_RECORD, &staged::open_payload(batch))
                .and_then(|()| session.flush());
            let failed = session.failed.take().or(written.err());
            self.settle(failed)
        };
        if let Err(error) = begun {
            active.job.finish(Err(&error));
            return;
        }
        active.stage.snapshot = self.reader.searcher();
        let mut last_commit = Instant::now();
        loop {
            if last_commit.elapsed() >= COMMIT_WINDOW {
                match self.between_slices(&mut active.stage) {
                    Ok(true) => last_commit = Instant::now(),
                    Ok(false) => {}
                    Err(error) => return self.abort(active, error),
                }
            }
            let mut session = WriteSession::new(
                &mut self.writer,
                &self.fields,
                &self.reader,
                Some(batch),
                Some(&mut active.stage),
            );
            let job = &mut active.job;
            let stepped =
                crate::fault::catch("import", || job.step(&mut session, Instant::now() + SLICE))
                    .unwrap_or_else(|message| Err(IndexError::Panicked(message)));
            let flushed = session.flush();
            let failed = session.failed.take();
            drop(session);
            match (stepped, flushed, failed) {
                (Err(error), _, _) | (_, Err(error), _) | (_, _, Some(error)) => {
                    return self.abort(active, error);
                }
                (Ok(true), Ok(()), None) => return self.complete(active),
                (Ok(false), Ok(()), None) => {
                    if active.stage.uncommitted >= STAGE_COMMIT_OPS {
                        if let Err(error) = self.commit() {
                            return self.abort(active, error);
                        }
                        active.stage.uncommitted = 0;
                        last_commit = Instant::now();
                    }
                }
            }
        }
    }

    /// Between two slices of an import: commits the plain jobs that do not touch its units
    /// (with its uncommitted units, hidden), and parks the others; true when it committed.
    fn between_slices(&mut self, stage: &mut Stage) -> Result<bool, IndexError> {
        let mut runnable = Vec::new();
        let mut still_parked = VecDeque::new();
        let waiting: Vec<Queued> = self
            .parked
            .drain(..)
            .chain(std::iter::from_fn(|| self.queue.try_recv().ok()))
            .collect();
        for queued in waiting {
            match queued {
                Queued::Job {
                    touches: Touches::Units(ids),
                    exclusive: false,
                    job,
                } if runnable.len() < MAX_GROUP
                    && !ids.iter().any(|id| stage.staged.contains(&id_hash(id))) =>
                {
                    stage.written.extend(ids.iter().map(|id| id_hash(id)));
                    runnable.push((ids, job))
                }
                other => still_parked.push_back(other),
            }
        }
        self.parked = still_parked;
        if runnable.is_empty() {
            return Ok(false);
        }
        let mut session = WriteSession::new(
            &mut self.writer,
            &self.fields,
            &self.reader,
            Some(stage.batch),
            None,
        );
        let mut finishes = Vec::new();
        let mut after_failure = VecDeque::new();
        for (ids, job) in runnable {
            // A failed job rolls back what the import has not committed yet: the import ends
            // with it, and the jobs behind it run after.
            if session.failed.is_some() {
                after_failure.push_back(Queued::Job {
                    touches: Touches::Units(ids),
                    exclusive: false,
                    job,
                });
                continue;
            }
            run_job(&mut session, job, &mut finishes);
        }
        let mut failed = session.failed.take();
        if failed.is_none() {
            failed = session.flush().err();
        }
        let had_failure = failed.is_some();
        let outcome = self.settle(failed);
        after_failure.append(&mut self.parked);
        self.parked = after_failure;
        for finish in finishes {
            finish(outcome.as_ref().map(|_| ()));
        }
        match outcome {
            Ok(()) => {
                stage.uncommitted = 0;
                Ok(true)
            }
            Err(error) if had_failure => Err(IndexError::Io(std::io::Error::other(format!(
                "a write beside the import failed and rolled the import back: {error}"
            )))),
            Err(error) => Err(error),
        }
    }

    /// The import's last commit: the versions it replaced go, and its units become readable.
    fn complete(&mut self, active: Active) {
        let Active { job, stage } = active;
        let written = (|| -> Result<(), IndexError> {
            if !stage.ids.is_empty() {
                let ids = stage
                    .ids
                    .iter()
                    .map(|id| Term::from_field_text(self.fields.id, id));
                let older: Vec<(Occur, Box<dyn Query>)> = vec![
                    (Occur::Must, Box::new(TermSetQuery::new(ids))),
                    (
                        Occur::MustNot,
                        Box::new(TermQuery::new(stage.mark.clone(), IndexRecordOption::Basic)),
                    ),
                ];
                self.writer
                    .delete_query(Box::new(BooleanQuery::new(older)))?;
            }
            self.writer.delete_term(Term::from_field_text(
                self.fields.id,
                &super::record_id(staged::OPEN_RECORD),
            ));
            self.commit()
        })();
        match written {
            Ok(()) => job.finish(Ok(())),
            Err(error) => {
                // Nothing of it is readable: the open record is still committed.
                self.discard(stage.batch);
                job.finish(Err(&error));
            }
        }
    }

    /// Ends a failed import: what it committed is deleted, and its caller hears `error`.
    fn abort(&mut self, active: Active, error: IndexError) {
        let _ = self.writer.rollback();
        self.discard(active.stage.batch);
        active.job.finish(Err(&error));
    }

    /// Deletes the staged units of `batch` and the open record. Should that fail, the
    /// record stays and readers keep leaving the units out; the next start deletes them.
    fn discard(&mut self, batch: u64) {
        self.writer.delete_term(Term::from_field_text(
            self.fields.langs,
            &staged::batch_mark(batch),
        ));
        self.writer.delete_term(Term::from_field_text(
            self.fields.id,
            &super::record_id(staged::OPEN_RECORD),
        ));
        if let Err(error) = self.commit() {
            tracing::error!(%error, "the units of a failed import could not be deleted yet");
        }
    }

    /// At start: an import cut short (the process was killed during it) left its open
    /// record; its staged units are deleted.
    fn recover(&mut self) {
        let searcher = self.reader.searcher();
        let open = lookup(
            &searcher,
            &self.fields,
            &super::record_id(staged::OPEN_RECORD),
            &Hidden::default(),
        );
        if let Ok(Some(payload)) = open {
            if let Some(batch) = staged::batch_of(&super::strip_record_mark(payload)) {
                tracing::warn!("an import cut short is removed: none of it was kept");
                self.discard(batch);
            }
        }
    }
}

/// A batch number no earlier import of this index is likely to have had.
fn rand_batch() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{doc, open, run};

    #[test]
    fn a_panicking_job_fails_alone_and_the_writer_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let index = open(&dir);
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

    #[test]
    fn the_views_of_commits_no_searcher_holds_go() {
        let dir = tempfile::tempdir().unwrap();
        let index = open(&dir);
        for id in ["a", "b", "c"] {
            assert_eq!(run(&index, move |s| s.put(doc(id)).unwrap()), Some(Ok(())));
            assert!(index.get(id).unwrap().is_some());
        }
        let merged = run(&index, |s| {
            s.merge_all().unwrap();
        });
        assert_eq!(merged, Some(Ok(())));
        // Each commit read had its view; tantivy's warming GC (every second) drops the views
        // of the commits no searcher holds, and with them the doc store readers of
        // merged-away segments. The merged commit has not been read yet.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while index.views.kept() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert_eq!(index.views.kept(), 0);
        for id in ["a", "b", "c"] {
            assert_eq!(index.get(id).unwrap().as_deref(), Some(id.as_bytes()));
        }
        assert_eq!(index.views.kept(), 1, "one view for the commit read");
        index.close();
    }
}
