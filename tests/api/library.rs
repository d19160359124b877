//! The engine without HTTP: what the service does, a library user can do the same way.

use tetraglot::engine;
use tetraglot::formats::FileKind;
use tetraglot::index::Mode;
use tetraglot::memory::{MatchQuery, Memory, MemoryError};
use tetraglot::model::lang::Lang;

use crate::common::seed_dir;

/// A memory in a new temporary directory, open for writing.
fn open_memory() -> (tempfile::TempDir, Memory) {
    let dir = tempfile::tempdir().unwrap();
    let memory = Memory::open(
        dir.path(),
        Mode::ReadWrite {
            heap_bytes: 50 << 20,
        },
    )
    .unwrap();
    (dir, memory)
}

/// Imports units of a Russian text (each with its id as the English text) into `memory`,
/// through a TMX file in `dir`; returns how many were added.
fn import_ru_en(memory: &Memory, dir: &std::path::Path, units: &[(String, String)]) -> u64 {
    let body: String = units
        .iter()
        .map(|(id, ru)| {
            format!(
                "<tu tuid=\"{id}\"><tuv xml:lang=\"ru\"><seg>{ru}</seg></tuv>\
                 <tuv xml:lang=\"en\"><seg>{id}</seg></tuv></tu>\n"
            )
        })
        .collect();
    let tmx = dir.join("units.tmx");
    std::fs::write(
        &tmx,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header srclang=\"ru\" \
             segtype=\"sentence\" adminlang=\"en\" datatype=\"plaintext\" o-tmf=\"test\" \
             creationtool=\"test\" creationtoolversion=\"1\"/><body>\n{body}</body></tmx>\n"
        ),
    )
    .unwrap();
    engine::import_file(memory, &tmx, FileKind::Tmx, None)
        .unwrap()
        .report
        .added
}

#[test]
fn import_lookup_and_batch_through_the_library() {
    let (_dir, memory) = open_memory();
    let imported = engine::import_file(
        &memory,
        &seed_dir().join("2026-railway.tmx"),
        FileKind::Tmx,
        None,
    )
    .unwrap();
    assert_eq!(imported.report.added, 12);
    assert!(imported.optimize.is_none(), "small imports are not merged");
    let (en, hy) = (Lang::parse("en").unwrap(), Lang::parse("hy").unwrap());
    let text = "Tickets go on sale on 3 March at stations and online.";
    let query = MatchQuery::new(text, en.clone(), vec![hy.clone()]);
    assert_eq!(memory.find_matches(&query).unwrap()[0].score, 100);
    // The library refuses nothing silently and panics on nothing the edge would refuse.
    let none = MatchQuery {
        limit: 0,
        ..query.clone()
    };
    assert!(memory.find_matches(&none).unwrap().is_empty());

    let other = MatchQuery::new("Completely unrelated words.", en.clone(), vec![hy.clone()]);
    let batch = [query.clone(), other, query.clone()];
    let answers = memory.find_matches_batch(&batch, 2).unwrap();
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0][0].unit.id, answers[2][0].unit.id);
    assert!(answers[1].is_empty());
    let too_many = vec![query; MatchQuery::MAX_BATCH + 1];
    assert!(matches!(
        memory.find_matches_batch(&too_many, 2),
        Err(MemoryError::InvalidQuery(_))
    ));
    memory.close();
}

