//! Requests as they arrive on the wire, raw UTF-8 and broken ones included: every answer is
//! the right one, and every error has the error table's JSON body.

use std::io::{Read, Write};
use std::net::TcpStream;

use crate::common::{seed_dir, spawn_in};

/// Sends `request` as bytes and reads the whole answer (status, head, body).
fn exchange(address: &str, request: &[u8]) -> (u16, String, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(15)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"));
    (status, head.to_string(), body.to_string())
}

fn error_code(body: &str) -> String {
    let json: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"));
    let message = json["error"]["message"].as_str().unwrap_or("");
    assert!(!message.is_empty(), "no message: {body}");
    json["error"]["code"].as_str().unwrap().to_string()
}

#[test]
fn raw_utf8_in_a_query_or_path_is_read_as_a_browser_would_send_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |c| {
        c.seed = tetraglot::config::Seed::Dir(seed_dir())
    });
    server.wait_for_units(crate::common::seed_unit_count() as u64);
    let address = server.url.trim_start_matches("http://").to_string();

    // The README's concordance example as curl sends it: once an empty 400.
    let (status, _, body) = exchange(
        &address,
        "GET /v1/concordance?q=Ալիևը&lang=hy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            .as_bytes(),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Ալիևը"), "{body}");
    // The same as the percent-encoded form.
    let encoded = server.get("/v1/concordance?q=%D4%B1%D5%AC%D5%AB%D6%87%D5%A8&lang=hy");
    assert_eq!(encoded.text(), body);

    // In a path (the tmserver API), and on a kept-alive connection after a request with a
    // body: the reader finds where the second request starts.
    let json = r#"{"text":"Ալիևը","source":"hy","targets":["en"]}"#;
    let requests = format!(
        "POST /v1/match HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}\
         GET /tmserver/hy/en/unit/Ալիևը?min_similarity=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        json.len()
    );
    let mut stream = TcpStream::connect(&address).unwrap();
    stream.write_all(requests.as_bytes()).unwrap();
    let mut answers = String::new();
    stream.read_to_string(&mut answers).unwrap();
    assert_eq!(answers.matches("HTTP/1.1 200 OK").count(), 2, "{answers}");
}

#[test]
fn every_broken_request_gets_a_json_error() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let address = server.url.trim_start_matches("http://").to_string();
    let huge_header = format!(
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(200_000)
    );
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("not HTTP", b"GARBAGE\r\n\r\n".to_vec(), 400, "malformed_request"),
        (
            "a bad method",
            b"G(T /health HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            400,
            "malformed_request",
        ),
        (
            "a bad header",
            b"GET /health HTTP/1.1\r\nHo st: x\r\n\r\n".to_vec(),
            400,
            "malformed_request",
        ),
        (
            "an HTTP/2 preface",
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
            400,
            "malformed_request",
        ),
        ("a huge header", huge_header.into_bytes(), 431, "headers_too_large"),
        (
            "a control character in the target",
            b"GET /v1/concordance?q=a\x01b&lang=hy HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            400,
            "malformed_request",
        ),
        (
            "broken percent-encoding",
            b"GET /v1/concordance?q=%ZZ&lang=hy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .to_vec(),
            200,
            "",
        ),
        (
            "a missing parameter",
            b"GET /v1/concordance?lang=hy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
            400,
            "invalid_parameter",
        ),
        (
            "a wrong method",
            b"DELETE /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
            405,
            "method_not_allowed",
        ),
        (
            "broken JSON",
            b"POST /v1/match HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{\"tex"
                .to_vec(),
            400,
            "invalid_json",
        ),
        (
            "a bad content length",
            b"POST /v1/match HTTP/1.1\r\nHost: x\r\nContent-Length: x1\r\n\r\n{}".to_vec(),
            400,
            "malformed_request",
        ),
    ];
    for (what, request, status, code) in cases {
        let (got, head, body) = exchange(&address, &request);
        assert_eq!(got, status, "{what}: {head}\n{body}");
        if code.is_empty() {
            continue;
        }
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{what}: {head}"
        );
        assert_eq!(error_code(&body), code, "{what}");
    }
}

