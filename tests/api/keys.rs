//! Keys and roles over HTTP: the master key makes read, write and admin keys; each role is
//! allowed and refused on each class of endpoint; public paths need no key; a revoked or
//! expired key stops at once; keys bound to outlets write only their articles; the data
//! directory never holds a key in clear; keys outlive a restart.

use serde_json::{json, Value};

use crate::common::{spawn_in, Response, TestServer};

const MASTER: &str = "master-key-for-tests";

fn server_in(dir: &std::path::Path) -> TestServer {
    spawn_in(dir, |config| config.master_key = Some(MASTER.into()))
}

fn with_key(
    server: &TestServer,
    key: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Response {
    let bearer = format!("Bearer {key}");
    server.request(method, path, &[("Authorization", bearer.as_str())], body)
}

/// Makes a key; answers (id, key).
fn make(server: &TestServer, body: Value) -> (String, String) {
    let made = with_key(server, MASTER, "POST", "/v1/keys", Some(&body));
    assert_eq!(made.status, 201, "{}", made.text());
    assert_eq!(made.header("Cache-Control"), Some("no-store"));
    let json = made.json();
    let key = json["key"].as_str().unwrap().to_string();
    assert!(key.starts_with(json["prefix"].as_str().unwrap()));
    (json["id"].as_str().unwrap().to_string(), key)
}

fn article(id: &str, outlet: &str) -> Value {
    json!({
        "id": id,
        "outlet": outlet,
        "source": "en",
        "versions": {
            "en": {"title": "Rail", "body": "The line opens in March. Tickets go on sale today."},
            "ru": {"title": "Железная дорога", "body": "Линия откроется в марте. Билеты поступают в продажу сегодня."}
        }
    })
}

/// One request of each class of endpoint, and the role it needs.
fn requests() -> Vec<(&'static str, String, Option<Value>, &'static str)> {
    vec![
        (
            "POST",
            "/v1/match".into(),
            Some(json!({"source": "en", "text": "The line opens."})),
            "read",
        ),
        (
            "POST",
            "/v1/match/batch".into(),
            Some(json!({"source": "en", "segments": [{"text": "Hello."}]})),
            "read",
        ),
        ("GET", "/v1/concordance?lang=en&q=line".into(), None, "read"),
        (
            "POST",
            "/v1/segment".into(),
            Some(json!({"lang": "hy", "text": "Բարև։ Ինչպե՞ս ես։"})),
            "read",
        ),
        ("GET", "/v1/export?format=tmx".into(), None, "read"),
        ("GET", "/v1/feeds/en-ru.tmx".into(), None, "read"),
        ("GET", "/v1/stats".into(), None, "read"),
        ("GET", "/v1/units".into(), None, "read"),
        ("GET", "/v1/articles".into(), None, "read"),
        (
            "POST",
            "/v1/units".into(),
            Some(json!({"units": [{"variants": {"en": "A new line.", "ru": "Новая линия."}}]})),
            "write",
        ),
        (
            "PUT",
            "/v1/units/u-1".into(),
            Some(json!({"variants": {"en": "One.", "ru": "Один."}})),
            "write",
        ),
        (
            "POST",
            "/v1/articles".into(),
            Some(article("roles-1", "hy.news")),
            "write",
        ),
        (
            "POST",
            "/v1/pretranslate?source=en&target=ru".into(),
            Some(json!({"text": "The line opens."})),
            "write",
        ),
        ("GET", "/v1/keys".into(), None, "admin"),
        ("DELETE", "/v1/units?document=nothing".into(), None, "admin"),
    ]
}

fn rank(role: &str) -> u8 {
    match role {
        "read" => 1,
        "write" => 2,
        _ => 3,
    }
}

#[test]
fn each_role_is_allowed_and_refused_on_each_class_of_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_in(dir.path());
    let keys: Vec<(&str, String)> = ["read", "write", "admin"]
        .into_iter()
        .map(|role| (role, make(&server, json!({"name": role, "role": role})).1))
        .collect();
    for (method, path, body, needed) in requests() {
        let anonymous = server.request(method, &path, &[], body.as_ref());
        anonymous.assert_error(401, "unauthorized");
        assert_eq!(
            anonymous.header("WWW-Authenticate"),
            Some("Bearer realm=\"tetraglot\"")
        );
        for (role, key) in &keys {
            let answer = with_key(&server, key, method, &path, body.as_ref());
            if rank(role) >= rank(needed) {
                assert!(
                    ![401, 403].contains(&answer.status),
                    "{role} on {method} {path}: {} {}",
                    answer.status,
                    answer.text()
                );
            } else {
                answer.assert_error(403, "forbidden");
                assert!(answer.text().contains(needed), "{}", answer.text());
            }
        }
        // The master key is the admin.
        let master = with_key(&server, MASTER, method, &path, body.as_ref());
        assert!(
            ![401, 403].contains(&master.status),
            "{method} {path}: {}",
            master.text()
        );
    }
    // An unknown key is refused even where no key is needed: a client is told its key is
    // wrong, not silently served as anonymous.
    with_key(&server, "tg_not-a-key", "GET", "/v1/l10n/locales", None)
        .assert_error(401, "unauthorized");
}

