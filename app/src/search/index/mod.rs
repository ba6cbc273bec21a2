//! The tantivy index: derived from the database, rebuilt whenever it is missing, damaged,
//! of an older schema, or the database's content version moves on.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use sqlx::AnyPool;
use tantivy::{
    collector::{Count, FacetCollector, TopDocs},
    query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, QueryParser, TermQuery},
    schema::{
        Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
        Value, STORED, STRING,
    },
    snippet::SnippetGenerator,
    tokenizer::{
        Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer,
        StopWordFilter, TextAnalyzer, TokenStream,
    },
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term,
};

use super::{
    pages::facet_group_label, FacetGroup, FacetValue, SearchHit, SearchQuery, SearchResults,
    FACET_GROUPS, SEARCH_PAGE_SIZE,
};
use crate::{error::AppError, html::SanitizedHtml};

mod query_text;
mod schema;

use query_text::*;
use schema::{english_analyzer, register_tokenizers, Fields, SCHEMA_VERSION};

/// Below this many exact results, near spellings are tried.
const FEW_RESULTS: usize = 3;

/// One thing a person can find.
#[derive(Debug, Clone)]
pub struct SearchDocument {
    pub id: String,
    pub kind: &'static str,
    pub reference: Option<String>,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub url: String,
    pub status: Option<(String, String)>,
    pub engagement: Option<String>,
    pub date: Option<String>,
}

pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "recommendation" => "Recommendation",
        "value" => "Core value",
        "priority" => "Research priority",
        "engagement" => "Engagement",
        "report" => "Report",
        "policy" => "Policy",
        _ => "Page",
    }
}

struct Inner {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    /// key → display name, for facet labels (statuses and engagements).
    labels: Mutex<HashMap<String, String>>,
    /// The content version the searcher answers from (-1: not known), kept in memory so
    /// that asking costs no disk read on every search.
    searchable: std::sync::atomic::AtomicI64,
}

/// The search index shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchIndex")
    }
}

