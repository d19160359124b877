//! `/openapi.json`: the document covers every route, method and error code, and
//! schemathesis (a real OpenAPI fuzzer) finds no answer of the running server outside it.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{in_ci, missing, seeded_in, spawn_in};

/// A route pattern of `http::METHODS` as the document writes its path.
fn documented_as(pattern: &str) -> &str {
    match pattern {
        "/v1/l10n/{locale}/{file:.+}" => "/v1/l10n/{locale}/{file}",
        other => other,
    }
}

#[test]
fn the_document_describes_every_route_method_and_error_code() {
    let dir = tempfile::tempdir().unwrap();
    // Public by default, also on a server that takes keys.
    let server = spawn_in(dir.path(), |c| {
        c.master_key = Some("openapi-master-key-1".into())
    });
    let answer = server.get("/openapi.json");
    assert_eq!(answer.status, 200, "{}", answer.text());
    let document: Value = answer.json();
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["info"]["version"], env!("CARGO_PKG_VERSION"));
    let paths = document["paths"].as_object().unwrap();
    let documented: BTreeSet<(String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                .map(move |method| (path.clone(), method.to_uppercase()))
        })
        .collect();
    let mut served = BTreeSet::new();
    for (pattern, methods) in tetraglot::http::METHODS {
        for method in methods.split(", ").filter(|m| *m != "HEAD") {
            if *pattern == "/tmserver/{tail:.*}" {
                // One catch-all route serves the tmserver API's two paths.
                for path in [
                    "/tmserver/{source}/{target}/unit/{text}",
                    "/tmserver/languages/",
                ] {
                    served.insert((path.to_string(), method.to_string()));
                }
                continue;
            }
            served.insert((documented_as(pattern).to_string(), method.to_string()));
        }
    }
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty(),
        "served, not documented: {undocumented:?}"
    );
    assert!(unserved.is_empty(), "documented, not served: {unserved:?}");

    // Every operation answers errors with the one error body, whose codes are the table's.
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            assert_eq!(
                operation["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{method} {path}"
            );
        }
    }
    let codes: BTreeSet<&str> = document["components"]["schemas"]["ErrorCodeName"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let table: BTreeSet<&str> = tetraglot::http::error::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(codes, table);
    assert!(document["components"]["securitySchemes"]["key"].is_object());
}

/// schemathesis generates requests from the document (its examples, then fuzzed values and
/// sequences) against the seeded server: no answer may be a 5xx, and every answer's status,
/// content type and body must be the document's.
#[test]
fn schemathesis_finds_no_answer_outside_the_document() {
    // Through the python3 it was installed into: its `st` script may not be on the PATH.
    let schemathesis = || {
        let mut command = std::process::Command::new("python3");
        command.args(["-m", "schemathesis.cli"]);
        command
    };
    let installed = schemathesis().arg("--version").output();
    if !installed.is_ok_and(|o| o.status.success()) {
        missing(
            "schemathesis_finds_no_answer_outside_the_document",
            "schemathesis (PyPI) is not installed in python3",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = seeded_in(dir.path(), |_| {});
    let report = dir.path().join("schemathesis.log");
    let output = schemathesis()
        .current_dir(dir.path())
        .args(["run", &format!("{}/openapi.json", server.url)])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--max-examples",
            if in_ci() { "40" } else { "20" },
            // A fixed seed: a failure is found again by the same run.
            "--seed",
            "20261206",
            // One worker: Python 3.11's `ast` keeps its recursion depth in state the threads
            // share, so two workers parsing lambdas at once can fail hypothesis with "AST
            // constructor recursion depth mismatch" (CPython gh-106905), as CI once did.
            "--workers",
            "1",
            "--no-color",
        ])
        // JSON Lines bodies (article batches): a serializer schemathesis lacks.
        .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks")
        .env("PYTHONPATH", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api"))
        .output()
        .expect("schemathesis runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(&report, &text).unwrap();
    assert!(output.status.success(), "schemathesis failed:\n{text}");
    // It ran the operations, not nothing.
    let tested: usize = text
        .split("Tested: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(tested >= 45, "{tested} operations tested:\n{text}");
}
