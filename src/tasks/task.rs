//! A task as it is stored and shown (kind, status, details, progress, failure), what a
//! listing asks for, and how a running task is followed and stopped (`Watch`).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::TaskId;
use crate::editorial::batch::BatchWatch;
use crate::editorial::{EditorialError, Scope};
use crate::formats::FileKind;
use crate::memory::{ImportWatch, MemoryError, Merge};

/// The stored form of a task file; a change of shape gets a new number.
pub(super) const TASK_FORMAT: u32 = 1;

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
pub(super) enum Watch {
    Import(Arc<ImportWatch>),
    Articles(Arc<BatchWatch>),
    /// Nothing to follow or stop (an optimize).
    None,
}

impl Watch {
    pub(super) fn for_kind(kind: Kind) -> Watch {
        match kind {
            Kind::Import => Watch::Import(Arc::default()),
            Kind::Articles => Watch::Articles(Arc::default()),
            Kind::Optimize => Watch::None,
        }
    }

    pub(super) fn cancel(&self) {
        match self {
            Watch::Import(watch) => watch.cancel(),
            Watch::Articles(watch) => watch.cancel(),
            Watch::None => {}
        }
    }

    /// `before` with what the watch has seen.
    pub(super) fn progress(&self, before: Progress) -> Progress {
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
    pub(super) fn work(&self) -> Result<Work, MemoryError> {
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
    pub(super) fn finished_unix(&self) -> Option<i64> {
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
pub(super) struct TaskFile {
    pub(super) format: u32,
    pub(super) task: Task,
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
    pub(super) fn admits(&self, task: &Task) -> bool {
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
