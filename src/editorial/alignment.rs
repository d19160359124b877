//! One version aligned to the source version: the title to the title, the lead and body to
//! the lead and body, and the beads an editor confirmed laid over what the aligner found.

use serde::{Deserialize, Serialize};

use crate::align::{self, Bead, Params, Reading, Sentence};

use super::sentences::{Block, VersionSentence};

/// A bead of an article's alignment, indices into the two versions' sentence lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleBead {
    pub source: Vec<usize>,
    pub target: Vec<usize>,
    pub confidence: f32,
    /// An editor confirmed (or drew) this bead.
    #[serde(default)]
    pub confirmed: bool,
}

impl ArticleBead {
    /// Whether an editor should look at it: not confirmed, and not a sure 1-1.
    pub fn needs_review(&self, params: &Params) -> bool {
        !self.confirmed
            && Bead {
                source: self.source.clone(),
                target: self.target.clone(),
                confidence: self.confidence,
            }
            .needs_review(params)
    }

    pub fn state(&self) -> &'static str {
        if self.confirmed {
            "confirmed"
        } else {
            "auto"
        }
    }
}

/// A confirmed bead as its record keeps it: the sentences' texts, so it can be found again
/// after the version changed, and where they were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmedBead {
    pub source: Vec<String>,
    pub target: Vec<String>,
    /// The first index of each side when it was confirmed (where to look first).
    pub source_at: usize,
    pub target_at: usize,
}

impl ConfirmedBead {
    pub fn of(bead: &ArticleBead, source: &[VersionSentence], target: &[VersionSentence]) -> Self {
        ConfirmedBead {
            source: bead
                .source
                .iter()
                .map(|&i| source[i].text.clone())
                .collect(),
            target: bead
                .target
                .iter()
                .map(|&j| target[j].text.clone())
                .collect(),
            source_at: bead.source.first().copied().unwrap_or(0),
            target_at: bead.target.first().copied().unwrap_or(0),
        }
    }
}

/// Where `texts` stand as a run in `sentences`, nearest to `near`, among unused sentences.
fn locate(
    texts: &[String],
    sentences: &[VersionSentence],
    used: &[bool],
    near: usize,
) -> Option<Vec<usize>> {
    if texts.is_empty() {
        return Some(Vec::new());
    }
    (0..=sentences.len().saturating_sub(texts.len()))
        .filter(|&p| {
            texts
                .iter()
                .enumerate()
                .all(|(k, t)| !used[p + k] && sentences[p + k].text == *t)
        })
        .min_by_key(|&p| p.abs_diff(near))
        .map(|p| (p..p + texts.len()).collect())
}

/// The aligner's sentences of one part of a version (the title, or lead and body).
fn part(sentences: &[VersionSentence], title: bool) -> (Vec<usize>, Vec<Sentence>) {
    sentences
        .iter()
        .enumerate()
        .filter(|(_, s)| (s.block == Block::Title) == title)
        .map(|(i, s)| {
            let block = match s.block {
                Block::Title | Block::Lead => 0,
                Block::Body(b) => b + 1,
            };
            (
                i,
                Sentence {
                    text: s.text.clone(),
                    block,
                },
            )
        })
        .unzip()
}

/// A version read once for alignment: its title and the rest (lead and body), each with
/// the indices of its sentences in the version's list.
pub struct ReadVersion<'a> {
    sentences: &'a [VersionSentence],
    parts: [(Vec<usize>, Reading); 2],
}

impl<'a> ReadVersion<'a> {
    pub fn new(lang: &crate::model::lang::Lang, sentences: &'a [VersionSentence]) -> Self {
        let read = |title: bool| {
            let (index, part) = part(sentences, title);
            (index, Reading::new(lang, part))
        };
        ReadVersion {
            sentences,
            parts: [read(true), read(false)],
        }
    }
}

