//! Cuts text into words, numbers and punctuation, with char offsets and matching forms.

use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
use icu_properties::CodePointMapData;

use crate::lang::Lang;
use crate::text::normalize::{fold_punct, fold_word, is_armenian_word_mark, is_space};

/// What a token is; scoring weighs them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    Punct,
}

/// One token: its matching form and where it stands in the text, in chars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub norm: String,
    pub start: usize,
    pub end: usize,
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if is_armenian_word_mark(c) {
        return true;
    }
    let category = CodePointMapData::<GeneralCategory>::new().get(c);
    GeneralCategoryGroup::Letter.contains(category)
        || GeneralCategoryGroup::Number.contains(category)
        || GeneralCategoryGroup::Mark.contains(category)
        || category == GeneralCategory::Format
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Separators allowed inside a number when a digit follows: `1,234.5`, `14:30`, `25-26`,
/// `01/05/2024`, `1 234` (with a no-break or narrow space).
fn is_number_joiner(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ':' | '/' | '-' | '–' | '\u{00A0}' | '\u{202F}' | '\u{2009}'
    )
}

/// Tokenises `text` (expected in NFC) by the rules of `lang`.
pub fn tokenize(lang: &Lang, text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_space(c) {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() {
            i += 1;
            while i < chars.len() {
                if chars[i].is_ascii_digit() {
                    i += 1;
                } else if is_number_joiner(chars[i])
                    && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())
                {
                    i += 2;
                } else {
                    break;
                }
            }
            let raw: String = chars[start..i].iter().collect();
            tokens.push(Token {
                kind: TokenKind::Number,
                norm: raw
                    .chars()
                    .map(|c| if is_space(c) { ' ' } else { fold_punct(c) })
                    .collect(),
                start,
                end: i,
            });
        } else if is_word_char(c) {
            i += 1;
            while i < chars.len() {
                if is_word_char(chars[i]) {
                    i += 1;
                } else if is_apostrophe(chars[i])
                    && chars.get(i + 1).is_some_and(|&d| d.is_alphabetic())
                {
                    i += 2;
                } else {
                    break;
                }
            }
            let raw: String = chars[start..i].iter().collect();
            let norm = fold_word(lang, &raw);
            if norm.is_empty() {
                continue;
            }
            tokens.push(Token {
                kind: TokenKind::Word,
                norm,
                start,
                end: i,
            });
        } else {
            i += 1;
            // An ellipsis typed as dots is one token, like `…`.
            if c == '.' {
                while chars.get(i) == Some(&'.') {
                    i += 1;
                }
            }
            let norm = if c == '…' || i - start > 1 {
                "...".to_string()
            } else {
                fold_punct(c).to_string()
            };
            tokens.push(Token {
                kind: TokenKind::Punct,
                norm,
                start,
                end: i,
            });
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(tag: &str, text: &str) -> Vec<String> {
        tokenize(&Lang::parse(tag).unwrap(), text)
            .into_iter()
            .map(|t| t.norm)
            .collect()
    }

    #[test]
    fn words_numbers_and_punctuation() {
        assert_eq!(
            norms("en", "On 1 May, 1,234.5 people came at 14:30 — “really”…"),
            [
                "on", "1", "may", ",", "1,234.5", "people", "came", "at", "14:30", "-", "\"",
                "really", "\"", "..."
            ]
        );
    }

    #[test]
    fn armenian_question_mark_stays_inside_the_word() {
        assert_eq!(
            norms("hy", "Ինչո՞ւ է Ալիևը եկել։"),
            ["ինչու", "է", "ալիեւը", "եկել", ":"]
        );
    }

    #[test]
    fn offsets_are_chars() {
        let tokens = tokenize(&Lang::parse("ru").unwrap(), "Ёжик «в тумане»");
        assert_eq!((tokens[0].start, tokens[0].end), (0, 4));
        assert_eq!(tokens[0].norm, "ежик");
        assert_eq!((tokens[2].start, tokens[2].end), (6, 7));
    }

    #[test]
    fn apostrophes_join_words() {
        assert_eq!(norms("en", "don’t stop"), ["don't", "stop"]);
    }
}
