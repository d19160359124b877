//! The newsroom's articles: validated, cut into sentences, aligned to their source version,
//! and kept as translation units beside a record of the article, in one commit.
//!
//! An article's record (its versions as sent, the alignment of each version, the beads an
//! editor confirmed, and the ids of its units) is a record document of the memory's index,
//! written in the same commit as the units it produced (see [`Memory::write_record`]): an
//! answered article survives a crash with all its units, or neither is there. Writes read
//! the record, do the segmenting and aligning off the writer thread, and commit only if the
//! record is still the one they read; otherwise they start again.

pub mod alignment;
pub mod analysis;
pub mod article;
pub mod batch;
pub mod models;
pub mod pretranslate;
mod scope;
pub mod sentences;
pub mod units;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::align::Params;
use crate::memory::{Memory, MemoryError, RecordWrite, RecordWritten};

pub use alignment::{ArticleBead, ConfirmedBead};
pub use article::{Article, ArticleInput, ArticleProblem, VersionInput};
pub use scope::Scope;
pub use sentences::{Block, VersionSentence};

/// The record key prefix of articles.
const KEY_PREFIX: &str = "article/";

/// How often a write is redone when another write of the same article came between.
const ATTEMPTS: usize = 5;

/// The editorial settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The most chars of text (all versions, markup included) an article may have.
    pub max_article_chars: usize,
    pub align: Params,
    /// The most chars one sentence (a unit's text) may have.
    pub max_text_chars: usize,
    /// What the memory taught the aligner about each language pair, kept for the process.
    pub models: models::PairModels,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            max_article_chars: 1_000_000,
            align: Params::default(),
            max_text_chars: crate::model::unit::MAX_TEXT_CHARS,
            models: models::PairModels::default(),
        }
    }
}

/// Failures of editorial operations.
#[derive(Debug, thiserror::Error)]
pub enum EditorialError {
    #[error(transparent)]
    Problem(#[from] ArticleProblem),
    #[error("no article has the id '{0}'")]
    NotFound(String),
    #[error("the article '{0}' has no version in '{1}'")]
    VersionNotFound(String, String),
    #[error("'{1}' is the source language of the article '{0}'; its version cannot be removed (delete the article, or send it with another source)")]
    SourceVersion(String, String),
    #[error("{0}")]
    InvalidAlignment(String),
    /// The writer may write only some outlets' articles, and this one (as stored, or as
    /// sent) is of another.
    #[error("this key writes only the articles of its outlets, and this one is of {}", .0.as_deref().map_or("no outlet".to_string(), |o| format!("'{o}'")))]
    OutOfScope(Option<String>),
    /// A line of a batch that is no article.
    #[error("{0}")]
    Unreadable(String),
    #[error(transparent)]
    Memory(#[from] MemoryError),
}

/// What an article's record holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    article: ArticleInput,
    /// By target language key.
    alignment: BTreeMap<String, Vec<ArticleBead>>,
    #[serde(default)]
    confirmed: BTreeMap<String, Vec<ConfirmedBead>>,
    units: Vec<String>,
    /// When the record was last written (RFC 3339).
    saved: String,
}

/// How one version aligned.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlignmentSummary {
    pub beads: usize,
    pub one_to_one: usize,
    pub review: usize,
    /// The mean confidence of the beads.
    pub confidence: f32,
}

/// What a write of an article did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub id: String,
    /// Whether the article was new.
    #[serde(skip)]
    pub created: bool,
    /// Sentences per version (by language tag).
    pub versions: BTreeMap<String, VersionCount>,
    pub units: RecordWritten,
    /// Per target language tag.
    pub alignment: BTreeMap<String, AlignmentSummary>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionCount {
    pub sentences: usize,
}

/// An article as read back: the article, each version's sentences and each target's beads.
#[derive(Debug, Clone)]
pub struct ArticleView {
    pub article: Article,
    /// By language key.
    pub sentences: BTreeMap<String, Vec<VersionSentence>>,
    /// By target language key.
    pub alignment: BTreeMap<String, Vec<ArticleBead>>,
    pub units: Vec<String>,
    pub saved: String,
}

