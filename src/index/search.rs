//! Retrieval: the units a lookup rescores, by BM25 over the rarest of its terms.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, RegexQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Term};

use super::schema::Fields;
use super::staged::Hidden;
use super::{
    near, top, Admit, Breadth, Hit, IndexError, Pattern, Retrieved, Scope, SearchWord, TmIndex,
    View,
};

/// How many near terms one word adds at most.
const NEAR_TERMS: usize = 3;

impl TmIndex {
    /// The best units (as many as `scope` says) for a disjunction of the `max_terms` most
    /// selective of the `words`' terms (as many of each word's as `breadth` says), near
    /// spellings included (BM25, see `index::top`). Frequent terms add little to the ranking
    /// of near matches but most of the cost, so only the rarest are asked.
    pub fn search(
        &self,
        words: &[SearchWord],
        (breadth, max_terms): (Breadth, usize),
        scope: Scope<'_>,
    ) -> Result<Retrieved, IndexError> {
        if words.is_empty() || scope.limit == 0 {
            return Ok(Retrieved::none());
        }
        let view = self.view()?;
        // Each word's first term the index knows (the word itself, else its stem prefix) comes
        // before any other, so the terms asked cover as many words as possible; `Every` adds
        // the word's other known terms after them; a word the index knows none of asks for
        // its near spellings.
        let mut selective = Vec::with_capacity(words.len());
        let mut second = Vec::new();
        let mut nearby = Vec::new();
        for word in words {
            let mut known = false;
            for text in &word.terms {
                let term = Term::from_field_text(self.fields.terms, text);
                let frequency = view.searcher.doc_freq(&term)?;
                if frequency == 0 {
                    continue;
                }
                match known {
                    false => selective.push((frequency, term)),
                    true => second.push((frequency, term)),
                }
                known = true;
                if breadth == Breadth::FirstKnown {
                    break;
                }
            }
            // Only a word whose stem the memory does not know either: an inflected form
            // meets its stored forms through the stem, and the automaton costs time.
            if let (false, Some(near)) = (known, &word.near) {
                nearby.extend(near::near_terms(
                    &view.searcher,
                    self.fields.terms,
                    near,
                    NEAR_TERMS,
                )?);
            }
        }
        // By frequency, then term, so that a term two words share is asked once.
        selective.sort_unstable_by(rarest_first);
        selective.dedup_by(|a, b| a.1 == b.1);
        selective.truncate(max_terms);
        // Second terms, then near terms, fill what the words' first terms leave of the budget:
        // another form or a guess at a spelling must not push out a word the memory holds.
        second.sort_unstable_by(rarest_first);
        nearby.sort_unstable_by(rarest_first);
        for near in second.into_iter().chain(nearby) {
            if selective.len() >= max_terms {
                break;
            }
            if !selective.iter().any(|(_, term)| *term == near.1) {
                selective.push(near);
            }
        }
        leave_out_common(&mut selective, view.searcher.num_docs());
        top_units(&view, &self.fields, selective, scope)
    }

    /// The best units for a disjunction of the `max_terms` most selective of the character
    /// gram terms `grams` (BM25, see `index::top`); none in an index written before gram
    /// terms existed.
    pub fn search_grams(
        &self,
        grams: &[String],
        max_terms: usize,
        scope: Scope<'_>,
    ) -> Result<Retrieved, IndexError> {
        self.search_field(self.fields.grams, grams, max_terms, scope)
    }

    /// The best units for a disjunction of near-duplicate sketch terms (`bands`), those
    /// sharing the most bands first (BM25, see `index::top`); none in an index written before
    /// sketch terms existed.
    pub fn search_sketch(
        &self,
        bands: &[String],
        scope: Scope<'_>,
    ) -> Result<Retrieved, IndexError> {
        self.search_field(self.fields.sketch, bands, bands.len(), scope)
    }

    /// The best units for a disjunction of the `max_terms` rarest of `texts` as terms of
    /// `field`, if the index has it.
    fn search_field(
        &self,
        field: Option<tantivy::schema::Field>,
        texts: &[String],
        max_terms: usize,
        scope: Scope<'_>,
    ) -> Result<Retrieved, IndexError> {
        let Some(field) = field else {
            return Ok(Retrieved::none());
        };
        if texts.is_empty() || scope.limit == 0 {
            return Ok(Retrieved::none());
        }
        let view = self.view()?;
        let mut selective = Vec::with_capacity(texts.len());
        for text in texts {
            let term = Term::from_field_text(field, text);
            let frequency = view.searcher.doc_freq(&term)?;
            if frequency > 0 {
                selective.push((frequency, term));
            }
        }
        selective.sort_unstable_by(rarest_first);
        selective.truncate(max_terms);
        top_units(&view, &self.fields, selective, scope)
    }

