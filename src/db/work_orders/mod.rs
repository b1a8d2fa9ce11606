//! Repository for work orders. Every read that lists, counts or picks goes through `visible()`
//! (W7: deleted orders never leak into a list, a count or a picker); single orders are read with
//! `find_visible`. The list query language is in `list`, its cached totals in `count_cache`.

mod count_cache;
mod list;

pub use count_cache::CountCache;
pub use list::{
    ListFilter, ListedOrder, NameMatches, PageFacts, SEARCH_COUNT_LIMIT, SearchWay, SortKey, count,
    count_orders, list, page_facts, page_ids, rows_by_ids, search_way,
};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::prepared::{code_is, code_is_not, run_update};
use super::schema::{order_step_counts, planning_docs, users, work_orders};
use crate::domain::codes::{kind, record_state};
use crate::domain::progress::StepCounts;

/// One `work_orders` row, as pages, lists, exports and the rules read it. Not selected: the
/// search text (written for the text index, never shown; a few hundred bytes per row) and who
/// created and last saved it, when (`last_saved` reads those for the one message that shows
/// them) — the list decodes 25 of these per page (issue 14).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = work_orders)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
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
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub planned_start: Option<NaiveDate>,
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub planned_end: Option<NaiveDate>,
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub real_start: Option<NaiveDate>,
    #[diesel(deserialize_as = super::dates::MaybeDay)]
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
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub yard_start: Option<NaiveDate>,
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub yard_end: Option<NaiveDate>,
    pub comment: String,
    pub list_year: Option<i32>,
    pub version: i32,
}

/// The fields a create or an edit writes. `None` clears (W5: a blank field is cleared).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(
    table_name = work_orders,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
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
#[diesel(table_name = work_orders, treat_none_as_default_value = false)]
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
    on_backend!(conn, |c| diesel::insert_into(work_orders::table)
        .values((create, fields))
        .returning(work_orders::id)
        .get_result(c))
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
    let changes = (
        fields,
        work_orders::record_state.eq(new_state),
        work_orders::version.eq(version + 1),
        work_orders::updated_at.eq(now),
        work_orders::updated_by.eq(by),
    );
    run_update(conn, work_orders::table, at_version(id, version), changes).map(|n| n == 1)
}

/// The order `id` while it still has `version` (optimistic concurrency, W5).
fn at_version(
    id: i32,
    version: i32,
) -> diesel::dsl::And<
    diesel::dsl::Eq<work_orders::id, i32>,
    diesel::dsl::Eq<work_orders::version, i32>,
