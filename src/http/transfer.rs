//! `/v1/import` and `/v1/export`: whole files in and out.

use super::access::{self, Read};
use std::io::Write;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

use super::error::{blocking, format_error, ApiError, ErrorCode};
use super::AppState;
use crate::engine::{self, ExportFormat};
use crate::formats::FileKind;
use crate::memory::{ExportFilter, MemoryError, Merge};
use crate::model::lang::Lang;

fn media_type(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next()?.trim().to_ascii_lowercase())
}

/// Writes the body to a temporary file, so a slow upload never holds the writer and the size
/// limit is enforced before any parsing.
async fn spool(
    mut payload: impl futures_util::Stream<Item = Result<Bytes, actix_web::error::PayloadError>> + Unpin,
    state: &AppState,
) -> Result<tempfile::TempPath, ApiError> {
    let spool_error = |e: std::io::Error| {
        tracing::error!(error = ?e.to_string(), "spooling an upload failed");
        ApiError::new(
            ErrorCode::StorageError,
            "the upload could not be stored on the server; nothing was changed, try again",
        )
    };
    std::fs::create_dir_all(&state.spool_dir).map_err(spool_error)?;
    let temp = tempfile::NamedTempFile::new_in(&state.spool_dir).map_err(spool_error)?;
    let (file, path) = temp.into_parts();
    let mut file = tokio::fs::File::from_std(file);
    let mut total = 0usize;
    let started = tokio::time::Instant::now();
    loop {
        // A client that stops sending keeps a socket and a spool file: it gets a deadline
        // for each piece of the body. One that trickles (a byte a second never goes silent)
        // is held to an average rate once its first `body_timeout` is over: each
        // `min_body_rate` bytes received buy one more second.
        let earned = std::time::Duration::from_secs_f64(total as f64 / state.min_body_rate as f64);
        let deadline = started + state.body_timeout + earned;
        let silence = tokio::time::Instant::now() + state.body_timeout;
        let next = tokio::time::timeout_at(silence.min(deadline), payload.next())
            .await
            .map_err(|_| {
                let message = if tokio::time::Instant::now() >= deadline {
                    format!(
                        "the body arrived slower than {} bytes a second ({total} bytes in {} s); send the file again over a faster connection",
                        state.min_body_rate,
                        started.elapsed().as_secs()
                    )
                } else {
                    format!(
                        "no part of the body arrived for {} s; send the file again",
                        state.body_timeout.as_secs()
                    )
                };
                ApiError::new(ErrorCode::BodyTimeout, message)
            })?;
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                ErrorCode::UnreadableBody,
                format!("the body could not be read: {e}"),
            )
        })?;
        total += chunk.len();
        if total > state.max_body_bytes {
            return Err(ApiError::too_large(
                state.max_body_bytes,
                "--max-body-bytes",
            ));
        }
        file.write_all(&chunk).await.map_err(spool_error)?;
    }
    file.flush().await.map_err(spool_error)?;
    Ok(path)
}

/// Receives an upload's body into a spool file: its declared size checked first, at most
/// `--max-uploads` at once, decompressed as it arrives, within the size limit and the
/// body timeouts. What `/v1/import` and `/v1/article-batches` read. The permit counts the
/// upload among those at once until it is dropped: after the write a waiting request makes,
/// or once its task is queued.
pub(super) async fn receive(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
) -> Result<(tempfile::TempPath, tokio::sync::OwnedSemaphorePermit), ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > state.max_body_bytes) {
        return Err(ApiError::too_large(
            state.max_body_bytes,
            "--max-body-bytes",
        ));
    }
    // A bounded number of uploads at once: each holds a socket, a spool file and, once
    // parsed, the writer; the others are told to come back.
    let Ok(upload) = state.uploads.clone().try_acquire_owned() else {
        return Err(ApiError::new(
            ErrorCode::Busy,
            format!(
                "{} uploads are being received already; try again in a few seconds",
                state.max_uploads
            ),
        ));
    };
    // A compressed upload (`Content-Encoding: gzip`, `br`, `zstd`, `deflate`) is decoded as it
    // arrives, as JSON bodies are; the size limit counts the decoded bytes.
    let decoded = Box::pin(actix_web::dev::Decompress::from_headers(
        payload,
        req.headers(),
    ));
    let path = spool(decoded, state).await?;
    Ok((path, upload))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    /// `none`, `id` or `source` (the default): see [`Merge`].
    #[serde(default)]
    merge: Option<String>,
    /// `tmx`, `tsv` or `xliff`: the file's format when its Content-Type does not say.
    #[serde(default)]
    format: Option<String>,
    /// `false`: answer `202` with a task at once (as `Prefer: respond-async`).
    #[serde(default)]
    wait: Option<bool>,
}

#[utoipa::path(post, path = "/v1/import", tag = "import and export",
    params(ImportParams,
        ("Prefer" = Option<String>, Header, description = "`respond-async`: answer 202 with a task at once")),
    request_body(description = "The file: TMX, TSV or XLIFF",
        content((String = "application/x-tmx+xml"), (String = "text/tab-separated-values"),
                (String = "application/xliff+xml"), (String = "application/octet-stream"))),
    responses((status = 200, description = "Committed", body = crate::memory::ImportReport),
              (status = 202, description = "Queued as a task", body = super::openapi::shapes::TaskAccepted)))]