/// A concrete path for a route pattern.
pub fn sample_path(pattern: &str) -> String {
    pattern
        .replace("{tail:.*}", "en/hy/unit/Hello")
        .replace("{file:.+}", "errors.ftl")
        .replace("{locale}", "en")
        .replace("{file}", "en-hy.tmx")
        .replace("{article}", "no-such-article")
        .replace("{lang}", "hy")
        .replace("{id}", "no-such-id")
}

#[test]
fn every_route_answers_its_methods_and_a_405_says_which_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    for (pattern, methods) in tetraglot::http::METHODS {
        let path = sample_path(pattern);
        let allowed: Vec<&str> = methods.split(", ").collect();
        for method in ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] {
            let answer = ureq::request(method, &format!("{}{path}", server.url))
                .set("Content-Type", "application/json");
            let answer = if matches!(method, "POST" | "PUT" | "PATCH") {
                answer.send_string("{}")
            } else {
                answer.call()
            };
            let (status, allow) = match answer {
                Ok(r) => (r.status(), r.header("allow").map(str::to_string)),
                Err(ureq::Error::Status(s, r)) => (s, r.header("allow").map(str::to_string)),
                Err(e) => panic!("{method} {path}: {e}"),
            };
            if allowed.contains(&method) {
                assert_ne!(status, 405, "{method} {path} is in the table");
            } else {
                assert_eq!(status, 405, "{method} {path} is not in the table");
                assert_eq!(allow.as_deref(), Some(*methods), "{method} {path}");
            }
        }
    }
}

#[test]
fn head_probes_and_the_bearer_scheme_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |c| {
        c.seed = tetraglot::config::Seed::Dir(seed_dir());
        c.master_key = Some("k3y".into());
    });
    server.wait_for_units(crate::common::seed_unit_count() as u64);
    let address = server.url.trim_start_matches("http://").to_string();
    // Once 405 everywhere.
    let (status, head, body) = exchange(
        &address,
        b"HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("content-length: "), "{head}");
    assert!(body.is_empty(), "HEAD has no body: {body}");
    let feed = ureq::head(&format!("{}/v1/feeds/en-hy.tmx", server.url))
        .set("Authorization", "Bearer k3y")
        .call()
        .unwrap();
    assert_eq!(feed.status(), 200);
    assert!(feed.header("etag").is_some());

    // RFC 9110: the scheme's name is case-insensitive. Once `bearer` was refused.
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let answer = ureq::get(&format!("{}/v1/l10n/locales", server.url))
            .set("Authorization", &format!("{scheme} k3y"))
            .call();
        assert!(answer.is_ok(), "{scheme}: {answer:?}");
    }
    // A 401 says how to authenticate (once it did not).
    let Err(ureq::Error::Status(401, refused)) =
        ureq::get(&format!("{}/v1/stats", server.url)).call()
    else {
        panic!("no key, no answer");
    };
    assert_eq!(
        refused.header("www-authenticate"),
        Some("Bearer realm=\"tetraglot\"")
    );
}

#[test]
fn errors_speak_the_users_words_and_name_the_field() {
    // Once "expected a sequence" and "Query deserialize error: missing field `q`".
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let wrong = server.post_json(
        "/v1/match",
        &serde_json::json!({"text": "Hello", "source": "en", "targets": "hy"}),
    );
    assert_eq!(wrong.status, 400);
    let message = wrong.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.starts_with(r#"`targets` must be a list of language tags, like ["hy","az"]"#),
        "{message}"
    );
    let missing = server.get("/v1/concordance?lang=hy");
    assert_eq!(
        missing.json()["error"]["message"],
        "the query parameter `q` is missing"
    );
    let nested = server.post_json(
        "/v1/units",
        &serde_json::json!({"units": [{"variants": {"en": 5}}]}),
    );
    let message = nested.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.starts_with("`units[0].variants.en`"), "{message}");
    for jargon in ["sequence", "u32", "deserialize", "struct "] {
        assert!(!message.contains(jargon), "{message}");
    }
}
