//! Long writes as tasks: an import answered `202` and followed to its end, its progress,
//! failures with their line, cancel, keys' own tasks, retention, and `import --server`.
//! (A task surviving `kill -9` is in `durability`.)

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::{spawn_in, Response, TestServer};

const MASTER: &str = "master-key-for-the-task-tests";

/// A TSV file of `n` en–ru units, each sentence its own.
pub fn tsv(n: usize) -> Vec<u8> {
    let mut out = String::from("en\tru\n");
    for i in 0..n {
        out.push_str(&format!(
            "Line number {i} of the long file.\tСтрока номер {i} длинного файла.\n"
        ));
    }
    out.into_bytes()
}

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

/// Sends `body` to `/v1/import` as a task; the 202's task.
fn import_async(server: &TestServer, key: Option<&str>, body: &[u8], media: &str) -> Value {
    let auth = key.map(bearer);
    let mut headers = vec![("Prefer", "respond-async")];
    if let Some(auth) = &auth {
        headers.push(("Authorization", auth.as_str()));
    }
    let answer = server.send_with("POST", "/v1/import", &headers, media, body);
    assert_eq!(answer.status, 202, "{}", answer.text());
    let id = answer.json()["task"]["id"].as_u64().unwrap();
    assert_eq!(
        answer.header("Location"),
        Some(format!("/v1/tasks/{id}").as_str())
    );
    assert_eq!(answer.header("Preference-Applied"), Some("respond-async"));
    answer.json()["task"].clone()
}

fn get(server: &TestServer, key: Option<&str>, path: &str) -> Response {
    let auth = key.map(bearer);
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
    server.request("GET", path, &headers, None)
}

/// Polls a task until `done` says so; every state seen on the way.
fn follow_until(
    server: &TestServer,
    key: Option<&str>,
    id: u64,
    done: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut seen = Vec::new();
    loop {
        let answer = get(server, key, &format!("/v1/tasks/{id}"));
        assert_eq!(answer.status, 200, "{}", answer.text());
        let task = answer.json();
        seen.push(task.clone());
        if done(&task) {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "task {id} never got there: {task}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn finished(task: &Value) -> bool {
    matches!(
        task["status"].as_str(),
        Some("succeeded" | "failed" | "canceled")
    )
}

fn units(server: &TestServer) -> u64 {
    server.get("/health").json()["units"].as_u64().unwrap()
}

#[test]
fn an_async_import_is_followed_to_succeeded_with_its_progress() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let body = tsv(30_000);
    let task = import_async(&server, None, &body, "text/tab-separated-values");
    assert_eq!(task["status"], "enqueued");
    assert_eq!(task["kind"], "import");
    assert_eq!(task["details"], json!({"format": "tsv", "merge": "source"}));
    assert_eq!(task["progress"]["bytes_total"], body.len());
    let id = task["id"].as_u64().unwrap();

    let seen = follow_until(&server, None, id, finished);
    let last = seen.last().unwrap();
    assert_eq!(last["status"], "succeeded", "{last}");
    assert_eq!(last["result"]["added"], 30_000);
    assert_eq!(last["result"]["read"], 30_000);
    assert_eq!(last["error"], Value::Null);
    assert_eq!(last["attempts"], 1);
    assert!(last["started_at"].is_string() && last["finished_at"].is_string());
    let progress = &last["progress"];
    assert_eq!(progress["bytes_read"], body.len(), "{progress}");
    assert_eq!(progress["units_read"], 30_000);
    assert_eq!(progress["units_added"], 30_000);
    // Followed on the way: running, part-way, and never going back.
    assert!(
        seen.iter().any(|t| t["status"] == "processing"
            && (1..30_000).contains(&t["progress"]["units_read"].as_u64().unwrap())),
        "no part-way progress was seen in {} polls",
        seen.len()
    );
    let read: Vec<u64> = seen
        .iter()
        .map(|t| t["progress"]["units_read"].as_u64().unwrap())
        .collect();
    assert!(read.windows(2).all(|w| w[0] <= w[1]), "{read:?}");
    assert_eq!(units(&server), 30_000);

    // Listed, filtered, paged.
    let listed = server.get("/v1/tasks?status=succeeded&kind=import").json();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["results"][0]["id"], id);
    assert_eq!(server.get("/v1/tasks?status=failed").json()["total"], 0);
    server
        .get("/v1/tasks?status=finished")
        .assert_error(400, "invalid_parameter");
    server
        .get("/v1/tasks?limit=0")
        .assert_error(422, "invalid_limit");
    server
        .get("/v1/tasks/999")
        .assert_error(404, "task_not_found");
    server
        .get("/v1/tasks/abc")
        .assert_error(404, "task_not_found");
    // Without the preference the import waits, as it always did.
    let waited = server.send(
        "POST",
        "/v1/import",
        "text/tab-separated-values",
        "en\tru\nA new line.\tНовая строка.\n".as_bytes(),
    );
    assert_eq!(waited.status, 200, "{}", waited.text());
    assert_eq!(waited.json()["added"], 1);
}

