//! Batch lookup against single lookups, over HTTP on the real server: the per-segment time of
//! pre-translating N segments with `POST /v1/match` one by one (1 and 2 clients) and with
//! `POST /v1/match/batch` (100 per request; 1 and 2 clients), in one sitting, rounds
//! interleaved so that drift on a shared machine hits both alike.
//!
//! ```sh
//! cargo run --release --example batch_bench -- --memory memories --memory ../shared/data/ntrex-dev.tmx
//! python3 ../shared/bench/gen_scale.py 100000 /tmp/scale100k.tmx
//! cargo run --release --example batch_bench -- --memory /tmp/scale100k.tmx \
//!     --memory ../shared/data/ntrex-dev.tmx --data-dir /tmp/tg-batch-100k
//! ```
//!
//! Segments: the English side of the stored units, every other one with one word changed (a
//! fuzzy match) and one in ten repeated (as documents repeat sentences; `--no-repeats` leaves
//! that out), looked up en → hy.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tetraglot::config::Config;
use tetraglot::formats::{tmx::TmxReader, FileKind, Item};
use tetraglot::index::Mode;
use tetraglot::memory::{MatchQuery, Memory};
use tetraglot::model::lang::Lang;
use tetraglot::model::unit::Unit;
use tetraglot::startup::Application;

struct Args {
    memories: Vec<PathBuf>,
    data_dir: PathBuf,
    segments: usize,
    rounds: usize,
    /// Repeat one segment in ten (as documents repeat sentences).
    repeats: bool,
}

fn args() -> Args {
    let mut args = Args {
        memories: Vec::new(),
        data_dir: PathBuf::from("/tmp/tetraglot-batch-bench"),
        segments: 1000,
        rounds: 3,
        repeats: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--memory" => args.memories.push(it.next().expect("--memory PATH").into()),
            "--data-dir" => args.data_dir = it.next().expect("--data-dir DIR").into(),
            "--segments" => args.segments = it.next().expect("--segments N").parse().unwrap(),
            "--rounds" => args.rounds = it.next().expect("--rounds N").parse().unwrap(),
            "--no-repeats" => args.repeats = false,
            other => panic!("unknown flag {other}"),
        }
    }
    if args.memories.is_empty() {
        args.memories.push("memories".into());
    }
    args
}

/// The TMX files of `path` (a file, or the `.tmx` files of a directory).
fn tmx_files(path: &Path) -> Vec<PathBuf> {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "tmx"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    }
}

/// English sentences of the memory's en+hy units (up to `wanted`, spread over the files).
fn sentences(files: &[PathBuf], wanted: usize) -> Vec<String> {
    let mut out = Vec::new();
    for file in files.iter().rev() {
        let bytes = std::fs::read(file).unwrap();
        for item in TmxReader::new(&bytes[..]) {
            if let Ok(Item::Unit(unit)) = item {
                let unit: Unit = *unit;
                if let (Some(en), Some(_)) = (unit.variants.get("en"), unit.variants.get("hy")) {
                    out.push(en.text.clone());
                }
            }
            if out.len() >= wanted {
                return out;
            }
        }
    }
    out
}

/// Pre-translation segments: stored sentences, every other with a word changed, a tenth
/// repeated.
fn segments(sentences: &[String], wanted: usize, repeats: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(wanted);
    let mut i = 0;
    while out.len() < wanted {
        if repeats && out.len() % 10 == 9 {
            out.push(out[out.len() / 2].clone());
            continue;
        }
        let sentence = &sentences[i % sentences.len()];
        i += 1;
        if i % 2 == 0 {
            let words: Vec<&str> = sentence.split(' ').collect();
            if words.len() > 4 {
                let mut words = words;
                let middle = words.len() / 2;
                words[middle] = "remarkable";
                out.push(words.join(" "));
                continue;
            }
        }
        out.push(sentence.clone());
    }
    out
}

fn post(agent: &ureq::Agent, url: &str, body: &Value) -> Value {
    agent
        .post(url)
        .send_json(body.clone())
        .unwrap_or_else(|e| panic!("{url}: {e}"))
        .into_json()
        .unwrap()
}

