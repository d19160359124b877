//! Whatever was answered 2xx survives `kill -9`: the real binary is killed while writing and
//! started again on the same data directory.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::json;

/// Starts `tetraglot serve` on a free port and returns it with its base URL.
fn start(data_dir: &std::path::Path) -> (Child, String) {
    start_logging(data_dir, Stdio::null())
}

/// [`start`], with the server's log (stderr, at level info) going to `log`.
fn start_logging(data_dir: &std::path::Path, log: Stdio) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tetraglot"))
        .args(["--data-dir"])
        .arg(data_dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--no-seed"])
        .env("TETRAGLOT_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();
    (child, url)
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = start(dir.path());

    // Writers hammer the server; every id answered 201 is recorded.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let (url, acknowledged, stop) = (url.clone(), acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let id = format!("w{w}-{n}");
                    let body = json!({"units": [{"id": id, "variants": {
                        "en": format!("Sentence number {n} from writer {w}."),
                        "ru": format!("Предложение номер {n} от автора {w}.")
                    }}]});
                    match ureq::post(&format!("{url}/v1/units")).send_json(body) {
                        Ok(r) if r.status() == 201 => acknowledged.lock().unwrap().push(id),
                        _ => break,
                    }
                    n += 1;
                }
            })
        })
        .collect();
    // Bounded: writers that all stopped (the server refused them) must fail the test, not
    // hang it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while acknowledged.lock().unwrap().len() < 150 {
        assert!(
            std::time::Instant::now() < deadline,
            "only {} writes were acknowledged in 120 s",
            acknowledged.lock().unwrap().len()
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().unwrap();
    }

    let (mut child, url) = start(dir.path());
    let acknowledged = acknowledged.lock().unwrap().clone();
    for id in &acknowledged {
        let response = ureq::get(&format!("{url}/v1/units/{id}")).call();
        assert!(response.is_ok(), "unit {id} was acknowledged but is gone");
    }
    let units = ureq::get(&format!("{url}/health"))
        .call()
        .unwrap()
        .into_json::<serde_json::Value>()
        .unwrap()["units"]
        .as_u64()
        .unwrap();
    assert!(units >= acknowledged.len() as u64);
    child.kill().unwrap();
    child.wait().unwrap();
}

/// An upload cut short by `kill -9` leaves its spool file; the next start removes it.
#[test]
fn partial_uploads_are_cleared_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let incoming = dir.path().join("incoming");
    std::fs::create_dir_all(&incoming).unwrap();
    let partial = incoming.join(".tmpAbC123");
    std::fs::write(&partial, b"<tmx version=\"1.4\"><body><tu>").unwrap();
    let server = crate::common::spawn_in(dir.path(), |_| {});
    assert!(!partial.exists(), "the partial upload is gone");
    assert_eq!(server.get("/health").status, 200);
}

