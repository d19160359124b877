//! The match percentage: a weighted word-level edit distance between the query and a stored
//! sentence, computed on matching forms, blended with their character-level similarity (see
//! README, "How a match is scored").
//!
//! * 100 only when the texts are identical after NFC and whitespace folding.
//! * Otherwise `99 ≥ score = floor(100 · S)`, `S = (S_words + S_chars) / 2`.
//! * `S_words = 1 − D / W`, where `W` is the larger total weight of the two token sequences
//!   (a word or number weighs 1, punctuation 0.1) and `D` the cheapest alignment cost:
//!   inserting or deleting a word costs 1, punctuation 0.1; replacing punctuation costs 0.1;
//!   replacing a word costs `1.5 · d/L` (d the character edit distance, L the longer word's
//!   length), at least 0.15 and at most 1: continuous in how alike the words are; and at most
//!   `0.15 + 0.35 · d/L` when both share a stem (a common prefix of at least 3 chars covering
//!   half the longer word: a changed ending).
//! * `S_chars` is the Indel ratio of the two sentences' words (punctuation left out), one
//!   space apart: a rewording that keeps most letters is closer than the words alone say.

use rapidfuzz::distance::indel;

use crate::text::{same_text, Token, TokenKind};

use align::align_within;
pub use align::{align, align_profiled, Alignment, Step, MAX_ALIGNMENT_CELLS};

const PUNCT_WEIGHT: f32 = 0.1;

/// Replacing a number by a number, or a code by a code: the translation carries the new
/// value over, so the suggestion stays good.
const PLACEHOLDER_CHANGE: f32 = 0.1;

// The least a replaced word can cost is also what `least_cost` charges, so
// `score_upper_bound` stays a bound: change the constants here, once, and both follow.
/// A changed ending (a shared stem): 0.15–0.5.
const STEM_CHANGE: (f32, f32) = (0.15, 0.35);
/// Any word: `WORD_CHANGE.1 · d/L`, at least `WORD_CHANGE.0` and at most 1 (a word a third
/// or more of its letters away costs as much as a deletion). Fitted on the news and UI
/// development sets (`examples/eval.rs`): the old `0.5 + 0.5 · d/L` priced a spelling
/// variant with a changed first letter (`աւժանդակ`/`օժանդակ`) like half a different word.
const WORD_CHANGE: (f32, f32) = (0.15, 1.5);

/// The cost of replacing a word by another `ratio` (d/L) apart in characters: continuous in
/// how alike the two are, from a spelling variant to a different word.
fn word_change(ratio: f32) -> f32 {
    (WORD_CHANGE.1 * ratio).clamp(WORD_CHANGE.0, 1.0)
}

fn weight(token: &Token) -> f32 {
    match token.kind {
        TokenKind::Punct => PUNCT_WEIGHT,
        _ => 1.0,
    }
}

/// A query word prepared once for the many comparisons of a lookup: its chars and, for
/// Myers' bit-parallel edit distance, one bit mask per distinct char.
struct WordProfile {
    chars: Vec<char>,
    masks: Vec<(char, u64)>,
}

impl WordProfile {
    fn new(word: &str) -> WordProfile {
        let chars: Vec<char> = word.chars().collect();
        let mut masks: Vec<(char, u64)> = Vec::new();
        if chars.len() <= 64 {
            for (i, &c) in chars.iter().enumerate() {
                match masks.iter_mut().find(|(k, _)| *k == c) {
                    Some((_, mask)) => *mask |= 1 << i,
                    None => masks.push((c, 1 << i)),
                }
            }
        }
        WordProfile { chars, masks }
    }

    /// Levenshtein distance to `other` (Myers/Hyyrö, one pass over `other`'s chars).
    fn distance(&self, other: &str) -> usize {
        let m = self.chars.len();
        if m == 0 {
            return other.chars().count();
        }
        if m > 64 {
            let other: Vec<char> = other.chars().collect();
            return dp_distance(&self.chars, &other);
        }
        let top = 1u64 << (m - 1);
        let (mut pv, mut mv, mut score) = (!0u64, 0u64, m);
        for c in other.chars() {
            let eq = self
                .masks
                .iter()
                .find(|(k, _)| *k == c)
                .map_or(0, |(_, mask)| *mask);
            let xv = eq | mv;
            let xh = ((eq & pv).wrapping_add(pv) ^ pv) | eq;
            let mut ph = mv | !(xh | pv);
            let mut mh = pv & xh;
            if ph & top != 0 {
                score += 1;
            } else if mh & top != 0 {
                score -= 1;
            }
            ph = (ph << 1) | 1;
            mh <<= 1;
            pv = mh | !(xv | ph);
            mv = ph & xv;
        }
        score
    }
}

