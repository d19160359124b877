//! Tests of the sentence splitter.

use super::*;

fn sentences_of(lang: &str, text: &str) -> Vec<String> {
    let segments = split(&Lang::parse(lang).unwrap(), text);
    assert_rebuilds(text, &segments);
    segments.into_iter().map(|s| s.text).collect()
}

/// The segments with the whitespace between them give back the input exactly.
fn assert_rebuilds(text: &str, segments: &[Sentence]) {
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    let mut rebuilt = String::new();
    for s in segments {
        assert!(s.start >= at && s.end > s.start, "{segments:?}");
        let gap: String = chars[at..s.start].iter().collect();
        assert!(gap.chars().all(is_space), "gap {gap:?} in {text:?}");
        let piece: String = chars[s.start..s.end].iter().collect();
        assert_eq!(piece, s.text, "offsets of {s:?}");
        rebuilt.push_str(&gap);
        rebuilt.push_str(&piece);
        at = s.end;
    }
    let tail: String = chars[at..].iter().collect();
    assert!(tail.chars().all(is_space), "tail {tail:?}");
    rebuilt.push_str(&tail);
    assert_eq!(rebuilt, text);
}

fn assert_split(lang: &str, text: &str, expected: &[&str]) {
    assert_eq!(sentences_of(lang, text), expected, "{lang}: {text}");
}

fn assert_one(lang: &str, text: &str) {
    assert_split(lang, text, &[text.trim()]);
}

#[test]
fn offsets_are_chars_and_whitespace_stays_between() {
    let text = "  Կամուրջը բացվեց:  Ավտոբուսներն էլ կգան։\n";
    let segments = split(&Lang::parse("hy").unwrap(), text);
    assert_rebuilds(text, &segments);
    assert_eq!(segments.len(), 2);
    assert_eq!((segments[0].start, segments[0].end), (2, 18));
    assert_eq!(segments[1].start, 20);
    // The README's example.
    let text = "Կամուրջը կբացվի երկուշաբթի: Ավտոբուսները կգան ժամը 14:30-ին։";
    let segments = split(&Lang::parse("hy").unwrap(), text);
    let spans: Vec<_> = segments.iter().map(|s| (s.start, s.end)).collect();
    assert_eq!(spans, [(0, 27), (28, 60)]);
    assert!(split(&Lang::parse("en").unwrap(), " \n ").is_empty());
    assert!(split(&Lang::parse("en").unwrap(), "").is_empty());
}

#[test]
fn hy_ends_on_full_stop_ascii_colon_ellipsis_question_and_exclamation() {
    assert_split(
        "hy",
        "Կառավարությունը հաստատեց բյուջեն։ Քվեարկությունը տևեց երկու ժամ:",
        &[
            "Կառավարությունը հաստատեց բյուջեն։",
            "Քվեարկությունը տևեց երկու ժամ:",
        ],
    );
    assert_split(
        "hy",
        "Ավելի ուշ վերսկսվեցին բախումները ոստիկանության հետ: Նրանք օգտագործում էին մահակներ:",
        &[
            "Ավելի ուշ վերսկսվեցին բախումները ոստիկանության հետ:",
            "Նրանք օգտագործում էին մահակներ:",
        ],
    );
    assert_split(
        "hy",
        "Նա լռեց… Հետո նորից խոսեց: Ինչու՞ հիմա? Որովհետև ժամանակն է! Այո!",
        &[
            "Նա լռեց…",
            "Հետո նորից խոսեց:",
            "Ինչու՞ հիմա?",
            "Որովհետև ժամանակն է!",
            "Այո!",
        ],
    );
    // Doubled or mixed full stops count once.
    assert_split(
        "hy",
        "Նավաստիները պահպանում են շտաբը:: Վաշինգտոնը մերժել է կոչերը։: Վերջ:",
        &[
            "Նավաստիները պահպանում են շտաբը::",
            "Վաշինգտոնը մերժել է կոչերը։:",
            "Վերջ:",
        ],
    );
}

