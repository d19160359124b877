//! Real news (NTREX-128, 1,007 four-way units in `../shared/data`): imports with nothing
//! skipped, exports back identical, and a one-word change finds its original in every
//! direction. Skips, saying why, where the shared data is absent.

use std::collections::BTreeMap;

use crate::common::{read_tmx, shared_data, spawn_in};
use serde_json::json;
use tetraglot::model::unit::Unit;

const LANGS: [&str; 4] = ["en", "hy", "az", "ru"];

/// Words of at least four letters, as the edits below pick them.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4 && !w.chars().all(|c| c.is_ascii_digit()))
        .collect()
}

#[test]
fn ntrex_imports_exports_identical_and_matches_one_word_edits_in_every_direction() {
    let Some(path) = shared_data("ntrex-dev.tmx") else {
        return;
    };
    let original = std::fs::read(&path).unwrap();
    let units = read_tmx(&original);
    assert_eq!(units.len(), 1007);

    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let report = server
        .send("POST", "/v1/import", "application/x-tmx+xml", &original)
        .json();
    assert_eq!(report["read"], 1007, "{report}");
    assert_eq!(report["skipped"], json!([]), "{report}");
    assert_eq!(report["added"], 1007, "{report}");

    let exported = read_tmx(&server.get("/v1/export").body);
    let by_id: BTreeMap<&str, &Unit> = exported.iter().map(|u| (u.id.as_str(), u)).collect();
    assert_eq!(by_id.len(), units.len());
    for unit in &units {
        let mut exported = by_id[unit.id.as_str()].clone();
        // Neighbours in the article are linked on import (for 101% matches): that is added.
        (exported.meta.prev, exported.meta.next) = (None, None);
        assert_eq!(&exported, unit, "{} exported differently", unit.id);
    }

    // One word (the middle one of four letters or more) replaced by a word of the next unit.
    let mut tried = 0;
    let mut failures = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        let next = &units[(i + 1) % units.len()];
        for source in LANGS {
            let stored = &unit.variants[source].text;
            let candidates = words(stored);
            let replacements = words(&next.variants[source].text);
            if candidates.len() < 3 || replacements.is_empty() {
                continue; // a "one-word change" of a one- or two-word line is a new line
            }
            let target_word = candidates[candidates.len() / 2];
            let Some(other) = replacements.iter().find(|w| **w != target_word) else {
                continue;
            };
            let query = stored.replacen(target_word, other, 1);
            for target in LANGS.iter().filter(|t| **t != source) {
                tried += 1;
                let body = server
                    .post_json(
                        "/v1/match",
                        &json!({"text": query, "source": source, "targets": [target], "limit": 1}),
                    )
                    .json();
                let best = &body["matches"][0];
                // Another unit with the very same sentence is as right as the original.
                if best["source_text"] != stored.as_str() {
                    failures.push(format!("{source}→{target} {}: {query}", unit.id));
                }
            }
        }
    }
    eprintln!(
        "one-word edits: {} of {tried} found their original first",
        tried - failures.len()
    );
    assert!(tried > 11_000, "{tried}");
    assert!(
        failures.is_empty(),
        "{} misses:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
