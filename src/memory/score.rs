//! The match percentage: a weighted word-level edit distance between the query and a stored
//! sentence, computed on matching forms (see README, "How a match is scored").
//!
//! * 100 only when the texts are identical after NFC and whitespace folding.
//! * Otherwise `99 ≥ score = floor(100 · (1 − D / W))`, where `W` is the larger total weight
//!   of the two token sequences (a word or number weighs 1, punctuation 0.1) and `D` the
//!   cheapest alignment cost: inserting or deleting a word costs 1, punctuation 0.1;
//!   replacing punctuation costs 0.1; replacing a word costs 0.15–0.33 when both share a
//!   stem (a common prefix of at least 3 chars covering half the longer word: a changed
//!   ending), 0.5–1 otherwise, growing with the character edit distance.

use crate::text::{same_text, Token, TokenKind};

const PUNCT_WEIGHT: f32 = 0.1;

fn weight(token: &Token) -> f32 {
    match token.kind {
        TokenKind::Punct => PUNCT_WEIGHT,
        _ => 1.0,
    }
}

/// Character Levenshtein distance of two words, with `row` as scratch space.
fn char_distance(a: &[char], b: &[char], row: &mut Vec<usize>) -> usize {
    row.clear();
    row.extend(0..=b.len());
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A token with its chars unpacked once for the many comparisons of an alignment.
struct Prepared<'a> {
    token: &'a Token,
    chars: Vec<char>,
}

fn prepare(tokens: &[Token]) -> Vec<Prepared<'_>> {
    tokens
        .iter()
        .map(|token| Prepared {
            token,
            chars: token.norm.chars().collect(),
        })
        .collect()
}

/// The cost of replacing stored token `a` by query token `b`.
fn replace_cost(a: &Prepared<'_>, b: &Prepared<'_>, row: &mut Vec<usize>) -> f32 {
    if a.token.norm == b.token.norm {
        return 0.0;
    }
    match (a.token.kind, b.token.kind) {
        (TokenKind::Punct, TokenKind::Punct) => PUNCT_WEIGHT,
        (TokenKind::Punct, _) | (_, TokenKind::Punct) => f32::INFINITY,
        _ => {
            let distance = char_distance(&a.chars, &b.chars, row);
            let prefix = a
                .chars
                .iter()
                .zip(&b.chars)
                .take_while(|(x, y)| x == y)
                .count();
            let longest = a.chars.len().max(b.chars.len());
            let ratio = distance as f32 / longest.max(1) as f32;
            if prefix >= 3 && 2 * prefix >= longest {
                0.15 + 0.35 * ratio
            } else {
                0.5 + 0.5 * ratio
            }
        }
    }
}

/// One step of the alignment from the stored sentence to the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Equal(usize, usize),
    Replace(usize, usize),
    Delete(usize),
    Insert(usize),
}

/// The alignment of stored tokens to query tokens and its cost.
pub struct Alignment {
    pub cost: f32,
    pub weight: f32,
    pub steps: Vec<Step>,
}

/// Aligns `stored` to `query` at the least cost (weighted Levenshtein over tokens).
pub fn align(stored_tokens: &[Token], query_tokens: &[Token]) -> Alignment {
    let stored = prepare(stored_tokens);
    let query = prepare(query_tokens);
    let mut row = Vec::new();
    let (n, m) = (stored.len(), query.len());
    let width = m + 1;
    let mut cost = vec![0f32; (n + 1) * width];
    for j in 1..=m {
        cost[j] = cost[j - 1] + weight(query[j - 1].token);
    }
    for i in 1..=n {
        cost[i * width] = cost[(i - 1) * width] + weight(stored[i - 1].token);
        for j in 1..=m {
            let replace = cost[(i - 1) * width + j - 1]
                + replace_cost(&stored[i - 1], &query[j - 1], &mut row);
            let delete = cost[(i - 1) * width + j] + weight(stored[i - 1].token);
            let insert = cost[i * width + j - 1] + weight(query[j - 1].token);
            cost[i * width + j] = replace.min(delete).min(insert);
        }
    }
    let mut steps = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let here = cost[i * width + j];
        if i > 0 && j > 0 {
            let step = replace_cost(&stored[i - 1], &query[j - 1], &mut row);
            if (cost[(i - 1) * width + j - 1] + step - here).abs() < 1e-4 {
                steps.push(if step == 0.0 {
                    Step::Equal(i - 1, j - 1)
                } else {
                    Step::Replace(i - 1, j - 1)
                });
                i -= 1;
                j -= 1;
                continue;
            }
        }
        if i > 0 && (cost[(i - 1) * width + j] + weight(stored[i - 1].token) - here).abs() < 1e-4 {
            steps.push(Step::Delete(i - 1));
            i -= 1;
        } else {
            steps.push(Step::Insert(j - 1));
            j -= 1;
        }
    }
    steps.reverse();
    let total = |tokens: &[Token]| tokens.iter().map(weight).sum::<f32>();
    Alignment {
        cost: cost[n * width + m],
        weight: total(stored_tokens).max(total(query_tokens)),
        steps,
    }
}

