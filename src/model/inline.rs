//! Inline codes: the formatting a segment carries beside its words (a link, emphasis, a line
//! break), whatever file format it came in, and their interchange form.
//!
//! A variant's plain `text` is what matching sees; its codes stand between the characters,
//! at char offsets. The interchange form is TMX 1.4's inline vocabulary (`<bpt>`, `<ept>`,
//! `<it>`, `<ph>`), which XLIFF 1.2 shares: it is what [`super::unit::Variant::markup`]
//! stores, what TMX export writes verbatim and what other writers read back with
//! their own parsers.

/// Where a code stands in a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// Opens a span (`<a href>`, `<em>`), closed by the [`CodeKind::Close`] of the same pair.
    Open,
    /// Closes the span of the same pair.
    Close,
    /// Stands alone (`<br>`, an image, a placeholder).
    Standalone,
}

/// One inline code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineCode {
    pub kind: CodeKind,
    /// Pairs an opening code with its closing one (unique within the text it came with).
    pub pair: u32,
    /// The char offset in the plain text where the code stands.
    pub at: usize,
    /// What the code is in its own format, verbatim: `<a href="/x">`, `</em>`, `<br>`.
    pub native: String,
    /// The kind of formatting, in TMX's `type` vocabulary (`link`, `italic`, `bold`, `lb`) or
    /// an `x-` name.
    pub ctype: String,
}

/// One step through a text with its codes in place: a code, or a char of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Code(&'a InlineCode),
    Char(char),
}

/// The text's chars with the codes where they stand: a code before the char at its offset,
/// codes past the end after the last char. What every writer of codes walks.
pub fn pieces<'a>(text: &'a str, codes: &'a [InlineCode]) -> impl Iterator<Item = Piece<'a>> + 'a {
    let mut codes = codes.iter().peekable();
    let mut chars = text.chars().enumerate().peekable();
    std::iter::from_fn(move || {
        let offset = chars.peek().map_or(usize::MAX, |(k, _)| *k);
        if let Some(code) = codes.next_if(|c| c.at <= offset) {
            return Some(Piece::Code(code));
        }
        chars.next().map(|(_, c)| Piece::Char(c))
    })
}

/// A plain text with its inline codes, in order of `at`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tagged {
    pub text: String,
    pub codes: Vec<InlineCode>,
}

impl Tagged {
    /// The part of the text between chars `start` and `end`, with the codes that stand in
    /// it. A code exactly at a cut goes with the text it touches: an opening code at `start`
    /// and a closing code at `end` are inside; an opening code at `end` belongs to what
    /// follows, a closing code at `start` to what precedes.
    pub fn slice(&self, start: usize, end: usize) -> Tagged {
        let text: String = self.text.chars().skip(start).take(end - start).collect();
        let codes = self
            .codes
            .iter()
            .filter(|c| {
                (start < c.at && c.at < end)
                    || (c.at == start && c.kind != CodeKind::Close)
                    || (c.at == end && c.kind == CodeKind::Close)
                    || (start == end && c.at == start)
            })
            .map(|c| InlineCode {
                at: c.at - start,
                ..c.clone()
            })
            .collect();
        Tagged { text, codes }
    }

    /// The text in NFC with its codes still where they stood: NFC can change the number of
    /// chars (U+0F93 decomposes into two), so each stretch between code positions is
    /// composed on its own and the positions counted again. (Found by the `html` fuzz
    /// target: the codes had kept their pre-NFC offsets.)
    pub fn nfc(self) -> Tagged {
        // Unchanged text keeps its codes. (Not merely the same length: a char NFC splits in
        // two before a code and a pair it joins after it leave the length as it was and move
        // the code; found by the `html` fuzz target.)
        if let std::borrow::Cow::Borrowed(_) = super::text::nfc(&self.text) {
            return self;
        }
        let chars: Vec<char> = self.text.chars().collect();
        let mut cuts: Vec<usize> = self.codes.iter().map(|c| c.at.min(chars.len())).collect();
        cuts.sort_unstable();
        cuts.dedup();
        let (mut text, mut moved, mut from) = (String::new(), Vec::new(), 0);
        for cut in cuts.into_iter().chain([chars.len()]) {
            let stretch: String = chars[from..cut].iter().collect();
            text.push_str(&super::text::nfc(&stretch));
            moved.push((cut, text.chars().count()));
            from = cut;
        }
        let codes = self
            .codes
            .into_iter()
            .map(|c| {
                let at = c.at.min(chars.len());
                let to = moved.iter().find(|(cut, _)| *cut == at).map_or(0, |m| m.1);
                InlineCode { at: to, ..c }
            })
            .collect();
        Tagged { text, codes }
    }

