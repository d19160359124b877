//! The real CAT tool: OmegaT 3.6 (Debian's `omegat` package) against the real server.
//!
//! - The plugin is built against `/usr/share/omegat/OmegaT.jar` with `plugins/omegat/build.sh`,
//!   loaded through OmegaT's own plugin loader (`plugins/omegat/smoke.sh`) and asked for a
//!   segment that a running tetraglot has.
//! - OmegaT itself, in console mode, translates an English document of a project whose
//!   `tm/auto/` holds a feed fetched from `/v1/feeds/`, and the Armenian output holds
//!   tetraglot's translations.
//!
//! Both skip, saying why, where OmegaT or a JDK is missing (`.ci/run` installs them).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::common::{seed_dir, spawn_in};

pub const OMEGAT_JAR: &str = "/usr/share/omegat/OmegaT.jar";

fn plugin_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("plugins/omegat")
}

/// Why the OmegaT tests cannot run here, if they cannot.
pub fn missing_tools() -> Option<String> {
    if !Path::new(OMEGAT_JAR).exists() {
        return Some(format!(
            "{OMEGAT_JAR} is missing (apt-get install omegat; .ci/run does)"
        ));
    }
    for tool in ["java", "javac", "jar"] {
        let runs = Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !runs {
            return Some(format!(
                "`{tool}` is missing (apt-get install default-jdk-headless; .ci/run does)"
            ));
        }
    }
    None
}

pub fn skip(test: &str) -> bool {
    match missing_tools() {
        Some(why) => {
            crate::common::missing(test, &why);
            true
        }
        None => false,
    }
}

/// Builds the plugin with `plugins/omegat/build.sh` against the real jar, into `build`
/// (not `plugins/omegat/build/`, which a developer's build or another test run may be
/// rewriting).
fn build_plugin(build: &Path) {
    let started = Instant::now();
    let out = Command::new(plugin_dir().join("build.sh"))
        .env("OMEGAT_JAR", OMEGAT_JAR)
        .env("TETRAGLOT_PLUGIN_BUILD_DIR", build)
        // The offline self-test is the plugin's own; here OmegaT and the server test it.
        .env("SKIP_TESTS", "1")
        .output()
        .expect("build.sh runs");
    assert!(
        out.status.success(),
        "build.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let jar = build.join("tetraglot-omegat.jar");
    assert!(jar.exists(), "{} was not built", jar.display());
    eprintln!("plugin built in {:.1} s", started.elapsed().as_secs_f64());
}

/// Runs `smoke.sh`: OmegaT loads the plugin from a plugins folder and asks it for `text`.
/// Returns whether the pane showed `expected`, and what OmegaT printed.
fn smoke(build: &Path, url: &str, key: Option<&str>, text: &str, expected: &str) -> (bool, String) {
    let mut command = Command::new(plugin_dir().join("smoke.sh"));
    command
        .args([url, "en", "hy", text, expected])
        .env("OMEGAT_JAR", OMEGAT_JAR)
        .env("TETRAGLOT_PLUGIN_BUILD_DIR", build)
        .env_remove("TETRAGLOT_APIKEY");
    if let Some(key) = key {
        command.env("TETRAGLOT_APIKEY", key);
    }
    let out = command.output().expect("smoke.sh runs");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), printed)
}

