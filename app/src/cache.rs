//! Results computed once per content version. Public content changes only when someone
//! records a change or imports, and every such change moves the database's content version
//! on (`db::bump_content_version`), so a result computed for one version can be served
//! until the version moves. The version is read from the database on each request, so
//! every instance sees a change at once. (The register's list pages, for example, filter,
//! count and sort every recommendation.)

use std::{num::NonZeroUsize, sync::Arc};

use lru::LruCache;
use tokio::sync::Mutex;

/// Recently computed results by key, each with the content version it was computed at.
#[derive(Clone)]
pub struct ResultCache<T> {
    entries: Arc<Mutex<LruCache<String, (i64, T)>>>,
}

impl<T> std::fmt::Debug for ResultCache<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResultCache")
    }
}

impl<T: Clone> ResultCache<T> {
    pub fn new(capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        Self {
            entries: Arc::new(Mutex::new(LruCache::new(capacity))),
        }
    }

    /// The result for `key` at `version`: from the cache when it was computed at this
    /// version, otherwise computed now (errors are not kept).
    pub async fn get_or_compute<E, Fut>(
        &self,
        version: i64,
        key: String,
        compute: impl FnOnce() -> Fut,
    ) -> Result<T, E>
    where
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        if let Some((at, value)) = self.entries.lock().await.get(&key) {
            if *at == version {
                return Ok(value.clone());
            }
        }
        let value = compute().await?;
        self.entries.lock().await.put(key, (version, value.clone()));
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_result_is_reused_until_the_version_moves() {
        let cache = ResultCache::new(4);
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let compute = || async {
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok::<_, ()>(calls.load(std::sync::atomic::Ordering::SeqCst))
        };
        assert_eq!(cache.get_or_compute(1, "a".into(), compute).await, Ok(1));
        assert_eq!(cache.get_or_compute(1, "a".into(), compute).await, Ok(1));
        assert_eq!(cache.get_or_compute(2, "a".into(), compute).await, Ok(2));
        assert_eq!(cache.get_or_compute(2, "b".into(), compute).await, Ok(3));
    }

    #[tokio::test]
    async fn errors_are_not_kept() {
        let cache: ResultCache<i32> = ResultCache::new(4);
        assert_eq!(
            cache
                .get_or_compute(1, "a".into(), || async { Err("no") })
                .await,
            Err("no")
        );
        assert_eq!(
            cache
                .get_or_compute(1, "a".into(), || async { Ok::<_, &str>(7) })
                .await,
            Ok(7)
        );
    }
}