    /// Units holding, for every group, at least one of its patterns (a conjunction of
    /// disjunctions), best first by BM25 over the exact terms. For phrase lookups.
    pub fn search_all(
        &self,
        groups: &[Vec<Pattern>],
        limit: usize,
    ) -> Result<Vec<Hit>, IndexError> {
        if groups.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let view = self.view()?;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(groups.len());
        for group in groups {
            let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(group.len());
            for pattern in group {
                let query: Box<dyn Query> = match pattern {
                    Pattern::Term(text) => Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.terms, text),
                        IndexRecordOption::WithFreqs,
                    )),
                    Pattern::Regex(regex) => {
                        Box::new(RegexQuery::from_pattern(regex, self.fields.terms)?)
                    }
                };
                any.push((Occur::Should, query));
            }
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        let query = visible(Box::new(BooleanQuery::new(must)), &view.hidden);
        let top = view
            .searcher
            .search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        Ok(load_hits(&view, top, None)?.hits)
    }
}

/// A word term held by more than this share of the units, and by more than
/// [`COMMON_UNITS`], is left out of retrieval while [`KEPT_TERMS`] rarer ones remain: like a
/// stop word, it adds little to a unit's rank (its inverse document frequency is a third of
/// a rare word's) but as many postings as all the rare terms together. Among a million news
/// units this took the lookup's p50 to 0.91× and p99 to 0.8×, top-1 unchanged; on natural
/// variation among them, top-1 76.37 → 76.52 % and recall unchanged; a twentieth lost 0.1 %
/// of top-1 (BENCHMARKS.md, session 15). In a small memory every term's postings are short,
/// and a word most units hold may be all a reworded query shares with the unit it should
/// find (`matching_quality`'s crowd tests), so nothing is left out there.
const COMMON_SHARE: f64 = 0.1;
const COMMON_UNITS: u64 = 10_000;
const KEPT_TERMS: usize = 4;

/// Leaves out of `terms` (with their document frequencies) the common ones, rarest kept
/// first, down to [`KEPT_TERMS`].
fn leave_out_common(terms: &mut Vec<(u64, Term)>, units: u64) {
    let common = ((units as f64 * COMMON_SHARE) as u64).max(COMMON_UNITS);
    terms.sort_unstable_by(rarest_first);
    while terms.len() > KEPT_TERMS && terms.last().is_some_and(|(n, _)| *n > common) {
        terms.pop();
    }
}

/// Orders terms with their document frequencies rarest first, then by term (so that equal
/// terms are adjacent).
fn rarest_first(a: &(u64, Term), b: &(u64, Term)) -> std::cmp::Ordering {
    a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1))
}

/// The best visible units for a disjunction of `terms` (with their document frequencies),
/// as many and of the document `scope` says, those its gate admits read.
fn top_units(
    view: &View,
    fields: &Fields,
    terms: Vec<(u64, Term)>,
    scope: Scope<'_>,
) -> Result<Retrieved, IndexError> {
    if terms.is_empty() {
        return Ok(Retrieved::none());
    }
    let Scope {
        limit,
        document,
        admit,
    } = scope;
    let Some(document) = document else {
        let top = top::top_docs(&view.searcher, &view.hidden, terms, limit)?;
        return load_hits(view, top, admit);
    };
    // Only that document's units: the terms score, the document term must hold.
    let only: Box<dyn Query> = Box::new(TermQuery::new(
        Term::from_field_text(fields.document, document),
        IndexRecordOption::Basic,
    ));
    let query = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(top::disjunction(
                terms.into_iter().map(|(_, t)| t).collect(),
            )) as Box<dyn Query>,
        ),
        (Occur::Must, only),
    ]);
    let query = visible(Box::new(query), &view.hidden);
    let top = view
        .searcher
        .search(&query, &TopDocs::with_limit(limit).order_by_score())?;
    load_hits(view, top, admit)
}

