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
//! Faster per segment than single calls: one request and one JSON body instead of many; the
//! engine's [`Memory::find_matches_batch`](crate::memory::Memory::find_matches_batch) looks a
//! repeated sentence up once and runs the lookups on as many threads as there are cores.

use super::access::Read;
use super::json::Json;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::dto::{ContextIn, MatchIn, MatchOut, MatchesOut};
use super::error::{reading, ApiError, ErrorCode};
use super::AppState;
use crate::memory::MatchQuery;

/// The most segments one batch may carry.
pub const MAX_SEGMENTS: usize = MatchQuery::MAX_BATCH;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentIn {
    pub text: String,
    #[serde(default)]
    pub context: Option<ContextIn>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"segments": [{"text": "Passenger trains between Yerevan and Baku will resume in March."}, {"text": "The weather will be cold."}], "source": "en", "targets": ["az"]}))]
pub struct BatchIn {
    #[serde(deserialize_with = "super::dto::bounded::segments")]
    pub segments: Vec<SegmentIn>,
    pub source: String,
    #[serde(default, deserialize_with = "super::dto::bounded::targets")]
    pub targets: Vec<String>,
    #[serde(default)]
    pub min_score: Option<u32>,
    #[serde(default)]
    pub limit: Option<usize>,
    /// Only units of this document, outlet, or changed since this time (every segment).
    #[serde(default)]
    pub document: Option<String>,
    #[serde(default)]
    pub outlet: Option<String>,
    #[serde(default)]
    pub since: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchOut {
    pub results: Vec<MatchesOut>,
}

impl BatchIn {
    /// Validates the batch into one query per segment.
    pub(super) fn into_queries(self) -> Result<Vec<MatchQuery>, ApiError> {
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
            document: self.document.clone(),
            outlet: self.outlet.clone(),
            since: self.since.clone(),
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

#[utoipa::path(post, path = "/v1/match/batch", tag = "matching",
    request_body = BatchIn,
    responses((status = 200, description = "One result per segment, in order", body = BatchOut)))]
pub async fn find(
    _: Read,
    state: web::Data<AppState>,
    body: Json<BatchIn>,
) -> Result<HttpResponse, ApiError> {
    let queries = body.into_inner().into_queries()?;
    state.metrics.lookups(queries.len());
    let memory = state.memory.clone();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let found = reading(move || memory.find_matches_batch(&queries, threads)).await??;
    let results = found
        .into_iter()
        .map(|matches| MatchesOut {
            matches: matches.into_iter().map(MatchOut::from).collect(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(BatchOut { results }))
}
