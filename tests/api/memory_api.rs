//! The translation-memory core over HTTP: import, match in every direction, export,
//! restart, and the errors of bad input.

use std::collections::BTreeMap;

use crate::common::{read_tmx, seed_dir, seed_files, spawn_in, TestServer};
use serde_json::{json, Value};
use tetraglot::model::unit::Unit;

const LANGS: [&str; 4] = ["en", "hy", "az", "ru"];

fn seed_units() -> Vec<Unit> {
    seed_files()
        .iter()
        .flat_map(|p| read_tmx(&std::fs::read(p).unwrap()))
        .collect()
}

fn import_seeds(server: &TestServer) -> Value {
    let mut total = json!({"read": 0, "added": 0, "merged": 0});
    for file in seed_files() {
        let response = server.send(
            "POST",
            "/v1/import",
            "application/x-tmx+xml",
            &std::fs::read(&file).unwrap(),
        );
        assert_eq!(response.status, 200, "{}", response.text());
        let report = response.json();
        assert_eq!(report["skipped"], json!([]), "{}", file.display());
        for key in ["read", "added", "merged"] {
            total[key] = json!(total[key].as_u64().unwrap() + report[key].as_u64().unwrap());
        }
    }
    total
}

/// Replaces the longest word of `text` (by chars) with `other`: a one-word change.
pub fn change_one_word(text: &str, other: &str) -> String {
    let longest = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .max_by_key(|w| w.chars().count())
        .unwrap();
    text.replacen(longest, other, 1)
}

fn longest_word(text: &str) -> String {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .max_by_key(|w| w.chars().count())
        .unwrap()
        .to_string()
}

