//! The stored form of a unit (the index payload) and the data directory's format version.
//!
//! Stored units are their own types, converted to and from the model, so that renaming a
//! model field or an API field changes neither what is on disk nor what can be read back.
//! A change to these types is a new format version: add `UnitV2`, read both, write the new
//! one, and bump [`FORMAT_VERSION`]. [`Glance`] reads the same fields of a payload, so it
//! follows every such change.

use crate::model::time::Timestamp;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::MemoryError;
use crate::model::unit::{Meta, Prop, Unit, UnitId, Variant};

/// The format this release writes (and the newest it reads).
pub const FORMAT_VERSION: u32 = 1;

/// The file in the data directory that records its format.
const FORMAT_FILE: &str = "FORMAT";

/// What the format file says, before the version number.
const FORMAT_PREFIX: &str = "tetraglot data format ";

/// Checks that this release can read the data directory `dir`; with `record`, writes the
/// format of a directory that has none yet: a new one, or one written before the format was
/// recorded (whose units are format 1).
pub fn check_format(dir: &Path, record: bool) -> Result<(), MemoryError> {
    let file = dir.join(FORMAT_FILE);
    match std::fs::read_to_string(&file) {
        Ok(text) => {
            let version = text
                .trim()
                .strip_prefix(FORMAT_PREFIX)
                .and_then(|v| v.parse::<u32>().ok())
                .ok_or_else(|| {
                    MemoryError::DataFormat(format!("{} is unreadable", file.display()))
                })?;
            if version > FORMAT_VERSION {
                return Err(MemoryError::DataFormat(format!(
                    "the data directory {} is in format {version}, written by a newer tetraglot; \
                     this release reads formats up to {FORMAT_VERSION}: run the newer release, or \
                     export with it and import here",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !record => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)?;
            let temporary = dir.join(".FORMAT.tmp");
            std::fs::write(&temporary, format!("{FORMAT_PREFIX}{FORMAT_VERSION}\n"))?;
            std::fs::File::open(&temporary)?.sync_all()?;
            std::fs::rename(&temporary, &file)?;
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// The payload of `unit`.
pub fn encode(unit: &Unit) -> Result<Vec<u8>, MemoryError> {
    Ok(serde_json::to_vec(&UnitV1::from(unit))?)
}

/// The unit a payload holds.
pub fn decode(bytes: &[u8]) -> Result<Unit, MemoryError> {
    Ok(serde_json::from_slice::<UnitV1>(bytes)?.into())
}

/// What a lookup reads of every candidate before it keeps any: the unit's id, the text of
/// each of its languages, and the metadata its filters ask, borrowed from the payload where
/// it can be. Everything else is skipped: a lookup among a million units that widens reads
/// hundreds of candidates and keeps a few, and decoding each whole was a sixth of its time.
#[derive(Deserialize)]
pub struct Glance<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    variants: BTreeMap<Cow<'a, str>, GlanceVariantV1<'a>>,
    #[serde(default, borrow)]
    meta: GlanceMetaV1<'a>,
}

#[derive(Deserialize)]
struct GlanceVariantV1<'a> {
    #[serde(borrow)]
    text: RawText<'a>,
}

/// A text as its JSON string's bytes (escapes resolved), checked as UTF-8 only when it is
/// read: a lookup reads one language of each candidate, and checking all four was 3 % of
/// its instructions.
struct RawText<'a>(Cow<'a, [u8]>);

impl<'de: 'a, 'a> Deserialize<'de> for RawText<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl<'de> serde::de::Visitor<'de> for Bytes {
            type Value = RawText<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text")
            }
            fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<Self::Value, E> {
                Ok(RawText(Cow::Borrowed(v)))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Self::Value, E> {
                Ok(RawText(Cow::Owned(v.to_vec())))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(RawText(Cow::Borrowed(v.as_bytes())))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RawText(Cow::Owned(v.as_bytes().to_vec())))
            }
        }
        // serde_json hands a string to `deserialize_bytes` as its raw bytes, unchecked.
        deserializer.deserialize_bytes(Bytes)
    }
}

