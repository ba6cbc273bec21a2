//! A policy's public history: which versions the public may read, their texts compared
//! paragraph by paragraph, where a commented paragraph went in the next published version,
//! and the log of removed comments.
//!
//! Diffing uses `similar` (already the project's diff crate for wordings and report
//! conflicts): maintained, pure Rust, with Myers' algorithm over any slice (here: the
//! paragraphs) and a word tokenizer with a similarity ratio (to tell a changed paragraph
//! from one removed and another added).

use similar::{capture_diff_slices, Algorithm, ChangeTag, DiffTag, TextDiff};

use super::*;
use crate::policies::versions::{
    Comparison, ModerationLog, ParagraphChange, PublicVersion, Removal, VersionList, VersionText,
    WordKind,
};

/// How alike two paragraphs must be (share of words, 0 to 1) to count as one paragraph
/// changed rather than one removed and another added.
const SAME_PARAGRAPH: f32 = 0.5;

/// Where each paragraph of the old text is in the new one, by index (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aligned {
    Same(usize, usize),
    Changed(usize, usize),
    Added(usize),
    Removed(usize),
}

/// Aligns two texts paragraph by paragraph: unchanged paragraphs by a diff of the whole
/// sequence, then, inside each run of differences, old and new paragraphs paired in order
/// when they share enough words.
pub fn align(old: &[String], new: &[String]) -> Vec<Aligned> {
    let mut rows = Vec::new();
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    for op in capture_diff_slices(Algorithm::Myers, old, new) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            pair(old, new, &mut removed, &mut added, &mut rows);
            rows.extend(old_range.zip(new_range).map(|(o, n)| Aligned::Same(o, n)));
        } else {
            removed.extend(old_range);
            added.extend(new_range);
        }
    }
    pair(old, new, &mut removed, &mut added, &mut rows);
    rows
}

fn pair(
    old: &[String],
    new: &[String],
    removed: &mut Vec<usize>,
    added: &mut Vec<usize>,
    rows: &mut Vec<Aligned>,
) {
    let mut next = 0;
    for &o in removed.iter() {
        let alike = (next..added.len()).find(|&j| {
            TextDiff::from_words(old[o].as_str(), new[added[j]].as_str()).ratio() >= SAME_PARAGRAPH
        });
        match alike {
            Some(j) => {
                rows.extend(added[next..j].iter().map(|&n| Aligned::Added(n)));
                rows.push(Aligned::Changed(o, added[j]));
                next = j + 1;
            }
            None => rows.push(Aligned::Removed(o)),
        }
    }
    rows.extend(added[next..].iter().map(|&n| Aligned::Added(n)));
    removed.clear();
    added.clear();
}

/// Word by word, from `old` to `new`, runs of the same kind joined.
pub fn word_changes(old: &str, new: &str) -> Vec<(WordKind, String)> {
    let mut words: Vec<(WordKind, String)> = Vec::new();
    for change in TextDiff::from_words(old, new).iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => WordKind::Same,
            ChangeTag::Delete => WordKind::Removed,
            ChangeTag::Insert => WordKind::Added,
        };
        match words.last_mut() {
            Some((last, text)) if *last == kind => text.push_str(change.value()),
            _ => words.push((kind, change.value().to_owned())),
        }
    }
    words
}

/// The paragraph changes from `old` to `new` (numbered from 1), and how many are the same.
pub fn paragraph_changes(old: &[String], new: &[String]) -> (Vec<ParagraphChange>, i64) {
    let mut unchanged = 0;
    let changes = align(old, new)
        .into_iter()
        .filter_map(|row| match row {
            Aligned::Same(..) => {
                unchanged += 1;
                None
            }
            Aligned::Changed(o, n) => Some(ParagraphChange::Changed {
                from: o as i64 + 1,
                to: n as i64 + 1,
                words: word_changes(&old[o], &new[n]),
            }),
            Aligned::Added(n) => Some(ParagraphChange::Added {
                to: n as i64 + 1,
                text: new[n].clone(),
            }),
            Aligned::Removed(o) => Some(ParagraphChange::Removed {
                from: o as i64 + 1,
                text: old[o].clone(),
            }),
        })
        .collect();
    (changes, unchanged)
}

