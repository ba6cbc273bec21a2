//! Atom 1.0 feeds of status changes, with entry ids that never change.

use app::{
    register::{
        ssr::{latest_changes, reference_exists, ChangeScope},
        StatusChangeItem,
    },
    site::SiteInfo,
    state::AppState,
};
use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};

use super::Problem;

/// How many changes a feed carries.
const FEED_LENGTH: i64 = 100;

pub async fn all_changes(State(state): State<AppState>) -> Result<Response, Problem> {
    let changes = latest_changes(state.db.pool(), ChangeScope::All, FEED_LENGTH).await?;
    Ok(atom_response(build_feed(
        &state.site,
        "Actions to Build Trust: every status change",
        "/actions/feed.atom",
        "/actions",
        &changes,
    )))
}

pub async fn one_recommendation(
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> Result<Response, Problem> {
    if !reference_exists(state.db.pool(), &reference).await? {
        return Err(Problem::not_found(format!(
            "There is no recommendation {reference}."
        )));
    }
    let changes = latest_changes(
        state.db.pool(),
        ChangeScope::Recommendation(&reference),
        FEED_LENGTH,
    )
    .await?;
    Ok(atom_response(build_feed(
        &state.site,
        &format!("Actions to Build Trust: {reference}"),
        &format!("/actions/{reference}/feed.atom"),
        &format!("/actions/{reference}"),
        &changes,
    )))
}

/// The host part of the public address, for tag URIs.
fn host_of(public_url: &str) -> String {
    url::Url::parse(public_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| "localhost".to_owned())
}

/// One entry written by the PPIE team.
fn team_entry(
    id: String,
    title: String,
    updated: FixedDateTime,
    summary: String,
    href: String,
) -> Entry {
    let mut entry = Entry::default();
    entry.set_id(id);
    entry.set_title(Text::plain(title));
    entry.set_updated(updated);
    entry.set_published(Some(updated));
    entry.set_summary(Some(Text::plain(summary)));
    entry.set_links(vec![link(href, "alternate", Some("text/html"))]);
    let mut author = Person::default();
    author.set_name("PPIE Team".to_owned());
    entry.set_authors(vec![author]);
    entry
}

/// A feed around its entries: `path` is the feed's own address, `page` the page it follows.
/// Its author is the organisation that runs the service.
fn feed_of(site: &SiteInfo, title: &str, path: &str, page: &str, entries: Vec<Entry>) -> Feed {
    let public_url = &site.public_url;
    let mut feed = Feed::default();
    feed.set_id(format!("{public_url}{path}"));
    feed.set_title(Text::plain(title.to_owned()));
    feed.set_updated(
        entries
            .iter()
            .map(|e| *e.updated())
            .max()
            .unwrap_or_else(|| day_start("2023-01-01")),
    );
    feed.set_links(vec![
        link(
            format!("{public_url}{path}"),
            "self",
            Some("application/atom+xml"),
        ),
        link(
            format!("{public_url}{page}"),
            "alternate",
            Some("text/html"),
        ),
    ]);
    let mut author = Person::default();
    author.set_name(site.organisation.clone());
    feed.set_authors(vec![author]);
    feed.set_lang(Some("en-GB".to_owned()));
    feed.set_entries(entries);
    feed
}

/// New and updated published reports.
pub async fn reports(State(state): State<AppState>) -> Result<Response, Problem> {
    let reports = app::reports::ssr::feed_reports(state.db.pool(), FEED_LENGTH).await?;
    let public_url = &state.site.public_url;
    let host = host_of(public_url);
    let entries = reports
        .iter()
        .map(|report| {
            let mut entry = team_entry(
                format!("tag:{host},2023:reports/{}", report.slug),
                report.title.clone(),
                FixedDateTime::parse_from_rfc3339(&report.updated_at)
                    .unwrap_or_else(|_| day_start(&report.date)),
                report.summary.clone(),
                format!("{public_url}/reports/{}", report.slug),
            );
            entry.set_published(Some(day_start(&report.date)));
            entry
        })
        .collect();
    Ok(atom_response(feed_of(
        &state.site,
        &format!("{}: reports", state.site.service_name),
        "/reports/feed.atom",
        "/reports",
        entries,
    )))
}

/// Every publication of a policy version, newest first, with what it changed.
pub async fn policies(State(state): State<AppState>) -> Result<Response, Problem> {
    let versions = app::policies::ssr::publications(state.db.pool(), FEED_LENGTH).await?;
    let public_url = &state.site.public_url;
    let host = host_of(public_url);
    let entries = versions
        .into_iter()
        .map(|v| {
            team_entry(
                format!("tag:{host},2023:policies/{}/versions/{}", v.slug, v.version),
                format!("{}: version {}", v.title, v.version),
                FixedDateTime::parse_from_rfc3339(&v.published_at)
                    .unwrap_or_else(|_| day_start("2023-01-01")),
                v.change_note,
                format!("{public_url}/policies/{}", v.slug),
            )
        })
        .collect();
    Ok(atom_response(feed_of(
        &state.site,
        &format!("{}: policies", state.site.service_name),
        "/policies/feed.atom",
        "/policies",
        entries,
    )))
}

fn day_start(date: &str) -> FixedDateTime {
    FixedDateTime::parse_from_rfc3339(&format!("{date}T00:00:00Z"))
        .unwrap_or_else(|_| FixedDateTime::default())
}

fn link(href: String, rel: &str, mime: Option<&str>) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel.to_owned());
    link.set_mime_type(mime.map(str::to_owned));
    link
}

