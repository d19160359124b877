//! The JSON body extractor: actix-web's limits and decoding, and errors in the user's words
//! that name the field at fault (`targets: must be a list of language tags, like
//! ["hy","az"]`), not serde's (`invalid type: string "hy", expected a sequence`).

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use super::error::{ApiError, ErrorCode};
use super::AppState;

/// A JSON request body deserialised into `T`.
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Whether the request says its body is JSON (`application/json`, or any `+json` type
/// such as `application/merge-patch+json`).
fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Json<T>, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map_or(crate::config::DEFAULT_MAX_JSON_BYTES, |s| s.max_json_bytes);
        let json = is_json(req);
        // The body as `web::Bytes` reads it: decoded (gzip, br, zstd), within the limit
        // registered for it (`PayloadConfig`, set to the JSON limit in `configure`).
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !json {
                return Err(ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    "send the body as JSON with Content-Type: application/json",
                ));
            }
            let bytes = body.await.map_err(|e| {
                let too_large = e
                    .as_error::<actix_web::error::PayloadError>()
                    .is_some_and(|p| matches!(p, actix_web::error::PayloadError::Overflow));
                if too_large || e.as_response_error().status_code() == 413 {
                    ApiError::too_large(limit, "--max-json-bytes")
                } else {
                    ApiError::new(
                        ErrorCode::UnreadableBody,
                        format!("the body could not be read: {e}"),
                    )
                }
            })?;
            parse(&bytes).map(Json)
        })
    }
}

/// `bytes` as a `T`, or the error in the user's words.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            let error = ApiError::new(ErrorCode::InvalidRequest, shape_message(&path, &inner));
            if path == "." || path.is_empty() {
                error
            } else {
                error.with("field", path)
            }
        } else {
            ApiError::new(
                ErrorCode::InvalidJson,
                format!(
                    "the body is not valid JSON at line {}, column {}: {}",
                    inner.line(),
                    inner.column(),
                    plain(&strip_position(&inner.to_string()))
                ),
            )
        }
    })?;
    deserializer.end().map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidJson,
            format!(
                "the body is not valid JSON: something follows the value at line {}, column {}",
                e.line(),
                e.column()
            ),
        )
    })?;
    Ok(value)
}

/// What a field of the API is, for the fields clients get wrong most.
fn expected(field: &str) -> Option<&'static str> {
    Some(match field {
        "targets" | "langs" => r#"a list of language tags, like ["hy","az"]"#,
        "source" | "lang" | "from" | "to" => r#"a language tag, like "en""#,
        "text" | "title" | "lead" | "body" | "html" => "a text, as a JSON string",
        "texts" | "segments" => r#"a list of texts, like ["First sentence.","Second."]"#,
        "min_score" => "a whole number from 0 to 100",
        "limit" => "a whole number from 1 up",
        "variants" => r#"an object of texts by language tag, like {"en":"…","hy":"…"}"#,
        "units" => r#"a list of units, like [{"variants":{"en":"…"}}]"#,
        "notes" | "authors" | "tags" => r#"a list of strings, like ["…"]"#,
        _ => return None,
    })
}

/// `path: what is wrong`, for a body that is JSON but not of the expected shape.
fn shape_message(path: &str, error: &serde_json::Error) -> String {
    let field = path.rsplit('.').next().unwrap_or(path);
    let field = field.split('[').next().unwrap_or(field);
    let detail = strip_position(&error.to_string());
    let at = if path == "." || path.is_empty() {
        "the body".to_string()
    } else {
        format!("`{path}`")
    };
    if let Some(missing) = detail.strip_prefix("missing field ") {
        let name = missing.trim_matches('`');
        let hint = expected(name)
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        return format!("{at} lacks the field `{name}`{hint}");
    }
    if let Some(unknown) = detail.strip_prefix("unknown field ") {
        let (name, choices) = unknown.split_once(", expected ").unwrap_or((unknown, ""));
        let choices = choices.trim_start_matches("one of ");
        // The path ends in the unknown field itself: it belongs to its parent.
        let parent = path
            .rsplit_once('.')
            .map(|(parent, _)| format!("`{parent}`"))
            .unwrap_or_else(|| "the body".to_string());
        return format!(
            "{parent} has no field {name}; the fields are {}",
            if choices.is_empty() {
                "listed in the README"
            } else {
                choices
            }
        );
    }
    match expected(field) {
        Some(what)
            if detail.starts_with("invalid type") || detail.starts_with("invalid length") =>
        {
            format!("{at} must be {what}; {}", plain(&detail))
        }
        _ => format!("{at}: {}", plain(&detail)),
    }
}

/// serde's messages end with ` at line L column C`: said once, elsewhere.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// serde's type words in the user's: `a sequence` is a list, `u32` a whole number.
pub fn plain(message: &str) -> String {
    let mut out = message.to_string();
    for (rust, user) in [
        ("a sequence", "a list"),
        ("a map", "an object"),
        ("a boolean", "true or false"),
        ("usize", "a whole number"),
        ("u64", "a whole number"),
        ("u32", "a whole number"),
        ("u16", "a whole number"),
        ("u8", "a whole number"),
        ("i64", "a whole number"),
        ("i32", "a whole number"),
        ("f64", "a number"),
        ("f32", "a number"),
        ("unit value", "nothing"),
        ("EOF while parsing", "the body ends inside"),
        ("invalid type: ", "got "),
        ("invalid value: ", "got "),
        ("integer `", "the number `"),
        ("floating point `", "the number `"),
    ] {
        out = out.replace(rust, user);
    }
    if let Some(rest) = out.strip_prefix("struct ") {
        out = format!("an object ({rest})");
    }
    out.replace(", expected ", " where the API expects ")
        .replace("expected struct ", "expected an object ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Query {
        text: String,
        source: String,
        #[serde(default)]
        targets: Vec<String>,
        #[serde(default)]
        limit: Option<u32>,
    }

    fn message(body: &str) -> (ErrorCode, String) {
        let e = parse::<Query>(body.as_bytes()).unwrap_err();
        (e.code, e.message)
    }

    #[test]
    fn errors_name_the_field_in_the_users_words() {
        let (code, m) = message(r#"{"text":"x","source":"en","targets":"hy"}"#);
        assert_eq!(code, ErrorCode::InvalidRequest);
        assert!(
            m.starts_with(r#"`targets` must be a list of language tags, like ["hy","az"]"#),
            "{m}"
        );
        assert!(!m.contains("sequence"), "{m}");
        let (_, m) = message(r#"{"text":"x","source":"en","limit":-3}"#);
        assert!(
            m.contains("`limit`") && m.contains("whole number") && !m.contains("u32"),
            "{m}"
        );
        let (_, m) = message(r#"{"text":"x"}"#);
        assert_eq!(
            m,
            r#"the body lacks the field `source` (a language tag, like "en")"#
        );
        let (_, m) = message(r#"{"text":"x","source":"en","target":["hy"]}"#);
        assert!(
            m.starts_with("the body has no field `target`; the fields are `text`"),
            "{m}"
        );
        let (code, m) = message(r#"{"text":"x","#);
        assert_eq!(code, ErrorCode::InvalidJson);
        assert_eq!(
            m,
            "the body is not valid JSON at line 1, column 12: the body ends inside a value"
        );
        let (code, _) = message(r#"{"text":"x","source":"en"} trailing"#);
        assert_eq!(code, ErrorCode::InvalidJson);
    }
}