#[test]
fn hy_never_ends_on_word_marks_mijaket_or_numbers() {
    // ՞ ՜ ՛ sit inside the questioned or stressed word; ՝ is a comma; ․ and the ASCII
    // dot typed for it introduce a list, a quote or an explanation.
    assert_one(
        "hy",
        "Ի՞նչ է գիտակցված հիփ-հոփը, և ինչո՞ւ է այն այդքան տարածված:",
    );
    assert_one("hy", "Դիտե՜ք․ Լիվերպուլը հաղթեց Չելսիին, ո՛չ թե պարտվեց:");
    assert_one("hy", "Լին՝ ընկերության գլխավոր տնօրենը, Նոր գիրք է գրել:");
    assert_one(
        "hy",
        "Բրեքսիթ. Անգլիան «հավերժ կզղջա» ավտոարտադրողներին կորցնելու համար:",
    );
    assert_one(
        "hy",
        "Փոլ Նյումանն ասաց. Այս արդյունքները շարունակում են ապրիլյան միտումը:",
    );
    assert_one(
        "hy",
        "2012թ. Օրեգոնում մի ֆերմեր զոհվեց, իսկ 1987 թ.-ին նա հեռացավ:",
    );
    assert_one("hy", "Սպասեք մինչև 2024 թ․ Մայիսի մեկը:");
    assert_one(
        "hy",
        "Դիոնիսիո Ա. Լինդը, Փի. Դիդդին և Ն. Փաշինյանը հանդիպեցին:",
    );
    // Times, scores and ratios.
    assert_one("hy", "Խաղը սկսվում է ժամը 14:30-ին, իսկ հաշիվը 2:1 էր:");
    assert_one("hy", "Հաշիվը դարձավ 2 : 1 հօգուտ հյուրերի:");
    assert_one(
        "hy",
        "Հարաբերակցությունը 3:2 է, իսկ գոլը խփվեց 27:37 րոպեին:",
    );
    assert_one("hy", "Ցուցանիշն աճել է 2.8 տոկոսով:");
}

#[test]
fn hy_colon_before_a_quote_or_lower_case_continues() {
    // `:` before an opening quote introduces speech.
    assert_one(
        "hy",
        "Նա գրել է Twitter-ում: «Մեկ ամիս առաջ ես կաթվածի ենթարկվեցի»:",
    );
    // Before a lower-case word it does not end anything either.
    assert_one("hy", "Երեք բան է պետք: համբերություն, աշխատանք և հավատ:");
    // But `։` before a quote does, and a quote closes with its sentence.
    assert_split(
        "hy",
        "Նա լռեց։ «Մենք պատրաստ ենք»: Հետո դահլիճը ծափահարեց:",
        &["Նա լռեց։", "«Մենք պատրաստ ենք»:", "Հետո դահլիճը ծափահարեց:"],
    );
    assert_split(
        "hy",
        "Ես հարցրեցի․«Դու դա արել ես։» Նա չպատասխանեց:",
        &["Ես հարցրեցի․«Դու դա արել ես։»", "Նա չպատասխանեց:"],
    );
    // A year before the stop, and an English name after it.
    assert_split(
        "hy",
        "Թիմը հիմնադրվել է 1994 թվականին: Desert Island Discs-ը եթերում է կիրակի:",
        &[
            "Թիմը հիմնադրվել է 1994 թվականին:",
            "Desert Island Discs-ը եթերում է կիրակի:",
        ],
    );
}

#[test]
fn hy_quoted_latin_text_and_continued_ellipses() {
    // An English headline in an Armenian column keeps its colon.
    assert_one("hy", "Elite League: Dundee Stars 5-3 Belfast Giants");
    assert_one(
        "hy",
        "Էյր 38-17 Մելրոզ... ...Անպարտելի Էյրը վեր է բարձրանում:",
    );
    assert_one("hy", "Ոչ, ես սպասում եմ մեկին… դա շատ վատ էր՚:");
}

#[test]
fn ru_abbreviations_initials_and_numbers() {
    assert_one(
        "ru",
        "Это решение, т. е. закон, подписал В. В. Путин в 2019 г. в Москве.",
    );
    assert_one(
        "ru",
        "Он живёт на ул. Ленина, д. 5, см. Приложение на стр. 12.",
    );
    assert_one(
        "ru",
        "Бюджет составил 3,5 млрд. руб., т. к. курс вырос до 64.5 руб.",
    );
    assert_one(
        "ru",
        "Звонили Дж. Байдену и А. С. Пушкину, т. н. «старой гвардии».",
    );
    assert_one("ru", "Фонд им. Св. Мартина основан в 1870 г. В. Ивановым.");
    assert_split(
        "ru",
        "Закупили столы, стулья и т. д. Это обошлось в 5 млрд. Сделку одобрили.",
        &[
            "Закупили столы, стулья и т. д.",
            "Это обошлось в 5 млрд.",
            "Сделку одобрили.",
        ],
    );
    assert_split(
        "ru",
        "Это случилось в 2019 г. В Москве тогда шёл снег. Рост составил 10 см. Это много.",
        &[
            "Это случилось в 2019 г.",
            "В Москве тогда шёл снег.",
            "Рост составил 10 см.",
            "Это много.",
        ],
    );
}

#[test]
fn ru_quotes_dashes_and_ellipses() {
    assert_one("ru", "«Кто там?» — спросил он.");
    assert_one("ru", "«Мы готовы!» — заявил министр, и зал зааплодировал.");
    assert_split(
        "ru",
        "Он сказал: «Да.» Потом ушёл. Она ответила: „Нет“. Всё.",
        &[
            "Он сказал: «Да.»",
            "Потом ушёл.",
            "Она ответила: „Нет“.",
            "Всё.",
        ],
    );
    assert_split(
        "ru",
        "Ммм.. сложно сказать… Может быть... Посмотрим?! Да!!!",
        &[
            "Ммм.. сложно сказать…",
            "Может быть...",
            "Посмотрим?!",
            "Да!!!",
        ],
    );
    assert_one(
        "ru",
        "Цена выросла на 2,5%, а курс — до 64.50 (см. таблицу).",
    );
    // Stray closing marks after the last word stay with the last sentence.
    assert_one("ru", "«С Северной Кореей всё замечательно», — сказал он. —");
    assert_one("az", "Ümid edirəm ki, onlar təhlükəsizdirlər. \"");
}

