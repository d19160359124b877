//! Sentence-alignment quality on real four-way news: each NTREX document of
//! `../shared/data/ntrex-dev.tsv` (one line = one sentence group in all four languages)
//! becomes an article of three-line paragraphs in every language, each paragraph is
//! re-split into sentences, and the target version is aligned to the source. A predicted
//! line pair is right when the two sentences came from the same line. Prints precision,
//! recall and F1 per direction, for tetraglot's aligner and for the length-only
//! Gale–Church baseline, on the faithful versions and on perturbed ones (a sentence
//! dropped, two merged, one split, a paragraph moved); then the time to align a
//! 200-sentence article into three languages.
//!
//! ```sh
//! cargo run --release --example align_eval -- ../shared/data/ntrex-dev.tsv [--dump DIR] [--speed]
//! ```
//!
//! `--speed` runs the timings alone (for a profiler). `--dump DIR` also writes every aligned pair of versions for a peer aligner:
//! `DIR/SRC-TGT/KIND/DOC.{src,tgt}` with one sentence per line, and `.src.lines`/`.tgt.lines`
//! with the document lines each sentence's line holds (space-separated; a merged target
//! line holds two; the first names the line), as this program scores them.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use tetraglot::align::{
    align, align_read, align_with, learn, Bead, PairModel, Params, Reading, Sentence, Side,
};
use tetraglot::model::lang::Lang;
use tetraglot::text::sentences;

/// One line of a version: the source lines it holds (two after a merge) and its text.
#[derive(Clone)]
struct Line {
    ids: Vec<usize>,
    text: String,
}

/// A version: paragraphs of lines.
type Version = Vec<Vec<Line>>;

/// Sentences of a version, each with the lines it overlaps. `whole` splits each paragraph
/// as one text (a sentence the splitter does not end may then run into the next line);
/// otherwise each line is split on its own, so a sentence belongs to one line and the score
/// measures the aligner alone.
fn split_version(
    lang: &Lang,
    version: &Version,
    whole: bool,
) -> (Vec<Sentence>, Vec<BTreeSet<usize>>) {
    let mut out = Vec::new();
    let mut lines_of = Vec::new();
    for (block, paragraph) in version.iter().enumerate() {
        if !whole {
            for line in paragraph {
                for s in sentences::split(lang, &line.text) {
                    out.push(Sentence {
                        text: s.text,
                        block,
                    });
                    lines_of.push(line.ids.iter().copied().collect());
                }
            }
            continue;
        }
        let mut text = String::new();
        let mut spans = Vec::new(); // (start char, end char, ids)
        for line in paragraph {
            if !text.is_empty() {
                text.push(' ');
            }
            let start = text.chars().count();
            text.push_str(&line.text);
            spans.push((start, text.chars().count(), line.ids.clone()));
        }
        for s in sentences::split(lang, &text) {
            let ids: BTreeSet<usize> = spans
                .iter()
                .filter(|(a, b, _)| s.start < *b && s.end > *a)
                .flat_map(|(_, _, ids)| ids.iter().copied())
                .collect();
            out.push(Sentence {
                text: s.text,
                block,
            });
            lines_of.push(ids);
        }
    }
    (out, lines_of)
}

/// The headline (the document's first line) as a block of its own, as a title is, then
/// paragraphs of three lines.
fn paragraphs(lines: Vec<Line>) -> Version {
    let mut version: Version = Vec::new();
    let mut rest = lines.as_slice();
    if let Some((first, tail)) = rest.split_first() {
        if first.ids == [0] {
            version.push(vec![first.clone()]);
            rest = tail;
        }
    }
    version.extend(rest.chunks(3).map(<[Line]>::to_vec));
    version
}

