//! W12 list: filters in the URL, sorting, paging; W10: a fixed number of queries per page.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Utc;
use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::prelude::*;
use faena::db::DbConn;
use faena::db::catalogs::Catalogs;
use faena::db::schema::work_orders;
use faena::domain::planning_doc::PteForm;
use faena::domain::role::Role;
use faena::domain::work_order::WorkOrderForm;
use faena::routes::work_orders::list::ListQuery;
use faena::services;
use faena::services::Actor;
use faena::services::listing::load;

use crate::helpers::{TestApp, spawn_app, texts};

/// Creates a PTE and its initial OT through the services (fast fixtures).
fn seed(c: &mut DbConn, folio: &str, tweak: impl FnOnce(&mut WorkOrderForm)) -> i32 {
    let now = Utc::now().naive_utc();
    let pte = services::planning_docs::create(
        c,
        &PteForm {
            oficio_pte: format!("PTE-{folio}"),
            descripcion_trabajo: format!("Trabajo de {folio}"),
            id_cliente: "1".into(),
            responsable_proyecto: "1".into(),
        },
        &Actor::console(),
        now,
    )
    .unwrap();
    let mut form = WorkOrderForm {
        id_tipo: "4".into(),
        id_pte: pte.to_string(),
        orden_trabajo: folio.into(),
        oficio_ot: format!("OF-{folio}"),
        descripcion_trabajo: format!("Trabajo de {folio}"),
        responsable_proyecto: "1".into(),
        responsable_cliente: "Ing. Pérez".into(),
        id_cliente: "1".into(),
        fecha_inicio_programado: "2025-01-10".into(),
        fecha_termino_programado: "2025-02-10".into(),
        ..Default::default()
    };
    tweak(&mut form);
    let catalogs = Catalogs::load(c).unwrap();
    services::work_orders::create(c, &catalogs, &form, &Actor::console(), now)
        .unwrap()
        .id
}

fn reprogram(c: &mut DbConn, parent: i32) -> i32 {
    let form = WorkOrderForm {
        id_tipo: "5".into(),
        ot_principal: parent.to_string(),
        oficio_ot: "OF-R".into(),
        descripcion_trabajo: "Reprogramación".into(),
        responsable_proyecto: "2".into(),
        responsable_cliente: "Ing. Pérez".into(),
        ..Default::default()
    };
    let catalogs = Catalogs::load(c).unwrap();
    let now = Utc::now().naive_utc();
    services::work_orders::create(c, &catalogs, &form, &Actor::console(), now)
        .unwrap()
        .id
}

async fn total(app: &TestApp, query: &str) -> i64 {
    let body = app.get(&format!("/ot{query}")).await.text().await.unwrap();
    texts(&body, "#total-ot")[0]
        .replace(',', "")
        .parse()
        .unwrap()
}

async fn folios(app: &TestApp, query: &str) -> Vec<String> {
    let body = app.get(&format!("/ot{query}")).await.text().await.unwrap();
    texts(&body, "#lista-ot tbody tr td:first-child a")
}

#[tokio::test]
async fn w12_filters_live_in_the_query_string_and_combine() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Consulta).await;
    app.db(|c| {
        let a = seed(c, "A-1", |f| {
            f.id_cliente = "2".into();
            f.oficio_ot = "OF-1-2023".into();
        });
        let b = seed(c, "B-2", |f| {
            f.responsable_proyecto = "2".into();
            f.id_frente = "2".into();
            f.id_embarcacion = "7".into();
        });
        seed(c, "C-3", |f| {
            f.id_frente = "1".into();
            f.id_patio = "3".into();
            f.fecha_inicio_programado = "2024-05-01".into();
            f.fecha_termino_programado = "2024-06-01".into();
            f.oficio_ot = "SIN-ANIO".into();
        });
        reprogram(c, a);
        diesel::update(work_orders::table.find(b))
            .set(work_orders::status_id.eq(8))
            .execute(c)
            .unwrap();
    })
    .await;
    assert_eq!(total(&app, "").await, 3, "default kind INICIAL");
    assert_eq!(total(&app, "?tipo=5").await, 1);
    assert_eq!(total(&app, "?tipo=todos").await, 4);
    assert_eq!(total(&app, "?estatus=8").await, 1);
    assert_eq!(total(&app, "?responsable=2").await, 1);
    assert_eq!(total(&app, "?cliente=2").await, 1);
    assert_eq!(total(&app, "?sitio=7").await, 1);
    assert_eq!(total(&app, "?sitio=3").await, 1, "a yard matches too");
    assert_eq!(total(&app, "?anio=2023").await, 1, "oficio suffix");
    assert_eq!(total(&app, "?anio=2024").await, 1, "planned start year");
    assert_eq!(total(&app, "?anio=2025").await, 1);
    assert_eq!(total(&app, "?q=b-2").await, 1, "folio, any case");
    assert_eq!(total(&app, "?q=PTE-C").await, 1, "PTE folio");
    assert_eq!(total(&app, "?q=trabajo").await, 3, "description");
    assert_eq!(total(&app, "?q=%25").await, 0, "LIKE wildcards are literal");
    assert_eq!(total(&app, "?q=A-1&cliente=2&anio=2023").await, 1);
    assert_eq!(total(&app, "?q=A-1&cliente=1").await, 0);
    // Bad values are ignored rather than refused.
    assert_eq!(
        total(&app, "?estatus=abc&page=-4&per=7&orden=nada").await,
        3
    );
    // The filter form shows the current values.
    let body = app.get("/ot?cliente=2&q=A").await.text().await.unwrap();
    let doc = scraper::Html::parse_document(&body);
    let sel = scraper::Selector::parse("#cliente option[selected]").unwrap();
    assert_eq!(
        doc.select(&sel).next().unwrap().value().attr("value"),
        Some("2")
    );
}

#[tokio::test]
async fn w12_sorting_by_a_column_sorts_by_what_it_shows_and_pages_are_bounded() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Consulta).await;
    app.db(|c| {
        for (i, folio) in [
            "M-05", "A-01", "Z-09", "C-03", "B-02", "K-04", "D-07", "E-08", "F-10", "G-11", "H-12",
            "J-13",
        ]
        .iter()
        .enumerate()
        {
            seed(c, folio, |f| {
                f.id_cliente = if i % 2 == 0 { "1".into() } else { "5".into() }
            });
        }
    })
    .await;
    let newest_first = folios(&app, "").await;
    assert_eq!(newest_first.first().map(String::as_str), Some("J-13"));
    let by_folio = folios(&app, "?orden=folio&per=10").await;
    assert_eq!(by_folio.len(), 10);
    assert_eq!(&by_folio[..3], ["A-01", "B-02", "C-03"]);
    let by_folio_desc = folios(&app, "?orden=-folio&per=10").await;
    assert_eq!(by_folio_desc[0], "Z-09");
    let page2 = folios(&app, "?orden=folio&per=10&page=2").await;
    assert_eq!(page2, ["M-05", "Z-09"]);
    // Client column sorts by the client's name (Constructora… before PEMEX…).
    let by_client = folios(&app, "?orden=cliente&per=100").await;
    assert_eq!(by_client.len(), 12);
    assert!(
        ["A-01", "K-04", "B-02"].contains(&by_client[0].as_str()),
        "{by_client:?}"
    );
    // Header links keep the filters and flip the direction.
    let body = app.get("/ot?q=0&orden=folio").await.text().await.unwrap();
    let doc = scraper::Html::parse_document(&body);
    let sel = scraper::Selector::parse("th[aria-sort] a").unwrap();
    let href = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert!(
        href.contains("q=0") && href.contains("orden=-folio"),
        "{href}"
    );
}

#[derive(Clone, Default)]
struct QueryCounter(Arc<AtomicUsize>);

impl Instrumentation for QueryCounter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// The list filter of a query string, as a non-administrator sees it on 6 March 2025.
fn filter_of(query: &str) -> faena::db::work_orders::ListFilter {
    let q: ListQuery = serde_urlencoded::from_str(query).unwrap();
    q.to_filter(chrono::NaiveDate::from_ymd_opt(2025, 3, 6).unwrap(), false)
}

fn queries_for(c: &mut DbConn, query: &str) -> (usize, usize) {
    let counter = QueryCounter::default();
    c.set_instrumentation(counter.clone());
    let fresh = faena::db::caches::Caches::default();
    let data = load(c, &filter_of(query), &fresh, None).unwrap();
    c.set_instrumentation(QueryCounter::default());
    (counter.0.load(Ordering::SeqCst), data.listed.len())
}

#[tokio::test]
async fn w10_the_list_uses_the_same_number_of_queries_whatever_the_page_size_or_data() {
    let app = spawn_app().await;
    let (small, big, more, pg) = app
        .db(|c| {
            let pg = matches!(c, DbConn::Pg(_));
            for i in 0..30 {
                let id = seed(c, &format!("OT-{i:03}"), |_| {});
                if i % 2 == 0 {
                    reprogram(c, id);
                }
            }
            let small = queries_for(c, "per=10");
            let big = queries_for(c, "per=100&tipo=todos");
            for i in 30..60 {
                seed(c, &format!("OT-{i:03}"), |_| {});
            }
            let more = queries_for(c, "per=50&q=OT&orden=cliente");
            (small, big, more, pg)
        })
        .await;
    assert_eq!(small.1, 10);
    assert_eq!(big.1, 45);
    assert_eq!(more.1, 50);
    // On PostgreSQL a text search's page and count are planned for its words, in a transaction
    // of their own: BEGIN, SET LOCAL, COMMIT.
    let search = if pg { 3 } else { 0 };
    assert_eq!(
        more.0,
        small.0 + search,
        "data size does not change the query count"
    );
    // A first page that is not full holds every match: its total needs no count.
    assert_eq!(
        big.0,
        small.0 - 1,
        "page size does not change the query count"
    );
    // Cold caches: one read of the version rows, the catalogs (one statement) and the count,
    // then the page's ids, its rows (with PTE folios and names) and their facts — step counts,
    // reprogrammings, physical progress — in one statement (6 in all).
    assert_eq!(small.0, 6, "queries for a page with cold caches");
}

