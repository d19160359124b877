//! The leverage report over HTTP: a memory holding pieces of a new article at known
//! distances, the bands per target, the score of each sentence being the one `/v1/match`
//! gives, repetitions counted once, CSV, and stored articles (their own units excluded).

use serde_json::{json, Value};

use crate::articles::article;
use crate::common::{spawn_in, TestServer};

fn memory() -> (tempfile::TempDir, TestServer) {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    // Three consecutive sentences of one document (linked as neighbours), the middle one
    // without an az version.
    let units = json!({"units": [
        {"id": "u1", "variants": {
            "en": "The bridge over the Araks river opens on Monday.",
            "hy": "Արաքս գետի վրայի կամուրջը կբացվի երկուշաբթի։",
            "az": "Araz çayı üzərindəki körpü bazar ertəsi açılacaq."},
         "meta": {"document": "bridge"}},
        {"id": "u2", "variants": {
            "en": "Trains will run twice a week from March.",
            "hy": "Մարտից գնացքները կերթևեկեն շաբաթը երկու անգամ։"},
         "meta": {"document": "bridge"}},
        {"id": "u3", "variants": {
            "en": "The ministry published the timetable on its website.",
            "hy": "Նախարարությունը չվացուցակը հրապարակել է իր կայքում։",
            "az": "Nazirlik cədvəli öz saytında dərc edib."},
         "meta": {"document": "bridge"}}
    ]});
    assert_eq!(server.post_json("/v1/units", &units).status, 201);
    (dir, server)
}

const BODY: &str = "The bridge over the Araks river opens on Monday. Trains will run twice a week from March. The ministry published the timetable on its website.\n\nThe ministry published the new timetable on its website yesterday evening. Nothing here is in the memory at all.\n\nTrains will run twice a week from March.";

fn band<'a>(report: &'a Value, target: &str, name: &str) -> &'a Value {
    report["targets"][target]["bands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["band"] == name)
        .unwrap_or_else(|| panic!("no band {name}"))
}

#[test]
fn bands_per_target_with_the_scores_of_the_match_endpoint() {
    let (_dir, server) = memory();
    let response = server.post_json(
        "/v1/analysis",
        &json!({"source": "en", "title": "Bridge news", "body": BODY,
                "targets": ["hy", "az"], "detail": true}),
    );
    assert_eq!(response.status, 200, "{}", response.text());
    let report = response.json();
    assert_eq!(report["source"], "en");
    assert_eq!(report["sentences"], 7);
    let names: Vec<&str> = report["targets"]["hy"]["bands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["band"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "context",
            "100",
            "95-99",
            "85-94",
            "75-84",
            "50-74",
            "no_match",
            "repetitions"
        ]
    );
    // hy: the middle stored sentence stands between its stored neighbours (101), the other
    // two are exact, the edited one is fuzzy, the title and the new sentence have nothing,
    // and the last sentence repeats the second.
    assert_eq!(band(&report, "hy", "context")["segments"], 1);
    assert_eq!(band(&report, "hy", "repetitions")["segments"], 1);
    assert_eq!(band(&report, "hy", "repetitions")["words"], 8);
    assert_eq!(band(&report, "hy", "no_match")["segments"], 2);
    let hy = &report["targets"]["hy"];
    assert_eq!(hy["total"]["segments"], 7);
    assert_eq!(hy["total"]["words"], report["words"]);
    let exact = band(&report, "hy", "100")["segments"].as_u64().unwrap();
    let fuzzy: u64 = ["95-99", "85-94", "75-84", "50-74"]
        .iter()
        .map(|b| band(&report, "hy", b)["segments"].as_u64().unwrap())
        .sum();
    assert_eq!((exact, fuzzy), (2, 1));
    let percent: f64 = hy["bands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["percent_words"].as_f64().unwrap())
        .sum();
    assert!((percent - 100.0).abs() < 0.5, "{percent}");
    // az: the middle sentence's unit has no az, so it has no match that counts for az.
    let az = report["targets"]["az"]["sentences"].as_array().unwrap();
    assert_eq!(az[2]["band"], "no_match");
    assert_eq!(band(&report, "az", "context")["segments"], 0);

    // Each sentence's score is the one /v1/match gives it, with the same context.
    let sentences = hy["sentences"].as_array().unwrap();
    let texts: Vec<&str> = sentences
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    for (k, sentence) in sentences.iter().enumerate() {
        if sentence["band"] == "repetitions" {
            continue;
        }
        let prev = if k == 0 { "" } else { texts[k - 1] };
        let next = texts.get(k + 1).copied().unwrap_or("");
        let found = server.post_json(
            "/v1/match",
            &json!({"text": texts[k], "source": "en", "targets": ["hy"],
                    "context": {"prev": prev, "next": next}}),
        );
        let top = found.json()["matches"][0].clone();
        assert_eq!(sentence["score"], top["score"], "{}", texts[k]);
        assert_eq!(sentence["unit_id"], top["unit_id"]);
    }

    // The same report as CSV: a header and one row per target and band.
    let csv = server.request(
        "POST",
        "/v1/analysis",
        &[("Accept", "text/csv")],
        Some(
            &json!({"source": "en", "title": "Bridge news", "body": BODY, "targets": ["hy", "az"]}),
        ),
    );
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = csv.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 2 * 8);
    assert!(lines[0].starts_with("article,source,target,band,segments,words"));
    assert!(
        lines.iter().any(|l| l.starts_with(",en,hy,context,1,8,")),
        "{text}"
    );
}

