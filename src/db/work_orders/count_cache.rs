//! The list's totals per filter, cached per instance and checked against the work orders'
//! version row.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use diesel::QueryResult;

use super::{ListFilter, count};
use crate::db::{DbConn, versions};

/// Totals of the list by filter, each valid while the list's version (`touch_list`) is the one
/// it was counted at: exact on one instance or many, and one primary-key read instead of a
/// count while nobody writes. Counting 66,667 rows was most of a list request's time.
///
/// One count per filter at a time: requests for a filter whose total is missing wait for the
/// one counting it instead of each counting too (at 1,000,000 orders, 16 connections asking
/// for the same new search each counted its matches, and its slowest answers took 578 ms).
#[derive(Debug, Default)]
pub struct CountCache {
    entries: Mutex<HashMap<String, Entry>>,
}

/// One filter's total and the version it was counted at, and the lock held while counting it.
#[derive(Debug, Default)]
struct Entry {
    total: Option<(i64, i64)>,
    counting: Arc<Mutex<()>>,
}

/// Distinct filters kept; the cache starts over when it is full.
const CACHED_FILTERS: usize = 1024;

impl CountCache {
    pub fn count(&self, conn: &mut DbConn, f: &ListFilter) -> QueryResult<i64> {
        let version = versions::current(conn, versions::WORK_ORDERS)?;
        self.count_at(conn, f, version)
    }

    /// The total of `f` at `version`, the work orders' version just read (e.g. in a
    /// [`versions::Snapshot`]): from the cache when it was counted at that version.
    pub fn count_at(&self, conn: &mut DbConn, f: &ListFilter, version: i64) -> QueryResult<i64> {
        self.count_at_with(conn, f, version, count)
    }

    fn count_at_with(
        &self,
        conn: &mut DbConn,
        f: &ListFilter,
        version: i64,
        counter: impl FnOnce(&mut DbConn, &ListFilter) -> QueryResult<i64>,
    ) -> QueryResult<i64> {
        let key = format!(
            "{:?}",
            (
                f.kind,
                f.status,
                f.project_manager,
                f.client,
                f.site,
                f.year,
                f.parent,
                &f.text,
                &f.names,
                f.overdue_on,
                f.deleted,
                &f.ids
            )
        );
        let cached = |entries: &HashMap<String, Entry>| {
            entries
                .get(&key)
                .and_then(|e| e.total)
                .filter(|(at, _)| *at == version)
                .map(|(_, n)| n)
        };
        let counting = {
            let mut entries = lock(&self.entries);
            if let Some(n) = cached(&entries) {
                return Ok(n);
            }
            if entries.len() >= CACHED_FILTERS && !entries.contains_key(&key) {
                entries.clear();
            }
            Arc::clone(&entries.entry(key.clone()).or_default().counting)
        };
        // Held while counting: a request missing the same total waits here, then reads it.
        let _counting = lock(&counting);
        if let Some(n) = cached(&lock(&self.entries)) {
            return Ok(n);
        }
        // Read after the version: a write committed in between is in the count, and its new
        // version no longer matches what is stored here.
        let n = counter(conn, f)?;
        lock(&self.entries).entry(key).or_default().total = Some((version, n));
        Ok(n)
    }
}

/// A poisoned lock still holds a consistent total: a panic can only come from the count, before
/// anything is stored.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};
    use std::time::Duration;

    use diesel::Connection;

    use super::CountCache;
    use crate::db::DbConn;
    use crate::db::work_orders::ListFilter;

    fn conn() -> DbConn {
        DbConn::Sqlite(diesel::SqliteConnection::establish(":memory:").unwrap())
    }

    /// Requests that miss the same total at once count it once: the others wait and read it.
    /// A new version, or another filter, is counted again.
    #[test]
    fn one_count_per_filter_at_a_time() {
        let cache = Arc::new(CountCache::default());
        let counted = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (cache, counted, start) = (cache.clone(), counted.clone(), start.clone());
                std::thread::spawn(move || {
                    let mut c = conn();
                    let f = ListFilter {
                        text: Some("reparacion".into()),
                        ..ListFilter::default()
                    };
                    start.wait();
                    cache
                        .count_at_with(&mut c, &f, 7, |_, _| {
                            counted.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(100));
                            Ok(42)
                        })
                        .unwrap()
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), 42);
        }
        assert_eq!(counted.load(Ordering::SeqCst), 1, "counted once");

        let mut c = conn();
        let f = ListFilter {
            text: Some("reparacion".into()),
            ..ListFilter::default()
        };
        let recount = |n: i64| move |_: &mut DbConn, _: &ListFilter| Ok(n);
        assert_eq!(cache.count_at_with(&mut c, &f, 7, recount(0)).unwrap(), 42);
        assert_eq!(cache.count_at_with(&mut c, &f, 8, recount(43)).unwrap(), 43);
        let other = ListFilter {
            text: Some("pintura".into()),
            ..ListFilter::default()
        };
        assert_eq!(
            cache.count_at_with(&mut c, &other, 8, recount(5)).unwrap(),
            5
        );
        assert_eq!(cache.count_at_with(&mut c, &f, 8, recount(0)).unwrap(), 43);
    }

    /// A count that fails stores nothing, and leaves the filter to be counted by the next request.
    #[test]
    fn a_failed_count_is_counted_again() {
        let cache = CountCache::default();
        let mut c = conn();
        let f = ListFilter::default();
        let failed =
            cache.count_at_with(&mut c, &f, 1, |_, _| Err(diesel::result::Error::NotFound));
        assert!(failed.is_err());
        assert_eq!(cache.count_at_with(&mut c, &f, 1, |_, _| Ok(3)).unwrap(), 3);
    }
}