/// SIGINT, like SIGTERM, lets the request in flight finish and answer before the process
/// ends (actix's own handling dropped the answer), and what was answered is there after.
#[test]
fn sigint_finishes_the_request_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = start(dir.path());
    let tsv: String = std::iter::once("en\tru\n".to_string())
        .chain(
            (0..30_000).map(|i| format!("Line number {i} of the file.\tСтрока номер {i} файла.\n")),
        )
        .collect();
    let import = {
        let url = url.clone();
        std::thread::spawn(move || {
            ureq::post(&format!("{url}/v1/import"))
                .set("Content-Type", "text/tab-separated-values")
                .send_bytes(tsv.as_bytes())
                .map(|r| r.into_json::<serde_json::Value>().unwrap())
                .map_err(|e| e.to_string())
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(400));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let report = import
        .join()
        .unwrap()
        .expect("the import in flight is answered");
    assert_eq!(report["added"], 30_000);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not stop"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    let (mut child, url) = start(dir.path());
    let health: serde_json::Value = ureq::get(&format!("{url}/health"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(health["units"], 30_000);
    child.kill().unwrap();
    child.wait().unwrap();
}

/// What a client sends is logged escaped: a line break in a field cannot forge a log line.
#[test]
fn client_input_cannot_forge_a_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let (mut child, url) = start_logging(
        &dir.path().join("data"),
        std::fs::File::create(&log).unwrap().into(),
    );
    let forged = "en\n2026-12-01T00:00:00.000000Z  INFO tetraglot: FORGED admin logged in";
    let answer = ureq::post(&format!("{url}/v1/match"))
        .send_json(json!({"text": "Hello", "source": forged}));
    assert!(matches!(answer, Err(ureq::Error::Status(400, _))));
    child.kill().unwrap();
    child.wait().unwrap();
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(
        written.contains("FORGED"),
        "the request was logged: {written}"
    );
    assert!(
        !written
            .lines()
            .any(|l| l.starts_with("2026-12-01T00:00:00.000000Z")),
        "a line of the log was forged: {written}"
    );
}

#[test]
fn every_request_has_an_access_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let (mut child, url) = start_logging(
        &dir.path().join("data"),
        std::fs::File::create(&log).unwrap().into(),
    );
    let answer = ureq::get(&format!("{url}/health")).call().unwrap();
    let id = answer.header("x-request-id").unwrap().to_string();
    // The server's own time, in the W3C form, on every answer, an error too.
    let spent = |answer: &ureq::Response| -> f64 {
        let timing = answer.header("server-timing").unwrap();
        let ms = timing
            .strip_prefix("app;dur=")
            .unwrap_or_else(|| panic!("{timing}"));
        ms.parse().unwrap_or_else(|_| panic!("{timing}"))
    };
    assert!(spent(&answer) >= 0.0);
    let missing = ureq::get(&format!("{url}/nothing?q=private")).call();
    let Err(ureq::Error::Status(404, missing)) = missing else {
        panic!("{missing:?}")
    };
    assert!(spent(&missing) >= 0.0);
    child.kill().unwrap();
    child.wait().unwrap();
    let written = std::fs::read_to_string(&log).unwrap();
    let line = written
        .lines()
        .find(|l| l.contains("tetraglot::access") && l.contains("path=/health"))
        .unwrap_or_else(|| panic!("no access line: {written}"));
    for part in [
        "method=GET",
        "status=200",
        "ms=",
        &format!("request_id={id}"),
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    assert!(written.contains("path=/nothing status=404"), "{written}");
    // A client's mistake is an INFO line with its code, not an ERROR.
    let missing = written
        .lines()
        .find(|l| l.contains("path=/nothing"))
        .unwrap();
    assert!(missing.contains(" INFO "), "{missing}");
    assert!(missing.contains("code=route_not_found"), "{missing}");
    assert!(
        !written.contains("ERROR"),
        "nothing here is an error: {written}"
    );
    assert!(
        !written.contains("private"),
        "the query is not logged: {written}"
    );
}

/// Soak, found: `serve 2>&1 | head -3` hung the server once `head` was gone. The first log
/// line written to the closed pipe made the log writer panic inside a worker, and every
/// later request waited for it. A log line that cannot be written is now dropped.
#[test]
fn a_closed_log_pipe_does_not_stop_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = start_logging(dir.path(), Stdio::piped());
    drop(child.stderr.take());
    let agent = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(10))
        .build();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        for n in 0..20 {
            // Each request writes an access line to the closed pipe; some fail and log more.
            let missing = agent.get(&format!("{url}/nothing/{n}")).call();
            assert!(
                matches!(missing, Err(ureq::Error::Status(404, _))),
                "request {n}: {missing:?}"
            );
            let health = agent.get(&format!("{url}/health")).call();
            assert_eq!(health.map(|r| r.status()).ok(), Some(200), "request {n}");
        }
    }));
    let _ = child.kill();
    let _ = child.wait();
    result.unwrap();
}

