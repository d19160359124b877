//! XLIFF: pre-translated files written in 2.1 (with the Translation Candidates module) and
//! 1.2 (with `<alt-trans>`), and translated files of either version read back as units.
//!
//! Written files carry the source's inline codes (XLIFF 2: `<pc>`, `<sc>`/`<ec>` for a
//! span cut by a sentence end, `<ph>`, the native code in `<originalData>`; XLIFF 1.2:
//! `<bpt>`/`<ept>`, `<it>`, `<ph>` holding the native code). Read files give the plain text
//! (the content of spans such as `<g>`, `<pc>`, `<mrk>` kept) and its codes, which become
//! the variant's markup.

mod read;
mod write;

pub use read::XliffReader;
pub use write::{write_xliff12, write_xliff2};

use crate::model::inline::InlineCode;
use crate::model::lang::Lang;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{FormatError, Item};
    use crate::model::inline::CodeKind;

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