#[test]
fn import_match_in_all_twelve_directions_and_export_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let units = seed_units();
    let report = import_seeds(&server);
    assert_eq!(report["read"], units.len() as u64);
    assert_eq!(report["added"], units.len() as u64);
    assert_eq!(server.get("/health").json()["units"], units.len() as u64);

    // Every direction: a stored sentence with one word swapped for a word of another
    // sentence finds its unit first, with a high score and the requested target.
    let mut checked = 0;
    for (i, unit) in units.iter().enumerate() {
        let neighbour = &units[(i + 7) % units.len()];
        for source in LANGS {
            for target in LANGS.iter().filter(|t| **t != source) {
                let stored = &unit.variants[source].text;
                let other = longest_word(&neighbour.variants[source].text);
                let query = change_one_word(stored, &other);
                let response = server.post_json(
                    "/v1/match",
                    &json!({"text": query, "source": source, "targets": [target], "limit": 3}),
                );
                assert_eq!(response.status, 200, "{}", response.text());
                let body = response.json();
                let best = &body["matches"][0];
                assert_eq!(
                    best["unit_id"],
                    unit.id.as_str(),
                    "{source}→{target}: {query}\n{body:#}"
                );
                assert_eq!(best["source_text"], stored.as_str());
                assert_eq!(
                    best["targets"][target],
                    unit.variants[*target].text.as_str()
                );
                let score = best["score"].as_u64().unwrap();
                assert!((60..100).contains(&score), "{score} for {query}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, units.len() * 12);

    // Export gives back every unit whole: texts, inline codes, props, notes, dates.
    let exported = server.get("/v1/export?format=tmx");
    assert_eq!(exported.status, 200);
    assert!(
        exported.content_type.contains("tmx"),
        "{}",
        exported.content_type
    );
    let back: BTreeMap<String, Unit> = read_tmx(&exported.body)
        .into_iter()
        .map(|u| (u.id.to_string(), u))
        .collect();
    assert_eq!(back.len(), units.len());
    for unit in &units {
        let mut exported = back[unit.id.as_str()].clone();
        // The import linked each sentence to its neighbours in the article: that is added.
        assert!(exported.meta.prev.is_some() || exported.meta.next.is_some());
        (exported.meta.prev, exported.meta.next) = (None, None);
        assert_eq!(&exported, unit);
    }
    assert!(
        units.iter().any(|u| u.variants["en"].markup.is_some()),
        "the seeds exercise inline codes"
    );

    // A language filter keeps those languages only.
    let pair = read_tmx(&server.get("/v1/export?langs=en,hy").body);
    assert_eq!(pair.len(), units.len());
    assert!(pair
        .iter()
        .all(|u| u.variants.keys().map(String::as_str).collect::<Vec<_>>() == ["en", "hy"]));
}

#[test]
fn reimport_merges_instead_of_duplicating() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let first = import_seeds(&server);
    let second = import_seeds(&server);
    assert_eq!(second["added"], 0);
    assert_eq!(second["merged"], first["read"]);
    assert_eq!(server.get("/health").json()["units"], first["read"]);

    // Units without ids get content ids: the same content twice is one unit.
    let tsv = "en\thy\nGood morning.\tԲարի լույս։\nGood morning.\tԲարի լույս։\n";
    let report = server
        .send(
            "POST",
            "/v1/import",
            "text/tab-separated-values",
            tsv.as_bytes(),
        )
        .json();
    assert_eq!(
        (report["read"].as_u64(), report["added"].as_u64()),
        (Some(2), Some(1))
    );
}

#[test]
fn units_are_created_read_replaced_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let created = server.post_json(
        "/v1/units",
        &json!({"units": [{
            "id": "u1",
            "variants": {"en": "The bridge opens on Monday.", "hy-AM": "Կամուրջը կբացվի երկուշաբթի։"},
            "meta": {"document": "bridge", "author": "ani", "created": "2026-05-01T14:00:00+04:00", "notes": ["checked"]}
        }, {
            "variants": {"ru": "Мост откроется в понедельник.", "az": "Körpü bazar ertəsi açılacaq."}
        }]}),
    );
    assert_eq!(created.status, 201, "{}", created.text());
    let ids = created.json()["ids"].clone();
    assert_eq!(ids[0], "u1");
    let generated = ids[1].as_str().unwrap().to_string();

    let unit = server.get("/v1/units/u1").json();
    assert_eq!(unit["variants"]["hy-AM"], "Կամուրջը կբացվի երկուշաբթի։");
    assert_eq!(unit["meta"]["created"], "2026-05-01T10:00:00Z");
    assert_eq!(unit["meta"]["notes"], json!(["checked"]));

    // hy→ru works although no unit was written hy-first with ru: merge u1 with ru.
    let merged = server.post_json(
        "/v1/units",
        &json!({"units": [{"id": "u1", "variants": {"ru": "Мост откроется в понедельник."}}]}),
    );
    assert_eq!(merged.json()["units"][0]["created"], false);
    let found = server
        .post_json(
            "/v1/match",
            &json!({"text": "Կամուրջը կբացվի երկուշաբթի։", "source": "hy", "targets": ["ru"]}),
        )
        .json();
    assert_eq!(found["matches"][0]["unit_id"], "u1");
    assert_eq!(found["matches"][0]["score"], 100);
    assert_eq!(
        found["matches"][0]["targets"]["ru"],
        "Мост откроется в понедельник."
    );
    assert_eq!(found["matches"][0]["meta"]["document"], "bridge");

    let replaced = server.put_json(
        "/v1/units/u1",
        &json!({"variants": {"en": "The bridge opens on Tuesday."}}),
    );
    assert_eq!(replaced.status, 200, "{}", replaced.text());
    let unit = server.get("/v1/units/u1").json();
    assert_eq!(
        unit["variants"],
        json!({"en": "The bridge opens on Tuesday."})
    );
    assert!(unit["meta"]["changed"].is_string());

    assert_eq!(
        server
            .put_json("/v1/units/u9", &json!({"variants": {"en": "New."}}))
            .status,
        201
    );
    assert_eq!(server.delete(&format!("/v1/units/{generated}")).status, 204);
    server
        .get(&format!("/v1/units/{generated}"))
        .assert_error(404, "unit_not_found");
    assert_eq!(server.get("/health").json()["units"], 2);
}

#[test]
fn matches_only_units_with_a_requested_target_best_first() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    server.post_json(
        "/v1/units",
        &json!({"units": [
            {"id": "a", "variants": {"en": "Prices rose by two percent in March.", "hy": "Գները մարտին աճել են երկու տոկոսով։"}},
            {"id": "b", "variants": {"en": "Prices rose by two percent in April.", "ru": "Цены выросли на два процента в апреле."}},
            {"id": "c", "variants": {"en": "Prices fell sharply in April.", "ru": "Цены резко упали в апреле."}}
        ]}),
    );
    let body = server
        .post_json(
            "/v1/match",
            &json!({"text": "Prices rose by two percent in April.", "source": "en", "targets": ["ru"], "min_score": 30}),
        )
        .json();
    let ids: Vec<&str> = body["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["unit_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["b", "c"], "{body:#}");
    assert_eq!(body["matches"][0]["score"], 100);
    assert!(body["matches"][1]["score"].as_u64().unwrap() < 100);

    // Defaults: every other language is a target; min_score cuts weak matches.
    let all = server
        .post_json(
            "/v1/match",
            &json!({"text": "Prices rose by two percent in March.", "source": "en"}),
        )
        .json();
    assert_eq!(all["matches"][0]["unit_id"], "a");
    assert!(all["matches"][0]["targets"]["hy"].is_string());
    let strict = server
        .post_json(
            "/v1/match",
            &json!({"text": "Prices rose by two percent in March.", "source": "en", "min_score": 100}),
        )
        .json();
    assert_eq!(strict["matches"].as_array().unwrap().len(), 1);
}

#[test]
fn restart_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    import_seeds(&server);
    let count = server.get("/health").json()["units"].clone();
    server.post_json(
        "/v1/units",
        &json!({"units": [{"id": "late", "variants": {"en": "Late news."}}]}),
    );
    server.stop();

    let again = spawn_in(dir.path(), |_| {});
    assert_eq!(
        again.get("/health").json()["units"],
        count.as_u64().unwrap() + 1
    );
    assert_eq!(
        again.get("/v1/units/late").json()["variants"]["en"],
        "Late news."
    );
}

#[test]
fn seeds_are_imported_once_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let expected = seed_units().len() as u64;
    let server = spawn_in(dir.path(), |c| {
        c.seed = tetraglot::config::Seed::Dir(seed_dir())
    });
    server.wait_for_seeding();
    assert_eq!(server.get("/health").json()["units"], expected);
    assert_eq!(server.delete("/v1/units/railway-2026.1").status, 204);
    server.stop();
    // The second start does not import the seed files again (the deleted unit stays gone).
    let server = spawn_in(dir.path(), |c| {
        c.seed = tetraglot::config::Seed::Dir(seed_dir())
    });
    server.wait_for_seeding();
    assert_eq!(server.get("/health").json()["units"], expected - 1);
}

