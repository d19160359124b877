//! The one table from every failure to an HTTP status and a stable error code.
//!
//! Every error body is `{"error":{"code":"snake_case","message":"what to fix"}}` (plus
//! `"line"` when a file's line is at fault).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use serde::Serialize;

use crate::formats::FormatError;
use crate::index::IndexError;
use crate::memory::MemoryError;
use crate::model::lang::LangError;

macro_rules! error_codes {
    ($($variant:ident => $code:literal,)*) => {
        /// Every error code the API can answer with; stable, part of the API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($variant),*
        }

        impl ErrorCode {
            /// All codes, for documentation and for checking that each has a message in
            /// every locale.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as it appears in error bodies.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code),*
                }
            }
        }
    };
}

error_codes! {
    DuplicateLanguage => "duplicate_language",
    EmptyText => "empty_text",
    IdMismatch => "id_mismatch",
    Internal => "internal",
    InvalidDate => "invalid_date",
    InvalidId => "invalid_id",
    InvalidJson => "invalid_json",
    InvalidLanguage => "invalid_language",
    InvalidLimit => "invalid_limit",
    InvalidMinScore => "invalid_min_score",
    InvalidParameter => "invalid_parameter",
    InvalidPath => "invalid_path",
    InvalidRequest => "invalid_request",
    MalformedFile => "malformed_file",
    MalformedTmx => "malformed_tmx",
    MalformedTsv => "malformed_tsv",
    MethodNotAllowed => "method_not_allowed",
    NoUnits => "no_units",
    NoVariants => "no_variants",
    NotCommitted => "not_committed",
    PayloadTooLarge => "payload_too_large",
    RouteNotFound => "route_not_found",
    StorageError => "storage_error",
    TextTooLong => "text_too_long",
    TooManySegments => "too_many_segments",
    TooManyUnits => "too_many_units",
    Unauthorized => "unauthorized",
    Unavailable => "unavailable",
    UnitNotFound => "unit_not_found",
    UnknownLanguage => "unknown_language",
    UnreadableBody => "unreadable_body",
    UnsupportedMediaType => "unsupported_media_type",
}

/// An error as the API reports it.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
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
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            line: None,
        }
    }

    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unprocessable(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn not_found(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!("the request body is larger than the limit of {limit} bytes; split the file or raise --max-body-bytes"),
        )
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            message,
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status).json(Body {
            error: Inner {
                code: self.code.as_str(),
                message: &self.message,
                line: self.line,
            },
        })
    }
}

impl From<LangError> for ApiError {
    fn from(error: LangError) -> ApiError {
        match error {
            LangError::Invalid(_) => {
                ApiError::bad_request(ErrorCode::InvalidLanguage, error.to_string())
            }
            LangError::Unknown(_) => {
                ApiError::unprocessable(ErrorCode::UnknownLanguage, error.to_string())
            }
        }
    }
}

impl From<IndexError> for ApiError {
    fn from(error: IndexError) -> ApiError {
        match error {
            IndexError::ReadOnly | IndexError::WriterGone | IndexError::Locked(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                format!("{error}; try again later"),
            ),
            IndexError::Panicked(_) => ApiError::internal(INTERNAL_MESSAGE),
            IndexError::Tantivy(_) | IndexError::Io(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::StorageError,
                format!("{error}; nothing was changed, try again"),
            ),
        }
    }
}

/// Maps a format error; `format` names the file type in the code (`malformed_tmx`).
pub fn format_error(error: FormatError, malformed_code: ErrorCode) -> ApiError {
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
            ErrorCode::UnreadableBody,
            format!("the body could not be read: {e}"),
        ),
    }
}

impl From<MemoryError> for ApiError {
    fn from(error: MemoryError) -> ApiError {
        match error {
            MemoryError::Index(e) => e.into(),
            MemoryError::Format(e) => format_error(e, ErrorCode::MalformedFile),
            MemoryError::NotFound(id) => ApiError::not_found(
                ErrorCode::UnitNotFound,
                format!("no unit has the id '{id}'"),
            ),
            MemoryError::NotCommitted(message) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::NotCommitted,
                format!("the write was not committed ({message}); nothing was changed, try again"),
            ),
            MemoryError::Io(e) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::StorageError,
                format!("reading or writing failed: {e}; try again"),
            ),
            MemoryError::Internal(_) => ApiError::internal(INTERNAL_MESSAGE),
            MemoryError::Corrupt(e) => {
                ApiError::internal(format!("a stored unit could not be read: {e}"))
            }
        }
    }
}

/// What a request that met a bug is told: not to retry blindly, and that the details are in
/// the log (never in the body, which must not show the server's internals).
const INTERNAL_MESSAGE: &str =
    "an internal error stopped this request; nothing was changed and the details were logged";

/// Runs blocking work (index reads, parsing, scoring) off the async workers, in the
/// request's tracing span. A panic in it answers 500 `internal` and leaves the server up.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let span = tracing::Span::current();
    web::block(move || span.in_scope(|| crate::fault::catch("blocking task", f)))
        .await?
        .map_err(|_| ApiError::internal(INTERNAL_MESSAGE))
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
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
            ErrorCode::UnsupportedMediaType,
            "send the body as JSON with Content-Type: application/json",
        ),
        E::Deserialize(e) if e.is_data() => ApiError::bad_request(
            ErrorCode::InvalidRequest,
            format!("the JSON does not have the expected shape: {e}"),
        ),
        E::Deserialize(e) => ApiError::bad_request(
            ErrorCode::InvalidJson,
            format!("the body is not valid JSON: {e}"),
        ),
        other => ApiError::bad_request(
            ErrorCode::UnreadableBody,
            format!("the body could not be read: {other}"),
        ),
    }
}

/// Query strings that do not parse.
pub fn query_error(error: actix_web::error::QueryPayloadError) -> ApiError {
    ApiError::bad_request(
        ErrorCode::InvalidParameter,
        format!("a query parameter is invalid: {error}"),
    )
}