/// Plain dynamic-programming Levenshtein distance over any items (chars of words too long
/// for one machine word, or whole words).
pub fn dp_distance<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
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

/// A query prepared for aligning against many stored sentences.
pub struct QueryProfile<'a> {
    tokens: &'a [Token],
    words: Vec<WordProfile>,
    /// Each token's weight, and their sum.
    weights: Vec<f32>,
    weight: f32,
    /// The tokens sorted by matching form, for [`score_upper_bound`].
    sorted: Vec<&'a Token>,
    /// The query's words as one line of chars, compared with each stored sentence's.
    chars: indel::BatchComparator<char>,
    chars_len: usize,
    /// Each distinct matching form of the query and the index of its first token, and that
    /// index for every token: a stored token equals a query token when its form maps to the
    /// query token's, one hash lookup per stored token instead of a string comparison per
    /// cell of the alignment.
    forms: foldhash::HashMap<&'a str, usize>,
    form_of: Vec<usize>,
    lengths: TextLengths,
}

impl<'a> QueryProfile<'a> {
    pub fn new(tokens: &'a [Token]) -> QueryProfile<'a> {
        let mut sorted: Vec<&Token> = tokens.iter().collect();
        sorted.sort_unstable_by(|a, b| a.norm.cmp(&b.norm));
        let form = char_form(tokens);
        let weights: Vec<f32> = tokens.iter().map(weight).collect();
        let mut forms =
            foldhash::HashMap::with_capacity_and_hasher(tokens.len(), Default::default());
        let form_of = (0..tokens.len())
            .map(|j| *forms.entry(tokens[j].norm.as_str()).or_insert(j))
            .collect();
        QueryProfile {
            lengths: TextLengths::of(tokens),
            forms,
            form_of,
            tokens,
            words: tokens.iter().map(|t| WordProfile::new(&t.norm)).collect(),
            weight: weights.iter().sum(),
            weights,
            sorted,
            chars_len: form.len(),
            chars: indel::BatchComparator::new(form),
        }
    }

    /// The query's tokens.
    pub fn tokens(&self) -> &'a [Token] {
        self.tokens
    }

    /// The query's lengths.
    pub fn lengths(&self) -> TextLengths {
        self.lengths
    }
}

/// The cost of replacing stored token `a` by query token `j`.
///
/// Kept out of line: it runs for a few cells of each alignment, and inlined into the
/// alignment's loop it made a lookup dearer than the calls it saved (1 % more instructions
/// among a million units, measured with callgrind).
/// `a_chars` is the length of `a.norm` in chars, counted once per alignment.
#[inline(never)]
fn replace_cost(a: &Token, a_chars: usize, query: &QueryProfile<'_>, j: usize) -> f32 {
    let b = &query.tokens[j];
    if a.norm == b.norm {
        return 0.0;
    }
    match (a.kind, b.kind) {
        (TokenKind::Punct, TokenKind::Punct) => PUNCT_WEIGHT,
        (TokenKind::Punct, _) | (_, TokenKind::Punct) => f32::INFINITY,
        (x, y) if x == y && x.is_placeholder() => PLACEHOLDER_CHANGE,
        _ => {
            let profile = &query.words[j];
            let distance = profile.distance(&a.norm);
            let prefix = a
                .norm
                .chars()
                .zip(&profile.chars)
                .take_while(|(x, y)| x == *y)
                .count();
            let longest = a_chars.max(profile.chars.len());
            let ratio = distance as f32 / longest.max(1) as f32;
            let word = word_change(ratio);
            if prefix >= 3 && 2 * prefix >= longest {
                word.min(STEM_CHANGE.0 + STEM_CHANGE.1 * ratio)
            } else {
                word
            }
        }
    }
}

/// The least a replacement of two different tokens costs (punctuation, a placeholder, a word
/// with a changed ending or spelling): what lets the alignment skip the word distance.
const LEAST_CHANGE: f32 = WORD_CHANGE
    .0
    .min(STEM_CHANGE.0)
    .min(PUNCT_WEIGHT)
    .min(PLACEHOLDER_CHANGE);

/// What [`least_cost`] needs to know of the other sentence's unmatched tokens, gathered once
/// (asking each token against each other token is quadratic in long texts).
struct Unmatched {
    placeholder_kinds: Vec<TokenKind>,
    stems: foldhash::HashSet<[char; 3]>,
}