#[test]
fn bad_input_gets_its_status_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |c| {
        c.max_body_bytes = 70 * 1024;
        c.max_json_bytes = 64 * 1024;
    });
    let post = |body: &str| server.send("POST", "/v1/match", "application/json", body.as_bytes());

    post("{not json").assert_error(400, "invalid_json");
    post(r#"{"source":"en"}"#).assert_error(400, "invalid_request");
    post(r#"{"text":"x","source":"en","colour":"red"}"#).assert_error(400, "invalid_request");
    post(r#"{"text":"  ","source":"en"}"#).assert_error(422, "empty_text");
    post(r#"{"text":"Hello","source":"english!"}"#).assert_error(400, "invalid_language");
    post(r#"{"text":"Hello","source":"xx"}"#).assert_error(422, "unknown_language");
    post(r#"{"text":"Hello","source":"en","targets":["hy","12"]}"#)
        .assert_error(400, "invalid_language");
    post(r#"{"text":"Hello","source":"en","limit":0}"#).assert_error(422, "invalid_limit");
    post(r#"{"text":"Hello","source":"en","min_score":150}"#)
        .assert_error(422, "invalid_min_score");
    server
        .send(
            "POST",
            "/v1/match",
            "text/plain",
            br#"{"text":"Hello","source":"en"}"#,
        )
        .assert_error(415, "unsupported_media_type");
    // JSON has its own limit, below the file limit: a JSON body between the two is refused,
    // and says which setting to raise.
    let huge = json!({"text": "word ".repeat(13_500), "source": "en"}).to_string();
    assert!(huge.len() > 64 * 1024 && huge.len() < 70 * 1024);
    let refused = post(&huge);
    refused.assert_error(413, "payload_too_large");
    assert!(refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("--max-json-bytes"));
    let long = json!({"text": "word ".repeat(3_000), "source": "en"}).to_string();
    post(&long).assert_error(422, "text_too_long");

    server
        .send("POST", "/v1/import", "text/plain", b"hello")
        .assert_error(415, "unsupported_media_type");
    let broken = "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\">\n<body>\n<tu>\n<tuv xml:lang=\"en\"><seg>a</seg></tuv>\n</tux>\n</body></tmx>\n";
    let response = server.send(
        "POST",
        "/v1/import",
        "application/x-tmx+xml",
        broken.as_bytes(),
    );
    response.assert_error(400, "malformed_tmx");
    assert_eq!(response.json()["error"]["line"], 6);
    assert!(response.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("line 6"));
    assert_eq!(
        server.get("/health").json()["units"],
        0,
        "a malformed file adds nothing"
    );
    server
        .send(
            "POST",
            "/v1/import",
            "text/tab-separated-values",
            b"en\tnot a language!\n",
        )
        .assert_error(400, "malformed_tsv");
    let big_tmx = format!("<tmx>{}</tmx>", " ".repeat(70 * 1024));
    server
        .send("POST", "/v1/import", "application/xml", big_tmx.as_bytes())
        .assert_error(413, "payload_too_large");

    server
        .get("/v1/units/nothing-here")
        .assert_error(404, "unit_not_found");
    server
        .delete("/v1/units/nothing-here")
        .assert_error(404, "unit_not_found");
    server
        .post_json("/v1/units", &json!({"units": []}))
        .assert_error(422, "no_units");
    server
        .post_json("/v1/units", &json!({"units": [{"variants": {}}]}))
        .assert_error(422, "no_variants");
    server
        .post_json("/v1/units", &json!({"units": [{"variants": {"en": ""}}]}))
        .assert_error(422, "empty_text");
    server
        .post_json(
            "/v1/units",
            &json!({"units": [{"variants": {"hy": "Ա", "hy-AM": "Բ"}}]}),
        )
        .assert_error(422, "duplicate_language");
    server
        .post_json(
            "/v1/units",
            &json!({"units": [{"variants": {"en": "a"}, "meta": {"created": "yesterday"}}]}),
        )
        .assert_error(422, "invalid_date");
    server
        .put_json("/v1/units/a", &json!({"id": "b", "variants": {"en": "a"}}))
        .assert_error(409, "id_mismatch");
    server
        .get("/v1/export?format=pdf")
        .assert_error(400, "invalid_parameter");
    server
        .get("/v1/export?langs=english!")
        .assert_error(400, "invalid_language");
    server
        .get("/v1/nowhere")
        .assert_error(404, "route_not_found");
    server
        .delete("/v1/match")
        .assert_error(405, "method_not_allowed");
    assert_eq!(server.get("/health").json()["units"], 0);
}

#[test]
fn an_api_key_guards_v1() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |c| c.master_key = Some("s3cret".into()));
    server.get("/v1/units/x").assert_error(401, "unauthorized");
    let response = ureq::get(&format!("{}/v1/units/x", server.url))
        .set("Authorization", "Bearer s3cret")
        .call();
    assert!(matches!(response, Err(ureq::Error::Status(404, _))));
    assert_eq!(
        server.get("/health").status,
        200,
        "health stays open for probes"
    );
}

/// Hardening, item 1: a planted long text once made one open `/tmserver` lookup allocate
/// 80 GB and abort the process. Imports now skip texts over the limit (naming their line),
/// and a lookup as long as the limit allows, against the longest stored text, is answered.
#[test]
fn a_planted_long_text_is_skipped_and_the_longest_lookup_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let longest = "a!".repeat(4999);
    let tu = |tuid: &str, en: &str| {
        format!(
            "<tu{tuid}>\n<tuv xml:lang=\"en\"><seg>{en}</seg></tuv>\n<tuv xml:lang=\"hy\"><seg>Բարև։</seg></tuv>\n</tu>\n"
        )
    };
    let tmx = format!(
        "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"en\"/>\n<body>\n{}{}{}{}</body></tmx>\n",
        tu("", "Hello there."),
        tu("", &"a!".repeat(1_000_000)),
        tu(&format!(" tuid=\"{}\"", "x".repeat(300)), "An id too long."),
        tu("", &longest),
    );
    let response = server.send(
        "POST",
        "/v1/import",
        "application/x-tmx+xml",
        tmx.as_bytes(),
    );
    assert_eq!(response.status, 200, "{}", response.text());
    let report = response.json();
    // The long variant is left out; its unit keeps its Armenian variant, as for any variant
    // that cannot be taken.
    assert_eq!(report["read"], 3, "{report}");
    let skipped = report["skipped"].as_array().unwrap();
    let reasons: Vec<&str> = skipped
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("2000000 characters")),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|r| r.contains("tuid")), "{reasons:?}");
    assert!(skipped.iter().all(|s| s["line"].as_u64().unwrap() > 3));

    // The longest query the API takes, against the longest stored text, with no cut-off.
    let query = format!("{longest}b");
    let path = format!("/tmserver/en/hy/unit/{query}?min_similarity=0");
    let answer = server.get(&path);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let found = server.post_json(
        "/v1/match",
        &json!({"text": query, "source": "en", "targets": ["hy"], "min_score": 0}),
    );
    assert_eq!(found.status, 200, "{}", found.text());
    assert_eq!(found.json()["matches"][0]["score"], 99);
    assert_eq!(server.get("/health").status, 200, "the server is still up");
}

/// Hardening, item 6: a NUL or another character XML forbids is refused at the edge, and an
/// import leaves such a text out with its line, so every export and feed stays well-formed.
#[test]
fn control_characters_are_refused_and_every_feed_parses() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let refused = server.post_json(
        "/v1/units",
        &json!({"units": [{"variants": {"en": "Null\u{0}byte", "hy": "Բարև"}}]}),
    );
    refused.assert_error(422, "invalid_text");
    assert!(refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("U+0000"));
    let tsv = "en\thy\nA bell\u{7}rings.\tԶանգ։\nA clean line.\tՄաքուր տող։\n";
    let report = server
        .send(
            "POST",
            "/v1/import",
            "text/tab-separated-values",
            tsv.as_bytes(),
        )
        .json();
    assert_eq!(report["read"], 1, "{report}");
    assert_eq!(report["skipped"][0]["line"], 2, "{report}");
    let feed = server.get("/v1/feeds/en-hy.tmx");
    assert_eq!(feed.status, 200);
    assert_eq!(read_tmx(&feed.body).len(), 1, "the feed parses");
}