fn key(id: &str) -> String {
    format!("{KEY_PREFIX}{id}")
}

fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn decode(bytes: &[u8]) -> Result<Record, EditorialError> {
    serde_json::from_slice(bytes).map_err(|e| EditorialError::Memory(MemoryError::Corrupt(e)))
}

/// The record of `id` with its bytes (what a write must find unchanged).
fn read(memory: &Memory, id: &str) -> Result<Option<(Vec<u8>, Record)>, EditorialError> {
    match memory.record(&key(id))? {
        Some(bytes) => {
            let record = decode(&bytes)?;
            Ok(Some((bytes, record)))
        }
        None => Ok(None),
    }
}

/// An article segmented and aligned, its units made: what a save writes.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Each version's sentences, by language key.
    pub sentences: BTreeMap<String, Vec<VersionSentence>>,
    /// Each target's beads, by language key.
    pub alignment: BTreeMap<String, Vec<ArticleBead>>,
    /// The confirmed beads that were found again, by target language key.
    pub confirmed: BTreeMap<String, Vec<ConfirmedBead>>,
    pub units: Vec<crate::model::unit::Unit>,
    /// Per target language tag.
    pub summary: BTreeMap<String, AlignmentSummary>,
}

/// Segments and aligns `article`, laying `confirmed` beads over the aligner's, and makes
/// its units; stores nothing (a save, a preview, a benchmark). `models` are what the memory
/// taught about each target's pair ([`models::PairModels::for_targets`]); a target without
/// one is aligned on its languages' profiles alone.
pub fn plan(
    article: &Article,
    mut confirmed: BTreeMap<String, Vec<ConfirmedBead>>,
    settings: &Settings,
    models: &models::ArticleModels,
) -> Result<Plan, EditorialError> {
    let mut sentences = BTreeMap::new();
    for (lang_key, version) in &article.versions {
        sentences.insert(
            lang_key.clone(),
            sentences::version_sentences(version, settings.max_text_chars)?,
        );
    }
    let source_key = article.source.key().to_string();
    let source = &sentences[&source_key];
    let read_source = alignment::ReadVersion::new(&article.source, source);
    let mut alignments = BTreeMap::new();
    for (lang_key, version) in &article.versions {
        if *lang_key == source_key {
            continue;
        }
        let kept = confirmed.get(lang_key).map(Vec::as_slice).unwrap_or(&[]);
        let beads = alignment::align_version(
            &read_source,
            &alignment::ReadVersion::new(&version.lang, &sentences[lang_key]),
            kept,
            &settings.align,
            models.get(lang_key).map(|m| &**m),
        );
        alignments.insert(lang_key.clone(), beads);
    }
    // Confirmed beads that could not be found again (their sentences changed) are dropped.
    for (lang_key, beads) in &alignments {
        let target = &sentences[lang_key];
        let still: Vec<ConfirmedBead> = beads
            .iter()
            .filter(|b| b.confirmed)
            .map(|b| ConfirmedBead::of(b, source, target))
            .collect();
        confirmed.insert(lang_key.clone(), still);
    }
    confirmed.retain(|k, v| alignments.contains_key(k) && !v.is_empty());
    let aligned: BTreeMap<String, units::AlignedVersion<'_>> = alignments
        .iter()
        .map(|(k, beads)| {
            (
                k.clone(),
                units::AlignedVersion {
                    sentences: &sentences[k],
                    beads,
                },
            )
        })
        .collect();
    let units = units::article_units(article, source, &aligned, &settings.align);
    let summary = alignments
        .iter()
        .map(|(k, beads)| {
            let n = beads.len().max(1) as f32;
            (
                article.versions[k].lang.tag().to_string(),
                AlignmentSummary {
                    beads: beads.len(),
                    one_to_one: beads
                        .iter()
                        .filter(|b| b.source.len() == 1 && b.target.len() == 1)
                        .count(),
                    review: beads
                        .iter()
                        .filter(|b| b.needs_review(&settings.align))
                        .count(),
                    confidence: (beads.iter().map(|b| b.confidence).sum::<f32>() / n * 1000.0)
                        .round()
                        / 1000.0,
                },
            )
        })
        .collect();
    Ok(Plan {
        sentences,
        alignment: alignments,
        confirmed,
        units,
        summary,
    })
}

