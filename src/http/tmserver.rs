//! `/tmserver`: the lookup API of translate-toolkit's tmserver and of amaGama, which Weblate's
//! "tmserver" machinery backend, Virtaal and Pootle speak. Point them at
//! `http://HOST:PORT/tmserver`.
//!
//! - `GET /tmserver/{src}/{tgt}/unit/{text}` → `[{"source","target","quality","rank"}]`, best
//!   first; `quality` is the similarity (0–100, 100.0 for the identical sentence), `rank`
//!   counts from 1. Query parameters `min_similarity` (default 70) and `max_candidates`
//!   (default 5, at most 30).
//! - `GET /tmserver/languages/` → `{"sourceLanguages":[…],"targetLanguages":[…]}`, the
//!   stored languages as these clients write them (`hy`, `az_cyrl`).
//!
//! These clients percent-encode the text with nothing left safe (Weblate: `quote(text, b"")`),
//! so a `/` in it arrives as `%2F`; others (Virtaal) leave `/` as it is. The text is therefore
//! taken from the raw request path, everything after `/unit/`, and percent-decoded here, so
//! neither form splits it. Language codes come as `pt_br`, `hy_am`, `az_latn` or as BCP 47.
//!
//! Failures that a client can do nothing about answer `200 []`, as a tmserver does: an unknown
//! or unstored language, a pair without units, an empty text. Weblate checks a new service by
//! looking up "test" from en to de.
//!
//! The endpoints are read-only and need no API key: Weblate's and Virtaal's tmserver clients
//! cannot send one. A server whose memory is confidential should not expose `/tmserver`
//! beyond the network its CAT tools run in (bind to an internal address, or let the reverse
//! proxy refuse `/tmserver`).

use super::access::Read;
use actix_web::{web, HttpRequest, HttpResponse};
use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::dto::MAX_TEXT_CHARS;
use super::error::{reading, ApiError, ErrorCode};
use super::AppState;
use crate::memory::{Match, MatchQuery};
use crate::model::lang::Lang;

/// The scope the routes live under; clients append `/{src}/{tgt}/unit/{text}` to it.
pub const PREFIX: &str = "/tmserver";

const DEFAULT_MIN_SIMILARITY: f64 = 70.0;
const DEFAULT_MAX_CANDIDATES: usize = 5;
const MAX_CANDIDATES: usize = 30;

/// Registers `/tmserver/…` (outside `/v1`, without the API key).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope(PREFIX).route("/{tail:.*}", web::get().to(dispatch)));
}

#[derive(Debug, Deserialize)]
pub struct TmParams {
    #[serde(default)]
    min_similarity: Option<f64>,
    #[serde(default)]
    max_candidates: Option<usize>,
}

/// One suggestion, as tmserver and amaGama write it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub source: String,
    pub target: String,
    pub quality: f64,
    pub rank: usize,
}

/// What a request path asks for, from the raw (still percent-encoded) path.
#[derive(Debug, PartialEq)]
enum Ask {
    Languages,
    Unit {
        source: String,
        target: String,
        text: String,
    },
}

fn decode(raw: &str) -> String {
    percent_decode_str(raw).decode_utf8_lossy().into_owned()
}

/// Reads `languages/` or `{src}/{tgt}/unit/{text}` from the path after `/tmserver/`.
fn parse_path(raw: &str) -> Option<Ask> {
    // A base URL configured with a trailing slash gives `/tmserver//en/…`.
    let rest = raw.trim_start_matches('/');
    if rest.trim_end_matches('/') == "languages" {
        return Some(Ask::Languages);
    }
    let mut parts = rest.splitn(4, '/');
    let source = parts.next()?;
    let target = parts.next()?;
    if parts.next()? != "unit" {
        return None;
    }
    let text = parts.next().unwrap_or("");
    Some(Ask::Unit {
        source: decode(source),
        target: decode(target),
        text: decode(text),
    })
}

async fn dispatch(
    _: Read,
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<TmParams>,
) -> Result<HttpResponse, ApiError> {
    // The raw path: actix leaves `%2F` encoded when it routes, but the text is decoded here
    // once, whole, so that `/` and `%2F` both stay inside it.
    let raw = req.uri().path();
    let after = raw
        .strip_prefix(PREFIX)
        .and_then(|r| r.strip_prefix('/'))
        .unwrap_or("");
    match parse_path(after) {
        Some(Ask::Languages) => languages(&state).await,
        Some(Ask::Unit {
            source,
            target,
            text,
        }) => unit(&state, &source, &target, text, params.into_inner()).await,
        None => Err(ApiError::new(
            ErrorCode::RouteNotFound,
            format!(
                "there is no endpoint at {raw}; tmserver lookups are GET {PREFIX}/SOURCE/TARGET/unit/TEXT and GET {PREFIX}/languages/"
            ),
        )),
    }
}

