//! Exchange formats: TMX 1.4b (streaming read and write), TSV, and HTML article bodies, to
//! and from model types.

pub mod html;
pub mod tmx;
pub mod tsv;
pub mod xliff;

pub use crate::model::stream::{FormatError, Item, Skip};

/// A `BufRead` that counts the lines its reader has consumed, so parse errors can name them.
pub struct LineCounter<R> {
    inner: R,
    line: u64,
}

impl<R> LineCounter<R> {
    pub fn new(inner: R) -> Self {
        LineCounter { inner, line: 1 }
    }

    /// The line of the next byte to be read (1-based).
    pub fn line(&self) -> u64 {
        self.line
    }
}

impl<R: std::io::BufRead> std::io::Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        use std::io::BufRead;
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: std::io::BufRead> std::io::BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let seen = amount.min(buf.len());
            self.line += memchr_count(b'\n', &buf[..seen]);
        }
        self.inner.consume(amount);
    }
}

fn memchr_count(needle: u8, haystack: &[u8]) -> u64 {
    haystack.iter().filter(|&&b| b == needle).count() as u64
}

/// The file formats the memory reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Tmx,
    Tsv,
    /// XLIFF 1.2 or 2.x (translated files coming back).
    Xliff,
}

impl FileKind {
    /// The format's short name, as `?format=` and a task's details say it.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Tmx => "tmx",
            FileKind::Tsv => "tsv",
            FileKind::Xliff => "xliff",
        }
    }

    /// By short name (`tmx`, `tsv`, `xliff`), or by any extension [`FileKind::from_path`]
    /// knows.
    pub fn from_name(name: &str) -> Option<FileKind> {
        FileKind::from_path(std::path::Path::new(&format!("f.{name}")))
    }

    /// By file name: `.tmx`/`.xml` or `.tsv`/`.tab`/`.txt`.
    pub fn from_path(path: &std::path::Path) -> Option<FileKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "tmx" | "xml" => Some(FileKind::Tmx),
            "tsv" | "tab" => Some(FileKind::Tsv),
            "xlf" | "xliff" => Some(FileKind::Xliff),
            _ => None,
        }
    }

    /// By media type: TMX as `application/x-tmx+xml`, `application/xml` or `text/xml`;
    /// TSV as `text/tab-separated-values`.
    pub fn from_media_type(essence: &str) -> Option<FileKind> {
        match essence {
            "application/x-tmx+xml" | "application/xml" | "text/xml" | "application/tmx+xml" => {
                Some(FileKind::Tmx)
            }
            "text/tab-separated-values" => Some(FileKind::Tsv),
            "application/xliff+xml" | "application/x-xliff+xml" => Some(FileKind::Xliff),
            _ => None,
        }
    }

    /// Streams the items of a file of this kind. A byte-order mark is honoured: UTF-16 files
    /// (as Trados and others export TMX) are decoded to UTF-8 on the way in; so is the
    /// encoding an XML declaration names (`ISO-8859-1`, `windows-1251`, as older tools
    /// write TMX). Texts over `max_text_chars` are skipped with their line.
    pub fn read<R: std::io::Read + Send + 'static>(
        self,
        mut input: R,
        max_text_chars: usize,
    ) -> Result<Box<dyn Iterator<Item = Result<Item, FormatError>> + Send>, FormatError> {
        use std::io::Read;
        // The declaration is at the very start: its first 1 KiB is read, and put back.
        let mut head = Vec::with_capacity(1024);
        (&mut input)
            .take(1024)
            .read_to_end(&mut head)
            .map_err(FormatError::Io)?;
        let declared = declared_encoding(&head);
        let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
            .bom_sniffing(true)
            .strip_bom(true)
            .encoding(declared)
            .build(std::io::Cursor::new(head).chain(input));
        let input = std::io::BufReader::with_capacity(256 * 1024, decoded);
        Ok(match self {
            FileKind::Tmx => Box::new(tmx::TmxReader::new(input).max_text_chars(max_text_chars)),
            FileKind::Tsv => Box::new(tsv::TsvReader::new(input)?.max_text_chars(max_text_chars)),
            FileKind::Xliff => Box::new(xliff::XliffReader::with_max_text_chars(
                input,
                max_text_chars,
            )),
        })
    }
}