/// W10 on the order page: the same statements whatever its history, steps and reprogrammings
/// (issue 14: each statement is a round trip on PostgreSQL). The order comes with its PTE's
/// folio and step counts, its parent or reprogrammings with theirs, its history with the users'
/// names: one statement each.
#[tokio::test]
async fn w10_the_order_page_uses_the_same_statements_whatever_its_history_or_reprogrammings() {
    let app = spawn_app().await;
    app.create_user_with("ana", Role::Gestor, false).await;
    let (few, many, of_child, (reading_versions, booked), page) = app
        .db(|c| {
            let caches = faena::db::caches::Caches::default();
            let load_page = |c: &mut DbConn, id: i32| {
                faena::routes::work_orders::detail::load(c, &caches, None, id, false, 1).unwrap()
            };
            // With the version rows as the gate read them (`seen`), or reading them.
            let statements = |c: &mut DbConn, id: i32, gate_read: bool| {
                let seen = faena::db::versions::Snapshot::read(c).unwrap();
                let seen = gate_read.then_some(&seen);
                let counter = QueryCounter::default();
                c.set_instrumentation(counter.clone());
                faena::routes::work_orders::detail::load(c, &caches, seen, id, false, 1).unwrap();
                c.set_instrumentation(QueryCounter::default());
                counter.0.load(Ordering::SeqCst)
            };
            let a = seed(c, "OT-A", |_| {});
            statements(c, a, true); // the catalogs' cache is warm from here on
            let few = statements(c, a, true);
            let reading_versions = statements(c, a, false);
            let children = [reprogram(c, a), reprogram(c, a)];
            for i in 0..5 {
                let entry = faena::db::activity::NewEntry {
                    at: Utc::now().naive_utc(),
                    username: if i % 2 == 0 {
                        "ana"
                    } else {
                        "quien-ya-no-existe"
                    }
                    .into(),
                    action: "editar".into(),
                    table_name: "work_orders".into(),
                    record_id: Some(a),
                    ..Default::default()
                };
                faena::db::activity::record(c, &entry).unwrap();
            }
            let many = statements(c, a, true);
            let of_child = statements(c, children[0], true);
            // On a vessel with a yard phase: two exclusive bookings, one candidates statement.
            let booked = seed(c, "OT-V", |f| {
                f.id_frente = "2".into();
                f.id_embarcacion = "7".into();
                f.check_fase_patio = "on".into();
                f.id_patio_fase = "1".into();
                f.fecha_inicio_patio = "2025-01-12".into();
                f.fecha_fin_patio = "2025-01-20".into();
            });
            let booked = statements(c, booked, true);
            let kept = faena::db::steps::counts(c, &[a, children[0], children[1]]).unwrap();
            let page = load_page(c, a);
            let child_page = load_page(c, children[0]);
            let summary = (
                page.children
                    .iter()
                    .map(|(o, n)| (o.id, *n == kept[&o.id]))
                    .collect::<Vec<_>>(),
                page.own_counts == kept[&a] && page.own_counts.total > 0,
                child_page.parent.map(|(o, n)| (o.id, n == kept[&a])),
                page.history
                    .iter()
                    .take(2)
                    .map(|(e, name)| (e.username.clone(), name.clone()))
                    .collect::<Vec<_>>(),
                (a, children),
            );
            (few, many, of_child, (reading_versions, booked), summary)
        })
        .await;
    let (children, own_counts_kept, parent, history, (a, ids)) = page;
    assert_eq!(children, vec![(ids[0], true), (ids[1], true)]);
    assert!(
        own_counts_kept,
        "the order's own step counts are the kept ones"
    );
    assert_eq!(parent, Some((a, true)));
    assert_eq!(
        history,
        vec![
            ("ana".to_owned(), Some("Usuario ana".to_owned())),
            ("quien-ya-no-existe".to_owned(), None)
        ]
    );
    assert_eq!(
        many, few,
        "history and reprogrammings do not add statements"
    );
    assert_eq!(of_child, few, "a reprogramming's page reads as many");
    // The order with its PTE's folio and step counts, the steps, the parent or reprogrammings
    // with their counts, the history with names, the annex imports, the active schedule (no
    // site: no double-booking candidates); the catalogs and the exchange rate from the cache at
    // the version the gate read.
    assert_eq!(few, 6, "statements of an order page");
    assert_eq!(
        reading_versions,
        few + 1,
        "without the gate's read: the catalogs' version"
    );
    assert_eq!(
        booked,
        few + 1,
        "a vessel and a yard phase: one statement for both sites"
    );
}

/// What the connection has prepared: each statement's text with how often it was planned
/// again and how often it ran (SQLite's `sqlite_stmt`; on PostgreSQL the session's prepared
/// statements, planned again for each run that used a custom plan).
fn prepared_statements(c: &mut DbConn) -> std::collections::BTreeMap<String, (i64, i64)> {
    #[derive(QueryableByName)]
    struct Stmt {
        #[diesel(sql_type = diesel::sql_types::Text)]
        sql: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        reprep: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        run: i64,
    }
    let query = match c {
        DbConn::Sqlite(_) => {
            "SELECT sql, CAST(reprep AS BIGINT) AS reprep, CAST(run AS BIGINT) AS run \
             FROM sqlite_stmt WHERE sql NOT LIKE '%sqlite_stmt%'"
        }
        DbConn::Pg(_) => {
            "SELECT statement AS sql, custom_plans AS reprep, \
             generic_plans + custom_plans AS run FROM pg_prepared_statements"
        }
    };
    diesel::sql_query(query)
        .load::<Stmt>(c)
        .unwrap()
        .into_iter()
        .map(|s| (s.sql, (s.reprep, s.run)))
        .collect()
}

/// W10: a list page costs its queries' execution, not their parsing and planning. Its
/// statements have one text whatever the filter values, the page or the ids on it, so a pooled
/// connection prepares each once and reuses it: pages with other values prepare no new
/// statement and plan none again (SQLite plans a statement again after a new value is bound when
/// that value could change its plan, e.g. against a partial index's condition; PostgreSQL, left
/// to choose, planned each statement with a bound `LIMIT` again on every run).
#[tokio::test]
async fn w10_list_pages_reuse_their_prepared_statements_whatever_the_values() {
    let app = spawn_app().await;
    let (before, after, loads) = app
        .db(|c| {
            for i in 0..40 {
                let id = seed(c, &format!("OT-{i:03}"), |f| {
                    f.id_cliente = (1 + i % 2).to_string();
                    f.responsable_proyecto = (1 + i % 2).to_string();
                });
                if i % 3 == 0 {
                    reprogram(c, id);
                }
            }
            let cache = faena::db::caches::Caches::default();
            let page = |c: &mut DbConn, query: &str| {
                let data = load(c, &filter_of(query), &cache, None).unwrap();
                assert!(!data.listed.is_empty(), "{query}");
            };
            // Every statement of these page shapes prepared once.
            for q in [
                "per=10",
                "per=10&cliente=1",
                "per=10&tipo=todos&responsable=1",
                "per=10&cliente=1&responsable=1",
            ] {
                page(c, q);
            }
            let before = prepared_statements(c);
            let shapes = [
                "per=10&page=2",
                "per=10&page=3",
                "per=10&cliente=2",
                "per=10&tipo=todos&responsable=2",
                "per=10&tipo=todos&responsable=1&page=2",
                "per=10&cliente=2&responsable=2",
            ];
            for q in shapes {
                page(c, q);
            }
            (
                before,
                prepared_statements(c),
                i64::try_from(shapes.len()).unwrap(),
            )
        })
        .await;
    let texts =
        |m: &std::collections::BTreeMap<String, (i64, i64)>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        texts(&before),
        texts(&after),
        "pages with other values prepared new statements"
    );
    assert!(
        after
            .keys()
            .any(|sql| sql.contains("json_each") || sql.contains("= ANY(")),
        "the page's rows are read by a prepared statement: {:?}",
        texts(&after)
    );
    // Each query over the page's ids is a kept statement (on PostgreSQL a statement prepared
    // anew each time is not kept, so it would be missing here).
    for (what, marker) in [
        ("rows", "planning_docs"),
        // W10: the step counts come with the rows (kept by the database), no query of their own.
        ("step counts", "order_step_counts"),
        ("reprogramming counts", "WHERE parent_id"),
        ("physical progress", "schedule_versions"),
    ] {
        assert!(
            after.keys().any(|sql| {
                (sql.contains("json_each") || sql.contains("= ANY(")) && sql.contains(marker)
            }),
            "the page's {what} are read by a prepared statement: {:?}",
            texts(&after)
        );
    }
    let pg = app.db(|c| matches!(c, DbConn::Pg(_))).await;
    for (sql, (reprep, run)) in &after {
        let (reprep_before, run_before) = before[sql];
        // PostgreSQL plans a page filtered by a client and a manager for those values (which
        // one's index to read first depends on their shares of the orders); one key column
        // alone, like everything else, runs from one plan.
        if pg && sql.contains("\"client_id\" = $") && sql.contains("\"project_manager_id\" = $") {
            assert!(*reprep > reprep_before, "planned for its values: {sql}");
            continue;
        }
        assert_eq!(
            *reprep, reprep_before,
            "planned again after new values were bound: {sql}"
        );
        if (sql.contains("json_each") || sql.contains("= ANY(")) && sql.contains("planning_docs") {
            assert_eq!(run - run_before, loads, "the rows ran from one plan");
        }
    }
}

