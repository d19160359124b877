//! The HTTP API (actix-web): routes, extractors, DTOs and the error table. Everything here
//! translates between HTTP and [`crate::memory`] or [`crate::editorial`]; nothing below
//! imports this module.

pub mod access;
mod analysis;
mod articles;
mod batch;
mod concordance;
mod desk;
pub mod dto;
mod editions;
pub mod error;
mod feeds;
pub(crate) mod fuzz;
pub mod json;
pub mod l10n;
pub mod locale;
mod matches;
pub mod metrics;
pub mod openapi;
mod segment;
mod tasks;
mod tmserver;
mod transfer;
mod units;
pub mod wire;

use std::path::PathBuf;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage as _, HttpResponse};
use serde_json::json;

use crate::memory::Memory;
use error::{ApiError, ErrorCode};

/// What every handler can reach.
pub struct AppState {
    pub memory: Arc<Memory>,
    /// Where import bodies are spooled before parsing.
    pub spool_dir: PathBuf,
    pub max_body_bytes: usize,
    /// The largest JSON body accepted, counted after decompression.
    pub max_json_bytes: usize,
    /// Uploads (imports) being received at once; beyond it, `503 busy`.
    pub uploads: Arc<tokio::sync::Semaphore>,
    pub max_uploads: usize,
    /// The longest an upload may wait for its next bytes.
    pub body_timeout: std::time::Duration,
    /// The slowest average an upload may keep after its first `body_timeout`, in bytes/s.
    pub min_body_rate: u64,
    /// The API keys, and whether requests need one.
    pub keys: Arc<crate::auth::Keys>,
    /// The path prefixes a request needs no key for (`--public`).
    pub public: Vec<String>,
    /// What `/metrics` reports.
    pub metrics: Arc<metrics::Metrics>,
    /// Each key's token bucket (`--rate-limit`); `None` when unlimited.
    pub limiter: Option<access::Limiter>,
    /// The Fluent catalog: UI strings and localised error messages.
    pub l10n: Arc<crate::l10n::Catalog>,
    /// Article limits and the aligner's settings.
    pub editorial: Arc<crate::editorial::Settings>,
    /// Long writes run as tasks (`/v1/tasks`).
    pub tasks: Arc<crate::tasks::Tasks>,
}

/// What a task's failure reads as, in the error table's words (for [`crate::tasks`]).
pub fn describe_task_failure() -> crate::tasks::Describe {
    Arc::new(tasks::describe)
}

/// Registers every route on an actix `App`.
pub fn configure(state: web::Data<AppState>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        // JSON bodies are parsed whole, into many times their size: their own small limit
        // (files go to /v1/import, which streams them).
        let limit = state.max_json_bytes;
        cfg.app_data(state)
            // The body `json::Json` reads, as `web::Bytes` reads it: within the JSON limit.
            .app_data(web::PayloadConfig::new(limit))
            .app_data(
                web::QueryConfig::default().error_handler(|e, _| error::query_error(e).into()),
            )
            .app_data(web::PathConfig::default().error_handler(|e, _| {
                ApiError::new(
                    ErrorCode::InvalidPath,
                    format!("the URL path is invalid: {e}"),
                )
                .into()
            }))
            .route("/openapi.json", web::get().to(openapi::document))
            .route("/health", web::get().to(health))
            .route("/health/ready", web::get().to(ready))
            .route("/metrics", web::get().to(metrics::scrape))
            // Edition pages: public, read-only, outside /v1.
            .configure(editions::routes)
            // The editors' desk: static files; its calls go to /v1 with the editor's key.
            .configure(desk::routes)
            // The tmserver/amaGama API for CAT tools: read-only, with a key in the header
            // or in the path (see `access`).
            .configure(tmserver::routes)
            .service(
                web::scope("/v1")
                    .route("/keys", web::post().to(access::create))
                    .route("/keys", web::get().to(access::list))
                    .route("/keys/{id}", web::delete().to(access::revoke))
                    .configure(articles::routes)
                    .route("/analysis", web::post().to(analysis::analyse))
                    .route("/pretranslate", web::post().to(analysis::pretranslate))
                    .route("/units", web::post().to(units::create))
                    .route("/units", web::get().to(units::list))
                    .route("/units", web::delete().to(units::delete_document))
                    .route("/stats", web::get().to(units::stats))
                    .route("/units/{id}", web::get().to(units::get))
                    .route("/units/{id}", web::put().to(units::replace))
                    .route("/units/{id}", web::patch().to(units::patch))
                    .route("/units/{id}", web::delete().to(units::delete))
                    .route("/import", web::post().to(transfer::import))
                    .route("/optimize", web::post().to(tasks::optimize))
                    .route("/tasks", web::get().to(tasks::list))
                    .route("/tasks/{id}", web::get().to(tasks::get))
                    .route("/tasks/{id}", web::delete().to(tasks::cancel))
                    .route("/export", web::get().to(transfer::export))
                    .route("/match", web::post().to(matches::find))
                    .route("/match/batch", web::post().to(batch::find))
                    .route("/feeds/{file}", web::get().to(feeds::tmx))
                    .route("/segment", web::post().to(segment::split))
                    .route("/concordance", web::get().to(concordance::search))
                    .configure(l10n::routes),
            )
            .default_service(web::to(not_found));
    }
}

