//! Sentence alignment of two versions of one text (an article and its translation): which
//! sentences of the target render which sentences of the source.
//!
//! A length-based dynamic program in the manner of Gale and Church (1993) — the target's
//! length in chars against the source's times the language pair's ratio, with beads 1-1,
//! 1-0, 0-1, 2-1, 1-2, 2-2, 3-1 and 1-3 — made robust for news by anchors (numbers in any
//! number style, codes, Latin words and names across scripts; see [`anchors`]) and by soft
//! block boundaries (a translation may move a sentence across a paragraph break, at a
//! cost). The program runs in a band around the diagonal, so its cost grows linearly with
//! the text. A second pass re-aligns what the first left unpaired on both sides with each
//! other, so a paragraph the editor moved is found where it went instead of shifting every
//! later sentence.
//!
//! Every bead gets a confidence in 0–1; beads that are not 1-1, or under
//! [`Params::review_below`], are the ones an editor should look at.

pub mod anchors;
pub mod model;
mod moves;
mod reading;

use crate::model::lang::Lang;
use anchors::agreement;
use moves::{pair_unpaired_runs, restore_block_order, MOVE_COST};
pub use reading::Reading;
use reading::{Interner, Prepared, SharedAnchors};

pub use model::{learn, Lexicon, PairModel};

/// One sentence of a version, with the block (paragraph) it stands in.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub text: String,
    pub block: usize,
}

/// A version to align: its language and its sentences in reading order.
#[derive(Debug, Clone)]
pub struct Side<'a> {
    pub lang: &'a Lang,
    pub sentences: &'a [Sentence],
}

/// Source sentences and the target sentences that render them (either may be empty: a
/// sentence with no counterpart), with how sure the aligner is.
#[derive(Debug, Clone, PartialEq)]
pub struct Bead {
    pub source: Vec<usize>,
    pub target: Vec<usize>,
    pub confidence: f32,
}

impl Bead {
    /// Whether an editor should check this bead.
    pub fn needs_review(&self, params: &Params) -> bool {
        self.source.len() != 1 || self.target.len() != 1 || self.confidence < params.review_below
    }
}

/// The aligner's settings.
#[derive(Debug, Clone)]
pub struct Params {
    /// Target chars per source char (`None`: from the two languages' profiles).
    pub ratio: Option<f32>,
    /// The variance of the length difference per source char (Gale–Church's s²).
    pub variance: f32,
    /// Beads under this confidence are listed for review.
    pub review_below: f32,
    /// How much anchors weigh against lengths (0: lengths only, the Gale–Church baseline).
    pub anchor_weight: f32,
    /// Whether unpaired runs are re-aligned with each other (moved paragraphs).
    pub second_pass: bool,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            ratio: None,
            // Gale–Church's own. NTREX lines measure 3–5, but the wider tail keeps real merges,
            // splits and loose translations cheap enough (F1 +0.5–1 point on NTREX).
            variance: 6.8,
            review_below: 0.5,
            anchor_weight: 3.0,
            second_pass: true,
        }
    }
}

impl Params {
    /// The length-only baseline: Gale–Church as published, no anchors, no second pass.
    pub fn length_only() -> Params {
        Params {
            anchor_weight: 0.0,
            second_pass: false,
            ..Params::default()
        }
    }
}

/// The bead shapes and their prior probabilities. Gale–Church's, reweighed for news: a
/// dropped or added sentence (1-0, 0-1) is about as common as a merge or a split, and a
/// merge must be earned by the lengths, not taken because a short sentence has no anchors.
const SHAPES: [((usize, usize), f32); 8] = [
    ((1, 1), 0.89),
    ((1, 0), 0.01),
    ((0, 1), 0.01),
    ((2, 1), 0.02),
    ((1, 2), 0.02),
    ((2, 2), 0.005),
    ((3, 1), 0.002),
    ((1, 3), 0.002),
];

