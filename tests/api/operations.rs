//! What an operator watches: `/metrics` read by a Prometheus text parser, `/health/ready`
//! when the memory can and cannot take writes, and request ids taken from the client.

use std::collections::HashMap;

use serde_json::json;

use crate::common::spawn_in;

const MASTER: &str = "operations-master";

fn bearer() -> (&'static str, String) {
    ("Authorization", format!("Bearer {MASTER}"))
}

type Exposition = openmetrics_parser::MetricsExposition<
    openmetrics_parser::PrometheusType,
    openmetrics_parser::PrometheusValue,
>;

/// The samples of the family `name`: each one's labels and value (a histogram's count).
fn samples(scrape: &Exposition, name: &str) -> Vec<(HashMap<String, String>, f64)> {
    use openmetrics_parser::PrometheusValue as V;
    let family = scrape
        .families
        .get(name)
        .unwrap_or_else(|| panic!("no family {name}"));
    family
        .iter_samples()
        .map(|sample| {
            let labels = sample
                .get_labelset()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let value = match &sample.value {
                V::Counter(c) => c.value.as_f64(),
                V::Gauge(n) | V::Unknown(n) => n.as_f64(),
                V::Histogram(h) => h.count.unwrap_or(0) as f64,
                V::Summary(s) => s.count.unwrap_or(0) as f64,
            };
            (labels, value)
        })
        .collect()
}

fn scrape(text: &str) -> Exposition {
    openmetrics_parser::prometheus::parse_prometheus(text).expect("Prometheus text format")
}

#[test]
fn metrics_count_requests_by_route_lookups_and_units_by_language() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |config| config.master_key = Some(MASTER.into()));
    let (name, value) = bearer();
    let auth = [(name, value.as_str())];
    let units = json!({"units": [
        {"variants": {"en": "The bridge opens in May.", "hy": "Կամուրջը կբացվի մայիսին։"}},
        {"variants": {"en": "The line opens in March.", "ru": "Линия откроется в марте."}}
    ]});
    assert_eq!(
        server
            .request("POST", "/v1/units", &auth, Some(&units))
            .status,
        201
    );
    for id in ["a", "b", "c"] {
        assert_eq!(
            server
                .request("GET", &format!("/v1/units/{id}"), &auth, None)
                .status,
            404
        );
    }
    let lookup = json!({"source": "en", "text": "The bridge opens in June."});
    assert_eq!(
        server
            .request("POST", "/v1/match", &auth, Some(&lookup))
            .status,
        200
    );
    let batch = json!({"source": "en", "segments": [{"text": "The bridge opens."}, {"text": "The line opens."}]});
    assert_eq!(
        server
            .request("POST", "/v1/match/batch", &auth, Some(&batch))
            .status,
        200
    );

    // Not for a read key, nor without one.
    server.get("/metrics").assert_error(401, "unauthorized");
    let made = server.request(
        "POST",
        "/v1/keys",
        &auth,
        Some(&json!({"name": "r", "role": "read"})),
    );
    let read = format!("Bearer {}", made.json()["key"].as_str().unwrap());
    server
        .request("GET", "/metrics", &[("Authorization", read.as_str())], None)
        .assert_error(403, "forbidden");

    let answer = server.request("GET", "/metrics", &auth, None);
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(answer
        .header("Content-Type")
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = answer.text();
    let parsed = scrape(&text);
    let requests = samples(&parsed, "tetraglot_http_requests_total");
    let count = |route: &str, method: &str, status: &str| {
        requests
            .iter()
            .find(|(l, _)| l["route"] == route && l["method"] == method && l["status"] == status)
            .map(|(_, v)| *v)
    };
    // By pattern: three ids, one series.
    assert_eq!(count("/v1/units/{id}", "GET", "404"), Some(3.0), "{text}");
    assert_eq!(count("/v1/units", "POST", "201"), Some(1.0));
    assert_eq!(count("/metrics", "GET", "401"), Some(1.0));
    assert_eq!(count("/metrics", "GET", "403"), Some(1.0));
    assert_eq!(samples(&parsed, "tetraglot_lookups_total")[0].1, 3.0);
    assert_eq!(samples(&parsed, "tetraglot_units")[0].1, 2.0);
    let by_language = samples(&parsed, "tetraglot_units_by_language");
    let of = |lang: &str| {
        by_language
            .iter()
            .find(|(l, _)| l["language"] == lang)
            .map(|(_, v)| *v)
    };
    assert_eq!(
        (of("en"), of("hy"), of("ru")),
        (Some(2.0), Some(1.0), Some(1.0))
    );
    assert!(samples(&parsed, "tetraglot_index_bytes")[0].1 > 0.0);
    // The units' write and the key's were committed; none failed.
    assert!(samples(&parsed, "tetraglot_commits_total")[0].1 >= 1.0);
    assert_eq!(
        samples(&parsed, "tetraglot_commit_failures_total")[0].1,
        0.0
    );
    assert!(samples(&parsed, "tetraglot_commit_seconds_total")[0].1 > 0.0);
    // The latency histogram: one observation per request, by route.
    let latency = samples(&parsed, "tetraglot_http_request_duration_seconds");
    let observed = |route: &str| {
        latency
            .iter()
            .find(|(l, _)| l["route"] == route)
            .map(|(_, n)| *n)
    };
    assert_eq!(observed("/v1/units/{id}"), Some(3.0));
    assert_eq!(observed("/v1/match"), Some(1.0));
    server.stop();

    // Listed in --public, anyone may scrape.
    let open = spawn_in(dir.path(), |config| {
        config.master_key = Some(MASTER.into());
        config.public.push("/metrics".into());
    });
    assert_eq!(open.get("/metrics").status, 200);
}

#[test]
fn readiness_says_when_the_memory_cannot_take_writes() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let ready = server.get("/health/ready");
    assert_eq!(ready.status, 200, "{}", ready.text());
    assert_eq!(ready.json()["writable"], true);
    assert!(ready.json()["free_bytes"].as_u64().unwrap() > 0);
    // The writer gone (as after a fatal error): not ready, and why; liveness stays 200.
    server.memory.close();
    let refused = server.get("/health/ready");
    refused.assert_error(503, "not_ready");
    assert!(refused.text().contains("writer"), "{}", refused.text());
    assert_eq!(server.get("/health").status, 200);
}

#[test]
fn a_client_request_id_is_kept_and_a_forged_one_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let kept = server.get_with("/health", "X-Request-Id", "cms-7f3a:42");
    assert_eq!(kept.header("X-Request-Id"), Some("cms-7f3a:42"));
    let replaced = server.get_with("/health", "X-Request-Id", "x\" level=ERROR forged");
    let made = replaced.header("X-Request-Id").unwrap();
    assert!(!made.contains("forged") && !made.is_empty(), "{made}");
    let own = server.get("/health");
    assert_ne!(
        own.header("X-Request-Id"),
        Some(made),
        "a new id per request"
    );
}
