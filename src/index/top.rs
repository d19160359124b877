//! The best `k` documents of a disjunction of terms by BM25: every posting scored when the
//! terms' postings are few, block-max WAND when some are long.
//!
//! Block-max WAND pays per step for keeping its term cursors sorted and for checking block
//! bounds, and wins that back only where it can skip long runs of postings: a frequent term's.
//! When every term asked is rare, adding up each posting's score is cheaper: a window of
//! documents at a time, whose sums stay in the first-level cache (as tantivy's buffered union
//! does, without its dynamic calls per document). Both collect the same top `k`.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, BooleanQuery, EnableScoring, Occur, Query, TermQuery,
    Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, Score, Searcher, Term, TERMINATED};

use super::staged::Hidden;
use super::IndexError;

/// Up to how many postings in all the terms' lists each posting is scored rather than
/// skipped through with block-max WAND. Among a million near-duplicate news units (the scale
/// benchmark, where the median lookup's 12 terms hold 50k postings), scoring every posting
/// with tantivy's buffered union up to 100k–400k took the lookup's p50 from 2.6–2.7 to
/// 2.1–2.2 ms and left p99 as it was, and scoring them all made p99 2×; adding them up here
/// instead took p50 a further 0.83×, and raising the limit from 250k to 500k–1M p99 to 0.9×
/// (BENCHMARKS.md, session 15).
const EXHAUSTIVE_POSTINGS: u64 = 500_000;

/// The best `limit` live, visible documents for a disjunction of `terms` (each with its
/// document frequency, which the caller has already read), by BM25, best first; a tie goes
/// to the earlier document.
pub(super) fn top_docs(
    searcher: &Searcher,
    hidden: &Hidden,
    terms: Vec<(u64, Term)>,
    limit: usize,
) -> Result<Vec<(Score, DocAddress)>, IndexError> {
    top_docs_by(searcher, hidden, terms, limit, EXHAUSTIVE_POSTINGS)
}

/// [`top_docs`], scoring every posting up to `exhaustive_postings` in all.
fn top_docs_by(
    searcher: &Searcher,
    hidden: &Hidden,
    terms: Vec<(u64, Term)>,
    limit: usize,
    exhaustive_postings: u64,
) -> Result<Vec<(Score, DocAddress)>, IndexError> {
    let postings: u64 = terms.iter().map(|(n, _)| n).sum();
    let how = match postings <= exhaustive_postings {
        true => How::Every(bm25_weights(searcher, terms)?),
        false => {
            let terms = terms.into_iter().map(|(_, term)| term).collect();
            How::Skipping(
                disjunction(terms).weight(EnableScoring::enabled_from_searcher(searcher))?,
            )
        }
    };
    let mut best = Best::new(limit);
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        // A segment starts from the threshold the earlier ones reached: a document must beat
        // the k-th best of the whole index, not of its segment.
        let threshold = best.threshold();
        let alive = reader.alive_bitset();
        let staged = hidden.touches(ord);
        let mut offer = |doc: DocId, score: Score| {
            let gone =
                alive.is_some_and(|a| a.is_deleted(doc)) || staged && hidden.contains(ord, doc);
            if !gone {
                best.offer(score, DocAddress::new(ord as u32, doc));
            }
            best.threshold()
        };
        match &how {
            How::Every(weights) => {
                let mut terms = Vec::with_capacity(weights.len());
                for (term, weight) in weights {
                    let inverted = reader.inverted_index(term.field())?;
                    if let Some(block) =
                        inverted.read_block_postings(term, IndexRecordOption::WithFreqs)?
                    {
                        terms.push(TermPostings {
                            block,
                            at: 0,
                            norms: reader.get_fieldnorms_reader(term.field())?,
                            weight,
                        });
                    }
                }
                score_every_posting(terms, threshold, &mut offer);
            }
            How::Skipping(weight) => weight.for_each_pruning(threshold, reader, &mut offer)?,
        }
    }
    Ok(best.into_sorted())
}

/// Each term's BM25 weight, as a `TermQuery` would weigh it, from the document frequencies
/// already read: the index's statistics are read once per field, not once per term.
fn bm25_weights(
    searcher: &Searcher,
    terms: Vec<(u64, Term)>,
) -> Result<Vec<(Term, TermWeight)>, IndexError> {
    let documents = searcher.total_num_docs()?;
    let mut average_lengths: Vec<(Field, Score)> = Vec::new();
    let mut weights = Vec::with_capacity(terms.len());
    for (frequency, term) in terms {
        let field = term.field();
        let average = match average_lengths.iter().find(|(f, _)| *f == field) {
            Some(&(_, average)) => average,
            None => {
                let average = searcher.total_num_tokens(field)? as Score / documents as Score;
                average_lengths.push((field, average));
                average
            }
        };
        let bm25 = Bm25Weight::for_one_term_without_explain(frequency, documents, average);
        weights.push((term, TermWeight::new(bm25)));
    }
    Ok(weights)
}

