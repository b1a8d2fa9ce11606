//! Repository for server-side sessions. Rows are keyed by a SHA-256 of the cookie's session key,
//! so a copy of the table does not hand out live sessions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::prepared::run_update;
use super::schema::sessions;

#[derive(Debug, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    pub id: &'a str,
    pub user_id: Option<i32>,
    pub state: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewSession<'_>) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(new)
        .execute(conn)
        .map(drop)
}

/// A live session's (state, created_at, expires_at): not idle past `expires_at`, not older than
/// `created_after`.
pub fn load_live(
    conn: &mut DbConn,
    id: &str,
    now: NaiveDateTime,
    created_after: NaiveDateTime,
) -> QueryResult<Option<(String, NaiveDateTime, NaiveDateTime)>> {
    sessions::table
        .find(id)
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::created_at.gt(created_after))
        .select((sessions::state, sessions::created_at, sessions::expires_at))
        .first(conn)
        .optional()
}

/// Replaces the state; returns false when the session no longer exists (revoked meanwhile).
pub fn update_state(
    conn: &mut DbConn,
    id: &str,
    user_id: Option<i32>,
    state: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<bool> {
    let changes = (
        sessions::user_id.eq(user_id),
        sessions::state.eq(state),
        sessions::expires_at.eq(expires_at),
    );
    run_update(conn, sessions::table, sessions::id.eq(id), changes).map(|n| n > 0)
}

pub fn expires_at(conn: &mut DbConn, id: &str) -> QueryResult<Option<NaiveDateTime>> {
    sessions::table
        .find(id)
        .select(sessions::expires_at)
        .first(conn)
        .optional()
}

pub fn set_expiry(conn: &mut DbConn, id: &str, expires_at: NaiveDateTime) -> QueryResult<()> {
    let changes = sessions::expires_at.eq(expires_at);
    run_update(conn, sessions::table, sessions::id.eq(id), changes).map(drop)
}

pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.find(id))
        .execute(conn)
        .map(drop)
}

/// Revokes every session of a user, except `keep` (the session making the change) when given.
pub fn delete_for_user(conn: &mut DbConn, user_id: i32, keep: Option<&str>) -> QueryResult<usize> {
    let mine = sessions::table.filter(sessions::user_id.eq(user_id));
    match keep {
        Some(keep) => diesel::delete(mine.filter(sessions::id.ne(keep))).execute(conn),
        None => diesel::delete(mine).execute(conn),
    }
}

pub fn delete_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)
}
