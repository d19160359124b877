//! `/v1/units`: create, read, replace and delete units.

use super::access::{self, Admin, Read, Write};
use super::json::Json;
use actix_web::{web, HttpResponse};
use serde_json::json;

use super::dto::{now_utc, UnitIn, UnitOut, UnitPatch, UnitsIn};
use super::error::{reading, ApiError, ErrorCode};
use super::AppState;

/// The most units one `POST /v1/units` may carry.
use super::dto::MAX_UNITS_PER_REQUEST;

#[utoipa::path(post, path = "/v1/units", tag = "units",
    request_body = super::dto::UnitsIn,
    responses((status = 201, description = "Committed", body = super::openapi::shapes::UnitsAdded)))]
pub async fn create(
    Write(caller): Write,
    state: web::Data<AppState>,
    body: Json<UnitsIn>,
) -> Result<HttpResponse, ApiError> {
    access::not_bound_to_outlets(&caller)?;
    let body = body.into_inner();
    if body.units.is_empty() {
        return Err(ApiError::new(
            ErrorCode::NoUnits,
            "send at least one unit: {\"units\":[{\"variants\":{\"en\":\"…\"}}]}",
        ));
    }
    if body.units.len() > MAX_UNITS_PER_REQUEST {
        return Err(ApiError::new(
            ErrorCode::TooManyUnits,
            format!("send at most {MAX_UNITS_PER_REQUEST} units per request, or use /v1/import"),
        ));
    }
    let max_chars = state.memory.max_text_chars();
    let units = body
        .units
        .into_iter()
        .enumerate()
        .map(|(i, unit)| {
            unit.into_unit(None, max_chars).map_err(|mut e| {
                e.message = format!("units[{i}]: {}", e.message);
                e
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let added = state.memory.add_units(units).await?;
    let ids: Vec<&str> = added.iter().map(|a| a.id.as_str()).collect();
    Ok(HttpResponse::Created().json(json!({"ids": ids, "units": added})))
}

#[utoipa::path(get, path = "/v1/units/{id}", tag = "units",
    params(("id" = String, Path, description = "The unit's id")),
    responses((status = 200, description = "The unit", body = super::dto::UnitOut)))]
pub async fn get(
    _: Read,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let memory = state.memory.clone();
    let id = id.into_inner();
    let lookup_id = id.clone();
    match reading(move || memory.get(&lookup_id)).await?? {
        Some(unit) => Ok(HttpResponse::Ok().json(UnitOut::from(unit))),
        None => Err(ApiError::new(
            ErrorCode::UnitNotFound,
            format!("no unit has the id '{id}'"),
        )
        .with("id", id)),
    }
}

#[utoipa::path(put, path = "/v1/units/{id}", tag = "units",
    params(("id" = String, Path, description = "The unit's id")),
    request_body = super::dto::UnitIn,
    responses((status = 200, description = "Replaced", body = super::dto::UnitOut),
              (status = 201, description = "Made", body = super::dto::UnitOut)))]
pub async fn replace(
    Write(caller): Write,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<UnitIn>,
) -> Result<HttpResponse, ApiError> {
    access::not_bound_to_outlets(&caller)?;
    let body = body.into_inner();
    // A replacement keeps the unit's creation time unless the body gives one.
    let created_given = body.meta.created.is_some();
    let mut unit = body.into_unit(Some(id.as_str()), state.memory.max_text_chars())?;
    if !created_given {
        unit.meta.created = None;
    }
    unit.meta.changed = Some(now_utc());
    let (existed, unit) = state.memory.replace_unit(unit).await?;
    let mut status = if existed {
        HttpResponse::Ok()
    } else {
        HttpResponse::Created()
    };
    Ok(status.json(UnitOut::from(unit)))
}

/// `PATCH /v1/units/{id}`: the variants and meta fields the body names are set (or, as
/// `null`, removed); the rest of the unit is kept.
#[utoipa::path(patch, path = "/v1/units/{id}", tag = "units",
    params(("id" = String, Path, description = "The unit's id")),
    request_body = super::dto::UnitPatch,
    responses((status = 200, description = "Changed (a JSON merge patch)", body = super::dto::UnitOut)))]
