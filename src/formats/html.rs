//! Article bodies as a CMS stores them (HTML) into blocks of plain text with inline codes.
//!
//! Parsed by html5ever (through `scraper`), as a browser would parse the fragment: entities
//! are decoded, broken markup is repaired, comments vanish. Blocks are `p`, `h1`–`h6`, `li`,
//! `blockquote`, `figcaption` (and any other block container holding text directly);
//! `script`, `style`, media and forms are dropped whole; `a`, `em`, `strong`, `b`, `i`,
//! `u`, `span`, `sub`, `sup`, `mark`, `small`, `code`, `q` become paired inline codes and
//! `br` a standalone one. White space collapses as a browser renders it.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

use crate::model::inline::{pieces, CodeKind, InlineCode, Piece, Tagged};

/// One block of an article body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlBlock {
    /// The block's element (`p`, `h2`, `li` …; `div` for text outside any block).
    pub tag: String,
    /// Its text, NFC, with its inline codes.
    pub tagged: Tagged,
}

/// Elements dropped with everything inside them.
fn is_dropped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "iframe"
            | "img"
            | "picture"
            | "video"
            | "audio"
            | "source"
            | "track"
            | "svg"
            | "math"
            | "object"
            | "embed"
            | "canvas"
            | "head"
            | "title"
            | "form"
            | "button"
            | "input"
            | "select"
            | "textarea"
    )
}

/// Elements that end the block before them and start a new one.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "blockquote"
            | "figcaption"
            | "div"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "aside"
            | "main"
            | "figure"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "pre"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "hr"
            | "body"
            | "html"
    )
}

/// The inline code type of a formatting element (TMX's `type` vocabulary where it has one).
fn code_type(name: &str) -> Option<&'static str> {
    Some(match name {
        "a" => "link",
        "em" | "i" => "italic",
        "strong" | "b" => "bold",
        "u" => "ulined",
        "span" => "x-span",
        "sub" => "x-sub",
        "sup" => "x-sup",
        "mark" => "x-mark",
        "small" => "x-small",
        "code" => "x-code",
        "q" => "x-quote",
        "br" => "lb",
        _ => return None,
    })
}

/// The start tag as written back: its name and attributes, values escaped.
fn start_tag(element: &scraper::node::Element) -> String {
    let mut out = format!("<{}", element.name());
    for (name, value) in element.attrs() {
        let value = value
            .replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;");
        out.push_str(&format!(" {name}=\"{value}\""));
    }
    out.push('>');
    out
}

/// Builds one block: text with collapsed white space, codes at char offsets.
#[derive(Default)]
struct Builder {
    tag: Option<String>,
    text: String,
    chars: usize,
    space_pending: bool,
    codes: Vec<InlineCode>,
    next_pair: u32,
}

impl Builder {
    fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            // HTML's white space (not U+00A0, which a browser keeps).
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C') {
                self.space_pending = self.chars > 0;
            } else {
                self.flush_space();
                self.text.push(c);
                self.chars += 1;
            }
        }
    }

    fn flush_space(&mut self) {
        if self.space_pending {
            self.text.push(' ');
            self.chars += 1;
            self.space_pending = false;
        }
    }

    fn code(&mut self, kind: CodeKind, pair: u32, native: String, ctype: &str) {
        // A span opens after the space before it; a span closes before the space after it.
        if kind == CodeKind::Open {
            self.flush_space();
        }
        self.codes.push(InlineCode {
            kind,
            pair,
            at: self.chars,
            native,
            ctype: ctype.to_string(),
        });
    }

    /// The finished block, if it holds any text; the builder starts afresh.
    fn finish(&mut self, blocks: &mut Vec<HtmlBlock>) {
        let built = std::mem::take(self);
        self.next_pair = built.next_pair;
        if built.chars == 0 {
            return;
        }
        let chars = built.chars;
        let codes = built
            .codes
            .into_iter()
            .map(|c| InlineCode {
                at: c.at.min(chars),
                ..c
            })
            .collect();
        blocks.push(HtmlBlock {
            tag: built.tag.unwrap_or_else(|| "div".into()),
            tagged: Tagged {
                text: built.text,
                codes,
            }
            .nfc(),
        });
    }
}

