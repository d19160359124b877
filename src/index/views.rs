//! What a read of one commit needs beside its searcher, worked out once per commit.
//!
//! Each commit's [`View`] holds what it hides (an open import's units, see `staged`) and a
//! reader of each segment's doc store (`stores`), worked out by the commit's first read.
//! [`Views`] is a tantivy `Warmer` for the one thing a warmer is told: which commits no
//! searcher holds any more, whose views (and the mapped files of their merged-away segments)
//! then go.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::{Searcher, SearcherGeneration, Warmer};

use super::schema::Fields;
use super::staged::Hidden;
use super::stores::Stores;
use super::IndexError;

/// How many decompressed doc store blocks each segment's reader keeps.
pub(super) const DOC_STORE_CACHE_BLOCKS: usize = 256;

/// What a read sees: a commit, what it hides, and its doc stores.
pub(super) struct View {
    pub(super) searcher: Searcher,
    pub(super) hidden: Arc<Hidden>,
    pub(super) stores: Arc<Stores>,
}

/// What a [`View`] adds to its searcher.
type Parts = (Arc<Hidden>, Arc<Stores>);

/// The views of the commits some searcher still holds, by searcher generation.
pub(super) struct Views {
    fields: Fields,
    by_generation: Mutex<HashMap<u64, Parts>>,
}

impl Views {
    pub(super) fn new(fields: Fields) -> Views {
        Views {
            fields,
            by_generation: Mutex::new(HashMap::new()),
        }
    }

    /// The view of `searcher`'s commit.
    pub(super) fn of(&self, searcher: Searcher) -> Result<View, IndexError> {
        let generation = searcher.generation().generation_id();
        let known = self
            .by_generation
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&generation)
            .cloned();
        let (hidden, stores) = match known {
            Some(parts) => parts,
            None => self.work_out(&searcher)?,
        };
        Ok(View {
            searcher,
            hidden,
            stores,
        })
    }

    /// How many commits' views are kept.
    #[cfg(test)]
    pub(super) fn kept(&self) -> usize {
        self.by_generation
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    fn work_out(&self, searcher: &Searcher) -> Result<Parts, IndexError> {
        let hidden = Arc::new(Hidden::of(searcher, &self.fields)?);
        let stores = Arc::new(Stores::open(
            searcher,
            self.fields.payload,
            self.fields.lengths.map(|_| super::schema::LENGTHS),
            DOC_STORE_CACHE_BLOCKS,
        )?);
        let parts = (hidden, stores);
        self.by_generation
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(searcher.generation().generation_id(), parts.clone());
        Ok(parts)
    }
}

impl Warmer for Views {
    fn warm(&self, _searcher: &Searcher) -> tantivy::Result<()> {
        // Worked out by a commit's first read instead: an import commits every few thousand
        // units, and most of those commits are never read.
        Ok(())
    }

    fn garbage_collect(&self, live_generations: &[&SearcherGeneration]) {
        self.by_generation
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|generation, _| {
                live_generations
                    .iter()
                    .any(|live| live.generation_id() == *generation)
            });
    }
}