pub async fn patch(
    Write(caller): Write,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<UnitPatch>,
) -> Result<HttpResponse, ApiError> {
    access::not_bound_to_outlets(&caller)?;
    let patch = body.into_inner();
    let id = id.into_inner();
    let max_chars = state.memory.max_text_chars();
    let unit = state
        .memory
        .update_unit(id.clone(), move |unit| patch.apply(unit, max_chars))
        .await
        .map_err(|e| match e {
            crate::memory::MemoryError::NotFound(_) => ApiError::new(
                ErrorCode::UnitNotFound,
                format!("no unit has the id '{id}'; PUT creates one"),
            )
            .with("id", id.clone()),
            other => other.into(),
        })??;
    Ok(HttpResponse::Ok().json(UnitOut::from(unit)))
}

#[utoipa::path(delete, path = "/v1/units/{id}", tag = "units",
    params(("id" = String, Path, description = "The unit's id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    Write(caller): Write,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::not_bound_to_outlets(&caller)?;
    state.memory.delete_unit(id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    #[serde(default)]
    document: Option<String>,
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    since: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    cursor: Option<String>,
}

/// The most units one page of `GET /v1/units` holds.
const MAX_PAGE: usize = 1000;

/// `GET /v1/units`: units in id order, filtered, a page at a time (`cursor` from the last
/// page's `next`).
#[utoipa::path(get, path = "/v1/units", tag = "units",
    params(ListParams),
    responses((status = 200, description = "Units by id, a page at a time", body = super::openapi::shapes::UnitPage)))]
pub async fn list(
    _: Read,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let limit = params.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::new(
            ErrorCode::InvalidLimit,
            format!("limit must be from 1 to {MAX_PAGE}"),
        ));
    }
    let filter = crate::memory::ListFilter {
        only: crate::memory::MatchFilter {
            document: params.document.filter(|s| !s.is_empty()),
            outlet: params.outlet.filter(|s| !s.is_empty()),
            since: params
                .since
                .map(|s| super::dto::canonical_time("since", &s))
                .transpose()?,
        },
        lang: params
            .lang
            .map(|l| crate::model::lang::Lang::parse(&l).map(|l| l.key().to_string()))
            .transpose()?,
    };
    let memory = state.memory.clone();
    let cursor = params.cursor;
    let page = reading(move || memory.list_units(&filter, cursor.as_deref(), limit)).await??;
    let units: Vec<UnitOut> = page.units.into_iter().map(UnitOut::from).collect();
    Ok(HttpResponse::Ok().json(json!({"units": units, "next": page.next})))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeleteParams {
    #[serde(default)]
    document: Option<String>,
}

/// `DELETE /v1/units?document=ID`: every unit of one document (an article's, a file's).
#[utoipa::path(delete, path = "/v1/units", tag = "units",
    params(DeleteParams),
    responses((status = 200, description = "Every unit of the document removed", body = super::openapi::shapes::DocumentRemoved)))]
pub async fn delete_document(
    _: Admin,
    state: web::Data<AppState>,
    params: web::Query<DeleteParams>,
) -> Result<HttpResponse, ApiError> {
    let Some(document) = params
        .into_inner()
        .document
        .filter(|d| !d.trim().is_empty())
    else {
        return Err(ApiError::new(
            ErrorCode::InvalidParameter,
            "name the document whose units go: DELETE /v1/units?document=ID",
        )
        .with("parameter", "document"));
    };
    let removed = state.memory.delete_document(document.clone()).await?;
    Ok(HttpResponse::Ok().json(json!({"document": document, "removed": removed})))
}

/// `GET /v1/stats`: units per language and pair, documents, index size, last commit.
#[utoipa::path(get, path = "/v1/stats", tag = "units",
    responses((status = 200, description = "The memory's numbers", body = crate::memory::Stats)))]
pub async fn stats(_: Read, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let memory = state.memory.clone();
    let stats = reading(move || memory.stats()).await??;
    Ok(HttpResponse::Ok().json(stats))
}
