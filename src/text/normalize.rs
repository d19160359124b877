//! Normalisation for matching: NFC, language-aware lower-casing and the foldings that make
//! spelling variants of one text compare equal. Stored text is never passed through here.

use std::borrow::Cow;

use icu_casemap::CaseMapperBorrowed;
use icu_locale_core::{langid, LanguageIdentifier};

use super::profile::{Casing, LanguageProfile};
use crate::model::lang::Lang;

pub use crate::model::text::{fold_whitespace, is_space, nfc, same_text};

/// The case rules a language needs: Turkic languages map `I`→`ı` and `İ`→`i`.
fn case_locale(casing: Casing) -> Option<LanguageIdentifier> {
    match casing {
        Casing::Turkic => Some(langid!("tr")),
        Casing::Lithuanian => Some(langid!("lt")),
        Casing::Default => None,
    }
}

/// Lower-cases a word by the rules of its language (ICU4X, so `IĞDIR` → `ığdır` in az).
pub fn lowercase<'a>(lang: &Lang, word: &'a str) -> Cow<'a, str> {
    lowercase_by(super::profile(lang).casing, word)
}

/// [`lowercase`] by a language's case rules.
fn lowercase_by(casing: Casing, word: &str) -> Cow<'_, str> {
    // Most words of running text are lower-case already, and a word none of whose letters
    // has a lower-case mapping is left as it is by every locale's rules (Turkic and
    // Lithuanian differ only in how they map capitals): the case mapper is not needed.
    if word.chars().all(is_own_lowercase) {
        return Cow::Borrowed(word);
    }
    match case_locale(casing) {
        Some(locale) => CaseMapperBorrowed::new().lowercase_to_string(word, &locale),
        None if word.is_ascii() => Cow::Owned(word.to_ascii_lowercase()),
        None => CaseMapperBorrowed::new().lowercase_to_string(word, &LanguageIdentifier::UNKNOWN),
    }
}

/// Whether lower-casing leaves `c` as it is. The blocks most of the four languages' letters
/// come from are answered without the Unicode table, which is searched per character and was
/// a tenth of tokenising (a test compares every code point with the table).
fn is_own_lowercase(c: char) -> bool {
    match u32::from(c) {
        0..=0x7F => !c.is_ascii_uppercase(),
        // Latin-1 small letters (and `÷`); IPA extensions (`ə`); Cyrillic small letters;
        // Armenian marks, punctuation and small letters.
        0xDF..=0xFF | 0x250..=0x2AF | 0x430..=0x45F | 0x559..=0x58A => true,
        _ => maps_to_itself(c),
    }
}

/// Whether the Unicode table lower-cases `c` to itself.
fn maps_to_itself(c: char) -> bool {
    let mut lower = c.to_lowercase();
    lower.next() == Some(c) && lower.next().is_none()
}

/// Armenian emphasis (`՛`), exclamation (`՜`) and question (`՞`) marks sit inside the word
/// they qualify; they are dropped for matching.
pub fn is_armenian_word_mark(c: char) -> bool {
    matches!(c, '\u{055B}' | '\u{055C}' | '\u{055E}')
}

/// Characters that vanish for matching wherever they are: soft hyphen and zero-width marks.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Folds one word (already cut from the text) into its matching form.
pub fn fold_word(lang: &Lang, word: &str) -> String {
    fold_word_by(&super::profile(lang), word)
}

/// [`fold_word`] by a language's profile, looked up once for the many words of a text.
pub fn fold_word_by(profile: &LanguageProfile, word: &str) -> String {
    fold_chars_by(profile, word.chars(), word.len())
}

/// [`fold_word_by`] of a word given as its characters (about `bytes` long in UTF-8), so that
/// a tokeniser need not first copy them into a string of their own.
pub fn fold_chars_by<I>(profile: &LanguageProfile, word: I, bytes: usize) -> String
where
    I: Iterator<Item = char> + Clone,
{
    if word.clone().all(is_own_lowercase) {
        return fold_lower(profile, word, bytes);
    }
    let word: String = word.collect();
    let lower = lowercase_by(profile.casing, &word);
    fold_lower(profile, lower.chars(), lower.len())
}

