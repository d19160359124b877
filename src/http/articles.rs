//! `/v1/articles`: the newsroom's articles in, aligned into units; read back with their
//! sentences and alignment; versions, corrections and deletes (see [`crate::editorial`]).

use super::access::{Read, Write};
use super::json::Json;
use crate::auth::Caller;
use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::dto::{bounded, canonical_time};
use super::error::{blocking, reading, ApiError, ErrorCode};
use super::AppState;
use crate::editorial::article::ArticleId;
use crate::editorial::{
    self, ArticleBead, ArticleInput, ArticleView, Block, EditorialError, ListFilter, Saved,
    VersionInput,
};
use crate::model::lang::Lang;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/article-batches", web::post().to(batch))
        .route("/articles", web::post().to(create))
        .route("/articles", web::get().to(list))
        .route("/articles/{id}", web::get().to(get))
        .route("/articles/{id}", web::delete().to(delete))
        .route("/articles/{id}/versions/{lang}", web::put().to(put_version))
        .route(
            "/articles/{id}/versions/{lang}",
            web::delete().to(delete_version),
        )
        .route(
            "/articles/{id}/alignment/{lang}",
            web::put().to(correct_alignment),
        )
        .route("/articles/{id}/publish", web::post().to(publish));
}

/// An article as the API takes it (lists bounded while parsed).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "2026-12-06.bridge", "outlet": "news", "source": "en", "versions": {"en": {"title": "The bridge opens", "body": "The new bridge opens in May. It links two districts."}, "ru": {"title": "Мост открывается", "body": "Новый мост откроется в мае. Он соединит два района."}}}))]
pub struct ArticleIn {
    id: String,
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    section: Option<String>,
    #[serde(default, deserialize_with = "bounded::names")]
    authors: Vec<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    updated: Option<String>,
    source: String,
    #[serde(default, deserialize_with = "bounded::names")]
    tags: Vec<String>,
    versions: BTreeMap<String, VersionInput>,
}

impl From<ArticleIn> for ArticleInput {
    fn from(a: ArticleIn) -> ArticleInput {
        ArticleInput {
            id: a.id,
            outlet: a.outlet,
            section: a.section,
            authors: a.authors,
            published: a.published,
            updated: a.updated,
            source: a.source,
            tags: a.tags,
            versions: a.versions,
        }
    }
}

/// An article's id from the path, checked before anything is read.
fn article_id(raw: &str) -> Result<ArticleId, ApiError> {
    ArticleId::parse(raw).map_err(|problem| EditorialError::from(problem).into())
}

/// The articles `caller` may write: any, or those of the outlets its key is bound to.
/// The editorial layer checks it against the record each write commits over, so a key
/// cannot take over another outlet's article, even one changing outlet at that moment.
fn scope(caller: &Caller) -> editorial::Scope {
    match caller {
        Caller::Key { outlets, .. } if caller.bound_to_outlets() => {
            editorial::Scope::Outlets(outlets.clone())
        }
        _ => editorial::Scope::Any,
    }
}

fn saved_response(saved: Saved) -> HttpResponse {
    let mut status = if saved.created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    status.json(saved)
}

#[utoipa::path(post, path = "/v1/articles", tag = "articles",
    request_body = ArticleIn,
    responses((status = 201, description = "A new article, segmented, aligned and its units stored", body = crate::editorial::Saved),
              (status = 200, description = "The article replaced", body = crate::editorial::Saved)))]
pub async fn create(
    Write(caller): Write,
    state: web::Data<AppState>,
    body: Json<ArticleIn>,
) -> Result<HttpResponse, ApiError> {
    let input = ArticleInput::from(body.into_inner());
    let (memory, settings, scope) = (
        state.memory.clone(),
        state.editorial.clone(),
        scope(&caller),
    );
    let saved = blocking(move || editorial::save(&memory, input, &settings, &scope)).await??;
    Ok(saved_response(saved))
}

#[utoipa::path(put, path = "/v1/articles/{id}/versions/{lang}", tag = "articles",
    params(("id" = String, Path, description = "The article's id"), ("lang" = String, Path, description = "The version's language tag")),
    request_body = crate::editorial::article::VersionInput,
    responses((status = 200, description = "The version added or replaced, and aligned", body = crate::editorial::Saved)))]
