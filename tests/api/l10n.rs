//! Localisation: the shipped locales against the reference, plurals, numbers and dates per
//! locale, negotiation, fallbacks, broken files, and the /v1/l10n API with localised errors
//! over the real server.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tetraglot::http::error::ErrorCode;
use tetraglot::http::locale::error_message_id;
use tetraglot::l10n::{Catalog, LoadOptions};

const LOCALES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/locales");
const SERVED: [&str; 4] = ["en", "hy", "az", "ru"];

fn shipped() -> Catalog {
    Catalog::load(Path::new(LOCALES), &LoadOptions::default()).expect("the shipped locales load")
}

fn args(pairs: &[(&str, Value)]) -> fluent_bundle::FluentArgs<'static> {
    let object = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let (args, errors) = tetraglot::l10n::args_from_json(&object);
    assert!(errors.is_empty(), "{errors:?}");
    args
}

/// Formats `id` in exactly `locale` and insists it came from there, without errors.
fn text(catalog: &Catalog, locale: &str, id: &str, pairs: &[(&str, Value)]) -> String {
    let f = catalog.format(&[locale.to_string()], id, Some(&args(pairs)));
    assert_eq!(f.locale.as_deref(), Some(locale), "{f:?}");
    assert!(f.errors.is_empty(), "{locale} {id}: {:?}", f.errors);
    f.value.unwrap()
}

#[test]
fn shipped_locales_match_the_reference() {
    let catalog = shipped();
    let tags: Vec<&str> = catalog.locales().map(|l| l.tag()).collect();
    assert_eq!(tags, ["az", "en", "hy", "ru"]);
    assert_eq!(catalog.default_locale(), "en");
    let issues: Vec<String> = catalog.check().iter().map(ToString::to_string).collect();
    assert!(issues.is_empty(), "{issues:#?}");
    for tag in SERVED {
        let c = catalog.completeness(tag).unwrap();
        assert_eq!(c.percent, 100.0, "{tag}: missing {:?}", c.missing);
        assert!(c.messages > 60, "{tag}: {}", c.messages);
    }
}

#[test]
fn the_check_finds_missing_messages_stray_variables_and_foreign_plural_categories() {
    let dir = tempfile::tempdir().unwrap();
    let write = |tag: &str, text: &str| {
        std::fs::create_dir_all(dir.path().join(tag)).unwrap();
        std::fs::write(dir.path().join(tag).join("ui.ftl"), text).unwrap();
    };
    write(
        "en",
        "a = A\nb = { $n ->\n    [one] one\n   *[other] many\n}\nc = C\n",
    );
    write(
        "hy",
        "a = Ա { $who }\nb = { $n ->\n    [one] մեկ\n    [few] քիչ\n   *[other] շատ\n}\n",
    );
    let catalog = Catalog::load(dir.path(), &LoadOptions::default()).unwrap();
    let mut issues: Vec<String> = catalog.check().iter().map(ToString::to_string).collect();
    issues.sort();
    assert_eq!(
        issues,
        [
            "hy/ui.ftl: a uses $who, which the reference message does not have",
            "hy/ui.ftl: b has a [few] variant, a plural category hy does not have",
            "hy: c (from ui.ftl) is missing",
        ]
    );
    let c = catalog.completeness("hy").unwrap();
    assert_eq!((c.translated, c.reference, c.percent), (2, 3, 66.7));
}

