//! Who may call what: the middleware that finds the caller of each request from its key,
//! the role extractors every handler names (its permission, in its signature), and
//! `/v1/keys`.

use std::future::{ready, Ready};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage as _, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::error::{ApiError, ErrorCode};
use super::json::Json;
use super::AppState;
use crate::auth::{AuthError, Caller, NewKey, Role};
use crate::model::time::Timestamp;

/// Each key's token bucket, by key id.
pub type Limiter = std::sync::Arc<governor::DefaultKeyedRateLimiter<String>>;

/// A bucket per key refilled at `per_second`, holding `burst`; `None` when `per_second` is 0.
pub fn limiter(per_second: u32, burst: u32) -> Option<Limiter> {
    let rate = std::num::NonZeroU32::new(per_second)?;
    let burst = std::num::NonZeroU32::new(burst.max(1)).unwrap_or(rate);
    let quota = governor::Quota::per_second(rate).allow_burst(burst);
    Some(std::sync::Arc::new(governor::RateLimiter::keyed(quota)))
}

/// Takes one request from the caller's bucket; a 429 with the seconds until the next one
/// is allowed when it is empty. Requests without a key, and a server without keys, are not
/// limited (they have no key to count by).
fn take_token(limiter: Option<&Limiter>, caller: &Caller) -> Result<(), ApiError> {
    let (Some(limiter), Caller::Master | Caller::Key { .. }) = (limiter, caller) else {
        return Ok(());
    };
    match limiter.check_key(&caller.key_id().to_string()) {
        Ok(()) => Ok(()),
        Err(not_until) => {
            use governor::clock::Clock as _;
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u32;
            tracing::info!(key = caller.key_id(), seconds, "rate limited");
            Err(ApiError {
                retry_after: Some(seconds),
                ..ApiError::new(
                    ErrorCode::RateLimited,
                    format!("this key sent more requests than its limit allows; try again in {seconds} s"),
                )
            })
        }
    }
}

/// Where a CAT tool that cannot send headers puts its key: `/tmserver/key/{KEY}/…`.
const TMSERVER_KEY: &str = "/tmserver/key/";

/// Whether `path` is under one of the `public` prefixes (whole segments: `/editions`
/// covers `/editions/x`, not `/editionsx`).
pub fn is_public(public: &[String], path: &str) -> bool {
    public.iter().any(|prefix| {
        let prefix = prefix.trim_end_matches('/');
        prefix.is_empty()
            || path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// The token of an `Authorization: Bearer <token>` header; the scheme's name is
/// case-insensitive (RFC 9110 §11.1), so `bearer` and `BEARER` are the same.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// `/tmserver/key/{KEY}/rest` → (`KEY`, `/tmserver/rest`).
pub fn tmserver_key(path: &str) -> Option<(&str, String)> {
    let rest = path.strip_prefix(TMSERVER_KEY)?;
    let (key, tail) = rest.split_once('/').unwrap_or((rest, ""));
    Some((key, format!("/tmserver/{tail}")))
}

/// The path as logs and messages may show it: percent-decoded, and the segment after any
/// `key` segment (in any case, however it was encoded) hidden, so a key sent in a path that
/// missed the tmserver route is not written anywhere either.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    if !decoded.to_ascii_lowercase().contains("key") {
        return path.into();
    }
    let mut out = Vec::new();
    let mut hide = false;
    for segment in decoded.split('/') {
        out.push(if hide { "…" } else { segment });
        hide = segment.eq_ignore_ascii_case("key");
    }
    out.join("/").into()
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(ErrorCode::Unauthorized, message.to_string())
}

/// Finds the request's caller from its key (the `Authorization` header, or the path of a
/// `/tmserver/key/{KEY}/…` request, which is then routed as `/tmserver/…`). A key that is
/// not taken is refused here, whatever the path; a request without one reaches only the
/// public paths. Which role a handler needs is its own extractor's business.
pub async fn authenticate(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Err(ApiError::internal("the server's state is missing").into());
    };
    let mut token = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
        .map(str::to_string);
    let mut from_path = false;
    if let Some((key, rest)) = tmserver_key(req.path()) {
        let key = percent_encoding::percent_decode_str(key)
            .decode_utf8_lossy()
            .into_owned();
        let query = req.query_string();
        let target = if query.is_empty() {
            rest
        } else {
            format!("{rest}?{query}")
        };
        let Ok(uri) = target.parse::<actix_web::http::Uri>() else {
            return Err(unauthorized("the key in the path is not a key").into());
        };
        req.head_mut().uri = uri.clone();
        req.match_info_mut().get_mut().update(&uri);
        if token.is_none() {
            token = Some(key);
            from_path = true;
        }
    }
    let caller = match token {
        Some(token) => match state.keys.authenticate(&token) {
            // A path is written into proxies' logs and browsers' histories: only a read
            // key, which can do no harm there, is taken from one.
            Ok(caller) if from_path && caller != Caller::Open && caller.role() > Role::Read => {
                return Err(unauthorized(
                    "only a read key may be sent in the path; make one with POST /v1/keys",
                )
                .into())
            }
            Ok(caller) => Some(caller),
            Err(refusal) => {
                return Err(unauthorized(&format!(
                    "{refusal}; send a valid key as 'Authorization: Bearer <key>'"
                ))
                .into())
            }
        },
        None if !state.keys.enabled() => Some(Caller::Open),
        None => None,
    };
    match caller {
        Some(caller) => {
            take_token(state.limiter.as_ref(), &caller)?;
            req.extensions_mut().insert(caller);
        }
        None if is_public(&state.public, req.path()) => {
            req.extensions_mut().insert(Caller::Anonymous);
        }
        None => {
            return Err(
                unauthorized("this needs a key; send it as 'Authorization: Bearer <key>'").into(),
            )
        }
    }
    next.call(req).await
}

