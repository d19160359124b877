//! `/editions`: the public, server-rendered pages of published article versions, each in its
//! reader's language (chrome strings from `locales/*/editions.ftl` with their fallbacks,
//! dates and plurals by CLDR), linked to the others by a switcher, `hreflang` alternates and
//! a sitemap. Templates are `maud`'s: every text is escaped by construction.

use super::access::Read;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use fluent_bundle::{FluentArgs, FluentValue};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::error::{reading, ApiError};
use super::locale::RequestLocale;
use super::AppState;
use crate::editorial::article::{Article, Version};
use crate::editorial::{self, ArticleView, EditorialError, ListFilter};
use crate::l10n::Catalog;
use crate::model::lang::Lang;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/editions", web::get().to(to_index))
        .route("/editions/", web::get().to(index))
        .route("/editions/sitemap.xml", web::get().to(sitemap))
        .route("/editions/{article}", web::get().to(negotiate))
        .route("/editions/{article}/{lang}", web::get().to(page));
}

/// The words per minute reading time is counted with.
const WORDS_PER_MINUTE: usize = 200;

/// Chrome strings in one locale, falling back message by message.
struct Chrome<'a> {
    catalog: &'a Catalog,
    chain: Vec<String>,
}

impl<'a> Chrome<'a> {
    fn for_chain(catalog: &'a Catalog, chain: &[String]) -> Chrome<'a> {
        Chrome {
            catalog,
            chain: chain.to_vec(),
        }
    }

    fn new(catalog: &'a Catalog, lang: &Lang) -> Chrome<'a> {
        let served = catalog.matcher().resolve(lang.tag()).map(str::to_string);
        let tag = served.unwrap_or_else(|| catalog.default_locale().to_string());
        Chrome {
            catalog,
            chain: catalog.chain_for(&tag),
        }
    }

    /// The message, or `None` when no locale of the chain has it.
    fn get(&self, id: &str, args: Option<&FluentArgs>) -> Option<String> {
        self.catalog
            .format(&self.chain, id, args)
            .value
            // Fluent isolates placeables with FSI/PDI marks; a page in one direction does
            // not need them, and they would show in copied text.
            .map(|v| v.replace(['\u{2068}', '\u{2069}'], ""))
    }

    fn text(&self, id: &str) -> String {
        self.get(id, None).unwrap_or_default()
    }

    fn with(&self, id: &str, name: &'static str, value: impl Into<FluentValue<'static>>) -> String {
        let mut args = FluentArgs::new();
        args.set(name, value.into());
        self.get(id, Some(&args)).unwrap_or_default()
    }
}

/// A language's name in that language itself (`Հայերեն`, `Русский`).
fn own_name(catalog: &Catalog, lang: &Lang) -> String {
    Chrome::new(catalog, lang)
        .get(&format!("language-{}", lang.language()), None)
        .unwrap_or_else(|| lang.tag().to_string())
}

fn published(article: &Article) -> Vec<&Version> {
    article.versions.values().filter(|v| v.published).collect()
}

/// The version a reader without a preference gets: the source, if published.
fn default_version(article: &Article) -> Option<&Version> {
    article
        .versions
        .get(article.source.key())
        .filter(|v| v.published)
        .or_else(|| published(article).into_iter().next())
}

fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// What a path segment escapes: all but letters, digits and `-._~` (an article id's own
/// characters stay as they are, its non-ASCII letters are escaped).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn edition_path(id: &str, lang: &Lang) -> String {
    format!(
        "/editions/{}/{}",
        percent_encoding::utf8_percent_encode(id, SEGMENT),
        lang.tag()
    )
}

const STYLE: &str = "
body{margin:0;font:18px/1.6 'Noto Serif','DejaVu Serif',Georgia,serif;color:#1b1b1b;background:#fdfcf9}
header.site,footer.site{background:#17324d;color:#fff;padding:.6rem 1.2rem;font-family:'Noto Sans','DejaVu Sans',sans-serif;font-size:.9rem}
header.site a,footer.site a{color:#fff}
header.site .name{font-weight:700;letter-spacing:.04em;text-transform:uppercase;margin-right:1rem}
nav.languages{display:inline}
nav.languages ul{display:inline;list-style:none;margin:0;padding:0}
nav.languages li{display:inline;margin-right:.8rem}
nav.languages a[aria-current]{font-weight:700;text-decoration:none;border-bottom:2px solid #f2c14e}
main{max-width:42rem;margin:2rem auto;padding:0 1.2rem}
.section{font-family:'Noto Sans','DejaVu Sans',sans-serif;text-transform:uppercase;font-size:.8rem;color:#8a3b12;letter-spacing:.08em}
h1{font-size:2.1rem;line-height:1.2;margin:.3rem 0 .8rem}
.lead{font-size:1.2rem;color:#333}
.meta{font-family:'Noto Sans','DejaVu Sans',sans-serif;font-size:.85rem;color:#555;border-top:1px solid #ddd;border-bottom:1px solid #ddd;padding:.5rem 0;margin:1rem 0}
.meta span{margin-right:1rem;display:inline-block}
.actions button{font:inherit;font-size:.85rem;margin-right:.5rem;padding:.25rem .7rem;border:1px solid #17324d;background:#fff;color:#17324d;border-radius:3px;cursor:pointer}
blockquote{border-left:4px solid #f2c14e;margin:1rem 0;padding:.2rem 1rem;color:#333}
figcaption{font-size:.9rem;color:#555;font-style:italic}
ul.articles{list-style:none;padding:0} ul.articles li{margin:0 0 1.2rem}
ul.articles .langs a{margin-right:.6rem;font-size:.85rem;font-family:'Noto Sans','DejaVu Sans',sans-serif}
@media print{header.site,footer.site,.actions,nav.languages{display:none}}
";

fn shell(
    lang: &Lang,
    title: &str,
    head: Markup,
    chrome: &Chrome<'_>,
    switcher: Markup,
    content: Markup,
) -> String {
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) dir="ltr" {
            head {
                meta charset="utf-8";
                // No icon of its own: a browser would otherwise ask for /favicon.ico.
                link rel="icon" href="data:,";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                (head)
                style { (PreEscaped(STYLE)) }
            }
            body {
                header.site {
                    a.name href="/editions/" { (chrome.text("editions-title")) }
                    (switcher)
                }
                main { (content) }
                footer.site { "tetraglot" }
            }
        }
    }
    .into_string()
}

/// The language switcher: every published version, each in its own language's name.
fn switcher(
    catalog: &Catalog,
    article: &Article,
    current: Option<&Lang>,
    chrome: &Chrome<'_>,
) -> Markup {
    let versions = published(article);
    html! {
        nav.languages aria-label=(chrome.text("editions-choose-language")) {
            ul {
                @for v in &versions {
                    li {
                        @if current.is_some_and(|c| c.key() == v.lang.key()) {
                            a href=(edition_path(&article.id, &v.lang)) hreflang=(v.lang.tag()) lang=(v.lang.tag()) aria-current="page" { (own_name(catalog, &v.lang)) }
                        } @else {
                            a href=(edition_path(&article.id, &v.lang)) hreflang=(v.lang.tag()) lang=(v.lang.tag()) { (own_name(catalog, &v.lang)) }
                        }
                    }
                }
            }
        }
    }
}

/// The date part of an RFC 3339 time (`2026-11-30`).
fn date_of(time: &str) -> &str {
    time.get(..10).unwrap_or(time)
}

fn render_page(catalog: &Catalog, view: &ArticleView, version: &Version, base: &str) -> String {
    let article = &view.article;
    let lang = &version.lang;
    let chrome = Chrome::new(catalog, lang);
    let blocks = editorial::sentences::display_blocks(&version.body);
    let words: usize = std::iter::once(version.title.as_str())
        .chain(version.lead.as_deref())
        .map(|t| crate::text::words::count_words(lang, t))
        .sum::<usize>()
        + blocks
            .iter()
            .map(|(_, t)| crate::text::words::count_words(lang, &t.text))
            .sum::<usize>();
    let minutes = words.div_ceil(WORDS_PER_MINUTE).max(1);
    let section = article.section.as_ref().map(|s| {
        chrome
            .get(&format!("section-{}", s.to_lowercase()), None)
            .unwrap_or_else(|| s.clone())
    });
    let x_default = default_version(article);
    let head = html! {
        link rel="canonical" href={ (base) (edition_path(&article.id, lang)) };
        @for v in published(article) {
            link rel="alternate" hreflang=(v.lang.tag()) href={ (base) (edition_path(&article.id, &v.lang)) };
        }
        @if let Some(d) = x_default {
            link rel="alternate" hreflang="x-default" href={ (base) (edition_path(&article.id, &d.lang)) };
        }
        meta name="description" content=(version.lead.as_deref().unwrap_or(&version.title));
    };
    let content = html! {
        article {
            @if let Some(section) = &section { p.section { (section) } }
            h1 { (version.title) }
            @if let Some(lead) = &version.lead { p.lead { (lead) } }
            p.meta {
                @if !article.authors.is_empty() {
                    span.byline { (chrome.with("article-byline", "author", article.authors.join(", "))) }
                }
                @if let Some(published) = &article.published {
                    span { time datetime=(published) { (chrome.with("article-published", "date", date_of(published).to_string())) } }
                }
                @if let Some(updated) = &article.updated {
                    span { time datetime=(updated) { (chrome.with("article-updated", "time", updated.clone())) } }
                }
                span.reading-time title=(chrome.text("article-reading-time.label")) {
                    (chrome.with("article-reading-time", "minutes", minutes))
                }
                @if lang.key() != article.source.key() {
                    span.translated { (chrome.with("article-translated-from", "language", article.source.language().to_string())) }
                }
            }
            @for (tag, tagged) in &blocks {
                @let inner = PreEscaped(crate::formats::html::to_safe_html(tagged));
                @match tag.as_str() {
                    "h1" | "h2" => h2 { (inner) },
                    "h3" => h3 { (inner) },
                    "h4" | "h5" | "h6" => h4 { (inner) },
                    "blockquote" => blockquote { p { (inner) } },
                    "li" => ul { li { (inner) } },
                    "figcaption" => figure { figcaption { (inner) } },
                    _ => p { (inner) },
                }
            }
            p.actions {
                button type="button" title=(chrome.text("article-share.title")) onclick="navigator.share?navigator.share({url:location.href}):navigator.clipboard.writeText(location.href)" { (chrome.text("article-share")) }
                button type="button" title=(chrome.text("article-print.title")) onclick="window.print()" { (chrome.text("article-print")) }
            }
        }
    };
    shell(
        lang,
        &version.title,
        head,
        &chrome,
        switcher(catalog, article, Some(lang), &chrome),
        content,
    )
}

/// A localised 404: the article does not exist, or not (yet) in this language.
fn not_found(catalog: &Catalog, lang: &Lang, view: Option<&ArticleView>) -> HttpResponse {
    let chrome = Chrome::new(catalog, lang);
    let message = match view {
        Some(_) => chrome.with(
            "article-not-available",
            "language",
            lang.language().to_string(),
        ),
        None => chrome.text("edition-not-found"),
    };
    let (switch, others) = match view {
        Some(view) => (
            switcher(catalog, &view.article, None, &chrome),
            html! {
                @let versions = published(&view.article);
                @if !versions.is_empty() {
                    p { (chrome.text("editions-other-languages")) }
                    ul {
                        @for v in versions {
                            li { a href=(edition_path(&view.article.id, &v.lang)) hreflang=(v.lang.tag()) lang=(v.lang.tag()) { (v.title) " — " (own_name(catalog, &v.lang)) } }
                        }
                    }
                }
            },
        ),
        None => (html! {}, html! {}),
    };
    let body = shell(
        lang,
        &message,
        html! { meta name="robots" content="noindex"; },
        &chrome,
        switch,
        html! { h1 { (message) } (others) },
    );
    HttpResponse::NotFound()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_LANGUAGE, lang.tag().to_string()))
        .body(body)
}

/// A page with a strong ETag: 304 when the client has it.
fn html_page(req: &HttpRequest, lang: &Lang, body: String) -> HttpResponse {
    let etag = format!("\"{:032x}\"", xxhash_rust::xxh3::xxh3_128(body.as_bytes()));
    let matches = super::if_none_match(req, &etag);
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CONTENT_LANGUAGE, lang.tag().to_string()))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::VARY, "Accept-Language"));
    if matches {
        return response.finish();
    }
    response.content_type("text/html; charset=utf-8").body(body)
}

/// The stored article, or `None` when there is none (other failures are errors).
async fn load(state: &AppState, id: String) -> Result<Option<ArticleView>, ApiError> {
    let Ok(id) = editorial::article::ArticleId::parse(id) else {
        return Ok(None);
    };
    let memory = state.memory.clone();
    match reading(move || editorial::get(&memory, &id)).await? {
        Ok(view) => Ok(Some(view)),
        Err(EditorialError::NotFound(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn catalog_of(state: &AppState) -> Arc<Catalog> {
    state.l10n.clone()
}

#[utoipa::path(get, path = "/editions/{article}/{lang}", tag = "editions",
    params(("article" = String, Path, description = "The article's id"),
           ("lang" = String, Path, description = "A published version's language")),
    responses((status = 200, description = "The edition page", content_type = "text/html", body = String),
              (status = 304, description = "Unchanged since the ETag sent"),
              (status = 404, description = "No such page (an HTML page saying so)", content_type = "text/html", body = String)))]
pub async fn page(
    _: Read,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, tag) = path.into_inner();
    let catalog = catalog_of(&state);
    let lang = Lang::parse(&tag).unwrap_or_else(|_| {
        Lang::parse(catalog.default_locale()).expect("the default locale parses")
    });
    let Some(view) = load(&state, id).await? else {
        return Ok(not_found(&catalog, &lang, None));
    };
    let Some(version) = view
        .article
        .versions
        .get(lang.key())
        .filter(|v| v.published)
    else {
        return Ok(not_found(&catalog, &lang, Some(&view)));
    };
    let body = render_page(&catalog, &view, version, &base_url(&req));
    Ok(html_page(&req, &version.lang, body))
}

/// `/editions/{article}`: 303 to the version the reader's `Accept-Language` prefers.
#[utoipa::path(get, path = "/editions/{article}", tag = "editions",
    params(("article" = String, Path, description = "The article's id")),
    responses((status = 303, description = "To the version in the reader's language"),
              (status = 404, description = "No such page (an HTML page saying so)", content_type = "text/html", body = String)))]
pub async fn negotiate(
    _: Read,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    locale: RequestLocale,
) -> Result<HttpResponse, ApiError> {
    let catalog = catalog_of(&state);
    let reader = Lang::parse(locale.0.locale()).unwrap_or_else(|_| Lang::parse("en").expect("en"));
    let Some(view) = load(&state, id.into_inner()).await? else {
        return Ok(not_found(&catalog, &reader, None));
    };
    let versions = published(&view.article);
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let wanted = crate::l10n::negotiate::parse_accept_language(accept);
    let chosen = wanted
        .iter()
        .filter_map(|r| Lang::parse(&r.tag).ok())
        .find_map(|want| {
            versions
                .iter()
                .find(|v| v.lang.language() == want.language())
        })
        .copied()
        .or_else(|| default_version(&view.article));
    let Some(version) = chosen else {
        return Ok(not_found(&catalog, &reader, Some(&view)));
    };
    Ok(HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            edition_path(&view.article.id, &version.lang),
        ))
        .insert_header((header::VARY, "Accept-Language"))
        .finish())
}