#[test]
fn the_plugin_built_against_omegat_gets_matches_from_a_running_tetraglot() {
    if skip("the_plugin_built_against_omegat_gets_matches_from_a_running_tetraglot") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |config| {
        config.seed = tetraglot::config::Seed::Dir(seed_dir());
        config.master_key = Some("omegat-test-key".into());
    });
    let build = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    build_plugin(build.path());
    server.wait_for_units(crate::common::seed_unit_count() as u64);
    let started = Instant::now();

    // An exact match: its score and origin in the pane's engine line, and Ctrl+M inserting
    // the translation alone (once, the whole decorated line went into the target).
    let sentence =
        "The first train will leave Yerevan at 07:45 and is expected to arrive in Baku at 21:30 the same day.";
    let (ok, printed) = smoke(
        build.path(),
        &server.url,
        Some("omegat-test-key"),
        sentence,
        "<tetraglot [100%] railway-2026, tetraglot-news>",
    );
    assert!(ok, "{printed}");
    assert!(
        printed.contains("\nCtrl+M inserts: Առաջին գնացքը Երևանից կմեկնի ժամը 07:45-ին"),
        "{printed}"
    );
    // The decorated form is an opt-in setting.
    assert!(
        printed.contains("[100%] Առաջին գնացքը Երևանից կմեկնի ժամը 07:45-ին")
            && printed.contains("(railway-2026, tetraglot-news)"),
        "{printed}"
    );

    // Only the time differs: a placeholder match whose target carries the new time.
    let (ok, printed) = smoke(
        build.path(),
        &server.url,
        Some("omegat-test-key"),
        "The first train will leave Yerevan at 09:15 and is expected to arrive in Baku at 21:30 the same day.",
        "ժամը 09:15-ին",
    );
    assert!(ok, "{printed}");

    // Nothing like it in the memory: nothing shown.
    let (ok, printed) = smoke(
        build.path(),
        &server.url,
        Some("omegat-test-key"),
        "Completely unrelated words about gardening tools.",
        "@none",
    );
    assert!(ok, "{printed}");

    // No key: the pane says so instead of failing silently.
    let (ok, printed) = smoke(
        build.path(),
        &server.url,
        None,
        sentence,
        "tetraglot: 401 unauthorized",
    );
    assert!(ok, "{printed}");
    eprintln!(
        "four lookups through OmegaT's plugin loader in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// Copies the fixture project (OmegaT writes into it).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// English sentences of the seed memories (railway-2026).
const SENTENCES: [&str; 5] = [
    "Passenger trains between Yerevan and Baku will resume on 14 March 2026 after a break of more than 30 years.",
    "The route runs through Ijevan and Gazakh, and trains cross the border at a newly rebuilt station.",
    "Trains will run three times a week at first, on Mondays, Wednesdays and Fridays.",
    "Each train has eight carriages and can carry up to 420 passengers.",
    "Tickets go on sale on 3 March at stations and online.",
];

/// The Armenian of the first, as `memories/2026-railway.tmx` has it.
const FIRST_HY: &str = "Երևանի և Բաքվի միջև ուղևորային գնացքները կվերսկսվեն 2026 թվականի մարտի 14-ին՝ ավելի քան 30 տարվա ընդմիջումից հետո։";

/// Not in the memory: OmegaT must leave it in English.
const UNKNOWN: &str = "The station café opens at six.";

#[test]
fn omegat_console_translate_applies_a_feed_exported_by_tetraglot() {
    if skip("omegat_console_translate_applies_a_feed_exported_by_tetraglot") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(&dir.path().join("data"), |config| {
        config.seed = tetraglot::config::Seed::Dir(seed_dir());
    });
    server.wait_for_units(crate::common::seed_unit_count() as u64);

    // The Armenian of each sentence, as the server has it.
    let armenian: Vec<String> = SENTENCES
        .iter()
        .map(|en| {
            let found = server.post_json(
                "/v1/match",
                &serde_json::json!({"text": en, "source": "en", "targets": ["hy"], "limit": 1}),
            );
            assert_eq!(found.status, 200, "{}", found.text());
            let best = &found.json()["matches"][0];
            assert_eq!(best["score"], 100, "{en} is a seed sentence: {best}");
            best["targets"]["hy"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(armenian[0], FIRST_HY);

    // The project: the fixture, with a two-paragraph document of seed sentences and one
    // unknown sentence, and tetraglot's feed in tm/auto/.
    let project = dir.path().join("project");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/omegat/project"),
        &project,
    );
    std::fs::remove_file(project.join("source/article.txt")).unwrap();
    let en = |i: usize| SENTENCES[i];
    let source = format!(
        "{} {} {}\n\n{} {} {}\n",
        en(0),
        en(1),
        en(2),
        en(3),
        UNKNOWN,
        en(4)
    );
    std::fs::write(project.join("source/news.txt"), &source).unwrap();
    let expected = format!(
        "{} {} {}\n\n{} {} {}\n",
        armenian[0], armenian[1], armenian[2], armenian[3], UNKNOWN, armenian[4]
    );

    let feed = server.get("/v1/feeds/en-US-hy-AM.tmx");
    assert_eq!(feed.status, 200, "{}", feed.text());
    assert!(feed.header("etag").is_some());
    let tmx = feed.text();
    assert!(tmx.contains(r#"srclang="en-US""#), "{}", &tmx[..400]);
    assert!(!tmx.contains(r#"xml:lang="az""#) && !tmx.contains(r#"xml:lang="ru""#));
    std::fs::write(project.join("tm/auto/tetraglot-en-hy.tmx"), feed.body).unwrap();
    drop(server);

    let started = Instant::now();
    let (translated, log) = console_translate(&project, "news.txt");
    let took = started.elapsed();
    assert_eq!(
        translated,
        expected,
        "OmegaT's Armenian output differs; its log ends with:\n{}",
        tail(&log)
    );
    eprintln!(
        "OmegaT console-translate of {} segments in {:.1} s",
        SENTENCES.len() + 1,
        took.as_secs_f64()
    );
}

/// Runs OmegaT's console-translate on `project` (its own config directory beside it) and
/// returns the target file `file` and OmegaT's log.
pub fn console_translate(project: &Path, file: &str) -> (String, String) {
    let config_dir = project.with_extension("omegat-config");
    let out = Command::new("java")
        .args(["-Djava.awt.headless=true", "-jar", OMEGAT_JAR])
        .arg(project)
        .arg("--mode=console-translate")
        .arg(format!("--config-dir={}", config_dir.display()))
        .stdin(Stdio::null())
        .output()
        .expect("java runs OmegaT");
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "OmegaT failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        log
    );
    // OmegaT exits 0 even when it could not read a TMX: the output is the proof.
    let translated = std::fs::read_to_string(project.join("target").join(file))
        .unwrap_or_else(|e| panic!("no target/{file} ({e}); OmegaT said:\n{log}"));
    (translated, log)
}

/// The last lines of a log.
pub fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
