//! Sentence splitting: cuts a text into sentences with per-language rules for hy, ru, en and az.
//!
//! ICU4X's UAX #29 sentence segmenter proposes breaks (after `. ? ! ։`, their closing quotes
//! and brackets, and the spaces that follow; after every line break). This module adds the
//! candidates UAX #29 does not know — the ASCII `:` that Armenian text types for `։`, and `…` —
//! then judges every candidate with one set of rules:
//!
//! - A line break always ends a sentence. Otherwise a sentence ends only where whitespace
//!   follows the terminator (so `3.5`, `14:30`, `U.S`, `example.com` never split) and the next
//!   word does not start with a lower-case letter (`?`, `!`, `…` before a lower-case word
//!   continue the sentence, as in `«Кто там?» — спросил он`), nor an ellipsis (`... ...and`).
//!   Stray marks after the last word (`— сказал он. —`) stay with the last sentence.
//! - `?`, `!` (and runs like `?!`, `!!!`), `։`, `…` and `...` end a sentence.
//! - **hy**: the ASCII `:` ends a sentence too, except before an opening quote (`ասաց: «…»`
//!   introduces speech) and in a spaced score (`2 : 1`). The ASCII `.` is read as the mijaket
//!   `․` (`ասաց. «…»`, `2012թ. Օրեգոնում`, `Բրեքսիթ. Անգլիան…`) and never ends a sentence;
//!   neither do `․ ՝ ՞ ՜ ՛`. A text tagged hy without one Armenian letter (an English
//!   headline left untranslated) is segmented by the rules below.
//! - **ru, en, az** (and any other language): a `.` ends a sentence unless it closes an
//!   abbreviation. Titles and words that precede a name (`Mr.`, `Dr.`, `St.`, `г.`, `ул.`,
//!   `Св.`, `т. е.`, `e.g.`), initials (`В. В. Путин`, `A. Lind`) and dotted acronyms (`U.S.`,
//!   `U.N.`) end a sentence only before a word that typically starts one (`The`, `Это`, `Bu`);
//!   `No.`, `Feb.`, `стр.`, `ст.` do not end before a number; `etc.`, `и т. д.`, `млрд.`,
//!   `руб.`, `və s.` end before any capitalised word; a number alone at the start of a
//!   sentence (`1.`) is a list label.
//!
//! Offsets are in chars (Unicode scalar values). The segments are trimmed: the input is their
//! texts with the original whitespace between them (and before the first and after the last).

use std::collections::BTreeSet;

use icu_segmenter::SentenceSegmenter;

use super::lexicon::{
    Abbrev, AZ_ABBREVIATIONS, AZ_STARTERS, COMMON_ABBREVIATIONS, EN_STARTERS, RU_ABBREVIATIONS,
    RU_STARTERS, WEEKDAYS,
};
use super::normalize::is_space;
use crate::model::lang::Lang;

/// One sentence: its text and its place in the input, in chars (`end` exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Splits `text` into sentences by the rules of `lang`; empty or blank text gives none.
pub fn split(lang: &Lang, text: &str) -> Vec<Sentence> {
    segment_with(super::profile(lang).sentences, text)
}

use super::profile::SentenceRules as Rules;

impl Rules {
    /// Capitalised words that typically open a sentence: after an abbreviation or an initial
    /// they tip the balance towards a sentence end.
    fn starters(self) -> &'static [&'static str] {
        match self {
            Rules::English => EN_STARTERS,
            Rules::Russian => RU_STARTERS,
            Rules::Azerbaijani => AZ_STARTERS,
            Rules::Armenian | Rules::Other => &[],
        }
    }
}