/// `hy` → `hy`, `az-Cyrl` → `az_cyrl`: how tmserver clients write codes.
fn client_code(key: &str) -> String {
    key.replace('-', "_").to_lowercase()
}

async fn languages(state: &AppState) -> Result<HttpResponse, ApiError> {
    let memory = state.memory.clone();
    let stored = reading(move || memory.languages()).await??;
    let codes: Vec<String> = stored.iter().map(|(key, _)| client_code(key)).collect();
    Ok(HttpResponse::Ok().json(json!({
        "sourceLanguages": codes,
        "targetLanguages": codes,
    })))
}

/// The quality of a match: its similarity, 100 only for the identical sentence.
fn quality(m: &Match) -> f64 {
    if m.score >= 100 {
        return 100.0;
    }
    let similarity = f64::from(m.similarity).clamp(0.0, 99.99);
    (similarity * 100.0).round() / 100.0
}

async fn unit(
    state: &AppState,
    source: &str,
    target: &str,
    text: String,
    params: TmParams,
) -> Result<HttpResponse, ApiError> {
    let none = || Ok(HttpResponse::Ok().json(Vec::<Suggestion>::new()));
    let (Ok(source), Ok(target)) = (Lang::parse(source), Lang::parse(target)) else {
        return none();
    };
    let min_similarity = params
        .min_similarity
        .filter(|v| v.is_finite())
        .unwrap_or(DEFAULT_MIN_SIMILARITY)
        .clamp(0.0, 100.0);
    let max_candidates = params
        .max_candidates
        .unwrap_or(DEFAULT_MAX_CANDIDATES)
        .min(MAX_CANDIDATES);
    let text: String = text.chars().take(MAX_TEXT_CHARS).collect();
    if source.key() == target.key() || max_candidates == 0 || text.trim().is_empty() {
        return none();
    }
    let query = MatchQuery {
        text,
        source,
        targets: vec![target],
        // A match's score is at least its similarity, rounded down (and at most 99 unless
        // identical): every match similar enough passes this bar and is filtered below.
        min_score: (min_similarity.floor() as u32).min(99),
        // A few more than asked for, as the score order may differ from the similarity one.
        limit: (max_candidates + 5).min(MatchQuery::MAX_LIMIT),
        context: None,
        exclude_document: None,
        only: Default::default(),
    };
    state.metrics.lookups(1);
    let memory = state.memory.clone();
    let matches = reading(move || memory.find_matches(&query)).await??;
    let mut found: Vec<(f64, Match)> = matches
        .into_iter()
        .map(|m| (quality(&m), m))
        .filter(|(q, m)| (*q >= min_similarity || m.score >= 100) && !m.targets.is_empty())
        .collect();
    // Stable: equal qualities keep the memory's order (score, then retrieval).
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    found.truncate(max_candidates);
    let suggestions: Vec<Suggestion> = found
        .into_iter()
        .enumerate()
        .filter_map(|(i, (quality, m))| {
            Some(Suggestion {
                source: m.source_text,
                target: m.targets.into_values().next()?,
                quality,
                rank: i + 1,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(suggestions))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(s: &str, t: &str, text: &str) -> Option<Ask> {
        Some(Ask::Unit {
            source: s.into(),
            target: t.into(),
            text: text.into(),
        })
    }

    #[test]
    fn paths_keep_slashes_inside_the_text() {
        assert_eq!(parse_path("languages/"), Some(Ask::Languages));
        assert_eq!(parse_path("languages"), Some(Ask::Languages));
        assert_eq!(
            parse_path("en/hy/unit/a%2Fb%20c"),
            unit("en", "hy", "a/b c")
        );
        assert_eq!(parse_path("en/hy/unit/a/b c"), unit("en", "hy", "a/b c"));
        assert_eq!(parse_path("/pt_br/hy_am/unit/"), unit("pt_br", "hy_am", ""));
        assert_eq!(parse_path("en/hy/unit"), unit("en", "hy", ""));
        assert_eq!(
            parse_path("en%2Dus/hy/unit/x%25y"),
            unit("en-us", "hy", "x%y")
        );
        assert_eq!(parse_path("en/hy/units/x"), None);
        assert_eq!(parse_path("en/hy"), None);
        assert_eq!(parse_path(""), None);
    }

    #[test]
    fn codes_are_written_as_clients_do() {
        assert_eq!(client_code("hy"), "hy");
        assert_eq!(client_code("az-Cyrl"), "az_cyrl");
    }
}
