//! `POST /v1/match/batch`: many lookups in one request, each answered as `/v1/match` would.

use crate::common::{seeded_in, spawn_in, TestServer};
use serde_json::{json, Value};

fn seeded(dir: &std::path::Path) -> TestServer {
    seeded_in(dir, |_| {})
}

const SEGMENTS: [&str; 6] = [
    "The first train will leave Yerevan at 07:45 and is expected to arrive in Baku at 21:30 the same day.",
    "The first train will leave Yerevan at 09:15 and is expected to arrive in Baku at 21:30 the same day.",
    "Weather for Yerevan on Saturday: sunny, 18-20 degrees.",
    "Completely unrelated words about gardening tools.",
    "Pyunik beat Sabah 2:1 in the final of the Caucasus Cup in Tbilisi on Saturday evening.",
    "The first train will leave Yerevan at 07:45 and is expected to arrive in Baku at 21:30 the same day.",
];

#[test]
fn each_segment_gets_what_a_single_lookup_gets_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let server = seeded(dir.path());
    for (targets, min_score, limit) in [
        (json!(["hy"]), json!(null), json!(null)),
        (json!(["ru", "az"]), json!(60), json!(2)),
        (json!([]), json!(90), json!(1)),
    ] {
        let batch = server.post_json(
            "/v1/match/batch",
            &json!({
                "source": "en",
                "targets": targets,
                "min_score": min_score,
                "limit": limit,
                "segments": SEGMENTS.iter().map(|t| json!({"text": t})).collect::<Vec<_>>(),
            }),
        );
        assert_eq!(batch.status, 200, "{}", batch.text());
        let results = batch.json()["results"].as_array().unwrap().clone();
        assert_eq!(results.len(), SEGMENTS.len());
        for (text, result) in SEGMENTS.iter().zip(&results) {
            let single = server.post_json(
                "/v1/match",
                &json!({"text": text, "source": "en", "targets": targets, "min_score": min_score, "limit": limit}),
            );
            assert_eq!(single.status, 200);
            assert_eq!(result, &single.json(), "{text}");
        }
        assert_eq!(results[0], results[5], "a repeated segment, answered twice");
        assert_eq!(results[3]["matches"], json!([]));
    }
}

#[test]
fn a_segment_may_carry_its_context() {
    let dir = tempfile::tempdir().unwrap();
    let server = seeded(dir.path());
    let second =
        "The first train will leave Yerevan at 07:45 and is expected to arrive in Baku at 21:30 the same day.";
    let prev = "Passenger trains between Yerevan and Baku will resume on 14 March 2026 after a break of more than 30 years.";
    let batch = server.post_json(
        "/v1/match/batch",
        &json!({
            "source": "en",
            "targets": ["hy"],
            "segments": [
                {"text": second, "context": {"prev": prev, "document": "railway-2026"}},
                {"text": second},
            ],
        }),
    );
    assert_eq!(batch.status, 200, "{}", batch.text());
    let results = batch.json()["results"].clone();
    let single = server.post_json(
        "/v1/match",
        &json!({"text": second, "source": "en", "targets": ["hy"], "context": {"prev": prev, "document": "railway-2026"}}),
    );
    assert_eq!(results[0], single.json());
    assert_eq!(results[0]["matches"][0]["score"], 101);
    assert_eq!(results[1]["matches"][0]["score"], 100);
}

#[test]
fn limits_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let server = seeded(dir.path());
    let segments = |n: usize| -> Vec<Value> {
        (0..n)
            .map(|i| json!({"text": SEGMENTS[i % SEGMENTS.len()]}))
            .collect()
    };
    let full = server.post_json(
        "/v1/match/batch",
        &json!({"source": "en", "targets": ["hy"], "segments": segments(100)}),
    );
    assert_eq!(full.status, 200, "{}", full.text());
    assert_eq!(full.json()["results"].as_array().unwrap().len(), 100);

    server
        .post_json(
            "/v1/match/batch",
            &json!({"source": "en", "targets": ["hy"], "segments": segments(101)}),
        )
        .assert_error(422, "too_many_segments");

    let empty = server.post_json("/v1/match/batch", &json!({"source": "en", "segments": []}));
    assert_eq!(empty.status, 200);
    assert_eq!(empty.json(), json!({"results": []}));

    let bad_segment = server.post_json(
        "/v1/match/batch",
        &json!({"source": "en", "segments": [{"text": "Fine."}, {"text": "  "}]}),
    );
    bad_segment.assert_error(422, "empty_text");
    assert!(bad_segment.json()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("segments[1]"));

    server
        .post_json(
            "/v1/match/batch",
            &json!({"source": "english!", "segments": [{"text": "Fine."}]}),
        )
        .assert_error(400, "invalid_language");
    server
        .post_json(
            "/v1/match/batch",
            &json!({"source": "en", "limit": 0, "segments": [{"text": "Fine."}]}),
        )
        .assert_error(422, "invalid_limit");
    server
        .post_json(
            "/v1/match/batch",
            &json!({"source": "en", "segments": ["Fine."]}),
        )
        .assert_error(400, "invalid_request");
    server
        .get("/v1/match/batch")
        .assert_error(405, "method_not_allowed");

    // Localised like every error.
    let localised = server.post_json(
        "/v1/match/batch?locale=hy",
        &json!({"source": "en", "segments": segments(101)}),
    );
    assert_eq!(localised.status, 422);
    assert_eq!(localised.header("content-language"), Some("hy"));
}

#[test]
fn the_batch_needs_the_api_key() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |config| config.master_key = Some("k".into()));
    server
        .post_json(
            "/v1/match/batch",
            &json!({"source": "en", "segments": [{"text": "Fine."}]}),
        )
        .assert_error(401, "unauthorized");
}