/// The best similarity two token sequences could reach: every token of the longer that has
/// no counterpart in the shorter costs at least its weight. Lets lookups skip candidates that
/// cannot reach `min_score` without aligning them.
pub fn similarity_bound(stored: &[Token], query: &[Token]) -> f32 {
    let total = |tokens: &[Token]| tokens.iter().map(weight).sum::<f32>();
    let (a, b) = (total(stored), total(query));
    let heavier = a.max(b);
    if heavier <= 0.0 {
        return 100.0;
    }
    100.0 * (1.0 - (a - b).abs() / heavier)
}

/// The similarity in percent (0–100, unrounded) of an alignment.
pub fn similarity(alignment: &Alignment) -> f32 {
    if alignment.weight <= 0.0 {
        return 100.0;
    }
    (100.0 * (1.0 - alignment.cost / alignment.weight)).clamp(0.0, 100.0)
}

/// The match percentage shown to translators: 100 for identical text, otherwise at most 99.
pub fn match_score(stored_text: &str, query_text: &str, similarity: f32) -> u32 {
    if same_text(stored_text, query_text) {
        100
    } else {
        (similarity.floor() as u32).min(99)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::text::tokenize;

    fn score(tag: &str, stored: &str, query: &str) -> u32 {
        let lang = Lang::parse(tag).unwrap();
        let alignment = align(&tokenize(&lang, stored), &tokenize(&lang, query));
        match_score(stored, query, similarity(&alignment))
    }

    const TWENTY: &str = "The minister said on Tuesday that the new railway line between the two \
                          capitals would open to passengers next spring after long delays.";

    #[test]
    fn identical_is_100_and_only_identical() {
        assert_eq!(score("en", TWENTY, TWENTY), 100);
        assert_eq!(score("en", TWENTY, &format!("  {TWENTY} ")), 100);
        assert_eq!(score("en", TWENTY, &TWENTY.to_uppercase()), 99);
        assert_eq!(score("en", TWENTY, &TWENTY.replace('.', "")), 99);
    }

    #[test]
    fn one_word_in_twenty_stays_above_85() {
        let changed = TWENTY.replace("spring", "autumn");
        assert!(score("en", TWENTY, &changed) >= 85);
        let dropped = TWENTY.replace("long ", "");
        assert!(score("en", TWENTY, &dropped) >= 85);
    }

    #[test]
    fn scores_fall_as_edits_grow() {
        let edits = [
            ("spring", "autumn"),
            ("Tuesday", "Friday"),
            ("passengers", "freight"),
            ("minister", "mayor"),
            ("railway", "road"),
        ];
        let mut text = TWENTY.to_string();
        let mut last = 100;
        for (from, to) in edits {
            text = text.replace(from, to);
            let now = score("en", TWENTY, &text);
            assert!(now < last, "{now} after {last}");
            last = now;
        }
    }

    #[test]
    fn changed_ending_costs_less_than_a_different_word() {
        let ru = "Президент Алиев встретился с делегацией в Баку";
        let ending = score("ru", ru, &ru.replace("Алиев", "Алиева"));
        let other = score("ru", ru, &ru.replace("Алиев", "Путин"));
        assert!(ending > other, "{ending} vs {other}");
        let hy = "Ալիևը հանդիպեց պատվիրակությանը Բաքվում";
        let ending = score("hy", hy, &hy.replace("Ալիևը", "Ալիևի"));
        let other = score("hy", hy, &hy.replace("Ալիևը", "Փաշինյանը"));
        assert!(ending > other, "{ending} vs {other}");
    }
}
