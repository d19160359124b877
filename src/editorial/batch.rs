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
    save_lines_within(memory, input, settings, scope, watch, MAX_LINE_BYTES)
}

fn save_lines_within(
    memory: &Memory,
    input: impl std::io::Read,
    settings: &Settings,
    scope: &Scope,
    watch: &BatchWatch,
    max_line: usize,
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
            .take(max_line as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(crate::memory::MemoryError::Io)?;
        if read == 0 {
            break;
        }
        line += 1;
        // More than the limit before its break: the rest of the line is skipped unread, so
        // neither memory nor the line numbers of what follows suffer from it.
        let too_long = buf.len() > max_line && !buf.ends_with(b"\n");
        let skipped = if too_long {
            skip_line(&mut reader).map_err(crate::memory::MemoryError::Io)?
        } else {
            0
        };
        watch
            .bytes_read
            .fetch_add(read as u64 + skipped, Ordering::Relaxed);
        let text = String::from_utf8_lossy(&buf);
        if !too_long && text.trim().is_empty() {
            continue;
        }
        watch.read.fetch_add(1, Ordering::Relaxed);
        let parsed = if too_long {
            Err(format!("the line is longer than {max_line} bytes"))
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
    }
    Ok(report)
}

/// Reads past the rest of a line without keeping it; the bytes skipped.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<u64> {
    let mut skipped = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(skipped);
        }
        match available.iter().position(|b| *b == b'\n') {
            Some(end) => {
                reader.consume(end + 1);
                return Ok(skipped + end as u64 + 1);
            }
            None => {
                let n = available.len();
                reader.consume(n);
                skipped += n as u64;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str) -> String {
        format!(
            r#"{{"id":"{id}","source":"en","versions":{{"en":{{"title":"Port news","body":"The port reopened."}}}}}}"#
        )
    }

    /// An over-long line is one failed line, its rest skipped unread: the lines after it
    /// keep their numbers, and a blank over-long line is not taken for an empty one.
    #[test]
    fn an_over_long_line_fails_alone_and_the_next_lines_keep_their_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let memory = crate::editorial::scratch_memory(dir.path());
        let long = format!("{{\"id\": \"{}\"}}", "x".repeat(500));
        let blank_long = " ".repeat(500);
        let input = [
            article("2026-12-06.a"),
            String::new(),
            long,
            blank_long,
            article("2026-12-06.b"),
        ]
        .join("\n");
        let watch = BatchWatch::default();
        let report = save_lines_within(
            &memory,
            input.as_bytes(),
            &Settings::default(),
            &Scope::Any,
            &watch,
            200,
        )
        .unwrap();
        let lines: Vec<(u64, bool)> = report
            .outcomes
            .iter()
            .map(|o| (o.line, o.result.is_ok()))
            .collect();
        assert_eq!(lines, [(1, true), (3, false), (4, false), (5, true)]);
        assert_eq!(watch.bytes_read.load(Ordering::Relaxed), input.len() as u64);
    }
}
