//! The one table from every failure to an HTTP status and a stable error code.
//!
//! Every error body is `{"error":{"code":"snake_case","message":"what to fix"}}` (plus
//! `"line"` when a file's line is at fault).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::formats::FormatError;
use crate::index::IndexError;
use crate::lang::LangError;
use crate::memory::MemoryError;

/// An error as the API reports it.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub line: Option<u64>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            line: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is larger than the limit of {limit} bytes; split the file or raise --max-body-bytes"),
        )
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status).json(Body {
            error: Inner {
                code: self.code,
                message: &self.message,
                line: self.line,
            },
        })
    }
}

impl From<LangError> for ApiError {
    fn from(error: LangError) -> ApiError {
        match error {
            LangError::Invalid(_) => ApiError::bad_request("invalid_language", error.to_string()),
            LangError::Unknown(_) => ApiError::unprocessable("unknown_language", error.to_string()),
        }
    }
}

impl From<IndexError> for ApiError {
    fn from(error: IndexError) -> ApiError {
        match error {
            IndexError::ReadOnly | IndexError::WriterGone | IndexError::Locked(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                format!("{error}; try again later"),
            ),
            IndexError::Tantivy(_) | IndexError::Io(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_error",
                format!("{error}; nothing was changed, try again"),
            ),
        }
    }
}

/// Maps a format error; `format` names the file type in the code (`malformed_tmx`).
pub fn format_error(error: FormatError, malformed_code: &'static str) -> ApiError {
    match error {
        FormatError::Malformed { line, message } => ApiError {
            line: Some(line),
            ..ApiError::bad_request(
                malformed_code,
                format!(
                    "line {line}: {message}; nothing was imported, fix the file and send it again"
                ),
            )
        },
        FormatError::TooLarge { limit } => ApiError::too_large(limit as usize),
        FormatError::Io(e) => ApiError::bad_request(
            "unreadable_body",
            format!("the body could not be read: {e}"),
        ),
    }
}

impl From<MemoryError> for ApiError {
    fn from(error: MemoryError) -> ApiError {
        match error {
            MemoryError::Index(e) => e.into(),
            MemoryError::Format(e) => format_error(e, "malformed_file"),
            MemoryError::NotFound(id) => {
                ApiError::not_found("unit_not_found", format!("no unit has the id '{id}'"))
            }
            MemoryError::NotCommitted(message) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_committed",
                format!("the write was not committed ({message}); nothing was changed, try again"),
            ),
            MemoryError::Io(e) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_error",
                format!("reading or writing failed: {e}; try again"),
            ),
            MemoryError::Corrupt(e) => {
                ApiError::internal(format!("a stored unit could not be read: {e}"))
            }
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the server is shutting down; try again",
        )
    }
}

/// JSON bodies that cannot be read: too large, wrong type, or not the expected shape.
pub fn json_error(error: actix_web::error::JsonPayloadError, limit: usize) -> ApiError {
    use actix_web::error::JsonPayloadError as E;
    match error {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => ApiError::too_large(limit),
        E::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json",
        ),
        E::Deserialize(e) if e.is_data() => ApiError::bad_request(
            "invalid_request",
            format!("the JSON does not have the expected shape: {e}"),
        ),
        E::Deserialize(e) => {
            ApiError::bad_request("invalid_json", format!("the body is not valid JSON: {e}"))
        }
        other => ApiError::bad_request(
            "unreadable_body",
            format!("the body could not be read: {other}"),
        ),
    }
}

/// Query strings that do not parse.
pub fn query_error(error: actix_web::error::QueryPayloadError) -> ApiError {
    ApiError::bad_request(
        "invalid_parameter",
        format!("a query parameter is invalid: {error}"),
    )
}
