//! Articles as the newsroom's CMS sends them, validated once into typed values.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::model::lang::{Lang, LangError};
use crate::model::unit::{text_problem, TextProblem, MAX_NOTE_CHARS};

/// The longest article id, in chars.
pub const MAX_ARTICLE_ID_CHARS: usize = 200;

/// The most authors and tags an article keeps.
pub const MAX_AUTHORS: usize = 50;
pub const MAX_TAGS: usize = 100;

/// One language version of an article, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionInput {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// Plain text: paragraphs separated by blank lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// HTML as a CMS stores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// `draft` (the default) or `published`: only published versions have edition pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// An article as sent (and as its record keeps it, once validated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// The language the article was written in.
    pub source: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// By language tag.
    pub versions: BTreeMap<String, VersionInput>,
}

/// The text of a version's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Plain(String),
    Html(String),
}

/// A validated version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub lang: Lang,
    pub title: String,
    pub lead: Option<String>,
    pub body: Body,
    /// Whether the version is published (has an edition page).
    pub published: bool,
}

/// A validated article: versions by language key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: ArticleId,
    pub outlet: Option<String>,
    pub section: Option<String>,
    pub authors: Vec<String>,
    /// RFC 3339, normalised to UTC.
    pub published: Option<String>,
    pub updated: Option<String>,
    pub source: Lang,
    pub tags: Vec<String>,
    pub versions: BTreeMap<String, Version>,
}

/// Why an article cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArticleProblem {
    #[error(
        "an article id is 1 to {MAX_ARTICLE_ID_CHARS} letters, digits, '-', '_' or '.'; \
         '{0}' is not"
    )]
    InvalidId(String),
    #[error("'{0}' is not a language tag")]
    InvalidLanguage(String),
    #[error("the language '{0}' is not known")]
    UnknownLanguage(String),
    #[error("two versions are in the same language ({0})")]
    DuplicateLanguage(String),
    #[error("the article has no version in its source language '{0}'")]
    SourceMissing(String),
    #[error("the article has no versions")]
    NoVersions,
    #[error("the {0} version has no title")]
    NoTitle(String),
    #[error("the {0} version needs a 'body' or an 'html', and only one of them")]
    BodyChoice(String),
    #[error("the {0} version's body holds no text")]
    NoText(String),
    #[error("the {lang} version: {problem}")]
    Text { lang: String, problem: TextProblem },
    #[error("the article has {chars} characters of text; the limit is {limit}")]
    TooLong { chars: usize, limit: usize },
    #[error("'{field}' is not an RFC 3339 date: '{value}'")]
    InvalidDate { field: &'static str, value: String },
    #[error("{0}")]
    Metadata(String),
}

/// An article's id: 1–200 letters, digits, `-`, `_`, `.` (never `/`, so it is one URL path
/// segment), and not only dots. Made only by [`ArticleId::parse`]: an article's record keeps
/// the article as sent, validated again when it is read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleId(String);

crate::model::id::string_id!(ArticleId);

impl ArticleId {
    pub fn parse(id: impl Into<String>) -> Result<ArticleId, ArticleProblem> {
        let id = id.into();
        match id_problem(&id) {
            Some(problem) => Err(problem),
            None => Ok(ArticleId(id)),
        }
    }
}

/// Why `id` cannot name an article, if it cannot.
pub fn id_problem(id: &str) -> Option<ArticleProblem> {
    let chars = id.chars().count();
    let fits = (1..=MAX_ARTICLE_ID_CHARS).contains(&chars)
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !id.chars().all(|c| c == '.');
    (!fits).then(|| ArticleProblem::InvalidId(id.chars().take(60).collect()))
}

fn lang_of(tag: &str) -> Result<Lang, ArticleProblem> {
    Lang::parse(tag).map_err(|e| match e {
        LangError::Invalid(t) => ArticleProblem::InvalidLanguage(t),
        LangError::Unknown(t) => ArticleProblem::UnknownLanguage(t),
    })
}

fn date(field: &'static str, value: Option<String>) -> Result<Option<String>, ArticleProblem> {
    let Some(value) = value else { return Ok(None) };
    let parsed =
        OffsetDateTime::parse(value.trim(), &Rfc3339).map_err(|_| ArticleProblem::InvalidDate {
            field,
            value: value.chars().take(60).collect(),
        })?;
    let utc = parsed.to_offset(time::UtcOffset::UTC);
    Ok(Some(utc.format(&Rfc3339).unwrap_or(value)))
}

fn short(field: &str, value: &str) -> Result<(), ArticleProblem> {
    if value.chars().count() > MAX_NOTE_CHARS {
        return Err(ArticleProblem::Metadata(format!(
            "'{field}' is longer than {MAX_NOTE_CHARS} characters"
        )));
    }
    if let Some(problem) = text_problem(value, MAX_NOTE_CHARS) {
        return Err(ArticleProblem::Metadata(format!("'{field}': {problem}")));
    }
    Ok(())
}

