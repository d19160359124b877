//! `/v1/l10n`: Fluent resources, formatting and the locale list over HTTP; and, for every
//! response, the request's locale (`?locale=`, else Accept-Language with its q-weights),
//! localised error messages and `Content-Language`.

use std::collections::BTreeMap;
use std::future::{ready, Ready};
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use fluent_bundle::{FluentArgs, FluentValue};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::error::{ApiError, ErrorCode};
use super::AppState;
use crate::l10n::{args_from_json, Catalog, Formatted, Negotiated};

/// The most messages one `POST /v1/l10n/format` may ask for.
pub const MAX_MESSAGES_PER_REQUEST: usize = 1000;

/// How long clients may reuse a resource before revalidating it with its ETag. The files
/// only change when the service is redeployed.
const CACHE_CONTROL: &str = "public, max-age=300";

/// The `/v1/l10n/...` routes, for the `/v1` scope.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/l10n/locales")
            .route(web::get().to(locales))
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/l10n/format")
            .route(web::post().to(format))
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/l10n/{locale}/{file:.+}")
            .route(web::get().to(file))
            .default_service(web::to(method_not_allowed)),
    );
}

/// The locale chain negotiated for this request.
#[derive(Debug, Clone)]
pub struct RequestLocale(pub Arc<Negotiated>);

impl RequestLocale {
    /// Negotiates from `?locale=` (a tag or a weighted list), else Accept-Language.
    pub fn negotiate(catalog: &Catalog, query: &str, accept_language: Option<&str>) -> Negotiated {
        match query_param(query, "locale") {
            Some(locale) => catalog.negotiate(&locale),
            None => catalog.negotiate(accept_language.unwrap_or("")),
        }
    }

    fn of_request(req: &HttpRequest) -> Option<RequestLocale> {
        if let Some(found) = req.extensions().get::<RequestLocale>() {
            return Some(found.clone());
        }
        let state = req.app_data::<web::Data<AppState>>()?;
        Some(RequestLocale(Arc::new(RequestLocale::negotiate(
            &state.l10n,
            req.query_string(),
            accept_language(req.headers()),
        ))))
    }
}

impl FromRequest for RequestLocale {
    type Error = ApiError;
    type Future = Ready<Result<RequestLocale, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            RequestLocale::of_request(req)
                .ok_or_else(|| ApiError::internal("the localisation catalog is not configured")),
        )
    }
}

fn accept_language(headers: &header::HeaderMap) -> Option<&str> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
}

/// The decoded value of `name` in a query string.
fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| decode(value))
    })
}

fn decode(value: &str) -> String {
    percent_encoding::percent_decode_str(&value.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// The query string without its `locale` parameter, when it has one.
fn without_locale(query: &str) -> Option<String> {
    let mut found = false;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(k, _)| k);
            let is_locale = key == "locale";
            found |= is_locale;
            !is_locale && !pair.is_empty()
        })
        .collect();
    found.then(|| kept.join("&"))
}

/// App-wide middleware: negotiates the request's locale, hides `?locale=` from the handlers
/// (their query types refuse unknown fields), localises the `message` of every API error
/// body and says in `Content-Language` which locale a response is in.
pub async fn localise(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let negotiated = Arc::new(RequestLocale::negotiate(
        &state.l10n,
        req.query_string(),
        accept_language(req.headers()),
    ));
    if let Some(query) = without_locale(req.query_string()) {
        let path_and_query = if query.is_empty() {
            req.path().to_string()
        } else {
            format!("{}?{query}", req.path())
        };
        let mut parts = req.uri().clone().into_parts();
        if let Ok(pq) = path_and_query.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = actix_web::http::Uri::from_parts(parts) {
                req.match_info_mut().get_mut().update(&uri);
                req.head_mut().uri = uri;
            }
        }
    }
    req.extensions_mut()
        .insert(RequestLocale(negotiated.clone()));
    // The request itself cannot be kept for the error path: routing needs it unshared.
    let method = req.method().clone();
    let path = req.path().to_string();
    match next.call(req).await {
        Ok(mut res) => {
            let localised = res
                .response()
                .error()
                .and_then(|e| e.as_error::<ApiError>())
                .and_then(|error| {
                    let context = ErrorContext {
                        method: &method,
                        path: &path,
                        max_body_bytes: state.max_body_bytes,
                    };
                    localised_error(&state.l10n, &negotiated, error, &context)
                });
            if let Some(localised) = localised {
                let (request, _) = res.into_parts();
                return Ok(ServiceResponse::new(request, localised.error_response()));
            }
            let headers = res.headers_mut();
            if !headers.contains_key(header::CONTENT_LANGUAGE) {
                headers.insert(
                    header::CONTENT_LANGUAGE,
                    language_header(state.l10n.default_locale()),
                );
            }
            Ok(res.map_into_boxed_body())
        }
        // Errors from inner middleware (the API key check) arrive here unrendered.
        Err(error) => {
            let context = ErrorContext {
                method: &method,
                path: &path,
                max_body_bytes: state.max_body_bytes,
            };
            let localised = error
                .as_error::<ApiError>()
                .and_then(|api| localised_error(&state.l10n, &negotiated, api, &context));
            match localised {
                Some(localised) => Err(localised.into()),
                None => Err(error),
            }
        }
    }
}