impl Unmatched {
    fn new(tokens: &[&Token]) -> Unmatched {
        let mut placeholder_kinds = Vec::new();
        let mut stems = foldhash::HashSet::default();
        for token in tokens {
            if token.kind.is_placeholder() && !placeholder_kinds.contains(&token.kind) {
                placeholder_kinds.push(token.kind);
            }
            if token.kind != TokenKind::Punct {
                if let Some(stem) = stem3(&token.norm) {
                    stems.insert(stem);
                }
            }
        }
        Unmatched {
            placeholder_kinds,
            stems,
        }
    }
}

/// The first three chars of a word, when it has three.
fn stem3(word: &str) -> Option<[char; 3]> {
    let mut chars = word.chars();
    Some([chars.next()?, chars.next()?, chars.next()?])
}

/// The least an unmatched token can cost: punctuation 0.1; a word that shares its first three
/// chars with some unmatched word of the other sentence 0.15 (a changed ending); any other
/// word 0.5.
fn least_cost(token: &Token, others: &Unmatched) -> f32 {
    if token.kind == TokenKind::Punct {
        return PUNCT_WEIGHT;
    }
    if token.kind.is_placeholder() && others.placeholder_kinds.contains(&token.kind) {
        return PLACEHOLDER_CHANGE;
    }
    if stem3(&token.norm).is_some_and(|stem| others.stems.contains(&stem)) {
        STEM_CHANGE.0.min(word_change(0.0))
    } else {
        word_change(0.0)
    }
}

/// An upper bound of the score of `stored` against the query, cheap next to
/// [`align_profiled`]:
/// tokens outside the two sentences' common multiset cannot align at no cost, and each costs
/// at least [`least_cost`]. Lookups skip the alignment of candidates whose bound cannot
/// beat the results already found.
pub fn score_upper_bound(stored: &[Token], query: &QueryProfile<'_>) -> f32 {
    upper_bound(stored, query).score
}

/// What [`upper_bound`] knows of a stored sentence before aligning it.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    /// No score of the sentence can be higher.
    pub score: f32,
    /// Whether the two sentences may differ in placeholders alone (their score is then held
    /// in [`PLACEHOLDER_BAND`] whatever the similarity); when not, the score is the
    /// similarity's floor and [`rescore_above`] may give up below a wanted similarity.
    pub placeholders: bool,
}

/// [`score_upper_bound`], with whether the score may be a placeholder change's.
pub fn upper_bound(stored: &[Token], query: &QueryProfile<'_>) -> Bound {
    let mut mine: Vec<&Token> = stored.iter().collect();
    mine.sort_unstable_by(|a, b| a.norm.cmp(&b.norm));
    let theirs = &query.sorted;
    let (mut only_mine, mut only_theirs) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < mine.len() || j < theirs.len() {
        match (mine.get(i), theirs.get(j)) {
            (Some(a), Some(b)) if a.norm == b.norm => {
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a.norm < b.norm => {
                only_mine.push(*a);
                i += 1;
            }
            (Some(a), None) => {
                only_mine.push(*a);
                i += 1;
            }
            (_, Some(b)) => {
                only_theirs.push(*b);
                j += 1;
            }
            (None, None) => break,
        }
    }
    let (mine_left, theirs_left) = (Unmatched::new(&only_mine), Unmatched::new(&only_theirs));
    let mine_cost: f32 = only_mine.iter().map(|t| least_cost(t, &theirs_left)).sum();
    let theirs_cost: f32 = only_theirs.iter().map(|t| least_cost(t, &mine_left)).sum();
    let stored_weight: f32 = stored.iter().map(weight).sum();
    let heavier = stored_weight.max(query.weight);
    if heavier <= 0.0 {
        return Bound {
            score: 100.0,
            placeholders: true,
        };
    }
    let words_bound = 100.0 * (1.0 - mine_cost.max(theirs_cost) / heavier);
    let lengths = TextLengths::of(stored);
    let chars_bound = length_bound(lengths.chars as usize, query.chars_len);
    // Counting the unmatched tokens at their least cost says little of a short query
    // against a long text (each extra word costs a whole deletion, not the least
    // replacement): the lengths bound that.
    let bound = ((1.0 - CHAR_SHARE) * words_bound + CHAR_SHARE * chars_bound)
        .min(length_bound_score(lengths, query));
    // Sentences that may differ in placeholders alone score at least 95 whatever their
    // similarity (see `match_score`): the bound is of the score.
    let kinds = |tokens: &[&Token]| {
        let mut kinds: Vec<TokenKind> = tokens.iter().map(|t| t.kind).collect();
        kinds.sort_by_key(|k| *k as u8);
        kinds
    };
    let placeholders_only = !only_mine.is_empty()
        && only_mine.iter().all(|t| t.kind.is_placeholder())
        && kinds(&only_mine) == kinds(&only_theirs);
    Bound {
        score: if placeholders_only {
            bound.max(PLACEHOLDER_BAND.0 as f32)
        } else {
            bound
        },
        placeholders: placeholders_only,
    }
}

/// How long a text is, as the score sees it: its words (numbers and codes included), its
/// punctuation marks, and the chars of its words one space apart ([`char_form`]). Enough to
/// bound a stored text's score before it is read (see [`length_bound_score`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLengths {
    pub words: u32,
    pub punct: u32,
    pub chars: u32,
}

