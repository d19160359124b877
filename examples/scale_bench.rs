//! The scale benchmark: builds a memory from a large four-way TMX (see `../shared/bench`),
//! adds the real NTREX sentences, then times lookups of one-word edits of those real
//! sentences in all 12 directions — in process and over HTTP — and reports import speed,
//! p50/p99 latency, top-1 accuracy, index size and peak RSS. It also writes the memory and
//! queries as TSV for the PostgreSQL pg_trgm peer, so both answer the same questions.
//! `--skip-import` reuses the index in `--data-dir`; `--pool-check` also compares, untimed,
//! each lookup's matches with those a ten times larger candidate pool finds. `--help` lists
//! every flag.
//!
//! ```sh
//! python3 ../shared/bench/gen_scale.py 1000000 /tmp/scale1m.tmx
//! cargo run --release --example scale_bench -- --scale /tmp/scale1m.tmx \
//!     --real ../shared/data/ntrex-dev.tmx --data-dir /tmp/tg-1m --peer-dir /tmp/peer-1m
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tetraglot::config::Config;
use tetraglot::formats::{tmx::TmxReader, FileKind, Item};
use tetraglot::index::Mode;
use tetraglot::memory::{MatchQuery, Memory};
use tetraglot::model::lang::Lang;
use tetraglot::model::unit::Unit;
use tetraglot::startup::Application;

/// The allocator the `tetraglot` binary runs with, so the figures are the server's: a lookup or an import allocates many small
/// strings and vectors, and glibc's malloc took 7–17 % of their time (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LANGS: [&str; 4] = ["en", "hy", "az", "ru"];

struct Args {
    scale: PathBuf,
    real: PathBuf,
    data_dir: PathBuf,
    peer_dir: Option<PathBuf>,
    queries: usize,
    skip_import: bool,
    optimize_only: bool,
    heap_mb: usize,
    /// Also compare each lookup's matches with those a ten times larger pool finds.
    pool_check: bool,
    /// How many times the in-process lookups run (each reported), to compare builds in one
    /// sitting on a noisy machine.
    rounds: usize,
    /// Leaves out the lookups over HTTP.
    no_http: bool,
    /// Writes every in-process lookup's matches (unit, score, similarity) to this file, to
    /// check that a change meant to keep the answers keeps them (`diff` two builds' files).
    answers: Option<PathBuf>,
    /// Keeps only the queries of at most this many words (split at whitespace), to profile
    /// the short queries' path on its own.
    max_words: Option<usize>,
    /// Writes each lookup's time in every round, one line per lookup (its word count, then
    /// microseconds), to see which lookups make the tail.
    times: Option<PathBuf>,
    /// Sleeps this long before each timed lookup, as a server's thread idles between
    /// requests: what a lookup costs when it starts from an idle core.
    pause: Option<Duration>,
}

const USAGE: &str = "scale_bench --scale FILE.tmx [--real NTREX.tmx] [--data-dir DIR]
    [--peer-dir DIR]      write the pg_trgm peer's memory.tsv and queries.tsv there
    [--queries N]         how many one-word edits to look up (3000)
    [--max-words N]       only the queries of at most N words
    [--skip-import]       answer from the index already in --data-dir
    [--optimize-only]     first merge the segments of the index in --data-dir (with --skip-import)
    [--heap-mb N]         the import's indexing memory (128)
    [--rounds N]          time the lookups N times in one process
    [--times FILE]        each lookup's word count and time in every round
    [--pause-us N]        sleep N µs before each timed lookup, as a server's thread idles
    [--answers FILE]      every lookup's matches, to compare two builds on one index
    [--pool-check]        compare the matches with a ten times larger pool's, untimed
    [--no-http]           leave out the lookups over HTTP";

