//! SQLite's search index (FTS5, migration 000008), written once per write transaction (issue 14).
//!
//! The triggers on `work_orders` note which orders' search texts changed in
//! `work_order_search_pending` (migration 000017); [`apply_pending`] moves them into the index
//! just before the transaction commits — on the group commit's batch connection, once per batch.
//! FTS5 writes the terms it holds as a new segment (and merges segments) whenever a savepoint
//! begins, and each transaction of a batch is a savepoint: written by the triggers directly, the
//! index took one segment and one merge per order created, a fifth of a create's work under the
//! writer's lock. Readers never see the table with rows: every write transaction of the app
//! empties it before its COMMIT. PostgreSQL's trigram index needs none of this.

use diesel::prelude::*;

use super::DbConn;
use super::prepared::IdsQuery;

/// [`apply_pending`] on SQLite; nothing on PostgreSQL (its index is written with the row). Every
/// write transaction runs it just before its COMMIT (`db::write_transaction`, the group commit).
pub fn before_commit(conn: &mut DbConn) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => apply_pending(c),
        DbConn::Pg(_) => Ok(()),
    }
}

/// Indexes the texts noted in this transaction and forgets them. Cheap when there are none (one
/// read of an empty table): most transactions do not write orders.
pub fn apply_pending(conn: &mut SqliteConnection) -> QueryResult<()> {
    let noted = IdsQuery::fixed("SELECT 1 AS one FROM work_order_search_pending LIMIT 1")
        .load::<One>(conn)?;
    if noted.is_empty() {
        return Ok(());
    }
    IdsQuery::fixed(
        "DELETE FROM work_order_search WHERE rowid IN \
         (SELECT -id FROM work_order_search_pending WHERE indexed = 1)",
    )
    .execute(conn)?;
    IdsQuery::fixed(
        "INSERT INTO work_order_search (rowid, search_text) \
         SELECT -id, search_text FROM work_order_search_pending WHERE search_text IS NOT NULL",
    )
    .execute(conn)?;
    IdsQuery::fixed("DELETE FROM work_order_search_pending").execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct One {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    #[expect(dead_code, reason = "only its presence is read")]
    one: i32,
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;

    use super::*;

    fn search(conn: &mut SqliteConnection, word: &str) -> Vec<i32> {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            id: i32,
        }
        diesel::sql_query(
            "SELECT -rowid AS id FROM work_order_search WHERE work_order_search MATCH ? \
             ORDER BY id",
        )
        .bind::<diesel::sql_types::Text, _>(word)
        .load::<Id>(conn)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
    }

    /// The migration's triggers and this function on a bare table: creates, edits and deletions
    /// in one transaction, in any order, leave the index as if each had been indexed at once.
    #[test]
    fn the_noted_texts_reach_the_index_as_the_triggers_would_have_written_them() {
        let mut c = SqliteConnection::establish(":memory:").unwrap();
        let up =
            include_str!("../../migrations/sqlite/2026-12-04-000017_search_index_pending/up.sql");
        c.batch_execute(
            "CREATE TABLE work_orders (id INTEGER PRIMARY KEY, search_text TEXT NOT NULL);
             CREATE VIRTUAL TABLE work_order_search USING fts5(search_text, content = '',
                 contentless_delete = 1, tokenize = 'trigram');
             CREATE TRIGGER work_order_search_insert AFTER INSERT ON work_orders BEGIN SELECT 1; END;
             CREATE TRIGGER work_order_search_update AFTER UPDATE ON work_orders BEGIN SELECT 1; END;
             CREATE TRIGGER work_order_search_delete AFTER DELETE ON work_orders BEGIN SELECT 1; END;",
        )
        .unwrap();
        c.batch_execute(up).unwrap();

        c.batch_execute(
            "BEGIN;
             INSERT INTO work_orders VALUES (1, 'reparacion de ducto'), (2, 'pintura de tanque'),
                 (3, 'grua marina');",
        )
        .unwrap();
        assert!(search(&mut c, "ducto").is_empty(), "noted, not yet indexed");
        apply_pending(&mut c).unwrap();
        c.batch_execute("COMMIT").unwrap();
        assert_eq!(search(&mut c, "ducto"), [1]);
        assert_eq!(search(&mut c, "tanque"), [2]);

        c.batch_execute(
            "BEGIN;
             UPDATE work_orders SET search_text = 'reparacion de valvula' WHERE id = 1;
             DELETE FROM work_orders WHERE id = 3;
             INSERT INTO work_orders VALUES (4, 'ducto nuevo');
             UPDATE work_orders SET search_text = 'ducto de 12 pulgadas' WHERE id = 4;
             INSERT INTO work_orders VALUES (5, 'borrada enseguida');
             DELETE FROM work_orders WHERE id = 5;
             DELETE FROM work_orders WHERE id = 2;
             INSERT INTO work_orders VALUES (2, 'otra vez ducto');",
        )
        .unwrap();
        apply_pending(&mut c).unwrap();
        c.batch_execute("COMMIT").unwrap();
        assert_eq!(search(&mut c, "ducto"), [2, 4]);
        assert_eq!(search(&mut c, "valvula"), [1]);
        assert!(search(&mut c, "grua").is_empty());
        assert!(search(&mut c, "tanque").is_empty());
        assert!(search(&mut c, "nuevo").is_empty());
        assert!(search(&mut c, "borrada").is_empty());
        let left: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT COUNT(*) FROM work_order_search_pending)",
        ))
        .get_result(&mut c)
        .unwrap();
        assert_eq!(left, 0);
        // Nothing noted: nothing done.
        apply_pending(&mut c).unwrap();
        assert_eq!(search(&mut c, "ducto"), [2, 4]);
    }
}
