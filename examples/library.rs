//! # tetraglot as a library
//!
//! The HTTP service is one user of the engine; this example is another. It opens a memory in
//! a directory of its own, imports one of the seed TMX files, and looks a sentence up, first
//! alone and then in a batch, without any HTTP in between.
//!
//! ```sh
//! cargo run --example library
//! ```

use tetraglot::engine;
use tetraglot::formats::FileKind;
use tetraglot::index::Mode;
use tetraglot::memory::{MatchQuery, Memory};
use tetraglot::model::lang::Lang;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // # Opening a memory
    //
    // A memory is one tantivy index in one directory. `ReadWrite` starts the single writer
    // thread that every write goes through, and takes the directory's lock: a second process
    // opening it read-write is refused until this one closes. `heap_bytes` is the writer's
    // indexing budget.
    let dir = tempfile::tempdir()?;
    let memory = Memory::open(
        dir.path(),
        Mode::ReadWrite {
            heap_bytes: 64 << 20,
        },
    )?;

    // # Importing a file
    //
    // `engine::import_file` picks the reader for the format (TMX here; TSV the same way),
    // streams the file through it on a thread of its own, and writes every unit in one
    // commit: a malformed file adds nothing. It returns once the commit is durable, with a
    // report of what was read, added, merged and skipped (and why, by line).
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("memories");
    let imported = engine::import_file(
        &memory,
        &seeds.join("2026-railway.tmx"),
        FileKind::Tmx,
        None,
    )?;
    let report = imported.report;
    println!(
        "imported {} units ({} new, {} skipped)",
        report.read, report.added, report.skipped_total
    );

    // # Looking a sentence up
    //
    // A query names its text, its language and the languages wanted back; `Lang::parse`
    // validates a tag once (`hy-AM` and `hy` are one language). The memory retrieves
    // candidates from the index, scores each exactly and returns the best first, each with
    // its percentage, its targets and a word diff against the stored sentence.
    let english = Lang::parse("en")?;
    let armenian = Lang::parse("hy")?;
    let query = MatchQuery::new(
        "The first train will leave Yerevan at 08:15 and is expected to arrive in Baku at 21:30 the same day.",
        english.clone(),
        vec![armenian.clone()],
    );
    for m in memory.find_matches(&query)? {
        println!("[{}%] {}", m.score, m.source_text);
        for (tag, text) in &m.targets {
            // A sentence that differs only in numbers comes back with the query's numbers
            // already put into the translation (`adapted`).
            println!(
                "    {tag}: {text}{}",
                if m.adapted { "  (adapted)" } else { "" }
            );
        }
    }

    // # Many at once
    //
    // Pre-translating a document asks for every sentence. `find_matches_batch` looks a
    // repeated sentence up once and spreads the rest over threads; one answer per query, in
    // order.
    let sentences = [
        "Trains will run three times a week at first.",
        "Tickets go on sale on 3 March at stations and online.",
        "Trains will run three times a week at first.",
    ];
    let queries: Vec<MatchQuery> = sentences
        .iter()
        .map(|s| MatchQuery::new(*s, english.clone(), vec![armenian.clone()]))
        .collect();
    for (sentence, matches) in sentences
        .iter()
        .zip(memory.find_matches_batch(&queries, 2)?)
    {
        let best = matches.first().map_or(0, |m| m.score);
        println!("{best:>3}%  {sentence}");
    }

    // # Closing
    //
    // Closing lets queued writes commit and frees the directory's lock at once.
    memory.close();
    Ok(())
}