/// Plans `article` and writes it with its units, provided the stored record is still
/// `old`.
fn commit(
    memory: &Memory,
    article: Article,
    confirmed: BTreeMap<String, Vec<ConfirmedBead>>,
    old: Option<(Vec<u8>, Record)>,
    settings: &Settings,
) -> Result<Saved, EditorialError> {
    let models = settings.models.for_targets(
        memory,
        &article.source,
        article
            .versions
            .values()
            .map(|v| &v.lang)
            .filter(|l| l.key() != article.source.key()),
    )?;
    let plan = plan(&article, confirmed, settings, &models)?;
    let unit_ids: Vec<String> = plan.units.iter().map(|u| u.id.to_string()).collect();
    let (old_bytes, old_units) = match old {
        Some((bytes, record)) => (Some(bytes), record.units),
        None => (None, Vec::new()),
    };
    let delete: Vec<String> = old_units
        .into_iter()
        .filter(|id| !unit_ids.contains(id))
        .collect();
    let versions = article
        .versions
        .iter()
        .map(|(k, v)| {
            (
                v.lang.tag().to_string(),
                VersionCount {
                    sentences: plan.sentences[k].len(),
                },
            )
        })
        .collect();
    let record = Record {
        article: article.input(),
        alignment: plan.alignment,
        confirmed: plan.confirmed,
        units: unit_ids,
        saved: now(),
    };
    let payload = serde_json::to_vec(&record).map_err(MemoryError::Corrupt)?;
    let written = memory
        .write_record(
            key(&article.id),
            old_bytes,
            RecordWrite {
                record: Some(payload),
                put: plan.units,
                delete,
            },
        )
        .wait()?;
    Ok(Saved {
        id: article.id.into(),
        created: !written.existed,
        versions,
        units: written,
        alignment: plan.summary,
    })
}

/// Runs `attempt` again while another write of the same article comes between.
fn retrying<T>(
    mut attempt: impl FnMut() -> Result<T, EditorialError>,
) -> Result<T, EditorialError> {
    let mut tries = 0;
    loop {
        match attempt() {
            Err(EditorialError::Memory(MemoryError::Conflict(_))) if tries + 1 < ATTEMPTS => {
                tries += 1;
            }
            other => return other,
        }
    }
}

/// Creates or replaces an article (its confirmed beads are kept where their sentences are).
/// Blocks until committed: call it off the async workers.
pub fn save(
    memory: &Memory,
    input: ArticleInput,
    settings: &Settings,
    scope: &Scope,
) -> Result<Saved, EditorialError> {
    let article = input.validate(settings.max_article_chars)?;
    scope.check(article.outlet.as_deref())?;
    retrying(|| {
        let old = read(memory, &article.id)?;
        if let Some((_, record)) = &old {
            // Not another outlet's article taken over by sending one with its id.
            scope.check(record.article.outlet.as_deref())?;
        }
        #[cfg(test)]
        scope::tests::between_read_and_commit();
        let confirmed = old
            .as_ref()
            .map(|(_, r)| r.confirmed.clone())
            .unwrap_or_default();
        commit(memory, article.clone(), confirmed, old, settings)
    })
}

/// Changes one article in place: `change` gets the stored article (as sent) and its
/// confirmed beads.
fn update(
    memory: &Memory,
    id: &str,
    settings: &Settings,
    scope: &Scope,
    mut change: impl FnMut(
        &mut ArticleInput,
        &mut BTreeMap<String, Vec<ConfirmedBead>>,
        &Record,
    ) -> Result<(), EditorialError>,
) -> Result<Saved, EditorialError> {
    retrying(|| {
        let Some((bytes, record)) = read(memory, id)? else {
            return Err(EditorialError::NotFound(id.to_string()));
        };
        scope.check(record.article.outlet.as_deref())?;
        let mut input = record.article.clone();
        let mut confirmed = record.confirmed.clone();
        change(&mut input, &mut confirmed, &record)?;
        let article = input.validate(settings.max_article_chars)?;
        commit(memory, article, confirmed, Some((bytes, record)), settings)
    })
}

