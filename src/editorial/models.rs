//! What the memory teaches the aligner about each language pair an article needs (length
//! ratio, variance, word lexicon: [`crate::align::model`]), learnt from the stored units
//! once and kept until the memory has grown enough to be worth learning again.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use crate::align::{learn, PairModel};
use crate::memory::{Memory, MemoryError};
use crate::model::lang::Lang;
use crate::model::unit::Unit;

/// The most unit pairs one model is learnt from: a newsroom's vocabulary is well covered by
/// a few thousand sentences, and learning costs about 40 µs a pair.
const MAX_PAIRS: usize = 5_000;

/// The most units read while looking for pairs (a memory of other languages' units is not
/// read to its end for every article).
const MAX_VISITED: usize = 200_000;

/// A model is learnt again once the memory holds this share more units than it did.
const RELEARN_GROWTH: f64 = 0.2;

/// Models by (source key, target key), with the unit count they were learnt at (`None`:
/// too few pairs then).
type Learnt = HashMap<(String, String), (u64, Option<Arc<PairModel>>)>;

/// The process's models, shared by every article write.
#[derive(Default, Clone)]
pub struct PairModels {
    learnt: Arc<Mutex<Learnt>>,
}

impl std::fmt::Debug for PairModels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pairs = self.learnt.lock().map(|l| l.len()).unwrap_or(0);
        f.debug_struct("PairModels").field("pairs", &pairs).finish()
    }
}

/// The models of one article: by target language key.
pub type ArticleModels = BTreeMap<String, Arc<PairModel>>;

impl PairModels {
    /// The kept models. A panic elsewhere while the lock was held leaves whole entries
    /// behind (each is inserted at once), so a poisoned lock is still good to use.
    fn lock(&self) -> std::sync::MutexGuard<'_, Learnt> {
        self.learnt
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The model of `source` to each of `targets`, learnt now where none is kept or the
    /// memory has grown since. A pair the memory holds too few units of has none (the
    /// aligner then uses the languages' profiles alone).
    pub fn for_targets<'a>(
        &self,
        memory: &Memory,
        source: &Lang,
        targets: impl IntoIterator<Item = &'a Lang>,
    ) -> Result<ArticleModels, MemoryError> {
        let count = memory.unit_count();
        let targets: Vec<&Lang> = targets.into_iter().collect();
        let pair = |t: &Lang| (source.key().to_string(), t.key().to_string());
        let stale: Vec<&Lang> = {
            let learnt = self.lock();
            targets
                .iter()
                .copied()
                .filter(|t| match learnt.get(&pair(t)) {
                    None => true,
                    Some((at, _)) => count as f64 > *at as f64 * (1.0 + RELEARN_GROWTH) + 50.0,
                })
                .collect()
        };
        if !stale.is_empty() {
            let fresh = learn_from(memory, source, &stale)?;
            let mut learnt = self.lock();
            for (t, model) in stale.iter().zip(fresh) {
                learnt.insert(pair(t), (count, model.map(Arc::new)));
            }
        }
        let learnt = self.lock();
        Ok(targets
            .iter()
            .filter_map(|t| {
                let (_, model) = learnt.get(&pair(t))?;
                Some((t.key().to_string(), model.clone()?))
            })
            .collect())
    }
}

/// Whether a unit's pairing is one an editor or the aligner vouches for: units an
/// alignment left for review are not taught from.
fn trusted(unit: &Unit) -> bool {
    !unit
        .meta
        .props
        .iter()
        .any(|p| p.kind == "x-alignment" && p.value == "review")
}