/// Hardening, item 3: notes and props per unit are bounded at the edge (a unit posted with
/// 100k notes once stalled every write for 25 s while they were merged).
#[test]
fn notes_per_unit_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let notes: Vec<String> = (0..101).map(|i| format!("note {i}")).collect();
    server
        .post_json(
            "/v1/units",
            &json!({"units": [{"variants": {"en": "Hi."}, "meta": {"notes": notes}}]}),
        )
        .assert_error(400, "invalid_request");
    let fine: Vec<String> = (0..100).map(|i| format!("note {i}")).collect();
    let stored = server.post_json(
        "/v1/units",
        &json!({"units": [{"id": "n", "variants": {"en": "Hi."}, "meta": {"notes": fine}}]}),
    );
    assert_eq!(stored.status, 201, "{}", stored.text());
}

/// Hardening, item 2: sequences stop growing while a JSON body is parsed, so a small body
/// cannot become a large allocation (6M targets once took 1.36 GB from a 46 KB gzip body).
#[test]
fn json_sequences_are_bounded_while_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let targets = vec!["en"; 100_000];
    let refused = server.post_json(
        "/v1/match",
        &json!({"text": "Hello", "source": "hy", "targets": targets}),
    );
    refused.assert_error(400, "invalid_request");
    assert!(refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("more than 64"));
    // One past a limit still reaches the handler's own check and its specific code.
    let segments: Vec<serde_json::Value> = (0..101).map(|_| json!({"text": "Hi."})).collect();
    server
        .post_json(
            "/v1/match/batch",
            &json!({"source": "en", "segments": segments}),
        )
        .assert_error(422, "too_many_segments");
    let many: Vec<serde_json::Value> = (0..5_000).map(|_| json!({"text": "Hi."})).collect();
    server
        .post_json(
            "/v1/match/batch",
            &json!({"source": "en", "segments": many}),
        )
        .assert_error(400, "invalid_request");
}

