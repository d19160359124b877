//! `/desk/`: the editors' desk, a small web application (plain HTML, a JS module and CSS in
//! `desk/`, compiled into the binary, so it works offline and needs no build step). Its
//! strings come from `locales/*/desk.ftl` through `/v1/l10n/{locale}/messages.json`; every
//! call it makes goes to `/v1` with the key the editor gives it.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

const INDEX: &str = include_str!("../../desk/index.html");
const SCRIPT: &str = include_str!("../../desk/desk.js");
const STYLE: &str = include_str!("../../desk/desk.css");

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/desk", web::get().to(to_desk))
        .route("/desk/", web::get().to(index))
        .route("/desk/desk.js", web::get().to(script))
        .route("/desk/desk.css", web::get().to(style));
}

fn file(req: &HttpRequest, body: &'static str, content_type: &str) -> HttpResponse {
    let etag = format!("\"{:032x}\"", xxhash_rust::xxh3::xxh3_128(body.as_bytes()));
    let cached = super::if_none_match(req, &etag);
    let mut response = if cached {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    if cached {
        return response.finish();
    }
    response.content_type(content_type).body(body)
}

#[utoipa::path(get, path = "/desk", tag = "desk",
    responses((status = 301, description = "To /desk/")))]
pub(crate) async fn to_desk() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/desk/"))
        .finish()
}

#[utoipa::path(get, path = "/desk/", tag = "desk",
    responses((status = 200, description = "The editors' desk", content_type = "text/html", body = String),
              (status = 304, description = "Unchanged since the ETag sent")))]
pub(crate) async fn index(req: HttpRequest) -> HttpResponse {
    file(&req, INDEX, "text/html; charset=utf-8")
}

#[utoipa::path(get, path = "/desk/desk.js", tag = "desk",
    responses((status = 200, description = "The desk's script", content_type = "text/javascript", body = String),
              (status = 304, description = "Unchanged since the ETag sent")))]
pub(crate) async fn script(req: HttpRequest) -> HttpResponse {
    file(&req, SCRIPT, "text/javascript; charset=utf-8")
}

#[utoipa::path(get, path = "/desk/desk.css", tag = "desk",
    responses((status = 200, description = "The desk's style sheet", content_type = "text/css", body = String),
              (status = 304, description = "Unchanged since the ETag sent")))]
pub(crate) async fn style(req: HttpRequest) -> HttpResponse {
    file(&req, STYLE, "text/css; charset=utf-8")
}