#[tokio::test]
async fn w12_warm_caches_save_the_count_and_catalog_queries() {
    let app = spawn_app().await;
    let (cold, warm) = app
        .db(|c| {
            // A full first page, so that its total is counted.
            for i in 0..11 {
                seed(c, &format!("OT-{i}"), |_| {});
            }
            let cache = faena::db::caches::Caches::default();
            let mut run = || {
                let counter = QueryCounter::default();
                c.set_instrumentation(counter.clone());
                let data = load(c, &filter_of("per=10"), &cache, None).unwrap();
                c.set_instrumentation(QueryCounter::default());
                assert_eq!(data.total, 11);
                counter.0.load(Ordering::SeqCst)
            };
            (run(), run())
        })
        .await;
    assert_eq!(warm, cold - 2, "the count and the catalogs (one statement)");
    // On PostgreSQL each query is a round trip: a warm page is one read of the version rows,
    // the page's ids, its rows, and their step counts, reprogrammings and physical progress.
    assert_eq!(warm, 4, "queries for a page with warm caches");
}

#[tokio::test]
async fn seed_demo_writes_consistent_orders_and_later_creates_still_work() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Consulta).await;
    let (seeded, after) = app
        .db(|c| {
            let seeded = faena::seed::seed_demo(c, 30, Utc::now().naive_utc()).unwrap();
            // New rows after the seeded ones get fresh ids (PostgreSQL sequences advanced).
            let after = seed(c, "DESPUES-1", |_| {});
            (seeded, after)
        })
        .await;
    assert_eq!((seeded.initial, seeded.reprogrammings), (20, 10));
    assert!(
        (6 * 30..=10 * 30).contains(&seeded.steps),
        "{}",
        seeded.steps
    );
    assert_eq!(after, 31);
    assert_eq!(total(&app, "?tipo=todos").await, 31);
    assert_eq!(total(&app, "?tipo=5").await, 10);
    let orphans: i64 = app
        .db(|c| {
            diesel::sql_query(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM work_orders r \
                 LEFT JOIN work_orders p ON p.id = r.parent_id \
                 WHERE r.kind_id = 5 AND (p.id IS NULL OR p.kind_id <> 4 OR p.folio <> r.folio)",
            )
            .get_result::<Count>(c)
            .unwrap()
            .n
        })
        .await;
    assert_eq!(
        orphans, 0,
        "every reprogramming has an initial parent with its folio"
    );
    // Demo data a person can read (issue 12 §10): steps named as their templates, each
    // reprogramming after its parent, finished orders with a real letter.
    let count = |sql: &'static str| {
        app.db(move |c| diesel::sql_query(sql).get_result::<Count>(c).unwrap().n)
    };
    let unnamed = count("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM steps WHERE description = ''");
    assert_eq!(
        unnamed.await,
        0,
        "every seeded step has its template's name"
    );
    let early = count(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM work_orders r \
         JOIN work_orders p ON p.id = r.parent_id \
         WHERE r.kind_id = 5 AND r.planned_start <= p.planned_end",
    );
    assert_eq!(early.await, 0, "reprogrammings start after their parent");
    let finished_pending = count(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM work_orders \
         WHERE status_id = 10 AND oficio = 'PENDIENTE'",
    );
    assert_eq!(finished_pending.await, 0);
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[tokio::test]
async fn the_csv_export_streams_every_filtered_order_with_a_bom_and_quoted_fields() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Consulta).await;
    app.db(|c| {
        faena::seed::seed_demo(c, 1600, Utc::now().naive_utc()).unwrap();
        seed(c, "OT-\"COMILLAS\", Y COMA", |f| f.id_cliente = "2".into());
    })
    .await;
    let expected_initial = total(&app, "").await;
    assert!(expected_initial > 1000, "more than one page");
    let body = app.get("/ot/exportar.csv").await;
    assert_eq!(body.status(), 200);
    assert!(
        body.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let bytes = body.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "Folio");
    assert_eq!(headers.len(), 24);
    assert_eq!(
        (&headers[21], &headers[22], &headers[23]),
        ("Descripción", "Responsable del cliente", "Plazo (días)")
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(i64::try_from(rows.len()).unwrap(), expected_initial);
    assert_eq!(
        &rows[0][0], "OT-\"COMILLAS\", Y COMA",
        "newest first, quoting round-trips"
    );
    assert!(rows.iter().all(|r| &r[2] == "INICIAL"));
    let distinct: std::collections::HashSet<_> = rows.iter().map(|r| r[0].to_owned()).collect();
    assert_eq!(distinct.len(), rows.len(), "no order twice across pages");

    // An empty selection still gives the header.
    let empty = app
        .get("/ot/exportar.csv?q=nadie")
        .await
        .bytes()
        .await
        .unwrap();
    assert!(empty.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&empty[3..]);
    assert_eq!(&reader.headers().unwrap()[0], "Folio");
    assert_eq!(reader.records().count(), 0);

    // The filters of the list apply.
    let filtered = app
        .get("/ot/exportar.csv?cliente=2&q=comillas")
        .await
        .bytes()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(&filtered[3..]);
    assert_eq!(reader.records().count(), 1);
    let body = app.get("/ot?cliente=2").await.text().await.unwrap();
    let doc = scraper::Html::parse_document(&body);
    let sel = scraper::Selector::parse("#exportar-csv").unwrap();
    assert_eq!(
        doc.select(&sel).next().unwrap().value().attr("href"),
        Some("/ot/exportar.csv?cliente=2")
    );
}

#[tokio::test]
async fn the_xlsx_export_has_real_dates_and_numbers_for_every_filtered_order() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let app = spawn_app().await;
    app.logged_in("ana", Role::Consulta).await;
    app.db(|c| {
        faena::seed::seed_demo(c, 1600, Utc::now().naive_utc()).unwrap();
        seed(c, "OT-EXCEL", |f| {
            f.monto_mxn = "1,234,567.89".into();
            f.monto_usd = "0.05".into();
            f.plazo_dias = "30".into();
            f.descripcion_trabajo = "Reparación de ducto".into();
        });
    })
    .await;
    let expected = total(&app, "").await;
    let r = app.get("/ot/exportar.xlsx").await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("OT").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows[0][0], Data::String("Folio".into()));
    assert_eq!(
        i64::try_from(rows.len() - 1).unwrap(),
        expected,
        "one row per order plus the header"
    );
    let newest = rows[1];
    assert_eq!(newest[0], Data::String("OT-EXCEL".into()));
    assert!(
        matches!(newest[10], Data::DateTime(_)),
        "planned start is a real date: {:?}",
        newest[10]
    );
    assert_eq!(newest[14], Data::Float(1_234_567.89));
    assert_eq!(newest[15], Data::Float(0.05));
    assert!(matches!(newest[16], Data::Float(_)), "progress is a number");
    assert_eq!(newest[21], Data::String("Reparación de ducto".into()));
    assert_eq!(newest[23], Data::Float(30.0), "duration is a number");

    let r = app.get("/ot/exportar.xlsx?q=excel").await;
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.worksheet_range("OT").unwrap().rows().count(), 2);
    // Excel's filter buttons on the header row, over every column.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut sheet_xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet_xml,
    )
    .unwrap();
    assert!(
        sheet_xml.contains(r#"<autoFilter ref="A1:X2"/>"#),
        "{sheet_xml}"
    );
}

#[tokio::test]
async fn w13_print_selection_puts_the_filtered_orders_one_per_page() {
    let app = spawn_app().await;
    app.logged_in("cora", Role::Consulta).await;
    app.db(|c| {
        seed(c, "NORTE-1", |f| {
            f.descripcion_trabajo = "<b>Norte</b> uno".into()
        });
        seed(c, "NORTE-2", |_| {});
        seed(c, "SUR-1", |_| {});
    })
    .await;
    let list = app.get("/ot?q=norte").await.text().await.unwrap();
    let link = crate::helpers::attr(&list, "#imprimir-seleccion", "href");
    assert_eq!(link, "/ot/imprimir?q=norte");
    let body = app.get(&link).await.text().await.unwrap();
    assert_eq!(
        texts(&body, "article.ot-print h2.folio"),
        ["NORTE-2", "NORTE-1"]
    );
    assert_eq!(
        texts(&body, "article.ot-print table.pasos tbody tr").len(),
        12
    );
    assert!(!body.contains("<b>Norte</b>"), "escaped");
    assert!(texts(&body, "article.ot-print dd").contains(&"<b>Norte</b> uno".to_owned()));
    assert_eq!(texts(&body, "#seleccion-resumen"), ["2 OT, una por hoja."]);

    let none = app.get("/ot/imprimir?q=nadie").await.text().await.unwrap();
    assert!(texts(&none, "article.ot-print").is_empty());
    assert_eq!(
        texts(&none, "p.empty"),
        ["Ninguna OT coincide con los filtros."]
    );
}