impl TextLengths {
    pub fn of(tokens: &[Token]) -> TextLengths {
        let punct = tokens.iter().filter(|t| t.kind == TokenKind::Punct).count();
        TextLengths {
            words: (tokens.len() - punct) as u32,
            punct: punct as u32,
            chars: char_form_len(tokens) as u32,
        }
    }
}

/// An upper bound of the score of a stored text of these lengths against the query, from
/// the lengths alone. The words one text has beyond the other are inserted or deleted
/// whole (a word never replaces punctuation), and so are the extra marks; the chars one
/// line has beyond the other are inserted or deleted too. Texts with as many words and marks
/// as the query may differ in placeholders alone, which scores 95 or more whatever the
/// similarity: their bound is 100.
pub fn length_bound_score(stored: TextLengths, query: &QueryProfile<'_>) -> f32 {
    let mine = &query.lengths;
    if stored.words == mine.words && stored.punct == mine.punct {
        return 100.0;
    }
    let stored_weight = stored.words as f32 + PUNCT_WEIGHT * stored.punct as f32;
    let heavier = stored_weight.max(query.weight);
    if heavier <= 0.0 {
        return 100.0;
    }
    let least = stored.words.abs_diff(mine.words) as f32
        + PUNCT_WEIGHT * stored.punct.abs_diff(mine.punct) as f32;
    // The similarity is clamped at 0 (a punctuation mark against three words costs more
    // than the heavier side weighs), and so is its bound.
    let words_bound = (100.0 * (1.0 - least / heavier)).max(0.0);
    let chars_bound = length_bound(stored.chars as usize, query.chars_len);
    (1.0 - CHAR_SHARE) * words_bound + CHAR_SHARE * chars_bound
}

/// The longest matching form, in chars, whose char distance [`char_distance`] computes (a
/// table of at most 2,000 × 2,000 cells, only ever for tied matches).
const TIE_BREAK_CHARS: usize = 2_000;

/// The character edit distance between the matching forms of two sentences (their tokens'
/// forms, one space apart), for ordering matches whose word-level similarity is the same:
/// of two stored sentences one word away from the query, the one closer in characters comes
/// first. `None` for a text longer than [`TIE_BREAK_CHARS`].
pub fn char_distance(a: &[Token], b: &[Token]) -> Option<usize> {
    let form = |tokens: &[Token]| -> Option<Vec<char>> {
        let mut chars = Vec::new();
        for (k, token) in tokens.iter().enumerate() {
            if k > 0 {
                chars.push(' ');
            }
            chars.extend(token.norm.chars());
            if chars.len() > TIE_BREAK_CHARS {
                return None;
            }
        }
        Some(chars)
    };
    let (a, b) = (form(a)?, form(b)?);
    // Bit-parallel: the same distance as the table, 64 cells a step.
    Some(rapidfuzz::distance::levenshtein::distance(
        a.iter().copied(),
        b.iter().copied(),
    ))
}

/// The words of a sentence (matching forms, punctuation left out) one space apart: what the
/// character-level similarity compares.
fn char_form(tokens: &[Token]) -> Vec<char> {
    let mut chars = Vec::new();
    for token in tokens.iter().filter(|t| t.kind != TokenKind::Punct) {
        if !chars.is_empty() {
            chars.push(' ');
        }
        chars.extend(token.norm.chars());
    }
    chars
}

/// The most cells (chars × chars) of one character comparison: texts of up to a few thousand
/// chars each compare exactly (bit-parallel, 64 cells a step, well under a millisecond).
const MAX_CHAR_CELLS: usize = 1 << 24;

/// The highest character similarity two lines of these lengths can have: the chars by which
/// one is longer than the other are inserted or deleted.
fn length_bound(a: usize, b: usize) -> f32 {
    let total = (a + b).max(1);
    100.0 * (1.0 - a.abs_diff(b) as f32 / total as f32)
}

