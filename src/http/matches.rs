//! `/v1/match`: fuzzy lookup.

use super::access::Read;
use super::json::Json;
use actix_web::{web, HttpResponse};

use super::dto::{check_text, MatchIn, MatchOut, MatchesOut};
use super::error::{reading, ApiError, ErrorCode};
use super::AppState;
use crate::memory::{Match, MatchContext, MatchQuery};
use crate::model::lang::Lang;

impl MatchIn {
    /// Validates a lookup into a query.
    pub fn into_query(self) -> Result<MatchQuery, ApiError> {
        check_text("text", &self.text)?;
        let source = Lang::parse(&self.source)?;
        let targets = self
            .targets
            .iter()
            .map(|t| Lang::parse(t))
            .collect::<Result<Vec<_>, _>>()?;
        let min_score = self.min_score.unwrap_or(MatchQuery::DEFAULT_MIN_SCORE);
        if min_score > 101 {
            return Err(ApiError::new(
                ErrorCode::InvalidMinScore,
                "min_score is a percentage: 0 to 101",
            ));
        }
        let limit = self.limit.unwrap_or(MatchQuery::DEFAULT_LIMIT);
        if limit == 0 || limit > MatchQuery::MAX_LIMIT {
            return Err(ApiError::new(
                ErrorCode::InvalidLimit,
                format!("limit must be 1 to {}", MatchQuery::MAX_LIMIT),
            ));
        }
        let context = self.context.map(|c| MatchContext {
            prev: c.prev,
            next: c.next,
            document: c.document,
        });
        Ok(MatchQuery {
            text: self.text,
            source,
            targets,
            min_score,
            limit,
            context,
            exclude_document: None,
            only: crate::memory::MatchFilter {
                document: self.document.filter(|s| !s.is_empty()),
                outlet: self.outlet.filter(|s| !s.is_empty()),
                since: self
                    .since
                    .map(|s| super::dto::canonical_time("since", &s))
                    .transpose()?,
            },
        })
    }
}

impl From<Match> for MatchOut {
    fn from(m: Match) -> MatchOut {
        let stored_targets = m.adapted.then(|| {
            m.unit
                .variants
                .values()
                .filter(|v| m.targets.contains_key(&v.lang))
                .map(|v| (v.lang.clone(), v.text.clone()))
                .collect()
        });
        MatchOut {
            unit_id: m.unit.id.into(),
            score: m.score,
            source_text: m.source_text,
            targets: m.targets,
            adapted: m.adapted,
            stored_targets,
            diff: m.diff,
            meta: m.unit.meta.into(),
        }
    }
}

#[utoipa::path(post, path = "/v1/match", tag = "matching",
    request_body = super::dto::MatchIn,
    responses((status = 200, description = "The closest stored units, best first", body = super::dto::MatchesOut)))]
pub async fn find(
    _: Read,
    state: web::Data<AppState>,
    body: Json<MatchIn>,
) -> Result<HttpResponse, ApiError> {
    let query = body.into_inner().into_query()?;
    state.metrics.lookups(1);
    let memory = state.memory.clone();
    let matches = reading(move || memory.find_matches(&query)).await??;
    Ok(HttpResponse::Ok().json(MatchesOut {
        matches: matches.into_iter().map(MatchOut::from).collect(),
    }))
}
