//! Repository for `app_settings`: small named values such as the cookie key.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::app_settings;
use super::{DbConn, write_transaction};

/// The company's name, printed at the top of every OT printout (`services::company`); read with
/// the catalogs (`Catalogs::company`).
pub const COMPANY_NAME: &str = "nombre_empresa";

pub fn get(conn: &mut DbConn, name: &str) -> QueryResult<Option<String>> {
    app_settings::table
        .find(name)
        .select(app_settings::value)
        .first(conn)
        .optional()
}

/// Returns the stored value, storing `make()` first when there is none. Two instances starting at
/// once agree on one value: the loser of the insert race reads the winner's.
pub fn get_or_insert_with(
    conn: &mut DbConn,
    name: &str,
    now: NaiveDateTime,
    make: impl FnOnce() -> String,
) -> QueryResult<String> {
    let inserted = write_transaction(conn, |conn| {
        if let Some(value) = get(conn, name)? {
            return Ok(value);
        }
        let value = make();
        diesel::insert_into(app_settings::table)
            .values((
                app_settings::name.eq(name),
                app_settings::value.eq(&value),
                app_settings::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(value)
    });
    match inserted {
        Err(e) if super::is_unique_violation(&e) => get(conn, name)?.ok_or(e),
        other => other,
    }
}

/// Stores `value` under `name` (inserted or replaced); call inside a write transaction.
pub fn set(conn: &mut DbConn, name: &str, value: &str, now: NaiveDateTime) -> QueryResult<()> {
    let updated = diesel::update(app_settings::table.find(name))
        .set((
            app_settings::value.eq(value),
            app_settings::updated_at.eq(now),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(app_settings::table)
            .values((
                app_settings::name.eq(name),
                app_settings::value.eq(value),
                app_settings::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}