#[utoipa::path(get, path = "/editions", tag = "editions",
    responses((status = 301, description = "To /editions/")))]
pub async fn to_index() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/editions/"))
        .finish()
}

/// The most articles the index lists.
const INDEX_LIMIT: usize = 50;

/// `/editions/`: recent articles, in the reader's language where a version exists.
#[utoipa::path(get, path = "/editions/", tag = "editions",
    responses((status = 200, description = "The published articles", content_type = "text/html", body = String),
              (status = 304, description = "Unchanged since the ETag sent")))]
pub async fn index(
    _: Read,
    state: web::Data<AppState>,
    req: HttpRequest,
    locale: RequestLocale,
) -> Result<HttpResponse, ApiError> {
    let catalog = catalog_of(&state);
    let reader = Lang::parse(locale.0.locale()).unwrap_or_else(|_| Lang::parse("en").expect("en"));
    let memory = state.memory.clone();
    let (listed, _) =
        reading(move || editorial::list(&memory, &ListFilter::default(), INDEX_LIMIT * 4))
            .await??;
    let chrome = Chrome::new(&catalog, &reader);
    let items: Vec<(&Article, &Version)> = listed
        .iter()
        .filter_map(|l| {
            let a = &l.article;
            let v = a
                .versions
                .values()
                .find(|v| v.published && v.lang.language() == reader.language())
                .or_else(|| default_version(a))?;
            Some((a, v))
        })
        .take(INDEX_LIMIT)
        .collect();
    let content = html! {
        h1 { (chrome.text("editions-title")) }
        ul.articles {
            @for (article, version) in &items {
                li {
                    a href=(edition_path(&article.id, &version.lang)) lang=(version.lang.tag()) { strong { (version.title) } }
                    @if let Some(p) = &article.published { " · " time datetime=(p) { (chrome.with("article-published", "date", date_of(p).to_string())) } }
                    br;
                    span.langs {
                        @for v in published(article) {
                            a href=(edition_path(&article.id, &v.lang)) hreflang=(v.lang.tag()) lang=(v.lang.tag()) { (own_name(&catalog, &v.lang)) }
                        }
                    }
                }
            }
        }
    };
    let body = shell(
        &reader,
        &chrome.text("editions-title"),
        html! {},
        &chrome,
        html! {},
        content,
    );
    Ok(html_page(&req, &reader, body))
}