/// `GET /health`: liveness, cheap.
#[utoipa::path(
    get,
    path = "/health",
    tag = "operations",
    responses((status = 200, description = "The server answers", body = Health)),
)]
pub(crate) async fn health(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok", "units": state.memory.unit_count()}))
}

/// `/health`'s answer.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Health {
    #[schema(value_type = String, example = "ok")]
    status: &'static str,
    units: u64,
}

/// `/health/ready`'s answer.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Ready {
    #[schema(value_type = String, example = "ready")]
    status: &'static str,
    units: u64,
    writable: bool,
    free_bytes: Option<u64>,
}

/// Below this much free disk the memory is not ready: a commit that cannot be written would
/// fail every write, and a load balancer should send them elsewhere first.
pub const MIN_FREE_BYTES: u64 = 256 * 1024 * 1024;

/// `GET /health/ready`: 200 when the memory is open and can take writes (its writer runs,
/// the disk has room); else `503 not_ready`, saying why, so a load balancer stops sending.
#[utoipa::path(
    get,
    path = "/health/ready",
    tag = "operations",
    responses((status = 200, description = "The memory is open and writable", body = Ready)),
)]
pub(crate) async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let readiness = state.memory.readiness();
    let mut problems = Vec::new();
    if !readiness.writable {
        problems.push("the memory's writer is not running".to_string());
    }
    if let Some(free) = readiness.free_bytes.filter(|free| *free < MIN_FREE_BYTES) {
        problems.push(format!(
            "the data directory's disk has {} MiB free (below {} MiB)",
            free / (1024 * 1024),
            MIN_FREE_BYTES / (1024 * 1024)
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::new(ErrorCode::NotReady, problems.join("; ")));
    }
    Ok(HttpResponse::Ok().json(json!({
        "status": "ready",
        "units": state.memory.unit_count(),
        "writable": true,
        "free_bytes": readiness.free_bytes,
    })))
}

/// The methods each route pattern answers, for `Allow` on a 405 (a test checks every row
/// against the routes, both ways). Every GET route answers HEAD too ([`head_as_get`]).
pub const METHODS: &[(&str, &str)] = &[
    ("/openapi.json", "GET, HEAD"),
    ("/health", "GET, HEAD"),
    ("/health/ready", "GET, HEAD"),
    ("/metrics", "GET, HEAD"),
    ("/desk", "GET, HEAD"),
    ("/desk/", "GET, HEAD"),
    ("/desk/desk.js", "GET, HEAD"),
    ("/desk/desk.css", "GET, HEAD"),
    ("/editions", "GET, HEAD"),
    ("/editions/", "GET, HEAD"),
    ("/editions/sitemap.xml", "GET, HEAD"),
    ("/editions/{article}", "GET, HEAD"),
    ("/editions/{article}/{lang}", "GET, HEAD"),
    ("/tmserver/{tail:.*}", "GET, HEAD"),
    ("/v1/keys", "GET, HEAD, POST"),
    ("/v1/keys/{id}", "DELETE"),
    ("/v1/article-batches", "POST"),
    ("/v1/articles", "GET, HEAD, POST"),
    ("/v1/articles/{id}", "GET, HEAD, DELETE"),
    ("/v1/articles/{id}/versions/{lang}", "PUT, DELETE"),
    ("/v1/articles/{id}/alignment/{lang}", "PUT"),
    ("/v1/articles/{id}/publish", "POST"),
    ("/v1/analysis", "POST"),
    ("/v1/pretranslate", "POST"),
    ("/v1/units", "GET, HEAD, POST, DELETE"),
    ("/v1/stats", "GET, HEAD"),
    ("/v1/units/{id}", "GET, HEAD, PUT, PATCH, DELETE"),
    ("/v1/import", "POST"),
    ("/v1/optimize", "POST"),
    ("/v1/tasks", "GET, HEAD"),
    ("/v1/tasks/{id}", "GET, HEAD, DELETE"),
    ("/v1/export", "GET, HEAD"),
    ("/v1/match", "POST"),
    ("/v1/match/batch", "POST"),
    ("/v1/feeds/{file}", "GET, HEAD"),
    ("/v1/segment", "POST"),
    ("/v1/concordance", "GET, HEAD"),
    ("/v1/l10n/locales", "GET, HEAD"),
    ("/v1/l10n/format", "POST"),
    ("/v1/l10n/{locale}/{file:.+}", "GET, HEAD"),
];

/// The request's id: the client's `X-Request-Id` when it sent a usable one (so a proxy's or
/// a client's id follows the request through the log), else one made for it. A client's id
/// is at most 64 letters, digits, `-`, `_`, `.` or `:`, so it cannot forge a log line.
fn request_id(req: &ServiceRequest) -> String {
    let sent = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|id| {
            (1..=64).contains(&id.len())
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        });
    match sent {
        Some(id) => id.to_string(),
        None => req
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default(),
    }
}

