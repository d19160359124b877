### Թողարկումների էջը՝ բաժիններ, հոդվածի գործողություններ, ամսաթվեր, ընթերցման ժամանակ և լեզուներ։

editions-title = Թողարկումներ
editions-other-languages = Հասանելի է նաև
editions-choose-language = Լեզու

## Բաժիններ

section-region = Տարածաշրջան
section-politics = Քաղաքականություն
section-economy = Տնտեսություն
section-society = Հասարակություն
section-culture = Մշակույթ
section-sport = Սպորտ
section-world = Աշխարհ
section-opinion = Կարծիք

## Հոդվածի գործողություններ և տվյալներ

article-share = Կիսվել
    .title = Կիսվել հոդվածով
article-print = Տպել
    .title = Տպել հոդվածը
article-byline = Հեղինակ՝ { $author }
article-published = Հրապարակվել է՝ { DATETIME($date, dateStyle: "long") }
article-updated = Թարմացվել է՝ { DATETIME($time, dateStyle: "medium", timeStyle: "short") }
# Թվականից հետո գոյականը եզակի թվով է՝ «1 րոպե», «5 րոպե»։
article-reading-time = { $minutes ->
        [one] { $minutes } րոպե
       *[other] { $minutes } րոպե
    }
    .label = Ընթերցման ժամանակը

## Լեզուներ։ Նախադասություններում լեզվի անունը հոլովվում է, ուստի ընտրությունն արվում է ըստ լեզվի կոդի։

language-hy = Հայերեն
language-az = Ադրբեջաներեն
language-ru = Ռուսերեն
language-en = Անգլերեն
article-translated-from = { $language ->
        [hy] Թարգմանված է հայերենից
        [az] Թարգմանված է ադրբեջաներենից
        [ru] Թարգմանված է ռուսերենից
        [en] Թարգմանված է անգլերենից
       *[other] Թարգմանված է այլ լեզվից ({ $language })
    }
article-not-available = { $language ->
        [hy] Այս հոդվածը դեռ հասանելի չէ հայերենով։
        [az] Այս հոդվածը դեռ հասանելի չէ ադրբեջաներենով։
        [ru] Այս հոդվածը դեռ հասանելի չէ ռուսերենով։
        [en] Այս հոդվածը դեռ հասանելի չէ անգլերենով։
       *[other] Այս հոդվածը դեռ հասանելի չէ այդ լեզվով ({ $language })։
    }
edition-not-found = Այստեղ նման հոդված չկա։
