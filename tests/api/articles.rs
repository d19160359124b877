//! Articles over HTTP: an article written for the project in four languages (names across
//! scripts, numbers in each language's style, quotes, an hy version that merges two
//! sentences, an az version that leaves one out, an en version in HTML with a link,
//! emphasis, a figure, a comment and a script) goes in; its beads, units, corrections,
//! later versions and every refusal are checked on the real server.

use serde_json::{json, Value};

use crate::common::{spawn_in, TestServer};

const ID: &str = "2026-11-30.transit-deal";

pub fn article() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/articles/transit-deal.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn server() -> (tempfile::TempDir, TestServer) {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    (dir, server)
}

/// The beads of one target as `(source, target)` index lists.
fn beads(article: &Value, lang: &str) -> Vec<(Vec<u64>, Vec<u64>)> {
    let list = |v: &Value| -> Vec<u64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_u64().unwrap())
            .collect()
    };
    article["versions"][lang]["alignment"]
        .as_array()
        .unwrap_or_else(|| panic!("no alignment for {lang}"))
        .iter()
        .map(|b| (list(&b["source"]), list(&b["target"])))
        .collect()
}

fn pairs(spec: &[(&[u64], &[u64])]) -> Vec<(Vec<u64>, Vec<u64>)> {
    spec.iter().map(|(s, t)| (s.to_vec(), t.to_vec())).collect()
}

fn unit_count(server: &TestServer) -> u64 {
    server.get("/health").json()["units"].as_u64().unwrap()
}

fn prop<'a>(unit: &'a Value, kind: &str) -> Option<&'a str> {
    unit["meta"]["props"]
        .as_array()?
        .iter()
        .find(|p| p["type"] == kind)
        .and_then(|p| p["value"].as_str())
}