#[test]
fn en_titles_acronyms_and_times() {
    assert_one(
        "en",
        "Mr. Hart met Dr. Ford and Sen. Dianne Feinstein at St. Martin's on Feb. 26.",
    );
    assert_one(
        "en",
        "The U.S. Navy and the U.N. Security Council said so, i.e. nothing.",
    );
    assert_one(
        "en",
        "It was No. 5 in the list, e.g. a top seller, vs. Chelsea in Roe v. Wade.",
    );
    assert_one(
        "en",
        "The game starts at 3 p.m. Thursday, and the train at 7 a.m. BST.",
    );
    assert_one(
        "en",
        "Dionisio A. Lind and P. Diddy met J. R. R. Tolkien's heirs.",
    );
    assert_split(
        "en",
        "He moved to the U.S. The move paid off. Prices rose 3.5 percent. They fell at 5 p.m. Police said so.",
        &[
            "He moved to the U.S.",
            "The move paid off.",
            "Prices rose 3.5 percent.",
            "They fell at 5 p.m.",
            "Police said so.",
        ],
    );
    assert_split(
        "en",
        "They sold cars, trucks, etc. Then they closed. He lives on Main St. The house is old.",
        &[
            "They sold cars, trucks, etc.",
            "Then they closed.",
            "He lives on Main St.",
            "The house is old.",
        ],
    );
}

#[test]
fn en_quotes_lists_urls_and_ellipses() {
    assert_split(
        "en",
        "He said: «Yes.» Then he left. \"We need a deal.\" She agreed (reluctantly.) Fine!",
        &[
            "He said: «Yes.»",
            "Then he left.",
            "\"We need a deal.\"",
            "She agreed (reluctantly.)",
            "Fine!",
        ],
    );
    assert_split(
        "en",
        "1. Open the file. 2. Save it. Visit www.example.com or mail desk@example.org. Thanks.",
        &[
            "1. Open the file.",
            "2. Save it.",
            "Visit www.example.com or mail desk@example.org.",
            "Thanks.",
        ],
    );
    assert_split(
        "en",
        "They're nippers, very inquisitive ... they aren't out to hurt you. Wait... What? Really?! No!!! ok",
        &[
            "They're nippers, very inquisitive ... they aren't out to hurt you.",
            "Wait...",
            "What?",
            "Really?!",
            "No!!! ok",
        ],
    );
    assert_one("en", "The quote was cut (…) The rest is lost.");
    assert_split(
        "en",
        "Headline without a stop\nFirst sentence of the body.",
        &["Headline without a stop", "First sentence of the body."],
    );
}

#[test]
fn az_abbreviations_and_names() {
    assert_split(
        "az",
        "Bakıda yollar, körpülər və s. tikilir. AzərTAc xəbər verir ki, layihə 2019-cu ildə başlayıb.",
        &[
            "Bakıda yollar, körpülər və s. tikilir.",
            "AzərTAc xəbər verir ki, layihə 2019-cu ildə başlayıb.",
        ],
    );
    assert_split(
        "az",
        "Şəhərdə məktəblər, xəstəxanalar və s. Bu layihələr 3,5 mln. manata başa gəlib.",
        &[
            "Şəhərdə məktəblər, xəstəxanalar və s.",
            "Bu layihələr 3,5 mln. manata başa gəlib.",
        ],
    );
    assert_one(
        "az",
        "Abidə e.ə. IV əsrə, kilsə isə b.e. XII əsrinə aiddir.",
    );
    assert_one(
        "az",
        "Görüşdə H. Əliyev və prof. İ. Həsənov çıxış etdi, s. 12-yə bax.",
    );
    assert_split(
        "az",
        "İĞDIR İSTANBUL yolu bağlandı. İndi nə olacaq? Ölkə gözləyir!",
        &[
            "İĞDIR İSTANBUL yolu bağlandı.",
            "İndi nə olacaq?",
            "Ölkə gözləyir!",
        ],
    );
    assert_one(
        "az",
        "“Bu, çox vacibdir”, – deyə Dr. Ford bildirib, D.C. şəhərində.",
    );
}

#[test]
fn other_languages_fall_back_to_uax29() {
    assert_split(
        "de",
        "Das ist gut. Wir gehen nach Hause.",
        &["Das ist gut.", "Wir gehen nach Hause."],
    );
    assert_one("fr", "M. Dupont habite au 3.5 rue X.");
}
