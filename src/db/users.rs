//! Repository for `users`: accounts, password hashes, login throttling state.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::users;

/// One account row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct User {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub active: bool,
    pub must_change_password: bool,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub active: bool,
    pub must_change_password: bool,
    pub failed_logins: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<User>> {
    on_backend!(conn, |c| users::table
        .find(id)
        .select(User::as_select())
        .get_result(c))
    .optional()
}

pub fn find_by_username(conn: &mut DbConn, username: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::username.eq(username))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

/// Inserts a user and returns its id.
pub fn insert(conn: &mut DbConn, new: &NewUser<'_>) -> QueryResult<i32> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result(conn)
}

/// Counts one more failed login and returns the new count. The caller decides the lock.
/// Holds the account's row until the transaction ends (PostgreSQL; SQLite's writer lock already
/// serialises write transactions).
pub fn lock_row(conn: &mut DbConn, id: i32) -> QueryResult<()> {
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Integer, _>(id)
            .execute(pg)?;
    }
    Ok(())
}

/// Counts a login attempt before its password is checked, and holds the account (`hold`) while
/// it is checked.
pub fn reserve_attempt(
    conn: &mut DbConn,
    id: i32,
    failures: i32,
    hold: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::failed_logins.eq(failures),
            users::locked_until.eq(hold),
            users::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

pub fn lock_until(conn: &mut DbConn, id: i32, until: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::locked_until.eq(Some(until)))
        .execute(conn)
        .map(drop)
}

/// Clears the throttling state after a successful login (or an administrator's unlock).
pub fn clear_failed_logins(conn: &mut DbConn, id: i32) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(drop)
}

pub fn set_password(
    conn: &mut DbConn,
    id: i32,
    hash: &str,
    must_change: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::must_change_password.eq(must_change),
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
            users::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

pub fn set_active(conn: &mut DbConn, id: i32, active: bool, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::active.eq(active), users::updated_at.eq(now)))
        .execute(conn)
        .map(drop)
}

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<User>> {
    users::table
        .order(users::username)
        .select(User::as_select())
        .load(conn)
}

/// Active administrators other than `except`.
pub fn other_active_admins(conn: &mut DbConn, except: i32) -> QueryResult<i64> {
    users::table
        .filter(users::role.eq("admin"))
        .filter(users::active.eq(true))
        .filter(users::id.ne(except))
        .count()
        .get_result(conn)
}

pub fn set_role(conn: &mut DbConn, id: i32, role: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::role.eq(role), users::updated_at.eq(now)))
        .execute(conn)
        .map(drop)
}

/// The display names of some logins, for pages that show who did something.
pub fn display_names(
    conn: &mut DbConn,
    usernames: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    if usernames.is_empty() {
        return Ok(Default::default());
    }
    Ok(users::table
        .filter(users::username.eq_any(usernames))
        .select((users::username, users::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .filter(|(_, name)| !name.trim().is_empty())
        .collect())
}