fn args() -> Args {
    let mut args = Args {
        scale: PathBuf::new(),
        real: PathBuf::from("../shared/data/ntrex-dev.tmx"),
        data_dir: PathBuf::from("/tmp/tetraglot-bench"),
        peer_dir: None,
        queries: 3000,
        skip_import: false,
        optimize_only: false,
        heap_mb: 128,
        pool_check: false,
        rounds: 1,
        no_http: false,
        answers: None,
        max_words: None,
        times: None,
        pause: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--scale" => args.scale = it.next().expect("--scale FILE").into(),
            "--real" => args.real = it.next().expect("--real FILE").into(),
            "--data-dir" => args.data_dir = it.next().expect("--data-dir DIR").into(),
            "--peer-dir" => args.peer_dir = Some(it.next().expect("--peer-dir DIR").into()),
            "--queries" => args.queries = it.next().expect("--queries N").parse().unwrap(),
            "--skip-import" => args.skip_import = true,
            "--optimize-only" => args.optimize_only = true,
            "--heap-mb" => args.heap_mb = it.next().expect("--heap-mb N").parse().unwrap(),
            "--pool-check" => args.pool_check = true,
            "--rounds" => args.rounds = it.next().expect("--rounds N").parse().unwrap(),
            "--no-http" => args.no_http = true,
            "--answers" => args.answers = Some(it.next().expect("--answers FILE").into()),
            "--max-words" => {
                args.max_words = Some(it.next().expect("--max-words N").parse().unwrap())
            }
            "--times" => args.times = Some(it.next().expect("--times FILE").into()),
            "--pause-us" => {
                let micros = it.next().expect("--pause-us N").parse().unwrap();
                args.pause = Some(Duration::from_micros(micros))
            }
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => {
                eprintln!("unknown flag {other}\n{USAGE}");
                std::process::exit(2);
            }
        }
    }
    args
}

/// Peaks of resident memory, sampled every 20 ms: anonymous (the process's own heap) and
/// file-backed (pages of the mmapped index, which the kernel can drop at will).
struct MemorySampler {
    anon: std::sync::Arc<std::sync::atomic::AtomicU64>,
    file: std::sync::Arc<std::sync::atomic::AtomicU64>,
    total: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

fn status_kb(status: &str, key: &str) -> u64 {
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0)
}

impl MemorySampler {
    fn start() -> MemorySampler {
        use std::sync::atomic::{AtomicU64, Ordering};
        use std::sync::Arc;
        let (anon, file, total) = (
            Arc::new(AtomicU64::new(0)),
            Arc::new(AtomicU64::new(0)),
            Arc::new(AtomicU64::new(0)),
        );
        let (a, f, t) = (anon.clone(), file.clone(), total.clone());
        std::thread::spawn(move || loop {
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let (ra, rf) = (
                status_kb(&status, "RssAnon:"),
                status_kb(&status, "RssFile:"),
            );
            a.fetch_max(ra, Ordering::Relaxed);
            f.fetch_max(rf, Ordering::Relaxed);
            t.fetch_max(ra + rf + status_kb(&status, "RssShmem:"), Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(20));
        });
        MemorySampler { anon, file, total }
    }

    /// Reports the peaks since the last report, and starts over.
    fn report(&self, phase: &str) {
        use std::sync::atomic::Ordering;
        std::thread::sleep(Duration::from_millis(40));
        let mib = |v: &std::sync::atomic::AtomicU64| v.swap(0, Ordering::Relaxed) as f64 / 1024.0;
        println!(
            "memory during {phase}: peak RSS {:.0} MiB (anonymous {:.0} MiB, mapped index files {:.0} MiB)",
            mib(&self.total),
            mib(&self.anon),
            mib(&self.file)
        );
    }
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    let meta = e.metadata().unwrap();
                    if meta.is_dir() {
                        dir_size(&e.path())
                    } else {
                        meta.len()
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4 && !w.chars().all(|c| c.is_ascii_digit()))
        .collect()
}

struct Query {
    source: &'static str,
    target: &'static str,
    text: String,
    expected_source: String,
    expected_target: String,
}