/// Soak, found: an upload that trickles a few bytes a second is never silent for
/// `--body-timeout-secs`, so eight of them held every upload slot for minutes and real
/// imports were told `503 busy`. After its first timeout an upload must keep an average
/// rate (`--min-body-rate`).
#[test]
fn a_trickling_upload_is_cut_once_it_falls_behind_the_minimum_rate() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |c| {
        c.body_timeout_secs = 1;
        c.min_body_rate = 100;
    });
    let address = server.url.trim_start_matches("http://").to_string();
    let mut slow = std::net::TcpStream::connect(&address).unwrap();
    write!(
        slow,
        "POST /v1/import HTTP/1.1\r\nHost: x\r\nContent-Type: text/tab-separated-values\r\nContent-Length: 1000\r\n\r\n"
    )
    .unwrap();
    // A byte every 100 ms: never silent for the 1 s timeout, but 10 bytes a second.
    let mut writer = slow.try_clone().unwrap();
    let trickle = std::thread::spawn(move || {
        for _ in 0..300 {
            if writer.write_all(b"a").is_err() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    });
    let started = std::time::Instant::now();
    slow.set_read_timeout(Some(std::time::Duration::from_secs(15)))
        .unwrap();
    let mut bytes = [0u8; 4096];
    let n = slow.read(&mut bytes).unwrap_or(0);
    let answer = String::from_utf8_lossy(&bytes[..n]).into_owned();
    let waited = started.elapsed();
    drop(slow);
    trickle.join().unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "after {waited:?}: {answer}"
    );
    assert!(answer.contains("body_timeout"), "{answer}");
    assert!(
        answer.contains("slower than 100 bytes a second"),
        "{answer}"
    );
}

/// Hardening, item 5: an upload that stops sending is cut, and uploads beyond the cap are
/// told to come back, so slow clients cannot hold every socket and spool file.
#[test]
fn slow_and_surplus_uploads_are_refused() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |c| {
        c.max_uploads = 1;
        c.body_timeout_secs = 1;
    });
    let address = server.url.trim_start_matches("http://").to_string();
    // A client that announces 1,000 bytes and sends 10, then nothing.
    let mut slow = std::net::TcpStream::connect(&address).unwrap();
    write!(
        slow,
        "POST /v1/import HTTP/1.1\r\nHost: x\r\nContent-Type: text/tab-separated-values\r\nContent-Length: 1000\r\n\r\nen\thy\nab\t"
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    // Meanwhile the one upload slot is taken: a second import is told to retry.
    let busy = server.send(
        "POST",
        "/v1/import",
        "text/tab-separated-values",
        b"en\thy\nA\tB\n",
    );
    busy.assert_error(503, "busy");
    assert_eq!(busy.header("retry-after"), Some("5"));
    // Lookups are not held up by uploads.
    assert_eq!(server.get("/health").status, 200);
    let mut bytes = Vec::new();
    slow.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let _ = slow.read_to_end(&mut bytes);
    let answer = String::from_utf8_lossy(&bytes);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout"), "{answer}");
    // The slot is free again.
    let report = server.send(
        "POST",
        "/v1/import",
        "text/tab-separated-values",
        b"en\thy\nA\tB\n",
    );
    assert_eq!(report.status, 200, "{}", report.text());
}

/// Hardening, item 2: a compressed import is decoded like a compressed JSON body (it was
/// read as raw bytes and refused as `malformed_tmx`), and its limit counts decoded bytes.
#[test]
fn gzip_imports_are_decoded_and_their_decoded_size_is_limited() {
    use std::io::Write;
    let gzip = |bytes: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |c| c.max_body_bytes = 64 * 1024);
    let post = |body: &[u8]| match ureq::post(&format!("{}/v1/import", server.url))
        .set("Content-Type", "text/tab-separated-values")
        .set("Content-Encoding", "gzip")
        .send_bytes(body)
    {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
        Err(e) => panic!("{e}"),
    };
    let (status, body) = post(&gzip(
        b"en\thy\nGood morning.\t\xd4\xb2\xd5\xa1\xd6\x80\xd6\x87\n",
    ));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"added\":1"), "{body}");
    // 1 MB of text that compresses to about 1 KB: over the limit once decoded.
    let bomb = format!("en\thy\n{}", "a\tb\n".repeat(250_000));
    let packed = gzip(bomb.as_bytes());
    assert!(packed.len() < 64 * 1024);
    let (status, body) = post(&packed);
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("payload_too_large"), "{body}");
}

/// A bilingual TMX of `pairs` (source, target) with tuids `{prefix}.N`.
fn bilingual_tmx(src: &str, tgt: &str, prefix: &str, pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut tmx = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"{src}\" datatype=\"plaintext\"/><body>\n"
    );
    for (i, (s, t)) in pairs.iter().enumerate() {
        tmx.push_str(&format!(
            "<tu tuid=\"{prefix}.{i}\"><tuv xml:lang=\"{src}\"><seg>{s}</seg></tuv><tuv xml:lang=\"{tgt}\"><seg>{t}</seg></tuv></tu>\n"
        ));
    }
    tmx.push_str("</body></tmx>\n");
    tmx.into_bytes()
}

