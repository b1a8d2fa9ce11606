//! Both migration sets produce the same tables, columns, nullability and indexes, and seed the
//! same catalog codes.

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use faena::config::Config;
use faena::startup::open_database;

use crate::helpers::{LOCAL_PG, TestDb, on_postgres, test_config};

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
}

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    #[diesel(sql_type = Text)]
    name: String,
}

fn pg_admin_url() -> String {
    if on_postgres() {
        std::env::var("DATABASE_URL").unwrap_or_else(|_| LOCAL_PG.to_owned())
    } else {
        LOCAL_PG.to_owned()
    }
}

fn open(db: &TestDb) -> faena::db::Pool {
    let config: Config = test_config(db.url());
    open_database(&config).expect("migrations apply")
}

#[test]
fn sqlite_and_postgres_migrations_make_the_same_schema() {
    let sqlite = TestDb::fresh_sqlite();
    let pg = TestDb::fresh_postgres(&pg_admin_url());
    let mut s = open(&sqlite).get().unwrap();
    let mut p = open(&pg).get().unwrap();

    let mut sqlite_cols: Vec<Column> = diesel::sql_query(
        "SELECT m.name AS table_name, c.name AS column_name, \
                CASE WHEN c.\"notnull\" = 1 OR c.pk > 0 THEN 1 ELSE 0 END AS not_null \
         FROM sqlite_master m JOIN pragma_table_info(m.name) c \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
           AND m.name NOT LIKE 'work_order_search%' \
           AND m.name <> '__diesel_schema_migrations'",
    )
    .load(&mut s)
    .unwrap();
    let mut pg_cols: Vec<Column> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END AS not_null \
         FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' \
           AND table_name IN (SELECT table_name FROM information_schema.tables \
                              WHERE table_schema = 'public' AND table_type = 'BASE TABLE') \
           AND table_name <> 'list_count_changes'",
    )
    .load(&mut p)
    .unwrap();
    // Views aside on both; `list_count_changes` is PostgreSQL's only (its writers append list
    // totals' changes there instead of waiting on each other; SQLite has one writer).
    sqlite_cols.sort();
    pg_cols.sort();
    assert!(sqlite_cols.len() > 100, "the whole schema is there");
    assert_eq!(sqlite_cols, pg_cols);

    let mut sqlite_idx: Vec<Index> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'",
    )
    .load(&mut s)
    .unwrap();
    let mut pg_idx: Vec<Index> = diesel::sql_query(
        "SELECT indexname::text AS name FROM pg_indexes WHERE schemaname = 'public' \
         AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'",
    )
    .load(&mut p)
    .unwrap();
    sqlite_idx.sort();
    pg_idx.sort();
    // The search index is each backend's own (issue 12 §5): an FTS5 trigram table on SQLite, a
    // pg_trgm GIN index on PostgreSQL. Everything else is the same.
    let search_index = Index {
        name: "work_orders_search_trgm".to_owned(),
    };
    assert!(pg_idx.contains(&search_index));
    pg_idx.retain(|i| *i != search_index);
    assert_eq!(sqlite_idx, pg_idx);
    let fts: Vec<Index> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'work_order_search' \
         AND sql LIKE '%fts5%trigram%'",
    )
    .load(&mut s)
    .unwrap();
    assert_eq!(
        fts.len(),
        1,
        "the SQLite search index is an FTS5 trigram table"
    );
}

#[derive(QueryableByName, Debug, PartialEq, Eq)]
struct Count {
    #[diesel(sql_type = Integer)]
    n: i32,
}

