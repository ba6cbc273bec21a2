//! content/ ⇄ database: the importer (idempotent, never overwrites web edits) and the
//! exporter (writes the same format back, so import → export → import changes nothing).

pub mod files;
mod store;
mod sync;
mod validate;

use std::{
    collections::{BTreeMap, HashMap},
    fmt,
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use app::db::Database;
use sha2::{Digest, Sha256};

use app::policies::ssr::PolicyContent;
use files::*;

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub history_appended: usize,
    pub conflicts: Vec<String>,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "recommendations: {} created, {} updated, {} unchanged; {} history entries appended; {} conflicts",
            self.created,
            self.updated,
            self.unchanged,
            self.history_appended,
            self.conflicts.len()
        )?;
        for conflict in &self.conflicts {
            write!(f, "\nconflict: {conflict}")?;
        }
        Ok(())
    }
}

/// Every error found in the content folder, reported together.
#[derive(Debug, thiserror::Error)]
#[error("{} problem(s) in the content folder; nothing was imported:\n{}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct ContentErrors(pub Vec<ContentError>);

/// The whole content folder, parsed.
pub struct ContentSet {
    pub site: SiteFile,
    pub statuses: Vec<StatusEntry>,
    pub engagements: Vec<Document<EngagementFile>>,
    pub values: Vec<Document<TermFile>>,
    pub priorities: Vec<Document<TermFile>>,
    pub pages: Vec<(String, Document<PageFile>)>,
    pub recommendations: Vec<Document<RecommendationFile>>,
    pub reports: Vec<Document<ReportFile>>,
    pub policies: Vec<Document<PolicyFile>>,
    pub glossary: Vec<GlossaryEntry>,
}

pub async fn database_is_empty(db: &Database) -> anyhow::Result<bool> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM statuses")
        .fetch_one(db.pool())
        .await?;
    Ok(count == 0)
}

#[derive(Debug, Default)]
pub struct SiteSettings {
    pub service_name: Option<String>,
    pub organisation: Option<String>,
    pub contact_email: Option<String>,
}

pub async fn site_settings(db: &Database) -> anyhow::Result<SiteSettings> {
    let mut conn = db.pool().acquire().await?;
    let mut settings = store::settings(&mut conn).await?;
    Ok(SiteSettings {
        service_name: settings.remove("service_name"),
        organisation: settings.remove("organisation"),
        contact_email: settings.remove("contact_email"),
    })
}

