//! Imports run beside other writes (hardening, item 13): a small write is committed while a
//! large import is still running, the import's units appear together when it ends, and an
//! import that fails, or a process killed during one, leaves nothing of it behind, whatever
//! was committed in between.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use tetraglot::index::Mode;
use tetraglot::memory::{ImportReport, MatchQuery, Memory, MemoryError, Merge, Pending};
use tetraglot::model::lang::Lang;
use tetraglot::model::stream::{FormatError, Item};
use tetraglot::model::unit::{Meta, Unit, UnitId, Variant};

/// More units than the writer commits of an import at once, so that some are committed
/// (hidden) before the import ends.
const UNITS: usize = 25_000;

fn unit(id: &str, texts: &[(&str, &str)]) -> Unit {
    let variants: BTreeMap<String, Variant> = texts
        .iter()
        .map(|(lang, text)| {
            let lang = Lang::parse(lang).unwrap();
            (lang.key().to_string(), Variant::plain(&lang, text))
        })
        .collect();
    Unit {
        id: UnitId::parse(id).unwrap(),
        variants,
        meta: Meta::default(),
    }
}

fn imported(n: usize) -> Unit {
    unit(
        &format!("imp-{n}"),
        &[
            (
                "en",
                &format!("Imported sentence number {n} about the harbour."),
            ),
            (
                "hy",
                &format!("Ներմուծված նախադասություն {n} նավահանգստի մասին։"),
            ),
        ],
    )
}

fn open(dir: &std::path::Path) -> Memory {
    Memory::open(
        dir,
        Mode::ReadWrite {
            heap_bytes: 50 << 20,
        },
    )
    .unwrap()
}

/// An import of UNITS units read from a file that then pauses until the test opens its gate
/// (a minute at most, so that a broken build fails instead of hanging; `timed_out` says
/// so), then gives `rest`. `paused` hears when the pause begins: every unit before it but
/// the last batch has then been handed to the writer.
struct PausedImport {
    import: Pending<ImportReport>,
    open_gate: mpsc::Sender<()>,
    paused: mpsc::Receiver<()>,
    timed_out: Arc<AtomicBool>,
}

fn paused_import(
    memory: &Memory,
    rest: Vec<Result<Item, FormatError>>,
    merge: Merge,
) -> PausedImport {
    let (open_gate, gate) = mpsc::channel::<()>();
    let (reached, paused) = mpsc::channel();
    let timed_out = Arc::new(AtomicBool::new(false));
    let flag = timed_out.clone();
    let pause = std::iter::once_with(move || {
        let _ = reached.send(());
        if gate.recv_timeout(Duration::from_secs(60)).is_err() {
            flag.store(true, Ordering::SeqCst);
        }
        None
    })
    .flatten();
    let items = (0..UNITS)
        .map(|n| Ok(Item::Unit(Box::new(imported(n)))))
        .chain(pause)
        .chain(rest);
    PausedImport {
        import: memory.import_with(items, merge),
        open_gate,
        paused,
        timed_out,
    }
}

fn ids_exported(memory: &Memory) -> Vec<String> {
    let mut ids = Vec::new();
    memory
        .for_each_unit(|unit| {
            ids.push(unit.id.into_string());
            true
        })
        .unwrap();
    ids.sort();
    ids
}

