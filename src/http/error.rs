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
    ($($variant:ident => ($code:literal, $status:ident),)*) => {
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

            /// The one HTTP status every answer with this code has.
            pub fn status(self) -> StatusCode {
                match self {
                    $(ErrorCode::$variant => StatusCode::$status),*
                }
            }
        }
    };
}

// The one table: code, status; the message in each language is `error-<code>` (with `-` for
// `_`) in `locales/*/errors.ftl`. A call site names the code and says, in English, what
// exactly was wrong (the `detail` of a localised body).
error_codes! {
    ArticleNotFound => ("article_not_found", NOT_FOUND),
    ArticleTooLong => ("article_too_long", UNPROCESSABLE_ENTITY),
    EditConflict => ("edit_conflict", CONFLICT),
    InvalidAlignment => ("invalid_alignment", UNPROCESSABLE_ENTITY),
    InvalidArticle => ("invalid_article", UNPROCESSABLE_ENTITY),
    InvalidArticleId => ("invalid_article_id", UNPROCESSABLE_ENTITY),
    NoArticleText => ("no_article_text", UNPROCESSABLE_ENTITY),
    SourceVersion => ("source_version", CONFLICT),
    VersionNotFound => ("version_not_found", NOT_FOUND),
    BodyTimeout => ("body_timeout", REQUEST_TIMEOUT),
    Busy => ("busy", SERVICE_UNAVAILABLE),
    DuplicateLanguage => ("duplicate_language", UNPROCESSABLE_ENTITY),
    EmptyText => ("empty_text", UNPROCESSABLE_ENTITY),
    FeedNotFound => ("feed_not_found", NOT_FOUND),
    Forbidden => ("forbidden", FORBIDDEN),
    HeadersTooLarge => ("headers_too_large", REQUEST_HEADER_FIELDS_TOO_LARGE),
    HeaderTimeout => ("header_timeout", REQUEST_TIMEOUT),
    IdMismatch => ("id_mismatch", CONFLICT),
    Internal => ("internal", INTERNAL_SERVER_ERROR),
    InvalidDate => ("invalid_date", UNPROCESSABLE_ENTITY),
    InvalidId => ("invalid_id", UNPROCESSABLE_ENTITY),
    InvalidJson => ("invalid_json", BAD_REQUEST),
    InvalidLanguage => ("invalid_language", BAD_REQUEST),
    InvalidLimit => ("invalid_limit", UNPROCESSABLE_ENTITY),
    InvalidMinScore => ("invalid_min_score", UNPROCESSABLE_ENTITY),
    InvalidParameter => ("invalid_parameter", BAD_REQUEST),
    InvalidPath => ("invalid_path", BAD_REQUEST),
    InvalidRequest => ("invalid_request", BAD_REQUEST),
    InvalidText => ("invalid_text", UNPROCESSABLE_ENTITY),
    KeyNotFound => ("key_not_found", NOT_FOUND),
    KeysDisabled => ("keys_disabled", CONFLICT),
    LocaleNotFound => ("locale_not_found", NOT_FOUND),
    MalformedFile => ("malformed_file", BAD_REQUEST),
    MalformedRequest => ("malformed_request", BAD_REQUEST),
    MalformedTmx => ("malformed_tmx", BAD_REQUEST),
    MalformedTsv => ("malformed_tsv", BAD_REQUEST),
    MalformedXliff => ("malformed_xliff", BAD_REQUEST),
    MethodNotAllowed => ("method_not_allowed", METHOD_NOT_ALLOWED),
    NoUnits => ("no_units", UNPROCESSABLE_ENTITY),
    NoVariants => ("no_variants", UNPROCESSABLE_ENTITY),
    NotCommitted => ("not_committed", SERVICE_UNAVAILABLE),
    NotReady => ("not_ready", SERVICE_UNAVAILABLE),
    PayloadTooLarge => ("payload_too_large", PAYLOAD_TOO_LARGE),
    RateLimited => ("rate_limited", TOO_MANY_REQUESTS),
    RouteNotFound => ("route_not_found", NOT_FOUND),
    StorageError => ("storage_error", SERVICE_UNAVAILABLE),
    TaskNotCancelable => ("task_not_cancelable", CONFLICT),
    TaskNotFound => ("task_not_found", NOT_FOUND),
    TextTooLong => ("text_too_long", UNPROCESSABLE_ENTITY),
    TooManyMessages => ("too_many_messages", UNPROCESSABLE_ENTITY),
    TooManySegments => ("too_many_segments", UNPROCESSABLE_ENTITY),
    TooManyUnits => ("too_many_units", UNPROCESSABLE_ENTITY),
    Unauthorized => ("unauthorized", UNAUTHORIZED),
    Unavailable => ("unavailable", SERVICE_UNAVAILABLE),
    UnitNotFound => ("unit_not_found", NOT_FOUND),
    UnknownLanguage => ("unknown_language", UNPROCESSABLE_ENTITY),
    UnreadableBody => ("unreadable_body", BAD_REQUEST),
    UnsupportedMediaType => ("unsupported_media_type", UNSUPPORTED_MEDIA_TYPE),
}

