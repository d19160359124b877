//! Character trigram terms of short texts: how a short query finds a unit it shares no
//! word or stem with (`Уоллис и Футуна` / `Уоллес и Футана`, `Վերագործարկել` /
//! `Վերամեկնարկել`), where ranking by shared words drowns it among a million others.

use crate::text::{Token, TokenKind};

/// Texts of at most this many words (numbers and codes count) get trigram terms. Only a
/// short stored text can come close to a short query: every word one side has beyond the
/// other's costs at least a deletion, so a text twice as long as the query scores about 50
/// or less. Short texts are also few in running news (9 % of the scale memory's sentences
/// have at most 8 words), so the terms cost little where most units are long.
const GRAM_TEXT_WORDS: usize = 8;

/// Queries of at most this many words ask the trigram terms (when their words found nothing
/// close): half of [`GRAM_TEXT_WORDS`], so every stored text the query could come close to
/// has the terms. Among a million news units, queries of up to six words recalled no more
/// units on natural variation than up to four, in 1.1× the time.
const GRAM_QUERY_WORDS: usize = 4;

/// The characters of a gram.
const GRAM_CHARS: usize = 3;

/// Marks the start and end of each word, so a gram says where in a word it sits.
const EDGE: char = '_';

/// How many words of `tokens` count towards the length limits.
fn words(tokens: &[Token]) -> usize {
    tokens.iter().filter(|t| t.kind != TokenKind::Punct).count()
}

/// Calls `visit` with each trigram term (`key~gram`) of the words of `tokens`, in text
/// order, repeats included. Each word is read on its own with an edge mark either side, so
/// two-letter words give their grams too (`_и_`).
fn each_gram(key: &str, tokens: &[Token], mut visit: impl FnMut(&str)) {
    let mut term = String::with_capacity(key.len() + 16);
    let mut chars: Vec<char> = Vec::with_capacity(32);
    for token in tokens.iter().filter(|t| t.kind == TokenKind::Word) {
        chars.clear();
        chars.push(EDGE);
        // A word never holds a space (terms are separated by them), but be safe.
        chars.extend(token.norm.chars().filter(|c| !c.is_whitespace()));
        chars.push(EDGE);
        for window in chars.windows(GRAM_CHARS) {
            term.clear();
            term.push_str(key);
            term.push('~');
            term.extend(window);
            visit(&term);
        }
    }
}

/// Appends the trigram terms of a stored text to `out`, space-separated, when the text is
/// short enough to have them (see [`GRAM_TEXT_WORDS`]).
pub(crate) fn write_text_grams(key: &str, tokens: &[Token], out: &mut String) {
    if words(tokens) > GRAM_TEXT_WORDS {
        return;
    }
    each_gram(key, tokens, |term| {
        out.push_str(term);
        out.push(' ');
    });
}

/// The distinct trigram terms of a query, in text order; none for a query too long to ask
/// them (see [`GRAM_QUERY_WORDS`]).
pub(crate) fn query_grams(key: &str, tokens: &[Token]) -> Vec<String> {
    let mut grams: Vec<String> = Vec::new();
    if words(tokens) > GRAM_QUERY_WORDS {
        return grams;
    }
    each_gram(key, tokens, |term| {
        if !grams.iter().any(|g| g == term) {
            grams.push(term.to_string());
        }
    });
    grams
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lang::Lang;
    use crate::text::tokenize;

    fn tokens(lang: &str, text: &str) -> Vec<Token> {
        tokenize(&Lang::parse(lang).unwrap(), text)
    }

    #[test]
    fn each_word_gives_its_trigrams_between_edge_marks() {
        let grams = query_grams("ru", &tokens("ru", "Уоллис и Футуна"));
        assert_eq!(&grams[..3], ["ru~_уо", "ru~уол", "ru~олл"]);
        assert!(grams.contains(&"ru~_и_".to_string()));
        assert!(grams.contains(&"ru~на_".to_string()));
        // Punctuation and numbers give none; a repeated gram is asked once; grams are of the
        // matching form, where `և` is `եւ`.
        let grams = query_grams("hy", &tokens("hy", "Ալիև, Ալիև 2024։"));
        assert_eq!(grams, ["hy~_ալ", "hy~ալի", "hy~լիե", "hy~իեւ", "hy~եւ_"]);
    }

    #[test]
    fn only_short_texts_and_shorter_queries_have_grams() {
        let mut out = String::new();
        write_text_grams(
            "en",
            &tokens("en", "one two three four five six seven eight"),
            &mut out,
        );
        assert!(out.contains("en~_on"));
        let mut long = String::new();
        write_text_grams(
            "en",
            &tokens("en", "one two three four five six seven eight nine"),
            &mut long,
        );
        assert!(long.is_empty());
        assert!(!query_grams("en", &tokens("en", "one two three four")).is_empty());
        assert!(query_grams("en", &tokens("en", "one two three four five")).is_empty());
    }
}
