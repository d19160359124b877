//! The committed fuzz corpora and regression files, replayed on stable through the functions
//! the fuzzers run (`tetraglot::fuzzing`): CI builds no fuzzer, and a crash found once stays
//! fixed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// The files of `dir`, in name order (none when it does not exist).
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .map(|e| e.expect("a readable corpus directory").path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_committed_fuzz_input_replays_without_a_failure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut failures = Vec::new();
    for (name, run) in tetraglot::fuzzing::TARGETS {
        let corpus = files(&root.join("corpus").join(name));
        assert!(
            !corpus.is_empty(),
            "fuzz/corpus/{name} is empty: every target keeps a corpus"
        );
        let regressions = files(&root.join("regressions").join(name));
        for path in corpus.iter().chain(&regressions) {
            let bytes = std::fs::read(path).expect("a readable corpus file");
            if catch_unwind(AssertUnwindSafe(|| run(&bytes))).is_err() {
                failures.push(path.display().to_string());
            }
        }
    }
    // Every target of fuzz/Cargo.toml is replayed here, and nothing else is a target.
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let mut declared: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|name| *name != "tetraglot-fuzz")
        .collect();
    let mut replayed: Vec<&str> = tetraglot::fuzzing::TARGETS
        .iter()
        .map(|(n, _)| *n)
        .collect();
    declared.sort_unstable();
    replayed.sort_unstable();
    assert_eq!(
        declared, replayed,
        "fuzz/Cargo.toml and fuzzing::TARGETS differ"
    );
    assert!(failures.is_empty(), "inputs that fail: {failures:#?}");
}
