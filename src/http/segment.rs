//! `/v1/segment`: splits a text into sentences (see [`crate::text::sentences`]).

use super::access::Read;
use super::json::Json;
use actix_web::HttpResponse;
use serde::{Deserialize, Serialize};

use super::dto::check_text;
use super::error::{reading, ApiError};
use crate::model::lang::Lang;
use crate::text::sentences::{self, Sentence};

/// Texts longer than this (in bytes) are segmented on the blocking pool.
const INLINE_BYTES: usize = 2_000;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"lang": "hy", "text": "Գնացքները կվերսկսվեն մարտին։ Տոմսերը վաճառվում են:"}))]
pub struct SegmentIn {
    pub lang: String,
    pub text: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SegmentOut {
    pub text: String,
    /// Char offset of the first char.
    pub start: usize,
    /// Char offset after the last char.
    pub end: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SegmentsOut {
    pub segments: Vec<SegmentOut>,
}

impl From<Sentence> for SegmentOut {
    fn from(s: Sentence) -> SegmentOut {
        SegmentOut {
            text: s.text,
            start: s.start,
            end: s.end,
        }
    }
}

#[utoipa::path(post, path = "/v1/segment", tag = "matching",
    request_body = SegmentIn,
    responses((status = 200, description = "The text's sentences, at char offsets", body = SegmentsOut)))]
pub async fn split(_: Read, body: Json<SegmentIn>) -> Result<HttpResponse, ApiError> {
    let SegmentIn { lang, text } = body.into_inner();
    let lang = Lang::parse(&lang)?;
    check_text("text", &text)?;
    let segments = if text.len() <= INLINE_BYTES {
        sentences::split(&lang, &text)
    } else {
        reading(move || sentences::split(&lang, &text)).await?
    };
    Ok(HttpResponse::Ok().json(SegmentsOut {
        segments: segments.into_iter().map(SegmentOut::from).collect(),
    }))
}