/// The blocks of an HTML fragment, in reading order; blocks without text are left out.
pub fn blocks(html: &str) -> Vec<HtmlBlock> {
    let document = Html::parse_fragment(html);
    let mut blocks = Vec::new();
    let mut builder = Builder::default();
    // The node whose subtree is being dropped, and the open pairs (node id → pair).
    let mut dropping: Option<ego_tree::NodeId> = None;
    let mut open: Vec<(ego_tree::NodeId, u32, &'static str, String)> = Vec::new();
    // An iterative walk: a deeply nested body cannot exhaust the stack.
    for edge in document.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if dropping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(text) => builder.push_text(text),
                    Node::Element(element) => {
                        let name = element.name();
                        if is_dropped(name) {
                            dropping = Some(node.id());
                        } else if is_block(name) {
                            builder.finish(&mut blocks);
                            builder.tag = Some(name.to_string());
                        } else if let Some(ctype) = code_type(name) {
                            builder.next_pair += 1;
                            let pair = builder.next_pair;
                            if name == "br" {
                                builder.code(CodeKind::Standalone, pair, "<br>".into(), ctype);
                                builder.space_pending = builder.chars > 0;
                            } else {
                                builder.code(CodeKind::Open, pair, start_tag(element), ctype);
                                open.push((node.id(), pair, ctype, name.to_string()));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = dropping {
                    if id == node.id() {
                        dropping = None;
                    }
                    continue;
                }
                if let Node::Element(element) = node.value() {
                    if is_block(element.name()) {
                        builder.finish(&mut blocks);
                    } else if open.last().is_some_and(|(id, ..)| *id == node.id()) {
                        let (_, pair, ctype, name) = open.pop().expect("checked");
                        builder.code(CodeKind::Close, pair, format!("</{name}>"), ctype);
                    }
                }
            }
        }
    }
    builder.finish(&mut blocks);
    blocks
}

/// Formatting elements an edition page writes back, with the attributes it keeps.
fn allowed(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "a" => &["href", "title", "hreflang"],
        "em" | "strong" | "b" | "i" | "u" | "sub" | "sup" | "mark" | "small" | "code" | "q" => &[],
        "span" => &["lang"],
        _ => return None,
    })
}

