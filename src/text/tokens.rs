//! Cuts text into words, numbers, placeholders and punctuation, with char offsets and
//! matching forms.

use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
use icu_properties::CodePointMapData;

use crate::model::lang::Lang;
use crate::text::normalize::{fold_chars_by, fold_punct, is_armenian_word_mark, is_space};

/// What a token is; scoring weighs them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    /// Digits, possibly with separators: `1,234.5`, `14:30`, `25-26`, `01.05.2024`.
    Number,
    /// A value carried over verbatim between languages: a URL, an e-mail address, an
    /// `@handle`, a `#hashtag`, an inline tag (`<ph>…</ph>`, `<b>`) or a format placeholder
    /// (`{1}`, `%s`).
    Code,
    Punct,
}

impl TokenKind {
    /// Numbers and codes: values that a translation carries over, not words it translates.
    pub fn is_placeholder(self) -> bool {
        matches!(self, TokenKind::Number | TokenKind::Code)
    }
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

/// The marks user-interface strings put before a menu item's access key (`_Open`, `&Open`,
/// `Fi_le`): inside a word they do not break it, and its matching form leaves them out, so
/// two translators' strings that place the key differently (`Обрат_ить`/`_Обратить`) match.
/// Before a word they are punctuation, as anywhere else.
fn is_accelerator_mark(c: char) -> bool {
    matches!(c, '_' | '&')
}

/// Separators allowed inside a number when a digit follows: `1,234.5`, `14:30`, `25-26`,
/// `01/05/2024`, `1 234` (with a no-break or narrow space).
fn is_number_joiner(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ':' | '/' | '-' | '–' | '\u{00A0}' | '\u{202F}' | '\u{2009}'
    )
}

fn starts_with_ci(chars: &[char], at: usize, prefix: &str) -> bool {
    let mut n = 0;
    for (k, p) in prefix.chars().enumerate() {
        match chars.get(at + k) {
            Some(c) if c.to_ascii_lowercase() == p => n += 1,
            _ => return false,
        }
    }
    n > 0
}

/// Trailing punctuation is the sentence's, not the URL's or address's.
fn trim_trailing(chars: &[char], start: usize, mut end: usize) -> usize {
    while end > start
        && matches!(
            chars[end - 1],
            '.' | ','
                | ';'
                | ':'
                | '!'
                | '?'
                | ')'
                | ']'
                | '»'
                | '"'
                | '\''
                | '”'
                | '’'
                | '…'
                | '։'
        )
    {
        end -= 1;
    }
    end
}

