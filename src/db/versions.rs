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

/// Every version a cache is checked against, in [`Snapshot`]'s order.
const ALL: [Version; 3] = [WORK_ORDERS, CATALOGS, AUTH];

/// Every version, read in one statement: a page that checks several caches (the catalogs and
/// the list's totals) pays one round trip for all of them, and the request gate reads it for
/// every batch of requests. The shards are summed in the query: one row of three numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Snapshot([i64; 3]);

impl Snapshot {
    pub fn read(conn: &mut DbConn) -> QueryResult<Snapshot> {
        use diesel::sql_types::BigInt;
        static SUMS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            // A primary-key lookup per version (and a key range for the shards): a scan of
            // every row with a CASE per version costs the trivial page four times as much.
            let sums: Vec<String> = ALL
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let shards = if v.shards > 1 {
                        format!(
                            " + COALESCE((SELECT SUM(version) FROM list_versions \
                             WHERE name > '{n}#' AND name < '{n}$'), 0)",
                            n = v.name
                        )
                    } else {
                        String::new()
                    };
                    format!(
                        "CAST(COALESCE((SELECT version FROM list_versions WHERE name = '{}'), 0)\
                         {shards} AS BIGINT) AS v{i}",
                        v.name
                    )
                })
                .collect();
            format!("SELECT {}", sums.join(", "))
        });
        #[derive(QueryableByName)]
        struct Sums {
            #[diesel(sql_type = BigInt)]
            v0: i64,
            #[diesel(sql_type = BigInt)]
            v1: i64,
            #[diesel(sql_type = BigInt)]
            v2: i64,
        }
        let r: Sums = super::prepared::IdsQuery::fixed(SUMS.as_str()).get_result(conn)?;
        Ok(Snapshot([r.v0, r.v1, r.v2]))
    }

    /// `version` as it was read (the sum of its shards).
    pub fn of(&self, version: Version) -> i64 {
        ALL.iter()
            .position(|v| *v == version)
            .map_or(0, |i| self.0[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sums are made by the query: each version's own shards (`touch`'s row names), and
    /// nothing else that shares a prefix.
    #[test]
    fn a_snapshot_sums_each_versions_own_shards() {
        use diesel::connection::SimpleConnection;
        let mut c = DbConn::Sqlite(diesel::SqliteConnection::establish(":memory:").unwrap());
        c.batch_execute(
            "CREATE TABLE list_versions (name TEXT PRIMARY KEY, version BIGINT NOT NULL); \
             INSERT INTO list_versions VALUES ('work_orders', 3), ('work_orders#1', 4), \
             ('work_orders#15', 5), ('work_orders_old', 50), ('catalogs', 7), \
             ('catalogs#1', 70), ('auth', 11), ('catalogs_old', 100)",
        )
        .unwrap();
        let snapshot = Snapshot::read(&mut c).unwrap();
        assert_eq!(snapshot.of(WORK_ORDERS), 12);
        assert_eq!(snapshot.of(CATALOGS), 7);
        assert_eq!(snapshot.of(AUTH), 11);
        // Each shard's row name is the one `touch` bumps, and is summed.
        let rows: Vec<String> = (0..WORK_ORDERS.shards)
            .map(|k| format!("('{}', 1)", shard_row(WORK_ORDERS, k)))
            .collect();
        c.batch_execute(&format!(
            "DELETE FROM list_versions; INSERT INTO list_versions VALUES {}",
            rows.join(", ")
        ))
        .unwrap();
        let all = Snapshot::read(&mut c).unwrap();
        assert_eq!(all.of(WORK_ORDERS), i64::from(WORK_ORDERS.shards));
        assert_eq!((all.of(CATALOGS), all.of(AUTH)), (0, 0));
    }
}