/// Learns the models of `source` to each of `targets` in one pass over the units.
fn learn_from(
    memory: &Memory,
    source: &Lang,
    targets: &[&Lang],
) -> Result<Vec<Option<PairModel>>, MemoryError> {
    let mut pairs: Vec<Vec<(String, String)>> = vec![Vec::new(); targets.len()];
    let mut visited = 0;
    memory.for_each_unit(|unit| {
        visited += 1;
        if trusted(&unit) {
            if let Some(s) = unit.variants.get(source.key()) {
                for (t, found) in targets.iter().zip(pairs.iter_mut()) {
                    if found.len() >= MAX_PAIRS {
                        continue;
                    }
                    if let Some(v) = unit.variants.get(t.key()) {
                        found.push((s.text.clone(), v.text.clone()));
                    }
                }
            }
        }
        visited < MAX_VISITED && pairs.iter().any(|p| p.len() < MAX_PAIRS)
    })?;
    Ok(targets
        .iter()
        .zip(&pairs)
        .map(|(t, found)| {
            learn(
                source,
                t,
                found.iter().map(|(s, t)| (s.as_str(), t.as_str())),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::unit::{Meta, Prop, UnitId, Variant};

    fn unit(id: String, en: &str, ru: &str, review: bool) -> Unit {
        let (l_en, l_ru) = (Lang::parse("en").unwrap(), Lang::parse("ru").unwrap());
        Unit {
            id: UnitId::parse(id).unwrap(),
            variants: [
                ("en".to_string(), Variant::plain(&l_en, en)),
                ("ru".to_string(), Variant::plain(&l_ru, ru)),
            ]
            .into(),
            meta: Meta {
                props: if review {
                    vec![Prop {
                        kind: "x-alignment".into(),
                        value: "review".into(),
                        lang: None,
                    }]
                } else {
                    Vec::new()
                },
                ..Meta::default()
            },
        }
    }

    /// Sentence pairs in which `harbour`/`гавань` meet in every twentieth (a word in more
    /// than a tenth of the units tells nothing).
    fn pairs(from: usize, to: usize, review: bool) -> Vec<Unit> {
        (from..to)
            .map(|k| {
                let (en, ru) = if k % 20 == 0 {
                    (
                        format!("The harbour closed for {k} days."),
                        format!("Гавань закрылась на {k} дней."),
                    )
                } else {
                    (
                        format!("Item {k} of the list."),
                        format!("Пункт {k} списка."),
                    )
                };
                unit(format!("u{k}"), &en, &ru, review)
            })
            .collect()
    }

    #[test]
    fn a_pair_is_learnt_from_the_memory_once_and_again_when_it_has_grown() {
        let dir = tempfile::tempdir().unwrap();
        let memory = crate::editorial::scratch_memory(dir.path());
        let (en, ru, hy) = (
            Lang::parse("en").unwrap(),
            Lang::parse("ru").unwrap(),
            Lang::parse("hy").unwrap(),
        );
        let models = PairModels::default();
        // Too few units, and units left for review are not taught from.
        memory.add_units(pairs(0, 30, false)).wait().unwrap();
        memory.add_units(pairs(30, 200, true)).wait().unwrap();
        assert!(models.for_targets(&memory, &en, [&ru]).unwrap().is_empty());
        // Grown past the mark: learnt again, from the trusted units alone.
        memory.add_units(pairs(200, 300, false)).wait().unwrap();
        let learnt = models.for_targets(&memory, &en, [&ru, &hy]).unwrap();
        let model = &learnt["ru"];
        assert_eq!(model.pairs, 130);
        assert!(!learnt.contains_key("hy"), "no unit holds hy");
        let harbour = model.lexicon.anchors(&en, "A harbour.", true);
        let гавань = model.lexicon.anchors(&ru, "Гавань.", false);
        assert!(
            harbour.iter().any(|a| гавань.contains(a)),
            "{harbour:?} {гавань:?}"
        );
        // Kept while the memory has not grown by a fifth: the same model, not relearnt.
        memory.add_units(pairs(300, 310, false)).wait().unwrap();
        let again = models.for_targets(&memory, &en, [&ru]).unwrap();
        assert!(Arc::ptr_eq(model, &again["ru"]));
        memory.close();
    }
}