impl ErrorCode {
    /// Seconds a client should wait before trying again (`Retry-After`), for the codes
    /// that invite a retry.
    pub fn retry_after(self) -> Option<u32> {
        match self {
            ErrorCode::Busy => Some(5),
            _ => None,
        }
    }

    /// The Fluent message of the code: `empty_text` → `error-empty-text`.
    pub fn message_id(self) -> String {
        format!("error-{}", self.as_str().replace('_', "-"))
    }
}

/// An error as the API reports it.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub line: Option<u64>,
    /// The limit that was exceeded, for the localised message (`payload_too_large`).
    pub limit: Option<usize>,
    /// The methods the path answers (`Allow`, on `method_not_allowed`).
    pub allow: Option<&'static str>,
    /// The specifics the localised messages name (`tag`, `id`, `field` …): what the client
    /// sent, language-neutral.
    pub args: Vec<(&'static str, String)>,
    /// Seconds to wait before trying again, when it depends on the request (a rate limit);
    /// otherwise the code's own.
    pub retry_after: Option<u32>,
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
    /// An error with `code` (and so its status) and what exactly was wrong, in English.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            line: None,
            limit: None,
            allow: None,
            args: Vec::new(),
            retry_after: None,
        }
    }

    /// The error with `value` for the localised messages' `$name`.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> ApiError {
        self.args.push((name, value.into()));
        self
    }

    /// The headers an answer with this error carries besides its body: `Retry-After` for
    /// the codes that invite a retry, `WWW-Authenticate` on 401 (RFC 9110 wants it),
    /// `Allow` on 405.
    pub fn headers(&self) -> Vec<(actix_web::http::header::HeaderName, String)> {
        use actix_web::http::header;
        let mut headers = Vec::new();
        if let Some(seconds) = self.retry_after.or(self.code.retry_after()) {
            headers.push((header::RETRY_AFTER, seconds.to_string()));
        }
        if self.code == ErrorCode::Unauthorized {
            headers.push((
                header::WWW_AUTHENTICATE,
                "Bearer realm=\"tetraglot\"".to_string(),
            ));
        }
        if let Some(allow) = self.allow {
            headers.push((header::ALLOW, allow.to_string()));
        }
        headers
    }

    /// The status the table gives the code.
    pub fn status(&self) -> StatusCode {
        self.code.status()
    }

    /// A body over `limit` bytes; `flag` is the setting that raises it.
    pub fn too_large(limit: usize, flag: &str) -> ApiError {
        ApiError {
            limit: Some(limit),
            ..ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("the request body is larger than the limit of {limit} bytes; send less at once, or raise {flag}"),
            )
        }
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Internal, message)
    }
}