> {
    work_orders::id.eq(id).and(work_orders::version.eq(version))
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
    let changes = (
        work_orders::status_id.eq(change.status),
        work_orders::real_end.eq(change.real_end),
        work_orders::real_end_from_status.eq(change.real_end_from_status),
        work_orders::version.eq(version + 1),
        work_orders::updated_at.eq(now),
        work_orders::updated_by.eq(by),
    );
    run_update(conn, work_orders::table, at_version(id, version), changes).map(|n| n == 1)
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

/// Folds the list totals' appended changes into the totals (PostgreSQL, migration 000013; SQLite
/// keeps its totals in place). Any number of instances may call it at once: one folds, the others
/// return 0. Returns how many changes were folded.
pub fn fold_list_counts(conn: &mut DbConn) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Folded {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    match conn {
        DbConn::Sqlite(_) => Ok(0),
        DbConn::Pg(_) => diesel::sql_query("SELECT fold_list_counts() AS n")
            .get_result::<Folded>(conn)
            .map(|f| f.n),
    }
}

/// Folded changes after which `ListCountFolder` vacuums the list totals' queue.
pub const VACUUM_QUEUE_AFTER: i64 = 1000;

/// Folds the list totals' changes (`fold_list_counts`, in its own write transaction) and, every
/// `VACUUM_QUEUE_AFTER` changes it folded, vacuums the two tables every write appends to or
/// updates (`list_count_changes`, `list_versions`). Every count reads the queue whole, and the
/// space its folded rows leave is reused only after a vacuum: with autovacuum off (as on the CI
/// machine's PostgreSQL), or between its runs a minute apart while 1,500 orders a second are
/// created, it grew to 802 pages and a count read them all (2.2 ms instead of 0.4). The vacuum
/// skips a table another session holds, and runs outside any transaction.
#[derive(Debug, Default)]
pub struct ListCountFolder {
    since_vacuum: i64,
}

impl ListCountFolder {
    /// Folds once; returns how many changes were folded.
    pub fn fold(&mut self, conn: &mut DbConn) -> QueryResult<i64> {
        if matches!(conn, DbConn::Sqlite(_)) {
            return Ok(0);
        }
        let folded = super::write_transaction(conn, fold_list_counts)?;
        self.since_vacuum += folded;
        if self.since_vacuum >= VACUUM_QUEUE_AFTER {
            use diesel::connection::SimpleConnection;
            conn.batch_execute("VACUUM (SKIP_LOCKED) list_count_changes, list_versions")?;
            self.since_vacuum = 0;
        }
        Ok(folded)
    }
}

/// Table name in activity-log entries about orders.
pub const TABLE: &str = "work_orders";

/// Locks an order's row until the transaction ends (PostgreSQL; SQLite has one writer anyway).
pub fn lock_row(conn: &mut DbConn, id: i32) -> QueryResult<()> {
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query("SELECT id FROM work_orders WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Integer, _>(id)
            .execute(pg)?;
    }
    Ok(())
}

/// W7 in one place: every list, count and picker reads only rows that are not deleted.
pub fn visible()
-> super::prepared::FixedCode<work_orders::record_state, { record_state::DELETED }, false> {
    code_is_not::<{ record_state::DELETED }, _>(work_orders::record_state)
}

/// An order that is not deleted (W7): what every page, form and use case reads.
pub fn find_visible(conn: &mut DbConn, id: i32) -> QueryResult<Option<WorkOrder>> {
    on_backend!(conn, |c| work_orders::table
        .find(id)
        .filter(visible())
        .select(WorkOrder::as_select())
        .get_result(c))
    .optional()
}

/// `find_visible`, the row locked on PostgreSQL until the transaction ends (what `lock_row`
/// does, in the same statement): the reprogrammings of one parent queue on it. SQLite's writers
/// are serialised already.
pub fn find_visible_locked(conn: &mut DbConn, id: i32) -> QueryResult<Option<WorkOrder>> {
    if let DbConn::Pg(c) = conn {
        return work_orders::table
            .find(id)
            .filter(visible())
            .select(WorkOrder::as_select())
            .for_update()
            .get_result(c)
            .optional();
    }
    find_visible(conn, id)
}

/// Any row, deleted or not: for restoring (W7), and for administrators' pages.
pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<WorkOrder>> {
    work_orders::table
        .find(id)
        .select(WorkOrder::as_select())
        .first(conn)
        .optional()
}

/// An order with its PTE's folio when that PTE is not deleted (the order page): one query.
pub fn find_with_pte_folio(
    conn: &mut DbConn,
    id: i32,
) -> QueryResult<Option<(WorkOrder, Option<String>)>> {
    on_backend!(conn, |c| work_orders::table
        .left_join(
            planning_docs::table.on(work_orders::planning_doc_id
                .eq(planning_docs::id.nullable())
                .and(code_is_not::<{ record_state::DELETED }, _>(
                    planning_docs::record_state
                ))),
        )
        .filter(work_orders::id.eq(id))
        .select((WorkOrder::as_select(), planning_docs::folio.nullable()))
        .get_result(c))
    .optional()
}

/// An order with its PTE's folio (unless that PTE is deleted) and its step counts (W10, as the
/// database keeps them: the list shows the same): the order page's and the progress API's one
/// query.
pub fn find_with_counts(
    conn: &mut DbConn,
    id: i32,
) -> QueryResult<Option<(WorkOrder, Option<String>, StepCounts)>> {
    let row: Option<(WorkOrder, Option<String>, KeptCounts)> = on_backend!(conn, |c| {
        work_orders::table
            .left_join(
                planning_docs::table.on(work_orders::planning_doc_id
                    .eq(planning_docs::id.nullable())
                    .and(code_is_not::<{ record_state::DELETED }, _>(
                        planning_docs::record_state,
                    ))),
            )
            .left_join(order_step_counts::table)
            .filter(work_orders::id.eq(id))
            .select((
                WorkOrder::as_select(),
                planning_docs::folio.nullable(),
                kept_counts(),
            ))
            .get_result(c)
    })
    .optional()?;
    Ok(row.map(|(order, pte, counts)| (order, pte, step_counts(counts))))
}

/// The orders an order's page lists beside it, each with its step counts: a reprogramming's
/// parent, an initial order's reprogrammings (by revision), visible ones only (W7). One query.
pub fn related_with_counts(
    conn: &mut DbConn,
    order: &WorkOrder,
) -> QueryResult<Vec<(WorkOrder, StepCounts)>> {
    // Only initial orders are reprogrammed; an initial order has no parent (`= NULL` matches
    // nothing).
    let children_of = (order.kind_id == kind::INITIAL).then_some(order.id);
    let rows: Vec<(WorkOrder, KeptCounts)> = on_backend!(conn, |c| work_orders::table
        .left_join(order_step_counts::table)
        .filter(
            work_orders::id
                .nullable()
                .eq(order.parent_id)
                .or(work_orders::parent_id.eq(children_of)),
        )
        .filter(visible())
        .order((work_orders::revision.asc(), work_orders::id.asc()))
        .select((WorkOrder::as_select(), kept_counts()))
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|(o, counts)| (o, step_counts(counts)))
        .collect())
}

