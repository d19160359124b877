//! Fuzzy lookup: retrieve candidates through the index, then rescore each exactly.

use std::collections::BTreeMap;

use super::score::{align_profiled, match_score, similarity, similarity_upper_bound, QueryProfile};
use super::unit::Unit;
use super::{retrieval_terms, Memory, MemoryError};
use crate::lang::Lang;
use crate::text::{nfc, tokenize};

/// A lookup: the text, its language, the wanted target languages and the cut-offs.
#[derive(Debug, Clone)]
pub struct MatchQuery {
    pub text: String,
    pub source: Lang,
    /// Empty: every language a unit has besides the source.
    pub targets: Vec<Lang>,
    pub min_score: u32,
    pub limit: usize,
}

impl MatchQuery {
    pub const DEFAULT_MIN_SCORE: u32 = 50;
    pub const DEFAULT_LIMIT: usize = 5;
    pub const MAX_LIMIT: usize = 50;
}

/// One suggestion.
#[derive(Debug, Clone)]
pub struct Match {
    pub score: u32,
    /// The unrounded similarity (0–100) behind `score`.
    pub similarity: f32,
    /// The matched unit's source-language text.
    pub source_text: String,
    /// Target texts by the tag they were stored with, only the requested languages.
    pub targets: BTreeMap<String, String>,
    pub unit: Unit,
}

/// How many candidates retrieval hands to rescoring: enough that a near-identical sentence
/// lost among many sharing its common words still arrives.
fn candidates_for(limit: usize) -> usize {
    (limit * 6).clamp(30, 300)
}

/// How many of the query's terms retrieval uses: the rarest ones.
const RETRIEVAL_TERMS: usize = 24;

/// The `k`-th best similarity among the matches found so far.
fn kth_best(matches: &[(usize, Match)], k: usize) -> f32 {
    let mut best: Vec<f32> = matches.iter().map(|(_, m)| m.similarity).collect();
    best.sort_unstable_by(|a, b| b.total_cmp(a));
    best[k - 1]
}

impl Memory {
    /// The best stored units for `query`, best first.
    pub fn find_matches(&self, query: &MatchQuery) -> Result<Vec<Match>, MemoryError> {
        let text = nfc(&query.text).into_owned();
        let mut terms = Vec::new();
        retrieval_terms(&query.source, &text, &mut terms);
        terms.sort();
        terms.dedup();
        let query_tokens = tokenize(&query.source, &text);
        let profile = QueryProfile::new(&query_tokens);
        let source_key = query.source.key();
        let hits = self
            .index()
            .search(&terms, RETRIEVAL_TERMS, candidates_for(query.limit))?;
        let mut matches = Vec::new();
        for (rank, hit) in hits.into_iter().enumerate() {
            let unit: Unit = serde_json::from_slice(&hit.payload)?;
            let Some(source) = unit.variants.get(source_key) else {
                continue;
            };
            let targets: BTreeMap<String, String> = unit
                .variants
                .iter()
                .filter(|(key, _)| {
                    key.as_str() != source_key
                        && (query.targets.is_empty()
                            || query.targets.iter().any(|t| t.key() == key.as_str()))
                })
                .map(|(_, v)| (v.lang.clone(), v.text.clone()))
                .collect();
            if targets.is_empty() {
                continue;
            }
            let stored_tokens = tokenize(&query.source, &source.text);
            // Skip what cannot reach min_score or beat the `limit` best found so far.
            let bar = (query.min_score as f32).max(if matches.len() >= query.limit {
                kth_best(&matches, query.limit)
            } else {
                0.0
            });
            if similarity_upper_bound(&stored_tokens, &profile) < bar {
                continue;
            }
            let alignment = align_profiled(&stored_tokens, &profile);
            let similarity = similarity(&alignment);
            let score = match_score(&source.text, &text, similarity);
            if score < query.min_score {
                continue;
            }
            matches.push((
                rank,
                Match {
                    score,
                    similarity,
                    source_text: source.text.clone(),
                    targets,
                    unit,
                },
            ));
        }
        matches.sort_by(|(rank_a, a), (rank_b, b)| {
            b.score
                .cmp(&a.score)
                .then(b.similarity.total_cmp(&a.similarity))
                .then(rank_a.cmp(rank_b))
        });
        Ok(matches
            .into_iter()
            .map(|(_, m)| m)
            .take(query.limit)
            .collect())
    }
}