/// A sentence one ending away from a stored one, among sixty that share seven of its ten
/// words: the stored one and enough close matches are found by the near-duplicate sketch,
/// so the lookup answers from its sketch pass (half the pool) and never asks the words. So
/// does a sentence one word away from it, though it scores below 90.
#[test]
fn a_near_duplicate_is_answered_from_the_sketch_alone() {
    let (dir, memory) = open_memory();
    let (ru, en) = (Lang::parse("ru").unwrap(), Lang::parse("en").unwrap());
    let mut units: Vec<(String, String)> = Vec::new();
    let verbs = [
        "обсудило",
        "отклонило",
        "изучило",
        "подписало",
        "одобрило",
        "переписало",
    ];
    let middles = ["по", "для", "ради", "против", "насчёт"];
    let places = ["стране", "столице"];
    for (n, ((verb, middle), place)) in verbs
        .iter()
        .flat_map(|v| middles.iter().map(move |m| (v, m)))
        .flat_map(|vm| places.iter().map(move |p| (vm, p)))
        .enumerate()
    {
        let text =
            format!("Правительство {verb} новый закон {middle} защите окружающей среды в {place}.");
        units.push((format!("crowd-{n}"), text));
    }
    units.push((
        "right".into(),
        "Правительство утвердило новый закон о защите окружающей среды в регионах.".into(),
    ));
    assert_eq!(import_ru_en(&memory, dir.path(), &units), 61);

    let query = MatchQuery::new(
        "Правительство утвердило новый закон о защите окружающей среды в регионе",
        ru.clone(),
        vec![en.clone()],
    );
    let matches = memory.find_matches(&query).unwrap();
    assert_eq!(matches.len(), MatchQuery::DEFAULT_LIMIT);
    let ids: Vec<String> = matches.iter().map(|m| m.unit.id.to_string()).collect();
    assert_eq!(ids[0], "right", "{ids:?}");
    assert!(matches[0].score >= 90, "{}", matches[0].score);
    // The word pass would have retrieved 20 units: every crowd unit holds the query's words.
    let candidates = memory.candidates(&query).unwrap();
    assert!(
        candidates.len() <= 10,
        "{} candidates: the words were asked",
        candidates.len()
    );
    // One word replaced scores below 90, but a unit one token away is close enough.
    let replaced = MatchQuery::new(
        "Правительство утвердило новый закон о реконструкции окружающей среды в регионах.",
        ru.clone(),
        vec![en.clone()],
    );
    let matches = memory.find_matches(&replaced).unwrap();
    assert_eq!(matches.len(), MatchQuery::DEFAULT_LIMIT);
    assert_eq!(matches[0].unit.id.to_string(), "right");
    assert!(matches[0].score < 90, "{}", matches[0].score);
    let candidates = memory.candidates(&replaced).unwrap();
    assert!(
        candidates.len() <= 10,
        "{} candidates: the words were asked",
        candidates.len()
    );
    // A five-word query has no sketch: its words are asked.
    let short = MatchQuery::new("Правительство утвердило новый закон сегодня", ru, vec![en]);
    assert!(memory.candidates(&short).unwrap().len() > 10);
}

