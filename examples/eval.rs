//! Matching quality on two real development sets, tetraglot beside three exhaustive
//! baselines in the same run.
//!
//! * **NTREX** (a TSV `doc_id en hy az ru` of four-way news): every sentence edited five ways —
//!   a word substituted, a word dropped, an ending changed, a number changed, case and
//!   punctuation changed — and each edit looked up in the three directions from its language.
//!   Also counts how many number edits were adapted into every target correctly.
//! * **UI strings** (`ui-dev/`: `units.tsv` and `queries.tsv`, see its README): software
//!   strings with six kinds of edits and `natural_package`, another translator's rendering of
//!   the same English — real variation.
//!
//! For every query, beside tetraglot's answer (`Memory::find_matches`, limit 1, min_score 0):
//!
//! * **formula, exhaustive**: tetraglot's own score applied to every unit holding both
//!   languages (the best retrieval could do); *recall* is how often that unit (or one with its
//!   source text) is among the candidates retrieval hands to rescoring;
//! * **word Levenshtein, exhaustive**: edit distance over the words (lower-cased tokens),
//!   normalised by the longer sentence;
//! * **char ratio, exhaustive**: rapidfuzz's `fuzz::ratio` over the lower-cased text, the
//!   character-level similarity amaGama and Weblate rank with.
//!
//! A baseline's ties go to the unit that comes first in the file. A hit on NTREX is the edited
//! sentence's own text; on the UI set a text equal to the expected unit's up to case,
//! punctuation, spacing and the mnemonic marks `_` and `&` (the set's README).
//!
//! ```sh
//! cargo run --release --example eval -- --ntrex ../shared/data/ntrex-dev.tsv \
//!     --ui ../shared/data/ui-dev [--every N] [--kind K] [--scale FILE.tmx] [--keep DIR] [--show]
//! ```
//!
//! `--every N` keeps every N-th query and `--kind K` one kind (a quick look while
//! developing); `--scale FILE.tmx` imports a large memory (`../shared/bench`'s generator)
//! before each set, so tetraglot answers among its units too; `--keep DIR` keeps each set's
//! memory in `DIR/ntrex` and `DIR/ui` and, when one is there already, answers from it
//! without importing (comparing builds on one large memory); `--show` prints the first
//! misses of tetraglot where a baseline was right, and the first queries whose best unit by
//! the formula retrieval did not find.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rapidfuzz::fuzz::RatioBatchComparator;
use tetraglot::formats::FileKind;
use tetraglot::index::Mode;
use tetraglot::memory::score::QueryProfile;
use tetraglot::memory::score::{dp_distance, match_score, rescore, score_upper_bound};
use tetraglot::memory::{MatchQuery, Memory};
use tetraglot::model::lang::Lang;
use tetraglot::text::{nfc, tokenize, Token, TokenKind};

const LANGS: [&str; 4] = ["en", "hy", "az", "ru"];
const NTREX_KINDS: [&str; 5] = ["substitute", "drop", "ending", "number", "case+punct"];
const SYSTEMS: [&str; 4] = [
    "tetraglot",
    "formula, exhaustive",
    "word Levenshtein, exhaustive",
    "char ratio, exhaustive",
];

