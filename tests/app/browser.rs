//! End-to-end in a real browser: Debian's Chromium driven through chromedriver (WebDriver).
//! `.ci/test` installs `chromium chromium-driver` when missing. Screenshots of the list, the form
//! and the print view are saved under `target/screenshots/`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use faena::db::work_orders as repo;
use faena::domain::planning_doc::PteForm;
use faena::domain::role::Role;
use faena::services::Actor;
use faena::services::planning_docs;
use fantoccini::wd::PrintConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::helpers::spawn_app;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_browser(profile: &Path) -> (Driver, Client) {
    assert!(
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
        "the browser test needs Debian's Chromium: apt-get install -y chromium chromium-driver \
         (.ci/test does it)"
    );
    let port = free_port();
    let driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let url = format!("http://127.0.0.1:{port}");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1366,900",
                // An English browser, as many of Faena's users have: dates must still read day first.
                "--lang=en-US",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    let mut last_err = String::new();
    for _ in 0..50 {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return (driver, client),
            Err(e) => {
                last_err = e.to_string();
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("cannot start a WebDriver session: {last_err}");
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn type_into(client: &Client, css: &str, text: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

async fn choose(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Clicks a button that submits a form and waits until the browser has left the page: the old
/// document's root goes stale. Waiting only for an element of the next page would race when the
/// page being left has that element too.
async fn submit(client: &Client, css: &str) {
    let old = client.find(Locator::Css("html")).await.unwrap();
    click(client, css).await;
    for _ in 0..200 {
        if old.tag_name().await.is_err() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("clicking {css} did not load a new page within 10 s");
}

async fn displayed(client: &Client, css: &str) -> bool {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap()
}

#[tokio::test]
async fn in_chromium_a_vessel_order_with_yard_phase_is_created_and_switched_to_land() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Gestor).await;
    let pte = app
        .db(|c| {
            planning_docs::create(
                c,
                &PteForm {
                    oficio_pte: "PTE-E2E-1".into(),
                    descripcion_trabajo: "Instalación de sistema contra incendio".into(),
                    id_cliente: "1".into(),
                    responsable_proyecto: "2".into(),
                },
                &Actor::console(),
                Utc::now().naive_utc(),
            )
            .unwrap()
        })
        .await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, b) = start_browser(profile.path()).await;
    let shots = screenshot_dir();

    // Log in.
    b.goto(&app.url("/login")).await.unwrap();
    type_into(&b, "#f-username", &ana.username).await;
    type_into(&b, "#f-password", &ana.password).await;
    submit(&b, "form.form button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("#total-ot"))
        .await
        .unwrap();

    // Issue 12 §8: the PTE picker suggests as the user types; choosing one pre-fills the fields
    // still empty from the PTE (description, client, project manager).
    b.goto(&app.url("/ot/nueva")).await.unwrap();
    type_into(&b, "#f-id_pte", "e2e").await;
    b.wait()
        .for_element(Locator::Css("#opciones-id_pte option[value='PTE-E2E-1']"))
        .await
        .unwrap();
    let picker = b.find(Locator::Css("#f-id_pte")).await.unwrap();
    picker.clear().await.unwrap();
    picker.send_keys("PTE-E2E-1").await.unwrap();
    let filled = b
        .execute(
            "return [document.getElementById('f-descripcion_trabajo').value, \
                     document.getElementById('f-responsable_proyecto').value, \
                     document.getElementById('f-id_cliente').value];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        filled,
        serde_json::json!(["Instalación de sistema contra incendio", "2", "1"])
    );
    std::fs::write(
        shots.join("selector-pte.png"),
        b.screenshot().await.unwrap(),
    )
    .unwrap();

    // The form, from the PTE: front BARCO reveals the yard-phase checkbox, which reveals the yard.
    b.goto(&app.url(&format!("/ot/nueva?pte={pte}")))
        .await
        .unwrap();
    assert!(
        !displayed(&b, "#f-check_fase_patio").await,
        "no front yet: no yard phase"
    );
    type_into(&b, "#f-orden_trabajo", "OT-E2E-001").await;
    type_into(&b, "#f-oficio_ot", "PEP-E2E-2026").await;
    type_into(&b, "#f-responsable_cliente", "Ing. Laura Méndez").await;
    choose(&b, "#f-id_frente", "2").await;
    assert!(displayed(&b, "#f-check_fase_patio").await);
    assert!(displayed(&b, "#f-id_embarcacion").await);
    assert!(
        !displayed(&b, "#f-id_patio_fase").await,
        "yard hidden until the box is ticked"
    );
    click(&b, "#f-check_fase_patio").await;
    assert!(displayed(&b, "#f-id_patio_fase").await);
    assert!(displayed(&b, "#f-fecha_inicio_patio").await);
    choose(&b, "#f-id_patio_fase", "2").await;
    choose(&b, "#f-id_embarcacion", "7").await;
    type_into(&b, "#f-monto_mxn", "1,250,000.50").await;
    // Issue 12 §8: in an English browser a date is still typed day first; 03/04 is April 3,
    // spelled out beside the field before saving.
    type_into(&b, "#f-fecha_inicio_programado", "03042025").await;
    let spelled = b
        .find(Locator::Css("#f-fecha_inicio_programado + .date-spelled"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(spelled, "3 de abril de 2025");
    // W1: start + duration, no end: the form says the end the server will set.
    type_into(&b, "#f-plazo_dias", "10").await;
    let computed = b
        .find(Locator::Css("#f-fecha_termino_programado + .date-spelled"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(computed, "Se calculará: 12/04/2025 (inicio + plazo − 1)");
    std::fs::write(shots.join("formulario.png"), b.screenshot().await.unwrap()).unwrap();
    submit(&b, "#ot-form button[type=submit]").await;

    // The detail page shows the order's steps.
    let steps_table = b
        .wait()
        .for_element(Locator::Css("table#pasos"))
        .await
        .unwrap();
    let rows = steps_table
        .find_all(Locator::Css("tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 6);
    let id: i32 = b
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let order = app.db(move |c| repo::find(c, id).unwrap().unwrap()).await;
    assert!(order.requires_yard);
    assert_eq!(
        (order.front_id, order.vessel_site_id, order.yard_site_id),
        (Some(2), Some(7), Some(2))
    );
    assert_eq!(order.amount_mxn, 125_000_050);
    assert_eq!(
        order.planned_start,
        chrono::NaiveDate::from_ymd_opt(2025, 4, 3),
        "day first"
    );
    assert_eq!(
        order.planned_end,
        chrono::NaiveDate::from_ymd_opt(2025, 4, 12),
        "as the form said"
    );
    let pdf = b.print(PrintConfiguration::default()).await.unwrap();
    std::fs::write(shots.join("impresion.pdf"), &pdf).unwrap();
    // A typical order (six steps) prints on one Letter sheet, signatures included; the history
    // is printed only when asked for.
    assert_eq!(pdf_pages(&pdf), 1, "one sheet per typical order");
    std::fs::write(shots.join("detalle.png"), b.screenshot().await.unwrap()).unwrap();

    // Issue 12 §2: a step is saved in its row, without a page load; the delivery date is asked
    // for only when COMPLETADO.
    let first_step = app
        .db(move |c| faena::db::steps::for_order(c, id).unwrap()[0].id)
        .await;
    let row = format!("#paso-{first_step}");
    assert!(
        !displayed(&b, &format!("{row} input[name=fecha_entrega]")).await,
        "no delivery date for a PENDIENTE step"
    );
    choose(&b, &format!("{row} select[name=estatus]"), "3").await;
    assert!(displayed(&b, &format!("{row} input[name=fecha_entrega]")).await);
    choose(&b, &format!("{row} select[name=estatus]"), "2").await;
    b.execute("window.__same_page = true;", vec![])
        .await
        .unwrap();
    click(&b, &format!("{row} button[type=submit]")).await;
    b.wait()
        .for_element(Locator::Css(&format!("{row}.saved")))
        .await
        .unwrap();
    let same_page = b
        .execute("return window.__same_page === true;", vec![])
        .await
        .unwrap();
    assert_eq!(same_page, serde_json::json!(true), "no reload");
    let saved = app
        .db(move |c| faena::db::steps::find(c, first_step).unwrap().unwrap())
        .await;
    assert_eq!(saved.status_id, 2);
    b.execute("document.getElementById('pasos').scrollIntoView();", vec![])
        .await
        .unwrap();
    std::fs::write(shots.join("pasos.png"), b.screenshot().await.unwrap()).unwrap();

    // Edit: front TIERRA hides the yard-phase checkbox; saving clears the phase (W6).
    b.goto(&app.url(&format!("/ot/{id}/editar"))).await.unwrap();
    assert!(displayed(&b, "#f-check_fase_patio").await);
    choose(&b, "#f-id_frente", "1").await;
    assert!(
        !displayed(&b, "#f-check_fase_patio").await,
        "TIERRA has no yard phase"
    );
    assert!(!displayed(&b, "#f-id_embarcacion").await);
    assert!(
        displayed(&b, "#f-id_patio").await,
        "the land yard shows instead"
    );
    choose(&b, "#f-id_patio", "1").await;
    submit(&b, "#ot-form button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("table#pasos"))
        .await
        .unwrap();
    let order = app.db(move |c| repo::find(c, id).unwrap().unwrap()).await;
    assert!(!order.requires_yard);
    assert_eq!(
        (order.front_id, order.vessel_site_id, order.yard_site_id),
        (Some(1), None, Some(1))
    );

    b.goto(&app.url("/ot")).await.unwrap();
    b.wait()
        .for_element(Locator::Css("#lista-ot"))
        .await
        .unwrap();
    std::fs::write(shots.join("lista.png"), b.screenshot().await.unwrap()).unwrap();
    // Issue 12 §1: at 1366 px every column of the list is visible without sideways scrolling,
    // and its rows are one line (12 fit above the fold of a 1366×768 laptop).
    let measured = b
        .execute(
            "const w = document.querySelector('#lista-ot').closest('.table-wrap'); \
             const row = document.querySelector('#lista-ot tbody tr'); \
             const top = row.getBoundingClientRect().top + window.scrollY; \
             return [w.scrollWidth, w.clientWidth, Math.round(row.getBoundingClientRect().height), Math.round(top)];",
            vec![],
        )
        .await
        .unwrap();
    let [scroll, client, row_height, top] = serde_json::from_value::<[i64; 4]>(measured).unwrap();
    // (one pixel of sub-pixel rounding allowed)
    assert!(
        scroll <= client + 1,
        "the list is {scroll} px wide in {client} px"
    );
    assert!(
        top + 12 * row_height <= 768,
        "12 rows of {row_height} px from {top} px pass the fold"
    );

    // "Imprimir selección": each order starts its own sheet, so three alike orders take three
    // times the sheets of one.
    app.db(|c| {
        for n in 1..=3 {
            let now = Utc::now().naive_utc();
            let form = PteForm {
                oficio_pte: format!("PTE-SEL-{n}"),
                descripcion_trabajo: "Inspección de ductos".into(),
                id_cliente: "1".into(),
                responsable_proyecto: "1".into(),
            };
            let pte = planning_docs::create(c, &form, &Actor::console(), now).unwrap();
            let order = faena::domain::work_order::WorkOrderForm {
                id_tipo: "4".into(),
                id_pte: pte.to_string(),
                orden_trabajo: format!("SEL-{n}"),
                oficio_ot: format!("OF-SEL-{n}"),
                descripcion_trabajo: "Inspección de ductos".into(),
                responsable_proyecto: "1".into(),
                responsable_cliente: "Ing. Pérez".into(),
                ..Default::default()
            };
            let catalogs = faena::db::catalogs::Catalogs::load(c).unwrap();
            faena::services::work_orders::create(c, &catalogs, &order, &Actor::console(), now)
                .unwrap();
        }
    })
    .await;
    let mut pages = Vec::new();
    for (query, orders) in [("q=SEL-1", 1), ("q=SEL", 3)] {
        b.goto(&app.url(&format!("/ot/imprimir?{query}")))
            .await
            .unwrap();
        let printed = b
            .find_all(Locator::Css("article.ot-print"))
            .await
            .unwrap()
            .len();
        assert_eq!(printed, orders, "{query}");
        let pdf = b.print(PrintConfiguration::default()).await.unwrap();
        std::fs::write(shots.join(format!("seleccion-{orders}.pdf")), &pdf).unwrap();
        pages.push(pdf_pages(&pdf));
    }
    assert_eq!(pages, [1, 3], "one sheet per order");

    // Anexo C: a real browser's multipart upload (the CSRF token travels in the multipart body).
    app.db(crate::annex::seed_concepts).await;
    let workbook = crate::annex::annex_book(vec![
        crate::annex::row("A-1", "Suministro de válvula de 2 pulgadas", "PZA", 2.5),
        crate::annex::row("A-2", "Pintura anticorrosiva", "M2", 4.0),
    ]);
    let file = profile.path().join("anexo-c.xlsx");
    std::fs::write(&file, workbook).unwrap();
    b.goto(&app.url(&format!("/ot/{id}"))).await.unwrap();
    type_into(&b, "#anexo-archivo", file.to_str().unwrap()).await;
    submit(&b, "#importar-anexo button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("#anexo-partidas"))
        .await
        .unwrap();
    let rows = b
        .find_all(Locator::Css("#anexo-partidas tbody tr"))
        .await
        .unwrap()
        .len();
    assert_eq!(rows, 2);
    let total = b
        .find(Locator::Css("#total-mxn"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(total, "$5,188.00 MXN");
    std::fs::write(shots.join("anexo.png"), b.screenshot().await.unwrap()).unwrap();

    // Programa de obra (W15–W17): upload an MS Project XML from the browser, capture one task's
    // progress in the tree grid's form, look at the grid and the S-curve.
    let xml = profile.path().join("programa.xml");
    std::fs::write(&xml, crate::schedules::mspdi(&crate::schedules::sample())).unwrap();
    b.goto(&app.url(&format!("/ot/{id}/programa")))
        .await
        .unwrap();
    type_into(&b, "#programa-archivo", xml.to_str().unwrap()).await;
    submit(&b, "#importar-programa button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("#arbol-programa"))
        .await
        .unwrap();
    click(&b, "#arbol-programa .tg-leaf a").await;
    b.wait()
        .for_element(Locator::Css("#form-avance"))
        .await
        .unwrap();
    type_into(&b, "#f-porcentaje_real", "60").await;
    type_into(&b, "#f-porcentaje_cliente", "50").await;
    type_into(&b, "#f-comentario", "Avance de la semana").await;
    submit(&b, "#form-avance button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("#resumen-programa"))
        .await
        .unwrap();
    let real = b
        .find(Locator::Css("#avance-real"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(real, "18 %", "60 % of the cut, weighted 30 of 100");
    std::fs::write(shots.join("programa.png"), b.screenshot().await.unwrap()).unwrap();
    b.goto(&app.url(&format!("/ot/{id}/programa/curva-s")))
        .await
        .unwrap();
    assert_eq!(
        b.find_all(Locator::Css("#curva-s polyline"))
            .await
            .unwrap()
            .len(),
        3,
        "planned, real and client lines"
    );
    std::fs::write(shots.join("curva-s.png"), b.screenshot().await.unwrap()).unwrap();
    let pdf = b.print(PrintConfiguration::default()).await.unwrap();
    std::fs::write(shots.join("curva-s.pdf"), &pdf).unwrap();

    // W19: the Gantt chart on screen, and its print version (one sheet per page of the chart,
    // so no bar is split by a page break).
    b.goto(&app.url(&format!("/ot/{id}/programa/gantt?escala=dia")))
        .await
        .unwrap();
    assert_eq!(
        b.find_all(Locator::Css("#gantt g.task"))
            .await
            .unwrap()
            .len(),
        6
    );
    std::fs::write(shots.join("gantt.png"), b.screenshot().await.unwrap()).unwrap();
    b.goto(&app.url(&format!("/ot/{id}/programa/gantt?escala=dia&imprimir=1")))
        .await
        .unwrap();
    let sheets = b
        .find_all(Locator::Css(".gantt-sheet"))
        .await
        .unwrap()
        .len();
    let pdf = b.print(PrintConfiguration::default()).await.unwrap();
    std::fs::write(shots.join("gantt.pdf"), &pdf).unwrap();
    assert_eq!(pdf_pages(&pdf), sheets, "one printed page per chart sheet");

    // W20: the fleet and yard timeline, with two orders double-booking a vessel around today.
    let today = Utc::now().date_naive();
    let day = |offset: i64| {
        (today + chrono::Duration::days(offset))
            .format("%d/%m/%Y")
            .to_string()
    };
    for (folio, vessel, from, to, front, yard) in [
        ("OT-FLOTA-1", "8", day(-20), day(25), "2", ""),
        ("OT-FLOTA-2", "8", day(10), day(60), "2", ""),
        ("OT-FLOTA-3", "6", day(-5), day(90), "2", ""),
        ("OT-TIERRA-1", "", day(0), day(45), "1", "2"),
    ] {
        app.db(move |c| {
            let now = Utc::now().naive_utc();
            let pte = planning_docs::create(
                c,
                &PteForm {
                    oficio_pte: format!("PTE-{folio}"),
                    descripcion_trabajo: "Obra de la flota".into(),
                    id_cliente: "1".into(),
                    responsable_proyecto: "1".into(),
                },
                &Actor::console(),
                now,
            )
            .unwrap();
            let catalogs = faena::db::catalogs::Catalogs::load(c).unwrap();
            faena::services::work_orders::create(
                c,
                &catalogs,
                &faena::domain::work_order::WorkOrderForm {
                    id_tipo: "4".into(),
                    id_pte: pte.to_string(),
                    orden_trabajo: folio.into(),
                    oficio_ot: format!("PEP-{folio}-2026"),
                    descripcion_trabajo: "Obra de la flota".into(),
                    responsable_proyecto: "1".into(),
                    responsable_cliente: "Ing. Pérez".into(),
                    id_cliente: "1".into(),
                    id_frente: front.into(),
                    id_embarcacion: vessel.into(),
                    id_patio: yard.into(),
                    fecha_inicio_programado: from,
                    fecha_termino_programado: to,
                    ..Default::default()
                },
                &Actor::console(),
                now,
            )
            .unwrap();
        })
        .await;
    }
    b.goto(&app.url("/programa")).await.unwrap();
    assert_eq!(
        b.find_all(Locator::Css("table#traslapes tbody tr"))
            .await
            .unwrap()
            .len(),
        1,
        "OT-FLOTA-1 and OT-FLOTA-2 share Emb. Sea Pearl for 16 days"
    );
    std::fs::write(shots.join("flota.png"), b.screenshot().await.unwrap()).unwrap();
    let pdf = b.print(PrintConfiguration::default()).await.unwrap();
    std::fs::write(shots.join("flota.pdf"), &pdf).unwrap();
    assert_eq!(
        pdf_pages(&pdf),
        1,
        "the timeline and its table on one landscape sheet"
    );

    // An administrator's pages: log out, log in as admin, look at them.
    let root = app.create_user("root", Role::Admin).await;
    click(&b, "form[action='/logout'] button").await;
    b.wait()
        .for_element(Locator::Css("#f-username"))
        .await
        .unwrap();
    type_into(&b, "#f-username", &root.username).await;
    type_into(&b, "#f-password", &root.password).await;
    submit(&b, "form.form button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("#total-ot"))
        .await
        .unwrap();
    for (path, shot, css, expected) in [
        (
            "/admin/catalogos/sitios",
            "admin-sitios.png",
            "#entradas tbody tr",
            13,
        ),
        (
            "/admin/plantillas",
            "admin-plantillas.png",
            "#conjunto-5 tbody tr",
            7,
        ),
        (
            "/admin/reglas?tipo=5&cliente=2",
            "admin-reglas.png",
            "#vista-previa-pasos li",
            4,
        ),
        (
            "/admin/conceptos",
            "admin-conceptos.png",
            "#conceptos tbody tr",
            3,
        ),
    ] {
        b.goto(&app.url(path)).await.unwrap();
        let found = b.find_all(Locator::Css(css)).await.unwrap().len();
        assert_eq!(found, expected, "{path}");
        std::fs::write(shots.join(shot), b.screenshot().await.unwrap()).unwrap();
    }

    // Issue 12 §7: on a 390 px phone no page scrolls sideways (wide tables scroll in their box).
    b.set_window_size(390, 844).await.unwrap();
    // The menu and the list's filters fold behind a button each.
    b.goto(&app.url("/ot")).await.unwrap();
    assert!(displayed(&b, "#boton-menu").await);
    assert!(!displayed(&b, "nav.nav").await, "the menu is folded");
    assert!(displayed(&b, "#boton-filtros").await);
    assert!(
        !displayed(&b, "#lista-ot thead").await,
        "the orders are cards, without the table's header"
    );
    assert!(
        !displayed(&b, "form.filters").await,
        "the filters are folded"
    );
    std::fs::write(shots.join("lista-390.png"), b.screenshot().await.unwrap()).unwrap();
    click(&b, "#boton-filtros").await;
    assert!(displayed(&b, "form.filters").await);
    click(&b, "#boton-menu").await;
    assert!(displayed(&b, "nav.nav").await);
    std::fs::write(shots.join("menu-390.png"), b.screenshot().await.unwrap()).unwrap();
    let mut too_wide = Vec::new();
    for path in [
        "/ot".to_owned(),
        format!("/ot/{id}"),
        format!("/ot/{id}/editar"),
        "/ot/nueva".to_owned(),
        "/pte".to_owned(),
        "/actividad".to_owned(),
        "/admin/usuarios".to_owned(),
        "/admin/catalogos/sitios".to_owned(),
        "/admin/plantillas".to_owned(),
        "/admin/reglas".to_owned(),
        "/admin/conceptos".to_owned(),
        "/admin/importar-ots".to_owned(),
        "/admin/tipo-de-cambio".to_owned(),
        format!("/ot/{id}/programa"),
        format!("/ot/{id}/programa/curva-s"),
        format!("/ot/{id}/programa/gantt"),
        "/programa".to_owned(),
    ] {
        b.goto(&app.url(&path)).await.unwrap();
        let widths = b
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .unwrap();
        let [scroll, inner] = serde_json::from_value::<[i64; 2]>(widths).unwrap();
        if scroll > inner {
            let who = b
                .execute(
                    "return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap')).slice(0, 6).map(e => e.tagName + '#' + e.id + '.' + e.className);",
                    vec![],
                )
                .await
                .unwrap();
            too_wide.push(format!("{path}: {scroll} > {inner} {who}"));
        }
    }
    b.goto(&app.url(&format!("/ot/{id}/programa")))
        .await
        .unwrap();
    std::fs::write(
        shots.join("programa-390.png"),
        b.screenshot().await.unwrap(),
    )
    .unwrap();
    b.goto(&app.url(&format!("/ot/{id}"))).await.unwrap();
    std::fs::write(shots.join("detalle-390.png"), b.screenshot().await.unwrap()).unwrap();
    // The steps are cards too: each one the phone's width, its fields labelled, one button.
    assert!(
        !displayed(&b, "#pasos thead").await,
        "no table header on a phone"
    );
    let card = b
        .execute(
            "const t = document.querySelector('#pasos tbody tr'); t.scrollIntoView(); \
             const r = t.getBoundingClientRect(); \
             return [r.left >= 0 && r.right <= window.innerWidth && r.width > 300, \
                     t.querySelectorAll('button').length, \
                     getComputedStyle(t.querySelector('td[data-label]'), '::before').content];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(card, serde_json::json!([true, 1, "\"Inicio\""]), "{card}");
    std::fs::write(shots.join("pasos-390.png"), b.screenshot().await.unwrap()).unwrap();
    assert!(too_wide.is_empty(), "wider than the phone: {too_wide:?}");
    b.close().await.unwrap();
}

/// Pages of a PDF as Chromium writes it (page objects are not compressed).
fn pdf_pages(pdf: &[u8]) -> usize {
    let count = |needle: &[u8]| pdf.windows(needle.len()).filter(|w| *w == needle).count();
    count(b"/Type /Page") - count(b"/Type /Pages")
}