/// The step counts the database keeps for an order, as selected beside it (none: no steps).
type KeptCounts = Option<(i32, i32, i32)>;

/// The columns of [`KeptCounts`], with `order_step_counts` left-joined.
fn kept_counts() -> diesel::dsl::Nullable<(
    order_step_counts::total,
    order_step_counts::completed,
    order_step_counts::applicable,
)> {
    (
        order_step_counts::total,
        order_step_counts::completed,
        order_step_counts::applicable,
    )
        .nullable()
}

fn step_counts(kept: KeptCounts) -> StepCounts {
    kept.map(|(total, completed, applicable)| StepCounts {
        total: total.into(),
        completed: completed.into(),
        applicable: applicable.into(),
    })
    .unwrap_or_default()
}

/// What an order's search text is made of.
#[derive(Debug, Clone, Queryable)]
pub struct SearchSource {
    pub id: i32,
    pub folio: String,
    pub oficio: String,
    pub pte_folio: Option<String>,
    pub description: String,
    pub client_representative: String,
}

/// The search sources of `limit` orders after `after_id`, in id order.
pub fn search_sources(
    conn: &mut DbConn,
    after_id: i32,
    limit: i64,
) -> QueryResult<Vec<SearchSource>> {
    use super::schema::planning_docs;
    work_orders::table
        .left_join(planning_docs::table)
        .filter(work_orders::id.gt(after_id))
        .order(work_orders::id)
        .limit(limit)
        .select((
            work_orders::id,
            work_orders::folio,
            work_orders::oficio,
            planning_docs::folio.nullable(),
            work_orders::description,
            work_orders::client_representative,
        ))
        .load(conn)
}

/// Stores an order's search text (nothing else changes).
pub fn set_search_text(conn: &mut DbConn, id: i32, text: &str) -> QueryResult<()> {
    diesel::update(work_orders::table.find(id))
        .set(work_orders::search_text.eq(text))
        .execute(conn)
        .map(drop)
}

/// Some orders by id, deleted ones included.
pub fn find_many(
    conn: &mut DbConn,
    ids: &[i32],
) -> QueryResult<std::collections::HashMap<i32, WorkOrder>> {
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(5000) {
        let rows: Vec<WorkOrder> = work_orders::table
            .filter(work_orders::id.eq_any(chunk))
            .select(WorkOrder::as_select())
            .load(conn)?;
        out.extend(rows.into_iter().map(|o| (o.id, o)));
    }
    Ok(out)
}

/// The folios of some orders, deleted ones included (the activity log names them).
pub fn folios(
    conn: &mut DbConn,
    ids: &[i32],
) -> QueryResult<std::collections::HashMap<i32, String>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(work_orders::table
        .filter(work_orders::id.eq_any(ids))
        .select((work_orders::id, work_orders::folio, work_orders::revision))
        .load::<(i32, String, Option<i32>)>(conn)?
        .into_iter()
        .map(|(id, folio, revision)| {
            let name = match revision {
                Some(r) => format!("{folio} (rep. {r})"),
                None => folio,
            };
            (id, name)
        })
        .collect())
}

/// The ids of the orders with a folio (the initial one and its reprogrammings), deleted ones
/// included.
pub fn ids_with_folio(conn: &mut DbConn, folio: &str) -> QueryResult<Vec<i32>> {
    work_orders::table
        .filter(work_orders::folio.eq(folio))
        .select(work_orders::id)
        .load(conn)
}

/// The display name of who last changed an order, for the W5 conflict message.
/// When an order was last saved, and by whom (W5: the message of a refused stale edit).
pub fn last_saved(conn: &mut DbConn, id: i32) -> QueryResult<Option<(NaiveDateTime, Option<i32>)>> {
    work_orders::table
        .find(id)
        .select((work_orders::updated_at, work_orders::updated_by))
        .first(conn)
        .optional()
}

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
        .filter(code_is::<{ kind::INITIAL }, _>(work_orders::kind_id))
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
        .filter(code_is::<{ kind::INITIAL }, _>(work_orders::kind_id))
        .filter(visible())
        .filter(work_orders::folio.eq(folio))
        .filter(work_orders::id.ne(except.unwrap_or(0)))
        .select(work_orders::id)
        .first(conn)
        .optional()
}

