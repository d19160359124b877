//! Tests of the TMX reader and writer.

use crate::model::unit::UnitId;
use std::collections::BTreeMap;

use super::super::{FormatError, Item};
use super::*;
use crate::model::lang::Lang;
use crate::model::unit::{is_forbidden_char, Meta, Prop, Unit, Variant};

#[test]
fn every_export_is_well_formed_whatever_was_stored() {
    // Every class of code point: each C0 control, DEL and the C1 controls, the
    // noncharacters U+FFFE/U+FFFF/U+FDD0, private use, an astral emoji, combining marks,
    // bidi and zero-width marks, XML's own metacharacters.
    let mut every: String = (0u32..0x20).filter_map(char::from_u32).collect();
    every.push_str(
        "\u{7F}\u{80}\u{9F}\u{FFFE}\u{FFFF}\u{FDD0}\u{E000}\u{1F600}e\u{301}\u{200F}\u{200B}<&>\"'",
    );
    let lang = Lang::parse("en").unwrap();
    let mut unit = Unit {
        id: UnitId::parse("u1").unwrap(),
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

/// The units `input` reads as, skipped items left out.
fn units_in(input: &str) -> Vec<Unit> {
    read_all(input)
        .unwrap()
        .into_iter()
        .filter_map(|i| match i {
            Item::Unit(u) => Some(*u),
            Item::Skipped(_) => None,
        })
        .collect()
}

#[test]
fn reads_units_props_notes_and_inline_codes() {
    let items = read_all(SAMPLE).unwrap();
    let Item::Unit(unit) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(unit.id, "a.1");
    assert_eq!(unit.meta.document.as_deref(), Some("a"));
    assert_eq!(
        unit.meta.created.as_ref().map(|t| t.as_str()),
        Some("2024-05-01T12:00:00Z")
    );
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
    let units = units_in(SAMPLE);
    let mut writer = TmxWriter::start(Vec::new(), "*all*").unwrap();
    for unit in &units {
        writer.unit(unit, |_| true).unwrap();
    }
    let bytes = writer.finish().unwrap();
    let again = units_in(std::str::from_utf8(&bytes).unwrap());
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

#[test]
fn a_neighbour_link_that_is_no_unit_id_stays_a_plain_prop() {
    // A link is an id: one over 256 bytes, or empty, links nothing (it was stored as a link
    // before ids were a type, and a context lookup then asked the index for it).
    let long = "ա".repeat(200);
    let input = format!(
        r#"<?xml version="1.0"?>
<tmx version="1.4"><header srclang="en"/><body>
<tu tuid="a.2"><prop type="x-context-prev">{long}</prop><prop type="x-context-next">a.3</prop>
<tuv xml:lang="en"><seg>Two.</seg></tuv></tu>
</body></tmx>"#
    );
    let items = read_all(&input).unwrap();
    let Item::Unit(unit) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(unit.meta.prev, None);
    assert_eq!(unit.meta.next.as_deref(), Some("a.3"));
    assert_eq!(unit.meta.props.len(), 1);
    assert_eq!(
        (
            unit.meta.props[0].kind.as_str(),
            unit.meta.props[0].value.as_str()
        ),
        ("x-context-prev", long.as_str())
    );
    // Written back, the prop is kept as it came.
    let mut writer = TmxWriter::start(Vec::new(), "en").unwrap();
    writer.unit(unit, |_| true).unwrap();
    let xml = String::from_utf8(writer.finish().unwrap()).unwrap();
    assert_eq!(xml.matches("x-context-prev").count(), 1, "{xml}");
}