struct ErrorContext<'a> {
    method: &'a Method,
    path: &'a str,
    max_body_bytes: usize,
}

/// The message id of an error code: `empty_text` → `error-empty-text`.
pub fn error_message_id(code: ErrorCode) -> String {
    code.message_id()
}

/// What the error messages may refer to, from the error and its request.
fn error_args(error: &ApiError, context: &ErrorContext) -> FluentArgs<'static> {
    let mut args = FluentArgs::new();
    args.set("method", FluentValue::from(context.method.to_string()));
    args.set("path", FluentValue::from(context.path.to_string()));
    args.set("limit", FluentValue::from(context.max_body_bytes));
    if let Some(line) = error.line {
        args.set("line", FluentValue::from(line));
    }
    match error.code {
        ErrorCode::TextTooLong => args.set("max", super::dto::MAX_TEXT_CHARS),
        ErrorCode::InvalidLimit => args.set("max", crate::memory::MatchQuery::MAX_LIMIT),
        ErrorCode::TooManyMessages => args.set("max", MAX_MESSAGES_PER_REQUEST),
        _ => {}
    }
    args
}

/// An error body whose message is in the caller's language, the English one kept as
/// `detail`. Rendered by [`localise`].
#[derive(Debug)]
struct LocalisedError {
    status: StatusCode,
    locale: String,
    body: serde_json::Value,
}

impl std::fmt::Display for LocalisedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.body)
    }
}

impl ResponseError for LocalisedError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status)
            .insert_header((header::CONTENT_LANGUAGE, language_header(&self.locale)))
            .insert_header((header::VARY, "Accept-Language"))
            .json(&self.body)
    }
}

/// `None` keeps the English original: the caller wants the default locale, or the message
/// is missing or cannot be formatted in theirs.
fn localised_error(
    catalog: &Catalog,
    negotiated: &Negotiated,
    error: &ApiError,
    context: &ErrorContext,
) -> Option<LocalisedError> {
    if negotiated.locale() == catalog.default_locale() {
        return None;
    }
    let args = error_args(error, context);
    let formatted = catalog.format(
        &negotiated.chain,
        &error_message_id(error.code),
        Some(&args),
    );
    let locale = formatted.locale?;
    if locale == catalog.default_locale() || !formatted.errors.is_empty() {
        if !formatted.errors.is_empty() {
            tracing::warn!(code = error.code.as_str(), %locale, errors = ?formatted.errors, "error message not localised");
        }
        return None;
    }
    let mut inner = json!({
        "code": error.code.as_str(),
        "message": formatted.value?,
        "detail": error.message,
    });
    if let Some(line) = error.line {
        inner["line"] = json!(line);
    }
    Some(LocalisedError {
        status: error.status(),
        locale,
        body: json!({ "error": inner }),
    })
}

fn language_header(tags: &str) -> HeaderValue {
    HeaderValue::from_str(tags).unwrap_or_else(|_| HeaderValue::from_static("en"))
}

fn catalog(req: &HttpRequest) -> Result<Arc<Catalog>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .map(|state| state.l10n.clone())
        .ok_or_else(|| ApiError::internal("the localisation catalog is not configured"))
}

async fn method_not_allowed(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!(
            "{} is not allowed on {}; see the README for the methods of each endpoint",
            req.method(),
            req.path()
        ),
    ))
}

