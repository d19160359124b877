//! `POST /v1/segment` on the real server: sentences in hy, ru, en and az whose pieces and the
//! whitespace between them rebuild the input, the error cases, and — when the founders'
//! `../shared/data` is present — every NTREX line in four languages, with Armenian lines
//! splitting into as many sentences as their English originals. `SEGMENT_SHOW=hy` (or az,
//! ru) with `--nocapture` prints the lines whose count differs from the English one.

use crate::common::{shared_data, spawn_in, TestServer};
use serde_json::{json, Value};

/// Segments `text`, checks that the answer rebuilds it exactly, and returns the pieces.
fn segments(server: &TestServer, lang: &str, text: &str) -> Vec<String> {
    let response = server.post_json("/v1/segment", &json!({"lang": lang, "text": text}));
    assert_eq!(response.status, 200, "{}", response.text());
    let body = response.json();
    let list = body["segments"].as_array().expect("a segments array");
    assert_rebuilds(text, list);
    list.iter()
        .map(|s| s["text"].as_str().unwrap().to_string())
        .collect()
}

/// The pieces at their char offsets, with only whitespace between them, give back `text`.
fn assert_rebuilds(text: &str, list: &[Value]) {
    let chars: Vec<char> = text.chars().collect();
    let mut rebuilt = String::new();
    let mut at = 0;
    for s in list {
        let (start, end) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        assert!(
            at <= start && start < end && end <= chars.len(),
            "{s} in {text:?}"
        );
        let gap: String = chars[at..start].iter().collect();
        assert!(
            gap.trim().is_empty(),
            "non-space {gap:?} between segments of {text:?}"
        );
        let piece: String = chars[start..end].iter().collect();
        assert_eq!(s["text"], piece.as_str(), "offsets of {s} in {text:?}");
        rebuilt.push_str(&gap);
        rebuilt.push_str(&piece);
        at = end;
    }
    let tail: String = chars[at..].iter().collect();
    assert!(
        tail.trim().is_empty(),
        "non-space tail {tail:?} of {text:?}"
    );
    rebuilt.push_str(&tail);
    assert_eq!(rebuilt, text);
}

#[test]
fn splits_real_sentences_in_four_languages_and_rebuilds_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});

    let hy = "Կառավարությունը երեքշաբթի հաստատեց բյուջեն։ Քվեարկությունը սկսվեց ժամը 14:30-ին \
              և տևեց երկու ժամ: Ինչո՞ւ այդքան երկար… Պատգամավորները վիճում էին «Բրեքսիթ. \
              Անգլիան կզղջա» զեկույցի շուրջ:  Վարչապետն ասաց: «Մենք պատրաստ ենք»:\n";
    assert_eq!(
        segments(&server, "hy-AM", hy),
        [
            "Կառավարությունը երեքշաբթի հաստատեց բյուջեն։",
            "Քվեարկությունը սկսվեց ժամը 14:30-ին և տևեց երկու ժամ:",
            "Ինչո՞ւ այդքան երկար…",
            "Պատգամավորները վիճում էին «Բրեքսիթ. Անգլիան կզղջա» զեկույցի շուրջ:",
            "Վարչապետն ասաց: «Մենք պատրաստ ենք»:",
        ]
    );

    let ru = "Указ подписал В. В. Путин в 2019 г. в Москве, т. е. до выборов. Бюджет — 3,5 млрд. \
              руб. и т. д. Это много? «Кто там?» — спросил он. Он сказал: «Да.» Потом ушёл.";
    assert_eq!(
        segments(&server, "ru", ru),
        [
            "Указ подписал В. В. Путин в 2019 г. в Москве, т. е. до выборов.",
            "Бюджет — 3,5 млрд. руб. и т. д.",
            "Это много?",
            "«Кто там?» — спросил он.",
            "Он сказал: «Да.»",
            "Потом ушёл.",
        ]
    );

    let en = "Mr. Hart met Dr. Ford on Feb. 26 at 3 p.m. Thursday. The U.S. Navy said prices \
              rose 3.5 percent, e.g. in St. Louis. He moved to the U.S. The move paid off... \
              Really?! \"Yes.\" Visit www.example.com today.";
    assert_eq!(
        segments(&server, "en", en),
        [
            "Mr. Hart met Dr. Ford on Feb. 26 at 3 p.m. Thursday.",
            "The U.S. Navy said prices rose 3.5 percent, e.g. in St. Louis.",
            "He moved to the U.S.",
            "The move paid off...",
            "Really?!",
            "\"Yes.\"",
            "Visit www.example.com today.",
        ]
    );

    let az = "Bakıda yollar, körpülər və s. tikilir. AzərTAc xəbər verir ki, layihəyə 3,5 mln. \
              manat ayrılıb. H. Əliyev çıxış etdi: “Bu, çox vacibdir!” İĞDIR İSTANBUL yolu isə \
              bağlı qalır.";
    assert_eq!(
        segments(&server, "az", az),
        [
            "Bakıda yollar, körpülər və s. tikilir.",
            "AzərTAc xəbər verir ki, layihəyə 3,5 mln. manat ayrılıb.",
            "H. Əliyev çıxış etdi: “Bu, çox vacibdir!”",
            "İĞDIR İSTANBUL yolu isə bağlı qalır.",
        ]
    );

    // A long text goes through the blocking pool and still rebuilds.
    let long = "Կամուրջը կբացվի երկուշաբթի: ".repeat(300);
    assert_eq!(segments(&server, "hy", &long).len(), 300);
}