/// What the log shows of an error (the request logger records it): the message quotes
/// what the client sent, so line breaks and control characters are escaped, or a client
/// could write a forged line into the log.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message.escape_debug())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status());
        for header in self.headers() {
            response.insert_header(header);
        }
        response.json(Body {
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
            LangError::Invalid(ref tag) => {
                ApiError::new(ErrorCode::InvalidLanguage, error.to_string()).with("tag", tag)
            }
            LangError::Unknown(ref tag) => {
                ApiError::new(ErrorCode::UnknownLanguage, error.to_string()).with("tag", tag)
            }
        }
    }
}

impl From<IndexError> for ApiError {
    fn from(error: IndexError) -> ApiError {
        match error {
            IndexError::ReadOnly
            | IndexError::WriterGone
            | IndexError::Locked(_)
            | IndexError::NoMemory(_) => {
                ApiError::new(ErrorCode::Unavailable, format!("{error}; try again later"))
            }
            IndexError::Panicked(_) => ApiError::internal(INTERNAL_MESSAGE),
            IndexError::Tantivy(_) | IndexError::Io(_) => {
                // The details (file names in the data directory) go to the log, not to the
                // client.
                tracing::error!(error = ?error.to_string(), "storage failed");
                ApiError::new(ErrorCode::StorageError, STORAGE_MESSAGE)
            }
        }
    }
}

/// Maps a format error; `format` names the file type in the code (`malformed_tmx`).
pub fn format_error(error: FormatError, malformed_code: ErrorCode) -> ApiError {
    match error {
        FormatError::Malformed { line, message } => ApiError {
            line: Some(line),
            ..ApiError::new(
                malformed_code,
                format!(
                    "line {line}: {message}; nothing was imported, fix the file and send it again"
                ),
            )
        },
        FormatError::TooLarge { limit } => ApiError::too_large(limit as usize, "--max-body-bytes"),
        FormatError::Io(e) => ApiError::new(
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
            MemoryError::NotFound(id) => ApiError::new(
                ErrorCode::UnitNotFound,
                format!("no unit has the id '{id}'"),
            )
            .with("id", id),
            MemoryError::NotCommitted(message) => {
                tracing::warn!(reason = ?message, "a write was not committed");
                ApiError::new(
                    ErrorCode::NotCommitted,
                    "the write was not committed; nothing was changed, try again",
                )
            }
            MemoryError::Io(e) => {
                tracing::error!(error = ?e.to_string(), "reading or writing failed");
                ApiError::new(ErrorCode::StorageError, STORAGE_MESSAGE)
            }
            MemoryError::InvalidQuery(message) => ApiError::new(ErrorCode::InvalidRequest, message),
            MemoryError::Canceled => ApiError::new(
                ErrorCode::NotCommitted,
                "the write was canceled; nothing of it was committed",
            ),
            MemoryError::Conflict(_) => ApiError::new(
                ErrorCode::EditConflict,
                "others are changing the same article at this moment; send the change again",
            ),
            MemoryError::Internal(_) | MemoryError::DataFormat(_) => {
                ApiError::internal(INTERNAL_MESSAGE)
            }
            MemoryError::Corrupt(e) => {
                ApiError::internal(format!("a stored unit could not be read: {e}"))
            }
        }
    }
}

