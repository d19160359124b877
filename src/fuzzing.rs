//! What the fuzz targets in `fuzz/` run: one function per parser or algorithm that takes
//! arbitrary bytes, and checks what must hold for every input beyond "does not panic".
//!
//! The functions live in the library, not in `fuzz/`, so that the stable test
//! `tests/api/fuzz_corpus.rs` replays every committed corpus and crash file through the same
//! code the fuzzers ran: a crash found once stays fixed without a nightly build in CI.

use crate::model::lang::Lang;
use crate::model::stream::Item;
use crate::model::unit::Unit;

/// What a target runs on one input.
pub type Target = fn(&[u8]);

/// Every target: its name (the directory under `fuzz/corpus/`) and its function.
pub const TARGETS: &[(&str, Target)] = &[
    ("tmx", tmx),
    ("tsv", tsv),
    ("xliff", xliff),
    ("html", html),
    ("article", article),
    ("requests", requests),
    ("sentences", sentences),
    ("score", score),
    ("ftl", ftl),
    ("wire", wire),
];

/// The languages a target picks from with its first byte.
const LANGS: [&str; 5] = ["en", "hy", "az", "ru", "und"];

fn lang_of(byte: u8) -> Lang {
    Lang::parse(LANGS[byte as usize % LANGS.len()]).unwrap_or_else(|_| Lang::undetermined())
}

/// Splits fuzz input in two texts at the first `0xFF` byte (never part of UTF-8).
fn two_texts(data: &[u8]) -> (String, String) {
    let at = data.iter().position(|&b| b == 0xFF).unwrap_or(data.len());
    let first = String::from_utf8_lossy(&data[..at]).into_owned();
    let second = String::from_utf8_lossy(data.get(at + 1..).unwrap_or(&[])).into_owned();
    (first, second)
}

/// Reads a file of `kind`; the units it yields, when it parsed to the end.
fn read_units(kind: crate::formats::FileKind, data: &[u8]) -> Option<Vec<Unit>> {
    let max = crate::model::unit::MAX_TEXT_CHARS;
    let items = kind.read(std::io::Cursor::new(data.to_vec()), max).ok()?;
    let mut units = Vec::new();
    for item in items {
        match item {
            Ok(Item::Unit(unit)) => units.push(*unit),
            Ok(Item::Skipped(skip)) => assert!(!skip.reason.is_empty(), "a skip says why"),
            Err(error) => {
                assert!(!error.to_string().is_empty(), "an error says what");
                return None;
            }
        }
    }
    Some(units)
}

/// What a writer wrote, read again: it must read to the end.
fn read_back(kind: crate::formats::FileKind, bytes: &[u8]) -> Vec<Unit> {
    read_units(kind, bytes).unwrap_or_else(|| {
        panic!(
            "the {kind:?} written does not read back:\n{}",
            String::from_utf8_lossy(bytes)
        )
    })
}

/// The texts of the units with at least `min_variants` variants, unit by unit.
fn texts(units: &[Unit], min_variants: usize) -> Vec<Vec<String>> {
    units
        .iter()
        .filter(|u| u.variants.len() >= min_variants)
        .map(|u| u.variants.values().map(|v| v.text.clone()).collect())
        .collect()
}

/// Whatever a reader takes, the TMX writer writes a file that reads back to as many units
/// with the same texts: every export is well-formed whatever was stored.
fn assert_tmx_round_trip(units: &[Unit]) {
    let mut writer = crate::formats::tmx::TmxWriter::start(Vec::new(), "*all*").unwrap();
    for unit in units {
        writer.unit(unit, |_| true).unwrap();
    }
    let bytes = writer.finish().unwrap();
    let back = read_back(crate::formats::FileKind::Tmx, &bytes);
    assert_eq!(
        // A unit of one variant is left out of a TMX file.
        texts(units, 2),
        texts(&back, 2),
        "the TMX written reads back otherwise"
    );
}

/// The TMX reader (with the encoding sniffing in front of it), then the writer.
pub fn tmx(data: &[u8]) {
    if let Some(units) = read_units(crate::formats::FileKind::Tmx, data) {
        assert_tmx_round_trip(&units);
    }
}

/// The TSV reader, then the TSV writer: what it writes reads back to the same texts.
pub fn tsv(data: &[u8]) {
    let Some(units) = read_units(crate::formats::FileKind::Tsv, data) else {
        return;
    };
    assert_tmx_round_trip(&units);
    // The writer's columns are matching keys, as an export gives them.
    let mut columns: Vec<String> = units
        .iter()
        .flat_map(|u| u.variants.keys().cloned())
        .collect();
    columns.sort();
    columns.dedup();
    if columns.is_empty() {
        return;
    }
    // The one ambiguity the reader settles as text (see the TSV reader): a cell that holds a
    // tab before a line break, in a line that then fills the header's columns exactly, reads
    // as the news quotation it looks like. What is written must then read, not read the same.
    let ambiguous = columns.len() > 1
        && units.iter().any(|unit| {
            unit.variants.values().any(|variant| {
                let first_line = variant.text.split(['\n', '\r']).next().unwrap_or("");
                first_line.len() < variant.text.len() && first_line.contains('\t')
            })
        });
    let mut writer = crate::formats::tsv::TsvWriter::start(Vec::new(), columns).unwrap();
    for unit in &units {
        writer.unit(unit).unwrap();
    }
    let bytes = writer.finish().unwrap();
    let back = read_back(crate::formats::FileKind::Tsv, &bytes);
    if ambiguous {
        return;
    }
    assert_eq!(
        texts(&units, 1),
        texts(&back, 1),
        "the TSV written reads back otherwise"
    );
}