fn segment_with(rules: Rules, text: &str) -> Vec<Sentence> {
    // A text tagged hy without a single Armenian letter (an English headline kept as is) keeps
    // the marks of its script.
    let rules = match rules {
        Rules::Armenian if !text.chars().any(is_armenian_letter) => Rules::Other,
        rules => rules,
    };
    let mut candidates: BTreeSet<usize> = SentenceSegmenter::new(Default::default())
        .segment_str(text)
        .collect();
    add_terminator_candidates(text, &mut candidates);

    // Nothing after the last letter or digit starts a sentence (a stray `"` or `—`).
    let last_word_char = text.rfind(char::is_alphanumeric).unwrap_or(0);
    let mut cuts = Vec::new();
    let mut sentence_start = 0;
    for &at in &candidates {
        if at == 0 || at > last_word_char {
            continue;
        }
        if ends_sentence(rules, text, sentence_start, at) {
            cuts.push(at);
            sentence_start = at;
        }
    }
    cuts.push(text.len());

    let mut segments = Vec::with_capacity(cuts.len());
    let (mut from, mut cursor_byte, mut cursor_char) = (0, 0, 0);
    for to in cuts {
        let piece = &text[from..to];
        let leading = piece.len() - piece.trim_start_matches(is_space).len();
        let trimmed = piece.trim_matches(is_space);
        from = to;
        if trimmed.is_empty() {
            continue;
        }
        let start_byte = to - piece.len() + leading;
        let start = cursor_char + text[cursor_byte..start_byte].chars().count();
        let end = start + trimmed.chars().count();
        cursor_byte = start_byte + trimmed.len();
        cursor_char = end;
        segments.push(Sentence {
            text: trimmed.to_string(),
            start,
            end,
        });
    }
    segments
}

/// Characters that can end a sentence (or look as if they could).
fn is_terminator(c: char) -> bool {
    matches!(
        c,
        '.' | '?'
            | '!'
            | '…'
            | ':'
            | '։'
            | '․'
            | '՞'
            | '՜'
            | '՛'
            | '‼'
            | '⁇'
            | '⁈'
            | '⁉'
            | '。'
            | '！'
            | '？'
            | '؟'
            | '।'
            | '॥'
    )
}

fn is_armenian_letter(c: char) -> bool {
    matches!(c, '\u{0531}'..='\u{0556}' | '\u{0561}'..='\u{0587}' | '\u{FB13}'..='\u{FB17}')
}

/// Terminators that end a sentence wherever a new one can start.
fn is_strong(c: char) -> bool {
    matches!(
        c,
        '?' | '!' | '։' | '‼' | '⁇' | '⁈' | '⁉' | '。' | '！' | '？' | '؟' | '।' | '॥'
    )
}

/// Closing quotes and brackets, which stay with the sentence they close.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '»' | '”' | '“' | '"' | '\'' | '’' | ')' | ']' | '}' | '›' | '՚'
    )
}

/// Opening quotes, brackets and dashes in front of a sentence's first word.
fn is_opener(c: char) -> bool {
    matches!(
        c,
        '«' | '„'
            | '“'
            | '”'
            | '"'
            | '\''
            | '‘'
            | '’'
            | '‹'
            | '('
            | '['
            | '{'
            | 'ՙ'
            | '—'
            | '–'
            | '-'
            | '‐'
            | '―'
            | '¿'
            | '¡'
    )
}

fn is_quote_opener(c: char) -> bool {
    matches!(c, '«' | '„' | '“' | '”' | '"' | '\'' | '‘' | '‹' | 'ՙ')
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// After every run of terminators (and closers) that whitespace follows, a candidate break
/// where the next sentence would start. UAX #29 proposes most of these already; `:` and `…`
/// it does not.
fn add_terminator_candidates(text: &str, candidates: &mut BTreeSet<usize>) {
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if !is_terminator(c) {
            continue;
        }
        while chars
            .next_if(|&(_, c)| is_terminator(c) || is_closer(c))
            .is_some()
        {}
        let mut saw_space = false;
        while chars.next_if(|&(_, c)| is_space(c)).is_some() {
            saw_space = true;
        }
        if saw_space {
            if let Some(&(at, _)) = chars.peek() {
                candidates.insert(at);
            }
        }
    }
}

/// What starts after a candidate break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Lower,
    Upper,
    Digit,
    Other,
    End,
}

