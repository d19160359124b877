//! The index schema, with its `Field` handles built once.

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};

/// Handles of every field, resolved once when the index opens.
#[derive(Debug, Clone)]
pub struct Fields {
    pub id: Field,
    pub payload: Field,
    pub terms: Field,
    pub langs: Field,
    pub document: Field,
    /// One term per variant: its language key and a hash of its folded text, to find the
    /// units holding a sentence exactly (imports join bilingual files by it). `None` in an
    /// index written before the field existed.
    pub texts: Option<TextTerms>,
    /// Character gram terms of the unit's short texts, for short queries that share no word
    /// with it; a separate field so they weigh nothing in the `terms` field's BM25 lengths.
    /// `None` in an index written before the field existed (its lookups do without).
    pub grams: Option<Field>,
    /// Near-duplicate sketch terms of the unit's texts (see `memory::sketch`), for finding
    /// the units that share nearly all a query's words without adding up its words'
    /// postings. `None` in an index written before the field existed (its lookups do
    /// without).
    pub sketch: Option<Field>,
    /// The unit's length summaries (see [`IndexDoc::lengths`](super::IndexDoc::lengths)), a
    /// multi-valued fast field read before a hit's payload. `None` in an index written
    /// before the field existed (its retrievals read every hit).
    pub lengths: Option<Field>,
}

/// The field of a memory's exact-text terms, and how its terms are written.
#[derive(Debug, Clone, Copy)]
pub struct TextTerms {
    pub field: Field,
    pub form: TextForm,
}

/// How an exact-text term writes its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextForm {
    /// `texts`, in indexes written before session 14: all 64 bits in 16 hex digits.
    Full,
    /// `text_keys`: the top 32 bits in 8 hex digits. Random terms are the term dictionary's
    /// dearest (each digit a node no other term shares): at 200k units the long form cost a
    /// fifth of an import's time and two thirds of its final merge (BENCHMARKS.md). A
    /// collision only adds a candidate, which the join reads and compares anyway.
    Short,
}

impl TextForm {
    fn field_name(self) -> &'static str {
        match self {
            TextForm::Full => "texts",
            TextForm::Short => "text_keys",
        }
    }
}

impl TextTerms {
    /// The term of `key` in this field.
    pub fn term(&self, key: &super::TextKey) -> String {
        match self.form {
            TextForm::Full => format!("{}\u{1}{:016x}", key.lang, key.hash),
            TextForm::Short => format!("{}\u{1}{:08x}", key.lang, key.hash >> 32),
        }
    }
}

/// The analyzer of the `terms` field: a split on spaces, nothing more.
pub const TERMS_TOKENIZER: &str = "tetraglot_terms";

/// The name of the length summaries' fast field.
pub const LENGTHS: &str = "lengths";

const NAMES: [&str; 5] = ["id", "payload", "terms", "langs", "document"];

/// The schema of a new index and its handles.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let id = builder.add_text_field("id", STRING);
    let payload = builder.add_bytes_field("payload", STORED);
    // Terms arrive already normalised by `text`, separated by spaces; frequencies feed BM25,
    // positions are not needed.
    let terms_indexing = TextFieldIndexing::default()
        .set_tokenizer(TERMS_TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqs);
    let terms = builder.add_text_field(
        "terms",
        TextOptions::default().set_indexing_options(terms_indexing.clone()),
    );
    let langs = builder.add_text_field("langs", STRING);
    let document = builder.add_text_field("document", STRING);
    let texts = builder.add_text_field(TextForm::Short.field_name(), STRING);
    let grams = builder.add_text_field(
        "grams",
        TextOptions::default().set_indexing_options(terms_indexing.clone()),
    );
    let sketch = builder.add_text_field(
        "sketch",
        TextOptions::default().set_indexing_options(terms_indexing),
    );
    let lengths = builder.add_u64_field(LENGTHS, FAST);
    (
        builder.build(),
        Fields {
            id,
            payload,
            terms,
            langs,
            document,
            texts: Some(TextTerms {
                field: texts,
                form: TextForm::Short,
            }),
            grams: Some(grams),
            sketch: Some(sketch),
            lengths: Some(lengths),
        },
    )
}

impl Fields {
    /// Resolves the handles against an existing index's schema, refusing a foreign index.
    pub fn check(self, schema: &Schema) -> Result<Fields, tantivy::TantivyError> {
        for name in NAMES {
            schema.get_field(name).map_err(|_| {
                tantivy::TantivyError::SchemaError(format!(
                    "the data directory holds an index without the '{name}' field: \
                     it was not written by this version of tetraglot"
                ))
            })?;
        }
        Ok(Fields {
            id: schema.get_field("id")?,
            payload: schema.get_field("payload")?,
            terms: schema.get_field("terms")?,
            langs: schema.get_field("langs")?,
            document: schema.get_field("document")?,
            texts: [TextForm::Short, TextForm::Full]
                .into_iter()
                .find_map(|form| {
                    let field = schema.get_field(form.field_name()).ok()?;
                    Some(TextTerms { field, form })
                }),
            grams: schema.get_field("grams").ok(),
            sketch: schema.get_field("sketch").ok(),
            lengths: schema.get_field(LENGTHS).ok(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::TextKey;

    #[test]
    fn an_index_from_before_the_short_text_terms_keeps_its_long_ones() {
        let key = TextKey {
            lang: "hy".into(),
            hash: 0x0123_4567_89ab_cdef,
        };
        // The schema session 13 wrote: exact texts in `texts`, no `text_keys`, no `grams`.
        let mut builder = Schema::builder();
        builder.add_text_field("id", STRING);
        builder.add_bytes_field("payload", STORED);
        builder.add_text_field("terms", STRING);
        builder.add_text_field("langs", STRING);
        builder.add_text_field("document", STRING);
        builder.add_text_field("texts", STRING);
        let old = build().1.check(&builder.build()).unwrap();
        let texts = old.texts.unwrap();
        assert_eq!(texts.form, TextForm::Full);
        assert_eq!(texts.term(&key), "hy\u{1}0123456789abcdef");
        assert!(old.grams.is_none());
        assert!(old.sketch.is_none());
        assert!(old.lengths.is_none());
        // A new index writes the short form.
        let (schema, fields) = build();
        let new = fields.check(&schema).unwrap();
        assert_eq!(new.texts.unwrap().form, TextForm::Short);
        assert_eq!(new.texts.unwrap().term(&key), "hy\u{1}01234567");
        assert!(new.grams.is_some());
        assert!(new.sketch.is_some());
        assert!(new.lengths.is_some());
    }
}
