//! Word counts as translation costs are quoted: one rule for every language.
//!
//! A number in the language's own style (`1,250.5`, `1 250,5`, `14:30`) is one word, read by
//! the tokenizer that knows number styles; a URL, an e-mail address, a `@handle` or a
//! `#hashtag` is one word; format placeholders (`{name}`, `%s`) and inline tags count
//! nothing. The rest is cut by ICU4X word segmentation (UAX #29, with dictionaries where a
//! script needs them), and a segment counts when it holds a letter or a digit: punctuation
//! and spaces never count, `Ալիևը` and `Алиева` are one word each, `add-on` is two.

use icu_segmenter::WordSegmenter;

use super::tokens::{tokenize, TokenKind};
use crate::model::lang::Lang;

/// The words of `text` (see the module's rule).
pub fn count_words(lang: &Lang, text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut blank = vec![false; chars.len()];
    let mut words = 0;
    for token in tokenize(lang, text) {
        let first = chars.get(token.start).copied();
        let counted = match token.kind {
            TokenKind::Number => 1,
            TokenKind::Code if matches!(first, Some('{' | '%' | '<')) => 0,
            TokenKind::Code => 1,
            TokenKind::Word | TokenKind::Punct => continue,
        };
        words += counted;
        blank[token.start..token.end.min(chars.len())].fill(true);
    }
    let rest: String = chars
        .iter()
        .zip(&blank)
        .map(|(&c, &b)| if b { ' ' } else { c })
        .collect();
    let segmenter = WordSegmenter::new_auto(Default::default());
    let breaks: Vec<usize> = segmenter.segment_str(&rest).collect();
    words
        + breaks
            .windows(2)
            .filter(|w| rest[w[0]..w[1]].chars().any(char::is_alphanumeric))
            .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(lang: &str, text: &str) -> usize {
        count_words(&Lang::parse(lang).unwrap(), text)
    }

    #[test]
    fn numbers_codes_and_placeholders_follow_the_rule() {
        assert_eq!(count("en", "The deal covers 1,250.5 kilometres."), 5);
        assert_eq!(count("ru", "Соглашение охватывает 1 250,5 километра."), 4);
        assert_eq!(count("hy", "Ալիևը երկուշաբթի հայտարարեց։"), 3);
        assert_eq!(
            count("en", "Hello {name}, see https://example.org/a now."),
            4
        );
        assert_eq!(count("en", "%s files — «done»!"), 2);
        assert_eq!(count("en", "   "), 0);
    }
}
