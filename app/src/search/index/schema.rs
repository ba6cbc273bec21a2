//! The index's schema and text analysis: English words stemmed, with stop words removed,
//! and references (`PP-17`) kept whole.

use super::*;

/// Bump when the schema or analysis changes: an index of another version is rebuilt.
/// Bump when the schema or analysis changes: an index of another version is rebuilt.
pub(super) const SCHEMA_VERSION: u32 = 1;

pub(super) const ENGLISH: &str = "candour_english";

pub(super) const REFERENCE: &str = "candour_reference";

#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub(super) id: Field,
    pub(super) kind: Field,
    pub(super) reference: Field,
    pub(super) title: Field,
    pub(super) summary: Field,
    pub(super) body: Field,
    pub(super) url: Field,
    pub(super) status_key: Field,
    pub(super) status_name: Field,
    pub(super) date: Field,
    pub(super) facets: Field,
}

pub(super) fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let english = |stored: bool| {
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ENGLISH)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let reference_options = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(REFERENCE))
        .set_stored();
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        kind: builder.add_text_field("kind", STRING | STORED),
        reference: builder.add_text_field("reference", reference_options),
        title: builder.add_text_field("title", english(true)),
        summary: builder.add_text_field("summary", english(true)),
        body: builder.add_text_field("body", english(true)),
        url: builder.add_text_field("url", STORED),
        status_key: builder.add_text_field("status_key", STORED),
        status_name: builder.add_text_field("status_name", STORED),
        date: builder.add_text_field("date", STORED),
        facets: builder.add_facet_field("facets", FacetOptions::default()),
    };
    (builder.build(), fields)
}

pub(super) fn english_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(
            StopWordFilter::new(Language::English)
                .unwrap_or_else(|| StopWordFilter::remove(Vec::<String>::new())),
        )
        .filter(Stemmer::new(Language::English))
        .build()
}

pub(super) fn register_tokenizers(index: &Index) {
    index.tokenizers().register(ENGLISH, english_analyzer());
    index.tokenizers().register(
        REFERENCE,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}