/// The stored tag of the version in language `lang_key`, if any.
fn version_tag(input: &ArticleInput, lang_key: &str) -> Option<String> {
    input.versions.keys().find_map(|tag| {
        crate::model::lang::Lang::parse(tag)
            .ok()
            .filter(|l| l.key() == lang_key)
            .map(|_| tag.clone())
    })
}

/// Adds or replaces the version in `tag` of a stored article, and aligns it.
pub fn put_version(
    memory: &Memory,
    id: &str,
    tag: &str,
    version: VersionInput,
    settings: &Settings,
    scope: &Scope,
) -> Result<Saved, EditorialError> {
    let lang = version.clone().validate(tag)?.lang;
    update(memory, id, settings, scope, |input, _, _| {
        if let Some(old) = version_tag(input, lang.key()) {
            input.versions.remove(&old);
        }
        input
            .versions
            .insert(lang.tag().to_string(), version.clone());
        Ok(())
    })
}

/// Removes one version (not the source's) and the variants it gave the units.
pub fn delete_version(
    memory: &Memory,
    id: &str,
    lang: &crate::model::lang::Lang,
    settings: &Settings,
    scope: &Scope,
) -> Result<Saved, EditorialError> {
    update(memory, id, settings, scope, |input, confirmed, _| {
        let source = crate::model::lang::Lang::parse(&input.source)
            .map_err(|_| EditorialError::NotFound(id.to_string()))?;
        if source.key() == lang.key() {
            return Err(EditorialError::SourceVersion(
                id.to_string(),
                lang.tag().to_string(),
            ));
        }
        let Some(tag) = version_tag(input, lang.key()) else {
            return Err(EditorialError::VersionNotFound(
                id.to_string(),
                lang.tag().to_string(),
            ));
        };
        input.versions.remove(&tag);
        confirmed.remove(lang.key());
        Ok(())
    })
}

/// Marks versions published (they get edition pages); `published: false` takes them back
/// to draft.
pub fn publish(
    memory: &Memory,
    id: &str,
    langs: &[crate::model::lang::Lang],
    published: bool,
    settings: &Settings,
    scope: &Scope,
) -> Result<Saved, EditorialError> {
    update(memory, id, settings, scope, |input, _, _| {
        for lang in langs {
            let Some(tag) = version_tag(input, lang.key()) else {
                return Err(EditorialError::VersionNotFound(
                    id.to_string(),
                    lang.tag().to_string(),
                ));
            };
            let version = input.versions.get_mut(&tag).expect("found by its tag");
            version.status = published.then(|| "published".to_string());
        }
        Ok(())
    })
}

/// Replaces the beads of one target language with an editor's: all become confirmed.
pub fn correct_alignment(
    memory: &Memory,
    id: &str,
    lang: &crate::model::lang::Lang,
    beads: &[ArticleBead],
    settings: &Settings,
    scope: &Scope,
) -> Result<Saved, EditorialError> {
    update(memory, id, settings, scope, |input, confirmed, _| {
        let article = input.clone().validate(settings.max_article_chars)?;
        if article.source.key() == lang.key() {
            return Err(EditorialError::InvalidAlignment(
                "the source version is not aligned to itself; name a target language".into(),
            ));
        }
        let Some(target) = article.versions.get(lang.key()) else {
            return Err(EditorialError::VersionNotFound(
                id.to_string(),
                lang.tag().to_string(),
            ));
        };
        let max = settings.max_text_chars;
        let source = sentences::version_sentences(&article.versions[article.source.key()], max)?;
        let target = sentences::version_sentences(target, max)?;
        if let Some(problem) = alignment::coverage_problem(beads, source.len(), target.len()) {
            return Err(EditorialError::InvalidAlignment(problem));
        }
        let mut fixed: Vec<ConfirmedBead> = beads
            .iter()
            .map(|b| ConfirmedBead::of(b, &source, &target))
            .collect();
        fixed.sort_by_key(|b| (b.source_at, b.target_at));
        confirmed.insert(lang.key().to_string(), fixed);
        Ok(())
    })
}

