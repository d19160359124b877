//! Tab-separated units: a header row of language tags (plus optional `id`, `doc_id` or
//! `document`, `outlet`, `author`, `note` columns), then one unit per line.

use std::collections::BTreeMap;
use std::io::BufRead;

use super::{FormatError, Item, Skip};
use crate::model::lang::Lang;
use crate::model::unit::{id_problem, text_problem, Meta, Unit, Variant};

enum Column {
    Lang(Lang),
    Id,
    Document,
    Outlet,
    Author,
    Note,
}

/// Streams the units of a TSV file.
pub struct TsvReader<R: BufRead> {
    input: R,
    columns: Vec<Column>,
    line: u64,
    buf: String,
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
            let column = match name.trim().to_ascii_lowercase().as_str() {
                "id" | "tuid" => Column::Id,
                "doc_id" | "document" | "doc" => Column::Document,
                "outlet" => Column::Outlet,
                "author" => Column::Author,
                "note" | "notes" => Column::Note,
                _ => Column::Lang(Lang::parse(name).map_err(|e| {
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
        })
    }

    fn parse_line(&self, line: &str) -> Item {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() != self.columns.len() {
            return Item::Skipped(Skip {
                line: self.line,
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
                    if let Some(problem) = text_problem(cell) {
                        return Item::Skipped(Skip {
                            line: self.line,
                            reason: format!("{}: {problem}", lang.tag()),
                        });
                    }
                    variants.insert(lang.key().to_string(), Variant::plain(lang, cell));
                }
                Column::Id => id = Some(cell.to_string()),
                Column::Document => meta.document = Some(cell.to_string()),
                Column::Outlet => meta.outlet = Some(cell.to_string()),
                Column::Author => meta.author = Some(cell.to_string()),
                Column::Note => meta.notes.push(cell.to_string()),
            }
        }
        if variants.is_empty() {
            return Item::Skipped(Skip {
                line: self.line,
                reason: "the line has no text in any language column".into(),
            });
        }
        if let Some(problem) = id.as_deref().and_then(id_problem) {
            return Item::Skipped(Skip {
                line: self.line,
                reason: format!("id: {problem}"),
            });
        }
        let id = id.unwrap_or_else(|| Unit::content_id(&variants));
        Item::Unit(Box::new(Unit { id, variants, meta }))
    }
}

impl<R: BufRead> Iterator for TsvReader<R> {
    type Item = Result<Item, FormatError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            match self.input.read_line(&mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    return Some(Err(FormatError::malformed(
                        self.line + 1,
                        "the line is not valid UTF-8",
                    )))
                }
                Err(e) => return Some(Err(e.into())),
            }
            self.line += 1;
            let line = self.buf.trim_end_matches(['\r', '\n']);
            if line.trim().is_empty() {
                continue;
            }
            return Some(Ok(self.parse_line(line)));
        }
    }
}

/// Writes units as TSV: `id`, `document`, then one column per language key. Tabs and line
/// breaks inside a text become spaces; inline markup is not kept.
pub struct TsvWriter<W: std::io::Write> {
    out: W,
    columns: Vec<String>,
}

/// A cell's text with the characters that would break the table made spaces.
fn cell(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

impl<W: std::io::Write> TsvWriter<W> {
    /// Writes the header line.
    pub fn start(mut out: W, columns: Vec<String>) -> std::io::Result<Self> {
        write!(out, "id\tdocument")?;
        for column in &columns {
            write!(out, "\t{column}")?;
        }
        writeln!(out)?;
        Ok(TsvWriter { out, columns })
    }

    pub fn unit(&mut self, unit: &Unit) -> std::io::Result<()> {
        let mut line = format!(
            "{}\t{}",
            cell(&unit.id),
            cell(unit.meta.document.as_deref().unwrap_or(""))
        );
        for column in &self.columns {
            line.push('\t');
            if let Some(v) = unit.variants.get(column) {
                line.push_str(&cell(&v.text));
            }
        }
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
    fn reads_header_and_rows() {
        let input = "doc_id\ten\thy\nd1\tHello\tԲարեւ\nd1\tonly one\n\t\t\nd2\t\t \n";
        let items: Vec<Item> = TsvReader::new(input.as_bytes())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
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
}
