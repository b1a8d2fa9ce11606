//! Version rows (`list_versions`): each is bumped as the last statement of a transaction that
//! changes what it stands for, so an instance can cache that and know, with one primary-key
//! read, whether its copy is still the current one — exact with one instance or several.

use diesel::prelude::*;

use super::DbConn;
use super::schema::list_versions as v;

/// The work orders (list totals).
pub const WORK_ORDERS: &str = "work_orders";
/// The catalogs pages show names from.
pub const CATALOGS: &str = "catalogs";
/// Sessions and what the request gate reads of users (bumped by triggers, see the migration
/// `000010_auth_version`).
pub const AUTH: &str = "auth";

pub fn touch(conn: &mut DbConn, name: &str) -> QueryResult<()> {
    diesel::update(v::table.filter(v::name.eq(name)))
        .set(v::version.eq(v::version + 1))
        .execute(conn)
        .map(drop)
}

pub fn current(conn: &mut DbConn, name: &str) -> QueryResult<i64> {
    v::table
        .filter(v::name.eq(name))
        .select(v::version)
        .first(conn)
}
