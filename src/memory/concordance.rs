//! Concordance: the stored sentences that contain a phrase, in any inflection, with where.

use std::collections::BTreeMap;

use super::{target_texts, Memory, MemoryError, PREFIX_CHARS};
use crate::index::Pattern;
use crate::model::lang::Lang;
use crate::model::unit::Unit;
use crate::text::stem::{same_stem, stem};
use crate::text::{nfc, tokenize, Token, TokenKind};

/// A phrase to look for.
#[derive(Debug, Clone)]
pub struct ConcordanceQuery {
    pub phrase: String,
    pub lang: Lang,
    /// Empty: every other language of the unit.
    pub targets: Vec<Lang>,
    pub limit: usize,
}

impl ConcordanceQuery {
    pub const DEFAULT_LIMIT: usize = 20;
    pub const MAX_LIMIT: usize = 200;
    /// The longest phrase looked for, in chars: a concordance finds terms and short
    /// phrases; each word becomes an index pattern.
    pub const MAX_PHRASE_CHARS: usize = 200;
    /// The longest word of a phrase, in chars (no word of any of the languages is longer; a
    /// longer "word" would make an index pattern too large to run).
    pub const MAX_WORD_CHARS: usize = 64;

    /// Why the phrase cannot be looked for, if it cannot.
    pub fn problem(&self) -> Option<String> {
        let chars = self.phrase.chars().count();
        if chars > Self::MAX_PHRASE_CHARS {
            return Some(format!(
                "the phrase has {chars} characters; look for at most {} (a term or a short phrase)",
                Self::MAX_PHRASE_CHARS
            ));
        }
        let longest = self
            .phrase
            .split(char::is_whitespace)
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0);
        (longest > Self::MAX_WORD_CHARS).then(|| {
            format!(
                "a word of the phrase has {longest} characters; words have at most {}",
                Self::MAX_WORD_CHARS
            )
        })
    }
}

/// Where the phrase stands in a sentence, in chars.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One sentence holding the phrase, with its translations.
#[derive(Debug, Clone)]
pub struct ConcordanceHit {
    pub text: String,
    pub spans: Vec<Span>,
    pub targets: BTreeMap<String, String>,
    pub unit: Unit,
}

/// How many more chars than its stem an inflected form may have (`нов`/`новому`).
const MAX_ENDING: usize = 6;

/// Whether a stored word is the phrase word in some inflection.
fn inflects(lang: &Lang, phrase: &Token, stored: &Token) -> bool {
    if phrase.norm == stored.norm {
        return true;
    }
    phrase.kind == TokenKind::Word
        && stored.kind == TokenKind::Word
        && same_stem(lang, &phrase.norm, &stored.norm)
}

/// Every place the phrase's words stand in a row (punctuation between them allowed).
fn find_spans(lang: &Lang, text: &str, stored: &[Token], phrase: &[Token]) -> Vec<Span> {
    let words: Vec<&Token> = stored
        .iter()
        .filter(|t| t.kind != TokenKind::Punct)
        .collect();
    let mut spans = Vec::new();
    if phrase.is_empty() || words.len() < phrase.len() {
        return spans;
    }
    for at in 0..=words.len() - phrase.len() {
        if phrase
            .iter()
            .zip(&words[at..])
            .all(|(p, s)| inflects(lang, p, s))
        {
            let (start, end) = (words[at].start, words[at + phrase.len() - 1].end);
            spans.push(Span {
                start,
                end,
                text: text.chars().skip(start).take(end - start).collect(),
            });
        }
    }
    spans
}

/// Regex-escapes a term.
fn escape(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 4);
    for c in term.chars() {
        if "\\.+*?()|[]{}^$#&-~\"<>@".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Memory {
    /// The units whose `query.lang` variant contains the phrase, best first.
    pub fn concordance(
        &self,
        query: &ConcordanceQuery,
    ) -> Result<Vec<ConcordanceHit>, MemoryError> {
        if let Some(problem) = query.problem() {
            return Err(MemoryError::InvalidQuery(problem));
        }
        let phrase_text = nfc(&query.phrase).into_owned();
        let phrase: Vec<Token> = tokenize(&query.lang, &phrase_text)
            .into_iter()
            .filter(|t| t.kind != TokenKind::Punct)
            .collect();
        if phrase.is_empty() {
            return Ok(Vec::new());
        }
        let key = query.lang.key();
        // Each phrase word must be there: as itself, or (words) as any stored word starting
        // with its stem (or, without a stemmer, with all but its last two chars).
        let groups: Vec<Vec<Pattern>> = phrase
            .iter()
            .map(|token| {
                let norm = token.norm.replace(' ', "_");
                let mut group = vec![Pattern::Term(format!("{key}|{norm}"))];
                if token.kind == TokenKind::Word {
                    let chars: Vec<char> = norm.chars().collect();
                    let stem: String = match stem(&query.lang, &norm) {
                        Some(stem) => stem.into_owned(),
                        None => chars[..chars.len().saturating_sub(2).max(3).min(chars.len())]
                            .iter()
                            .collect(),
                    };
                    if stem.chars().count() >= 2 {
                        group.push(Pattern::Regex(format!(
                            "{}\\|{}.{{0,{MAX_ENDING}}}",
                            escape(key),
                            escape(&stem)
                        )));
                    }
                    if chars.len() > PREFIX_CHARS {
                        let prefix: String = chars[..PREFIX_CHARS].iter().collect();
                        group.push(Pattern::Term(format!("{key}>{prefix}")));
                    }
                }
                group
            })
            .collect();
        let candidates = (query.limit * 5).clamp(50, 1000);
        let hits = self.index().search_all(&groups, candidates)?;
        let mut found = Vec::new();
        for hit in hits {
            let unit: Unit = super::stored::decode(&hit.payload)?;
            let Some(variant) = unit.variants.get(key) else {
                continue;
            };
            let spans = find_spans(
                &query.lang,
                &variant.text,
                &tokenize(&query.lang, &variant.text),
                &phrase,
            );
            if spans.is_empty() {
                continue;
            }
            let targets = target_texts(&unit, key, &query.targets);
            found.push(ConcordanceHit {
                text: variant.text.clone(),
                spans,
                targets,
                unit,
            });
            if found.len() == query.limit {
                break;
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(tag: &str, text: &str, phrase: &str) -> Vec<String> {
        let lang = Lang::parse(tag).unwrap();
        let phrase: Vec<Token> = tokenize(&lang, phrase)
            .into_iter()
            .filter(|t| t.kind != TokenKind::Punct)
            .collect();
        find_spans(&lang, text, &tokenize(&lang, text), &phrase)
            .into_iter()
            .map(|s| s.text)
            .collect()
    }

    #[test]
    fn finds_inflected_phrases_with_char_offsets() {
        assert_eq!(
            spans("ru", "Новый мост через Куру. Мостами гордятся.", "мост"),
            ["мост", "Мостами"]
        );
        assert_eq!(
            spans("hy", "Ալիևի և Փաշինյանի հանդիպումը", "Ալիևը"),
            ["Ալիևի"]
        );
        assert_eq!(
            spans("az", "İlham Əliyevin çıxışı", "ilham əliyev"),
            ["İlham Əliyevin"]
        );
        assert_eq!(
            spans(
                "en",
                "The railway line, between them",
                "railway line between"
            ),
            ["railway line, between"]
        );
        assert!(spans("en", "The rail", "railway").is_empty());
    }
}
