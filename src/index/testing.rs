//! What the index's tests share: a unit to write, a new index, and a write job run to its
//! commit.

use std::sync::mpsc;

use super::{IndexDoc, IndexError, Mode, TmIndex};

/// A unit of id `id` holding one term, its payload the id's bytes.
pub(super) fn doc(id: &str) -> IndexDoc {
    IndexDoc {
        id: id.into(),
        payload: id.as_bytes().to_vec(),
        terms: "en:word".into(),
        grams: String::new(),
        sketch: String::new(),
        langs: vec!["en".into()],
        document: None,
        texts: Vec::new(),
        lengths: Vec::new(),
    }
}

/// A new index in `dir`, with its writer.
pub(super) fn open(dir: &tempfile::TempDir) -> TmIndex {
    TmIndex::open(
        dir.path(),
        Mode::ReadWrite {
            heap_bytes: 50_000_000,
        },
    )
    .unwrap()
}

/// Queues `job` and waits for its commit's outcome (`None`: its reply was dropped).
pub(super) fn run(
    index: &TmIndex,
    job: impl FnOnce(&mut super::WriteSession<'_>) + Send + 'static,
) -> Option<Result<(), String>> {
    let (tx, rx) = mpsc::channel();
    index
        .submit(super::Touches::Any, false, move |session| {
            job(session);
            Box::new(move |outcome: Result<(), &IndexError>| {
                let _ = tx.send(outcome.map_err(|e| e.to_string()));
            })
        })
        .unwrap();
    rx.recv().ok()
}
