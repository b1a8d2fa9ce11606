//! Repository for work orders. Every read that lists, counts or picks goes through `visible()`
//! (W7: deleted orders never leak into a list, a count or a picker).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{clients, planning_docs, statuses, users, work_orders};
use crate::domain::codes::{kind, record_state};

/// One `work_orders` row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = work_orders)]
pub struct WorkOrder {
    pub id: i32,
    pub kind_id: i32,
    pub planning_doc_id: Option<i32>,
    pub folio: String,
    pub oficio: String,
    pub description: String,
    pub project_manager_id: i32,
    pub client_representative: String,
    pub client_id: Option<i32>,
    pub status_id: i32,
    pub record_state: i32,
    pub parent_id: Option<i32>,
    pub revision: Option<i32>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub real_start: Option<NaiveDate>,
    pub real_end: Option<NaiveDate>,
    pub real_end_from_status: bool,
    pub duration_days: Option<i32>,
    pub amount_mxn: i64,
    pub amount_usd: i64,
    pub front_id: Option<i32>,
    pub vessel_site_id: Option<i32>,
    pub platform_site_id: Option<i32>,
    pub intercom_site_id: Option<i32>,
    pub yard_site_id: Option<i32>,
    pub requires_yard: bool,
    pub yard_start: Option<NaiveDate>,
    pub yard_end: Option<NaiveDate>,
    pub comment: String,
    pub list_year: Option<i32>,
    pub search_text: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub created_by: Option<i32>,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<i32>,
}

/// The fields a create or an edit writes. `None` clears (W5: a blank field is cleared).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = work_orders, treat_none_as_null = true)]
pub struct OrderFields {
    pub folio: String,
    pub oficio: String,
    pub description: String,
    pub project_manager_id: i32,
    pub client_representative: String,
    pub client_id: Option<i32>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub real_start: Option<NaiveDate>,
    pub real_end: Option<NaiveDate>,
    pub duration_days: Option<i32>,
    pub amount_mxn: i64,
    pub amount_usd: i64,
    pub front_id: Option<i32>,
    pub vessel_site_id: Option<i32>,
    pub platform_site_id: Option<i32>,
    pub intercom_site_id: Option<i32>,
    pub yard_site_id: Option<i32>,
    pub requires_yard: bool,
    pub yard_start: Option<NaiveDate>,
    pub yard_end: Option<NaiveDate>,
    pub comment: String,
    pub list_year: Option<i32>,
    pub search_text: String,
}

/// The fields only a create sets.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = work_orders)]
pub struct CreateFields {
    pub kind_id: i32,
    pub planning_doc_id: Option<i32>,
    pub parent_id: Option<i32>,
    pub revision: Option<i32>,
    pub status_id: i32,
    pub record_state: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub created_by: Option<i32>,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<i32>,
}

pub fn insert(conn: &mut DbConn, create: &CreateFields, fields: &OrderFields) -> QueryResult<i32> {
    diesel::insert_into(work_orders::table)
        .values((create, fields))
        .returning(work_orders::id)
        .get_result(conn)
}

