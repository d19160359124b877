//! `GET /openapi.json`: the OpenAPI 3.1 document of the API, generated from the handlers'
//! annotations and the wire types (utoipa). Every answer that is not a success is the one
//! error body, with a code from the error table: each operation's `default` response.

use actix_web::HttpResponse;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{ResponseBuilder, Responses};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr, Schema};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use super::error::ErrorCode;

/// Every error answer: `{"error": {…}}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    error: ErrorDetail,
}

/// What went wrong.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorDetail {
    code: ErrorCodeName,
    /// What to fix, in the caller's language when `Accept-Language` asks for hy, az or ru.
    message: String,
    /// The line of a file at fault.
    #[schema(minimum = 1)]
    line: Option<u64>,
    /// The English message, when `message` is in another language.
    detail: Option<String>,
}

/// A code of the error table (`src/http/error.rs`); each has one status.
pub struct ErrorCodeName;

impl PartialSchema for ErrorCodeName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(ErrorCode::ALL.iter().map(|code| code.as_str())))
            .description(Some(
                "A stable error code; see the README's error table for each one's status",
            ))
            .into()
    }
}

impl ToSchema for ErrorCodeName {}

/// Adds what every operation shares: the error body as its `default` answer, and the key.
struct Shared;

impl Modify for Shared {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "key",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        components
            .schemas
            .insert("ErrorBody".into(), ErrorBody::schema());
        components
            .schemas
            .insert("ErrorDetail".into(), ErrorDetail::schema());
        components
            .schemas
            .insert("ErrorCodeName".into(), ErrorCodeName::schema());
        let error = ResponseBuilder::new()
            .description(
                "An error: the status fits its code (401 without a key, 403 for a key without \
                 the role, 422 for a value out of bounds, 503 when busy …)",
            )
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                        "ErrorBody",
                    ))))
                    .build(),
            )
            .build();
        for item in api.paths.paths.values_mut() {
            let operations: [&mut Option<Operation>; 5] = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                let responses: &mut Responses = &mut operation.responses;
                responses
                    .responses
                    .entry("default".into())
                    .or_insert_with(|| error.clone().into());
                // A key, or none where `--public` lets a request in.
                operation.security = Some(vec![
                    utoipa::openapi::security::SecurityRequirement::new(
                        "key",
                        Vec::<String>::new(),
                    ),
                    utoipa::openapi::security::SecurityRequirement::default(),
                ]);
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tetraglot",
        description = "Translation memory and localisation service for Armenian, Azerbaijani, \
                       Russian and English: lookups, units, imports and exports, articles, \
                       analysis, pre-translation, editions, UI strings, keys and tasks.",
    ),
    paths(
        document,
        super::health,
        super::ready,
        super::metrics::scrape,
        super::access::create,
        super::access::list,
        super::access::revoke,
        super::articles::batch,
        super::articles::create,
        super::articles::list,
        super::articles::get,
        super::articles::delete,
        super::articles::put_version,
        super::articles::delete_version,
        super::articles::correct_alignment,
        super::articles::publish,
        super::analysis::analyse,
        super::analysis::pretranslate,
        super::units::create,
        super::units::list,
        super::units::delete_document,
        super::units::stats,
        super::units::get,
        super::units::replace,
        super::units::patch,
        super::units::delete,
        super::transfer::import,
        super::transfer::export,
        super::tasks::optimize,
        super::tasks::list,
        super::tasks::get,
        super::tasks::cancel,
        super::matches::find,
        super::batch::find,
        super::feeds::tmx,
        super::segment::split,
        super::concordance::search,
        super::l10n::locales,
        super::l10n::format,
        super::l10n::file,
        super::editions::to_index,
        super::editions::index,
        super::editions::sitemap,
        super::editions::negotiate,
        super::editions::page,
        super::desk::to_desk,
        super::desk::index,
        super::desk::script,
        super::desk::style,
        tmserver_unit,
        tmserver_languages,
    ),
    modifiers(&Shared),
)]
pub struct ApiDoc;

/// The document, made once.
pub fn document_json() -> &'static str {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut api = ApiDoc::openapi();
        api.info.version = env!("CARGO_PKG_VERSION").to_string();
        api.to_pretty_json().expect("the document serialises")
    })
}

/// `GET /openapi.json`.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "This document", content_type = "application/json", body = Object)),
)]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document_json())
}

/// `GET /tmserver/{source}/{target}/unit/{text}` (one dispatcher serves both tmserver paths,
/// reading the raw path; this and [`tmserver_languages`] only describe them).
#[utoipa::path(
    get,
    path = "/tmserver/{source}/{target}/unit/{text}",
    tag = "tmserver",
    params(
        ("source" = String, Path, description = "Source language, as tmserver clients write it (hy, az_latn, pt_br)"),
        ("target" = String, Path, description = "Target language"),
        ("text" = String, Path, description = "The text, percent-encoded"),
        ("min_similarity" = Option<f64>, Query, description = "0-100, default 70"),
        ("max_candidates" = Option<usize>, Query, description = "At most 30, default 5"),
    ),
    responses((status = 200, description = "Suggestions, best first (none for an unknown pair)", body = Vec<super::tmserver::Suggestion>)),
)]
#[allow(dead_code)]
fn tmserver_unit() {}

