//! `/tmserver`: called exactly as Weblate's "tmserver" machinery backend builds its URLs
//! (`weblate/machinery/tmserver.py` and `base.py`): the base URL, then each part
//! percent-encoded with `urllib.parse.quote(part, b"")` (nothing left safe), the text cut at
//! 500 characters with `\r` made a space, language codes lower-cased with `_`.

use crate::common::{seeded_in, TestServer};
use serde_json::{json, Value};

/// Python's `urllib.parse.quote(s, safe=b"")`: everything but `A-Za-z0-9_.-~` is escaped,
/// UTF-8 byte by byte, `/` included.
fn quote(s: &str) -> String {
    let mut out = String::new();
    for byte in s.bytes() {
        if byte.is_ascii_alphanumeric() || b"_.-~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Weblate's `map_language_code` for tmserver: `-` → `_`, lower case.
fn weblate_code(code: &str) -> String {
    code.replace('-', "_").to_lowercase()
}

/// Weblate's `get_language_possibilities`: `hy_AM` → `hy_am`, `hy`.
fn possibilities(code: &str) -> Vec<String> {
    let mut out = vec![weblate_code(code)];
    let mut code = code.replace('-', "_");
    while let Some((head, _)) = code.rsplit_once('_') {
        code = head.to_string();
        out.push(weblate_code(&code));
    }
    out
}

/// What Weblate's backend does for one lookup: the URL it builds, and the JSON it reads.
struct Weblate<'a> {
    server: &'a TestServer,
    base: String,
}

impl Weblate<'_> {
    /// Weblate with `base` as its service URL (`/tmserver/key/{KEY}`: Weblate sends no
    /// header, so a key goes in the URL the user types into its settings).
    fn new<'a>(server: &'a TestServer, base: &str) -> Weblate<'a> {
        Weblate {
            server,
            base: base.into(),
        }
    }

    /// `get_api_url(*parts)`.
    fn api_url(&self, parts: &[&str]) -> String {
        let mut url = self.base.trim_end_matches('/').to_string();
        for part in parts {
            url.push('/');
            url.push_str(&quote(part));
        }
        url
    }

    /// `download_languages`: every (source, target) pair offered.
    fn languages(&self) -> Vec<(String, String)> {
        let response = self.server.get(&self.api_url(&["languages", ""]));
        assert_eq!(response.status, 200, "{}", response.text());
        let data = response.json();
        let list = |key: &str| -> Vec<String> {
            data[key]
                .as_array()
                .unwrap_or_else(|| panic!("{key} is a list: {data}"))
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        let (sources, targets) = (list("sourceLanguages"), list("targetLanguages"));
        sources
            .iter()
            .flat_map(|s| targets.iter().map(move |t| (s.clone(), t.clone())))
            .collect()
    }

    /// `get_languages`: the first possible codes the service supports.
    fn pick(&self, source: &str, target: &str) -> Option<(String, String)> {
        let supported = self.languages();
        for s in possibilities(source) {
            for t in possibilities(target) {
                if supported.contains(&(s.clone(), t.clone())) {
                    return Some((s, t));
                }
            }
        }
        None
    }

    /// `download_translations`: the raw JSON answer for `text`.
    fn lookup(&self, source: &str, target: &str, text: &str) -> Value {
        let cut: String = text
            .chars()
            .take(500)
            .collect::<String>()
            .replace('\r', " ");
        let url = self.api_url(&[source, target, "unit", &cut]);
        let response = self.server.get(&url);
        assert_eq!(response.status, 200, "{url}: {}", response.text());
        assert!(
            response.content_type.starts_with("application/json"),
            "{}",
            response.content_type
        );
        response.json()
    }
}

