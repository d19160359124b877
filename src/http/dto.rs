//! Request and response bodies, and their validation into memory types (once, here).

use crate::model::time::Timestamp;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::{ApiError, ErrorCode};
use crate::model::lang::Lang;
use crate::model::unit::{Meta, Prop, Unit, UnitId, Variant};

use crate::model::unit::TextProblem;
pub use crate::model::unit::MAX_TEXT_CHARS;

/// Sequences in request bodies stop growing while they are parsed, one item past their
/// limit, so a small body cannot make a huge one (`"targets": ["en" × 6M]`): the handler's
/// own check then answers with its specific code.
pub mod bounded {
    use std::marker::PhantomData;

    use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};

    struct Bounded<T> {
        max: usize,
        item: PhantomData<T>,
    }

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Bounded<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "a list of at most {} items", self.max - 1)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.max));
            while let Some(item) = seq.next_element()? {
                if out.len() == self.max {
                    return Err(serde::de::Error::custom(format_args!(
                        "a list of more than {} items",
                        self.max - 1
                    )));
                }
                out.push(item);
            }
            Ok(out)
        }
    }

    fn seq<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
        max: usize,
    ) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(Bounded {
            max: max + 1,
            item: PhantomData,
        })
    }

    /// Target languages: far more than any memory holds.
    pub fn targets<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        seq(d, 64)
    }

    /// Units of one `POST /v1/units`.
    pub fn units<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        seq(d, super::MAX_UNITS_PER_REQUEST)
    }

    /// Segments of one batch lookup.
    pub fn segments<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        seq(d, crate::memory::MatchQuery::MAX_BATCH)
    }

    /// Notes or props of one unit.
    pub fn notes<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        seq(
            d,
            crate::model::unit::MAX_NOTES.max(crate::model::unit::MAX_PROPS),
        )
    }

    /// Authors or tags of one article.
    pub fn names<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        seq(
            d,
            crate::editorial::article::MAX_AUTHORS.max(crate::editorial::article::MAX_TAGS),
        )
    }

    /// Beads of one alignment correction, or sentences of one bead.
    pub fn beads<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        seq(d, 20_000)
    }

    /// Messages of one `POST /v1/l10n/format`.
    pub fn messages<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        seq(d, crate::http::l10n::MAX_MESSAGES_PER_REQUEST)
    }
}

/// The most units one `POST /v1/units` may carry (files go to `/v1/import`).
pub const MAX_UNITS_PER_REQUEST: usize = 10_000;

/// A TMX `<prop>` as the API reads and shows it.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PropDto {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

impl From<PropDto> for Prop {
    fn from(p: PropDto) -> Prop {
        Prop {
            kind: p.kind,
            value: p.value,
            lang: p.lang,
        }
    }
}

impl From<Prop> for PropDto {
    fn from(p: Prop) -> PropDto {
        PropDto {
            kind: p.kind,
            value: p.value,
            lang: p.lang,
        }
    }
}

/// A unit's metadata as the API shows it (in units, matches and concordance hits).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MetaOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<PropDto>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl From<Meta> for MetaOut {
    fn from(m: Meta) -> MetaOut {
        MetaOut {
            document: m.document,
            outlet: m.outlet,
            author: m.author,
            created: m.created.map(Timestamp::into_string),
            changed: m.changed.map(Timestamp::into_string),
            notes: m.notes,
            props: m.props.into_iter().map(PropDto::from).collect(),
            attrs: m.attrs,
            prev: m.prev.map(String::from),
            next: m.next.map(String::from),
        }
    }
}

impl From<&Meta> for MetaDto {
    fn from(m: &Meta) -> MetaDto {
        MetaDto {
            document: m.document.clone(),
            outlet: m.outlet.clone(),
            author: m.author.clone(),
            created: m.created.as_ref().map(Timestamp::to_string),
            changed: m.changed.as_ref().map(Timestamp::to_string),
            notes: m.notes.clone(),
            props: m.props.iter().cloned().map(PropDto::from).collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetaDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "bounded::notes"
    )]
    pub notes: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "bounded::notes"
    )]
    pub props: Vec<PropDto>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"variants": {"en": "The bridge opens in May.", "hy": "Կամուրջը կբացվի մայիսին։"}}))]
pub struct UnitIn {
    #[serde(default)]
    pub id: Option<String>,
    pub variants: BTreeMap<String, String>,
    #[serde(default)]
    pub meta: MetaDto,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"units": [{"id": "example-1", "variants": {"en": "The bridge opens in May.", "ru": "Мост откроется в мае."}, "meta": {"document": "bridge-2026"}}]}))]
pub struct UnitsIn {
    #[serde(deserialize_with = "bounded::units")]
    pub units: Vec<UnitIn>,
}

