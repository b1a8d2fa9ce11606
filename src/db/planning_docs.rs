//! Repository for planning documents (PTE).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::prepared::{code_is, code_is_not};
use super::schema::{planning_docs, work_orders};
use crate::domain::codes::{kind, record_state};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = planning_docs)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PlanningDoc {
    pub id: i32,
    pub folio: String,
    pub request_letter: String,
    pub description: String,
    pub client_id: Option<i32>,
    pub project_manager_id: Option<i32>,
    pub request_date: Option<chrono::NaiveDate>,
    pub delivery_date: Option<chrono::NaiveDate>,
    pub duration_days: Option<i32>,
    pub status: i32,
    pub record_state: i32,
    pub comment: String,
    pub created_at: NaiveDateTime,
    pub created_by: Option<i32>,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<i32>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = planning_docs)]
pub struct NewPlanningDoc<'a> {
    pub folio: &'a str,
    pub request_letter: &'a str,
    pub description: &'a str,
    pub client_id: Option<i32>,
    pub project_manager_id: Option<i32>,
    pub status: i32,
    pub record_state: i32,
    pub comment: &'a str,
    pub created_at: NaiveDateTime,
    pub created_by: Option<i32>,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<i32>,
}

pub fn insert(conn: &mut DbConn, new: &NewPlanningDoc<'_>) -> QueryResult<i32> {
    diesel::insert_into(planning_docs::table)
        .values(new)
        .returning(planning_docs::id)
        .get_result(conn)
}

/// A PTE that is not deleted.
pub fn find_visible(conn: &mut DbConn, id: i32) -> QueryResult<Option<PlanningDoc>> {
    planning_docs::table
        .find(id)
        .filter(planning_docs::record_state.ne(record_state::DELETED))
        .select(PlanningDoc::as_select())
        .first(conn)
        .optional()
}

/// The folio of a PTE that is not deleted (what an order's search text holds of it).
pub fn visible_folio(conn: &mut DbConn, id: i32) -> QueryResult<Option<String>> {
    planning_docs::table
        .find(id)
        .filter(planning_docs::record_state.ne(record_state::DELETED))
        .select(planning_docs::folio)
        .first(conn)
        .optional()
}

pub fn folio_exists(conn: &mut DbConn, folio: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        planning_docs::table
            .filter(planning_docs::folio.eq(folio))
            .filter(planning_docs::record_state.ne(record_state::DELETED)),
    ))
    .get_result(conn)
}

/// One page of PTEs, newest first, with a case-insensitive filter on folio and description.
pub fn page(
    conn: &mut DbConn,
    q: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(i64, Vec<PlanningDoc>)> {
    let filtered = || {
        let mut query = planning_docs::table
            .filter(planning_docs::record_state.ne(record_state::DELETED))
            .into_boxed();
        if let Some(q) = q {
            let pattern = super::like_pattern(q);
            query = query.filter(
                super::lower(planning_docs::folio)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(super::lower(planning_docs::description)
                        .like(pattern)
                        .escape('\\')),
            );
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(planning_docs::id.desc())
        .offset(offset)
        .limit(limit)
        .select(PlanningDoc::as_select())
        .load(conn)?;
    Ok((total, rows))
}

/// The non-deleted PTE with this exact folio.
pub fn visible_id_by_folio(conn: &mut DbConn, folio: &str) -> QueryResult<Option<i32>> {
    planning_docs::table
        .filter(planning_docs::folio.eq(folio))
        .filter(planning_docs::record_state.ne(record_state::DELETED))
        .select(planning_docs::id)
        .first(conn)
        .optional()
}

/// Up to `limit` PTEs a new initial OT can come from (no non-deleted initial OT yet) whose folio
/// or description holds `q` (case aside), newest first: the form's PTE picker.
pub fn search_available(conn: &mut DbConn, q: &str, limit: i64) -> QueryResult<Vec<PlanningDoc>> {
    let taken = work_orders::table
        .filter(work_orders::planning_doc_id.eq(planning_docs::id.nullable()))
        .filter(code_is::<{ kind::INITIAL }, _>(work_orders::kind_id))
        .filter(code_is_not::<{ record_state::DELETED }, _>(
            work_orders::record_state,
        ));
    let pattern = super::like_pattern(q);
    planning_docs::table
        .filter(planning_docs::record_state.ne(record_state::DELETED))
        .filter(diesel::dsl::not(diesel::dsl::exists(taken)))
        .filter(
            super::lower(planning_docs::folio)
                .like(pattern.clone())
                .escape('\\')
                .or(super::lower(planning_docs::description)
                    .like(pattern)
                    .escape('\\')),
        )
        .order(planning_docs::id.desc())
        .limit(limit)
        .select(PlanningDoc::as_select())
        .load(conn)
}

/// PTEs without a non-deleted initial OT, newest first: the ones a new initial OT can come from.
/// The probe per PTE uses the partial unique index of W2.
pub fn available_for_initial(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(i32, String)>> {
    let taken = work_orders::table
        .filter(work_orders::planning_doc_id.eq(planning_docs::id.nullable()))
        .filter(code_is::<{ kind::INITIAL }, _>(work_orders::kind_id))
        .filter(code_is_not::<{ record_state::DELETED }, _>(
            work_orders::record_state,
        ));
    planning_docs::table
        .filter(planning_docs::record_state.ne(record_state::DELETED))
        .filter(diesel::dsl::not(diesel::dsl::exists(taken)))
        .order(planning_docs::id.desc())
        .limit(limit)
        .select((planning_docs::id, planning_docs::folio))
        .load(conn)
}