pub async fn put_version(
    Write(caller): Write,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: Json<VersionInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, tag) = path.into_inner();
    let id = article_id(&id)?;
    let scope = scope(&caller);
    let lang = Lang::parse(&tag)?;
    let version = body.into_inner();
    let (memory, settings) = (state.memory.clone(), state.editorial.clone());
    let saved = blocking(move || {
        editorial::put_version(&memory, &id, lang.tag(), version, &settings, &scope)
    })
    .await??;
    // The article existed: a version added or replaced is a change of it.
    Ok(HttpResponse::Ok().json(saved))
}

#[utoipa::path(delete, path = "/v1/articles/{id}/versions/{lang}", tag = "articles",
    params(("id" = String, Path, description = "The article's id"), ("lang" = String, Path, description = "The version's language tag")),
    responses((status = 200, description = "The version and its variants removed", body = crate::editorial::Saved)))]
pub async fn delete_version(
    Write(caller): Write,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, tag) = path.into_inner();
    let id = article_id(&id)?;
    let scope = scope(&caller);
    let lang = Lang::parse(&tag)?;
    let (memory, settings) = (state.memory.clone(), state.editorial.clone());
    let saved = blocking(move || editorial::delete_version(&memory, &id, &lang, &settings, &scope))
        .await??;
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeadIn {
    #[serde(deserialize_with = "bounded::beads")]
    source: Vec<usize>,
    #[serde(deserialize_with = "bounded::beads")]
    target: Vec<usize>,
    /// Ignored when sent back as read: a corrected bead is confirmed.
    #[serde(default)]
    #[allow(dead_code)]
    confidence: Option<f32>,
    #[serde(default)]
    #[allow(dead_code)]
    state: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    review: Option<bool>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionIn {
    #[serde(deserialize_with = "bounded::beads")]
    beads: Vec<BeadIn>,
}

#[utoipa::path(put, path = "/v1/articles/{id}/alignment/{lang}", tag = "articles",
    params(("id" = String, Path, description = "The article's id"), ("lang" = String, Path, description = "The target language")),
    request_body = CorrectionIn,
    responses((status = 200, description = "The beads confirmed and the units rewritten", body = crate::editorial::Saved)))]
pub async fn correct_alignment(
    Write(caller): Write,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: Json<CorrectionIn>,
) -> Result<HttpResponse, ApiError> {
    let (id, tag) = path.into_inner();
    let id = article_id(&id)?;
    let scope = scope(&caller);
    let lang = Lang::parse(&tag)?;
    let beads: Vec<ArticleBead> = body
        .into_inner()
        .beads
        .into_iter()
        .map(|b| ArticleBead {
            source: b.source,
            target: b.target,
            confidence: 1.0,
            confirmed: true,
        })
        .collect();
    let (memory, settings) = (state.memory.clone(), state.editorial.clone());
    let saved = blocking(move || {
        editorial::correct_alignment(&memory, &id, &lang, &beads, &settings, &scope)
    })
    .await??;
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishIn {
    #[serde(deserialize_with = "bounded::targets")]
    langs: Vec<String>,
    /// `false` takes the versions back to draft.
    #[serde(default = "yes")]
    published: bool,
}

fn yes() -> bool {
    true
}

#[utoipa::path(post, path = "/v1/articles/{id}/publish", tag = "articles",
    params(("id" = String, Path, description = "The article's id")),
    request_body = PublishIn,
    responses((status = 200, description = "The versions published (or back to draft)", body = crate::editorial::Saved)))]
pub async fn publish(
    Write(caller): Write,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<PublishIn>,
) -> Result<HttpResponse, ApiError> {
    let id = article_id(&id)?;
    let scope = scope(&caller);
    let body = body.into_inner();
    let langs = body
        .langs
        .iter()
        .map(|t| Lang::parse(t))
        .collect::<Result<Vec<_>, _>>()?;
    let (memory, settings) = (state.memory.clone(), state.editorial.clone());
    let saved = blocking(move || {
        editorial::publish(&memory, &id, &langs, body.published, &settings, &scope)
    })
    .await??;
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeleteQuery {
    #[serde(default)]
    keep_units: bool,
}

#[utoipa::path(delete, path = "/v1/articles/{id}", tag = "articles",
    params(("id" = String, Path, description = "The article's id"), DeleteQuery),
    responses((status = 200, description = "The article deleted", body = super::openapi::shapes::ArticleDeleted)))]
