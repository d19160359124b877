//! `/v1/units`: create, read, replace and delete units.

use super::json::Json;
use actix_web::{web, HttpResponse};
use serde_json::json;

use super::dto::{now_utc, UnitIn, UnitOut, UnitPatch, UnitsIn};
use super::error::{blocking, ApiError, ErrorCode};
use super::AppState;

/// The most units one `POST /v1/units` may carry.
use super::dto::MAX_UNITS_PER_REQUEST;

pub async fn create(
    state: web::Data<AppState>,
    body: Json<UnitsIn>,
) -> Result<HttpResponse, ApiError> {
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
    let units = body
        .units
        .into_iter()
        .enumerate()
        .map(|(i, unit)| {
            unit.into_unit(None).map_err(|mut e| {
                e.message = format!("units[{i}]: {}", e.message);
                e
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let added = state.memory.add_units(units).await?;
    let ids: Vec<&str> = added.iter().map(|a| a.id.as_str()).collect();
    Ok(HttpResponse::Created().json(json!({"ids": ids, "units": added})))
}

pub async fn get(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let memory = state.memory.clone();
    let id = id.into_inner();
    let lookup_id = id.clone();
    match blocking(move || memory.get(&lookup_id)).await?? {
        Some(unit) => Ok(HttpResponse::Ok().json(UnitOut::from(unit))),
        None => Err(ApiError::new(
            ErrorCode::UnitNotFound,
            format!("no unit has the id '{id}'"),
        )
        .with("id", id)),
    }
}

pub async fn replace(
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<UnitIn>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    // A replacement keeps the unit's creation time unless the body gives one.
    let created_given = body.meta.created.is_some();
    let mut unit = body.into_unit(Some(id.as_str()))?;
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
pub async fn patch(
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<UnitPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let id = id.into_inner();
    let unit = state
        .memory
        .update_unit(id.clone(), move |unit| patch.apply(unit))
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

pub async fn delete(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.memory.delete_unit(id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
