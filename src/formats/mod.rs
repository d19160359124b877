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
    /// (as Trados and others export TMX) are decoded to UTF-8 on the way in.
    pub fn read<R: std::io::Read + Send + 'static>(
        self,
        input: R,
    ) -> Result<Box<dyn Iterator<Item = Result<Item, FormatError>> + Send>, FormatError> {
        let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
            .bom_sniffing(true)
            .strip_bom(true)
            .build(input);
        let input = std::io::BufReader::with_capacity(256 * 1024, decoded);
        Ok(match self {
            FileKind::Tmx => Box::new(tmx::TmxReader::new(input)),
            FileKind::Tsv => Box::new(tsv::TsvReader::new(input)?),
            FileKind::Xliff => Box::new(xliff::XliffReader::new(input)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_files_with_a_byte_order_mark_are_read() {
        let tmx = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<tmx version=\"1.4\"><header/><body>\n<tu tuid=\"1\"><tuv xml:lang=\"en\"><seg>Baku</seg></tuv><tuv xml:lang=\"hy\"><seg>Բաքու</seg></tuv></tu>\n</body></tmx>\n";
        let mut bytes = vec![0xFF, 0xFE];
        for unit in tmx.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let items: Vec<Item> = FileKind::Tmx
            .read(std::io::Cursor::new(bytes))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let Item::Unit(unit) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(unit.variants["hy"].text, "Բաքու");
        let tsv = "\u{feff}en\thy\nBaku\tԲաքու\n";
        let items: Vec<Item> = FileKind::Tsv
            .read(std::io::Cursor::new(tsv.as_bytes().to_vec()))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(items.len(), 1);
    }
}
