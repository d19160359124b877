//! `GET /v1/concordance`: stored sentences containing a phrase, with spans and translations.

use super::access::Read;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::dto::check_text;
use super::error::{reading, ApiError, ErrorCode};
use super::transfer::parse_langs;
use super::AppState;
use crate::memory::{ConcordanceHit, ConcordanceQuery, Span};
use crate::model::lang::Lang;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConcordanceParams {
    q: String,
    lang: String,
    #[serde(default)]
    targets: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct HitOut {
    unit_id: String,
    text: String,
    spans: Vec<Span>,
    targets: std::collections::BTreeMap<String, String>,
    meta: super::dto::MetaOut,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct HitsOut {
    results: Vec<HitOut>,
}

impl From<ConcordanceHit> for HitOut {
    fn from(hit: ConcordanceHit) -> HitOut {
        HitOut {
            unit_id: hit.unit.id.into(),
            text: hit.text,
            spans: hit.spans,
            targets: hit.targets,
            meta: hit.unit.meta.into(),
        }
    }
}

#[utoipa::path(get, path = "/v1/concordance", tag = "matching",
    params(ConcordanceParams),
    responses((status = 200, description = "Stored sentences holding the phrase", body = HitsOut)))]
pub async fn search(
    _: Read,
    state: web::Data<AppState>,
    params: web::Query<ConcordanceParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    check_text("q", &params.q)?;
    let limit = params.limit.unwrap_or(ConcordanceQuery::DEFAULT_LIMIT);
    if limit == 0 || limit > ConcordanceQuery::MAX_LIMIT {
        return Err(ApiError::new(
            ErrorCode::InvalidLimit,
            format!("limit must be 1 to {}", ConcordanceQuery::MAX_LIMIT),
        ));
    }
    let query = ConcordanceQuery {
        phrase: params.q,
        lang: Lang::parse(&params.lang)?,
        targets: parse_langs(params.targets.as_deref())?,
        limit,
    };
    if let Some(problem) = query.problem() {
        return Err(ApiError::new(
            ErrorCode::InvalidParameter,
            format!("q: {problem}"),
        ));
    }
    let memory = state.memory.clone();
    let hits = reading(move || memory.concordance(&query)).await??;
    Ok(HttpResponse::Ok().json(HitsOut {
        results: hits.into_iter().map(HitOut::from).collect(),
    }))
}