/// A unit as the API shows it: texts by language tag.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitOut {
    pub id: String,
    pub variants: BTreeMap<String, String>,
    /// TMX inline markup of the variants that have inline codes.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub markup: BTreeMap<String, String>,
    pub meta: MetaOut,
}

impl From<Unit> for UnitOut {
    fn from(unit: Unit) -> UnitOut {
        let mut variants = BTreeMap::new();
        let mut markup = BTreeMap::new();
        for variant in unit.variants.into_values() {
            if let Some(m) = variant.markup {
                markup.insert(variant.lang.clone(), m);
            }
            variants.insert(variant.lang, variant.text);
        }
        UnitOut {
            id: unit.id.into(),
            variants,
            markup,
            meta: unit.meta.into(),
        }
    }
}

/// `2024-05-01T14:00:00+04:00` → `2024-05-01T10:00:00Z`.
pub fn canonical_time(field: &str, value: &str) -> Result<Timestamp, ApiError> {
    Timestamp::parse(value).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidDate,
            format!("{field} '{value}' is not an RFC 3339 time (e.g. 2026-05-01T09:30:00Z)"),
        )
    })
}

/// Now, as stored dates are written.
pub fn now_utc() -> Timestamp {
    Timestamp::now()
}

/// Checks a text asked about (a lookup, a query): not empty, not too long.
pub fn check_text(what: &str, text: &str) -> Result<(), ApiError> {
    check_text_within(what, text, MAX_TEXT_CHARS)
}

/// Checks a text: not empty, at most `max` chars (the memory's limit for stored texts).
pub fn check_text_within(what: &str, text: &str, max: usize) -> Result<(), ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::new(
            ErrorCode::EmptyText,
            format!("{what} is empty; send the sentence to store or match"),
        ));
    }
    match crate::model::unit::text_problem(text, max) {
        Some(TextProblem::Forbidden(c)) => Err(ApiError::new(
            ErrorCode::InvalidText,
            format!(
                "{what} holds the control character U+{:04X}, which no exchange format (TMX, XLIFF) can carry; remove it",
                c as u32
            ),
        )),
        Some(TextProblem::TooLong { chars, max }) => {
            let mut error = ApiError::new(
                ErrorCode::TextTooLong,
                format!("{what} has {chars} characters; the limit is {max} (send one sentence or paragraph)"),
            );
            error.limit = Some(max);
            Err(error)
        }
        None => Ok(()),
    }
}

/// A unit id from the request, checked against the one rule.
pub fn unit_id(id: impl Into<String>) -> Result<UnitId, ApiError> {
    UnitId::parse(id).map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidId,
            "a unit id must be 1–256 bytes without control characters",
        )
    })
}

impl MetaDto {
    fn into_meta(self) -> Result<Meta, ApiError> {
        let created = self
            .created
            .map(|v| canonical_time("meta.created", &v))
            .transpose()?;
        let changed = self
            .changed
            .map(|v| canonical_time("meta.changed", &v))
            .transpose()?;
        Ok(Meta {
            document: self.document.filter(|s| !s.trim().is_empty()),
            outlet: self.outlet.filter(|s| !s.trim().is_empty()),
            author: self.author.filter(|s| !s.trim().is_empty()),
            created,
            changed,
            notes: self.notes,
            props: self.props.into_iter().map(Prop::from).collect(),
            attrs: BTreeMap::new(),
            prev: None,
            next: None,
        })
    }
}

impl UnitIn {
    /// Validates the unit; `path_id` is the id from the URL of a PUT.
    /// `max_chars` is the memory's limit for a stored text.
    pub fn into_unit(self, path_id: Option<&str>, max_chars: usize) -> Result<Unit, ApiError> {
        if self.variants.is_empty() {
            return Err(ApiError::new(
                ErrorCode::NoVariants,
                "a unit needs at least one variant, e.g. {\"variants\":{\"en\":\"…\",\"hy\":\"…\"}}",
            ));
        }
        let mut variants = BTreeMap::new();
        for (tag, text) in &self.variants {
            let lang = Lang::parse(tag)?;
            check_text_within(&format!("variants.{tag}"), text, max_chars)?;
            if variants
                .insert(lang.key().to_string(), Variant::plain(&lang, text))
                .is_some()
            {
                return Err(ApiError::new(
                    ErrorCode::DuplicateLanguage,
                    format!("two variants are in language '{}'; keep one", lang.key()),
                ));
            }
        }
        let mut meta = self.meta.into_meta()?;
        if let Some(problem) = meta.problem() {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("meta: {problem}"),
            ));
        }
        if meta.created.is_none() {
            meta.created = Some(now_utc());
        }
        let id = match (path_id, self.id) {
            (Some(path), Some(body)) if path != body => {
                return Err(ApiError::new(ErrorCode::IdMismatch,
                    format!("the body's id '{body}' differs from the URL's '{path}'; drop it or make them equal"),
                ))
            }
            (Some(path), _) => unit_id(path)?,
            (None, Some(body)) => unit_id(body)?,
            (None, None) => Unit::content_id(&variants),
        };
        Ok(Unit { id, variants, meta })
    }
}

