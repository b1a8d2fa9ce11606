//! The W12 list query shared by the list page, the legacy datatable and the exports: one page
//! of orders with everything its rows show (catalog names, step counts, reprogrammings), in a
//! fixed number of queries whatever the page size (W10).

use std::collections::HashMap;
use std::sync::Arc;

use crate::db::caches::Caches;
use crate::db::catalogs::Catalogs;
use crate::db::work_orders::{self, ListFilter, ListedOrder};
use crate::db::{DbConn, steps};
use crate::domain::progress::StepCounts;

/// Everything one list page shows, in a fixed number of queries whatever the page size (W10).
pub struct ListData {
    pub catalogs: Arc<Catalogs>,
    pub total: i64,
    pub listed: Vec<ListedOrder>,
    pub counts: HashMap<i32, StepCounts>,
    pub children: HashMap<i32, i64>,
}

/// One page of the list for `filter`: totals and catalogs from the per-instance caches.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "listing::load"))]
pub fn load(c: &mut DbConn, filter: &ListFilter, caches: &Caches) -> diesel::QueryResult<ListData> {
    let catalogs = caches.catalogs.get(c)?;
    let (total, listed) = work_orders::list(c, filter, &caches.counts)?;
    let ids: Vec<i32> = listed.iter().map(|l| l.order.id).collect();
    let counts = steps::counts(c, &ids)?;
    let children = work_orders::reprogramming_counts(c, &ids)?;
    Ok(ListData {
        catalogs,
        total,
        listed,
        counts,
        children,
    })
}

/// An export's pages: every matching id once, in the list's order (4 bytes each), then the
/// rows a page at a time. Linear in the number of orders, and memory stays bounded by the page.
pub struct Pages {
    ids: Vec<i32>,
    next: usize,
    size: usize,
    catalogs: Arc<Catalogs>,
}

impl Pages {
    pub fn start(c: &mut DbConn, filter: &ListFilter, size: usize) -> diesel::QueryResult<Pages> {
        let mut all = filter.clone();
        all.offset = 0;
        all.limit = i64::MAX;
        Ok(Pages {
            ids: work_orders::page_ids(c, &all)?,
            next: 0,
            size: size.max(1),
            catalogs: Arc::new(Catalogs::load(c)?),
        })
    }

    /// The next page, or `None` when every order was given.
    pub fn next_page(&mut self, c: &mut DbConn) -> diesel::QueryResult<Option<ListData>> {
        let Some(ids) = self.ids.get(self.next..).filter(|rest| !rest.is_empty()) else {
            return Ok(None);
        };
        let ids = &ids[..ids.len().min(self.size)];
        self.next += ids.len();
        let listed = work_orders::rows_by_ids(c, ids)?;
        Ok(Some(ListData {
            catalogs: self.catalogs.clone(),
            total: i64::try_from(self.ids.len()).unwrap_or(i64::MAX),
            listed,
            counts: steps::counts(c, ids)?,
            children: work_orders::reprogramming_counts(c, ids)?,
        }))
    }
}
