//! What the `requests` and `article` fuzz targets run (see the `fuzzing` module): request
//! bodies parsed as the JSON extractor parses them, then validated as the handlers validate
//! them, so every failure is an error of the table with a message.

use crate::model::unit::UnitId;
use std::collections::BTreeMap;

use super::analysis::{AnalysisIn, PretranslateIn};
use super::articles::{ArticleIn, CorrectionIn};
use super::batch::BatchIn;
use super::dto::{UnitIn, UnitPatch, UnitsIn};
use super::error::ApiError;
use super::json::parse;
use super::segment::SegmentIn;
use crate::editorial::article::{ArticleInput, VersionInput};
use crate::model::lang::Lang;
use crate::model::unit::MAX_TEXT_CHARS;

/// A failure must be a client error with something to say.
fn check<T>(result: Result<T, ApiError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            assert!(
                !error.message.is_empty(),
                "{:?} without a message",
                error.code
            );
            assert!(
                error.code.status().is_client_error(),
                "{error:?} is not the client's"
            );
            None
        }
    }
}

/// The first byte picks the request type; the rest is its body.
pub fn requests(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    match pick % 10 {
        0 => {
            if let Some(request) = check(parse::<super::dto::MatchIn>(body)) {
                check(request.into_query());
            }
        }
        1 => {
            if let Some(request) = check(parse::<UnitsIn>(body)) {
                for unit in request.units {
                    check(unit.into_unit(None, MAX_TEXT_CHARS));
                }
            }
        }
        2 => {
            if let Some(unit) = check(parse::<UnitIn>(body)) {
                check(unit.into_unit(Some("fuzz.1"), MAX_TEXT_CHARS));
            }
        }
        3 => {
            if let Some(patch) = check(parse::<UnitPatch>(body)) {
                let en = Lang::parse("en").expect("en is a language");
                let stored = crate::model::unit::Variant::plain(&en, "A stored sentence.");
                let unit = crate::model::unit::Unit {
                    id: UnitId::parse("fuzz.1").unwrap(),
                    variants: BTreeMap::from([(en.key().to_string(), stored)]),
                    meta: Default::default(),
                };
                check(patch.apply(unit, MAX_TEXT_CHARS));
            }
        }
        4 => {
            if let Some(batch) = check(parse::<BatchIn>(body)) {
                check(batch.into_queries());
            }
        }
        5 => {
            if let Some(request) = check(parse::<SegmentIn>(body)) {
                if let Some(lang) = check(Lang::parse(&request.lang).map_err(ApiError::from)) {
                    crate::text::sentences::split(&lang, &request.text);
                }
            }
        }
        6 => {
            check(parse::<AnalysisIn>(body));
        }
        7 => {
            check(parse::<PretranslateIn>(body));
        }
        8 => {
            check(parse::<CorrectionIn>(body));
        }
        _ => {
            check(parse::<VersionInput>(body));
        }
    }
}

/// An article body: validated, then segmented and aligned as a save would (nothing is
/// stored); every sentence of every version is in exactly one bead.
pub fn article(data: &[u8]) {
    let Some(input) = check(parse::<ArticleIn>(data)) else {
        return;
    };
    let settings = crate::editorial::Settings {
        max_article_chars: 20_000,
        ..Default::default()
    };
    let Ok(article) = ArticleInput::from(input).validate(settings.max_article_chars) else {
        return;
    };
    let Ok(plan) = crate::editorial::plan(&article, BTreeMap::new(), &settings, &BTreeMap::new())
    else {
        return;
    };
    let source_key = article.source.key();
    let source_count = plan.sentences[source_key].len();
    for (lang_key, beads) in &plan.alignment {
        let target_count = plan.sentences[lang_key].len();
        let mut sources: Vec<usize> = beads.iter().flat_map(|b| b.source.clone()).collect();
        let mut targets: Vec<usize> = beads.iter().flat_map(|b| b.target.clone()).collect();
        sources.sort_unstable();
        targets.sort_unstable();
        assert_eq!(
            sources,
            (0..source_count).collect::<Vec<_>>(),
            "{lang_key}: source sentences"
        );
        assert_eq!(
            targets,
            (0..target_count).collect::<Vec<_>>(),
            "{lang_key}: target sentences"
        );
        for bead in beads {
            assert!(
                (0.0..=1.0).contains(&bead.confidence),
                "confidence {}",
                bead.confidence
            );
        }
    }
}
