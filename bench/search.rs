//! Benchmark of the list's free-text search (W12, issue 12 §5): `seed-demo`'s orders (1,000,000
//! by default), then one list page (count + page + what the rows show, the same service the
//! `/ot` page calls) for each of 50 different searches, with fresh caches every time (no cached
//! count, no cached catalogs), several rounds. Prints p50/p99 over all searches, the slowest
//! search, and the size of the search index.
//!
//!   cargo bench --bench search                            # SQLite in a temp folder
//!   DATABASE_URL=postgres://… cargo bench --bench search  # an empty PostgreSQL database
//!   DATABASE_URL=sqlite:///tmp/s.db KEEP=1 cargo bench --bench search   # seed once, rerun
//! Knobs: OTS (1000000), ROUNDS (5). With KEEP=1 an already seeded database is reused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common.rs"]
mod common;

use common::knob;

use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use faena::db::DbConn;
use faena::db::caches::Caches;
use faena::routes::work_orders::list::ListQuery;
use faena::startup::open_database;

/// What people type: words of the descriptions (whole, prefixes, without accents), names of
/// clients, managers and representatives, folio and oficio fragments, two-word searches, and
/// words found nowhere.
const SEARCHES: [&str; 50] = [
    "reparacion",
    "reparación",
    "repar",
    "mantenimiento",
    "rehabilitacion ductos",
    "ductos",
    "valvulas",
    "sustitucion de valvulas",
    "inspeccion pintura",
    "anticorrosiva",
    "contra incendio",
    "incendio",
    "habitacional",
    "modulo",
    "cableado",
    "instrumentacion",
    "patin medicion",
    "montaje",
    "frente 12",
    "ducto 12",
    "descarga frente 7",
    "lineas",
    "pemex",
    "exploracion",
    "intercom",
    "sureste",
    "litoral",
    "ramirez",
    "lopez",
    "hernandez",
    "villanueva",
    "perez salas",
    "mendez",
    "dominguez",
    "rios",
    "ot-2024",
    "ot-2023-00",
    "000123",
    "00042",
    "pep-spr",
    "spr-12",
    "pte-0001",
    "pendiente",
    "2025",
    "reparacion tanque",
    "grua",
    "xyzzy",
    "plataforma marina norte",
    "mantenimiento valvulas",
    "sustit",
];

#[derive(QueryableByName)]
struct Size {
    #[diesel(sql_type = BigInt)]
    bytes: i64,
}

fn order_count(conn: &mut DbConn) -> i64 {
    use faena::db::schema::work_orders;
    work_orders::table.count().get_result(conn).unwrap_or(0)
}

fn index_bytes(conn: &mut DbConn) -> i64 {
    let sql = match conn {
        DbConn::Sqlite(_) => {
            "SELECT CAST(COALESCE(SUM(pgsize), 0) AS BIGINT) AS bytes FROM dbstat \
             WHERE name LIKE 'work_order_search%'"
        }
        DbConn::Pg(_) => "SELECT pg_relation_size('work_orders_search_trgm') AS bytes",
    };
    diesel::sql_query(sql)
        .get_result::<Size>(conn)
        .map_or(0, |s| s.bytes)
}