#[derive(Serialize)]
struct ResourceOut<'a> {
    name: &'a str,
    messages: usize,
    etag: &'a str,
}

#[derive(Serialize)]
struct LocaleOut<'a> {
    locale: &'a str,
    /// The locale's own name for itself (`Հայերեն`).
    name: String,
    /// Its name in the request's locale.
    display_name: String,
    messages: usize,
    translated: usize,
    reference: usize,
    /// Percent of the reference's messages translated.
    complete: f64,
    missing: Vec<String>,
    resources: Vec<ResourceOut<'a>>,
}

/// `GET /v1/l10n/locales`: every locale with its message count and completeness.
async fn locales(req: HttpRequest, locale: RequestLocale) -> Result<HttpResponse, ApiError> {
    let catalog = catalog(&req)?;
    let chain = &locale.0.chain;
    let name_in = |chain: &[String], language: &str, fallback: &str| {
        let formatted = catalog.format(chain, &format!("language-{language}"), None);
        match (formatted.value, formatted.errors.is_empty()) {
            (Some(value), true) => value,
            _ => fallback.to_string(),
        }
    };
    let mut out = Vec::new();
    for data in catalog.locales() {
        let tag = data.tag();
        let language = data.langid().language.as_str();
        let completeness = catalog
            .completeness(tag)
            .ok_or_else(|| ApiError::internal("a served locale has no completeness"))?;
        out.push(LocaleOut {
            locale: tag,
            name: name_in(&[tag.to_string()], language, tag),
            display_name: name_in(chain, language, tag),
            messages: completeness.messages,
            translated: completeness.translated,
            reference: completeness.reference,
            complete: completeness.percent,
            missing: completeness.missing,
            resources: data
                .resources()
                .iter()
                .map(|r| ResourceOut {
                    name: &r.name,
                    messages: r.message_count(),
                    etag: &r.etag,
                })
                .collect(),
        });
    }
    let issues: Vec<String> = catalog.check().iter().map(ToString::to_string).collect();
    let problems: Vec<String> = catalog.problems().iter().map(ToString::to_string).collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_LANGUAGE, language_header(locale.0.locale())))
        .insert_header((header::VARY, "Accept-Language"))
        .json(json!({
            "default": catalog.default_locale(),
            "locale": locale.0.locale(),
            "locales": out,
            "issues": issues,
            "load_problems": problems,
        })))
}

/// `GET /v1/l10n/{locale}/{resource}.ftl` and `GET /v1/l10n/{locale}/messages.json`.
async fn file(
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let catalog = catalog(&req)?;
    let (asked, file) = path.into_inner();
    let served: Vec<&str> = catalog.locales().map(|l| l.tag()).collect();
    let Some(tag) = catalog.matcher().resolve(&asked) else {
        return Err(ApiError::new(
            ErrorCode::LocaleNotFound,
            format!(
                "no locale served here matches '{asked}'; the locales are {} (GET /v1/l10n/locales)",
                served.join(", ")
            ),
        ));
    };
    let locale = catalog
        .locale(tag)
        .ok_or_else(|| ApiError::internal("a resolved locale is not in the catalog"))?;
    let (body, etag, content_type) = if file == "messages.json" {
        let doc = catalog
            .messages_json(tag)
            .ok_or_else(|| ApiError::internal("a resolved locale has no messages"))?;
        (doc.body.as_str(), doc.etag.as_str(), "application/json")
    } else {
        let resource = file
            .strip_suffix(".ftl")
            .and_then(|name| locale.resource(name));
        match resource {
            Some(resource) => (
                resource.source(),
                resource.etag.as_str(),
                "text/plain; charset=utf-8",
            ),
            None => {
                let names: Vec<String> = locale
                    .resources()
                    .iter()
                    .map(|r| format!("{}.ftl", r.name))
                    .collect();
                return Err(ApiError::new(
                    ErrorCode::RouteNotFound,
                    format!(
                        "{tag} has no resource '{file}'; it has {} and messages.json",
                        names.join(", ")
                    ),
                ));
            }
        }
    };
    let not_modified = if_none_match(&req, etag);
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .insert_header((header::CONTENT_LANGUAGE, language_header(tag)));
    if not_modified {
        return Ok(response.finish());
    }
    Ok(response.content_type(content_type).body(body.to_string()))
}