/// A stable tag URI (RFC 4151) for a status change: the same change always has the same id.
pub fn entry_id(public_url: &str, change: &StatusChangeItem) -> String {
    let host = url::Url::parse(public_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| "localhost".to_owned());
    format!(
        "tag:{host},2023:actions/{}/changes/{}",
        change.reference, change.seq
    )
}

/// A feed of status changes: `self_path` is the feed's own address, `page_path` the page
/// it follows. Its author is the organisation that runs the service; each entry's, the team
/// that recorded the change.
pub fn build_feed(
    site: &SiteInfo,
    title: &str,
    self_path: &str,
    page_path: &str,
    changes: &[StatusChangeItem],
) -> Feed {
    let public_url = &site.public_url;
    let entries: Vec<Entry> = changes
        .iter()
        .map(|change| {
            let mut entry = Entry::default();
            entry.set_id(entry_id(public_url, change));
            let heading = match &change.from_name {
                Some(from) => format!("{}: {from} → {}", change.reference, change.to_name),
                None => format!("{}: {}", change.reference, change.to_name),
            };
            entry.set_title(Text::plain(format!("{heading} ({})", change.title)));
            entry.set_updated(day_start(&change.changed_on));
            entry.set_published(Some(day_start(&change.changed_on)));
            entry.set_summary(Some(Text::plain(change.note.clone())));
            entry.set_links(vec![link(
                format!("{public_url}/actions/{}", change.reference),
                "alternate",
                Some("text/html"),
            )]);
            let mut author = Person::default();
            author.set_name(change.team.clone());
            entry.set_authors(vec![author]);
            entry
        })
        .collect();
    let mut feed = Feed::default();
    feed.set_id(format!("{public_url}{self_path}"));
    feed.set_title(Text::plain(title.to_owned()));
    feed.set_updated(
        changes
            .first()
            .map(|c| day_start(&c.changed_on))
            .unwrap_or_else(|| day_start("2023-01-01")),
    );
    feed.set_links(vec![
        link(
            format!("{public_url}{self_path}"),
            "self",
            Some("application/atom+xml"),
        ),
        link(
            format!("{public_url}{page_path}"),
            "alternate",
            Some("text/html"),
        ),
    ]);
    let mut author = Person::default();
    author.set_name(site.organisation.clone());
    feed.set_authors(vec![author]);
    feed.set_lang(Some("en-GB".to_owned()));
    feed.set_entries(entries);
    feed
}

fn atom_response(feed: Feed) -> Response {
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        // XML 1.0 cannot carry control characters even escaped: whatever older text
        // holds, the feed stays well-formed for every reader.
        app::text::xml_safe(&feed.to_string()),
    )
        .into_response()
}