fn main() {
    let ots = knob("OTS", 1_000_000);
    let rounds = knob("ROUNDS", 5).max(1);
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.path().display()));
    let config = common::config(&url, 2, 4, NaiveDate::from_ymd_opt(2026, 6, 15));
    let pool = open_database(&config).expect("database");
    let mut conn = pool.get().unwrap();
    let keep = std::env::var("KEEP").is_ok_and(|v| v == "1");
    let existing = order_count(&mut conn);
    if keep && existing >= i64::try_from(ots).unwrap_or(i64::MAX) {
        println!("reusing {existing} orders in {url}");
    } else {
        let t = Instant::now();
        faena::seed::seed_demo(&mut conn, ots, Utc::now().naive_utc()).unwrap();
        println!(
            "seeded {} orders in {:.1} s",
            order_count(&mut conn),
            t.elapsed().as_secs_f64()
        );
    }
    if std::env::var("OPTIMIZE").is_ok() {
        let t = Instant::now();
        diesel::sql_query("INSERT INTO work_order_search (work_order_search) VALUES ('optimize')")
            .execute(&mut conn)
            .unwrap();
        println!("optimize: {:.1} s", t.elapsed().as_secs_f64());
    }
    if matches!(*conn, DbConn::Pg(_)) {
        diesel::sql_query("ANALYZE work_orders")
            .execute(&mut conn)
            .unwrap();
    }
    let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
    let mut all = Vec::new();
    let mut by_search: Vec<(Vec<Duration>, &str, i64)> = Vec::new();
    for round in 0..rounds {
        for q in SEARCHES {
            let query = ListQuery {
                q: q.to_owned(),
                ..ListQuery::default()
            };
            let filter = query.to_filter(today, false);
            let caches = Caches::default();
            let t = Instant::now();
            let data = faena::services::listing::load(&mut conn, &filter, &caches, None).unwrap();
            let took = t.elapsed();
            all.push(took);
            if round == 0 {
                by_search.push((vec![took], q, data.total));
            } else if let Some(entry) = by_search.iter_mut().find(|(_, s, _)| *s == q) {
                entry.0.push(took);
            }
        }
    }
    all.sort();
    let pct = |p: usize| all[(all.len() * p / 100).min(all.len() - 1)];
    let mut by_search: Vec<(Duration, &str, i64)> = by_search
        .into_iter()
        .map(|(times, q, total)| (common::median(times), q, total))
        .collect();
    by_search.sort_by_key(|s| std::cmp::Reverse(s.0));
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "{backend}, {} orders, {} searches × {rounds} rounds, fresh caches each time",
        order_count(&mut conn),
        SEARCHES.len()
    );
    println!(
        "list page with a search: p50 {:.1} ms, p99 {:.1} ms",
        pct(50).as_secs_f64() * 1e3,
        pct(99).as_secs_f64() * 1e3
    );
    println!("slowest searches (median of the rounds):");
    for (took, q, total) in by_search.iter().take(5) {
        println!(
            "  {:>7.1} ms  «{q}» ({total} found{})",
            took.as_secs_f64() * 1e3,
            if *total > faena::db::work_orders::SEARCH_COUNT_LIMIT {
                ", counted up to the limit"
            } else {
                ""
            }
        );
    }
    // Where the slowest search's time goes: the count, the page's ids, the rest of the page.
    if let Some((_, q, _)) = by_search.first() {
        let mut filter = ListQuery {
            q: (*q).to_owned(),
            ..ListQuery::default()
        }
        .to_filter(today, false);
        let catalogs = faena::db::catalogs::Catalogs::load(&mut conn).unwrap();
        filter.match_names(&catalogs);
        if std::env::var("SHOW_SQL").is_ok() {
            conn.set_instrumentation(|e: diesel::connection::InstrumentationEvent<'_>| {
                if let diesel::connection::InstrumentationEvent::StartQuery { query, .. } = e {
                    println!("SQL: {query}");
                }
            });
        }
        for sql in std::env::var("EXPLAIN")
            .unwrap_or_default()
            .split(";;")
            .filter(|s| !s.trim().is_empty())
        {
            let sql = sql.to_owned();
            #[derive(QueryableByName)]
            struct Plan {
                #[diesel(sql_type = diesel::sql_types::Text)]
                detail: String,
            }
            for p in diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load::<Plan>(&mut conn)
                .unwrap()
            {
                println!("PLAN: {}", p.detail);
            }
            let t = Instant::now();
            diesel::sql_query(&sql).execute(&mut conn).unwrap();
            println!("that query: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        }
        let t = Instant::now();
        faena::db::work_orders::count(&mut conn, &filter).unwrap();
        let counting = t.elapsed();
        let t = Instant::now();
        faena::db::work_orders::page_ids(&mut conn, &filter).unwrap();
        let paging = t.elapsed();
        println!(
            "  «{q}» again: count {:.1} ms, page ids {:.1} ms",
            counting.as_secs_f64() * 1e3,
            paging.as_secs_f64() * 1e3
        );
    }
    println!(
        "search index: {:.1} MiB",
        index_bytes(&mut conn) as f64 / 1_048_576.0
    );
}