fn is_email_local(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

/// The end of a code placeholder starting at `i`, if one starts there.
fn code_at(chars: &[char], i: usize) -> Option<usize> {
    let c = chars[i];
    let next = chars.get(i + 1).copied();
    let previous_is_boundary = i == 0 || !is_word_char(chars[i - 1]);
    // URLs.
    if starts_with_ci(chars, i, "http://")
        || starts_with_ci(chars, i, "https://")
        || starts_with_ci(chars, i, "www.")
    {
        let mut end = i;
        while end < chars.len()
            && !is_space(chars[end])
            && !matches!(chars[end], '<' | '>' | '«' | '»' | '"')
        {
            end += 1;
        }
        let end = trim_trailing(chars, i, end);
        return (end > i + 4).then_some(end);
    }
    // Inline tags: a TMX code element with its content, or a bare tag.
    if c == '<' && next.is_some_and(|n| n.is_ascii_alphabetic() || n == '/') {
        let close = chars[i..]
            .iter()
            .position(|&x| x == '>')
            .map(|p| i + p + 1)?;
        let tag: String = chars[i + 1..close - 1].iter().collect();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !tag.starts_with('/')
            && !tag.ends_with('/')
            && matches!(name.as_str(), "ph" | "bpt" | "ept" | "it" | "ut")
        {
            let end_tag: Vec<char> = format!("</{name}>").chars().collect();
            if let Some(p) = chars[close..]
                .windows(end_tag.len())
                .position(|w| w == end_tag.as_slice())
            {
                return Some(close + p + end_tag.len());
            }
        }
        return Some(close);
    }
    // Format placeholders: {1}, {name}, %s, %1$d.
    if c == '{' {
        let close = chars[i..]
            .iter()
            .take(40)
            .position(|&x| x == '}')
            .map(|p| i + p + 1)?;
        let inner = &chars[i + 1..close - 1];
        return (!inner.is_empty() && inner.iter().all(|c| c.is_alphanumeric() || *c == '_'))
            .then_some(close);
    }
    if c == '%' && next.is_some_and(|n| n.is_ascii_alphabetic() || n.is_ascii_digit()) {
        let mut end = i + 1;
        while end < chars.len() && (chars[end].is_ascii_digit() || chars[end] == '$') {
            end += 1;
        }
        if chars
            .get(end)
            .is_some_and(|c| matches!(c, 's' | 'd' | 'f' | 'i' | 'u' | 'x'))
            && chars.get(end + 1).is_none_or(|c| !c.is_alphanumeric())
        {
            return Some(end + 1);
        }
        return None;
    }
    // @handles and #hashtags.
    if (c == '@' || c == '#') && previous_is_boundary && next.is_some_and(is_word_char) {
        let mut end = i + 1;
        while end < chars.len() && (is_word_char(chars[end]) || chars[end] == '_') {
            end += 1;
        }
        return Some(end);
    }
    // E-mail addresses: local@domain.tld
    if c.is_ascii_alphanumeric() && previous_is_boundary {
        let mut at = i;
        while at < chars.len() && is_email_local(chars[at]) {
            at += 1;
        }
        if chars.get(at) == Some(&'@') {
            let mut end = at + 1;
            while end < chars.len()
                && (chars[end].is_ascii_alphanumeric() || matches!(chars[end], '.' | '-'))
            {
                end += 1;
            }
            let end = trim_trailing(chars, at, end);
            let domain: String = chars[at + 1..end].iter().collect();
            if domain.contains('.') && domain.rsplit('.').next().is_some_and(|tld| tld.len() >= 2) {
                return Some(end);
            }
        }
    }
    None
}

/// Tokenises `text` (expected in NFC) by the rules of `lang`.
pub fn tokenize(lang: &Lang, text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let profile = crate::text::profile(lang);
    // Languages that group thousands with a space (`1 234 567`): there `1 234` is one number.
    let space_groups = profile.numbers.group == crate::text::profile::SPACE_GROUPED.group;
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_space(c) {
            i += 1;
            continue;
        }
        let start = i;
        if let Some(end) = code_at(&chars, i) {
            i = end;
            tokens.push(Token {
                kind: TokenKind::Code,
                norm: chars[start..end].iter().collect(),
                start,
                end,
            });
            continue;
        }
        if c.is_ascii_digit() {
            let mut grouped = false;
            i += 1;
            while i < chars.len() {
                if chars[i].is_ascii_digit() {
                    i += 1;
                } else if is_number_joiner(chars[i])
                    && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())
                {
                    i += 2;
                } else if space_groups
                    && chars[i] == ' '
                    && (grouped
                        || i - start <= 3 && chars[start..i].iter().all(|d| d.is_ascii_digit()))
                    && chars
                        .get(i + 1..i + 4)
                        .is_some_and(|g| g.iter().all(|d| d.is_ascii_digit()))
                    && chars.get(i + 4).is_none_or(|d| !d.is_ascii_digit())
                {
                    // `1 234` typed with a plain space, as Russian and Armenian group thousands.
                    grouped = true;
                    i += 4;
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
            let mut marked = false;
            i += 1;
            while i < chars.len() {
                if is_word_char(chars[i]) {
                    i += 1;
                } else if is_apostrophe(chars[i])
                    && chars.get(i + 1).is_some_and(|&d| d.is_alphabetic())
                {
                    i += 2;
                } else if is_accelerator_mark(chars[i])
                    && chars.get(i + 1).is_some_and(|&d| d.is_alphabetic())
                {
                    marked = true;
                    i += 2;
                } else {
                    break;
                }
            }
            let word = chars[start..i]
                .iter()
                .copied()
                .filter(|&c| !(marked && is_accelerator_mark(c)));
            let norm = fold_chars_by(&profile, word, (i - start) * 2);
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
    fn access_key_marks_inside_a_word_are_left_out_of_its_form() {
        assert_eq!(norms("ru", "Обрат_ить выбор"), ["обратить", "выбор"]);
        assert_eq!(norms("ru", "_Обратить выбор"), ["_", "обратить", "выбор"]);
        assert_eq!(norms("hy", "Բաց&ել ֆայլը"), ["բացել", "ֆայլը"]);
        assert_eq!(norms("az", "Fay_lı aç"), ["faylı", "aç"]);
        // Not before a digit or at a word's end, where the mark is something else.
        assert_eq!(norms("en", "Tom & Jerry_"), ["tom", "&", "jerry", "_"]);
        assert_eq!(norms("en", "item_2"), ["item", "_", "2"]);
        let tokens = tokenize(&Lang::parse("en").unwrap(), "Fi_le it");
        assert_eq!((tokens[0].start, tokens[0].end), (0, 5));
    }

    #[test]
    fn offsets_are_chars() {
        let tokens = tokenize(&Lang::parse("ru").unwrap(), "Ёжик «в тумане»");
        assert_eq!((tokens[0].start, tokens[0].end), (0, 4));
        assert_eq!(tokens[0].norm, "ежик");
        assert_eq!((tokens[2].start, tokens[2].end), (6, 7));
    }

    #[test]
    fn placeholders_are_one_token_each() {
        let tokens = tokenize(
            &Lang::parse("en").unwrap(),
            "Write to news@example.org or @tetraglot_news, see https://example.org/a?b=1. #Baku2026 {1} %s <ph x=\"1\">&lt;b&gt;</ph>",
        );
        let codes: Vec<&str> = tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Code)
            .map(|t| t.norm.as_str())
            .collect();
        assert_eq!(
            codes,
            [
                "news@example.org",
                "@tetraglot_news",
                "https://example.org/a?b=1",
                "#Baku2026",
                "{1}",
                "%s",
                "<ph x=\"1\">&lt;b&gt;</ph>"
            ]
        );
    }

    #[test]
    fn space_grouped_numbers_in_russian_and_armenian() {
        assert_eq!(
            norms("ru", "Собрали 1 234 500 рублей в 2019 году"),
            ["собрали", "1 234 500", "рублей", "в", "2019", "году"]
        );
        assert_eq!(
            norms("en", "In 2019 150 people came"),
            ["in", "2019", "150", "people", "came"]
        );
    }

    #[test]
    fn apostrophes_join_words() {
        assert_eq!(norms("en", "don’t stop"), ["don't", "stop"]);
    }
}