    /// The same, its pairs numbered from 1 in order of appearance (as a segment of its own
    /// numbers them in every exchange format).
    pub fn renumbered(mut self) -> Tagged {
        let mut numbers = std::collections::HashMap::new();
        for code in &mut self.codes {
            let next = numbers.len() as u32 + 1;
            code.pair = *numbers.entry(code.pair).or_insert(next);
        }
        self
    }

    /// The text in TMX inline markup, or `None` when it has no codes (the plain text says
    /// it all). A pair both of whose codes are inside becomes `<bpt>`/`<ept>`; a code whose
    /// partner fell into another segment becomes `<it>`; a standalone one `<ph>`.
    pub fn to_markup(&self) -> Option<String> {
        if self.codes.is_empty() {
            return None;
        }
        let opened: std::collections::HashSet<u32> = self
            .codes
            .iter()
            .filter(|c| c.kind == CodeKind::Open)
            .map(|c| c.pair)
            .collect();
        let closed: std::collections::HashSet<u32> = self
            .codes
            .iter()
            .filter(|c| c.kind == CodeKind::Close)
            .map(|c| c.pair)
            .collect();
        // Pairs are numbered from 1 in each segment, in order of appearance, as CAT tools
        // number them (the source may number them across a whole document).
        let mut numbers = std::collections::HashMap::new();
        for code in &self.codes {
            let next = numbers.len() as u32 + 1;
            numbers.entry(code.pair).or_insert(next);
        }
        let mut out = String::with_capacity(self.text.len() + 64 * self.codes.len());
        let write_code = |code: &InlineCode, out: &mut String| {
            let ctype = escape_attr(&code.ctype);
            // ` type="…"`, or nothing for a code of no known kind.
            let ctype = if ctype.is_empty() {
                String::new()
            } else {
                format!(" type=\"{ctype}\"")
            };
            let native = escape_text(&code.native);
            let i = numbers[&code.pair];
            match code.kind {
                CodeKind::Open if closed.contains(&code.pair) => {
                    out.push_str(&format!("<bpt i=\"{i}\"{ctype}>{native}</bpt>"));
                }
                CodeKind::Close if opened.contains(&code.pair) => {
                    out.push_str(&format!("<ept i=\"{i}\">{native}</ept>"));
                }
                CodeKind::Open => {
                    out.push_str(&format!("<it pos=\"begin\" x=\"{i}\"{ctype}>{native}</it>"))
                }
                CodeKind::Close => {
                    out.push_str(&format!("<it pos=\"end\" x=\"{i}\"{ctype}>{native}</it>"))
                }
                CodeKind::Standalone => {
                    out.push_str(&format!("<ph x=\"{i}\"{ctype}>{native}</ph>"))
                }
            }
        };
        for piece in pieces(&self.text, &self.codes) {
            match piece {
                Piece::Code(code) => write_code(code, &mut out),
                Piece::Char(c) => {
                    let mut buf = [0u8; 4];
                    out.push_str(&escape_text(c.encode_utf8(&mut buf)));
                }
            }
        }
        Some(out)
    }
}