const EN: [&str; 3] = [
    "The museum reopens on Friday.",
    "Entry is free for students.",
    "The exhibition runs until June.",
];
const HY: [&str; 3] = [
    "Թանգարանը կվերաբացվի ուրբաթ օրը։",
    "Ուսանողների համար մուտքն անվճար է։",
    "Ցուցահանդեսը կտևի մինչև հունիս։",
];
const RU: [&str; 3] = [
    "Музей откроется снова в пятницу.",
    "Для студентов вход бесплатный.",
    "Выставка продлится до июня.",
];

fn import_pair(server: &TestServer, query: &str, tmx: Vec<u8>) -> Value {
    let answer = server.send(
        "POST",
        &format!("/v1/import{query}"),
        "application/x-tmx+xml",
        &tmx,
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

#[test]
fn bilingual_files_of_the_same_sentences_make_multilingual_units() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let pairs = |a: [&'static str; 3], b: [&'static str; 3]| -> Vec<(&'static str, &'static str)> {
        a.into_iter().zip(b).collect()
    };
    let first = import_pair(
        &server,
        "",
        bilingual_tmx("en", "hy", "enhy", &pairs(EN, HY)),
    );
    assert_eq!(
        (first["added"].as_u64(), first["joined"].as_u64()),
        (Some(3), Some(0))
    );
    // The English of the second file differs only in spacing: it still meets the first.
    let spaced: Vec<String> = EN.iter().map(|s| s.replace(' ', "  ")).collect();
    let second = bilingual_tmx(
        "en-GB",
        "ru",
        "enru",
        &spaced
            .iter()
            .map(String::as_str)
            .zip(RU)
            .collect::<Vec<_>>(),
    );
    let report = import_pair(&server, "", second);
    // Once 6 two-language units.
    assert_eq!(report["joined"], 3, "{report}");
    assert_eq!(report["added"], 0, "{report}");
    let health = server.get("/health").json();
    assert_eq!(health["units"], 3);
    let unit = server.get("/v1/units/enhy.0").json();
    assert_eq!(unit["variants"]["ru"], RU[0], "{unit}");
    // hy→ru matches appear, which neither file had.
    let found = server.post_json(
        "/v1/match",
        &json!({"text": HY[1], "source": "hy", "targets": ["ru"]}),
    );
    let best = &found.json()["matches"][0];
    assert_eq!(best["score"], 100, "{best}");
    assert_eq!(best["targets"]["ru"], RU[1]);

    // A stored unit that has the language already, with another text, is not joined.
    let other = import_pair(
        &server,
        "",
        bilingual_tmx("en", "ru", "alt", &[(EN[2], "Выставка открыта до июня.")]),
    );
    assert_eq!(
        (other["joined"].as_u64(), other["added"].as_u64()),
        (Some(0), Some(1))
    );
}

#[test]
fn the_merge_rule_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let en_hy: Vec<_> = EN.into_iter().zip(HY).collect();
    let en_ru: Vec<_> = EN.into_iter().zip(RU).collect();
    import_pair(&server, "", bilingual_tmx("en", "hy", "enhy", &en_hy));
    let report = import_pair(
        &server,
        "?merge=id",
        bilingual_tmx("en", "ru", "enru", &en_ru),
    );
    assert_eq!(
        (report["joined"].as_u64(), report["added"].as_u64()),
        (Some(0), Some(3))
    );
    assert_eq!(server.get("/health").json()["units"], 6);

    // `none` replaces a unit of the same id instead of merging into it.
    let replaced = import_pair(
        &server,
        "?merge=none",
        bilingual_tmx(
            "en",
            "az",
            "enhy",
            &[(EN[0], "Muzey cümə günü yenidən açılır.")],
        ),
    );
    assert_eq!(replaced["merged"], 1);
    let unit = server.get("/v1/units/enhy.0").json();
    assert!(unit["variants"].get("hy").is_none(), "{unit}");

    let bad = server.send(
        "POST",
        "/v1/import?merge=all",
        "application/x-tmx+xml",
        &bilingual_tmx("en", "hy", "x", &en_hy),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["code"], "invalid_parameter");
}

