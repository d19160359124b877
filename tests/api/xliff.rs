//! Pre-translation over HTTP: an article written in English with a link and emphasis,
//! against a memory that holds some of its sentences, out as XLIFF 2.1 and 1.2; the files
//! read by real consumers (translate-toolkit's XLIFF reader and OmegaT 3.6 in console
//! mode), and a translated file imported back into the article's units.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::json;

use crate::common::{spawn_in, TestServer};

const ARTICLE: &str = "bridge-2026";

fn server_with_article() -> (tempfile::TempDir, TestServer) {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(&dir.path().join("data"), |_| {});
    let units = json!({"units": [
        {"id": "u1", "variants": {
            "en": "The bridge over the Araks river opens on Monday.",
            "hy": "Արաքս գետի վրայի կամուրջը կբացվի երկուշաբթի։"},
         "meta": {"document": "older"}},
        {"id": "u2", "variants": {
            "en": "The ministry published the timetable on its website.",
            "hy": "Նախարարությունը չվացուցակը հրապարակել է իր կայքում։"},
         "meta": {"document": "older"}}
    ]});
    assert_eq!(server.post_json("/v1/units", &units).status, 201);
    let article = json!({"id": ARTICLE, "source": "en", "section": "society",
        "versions": {"en": {"title": "A new bridge",
            "html": "<p>The bridge over the Araks river opens on <em>Monday</em>.</p><p>The ministry published the <a href=\"/timetable?l=en&amp;y=2026\">timetable</a> on its website today. Nobody has seen it yet.</p>"}}});
    assert_eq!(server.post_json("/v1/articles", &article).status, 201);
    (dir, server)
}

fn pretranslate(server: &TestServer, version: &str) -> String {
    let response = server.post_json(
        &format!("/v1/pretranslate?version={version}"),
        &json!({"article": ARTICLE, "target": "hy"}),
    );
    assert_eq!(response.status, 200, "{}", response.text());
    assert!(response
        .header("content-type")
        .unwrap()
        .starts_with("application/xliff+xml"));
    assert!(response
        .header("content-disposition")
        .unwrap()
        .contains("bridge-2026.hy.xlf"));
    response.text()
}

