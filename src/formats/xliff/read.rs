//! Reading translated XLIFF 1.2 and 2.x files back as units.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::from_xliff2_type;
use crate::formats::{FormatError, Item, LineCounter, Skip};
use crate::model::inline::{CodeKind, InlineCode};
use crate::model::lang::Lang;
use crate::model::text::{fold_whitespace, nfc};
use crate::model::unit::{text_problem, Meta, Prop, Unit, UnitId, Variant, MAX_TEXT_CHARS};

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
        XliffReader::with_max_text_chars(input, MAX_TEXT_CHARS)
    }

    /// [`XliffReader::new`], skipping texts longer than `max` chars.
    pub fn with_max_text_chars<R: BufRead>(input: R, max: usize) -> XliffReader {
        let items = match read_all(input, max) {
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

fn read_all<R: BufRead>(input: R, max_text_chars: usize) -> Result<Vec<Item>, FormatError> {
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
                                max_text_chars,
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
    max_text_chars: usize,
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
        if let Some(problem) = text_problem(text, max_text_chars) {
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
    let id = match UnitId::parse(&*u.id) {
        Ok(id) if ours => id,
        _ => Unit::content_id(&variants),
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