#[test]
fn every_api_error_has_one_status_and_a_message_in_every_locale() {
    let mut codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), ErrorCode::ALL.len(), "no code is listed twice");
    for code in ErrorCode::ALL {
        let status = code.status().as_u16();
        assert!((400..600).contains(&status), "{code:?}: {status}");
        let retry = [503].contains(&status);
        let internal = *code == ErrorCode::Internal;
        assert_eq!(status == 500, internal, "only `internal` is a 500");
        if retry {
            // A 503 invites a retry: only for the server's passing states.
            assert!(
                matches!(
                    code,
                    ErrorCode::Unavailable
                        | ErrorCode::StorageError
                        | ErrorCode::NotCommitted
                        | ErrorCode::NotReady
                        | ErrorCode::Busy
                ),
                "{code:?}"
            );
        }
    }
    let catalog = shipped();
    for tag in SERVED {
        let locale = catalog.locale(tag).unwrap();
        for code in ErrorCode::ALL {
            let id = error_message_id(*code);
            assert!(locale.has_message(&id), "{tag} lacks {id}");
        }
    }
    // With every argument the middleware gives, each one formats cleanly.
    let all = [
        ("method", json!("POST")),
        ("path", json!("/v1/nowhere")),
        ("limit", json!(1048576)),
        ("line", json!(12)),
        ("max", json!(10000)),
        ("tag", json!("xx-!!")),
        ("id", json!("u1")),
        ("lang", json!("hy")),
        ("field", json!("none")),
        ("parameter", json!("none")),
        ("role", json!("write")),
    ];
    for tag in SERVED {
        for code in ErrorCode::ALL {
            let value = text(&catalog, tag, &error_message_id(*code), &all);
            assert!(value.chars().count() > 15, "{tag} {code:?}: {value}");
        }
    }
    assert_eq!(
        text(&catalog, "ru", "error-payload-too-large", &all),
        "Тело запроса превышает ограничение в 1\u{a0}048\u{a0}576 байт; отправляйте меньше за один раз или попросите администратора увеличить ограничение."
    );
    assert_eq!(
        text(
            &catalog,
            "hy",
            "error-malformed-tmx",
            &[("line", json!(1234))]
        ),
        "TMX ֆայլում սխալ կա (տող 1234)։ Ոչինչ չի ներմուծվել։ Ուղղեք ֆայլը և ուղարկեք նորից։"
    );
}

#[test]
fn plurals_for_0_1_2_5_21_and_1_5_in_every_locale() {
    let catalog = shipped();
    let numbers = [
        json!(0),
        json!(1),
        json!(2),
        json!(5),
        json!(21),
        json!(1.5),
    ];
    let expected: [(&str, [&str; 6]); 4] = [
        (
            "en",
            [
                "0 minutes",
                "1 minute",
                "2 minutes",
                "5 minutes",
                "21 minutes",
                "1.5 minutes",
            ],
        ),
        (
            "ru",
            [
                "0 минут",
                "1 минута",
                "2 минуты",
                "5 минут",
                "21 минута",
                "1,5 минуты",
            ],
        ),
        (
            "hy",
            [
                "0 րոպե",
                "1 րոպե",
                "2 րոպե",
                "5 րոպե",
                "21 րոպե",
                "1,5 րոպե",
            ],
        ),
        (
            "az",
            [
                "0 dəqiqə",
                "1 dəqiqə",
                "2 dəqiqə",
                "5 dəqiqə",
                "21 dəqiqə",
                "1,5 dəqiqə",
            ],
        ),
    ];
    for (tag, outputs) in expected {
        for (n, want) in numbers.iter().zip(outputs) {
            let got = text(
                &catalog,
                tag,
                "article-reading-time",
                &[("minutes", n.clone())],
            );
            assert_eq!(got, want, "{tag} {n}");
        }
    }
    let matches: [(&str, [&str; 6]); 4] = [
        (
            "en",
            [
                "No matches",
                "1 match",
                "2 matches",
                "5 matches",
                "21 matches",
                "1.5 matches",
            ],
        ),
        (
            "ru",
            [
                "Совпадений нет",
                "1 совпадение",
                "2 совпадения",
                "5 совпадений",
                "21 совпадение",
                "1,5 совпадения",
            ],
        ),
        (
            "hy",
            [
                "Համընկնումներ չկան",
                "1 համընկնում",
                "2 համընկնում",
                "5 համընկնում",
                "21 համընկնում",
                "1,5 համընկնում",
            ],
        ),
        (
            "az",
            [
                "Uyğunluq yoxdur",
                "1 uyğunluq",
                "2 uyğunluq",
                "5 uyğunluq",
                "21 uyğunluq",
                "1,5 uyğunluq",
            ],
        ),
    ];
    for (tag, outputs) in matches {
        for (n, want) in numbers.iter().zip(outputs) {
            let got = text(&catalog, tag, "cat-matches", &[("count", n.clone())]);
            assert_eq!(got, want, "{tag} {n}");
        }
    }
    // Russian governs the noun by the total: из 1/21 сегмента, из 2/5 сегментов.
    let progress = |done: i64, total: i64| {
        text(
            &catalog,
            "ru",
            "cat-progress",
            &[("done", json!(done)), ("total", json!(total))],
        )
    };
    assert_eq!(progress(1, 21), "Переведено 1 из 21 сегмента");
    assert_eq!(progress(2, 5), "Переведено 2 из 5 сегментов");
    assert_eq!(progress(0, 2), "Переведено 0 из 2 сегментов");
}

