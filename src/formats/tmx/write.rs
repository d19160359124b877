//! The TMX writer: units written as a stream.

use std::collections::BTreeMap;
use std::io::Write;

use quick_xml::escape::{escape, partial_escape};

use super::*;
use crate::model::unit::{is_forbidden_char, Prop, Unit, Variant};

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
        for (name, date) in [
            ("creationdate", &meta.created),
            ("changedate", &meta.changed),
        ] {
            if let Some(date) = date {
                write!(out, " {name}=\"{}\"", rfc3339_to_tmx_date(date.as_str()))?;
            }
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
            (PROP_DOCUMENT, meta.document.as_deref()),
            (PROP_OUTLET, meta.outlet.as_deref()),
            (PROP_PREV, meta.prev.as_deref()),
            (PROP_NEXT, meta.next.as_deref()),
        ];
        for (kind, value) in named {
            if let Some(value) = value {
                let prop = Prop {
                    kind: kind.to_string(),
                    value: value.to_string(),
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