#[test]
fn a_malformed_file_fails_its_task_with_the_line_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let tmx = "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\">\n<header srclang=\"en\"/>\n<body>\n\
               <tu tuid=\"a\"><tuv xml:lang=\"en\"><seg>Good.</seg></tuv><tuv xml:lang=\"ru\"><seg>Хорошо.</seg></tuv></tu>\n\
               <tu tuid=\"b\"><tuv xml:lang=\"en\"><seg>Broken</tuv></tu>\n</body>\n</tmx>\n";
    // `?wait=false` asks for a task as the header does.
    let answer = server.send(
        "POST",
        "/v1/import?wait=false",
        "application/x-tmx+xml",
        tmx.as_bytes(),
    );
    assert_eq!(answer.status, 202, "{}", answer.text());
    let id = answer.json()["task"]["id"].as_u64().unwrap();
    let seen = follow_until(&server, None, id, finished);
    let last = seen.last().unwrap();
    assert_eq!(last["status"], "failed", "{last}");
    assert_eq!(last["error"]["code"], "malformed_tmx", "{last}");
    assert_eq!(last["error"]["line"], 6, "{last}");
    assert_eq!(last["result"], Value::Null);
    assert_eq!(units(&server), 0, "nothing of a failed import is kept");
    // Its input is gone with it; only the task's record stays.
    let inputs: Vec<_> = std::fs::read_dir(dir.path().join("tasks"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "input"))
        .collect();
    assert!(inputs.is_empty(), "{inputs:?}");
}

#[test]
fn canceling_stops_a_running_import_with_nothing_committed_and_a_waiting_one_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let running = import_async(&server, None, &tsv(150_000), "text/tab-separated-values");
    let waiting = import_async(&server, None, &tsv(10), "text/tab-separated-values");
    let (running, waiting) = (
        running["id"].as_u64().unwrap(),
        waiting["id"].as_u64().unwrap(),
    );
    assert!(waiting > running);
    follow_until(&server, None, running, |t| {
        t["progress"]["units_read"].as_u64().unwrap() > 0
    });

    // The waiting one: canceled at once, and never run.
    let canceled = server.delete(&format!("/v1/tasks/{waiting}"));
    assert_eq!(canceled.status, 200, "{}", canceled.text());
    assert_eq!(canceled.json()["task"]["status"], "canceled");

    // The running one: told to stop; it ends canceled.
    let stopping = server.delete(&format!("/v1/tasks/{running}"));
    assert_eq!(stopping.status, 202, "{}", stopping.text());
    assert_eq!(stopping.json()["task"]["canceling"], true);
    let seen = follow_until(&server, None, running, finished);
    let last = seen.last().unwrap();
    assert_eq!(last["status"], "canceled", "{last}");
    assert!(last["progress"]["units_read"].as_u64().unwrap() < 150_000);
    assert_eq!(
        units(&server),
        0,
        "nothing of a canceled import is committed"
    );
    assert_eq!(
        server.get(&format!("/v1/tasks/{waiting}")).json()["status"],
        "canceled"
    );
    assert_eq!(server.get("/v1/tasks?status=canceled").json()["total"], 2);
    // An ended task cannot be canceled again.
    server
        .delete(&format!("/v1/tasks/{running}"))
        .assert_error(409, "task_not_cancelable");
    // The memory takes writes as before.
    let answer = server.send("POST", "/v1/import", "text/tab-separated-values", &tsv(100));
    assert_eq!(answer.json()["added"], 100, "{}", answer.text());
}