/// `/editions/sitemap.xml`: every published version with its alternates.
#[utoipa::path(get, path = "/editions/sitemap.xml", tag = "editions",
    responses((status = 200, description = "A sitemap of the edition pages, with their languages", content_type = "application/xml", body = String)))]
pub async fn sitemap(
    _: Read,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let memory = state.memory.clone();
    let (listed, _) =
        reading(move || editorial::list(&memory, &ListFilter::default(), usize::MAX)).await??;
    let base = base_url(&req);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let esc = |s: &str| quick_escape(s);
    for listed in &listed {
        let article = &listed.article;
        let versions = published(article);
        for v in &versions {
            out.push_str(&format!(
                "  <url>\n    <loc>{}</loc>\n",
                esc(&format!("{base}{}", edition_path(&article.id, &v.lang)))
            ));
            if let Some(updated) = article.updated.as_ref().or(article.published.as_ref()) {
                out.push_str(&format!("    <lastmod>{}</lastmod>\n", esc(updated)));
            }
            for alt in &versions {
                out.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                    esc(alt.lang.tag()),
                    esc(&format!("{base}{}", edition_path(&article.id, &alt.lang)))
                ));
            }
            if let Some(d) = default_version(article) {
                out.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>\n",
                    esc(&format!("{base}{}", edition_path(&article.id, &d.lang)))
                ));
            }
            out.push_str("  </url>\n");
        }
    }
    out.push_str("</urlset>\n");
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(out))
}

