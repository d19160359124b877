//! `/v1/l10n`: Fluent resources, formatting and the locale list over HTTP (the request's
//! locale itself is `http::locale`'s).

use super::access::Read;
use super::json::Json;
use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::error::{ApiError, ErrorCode};
use super::locale::{language_header, RequestLocale};
use super::AppState;
use crate::l10n::{args_from_json, Catalog, Formatted};

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
            .default_service(web::to(super::not_found)),
    )
    .service(
        web::resource("/l10n/format")
            .route(web::post().to(format))
            .default_service(web::to(super::not_found)),
    )
    .service(
        web::resource("/l10n/{locale}/{file:.+}")
            .route(web::get().to(file))
            .default_service(web::to(super::not_found)),
    );
}

fn catalog(req: &HttpRequest) -> Result<Arc<Catalog>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .map(|state| state.l10n.clone())
        .ok_or_else(|| ApiError::internal("the localisation catalog is not configured"))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ResourceOut<'a> {
    name: &'a str,
    messages: usize,
    etag: &'a str,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct LocaleOut<'a> {
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
#[utoipa::path(get, path = "/v1/l10n/locales", tag = "localisation",
    responses((status = 200, description = "The locales served, their completeness and resources", body = super::openapi::shapes::Locales)))]
pub(crate) async fn locales(
    _: Read,
    req: HttpRequest,
    locale: RequestLocale,
) -> Result<HttpResponse, ApiError> {
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
#[utoipa::path(get, path = "/v1/l10n/{locale}/{file}", tag = "localisation",
    params(("locale" = String, Path, description = "A locale served, e.g. hy"),
           ("file" = String, Path, description = "A resource, e.g. errors.ftl")),
    responses((status = 200, description = "The Fluent resource (`errors.ftl` …), or every message of the locale as JSON (`messages.json`)",
        content((String = "text/plain"), (Object = "application/json"))),
              (status = 304, description = "Unchanged since the ETag sent")))]
pub(crate) async fn file(
    _: Read,
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
    let not_modified = super::if_none_match(&req, etag);
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"locale": "hy", "messages": [{"id": "error-empty-text"}]}))]
pub(crate) struct FormatIn {
    /// A tag or a weighted list like an Accept-Language value; overrides the request's.
    #[serde(default)]
    locale: Option<String>,
    #[serde(deserialize_with = "super::dto::bounded::messages")]
    messages: Vec<MessageIn>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MessageIn {
    id: String,
    #[serde(default)]
    args: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FormatOut<'a> {
    /// The locale negotiated: the first of the chain.
    locale: &'a str,
    chain: &'a [String],
    requested: &'a [String],
    /// Requested locales that nothing served matches (e.g. `az-Cyrl`).
    unmatched: &'a [String],
    results: Vec<Formatted>,
}

/// `POST /v1/l10n/format`: formats messages with arguments in the negotiated locale.
#[utoipa::path(post, path = "/v1/l10n/format", tag = "localisation",
    request_body = FormatIn,
    responses((status = 200, description = "The messages formatted in the negotiated locale", body = FormatOut)))]
pub(crate) async fn format(
    _: Read,
    req: HttpRequest,
    locale: RequestLocale,
    body: Json<FormatIn>,
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
                )
                .with("tag", asked.to_string()));
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