/// The fingerprint of a recommendation's content, to tell web edits from file edits.
/// Link lists are sets: their order in a file does not matter.
fn fingerprint(doc: &Document<RecommendationFile>) -> String {
    let mut meta = doc.meta.clone();
    meta.values.sort();
    meta.priorities.sort();
    meta.reports.sort();
    let canonical = serde_json::to_string(&(&meta, &doc.body)).unwrap_or_default();
    Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn read_dir_sorted(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// A content file's text as stored text may be (`app::text::clean`: a byte-order mark,
/// pasted line breaks and control characters are not carried into the database).
fn read_text(path: &Path) -> std::io::Result<String> {
    let text = std::fs::read_to_string(path)?;
    Ok(app::text::clean(
        text.strip_prefix('\u{FEFF}').unwrap_or(&text),
    ))
}

fn read_documents<T: for<'de> serde::Deserialize<'de>>(
    dir: &Path,
    errors: &mut Vec<ContentError>,
) -> anyhow::Result<Vec<(PathBuf, Document<T>)>> {
    let mut out = Vec::new();
    for path in read_dir_sorted(dir)? {
        let text = read_text(&path).with_context(|| format!("reading {}", path.display()))?;
        match parse_document(&path, &text) {
            Ok(doc) => out.push((path, doc)),
            Err(error) => errors.push(error),
        }
    }
    Ok(out)
}

/// Reads and checks the whole content folder. Every problem is collected, so one run
/// shows them all.
pub fn read_content(dir: &Path) -> anyhow::Result<ContentSet> {
    anyhow::ensure!(
        dir.is_dir(),
        "the content folder {} does not exist",
        dir.display()
    );
    let mut errors = Vec::new();
    let site_path = dir.join("site.toml");
    let site = if site_path.exists() {
        let text = read_text(&site_path)?;
        parse_toml(&site_path, &text, 0).unwrap_or_else(|e| {
            errors.push(e);
            SiteFile::default()
        })
    } else {
        SiteFile::default()
    };
    let statuses_path = dir.join("statuses.toml");
    let statuses = match read_text(&statuses_path) {
        Ok(text) => parse_toml::<StatusesFile>(&statuses_path, &text, 0)
            .map(|f| f.status)
            .unwrap_or_else(|e| {
                errors.push(e);
                Vec::new()
            }),
        Err(_) => {
            errors.push(ContentError::new(
                &statuses_path,
                None,
                "missing: the register needs a list of statuses",
            ));
            Vec::new()
        }
    };
    let glossary_path = dir.join("glossary.toml");
    let glossary = match read_text(&glossary_path) {
        Ok(text) => parse_toml::<GlossaryFile>(&glossary_path, &text, 0)
            .map(|f| f.term)
            .unwrap_or_else(|e| {
                errors.push(e);
                Vec::new()
            }),
        // The glossary is optional: without it the editor flags no jargon.
        Err(_) => Vec::new(),
    };
    validate::glossary(&glossary_path, &glossary, &mut errors);
    let engagements = read_documents::<EngagementFile>(&dir.join("engagements"), &mut errors)?;
    let values = read_documents::<TermFile>(&dir.join("values"), &mut errors)?;
    let priorities = read_documents::<TermFile>(&dir.join("priorities"), &mut errors)?;
    let pages = read_documents::<PageFile>(&dir.join("pages"), &mut errors)?;
    let recommendations =
        read_documents::<RecommendationFile>(&dir.join("recommendations"), &mut errors)?;
    let reports = read_documents::<ReportFile>(&dir.join("reports"), &mut errors)?;
    let policies = read_documents::<PolicyFile>(&dir.join("policies"), &mut errors)?;

    let set = ContentSet {
        site,
        statuses,
        engagements: engagements.iter().map(|(_, d)| d.clone()).collect(),
        values: values.iter().map(|(_, d)| d.clone()).collect(),
        priorities: priorities.iter().map(|(_, d)| d.clone()).collect(),
        pages: pages
            .iter()
            .map(|(path, d)| {
                (
                    path.file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                    d.clone(),
                )
            })
            .collect(),
        recommendations: Vec::new(),
        reports: Vec::new(),
        policies: Vec::new(),
        glossary,
    };
    validate::statuses(&statuses_path, &set.statuses, &mut errors);
    validate::engagements(&engagements, &mut errors);
    validate::terms(&values, &mut errors);
    validate::terms(&priorities, &mut errors);
    validate::recommendations(&set, &recommendations, &mut errors);
    validate::reports(&set, &recommendations, &reports, &mut errors);
    validate::policies(&policies, &mut errors);
    if !errors.is_empty() {
        return Err(ContentErrors(errors).into());
    }
    Ok(ContentSet {
        recommendations: recommendations.into_iter().map(|(_, d)| d).collect(),
        reports: reports.into_iter().map(|(_, d)| d).collect(),
        policies: policies.into_iter().map(|(_, d)| d).collect(),
        ..set
    })
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Imports the content folder in one transaction: all of it, or (on any error) none of it.
pub async fn import_dir(db: &Database, dir: &Path) -> anyhow::Result<ImportReport> {
    let content = read_content(dir)?;
    import_content(db, &content).await
}

pub async fn import_content(db: &Database, content: &ContentSet) -> anyhow::Result<ImportReport> {
    let now = now();
    let mut report = ImportReport::default();
    let mut tx = db.begin_write().await?;
    if let Some(name) = &content.site.service_name {
        store::upsert_setting(&mut tx, "service_name", name).await?;
    }
    if let Some(name) = &content.site.organisation {
        store::upsert_setting(&mut tx, "organisation", name).await?;
    }
    if let Some(email) = &content.site.contact_email {
        store::upsert_setting(&mut tx, "contact_email", email).await?;
    }
    for (position, status) in content.statuses.iter().enumerate() {
        store::upsert_status(&mut tx, status, position as i64).await?;
    }
    import_fixed_content(&mut tx, content, &now, &mut report).await?;

    let existing: HashMap<String, (Document<RecommendationFile>, String)> =
        store::recommendations(&mut tx)
            .await?
            .into_iter()
            .map(|(doc, hash)| (doc.meta.reference.clone(), (doc, hash)))
            .collect();
    for doc in &content.recommendations {
        let number = validate::reference_number(&doc.meta.reference).unwrap_or(0);
        let file_hash = fingerprint(doc);
        let Some((current, synced_hash)) = existing.get(&doc.meta.reference) else {
            store::write_recommendation(&mut tx, doc, number, &file_hash, 0, &now).await?;
            report.created += 1;
            report.history_appended += doc.meta.history.len();
            continue;
        };
        let db_hash = fingerprint(current);
        if db_hash == file_hash {
            if &db_hash != synced_hash {
                // The file now says what the database says (e.g. after an export): they
                // are in sync again.
                store::set_synced_hash(&mut tx, &doc.meta.reference, &db_hash).await?;
            }
            report.unchanged += 1;
            continue;
        }
        if &db_hash != synced_hash {
            report.conflicts.push(format!(
                "{}: changed in the web app since the last import or export, and its file differs; the database was kept (export to see its current text)",
                doc.meta.reference
            ));
            continue;
        }
        let known = current.meta.history.len();
        if doc.meta.history.len() < known || doc.meta.history[..known] != current.meta.history[..] {
            report.conflicts.push(format!(
                "{}: the file's history differs from the recorded history, which is append-only; add new [[history]] entries at the end instead of changing old ones",
                doc.meta.reference
            ));
            continue;
        }
        store::write_recommendation(&mut tx, doc, number, &file_hash, known, &now).await?;
        report.updated += 1;
        report.history_appended += doc.meta.history.len() - known;
    }
    import_reports(&mut tx, &content.reports, &now, &mut report).await?;
    import_policies(&mut tx, &content.policies, &now, &mut report).await?;
    app::db::bump_content_version(&mut tx).await?;
    tx.commit().await?;
    app::db::content_committed();
    Ok(report)
}

/// The file's text, as written out (the same writer for the file and the database's copy).
fn text<T: serde::Serialize>(doc: &Document<T>) -> anyhow::Result<String> {
    Ok(write_document(&doc.meta, &doc.body)?)
}

fn glossary_text(terms: &[GlossaryEntry]) -> anyhow::Result<String> {
    let mut term: Vec<GlossaryEntry> = terms
        .iter()
        .map(|t| GlossaryEntry {
            word: t.word.trim().to_owned(),
            plain: t.plain.trim().to_owned(),
        })
        .collect();
    term.sort_by(|a, b| a.word.cmp(&b.word));
    Ok(toml::to_string(&GlossaryFile { term })?)
}

/// Engagements, values, priorities, pages and the glossary: a file is imported unless
/// the item was changed in the browser since it was last in sync (then a conflict).
async fn import_fixed_content(
    tx: &mut sqlx::AnyConnection,
    content: &ContentSet,
    now: &str,
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    let conflict = |report: &mut ImportReport, what: String| {
        report.conflicts.push(format!(
            "{what}: changed in the web app since the last import or export, and its file differs; the database was kept (export to see its current text)"
        ));
    };
    let stored: HashMap<String, String> = store::engagements(tx)
        .await?
        .iter()
        .map(|d| Ok((d.meta.key.clone(), text(d)?)))
        .collect::<anyhow::Result<_>>()?;
    for doc in &content.engagements {
        let file = text(doc)?;
        match sync::compare(
            tx,
            "engagement",
            &doc.meta.key,
            &file,
            stored.get(&doc.meta.key).map(String::as_str),
        )
        .await?
        {
            sync::Sync::Import => store::upsert_engagement(tx, doc).await?,
            sync::Sync::Same => {}
            sync::Sync::Conflict => conflict(report, format!("engagement {}", doc.meta.key)),
        }
    }
    for (kind, table, docs) in [
        ("value", "core_values", &content.values),
        ("priority", "research_priorities", &content.priorities),
    ] {
        let stored: HashMap<String, String> = store::terms(tx, table)
            .await?
            .iter()
            .map(|d| Ok((d.meta.slug.clone(), text(d)?)))
            .collect::<anyhow::Result<_>>()?;
        for doc in docs {
            let file = text(doc)?;
            match sync::compare(
                tx,
                kind,
                &doc.meta.slug,
                &file,
                stored.get(&doc.meta.slug).map(String::as_str),
            )
            .await?
            {
                sync::Sync::Import => store::upsert_term(tx, table, doc).await?,
                sync::Sync::Same => {}
                sync::Sync::Conflict => conflict(report, format!("{kind} {}", doc.meta.slug)),
            }
        }
    }
    // The date is compared apart from the content: a file without one, or a page edited
    // in the browser (dated to the minute), is still the same page when the text is.
    let undated = |page: &Document<PageFile>| {
        text(&Document {
            meta: PageFile {
                updated: None,
                ..page.meta.clone()
            },
            body: page.body.clone(),
        })
    };
    let stored: HashMap<String, String> = store::pages(tx)
        .await?
        .iter()
        .map(|(slug, d)| Ok((slug.clone(), undated(d)?)))
        .collect::<anyhow::Result<_>>()?;
    for (slug, page) in &content.pages {
        let file = undated(page)?;
        let changed_on = page
            .meta
            .updated
            .as_ref()
            .map(|day| format!("{day}T00:00:00Z"));
        match sync::compare(
            tx,
            "page",
            slug,
            &file,
            stored.get(slug).map(String::as_str),
        )
        .await?
        {
            sync::Sync::Import => {
                app::pages::ssr::upsert_page(
                    tx,
                    slug,
                    &page.meta.title,
                    &page.meta.summary,
                    &page.body,
                    changed_on.as_deref().unwrap_or(now),
                )
                .await?;
            }
            sync::Sync::Same => {
                if let Some(day) = &page.meta.updated {
                    store::set_page_date(tx, slug, day).await?;
                }
            }
            sync::Sync::Conflict => conflict(report, format!("page {slug}")),
        }
    }
    let file = glossary_text(&content.glossary)?;
    let stored = glossary_text(&store::glossary(tx).await?)?;
    match sync::compare(tx, "glossary", "glossary", &file, Some(&stored)).await? {
        sync::Sync::Import => store::replace_glossary(tx, &content.glossary).await?,
        sync::Sync::Same => {}
        sync::Sync::Conflict => conflict(report, "the glossary".to_owned()),
    }
    Ok(())
}

fn report_content(doc: &Document<ReportFile>) -> app::reports::ssr::ReportContent {
    let r = &doc.meta;
    app::reports::ssr::ReportContent {
        slug: r.slug.clone(),
        kind: r.kind.clone(),
        title: r.title.clone(),
        quarter: r.quarter.clone(),
        date: r.date.0.clone(),
        summary: r.summary.clone(),
        body_md: doc.body.clone(),
        state: r.state.clone(),
        recommendations: sorted(&r.recommendations),
        values: sorted(&r.values),
        priorities: sorted(&r.priorities),
    }
}

fn sorted(list: &[String]) -> Vec<String> {
    let mut list = list.to_vec();
    list.sort();
    list
}

fn report_fingerprint(content: &app::reports::ssr::ReportContent) -> String {
    let canonical = serde_json::to_string(content).unwrap_or_default();
    Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// New reports are saved (a published one with its first revision); a changed file saves
/// a new revision; an unchanged one is left alone. A report edited in the web app since
/// the last import is kept: its file is ignored while unchanged, and a changed file is
/// reported as a conflict rather than overwriting the web edits.
async fn import_reports(
    tx: &mut sqlx::AnyConnection,
    reports: &[Document<ReportFile>],
    now: &str,
    outcome: &mut ImportReport,
) -> anyhow::Result<()> {
    let mut synced_hashes = app::reports::ssr::synced_hashes(tx).await?;
    let stored: HashMap<String, (app::reports::ssr::ReportContent, Option<String>)> =
        app::reports::ssr::all_report_content_on(tx)
            .await?
            .into_iter()
            .map(|mut r| {
                r.recommendations.sort();
                r.values.sort();
                r.priorities.sort();
                let synced = synced_hashes.remove(&r.slug).flatten();
                (r.slug.clone(), (r, synced))
            })
            .collect();
    for doc in reports {
        let content = report_content(doc);
        let file_hash = report_fingerprint(&content);
        let note = match stored.get(&content.slug) {
            Some((existing, synced)) => {
                let db_hash = report_fingerprint(existing);
                if db_hash == file_hash || synced.as_deref() == Some(file_hash.as_str()) {
                    // Same text, or a file unchanged since the web app took over.
                    if db_hash == file_hash && synced.as_deref() != Some(file_hash.as_str()) {
                        app::reports::ssr::set_synced_hash(tx, &content.slug, &file_hash).await?;
                    }
                    continue;
                }
                if synced.as_deref() != Some(db_hash.as_str()) {
                    outcome.conflicts.push(format!(
                        "reports/{}.md: the report was edited in the web app since the last import or export, and its file differs; the database was kept (export to see its current text)",
                        content.slug
                    ));
                    continue;
                }
                "Updated from the content folder."
            }
            None => "First published.",
        };
        app::reports::ssr::save_report(tx, &content, note, now).await?;
        app::reports::ssr::set_synced_hash(tx, &content.slug, &file_hash).await?;
    }
    Ok(())
}

fn policy_content(doc: &Document<PolicyFile>) -> PolicyContent {
    let p = &doc.meta;
    PolicyContent {
        slug: p.slug.clone(),
        title: p.title.clone(),
        summary: p.summary.clone(),
        published: p.published.0.clone(),
        change_note: p.change_note.clone(),
        body_md: doc.body.clone(),
    }
}

fn policy_fingerprint(content: &PolicyContent) -> String {
    let canonical = serde_json::to_string(content).unwrap_or_default();
    Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A new policy file publishes the policy; a changed file publishes a new version (the
/// old one stays, superseded). A policy changed in the web app since the last import (a
/// new publication, or a draft or review under way) is kept: a changed file is reported
/// as a conflict rather than published over it.
async fn import_policies(
    tx: &mut sqlx::AnyConnection,
    policies: &[Document<PolicyFile>],
    now: &str,
    outcome: &mut ImportReport,
) -> anyhow::Result<()> {
    let stored = app::policies::ssr::stored_policies(tx).await?;
    for doc in policies {
        let content = policy_content(doc);
        let file_hash = policy_fingerprint(&content);
        if let Some(existing) = stored.get(&content.slug) {
            let db_hash = existing.published.as_ref().map(policy_fingerprint);
            let synced = existing.synced_hash.as_deref();
            if db_hash.as_deref() == Some(file_hash.as_str()) {
                if synced != Some(file_hash.as_str()) {
                    app::policies::ssr::set_synced_hash(tx, &content.slug, &file_hash).await?;
                }
                continue;
            }
            // A file unchanged since the web app took over.
            if synced == Some(file_hash.as_str()) {
                continue;
            }
            if existing.work_in_progress || synced != db_hash.as_deref() {
                outcome.conflicts.push(format!(
                    "policies/{}.md: the policy was changed in the web app since the last import or export (a publication, or a draft or review under way), and its file differs; the database was kept (export to see its published text)",
                    content.slug
                ));
                continue;
            }
        }
        app::policies::ssr::publish_content(tx, &content, now).await?;
        app::policies::ssr::set_synced_hash(tx, &content.slug, &file_hash).await?;
    }
    Ok(())
}

/// Writes the database out in the content/ format. Returns the number of files written.
pub async fn export_dir(db: &Database, dir: &Path) -> anyhow::Result<usize> {
    let mut conn = db.pool().acquire().await?;
    let mut files: BTreeMap<PathBuf, String> = BTreeMap::new();
    let settings = store::settings(&mut conn).await?;
    let site = SiteFile {
        service_name: settings.get("service_name").cloned(),
        organisation: settings.get("organisation").cloned(),
        contact_email: settings.get("contact_email").cloned(),
    };
    files.insert("site.toml".into(), toml::to_string(&site)?);
    files.insert(
        "statuses.toml".into(),
        toml::to_string(&StatusesFile {
            status: store::statuses(&mut conn).await?,
        })?,
    );
    for doc in store::engagements(&mut conn).await? {
        files.insert(
            format!("engagements/{}.md", doc.meta.key).into(),
            write_document(&doc.meta, &doc.body)?,
        );
    }
    for (folder, table) in [
        ("values", "core_values"),
        ("priorities", "research_priorities"),
    ] {
        for doc in store::terms(&mut conn, table).await? {
            files.insert(
                format!("{folder}/{}.md", doc.meta.slug).into(),
                write_document(&doc.meta, &doc.body)?,
            );
        }
    }
    for (slug, doc) in store::pages(&mut conn).await? {
        files.insert(
            format!("pages/{slug}.md").into(),
            write_document(&doc.meta, &doc.body)?,
        );
    }
    for report in app::reports::ssr::all_report_content_on(&mut conn).await? {
        let meta = ReportFile {
            slug: report.slug.clone(),
            title: report.title,
            kind: report.kind,
            quarter: report.quarter,
            date: Day(report.date),
            summary: report.summary,
            state: report.state,
            recommendations: report.recommendations,
            values: report.values,
            priorities: report.priorities,
        };
        files.insert(
            format!("reports/{}.md", report.slug).into(),
            write_document(&meta, &report.body_md)?,
        );
    }
    for stored in app::policies::ssr::stored_policies(&mut conn)
        .await?
        .into_values()
    {
        let Some(policy) = stored.published else {
            continue;
        };
        let meta = PolicyFile {
            slug: policy.slug.clone(),
            title: policy.title,
            summary: policy.summary,
            published: Day(policy.published),
            change_note: policy.change_note,
        };
        files.insert(
            format!("policies/{}.md", policy.slug).into(),
            write_document(&meta, &policy.body_md)?,
        );
    }
    for (doc, _) in store::recommendations(&mut conn).await? {
        files.insert(
            format!("recommendations/{}.md", doc.meta.reference).into(),
            write_document(&doc.meta, &doc.body)?,
        );
    }
    let glossary = GlossaryFile {
        term: store::glossary(&mut conn).await?,
    };
    if !glossary.term.is_empty() {
        files.insert("glossary.toml".into(), toml::to_string(&glossary)?);
    }
    for (path, text) in &files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(files.len())
}
