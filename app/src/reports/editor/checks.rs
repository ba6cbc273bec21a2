//! The rules a report must keep to be saved, and what a saved report is.

use sqlx::AnyConnection;

use super::SUMMARY_MAX;
use crate::{
    html::is_slug,
    reports::{editing::ReportForm, ssr::ReportContent},
};

pub(super) fn is_quarter(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 7
        && text[..4].chars().all(|c| c.is_ascii_digit())
        && &text[4..6] == " Q"
        && matches!(bytes[6], b'1'..=b'4')
}

/// The rules of a report form that need the database or several fields: a free web
/// address, a quarter for a quarterly summary, references, values and priorities that
/// exist, and a change note when a published report changes. Run for the messages when
/// the form arrives, and again inside the write, which decides. Each is `(field,
/// message)`, in the order of the fields on the page.
pub(super) async fn stored_rules(
    conn: &mut AnyConnection,
    form: &ReportForm,
    id: Option<i64>,
    needs_note: bool,
) -> Result<Vec<(&'static str, String)>, sqlx::Error> {
    let mut errors = Vec::new();
    if form.slug.is_empty() && form.title.is_empty() {
        // "Enter a title" says it: the address is made from the title.
    } else if !is_slug(&form.slug) {
        errors.push((
            "slug",
            "Web address must be lowercase letters, numbers and hyphens, like 2026-q2-summary"
                .to_owned(),
        ));
    } else {
        let taken: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE slug = $1 AND id <> $2")
                .bind(&form.slug)
                .bind(id.unwrap_or(0))
                .fetch_one(&mut *conn)
                .await?;
        if taken > 0 {
            errors.push((
                "slug",
                "Another report already has this web address. Choose a different one".to_owned(),
            ));
        }
    }
    if form.kind == "quarterly-summary" && !is_quarter(&form.quarter) {
        errors.push((
            "quarter",
            "Enter the quarter the summary covers, like 2026 Q2".to_owned(),
        ));
    }
    let mut unknown = Vec::new();
    for reference in form.recommendation_list() {
        if !crate::register::ssr::reference_exists_on(conn, &reference).await? {
            unknown.push(reference);
        }
    }
    if !unknown.is_empty() {
        errors.push((
            "recommendations",
            format!(
                "There is no recommendation {}. Use references like PP-17",
                unknown.join(", ")
            ),
        ));
    }
    for (field, table, chosen) in [
        ("values", "core_values", &form.values),
        ("priorities", "research_priorities", &form.priorities),
    ] {
        for slug in chosen {
            let known: i64 =
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE slug = $1"))
                    .bind(slug)
                    .fetch_one(&mut *conn)
                    .await?;
            if known == 0 {
                errors.push((field, format!("{slug:?} is not one of the choices")));
            }
        }
    }
    if needs_note && form.change_note.is_empty() {
        errors.push((
            "change_note",
            "Say what changed: readers see this note in the report's history".to_owned(),
        ));
    }
    Ok(errors)
}

/// "Enter a summary", or how long it may be and is.
pub(super) fn summary_length(value: &str, _: &()) -> garde::Result {
    let length = value.trim().chars().count();
    if length == 0 {
        Err(garde::Error::new("Enter a summary"))
    } else if length > SUMMARY_MAX {
        Err(garde::Error::new(format!(
            "Summary must be {SUMMARY_MAX} characters or fewer (it is {length})"
        )))
    } else {
        Ok(())
    }
}

pub(super) fn content_of(form: &ReportForm, state: &str) -> ReportContent {
    let sorted = |list: Vec<String>| {
        let mut list = list;
        list.sort();
        list.dedup();
        list
    };
    ReportContent {
        slug: form.slug.clone(),
        kind: form.kind.clone(),
        title: form.title.clone(),
        quarter: (!form.quarter.is_empty()).then(|| form.quarter.clone()),
        date: form.date.clone(),
        summary: form.summary.clone(),
        body_md: form.body.clone(),
        state: state.to_owned(),
        recommendations: sorted(form.recommendation_list()),
        values: sorted(form.values.clone()),
        priorities: sorted(form.priorities.clone()),
    }
}

pub(super) fn describe(state: &str, form: &ReportForm, version: i64) -> String {
    format!(
        "{state}, version {version}: {:?}, {} words",
        form.title,
        form.body.split_whitespace().count()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_quarters_are_checked() {
        assert!(is_slug("2026-q2-summary"));
        assert!(!is_slug("2026 Q2"));
        assert!(!is_slug("-start"));
        assert!(is_quarter("2026 Q2"));
        assert!(!is_quarter("2026 Q5"));
        assert!(!is_quarter("2026-Q2"));
    }
}
