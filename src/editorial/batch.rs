//! Many articles at once: JSON Lines, one article per line as `POST /v1/articles` takes it,
//! each saved as [`super::save`] saves one (its own commit), with an outcome per line.

use std::io::{BufRead, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use serde::Serialize;

use super::{save, ArticleInput, EditorialError, Saved, Scope, Settings};
use crate::memory::Memory;

/// How far a batch has come, for whoever follows it, and its stop switch (checked between
/// articles: those saved before stay saved).
#[derive(Debug, Default)]
pub struct BatchWatch {
    pub bytes_read: AtomicU64,
    pub read: AtomicU64,
    pub saved: AtomicU64,
    pub failed: AtomicU64,
    cancel: AtomicBool,
}

impl BatchWatch {
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_canceled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// What became of one line.
#[derive(Debug)]
pub struct LineOutcome {
    pub line: u64,
    /// The article's id, when the line was an article.
    pub id: Option<String>,
    pub result: Result<Saved, EditorialError>,
}

/// What a batch did.
#[derive(Debug, Default)]
pub struct BatchReport {
    pub outcomes: Vec<LineOutcome>,
    /// Whether it stopped before its end, canceled.
    pub canceled: bool,
}

/// One line's outcome as a client reads it, its error described by the caller.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LineSummary<E> {
    pub line: u64,
    pub id: Option<String>,
    /// Whether the article was new (absent when it failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<E>,
}

/// A batch's report as a client reads it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchSummary<E> {
    /// Articles read (lines that were not blank).
    pub read: u64,
    pub saved: u64,
    /// Of those saved, the new ones.
    pub created: u64,
    pub failed: u64,
    pub articles: Vec<LineSummary<E>>,
}

impl BatchReport {
    /// The report, each failure worded by `describe` (the caller's error table).
    pub fn summary<E>(self, describe: impl Fn(EditorialError) -> E) -> BatchSummary<E> {
        let mut summary = BatchSummary {
            read: self.outcomes.len() as u64,
            saved: 0,
            created: 0,
            failed: 0,
            articles: Vec::with_capacity(self.outcomes.len()),
        };
        for outcome in self.outcomes {
            let (created, error) = match outcome.result {
                Ok(saved) => {
                    summary.saved += 1;
                    summary.created += u64::from(saved.created);
                    (Some(saved.created), None)
                }
                Err(error) => {
                    summary.failed += 1;
                    (None, Some(describe(error)))
                }
            };
            summary.articles.push(LineSummary {
                line: outcome.line,
                id: outcome.id,
                created,
                error,
            });
        }
        summary
    }
}

/// The longest line read as one article.
const MAX_LINE_BYTES: usize = 16 << 20;

/// Saves the article of each line of `input`, in order; a line that is no article, or an
/// article that cannot be saved, is reported and the next one is read.
pub fn save_lines(
    memory: &Memory,
    input: impl std::io::Read,
    settings: &Settings,
    scope: &Scope,
    watch: &BatchWatch,
) -> Result<BatchReport, EditorialError> {
    let mut reader = std::io::BufReader::new(input);
    let mut report = BatchReport::default();
    let mut line = 0u64;
    let mut buf = Vec::new();
    loop {
        if watch.is_canceled() {
            report.canceled = true;
            break;
        }
        buf.clear();
        let read = reader
            .by_ref()
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(crate::memory::MemoryError::Io)?;
        if read == 0 {
            break;
        }
        line += 1;
        watch.bytes_read.fetch_add(read as u64, Ordering::Relaxed);
        let text = String::from_utf8_lossy(&buf);
        if text.trim().is_empty() {
            continue;
        }
        watch.read.fetch_add(1, Ordering::Relaxed);
        let parsed = if buf.len() > MAX_LINE_BYTES {
            Err(format!("the line is longer than {MAX_LINE_BYTES} bytes"))
        } else {
            serde_json::from_str::<ArticleInput>(&text).map_err(|e| format!("not an article: {e}"))
        };
        let outcome = match parsed {
            Ok(article) => LineOutcome {
                line,
                id: Some(article.id.clone()),
                result: save(memory, article, settings, scope),
            },
            Err(problem) => LineOutcome {
                line,
                id: None,
                result: Err(EditorialError::Unreadable(problem)),
            },
        };
        let counter = if outcome.result.is_ok() {
            &watch.saved
        } else {
            &watch.failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
        report.outcomes.push(outcome);
        if buf.len() > MAX_LINE_BYTES && !buf.ends_with(b"\n") {
            // The rest of an over-long line is not read as lines of its own.
            let mut rest = Vec::new();
            reader
                .read_until(b'\n', &mut rest)
                .map_err(crate::memory::MemoryError::Io)?;
            watch
                .bytes_read
                .fetch_add(rest.len() as u64, Ordering::Relaxed);
        }
    }
    Ok(report)
}
