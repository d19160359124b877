//! A text's lengths, packed with its language into one number the index keeps beside each
//! unit (a fast field): a lookup reads it before a candidate's payload and leaves unread the
//! candidates whose length alone keeps them below the matches it has already found.

use super::score::TextLengths;

/// Each part of a packed value: the language's tag, then the words, the punctuation marks
/// and the chars (see [`TextLengths`]), 16 bits each. A text with more of any has no value
/// (its unit is always read).
const BITS: u32 = 16;
const MAX: u32 = (1 << BITS) - 1;

/// A language key's tag: 16 bits of its FNV-1a hash. Two languages of one unit with the
/// same tag both go without a value; a query's language whose tag is another's can only
/// misjudge a unit without a text in its language, which the lookup leaves out anyway.
pub(crate) fn key_tag(key: &str) -> u64 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in key.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    u64::from((hash >> BITS) ^ (hash & MAX))
}

/// The value of a text tagged `tag`, if each length fits its part.
fn pack(tag: u64, lengths: TextLengths) -> Option<u64> {
    let TextLengths {
        words,
        punct,
        chars,
    } = lengths;
    (words <= MAX && punct <= MAX && chars <= MAX).then(|| {
        tag << (3 * BITS)
            | u64::from(words) << (2 * BITS)
            | u64::from(punct) << BITS
            | u64::from(chars)
    })
}

/// The values of a unit whose texts have these language keys and lengths.
pub(crate) fn unit_values<'a>(texts: impl IntoIterator<Item = (&'a str, TextLengths)>) -> Vec<u64> {
    let tagged: Vec<(u64, TextLengths)> = texts
        .into_iter()
        .map(|(key, lengths)| (key_tag(key), lengths))
        .collect();
    tagged
        .iter()
        .filter(|(tag, _)| tagged.iter().filter(|(other, _)| other == tag).count() == 1)
        .filter_map(|&(tag, lengths)| pack(tag, lengths))
        .collect()
}

/// The lengths of the text tagged `tag` among a unit's `values`, if it has one.
pub(crate) fn find(values: &[u64], tag: u64) -> Option<TextLengths> {
    let field = |value: u64, at: u32| (value >> (at * BITS)) as u32 & MAX;
    values
        .iter()
        .find(|&&value| value >> (3 * BITS) == tag)
        .map(|&value| TextLengths {
            words: field(value, 2),
            punct: field(value, 1),
            chars: field(value, 0),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lengths(words: u32, punct: u32, chars: u32) -> TextLengths {
        TextLengths {
            words,
            punct,
            chars,
        }
    }

    #[test]
    fn each_language_finds_its_own_lengths() {
        let values = unit_values([
            ("hy", lengths(7, 2, 51)),
            ("az", lengths(6, 1, 48)),
            ("ru", lengths(MAX, 0, 9)),
            ("en", lengths(0, 0, 0)),
        ]);
        assert_eq!(find(&values, key_tag("hy")), Some(lengths(7, 2, 51)));
        assert_eq!(find(&values, key_tag("az")), Some(lengths(6, 1, 48)));
        assert_eq!(find(&values, key_tag("ru")), Some(lengths(MAX, 0, 9)));
        assert_eq!(find(&values, key_tag("en")), Some(lengths(0, 0, 0)));
        assert_eq!(find(&values, key_tag("sr-Latn")), None);
        // Too long to pack: no value, so the unit is read.
        let long = unit_values([("hy", lengths(3, 0, MAX + 1))]);
        assert!(long.is_empty());
    }

    #[test]
    fn languages_sharing_a_tag_go_without() {
        // Two keys with one tag, found by trying: both lose their value, the others keep it.
        let mut by_tag = std::collections::HashMap::new();
        let (a, b) = (0..)
            .map(|n| format!("x{n}"))
            .find_map(|key| {
                let tag = key_tag(&key);
                match by_tag.get(&tag) {
                    Some(first) => Some((String::clone(first), key)),
                    None => {
                        by_tag.insert(tag, key);
                        None
                    }
                }
            })
            .expect("16-bit tags collide");
        let (a, b) = (a.as_str(), b.as_str());
        let values = unit_values([
            (a, lengths(1, 0, 3)),
            (b, lengths(2, 0, 7)),
            ("hy", lengths(4, 1, 20)),
        ]);
        assert_eq!(values.len(), 1);
        assert_eq!(find(&values, key_tag(a)), None);
        assert_eq!(find(&values, key_tag("hy")), Some(lengths(4, 1, 20)));
    }
}
