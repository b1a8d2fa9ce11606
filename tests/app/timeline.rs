//! W20: the fleet and yard timeline and double bookings — the warning after a save (form and
//! JSON API), the timeline's drawing, table and CSV, parent and reprogramming, finished orders
//! and yard phases.

use chrono::NaiveDate;
use diesel::prelude::*;
use faena::db::schema::work_orders;
use faena::domain::role::Role;

use crate::helpers::{TestApp, location, spawn_app_with, texts};

async fn setup() -> TestApp {
    let app = spawn_app_with(|c| c.fixed_today = NaiveDate::from_ymd_opt(2025, 3, 10)).await;
    app.logged_in("gus", Role::Gestor).await;
    app
}

/// An initial OT on vessel 7 (Emb. Atlantis Tide) over the window.
async fn on_vessel(
    app: &TestApp,
    folio: &str,
    from: &str,
    to: &str,
    extra: &[(&str, &str)],
) -> i32 {
    let mut fields = vec![
        ("id_frente", "2"),
        ("id_embarcacion", "7"),
        ("fecha_inicio_programado", from),
        ("fecha_termino_programado", to),
    ];
    fields.extend_from_slice(extra);
    app.create_initial(folio, &fields).await.0
}

/// The JSON API's fields for an initial OT from `pte` on vessel 7 over the window.
fn api_initial_on_vessel(
    pte: i32,
    folio: &str,
    from: &str,
    to: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("id_tipo", "4".to_owned()),
        ("id_pte", pte.to_string()),
        ("orden_trabajo", folio.to_owned()),
        ("oficio_ot", format!("PEP-{folio}")),
        ("descripcion_trabajo", "Otra obra".to_owned()),
        ("responsable_proyecto", "1".to_owned()),
        ("responsable_cliente", "Ing. Pérez".to_owned()),
        ("id_cliente", "1".to_owned()),
        ("id_frente", "2".to_owned()),
        ("id_embarcacion", "7".to_owned()),
        ("fecha_inicio_programado", from.to_owned()),
        ("fecha_termino_programado", to.to_owned()),
    ]
}

/// The flash of the next page.
async fn flash_after(app: &TestApp, r: reqwest::Response) -> String {
    let page = app.get(&location(&r)).await.text().await.unwrap();
    texts(&page, ".flash").join(" ")
}