#[test]
fn a_small_write_is_committed_while_an_import_runs_whose_units_appear_together() {
    let dir = tempfile::tempdir().unwrap();
    let memory = open(dir.path());
    memory
        .add_units(vec![unit(
            "before",
            &[("en", "Written before the import.")],
        )])
        .wait()
        .unwrap();
    let PausedImport {
        import,
        open_gate,
        paused,
        timed_out,
    } = paused_import(&memory, vec![], Merge::Source);

    // Two small writes while the import waits for the rest of its file, the second once
    // the writer has taken most of it (and commits it, hidden, with the write). (Once: they
    // waited for the whole import, which waited for the gate.)
    for id in ["during-1", "during-2"] {
        if id == "during-2" {
            paused.recv_timeout(Duration::from_secs(60)).unwrap();
        }
        let answer = memory
            .add_units(vec![unit(id, &[("en", "Written while the import runs.")])])
            .wait()
            .unwrap();
        assert!(answer[0].created);
        assert!(
            !timed_out.load(Ordering::SeqCst),
            "the small write waited for the import"
        );
    }

    // The import's units, committed or not, are nowhere to be seen yet.
    assert_eq!(memory.unit_count(), 3);
    assert!(memory.get("imp-7").unwrap().is_none());
    assert_eq!(ids_exported(&memory), ["before", "during-1", "during-2"]);
    let (en, hy) = (Lang::parse("en").unwrap(), Lang::parse("hy").unwrap());
    let query = MatchQuery::new(
        "Imported sentence number 7 about the harbour.",
        en.clone(),
        vec![hy.clone()],
    );
    assert!(
        memory
            .find_matches(&query)
            .unwrap()
            .iter()
            .all(|m| !m.unit.id.starts_with("imp-")),
        "a lookup met a unit of the import in progress"
    );
    let languages = memory.languages().unwrap();
    assert_eq!(languages, [("en".to_string(), 3)]);

    // The rest of the file arrives: the import ends, and all of it is there at once.
    open_gate.send(()).unwrap();
    let report = import.wait().unwrap();
    assert_eq!(report.added, UNITS as u64);
    assert_eq!(memory.unit_count(), UNITS as u64 + 3);
    assert!(memory.get("imp-7").unwrap().is_some());
    assert_eq!(memory.find_matches(&query).unwrap()[0].unit.id, "imp-7");
    assert_eq!(ids_exported(&memory).len(), UNITS + 3);
    memory.close();

    // And after a restart.
    let memory = open(dir.path());
    assert_eq!(memory.unit_count(), UNITS as u64 + 3);
    assert!(memory.records("import-open").unwrap().is_empty());
    memory.close();
}

#[test]
fn an_import_that_fails_leaves_nothing_though_parts_of_it_were_committed() {
    let dir = tempfile::tempdir().unwrap();
    let memory = open(dir.path());
    // A stored unit the import would have replaced: it stays as it was.
    memory
        .add_units(vec![unit("imp-3", &[("en", "The stored version.")])])
        .wait()
        .unwrap();
    let broken = vec![Err(FormatError::malformed(
        UNITS as u64 + 2,
        "a cut-off <tu>",
    ))];
    let PausedImport {
        import,
        open_gate,
        paused,
        timed_out,
    } = paused_import(&memory, broken, Merge::Id);
    // A small write commits whatever of the import the writer has taken so far.
    paused.recv_timeout(Duration::from_secs(60)).unwrap();
    memory
        .add_units(vec![unit(
            "beside",
            &[("en", "Written beside the import.")],
        )])
        .wait()
        .unwrap();
    assert!(!timed_out.load(Ordering::SeqCst));
    open_gate.send(()).unwrap();
    match import.wait() {
        Err(MemoryError::Format(FormatError::Malformed { line, .. })) => {
            assert_eq!(line, UNITS as u64 + 2)
        }
        other => panic!("expected the file's error, got {other:?}"),
    }
    let check = |memory: &Memory| {
        assert_eq!(memory.unit_count(), 2);
        assert_eq!(ids_exported(memory), ["beside", "imp-3"]);
        let kept = memory.get("imp-3").unwrap().unwrap();
        assert_eq!(kept.variants["en"].text, "The stored version.");
        assert!(!kept.variants.contains_key("hy"));
        assert_eq!(memory.languages().unwrap(), [("en".to_string(), 2)]);
        assert!(memory.records("import-open").unwrap().is_empty());
    };
    check(&memory);
    // The next import goes through.
    let again = memory
        .import_with(
            (0..10).map(|n| Ok(Item::Unit(Box::new(imported(n))))),
            Merge::Id,
        )
        .wait()
        .unwrap();
    assert_eq!((again.added, again.merged), (9, 1));
    memory.close();
    let memory = open(dir.path());
    assert_eq!(memory.unit_count(), 11);
    memory.close();
}

