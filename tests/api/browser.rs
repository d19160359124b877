//! A real browser for the page tests: headless Chromium driven through chromedriver
//! (W3C WebDriver, the thirtyfour client), with the browser's console read after each flow.

use std::path::Path;
use std::process::Command;

use crate::common::{chromium, console_errors};

/// A free port for chromedriver.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Driver(std::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// chromedriver's log command (not in W3C WebDriver, so not in thirtyfour): the browser
/// console's entries since the last call.
#[derive(Debug)]
struct BrowserLog;

impl thirtyfour::common::command::FormatRequestData for BrowserLog {
    fn format_request(&self, session: &thirtyfour::SessionId) -> thirtyfour::RequestData {
        thirtyfour::RequestData::new(http::Method::POST, format!("/session/{session}/se/log"))
            .add_body(serde_json::json!({"type": "browser"}))
    }
}

/// The console errors the browser logged since the last call (entries at SEVERE), by the
/// same rule as the headless renders' (`common::console_errors`). A refused API call the
/// flow provokes on purpose is logged by the network layer and is not the page's error;
/// every other failed load (a script, a stylesheet, a font) is.
async fn browser_console_errors(driver: &thirtyfour::WebDriver) -> Vec<String> {
    let entries = driver
        .handle
        .cmd(BrowserLog)
        .await
        .expect("chromedriver's log")
        .value_json()
        .expect("log entries");
    let lines: Vec<String> = entries
        .as_array()
        .expect("a list of entries")
        .iter()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].as_str().unwrap_or("").to_string())
        .filter(|m| !(m.contains("/v1/") && m.contains("Failed to load resource")))
        .map(|m| format!("ERROR:CONSOLE {m}"))
        .collect();
    console_errors(&lines.join("\n"))
        .into_iter()
        .map(String::from)
        .collect()
}

/// Runs `flow` in a WebDriver session of headless Chromium (chromedriver on a free port),
/// then fails on any console error the browser logged during it. `None` (and says why)
/// when Chromium or chromedriver is missing.
pub fn in_chromium(
    test: &str,
    flow: impl AsyncFnOnce(&thirtyfour::WebDriver) -> thirtyfour::prelude::WebDriverResult<()>,
) -> Option<()> {
    let (Some(browser), true) = (chromium(), Path::new("/usr/bin/chromedriver").exists()) else {
        crate::common::missing(
            test,
            "chromium or chromium-driver is missing (apt-get install chromium chromium-driver; .ci/run does)",
        );
        return None;
    };
    let port = free_port();
    let _driver = Driver(
        Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async move {
        use thirtyfour::prelude::*;
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(browser.to_str().unwrap()).unwrap();
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1280,1400",
        ] {
            caps.add_arg(arg).unwrap();
        }
        caps.set_base_capability("goog:loggingPrefs", serde_json::json!({"browser": "ALL"}))
            .unwrap();
        let driver = WebDriver::new(&format!("http://127.0.0.1:{port}"), caps)
            .await
            .expect("a WebDriver session");
        let result = flow(&driver).await;
        let errors = browser_console_errors(&driver).await;
        driver.quit().await.ok();
        result.expect("the flow in the browser");
        assert!(errors.is_empty(), "console errors: {errors:#?}");
    });
    Some(())
}
