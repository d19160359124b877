//! Long writes as tasks: an import or an optimize queued durably, run one at a time on a
//! thread of its own, followed while it runs, canceled on request, and kept for a while
//! after it ends.
//!
//! Each task is a file `DATA_DIR/tasks/<id>.json` (and, for an import, its input beside it,
//! `<id>.input`), written durably before the task is answered: a task answered `202`
//! survives `kill -9`. A task found `processing` at the next start was cut short; nothing of
//! it was committed (an import's staged units are deleted when the index opens), so it is
//! queued again, up to [`MAX_ATTEMPTS`] starts; an import run again merges by id, so even a
//! run that committed just before the crash adds no duplicates.
//!
//! This module knows no HTTP: the caller hands it [`Describe`], which turns a failure into
//! the `{code, message}` a client reads (the HTTP layer's error table).

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::editorial::batch::BatchWatch;
use crate::editorial::{EditorialError, Scope, Settings};
use crate::engine;
use crate::formats::FileKind;
use crate::memory::{ImportWatch, Memory, MemoryError, Merge};

/// A task's number: 1, 2, 3 … never reused, even after old tasks are forgotten.
pub type TaskId = u64;

/// How many times a task is started before a server that keeps stopping under it fails it.
pub const MAX_ATTEMPTS: u32 = 3;

/// The most tasks waiting at once; beyond it, new ones are refused (each holds its input on
/// disk until it runs).
pub const MAX_QUEUED: usize = 100;

/// The stored form of a task file; a change of shape gets a new number.
const TASK_FORMAT: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Enqueued,
    Processing,
    Succeeded,
    Failed,
    Canceled,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Enqueued,
        Status::Processing,
        Status::Succeeded,
        Status::Failed,
        Status::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Enqueued => "enqueued",
            Status::Processing => "processing",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Canceled => "canceled",
        }
    }

    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Succeeded, failed or canceled: it will not change again.
    pub fn is_finished(self) -> bool {
        matches!(self, Status::Succeeded | Status::Failed | Status::Canceled)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Import,
    Articles,
    Optimize,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Import, Kind::Articles, Kind::Optimize];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Import => "import",
            Kind::Articles => "articles",
            Kind::Optimize => "optimize",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// What a task is to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Work {
    /// A file (the task's input) into the memory.
    Import { format: FileKind, merge: Merge },
    /// Articles, one per line of the task's input (JSON Lines), each saved on its own, as
    /// far as `scope` lets the task's owner write.
    Articles { scope: Scope },
    /// The index merged into one segment.
    Optimize,
}

/// What a task was asked to do, as it is stored and shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Details {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge: Option<String>,
    /// The outlets an article batch may write (its owner's key's); absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlets: Option<Vec<String>>,
}

/// How far a task has come: bytes of its input read, units read and what became of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Progress {
    pub bytes_read: u64,
    pub bytes_total: u64,
    pub units_read: u64,
    pub units_added: u64,
    pub units_merged: u64,
    pub units_joined: u64,
    pub units_skipped: u64,
    /// An article batch's articles read, saved and failed.
    #[serde(default)]
    pub articles_read: u64,
    #[serde(default)]
    pub articles_saved: u64,
    #[serde(default)]
    pub articles_failed: u64,
}

/// A running task's progress and stop switch.
#[derive(Debug, Clone)]
enum Watch {
    Import(Arc<ImportWatch>),
    Articles(Arc<BatchWatch>),
    /// Nothing to follow or stop (an optimize).
    None,
}

impl Watch {
    fn for_kind(kind: Kind) -> Watch {
        match kind {
            Kind::Import => Watch::Import(Arc::default()),
            Kind::Articles => Watch::Articles(Arc::default()),
            Kind::Optimize => Watch::None,
        }
    }

    fn cancel(&self) {
        match self {
            Watch::Import(watch) => watch.cancel(),
            Watch::Articles(watch) => watch.cancel(),
            Watch::None => {}
        }
    }

