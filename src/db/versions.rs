//! Version rows (`list_versions`): each is bumped as the last statement of a transaction that
//! changes what it stands for, so an instance can cache that and know, with one read, whether
//! its copy is still the current one — exact with one instance or several.

use diesel::prelude::*;

use super::DbConn;
use super::prepared::run_update;
use super::schema::list_versions as v;

/// A version and the rows it is spread over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    name: &'static str,
    shards: u32,
}

/// The work orders (list totals). Every save of an order bumps it, so on PostgreSQL one row
/// made concurrent saves wait for each other's commit (issue 14: create throughput was bound by
/// one disk flush at a time); it is spread over 16 rows (migration 000014): a save bumps one
/// at random, a reader sums them — still a number that grows with every committed save.
pub const WORK_ORDERS: Version = Version {
    name: "work_orders",
    shards: 16,
};
/// The catalogs pages show names from.
pub const CATALOGS: Version = Version {
    name: "catalogs",
    shards: 1,
};
/// Sessions and what the request gate reads of users (bumped by triggers, see the migration
/// `000010_auth_version`).
pub const AUTH: Version = Version {
    name: "auth",
    shards: 1,
};

/// The row of shard `k`: the version's own name for shard 0, `name#k` for the others (they sort
/// between `name#` and `name$`).
fn shard_row(version: Version, k: u32) -> String {
    if k == 0 {
        version.name.to_owned()
    } else {
        format!("{}#{k}", version.name)
    }
}

pub fn touch(conn: &mut DbConn, version: Version) -> QueryResult<()> {
    let k = if version.shards > 1 {
        rand::random_range(0..version.shards)
    } else {
        0
    };
    let row = v::name.eq(shard_row(version, k));
    run_update(conn, v::table, row, v::version.eq(v::version + 1)).map(drop)
}

pub fn current(conn: &mut DbConn, version: Version) -> QueryResult<i64> {
    if version.shards == 1 {
        return on_backend!(conn, |c| v::table
            .filter(v::name.eq(version.name))
            .select(v::version)
            .get_result(c));
    }
    // The shards' rows, summed here: no SQL literal, so the statement is prepared once per
    // connection (a version is read on every page).
    let shards: Vec<i64> = on_backend!(conn, |c| v::table
        .filter(
            v::name.eq(version.name).or(v::name
                .gt(format!("{}#", version.name))
                .and(v::name.lt(format!("{}$", version.name)))),
        )
        .select(v::version)
        .load(c))?;
    Ok(shards.iter().sum())
}

/// Whether a row of `list_versions` is one of `version`'s shards.
fn is_shard_of(name: &str, version: Version) -> bool {
    name.strip_prefix(version.name)
        .is_some_and(|rest| rest.is_empty() || (version.shards > 1 && rest.starts_with('#')))
}

/// Every version row, read in one statement: a page that checks several caches (the catalogs
/// and the list's totals) pays one round trip for all of them.
#[derive(Debug, Clone, Default)]
pub struct Snapshot(Vec<(String, i64)>);

impl Snapshot {
    pub fn read(conn: &mut DbConn) -> QueryResult<Snapshot> {
        v::table
            .select((v::name, v::version))
            .load(conn)
            .map(Snapshot)
    }

    /// `version` as it was read (the sum of its shards).
    pub fn of(&self, version: Version) -> i64 {
        self.0
            .iter()
            .filter(|(name, _)| is_shard_of(name, version))
            .map(|(_, n)| n)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_sums_each_versions_own_shards() {
        let rows = [
            ("work_orders", 3),
            ("work_orders#1", 4),
            ("work_orders#15", 5),
            ("catalogs", 7),
            ("auth", 11),
            ("catalogs_old", 100),
        ];
        let snapshot = Snapshot(rows.iter().map(|(n, v)| ((*n).to_owned(), *v)).collect());
        assert_eq!(snapshot.of(WORK_ORDERS), 12);
        assert_eq!(snapshot.of(CATALOGS), 7);
        assert_eq!(snapshot.of(AUTH), 11);
        // Each shard's row name is the one `touch` bumps.
        assert!(
            (0..WORK_ORDERS.shards).all(|k| is_shard_of(&shard_row(WORK_ORDERS, k), WORK_ORDERS))
        );
        assert!(!is_shard_of("catalogs#1", CATALOGS));
    }
}