/// Where each paragraph of `old` is in `new` (kept or changed), by number; a paragraph
/// taken out is not in it.
pub fn paragraph_map(old: &[String], new: &[String]) -> HashMap<i64, i64> {
    align(old, new)
        .into_iter()
        .filter_map(|row| match row {
            Aligned::Same(o, n) | Aligned::Changed(o, n) => Some((o as i64 + 1, n as i64 + 1)),
            _ => None,
        })
        .collect()
}

/// Published now or before, or a draft whose review is public.
fn is_public(version: &Version) -> bool {
    matches!(version.state.as_str(), "published" | "superseded") || version.review_public
}

fn public_version(version: &Version) -> PublicVersion {
    PublicVersion {
        number: version.number,
        state: version.state.clone(),
        title: version.title.clone(),
        published_at: version.published_at.clone(),
        change_note: version.change_note.clone(),
    }
}

/// A published policy's public versions (newest first) and its list; `None` when the
/// policy does not exist or was never published.
async fn public_versions(
    db: &Database,
    slug: &str,
) -> Result<Option<(PolicyRow, Vec<Version>, VersionList)>, sqlx::Error> {
    let Some(policy) = policy_by(db, "slug", slug.to_owned().into()).await? else {
        return Ok(None);
    };
    let versions: Vec<Version> = versions(db, policy.id)
        .await?
        .into_iter()
        .filter(is_public)
        .collect();
    let Some(current) = versions.iter().find(|v| v.state == "published") else {
        return Ok(None);
    };
    let list = VersionList {
        slug: policy.slug.clone(),
        title: current.title.clone(),
        current: current.number,
        versions: versions.iter().map(public_version).collect(),
    };
    Ok(Some((policy, versions, list)))
}

pub async fn version_list(db: &Database, slug: &str) -> Result<Option<VersionList>, sqlx::Error> {
    Ok(public_versions(db, slug).await?.map(|(_, _, list)| list))
}

pub async fn version_text(
    db: &Database,
    slug: &str,
    number: i64,
) -> Result<Option<VersionText>, sqlx::Error> {
    let Some((_, versions, list)) = public_versions(db, slug).await? else {
        return Ok(None);
    };
    Ok(versions
        .iter()
        .find(|v| v.number == number)
        .map(|v| VersionText {
            version: public_version(v),
            blocks: v.blocks.clone(),
            list: list.clone(),
        }))
}

pub async fn compare(
    db: &Database,
    slug: &str,
    from: i64,
    to: i64,
) -> Result<Option<Comparison>, sqlx::Error> {
    let Some((_, versions, _)) = public_versions(db, slug).await? else {
        return Ok(None);
    };
    let find = |n: i64| versions.iter().find(|v| v.number == n);
    let (Some(old), Some(new)) = (find(from), find(to)) else {
        return Ok(None);
    };
    let (changes, unchanged) =
        paragraph_changes(&block_texts(&old.body_md), &block_texts(&new.body_md));
    Ok(Some(Comparison {
        from: public_version(old),
        to: public_version(new),
        changes,
        unchanged,
    }))
}

/// For each comment answered "we changed the policy" (or part of it): where to read the
/// change. The paragraph it was about, in the first version published after the one it
/// was made on; the comparison of the two when it was about the whole policy or its
/// paragraph is gone. Nothing when no later version has been published.
pub(super) fn answer_links(
    slug: &str,
    versions: &[Version],
    reviews: &[crate::policies::PublicReview],
) -> Vec<crate::policies::AnswerLink> {
    let current = versions
        .iter()
        .find(|v| v.state == "published")
        .map(|v| v.number);
    let mut links = Vec::new();
    for review in reviews {
        let Some(made_on) = versions.iter().find(|v| v.number == review.version) else {
            continue;
        };
        let Some(next) = versions
            .iter()
            .filter(|v| v.number > review.version && v.published_at.is_some())
            .min_by_key(|v| v.number)
        else {
            continue;
        };
        let moved = paragraph_map(&block_texts(&made_on.body_md), &block_texts(&next.body_md));
        let page = if Some(next.number) == current {
            format!("/policies/{slug}")
        } else {
            format!("/policies/{slug}/versions/{}", next.number)
        };
        for thread in &review.threads {
            let answered_change = thread
                .response
                .as_ref()
                .is_some_and(|r| r.outcome == "changed" || r.outcome == "partly-changed");
            if !answered_change || thread.removed.is_some() {
                continue;
            }
            let link = match thread.paragraph.and_then(|n| moved.get(&n).copied()) {
                Some(n) => crate::policies::AnswerLink {
                    comment: thread.id,
                    href: format!("{page}#p-{n}"),
                    text: format!("Read paragraph {n} of version {}", next.number),
                },
                None => crate::policies::AnswerLink {
                    comment: thread.id,
                    href: format!(
                        "/policies/{slug}/compare?from={}&to={}",
                        made_on.number, next.number
                    ),
                    text: format!(
                        "See what changed between version {} and version {}",
                        made_on.number, next.number
                    ),
                },
            };
            links.push(link);
        }
    }
    links
}

