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
    for piece in composed.split(is_space).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(piece);
    }
    out
}

/// True when two texts are the same after NFC and whitespace folding: the only case that
/// scores 100.
pub fn same_text(a: &str, b: &str) -> bool {
    fold_whitespace(a) == fold_whitespace(b)
}