impl ArticleInput {
    /// Validates the article; `max_chars` bounds the text of all versions together.
    pub fn validate(self, max_chars: usize) -> Result<Article, ArticleProblem> {
        let id = ArticleId::parse(self.id)?;
        for (field, value) in [("outlet", &self.outlet), ("section", &self.section)] {
            if let Some(value) = value {
                short(field, value)?;
            }
        }
        if self.authors.len() > MAX_AUTHORS || self.tags.len() > MAX_TAGS {
            return Err(ArticleProblem::Metadata(format!(
                "an article has at most {MAX_AUTHORS} authors and {MAX_TAGS} tags"
            )));
        }
        for value in self.authors.iter().chain(&self.tags) {
            short("authors/tags", value)?;
        }
        let source = lang_of(&self.source)?;
        if self.versions.is_empty() {
            return Err(ArticleProblem::NoVersions);
        }
        let mut versions = BTreeMap::new();
        let mut chars = 0usize;
        for (tag, version) in self.versions {
            let version = version.validate(&tag)?;
            chars += version.chars();
            let key = version.lang.key().to_string();
            if versions.insert(key.clone(), version).is_some() {
                return Err(ArticleProblem::DuplicateLanguage(key));
            }
        }
        if chars > max_chars {
            return Err(ArticleProblem::TooLong {
                chars,
                limit: max_chars,
            });
        }
        if !versions.contains_key(source.key()) {
            return Err(ArticleProblem::SourceMissing(source.tag().to_string()));
        }
        Ok(Article {
            id,
            outlet: self.outlet.filter(|s| !s.trim().is_empty()),
            section: self.section.filter(|s| !s.trim().is_empty()),
            authors: self.authors,
            published: date("published", self.published)?,
            updated: date("updated", self.updated)?,
            source,
            tags: self.tags,
            versions,
        })
    }
}

impl VersionInput {
    /// Validates one version sent under the language tag `tag`.
    pub fn validate(self, tag: &str) -> Result<Version, ArticleProblem> {
        let lang = lang_of(tag)?;
        let name = lang.tag().to_string();
        if self.title.trim().is_empty() {
            return Err(ArticleProblem::NoTitle(name));
        }
        let published = match self.status.as_deref() {
            None | Some("draft") => false,
            Some("published") => true,
            Some(other) => {
                return Err(ArticleProblem::Metadata(format!(
                    "the {name} version's status is '{}'; it is draft or published",
                    other.chars().take(40).collect::<String>()
                )))
            }
        };
        let body = match (self.body, self.html) {
            (Some(body), None) => Body::Plain(body),
            (None, Some(html)) => Body::Html(html),
            _ => return Err(ArticleProblem::BodyChoice(name)),
        };
        let texts = [Some(&self.title), self.lead.as_ref()];
        for text in texts.into_iter().flatten() {
            // Their length is checked sentence by sentence once segmented, with the body.
            if let Some(problem) = text_problem(text, usize::MAX) {
                return Err(ArticleProblem::Text {
                    lang: name,
                    problem,
                });
            }
        }
        Ok(Version {
            lang,
            title: self.title,
            lead: self.lead.filter(|l| !l.trim().is_empty()),
            body,
            published,
        })
    }
}

impl Version {
    /// The chars of everything sent (markup included).
    pub fn chars(&self) -> usize {
        let body = match &self.body {
            Body::Plain(text) | Body::Html(text) => text.chars().count(),
        };
        self.title.chars().count() + self.lead.as_deref().map_or(0, |l| l.chars().count()) + body
    }

    /// The version as sent.
    pub fn input(&self) -> VersionInput {
        let (body, html) = match &self.body {
            Body::Plain(text) => (Some(text.clone()), None),
            Body::Html(html) => (None, Some(html.clone())),
        };
        VersionInput {
            title: self.title.clone(),
            lead: self.lead.clone(),
            body,
            html,
            status: self.published.then(|| "published".to_string()),
        }
    }
}

impl Article {
    /// The article as sent (canonical tags, normalised dates): what its record keeps.
    pub fn input(&self) -> ArticleInput {
        ArticleInput {
            id: self.id.to_string(),
            outlet: self.outlet.clone(),
            section: self.section.clone(),
            authors: self.authors.clone(),
            published: self.published.clone(),
            updated: self.updated.clone(),
            source: self.source.tag().to_string(),
            tags: self.tags.clone(),
            versions: self
                .versions
                .values()
                .map(|v| (v.lang.tag().to_string(), v.input()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: serde_json::Value) -> ArticleInput {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn ids_languages_sources_and_bodies_are_checked() {
        assert!(id_problem("2026-03-01.gas_deal").is_none());
        assert!(id_problem("Ալիև-1").is_none());
        for bad in ["", "a/b", "a b", "..", &"x".repeat(201)] {
            assert!(id_problem(bad).is_some(), "{bad}");
        }
        let ok = serde_json::json!({"id": "a1", "source": "en",
            "versions": {"en": {"title": "T", "body": "B."}, "hy-AM": {"title": "Տ", "body": "Բ։"}}});
        let article = input(ok.clone()).validate(10_000).unwrap();
        assert_eq!(article.versions.keys().collect::<Vec<_>>(), ["en", "hy"]);
        let mut no_source = ok.clone();
        no_source["source"] = "ru".into();
        assert_eq!(
            input(no_source).validate(10_000),
            Err(ArticleProblem::SourceMissing("ru".into()))
        );
        let mut both = ok.clone();
        both["versions"]["en"]["html"] = "<p>x</p>".into();
        assert!(matches!(
            input(both).validate(10_000),
            Err(ArticleProblem::BodyChoice(_))
        ));
        let mut twice = ok.clone();
        twice["versions"]["hy"] = serde_json::json!({"title": "Տ", "body": "Բ։"});
        assert!(matches!(
            input(twice).validate(10_000),
            Err(ArticleProblem::DuplicateLanguage(_))
        ));
        assert!(matches!(
            input(ok.clone()).validate(5),
            Err(ArticleProblem::TooLong { .. })
        ));
        let mut date = ok;
        date["published"] = "yesterday".into();
        assert!(matches!(
            input(date).validate(10_000),
            Err(ArticleProblem::InvalidDate { .. })
        ));
    }
}
