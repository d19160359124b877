//! TMX 1.4b, read as a stream of units (quick-xml, constant memory per unit) and written as
//! a stream. Inline codes (`<ph> <bpt> <ept> <it> <ut> <hi> <sub>`) are kept verbatim as the
//! variant's markup; the plain text drops the codes and keeps `<hi>` text.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{BufRead, Write};

use quick_xml::escape::{escape, partial_escape};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::{FormatError, Item, LineCounter, Skip};
use crate::model::lang::Lang;
use crate::model::text::nfc;
use crate::model::unit::{
    id_problem, is_forbidden_char, text_problem, Meta, Prop, Unit, Variant, MAX_TEXT_CHARS,
};

/// The prop types that carry [`Meta::document`] and [`Meta::outlet`].
pub const PROP_DOCUMENT: &str = "x-document";
pub const PROP_OUTLET: &str = "x-outlet";
/// The prop types that carry [`Meta::prev`] and [`Meta::next`].
pub const PROP_PREV: &str = "x-context-prev";
pub const PROP_NEXT: &str = "x-context-next";

/// Elements whose content is native code, not translatable text.
fn is_code_element(name: &str) -> bool {
    matches!(name, "ph" | "bpt" | "ept" | "it" | "ut")
}

/// Streams the units of a TMX document.
pub struct TmxReader<R: BufRead> {
    xml: Reader<LineCounter<R>>,
    buf: Vec<u8>,
    seen_root: bool,
    done: bool,
    pending: VecDeque<Item>,
    langs: HashMap<String, Result<Lang, String>>,
    /// Longer texts are skipped ([`MAX_TEXT_CHARS`] unless set).
    max_text_chars: usize,
}

/// One attribute, unescaped.
fn attributes(start: &BytesStart<'_>, line: u64) -> Result<Vec<(String, String)>, FormatError> {
    let mut out = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| FormatError::malformed(line, format!("bad attribute: {e}")))?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| FormatError::malformed(line, format!("bad attribute value: {e}")))?;
        out.push((attr.key.0.to_string(), value.into_owned()));
    }
    Ok(out)
}

fn resolve_entity(reference: &BytesRef<'_>, line: u64) -> Result<char, FormatError> {
    if let Some(c) = reference
        .resolve_char_ref()
        .map_err(|e| FormatError::malformed(line, format!("bad character reference: {e}")))?
    {
        return Ok(c);
    }
    match &**reference {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        other => Err(FormatError::malformed(
            line,
            format!("unknown entity &{other}; (TMX allows only &lt; &gt; &amp; &quot; &apos; and character references)"),
        )),
    }
}

/// `20240501T120000Z` → `2024-05-01T12:00:00Z`; `None` when it is not that shape.
pub fn tmx_date_to_rfc3339(value: &str) -> Option<String> {
    // TMX's one date form, ISO 8601 basic, always UTC; a real calendar date and time (month
    // 13 or 31 February is kept as a plain attribute, not read as a date).
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let parsed = time::PrimitiveDateTime::parse(value, &format).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        parsed.year(),
        u8::from(parsed.month()),
        parsed.day(),
        parsed.hour(),
        parsed.minute(),
        parsed.second()
    ))
}

/// `2024-05-01T12:00:00Z` → `20240501T120000Z` (stored dates are always UTC in this form).
pub fn rfc3339_to_tmx_date(value: &str) -> String {
    value.chars().filter(|c| *c != '-' && *c != ':').collect()
}

impl<R: BufRead> TmxReader<R> {
    pub fn new(input: R) -> Self {
        let mut xml = Reader::from_reader(LineCounter::new(input));
        xml.config_mut().expand_empty_elements = false;
        TmxReader {
            xml,
            buf: Vec::with_capacity(4096),
            seen_root: false,
            done: false,
            pending: VecDeque::new(),
            langs: HashMap::new(),
            max_text_chars: MAX_TEXT_CHARS,
        }
    }

    /// Skips texts longer than `max` chars instead of [`MAX_TEXT_CHARS`].
    pub fn max_text_chars(mut self, max: usize) -> Self {
        self.max_text_chars = max;
        self
    }