#[test]
fn public_paths_need_no_key_and_the_policy_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_in(dir.path());
    for path in [
        "/health",
        "/openapi.json",
        "/v1/l10n/locales",
        "/editions/",
        "/desk/",
    ] {
        assert_eq!(server.get(path).status, 200, "{path}");
    }
    server.get("/v1/stats").assert_error(401, "unauthorized");
    server.stop();

    let closed = spawn_in(dir.path(), |config| {
        config.master_key = Some(MASTER.into());
        config.public = vec!["/health".into()];
    });
    assert_eq!(closed.get("/health").status, 200);
    for path in ["/v1/l10n/locales", "/editions/", "/desk/"] {
        closed.get(path).assert_error(401, "unauthorized");
    }
    let (_, read) = make(&closed, json!({"name": "site", "role": "read"}));
    assert_eq!(
        with_key(&closed, &read, "GET", "/v1/l10n/locales", None).status,
        200
    );
}

#[test]
fn keys_are_listed_without_secrets_revoked_at_once_and_never_stored_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_in(dir.path());
    let (id, key) = make(&server, json!({"name": "Anna's desk", "role": "write"}));
    assert_eq!(
        with_key(&server, &key, "GET", "/v1/stats", None).status,
        200
    );

    let listed = with_key(&server, MASTER, "GET", "/v1/keys", None).json();
    let entry = &listed["keys"][0];
    assert_eq!(
        (
            entry["id"].as_str(),
            entry["name"].as_str(),
            entry["role"].as_str()
        ),
        (Some(id.as_str()), Some("Anna's desk"), Some("write"))
    );
    assert!(entry["last_used"].is_string(), "{entry}");
    assert!(
        !listed.to_string().contains(&key),
        "a listing never shows a key"
    );

    // Nothing under the data directory holds a key in clear.
    server.stop();
    let server = server_in(dir.path());
    assert_eq!(
        with_key(&server, &key, "GET", "/v1/stats", None).status,
        200,
        "a key outlives a restart"
    );
    let mut files = vec![dir.path().to_path_buf()];
    let mut scanned = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else {
            let bytes = std::fs::read(&path).unwrap();
            for secret in [key.as_str(), MASTER] {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                    "{} holds a key",
                    path.display()
                );
            }
            scanned += 1;
        }
    }
    assert!(scanned > 3, "the index and keys.json were scanned");

    let revoked = with_key(&server, MASTER, "DELETE", &format!("/v1/keys/{id}"), None);
    assert_eq!(revoked.status, 204);
    with_key(&server, &key, "GET", "/v1/stats", None).assert_error(401, "unauthorized");
    with_key(&server, MASTER, "DELETE", &format!("/v1/keys/{id}"), None)
        .assert_error(404, "key_not_found");
}