pub async fn delete(
    Write(caller): Write,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<DeleteQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = article_id(&id)?;
    let scope = scope(&caller);
    let keep = query.keep_units;
    let memory = state.memory.clone();
    let written = blocking(move || editorial::delete(&memory, &id, keep, &scope)).await??;
    Ok(HttpResponse::Ok().json(serde_json::json!({"units": {"removed": written.removed}})))
}

#[derive(Serialize)]
struct SentenceOut<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    /// The body block's index, or `"title"` / `"lead"`.
    block: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    markup: Option<&'a str>,
}

#[derive(Serialize)]
struct BeadOut<'a> {
    source: &'a [usize],
    target: &'a [usize],
    confidence: f64,
    state: &'static str,
    /// Whether an editor should look at it.
    review: bool,
}

fn block_value(block: Block) -> serde_json::Value {
    match block {
        Block::Title => "title".into(),
        Block::Lead => "lead".into(),
        Block::Body(i) => i.into(),
    }
}

fn article_json(view: &ArticleView, params: &crate::align::Params) -> serde_json::Value {
    let article = &view.article;
    let mut versions = serde_json::Map::new();
    for (key, version) in &article.versions {
        let input = version.input();
        let mut value = serde_json::to_value(&input).unwrap_or_default();
        let sentences: Vec<SentenceOut<'_>> = view.sentences[key]
            .iter()
            .map(|s| SentenceOut {
                text: &s.text,
                start: s.start,
                end: s.end,
                block: block_value(s.block),
                markup: s.markup.as_deref(),
            })
            .collect();
        value["sentences"] = serde_json::to_value(sentences).unwrap_or_default();
        if let Some(beads) = view.alignment.get(key) {
            let beads: Vec<BeadOut<'_>> = beads
                .iter()
                .map(|b| BeadOut {
                    source: &b.source,
                    target: &b.target,
                    confidence: (f64::from(b.confidence) * 1000.0).round() / 1000.0,
                    state: b.state(),
                    review: b.needs_review(params),
                })
                .collect();
            value["alignment"] = serde_json::to_value(beads).unwrap_or_default();
        }
        versions.insert(version.lang.tag().to_string(), value);
    }
    serde_json::json!({
        "id": article.id,
        "outlet": article.outlet,
        "section": article.section,
        "authors": article.authors,
        "published": article.published,
        "updated": article.updated,
        "source": article.source.tag(),
        "tags": article.tags,
        "versions": versions,
        "units": view.units,
        "saved": view.saved,
    })
}

#[utoipa::path(get, path = "/v1/articles/{id}", tag = "articles",
    params(("id" = String, Path, description = "The article's id")),
    responses((status = 200, description = "The article, each version's sentences and each target's beads", body = super::openapi::shapes::ArticleOut)))]
pub async fn get(
    _: Read,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = article_id(&id)?;
    let memory = state.memory.clone();
    let view = reading(move || editorial::get(&memory, &id)).await??;
    Ok(HttpResponse::Ok().json(article_json(&view, &state.editorial.align)))
}

/// The largest page of a listing.
const MAX_LIST: usize = 1_000;
const DEFAULT_LIST: usize = 50;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    outlet: Option<String>,
    section: Option<String>,
    lang: Option<String>,
    since: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
}

/// A cursor is the last article's date and id, hex-encoded so it is safe in a URL.
fn encode_cursor((date, id): &(String, String)) -> String {
    format!("{date}\n{id}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_cursor(raw: &str) -> Option<(String, String)> {
    if raw.len() % 2 != 0 || raw.len() > 2_000 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..raw.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(raw.get(i..i + 2)?, 16).ok())
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let (date, id) = text.split_once('\n')?;
    Some((date.to_string(), id.to_string()))
}

#[utoipa::path(get, path = "/v1/articles", tag = "articles",
    params(ListQuery),
    responses((status = 200, description = "Newest first, a page at a time", body = super::openapi::shapes::ArticleList)))]