/// The matching form of a lower-cased word.
fn fold_lower(
    profile: &LanguageProfile,
    lower: impl Iterator<Item = char>,
    bytes: usize,
) -> String {
    let (armenian, yo) = (profile.armenian_marks, profile.yo_is_ye);
    let mut out = String::with_capacity(bytes);
    // Whether the word holds a letter the classical spelling writes differently.
    let mut classical = false;
    for c in lower {
        match c {
            c if is_invisible(c) => {}
            c if armenian && is_armenian_word_mark(c) => {}
            '\u{0587}' if armenian => {
                out.push_str("եւ");
                classical = true;
            }
            'ё' if yo => out.push('е'),
            c => {
                classical |= armenian && matches!(c, 'ւ' | 'է' | 'յ');
                out.push(fold_apostrophe(c));
            }
        }
    }
    if classical {
        out = reformed_spelling(&out);
    }
    out
}

/// An Armenian word in classical (Mashtots) spelling as the reformed spelling writes it, for
/// matching: software and diaspora texts keep the classical one (`ժամանակաւոր`,
/// `գործողութիւնը`, `նշուած`, `պատճէնել`) where the memory may hold the reformed one
/// (`ժամանակավոր`, `գործողությունը`, `նշված`, `պատճենել`). Only the regular
/// correspondences: `աւ` is `օ` at the start of a word and `ավ` elsewhere, `իւ` is `յու`,
/// `ու` before a vowel is `վ`, `ոյ` before a consonant is `ույ`, and `է` after the first
/// letter is `ե`. A word already in reformed spelling is unchanged but for the rare `ու`
/// before a vowel or `ոյ` before a consonant (`գոյություն`), and both sides of a comparison
/// are folded alike. `եւ` (the ligature `և`) stays.
fn reformed_spelling(word: &str) -> String {
    const VOWELS: &str = "աեէըիոօ";
    let chars: Vec<char> = word.chars().collect();
    let is_vowel = |k: usize| chars.get(k).is_some_and(|c| VOWELS.contains(*c));
    let is_consonant = |k: usize| {
        chars
            .get(k)
            .is_some_and(|c| ('ա'..='ֆ').contains(c) && !VOWELS.contains(*c) && *c != 'ւ')
    };
    let mut out = String::with_capacity(word.len() + 4);
    let mut k = 0;
    while k < chars.len() {
        let next = chars.get(k + 1).copied();
        match (chars[k], next) {
            ('ա', Some('ւ')) => {
                out.push_str(if k == 0 { "օ" } else { "ավ" });
                k += 2;
            }
            ('ի', Some('ւ')) => {
                out.push_str("յու");
                k += 2;
            }
            ('ո', Some('ւ')) if is_vowel(k + 2) => {
                out.push('վ');
                k += 2;
            }
            ('ո', Some('յ')) if is_consonant(k + 2) => {
                out.push_str("ույ");
                k += 2;
            }
            ('է', _) if k > 0 => {
                out.push('ե');
                k += 1;
            }
            (c, _) => {
                out.push(c);
                k += 1;
            }
        }
    }
    out
}

