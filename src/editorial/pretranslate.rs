//! An article pre-translated from the memory, as a file a translator's CAT tool opens: each
//! sentence with its best match as the target (when it reaches the threshold) and the best
//! three as candidates, grouped by paragraph, with the source's inline codes.

use crate::formats::xliff::{Candidate, Document, Segment};
use crate::memory::{MatchQuery, Memory, MemoryError};
use crate::model::lang::Lang;

use super::sentences::{Block, VersionSentence};

/// How many stored translations a segment offers besides its target.
pub const CANDIDATES: usize = 3;

/// The default threshold of a target: what CAT tools call a good fuzzy match.
pub const DEFAULT_MIN_SCORE: u32 = 75;

/// The file of one text into `target`. `article` names a stored article: its segments then
/// carry the ids its units have, so the translated file comes back into them.
pub fn pretranslate(
    memory: &Memory,
    source: &Lang,
    target: &Lang,
    article: Option<&str>,
    sentences: &[VersionSentence],
    min_score: u32,
    threads: usize,
) -> Result<Document, MemoryError> {
    let text = super::analysis::Text {
        id: article.map(str::to_string),
        sentences,
    };
    let queries: Vec<MatchQuery> = (0..sentences.len())
        .map(|i| super::analysis::query(&text, i, source, vec![target.clone()], CANDIDATES))
        .collect();
    let mut found = Vec::with_capacity(queries.len());
    for chunk in queries.chunks(MatchQuery::MAX_BATCH) {
        found.extend(memory.find_matches_batch(chunk, threads)?);
    }
    let ids: Vec<String> = match article {
        Some(id) => {
            let texts: Vec<&str> = sentences.iter().map(|s| s.text.as_str()).collect();
            let ids = super::units::sentence_unit_ids(id, &texts);
            ids.into_iter().map(String::from).collect()
        }
        None => (1..=sentences.len()).map(|k| format!("s{k}")).collect(),
    };
    let segments = sentences
        .iter()
        .zip(found)
        .zip(ids)
        .map(|((sentence, matches), id)| {
            let candidates: Vec<Candidate> = matches
                .iter()
                .filter_map(|m| {
                    let text = m.unit.variants.get(target.key())?.text.clone();
                    Some(Candidate {
                        score: m.score,
                        source: m.source_text.clone(),
                        target: m.targets.values().next().cloned().unwrap_or(text),
                        origin: m.unit.id.to_string(),
                    })
                })
                .collect();
            let target = candidates
                .first()
                .filter(|c| c.score >= min_score)
                .map(|c| (c.target.clone(), c.score >= 100));
            Segment {
                id,
                group: match sentence.block {
                    Block::Title => "title".into(),
                    Block::Lead => "lead".into(),
                    Block::Body(b) => b.to_string(),
                },
                source: sentence.text.clone(),
                codes: sentence.codes.clone(),
                target,
                candidates,
            }
        })
        .collect();
    Ok(Document {
        original: article.unwrap_or("text").to_string(),
        source: source.clone(),
        target: target.clone(),
        segments,
    })
}
