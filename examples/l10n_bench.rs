//! Fluent format calls per second: on one core through the catalog, and over HTTP through
//! `POST /v1/l10n/format` on the real server.
//!
//! ```sh
//! cargo run --release --example l10n_bench [-- SECONDS_PER_CASE CLIENT_THREADS]
//! ```

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tetraglot::config::Config;
use tetraglot::l10n::{args_from_json, Catalog, LoadOptions};
use tetraglot::startup::Application;

const LOCALES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/locales");

/// (name, message id, arguments): what a page or a CAT plugin asks for.
fn cases() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("plain text", "section-politics", json!({})),
        (
            "plural + number",
            "article-reading-time",
            json!({"minutes": 21}),
        ),
        (
            "DATETIME long",
            "article-published",
            json!({"date": "2026-02-26"}),
        ),
        (
            "DATETIME + time",
            "article-updated",
            json!({"time": "2026-02-26T14:30:00+04:00"}),
        ),
        (
            "error, plural + big number",
            "error-payload-too-large",
            json!({"limit": 268435456}),
        ),
    ]
}

fn single_core(catalog: &Catalog, seconds: f64) {
    println!("single core, Catalog::format, per locale chain [locale, en]:");
    println!("| case | en | hy | az | ru |");
    println!("|---|---:|---:|---:|---:|");
    for (name, id, args) in cases() {
        let (args, _) = args_from_json(args.as_object().unwrap());
        let mut row = format!("| {name} (`{id}`) |");
        for tag in ["en", "hy", "az", "ru"] {
            let chain = catalog.chain_for(tag);
            let started = Instant::now();
            let mut calls = 0u64;
            while started.elapsed().as_secs_f64() < seconds {
                for _ in 0..1000 {
                    let f = catalog.format(&chain, id, Some(&args));
                    std::hint::black_box(&f);
                }
                calls += 1000;
            }
            let rate = calls as f64 / started.elapsed().as_secs_f64();
            row.push_str(&format!(" {:.0} k/s |", rate / 1000.0));
        }
        println!("{row}");
    }
}

fn over_http(seconds: f64, clients: usize, per_request: usize) -> (f64, f64) {
    let data = tempfile::tempdir().unwrap();
    let mut config = Config::for_data_dir(data.path());
    config.locales_dir = Some(LOCALES.into());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = Application::build(config).expect("the server starts");
            tx.send((app.url(), app.handle())).unwrap();
            app.run_until_stopped().await.unwrap();
        })
    });
    let (url, handle) = rx.recv().unwrap();
    let all = cases();
    let messages: Vec<Value> = (0..per_request)
        .map(|i| {
            let (_, id, args) = &all[i % all.len()];
            json!({"id": id, "args": args})
        })
        .collect();
    let body = json!({"messages": messages}).to_string();
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let languages = ["hy", "ru;q=0.5, hy;q=0.9", "az", "ru", "en-GB"];
    let workers: Vec<_> = (0..clients)
        .map(|i| {
            let (url, body, stop, done) = (url.clone(), body.clone(), stop.clone(), done.clone());
            let language = languages[i % languages.len()];
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new().build();
                while !stop.load(Ordering::Relaxed) {
                    let response = agent
                        .post(&format!("{url}/v1/l10n/format"))
                        .set("Content-Type", "application/json")
                        .set("Accept-Language", language)
                        .send_string(&body)
                        .expect("format answers");
                    let _ = response.into_string().unwrap();
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    // Warm up, then measure.
    std::thread::sleep(Duration::from_millis(500));
    let before = done.load(Ordering::Relaxed);
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs_f64(seconds));
    let requests = done.load(Ordering::Relaxed) - before;
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.join().unwrap();
    }
    actix_web::rt::System::new().block_on(handle.stop(true));
    let per_second = requests as f64 / elapsed;
    (per_second, per_second * per_request as f64)
}

fn main() {
    let mut argv = std::env::args().skip(1);
    let seconds: f64 = argv.next().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let clients: usize = argv.next().and_then(|s| s.parse().ok()).unwrap_or(4);
    let catalog =
        Catalog::load(Path::new(LOCALES), &LoadOptions::default()).expect("the locales load");
    single_core(&catalog, seconds);
    // All cases in a round, across the four locales: the mixed single-core rate.
    let all: Vec<_> = cases()
        .into_iter()
        .map(|(_, id, args)| (id, args_from_json(args.as_object().unwrap()).0))
        .collect();
    let chains: Vec<Vec<String>> = ["en", "hy", "az", "ru"]
        .iter()
        .map(|t| catalog.chain_for(t))
        .collect();
    let started = Instant::now();
    let mut calls = 0u64;
    while started.elapsed().as_secs_f64() < seconds * 2.0 {
        for chain in &chains {
            for (id, args) in &all {
                std::hint::black_box(catalog.format(chain, id, Some(args)));
                calls += 1;
            }
        }
    }
    println!(
        "\nsingle core, mixed (all cases × 4 locales): {:.0} format calls/s",
        calls as f64 / started.elapsed().as_secs_f64()
    );
    println!("\nover HTTP, POST /v1/l10n/format, {clients} keep-alive client threads on the same machine:");
    for per_request in [1, 10, 100] {
        let (requests, formats) = over_http(seconds * 3.0, clients, per_request);
        println!(
            "  {per_request:3} messages/request: {requests:.0} requests/s, {formats:.0} format calls/s"
        );
    }
}
