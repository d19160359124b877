//! Long writes as tasks: an import, an article batch or an optimize, queued durably, run
//! one at a time on a thread of its own, followed while it runs, canceled on request, and
//! kept for a while after it ends (the task itself: `task`).
//!
//! Each task is a file `DATA_DIR/tasks/<id>.json` (and, for an import or a batch, its input,
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
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::editorial::{EditorialError, Scope, Settings};
use crate::engine;
use crate::memory::{Memory, MemoryError};

mod task;
pub use task::{
    Describe, Details, Failure, Filter, Kind, Page, Progress, Status, Task, TaskError, Work,
};
use task::{TaskFile, Watch, TASK_FORMAT};

/// A task's number: 1, 2, 3 … never reused, even after old tasks are forgotten.
pub type TaskId = u64;

/// How many times a task is started before a server that keeps stopping under it fails it.
pub const MAX_ATTEMPTS: u32 = 3;

/// The most tasks waiting at once; beyond it, new ones are refused (each holds its input on
/// disk until it runs).
pub const MAX_QUEUED: usize = 100;

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
