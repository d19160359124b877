### Страница выпусков: разделы, действия со статьёй, даты, время чтения и языки.

editions-title = Выпуски
editions-other-languages = Также доступно на языках
editions-choose-language = Язык

## Разделы

section-region = Регион
section-politics = Политика
section-economy = Экономика
section-society = Общество
section-culture = Культура
section-sport = Спорт
section-world = В мире
section-opinion = Мнения

## Действия со статьёй и сведения о ней

article-share = Поделиться
    .title = Поделиться статьёй
article-print = Печать
    .title = Распечатать статью
article-byline = Автор: { $author }
article-published = Опубликовано { DATETIME($date, dateStyle: "long") }
article-updated = Обновлено: { DATETIME($time, dateStyle: "medium", timeStyle: "short") }
article-reading-time = { $minutes ->
        [one] { $minutes } минута
        [few] { $minutes } минуты
        [many] { $minutes } минут
       *[other] { $minutes } минуты
    }
    .label = Время чтения

## Языки. Названия в предложениях стоят в нужном падеже, поэтому выбор идёт по коду языка.

language-hy = Армянский
language-az = Азербайджанский
language-ru = Русский
language-en = Английский
article-translated-from = { $language ->
        [hy] Перевод с армянского
        [az] Перевод с азербайджанского
        [ru] Перевод с русского
        [en] Перевод с английского
       *[other] Перевод с другого языка ({ $language })
    }
article-not-available = { $language ->
        [hy] Эта статья пока недоступна на армянском языке.
        [az] Эта статья пока недоступна на азербайджанском языке.
        [ru] Эта статья пока недоступна на русском языке.
        [en] Эта статья пока недоступна на английском языке.
       *[other] Эта статья пока недоступна на этом языке ({ $language }).
    }
edition-not-found = Такой статьи здесь нет.