#[test]
fn a_printable_report_in_the_callers_language() {
    let (_dir, server) = memory();
    let body =
        json!({"source": "en", "title": "Bridge news", "body": BODY, "targets": ["hy", "az"]});
    let page = server.request(
        "POST",
        "/v1/analysis?format=html",
        &[("Accept-Language", "hy")],
        Some(&body),
    );
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(page.header("content-language"), Some("hy"));
    let html = page.text();
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"hy\" dir=\"ltr\">"),
        "{html}"
    );
    for text in [
        "Ծածկույթի հաշվետվություն",
        "Կրկնություններ",
        "101% (համատեքստ)",
        "Հայերեն",
        "Ադրբեջաներեն",
    ] {
        assert!(html.contains(text), "{text} missing:\n{html}");
    }
    assert!(!html.contains("desk-"), "never a message id: {html}");
    assert_eq!(html.matches("class=\"bar\"").count(), 2);
    server
        .request("POST", "/v1/analysis?format=pdf", &[], Some(&body))
        .assert_error(400, "invalid_parameter");
    if let Some(browser) = crate::common::chromium() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.html");
        std::fs::write(&file, &html).unwrap();
        let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        let out = std::process::Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--window-size=1000,1300",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join("profile").display()
            ))
            .arg(format!(
                "--screenshot={}",
                shots.join("analysis-report-hy.png").display()
            ))
            .arg(format!("file://{}", file.display()))
            .output()
            .expect("chromium runs");
        assert!(out.status.success());
    }
}

#[test]
fn stored_articles_are_analysed_without_their_own_units_and_repeat_across() {
    let (_dir, server) = memory();
    assert_eq!(server.post_json("/v1/articles", &article()).status, 201);
    let ask = json!({"article": "2026-11-30.transit-deal", "targets": ["ru"], "detail": true});
    // The article's own units are not its matches: against a memory of itself and three
    // unrelated units, nothing matches.
    let alone = server.post_json("/v1/analysis", &ask).json();
    assert_eq!(alone["article"], "2026-11-30.transit-deal");
    assert_eq!(alone["sentences"], 9);
    assert_eq!(band(&alone, "ru", "no_match")["segments"], 9, "{alone}");
    // A copy of it under another id is: every match comes from the copy's units.
    let mut copy = article();
    copy["id"] = "copy".into();
    assert_eq!(server.post_json("/v1/articles", &copy).status, 201);
    let covered = server.post_json("/v1/analysis", &ask).json();
    let sentences = covered["targets"]["ru"]["sentences"].as_array().unwrap();
    assert!(sentences
        .iter()
        .filter_map(|s| s["unit_id"].as_str())
        .all(|id| id.starts_with("copy~")));
    let sure = band(&covered, "ru", "context")["segments"]
        .as_u64()
        .unwrap()
        + band(&covered, "ru", "100")["segments"].as_u64().unwrap();
    // All but the two sentences the hy version merged into one unit.
    assert_eq!(sure, 7, "{covered}");
    // Together, the second article's sentences repeat the first's.
    let both = server.post_json(
        "/v1/analysis",
        &json!({"articles": ["2026-11-30.transit-deal", "copy"], "targets": ["ru", "hy"]}),
    );
    assert_eq!(both.status, 200, "{}", both.text());
    let both = both.json();
    assert_eq!(both["articles"].as_array().unwrap().len(), 2);
    let total = &both["total"];
    assert_eq!(total["sentences"], 18);
    assert_eq!(band(total, "ru", "repetitions")["segments"], 9);
    assert_eq!(
        band(&both["articles"][1], "hy", "repetitions")["segments"],
        9
    );

    // Refusals.
    server
        .post_json(
            "/v1/analysis",
            &json!({"article": "nope", "targets": ["hy"]}),
        )
        .assert_error(404, "article_not_found");
    server
        .post_json("/v1/analysis", &json!({"article": "copy", "targets": []}))
        .assert_error(400, "invalid_request");
    server
        .post_json(
            "/v1/analysis",
            &json!({"article": "copy", "targets": ["en"]}),
        )
        .assert_error(400, "invalid_request");
    server
        .post_json(
            "/v1/analysis",
            &json!({"article": "copy", "source": "en", "title": "T", "body": "B.", "targets": ["hy"]}),
        )
        .assert_error(400, "invalid_request");
    server
        .post_json(
            "/v1/analysis",
            &json!({"source": "en", "title": "T", "html": "<script></script>", "targets": ["hy"]}),
        )
        .assert_error(422, "no_article_text");
}
