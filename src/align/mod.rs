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

use crate::model::lang::Lang;
use anchors::{agreement, Anchors};

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
            // Fitted on the NTREX news of `../shared/data` (3.0–4.9 across the 12 pairs).
            variance: 4.0,
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

/// Precomputed per-sentence facts.
struct Prepared {
    chars: Vec<f32>,
    anchors: Vec<Anchors>,
    blocks: Vec<usize>,
}

impl Prepared {
    fn new(side: &Side<'_>) -> Prepared {
        Prepared {
            chars: side
                .sentences
                .iter()
                .map(|s| s.text.chars().filter(|c| !c.is_whitespace()).count() as f32)
                .collect(),
            anchors: side
                .sentences
                .iter()
                .map(|s| anchors::anchors(side.lang, &s.text))
                .collect(),
            blocks: side.sentences.iter().map(|s| s.block).collect(),
        }
    }

    fn len(&self) -> usize {
        self.chars.len()
    }

    fn span_chars(&self, from: usize, n: usize) -> f32 {
        self.chars[from..from + n].iter().sum()
    }

    fn span_anchors(&self, from: usize, n: usize) -> Anchors {
        let mut all: Anchors = self.anchors[from..from + n].concat();
        all.sort_unstable();
        all
    }

    /// Whether sentences `from..from + n` stand in more than one block.
    fn crosses(&self, from: usize, n: usize) -> bool {
        n > 1 && self.blocks[from] != self.blocks[from + n - 1]
    }

    /// Whether sentence `i` opens a block.
    fn opens_block(&self, i: usize) -> bool {
        i == 0 || i < self.len() && self.blocks[i] != self.blocks[i - 1]
    }
}

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
}

/// A bead's cost and its confidence.
struct Priced {
    cost: f32,
    confidence: f32,
}

impl Scorer<'_> {
    fn price(&self, i: usize, j: usize, a: usize, b: usize, prior: f32) -> Priced {
        let mut cost = -prior.ln();
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
        let agreement = agreement(&self.src.span_anchors(i, a), &self.tgt.span_anchors(j, b));
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
    let src = Prepared::new(source);
    let tgt = Prepared::new(target);
    let scorer = Scorer {
        src: &src,
        tgt: &tgt,
        ratio: params
            .ratio
            .unwrap_or_else(|| profile_ratio(source.lang, target.lang)),
        params,
    };
    let mut beads = dynamic_program(&scorer, (0, src.len()), (0, tgt.len()));
    if params.second_pass {
        beads = pair_unpaired_runs(&scorer, beads);
    }
    beads
}

