//! One profile per language: everything the text layer knows about a language, in one place.
//!
//! Adding a language (the newsroom may add Georgian or Persian) is adding one
//! [`LanguageProfile`] to [`PROFILES`] (and its `.ftl` files); see ARCHITECTURE.md, "Add a
//! language". Languages without a profile of their own get [`fallback`], which reads the
//! common conventions of the wider world (CLDR's number styles, Turkic casing) so that text
//! in them still matches sensibly.

use frostem::Algorithm;

use super::numbers::NumberStyle;
use crate::model::lang::Lang;

/// How a language lower-cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Casing {
    /// Unicode's default rules.
    Default,
    /// Turkic: `I` → `ı`, `İ` → `i` (az, tr, …).
    Turkic,
    /// Lithuanian: dotted `i` kept before accents.
    Lithuanian,
}

/// Which sentence-boundary rules (and lexicon) a language gets; see `text::sentences`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentenceRules {
    Armenian,
    Russian,
    English,
    Azerbaijani,
    /// Only the universal rules (UAX #29 plus the shared abbreviation checks).
    Other,
}

/// What the text layer knows about one language.
#[derive(Debug, Clone, Copy)]
pub struct LanguageProfile {
    /// The language subtag (`hy`), and others that share the profile (`hyw`).
    pub languages: &'static [&'static str],
    pub casing: Casing,
    /// Armenian: the in-word marks `՛ ՜ ՞` are dropped and `և` is spelled `եւ` for matching.
    pub armenian_marks: bool,
    /// Russian: `ё` matches `е`.
    pub yo_is_ye: bool,
    /// How numbers are written (decimal and group separators).
    pub numbers: NumberStyle,
    /// The Snowball stemmer, where one fits; without one, a shared prefix stands in.
    pub stemmer: Option<Algorithm>,
    pub sentences: SentenceRules,
    /// How many chars (without spaces) the language takes for one char of English, for
    /// sentence alignment's length model (fitted on the NTREX news of `../shared/data`).
    pub chars_per_en_char: f32,
}

/// Every space that groups thousands: the plain space, no-break, narrow no-break and thin.
pub const GROUP_SPACES: [char; 4] = [' ', '\u{00A0}', '\u{202F}', '\u{2009}'];

/// `1 234,5`: comma decimals, a (no-break) space between groups.
pub const SPACE_GROUPED: NumberStyle = NumberStyle {
    decimal: ',',
    group: '\u{00A0}',
    groups: &GROUP_SPACES,
};

/// `1.234,5`: comma decimals, dot groups (spaces read too).
pub const DOT_GROUPED: NumberStyle = NumberStyle {
    decimal: ',',
    group: '.',
    groups: &['.', GROUP_SPACES[0], GROUP_SPACES[1], GROUP_SPACES[2]],
};

/// `1,234.5`: dot decimals, comma groups.
pub const COMMA_GROUPED: NumberStyle = NumberStyle {
    decimal: '.',
    group: ',',
    groups: &[','],
};

/// The newsroom's languages.
pub const PROFILES: &[LanguageProfile] = &[
    LanguageProfile {
        languages: &["hy", "hyw"],
        casing: Casing::Default,
        armenian_marks: true,
        yo_is_ye: false,
        numbers: SPACE_GROUPED,
        stemmer: Some(Algorithm::Armenian),
        sentences: SentenceRules::Armenian,
        chars_per_en_char: 1.067,
    },
    LanguageProfile {
        languages: &["az"],
        casing: Casing::Turkic,
        armenian_marks: false,
        yo_is_ye: false,
        numbers: DOT_GROUPED,
        // The Turkish stemmer over-cuts words with `ə`; the shared-prefix rule does better.
        stemmer: None,
        sentences: SentenceRules::Azerbaijani,
        chars_per_en_char: 1.084,
    },
    LanguageProfile {
        languages: &["ru"],
        casing: Casing::Default,
        armenian_marks: false,
        yo_is_ye: true,
        numbers: SPACE_GROUPED,
        stemmer: Some(Algorithm::Russian),
        sentences: SentenceRules::Russian,
        chars_per_en_char: 1.103,
    },
    LanguageProfile {
        languages: &["en"],
        casing: Casing::Default,
        armenian_marks: false,
        yo_is_ye: false,
        numbers: COMMA_GROUPED,
        stemmer: Some(Algorithm::English),
        sentences: SentenceRules::English,
        chars_per_en_char: 1.0,
    },
];

/// The profile of `lang`: its own, or [`fallback`].
pub fn profile(lang: &Lang) -> LanguageProfile {
    let language = lang.language();
    PROFILES
        .iter()
        .find(|p| p.languages.contains(&language))
        .copied()
        .unwrap_or_else(|| fallback(language))
}

/// Languages without a profile: the conventions they are known to share.
pub fn fallback(language: &str) -> LanguageProfile {
    let numbers = match language {
        "uk" | "be" | "kk" | "fr" | "pl" | "cs" | "sk" | "bg" | "ka" | "sv" | "fi" | "nb" => {
            SPACE_GROUPED
        }
        "tr" | "de" | "es" | "it" | "pt" | "nl" | "id" | "da" | "el" | "ro" | "sr" | "hr" => {
            DOT_GROUPED
        }
        _ => COMMA_GROUPED,
    };
    let casing = match language {
        "tr" | "crh" | "tt" | "ba" | "kk" => Casing::Turkic,
        "lt" => Casing::Lithuanian,
        _ => Casing::Default,
    };
    LanguageProfile {
        languages: &[],
        casing,
        armenian_marks: false,
        yo_is_ye: language == "be",
        numbers,
        stemmer: (language == "uk").then_some(Algorithm::Ukrainian),
        sentences: SentenceRules::Other,
        chars_per_en_char: 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_newsroom_language_has_its_own_profile() {
        for tag in ["hy", "az", "ru", "en"] {
            let lang = Lang::parse(tag).unwrap();
            assert!(
                PROFILES
                    .iter()
                    .any(|p| p.languages.contains(&lang.language())),
                "{tag}"
            );
        }
        let az = profile(&Lang::parse("az-Latn-AZ").unwrap());
        assert_eq!((az.casing, az.numbers.group), (Casing::Turkic, '.'));
        let hy = profile(&Lang::parse("hy-AM").unwrap());
        assert!(hy.armenian_marks && hy.sentences == SentenceRules::Armenian);
        let de = profile(&Lang::parse("de").unwrap());
        assert_eq!(de.numbers.group, '.');
        assert_eq!(profile(&Lang::parse("ja").unwrap()).numbers.decimal, '.');
    }

    #[test]
    fn no_two_profiles_claim_a_language() {
        let mut claimed: Vec<&str> = PROFILES
            .iter()
            .flat_map(|p| p.languages.iter().copied())
            .collect();
        let all = claimed.len();
        claimed.sort_unstable();
        claimed.dedup();
        assert_eq!(claimed.len(), all);
    }
}