    /// `before` with what the watch has seen.
    fn progress(&self, before: Progress) -> Progress {
        let read = |n: &std::sync::atomic::AtomicU64| n.load(Ordering::Relaxed);
        // What a reader asked for can run ahead of the file's end by a buffer.
        let bytes = |n: &std::sync::atomic::AtomicU64| read(n).min(before.bytes_total);
        match self {
            Watch::Import(watch) => Progress {
                bytes_read: bytes(&watch.bytes_read),
                units_read: read(&watch.read),
                units_added: read(&watch.added),
                units_merged: read(&watch.merged),
                units_joined: read(&watch.joined),
                units_skipped: read(&watch.skipped),
                ..before
            },
            Watch::Articles(watch) => Progress {
                bytes_read: bytes(&watch.bytes_read),
                articles_read: read(&watch.read),
                articles_saved: read(&watch.saved),
                articles_failed: read(&watch.failed),
                ..before
            },
            Watch::None => before,
        }
    }
}

/// Why a task failed, as a client reads it: the error table's code and a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Failure {
    pub code: String,
    pub message: String,
    /// The line of the input at fault, when a file was malformed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// Turns what stopped a task (or one article of a batch) into what its client reads (the
/// caller's error table).
pub type Describe = Arc<dyn Fn(EditorialError, &Task) -> Failure + Send + Sync>;

/// One task, as stored and as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Task {
    pub id: TaskId,
    pub kind: Kind,
    pub status: Status,
    /// The id of the key that made it (`master` for the master key); `None` when the
    /// server takes no keys.
    pub owner: Option<String>,
    pub enqueued_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub details: Details,
    pub progress: Progress,
    /// What it did, once it succeeded: an import's report, an optimize's segment count.
    pub result: Option<serde_json::Value>,
    pub error: Option<Failure>,
    /// How many times it was started: more than one when the server stopped while it ran.
    pub attempts: u32,
    /// A cancel was asked while it ran: it stops at its next batch of units.
    #[serde(default)]
    pub canceling: bool,
}

impl Task {
    /// What it is to do, read back from its details.
    fn work(&self) -> Result<Work, MemoryError> {
        match self.kind {
            Kind::Optimize => Ok(Work::Optimize),
            Kind::Articles => Ok(Work::Articles {
                scope: match &self.details.outlets {
                    Some(outlets) => Scope::Outlets(outlets.clone()),
                    None => Scope::Any,
                },
            }),
            Kind::Import => {
                let format = self.details.format.as_deref().and_then(FileKind::from_name);
                let merge = self.details.merge.as_deref().unwrap_or("source").parse();
                match (format, merge) {
                    (Some(format), Ok(merge)) => Ok(Work::Import { format, merge }),
                    _ => Err(MemoryError::DataFormat(format!(
                        "task {} names no format or merge this release knows",
                        self.id
                    ))),
                }
            }
        }
    }

    /// When it finished, in seconds since 1970; `None` while it runs.
    fn finished_unix(&self) -> Option<i64> {
        use time::format_description::well_known::Rfc3339;
        let at = self.finished_at.as_deref()?;
        Some(
            time::OffsetDateTime::parse(at, &Rfc3339)
                .ok()?
                .unix_timestamp(),
        )
    }
}

#[derive(Serialize, Deserialize)]
struct TaskFile {
    format: u32,
    task: Task,
}

#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error("{0} tasks are waiting already; try again when some have run")]
    Full(usize),
    #[error("no task has the id {0}")]
    NotFound(TaskId),
    #[error("task {id} cannot be canceled: {why}")]
    NotCancelable { id: TaskId, why: String },
    #[error("the server is stopping; try again once it is back")]
    Stopping,
    #[error("the task could not be stored: {0}")]
    Io(#[from] std::io::Error),
}

/// Which tasks a listing shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Any of these statuses (all when empty).
    pub statuses: Vec<Status>,
    /// Any of these kinds (all when empty).
    pub kinds: Vec<Kind>,
    /// Only this key's tasks (`Some(None)`: only those made without keys).
    pub owner: Option<Option<String>>,
}

impl Filter {
    fn admits(&self, task: &Task) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&task.status))
            && (self.kinds.is_empty() || self.kinds.contains(&task.kind))
            && self.owner.as_ref().is_none_or(|owner| *owner == task.owner)
    }
}

/// A page of a listing, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub results: Vec<Task>,
    /// How many tasks the filter admits in all.
    pub total: usize,
    /// The `from` of the next page; `None` on the last.
    pub next: Option<TaskId>,
}

