//! Repository for the activity log (W11): who changed what, when, with old and new values.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{activity_log, users};

/// One entry to record. `field`, `old_value` and `new_value` are set for field-level edits.
/// `None` is written as NULL (the columns' default), so every entry is the same statement, kept
/// prepared (issue 14: with `DEFAULT` for each `None` its text depended on the fields set, and
/// PostgreSQL parsed it on every save).
#[derive(Debug, Clone, Default, Insertable)]
#[diesel(table_name = activity_log, treat_none_as_default_value = false)]
pub struct NewEntry {
    pub at: NaiveDateTime,
    pub user_id: Option<i32>,
    pub username: String,
    pub action: String,
    pub table_name: String,
    pub record_id: Option<i32>,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub detail: Option<String>,
}

impl NewEntry {
    /// Adds a field-level change (W11: old and new value).
    pub fn change(mut self, field: &str, old: String, new: String) -> NewEntry {
        self.field = Some(field.to_owned());
        self.old_value = Some(old);
        self.new_value = Some(new);
        self
    }

    /// Adds a free-text description of the change.
    pub fn detail(mut self, detail: impl Into<String>) -> NewEntry {
        self.detail = Some(detail.into());
        self
    }
}

/// A recorded entry of the activity log.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = activity_log)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct LoggedEntry {
    pub id: i32,
    pub at: NaiveDateTime,
    pub user_id: Option<i32>,
    pub username: String,
    pub action: String,
    pub table_name: String,
    pub record_id: Option<i32>,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub detail: Option<String>,
}

pub fn record(conn: &mut DbConn, entry: &NewEntry) -> QueryResult<()> {
    on_backend!(conn, |c| diesel::insert_into(activity_log::table)
        .values(entry)
        .execute(c))
    .map(drop)
}

/// Records an entry and returns its id (the legacy migration maps it).
pub fn record_returning_id(conn: &mut DbConn, entry: &NewEntry) -> QueryResult<i32> {
    diesel::insert_into(activity_log::table)
        .values(entry)
        .returning(activity_log::id)
        .get_result(conn)
}

/// The history of one record, newest first, each entry with its user's display name when the
/// account still exists and has one (the order page shows names: one query, not two).
pub fn for_record(
    conn: &mut DbConn,
    table: &str,
    record_id: i32,
) -> QueryResult<Vec<(LoggedEntry, Option<String>)>> {
    let rows: Vec<(LoggedEntry, Option<String>)> = on_backend!(conn, |c| activity_log::table
        .left_join(users::table.on(users::username.eq(activity_log::username)))
        .filter(activity_log::table_name.eq(table))
        .filter(activity_log::record_id.eq(record_id))
        .order(activity_log::id.desc())
        .select((LoggedEntry::as_select(), users::display_name.nullable()))
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|(entry, name)| (entry, name.filter(|n| !n.trim().is_empty())))
        .collect())
}

/// Entries of one action, newest first (used by tests and the administrator's log page).
pub fn by_action(conn: &mut DbConn, action: &str, limit: i64) -> QueryResult<Vec<LoggedEntry>> {
    activity_log::table
        .filter(activity_log::action.eq(action))
        .order(activity_log::id.desc())
        .limit(limit)
        .select(LoggedEntry::as_select())
        .load(conn)
}

/// Filters of the administrator's activity page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    pub username: Option<String>,
    pub table: Option<String>,
    pub action: Option<String>,
    pub record_id: Option<i32>,
    /// Any of these records (an OT's folio: the initial order and its reprogrammings).
    pub record_ids: Option<Vec<i32>>,
    /// Inclusive bounds, UTC.
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    pub offset: i64,
    pub limit: i64,
}

/// One page of the log, newest first, and the count of matching entries.
pub fn page(conn: &mut DbConn, f: &LogFilter) -> QueryResult<(i64, Vec<LoggedEntry>)> {
    let filtered = || {
        let mut q = activity_log::table.into_boxed();
        if let Some(u) = &f.username {
            q = q.filter(activity_log::username.eq(u.clone()));
        }
        if let Some(t) = &f.table {
            q = q.filter(activity_log::table_name.eq(t.clone()));
        }
        if let Some(a) = &f.action {
            q = q.filter(activity_log::action.eq(a.clone()));
        }
        if let Some(r) = f.record_id {
            q = q.filter(activity_log::record_id.eq(r));
        }
        if let Some(ids) = &f.record_ids {
            q = q.filter(activity_log::record_id.eq_any(ids.clone()));
        }
        if let Some(from) = f.from {
            q = q.filter(activity_log::at.ge(from));
        }
        if let Some(until) = f.until {
            q = q.filter(activity_log::at.le(until));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(activity_log::id.desc())
        .offset(f.offset)
        .limit(f.limit)
        .select(LoggedEntry::as_select())
        .load(conn)?;
    Ok((total, rows))
}
