//! XLIFF: pre-translated files written in 2.1 (with the Translation Candidates module) and
//! 1.2 (with `<alt-trans>`), and translated files of either version read back as units.
//!
//! Written files carry the source's inline codes (XLIFF 2: `<pc>`, `<sc>`/`<ec>` for a
//! span cut by a sentence end, `<ph>`, the native code in `<originalData>`; XLIFF 1.2:
//! `<bpt>`/`<ept>`, `<it>`, `<ph>` holding the native code). Read files give the plain text
//! (the content of spans such as `<g>`, `<pc>`, `<mrk>` kept) and its codes, which become
//! the variant's markup.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Write};

use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{FormatError, Item, LineCounter, Skip};
use crate::model::inline::{pieces, CodeKind, InlineCode, Piece};
use crate::model::lang::Lang;
use crate::model::text::{fold_whitespace, nfc};
use crate::model::unit::{id_problem, text_problem, Meta, Prop, Unit, Variant};

/// A stored translation offered for a segment.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The match percentage (0–101).
    pub score: u32,
    pub source: String,
    pub target: String,
    /// Where it comes from (the unit id).
    pub origin: String,
}

/// One sentence of a file to translate.
#[derive(Debug, Clone)]
pub struct Segment {
    pub id: String,
    /// The paragraph (block) it stands in: segments of one block form a group.
    pub group: String,
    pub source: String,
    pub codes: Vec<InlineCode>,
    /// The best match's target when it reached the threshold, and whether it is exact
    /// (100 or 101: `translated`) or to be checked (`initial`).
    pub target: Option<(String, bool)>,
    pub candidates: Vec<Candidate>,
}

/// A file to translate: one document from `source` into `target`.
#[derive(Debug, Clone)]
pub struct Document {
    /// The article id, or a name for a text sent.
    pub original: String,
    pub source: Lang,
    pub target: Lang,
    pub segments: Vec<Segment>,
}

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

/// XLIFF 2's `type` (and `subType`) of a code of type `ctype`, as attributes.
fn xliff2_type(ctype: &str) -> &'static str {
    match ctype {
        "link" => r#" type="link""#,
        "bold" => r#" type="fmt" subType="xlf:b""#,
        "italic" => r#" type="fmt" subType="xlf:i""#,
        "ulined" => r#" type="fmt" subType="xlf:u""#,
        "lb" => r#" type="fmt" subType="xlf:lb""#,
        "" => "",
        _ => r#" type="fmt""#,
    }
}