/// The caller, if it has `needed`: 401 when no key was given, 403 when the key's role is
/// below the one needed.
pub fn require(req: &HttpRequest, needed: Role) -> Result<Caller, ApiError> {
    let extensions = req.extensions();
    match extensions.get::<Caller>() {
        Some(caller) if caller.role() >= needed => Ok(caller.clone()),
        // No key given: it is a key that is missing, not a role.
        Some(Caller::Anonymous) | None => Err(unauthorized(&format!(
            "this needs a key with the role '{}'; send it as 'Authorization: Bearer <key>'",
            needed.as_str()
        ))),
        Some(caller) => Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "this key has the role '{}'; this needs '{}'",
                caller.role().as_str(),
                needed.as_str()
            ),
        )
        .with("role", needed.as_str())),
    }
}

/// Refuses a key bound to outlets: such a key writes articles of its outlets, and units only
/// through them (a unit or an import names no outlet it could be held to).
pub fn not_bound_to_outlets(caller: &Caller) -> Result<(), ApiError> {
    if caller.bound_to_outlets() {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "this key writes only the articles of its outlets; units and imports need a write key without outlets",
        )
        .with("role", "write"));
    }
    Ok(())
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $role:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Caller);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = Ready<Result<$name, ApiError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                ready(require(req, $role).map($name))
            }
        }
    };
}

role_extractor!(
    /// A handler taking `Read` answers keys with any role (and, on public paths, requests
    /// without one).
    Read,
    Role::Read
);
role_extractor!(
    /// A handler taking `Write` answers `write` and `admin` keys.
    Write,
    Role::Write
);
role_extractor!(
    /// A handler taking `Admin` answers `admin` keys and the master key.
    Admin,
    Role::Admin
);

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "hy desk", "role": "write", "outlets": ["hy.news"]}))]
pub struct KeyIn {
    name: String,
    role: String,
    #[serde(default)]
    expires: Option<String>,
    #[serde(default)]
    outlets: Vec<String>,
}

fn key_error(error: AuthError) -> ApiError {
    match error {
        AuthError::Disabled => ApiError::new(ErrorCode::KeysDisabled, error.to_string()),
        AuthError::Invalid(message) => ApiError::new(ErrorCode::InvalidRequest, message),
        AuthError::Unreadable(..) | AuthError::Io(_) => {
            tracing::error!(%error, "the keys could not be saved");
            ApiError::new(
                ErrorCode::StorageError,
                "the keys could not be saved; nothing was changed",
            )
        }
    }
}

