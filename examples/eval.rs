//! Matching quality on real four-way text: builds a memory from a TSV (`doc_id en hy az ru`),
//! edits every sentence five ways — a word substituted, a word dropped, an ending changed, a
//! number changed, case and punctuation changed — and looks each edit up in the 12
//! directions. Prints top-1 accuracy and mean score per edit kind and direction, and how many
//! number edits were adapted into every target correctly.
//!
//! ```sh
//! cargo run --release --example eval -- ../shared/data/ntrex-dev.tsv
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use tetraglot::formats::FileKind;
use tetraglot::index::Mode;
use tetraglot::memory::{MatchQuery, Memory};
use tetraglot::model::lang::Lang;
use tetraglot::text::{tokenize, TokenKind};

const LANGS: [&str; 4] = ["en", "hy", "az", "ru"];
const KINDS: [&str; 5] = ["substitute", "drop", "ending", "number", "case+punct"];

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

#[derive(Default, Clone)]
struct Tally {
    tried: u32,
    top1: u32,
    score_sum: u64,
}

fn main() {
    let tsv: PathBuf = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/ntrex-dev.tsv".into())
        .into();
    if !tsv.exists() {
        eprintln!(
            "{} is absent: pass a TSV of four-way sentences (doc_id en hy az ru)",
            tsv.display()
        );
        std::process::exit(2);
    }
    let dir = tempfile::tempdir().unwrap();
    let memory = Memory::open(
        dir.path(),
        Mode::ReadWrite {
            heap_bytes: 128 << 20,
        },
    )
    .unwrap();
    let report = tetraglot::engine::import_file(&memory, &tsv, FileKind::Tsv, None)
        .unwrap()
        .report;
    println!("memory: {} units from {}", report.read, tsv.display());

    let mut rows: Vec<BTreeMap<String, String>> = Vec::new();
    let text = std::fs::read_to_string(&tsv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        rows.push(
            header
                .iter()
                .zip(cells)
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect(),
        );
    }
    let langs: BTreeMap<&str, Lang> = LANGS
        .iter()
        .map(|l| (*l, Lang::parse(l).unwrap()))
        .collect();

    let mut tallies: BTreeMap<(&str, String), Tally> = BTreeMap::new();
    let (mut adapt_tried, mut adapt_ok) = (0u32, 0u32);
    let mut misses: Vec<String> = Vec::new();
    let mut adapt_misses: Vec<String> = Vec::new();
    let mut not_adaptable = 0u32;
    for (n, row) in rows.iter().enumerate() {
        let other = &rows[(n + 1) % rows.len()];
        for source in LANGS {
            let stored = &row[source];
            for kind in KINDS {
                let Some((query, numbers_changed)) =
                    edit(kind, &langs[source], stored, &other[source])
                else {
                    continue;
                };
                for target in LANGS.iter().filter(|t| **t != source) {
                    let mut lookup = MatchQuery::new(
                        query.clone(),
                        langs[source].clone(),
                        vec![langs[*target].clone()],
                    );
                    lookup.min_score = 0;
                    lookup.limit = 1;
                    let found = memory.find_matches(&lookup).unwrap();
                    let tally = tallies
                        .entry((kind, format!("{source}→{target}")))
                        .or_default();
                    tally.tried += 1;
                    let Some(best) = found.first() else {
                        misses.push(format!("{kind} {source}→{target}: nothing for {query}"));
                        continue;
                    };
                    tally.score_sum += u64::from(best.score);
                    if best.source_text == *stored {
                        tally.top1 += 1;
                    } else if misses.len() < 40 {
                        misses.push(format!(
                            "{kind} {source}→{target}: {query}\n    got {}",
                            best.source_text
                        ));
                    }
                    if let Some((old, new)) = &numbers_changed {
                        let adapted = best.targets.values().next().cloned().unwrap_or_default();
                        let before = numbers(&langs[*target], &row[*target]);
                        // Translators often write a number another way (`3 p.m.` for
                        // `15:00`, kilograms for pounds): then nothing can be carried over.
                        if !before.contains(old) {
                            not_adaptable += 1;
                            continue;
                        }
                        adapt_tried += 1;
                        let after = numbers(&langs[*target], &adapted);
                        let count =
                            |list: &[String], d: &str| list.iter().filter(|x| *x == d).count();
                        let correct = best.source_text == *stored
                            && best.adapted
                            && count(&after, new) == count(&before, new) + 1
                            && count(&after, old) + 1 == count(&before, old);
                        if correct {
                            adapt_ok += 1;
                        } else if adapt_misses.len() < 40 {
                            adapt_misses.push(format!(
                                "adapt {source}→{target} {old}→{new}: adapted={} {}\n    stored {}",
                                best.adapted, adapted, row[*target]
                            ));
                        }
                    }
                }
            }
        }
    }

    let directions: Vec<String> = LANGS
        .iter()
        .flat_map(|s| {
            LANGS
                .iter()
                .filter(move |t| *t != s)
                .map(move |t| format!("{s}→{t}"))
        })
        .collect();
    println!("\nTop-1 accuracy (%) per edit kind and direction, and mean score:\n");
    print!("| edit | queries |");
    for d in &directions {
        print!(" {d} |");
    }
    println!(" all | mean score |");
    print!("|---|---:|");
    for _ in 0..=directions.len() {
        print!("---:|");
    }
    println!("---:|");
    for kind in KINDS {
        let mut all = Tally::default();
        let mut cells = String::new();
        for d in &directions {
            let t = tallies.get(&(kind, d.clone())).cloned().unwrap_or_default();
            cells.push_str(&format!(
                " {:.1} |",
                100.0 * t.top1 as f64 / t.tried.max(1) as f64
            ));
            all.tried += t.tried;
            all.top1 += t.top1;
            all.score_sum += t.score_sum;
        }
        println!(
            "| {kind} | {} |{cells} {:.2} | {:.1} |",
            all.tried,
            100.0 * all.top1 as f64 / all.tried.max(1) as f64,
            all.score_sum as f64 / all.tried.max(1) as f64
        );
    }
    println!(
        "\nNumber edits adapted correctly into the target: {adapt_ok} of {adapt_tried} ({:.1}%); \
         {not_adaptable} more were not adaptable (the target writes that number another way)",
        100.0 * adapt_ok as f64 / adapt_tried.max(1) as f64
    );
    if std::env::var_os("EVAL_SHOW").is_some() {
        println!("\nFirst top-1 misses:");
        for miss in &misses {
            println!("  {miss}");
        }
        println!("\nFirst adaptation misses:");
        for miss in &adapt_misses {
            println!("  {miss}");
        }
    }
}