/// Texts joined by a space, in markup when any of them has markup (the plain ones escaped);
/// `None` when none has: a unit of several sentences keeps each one's codes.
pub fn join_markup(parts: &[(&str, Option<&str>)]) -> Option<String> {
    if parts.iter().all(|(_, markup)| markup.is_none()) {
        return None;
    }
    let pieces: Vec<String> = parts
        .iter()
        .map(|(text, markup)| match markup {
            Some(markup) => markup.to_string(),
            None => escape_text(text),
        })
        .collect();
    Some(pieces.join(" "))
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn escape_attr(s: &str) -> String {
    escape_text(s).replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(kind: CodeKind, pair: u32, at: usize, native: &str, ctype: &str) -> InlineCode {
        InlineCode {
            kind,
            pair,
            at,
            native: native.into(),
            ctype: ctype.into(),
        }
    }

    fn sample() -> Tagged {
        // "Read the report. It is long." with "the report" linked and "long" emphasised.
        Tagged {
            text: "Read the report. It is long.".into(),
            codes: vec![
                code(CodeKind::Open, 1, 5, "<a href=\"/r?a=1&b=2\">", "link"),
                code(CodeKind::Close, 1, 15, "</a>", "link"),
                code(CodeKind::Open, 2, 23, "<em>", "italic"),
                code(CodeKind::Close, 2, 27, "</em>", "italic"),
            ],
        }
    }

    #[test]
    fn a_pair_inside_a_slice_becomes_bpt_and_ept_with_escaped_native_code() {
        let first = sample().slice(0, 16);
        assert_eq!(first.text, "Read the report.");
        assert_eq!(
            first.to_markup().unwrap(),
            "Read <bpt i=\"1\" type=\"link\">&lt;a href=\"/r?a=1&amp;b=2\"&gt;</bpt>the report\
             <ept i=\"1\">&lt;/a&gt;</ept>."
        );
        let second = sample().slice(17, 28);
        assert_eq!(second.codes[0].at, 6);
        let markup = second.to_markup().unwrap();
        assert!(markup.contains("<bpt i=\"1\" type=\"italic\""), "{markup}");
    }

    #[test]
    fn a_pair_cut_by_a_sentence_end_becomes_isolated_codes() {
        let tagged = Tagged {
            text: "One two. Three.".into(),
            codes: vec![
                code(CodeKind::Open, 1, 4, "<b>", "bold"),
                code(CodeKind::Close, 1, 14, "</b>", "bold"),
            ],
        };
        let first = tagged.slice(0, 8).to_markup().unwrap();
        assert!(first.contains("<it pos=\"begin\" x=\"1\""), "{first}");
        let second = tagged.slice(9, 15).to_markup().unwrap();
        assert!(second.contains("<it pos=\"end\" x=\"1\""), "{second}");
    }

    #[test]
    fn codes_at_a_cut_go_with_the_text_they_touch() {
        let tagged = Tagged {
            text: "ab".into(),
            codes: vec![
                code(CodeKind::Close, 1, 1, "</i>", "italic"),
                code(CodeKind::Open, 2, 1, "<b>", "bold"),
            ],
        };
        assert_eq!(tagged.slice(0, 1).codes.len(), 1);
        assert_eq!(tagged.slice(0, 1).codes[0].kind, CodeKind::Close);
        assert_eq!(tagged.slice(1, 2).codes[0].kind, CodeKind::Open);
        assert_eq!(Tagged::default().to_markup(), None);
    }

    /// NFC splits U+0F93 in two before the code and joins n + U+0300 after it: the length
    /// stays, the code moves one char on (found by the `html` fuzz target).
    #[test]
    fn nfc_moves_a_code_when_the_text_before_it_changes_length() {
        let tagged = Tagged {
            text: "x\u{f93}ab n\u{300}".into(),
            codes: vec![code(CodeKind::Standalone, 1, 4, "<br>", "lb")],
        };
        let composed = tagged.nfc();
        assert_eq!(composed.text, "x\u{f92}\u{fb7}ab \u{1f9}");
        assert_eq!(composed.codes[0].at, 5, "still just before the space");
    }
}
