//! Test support: the real server on port 0 over a temp data dir, and a small HTTP client.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use tetraglot::config::Config;
use tetraglot::startup::Application;

/// A running server; stops when dropped.
pub struct TestServer {
    pub url: String,
    /// The server's memory, as the library sees it (to break it on purpose).
    pub memory: std::sync::Arc<tetraglot::memory::Memory>,
    handle: Option<actix_web::dev::ServerHandle>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Hears when the seed import (if any) has finished.
    seeded: mpsc::Receiver<()>,
}

/// Starts the real application on a random port; `tune` adjusts the configuration.
pub fn spawn_in(data_dir: &Path, tune: impl FnOnce(&mut Config) + Send + 'static) -> TestServer {
    let mut config = Config::for_data_dir(data_dir);
    tune(&mut config);
    let (tx, rx) = mpsc::channel();
    let (seeded_tx, seeded) = mpsc::channel();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let mut app = Application::build(config).expect("the application starts");
            let seeding = app.seed_in_background();
            tx.send((app.url(), app.handle(), app.memory())).unwrap();
            let watcher = std::thread::spawn(move || {
                if let Some(seeding) = seeding {
                    seeding.join().unwrap();
                }
                let _ = seeded_tx.send(());
            });
            app.run_until_stopped().await.unwrap();
            watcher.join().unwrap();
        })
    });
    let (url, handle, memory) = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("server started");
    TestServer {
        url,
        memory,
        handle: Some(handle),
        thread: Some(thread),
        seeded,
    }
}

impl TestServer {
    /// Stops the server and waits until its memory is closed (the data dir is free again).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(handle) = self.handle.take() {
            futures_lite_block_on(handle.stop(true));
        }
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }

    pub fn get(&self, path: &str) -> Response {
        call(ureq::get(&format!("{}{path}", self.url)), None)
    }

    /// Any request, with headers of the caller's choosing and an optional JSON body.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        json: Option<&Value>,
    ) -> Response {
        let mut request = ureq::request(method, &format!("{}{path}", self.url));
        for (name, value) in headers {
            request = request.set(name, value);
        }
        match json {
            Some(body) => call(
                request.set("Content-Type", "application/json"),
                Some(body.to_string().as_bytes()),
            ),
            None => call(request, None),
        }
    }

    /// A GET with one extra request header.
    pub fn get_with(&self, path: &str, header: &str, value: &str) -> Response {
        call(
            ureq::get(&format!("{}{path}", self.url)).set(header, value),
            None,
        )
    }

    pub fn delete(&self, path: &str) -> Response {
        call(ureq::delete(&format!("{}{path}", self.url)), None)
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Response {
        self.send(
            "POST",
            path,
            "application/json",
            body.to_string().as_bytes(),
        )
    }

    pub fn put_json(&self, path: &str, body: &Value) -> Response {
        self.send("PUT", path, "application/json", body.to_string().as_bytes())
    }

    pub fn send(&self, method: &str, path: &str, content_type: &str, body: &[u8]) -> Response {
        let request =
            ureq::request(method, &format!("{}{path}", self.url)).set("Content-Type", content_type);
        call(request, Some(body))
    }

    /// A body of any type, with headers of the caller's choosing.
    pub fn send_with(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        content_type: &str,
        body: &[u8],
    ) -> Response {
        let mut request =
            ureq::request(method, &format!("{}{path}", self.url)).set("Content-Type", content_type);
        for (name, value) in headers {
            request = request.set(name, value);
        }
        call(request, Some(body))
    }

    /// Waits until the seed import, which runs beside the server, has finished.
    pub fn wait_for_seeding(&self) {
        self.seeded
            .recv_timeout(Duration::from_secs(120))
            .expect("seeding finishes");
    }

    /// Waits until `/health` reports at least `units` units (seeding runs in the background).
    pub fn wait_for_units(&self, units: u64) {
        for _ in 0..600 {
            if self.get("/health").json()["units"].as_u64().unwrap_or(0) >= units {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the memory never reached {units} units");
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Runs a future to completion on a throwaway runtime (the server stop handle).
fn futures_lite_block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// An HTTP answer: status, headers we look at, and body.
pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}), status {}: {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Asserts the status and the error code of an error body.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        let body = self.json();
        assert_eq!(body["error"]["code"], code, "{body}");
        let table = tetraglot::http::error::ErrorCode::ALL
            .iter()
            .find(|c| c.as_str() == code)
            .unwrap_or_else(|| panic!("{code} is not in the error table"));
        assert_eq!(
            table.status().as_u16(),
            status,
            "{code} is answered with the status the error table gives it"
        );
        let message = body["error"]["message"].as_str().unwrap_or("");
        assert!(
            message.len() > 10,
            "an error message says what to fix: {body}"
        );
    }
}

fn call(request: ureq::Request, body: Option<&[u8]>) -> Response {
    let result = match body {
        Some(body) => request.send_bytes(body),
        None => request.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = response.status();
    let content_type = response.content_type().to_string();
    let headers = response
        .headers_names()
        .into_iter()
        .filter_map(|name| {
            response
                .header(&name)
                .map(|v| (name.clone(), v.to_string()))
        })
        .collect();
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut body).unwrap();
    Response {
        status,
        content_type,
        headers,
        body,
    }
}

/// The project's seed memories.
pub fn seed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("memories")
}

