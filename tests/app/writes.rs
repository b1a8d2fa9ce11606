//! Write transactions under concurrency: each is atomic, a failing or panicking one leaves the
//! others untouched, and on SQLite concurrent ones share a commit (group commit, issue 14).

use std::sync::Arc;

use diesel::prelude::*;
use faena::db::schema::app_settings;
use faena::db::{self, DbConn, group_commit};

use crate::helpers::{TestDb, on_postgres};

#[derive(Debug)]
struct Refused;

impl From<diesel::result::Error> for Refused {
    fn from(_: diesel::result::Error) -> Refused {
        Refused
    }
}

fn insert(c: &mut DbConn, name: &str) -> QueryResult<usize> {
    diesel::insert_into(app_settings::table)
        .values((
            app_settings::name.eq(name),
            app_settings::value.eq("x"),
            app_settings::updated_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(c)
}

#[test]
fn concurrent_writes_are_atomic_each_and_share_commits() {
    let test_db = TestDb::fresh();
    // One connection per writer thread (each keeps its own to the end) and one to read: with
    // the tests' pool of 4, half the writers waited on the pool's 5 s checkout timeout while the
    // others committed, and on a loaded machine they gave up.
    let config = faena::config::Config {
        pool_size: 9,
        ..crate::helpers::test_config(test_db.url())
    };
    let pool = faena::startup::open_database(&config).expect("open database");
    let pool = Arc::new(pool);
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let pool = pool.clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().expect("connection");
                let mut kept = Vec::new();
                for i in 0..60 {
                    let name = format!("w-{t}-{i}");
                    // Every fifth writes, then fails: nothing of it may remain.
                    let fails = i % 5 == 0;
                    let result = db::write_transaction(&mut conn, |c| -> Result<(), Refused> {
                        insert(c, &name)?;
                        insert(c, &format!("{name}-b"))?;
                        if fails { Err(Refused) } else { Ok(()) }
                    });
                    assert_eq!(result.is_ok(), !fails, "{name}");
                    if !fails {
                        kept.push(name);
                    }
                }
                // A panicking writer rolls back its own work, and the thread (and its connection) write
                // again: the connection used to stay inside the transaction, so on PostgreSQL the
                // later writes were savepoints never committed.
                let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let _ = db::write_transaction(&mut conn, |c| -> Result<(), Refused> {
                        insert(c, &format!("p-{t}"))?;
                        panic!("a bug in a use case");
                    });
                }));
                assert!(panicked.is_err());
                let name = format!("after-{t}");
                db::write_transaction(&mut conn, |c| insert(c, &name)).expect("writes again");
                kept.push(name);
                kept
            })
        })
        .collect();
    let kept: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("writer thread"))
        .collect();

    let mut conn = pool.get().expect("connection");
    let stored: Vec<String> = app_settings::table
        .select(app_settings::name)
        .filter(
            app_settings::name
                .like("w-%")
                .or(app_settings::name.like("p-%"))
                .or(app_settings::name.like("after-%")),
        )
        .load(&mut conn)
        .expect("names");
    let mut expected: Vec<String> = kept
        .iter()
        .flat_map(|n| {
            if n.starts_with("after-") {
                vec![n.clone()]
            } else {
                vec![n.clone(), format!("{n}-b")]
            }
        })
        .collect();
    expected.sort();
    let mut stored = stored;
    stored.sort();
    assert_eq!(stored.len(), 8 * 48 * 2 + 8);
    assert_eq!(
        stored, expected,
        "every acknowledged write and nothing else"
    );

    if !on_postgres() {
        let DbConn::Sqlite(c) = &mut *conn else {
            panic!("SQLite")
        };
        let file = group_commit::main_file(c).expect("file");
        let (batches, transactions) = group_commit::find(&file).expect("writer").stats();
        eprintln!("group commit: {batches} commits for {transactions} transactions");
        assert!(
            transactions >= 8 * 49,
            "{transactions} transactions committed"
        );
        assert!(
            batches < transactions,
            "concurrent writers share commits: {batches} commits for {transactions} transactions"
        );
    }
}
