//! Payloads read straight from each segment's doc store, without building a document.
//!
//! tantivy's `Searcher::doc` builds a whole document, and reads a bytes value one byte at a
//! time (`Vec<u8>`'s `BinarySerializable`): for a unit's payload of about a kilobyte that was
//! most of what fetching a candidate cost beside decompressing its block. A unit's only
//! stored value is its payload, so its stored bytes are a value count, then the payload
//! field's id, the bytes type code, a length and the payload; [`Stores::payload`] slices
//! that out, and falls back to `Searcher::doc` for any other layout.
//!
//! Beside each doc store, the segment's column of length summaries (a fast field), which a
//! retrieval reads before deciding to read a payload at all.

use tantivy::columnar::Column;
use tantivy::schema::Field;
use tantivy::store::StoreReader;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::IndexError;

/// tantivy's type code of a bytes value in a stored document.
const BYTES_CODE: u8 = 4;

/// A reader of each segment's doc store, opened once per commit (each with its own cache of
/// decompressed blocks, as the searcher's), and of its length summaries when the index has
/// them.
pub(super) struct Stores {
    readers: Vec<StoreReader>,
    payload: Field,
    lengths: Vec<Option<Column<u64>>>,
}

impl Stores {
    /// The readers of `searcher`'s segments; `lengths` names the summaries' fast field.
    pub(super) fn open(
        searcher: &Searcher,
        payload: Field,
        lengths: Option<&str>,
        cache_blocks: usize,
    ) -> Result<Stores, IndexError> {
        let segments = searcher.segment_readers();
        let readers = segments
            .iter()
            .map(|segment| segment.get_store_reader(cache_blocks))
            .collect::<Result<_, _>>()?;
        let lengths = segments
            .iter()
            .map(|segment| match lengths {
                Some(name) => segment.fast_fields().u64(name).map(Some),
                None => Ok(None),
            })
            .collect::<Result<_, _>>()?;
        Ok(Stores {
            readers,
            payload,
            lengths,
        })
    }

    /// The length summaries of the document at `address`, into `out` (cleared first);
    /// `false` when its segment has none to read.
    pub(super) fn lengths(&self, address: DocAddress, out: &mut Vec<u64>) -> bool {
        out.clear();
        match self.lengths.get(address.segment_ord as usize) {
            Some(Some(column)) => {
                out.extend(column.values_for_doc(address.doc_id));
                true
            }
            _ => false,
        }
    }

    /// The payload of the document at `address` (of `searcher`, whose commit these stores
    /// read).
    pub(super) fn payload(
        &self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> Result<Vec<u8>, IndexError> {
        if let Some(reader) = self.readers.get(address.segment_ord as usize) {
            let stored = reader.get_document_bytes(address.doc_id)?;
            if let Some(payload) = payload_in(&stored, self.payload) {
                return Ok(payload.to_vec());
            }
        }
        let doc: TantivyDocument = searcher.doc(address)?;
        Ok(super::payload_of(&doc, self.payload))
    }
}

/// The payload in a stored document's bytes when the document holds nothing else.
fn payload_in(stored: &[u8], payload: Field) -> Option<&[u8]> {
    let (values, rest) = vint(stored)?;
    if values != 1 {
        return None;
    }
    let (field, rest) = rest.split_first_chunk::<4>()?;
    if u32::from_le_bytes(*field) != payload.field_id() {
        return None;
    }
    let (&code, rest) = rest.split_first()?;
    if code != BYTES_CODE {
        return None;
    }
    let (len, rest) = vint(rest)?;
    let len = usize::try_from(len).ok()?;
    (rest.len() == len).then_some(rest)
}

/// tantivy's variable-length integer: seven bits a byte, least significant first, the last
/// byte's high bit set.
fn vint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 != 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use tantivy::schema::{Schema, STORED, STRING};
    use tantivy::{doc, DocAddress, Index};

    /// The short cut reads what tantivy's own deserialiser reads, for payloads whose lengths
    /// take one, two and three bytes to write: a tantivy that changed its layout fails here.
    #[test]
    fn a_payload_read_raw_equals_the_document_tantivy_builds() {
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STRING);
        let payload = builder.add_bytes_field("payload", STORED);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer(15_000_000).unwrap();
        let payloads: Vec<Vec<u8>> = [0usize, 5, 127, 128, 1_000, 20_000]
            .iter()
            .map(|&n| (0..n).map(|i| (i % 251) as u8).collect())
            .collect();
        for (n, bytes) in payloads.iter().enumerate() {
            writer
                .add_document(doc!(id => n.to_string(), payload => bytes.clone()))
                .unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let stores = super::Stores::open(&searcher, payload, None, 4).unwrap();
        for (n, bytes) in payloads.iter().enumerate() {
            let address = DocAddress::new(0, n as u32);
            let raw = stores.readers[0].get_document_bytes(n as u32).unwrap();
            assert_eq!(super::payload_in(&raw, payload), Some(bytes.as_slice()));
            assert_eq!(&stores.payload(&searcher, address).unwrap(), bytes);
        }
    }

    #[test]
    fn another_layout_is_not_sliced() {
        let field = tantivy::schema::Field::from_field_id(1);
        // Two values, a text value, a length past the end, an unterminated count.
        assert_eq!(
            super::payload_in(&[0x82, 1, 0, 0, 0, 4, 0x81, 7], field),
            None
        );
        assert_eq!(
            super::payload_in(&[0x81, 1, 0, 0, 0, 0, 0x81, 7], field),
            None
        );
        assert_eq!(
            super::payload_in(&[0x81, 1, 0, 0, 0, 4, 0x85, 7], field),
            None
        );
        assert_eq!(super::payload_in(&[0x01, 0x01], field), None);
        assert_eq!(
            super::payload_in(&[0x81, 1, 0, 0, 0, 4, 0x81, 7], field),
            Some(&[7u8][..])
        );
    }
}
