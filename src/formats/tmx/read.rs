//! The TMX reader: a stream of units, constant memory per unit.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::BufRead;

use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::super::{FormatError, Item, LineCounter, Skip};
use super::*;
use crate::model::lang::Lang;
use crate::model::text::nfc;
use crate::model::unit::{text_problem, Meta, Prop, Unit, UnitId, Variant, MAX_TEXT_CHARS};

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
                "creationdate" | "changedate" => match tmx_date_to_rfc3339(&value)
                    .and_then(|date| crate::model::time::Timestamp::parse(&date))
                {
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
        let id = match id.map(UnitId::parse).transpose() {
            Ok(id) => id,
            Err(problem) => {
                self.pending.push_back(Item::Skipped(Skip {
                    line,
                    reason: format!("tuid: {problem}"),
                }));
                return Ok(());
            }
        };
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
        // A neighbour link that is no unit id links nothing; it is kept as the prop it was.
        PROP_PREV if meta.prev.is_none() && prop.lang.is_none() => {
            match UnitId::parse(&*prop.value) {
                Ok(id) => meta.prev = Some(id),
                Err(_) => meta.props.push(prop),
            }
        }
        PROP_NEXT if meta.next.is_none() && prop.lang.is_none() => {
            match UnitId::parse(&*prop.value) {
                Ok(id) => meta.next = Some(id),
                Err(_) => meta.props.push(prop),
            }
        }
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