/// The span every request's log lines are in: its id only. (tracing-actix-web's default
/// span records the whole target, query included, and a query can hold the text a
/// translator looked up; [`access_log`] writes the rest.)
pub struct RequestSpan;

impl tracing_actix_web::RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> tracing::Span {
        let id = request_id(request);
        tracing::info_span!("request", request_id = %id)
    }

    fn on_request_end<B: MessageBody>(
        _span: tracing::Span,
        _outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
    }
}

/// One log line per request, when its answer is ready: method, path, status, the error
/// code when there is one, duration (also sent back in `Server-Timing`) and the request id
/// (also sent back as `X-Request-Id`, so a user's report can be found in the log). The
/// query is left out: it can hold the text a translator looked up. Client errors and
/// refusals under load (`503 busy`) are INFO and WARN; only a 500 is an ERROR (its cause is
/// logged where it happened).
pub async fn access_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.metrics.clone());
    // The route's pattern, not its path: a few labels, whatever clients ask.
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
    // A key in a `/tmserver/key/…` path is not written to the log.
    let path = access::loggable_path(req.path()).into_owned();
    let request_id = request_id(&req);
    let result = next.call(req).await;
    let (status, error) = match &result {
        Ok(res) => (res.status(), res.response().error().map(table_error)),
        Err(error) => (
            error.as_response_error().status_code(),
            Some(table_error(error)),
        ),
    };
    let code = error
        .as_ref()
        .map(|(code, _)| tracing::field::display(*code));
    // Debug-escaped: a message can quote what the client sent.
    let message = error
        .as_ref()
        .map(|(_, message)| tracing::field::debug(message));
    macro_rules! access {
        ($level:expr) => {
            tracing::event!(
                target: "tetraglot::access",
                $level,
                %method,
                // Escaped: a path is the client's text, and must not forge a log line.
                path = %path.escape_debug(),
                status = status.as_u16(),
                code,
                error = message,
                ms = format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0),
                request_id = %request_id,
                "request"
            )
        };
    }
    if let Some(metrics) = metrics {
        metrics.observe(
            &route,
            method.as_str(),
            status.as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    if status == actix_web::http::StatusCode::INTERNAL_SERVER_ERROR {
        access!(tracing::Level::ERROR);
    } else if status.is_server_error() {
        access!(tracing::Level::WARN);
    } else {
        access!(tracing::Level::INFO);
    }
    // The time the server spent, in the W3C `Server-Timing` form browsers' developer tools
    // show: what a client's own timing adds beyond it is the network and the client.
    let timing = format!("app;dur={:.3}", started.elapsed().as_secs_f64() * 1000.0);
    result.map(|mut res| {
        use actix_web::http::header::{HeaderName, HeaderValue};
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            res.headers_mut()
                .insert(HeaderName::from_static("x-request-id"), value);
        }
        if let Ok(value) = HeaderValue::from_str(&timing) {
            res.headers_mut()
                .insert(HeaderName::from_static("server-timing"), value);
        }
        res
    })
}

/// The error table's code and English message of an answer's error (`busy`, …); actix-web's
/// own errors (a malformed request line, say) have no code.
fn table_error(error: &actix_web::Error) -> (&str, String) {
    if let Some(api) = error.as_error::<ApiError>() {
        (api.code.as_str(), api.message.clone())
    } else if let Some(localised) = error.as_error::<locale::LocalisedError>() {
        (localised.code(), localised.detail().to_string())
    } else {
        ("", error.to_string())
    }
}

/// HEAD is answered as GET (actix-http leaves the body out, keeping its length): CAT tools
/// and load balancers probe `/health` and the feeds with HEAD.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == actix_web::http::Method::HEAD {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    next.call(req).await
}

pub(crate) async fn not_found(req: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    // A path some route serves, asked with another method.
    if req.resource_map().has_resource(path) {
        let pattern = req.resource_map().match_pattern(path);
        let allow = pattern.and_then(|p| {
            METHODS
                .iter()
                .find(|(route, _)| *route == p)
                .map(|(_, methods)| *methods)
        });
        return Err(ApiError {
            allow,
            ..ApiError::new(
                ErrorCode::MethodNotAllowed,
                format!(
                    "{} is not allowed on {path}; use {}",
                    req.method(),
                    allow.unwrap_or("the methods the README gives")
                ),
            )
        });
    }
    Err(ApiError::new(
        ErrorCode::RouteNotFound,
        format!("there is no endpoint at {path}; see the README"),
    ))
}

/// Whether `If-None-Match` names `etag` (weakly, as RFC 9110 wants for this header): the one
/// rule of every cached answer (l10n resources, edition pages, the desk's files).
pub(crate) fn if_none_match(req: &actix_web::HttpRequest, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    let ours = opaque(etag);
    req.headers()
        .get_all(actix_web::http::header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == "*" || opaque(tag) == ours)
}