/// The cheapest bead sequence for source `s0..s1` against target `t0..t1`, in a band.
fn dynamic_program(
    scorer: &Scorer<'_>,
    (s0, s1): (usize, usize),
    (t0, t1): (usize, usize),
) -> Vec<Bead> {
    let (n, m) = (s1 - s0, t1 - t0);
    if n == 0 || m == 0 {
        return (s0..s1)
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
    let mut cost = vec![f32::INFINITY; (n + 1) * width];
    let mut back: Vec<(u8, u8, f32)> = vec![(0, 0, 0.0); (n + 1) * width];
    cost[at(0, 0).expect("origin in band")] = 0.0;
    for i in 0..=n {
        for j in lo(i)..=hi(i) {
            let Some(here) = at(i, j) else { continue };
            for &((a, b), prior) in &SHAPES {
                if a > i || b > j {
                    continue;
                }
                let Some(from) = at(i - a, j - b) else {
                    continue;
                };
                if !cost[from].is_finite() {
                    continue;
                }
                let priced = scorer.price(s0 + i - a, t0 + j - b, a, b, prior);
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
    beads
}

/// The runs of consecutive beads that have a source but no target (or the reverse).
fn unpaired_runs(beads: &[Bead], source_side: bool) -> Vec<std::ops::Range<usize>> {
    let lonely = |b: &Bead| {
        if source_side {
            !b.source.is_empty() && b.target.is_empty()
        } else {
            b.source.is_empty() && !b.target.is_empty()
        }
    };
    let mut runs = Vec::new();
    let mut k = 0;
    while k < beads.len() {
        if lonely(&beads[k]) {
            let start = k;
            while k < beads.len() && lonely(&beads[k]) {
                k += 1;
            }
            runs.push(start..k);
        } else {
            k += 1;
        }
    }
    runs
}

/// A moved paragraph leaves its source sentences unpaired in one place and its target
/// sentences unpaired in another. Each such pair of runs that aligns well (mostly 1-1 beads
/// with anchors or lengths agreeing) becomes those beads.
fn pair_unpaired_runs(scorer: &Scorer<'_>, mut beads: Vec<Bead>) -> Vec<Bead> {
    let sources = unpaired_runs(&beads, true);
    let targets = unpaired_runs(&beads, false);
    let mut replaced: Vec<(std::ops::Range<usize>, std::ops::Range<usize>, Vec<Bead>)> = Vec::new();
    let mut used_targets = vec![false; targets.len()];
    for s_run in &sources {
        let s_first = beads[s_run.start].source[0];
        let s_last = *beads[s_run.end - 1].source.last().expect("source run");
        let mut best: Option<(f32, usize, Vec<Bead>)> = None;
        for (k, t_run) in targets.iter().enumerate() {
            if used_targets[k] {
                continue;
            }
            let t_first = beads[t_run.start].target[0];
            let t_last = *beads[t_run.end - 1].target.last().expect("target run");
            let run = dynamic_program(scorer, (s_first, s_last + 1), (t_first, t_last + 1));
            let paired: Vec<&Bead> = run
                .iter()
                .filter(|b| !b.source.is_empty() && !b.target.is_empty())
                .collect();
            if paired.is_empty() {
                continue;
            }
            let mean = paired.iter().map(|b| b.confidence).sum::<f32>() / paired.len() as f32;
            let covered = paired.iter().map(|b| b.source.len()).sum::<usize>() as f32
                / (s_last + 1 - s_first) as f32;
            let quality = mean * covered;
            if quality >= 0.55 && best.as_ref().is_none_or(|(q, ..)| quality > *q) {
                best = Some((quality, k, run));
            }
        }
        if let Some((_, k, run)) = best {
            used_targets[k] = true;
            replaced.push((s_run.clone(), targets[k].clone(), run));
        }
    }
    if replaced.is_empty() {
        return beads;
    }
    let mut drop = vec![false; beads.len()];
    let mut added = Vec::new();
    for (s_run, t_run, run) in replaced {
        for k in s_run.chain(t_run) {
            drop[k] = true;
        }
        added.extend(run);
    }
    let mut kept: Vec<Bead> = beads
        .drain(..)
        .zip(drop)
        .filter_map(|(b, d)| (!d).then_some(b))
        .collect();
    kept.extend(added);
    // Source order; a target-only bead sorts by the target sentence before it.
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
        let (en, ru) = (Lang::parse("en").unwrap(), Lang::parse("ru").unwrap());
        let (s, t) = (side(EN), side(RU));
        let beads = align(
            &Side {
                lang: &en,
                sentences: &s,
            },
            &Side {
                lang: &ru,
                sentences: &t,
            },
            &Params::default(),
        );
        assert_eq!(
            pairs(&beads),
            (0..5).map(|i| (vec![i], vec![i])).collect::<Vec<_>>()
        );
        assert!(beads.iter().all(|b| b.confidence > 0.5), "{beads:?}");
    }

    #[test]
    fn a_dropped_sentence_is_a_one_to_zero_bead_and_a_merge_is_two_to_one() {
        let (en, ru) = (Lang::parse("en").unwrap(), Lang::parse("ru").unwrap());
        let s = side(EN);
        // The Russian drops "The talks lasted three hours." and merges the last two.
        let t = side(&[
            &[RU[0][0]],
            &[
                RU[1][0],
                "Новая железная дорога откроется в 2027 году, и «мы готовы», — сказал Алиев.",
            ],
        ]);
        let beads = align(
            &Side {
                lang: &en,
                sentences: &s,
            },
            &Side {
                lang: &ru,
                sentences: &t,
            },
            &Params::default(),
        );
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
        let (en, ru) = (Lang::parse("en").unwrap(), Lang::parse("ru").unwrap());
        let s = side(EN);
        let t = side(&[RU[1], RU[0]]);
        let beads = align(
            &Side {
                lang: &en,
                sentences: &s,
            },
            &Side {
                lang: &ru,
                sentences: &t,
            },
            &Params::default(),
        );
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
        let en = Lang::parse("en").unwrap();
        let s: Vec<Sentence> = (0..2000)
            .map(|i| Sentence {
                text: format!("Sentence number {i} says something of length {}.", i % 17),
                block: i / 5,
            })
            .collect();
        let beads = align(
            &Side {
                lang: &en,
                sentences: &s,
            },
            &Side {
                lang: &en,
                sentences: &s,
            },
            &Params::default(),
        );
        assert_eq!(beads.len(), 2000);
        assert!(beads
            .iter()
            .enumerate()
            .all(|(i, b)| b.source == [i] && b.target == [i]));
    }
}
