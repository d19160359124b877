//! The index schema, with its `Field` handles built once.

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED, STRING,
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
    pub texts: Option<Field>,
    /// Character gram terms of the unit's short texts, for short queries that share no word
    /// with it; a separate field so they weigh nothing in the `terms` field's BM25 lengths.
    /// `None` in an index written before the field existed (its lookups do without).
    pub grams: Option<Field>,
}

/// The analyzer of the `terms` field: a split on spaces, nothing more.
pub const TERMS_TOKENIZER: &str = "tetraglot_terms";

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
    let texts = builder.add_text_field("texts", STRING);
    let grams = builder.add_text_field(
        "grams",
        TextOptions::default().set_indexing_options(terms_indexing),
    );
    (
        builder.build(),
        Fields {
            id,
            payload,
            terms,
            langs,
            document,
            texts: Some(texts),
            grams: Some(grams),
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
            texts: schema.get_field("texts").ok(),
            grams: schema.get_field("grams").ok(),
        })
    }
}