#[test]
fn a_replacement_keeps_created_and_a_patch_changes_only_what_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let created = server.post_json(
        "/v1/units",
        &json!({"units": [{"id": "u1",
            "variants": {"en": "The bridge opens.", "ru": "Мост открывается.", "hy": "Կամուրջը բացվում է։"},
            "meta": {"document": "bridge", "outlet": "news", "author": "ani",
                     "created": "2026-05-01T10:00:00Z", "notes": ["checked"]}}]}),
    );
    assert_eq!(created.status, 201, "{}", created.text());

    // PUT replaces the unit whole, but its creation time stays (once it was lost).
    let replaced = server.put_json(
        "/v1/units/u1",
        &json!({"variants": {"en": "The bridge opens today.", "ru": "Мост открывается сегодня."}}),
    );
    assert_eq!(replaced.status, 200, "{}", replaced.text());
    let unit = server.get("/v1/units/u1").json();
    assert_eq!(unit["meta"]["created"], "2026-05-01T10:00:00Z", "{unit}");
    assert!(unit["meta"]["changed"].is_string(), "{unit}");
    assert!(
        unit["meta"].get("document").is_none(),
        "PUT replaces: {unit}"
    );

    // PATCH: a variant added, one removed, a field set and one removed; the rest kept.
    server.put_json(
        "/v1/units/u1",
        &json!({"variants": {"en": "The bridge opens today.", "ru": "Мост открывается сегодня."},
                "meta": {"document": "bridge", "author": "ani", "notes": ["checked"]}}),
    );
    let patched = server.send(
        "PATCH",
        "/v1/units/u1",
        "application/merge-patch+json",
        json!({"variants": {"az": "Körpü bu gün açılır.", "ru": null},
               "meta": {"outlet": "azatutyun", "author": null}})
        .to_string()
        .as_bytes(),
    );
    assert_eq!(patched.status, 200, "{}", patched.text());
    let unit = server.get("/v1/units/u1").json();
    assert_eq!(
        unit["variants"],
        json!({"en": "The bridge opens today.", "az": "Körpü bu gün açılır."})
    );
    assert_eq!(unit["meta"]["document"], "bridge");
    assert_eq!(unit["meta"]["outlet"], "azatutyun");
    assert!(unit["meta"].get("author").is_none(), "{unit}");
    assert_eq!(unit["meta"]["notes"], json!(["checked"]));
    assert_eq!(unit["meta"]["created"], "2026-05-01T10:00:00Z");
    // The new variant is found.
    let found = server.post_json(
        "/v1/match",
        &json!({"text": "Körpü bu gün açılır.", "source": "az", "targets": ["en"]}),
    );
    assert_eq!(found.json()["matches"][0]["score"], 100);

    let missing = server.send(
        "PATCH",
        "/v1/units/nope",
        "application/json",
        b"{\"variants\":{}}",
    );
    assert_eq!(missing.status, 404, "{}", missing.text());
    assert_eq!(missing.json()["error"]["code"], "unit_not_found");
    let emptied = server.send(
        "PATCH",
        "/v1/units/u1",
        "application/json",
        br#"{"variants":{"en":null,"az":null}}"#,
    );
    assert_eq!(emptied.status, 422);
    assert_eq!(emptied.json()["error"]["code"], "no_variants");
    assert_eq!(
        server.get("/v1/units/u1").json()["variants"]["en"],
        "The bridge opens today."
    );
}

#[test]
fn units_are_listed_by_page_counted_and_removed_by_document() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |c| {
        c.seed = tetraglot::config::Seed::Dir(seed_dir())
    });
    let total = crate::common::seed_unit_count() as u64;
    server.wait_for_units(total);

    let stats = server.get("/v1/stats").json();
    assert_eq!(stats["units"], total, "{stats}");
    assert_eq!(stats["languages"]["hy"], total);
    assert_eq!(stats["pairs"]["en-hy"], total);
    assert_eq!(stats["documents"], 7);
    assert!(stats["index_bytes"].as_u64().unwrap() > 10_000);
    assert!(stats["last_commit"].as_str().unwrap().ends_with('Z'));

    // Every unit once, ten at a time.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/units?limit=10&cursor={c}"),
            None => "/v1/units?limit=10".to_string(),
        };
        let page = server.get(&path).json();
        let units = page["units"].as_array().unwrap();
        assert!(units.len() <= 10);
        seen.extend(units.iter().map(|u| u["id"].as_str().unwrap().to_string()));
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len() as u64, total);
    assert_eq!(seen, sorted, "in id order");

    let railway = server
        .get("/v1/units?document=railway-2026&limit=1000")
        .json();
    let n = railway["units"].as_array().unwrap().len() as u64;
    assert!(n > 5, "{railway}");
    assert!(railway["next"].is_null());

    let removed = server.delete("/v1/units?document=railway-2026");
    assert_eq!(removed.status, 200, "{}", removed.text());
    assert_eq!(removed.json()["removed"], n);
    assert_eq!(server.get("/v1/stats").json()["units"], total - n);
    assert_eq!(server.get("/v1/stats").json()["documents"], 6);

    let everything = server.delete("/v1/units");
    assert_eq!(everything.status, 400);
    assert_eq!(everything.json()["error"]["code"], "invalid_parameter");
    let bad = server.get("/v1/units?limit=0");
    assert_eq!(bad.json()["error"]["code"], "invalid_limit");
}

#[test]
fn lookups_can_be_kept_to_a_document_an_outlet_or_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let added = server.post_json(
        "/v1/units",
        &json!({"units": [
            {"id": "a", "variants": {"en": "The bridge opens on Monday.", "hy": "Կամուրջը կբացվի երկուշաբթի։"},
             "meta": {"document": "bridge-a", "outlet": "one", "created": "2026-01-01T00:00:00Z"}},
            {"id": "b", "variants": {"en": "The bridge opens on Monday!", "hy": "Կամուրջը կբացվի երկուշաբթի՜։"},
             "meta": {"document": "bridge-b", "outlet": "two", "created": "2026-06-01T00:00:00Z"}}
        ]}),
    );
    assert_eq!(added.status, 201, "{}", added.text());
    let ids = |filter: Value| -> Vec<String> {
        let mut body =
            json!({"text": "The bridge opens on Monday.", "source": "en", "targets": ["hy"]});
        body.as_object_mut()
            .unwrap()
            .extend(filter.as_object().unwrap().clone());
        let found = server.post_json("/v1/match", &body);
        assert_eq!(found.status, 200, "{}", found.text());
        found.json()["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["unit_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(json!({})), ["a", "b"]);
    assert_eq!(ids(json!({"document": "bridge-b"})), ["b"]);
    assert_eq!(ids(json!({"outlet": "one"})), ["a"]);
    assert_eq!(ids(json!({"since": "2026-03-01T00:00:00+04:00"})), ["b"]);
    let batch = server.post_json(
        "/v1/match/batch",
        &json!({"segments": [{"text": "The bridge opens on Monday."}], "source": "en",
                "targets": ["hy"], "document": "bridge-b"}),
    );
    assert_eq!(batch.status, 200, "{}", batch.text());
    assert_eq!(
        batch.json()["results"][0]["matches"][0]["unit_id"],
        "b",
        "{}",
        batch.text()
    );
}