/// `POST /v1/keys`: makes a key, answered once.
#[utoipa::path(post, path = "/v1/keys", tag = "keys",
    request_body = KeyIn,
    responses((status = 201, description = "The key made; `key` is shown this once", body = super::openapi::shapes::KeyMade)))]
pub async fn create(
    _: Admin,
    state: web::Data<AppState>,
    body: Json<KeyIn>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let role = Role::parse(&body.role).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidRequest,
            format!(
                "'role' is read, write or admin, not '{}'",
                body.role.chars().take(20).collect::<String>()
            ),
        )
    })?;
    let expires = body
        .expires
        .as_deref()
        .map(|value| {
            Timestamp::parse(value).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidDate,
                    "'expires' is an RFC 3339 time, e.g. 2027-01-01T00:00:00Z",
                )
                .with("field", "expires")
            })
        })
        .transpose()?;
    let new = NewKey {
        name: body.name,
        role,
        expires,
        outlets: body.outlets,
    };
    let keys = state.keys.clone();
    let (info, key) = web::block(move || keys.create(new))
        .await
        .map_err(|_| ApiError::internal("the key could not be made"))?
        .map_err(key_error)?;
    let mut body = serde_json::to_value(&info).map_err(|e| ApiError::internal(e.to_string()))?;
    body["key"] = key.into();
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/v1/keys/{}", info.id),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(body))
}

/// `GET /v1/keys`: every key's name, role, prefix and last use; never a key.
#[utoipa::path(get, path = "/v1/keys", tag = "keys",
    responses((status = 200, description = "Every key, without the keys themselves", body = super::openapi::shapes::KeyList)))]
pub async fn list(_: Admin, state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "enabled": state.keys.enabled(),
        "keys": state.keys.list(),
    }))
}

/// `DELETE /v1/keys/{id}`: revokes a key; its next request is refused.
#[utoipa::path(delete, path = "/v1/keys/{id}", tag = "keys",
    params(("id" = String, Path, description = "The key's id")),
    responses((status = 204, description = "Revoked: refused from the next request")))]
pub async fn revoke(
    _: Admin,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let keys = state.keys.clone();
    let wanted = id.clone();
    let revoked = web::block(move || keys.revoke(&wanted))
        .await
        .map_err(|_| ApiError::internal("the key could not be revoked"))?
        .map_err(key_error)?;
    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(
            ApiError::new(ErrorCode::KeyNotFound, format!("no key has the id '{id}'"))
                .with("id", id),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_prefixes_cover_whole_segments() {
        let public = crate::config::default_public();
        assert!(is_public(&public, "/editions"));
        assert!(is_public(&public, "/editions/a/hy"));
        assert!(is_public(&public, "/v1/l10n/locales"));
        assert!(!is_public(&public, "/editionsx"));
        assert!(!is_public(&public, "/v1/units"));
        assert!(!is_public(&[], "/health"));
    }

    #[test]
    fn a_key_in_a_tmserver_path_is_taken_out_and_hidden() {
        assert_eq!(
            tmserver_key("/tmserver/key/tg_abc/en/ru/unit/Hello"),
            Some(("tg_abc", "/tmserver/en/ru/unit/Hello".to_string()))
        );
        assert_eq!(tmserver_key("/tmserver/en/ru/unit/x"), None);
        for path in [
            "/tmserver/key/tg_abc/en/ru/unit/Hello",
            "//tmserver/key/tg_abc/en/ru/unit/Hello",
            "/TMSERVER/KEY/tg_abc/en/ru/unit/Hello",
            "/tmserver/%6Bey/tg_abc/en/ru/unit/Hello",
        ] {
            let shown = loggable_path(path);
            assert!(!shown.contains("tg_abc"), "{path}: {shown}");
            assert!(shown.ends_with("/…/en/ru/unit/Hello"), "{shown}");
        }
        assert_eq!(loggable_path("/v1/units/u-1"), "/v1/units/u-1");
    }

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        assert_eq!(bearer_token("Bearer k"), Some("k"));
        assert_eq!(bearer_token("bearer  k "), Some("k"));
        assert_eq!(bearer_token("Basic k"), None);
        assert_eq!(bearer_token("Bearer "), None);
    }
}
