//! What two sentences in different languages visibly share, whatever their scripts: numbers
//! (read in each language's number style, so `1 000,5` meets `1,000.5`), codes (URLs,
//! e-mails, handles), Latin-script words and proper names through a consonant skeleton that
//! Ալիև, Алиев, Əliyev and Aliyev share.

use crate::model::lang::Lang;
use crate::text::numbers::{parse, style, Part};
use crate::text::{tokenize, Token, TokenKind};

/// The anchors of one sentence, sorted (a multiset).
pub type Anchors = Vec<String>;

/// The anchors of `text` in `lang`.
pub fn anchors(lang: &Lang, text: &str) -> Anchors {
    anchors_of(lang, text, &tokenize(lang, text))
}

/// The anchors of `text` in `lang`, from its `tokens` (what [`tokenize`] made of it).
pub fn anchors_of(lang: &Lang, text: &str, tokens: &[Token]) -> Anchors {
    let own = style(lang);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut first_word = true;
    for token in tokens {
        let raw: String = chars[token.start..token.end].iter().collect();
        match token.kind {
            TokenKind::Number => {
                let values: Vec<String> = parse(&raw, &own)
                    .into_iter()
                    .filter_map(|part| match part {
                        Part::Value { int, frac, .. } => Some(match frac {
                            Some(f) => format!("{int}.{f}"),
                            None => int,
                        }),
                        Part::Sep(_) => None,
                    })
                    .collect();
                // The values alone, whatever separators wrote them: `1 000,5` is `1000.5`.
                if !values.is_empty() {
                    out.push(format!("#{}", values.join("|")));
                }
            }
            TokenKind::Code => out.push(format!("@{}", token.norm)),
            TokenKind::Word => {
                let capital = raw.chars().next().is_some_and(char::is_uppercase);
                // A capitalised word that does not open the sentence is most likely a name;
                // the sentence's first word is a name only if it is all capitals (an acronym).
                let acronym = raw.chars().count() >= 2 && raw.chars().all(|c| !c.is_lowercase());
                if (capital && !first_word) || acronym {
                    if let Some(key) = skeleton(&raw) {
                        out.push(format!("~{key}"));
                    }
                }
                first_word = false;
            }
            TokenKind::Punct => {}
        }
    }
    out.sort_unstable();
    out
}

/// How much two anchor multisets agree: `None` when either has none (nothing to tell),
/// else the share of anchors in common (Dice coefficient, 0–1).
pub fn agreement<T: Ord>(a: &[T], b: &[T]) -> Option<f32> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    Some(2.0 * common(a, b) as f32 / (a.len() + b.len()) as f32)
}

/// The size of the multiset intersection of two sorted lists.
pub fn common<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    n
}

/// The consonant skeleton of a name, its first three consonant classes: vowels, glides and
/// `h` dropped, digraphs read as one sound, doubled letters once. Endings added by
/// inflection (`Ալիևը`, `Ալիևի`, `Алиева`) fall outside the three kept.
pub fn skeleton(word: &str) -> Option<String> {
    let lower: Vec<char> = word.to_lowercase().chars().collect();
    let mut classes: Vec<char> = Vec::new();
    let mut i = 0;
    while i < lower.len() {
        let c = lower[i];
        let next = lower.get(i + 1).copied();
        // Latin digraphs first: sh, ch, zh, kh, gh, ts.
        let (class, width) = match (c, next) {
            ('s', Some('h')) => (Some('S'), 2),
            ('c', Some('h')) => (Some('C'), 2),
            ('z', Some('h')) => (Some('Z'), 2),
            ('k', Some('h')) => (Some('X'), 2),
            ('g', Some('h')) => (Some('G'), 2),
            ('t', Some('s')) => (Some('T'), 2),
            _ => (class_of(c), 1),
        };
        if let Some(class) = class {
            if classes.last() != Some(&class) {
                classes.push(class);
            }
        }
        i += width;
    }
    if classes.len() < 2 {
        return None;
    }
    Some(classes.into_iter().take(3).collect())
}

/// The consonant class of one (lower-case) letter in Latin (with az letters), Cyrillic or
/// Armenian script; `None` for vowels, glides, `h` and anything else.
fn class_of(c: char) -> Option<char> {
    let class = match c {
        'b' | 'б' | 'բ' => 'b',
        'p' | 'п' | 'պ' | 'փ' => 'p',
        'v' | 'w' | 'в' | 'վ' | 'ւ' | 'և' => 'v',
        'f' | 'ф' | 'ֆ' => 'f',
        'd' | 'д' | 'դ' => 'd',
        't' | 'т' | 'տ' | 'թ' => 't',
        'g' | 'г' | 'գ' => 'g',
        'ğ' | 'ղ' | 'ғ' => 'G',
        'k' | 'q' | 'к' | 'կ' | 'ք' => 'k',
        'x' | 'х' | 'խ' => 'X',
        'l' | 'л' | 'լ' => 'l',
        'm' | 'м' | 'մ' => 'm',
        'n' | 'н' | 'ն' => 'n',
        'r' | 'р' | 'ր' | 'ռ' => 'r',
        's' | 'с' | 'ս' => 's',
        'z' | 'з' | 'զ' => 'z',
        'ş' | 'ш' | 'щ' | 'շ' => 'S',
        'ç' | 'ч' | 'չ' | 'ճ' => 'C',
        'c' | 'ц' | 'ց' | 'ծ' => 'T',
        'j' | 'ж' | 'ժ' | 'ջ' | 'ձ' => 'Z',
        _ => return None,
    };
    Some(class)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_name_in_three_scripts_and_its_inflections_shares_a_skeleton() {
        let keys: Vec<Option<String>> = [
            "Aliyev",
            "Əliyev",
            "Алиев",
            "Алиева",
            "Ալիև",
            "Ալիևը",
            "Ալիևի",
        ]
        .iter()
        .map(|w| skeleton(w))
        .collect();
        assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
        let pashinyan: Vec<Option<String>> = ["Pashinyan", "Paşinyan", "Пашинян", "Փաշինյան"]
            .iter()
            .map(|w| skeleton(w))
            .collect();
        assert!(
            pashinyan.iter().all(|k| k == &pashinyan[0]),
            "{pashinyan:?}"
        );
        assert_ne!(keys[0], pashinyan[0]);
    }

    #[test]
    fn numbers_meet_across_number_styles() {
        let en = anchors(
            &Lang::parse("en").unwrap(),
            "They paid 1,000.5 dollars in 2026.",
        );
        let ru = anchors(
            &Lang::parse("ru").unwrap(),
            "Они заплатили 1 000,5 долларов в 2026 году.",
        );
        let az = anchors(
            &Lang::parse("az").unwrap(),
            "Onlar 2026-cı ildə 1.000,5 dollar ödədilər.",
        );
        assert_eq!(agreement(&en, &ru), Some(1.0), "{en:?} {ru:?}");
        assert_eq!(agreement(&en, &az), Some(1.0), "{en:?} {az:?}");
        assert_eq!(agreement(&en, &[]), None);
    }
}
