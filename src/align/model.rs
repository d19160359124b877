//! What stored translations teach the aligner about one language pair: the length ratio and
//! its variance (Gale–Church's `c` and `s²`), and a word-translation lexicon of word pairs
//! that keep appearing together in units, built as hunalign builds its dictionary in a
//! first pass, but from the memory rather than from the text being aligned.

use std::collections::HashMap;

use crate::model::lang::Lang;
use crate::text::{tokenize, Token, TokenKind};

/// The most chars of a word's key: inflected languages (hy, az, ru) put case and number in
/// endings, and a word's first chars (of its stem, where the language has a stemmer) are
/// what its forms share.
const KEY_CHARS: usize = 5;

/// The fewest units a pair must appear in together to be a lexicon entry.
const MIN_TOGETHER: u32 = 2;

/// How alike (Dice over units) the two words' appearances must be.
const MIN_DICE: f32 = 0.3;

/// The fewest unit pairs a model needs before its figures replace the defaults.
pub const MIN_PAIRS: usize = 50;

/// A word's key: its matching form, stemmed where the language has a stemmer, cut to
/// [`KEY_CHARS`]. Words under three chars (mostly function words) have none.
fn word_keys(lang: &Lang, text: &str) -> Vec<String> {
    keys_of_words(lang, &key_words(&tokenize(lang, text)))
}

/// The words of a text that can have a key (their matching forms).
pub(crate) fn key_words(tokens: &[Token]) -> Vec<String> {
    tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word && t.norm.chars().count() >= 3)
        .map(|t| t.norm.clone())
        .collect()
}