/// A partial change of a unit (`PATCH /v1/units/{id}`), as a JSON merge patch (RFC 7396):
/// a variant or a meta field given is set, one given as `null` is removed, the rest kept.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"variants": {"az": "Körpü mayda açılacaq."}}))]
pub struct UnitPatch {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub variants: BTreeMap<String, Option<String>>,
    #[serde(default)]
    pub meta: Option<serde_json::Value>,
}

impl UnitPatch {
    /// `unit` with the patch applied; `changed` set to now, `created` kept unless given.
    /// `max_chars` is the memory's limit for a stored text.
    pub fn apply(self, mut unit: Unit, max_chars: usize) -> Result<Unit, ApiError> {
        if let Some(body) = &self.id {
            if unit.id != *body {
                return Err(ApiError::new(
                    ErrorCode::IdMismatch,
                    format!("the body's id '{body}' differs from the URL's '{}'; drop it or make them equal", unit.id),
                ));
            }
        }
        for (tag, text) in &self.variants {
            let lang = Lang::parse(tag)?;
            match text {
                Some(text) => {
                    check_text_within(&format!("variants.{tag}"), text, max_chars)?;
                    unit.variants
                        .insert(lang.key().to_string(), Variant::plain(&lang, text));
                }
                None => {
                    unit.variants.remove(lang.key());
                }
            }
        }
        if unit.variants.is_empty() {
            return Err(ApiError::new(
                ErrorCode::NoVariants,
                "the patch removes every variant; a unit needs at least one (DELETE removes the unit)",
            ));
        }
        if let Some(patch) = self.meta {
            let stored = MetaDto::from(&unit.meta);
            let mut value =
                serde_json::to_value(&stored).map_err(|e| ApiError::internal(e.to_string()))?;
            merge_patch(&mut value, patch);
            let dto: MetaDto = serde_json::from_value(value)
                .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, format!("meta: {e}")))?;
            let mut meta = dto.into_meta()?;
            // What the API does not show is kept: neighbours and TMX attributes.
            meta.prev = unit.meta.prev.take();
            meta.next = unit.meta.next.take();
            meta.attrs = std::mem::take(&mut unit.meta.attrs);
            if meta.created.is_none() {
                meta.created = unit.meta.created.take();
            }
            if let Some(problem) = meta.problem() {
                return Err(ApiError::new(
                    ErrorCode::InvalidRequest,
                    format!("meta: {problem}"),
                ));
            }
            unit.meta = meta;
        }
        unit.meta.changed = Some(now_utc());
        Ok(unit)
    }
}

/// RFC 7396: `patch` merged into `target`; `null` removes a member.
fn merge_patch(target: &mut serde_json::Value, patch: serde_json::Value) {
    match patch {
        serde_json::Value::Object(members) => {
            if !target.is_object() {
                *target = serde_json::Value::Object(serde_json::Map::new());
            }
            let object = target.as_object_mut().expect("made an object above");
            for (key, value) in members {
                if value.is_null() {
                    object.remove(&key);
                } else {
                    merge_patch(object.entry(key).or_insert(serde_json::Value::Null), value);
                }
            }
        }
        other => *target = other,
    }
}

/// The sentences around the one looked up, for context (101%) matches.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContextIn {
    #[serde(default)]
    pub prev: Option<String>,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub document: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Passenger trains between Yerevan and Baku will resume in March.", "source": "en", "targets": ["hy", "ru"], "min_score": 50, "limit": 3}))]
pub struct MatchIn {
    pub text: String,
    pub source: String,
    #[serde(default, deserialize_with = "bounded::targets")]
    pub targets: Vec<String>,
    #[serde(default)]
    pub min_score: Option<u32>,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub context: Option<ContextIn>,
    /// Only units of this document, outlet, or changed since this time.
    #[serde(default)]
    pub document: Option<String>,
    #[serde(default)]
    pub outlet: Option<String>,
    #[serde(default)]
    pub since: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchOut {
    pub unit_id: String,
    pub score: u32,
    pub source_text: String,
    pub targets: BTreeMap<String, String>,
    /// True when the targets carry the query's numbers and codes.
    pub adapted: bool,
    /// The stored targets before adaptation (only when `adapted`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored_targets: Option<BTreeMap<String, String>>,
    pub diff: Vec<crate::memory::DiffOp>,
    pub meta: MetaOut,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchesOut {
    pub matches: Vec<MatchOut>,
}
