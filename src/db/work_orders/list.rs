//! The W12 list query: sort keys, filters, the count and one page of rows in a fixed number of
//! queries.

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::{CountCache, WorkOrder, visible};
use crate::db::DbConn;
use crate::db::schema::{clients, planning_docs, statuses, work_orders};
use chrono::NaiveDate;

use crate::domain::codes::{kind, ot_status, record_state};
use crate::domain::work_order::search_words;

/// Sort keys of the list (W12), each sorting by what its column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Id,
    Folio,
    Oficio,
    Pte,
    Client,
    PlannedStart,
    PlannedEnd,
    RealStart,
    RealEnd,
    Status,
}

impl SortKey {
    pub const ALL: [(SortKey, &'static str); 10] = [
        (SortKey::Id, "id"),
        (SortKey::Folio, "folio"),
        (SortKey::Oficio, "oficio"),
        (SortKey::Pte, "pte"),
        (SortKey::Client, "cliente"),
        (SortKey::PlannedStart, "inicio"),
        (SortKey::PlannedEnd, "termino"),
        (SortKey::RealStart, "inicio_real"),
        (SortKey::RealEnd, "termino_real"),
        (SortKey::Status, "estatus"),
    ];

    pub fn code(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("id", |(_, c)| c)
    }

    pub fn from_code(code: &str) -> Option<SortKey> {
        Self::ALL.iter().find(|(_, c)| *c == code).map(|(k, _)| *k)
    }
}

/// The list's filters and page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFilter {
    /// `None`: every kind.
    pub kind: Option<i32>,
    pub status: Option<i32>,
    pub project_manager: Option<i32>,
    pub client: Option<i32>,
    pub site: Option<i32>,
    pub year: Option<i32>,
    pub parent: Option<i32>,
    pub text: Option<String>,
    /// "Vencidas": open orders (not TERMINADA or CANCELADA) whose planned end is before this day
    /// (today).
    pub overdue_on: Option<NaiveDate>,
    /// The deleted orders instead of the visible ones (administrators, to restore them).
    pub deleted: bool,
    /// Only these orders (the rows ticked in the list), within the other filters.
    pub ids: Option<Vec<i32>>,
    pub sort: SortKey,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
}

impl Default for ListFilter {
    fn default() -> ListFilter {
        ListFilter {
            kind: Some(kind::INITIAL),
            status: None,
            project_manager: None,
            client: None,
            site: None,
            year: None,
            parent: None,
            text: None,
            overdue_on: None,
            deleted: false,
            ids: None,
            sort: SortKey::Id,
            descending: true,
            offset: 0,
            limit: 25,
        }
    }
}

/// A listed order with the names its row shows.
#[derive(Debug, Clone)]
pub struct ListedOrder {
    pub order: WorkOrder,
    pub pte_folio: Option<String>,
    pub client_name: Option<String>,
    pub status_name: String,
}

type Backend = <DbConn as diesel::Connection>::Backend;

/// Applies the list filters to a query over `work_orders` (alone for the count, joined with the
/// names for the page). Every filter is on `work_orders` columns, so the count needs no join.
macro_rules! filtered_list {
    ($source:expr, $f:expr) => {{
        let f: &ListFilter = $f;
        let mut q = $source.into_boxed::<Backend>();
        // W7: deleted orders only when an administrator asks for them ("Eliminadas").
        q = if f.deleted {
            q.filter(work_orders::record_state.eq(record_state::DELETED))
        } else {
            q.filter(visible())
        };
        if let Some(k) = f.kind {
            q = q.filter(work_orders::kind_id.eq(k));
        }
        if let Some(s) = f.status {
            q = q.filter(work_orders::status_id.eq(s));
        }
        if let Some(pm) = f.project_manager {
            q = q.filter(work_orders::project_manager_id.eq(pm));
        }
        if let Some(c) = f.client {
            q = q.filter(work_orders::client_id.eq(c));
        }
        if let Some(p) = f.parent {
            q = q.filter(work_orders::parent_id.eq(p));
        }
        if let Some(site) = f.site {
            q = q.filter(
                work_orders::vessel_site_id
                    .eq(site)
                    .or(work_orders::platform_site_id.eq(site))
                    .or(work_orders::intercom_site_id.eq(site))
                    .or(work_orders::yard_site_id.eq(site)),
            );
        }
        if let Some(today) = f.overdue_on {
            q = q
                .filter(work_orders::planned_end.lt(today))
                .filter(work_orders::status_id.ne_all([ot_status::FINISHED, ot_status::CANCELLED]));
        }
        if let Some(ids) = &f.ids {
            q = q.filter(work_orders::id.eq_any(ids.clone()));
        }
        if let Some(y) = f.year {
            q = q.filter(work_orders::list_year.eq(y));
        }
        if let Some(text) = f.text.as_deref() {
            // W12: every word, anywhere, accents and case aside (both sides are folded).
            for word in search_words(text) {
                q = q.filter(
                    work_orders::search_text
                        .like(crate::db::like_pattern(&word))
                        .escape('\\'),
                );
            }
        }
        q
    }};
}