/// The seed TMX files, sorted by name.
pub fn seed_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(seed_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tmx"))
        .collect();
    files.sort();
    files
}

/// The units of a TMX document, which must have no skipped part.
pub fn read_tmx(bytes: &[u8]) -> Vec<tetraglot::model::unit::Unit> {
    use tetraglot::formats::{tmx::TmxReader, Item};
    TmxReader::new(bytes)
        .map(|item| match item.expect("well-formed TMX") {
            Item::Unit(unit) => *unit,
            Item::Skipped(skip) => panic!("skipped: {skip:?}"),
        })
        .collect()
}

/// Whether the tests run in CI (`CI=true`, as `.ci/run` is run there).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A test whose dependency is missing: outside CI it prints why and the caller returns
/// (a user's clone may lack the tool or the shared data); under `CI=true` it fails, so CI
/// can never pass by skipping.
pub fn missing(test: &str, why: &str) {
    if in_ci() {
        panic!("{test}: {why}; CI must provide it (.ci/run installs the tools)");
    }
    eprintln!("skipped {test}: {why}");
}

/// `../shared/data/NAME` when present; otherwise says why the caller skips (fails in CI).
pub fn shared_data(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(name);
    if path.exists() {
        Some(path)
    } else {
        missing(
            name,
            &format!(
                "{} is absent (it is the founders' shared data, not part of a clone)",
                path.display()
            ),
        );
        None
    }
}

/// How many units the seed memories hold (read from the files, so adding a seed sentence
/// changes no test).
pub fn seed_unit_count() -> usize {
    // Read once for the whole test binary: many tests start a seeded server.
    static COUNT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *COUNT.get_or_init(|| {
        seed_files()
            .iter()
            .map(|p| read_tmx(&std::fs::read(p).unwrap()).len())
            .sum()
    })
}

/// A server on `dir` seeded from the project's memories, once the seeds are all in.
pub fn seeded_in(dir: &Path, tune: impl FnOnce(&mut Config) + Send + 'static) -> TestServer {
    let server = spawn_in(dir, |config| {
        config.seed = tetraglot::config::Seed::Dir(seed_dir());
        tune(config);
    });
    server.wait_for_units(seed_unit_count() as u64);
    server
}

/// Debian's Chromium, when installed (the edition and desk tests render in it).
pub fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Renders `url` (scripts run, fetches answered within the time budget): the DOM and the
/// browser's log.
pub fn headless(
    browser: &Path,
    profile: &Path,
    url: &str,
    (width, height): (u32, u32),
    extra: &[&str],
) -> (String, String) {
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=8000",
        ])
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn console_errors(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            l.contains("CONSOLE")
                && (l.contains("ERROR") || l.contains("Uncaught") || l.contains("rror"))
        })
        .collect()
}
