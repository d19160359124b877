//! Exports handed to tools nobody here wrote: OmegaT 3.6 with an export in `tm/auto/`, and
//! translate-toolkit's TMX reader. Each test failed before its fix.

use std::path::Path;
use std::process::Command;

use serde_json::json;

use crate::common::{seed_dir, spawn_in, TestServer};
use crate::omegat::{console_translate, copy_dir, skip, tail};

const FIRST_EN: &str = "Passenger trains between Yerevan and Baku will resume on 14 March 2026 after a break of more than 30 years.";
const FIRST_HY: &str = "Երևանի և Բաքվի միջև ուղևորային գնացքները կվերսկսվեն 2026 թվականի մարտի 14-ին՝ ավելի քան 30 տարվա ընդմիջումից հետո։";
const FIRST_RU: &str = "Пассажирские поезда между Ереваном и Баку возобновят движение 14 марта 2026 года после более чем 30-летнего перерыва.";

/// No Armenian: an en→hy project must not take its Russian or Azerbaijani for Armenian.
const NO_HY: &str = "The market closes at noon.";
/// No Russian: an en→ru project must not take its Armenian for Russian.
const NO_RU: &str = "The new bridge opens in May.";

/// The seed memories (four-way) and two units that lack a language.
fn memory(dir: &Path) -> TestServer {
    let server = spawn_in(dir, |c| c.seed = tetraglot::config::Seed::Dir(seed_dir()));
    server.wait_for_units(crate::common::seed_unit_count() as u64);
    let added = server.post_json(
        "/v1/units",
        &json!({"units": [
            {"id": "market", "variants": {
                "en": NO_HY, "az": "Bazar günorta bağlanır.", "ru": "Рынок закрывается в полдень."}},
            {"id": "bridge", "variants": {"en": NO_RU, "hy": "Նոր կամուրջը կբացվի մայիսին։"}},
            {"id": "colour", "variants": {"en-GB": "The colour of the new trains is red.", "ru": "Цвет новых поездов красный."}},
        ]}),
    );
    assert_eq!(added.status, 201, "{}", added.text());
    server
}

/// The fixture project (EN-US → HY-AM), or turned into EN-US → `target`.
fn project(at: &Path, target: Option<(&str, &str)>, source: &str, tm: &[u8]) -> std::path::PathBuf {
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/omegat/project"),
        at,
    );
    std::fs::remove_file(at.join("source/article.txt")).unwrap();
    std::fs::write(at.join("source/news.txt"), source).unwrap();
    if let Some((lang, tokenizer)) = target {
        let settings = std::fs::read_to_string(at.join("omegat.project")).unwrap();
        let settings = settings
            .replace(
                "<target_lang>HY-AM</target_lang>",
                &format!("<target_lang>{lang}</target_lang>"),
            )
            .replace("LuceneArmenianTokenizer", tokenizer);
        std::fs::write(at.join("omegat.project"), settings).unwrap();
    }
    std::fs::write(at.join("tm/auto/tetraglot.tmx"), tm).unwrap();
    at.to_path_buf()
}

#[test]
fn the_multilingual_export_in_omegats_tm_auto_translates_nothing_wrongly() {
    if skip("the_multilingual_export_in_omegats_tm_auto_translates_nothing_wrongly") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = memory(&dir.path().join("data"));

    // The full export: once it held the unit without Armenian, and OmegaT wrote its
    // Russian into the Armenian target.
    let full = server.get("/v1/export");
    assert_eq!(full.status, 200);
    let tmx = full.text();
    assert!(
        !tmx.contains(NO_HY) && !tmx.contains(NO_RU),
        "units lacking a language"
    );
    assert!(
        tmx.contains("3 units left out: each lacks one of"),
        "{}",
        &tmx[tmx.len() - 300..]
    );
    let en_hy = project(
        &dir.path().join("en-hy"),
        None,
        &format!("{FIRST_EN} {NO_HY}\n"),
        &full.body,
    );
    let (translated, log) = console_translate(&en_hy, "news.txt");
    assert_eq!(
        translated,
        format!("{FIRST_HY} {NO_HY}\n"),
        "{}",
        tail(&log)
    );

    // Three languages asked for: a unit needs all three (once two were enough, and OmegaT
    // wrote the Armenian of the unit without Russian into the Russian target).
    let three = server.get("/v1/export?langs=en,hy,ru");
    assert!(!three.text().contains(NO_RU));
    let en_ru = project(
        &dir.path().join("en-ru"),
        Some(("RU-RU", "LuceneRussianTokenizer")),
        &format!("{FIRST_EN} {NO_RU}\n"),
        &three.body,
    );
    let (translated, log) = console_translate(&en_ru, "news.txt");
    assert_eq!(
        translated,
        format!("{FIRST_RU} {NO_RU}\n"),
        "{}",
        tail(&log)
    );

    // A backup keeps everything, and says what it is for.
    let backup = server.get("/v1/export?partial=true").text();
    assert!(backup.contains(NO_HY) && backup.contains(NO_RU));
    assert!(!backup.contains("left out"));
}

/// Why translate-toolkit cannot be used here, if it cannot.
fn toolkit_missing() -> Option<String> {
    let ok = Command::new("python3")
        .args(["-c", "import translate.storage.tmx"])
        .status()
        .is_ok_and(|s| s.success());
    (!ok).then(|| {
        "translate-toolkit is missing (pip install translate-toolkit; .ci/run does)".into()
    })
}

/// What translate-toolkit's TMX reader makes of `tmx`: `tuid|source|target` per unit.
fn toolkit_reads(tmx: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.tmx");
    std::fs::write(&path, tmx).unwrap();
    let script = "import sys\nfrom translate.storage import tmx\nstore = tmx.tmxfile.parsefile(sys.argv[1])\nfor u in store.units:\n    print(f'{u.getid()}|{u.source}|{u.target}')\n";
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
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn translate_toolkit_finds_the_source_of_every_export() {
    if let Some(why) = toolkit_missing() {
        crate::common::missing("translate_toolkit_finds_the_source_of_every_export", &why);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = memory(dir.path());

    // en asked for, en-GB stored: once `srclang="en"` only, and the toolkit found no source.
    let pair = server.get("/v1/export?langs=en,ru");
    let text = pair.text();
    assert!(text.contains(r#"srclang="en""#));
    assert!(
        text.contains(r#"<tu tuid="colour" srclang="en-GB""#),
        "{text}"
    );
    let read = toolkit_reads(&pair.body);
    assert!(
        read.contains(
            &"colour|The colour of the new trains is red.|Цвет новых поездов красный.".to_string()
        ),
        "{read:?}"
    );
    assert!(
        read.contains(&format!("railway-2026.1|{FIRST_EN}|{FIRST_RU}")),
        "{read:?}"
    );

    // Russian first: the source is Russian.
    let read = toolkit_reads(&server.get("/v1/export?langs=ru,en").body);
    assert!(
        read.contains(&format!("railway-2026.1|{FIRST_RU}|{FIRST_EN}")),
        "{read:?}"
    );

    // The full export: once `srclang="*all*"`, read as az→en. Now the language the most
    // units hold (English among equals) is the source.
    let full = server.get("/v1/export");
    assert!(full.text().contains(r#"srclang="en""#));
    let read = toolkit_reads(&full.body);
    assert_eq!(read.len(), crate::common::seed_unit_count());
    let first = read
        .iter()
        .find(|l| l.starts_with("railway-2026.1|"))
        .unwrap();
    assert!(
        first.starts_with(&format!("railway-2026.1|{FIRST_EN}|")),
        "{first}"
    );
}
