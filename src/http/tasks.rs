//! `/v1/tasks` (following, listing and canceling long writes) and `/v1/optimize`; what makes
//! a request a task (`Prefer: respond-async` or `?wait=false`), and its `202` answer.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::access::{Admin, Write};
use super::error::{blocking, format_error, ApiError, ErrorCode};
use super::AppState;
use crate::auth::{Caller, Role};
use crate::editorial::EditorialError;
use crate::memory::MemoryError;
use crate::tasks::{Failure, Filter, Kind, Status, Task, TaskError, TaskId, Work};

/// Whether the client asked not to wait: `Prefer: respond-async` (RFC 7240) or `wait=false`.
/// An explicit `wait=true` wins over the header.
pub fn wants_task(req: &HttpRequest, wait: Option<bool>) -> bool {
    wait == Some(false)
        || wait.is_none()
            && req
                .headers()
                .get_all("prefer")
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .any(|preference| {
                    let token = preference.split([';', '=']).next().unwrap_or("");
                    token.trim().eq_ignore_ascii_case("respond-async")
                })
}

/// Whose a task is: the id of the key that made it; `None` when the server takes no keys.
pub fn owner(caller: &Caller) -> Option<String> {
    match caller {
        Caller::Open | Caller::Anonymous => None,
        other => Some(other.key_id().to_string()),
    }
}

/// `202 Accepted` for a queued task, with where to follow it.
pub fn accepted(task: &Task) -> HttpResponse {
    HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/v1/tasks/{}", task.id)))
        .insert_header(("Preference-Applied", "respond-async"))
        .json(json!({ "task": task }))
}

/// Queues `work` for `caller`, and answers `202` (off the async workers: the task is made
/// durable on disk first).
pub async fn enqueue(
    state: &AppState,
    caller: &Caller,
    work: Work,
    input: Option<tempfile::TempPath>,
) -> Result<HttpResponse, ApiError> {
    let (tasks, owner) = (state.tasks.clone(), owner(caller));
    let task = blocking(move || tasks.enqueue(work, input, owner)).await??;
    tracing::info!(task = task.id, kind = task.kind.as_str(), "task enqueued");
    Ok(accepted(&task))
}

/// What a client reads of a task's failure: the error table's code and message, as the
/// same request would have been answered had it waited.
pub fn describe(error: EditorialError, task: &Task) -> Failure {
    let error = match error {
        EditorialError::Memory(error) => describe_memory(error, task),
        other => other.into(),
    };
    failure(error)
}

/// An error as a task's (or a batch line's) failure: its code and message.
pub fn failure(error: ApiError) -> Failure {
    Failure {
        code: error.code.as_str().to_string(),
        message: error.message,
        line: error.line,
    }
}

fn describe_memory(error: MemoryError, task: &Task) -> ApiError {
    match error {
        MemoryError::Format(e) => {
            let code = match task.details.format.as_deref() {
                Some("tmx") => ErrorCode::MalformedTmx,
                Some("tsv") => ErrorCode::MalformedTsv,
                Some("xliff") => ErrorCode::MalformedXliff,
                _ => ErrorCode::MalformedFile,
            };
            format_error(e, code)
        }
        // A task is read later, by someone who did not see the log: the reason is kept.
        MemoryError::NotCommitted(reason) => ApiError::new(ErrorCode::NotCommitted, reason),
        other => other.into(),
    }
}

impl From<TaskError> for ApiError {
    fn from(error: TaskError) -> ApiError {
        let message = error.to_string();
        match error {
            TaskError::Full(_) => ApiError::new(ErrorCode::Busy, message),
            TaskError::NotFound(id) => {
                ApiError::new(ErrorCode::TaskNotFound, message).with("id", id.to_string())
            }
            TaskError::NotCancelable { id, .. } => {
                ApiError::new(ErrorCode::TaskNotCancelable, message).with("id", id.to_string())
            }
            TaskError::Stopping => ApiError::new(ErrorCode::Unavailable, message),
            TaskError::Io(e) => MemoryError::Io(e).into(),
        }
    }
}

fn task_id(raw: &str) -> Result<TaskId, ApiError> {
    raw.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::TaskNotFound,
            format!("no task has the id '{raw}' (task ids are numbers)"),
        )
        .with("id", raw)
    })
}

/// A key sees its own tasks; the admin role sees everyone's.
fn may_see(caller: &Caller, task: &Task) -> Result<(), ApiError> {
    if caller.role() >= Role::Admin || task.owner == owner(caller) {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::Forbidden,
        format!(
            "task {} was made by another key; the tasks of others need the role 'admin'",
            task.id
        ),
    )
    .with("role", "admin"))
}