#[tokio::test]
async fn w13_print_selection_is_bounded() {
    let app = spawn_app().await;
    app.logged_in("cora", Role::Consulta).await;
    let limit = faena::routes::work_orders::print::PRINT_LIMIT;
    app.db(move |c| {
        for i in 0..=limit {
            seed(c, &format!("OT-{i:03}"), |_| {});
        }
    })
    .await;
    let body = app
        .get("/ot/imprimir?per=10&page=3")
        .await
        .text()
        .await
        .unwrap();
    let printed = texts(&body, "article.ot-print h2.folio");
    assert_eq!(printed.len() as i64, limit);
    assert_eq!(
        printed[0],
        format!("OT-{limit:03}"),
        "newest first, from the first page"
    );
    let summary = texts(&body, "#seleccion-resumen")[0].clone();
    assert!(
        summary.contains(&format!("primeras {limit} de {}", limit + 1)),
        "{summary}"
    );
}

/// The list's totals are cached per instance; every kind of write, through any instance,
/// makes them be counted again (W12: the total is always the real one).
#[tokio::test]
async fn w12_cached_totals_follow_every_kind_of_write_on_any_instance() {
    use faena::db::work_orders::CountCache;
    use faena::domain::execution::StatusForm;
    use faena::routes::work_orders::list::ListQuery;

    let app = spawn_app().await;
    app.logged_in("ana", Role::Admin).await;
    let ids = app
        .db(|c| [seed(c, "A-1", |_| {}), seed(c, "A-2", |_| {})])
        .await;
    // Another instance's cache over the same database.
    let other = Arc::new(CountCache::default());
    let totals = |query: &'static str| {
        let other = other.clone();
        let app = &app;
        async move {
            let page = total(app, query).await;
            let q: ListQuery = serde_urlencoded::from_str(query.trim_start_matches('?')).unwrap();
            let cached = app
                .db(move |c| {
                    other
                        .count(
                            c,
                            &q.to_filter(
                                chrono::NaiveDate::from_ymd_opt(2025, 3, 6).unwrap(),
                                false,
                            ),
                        )
                        .unwrap()
                })
                .await;
            assert_eq!(page, cached, "{query}: this instance and the other agree");
            page
        }
    };
    assert_eq!(totals("").await, 2);
    assert_eq!(totals("?estatus=8").await, 0);
    let now = Utc::now().naive_utc();
    let actor = Actor::console();

    // Create (through the other instance's services).
    app.db(|c| seed(c, "A-3", |_| {})).await;
    assert_eq!(totals("").await, 3);
    // Status change (each filter is counted again just before the write it checks, so the
    // cache holds it at the current version).
    assert_eq!(totals("?estatus=8").await, 0);
    let first = ids[0];
    app.db(move |c| {
        let form = StatusForm {
            estatus: "8".into(),
            ..Default::default()
        };
        let catalogs = Catalogs::load(c).unwrap();
        faena::services::execution::change_status(
            c,
            &catalogs,
            first,
            &form,
            &actor,
            now.date(),
            now,
        )
        .unwrap();
    })
    .await;
    assert_eq!(totals("?estatus=8").await, 1);
    // Delete, then restore.
    assert_eq!(totals("").await, 3);
    let actor = Actor::console();
    app.db(move |c| services::work_orders::delete(c, first, &actor, now).unwrap())
        .await;
    assert_eq!(totals("?estatus=8").await, 0);
    assert_eq!(totals("").await, 2);
    let actor = Actor::console();
    app.db(move |c| services::work_orders::restore(c, first, &actor, now).unwrap())
        .await;
    assert_eq!(totals("").await, 3);
    // Edit: the client changes.
    let second = ids[1];
    assert_eq!(totals("?cliente=2").await, 0);
    app.db(move |c| {
        let o = faena::db::work_orders::find(c, second).unwrap().unwrap();
        let form = WorkOrderForm {
            id_tipo: "4".into(),
            id_pte: o.planning_doc_id.unwrap().to_string(),
            orden_trabajo: o.folio.clone(),
            oficio_ot: o.oficio.clone(),
            descripcion_trabajo: o.description.clone(),
            responsable_proyecto: "1".into(),
            responsable_cliente: "Ing. Pérez".into(),
            id_cliente: "2".into(),
            version: o.version.to_string(),
            ..Default::default()
        };
        let catalogs = Catalogs::load(c).unwrap();
        services::work_orders::update(c, &catalogs, second, &form, &Actor::console(), now).unwrap();
    })
    .await;
    assert_eq!(totals("?cliente=2").await, 1);
    // Bulk seeding.
    assert_eq!(totals("").await, 3);
    app.db(move |c| faena::seed::seed_demo(c, 30, now).unwrap())
        .await;
    assert_eq!(totals("").await, 23);
}

