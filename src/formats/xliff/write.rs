//! Writing pre-translated XLIFF 2.1 and 1.2 documents.

use std::collections::BTreeMap;
use std::io::Write;

use quick_xml::escape::escape;

use super::{xliff2_type, Document, Segment};
use crate::model::inline::{pieces, CodeKind, InlineCode, Piece};

fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s)
}

/// The source text with its codes, through `code` for each code and escaped text between.
fn render(
    text: &str,
    codes: &[InlineCode],
    mut code: impl FnMut(&InlineCode, &mut String),
) -> String {
    let mut out = String::with_capacity(text.len() + 32 * codes.len());
    for piece in pieces(text, codes) {
        match piece {
            Piece::Code(c) => code(c, &mut out),
            Piece::Char(c) => {
                let mut buf = [0u8; 4];
                out.push_str(&esc(c.encode_utf8(&mut buf)));
            }
        }
    }
    out
}

/// Closes the paragraph group before `segment` and opens its own, when it starts a new one.
fn enter_group<'a, W: Write>(
    out: &mut W,
    group: &mut Option<&'a str>,
    segment: &'a Segment,
    indent: &str,
) -> std::io::Result<()> {
    if *group != Some(segment.group.as_str()) {
        if group.is_some() {
            writeln!(out, "{indent}</group>")?;
        }
        writeln!(out, r#"{indent}<group id="g{}">"#, esc(&segment.group))?;
        *group = Some(&segment.group);
    }
    Ok(())
}

/// Which pairs have both ends among `codes`.
fn whole_pairs(codes: &[InlineCode]) -> std::collections::HashSet<u32> {
    let opened: std::collections::HashSet<u32> = codes
        .iter()
        .filter(|c| c.kind == CodeKind::Open)
        .map(|c| c.pair)
        .collect();
    codes
        .iter()
        .filter(|c| c.kind == CodeKind::Close && opened.contains(&c.pair))
        .map(|c| c.pair)
        .collect()
}

/// Writes `doc` as XLIFF 2.1: one `<unit>` per sentence in a `<group>` per paragraph; the
/// best match as `<target>`, up to three candidates in `<mtc:matches>`.
pub fn write_xliff2<W: Write>(doc: &Document, out: &mut W) -> std::io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" xmlns:mtc="urn:oasis:names:tc:xliff:matches:2.0" version="2.1" srcLang="{}" trgLang="{}">"#,
        esc(doc.source.tag()),
        esc(doc.target.tag())
    )?;
    writeln!(out, r#"  <file id="f1" original="{}">"#, esc(&doc.original))?;
    let mut group: Option<&str> = None;
    for segment in &doc.segments {
        enter_group(out, &mut group, segment, "    ")?;
        writeln!(out, r#"      <unit id="{}">"#, esc(&segment.id))?;
        if !segment.candidates.is_empty() {
            writeln!(out, "        <mtc:matches>")?;
            for (k, c) in segment.candidates.iter().enumerate() {
                writeln!(
                    out,
                    r##"          <mtc:match id="m{}" ref="#s1" matchQuality="{}" similarity="{}" origin="{}" type="tm">"##,
                    k + 1,
                    c.score.min(100),
                    c.score.min(100),
                    esc(&c.origin)
                )?;
                writeln!(out, "            <source>{}</source>", esc(&c.source))?;
                writeln!(out, "            <target>{}</target>", esc(&c.target))?;
                writeln!(out, "          </mtc:match>")?;
            }
            writeln!(out, "        </mtc:matches>")?;
        }
        if !segment.codes.is_empty() {
            writeln!(out, "        <originalData>")?;
            for (k, code) in segment.codes.iter().enumerate() {
                writeln!(
                    out,
                    r#"          <data id="d{}">{}</data>"#,
                    k + 1,
                    esc(&code.native)
                )?;
            }
            writeln!(out, "        </originalData>")?;
        }
        let whole = whole_pairs(&segment.codes);
        // The data id of each code, by its place in the list.
        let data: BTreeMap<(u32, bool), usize> = segment
            .codes
            .iter()
            .enumerate()
            .map(|(k, c)| ((c.pair, c.kind == CodeKind::Close), k + 1))
            .collect();
        let source = render(&segment.source, &segment.codes, |code, out| {
            let i = code.pair;
            let kind = xliff2_type(&code.ctype);
            match code.kind {
                CodeKind::Open if whole.contains(&i) => out.push_str(&format!(
                    r#"<pc id="{i}"{kind} dataRefStart="d{}" dataRefEnd="d{}">"#,
                    data[&(i, false)],
                    data[&(i, true)]
                )),
                CodeKind::Close if whole.contains(&i) => out.push_str("</pc>"),
                CodeKind::Open => out.push_str(&format!(
                    r#"<sc id="{i}"{kind} dataRef="d{}" isolated="yes"/>"#,
                    data[&(i, false)]
                )),
                CodeKind::Close => out.push_str(&format!(
                    r#"<ec id="{i}" dataRef="d{}" isolated="yes"/>"#,
                    data[&(i, true)]
                )),
                CodeKind::Standalone => out.push_str(&format!(
                    r#"<ph id="{i}"{kind} dataRef="d{}"/>"#,
                    data[&(i, false)]
                )),
            }
        });
        let state = match &segment.target {
            Some((_, true)) => "translated",
            _ => "initial",
        };
        writeln!(out, r#"        <segment id="s1" state="{state}">"#)?;
        writeln!(out, "          <source>{source}</source>")?;
        if let Some((target, _)) = &segment.target {
            writeln!(out, "          <target>{}</target>", esc(target))?;
        }
        writeln!(out, "        </segment>")?;
        writeln!(out, "      </unit>")?;
    }
    if group.is_some() {
        writeln!(out, "    </group>")?;
    }
    writeln!(out, "  </file>")?;
    writeln!(out, "</xliff>")?;
    Ok(())
}

/// Writes `doc` as XLIFF 1.2: a `<trans-unit>` per sentence in a `<group>` per paragraph,
/// the best match as `<target>` and up to three `<alt-trans match-quality>`.
pub fn write_xliff12<W: Write>(doc: &Document, out: &mut W) -> std::io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">"#
    )?;
    writeln!(
        out,
        r#"  <file original="{}" source-language="{}" target-language="{}" datatype="plaintext">"#,
        esc(&doc.original),
        esc(doc.source.tag()),
        esc(doc.target.tag())
    )?;
    writeln!(
        out,
        r#"    <header><tool tool-id="tetraglot" tool-name="tetraglot" tool-version="{}"/></header>"#,
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(out, "    <body>")?;
    let mut group: Option<&str> = None;
    for segment in &doc.segments {
        enter_group(out, &mut group, segment, "      ")?;
        let whole = whole_pairs(&segment.codes);
        let source = render(&segment.source, &segment.codes, |code, out| {
            let i = code.pair;
            let native = esc(&code.native);
            let ctype = esc(&code.ctype);
            let ctype = if ctype.starts_with("x-")
                || matches!(&*ctype, "link" | "italic" | "bold" | "ulined" | "lb")
            {
                ctype.into_owned()
            } else {
                format!("x-{ctype}")
            };
            match code.kind {
                CodeKind::Open if whole.contains(&i) => {
                    out.push_str(&format!(r#"<bpt id="{i}" ctype="{ctype}">{native}</bpt>"#))
                }
                CodeKind::Close if whole.contains(&i) => {
                    out.push_str(&format!(r#"<ept id="{i}">{native}</ept>"#))
                }
                CodeKind::Open => out.push_str(&format!(
                    r#"<it id="{i}" pos="open" ctype="{ctype}">{native}</it>"#
                )),
                CodeKind::Close => out.push_str(&format!(
                    r#"<it id="{i}" pos="close" ctype="{ctype}">{native}</it>"#
                )),
                CodeKind::Standalone => {
                    out.push_str(&format!(r#"<ph id="{i}" ctype="{ctype}">{native}</ph>"#))
                }
            }
        });
        writeln!(
            out,
            r#"        <trans-unit id="{}" xml:space="preserve">"#,
            esc(&segment.id)
        )?;
        writeln!(out, "          <source>{source}</source>")?;
        if let Some((target, exact)) = &segment.target {
            let state = if *exact {
                "translated"
            } else {
                "needs-review-translation"
            };
            writeln!(
                out,
                r#"          <target state="{state}">{}</target>"#,
                esc(target)
            )?;
        }
        for c in &segment.candidates {
            writeln!(
                out,
                r#"          <alt-trans match-quality="{}" origin="{}">"#,
                c.score.min(100),
                esc(&c.origin)
            )?;
            writeln!(out, "            <source>{}</source>", esc(&c.source))?;
            writeln!(
                out,
                r#"            <target xml:lang="{}">{}</target>"#,
                esc(doc.target.tag()),
                esc(&c.target)
            )?;
            writeln!(out, "          </alt-trans>")?;
        }
        writeln!(out, "        </trans-unit>")?;
    }
    if group.is_some() {
        writeln!(out, "      </group>")?;
    }
    writeln!(out, "    </body>")?;
    writeln!(out, "  </file>")?;
    writeln!(out, "</xliff>")?;
    Ok(())
}