/// Applies an edit if the row still has `version`; returns false when someone saved first.
pub fn update_if_version(
    conn: &mut DbConn,
    id: i32,
    version: i32,
    fields: &OrderFields,
    new_state: i32,
    by: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        work_orders::table
            .filter(work_orders::id.eq(id))
            .filter(work_orders::version.eq(version)),
    )
    .set((
        fields,
        work_orders::record_state.eq(new_state),
        work_orders::version.eq(version + 1),
        work_orders::updated_at.eq(now),
        work_orders::updated_by.eq(by),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Applies a status change (W8) if the row still has `version`; returns false otherwise.
pub fn set_status_if_version(
    conn: &mut DbConn,
    id: i32,
    version: i32,
    change: &crate::domain::execution::StatusChange,
    by: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        work_orders::table
            .filter(work_orders::id.eq(id))
            .filter(work_orders::version.eq(version)),
    )
    .set((
        work_orders::status_id.eq(change.status),
        work_orders::real_end.eq(change.real_end),
        work_orders::real_end_from_status.eq(change.real_end_from_status),
        work_orders::version.eq(version + 1),
        work_orders::updated_at.eq(now),
        work_orders::updated_by.eq(by),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Sets the record state (delete, restore), bumping the version.
pub fn set_record_state(
    conn: &mut DbConn,
    id: i32,
    state: i32,
    by: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(work_orders::table.find(id))
        .set((
            work_orders::record_state.eq(state),
            work_orders::version.eq(work_orders::version + 1),
            work_orders::updated_at.eq(now),
            work_orders::updated_by.eq(by),
        ))
        .execute(conn)
        .map(drop)
}

/// Marks the list's cached counts stale: every transaction that changes work orders calls it
/// last, before it commits (the row is held only for the commit).
pub fn touch_list(conn: &mut DbConn) -> QueryResult<()> {
    super::versions::touch(conn, super::versions::WORK_ORDERS)
}

/// Locks an order's row until the transaction ends (PostgreSQL; SQLite has one writer anyway).
/// Table name in activity-log entries about orders.
pub const TABLE: &str = "work_orders";

pub fn lock_row(conn: &mut DbConn, id: i32) -> QueryResult<()> {
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query("SELECT id FROM work_orders WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Integer, _>(id)
            .execute(pg)?;
    }
    Ok(())
}

/// W7 in one place: every list, count and picker reads only rows that are not deleted.
pub fn visible() -> diesel::dsl::NotEq<work_orders::record_state, i32> {
    work_orders::record_state.ne(record_state::DELETED)
}

/// An order that is not deleted (W7): what every page, form and use case reads.
pub fn find_visible(conn: &mut DbConn, id: i32) -> QueryResult<Option<WorkOrder>> {
    work_orders::table
        .find(id)
        .filter(visible())
        .select(WorkOrder::as_select())
        .first(conn)
        .optional()
}

/// Any row, deleted or not: for restoring (W7), and for administrators' pages.
pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<WorkOrder>> {
    work_orders::table
        .find(id)
        .select(WorkOrder::as_select())
        .first(conn)
        .optional()
}

/// The display name of who last changed an order, for the W5 conflict message.
pub fn updated_by_name(conn: &mut DbConn, user_id: Option<i32>) -> QueryResult<String> {
    let Some(user_id) = user_id else {
        return Ok("el sistema".to_owned());
    };
    Ok(users::table
        .find(user_id)
        .select(users::display_name)
        .first(conn)
        .optional()?
        .unwrap_or_else(|| "otro usuario".to_owned()))
}

/// A non-deleted initial OT using this PTE, other than `except`.
pub fn initial_for_pte(
    conn: &mut DbConn,
    pte_id: i32,
    except: Option<i32>,
) -> QueryResult<Option<(i32, String)>> {
    work_orders::table
        .filter(work_orders::kind_id.eq(kind::INITIAL))
        .filter(visible())
        .filter(work_orders::planning_doc_id.eq(pte_id))
        .filter(work_orders::id.ne(except.unwrap_or(0)))
        .select((work_orders::id, work_orders::folio))
        .first(conn)
        .optional()
}

/// A non-deleted initial OT with this folio, other than `except`.
pub fn initial_with_folio(
    conn: &mut DbConn,
    folio: &str,
    except: Option<i32>,
) -> QueryResult<Option<i32>> {
    work_orders::table
        .filter(work_orders::kind_id.eq(kind::INITIAL))
        .filter(visible())
        .filter(work_orders::folio.eq(folio))
        .filter(work_orders::id.ne(except.unwrap_or(0)))
        .select(work_orders::id)
        .first(conn)
        .optional()
}

/// Highest revision among the parent's non-deleted reprogrammings (W4).
pub fn max_revision(conn: &mut DbConn, parent_id: i32) -> QueryResult<i32> {
    let max: Option<i32> = work_orders::table
        .filter(work_orders::parent_id.eq(parent_id))
        .filter(work_orders::kind_id.eq(kind::REPROGRAMMING))
        .filter(visible())
        .select(diesel::dsl::max(work_orders::revision))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// The non-deleted reprogrammings of an initial OT, by revision.
pub fn reprogrammings(conn: &mut DbConn, parent_id: i32) -> QueryResult<Vec<WorkOrder>> {
    work_orders::table
        .filter(work_orders::parent_id.eq(parent_id))
        .filter(visible())
        .order((work_orders::revision.asc(), work_orders::id.asc()))
        .select(WorkOrder::as_select())
        .load(conn)
}

/// Recent non-deleted initial OTs, for the parent picker: (id, folio, oficio).
pub fn recent_initials(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(i32, String, String)>> {
    work_orders::table
        .filter(work_orders::kind_id.eq(kind::INITIAL))
        .filter(visible())
        .order(work_orders::id.desc())
        .limit(limit)
        .select((work_orders::id, work_orders::folio, work_orders::oficio))
        .load(conn)
}

/// Every non-deleted order (the DataTables `recordsTotal`).
pub fn count_visible(conn: &mut DbConn) -> QueryResult<i64> {
    work_orders::table
        .filter(visible())
        .count()
        .get_result(conn)
}

/// Recent non-deleted initial OTs for the legacy API: (id, folio, description, oficio).
pub fn recent_initials_with_description(
    conn: &mut DbConn,
    limit: i64,
) -> QueryResult<Vec<(i32, String, String, String)>> {
    work_orders::table
        .filter(work_orders::kind_id.eq(kind::INITIAL))
        .filter(visible())
        .order(work_orders::id.desc())
        .limit(limit)
        .select((
            work_orders::id,
            work_orders::folio,
            work_orders::description,
            work_orders::oficio,
        ))
        .load(conn)
}

/// Non-deleted OTs made from a PTE, newest first.
pub fn for_pte(conn: &mut DbConn, pte_id: i32) -> QueryResult<Vec<WorkOrder>> {
    work_orders::table
        .filter(work_orders::planning_doc_id.eq(pte_id))
        .filter(visible())
        .order(work_orders::id.desc())
        .select(WorkOrder::as_select())
        .load(conn)
}

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
        let mut q = $source.filter(visible()).into_boxed::<Backend>();
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
        if let Some(y) = f.year {
            q = q.filter(work_orders::list_year.eq(y));
        }
        if let Some(text) = f.text.as_deref() {
            q = q.filter(
                work_orders::search_text
                    .like(super::like_pattern(text))
                    .escape('\\'),
            );
        }
        q
    }};
}

/// The text the free-text filter searches (W12): folio, oficio, PTE folio and description,
/// lower-cased here (Unicode-aware, the same on both backends).
pub fn search_text(folio: &str, oficio: &str, pte_folio: &str, description: &str) -> String {
    format!("{folio}\n{oficio}\n{pte_folio}\n{description}").to_lowercase()
}

/// The count of the orders matching a filter (sort, offset and limit aside).
pub fn count(conn: &mut DbConn, f: &ListFilter) -> QueryResult<i64> {
    filtered_list!(work_orders::table, f)
        .select(count_star())
        .first(conn)
}

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
        let version = super::versions::current(conn, super::versions::WORK_ORDERS)?;
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
                &f.text
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

#[derive(Debug, QueryableByName)]
struct ChildCount {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    parent_id: i32,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Count of non-deleted reprogrammings per parent, for a page of initial OTs: one query.
pub fn reprogramming_counts(
    conn: &mut DbConn,
    parent_ids: &[i32],
) -> QueryResult<std::collections::HashMap<i32, i64>> {
    if parent_ids.is_empty() {
        return Ok(Default::default());
    }
    let ids = super::id_list(parent_ids);
    let sql = format!(
        "SELECT parent_id, CAST(COUNT(*) AS BIGINT) AS n FROM work_orders \
         WHERE parent_id IN ({ids}) AND kind_id = {} AND record_state <> {} \
         GROUP BY parent_id",
        kind::REPROGRAMMING,
        record_state::DELETED,
    );
    Ok(diesel::sql_query(sql)
        .load::<ChildCount>(conn)?
        .into_iter()
        .map(|c| (c.parent_id, c.n))
        .collect())
}