/// The length in chars of [`char_form`], without building it.
fn char_form_len(tokens: &[Token]) -> usize {
    let (mut chars, mut words) = (0usize, 0usize);
    for token in tokens.iter().filter(|t| t.kind != TokenKind::Punct) {
        chars += token.norm.chars().count();
        words += 1;
    }
    chars + words.saturating_sub(1)
}

/// A stored sentence rescored against the query.
pub struct Rescored {
    pub alignment: Alignment,
    /// The word-level similarity (0–100) of the alignment.
    pub words: f32,
    /// The character-level similarity (0–100): one minus the characters inserted and deleted
    /// over the two lengths (the Indel ratio).
    pub chars: f32,
    /// What matches are ranked by and scored from: the two blended.
    pub similarity: f32,
}

/// The share of the character-level similarity in the blend: half. Fitted on the UI
/// strings' natural variation (`examples/eval.rs`): 0 (words alone) 73.9 % top-1 over every
/// unit, 0.3 75.7 %, 0.5 76.1 %, with no NTREX cell lower.
pub const CHAR_SHARE: f32 = 0.5;

/// Aligns `stored` to the query and measures both similarities.
pub fn rescore(stored: &[Token], query: &QueryProfile<'_>) -> Rescored {
    match rescore_above(stored, query, f32::NEG_INFINITY) {
        Some(rescored) => rescored,
        None => unreachable!("every similarity is above minus infinity"),
    }
}

/// [`rescore`], or `None` as soon as the similarity is sure to be below `at_least`: the
/// characters are compared first (bit-parallel, cheap), which says how close the words must
/// be, and the word alignment stops at the first row of its table that is already too dear.
/// A lookup asks for at least the score its worst kept match has, so a candidate that could
/// not displace it is not aligned to the end; what the lookup keeps is the same.
pub fn rescore_above(
    stored: &[Token],
    query: &QueryProfile<'_>,
    at_least: f32,
) -> Option<Rescored> {
    let stored_len = char_form_len(stored);
    let huge = stored_len.saturating_mul(query.chars_len) > MAX_CHAR_CELLS;
    let chars = if stored_len == 0 && query.chars_len == 0 {
        100.0
    } else if huge {
        // Texts of many thousand chars each: the length bound, no better than the words
        // (below, once they are known).
        length_bound(stored_len, query.chars_len)
    } else {
        100.0 * query.chars.normalized_similarity(char_form(stored)) as f32
    };
    // S = (1 − c)·S_words + c·S_chars ≥ at_least needs S_words ≥ this.
    let words_needed = (at_least - CHAR_SHARE * chars) / (1.0 - CHAR_SHARE);
    let max_cost = if words_needed <= 0.0 {
        f32::INFINITY
    } else if words_needed > 100.0 + 1e-3 {
        return None;
    } else {
        let heavier = stored.iter().map(weight).sum::<f32>().max(query.weight);
        // A little slack for rounding: giving up too late costs time, too early a match.
        heavier * (1.0 - words_needed / 100.0) + 1e-3
    };
    let alignment = align_within(stored, query, max_cost)?;
    let words = similarity(&alignment);
    let chars = if huge { words.min(chars) } else { chars };
    Some(Rescored {
        alignment,
        words,
        chars,
        similarity: (1.0 - CHAR_SHARE) * words + CHAR_SHARE * chars,
    })
}

/// The similarity in percent (0–100, unrounded) of an alignment.
pub fn similarity(alignment: &Alignment) -> f32 {
    if alignment.weight <= 0.0 {
        return 100.0;
    }
    (100.0 * (1.0 - alignment.cost / alignment.weight)).clamp(0.0, 100.0)
}

/// The lowest and highest score of a sentence that differs only in placeholders.
pub const PLACEHOLDER_BAND: (u32, u32) = (95, 99);

/// The match percentage shown to translators: 100 for identical text; 95–99 when only
/// placeholders (numbers, codes) differ; otherwise the similarity, at most 99.
pub fn match_score(
    stored_text: &str,
    query_text: &str,
    similarity: f32,
    placeholders_only: bool,
) -> u32 {
    if same_text(stored_text, query_text) {
        100
    } else if placeholders_only {
        (similarity.floor() as u32).clamp(PLACEHOLDER_BAND.0, PLACEHOLDER_BAND.1)
    } else {
        (similarity.floor() as u32).min(99)
    }
}

mod align;
#[cfg(test)]
mod tests;