/// Every total the list can take from the totals the database keeps (issue 14), compared with a
/// count of the orders themselves: kind x status x manager x client x year, visible and deleted.
fn assert_kept_totals_match(c: &mut DbConn, when: &str) {
    use faena::db::work_orders::{ListFilter, count, count_orders};
    let mut checked = 0;
    for kind in [None, Some(4), Some(5)] {
        for status in [None, Some(5), Some(8), Some(10)] {
            for project_manager in [None, Some(1), Some(2)] {
                for client in [None, Some(1), Some(2)] {
                    for year in [None, Some(2025), Some(2026)] {
                        for deleted in [false, true] {
                            let f = ListFilter {
                                kind,
                                status,
                                project_manager,
                                client,
                                year,
                                deleted,
                                ..Default::default()
                            };
                            let kept = count(c, &f).unwrap();
                            let real = count_orders(c, &f).unwrap();
                            assert_eq!(kept, real, "{when}: {f:?}");
                            checked += i64::from(real > 0);
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 0, "{when}: some filters match orders");
    assert_kept_step_counts(c, when);
}

/// W10, issue 14: the step counts kept for each order (what the list's progress bars read)
/// equal a count of its steps, and a page of the list shows them.
fn assert_kept_step_counts(c: &mut DbConn, when: &str) {
    use faena::db::schema::order_step_counts as k;
    let ids: Vec<i32> = work_orders::table
        .select(work_orders::id)
        .order(work_orders::id)
        .load(c)
        .unwrap();
    let counted = faena::db::steps::counts(c, &ids).unwrap();
    let kept: std::collections::HashMap<i32, (i32, i32, i32)> = k::table
        .select((k::work_order_id, (k::total, k::completed, k::applicable)))
        .load::<(i32, (i32, i32, i32))>(c)
        .unwrap()
        .into_iter()
        .collect();
    for id in &ids {
        let real = counted.get(id).copied().unwrap_or_default();
        let (total, completed, applicable) = kept.get(id).copied().unwrap_or_default();
        assert_eq!(
            (
                i64::from(total),
                i64::from(completed),
                i64::from(applicable)
            ),
            (real.total, real.completed, real.applicable),
            "{when}: the steps of order {id}"
        );
    }
    assert!(!counted.is_empty(), "{when}: some orders have steps");
    // The list's rows carry them.
    let rows = faena::db::work_orders::rows_by_ids(c, &ids).unwrap();
    for row in rows {
        let real = counted.get(&row.order.id).copied().unwrap_or_default();
        assert_eq!(
            row.steps, real,
            "{when}: the list row of order {}",
            row.order.id
        );
    }
}

/// Issue 14: the list totals' queue is vacuumed by the app after every 1,000 changes it folds,
/// so a count (which reads the queue whole) stays cheap without autovacuum (off on the CI
/// machine's PostgreSQL: 802 pages after 60,000 creates, 2.2 ms per count). No app is started:
/// its housekeeping thread would fold the rows first.
#[test]
fn w12_the_list_totals_queue_is_vacuumed_after_a_thousand_folded_changes() {
    #[derive(QueryableByName)]
    struct Pages {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let test_db = crate::helpers::TestDb::fresh();
    let pool = faena::startup::open_database(&crate::helpers::test_config(test_db.url()))
        .expect("open database");
    let mut conn = pool.get().expect("connection");
    let mut folder = faena::db::work_orders::ListCountFolder::default();
    if !crate::helpers::on_postgres() {
        assert_eq!(
            folder.fold(&mut conn).unwrap(),
            0,
            "SQLite keeps its totals in place"
        );
        return;
    }
    // Changes that move no total (n = 0), as many as asked.
    let queue = |c: &mut DbConn, rows: i32| {
        diesel::sql_query(format!(
            "INSERT INTO list_count_changes \
             SELECT 4, 1, 1, 0, 0, 1, 0 FROM generate_series(1, {rows})"
        ))
        .execute(c)
        .unwrap();
    };
    let pages = |c: &mut DbConn| {
        diesel::sql_query("SELECT pg_relation_size('list_count_changes') / 8192 AS n")
            .get_result::<Pages>(c)
            .unwrap()
            .n
    };
    use faena::db::work_orders::ListFilter;
    let totals_before =
        faena::db::work_orders::count_orders(&mut conn, &ListFilter::default()).unwrap();
    queue(&mut conn, 900);
    assert_eq!(folder.fold(&mut conn).unwrap(), 900);
    let grown = pages(&mut conn);
    assert!(grown > 0, "900 folded rows still take their pages");
    queue(&mut conn, 2000);
    assert_eq!(folder.fold(&mut conn).unwrap(), 2000);
    assert_eq!(
        pages(&mut conn),
        0,
        "vacuumed past 1,000 folded changes ({grown} pages before)"
    );
    queue(&mut conn, 500);
    assert_eq!(folder.fold(&mut conn).unwrap(), 500);
    assert!(
        pages(&mut conn) > 0,
        "the count starts again after a vacuum"
    );
    assert_eq!(
        faena::db::work_orders::count_orders(&mut conn, &ListFilter::default()).unwrap(),
        totals_before
    );
}

/// W12, issue 14: the totals the list reads instead of counting orders follow every kind of
/// write (create, reprogramming, status, delete, restore, edit, bulk seeding, a statement that
/// changes many orders at once, a removed row), and on PostgreSQL folding the appended changes
/// into the totals changes no total. The step counts kept on each order (W10) follow every step
/// written: created with an order, changed by the service or many in one statement, moved to
/// another order, removed.
#[tokio::test]
async fn w12_kept_totals_equal_a_count_of_the_orders_after_every_kind_of_write() {
    use faena::domain::execution::StatusForm;
    let app = spawn_app().await;
    let now = Utc::now().naive_utc();
    let fold = |c: &mut DbConn| faena::db::work_orders::fold_list_counts(c).unwrap();
    let ids = app
        .db(move |c| {
            let first = seed(c, "K-1", |_| {});
            let second = seed(c, "K-2", |f| {
                f.id_cliente = "2".into();
                f.responsable_proyecto = "2".into();
                f.fecha_inicio_programado = "2026-03-01".into();
                f.fecha_termino_programado = "2026-04-01".into();
            });
            let child = reprogram(c, first);
            assert_kept_totals_match(c, "created");
            [first, second, child]
        })
        .await;
    let [first, second, child] = ids;
    app.db(move |c| {
        let form = StatusForm {
            estatus: "8".into(),
            ..Default::default()
        };
        let catalogs = Catalogs::load(c).unwrap();
        let console = Actor::console();
        services::execution::change_status(c, &catalogs, first, &form, &console, now.date(), now)
            .unwrap();
        assert_kept_totals_match(c, "status changed");
        services::work_orders::delete(c, child, &Actor::console(), now).unwrap();
        assert_kept_totals_match(c, "deleted");
        services::work_orders::restore(c, child, &Actor::console(), now).unwrap();
        services::work_orders::delete(c, second, &Actor::console(), now).unwrap();
        assert_kept_totals_match(c, "restored and deleted");
        fold(c);
        assert_kept_totals_match(c, "folded");
        faena::seed::seed_demo(c, 40, now).unwrap();
        assert_kept_totals_match(c, "bulk seeded");
        // One statement over many orders: half of them to FINISHED, the others' manager to 2.
        diesel::update(work_orders::table.filter(work_orders::id.gt(child)))
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "work_orders.id % 2 = 0",
            ))
            .set(work_orders::status_id.eq(10))
            .execute(c)
            .unwrap();
        diesel::update(work_orders::table.filter(work_orders::id.gt(child)))
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "work_orders.id % 2 = 1",
            ))
            .set((
                work_orders::project_manager_id.eq(2),
                work_orders::client_id.eq(None::<i32>),
            ))
            .execute(c)
            .unwrap();
        assert_kept_totals_match(c, "bulk updated");
        // Steps: one changed through the service (to COMPLETADO, then NO APLICA), many in one
        // statement, one moved to another order.
        use faena::db::schema::steps;
        let first_steps: Vec<i32> = steps::table
            .filter(steps::work_order_id.eq(first))
            .select(steps::id)
            .order(steps::id)
            .load(c)
            .unwrap();
        assert!(first_steps.len() >= 2, "the order has steps");
        let catalogs = Catalogs::load(c).unwrap();
        let today = now.date().to_string();
        for status in ["3", "14"] {
            let form = faena::domain::execution::StepForm {
                estatus: Some(status.into()),
                fecha_inicio: Some(today.clone()),
                fecha_termino: Some(today.clone()),
                fecha_entrega: Some(today.clone()),
                ..Default::default()
            };
            let step = services::execution::StepOf {
                order_id: first,
                step_id: first_steps[0],
            };
            services::execution::change_step(
                c,
                &catalogs,
                step,
                &form,
                &Actor::console(),
                now.date(),
                now,
            )
            .unwrap();
            assert_kept_step_counts(c, &format!("a step changed to {status}"));
        }
        diesel::update(steps::table.filter(steps::work_order_id.gt(child)))
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "steps.id % 3 = 0",
            ))
            .set(steps::status_id.eq(3))
            .execute(c)
            .unwrap();
        diesel::update(steps::table.filter(steps::work_order_id.gt(child)))
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "steps.id % 3 = 1",
            ))
            .set(steps::status_id.eq(14))
            .execute(c)
            .unwrap();
        assert_kept_step_counts(c, "steps bulk updated");
        diesel::update(steps::table.find(first_steps[1]))
            .set(steps::work_order_id.eq(child))
            .execute(c)
            .unwrap();
        assert_kept_step_counts(c, "a step moved to another order");
        // A row removed outright (no screen does it; a database administrator might), then, in
        // the same transaction (so that the instance's own folding cannot take these changes
        // first), the changes folded into the totals.
        c.transaction(|c| {
            diesel::delete(
                faena::db::schema::steps::table
                    .filter(faena::db::schema::steps::work_order_id.eq(second)),
            )
            .execute(c)?;
            diesel::delete(work_orders::table.find(second)).execute(c)?;
            assert_kept_totals_match(c, "removed");
            if matches!(c, DbConn::Sqlite(_)) {
                assert_eq!(fold(c), 0, "SQLite keeps its totals in place");
                return Ok::<_, diesel::result::Error>(());
            }
            // Another folder (this instance's housekeeping) may hold the fold for a moment.
            let folded = (0..200)
                .map(|_| {
                    let n = fold(c);
                    if n == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(10));
                    }
                    n
                })
                .find(|n| *n > 0);
            assert!(folded.is_some(), "PostgreSQL folds the appended changes");
            let left: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT COUNT(*) FROM list_count_changes)",
            ))
            .get_result(c)?;
            assert_eq!(left, 0, "nothing left to fold");
            Ok(())
        })
        .unwrap();
        assert_kept_totals_match(c, "folded again");
    })
    .await;
}

/// W12 (issue 12 §5): the free-text search ignores accents and case, and finds every typed word,
/// in any order, as a word or a part of one ("repar").
#[tokio::test]
async fn w12_search_ignores_accents_and_case_and_ands_the_words_in_any_order() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, _) = app
        .create_initial(
            "OT-DUCTO",
            &[("descripcion_trabajo", "Reparación de ducto de 12 pulgadas")],
        )
        .await;
    app.create_initial("OT-OTRA", &[("descripcion_trabajo", "Pintura de tanque")])
        .await;
    // The URL parser percent-encodes what is typed, as a browser does.
    let found = async |q: &str| folios(&app, &format!("?q={q}")).await;
    for q in [
        "reparacion",
        "REPARACIÓN",
        "Reparacion",
        "ducto 12",
        "12 ducto",
        "repar",
        "ot-ducto pulgadas",
    ] {
        assert_eq!(found(q).await, ["OT-DUCTO"], "{q}");
    }
    assert!(found("reparacion tanque").await.is_empty());
    assert_eq!(found("tanque").await, ["OT-OTRA"]);

    // A database written before: its texts kept accents (and its index held them: an older
    // binary indexed each text as it was written); the start-up step folds them once.
    app.db(move |c| {
        diesel::update(work_orders::table.find(id))
            .set(work_orders::search_text.eq("ot-ducto\nreparación de ducto"))
            .execute(c)
            .unwrap();
        index_noted_texts(c);
        diesel::delete(
            faena::db::schema::app_settings::table
                .filter(faena::db::schema::app_settings::name.eq("search_text_folded_2")),
        )
        .execute(c)
        .unwrap();
    })
    .await;
    assert!(
        found("reparacion").await.is_empty(),
        "the old text misses it"
    );
    let folded = app
        .db(|c| faena::services::listing::fold_search_texts(c, Utc::now().naive_utc()).unwrap())
        .await;
    assert_eq!(folded, 2);
    assert_eq!(found("reparacion").await, ["OT-DUCTO"]);
    let again = app
        .db(|c| faena::services::listing::fold_search_texts(c, Utc::now().naive_utc()).unwrap())
        .await;
    assert_eq!(again, 0, "once");
}

/// W12: a search of several words finds an order however far apart they are in its text and
/// whichever words share letters (on SQLite the words' phrases are preceded by a `NEAR` group of
/// one trigram each, with a distance no text reaches: issue 14), and a word with a quote in it
/// is a word like any other.
#[tokio::test]
async fn w12_a_search_of_several_words_finds_them_however_far_apart() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let filler = "sin datos relevantes ".repeat(90);
    let long = format!("Rehabilitación de ducto {filler} módulo habitacional \"norte\"");
    assert!(long.chars().count() > 1900);
    app.create_initial("OT-LARGA", &[("descripcion_trabajo", long.as_str())])
        .await;
    app.create_initial(
        "OT-CORTA",
        &[("descripcion_trabajo", "Rehabilitación de ductos")],
    )
    .await;
    let found = async |q: &str| folios(&app, &format!("?q={q}")).await;
    for q in [
        "rehabilitacion habitacional",
        "habitacional rehabilitacion",
        "ducto habitacional",
        "larga modulo",
        "\"norte\" rehabilitacion",
        "norte\" ducto",
    ] {
        assert_eq!(found(q).await, ["OT-LARGA"], "{q}");
    }
    assert_eq!(
        found("rehabilitacion ducto").await,
        ["OT-CORTA", "OT-LARGA"]
    );
    assert_eq!(found("ductos rehabilitacion").await, ["OT-CORTA"]);
    assert!(found("ductos habitacional").await.is_empty());
    assert!(found("\"sur\" rehabilitacion").await.is_empty());
}