#[test]
fn an_expired_key_is_refused_and_bad_key_requests_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_in(dir.path());
    let soon = time::OffsetDateTime::now_utc() + time::Duration::seconds(2);
    let soon = soon
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let (_, key) = make(
        &server,
        json!({"name": "temp", "role": "read", "expires": soon}),
    );
    assert_eq!(
        with_key(&server, &key, "GET", "/v1/stats", None).status,
        200
    );
    // Waiting for the expiry itself (not timing anything): 2 s, to the second.
    std::thread::sleep(std::time::Duration::from_millis(3100));
    let refused = with_key(&server, &key, "GET", "/v1/stats", None);
    refused.assert_error(401, "unauthorized");
    assert!(refused.text().contains("expired"), "{}", refused.text());

    for (body, code) in [
        (json!({"name": "x", "role": "owner"}), "invalid_request"),
        (json!({"name": "", "role": "read"}), "invalid_request"),
        (
            json!({"name": "x", "role": "read", "expires": "tomorrow"}),
            "invalid_date",
        ),
        (
            json!({"name": "x", "role": "read", "expires": "2020-01-01T00:00:00Z"}),
            "invalid_request",
        ),
        (
            json!({"name": "x", "role": "read", "colour": "red"}),
            "invalid_request",
        ),
    ] {
        let answer = with_key(&server, MASTER, "POST", "/v1/keys", Some(&body));
        assert!(
            answer.status >= 400 && answer.status < 500,
            "{body}: {}",
            answer.text()
        );
        assert_eq!(
            answer.json()["error"]["code"],
            code,
            "{body}: {}",
            answer.text()
        );
    }
    // A write key cannot make keys.
    let (_, write) = make(&server, json!({"name": "w", "role": "write"}));
    with_key(
        &server,
        &write,
        "POST",
        "/v1/keys",
        Some(&json!({"name": "y", "role": "admin"})),
    )
    .assert_error(403, "forbidden");
}

#[test]
fn a_key_bound_to_outlets_writes_only_their_articles() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_in(dir.path());
    let (_, hy_desk) = make(
        &server,
        json!({"name": "hy desk", "role": "write", "outlets": ["hy.news"]}),
    );
    let (_, az_desk) = make(
        &server,
        json!({"name": "az desk", "role": "write", "outlets": ["az.news"]}),
    );
    let made = with_key(
        &server,
        &hy_desk,
        "POST",
        "/v1/articles",
        Some(&article("rail-1", "hy.news")),
    );
    assert_eq!(made.status, 201, "{}", made.text());
    // Another outlet's article, whether new or stored, is refused.
    with_key(
        &server,
        &hy_desk,
        "POST",
        "/v1/articles",
        Some(&article("rail-2", "az.news")),
    )
    .assert_error(403, "forbidden");
    with_key(
        &server,
        &az_desk,
        "POST",
        "/v1/articles",
        Some(&article("rail-1", "az.news")),
    )
    .assert_error(403, "forbidden");
    with_key(&server, &az_desk, "DELETE", "/v1/articles/rail-1", None)
        .assert_error(403, "forbidden");
    with_key(
        &server,
        &az_desk,
        "PUT",
        "/v1/articles/rail-1/versions/ru",
        Some(&json!({"title": "Т", "body": "Другое."})),
    )
    .assert_error(403, "forbidden");
    // Units and imports name no outlet to hold the key to: it writes them only through
    // articles.
    with_key(
        &server,
        &hy_desk,
        "PUT",
        "/v1/units/x",
        Some(&json!({"variants": {"en": "One.", "ru": "Один."}})),
    )
    .assert_error(403, "forbidden");
    let tsv = "en\tru\nOne.\tОдин.\n";
    let bearer = format!("Bearer {hy_desk}");
    let import = ureq::post(&format!("{}/v1/import", server.url))
        .set("Authorization", &bearer)
        .set("Content-Type", "text/tab-separated-values")
        .send_string(tsv);
    assert!(
        matches!(import, Err(ureq::Error::Status(403, _))),
        "{import:?}"
    );
    // Both can read it; its own desk changes it.
    assert_eq!(
        with_key(&server, &az_desk, "GET", "/v1/articles/rail-1", None).status,
        200
    );
    let deleted = with_key(&server, &hy_desk, "DELETE", "/v1/articles/rail-1", None);
    assert_eq!(deleted.status, 200, "{}", deleted.text());
}

#[test]
fn without_a_master_key_everything_is_open_and_keys_cannot_be_made() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    assert_eq!(server.get("/v1/stats").status, 200);
    server
        .post_json("/v1/keys", &json!({"name": "x", "role": "read"}))
        .assert_error(409, "keys_disabled");
    assert_eq!(server.get("/v1/keys").json()["enabled"], false);
}