pub async fn list(
    _: Read,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = query.limit.unwrap_or(DEFAULT_LIST);
    if !(1..=MAX_LIST).contains(&limit) {
        return Err(ApiError::new(
            ErrorCode::InvalidLimit,
            format!("limit must be between 1 and {MAX_LIST}"),
        ));
    }
    let filter = ListFilter {
        outlet: query.outlet,
        section: query.section,
        lang: query
            .lang
            .as_deref()
            .map(Lang::parse)
            .transpose()?
            .map(|l| l.key().to_string()),
        since: query
            .since
            .as_deref()
            .map(|s| canonical_time("since", s).map(|t| t.into_string()))
            .transpose()?,
        after: match query.cursor.as_deref() {
            Some(raw) => Some(decode_cursor(raw).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidParameter,
                    "cursor is not one this server gave; start again without it",
                )
            })?),
            None => None,
        },
    };
    let memory = state.memory.clone();
    let (articles, more) = reading(move || editorial::list(&memory, &filter, limit)).await??;
    let next = more
        .then(|| articles.last().map(|a| encode_cursor(&a.cursor)))
        .flatten();
    let items: Vec<serde_json::Value> = articles
        .iter()
        .map(|listed| {
            let a = &listed.article;
            serde_json::json!({
                "id": a.id,
                "outlet": a.outlet,
                "section": a.section,
                "authors": a.authors,
                "published": a.published,
                "updated": a.updated,
                "source": a.source.tag(),
                "languages": a.versions.values().map(|v| v.lang.tag()).collect::<Vec<_>>(),
                "titles": a.versions.values().map(|v| (v.lang.tag(), v.title.as_str())).collect::<BTreeMap<_, _>>(),
                "saved": listed.saved,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({"articles": items, "next": next})))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BatchParams {
    /// `false`: answer `202` with a task at once (as `Prefer: respond-async`).
    #[serde(default)]
    wait: Option<bool>,
}

/// The media types of a batch: JSON Lines.
const BATCH_TYPES: &[&str] = &[
    "application/x-ndjson",
    "application/jsonl",
    "application/json-lines",
    "application/x-jsonlines",
];

/// `POST /v1/article-batches`: many articles, one per line (JSON Lines), each saved as
/// `POST /v1/articles` saves one; an outcome per line. Large batches run as a task.
#[utoipa::path(post, path = "/v1/article-batches", tag = "articles",
    params(BatchParams,
        ("Prefer" = Option<String>, Header, description = "`respond-async`: answer 202 with a task at once")),
    request_body(description = "JSON Lines: one article per line, as POST /v1/articles takes it",
        content((String = "application/x-ndjson"), (String = "application/jsonl"))),
    responses((status = 200, description = "Each line's outcome", body = crate::editorial::batch::BatchSummary<crate::tasks::Failure>),
              (status = 202, description = "Queued as a task", body = super::openapi::shapes::TaskAccepted)))]
pub async fn batch(
    Write(caller): Write,
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    params: web::Query<BatchParams>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let media = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if !media.as_deref().is_some_and(|m| BATCH_TYPES.contains(&m)) {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!(
                "Content-Type {} is not a batch of articles; send JSON Lines (one article per line) as application/x-ndjson",
                media.as_deref().unwrap_or("(none)")
            ),
        ));
    }
    let scope = scope(&caller);
    let (path, upload) = super::transfer::receive(&req, payload, &state).await?;
    if super::tasks::wants_task(&req, params.wait) {
        drop(upload);
        let work = crate::tasks::Work::Articles { scope };
        return super::tasks::enqueue(&state, &caller, work, Some(path)).await;
    }
    let (memory, settings) = (state.memory.clone(), state.editorial.clone());
    let report = blocking(move || {
        let file = std::fs::File::open(&path).map_err(crate::memory::MemoryError::Io)?;
        let watch = editorial::batch::BatchWatch::default();
        editorial::batch::save_lines(&memory, file, &settings, &scope, &watch)
    })
    .await??;
    drop(upload);
    let summary = report.summary(|error| super::tasks::failure(error.into()));
    Ok(HttpResponse::Ok().json(summary))
}