/// Checks the tmserver/amaGama contract of an answer and returns its entries.
fn check_contract(answer: &Value) -> Vec<Value> {
    let list = answer.as_array().expect("a JSON list").clone();
    let mut last_quality = f64::INFINITY;
    for (i, entry) in list.iter().enumerate() {
        let object = entry.as_object().expect("an object");
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["quality", "rank", "source", "target"], "{entry}");
        assert!(entry["source"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(entry["target"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(entry["quality"].is_f64(), "quality is a float: {entry}");
        let quality = entry["quality"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&quality), "{entry}");
        assert!(quality <= last_quality, "best first: {answer}");
        last_quality = quality;
        assert_eq!(entry["rank"], json!(i + 1), "ranks count from 1: {answer}");
    }
    list
}

/// A seeded server with the master key `k`, and the tmserver base URL with a read key in
/// its path (tmserver clients cannot send headers).
fn seeded() -> (tempfile::TempDir, TestServer, String) {
    let dir = tempfile::tempdir().unwrap();
    let server = seeded_in(dir.path(), |config| config.master_key = Some("k".into()));
    let made = server.request(
        "POST",
        "/v1/keys",
        &[("Authorization", "Bearer k")],
        Some(&json!({"name": "weblate", "role": "read"})),
    );
    assert_eq!(made.status, 201, "{}", made.text());
    let key = made.json()["key"].as_str().unwrap().to_string();
    (dir, server, format!("/tmserver/key/{key}"))
}

const TRAIN_EN: &str =
    "The first train will leave Yerevan at 07:45 and is expected to arrive in Baku at 21:30 the same day.";
const TRAIN_HY: &str = "Առաջին գնացքը Երևանից կմեկնի ժամը 07:45-ին և, ըստ ակնկալիքների, Բաքու կժամանի նույն օրը՝ ժամը 21:30-ին։";

#[test]
fn weblate_saves_the_service_lists_languages_and_finds_an_exact_match() {
    let (_dir, server, base) = seeded();
    let weblate = Weblate::new(&server, &base);

    // Saving the settings: languages, then "test" from en to de, a pair nobody stores.
    let pairs = weblate.languages();
    for code in ["en", "hy", "az", "ru"] {
        assert!(pairs.contains(&("en".into(), code.into())), "{pairs:?}");
    }
    assert_eq!(weblate.lookup("en", "de", "test"), json!([]));

    // Armenian as Weblate knows it (hy_AM → hy_am, hy): a pair the service offers.
    let (source, target) = weblate.pick("en", "hy_AM").expect("en → hy is supported");
    assert_eq!((source.as_str(), target.as_str()), ("en", "hy"));
    let answer = weblate.lookup(&source, &target, TRAIN_EN);
    let list = check_contract(&answer);
    assert_eq!(list[0]["source"], TRAIN_EN);
    assert_eq!(list[0]["target"], TRAIN_HY);
    assert_eq!(list[0]["quality"], json!(100.0));
    assert_eq!(list[0]["rank"], 1);

    // Lower-cased `_` codes and BCP 47 both work, in every direction.
    for (s, t) in [
        ("en", "hy_am"),
        ("en_us", "hy"),
        ("en-US", "hy-AM"),
        ("EN", "HY"),
    ] {
        let list = check_contract(&weblate.lookup(s, t, TRAIN_EN));
        assert_eq!(list[0]["target"], TRAIN_HY, "{s} → {t}");
    }
    let list = check_contract(&weblate.lookup("hy_am", "az_latn", TRAIN_HY));
    assert_eq!(list[0]["quality"], json!(100.0));
    assert!(list[0]["target"].as_str().unwrap().starts_with("İlk qatar"));
}

#[test]
fn a_slash_in_the_text_arrives_as_2f_and_stays_in_it() {
    let (_dir, server, base) = seeded();
    let weblate = Weblate::new(&server, &base);
    let text = "Tickets cost 18,500/25,000 drams (50% off for students) & are sold at A/B desks #3 + online?";
    let hy = "Տոմսերն արժեն 18 500/25 000 դրամ (ուսանողների համար՝ 50% զեղչ) և վաճառվում են A/B գրասեղաններում #3 + առցանց։";
    let created = server.send(
        "POST",
        "/v1/units",
        "application/json",
        json!({"units": [{"variants": {"en": text, "hy": hy}}]})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(created.status, 401, "the key guards /v1");
    let created = ureq::post(&format!("{}/v1/units", server.url))
        .set("Authorization", "Bearer k")
        .send_json(json!({"units": [{"variants": {"en": text, "hy": hy}}]}))
        .expect("unit stored");
    assert_eq!(created.status(), 201);

    let url = weblate.api_url(&["en", "hy", "unit", text]);
    // One path segment per part: the text's own slashes are all %2F.
    assert!(url.contains("%2F"));
    assert_eq!(url[base.len()..].matches('/').count(), 4, "{url}");
    let list = check_contract(&weblate.lookup("en", "hy", text));
    assert_eq!(list[0]["source"], text);
    assert_eq!(list[0]["target"], hy);
    assert_eq!(list[0]["quality"], json!(100.0));

    // Virtaal's base URL ends in `/`, so its lookups start with `//`.
    let virtaal = format!("{base}//en/hy/unit/{}", quote(text));
    let list = check_contract(&server.get(&virtaal).json());
    assert_eq!(list[0]["source"], text);

    // A client that leaves `/` unescaped: the text is the same.
    let raw = format!("{base}/en/hy/unit/{}", quote(text).replace("%2F", "/"));
    let list = check_contract(&server.get(&raw).json());
    assert_eq!(list[0]["source"], text);
}

#[test]
fn long_texts_are_cut_at_500_characters_and_still_match() {
    let (_dir, server, base) = seeded();
    let weblate = Weblate::new(&server, &base);
    // A paragraph of seed sentences, longer than 500 characters; Weblate sends its first 500.
    let paragraph = [
        TRAIN_EN,
        "The route runs through Ijevan and Gazakh, and trains cross the border at a newly rebuilt station.",
        "A one-way ticket in second class will cost 18,500 drams, or 80.45 manats.",
        "Trains will run three times a week at first, on Mondays, Wednesdays and Fridays.",
        "Each train has eight carriages and can carry up to 420 passengers.",
        "Railway director Tigran Avetisyan said the repairs to the line had cost 46.7 million dollars.",
        "Tickets go on sale on 3 March at stations and online.",
    ]
    .join("\r");
    assert!(paragraph.chars().count() > 500);
    // Answered (no error for the cut, the `\r` or the length), in the contract's shape.
    check_contract(&weblate.lookup("en", "hy", &paragraph));
    // 500 Armenian letters are 1000 bytes, 3000 characters of URL.
    let armenian = TRAIN_HY.repeat(6);
    assert!(armenian.chars().count() > 500);
    check_contract(&weblate.lookup("hy", "en", &armenian));

    // The whole 500-character cut of a stored 500+ character sentence finds it.
    let long_en = "alpha beta gamma delta ".repeat(25).trim().to_string();
    assert!(long_en.chars().count() > 500);
    let long_hy = "Երկար նախադասություն։";
    ureq::post(&format!("{}/v1/units", server.url))
        .set("Authorization", "Bearer k")
        .send_json(json!({"units": [{"variants": {"en": long_en, "hy": long_hy}}]}))
        .expect("unit stored");
    let list = check_contract(&weblate.lookup("en", "hy", &long_en));
    assert_eq!(list[0]["target"], long_hy);
    let quality = list[0]["quality"].as_f64().unwrap();
    assert!(
        (80.0..100.0).contains(&quality),
        "the cut text is a near match: {quality}"
    );
}

#[test]
fn unknown_or_empty_pairs_and_bad_codes_answer_an_empty_list() {
    let (_dir, server, base) = seeded();
    let weblate = Weblate::new(&server, &base);
    for (s, t) in [
        ("en", "de"),
        ("de", "en"),
        ("xx", "hy"),
        ("en", "not a language!"),
        ("en", "en_gb"),
    ] {
        let url = weblate.api_url(&[s, t, "unit", TRAIN_EN]);
        let response = server.get(&url);
        assert_eq!(response.status, 200, "{url}: {}", response.text());
        assert_eq!(response.json(), json!([]), "{url}");
    }
    assert_eq!(weblate.lookup("en", "hy", " "), json!([]));
    assert_eq!(server.get(&format!("{base}/en/hy/unit/")).json(), json!([]));
}

#[test]
fn options_limit_and_filter_the_suggestions() {
    let (_dir, server, base) = seeded();
    let near = "Weather for Yerevan on Saturday: sunny, 18-20 degrees.";
    let path = format!("{base}/en/ru/unit/{}", quote(near));

    let default = check_contract(&server.get(&path).json());
    assert!(default.len() >= 2, "{default:?}");
    assert!(default
        .iter()
        .all(|e| e["quality"].as_f64().unwrap() >= 70.0));
    assert!(default.len() <= 5);

    let one = check_contract(&server.get(&format!("{path}?max_candidates=1")).json());
    assert_eq!(one.len(), 1);
    assert_eq!(one[0], default[0]);

    let strict = check_contract(&server.get(&format!("{path}?min_similarity=95")).json());
    assert!(strict
        .iter()
        .all(|e| e["quality"].as_f64().unwrap() >= 95.0));
    assert!(strict.len() < default.len());

    let loose = check_contract(
        &server
            .get(&format!("{path}?min_similarity=10&max_candidates=500"))
            .json(),
    );
    assert!(loose.len() <= 30 && loose.len() >= default.len());

    let bad = server.get(&format!("{path}?max_candidates=many"));
    bad.assert_error(400, "invalid_parameter");
}

#[test]
fn only_get_is_served_and_other_paths_are_json_errors() {
    let (_dir, server, base) = seeded();
    server
        .get(&format!("{base}/en/hy/units/x"))
        .assert_error(404, "route_not_found");
    server
        .post_json(&format!("{base}/en/hy/unit/x"), &json!({}))
        .assert_error(405, "method_not_allowed");
}

#[test]
fn the_key_goes_in_the_header_or_the_path_and_a_revoked_one_stops_at_once() {
    let (_dir, server, base) = seeded();
    let path = format!("/en/hy/unit/{}", quote(TRAIN_EN));
    // Without a key, nothing; with the read key in the header, the same answer as in the
    // path.
    server
        .get(&format!("/tmserver{path}"))
        .assert_error(401, "unauthorized");
    let key = base.trim_start_matches("/tmserver/key/");
    let by_header = server.get_with(
        &format!("/tmserver{path}"),
        "Authorization",
        &format!("Bearer {key}"),
    );
    assert_eq!(by_header.status, 200, "{}", by_header.text());
    let by_path = server.get(&format!("{base}{path}"));
    assert_eq!(by_path.json(), by_header.json());
    assert_eq!(check_contract(&by_path.json())[0]["target"], TRAIN_HY);
    // A wrong key in the path is refused, not taken for a language code.
    server
        .get(&format!("/tmserver/key/tg_wrong{path}"))
        .assert_error(401, "unauthorized");
    // Revoked: the next lookup is refused.
    let list = server.request("GET", "/v1/keys", &[("Authorization", "Bearer k")], None);
    let id = list.json()["keys"][0]["id"].as_str().unwrap().to_string();
    let revoked = server.request(
        "DELETE",
        &format!("/v1/keys/{id}"),
        &[("Authorization", "Bearer k")],
        None,
    );
    assert_eq!(revoked.status, 204);
    server
        .get(&format!("{base}{path}"))
        .assert_error(401, "unauthorized");
}