/// The server raises its soft open-file limit to the hard one (a soft limit of 1,024 ran out
/// under 10k slow uploads). Started from a shell with a soft limit of 256.
#[cfg(target_os = "linux")]
#[test]
fn the_open_file_limit_is_raised_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -Sn 256 && exec '{}' --data-dir '{}' serve --listen 127.0.0.1:0 --no-seed",
            env!("CARGO_BIN_EXE_tetraglot"),
            dir.path().display()
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("listening on"), "{line}");
    // The limit is raised as the server starts running; give it a moment.
    let limits = |pid: u32| std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let open_files = |text: &str| -> (String, String) {
        let row = text
            .lines()
            .find(|l| l.starts_with("Max open files"))
            .unwrap();
        let cells: Vec<&str> = row.split_whitespace().collect();
        (cells[3].to_string(), cells[4].to_string())
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let (soft, hard) = loop {
        let (soft, hard) = open_files(&limits(child.id()));
        if soft == hard || std::time::Instant::now() > deadline {
            break (soft, hard);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(soft, hard, "soft {soft}, hard {hard}");
    assert_ne!(soft, "256");
}

/// An article answered 201 is there after `kill -9`, with every one of its units.
#[test]
fn an_answered_article_survives_kill_9_with_all_its_units() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = start(dir.path());
    let response = ureq::post(&format!("{url}/v1/articles"))
        .send_json(crate::articles::article())
        .unwrap();
    assert_eq!(response.status(), 201);
    let answered: serde_json::Value = response.into_json().unwrap();
    child.kill().unwrap(); // SIGKILL, right after the answer
    child.wait().unwrap();

    let (mut child, url) = start(dir.path());
    let article: serde_json::Value =
        ureq::get(&format!("{url}/v1/articles/2026-11-30.transit-deal"))
            .call()
            .expect("the article survived")
            .into_json()
            .unwrap();
    let units = article["units"].as_array().unwrap();
    assert_eq!(
        units.len() as u64,
        answered["units"]["added"].as_u64().unwrap()
    );
    for id in units {
        let id = id.as_str().unwrap();
        assert!(
            ureq::get(&format!("{url}/v1/units/{id}")).call().is_ok(),
            "unit {id} of the answered article is gone"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Polls task `id` at `url` until `done`; the last state.
fn poll_task(url: &str, id: u64, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    loop {
        let task: serde_json::Value = ureq::get(&format!("{url}/v1/tasks/{id}"))
            .call()
            .unwrap()
            .into_json()
            .unwrap();
        if done(&task) {
            return task;
        }
        assert!(std::time::Instant::now() < deadline, "{task}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A task answered 202 survives `kill -9`: the one running is run again from its spooled
/// input (adding no duplicates), the one waiting still runs.
#[test]
fn tasks_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = start(dir.path());
    let enqueue = |body: Vec<u8>| -> u64 {
        let answer: serde_json::Value = ureq::post(&format!("{url}/v1/import"))
            .set("Content-Type", "text/tab-separated-values")
            .set("Prefer", "respond-async")
            .send_bytes(&body)
            .unwrap()
            .into_json()
            .unwrap();
        answer["task"]["id"].as_u64().unwrap()
    };
    let running = enqueue(crate::tasks::tsv(60_000));
    let waiting = enqueue(
        "en\tru\nThe waiting task's line.\tСтрока ждущей задачи.\n"
            .as_bytes()
            .to_vec(),
    );
    poll_task(&url, running, |t| {
        t["progress"]["units_read"].as_u64().unwrap() > 0
    });
    child.kill().unwrap(); // SIGKILL, part-way through the first
    child.wait().unwrap();

    let (mut child, url) = start(dir.path());
    let first = poll_task(&url, running, |t| t["status"] == "succeeded");
    assert_eq!(first["attempts"], 2, "{first}");
    assert_eq!(first["result"]["read"], 60_000, "{first}");
    let second = poll_task(&url, waiting, |t| t["status"] == "succeeded");
    assert_eq!(second["result"]["added"], 1, "{second}");
    let health: serde_json::Value = ureq::get(&format!("{url}/health"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(health["units"], 60_001, "no unit twice, none lost");
    child.kill().unwrap();
    child.wait().unwrap();
}