/// How a retrieval scores: every posting, by each term's BM25 weight; or skipping, by the
/// disjunction's weight (block-max WAND).
enum How {
    Every(Vec<(Term, TermWeight)>),
    Skipping(Box<dyn Weight>),
}

/// A term's BM25 weight, with the score of one occurrence for each field length worked out
/// ahead: nearly every posting of a sentence's word holds it once, and the table spares a
/// division per posting.
struct TermWeight {
    bm25: Bm25Weight,
    once: Box<[Score; 256]>,
}

impl TermWeight {
    fn new(bm25: Bm25Weight) -> TermWeight {
        let mut once = Box::new([0.0; 256]);
        for (norm, score) in once.iter_mut().enumerate() {
            *score = bm25.score(norm as u8, 1);
        }
        TermWeight { bm25, once }
    }

    /// The same score as [`Bm25Weight::score`].
    #[inline]
    fn score(&self, norm: u8, frequency: u32) -> Score {
        match frequency {
            1 => self.once[norm as usize],
            _ => self.bm25.score(norm, frequency),
        }
    }
}

/// A term's postings in one segment, a block of decoded documents and frequencies at a
/// time, with what scores them.
struct TermPostings<'a> {
    block: BlockSegmentPostings,
    /// Where the next posting is in the block.
    at: usize,
    norms: FieldNormReader,
    weight: &'a TermWeight,
}

impl TermPostings<'_> {
    /// The document of the next posting; `TERMINATED` after the last.
    fn doc(&self) -> DocId {
        self.block
            .docs()
            .get(self.at)
            .copied()
            .unwrap_or(TERMINATED)
    }

    /// Adds the score of each posting before `end` to `sums` (at its document's distance
    /// from `start`) and marks its document in `held`.
    fn add_up_to(&mut self, start: DocId, end: DocId, sums: &mut [Score], held: &mut [u64]) {
        loop {
            let (docs, freqs) = (self.block.docs(), self.block.freqs());
            let mut at = self.at;
            while let Some(&doc) = docs.get(at).filter(|&&doc| doc < end) {
                let slot = (doc - start) as usize;
                // A block read without frequencies has none to give: each posting is one.
                let frequency = freqs.get(at).copied().unwrap_or(1);
                sums[slot] += self.weight.score(self.norms.fieldnorm_id(doc), frequency);
                held[slot / 64] |= 1 << (slot % 64);
                at += 1;
            }
            self.at = at;
            // The block is done when its postings ran out before `end`: the next may hold more.
            if at < docs.len() || docs.is_empty() {
                return;
            }
            self.block.advance();
            self.at = 0;
        }
    }
}

/// How many documents [`score_every_posting`] adds up at a time: their scores fit in the
/// first-level cache.
const WINDOW: u32 = 4096;

/// Offers every document any of `terms` holds, with the sum of their scores, in document
/// order, once it scores above the threshold `offer` last gave back (starting at `threshold`).
fn score_every_posting(
    mut terms: Vec<TermPostings<'_>>,
    mut threshold: Score,
    offer: &mut dyn FnMut(DocId, Score) -> Score,
) {
    let mut sums = vec![0.0 as Score; WINDOW as usize];
    let mut held = vec![0u64; WINDOW as usize / 64];
    loop {
        let Some(start) = terms.iter().map(|t| t.doc()).min() else {
            return;
        };
        if start == TERMINATED {
            return;
        }
        let end = start.saturating_add(WINDOW);
        for term in &mut terms {
            term.add_up_to(start, end, &mut sums, &mut held);
        }
        for (word, bits) in held.iter_mut().enumerate() {
            while *bits != 0 {
                let at = word * 64 + bits.trailing_zeros() as usize;
                *bits &= *bits - 1;
                let score = std::mem::take(&mut sums[at]);
                if score > threshold {
                    threshold = offer(start + at as DocId, score);
                }
            }
        }
    }
}

