//! What the aligner knows of each sentence before it pairs any: its anchors (numbered once
//! per alignment), the words a lexicon looks up, its length and block, and the anchors each
//! source sentence shares with each target sentence, counted once.

use super::anchors;
use super::model::{self, Lexicon};
use super::Sentence;
use crate::model::lang::Lang;

/// A sentence's anchors as numbers (each distinct anchor text of one alignment numbered
/// once), sorted: comparing spans in every cell of the program is then comparing integers.
pub(super) type Anchors = Vec<u32>;

/// Numbers the anchor texts of one alignment, both sides alike.
#[derive(Default)]
pub(super) struct Interner(std::collections::HashMap<String, u32>);

impl Interner {
    pub(super) fn ids(&mut self, texts: Vec<String>) -> Anchors {
        let mut ids: Anchors = texts
            .into_iter()
            .map(|t| {
                let next = self.0.len() as u32;
                *self.0.entry(t).or_insert(next)
            })
            .collect();
        ids.sort_unstable();
        ids
    }
}
/// Precomputed per-sentence facts.
pub(super) struct Prepared {
    pub(super) chars: Vec<f32>,
    pub(super) anchors: Vec<Anchors>,
    /// How many anchors the sentences before each one hold (a prefix sum: a span's count
    /// in two reads, in every cell of the program).
    pub(super) counted: Vec<usize>,
    pub(super) blocks: Vec<usize>,
}

fn prefix_counts(anchors: &[Anchors]) -> Vec<usize> {
    std::iter::once(0)
        .chain(anchors.iter().scan(0, |sum, a| {
            *sum += a.len();
            Some(*sum)
        }))
        .collect()
}

impl Prepared {
    /// The facts of one side; with a lexicon, each sentence's anchors also name the word
    /// pairs its words stand in (`source_side` says which half of the pairs to read).
    pub(super) fn new(
        reading: &Reading,
        lexicon: Option<&Lexicon>,
        source_side: bool,
        interner: &mut Interner,
    ) -> Prepared {
        let anchors: Vec<Anchors> = reading
            .anchors
            .iter()
            .enumerate()
            .map(|(k, own)| {
                let mut all = own.clone();
                if let Some(lexicon) = lexicon {
                    all.extend(lexicon.anchors_of_keys(&reading.keys()[k], source_side));
                }
                interner.ids(all)
            })
            .collect();
        let sentences = &reading.sentences;
        Prepared {
            counted: prefix_counts(&anchors),
            anchors,
            chars: sentences
                .iter()
                .map(|s| s.text.chars().count() as f32)
                .collect(),
            blocks: sentences.iter().map(|s| s.block).collect(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.chars.len()
    }

    /// The same sentences in the order `order` (indices into `self`).
    pub(super) fn permuted(&self, order: &[usize]) -> Prepared {
        let anchors: Vec<Anchors> = order.iter().map(|&k| self.anchors[k].clone()).collect();
        Prepared {
            chars: order.iter().map(|&k| self.chars[k]).collect(),
            counted: prefix_counts(&anchors),
            anchors,
            blocks: order.iter().map(|&k| self.blocks[k]).collect(),
        }
    }

    pub(super) fn span_chars(&self, from: usize, n: usize) -> f32 {
        self.chars[from..from + n].iter().sum()
    }

    /// The anchors of sentences `from..from + n`, sorted.
    pub(super) fn span_anchors(&self, from: usize, n: usize) -> Anchors {
        let mut all: Anchors = self.anchors[from..from + n].concat();
        all.sort_unstable();
        all
    }

    /// How many anchors sentences `from..from + n` hold.
    pub(super) fn span_count(&self, from: usize, n: usize) -> usize {
        self.counted[from + n] - self.counted[from]
    }

    /// Whether sentences `from..from + n` stand in more than one block.
    pub(super) fn crosses(&self, from: usize, n: usize) -> bool {
        n > 1 && self.blocks[from] != self.blocks[from + n - 1]
    }

    /// Whether sentence `i` opens a block.
    pub(super) fn opens_block(&self, i: usize) -> bool {
        i == 0 || i < self.len() && self.blocks[i] != self.blocks[i - 1]
    }
}

/// How many anchors each source sentence shares with each target sentence, counted the
/// first time a bead asks: a bead's agreement is then a sum over its sentence pairs instead
/// of a merge of its spans' anchor lists in every cell of the program (with a memory's
/// lexicon a span holds dozens of anchors). Past [`SharedAnchors::MAX_CELLS`] pairs the
/// counts are taken from the lists each time.
pub(super) struct SharedAnchors {
    targets: usize,
    /// `u8::MAX`: not counted yet.
    counts: Vec<std::cell::Cell<u8>>,
}

impl SharedAnchors {
    const MAX_CELLS: usize = 4 << 20;

    pub(super) fn new(sources: usize, targets: usize) -> SharedAnchors {
        let cells = sources * targets;
        SharedAnchors {
            targets,
            counts: if cells <= Self::MAX_CELLS {
                vec![std::cell::Cell::new(u8::MAX); cells]
            } else {
                Vec::new()
            },
        }
    }

    /// The anchors sentence `x` of `src` shares with sentence `y` of `tgt` (a multiset
    /// intersection), or `None` when the table is not kept.
    pub(super) fn get(&self, src: &Prepared, tgt: &Prepared, x: usize, y: usize) -> Option<usize> {
        let cell = self.counts.get(x * self.targets + y)?;
        if cell.get() == u8::MAX {
            cell.set(anchors::common(&src.anchors[x], &tgt.anchors[y]).min(254) as u8);
        }
        Some(cell.get() as usize)
    }
}

/// A version's sentences read once for alignment (each one's anchors, and the words a
/// lexicon looks up), so that a source aligned to several targets is tokenised once.
pub struct Reading {
    pub(super) lang: Lang,
    pub(super) sentences: Vec<Sentence>,
    anchors: Vec<Vec<String>>,
    words: Vec<Vec<String>>,
    /// The words' keys, stemmed the first time a lexicon asks (an alignment without a
    /// memory's model never does).
    keys: std::sync::OnceLock<Vec<Vec<String>>>,
}

impl Reading {
    pub fn new(lang: &Lang, sentences: Vec<Sentence>) -> Reading {
        let (anchors, words) = sentences
            .iter()
            .map(|s| {
                let tokens = crate::text::tokenize(lang, &s.text);
                (
                    anchors::anchors_of(lang, &s.text, &tokens),
                    model::key_words(&tokens),
                )
            })
            .unzip();
        Reading {
            lang: lang.clone(),
            sentences,
            anchors,
            words,
            keys: std::sync::OnceLock::new(),
        }
    }

    fn keys(&self) -> &[Vec<String>] {
        self.keys.get_or_init(|| {
            self.words
                .iter()
                .map(|w| model::keys_of_words(&self.lang, w))
                .collect()
        })
    }
}