#[test]
fn bad_requests_say_what_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    server
        .post_json("/v1/segment", &json!({"lang": "hy", "text": "  \n "}))
        .assert_error(422, "empty_text");
    server
        .post_json(
            "/v1/segment",
            &json!({"lang": "hy", "text": "ա".repeat(10_001)}),
        )
        .assert_error(422, "text_too_long");
    server
        .post_json(
            "/v1/segment",
            &json!({"lang": "english!", "text": "Hello."}),
        )
        .assert_error(400, "invalid_language");
    server
        .post_json("/v1/segment", &json!({"lang": "xx", "text": "Hello."}))
        .assert_error(422, "unknown_language");
    server
        .post_json(
            "/v1/segment",
            &json!({"lang": "en", "text": "Hi.", "mode": "x"}),
        )
        .assert_error(400, "invalid_request");
    server
        .post_json("/v1/segment", &json!({"text": "Hi."}))
        .assert_error(400, "invalid_request");
}

#[test]
fn ntrex_lines_rebuild_and_armenian_agrees_with_english() {
    let Some(path) = shared_data("ntrex-dev.tsv") else {
        return;
    };
    let tsv = std::fs::read_to_string(path).unwrap();
    let mut lines = tsv.lines();
    assert_eq!(lines.next(), Some("doc_id\ten\thy\taz\tru"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert!(rows.len() > 1000, "{} rows", rows.len());

    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let langs = ["en", "hy", "az", "ru"];
    let mut totals = [0usize; 4];
    let mut counts = Vec::new();
    for row in &rows {
        assert_eq!(row.len(), 5, "{row:?}");
        let mut per_lang = [0usize; 4];
        for (i, lang) in langs.iter().enumerate() {
            per_lang[i] = segments(&server, lang, row[i + 1]).len();
            totals[i] += per_lang[i];
        }
        counts.push(per_lang);
    }

    let agree = |other: usize| {
        let same = counts.iter().filter(|c| c[0] == c[other]).count();
        100.0 * same as f64 / counts.len() as f64
    };
    let (hy, az, ru) = (agree(1), agree(2), agree(3));
    eprintln!(
        "ntrex: {} lines; sentences en {} hy {} az {} ru {}; same count as en: hy {hy:.1}% az {az:.1}% ru {ru:.1}%",
        rows.len(),
        totals[0],
        totals[1],
        totals[2],
        totals[3]
    );
    for (row, c) in rows.iter().zip(&counts) {
        for i in 1..4 {
            if c[0] != c[i] && std::env::var_os("SEGMENT_SHOW").is_some_and(|v| v == langs[i]) {
                eprintln!(
                    "  en {} {} {}: {} | {}",
                    c[0],
                    langs[i],
                    c[i],
                    row[1],
                    row[i + 1]
                );
            }
        }
    }
    // Measured: hy 98.0%, az 98.6%, ru 96.5%; the rest are translators' own splits (the
    // Russian side splits long English sentences most often).
    assert!(
        hy >= 97.0,
        "hy/en sentence counts agree on only {hy:.1}% of lines"
    );
    assert!(
        az >= 97.0,
        "az/en sentence counts agree on only {az:.1}% of lines"
    );
    assert!(
        ru >= 95.0,
        "ru/en sentence counts agree on only {ru:.1}% of lines"
    );
}