pub async fn import(
    access::Write(caller): access::Write,
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<ImportParams>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    access::not_bound_to_outlets(&caller)?;
    let merge: Merge = match params.merge.as_deref() {
        None => Merge::default(),
        Some(value) => value
            .parse()
            .map_err(|e: String| ApiError::new(ErrorCode::InvalidParameter, e))?,
    };
    let media = media_type(&req);
    let named = match params.format.as_deref() {
        None => None,
        Some(format) => Some(FileKind::from_name(format).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidParameter,
                format!("format '{format}' is not one of tmx, tsv, xliff"),
            )
        })?),
    };
    let kind = named
        .or_else(|| media.as_deref().and_then(FileKind::from_media_type))
        .ok_or_else(|| {
            ApiError::new(ErrorCode::UnsupportedMediaType,
                format!(
                    "Content-Type {} is not importable; send TMX as application/x-tmx+xml (or application/xml, text/xml), TSV as text/tab-separated-values, or XLIFF as application/xliff+xml",
                    media.as_deref().unwrap_or("(none)")
                ),
            )
        })?;
    let (path, _upload) = receive(&req, payload, &state).await?;
    if super::tasks::wants_task(&req, params.wait) {
        let work = crate::tasks::Work::Import {
            format: kind,
            merge,
        };
        return super::tasks::enqueue(&state, &caller, work, Some(path)).await;
    }
    let malformed = match kind {
        FileKind::Tmx => ErrorCode::MalformedTmx,
        FileKind::Tsv => ErrorCode::MalformedTsv,
        FileKind::Xliff => ErrorCode::MalformedXliff,
    };
    let memory = state.memory.clone();
    let spooled = path.to_path_buf();
    // The answer waits for the import's commit, not for the merge a large import queues.
    let imported = blocking(move || engine::import_file_with(&memory, &spooled, kind, None, merge))
        .await?
        .map_err(|e| match e {
            MemoryError::Format(e) => format_error(e, malformed),
            other => other.into(),
        })?;
    drop(path);
    Ok(HttpResponse::Ok().json(imported.report))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    langs: Option<String>,
    #[serde(default)]
    document: Option<String>,
    #[serde(default)]
    outlet: Option<String>,
    /// Also units that lack one of the export's languages (a backup; not for CAT tools).
    #[serde(default)]
    partial: bool,
}

/// Parses `en,hy` into languages.
pub fn parse_langs(list: Option<&str>) -> Result<Vec<Lang>, ApiError> {
    list.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Lang::parse(s).map_err(ApiError::from))
        .collect()
}

/// A `Write` that hands 64 KiB chunks to a response stream.
pub struct ChunkSender {
    buf: Vec<u8>,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl Write for ChunkSender {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 64 * 1024 {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
    }
}

/// Streams what `produce` writes as the response body.
pub fn stream_body(
    content_type: &str,
    filename: Option<&str>,
    produce: impl FnOnce(&mut ChunkSender) -> Result<(), MemoryError> + Send + 'static,
) -> HttpResponse {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        let mut sink = ChunkSender {
            buf: Vec::with_capacity(64 * 1024),
            tx: tx.clone(),
        };
        // A panic half-way cuts the body short (the client sees a broken transfer, not a
        // complete-looking file); the server goes on.
        let result = crate::fault::catch("export", || {
            produce(&mut sink).and_then(|()| sink.flush().map_err(MemoryError::from))
        })
        .unwrap_or_else(|message| Err(MemoryError::Internal(message)));
        if let Err(error) = result {
            tracing::warn!(%error, "export stopped");
            let _ = tx.blocking_send(Err(std::io::Error::other(error.to_string())));
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let mut response = HttpResponse::Ok();
    response.content_type(content_type);
    if let Some(name) = filename {
        response.insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ));
    }
    response.streaming(body)
}

#[utoipa::path(get, path = "/v1/export", tag = "import and export",
    params(ExportParams),
    responses((status = 200, description = "The memory as a file",
        content((String = "application/x-tmx+xml"), (String = "text/tab-separated-values")))))]
pub async fn export(
    _: Read,
    state: web::Data<AppState>,
    params: web::Query<ExportParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let filter = ExportFilter {
        langs: parse_langs(params.langs.as_deref())?,
        document: params.document,
        outlet: params.outlet,
        since: None,
        partial: params.partial,
    };
    let memory = state.memory.clone();
    match params.format.as_deref().unwrap_or("tmx") {
        "tmx" => Ok(stream_body(
            "application/x-tmx+xml; charset=utf-8",
            Some("tetraglot.tmx"),
            move |out| engine::export(&memory, out, ExportFormat::Tmx, &filter).map(drop),
        )),
        "tsv" => Ok(stream_body(
            "text/tab-separated-values; charset=utf-8",
            Some("tetraglot.tsv"),
            move |out| engine::export(&memory, out, ExportFormat::Tsv, &filter).map(drop),
        )),
        other => Err(ApiError::new(
            ErrorCode::InvalidParameter,
            format!("format '{other}' is not supported; use tmx or tsv"),
        )),
    }
}
