### The editions page: section labels, article actions, dates, reading time and languages.
### English is the reference: every other locale carries every message here.

editions-title = Editions
editions-other-languages = Also available in
editions-choose-language = Language

## Sections

section-region = Region
section-politics = Politics
section-economy = Economy
section-society = Society
section-culture = Culture
section-sport = Sport
section-world = World
section-opinion = Opinion

## Article actions and details

article-share = Share
    .title = Share this article
article-print = Print
    .title = Print this article
# $author (String): the author's name as printed on the article
article-byline = By { $author }
# $date (String): the publication date, ISO 8601 (2026-02-26)
article-published = Published on { DATETIME($date, dateStyle: "long") }
# $time (String): the time of the last change, ISO 8601 with its offset (2026-02-26T14:30:00+04:00)
article-updated = Updated { DATETIME($time, dateStyle: "medium", timeStyle: "short") }
# $minutes (Number): the estimated reading time, in minutes; may be fractional (1.5)
article-reading-time = { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }
    .label = Reading time

## Languages
## $language (String): a language code, hy, az, ru or en; other codes get the generic text.

language-hy = Armenian
language-az = Azerbaijani
language-ru = Russian
language-en = English
article-translated-from = { $language ->
        [hy] Translated from Armenian
        [az] Translated from Azerbaijani
        [ru] Translated from Russian
        [en] Translated from English
       *[other] Translated from another language ({ $language })
    }
article-not-available = { $language ->
        [hy] This article is not yet available in Armenian.
        [az] This article is not yet available in Azerbaijani.
        [ru] This article is not yet available in Russian.
        [en] This article is not yet available in English.
       *[other] This article is not yet available in this language ({ $language }).
    }
edition-not-found = There is no such article here.