/// A word of at least `min` letters, as the edits pick them.
fn words(text: &str, min: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if text[s..i].chars().count() >= min {
                    out.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// A different ending for a word, in the way its language inflects.
fn new_ending(lang: &str, word: &str) -> String {
    let endings: &[&str] = match lang {
        "ru" => &["ами", "ой", "ы", "ого"],
        "hy" => &["ի", "ով", "ը", "ում"],
        "az" => &["da", "nın", "lar", "dan"],
        _ => &["s", "ed", "ing", "er"],
    };
    let chars: Vec<char> = word.chars().collect();
    let stem: String = chars[..chars.len() - 1].iter().collect();
    let ending = endings
        .iter()
        .find(|e| !word.ends_with(**e) && !word.ends_with(e.chars().next().unwrap()))
        .unwrap();
    format!("{stem}{ending}")
}

/// The digits of every number token, separators dropped.
fn numbers(lang: &Lang, text: &str) -> Vec<String> {
    tokenize(lang, text)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Number)
        .map(|t| t.norm.chars().filter(char::is_ascii_digit).collect())
        .collect()
}

/// The edit of `kind` of `text`; `None` when the sentence does not allow it.
fn edit(
    kind: &str,
    lang: &Lang,
    text: &str,
    other: &str,
) -> Option<(String, Option<(String, String)>)> {
    let code = lang.language();
    match kind {
        "substitute" => {
            let ws = words(text, 4);
            let os = words(other, 4);
            let (s, e) = *ws.get(ws.len() / 2)?;
            let replacement = os
                .iter()
                .map(|&(a, b)| &other[a..b])
                .find(|w| *w != &text[s..e])?;
            Some((format!("{}{}{}", &text[..s], replacement, &text[e..]), None))
        }
        "drop" => {
            let ws = words(text, 4);
            if ws.len() < 4 {
                return None;
            }
            let (s, e) = ws[ws.len() / 2];
            let e = if text[e..].starts_with(' ') { e + 1 } else { e };
            Some((format!("{}{}", &text[..s], &text[e..]), None))
        }
        "ending" => {
            let (s, e) = *words(text, 6).iter().max_by_key(|(s, e)| e - s)?;
            Some((
                format!(
                    "{}{}{}",
                    &text[..s],
                    new_ending(code, &text[s..e]),
                    &text[e..]
                ),
                None,
            ))
        }
        "number" => {
            // The first number token: its last digit run goes up by one.
            let token = tokenize(lang, text)
                .into_iter()
                .find(|t| t.kind == TokenKind::Number)?;
            let chars: Vec<char> = text.chars().collect();
            let raw: String = chars[token.start..token.end].iter().collect();
            let digits_end = raw.rfind(|c: char| c.is_ascii_digit())? + 1;
            let digits_start = raw[..digits_end]
                .char_indices()
                .rev()
                .find(|(_, c)| !c.is_ascii_digit())
                .map_or(0, |(i, c)| i + c.len_utf8());
            let value: u64 = raw[digits_start..digits_end].parse().ok()?;
            let width = digits_end - digits_start;
            let bumped = format!("{:0>width$}", value + 1);
            let new_raw = format!("{}{}{}", &raw[..digits_start], bumped, &raw[digits_end..]);
            let before: String = chars[..token.start].iter().collect();
            let after: String = chars[token.end..].iter().collect();
            let old_digits: String = raw.chars().filter(char::is_ascii_digit).collect();
            let new_digits: String = new_raw.chars().filter(char::is_ascii_digit).collect();
            Some((
                format!("{before}{new_raw}{after}"),
                Some((old_digits, new_digits)),
            ))
        }
        _ => {
            // Case of the first letter flipped, final punctuation dropped, quotes swapped.
            let mut chars = text.chars();
            let first = chars.next()?;
            let flipped: String = if first.is_uppercase() {
                first.to_lowercase().collect()
            } else {
                first.to_uppercase().collect()
            };
            let rest: String = chars.collect();
            let mut edited = format!("{flipped}{rest}");
            while edited.ends_with(['.', '!', '?', ':', '։', '…']) {
                edited.pop();
            }
            let edited = edited.replace(['«', '»', '“', '”'], "\"");
            (edited != text).then_some((edited, None))
        }
    }
}

/// One unit of a set: its text per language (absent languages left out).
struct Row {
    texts: BTreeMap<String, String>,
}

/// A unit's text in one language, prepared once for the exhaustive baselines.
struct Prepared {
    tokens: Vec<Token>,
    /// The words (not punctuation) as interned ids, for word-level Levenshtein.
    words: Vec<u32>,
    /// The lower-cased text, for the char ratio.
    lower: String,
}

/// One lookup: its edit kind, direction, text and the row it was made from.
struct Query {
    kind: String,
    source: &'static str,
    target: &'static str,
    text: String,
    expected: usize,
    numbers_changed: Option<(String, String)>,
}

/// The top-1 of each system for one query: the row index of its answer (`None`: nothing),
/// and whether the exhaustive formula's best was among the candidates.
struct Answers {
    tetraglot: Option<String>,
    adapted_target: Option<(bool, String)>,
    formula: Option<usize>,
    word: Option<usize>,
    chars: Option<usize>,
    recalled: bool,
}

struct Set {
    name: &'static str,
    /// Hits compare texts loosely (UI strings) or exactly (NTREX).
    loose: bool,
    rows: Vec<Row>,
    memory: Memory,
    _dir: Option<tempfile::TempDir>,
    prepared: HashMap<&'static str, Vec<Option<Prepared>>>,
    /// Word ids of the units' words, for the query's.
    vocabulary: HashMap<String, u32>,
    queries: Vec<Query>,
    kinds: Vec<String>,
}

fn lang(code: &str) -> Lang {
    Lang::parse(code).unwrap()
}

/// A TSV's rows by header: the language columns, and the id or document column.
fn read_rows(path: &Path) -> (Vec<Row>, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let (mut rows, mut ids) = (Vec::new(), Vec::new());
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        let mut texts = BTreeMap::new();
        for (h, c) in header.iter().zip(&cells) {
            if LANGS.contains(h) && !c.trim().is_empty() {
                texts.insert(h.to_string(), c.to_string());
            }
        }
        ids.push(cells.first().unwrap_or(&"").to_string());
        rows.push(Row { texts });
    }
    (rows, ids)
}