/// W12, issue 14: on PostgreSQL a search's first page is first read among the newest 5,000
/// orders and, when they do not fill it, through the trigram index (planned for the words, a
/// search whose matches are few or old read every order). Matches older than those are found,
/// newest first, and a page the newest orders fill is theirs.
#[tokio::test]
async fn w12_a_search_finds_matches_older_than_the_newest_five_thousand_orders() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (oldest, _) = app
        .create_initial(
            "OT-VIEJA",
            &[("descripcion_trabajo", "Reparación de grúa viajera")],
        )
        .await;
    app.create_initial(
        "OT-VIEJA-2",
        &[("descripcion_trabajo", "Grúa viajera, ajuste")],
    )
    .await;
    app.db(move |c| {
        insert_filler_reprogrammings(c, oldest);
    })
    .await;
    app.create_initial("OT-NUEVA", &[("descripcion_trabajo", "Grúa viajera nueva")])
        .await;
    let found = async |q: &str| folios(&app, &format!("?q={q}&tipo=todos")).await;
    assert_eq!(
        found("viajera").await,
        ["OT-NUEVA", "OT-VIEJA-2", "OT-VIEJA"]
    );
    assert_eq!(
        found("grua viajera").await,
        ["OT-NUEVA", "OT-VIEJA-2", "OT-VIEJA"]
    );
    assert_eq!(found("viajera ajuste").await, ["OT-VIEJA-2"]);
    assert_eq!(found("reparacion viajera").await, ["OT-VIEJA"]);
    assert!(found("viajera relleno").await.is_empty());
    let filler = found("relleno").await;
    assert_eq!(filler.len(), 25, "a full first page");
    assert!(filler.iter().all(|f| f == "OT-RELLENO"), "{filler:?}");
}

/// W12, issue 14: the window of a search's first page starts at the newest order the filter
/// lists, not at the newest order of the table. After 5,100 reprogrammings (the newest ids), a
/// word in 30 initial orders is still found in the default list's window on PostgreSQL; with
/// the window at the table's newest ids it held no initial order and every match was read
/// through the trigram index and sorted (25 ms at 100,000 orders for "reparación").
#[tokio::test]
async fn w12_a_search_reads_its_window_from_the_newest_order_its_filter_lists() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Consulta).await;
    let matching = app
        .db(|c| {
            let ids: Vec<i32> = (0..30)
                .map(|i| {
                    seed(c, &format!("GRUA-{i:02}"), |f| {
                        f.descripcion_trabajo = "Reparación de grúa viajera".into();
                    })
                })
                .collect();
            seed(c, "OTRA", |_| {});
            insert_filler_reprogrammings(c, ids[0]);
            ids
        })
        .await;
    let newest_first: Vec<i32> = matching.iter().rev().take(25).copied().collect();
    assert_eq!(listed_ids(&app, "?q=grua").await, newest_first);
    assert_eq!(
        listed_ids(&app, "?q=reparacion+viajera").await,
        newest_first
    );
    assert_eq!(
        listed_ids(&app, "?q=grua&page=2").await,
        matching.iter().rev().skip(25).copied().collect::<Vec<_>>()
    );
    let ways = app
        .db(|c| {
            [
                "q=grua",
                "q=reparacion+viajera",
                "q=grua&tipo=todos",
                "q=relleno&tipo=todos",
            ]
            .map(|q| faena::db::work_orders::search_way(c, &filter_of(q)).unwrap())
        })
        .await;
    if crate::helpers::on_postgres() {
        use faena::db::work_orders::SearchWay::{TrigramIndex, Window};
        assert_eq!(
            ways,
            [Some(Window), Some(Window), Some(TrigramIndex), Some(Window)],
            "every kind: the newest 5,000 are the filler"
        );
        // The trigram path's planner setting does not outlive its statement, even inside a
        // longer transaction.
        let after = app
            .db(|c| {
                c.transaction(|c| {
                    let way =
                        faena::db::work_orders::search_way(c, &filter_of("q=grua&tipo=todos"));
                    assert_eq!(way.unwrap(), Some(TrigramIndex));
                    diesel::sql_query("SELECT current_setting('enable_indexscan') AS value")
                        .get_result::<Setting>(c)
                })
                .unwrap()
                .value
            })
            .await;
        assert_eq!(after, "on");
    } else {
        assert_eq!(ways, [None; 4], "SQLite reads its search index");
    }
}

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
}

/// Issue 14: a status filter over every kind (`?estatus=7&tipo=todos`, "every suspended
/// order") lists that status's initial orders and reprogrammings, newest first, and reads its page
/// in index order. The status index began with the kind (migration 000012), so SQLite skipped over
/// the kinds and sorted every order of the status to find the first page (15–71 ms at 1,000,000
/// orders); migration 000018 puts the status first. (The plan is checked on SQLite; PostgreSQL
/// plans this small a table by cost alone.)
#[tokio::test]
async fn w12_a_status_filter_over_every_kind_reads_its_page_in_index_order() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Consulta).await;
    let (a, b, ra, rb, other) = app
        .db(|c| {
            let a = seed(c, "A-1", |_| {});
            let b = seed(c, "B-2", |_| {});
            let ra = reprogram(c, a);
            let other = seed(c, "C-3", |_| {});
            let rb = reprogram(c, b);
            diesel::update(work_orders::table.filter(work_orders::id.eq_any([a, ra, rb])))
                .set(work_orders::status_id.eq(7))
                .execute(c)
                .unwrap();
            (a, b, ra, rb, other)
        })
        .await;
    let ids = async |query: &str| listed_ids(&app, query).await;
    assert_eq!(ids("?estatus=7&tipo=todos").await, [rb, ra, a]);
    assert_eq!(ids("?estatus=7").await, [a], "initial orders by default");
    assert_eq!(ids("?estatus=7&tipo=5").await, [rb, ra]);
    assert!(!ids("?estatus=7&tipo=todos").await.contains(&other));
    assert!(!ids("?estatus=7&tipo=todos").await.contains(&b));

    let plan = sqlite_plan(
        &app,
        "SELECT work_orders.id FROM work_orders \
         WHERE work_orders.record_state <> 0 AND work_orders.status_id = 7 \
         ORDER BY work_orders.id DESC LIMIT 25 OFFSET 0",
    )
    .await;
    if !plan.is_empty() {
        assert!(
            plan.iter()
                .any(|l| l.contains("COVERING INDEX work_orders_status_idx (status_id=?)")),
            "{plan:?}"
        );
        assert!(
            !plan.iter().any(|l| l.contains("TEMP B-TREE")),
            "no sort: {plan:?}"
        );
    }
}

/// The order ids a list page shows, in its order.
async fn listed_ids(app: &TestApp, query: &str) -> Vec<i32> {
    let body = app.get(&format!("/ot{query}")).await.text().await.unwrap();
    let mut ids: Vec<i32> = body
        .split("<tr")
        .filter_map(|row| row.split("href=\"/ot/").nth(1))
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect();
    ids.dedup();
    ids
}

/// SQLite's `EXPLAIN QUERY PLAN` of `sql`, one line per node; empty on PostgreSQL, which plans
/// a test's small tables by cost alone.
async fn sqlite_plan(app: &TestApp, sql: &str) -> Vec<String> {
    let sql = format!("EXPLAIN QUERY PLAN {sql}");
    app.db(move |c| {
        #[derive(QueryableByName)]
        struct Node {
            #[diesel(sql_type = diesel::sql_types::Text)]
            detail: String,
        }
        match c {
            DbConn::Sqlite(_) => diesel::sql_query(sql)
                .load::<Node>(c)
                .unwrap()
                .into_iter()
                .map(|n| n.detail)
                .collect(),
            DbConn::Pg(_) => Vec::new(),
        }
    })
    .await
}

