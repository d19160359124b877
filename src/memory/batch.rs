//! Many lookups at once, for pre-translating a document: a sentence repeated without
//! context is looked up once, and the lookups run on several threads, each taking the next
//! query when it is done with one. Results come back in the queries' order.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Match, MatchQuery, Memory, MemoryError};

impl MatchQuery {
    /// The most queries one [`Memory::find_matches_batch`] takes.
    pub const MAX_BATCH: usize = 100;
}

impl Memory {
    /// Looks up every query (at most [`MatchQuery::MAX_BATCH`]) on up to `threads` threads;
    /// one list of matches per query, in order. Blocks.
    pub fn find_matches_batch(
        &self,
        queries: &[MatchQuery],
        threads: usize,
    ) -> Result<Vec<Vec<Match>>, MemoryError> {
        if queries.len() > MatchQuery::MAX_BATCH {
            return Err(MemoryError::InvalidQuery(format!(
                "{} queries in one batch; the most is {}",
                queries.len(),
                MatchQuery::MAX_BATCH
            )));
        }
        // Each distinct query once: a repeat without context shares the first one's answer.
        let mut unique: Vec<&MatchQuery> = Vec::with_capacity(queries.len());
        let mut first_of: HashMap<&str, usize> = HashMap::new();
        let slots: Vec<usize> = queries
            .iter()
            .map(|query| {
                if query.context.is_none() {
                    if let Some(&at) = first_of.get(query.text.as_str()) {
                        return at;
                    }
                    first_of.insert(&query.text, unique.len());
                }
                unique.push(query);
                unique.len() - 1
            })
            .collect();
        let next = AtomicUsize::new(0);
        let workers = threads.clamp(1, unique.len().max(1));
        let mut found: Vec<Option<Vec<Match>>> = vec![None; unique.len()];
        std::thread::scope(|scope| -> Result<(), MemoryError> {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| -> Result<Vec<(usize, Vec<Match>)>, MemoryError> {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(query) = unique.get(i) else {
                                return Ok(done);
                            };
                            done.push((i, self.find_matches(query)?));
                        }
                    })
                })
                .collect();
            for handle in handles {
                let done = handle
                    .join()
                    .map_err(|_| MemoryError::Internal("a batch lookup panicked".into()))??;
                for (i, matches) in done {
                    found[i] = Some(matches);
                }
            }
            Ok(())
        })?;
        slots
            .into_iter()
            .map(|at| {
                found[at]
                    .clone()
                    .ok_or_else(|| MemoryError::Internal("a batch lookup went missing".into()))
            })
            .collect()
    }
}
