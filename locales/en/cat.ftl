### The CAT-tool side: what a translator sees of the translation memory.

# $count (Number): how many matches the memory found for the segment
cat-matches = { $count ->
        [0] No matches
        [one] { $count } match
       *[other] { $count } matches
    }
# $score (Number): the match score, a percentage from 0 to 101
cat-match-score = { $score }%
cat-source = Source
cat-target = Translation
cat-insert-match = Insert match
# $done (Number): segments translated; $total (Number): segments in the document
cat-progress = { $total ->
        [one] { $done } of { $total } segment translated
       *[other] { $done } of { $total } segments translated
    }

## Match bands, by score

cat-band-context = Context match
    .description = Same sentence in the same context (101%)
cat-band-exact = Exact match
    .description = Same sentence (100%)
cat-band-high = High fuzzy match
    .description = Nearly the same sentence (95–99%)
cat-band-fuzzy = Fuzzy match
    .description = A similar sentence (75–94%)
cat-band-low = Low fuzzy match
    .description = A loosely similar sentence (50–74%)
cat-band-none = No match
    .description = Nothing similar enough (below 50%)