/// Deletes an article; its units go with it unless `keep_units`.
pub fn delete(
    memory: &Memory,
    id: &str,
    keep_units: bool,
    scope: &Scope,
) -> Result<RecordWritten, EditorialError> {
    retrying(|| {
        let Some((bytes, record)) = read(memory, id)? else {
            return Err(EditorialError::NotFound(id.to_string()));
        };
        scope.check(record.article.outlet.as_deref())?;
        let delete = if keep_units { Vec::new() } else { record.units };
        Ok(memory
            .write_record(
                key(id),
                Some(bytes),
                RecordWrite {
                    record: None,
                    put: Vec::new(),
                    delete,
                },
            )
            .wait()?)
    })
}

/// One stored article with its sentences and alignment.
pub fn get(memory: &Memory, id: &str) -> Result<ArticleView, EditorialError> {
    let Some((_, record)) = read(memory, id)? else {
        return Err(EditorialError::NotFound(id.to_string()));
    };
    view(record)
}

fn view(record: Record) -> Result<ArticleView, EditorialError> {
    // The record was validated when written; a stricter limit since then does not hide it.
    let article = record.article.validate(usize::MAX)?;
    let mut sentences = BTreeMap::new();
    for (k, version) in &article.versions {
        // Stored: read back whatever limit it was stored under.
        sentences.insert(
            k.clone(),
            sentences::version_sentences(version, usize::MAX)?,
        );
    }
    Ok(ArticleView {
        article,
        sentences,
        alignment: record.alignment,
        units: record.units,
        saved: record.saved,
    })
}

/// Which articles a listing shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub outlet: Option<String>,
    pub section: Option<String>,
    /// Articles with a version in this language key.
    pub lang: Option<String>,
    /// Published (or, without a date, saved) at or after this RFC 3339 time.
    pub since: Option<String>,
    /// After this position (see [`Listed::cursor`]).
    pub after: Option<(String, String)>,
}

/// One article of a listing.
#[derive(Debug, Clone)]
pub struct Listed {
    pub article: Article,
    pub saved: String,
    /// Where the listing stands after this article: its date and id.
    pub cursor: (String, String),
}

/// Articles, newest first (by publication date, else by when they were saved; then by id),
/// at most `limit`, and whether more follow.
pub fn list(
    memory: &Memory,
    filter: &ListFilter,
    limit: usize,
) -> Result<(Vec<Listed>, bool), EditorialError> {
    let mut all = Vec::new();
    for bytes in memory.records(KEY_PREFIX)? {
        let record = decode(&bytes)?;
        let article = record.article.validate(usize::MAX)?;
        let date = article
            .published
            .clone()
            .unwrap_or_else(|| record.saved.clone());
        let keep = filter
            .outlet
            .as_ref()
            .is_none_or(|o| article.outlet.as_ref() == Some(o))
            && filter
                .section
                .as_ref()
                .is_none_or(|s| article.section.as_ref() == Some(s))
            && filter
                .lang
                .as_ref()
                .is_none_or(|l| article.versions.contains_key(l))
            && filter.since.as_ref().is_none_or(|since| date >= *since)
            && filter
                .after
                .as_ref()
                .is_none_or(|after| (date.as_str(), article.id.as_str()) < (&after.0, &after.1));
        if keep {
            let cursor = (date, article.id.to_string());
            all.push(Listed {
                article,
                saved: record.saved,
                cursor,
            });
        }
    }
    all.sort_by(|a, b| b.cursor.cmp(&a.cursor));
    let more = all.len() > limit;
    all.truncate(limit);
    Ok((all, more))
}

/// A writable memory in `dir`, for the editorial layer's unit tests.
#[cfg(test)]
pub(crate) fn scratch_memory(dir: &std::path::Path) -> Memory {
    Memory::open(
        dir,
        crate::memory::Mode::ReadWrite {
            heap_bytes: 50_000_000,
        },
    )
    .expect("a memory opens in a fresh directory")
}
