//! Fuzzy lookup: retrieve candidates through the index, rescore each exactly, then explain
//! the best ones (word diff), adapt their placeholders and check their context.

use std::collections::BTreeMap;

use foldhash::HashSet;

use super::adapt::{adapt, slice, Change};
use super::diff::{diff, DiffOp};
use super::score::{
    char_distance, length_bound_score, match_score, rescore_above, upper_bound, Alignment,
    QueryProfile, Rescored, Step,
};
use super::stored::Glance;
use super::{
    grams, is_target, lang_of_key, lengths, query_terms, sketch, target_texts, Memory, MemoryError,
};
use crate::index::{Admit, Breadth, Scope};
use crate::model::lang::Lang;
use crate::model::unit::{Unit, UnitId};
use crate::text::{nfc, same_text, tokenize, Token};

/// The running text around the sentence looked up, for context (101%) matches.
#[derive(Debug, Clone, Default)]
pub struct MatchContext {
    /// The previous sentence; `Some("")` when the sentence opens its document.
    pub prev: Option<String>,
    /// The next sentence; `Some("")` when the sentence closes its document.
    pub next: Option<String>,
    pub document: Option<String>,
}

/// A lookup: the text, its language, the wanted target languages and the cut-offs.
#[derive(Debug, Clone)]
pub struct MatchQuery {
    pub text: String,
    pub source: Lang,
    /// Empty: every language a unit has besides the source.
    pub targets: Vec<Lang>,
    pub min_score: u32,
    pub limit: usize,
    pub context: Option<MatchContext>,
    /// Units of this document are no candidates (an article analysed against the memory
    /// that holds it already).
    pub exclude_document: Option<String>,
    /// Only units of this document, outlet, or time are candidates.
    pub only: MatchFilter,
}

/// Restricts a lookup to part of the memory. The document is asked of the index with the
/// words (so its units are found however many others match better); the outlet and the time
/// filter a larger candidate pool.
#[derive(Debug, Clone, Default)]
pub struct MatchFilter {
    pub document: Option<String>,
    pub outlet: Option<String>,
    /// Units created or changed at or after this time.
    pub since: Option<crate::model::time::Timestamp>,
}

impl MatchFilter {
    /// Whether `unit` is in the part of the memory the filter names.
    pub fn keeps(&self, unit: &Unit) -> bool {
        let m = &unit.meta;
        self.keeps_by(m.document.as_deref(), m.outlet.as_deref(), || {
            m.changed.as_ref().or(m.created.as_ref()).cloned()
        })
    }

    /// [`keeps`](Self::keeps) of a stored unit not yet decoded.
    fn keeps_stored(&self, unit: &Glance<'_>) -> bool {
        self.keeps_by(unit.document(), unit.outlet(), || unit.last_changed())
    }

    /// Whether a unit of `document` and `outlet`, last changed at `last()`, is kept.
    fn keeps_by(
        &self,
        document: Option<&str>,
        outlet: Option<&str>,
        last: impl FnOnce() -> Option<crate::model::time::Timestamp>,
    ) -> bool {
        (self.document.is_none() || document == self.document.as_deref())
            && (self.outlet.is_none() || outlet == self.outlet.as_deref())
            && self
                .since
                .as_ref()
                .is_none_or(|since| last().is_some_and(|t| t >= *since))
    }

    /// Whether candidates are filtered after retrieval (which then asks for more).
    fn filters_after(&self) -> bool {
        self.outlet.is_some() || self.since.is_some()
    }
}

impl MatchQuery {
    pub const DEFAULT_MIN_SCORE: u32 = 50;
    pub const DEFAULT_LIMIT: usize = 5;
    pub const MAX_LIMIT: usize = 50;
    /// The score of an exact match whose neighbours match too.
    pub const CONTEXT_SCORE: u32 = 101;

    /// A plain lookup with the default cut-offs.
    pub fn new(text: impl Into<String>, source: Lang, targets: Vec<Lang>) -> MatchQuery {
        MatchQuery {
            text: text.into(),
            source,
            targets,
            min_score: Self::DEFAULT_MIN_SCORE,
            limit: Self::DEFAULT_LIMIT,
            context: None,
            exclude_document: None,
            only: MatchFilter::default(),
        }
    }
}

