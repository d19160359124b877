//! `/v1/analysis`: how much of an article (stored, or sent as text) the memory covers, per
//! target language and band; JSON, or CSV for `Accept: text/csv` (see
//! [`crate::editorial::analysis`]). `/v1/pretranslate`: the same inputs as an XLIFF file to
//! translate (see [`crate::editorial::pretranslate`]).

use super::access::{Read, Write};
use super::json::Json;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::dto::bounded;
use super::error::{reading, ApiError, ErrorCode};
use super::AppState;
use crate::editorial::analysis::{self, Text};
use crate::editorial::{self, VersionInput, VersionSentence};
use crate::model::lang::Lang;
use crate::model::unit::MAX_TEXT_CHARS;

/// The most stored articles one analysis takes.
pub const MAX_ARTICLES: usize = 100;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"source": "en", "title": "Trains", "body": "Passenger trains between Yerevan and Baku will resume in March. Tickets go on sale today.", "targets": ["hy", "az", "ru"]}))]
pub struct AnalysisIn {
    /// A stored article (its source version).
    #[serde(default)]
    article: Option<String>,
    /// Several stored articles, reported each and in total.
    #[serde(default, deserialize_with = "bounded::beads")]
    articles: Vec<String>,
    /// Or a text: its language and a version's fields.
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    lead: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    html: Option<String>,
    #[serde(deserialize_with = "bounded::targets")]
    targets: Vec<String>,
    #[serde(default)]
    detail: bool,
}

/// The texts an analysis or a pre-translation works on: stored articles, or one text sent.
pub struct Sources {
    pub source: Lang,
    pub texts: Vec<(Option<String>, Vec<VersionSentence>)>,
}

/// Reads the texts named or sent (off the async workers: it reads records and segments).
pub fn load_sources(
    memory: &crate::memory::Memory,
    ids: Vec<String>,
    sent: Option<(String, VersionInput)>,
) -> Result<Sources, ApiError> {
    if let Some((tag, version)) = sent {
        let version = version
            .validate(&tag)
            .map_err(editorial::EditorialError::from)?;
        let sentences = editorial::sentences::version_sentences(&version, MAX_TEXT_CHARS)
            .map_err(editorial::EditorialError::from)?;
        return Ok(Sources {
            source: version.lang,
            texts: vec![(None, sentences)],
        });
    }
    let mut source: Option<Lang> = None;
    let mut texts = Vec::new();
    for id in ids {
        let view = editorial::get(memory, &id)?;
        let lang = view.article.source.clone();
        if let Some(first) = &source {
            if first.key() != lang.key() {
                return Err(ApiError::new(
                    ErrorCode::InvalidRequest,
                    format!(
                        "the articles are written in different languages ({} and {}); analyse them apart",
                        first.tag(),
                        lang.tag()
                    ),
                ));
            }
        }
        let sentences = view.sentences[lang.key()].clone();
        source = Some(lang);
        texts.push((Some(id), sentences));
    }
    Ok(Sources {
        source: source.expect("at least one article"),
        texts,
    })
}

/// What a request names: stored article ids, or a text sent (its language and version).
pub type Named = (Vec<String>, Option<(String, VersionInput)>);

/// What an analysis or pre-translation request names: stored ids, or a text.
pub fn named(
    article: Option<String>,
    articles: Vec<String>,
    source: Option<String>,
    version: VersionInput,
) -> Result<Named, ApiError> {
    let has_text = version.body.is_some() || version.html.is_some() || !version.title.is_empty();
    let mut ids: Vec<String> = article.into_iter().chain(articles).collect();
    match (ids.is_empty(), source, has_text) {
        (false, None, false) => {
            if ids.len() > MAX_ARTICLES {
                return Err(ApiError::new(
                    ErrorCode::InvalidRequest,
                    format!("name at most {MAX_ARTICLES} articles in one request"),
                ));
            }
            let mut seen = std::collections::HashSet::new();
            ids.retain(|id| seen.insert(id.clone()));
            for id in &ids {
                editorial::article::ArticleId::parse(id.as_str())
                    .map_err(editorial::EditorialError::from)?;
            }
            Ok((ids, None))
        }
        (true, Some(source), true) => Ok((Vec::new(), Some((source, version)))),
        _ => Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "name stored articles (\"article\" or \"articles\"), or send a text (\"source\", \"title\" and \"body\" or \"html\"), not both",
        )),
    }
}

/// Parses and checks target languages: at least one, none the source.
pub fn target_langs(raw: &[String], source: &Lang) -> Result<Vec<Lang>, ApiError> {
    if raw.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "name the target languages: \"targets\": [\"hy\", \"az\", \"ru\"]",
        ));
    }
    let mut out: Vec<Lang> = Vec::new();
    for tag in raw {
        let lang = Lang::parse(tag)?;
        if lang.key() == source.key() {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!(
                    "{} is the source language; name the target languages",
                    lang.tag()
                ),
            ));
        }
        if !out.iter().any(|l| l.key() == lang.key()) {
            out.push(lang);
        }
    }
    Ok(out)
}

fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AnalysisQuery {
    /// `json` (the default), `csv` or `html` (a printable report in the caller's language).
    #[serde(default)]
    format: Option<String>,
}

#[utoipa::path(post, path = "/v1/analysis", tag = "analysis",
    params(AnalysisQuery),
    request_body = AnalysisIn,
    responses((status = 200, description = "How much of the text the memory covers, per target and band",
        content((super::openapi::shapes::Analysis = "application/json"),
                (String = "text/csv"),
                (String = "text/html")))))]
pub async fn analyse(
    _: Read,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<AnalysisQuery>,
    locale: super::locale::RequestLocale,
    body: Json<AnalysisIn>,
) -> Result<HttpResponse, ApiError> {
    let format = match query.format.as_deref() {
        None => None,
        Some(f @ ("json" | "csv" | "html")) => Some(f.to_string()),
        Some(other) => {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                format!("format '{other}' is not one of json, csv, html"),
            ))
        }
    };
    let body = body.into_inner();
    let version = VersionInput {
        title: body.title.unwrap_or_default(),
        lead: body.lead,
        body: body.body,
        html: body.html,
        status: None,
    };
    let (ids, sent) = named(body.article, body.articles, body.source, version)?;
    let (targets, detail) = (body.targets, body.detail);
    let memory = state.memory.clone();
    let csv = format.as_deref() == Some("csv") || (format.is_none() && wants_csv(&req));
    let html = format.as_deref() == Some("html");
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (reports, total) = reading(move || -> Result<_, ApiError> {
        let sources = load_sources(&memory, ids, sent)?;
        let targets = target_langs(&targets, &sources.source)?;
        let texts: Vec<Text<'_>> = sources
            .texts
            .iter()
            .map(|(id, sentences)| Text {
                id: id.clone(),
                sentences,
            })
            .collect();
        Ok(analysis::analyse(
            &memory,
            &sources.source,
            &targets,
            &texts,
            detail,
            threads,
        )?)
    })
    .await??;
    if csv {
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(analysis::to_csv(&reports, total.as_ref())));
    }
    if html {
        let page =
            super::editions::report_page(&state.l10n, &locale.0.chain, &reports, total.as_ref());
        return Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_LANGUAGE, locale.0.locale().to_string()))
            .body(page));
    }
    if reports.len() == 1 && total.is_none() {
        return Ok(HttpResponse::Ok().json(&reports[0]));
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({"articles": reports, "total": total})))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"source": "en", "title": "Trains", "body": "Passenger trains between Yerevan and Baku will resume in March.", "target": "hy"}))]
pub struct PretranslateIn {
    #[serde(default)]
    article: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    lead: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    html: Option<String>,
    target: String,
    #[serde(default)]
    min_score: Option<u32>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PretranslateQuery {
    /// `2.1` (the default) or `1.2`.
    #[serde(default)]
    version: Option<String>,
}

#[utoipa::path(post, path = "/v1/pretranslate", tag = "analysis",
    params(PretranslateQuery),
    request_body = PretranslateIn,
    responses((status = 200, description = "An XLIFF 2.1 (or 1.2) document of the best matches", content_type = "application/xliff+xml", body = String)))]
pub async fn pretranslate(
    _: Write,
    state: web::Data<AppState>,
    query: web::Query<PretranslateQuery>,
    body: Json<PretranslateIn>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let legacy = match query.version.as_deref() {
        None | Some("2.1") | Some("2") | Some("2.0") => false,
        Some("1.2") => true,
        Some(other) => {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                format!("XLIFF version '{other}' is not written here; ask for 2.1 or 1.2"),
            ))
        }
    };
    let min_score = body
        .min_score
        .unwrap_or(editorial::pretranslate::DEFAULT_MIN_SCORE);
    if min_score > 101 {
        return Err(ApiError::new(
            ErrorCode::InvalidMinScore,
            "min_score is a percentage from 0 to 101",
        ));
    }
    let version = VersionInput {
        title: body.title.unwrap_or_default(),
        lead: body.lead,
        body: body.body,
        html: body.html,
        status: None,
    };
    let (ids, sent) = named(body.article, Vec::new(), body.source, version)?;
    let target = body.target;
    let memory = state.memory.clone();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (name, file) = reading(move || -> Result<_, ApiError> {
        let sources = load_sources(&memory, ids, sent)?;
        let target = target_langs(std::slice::from_ref(&target), &sources.source)?
            .pop()
            .expect("one target");
        let (article, sentences) = &sources.texts[0];
        let doc = editorial::pretranslate::pretranslate(
            &memory,
            &sources.source,
            &target,
            article.as_deref(),
            sentences,
            min_score,
            threads,
        )?;
        let mut out = Vec::new();
        if legacy {
            crate::formats::xliff::write_xliff12(&doc, &mut out)
        } else {
            crate::formats::xliff::write_xliff2(&doc, &mut out)
        }
        .map_err(|e| ApiError::internal(format!("writing the XLIFF failed: {e}")))?;
        let name = format!("{}.{}.xlf", doc.original, target.tag());
        Ok((name, out))
    })
    .await??;
    Ok(HttpResponse::Ok()
        .content_type("application/xliff+xml; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(file))
}
