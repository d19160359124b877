//! What a translator sees in each language: spelling variants that change nothing, inflected
//! queries that find their sentence, new numbers carried into every translation, the word
//! diff, context (101%) matches and concordance — over HTTP, on sentences in hy, az, ru, en.

use crate::common::{spawn_in, TestServer};
use serde_json::{json, Value};

fn server_with(units: Value) -> (tempfile::TempDir, TestServer) {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let response = server.post_json("/v1/units", &json!({ "units": units }));
    assert_eq!(response.status, 201, "{}", response.text());
    (dir, server)
}

fn best(server: &TestServer, text: &str, source: &str, extra: Value) -> Value {
    let mut body = json!({"text": text, "source": source, "min_score": 0, "limit": 5});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let response = server.post_json("/v1/match", &body);
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

/// The answer to `query` from a memory of `count` units `crowd-N` in `lang` whose text is
/// `crowd` with `{n}` as N, then the unit `id` with `text`; each with a target.
fn lookup_among_crowd(
    lang: &str,
    query: &str,
    (crowd, count): (&str, usize),
    (id, text): (&str, &str),
) -> Value {
    let mut units: Vec<Value> = (0..count)
        .map(|n| json!({"id": format!("crowd-{n}"), "variants": {lang: crowd.replace("{n}", &n.to_string()), "xh": "other"}}))
        .collect();
    units.push(json!({"id": id, "variants": {lang: text, "xh": "target"}}));
    let (_dir, server) = server_with(json!(units));
    best(&server, query, lang, json!({}))
}

/// For each `(lang, query, text, crowd)` and each crowd size, that the unit with `text` comes
/// first for `query` among that many units of `crowd` (see [`lookup_among_crowd`]).
fn assert_found_among_crowds(cases: &[(&str, &str, &str, &str)], sizes: [usize; 2]) {
    for size in sizes {
        for &(lang, query, text, crowd) in cases {
            let body = lookup_among_crowd(lang, query, (crowd, size), ("right", text));
            assert_eq!(
                body["matches"][0]["unit_id"], "right",
                "{lang}, {size} others: {body:#}"
            );
        }
    }
}

#[test]
fn spelling_variants_score_99_or_100() {
    let (_dir, server) = server_with(json!([
        {"id": "az", "variants": {"az": "İstanbul və Iğdır arasında yeni qatar xətti açıldı.", "en": "A new train line opened between Istanbul and Igdir."}},
        {"id": "hy", "variants": {"hy": "Երևանում ինչո՞ւ են փակել «Հյուսիսային» պողոտան։", "en": "Why was Northern Avenue closed in Yerevan?"}},
        {"id": "ru", "variants": {"ru": "Её ещё ждут в Баку — в пятницу.", "en": "She is still expected in Baku on Friday."}},
        {"id": "en", "variants": {"en": "The mayor's office said: \"We're ready.\"", "ru": "В мэрии сказали: «Мы готовы»."}}
    ]));
    let cases = [
        (
            "az",
            "İSTANBUL VƏ IĞDIR ARASINDA YENİ QATAR XƏTTİ AÇILDI.",
            "az",
        ),
        (
            "az",
            "istanbul və ığdır arasında yeni qatar xətti açıldı.",
            "az",
        ),
        (
            "hy",
            "Երեւանում ինչու են փակել \"Հյուսիսային\" պողոտան:",
            "hy",
        ),
        ("ru", "Ее еще ждут в Баку - в пятницу.", "ru"),
        ("en", "The mayor’s office said: “We’re ready.”", "en"),
    ];
    for (lang, query, id) in cases {
        let body = best(&server, query, lang, json!({}));
        let top = &body["matches"][0];
        assert_eq!(top["unit_id"], id, "{query}");
        let score = top["score"].as_u64().unwrap();
        assert!((99..=100).contains(&score), "{score} for {query}");
    }
    // Wrong Azerbaijani letters are a real difference, not a case variant.
    let wrong = best(
        &server,
        "istanbul ve igdir arasinda yeni qatar xetti acildi.",
        "az",
        json!({}),
    );
    assert!(
        wrong["matches"][0]["score"].as_u64().unwrap() < 95,
        "{wrong}"
    );
}

#[test]
fn a_changed_ending_outranks_a_different_word_in_every_language() {
    // For each language: the stored sentence, the query with endings changed, and a
    // distractor with different words in those places.
    let cases = [
        (
            "hy",
            "Կառավարության որոշումը ուժի մեջ կմտնի հունվարին։",
            "Կառավարության որոշմամբ ուժի մեջ կմտնեն հունվարից։",
            "Կառավարության հայտարարությունը ուժի մեջ կլինի փետրվարին։",
        ),
        (
            "az",
            "Nazirlər Kabinetinin qərarı yanvarda qüvvəyə minəcək.",
            "Nazirlər Kabinetinin qərarları yanvardan qüvvəyə minir.",
            "Nazirlər Kabinetinin bəyanatı fevralda qüvvəyə girəcək.",
        ),
        (
            "ru",
            "Решение правительства вступит в силу в январе.",
            "Решения правительства вступят в силу в январе.",
            "Постановление правительства войдёт в силу в феврале.",
        ),
        (
            "en",
            "The minister signed the new agreements yesterday.",
            "The ministers signed the new agreement yesterday.",
            "The mayor signed the new contracts yesterday.",
        ),
    ];
    for (lang, stored, query, distractor) in cases {
        let (_dir, server) = server_with(json!([
            {"id": "stored", "variants": {lang: stored, "xh": "target"}},
            {"id": "distractor", "variants": {lang: distractor, "xh": "target"}}
        ]));
        let body = best(&server, query, lang, json!({}));
        let matches = body["matches"].as_array().unwrap();
        assert_eq!(matches[0]["unit_id"], "stored", "{lang}: {body:#}");
        let (a, b) = (
            matches[0]["score"].as_u64().unwrap(),
            matches[1]["score"].as_u64().unwrap(),
        );
        assert!(a > b, "{lang}: {a} vs {b}");
        assert!(
            a >= 75,
            "{lang}: endings only should stay a good match, got {a}"
        );
    }
}

#[test]
fn of_two_sentences_with_the_same_score_the_one_closer_in_characters_comes_first() {
    // Each stored sentence holds one word more than the query, so both are as far in words;
    // the shorter insertion is the closer sentence in characters, and the character half of
    // the similarity (or, where the two are equal, the tie-break) puts it first. The farther
    // one is stored first, so the index returns it first when their relevance ties: once that
    // order decided.
    let cases = [
        (
            "hy",
            "Խորհուրդը երկուշաբթի հավաքվեց դահլիճում։",
            "Խորհուրդը երկուշաբթի հավաքվեց համալսարանական դահլիճում։",
            "Խորհուրդը երկուշաբթի հավաքվեց դպրոցական դահլիճում։",
        ),
        (
            "az",
            "Şura bazar ertəsi zalda toplandı.",
            "Şura bazar ertəsi universitetdəki zalda toplandı.",
            "Şura bazar ertəsi məktəbdəki zalda toplandı.",
        ),
        (
            "ru",
            "Совет собрался в зале в понедельник.",
            "Совет собрался в университетском зале в понедельник.",
            "Совет собрался в школьном зале в понедельник.",
        ),
        (
            "en",
            "The council met in the hall on Monday.",
            "The council met in the university hall on Monday.",
            "The council met in the school hall on Monday.",
        ),
    ];
    for (lang, query, farther, closer) in cases {
        let (_dir, server) = server_with(json!([
            {"id": "farther", "variants": {lang: farther, "xh": "target"}},
            {"id": "closer", "variants": {lang: closer, "xh": "target"}}
        ]));
        let body = best(&server, query, lang, json!({}));
        let matches = body["matches"].as_array().unwrap();
        assert_eq!(matches.len(), 2, "{lang}: {body:#}");
        assert_eq!(matches[0]["unit_id"], "closer", "{lang}: {body:#}");
        assert!(
            matches[0]["score"].as_u64() >= matches[1]["score"].as_u64(),
            "{lang}: {body:#}"
        );
    }
}

#[test]
fn a_word_spelled_a_little_differently_costs_little_wherever_the_change_is() {
    // A change near the start of a word (no shared stem) once cost at least half a word
    // whatever the two words had in common; the cost now follows how alike they are. Each
    // query changes one word of the stored sentence by one to four letters.
    let cases = [
        (
            "hy",
            "Վերամեկնարկել համակարգիչը թարմացումը տեղադրելուց անմիջապես հետո",
            "Վերագործարկել համակարգիչը թարմացումը տեղադրելուց անմիջապես հետո",
            91,
        ),
        (
            "az",
            "Məlumatları geri qaytarın və kompüteri yenidən başladın",
            "Məlumatları geri qaytarın və komputeri yenidən başladın",
            95,
        ),
        (
            "ru",
            "Перезагрузите компьютер после установки обновления сегодня",
            "Перезапустите компьютер после установки обновления сегодня",
            91,
        ),
        (
            "en",
            "The grey car stopped outside the station today",
            "The gray car stopped outside the station today",
            94,
        ),
    ];
    for (lang, stored, query, least) in cases {
        let (_dir, server) = server_with(json!([
            {"id": "stored", "variants": {lang: stored, "xh": "target"}}
        ]));
        let body = best(&server, query, lang, json!({}));
        let score = body["matches"][0]["score"].as_u64().unwrap();
        assert!(
            score >= least && score < 100,
            "{lang}: {score} < {least}: {body:#}"
        );
    }
}

#[test]
fn a_short_name_spelt_otherwise_is_found_by_its_near_words() {
    // Both names differ within their first letters, so neither the words nor their stem
    // prefixes are in the memory, and the one word they share is in every other unit: the
    // right unit ties with the others on that word and is the last stored. Retrieval finds it
    // only by looking for the near spellings of the words the memory does not hold.
    let cases = [
        ("hy", "Ուոլիս և Ֆուտունա", "Ուալիս և Ֆյուտունա", "և"),
        ("az", "Naxçıvan və Lənkəran", "Nahçıvan və Lənkaran", "və"),
        ("ru", "Уоллес и Футана", "Уоллис и Футуна", "и"),
        ("en", "Wallis and Futuna", "Walis and Futana", "and"),
    ];
    for (lang, stored, query, shared) in cases {
        let mut units: Vec<Value> = (0..150)
            .map(|n| json!({"id": format!("other-{n}"), "variants": {lang: format!("{n} {shared} {}", n + 1), "xh": "other"}}))
            .collect();
        units.push(json!({"id": "right", "variants": {lang: stored, "xh": "target"}}));
        let (_dir, server) = server_with(json!(units));
        let body = best(&server, query, lang, json!({}));
        assert_eq!(body["matches"][0]["unit_id"], "right", "{lang}: {body:#}");
    }
}

#[test]
fn a_reworded_sentence_among_many_that_hold_every_query_word_is_found() {
    // The right unit says the same thing in other words: it shares only two of the query's
    // words as written (the others are inflected or replaced), while 100 longer sentences
    // hold every word of the query. The index ranks all of those first, and the first pool
    // of candidates is full of them, every one far from the query; retrieval then widens the
    // pool until the reworded sentence is in it, and rescoring puts it first.
    let cases = [
        (
            "hy",
            "Ընտրված ֆայլերը տեղափոխել աղբարկղ",
            "Ընտրված ֆայլը ուղարկել աղբարկղ",
            "Ընտրված ֆայլերը տեղափոխել աղբարկղ հնարավոր չէ, քանի դեռ {n} փաստաթուղթը բաց է",
        ),
        (
            "az",
            "Seçilmiş faylları zibil qutusuna köçür",
            "Seçilmiş faylı zibil qutusuna göndər",
            "Seçilmiş faylları zibil qutusuna köçür əmri {n} sənəd açıq olduqca işləmir",
        ),
        (
            "ru",
            "Переместить выбранные файлы в корзину",
            "Отправить выбранный файл в корзину",
            "Переместить выбранные файлы в корзину нельзя, пока документ {n} открыт",
        ),
        (
            "en",
            "Move the chosen files to the bin",
            "Send each chosen file to the bin",
            "Move the chosen files to the bin only after document {n} is closed and saved",
        ),
    ];
    for (lang, query, reworded, crowd) in cases {
        let body = lookup_among_crowd(lang, query, (crowd, 100), ("reworded", reworded));
        assert_eq!(
            body["matches"][0]["unit_id"], "reworded",
            "{lang}: {body:#}"
        );
    }
}

#[test]
fn a_sentence_holding_other_forms_of_every_query_word_is_found() {
    // The right unit holds none of the query's words as typed, only other inflections of
    // them; other units hold every query word as typed, among many more words. Asking the
    // words' own terms brings back only those others (a full pool of 100, or a short one of
    // 3), all far from the query; the lookup then asks every form of each word, stems
    // included, and finds the unit.
    let cases = [
        (
            "hy",
            "Թափոն զամբյուղը դատարկել",
            "Թափոնների զամբյուղի դատարկում",
            "Դատարկել թափոն զամբյուղը {n} օր հետո, եթե նրա մեջ միայն հին ֆայլեր են մնացել",
        ),
        (
            "az",
            "Seçilmiş faylları köçürmək",
            "Seçilən faylların köçürülməsi",
            "Seçilmiş faylları köçürmək üçün {n} saniyə gözləyin və sonra pəncərəni bağlayın",
        ),
        (
            "ru",
            "Проверка орфографии текущего документа",
            "Проверяет орфографию в текущем документе",
            "Проверка орфографии текущего документа {n} закончится после сохранения всех правок автора",
        ),
        (
            "en",
            "Download updated packages",
            "Downloads the package updates",
            "Download updated packages from mirror {n} only when the main server cannot be reached",
        ),
    ];
    assert_found_among_crowds(&cases, [100, 3]);
}

#[test]
fn a_short_query_finds_a_unit_it_shares_only_characters_with() {
    // The right unit spells the query's words differently inside, within their first five
    // characters, so it shares no word and no stem with the query, only a common word or
    // none; hundreds of longer units hold every query word as typed. Ranking by shared words
    // brings back only those, even in the wider pool; a short query then asks by
    // characters, and only short texts carry character terms.
    let cases = [
        (
            "hy",
            "Վերագործարկել Firefox-ը",
            "Վերամեկնարկել Firefox-ը",
            "Վերագործարկել Firefox-ը {n} անգամ, եթե թարմացումից հետո էջերը դեռ չեն բացվում",
        ),
        (
            "az",
            "Şifrəni dəyiş",
            "Sifreni deyis",
            "Şifrəni dəyiş və {n} gün ərzində yeni şifrəni heç kimə göstərmə, hətta dostlarına",
        ),
        (
            "ru",
            "Уоллис и Футуна",
            "Уоллес и Футана",
            "Острова Уоллис и Футуна {n} лет назад стали заморским сообществом Франции",
        ),
        (
            "en",
            "Colour settings",
            "Color settings",
            "Colour settings of panel {n} are kept when the theme changes to a darker one",
        ),
    ];
    assert_found_among_crowds(&cases, [400, 3]);
}

#[test]
fn access_keys_marked_elsewhere_in_a_word_still_match() {
    // Two translators of a menu put the access-key mark (`_`, `&`) in different places: the
    // words are the same, so the unit is found and scores as a punctuation variant.
    let cases = [
        ("hy", "_Բացել ֆայլը", "Բաց_ել ֆայլը"),
        ("az", "&Faylı aç", "Fay&lı aç"),
        ("ru", "_Обратить выбор", "Обрат_ить выбор"),
        ("en", "Show _Hidden Files", "Show Hi_dden Files"),
    ];
    for (lang, stored, query) in cases {
        let (_dir, server) = server_with(json!([
            {"id": "menu", "variants": {lang: stored, "xh": "target"}},
            {"id": "other", "variants": {lang: "Close the window", "xh": "other"}}
        ]));
        let body = best(&server, query, lang, json!({}));
        let top = &body["matches"][0];
        assert_eq!(top["unit_id"], "menu", "{lang}: {body:#}");
        let score = top["score"].as_u64().unwrap();
        assert!((95..100).contains(&score), "{lang}: {score}: {body:#}");
    }
}

#[test]
fn armenian_in_classical_spelling_finds_the_reformed_sentence() {
    // Software and diaspora texts keep the classical spelling; the memory holds the
    // reformed one. Matching forms fold the regular correspondences, so only the written
    // difference remains (99), and retrieval finds the unit through the folded words.
    let (_dir, server) = server_with(json!([
        {"id": "reformed", "variants": {"hy": "Չհաջողվեց ստեղծել ժամանակավոր գործողությունը", "en": "Could not create the temporary action"}},
        {"id": "other", "variants": {"hy": "Ստեղծել նոր պանակ", "en": "Create a new folder"}}
    ]));
    let body = best(
        &server,
        "Չհաջողուեց ստեղծել ժամանակաւոր գործողութիւնը",
        "hy",
        json!({}),
    );
    assert_eq!(body["matches"][0]["unit_id"], "reformed", "{body:#}");
    assert_eq!(body["matches"][0]["score"], 99, "{body:#}");
}

#[test]
fn new_numbers_are_put_into_every_translation() {
    let (_dir, server) = server_with(json!([
        {"id": "years", "variants": {
            "en": "The bridge was built 34 years ago, in 1992.",
            "hy": "Կամուրջը կառուցվել է 34 տարի առաջ՝ 1992 թվականին։",
            "az": "Körpü 34 il əvvəl, 1992-ci ildə tikilib.",
            "ru": "Мост построили 34 года назад, в 1992 году."}},
        {"id": "tons", "variants": {
            "en": "Farmers harvested 1,234.5 tons on 25-26 May.",
            "hy": "Ֆերմերները մայիսի 25-26-ին հավաքել են 1 234,5 տոննա։",
            "az": "Fermerlər mayın 25-26-da 1.234,5 ton məhsul yığıblar.",
            "ru": "Фермеры собрали 1 234,5 тонны 25-26 мая."}}
    ]));
    let body = best(
        &server,
        "The bridge was built 35 years ago, in 1991.",
        "en",
        json!({}),
    );
    let top = &body["matches"][0];
    assert_eq!(top["unit_id"], "years");
    let score = top["score"].as_u64().unwrap();
    assert!((95..=99).contains(&score), "{score}");
    assert_eq!(top["adapted"], true, "{top:#}");
    assert_eq!(
        top["targets"]["hy"],
        "Կամուրջը կառուցվել է 35 տարի առաջ՝ 1991 թվականին։"
    );
    assert_eq!(
        top["targets"]["az"],
        "Körpü 35 il əvvəl, 1991-ci ildə tikilib."
    );
    assert_eq!(
        top["targets"]["ru"],
        "Мост построили 35 года назад, в 1991 году."
    );
    assert_eq!(
        top["stored_targets"]["ru"],
        "Мост построили 34 года назад, в 1992 году."
    );

    let body = best(
        &server,
        "Farmers harvested 2,500.75 tons on 27-28 May.",
        "en",
        json!({}),
    );
    let top = &body["matches"][0];
    assert_eq!(top["adapted"], true, "{top:#}");
    assert_eq!(
        top["targets"]["hy"],
        "Ֆերմերները մայիսի 27-28-ին հավաքել են 2 500,75 տոննա։"
    );
    assert_eq!(
        top["targets"]["az"],
        "Fermerlər mayın 27-28-da 2.500,75 ton məhsul yığıblar."
    );
    assert_eq!(
        top["targets"]["ru"],
        "Фермеры собрали 2 500,75 тонны 27-28 мая."
    );

    // A short line that differs in a number only is a 95 even under a strict min_score.
    let (_d, short) =
        server_with(json!([{"id": "y", "variants": {"en": "2-1 in 1992", "ru": "2:1 в 1992"}}]));
    let body = best(&short, "3-0 in 1993", "en", json!({"min_score": 95}));
    assert_eq!(body["matches"][0]["score"], 95, "{body}");
    assert_eq!(body["matches"][0]["targets"]["ru"], "3:0 в 1993");

    // From Russian into English: the decimal comma becomes a point.
    let body = best(
        &server,
        "Фермеры собрали 3 000,25 тонны 25-26 мая.",
        "ru",
        json!({"targets": ["en"]}),
    );
    assert_eq!(
        body["matches"][0]["targets"]["en"],
        "Farmers harvested 3,000.25 tons on 25-26 May."
    );
}

#[test]
fn every_match_carries_its_word_diff() {
    let (_dir, server) = server_with(json!([
        {"id": "a", "variants": {"en": "Trains will run twice a week from Yerevan to Baku.", "hy": "Գնացքները կգնան շաբաթը երկու անգամ։"}}
    ]));
    let body = best(
        &server,
        "Trains will run three times a week from Yerevan to Tbilisi.",
        "en",
        json!({}),
    );
    assert_eq!(
        body["matches"][0]["diff"],
        json!([
            {"op": "equal", "stored": "Trains will run", "query": "Trains will run"},
            {"op": "replace", "stored": "twice", "query": "three times"},
            {"op": "equal", "stored": "a week from Yerevan to", "query": "a week from Yerevan to"},
            {"op": "replace", "stored": "Baku", "query": "Tbilisi"},
            {"op": "equal", "stored": ".", "query": "."}
        ]),
        "{body:#}"
    );
}

#[test]
fn an_exact_match_in_its_context_scores_101_and_ranks_first() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn_in(dir.path(), |_| {});
    let tmx = r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body>
<tu tuid="a.1"><prop type="x-document">a</prop><tuv xml:lang="en"><seg>Heavy rain fell overnight.</seg></tuv><tuv xml:lang="ru"><seg>Ночью прошёл сильный дождь.</seg></tuv></tu>
<tu tuid="a.2"><prop type="x-document">a</prop><tuv xml:lang="en"><seg>Roads were closed.</seg></tuv><tuv xml:lang="ru"><seg>Дороги закрыли.</seg></tuv></tu>
<tu tuid="a.3"><prop type="x-document">a</prop><tuv xml:lang="en"><seg>Schools stay open.</seg></tuv><tuv xml:lang="ru"><seg>Школы работают.</seg></tuv></tu>
<tu tuid="b.1"><prop type="x-document">b</prop><tuv xml:lang="en"><seg>Roads were closed.</seg></tuv><tuv xml:lang="ru"><seg>Движение по дорогам перекрыли.</seg></tuv></tu>
<tu tuid="b.2"><prop type="x-document">b</prop><tuv xml:lang="en"><seg>Traffic is heavy.</seg></tuv><tuv xml:lang="ru"><seg>Движение плотное.</seg></tuv></tu>
</body></tmx>"#;
    let report = server.send(
        "POST",
        "/v1/import",
        "application/x-tmx+xml",
        tmx.as_bytes(),
    );
    assert_eq!(report.status, 200, "{}", report.text());
    let context =
        json!({"context": {"prev": "Heavy rain fell overnight.", "next": "Schools stay open."}});
    let body = best(&server, "Roads were closed.", "en", context);
    let matches = body["matches"].as_array().unwrap();
    assert_eq!(matches[0]["unit_id"], "a.2", "{body:#}");
    assert_eq!(matches[0]["score"], 101);
    assert_eq!(matches[1]["unit_id"], "b.1");
    assert_eq!(matches[1]["score"], 100);
    // The other article's context picks the other unit.
    let other = best(
        &server,
        "Roads were closed.",
        "en",
        json!({"context": {"prev": "", "next": "Traffic is heavy."}}),
    );
    assert_eq!(other["matches"][0]["unit_id"], "b.1");
    assert_eq!(other["matches"][0]["score"], 101);
    // Without context both are 100.
    let plain = best(&server, "Roads were closed.", "en", json!({}));
    assert_eq!(plain["matches"][0]["score"], 100);
}