/// One suggestion.
#[derive(Debug, Clone)]
pub struct Match {
    /// 0–100, or 101 for an exact match in the same context.
    pub score: u32,
    /// The unrounded similarity (0–100) behind `score`.
    pub similarity: f32,
    /// The matched unit's source-language text.
    pub source_text: String,
    /// Target texts by the tag they were stored with, only the requested languages; with the
    /// query's numbers and codes put in when `adapted`.
    pub targets: BTreeMap<String, String>,
    /// True when the stored sentence differs only in placeholders and every target got the
    /// query's values.
    pub adapted: bool,
    /// How the stored source becomes the query, word by word.
    pub diff: Vec<DiffOp>,
    pub unit: Unit,
}

/// A candidate that passed rescoring, with what explaining it needs. Its unit is decoded
/// only if it is among the matches answered.
struct Scored {
    rank: usize,
    stored_tokens: Vec<Token>,
    alignment: Alignment,
    score: u32,
    similarity: f32,
    candidate: Candidate,
}

/// How many candidates retrieval hands to rescoring: enough that a near-identical sentence
/// lost among many sharing its common words still arrives. A short query shares only a word
/// or two with the unit it should find (`Ցույց տալ բոլոր գործընթացները` / `Ցուցադրել բոլոր
/// գործընթացները`), and many units share those, so it gets more candidates: rescoring a
/// short sentence is cheap.
fn candidates_for(limit: usize, words: usize) -> usize {
    let base = (limit * 4).clamp(20, 200);
    match words {
        0..=3 => base * 4,
        4..=6 => base * 2,
        _ => base,
    }
}

/// How many of the query's words retrieval asks for: the rarest ones (measured on a million
/// near-duplicate units: 12 keeps top-1 at 100% where 8 loses 1.4%, and 8 with a widening to
/// 12 when nothing close came back still lost 1.0%; each term costs time).
const RETRIEVAL_TERMS: usize = 12;