/// Apostrophe variants (`’ ʼ ‘ ´ \``) as ASCII `'`.
pub fn fold_apostrophe(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02B9}' | '\u{00B4}' | '`' | '\u{2032}' => '\'',
        c => c,
    }
}

/// Folds one punctuation character: quote, dash and full-stop variants become one form.
pub fn fold_punct(c: char) -> char {
    match c {
        '«' | '»' | '“' | '”' | '„' | '‟' | '″' | '〝' | '〞' | '‹' | '›' => '"',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '﹘' | '﹣' | '－' | '֊' => '-',
        '։' => ':',
        '․' => '.',
        c => fold_apostrophe(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(tag: &str) -> Lang {
        Lang::parse(tag).unwrap()
    }

    #[test]
    fn azerbaijani_dotted_and_dotless_i() {
        assert_eq!(fold_word(&lang("az"), "IĞDIR"), "ığdır");
        assert_eq!(fold_word(&lang("az"), "İSTANBUL"), "istanbul");
        assert_eq!(fold_word(&lang("az"), "İlham"), "ilham");
        // English keeps the ordinary mapping.
        assert_eq!(fold_word(&lang("en"), "ISTANBUL"), "istanbul");
    }

    #[test]
    fn words_left_as_they_are_lower_case_as_the_case_mapper_does() {
        // The short cut for words with nothing to map must agree with ICU4X on every kind
        // of word: lower-case, capitalised, Turkic capitals, a titlecase digraph, Greek
        // sigma, combining marks, digits.
        let words = [
            "ալիևը",
            "Ալիևը",
            "ԱԼԻԵՎ",
            "ığdır",
            "İlham",
            "IĞDIR",
            "i\u{307}",
            "I\u{307}",
            "правительство",
            "Правительство",
            "ёлка",
            "Ёлка",
            "government",
            "Aliyev's",
            "\u{1C5}ungla",
            "\u{1C6}ungla",
            "οδος",
            "ΟΔΟΣ",
            "Σ",
            "e\u{301}te\u{301}",
            "É",
            "2024",
            "ǈ",
            "ß",
            "ẞ",
        ];
        for tag in ["hy", "az", "ru", "en", "lt", "tr"] {
            let lang = lang(tag);
            let locale = case_locale(crate::text::profile(&lang).casing)
                .unwrap_or(LanguageIdentifier::UNKNOWN);
            for word in words {
                let icu = CaseMapperBorrowed::new().lowercase_to_string(word, &locale);
                assert_eq!(lowercase(&lang, word), icu, "{tag}: {word}");
            }
        }
    }

    #[test]
    fn the_blocks_answered_without_the_table_agree_with_it_on_every_code_point() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                is_own_lowercase(c),
                maps_to_itself(c),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn armenian_marks_and_ligature() {
        let hy = lang("hy");
        assert_eq!(fold_word(&hy, "Երևան"), fold_word(&hy, "Երեւան"));
        assert_eq!(fold_word(&hy, "ինչո՞ւ"), "ինչու");
        assert_eq!(fold_word(&hy, "Ալիևը"), "ալիեւը");
    }

    #[test]
    fn armenian_classical_spelling_matches_the_reformed_one() {
        let hy = lang("hy");
        for (classical, reformed) in [
            ("ժամանակաւոր", "ժամանակավոր"),
            ("Տեսակաւորել", "Տեսակավորել"),
            ("աւժանդակ", "օժանդակ"),
            ("գործողութիւնը", "գործողությունը"),
            ("նշուած", "նշված"),
            ("չկատարուած", "չկատարված"),
            ("պատճէնել", "պատճենել"),
            ("գոյնը", "գույնը"),
        ] {
            assert_eq!(
                fold_word(&hy, classical),
                fold_word(&hy, reformed),
                "{classical}"
            );
        }
        // Reformed words stay as they are, and so do the ligature and a word-initial `է`.
        for word in ["երեւան", "էջը", "ուրախ", "հուշ", "գույնը", "ով"] {
            assert_eq!(fold_word(&hy, word), word);
        }
    }

    #[test]
    fn russian_yo() {
        assert_eq!(fold_word(&lang("ru"), "Ещё"), "еще");
    }

    #[test]
    fn whitespace_and_nfc() {
        assert!(same_text("Caf\u{65}\u{301}  ok\u{a0}", "Café ok"));
        assert!(!same_text("Café ok", "cafe ok"));
    }
}