/// Python with translate-toolkit, or why not.
fn toolkit() -> Option<String> {
    let ok = Command::new("python3")
        .args(["-c", "import translate.storage.xliff"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    (!ok).then(|| {
        "translate-toolkit is missing (pip install translate-toolkit; .ci/run does)".into()
    })
}

#[test]
fn an_article_pretranslated_as_xliff_2_1() {
    let (_dir, server) = server_with_article();
    let file = pretranslate(&server, "2.1");
    assert!(file.contains(r#"<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" xmlns:mtc="urn:oasis:names:tc:xliff:matches:2.0" version="2.1" srcLang="en" trgLang="hy">"#));
    assert!(file.contains(r#"<file id="f1" original="bridge-2026">"#));
    // One unit per sentence, grouped by paragraph; the exact match is the target,
    // translated; the fuzzy one is a target to check; the new sentence has none.
    assert_eq!(file.matches("<unit ").count(), 4);
    assert!(file.contains(r#"<group id="gtitle">"#) && file.contains(r#"<group id="g1">"#));
    assert!(
        file.contains("on <pc id=\"1\" type=\"fmt\" subType=\"xlf:i\" dataRefStart=\"d1\" dataRefEnd=\"d2\">Monday</pc>."),
        "{file}"
    );
    assert!(file.contains("<data id=\"d1\">&lt;em&gt;</data>"));
    assert!(file.contains("<target>Արաքս գետի վրայի կամուրջը կբացվի երկուշաբթի։</target>"));
    let second = &file[file.find("timetable").unwrap() - 600..];
    assert!(second.contains(r#"state="initial""#), "{second}");
    assert!(file.contains("matchQuality=\"100\"") && file.contains(r#"origin="u1""#));
    let last = &file[file.rfind("<unit ").unwrap()..];
    assert!(!last.contains("<target>") && last.contains("Nobody has seen it yet."));
    // Well-formed XML, as a consumer parses it.
    let parsed = Command::new("python3")
        .args(["-c", "import sys, xml.dom.minidom; d = xml.dom.minidom.parseString(sys.stdin.buffer.read()); print(len(d.getElementsByTagName('unit')))"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(file.as_bytes())?;
            child.wait_with_output()
        })
        .expect("python3 runs");
    assert!(
        parsed.status.success(),
        "{}",
        String::from_utf8_lossy(&parsed.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&parsed.stdout).trim(), "4");
}

#[test]
fn xliff_1_2_is_read_by_translate_toolkit_and_comes_back_translated() {
    let (dir, server) = server_with_article();
    let file = pretranslate(&server, "1.2");
    assert!(file.contains(r#"<alt-trans match-quality="100" origin="u1">"#));
    assert!(file.contains(r#"<bpt id="1" ctype="link">&lt;a href=&quot;/timetable?l=en&amp;amp;y=2026&quot;&gt;</bpt>timetable<ept id="1">&lt;/a&gt;</ept>"#), "{file}");
    if let Some(why) = toolkit() {
        crate::common::missing("xliff_1_2_is_read_by_translate_toolkit", &why);
        return;
    }
    // translate-toolkit reads it, fills in the two untranslated segments, approves one and
    // leaves the other unapproved (setting a target approves by default),
    // and writes it back: the translator's round trip.
    let path = dir.path().join("bridge.hy.xlf");
    std::fs::write(&path, &file).unwrap();
    let script = r#"
import sys
from translate.storage import xliff
store = xliff.xlifffile.parsefile(sys.argv[1])
units = [u for u in store.units if not u.isheader()]
print(len(units))
for u in units:
    print(u.getid(), "|", u.source, "|", u.target or "")
units[2].target = "Նախարարությունն այսօր իր կայքում հրապարակեց չվացուցակը։"
units[2].markapproved(True)
units[3].target = "Այն դեռ ոչ ոք չի տեսել։"
units[3].markapproved(False)
store.savefile(sys.argv[1])
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines[0], "4", "{printed}");
    assert!(
        lines[2].contains("| Արաքս գետի վրայի կամուրջը կբացվի երկուշաբթի։"),
        "{printed}"
    );
    assert!(lines[3].contains("on its website today."), "{printed}");

    // Back into the memory: the translations join the article's units.
    let translated = std::fs::read(&path).unwrap();
    let imported = server.send("POST", "/v1/import", "application/xliff+xml", &translated);
    assert_eq!(imported.status, 200, "{}", imported.text());
    let report = imported.json();
    // The title has no translation (it is reported, not an error); the three others join
    // the article's own units.
    assert_eq!(report["read"], 3, "{report}");
    assert_eq!(report["merged"], 3, "{report}");
    assert_eq!(report["skipped_total"], 1, "{report}");
    let article = server.get(&format!("/v1/articles/{ARTICLE}")).json();
    let units: Vec<&str> = article["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    let third = server.get(&format!("/v1/units/{}", units[2])).json();
    assert_eq!(
        third["variants"]["hy"],
        "Նախարարությունն այսօր իր կայքում հրապարակեց չվացուցակը։"
    );
    let state = |unit: &serde_json::Value| {
        unit["meta"]["props"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["type"] == "x-alignment")
            .map(|p| p["value"].as_str().unwrap().to_string())
    };
    assert_eq!(state(&third).as_deref(), Some("confirmed"));
    // The source's link came back through translate-toolkit as the unit's inline codes.
    assert!(
        third["markup"]["en"]
            .as_str()
            .is_some_and(|m| m.contains("<bpt i=\"1\" type=\"link\">&lt;a href=")),
        "{third}"
    );
    let fourth = server.get(&format!("/v1/units/{}", units[3])).json();
    assert_eq!(fourth["variants"]["hy"], "Այն դեռ ոչ ոք չի տեսել։");
    assert_eq!(state(&fourth).as_deref(), Some("review"));

    // A broken file names its line and imports nothing.
    let broken = "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\">\n<file source-language=\"en\" target-language=\"hy\"><body>\n<trans-unit id=\"1\"><source>a</sourc></trans-unit></body></file></xliff>";
    let refused = server.send(
        "POST",
        "/v1/import",
        "application/xliff+xml",
        broken.as_bytes(),
    );
    refused.assert_error(400, "malformed_xliff");
    assert_eq!(refused.json()["error"]["line"], 4);
}

#[test]
fn omegat_translates_a_pretranslated_xliff_1_2() {
    if let Some(why) = crate::omegat::missing_tools() {
        crate::common::missing("omegat_translates_a_pretranslated_xliff_1_2", &why);
        return;
    }
    let (dir, server) = server_with_article();
    let file = pretranslate(&server, "1.2");
    let project = dir.path().join("project");
    crate::omegat::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/omegat/project"),
        &project,
    );
    std::fs::remove_file(project.join("source/article.txt")).unwrap();
    std::fs::write(project.join("source/bridge.xlf"), &file).unwrap();
    // The memory's en-hy feed gives OmegaT its 100% matches.
    let feed = server.get("/v1/feeds/en-US-hy-AM.tmx");
    assert_eq!(feed.status, 200);
    std::fs::write(project.join("tm/auto/tetraglot.tmx"), feed.body).unwrap();
    drop(server);
    let out = Command::new("java")
        .args([
            "-Djava.awt.headless=true",
            "-jar",
            crate::omegat::OMEGAT_JAR,
        ])
        .arg(&project)
        .arg("--mode=console-translate")
        .arg(format!(
            "--config-dir={}",
            dir.path().join("omegat-config").display()
        ))
        .stdin(Stdio::null())
        .output()
        .expect("java runs OmegaT");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "OmegaT failed:\n{log}");
    let written = std::fs::read_to_string(project.join("target/bridge.xlf"))
        .unwrap_or_else(|e| panic!("OmegaT wrote no target/bridge.xlf ({e}):\n{log}"));
    // OmegaT read every trans-unit of the file and kept its structure and codes.
    assert_eq!(written.matches("<trans-unit ").count(), 4, "{written}");
    assert!(
        written.contains("<bpt id=\"1\" ctype=\"link\">"),
        "{written}"
    );
    assert!(
        written.contains("Արաքս գետի վրայի կամուրջը կբացվի"),
        "OmegaT's target lacks the memory's translation:\n{written}"
    );
}
