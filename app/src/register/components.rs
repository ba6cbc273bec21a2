//! Pieces of the register used on many pages.

use leptos::prelude::*;

use crate::dates::display_date;

use super::{RecommendationRow, StatusChangeItem, StatusCount};

/// NHS tag colour for a status, so the same status always looks the same.
pub fn status_tag_class(key: &str) -> &'static str {
    match key {
        "implemented" => "nhsuk-tag nhsuk-tag--green",
        "partly-implemented" => "nhsuk-tag nhsuk-tag--aqua-green",
        "in-progress" => "nhsuk-tag nhsuk-tag--blue",
        "agreed" => "nhsuk-tag nhsuk-tag--purple",
        "not-taken-forward" => "nhsuk-tag nhsuk-tag--grey",
        _ => "nhsuk-tag nhsuk-tag--yellow",
    }
}

#[component]
pub fn StatusTag(key: String, name: String) -> impl IntoView {
    view! { <strong class=status_tag_class(&key) data-status=key>{name}</strong> }
}

/// Whole-number percentages that add up to 100 (largest remainder), for the summary bar.
pub fn shares(counts: &[i64]) -> Vec<i64> {
    let total: i64 = counts.iter().sum();
    if total == 0 {
        return vec![0; counts.len()];
    }
    let mut shares: Vec<(usize, i64, i64)> = counts
        .iter()
        .enumerate()
        .map(|(i, count)| (i, count * 100 / total, count * 100 % total))
        .collect();
    let assigned: i64 = shares.iter().map(|(_, share, _)| share).sum();
    let mut by_remainder: Vec<usize> = (0..shares.len()).collect();
    by_remainder.sort_by_key(|&i| std::cmp::Reverse(shares[i].2));
    for &i in by_remainder.iter().take((100 - assigned) as usize) {
        shares[i].1 += 1;
    }
    shares.into_iter().map(|(_, share, _)| share).collect()
}

/// A bar of the recommendations by status, with the same figures as text for everyone
/// (the bar itself is hidden from screen readers).
/// "They made 36 recommendations: 24 implemented, 1 partly implemented, 8 in progress and
/// 3 under consideration." Every status with any, in the register's order and with its
/// own name, so the figures are the register's and add up to the total.
pub fn counts_sentence(total: i64, counts: &[StatusCount]) -> String {
    let parts: Vec<String> = counts
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| format!("{} {}", c.count, c.name.to_lowercase()))
        .collect();
    let made = if total == 1 {
        "They made 1 recommendation".to_owned()
    } else {
        format!("They made {total} recommendations")
    };
    match parts.as_slice() {
        [] => format!("{made}."),
        [only] if total > 1 && counts.iter().filter(|c| c.count > 0).count() == 1 => {
            format!(
                "{made}, all {}.",
                only.split_once(' ').map_or("", |(_, name)| name)
            )
        }
        [only] => format!("{made}: {only}."),
        [init @ .., last] => format!("{made}: {} and {last}.", init.join(", ")),
    }
}

