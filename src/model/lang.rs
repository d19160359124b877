//! Language tags, validated once at the edge into a canonical tag and a matching key.
//!
//! The key is what variants are stored and looked up under: the language subtag, plus the
//! script when it is not the language's usual one. So `hy-AM`, `hy` and `HY_am` share the key
//! `hy`; `az` and `az-Latn-AZ` share `az`, while `az-Cyrl` (and `az-IR`, written in Arabic
//! script) get keys of their own.

use std::fmt;
use std::str::FromStr;

use unic_langid::LanguageIdentifier;

/// Why a language tag was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LangError {
    #[error("'{0}' is not a valid BCP-47 language tag (expected e.g. en, hy-AM, az-Latn)")]
    Invalid(String),
    #[error("'{0}' is a well-formed tag but no known language (expected e.g. en, hy, az, ru)")]
    Unknown(String),
}

/// A validated language: its canonical BCP-47 tag and its matching key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lang {
    tag: String,
    key: String,
    language: String,
}

impl Lang {
    /// Parses a tag in BCP-47 (`hy-AM`) or POSIX-like (`hy_am`) spelling.
    pub fn parse(raw: &str) -> Result<Lang, LangError> {
        let trimmed = raw.trim();
        // BCP 47 subtags are ASCII letters and digits; the parser lets a control character
        // through inside a variant (`doc-\u{1d}did`), which no XML attribute can hold.
        if trimmed.is_empty()
            || trimmed.len() > 64
            || !trimmed
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(LangError::Invalid(raw.to_string()));
        }
        let id = LanguageIdentifier::from_str(&trimmed.replace('_', "-"))
            .map_err(|_| LangError::Invalid(raw.to_string()))?;
        // The parser takes a four-letter subtag after a variant for a variant too and writes
        // it first (`doc-m0oc-keid` → `doc-keid-m0oc`), where it reads back as a script: a
        // tag whose written form is another tag is not a tag (BCP 47 variants have 5–8
        // characters, or 4 starting with a digit), or a stored key would change on export.
        if LanguageIdentifier::from_str(&id.to_string()).ok().as_ref() != Some(&id) {
            return Err(LangError::Invalid(raw.to_string()));
        }
        let language = id.language.as_str().to_string();
        if id.language.is_empty() {
            return Err(LangError::Invalid(raw.to_string()));
        }
        let mut full = id.clone();
        full.maximize();
        if full.script.is_none() {
            return Err(LangError::Unknown(raw.to_string()));
        }
        let mut bare = LanguageIdentifier::default();
        bare.language = id.language;
        bare.maximize();
        let key = if full.script == bare.script {
            language.clone()
        } else {
            format!(
                "{}-{}",
                language,
                full.script.expect("maximized tag has a script")
            )
        };
        Ok(Lang {
            tag: id.to_string(),
            key,
            language,
        })
    }

    /// `und`, the undetermined language: what a stored key that no longer parses is read as
    /// (built directly: unic-langid reads `und` as the empty language, which `parse` refuses).
    pub fn undetermined() -> Lang {
        Lang {
            tag: "und".into(),
            key: "und".into(),
            language: "und".into(),
        }
    }

    /// The canonical tag as given (`hy-AM`), for export.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The key variants are matched under (`hy`, `az-Cyrl`).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The bare language subtag (`hy`), which decides normalisation rules.
    pub fn language(&self) -> &str {
        &self.language
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_share_a_key_scripts_do_not() {
        assert_eq!(Lang::parse("hy-AM").unwrap().key(), "hy");
        assert_eq!(Lang::parse("HY_am").unwrap().tag(), "hy-AM");
        assert_eq!(Lang::parse("az-Latn").unwrap().key(), "az");
        assert_eq!(Lang::parse("az-Latn-AZ").unwrap().key(), "az");
        assert_eq!(Lang::parse("az-Cyrl").unwrap().key(), "az-Cyrl");
        assert_eq!(Lang::parse("az-IR").unwrap().key(), "az-Arab");
        assert_eq!(Lang::parse("ru").unwrap().key(), "ru");
        assert_eq!(Lang::parse("en-GB").unwrap().key(), "en");
        assert_eq!(Lang::parse("pt_br").unwrap().tag(), "pt-BR");
    }

    #[test]
    fn bad_tags_are_errors_not_panics() {
        for bad in [
            "",
            "  ",
            "e",
            "english!",
            "hy--AM",
            "123",
            "x-private",
            "doc_\u{1d}did",
        ] {
            assert!(Lang::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(matches!(Lang::parse("xx"), Err(LangError::Unknown(_))));
    }

    #[test]
    fn a_tag_reads_back_as_itself_or_is_refused() {
        // A four-letter variant is written first and then reads as a script (a fuzzed TSV
        // header): the key would change from export to import.
        assert!(matches!(
            Lang::parse("doc_m0oc_keid"),
            Err(LangError::Invalid(_))
        ));
        for good in [
            "hy",
            "hy-AM",
            "az-Cyrl",
            "sr-Latn-RS",
            "de-CH-1996",
            "ca-valencia",
        ] {
            let lang = Lang::parse(good).unwrap();
            let again = Lang::parse(lang.tag()).unwrap();
            assert_eq!(
                (again.tag(), again.key()),
                (lang.tag(), lang.key()),
                "{good}"
            );
        }
    }
}