/// Aligns `target` to `source` (the source read once for all its targets), keeping the
/// confirmed beads whose sentences are still there unchanged. Every sentence of both
/// versions is in exactly one bead; beads in source order.
pub fn align_version(
    source_version: &ReadVersion<'_>,
    target_version: &ReadVersion<'_>,
    confirmed: &[ConfirmedBead],
    params: &Params,
    model: Option<&align::PairModel>,
) -> Vec<ArticleBead> {
    let (source, target) = (source_version.sentences, target_version.sentences);
    let mut beads = Vec::new();
    for ((src_index, src), (tgt_index, tgt)) in
        source_version.parts.iter().zip(&target_version.parts)
    {
        let found = align::align_read(src, tgt, params, model);
        beads.extend(found.into_iter().map(|b| Bead {
            source: b.source.iter().map(|&i| src_index[i]).collect(),
            target: b.target.iter().map(|&j| tgt_index[j]).collect(),
            confidence: b.confidence,
        }));
    }
    // Lay the confirmed beads over the automatic ones: an automatic bead that shares a
    // sentence with a confirmed one gives way, and its other sentences stand alone.
    let mut used_source = vec![false; source.len()];
    let mut used_target = vec![false; target.len()];
    let mut kept = Vec::new();
    for bead in confirmed {
        let Some(s) = locate(&bead.source, source, &used_source, bead.source_at) else {
            continue;
        };
        let Some(t) = locate(&bead.target, target, &used_target, bead.target_at) else {
            continue;
        };
        if s.is_empty() && t.is_empty() {
            continue;
        }
        s.iter().for_each(|&i| used_source[i] = true);
        t.iter().for_each(|&j| used_target[j] = true);
        kept.push(Bead {
            source: s,
            target: t,
            confidence: 1.0,
        });
    }
    let confirmed_count = kept.len();
    for bead in beads {
        let touched = bead.source.iter().any(|&i| used_source[i])
            || bead.target.iter().any(|&j| used_target[j]);
        if !touched {
            kept.push(bead);
            continue;
        }
        for &i in bead.source.iter().filter(|&&i| !used_source[i]) {
            kept.push(Bead {
                source: vec![i],
                target: Vec::new(),
                confidence: 0.0,
            });
        }
        for &j in bead.target.iter().filter(|&&j| !used_target[j]) {
            kept.push(Bead {
                source: Vec::new(),
                target: vec![j],
                confidence: 0.0,
            });
        }
    }
    let confirmed_beads: Vec<Bead> = kept[..confirmed_count].to_vec();
    align::in_source_order(kept)
        .into_iter()
        .map(|b| {
            let confirmed = confirmed_beads.contains(&b);
            ArticleBead {
                source: b.source,
                target: b.target,
                confidence: b.confidence,
                confirmed,
            }
        })
        .collect()
}

/// Why a corrected bead list cannot be taken: it must hold every sentence of both versions
/// exactly once, each bead at least one sentence.
pub fn coverage_problem(beads: &[ArticleBead], sources: usize, targets: usize) -> Option<String> {
    let mut seen_source = vec![false; sources];
    let mut seen_target = vec![false; targets];
    for (k, bead) in beads.iter().enumerate() {
        if bead.source.is_empty() && bead.target.is_empty() {
            return Some(format!("bead {k} holds no sentence"));
        }
        for (side, indices, seen) in [
            ("source", &bead.source, &mut seen_source),
            ("target", &bead.target, &mut seen_target),
        ] {
            for &i in indices {
                match seen.get_mut(i) {
                    None => {
                        return Some(format!(
                            "bead {k}: there is no {side} sentence {i} (the version has {})",
                            seen.len()
                        ))
                    }
                    Some(true) => {
                        return Some(format!("{side} sentence {i} is in more than one bead"))
                    }
                    Some(seen) => *seen = true,
                }
            }
        }
    }
    for (side, seen) in [("source", &seen_source), ("target", &seen_target)] {
        if let Some(i) = seen.iter().position(|s| !s) {
            return Some(format!("{side} sentence {i} is in no bead"));
        }
    }
    None
}
