//! The analysis benchmark: a leverage report of a 200-sentence English article into hy, az
//! and ru against a large memory (single request, both cores), and of a batch of 100
//! articles in one request; wall time and sentences per second. The articles are the real
//! NTREX documents (lines joined into paragraphs of three), which the scale memory's units
//! are edited copies of, so every band gets sentences.
//!
//! ```sh
//! python3 ../shared/bench/gen_scale.py 1000000 /tmp/scale1m.tmx
//! cargo run --release -- --data-dir /tmp/tg-1m import /tmp/scale1m.tmx
//! cargo run --release --example analysis_bench -- /tmp/tg-1m ../shared/data/ntrex-dev.tsv
//! ```

use std::collections::BTreeMap;
use std::time::Instant;

use tetraglot::editorial::analysis::{analyse, Text};
use tetraglot::editorial::article::{Body, Version};
use tetraglot::editorial::sentences::version_sentences;
use tetraglot::index::Mode;
use tetraglot::memory::Memory;
use tetraglot::model::lang::Lang;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data_dir = args.first().expect("the data directory of a memory");
    let tsv_path = args
        .get(1)
        .cloned()
        .unwrap_or("../shared/data/ntrex-dev.tsv".into());
    let tsv = std::fs::read_to_string(&tsv_path).expect("the NTREX TSV");
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (doc, en) = (column("doc_id"), column("en"));
    let mut docs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut all = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        docs.entry(cells[doc].to_string())
            .or_default()
            .push(cells[en].to_string());
        all.push(cells[en].to_string());
    }
    let english = Lang::parse("en").unwrap();
    let targets: Vec<Lang> = ["hy", "az", "ru"]
        .iter()
        .map(|t| Lang::parse(t).unwrap())
        .collect();
    let article = |lines: &[String]| {
        let body = lines
            .chunks(3)
            .map(|p| p.join(" "))
            .collect::<Vec<_>>()
            .join("\n\n");
        let version = Version {
            lang: english.clone(),
            title: lines[0].clone(),
            lead: None,
            body: Body::Plain(body),
            published: false,
        };
        version_sentences(&version, tetraglot::model::unit::MAX_TEXT_CHARS).unwrap()
    };
    let memory = Memory::open(std::path::Path::new(data_dir), Mode::ReadOnly).unwrap();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    println!("memory: {} units; {threads} threads", memory.unit_count());

    // One article of at least 200 sentences.
    let mut lines = 200;
    let mut big = article(&all[..lines]);
    while big.len() < 200 && lines < all.len() {
        lines += 5;
        big = article(&all[..lines]);
    }
    let mut times = Vec::new();
    let mut report = None;
    for _ in 0..5 {
        let started = Instant::now();
        let (reports, _) = analyse(
            &memory,
            &english,
            &targets,
            &[Text {
                id: None,
                sentences: &big,
            }],
            false,
            threads,
        )
        .unwrap();
        times.push(started.elapsed().as_secs_f64());
        report = reports.into_iter().next();
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "{}-sentence article into hy, az, ru: median {:.3} s, best {:.3} s ({:.0} sentences/s, {:.0} lookups/s)",
        big.len(),
        median,
        times[0],
        big.len() as f64 / median,
        (big.len() * targets.len()) as f64 / median
    );
    if let Some(report) = report {
        let hy = &report.targets["hy"];
        let bands: Vec<String> = hy
            .bands
            .iter()
            .map(|b| format!("{} {}", b.band.name(), b.counts.segments))
            .collect();
        println!("  hy bands: {}", bands.join(", "));
    }

    // A batch of 100 articles (the NTREX documents, cycled) in one request.
    let articles: Vec<Vec<tetraglot::editorial::VersionSentence>> = docs
        .values()
        .cycle()
        .take(100)
        .map(|lines| article(lines))
        .collect();
    let texts: Vec<Text<'_>> = articles
        .iter()
        .enumerate()
        .map(|(k, sentences)| Text {
            id: Some(format!("a{k}")),
            sentences,
        })
        .collect();
    let sentences: usize = articles.iter().map(Vec::len).sum();
    let started = Instant::now();
    let (_, total) = analyse(&memory, &english, &targets, &texts, false, threads).unwrap();
    let took = started.elapsed().as_secs_f64();
    let repeated = total
        .as_ref()
        .map(|t| t.targets["hy"].bands.last().unwrap().counts.segments)
        .unwrap_or(0);
    println!(
        "batch of 100 articles ({sentences} sentences, {repeated} repetitions across them) into hy, az, ru: {took:.2} s ({:.0} sentences/s)",
        sentences as f64 / took
    );
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM")) {
            println!("peak RSS: {}", line.trim_start_matches("VmHWM:").trim());
        }
    }
}