#[test]
fn numbers_and_dates_per_locale() {
    let dir = tempfile::tempdir().unwrap();
    for tag in SERVED {
        std::fs::create_dir_all(dir.path().join(tag)).unwrap();
        std::fs::write(
            dir.path().join(tag).join("t.ftl"),
            "n = { $n }\nn2 = { NUMBER($n, minimumFractionDigits: 2) }\npct = { NUMBER($n, style: \"percent\") }\n\
             d = { DATETIME($d) }\ndl = { DATETIME($d, dateStyle: \"long\") }\n\
             dt = { DATETIME($d, dateStyle: \"medium\", timeStyle: \"short\") }\n",
        )
        .unwrap();
    }
    let catalog = Catalog::load(dir.path(), &LoadOptions::default()).unwrap();
    let big = [("n", json!(1234567.5))];
    let when = [("d", json!("2026-02-26T14:30:00+04:00"))];
    let cases: [(&str, &str, &str, &str, &str, &str); 4] = [
        (
            "en",
            "1,234,567.5",
            "1,234,567.50",
            "February 26, 2026",
            "Feb 26, 2026",
            "Feb 26, 2026, 2:30\u{202f}PM",
        ),
        (
            "hy",
            "1\u{a0}234\u{a0}567,5",
            "1\u{a0}234\u{a0}567,50",
            "2026 թ․ փետրվարի 26",
            "2026 թ. փտվ 26",
            "2026 թ. փտվ 26, 14:30",
        ),
        (
            "az",
            "1.234.567,5",
            "1.234.567,50",
            "26 fevral 2026",
            "26 fev 2026",
            "26 fev 2026, 14:30",
        ),
        (
            "ru",
            "1\u{a0}234\u{a0}567,5",
            "1\u{a0}234\u{a0}567,50",
            "26 февраля 2026\u{202f}г.",
            "26 февр. 2026\u{202f}г.",
            "26 февр. 2026\u{202f}г., 14:30",
        ),
    ];
    for (tag, n, n2, long, medium, date_time) in cases {
        assert_eq!(text(&catalog, tag, "n", &big), n, "{tag}");
        assert_eq!(text(&catalog, tag, "n2", &big), n2, "{tag}");
        assert_eq!(text(&catalog, tag, "dl", &when), long, "{tag}");
        assert_eq!(text(&catalog, tag, "d", &when), medium, "{tag}");
        assert_eq!(text(&catalog, tag, "dt", &when), date_time, "{tag}");
    }
    assert_eq!(
        text(&catalog, "ru", "pct", &[("n", json!(0.25))]),
        "25\u{a0}%"
    );
    assert_eq!(text(&catalog, "en", "pct", &[("n", json!(0.25))]), "25%");
    // A date that is not one is reported, not printed as garbage.
    let f = catalog.format(&["ru".into()], "dl", Some(&args(&[("d", json!("вчера"))])));
    assert_eq!(f.value.as_deref(), Some("DATETIME()"));
    assert!(
        f.errors[0].contains("\"вчера\" is not a date"),
        "{:?}",
        f.errors
    );
    // And the shipped messages use the same formatting.
    let shipped = shipped();
    assert_eq!(
        text(
            &shipped,
            "ru",
            "article-published",
            &[("date", json!("2026-02-26"))]
        ),
        "Опубликовано 26 февраля 2026\u{202f}г."
    );
    assert_eq!(
        text(
            &shipped,
            "az",
            "article-published",
            &[("date", json!("2026-02-26"))]
        ),
        "26 fevral 2026 tarixində dərc olunub"
    );
    assert_eq!(
        text(
            &shipped,
            "hy",
            "article-published",
            &[("date", json!("2026-02-26"))]
        ),
        "Հրապարակվել է՝ 2026 թ․ փետրվարի 26"
    );
    assert_eq!(
        text(
            &shipped,
            "en",
            "article-updated",
            &[("time", json!("2026-02-26T09:05:00+04:00"))]
        ),
        "Updated Feb 26, 2026, 9:05\u{202f}AM"
    );
}

