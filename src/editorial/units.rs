//! An aligned article as translation units: one per group of source sentences, holding each
//! version's sentences aligned to them, with the article's metadata, linked in reading order.

use crate::model::time::Timestamp;
use std::collections::BTreeMap;

use crate::align::Params;
use crate::model::inline::join_markup;
use crate::model::unit::{link_neighbours, Meta, Prop, Unit, UnitId, Variant, MAX_ID_BYTES};

use super::alignment::ArticleBead;
use super::article::Article;
use super::sentences::VersionSentence;

/// One aligned version: its sentences and its beads against the source.
pub struct AlignedVersion<'a> {
    pub sentences: &'a [VersionSentence],
    pub beads: &'a [ArticleBead],
}

/// Groups of source sentences that no version's bead splits, in reading order: a unit holds
/// one group, so an hy 2-1 merge makes one unit of two en sentences for every language.
fn groups(sources: usize, versions: &BTreeMap<String, AlignedVersion<'_>>) -> Vec<Vec<usize>> {
    // Union-find over source sentences.
    let mut parent: Vec<usize> = (0..sources).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for version in versions.values() {
        for bead in version.beads {
            for pair in bead.source.windows(2) {
                let (a, b) = (root(&mut parent, pair[0]), root(&mut parent, pair[1]));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..sources {
        let r = root(&mut parent, i);
        by_root.entry(r).or_default().push(i);
    }
    let mut out: Vec<Vec<usize>> = by_root.into_values().collect();
    out.sort_by_key(|g| g[0]);
    out
}

fn joined(sentences: &[VersionSentence], indices: &[usize]) -> (String, Option<String>) {
    let parts: Vec<(&str, Option<&str>)> = indices
        .iter()
        .map(|&i| (sentences[i].text.as_str(), sentences[i].markup.as_deref()))
        .collect();
    let text = parts.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(" ");
    (text, join_markup(&parts))
}

/// The stable id of a group's unit: the article and a hash of its source text, so that
/// re-aligning an article keeps the ids of the sentences that did not change.
/// An article id is at most 200 short characters, and a longer one is hashed, so the id
/// always keeps the unit-id rule.
fn unit_id(article: &str, source_text: &str, taken: &mut BTreeMap<String, usize>) -> UnitId {
    let hash = crate::model::text::folded_hash(source_text);
    let prefix = if article.len() + 30 <= MAX_ID_BYTES {
        article.to_string()
    } else {
        format!("{:016x}", xxhash_rust::xxh3::xxh3_64(article.as_bytes()))
    };
    let base = format!("{prefix}~{hash:016x}");
    // The same sentence twice in one article: the second is `~…-2`.
    let n = taken.entry(base.clone()).or_insert(0);
    *n += 1;
    UnitId::made(if *n == 1 { base } else { format!("{base}-{n}") })
}

/// The ids the units of single sentences get, for each of `texts` in reading order (what
/// a pre-translated file names its segments, so a translation comes back to its unit).
pub fn sentence_unit_ids(article: &str, texts: &[&str]) -> Vec<UnitId> {
    let mut taken = BTreeMap::new();
    texts
        .iter()
        .map(|text| unit_id(article, text, &mut taken))
        .collect()
}

/// The units of an article: `source` is the source version's sentences, `versions` the
/// other versions by language key.
pub fn article_units(
    article: &Article,
    source: &[VersionSentence],
    versions: &BTreeMap<String, AlignedVersion<'_>>,
    params: &Params,
) -> Vec<Unit> {
    let source_lang = &article.source;
    let mut taken = BTreeMap::new();
    let author = (!article.authors.is_empty()).then(|| article.authors.join(", "));
    let mut units: Vec<Unit> = groups(source.len(), versions)
        .into_iter()
        .map(|group| {
            let mut variants = BTreeMap::new();
            let (text, markup) = joined(source, &group);
            let id = unit_id(&article.id, &text, &mut taken);
            let mut variant = Variant::plain(source_lang, &text);
            variant.markup = markup;
            variant.lang = article.versions[source_lang.key()].lang.tag().to_string();
            variants.insert(source_lang.key().to_string(), variant);
            let mut review = false;
            let mut all_confirmed = true;
            let mut confidence = 1.0f32;
            for (key, version) in versions {
                let beads: Vec<&ArticleBead> = version
                    .beads
                    .iter()
                    .filter(|b| b.source.iter().any(|i| group.contains(i)))
                    .collect();
                let mut targets: Vec<usize> = beads
                    .iter()
                    .flat_map(|b| b.target.iter().copied())
                    .collect();
                targets.sort_unstable();
                for bead in &beads {
                    review |= bead.needs_review(params);
                    all_confirmed &= bead.confirmed;
                    confidence = confidence.min(bead.confidence);
                }
                if targets.is_empty() {
                    continue;
                }
                let (text, markup) = joined(version.sentences, &targets);
                let lang = &article.versions[key].lang;
                let mut variant = Variant::plain(lang, &text);
                variant.markup = markup;
                variants.insert(key.clone(), variant);
            }
            let state = if review {
                "review"
            } else if all_confirmed && !versions.is_empty() {
                "confirmed"
            } else {
                "auto"
            };
            let prop = |kind: &str, value: String| Prop {
                kind: kind.into(),
                value,
                lang: None,
            };
            let mut props = vec![
                prop("x-alignment", state.into()),
                prop("x-alignment-confidence", format!("{confidence:.2}")),
            ];
            if let Some(section) = &article.section {
                props.insert(0, prop("x-section", section.clone()));
            }
            let meta = Meta {
                document: Some(article.id.to_string()),
                outlet: article.outlet.clone(),
                author: author.clone(),
                // The article's times were made canonical when it was validated.
                created: article.published.as_deref().and_then(Timestamp::parse),
                changed: article
                    .updated
                    .as_deref()
                    .or(article.published.as_deref())
                    .and_then(Timestamp::parse),
                props,
                ..Meta::default()
            };
            Unit { id, variants, meta }
        })
        .collect();
    link_neighbours(&mut units);
    units
}