/// Runs `segments` through `clients` threads: single lookups, or batches of `batch`.
fn run(url: &str, segments: &[String], clients: usize, batch: Option<usize>) -> Duration {
    let share = segments.len().div_ceil(clients);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for part in segments.chunks(share) {
            scope.spawn(move || {
                let agent = ureq::AgentBuilder::new().build();
                match batch {
                    None => {
                        for text in part {
                            let answer = post(
                                &agent,
                                &format!("{url}/v1/match"),
                                &json!({"text": text, "source": "en", "targets": ["hy"]}),
                            );
                            assert!(answer["matches"].is_array());
                        }
                    }
                    Some(size) => {
                        for chunk in part.chunks(size) {
                            let answer = post(
                                &agent,
                                &format!("{url}/v1/match/batch"),
                                &json!({
                                    "source": "en",
                                    "targets": ["hy"],
                                    "segments": chunk.iter().map(|t| json!({"text": t})).collect::<Vec<_>>(),
                                }),
                            );
                            assert_eq!(answer["results"].as_array().unwrap().len(), chunk.len());
                        }
                    }
                }
            });
        }
    });
    started.elapsed()
}

/// `Memory::find_matches` without HTTP, on 1 and 2 threads: the floor, and what the two
/// cores give.
fn in_process(data_dir: &Path, segments: &[String]) -> Vec<(&'static str, Duration)> {
    let memory = Memory::open(data_dir, Mode::ReadOnly).unwrap();
    let en = Lang::parse("en").unwrap();
    let hy = Lang::parse("hy").unwrap();
    let queries: Vec<MatchQuery> = segments
        .iter()
        .map(|t| MatchQuery::new(t.clone(), en.clone(), vec![hy.clone()]))
        .collect();
    let run = |threads: usize| {
        let started = Instant::now();
        std::thread::scope(|scope| {
            for part in queries.chunks(queries.len().div_ceil(threads)) {
                let memory = &memory;
                scope.spawn(move || {
                    for q in part {
                        memory.find_matches(q).unwrap();
                    }
                });
            }
        });
        started.elapsed()
    };
    run(2);
    let (mut one, mut two) = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        one = one.min(run(1));
        two = two.min(run(2));
    }
    vec![
        ("in process, find_matches, 1 thread", one),
        ("in process, find_matches, 2 threads", two),
    ]
}

fn main() {
    let args = args();
    let files: Vec<PathBuf> = args.memories.iter().flat_map(|p| tmx_files(p)).collect();
    if !args.data_dir.join("meta.json").exists() {
        let started = Instant::now();
        let memory = Memory::open(
            &args.data_dir,
            Mode::ReadWrite {
                heap_bytes: 512 << 20,
            },
        )
        .unwrap();
        for file in &files {
            tetraglot::engine::import_file(&memory, file, FileKind::Tmx, None).unwrap();
        }
        memory.close();
        println!(
            "imported {} files in {:.1} s",
            files.len(),
            started.elapsed().as_secs_f64()
        );
    }

    let segments = segments(
        &sentences(&files, args.segments),
        args.segments,
        args.repeats,
    );
    let in_process = in_process(&args.data_dir, &segments);

    let (tx, rx) = std::sync::mpsc::channel();
    let data_dir = args.data_dir.clone();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = Application::build(Config::for_data_dir(data_dir)).unwrap();
            tx.send(app.url()).unwrap();
            app.run_until_stopped().await.unwrap();
        })
    });
    let url = rx.recv().unwrap();
    let units = ureq::get(&format!("{url}/health"))
        .call()
        .unwrap()
        .into_json::<Value>()
        .unwrap()["units"]
        .clone();
    println!(
        "memory: {units} units; {} segments ({}), en → hy; {} cores",
        segments.len(),
        if args.repeats {
            "a tenth repeated"
        } else {
            "no repeats"
        },
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    let cases: [(&str, usize, Option<usize>); 4] = [
        ("single /v1/match, 1 client", 1, None),
        ("single /v1/match, 2 clients", 2, None),
        ("batch of 100, 1 client", 1, Some(100)),
        ("batch of 100, 2 clients", 2, Some(100)),
    ];
    // Warm-up: the index's pages and the allocator.
    run(&url, &segments, 2, Some(100));
    let mut best = [Duration::MAX; 4];
    for _ in 0..args.rounds {
        for (i, (_, clients, batch)) in cases.iter().enumerate() {
            best[i] = best[i].min(run(&url, &segments, *clients, *batch));
        }
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / segments.len() as f64;
    let single = per(best[0]);
    println!("| how | µs per segment | segments/s | vs single, 1 client |");
    println!("|---|---:|---:|---:|");
    for (i, (label, _, _)) in cases.iter().enumerate() {
        let us = per(best[i]);
        println!(
            "| {label} | {us:.0} | {:.0} | {:.2}× |",
            1e6 / us,
            single / us
        );
    }
    for (label, d) in in_process {
        let us = per(d);
        println!(
            "| {label} | {us:.0} | {:.0} | {:.2}× |",
            1e6 / us,
            single / us
        );
    }
    std::process::exit(0);
}