fn found(state: &AppState, caller: &Caller, raw: &str) -> Result<Task, ApiError> {
    let id = task_id(raw)?;
    let task = state.tasks.get(id).ok_or(TaskError::NotFound(id))?;
    may_see(caller, &task)?;
    Ok(task)
}

/// `GET /v1/tasks/{id}`: its status, progress, and its report or error once it ended.
#[utoipa::path(get, path = "/v1/tasks/{id}", tag = "tasks",
    params(("id" = u64, Path, description = "The task's id")),
    responses((status = 200, description = "The task: status, progress, result or error", body = crate::tasks::Task)))]
pub async fn get(
    Write(caller): Write,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let task = found(&state, &caller, &id)?;
    Ok(HttpResponse::Ok().json(task))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Comma-separated statuses.
    #[serde(default)]
    status: Option<String>,
    /// Comma-separated kinds.
    #[serde(default)]
    kind: Option<String>,
    /// The id to start from (a page's `next`).
    #[serde(default)]
    from: Option<TaskId>,
    #[serde(default)]
    limit: Option<usize>,
}

/// The most tasks one page lists.
const MAX_PAGE: usize = 1000;

fn parse_list<T>(
    list: Option<&str>,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
    names: &[&str],
) -> Result<Vec<T>, ApiError> {
    list.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| {
            parse(name).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidParameter,
                    format!("{what} '{name}' is not one of {}", names.join(", ")),
                )
            })
        })
        .collect()
}

/// `GET /v1/tasks?status=&kind=&from=&limit=`: newest first; a key's own tasks, or
/// everyone's for the admin role.
#[utoipa::path(get, path = "/v1/tasks", tag = "tasks",
    params(ListParams),
    responses((status = 200, description = "Newest first; a key's own, or everyone's for admin", body = super::openapi::shapes::TaskList)))]
pub async fn list(
    Write(caller): Write,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let statuses = parse_list(
        params.status.as_deref(),
        "status",
        Status::parse,
        &Status::ALL.map(Status::as_str),
    )?;
    let kinds = parse_list(
        params.kind.as_deref(),
        "kind",
        Kind::parse,
        &Kind::ALL.map(Kind::as_str),
    )?;
    let limit = params.limit.unwrap_or(20);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::new(
            ErrorCode::InvalidLimit,
            format!("limit must be between 1 and {MAX_PAGE}, not {limit}"),
        ));
    }
    let filter = Filter {
        statuses,
        kinds,
        owner: (caller.role() < Role::Admin).then(|| owner(&caller)),
    };
    let page = state.tasks.list(&filter, params.from, limit);
    Ok(HttpResponse::Ok().json(json!({
        "results": page.results,
        "total": page.total,
        "limit": limit,
        "from": params.from,
        "next": page.next,
    })))
}

/// `DELETE /v1/tasks/{id}`: a waiting task is canceled at once (`200`); a running import is
/// told to stop (`202`: it ends `canceled` within a moment, nothing of it committed).
#[utoipa::path(delete, path = "/v1/tasks/{id}", tag = "tasks",
    params(("id" = u64, Path, description = "The task's id")),
    responses((status = 200, description = "Canceled", body = super::openapi::shapes::TaskAccepted),
              (status = 202, description = "A running import told to stop", body = super::openapi::shapes::TaskAccepted)))]
pub async fn cancel(
    Write(caller): Write,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let task = found(&state, &caller, &id)?;
    let tasks = state.tasks.clone();
    let task = blocking(move || tasks.cancel(task.id)).await??;
    if task.status == Status::Canceled {
        return Ok(HttpResponse::Ok().json(json!({ "task": task })));
    }
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/v1/tasks/{}", task.id)))
        .json(json!({ "task": task })))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OptimizeParams {
    #[serde(default)]
    wait: Option<bool>,
}

/// `POST /v1/optimize`: merges the index into one segment; as a task when asked.
#[utoipa::path(post, path = "/v1/optimize", tag = "tasks",
    params(OptimizeParams,
        ("Prefer" = Option<String>, Header, description = "`respond-async`: answer 202 with a task at once")),
    responses((status = 200, description = "Merged", body = super::openapi::shapes::Optimized),
              (status = 202, description = "Queued as a task", body = super::openapi::shapes::TaskAccepted)))]
pub async fn optimize(
    Admin(caller): Admin,
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<OptimizeParams>,
) -> Result<HttpResponse, ApiError> {
    if wants_task(&req, params.wait) {
        return enqueue(&state, &caller, Work::Optimize, None).await;
    }
    let memory = state.memory.clone();
    let segments = blocking(move || memory.optimize().wait()).await??;
    Ok(HttpResponse::Ok().json(json!({ "segments_before": segments })))
}