/// The non-deleted reprogramming of a parent with this oficio (the historical import's key).
pub fn reprogramming_with_oficio(
    conn: &mut DbConn,
    parent_id: i32,
    oficio: &str,
) -> QueryResult<Option<WorkOrder>> {
    work_orders::table
        .filter(work_orders::parent_id.eq(parent_id))
        .filter(code_is::<{ kind::REPROGRAMMING }, _>(work_orders::kind_id))
        .filter(visible())
        .filter(work_orders::oficio.eq(oficio))
        .select(WorkOrder::as_select())
        .first(conn)
        .optional()
}

/// Highest revision among the parent's non-deleted reprogrammings (W4).
pub fn max_revision(conn: &mut DbConn, parent_id: i32) -> QueryResult<i32> {
    let max: Option<i32> = work_orders::table
        .filter(work_orders::parent_id.eq(parent_id))
        .filter(code_is::<{ kind::REPROGRAMMING }, _>(work_orders::kind_id))
        .filter(visible())
        .select(diesel::dsl::max(work_orders::revision))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// Recent non-deleted initial OTs, for the parent picker: (id, folio, oficio).
pub fn recent_initials(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(i32, String, String)>> {
    work_orders::table
        .filter(code_is::<{ kind::INITIAL }, _>(work_orders::kind_id))
        .filter(visible())
        .order(work_orders::id.desc())
        .limit(limit)
        .select((work_orders::id, work_orders::folio, work_orders::oficio))
        .load(conn)
}

/// Recent non-deleted initial OTs for the legacy API: (id, folio, description, oficio).
pub fn recent_initials_with_description(
    conn: &mut DbConn,
    limit: i64,
) -> QueryResult<Vec<(i32, String, String, String)>> {
    work_orders::table
        .filter(code_is::<{ kind::INITIAL }, _>(work_orders::kind_id))
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use diesel::pg::Pg;
    use diesel::sqlite::Sqlite;

    use super::*;

    fn create(set: bool) -> CreateFields {
        let now = NaiveDate::from_ymd_opt(2026, 1, 1)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .unwrap_or_default();
        CreateFields {
            kind_id: 5,
            planning_doc_id: set.then_some(1),
            parent_id: set.then_some(2),
            revision: set.then_some(3),
            status_id: 5,
            record_state: 1,
            version: 1,
            created_at: now,
            created_by: set.then_some(1),
            updated_at: now,
            updated_by: set.then_some(1),
        }
    }

    fn fields(set: bool) -> OrderFields {
        let day = NaiveDate::from_ymd_opt(2026, 1, 1);
        let date = day.filter(|_| set);
        let id = set.then_some(1);
        OrderFields {
            folio: "OT-1".to_owned(),
            oficio: "PEP-1".to_owned(),
            description: "Obra".to_owned(),
            project_manager_id: 1,
            client_representative: "Ing. Pérez".to_owned(),
            client_id: id,
            planned_start: date,
            planned_end: date,
            real_start: date,
            real_end: date,
            duration_days: id,
            amount_mxn: 0,
            amount_usd: 0,
            front_id: id,
            vessel_site_id: id,
            platform_site_id: id,
            intercom_site_id: id,
            yard_site_id: id,
            requires_yard: set,
            yard_start: date,
            yard_end: date,
            comment: String::new(),
            list_year: id,
            search_text: "ot-1".to_owned(),
        }
    }

    /// The statement's text without its bound values.
    fn text<DB>(q: &impl diesel::query_builder::QueryFragment<DB>) -> String
    where
        DB: diesel::backend::Backend + Default,
        DB::QueryBuilder: Default,
    {
        let mut builder = DB::QueryBuilder::default();
        let _ = q.to_sql(&mut builder, &DB::default());
        diesel::query_builder::QueryBuilder::finish(builder)
    }

    /// Issue 14: with DEFAULT for `None`, the create's INSERT had a text per combination of set
    /// fields (a parent or not, a PTE or not, a user or the console), each prepared apart.
    #[test]
    fn the_create_insert_has_one_text_whichever_fields_are_set() {
        let none = (create(false), fields(false));
        let all = (create(true), fields(true));
        let of = |v: &(CreateFields, OrderFields)| {
            diesel::insert_into(work_orders::table)
                .values(v.clone())
                .returning(work_orders::id)
        };
        assert_eq!(text::<Sqlite>(&of(&none)), text::<Sqlite>(&of(&all)));
        assert_eq!(text::<Pg>(&of(&none)), text::<Pg>(&of(&all)));
        for column in ["parent_id", "created_by", "client_id", "yard_end"] {
            assert!(text::<Sqlite>(&of(&none)).contains(column), "{column}");
        }
    }
}