/// Comments and replies the PPIE team removed from the policy's public reviews, oldest
/// removal first (not those their authors withdrew).
pub async fn moderation_log(
    db: &Database,
    slug: &str,
) -> Result<Option<ModerationLog>, sqlx::Error> {
    let Some((policy, _, list)) = public_versions(db, slug).await? else {
        return Ok(None);
    };
    let rows: Vec<(i64, Option<i64>, String, String)> = sqlx::query_as(
        "SELECT v.number, c.parent_id, COALESCE(c.hidden_at, c.created_at), c.hidden_reason
         FROM policy_comments c JOIN policy_versions v ON v.id = c.version_id
         WHERE v.policy_id = $1 AND v.review_public = 1 AND c.hidden_reason IS NOT NULL
           AND c.withdrawn_at IS NULL
         ORDER BY 3, c.id",
    )
    .bind(policy.id)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(ModerationLog {
        list,
        removals: rows
            .into_iter()
            .map(|(version, parent, removed_at, reason)| Removal {
                version,
                reply: parent.is_some(),
                removed_at: chrono::DateTime::parse_from_rfc3339(&removed_at)
                    .map(|at| crate::dates::uk_date(at.with_timezone(&chrono::Utc)))
                    .unwrap_or(removed_at),
                reason,
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(all: &[&str]) -> Vec<String> {
        all.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn one_changed_word_one_added_and_one_removed_paragraph_are_told_apart() {
        let old = texts(&[
            "Who may use the data",
            "Only approved researchers may work with data in the SDE.",
            "Every project is checked by the committee.",
            "A company may use the SDE only for work that benefits patients.",
        ]);
        let new = texts(&[
            "Who may use the data",
            "Only accredited researchers may work with data in the SDE.",
            "A company may use the SDE only for work that benefits patients.",
            "We publish every decision within a month of making it.",
        ]);
        assert_eq!(
            align(&old, &new),
            vec![
                Aligned::Same(0, 0),
                Aligned::Changed(1, 1),
                Aligned::Removed(2),
                Aligned::Same(3, 2),
                Aligned::Added(3),
            ]
        );
        let (changes, unchanged) = paragraph_changes(&old, &new);
        assert_eq!(unchanged, 2);
        match &changes[0] {
            ParagraphChange::Changed {
                from: 2,
                to: 2,
                words,
            } => {
                assert!(words.contains(&(WordKind::Removed, "approved".to_owned())));
                assert!(words.contains(&(WordKind::Added, "accredited".to_owned())));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            changes[1],
            ParagraphChange::Removed { from: 3, .. }
        ));
        assert!(matches!(changes[2], ParagraphChange::Added { to: 4, .. }));
    }

    #[test]
    fn a_paragraph_is_found_where_it_moved_to_and_not_once_removed() {
        let old = texts(&["Intro", "Keep me exactly.", "Drop me entirely now."]);
        let new = texts(&["New first words here.", "Intro", "Keep me exactly."]);
        let moved = paragraph_map(&old, &new);
        assert_eq!(moved.get(&1), Some(&2));
        assert_eq!(moved.get(&2), Some(&3));
        assert_eq!(moved.get(&3), None);
        assert_eq!(moved.get(&0), None);
    }

    #[test]
    fn a_paragraph_rewritten_entirely_is_removed_and_added_not_changed() {
        let old = texts(&["The committee meets monthly."]);
        let new = texts(&["Researchers apply online through the portal."]);
        assert_eq!(
            align(&old, &new),
            vec![Aligned::Removed(0), Aligned::Added(0)]
        );
    }

    #[test]
    fn identical_texts_have_no_changes() {
        let both = texts(&["One.", "Two."]);
        assert_eq!(paragraph_changes(&both, &both), (Vec::new(), 2));
    }
}