/// The perturbations of a target version, by name.
fn perturb(kind: &str, lang: &Lang, lines: &[Line]) -> Version {
    let mut lines = lines.to_vec();
    let n = lines.len();
    match kind {
        "faithful" => {}
        "drop" => {
            lines.remove(n / 2);
        }
        "merge" if n >= 3 => {
            let k = n / 2 - 1;
            let second = lines.remove(k + 1);
            let first = &mut lines[k];
            let kept = first
                .text
                .trim_end_matches(['.', ':', '։', '!', '?', '…', '"', '»', '”'])
                .to_string();
            let mut tail = second.text.clone();
            if let Some(c) = tail.chars().next() {
                let lower =
                    tetraglot::text::normalize::lowercase(lang, &c.to_string()).into_owned();
                tail = format!("{lower}{}", &tail[c.len_utf8()..]);
            }
            first.text = format!("{kept}, {tail}");
            first.ids.extend(second.ids);
        }
        "split" => {
            let k = n / 2;
            let text = lines[k].text.clone();
            // At the comma nearest the middle, else the word boundary nearest it.
            let middle = text.len() / 2;
            let cut = text
                .match_indices(", ")
                .map(|(i, _)| i)
                .min_by_key(|i| i.abs_diff(middle))
                .or_else(|| {
                    text.match_indices(' ')
                        .map(|(i, _)| i)
                        .min_by_key(|i| i.abs_diff(middle))
                });
            if let Some(at) = cut {
                let (a, b) = text.split_at(at);
                let b = b.trim_start_matches([',', ' ']);
                let mut chars = b.chars();
                let upper: String = chars
                    .next()
                    .map(|c| c.to_uppercase().collect())
                    .unwrap_or_default();
                lines[k].text = format!("{a}. {upper}{}", chars.as_str());
            }
        }
        "move" => {
            let mut version = paragraphs(lines);
            if version.len() >= 3 {
                let moved = version.remove(1);
                version.push(moved);
            }
            return version;
        }
        _ => {}
    }
    paragraphs(lines)
}

#[derive(Default)]
struct Counts {
    right: usize,
    predicted: usize,
    gold: usize,
}

impl Counts {
    /// Source lines are named by their id, target lines by their first id (a merged line
    /// holds two); the gold pairs join each source line to the target line that holds it.
    fn add(
        &mut self,
        beads: &[Bead],
        src_lines: &[BTreeSet<usize>],
        tgt_lines: &[BTreeSet<usize>],
    ) {
        let line_key = |ids: &BTreeSet<usize>| *ids.iter().next().expect("a line");
        let mut predicted = BTreeSet::new();
        for bead in beads {
            for &i in &bead.source {
                for &j in &bead.target {
                    for &a in &src_lines[i] {
                        predicted.insert((a, line_key(&tgt_lines[j])));
                    }
                }
            }
        }
        let holder: BTreeMap<usize, usize> = tgt_lines
            .iter()
            .flat_map(|ids| ids.iter().map(move |&a| (a, line_key(ids))))
            .collect();
        let gold: BTreeSet<(usize, usize)> = src_lines
            .iter()
            .flatten()
            .filter_map(|a| holder.get(a).map(|&k| (*a, k)))
            .collect();
        self.right += predicted.intersection(&gold).count();
        self.predicted += predicted.len();
        self.gold += gold.len();
    }

