//! Translation units: up to one variant per language, with their metadata, as stored.

use std::collections::BTreeMap;

use super::lang::Lang;
use super::text::nfc;

/// The most characters an asked text may have (a lookup, a concordance query), and the
/// default for stored texts (`--max-text-chars`): one sentence or paragraph. Longer texts
/// are refused by the API and skipped by imports, so no lookup ever meets one (a planted
/// 20 MB text would be re-tokenised by every lookup that retrieves it).
pub const MAX_TEXT_CHARS: usize = 10_000;

pub use super::id::{id_problem, UnitId, MAX_ID_BYTES};

/// Characters XML 1.0 forbids (C0 controls but tab, line feed and carriage return; U+FFFE,
/// U+FFFF): a text holding one could not be exported as TMX, nor fed to a CAT tool.
pub fn is_forbidden_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// The most notes, and props, one unit keeps; and the longest note or prop value, in chars.
pub const MAX_NOTES: usize = 100;
pub const MAX_PROPS: usize = 100;
pub const MAX_NOTE_CHARS: usize = 2_000;

impl Meta {
    /// Why this metadata cannot be stored, if it cannot (too many or too long notes/props,
    /// or a value holding a character XML forbids, which no export could carry).
    pub fn problem(&self) -> Option<String> {
        let values = [&self.document, &self.outlet, &self.author]
            .into_iter()
            .flatten()
            .chain(&self.notes)
            .chain(self.props.iter().map(|p| &p.value));
        for value in values {
            if let Some(c) = value.chars().find(|&c| is_forbidden_char(c)) {
                return Some(format!(
                    "a note, prop or document holds the control character U+{:04X}, which XML (and so TMX) cannot carry",
                    c as u32
                ));
            }
        }
        if self.notes.len() > MAX_NOTES || self.props.len() > MAX_PROPS {
            return Some(format!(
                "{} notes and {} props; a unit keeps at most {MAX_NOTES} of each",
                self.notes.len(),
                self.props.len()
            ));
        }
        let longest = self
            .notes
            .iter()
            .chain(self.props.iter().map(|p| &p.value))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0);
        (longest > MAX_NOTE_CHARS).then(|| {
            format!("a note or prop has {longest} characters; the limit is {MAX_NOTE_CHARS}")
        })
    }
}

/// Why a text cannot be stored: the one rule for the API (which answers with a code per
/// kind) and the importers (which skip the text with its line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// A character XML 1.0 forbids ([`is_forbidden_char`]).
    Forbidden(char),
    /// More chars than the limit: how many, and the limit.
    TooLong { chars: usize, max: usize },
}

impl std::fmt::Display for TextProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextProblem::Forbidden(c) => write!(
                f,
                "the text holds the control character U+{:04X}, which XML (and so TMX) cannot carry",
                *c as u32
            ),
            TextProblem::TooLong { chars, max } => write!(
                f,
                "the text has {chars} characters; the limit is {max} (one sentence or paragraph)"
            ),
        }
    }
}

/// Why `text` cannot be stored, if it cannot: holding a character no exchange format can
/// carry, or more than `max` chars.
pub fn text_problem(text: &str, max: usize) -> Option<TextProblem> {
    if let Some(c) = text.chars().find(|&c| is_forbidden_char(c)) {
        return Some(TextProblem::Forbidden(c));
    }
    let chars = text.chars().count();
    (chars > max).then_some(TextProblem::TooLong { chars, max })
}

/// A TMX `<prop>`: a typed value (TMX allows several of one type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prop {
    pub kind: String,
    pub value: String,
    pub lang: Option<String>,
}

/// One language's text of a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The canonical tag the variant was written with (`hy-AM`), kept for export.
    pub lang: String,
    /// The plain text, NFC; inline codes removed, `<hi>` text kept.
    pub text: String,
    /// The segment's TMX inline markup, when it had inline elements, so export gives it back.
    pub markup: Option<String>,
    pub props: Vec<Prop>,
    pub notes: Vec<String>,
    /// Other `<tuv>` attributes (dates, ids, usage counts), verbatim.
    pub attrs: BTreeMap<String, String>,
}

impl Variant {
    /// A plain-text variant: NFC applied, nothing else.
    pub fn plain(lang: &Lang, text: &str) -> Variant {
        Variant {
            lang: lang.tag().to_string(),
            text: nfc(text).into_owned(),
            markup: None,
            props: Vec::new(),
            notes: Vec::new(),
            attrs: BTreeMap::new(),
        }
    }
}

/// What is known about a unit besides its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// The article or document the sentence comes from (TMX prop `x-document`).
    pub document: Option<String>,
    /// The outlet that published it (TMX prop `x-outlet`).
    pub outlet: Option<String>,
    /// Who wrote the unit (TMX `creationid`).
    pub author: Option<String>,
    /// RFC 3339 creation time (TMX `creationdate`).
    pub created: Option<super::time::Timestamp>,
    /// RFC 3339 time of the last change (TMX `changedate`).
    pub changed: Option<super::time::Timestamp>,
    pub notes: Vec<String>,
    pub props: Vec<Prop>,
    /// Other `<tu>` attributes (`changeid`, `usagecount`, `srclang` …), verbatim.
    pub attrs: BTreeMap<String, String>,
    /// The unit of the previous sentence of the same running text (TMX prop
    /// `x-context-prev`), for context (101%) matches.
    pub prev: Option<UnitId>,
    /// The unit of the next sentence (TMX prop `x-context-next`).
    pub next: Option<UnitId>,
}