#[test]
fn an_article_is_aligned_into_units_with_its_metadata() {
    let (_dir, server) = server();
    let response = server.post_json("/v1/articles", &article());
    assert_eq!(response.status, 201, "{}", response.text());
    let saved = response.json();
    assert_eq!(saved["id"], ID);
    // Title, lead, six body sentences and a figure caption.
    assert_eq!(saved["versions"]["en"]["sentences"], 9);
    assert_eq!(saved["versions"]["hy"]["sentences"], 8);
    assert_eq!(saved["versions"]["az"]["sentences"], 8);
    assert_eq!(saved["units"]["added"], 8, "one unit per source group");
    assert_eq!(saved["alignment"]["ru"]["one_to_one"], 9);
    assert_eq!(saved["alignment"]["hy"]["beads"], 8);
    assert_eq!(saved["alignment"]["az"]["beads"], 9);
    assert!(saved["alignment"]["hy"]["review"].as_u64().unwrap() >= 1);
    assert_eq!(unit_count(&server), 8);

    let stored = server.get(&format!("/v1/articles/{ID}"));
    assert_eq!(stored.status, 200);
    let stored = stored.json();
    assert_eq!(stored["published"], "2026-11-30T05:00:00Z");
    // The hy version merges the first two body sentences; az leaves the second one out.
    assert_eq!(
        beads(&stored, "hy"),
        pairs(&[
            (&[0], &[0]),
            (&[1], &[1]),
            (&[2, 3], &[2]),
            (&[4], &[3]),
            (&[5], &[4]),
            (&[6], &[5]),
            (&[7], &[6]),
            (&[8], &[7]),
        ])
    );
    assert_eq!(
        beads(&stored, "az"),
        pairs(&[
            (&[0], &[0]),
            (&[1], &[1]),
            (&[2], &[2]),
            (&[3], &[]),
            (&[4], &[3]),
            (&[5], &[4]),
            (&[6], &[5]),
            (&[7], &[6]),
            (&[8], &[7]),
        ])
    );
    assert_eq!(beads(&stored, "ru").len(), 9);
    assert!(stored["versions"]["en"].get("alignment").is_none());
    let az_missing = &stored["versions"]["az"]["alignment"][3];
    assert_eq!(az_missing["review"], true);
    assert_eq!(az_missing["state"], "auto");

    // Offsets count in chars of the HTML's text with blocks joined by a blank line; the
    // script, comment and image are gone, entities decoded.
    let en = &stored["versions"]["en"];
    let text: Vec<char> = "President Ilham Aliyev said on Monday that the agreement covers 1,250.5 kilometres of railway. Talks lasted eleven months.\n\n“We have waited for this day for thirty years,” Aliyev told reporters in Baku. The full report was published on the government website.\n\nA freight train near Gyumri.\n\nPrime Minister Nikol Pashinyan welcomed the deal. He said freight would start moving in 2027.".chars().collect();
    for sentence in en["sentences"].as_array().unwrap() {
        if sentence["block"].is_u64() {
            let (start, end) = (
                sentence["start"].as_u64().unwrap() as usize,
                sentence["end"].as_u64().unwrap() as usize,
            );
            let slice: String = text[start..end].iter().collect();
            assert_eq!(slice, sentence["text"].as_str().unwrap());
        }
    }
    assert_eq!(en["sentences"][0]["block"], "title");
    assert_eq!(en["sentences"][1]["block"], "lead");
    assert_eq!(
        en["sentences"][6]["block"], 2,
        "the figure caption is a block"
    );

    // The merged group is one unit in every language, marked for review, with the
    // article's metadata and neighbours.
    let units: Vec<String> = stored["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_string())
        .collect();
    let merged = server.get(&format!("/v1/units/{}", units[2])).json();
    assert_eq!(
        merged["variants"]["en"],
        "President Ilham Aliyev said on Monday that the agreement covers 1,250.5 kilometres of railway. Talks lasted eleven months."
    );
    assert!(merged["variants"]["hy"]
        .as_str()
        .unwrap()
        .contains("տասնմեկ ամիս"));
    assert!(merged["variants"]["ru"]
        .as_str()
        .unwrap()
        .ends_with("одиннадцать месяцев."));
    assert!(merged["variants"]["az"]
        .as_str()
        .unwrap()
        .starts_with("Prezident İlham Əliyev"));
    assert_eq!(prop(&merged, "x-alignment"), Some("review"));
    assert_eq!(prop(&merged, "x-section"), Some("politics"));
    let meta = &merged["meta"];
    assert_eq!(meta["document"], ID);
    assert_eq!(meta["outlet"], "tetraglot-news");
    assert_eq!(meta["author"], "Anna Petrosyan, Rauf Mammadov");
    assert_eq!(meta["prev"], units[1].as_str());
    assert_eq!(meta["next"], units[3].as_str());
    // The emphasis survives as the unit's inline codes.
    assert!(merged["markup"]["en"].as_str().unwrap().contains(
        "<bpt i=\"1\" type=\"italic\">&lt;em&gt;</bpt>eleven months<ept i=\"1\">&lt;/em&gt;</ept>"
    ));

    // A sure 1-1 sentence is `auto`; a translator's lookup finds it, its state in `meta`.
    let quote = server.get(&format!("/v1/units/{}", units[3])).json();
    assert_eq!(prop(&quote, "x-alignment"), Some("auto"));
    let found = server.post_json(
        "/v1/match",
        &json!({"text": "«Мы ждали этого дня тридцать лет», — сказал Алиев журналистам в Ереване.",
                "source": "ru", "targets": ["hy"]}),
    );
    let top = &found.json()["matches"][0];
    assert_eq!(top["unit_id"], units[3].as_str());
    assert!(top["score"].as_u64().unwrap() >= 75, "{top}");
    assert!(top["meta"]["props"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["type"] == "x-alignment" && p["value"] == "auto"));
    // The unit under review is served too, saying so.
    let found = server.post_json(
        "/v1/match",
        &json!({"text": merged["variants"]["en"], "source": "en", "targets": ["hy"]}),
    );
    let top = &found.json()["matches"][0];
    assert_eq!(top["unit_id"], units[2].as_str());
    assert!(top["meta"]["props"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["type"] == "x-alignment" && p["value"] == "review"));
}

#[test]
fn posting_again_adds_nothing_and_keeps_the_unit_ids() {
    let (_dir, server) = server();
    assert_eq!(server.post_json("/v1/articles", &article()).status, 201);
    let first = server.get(&format!("/v1/articles/{ID}")).json()["units"].clone();
    let again = server.post_json("/v1/articles", &article());
    assert_eq!(again.status, 200, "a replaced article is 200");
    let again = again.json();
    assert_eq!(
        again["units"],
        json!({"added": 0, "updated": 0, "removed": 0})
    );
    assert_eq!(unit_count(&server), 8);
    assert_eq!(
        server.get(&format!("/v1/articles/{ID}")).json()["units"],
        first
    );

    // One ru sentence edited: its unit is updated in place, every id stays.
    let mut edited = article();
    let body = edited["versions"]["ru"]["body"].as_str().unwrap().replace(
        "Полный доклад опубликован",
        "Полный текст доклада опубликован",
    );
    edited["versions"]["ru"]["body"] = body.into();
    let saved = server.post_json("/v1/articles", &edited).json();
    assert_eq!(
        saved["units"],
        json!({"added": 0, "updated": 1, "removed": 0})
    );
    assert_eq!(
        server.get(&format!("/v1/articles/{ID}")).json()["units"],
        first
    );

    // An en sentence removed from the article: its unit goes.
    let mut shorter = edited.clone();
    let html = shorter["versions"]["en"]["html"]
        .as_str()
        .unwrap()
        .replace("He said freight would start moving in 2027.", "");
    shorter["versions"]["en"]["html"] = html.into();
    let saved = server.post_json("/v1/articles", &shorter).json();
    assert_eq!(saved["units"]["removed"], 1);
    assert_eq!(unit_count(&server), 7);
}

#[test]
fn versions_arrive_later_and_leave() {
    let (_dir, server) = server();
    let mut first = article();
    let versions = first["versions"].as_object_mut().unwrap();
    let az = versions.remove("az").unwrap();
    let hy = versions.remove("hy").unwrap();
    let saved = server.post_json("/v1/articles", &first);
    assert_eq!(saved.status, 201, "{}", saved.text());
    let ids = server.get(&format!("/v1/articles/{ID}")).json()["units"].clone();
    assert_eq!(
        ids.as_array().unwrap().len(),
        9,
        "en-ru: every sentence its unit"
    );

    let added = server.put_json(&format!("/v1/articles/{ID}/versions/az"), &az);
    assert_eq!(added.status, 200, "{}", added.text());
    assert_eq!(added.json()["alignment"]["az"]["beads"], 9);
    let units = server.get(&format!("/v1/articles/{ID}")).json()["units"].clone();
    assert_eq!(units, ids, "adding a version keeps the ids");
    let unit = server
        .get(&format!("/v1/units/{}", units[0].as_str().unwrap()))
        .json();
    assert_eq!(
        unit["variants"]["az"],
        "Azərbaycan və Ermənistan tranzit sazişi imzalayıb"
    );

    // hy merges two source sentences: their two units become one.
    let added = server
        .put_json(&format!("/v1/articles/{ID}/versions/hy-AM"), &hy)
        .json();
    assert_eq!(added["units"]["removed"], 2);
    assert_eq!(added["units"]["added"], 1);
    assert_eq!(unit_count(&server), 8);
    let stored = server.get(&format!("/v1/articles/{ID}")).json();
    assert!(stored["versions"]["hy-AM"]["alignment"].is_array());

    // A version leaves; the source version cannot.
    let gone = server.delete(&format!("/v1/articles/{ID}/versions/az"));
    assert_eq!(gone.status, 200);
    let unit = server
        .get(&format!("/v1/units/{}", units[0].as_str().unwrap()))
        .json();
    assert!(unit["variants"].get("az").is_none());
    server
        .delete(&format!("/v1/articles/{ID}/versions/en"))
        .assert_error(409, "source_version");
    server
        .delete(&format!("/v1/articles/{ID}/versions/az"))
        .assert_error(404, "version_not_found");
}

#[test]
fn an_editors_correction_is_kept_when_the_article_is_aligned_again() {
    let (_dir, server) = server();
    server.post_json("/v1/articles", &article());
    // The editor says the hy sentence renders only the first en sentence; the second has
    // no hy counterpart.
    let corrected: Vec<Value> = [
        (vec![0], vec![0]),
        (vec![1], vec![1]),
        (vec![2], vec![2]),
        (vec![3], vec![]),
        (vec![4], vec![3]),
        (vec![5], vec![4]),
        (vec![6], vec![5]),
        (vec![7], vec![6]),
        (vec![8], vec![7]),
    ]
    .into_iter()
    .map(|(s, t)| json!({"source": s, "target": t}))
    .collect();
    let response = server.put_json(
        &format!("/v1/articles/{ID}/alignment/hy"),
        &json!({ "beads": corrected }),
    );
    assert_eq!(response.status, 200, "{}", response.text());
    let stored = server.get(&format!("/v1/articles/{ID}")).json();
    let hy = stored["versions"]["hy"]["alignment"].as_array().unwrap();
    assert!(hy.iter().all(|b| b["state"] == "confirmed"));
    assert_eq!(hy[3]["target"], json!([]));

    // The article comes again with an edited ru sentence and a new last paragraph: the
    // confirmed beads are all still there.
    let mut again = article();
    let body = again["versions"]["ru"]["body"]
        .as_str()
        .unwrap()
        .replace("тридцать лет", "целых тридцать лет");
    again["versions"]["ru"]["body"] = body.into();
    let html = again["versions"]["en"]["html"]
        .as_str()
        .unwrap()
        .to_string()
        + "<p>The agreement takes effect in January.</p>";
    again["versions"]["en"]["html"] = html.into();
    assert_eq!(server.post_json("/v1/articles", &again).status, 200);
    let stored = server.get(&format!("/v1/articles/{ID}")).json();
    let hy = stored["versions"]["hy"]["alignment"].as_array().unwrap();
    let confirmed: Vec<&Value> = hy.iter().filter(|b| b["state"] == "confirmed").collect();
    assert_eq!(confirmed.len(), 9, "{hy:?}");
    assert_eq!(hy.last().unwrap()["source"], json!([9]));
    assert_eq!(hy.last().unwrap()["target"], json!([]));

    // The units follow the correction: the second en sentence is a unit of its own, with
    // no hy variant; the first has the confirmed hy sentence.
    let units = stored["units"].as_array().unwrap();
    let second = server
        .get(&format!("/v1/units/{}", units[3].as_str().unwrap()))
        .json();
    assert_eq!(second["variants"]["en"], "Talks lasted eleven months.");
    assert!(second["variants"].get("hy").is_none());
    let first = server
        .get(&format!("/v1/units/{}", units[2].as_str().unwrap()))
        .json();
    assert!(first["variants"]["hy"]
        .as_str()
        .unwrap()
        .starts_with("Նախագահ Իլհամ Ալիևը"));
    // Confirmed for hy, sure for az and ru: nothing left to review.
    assert_eq!(prop(&first, "x-alignment"), Some("auto"));
}

#[test]
fn inline_codes_are_exported_as_tmx_codes() {
    let (_dir, server) = server();
    server.post_json("/v1/articles", &article());
    let tmx = server
        .get(&format!("/v1/export?format=tmx&document={ID}"))
        .text();
    assert!(
        tmx.contains("The <bpt i=\"1\" type=\"link\">&lt;a href=\"https://example.org/report?id=7&amp;amp;lang=en\"&gt;</bpt>full report<ept i=\"1\">&lt;/a&gt;</ept> was published"),
        "{tmx}"
    );
    assert!(tmx.contains("<prop type=\"x-alignment\">"));
    // Records are not units: a whole export holds the article's eight units and nothing else.
    let all = server.get("/v1/export?format=tmx").text();
    assert_eq!(all.matches("<tu ").count(), 8);
    // The exported file reads back as the same plain texts.
    let dir = tempfile::tempdir().unwrap();
    let other = spawn_in(dir.path(), |_| {});
    let imported = other.send(
        "POST",
        "/v1/import?format=tmx",
        "application/xml",
        tmx.as_bytes(),
    );
    assert_eq!(imported.status, 200, "{}", imported.text());
    let found = other.post_json(
        "/v1/match",
        &json!({"text": "The full report was published on the government website.", "source": "en"}),
    );
    assert_eq!(found.json()["matches"][0]["score"], 100);
}

#[test]
fn listing_pages_newest_first_and_filters() {
    let (_dir, server) = server();
    for (n, day) in [(1, "01"), (2, "03"), (3, "02")] {
        let mut a = article();
        a["id"] = format!("story-{n}").into();
        a["published"] = format!("2026-11-{day}T10:00:00Z").into();
        if n == 3 {
            a["versions"].as_object_mut().unwrap().remove("az");
            a["section"] = "economy".into();
        }
        assert_eq!(server.post_json("/v1/articles", &a).status, 201);
    }
    let page = server.get("/v1/articles?limit=2").json();
    let ids: Vec<&str> = page["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["story-2", "story-3"]);
    let cursor = page["next"].as_str().unwrap();
    let rest = server
        .get(&format!("/v1/articles?limit=2&cursor={cursor}"))
        .json();
    assert_eq!(rest["articles"][0]["id"], "story-1");
    assert!(rest["next"].is_null());
    let az = server.get("/v1/articles?lang=az").json();
    assert_eq!(az["articles"].as_array().unwrap().len(), 2);
    let economy = server.get("/v1/articles?section=economy").json();
    assert_eq!(economy["articles"][0]["id"], "story-3");
    let since = server.get("/v1/articles?since=2026-11-02T00:00:00Z").json();
    assert_eq!(since["articles"].as_array().unwrap().len(), 2);
    server
        .get("/v1/articles?cursor=zz")
        .assert_error(400, "invalid_parameter");
    server
        .get("/v1/articles?limit=0")
        .assert_error(422, "invalid_limit");
}

#[test]
fn deleting_an_article_takes_its_units_unless_asked_to_keep_them() {
    let (_dir, server) = server();
    server.post_json("/v1/articles", &article());
    let mut other = article();
    other["id"] = "kept".into();
    server.post_json("/v1/articles", &other);
    assert_eq!(unit_count(&server), 16);
    let gone = server.delete(&format!("/v1/articles/{ID}"));
    assert_eq!(gone.status, 200);
    assert_eq!(gone.json()["units"]["removed"], 8);
    assert_eq!(unit_count(&server), 8);
    server
        .get(&format!("/v1/articles/{ID}"))
        .assert_error(404, "article_not_found");
    assert_eq!(
        server.delete("/v1/articles/kept?keep_units=true").status,
        200
    );
    assert_eq!(unit_count(&server), 8, "the units stay in the memory");
    assert!(server.get("/v1/articles").json()["articles"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn bad_articles_are_refused_with_their_codes_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |config| config.max_article_chars = 5_000);
    let with = |change: &dyn Fn(&mut Value)| {
        let mut a = article();
        change(&mut a);
        a
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (with(&|a| a["id"] = "a/b".into()), 422, "invalid_article_id"),
        (with(&|a| a["id"] = "".into()), 422, "invalid_article_id"),
        (
            with(&|a| a["versions"]["not a tag!"] = a["versions"]["ru"].clone()),
            400,
            "invalid_language",
        ),
        (
            with(&|a| a["versions"]["qaa"] = a["versions"]["ru"].clone()),
            422,
            "unknown_language",
        ),
        (
            with(&|a| a["versions"]["hy-AM"] = a["versions"]["hy"].clone()),
            422,
            "duplicate_language",
        ),
        (with(&|a| a["source"] = "ka".into()), 422, "invalid_article"),
        (
            with(&|a| a["versions"]["en"]["html"] = "<script>x()</script><p> </p>".into()),
            422,
            "no_article_text",
        ),
        (
            with(&|a| {
                a["versions"]["ru"] = json!({"title": "Заголовок"});
            }),
            422,
            "invalid_article",
        ),
        (
            with(&|a| a["versions"]["ru"]["title"] = " ".into()),
            422,
            "invalid_article",
        ),
        (
            with(&|a| a["published"] = "30.11.2026".into()),
            422,
            "invalid_date",
        ),
        (
            with(&|a| {
                a["versions"]["ru"]["body"] = "x. ".repeat(2_000).into();
            }),
            422,
            "article_too_long",
        ),
        (
            with(&|a| a["versions"]["ru"]["body"] = "Текст\u{1}.".into()),
            422,
            "invalid_text",
        ),
        (
            with(&|a| a["colour"] = "red".into()),
            400,
            "invalid_request",
        ),
    ];
    for (body, status, code) in cases {
        let response = server.post_json("/v1/articles", &body);
        assert_eq!(
            (response.status, response.json()["error"]["code"].as_str()),
            (status, Some(code)),
            "{}",
            response.text()
        );
    }
    assert_eq!(unit_count(&server), 0, "nothing was written");
    assert!(server.get("/v1/articles").json()["articles"]
        .as_array()
        .unwrap()
        .is_empty());

    // Refusals on a stored article leave it as it was.
    assert_eq!(server.post_json("/v1/articles", &article()).status, 201);
    let before = server.get(&format!("/v1/articles/{ID}")).json();
    let bead_cases = [
        (
            json!({"beads": [{"source": [0], "target": [0]}]}),
            "is in no bead",
        ),
        (
            json!({"beads": [{"source": [0, 0], "target": [0]}]}),
            "more than one bead",
        ),
        (
            json!({"beads": [{"source": [99], "target": []}]}),
            "no source sentence 99",
        ),
        (
            json!({"beads": [{"source": [], "target": []}]}),
            "holds no sentence",
        ),
    ];
    for (body, words) in bead_cases {
        let response = server.put_json(&format!("/v1/articles/{ID}/alignment/hy"), &body);
        response.assert_error(422, "invalid_alignment");
        assert!(response.text().contains(words), "{}", response.text());
    }
    server
        .put_json(
            &format!("/v1/articles/{ID}/alignment/en"),
            &json!({"beads": []}),
        )
        .assert_error(422, "invalid_alignment");
    server
        .put_json(
            &format!("/v1/articles/{ID}/alignment/ka"),
            &json!({"beads": []}),
        )
        .assert_error(404, "version_not_found");
    server
        .put_json(
            "/v1/articles/missing/versions/az",
            &article()["versions"]["az"],
        )
        .assert_error(404, "article_not_found");
    server
        .put_json(
            &format!("/v1/articles/{ID}/versions/az"),
            &json!({"title": "Başlıq", "html": "<!-- nothing -->"}),
        )
        .assert_error(422, "no_article_text");
    server
        .get("/v1/articles/a%2Fb")
        .assert_error(422, "invalid_article_id");
    assert_eq!(server.get(&format!("/v1/articles/{ID}")).json(), before);
    assert_eq!(unit_count(&server), 8);
}