#[test]
fn a_missing_message_falls_back_to_en_and_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("en")).unwrap();
    std::fs::create_dir_all(dir.path().join("ru")).unwrap();
    std::fs::write(
        dir.path().join("en/ui.ftl"),
        "hello = Hello\nonly-en = Only in English\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("ru/ui.ftl"), "hello = Привет\n").unwrap();
    let catalog = Catalog::load(dir.path(), &LoadOptions::default()).unwrap();
    let chain = catalog.negotiate("ru-RU").chain;
    assert_eq!(chain, ["ru", "en"]);
    let f = catalog.format(&chain, "only-en", None);
    assert_eq!(f.value.as_deref(), Some("Only in English"));
    assert_eq!(f.locale.as_deref(), Some("en"));
    assert_eq!(f.missing_in, ["ru"]);
    assert_eq!(catalog.completeness("ru").unwrap().missing, ["only-en"]);
}

fn broken_locales() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for tag in ["en", "hy"] {
        std::fs::create_dir_all(dir.path().join(tag)).unwrap();
        std::fs::write(dir.path().join(tag).join("ok.ftl"), "hello = Hi\n").unwrap();
    }
    std::fs::write(
        dir.path().join("hy/broken.ftl"),
        "good = Լավ\n\n# the next line misses its =\nbroken Կոտրված\nalso-good = Նույնպես լավ\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_broken_file_is_refused_with_its_line_or_skipped_when_lenient() {
    let dir = broken_locales();
    let error = Catalog::load(dir.path(), &LoadOptions::default())
        .err()
        .expect("refused")
        .to_string();
    let file = dir.path().join("hy/broken.ftl");
    assert!(
        error.starts_with(&format!(
            "{}:4: Expected a token starting with \"=\"",
            file.display()
        )),
        "{error}"
    );
    let lenient = LoadOptions {
        lenient: true,
        ..LoadOptions::default()
    };
    let catalog = Catalog::load(dir.path(), &lenient).unwrap();
    assert_eq!(catalog.problems().len(), 1);
    assert_eq!(catalog.problems()[0].line, Some(4));
    let chain = catalog.chain_for("hy");
    assert_eq!(
        catalog.format(&chain, "good", None).value.as_deref(),
        Some("Լավ")
    );
    assert_eq!(
        catalog.format(&chain, "also-good", None).value.as_deref(),
        Some("Նույնպես լավ")
    );
}

#[test]
fn the_server_refuses_to_start_on_a_broken_file() {
    let dir = broken_locales();
    let data = tempfile::tempdir().unwrap();
    let mut config = tetraglot::config::Config::for_data_dir(data.path());
    config.locales_dir = Some(dir.path().to_path_buf());
    let error = tetraglot::startup::Application::build(config)
        .err()
        .expect("refused")
        .to_string();
    assert!(error.contains("broken.ftl:4: "), "{error}");
}