#[test]
fn a_key_follows_its_own_tasks_and_the_admin_everyones() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |c| c.master_key = Some(MASTER.into()));
    let mut keys = Vec::new();
    for (name, role) in [("desk a", "write"), ("desk b", "write"), ("reader", "read")] {
        let made = server.request(
            "POST",
            "/v1/keys",
            &[("Authorization", bearer(MASTER).as_str())],
            Some(&json!({"name": name, "role": role})),
        );
        assert_eq!(made.status, 201, "{}", made.text());
        keys.push(made.json()["key"].as_str().unwrap().to_string());
    }
    let (a, b, reader) = (keys[0].as_str(), keys[1].as_str(), keys[2].as_str());
    let task = import_async(&server, Some(a), &tsv(5), "text/tab-separated-values");
    let id = task["id"].as_u64().unwrap();
    assert!(task["owner"].is_string());
    follow_until(&server, Some(a), id, finished);

    let path = format!("/v1/tasks/{id}");
    assert_eq!(get(&server, Some(a), &path).status, 200);
    get(&server, Some(b), &path).assert_error(403, "forbidden");
    get(&server, Some(reader), &path).assert_error(403, "forbidden");
    assert_eq!(get(&server, Some(MASTER), &path).status, 200);
    assert_eq!(
        get(&server, Some(a), "/v1/tasks").json()["total"],
        1,
        "a key lists its own"
    );
    assert_eq!(get(&server, Some(b), "/v1/tasks").json()["total"], 0);
    assert_eq!(get(&server, Some(MASTER), "/v1/tasks").json()["total"], 1);
    // A read key makes no tasks: importing needs write.
    let refused = server.send_with(
        "POST",
        "/v1/import",
        &[
            ("Prefer", "respond-async"),
            ("Authorization", bearer(reader).as_str()),
        ],
        "text/tab-separated-values",
        &tsv(1),
    );
    refused.assert_error(403, "forbidden");

    // Optimize is the admin's, as a task or waited for.
    let refused = server.request(
        "POST",
        "/v1/optimize",
        &[("Authorization", bearer(a).as_str())],
        None,
    );
    refused.assert_error(403, "forbidden");
    let queued = server.request(
        "POST",
        "/v1/optimize",
        &[
            ("Authorization", bearer(MASTER).as_str()),
            ("Prefer", "respond-async, wait=5"),
        ],
        None,
    );
    assert_eq!(queued.status, 202, "{}", queued.text());
    assert_eq!(queued.json()["task"]["kind"], "optimize");
    let optimize = queued.json()["task"]["id"].as_u64().unwrap();
    let seen = follow_until(&server, Some(MASTER), optimize, finished);
    let last = seen.last().unwrap();
    assert_eq!(last["status"], "succeeded", "{last}");
    assert!(last["result"]["segments_before"].is_u64(), "{last}");
    let waited = server.request(
        "POST",
        "/v1/optimize",
        &[("Authorization", bearer(MASTER).as_str())],
        None,
    );
    assert_eq!(waited.status, 200, "{}", waited.text());
    assert_eq!(waited.json()["segments_before"], 1);
}

#[test]
fn finished_tasks_are_forgotten_after_the_retention_and_ids_are_not_reused() {
    let dir = tempfile::tempdir().unwrap();
    let second = {
        let server = spawn_in(dir.path(), |c| c.task_retention = Duration::ZERO);
        let task = import_async(&server, None, &tsv(3), "text/tab-separated-values");
        let first = task["id"].as_u64().unwrap();
        follow_until(&server, None, first, finished);
        // Kept until the next task is made.
        assert_eq!(server.get(&format!("/v1/tasks/{first}")).status, 200);
        let second = import_async(&server, None, &tsv(3), "text/tab-separated-values");
        server
            .get(&format!("/v1/tasks/{first}"))
            .assert_error(404, "task_not_found");
        let second = second["id"].as_u64().unwrap();
        follow_until(&server, None, second, finished);
        second
    };
    // A start forgets the finished tasks past the retention; the next id is still new.
    let server = spawn_in(dir.path(), |c| c.task_retention = Duration::ZERO);
    server
        .get(&format!("/v1/tasks/{second}"))
        .assert_error(404, "task_not_found");
    let third = import_async(&server, None, &tsv(3), "text/tab-separated-values");
    assert!(third["id"].as_u64().unwrap() > second, "{third}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("tasks"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(&format!("{second:016}")))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_queue_depth_is_in_the_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let metrics = server.get("/metrics").text();
    assert!(
        metrics.contains("tetraglot_tasks{status=\"enqueued\"} 0"),
        "{metrics}"
    );
    assert!(
        metrics.contains("tetraglot_tasks{status=\"processing\"} 0"),
        "{metrics}"
    );
}

/// `tetraglot import --server` sends the file to a running server and follows the task.
#[test]
fn the_command_line_imports_into_a_running_server_and_shows_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(&dir.path().join("data"), |c| {
        c.master_key = Some(MASTER.into())
    });
    let made = server.request(
        "POST",
        "/v1/keys",
        &[("Authorization", bearer(MASTER).as_str())],
        Some(&json!({"name": "cli", "role": "write"})),
    );
    let key = made.json()["key"].as_str().unwrap().to_string();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, format!("{key}\n")).unwrap();
    let file = dir.path().join("lines.tsv");
    std::fs::write(&file, tsv(2_000)).unwrap();
    let run = |key_file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tetraglot"))
            .args(["import", "--server", &server.url, "--key-file"])
            .arg(key_file)
            .arg(&file)
            .env_remove("TETRAGLOT_KEY")
            .output()
            .unwrap()
    };
    let output = run(&key_file);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("read 2000 units: 2000 added"), "{stdout}");
    assert_eq!(units(&server), 2_000);

    // A wrong key: the server's refusal, in words.
    let wrong = dir.path().join("wrong");
    std::fs::write(&wrong, "not-a-key\n").unwrap();
    let output = run(&wrong);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("401") && stderr.contains("unauthorized"),
        "{stderr}"
    );

    // A malformed file: the task's failure with its line.
    std::fs::write(&file, b"en\tru\nnot \xff UTF-8\tx\n").unwrap();
    let output = run(&key_file);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("failed") && stderr.contains("malformed_tsv") && stderr.contains("line 2"),
        "{stderr}"
    );
}