/// Whether a link target is safe to write (no `javascript:` or `data:` scheme).
fn safe_href(href: &str) -> bool {
    let lower = href.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// A block's text as HTML with its inline formatting rebuilt from the codes: only the
/// elements and attributes an article needs are written (a link's `href` only with a safe
/// scheme), every text escaped, every span closed; so an editor's markup shows as written
/// and a pasted `<a onclick>` or `javascript:` link does not.
pub fn to_safe_html(tagged: &Tagged) -> String {
    let mut out = String::with_capacity(tagged.text.len() * 2);
    let mut open: Vec<(u32, String)> = Vec::new();
    let write_code = |code: &InlineCode, out: &mut String, open: &mut Vec<(u32, String)>| {
        match code.kind {
            CodeKind::Standalone if code.ctype == "lb" => out.push_str("<br>"),
            CodeKind::Standalone => {}
            CodeKind::Open => {
                let parsed = Html::parse_fragment(&code.native);
                let Some(element) = parsed
                    .root_element()
                    .descendants()
                    .filter_map(|n| n.value().as_element().map(|e| (n, e)))
                    .map(|(_, e)| e.clone())
                    .find(|e| e.name() != "html")
                else {
                    return;
                };
                let name = element.name().to_string();
                let Some(attrs) = allowed(&name) else { return };
                out.push('<');
                out.push_str(&name);
                for (key, value) in element.attrs() {
                    if !attrs.contains(&key) || (key == "href" && !safe_href(value)) {
                        continue;
                    }
                    out.push(' ');
                    out.push_str(key);
                    out.push_str("=\"");
                    escape_html(value, out);
                    out.push('"');
                }
                out.push('>');
                open.push((code.pair, name));
            }
            CodeKind::Close => {
                if let Some(k) = open.iter().rposition(|(pair, _)| *pair == code.pair) {
                    // Closing in reverse order keeps the markup well nested.
                    for (_, name) in open.drain(k..).rev() {
                        out.push_str("</");
                        out.push_str(&name);
                        out.push('>');
                    }
                }
            }
        }
    };
    for piece in pieces(&tagged.text, &tagged.codes) {
        match piece {
            Piece::Code(code) => write_code(code, &mut out, &mut open),
            Piece::Char(c) => {
                let mut buf = [0u8; 4];
                escape_html(c.encode_utf8(&mut buf), &mut out);
            }
        }
    }
    for (_, name) in open.drain(..).rev() {
        out.push_str("</");
        out.push_str(&name);
        out.push('>');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_stay_where_they_stood_when_nfc_changes_the_length() {
        // U+0F93 is one char that NFC writes as two: the `<br>` after it stays after "d".
        let blocks = blocks("<p>\u{f93}d <br>ele</p>");
        let tagged = &blocks[0].tagged;
        assert_eq!(tagged.text, "\u{f92}\u{fb7}d ele");
        assert_eq!(tagged.codes[0].at, 3, "{tagged:?}");
        assert_eq!(to_safe_html(tagged), "\u{f92}\u{fb7}d<br> ele");
    }

    #[test]
    fn blocks_codes_entities_and_dropped_elements() {
        let html = r#"<h2>Talks&nbsp;resume</h2>
            <p>The <a href="/a?x=1&amp;y=2">ministry</a> said <em>on  Monday</em>:<br>“yes”.</p>
            <script>alert(1)</script><!-- a comment -->
            <figure><img src="x.jpg"><figcaption>A <b>photo</b>.</figcaption></figure>
            <ul><li>One</li><li>Two</li></ul>"#;
        let blocks = blocks(html);
        let texts: Vec<&str> = blocks.iter().map(|b| b.tagged.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Talks\u{a0}resume",
                "The ministry said on Monday: “yes”.",
                "A photo.",
                "One",
                "Two"
            ]
        );
        assert_eq!(blocks[0].tag, "h2");
        let p = &blocks[1].tagged;
        let kinds: Vec<(CodeKind, usize, &str)> = p
            .codes
            .iter()
            .map(|c| (c.kind, c.at, c.native.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (CodeKind::Open, 4, "<a href=\"/a?x=1&amp;y=2\">"),
                (CodeKind::Close, 12, "</a>"),
                (CodeKind::Open, 18, "<em>"),
                (CodeKind::Close, 27, "</em>"),
                (CodeKind::Standalone, 28, "<br>"),
            ]
        );
        assert_eq!(blocks[2].tag, "figcaption");
    }

    #[test]
    fn edition_html_keeps_the_editors_formatting_and_nothing_unsafe() {
        let found = blocks(
            r#"<p>See <a href="https://x.org/?a=1&amp;b=2" onclick="steal()" class="c">the <em>report</em></a>, <a href="javascript:alert(1)">this</a> &amp; <span style="x">that</span><br>now &lt;b&gt;.</p>"#,
        );
        assert_eq!(
            to_safe_html(&found[0].tagged),
            r#"See <a href="https://x.org/?a=1&amp;b=2">the <em>report</em></a>, <a>this</a> &amp; <span>that</span><br> now &lt;b&gt;."#
        );
    }

    #[test]
    fn deep_nesting_and_broken_markup_do_not_hurt() {
        let deep = "<span>".repeat(50_000) + "deep" + &"</span>".repeat(50_000);
        let found = blocks(&deep);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].tagged.text, "deep");
        let broken = blocks("<p>unclosed <b>bold<p>next");
        assert_eq!(broken.len(), 2);
        assert!(blocks("<script>only</script><!-- -->").is_empty());
    }
}