/// The TMX-style type of an XLIFF 2 code from its `type` and `subType`.
fn from_xliff2_type(kind: Option<&str>, sub: Option<&str>) -> String {
    match (kind, sub) {
        (_, Some("xlf:b")) => "bold",
        (_, Some("xlf:i")) => "italic",
        (_, Some("xlf:u")) => "ulined",
        (_, Some("xlf:lb")) => "lb",
        (Some("link"), _) => "link",
        (Some(other), _) if !other.is_empty() => return format!("x-{other}"),
        _ => "",
    }
    .to_string()
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
        if group != Some(segment.group.as_str()) {
            if group.is_some() {
                writeln!(out, "    </group>")?;
            }
            writeln!(out, r#"    <group id="g{}">"#, esc(&segment.group))?;
            group = Some(&segment.group);
        }
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
        if group != Some(segment.group.as_str()) {
            if group.is_some() {
                writeln!(out, "      </group>")?;
            }
            writeln!(out, r#"      <group id="g{}">"#, esc(&segment.group))?;
            group = Some(&segment.group);
        }
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

/// The states that count as an approved translation.
fn is_confirmed(state: Option<&str>, approved: bool) -> bool {
    approved || matches!(state, Some("final" | "reviewed" | "signed-off"))
}

/// Reads the units of an XLIFF 1.2 or 2.x file: one unit per translation unit that has a
/// target, source and target in the file's languages, `document` = the file's `original`,
/// `x-alignment` = `confirmed` for approved (`approved="yes"`, `final`, `reviewed`,
/// `signed-off`) translations and `review` for the others. A unit id the file carries as
/// `ORIGINAL~…` (tetraglot's own pre-translations) is kept, so the translation joins the
/// article's unit; otherwise the id comes from the texts.
pub struct XliffReader {
    items: std::vec::IntoIter<Result<Item, FormatError>>,
}

impl XliffReader {
    pub fn new<R: BufRead>(input: R) -> XliffReader {
        let items = match read_all(input) {
            Ok(items) => items.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(error) => vec![Err(error)],
        };
        XliffReader {
            items: items.into_iter(),
        }
    }
}

impl Iterator for XliffReader {
    type Item = Result<Item, FormatError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.items.next()
    }
}

fn attr(start: &BytesStart<'_>, name: &str) -> Option<String> {
    start.attributes().flatten().find_map(|a| {
        let key: &str = a.key.0;
        let local = key.rsplit(':').next().unwrap_or(key);
        (key == name || (local == name && !key.starts_with("xml")))
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

fn local_name(name: &str) -> String {
    name.rsplit(':').next().unwrap_or(name).to_string()
}

/// Elements whose content is native code (dropped from the plain text).
fn is_native(name: &str) -> bool {
    matches!(
        name,
        "bpt" | "ept" | "ph" | "it" | "sub" | "data" | "originalData"
    )
}

/// One translation unit being read.
#[derive(Default)]
struct Reading {
    id: String,
    line: u64,
    approved: bool,
    state: Option<String>,
    source: String,
    target: String,
    has_target: bool,
    /// Inline codes of the source and target, at char offsets of the raw text.
    codes: [Vec<InlineCode>; 2],
    /// XLIFF 2's `<originalData>`: data id → native code.
    data: HashMap<String, String>,
    /// Pair numbers by the file's ids, per side.
    pairs: [HashMap<String, u32>; 2],
    /// Spans open on each side (`<g>`, `<pc>`): their pair and the native end.
    open: [Vec<(u32, String, String)>; 2],
}

impl Reading {
    fn side(&mut self, target: bool) -> &mut String {
        if target {
            &mut self.target
        } else {
            &mut self.source
        }
    }

    fn pair(&mut self, target: bool, id: Option<String>) -> u32 {
        let pairs = &mut self.pairs[usize::from(target)];
        let next = pairs.len() as u32 + 1;
        match id {
            Some(id) => *pairs.entry(id).or_insert(next),
            None => {
                pairs.insert(format!("\u{0}{next}"), next);
                next
            }
        }
    }

    fn code(&mut self, target: bool, kind: CodeKind, pair: u32, native: String, ctype: String) {
        let at = self.side(target).chars().count();
        self.codes[usize::from(target)].push(InlineCode {
            kind,
            pair,
            at,
            native,
            ctype,
        });
    }
}

/// A native code element being read (`<bpt>`, `<ept>`, `<ph>`, `<it>` of XLIFF 1.2): its
/// content is the native code.
struct Native {
    kind: CodeKind,
    pair: Option<String>,
    ctype: String,
    text: String,
}

fn read_all<R: BufRead>(input: R) -> Result<Vec<Item>, FormatError> {
    let mut xml = Reader::from_reader(LineCounter::new(input));
    xml.config_mut().expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut items = Vec::new();
    let (mut source_lang, mut target_lang): (Option<String>, Option<String>) = (None, None);
    let mut original: Option<String> = None;
    let mut version2 = false;
    let mut unit: Option<Reading> = None;
    // Where text goes: the source or target of the unit (not of an alt-trans or a match).
    let mut into: Option<bool> = None;
    let mut native_depth = 0usize;
    let mut native: Option<Native> = None;
    let mut ignored_depth = 0usize;
    // Inside `<originalData>`: the `<data>` being read.
    let mut in_original_data = false;
    let mut data: Option<(String, String)> = None;
    let mut seen_root = false;
    loop {
        let line = xml.get_ref().line();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| FormatError::malformed(line, format!("not well-formed XML: {e}")))?;
        match event {
            Event::Start(start) => {
                let name = local_name(start.name().as_ref());
                if !seen_root {
                    if name != "xliff" {
                        return Err(FormatError::malformed(
                            line,
                            format!("the root element is <{name}>, not <xliff>"),
                        ));
                    }
                    seen_root = true;
                    let version = attr(&start, "version").unwrap_or_default();
                    version2 = version.starts_with('2');
                    if version2 {
                        source_lang = attr(&start, "srcLang");
                        target_lang = attr(&start, "trgLang");
                    }
                    continue;
                }
                if ignored_depth > 0 {
                    ignored_depth += 1;
                    continue;
                }
                if native_depth > 0 {
                    native_depth += 1;
                    continue;
                }
                match name.as_str() {
                    "file" => {
                        original = attr(&start, "original");
                        if !version2 {
                            source_lang = attr(&start, "source-language").or(source_lang);
                            target_lang = attr(&start, "target-language").or(target_lang);
                        }
                    }
                    "trans-unit" | "unit" => {
                        unit = Some(Reading {
                            id: attr(&start, "id").unwrap_or_default(),
                            line,
                            approved: attr(&start, "approved").as_deref() == Some("yes"),
                            ..Reading::default()
                        });
                    }
                    "segment" => {
                        if let (Some(u), Some(state)) = (&mut unit, attr(&start, "state")) {
                            u.state = Some(state);
                        }
                        if let Some(u) = &mut unit {
                            // Segments of one unit are joined by a space.
                            for side in [&mut u.source, &mut u.target] {
                                if !side.is_empty() {
                                    side.push(' ');
                                }
                            }
                        }
                    }
                    "originalData" if unit.is_some() => in_original_data = true,
                    "data" if in_original_data => {
                        data = Some((attr(&start, "id").unwrap_or_default(), String::new()));
                    }
                    "alt-trans" | "matches" | "notes" | "note" => {
                        ignored_depth = 1;
                    }
                    "source" if unit.is_some() => into = Some(false),
                    "target" if unit.is_some() => {
                        into = Some(true);
                        if let Some(u) = &mut unit {
                            u.has_target = true;
                            if !version2 {
                                u.state = attr(&start, "state").or(u.state.take());
                            }
                        }
                    }
                    other if into.is_some() && !version2 && is_native(other) => {
                        native_depth = 1;
                        let kind = match other {
                            "bpt" => CodeKind::Open,
                            "ept" => CodeKind::Close,
                            "it" if attr(&start, "pos").as_deref() == Some("close") => {
                                CodeKind::Close
                            }
                            "it" => CodeKind::Open,
                            _ => CodeKind::Standalone,
                        };
                        native = Some(Native {
                            kind,
                            pair: attr(&start, "rid").or_else(|| attr(&start, "id")),
                            ctype: attr(&start, "ctype").unwrap_or_default(),
                            text: String::new(),
                        });
                    }
                    other => {
                        if let (Some(side), Some(u)) = (into, &mut unit) {
                            inline_start(u, side, other, &start, version2);
                        }
                    }
                }
            }
            Event::End(end) => {
                let name = local_name(end.name().as_ref());
                if ignored_depth > 0 {
                    ignored_depth -= 1;
                    continue;
                }
                if native_depth > 0 {
                    native_depth -= 1;
                    if native_depth == 0 {
                        if let (Some(code), Some(side), Some(u)) = (native.take(), into, &mut unit)
                        {
                            let pair = u.pair(side, code.pair);
                            u.code(side, code.kind, pair, code.text, code.ctype);
                        }
                    }
                    continue;
                }
                match name.as_str() {
                    "originalData" => in_original_data = false,
                    "data" => {
                        if let (Some((id, text)), Some(u)) = (data.take(), &mut unit) {
                            u.data.insert(id, text);
                        }
                    }
                    "g" | "pc" => {
                        if let (Some(side), Some(u)) = (into, &mut unit) {
                            if let Some((pair, end, ctype)) = u.open[usize::from(side)].pop() {
                                u.code(side, CodeKind::Close, pair, end, ctype);
                            }
                        }
                    }
                    "source" | "target" => into = None,
                    "trans-unit" | "unit" => {
                        if let Some(u) = unit.take() {
                            items.push(finish(
                                u,
                                source_lang.as_deref(),
                                target_lang.as_deref(),
                                original.as_deref(),
                            )?);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(text) => {
                if let Some((_, content)) = &mut data {
                    content.push_str(&text.xml10_content());
                    continue;
                }
                if let (Some(code), true) = (&mut native, ignored_depth == 0) {
                    code.text.push_str(&text.xml10_content());
                    continue;
                }
                if ignored_depth > 0 || native_depth > 0 {
                    continue;
                }
                if let (Some(side), Some(u)) = (into, &mut unit) {
                    let text = text.xml10_content();
                    if side {
                        u.target.push_str(&text);
                    } else {
                        u.source.push_str(&text);
                    }
                }
            }
            Event::GeneralRef(reference) => {
                if ignored_depth > 0 {
                    continue;
                }
                let c =
                    match reference.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        _ => match &*reference {
                            "lt" => '<',
                            "gt" => '>',
                            "amp" => '&',
                            "apos" => '\'',
                            "quot" => '"',
                            _ => return Err(FormatError::malformed(
                                line,
                                "an entity XLIFF does not define (files may not declare their own)",
                            )),
                        },
                    };
                if let Some((_, content)) = &mut data {
                    content.push(c);
                } else if let Some(code) = &mut native {
                    code.text.push(c);
                } else if native_depth > 0 {
                    // Inside a dropped element.
                } else if let (Some(side), Some(u)) = (into, &mut unit) {
                    u.side(side).push(c);
                }
            }
            Event::DocType(_) => {
                return Err(FormatError::malformed(
                    line,
                    "a DOCTYPE is not allowed (entity declarations could expand without bound)",
                ))
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !seen_root {
        return Err(FormatError::malformed(
            1,
            "the file holds no <xliff> element",
        ));
    }
    Ok(items)
}

/// An inline element that is not native code: spans (`<g>`, `<pc>`) open a pair whose
/// content stays text; empty codes (`<x>`, `<bx>`, `<ex>`; XLIFF 2's `<sc>`, `<ec>`, `<ph>`)
/// stand where they are, their native code from `<originalData>`.
fn inline_start(u: &mut Reading, side: bool, name: &str, start: &BytesStart<'_>, version2: bool) {
    let data = |u: &Reading, key: &str| {
        attr(start, key)
            .and_then(|id| u.data.get(&id).cloned())
            .unwrap_or_default()
    };
    let ctype = if version2 {
        from_xliff2_type(
            attr(start, "type").as_deref(),
            attr(start, "subType").as_deref(),
        )
    } else {
        attr(start, "ctype").unwrap_or_default()
    };
    match (name, version2) {
        ("g", false) | ("pc", true) => {
            let pair = u.pair(side, attr(start, "id"));
            let (open, end) = if version2 {
                (data(u, "dataRefStart"), data(u, "dataRefEnd"))
            } else {
                (String::new(), String::new())
            };
            u.code(side, CodeKind::Open, pair, open, ctype.clone());
            u.open[usize::from(side)].push((pair, end, ctype));
        }
        ("x", false) | ("ph", true) => {
            let pair = u.pair(side, attr(start, "id"));
            let native = data(u, "dataRef");
            u.code(side, CodeKind::Standalone, pair, native, ctype);
        }
        ("bx", false) | ("sc", true) => {
            let pair = u.pair(side, attr(start, "rid").or_else(|| attr(start, "id")));
            let native = data(u, "dataRef");
            u.code(side, CodeKind::Open, pair, native, ctype);
        }
        ("ex", false) | ("ec", true) => {
            let pair = u.pair(
                side,
                attr(start, "rid")
                    .or_else(|| attr(start, "startRef"))
                    .or_else(|| attr(start, "id")),
            );
            let native = data(u, "dataRef");
            u.code(side, CodeKind::Close, pair, native, ctype);
        }
        _ => {}
    }
}

/// White space folded as stored texts are, with the codes moved to the folded offsets;
/// `None` for the codes when NFC changed the text (their offsets no longer hold).
fn fold_tagged(raw: &str, codes: &[InlineCode]) -> (String, Option<String>) {
    let composed = nfc(raw);
    let folded = fold_whitespace(&composed);
    if codes.is_empty() || composed != raw {
        return (folded, None);
    }
    // map[i]: the folded offset of raw char i (and of the end).
    let chars: Vec<char> = raw.chars().collect();
    let mut map = Vec::with_capacity(chars.len() + 1);
    let (mut out, mut pending_space) = (0usize, false);
    for &c in &chars {
        if crate::model::text::is_space(c) {
            pending_space = out > 0;
            map.push(out);
        } else {
            if pending_space {
                out += 1;
                pending_space = false;
            }
            map.push(out);
            out += 1;
        }
    }
    map.push(out);
    let moved: Vec<InlineCode> = codes
        .iter()
        .map(|c| InlineCode {
            at: map[c.at.min(chars.len())].min(out),
            ..c.clone()
        })
        .collect();
    let tagged = crate::model::inline::Tagged {
        text: folded.clone(),
        codes: moved,
    };
    (folded, tagged.renumbered().to_markup())
}

fn finish(
    u: Reading,
    source_lang: Option<&str>,
    target_lang: Option<&str>,
    original: Option<&str>,
) -> Result<Item, FormatError> {
    let skip = |reason: String| {
        Ok(Item::Skipped(Skip {
            line: u.line,
            reason,
        }))
    };
    let (Some(source_tag), Some(target_tag)) = (source_lang, target_lang) else {
        return Err(FormatError::malformed(
            u.line,
            "the file names no source and target language (srcLang/trgLang, or source-language/target-language)",
        ));
    };
    let (source, target) = match (Lang::parse(source_tag), Lang::parse(target_tag)) {
        (Ok(s), Ok(t)) => (s, t),
        _ => {
            return Err(FormatError::malformed(
                u.line,
                format!("'{source_tag}' or '{target_tag}' is not a language tag"),
            ))
        }
    };
    let (source_text, source_markup) = fold_tagged(&u.source, &u.codes[0]);
    let (target_text, target_markup) = fold_tagged(&u.target, &u.codes[1]);
    if !u.has_target || target_text.is_empty() {
        return skip(format!("unit '{}' has no translation", u.id));
    }
    if source_text.is_empty() {
        return skip(format!("unit '{}' has no source text", u.id));
    }
    for text in [&source_text, &target_text] {
        if let Some(problem) = text_problem(text) {
            return skip(format!("unit '{}': {problem}", u.id));
        }
    }
    let mut variants = BTreeMap::new();
    let mut source_variant = Variant::plain(&source, &source_text);
    source_variant.markup = source_markup;
    let mut target_variant = Variant::plain(&target, &target_text);
    target_variant.markup = target_markup;
    variants.insert(source.key().to_string(), source_variant);
    variants.insert(target.key().to_string(), target_variant);

    let confirmed = is_confirmed(u.state.as_deref(), u.approved);
    let ours = original.is_some_and(|o| u.id.starts_with(&format!("{o}~")));
    let id = if ours && id_problem(&u.id).is_none() {
        u.id.clone()
    } else {
        Unit::content_id(&variants)
    };
    let meta = Meta {
        document: original.map(str::to_string),
        props: vec![Prop {
            kind: "x-alignment".into(),
            value: if confirmed { "confirmed" } else { "review" }.into(),
            lang: None,
        }],
        ..Meta::default()
    };
    Ok(Item::Unit(Box::new(Unit { id, variants, meta })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        Document {
            original: "a1".into(),
            source: Lang::parse("en").unwrap(),
            target: Lang::parse("hy").unwrap(),
            segments: vec![Segment {
                id: "a1~0001".into(),
                group: "0".into(),
                source: "Read the report & more.".into(),
                codes: vec![
                    InlineCode {
                        kind: CodeKind::Open,
                        pair: 1,
                        at: 5,
                        native: "<a href=\"/r\">".into(),
                        ctype: "link".into(),
                    },
                    InlineCode {
                        kind: CodeKind::Close,
                        pair: 1,
                        at: 15,
                        native: "</a>".into(),
                        ctype: "link".into(),
                    },
                ],
                target: Some(("Կարդացեք զեկույցը և ավելին։".into(), false)),
                candidates: vec![Candidate {
                    score: 87,
                    source: "Read the report.".into(),
                    target: "Կարդացեք զեկույցը։".into(),
                    origin: "u7".into(),
                }],
            }],
        }
    }

    #[test]
    fn both_versions_carry_codes_and_read_back_as_units() {
        let mut two = Vec::new();
        write_xliff2(&doc(), &mut two).unwrap();
        let two = String::from_utf8(two).unwrap();
        assert!(
            two.contains(
                r#"Read <pc id="1" type="link" dataRefStart="d1" dataRefEnd="d2">the report</pc> &amp; more."#
            ),
            "{two}"
        );
        assert!(
            two.contains(r#"<data id="d1">&lt;a href=&quot;/r&quot;&gt;</data>"#),
            "{two}"
        );
        let mut one = Vec::new();
        write_xliff12(&doc(), &mut one).unwrap();
        let one = String::from_utf8(one).unwrap();
        assert!(one.contains(r#"<bpt id="1" ctype="link">&lt;a href=&quot;/r&quot;&gt;</bpt>the report<ept id="1">&lt;/a&gt;</ept>"#), "{one}");
        for file in [&two, &one] {
            let items: Vec<Item> = XliffReader::new(file.as_bytes())
                .collect::<Result<_, _>>()
                .unwrap();
            let Item::Unit(unit) = &items[0] else {
                panic!("{items:?}")
            };
            assert_eq!(unit.id, "a1~0001");
            assert_eq!(unit.variants["en"].text, "Read the report & more.");
            assert_eq!(unit.variants["hy"].text, "Կարդացեք զեկույցը և ավելին։");
            assert_eq!(unit.meta.document.as_deref(), Some("a1"));
            assert_eq!(unit.meta.props[0].value, "review");
            // The source's codes come back as the unit's markup, from either version.
            assert_eq!(
                unit.variants["en"].markup.as_deref(),
                Some("Read <bpt i=\"1\" type=\"link\">&lt;a href=\"/r\"&gt;</bpt>the report<ept i=\"1\">&lt;/a&gt;</ept> &amp; more."),
                "{file}"
            );
            assert_eq!(unit.variants["hy"].markup, None);
        }
    }

    #[test]
    fn approved_states_count_and_bad_files_name_their_line() {
        let file = r#"<?xml version="1.0"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="x.txt" source-language="en" target-language="ru" datatype="plaintext"><body>
  <trans-unit id="1" approved="yes"><source>Yes.</source><target>Да.</target></trans-unit>
  <trans-unit id="2"><source>No <g id="1">target</g>.</source></trans-unit>
  <trans-unit id="3"><source>Final.</source><target state="final">Финал.</target></trans-unit>
 </body></file></xliff>"#;
        let items: Vec<Item> = XliffReader::new(file.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(items.len(), 3);
        assert!(matches!(&items[1], Item::Skipped(s) if s.line == 5));
        let Item::Unit(third) = &items[2] else {
            panic!()
        };
        assert_eq!(third.meta.props[0].value, "confirmed");
        assert!(third.id.starts_with('h'), "another tool's ids are not kept");
        let broken = "<xliff version=\"2.0\" srcLang=\"en\" trgLang=\"hy\">\n<file>\n<unit id=\"1\"><segment><source>a</sourc></segment></unit></file></xliff>";
        let error = XliffReader::new(broken.as_bytes())
            .find_map(Result::err)
            .unwrap();
        assert!(
            matches!(error, FormatError::Malformed { line: 3, .. }),
            "{error}"
        );
        let bomb = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><xliff version=\"1.2\"/>";
        assert!(XliffReader::new(bomb.as_bytes()).any(|r| r.is_err()));
    }
}