/// One article as a line of a batch.
fn article_line(id: &str, outlet: &str, n: usize) -> String {
    json!({
        "id": id,
        "outlet": outlet,
        "source": "en",
        "versions": {
            "en": {"title": format!("Harbour news {n}"), "body": format!("The harbour reopened on day {n}. Ships came back at dawn.")},
            "ru": {"title": format!("Новости гавани {n}"), "body": format!("Гавань открылась в день {n}. Корабли вернулись на рассвете.")}
        }
    })
    .to_string()
}

#[test]
fn an_article_batch_saves_each_line_and_reports_each_failure_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let body = [
        article_line("2026-12-06.harbour-1", "news", 1),
        "{\"id\": \"2026-12-06.broken\", \"source\": ".to_string(),
        String::new(),
        article_line("2026-12-06.harbour-2", "news", 2),
    ]
    .join("\n");
    let answer = server.send(
        "POST",
        "/v1/article-batches",
        "application/x-ndjson",
        body.as_bytes(),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let report = answer.json();
    assert_eq!(report["read"], 3, "{report}");
    assert_eq!(report["saved"], 2, "{report}");
    assert_eq!(report["created"], 2, "{report}");
    assert_eq!(report["failed"], 1, "{report}");
    assert_eq!(report["articles"][1]["line"], 2, "{report}");
    assert_eq!(
        report["articles"][1]["error"]["code"], "invalid_json",
        "{report}"
    );
    assert_eq!(report["articles"][2]["line"], 4, "{report}");
    assert_eq!(server.get("/v1/articles/2026-12-06.harbour-2").status, 200);
    // Not JSON Lines: refused before anything is read.
    server
        .send(
            "POST",
            "/v1/article-batches",
            "application/json",
            body.as_bytes(),
        )
        .assert_error(415, "unsupported_media_type");
}

#[test]
fn a_large_article_batch_runs_as_a_task_within_its_keys_outlets() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |c| c.master_key = Some(MASTER.into()));
    let made = server.request(
        "POST",
        "/v1/keys",
        &[("Authorization", bearer(MASTER).as_str())],
        Some(&json!({"name": "hy desk", "role": "write", "outlets": ["hy.news"]})),
    );
    let key = made.json()["key"].as_str().unwrap().to_string();
    let mut lines: Vec<String> = (0..12)
        .map(|n| article_line(&format!("2026-12-06.port-{n}"), "hy.news", n))
        .collect();
    // Another outlet's article: refused for this key, the rest saved.
    lines.insert(5, article_line("2026-12-06.elsewhere", "az.news", 99));
    let answer = server.send_with(
        "POST",
        "/v1/article-batches",
        &[
            ("Prefer", "respond-async"),
            ("Authorization", bearer(&key).as_str()),
        ],
        "application/x-ndjson",
        lines.join("\n").as_bytes(),
    );
    assert_eq!(answer.status, 202, "{}", answer.text());
    let task = answer.json()["task"].clone();
    assert_eq!(task["kind"], "articles");
    assert_eq!(task["details"]["outlets"], json!(["hy.news"]));
    let id = task["id"].as_u64().unwrap();
    let seen = follow_until(&server, Some(&key), id, finished);
    let last = seen.last().unwrap();
    assert_eq!(last["status"], "succeeded", "{last}");
    assert_eq!(last["result"]["saved"], 12, "{last}");
    assert_eq!(last["result"]["failed"], 1, "{last}");
    assert_eq!(
        last["result"]["articles"][5]["error"]["code"], "forbidden",
        "{last}"
    );
    assert_eq!(last["progress"]["articles_read"], 13, "{last}");
    assert_eq!(last["progress"]["articles_saved"], 12, "{last}");
    let listed = get(&server, Some(MASTER), "/v1/articles?limit=100").json();
    assert_eq!(listed["articles"].as_array().unwrap().len(), 12, "{listed}");
}