/// A fresh memory holding `tsv`'s units, after those of `scale` when given (distractors: the
/// baselines still score the set's own units only, so recall then says whether retrieval
/// finds the right unit among a million others). In `keep` when given, and then as it is
/// when a memory is there already.
fn open_memory(
    tsv: &Path,
    scale: Option<&Path>,
    keep: Option<PathBuf>,
) -> (Memory, Option<tempfile::TempDir>) {
    let (path, dir) = match keep {
        Some(path) => (path, None),
        None => {
            let dir = tempfile::tempdir().unwrap();
            (dir.path().to_path_buf(), Some(dir))
        }
    };
    let existing = tetraglot::index::exists(&path);
    let memory = Memory::open(
        &path,
        Mode::ReadWrite {
            heap_bytes: 128 << 20,
        },
    )
    .unwrap();
    if existing {
        println!(
            "memory: {} units kept in {}",
            memory.unit_count(),
            path.display()
        );
        return (memory, dir);
    }
    if let Some(scale) = scale {
        let imported = tetraglot::engine::import_file(&memory, scale, FileKind::Tmx, None).unwrap();
        if let Some(optimize) = imported.optimize {
            optimize.wait().unwrap();
        }
        println!(
            "memory: {} units from {}",
            imported.report.read,
            scale.display()
        );
    }
    let report = tetraglot::engine::import_file(&memory, tsv, FileKind::Tsv, None)
        .unwrap()
        .report;
    println!("memory: {} units from {}", report.read, tsv.display());
    (memory, dir)
}

type PreparedRows = HashMap<&'static str, Vec<Option<Prepared>>>;

fn prepare(rows: &[Row]) -> (PreparedRows, HashMap<String, u32>) {
    let mut vocabulary: HashMap<String, u32> = HashMap::new();
    let mut out = HashMap::new();
    for code in LANGS {
        let l = lang(code);
        let list = rows
            .iter()
            .map(|row| {
                let text = nfc(row.texts.get(code)?).into_owned();
                let tokens = tokenize(&l, &text);
                let words = word_ids(&tokens, &mut vocabulary);
                Some(Prepared {
                    tokens,
                    words,
                    lower: text.to_lowercase(),
                })
            })
            .collect();
        out.insert(code, list);
    }
    (out, vocabulary)
}