/// `query`, leaving out the units `hidden` names.
pub(super) fn visible(query: Box<dyn Query>, hidden: &Hidden) -> Box<dyn Query> {
    match hidden.term() {
        None => query,
        Some(term) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (
                Occur::MustNot,
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::Basic)),
            ),
        ])),
    }
}

/// The stored payloads of ranked documents, of those `admit` admits by their length
/// summaries (every one without).
fn load_hits(
    view: &View,
    top: Vec<(f32, DocAddress)>,
    admit: Option<Admit<'_>>,
) -> Result<Retrieved, IndexError> {
    let ranked = top.len();
    let mut hits = Vec::with_capacity(ranked);
    let mut lengths = Vec::new();
    for (relevance, address) in top {
        if let Some(admit) = admit {
            if view.stores.lengths(address, &mut lengths) && !lengths.is_empty() && !admit(&lengths)
            {
                continue;
            }
        }
        hits.push(Hit {
            relevance,
            payload: view.stores.payload(&view.searcher, address)?,
        });
    }
    Ok(Retrieved { hits, ranked })
}

#[cfg(test)]
mod tests {
    use tantivy::schema::{Schema, TEXT};
    use tantivy::Term;

    use super::super::testing::{doc, open, run};

    /// A retrieval ranks every unit holding the term, asks the gate with each one's length
    /// summaries, and reads only those it admits (and those without summaries).
    #[test]
    fn a_retrieval_reads_only_the_units_its_gate_admits() {
        let dir = tempfile::tempdir().unwrap();
        let index = open(&dir);
        let written = run(&index, |session| {
            for n in 0..10u64 {
                let mut unit = doc(&format!("u{n}"));
                unit.terms = "en|word".into();
                unit.lengths = vec![n, 100 + n];
                session.put(unit).unwrap();
            }
            let mut older = doc("without");
            older.terms = "en|word".into();
            session.put(older).unwrap();
        });
        assert_eq!(written, Some(Ok(())));
        let words = [super::super::SearchWord {
            terms: vec!["en|word".into()],
            near: None,
        }];
        let even = |values: &[u64]| values.len() == 2 && values[0] % 2 == 0;
        let scope = super::super::Scope {
            limit: 20,
            document: None,
            admit: Some(&even),
        };
        let asked = (super::super::Breadth::FirstKnown, 12);
        let retrieved = index.search(&words, asked, scope).unwrap();
        assert_eq!(retrieved.ranked, 11);
        let mut read: Vec<String> = retrieved
            .hits
            .iter()
            .map(|hit| String::from_utf8(hit.payload.clone()).unwrap())
            .collect();
        read.sort();
        assert_eq!(read, ["u0", "u2", "u4", "u6", "u8", "without"]);
        // Without a gate, every ranked unit is read.
        let all = super::super::Scope {
            admit: None,
            ..scope
        };
        assert_eq!(index.search(&words, asked, all).unwrap().hits.len(), 11);
        index.close();
    }

    /// Terms with these document frequencies (in thousands), in a memory of `units`.
    fn left(units: u64, thousands: &[u64]) -> Vec<u64> {
        let field = Schema::builder().add_text_field("terms", TEXT);
        let mut terms: Vec<(u64, Term)> = thousands
            .iter()
            .enumerate()
            .map(|(i, &n)| (n * 1_000, Term::from_field_text(field, &format!("t{i}"))))
            .collect();
        super::leave_out_common(&mut terms, units);
        terms.into_iter().map(|(n, _)| n / 1_000).collect()
    }

    #[test]
    fn common_terms_are_left_out_while_enough_rare_ones_remain() {
        let million = 1_000_000;
        assert_eq!(
            left(million, &[500, 3, 101, 7, 40, 12, 100]),
            [3, 7, 12, 40, 100]
        );
        // Four remain, however common: a short query keeps its words.
        assert_eq!(left(million, &[900, 3, 800, 700, 600]), [3, 600, 700, 800]);
        assert_eq!(left(million, &[900, 800]), [800, 900]);
        assert_eq!(left(million, &[]), Vec::<u64>::new());
        // In a small memory, nothing is common enough to leave out.
        assert_eq!(left(20_000, &[1, 2, 3, 4, 9, 10]), [1, 2, 3, 4, 9, 10]);
        assert_eq!(left(20_000, &[1, 2, 3, 4, 11]), [1, 2, 3, 4]);
    }
}
