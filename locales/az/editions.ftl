### Buraxılışlar səhifəsi: bölmələr, məqalə ilə əməliyyatlar, tarixlər, oxuma müddəti və dillər.

editions-title = Buraxılışlar
editions-other-languages = Digər dillərdə də var
editions-choose-language = Dil

## Bölmələr

section-region = Region
section-politics = Siyasət
section-economy = İqtisadiyyat
section-society = Cəmiyyət
section-culture = Mədəniyyət
section-sport = İdman
section-world = Dünya
section-opinion = Rəy

## Məqalə ilə əməliyyatlar və məlumatlar

article-share = Paylaş
    .title = Məqaləni paylaş
article-print = Çap et
    .title = Məqaləni çap et
article-byline = Müəllif: { $author }
article-published = { DATETIME($date, dateStyle: "long") } tarixində dərc olunub
article-updated = Yenilənib: { DATETIME($time, dateStyle: "medium", timeStyle: "short") }
# Saydan sonra isim təkdə işlənir: «1 dəqiqə», «5 dəqiqə».
article-reading-time = { $minutes ->
        [one] { $minutes } dəqiqə
       *[other] { $minutes } dəqiqə
    }
    .label = Oxuma müddəti

## Dillər. Cümlələrdə dilin adı hallanır, buna görə seçim dil koduna görə aparılır.

language-hy = Erməni dili
language-az = Azərbaycan dili
language-ru = Rus dili
language-en = İngilis dili
article-translated-from = { $language ->
        [hy] Erməni dilindən tərcümə olunub
        [az] Azərbaycan dilindən tərcümə olunub
        [ru] Rus dilindən tərcümə olunub
        [en] İngilis dilindən tərcümə olunub
       *[other] Başqa dildən tərcümə olunub ({ $language })
    }
article-not-available = { $language ->
        [hy] Bu məqalə hələ erməni dilində yoxdur.
        [az] Bu məqalə hələ Azərbaycan dilində yoxdur.
        [ru] Bu məqalə hələ rus dilində yoxdur.
        [en] Bu məqalə hələ ingilis dilində yoxdur.
       *[other] Bu məqalə hələ bu dildə yoxdur ({ $language }).
    }
edition-not-found = Burada belə məqalə yoxdur.