#[derive(Default, Deserialize)]
struct GlanceMetaV1<'a> {
    #[serde(default, borrow)]
    document: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    outlet: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    created: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    changed: Option<Cow<'a, str>>,
}

impl Glance<'_> {
    /// The text of the variant stored under language `key` (`None` also when it is not
    /// UTF-8, which no payload written by `encode` is).
    pub fn text(&self, key: &str) -> Option<&str> {
        std::str::from_utf8(&self.variants.get(key)?.text.0).ok()
    }

    /// The language keys of the unit's variants.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.variants.keys().map(|k| k.as_ref())
    }

    pub fn document(&self) -> Option<&str> {
        self.meta.document.as_deref()
    }

    pub fn outlet(&self) -> Option<&str> {
        self.meta.outlet.as_deref()
    }

    /// When the unit was last changed, else created, as stored (RFC 3339, UTC).
    pub fn last_changed(&self) -> Option<Timestamp> {
        let m = &self.meta;
        let last = m.changed.as_ref().or(m.created.as_ref())?;
        Timestamp::from_stored(last.to_string())
    }
}

/// The [`Glance`] of a payload.
pub fn glance(bytes: &[u8]) -> Result<Glance<'_>, MemoryError> {
    Ok(serde_json::from_slice(bytes)?)
}