/// What crossing a block boundary inside one bead costs (a soft boundary).
const BLOCK_CROSSING: f32 = 1.5;
/// What a bead that starts a block on one side only costs.
const BLOCK_MISMATCH: f32 = 0.4;

/// The standard normal distribution's two-sided tail, `2 · (1 − Φ(|x|))`.
fn two_sided_tail(x: f32) -> f32 {
    // Abramowitz–Stegun 7.1.26 for erfc, good to 1.5e-7.
    let z = x.abs() / std::f32::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152 + t * 1.061_405_4))));
    (poly * (-z * z).exp()).clamp(1e-12, 1.0)
}

struct Scorer<'a> {
    src: &'a Prepared,
    tgt: &'a Prepared,
    ratio: f32,
    params: &'a Params,
    shared: SharedAnchors,
}

/// A bead's cost and its confidence.
struct Priced {
    cost: f32,
    confidence: f32,
}

impl Scorer<'_> {
    /// The anchors two spans share as a share of all their anchors ([`agreement`]), from
    /// the sentence pairs' counts: an anchor twice in a span and once in the other counts
    /// once per pair that holds it, so the count is capped at the smaller span's anchors.
    fn agreement(&self, i: usize, j: usize, a: usize, b: usize) -> Option<f32> {
        let (na, nb) = (self.src.span_count(i, a), self.tgt.span_count(j, b));
        if na == 0 || nb == 0 {
            return None;
        }
        let mut shared = 0;
        for x in i..i + a {
            for y in j..j + b {
                match self.shared.get(self.src, self.tgt, x, y) {
                    Some(n) => shared += n,
                    None => {
                        return agreement(
                            &self.src.span_anchors(i, a),
                            &self.tgt.span_anchors(j, b),
                        )
                    }
                }
            }
        }
        Some(2.0 * shared.min(na).min(nb) as f32 / (na + nb) as f32)
    }

    /// A bead of `a` source sentences from `i` and `b` target sentences from `j`, whose
    /// shape costs `shape_cost` (−ln of its prior).
    fn price(&self, i: usize, j: usize, a: usize, b: usize, shape_cost: f32) -> Priced {
        let mut cost = shape_cost;
        if a == 0 || b == 0 {
            return Priced {
                cost,
                confidence: 0.5,
            };
        }
        let (ls, lt) = (self.src.span_chars(i, a), self.tgt.span_chars(j, b));
        let delta = (lt - ls * self.ratio) / (ls.max(1.0) * self.params.variance).sqrt();
        cost += -two_sided_tail(delta).ln();
        let length_confidence = (-delta * delta / 8.0).exp();
        let agreement = self.agreement(i, j, a, b);
        let w = self.params.anchor_weight;
        let mut confidence = match agreement {
            Some(share) => {
                // Shared anchors pull a pair together; anchors on both sides that share
                // nothing push it apart.
                cost -= w * share;
                cost += w * 0.5 * (1.0 - share);
                0.5 * length_confidence + 0.5 * share
            }
            None => 0.85 * length_confidence,
        };
        if self.src.crosses(i, a) {
            cost += BLOCK_CROSSING;
        }
        if self.tgt.crosses(j, b) {
            cost += BLOCK_CROSSING;
        }
        if self.src.opens_block(i) != self.tgt.opens_block(j) {
            cost += BLOCK_MISMATCH;
        }
        if a != 1 || b != 1 {
            confidence *= 0.85;
        }
        Priced {
            cost,
            confidence: confidence.clamp(0.0, 1.0),
        }
    }
}

/// The target-per-source char ratio of two languages, from their profiles.
fn profile_ratio(source: &Lang, target: &Lang) -> f32 {
    let per_en = |lang: &Lang| crate::text::profile(lang).chars_per_en_char;
    per_en(target) / per_en(source)
}