impl From<crate::editorial::EditorialError> for ApiError {
    fn from(error: crate::editorial::EditorialError) -> ApiError {
        use crate::editorial::{ArticleProblem as P, EditorialError as E};
        let message = error.to_string();
        let limit = match &error {
            E::Problem(P::Text {
                problem: crate::model::unit::TextProblem::TooLong { max, .. },
                ..
            }) => Some(*max),
            _ => None,
        };
        let args: Vec<(&'static str, String)> = match &error {
            E::NotFound(id) => vec![("id", id.clone())],
            E::VersionNotFound(id, lang) => vec![("id", id.clone()), ("lang", lang.clone())],
            E::Problem(P::InvalidLanguage(tag) | P::UnknownLanguage(tag)) => {
                vec![("tag", tag.clone())]
            }
            _ => Vec::new(),
        };
        let code = match error {
            E::Memory(e) => return e.into(),
            E::NotFound(_) => ErrorCode::ArticleNotFound,
            E::VersionNotFound(..) => ErrorCode::VersionNotFound,
            E::SourceVersion(..) => ErrorCode::SourceVersion,
            E::InvalidAlignment(_) => ErrorCode::InvalidAlignment,
            E::Unreadable(_) => ErrorCode::InvalidJson,
            E::OutOfScope(_) => {
                return ApiError::new(ErrorCode::Forbidden, message).with("role", "write")
            }
            E::Problem(problem) => match problem {
                P::InvalidId(_) => ErrorCode::InvalidArticleId,
                P::InvalidLanguage(_) => ErrorCode::InvalidLanguage,
                P::UnknownLanguage(_) => ErrorCode::UnknownLanguage,
                P::DuplicateLanguage(_) => ErrorCode::DuplicateLanguage,
                P::InvalidDate { .. } => ErrorCode::InvalidDate,
                P::TooLong { .. } => ErrorCode::ArticleTooLong,
                P::NoText(_) => ErrorCode::NoArticleText,
                P::Text { problem, .. } => match problem {
                    crate::model::unit::TextProblem::Forbidden(_) => ErrorCode::InvalidText,
                    crate::model::unit::TextProblem::TooLong { .. } => ErrorCode::TextTooLong,
                },
                P::SourceMissing(_)
                | P::NoVersions
                | P::NoTitle(_)
                | P::BodyChoice(_)
                | P::Metadata(_) => ErrorCode::InvalidArticle,
            },
        };
        ApiError {
            args,
            limit,
            ..ApiError::new(code, message)
        }
    }
}

/// What a request is told when the disk failed it (the details are logged).
pub const STORAGE_MESSAGE: &str =
    "reading or writing the memory failed; nothing was changed, try again";

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

/// [`blocking`] for reads that only compute (lookups, listings, segmentation): at most four
/// per core run at once and the others wait their turn here, first come first served.
/// Unbounded, 200 lookups were 200 runnable threads on two cores, and the writer thread, one
/// among them, got so little of the CPU that a 50k-unit import took 65 s under load instead
/// of 14 s (BENCHMARKS.md: about 10 % fewer lookups a second, half the p99).
pub async fn reading<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    static READERS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let readers = READERS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(4 * cores)
    });
    // The semaphore is never closed.
    let _turn = readers.acquire().await.ok();
    blocking(f).await
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> ApiError {
        ApiError::new(
            ErrorCode::Unavailable,
            "the server is shutting down; try again",
        )
    }
}

/// Query strings that do not parse.
pub fn query_error(error: actix_web::error::QueryPayloadError) -> ApiError {
    use actix_web::error::QueryPayloadError as E;
    let detail = match &error {
        E::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    let parameter = detail
        .strip_prefix("missing field ")
        .or_else(|| detail.strip_prefix("unknown field "))
        .and_then(|rest| rest.split('`').nth(1))
        .map(str::to_string);
    let message = if let Some(name) = detail.strip_prefix("missing field ") {
        format!("the query parameter {name} is missing")
    } else if let Some(rest) = detail.strip_prefix("unknown field ") {
        let (name, choices) = rest.split_once(", expected ").unwrap_or((rest, ""));
        format!(
            "the query parameter {name} is not one this endpoint takes{}",
            if choices.is_empty() {
                String::new()
            } else {
                format!(" ({})", choices.trim_start_matches("one of "))
            }
        )
    } else {
        format!(
            "a query parameter is invalid: {}",
            super::json::plain(&detail)
        )
    };
    let error = ApiError::new(ErrorCode::InvalidParameter, message);
    match parameter {
        Some(name) => error.with("parameter", name),
        None => error,
    }
}
