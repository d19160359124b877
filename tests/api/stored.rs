//! Data directories outlive releases: one written before the format was recorded still
//! opens and serves, and one in a newer format is refused with a clear message.

use std::path::Path;

use serde_json::json;
use tetraglot::index::Mode;
use tetraglot::memory::Memory;

use crate::common::{read_tmx, seed_dir, spawn_in};

/// A copy of `tests/fixtures/data-v1` (opening takes the directory's lock and records its
/// format, so the committed fixture is never opened in place).
fn fixture_copy() -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data-v1");
    let to = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&from).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.path().join(path.file_name().unwrap())).unwrap();
    }
    to
}

#[test]
fn a_directory_written_before_format_versions_opens_and_serves() {
    let dir = fixture_copy();
    let server = spawn_in(dir.path(), |_| {});
    assert_eq!(server.get("/health").json()["units"], 25);
    let expected: Vec<_> = ["2026-central-bank.tmx", "2026-energy-forum.tmx"]
        .iter()
        .flat_map(|f| read_tmx(&std::fs::read(seed_dir().join(f)).unwrap()))
        .collect();
    for unit in &expected {
        let stored = server.get(&format!("/v1/units/{}", unit.id));
        assert_eq!(stored.status, 200, "{}", unit.id);
        let body = stored.json();
        for variant in unit.variants.values() {
            assert_eq!(body["variants"][&variant.lang], variant.text.as_str());
            if let Some(markup) = &variant.markup {
                assert_eq!(body["markup"][&variant.lang], markup.as_str());
            }
        }
        assert_eq!(
            body["meta"]["document"],
            unit.meta.document.as_deref().unwrap()
        );
    }
    assert!(expected
        .iter()
        .any(|u| u.variants.values().any(|v| v.markup.is_some())));
    let en = &expected[0].variants["en"].text;
    let found = server.post_json(
        "/v1/match",
        &json!({"text": en, "source": "en", "targets": ["hy"]}),
    );
    assert_eq!(found.json()["matches"][0]["score"], 100);
    server.stop();
    let marker = std::fs::read_to_string(dir.path().join("FORMAT")).unwrap();
    assert_eq!(
        marker.trim(),
        "tetraglot data format 1",
        "the format is recorded"
    );
}

#[test]
fn a_newer_format_is_refused_with_what_to_do() {
    let dir = fixture_copy();
    std::fs::write(dir.path().join("FORMAT"), "tetraglot data format 99\n").unwrap();
    let refused = Memory::open(dir.path(), Mode::ReadOnly)
        .err()
        .expect("refused")
        .to_string();
    assert!(
        refused.contains("format 99") && refused.contains("newer"),
        "{refused}"
    );
}