#[derive(Serialize, Deserialize)]
struct PropV1 {
    #[serde(rename = "type")]
    kind: String,
    value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct VariantV1 {
    lang: String,
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    markup: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    props: Vec<PropV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attrs: BTreeMap<String, String>,
}

#[derive(Default, Serialize, Deserialize)]
struct MetaV1 {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    document: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outlet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    changed: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    props: Vec<PropV1>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attrs: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    prev: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct UnitV1 {
    id: String,
    variants: BTreeMap<String, VariantV1>,
    #[serde(default)]
    meta: MetaV1,
}

fn props_v1(props: &[Prop]) -> Vec<PropV1> {
    props
        .iter()
        .map(|p| PropV1 {
            kind: p.kind.clone(),
            value: p.value.clone(),
            lang: p.lang.clone(),
        })
        .collect()
}

fn props_of(props: Vec<PropV1>) -> Vec<Prop> {
    props
        .into_iter()
        .map(|p| Prop {
            kind: p.kind,
            value: p.value,
            lang: p.lang,
        })
        .collect()
}

impl From<&Unit> for UnitV1 {
    fn from(unit: &Unit) -> UnitV1 {
        let m = &unit.meta;
        UnitV1 {
            id: unit.id.to_string(),
            variants: unit
                .variants
                .iter()
                .map(|(key, v)| {
                    let stored = VariantV1 {
                        lang: v.lang.clone(),
                        text: v.text.clone(),
                        markup: v.markup.clone(),
                        props: props_v1(&v.props),
                        notes: v.notes.clone(),
                        attrs: v.attrs.clone(),
                    };
                    (key.clone(), stored)
                })
                .collect(),
            meta: MetaV1 {
                document: m.document.clone(),
                outlet: m.outlet.clone(),
                author: m.author.clone(),
                created: m.created.as_ref().map(|t| t.to_string()),
                changed: m.changed.as_ref().map(|t| t.to_string()),
                notes: m.notes.clone(),
                props: props_v1(&m.props),
                attrs: m.attrs.clone(),
                prev: m.prev.as_ref().map(UnitId::to_string),
                next: m.next.as_ref().map(UnitId::to_string),
            },
        }
    }
}

impl From<UnitV1> for Unit {
    fn from(stored: UnitV1) -> Unit {
        let m = stored.meta;
        Unit {
            id: UnitId::from_stored(stored.id),
            variants: stored
                .variants
                .into_iter()
                .map(|(key, v)| {
                    let variant = Variant {
                        lang: v.lang,
                        text: v.text,
                        markup: v.markup,
                        props: props_of(v.props),
                        notes: v.notes,
                        attrs: v.attrs,
                    };
                    (key, variant)
                })
                .collect(),
            meta: Meta {
                document: m.document,
                outlet: m.outlet,
                author: m.author,
                created: m.created.and_then(Timestamp::from_stored),
                changed: m.changed.and_then(Timestamp::from_stored),
                notes: m.notes,
                props: props_of(m.props),
                attrs: m.attrs,
                prev: m.prev.map(UnitId::from_stored),
                next: m.next.map(UnitId::from_stored),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_of_format_1_reads_back_whole() {
        // Written as format 1 was first written (the model serialised as it then was).
        let payload = r#"{"id":"u1","variants":{"en":{"lang":"en-US","text":"Hi.","markup":"<ph x=\"1\"/>Hi.","props":[{"type":"x-a","value":"b"}],"notes":["n"],"attrs":{"usagecount":"2"}},"hy":{"lang":"hy","text":"Բարև։"}},"meta":{"document":"d","outlet":"o","author":"a","created":"2026-05-01T10:00:00Z","notes":["checked"],"props":[{"type":"x-k","value":"v","lang":"en"}],"attrs":{"changeid":"c"},"prev":"u0","next":"u2"}}"#;
        let unit = decode(payload.as_bytes()).unwrap();
        assert_eq!(
            unit.variants["en"].markup.as_deref(),
            Some("<ph x=\"1\"/>Hi.")
        );
        assert_eq!(unit.meta.props[0].lang.as_deref(), Some("en"));
        assert_eq!(unit.meta.next.as_deref(), Some("u2"));
        assert_eq!(
            encode(&unit).unwrap(),
            payload.as_bytes(),
            "written back byte for byte"
        );
    }

    #[test]
    fn a_glance_reads_what_decoding_whole_reads() {
        let payload = r#"{"id":"u\"1","variants":{"en":{"lang":"en-US","text":"Say \"hi\".","props":[{"type":"x-a","value":"b"}]},"hy":{"lang":"hy","text":"Բարև։"},"ru":{"lang":"ru","text":"\u041f\u0440\u0438\u0432\u0435\u0442 \ud83d\ude00\t!"}},"meta":{"document":"d","outlet":"o","created":"2026-05-01T10:00:00Z","changed":"2026-05-02T10:00:00Z","notes":["n"]}}"#;
        let (glance, unit) = (
            glance(payload.as_bytes()).unwrap(),
            decode(payload.as_bytes()).unwrap(),
        );
        assert_eq!(glance.id, &*unit.id);
        assert_eq!(glance.keys().collect::<Vec<_>>(), ["en", "hy", "ru"]);
        assert_eq!(glance.text("en"), Some("Say \"hi\"."));
        assert_eq!(glance.text("hy"), Some(unit.variants["hy"].text.as_str()));
        // Escapes, a surrogate pair among them, are resolved as decoding resolves them.
        assert_eq!(glance.text("ru"), Some("Привет 😀\t!"));
        assert_eq!(glance.text("ru"), Some(unit.variants["ru"].text.as_str()));
        assert_eq!(glance.text("az"), None);
        assert_eq!(glance.document(), unit.meta.document.as_deref());
        assert_eq!(glance.outlet(), unit.meta.outlet.as_deref());
        assert_eq!(glance.last_changed(), unit.meta.changed);
        let bare = r#"{"id":"u2","variants":{"en":{"lang":"en","text":"Hi."}}}"#;
        let glance = super::glance(bare.as_bytes()).unwrap();
        assert_eq!((glance.document(), glance.last_changed()), (None, None));
    }

    #[test]
    fn a_newer_format_is_refused_and_an_unmarked_directory_is_format_1() {
        let dir = tempfile::tempdir().unwrap();
        check_format(dir.path(), true).unwrap();
        let marker = std::fs::read_to_string(dir.path().join(FORMAT_FILE)).unwrap();
        assert_eq!(marker, "tetraglot data format 1\n");
        std::fs::write(dir.path().join(FORMAT_FILE), "tetraglot data format 2\n").unwrap();
        let refused = check_format(dir.path(), false).unwrap_err().to_string();
        assert!(
            refused.contains("format 2") && refused.contains("newer"),
            "{refused}"
        );
    }
}