/// The XLIFF 1.2 / 2.x reader, then the TMX writer.
pub fn xliff(data: &[u8]) {
    if let Some(units) = read_units(crate::formats::FileKind::Xliff, data) {
        assert_tmx_round_trip(&units);
    }
}

/// An article body as HTML: blocks of text with inline codes, and the safe HTML they are
/// shown as, which parses back to the same blocks' text.
pub fn html(data: &[u8]) {
    let source = String::from_utf8_lossy(data);
    let blocks = crate::formats::html::blocks(&source);
    for block in &blocks {
        let safe = crate::formats::html::to_safe_html(&block.tagged);
        let again = crate::formats::html::blocks(&safe);
        let text: String = again
            .iter()
            .map(|b| b.tagged.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            crate::model::text::fold_whitespace(&text),
            crate::model::text::fold_whitespace(&block.tagged.text),
            "the safe HTML of a block reads back otherwise: {safe}"
        );
    }
}

/// An article as the API takes it (JSON), validated, segmented and aligned.
pub fn article(data: &[u8]) {
    crate::http::fuzz::article(data);
}

/// Every JSON request body type, parsed as the extractor parses it and validated into the
/// engine's types; the first byte picks the type.
pub fn requests(data: &[u8]) {
    crate::http::fuzz::requests(data);
}

/// The sentence splitter: sentences in order, offsets in chars, and the text between them
/// white space, so the sentences and the gaps give back the input.
pub fn sentences(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    for sentence in crate::text::sentences::split(&lang_of(first), &text) {
        assert!(
            sentence.start >= at && sentence.end > sentence.start,
            "{sentence:?}"
        );
        assert!(sentence.end <= chars.len(), "{sentence:?} past the end");
        assert!(
            chars[at..sentence.start]
                .iter()
                .all(|&c| crate::model::text::is_space(c)),
            "text between sentences is lost before {sentence:?}"
        );
        let piece: String = chars[sentence.start..sentence.end].iter().collect();
        assert_eq!(piece, sentence.text, "offsets of {sentence:?}");
        at = sentence.end;
    }
    assert!(
        chars[at..].iter().all(|&c| crate::model::text::is_space(c)),
        "the tail is lost"
    );
}

/// The score of two arbitrary texts (any lengths): within 0–100, below its upper bound, 100
/// only for the same text, and a text against itself is 100; rescoring above a wanted
/// similarity gives the same answer at or below it, and gives up only above it.
pub fn score(data: &[u8]) {
    use crate::memory::score::{
        match_score, rescore, rescore_above, score_upper_bound, QueryProfile,
    };
    use crate::text::tokens::tokenize;
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let lang = lang_of(first);
    let (stored, query) = two_texts(rest);
    let (stored, query) = (
        crate::model::text::nfc(&stored).into_owned(),
        crate::model::text::nfc(&query).into_owned(),
    );
    let stored_tokens = tokenize(&lang, &stored);
    let query_tokens = tokenize(&lang, &query);
    let profile = QueryProfile::new(&query_tokens);
    let rescored = rescore(&stored_tokens, &profile);
    let (alignment, sim) = (rescored.alignment, rescored.similarity);
    assert!((0.0..=100.0).contains(&sim), "similarity {sim}");
    assert!(
        (0.0..=100.0).contains(&rescored.chars),
        "chars {}",
        rescored.chars
    );
    let bound = score_upper_bound(&stored_tokens, &profile);
    assert!(
        bound + 1e-3 >= sim,
        "upper bound {bound} below the similarity {sim}"
    );
    for wanted in [sim - 1.0, sim + 1.0] {
        match rescore_above(&stored_tokens, &profile, wanted) {
            Some(above) => assert_eq!(above.similarity, sim, "above {wanted}"),
            None => assert!(sim < wanted, "gave up above {wanted} on {sim}"),
        }
    }
    let placeholders = alignment
        .placeholder_changes(&stored_tokens, &query_tokens)
        .is_some();
    let score = match_score(&stored, &query, sim, placeholders);
    assert!(score <= 100);
    if score == 100 {
        assert!(
            crate::model::text::same_text(&stored, &query),
            "100 for different texts"
        );
    }
    let own = QueryProfile::new(&stored_tokens);
    let itself = rescore(&stored_tokens, &own).similarity;
    assert_eq!(match_score(&stored, &stored, itself, false), 100);
}

/// The `.ftl` loader (its problems with their lines), then every message formatted.
pub fn ftl(data: &[u8]) {
    crate::l10n::load::fuzz(data);
}

/// The connection adapter in front of actix-http: fed in any pieces, it gives the same
/// bytes as fed whole, and bytes with nothing above 0x7F pass unchanged.
pub fn wire(data: &[u8]) {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let whole = crate::http::wire::rewrite_reads(rest, &[rest.len()]);
    let step = (cut as usize % 7) + 1;
    let pieces: Vec<usize> = (0..rest.len())
        .step_by(step)
        .skip(1)
        .chain([rest.len()])
        .collect();
    let split = crate::http::wire::rewrite_reads(rest, &pieces);
    assert_eq!(whole, split, "the rewrite depends on how the bytes arrive");
    if rest.iter().all(|&b| b < 0x80) {
        assert_eq!(whole, rest, "ASCII input was rewritten");
    }
    assert!(whole.len() >= rest.len(), "bytes were lost in the rewrite");
    let _ = crate::http::wire::rewrite_writes(rest);
}