/// Aligns `target` to `source`; beads in source order (a target sentence with no
/// counterpart comes after the bead before it in the target).
pub fn align(source: &Side<'_>, target: &Side<'_>, params: &Params) -> Vec<Bead> {
    align_with(source, target, params, None)
}

/// [`align`] with what the memory taught about the pair: its length ratio and variance
/// (where `params` does not set them) and its word lexicon as anchors.
pub fn align_with(
    source: &Side<'_>,
    target: &Side<'_>,
    params: &Params,
    model: Option<&PairModel>,
) -> Vec<Bead> {
    align_read(
        &Reading::new(source.lang, source.sentences.to_vec()),
        &Reading::new(target.lang, target.sentences.to_vec()),
        params,
        model,
    )
}

/// [`align_with`] on versions already read.
pub fn align_read(
    source: &Reading,
    target: &Reading,
    params: &Params,
    model: Option<&PairModel>,
) -> Vec<Bead> {
    let ratio = params
        .ratio
        .or(model.map(|m| m.ratio))
        .unwrap_or_else(|| profile_ratio(&source.lang, &target.lang));
    let mut params = params.clone();
    if let Some(model) = model {
        params.variance = params.variance.max(model.variance * VARIANCE_WIDENING);
    }
    let params = &params;
    let lexicon = model
        .map(|m| &m.lexicon)
        .filter(|_| params.anchor_weight > 0.0);
    let mut interner = Interner::default();
    let src = Prepared::new(source, lexicon, true, &mut interner);
    let tgt = Prepared::new(target, lexicon, false, &mut interner);
    let identity: Vec<usize> = (0..target.sentences.len()).collect();
    let run = |tgt: &Prepared, order: &[usize]| -> (Vec<Bead>, f32) {
        let scorer = Scorer {
            src: &src,
            tgt,
            ratio,
            params,
            shared: SharedAnchors::new(src.len(), tgt.len()),
        };
        let (mut beads, cost) = dynamic_program(&scorer, (0, src.len()), (0, tgt.len()));
        if params.second_pass {
            beads = pair_unpaired_runs(&scorer, beads);
        }
        for bead in &mut beads {
            for j in &mut bead.target {
                *j = order[*j];
            }
        }
        (beads, cost)
    };
    let (beads, cost) = run(&tgt, &identity);
    if !params.second_pass {
        return beads;
    }
    // Blocks the editor moved, put back in the source's order for the dynamic program (which
    // is monotonic), when that explains the versions better than reading them in order,
    // even after paying for each block moved.
    match restore_block_order(&src, &tgt, ratio) {
        Some((order, moved)) => {
            let (restored, restored_cost) = run(&tgt.permuted(&order), &order);
            if restored_cost + MOVE_COST * (moved as f32) < cost {
                restored
            } else {
                beads
            }
        }
        None => beads,
    }
}

/// How much wider than the memory's own the length variance is taken: units are clean
/// translations of one sentence, article versions are looser.
const VARIANCE_WIDENING: f32 = 1.5;