/// The share of recommendations in each status, as a bar and a legend whose names link to
/// the register filtered by that status. `within` is the set the counts describe (an
/// engagement, a value, the register's other filters): each link keeps it, so a count and
/// the list it opens agree.
#[component]
pub fn ProgressSummary(
    counts: Vec<StatusCount>,
    #[prop(optional)] within: crate::register::RegisterQuery,
) -> impl IntoView {
    let total: i64 = counts.iter().map(|c| c.count).sum();
    let closed: i64 = counts.iter().filter(|c| c.closed).map(|c| c.count).sum();
    let percentages = shares(&counts.iter().map(|c| c.count).collect::<Vec<_>>());
    let segments = counts
        .iter()
        .zip(&percentages)
        .filter(|(count, _)| count.count > 0)
        .map(|(count, share)| {
            view! {
                <span
                    class=format!("candour-bar__segment candour-bar__segment--{}", count.key)
                    style=format!("width: {share}%")
                ></span>
            }
        })
        .collect_view();
    let items = counts
        .into_iter()
        .map(|count| {
            view! {
                <li data-status=count.key.clone()>
                    <span class=format!("candour-swatch candour-bar__segment--{}", count.key) aria-hidden="true"></span>
                    <a href={
                        let mut query = within.clone();
                        query.status = vec![count.key.clone()];
                        format!("/actions?{}", query.to_query_string(None))
                    }>{count.name}</a>
                    ": "
                    <strong data-test="status-count">{count.count}</strong>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="candour-progress" data-test="progress-summary">
            <p class="nhsuk-body-l">
                <strong>{closed}</strong>" of "<strong>{total}</strong>
                {decided_words(closed, total)}
            </p>
            <div class="candour-bar" aria-hidden="true">{segments}</div>
            <ul class="candour-legend">{items}</ul>
        </div>
    }
}

#[component]
pub fn RecentChanges(changes: Vec<StatusChangeItem>) -> impl IntoView {
    if changes.is_empty() {
        return view! { <p>"No status changes have been recorded yet."</p> }.into_any();
    }
    view! {
        <ol class="candour-changes" data-test="recent-changes">
            {changes
                .into_iter()
                .map(|change| {
                    view! {
                        <li class="candour-changes__item">
                            <p class="nhsuk-body-s candour-meta">
                                <time datetime=change.changed_on.clone()>{display_date(&change.changed_on)}</time>
                            </p>
                            <p class="nhsuk-u-margin-bottom-1">
                                <a href=format!("/actions/{}", change.reference)>
                                    {change.reference.clone()}": "{change.title}
                                </a>
                            </p>
                            <p class="nhsuk-u-margin-bottom-1">
                                {change.from_name.map(|from| format!("{from} → "))}
                                <StatusTag key=change.to_key name=change.to_name />
                            </p>
                            <p class="nhsuk-body-s">{change.note}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}

/// The rest of "3 of 75 recommendations have reached a final decision", agreeing with the
/// numbers ("1 of 1 recommendation has reached …").
fn decided_words(closed: i64, total: i64) -> String {
    format!(
        " {} {} reached a final decision (done, partly done or not taken forward).",
        if total == 1 {
            "recommendation"
        } else {
            "recommendations"
        },
        if closed == 1 { "has" } else { "have" },
    )
}

/// A list of recommendations as a table (columns stack on small screens).
#[component]
pub fn RecommendationTable(rows: Vec<RecommendationRow>, caption: String) -> impl IntoView {
    view! {
        <table class="nhsuk-table-responsive candour-register" data-test="register-table">
            <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">{caption}</caption>
            <thead class="nhsuk-table__head">
                <tr>
                    <th scope="col">"Reference"</th>
                    <th scope="col">"Recommendation"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Last updated"</th>
                </tr>
            </thead>
            <tbody class="nhsuk-table__body">
                {rows
                    .into_iter()
                    .map(|row| {
                        view! {
                            <tr class="nhsuk-table__row" data-test="register-row" data-reference=row.reference.clone()>
                                // One link per row (the title): a reference link beside it
                                // would be a second tab stop to the same page.
                                <td class="nhsuk-table__cell">
                                    <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Reference "</span>
                                    {row.reference.clone()}
                                </td>
                                <td class="nhsuk-table__cell candour-register__title">
                                    <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Recommendation "</span>
                                    <a href=format!("/actions/{}", row.reference)>{row.title}</a>
                                    <br />
                                    <span class="nhsuk-body-s candour-meta">{row.engagement_name}</span>
                                </td>
                                <td class="nhsuk-table__cell">
                                    <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Status "</span>
                                    <StatusTag key=row.status_key name=row.status_name />
                                    {row.overdue.then(|| view! { <br /><strong class="candour-overdue">"Overdue"</strong> })}
                                    {(row.friends.total() > 0).then(|| view! {
                                        <br />
                                        <span class="nhsuk-body-s candour-meta" data-test="row-friends">
                                            {format!("Critical friends: {}", row.friends.sentence())}
                                        </span>
                                    })}
                                </td>
                                <td class="nhsuk-table__cell">
                                    <span class="nhsuk-table-responsive__heading" aria-hidden="true">"Last updated "</span>
                                    <time datetime=row.last_changed.clone()>{display_date(&row.last_changed)}</time>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_always_add_up_to_one_hundred() {
        for counts in [
            vec![1, 1, 1],
            vec![7, 32, 36],
            vec![0, 5, 0],
            vec![3, 3, 3, 3, 3, 3],
        ] {
            let result = shares(&counts);
            assert_eq!(result.iter().sum::<i64>(), 100, "{counts:?} -> {result:?}");
        }
        assert_eq!(shares(&[0, 0]), vec![0, 0]);
    }

    #[test]
    fn the_progress_sentence_agrees_with_its_numbers() {
        assert_eq!(
            super::decided_words(1, 1),
            " recommendation has reached a final decision (done, partly done or not taken forward)."
        );
        assert!(super::decided_words(3, 75).starts_with(" recommendations have reached"));
        assert!(super::decided_words(1, 75).starts_with(" recommendations has reached"));
    }

    #[test]
    fn dates_read_as_words() {
        assert_eq!(display_date("2026-06-30"), "30 June 2026");
        assert_eq!(display_date("2024-01-05T10:00:00Z"), "5 January 2024");
        assert_eq!(display_date("soon"), "soon");
    }
}

#[cfg(test)]
mod counts_tests {
    use super::counts_sentence;
    use crate::register::StatusCount;

    fn count(name: &str, count: i64) -> StatusCount {
        StatusCount {
            key: name.to_lowercase().replace(' ', "-"),
            name: name.to_owned(),
            closed: false,
            count,
        }
    }

    #[test]
    fn the_sentence_names_every_status_with_its_count() {
        let counts = [
            count("Implemented", 24),
            count("Partly implemented", 1),
            count("In progress", 8),
            count("Not taken forward", 0),
            count("Under consideration", 3),
        ];
        assert_eq!(
            counts_sentence(36, &counts),
            "They made 36 recommendations: 24 implemented, 1 partly implemented, 8 in progress and 3 under consideration."
        );
        assert_eq!(
            counts_sentence(7, &[count("Implemented", 7)]),
            "They made 7 recommendations, all implemented."
        );
        assert_eq!(
            counts_sentence(1, &[count("Agreed", 1)]),
            "They made 1 recommendation: 1 agreed."
        );
    }
}