impl Meta {
    /// Fills what `self` lacks from `older`: used when a unit is merged into a stored one.
    pub fn merge_from(&mut self, older: Meta) {
        fn keep<T>(mine: &mut Option<T>, theirs: Option<T>) {
            if mine.is_none() {
                *mine = theirs;
            }
        }
        keep(&mut self.document, older.document);
        keep(&mut self.outlet, older.outlet);
        keep(&mut self.author, older.author);
        // The first creation date wins; the change date is the newer one.
        if older.created.is_some() {
            self.created = older.created;
        }
        keep(&mut self.changed, older.changed);
        keep(&mut self.prev, older.prev);
        keep(&mut self.next, older.next);
        // Linear, whatever the counts (a unit posted twice with 100k notes once took the
        // writer 25 s), and capped: the newest notes and props are kept.
        let mut seen: std::collections::HashSet<String> = self.notes.iter().cloned().collect();
        for note in older.notes {
            if self.notes.len() >= MAX_NOTES {
                break;
            }
            if seen.insert(note.clone()) {
                self.notes.push(note);
            }
        }
        let mut seen: std::collections::HashSet<(String, String, Option<String>)> = self
            .props
            .iter()
            .map(|p| (p.kind.clone(), p.value.clone(), p.lang.clone()))
            .collect();
        // A state the newer unit states (its alignment and how sure it is) replaces the
        // older one instead of standing beside it; other types may repeat, as TMX allows.
        let stated: std::collections::HashSet<String> = self
            .props
            .iter()
            .filter(|p| is_single_valued(&p.kind))
            .map(|p| p.kind.clone())
            .collect();
        for prop in older.props {
            if self.props.len() >= MAX_PROPS {
                break;
            }
            if stated.contains(&prop.kind) {
                continue;
            }
            if seen.insert((prop.kind.clone(), prop.value.clone(), prop.lang.clone())) {
                self.props.push(prop);
            }
        }
        for (k, v) in older.attrs {
            self.attrs.entry(k).or_insert(v);
        }
    }
}

/// Prop types that hold one state of the unit, not a list: a merge keeps the newer value.
fn is_single_valued(kind: &str) -> bool {
    matches!(kind, "x-alignment" | "x-alignment-confidence")
}

/// Links consecutive units of one document as neighbours (each unit's `prev`/`next`), where
/// they are not linked already. `units` are in reading order.
pub fn link_neighbours(units: &mut [Unit]) {
    for k in 1..units.len() {
        let (before, after) = units.split_at_mut(k);
        let (a, b) = (&mut before[k - 1], &mut after[0]);
        if a.meta.document.is_some() && a.meta.document == b.meta.document && a.id != b.id {
            if a.meta.next.is_none() {
                a.meta.next = Some(b.id.clone());
            }
            if b.meta.prev.is_none() {
                b.meta.prev = Some(a.id.clone());
            }
        }
    }
}

/// A translation unit. Stored once; any variant can be a lookup's source, any other its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: UnitId,
    /// Variants by matching key (`hy`, `az-Cyrl`); see [`Lang::key`].
    pub variants: BTreeMap<String, Variant>,
    pub meta: Meta,
}

impl Unit {
    /// A stable id derived from the unit's texts, for units that arrive without one: the same
    /// content imported twice gets the same id, so it is merged, not duplicated.
    pub fn content_id(variants: &BTreeMap<String, Variant>) -> UnitId {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for (key, variant) in variants {
            hasher.update(key.as_bytes());
            hasher.update(&[0]);
            hasher.update(super::text::fold_whitespace(&variant.text).as_bytes());
            hasher.update(&[0]);
        }
        UnitId::made(format!("h{:032x}", hasher.digest128()))
    }

    /// Folds `newer` into `self` (the stored unit): newer variants replace older ones of the
    /// same language, languages only the older one has are kept, metadata is united.
    pub fn merge(&mut self, newer: Unit) {
        for (key, variant) in newer.variants {
            self.variants.insert(key, variant);
        }
        let mut meta = newer.meta;
        meta.merge_from(std::mem::take(&mut self.meta));
        self.meta = meta;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_notes_are_deduplicated_and_capped() {
        let notes = |from: usize, to: usize| Meta {
            notes: (from..to).map(|i| format!("note {i}")).collect(),
            ..Meta::default()
        };
        let mut newer = notes(0, 60);
        newer.merge_from(notes(30, 90));
        assert_eq!(newer.notes.len(), 90, "30 in common are kept once");
        let mut newer = notes(0, 80);
        newer.merge_from(notes(80, 160));
        assert_eq!(newer.notes.len(), MAX_NOTES);
        assert_eq!(
            newer.notes[0], "note 0",
            "the newer unit's own notes come first"
        );
        assert!(notes(0, MAX_NOTES + 1).problem().is_some());
        let prop = |kind: &str, value: &str| Prop {
            kind: kind.into(),
            value: value.into(),
            lang: None,
        };
        let mut newer = Meta {
            props: vec![prop("x-alignment", "confirmed")],
            ..Meta::default()
        };
        newer.merge_from(Meta {
            props: vec![
                prop("x-alignment", "auto"),
                prop("x-note", "a"),
                prop("x-note", "b"),
            ],
            ..Meta::default()
        });
        let kinds: Vec<&str> = newer.props.iter().map(|p| p.value.as_str()).collect();
        assert_eq!(
            kinds,
            ["confirmed", "a", "b"],
            "one alignment state, repeated notes"
        );
        assert!(notes(0, MAX_NOTES).problem().is_none());
    }
}