fn word_ids(tokens: &[Token], vocabulary: &mut HashMap<String, u32>) -> Vec<u32> {
    tokens
        .iter()
        .filter(|t| t.kind != TokenKind::Punct)
        .map(|t| {
            let next = vocabulary.len() as u32;
            *vocabulary.entry(t.norm.clone()).or_insert(next)
        })
        .collect()
}

/// The text as the UI set compares it: lower case, no punctuation, mnemonics or extra spaces.
fn loose(text: &str) -> String {
    // A mnemonic mark goes without a trace (`Обы_чный` is `Обычный`); other punctuation
    // separates words.
    text.to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '_' | '&'))
        .map(|c| {
            if c.is_alphanumeric() || c.is_whitespace() {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Set {
    fn same(&self, a: &str, b: &str) -> bool {
        if self.loose {
            loose(a) == loose(b)
        } else {
            a == b
        }
    }

    fn is_hit(&self, q: &Query, row: Option<usize>) -> bool {
        row.is_some_and(|r| {
            self.same(
                &self.rows[r].texts[q.source],
                &self.rows[q.expected].texts[q.source],
            )
        })
    }

    /// tetraglot's lookup for `q`: the best match, whatever its score.
    fn lookup(&self, q: &Query) -> MatchQuery {
        let mut lookup = MatchQuery::new(q.text.clone(), lang(q.source), vec![lang(q.target)]);
        lookup.min_score = 0;
        lookup.limit = 1;
        lookup
    }

    /// The exhaustive answers for `q`, and tetraglot's own.
    fn answer(&self, q: &Query) -> Answers {
        let source = lang(q.source);
        let lookup = self.lookup(q);
        let found = self.memory.find_matches(&lookup).unwrap();
        let best = found.first();
        let text = nfc(&q.text).into_owned();
        let tokens = tokenize(&source, &text);
        let profile = QueryProfile::new(&tokens);
        // Words no unit holds get ids of their own, past the vocabulary's.
        let mut unknown: HashMap<&str, u32> = HashMap::new();
        let query_words: Vec<u32> = tokens
            .iter()
            .filter(|t| t.kind != TokenKind::Punct)
            .map(|t| match self.vocabulary.get(&t.norm) {
                Some(id) => *id,
                None => {
                    let next = (self.vocabulary.len() + unknown.len()) as u32;
                    *unknown.entry(t.norm.as_str()).or_insert(next)
                }
            })
            .collect();
        let lower = text.to_lowercase();
        let ratio = RatioBatchComparator::new(lower.chars());
        let prepared = &self.prepared[q.source];
        let eligible =
            |r: usize| prepared[r].is_some() && self.rows[r].texts.contains_key(q.target);

        let mut bounds: Vec<(f32, usize)> = Vec::new();
        // The best similarity so far of each baseline, and its row.
        let mut word: Option<(f64, usize)> = None;
        let mut chars: Option<(f64, usize)> = None;
        for (r, p) in prepared.iter().enumerate() {
            let Some(p) = p else { continue };
            if !eligible(r) {
                continue;
            }
            bounds.push((score_upper_bound(&p.tokens, &profile), r));
            let longer = p.words.len().max(query_words.len()).max(1);
            let w = 1.0 - dp_distance(&p.words, &query_words) as f64 / longer as f64;
            if word.is_none_or(|(best, _)| w > best) {
                word = Some((w, r));
            }
            let c = ratio.similarity(p.lower.chars());
            if chars.is_none_or(|(best, _)| c > best) {
                chars = Some((c, r));
            }
        }
        // Tetraglot's formula on every unit, in the order of the upper bounds, exact: a unit
        // whose bound is below the best score cannot beat it, nor tie it.
        bounds.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut formula: Option<(u32, f32, usize)> = None;
        for (bound, r) in bounds {
            if formula.is_some_and(|(score, _, _)| bound < score as f32) {
                break;
            }
            let p = prepared[r].as_ref().unwrap();
            let rescored = rescore(&p.tokens, &profile);
            let sim = rescored.similarity;
            let placeholders = rescored
                .alignment
                .placeholder_changes(&p.tokens, &tokens)
                .is_some();
            let score = match_score(&self.rows[r].texts[q.source], &text, sim, placeholders);
            let better = formula.is_none_or(|(s, m, best_r)| {
                (score, sim) > (s, m) || (score, sim) == (s, m) && r < best_r
            });
            if better {
                formula = Some((score, sim, r));
            }
        }
        let formula = formula.map(|(_, _, r)| r);
        let recalled = formula.is_some_and(|r| {
            let wanted = &self.rows[r].texts[q.source];
            self.memory.candidates(&lookup).unwrap().iter().any(|u| {
                u.variants
                    .get(source.key())
                    .is_some_and(|v| nfc(&v.text) == nfc(wanted))
            })
        });
        Answers {
            tetraglot: best.map(|m| m.source_text.clone()),
            adapted_target: best.map(|m| {
                (
                    m.adapted,
                    m.targets.values().next().cloned().unwrap_or_default(),
                )
            }),
            formula,
            word: word.map(|(_, r)| r),
            chars: chars.map(|(_, r)| r),
            recalled,
        }
    }
}

fn ntrex(path: &Path, scale: Option<&Path>, keep: Option<&Path>) -> Set {
    let (memory, dir) = open_memory(path, scale, keep.map(|k| k.join("ntrex")));
    let (rows, _) = read_rows(path);
    let langs: BTreeMap<&str, Lang> = LANGS.iter().map(|l| (*l, lang(l))).collect();
    let mut queries = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        let other = &rows[(n + 1) % rows.len()];
        for source in LANGS {
            let (Some(stored), Some(other)) = (row.texts.get(source), other.texts.get(source))
            else {
                continue;
            };
            for kind in NTREX_KINDS {
                let Some((text, numbers_changed)) = edit(kind, &langs[source], stored, other)
                else {
                    continue;
                };
                for target in LANGS.into_iter().filter(|t| *t != source) {
                    queries.push(Query {
                        kind: kind.to_string(),
                        source,
                        target,
                        text: text.clone(),
                        expected: n,
                        numbers_changed: numbers_changed.clone(),
                    });
                }
            }
        }
    }
    let (prepared, vocabulary) = prepare(&rows);
    Set {
        name: "NTREX news",
        loose: false,
        rows,
        memory,
        _dir: dir,
        prepared,
        vocabulary,
        queries,
        kinds: NTREX_KINDS.iter().map(|k| k.to_string()).collect(),
    }
}

fn ui(dir: &Path, scale: Option<&Path>, keep: Option<&Path>) -> Set {
    let units = dir.join("units.tsv");
    let (memory, tmp) = open_memory(&units, scale, keep.map(|k| k.join("ui")));
    let (rows, ids) = read_rows(&units);
    let by_id: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let text = std::fs::read_to_string(dir.join("queries.tsv")).unwrap();
    let mut queries = Vec::new();
    let mut kinds: Vec<String> = Vec::new();
    let code = |c: &str| *LANGS.iter().find(|l| **l == c).unwrap();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split('\t').collect();
        let [kind, source, target, query, expected] = cells[..] else {
            continue;
        };
        if !kinds.iter().any(|k| k == kind) {
            kinds.push(kind.to_string());
        }
        queries.push(Query {
            kind: kind.to_string(),
            source: code(source),
            target: code(target),
            text: query.to_string(),
            expected: by_id[expected],
            numbers_changed: None,
        });
    }
    let (prepared, vocabulary) = prepare(&rows);
    Set {
        name: "UI strings",
        loose: true,
        rows,
        memory,
        _dir: tmp,
        prepared,
        vocabulary,
        queries,
        kinds,
    }
}

#[derive(Default, Clone, Copy)]
struct Tally {
    tried: u32,
    hits: [u32; 4],
    recalled: u32,
}

fn report(set: &Set, every: usize, kind: Option<&str>, show: bool) {
    let queries: Vec<&Query> = set
        .queries
        .iter()
        .filter(|q| kind.is_none_or(|k| q.kind == k))
        .step_by(every.max(1))
        .collect();
    let started = std::time::Instant::now();
    let answers: Vec<Answers> = std::thread::scope(|scope| {
        let threads = 2;
        let chunk = queries.len().div_ceil(threads).max(1);
        let handles: Vec<_> = queries
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|q| set.answer(q)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let elapsed = started.elapsed().as_secs();
    // tetraglot's lookups once more, one at a time and alone: their time, without the
    // exhaustive baselines running beside them.
    let mut lookup_us: Vec<f64> = queries
        .iter()
        .map(|q| {
            let lookup = set.lookup(q);
            let started = std::time::Instant::now();
            std::hint::black_box(set.memory.find_matches(&lookup).unwrap());
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    lookup_us.sort_by(f64::total_cmp);
    let at = |p: f64| lookup_us[((lookup_us.len() as f64 * p) as usize).min(lookup_us.len() - 1)];
    println!(
        "\n## {}: {} queries ({elapsed} s); tetraglot alone, one lookup at a time: p50 {:.0} µs, \
         p99 {:.0} µs, mean {:.0} µs\n",
        set.name,
        queries.len(),
        at(0.5),
        at(0.99),
        lookup_us.iter().sum::<f64>() / lookup_us.len().max(1) as f64
    );
    let directions: Vec<String> = LANGS
        .iter()
        .flat_map(|s| {
            LANGS
                .iter()
                .filter(move |t| *t != s)
                .map(move |t| format!("{s}→{t}"))
        })
        .collect();
    let mut tallies: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let (mut adapt_tried, mut adapt_ok, mut not_adaptable) = (0u32, 0u32, 0u32);
    let mut misses = Vec::new();
    let mut unrecalled = Vec::new();
    for (q, a) in queries.iter().zip(&answers) {
        let t = tallies
            .entry((q.kind.clone(), format!("{}→{}", q.source, q.target)))
            .or_default();
        t.tried += 1;
        let mine = a
            .tetraglot
            .as_ref()
            .is_some_and(|s| set.same(s, &set.rows[q.expected].texts[q.source]));
        let hits = [
            mine,
            set.is_hit(q, a.formula),
            set.is_hit(q, a.word),
            set.is_hit(q, a.chars),
        ];
        for (k, hit) in hits.iter().enumerate() {
            t.hits[k] += u32::from(*hit);
        }
        t.recalled += u32::from(a.recalled);
        if show && !a.recalled && unrecalled.len() < 150 {
            unrecalled.push(format!(
                "{} {}→{}: {}\n    best {}",
                q.kind,
                q.source,
                q.target,
                q.text,
                a.formula
                    .map_or("(nothing)", |r| set.rows[r].texts[q.source].as_str())
            ));
        }
        if show && !mine && hits[1..].iter().any(|h| *h) && misses.len() < 150 {
            misses.push(format!(
                "{} {}→{}{}: {}\n    want {}\n    got  {}",
                q.kind,
                q.source,
                q.target,
                if a.recalled { "" } else { " (not retrieved)" },
                q.text,
                set.rows[q.expected].texts[q.source],
                a.tetraglot.as_deref().unwrap_or("(nothing)")
            ));
        }
        if let (Some((old, new)), Some((adapted, target_text))) =
            (&q.numbers_changed, &a.adapted_target)
        {
            let l = lang(q.target);
            let before = numbers(&l, &set.rows[q.expected].texts[q.target]);
            // Translators often write a number another way (`3 p.m.` for `15:00`, kilograms
            // for pounds): then nothing can be carried over.
            if !before.contains(old) {
                not_adaptable += 1;
                continue;
            }
            adapt_tried += 1;
            let after = numbers(&l, target_text);
            let count = |list: &[String], d: &str| list.iter().filter(|x| *x == d).count();
            if mine
                && *adapted
                && count(&after, new) == count(&before, new) + 1
                && count(&after, old) + 1 == count(&before, old)
            {
                adapt_ok += 1;
            }
        }
    }
    print!("| kind | system | queries |");
    for d in &directions {
        print!(" {d} |");
    }
    println!(" all |");
    print!("|---|---|---:|");
    for _ in 0..=directions.len() {
        print!("---:|");
    }
    println!();
    let pct = |n: u32, d: u32| 100.0 * n as f64 / d.max(1) as f64;
    let cell = |n: u32, d: u32| match d {
        0 => " — |".to_string(),
        _ => format!(" {:.1} |", pct(n, d)),
    };
    for kind in set
        .kinds
        .iter()
        .filter(|k| kind.is_none_or(|only| only == k.as_str()))
    {
        let per: Vec<Tally> = directions
            .iter()
            .map(|d| {
                tallies
                    .get(&(kind.clone(), d.clone()))
                    .copied()
                    .unwrap_or_default()
            })
            .collect();
        let total: u32 = per.iter().map(|t| t.tried).sum();
        for (k, system) in SYSTEMS.iter().enumerate() {
            print!("| {kind} | {system} | {total} |");
            for t in &per {
                print!("{}", cell(t.hits[k], t.tried));
            }
            println!(" {:.2} |", pct(per.iter().map(|t| t.hits[k]).sum(), total));
        }
        print!("| {kind} | retrieval recall | {total} |");
        for t in &per {
            print!("{}", cell(t.recalled, t.tried));
        }
        println!(" {:.2} |", pct(per.iter().map(|t| t.recalled).sum(), total));
    }
    if adapt_tried + not_adaptable > 0 {
        println!(
            "\nNumber edits adapted correctly into the target: {adapt_ok} of {adapt_tried} \
             ({:.1}%); {not_adaptable} more were not adaptable (the target writes that number \
             another way)",
            pct(adapt_ok, adapt_tried)
        );
    }
    if show {
        println!("\nFirst misses of tetraglot where a baseline was right:");
        for miss in &misses {
            println!("  {miss}");
        }
        println!("\nFirst queries whose best unit by the formula was not retrieved:");
        for miss in &unrecalled {
            println!("  {miss}");
        }
    }
}

fn main() {
    let mut ntrex_path: Option<PathBuf> = None;
    let mut ui_dir: Option<PathBuf> = None;
    let (mut every, mut show) = (1usize, false);
    let mut kind: Option<String> = None;
    let mut scale: Option<PathBuf> = None;
    let mut keep: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--ntrex" => ntrex_path = args.next().map(PathBuf::from),
            "--ui" => ui_dir = args.next().map(PathBuf::from),
            "--every" => every = args.next().and_then(|n| n.parse().ok()).unwrap_or(1),
            "--show" => show = true,
            "--kind" => kind = args.next(),
            "--scale" => scale = args.next().map(PathBuf::from),
            "--keep" => keep = args.next().map(PathBuf::from),
            other => {
                eprintln!(
                    "unknown argument {other}: --ntrex FILE.tsv --ui DIR [--every N] [--kind K] [--scale FILE.tmx] [--keep DIR] [--show]"
                );
                std::process::exit(2);
            }
        }
    }
    if ntrex_path.is_none() && ui_dir.is_none() {
        ntrex_path = Some("../shared/data/ntrex-dev.tsv".into());
        ui_dir = Some("../shared/data/ui-dev".into());
    }
    if let Some(path) = ntrex_path.filter(|p| p.exists()) {
        report(
            &ntrex(&path, scale.as_deref(), keep.as_deref()),
            every,
            kind.as_deref(),
            show,
        );
    }
    if let Some(dir) = ui_dir.filter(|d| d.join("queries.tsv").exists()) {
        report(
            &ui(&dir, scale.as_deref(), keep.as_deref()),
            every,
            kind.as_deref(),
            show,
        );
    }
}
