//! `GET /v1/feeds/{src}-{tgt}.tmx`: a bilingual TMX for a CAT tool's project (OmegaT's
//! `tm/auto/`), cheap to fetch again thanks to a strong `ETag` and `304 Not Modified`.
//!
//! What a feed holds and how it is written is the engine's ([`crate::engine::feeds`]).
//!
//! The ETag is a hash of the memory's commit (its [`Snapshot::token`]) and of the request's
//! parameters, so answering `If-None-Match` costs no export at all. The body is streamed
//! from that very snapshot, so the ETag names exactly the bytes sent, even while writes go
//! on.

use super::access::Read;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::error::{reading, ApiError, ErrorCode};
use super::transfer::stream_body;
use super::AppState;
use crate::engine::feeds::Feed;
use crate::memory::{ExportFilter, Memory};
use crate::model::lang::Lang;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedParams {
    #[serde(default)]
    document: Option<String>,
    #[serde(default)]
    outlet: Option<String>,
    /// RFC 3339; only units created or changed at or after it.
    #[serde(default)]
    since: Option<String>,
}

/// Every way of splitting `en-hy`, `en-US-hy-AM`, `hy_AM-en` or `az-Latn-ru` at a `-` into
/// two language tags, leftmost first. Tags may contain `-` themselves, hence several.
fn pair_candidates(pair: &str) -> Vec<(Lang, Lang)> {
    pair.match_indices('-')
        .filter_map(|(at, _)| {
            let source = Lang::parse(&pair[..at]).ok()?;
            let target = Lang::parse(&pair[at + 1..]).ok()?;
            Some((source, target))
        })
        .collect()
}

#[cfg(test)]
fn parse_pair(pair: &str, stored: &[String]) -> Result<(Lang, Lang), ApiError> {
    choose_pair(pair, pair_candidates(pair), stored)
}

/// Picks one of the [`pair_candidates`]: the first whose two languages the memory holds
/// (`stored`: its language keys), else the first. `_` inside a tag (`az_RU-en`) leaves no
/// doubt.
fn choose_pair(
    pair: &str,
    mut candidates: Vec<(Lang, Lang)>,
    stored: &[String],
) -> Result<(Lang, Lang), ApiError> {
    if candidates.is_empty() {
        return Err(ApiError::new(
            ErrorCode::FeedNotFound,
            format!(
                "'{pair}' is not a language pair; name the feed SOURCE-TARGET.tmx, e.g. /v1/feeds/en-hy.tmx or /v1/feeds/en-US-hy-AM.tmx"
            ),
        ));
    }
    let is_stored = |lang: &Lang| stored.iter().any(|key| key == lang.key());
    let best = candidates
        .iter()
        .position(|(s, t)| is_stored(s) && is_stored(t))
        .unwrap_or(0);
    let (source, target) = candidates.swap_remove(best);
    if source.key() == target.key() {
        return Err(ApiError::new(
            ErrorCode::InvalidParameter,
            format!(
                "'{pair}' names the same language twice; a feed needs two languages, e.g. en-hy"
            ),
        ));
    }
    Ok((source, target))
}

/// `2026-05-01T14:00:00+04:00` → `2026-05-01T10:00:00Z`, the form stored dates have.
fn canonical_since(value: &str) -> Result<crate::model::time::Timestamp, ApiError> {
    super::dto::canonical_time("since", value)
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for this header).
fn none_match(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

fn languages(memory: &Memory) -> Result<Vec<String>, ApiError> {
    Ok(memory
        .languages()
        .map_err(ApiError::from)?
        .into_iter()
        .map(|(key, _)| key)
        .collect())
}

#[utoipa::path(get, path = "/v1/feeds/{file}", tag = "import and export",
    params(("file" = String, Path, description = "SOURCE-TARGET.tmx, e.g. en-hy.tmx"), FeedParams),
    responses((status = 200, description = "A TMX feed for OmegaT", content_type = "application/x-tmx+xml", body = String),
              (status = 304, description = "Unchanged since the ETag sent")))]