fn quick_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The analysis as a printable page in the caller's language: per text and target, the
/// bands as a stacked bar and a table (strings from `desk.ftl`).
pub fn report_page(
    catalog: &Catalog,
    chain: &[String],
    reports: &[crate::editorial::analysis::Report],
    total: Option<&crate::editorial::analysis::Report>,
) -> String {
    use crate::editorial::analysis::Band;
    let chrome = Chrome::for_chain(catalog, chain);
    let lang = Lang::parse(&chain[0]).unwrap_or_else(|_| Lang::parse("en").expect("en"));
    let band_label =
        |band: Band| chrome.text(&format!("desk-band-{}", band.name().replace('_', "-")));
    let section = |report: &crate::editorial::analysis::Report, heading: String| {
        html! {
            section.report {
                h2 { (heading) }
                p { (chrome.text("desk-report-sentences")) ": " (report.sentences) " · " (chrome.text("desk-words")) ": " (report.words) }
                @for (tag, target) in &report.targets {
                    @let target_lang = Lang::parse(tag).ok();
                    h3 { (target_lang.as_ref().map(|l| chrome.text(&format!("language-{}", l.language()))).filter(|s| !s.is_empty()).unwrap_or_else(|| tag.clone())) }
                    div.bar role="img" aria-label=(target.bands.iter().map(|b| format!("{}: {}%", band_label(b.band), b.percent_words)).collect::<Vec<_>>().join(", ")) {
                        @for row in &target.bands {
                            span class={ "band-" (row.band.name()) } style={ "width:" (row.percent_words) "%" } {}
                        }
                    }
                    table {
                        thead { tr {
                            th scope="col" { (chrome.text("desk-band")) }
                            th scope="col" { (chrome.text("desk-segments")) }
                            th scope="col" { (chrome.text("desk-words")) }
                            th scope="col" { (chrome.text("desk-chars")) }
                            th scope="col" { (chrome.text("desk-chars-with-spaces")) }
                            th scope="col" { "%" }
                        } }
                        tbody {
                            @for row in &target.bands {
                                tr {
                                    th scope="row" { span class={ "swatch band-" (row.band.name()) } {} (band_label(row.band)) }
                                    td { (row.counts.segments) } td { (row.counts.words) }
                                    td { (row.counts.chars) } td { (row.counts.chars_with_spaces) }
                                    td { (row.percent_words) }
                                }
                            }
                            tr.total {
                                th scope="row" { (chrome.text("desk-report-total")) }
                                td { (target.total.segments) } td { (target.total.words) }
                                td { (target.total.chars) } td { (target.total.chars_with_spaces) }
                                td { "100" }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = chrome.text("desk-report-title");
    let body = html! {
        (DOCTYPE)
        html lang=(lang.tag()) dir="ltr" {
            head {
                meta charset="utf-8";
                // No icon of its own: a browser would otherwise ask for /favicon.ico.
                link rel="icon" href="data:,";
                title { (title) }
                style { (PreEscaped(REPORT_STYLE)) }
            }
            body {
                h1 { (title) }
                @for report in reports {
                    (section(report, report.article.clone().unwrap_or_else(|| chrome.text("desk-report-text"))))
                }
                @if let Some(total) = total {
                    (section(total, chrome.text("desk-report-total")))
                }
            }
        }
    };
    body.into_string()
}

const REPORT_STYLE: &str = "
body{font:14px/1.5 'Noto Sans','DejaVu Sans',sans-serif;color:#1b1b1b;margin:1.5rem auto;max-width:50rem}
h1{font-size:1.5rem} h2{font-size:1.2rem;border-bottom:2px solid #17324d} h3{font-size:1rem;margin-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin-bottom:1rem} th,td{border:1px solid #ccd;padding:.2rem .5rem;text-align:right}
th[scope=row],thead th{text-align:left} tr.total{font-weight:700;background:#eef1f4}
.bar{display:flex;height:1.2rem;border:1px solid #888;margin:.2rem 0 .5rem}
.bar span{display:block;height:100%} .swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.4rem;vertical-align:middle}
.band-context{background:#0b4d1e}.band-100{background:#1e7b34}.band-95-99{background:#4caf50}
.band-85-94{background:#9ccc65}.band-75-84{background:#f2c14e}.band-50-74{background:#f08c3a}
.band-no_match{background:#bbb}.band-repetitions{background:#5b7ca8}
@media print{.bar span{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
";