/// `GET /tmserver/languages/`.
#[utoipa::path(
    get,
    path = "/tmserver/languages/",
    tag = "tmserver",
    responses((status = 200, description = "The stored languages", body = shapes::TmLanguages)),
)]
#[allow(dead_code)]
fn tmserver_languages() {}

/// The answers built in place (`json!`) rather than from a type, described here; the
/// schemathesis run in `.ci/run` checks every answer against them.
#[allow(dead_code)]
pub mod shapes {
    use std::collections::BTreeMap;

    use serde::Serialize;
    use utoipa::ToSchema;

    use crate::auth::KeyInfo;
    use crate::tasks::Task;

    /// A key just made: its listing and, this once, the key.
    #[derive(Serialize, ToSchema)]
    pub struct KeyMade {
        #[serde(flatten)]
        info: KeyInfo,
        key: String,
    }

    #[derive(Serialize, ToSchema)]
    pub struct KeyList {
        /// Whether the server takes keys (a master key is set).
        enabled: bool,
        keys: Vec<KeyInfo>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Removed {
        removed: usize,
    }

    #[derive(Serialize, ToSchema)]
    pub struct ArticleDeleted {
        units: Removed,
    }

    #[derive(Serialize, ToSchema)]
    pub struct SentenceOut {
        text: String,
        start: usize,
        end: usize,
        block: Block,
        #[serde(skip_serializing_if = "Option::is_none")]
        markup: Option<String>,
    }

    /// The body block's index, or `title` / `lead`.
    #[derive(Serialize, ToSchema)]
    #[serde(untagged)]
    pub enum Block {
        Body(usize),
        Named(String),
    }

    #[derive(Serialize, ToSchema)]
    pub struct BeadOut {
        source: Vec<usize>,
        target: Vec<usize>,
        confidence: f64,
        /// `auto` or `confirmed`.
        state: String,
        review: bool,
    }

    /// A version as sent, with its sentences and (for a target) its beads.
    #[derive(Serialize, ToSchema)]
    pub struct VersionOut {
        title: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        lead: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        body: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        html: Option<String>,
        /// `draft` (absent) or `published`.
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<String>,
        sentences: Vec<SentenceOut>,
        #[serde(skip_serializing_if = "Option::is_none")]
        alignment: Option<Vec<BeadOut>>,
    }

    /// What an article's reading and its listing both show.
    #[derive(Serialize, ToSchema)]
    pub struct ArticleHead {
        id: String,
        outlet: Option<String>,
        section: Option<String>,
        authors: Vec<String>,
        published: Option<String>,
        updated: Option<String>,
        source: String,
        saved: String,
    }

    #[derive(Serialize, ToSchema)]
    pub struct ArticleOut {
        #[serde(flatten)]
        head: ArticleHead,
        tags: Vec<String>,
        /// By language tag.
        versions: BTreeMap<String, VersionOut>,
        units: Vec<String>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct ArticleListed {
        #[serde(flatten)]
        head: ArticleHead,
        languages: Vec<String>,
        titles: BTreeMap<String, String>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct ArticleList {
        articles: Vec<ArticleListed>,
        /// The cursor of the next page.
        next: Option<String>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Added {
        id: String,
        /// False when it was merged into a stored unit.
        created: bool,
    }

    #[derive(Serialize, ToSchema)]
    pub struct UnitsAdded {
        ids: Vec<String>,
        units: Vec<Added>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct UnitPage {
        units: Vec<crate::http::dto::UnitOut>,
        next: Option<String>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct DocumentRemoved {
        document: String,
        removed: u64,
    }

    #[derive(Serialize, ToSchema)]
    pub struct TaskAccepted {
        task: Task,
    }

    #[derive(Serialize, ToSchema)]
    pub struct TaskList {
        results: Vec<Task>,
        total: usize,
        limit: usize,
        from: Option<u64>,
        next: Option<u64>,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Optimized {
        segments_before: usize,
    }

    #[derive(Serialize, ToSchema)]
    pub struct Locales {
        default: String,
        locale: String,
        locales: Vec<crate::http::l10n::LocaleOut<'static>>,
        issues: Vec<String>,
        load_problems: Vec<String>,
    }

    /// One text's report, or several stored articles' and their total.
    #[derive(Serialize, ToSchema)]
    #[serde(untagged)]
    pub enum Analysis {
        One(crate::editorial::analysis::Report),
        Several(AnalysisOfSeveral),
    }

    #[derive(Serialize, ToSchema)]
    pub struct AnalysisOfSeveral {
        articles: Vec<crate::editorial::analysis::Report>,
        total: Option<crate::editorial::analysis::Report>,
    }

    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct TmLanguages {
        source_languages: Vec<String>,
        target_languages: Vec<String>,
    }
}