// ---- over HTTP ----------------------------------------------------------------------------

fn server() -> (crate::common::TestServer, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    let server = crate::common::spawn_in(data.path(), |config| {
        config.locales_dir = Some(PathBuf::from(LOCALES));
    });
    (server, data)
}

/// A request with headers of our choosing.
fn call(
    server: &crate::common::TestServer,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> crate::common::Response {
    server.request(method, path, headers, body)
}

fn format_one(
    server: &crate::common::TestServer,
    headers: &[(&str, &str)],
    query: &str,
    body: Value,
) -> crate::common::Response {
    call(
        server,
        "POST",
        &format!("/v1/l10n/format{query}"),
        headers,
        Some(&body),
    )
}

#[test]
fn http_locales_with_counts_and_completeness() {
    let (server, _data) = server();
    let r = call(
        &server,
        "GET",
        "/v1/l10n/locales",
        &[("Accept-Language", "hy-AM")],
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Language"), Some("hy"));
    let body = r.json();
    assert_eq!(body["default"], "en");
    let locales = body["locales"].as_array().unwrap();
    assert_eq!(locales.len(), 4);
    for locale in locales {
        assert_eq!(locale["complete"], 100.0, "{locale}");
        assert!(locale["messages"].as_u64().unwrap() > 60);
        assert_eq!(
            locale["resources"].as_array().unwrap().len(),
            4,
            "cat, desk, editions, errors"
        );
    }
    let ru = locales.iter().find(|l| l["locale"] == "ru").unwrap();
    assert_eq!(ru["name"], "Русский");
    assert_eq!(ru["display_name"], "Ռուսերեն");
    assert_eq!(body["issues"], json!([]));
}

#[test]
fn http_raw_resources_with_etag_and_cache_control() {
    let (server, _data) = server();
    let r = call(&server, "GET", "/v1/l10n/ru/editions.ftl", &[], None);
    assert_eq!(r.status, 200);
    assert!(r.content_type.starts_with("text/plain"));
    assert_eq!(r.header("Content-Language"), Some("ru"));
    assert_eq!(r.header("Cache-Control"), Some("public, max-age=300"));
    let on_disk = std::fs::read_to_string(Path::new(LOCALES).join("ru/editions.ftl")).unwrap();
    assert_eq!(r.text(), on_disk);
    let etag = r.header("ETag").unwrap().to_string();
    let again = call(
        &server,
        "GET",
        "/v1/l10n/ru/editions.ftl",
        &[("If-None-Match", &etag)],
        None,
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("ETag"), Some(etag.as_str()));
    let weak = format!("\"other\", W/{etag}");
    let r = call(
        &server,
        "GET",
        "/v1/l10n/ru/editions.ftl",
        &[("If-None-Match", &weak)],
        None,
    );
    assert_eq!(r.status, 304);
    let stale = call(
        &server,
        "GET",
        "/v1/l10n/ru/editions.ftl",
        &[("If-None-Match", "\"stale\"")],
        None,
    );
    assert_eq!(stale.status, 200);
    // A region resolves to its language; an unserved locale or resource is a 404.
    let r = call(&server, "GET", "/v1/l10n/hy-AM/cat.ftl", &[], None);
    assert_eq!((r.status, r.header("Content-Language")), (200, Some("hy")));
    call(&server, "GET", "/v1/l10n/de/cat.ftl", &[], None).assert_error(404, "locale_not_found");
    call(&server, "GET", "/v1/l10n/az-Cyrl/cat.ftl", &[], None)
        .assert_error(404, "locale_not_found");
    call(&server, "GET", "/v1/l10n/ru/nope.ftl", &[], None).assert_error(404, "route_not_found");
    call(&server, "DELETE", "/v1/l10n/ru/cat.ftl", &[], None)
        .assert_error(405, "method_not_allowed");
}

#[test]
fn http_messages_json_for_clients_without_fluent() {
    let (server, _data) = server();
    let r = call(&server, "GET", "/v1/l10n/az/messages.json", &[], None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Language"), Some("az"));
    let body = r.json();
    assert_eq!(body["locale"], "az");
    assert_eq!(body["messages"]["section-economy"], "İqtisadiyyat");
    assert_eq!(body["messages"]["article-share.title"], "Məqaləni paylaş");
    assert_eq!(body["fallback"], json!({}));
    let reading = &body["unresolved"]["article-reading-time"];
    assert_eq!(reading["variables"], json!(["minutes"]));
    assert!(reading["source"].as_str().unwrap().contains("dəqiqə"));
    let etag = r.header("ETag").unwrap().to_string();
    let again = call(
        &server,
        "GET",
        "/v1/l10n/az/messages.json",
        &[("If-None-Match", &etag)],
        None,
    );
    assert_eq!(again.status, 304);
}

#[test]
fn http_format_reports_the_locale_each_string_came_from() {
    let (server, _data) = server();
    let r = format_one(
        &server,
        &[],
        "",
        json!({"locale": "ru", "messages": [
            {"id": "article-reading-time", "args": {"minutes": 21}},
            {"id": "article-published", "args": {"date": "2026-02-26"}},
            {"id": "article-share.title"},
            {"id": "no-such-message"},
            {"id": "article-byline"}
        ]}),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Language"), Some("ru"));
    let body = r.json();
    assert_eq!(body["locale"], "ru");
    let results = body["results"].as_array().unwrap();
    assert_eq!(results[0]["value"], "21 минута");
    assert_eq!(results[0]["locale"], "ru");
    assert_eq!(results[0]["errors"], json!([]));
    assert_eq!(
        results[1]["value"],
        "Опубликовано 26 февраля 2026\u{202f}г."
    );
    assert_eq!(results[2]["value"], "Поделиться статьёй");
    assert_eq!(results[3]["value"], Value::Null);
    assert_eq!(results[3]["missing_in"], json!(["ru", "en"]));
    assert_eq!(results[4]["errors"], json!(["Unknown variable: $author"]));
    // An invalid locale in the body is the caller's mistake; garbage headers are not.
    format_one(&server, &[], "", json!({"locale": "!!", "messages": []}))
        .assert_error(400, "invalid_language");
    let many: Vec<Value> = (0..1001).map(|_| json!({"id": "article-byline"})).collect();
    let refused = format_one(
        &server,
        &[("Accept-Language", "hy")],
        "",
        json!({"messages": many}),
    );
    refused.assert_error(422, "too_many_messages");
    assert!(refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("1000"));
    format_one(
        &server,
        &[],
        "",
        json!({"messages": [{"id": "x", "args": {"a": [1]}}]}),
    )
    .json()["results"][0]["errors"][0]
        .as_str()
        .unwrap()
        .contains("must be a string or a number")
        .then_some(())
        .expect("array arguments are reported");
}

fn negotiated(server: &crate::common::TestServer, headers: &[(&str, &str)], query: &str) -> Value {
    let r = format_one(
        server,
        headers,
        query,
        json!({"messages": [{"id": "section-politics"}]}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let mut body = r.json();
    body["content_language"] = json!(r.header("Content-Language"));
    body["text"] = body["results"][0]["value"].clone();
    body
}

#[test]
fn http_negotiation_honours_q_weights_regions_scripts_and_survives_garbage() {
    let (server, _data) = server();
    let n = negotiated(&server, &[("Accept-Language", "ru;q=0.5, hy;q=0.9")], "");
    assert_eq!(n["locale"], "hy");
    assert_eq!(n["chain"], json!(["hy", "ru", "en"]));
    assert_eq!(n["text"], "Քաղաքականություն");
    assert_eq!(n["content_language"], "hy");

    let n = negotiated(
        &server,
        &[("Accept-Language", "hy-AM,hy;q=0.9,en-US;q=0.8")],
        "",
    );
    assert_eq!(n["locale"], "hy");

    // az-Cyrl is not served; the answer says so instead of passing Latin script off as it.
    let n = negotiated(&server, &[("Accept-Language", "az-Cyrl")], "");
    assert_eq!(n["locale"], "en");
    assert_eq!(n["unmatched"], json!(["az-Cyrl"]));
    assert_eq!(n["content_language"], "en");
    let n = negotiated(&server, &[("Accept-Language", "az-Cyrl, ru;q=0.5")], "");
    assert_eq!(
        (n["locale"].as_str(), n["text"].as_str()),
        (Some("ru"), Some("Политика"))
    );
    let n = negotiated(&server, &[("Accept-Language", "az-Latn-AZ")], "");
    assert_eq!(n["text"], "Siyasət");

    for garbage in [
        "",
        "*",
        ";;;q=",
        "!!!",
        "hy;q=abc",
        "hy;q=5",
        ";q=1, =hy",
        "12-34-56",
    ] {
        let n = negotiated(&server, &[("Accept-Language", garbage)], "");
        assert_eq!(n["locale"], "en", "{garbage:?}");
        assert_eq!(n["text"], "Politics");
    }

    // ?locale= overrides the header.
    let n = negotiated(&server, &[("Accept-Language", "ru")], "?locale=az");
    assert_eq!(n["locale"], "az");
    assert_eq!(n["content_language"], "az");
}

#[test]
fn http_errors_come_in_the_callers_language() {
    let (server, _data) = server();
    let empty = json!({"text": " ", "source": "en"});
    let r = call(
        &server,
        "POST",
        "/v1/match",
        &[("Accept-Language", "ru")],
        Some(&empty),
    );
    r.assert_error(422, "empty_text");
    assert_eq!(r.header("Content-Language"), Some("ru"));
    let body = r.json();
    assert_eq!(
        body["error"]["message"],
        "Текст пустой; отправьте предложение, которое нужно сохранить или найти."
    );
    assert!(body["error"]["detail"]
        .as_str()
        .unwrap()
        .contains("text is empty"));

    // Without a preference the English original is untouched.
    let r = call(&server, "POST", "/v1/match", &[], Some(&empty));
    r.assert_error(422, "empty_text");
    assert_eq!(r.header("Content-Language"), Some("en"));
    assert!(r.json()["error"].get("detail").is_none());

    // Variables come from the request: the path of a route that does not exist.
    let r = call(&server, "GET", "/v1/nowhere?locale=hy", &[], None);
    r.assert_error(404, "route_not_found");
    assert_eq!(
        r.json()["error"]["message"],
        "/v1/nowhere հասցեում ոչինչ չկա։ Տե՛ս փաստաթղթերը։"
    );
    assert_eq!(r.header("Content-Language"), Some("hy"));

    // The line of a broken import.
    let r = server.send(
        "POST",
        "/v1/import?locale=ru",
        "text/tab-separated-values",
        b"en\tnot a language!\n",
    );
    r.assert_error(400, "malformed_tsv");
    let error = &r.json()["error"];
    assert_eq!(error["line"], 1);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("Ошибка в файле TSV (строка 1); ничего не импортировано."),
        "{error}"
    );

    // ?locale= is not seen by handlers whose query refuses unknown fields.
    let r = call(&server, "GET", "/v1/export?format=xml&locale=az", &[], None);
    r.assert_error(400, "invalid_parameter");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Sorğu parametrlərindən biri yanlışdır"));
    let r = call(&server, "GET", "/v1/export?format=tsv&locale=az", &[], None);
    assert_eq!(r.status, 200);

    // JSON errors from extractors, and errors for every language.
    let r = call(
        &server,
        "POST",
        "/v1/match",
        &[("Accept-Language", "az")],
        Some(&json!({"nope": 1})),
    );
    r.assert_error(400, "invalid_request");
    assert_eq!(r.header("Content-Language"), Some("az"));

    // The specifics are in every language's message, not only in the English `detail`
    // (once "Недопустимый языковой тег" without saying which).
    let wrong_tag = json!({"text": "Hello", "source": "en", "targets": ["xx-!!"]});
    for (locale, expected) in [
        ("ru", "«xx-!!»"),
        ("hy", "«xx-!!»"),
        ("az", "“xx-!!”"),
        ("en", "“xx-!!”"),
    ] {
        let r = call(
            &server,
            "POST",
            &format!("/v1/match?locale={locale}"),
            &[],
            Some(&wrong_tag),
        );
        r.assert_error(400, "invalid_language");
        let message = r.json()["error"]["message"].as_str().unwrap().to_string();
        if locale == "en" {
            // English keeps the call site's own message.
            assert!(message.contains("'xx-!!'"), "{message}");
        } else {
            assert!(message.contains(expected), "{locale}: {message}");
        }
    }
    let r = call(
        &server,
        "GET",
        "/v1/units/no-such-unit?locale=hy",
        &[],
        None,
    );
    r.assert_error(404, "unit_not_found");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("«no-such-unit» նույնացուցիչով"),
        "{}",
        r.text()
    );
    let r = call(
        &server,
        "POST",
        "/v1/match?locale=ru",
        &[],
        Some(&json!({"text": "Hello", "source": "en", "targets": "hy"})),
    );
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Структура поля JSON targets не та"),
        "{}",
        r.text()
    );

    // Responses that are not localised say they are in English.
    let r = call(
        &server,
        "GET",
        "/health",
        &[("Accept-Language", "hy")],
        None,
    );
    assert_eq!((r.status, r.header("Content-Language")), (200, Some("en")));
}

#[test]
fn http_errors_from_the_api_key_check_are_localised_too() {
    let data = tempfile::tempdir().unwrap();
    let server = crate::common::spawn_in(data.path(), |config| {
        config.locales_dir = Some(PathBuf::from(LOCALES));
        config.master_key = Some("secret".into());
    });
    // The sites' strings need no key, but a wrong one is refused.
    let r = call(
        &server,
        "GET",
        "/v1/l10n/locales",
        &[("Accept-Language", "ru"), ("Authorization", "Bearer wrong")],
        None,
    );
    r.assert_error(401, "unauthorized");
    assert_eq!(r.header("Content-Language"), Some("ru"));
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Ключ API не указан"));
    let r = call(
        &server,
        "GET",
        "/v1/l10n/locales",
        &[("Authorization", "Bearer secret")],
        None,
    );
    assert_eq!(r.status, 200);
}

/// Real-world Fluent: Firefox language packs, when unpacked at `$TETRAGLOT_FIREFOX_L10N`
/// (`.ci/run` unpacks them from Debian's packages); skipped outside CI otherwise.
#[test]
fn firefox_language_packs_parse_without_syntax_errors() {
    let Some(root) = std::env::var_os("TETRAGLOT_FIREFOX_L10N").map(PathBuf::from) else {
        crate::common::missing(
            "firefox_language_packs_parse_without_syntax_errors",
            "TETRAGLOT_FIREFOX_L10N is not set to unpacked Firefox language packs",
        );
        return;
    };
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ftl") {
                found.push(path);
            }
        }
    }
    assert!(
        !found.is_empty(),
        "no .ftl files below TETRAGLOT_FIREFOX_L10N"
    );
    let mut problems = Vec::new();
    for path in &found {
        tetraglot::l10n::load::parse_file("x", path, &mut problems).unwrap();
    }
    let syntax: Vec<_> = problems.iter().map(ToString::to_string).collect();
    assert!(syntax.is_empty(), "{syntax:#?}");
    eprintln!("{} Firefox .ftl files parsed", found.len());
}

/// The README's error table lists every code with the status the server answers it with.
#[test]
fn the_readme_lists_every_error_code_with_its_status() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    for code in ErrorCode::ALL {
        let row = format!("| `{}` | {} |", code.as_str(), code.status().as_u16());
        assert!(readme.contains(&row), "README lacks the row {row}");
    }
}