/// A five-word query among forty long sentences that hold four of its words, and a few
/// short ones near it: the lookup leaves unread the units whose length alone keeps them
/// below the floor, and answers as if it had rescored every unit retrieval found.
#[test]
fn a_short_query_among_long_sentences_holding_its_words_answers_as_if_each_were_read() {
    use tetraglot::memory::score::TextLengths;
    use tetraglot::memory::score::{length_bound_score, match_score, rescore, QueryProfile};
    use tetraglot::text::tokenize;

    let (dir, memory) = open_memory();
    let (ru, en) = (Lang::parse("ru").unwrap(), Lang::parse("en").unwrap());
    let mut units: Vec<(String, String)> = Vec::new();
    let mut tu = |id: &str, ru: &str| units.push((id.to_string(), ru.to_string()));
    let places = ["области", "столице", "республике", "крае", "городе"];
    let years = [
        "2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026",
    ];
    for (n, (place, year)) in places
        .iter()
        .flat_map(|p| years.iter().map(move |y| (p, y)))
        .enumerate()
    {
        tu(
            &format!("long-{n}"),
            &format!(
                "Депутаты в {place} обсуждали новый закон о защите прав потребителей и \
                 малого бизнеса весь {year} год, но так и не приняли его."
            ),
        );
    }
    tu("right", "Новый закон о защите лесов");
    tu("near-1", "Новый закон о защите рек");
    tu("near-2", "Новый закон о защите лесов и рек");
    tu("near-3", "Старый закон о защите лесов принят");
    assert_eq!(import_ru_en(&memory, dir.path(), &units), 44);

    let text = "Новый закон о защите озёр";
    let query = MatchQuery::new(text, ru.clone(), vec![en]);
    let matches = memory.find_matches(&query).unwrap();
    let answered: Vec<(u32, String)> = matches
        .iter()
        .map(|m| (m.score, format!("{:.4}", m.similarity)))
        .collect();
    // Every unit retrieval found, each rescored (listing them reads them all).
    let query_tokens = tokenize(&ru, text);
    let profile = QueryProfile::new(&query_tokens);
    let mut exhaustive = Vec::new();
    let mut below_by_length = 0;
    for unit in memory.candidates(&query).unwrap() {
        let stored = &unit.variants["ru"].text;
        let tokens = tokenize(&ru, stored);
        if length_bound_score(TextLengths::of(&tokens), &profile) < 50.0 {
            below_by_length += 1;
        }
        let rescored = rescore(&tokens, &profile);
        let placeholders = rescored
            .alignment
            .placeholder_changes(&tokens, &query_tokens)
            .is_some();
        let score = match_score(stored, text, rescored.similarity, placeholders);
        if score >= query.min_score {
            exhaustive.push((score, rescored.similarity));
        }
    }
    assert!(
        below_by_length >= 30,
        "{below_by_length} long units retrieved"
    );
    exhaustive.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)));
    let exhaustive: Vec<(u32, String)> = exhaustive
        .into_iter()
        .take(query.limit)
        .map(|(score, similarity)| (score, format!("{similarity:.4}")))
        .collect();
    assert_eq!(answered, exhaustive);
    let ids: Vec<String> = matches.iter().map(|m| m.unit.id.to_string()).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.iter().all(|id| !id.starts_with("long-")), "{ids:?}");
    memory.close();
}

/// A four-word query one word from a stored sentence, among more units sharing its words than
/// the first pool holds: the lookup answers from that pool and does not widen. A query two
/// words from its closest unit still widens.
#[test]
fn a_short_query_one_word_from_a_stored_sentence_does_not_widen() {
    let (dir, memory) = open_memory();
    let (ru, en) = (Lang::parse("ru").unwrap(), Lang::parse("en").unwrap());
    let mut units: Vec<(String, String)> = Vec::new();
    let nouns = [
        "налогах",
        "выборах",
        "школах",
        "дорогах",
        "пенсиях",
        "банках",
        "границах",
        "судах",
    ];
    let years = ["2021", "2022", "2023", "2024", "2025", "2026"];
    for (n, (noun, year)) in nouns
        .iter()
        .flat_map(|noun| years.iter().map(move |year| (noun, year)))
        .enumerate()
    {
        units.push((
            format!("crowd-{n}"),
            format!("Старый закон о {noun} {year}"),
        ));
    }
    units.push(("right".into(), "Новый закон о спорте".into()));
    assert_eq!(import_ru_en(&memory, dir.path(), &units), 49);

    // The first pool of a four-word query is 40 units; all 49 hold two of its words.
    let query = MatchQuery::new("Новый закон о лесах", ru.clone(), vec![en.clone()]);
    let matches = memory.find_matches(&query).unwrap();
    assert_eq!(matches[0].unit.id.to_string(), "right");
    assert!(matches[0].score < 80, "{}", matches[0].score);
    let candidates = memory.candidates(&query).unwrap().len();
    assert!(
        candidates <= 40,
        "{candidates} candidates: the lookup widened"
    );

    let farther = MatchQuery::new("Новый закон о лесах страны", ru, vec![en]);
    assert_eq!(
        memory.find_matches(&farther).unwrap()[0]
            .unit
            .id
            .to_string(),
        "right"
    );
    let candidates = memory.candidates(&farther).unwrap().len();
    assert!(
        candidates > 40,
        "{candidates} candidates: the lookup did not widen"
    );
    memory.close();
}
