//! The list's totals per filter, cached per instance and checked against the work orders'
//! version row.

use std::collections::HashMap;

use diesel::QueryResult;

use super::{ListFilter, count};
use crate::db::{DbConn, versions};

/// Totals of the list by filter, each valid while the list's version (`touch_list`) is the one
/// it was counted at: exact on one instance or many, and one primary-key read instead of a
/// count while nobody writes. Counting 66,667 rows was most of a list request's time.
#[derive(Debug, Default)]
pub struct CountCache {
    entries: std::sync::Mutex<HashMap<String, (i64, i64)>>,
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
        let cached = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
            .filter(|(v, _)| *v == version)
            .map(|(_, total)| *total);
        if let Some(total) = cached {
            return Ok(total);
        }
        // Read after the version: a write committed in between is in the count, and its new
        // version no longer matches what is stored here.
        let total = count(conn, f)?;
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() >= CACHED_FILTERS {
            entries.clear();
        }
        entries.insert(key, (version, total));
        Ok(total)
    }
}