/// A unit the import has staged is written by someone else meanwhile: that write waits for
/// the import and then applies on top of it, so neither is lost and no unit is doubled.
#[test]
fn a_write_to_a_unit_the_import_holds_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let memory = Arc::new(open(dir.path()));
    let PausedImport {
        import,
        open_gate,
        paused,
        timed_out,
    } = paused_import(&memory, vec![], Merge::Id);
    // A write that comes after the writer has taken imp-5 (it follows a small write that
    // was committed once the import's file had reached its pause).
    paused.recv_timeout(Duration::from_secs(60)).unwrap();
    memory
        .add_units(vec![unit("other", &[("en", "Another unit.")])])
        .wait()
        .unwrap();
    let replace = {
        let memory = memory.clone();
        std::thread::spawn(move || {
            memory
                .add_units(vec![unit("imp-5", &[("ru", "Предложение о гавани.")])])
                .wait()
        })
    };
    open_gate.send(()).unwrap();
    import.wait().unwrap();
    replace.join().unwrap().unwrap();
    assert!(!timed_out.load(Ordering::SeqCst));
    let both = memory.get("imp-5").unwrap().unwrap();
    let langs: Vec<&str> = both.variants.keys().map(String::as_str).collect();
    assert_eq!(langs, ["en", "hy", "ru"], "{both:?}");
    assert_eq!(memory.unit_count(), UNITS as u64 + 1);
    let ids = ids_exported(&memory);
    assert_eq!(ids.iter().filter(|id| *id == "imp-5").count(), 1);
    memory.close();
}

/// `kill -9` during an import that has committed part of its units: after the restart none
/// of them is there, and a reader (the CLI beside the server) never saw them.
#[test]
fn an_import_cut_by_kill_9_leaves_nothing_after_the_restart() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("big.tsv");
    let mut tsv = String::from("en\thy\n");
    for n in 0..120_000 {
        tsv.push_str(&format!(
            "Imported sentence number {n} about the harbour.\tՆախադասություն {n}։\n"
        ));
    }
    std::fs::write(&file, tsv).unwrap();
    // An empty memory first, so that its meta.json can be watched.
    open(&data).close();
    let meta = data.join("meta.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tetraglot"))
        .arg("--data-dir")
        .arg(&data)
        .arg("import")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Each commit rewrites meta.json: the import's open record, then its first units.
    let mut seen = vec![std::fs::read(&meta).unwrap()];
    let mut exited = None;
    while seen.len() < 3 {
        if let Some(status) = child.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        if let Ok(now) = std::fs::read(&meta) {
            if seen.last() != Some(&now) {
                seen.push(now);
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        exited.is_none(),
        "the import ended before it could be killed ({} commits seen)",
        seen.len()
    );
    let reader = Memory::open(&data, Mode::ReadOnly).unwrap();
    assert_eq!(reader.records("import-open").unwrap().len(), 1);
    assert_eq!(reader.unit_count(), 0, "a reader sees none of it");
    assert!(ids_exported(&reader).is_empty());
    drop(reader);
    let memory = open(&data);
    assert_eq!(memory.unit_count(), 0);
    assert!(memory.records("import-open").unwrap().is_empty());
    assert!(memory.languages().unwrap().is_empty());
    memory.close();
}

/// A reader that panics half-way fails the import. (Once: the end of its channel read as
/// the end of the file, and the units before the panic were committed as the whole import.)
#[test]
fn a_reader_that_panics_fails_the_import_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let memory = open(dir.path());
    let items = (0..1_000).map(|n| {
        if n == 700 {
            panic!("a bug in a reader");
        }
        Ok(Item::Unit(Box::new(imported(n))))
    });
    let outcome = memory.import_with(items, Merge::Id).wait();
    assert!(
        matches!(outcome, Err(MemoryError::Internal(_))),
        "{outcome:?}"
    );
    assert_eq!(memory.unit_count(), 0);
    assert!(memory.get("imp-1").unwrap().is_none());
    memory.close();
}
