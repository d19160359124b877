//! Near-duplicate sketch terms: how a query finds the units that share nearly all its words
//! without ranking the thousands that share most of them (MinHash, banded).
//!
//! Each text's set of words gets [`BANDS`] bands of [`ROWS`] minimum hashes each; a band's
//! term is a hash of its minima. Two texts share a band with probability `J^ROWS`, where `J`
//! is the Jaccard similarity of their word sets, so a one-word edit of a twelve-word
//! sentence (`J` = 11/13) shares at least one of eight bands with it in 99.9 % of cases, and
//! a sentence with `J` = 0.4 in two cases of five, and then seldom more than one: ranked by
//! the bands they share, the closest units come first.

use xxhash_rust::xxh3::xxh3_64;

use crate::text::{Token, TokenKind};

/// How many bands a text's sketch has: each is one term per variant in the index.
const BANDS: usize = 8;

/// How many bits of a band's hash its term keeps. Among a million units, 32 bits made nearly
/// every term unique: the final merge took 35.8 s instead of 13.5–15.3 s and the index was
/// 15 % larger. With 16 bits about fifteen units of a language share a term by chance, which
/// a unit sharing two bands or more outranks (BENCHMARKS.md, session 17).
const BAND_BITS: u32 = 16;

/// How many hex digits a band's value is written with: always as many, so terms are alike.
const HEX_DIGITS: usize = BAND_BITS.div_ceil(4) as usize;

/// How many minimum hashes make one band.
const ROWS: usize = 3;

/// Texts with fewer distinct words get no sketch: one edit in a short text changes too
/// large a share of its words for a band to survive it, and the word terms find short texts
/// cheaply anyway (few units share all of a short query's words).
const SKETCH_WORDS: usize = 6;

/// The distinct words of `tokens` (punctuation left out), hashed.
fn word_hashes(tokens: &[Token]) -> Vec<u64> {
    let mut hashes: Vec<u64> = tokens
        .iter()
        .filter(|t| t.kind != TokenKind::Punct)
        .map(|t| xxh3_64(t.norm.as_bytes()))
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// A 64-bit mix (SplitMix64's finaliser): with a different `seed` per row, one word hash
/// gives independent-looking hash functions.
fn mix(hash: u64, seed: u64) -> u64 {
    let mut z = hash ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The band values of a text's words; none for a text with fewer than [`SKETCH_WORDS`]
/// distinct words.
fn bands(tokens: &[Token]) -> Option<[u32; BANDS]> {
    let words = word_hashes(tokens);
    if words.len() < SKETCH_WORDS {
        return None;
    }
    let mut bands = [0u32; BANDS];
    for (band, value) in bands.iter_mut().enumerate() {
        let mut folded = 0u64;
        for row in 0..ROWS {
            let seed = (band * ROWS + row) as u64 + 1;
            let least = words.iter().map(|&w| mix(w, seed)).min().unwrap_or(0);
            folded = mix(folded ^ least, seed);
        }
        *value = (folded >> (64 - BAND_BITS)) as u32;
    }
    Some(bands)
}

/// Calls `visit` with each sketch term (`key#`, the band's number, then its value in hex)
/// of a text in the language keyed `key`.
fn each_term(key: &str, tokens: &[Token], mut visit: impl FnMut(&str)) {
    let Some(bands) = bands(tokens) else {
        return;
    };
    let mut term = String::with_capacity(key.len() + 12);
    for (band, value) in bands.iter().enumerate() {
        use std::fmt::Write;
        term.clear();
        // Writing to a String cannot fail.
        let _ = write!(term, "{key}#{band}{value:0digits$x}", digits = HEX_DIGITS);
        visit(&term);
    }
}

/// Appends the sketch terms of a stored text to `out`, space-separated.
pub(crate) fn write_text_sketch(key: &str, tokens: &[Token], out: &mut String) {
    each_term(key, tokens, |term| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(term);
    });
}

/// The sketch terms a query asks for; none for a short query.
pub(crate) fn query_sketch(key: &str, tokens: &[Token]) -> Vec<String> {
    let mut terms = Vec::with_capacity(BANDS);
    each_term(key, tokens, |term| terms.push(term.to_string()));
    terms
}

#[cfg(test)]
mod tests {
    use crate::model::lang::Lang;
    use crate::text::tokenize;

    fn sketch(lang: &str, text: &str) -> Vec<String> {
        let lang = Lang::parse(lang).unwrap();
        super::query_sketch(lang.key(), &tokenize(&lang, text))
    }

    fn shared(a: &[String], b: &[String]) -> usize {
        a.iter().filter(|t| b.contains(t)).count()
    }

    #[test]
    fn a_near_duplicate_shares_bands_and_a_different_sentence_none() {
        let stored = sketch(
            "hy",
            "Կառավարությունը երեկ հաստատեց նոր օրենքը, որը կուժեղացնի շրջակա միջավայրի պաշտպանությունը։",
        );
        assert_eq!(stored.len(), super::BANDS);
        assert!(stored.iter().all(|t| t.starts_with("hy#")));
        // Word order, case and punctuation do not change a sketch.
        let reordered = sketch(
            "hy",
            "ԵՐԵԿ կառավարությունը հաստատեց նոր օրենքը որը կուժեղացնի շրջակա միջավայրի պաշտպանությունը",
        );
        assert_eq!(reordered, stored);
        let other = sketch(
            "hy",
            "Ֆուտբոլի ազգային հավաքականը կիրակի օրը հաղթեց Իսլանդիայի թիմին տանը։",
        );
        assert_eq!(shared(&stored, &other), 0);
    }

    #[test]
    fn short_texts_have_no_sketch() {
        assert!(sketch("az", "Məlumatlarımı geri qaytar").is_empty());
        assert!(sketch("ru", "Открыть родительскую папку, папку").is_empty());
    }

    /// Over many one-word edits, nearly every edited sentence shares a band with its
    /// original: the probability the bands promise (about 0.999 for twelve words).
    #[test]
    fn one_word_edits_keep_a_band() {
        let words: Vec<String> = (0..400).map(|i| format!("слово{i}")).collect();
        let mut kept = 0;
        let cases = 300;
        for case in 0..cases {
            let sentence: Vec<&str> = (0..12)
                .map(|i| words[(case * 13 + i * 7) % 400].as_str())
                .collect();
            let mut edited = sentence.clone();
            edited[case % 12] = "замена";
            let (a, b) = (
                sketch("ru", &sentence.join(" ")),
                sketch("ru", &edited.join(" ")),
            );
            if shared(&a, &b) > 0 {
                kept += 1;
            }
        }
        assert!(kept >= cases - 3, "{kept} of {cases}");
    }
}