struct Next<'a> {
    kind: Kind,
    /// The first word (letters only), e.g. `The`.
    word: &'a str,
    /// The word is followed directly by `.` (an initial or abbreviation, not a sentence opener).
    word_has_dot: bool,
    /// The text after the break starts with an opening quote.
    opens_quote: bool,
    /// The text after the break starts with an ellipsis (`... ...and then`): a continuation.
    continues: bool,
}

impl<'a> Next<'a> {
    fn at(text: &'a str, at: usize) -> Next<'a> {
        let rest = text[at..].trim_start_matches(is_space);
        let opens_quote = rest.chars().next().is_some_and(is_quote_opener);
        let continues = rest.starts_with('…') || rest.starts_with("..");
        let rest = rest.trim_start_matches(|c| is_opener(c) || is_space(c));
        let kind = match rest.chars().next() {
            None => Kind::End,
            Some(c) if c.is_lowercase() => Kind::Lower,
            Some(c) if c.is_numeric() => Kind::Digit,
            // Upper- and title-case letters, and letters of scripts without case.
            Some(c) if c.is_alphabetic() => Kind::Upper,
            Some(_) => Kind::Other,
        };
        let word_len = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        Next {
            kind,
            word: &rest[..word_len],
            word_has_dot: rest[word_len..].starts_with('.'),
            opens_quote,
            continues,
        }
    }

    fn is_starter(&self, rules: Rules) -> bool {
        self.kind == Kind::Upper && !self.word_has_dot && rules.starters().contains(&self.word)
    }
}

/// Whether the text from `sentence_start` up to the candidate break `at` is a sentence.
fn ends_sentence(rules: Rules, text: &str, sentence_start: usize, at: usize) -> bool {
    let head = &text[sentence_start..at];
    let content = head.trim_end_matches(is_space);
    if content.trim_start_matches(is_space).is_empty() {
        return false;
    }
    let gap = &head[content.len()..];
    if gap.chars().any(is_line_break) {
        return true;
    }
    if gap.is_empty() {
        return false;
    }
    let next = Next::at(text, at);
    if next.kind == Kind::Lower || next.continues {
        return false;
    }

    // The terminators (with closers between them) before any closers at the end.
    let body = content.trim_end_matches(is_closer);
    let mut run_start = body.len();
    loop {
        let before = body[..run_start].trim_end_matches(is_terminator);
        if before.len() == run_start {
            break;
        }
        run_start = before.len();
        let unclosed = before.trim_end_matches(is_closer);
        if unclosed.ends_with(is_terminator) {
            run_start = unclosed.len();
        } else {
            break;
        }
    }
    let run = &body[run_start..];
    let before_run = &body[..run_start];
    if run.is_empty()
        || before_run
            .trim_matches(|c| is_space(c) || is_opener(c))
            .is_empty()
    {
        return false;
    }
    // `(…)` and `[…]` mark an omission, not an end.
    if before_run.ends_with(['(', '[']) {
        return false;
    }
    let strong = run.chars().any(is_strong);
    let ellipsis = run.contains('…') || run.contains("..");

    if rules == Rules::Armenian {
        if strong || ellipsis {
            return true;
        }
        if run.contains(':') {
            // `ասաց: «…»` introduces speech; `2 : 1` is a score.
            if next.opens_quote {
                return false;
            }
            let spaced_number = before_run.ends_with(is_space)
                && before_run
                    .trim_end_matches(is_space)
                    .ends_with(|c: char| c.is_ascii_digit())
                && next.kind == Kind::Digit;
            return !spaced_number;
        }
        // `.` stands for the mijaket `․`; `․ ՝ ՞ ՜ ՛` sit inside sentences.
        return false;
    }

    if strong || ellipsis {
        return true;
    }
    if !run.chars().all(|c| matches!(c, '.' | '․') || is_closer(c)) {
        // `:` and the Armenian marks only end Armenian sentences.
        return false;
    }
    if run.chars().any(is_closer) {
        // `(approx.).` or `«…».`: the last dot follows a closed quote or bracket.
        return true;
    }
    dot_ends_sentence(rules, before_run, &next)
}

/// A `.` that is not part of an ellipsis, before a word that is not lower-case.
fn dot_ends_sentence(rules: Rules, before_dot: &str, next: &Next) -> bool {
    let mut words = before_dot
        .split(is_space)
        .filter(|w| !w.is_empty())
        .rev()
        .map(|w| w.trim_start_matches(is_opener).trim_end_matches(is_closer));
    let Some(last) = words.next() else {
        return false;
    };
    if last.is_empty() {
        return true;
    }
    let only_word = before_dot.trim_matches(|c| is_space(c) || is_opener(c)) == last;
    if only_word && is_list_number(last) {
        return false;
    }

    // `т. е`, `U.S`, `и т. д`: the short dotted words before this one belong to it.
    let mut parts = vec![last];
    let mut preceding = None;
    for word in words.by_ref() {
        match word.strip_suffix('.') {
            Some(part)
                if parts.len() < 3
                    && (1..=3).contains(&part.chars().count())
                    && part.chars().all(char::is_alphabetic) =>
            {
                parts.insert(0, part);
            }
            _ => {
                preceding = Some(word);
                break;
            }
        }
    }
    let key = parts.join(".").to_lowercase();
    let conjunction = preceding
        .map(str::to_lowercase)
        .filter(|w| matches!(w.as_str(), "и" | "və" | "and"));

    let mut letters = last.chars();
    let initial = matches!((letters.next(), letters.next()), (Some(c), None) if c.is_uppercase());
    let class = initial
        .then_some(Abbrev::Sticky)
        .or_else(|| conjunction.and_then(|c| abbreviation(rules, &format!("{c} {key}"))))
        .or_else(|| abbreviation(rules, &key))
        .or_else(|| abbreviation(rules, &last.to_lowercase()))
        .or_else(|| implicit_abbreviation(last));
    let Some(class) = class else {
        // An ordinary word or number: the dot is a full stop.
        return true;
    };
    match class {
        Abbrev::Final => true,
        Abbrev::Sticky => next.is_starter(rules),
        Abbrev::BeforeNumber => next.kind != Kind::Digit,
        Abbrev::Time => {
            let zone = next.word.chars().count() <= 4 && next.word.chars().all(char::is_uppercase);
            !(zone || WEEKDAYS.contains(&next.word))
        }
        Abbrev::SeeOrCentimetre => {
            let after_number = parts.len() == 1 && preceding.is_some_and(is_number);
            after_number || next.is_starter(rules)
        }
    }
}

/// `10`, `3,5`, `1.000`: a number (not one followed by a comma).
fn is_number(word: &str) -> bool {
    word.ends_with(|c: char| c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
}

/// `1`, `12`, `IV`: a list label when alone at the start of a sentence.
fn is_list_number(word: &str) -> bool {
    let digits = !word.is_empty() && word.len() <= 3 && word.chars().all(|c| c.is_ascii_digit());
    let roman = !word.is_empty()
        && word.len() <= 4
        && word.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
        && word != "I";
    digits || roman
}

/// Abbreviations no table names: initials (`В`, `A`), dotted acronyms (`U.S`, `N.F.L`,
/// `b.e`) and single lower-case letters (`с`, `p`).
fn implicit_abbreviation(word: &str) -> Option<Abbrev> {
    let mut chars = word.chars();
    let single = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic());
    let dotted = word.contains('.')
        && word
            .split('.')
            .all(|p| (1..=2).contains(&p.chars().count()) && p.chars().all(char::is_alphabetic));
    (single || dotted).then_some(Abbrev::Sticky)
}

fn abbreviation(rules: Rules, key: &str) -> Option<Abbrev> {
    let table: &[(&str, Abbrev)] = match rules {
        Rules::Russian => RU_ABBREVIATIONS,
        Rules::Azerbaijani => AZ_ABBREVIATIONS,
        Rules::English | Rules::Other => &[],
        Rules::Armenian => return None,
    };
    table
        .iter()
        .chain(COMMON_ABBREVIATIONS)
        .find(|(k, _)| *k == key)
        .map(|&(_, class)| class)
}

#[cfg(test)]
mod tests;
