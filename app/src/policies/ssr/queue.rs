//! The answer queue's data: the current review's comments without an answer.

use std::collections::HashMap;

use super::{load_threads, policy_by, versions};
use crate::{
    db::Database,
    policies::answer_queue::{AnswerQueue, QueueItem},
};

/// Policy `id`'s queue: the first comment of every thread in its newest review that has
/// no answer and was neither removed nor withdrawn, oldest first. `None`: no such policy.
pub async fn answer_queue(db: &Database, id: i64) -> Result<Option<AnswerQueue>, sqlx::Error> {
    let Some(policy) = policy_by(db, "id", id.into()).await? else {
        return Ok(None);
    };
    let versions = versions(db, policy.id).await?;
    let Some(newest) = versions.first() else {
        return Ok(None);
    };
    let Some(version) = versions.iter().find(|v| v.review_opened.is_some()) else {
        return Ok(Some(AnswerQueue {
            policy_id: policy.id,
            slug: policy.slug,
            title: newest.title.clone(),
            version: 0,
            review_public: false,
            items: Vec::new(),
        }));
    };
    let blocks = HashMap::from([(version.id, version.blocks.clone())]);
    let mut threads = load_threads(db, policy.id, &blocks)
        .await?
        .remove(&version.id)
        .unwrap_or_default();
    threads.retain(|t| t.response.is_none() && t.removed.is_none());
    threads.sort_by_key(|t| t.id);
    let items = if version.review_public {
        Vec::new()
    } else {
        threads
            .into_iter()
            .map(|thread| QueueItem {
                block: thread
                    .paragraph
                    .and_then(|n| version.blocks.iter().find(|b| b.number == n).cloned()),
                thread,
            })
            .collect()
    };
    Ok(Some(AnswerQueue {
        policy_id: policy.id,
        slug: policy.slug,
        title: version.title.clone(),
        version: version.number,
        review_public: version.review_public,
        items,
    }))
}
