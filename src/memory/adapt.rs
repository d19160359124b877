//! Placeholder adaptation: when a stored sentence differs from the query only in numbers and
//! codes, its translations get the query's values, written the target language's way.

use crate::model::lang::Lang;
use crate::text::numbers::{format_like, readings, same_value, style};
use crate::text::{tokenize, Token, TokenKind};

/// The chars `start..end` of `text`.
pub fn slice(text: &str, start: usize, end: usize) -> String {
    // Skipping chars is cheaper than decoding them, and the slice is copied at once.
    let mut rest = text.chars();
    if start > 0 {
        rest.nth(start - 1);
    }
    let tail = rest.as_str();
    let mut part = tail.chars();
    if end > start {
        part.nth(end - start - 1);
    }
    tail[..tail.len() - part.as_str().len()].to_string()
}

/// One value that changed: as the stored source wrote it and as the query writes it.
pub struct Change<'a> {
    pub kind: TokenKind,
    pub stored: &'a str,
    pub query: &'a str,
}

/// `target_text` with every changed value replaced, or `None` when some value cannot be
/// found in it (a number spelled out in words, say): then the suggestion is not adapted.
pub fn adapt(
    changes: &[Change<'_>],
    source: &Lang,
    target: &Lang,
    target_text: &str,
) -> Option<String> {
    let target_tokens: Vec<Token> = tokenize(target, target_text);
    let raws: Vec<String> = target_tokens
        .iter()
        .map(|t| slice(target_text, t.start, t.end))
        .collect();
    let (source_style, target_style) = (style(source), style(target));
    let mut used = vec![false; target_tokens.len()];
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for change in changes {
        let found = match change.kind {
            TokenKind::Number => {
                // Read the old and new values the same way; find the target number that reads
                // as the old value, each language's own conventions first.
                let old = readings(change.stored, &source_style);
                let new = readings(change.query, &source_style);
                target_tokens.iter().enumerate().find_map(|(k, t)| {
                    if used[k] || t.kind != TokenKind::Number {
                        return None;
                    }
                    let written = readings(&raws[k], &target_style);
                    old.iter().find_map(|(source_reading, old_value)| {
                        let new_value = new
                            .iter()
                            .find(|(style, _)| style == source_reading)
                            .map_or(&new[0].1, |(_, v)| v);
                        written
                            .iter()
                            .find(|(_, value)| same_value(value, old_value))
                            .map(|(style, value)| {
                                (k, format_like(new_value, value, style, &raws[k]))
                            })
                    })
                })
            }
            _ => target_tokens.iter().enumerate().find_map(|(k, t)| {
                (!used[k] && t.kind == change.kind && raws[k] == change.stored)
                    .then(|| (k, change.query.to_string()))
            }),
        };
        let (k, replacement) = found?;
        used[k] = true;
        edits.push((target_tokens[k].start, target_tokens[k].end, replacement));
    }
    edits.sort_by_key(|(start, _, _)| *start);
    let chars: Vec<char> = target_text.chars().collect();
    let mut out = String::with_capacity(target_text.len() + 8);
    let mut at = 0;
    for (start, end, replacement) in edits {
        out.extend(&chars[at..start]);
        out.push_str(&replacement);
        at = end;
    }
    out.extend(&chars[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_counts_chars_not_bytes() {
        let text = "Ալիևը ասաց՝ 2026";
        let slice_by_chars = |start: usize, end: usize| -> String {
            text.chars().skip(start).take(end - start).collect()
        };
        let chars = text.chars().count();
        for start in 0..=chars + 2 {
            for end in start..=chars + 2 {
                assert_eq!(
                    slice(text, start, end),
                    slice_by_chars(start, end),
                    "{start}..{end}"
                );
            }
        }
        assert_eq!(slice(text, 0, 5), "Ալիևը");
    }

    fn lang(tag: &str) -> Lang {
        Lang::parse(tag).unwrap()
    }

    fn number<'a>(stored: &'a str, query: &'a str) -> Change<'a> {
        Change {
            kind: TokenKind::Number,
            stored,
            query,
        }
    }

    #[test]
    fn new_numbers_go_into_every_target_language() {
        let changes = [number("34", "35")];
        let cases = [
            (
                "hy",
                "Դա տեղի է ունեցել 34 տարի առաջ։",
                "Դա տեղի է ունեցել 35 տարի առաջ։",
            ),
            (
                "az",
                "Bu, 34 il əvvəl baş verib.",
                "Bu, 35 il əvvəl baş verib.",
            ),
            (
                "ru",
                "Это случилось 34 года назад.",
                "Это случилось 35 года назад.",
            ),
        ];
        for (tag, stored, adapted) in cases {
            assert_eq!(
                adapt(&changes, &lang("en"), &lang(tag), stored).as_deref(),
                Some(adapted)
            );
        }
    }

    #[test]
    fn number_formats_follow_the_target_language() {
        let changes = [number("1,234.5", "2,500.75"), number("25-26", "27-28")];
        let ru = "Собрано 1 234,5 тонны 25-26 мая.";
        assert_eq!(
            adapt(&changes, &lang("en"), &lang("ru"), ru).as_deref(),
            Some("Собрано 2 500,75 тонны 27-28 мая.")
        );
        let az = "25-26 may tarixlərində 1.234,5 ton yığılıb.";
        assert_eq!(
            adapt(&changes, &lang("en"), &lang("az"), az).as_deref(),
            Some("27-28 may tarixlərində 2.500,75 ton yığılıb.")
        );
    }

    #[test]
    fn codes_are_carried_over_and_missing_values_refuse() {
        let changes = [Change {
            kind: TokenKind::Code,
            stored: "@old_desk",
            query: "@new_desk",
        }];
        assert_eq!(
            adapt(
                &changes,
                &lang("en"),
                &lang("hy"),
                "Գրեք @old_desk հասցեին։"
            )
            .as_deref(),
            Some("Գրեք @new_desk հասցեին։")
        );
        assert_eq!(
            adapt(&[number("3", "4")], &lang("en"), &lang("ru"), "Три дня."),
            None
        );
    }
}