/// A unit matches if it holds any of `terms`, and scores the sum of their BM25 scores.
pub(super) fn disjunction(terms: Vec<Term>) -> BooleanQuery {
    BooleanQuery::new(
        terms
            .into_iter()
            .map(|term| {
                let query: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                (Occur::Should, query)
            })
            .collect(),
    )
}

/// A scored document, ordered by score, then the earlier document first.
struct Ranked(Score, DocAddress);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .total_cmp(&other.0)
            .then_with(|| other.1.cmp(&self.1))
    }
}

/// The `limit` best documents offered so far, the worst on top of the heap.
struct Best {
    limit: usize,
    heap: BinaryHeap<Reverse<Ranked>>,
}

impl Best {
    fn new(limit: usize) -> Best {
        Best {
            limit,
            heap: BinaryHeap::with_capacity(limit + 1),
        }
    }

    fn offer(&mut self, score: Score, address: DocAddress) {
        self.heap.push(Reverse(Ranked(score, address)));
        if self.heap.len() > self.limit {
            self.heap.pop();
        }
    }

    /// What a document must score above to be kept: the k-th best score once there are k.
    fn threshold(&self) -> Score {
        match self.heap.len() < self.limit {
            true => Score::MIN,
            false => self.heap.peek().map_or(Score::MIN, |r| r.0 .0),
        }
    }

    /// Best first (the heap's ascending order of `Reverse`).
    fn into_sorted(self) -> Vec<(Score, DocAddress)> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|Reverse(Ranked(score, address))| (score, address))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index, Term};

    use super::super::staged::Hidden;

    /// Thousands of documents of words drawn unevenly from a small vocabulary, in segments
    /// smaller and larger than a window, some deleted: rare and frequent terms, ties, and a
    /// threshold to carry over between windows and segments.
    #[test]
    fn scoring_every_posting_and_skipping_find_the_same_best_documents() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        // Word `w{i}` with i below `next(next(200) + 1)`: low numbers are frequent.
        let word = |next: &mut dyn FnMut(u64) -> u64| {
            let bound = next(200) + 1;
            format!("w{}", next(bound))
        };
        for (segment, size) in [9_000, 1_500, 5_000, 700].into_iter().enumerate() {
            for n in 0..size {
                let words: Vec<String> = (0..3 + next(12)).map(|_| word(&mut next)).collect();
                writer
                    .add_document(doc!(text => format!("{} s{segment}n{n}", words.join(" "))))
                    .unwrap();
            }
            writer.commit().unwrap();
        }
        for n in (0..1_500).step_by(7) {
            writer.delete_term(Term::from_field_text(text, &format!("s1n{n}")));
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        for query in 0..60 {
            let terms: Vec<Term> = (0..1 + next(14))
                .map(|_| Term::from_field_text(text, &word(&mut next)))
                .collect();
            let counted: Vec<(u64, Term)> = terms
                .iter()
                .map(|t| (searcher.doc_freq(t).unwrap(), t.clone()))
                .collect();
            let limit = [1, 5, 20, 80][query % 4];
            let by = |exhaustive| {
                super::top_docs_by(
                    &searcher,
                    &Hidden::default(),
                    counted.clone(),
                    limit,
                    exhaustive,
                )
                .unwrap()
            };
            let (every, skipping) = (by(u64::MAX), by(0));
            let tantivy = searcher
                .search(
                    &super::disjunction(terms.clone()),
                    &TopDocs::with_limit(limit).order_by_score(),
                )
                .unwrap();
            let scores = |top: &[(f32, tantivy::DocAddress)]| -> Vec<f32> {
                top.iter().map(|(s, _)| *s).collect()
            };
            assert_eq!(every.len(), tantivy.len(), "query {query}");
            assert_eq!(skipping.len(), tantivy.len(), "query {query}");
            for ((a, b), c) in scores(&every)
                .iter()
                .zip(scores(&skipping))
                .zip(scores(&tantivy))
            {
                assert!(
                    (a - b).abs() < 1e-4 && (a - c).abs() < 1e-4,
                    "query {query}: {a} {b} {c}"
                );
            }
            // Where no score is tied, the documents are the same too.
            let distinct = |top: &[(f32, tantivy::DocAddress)]| -> Vec<tantivy::DocAddress> {
                top.iter()
                    .filter(|(s, _)| top.iter().filter(|(t, _)| (s - t).abs() < 1e-4).count() == 1)
                    .map(|(_, a)| *a)
                    .collect()
            };
            assert_eq!(distinct(&every), distinct(&tantivy), "query {query}");
            assert_eq!(distinct(&skipping), distinct(&tantivy), "query {query}");
        }
    }
}