#[test]
fn concordance_finds_phrases_in_any_inflection_with_spans() {
    let (_dir, server) = server_with(json!([
        {"id": "1", "variants": {"ru": "Новый мост через Куру открыли в пятницу.", "en": "A new bridge over the Kura opened on Friday.", "hy": "Կուրի վրայով նոր կամուրջը բացվեց ուրբաթ օրը։"}},
        {"id": "2", "variants": {"ru": "По новому мосту пошли первые машины.", "en": "The first cars crossed the new bridge."}},
        {"id": "3", "variants": {"ru": "Новые дороги строят быстро.", "en": "New roads are built fast."}}
    ]));
    let response = server.get("/v1/concordance?q=%D0%BD%D0%BE%D0%B2%D1%8B%D0%B9%20%D0%BC%D0%BE%D1%81%D1%82&lang=ru&targets=en");
    assert_eq!(response.status, 200, "{}", response.text());
    let body = response.json();
    let results = body["results"].as_array().unwrap();
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["unit_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{body:#}");
    assert!(ids.contains(&"1") && ids.contains(&"2"), "{body:#}");
    let second = results.iter().find(|r| r["unit_id"] == "2").unwrap();
    assert_eq!(
        second["spans"],
        json!([{"start": 3, "end": 15, "text": "новому мосту"}])
    );
    assert_eq!(
        second["targets"],
        json!({"en": "The first cars crossed the new bridge."})
    );
    server
        .get("/v1/concordance?q=&lang=ru")
        .assert_error(422, "empty_text");
    server
        .get("/v1/concordance?q=x&lang=!!")
        .assert_error(400, "invalid_language");
    // A one-word query of 1,000 letters is the client's mistake (it was a retryable 503
    // `storage_error` from the index), and so is a phrase longer than a phrase.
    let long_word = "a".repeat(1000);
    server
        .get(&format!("/v1/concordance?q={long_word}&lang=en"))
        .assert_error(400, "invalid_parameter");
    let long_phrase = "word ".repeat(60);
    server
        .get(&format!(
            "/v1/concordance?q={}&lang=en",
            long_phrase.trim().replace(' ', "%20")
        ))
        .assert_error(400, "invalid_parameter");
}