/// The count of the orders matching a filter (sort, offset and limit aside).
pub fn count(conn: &mut DbConn, f: &ListFilter) -> QueryResult<i64> {
    filtered_list!(work_orders::table, f)
        .select(count_star())
        .first(conn)
}

/// One page of the list and the count of all matching orders (from `counts` when still valid).
pub fn list(
    conn: &mut DbConn,
    f: &ListFilter,
    counts: &CountCache,
) -> QueryResult<(i64, Vec<ListedOrder>)> {
    let total = counts.count(conn, f)?;
    let ids = page_ids(conn, f)?;
    Ok((total, rows_by_ids(conn, &ids)?))
}

/// The ids of one page of the list (`f.offset`, `f.limit`), in the list's order. Narrow rows
/// sort cheaply; the full rows come after, for those ids only.
pub fn page_ids(conn: &mut DbConn, f: &ListFilter) -> QueryResult<Vec<i32>> {
    let joined = work_orders::table
        .left_join(planning_docs::table)
        .left_join(clients::table)
        .inner_join(statuses::table);
    // The page's ids first (narrow rows sort cheaply), then the full rows of those ids.
    let mut q = filtered_list!(joined, f).select(work_orders::id);
    q = match (f.sort, f.descending) {
        (SortKey::Id, false) => q.order(work_orders::id.asc()),
        (SortKey::Id, true) => q.order(work_orders::id.desc()),
        (SortKey::Folio, false) => q.order((work_orders::folio.asc(), work_orders::id.asc())),
        (SortKey::Folio, true) => q.order((work_orders::folio.desc(), work_orders::id.desc())),
        (SortKey::Oficio, false) => q.order((work_orders::oficio.asc(), work_orders::id.asc())),
        (SortKey::Oficio, true) => q.order((work_orders::oficio.desc(), work_orders::id.desc())),
        (SortKey::Pte, false) => q.order((planning_docs::folio.asc(), work_orders::id.asc())),
        (SortKey::Pte, true) => q.order((planning_docs::folio.desc(), work_orders::id.desc())),
        (SortKey::Client, false) => q.order((clients::description.asc(), work_orders::id.asc())),
        (SortKey::Client, true) => q.order((clients::description.desc(), work_orders::id.desc())),
        (SortKey::PlannedStart, false) => {
            q.order((work_orders::planned_start.asc(), work_orders::id.asc()))
        }
        (SortKey::PlannedStart, true) => {
            q.order((work_orders::planned_start.desc(), work_orders::id.desc()))
        }
        (SortKey::PlannedEnd, false) => {
            q.order((work_orders::planned_end.asc(), work_orders::id.asc()))
        }
        (SortKey::PlannedEnd, true) => {
            q.order((work_orders::planned_end.desc(), work_orders::id.desc()))
        }
        (SortKey::RealStart, false) => {
            q.order((work_orders::real_start.asc(), work_orders::id.asc()))
        }
        (SortKey::RealStart, true) => {
            q.order((work_orders::real_start.desc(), work_orders::id.desc()))
        }
        (SortKey::RealEnd, false) => q.order((work_orders::real_end.asc(), work_orders::id.asc())),
        (SortKey::RealEnd, true) => q.order((work_orders::real_end.desc(), work_orders::id.desc())),
        (SortKey::Status, false) => q.order((statuses::description.asc(), work_orders::id.asc())),
        (SortKey::Status, true) => q.order((statuses::description.desc(), work_orders::id.desc())),
    };
    q.offset(f.offset).limit(f.limit).load(conn)
}

/// The list rows of some orders, in the order of `ids`.
pub fn rows_by_ids(conn: &mut DbConn, ids: &[i32]) -> QueryResult<Vec<ListedOrder>> {
    let mut rows: Vec<ListedOrder> = work_orders::table
        .left_join(planning_docs::table)
        .left_join(clients::table)
        .inner_join(statuses::table)
        .filter(work_orders::id.eq_any(ids))
        .select((
            WorkOrder::as_select(),
            planning_docs::folio.nullable(),
            clients::description.nullable(),
            statuses::description,
        ))
        .load::<(WorkOrder, Option<String>, Option<String>, String)>(conn)?
        .into_iter()
        .map(|(order, pte_folio, client_name, status_name)| ListedOrder {
            order,
            pte_folio,
            client_name,
            status_name,
        })
        .collect();
    let position: std::collections::HashMap<i32, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|r| position.get(&r.order.id).copied());
    Ok(rows)
}
