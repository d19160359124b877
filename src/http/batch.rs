//! `POST /v1/match/batch`: up to [`MAX_SEGMENTS`] lookups in one request, for
//! pre-translating a document.
//!
//! ```json
//! {"source": "en", "targets": ["hy"], "min_score": 70, "limit": 3,
//!  "segments": [{"text": "…"}, {"text": "…", "context": {"prev": "…", "next": "…"}}]}
//! ```
//!
//! answers `{"results": [{"matches": […]}, …]}`, one entry per segment, in order, each as
//! `/v1/match` would answer it. The options are shared; a segment has its text and, for 101%
//! matches, its own context.
//!
//! Faster per segment than single calls: one request and one JSON body instead of many, a
//! sentence that occurs several times (without context) is looked up once, and the lookups
//! run on as many blocking threads as there are cores, each taking the next segment when it
//! is done with one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::dto::{ContextIn, MatchIn, MatchOut, MatchesOut};
use super::error::{blocking, ApiError, ErrorCode};
use super::AppState;
use crate::memory::{Match, MatchQuery, Memory, MemoryError};

/// The most segments one batch may carry.
pub const MAX_SEGMENTS: usize = 100;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentIn {
    pub text: String,
    #[serde(default)]
    pub context: Option<ContextIn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchIn {
    pub segments: Vec<SegmentIn>,
    pub source: String,
    #[serde(default)]
    pub targets: Vec<String>,
    #[serde(default)]
    pub min_score: Option<u32>,
    #[serde(default)]
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct BatchOut {
    pub results: Vec<MatchesOut>,
}

impl BatchIn {
    /// Validates the batch into one query per segment.
    fn into_queries(self) -> Result<Vec<MatchQuery>, ApiError> {
        if self.segments.len() > MAX_SEGMENTS {
            return Err(ApiError::new(
                ErrorCode::TooManySegments,
                format!(
                    "the batch has {} segments; send at most {MAX_SEGMENTS} per request",
                    self.segments.len()
                ),
            ));
        }
        let shared = |text: String, context: Option<ContextIn>| MatchIn {
            text,
            source: self.source.clone(),
            targets: self.targets.clone(),
            min_score: self.min_score,
            limit: self.limit,
            context,
        };
        // The shared options first, so their errors do not name a segment.
        shared("probe".into(), None).into_query()?;
        self.segments
            .iter()
            .enumerate()
            .map(|(i, segment)| {
                shared(segment.text.clone(), clone_context(&segment.context))
                    .into_query()
                    .map_err(|mut e| {
                        e.message = format!("segments[{i}]: {}", e.message);
                        e
                    })
            })
            .collect()
    }
}

fn clone_context(context: &Option<ContextIn>) -> Option<ContextIn> {
    context.as_ref().map(|c| ContextIn {
        prev: c.prev.clone(),
        next: c.next.clone(),
        document: c.document.clone(),
    })
}

/// Runs `queries` on up to `threads` blocking threads; results in the queries' order.
async fn run_all(
    memory: Arc<Memory>,
    queries: Vec<MatchQuery>,
    threads: usize,
) -> Result<Vec<Vec<Match>>, ApiError> {
    let queries = Arc::new(queries);
    let next = Arc::new(AtomicUsize::new(0));
    let workers = threads.clamp(1, queries.len().max(1));
    let tasks = (0..workers).map(|_| {
        let (memory, queries, next) = (memory.clone(), queries.clone(), next.clone());
        blocking(move || -> Result<Vec<(usize, Vec<Match>)>, MemoryError> {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(query) = queries.get(i) else {
                    return Ok(done);
                };
                done.push((i, memory.find_matches(query)?));
            }
        })
    });
    let mut results: Vec<Option<Vec<Match>>> = vec![None; queries.len()];
    for finished in futures_util::future::join_all(tasks).await {
        for (i, matches) in finished?? {
            results[i] = Some(matches);
        }
    }
    results
        .into_iter()
        .map(|r| r.ok_or_else(|| ApiError::internal("a batch lookup went missing")))
        .collect()
}

pub async fn find(
    state: web::Data<AppState>,
    body: web::Json<BatchIn>,
) -> Result<HttpResponse, ApiError> {
    let queries = body.into_inner().into_queries()?;
    // A sentence repeated without context is looked up once.
    let mut unique: Vec<MatchQuery> = Vec::with_capacity(queries.len());
    let mut first_of: HashMap<String, usize> = HashMap::new();
    let mut slot = Vec::with_capacity(queries.len());
    for query in queries {
        if query.context.is_none() {
            if let Some(&at) = first_of.get(&query.text) {
                slot.push(at);
                continue;
            }
            first_of.insert(query.text.clone(), unique.len());
        }
        slot.push(unique.len());
        unique.push(query);
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let found = run_all(state.memory.clone(), unique, threads).await?;
    let results = slot
        .into_iter()
        .map(|at| MatchesOut {
            matches: found[at].iter().cloned().map(MatchOut::from).collect(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(BatchOut { results }))
}
