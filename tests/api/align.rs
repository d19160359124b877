//! The sentence aligner on an article written for the project (tests/fixtures/align), as a
//! library call and through `tetraglot align`, whose TMX is read back.

use std::path::{Path, PathBuf};
use std::process::Command;

use tetraglot::align::{align, plain_text_sentences, Params, Side};
use tetraglot::model::lang::Lang;

use crate::common::read_tmx;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/align")
        .join(name)
}

#[test]
fn the_article_aligns_with_its_merge_and_its_missing_sentence() {
    let (en, ru) = (Lang::parse("en").unwrap(), Lang::parse("ru").unwrap());
    let src = plain_text_sentences(
        &en,
        &std::fs::read_to_string(fixture("bridge.en.txt")).unwrap(),
    );
    let tgt = plain_text_sentences(
        &ru,
        &std::fs::read_to_string(fixture("bridge.ru.txt")).unwrap(),
    );
    assert_eq!((src.len(), tgt.len()), (9, 7), "{src:#?}\n{tgt:#?}");
    let params = Params::default();
    let beads = align(
        &Side {
            lang: &en,
            sentences: &src,
        },
        &Side {
            lang: &ru,
            sentences: &tgt,
        },
        &params,
    );
    let pairs: Vec<(Vec<usize>, Vec<usize>)> = beads
        .iter()
        .map(|b| (b.source.clone(), b.target.clone()))
        .collect();
    let expected: Vec<(Vec<usize>, Vec<usize>)> = vec![
        (vec![0], vec![0]),
        (vec![1], vec![1]),
        (vec![2], vec![2]),
        (vec![3, 4], vec![3]),
        (vec![5], vec![4]),
        (vec![6], vec![5]),
        (vec![7], vec![]),
        (vec![8], vec![6]),
    ];
    assert_eq!(pairs, expected);
    let review: Vec<bool> = beads.iter().map(|b| b.needs_review(&params)).collect();
    assert!(
        review[3] && review[6],
        "the merge and the gap are for review: {beads:?}"
    );
    assert!(
        beads[1].confidence > 0.8 && beads[2].confidence > 0.8,
        "names and numbers make a pair sure: {beads:?}"
    );
}

#[test]
fn the_align_command_writes_tmx_with_the_alignment_state() {
    let out = tempfile::tempdir().unwrap();
    let tmx = out.path().join("bridge.tmx");
    let run = Command::new(env!("CARGO_BIN_EXE_tetraglot"))
        .args(["align", "--from", "en", "--to", "ru"])
        .arg(fixture("bridge.en.txt"))
        .arg(fixture("bridge.ru.txt"))
        .arg("--tmx")
        .arg(&tmx)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let units = read_tmx(&std::fs::read(&tmx).unwrap());
    assert_eq!(units.len(), 7, "one unit per bead with both sides");
    let merged = units
        .iter()
        .find(|u| u.variants["en"].text.starts_with("Construction began"))
        .unwrap();
    assert_eq!(
        merged.variants["en"].text,
        "Construction began in 2023. About 600 workers took part."
    );
    assert!(merged.variants["ru"]
        .text
        .starts_with("Строительство началось"));
    let state = |u: &tetraglot::model::unit::Unit| {
        u.meta
            .props
            .iter()
            .find(|p| p.kind == "x-alignment")
            .map(|p| p.value.clone())
    };
    assert_eq!(state(merged).as_deref(), Some("review"));
    assert_eq!(state(&units[1]).as_deref(), Some("auto"));
    assert_eq!(units[0].meta.document.as_deref(), Some("bridge.en"));
    assert_eq!(
        units[1].meta.prev.as_deref(),
        Some(units[0].id.as_str()),
        "neighbours linked"
    );

    // Without --tmx it prints the beads, marking those to review.
    let printed = Command::new(env!("CARGO_BIN_EXE_tetraglot"))
        .args(["align", "--from", "en", "--to", "ru"])
        .arg(fixture("bridge.en.txt"))
        .arg(fixture("bridge.ru.txt"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(printed.stdout).unwrap();
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("? ") && l.contains("2-1")),
        "{stdout}"
    );
    let stderr = String::from_utf8(printed.stderr).unwrap();
    assert!(stderr.contains("8 beads"), "{stderr}");
}