/// One-word edits of real sentences, spread over the 12 directions.
fn queries(real: &[Unit], wanted: usize) -> Vec<Query> {
    let mut out = Vec::new();
    let mut i = 0usize;
    while out.len() < wanted && i < real.len() * 12 {
        let unit = &real[i % real.len()];
        let next = &real[(i + 1) % real.len()];
        let source = LANGS[(i / real.len()) % 4];
        let target = LANGS[(((i / real.len()) % 4) + 1 + (i % 3)) % 4];
        i += 1;
        let stored = &unit.variants[source].text;
        let candidates = words(stored);
        let replacements = words(&next.variants[source].text);
        if candidates.len() < 3 || replacements.is_empty() {
            continue;
        }
        let word = candidates[candidates.len() / 2];
        let Some(other) = replacements.iter().find(|w| **w != word) else {
            continue;
        };
        out.push(Query {
            source,
            target,
            text: stored.replacen(word, other, 1),
            expected_source: stored.clone(),
            expected_target: unit.variants[target].text.clone(),
        });
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// How far each lookup's matches (all of them, not only the first) are from those a ten times
/// larger candidate pool finds: a lookup for `limit` × 10 matches draws a pool ten times as
/// large (up to 200 candidates), and its first `limit` are what a larger pool would answer.
/// Untimed.
fn check_pool(memory: &Memory, lookups: &[(MatchQuery, &Query)]) {
    let (mut same_list, mut same_set, mut shared, mut wanted) = (0, 0, 0, 0);
    // The scores of matches 2 to `limit`, summed, in the answer and in the larger pool's.
    let (mut answered_scores, mut reference_scores, mut runners_up) = (0, 0, 0);
    for (query, _) in lookups {
        let answered = memory.find_matches(query).unwrap();
        let mut larger = query.clone();
        larger.limit = query.limit * 10;
        let mut reference = memory.find_matches(&larger).unwrap();
        reference.truncate(query.limit);
        for (a, r) in answered.iter().zip(&reference).skip(1) {
            answered_scores += a.score;
            reference_scores += r.score;
            runners_up += 1;
        }
        let ids = |found: Vec<tetraglot::memory::Match>| -> Vec<String> {
            found.into_iter().map(|m| m.unit.id.to_string()).collect()
        };
        let (answered, reference) = (ids(answered), ids(reference));
        same_list += usize::from(answered == reference);
        same_set += usize::from(
            answered.len() == reference.len() && answered.iter().all(|id| reference.contains(id)),
        );
        shared += answered.iter().filter(|id| reference.contains(id)).count();
        wanted += reference.len();
    }
    let share = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
    println!(
        "matches against a 10× pool: the same list in {:.1}% of lookups, the same units in {:.1}%, {:.1}% of the larger pool's matches found",
        share(same_list, lookups.len()),
        share(same_set, lookups.len()),
        share(shared, wanted)
    );
    let mean = |sum: u32| sum as f64 / runners_up.max(1) as f64;
    println!(
        "mean score of matches 2–{}: {:.2} answered, {:.2} with the 10× pool",
        lookups.first().map_or(0, |(q, _)| q.limit),
        mean(answered_scores),
        mean(reference_scores)
    );
}

fn report(label: &str, mut times: Vec<Duration>, hits: usize) {
    times.sort();
    println!(
        "| {label} | {} | {:.2} | {:.2} | {:.2} | {:.1}% |",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.iter().sum::<Duration>().as_secs_f64() * 1000.0 / times.len() as f64,
        100.0 * hits as f64 / times.len() as f64
    );
}

fn main() {
    let args = args();
    let real: Vec<Unit> = TmxReader::new(std::io::BufReader::new(
        std::fs::File::open(&args.real).expect("the real sentences"),
    ))
    .filter_map(|i| match i.unwrap() {
        Item::Unit(u) => Some(*u),
        Item::Skipped(_) => None,
    })
    .collect();
    let mut queries = queries(&real, args.queries);
    if let Some(most) = args.max_words {
        queries.retain(|q| q.text.split_whitespace().count() <= most);
        println!("queries of at most {most} words: {}", queries.len());
    }
    let sampler = MemorySampler::start();
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    if args.optimize_only {
        let memory = Memory::open(
            &args.data_dir,
            Mode::ReadWrite {
                heap_bytes: 64 << 20,
            },
        )
        .unwrap();
        let started = Instant::now();
        let segments = memory.optimize().wait().unwrap();
        println!(
            "optimize: {segments} segments in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    if !args.skip_import {
        let _ = std::fs::remove_dir_all(&args.data_dir);
        let memory = Memory::open(
            &args.data_dir,
            Mode::ReadWrite {
                heap_bytes: args.heap_mb << 20,
            },
        )
        .unwrap();
        let started = Instant::now();
        let report = tetraglot::engine::import_file(&memory, &args.scale, FileKind::Tmx, None)
            .unwrap()
            .report;
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "import: {} units in {seconds:.1} s = {:.0} units/s (committed); peak RSS so far {:.0} MiB",
            report.read,
            report.read as f64 / seconds,
            peak_rss_mib()
        );
        tetraglot::engine::import_file(&memory, &args.real, FileKind::Tmx, None).unwrap();
        sampler.report("import");
        let started = Instant::now();
        let segments = memory.optimize().wait().unwrap();
        println!(
            "optimize: {segments} segments merged into one in {:.1} s",
            started.elapsed().as_secs_f64(),
        );
        sampler.report("optimize");
        drop(memory);
    }
    println!(
        "index size: {:.1} MiB",
        dir_size(&args.data_dir) as f64 / (1 << 20) as f64
    );

    if let Some(peer) = &args.peer_dir {
        write_peer_files(peer, &args.scale, &real, &queries);
    }

    println!("| path | queries | p50 ms | p99 ms | mean ms | top-1 |");
    println!("|---|---|---|---|---|---|");
    {
        let memory = Memory::open(&args.data_dir, Mode::ReadOnly).unwrap();
        let lookups: Vec<(MatchQuery, &Query)> = queries
            .iter()
            .map(|q| {
                (
                    MatchQuery {
                        text: q.text.clone(),
                        source: Lang::parse(q.source).unwrap(),
                        targets: vec![Lang::parse(q.target).unwrap()],
                        min_score: MatchQuery::DEFAULT_MIN_SCORE,
                        limit: MatchQuery::DEFAULT_LIMIT,
                        context: None,
                        exclude_document: None,
                        only: Default::default(),
                    },
                    q,
                )
            })
            .collect();
        for (query, _) in lookups.iter().take(300) {
            memory.find_matches(query).unwrap();
        }
        if let Some(path) = &args.answers {
            use std::fmt::Write as _;
            let mut out = String::new();
            for (query, _) in &lookups {
                for m in memory.find_matches(query).unwrap() {
                    let _ = write!(out, "{} {} {:.4}\t", m.unit.id, m.score, m.similarity);
                }
                out.push('\n');
            }
            std::fs::write(path, out).unwrap();
        }
        let mut every_round: Vec<Vec<Duration>> = vec![Vec::new(); lookups.len()];
        for _ in 0..args.rounds {
            let mut times = Vec::with_capacity(lookups.len());
            let mut hits = 0;
            for ((query, q), rounds) in lookups.iter().zip(&mut every_round) {
                if let Some(pause) = args.pause {
                    std::thread::sleep(pause);
                }
                let started = Instant::now();
                let found = memory.find_matches(query).unwrap();
                let took = started.elapsed();
                times.push(took);
                rounds.push(took);
                if found
                    .first()
                    .is_some_and(|m| m.source_text == q.expected_source)
                {
                    hits += 1;
                }
            }
            report("in process", times, hits);
        }
        if let Some(path) = &args.times {
            use std::fmt::Write as _;
            let mut out = String::new();
            for ((_, q), rounds) in lookups.iter().zip(&every_round) {
                let _ = write!(out, "{}", q.text.split_whitespace().count());
                for time in rounds {
                    let _ = write!(out, "\t{}", time.as_micros());
                }
                out.push('\n');
            }
            std::fs::write(path, out).unwrap();
        }
        if args.pool_check {
            check_pool(&memory, &lookups);
        }
    }
    sampler.report("lookups in process");
    println!("peak RSS (in process): {:.0} MiB", peak_rss_mib());
    if args.no_http {
        return;
    }

    let (tx, rx) = std::sync::mpsc::channel();
    let data_dir = args.data_dir.clone();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let mut config = Config::for_data_dir(data_dir);
            config.locales_dir = Some(concat!(env!("CARGO_MANIFEST_DIR"), "/locales").into());
            let app = Application::build(config).unwrap();
            tx.send(app.url()).unwrap();
            app.run_until_stopped().await.unwrap();
        })
    });
    let url = rx.recv().unwrap();
    let agent = ureq::AgentBuilder::new().build();
    let mut times = Vec::with_capacity(queries.len());
    // What the server says it spent on each (`Server-Timing`): the rest of a client's time
    // is loopback TCP and the client itself.
    let mut server_times = Vec::with_capacity(queries.len());
    let mut hits = 0;
    for (n, q) in queries.iter().enumerate() {
        let body = serde_json::json!({"text": q.text, "source": q.source, "targets": [q.target]});
        let started = Instant::now();
        let response = agent
            .post(&format!("{url}/v1/match"))
            .send_json(body)
            .unwrap();
        let server_ms: f64 = response
            .header("server-timing")
            .and_then(|t| t.strip_prefix("app;dur="))
            .and_then(|ms| ms.parse().ok())
            .expect("a Server-Timing header");
        let answer: serde_json::Value = response.into_json().unwrap();
        if n >= 300 || queries.len() < 600 {
            times.push(started.elapsed());
            server_times.push(Duration::from_secs_f64(server_ms / 1000.0));
            if answer["matches"][0]["source_text"] == q.expected_source.as_str() {
                hits += 1;
            }
        }
    }
    report("HTTP, one client, keep-alive", times, hits);
    report("HTTP, the server's own time", server_times, hits);
    sampler.report("lookups over HTTP");
    println!("peak RSS (process, with server): {:.0} MiB", peak_rss_mib());
}