/// The catalog codes of DOMAIN.md section 2, as (table, id, description).
const CODES: &[(&str, i32, &str)] = &[
    ("kinds", 4, "INICIAL"),
    ("kinds", 5, "REPROGRAMACION"),
    ("kinds", 18, "INTERCOM"),
    ("kinds", 15, "CONTRATO"),
    ("kinds", 16, "INTERCOM"),
    ("statuses", 5, "ASIGNADA"),
    ("statuses", 6, "CANCELADA"),
    ("statuses", 7, "DIFERIDA"),
    ("statuses", 8, "EN EJECUCION"),
    ("statuses", 9, "SUSPENDIDA"),
    ("statuses", 10, "TERMINADA"),
    ("statuses", 11, "POR CANCELAR"),
    ("statuses", 16, "DIFERIDA (SIN INICIAR)"),
    ("statuses", 1, "PENDIENTE"),
    ("statuses", 2, "PROCESO"),
    ("statuses", 3, "COMPLETADO"),
    ("statuses", 4, "CANCELADO"),
    ("statuses", 14, "NO APLICA"),
    ("fronts", 1, "TIERRA"),
    ("fronts", 2, "BARCO"),
    ("fronts", 4, "CP/PS"),
    ("fronts", 3, "PATIO"),
    ("fronts", 5, "INTERCOM"),
    ("fronts", 6, "EMBARCACION"),
    ("fronts", 7, "PLATAFORMA"),
];

#[test]
fn the_catalog_codes_and_demo_data_are_seeded_with_their_legacy_ids() {
    let db = TestDb::fresh();
    let pool = open(&db);
    let mut conn = pool.get().unwrap();
    let count = |conn: &mut faena::db::DbConn, sql: &str| -> i32 {
        diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
    };
    for (table, id, description) in CODES {
        let sql = format!(
            "SELECT CAST(COUNT(*) AS INTEGER) AS n FROM {table} \
             WHERE id = {id} AND description = '{description}' AND active = TRUE"
        );
        assert_eq!(count(&mut conn, &sql), 1, "{table} {id} {description}");
    }
    let n = |sql: &str, conn: &mut faena::db::DbConn| count(conn, sql);
    assert!(
        n(
            "SELECT CAST(COUNT(*) AS INTEGER) AS n FROM clients WHERE id BETWEEN 1 AND 4 AND client_type_id IS NOT NULL",
            &mut conn
        ) == 4
    );
    for (set, active, inactive) in [(5, 6, 1), (18, 4, 1), (4, 5, 1)] {
        let sql = format!(
            "SELECT CAST(COUNT(*) AS INTEGER) AS n FROM step_templates WHERE set_id = {set} AND active = TRUE"
        );
        assert_eq!(n(&sql, &mut conn), active, "active templates of set {set}");
        let sql = format!(
            "SELECT CAST(COUNT(*) AS INTEGER) AS n FROM step_templates WHERE set_id = {set} AND active = FALSE"
        );
        assert_eq!(
            n(&sql, &mut conn),
            inactive,
            "inactive templates of set {set}"
        );
    }
    for category in [3, 5, 6, 7] {
        let sql = format!(
            "SELECT CAST(COUNT(*) AS INTEGER) AS n FROM sites WHERE category_id = {category} AND active = TRUE"
        );
        assert!(n(&sql, &mut conn) >= 1, "sites of category {category}");
    }
    assert_eq!(
        n(
            "SELECT CAST(COUNT(*) AS INTEGER) AS n FROM project_managers WHERE active = TRUE",
            &mut conn
        ),
        3
    );
    // New catalog rows get fresh ids after the seeded ones (PostgreSQL identity sequences).
    let id: Count = diesel::sql_query(
        "INSERT INTO project_managers (description, comment, active) VALUES ('Nuevo', '', TRUE) \
         RETURNING id AS n",
    )
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(id.n, 4);
}

#[test]
fn a_write_transaction_inside_another_is_refused_instead_of_waiting_forever() {
    let db = TestDb::fresh();
    let pool = open(&db);
    let mut conn = pool.get().unwrap();
    let inner: Result<(), diesel::result::Error> = faena::db::write_transaction(&mut conn, |c| {
        faena::db::write_transaction(c, |_| Ok::<(), diesel::result::Error>(()))
    });
    assert!(matches!(
        inner,
        Err(diesel::result::Error::AlreadyInTransaction)
    ));
    // The connection and the lock are usable afterwards.
    let again: Result<i32, diesel::result::Error> =
        faena::db::write_transaction(&mut conn, |_| Ok(7));
    assert_eq!(again.unwrap(), 7);
}