/// The cheapest bead sequence for source `s0..s1` against target `t0..t1`, in a band.
fn dynamic_program(
    scorer: &Scorer<'_>,
    (s0, s1): (usize, usize),
    (t0, t1): (usize, usize),
) -> (Vec<Bead>, f32) {
    let (n, m) = (s1 - s0, t1 - t0);
    if n == 0 || m == 0 {
        let lonely = -SHAPES[1].1.ln() * (n + m) as f32;
        let beads = (s0..s1)
            .map(|i| Bead {
                source: vec![i],
                target: vec![],
                confidence: 0.5,
            })
            .chain((t0..t1).map(|j| Bead {
                source: vec![],
                target: vec![j],
                confidence: 0.5,
            }))
            .collect();
        return (beads, lonely);
    }
    // The band: wide enough for the length difference and a few skipped sentences.
    let half = 12 + n.abs_diff(m);
    let centre = |i: usize| (i * m + n / 2) / n;
    let lo = |i: usize| centre(i).saturating_sub(half);
    let hi = |i: usize| (centre(i) + half).min(m);
    let width = 2 * half + 1;
    let at = |i: usize, j: usize| -> Option<usize> {
        (j >= lo(i) && j <= hi(i)).then(|| i * width + (j - lo(i)))
    };
    let shape_costs = SHAPES.map(|(_, prior)| -prior.ln());
    let mut cost = vec![f32::INFINITY; (n + 1) * width];
    let mut back: Vec<(u8, u8, f32)> = vec![(0, 0, 0.0); (n + 1) * width];
    cost[at(0, 0).expect("origin in band")] = 0.0;
    for i in 0..=n {
        for j in lo(i)..=hi(i) {
            let Some(here) = at(i, j) else { continue };
            for (&((a, b), _), &shape_cost) in SHAPES.iter().zip(&shape_costs) {
                if a > i || b > j {
                    continue;
                }
                let Some(from) = at(i - a, j - b) else {
                    continue;
                };
                if !cost[from].is_finite() {
                    continue;
                }
                let priced = scorer.price(s0 + i - a, t0 + j - b, a, b, shape_cost);
                let total = cost[from] + priced.cost;
                if total < cost[here] {
                    cost[here] = total;
                    back[here] = (a as u8, b as u8, priced.confidence);
                }
            }
        }
    }
    let mut beads = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let (a, b, confidence) = back[at(i, j).expect("path stays in band")];
        let (a, b) = (a as usize, b as usize);
        beads.push(Bead {
            source: (s0 + i - a..s0 + i).collect(),
            target: (t0 + j - b..t0 + j).collect(),
            confidence,
        });
        i -= a;
        j -= b;
    }
    beads.reverse();
    (beads, cost[at(n, m).expect("end in band")])
}

/// Beads in source order; a target-only bead sorts after the bead holding the target
/// sentence before it.
pub fn in_source_order(kept: Vec<Bead>) -> Vec<Bead> {
    let key = |b: &Bead, all: &[Bead]| -> (usize, usize) {
        match (b.source.first(), b.target.first()) {
            (Some(&i), _) => (i, 0),
            (None, Some(&j)) => {
                let before = all
                    .iter()
                    .filter(|o| o.target.last().is_some_and(|&t| t < j) && !o.source.is_empty())
                    .map(|o| *o.source.last().expect("has a source"))
                    .max();
                before.map_or((0, 0), |i| (i, 1 + j))
            }
            (None, None) => (0, 0),
        }
    };
    let keys: Vec<(usize, usize)> = kept.iter().map(|b| key(b, &kept)).collect();
    let mut order: Vec<usize> = (0..kept.len()).collect();
    order.sort_by_key(|&k| keys[k]);
    order.into_iter().map(|k| kept[k].clone()).collect()
}

