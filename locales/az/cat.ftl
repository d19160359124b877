### CAT alətinin tərəfi: tərcüməçinin tərcümə yaddaşından gördükləri.

cat-matches = { $count ->
        [0] Uyğunluq yoxdur
        [one] { $count } uyğunluq
       *[other] { $count } uyğunluq
    }
cat-match-score = { $score }%
cat-source = Mənbə mətn
cat-target = Tərcümə
cat-insert-match = Uyğunluğu daxil et
cat-progress = Tərcümə olunmuş seqmentlər: { $done } / { $total }

## Uyğunluq dərəcələri, bal üzrə

cat-band-context = Kontekst uyğunluğu
    .description = Eyni kontekstdə eyni cümlə (101%)
cat-band-exact = Tam uyğunluq
    .description = Eyni cümlə (100%)
cat-band-high = Yüksək qeyri-dəqiq uyğunluq
    .description = Demək olar ki, eyni cümlə (95–99%)
cat-band-fuzzy = Qeyri-dəqiq uyğunluq
    .description = Oxşar cümlə (75–94%)
cat-band-low = Aşağı qeyri-dəqiq uyğunluq
    .description = Az oxşar cümlə (50–74%)
cat-band-none = Uyğunluq yoxdur
    .description = Kifayət qədər oxşar heç nə yoxdur (50%-dən aşağı)
