//! The engine without HTTP: what the service does, a library user can do the same way.

use tetraglot::engine;
use tetraglot::formats::FileKind;
use tetraglot::index::Mode;
use tetraglot::memory::{MatchQuery, Memory, MemoryError};
use tetraglot::model::lang::Lang;

use crate::common::seed_dir;

#[test]
fn import_lookup_and_batch_through_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let memory = Memory::open(
        dir.path(),
        Mode::ReadWrite {
            heap_bytes: 50 << 20,
        },
    )
    .unwrap();
    let imported = engine::import_file(
        &memory,
        &seed_dir().join("2026-railway.tmx"),
        FileKind::Tmx,
        None,
    )
    .unwrap();
    assert_eq!(imported.report.added, 12);
    assert!(imported.optimize.is_none(), "small imports are not merged");
    let (en, hy) = (Lang::parse("en").unwrap(), Lang::parse("hy").unwrap());
    let text = "Tickets go on sale on 3 March at stations and online.";
    let query = MatchQuery::new(text, en.clone(), vec![hy.clone()]);
    assert_eq!(memory.find_matches(&query).unwrap()[0].score, 100);
    // The library refuses nothing silently and panics on nothing the edge would refuse.
    let none = MatchQuery {
        limit: 0,
        ..query.clone()
    };
    assert!(memory.find_matches(&none).unwrap().is_empty());

    let other = MatchQuery::new("Completely unrelated words.", en.clone(), vec![hy.clone()]);
    let batch = [query.clone(), other, query.clone()];
    let answers = memory.find_matches_batch(&batch, 2).unwrap();
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0][0].unit.id, answers[2][0].unit.id);
    assert!(answers[1].is_empty());
    let too_many = vec![query; MatchQuery::MAX_BATCH + 1];
    assert!(matches!(
        memory.find_matches_batch(&too_many, 2),
        Err(MemoryError::InvalidQuery(_))
    ));
    memory.close();
}
