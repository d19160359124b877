//! The installed binary as a new user meets it: started from a folder that is not the
//! repository, pointed at a wrong data directory, asked for a sentence the memory lacks.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn tetraglot(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tetraglot"))
        .current_dir(cwd)
        .args(args)
        .env_remove("TETRAGLOT_SEED_DIR")
        .env_remove("TETRAGLOT_LOCALES_DIR")
        .env_remove("TETRAGLOT_DATA_DIR")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn serve_starts_from_any_folder_with_the_built_in_locales_and_seeds() {
    // Once: "cannot read the locales directory locales", and a hint that did not help.
    let cwd = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tetraglot"))
        .current_dir(cwd.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("TETRAGLOT_SEED_DIR")
        .env_remove("TETRAGLOT_LOCALES_DIR")
        .env_remove("TETRAGLOT_DATA_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .map(str::to_string);
    let result = std::panic::catch_unwind(|| {
        let url = url.unwrap_or_else(|| panic!("did not start: {line:?}"));
        // The seed memories import in the background; wait for all seven files.
        let mut units = 0;
        for _ in 0..300 {
            let health: serde_json::Value = ureq::get(&format!("{url}/health"))
                .call()
                .unwrap()
                .into_json()
                .unwrap();
            units = health["units"].as_u64().unwrap();
            let seeded =
                std::fs::read_to_string(cwd.path().join("data/seeded.txt")).unwrap_or_default();
            if seeded.lines().count() == 7 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert!(units > 50, "the built-in seed memories: {units} units");
        // The built-in locales answer in the reader's language.
        let error = ureq::get(&format!("{url}/v1/nothing"))
            .set("Accept-Language", "hy")
            .call()
            .unwrap_err();
        let body: serde_json::Value = error.into_response().unwrap().into_json().unwrap();
        assert!(
            body["error"]["message"].as_str().unwrap().contains("հասցե"),
            "{body}"
        );
    });
    let _ = child.kill();
    let _ = child.wait();
    result.unwrap();
}

#[test]
fn a_missing_seed_directory_stops_the_start() {
    let cwd = tempfile::tempdir().unwrap();
    let out = tetraglot(
        cwd.path(),
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--seed-dir",
            "no-such-dir",
        ],
    );
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("cannot read the seed directory no-such-dir"),
        "{stderr}"
    );
}

#[test]
fn readers_on_a_wrong_data_directory_fail_and_create_nothing() {
    // Once: an empty index created at the mistyped path, an empty export and exit 0.
    let cwd = tempfile::tempdir().unwrap();
    for args in [
        &["--data-dir", "typo", "export"][..],
        &["--data-dir", "typo", "match", "Hello", "--from", "en"][..],
        &["--data-dir", "typo", "optimize"][..],
    ] {
        let out = tetraglot(cwd.path(), args);
        assert!(!out.status.success(), "{args:?} exited 0");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("no memory at typo"), "{args:?}: {stderr}");
        assert!(!cwd.path().join("typo").exists(), "{args:?} created it");
    }
}

#[test]
fn match_says_when_nothing_reaches_the_minimum_score() {
    let cwd = tempfile::tempdir().unwrap();
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/memories/2026-railway.tmx");
    assert!(tetraglot(cwd.path(), &["import", seed]).status.success());
    // Once: nothing printed at all, exit 0.
    let out = tetraglot(
        cwd.path(),
        &[
            "match",
            "The train leaves the old station at night",
            "--from",
            "en",
            "--min-score",
            "99",
        ],
    );
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("no match ≥ 99 (best: "), "{stdout}");
    let out = tetraglot(cwd.path(), &["match", "Zzzqx wvvb", "--from", "en"]);
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("no match ≥ 50"), "{stdout}");
}