/// The keys of [`key_words`]: stemmed where the language has a stemmer, cut, each once.
pub(crate) fn keys_of_words(lang: &Lang, words: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = words
        .iter()
        .map(|w| {
            let stem = crate::text::stem::stem(lang, w)
                .filter(|s| s.chars().count() >= 3)
                .unwrap_or(std::borrow::Cow::Borrowed(w));
            stem.chars().take(KEY_CHARS).collect()
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Word pairs of two languages that translate each other, each pair numbered; a word may
/// stand in more than one pair (a word with two common translations).
#[derive(Debug, Default, Clone)]
pub struct Lexicon {
    source: HashMap<String, Vec<u32>>,
    target: HashMap<String, Vec<u32>>,
    pairs: usize,
}

impl Lexicon {
    /// How many word pairs it holds.
    pub fn len(&self) -> usize {
        self.pairs
    }

    pub fn is_empty(&self) -> bool {
        self.pairs == 0
    }

    /// The lexicon anchors of a sentence on the source (`true`) or target side: one per
    /// word pair one of its words stands in, so a source and a target sentence share an
    /// anchor where a word of one has its translation in the other.
    pub fn anchors(&self, lang: &Lang, text: &str, source_side: bool) -> Vec<String> {
        self.anchors_of_keys(&word_keys(lang, text), source_side)
    }

    /// [`Lexicon::anchors`] from a text's word keys.
    pub(crate) fn anchors_of_keys(&self, keys: &[String], source_side: bool) -> Vec<String> {
        let side = if source_side {
            &self.source
        } else {
            &self.target
        };
        let mut out: Vec<String> = keys
            .iter()
            .filter_map(|k| side.get(k))
            .flatten()
            .map(|p| format!("&{p}"))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// One language pair's model.
#[derive(Debug, Clone)]
pub struct PairModel {
    /// Target chars per source char.
    pub ratio: f32,
    /// The variance of the length difference per source char.
    pub variance: f32,
    pub lexicon: Lexicon,
    /// How many unit pairs it was learnt from.
    pub pairs: usize,
}

/// Interns words as numbers.
#[derive(Default)]
struct Words {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Words {
    fn id(&mut self, word: String) -> u32 {
        if let Some(&id) = self.ids.get(&word) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(word.clone(), id);
        self.names.push(word);
        id
    }
}

/// Learns a pair's model from sentence pairs known to translate each other (the units that
/// hold both languages). `None` below [`MIN_PAIRS`] pairs: too few to trust.
pub fn learn<'a>(
    source: &Lang,
    target: &Lang,
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<PairModel> {
    let (mut src_words, mut tgt_words) = (Words::default(), Words::default());
    let mut units: Vec<(Vec<u32>, Vec<u32>)> = Vec::new();
    let mut lengths: Vec<(f32, f32)> = Vec::new();
    for (s, t) in pairs {
        let (ls, lt) = (s.chars().count() as f32, t.chars().count() as f32);
        if ls < 1.0 || lt < 1.0 {
            continue;
        }
        lengths.push((ls, lt));
        let s_ids = word_keys(source, s)
            .into_iter()
            .map(|w| src_words.id(w))
            .collect();
        let t_ids = word_keys(target, t)
            .into_iter()
            .map(|w| tgt_words.id(w))
            .collect();
        units.push((s_ids, t_ids));
    }
    if units.len() < MIN_PAIRS {
        return None;
    }
    let (ratio, variance) = length_model(&lengths);
    Some(PairModel {
        ratio,
        variance,
        lexicon: lexicon(&units, &src_words, &tgt_words),
        pairs: units.len(),
    })
}

/// Gale–Church's `c` (target chars per source char) and `s²` (the variance of `lt − c·ls`
/// per source char), leaving out pairs whose ratio is far off (a unit that is not a plain
/// translation of its sentence: a note, a truncated variant).
fn length_model(lengths: &[(f32, f32)]) -> (f32, f32) {
    let mut ratios: Vec<f32> = lengths.iter().map(|(s, t)| t / s).collect();
    ratios.sort_by(f32::total_cmp);
    let median = ratios[ratios.len() / 2];
    let kept: Vec<&(f32, f32)> = lengths
        .iter()
        .filter(|(s, t)| {
            let r = t / s;
            r > median / 2.0 && r < median * 2.0
        })
        .collect();
    let (sum_s, sum_t) = kept
        .iter()
        .fold((0.0, 0.0), |(a, b), (s, t)| (a + s, b + t));
    let ratio = sum_t / sum_s;
    let variance = kept
        .iter()
        .map(|(s, t)| (t - ratio * s).powi(2) / s)
        .sum::<f32>()
        / kept.len() as f32;
    (ratio, variance)
}

/// The word pairs that appear together in units more than chance would have it: Dice over
/// units at least [`MIN_DICE`], together in [`MIN_TOGETHER`] units at least, and each the
/// other's best partner or close to it (so `the` does not pair with every frequent word).
fn lexicon(units: &[(Vec<u32>, Vec<u32>)], src: &Words, tgt: &Words) -> Lexicon {
    let mut src_df = vec![0u32; src.names.len()];
    let mut tgt_df = vec![0u32; tgt.names.len()];
    for (s, t) in units {
        s.iter().for_each(|&w| src_df[w as usize] += 1);
        t.iter().for_each(|&w| tgt_df[w as usize] += 1);
    }
    // Words in more than a tenth of the units (function words, the outlet's own name) tell
    // no sentence from another; words seen once pair with nothing for sure.
    let common = (units.len() as u32 / 10).max(MIN_TOGETHER + 1);
    let useful = |df: u32| (MIN_TOGETHER..=common).contains(&df);
    let mut together: HashMap<(u32, u32), u32> = HashMap::new();
    for (s, t) in units {
        for &a in s.iter().filter(|&&a| useful(src_df[a as usize])) {
            for &b in t.iter().filter(|&&b| useful(tgt_df[b as usize])) {
                *together.entry((a, b)).or_default() += 1;
            }
        }
    }
    let dice = |(a, b): (u32, u32), c: u32| {
        2.0 * c as f32 / (src_df[a as usize] + tgt_df[b as usize]) as f32
    };
    let mut best_of_src: HashMap<u32, f32> = HashMap::new();
    let mut best_of_tgt: HashMap<u32, f32> = HashMap::new();
    for (&(a, b), &c) in &together {
        if c < MIN_TOGETHER {
            continue;
        }
        let d = dice((a, b), c);
        let s = best_of_src.entry(a).or_default();
        *s = s.max(d);
        let t = best_of_tgt.entry(b).or_default();
        *t = t.max(d);
    }
    let mut entries: Vec<(u32, u32)> = together
        .iter()
        .filter(|(&(a, b), &c)| {
            let d = dice((a, b), c);
            c >= MIN_TOGETHER
                && d >= MIN_DICE
                && d >= 0.8 * best_of_src[&a]
                && d >= 0.8 * best_of_tgt[&b]
        })
        .map(|(&pair, _)| pair)
        .collect();
    entries.sort_unstable();
    let mut out = Lexicon {
        pairs: entries.len(),
        ..Lexicon::default()
    };
    for (p, (a, b)) in entries.into_iter().enumerate() {
        let p = p as u32;
        out.source
            .entry(src.names[a as usize].clone())
            .or_default()
            .push(p);
        out.target
            .entry(tgt.names[b as usize].clone())
            .or_default()
            .push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_keep_meeting_in_units_become_a_pair_and_lengths_a_ratio() {
        let (en, ru) = (Lang::parse("en").unwrap(), Lang::parse("ru").unwrap());
        let mut pairs: Vec<(String, String)> = Vec::new();
        for k in 0..60 {
            pairs.push((
                format!("The harbour reopened after {k} days of storms."),
                format!("Гавань открылась снова после {k} дней штормов."),
            ));
            pairs.push((
                format!("Farmers sold {k} tonnes of apricots."),
                format!("Фермеры продали {k} тонн абрикосов."),
            ));
            pairs.push((
                format!("Parliament met on day {k}."),
                format!("Парламент собрался в день {k}."),
            ));
            pairs.push((
                format!("Teachers asked for {k} new schools."),
                format!("Учителя попросили {k} новых школ."),
            ));
            for filler in 0..8 {
                pairs.push((
                    format!("Item {k}-{filler} without words to learn."),
                    format!("Пункт {k}-{filler} без слов для учёбы."),
                ));
            }
        }
        let model = learn(
            &en,
            &ru,
            pairs.iter().map(|(s, t)| (s.as_str(), t.as_str())),
        )
        .expect("enough pairs");
        assert_eq!(model.pairs, pairs.len());
        let apricots = model.lexicon.anchors(&en, "Apricots are cheap.", true);
        let абрикосы = model.lexicon.anchors(&ru, "Абрикосы дешёвые.", false);
        // Words that always meet pair with each other too (apricots with farmers): what
        // counts is that the two sentences share an anchor, and unrelated ones do not.
        assert!(
            apricots.iter().any(|a| абрикосы.contains(a)),
            "{apricots:?} {абрикосы:?}"
        );
        let harbour = model.lexicon.anchors(&en, "The harbour is calm.", true);
        assert!(harbour.iter().all(|a| !абрикосы.contains(a)));
        assert!(model.ratio > 0.9 && model.ratio < 1.4, "{}", model.ratio);
        assert!(model.variance > 0.0);
        assert!(learn(&en, &ru, [("One.", "Один.")]).is_none());
    }
}
