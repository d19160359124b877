//! Tab-separated units: a header row of language tags (plus optional `id`, `doc_id` or
//! `document`, `outlet`, `author`, `created`, `changed`, `note` columns), then one unit per
//! record.
//!
//! A cell may be quoted as spreadsheets write it (`"He said ""yes"""`), and only then may it
//! hold a tab or a line break. A cell that would not need quoting is read as it is: one that
//! merely starts with a quote (`"Yes," he said`), a sentence that is a quotation
//! (`"Remember?"`), a quote opening in a line that already holds every column. The writer
//! quotes exactly the cells that need it, so what it writes reads back the same.

use std::collections::BTreeMap;
use std::io::BufRead;

use super::{FormatError, Item, Skip};
use crate::model::lang::Lang;
use crate::model::unit::{text_problem, Meta, Unit, UnitId, Variant, MAX_TEXT_CHARS};

enum Column {
    Lang(Lang),
    Id,
    Document,
    Outlet,
    Author,
    Created,
    Changed,
    Note,
}

/// The most lines one record (a quoted cell with line breaks) may take.
const MAX_RECORD_LINES: usize = 100;

/// Streams the units of a TSV file.
pub struct TsvReader<R: BufRead> {
    input: R,
    columns: Vec<Column>,
    line: u64,
    buf: String,
    /// Lines read ahead for a quoted cell that did not close, to be read again.
    again: std::collections::VecDeque<(u64, String)>,
    /// Longer texts are skipped ([`MAX_TEXT_CHARS`] unless set).
    max_text_chars: usize,
}

impl<R: BufRead> TsvReader<R> {
    /// Reads the header; a header naming no language or an invalid one is an error on line 1.
    pub fn new(mut input: R) -> Result<Self, FormatError> {
        let mut header = String::new();
        input.read_line(&mut header)?;
        let header = header
            .trim_start_matches('\u{feff}')
            .trim_end_matches(['\r', '\n']);
        let mut columns = Vec::new();
        for name in header.split('\t') {
            let column = match metadata_column(name) {
                Some(column) => column,
                None => Column::Lang(Lang::parse(name).map_err(|e| {
                    FormatError::malformed(1, format!("header column '{name}': {e}"))
                })?),
            };
            columns.push(column);
        }
        if !columns.iter().any(|c| matches!(c, Column::Lang(_))) {
            return Err(FormatError::malformed(
                1,
                "the header row must name the language of each column (e.g. en\thy\taz\tru)",
            ));
        }
        Ok(TsvReader {
            input,
            columns,
            line: 1,
            buf: String::new(),
            again: std::collections::VecDeque::new(),
            max_text_chars: MAX_TEXT_CHARS,
        })
    }

    /// Skips texts longer than `max` chars instead of [`MAX_TEXT_CHARS`].
    pub fn max_text_chars(mut self, max: usize) -> Self {
        self.max_text_chars = max;
        self
    }