struct State {
    tasks: BTreeMap<TaskId, Task>,
    queue: VecDeque<TaskId>,
    /// The task running, and its watch.
    running: Option<(TaskId, Watch)>,
    last_id: TaskId,
    /// Set by [`Tasks::close`]: the runner starts nothing more and writes nothing more.
    stopping: bool,
}

/// The tasks of one data directory, and the thread that runs them.
pub struct Tasks {
    dir: PathBuf,
    state: Mutex<State>,
    wake: Condvar,
    /// How long finished tasks are kept.
    retention: Duration,
    describe: Describe,
    /// How article batches are segmented and aligned.
    editorial: Arc<Settings>,
}

impl Tasks {
    /// Reads the tasks of `data_dir` (queuing again those a stop cut short) and starts the
    /// thread that runs them on `memory`.
    pub fn start(
        data_dir: &Path,
        memory: Arc<Memory>,
        editorial: Arc<Settings>,
        retention: Duration,
        describe: Describe,
    ) -> Result<Arc<Tasks>, TaskError> {
        let dir = data_dir.join("tasks");
        std::fs::create_dir_all(&dir)?;
        let tasks = Arc::new(Tasks {
            state: Mutex::new(State {
                tasks: BTreeMap::new(),
                queue: VecDeque::new(),
                running: None,
                last_id: 0,
                stopping: false,
            }),
            dir,
            wake: Condvar::new(),
            retention,
            describe,
            editorial,
        });
        tasks.load()?;
        let runner = tasks.clone();
        std::thread::Builder::new()
            .name("tetraglot-tasks".into())
            .spawn(move || runner.run(&memory))?;
        Ok(tasks)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn task_path(&self, id: TaskId) -> PathBuf {
        self.dir.join(format!("{id:016}.json"))
    }

    fn input_path(&self, id: TaskId) -> PathBuf {
        self.dir.join(format!("{id:016}.input"))
    }

    fn last_id_path(&self) -> PathBuf {
        self.dir.join("last-id")
    }

    fn persist(&self, task: &Task) -> std::io::Result<()> {
        let file = TaskFile {
            format: TASK_FORMAT,
            task: task.clone(),
        };
        let text = serde_json::to_vec_pretty(&file).map_err(std::io::Error::other)?;
        crate::durable::write_file(&self.task_path(task.id), &text)
    }

    /// Forgets a task: its file and its input.
    fn remove_files(&self, id: TaskId) {
        let _ = std::fs::remove_file(self.input_path(id));
        let _ = std::fs::remove_file(self.task_path(id));
    }

    fn load(&self) -> Result<(), TaskError> {
        let mut state = self.lock();
        state.last_id = std::fs::read_to_string(self.last_id_path())
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(0);
        let mut inputs = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with(".tmp") {
                // A write cut short by a stop: the file it was to replace is whole.
                let _ = std::fs::remove_file(&path);
                continue;
            }
            match path.extension().and_then(|e| e.to_str()) {
                Some("json") => {}
                Some("input") => {
                    inputs.push(path);
                    continue;
                }
                _ => continue,
            }
            let read = std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    serde_json::from_slice::<TaskFile>(&bytes).map_err(|e| e.to_string())
                })
                .and_then(|file| match file.format {
                    TASK_FORMAT => Ok(file.task),
                    other => Err(format!("task format {other} is not one this release reads")),
                });
            match read {
                Ok(task) => {
                    state.last_id = state.last_id.max(task.id);
                    state.tasks.insert(task.id, task);
                }
                Err(error) => {
                    tracing::warn!(file = %path.display(), %error, "a task file was left unread")
                }
            }
        }
        let ids: Vec<TaskId> = state.tasks.keys().copied().collect();
        for id in ids {
            let task = state.tasks.get_mut(&id).expect("listed");
            if task.status == Status::Processing {
                // Cut short by a stop: nothing of it was committed.
                if task.canceling {
                    task.status = Status::Canceled;
                    task.finished_at = Some(crate::model::time::now());
                } else if task.attempts >= MAX_ATTEMPTS {
                    let stopped = MemoryError::NotCommitted(format!(
                        "the server stopped {} times while this task ran; nothing of it was committed",
                        task.attempts
                    ));
                    task.error = Some((self.describe)(stopped.into(), task));
                    task.status = Status::Failed;
                    task.finished_at = Some(crate::model::time::now());
                } else {
                    task.status = Status::Enqueued;
                    task.started_at = None;
                    task.progress = Progress {
                        bytes_total: task.progress.bytes_total,
                        ..Progress::default()
                    };
                }
                self.persist(task)?;
                tracing::info!(
                    task = id,
                    status = task.status.as_str(),
                    "a task the last stop cut short"
                );
            }
            if task.status == Status::Enqueued {
                state.queue.push_back(id);
            } else if task.status.is_finished() {
                let _ = std::fs::remove_file(self.input_path(id));
            }
        }
        // Inputs of no task: an enqueue that stopped before its task was written.
        for input in inputs {
            let owned = input
                .file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse::<TaskId>().ok())
                .and_then(|id| state.tasks.get(&id))
                .is_some_and(|task| !task.status.is_finished());
            if !owned {
                let _ = std::fs::remove_file(input);
            }
        }
        self.prune(&mut state);
        Ok(())
    }

    /// Forgets the finished tasks older than the retention.
    fn prune(&self, state: &mut State) {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let keep = i64::try_from(self.retention.as_secs()).unwrap_or(i64::MAX);
        let old: Vec<TaskId> = state
            .tasks
            .values()
            .filter(|t| t.status.is_finished())
            .filter(|t| t.finished_unix().is_none_or(|at| now - at >= keep))
            .map(|t| t.id)
            .collect();
        for id in old {
            state.tasks.remove(&id);
            self.remove_files(id);
        }
    }

    /// Queues `work`, with `input` (an import's spooled file, moved into the task's place),
    /// for `owner`. The task is on disk when this returns.
    pub fn enqueue(
        &self,
        work: Work,
        input: Option<tempfile::TempPath>,
        owner: Option<String>,
    ) -> Result<Task, TaskError> {
        // The input's bytes made durable before the lock: a large file's fsync holds no one.
        if let Some(input) = &input {
            std::fs::File::open(input)?.sync_all()?;
        }
        let mut state = self.lock();
        if state.stopping {
            return Err(TaskError::Stopping);
        }
        if state.queue.len() >= MAX_QUEUED {
            return Err(TaskError::Full(MAX_QUEUED));
        }
        self.prune(&mut state);
        let id = state.last_id + 1;
        crate::durable::write_file(&self.last_id_path(), id.to_string().as_bytes())?;
        state.last_id = id;
        let mut bytes_total = 0;
        if let Some(input) = input {
            let path = self.input_path(id);
            input.persist(&path).map_err(|e| e.error)?;
            // The rename is made durable with the task file's directory, below.
            bytes_total = std::fs::metadata(&path)?.len();
        }
        let (kind, details) = match work {
            Work::Import { format, merge } => (
                Kind::Import,
                Details {
                    format: Some(format.name().to_string()),
                    merge: Some(merge.as_str().to_string()),
                    outlets: None,
                },
            ),
            Work::Articles { scope } => (
                Kind::Articles,
                Details {
                    outlets: match scope {
                        Scope::Any => None,
                        Scope::Outlets(outlets) => Some(outlets),
                    },
                    ..Details::default()
                },
            ),
            Work::Optimize => (Kind::Optimize, Details::default()),
        };
        let task = Task {
            id,
            kind,
            status: Status::Enqueued,
            owner,
            enqueued_at: crate::model::time::now(),
            started_at: None,
            finished_at: None,
            details,
            progress: Progress {
                bytes_total,
                ..Progress::default()
            },
            result: None,
            error: None,
            attempts: 0,
            canceling: false,
        };
        // The task file's rename is made durable with the directory, which also holds the
        // input's.
        if let Err(error) = self.persist(&task) {
            let _ = std::fs::remove_file(self.input_path(id));
            return Err(error.into());
        }
        state.tasks.insert(id, task.clone());
        state.queue.push_back(id);
        self.wake.notify_all();
        Ok(task)
    }

    /// The task, with the progress of its run so far.
    pub fn get(&self, id: TaskId) -> Option<Task> {
        let state = self.lock();
        state.tasks.get(&id).map(|task| current(&state, task))
    }

    /// The tasks `filter` admits, newest first, from id `from` down, `limit` of them.
    pub fn list(&self, filter: &Filter, from: Option<TaskId>, limit: usize) -> Page {
        let state = self.lock();
        let admitted = || state.tasks.values().rev().filter(|t| filter.admits(t));
        let total = admitted().count();
        let mut page = admitted().skip_while(|t| from.is_some_and(|from| t.id > from));
        let results: Vec<Task> = page
            .by_ref()
            .take(limit)
            .map(|t| current(&state, t))
            .collect();
        let next = page.next().map(|t| t.id);
        Page {
            results,
            total,
            next,
        }
    }

    /// Tasks waiting and running: the queue's depth.
    pub fn depth(&self) -> (usize, usize) {
        let state = self.lock();
        (state.queue.len(), usize::from(state.running.is_some()))
    }

    /// Cancels a waiting task at once, or asks a running one to stop: an import ends
    /// `canceled` with nothing of it committed; an article batch stops before its next
    /// article (those saved stay: each is its own commit). A running optimize cannot be
    /// stopped.
    pub fn cancel(&self, id: TaskId) -> Result<Task, TaskError> {
        let mut state = self.lock();
        let running = state.running.clone();
        // Changed in a copy, stored once it is on disk: a failed write changes nothing.
        let mut task = state.tasks.get(&id).ok_or(TaskError::NotFound(id))?.clone();
        match task.status {
            Status::Enqueued => {
                task.status = Status::Canceled;
                task.finished_at = Some(crate::model::time::now());
                self.persist(&task)?;
                state.tasks.insert(id, task.clone());
                state.queue.retain(|queued| *queued != id);
                let _ = std::fs::remove_file(self.input_path(id));
                Ok(task)
            }
            Status::Processing if task.kind != Kind::Optimize => {
                task.canceling = true;
                self.persist(&task)?;
                state.tasks.insert(id, task.clone());
                if let Some((running, watch)) = running {
                    if running == id {
                        watch.cancel();
                    }
                }
                Ok(current(&state, &task))
            }
            Status::Processing => Err(TaskError::NotCancelable {
                id,
                why: "an optimize cannot be stopped once it has started (it takes seconds)".into(),
            }),
            finished => Err(TaskError::NotCancelable {
                id,
                why: format!("it has {} already", finished.as_str()),
            }),
        }
    }

    /// Stops the runner: nothing more starts, and nothing more is written. A running task
    /// is stopped and queued again (on disk), to run at the next start.
    pub fn close(&self) {
        let mut state = self.lock();
        state.stopping = true;
        if let Some((id, watch)) = state.running.take() {
            watch.cancel();
            if let Some(task) = state.tasks.get_mut(&id) {
                if !task.canceling {
                    task.status = Status::Enqueued;
                    task.started_at = None;
                    task.attempts = task.attempts.saturating_sub(1);
                    if let Err(error) = self.persist(task) {
                        tracing::warn!(task = id, %error, "a running task could not be queued again; the next start runs it");
                    }
                }
            }
        }
        self.wake.notify_all();
    }

    /// The runner: takes the oldest waiting task, runs it, records how it ended.
    fn run(&self, memory: &Memory) {
        loop {
            let (task, watch) = {
                let mut state = self.lock();
                loop {
                    if state.stopping {
                        return;
                    }
                    if let Some(id) = state.queue.pop_front() {
                        break self.begin(&mut state, id);
                    }
                    state = self.wake.wait(state).unwrap_or_else(|e| e.into_inner());
                }
            };
            let Some(task) = task else { continue };
            let span = tracing::info_span!("task", id = task.id, kind = task.kind.as_str());
            let _entered = span.enter();
            let input = self.input_path(task.id);
            let outcome =
                crate::fault::catch("task", || self.execute(memory, &task, &input, &watch))
                    .unwrap_or_else(|message| Err(MemoryError::Internal(message).into()));
            self.end(task.id, outcome, &watch);
        }
    }

    /// Marks task `id` as started; `None` when it could not be (then it is failed).
    fn begin(&self, state: &mut State, id: TaskId) -> (Option<Task>, Watch) {
        let Some(task) = state
            .tasks
            .get_mut(&id)
            .filter(|t| t.status == Status::Enqueued)
        else {
            return (None, Watch::None);
        };
        let watch = Watch::for_kind(task.kind);
        task.status = Status::Processing;
        task.started_at = Some(crate::model::time::now());
        task.attempts += 1;
        if let Err(error) = self.persist(task) {
            // Not started: a task the disk cannot record could not be followed either. Its
            // failure is written if the disk takes it; if not, the next start tries again.
            task.status = Status::Failed;
            task.finished_at = Some(crate::model::time::now());
            task.error = Some((self.describe)(MemoryError::Io(error).into(), task));
            if self.persist(task).is_ok() {
                let _ = std::fs::remove_file(self.input_path(id));
            }
            return (None, watch);
        }
        state.running = Some((id, watch.clone()));
        tracing::info!(task = id, kind = task.kind.as_str(), "task started");
        (Some(task.clone()), watch)
    }

    fn end(&self, id: TaskId, outcome: Result<Outcome, EditorialError>, watch: &Watch) {
        let mut state = self.lock();
        if state.stopping {
            // `close` queued it again; the next start runs it.
            return;
        }
        state.running = None;
        let describe = self.describe.clone();
        let Some(task) = state.tasks.get_mut(&id) else {
            return;
        };
        task.progress = watch.progress(task.progress);
        match outcome {
            Ok(Outcome::Done(result)) => {
                task.status = Status::Succeeded;
                task.result = Some(result);
            }
            Ok(Outcome::Stopped(result)) => {
                task.status = Status::Canceled;
                task.result = Some(result);
            }
            Err(EditorialError::Memory(MemoryError::Canceled)) => task.status = Status::Canceled,
            Err(error) => {
                task.error = Some(describe(error, task));
                task.status = Status::Failed;
            }
        }
        task.canceling = false;
        task.finished_at = Some(crate::model::time::now());
        tracing::info!(task = id, status = task.status.as_str(), "task ended");
        match self.persist(task) {
            Ok(()) => {
                let _ = std::fs::remove_file(self.input_path(id));
            }
            // Its input is kept for that run (an import merges by id: no duplicates).
            Err(error) => {
                tracing::error!(task = id, %error, "how a task ended could not be written; the next start runs it again")
            }
        }
    }

    /// Runs one task; its result as a client reads it.
    fn execute(
        &self,
        memory: &Memory,
        task: &Task,
        input: &Path,
        watch: &Watch,
    ) -> Result<Outcome, EditorialError> {
        match (task.work()?, watch) {
            (Work::Import { format, merge }, Watch::Import(watch)) => {
                let imported =
                    engine::import_file_watched(memory, input, format, merge, watch.clone())?;
                // A large import queues a merge behind it, which runs on its own.
                let report = serde_json::to_value(imported.report).map_err(MemoryError::Corrupt)?;
                Ok(Outcome::Done(report))
            }
            (Work::Articles { scope }, Watch::Articles(watch)) => {
                let file = std::fs::File::open(input).map_err(MemoryError::Io)?;
                let report = crate::editorial::batch::save_lines(
                    memory,
                    file,
                    &self.editorial,
                    &scope,
                    watch,
                )?;
                let canceled = report.canceled;
                let summary = report.summary(|error| (self.describe)(error, task));
                let summary = serde_json::to_value(summary).map_err(MemoryError::Corrupt)?;
                Ok(if canceled {
                    Outcome::Stopped(summary)
                } else {
                    Outcome::Done(summary)
                })
            }
            (Work::Optimize, _) => {
                let segments = memory.optimize().wait()?;
                Ok(Outcome::Done(
                    serde_json::json!({ "segments_before": segments }),
                ))
            }
            _ => Err(MemoryError::Internal("a task's watch does not fit its kind".into()).into()),
        }
    }
}

/// `task` as it is now: a running task's progress read from its watch.
fn current(state: &State, task: &Task) -> Task {
    let mut task = task.clone();
    if let Some((id, watch)) = &state.running {
        if *id == task.id {
            task.progress = watch.progress(task.progress);
        }
    }
    task
}

/// How a run ended, when nothing failed it.
enum Outcome {
    /// Its result.
    Done(serde_json::Value),
    /// Stopped by a cancel part-way, with what it did until then.
    Stopped(serde_json::Value),
}
