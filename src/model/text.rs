//! The text rules every layer shares: NFC, what counts as a space, whitespace folding, and
//! "the same text" (the only case that scores 100 and the basis of content ids).

use std::borrow::Cow;

use icu_normalizer::ComposingNormalizerBorrowed;

/// Canonical composition (NFC); borrowed when the text already is NFC.
pub fn nfc(text: &str) -> Cow<'_, str> {
    ComposingNormalizerBorrowed::new_nfc().normalize(text)
}

/// Whether a character separates words: every Unicode space, including no-break and thin
/// spaces, which news text uses inside numbers and before `:`/`»`.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// NFC, runs of any whitespace as one ASCII space, no leading or trailing space.
pub fn fold_whitespace(text: &str) -> String {
    let composed = nfc(text);
    let mut out = String::with_capacity(composed.len());
    for_each_folded(&composed, |piece| out.push_str(piece));
    out
}

/// The xxh3 hash of [`fold_whitespace`]`(text)`, without building the folded text: the key
/// of a text's exact matches and content ids, worked out for every text an import writes.
pub fn folded_hash(text: &str) -> u64 {
    let composed = nfc(text);
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for_each_folded(&composed, |piece| hasher.update(piece.as_bytes()));
    hasher.digest()
}

/// Hands `composed`'s words, and one ASCII space between each two, to `write` in order.
fn for_each_folded(composed: &str, mut write: impl FnMut(&str)) {
    for (n, piece) in composed
        .split(is_space)
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        if n > 0 {
            write(" ");
        }
        write(piece);
    }
}

/// True when two texts are the same after NFC and whitespace folding: the only case that
/// scores 100.
pub fn same_text(a: &str, b: &str) -> bool {
    // The folded texts are their words one space apart, and no word holds a space: they are
    // equal when the words are, which a lookup asks of every candidate it rescores, so
    // nothing is built.
    let (a, b) = (nfc(a), nfc(b));
    a.split(is_space)
        .filter(|p| !p.is_empty())
        .eq(b.split(is_space).filter(|p| !p.is_empty()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_folded_hash_is_the_hash_of_the_folded_text() {
        for text in [
            "",
            "   ",
            "Caf\u{65}\u{301}  ok\u{a0}",
            " Ալիևը\u{2009}ասաց։ ",
            "Правительство\n\tобъявило",
            "İlham Əliyev",
            &"word ".repeat(100),
        ] {
            assert!(
                super::same_text(text, &super::fold_whitespace(text)),
                "{text:?}"
            );
            assert!(!super::same_text(text, &format!("{text}x")), "{text:?}");
            assert_eq!(
                super::folded_hash(text),
                xxhash_rust::xxh3::xxh3_64(super::fold_whitespace(text).as_bytes()),
                "{text:?}"
            );
        }
    }
}
