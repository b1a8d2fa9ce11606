//! The W12 list query shared by the list page, the legacy datatable and the exports: one page
//! of orders with everything its rows show (catalog names, step counts, reprogrammings), in a
//! fixed number of queries whatever the page size (W10).

use std::collections::HashMap;
use std::sync::Arc;

use crate::db::caches::Caches;
use crate::db::catalogs::Catalogs;
use crate::db::work_orders::{self, ListFilter, ListedOrder};
use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::{DbConn, settings, versions, write_transaction};
use crate::domain::work_order::{SearchParts, searchable_text};

/// Everything one list page shows, in a fixed number of queries whatever the page size (W10).
pub struct ListData {
    pub catalogs: Arc<Catalogs>,
    pub total: i64,
    /// The rows, each with its step counts (W10).
    pub listed: Vec<ListedOrder>,
    /// Physical progress of the active schedules (W16): (real, client) in hundredths.
    pub physical: HashMap<i32, (i32, i32)>,
    pub children: HashMap<i32, i64>,
    /// The version rows the page was read at, for a caller's further cached counts.
    pub versions: versions::Snapshot,
}

/// One page of the list for `filter`: totals and catalogs from the per-instance caches, checked
/// against `seen` (the version rows the request's gate read after it arrived) or, without it,
/// against the version rows read now.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "listing::load"))]
pub fn load(
    c: &mut DbConn,
    filter: &ListFilter,
    caches: &Caches,
    seen: Option<versions::Snapshot>,
) -> diesel::QueryResult<ListData> {
    // Both caches' versions in one read (on PostgreSQL each query is a round trip).
    let versions = match seen {
        Some(v) => v,
        None => versions::Snapshot::read(c)?,
    };
    let catalogs = caches.catalogs.get_at(c, versions.of(versions::CATALOGS))?;
    let mut filter = filter.clone();
    filter.match_names(&catalogs);
    let (total, listed) = work_orders::list(c, &filter, |c, f| {
        caches
            .counts
            .count_at(c, f, versions.of(versions::WORK_ORDERS))
    })?;
    let ids: Vec<i32> = listed.iter().map(|l| l.order.id).collect();
    let facts = work_orders::page_facts(c, &ids)?;
    Ok(ListData {
        catalogs,
        total,
        listed,
        children: facts.children,
        physical: facts.physical,
        versions,
    })
}

/// An export's pages: every matching id once, in the list's order (4 bytes each), then the
/// rows a page at a time. Linear in the number of orders, and memory stays bounded by the page.
pub struct Pages {
    ids: Vec<i32>,
    next: usize,
    size: usize,
    catalogs: Arc<Catalogs>,
    versions: versions::Snapshot,
}

impl Pages {
    pub fn start(c: &mut DbConn, filter: &ListFilter, size: usize) -> diesel::QueryResult<Pages> {
        let versions = versions::Snapshot::read(c)?;
        let catalogs = Arc::new(Catalogs::load(c)?);
        let mut all = filter.clone();
        all.offset = 0;
        all.limit = i64::MAX;
        all.match_names(&catalogs);
        Ok(Pages {
            ids: work_orders::page_ids(c, &all)?,
            next: 0,
            size: size.max(1),
            catalogs,
            versions,
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
        let facts = work_orders::page_facts(c, ids)?;
        Ok(Some(ListData {
            catalogs: self.catalogs.clone(),
            total: i64::try_from(self.ids.len()).unwrap_or(i64::MAX),
            listed,
            children: facts.children,
            physical: facts.physical,
            versions: self.versions,
        }))
    }
}

/// The `app_settings` row that says the stored search texts are those of `searchable_text` today
/// (1: folded, accents aside; 2: with the client representative). Bump it when the text changes.
const FOLDED: &str = "search_text_folded_2";

/// Brings the stored search texts of a database written before the search text last changed up
/// to date, once (orders written since are stored right): 1,000 orders per transaction.
/// Returns how many orders it rewrote.
#[tracing::instrument(
    name = "service",
    skip_all,
    fields(use_case = "listing::fold_search_texts")
)]
pub fn fold_search_texts(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    if settings::get(conn, FOLDED)?.is_some() {
        return Ok(0);
    }
    let mut after = 0;
    let mut rewritten = 0;
    loop {
        let batch = write_transaction(conn, |c| -> QueryResult<Option<(i32, usize)>> {
            let rows = work_orders::search_sources(c, after, 1000)?;
            for r in &rows {
                let pte = r.pte_folio.as_deref().unwrap_or("");
                let text = searchable_text(SearchParts {
                    folio: &r.folio,
                    oficio: &r.oficio,
                    pte_folio: pte,
                    description: &r.description,
                    client_representative: &r.client_representative,
                });
                work_orders::set_search_text(c, r.id, &text)?;
            }
            if !rows.is_empty() {
                work_orders::touch_list(c)?;
            }
            Ok(rows.last().map(|r| (r.id, rows.len())))
        })?;
        match batch {
            Some((last, n)) => {
                after = last;
                rewritten += n;
            }
            None => break,
        }
    }
    settings::get_or_insert_with(conn, FOLDED, now, || "1".to_owned())?;
    if rewritten > 0 {
        tracing::info!(
            orders = rewritten,
            "search texts folded (accents and case aside)"
        );
    }
    Ok(rewritten)
}
