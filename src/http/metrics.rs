//! `GET /metrics`: what an operator monitors, in Prometheus's text format — requests by
//! route and status, their latency, lookups, rate-limit refusals, uploads in progress, and
//! the memory's size (units per language, bytes on disk), read when scraped.

use actix_web::{web, HttpRequest, HttpResponse};
use prometheus::{
    Counter, Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

use super::access;
use super::error::{reading, ApiError};
use super::AppState;
use crate::auth::Role;

/// The process's metrics. Made once at start; cheap to update from any thread.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    lookups: IntCounter,
    rate_limited: IntCounter,
    uploads: IntGauge,
    units: IntGauge,
    units_by_language: IntGaugeVec,
    index_bytes: IntGauge,
    /// Tasks waiting and running: the queue's depth.
    tasks: IntGaugeVec,
    /// How long a scrape's reading of the memory took (it walks the data directory).
    scrape: Histogram,
    commits: IntCounter,
    commit_failures: IntCounter,
    commit_seconds: Counter,
    /// The memory's commit totals at the last scrape: counters only go up by what is new.
    commits_seen: std::sync::Mutex<crate::index::Commits>,
}

/// Latency buckets, in seconds: lookups take well under a millisecond, imports minutes.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0,
];

impl Metrics {
    pub fn new() -> Metrics {
        let registry =
            Registry::new_custom(Some("tetraglot".into()), None).expect("a valid metric prefix");
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests answered, by route, method and status",
            ),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time from a request's arrival to its answer, by route",
            )
            .buckets(BUCKETS.to_vec()),
            &["route"],
        )
        .expect("valid metric");
        let lookups = IntCounter::new(
            "lookups_total",
            "Sentences looked up (/v1/match, each of a batch, /tmserver)",
        )
        .expect("valid metric");
        let rate_limited = IntCounter::new(
            "rate_limited_total",
            "Requests refused because their key was over its rate limit",
        )
        .expect("valid metric");
        let uploads = IntGauge::new("uploads_in_progress", "Imports being received now")
            .expect("valid metric");
        let units = IntGauge::new("units", "Units in the memory").expect("valid metric");
        let units_by_language = IntGaugeVec::new(
            Opts::new(
                "units_by_language",
                "Units holding a variant in the language",
            ),
            &["language"],
        )
        .expect("valid metric");
        let index_bytes = IntGauge::new("index_bytes", "Bytes the data directory takes on disk")
            .expect("valid metric");
        let tasks = IntGaugeVec::new(
            Opts::new(
                "tasks",
                "Tasks (long imports, optimize) waiting (enqueued) and running (processing)",
            ),
            &["status"],
        )
        .expect("valid metric");
        let scrape = Histogram::with_opts(
            HistogramOpts::new(
                "metrics_scrape_seconds",
                "Time a scrape spends reading the memory's size",
            )
            .buckets(BUCKETS.to_vec()),
        )
        .expect("valid metric");
        let commits =
            IntCounter::new("commits_total", "Index commits written").expect("valid metric");
        let commit_failures = IntCounter::new(
            "commit_failures_total",
            "Index commits that failed and were rolled back",
        )
        .expect("valid metric");
        let commit_seconds = Counter::new(
            "commit_seconds_total",
            "Time spent committing (with commits_total: the mean commit latency)",
        )
        .expect("valid metric");
        let metrics = Metrics {
            commits,
            commit_failures,
            commit_seconds,
            commits_seen: Default::default(),
            registry,
            requests,
            latency,
            lookups,
            rate_limited,
            uploads,
            units,
            units_by_language,
            index_bytes,
            tasks,
            scrape,
        };
        let collectors: Vec<Box<dyn prometheus::core::Collector>> = vec![
            Box::new(metrics.requests.clone()),
            Box::new(metrics.latency.clone()),
            Box::new(metrics.lookups.clone()),
            Box::new(metrics.rate_limited.clone()),
            Box::new(metrics.uploads.clone()),
            Box::new(metrics.units.clone()),
            Box::new(metrics.units_by_language.clone()),
            Box::new(metrics.index_bytes.clone()),
            Box::new(metrics.tasks.clone()),
            Box::new(metrics.scrape.clone()),
            Box::new(metrics.commits.clone()),
            Box::new(metrics.commit_failures.clone()),
            Box::new(metrics.commit_seconds.clone()),
        ];
        for collector in collectors {
            metrics
                .registry
                .register(collector)
                .expect("each metric registered once");
        }
        metrics
    }

    /// One answered request. `route` is its pattern (`/v1/units/{id}`), never the path, so
    /// the labels stay few whatever clients ask.
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        // A client can send any method name: only the ones HTTP defines become labels, or
        // made-up names would each add a series for ever.
        let method = match method {
            "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
            _ => "other",
        };
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.latency.with_label_values(&[route]).observe(seconds);
        if status == 429 {
            self.rate_limited.inc();
        }
    }

    /// Brings the commit counters up to the memory's totals.
    fn commits(&self, now: crate::index::Commits) {
        let mut seen = self.commits_seen.lock().unwrap_or_else(|e| e.into_inner());
        self.commits.inc_by(now.count.saturating_sub(seen.count));
        self.commit_failures
            .inc_by(now.failed.saturating_sub(seen.failed));
        self.commit_seconds
            .inc_by(now.micros.saturating_sub(seen.micros) as f64 / 1e6);
        *seen = now;
    }

    /// `n` sentences looked up.
    pub fn lookups(&self, n: usize) {
        self.lookups.inc_by(n as u64);
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

/// `GET /metrics`, for the admin key unless `--public` lists `/metrics`.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String)),
)]
pub async fn scrape(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    access::require(&req, Role::Admin).or_else(|refusal| {
        match access::is_public(&state.public, req.path()) {
            true => Ok(crate::auth::Caller::Open),
            false => Err(refusal),
        }
    })?;
    let metrics = state.metrics.clone();
    metrics
        .uploads
        .set((state.max_uploads - state.uploads.available_permits()) as i64);
    let (waiting, running) = state.tasks.depth();
    for (status, count) in [("enqueued", waiting), ("processing", running)] {
        metrics.tasks.with_label_values(&[status]).set(count as i64);
    }
    let memory = state.memory.clone();
    let timer = metrics.scrape.start_timer();
    let stats = reading(move || memory.stats()).await??;
    timer.observe_duration();
    metrics.commits(state.memory.commits());
    metrics.units.set(stats.units as i64);
    metrics.index_bytes.set(stats.index_bytes as i64);
    metrics.units_by_language.reset();
    for (language, count) in &stats.languages {
        metrics
            .units_by_language
            .with_label_values(&[language.as_str()])
            .set(*count as i64);
    }
    let mut body = Vec::new();
    TextEncoder::new()
        .encode(&metrics.registry.gather(), &mut body)
        .map_err(|e| ApiError::internal(format!("the metrics could not be written: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body))
}