    fn line(&self) -> u64 {
        self.xml.get_ref().line()
    }

    fn malformed(&self, message: impl Into<String>) -> FormatError {
        FormatError::malformed(self.line(), message)
    }

    fn read(&mut self) -> Result<Event<'static>, FormatError> {
        self.buf.clear();
        let line = self.line();
        match self.xml.read_event_into(&mut self.buf) {
            Ok(event) => Ok(event.into_owned()),
            Err(quick_xml::Error::Io(e)) => Err(FormatError::Io(std::io::Error::new(
                e.kind(),
                e.to_string(),
            ))),
            Err(e) => Err(FormatError::malformed(
                line.max(self.line()),
                format!("malformed XML: {e}"),
            )),
        }
    }

    fn lang(&mut self, raw: &str) -> Result<Lang, String> {
        if let Some(found) = self.langs.get(raw) {
            return found.clone();
        }
        let parsed = Lang::parse(raw).map_err(|e| e.to_string());
        if self.langs.len() < 1024 {
            self.langs.insert(raw.to_string(), parsed.clone());
        }
        parsed
    }

    /// Reads text content up to the end of element `name`; nested elements are refused.
    fn read_text(&mut self, name: &str) -> Result<String, FormatError> {
        let mut text = String::new();
        loop {
            match self.read()? {
                Event::Text(t) => text.push_str(&t.xml10_content()),
                Event::CData(t) => text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => text.push(resolve_entity(&r, self.line())?),
                Event::End(e) if e.name().0 == name => return Ok(nfc(&text).into_owned()),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => return Err(self.malformed(format!("the file ends inside <{name}>"))),
                other => {
                    return Err(self.malformed(format!("unexpected {other:?} inside <{name}>")))
                }
            }
        }
    }

    /// Skips an element we do not use (e.g. `<ude>` in the header).
    fn skip_element(&mut self, name: &str) -> Result<(), FormatError> {
        let mut depth = 1usize;
        while depth > 0 {
            match self.read()? {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                Event::Eof => return Err(self.malformed(format!("the file ends inside <{name}>"))),
                _ => {}
            }
        }
        Ok(())
    }

    /// Reads a `<seg>`: its plain text and, if it holds inline elements, its markup.
    fn read_seg(&mut self) -> Result<(String, Option<String>), FormatError> {
        let mut plain = String::new();
        let mut markup = String::new();
        let mut inline = false;
        let mut open: Vec<String> = Vec::new();
        let mut code_depth = 0usize;
        loop {
            match self.read()? {
                Event::Text(t) => {
                    let content = t.xml10_content();
                    if code_depth == 0 {
                        plain.push_str(&content);
                    }
                    markup.push_str(&partial_escape(content.as_ref()));
                }
                Event::CData(t) => {
                    let content = t.xml10_content();
                    if code_depth == 0 {
                        plain.push_str(&content);
                    }
                    markup.push_str(&partial_escape(content.as_ref()));
                }
                Event::GeneralRef(r) => {
                    let c = resolve_entity(&r, self.line())?;
                    if code_depth == 0 {
                        plain.push(c);
                    }
                    let mut tmp = [0u8; 4];
                    markup.push_str(&partial_escape(&*c.encode_utf8(&mut tmp)));
                }
                Event::Start(e) => {
                    inline = true;
                    let name = e.name().0.to_string();
                    if is_code_element(&name) {
                        code_depth += 1;
                    }
                    markup.push('<');
                    markup.push_str(&e);
                    markup.push('>');
                    open.push(name);
                }
                Event::Empty(e) => {
                    inline = true;
                    markup.push('<');
                    markup.push_str(&e);
                    markup.push_str("/>");
                }
                Event::End(e) => {
                    let name = e.name().0;
                    if name == "seg" && open.is_empty() {
                        break;
                    }
                    if open.pop().as_deref() != Some(name) {
                        return Err(self.malformed(format!("unexpected </{name}> in <seg>")));
                    }
                    if is_code_element(name) {
                        code_depth -= 1;
                    }
                    markup.push_str("</");
                    markup.push_str(name);
                    markup.push('>');
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => return Err(self.malformed("the file ends inside <seg>")),
                other => return Err(self.malformed(format!("unexpected {other:?} in <seg>"))),
            }
        }
        let plain = nfc(&plain).into_owned();
        Ok((plain, inline.then(|| nfc(&markup).into_owned())))
    }

    fn read_prop(&mut self, start: &BytesStart<'_>, empty: bool) -> Result<Prop, FormatError> {
        let mut prop = Prop {
            kind: String::new(),
            value: String::new(),
            lang: None,
        };
        for (key, value) in attributes(start, self.line())? {
            match key.as_str() {
                "type" => prop.kind = value,
                "xml:lang" => prop.lang = Some(value),
                _ => {}
            }
        }
        if !empty {
            prop.value = self.read_text("prop")?;
        }
        Ok(prop)
    }

    /// Reads one `<tuv>`; `Ok(Err(skip))` when the variant cannot be used.
    fn read_tuv(
        &mut self,
        start: &BytesStart<'_>,
    ) -> Result<Result<(Lang, Variant), Skip>, FormatError> {
        let line = self.line();
        let mut lang_tag = None;
        let mut attrs = BTreeMap::new();
        for (key, value) in attributes(start, line)? {
            match key.as_str() {
                "xml:lang" | "lang" => lang_tag = Some(value),
                _ => {
                    attrs.insert(key, value);
                }
            }
        }
        let mut props = Vec::new();
        let mut notes = Vec::new();
        let mut seg = None;
        loop {
            match self.read()? {
                Event::Start(e) => match e.name().0 {
                    "prop" => props.push(self.read_prop(&e, false)?),
                    "note" => notes.push(self.read_text("note")?),
                    "seg" => seg = Some(self.read_seg()?),
                    other => {
                        let other = other.to_string();
                        self.skip_element(&other)?
                    }
                },
                Event::Empty(e) => match e.name().0 {
                    "prop" => props.push(self.read_prop(&e, true)?),
                    "seg" => seg = Some((String::new(), None)),
                    _ => {}
                },
                Event::End(e) if e.name().0 == "tuv" => break,
                Event::End(e) => {
                    return Err(self.malformed(format!("unexpected </{}> in <tuv>", e.name().0)))
                }
                Event::Eof => return Err(self.malformed("the file ends inside <tuv>")),
                _ => {}
            }
        }
        let Some(tag) = lang_tag else {
            return Ok(Err(Skip {
                line,
                reason: "<tuv> has no xml:lang".into(),
            }));
        };
        let lang = match self.lang(&tag) {
            Ok(lang) => lang,
            Err(reason) => return Ok(Err(Skip { line, reason })),
        };
        let Some((text, markup)) = seg else {
            return Ok(Err(Skip {
                line,
                reason: format!("<tuv xml:lang=\"{tag}\"> has no <seg>"),
            }));
        };
        if text.trim().is_empty() {
            return Ok(Err(Skip {
                line,
                reason: format!("<tuv xml:lang=\"{tag}\"> has an empty <seg>"),
            }));
        }
        if let Some(problem) = text_problem(&text, self.max_text_chars) {
            return Ok(Err(Skip {
                line,
                reason: format!("<tuv xml:lang=\"{tag}\">: {problem}"),
            }));
        }
        let variant = Variant {
            lang: lang.tag().to_string(),
            text,
            markup,
            props,
            notes,
            attrs,
        };
        Ok(Ok((lang, variant)))
    }

    fn read_tu(&mut self, start: &BytesStart<'_>) -> Result<(), FormatError> {
        let line = self.line();
        let mut id = None;
        let mut meta = Meta::default();
        for (key, value) in attributes(start, line)? {
            match key.as_str() {
                "tuid" if !value.trim().is_empty() => id = Some(value),
                "creationdate" | "changedate" => match tmx_date_to_rfc3339(&value) {
                    Some(date) if key == "creationdate" => meta.created = Some(date),
                    Some(date) => meta.changed = Some(date),
                    None => {
                        meta.attrs.insert(key, value);
                    }
                },
                "creationid" => meta.author = Some(value),
                _ => {
                    meta.attrs.insert(key, value);
                }
            }
        }
        let mut variants = BTreeMap::new();
        loop {
            match self.read()? {
                Event::Start(e) => match e.name().0 {
                    "prop" => {
                        let prop = self.read_prop(&e, false)?;
                        take_prop(&mut meta, prop);
                    }
                    "note" => meta.notes.push(self.read_text("note")?),
                    "tuv" => match self.read_tuv(&e)? {
                        Ok((lang, variant)) => {
                            if variants.contains_key(lang.key()) {
                                self.pending.push_back(Item::Skipped(Skip {
                                    line: self.line(),
                                    reason: format!(
                                        "a second variant for language {} in one unit",
                                        lang.key()
                                    ),
                                }));
                            } else {
                                variants.insert(lang.key().to_string(), variant);
                            }
                        }
                        Err(skip) => self.pending.push_back(Item::Skipped(skip)),
                    },
                    other => {
                        let other = other.to_string();
                        self.skip_element(&other)?
                    }
                },
                Event::Empty(e) if e.name().0 == "prop" => {
                    let prop = self.read_prop(&e, true)?;
                    take_prop(&mut meta, prop);
                }
                Event::End(e) if e.name().0 == "tu" => break,
                Event::End(e) => {
                    return Err(self.malformed(format!("unexpected </{}> in <tu>", e.name().0)))
                }
                Event::Eof => return Err(self.malformed("the file ends inside <tu>")),
                _ => {}
            }
        }
        if variants.is_empty() {
            self.pending.push_back(Item::Skipped(Skip {
                line,
                reason: "the unit has no usable variant".into(),
            }));
            return Ok(());
        }
        if let Some(problem) = id.as_deref().and_then(id_problem) {
            self.pending.push_back(Item::Skipped(Skip {
                line,
                reason: format!("tuid: {problem}"),
            }));
            return Ok(());
        }
        if let Some(problem) = meta.problem() {
            self.pending.push_back(Item::Skipped(Skip {
                line,
                reason: problem,
            }));
            return Ok(());
        }
        let id = id.unwrap_or_else(|| Unit::content_id(&variants));
        self.pending
            .push_back(Item::Unit(Box::new(Unit { id, variants, meta })));
        Ok(())
    }

    fn advance(&mut self) -> Result<(), FormatError> {
        while self.pending.is_empty() && !self.done {
            match self.read()? {
                Event::Start(e) | Event::Empty(e) if !self.seen_root => {
                    if e.name().0 != "tmx" {
                        return Err(self.malformed(format!(
                            "not a TMX document: the root element is <{}>, expected <tmx>",
                            e.name().0
                        )));
                    }
                    self.seen_root = true;
                }
                Event::Start(e) => match e.name().0 {
                    "tu" => self.read_tu(&e)?,
                    "body" => {}
                    other => {
                        let other = other.to_string();
                        self.skip_element(&other)?
                    }
                },
                Event::Text(t) if !self.seen_root && !t.trim().is_empty() => {
                    return Err(self.malformed("not a TMX document: text before the root element"))
                }
                Event::Eof => {
                    if !self.seen_root {
                        return Err(self.malformed("not a TMX document: no <tmx> element"));
                    }
                    self.done = true;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn take_prop(meta: &mut Meta, prop: Prop) {
    match prop.kind.as_str() {
        PROP_DOCUMENT if meta.document.is_none() && prop.lang.is_none() => {
            meta.document = Some(prop.value)
        }
        PROP_OUTLET if meta.outlet.is_none() && prop.lang.is_none() => {
            meta.outlet = Some(prop.value)
        }
        PROP_PREV if meta.prev.is_none() && prop.lang.is_none() => meta.prev = Some(prop.value),
        PROP_NEXT if meta.next.is_none() && prop.lang.is_none() => meta.next = Some(prop.value),
        _ => meta.props.push(prop),
    }
}

impl<R: BufRead> Iterator for TmxReader<R> {
    type Item = Result<Item, FormatError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Err(e) = self.advance() {
            self.done = true;
            self.pending.clear();
            return Some(Err(e));
        }
        self.pending.pop_front().map(Ok)
    }
}

/// Writes a TMX 1.4b document unit by unit.
pub struct TmxWriter<W: Write> {
    out: W,
    /// The header's `srclang`, and its matching key (`None` for `*all*`).
    srclang: String,
    source_key: Option<String>,
}

/// XML 1.0 allows neither the C0 controls (but tab, line feed and carriage return) nor
/// U+FFFE and U+FFFF, even escaped: whatever was stored, they are written as U+FFFD, so an
/// export or a feed always parses.
fn xml_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(is_forbidden_char) {
        std::borrow::Cow::Owned(s.replace(is_forbidden_char, "\u{FFFD}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// An attribute value, safe and escaped.
fn attr(s: &str) -> String {
    escape(xml_safe(s).as_ref()).into_owned()
}

/// Element text, safe and escaped.
fn text(s: &str) -> String {
    partial_escape(xml_safe(s).as_ref()).into_owned()
}

fn write_prop<W: Write>(out: &mut W, indent: &str, prop: &Prop) -> std::io::Result<()> {
    write!(out, "{indent}<prop type=\"{}\"", attr(&prop.kind))?;
    if let Some(lang) = &prop.lang {
        write!(out, " xml:lang=\"{}\"", attr(lang))?;
    }
    writeln!(out, ">{}</prop>", text(&prop.value))
}

fn write_attrs<W: Write>(out: &mut W, attrs: &BTreeMap<String, String>) -> std::io::Result<()> {
    for (key, value) in attrs {
        write!(out, " {key}=\"{}\"", attr(value))?;
    }
    Ok(())
}

impl<W: Write> TmxWriter<W> {
    /// Writes the prologue; `srclang` is the header's source language (`*all*` when any).
    pub fn start(mut out: W, srclang: &str) -> std::io::Result<Self> {
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(out, r#"<tmx version="1.4">"#)?;
        writeln!(
            out,
            r#"  <header creationtool="tetraglot" creationtoolversion="{}" segtype="sentence" o-tmf="tetraglot" adminlang="en" srclang="{}" datatype="plaintext"/>"#,
            env!("CARGO_PKG_VERSION"),
            attr(srclang)
        )?;
        writeln!(out, "  <body>")?;
        let source_key = crate::model::lang::Lang::parse(srclang)
            .ok()
            .map(|l| l.key().to_string());
        Ok(TmxWriter {
            out,
            srclang: srclang.to_string(),
            source_key,
        })
    }

    /// Writes one unit; `keep` selects the variants (by matching key) to write.
    ///
    /// The source language's variant comes first, and a unit whose source variant is tagged
    /// otherwise than the header (`en-GB` under `srclang="en"`), or that has none, says so in
    /// its own `srclang`: readers that look the source up by tag (translate-toolkit) or take
    /// the first `<tuv>` both find it.
    pub fn unit(&mut self, unit: &Unit, keep: impl Fn(&str) -> bool) -> std::io::Result<()> {
        let mut variants: Vec<(&String, &Variant)> =
            unit.variants.iter().filter(|(k, _)| keep(k)).collect();
        if let Some(key) = &self.source_key {
            if let Some(at) = variants.iter().position(|(k, _)| *k == key) {
                let source = variants.remove(at);
                variants.insert(0, source);
            }
        }
        let own_srclang = match (&self.source_key, variants.first()) {
            (Some(key), Some((k, v))) if (*k != key || v.lang != self.srclang) => Some(&v.lang),
            _ => None,
        };
        let out = &mut self.out;
        write!(out, "    <tu tuid=\"{}\"", attr(&unit.id))?;
        if let Some(lang) = own_srclang {
            write!(out, " srclang=\"{}\"", attr(lang))?;
        }
        let meta = &unit.meta;
        if let Some(date) = &meta.created {
            write!(out, " creationdate=\"{}\"", rfc3339_to_tmx_date(date))?;
        }
        if let Some(date) = &meta.changed {
            write!(out, " changedate=\"{}\"", rfc3339_to_tmx_date(date))?;
        }
        if let Some(author) = &meta.author {
            write!(out, " creationid=\"{}\"", attr(author))?;
        }
        // An imported unit's own srclang could contradict the header's: it was written above
        // when it is needed.
        for (key, value) in &meta.attrs {
            if key != "srclang" {
                write!(out, " {key}=\"{}\"", attr(value))?;
            }
        }
        writeln!(out, ">")?;
        let named = [
            (PROP_DOCUMENT, &meta.document),
            (PROP_OUTLET, &meta.outlet),
            (PROP_PREV, &meta.prev),
            (PROP_NEXT, &meta.next),
        ];
        for (kind, value) in named {
            if let Some(value) = value {
                let prop = Prop {
                    kind: kind.to_string(),
                    value: value.clone(),
                    lang: None,
                };
                write_prop(out, "      ", &prop)?;
            }
        }
        for prop in &meta.props {
            write_prop(out, "      ", prop)?;
        }
        for note in &meta.notes {
            writeln!(out, "      <note>{}</note>", text(note))?;
        }
        for (_, variant) in variants {
            write!(out, "      <tuv xml:lang=\"{}\"", attr(&variant.lang))?;
            write_attrs(out, &variant.attrs)?;
            let seg = match &variant.markup {
                Some(markup) => xml_safe(markup),
                None => std::borrow::Cow::Owned(text(&variant.text)),
            };
            if variant.props.is_empty() && variant.notes.is_empty() {
                writeln!(out, "><seg>{seg}</seg></tuv>")?;
                continue;
            }
            writeln!(out, ">")?;
            for prop in &variant.props {
                write_prop(out, "        ", prop)?;
            }
            for note in &variant.notes {
                writeln!(out, "        <note>{}</note>", text(note))?;
            }
            writeln!(out, "        <seg>{seg}</seg>")?;
            writeln!(out, "      </tuv>")?;
        }
        writeln!(out, "    </tu>")
    }

    /// Writes an XML comment (`--` cannot occur in one, so it becomes `- -`).
    pub fn comment(&mut self, text: &str) -> std::io::Result<()> {
        writeln!(self.out, "    <!-- {} -->", text.replace("--", "- -"))
    }

    /// Closes the document and hands back the output.
    pub fn finish(mut self) -> std::io::Result<W> {
        writeln!(self.out, "  </body>")?;
        writeln!(self.out, "</tmx>")?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_export_is_well_formed_whatever_was_stored() {
        // Every class of code point: each C0 control, DEL and the C1 controls, the
        // noncharacters U+FFFE/U+FFFF/U+FDD0, private use, an astral emoji, combining marks,
        // bidi and zero-width marks, XML's own metacharacters.
        let mut every: String = (0u32..0x20).filter_map(char::from_u32).collect();
        every.push_str("\u{7F}\u{80}\u{9F}\u{FFFE}\u{FFFF}\u{FDD0}\u{E000}\u{1F600}e\u{301}\u{200F}\u{200B}<&>\"'");
        let lang = Lang::parse("en").unwrap();
        let mut unit = Unit {
            id: "u1".into(),
            variants: BTreeMap::new(),
            meta: Meta::default(),
        };
        unit.variants
            .insert("en".into(), Variant::plain(&lang, &format!("text {every}")));
        unit.meta.notes.push(format!("note {every}"));
        unit.meta.author = Some(format!("author {every}"));
        unit.meta.props.push(Prop {
            kind: format!("x-{every}"),
            value: format!("value {every}"),
            lang: None,
        });
        unit.meta
            .attrs
            .insert("changeid".into(), format!("c {every}"));
        let mut writer = TmxWriter::start(Vec::new(), "en").unwrap();
        writer.unit(&unit, |_| true).unwrap();
        let bytes = writer.finish().unwrap();
        let xml = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            !xml.contains(is_forbidden_char),
            "no character XML 1.0 forbids is written"
        );
        let back: Vec<Item> = TmxReader::new(bytes.as_slice())
            .collect::<Result<_, _>>()
            .expect("the export parses");
        let Item::Unit(read) = &back[0] else {
            panic!("{back:?}")
        };
        let text = &read.variants["en"].text;
        assert!(text.contains('\u{FFFD}') && text.contains('\u{1F600}') && text.contains("<&>"));
        assert!(!text.contains(is_forbidden_char));
    }

    #[test]
    fn tmx_dates_are_real_dates() {
        assert_eq!(
            tmx_date_to_rfc3339("20260501T093000Z").as_deref(),
            Some("2026-05-01T09:30:00Z")
        );
        for bad in [
            "20261301T000000Z",
            "20260231T000000Z",
            "20260501T250000Z",
            "2026-05-01",
        ] {
            assert_eq!(tmx_date_to_rfc3339(bad), None, "{bad}");
        }
    }

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/>
  <body>
    <tu tuid="a.1" creationdate="20240501T120000Z" creationid="anna" usagecount="3">
      <prop type="x-document">a</prop>
      <prop type="x-topic">rail</prop>
      <note>checked</note>
      <tuv xml:lang="en"><seg>Press <ph x="1">&lt;b&gt;</ph>OK<ph x="2">&lt;/b&gt;</ph> &amp; go</seg></tuv>
      <tuv xml:lang="hy-AM"><prop type="x-q">1</prop><seg>Սեղմեք <bpt i="1">&lt;b&gt;</bpt>OK<ept i="1">&lt;/b&gt;</ept>։</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en"><seg>No id</seg></tuv>
      <tuv xml:lang="english!"><seg>bad</seg></tuv>
    </tu>
  </body>
</tmx>
"#;

    fn read_all(input: &str) -> Result<Vec<Item>, FormatError> {
        TmxReader::new(input.as_bytes()).collect()
    }

    #[test]
    fn reads_units_props_notes_and_inline_codes() {
        let items = read_all(SAMPLE).unwrap();
        let Item::Unit(unit) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(unit.id, "a.1");
        assert_eq!(unit.meta.document.as_deref(), Some("a"));
        assert_eq!(unit.meta.created.as_deref(), Some("2024-05-01T12:00:00Z"));
        assert_eq!(unit.meta.author.as_deref(), Some("anna"));
        assert_eq!(unit.meta.attrs["usagecount"], "3");
        assert_eq!(unit.meta.props[0].kind, "x-topic");
        assert_eq!(unit.meta.notes, ["checked"]);
        let en = &unit.variants["en"];
        assert_eq!(en.text, "Press OK & go");
        assert_eq!(
            en.markup.as_deref(),
            Some(r#"Press <ph x="1">&lt;b&gt;</ph>OK<ph x="2">&lt;/b&gt;</ph> &amp; go"#)
        );
        let hy = &unit.variants["hy"];
        assert_eq!(hy.lang, "hy-AM");
        assert_eq!(hy.props[0].kind, "x-q");
        // The second unit keeps its good variant and reports the bad one by line.
        assert!(matches!(&items[1], Item::Skipped(s) if s.line == 14));
        let Item::Unit(second) = &items[2] else {
            panic!()
        };
        assert!(second.id.starts_with('h'));
    }

    #[test]
    fn round_trip_gives_back_everything() {
        let units: Vec<Unit> = read_all(SAMPLE)
            .unwrap()
            .into_iter()
            .filter_map(|i| match i {
                Item::Unit(u) => Some(*u),
                Item::Skipped(_) => None,
            })
            .collect();
        let mut writer = TmxWriter::start(Vec::new(), "*all*").unwrap();
        for unit in &units {
            writer.unit(unit, |_| true).unwrap();
        }
        let bytes = writer.finish().unwrap();
        let again: Vec<Unit> = read_all(std::str::from_utf8(&bytes).unwrap())
            .unwrap()
            .into_iter()
            .filter_map(|i| match i {
                Item::Unit(u) => Some(*u),
                Item::Skipped(_) => None,
            })
            .collect();
        assert_eq!(units, again);
    }

    #[test]
    fn malformed_xml_names_its_line() {
        let broken = SAMPLE.replace("<note>checked</note>", "<note>checked</nota>");
        let err = read_all(&broken).unwrap_err();
        assert!(
            matches!(err, FormatError::Malformed { line: 8, .. }),
            "{err}"
        );
        let err = read_all("<html><body/></html>").unwrap_err();
        assert!(err.to_string().contains("root element is <html>"), "{err}");
    }
}
