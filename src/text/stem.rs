//! Word stems (Snowball, through frostem) for the languages that have a stemmer: Armenian,
//! Russian, Ukrainian, English. Azerbaijani has none (the Turkish one over-cuts `ə` words),
//! so callers fall back to a shared prefix there.

use std::borrow::Cow;

use frostem::{Algorithm, Stemmer};

use crate::model::lang::Lang;

fn stemmer(lang: &Lang) -> Option<(Stemmer, Algorithm)> {
    let algorithm = super::profile(lang).stemmer?;
    Some((Stemmer::new(algorithm), algorithm))
}

/// The stem of a word in matching form, or `None` where the language has no stemmer.
pub fn stem<'a>(lang: &Lang, word: &'a str) -> Option<Cow<'a, str>> {
    let (stemmer, algorithm) = stemmer(lang)?;
    if algorithm == Algorithm::Armenian && word.contains("եւ") {
        // Matching forms spell the ligature out; the Armenian stemmer expects `և`.
        return Some(Cow::Owned(
            stemmer.stem(&word.replace("եւ", "և")).into_owned(),
        ));
    }
    Some(stemmer.stem(word))
}

/// A common prefix that leaves at most a few chars of ending on the shorter word.
fn share_prefix(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    common >= 3 && common + 4 >= la.min(lb) && la.abs_diff(lb) <= 5
}

/// Whether two words in matching form are one word in two inflections: the same stem where a
/// stemmer exists, otherwise a common prefix that leaves at most a few chars of ending.
pub fn same_stem(lang: &Lang, a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (stem(lang, a), stem(lang, b)) {
        (Some(x), Some(y)) if x.chars().count() >= 2 && x == y => true,
        // The Armenian stemmer leaves names and vowel-changing stems (`որոշում`/`որոշմամբ`)
        // apart; a long shared prefix joins them.
        (Some(_), Some(_)) => lang.language() == "hy" && share_prefix(a, b),
        _ => share_prefix(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(tag: &str, a: &str, b: &str) -> bool {
        same_stem(&Lang::parse(tag).unwrap(), a, b)
    }

    #[test]
    fn inflections_share_a_stem_other_words_do_not() {
        assert!(same("ru", "новый", "новому"));
        assert!(same("ru", "мост", "мостами"));
        assert!(!same("ru", "мост", "москва"));
        assert!(same("hy", "անդամները", "անդամների"));
        assert!(same("hy", "ալիեւը", "ալիեւի"));
        assert!(same("hy", "որոշումը", "որոշմամբ"));
        assert!(same("en", "agreement", "agreements"));
        assert!(same("az", "qərarı", "qərarları"));
        assert!(same("az", "əliyev", "əliyevin"));
        assert!(!same("az", "qərar", "qəbul"));
    }
}