    fn prf(&self) -> (f64, f64, f64) {
        let p = self.right as f64 / self.predicted.max(1) as f64;
        let r = self.right as f64 / self.gold.max(1) as f64;
        (p, r, 2.0 * p * r / (p + r).max(1e-9))
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dump: Option<std::path::PathBuf> = args
        .iter()
        .position(|a| a == "--dump")
        .and_then(|d| args.get(d + 1))
        .map(Into::into);
    let path = args
        .first()
        .filter(|a| *a != "--dump")
        .cloned()
        .unwrap_or("../shared/data/ntrex-dev.tsv".into());
    let tsv = std::fs::read_to_string(&path).expect("the NTREX TSV");
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let mut docs: BTreeMap<String, Vec<BTreeMap<String, String>>> = BTreeMap::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        let row: BTreeMap<String, String> = header
            .iter()
            .zip(&cells)
            .map(|(h, c)| (h.to_string(), c.to_string()))
            .collect();
        docs.entry(row["doc_id"].clone()).or_default().push(row);
    }
    let directions = [("en", "hy"), ("en", "az"), ("en", "ru"), ("hy", "ru")];
    let kinds = ["faithful", "drop", "merge", "split", "move"];
    println!(
        "{} documents, {} lines",
        docs.len(),
        tsv.lines().count() - 1
    );
    let speed_only = args.iter().any(|a| a == "--speed");
    for whole in [false, true].into_iter().filter(|_| !speed_only) {
        println!(
            "\n{}",
            if whole {
                "End to end: each paragraph split into sentences as one text"
            } else {
                "The aligner: each line split into sentences on its own"
            }
        );
        println!(
            "| direction | version | tetraglot, memory model P / R / F1 | tetraglot, no memory | length-only |"
        );
        println!("|---|---|---|---|---|");
        for (s, t) in directions {
            let (source, target) = (Lang::parse(s).unwrap(), Lang::parse(t).unwrap());
            // The memory each article meets: the other documents' lines as units (leave one
            // document out, so no article learns from its own sentences).
            let models: BTreeMap<&String, PairModel> = docs
                .keys()
                .map(|doc| {
                    let pairs = docs
                        .iter()
                        .filter(|(other, _)| *other != doc)
                        .flat_map(|(_, rows)| rows.iter())
                        .map(|r| (r[s].as_str(), r[t].as_str()));
                    (doc, learn(&source, &target, pairs).expect("enough lines"))
                })
                .collect();
            if !whole {
                let model = models.values().next().expect("a document");
                eprintln!(
                    "{s}→{t}: memory model of {} units: ratio {:.3}, variance {:.2}, {} word pairs",
                    model.pairs,
                    model.ratio,
                    model.variance,
                    model.lexicon.len()
                );
            }
            for kind in kinds {
                let (mut ours, mut bare, mut baseline) =
                    (Counts::default(), Counts::default(), Counts::default());
                for (doc, rows) in &docs {
                    let of = |tag: &str| -> Vec<Line> {
                        rows.iter()
                            .enumerate()
                            .map(|(k, r)| Line {
                                ids: vec![k],
                                text: r[tag].clone(),
                            })
                            .collect()
                    };
                    let (src, src_lines) = split_version(&source, &paragraphs(of(s)), whole);
                    let (tgt, tgt_lines) =
                        split_version(&target, &perturb(kind, &target, &of(t)), whole);
                    let sides = (
                        Side {
                            lang: &source,
                            sentences: &src,
                        },
                        Side {
                            lang: &target,
                            sentences: &tgt,
                        },
                    );
                    if let (Some(dir), false) = (&dump, whole) {
                        let dir = dir.join(format!("{s}-{t}")).join(kind);
                        std::fs::create_dir_all(&dir).unwrap();
                        let write =
                            |ext: &str, sentences: &[Sentence], lines: &[BTreeSet<usize>]| {
                                let text: String =
                                    sentences.iter().map(|x| format!("{}\n", x.text)).collect();
                                let keys: String = lines
                                    .iter()
                                    .map(|l| {
                                        let ids: Vec<String> =
                                            l.iter().map(ToString::to_string).collect();
                                        format!("{}\n", ids.join(" "))
                                    })
                                    .collect();
                                std::fs::write(dir.join(format!("{doc}.{ext}")), text).unwrap();
                                std::fs::write(dir.join(format!("{doc}.{ext}.lines")), keys)
                                    .unwrap();
                            };
                        write("src", &src, &src_lines);
                        write("tgt", &tgt, &tgt_lines);
                    }
                    let beads =
                        align_with(&sides.0, &sides.1, &Params::default(), Some(&models[doc]));
                    bare.add(
                        &align(&sides.0, &sides.1, &Params::default()),
                        &src_lines,
                        &tgt_lines,
                    );
                    if std::env::var_os("ALIGN_DEBUG").is_some() && kind == "faithful" {
                        for b in beads
                            .iter()
                            .filter(|b| b.source.len() != 1 || b.target.len() != 1)
                        {
                            let text = |ids: &[usize], all: &[Sentence]| -> String {
                                ids.iter()
                                    .map(|&i| all[i].text.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" ‖ ")
                            };
                            eprintln!(
                                "{s}→{t} {:?}→{:?} {:.2}\n  {}\n  {}",
                                b.source,
                                b.target,
                                b.confidence,
                                text(&b.source, &src),
                                text(&b.target, &tgt)
                            );
                        }
                    }
                    ours.add(&beads, &src_lines, &tgt_lines);
                    baseline.add(
                        &align(&sides.0, &sides.1, &Params::length_only()),
                        &src_lines,
                        &tgt_lines,
                    );
                }
                let (p, r, f) = ours.prf();
                let (np, nr, nf) = bare.prf();
                let (bp, br, bf) = baseline.prf();
                println!(
                    "| {s}→{t} | {kind} | {p:.3} / {r:.3} / **{f:.3}** | {np:.3} / {nr:.3} / {nf:.3} | {bp:.3} / {br:.3} / {bf:.3} |"
                );
            }
        }
    }