impl SearchIndex {
    /// Opens the index under `data_dir/search/v<N>`, creating it when missing and
    /// recreating it when it cannot be opened. Call [`SearchIndex::rebuild`] to fill it.
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let root = data_dir.join("search");
        let dir = root.join(format!("v{SCHEMA_VERSION}"));
        remove_other_versions(&root, &dir);
        let (schema, fields) = schema::schema();
        let index = match open_existing(&dir) {
            Some(index) => index,
            None => {
                if dir.exists() {
                    tracing::warn!(path = %dir.display(), "search index is damaged: rebuilding it");
                    std::fs::remove_dir_all(&dir)?;
                }
                std::fs::create_dir_all(&dir)?;
                Index::create_in_dir(&dir, schema)?
            }
        };
        register_tokenizers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        // One indexing thread: the index is small, and one segment per build keeps
        // rebuilds simple.
        let writer = index.writer_with_num_threads(1, 30_000_000)?;
        let opened = Self {
            inner: Arc::new(Inner {
                index,
                reader,
                writer: Mutex::new(writer),
                fields,
                labels: Mutex::new(HashMap::new()),
                searchable: std::sync::atomic::AtomicI64::new(-1),
            }),
        };
        let version = opened.indexed_version().unwrap_or(-1);
        opened
            .inner
            .searchable
            .store(version, std::sync::atomic::Ordering::Release);
        Ok(opened)
    }

    pub fn document_count(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// Replaces the whole index with the public content of the database, and records in
    /// the index the content version it was built from (read first, so a change made
    /// during the build moves the version on again and is indexed next time).
    pub async fn rebuild(&self, pool: &AnyPool) -> anyhow::Result<usize> {
        let version = crate::db::content_version(pool).await?;
        let documents = documents::load(pool).await?;
        let labels = documents::labels(pool).await?;
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.replace_all(&documents, labels, version)).await?
    }

    /// The content version the index on disk was last built from; `None` for an index
    /// built before versions were recorded, or never built.
    pub fn indexed_version(&self) -> Option<i64> {
        self.inner
            .index
            .load_metas()
            .ok()?
            .payload?
            .strip_prefix("content-version:")?
            .parse()
            .ok()
    }

    /// The content version this process's searcher answers from, without reading the
    /// disk (what [`SearchIndex::indexed_version`] read at opening, then each rebuild's).
    pub fn searchable_version(&self) -> Option<i64> {
        Some(
            self.inner
                .searchable
                .load(std::sync::atomic::Ordering::Acquire),
        )
        .filter(|v| *v >= 0)
    }

    /// Loads the names the result filters show (kept in memory, not in the index), for a
    /// server that starts with an index that is already current.
    pub async fn load_labels(&self, pool: &AnyPool) -> anyhow::Result<()> {
        let labels = documents::labels(pool).await?;
        if let Ok(mut current) = self.inner.labels.lock() {
            *current = labels;
        }
        Ok(())
    }

    fn replace_all(
        &self,
        documents: &[SearchDocument],
        labels: HashMap<String, String>,
        version: i64,
    ) -> anyhow::Result<usize> {
        let f = self.inner.fields;
        let mut writer = self
            .inner
            .writer
            .lock()
            .map_err(|_| anyhow::anyhow!("search writer lock poisoned"))?;
        writer.delete_all_documents()?;
        for doc in documents {
            let mut d = TantivyDocument::default();
            d.add_text(f.id, &doc.id);
            d.add_text(f.kind, doc.kind);
            if let Some(reference) = &doc.reference {
                d.add_text(f.reference, reference);
            }
            d.add_text(f.title, &doc.title);
            d.add_text(f.summary, &doc.summary);
            d.add_text(f.body, &doc.body);
            d.add_text(f.url, &doc.url);
            d.add_facet(f.facets, Facet::from_path(["kind", doc.kind]));
            if let Some((key, name)) = &doc.status {
                d.add_text(f.status_key, key);
                d.add_text(f.status_name, name);
                d.add_facet(f.facets, Facet::from_path(["status", key.as_str()]));
            }
            if let Some(engagement) = &doc.engagement {
                d.add_facet(
                    f.facets,
                    Facet::from_path(["engagement", engagement.as_str()]),
                );
            }
            if let Some(date) = &doc.date {
                d.add_text(f.date, date);
                if let Some(year) = date.get(..4) {
                    d.add_facet(f.facets, Facet::from_path(["year", year]));
                }
            }
            writer.add_document(d)?;
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&format!("content-version:{version}"));
        commit.commit()?;
        self.inner.reader.reload()?;
        self.inner
            .searchable
            .store(version, std::sync::atomic::Ordering::Release);
        if let Ok(mut current) = self.inner.labels.lock() {
            *current = labels;
        }
        Ok(documents.len())
    }

    pub async fn search(&self, query: SearchQuery) -> Result<SearchResults, AppError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.search_blocking(query))
            .await
            .map_err(|e| AppError::from(anyhow::Error::from(e)))?
            .map_err(AppError::from)
    }

    fn search_blocking(&self, mut query: SearchQuery) -> anyhow::Result<SearchResults> {
        // A server function call can carry any page number: keep it in range.
        query.page = query.page.clamp(1, 1000);
        if query.q.chars().count() > super::MAX_SEARCH_CHARS {
            query.q = super::cut_at_word(&query.q, super::MAX_SEARCH_CHARS);
            query.shortened = true;
        }
        if query.q.is_empty() && FACET_GROUPS.iter().all(|g| query.selected(g).is_empty()) {
            return Ok(SearchResults {
                query,
                ..Default::default()
            });
        }
        let searcher = self.inner.reader.searcher();
        let f = self.inner.fields;
        let exact = self.text_query(&query.q);
        let (mut text, mut fuzzy) = (exact, false);
        let mut total = searcher.search(&self.filtered(text.box_clone(), &query), &Count)?;
        // A word pair such as "of 2026" reads like a reference; only one that names a
        // recommendation turns typo tolerance off.
        let has_reference = typed_references(&query.q).iter().any(|reference| {
            let term = Term::from_field_text(f.id, &format!("recommendation:{reference}"));
            searcher.doc_freq(&term).unwrap_or(0) > 0
        });
        if total < FEW_RESULTS && !has_reference && is_plain_words(&query.q) {
            if let Some(near) = self.fuzzy_query(&query.q) {
                // Exact matches stay on top; near spellings follow.
                let widened: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(text.box_clone(), 10.0)) as Box<dyn Query>,
                    ),
                    (Occur::Should, near),
                ]));
                let near_total =
                    searcher.search(&self.filtered(widened.box_clone(), &query), &Count)?;
                if near_total > total {
                    (text, fuzzy, total) = (widened, true, near_total);
                }
            }
        }
        let filtered = self.filtered(text.box_clone(), &query);
        let offset = ((query.page - 1) * SEARCH_PAGE_SIZE) as usize;
        let mut facet_collector = FacetCollector::for_field("facets");
        for group in FACET_GROUPS {
            facet_collector.add_facet(Facet::from_path([group]));
        }
        let (top, facet_counts) = searcher.search(
            &filtered,
            &(
                TopDocs::with_limit(SEARCH_PAGE_SIZE as usize)
                    .and_offset(offset)
                    .order_by_score(),
                facet_collector,
            ),
        )?;
        let mut snippets = SnippetGenerator::create(&searcher, &*text, f.body)?;
        snippets.set_max_num_chars(220);
        let mut hits = Vec::with_capacity(top.len());
        for (_score, address) in top {
            hits.push(self.hit(&searcher, address, &snippets)?);
        }
        let labels = self
            .inner
            .labels
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default();
        let facets = FACET_GROUPS
            .iter()
            .map(|group| {
                let mut values: Vec<FacetValue> = facet_counts
                    .get(Facet::from_path([*group]))
                    .map(|(facet, count)| {
                        let key = facet
                            .to_path()
                            .last()
                            .map(|s| s.to_string())
                            .unwrap_or_default();
                        let label = match *group {
                            "kind" => kind_label(&key).to_owned(),
                            "year" => key.clone(),
                            _ => labels
                                .get(&format!("{group}:{key}"))
                                .cloned()
                                .unwrap_or_else(|| key.clone()),
                        };
                        FacetValue {
                            key,
                            label,
                            count: count as i64,
                        }
                    })
                    .collect();
                if *group == "year" {
                    values.sort_by(|a, b| b.key.cmp(&a.key));
                }
                FacetGroup {
                    key: group.to_string(),
                    label: facet_group_label(group).to_owned(),
                    values,
                }
            })
            .filter(|group| !group.values.is_empty())
            .collect();
        Ok(SearchResults {
            query,
            total: total as i64,
            hits,
            facets,
            fuzzy,
        })
    }

    /// The words as typed: all required, "phrases", -exclusions; a reference such as
    /// PP-17 goes straight to the top.
    fn text_query(&self, q: &str) -> Box<dyn Query> {
        let f = self.inner.fields;
        let mut parser = QueryParser::for_index(
            &self.inner.index,
            vec![f.reference, f.title, f.summary, f.body],
        );
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.reference, 5.0);
        parser.set_field_boost(f.title, 3.0);
        parser.set_field_boost(f.summary, 2.0);
        let (parsed, _errors) = parser.parse_query_lenient(&escape_for_parser(q));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, parsed)];
        for reference in typed_references(q) {
            // Matched on the untokenised id, so nothing about analysis can get in the way.
            let term = Term::from_field_text(f.id, &format!("recommendation:{reference}"));
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                    1000.0,
                )),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Every word required, words of 5 or more letters matched within one edit.
    fn fuzzy_query(&self, q: &str) -> Option<Box<dyn Query>> {
        let f = self.inner.fields;
        let mut analyzer = english_analyzer();
        let mut musts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut any_fuzzy = false;
        for word in q.split_whitespace() {
            let mut stream = analyzer.token_stream(word);
            let mut tokens = Vec::new();
            while stream.advance() {
                tokens.push(stream.token().text.clone());
            }
            for token in tokens {
                // Edits allowed grow with the word, as people's typos do (a swap of two
                // letters is one edit): 1 for 5 to 7 letters, 2 from 8, since the stem
                // the index holds is shorter than the word typed ("commercila" →
                // "commerci").
                let letters = word.chars().count();
                let long = letters >= 5 && word.chars().all(char::is_alphabetic);
                let distance = if letters >= 8 { 2 } else { 1 };
                any_fuzzy |= long;
                let per_field: Vec<(Occur, Box<dyn Query>)> = [f.title, f.summary, f.body]
                    .into_iter()
                    .map(|field| {
                        let term = Term::from_field_text(field, &token);
                        let query: Box<dyn Query> = if long {
                            Box::new(FuzzyTermQuery::new(term, distance, true))
                        } else {
                            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
                        };
                        (Occur::Should, query)
                    })
                    .collect();
                musts.push((Occur::Must, Box::new(BooleanQuery::new(per_field))));
            }
        }
        (any_fuzzy && !musts.is_empty())
            .then(|| Box::new(BooleanQuery::new(musts)) as Box<dyn Query>)
    }

    fn filtered(&self, text: Box<dyn Query>, query: &SearchQuery) -> Box<dyn Query> {
        let f = self.inner.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !query.q.is_empty() {
            clauses.push((Occur::Must, text));
        } else {
            clauses.push((Occur::Must, Box::new(tantivy::query::AllQuery)));
        }
        for group in FACET_GROUPS {
            let selected = query.selected(group);
            if selected.is_empty() {
                continue;
            }
            let any: Vec<(Occur, Box<dyn Query>)> = selected
                .iter()
                .map(|value| {
                    let term =
                        Term::from_facet(f.facets, &Facet::from_path([group, value.as_str()]));
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
        snippets: &SnippetGenerator,
    ) -> anyhow::Result<SearchHit> {
        let f = self.inner.fields;
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let kind = text(f.kind).unwrap_or_default();
        let mut snippet = snippets.snippet_from_doc(&doc);
        snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
        let html = if snippet.is_empty() {
            escape_text(&text(f.summary).unwrap_or_default())
        } else {
            snippet.to_html()
        };
        Ok(SearchHit {
            kind_label: kind_label(&kind).to_owned(),
            kind,
            title: text(f.title).unwrap_or_default(),
            url: text(f.url).unwrap_or_default(),
            status_key: text(f.status_key),
            status_name: text(f.status_name),
            date: text(f.date),
            snippet: SanitizedHtml::from_snippet(&html),
        })
    }
}

fn open_existing(dir: &PathBuf) -> Option<Index> {
    let index = Index::open_in_dir(dir).ok()?;
    // Reading every segment's metadata catches truncated or missing files.
    let reader = index.reader().ok()?;
    let searcher = reader.searcher();
    for segment in searcher.segment_readers() {
        segment.get_store_reader(0).ok()?;
    }
    Some(index)
}

fn remove_other_versions(root: &Path, keep: &Path) {
    if let Ok(entries) = std::fs::read_dir(root) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path != keep && path.is_dir() {
                let _ = std::fs::remove_dir_all(&path);
            }
        }
    }
}