/// What one retrieval asks of the index.
#[derive(Clone, Copy)]
enum Asked<'a> {
    /// The query's words, each by as many of its terms as the breadth says.
    Words(&'a [crate::index::SearchWord], Breadth),
    /// The query's character gram terms (a short query only).
    Grams(&'a [String]),
    /// The query's near-duplicate sketch terms.
    Sketch(&'a [String]),
}

/// A retrieved unit: its payload, decoded whole only if it is among the matches answered,
/// and its text in the query's language.
struct Candidate {
    payload: Vec<u8>,
    source_text: String,
}

/// The retrievals of one lookup so far: each rescores only the units no earlier one did.
struct Passes {
    seen: HashSet<UnitId>,
    /// Every unit retrieved, in retrieval order, when the caller wants them.
    kept: Option<Vec<Unit>>,
    /// The retrieval rank the next pass starts at.
    next_rank: usize,
    scored: Vec<Scored>,
}

impl Passes {
    /// The best similarity rescored so far.
    fn best(&self) -> f32 {
        self.scored.iter().map(|s| s.similarity).fold(0.0, f32::max)
    }

    /// Whether what was rescored so far is close enough to stop asking for more, for a query
    /// of `words` words: a unit at least `sure` similar, or one token from a query of at
    /// least [`ONE_TOKEN_WORDS`].
    fn close(&self, sure: f32, words: usize) -> bool {
        self.best() >= sure || words >= ONE_TOKEN_WORDS && self.one_token_away()
    }

    /// Whether a unit one token from the query was rescored: one word (or mark) replaced,
    /// added or left out, every other token the same.
    fn one_token_away(&self) -> bool {
        self.scored.iter().any(|s| {
            let mut changes = s
                .alignment
                .steps
                .iter()
                .filter(|step| !matches!(step, Step::Equal(..)));
            changes.nth(1).is_none()
        })
    }

    fn done(self) -> (Vec<Scored>, Vec<Unit>) {
        (self.scored, self.kept.unwrap_or_default())
    }
}

/// How many of a short query's gram terms retrieval asks for at most, the rarest first: in
/// practice all of them (a four-word query has about 30). Among a million news units, asking
/// the rarest 24 for `pool` units took natural-variation recall from 99.21 % to 99.53 %; all
/// of them for a pool as large as the wider word pass's, to 99.89 %, at 1.2× the mean time
/// of the 24-gram pass (BENCHMARKS.md, session 14).
const RETRIEVAL_GRAMS: usize = 64;

/// A lookup whose candidates are all below this similarity asks once more, for a pool
/// [`WIDEN_BY`] times larger, with every form of each word (see [`Breadth::Every`]).
/// Measured on the UI strings' natural variation (a translator's rewording): widening took
/// retrieval recall 96.5 % → 98.9 % and top-1 74.0 → 75.7 %; asking every form in the wider
/// pool, 98.9 % → 99.8 % and 75.7 → 76.3 %, in less time than ×8 with the first forms only
/// (×6 recalled 99.9 % in 1.3× the time). One-word edits of news (the scale benchmark) find
/// a close unit at once and seldom widen. Below 90 instead of 80 found nothing more and took
/// 1.7× the time.
const WIDEN_BELOW: f32 = 80.0;
const WIDEN_BY: usize = 4;
/// A query of at least this many words does not widen once a unit one token from it was
/// found (one word replaced, added or left out). In a sentence of three to five words, one
/// word is a fifth of it or more, so that unit scores below [`WIDEN_BELOW`]; yet only a unit
/// that differs in endings, case or marks alone could beat it, and such a unit holds the
/// query's words or their stems and ranks high in the first pool already. Among a million
/// news units, the scale benchmark's one-word edits of three to five words widened every
/// time and found nothing closer: stopping took those lookups' instructions to 0.38×
/// (BENCHMARKS.md, session 20). On natural variation among them, top-1 stayed 76.52 % and
/// retrieval recall went from 99.89 to 99.79 %.
const ONE_TOKEN_WORDS: usize = 3;
/// A lookup whose sketch pass (half the word pass's pool) found a unit at least this
/// similar, and as many matches as were asked, answers from that pass alone. Among a
/// million news units, where adding up the words' postings was 40 % of a lookup, one-word
/// edits took 0.61–0.63 ms at p50 instead of 1.19–1.59 ms, top-1 still 100 %, and matches
/// 2–5 scored 73.6 on average instead of 74.7; every cell of both development sets kept its
/// top-1. The sketch terms cost the import 0.7–0.8× its rate (BENCHMARKS.md, session 17).
/// A unit one token from the query is close enough too (see [`ONE_TOKEN_WORDS`]): a one-word
/// edit of a ten-word sentence scores below 90. Among a million news units that took the
/// scale benchmark's lookups to 0.90× the instructions, top-1 unchanged, and matches 2–5
/// scored 73.41 on average instead of 73.59; every development cell kept its top-1
/// (BENCHMARKS.md, session 20).
const SKETCH_SURE: f32 = 90.0;
/// How far a length bound may fall below the score wanted before the unit is left unread.
const LENGTH_SLACK: f32 = 0.01;
/// The most candidates a widened lookup rescores (a lookup asking for many matches starts
/// with a large pool).
const MAX_POOL: usize = 2_000;

/// The score a candidate must reach to be kept, given the matches `scored` so far: the
/// lookup's floor and, once `limit` matches are found, the worst of the best `limit` (a lower
/// score cannot displace it, whatever its similarity; every kept match is at the floor or
/// above, so this only rises as matches are found).
fn wanted(scored: &[Scored], query: &MatchQuery) -> f32 {
    let floor = query.min_score.min(100) as f32;
    if query.limit == 0 || scored.len() < query.limit {
        return floor;
    }
    let mut best: Vec<f32> = scored.iter().map(|s| s.score as f32).collect();
    best.sort_unstable_by(|a, b| b.total_cmp(a));
    best[query.limit - 1]
}

/// Orders each run of matches with the same score and exact similarity by how close each
/// stored sentence is to the query in characters (then by retrieval rank), so a tie is not
/// settled by the order the index happened to return.
fn break_ties(scored: &mut [Scored], query: &[Token]) {
    let tied = |a: &Scored, b: &Scored| (a.score, a.similarity) == (b.score, b.similarity);
    for run in scored.chunk_by_mut(tied).filter(|run| run.len() > 1) {
        run.sort_by_cached_key(|s| {
            let distance = char_distance(&s.stored_tokens, query).unwrap_or(usize::MAX);
            (distance, s.rank)
        });
    }
}

impl Memory {
    /// The best stored units for `query`, best first.
    pub fn find_matches(&self, query: &MatchQuery) -> Result<Vec<Match>, MemoryError> {
        if query.limit == 0 {
            return Ok(Vec::new());
        }
        let text = nfc(&query.text).into_owned();
        let query_tokens = tokenize(&query.source, &text);
        let profile = QueryProfile::new(&query_tokens);
        let source_key = query.source.key();
        let (mut scored, _) = self.rescored(query, &text, &profile, false)?;
        if let Some(context) = &query.context {
            for s in scored.iter_mut().filter(|s| s.score == 100) {
                let unit = super::stored::decode(&s.candidate.payload)?;
                if self.same_context(&unit, source_key, context)? {
                    s.score = MatchQuery::CONTEXT_SCORE;
                }
            }
        }
        scored.retain(|s| s.score >= query.min_score);
        scored.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(b.similarity.total_cmp(&a.similarity))
                .then(a.rank.cmp(&b.rank))
        });
        break_ties(&mut scored, &query_tokens);
        scored.truncate(query.limit);
        scored
            .into_iter()
            .map(|s| self.explain(s, query, &text, &query_tokens))
            .collect()
    }

    /// The units retrieval hands to rescoring for `query`, in retrieval order: what exact
    /// scoring can choose from. For measuring retrieval (how often the unit that scoring
    /// every unit would rank first is among them).
    pub fn candidates(&self, query: &MatchQuery) -> Result<Vec<Unit>, MemoryError> {
        let text = nfc(&query.text).into_owned();
        let query_tokens = tokenize(&query.source, &text);
        let profile = QueryProfile::new(&query_tokens);
        Ok(self.rescored(query, &text, &profile, true)?.1)
    }

    /// Retrieves candidates and rescores them: first, for a query of six words or more, the
    /// units sharing the most sketch bands with it, which answer alone when they hold a
    /// close match and `limit` matches; then by its words. When nothing in the pool is close
    /// to the query, asks again: for a larger pool by every form of each word (a reworded
    /// sentence shares only common words with the unit it should find, and many units share
    /// those), then, for a short query, by characters. With `keep`, also every unit retrieved, in
    /// retrieval order.
    fn rescored(
        &self,
        query: &MatchQuery,
        text: &str,
        profile: &QueryProfile<'_>,
        keep: bool,
    ) -> Result<(Vec<Scored>, Vec<Unit>), MemoryError> {
        let terms = query_terms(&query.source, text);
        let mut pool = candidates_for(query.limit, terms.len());
        if query.only.filters_after() {
            pool *= 5;
        }
        let mut passes = Passes {
            seen: HashSet::default(),
            kept: keep.then(Vec::new),
            next_rank: 0,
            scored: Vec::new(),
        };
        // A sentence that shares nearly all its words with a stored one finds it, and its
        // closest neighbours, by the sketch alone: no word's postings are added up. Half the
        // pool: the units sharing the most bands are the close ones.
        let words = profile.lengths().words as usize;
        let sketch = sketch::query_sketch(query.source.key(), profile.tokens());
        if !sketch.is_empty() {
            let asked = (Asked::Sketch(&sketch), pool / 2);
            self.pass(query, text, profile, asked, &mut passes)?;
            if passes.close(SKETCH_SURE, words) && passes.scored.len() >= query.limit {
                return Ok(passes.done());
            }
        }
        let asked = Asked::Words(&terms, Breadth::FirstKnown);
        let full = self.pass(query, text, profile, (asked, pool), &mut passes)?;
        if passes.close(WIDEN_BELOW, words) || pool >= MAX_POOL {
            return Ok(passes.done());
        }
        let wider = (pool * WIDEN_BY).min(MAX_POOL);
        // A pool that came back short holds every unit with one of the terms asked; a wider
        // one can only add units holding another form of a word.
        let more_forms = terms.iter().any(|word| word.terms.len() > 1);
        if full || more_forms {
            // The wider pool asks every form of each word (a reworded sentence often holds
            // other inflections of the query's words, `Проверка орфографии`/`Проверяет
            // орфографию`), so it ranks anew.
            let asked = Asked::Words(&terms, Breadth::Every);
            self.pass(query, text, profile, (asked, wider), &mut passes)?;
            if passes.close(WIDEN_BELOW, words) {
                return Ok(passes.done());
            }
        }
        // A short query whose words found nothing close asks by characters: the unit it should
        // find may share no word or stem with it, or only ones a million others share too.
        let grams = grams::query_grams(query.source.key(), profile.tokens());
        if !grams.is_empty() {
            let asked = Asked::Grams(&grams);
            self.pass(query, text, profile, (asked, wider), &mut passes)?;
        }
        Ok(passes.done())
    }

    /// One retrieval of at most `limit` units for what is `asked`; rescores those no earlier
    /// pass retrieved. Returns whether the index had as many as were asked.
    fn pass(
        &self,
        query: &MatchQuery,
        text: &str,
        profile: &QueryProfile<'_>,
        (asked, limit): (Asked<'_>, usize),
        passes: &mut Passes,
    ) -> Result<bool, MemoryError> {
        // Without a list of every unit retrieved to keep, a unit whose length alone keeps it
        // below the score a match must reach is not read.
        let wanted = passes.kept.is_none().then(|| wanted(&passes.scored, query));
        let (candidates, full) = self.retrieve(
            query,
            (asked, limit),
            wanted.map(|wanted| (profile, wanted)),
            &mut passes.seen,
        )?;
        if let Some(kept) = &mut passes.kept {
            for candidate in &candidates {
                kept.push(super::stored::decode(&candidate.payload)?);
            }
        }
        let first = passes.next_rank;
        passes.next_rank += limit;
        self.rescore_pool(query, text, profile, candidates, first, &mut passes.scored);
        Ok(full)
    }

    /// Rescores retrieved `candidates` (ranked from `first` on) exactly, in the order of
    /// their score bounds, until no bound can beat the `limit` best found, into `scored`.
    fn rescore_pool(
        &self,
        query: &MatchQuery,
        text: &str,
        profile: &QueryProfile<'_>,
        candidates: Vec<Candidate>,
        first: usize,
        scored: &mut Vec<Scored>,
    ) {
        let query_tokens = profile.tokens();
        let mut bounded = Vec::with_capacity(candidates.len());
        for (rank, candidate) in (first..).zip(candidates) {
            let stored_tokens = tokenize(&query.source, &candidate.source_text);
            let bound = upper_bound(&stored_tokens, profile);
            bounded.push((bound, rank, stored_tokens, candidate));
        }
        bounded.sort_by(|a, b| b.0.score.total_cmp(&a.0.score).then(a.1.cmp(&b.1)));
        for (bound, rank, stored_tokens, candidate) in bounded {
            let wanted = wanted(scored, query);
            if bound.score < wanted {
                break;
            }
            // A placeholder change scores in its band whatever its similarity: aligned whole.
            let at_least = if bound.placeholders { 0.0 } else { wanted };
            let Some(Rescored {
                alignment,
                similarity,
                ..
            }) = rescore_above(&stored_tokens, profile, at_least)
            else {
                continue;
            };
            let placeholders = alignment
                .placeholder_changes(&stored_tokens, query_tokens)
                .is_some();
            let score = match_score(&candidate.source_text, text, similarity, placeholders);
            if score < query.min_score.min(100) {
                continue;
            }
            scored.push(Scored {
                rank,
                stored_tokens,
                alignment,
                score,
                similarity,
                candidate,
            });
        }
    }

    /// The (at most `limit`) candidates retrieval finds for what is `asked`, with the query's
    /// filters applied: only units holding the source language and one of the wanted
    /// targets, none `seen` already (the new ones are added to it) and, with a query
    /// profile and a wanted score, none whose length keeps it below that score; and whether
    /// the index had as many as were asked (so a larger pool may hold more).
    fn retrieve(
        &self,
        query: &MatchQuery,
        (asked, limit): (Asked<'_>, usize),
        wanted: Option<(&QueryProfile<'_>, f32)>,
        seen: &mut HashSet<UnitId>,
    ) -> Result<(Vec<Candidate>, bool), MemoryError> {
        let source_key = query.source.key();
        let tag = lengths::key_tag(source_key);
        let admit = wanted.map(|(profile, wanted)| {
            move |values: &[u64]| {
                lengths::find(values, tag).is_none_or(|stored| {
                    // A little slack for rounding: the bound and the similarity are summed
                    // in different orders.
                    length_bound_score(stored, profile) + LENGTH_SLACK >= wanted
                })
            }
        });
        let scope = Scope {
            limit,
            document: query.only.document.as_deref(),
            admit: admit.as_ref().map(|a| a as Admit<'_>),
        };
        let retrieved = match asked {
            Asked::Words(terms, breadth) => {
                self.index()
                    .search(terms, (breadth, RETRIEVAL_TERMS), scope)?
            }
            Asked::Grams(grams) => self.index().search_grams(grams, RETRIEVAL_GRAMS, scope)?,
            Asked::Sketch(bands) => self.index().search_sketch(bands, scope)?,
        };
        let full = retrieved.ranked >= limit;
        let hits = retrieved.hits;
        let mut candidates = Vec::with_capacity(hits.len());
        for hit in hits {
            let unit = super::stored::glance(&hit.payload)?;
            let Some(source_text) = unit.text(source_key) else {
                continue;
            };
            if !unit
                .keys()
                .any(|key| is_target(key, source_key, &query.targets))
                || query.exclude_document.is_some()
                    && unit.document() == query.exclude_document.as_deref()
                || !query.only.keeps_stored(&unit)
                || !seen.insert(UnitId::from_stored(unit.id.to_string()))
            {
                continue;
            }
            let source_text = source_text.to_string();
            candidates.push(Candidate {
                payload: hit.payload,
                source_text,
            });
        }
        Ok((candidates, full))
    }

    /// The match a rescored candidate makes: its unit decoded, the wanted target texts, the
    /// diff and, for placeholder-only differences, the adapted targets.
    fn explain(
        &self,
        s: Scored,
        query: &MatchQuery,
        text: &str,
        query_tokens: &[Token],
    ) -> Result<Match, MemoryError> {
        let Scored {
            stored_tokens,
            alignment,
            score,
            similarity,
            candidate,
            ..
        } = s;
        let source = &query.source;
        let unit = super::stored::decode(&candidate.payload)?;
        let mut m = Match {
            score,
            similarity,
            source_text: candidate.source_text,
            targets: target_texts(&unit, source.key(), &query.targets),
            adapted: false,
            diff: Vec::new(),
            unit,
        };
        m.diff = diff(
            &m.source_text,
            &stored_tokens,
            text,
            query_tokens,
            &alignment.steps,
        );
        if let Some(changes) = alignment.placeholder_changes(&stored_tokens, query_tokens) {
            let raws: Vec<(String, String)> = changes
                .iter()
                .map(|&(i, j)| {
                    (
                        slice(&m.source_text, stored_tokens[i].start, stored_tokens[i].end),
                        slice(text, query_tokens[j].start, query_tokens[j].end),
                    )
                })
                .collect();
            let changes: Vec<Change<'_>> = changes
                .iter()
                .zip(&raws)
                .map(|(&(i, _), (stored, query))| Change {
                    kind: stored_tokens[i].kind,
                    stored,
                    query,
                })
                .collect();
            let adapted: Option<BTreeMap<String, String>> = m
                .targets
                .iter()
                .map(|(tag, target_text)| {
                    let target = m
                        .unit
                        .variants
                        .values()
                        .find(|v| &v.lang == tag)
                        .map_or_else(|| lang_of_key(tag), |v| lang_of_key(&v.lang));
                    adapt(&changes, source, &target, target_text).map(|t| (tag.clone(), t))
                })
                .collect();
            if let Some(adapted) = adapted {
                m.targets = adapted;
                m.adapted = true;
            }
        }
        Ok(m)
    }

    /// Whether `unit`'s stored neighbours are the sentences around the query.
    fn same_context(
        &self,
        unit: &Unit,
        source_key: &str,
        context: &MatchContext,
    ) -> Result<bool, MemoryError> {
        if context.prev.is_none() && context.next.is_none() {
            return Ok(false);
        }
        if context.document.is_some() && context.document != unit.meta.document {
            return Ok(false);
        }
        let neighbour_matches =
            |id: &Option<UnitId>, wanted: &Option<String>| -> Result<bool, MemoryError> {
                let Some(wanted) = wanted else {
                    return Ok(true);
                };
                match id {
                    None => Ok(wanted.trim().is_empty()),
                    Some(id) => Ok(self.get(id)?.is_some_and(|n| {
                        n.variants
                            .get(source_key)
                            .is_some_and(|v| same_text(&v.text, wanted))
                    })),
                }
            };
        Ok(neighbour_matches(&unit.meta.prev, &context.prev)?
            && neighbour_matches(&unit.meta.next, &context.next)?)
    }
}
