//! A version cut into blocks and sentences, each sentence with its place and inline codes.
//!
//! Offsets are in chars, after NFC: a title sentence's in the title, a lead sentence's in
//! the lead; a body sentence's in the plain `body`, or in the text content of the `html`
//! with its blocks joined by a blank line (`\n\n`).

use crate::formats::html;
use crate::model::inline::Tagged;
use crate::model::lang::Lang;
use crate::model::text::{fold_whitespace, nfc};
use crate::text::sentences::split;

use super::article::{ArticleProblem, Body, Version};

/// Where a sentence stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Block {
    Title,
    Lead,
    /// The index of a body block (paragraph, heading, list item).
    Body(usize),
}

/// One sentence of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSentence {
    /// The sentence, NFC, white space folded: what its unit's variant holds.
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub block: Block,
    /// Its inline codes in the model's interchange form, when it has any.
    pub markup: Option<String>,
    /// The same codes, at char offsets of `text`.
    pub codes: Vec<crate::model::inline::InlineCode>,
}

/// The body's blocks as tagged texts, with each block's char offset in the body.
fn body_blocks(body: &Body) -> Vec<(usize, Tagged)> {
    match body {
        Body::Plain(text) => {
            let text = nfc(text);
            let mut blocks = Vec::new();
            // A paragraph runs from its first non-blank line to the line before a blank one.
            let mut offset = 0usize;
            let mut current: Option<(usize, String)> = None;
            for line in text.split_inclusive('\n') {
                let chars = line.chars().count();
                if line.trim().is_empty() {
                    if let Some(block) = current.take() {
                        blocks.push(block);
                    }
                } else {
                    // A line break inside a paragraph is a wrapped line, not a sentence end:
                    // a space in its place keeps every offset.
                    let line = line.replace(['\n', '\r'], " ");
                    match &mut current {
                        Some((_, paragraph)) => paragraph.push_str(&line),
                        None => current = Some((offset, line)),
                    }
                }
                offset += chars;
            }
            blocks.extend(current);
            blocks
                .into_iter()
                .map(|(start, text)| {
                    (
                        start,
                        Tagged {
                            text,
                            codes: Vec::new(),
                        },
                    )
                })
                .collect()
        }
        Body::Html(markup) => {
            let mut offset = 0;
            html::blocks(markup)
                .into_iter()
                .map(|block| {
                    let start = offset;
                    offset += block.tagged.text.chars().count() + 2;
                    (start, block.tagged)
                })
                .collect()
        }
    }
}

/// The body's blocks for display: each block's element (`p` for a plain paragraph) and its
/// text with inline codes.
pub fn display_blocks(body: &Body) -> Vec<(String, Tagged)> {
    match body {
        Body::Plain(_) => body_blocks(body)
            .into_iter()
            .map(|(_, tagged)| {
                let text = fold_whitespace(&tagged.text);
                (
                    "p".to_string(),
                    Tagged {
                        text,
                        codes: Vec::new(),
                    },
                )
            })
            .collect(),
        Body::Html(markup) => html::blocks(markup)
            .into_iter()
            .map(|b| (b.tag, b.tagged))
            .collect(),
    }
}

fn push_sentences(
    lang: &Lang,
    tagged: &Tagged,
    offset: usize,
    block: Block,
    out: &mut Vec<VersionSentence>,
) {
    for sentence in split(lang, &tagged.text) {
        let slice = tagged.slice(sentence.start, sentence.end).renumbered();
        let markup = slice.to_markup();
        // A sentence with codes keeps its text as the codes' markup has it (HTML white
        // space is collapsed already); a plain one is folded (line breaks inside a paragraph).
        let text = match markup {
            Some(_) => sentence.text,
            None => fold_whitespace(&sentence.text),
        };
        out.push(VersionSentence {
            text,
            start: offset + sentence.start,
            end: offset + sentence.end,
            block,
            markup,
            codes: slice.codes,
        });
    }
}

/// The sentences of a version in reading order: title, lead, body; a sentence over
/// `max_chars` is refused.
pub fn version_sentences(
    version: &Version,
    max_chars: usize,
) -> Result<Vec<VersionSentence>, ArticleProblem> {
    let lang = &version.lang;
    let mut out = Vec::new();
    let plain = |text: &str| Tagged {
        text: nfc(text).into_owned(),
        codes: Vec::new(),
    };
    push_sentences(lang, &plain(&version.title), 0, Block::Title, &mut out);
    if let Some(lead) = &version.lead {
        push_sentences(lang, &plain(lead), 0, Block::Lead, &mut out);
    }
    let before_body = out.len();
    for (index, (offset, tagged)) in body_blocks(&version.body).into_iter().enumerate() {
        push_sentences(lang, &tagged, offset, Block::Body(index), &mut out);
    }
    if out.len() == before_body {
        return Err(ArticleProblem::NoText(lang.tag().to_string()));
    }
    for sentence in &out {
        if let Some(problem) = crate::model::unit::text_problem(&sentence.text, max_chars) {
            return Err(ArticleProblem::Text {
                lang: lang.tag().to_string(),
                problem,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(lang: &str, body: Body) -> Version {
        Version {
            lang: Lang::parse(lang).unwrap(),
            title: "Title here".into(),
            lead: None,
            body,
            published: false,
        }
    }

    #[test]
    fn plain_offsets_count_in_the_body_and_html_offsets_in_its_joined_text() {
        let body = "First one. Second one.\n\nThird\nline.\n";
        let found = version_sentences(
            &version("en", Body::Plain(body.into())),
            crate::model::unit::MAX_TEXT_CHARS,
        )
        .unwrap();
        let chars: Vec<char> = body.chars().collect();
        for s in &found[1..] {
            let slice: String = chars[s.start..s.end].iter().collect();
            assert_eq!(fold_whitespace(&slice), s.text);
        }
        assert_eq!(found[0].block, Block::Title);
        assert_eq!(found[3].block, Block::Body(1));
        assert_eq!(found[3].text, "Third line.");

        let html = "<p>Read <a href=\"/x\">this</a>. Then go.</p><p>Next.</p>";
        let found = version_sentences(
            &version("en", Body::Html(html.into())),
            crate::model::unit::MAX_TEXT_CHARS,
        )
        .unwrap();
        let joined = "Read this. Then go.\n\nNext.";
        let chars: Vec<char> = joined.chars().collect();
        for s in &found[1..] {
            let slice: String = chars[s.start..s.end].iter().collect();
            assert_eq!(slice, s.text);
        }
        assert!(found[1]
            .markup
            .as_deref()
            .unwrap()
            .contains("<bpt i=\"1\" type=\"link\">"));
        assert_eq!(found[2].markup, None);
    }

    #[test]
    fn a_body_without_text_is_refused() {
        let empty = version("en", Body::Html("<script>x</script><p> </p>".into()));
        assert_eq!(
            version_sentences(&empty, crate::model::unit::MAX_TEXT_CHARS),
            Err(ArticleProblem::NoText("en".into()))
        );
    }
}