#[test]
fn a_unit_that_joins_another_leaves_no_dangling_neighbour() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let en_hy: Vec<_> = EN.into_iter().zip(HY).collect();
    import_pair(&server, "", bilingual_tmx("en", "hy", "enhy", &en_hy));
    // A document of three sentences: the middle one is stored already (it joins enhy.1).
    let tu = |id: &str, en: &str, ru: &str| {
        format!("<tu tuid=\"{id}\"><prop type=\"x-document\">museum</prop><tuv xml:lang=\"en\"><seg>{en}</seg></tuv><tuv xml:lang=\"ru\"><seg>{ru}</seg></tuv></tu>\n")
    };
    let tmx = format!(
        "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"en\" datatype=\"plaintext\"/><body>\n{}{}{}</body></tmx>\n",
        tu("m.0", "Tickets are sold online.", "Билеты продаются онлайн."),
        tu("m.1", EN[1], RU[1]),
        tu("m.2", "The café is on the top floor.", "Кафе на верхнем этаже."),
    );
    let report = import_pair(&server, "", tmx.into_bytes());
    assert_eq!(
        (report["joined"].as_u64(), report["added"].as_u64()),
        (Some(1), Some(2)),
        "{report}"
    );
    // Once m.0 and m.2 pointed at m.1, which is stored under another id.
    assert_eq!(server.get("/v1/units/m.0").json()["meta"]["next"], "enhy.1");
    assert_eq!(server.get("/v1/units/m.2").json()["meta"]["prev"], "enhy.1");
    assert_eq!(server.get("/v1/units/m.1").status, 404);
}

#[test]
fn the_stored_text_limit_is_a_setting_and_queries_keep_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |c| c.max_text_chars = 40);
    let long = "The bridge over the Debed opens on Monday morning."; // 50 chars
    let short = "The bridge opens on Monday."; // 27 chars

    // A unit over the limit is refused, and both messages name the limit set.
    let refused = server.post_json("/v1/units", &json!({"units": [{"variants": {"en": long}}]}));
    refused.assert_error(422, "text_too_long");
    let message = refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("50 characters") && message.contains("limit is 40"),
        "{message}"
    );
    let localised = server.request(
        "POST",
        "/v1/units",
        &[("Accept-Language", "ru")],
        Some(&json!({"units": [{"variants": {"en": long}}]})),
    );
    localised.assert_error(422, "text_too_long");
    let text = localised.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains("40") && !text.contains("10"), "{text}");
    server
        .put_json("/v1/units/bridge.1", &json!({"variants": {"en": long}}))
        .assert_error(422, "text_too_long");
    let stored = server.put_json(
        "/v1/units/bridge.1",
        &json!({"variants": {"en": short, "hy": "Կամուրջը կբացվի։"}}),
    );
    assert_eq!(stored.status, 201, "{}", stored.text());
    server
        .send(
            "PATCH",
            "/v1/units/bridge.1",
            "application/merge-patch+json",
            json!({"variants": {"ru": "Мост через Дебед откроется в понедельник утром."}})
                .to_string()
                .as_bytes(),
        )
        .assert_error(422, "text_too_long");

    // An import skips the long text with its line and takes the rest.
    let tmx = format!(
        "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"en\"/><body>\n<tu tuid=\"a.1\"><tuv xml:lang=\"en\"><seg>Trains run again.</seg></tuv><tuv xml:lang=\"ru\"><seg>Мост откроется.</seg></tuv></tu>\n<tu tuid=\"a.2\"><tuv xml:lang=\"en\"><seg>{long}</seg></tuv><tuv xml:lang=\"ru\"><seg>Мост.</seg></tuv></tu>\n</body></tmx>\n"
    );
    let report = server.send(
        "POST",
        "/v1/import",
        "application/x-tmx+xml",
        tmx.as_bytes(),
    );
    assert_eq!(report.status, 200, "{}", report.text());
    let report = report.json();
    assert_eq!(report["skipped"][0]["line"], 4, "{report}");
    assert!(
        report["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("limit is 40"),
        "{report}"
    );
    assert!(server.get("/v1/units/a.1").status == 200);

    // A query is held to the query limit (10,000), not to the stored one.
    let matched = server.post_json(
        "/v1/match",
        &json!({"text": long, "source": "en", "targets": ["hy"]}),
    );
    assert_eq!(matched.status, 200, "{}", matched.text());

    // An article's sentence over the limit is refused with the same code.
    let article = json!({"id": "bridge", "source": "en", "versions": {
        "en": {"title": "Bridge", "body": long}}});
    server
        .post_json("/v1/articles", &article)
        .assert_error(422, "text_too_long");
}