#[tokio::test]
async fn w20_a_double_booked_vessel_is_warned_drawn_and_listed() {
    let app = setup().await;
    let a = on_vessel(&app, "OT-A", "01/03/2025", "31/03/2025", &[]).await;
    let page = app.get(&format!("/ot/{a}")).await.text().await.unwrap();
    assert!(
        texts(&page, ".flash-warn").is_empty(),
        "alone on its vessel"
    );

    // A second order on the same vessel from the 25th: saved, with a warning naming OT-A.
    let pte = app.create_pte("PTE-OT-B", "1").await;
    let mut fields = crate::helpers::initial_fields(pte, "OT-B");
    for (k, v) in [
        ("id_frente", "2"),
        ("id_embarcacion", "7"),
        ("fecha_inicio_programado", "25/03/2025"),
        ("fecha_termino_programado", "10/04/2025"),
    ] {
        crate::helpers::set(&mut fields, k, v);
    }
    let r = app.post_order(None, &fields).await;
    assert_eq!(r.status(), 303, "a conflict never refuses the save");
    let b = crate::helpers::id_from_location(&r);
    let flash = flash_after(&app, r).await;
    assert!(
        flash.contains(
            "Traslape con OT-A en Emb. Atlantis Tide del 25/03/2025 al 31/03/2025 (7 días)"
        ),
        "{flash}"
    );
    // Its page shows it too, and so does OT-A's.
    let page = app.get(&format!("/ot/{a}")).await.text().await.unwrap();
    assert!(
        texts(&page, "#traslapes-ot")
            .join(" ")
            .contains("Traslape con OT-B")
    );

    let timeline = app
        .get("/programa?desde=01/03/2025&hasta=30/04/2025")
        .await
        .text()
        .await
        .unwrap();
    let rows = texts(&timeline, "table#traslapes tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].contains("OT-A")
            && rows[0].contains("OT-B")
            && rows[0].contains("Emb. Atlantis Tide")
    );
    assert!(
        rows[0].contains("25/03/2025") && rows[0].contains("31/03/2025") && rows[0].contains('7')
    );
    let doc = scraper::Html::parse_document(&timeline);
    let count = |css: &str| doc.select(&scraper::Selector::parse(css).unwrap()).count();
    assert_eq!(count("#linea-tiempo rect.tl-conflict"), 1);
    assert_eq!(count(&format!("#linea-tiempo a[href='/ot/{a}']")), 1);
    assert_eq!(count(&format!("#linea-tiempo a[href='/ot/{b}']")), 1);
    let csv = app
        .get("/programa.csv?desde=2025-03-01&hasta=2025-04-30")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("OT-A,Emb. Atlantis Tide,Embarcación,01/03/2025,31/03/2025"),
        "{csv}"
    );
    assert!(
        csv.lines().filter(|l| l.ends_with(",sí")).count() == 2,
        "{csv}"
    );

    // Editing B off the vessel's busy days clears the warning.
    let token = app.csrf_from(&format!("/ot/{b}/editar")).await;
    let page = app
        .get(&format!("/ot/{b}/editar"))
        .await
        .text()
        .await
        .unwrap();
    let version = crate::helpers::attr(&page, "input[name=version]", "value");
    let mut edit = fields.clone();
    crate::helpers::set(&mut edit, "fecha_inicio_programado", "01/04/2025");
    crate::helpers::set(&mut edit, "version", &version);
    crate::helpers::set(&mut edit, "csrf_token", &token);
    let body: Vec<(&str, &str)> = edit.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form(&format!("/ot/{b}"), &body).await;
    assert_eq!(r.status(), 303);
    let flash = flash_after(&app, r).await;
    assert!(
        flash.contains("Cambios guardados") && !flash.contains("Traslape"),
        "{flash}"
    );

    // Finished orders do not hold the vessel.
    app.db(move |c| {
        diesel::update(work_orders::table.find(a))
            .set(work_orders::status_id.eq(10))
            .execute(c)
            .unwrap();
    })
    .await;
    let timeline = app
        .get("/programa?desde=01/03/2025&hasta=30/04/2025")
        .await
        .text()
        .await
        .unwrap();
    assert!(texts(&timeline, "table#traslapes tbody tr").is_empty());
    assert!(!texts(&timeline, "#sin-traslapes").is_empty());
}

