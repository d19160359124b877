//! `GET /v1/feeds/{src}-{tgt}.tmx`: bilingual TMX for CAT-tool projects, with a strong ETag
//! and `304` on `If-None-Match`. (That OmegaT applies it is `tests/omegat.rs`.)

use crate::common::{read_tmx, seed_unit_count, seeded_in, spawn_in, Response, TestServer};
use serde_json::json;

fn get_with(server: &TestServer, path: &str, if_none_match: &str) -> Response {
    server.get_with(path, "If-None-Match", if_none_match)
}

fn etag(response: &Response) -> String {
    let etag = response.header("etag").expect("an ETag").to_string();
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2,
        "a strong ETag: {etag}"
    );
    etag
}

fn seeded(dir: &std::path::Path) -> TestServer {
    seeded_in(dir, |_| {})
}

#[test]
fn a_feed_holds_the_pair_only_with_the_header_omegat_needs() {
    let dir = tempfile::tempdir().unwrap();
    let server = seeded(dir.path());
    let feed = server.get("/v1/feeds/en-hy.tmx");
    assert_eq!(feed.status, 200, "{}", feed.text());
    assert!(feed.content_type.starts_with("application/x-tmx+xml"));
    assert_eq!(feed.header("cache-control"), Some("no-cache"));
    etag(&feed);
    let text = feed.text();
    assert!(text.contains(r#"srclang="en""#), "{}", &text[..300]);
    let units = read_tmx(&feed.body);
    assert_eq!(units.len(), seed_unit_count());
    for unit in &units {
        let keys: Vec<&str> = unit.variants.keys().map(String::as_str).collect();
        assert_eq!(keys, ["en", "hy"], "{}", unit.id);
    }

    // The tags asked for are the tags written, as OmegaT prefers an exact region.
    let feed = server.get("/v1/feeds/EN-US-HY-AM.tmx");
    assert_eq!(feed.status, 200, "{}", feed.text());
    let text = feed.text();
    assert!(text.contains(r#"srclang="en-US""#));
    assert_eq!(
        text.matches(r#"<tuv xml:lang="en-US">"#).count(),
        seed_unit_count()
    );
    assert_eq!(
        text.matches(r#"<tuv xml:lang="hy-AM">"#).count(),
        seed_unit_count()
    );
    assert!(feed
        .header("content-disposition")
        .is_some_and(|d| d.contains("en-US-hy-AM.tmx")));

    // Other directions, and `_` spellings.
    for (path, source, target) in [
        ("/v1/feeds/ru-az.tmx", "ru", "az"),
        ("/v1/feeds/hy_AM-en.tmx", "hy", "en"),
        ("/v1/feeds/az-Latn-ru.tmx", "az", "ru"),
    ] {
        let feed = server.get(path);
        assert_eq!(feed.status, 200, "{path}: {}", feed.text());
        let units = read_tmx(&feed.body);
        assert_eq!(units.len(), seed_unit_count(), "{path}");
        assert!(units.iter().all(|u| u.variants.len() == 2
            && u.variants.contains_key(source)
            && u.variants.contains_key(target)));
    }
}

#[test]
fn units_without_both_languages_and_context_props_stay_out() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let tmx = r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/>
  <body>
    <tu tuid="both" srclang="ru">
      <prop type="file">article.txt</prop>
      <prop type="prev">Before.</prop>
      <prop type="x-document">doc-1</prop>
      <tuv xml:lang="en"><seg>The bridge is open again.</seg></tuv>
      <tuv xml:lang="hy"><seg>Կամուրջը կրկին բաց է։</seg></tuv>
      <tuv xml:lang="ru"><seg>Мост снова открыт.</seg></tuv>
    </tu>
    <tu tuid="no-armenian">
      <tuv xml:lang="en"><seg>The road is closed.</seg></tuv>
      <tuv xml:lang="az"><seg>Yol bağlıdır.</seg></tuv>
    </tu>
  </body>
</tmx>"#;
    let imported = server.send(
        "POST",
        "/v1/import",
        "application/x-tmx+xml",
        tmx.as_bytes(),
    );
    assert_eq!(imported.status, 200, "{}", imported.text());
    let feed = server.get("/v1/feeds/en-hy.tmx");
    let text = feed.text();
    let units = read_tmx(&feed.body);
    assert_eq!(units.len(), 1, "{text}");
    assert_eq!(units[0].id, "both");
    assert!(!text.contains("Yol") && !text.contains("Мост"), "{text}");
    assert!(!text.contains(r#"type="file""#) && !text.contains(r#"type="prev""#));
    assert!(text.contains(r#"<prop type="x-document">doc-1</prop>"#));
    assert!(!text.contains(r#"srclang="ru""#), "{text}");
}

#[test]
fn the_etag_answers_304_until_the_memory_changes() {
    let dir = tempfile::tempdir().unwrap();
    let server = seeded(dir.path());
    let path = "/v1/feeds/en-hy.tmx";
    let first = server.get(path);
    let tag = etag(&first);

    let again = server.get(path);
    assert_eq!(etag(&again), tag, "same memory, same ETag");
    assert_eq!(again.body, first.body, "same ETag, same bytes");

    let not_modified = get_with(&server, path, &tag);
    assert_eq!(not_modified.status, 304);
    assert!(not_modified.body.is_empty());
    assert_eq!(etag(&not_modified), tag);
    assert_eq!(not_modified.header("cache-control"), Some("no-cache"));
    for header in [
        format!("W/{tag}"),
        format!("\"other\", {tag}"),
        "*".to_string(),
    ] {
        assert_eq!(get_with(&server, path, &header).status, 304, "{header}");
    }
    assert_eq!(get_with(&server, path, "\"other\"").status, 200);

    // Another pair or filter is another feed.
    let other = [
        "/v1/feeds/en-ru.tmx",
        "/v1/feeds/en-US-hy-AM.tmx",
        "/v1/feeds/en-hy.tmx?document=railway-2026",
    ];
    for other in other {
        let response = server.get(other);
        assert_ne!(etag(&response), tag, "{other}");
        assert_eq!(get_with(&server, other, &tag).status, 200, "{other}");
    }

    // A new unit: a new ETag and the unit in the feed.
    let added = server.post_json(
        "/v1/units",
        &json!({"units": [{"variants": {"en": "The bridge is open again.", "hy": "Կամուրջը կրկին բաց է։"}}]}),
    );
    assert_eq!(added.status, 201, "{}", added.text());
    let changed = get_with(&server, path, &tag);
    assert_eq!(changed.status, 200);
    let new_tag = etag(&changed);
    assert_ne!(new_tag, tag);
    assert_eq!(read_tmx(&changed.body).len(), 88);
    assert_eq!(get_with(&server, path, &new_tag).status, 304);

    // A restart keeps the ETag valid: either 304, or (when the index merged its segments
    // meanwhile) the very same bytes under a new tag.
    server.stop();
    let server = spawn_in(dir.path(), |_| {});
    let after = get_with(&server, path, &new_tag);
    match after.status {
        304 => {}
        200 => assert_eq!(after.body, changed.body),
        other => panic!("status {other}"),
    }
}

#[test]
fn filters_by_document_outlet_and_date() {
    let dir = tempfile::tempdir().unwrap();
    let server = seeded(dir.path());
    let count = |path: &str| {
        let feed = server.get(path);
        assert_eq!(feed.status, 200, "{path}: {}", feed.text());
        read_tmx(&feed.body)
    };
    let railway = count("/v1/feeds/en-hy.tmx?document=railway-2026");
    assert_eq!(railway.len(), 12);
    assert!(railway
        .iter()
        .all(|u| u.meta.document.as_deref() == Some("railway-2026")));
    assert_eq!(
        count("/v1/feeds/en-hy.tmx?outlet=tetraglot-news").len(),
        seed_unit_count()
    );
    assert_eq!(count("/v1/feeds/en-hy.tmx?outlet=elsewhere").len(), 0);
    // The seeds were written in March–May 2026.
    assert_eq!(
        count("/v1/feeds/en-hy.tmx?since=2030-01-01T00:00:00Z").len(),
        0
    );
    let recent = count("/v1/feeds/en-hy.tmx?since=2026-05-01T00:00:00%2B04:00");
    assert!(
        !recent.is_empty() && recent.len() < seed_unit_count(),
        "{}",
        recent.len()
    );
    assert!(recent
        .iter()
        .all(|u| u.meta.created.as_ref().unwrap().as_str() >= "2026-04-30T20:00:00Z"));
}

#[test]
fn bad_feed_names_and_parameters_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let server = seeded(dir.path());
    server
        .get("/v1/feeds/enhy.tmx")
        .assert_error(404, "feed_not_found");
    server
        .get("/v1/feeds/xx-yy.tmx")
        .assert_error(404, "feed_not_found");
    server
        .get("/v1/feeds/en-hy.tsv")
        .assert_error(404, "route_not_found");
    server
        .get("/v1/feeds/en-en-GB.tmx")
        .assert_error(400, "invalid_parameter");
    server
        .get("/v1/feeds/en-hy.tmx?since=yesterday")
        .assert_error(422, "invalid_date");
    server
        .get("/v1/feeds/en-hy.tmx?lang=en")
        .assert_error(400, "invalid_parameter");
}

#[test]
fn feeds_need_the_api_key() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |config| config.master_key = Some("k".into()));
    server
        .get("/v1/feeds/en-hy.tmx")
        .assert_error(401, "unauthorized");
    let ok = ureq::get(&format!("{}/v1/feeds/en-hy.tmx", server.url))
        .set("Authorization", "Bearer k")
        .call()
        .expect("200");
    assert_eq!(ok.status(), 200);
}