/// The sentences of a plain text whose paragraphs are separated by blank lines (each
/// paragraph a block), split by the language's sentence rules.
pub fn plain_text_sentences(lang: &Lang, text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut paragraph = String::new();
    let mut block = 0;
    let mut flush = |paragraph: &mut String, out: &mut Vec<Sentence>| {
        if !paragraph.trim().is_empty() {
            let found = crate::text::sentences::split(lang, paragraph);
            if !found.is_empty() {
                out.extend(found.into_iter().map(|s| Sentence {
                    text: s.text,
                    block,
                }));
                block += 1;
            }
        }
        paragraph.clear();
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut paragraph, &mut out);
        } else {
            if !paragraph.is_empty() {
                paragraph.push('\n');
            }
            paragraph.push_str(line);
        }
    }
    flush(&mut paragraph, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(texts: &[&[&str]]) -> Vec<Sentence> {
        texts
            .iter()
            .enumerate()
            .flat_map(|(block, sentences)| {
                sentences.iter().map(move |t| Sentence {
                    text: t.to_string(),
                    block,
                })
            })
            .collect()
    }

    /// Aligns `t` (in `to`) to `s` (in `from`) with the default settings.
    fn aligned(from: &str, s: &[Sentence], to: &str, t: &[Sentence]) -> Vec<Bead> {
        let (from, to) = (Lang::parse(from).unwrap(), Lang::parse(to).unwrap());
        align(
            &Side {
                lang: &from,
                sentences: s,
            },
            &Side {
                lang: &to,
                sentences: t,
            },
            &Params::default(),
        )
    }

    fn pairs(beads: &[Bead]) -> Vec<(Vec<usize>, Vec<usize>)> {
        beads
            .iter()
            .map(|b| (b.source.clone(), b.target.clone()))
            .collect()
    }

    const EN: &[&[&str]] = &[
        &[
            "President Ilham Aliyev met Prime Minister Nikol Pashinyan in Brussels on Tuesday.",
            "The talks lasted three hours.",
        ],
        &[
            "Trade between the two countries reached 1,250.5 million dollars in 2025.",
            "A new railway line will open in 2027.",
            "\"We are ready,\" Aliyev said.",
        ],
    ];
    const RU: &[&[&str]] = &[
        &[
            "Президент Ильхам Алиев встретился с премьер-министром Николом Пашиняном во вторник в Брюсселе.",
            "Переговоры длились три часа.",
        ],
        &[
            "Товарооборот между двумя странами в 2025 году достиг 1 250,5 млн долларов.",
            "Новая железная дорога откроется в 2027 году.",
            "«Мы готовы», — сказал Алиев.",
        ],
    ];

    #[test]
    fn a_faithful_translation_aligns_one_to_one() {
        let (s, t) = (side(EN), side(RU));
        let beads = aligned("en", &s, "ru", &t);
        assert_eq!(
            pairs(&beads),
            (0..5).map(|i| (vec![i], vec![i])).collect::<Vec<_>>()
        );
        assert!(beads.iter().all(|b| b.confidence > 0.5), "{beads:?}");
    }

    #[test]
    fn a_dropped_sentence_is_a_one_to_zero_bead_and_a_merge_is_two_to_one() {
        let s = side(EN);
        // The Russian drops "The talks lasted three hours." and merges the last two.
        let t = side(&[
            &[RU[0][0]],
            &[
                RU[1][0],
                "Новая железная дорога откроется в 2027 году, и «мы готовы», — сказал Алиев.",
            ],
        ]);
        let beads = aligned("en", &s, "ru", &t);
        assert_eq!(
            pairs(&beads),
            vec![
                (vec![0], vec![0]),
                (vec![1], vec![]),
                (vec![2], vec![1]),
                (vec![3, 4], vec![2]),
            ]
        );
        let review = Params::default();
        assert!(beads[1].needs_review(&review) && beads[3].needs_review(&review));
    }

    #[test]
    fn a_moved_paragraph_is_found_where_it_went() {
        let s = side(EN);
        let t = side(&[RU[1], RU[0]]);
        let beads = aligned("en", &s, "ru", &t);
        let mut found = pairs(&beads);
        found.sort();
        assert_eq!(
            found,
            vec![
                (vec![0], vec![3]),
                (vec![1], vec![4]),
                (vec![2], vec![0]),
                (vec![3], vec![1]),
                (vec![4], vec![2]),
            ],
            "{beads:?}"
        );
    }

    #[test]
    fn a_long_text_stays_in_its_band() {
        let s: Vec<Sentence> = (0..2000)
            .map(|i| Sentence {
                text: format!("Sentence number {i} says something of length {}.", i % 17),
                block: i / 5,
            })
            .collect();
        let beads = aligned("en", &s, "en", &s);
        assert_eq!(beads.len(), 2000);
        assert!(beads
            .iter()
            .enumerate()
            .all(|(i, b)| b.source == [i] && b.target == [i]));
    }
}