pub mod documents;

#[cfg(test)]
mod index_tests {
    use super::*;

    fn document(reference: &str, title: &str, body: &str) -> SearchDocument {
        SearchDocument {
            id: format!("recommendation:{reference}"),
            kind: "recommendation",
            reference: Some(reference.to_owned()),
            title: format!("{reference}: {title}"),
            summary: String::new(),
            body: body.to_owned(),
            url: format!("/actions/{reference}"),
            status: None,
            engagement: None,
            date: None,
        }
    }

    fn search(index: &SearchIndex, q: &str) -> Vec<String> {
        let query = SearchQuery::from_pairs([("q", q)]);
        index
            .search_blocking(query)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.url)
            .collect()
    }

    #[test]
    fn an_exact_reference_outranks_text_that_mentions_its_parts() {
        let dir = tempfile_dir();
        let index = SearchIndex::open(&dir).unwrap();
        index
            .replace_all(
                &[
                    document(
                        "PP-14",
                        "Young people",
                        "On 17 March pp sessions met. pp 17 17 17.",
                    ),
                    document("PP-17", "Commercial access", "Companies and data."),
                ],
                HashMap::new(),
                0,
            )
            .unwrap();
        assert_eq!(
            search(&index, "PP-17").first().map(String::as_str),
            Some("/actions/PP-17")
        );
        assert_eq!(
            search(&index, "pp-17").first().map(String::as_str),
            Some("/actions/PP-17")
        );
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "candour-index-test-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }
}
