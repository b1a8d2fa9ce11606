//! Repository for the execution steps of OTs.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::prepared::{IdsQuery, one_of, run_update};
use super::schema::{statuses, step_templates, steps};
use crate::domain::codes::step_status;
use crate::domain::progress::StepCounts;

/// Creates one pending step per active template of `set`, in template-id order (W3), and returns
/// how many. Each step keeps its own copy of the template's description and position: later
/// template edits never reach it. One `INSERT … SELECT` from the templates (issue 14): the
/// templates are not read into the app, and the statement's text is the same for every set, so
/// it is prepared once per connection (a multi-row `INSERT` of the copies was prepared, and on
/// PostgreSQL parsed, on every create).
pub fn create_from_templates(
    conn: &mut DbConn,
    work_order_id: i32,
    set: i32,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    use diesel::sql_types::{Integer, Text, Timestamp};
    let copies = step_templates::table
        .filter(step_templates::set_id.eq(set))
        .filter(step_templates::active.eq(true))
        .order(step_templates::id)
        .select((
            work_order_id.into_sql::<Integer>(),
            step_templates::id,
            step_status::PENDING.into_sql::<Integer>(),
            "".into_sql::<Text>(),
            now.into_sql::<Timestamp>(),
            step_templates::description,
            step_templates::sort_order,
        ));
    on_backend!(conn, |c| diesel::insert_into(steps::table)
        .values(copies)
        .into_columns((
            steps::work_order_id,
            steps::template_id,
            steps::status_id,
            steps::comment,
            steps::updated_at,
            steps::description,
            steps::position,
        ))
        .execute(c))
}

/// A step as the detail page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StepView {
    pub id: i32,
    pub template_id: i32,
    pub sort_order: i32,
    pub description: String,
    pub status_id: i32,
    pub status_name: String,
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub start_date: Option<NaiveDate>,
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub end_date: Option<NaiveDate>,
    #[diesel(deserialize_as = super::dates::MaybeDay)]
    pub delivery_date: Option<NaiveDate>,
    pub comment: String,
    pub link: Option<String>,
}

/// The steps of an order, by the position they were created with (for the seeded templates, the
/// template order of W3).
pub fn for_order(conn: &mut DbConn, work_order_id: i32) -> QueryResult<Vec<StepView>> {
    Ok(for_orders(conn, &[work_order_id])?
        .remove(&work_order_id)
        .unwrap_or_default())
}

/// The steps of many orders in one query, by order (for printing a selection).
pub fn for_orders(
    conn: &mut DbConn,
    order_ids: &[i32],
) -> QueryResult<HashMap<i32, Vec<StepView>>> {
    let mut by_order: HashMap<i32, Vec<StepView>> = HashMap::new();
    if order_ids.is_empty() {
        return Ok(by_order);
    }
    let rows: Vec<(i32, StepView)> = on_backend!(conn, |c| steps::table
        .inner_join(statuses::table)
        .filter(one_of(steps::work_order_id, order_ids))
        .order((
            steps::work_order_id.asc(),
            steps::position.asc(),
            steps::template_id.asc(),
            steps::id.asc(),
        ))
        .select((
            steps::work_order_id,
            (
                steps::id,
                steps::template_id,
                steps::position,
                steps::description,
                steps::status_id,
                statuses::description,
                steps::start_date,
                steps::end_date,
                steps::delivery_date,
                steps::comment,
                steps::link,
            ),
        ))
        .load(c))?;
    for (order, step) in rows {
        by_order.entry(order).or_default().push(step);
    }
    Ok(by_order)
}

/// One row of [`COUNT_COLUMNS`]: an order's step counts.
#[derive(Debug, QueryableByName)]
pub(in crate::db) struct CountRow {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub id: i32,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub total: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub completed: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub applicable: i64,
}

impl CountRow {
    pub fn counts(&self) -> StepCounts {
        StepCounts {
            total: self.total,
            completed: self.completed,
            applicable: self.applicable,
        }
    }
}

/// The step counts' columns and table, up to the order id the set of ids follows:
/// `SELECT` + this + the set + `GROUP BY work_order_id` (what the counts the database keeps in
/// `order_step_counts`, read by the list with its rows, always equal).
pub(in crate::db) static COUNT_COLUMNS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "work_order_id AS id, CAST(COUNT(*) AS BIGINT) AS total, \
         CAST(SUM(CASE WHEN status_id = {done} THEN 1 ELSE 0 END) AS BIGINT) AS completed, \
         CAST(SUM(CASE WHEN status_id <> {na} THEN 1 ELSE 0 END) AS BIGINT) AS applicable \
         FROM steps WHERE work_order_id",
        done = step_status::COMPLETED,
        na = step_status::NOT_APPLICABLE,
    )
});

/// Step counts for many orders in one query (W10: never a query per row).
pub fn counts(conn: &mut DbConn, order_ids: &[i32]) -> QueryResult<HashMap<i32, StepCounts>> {
    if order_ids.is_empty() {
        return Ok(HashMap::new());
    }
    // One fixed text, prepared once per connection.
    static BEFORE: LazyLock<String> = LazyLock::new(|| format!("SELECT {}", *COUNT_COLUMNS));
    Ok(
        IdsQuery::new(BEFORE.as_str(), order_ids, " GROUP BY work_order_id")
            .load::<CountRow>(conn)?
            .into_iter()
            .map(|r| (r.id, r.counts()))
            .collect(),
    )
}

/// One `steps` row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = steps)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Step {
    pub id: i32,
    pub work_order_id: i32,
    pub template_id: i32,
    pub status_id: i32,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub delivery_date: Option<NaiveDate>,
    pub comment: String,
    pub link: Option<String>,
    pub updated_at: NaiveDateTime,
    pub description: String,
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<Step>> {
    steps::table
        .find(id)
        .select(Step::as_select())
        .first(conn)
        .optional()
}

/// Writes a step's new state.
pub fn update(
    conn: &mut DbConn,
    id: i32,
    state: &crate::domain::execution::StepState,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let changes = (
        steps::status_id.eq(state.status),
        steps::start_date.eq(state.start),
        steps::end_date.eq(state.end),
        steps::delivery_date.eq(state.delivery),
        steps::comment.eq(&state.comment),
        steps::link.eq(&state.link),
        steps::updated_at.eq(now),
    );
    run_update(conn, steps::table, steps::id.eq(id), changes).map(drop)
}