/// Whether `If-None-Match` names `etag` (weakly, as RFC 9110 wants for this header).
fn if_none_match(req: &HttpRequest, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    let ours = opaque(etag);
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == "*" || opaque(tag) == ours)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormatIn {
    /// A tag or a weighted list like an Accept-Language value; overrides the request's.
    #[serde(default)]
    locale: Option<String>,
    messages: Vec<MessageIn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MessageIn {
    id: String,
    #[serde(default)]
    args: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct FormatOut<'a> {
    /// The locale negotiated: the first of the chain.
    locale: &'a str,
    chain: &'a [String],
    requested: &'a [String],
    /// Requested locales that nothing served matches (e.g. `az-Cyrl`).
    unmatched: &'a [String],
    results: Vec<Formatted>,
}

/// `POST /v1/l10n/format`: formats messages with arguments in the negotiated locale.
async fn format(
    req: HttpRequest,
    locale: RequestLocale,
    body: web::Json<FormatIn>,
) -> Result<HttpResponse, ApiError> {
    let catalog = catalog(&req)?;
    let body = body.into_inner();
    if body.messages.len() > MAX_MESSAGES_PER_REQUEST {
        return Err(ApiError::new(
            ErrorCode::TooManyMessages,
            format!("send at most {MAX_MESSAGES_PER_REQUEST} messages per request"),
        ));
    }
    let negotiated = match body.locale.as_deref().map(str::trim) {
        Some(asked) if !asked.is_empty() => {
            let ranges = crate::l10n::negotiate::parse_accept_language(asked);
            if !ranges.iter().any(|r| r.langid.is_some()) {
                return Err(ApiError::new(
                    ErrorCode::InvalidLanguage,
                    format!("locale '{asked}' is not a language tag (expected e.g. hy, ru-RU or \"hy, ru;q=0.5\")"),
                ));
            }
            Arc::new(catalog.matcher().negotiate(&ranges))
        }
        _ => locale.0,
    };
    let mut results = Vec::with_capacity(body.messages.len());
    for message in body.messages {
        let (args, arg_errors) = args_from_json(&message.args);
        let mut formatted = catalog.format(&negotiated.chain, &message.id, Some(&args));
        if !arg_errors.is_empty() {
            formatted.errors.splice(0..0, arg_errors);
        }
        results.push(formatted);
    }
    // Content-Language lists every locale the texts are in, the negotiated one first.
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, tag) in results
        .iter()
        .filter_map(|r| r.locale.as_deref())
        .enumerate()
    {
        used.entry(tag).or_insert(i);
    }
    let mut languages: Vec<&str> = used.keys().copied().collect();
    languages.sort_by_key(|tag| (*tag != negotiated.locale(), used[tag]));
    if languages.is_empty() {
        languages.push(negotiated.locale());
    }
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_LANGUAGE,
            language_header(&languages.join(", ")),
        ))
        .insert_header((header::VARY, "Accept-Language"))
        .json(FormatOut {
            locale: negotiated.locale(),
            chain: &negotiated.chain,
            requested: &negotiated.requested,
            unmatched: &negotiated.unmatched,
            results,
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_is_read_and_removed_from_the_query() {
        assert_eq!(
            query_param("a=1&locale=hy-AM", "locale").as_deref(),
            Some("hy-AM")
        );
        assert_eq!(
            query_param("locale=ru%3Bq%3D0.5%2C+hy", "locale").as_deref(),
            Some("ru;q=0.5, hy")
        );
        assert_eq!(query_param("locales=hy", "locale"), None);
        assert_eq!(
            without_locale("format=tsv&locale=hy").as_deref(),
            Some("format=tsv")
        );
        assert_eq!(without_locale("locale=hy").as_deref(), Some(""));
        assert_eq!(without_locale("format=tsv"), None);
    }

    #[test]
    fn every_error_code_has_a_message_id() {
        for code in ErrorCode::ALL {
            let id = error_message_id(*code);
            assert!(id.starts_with("error-") && !id.contains('_'), "{id}");
        }
        assert_eq!(error_message_id(ErrorCode::EmptyText), "error-empty-text");
        assert_eq!(
            error_message_id(ErrorCode::UnsupportedMediaType),
            "error-unsupported-media-type"
        );
    }
}