    /// The next line (its number, its text without the line break); `None` at the end.
    fn read_line(&mut self) -> Result<Option<(u64, String)>, FormatError> {
        if let Some(line) = self.again.pop_front() {
            return Ok(Some(line));
        }
        self.buf.clear();
        match self.input.read_line(&mut self.buf) {
            Ok(0) => Ok(None),
            Ok(_) => {
                self.line += 1;
                let text = self.buf.trim_end_matches(['\r', '\n']).to_string();
                Ok(Some((self.line, text)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Err(FormatError::malformed(
                self.line + 1,
                "the line is not valid UTF-8",
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// A record's cells, with its first line's number: one line, or more while a quoted
    /// cell is open. When the quote never closes, the first line is read as it is and the
    /// lines read ahead are read again as records of their own.
    fn read_record(&mut self) -> Result<Option<(u64, Vec<String>)>, FormatError> {
        let (start, first) = loop {
            match self.read_line()? {
                None => return Ok(None),
                Some((_, text)) if text.trim().is_empty() => continue,
                Some(line) => break line,
            }
        };
        let mut record = first.clone();
        let mut ahead = Vec::new();
        let width = self.columns.len();
        loop {
            let read_on = match split_record(&record) {
                Split::Cells(cells) if ahead.is_empty() || cells.len() == width => {
                    return Ok(Some((start, cells)));
                }
                // A quote that opens in a line and, read as text, leaves that line holding
                // exactly the header's columns is text (news quotes a speaker over several
                // sentences, the quote closing on another line): reading on would join two
                // records. A line that as text holds more columns than the header is no record,
                // so its quote is read on. (Ambiguous, and read as text: a quoted cell whose
                // first line holds a tab that makes it fill the header; TMX has no such case.)
                Split::Open { before, rest } => {
                    let text = ahead.is_empty()
                        && width > 0
                        && rest.contains('\t')
                        && before + rest.split('\t').count() == width;
                    !text && ahead.len() < MAX_RECORD_LINES
                }
                _ => false,
            };
            if !read_on {
                break;
            }
            match self.read_line()? {
                Some((number, text)) => {
                    record.push('\n');
                    record.push_str(&text);
                    ahead.push((number, text));
                }
                None => break,
            }
        }
        for line in ahead.into_iter().rev() {
            self.again.push_front(line);
        }
        Ok(Some((
            start,
            first.split('\t').map(str::to_string).collect(),
        )))
    }

    fn parse_record(&self, line: u64, cells: &[String]) -> Item {
        if cells.len() != self.columns.len() {
            return Item::Skipped(Skip {
                line,
                reason: format!(
                    "expected {} tab-separated columns, found {}",
                    self.columns.len(),
                    cells.len()
                ),
            });
        }
        let mut variants = BTreeMap::new();
        let mut meta = Meta::default();
        let mut id = None;
        for (column, cell) in self.columns.iter().zip(cells) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            match column {
                Column::Lang(lang) => {
                    if let Some(problem) = text_problem(cell, self.max_text_chars) {
                        return Item::Skipped(Skip {
                            line,
                            reason: format!("{}: {problem}", lang.tag()),
                        });
                    }
                    variants.insert(lang.key().to_string(), Variant::plain(lang, cell));
                }
                Column::Id => id = Some(cell.to_string()),
                Column::Document => meta.document = Some(cell.to_string()),
                Column::Outlet => meta.outlet = Some(cell.to_string()),
                Column::Author => meta.author = Some(cell.to_string()),
                Column::Created | Column::Changed => {
                    let Some(time) = crate::model::time::Timestamp::parse(cell) else {
                        return Item::Skipped(Skip {
                            line,
                            reason: format!(
                                "'{cell}' is not an RFC 3339 time (e.g. 2026-05-01T09:30:00Z)"
                            ),
                        });
                    };
                    if matches!(column, Column::Created) {
                        meta.created = Some(time);
                    } else {
                        meta.changed = Some(time);
                    }
                }
                // One note per line of the cell (the writer puts a unit's notes in one).
                Column::Note => meta.notes.extend(
                    cell.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_string),
                ),
            }
        }
        if variants.is_empty() {
            return Item::Skipped(Skip {
                line,
                reason: "the line has no text in any language column".into(),
            });
        }
        let id = match id.map(UnitId::parse).transpose() {
            Ok(id) => id,
            Err(problem) => {
                return Item::Skipped(Skip {
                    line,
                    reason: format!("id: {problem}"),
                })
            }
        };
        if let Some(reason) = meta.problem() {
            return Item::Skipped(Skip { line, reason });
        }
        let id = id.unwrap_or_else(|| Unit::content_id(&variants));
        Item::Unit(Box::new(Unit { id, variants, meta }))
    }
}

impl<R: BufRead> Iterator for TsvReader<R> {
    type Item = Result<Item, FormatError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.read_record() {
            Ok(Some((line, cells))) => Some(Ok(self.parse_record(line, &cells))),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// How a record's text splits into cells.
enum Split<'a> {
    /// The cells, quoted cells unquoted.
    Cells(Vec<String>),
    /// A quoted cell is still open at the end (it may go on over the next line): how many
    /// cells come before it, and the text from its opening quote.
    Open { before: usize, rest: &'a str },
    /// A line break outside a quoted cell: the lines are not one record.
    Lines,
}

/// The cells of a record, quoted cells unquoted.
fn split_record(record: &str) -> Split<'_> {
    let mut cells = Vec::new();
    let mut rest = record;
    loop {
        let (cell, after) = match quoted_cell(rest) {
            Quoted::Cell(cell, after) => (cell, after),
            Quoted::Open => {
                return Split::Open {
                    before: cells.len(),
                    rest,
                }
            }
            Quoted::No => {
                let end = rest.find('\t').unwrap_or(rest.len());
                if rest[..end].contains('\n') {
                    return Split::Lines;
                }
                (rest[..end].to_string(), &rest[end..])
            }
        };
        cells.push(cell);
        match after.strip_prefix('\t') {
            Some(next) => rest = next,
            None => return Split::Cells(cells),
        }
    }
}

enum Quoted<'a> {
    /// A quoted cell, unquoted, and what follows its closing quote (a tab, or nothing).
    Cell(String, &'a str),
    /// A quoted cell that does not close in this text.
    Open,
    /// Not a quoted cell: read as it is.
    No,
}

/// Reads a cell quoted as spreadsheets quote (`"…"`, a quote inside doubled).
fn quoted_cell(text: &str) -> Quoted<'_> {
    let Some(inner) = text.strip_prefix('"') else {
        return Quoted::No;
    };
    let mut cell = String::new();
    let mut at = 0;
    let mut doubled = false;
    while let Some(offset) = inner[at..].find('"') {
        cell.push_str(&inner[at..at + offset]);
        let after = &inner[at + offset + 1..];
        if after.starts_with('"') {
            cell.push('"');
            doubled = true;
            at += offset + 2;
            continue;
        }
        return if !(after.is_empty() || after.starts_with('\t')) {
            // `"Yes," he said`: a quote inside the text, not a quoted cell.
            Quoted::No
        } else if doubled || cell.contains(['\t', '\n', '\r']) {
            Quoted::Cell(cell, after)
        } else {
            // `"Remember her answer?"`: a sentence that is a quotation. Quoting is only
            // needed for a tab, a line break (`\n` or `\r`) or a quote, the characters
            // [`cell`] quotes for, so a cell with none of them is
            // read as it is, quotes and all.
            Quoted::No
        };
    }
    Quoted::Open
}

/// The metadata column a header name stands for, if it stands for one. Some are language
/// codes too (`id` Indonesian, `doc`): the writer spells such a language's column otherwise
/// ([`language_column`]).
fn metadata_column(name: &str) -> Option<Column> {
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "id" | "tuid" => Column::Id,
        "doc_id" | "document" | "doc" => Column::Document,
        "outlet" => Column::Outlet,
        "author" => Column::Author,
        "created" => Column::Created,
        "changed" => Column::Changed,
        "note" | "notes" => Column::Note,
        _ => return None,
    })
}

/// The header of a language column: its key, or, where the key reads as a metadata column,
/// its full tag (`id-Latn-ID`), which reads back to the same key.
fn language_column(key: &str) -> String {
    if metadata_column(key).is_none() {
        return key.to_string();
    }
    match key.parse::<unic_langid::LanguageIdentifier>() {
        Ok(mut tag) => {
            tag.maximize();
            tag.to_string()
        }
        Err(_) => key.to_string(),
    }
}

/// A cell as written: quoted when it holds a tab, a line break or a quote at its start
/// (which a reader would take for quoting), else as it is.
fn cell(text: &str) -> String {
    if text.contains(['\t', '\n', '\r']) || text.starts_with('"') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Writes units as TSV: `id`, `document`, `outlet`, `author`, `created`, `changed`, then one
/// column per language key, then `notes` (one note per line of the cell). Inline markup is
/// not kept (TMX is the lossless format).
pub struct TsvWriter<W: std::io::Write> {
    out: W,
    columns: Vec<String>,
}

impl<W: std::io::Write> TsvWriter<W> {
    /// Writes the header line.
    pub fn start(mut out: W, columns: Vec<String>) -> std::io::Result<Self> {
        write!(out, "id\tdocument\toutlet\tauthor\tcreated\tchanged")?;
        for column in &columns {
            write!(out, "\t{}", language_column(column))?;
        }
        writeln!(out, "\tnotes")?;
        Ok(TsvWriter { out, columns })
    }

    pub fn unit(&mut self, unit: &Unit) -> std::io::Result<()> {
        let meta = &unit.meta;
        let mut cells = vec![cell(&unit.id)];
        for value in [&meta.document, &meta.outlet, &meta.author] {
            cells.push(cell(value.as_deref().unwrap_or("")));
        }
        for time in [&meta.created, &meta.changed] {
            cells.push(cell(time.as_ref().map_or("", |t| t.as_str())));
        }
        for column in &self.columns {
            cells.push(
                unit.variants
                    .get(column)
                    .map_or_else(String::new, |v| cell(&v.text)),
            );
        }
        cells.push(cell(&meta.notes.join("\n")));
        let mut line = cells.join("\t");
        line.push('\n');
        self.out.write_all(line.as_bytes())
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_whose_code_names_a_metadata_column_reads_back_as_that_language() {
        // Found by the `tsv` fuzz target: Indonesian (`id`) and `doc` were written as column
        // headers that read back as the id and document columns.
        let mut variants = BTreeMap::new();
        for (tag, text) in [
            ("id", "Jembatan dibuka."),
            ("doc", "x"),
            ("en", "The bridge opens."),
        ] {
            let lang = Lang::parse(tag).unwrap();
            variants.insert(lang.key().to_string(), Variant::plain(&lang, text));
        }
        let unit = Unit {
            id: UnitId::parse("bridge.1").unwrap(),
            variants,
            meta: Meta::default(),
        };
        let columns = unit.variants.keys().cloned().collect();
        let mut writer = TsvWriter::start(Vec::new(), columns).unwrap();
        writer.unit(&unit).unwrap();
        let written = String::from_utf8(writer.finish().unwrap()).unwrap();
        let back = match &read(&written)[..] {
            [Item::Unit(back)] => back.clone(),
            other => panic!("{other:?} from {written}"),
        };
        assert_eq!(back.id, "bridge.1");
        let texts = |u: &Unit| -> Vec<(String, String)> {
            u.variants
                .iter()
                .map(|(k, v)| (k.clone(), v.text.clone()))
                .collect()
        };
        assert_eq!(texts(&back), texts(&unit), "{written}");
    }

    fn read(input: &str) -> Vec<Item> {
        TsvReader::new(input.as_bytes())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn reads_header_and_rows() {
        let items = read("doc_id\ten\thy\nd1\tHello\tԲարեւ\nd1\tonly one\n\t\t\nd2\t\t \n");
        let Item::Unit(unit) = &items[0] else {
            panic!()
        };
        assert_eq!(unit.meta.document.as_deref(), Some("d1"));
        assert_eq!(unit.variants["hy"].text, "Բարեւ");
        assert!(matches!(&items[1], Item::Skipped(s) if s.line == 3));
        assert!(matches!(&items[2], Item::Skipped(s) if s.line == 5));
    }

    #[test]
    fn bad_header_is_line_one() {
        let err = TsvReader::new("en\tklingon!\n".as_bytes()).err().unwrap();
        assert!(matches!(err, FormatError::Malformed { line: 1, .. }));
    }

    #[test]
    fn quoted_cells_are_unquoted_and_quotes_in_text_are_kept() {
        // Once the quotes stayed in the text.
        let items = read(concat!(
            "en\tru\n",
            "\"He said \"\"yes\"\"\"\t\"Он сказал: «да»\"\n",
            "\"Yes,\" he said\t«Да», — сказал он\n",
            "\"two\nlines\"\tдве\n",
            "after\tпосле\n",
            "\"never closed\tникогда\n",
            "last\tпоследний\n",
        ));
        let texts: Vec<(String, String)> = items
            .iter()
            .map(|i| match i {
                Item::Unit(u) => (u.variants["en"].text.clone(), u.variants["ru"].text.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        // A quoted cell is unquoted when it needed quoting (a quote inside, doubled); one
        // that did not is a quotation, read as it is.
        assert_eq!(
            texts[0],
            ("He said \"yes\"".into(), "\"Он сказал: «да»\"".into())
        );
        assert_eq!(
            texts[1],
            ("\"Yes,\" he said".into(), "«Да», — сказал он".into())
        );
        assert_eq!(texts[2].0, "two\nlines");
        assert_eq!(texts[3].0, "after");
        // A quote that never closes is text, and the lines after it are still read.
        assert_eq!(texts[4].0, "\"never closed");
        assert_eq!(texts[5].0, "last");
    }

    #[test]
    fn a_quotation_over_two_sentences_does_not_join_their_lines() {
        // News quotes a speaker over several sentences: the first opens a quote that only
        // the second closes. Read as one quoted cell, the two lines became one record of the
        // wrong width and both were skipped (70 of NTREX's 1,007 sentences).
        let items = read(concat!(
            "doc_id\ten\taz\n",
            "d1\t\"Five weeks away from the vote.\t\"Seçkiyə beş həftə qalıb.\n",
            "d1\tI am not running, but I am,\" he said.\tNamizəd deyiləm, amma varam\", dedi.\n",
            "d1\tThe end.\tSon.\n",
        ));
        let texts: Vec<String> = items
            .iter()
            .map(|i| match i {
                Item::Unit(u) => u.variants["az"].text.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            texts,
            [
                "\"Seçkiyə beş həftə qalıb.",
                "Namizəd deyiləm, amma varam\", dedi.",
                "Son."
            ]
        );
    }

    #[test]
    fn a_quoted_cell_with_tabs_in_a_one_column_file_reads_back() {
        // Its first line holds tabs, so read as text it would be more columns than the header
        // has: no record, so the quote goes on to where it closes (a fuzzed case).
        let lang = Lang::parse("en").unwrap();
        let text = "first\tsecond\tthird\nand a line \"quoted\"";
        let mut unit = Unit {
            id: UnitId::parse("u1").unwrap(),
            variants: BTreeMap::new(),
            meta: Meta::default(),
        };
        unit.variants
            .insert("en".into(), Variant::plain(&lang, text));
        let mut writer = TsvWriter::start(Vec::new(), vec!["en".into()]).unwrap();
        writer.unit(&unit).unwrap();
        let written = String::from_utf8(writer.finish().unwrap()).unwrap();
        let items = read(&written);
        let Item::Unit(back) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(items.len(), 1, "{items:?}");
        assert_eq!(back.variants["en"].text, text);
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let mut unit = Unit {
            id: UnitId::parse("u1").unwrap(),
            variants: BTreeMap::new(),
            meta: Meta {
                document: Some("d1".into()),
                outlet: Some("news".into()),
                author: Some("ani".into()),
                created: crate::model::time::Timestamp::parse("2026-05-01T10:00:00Z"),
                changed: crate::model::time::Timestamp::parse("2026-05-02T10:00:00Z"),
                notes: vec!["checked".into(), "second note".into()],
                ..Meta::default()
            },
        };
        for (tag, text) in [
            ("en", "\"Quoted\" start\tand a tab"),
            ("hy", "Բարև"),
            // A carriage return alone is quoted as a line break is (a fuzzed case).
            ("ru", "рельс\rрельс"),
        ] {
            let lang = Lang::parse(tag).unwrap();
            unit.variants
                .insert(lang.key().to_string(), Variant::plain(&lang, text));
        }
        let mut writer =
            TsvWriter::start(Vec::new(), vec!["en".into(), "hy".into(), "ru".into()]).unwrap();
        writer.unit(&unit).unwrap();
        let written = String::from_utf8(writer.finish().unwrap()).unwrap();
        let items = read(&written);
        let Item::Unit(back) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(back.id, "u1");
        assert_eq!(back.variants, unit.variants);
        assert_eq!(back.meta.outlet, unit.meta.outlet);
        assert_eq!(back.meta.author, unit.meta.author);
        assert_eq!(back.meta.created, unit.meta.created);
        assert_eq!(back.meta.changed, unit.meta.changed);
        assert_eq!(back.meta.notes, unit.meta.notes);
    }
}