#[test]
fn a_key_over_its_rate_limit_waits_and_is_served_again() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |config| {
        config.master_key = Some(MASTER.into());
        config.rate_limit = 1;
        config.rate_burst = 2;
    });
    let (_, key) = make(&server, json!({"name": "script", "role": "read"}));
    for _ in 0..2 {
        assert_eq!(
            with_key(&server, &key, "GET", "/v1/stats", None).status,
            200
        );
    }
    let limited = with_key(&server, &key, "GET", "/v1/stats", None);
    limited.assert_error(429, "rate_limited");
    let wait: u64 = limited.header("Retry-After").unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    // Another key has its own bucket; requests without a key are not counted.
    let (_, other) = make(&server, json!({"name": "desk", "role": "read"}));
    assert_eq!(
        with_key(&server, &other, "GET", "/v1/stats", None).status,
        200
    );
    for _ in 0..5 {
        assert_eq!(server.get("/health").status, 200);
    }
    // Waiting as told (not timing anything) refills the bucket.
    std::thread::sleep(std::time::Duration::from_secs(wait));
    assert_eq!(
        with_key(&server, &key, "GET", "/v1/stats", None).status,
        200
    );
}

/// The role the README's table gives `method` on `pattern`; `None` for the paths public by
/// default (no key needed to read them).
fn role_of(pattern: &str, method: &str) -> Option<&'static str> {
    let public = ["/health", "/openapi.json", "/desk", "/editions", "/v1/l10n"];
    if public
        .iter()
        .any(|p| pattern == *p || pattern.starts_with(&format!("{p}/")))
    {
        return None;
    }
    let reading_post = [
        "/v1/match",
        "/v1/match/batch",
        "/v1/segment",
        "/v1/analysis",
    ];
    Some(match (pattern, method) {
        ("/metrics", _) => "admin",
        (p, _) if p.starts_with("/v1/keys") => "admin",
        ("/v1/optimize", _) => "admin",
        (p, _) if p.starts_with("/v1/tasks") => "write",
        ("/v1/units", "DELETE") => "admin",
        (_, "GET" | "HEAD") => "read",
        (p, "POST") if reading_post.contains(&p) => "read",
        _ => "write",
    })
}

/// Every route of the table, every method it answers: no key, a read key and a write key get
/// what the README's role table says. A handler added without its role extractor fails here.
#[test]
fn every_route_asks_for_the_role_the_readme_gives() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_in(dir.path());
    let (_, read) = make(&server, json!({"name": "r", "role": "read"}));
    let (_, write) = make(&server, json!({"name": "w", "role": "write"}));
    let mut checked = 0;
    for (pattern, methods) in tetraglot::http::METHODS {
        let path = crate::wire::sample_path(pattern);
        for method in methods.split(", ").filter(|m| *m != "HEAD") {
            let body = matches!(method, "POST" | "PUT" | "PATCH").then(|| json!({}));
            let needed = role_of(pattern, method);
            let anonymous = server.request(method, &path, &[], body.as_ref());
            match needed {
                None => assert_ne!(anonymous.status, 401, "{method} {path} is public"),
                Some(_) => anonymous.assert_error(401, "unauthorized"),
            }
            for (role, key) in [("read", &read), ("write", &write)] {
                let answer = with_key(&server, key, method, &path, body.as_ref());
                if needed.is_some_and(|needed| rank(role) < rank(needed)) {
                    assert_eq!(
                        (answer.status, answer.json()["error"]["code"].as_str()),
                        (403, Some("forbidden")),
                        "{role} key on {method} {path}: {}",
                        answer.text()
                    );
                } else {
                    assert!(
                        ![401, 403].contains(&answer.status),
                        "{role} key on {method} {path}: {}",
                        answer.text()
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 35, "{checked}");
}

#[test]
fn only_a_read_key_is_taken_from_a_path_and_none_is_logged_or_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_in(dir.path());
    let (_, write) = make(&server, json!({"name": "w", "role": "write"}));
    let (_, read) = make(&server, json!({"name": "r", "role": "read"}));
    // A path ends up in proxies' logs: a write key or the master key there is refused.
    for key in [write.as_str(), MASTER] {
        let refused = server.get(&format!("/tmserver/key/{key}/languages/"));
        refused.assert_error(401, "unauthorized");
        assert!(refused.text().contains("read key"), "{}", refused.text());
    }
    assert_eq!(
        server
            .get(&format!("/tmserver/key/{read}/languages/"))
            .status,
        200
    );
    // A message about a path (here a 405, in Russian) does not repeat the key in it.
    let answer = server.request(
        "POST",
        &format!("/tmserver/key/{read}/en/hy/unit/x"),
        &[("Accept-Language", "ru")],
        Some(&json!({})),
    );
    assert_eq!(answer.status, 405);
    assert!(!answer.text().contains(&read), "{}", answer.text());
}