#[tokio::test]
async fn w20_the_api_warns_and_a_reprogramming_does_not_conflict_with_its_parent() {
    let app = setup().await;
    let a = on_vessel(&app, "OT-A", "01/03/2025", "31/03/2025", &[]).await;
    let token = app.csrf_from("/ot").await;
    let post = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        let token = token.clone();
        async move {
            app.client
                .post(app.url("/operaciones/ot/crear-ot-reprogramacion/"))
                .header("x-csrf-token", token)
                .form(&fields)
                .send()
                .await
                .unwrap()
        }
    };
    // A reprogramming of OT-A on the same vessel and days: no warning.
    let reprogram = vec![
        ("id_tipo", "5".to_owned()),
        ("ot_principal", a.to_string()),
        ("oficio_ot", "PEP-R1".to_owned()),
        ("descripcion_trabajo", "Reprogramación".to_owned()),
        ("responsable_proyecto", "1".to_owned()),
        ("responsable_cliente", "Ing. Pérez".to_owned()),
        ("id_cliente", "1".to_owned()),
        ("id_frente", "2".to_owned()),
        ("id_embarcacion", "7".to_owned()),
        ("fecha_inicio_programado", "10/03/2025".to_owned()),
        ("fecha_termino_programado", "20/03/2025".to_owned()),
    ];
    let body: serde_json::Value = post(reprogram).await.json().await.unwrap();
    assert_eq!(body["exito"], true, "{body}");
    assert_eq!(body["tipo_aviso"], "exito", "{body}");

    // Another initial OT on that vessel: saved, with tipo_aviso advertencia and the list.
    let pte = app.create_pte("PTE-C", "1").await;
    let other = api_initial_on_vessel(pte, "OT-C", "2025-03-30", "2025-04-15");
    let body: serde_json::Value = post(other).await.json().await.unwrap();
    assert_eq!(body["exito"], true);
    assert_eq!(body["tipo_aviso"], "advertencia", "{body}");
    let list = body["traslapes"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{body}");
    assert_eq!(list[0]["ot"], "OT-A");
    assert_eq!(list[0]["id"], a);
    assert_eq!(list[0]["sitio"], "Emb. Atlantis Tide");
    assert_eq!(list[0]["desde"], "30/03/2025");
    assert_eq!(list[0]["hasta"], "31/03/2025");
    assert_eq!(list[0]["dias"], 2);
    assert!(body["id_nuevo"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn w20_yard_phases_on_one_yard_conflict_and_the_page_is_for_every_role() {
    let app = setup().await;
    let phase = |from: &'static str, to: &'static str| {
        vec![
            ("check_fase_patio", "on"),
            ("id_patio_fase", "1"),
            ("fecha_inicio_patio", from),
            ("fecha_fin_patio", to),
        ]
    };
    on_vessel(
        &app,
        "OT-P1",
        "01/03/2025",
        "31/03/2025",
        &phase("01/02/2025", "20/02/2025"),
    )
    .await;
    let mut second = phase("15/02/2025", "28/02/2025");
    second.push(("id_embarcacion", "8"));
    let pte = app.create_pte("PTE-OT-P2", "1").await;
    let mut fields = crate::helpers::initial_fields(pte, "OT-P2");
    for (k, v) in [
        ("id_frente", "2"),
        ("fecha_inicio_programado", "01/03/2025"),
        ("fecha_termino_programado", "31/03/2025"),
    ]
    .into_iter()
    .chain(second)
    {
        crate::helpers::set(&mut fields, k, v);
    }
    let r = app.post_order(None, &fields).await;
    let flash = flash_after(&app, r).await;
    assert!(
        flash.contains("Traslape con OT-P1 en Patio Altamira (fase en patio) del 15/02/2025 al 20/02/2025 (6 días)"),
        "{flash}"
    );
    let reader = crate::helpers::spawn_second_login(&app, "cora", Role::Consulta).await;
    let r = reader
        .get(app.url("/programa?desde=01/02/2025&hasta=31/03/2025"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    let rows = texts(&page, "table#traslapes tbody tr");
    assert_eq!(
        rows.len(),
        1,
        "the two vessels differ; only the yard is double-booked"
    );
    assert!(rows[0].contains("Patio Altamira (fases en patio)"));
    // A date that is not one is said, and the default period is shown.
    let r = app.get("/programa?desde=99/99/2025").await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("no se entendió"));
}

#[tokio::test]
async fn w20_a_warning_names_the_first_five_double_bookings_and_counts_the_rest() {
    let app = setup().await;
    let a = on_vessel(&app, "OT-A", "01/03/2025", "31/03/2025", &[]).await;
    // Seven orders on the same vessel, two days each, one after the other: each overlaps OT-A.
    for n in 1..=7 {
        let from = format!("{:02}/03/2025", 2 * n);
        let to = format!("{:02}/03/2025", 2 * n + 1);
        on_vessel(&app, &format!("OT-C{n}"), &from, &to, &[]).await;
    }

    // OT-A's page: the first five by date, a count of the other two, and a link to the
    // timeline over the days they cover (where every one is listed).
    let page = app.get(&format!("/ot/{a}")).await.text().await.unwrap();
    let warning = texts(&page, "#traslapes-ot").join(" ");
    for n in 1..=5 {
        assert!(
            warning.contains(&format!("Traslape con OT-C{n} ")),
            "{warning}"
        );
    }
    assert!(
        !warning.contains("OT-C6") && !warning.contains("OT-C7"),
        "{warning}"
    );
    assert!(warning.contains("y 2 traslapes más"), "{warning}");
    let doc = scraper::Html::parse_document(&page);
    let link = doc
        .select(&scraper::Selector::parse("#traslapes-ot a").unwrap())
        .next()
        .and_then(|a| a.value().attr("href"))
        .unwrap()
        .to_owned();
    assert_eq!(link, "/programa?desde=2025-03-02&hasta=2025-03-15");
    let timeline = app.get(&link).await.text().await.unwrap();
    let rows = texts(&timeline, "table#traslapes tbody tr");
    assert_eq!(
        rows.iter().filter(|r| r.contains("OT-A")).count(),
        7,
        "{rows:?}"
    );

    // The warning after a save is as short; the JSON API still lists every double booking.
    let token = app.csrf_from("/ot").await;
    let pte = app.create_pte("PTE-Z", "1").await;
    let body: serde_json::Value = app
        .client
        .post(app.url("/operaciones/ot/crear-ot-reprogramacion/"))
        .header("x-csrf-token", token)
        .form(&api_initial_on_vessel(
            pte,
            "OT-Z",
            "2025-03-01",
            "2025-03-31",
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["tipo_aviso"], "advertencia", "{body}");
    assert_eq!(body["traslapes"].as_array().unwrap().len(), 8, "{body}");
    let detalles = body["detalles"].as_str().unwrap();
    assert_eq!(detalles.matches("Traslape con").count(), 5, "{detalles}");
    assert!(detalles.contains("y 3 traslapes más"), "{detalles}");
}

/// The plan of a statement's text, one line per node: `EXPLAIN QUERY PLAN` on SQLite; on
/// PostgreSQL `EXPLAIN EXECUTE` of it prepared anew, with `args`, heap and bitmap scans
/// disabled for the moment (with a few rows the planner would rather read the table; disabled,
/// it still reads the table when the index lacks a column it needs).
fn plan_of_prepared(c: &mut faena::db::DbConn, sql: &str, args: &str) -> Vec<String> {
    use diesel::connection::SimpleConnection;
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
        line: String,
    }
    match c {
        faena::db::DbConn::Sqlite(_) => {
            #[derive(QueryableByName)]
            struct Node {
                #[diesel(sql_type = diesel::sql_types::Text)]
                detail: String,
            }
            diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load::<Node>(c)
                .unwrap()
                .into_iter()
                .map(|n| n.detail)
                .collect()
        }
        faena::db::DbConn::Pg(_) => {
            // The kept statement's own plan was made with the table scans allowed (and the
            // connection keeps generic plans): plan its text afresh.
            c.batch_execute(&format!(
                "PREPARE plan_probe AS {sql}; \
                 SET enable_seqscan = off; SET enable_bitmapscan = off"
            ))
            .unwrap();
            let plan =
                diesel::sql_query(format!("EXPLAIN EXECUTE plan_probe({args})")).load::<Line>(c);
            c.batch_execute("DEALLOCATE plan_probe; RESET enable_seqscan; RESET enable_bitmapscan")
                .unwrap();
            plan.unwrap().into_iter().map(|l| l.line).collect()
        }
    }
}

/// W20's double-booking candidates (read on every OT page and every save) come from the site
/// indexes alone (issue 14): the one statement `active_on_sites` keeps for the three sites is
/// planned as covering index scans on SQLite and index-only scans on PostgreSQL. Before
/// migration 000016, PostgreSQL visited the table for every entry of the site and status (1.2 ms twice per OT
/// page on a busy yard of the demo data).
#[tokio::test]
async fn w20_double_booking_candidates_are_read_from_the_site_indexes_alone() {
    let app = setup().await;
    let yard_phase = [
        ("check_fase_patio", "on"),
        ("id_patio_fase", "1"),
        ("fecha_inicio_patio", "01/02/2025"),
        ("fecha_fin_patio", "20/02/2025"),
    ];
    let a = on_vessel(&app, "OT-A", "01/03/2025", "31/03/2025", &yard_phase).await;
    let b = on_vessel(&app, "OT-B", "15/03/2025", "10/04/2025", &[]).await;
    let late = on_vessel(&app, "OT-C", "01/06/2025", "30/06/2025", &[]).await;
    let (found, plan) = app
        .db(move |c| {
            let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
            let span = (day(2, 10), day(3, 31));
            use faena::db::timeline::{SiteWindows, active_on_sites};
            let windows = SiteWindows {
                vessel: Some((7, span)),
                platform: Some((9, span)),
                yard: Some((1, span)),
            };
            let mut found: Vec<i32> = active_on_sites(c, &windows)
                .unwrap()
                .into_iter()
                .map(|p| p.id)
                .collect();
            found.sort_unstable();
            found.dedup();
            #[derive(QueryableByName)]
            struct Stmt {
                #[diesel(sql_type = diesel::sql_types::Text)]
                sql: String,
            }
            let kept = match c {
                faena::db::DbConn::Sqlite(_) => "SELECT sql FROM sqlite_stmt",
                faena::db::DbConn::Pg(_) => "SELECT statement AS sql FROM pg_prepared_statements",
            };
            let kept: Vec<String> = diesel::sql_query(kept)
                .load::<Stmt>(c)
                .unwrap()
                .into_iter()
                .map(|s| s.sql)
                .collect();
            let mine: Vec<&String> = kept
                .iter()
                .filter(|sql| {
                    // Identifiers are quoted with ` on SQLite and " on PostgreSQL.
                    let bare = sql.replace(['`', '"'], "");
                    ["vessel", "platform", "yard"]
                        .iter()
                        .all(|site| bare.contains(&format!("work_orders.{site}_site_id =")))
                        && bare.contains("work_orders.yard_end >=")
                })
                .collect();
            assert_eq!(
                mine.len(),
                1,
                "one kept statement for the three sites: {kept:?}"
            );
            // Per site: the site, then the span's end three times and its start three times.
            let arm = "'2025-03-31', '2025-03-31', '2025-03-31', \
                       '2025-02-10', '2025-02-10', '2025-02-10'";
            let args = format!("7, {arm}, 9, {arm}, 1, {arm}");
            (found, plan_of_prepared(c, mine[0], &args))
        })
        .await;
    assert_eq!(found, vec![a, b], "OT-C ({late}) starts after the span");
    for site in ["vessel", "platform", "yard"] {
        let index = format!("work_orders_{site}_window_idx");
        assert!(
            plan.iter().any(|l| {
                l.contains(&index)
                    && (l.contains("USING COVERING INDEX") || l.contains("Index Only Scan"))
            }),
            "the {site} candidates read the table too: {plan:?}"
        );
    }
}

/// Each exclusive booking is checked over its own window on its own site (issue 14: the
/// candidates of a yard phase are searched over the phase, not the order's whole span): an
/// order with a vessel in March and a yard phase in February meets a vessel booking late in
/// March and a yard phase overlapping February's, and nothing that is only near.
#[tokio::test]
async fn w20_each_booking_is_checked_over_its_own_window_on_its_own_site() {
    let app = setup().await;
    let phase = |from: &'static str, to: &'static str| {
        [
            ("check_fase_patio", "on"),
            ("id_patio_fase", "1"),
            ("fecha_inicio_patio", from),
            ("fecha_fin_patio", to),
        ]
    };
    let a = on_vessel(
        &app,
        "OT-A",
        "01/03/2025",
        "31/03/2025",
        &phase("01/02/2025", "20/02/2025"),
    )
    .await;
    // Vessel 8 over March, its yard phase on yard 1 overlapping A's phase by six days.
    let pte = app.create_pte("PTE-OT-B", "1").await;
    let mut fields = crate::helpers::initial_fields(pte, "OT-B");
    for (k, v) in [
        ("id_frente", "2"),
        ("id_embarcacion", "8"),
        ("fecha_inicio_programado", "01/03/2025"),
        ("fecha_termino_programado", "31/03/2025"),
    ]
    .into_iter()
    .chain(phase("15/02/2025", "28/02/2025"))
    {
        crate::helpers::set(&mut fields, k, v);
    }
    app.post_order(None, &fields).await;
    // Vessel 7 late in March (meets A's vessel booking, far from its yard phase).
    on_vessel(&app, "OT-D", "25/03/2025", "05/04/2025", &[]).await;
    // Vessel 7 in February, during A's yard phase but not on its vessel window: no conflict.
    on_vessel(&app, "OT-E", "01/02/2025", "20/02/2025", &[]).await;
    let found = app
        .db(move |c| faena::services::timeline::conflicts_for(c, a).unwrap())
        .await;
    let mut seen: Vec<(String, &str, String, String)> = found
        .iter()
        .map(|c| {
            (
                c.other_folio.clone(),
                c.use_.label(),
                c.from.to_string(),
                c.to.to_string(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            (
                "OT-B".to_owned(),
                "Fase en patio",
                "2025-02-15".to_owned(),
                "2025-02-20".to_owned()
            ),
            (
                "OT-D".to_owned(),
                "Embarcación",
                "2025-03-25".to_owned(),
                "2025-03-31".to_owned()
            ),
        ]
    );
}