/// Issue 14: a list filtered on several key columns at once (status, manager, client, year)
/// lists exactly the orders that match all of them, newest first, and tests them inside the
/// index it reads: each filter index carries every key column (migration 000019). Before, the
/// order's row was read for every index entry to test the other columns — about 2,600 rows for
/// one page at 1,000,000 orders. (The plan is checked on SQLite.)
#[tokio::test]
async fn w12_a_filter_on_several_key_columns_is_tested_inside_its_index() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Consulta).await;
    let (hit, older_hit, reprogrammed, other_status) = app
        .db(|c| {
            let both = |f: &mut WorkOrderForm| {
                f.responsable_proyecto = "2".into();
                f.id_cliente = "2".into();
                f.fecha_inicio_programado = "2026-03-02".into();
                f.fecha_termino_programado = "2026-04-02".into();
            };
            let older_hit = seed(c, "A-1", both);
            seed(c, "B-2", |f| {
                both(f);
                f.responsable_proyecto = "1".into();
            });
            seed(c, "C-3", |f| {
                both(f);
                f.id_cliente = "1".into();
            });
            seed(c, "D-4", |f| {
                both(f);
                f.fecha_inicio_programado = "2025-03-02".into();
                f.fecha_termino_programado = "2025-04-02".into();
            });
            let other_status = seed(c, "E-5", both);
            let hit = seed(c, "F-6", both);
            let reprogrammed = reprogram(c, hit);
            diesel::update(work_orders::table.filter(work_orders::id.ne(other_status)))
                .set(work_orders::status_id.eq(7))
                .execute(c)
                .unwrap();
            diesel::update(work_orders::table.filter(work_orders::id.eq(reprogrammed)))
                .set((
                    work_orders::project_manager_id.eq(2),
                    work_orders::client_id.eq(2),
                    work_orders::list_year.eq(2026),
                ))
                .execute(c)
                .unwrap();
            (hit, older_hit, reprogrammed, other_status)
        })
        .await;
    let all = "?estatus=7&responsable=2&cliente=2&anio=2026";
    assert_eq!(listed_ids(&app, all).await, [hit, older_hit]);
    assert_eq!(
        listed_ids(&app, &format!("{all}&tipo=todos")).await,
        [reprogrammed, hit, older_hit]
    );
    assert_eq!(
        listed_ids(&app, "?estatus=5&responsable=2&cliente=2&anio=2026").await,
        [other_status],
        "5 is a new order's status"
    );

    let conditions = [
        "work_orders.status_id = 7",
        "work_orders.project_manager_id = 2",
        "work_orders.client_id = 2",
        "work_orders.list_year = 2026",
    ];
    for (leading, index) in [
        ("status_id", "work_orders_status_idx"),
        ("project_manager_id", "work_orders_pm_idx"),
        ("client_id", "work_orders_client_idx"),
        ("list_year", "work_orders_year_idx"),
    ] {
        // Each index in turn: the others are kept out of the plan with `+` (no index).
        let filter = conditions
            .iter()
            .map(|c| {
                if c.contains(leading) {
                    (*c).to_owned()
                } else {
                    format!("+{c}")
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ");
        let plan = sqlite_plan(
            &app,
            &format!(
                "SELECT work_orders.id FROM work_orders \
                 WHERE work_orders.record_state <> 0 AND work_orders.kind_id = 4 AND {filter} \
                 ORDER BY work_orders.id DESC LIMIT 25 OFFSET 0"
            ),
        )
        .await;
        if !plan.is_empty() {
            assert!(
                plan.iter()
                    .any(|l| l.contains(&format!("COVERING INDEX {index} ({leading}=?)"))),
                "{plan:?}"
            );
            assert!(!plan.iter().any(|l| l.contains("TEMP B-TREE")), "{plan:?}");
        }
    }
}

/// What the app's next write transaction does first on SQLite: index the texts written outside
/// it (`db::search_index`). PostgreSQL indexes each row as it is written.
fn index_noted_texts(c: &mut DbConn) {
    if let DbConn::Sqlite(c) = c {
        faena::db::search_index::apply_pending(c).unwrap();
    }
}

/// 5,100 reprogrammings without a parent ("OT-RELLENO", text "relleno"), copied from order
/// `from` in one statement and indexed: the newest ids, fast.
fn insert_filler_reprogrammings(c: &mut DbConn, from: i32) {
    diesel::sql_query(format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5100) \
         INSERT INTO work_orders (kind_id, planning_doc_id, folio, oficio, description, \
             project_manager_id, client_representative, client_id, status_id, record_state, \
             parent_id, revision, planned_start, planned_end, front_id, list_year, \
             search_text, version, created_at, created_by, updated_at, updated_by) \
         SELECT 5, w.planning_doc_id, 'OT-RELLENO', w.oficio, 'Relleno', \
             w.project_manager_id, w.client_representative, w.client_id, w.status_id, \
             w.record_state, NULL, 1, w.planned_start, w.planned_end, w.front_id, \
             w.list_year, 'ot-relleno relleno', w.version, w.created_at, w.created_by, \
             w.updated_at, w.updated_by \
         FROM work_orders w, n WHERE w.id = {from}"
    ))
    .execute(c)
    .unwrap();
    index_noted_texts(c);
}

/// Texts noted for the search index and not yet in it (SQLite; none on PostgreSQL).
fn noted_texts(c: &mut DbConn) -> i64 {
    match c {
        DbConn::Sqlite(c) => diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT COUNT(*) FROM work_order_search_pending)",
        ))
        .get_result(c)
        .unwrap(),
        DbConn::Pg(_) => 0,
    }
}

/// Issue 14: on SQLite the search index is written once per write transaction (or group-commit
/// batch), from the texts its triggers noted. Every save leaves nothing noted behind, and a text
/// written by hand (the sqlite3 shell) is found after the next save of any kind, or after the
/// next start of an instance.
#[tokio::test]
async fn w12_the_search_index_follows_every_save_and_texts_written_by_hand() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (uno, _) = app
        .create_initial("OT-UNO", &[("descripcion_trabajo", "Pintura de tanque")])
        .await;
    let found = async |q: &str| folios(&app, &format!("?q={q}")).await;
    assert_eq!(found("tanque").await, ["OT-UNO"]);
    assert_eq!(
        app.db(noted_texts).await,
        0,
        "a create leaves nothing noted"
    );

    // Written by hand, outside the app.
    app.db(move |c| {
        diesel::update(work_orders::table.find(uno))
            .set(work_orders::search_text.eq("ot-uno\ninspeccion de grua"))
            .execute(c)
            .unwrap();
    })
    .await;
    // Any save: here another order.
    app.create_initial("OT-DOS", &[("descripcion_trabajo", "Soldadura de ducto")])
        .await;
    assert_eq!(found("grua").await, ["OT-UNO"]);
    assert!(found("tanque").await.is_empty(), "the old text is gone");
    assert_eq!(found("soldadura").await, ["OT-DOS"]);
    assert_eq!(app.db(noted_texts).await, 0);

    // Written by hand again; then an instance starts.
    app.db(move |c| {
        diesel::update(work_orders::table.find(uno))
            .set(work_orders::search_text.eq("ot-uno\nrecubrimiento anticorrosivo"))
            .execute(c)
            .unwrap();
    })
    .await;
    app.another_instance().await;
    assert_eq!(found("anticorrosivo").await, ["OT-UNO"]);
    assert!(found("grua").await.is_empty());
    assert_eq!(app.db(noted_texts).await, 0);
}

/// W12 (issue 12 §5): the search also finds the client representative and the client's and
/// project manager's names (through their catalogs, so a rename is found at once), and the
/// index stays in step with every edit and deletion.
#[tokio::test]
async fn w12_search_finds_names_and_follows_edits_renames_and_deletions() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (pemex, _) = app
        .create_initial(
            "OT-PEMEX",
            &[
                ("descripcion_trabajo", "Pintura de tanque"),
                ("responsable_cliente", "Ing. Úrsula Ñeco"),
            ],
        )
        .await;
    app.create_initial(
        "OT-B",
        &[
            ("descripcion_trabajo", "Pintura de tanque"),
            ("id_cliente", "5"),
            ("responsable_proyecto", "2"),
        ],
    )
    .await;
    let found = async |q: &str| {
        let mut f = folios(&app, &format!("?q={q}")).await;
        f.sort();
        f
    };
    assert_eq!(found("ursula").await, ["OT-PEMEX"], "representative");
    assert_eq!(found("neco tanque").await, ["OT-PEMEX"]);
    assert_eq!(found("sureste").await, ["OT-B"], "client name");
    assert_eq!(found("exploracion pintura").await, ["OT-PEMEX"]);
    assert_eq!(found("ramirez").await, ["OT-B"], "project manager");
    assert_eq!(found("tanque").await, ["OT-B", "OT-PEMEX"]);
    assert_eq!(found("ñe").await, ["OT-PEMEX"], "a short word is found too");
    assert!(found("sureste pemex").await.is_empty(), "every word");

    // Renaming a client: its orders answer to the new name at once, not to the old one.
    app.db(|c| {
        let form = faena::domain::catalog::EntryForm {
            descripcion: "Naviera del Pacífico".into(),
            grupo: "15".into(),
            comentario: String::new(),
        };
        services::catalogs::update(
            c,
            faena::domain::catalog::Catalog::Clients,
            5,
            &form,
            &Actor::console(),
            Utc::now().naive_utc(),
        )
        .unwrap();
    })
    .await;
    assert!(found("sureste").await.is_empty());
    assert_eq!(found("pacifico").await, ["OT-B"]);

    // Editing the description and deleting an order keep the index in step.
    app.db(move |c| {
        let o = faena::db::work_orders::find(c, pemex).unwrap().unwrap();
        let form = WorkOrderForm {
            id_tipo: "4".into(),
            id_pte: o.planning_doc_id.unwrap().to_string(),
            orden_trabajo: o.folio.clone(),
            oficio_ot: o.oficio.clone(),
            descripcion_trabajo: "Reparación de grúa".into(),
            responsable_proyecto: "1".into(),
            responsable_cliente: o.client_representative.clone(),
            id_cliente: "1".into(),
            version: o.version.to_string(),
            ..Default::default()
        };
        let catalogs = Catalogs::load(c).unwrap();
        let now = Utc::now().naive_utc();
        services::work_orders::update(c, &catalogs, pemex, &form, &Actor::console(), now).unwrap();
    })
    .await;
    assert_eq!(found("grua").await, ["OT-PEMEX"]);
    assert_eq!(found("tanque").await, ["OT-B"]);
    // A row removed from the table leaves the index too (the import and the tests remove rows).
    app.db(move |c| {
        diesel::delete(
            faena::db::schema::steps::table
                .filter(faena::db::schema::steps::work_order_id.eq(pemex)),
        )
        .execute(c)
        .unwrap();
        diesel::delete(work_orders::table.find(pemex))
            .execute(c)
            .unwrap();
    })
    .await;
    assert!(found("grua").await.is_empty());
}