/// The encoding an XML declaration names (`<?xml version="1.0" encoding="windows-1251"?>`),
/// when it is one other than UTF-8 that the WHATWG encoding standard knows; a byte-order
/// mark, when there is one, still wins.
fn declared_encoding(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let declaration = std::str::from_utf8(&head[..end]).ok()?;
    let at = declaration.find("encoding")? + "encoding".len();
    let rest = declaration[at..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let label = rest[1..].split(quote).next()?;
    let encoding = encoding_rs::Encoding::for_label(label.trim().as_bytes())?;
    (encoding != encoding_rs::UTF_8).then_some(encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_the_xml_declaration_names_is_honoured() {
        // Once "cannot decode input using UTF-8".
        let tmx = |encoding: &str, en: &[u8], other: (&str, &[u8])| {
            let mut bytes = format!("<?xml version=\"1.0\" encoding=\"{encoding}\"?>\n<tmx version=\"1.4\"><header/><body>\n<tu tuid=\"1\"><tuv xml:lang=\"en\"><seg>").into_bytes();
            bytes.extend_from_slice(en);
            bytes.extend_from_slice(
                format!("</seg></tuv><tuv xml:lang=\"{}\"><seg>", other.0).as_bytes(),
            );
            bytes.extend_from_slice(other.1);
            bytes.extend_from_slice(b"</seg></tuv></tu>\n</body></tmx>\n");
            bytes
        };
        let read = |bytes: Vec<u8>| -> crate::model::unit::Unit {
            let items: Vec<Item> = FileKind::Tmx
                .read(
                    std::io::Cursor::new(bytes),
                    crate::model::unit::MAX_TEXT_CHARS,
                )
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            match items.into_iter().next() {
                Some(Item::Unit(unit)) => *unit,
                other => panic!("{other:?}"),
            }
        };
        // "Café au lait" in Latin-1, "Привет" in windows-1251.
        let latin1 = read(tmx("ISO-8859-1", b"Caf\xe9", ("fr", b"Caf\xe9 au lait")));
        assert_eq!(latin1.variants["en"].text, "Café");
        assert_eq!(latin1.variants["fr"].text, "Café au lait");
        let cyrillic = read(tmx(
            "windows-1251",
            b"Hello",
            ("ru", b"\xcf\xf0\xe8\xe2\xe5\xf2"),
        ));
        assert_eq!(cyrillic.variants["ru"].text, "Привет");
        assert_eq!(
            declared_encoding(b"<?xml version='1.0' encoding='utf-8'?>"),
            None
        );
        assert_eq!(
            declared_encoding(b"<?xml version='1.0' encoding='KOI8-R'?>"),
            Some(encoding_rs::KOI8_R)
        );
    }

    #[test]
    fn utf16_files_with_a_byte_order_mark_are_read() {
        let tmx = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<tmx version=\"1.4\"><header/><body>\n<tu tuid=\"1\"><tuv xml:lang=\"en\"><seg>Baku</seg></tuv><tuv xml:lang=\"hy\"><seg>Բաքու</seg></tuv></tu>\n</body></tmx>\n";
        let mut bytes = vec![0xFF, 0xFE];
        for unit in tmx.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let items: Vec<Item> = FileKind::Tmx
            .read(
                std::io::Cursor::new(bytes),
                crate::model::unit::MAX_TEXT_CHARS,
            )
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let Item::Unit(unit) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(unit.variants["hy"].text, "Բաքու");
        let tsv = "\u{feff}en\thy\nBaku\tԲաքու\n";
        let items: Vec<Item> = FileKind::Tsv
            .read(
                std::io::Cursor::new(tsv.as_bytes().to_vec()),
                crate::model::unit::MAX_TEXT_CHARS,
            )
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(items.len(), 1);
    }
}