/// The same memory (scale file + real units) and queries as TSV for `pg_trgm_peer.py`.
fn write_peer_files(dir: &Path, scale: &Path, real: &[Unit], queries: &[Query]) {
    std::fs::create_dir_all(dir).unwrap();
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let mut memory =
        std::io::BufWriter::new(std::fs::File::create(dir.join("memory.tsv")).unwrap());
    writeln!(memory, "id\ten\thy\taz\tru").unwrap();
    let scale_units = TmxReader::new(std::io::BufReader::new(std::fs::File::open(scale).unwrap()))
        .filter_map(|i| match i.unwrap() {
            Item::Unit(u) => Some(*u),
            Item::Skipped(_) => None,
        });
    for unit in scale_units.chain(real.iter().cloned()) {
        let cells: Vec<String> = LANGS
            .iter()
            .map(|l| {
                unit.variants
                    .get(*l)
                    .map_or(String::new(), |v| clean(&v.text))
            })
            .collect();
        writeln!(memory, "{}\t{}", clean(&unit.id), cells.join("\t")).unwrap();
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("queries.tsv")).unwrap());
    writeln!(out, "source\ttarget\ttext\texpected").unwrap();
    for q in queries {
        writeln!(
            out,
            "{}\t{}\t{}\t{}",
            q.source,
            q.target,
            clean(&q.text),
            clean(&q.expected_target)
        )
        .unwrap();
    }
}