pub async fn tmx(
    _: Read,
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
    params: web::Query<FeedParams>,
) -> Result<HttpResponse, ApiError> {
    let file = file.into_inner();
    let Some(pair) = file.strip_suffix(".tmx") else {
        return Err(ApiError::new(
            ErrorCode::RouteNotFound,
            format!("feeds are TMX files: ask for /v1/feeds/SOURCE-TARGET.tmx, e.g. /v1/feeds/en-hy.tmx, not /v1/feeds/{file}"),
        ));
    };
    let params = params.into_inner();
    let memory = state.memory.clone();
    let candidates = pair_candidates(pair);
    // Only an ambiguous pair needs to know which languages are stored.
    let stored = if candidates.len() > 1 {
        let memory = memory.clone();
        reading(move || languages(&memory)).await??
    } else {
        Vec::new()
    };
    let (source, target) = choose_pair(pair, candidates, &stored)?;
    let since = params.since.as_deref().map(canonical_since).transpose()?;
    let feed = Feed {
        filter: ExportFilter {
            langs: vec![source.clone(), target.clone()],
            document: params.document.filter(|s| !s.trim().is_empty()),
            outlet: params.outlet.filter(|s| !s.trim().is_empty()),
            since,
            partial: false,
        },
        source,
        target,
    };
    let snapshot = memory.snapshot();
    let etag = feed.etag(&snapshot);
    let etag_value = HeaderValue::from_str(&etag).map_err(|e| ApiError::internal(e.to_string()))?;
    let cache = HeaderValue::from_static("no-cache");
    if none_match(&req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag_value))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    }
    let filename = format!("{}-{}.tmx", feed.source.tag(), feed.target.tag());
    let mut response = stream_body(
        "application/x-tmx+xml; charset=utf-8",
        Some(&filename),
        move |out| feed.write(&snapshot, out),
    );
    response.headers_mut().insert(header::ETAG, etag_value);
    response.headers_mut().insert(header::CACHE_CONTROL, cache);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn split(pair: &str, stored: &[&str]) -> (String, String) {
        let (s, t) = parse_pair(pair, &keys(stored)).unwrap();
        (s.tag().to_string(), t.tag().to_string())
    }

    #[test]
    fn pairs_split_where_both_halves_are_languages() {
        let all = ["en", "hy", "az", "ru"];
        assert_eq!(split("en-hy", &all), ("en".into(), "hy".into()));
        assert_eq!(split("en-US-hy-AM", &all), ("en-US".into(), "hy-AM".into()));
        assert_eq!(split("EN-US-HY-AM", &all), ("en-US".into(), "hy-AM".into()));
        assert_eq!(split("hy-AM-en", &all), ("hy-AM".into(), "en".into()));
        // "am" is Amharic, "HY" could be a region: the stored languages decide.
        assert_eq!(split("hy-am-en", &all), ("hy-AM".into(), "en".into()));
        assert_eq!(split("en-hy-am", &all), ("en".into(), "hy-AM".into()));
        assert_eq!(split("az-Latn-ru", &all), ("az-Latn".into(), "ru".into()));
        assert_eq!(split("hy_AM-en_GB", &all), ("hy-AM".into(), "en-GB".into()));
        assert_eq!(split("en-hy", &[]), ("en".into(), "hy".into()));
    }

    #[test]
    fn bad_pairs_are_refused() {
        let all = keys(&["en", "hy"]);
        for bad in [
            "en",
            "enhy",
            "-",
            "en-",
            "-hy",
            "xx-yy",
            "en-en",
            "en-US-en-GB",
        ] {
            assert!(parse_pair(bad, &all).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn since_is_canonical_utc() {
        assert_eq!(
            canonical_since("2026-05-01T14:00:00+04:00")
                .unwrap()
                .as_str(),
            "2026-05-01T10:00:00Z"
        );
        assert!(canonical_since("yesterday").is_err());
    }
}
