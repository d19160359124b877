//! The request's locale, for every response: negotiated from `?locale=` (a tag or a weighted
//! list), else Accept-Language with its q-weights; the `message` of every API error in that
//! locale (the English text kept as `detail`); and `Content-Language` on every answer.

use std::future::{ready, Ready};
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use fluent_bundle::{FluentArgs, FluentValue};
use serde_json::json;

use super::error::{ApiError, ErrorCode};
use super::l10n::MAX_MESSAGES_PER_REQUEST;
use super::AppState;
use crate::l10n::{Catalog, Negotiated};

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
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The query string without its `locale` parameter, when it has one (the others
/// re-encoded, which the handlers' query parsing reads back the same).
fn without_locale(query: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if !pairs.iter().any(|(key, _)| key == "locale") {
        return None;
    }
    let mut kept = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs.iter().filter(|(key, _)| key != "locale") {
        kept.append_pair(key, value);
    }
    Some(kept.finish())
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
    // A key sent in a path is not echoed back in a message.
    let path = super::access::loggable_path(req.path()).into_owned();
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
    args.set(
        "limit",
        FluentValue::from(error.limit.unwrap_or(context.max_body_bytes)),
    );
    if let Some(line) = error.line {
        args.set("line", FluentValue::from(line));
    }
    // What the messages may name, "none" where this error has none (the messages select on
    // it, so a missing specific never shows as a variable's name).
    for name in ["tag", "id", "lang", "field", "parameter"] {
        args.set(name, FluentValue::from("none"));
    }
    for (name, value) in &error.args {
        args.set(*name, FluentValue::from(value.clone()));
    }
    match error.code {
        ErrorCode::TextTooLong => {
            args.set("max", error.limit.unwrap_or(super::dto::MAX_TEXT_CHARS))
        }
        ErrorCode::InvalidLimit => args.set("max", crate::memory::MatchQuery::MAX_LIMIT),
        ErrorCode::TooManyMessages => args.set("max", MAX_MESSAGES_PER_REQUEST),
        _ => {}
    }
    args
}

/// An error body whose message is in the caller's language, the English one kept as
/// `detail`. Rendered by [`localise`].
#[derive(Debug)]
pub(super) struct LocalisedError {
    status: StatusCode,
    headers: Vec<(header::HeaderName, String)>,
    locale: String,
    body: serde_json::Value,
}

impl LocalisedError {
    /// The error table's code, as the body carries it.
    pub(super) fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// The English message it translates.
    pub(super) fn detail(&self) -> &str {
        self.body["error"]["detail"].as_str().unwrap_or("")
    }
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
        let mut response = HttpResponse::build(self.status);
        for header in &self.headers {
            response.insert_header(header.clone());
        }
        response
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
        headers: error.headers(),
        locale,
        body: json!({ "error": inner }),
    })
}

pub(super) fn language_header(tags: &str) -> HeaderValue {
    HeaderValue::from_str(tags).unwrap_or_else(|_| HeaderValue::from_static("en"))
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