/// Issue 12 §1: rows ticked in the list are printed and exported on their own, whatever their
/// kind; an empty selection is refused rather than taken for the whole list.
#[tokio::test]
async fn w13_the_ticked_rows_are_printed_and_exported_on_their_own() {
    let app = spawn_app().await;
    app.logged_in("cora", Role::Consulta).await;
    let (a, _b, c, child) = app
        .db(|conn| {
            let a = seed(conn, "MARCA-A", |_| {});
            let b = seed(conn, "MARCA-B", |_| {});
            let c = seed(conn, "MARCA-C", |_| {});
            let child = reprogram(conn, a);
            (a, b, c, child)
        })
        .await;
    let list = app.get("/ot").await.text().await.unwrap();
    assert_eq!(
        crate::helpers::attr(&list, &format!("input.row-check[value='{a}']"), "form"),
        "seleccion"
    );
    let printed = app
        .get(&format!(
            "/ot/imprimir?seleccion=1&ids={a}&ids={c}&ids={child}"
        ))
        .await
        .text()
        .await
        .unwrap();
    let mut folios = texts(&printed, "article.ot-print h2.folio");
    folios.sort();
    assert_eq!(
        folios,
        ["MARCA-A", "MARCA-A", "MARCA-C"],
        "a reprogramming too"
    );
    let csv = app
        .get(&format!("/ot/exportar.csv?seleccion=1&ids={c}"))
        .await
        .bytes()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "MARCA-C");
    let none = app.get("/ot/imprimir?seleccion=1").await;
    assert_eq!(none.status(), 422);
    assert!(
        none.text()
            .await
            .unwrap()
            .contains("Marque al menos una orden en la lista.")
    );
}

/// W12 (issue 12 §5): a word found in more than a thousand orders says "más de 1,000" instead of
/// counting them all, and its pages keep the list's order (newest first by default, oldest first
/// when asked), the same rows as the unsearched list when every order matches.
#[tokio::test]
async fn w12_a_common_searched_word_stops_counting_at_a_thousand_and_keeps_the_order() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Consulta).await;
    let now = Utc::now().naive_utc();
    app.db(move |c| faena::seed::seed_demo(c, 1700, now).unwrap())
        .await;
    let page = async |q: &str| {
        let body = app.get(&format!("/ot{q}")).await.text().await.unwrap();
        (
            texts(&body, "#total-ot")[0].clone(),
            texts(&body, "#lista-ot tbody tr td:first-child a"),
        )
    };
    let (all_total, newest) = page("").await;
    let initials: i64 = all_total.replace(',', "").parse().unwrap();
    assert!(initials > 1000, "{all_total}");
    // Every demo folio holds "ot-": the search matches every listed order.
    let (total, searched) = page("?q=ot-").await;
    assert_eq!(total, "más de 1,000");
    assert_eq!(searched, newest, "newest first, like the list");
    let (_, second) = page("?q=ot-&page=2").await;
    let (_, second_all) = page("?page=2").await;
    assert_eq!(second, second_all);
    let (_, oldest) = page("?q=ot-&orden=id").await;
    let (_, oldest_all) = page("?orden=id").await;
    assert_eq!(oldest, oldest_all, "oldest first when asked");
    let (_, by_folio) = page("?q=ot-&orden=-folio").await;
    let (_, by_folio_all) = page("?orden=-folio").await;
    assert_eq!(by_folio, by_folio_all);
    // A rarer word is counted exactly.
    let (rare, _) = page("?q=ot-+habitacional").await;
    let rare: i64 = rare.replace(',', "").parse().unwrap();
    assert!(rare > 0 && rare < 1000, "{rare}");
    // The legacy datatable says the same: at most the limit plus one.
    let t: serde_json::Value = app
        .get("/operaciones/ot/datatable/?draw=1&start=0&length=10&search%5Bvalue%5D=ot-")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["recordsFiltered"], 1001);
}

/// Issue 14: the work orders' version is spread over rows (concurrent saves on PostgreSQL no
/// longer wait on one row), and what a reader sees still grows by one with every save.
#[tokio::test]
async fn w12_the_list_version_grows_with_every_save_whichever_row_it_lands_on() {
    use faena::db::versions::{WORK_ORDERS, current, touch};
    let app = spawn_app().await;
    app.db(|c| {
        let before = current(c, WORK_ORDERS).unwrap();
        for i in 1..=64 {
            touch(c, WORK_ORDERS).unwrap();
            assert_eq!(current(c, WORK_ORDERS).unwrap(), before + i);
        }
        let bumped: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT COUNT(*) FROM list_versions WHERE version > 0 AND \
              (name = 'work_orders' OR (name > 'work_orders#' AND name < 'work_orders$')))",
        ))
        .get_result(c)
        .unwrap();
        assert!(bumped > 4, "64 saves spread over {bumped} rows");
    })
    .await;
}

/// PostgreSQL keeps one plan per prepared statement, whatever its values (as SQLite's QPSG);
/// only a list whose best plan depends on its filter's values (a status and a manager, a text
/// search…) is planned for them, and the connection goes back to one plan after. One status
/// alone is read through its index whatever the value: one plan.
#[tokio::test]
async fn w12_only_lists_filtered_by_values_are_planned_for_them() {
    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        mode: String,
    }
    let app = spawn_app().await;
    let seen = app
        .db(|c| {
            for i in 0..30 {
                seed(c, &format!("OT-{i:03}"), |_| {});
            }
            let cache = faena::db::caches::Caches::default();
            for _ in 0..8 {
                load(
                    c,
                    &filter_of("per=10&estatus=8&responsable=1"),
                    &cache,
                    None,
                )
                .unwrap();
                load(c, &filter_of("per=10&estatus=8"), &cache, None).unwrap();
                load(c, &filter_of("per=10&page=2"), &cache, None).unwrap();
            }
            let DbConn::Pg(_) = c else {
                // SQLite: nothing to switch; the helper just runs the query.
                let ran = faena::db::with_plans_for_values(c, |_| Ok(7)).unwrap();
                assert_eq!(ran, 7);
                return None;
            };
            let plans = prepared_plans(c);
            let mode = |c: &mut DbConn| {
                diesel::sql_query("SELECT current_setting('plan_cache_mode') AS mode")
                    .get_result::<Mode>(c)
                    .unwrap()
                    .mode
            };
            let before = mode(c);
            let inside = faena::db::with_plans_for_values(c, |c| {
                // Nested (a page and its count), the same transaction.
                faena::db::with_plans_for_values(c, |c| Ok(mode(c)))
            })
            .unwrap();
            let failed = faena::db::with_plans_for_values(c, |c| {
                diesel::sql_query("SELECT 1/0").execute(c).map(drop)
            });
            assert!(failed.is_err());
            Some((plans, before, inside, mode(c)))
        })
        .await;
    let Some((plans, before, inside, after)) = seen else {
        return;
    };
    assert_eq!(before, "force_generic_plan");
    assert_eq!(inside, "auto");
    assert_eq!(after, "force_generic_plan", "after a failed query too");
    let page_ids = |status: bool, manager: bool| {
        plans
            .iter()
            .find(|(sql, _)| {
                sql.starts_with("SELECT \"work_orders\".\"id\" FROM")
                    && sql.contains("LIMIT")
                    && sql.contains("\"status_id\" = $") == status
                    && sql.contains("\"project_manager_id\" = $") == manager
            })
            .map(|(_, plans)| *plans)
            .unwrap_or_else(|| panic!("no page statement ({status}, {manager}) in {plans:?}"))
    };
    // (generic, custom) plans of each page's id statement over 8 loads.
    // Left to choose, PostgreSQL plans a statement's first five runs for their values, then
    // keeps the generic plan only when it costs no more (here, 30 orders: it does).
    let (generic, custom) = page_ids(true, true);
    assert_eq!(generic + custom, 8);
    assert!(
        custom >= 5,
        "a status and a manager are planned for their values: {custom}"
    );
    for (filter, status) in [("a status alone", true), ("the unfiltered page", false)] {
        let (generic, custom) = page_ids(status, false);
        assert_eq!(custom, 0, "{filter} runs from one plan");
        assert!(generic >= 8, "{filter}: {generic}");
    }
}

/// Each prepared statement of the connection with its (generic, custom) plan counts
/// (PostgreSQL).
fn prepared_plans(c: &mut DbConn) -> Vec<(String, (i64, i64))> {
    #[derive(QueryableByName)]
    struct Plans {
        #[diesel(sql_type = diesel::sql_types::Text)]
        statement: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        generic_plans: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        custom_plans: i64,
    }
    diesel::sql_query("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        .load::<Plans>(c)
        .unwrap()
        .into_iter()
        .map(|p| (p.statement, (p.generic_plans, p.custom_plans)))
        .collect()
}