    // Speed: one 200-sentence article (the first documents joined), en into hy, az and ru.
    let rows: Vec<&BTreeMap<String, String>> = docs.values().flatten().take(200).collect();
    let version = |tag: &str| -> Version {
        paragraphs(
            rows.iter()
                .enumerate()
                .map(|(k, r)| Line {
                    ids: vec![k],
                    text: r[tag].clone(),
                })
                .collect(),
        )
    };
    let en = Lang::parse("en").unwrap();
    let (src, _) = split_version(&en, &version("en"), true);
    let targets: Vec<(Lang, Vec<Sentence>)> = ["hy", "az", "ru"]
        .iter()
        .map(|t| {
            let lang = Lang::parse(t).unwrap();
            let (sentences, _) = split_version(&lang, &version(t), true);
            (lang, sentences)
        })
        .collect();
    // The memory an article meets: the lines not in it, as units of all four languages.
    let learnt_at = Instant::now();
    let models: BTreeMap<String, PairModel> = targets
        .iter()
        .map(|(lang, _)| {
            let t = lang.key();
            let pairs = docs
                .values()
                .flatten()
                .skip(200)
                .map(|r| (r["en"].as_str(), r[t].as_str()));
            (
                t.to_string(),
                learn(&en, lang, pairs).expect("enough lines"),
            )
        })
        .collect();
    let learning = learnt_at.elapsed().as_secs_f64() * 1000.0;
    for with_model in [false, true] {
        let mut times = Vec::new();
        for _ in 0..20 {
            let started = Instant::now();
            // The source is read once for its three targets, as an article's is.
            let source = Reading::new(&en, src.clone());
            for (lang, sentences) in &targets {
                let beads = align_read(
                    &source,
                    &Reading::new(lang, sentences.clone()),
                    &Params::default(),
                    with_model.then(|| &models[lang.key()]),
                );
                std::hint::black_box(beads);
            }
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "\n{}-sentence en article into hy, az and ru{}: median {:.1} ms, best {:.1} ms (one thread)",
            src.len(),
            if with_model {
                ", with the memory's models"
            } else {
                ""
            },
            times[times.len() / 2],
            times[0]
        );
    }
    println!(
        "learning the three models from {} units: {learning:.1} ms",
        docs.values().flatten().count().saturating_sub(200)
    );

    // The same article through the editorial pipeline: as a four-language article (plain
    // bodies, paragraphs as above), segmented, aligned, made into units (`plan`), and then
    // saved into a fresh memory with its record (one commit each).
    let body = |tag: &str| -> String {
        version(tag)
            .iter()
            .map(|p| {
                p.iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    let versions = ["en", "hy", "az", "ru"]
        .iter()
        .map(|t| {
            (
                t.to_string(),
                tetraglot::editorial::VersionInput {
                    title: rows[0][*t].clone(),
                    lead: None,
                    body: Some(body(t)),
                    html: None,
                    status: None,
                },
            )
        })
        .collect();
    let input = tetraglot::editorial::ArticleInput {
        id: "bench".into(),
        outlet: None,
        section: None,
        authors: Vec::new(),
        published: None,
        updated: None,
        source: "en".into(),
        tags: Vec::new(),
        versions,
    };
    let settings = tetraglot::editorial::Settings::default();
    let article = input.clone().validate(usize::MAX).unwrap();
    let article_models: tetraglot::editorial::models::ArticleModels = models
        .into_iter()
        .map(|(k, m)| (k, std::sync::Arc::new(m)))
        .collect();
    let mut planned = Vec::new();
    let mut sentences = 0;
    for _ in 0..20 {
        let started = Instant::now();
        let plan =
            tetraglot::editorial::plan(&article, Default::default(), &settings, &article_models)
                .unwrap();
        planned.push(started.elapsed().as_secs_f64() * 1000.0);
        sentences = plan.sentences["en"].len();
        std::hint::black_box(plan);
    }
    planned.sort_by(f64::total_cmp);
    let dir = tempfile::tempdir().unwrap();
    let memory = tetraglot::memory::Memory::open(
        dir.path(),
        tetraglot::index::Mode::ReadWrite {
            heap_bytes: 64 << 20,
        },
    )
    .unwrap();
    let mut saved = Vec::new();
    for n in 0..10 {
        let mut input = input.clone();
        input.id = format!("bench-{n}");
        let started = Instant::now();
        tetraglot::editorial::save(&memory, input, &settings, &tetraglot::editorial::Scope::Any)
            .unwrap();
        saved.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    saved.sort_by(f64::total_cmp);
    println!(
        "{sentences}-sentence en article with hy, az and ru versions, whole pipeline \
         (segmenting four versions, three alignments with the memory's models, units): median {:.1} ms, best {:.1} ms; \
         saved with its record (one commit): median {:.1} ms",
        planned[planned.len() / 2],
        planned[0],
        saved[saved.len() / 2]
    );
    memory.close();
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM")) {
            println!(
                "peak RSS of the whole evaluation: {}",
                line.trim_start_matches("VmHWM:").trim()
            );
        }
    }
}
