//! Unit ids as a validated newtype: made by checking a text once, at the edge (API, file
//! reader), or by hashing a unit's content; everything past the edge can rely on the rule.

/// The longest unit id in bytes. Ids are index terms (tantivy drops terms over 65,530
/// bytes, which made such a unit unreadable and undeletable) and URL path segments.
pub const MAX_ID_BYTES: usize = 256;

/// A unit's id: 1–[`MAX_ID_BYTES`] bytes, not only white space, no control characters.
/// Made only by [`UnitId::parse`], [`UnitId::from_stored`] or a unit's content hash, so a
/// `UnitId` always keeps the rule the API and the imports apply.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitId(String);

impl UnitId {
    /// Checks `id` against the one rule for the API and the imports.
    pub fn parse(id: impl Into<String>) -> Result<UnitId, String> {
        let id = id.into();
        match id_problem(&id) {
            Some(problem) => Err(problem),
            None => Ok(UnitId(id)),
        }
    }

    /// An id read back from the index, which only ever holds ids that passed
    /// [`UnitId::parse`] (or came from a content hash): not checked again, since every
    /// candidate of every lookup passes here.
    pub fn from_stored(id: String) -> UnitId {
        UnitId(id)
    }

    /// An id made by the crate from parts that keep the rule (a content hash, an article id
    /// and a sentence number), checked in debug builds.
    pub(crate) fn made(id: String) -> UnitId {
        debug_assert!(id_problem(&id).is_none(), "made an invalid unit id: {id:?}");
        UnitId(id)
    }
}

/// Why `id` cannot be a unit id, if it cannot.
pub fn id_problem(id: &str) -> Option<String> {
    if id.trim().is_empty() {
        Some("a unit id must not be empty".into())
    } else if id.len() > MAX_ID_BYTES {
        Some(format!(
            "a unit id must be at most {MAX_ID_BYTES} bytes; this one has {}",
            id.len()
        ))
    } else if id.chars().any(char::is_control) {
        Some("a unit id must not contain control characters".into())
    } else {
        None
    }
}

/// The read-only string traits of an id newtype (`$name(String)`): it reads as a `str`
/// everywhere, and is made only by its own checked constructors.
macro_rules! string_id {
    ($name:ident) => {
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
        /// Written as its text; read only through the checked constructors.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }
        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_string(self) -> String {
                self.0
            }
        }
    };
}

pub(crate) use string_id;

string_id!(UnitId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_is_kept_at_parse() {
        assert_eq!(
            UnitId::parse("news-2026-03-01.4").unwrap(),
            "news-2026-03-01.4"
        );
        assert_eq!(UnitId::parse("Ալիև 1").unwrap().as_str(), "Ալիև 1");
        for bad in ["", "   ", "a\u{0}b", "tab\there", "line\nbreak"] {
            assert!(UnitId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(UnitId::parse("x".repeat(MAX_ID_BYTES)).is_ok());
        let long = UnitId::parse("x".repeat(MAX_ID_BYTES + 1)).unwrap_err();
        assert!(long.contains("at most 256 bytes"), "{long}");
        // Bytes, not characters: 129 Armenian letters are 258 bytes.
        assert!(UnitId::parse("ա".repeat(129)).is_err());
    }
}
